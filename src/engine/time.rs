//! Batch times and durations, in milliseconds since the Unix epoch, as Spark's `Time`
//! and `Duration` are. Printing uses the local time zone, like PySpark's `str(datetime)`.

use chrono::{Local, LocalResult, NaiveDateTime, TimeZone};
use std::fmt;

/// A duration in milliseconds (Spark's `Duration`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Duration(pub i64);

impl Duration {
    /// Seconds as given by a script (int or float) to milliseconds, rounded like Spark's
    /// `Seconds(x)` / PySpark's `int(x * 1000)` would for sane inputs.
    pub fn from_secs_f64(secs: f64) -> Duration {
        Duration((secs * 1000.0).round() as i64)
    }
    pub fn ms(self) -> i64 {
        self.0
    }
    pub fn is_multiple_of(self, other: Duration) -> bool {
        other.0 != 0 && self.0 % other.0 == 0
    }
    /// How many times `other` fits in `self` (both positive in practice).
    pub fn times_in(self, other: Duration) -> i64 {
        if other.0 == 0 { 0 } else { self.0 / other.0 }
    }
}

impl std::ops::Add for Duration {
    type Output = Duration;
    fn add(self, o: Duration) -> Duration {
        Duration(self.0 + o.0)
    }
}

impl std::ops::Mul<i64> for Duration {
    type Output = Duration;
    fn mul(self, k: i64) -> Duration {
        Duration(self.0 * k)
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ms", self.0)
    }
}

/// A batch time in milliseconds since the Unix epoch (Spark's `Time`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Time(pub i64);

impl Time {
    pub fn ms(self) -> i64 {
        self.0
    }

    /// The first batch time of a context started at `now`: the next multiple of the interval
    /// after `now`, as Spark's `RecurringTimer.getStartTime` computes it.
    pub fn next_aligned(now_ms: i64, interval: Duration) -> Time {
        let i = interval.0.max(1);
        Time((now_ms.div_euclid(i) + 1) * i)
    }

    /// `zero + floor((self - zero) / slide) * slide`: the latest slide-aligned time not after self.
    pub fn floor_to(self, zero: Time, slide: Duration) -> Time {
        let s = slide.0.max(1);
        Time(zero.0 + (self.0 - zero.0).div_euclid(s) * s)
    }

    /// `str(datetime)` of this time in the local time zone: microseconds only when fractional.
    pub fn format_local(self) -> String {
        let secs = self.0.div_euclid(1000);
        let millis = self.0.rem_euclid(1000);
        let dt = match Local.timestamp_opt(secs, 0) {
            LocalResult::Single(d) | LocalResult::Ambiguous(d, _) => d,
            LocalResult::None => return format!("{} ms", self.0),
        };
        let base = dt.format("%Y-%m-%d %H:%M:%S").to_string();
        if millis == 0 {
            base
        } else {
            format!("{base}.{:06}", millis * 1000)
        }
    }

    /// Parses `YYYY-MM-DD HH:MM:SS[.fff]` in the local time zone.
    pub fn parse_local(text: &str) -> Option<Time> {
        let text = text.trim();
        let naive = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f")
            .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S"))
            .ok()?;
        let local = Local.from_local_datetime(&naive).earliest()?;
        Some(Time(local.timestamp_millis()))
    }
}

impl std::ops::Add<Duration> for Time {
    type Output = Time;
    fn add(self, d: Duration) -> Time {
        Time(self.0 + d.0)
    }
}

impl std::ops::Sub<Duration> for Time {
    type Output = Time;
    fn sub(self, d: Duration) -> Time {
        Time(self.0 - d.0)
    }
}

impl std::ops::Sub for Time {
    type Output = Duration;
    fn sub(self, o: Time) -> Duration {
        Duration(self.0 - o.0)
    }
}

impl fmt::Display for Time {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.format_local())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_batch_is_next_multiple_of_interval() {
        assert_eq!(Time::next_aligned(10_300, Duration(1000)), Time(11_000));
        assert_eq!(Time::next_aligned(11_000, Duration(1000)), Time(12_000));
        assert_eq!(Time::next_aligned(10_300, Duration(2500)), Time(12_500));
        assert_eq!(Time::next_aligned(10_300, Duration(500)), Time(10_500));
    }

    #[test]
    fn floor_to_aligns_on_zero_time() {
        let zero = Time(1000);
        assert_eq!(Time(4500).floor_to(zero, Duration(2000)), Time(3000));
        assert_eq!(Time(5000).floor_to(zero, Duration(2000)), Time(5000));
    }

    #[test]
    fn seconds_become_milliseconds() {
        assert_eq!(Duration::from_secs_f64(0.5), Duration(500));
        assert_eq!(Duration::from_secs_f64(3.0), Duration(3000));
        assert!(Duration(3000).is_multiple_of(Duration(1000)));
        assert!(!Duration(2500).is_multiple_of(Duration(1000)));
    }

    #[test]
    fn local_round_trip_and_fractional_format() {
        let t = Time::parse_local("2021-11-14 10:00:54").expect("parses");
        assert_eq!(t.format_local(), "2021-11-14 10:00:54");
        assert_eq!(
            (t + Duration(500)).format_local(),
            "2021-11-14 10:00:54.500000"
        );
        assert!(Time::parse_local("yesterday").is_none());
    }
}
