//! Per-task cache of the strings a split produced, so that a word seen again in the same task
//! shares the first one's `ImmutableString` (a reference count) instead of allocating a copy.
//! Strings are immutable in Rhai (copy on write), so sharing is unobservable.

use rhai::ImmutableString;
use rustc_hash::FxHashSet;

/// Beyond this many distinct strings a task stops remembering new ones (high-cardinality data
/// such as ids would only fill the cache).
const MAX_STRINGS: usize = 1 << 16;
/// Long strings are rarely repeated: not worth hashing twice.
const MAX_LEN: usize = 48;

/// What a task's fast-path calls keep between records.
#[derive(Default)]
pub struct Scratch {
    strings: FxHashSet<ImmutableString>,
}

impl Scratch {
    /// `text` as a Rhai string, shared with an equal one made earlier in this task.
    pub fn string(&mut self, text: &str) -> ImmutableString {
        if text.len() > MAX_LEN {
            return ImmutableString::from(text);
        }
        if let Some(s) = self.strings.get(text) {
            return s.clone();
        }
        let s = ImmutableString::from(text);
        if self.strings.len() < MAX_STRINGS {
            self.strings.insert(s.clone());
        }
        s
    }
}
