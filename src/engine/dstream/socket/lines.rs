//! The receiver's buffer of lines not yet taken by a batch, stored compactly: the lines' bytes
//! back to back in chunks of one `String` each, with each line's end offset and, run-length
//! encoded, the arrival times. Buffered input then costs about its bytes (plus 8 per line),
//! instead of a heap string and a tuple per line; records are made only when a batch takes the
//! lines.
//!
//! **Invariant:** lines come out in the order they went in, each with the arrival time and
//! sequence number it was pushed with.

use std::collections::VecDeque;

/// A chunk is closed once its text reaches this size (a longer line gets a chunk of its own).
const CHUNK_BYTES: usize = 256 * 1024;

#[derive(Default)]
pub struct Lines {
    chunks: VecDeque<Chunk>,
}

struct Chunk {
    /// Sequence number of the chunk's line 0.
    first_seq: u64,
    text: String,
    /// End offset in `text` of each line.
    ends: Vec<usize>,
    /// (first line, arrival ms) for each run of lines that arrived in the same millisecond.
    arrivals: Vec<(usize, i64)>,
    /// Lines before this one were taken.
    next: usize,
}

impl Chunk {
    fn new(first_seq: u64, bytes: usize) -> Chunk {
        Chunk {
            first_seq,
            text: String::with_capacity(bytes.max(CHUNK_BYTES)),
            ends: Vec::new(),
            arrivals: Vec::new(),
            next: 0,
        }
    }

    fn next_seq(&self) -> u64 {
        self.first_seq + self.ends.len() as u64
    }

    fn arrival(&self, line: usize) -> i64 {
        let run = self.arrivals.partition_point(|(first, _)| *first <= line);
        self.arrivals
            .get(run.wrapping_sub(1))
            .map_or(0, |(_, at)| *at)
    }

    fn line(&self, line: usize) -> &str {
        let start = line.checked_sub(1).map_or(0, |p| self.ends[p]);
        &self.text[start..self.ends[line]]
    }
}

impl Lines {
    pub fn is_empty(&self) -> bool {
        self.chunks.iter().all(|c| c.next == c.ends.len())
    }

    pub fn clear(&mut self) {
        self.chunks.clear();
    }

    /// Appends a line. A sequence number that does not follow the last one starts a chunk.
    pub fn push(&mut self, arrival_ms: i64, seq: u64, text: &str) {
        let fits = self.chunks.back().is_some_and(|c| {
            c.next_seq() == seq && c.text.len() + text.len() <= c.text.capacity().max(CHUNK_BYTES)
        });
        if !fits {
            self.chunks.push_back(Chunk::new(seq, text.len()));
        }
        let Some(c) = self.chunks.back_mut() else {
            return;
        };
        let line = c.ends.len();
        if c.arrivals.last().is_none_or(|(_, at)| *at != arrival_ms) {
            c.arrivals.push((line, arrival_ms));
        }
        c.text.push_str(text);
        c.ends.push(c.text.len());
    }

    /// The oldest line not taken yet: (arrival ms, sequence number, text).
    pub fn front(&self) -> Option<(i64, u64, &str)> {
        let c = self.chunks.iter().find(|c| c.next < c.ends.len())?;
        Some((
            c.arrival(c.next),
            c.first_seq + c.next as u64,
            c.line(c.next),
        ))
    }

    /// Drops the oldest line not taken yet; a chunk whose lines are all taken is freed.
    pub fn pop_front(&mut self) {
        while self.chunks.front().is_some_and(|c| c.next == c.ends.len()) {
            self.chunks.pop_front();
        }
        if let Some(c) = self.chunks.front_mut() {
            c.next += 1;
            if c.next == c.ends.len() {
                self.chunks.pop_front();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_come_out_as_they_went_in() {
        let mut l = Lines::default();
        assert!(l.is_empty() && l.front().is_none());
        let long = "x".repeat(CHUNK_BYTES + 10);
        let input: Vec<(i64, u64, String)> = vec![
            (5, 1, "a b".into()),
            (5, 2, "".into()),
            (6, 3, "é".into()),
            (6, 4, long.clone()),
            (7, 5, "after".into()),
            (7, 9, "gap".into()),
            (3, 10, "earlier clock".into()),
        ];
        for (at, seq, t) in &input {
            l.push(*at, *seq, t);
        }
        let mut out = Vec::new();
        while let Some((at, seq, t)) = l.front() {
            out.push((at, seq, t.to_string()));
            l.pop_front();
        }
        assert_eq!(out, input);
        assert!(l.is_empty());
        l.push(1, 11, "again");
        assert_eq!(l.front(), Some((1, 11, "again")));
        l.clear();
        assert!(l.is_empty());
    }

    #[test]
    fn many_lines_cost_about_their_bytes() {
        let mut l = Lines::default();
        let line = "kalo mineru ti vo pe da ka lo mi ne ru sa ti vo pe da ka lo mi ne";
        for seq in 1..=100_000u64 {
            l.push(1000 + (seq / 1000) as i64, seq, line);
        }
        let held: usize = l
            .chunks
            .iter()
            .map(|c| c.text.capacity() + c.ends.capacity() * 8 + c.arrivals.capacity() * 16)
            .sum();
        let bytes = 100_000 * line.len();
        assert!(held < bytes + bytes / 2, "{held} bytes held for {bytes}");
    }
}
