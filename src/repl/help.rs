//! `:help METHOD`: PySpark's signature, the semantics in two lines and an example, for every
//! method the script layer registers, from the API table (`export/api_table`, checked against
//! the registrations both ways); and the language topics (`:help syntax`, `:help rhai`).

use crate::export::api_table::{self, ApiMethod};

/// Every method with help, in the table's order.
pub fn methods() -> impl Iterator<Item = &'static ApiMethod> {
    api_table::methods()
}

/// The entries named `name`, for `receiver` when given.
pub fn lookup(receiver: Option<&str>, name: &str) -> Vec<&'static ApiMethod> {
    methods()
        .filter(|m| m.name == name && receiver.is_none_or(|r| r == m.receiver))
        .collect()
}

/// The full text of `:help METHOD` for one entry.
pub fn describe(m: &ApiMethod) -> String {
    let mut out = format!("{}.{}{}\n", m.receiver, m.name, m.params);
    for line in m.summary.lines() {
        out.push_str("    ");
        out.push_str(line);
        out.push('\n');
    }
    out.push_str("    e.g. ");
    out.push_str(m.example);
    out
}

/// `:help syntax`: PySpark as the slides write it, and the same in Rhai (one screen).
pub const SYNTAX: &str = "\
PySpark (the slides)                 Rhai (centella)
('Web', 1)   ('a',)                  [\"Web\", 1]   [\"a\"]          a tuple is an array
'text'   f\"{w}: {n}\"                 \"text\"   `${w}: ${n}`       'c' is one char
lambda w: (w, 1)                     |w| [w, 1]
def f(a, b):  return a + b           fn f(a, b) { a + b }          the last value is returned
x = 5   (then)  x = x + 1            let x = 5;   x = x + 1;
None   True   False                  ()   true   false             (None, True, False work too)
x is None   x is not None            x == ()   x != ()
a and b   a or b   not a             a && b   a || b   !a
if c: ... elif d: ... else: ...      if c { ... } else if d { ... } else { ... }
for x in xs:  enumerate(xs)          for x in xs { ... }   for (x, i) in xs { ... }
[f(x) for x in xs if p(x)]           xs.filter(|x| p(x)).map(|x| f(x))
len(xs) max(xs) sum(xs) sorted(xs)   the same (also min; xs.len(), xs.max(), ...)
s.startswith(\"#\")  s.endswith(\"!\")   s.starts_with(\"#\")  s.ends_with(\"!\")
s.lower()  s.upper()  s.strip()      s.to_lower()  s.to_upper()  s.trim()
s.replace(\"#\", \"\")  s.split(\",\")     the same; s.split() too; x in s, x in xs
\", \".join(xs)   str(n)   int(s)      xs.reduce(|a, b| a + \", \" + b)   n.to_string()   parse_int(s)
7 / 2   7 // 2   -7 // 2   -7 % 2    7.0 / 2   7 / 2   -7 / 2 is -3 and -7 % 2 is -1 in Rhai
# a comment                          // a comment   (so 7 // 2 is 7 and a comment!)
operator.add                         |a, b| a + b
rdd.collect()  ds.pprint()           the same names, with () on every call
The shell runs a Python line as the Rhai it means, shown first (:python off to stop).
";

/// `:help rhai`: the Rhai a student needs for centella's examples.
pub const LANGUAGE: &str = "\
Rhai, the language of centella's scripts and shell entries:
let x = 5;  x = x + 1;  const N = 3;       variables: let declares, = assigns
fn add(a, b) { a + b }   add(1, 2)        functions: the last expression is the result
let f = |x| x * 2;   f.call(3)            closures, as DStream methods take them: |k, v| { ...; v }
[1, \"a\", [2, 3]]  xs[0]  xs[-1]  xs.len()   arrays (PySpark's tuples and lists):
   push  pop  insert  remove  contains  map  filter  reduce(|a, b| a + b, 0)  sort  reverse
#{word: \"a\", n: 1}   m.word   m[\"n\"]       maps (dicts): keys()  values()  contains(\"k\")  remove(\"k\")
if x > 0 { \"pos\" } else if x < 0 { \"neg\" } else { \"zero\" }     if is an expression
for x in xs { ... }   for i in 0..10 { ... }   while c { ... }   loop { ... break; }
\"text\"   `x = ${x}`   'c'                   strings, interpolation, one char
s.len()  s.split(\" \")  s.contains(\"a\")  s.starts_with(\"#\")  s.sub_string(1, 3)  s.index_of(\"a\")
s.to_upper()  s.to_lower()  n.to_string()  parse_int(s)  parse_float(s)  type_of(x)
In place, returning (): s.replace(a, b)  s.trim()  s.make_upper()  s.make_lower()  s.truncate(n)
   s.pad(n, c)  s.crop(i, n)  s.remove(x)  s.clear()   xs.push(x)  xs.sort()  xs.reverse()  xs.clear()
   As a statement (s.trim();) they change the variable; centella also gives the new string where
   a string method is used as a value: .map(|h| [h.replace(\"#\", \"\"), 1])
() is None;  print(x) prints a value, ds.pprint() prints a stream's batches
:help syntax  PySpark next to Rhai    :help string | array | map  their methods (Tab after `s.`)
";

/// The closing lines of `:help`.
pub const VALUES: &str = "\
Values: pairs are arrays [\"k\", 1], () is None, closures are |x| x + 1.
print(x) prints a value; a stream prints its batches with ds.pprint() (ds.print() is not
available: print is a Rhai keyword). :help rhai for the language, :help syntax for PySpark → Rhai.";

/// `:help fault`: the fault lab.
pub const FAULT: &str = "\
The fault lab: make Spark's fault tolerance happen, and see it.
  centella --master \"local-cluster[2, 1, 1024]\"   2 executors of 1 core (Spark's syntax)
  :fault kill-executor 1          executor 1 is lost while it runs its next task: its cached
                                  partitions go with it; the task is relaunched on another
                                  executor and the lost partitions are recomputed from lineage
  :fault fail-task map 0 2        the task computing `map` on partition 0 fails 2 times;
                                  Spark retries it up to spark.task.maxFailures (4 in a
                                  local cluster; local[N, F] sets F)
  :fault lose-block 0             the next block input stream 0 receives loses the copy on
                                  the receiver's executor: its replica serves it (the
                                  default _2 storage levels), the write-ahead log reads it
                                  back, or the batch fails (MEMORY_ONLY, no log)
  :fault kafka-offline sensors 1  Kafka partition 1 of topic sensors goes offline (its
                                  broker's disk is full): new batches read nothing from it
                                  and its records wait in Kafka (centella's model: Spark's
                                  driver would fail the stream); a task of a batch planned
                                  before polls for spark.streaming.kafka.consumer.poll.ms,
                                  then fails and is retried
  :fault kafka-online sensors 1   it is back: the next batch reads what it kept
  :fault list                     executors (alive or lost), offline Kafka partitions,
                                  planned and done faults
  :fault clear                    forget the planned faults
In a script: ssc.fault(\"kill-executor 1\"), or at a moment: ssc.fault(\"fail-task map 0 2\", 3)
(the 3rd batch) or with a batch Time; sc.fault(...) also works inside foreachRDD. What
happens is printed as Spark logs it (WARN Lost task 1.0 in stage 4.0 (TID 5) (localhost
executor 1): ExecutorLostFailure ...), then the recomputed lineage, from the source to the
lost partition; :status and the web UI show each batch's failed tasks and recomputed
chains. A live sensor cannot be read again: live_sensor(room, metric) reads one inside a
map, naive on purpose, and a recomputation gives other numbers
(examples/fault_naive_sensor.rhai): what Spark's receivers and Kafka avoid.";

/// The text of `:help TOPIC` for the language topics.
pub fn topic(name: &str) -> Option<&'static str> {
    match name.trim() {
        "syntax" | "python" | "pyspark" => Some(SYNTAX),
        "rhai" | "language" | "lang" => Some(LANGUAGE),
        "fault" | "faults" | "fault-lab" => Some(FAULT),
        _ => None,
    }
}

/// Global functions (no receiver) with their help.
pub const GLOBALS: &[(&str, &str, &str)] = &[
    (
        "StreamingContext",
        "(sparkContext, batchDuration)",
        "A new StreamingContext, e.g. let ssc = StreamingContext(sc, 0.5);",
    ),
    (
        "sleep_ms",
        "(ms)",
        "Pauses for ms milliseconds (to show slow batches queueing up).",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::repl::registry::Registry;

    #[test]
    fn every_global_with_help_is_registered() {
        let host = crate::repl::test_host();
        let reg = Registry::from_engine(host.engine());
        for (name, _, _) in GLOBALS {
            assert!(
                reg.globals().iter().any(|g| g == name),
                "{name} is not registered"
            );
        }
    }

    #[test]
    fn language_topics_fit_one_screen() {
        for text in [SYNTAX, LANGUAGE] {
            assert!(text.lines().count() <= 24, "{text}");
            assert!(text.lines().all(|l| l.chars().count() <= 104), "{text}");
        }
        assert_eq!(topic("syntax"), Some(SYNTAX));
        assert_eq!(topic("rhai"), Some(LANGUAGE));
        assert_eq!(topic("map"), None);
    }

    /// Every Rhai line of the tables runs, so the help cannot teach a wrong form.
    #[test]
    fn the_rhai_forms_shown_run() {
        let mut host = crate::repl::test_host();
        for code in [
            "[\"Web\", 1]",
            "`${1}: ${2}`",
            "|w| [w, 1]",
            "fn f(a, b) { a + b }",
            "let x = 5; x = x + 1;",
            "let x = (); x == () && true || !false",
            "let c = true; let d = false; if c { 1 } else if d { 2 } else { 3 }",
            "let xs = [1, 2]; for (x, i) in xs { x; }",
            "let xs = [1, 2]; xs.filter(|x| x > 1).map(|x| x * 2)",
            "let xs = [1, 2]; [len(xs), max(xs), min(xs), sum(xs), sorted(xs), xs.max()]",
            "let s = \"#a!\"; [s.starts_with(\"#\"), s.ends_with(\"!\"), s.to_lower(), s.trim()]",
            "let xs = [\"a\"]; xs.reduce(|a, b| a + \", \" + b)",
            "[7 / 2, 7.0 / 2, parse_int(\"4\"), 4.to_string()]",
            "let m = #{word: \"a\", n: 1}; [m.word, m[\"n\"], m.keys(), m.values()]",
            "let s = \" x \"; s.trim(); s.pad(5, '-'); s.crop(0, 2); s.sub_string(1, 3)",
        ] {
            if let Err(e) = host.eval("help", code) {
                panic!("{code}: {e}");
            }
        }
    }
}
