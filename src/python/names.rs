//! Python names as Rhai names, and the kinds of values the translator can tell apart
//! statically (to keep Rhai's own operators where they mean the same as Python's).

/// Rhai keywords and reserved words a Python program may use as names.
const RHAI_RESERVED: &[&str] = &[
    "let",
    "const",
    "fn",
    "this",
    "Fn",
    "call",
    "curry",
    "type_of",
    "print",
    "debug",
    "eval",
    "switch",
    "do",
    "loop",
    "until",
    "private",
    "import",
    "export",
    "as",
    "global",
    "var",
    "static",
    "shared",
    "sync",
    "async",
    "await",
    "yield",
    "with",
    "spawn",
    "thread",
    "go",
    "goto",
    "exit",
    "match",
    "case",
    "public",
    "protected",
    "new",
    "use",
    "module",
    "package",
    "super",
    "catch",
    "throw",
    "try",
    "true",
    "false",
    "is",
    "in",
    "default",
    "void",
    "null",
    "nil",
    "function",
    "is_shared",
    "is_def_var",
    "is_def_fn",
    "sleep_ms",
];

/// A Python identifier as a Rhai one: reserved words get a trailing underscore.
pub fn rhai_name(name: &str) -> String {
    if name == "_" {
        // Rhai reserves `_`; Python uses it for "ignored".
        return "py_ignored".to_string();
    }
    if RHAI_RESERVED.contains(&name) {
        format!("{name}_")
    } else {
        name.to_string()
    }
}

/// What the translator knows about a value's type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Bool,
    Int,
    Float,
    Str,
    List,
    Tuple,
    Dict,
    Unknown,
}

impl Kind {
    /// A number or a string: Rhai's `+`, `==` and friends mean what Python's do.
    pub fn is_scalar(self) -> bool {
        matches!(self, Kind::Int | Kind::Float | Kind::Str | Kind::Bool)
    }

    pub fn is_number(self) -> bool {
        matches!(self, Kind::Int | Kind::Float)
    }

    /// Arrays Rhai can iterate as they are.
    pub fn is_sequence(self) -> bool {
        matches!(self, Kind::List | Kind::Tuple)
    }
}

/// A translated expression.
#[derive(Clone, Debug)]
pub struct Code {
    pub text: String,
    pub kind: Kind,
    /// Needs no parentheses as an operand (a name, literal, call, index, bracketed form).
    pub atomic: bool,
}

impl Code {
    pub fn atom(text: impl Into<String>, kind: Kind) -> Code {
        Code {
            text: text.into(),
            kind,
            atomic: true,
        }
    }

    pub fn op(text: impl Into<String>, kind: Kind) -> Code {
        Code {
            text: text.into(),
            kind,
            atomic: false,
        }
    }

    /// The text as an operand of an operator.
    pub fn operand(&self) -> String {
        if self.atomic {
            self.text.clone()
        } else {
            format!("({})", self.text)
        }
    }
}

/// A Rhai string literal with Python's string value.
pub fn rhai_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A Rhai float literal (Rhai wants digits on both sides of the point).
pub fn rhai_float(f: f64) -> Option<String> {
    if !f.is_finite() {
        return None;
    }
    let s = format!("{f:?}");
    Some(match s.find('e') {
        Some(i) if !s[..i].contains('.') => format!("{}.0{}", &s[..i], &s[i..]),
        _ => s,
    })
}
