//! What a task prints, kept per task and shown in partition order when its stage ends: the
//! worker threads finish in any order, and under the simulated clocks every run must print
//! the same thing in the same order. Outside a task (the driver: `transform`, `foreachRDD`,
//! top-level code) a print is shown at once.

use super::sink::OutputSink;
use std::cell::RefCell;
use std::sync::{Arc, Mutex};

/// What kind of line: the script's `print`, or the scheduler's warning or note about a task
/// (a lost task, a recomputed partition), which go to the sink's warn and info.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Print,
    Warn,
    Info,
}

/// One printed line and where it goes.
type Line = (Arc<dyn OutputSink>, Kind, String);

thread_local! {
    /// The lines of the task running on this thread, if one is.
    static TASK: RefCell<Option<Vec<Line>>> = const { RefCell::new(None) };
}

/// The tasks of one stage that printed something, by partition.
#[derive(Default)]
pub struct Stage {
    tasks: Mutex<Vec<(usize, Vec<Line>)>>,
}

/// Runs one stage; what its tasks printed is shown when it ends, in partition order.
pub fn stage<T>(run: impl FnOnce(&Stage) -> T) -> T {
    let stage = Stage::default();
    let out = run(&stage);
    stage.emit();
    out
}

impl Stage {
    /// Runs the task of `partition` on this thread, keeping what it prints.
    pub fn task<T>(&self, partition: usize, f: impl FnOnce() -> T) -> T {
        let guard = TaskGuard {
            outer: Some(TASK.with(|t| t.replace(Some(Vec::new())))),
        };
        let out = f();
        let lines = guard.finish();
        if !lines.is_empty() {
            let mut tasks = super::lock(&self.tasks);
            tasks.push((partition, lines));
        }
        out
    }

    fn emit(self) {
        let mut tasks = self.tasks.into_inner().unwrap_or_else(|p| p.into_inner());
        tasks.sort_by_key(|(partition, _)| *partition);
        for (sink, kind, text) in tasks.into_iter().flat_map(|(_, lines)| lines) {
            // A stage inside a task (rare) adds to that task's lines.
            emit(&sink, kind, &text);
        }
    }
}

/// Puts back the enclosing task's lines (none on a worker), even if the task panics.
struct TaskGuard {
    /// `Some` until put back: the enclosing task's lines, if this thread was in one.
    outer: Option<Option<Vec<Line>>>,
}

impl TaskGuard {
    fn finish(mut self) -> Vec<Line> {
        let outer = self.outer.take().flatten();
        TASK.with(|t| t.replace(outer)).unwrap_or_default()
    }
}

impl Drop for TaskGuard {
    fn drop(&mut self) {
        if let Some(outer) = self.outer.take() {
            TASK.with(|t| t.replace(outer));
        }
    }
}

/// A script's `print`: inside a task it waits for the end of the stage, elsewhere it is
/// shown at once.
pub fn print(sink: &Arc<dyn OutputSink>, text: &str) {
    emit(sink, Kind::Print, text);
}

/// A line of `kind`: inside a task it waits for the end of the stage, elsewhere it is shown
/// at once.
pub fn emit(sink: &Arc<dyn OutputSink>, kind: Kind, text: &str) {
    let kept = TASK.with(|t| match t.borrow_mut().as_mut() {
        Some(lines) => {
            lines.push((sink.clone(), kind, text.to_string()));
            true
        }
        None => false,
    });
    if !kept {
        match kind {
            Kind::Print => sink.print(text),
            Kind::Warn => sink.warn(text),
            Kind::Info => sink.info(text),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sink::MemorySink;

    #[test]
    fn tasks_print_in_partition_order_when_the_stage_ends() {
        let mem = Arc::new(MemorySink::default());
        let sink: Arc<dyn OutputSink> = mem.clone();
        stage(|s| {
            for p in [2, 0, 1] {
                s.task(p, || print(&sink, &format!("task {p}")));
            }
            assert_eq!(mem.stdout(), "", "nothing shown before the stage ends");
        });
        assert_eq!(mem.stdout(), "task 0\ntask 1\ntask 2\n");
        print(&sink, "driver");
        assert!(
            mem.stdout().ends_with("driver\n"),
            "outside a task: at once"
        );
    }

    #[test]
    fn a_stage_inside_a_task_adds_to_its_lines() {
        let mem = Arc::new(MemorySink::default());
        let sink: Arc<dyn OutputSink> = mem.clone();
        stage(|outer| {
            outer.task(1, || print(&sink, "b"));
            outer.task(0, || {
                print(&sink, "a1");
                stage(|inner| inner.task(0, || print(&sink, "a2")));
            });
        });
        assert_eq!(mem.stdout(), "a1\na2\nb\n");
    }
}
