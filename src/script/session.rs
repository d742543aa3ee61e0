//! How the session runs its entries: in the shell or as a script, and whether the shell is
//! replaying entries for `:restart` (which rebuilds the pipeline without driving the context).

use std::sync::atomic::{AtomicBool, Ordering};

#[derive(Default, Debug)]
pub struct SessionMode {
    shell: AtomicBool,
    replaying: AtomicBool,
}

impl SessionMode {
    /// An interactive or piped shell (not `centella SCRIPT`).
    pub fn shell(&self) -> bool {
        self.shell.load(Ordering::SeqCst)
    }

    pub fn set_shell(&self, on: bool) {
        self.shell.store(on, Ordering::SeqCst);
    }

    /// `:restart` is re-running the session's entries: `start`, `stop`, `tick` and the
    /// awaits do nothing, so only the pipeline is rebuilt.
    pub fn replaying(&self) -> bool {
        self.replaying.load(Ordering::SeqCst)
    }

    pub fn set_replaying(&self, on: bool) {
        self.replaying.store(on, Ordering::SeqCst);
    }
}
