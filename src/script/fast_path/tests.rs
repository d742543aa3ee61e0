//! Each shape against the interpreter: where the fast path answers, Rhai must give the same
//! value (type, tag, and text); where Rhai fails, the fast path must not answer.

use super::{Scratch, recognise};
use crate::engine::func::Record;
use crate::engine::record::list;
use rhai::{AST, Dynamic, Engine, FnPtr};

fn engine() -> Engine {
    let mut e = Engine::new();
    crate::script::api_python::register(&mut e);
    e
}

fn closure(e: &Engine, src: &str) -> (AST, FnPtr) {
    let ast = e.compile(src).expect("compiles");
    let f: FnPtr = e.eval_ast(&ast).expect("a closure");
    (ast, f)
}

fn show(r: &Record) -> String {
    format!("{} {} {r:?}", r.type_name(), r.tag())
}

/// Runs `src` on each argument list both ways; returns how many calls the fast path answered.
fn check(src: &str, cases: &[Vec<Record>]) -> usize {
    let e = engine();
    let (ast, f) = closure(&e, src);
    let shape = recognise(std::slice::from_ref(ast.shared_lib()), &f)
        .unwrap_or_else(|| panic!("{src} is not recognised"));
    let mut answered = 0;
    for args in cases {
        let mut scratch = Scratch::default();
        let fast = shape.run(&mut args.clone(), &mut scratch);
        let slow = f.call::<Dynamic>(&e, &ast, args.clone());
        match (fast, slow) {
            (Some(a), Ok(b)) => {
                assert_eq!(show(&a), show(&b), "{src} on {args:?}");
                answered += 1;
            }
            (Some(a), Err(err)) => panic!("{src} on {args:?}: fast {a:?}, Rhai fails: {err}"),
            (None, _) => {}
        }
    }
    answered
}

fn i(v: i64) -> Record {
    Record::from(v)
}
fn f(v: f64) -> Record {
    Record::from(v)
}
fn s(v: &str) -> Record {
    Record::from(v.to_string())
}
fn arr(v: Vec<Record>) -> Record {
    Record::from_array(v)
}

fn scalars() -> Vec<Record> {
    vec![
        i(0),
        i(3),
        i(-7),
        i(i64::MAX),
        i(i64::MIN),
        f(0.0),
        f(2.5),
        f(-0.1),
        f(f64::NAN),
        f(0.1 + 0.2),
        f(0.3),
        s(""),
        s("ab"),
        s("b"),
        Record::from('c'),
        Record::from(true),
        Record::from(false),
        Record::UNIT,
        arr(vec![i(1), s("x")]),
        list(vec![i(1)]),
    ]
}

fn pairs_of(values: &[Record]) -> Vec<Vec<Record>> {
    let mut out = Vec::new();
    for a in values {
        for b in values {
            out.push(vec![a.clone(), b.clone()]);
        }
    }
    out
}

fn singles(values: &[Record]) -> Vec<Vec<Record>> {
    values.iter().map(|v| vec![v.clone()]).collect()
}

#[test]
fn binary_operators_agree_with_rhai_on_every_mix_of_types() {
    let cases = pairs_of(&scalars());
    for op in ["+", "-", "*", "/", "%", "<", "<=", ">", ">=", "==", "!="] {
        let answered = check(&format!("|a, b| a {op} b"), &cases);
        assert!(answered > 40, "{op}: only {answered} answered");
    }
    assert!(check("|a, b| py_add(a, b)", &cases) > 40);
    assert!(check("|a, b| a && b", &cases) >= 4);
    assert!(check("|a, b| a || b || a", &cases) >= 4);
    assert!(check("|a| !a", &singles(&scalars())) >= 2);
}

#[test]
fn a_call_with_another_number_of_arguments_is_left_to_rhai() {
    // reduceByKey(|a| a) must fail with Rhai's arity error, not return the first value.
    let e = engine();
    for (src, args) in [
        ("|a| a", vec![i(1), i(2)]),
        ("|a, b| a", vec![i(1)]),
        ("|a, b| [a, 1]", vec![i(1)]),
        ("|w| [w, 1]", vec![i(1), i(2)]),
        ("|a, b| a + b", vec![i(1), i(2), i(3)]),
    ] {
        let (ast, fp) = closure(&e, src);
        let shape = recognise(std::slice::from_ref(ast.shared_lib()), &fp).expect("shape");
        assert!(
            shape
                .run(&mut args.clone(), &mut Scratch::default())
                .is_none(),
            "{src}"
        );
        assert!(fp.call::<Dynamic>(&e, &ast, args).is_err(), "{src}");
    }
}

#[test]
fn overflow_and_zero_divisors_are_left_to_rhai() {
    let e = engine();
    for (src, args) in [
        ("|a, b| a + b", vec![i(i64::MAX), i(1)]),
        ("|a, b| a * b", vec![i(i64::MIN), i(-1)]),
        ("|a, b| a / b", vec![i(1), i(0)]),
        ("|a, b| a % b", vec![i(1), i(0)]),
        ("|a, b| py_add(a, b)", vec![i(i64::MAX), i(1)]),
        ("|a, b| py_add(a, b)", vec![Record::from(true), i(1)]),
    ] {
        let (ast, fp) = closure(&e, src);
        let shape = recognise(std::slice::from_ref(ast.shared_lib()), &fp).expect("shape");
        assert!(
            shape
                .run(&mut args.clone(), &mut Scratch::default())
                .is_none(),
            "{src}"
        );
    }
}

#[test]
fn constants_comparisons_and_tuples() {
    let values = singles(&scalars());
    assert!(check("|x| x > 3", &values) > 5);
    assert!(check("|x| 3.0 <= x", &values) > 5);
    assert!(check("|x| x % 2 == 0 && x > -10", &values) >= 3);
    assert!(check("|w| [w, 1]", &values) == values.len());
    assert!(check("|x| x", &values) == values.len());
    assert!(check("|w| [w, w, \"k\", 2.5, ()]", &values) == values.len());
    assert!(check("|x| [x + 1, x]", &values) >= 3);
    let pairs = pairs_of(&scalars());
    assert!(check("|a, b| [b, a]", &pairs) == pairs.len());
}

#[test]
fn indexing_and_len() {
    let records = singles(&[
        arr(vec![s("a"), i(2)]),
        list(vec![i(1), i(2), i(3)]),
        arr(vec![]),
        arr(vec![arr(vec![i(1)]), f(1.5)]),
        s("hello"),
        i(5),
        Record::UNIT,
    ]);
    assert!(check("|r| r[1]", &records) >= 3);
    assert!(check("|r| r[0]", &records) >= 3);
    assert!(check("|r| r[-1]", &records) >= 3);
    assert!(check("|r| r[-3]", &records) >= 1);
    assert!(check("|r| r[5]", &records) == 0);
    assert!(check("|r| [r[1], r[0]]", &records) >= 3);
    assert!(check("|r| r[1] + 1", &records) >= 1);
    assert!(check("|r| r.len()", &records) >= 4);
    assert!(check("|r| r.len() > 2", &records) >= 4);
}

#[test]
fn splits_agree_with_rhai_and_share_repeated_words() {
    let lines = singles(&[
        s("a b a"),
        s(""),
        s("nospace"),
        s(" lead  double trail "),
        s("é ü é"),
        i(3),
        Record::from('x'),
    ]);
    assert!(check("|l| l.split(\" \")", &lines) >= 5);
    assert!(check("|l| l.split(' ')", &lines) >= 5);
    assert!(check("|l| l.split(\"\")", &lines) >= 3);
    assert!(check("|l| l.split(\"  \")", &lines) >= 5);
    assert!(check("|l| py_split(l, \" \")", &lines) >= 5);

    let e = engine();
    let (ast, fp) = closure(&e, "|l| l.split(\" \")");
    let shape = recognise(std::slice::from_ref(ast.shared_lib()), &fp).expect("shape");
    let mut scratch = Scratch::default();
    let first = shape.run(&mut [s("w x")], &mut scratch).expect("split");
    let second = shape.run(&mut [s("x w")], &mut scratch).expect("split");
    let word = |r: &Record, n: usize| r.clone().into_array().expect("array")[n].clone();
    let (a, b) = (word(&first, 0), word(&second, 1));
    assert_eq!(
        a.into_immutable_string().map(|s| s.as_ptr()),
        b.into_immutable_string().map(|s| s.as_ptr()),
        "a repeated word is the same string"
    );
}

#[test]
fn other_bodies_fall_back() {
    let e = engine();
    for src in [
        "|x| { print(x); x }",
        "|x| { let y = x; y }",
        "|x| x.to_upper()",
        "|x| x[0][1]",
        "|x| x[0].len()",
        "|l| l.split(\" \").len()",
        "|x| foo(x)",
        "|x| x[x]",
        "|x| -x",
        "|x| x ?? 1",
        "|x| `${x}`",
    ] {
        let (ast, fp) = closure(&e, src);
        assert!(
            recognise(std::slice::from_ref(ast.shared_lib()), &fp).is_none(),
            "{src}"
        );
    }
    // A script's own `py_add` or `len` is called instead of the built-in one.
    for src in [
        "fn py_add(a, b) { a - b } |a, b| py_add(a, b)",
        "fn len() { 42 } |x| x.len()",
    ] {
        let (ast, fp) = closure(&e, src);
        assert!(
            recognise(std::slice::from_ref(ast.shared_lib()), &fp).is_none(),
            "{src}"
        );
    }
    // Captured variables are curried: Rhai's.
    let (ast, fp) = closure(&e, "let k = 2; |x| x + k");
    assert!(recognise(std::slice::from_ref(ast.shared_lib()), &fp).is_none());
}
