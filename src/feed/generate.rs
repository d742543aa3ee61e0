//! Demo data for `centella feed --generate`: words, the seed's IoT sensors, tweets.

use std::time::{SystemTime, UNIX_EPOCH};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemoKind {
    Words,
    Sensors,
    Tweets,
}

impl DemoKind {
    pub fn parse(s: &str) -> Option<DemoKind> {
        match s {
            "words" => Some(DemoKind::Words),
            "sensors" => Some(DemoKind::Sensors),
            "tweets" => Some(DemoKind::Tweets),
            _ => None,
        }
    }
}

const WORDS: &[&str] = &[
    "spark",
    "streaming",
    "batch",
    "window",
    "state",
    "stream",
    "data",
    "kafka",
    "socket",
    "rdd",
    "dstream",
    "micro",
    "time",
    "count",
    "word",
    "the",
    "a",
    "of",
    "and",
    "to",
];
const ROOMS: &[&str] = &["room1", "room2", "room3", "kitchen", "lab"];
const AUTHORS: &[&str] = &["ana", "luis", "marta", "pablo", "lucia"];
const TAGS: &[&str] = &[
    "#Volcan",
    "#LaPalma",
    "#Qatar2022",
    "#MorataDimision",
    "#BigData",
    "#Spark",
    "#Rust",
];
const TEXT: &[&str] = &[
    "hoy",
    "vaya",
    "partido",
    "sigue",
    "la",
    "erupcion",
    "en",
    "directo",
    "gol",
    "clase",
    "datos",
    "masivos",
    "streaming",
    "nada",
    "nuevo",
];

/// A small deterministic generator (xorshift), so demos and tests are repeatable.
pub struct DemoData {
    kind: DemoKind,
    state: u64,
}

impl DemoData {
    pub fn new(kind: DemoKind, seed: u64) -> DemoData {
        DemoData {
            kind,
            state: seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1,
        }
    }

    fn next(&mut self) -> u64 {
        let mut x = self.state;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.state = x;
        x
    }

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[(self.next() % from.len() as u64) as usize]
    }

    pub fn line(&mut self) -> String {
        match self.kind {
            DemoKind::Words => {
                let n = 3 + self.next() % 6;
                (0..n)
                    .map(|_| self.pick(WORDS))
                    .collect::<Vec<_>>()
                    .join(" ")
            }
            DemoKind::Sensors => {
                let room = self.pick(ROOMS);
                let now = SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .map(|d| d.as_secs())
                    .unwrap_or(0);
                if self.next().is_multiple_of(2) {
                    format!("{room},heat,{},{now}", 18 + self.next() % 12)
                } else {
                    format!("{room},humidity,{},{now}", 30 + self.next() % 40)
                }
            }
            DemoKind::Tweets => {
                let author = self.pick(AUTHORS);
                let mut words: Vec<&str> =
                    (0..2 + self.next() % 5).map(|_| self.pick(TEXT)).collect();
                for _ in 0..1 + self.next() % 2 {
                    let at = (self.next() % (words.len() as u64 + 1)) as usize;
                    let tag = self.pick(TAGS);
                    words.insert(at, tag);
                }
                format!("{author}: {}", words.join(" "))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_lines_have_their_shape() {
        let mut s = DemoData::new(DemoKind::Sensors, 1);
        let line = s.line();
        let fields: Vec<&str> = line.split(',').collect();
        assert_eq!(fields.len(), 4, "{line}");
        assert!(fields[1] == "heat" || fields[1] == "humidity");
        let mut t = DemoData::new(DemoKind::Tweets, 2);
        assert!(t.line().contains('#'));
        let mut w1 = DemoData::new(DemoKind::Words, 3);
        let mut w2 = DemoData::new(DemoKind::Words, 3);
        assert_eq!(w1.line(), w2.line(), "deterministic for a seed");
    }
}
