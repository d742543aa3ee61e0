//! `switch`, translated from the source text. Rhai keeps a switch's case values only as hashes,
//! so the cases are read back from the script's tokens, and then checked: the values read,
//! compiled again into a switch of their own, must give exactly the original's hashes, ranges
//! and default. A switch that does not pass is an error, never a guess.
//!
//! Rhai matches a case only for a value of the same type (`1` matches neither `1.0` nor
//! `true`), checks values before ranges and ranges before `_`, and a case whose `if` is false
//! falls through. Since Rhai forbids numeric values after a range case and `_` anywhere but
//! last, testing the cases in source order with typed comparisons gives that meaning: `x == 1`
//! when `x` is known to be an int, `type(x) is int and x == 1` otherwise.

use super::{ExportResult, P_AND, P_ATOM, P_CMP, P_LAMBDA, P_OR, PyExpr, Translator};
use crate::types::{self, Ty};
use rhai::{Engine, Expr, Position, Stmt, SwitchCasesCollection, Token};
use std::collections::BTreeMap;

/// A case value as written.
#[derive(Clone, Debug, PartialEq)]
enum Pat {
    Int(i64),
    Float(f64),
    Str(String),
    Char(char),
    Bool(bool),
    Unit,
    /// `lo..hi` or `lo..=hi`.
    Range(i64, i64, bool),
}

type Switch = (Expr, SwitchCasesCollection);

/// Whether the switch can be a Python conditional expression: it switches on a variable or a
/// constant (tested several times) and every case is one expression.
pub(super) fn is_expression(x: &Switch) -> bool {
    simple(&x.0)
        && x.1
            .expressions
            .iter()
            .all(|b| action_expr(&b.rhs).is_some())
}

fn simple(e: &Expr) -> bool {
    matches!(
        e,
        Expr::Variable(..)
            | Expr::IntegerConstant(..)
            | Expr::StringConstant(..)
            | Expr::CharConstant(..)
            | Expr::BoolConstant(..)
            | Expr::FloatConstant(..)
            | Expr::Unit(..)
    )
}

/// The single expression of a case's action, if it is one.
fn action_expr(e: &Expr) -> Option<&Expr> {
    match e {
        Expr::Stmt(b) => match b.statements() {
            [Stmt::Expr(x)] => Some(x),
            _ => None,
        },
        other => Some(other),
    }
}

fn action_stmts(e: &Expr) -> Vec<Stmt> {
    match e {
        Expr::Stmt(b) => b.statements().to_vec(),
        other => vec![Stmt::Expr(Box::new(other.clone()))],
    }
}

fn opens(t: &Token) -> bool {
    matches!(
        t,
        Token::LeftBrace | Token::LeftParen | Token::LeftBracket | Token::MapStart
    )
}

fn closes(t: &Token) -> bool {
    matches!(
        t,
        Token::RightBrace | Token::RightParen | Token::RightBracket
    )
}

/// The cases of the switch at `at`, in source order: each case's values (none for `_`).
fn read_cases(source: &str, at: Position) -> Option<Vec<Vec<Pat>>> {
    let engine = Engine::new();
    let inputs = [source];
    let (tokens, _) = engine.lex(inputs.iter());
    // The tokenizer repeats EOF forever.
    let toks: Vec<(Token, Position)> = tokens.take_while(|(t, _)| *t != Token::EOF).collect();
    let switch = toks
        .iter()
        .position(|(t, p)| *t == Token::Switch && *p == at)?;
    let mut k = after_scrutinee(&toks, switch + 1)?;
    let mut cases = vec![];
    loop {
        if toks.get(k)?.0 == Token::RightBrace {
            return Some(cases);
        }
        let (arrow, values_end) = case_values(&toks, k)?;
        cases.push(parse_values(&toks[k..values_end])?);
        k = after_action(&toks, arrow + 1)?;
    }
}

/// Tracks bracket depth over one token; None when a bracket closes that never opened.
fn nest(depth: &mut usize, t: &Token) -> Option<()> {
    if opens(t) {
        *depth += 1;
    } else if closes(t) {
        *depth = depth.checked_sub(1)?;
    }
    Some(())
}

/// Where the cases start: after the scrutinee (from `k`) and the block's `{`.
fn after_scrutinee(toks: &[(Token, Position)], mut k: usize) -> Option<usize> {
    let mut depth = 0usize;
    loop {
        let (t, _) = toks.get(k)?;
        k += 1;
        if depth == 0 && *t == Token::LeftBrace {
            return Some(k);
        }
        nest(&mut depth, t)?;
    }
}

/// A case's values from `k`: where its `=>` is, and where its values end (before an `if`
/// condition, which is in the AST).
fn case_values(toks: &[(Token, Position)], mut k: usize) -> Option<(usize, usize)> {
    let mut depth = 0usize;
    let mut end = None;
    loop {
        let (t, _) = toks.get(k)?;
        if depth == 0 && *t == Token::DoubleArrow {
            return Some((k, end.unwrap_or(k)));
        }
        if depth == 0 && *t == Token::If && end.is_none() {
            end = Some(k);
        }
        nest(&mut depth, t)?;
        k += 1;
    }
}

/// Where the next case starts: after the action from `k`, up to `,` or the switch's `}`; a
/// block or `if` ends at its own `}`.
fn after_action(toks: &[(Token, Position)], mut k: usize) -> Option<usize> {
    let block_like = matches!(
        toks.get(k)?.0,
        Token::LeftBrace
            | Token::If
            | Token::While
            | Token::Loop
            | Token::For
            | Token::Do
            | Token::Switch
            | Token::Try
    );
    let mut depth = 0usize;
    loop {
        let (t, _) = toks.get(k)?;
        if depth == 0 && *t == Token::Comma {
            return Some(k + 1);
        }
        if depth == 0 && *t == Token::RightBrace {
            return Some(k);
        }
        let closing = closes(t);
        nest(&mut depth, t)?;
        k += 1;
        if block_like && closing && depth == 0 {
            match toks.get(k)?.0 {
                Token::Else => {}
                Token::Comma => return Some(k + 1),
                _ => return Some(k),
            }
        }
    }
}

fn int_at(toks: &[(Token, Position)], i: usize) -> Option<(i64, usize)> {
    match toks.get(i).map(|t| &t.0) {
        Some(Token::IntegerConstant(n)) => Some((*n, i + 1)),
        Some(Token::UnaryMinus | Token::Minus) => match toks.get(i + 1).map(|t| &t.0) {
            Some(Token::IntegerConstant(n)) => Some((n.checked_neg()?, i + 2)),
            _ => None,
        },
        _ => None,
    }
}

/// `1 | "a" | 3..5` as values; `_` as none.
fn parse_values(toks: &[(Token, Position)]) -> Option<Vec<Pat>> {
    if let [(Token::Underscore, _)] = toks {
        return Some(vec![]);
    }
    let mut out = vec![];
    for alt in toks.split(|(t, _)| *t == Token::Pipe) {
        let pat = if let Some((lo, next)) = int_at(alt, 0) {
            match alt.get(next).map(|t| &t.0) {
                None => Pat::Int(lo),
                Some(Token::ExclusiveRange | Token::InclusiveRange) => {
                    let inclusive = alt[next].0 == Token::InclusiveRange;
                    let (hi, end) = int_at(alt, next + 1)?;
                    if end != alt.len() {
                        return None;
                    }
                    Pat::Range(lo, hi, inclusive)
                }
                _ => return None,
            }
        } else {
            match alt {
                [(Token::FloatConstant(f), _)] => Pat::Float(*f.0),
                [
                    (Token::UnaryMinus | Token::Minus, _),
                    (Token::FloatConstant(f), _),
                ] => Pat::Float(-*f.0),
                [(Token::StringConstant(s), _)] => Pat::Str(s.to_string()),
                [(Token::CharConstant(c), _)] => Pat::Char(*c),
                [(Token::True, _)] => Pat::Bool(true),
                [(Token::False, _)] => Pat::Bool(false),
                [(Token::Unit, _)] | [(Token::LeftParen, _), (Token::RightParen, _)] => Pat::Unit,
                _ => return None,
            }
        };
        out.push(pat);
    }
    Some(out)
}

fn rhai_literal(p: &Pat) -> String {
    match p {
        Pat::Int(n) => n.to_string(),
        Pat::Float(f) => format!("{f:?}"),
        Pat::Str(s) => format!("{s:?}"),
        Pat::Char(c) => format!("{c:?}"),
        Pat::Bool(b) => b.to_string(),
        Pat::Unit => "()".into(),
        Pat::Range(lo, hi, inc) => format!("{lo}..{}{hi}", if *inc { "=" } else { "" }),
    }
}

/// What Rhai made of a switch's cases: hashes to blocks, ranges, the default.
fn shape(c: &SwitchCasesCollection) -> (BTreeMap<u64, Vec<usize>>, Vec<String>, Option<usize>) {
    let cases = c
        .cases
        .iter()
        .map(|(h, b)| (*h, b.blocks.to_vec()))
        .collect();
    let ranges = c.ranges.iter().map(|r| format!("{r:?}")).collect();
    (cases, ranges, c.def_case)
}

/// The values read agree with the AST: compiled again, they make the same switch.
fn verify(cases: &[Vec<Pat>], original: &SwitchCasesCollection) -> bool {
    if cases.len() != original.expressions.len() {
        return false;
    }
    let arms: Vec<String> = cases
        .iter()
        .enumerate()
        .map(|(i, alts)| {
            if alts.is_empty() {
                format!("_ => {i}")
            } else {
                let v: Vec<String> = alts.iter().map(rhai_literal).collect();
                format!("{} => {i}", v.join(" | "))
            }
        })
        .collect();
    let code = format!("switch () {{ {} }}", arms.join(", "));
    let mut engine = Engine::new();
    engine.set_optimization_level(rhai::OptimizationLevel::None);
    let Ok(ast) = engine.compile(&code) else {
        return false;
    };
    match ast.statements() {
        [Stmt::Switch(x, _)] => shape(&x.1) == shape(original),
        _ => false,
    }
}

impl Translator<'_> {
    fn switch_cases(&self, x: &Switch, pos: Position) -> ExportResult<Vec<Vec<Pat>>> {
        read_cases(self.source, pos)
            .filter(|cases| verify(cases, &x.1))
            .ok_or_else(|| {
                self.err(
                    pos,
                    "this switch cannot be exported: its case values must be literal ints, \
                     floats, strings, chars, booleans, () or integer ranges (a | b, if \
                     conditions and _ are fine); or use if / else if",
                )
            })
    }

    /// Python's test for one case: its values (or'ed) and its `if` condition.
    fn case_test(&mut self, x: &PyExpr, alts: &[Pat], cond: &Expr) -> ExportResult<String> {
        let mut tests: Vec<String> = vec![];
        // Values of one Python type are tested together: `x in (1, 2)`.
        let mut groups: Vec<(&str, Ty, Vec<String>)> = vec![];
        for p in alts {
            let (ty_name, ty, lit) = match p {
                Pat::Int(n) => ("int", Ty::Int, n.to_string()),
                Pat::Float(f) => ("float", Ty::Float, super::expressions::py_float(*f)),
                Pat::Str(s) => ("str", Ty::Str, super::expressions::py_str(s)),
                Pat::Char(c) => ("str", Ty::Str, super::expressions::py_str(&c.to_string())),
                Pat::Bool(b) => {
                    let b = if *b { "True" } else { "False" };
                    tests.push(format!("{} is {b}", x.at(P_CMP + 1)));
                    continue;
                }
                Pat::Unit => {
                    tests.push(format!("{} is None", x.at(P_CMP + 1)));
                    continue;
                }
                Pat::Range(lo, hi, inc) => {
                    let op = if *inc { "<=" } else { "<" };
                    let t = format!("{lo} <= {} {op} {hi}", x.at(P_CMP + 1));
                    tests.push(if x.ty == Ty::Int {
                        t
                    } else {
                        format!("type({}) is int and {t}", x.code)
                    });
                    continue;
                }
            };
            match groups.iter_mut().find(|g| g.0 == ty_name) {
                Some(g) => g.2.push(lit),
                None => groups.push((ty_name, ty, vec![lit])),
            }
        }
        for (name, ty, lits) in groups {
            let t = match lits.as_slice() {
                [one] => format!("{} == {one}", x.at(P_CMP + 1)),
                many => format!("{} in ({})", x.at(P_CMP + 1), many.join(", ")),
            };
            tests.push(if x.ty == ty {
                t
            } else {
                format!("type({}) is {name} and {t}", x.code)
            });
        }
        let mut test = tests.join(" or ");
        if !matches!(cond, Expr::BoolConstant(true, _)) {
            let c = self.expr(cond)?;
            if tests.len() > 1 || test.contains(" and ") {
                test = format!("({test})");
            }
            test = format!("{test} and {}", c.at(P_AND + 1));
        }
        Ok(test)
    }

    /// The value switched on, and a line binding it first when it is not a variable.
    fn scrutinee(&mut self, e: &Expr) -> ExportResult<(PyExpr, Option<String>)> {
        let v = self.expr(e)?;
        if simple(e) {
            return Ok((v, None));
        }
        self.local_defs += 1;
        let name = format!("_s{}", self.local_defs);
        let bind = format!("{name} = {}", v.code);
        Ok((PyExpr::typed(name, v.ty), Some(bind)))
    }

    /// A switch statement as an if / elif / else chain (returning its value when `ret`).
    pub(super) fn switch_stmt(
        &mut self,
        x: &Switch,
        pos: Position,
        indent: usize,
        ret: bool,
        marker: &str,
        out: &mut Vec<String>,
    ) -> ExportResult<()> {
        let cases = self.switch_cases(x, pos)?;
        let pad = "    ".repeat(indent);
        let (v, bind) = self.scrutinee(&x.0)?;
        if let Some(b) = bind {
            out.push(format!("{pad}{b}"));
        }
        let mut first = true;
        let mut default = None;
        for (i, alts) in cases.iter().enumerate() {
            let block = &x.1.expressions[i];
            if alts.is_empty() {
                default = Some(i);
                continue;
            }
            let test = self.case_test(&v, alts, &block.lhs)?;
            let kw = if first { "if" } else { "elif" };
            let m = if first { marker } else { "" };
            out.push(format!("{pad}{kw} {test}:{m}"));
            first = false;
            self.block(&action_stmts(&block.rhs), indent + 1, ret, out)?;
        }
        if let Some(i) = default {
            let stmts = action_stmts(&x.1.expressions[i].rhs);
            if first {
                self.block(&stmts, indent, ret, out)?;
            } else {
                out.push(format!("{pad}else:"));
                self.block(&stmts, indent + 1, ret, out)?;
            }
        } else if first {
            out.push(format!("{pad}pass{marker}"));
        }
        Ok(())
    }

    /// A switch used as a value: a conditional expression (`None` when no case matches).
    pub(super) fn switch_expr(&mut self, x: &Switch, pos: Position) -> ExportResult<PyExpr> {
        if !is_expression(x) {
            return Err(self.err(
                pos,
                "a switch used as a value needs a variable to switch on and one expression per \
                 case to be exported (as a statement, or as a closure's body, any switch works)",
            ));
        }
        let cases = self.switch_cases(x, pos)?;
        let v = self.expr(&x.0)?;
        let mut branches: Vec<(String, PyExpr)> = vec![];
        let mut default: Option<PyExpr> = None;
        for (i, alts) in cases.iter().enumerate() {
            let block = &x.1.expressions[i];
            let Some(action) = action_expr(&block.rhs) else {
                return Err(self.err(pos, "a switch case with statements used as a value"));
            };
            if alts.is_empty() {
                default = Some(self.expr(action)?);
                continue;
            }
            let test = self.case_test(&v, alts, &block.lhs)?;
            let value = self.expr(action)?;
            branches.push((test, value));
        }
        let default = default.unwrap_or_else(|| PyExpr::typed("None".into(), Ty::Unit));
        let mut ty = default.ty.clone();
        let mut code = default.at(P_LAMBDA);
        let mut prec = default.prec;
        for (test, value) in branches.into_iter().rev() {
            ty = types::join(&value.ty, &ty);
            code = format!("{} if {test} else {code}", value.at(P_OR));
            prec = P_LAMBDA;
        }
        Ok(PyExpr {
            code,
            ty,
            prec: prec.min(P_ATOM),
        })
    }
}
