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

/// The shape of `src`, for the shortcuts the engine takes with it.
fn shape_of(e: &Engine, src: &str) -> (AST, FnPtr, super::FastShape) {
    let (ast, fp) = closure(e, src);
    let shape = recognise(std::slice::from_ref(ast.shared_lib()), &fp)
        .unwrap_or_else(|| panic!("{src} is not recognised"));
    (ast, fp, shape)
}

#[test]
fn a_pair_without_its_array_is_the_array_s_items() {
    // Where the array shape answers, run_pair gives its two items; where it does not,
    // run_pair does not either, and leaves the argument as it was (Rhai gets it next).
    let e = engine();
    let mut values = scalars();
    values.push(arr(vec![s("k"), i(2)]));
    for src in [
        "|w| [w, 1]",
        "|w| [w, w]",
        "|x| [x + 1, x]",
        "|r| [r[1], r[0]]",
        "|w| [w.len(), \"n\"]",
    ] {
        let (_, _, shape) = shape_of(&e, src);
        let mut answered = 0;
        for v in &values {
            let whole = shape.run(&mut [v.clone()], &mut Scratch::default());
            let mut arg = v.clone();
            let pair = shape.run_pair(&mut arg, &mut Scratch::default());
            match (whole, pair) {
                (Some(w), Some((k, x))) => {
                    let items = w.into_array().expect("an array");
                    assert_eq!(items.len(), 2, "{src}");
                    assert_eq!(show(&items[0]), show(&k), "{src} on {v:?}");
                    assert_eq!(show(&items[1]), show(&x), "{src} on {v:?}");
                    answered += 1;
                }
                (None, None) => assert_eq!(show(&arg), show(v), "{src}: argument kept"),
                (w, p) => panic!("{src} on {v:?}: run {w:?}, run_pair {p:?}"),
            }
        }
        assert!(answered >= 2, "{src}: {answered}");
    }
    // Not a one-argument pair: no pair.
    for src in ["|w| [w, 1, 2]", "|w| [w]", "|a, b| [a, b]", "|w| w"] {
        let (_, _, shape) = shape_of(&e, src);
        assert!(
            shape.run_pair(&mut i(1), &mut Scratch::default()).is_none(),
            "{src}"
        );
    }
}

#[test]
fn only_the_argument_paired_with_a_constant_is_a_const_pair() {
    let e = engine();
    let konst = |src: &str| shape_of(&e, src).2.const_pair().map(show);
    assert_eq!(konst("|w| [w, 1]"), Some(show(&i(1))));
    assert_eq!(konst("|w| [w, \"one\"]"), Some(show(&s("one"))));
    assert_eq!(konst("|w| [w, ()]"), Some(show(&Record::UNIT)));
    for src in [
        "|w| [1, w]",
        "|w| [w, w]",
        "|w| [w, 1, 2]",
        "|a, b| [a, 1]",
        "|w| [w + 1, 1]",
    ] {
        assert_eq!(konst(src), None, "{src}");
    }
    // And what it promises: every call is [x, c], for any x.
    let (ast, fp, shape) = shape_of(&e, "|w| [w, 1]");
    for v in scalars() {
        let slow = fp.call::<Dynamic>(&e, &ast, vec![v.clone()]).expect("Rhai");
        let c = shape.const_pair().expect("const").clone();
        assert_eq!(show(&slow), show(&arr(vec![v, c])));
    }
}

#[test]
fn split_parts_are_the_split_s_strings() {
    let e = engine();
    let lines = [
        s("a b a"),
        s(""),
        s("nospace"),
        s(" lead  double trail "),
        s("é ü é"),
        i(3),
        Record::from('x'),
        Record::UNIT,
    ];
    for src in [
        "|l| l.split(\" \")",
        "|l| l.split(' ')",
        "|l| l.split(\"\")",
        "|l| l.split(\"  \")",
        "|l| l.split(\"é\")",
        "|l| py_split(l, \" \")",
        "|l| py_split(l, \"  \")",
    ] {
        let (ast, fp, shape) = shape_of(&e, src);
        let mut answered = 0;
        for l in &lines {
            let mut texts = Vec::new();
            let parts = shape.str_parts::<()>(l, &mut |w| {
                texts.push(w.to_string());
                Ok(())
            });
            let slow = fp.call::<Dynamic>(&e, &ast, vec![l.clone()]);
            match (parts, slow) {
                (Some(Ok(())), Ok(list)) => {
                    let want: Vec<String> = list
                        .into_array()
                        .expect("an array")
                        .into_iter()
                        .map(|w| w.into_string().expect("a string"))
                        .collect();
                    assert_eq!(texts, want, "{src} on {l:?}");
                    answered += 1;
                }
                (None, _) => assert!(texts.is_empty(), "{src}: nothing handed out"),
                (p, r) => panic!("{src} on {l:?}: parts {p:?}, Rhai {r:?}"),
            }
        }
        assert!(answered >= 5, "{src}: {answered}");
    }
    // `each`'s error stops the parts and is returned.
    let (_, _, shape) = shape_of(&e, "|l| l.split(\" \")");
    let mut seen = 0;
    let r = shape.str_parts(&s("a b c"), &mut |_| {
        seen += 1;
        if seen == 2 { Err("stop") } else { Ok(()) }
    });
    assert_eq!((r, seen), (Some(Err("stop")), 2));
    for src in ["|l| l.len()", "|l| [l, l]", "|a, b| a.split(\" \")"] {
        let (_, _, shape) = shape_of(&e, src);
        assert!(
            shape.str_parts::<()>(&s("a b"), &mut |_| Ok(())).is_none(),
            "{src}"
        );
    }
}

#[test]
fn an_int_operation_is_the_shape_s_own_on_ints() {
    let e = engine();
    let ints = [0, 1, -1, 7, -7, 3, i64::MAX, i64::MIN];
    for op in ["+", "-", "*", "/", "%"] {
        let src = format!("|a, b| a {op} b");
        let (_, _, shape) = shape_of(&e, &src);
        let f = shape.int_op().unwrap_or_else(|| panic!("{src}"));
        for x in ints {
            for y in ints {
                let fast = shape.run(&mut [i(x), i(y)], &mut Scratch::default());
                assert_eq!(
                    f(x, y).map(|z| show(&i(z))),
                    fast.as_ref().map(show),
                    "{src} on {x}, {y}"
                );
            }
        }
    }
    assert!(shape_of(&e, "|a, b| py_add(a, b)").2.int_op().is_some());
    for src in [
        "|a, b| b - a",
        "|a, b| a + 1",
        "|a| a + a",
        "|a, b| a < b",
        "|a, b| a",
    ] {
        assert!(shape_of(&e, src).2.int_op().is_none(), "{src}");
    }
}

/// `code` in a fresh session: its value as text, or its error.
fn eval_in_session(code: &str) -> Result<String, String> {
    use crate::engine::clock::{ClockKind, RunConfig};
    let config = RunConfig {
        clock: ClockKind::Manual,
        start_time: crate::engine::time::Time(0),
        max_batches: None,
        notation: crate::engine::dstream::output::Notation::Python,
        sink: std::sync::Arc::new(crate::engine::sink::MemorySink::default()),
        session: Default::default(),
    };
    let mut host = crate::script::ScriptHost::new(config, 2).expect("host");
    host.eval("wc.rhai", code)
        .map(|v| format!("{v:?}"))
        .map_err(|e| e.to_string())
}

#[test]
fn a_word_count_gives_the_same_with_and_without_the_fast_path() {
    // Each closure as a shape the fast path knows (so the engine takes its shortcuts: words
    // looked up as text, pairs without arrays, ints added natively) and, with ` ?? 0` after
    // it, as a body it does not know (Rhai, the engine's plain path), at the same columns so
    // that errors read the same.
    let flat = r#"|l| l.split(" ")"#;
    let pairs = [
        "|w| [w, 1]",
        "|w| [w, \"x\"]",
        "|w| [w.len(), w]",
        "|w| [w, 4611686018427387904]",
    ];
    let add = "|a, b| a + b";
    let data = [
        r#"["b a b", "", "zz a  q", "a zz c b", "q", "é b é", "a"]"#,
        // Not a string: the split is Rhai's, and fails.
        r#"["b a b", 7, "q"]"#,
    ];
    let mut failures = 0;
    for lines in data {
        for n in [1, 3] {
            for pair in pairs {
                let run = |tail: &str| {
                    eval_in_session(&format!(
                        "let f = {flat}{tail};\nlet g = {pair}{tail};\nlet h = {add}{tail};\n\
                         sc.parallelize({lines}, 3).flatMap(f).map(g).reduceByKey(h, {n}).collect()"
                    ))
                };
                let fast = run("");
                assert_eq!(fast, run(" ?? 0"), "{pair} over {lines} into {n}");
                failures += usize::from(fast.is_err());
            }
        }
    }
    // The int line, twice per pair; the overflow, in both data sets, twice.
    assert_eq!(failures, 2 * pairs.len() + 2, "the failures tested");
}
