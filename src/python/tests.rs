//! The shell hook's contract and translations of single constructs.

use super::{read_as_python, translate_entry, translate_program};

fn entry(e: &str) -> String {
    read_as_python(e, &[], &[]).unwrap_or_else(|| panic!("{e:?} should read as Python"))
}

#[test]
fn shell_entries_that_read_as_python() {
    assert_eq!(
        entry("visits = ssc.queueStream([[('Web', 1)]])"),
        r#"let visits = ssc.queueStream([[["Web", 1]]]);"#
    );
    assert_eq!(
        entry("visits.map(lambda w: (w, 1)).reduceByKey(lambda a, b: a + b).pprint()"),
        "visits.map(|w| [w, 1]).reduceByKey(|a, b| py_add(a, b)).pprint();"
    );
    assert_eq!(
        entry("def f(a):\n    return a * 2\n"),
        "fn f(a) {\n    return py_mul(a, 2);\n}"
    );
    assert_eq!(entry("x = None"), "let x = ();");
    assert_eq!(entry("'Web'"), r#""Web";"#);
    assert_eq!(
        entry("ssc = StreamingContext(sc, 1)"),
        "let ssc = StreamingContext(sc, 1);"
    );
    assert_eq!(
        entry("tags = lines.flatMap(lambda l: l.split()).map(lambda h: (h.replace('#', ''), 1))"),
        r##"let tags = lines.flatMap(|l| py_split(l)).map(|h| [py_replace(h, "#", ""), 1]);"##
    );
}

#[test]
fn earlier_shell_functions_are_known() {
    assert_eq!(
        read_as_python("s.map(double)", &["double".to_string()], &[]).as_deref(),
        Some(r#"s.map(Fn("double"));"#)
    );
}

#[test]
fn rhai_and_nonsense_do_not_read_as_python() {
    for e in [
        "let x = 1;",
        "x.map(|a| a)",
        "fn f(a) { a }",
        "",
        "   ",
        "if x { 1 }",
    ] {
        assert_eq!(read_as_python(e, &[], &[]), None, "{e:?}");
    }
    // Python that cannot be translated is not offered either.
    assert_eq!(read_as_python("class A:\n    pass\n", &[], &[]), None);
}

#[test]
fn entry_errors_name_the_construct() {
    let e = translate_entry("x = {1, 2}").expect_err("a set");
    assert_eq!((e.line, e.col), (1, 5));
    assert!(e.to_string().contains("cannot translate a set"), "{e}");
}

#[test]
fn variables_first_set_in_a_branch_live_in_the_whole_function() {
    let rhai = translate_program(
        "t.py",
        "def f(x):\n    if x:\n        y = 1\n    else:\n        y = 2\n    return y\n",
    )
    .expect("translates");
    assert!(rhai.contains("let y = ();"), "{rhai}");
    assert!(
        !rhai.contains("ssc.start"),
        "plain Python starts no context:\n{rhai}"
    );
}

#[test]
fn functions_cannot_read_program_variables_that_are_not_constants() {
    let e = translate_program("t.py", "import random\n").expect_err("random is not translated");
    assert!(
        e.to_string()
            .starts_with("t.py:1:1: cannot translate `import random`"),
        "{e}"
    );
    let e = translate_program(
        "t.py",
        "data = list(range(3))\n\ndef f(x):\n    return x in data\n\nprint(f(1))\n",
    )
    .expect_err("data is computed");
    assert_eq!((e.line, e.col), (4, 17), "{e}");
    // A literal constant is inlined.
    let ok = translate_program("t.py", "LIMIT = 3\n\ndef f(x):\n    return x > LIMIT\n")
        .expect("translates");
    assert!(ok.contains("return x > 3;"), "{ok}");
}

#[test]
fn rhai_script_lines_get_the_python_reading_as_a_suggestion() {
    assert_eq!(
        super::rhai_suggestion("  let p = s.map(lambda w: (w, 1))").as_deref(),
        None,
        "`let` makes it neither Rhai nor Python"
    );
    assert_eq!(
        super::rhai_suggestion("p = s.map(lambda w: (w, 1))").as_deref(),
        Some("this line reads as Python; in Rhai: let p = s.map(|w| [w, 1]);")
    );
}

#[test]
fn scalar_constants_are_inlined_into_lambdas() {
    let rhai = translate_program(
        "t.py",
        "from pyspark import SparkContext\nLIMIT = 3\nsc = SparkContext()\nsc.parallelize([1]).filter(lambda x: x > LIMIT)\n",
    )
    .expect("translates");
    assert!(rhai.contains("filter(|x| x > 3)"), "{rhai}");
}

#[test]
fn slide_text_with_prompts_reads_as_python() {
    let slide =
        ">>> dateVistis = ssc.queueStream([\n[(20190101, 'Web', 1)],\n[(20190102, 'Store', 2)]])";
    assert_eq!(
        read_as_python(slide, &[], &[]).as_deref(),
        Some(
            r#"let dateVistis = ssc.queueStream([[[20190101, "Web", 1]], [[20190102, "Store", 2]]]);"#
        )
    );
    assert_eq!(
        read_as_python(">>> rdd.foreach(print)", &[], &[]).as_deref(),
        Some("rdd.foreach(|x| print(py_str(x)));")
    );
}

#[test]
fn shell_variables_are_kept_and_branch_variables_declared() {
    let total = "for w in ws:\n    total = total + len(w)\n";
    assert_eq!(
        read_as_python(total, &[], &["total".to_string()]).as_deref(),
        Some("for w in py_iter(ws) {\n    total = total + py_len(w);\n}")
    );
    let branch = "if x > 2:\n    y = 1\nelse:\n    y = 2\n";
    assert_eq!(
        read_as_python(branch, &[], &[]).as_deref(),
        Some("let y = ();\nif x > 2 {\n    y = 1;\n} else {\n    y = 2;\n}")
    );
    assert_eq!(
        read_as_python(
            ">>> s = KafkaUtils.createDirectStream(ssc, ['t'], {'metadata.broker.list': b})",
            &[],
            &[]
        )
        .as_deref(),
        Some(
            r#"let s = KafkaUtils::createDirectStream(ssc, py_list(["t"]), #{"metadata.broker.list": b});"#
        )
    );
}

#[test]
fn hostile_nesting_is_an_error_not_a_crash() {
    let brackets = format!("x = {}1{}", "[".repeat(50_000), "]".repeat(50_000));
    let e = translate_program("t.py", &brackets).expect_err("too deep");
    assert!(
        e.to_string().contains("brackets nested more than 200 deep"),
        "{e}"
    );
    let chain = format!("x = {}", vec!["1"; 300_000].join("+"));
    let e = translate_program("t.py", &chain).expect_err("too deep");
    assert!(
        e.to_string().contains("nested more than 100 levels deep"),
        "{e}"
    );
    assert_eq!(read_as_python(&chain, &[], &[]), None);
}

#[test]
fn defaults_may_name_earlier_constants() {
    let rhai = translate_program(
        "t.py",
        "LIMIT = 3\n\ndef over(x, limit=LIMIT):\n    return x > limit\n\nprint(over(5))\n",
    )
    .expect("translates");
    assert!(rhai.contains("print(py_str(over(5, 3)))"), "{rhai}");
}
