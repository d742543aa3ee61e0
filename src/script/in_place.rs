//! Rhai's in-place string methods used as values.
//!
//! `replace`, `trim`, `make_upper`, `make_lower`, `pad`, `truncate`, `crop`, `remove` and
//! `clear` change a string variable and return `()` in Rhai. A PySpark user writes
//! `h.replace("#", "")` for its value and would get `()` (printed `None`) with no error.
//!
//! So these methods are registered again for strings (shadowing Rhai's own) with both
//! meanings: where the call stands alone as a statement (`s.replace("a", "b");`, the last
//! call of the statement's method chain, its value dropped) the string changes in place as
//! in Rhai; anywhere else the receiver is left alone and the new string is the value.
//! Which calls are statements is read from each compiled script's AST ([`Sites::record`])
//! and looked up by the call's position when it runs. Arrays, maps and blobs keep Rhai's
//! methods of the same names untouched.

use rhai::{
    AST, ASTNode, Dynamic, Engine, EvalAltResult, Expr, INT, ImmutableString, NativeCallContext,
    Position, Stmt,
};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, RwLock};

/// Rhai string methods that change the string in place and return `()`.
pub const IN_PLACE: &[&str] = &[
    "replace",
    "trim",
    "make_upper",
    "make_lower",
    "pad",
    "truncate",
    "crop",
    "remove",
    "clear",
];

/// (line, column): where a call is, as its `NativeCallContext` tells.
type Pos = (usize, usize);

/// One call recorded at a position: its method, the script source, and whether it is a
/// statement.
struct Form {
    method: String,
    source: String,
    statement: bool,
}

/// For each position, the in-place calls recorded there. The source is only a
/// tie-breaker: a function defined by `:load lib.rhai` and called from the prompt runs with
/// the prompt's source, so a call known from a single source (or with the same form in
/// all) answers for any caller. Looked up per call without allocating.
#[derive(Clone, Default)]
pub struct Sites(Arc<RwLock<HashMap<Pos, Vec<Form>>>>);

fn pos_of(pos: Position) -> Option<Pos> {
    Some((pos.line()?, pos.position().unwrap_or(0)))
}

impl Sites {
    /// Whether the call at `ctx`'s position changes its receiver in place.
    fn is_statement(&self, ctx: &NativeCallContext) -> bool {
        let Some(key) = pos_of(ctx.call_position()) else {
            return false;
        };
        let Ok(sites) = self.0.read() else {
            return false;
        };
        let method = ctx.fn_name();
        let mut forms = sites
            .get(&key)
            .into_iter()
            .flatten()
            .filter(|f| f.method == method)
            .peekable();
        if forms.peek().is_none() {
            return false;
        }
        let source = ctx.call_source().unwrap_or_default();
        let mut all_statements = true;
        for f in forms {
            if f.source == source {
                return f.statement;
            }
            all_statements &= f.statement;
        }
        // Another source's code: only an unambiguous site is a statement.
        all_statements
    }

    /// Records which in-place calls of a freshly compiled script are statements (and that
    /// the others, at the same positions as an earlier entry's, are not any more).
    /// `last_is_value`: whether the value of the script's last statement is used (an entry
    /// at the prompt, echoed).
    pub fn record(&self, ast: &AST, source: &str, last_is_value: bool) {
        let fn_last = last_statements_of_functions(ast);
        let main: Vec<*const Stmt> = real(ast.statements());
        let ctx = Ctx {
            main: &main,
            fn_last: &fn_last,
            last_is_value,
        };
        let mut found: Vec<(Pos, String, bool)> = Vec::new();
        ast.walk(&mut |path: &[ASTNode]| {
            if let Some(ASTNode::Expr(Expr::MethodCall(f, pos))) = path.last()
                && IN_PLACE.contains(&f.name.as_str())
                && let Some(key) = pos_of(*pos)
            {
                found.push((key, f.name.to_string(), ctx.statement_form(path)));
            }
            true
        });
        if found.is_empty() {
            return;
        }
        if let Ok(mut sites) = self.0.write() {
            for (key, method, statement) in found {
                let forms = sites.entry(key).or_default();
                match forms
                    .iter_mut()
                    .find(|f| f.method == method && f.source == source)
                {
                    Some(f) => f.statement = statement,
                    None => forms.push(Form {
                        method,
                        source: source.to_string(),
                        statement,
                    }),
                }
            }
        }
    }
}

/// A block's statements that count (not the `Share`s and no-ops the parser adds).
fn real(stmts: &[Stmt]) -> Vec<*const Stmt> {
    stmts
        .iter()
        .filter(|s| !matches!(s, Stmt::Noop(..) | Stmt::Share(..)))
        .map(|s| s as *const Stmt)
        .collect()
}

fn is_last(stmts: &[Stmt], s: &Stmt) -> bool {
    real(stmts).last().is_some_and(|l| std::ptr::eq(*l, s))
}

/// The last statement of every function body (its value is the function's result).
fn last_statements_of_functions(ast: &AST) -> HashSet<*const Stmt> {
    let mut out = HashSet::new();
    for f in ast.iter_functions() {
        let (name, arity) = (f.name.to_string(), f.params.len());
        let mut only = ast.clone_functions_only();
        only.retain_functions(|_, _, n, p| n == name && p == arity);
        let mut roots: Vec<*const Stmt> = Vec::new();
        only.walk(&mut |path: &[ASTNode]| {
            if let [ASTNode::Stmt(s)] = path
                && !matches!(s, Stmt::Noop(..) | Stmt::Share(..))
            {
                roots.push(*s as *const Stmt);
            }
            true
        });
        out.extend(roots.last().copied());
    }
    out
}

struct Ctx<'a> {
    main: &'a [*const Stmt],
    fn_last: &'a HashSet<*const Stmt>,
    last_is_value: bool,
}

impl Ctx<'_> {
    /// Whether the method call ending `path` is the last call of a method chain that is a
    /// statement whose value is dropped.
    fn statement_form(&self, path: &[ASTNode]) -> bool {
        let mut j = path.len() - 1;
        // Up the chain while this node is the right side of a `.` or `[]`.
        while j > 0 {
            let (ASTNode::Expr(parent), ASTNode::Expr(child)) = (&path[j - 1], &path[j]) else {
                break;
            };
            match parent {
                Expr::Dot(x, _, _) | Expr::Index(x, _, _) if std::ptr::eq(&x.rhs, *child) => j -= 1,
                _ => break,
            }
        }
        if j == 0 {
            return false;
        }
        match (&path[j - 1], &path[j]) {
            (ASTNode::Stmt(s @ Stmt::Expr(e)), ASTNode::Expr(child))
                if std::ptr::eq(&**e, *child) =>
            {
                !self.used(path, j - 1, s)
            }
            _ => false,
        }
    }

    /// Whether the value of statement `s` (at `path[i]`) is used.
    fn used(&self, path: &[ASTNode], i: usize, s: &Stmt) -> bool {
        if i == 0 {
            let sp = s as *const Stmt;
            return match self.main.iter().position(|m| *m == sp) {
                Some(k) => self.last_is_value && k + 1 == self.main.len(),
                None => self.fn_last.contains(&sp),
            };
        }
        match &path[i - 1] {
            ASTNode::Stmt(p @ Stmt::Block(b)) => {
                is_last(b.statements(), s) && self.used(path, i - 1, p)
            }
            ASTNode::Stmt(p @ (Stmt::If(fc, _) | Stmt::TryCatch(fc, _))) => {
                (is_last(fc.body.statements(), s) || is_last(fc.branch.statements(), s))
                    && self.used(path, i - 1, p)
            }
            ASTNode::Expr(Expr::Stmt(b)) => {
                if !is_last(b.statements(), s) {
                    return false;
                }
                // A `{ ... }` block expression: used unless it is itself a dropped statement.
                match path.get(i.wrapping_sub(2)) {
                    Some(ASTNode::Stmt(g @ Stmt::Expr(_))) if i >= 2 => self.used(path, i - 2, g),
                    _ => true,
                }
            }
            _ => false,
        }
    }
}

/// Registers the string methods with both meanings (see the module comment).
pub fn register(engine: &mut Engine, sites: &Sites) {
    macro_rules! both {
        ($name:literal, |$s:ident $(, $a:ident : $t:ty)*| $body:expr) => {{
            let sites = sites.clone();
            engine.register_fn(
                $name,
                move |ctx: NativeCallContext, $s: &mut ImmutableString $(, $a: $t)*|
                      -> Result<Dynamic, Box<EvalAltResult>> {
                    let new: ImmutableString = {
                        let $s: &ImmutableString = &*$s;
                        $body
                    };
                    Ok(apply(&sites, &ctx, $s, new))
                },
            );
        }};
    }
    both!("replace", |s, a: ImmutableString, b: ImmutableString| s
        .replace(a.as_str(), b.as_str())
        .into());
    both!("replace", |s, a: char, b: ImmutableString| s
        .replace(a, b.as_str())
        .into());
    both!("replace", |s, a: ImmutableString, b: char| s
        .replace(a.as_str(), b.encode_utf8(&mut [0; 4]))
        .into());
    both!("replace", |s, a: char, b: char| s
        .replace(a, b.encode_utf8(&mut [0; 4]))
        .into());
    both!("trim", |s| s.trim().into());
    both!("make_upper", |s| s.to_uppercase().into());
    both!("make_lower", |s| s.to_lowercase().into());
    both!("truncate", |s, n: INT| truncate(s, n));
    both!("remove", |s, a: ImmutableString| s
        .replace(a.as_str(), "")
        .into());
    both!("remove", |s, a: char| s.replace(a, "").into());
    both!("clear", |s| {
        let _ = s;
        ImmutableString::new()
    });
    both!("crop", |s, start: INT| crop(s, start, INT::MAX));
    both!("crop", |s, start: INT, len: INT| crop(s, start, len));
    both!("pad", |s, len: INT, c: char| pad(
        s,
        len,
        c.encode_utf8(&mut [0; 4])
    ));
    both!("pad", |s, len: INT, p: ImmutableString| pad(
        s,
        len,
        p.as_str()
    ));
}

/// In place (returns `()`) at a statement, else the new string (the receiver unchanged).
fn apply(
    sites: &Sites,
    ctx: &NativeCallContext,
    s: &mut ImmutableString,
    new: ImmutableString,
) -> Dynamic {
    if sites.is_statement(ctx) {
        *s = new;
        Dynamic::UNIT
    } else {
        new.into()
    }
}

/// Rhai's `truncate`: keep the first `n` characters (none when `n` ≤ 0).
fn truncate(s: &str, n: INT) -> ImmutableString {
    let n = usize::try_from(n).unwrap_or(0);
    s.chars().take(n).collect::<String>().into()
}

/// Rhai's `crop(start, len)`: a negative start counts from the end.
fn crop(s: &str, start: INT, len: INT) -> ImmutableString {
    let chars: Vec<char> = s.chars().collect();
    if chars.is_empty() || len <= 0 {
        return ImmutableString::new();
    }
    let offset = if start < 0 {
        let back = usize::try_from(start.unsigned_abs()).unwrap_or(usize::MAX);
        chars.len().saturating_sub(back)
    } else {
        match usize::try_from(start) {
            Ok(st) if st < chars.len() => st,
            _ => return ImmutableString::new(),
        }
    };
    let len = usize::try_from(len).unwrap_or(usize::MAX);
    chars
        .iter()
        .skip(offset)
        .take(len)
        .collect::<String>()
        .into()
}

/// Rhai's `pad(len, padding)`: pad on the right to `len` characters.
fn pad(s: &str, len: INT, padding: &str) -> ImmutableString {
    let len = usize::try_from(len).unwrap_or(0);
    let mut out = s.to_string();
    let mut n = out.chars().count();
    if padding.is_empty() {
        return out.into();
    }
    while n < len {
        for c in padding.chars() {
            if n == len {
                break;
            }
            out.push(c);
            n += 1;
        }
    }
    out.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpers_follow_rhai() {
        assert_eq!(truncate("hello", 2).as_str(), "he");
        assert_eq!(truncate("hello", -1).as_str(), "");
        assert_eq!(crop("hello, world!", 2, 8).as_str(), "llo, wor");
        assert_eq!(crop(", world", -5, 3).as_str(), "wor");
        assert_eq!(crop("abc", 5, 1).as_str(), "");
        assert_eq!(pad("ab", 5, "xy").as_str(), "abxyx");
        assert_eq!(pad("abc", 2, "x").as_str(), "abc");
    }
}
