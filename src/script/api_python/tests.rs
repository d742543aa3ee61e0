//! Python's meaning of the helpers, checked through a Rhai engine with them registered.

use rhai::{Dynamic, Engine};

fn engine() -> Engine {
    let mut e = Engine::new();
    super::register(&mut e);
    e
}

/// Evaluates Rhai `code` and shows the result as Python's repr.
fn py(code: &str) -> String {
    match engine().eval::<Dynamic>(code) {
        Ok(v) => super::ops::repr(&v),
        Err(e) => format!(
            "error: {}",
            e.to_string()
                .trim_start_matches("Runtime error: ")
                .split(" (line")
                .next()
                .unwrap_or("")
        ),
    }
}

#[test]
fn division_and_modulo() {
    assert_eq!(py("py_div(7, 2)"), "3.5");
    assert_eq!(py("py_div(6, 3)"), "2.0");
    assert_eq!(py("py_floordiv(-7, 2)"), "-4");
    assert_eq!(py("py_floordiv(7, -2)"), "-4");
    assert_eq!(py("py_floordiv(7.5, 2)"), "3.0");
    assert_eq!(py("py_mod(-7, 3)"), "2");
    assert_eq!(py("py_mod(7, -3)"), "-2");
    assert_eq!(py("py_mod(-7.5, 2)"), "0.5");
    assert_eq!(
        py("py_div(1, 0)"),
        "error: ZeroDivisionError: division by zero"
    );
    assert_eq!(py("py_pow(2, 10)"), "1024");
    assert_eq!(py("py_pow(2, -1)"), "0.5");
}

#[test]
fn tuples_lists_and_plus() {
    assert_eq!(py("py_add(py_list([1]), py_list([2]))"), "[1, 2]");
    assert_eq!(py("py_add([1], [2])"), "(1, 2)");
    assert_eq!(py("py_add(\"a\", \"b\")"), "'ab'");
    assert_eq!(py("py_mul(\"ab\", 3)"), "'ababab'");
    assert_eq!(py("py_mul(py_list([0]), 3)"), "[0, 0, 0]");
    assert!(py("py_add(\"a\", 1)").starts_with("error: TypeError: can only concatenate str"));
    assert_eq!(
        py("py_tuple(py_map(Fn(\"py_list_of\"), [[1, 2], [3]]))"),
        "([1, 2], [3])"
    );
}

#[test]
fn truthiness_and_none() {
    assert_eq!(
        py("[py_bool(()), py_bool(0), py_bool(0.0), py_bool(\"\"), py_bool([]), py_bool(#{})]"),
        "(False, False, False, False, False, False)"
    );
    assert_eq!(
        py("[py_bool(1), py_bool(\"x\"), py_bool([0])]"),
        "(True, True, True)"
    );
    assert_eq!(py("py_is_none(())"), "True");
}

#[test]
fn builtins_with_key() {
    assert_eq!(py("py_sorted([3, 1, 2], (), false)"), "[1, 2, 3]");
    assert_eq!(
        py("py_sorted([[\"a\", 2], [\"b\", 1]], |t| t[1], false)"),
        "[('b', 1), ('a', 2)]"
    );
    assert_eq!(
        py("py_sorted([[\"a\", 1], [\"b\", 1], [\"c\", 2]], |t| t[1], true)"),
        "[('c', 2), ('a', 1), ('b', 1)]"
    );
    assert_eq!(py("py_max([[\"a\", 2], [\"b\", 5]], |t| t[1])"), "('b', 5)");
    assert_eq!(py("py_min([3, 1, 2])"), "1");
    assert_eq!(
        py("py_max([])"),
        "error: ValueError: max() iterable argument is empty"
    );
    assert_eq!(py("py_sum([1, 2, 3])"), "6");
    assert_eq!(py("py_sum([0.5, 1])"), "1.5");
    assert_eq!(py("[py_any([0, ()]), py_all([1, \"x\"])]"), "(False, True)");
    assert_eq!(py("py_len(\"héllo\")"), "5");
    assert_eq!(py("py_range(5, 0, -2)"), "(5, 3, 1)");
    assert_eq!(py("py_zip([[1, 2, 3], \"ab\"])"), "((1, 'a'), (2, 'b'))");
    assert_eq!(
        py("py_enumerate([\"x\", \"y\"], 1)"),
        "((1, 'x'), (2, 'y'))"
    );
    assert_eq!(py("py_int(\"42\")"), "42");
    assert_eq!(py("py_int(-2.7)"), "-2");
    assert_eq!(py("py_round(2.5)"), "2");
    assert_eq!(py("py_round(3.5)"), "4");
}

#[test]
fn slicing_and_indexing() {
    assert_eq!(
        py("py_slice(py_list([1, 2, 3, 4]), 1, (), ())"),
        "[2, 3, 4]"
    );
    assert_eq!(py("py_slice([1, 2, 3, 4], (), (), -1)"), "(4, 3, 2, 1)");
    assert_eq!(py("py_slice(\"hello\", -3, (), ())"), "'llo'");
    assert_eq!(py("py_slice(\"hello\", (), 10, 2)"), "'hlo'");
    assert_eq!(py("py_getitem(\"abc\", -1)"), "'c'");
    assert_eq!(py("py_getitem(#{a: 1}, \"b\")"), "error: KeyError: 'b'");
    assert_eq!(
        py("py_getitem([1], 3)"),
        "error: IndexError: tuple index out of range"
    );
}

#[test]
fn strings() {
    assert_eq!(py("py_split(\"  a  b \")"), "['a', 'b']");
    assert_eq!(py("py_split(\"a,b,,c\", \",\")"), "['a', 'b', '', 'c']");
    assert_eq!(py("py_split(\"a b c\", (), 1)"), "['a', 'b c']");
    assert_eq!(py("py_strip(\"  x \")"), "'x'");
    assert_eq!(py("py_strip(\"xxhixx\", \"x\")"), "'hi'");
    assert_eq!(py("py_lower(\"AbC\")"), "'abc'");
    assert_eq!(py("py_replace(\"#tag\", \"#\", \"\")"), "'tag'");
    assert_eq!(py("py_startswith(\"#tag\", \"#\")"), "True");
    assert_eq!(py("py_startswith(\"b\", [\"a\", \"b\"])"), "True");
    assert_eq!(py("py_join(\"-\", [\"a\", \"b\"])"), "'a-b'");
    assert_eq!(py("py_in(\"ell\", \"hello\")"), "True");
    assert_eq!(py("py_in(2, py_list([1, 2]))"), "True");
    assert_eq!(py("py_in(\"k\", #{k: 1})"), "True");
}

#[test]
fn formatting() {
    assert_eq!(py("py_format(3.14159, \".2f\")"), "'3.14'");
    assert_eq!(py("py_format(42, \">5\")"), "'   42'");
    assert_eq!(py("py_format(\"ab\", \"^6\")"), "'  ab  '");
    assert_eq!(py("py_format(1234567, \",\")"), "'1,234,567'");
    assert_eq!(py("py_format(0.25, \".1%\")"), "'25.0%'");
    assert_eq!(py("py_format(1500.0, \".2e\")"), "'1.50e+03'");
    assert_eq!(py("py_format(-3, \"05d\")"), "'-0003'");
    assert_eq!(py("py_mod(\"%s=%d\", [\"a\", 3])"), "'a=3'");
    assert_eq!(py("py_mod(\"%.1f%%\", 12.345)"), "'12.3%'");
    assert_eq!(py("py_mod(\"%5s|%-3d|\", [\"ab\", 7])"), "'   ab|7  |'");
    assert_eq!(
        py("py_str_format(\"{} {name} {0!r}\", [\"x\"], #{name: 2})"),
        "\"x 2 'x'\""
    );
    assert_eq!(py("py_str(py_list([\"a\", ()]))"), "\"['a', None]\"");
    assert_eq!(py("py_str(1.0)"), "'1.0'");
}

#[test]
fn list_and_dict_methods() {
    assert_eq!(
        py("let l = py_list([1]); l.push(2); l.py_extend([3, 4]); l"),
        "[1, 2, 3, 4]"
    );
    assert_eq!(
        py("let l = py_list([3, 1, 2]); l.py_sort((), true); l"),
        "[3, 2, 1]"
    );
    assert_eq!(
        py("let l = py_list([1, 2]); let x = l.py_pop(); [x, l]"),
        "(2, [1])"
    );
    assert_eq!(
        py("let d = #{a: 1}; [py_get(d, \"a\"), py_get(d, \"b\", 0), py_get(d, \"b\")]"),
        "(1, 0, None)"
    );
    assert_eq!(py("py_items(#{a: 1})"), "[('a', 1)]");
    assert_eq!(py("let d = #{}; d.py_setitem(\"k\", 2); d"), "{'k': 2}");
    assert!(py("let d = #{}; d.py_setitem(1, 2); d").contains("str keys"));
    assert_eq!(
        py("py_unpack([1, 2, 3], 2)"),
        "error: ValueError: too many values to unpack (expected 2)"
    );
}

#[test]
fn hostile_sizes_are_errors_not_crashes() {
    assert!(py("py_mul(\"ab\", 9223372036854775807)").contains("MemoryError"));
    assert!(py("py_mul(py_list([1]), 4611686018427387904)").contains("MemoryError"));
    assert_eq!(
        py("py_slice([1, 2, 3], (), (), 9223372036854775807)"),
        "(1,)"
    );
    assert_eq!(
        py("py_slice([1, 2, 3], (), (), -9223372036854775807)"),
        "(3,)"
    );
    assert!(py("py_format(1.5, \".99999999999f\")").contains("precision too big"));
    assert_eq!(
        py("py_floordiv(-9223372036854775807 - 1, -1)"),
        "error: OverflowError: integer overflow (centella's integers are 64-bit)"
    );
    assert_eq!(py("py_mod(-9223372036854775807 - 1, -1)"), "0");
}
