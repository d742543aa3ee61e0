//! Python's builtins: called (`len(x)`, `sorted(xs, key=f, reverse=True)`, `print(a, b)`,
//! `isinstance(x, (int, str))`, ...) and used as function values (`map(str, xs)`).

use super::error::Translated;
use super::names::{Code, Kind, rhai_string};
use super::program::{Program, Scope};
use ruff_python_ast::{self as ast, Expr};

/// Python builtins usable as function values (`map(str, xs)`, `sorted(xs, key=len)`).
const BUILTIN_VALUES: &[(&str, &str)] = &[
    ("len", "py_len"),
    ("str", "py_str"),
    ("repr", "py_repr"),
    ("int", "py_int"),
    ("float", "py_float"),
    ("bool", "py_bool"),
    ("abs", "py_abs"),
    ("list", "py_list_of"),
    ("tuple", "py_tuple"),
    ("sorted", "py_sorted"),
    ("sum", "py_sum"),
    ("max", "py_max"),
    ("min", "py_min"),
    ("reversed", "py_reversed"),
];

impl<'a> Program<'a> {
    /// A builtin used as a value, unless the program defines the name itself.
    pub fn builtin_value(&self, id: &str) -> Option<String> {
        if self.module_vars.contains(id) || self.defs.contains_key(id) {
            return None;
        }
        if id == "print" {
            // rdd.foreach(print)
            return Some("|x| print(py_str(x))".into());
        }
        BUILTIN_VALUES
            .iter()
            .find(|(n, _)| *n == id)
            .map(|(_, h)| format!("Fn(\"{h}\")"))
    }

    pub fn builtin_call(&self, id: &str, c: &ast::ExprCall, scope: &mut Scope) -> Translated<Code> {
        let (pos, kws) = self.args(c, scope)?;
        let n = pos.len();
        let kw = |name: &str| {
            kws.iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.text.clone())
        };
        let allowed = |names: &[&str]| -> Translated<()> {
            for (k, _) in &kws {
                if !names.contains(&k.as_str()) {
                    return Err(self.err(
                        c,
                        format!("the keyword `{k}` of `{id}()`"),
                        if names.is_empty() {
                            "it takes none".to_string()
                        } else {
                            format!("it takes {}", names.join(", "))
                        },
                    ));
                }
            }
            Ok(())
        };
        let a = |i: usize| pos[i].text.clone();
        let wrong = || {
            self.err(
                c,
                format!("`{id}()` with {n} arguments"),
                "pass the arguments Python's builtin takes",
            )
        };
        let call1 = |h: &str, kind| -> Translated<Code> {
            if n != 1 {
                return Err(wrong());
            }
            Ok(Code::atom(format!("{h}({})", a(0)), kind))
        };
        match id {
            "len" => { allowed(&[])?; call1("py_len", Kind::Int) }
            "repr" => { allowed(&[])?; call1("py_repr", Kind::Str) }
            "abs" => { allowed(&[])?; let k = if n == 1 { pos[0].kind } else { Kind::Unknown }; call1("py_abs", if k.is_number() { k } else { Kind::Unknown }) }
            "bool" => { allowed(&[])?; if n == 0 { return Ok(Code::atom("false", Kind::Bool)); } call1("py_bool", Kind::Bool) }
            "str" => {
                allowed(&[])?;
                match n {
                    0 => Ok(Code::atom("\"\"", Kind::Str)),
                    _ => call1("py_str", Kind::Str),
                }
            }
            "int" => {
                allowed(&[])?;
                match n {
                    0 => Ok(Code::atom("0", Kind::Int)),
                    1 => call1("py_int", Kind::Int),
                    2 => Ok(Code::atom(format!("py_int({}, {})", a(0), a(1)), Kind::Int)),
                    _ => Err(wrong()),
                }
            }
            "float" => { allowed(&[])?; if n == 0 { return Ok(Code::atom("0.0", Kind::Float)); } call1("py_float", Kind::Float) }
            "list" => {
                allowed(&[])?;
                if n == 0 { return Ok(Code::atom("py_list([])", Kind::List)); }
                call1("py_list_of", Kind::List)
            }
            "tuple" => {
                allowed(&[])?;
                if n == 0 { return Ok(Code::atom("[]", Kind::Tuple)); }
                call1("py_tuple", Kind::Tuple)
            }
            "dict" => {
                if n == 0 {
                    let items: Vec<String> = kws.iter().map(|(k, v)| format!("{}: {}", rhai_string(k), v.text)).collect();
                    return Ok(Code::atom(format!("#{{{}}}", items.join(", ")), Kind::Dict));
                }
                allowed(&[])?;
                call1("py_dict", Kind::Dict)
            }
            "max" | "min" | "sorted" | "sum" | "any" | "all" | "reversed" => {
                let helper = format!("py_{id}");
                let key = kw("key").unwrap_or_else(|| "()".into());
                match id {
                    "max" | "min" => {
                        allowed(&["key", "default"])?;
                        let items = match n {
                            0 => return Err(wrong()),
                            1 => a(0),
                            _ => format!("[{}]", texts(&pos)),
                        };
                        let kind = if n > 1 && pos.iter().all(|p| p.kind == pos[0].kind) { pos[0].kind } else { Kind::Unknown };
                        match kw("default") {
                            Some(d) => Ok(Code::atom(format!("py_{id}_default({items}, {key}, {d})"), kind)),
                            None => Ok(Code::atom(format!("{helper}({items}, {key})"), kind)),
                        }
                    }
                    "sorted" => {
                        allowed(&["key", "reverse"])?;
                        if n != 1 { return Err(wrong()); }
                        let rev = kw("reverse").unwrap_or_else(|| "false".into());
                        Ok(Code::atom(format!("py_sorted({}, {key}, {rev})", a(0)), Kind::List))
                    }
                    "sum" => {
                        allowed(&["start"])?;
                        let start = kw("start");
                        match (n, start) {
                            (1, None) => Ok(Code::atom(format!("py_sum({})", a(0)), Kind::Unknown)),
                            (1, Some(s)) => Ok(Code::atom(format!("py_sum({}, {s})", a(0)), Kind::Unknown)),
                            (2, None) => Ok(Code::atom(format!("py_sum({}, {})", a(0), a(1)), Kind::Unknown)),
                            _ => Err(wrong()),
                        }
                    }
                    _ => { allowed(&[])?; call1(&helper, if id == "reversed" { Kind::Tuple } else { Kind::Bool }) }
                }
            }
            "range" => {
                allowed(&[])?;
                match n {
                    1..=3 => Ok(Code::atom(format!("py_range({})", texts(&pos)), Kind::Tuple)),
                    _ => Err(wrong()),
                }
            }
            "zip" => { allowed(&[])?; Ok(Code::atom(format!("py_zip([{}])", texts(&pos)), Kind::Tuple)) }
            "enumerate" => {
                allowed(&["start"])?;
                let start = kw("start").unwrap_or_else(|| if n == 2 { a(1) } else { "0".into() });
                if n == 0 || n > 2 { return Err(wrong()); }
                Ok(Code::atom(format!("py_enumerate({}, {start})", a(0)), Kind::Tuple))
            }
            "map" | "filter" => {
                allowed(&[])?;
                if n != 2 {
                    return Err(self.err(c, format!("`{id}()` over {} iterables", n.saturating_sub(1)), "zip them first, or use a comprehension"));
                }
                Ok(Code::atom(format!("py_{id}({}, {})", a(0), a(1)), Kind::Tuple))
            }
            "isinstance" => {
                allowed(&[])?;
                if n != 2 { return Err(wrong()); }
                let types = match &c.arguments.args[1] {
                    Expr::Name(t) => vec![t.id.to_string()],
                    Expr::Tuple(t) => t.elts.iter().filter_map(|e| match e { Expr::Name(t) => Some(t.id.to_string()), _ => None }).collect(),
                    _ => vec![],
                };
                if types.is_empty() {
                    return Err(self.err(&c.arguments.args[1], "this type test", "name the types: int, float, str, bool, list, tuple, dict"));
                }
                let names: Vec<String> = types.iter().map(|t| rhai_string(t)).collect();
                Ok(Code::atom(format!("py_isinstance({}, [{}])", a(0), names.join(", ")), Kind::Bool))
            }
            "round" => {
                allowed(&[])?;
                match n {
                    1 => Ok(Code::atom(format!("py_round({})", a(0)), Kind::Int)),
                    2 => Ok(Code::atom(format!("py_round({}, {})", a(0), a(1)), Kind::Float)),
                    _ => Err(wrong()),
                }
            }
            "pow" => { allowed(&[])?; if n != 2 { return Err(wrong()); } Ok(Code::atom(format!("py_pow({}, {})", a(0), a(1)), Kind::Unknown)) }
            "divmod" => { allowed(&[])?; if n != 2 { return Err(wrong()); } Ok(Code::atom(format!("py_divmod({}, {})", a(0), a(1)), Kind::Tuple)) }
            "ord" => { allowed(&[])?; call1("py_ord", Kind::Int) }
            "chr" => { allowed(&[])?; call1("py_chr", Kind::Str) }
            "format" => {
                allowed(&[])?;
                match n {
                    1 => Ok(Code::atom(format!("py_str({})", a(0)), Kind::Str)),
                    2 => Ok(Code::atom(format!("py_format({}, {})", a(0), a(1)), Kind::Str)),
                    _ => Err(wrong()),
                }
            }
            "print" => {
                allowed(&["sep", "end", "flush"])?;
                if let Some(e) = kw("end") && e != "\"\\n\"" {
                    return Err(self.err(c, "`print(..., end=...)`", "centella prints whole lines: build the line first, then print it"));
                }
                let sep = kw("sep").unwrap_or_else(|| "\" \"".into());
                Ok(Code::atom(
                    match n {
                        0 => "print(\"\")".to_string(),
                        1 if pos[0].kind == Kind::Str => format!("print({})", a(0)),
                        1 => format!("print(py_str({}))", a(0)),
                        _ => format!("print(py_print_line([{}], {sep}))", texts(&pos)),
                    },
                    Kind::Unknown,
                ))
            }
            "set" | "frozenset" => Err(self.err(
                c,
                "a set",
                "centella's records have no set type: use a list (with `x not in l` before appending) or a dict's keys",
            )),
            "open" | "input" => Err(self.err(
                c,
                format!("`{id}()`"),
                "read data with the stream sources (ssc.textFileStream, ssc.socketTextStream, sc.textFile)",
            )),
            "iter" | "next" => Err(self.err(c, format!("`{id}()`"), "loop with `for`, or index the list")),
            "type" | "id" | "hash" | "getattr" | "setattr" | "hasattr" | "eval" | "exec" | "globals" | "locals" | "vars" | "super" | "object" => Err(self.err(
                c,
                format!("`{id}()`"),
                "it has no translation to centella's Rhai",
            )),
            "SparkContext" => Ok(Code::atom("sc", Kind::Unknown)),
            _ => Err(self.err(
                c,
                format!("a call of `{id}`, which the program never defines"),
                "define the function with `def` before calling it",
            )),
        }
    }
}

fn texts(c: &[Code]) -> String {
    c.iter()
        .map(|c| c.text.clone())
        .collect::<Vec<_>>()
        .join(", ")
}
