//! The session: the script host plus what the shell needs around it. [`Shell::submit`] is
//! the one path every entry takes (commands, `exit()`, `.method` chain lines, Python, code).

use super::commands::Flow;
use super::printer::Printer;
use super::python_entry::Reading;
use super::registry::Registry;
use super::{
    EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, ShellOptions, caret, commands, entry, python_entry,
    restart, syntax,
};
use crate::engine::api::DStream;
use crate::engine::clock::{ClockKind, RunConfig};
use crate::engine::context::{ContextState, StreamingContext};
use crate::engine::dstream::output::Notation;
use crate::engine::rdd::Rdd;
use crate::engine::sc::SparkContext;
use crate::engine::time::Time;
use crate::python::TranslateError;
use crate::script::ScriptHost;
use crate::script::api_listener::ContextHooks;
use crate::script::diagnostics::{ErrorKind, ScriptError};
use rhai::Dynamic;
use std::sync::Arc;

/// The session: the script host plus what the shell needs around it.
pub struct Shell {
    pub host: ScriptHost,
    pub printer: Arc<Printer>,
    pub registry: Registry,
    pub(super) config: RunConfig,
    parallelism: crate::engine::sc::Master,
    /// Handed to every new script host (`:reset` too).
    hooks: ContextHooks,
    /// The web UI's page, when it runs (the banner and `:status` show it).
    pub ui_url: Option<String>,
    /// Name given to entries in error messages (`<shell>` or `<stdin>`).
    source_name: &'static str,
    /// Some entry failed (for the exit status of plain mode).
    pub had_error: bool,
    /// Ctrl-C interrupted a background batch: leaving stops at once rather than gracefully
    /// (the next batches would likely run away too).
    pub interrupted_batch: bool,
    /// Entries that ran without error, for `:export` and `:restart`.
    pub transcript: Vec<String>,
    /// Where in the transcript the entries typed since `ssc` was made begin (`:restart`
    /// re-runs them).
    pub context_from: usize,
    /// The last entry was code that ran: a next line starting with `.` goes on with it.
    last_ran: bool,
    /// `:tick` said once that a window prints only every few batches.
    pub window_note_given: bool,
    /// An entry that is not Rhai but reads as Python runs as the Rhai it means (`:python
    /// on|off`).
    pub python: bool,
    /// Names the session has from Python entries (`x = 7 / 2`): assigning them again reads as
    /// Python again, never as Rhai's integer division.
    python_names: std::collections::HashSet<String>,
    /// The imports Python entries made (`from operator import add`), read before later ones.
    python_imports: Vec<String>,
}

impl Shell {
    pub fn new(
        opts: &ShellOptions,
        printer: Arc<Printer>,
        source_name: &'static str,
    ) -> Result<Shell, String> {
        let config = RunConfig {
            clock: opts.clock,
            start_time: opts.start_time,
            max_batches: opts.max_batches,
            notation: opts.notation,
            sink: printer.clone(),
            session: opts.session.clone(),
        };
        let host = ScriptHost::with_hooks(config.clone(), opts.parallelism, opts.hooks.clone())?;
        host.mode().set_shell(true);
        let registry = Registry::from_engine(host.engine());
        Ok(Shell {
            host,
            printer,
            registry,
            config,
            parallelism: opts.parallelism,
            hooks: opts.hooks.clone(),
            ui_url: opts.ui_url.clone(),
            source_name,
            had_error: false,
            interrupted_batch: false,
            transcript: Vec::new(),
            context_from: 0,
            last_ran: false,
            window_note_given: false,
            python: true,
            python_names: Default::default(),
            python_imports: Vec::new(),
        })
    }

    /// Runs one line or entry as the user gave it: a `:command`, `exit()`, a `.method(...)`
    /// line that goes on with the previous entry, or code. Every entry goes through here.
    pub fn submit(&mut self, entry: &str) -> Flow {
        // Pasted from a Python session or a slide: `>>> ` and `... ` are not the code.
        let entry = &*python_entry::without_prompts(entry);
        if entry.trim_start().starts_with(':') && !entry.contains('\n') {
            self.last_ran = false;
            return commands::run(self, entry);
        }
        match entry::quit_word(entry) {
            Some(entry::QuitWord::Quit) => return Flow::Quit,
            Some(entry::QuitWord::Explain) => {
                self.printer
                    .note("use :quit or Ctrl-D to leave (or exit() / quit())");
                return Flow::Continue;
            }
            None => {}
        }
        if entry::continues_chain(entry) {
            self.continue_chain(entry);
        } else {
            self.eval(entry);
        }
        Flow::Continue
    }

    /// `.map(...)` on a line of its own, typed after `lines` ran: the chain is
    /// `lines\n.map(...)`, run again as one entry that takes the previous one's place.
    fn continue_chain(&mut self, line: &str) {
        let previous = match self.transcript.last() {
            Some(p) if self.last_ran => p.clone(),
            _ => {
                self.fail(&format!(
                    "error: {} starts with `.` but there is no previous entry to go on with\n\
                     hint: a method chain continues the entry just before it; type the \
                     receiver first (e.g. `lines` then `.flatMap(...)`)",
                    line.trim()
                ));
                return;
            }
        };
        let combined = format!("{previous}\n{line}");
        let from = self.transcript.len() - 1;
        self.transcript.pop();
        let before = self.transcript.len();
        let name = self.source_name;
        self.eval_named(name, &combined, true);
        if self.transcript.len() == before {
            // It failed: the previous entry keeps its place.
            self.transcript.insert(from, previous);
            self.last_ran = true;
        }
    }

    /// Reports a failure of the user's (not fatal to the session).
    pub fn fail(&mut self, msg: &str) {
        self.had_error = true;
        self.printer.error(msg);
    }

    /// Evaluates one complete entry and echoes its value. An entry that is not Rhai but
    /// reads as Python runs as the Rhai it means, shown first so the student learns it.
    pub fn eval(&mut self, code: &str) {
        let name = self.source_name;
        match self.python_reading(code) {
            Reading::Rhai(rhai) => {
                self.printer.aside(&format!("read as Python: {rhai}"));
                self.python_names
                    .extend(python_entry::declared_names(&rhai));
                self.python_imports.extend(python_entry::imports_of(code));
                self.eval_named(name, &rhai, true);
            }
            Reading::Nothing => {
                self.python_imports.extend(python_entry::imports_of(code));
                self.printer.aside(
                    "read as Python: nothing to run (the shell has sc, ssc and PySpark's names)",
                );
            }
            Reading::Untranslatable(e) => {
                self.eval_reporting(name, code, true, Some(&e));
            }
            Reading::NotPython => self.eval_named(name, code, true),
        }
    }

    /// An entry read as Python (`:python on`) when it is not Rhai.
    fn python_reading(&self, code: &str) -> Reading {
        if !self.python {
            return Reading::NotPython;
        }
        let engine = self.host.engine();
        let variables = self.variable_names();
        let rhai_variables: Vec<String> = variables
            .iter()
            .filter(|v| !self.python_names.contains(*v))
            .cloned()
            .collect();
        if !python_entry::wants_python(engine, code, &rhai_variables, &self.python_names) {
            return Reading::NotPython;
        }
        python_entry::translate(
            engine,
            code,
            &self.python_imports,
            &self.host.function_names(),
            &variables,
        )
    }

    /// The names in the session's scope.
    fn variable_names(&self) -> Vec<String> {
        self.host
            .scope()
            .iter_raw()
            .map(|(n, _, _)| n.to_string())
            .collect()
    }

    fn eval_named(&mut self, name: &str, code: &str, echo: bool) {
        self.eval_reporting(name, code, echo, None);
    }

    /// [`Shell::eval_named`]; `refusal` is why the translator refused an entry that reads as
    /// Python (it then runs as Rhai and fails there too), the error's hint.
    fn eval_reporting(
        &mut self,
        name: &str,
        code: &str,
        echo: bool,
        refusal: Option<&TranslateError>,
    ) {
        self.config.session.cancel.clear_abort();
        let ssc_before = self.host.ssc();
        let result = self.host.eval(name, code);
        let ssc_after = self.host.ssc();
        let made_ssc = match (&ssc_before, &ssc_after) {
            (Some(a), Some(b)) => !a.same_as(b),
            (None, Some(_)) => true,
            _ => false,
        };
        match result {
            Ok(v) => {
                self.transcript.push(code.to_string());
                self.last_ran = true;
                if made_ssc {
                    // `let ssc = StreamingContext(sc, 2)`: `:restart` re-runs from here.
                    self.context_from = self.transcript.len() - 1;
                    self.printer.forget_errors();
                }
                if echo && !v.is_unit() {
                    let shown = self.show_value(&v);
                    self.printer.out(&shown);
                }
            }
            Err(e) => {
                self.last_ran = false;
                if restart::failed_start(&e.message) {
                    self.transcript.push(code.to_string());
                }
                self.report(&e, code, refusal)
            }
        }
    }

    fn report(&mut self, e: &ScriptError, code: &str, refusal: Option<&TranslateError>) {
        match e.kind {
            // Already printed when the batch failed.
            ErrorKind::BatchFailed => self.had_error = true,
            ErrorKind::Interrupted => self.printer.note("interrupted (Ctrl-C)"),
            _ => {
                // Python the translator refused: its reason is the hint, not a rewrite of
                // the Python habit (which would show the same problem in Rhai's syntax).
                let shown = match refusal {
                    Some(_) => {
                        let mut plain = e.clone();
                        plain.hint = None;
                        plain.to_string()
                    }
                    None => e.to_string(),
                };
                let mut text = caret::fit(&shown, self.printer.width());
                if let Some(hint) = hint_for(e, code).or_else(|| restart::hint_for(&e.message)) {
                    text.push_str("\nhint: ");
                    text.push_str(&hint);
                } else if let Some(refusal) = refusal {
                    // Python, but not what centella translates: say which construct and
                    // what to write instead (the translator's words).
                    text.push_str(&format!(
                        "\nhint: this reads as Python, but centella cannot translate {}{}",
                        refusal.construct,
                        if refusal.hint.is_empty() {
                            String::new()
                        } else {
                            format!(": {}", refusal.hint)
                        }
                    ));
                }
                self.fail(&text);
            }
        }
    }

    /// `:load FILE`: runs a script in this session. A PySpark program (`FILE.py`) runs as the
    /// Rhai it translates to, in this session's `sc` and `ssc`, as if pasted.
    pub fn load(&mut self, path: &str) {
        let code = match std::fs::read_to_string(path) {
            Ok(code) => code,
            Err(e) => return self.fail(&format!("cannot read {path}: {e}")),
        };
        let name = std::path::Path::new(path)
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_else(|| path.to_string());
        let python = std::path::Path::new(path)
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("py"));
        if !python {
            return self.eval_named(&name, &code, false);
        }
        let variables = self.variable_names();
        let functions = self.host.function_names();
        match crate::python::translate_entry_with(&code, &functions, &variables) {
            Ok(rhai) => {
                self.printer.aside(&format!(
                    "read {name} as Python (`centella translate {path}` prints its Rhai)"
                ));
                self.eval_named(&format!("{name}.rhai"), &rhai, false);
            }
            Err(mut e) => {
                e.file = name;
                self.fail(&format!("error: {e}"));
            }
        }
    }

    /// `:reset`: stop every context, then a fresh scope with new `sc` and `ssc`.
    pub fn reset(&mut self) {
        self.abort_running();
        self.stop_all(false);
        match ScriptHost::with_hooks(self.config.clone(), self.parallelism, self.hooks.clone()) {
            Ok(host) => {
                self.host = host;
                self.host.mode().set_shell(true);
                self.transcript.clear();
                self.python_names.clear();
                self.python_imports.clear();
                self.context_from = 0;
                self.last_ran = false;
                self.window_note_given = false;
                self.printer.forget_errors();
                self.printer
                    .out("fresh session: sc, ssc (batch interval 1s)");
            }
            Err(e) => self.fail(&format!("cannot reset: {e}")),
        }
    }

    /// Stops every active context (gracefully: after the batches already received). With
    /// `--batches N`, a graceful end lets the run finish its N batches, as script mode does.
    pub fn stop_all(&self, graceful: bool) {
        for ctx in self.host.contexts() {
            if graceful && self.config.max_batches.is_some() && ctx.state() == ContextState::Active
            {
                ctx.finish_batches();
            }
            if ctx.state() != ContextState::Stopped {
                ctx.stop(graceful);
            }
        }
    }

    /// Ctrl-C at the prompt while a background batch runs: its closures give up.
    pub fn abort_running(&self) -> bool {
        let running = self
            .host
            .contexts()
            .iter()
            .any(|c| c.running_batch().is_some());
        if running {
            self.config.session.cancel.request_abort();
        }
        running
    }

    /// The prompt: `centella> `, `centella[running 1s]> `, `centella[stopped]> `.
    pub fn prompt(&self) -> String {
        match self.host.ssc() {
            Some(ssc) => match ssc.state() {
                ContextState::Initialized => "centella> ".to_string(),
                ContextState::Active => {
                    format!(
                        "centella[running {}]> ",
                        interval_text(ssc.batch_duration().ms())
                    )
                }
                ContextState::Stopped => "centella[stopped]> ".to_string(),
            },
            None => "centella> ".to_string(),
        }
    }

    pub fn banner(&self) -> String {
        let interval = self
            .host
            .ssc()
            .map(|s| interval_text(s.batch_duration().ms()))
            .unwrap_or_else(|| "1s".into());
        let clock = match self.config.clock {
            ClockKind::Real => "real clock",
            ClockKind::Fast => "fast clock",
            ClockKind::Manual => "manual clock: :tick runs a batch",
        };
        let master = self
            .host
            .scope()
            .get_value::<SparkContext>("sc")
            .map(|sc| sc.master().to_string())
            .unwrap_or_default();
        let ui = self
            .ui_url
            .as_ref()
            .map(|u| format!("\nStreaming UI: {u} (--no-ui turns it off)"))
            .unwrap_or_default();
        format!(
            "centella {} · Spark Streaming's DStream API in Rhai, with PySpark's names\n\
             sc = SparkContext(master={master}) · ssc = StreamingContext(sc, {interval}) · {clock}\n\
             :help for commands and methods · Tab completes · Ctrl-C interrupts · Ctrl-D quits{ui}",
            env!("CARGO_PKG_VERSION")
        )
    }

    /// A value as the shell echoes it: DStreams with their lineage, records as PySpark prints them.
    pub fn show_value(&self, v: &Dynamic) -> String {
        if let Some(ds) = v.clone().try_cast::<DStream>() {
            return format!("DStream[{}]", ds.lineage());
        }
        if let Some(ssc) = v.clone().try_cast::<StreamingContext>() {
            return format!(
                "StreamingContext(batch {}, {})",
                interval_text(ssc.batch_duration().ms()),
                ssc.state().name()
            );
        }
        if let Some(sc) = v.clone().try_cast::<SparkContext>() {
            return format!("SparkContext(master={})", sc.master());
        }
        if let Some(rdd) = v.clone().try_cast::<Rdd>() {
            return format!(
                "RDD[{} partitions] (.collect() shows its records)",
                rdd.num_partitions()
            );
        }
        if let Some(t) = v.clone().try_cast::<Time>() {
            return t.to_string();
        }
        match self.config.notation {
            Notation::Python => crate::script::values::prompt_repr(v),
            Notation::Rhai => format!("{v:?}"),
        }
    }

    /// Variables in scope with their type names (for completion).
    pub fn var_types(&self) -> std::collections::HashMap<String, String> {
        let mut vars: std::collections::HashMap<String, String> = self
            .host
            .scope()
            .iter_raw()
            .filter(|(n, _, _)| !python_entry::is_temporary(n))
            .map(|(n, _, v)| {
                (
                    n.to_string(),
                    self.host.engine().map_type_name(v.type_name()).to_string(),
                )
            })
            .collect();
        // Functions the user defined complete like variables.
        for f in self.host.function_names() {
            vars.entry(f).or_insert_with(|| "function".to_string());
        }
        vars
    }

    /// The exit status of a plain-mode session.
    pub(super) fn status(&self) -> i32 {
        if self.config.session.cancel.interrupted() {
            EXIT_INTERRUPTED
        } else if self.had_error
            || self
                .host
                .contexts()
                .iter()
                .any(|c| c.first_error().is_some())
        {
            EXIT_FAILED
        } else {
            EXIT_OK
        }
    }
}

/// `1s`, `0.5s`, `1.25s`.
pub fn interval_text(ms: i64) -> String {
    if ms % 1000 == 0 {
        format!("{}s", ms / 1000)
    } else {
        let s = format!("{:.3}", ms as f64 / 1000.0);
        format!("{}s", s.trim_end_matches('0'))
    }
}

/// A hint for common mistakes: `ds.print()` (print is reserved in Rhai).
fn hint_for(e: &ScriptError, code: &str) -> Option<String> {
    if e.kind != ErrorKind::Syntax {
        return None;
    }
    let src = e.source_line.as_deref().unwrap_or(code);
    let word = ["print", "debug"]
        .into_iter()
        .find(|w| e.message.contains(w) && src.contains(&format!(".{w}(")))?;
    let recv = src
        .split(&format!(".{word}("))
        .next()
        .map(|r| r[syntax::word_start(r, r.len())..].to_string())
        .filter(|r| !r.is_empty())
        .unwrap_or_else(|| "ds".to_string());
    Some(if word == "print" {
        format!(
            "`print` is a reserved word in Rhai: use {recv}.pprint() to print a DStream's \
             batches, or print(x) for a value"
        )
    } else {
        format!("`debug` is a reserved word in Rhai: use {recv}.pprint(), or debug(x) for a value")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::clock::ClockKind;
    use crate::engine::dstream::output::Notation;
    use crate::engine::session::Session;
    use crate::engine::time::Time;
    use crate::repl::test_host;
    use crate::repl::{ShellOptions, printer::Printer};
    use std::sync::Arc;

    #[test]
    fn intervals() {
        assert_eq!(interval_text(1000), "1s");
        assert_eq!(interval_text(500), "0.5s");
        assert_eq!(interval_text(1250), "1.25s");
    }

    #[test]
    fn print_hint() {
        let host = test_host();
        let code = "counts.print()";
        let err = match host.engine().compile(code) {
            Ok(_) => panic!("ds.print() should not parse"),
            Err(e) => ScriptError::syntax(&e, "<shell>", code),
        };
        let hint = hint_for(&err, code).unwrap_or_default();
        assert!(hint.contains("use counts.pprint()"), "{hint}");
    }

    #[test]
    fn echoes() {
        let printer = Arc::new(Printer::plain());
        let opts = ShellOptions {
            clock: ClockKind::Manual,
            start_time: Time(0),
            max_batches: None,
            notation: Notation::Python,
            parallelism: 2.into(),
            init_script: None,
            no_color: true,
            hooks: Default::default(),
            ui_url: None,
            session: Session::default(),
        };
        let mut shell = match Shell::new(&opts, printer, "<shell>") {
            Ok(s) => s,
            Err(e) => panic!("{e}"),
        };
        let v = shell
            .host
            .eval("t", "sc.parallelize([1, 2]).collect()")
            .unwrap_or_default();
        assert_eq!(shell.show_value(&v), "[1, 2]");
        let v = shell
            .host
            .eval(
                "t",
                "ssc.queueStream([[1]]).map(|x| [x, 1]).reduceByKeyAndWindow(|a, b| a + b, 2, 1)",
            )
            .unwrap_or_default();
        assert_eq!(
            shell.show_value(&v),
            "DStream[reduceByKeyAndWindow <- map <- queueStream]"
        );
        assert_eq!(shell.prompt(), "centella> ");
        assert_eq!(
            shell.var_types().get("ssc").map(String::as_str),
            Some("StreamingContext")
        );
    }
}
