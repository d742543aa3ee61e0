//! Meta-commands: `:help`, `:load`, `:vars`, `:reset`, `:stop`, `:tick`, `:status`, `:fault`,
//! `:quit`.

use super::Shell;
use super::help;
use super::registry::{BUILTIN_TYPES, TYPES};
use crate::engine::context::ContextState;

/// Every command with its one-line description (also the completion list).
pub const COMMANDS: &[(&str, &str)] = &[
    (
        ":help",
        ":help [NAME]           this help; a method's signature, semantics and example; a type's\n                         methods (DStream, RDD, string, array, map...); rhai: the language;\n                         syntax: PySpark next to Rhai",
    ),
    (
        ":load",
        ":load FILE.rhai        run a script in this session (FILE.py: a PySpark program)",
    ),
    (
        ":python",
        ":python [on|off]       read entries that are not Rhai as Python (on by default)",
    ),
    (
        ":vars",
        ":vars                  the variables in scope, with their types",
    ),
    (
        ":reset",
        ":reset [--keep]        stop the context; fresh scope, new sc and ssc (--keep: :restart)",
    ),
    (
        ":restart",
        ":restart               fresh ssc, re-running the entries typed since it was made",
    ),
    (
        ":stop",
        ":stop                  stop ssc now (like ssc.stop(false))",
    ),
    (
        ":tick",
        ":tick [n]              run the next n batches (--clock manual)",
    ),
    (
        ":status",
        ":status [n]            state, the last n batches, sparklines and a verdict",
    ),
    (
        ":fault",
        ":fault kill-executor N | fail-task OP PARTITION [TIMES] | lose-block [STREAM] | list | clear\n                         the fault lab: lose an executor, fail a task, lose a block (:help fault)",
    ),
    (
        ":empty",
        ":empty show|collapse   each empty batch's pprint, or one line per run of them",
    ),
    (
        ":export",
        ":export [FILE.py]      this session's pipeline as a PySpark program",
    ),
    (
        ":quit",
        ":quit                  stop the context gracefully and leave (also Ctrl-D)",
    ),
];

/// What the loop does after a command.
#[derive(Debug, PartialEq, Eq)]
pub enum Flow {
    Continue,
    Quit,
}

pub fn run(shell: &mut Shell, line: &str) -> Flow {
    let line = line.trim();
    let (cmd, arg) = match line.split_once(char::is_whitespace) {
        Some((c, a)) => (c, a.trim()),
        None => (line, ""),
    };
    match cmd {
        ":help" | ":h" | ":?" => help_command(shell, arg),
        ":load" | ":l" => {
            if arg.is_empty() {
                shell.fail("usage: :load FILE.rhai");
            } else {
                shell.load(arg);
            }
        }
        ":python" => python(shell, arg),
        ":vars" => vars(shell),
        ":reset" if arg == "--keep" => shell.restart(),
        ":reset" if arg.is_empty() => shell.reset(),
        ":reset" => shell.fail(&format!(
            "usage: :reset, or :reset --keep (= :restart) (got {arg})"
        )),
        ":restart" => shell.restart(),
        ":empty" => empty(shell, arg),
        ":stop" => stop(shell),
        ":tick" => tick(shell, arg),
        ":status" => status(shell, arg),
        ":fault" => fault(shell, arg),
        ":export" => export(shell, arg),
        ":quit" | ":q" | ":exit" => return Flow::Quit,
        _ => {
            let known: Vec<&str> = COMMANDS.iter().map(|(c, _)| *c).collect();
            shell.fail(&format!("unknown command {cmd}: try {}", known.join(" ")));
        }
    }
    Flow::Continue
}

/// `:python on|off`: whether an entry that is not Rhai but reads as Python runs as the Rhai
/// it means; without an argument, says which.
fn python(shell: &mut Shell, arg: &str) {
    match arg {
        "on" => shell.python = true,
        "off" => shell.python = false,
        "" => {}
        _ => return shell.fail(&format!("usage: :python on|off (got {arg})")),
    }
    shell.printer.out(if shell.python {
        "python: on (an entry that is not Rhai but reads as Python runs as the Rhai it means)"
    } else {
        "python: off (entries are Rhai only; a Python line gets a fix-it)"
    });
}

/// Whether an entry only drives the context (start, tick, await, stop): `:export`'s program
/// does that itself in its `main`.
fn drives_the_context(entry: &str) -> bool {
    let e = entry.trim().trim_end_matches(';').trim();
    ["start(", "tick(", "awaitTermination", "stop("]
        .iter()
        .any(|call| e.starts_with("ssc.") && e[4..].starts_with(call) && !e.contains(';'))
}

/// `:export [FILE]`: the entries that ran, translated to PySpark (`centella export`).
fn export(shell: &mut Shell, arg: &str) {
    let code: Vec<&str> = shell
        .transcript
        .iter()
        .filter(|e| !drives_the_context(e))
        .map(String::as_str)
        .collect();
    if code.is_empty() {
        shell.fail(":export: nothing to export yet: build a pipeline first");
        return;
    }
    // Entries typed without a final `;` (Rhai's last statement, most Python lines) are whole
    // statements: end each so that they join into one script.
    let code: Vec<String> = code
        .iter()
        .map(|e| {
            let t = e.trim_end();
            // The shell's `ssc` is predeclared, so `ssc = StreamingContext(sc, 2)` rebinds it;
            // in the exported script it is the context's `let`.
            let t = if t.starts_with("ssc = StreamingContext(") {
                format!("let {t}")
            } else {
                t.to_string()
            };
            if t.ends_with(';') || t.ends_with('}') {
                t
            } else {
                format!("{t};")
            }
        })
        .collect();
    let program = match crate::export::export("session.rhai", &code.join("\n")) {
        Ok(p) => p,
        Err(e) if e.message.contains("py_") => {
            return shell.fail(&format!(
                ":export: {e}\nhint: entries read as Python run through centella's py_* \
                 helpers, which export does not translate back; the Python you typed is \
                 already PySpark (`centella translate` goes the other way)"
            ));
        }
        Err(e) => return shell.fail(&format!(":export: {e}")),
    };
    if arg.is_empty() {
        shell.printer.out(program.trim_end());
    } else {
        match std::fs::write(arg, &program) {
            Ok(()) => shell.printer.out(&format!(
                "wrote {arg}: run it with `spark-submit {arg}` or `python {arg}`"
            )),
            Err(e) => shell.fail(&format!(":export: cannot write {arg}: {e}")),
        }
    }
}

fn help_command(shell: &mut Shell, arg: &str) {
    let p = shell.printer.clone();
    if arg.is_empty() {
        let mut text = String::from("Commands:\n");
        for (_, line) in COMMANDS {
            text.push_str("  ");
            text.push_str(line);
            text.push('\n');
        }
        text.push_str("\nMethods (`:help NAME` for one; Tab completes them after a `.`):\n");
        for ty in TYPES {
            let names: Vec<String> = shell
                .registry
                .methods(ty)
                .into_iter()
                .map(|m| m.name)
                .collect();
            text.push_str(&wrap(&format!("{ty}: "), &names, 92));
        }
        let globals = shell.registry.globals().join(", ");
        text.push_str(&format!("functions: {globals}\n"));
        text.push('\n');
        text.push_str(help::VALUES);
        p.out(&text);
        return;
    }
    if let Some(text) = help::topic(arg) {
        p.out(text);
        return;
    }
    let (ty, name) = match arg.split_once('.') {
        Some((t, n)) => (Some(t), n),
        None => (None, arg),
    };
    let name = name.trim_end_matches("()").trim_end_matches('(');
    if ty.is_none() && (TYPES.contains(&name) || BUILTIN_TYPES.contains(&name)) {
        let names: Vec<String> = shell
            .registry
            .methods(name)
            .into_iter()
            .map(|m| m.name)
            .collect();
        p.out(&wrap(&format!("{name}: "), &names, 92));
        return;
    }
    let entries = help::lookup(ty, name);
    if entries.is_empty() {
        if let Some((n, params, text)) = help::GLOBALS.iter().find(|(n, _, _)| *n == name) {
            p.out(&format!("{n}{params}\n    {text}"));
            return;
        }
        shell.fail(&format!("no help for {arg}: :help lists the methods"));
        return;
    }
    let text: Vec<String> = entries.iter().map(|m| help::describe(m)).collect();
    p.out(&text.join("\n\n"));
}

/// `prefix: a, b, c` wrapped at `width` columns, continuation lines indented.
fn wrap(prefix: &str, names: &[String], width: usize) -> String {
    let indent = " ".repeat(prefix.len());
    let mut out = String::from(prefix);
    let mut col = prefix.len();
    for (i, n) in names.iter().enumerate() {
        let piece = if i + 1 < names.len() {
            format!("{n}, ")
        } else {
            n.clone()
        };
        if col + piece.len() > width && col > prefix.len() {
            out.push('\n');
            out.push_str(&indent);
            col = indent.len();
        }
        out.push_str(&piece);
        col += piece.len();
    }
    out.push('\n');
    out
}

fn vars(shell: &mut Shell) {
    let mut lines = Vec::new();
    let mut seen = std::collections::HashSet::new();
    // Newest first in the scope: keep the visible binding of each name, list oldest first.
    for (name, constant, value) in shell.host.scope().iter_raw() {
        if !seen.insert(name.to_string()) || super::python_entry::is_temporary(name) {
            continue;
        }
        let ty = shell.host.engine().map_type_name(value.type_name());
        let shown = shell.show_value(value);
        let shown = if shown.chars().count() > 70 {
            let cut: String = shown.chars().take(67).collect();
            format!("{cut}...")
        } else {
            shown
        };
        let kw = if constant { "const " } else { "" };
        lines.push(format!("{kw}{name}: {ty} = {shown}"));
    }
    lines.reverse();
    shell.printer.out(&lines.join("\n"));
}

fn stop(shell: &mut Shell) {
    match shell.host.ssc() {
        Some(ssc) if ssc.state() == ContextState::Active => {
            shell.abort_running();
            ssc.stop(false);
            shell.printer.out("ssc stopped (:reset for a fresh one)");
        }
        Some(ssc) if ssc.state() == ContextState::Initialized => {
            ssc.stop(false);
            shell
                .printer
                .out("ssc stopped before it started (:reset for a fresh one)");
        }
        Some(_) => shell
            .printer
            .note("ssc is already stopped (:reset for a fresh one)"),
        None => shell.fail("`ssc` is not a StreamingContext any more: :reset restores it"),
    }
}

/// `:empty show|collapse`: how empty batches print.
fn empty(shell: &mut Shell, arg: &str) {
    use super::collapse::EmptyBatches;
    let mode = match arg {
        "show" => EmptyBatches::Show,
        "collapse" => EmptyBatches::Collapse,
        "" => {
            let now = match shell.printer.empty_batches() {
                EmptyBatches::Show => "show (each empty batch prints its header, as PySpark)",
                EmptyBatches::Collapse => "collapse (one line per run of empty batches)",
            };
            shell.printer.out(&format!(":empty {now}"));
            return;
        }
        other => {
            shell.fail(&format!(
                "usage: :empty show|collapse (got {other}): show prints every empty batch as \
                 PySpark does, collapse counts a run of them on one line"
            ));
            return;
        }
    };
    shell.printer.set_empty_batches(mode);
}

/// After a `:tick` that printed nothing because every output is windowed: say why, once.
fn window_note(shell: &mut Shell, ssc: &crate::engine::context::StreamingContext) {
    if shell.window_note_given {
        return;
    }
    let batch = ssc.batch_duration().ms().max(1);
    let slides = ssc.output_slides();
    let Some(every) = slides
        .iter()
        .map(|s| s.ms() / batch)
        .min()
        .filter(|n| *n > 1)
    else {
        return;
    };
    let Some(last) = ssc.recent_batches(1).into_iter().next() else {
        return;
    };
    let time = last.batch_time.to_string();
    shell.window_note_given = true;
    shell.printer.note(&format!(
        "batch {} ran; this window prints every {every} batches",
        super::collapse::clock_part(&time)
    ));
}

fn tick(shell: &mut Shell, arg: &str) {
    let n = if arg.is_empty() {
        Ok(1)
    } else {
        arg.parse::<u64>()
    };
    let Ok(n) = n else {
        shell.fail(&format!(
            "usage: :tick [n], with n a whole number (got {arg})"
        ));
        return;
    };
    let Some(ssc) = shell.host.ssc() else {
        shell.fail("`ssc` is not a StreamingContext any more: :reset restores it");
        return;
    };
    shell.config.session.cancel.clear_abort();
    let printed = shell.printer.outputs();
    match ssc.tick(n) {
        Ok(done) if done < n => shell.printer.note(&format!(
            "ran {done} of {n} batches (the context stopped or was interrupted)"
        )),
        Ok(_) => {
            if shell.printer.outputs() == printed {
                window_note(shell, &ssc);
            }
        }
        Err(e) => {
            let mut text = format!("error: {e}");
            if let Some(hint) = super::restart::hint_for(&text) {
                text.push_str("\nhint: ");
                text.push_str(&hint);
            }
            shell.fail(&text)
        }
    }
}

/// `:fault ...`: plans a fault for the next task it applies to (`list`: the planned and the
/// done ones, and the executors; `clear`: forget the planned ones).
fn fault(shell: &mut Shell, arg: &str) {
    let Some(sc) = shell.host.spark_context() else {
        return shell.fail("`sc` is not a SparkContext any more: :reset restores it");
    };
    match arg {
        "" => shell.fail(&format!(
            "usage: :fault {} | list | clear (:help fault)",
            crate::engine::fault::USAGE
        )),
        "list" => {
            let mut lines = vec![format!("master {}", sc.master())];
            for s in sc.executor_summaries() {
                let e = s.info;
                // The blocks it holds, when it holds any (as :status says).
                let mut blocks = String::new();
                for (n, what) in [
                    (s.rdd_blocks.len(), "RDD blocks"),
                    (s.receiver_blocks.len(), "receiver blocks"),
                ] {
                    if n > 0 {
                        blocks.push_str(&format!(", {n} {what}"));
                    }
                }
                lines.push(format!(
                    "executor {}: {} ({} tasks, {} failed{blocks}){}",
                    e.id,
                    if e.alive { "alive" } else { "LOST" },
                    e.tasks,
                    e.failed_tasks,
                    e.lost_reason.map(|r| format!(": {r}")).unwrap_or_default()
                ));
            }
            for tp in sc.faults().offline_kafka_partitions() {
                lines.push(format!("Kafka partition {tp}: OFFLINE"));
            }
            for p in sc.faults().pending() {
                lines.push(format!("planned: {}, {}", p.fault, p.at));
            }
            for d in sc.faults().done() {
                lines.push(format!("done: {d}"));
            }
            shell.printer.out(&lines.join("\n"));
        }
        "clear" => {
            sc.faults().clear();
            shell.printer.out("no fault planned");
        }
        spec => match crate::script::api_fault::plan(&sc, spec, crate::engine::fault::At::Next) {
            Ok(text) => shell.printer.out(&text),
            Err(e) => shell.fail(&e),
        },
    }
}

fn status(shell: &mut Shell, arg: &str) {
    let Some(ssc) = shell.host.ssc() else {
        shell.fail("`ssc` is not a StreamingContext any more: :reset restores it");
        return;
    };
    let Ok(rows) = (if arg.is_empty() {
        Ok(crate::ui::status::DEFAULT_ROWS)
    } else {
        arg.parse::<usize>()
    }) else {
        shell.fail(&format!(
            "usage: :status [n], with n a whole number (got {arg})"
        ));
        return;
    };
    let web_url = shell.ui_url.clone();
    shell
        .printer
        .out(&crate::ui::status::render(&ssc, rows, web_url.as_deref()));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_long_lists() {
        let names: Vec<String> = (0..30).map(|i| format!("name{i}")).collect();
        let text = wrap("RDD: ", &names, 40);
        assert!(text.lines().all(|l| l.len() <= 40));
        assert!(text.lines().skip(1).all(|l| l.starts_with("     ")));
    }
}
