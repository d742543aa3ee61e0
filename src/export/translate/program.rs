//! The program's frame: module-level `def`s for script functions, `build(ssc, sc)` from the
//! top-level statements (context lifecycle calls go to `main()`), imports, helpers and `main()`.

use super::closures::DefBody;
use super::comments::{comment_text, is_whole_line_comment};
use super::expressions::py_str;
use super::statements::collect_mutated;
use super::{ExportResult, Translator};
use crate::helpers::HELPERS;
use crate::types::Returns;
use rhai::{ASTNode, Expr, Position, Stmt};
use std::collections::{HashMap, HashSet};

impl Translator<'_> {
    /// The whole Python program: its header, imports, constants, helpers, the script's
    /// functions as defs, `build(ssc, sc)` and `main()`.
    pub(super) fn program(&mut self) -> ExportResult<String> {
        let fns = self.script_functions()?;
        self.escaping = self.functions_used_as_values();
        let statements: Vec<Stmt> = self.ast.statements().to_vec();
        self.mutated = self.mutated_arrays(&statements);
        let header = self.header_comments();
        // Module-level defs.
        let mut defs = vec![];
        for (line, name) in &fns {
            let mut lines = self.leading_comments(*line, 0);
            lines.extend(self.script_fn(name, *line)?);
            defs.push(lines);
        }
        let body = self.build_body(&statements)?;
        let stem = std::path::Path::new(self.file)
            .file_stem()
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_else(|| "job".into());
        let mut out = self.preamble(&stem, header);
        for d in defs {
            out.push(String::new());
            out.push(String::new());
            out.extend(d);
        }
        out.push(String::new());
        out.push(String::new());
        // PySpark's StorageLevel, when the script names a level (socketTextStream's third
        // argument): imported with the context classes.
        if body.iter().any(|l| l.contains("StorageLevel.")) {
            for line in out.iter_mut() {
                if line == "from pyspark import SparkConf, SparkContext" {
                    line.push_str(", StorageLevel");
                }
            }
        }
        out.push("def build(ssc, sc):".into());
        out.extend(body);
        out.push(String::new());
        out.push(String::new());
        out.extend(self.main_fn(&stem));
        let mut text = out.join("\n");
        text.push('\n');
        Ok(text)
    }

    /// The script's functions (closures are `anon$...`) by line, as (line, name); one name
    /// with two arities is an error, as Python has no overloading.
    fn script_functions(&mut self) -> ExportResult<Vec<(usize, String)>> {
        let mut fns: Vec<(usize, String)> = vec![];
        let mut arity: HashMap<String, usize> = HashMap::new();
        for f in self.ast.iter_functions() {
            if f.name.starts_with("anon$") {
                continue;
            }
            if let Some(&n) = arity.get(f.name)
                && n != f.params.len()
            {
                return Err(self.err(
                    Position::new(self.fn_line(f.name) as u16, 1),
                    format!(
                        "fn {} is defined with {} and {} parameters: Python has no overloading",
                        f.name,
                        n,
                        f.params.len()
                    ),
                ));
            }
            arity.insert(f.name.to_string(), f.params.len());
            fns.push((self.fn_line(f.name), f.name.to_string()));
        }
        fns.sort();
        for (_, name) in &fns {
            self.script_fns.insert(name.clone());
        }
        Ok(fns)
    }

    /// Functions used as values (`Fn("name")`): not every call of them is seen.
    fn functions_used_as_values(&self) -> HashSet<String> {
        let mut escaping = HashSet::new();
        self.ast.walk(&mut |path: &[ASTNode]| {
            if let Some(ASTNode::Expr(Expr::FnCall(fc, _))) = path.last()
                && fc.name.as_str() == "Fn"
                && let Some(Expr::StringConstant(s, _)) = fc.args.first()
            {
                escaping.insert(s.to_string());
            }
            true
        });
        escaping
    }

    /// Which arrays are mutated: the top level's and the closures' (they capture the top
    /// level's variables); each script fn gets its own set while it is translated.
    fn mutated_arrays(&mut self, statements: &[Stmt]) -> HashSet<String> {
        let mut mutated = HashSet::new();
        collect_mutated(statements, &mut mutated);
        let anon: Vec<String> = self
            .ast
            .iter_functions()
            .filter(|f| f.name.starts_with("anon$"))
            .map(|f| f.name.to_string())
            .collect();
        for name in &anon {
            let (_, body) = self.body_of(name);
            collect_mutated(&body, &mut mutated);
        }
        mutated
    }

    /// The script's leading comment block, as Python comments.
    fn header_comments(&mut self) -> Vec<String> {
        let mut header = vec![];
        for (i, l) in self.lines.iter().enumerate() {
            if is_whole_line_comment(l) {
                header.push(format!("# {}", comment_text(l).unwrap_or_default()));
                self.used_comments.insert(i + 1);
            } else {
                break;
            }
        }
        header
    }

    /// `build()`'s body: the top-level statements, with their comments and (at most one)
    /// blank line between them.
    fn build_body(&mut self, statements: &[Stmt]) -> ExportResult<Vec<String>> {
        let mut body = vec![];
        let mut prev_line = 0;
        let starts: Vec<usize> = statements
            .iter()
            .map(|s| s.position().line().unwrap_or(0))
            .collect();
        for (k, s) in statements.iter().enumerate() {
            let line = s.position().line().unwrap_or(0);
            if prev_line > 0 && line > prev_line + 1 {
                let gap = &self.lines[prev_line..line.saturating_sub(1)];
                if gap.iter().any(|l| l.trim().is_empty()) && !body.is_empty() {
                    body.push(String::new());
                }
            }
            body.extend(self.leading_comments(line, 1));
            self.top_stmt(s, &mut body)?;
            let end = starts.get(k + 1).copied().unwrap_or(self.lines.len() + 1);
            body.extend(self.trailing_comments(line + 1..end));
            prev_line = line;
        }
        if body
            .iter()
            .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
        {
            body.push("    pass".into());
        }
        Ok(body)
    }

    /// The program's first lines: how to run it, the script's header, imports, the
    /// constants `main()` sets and the Python helpers the translation calls.
    fn preamble(&self, stem: &str, header: Vec<String>) -> Vec<String> {
        let mut out = vec![
            format!(
                "# {stem}.py: generated by `centella export {}`, the same pipeline in PySpark's DStream API.",
                self.script_name
            ),
            format!("#   python {stem}.py [--master local[2]] [--checkpoint DIR] [--timeout SECONDS]"),
            format!("#   spark-submit {stem}.py"),
            "# build(ssc, sc) holds the pipeline; \"# FILE:LINE\" comments point at the Rhai source."
                .into(),
        ];
        if !header.is_empty() {
            out.push("#".into());
            out.extend(header);
        }
        out.push(String::new());
        if self.helpers.contains("_float") {
            out.push("import decimal".into());
        }
        if self.uses_math {
            out.push("import math".into());
        }
        out.push("import sys".into());
        if self.uses_time {
            out.push("import time".into());
        }
        out.push(String::new());
        out.push("from pyspark import SparkConf, SparkContext".into());
        out.push("from pyspark.streaming import StreamingContext".into());
        out.push(String::new());
        out.push(format!(
            "BATCH_INTERVAL = {}  # seconds",
            self.interval.clone().unwrap_or_else(|| "1".into())
        ));
        out.push(
            "CHECKPOINT_DIR = None  # --checkpoint DIR replaces the script's checkpoint directory"
                .into(),
        );
        for (name, code) in HELPERS {
            if self.helpers.contains(name) {
                out.push(String::new());
                out.push(String::new());
                out.push((*code).to_string());
            }
        }
        out
    }

    pub(super) fn main_fn(&self, stem: &str) -> Vec<String> {
        let mut m = vec![
            "def main(argv):".to_string(),
            "    import argparse".into(),
            format!("    p = argparse.ArgumentParser(description={})", py_str(&format!("{stem}: exported from {} by centella", self.script_name))),
            "    p.add_argument(\"--master\", help=\"Spark master URL (default: spark-submit's, else local[2])\")".into(),
            "    p.add_argument(\"--checkpoint\", help=\"checkpoint directory\")".into(),
            "    p.add_argument(\"--timeout\", type=float, help=\"stop gracefully after this many seconds\")".into(),
            "    args = p.parse_args(argv)".into(),
            "    global CHECKPOINT_DIR".into(),
            "    CHECKPOINT_DIR = args.checkpoint".into(),
            format!("    conf = SparkConf().setAppName({})", py_str(stem)),
            "    if args.master:".into(),
            "        conf.setMaster(args.master)".into(),
            "    conf.setIfMissing(\"spark.master\", \"local[2]\")".into(),
            "    sc = SparkContext(conf=conf)".into(),
            "    sc.setLogLevel(\"ERROR\")".into(),
            "    ssc = StreamingContext(sc, BATCH_INTERVAL)".into(),
            "    build(ssc, sc)".into(),
            "    ssc.start()".into(),
        ];
        let timeout = self
            .after
            .timeout
            .clone()
            .map(|t| format!("args.timeout if args.timeout is not None else {t}"))
            .unwrap_or_else(|| "args.timeout".into());
        m.push(format!("    timeout = {timeout}"));
        m.push("    if timeout is None:".into());
        m.push("        ssc.awaitTermination()".into());
        m.push("    else:".into());
        m.push("        ssc.awaitTerminationOrTimeout(timeout)".into());
        m.push(format!(
            "        ssc.stop({})",
            self.after
                .stop
                .clone()
                .unwrap_or_else(|| "stopSparkContext=True, stopGraceFully=True".into())
        ));
        m.push(String::new());
        m.push(String::new());
        m.push("if __name__ == \"__main__\":".into());
        m.push("    main(sys.argv[1:])".into());
        m
    }

    pub(super) fn fn_line(&self, name: &str) -> usize {
        let needle = format!("fn {name}(");
        self.lines
            .iter()
            .position(|l| l.contains(&needle))
            .map(|i| i + 1)
            .unwrap_or(0)
    }

    /// The parameters and top-level statements of a script function or closure. Rhai does
    /// not export the body's type, so keep just that function in a functions-only clone and
    /// walk it: its top-level statements are the walk's depth-1 nodes.
    pub(super) fn body_of(&mut self, name: &str) -> (Vec<String>, Vec<Stmt>) {
        if let Some(b) = self.bodies.get(name) {
            return b.clone();
        }
        let mut only = self.ast.clone_functions_only();
        only.retain_functions(|_, _, n, _| n == name);
        let params: Vec<String> = only
            .iter_functions()
            .next()
            .map(|f| f.params.iter().map(|p| p.to_string()).collect())
            .unwrap_or_default();
        let mut stmts = vec![];
        only.walk(&mut |path: &[ASTNode]| {
            if let [ASTNode::Stmt(s)] = path {
                stmts.push((*s).clone());
            }
            true
        });
        let b = (params, stmts);
        self.bodies.insert(name.to_string(), b.clone());
        b
    }

    /// A script function as a module-level def.
    pub(super) fn script_fn(&mut self, name: &str, line: usize) -> ExportResult<Vec<String>> {
        let (params, body) = self.body_of(name);
        let mut own = HashSet::new();
        collect_mutated(&body, &mut own);
        // While it is translated, the function's own arrays are the mutated ones.
        let outer = std::mem::replace(&mut self.mutated, own);
        let pnames: Vec<String> = params.iter().map(|p| self.var_name(p)).collect();
        let mut out = vec![format!(
            "def {}({}):{}",
            self.var_name(name),
            pnames.join(", "),
            self.marker(line)
        )];
        let scope = params
            .iter()
            .enumerate()
            .map(|(i, p)| (p.clone(), self.param_ty(name, i, p)))
            .collect();
        let mutated = self.mutated.clone();
        let def = DefBody {
            params: &params,
            mutated: &mutated,
            scope,
            shape: Returns::Value,
            stmts: &body,
        };
        let ret = self.def_body(def, &mut out);
        self.mutated = outer;
        self.seen.rets.insert(name.to_string(), ret?);
        Ok(out)
    }

    pub(super) fn top_stmt(&mut self, s: &Stmt, out: &mut Vec<String>) -> ExportResult<()> {
        let line = s.position().line().unwrap_or(0);
        // Context lifecycle calls belong to main(), which starts and awaits the context.
        if let Stmt::Expr(e) = s
            && let Some((method, args, pos)) = self.context_call(e)
            && let Some(comment) = self.lifecycle_call(&method, &args, pos)?
        {
            let m = self.marker(line);
            out.push(format!("    # {comment}{m}"));
            return Ok(());
        }
        if self.started {
            return Err(self.err(
                s.position(),
                "statements after ssc.start() (other than awaitTermination, \
                 awaitTerminationOrTimeout and stop) cannot be exported: PySpark builds the \
                 pipeline before start",
            ));
        }
        self.stmt(s, 1, false, out, true)
    }

    /// `ssc.start()`, `awaitTermination[OrTimeout]` and `stop` at the top level: what `main()`
    /// makes of them, and the comment left in `build()`. None for other methods.
    fn lifecycle_call(
        &mut self,
        method: &str,
        args: &[Expr],
        pos: Position,
    ) -> ExportResult<Option<String>> {
        Ok(Some(match method {
            "start" => {
                self.started = true;
                "ssc.start(): main() starts the context after build()".to_string()
            }
            "awaitTermination" => "ssc.awaitTermination(): done by main()".to_string(),
            "awaitTerminationOrTimeout" => {
                let t = match args.first() {
                    Some(a) => self.expr(a)?.code,
                    None => {
                        return Err(self.err(pos, "awaitTerminationOrTimeout needs a timeout"));
                    }
                };
                self.after.timeout = Some(t.clone());
                format!("ssc.awaitTerminationOrTimeout({t}): done by main()")
            }
            "stop" => {
                let stop = self.args(args)?.join(", ");
                self.after.stop = Some(if stop.is_empty() {
                    "stopSparkContext=True, stopGraceFully=True".into()
                } else {
                    stop.clone()
                });
                format!("ssc.stop({stop}): done by main()")
            }
            "fault" => {
                let spec = self.args(args)?.join(", ");
                format!(
                    "ssc.fault({spec}): centella's fault lab injected this fault; Spark has \
                     no such call (on a cluster, kill an executor's process to see it)"
                )
            }
            "tick" => {
                return Err(self.err(
                    pos,
                    "ssc.tick() drives centella's manual clock; Spark has no manual clock, \
                         remove the ticks (main() runs the batches on Spark's clock)",
                ));
            }
            _ => return Ok(None),
        }))
    }

    /// `ssc.method(args)` as a statement, for a StreamingContext variable.
    pub(super) fn context_call(&self, e: &Expr) -> Option<(String, Vec<Expr>, Position)> {
        if let Expr::Dot(x, _, _) = e
            && let (Expr::Variable(v, _, _), Expr::MethodCall(fc, pos)) = (&x.lhs, &x.rhs)
            && self.contexts.contains(v.1.as_str())
        {
            return Some((fc.name.to_string(), fc.args.to_vec(), *pos));
        }
        None
    }
}
