//! Batch times and durations, in milliseconds since the Unix epoch, as Spark's `Time`
//! and `Duration` are. Printing uses the local time zone, like PySpark's `str(datetime)`.

use super::error::StreamingError;
use chrono::{Local, LocalResult, NaiveDateTime, TimeZone};
use std::fmt;

/// A duration in milliseconds (Spark's `Duration`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Duration(pub i64);

/// The longest duration any API accepts (batch interval, window, slide, checkpoint interval,
/// remember): a year. Longer ones are mistakes, and keeping every duration this small keeps
/// batch-time arithmetic far from overflowing.
pub const MAX_DURATION_SECS: f64 = 365.0 * 24.0 * 3600.0;

/// The longest timeout honoured; longer ones (and Spark's negative "no timeout") wait forever.
pub const MAX_TIMEOUT_SECS: f64 = 100.0 * MAX_DURATION_SECS;

/// Seconds as a script wrote them, for messages: `-1`, `0.5`, `nan`, `1e+300` (Python's way).
pub fn show_secs(secs: f64) -> String {
    if secs.is_finite() && secs.fract() == 0.0 && secs.abs() < 1e16 {
        format!("{}", secs as i64)
    } else {
        let mut out = String::new();
        super::pyrepr::write_float_repr(secs, &mut out);
        out
    }
}

/// PySpark's own refusal of NaN seconds (`int(nan * 1000)`), naming the argument.
fn nan_error(arg: &str) -> StreamingError {
    StreamingError::Invalid(format!(
        "ValueError: cannot convert float NaN to integer ({arg} = nan)"
    ))
}

impl Duration {
    /// A duration given in seconds by a script (int or float), validated: finite, positive,
    /// at most [`MAX_DURATION_SECS`]. `arg` names the argument for the message. This is the
    /// one way every API that takes seconds turns them into a `Duration`.
    pub fn positive_secs(secs: f64, arg: &str) -> Result<Duration, StreamingError> {
        let d = Duration::non_negative_secs(secs, arg)?;
        if d.0 == 0 {
            return Err(StreamingError::Invalid(format!(
                "{arg} must be a positive number of seconds (at least 0.001), got {}",
                show_secs(secs)
            )));
        }
        Ok(d)
    }

    /// [`Duration::positive_secs`] where 0 is allowed (e.g. `remember(0)`: nothing extra).
    pub fn non_negative_secs(secs: f64, arg: &str) -> Result<Duration, StreamingError> {
        if secs.is_nan() {
            return Err(nan_error(arg));
        }
        if !(secs.is_finite() && (0.0..=MAX_DURATION_SECS).contains(&secs)) {
            return Err(StreamingError::Invalid(format!(
                "{arg} must be a number of seconds between 0 and {} (365 days), got {}",
                MAX_DURATION_SECS as i64,
                show_secs(secs)
            )));
        }
        Ok(Duration((secs * 1000.0).round() as i64))
    }

    /// A timeout in seconds: None means "no timeout", as Spark takes a negative one; NaN is
    /// refused and anything beyond [`MAX_TIMEOUT_SECS`] is as good as none.
    pub fn timeout_secs(
        secs: f64,
        arg: &str,
    ) -> Result<Option<std::time::Duration>, StreamingError> {
        if secs.is_nan() {
            return Err(nan_error(arg));
        }
        if !(0.0..=MAX_TIMEOUT_SECS).contains(&secs) {
            return Ok(None);
        }
        Ok(Some(std::time::Duration::from_secs_f64(secs)))
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

    /// `self + d`, or an error naming the operation when the result leaves the range of
    /// printable times (years 1..9999): batch-time arithmetic never wraps.
    pub fn checked_add(self, d: Duration) -> Result<Time, StreamingError> {
        self.0
            .checked_add(d.0)
            .map(Time)
            .filter(|t| t.in_range())
            .ok_or_else(|| {
                StreamingError::Invalid(format!(
                    "{self} + {} s is out of the range of times (years 1 to 9999)",
                    show_secs(d.0 as f64 / 1000.0)
                ))
            })
    }

    /// `self - d`, checked like [`Time::checked_add`].
    pub fn checked_sub(self, d: Duration) -> Result<Time, StreamingError> {
        self.0
            .checked_sub(d.0)
            .map(Time)
            .filter(|t| t.in_range())
            .ok_or_else(|| {
                StreamingError::Invalid(format!(
                    "{self} - {} s is out of the range of times (years 1 to 9999)",
                    show_secs(d.0 as f64 / 1000.0)
                ))
            })
    }

    /// Between 0001-01-01 and 9999-12-31 (what `datetime` can hold), with a day's margin.
    pub fn in_range(self) -> bool {
        const MIN_MS: i64 = -62_135_596_800_000 + 86_400_000;
        const MAX_MS: i64 = 253_402_300_799_000 - 86_400_000;
        (MIN_MS..=MAX_MS).contains(&self.0)
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
        assert_eq!(Duration::positive_secs(0.5, "d"), Ok(Duration(500)));
        assert_eq!(Duration::positive_secs(3.0, "d"), Ok(Duration(3000)));
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

    fn message(r: Result<Duration, StreamingError>) -> String {
        r.expect_err("refused").to_string()
    }

    #[test]
    fn durations_are_validated_once_for_every_api() {
        assert_eq!(
            message(Duration::positive_secs(0.0, "windowDuration")),
            "windowDuration must be a positive number of seconds (at least 0.001), got 0"
        );
        assert_eq!(
            message(Duration::positive_secs(-1.0, "slideDuration")),
            "slideDuration must be a number of seconds between 0 and 31536000 (365 days), got -1"
        );
        assert_eq!(
            message(Duration::positive_secs(f64::NAN, "batchDuration")),
            "ValueError: cannot convert float NaN to integer (batchDuration = nan)"
        );
        assert!(
            message(Duration::positive_secs(9e15, "windowDuration"))
                .ends_with("got 9000000000000000")
        );
        assert!(message(Duration::positive_secs(1e300, "batchDuration")).ends_with("got 1e+300"));
        assert!(message(Duration::positive_secs(0.0001, "d")).contains("at least 0.001"));
        assert_eq!(
            Duration::non_negative_secs(0.0, "duration"),
            Ok(Duration(0))
        );
        assert_eq!(
            Duration::positive_secs(MAX_DURATION_SECS, "d"),
            Ok(Duration(31_536_000_000))
        );
    }

    #[test]
    fn timeouts_accept_spark_forms_and_refuse_nan() {
        assert_eq!(
            Duration::timeout_secs(2.0, "timeout"),
            Ok(Some(std::time::Duration::from_secs(2)))
        );
        assert_eq!(Duration::timeout_secs(-1.0, "timeout"), Ok(None));
        assert_eq!(Duration::timeout_secs(1e300, "timeout"), Ok(None));
        assert_eq!(Duration::timeout_secs(f64::INFINITY, "timeout"), Ok(None));
        assert_eq!(
            Duration::timeout_secs(f64::NAN, "timeout")
                .expect_err("nan")
                .to_string(),
            "ValueError: cannot convert float NaN to integer (timeout = nan)"
        );
    }

    #[test]
    fn time_arithmetic_never_wraps() {
        let t = Time(1_636_884_054_000);
        assert_eq!(t.checked_add(Duration(1000)), Ok(Time(1_636_884_055_000)));
        assert!(t.checked_add(Duration(i64::MAX)).is_err());
        assert!(t.checked_sub(Duration(i64::MAX)).is_err());
        assert!(Time(i64::MAX).checked_add(Duration(0)).is_err());
        let msg = t
            .checked_add(Duration(i64::MAX))
            .expect_err("out")
            .to_string();
        assert!(msg.contains("out of the range of times"), "{msg}");
    }
}
