//! `:help METHOD`: PySpark's signature, the semantics in two lines and an example, for every
//! method the script layer registers. A unit test checks this table against the registrations
//! both ways, so help cannot drift from the API.

/// One method's help entry.
pub struct MethodHelp {
    /// `DStream`, `RDD`, `StreamingContext`, `SparkContext` or `Time`.
    pub receiver: &'static str,
    pub name: &'static str,
    /// PySpark's parameter list, e.g. `(func, [invFunc,] windowDuration[, slideDuration])`.
    pub params: &'static str,
    /// The semantics, in at most two lines.
    pub summary: &'static str,
    pub example: &'static str,
}

const fn h(
    receiver: &'static str,
    name: &'static str,
    params: &'static str,
    summary: &'static str,
    example: &'static str,
) -> MethodHelp {
    MethodHelp {
        receiver,
        name,
        params,
        summary,
        example,
    }
}

const D: &str = "DStream";
const R: &str = "RDD";
const S: &str = "StreamingContext";
const C: &str = "SparkContext";
const T: &str = "Time";

pub const METHODS: &[MethodHelp] = &[
    // DStream: transformations
    h(
        D,
        "map",
        "(f)",
        "A new DStream with f applied to every record of each batch.",
        "lines.map(|l| l.len())",
    ),
    h(
        D,
        "flatMap",
        "(f)",
        "f returns a list per record; the lists are flattened into one DStream.",
        "lines.flatMap(|l| l.split(\" \"))",
    ),
    h(
        D,
        "filter",
        "(f)",
        "Keeps the records for which f returns true.",
        "nums.filter(|x| x % 2 == 0)",
    ),
    h(
        D,
        "mapValues",
        "(f)",
        "On a pair DStream [k, v], applies f to each value and keeps the key.",
        "pairs.mapValues(|v| v * 10)",
    ),
    h(
        D,
        "flatMapValues",
        "(f)",
        "On a pair DStream, f returns a list per value; each item is paired with the key.",
        "pairs.flatMapValues(|v| [v, v + 1])",
    ),
    h(
        D,
        "glom",
        "()",
        "Each partition of each batch becomes one list record.",
        "nums.glom().pprint()",
    ),
    h(
        D,
        "mapPartitions",
        "(f, preservesPartitioning=False)",
        "f receives a partition's records as a list and returns a list.",
        "nums.mapPartitions(|it| [it.len()])",
    ),
    h(
        D,
        "mapPartitionsWithIndex",
        "(f, preservesPartitioning=False)",
        "Like mapPartitions, f receives (index, records) of each partition.",
        "nums.mapPartitionsWithIndex(|i, it| [[i, it.len()]])",
    ),
    h(
        D,
        "reduce",
        "(f)",
        "Each batch is reduced to a single record with the associative function f.",
        "nums.reduce(|a, b| a + b)",
    ),
    h(
        D,
        "count",
        "()",
        "Each batch becomes one record: its number of records.",
        "lines.count().pprint()",
    ),
    h(
        D,
        "countByValue",
        "()",
        "Each batch becomes [value, count] pairs for its distinct records.",
        "words.countByValue()",
    ),
    h(
        D,
        "reduceByKey",
        "(func, numPartitions=None)",
        "Per batch, merges the values of each key with func (a shuffle,\nin PySpark's partition order).",
        "pairs.reduceByKey(|a, b| a + b)",
    ),
    h(
        D,
        "groupByKey",
        "(numPartitions=None)",
        "Per batch, groups the values of each key into a list [k, [v1, v2]].",
        "pairs.groupByKey()",
    ),
    h(
        D,
        "combineByKey",
        "(createCombiner, mergeValue, mergeCombiners, numPartitions=None)",
        "Per batch, the general aggregation by key: create a combiner from a value,\nmerge values into it, merge combiners across partitions.",
        "pairs.combineByKey(|v| [v, 1], |c, v| [c[0] + v, c[1] + 1], |a, b| [a[0] + b[0], a[1] + b[1]])",
    ),
    h(
        D,
        "partitionBy",
        "(numPartitions, partitionFunc=portable_hash)",
        "Redistributes each batch's pairs into numPartitions partitions by key hash.",
        "pairs.partitionBy(4)",
    ),
    h(
        D,
        "repartition",
        "(numPartitions)",
        "Redistributes each batch's records into numPartitions partitions.",
        "lines.repartition(4)",
    ),
    h(
        D,
        "union",
        "(other)",
        "The records of both DStreams, batch by batch (same slide duration).",
        "a.union(b)",
    ),
    h(
        D,
        "cogroup",
        "(other, numPartitions=None)",
        "Per batch, [k, [[values in self], [values in other]]] for every key of either.",
        "a.cogroup(b)",
    ),
    h(
        D,
        "join",
        "(other, numPartitions=None)",
        "Per batch, inner join of two pair DStreams: [k, [v, w]].",
        "clicks.join(views)",
    ),
    h(
        D,
        "leftOuterJoin",
        "(other, numPartitions=None)",
        "Per batch, join keeping every key of self; a missing w is ().",
        "clicks.leftOuterJoin(views)",
    ),
    h(
        D,
        "rightOuterJoin",
        "(other, numPartitions=None)",
        "Per batch, join keeping every key of other; a missing v is ().",
        "clicks.rightOuterJoin(views)",
    ),
    h(
        D,
        "fullOuterJoin",
        "(other, numPartitions=None)",
        "Per batch, join keeping the keys of both; missing sides are ().",
        "clicks.fullOuterJoin(views)",
    ),
    h(
        D,
        "transform",
        "(func)",
        "func(rdd) or func(time, rdd) returns the batch's new RDD: any RDD operation\nper batch.",
        "pairs.transform(|rdd| rdd.sortByKey())",
    ),
    h(
        D,
        "transformWith",
        "(func, other, keepSerializer=False)",
        "func(rdd_a, rdd_b) or func(time, rdd_a, rdd_b) combines two DStreams' RDDs.",
        "a.transformWith(|x, y| x.union(y), b)",
    ),
    // DStream: windows and state
    h(
        D,
        "window",
        "(windowDuration, slideDuration=None)",
        "Every slide, the union of the batches in the last windowDuration seconds.\nBoth durations must be multiples of the batch interval.",
        "lines.window(3, 1)",
    ),
    h(
        D,
        "countByWindow",
        "(windowDuration, slideDuration)",
        "Every slide, the number of records in the window (needs ssc.checkpoint).",
        "lines.countByWindow(3, 1)",
    ),
    h(
        D,
        "countByValueAndWindow",
        "(windowDuration, slideDuration, numPartitions=None)",
        "Every slide, [value, count] over the window (inverse reduce: needs a checkpoint).",
        "words.countByValueAndWindow(3, 1)",
    ),
    h(
        D,
        "reduceByWindow",
        "(reduceFunc, invReduceFunc, windowDuration, slideDuration)",
        "Every slide, the window reduced to one record; with invReduceFunc (not ())\nthe previous window is updated incrementally.",
        "nums.reduceByWindow(|a, b| a + b, (), 3, 1)",
    ),
    h(
        D,
        "reduceByKeyAndWindow",
        "(func, [invFunc,] windowDuration[, slideDuration[, numPartitions[, filterFunc]]])",
        "Every slide, reduceByKey over the window; with invFunc the old batches are\nsubtracted (used when the window is at least 5 slides; needs a checkpoint).",
        "pairs.reduceByKeyAndWindow(|a, b| a + b, 3, 1)",
    ),
    h(
        D,
        "groupByKeyAndWindow",
        "(windowDuration, slideDuration, numPartitions=None)",
        "Every slide, groupByKey over the window: [k, [values]].",
        "pairs.groupByKeyAndWindow(3, 1)",
    ),
    h(
        D,
        "updateStateByKey",
        "(updateFunc, numPartitions=None, initialRDD=None)",
        "Keeps a state per key: updateFunc(newValues, oldState) returns the new state,\n() drops the key. Needs ssc.checkpoint(dir).",
        "pairs.updateStateByKey(|vs, s| vs.reduce(|a, b| a + b, s ?? 0))",
    ),
    h(
        D,
        "slice",
        "(begin, end)",
        "The RDDs this DStream generated between two Times (inclusive).",
        "ds.slice(t0, t1)",
    ),
    // DStream: persistence and outputs
    h(
        D,
        "cache",
        "()",
        "Marks the stream's RDDs as cached (MEMORY_ONLY); returns the same DStream.",
        "counts.cache()",
    ),
    h(
        D,
        "persist",
        "(storageLevel)",
        "Marks the stream's RDDs as persisted; returns the same DStream.",
        "counts.persist(\"MEMORY_ONLY\")",
    ),
    h(
        D,
        "checkpoint",
        "(interval)",
        "Checkpoints the stream's RDDs every interval seconds; returns the DStream.",
        "state.checkpoint(10)",
    ),
    h(
        D,
        "remember",
        "(duration)",
        "Keeps each generated RDD for at least duration seconds (for slice).",
        "ds.remember(60)",
    ),
    h(
        D,
        "pprint",
        "(num=10)",
        "Output: prints each batch's first num records under a Time header\n(Python's print(); `print` is a reserved word in Rhai).",
        "counts.pprint()",
    ),
    h(
        D,
        "foreachRDD",
        "(func)",
        "Output: calls func(rdd) or func(time, rdd) on every batch.",
        "counts.foreachRDD(|t, rdd| print(`${t}: ${rdd.count()}`))",
    ),
    h(
        D,
        "saveAsTextFiles",
        "(prefix, suffix=None)",
        "Output: writes each batch to the directory prefix-TIME_IN_MS[.suffix].",
        "counts.saveAsTextFiles(\"out/counts\")",
    ),
    // RDD
    h(
        R,
        "map",
        "(f, preservesPartitioning=False)",
        "A new RDD with f applied to every record.",
        "rdd.map(|x| x * 2)",
    ),
    h(
        R,
        "flatMap",
        "(f, preservesPartitioning=False)",
        "f returns a list per record; the lists are flattened.",
        "rdd.flatMap(|l| l.split(\" \"))",
    ),
    h(
        R,
        "filter",
        "(f)",
        "Keeps the records for which f returns true.",
        "rdd.filter(|x| x > 1)",
    ),
    h(
        R,
        "mapValues",
        "(f)",
        "On pairs [k, v], applies f to each value and keeps the key.",
        "rdd.mapValues(|v| v + 1)",
    ),
    h(
        R,
        "flatMapValues",
        "(f)",
        "On pairs, f returns a list per value; each item is paired with the key.",
        "rdd.flatMapValues(|v| [v, v])",
    ),
    h(
        R,
        "mapPartitions",
        "(f, preservesPartitioning=False)",
        "f receives a partition's records as a list and returns a list.",
        "rdd.mapPartitions(|it| [it.len()])",
    ),
    h(
        R,
        "mapPartitionsWithIndex",
        "(f, preservesPartitioning=False)",
        "f receives (index, records) of each partition.",
        "rdd.mapPartitionsWithIndex(|i, it| [i])",
    ),
    h(
        R,
        "keyBy",
        "(f)",
        "Pairs every record x as [f(x), x].",
        "rdd.keyBy(|w| w.len())",
    ),
    h(
        R,
        "reduceByKey",
        "(func, numPartitions=None, partitionFunc=portable_hash)",
        "Merges the values of each key with func.",
        "rdd.reduceByKey(|a, b| a + b)",
    ),
    h(
        R,
        "groupByKey",
        "(numPartitions=None, partitionFunc=portable_hash)",
        "Groups the values of each key into a list.",
        "rdd.groupByKey()",
    ),
    h(
        R,
        "combineByKey",
        "(createCombiner, mergeValue, mergeCombiners, numPartitions=None)",
        "The general aggregation by key (see DStream.combineByKey).",
        "rdd.combineByKey(|v| v, |c, v| c + v, |a, b| a + b)",
    ),
    h(
        R,
        "partitionBy",
        "(numPartitions, partitionFunc=portable_hash)",
        "Redistributes pairs into numPartitions partitions by key hash.",
        "rdd.partitionBy(2)",
    ),
    h(
        R,
        "sortByKey",
        "(ascending=True, numPartitions=None, keyfunc=lambda x: x)",
        "Sorts pairs by key.",
        "rdd.sortByKey(false)",
    ),
    h(
        R,
        "sortBy",
        "(keyfunc, ascending=True, numPartitions=None)",
        "Sorts records by keyfunc(record).",
        "rdd.sortBy(|p| p[1], false)",
    ),
    h(
        R,
        "join",
        "(other, numPartitions=None)",
        "Inner join of two pair RDDs: [k, [v, w]].",
        "a.join(b)",
    ),
    h(
        R,
        "leftOuterJoin",
        "(other, numPartitions=None)",
        "Join keeping every key of self; a missing w is ().",
        "a.leftOuterJoin(b)",
    ),
    h(
        R,
        "rightOuterJoin",
        "(other, numPartitions=None)",
        "Join keeping every key of other; a missing v is ().",
        "a.rightOuterJoin(b)",
    ),
    h(
        R,
        "fullOuterJoin",
        "(other, numPartitions=None)",
        "Join keeping the keys of both; missing sides are ().",
        "a.fullOuterJoin(b)",
    ),
    h(
        R,
        "cogroup",
        "(other, numPartitions=None)",
        "[k, [[values in self], [values in other]]] for every key of either.",
        "a.cogroup(b)",
    ),
    h(
        R,
        "union",
        "(other)",
        "The records of both RDDs (partitions concatenated).",
        "a.union(b)",
    ),
    h(
        R,
        "cartesian",
        "(other)",
        "Every pair [a, b] of records from self and other.",
        "a.cartesian(b)",
    ),
    h(
        R,
        "distinct",
        "(numPartitions=None)",
        "The distinct records.",
        "rdd.distinct()",
    ),
    h(R, "keys", "()", "The keys of a pair RDD.", "rdd.keys()"),
    h(
        R,
        "values",
        "()",
        "The values of a pair RDD.",
        "rdd.values()",
    ),
    h(
        R,
        "glom",
        "()",
        "Each partition becomes one list record.",
        "rdd.glom().collect()",
    ),
    h(
        R,
        "offsetRanges",
        "()",
        "A Kafka direct stream's batch: its OffsetRange per partition (topic, partition,\nfromOffset, untilOffset). Only in the first transform/foreachRDD on the stream.",
        "kafka.foreachRDD(|rdd| { for r in rdd.offsetRanges() { print(r) } })",
    ),
    h(
        R,
        "repartition",
        "(numPartitions)",
        "Redistributes the records into numPartitions partitions.",
        "rdd.repartition(4)",
    ),
    h(
        R,
        "coalesce",
        "(numPartitions, shuffle=False)",
        "Fewer partitions, merging neighbours without a shuffle.",
        "rdd.coalesce(1)",
    ),
    h(
        R,
        "zipWithIndex",
        "()",
        "Pairs every record with its index: [x, i].",
        "rdd.zipWithIndex()",
    ),
    h(
        R,
        "cache",
        "()",
        "Marks the RDD as cached; returns it.",
        "rdd.cache()",
    ),
    h(
        R,
        "persist",
        "(storageLevel)",
        "Marks the RDD as persisted; returns it.",
        "rdd.persist(\"MEMORY_ONLY\")",
    ),
    // RDD actions
    h(
        R,
        "count",
        "()",
        "Action: the number of records.",
        "rdd.count()",
    ),
    h(
        R,
        "collect",
        "()",
        "Action: all records, as a list.",
        "sc.parallelize([1, 2]).collect()",
    ),
    h(
        R,
        "take",
        "(num)",
        "Action: the first num records.",
        "rdd.take(3)",
    ),
    h(
        R,
        "first",
        "()",
        "Action: the first record (an error when the RDD is empty).",
        "rdd.first()",
    ),
    h(
        R,
        "top",
        "(num, key=None)",
        "Action: the num largest records, largest first.",
        "rdd.top(3)",
    ),
    h(
        R,
        "takeOrdered",
        "(num, key=None)",
        "Action: the num smallest records, smallest first (or by key).",
        "rdd.takeOrdered(3, |x| -x)",
    ),
    h(
        R,
        "reduce",
        "(f)",
        "Action: the records reduced with the associative function f.",
        "rdd.reduce(|a, b| a + b)",
    ),
    h(
        R,
        "fold",
        "(zeroValue, op)",
        "Action: like reduce, starting each partition from zeroValue.",
        "rdd.fold(0, |a, b| a + b)",
    ),
    h(
        R,
        "countByKey",
        "()",
        "Action: a map from each key (as printed) to its number of records.",
        "rdd.countByKey()",
    ),
    h(
        R,
        "countByValue",
        "()",
        "Action: a map from each record (as printed) to its count.",
        "rdd.countByValue()",
    ),
    h(
        R,
        "isEmpty",
        "()",
        "Action: true when the RDD has no records.",
        "rdd.isEmpty()",
    ),
    h(
        R,
        "getNumPartitions",
        "()",
        "The number of partitions.",
        "rdd.getNumPartitions()",
    ),
    h(
        R,
        "foreach",
        "(f)",
        "Action: calls f on every record (for side effects).",
        "rdd.foreach(|x| print(x))",
    ),
    h(
        R,
        "saveAsTextFile",
        "(path)",
        "Action: writes one part-NNNNN file per partition under the directory path.",
        "rdd.saveAsTextFile(\"out\")",
    ),
    // StreamingContext
    h(
        S,
        "queueStream",
        "(rdds, oneAtATime=True, default=None)",
        "An input DStream that takes one item (a list or an RDD) from the queue per batch;\ndefault is used once the queue is empty.",
        "ssc.queueStream([[\"a b\"], [\"c\"]])",
    ),
    h(
        S,
        "socketTextStream",
        "(hostname, port, storageLevel=MEMORY_AND_DISK_2)",
        "An input DStream of the text lines a TCP server sends (e.g. `nc -lk 9999`);\neach batch holds the lines received during its interval.",
        "ssc.socketTextStream(\"localhost\", 9999)",
    ),
    h(
        S,
        "textFileStream",
        "(directory)",
        "The lines of files that newly appear in directory, each read once (not . or _ names).\nMove files in atomically (`mv draft.txt incoming/`), as Spark requires.",
        "ssc.textFileStream(\"incoming\")",
    ),
    h(
        S,
        "union",
        "(*dstreams)",
        "The union of a list of DStreams with the same slide duration.",
        "ssc.union([a, b])",
    ),
    h(
        S,
        "transform",
        "(dstreams, transformFunc)",
        "transformFunc(rdds) or (time, rdds) combines the RDDs of several DStreams.",
        "ssc.transform([a, b], |rdds| rdds[0].union(rdds[1]))",
    ),
    h(
        S,
        "checkpoint",
        "(directory)",
        "Sets the checkpoint directory (needed by updateStateByKey and inverse windows).",
        "ssc.checkpoint(\"checkpoint\")",
    ),
    h(
        S,
        "remember",
        "(duration)",
        "Every DStream keeps its RDDs for at least duration seconds.",
        "ssc.remember(60)",
    ),
    h(
        S,
        "start",
        "()",
        "Starts the streams: batches run in the background, every batch interval.\nNo DStream can be added afterwards.",
        "ssc.start()",
    ),
    h(
        S,
        "stop",
        "(stopSparkContext=True, stopGraceFully=False)",
        "Stops the streams; gracefully = after the batches already received.\nA stopped context cannot be restarted: make a new one (or :reset).",
        "ssc.stop(false, true)",
    ),
    h(
        S,
        "awaitTermination",
        "(timeout=None)",
        "Waits until the context stops (or a batch fails: raises its error).\nCtrl-C gives up waiting; the streams keep running.",
        "ssc.awaitTermination()",
    ),
    h(
        S,
        "awaitTerminationOrTimeout",
        "(timeout)",
        "Waits at most timeout seconds; true if the context stopped.",
        "ssc.awaitTerminationOrTimeout(3)",
    ),
    h(
        S,
        "getState",
        "()",
        "The state: INITIALIZED, ACTIVE or STOPPED.",
        "ssc.getState()",
    ),
    h(
        S,
        "addStreamingListener",
        "(#{ onBatchCompleted: |info| ..., onReceiverError: |info| ... })",
        "Calls the closures on Spark's StreamingListener events (onBatchCompleted, onReceiverStarted, onReceiverError, onReceiverStopped) with BatchInfo / ReceiverInfo maps.",
        "ssc.addStreamingListener(#{ onBatchCompleted: |i| print(i.processingDelay) })",
    ),
    h(
        S,
        "statistics",
        "(n=all)",
        "centella only: the last n BatchInfos (up to 1000) as maps with Spark's field names, oldest first; delays in ms.",
        "ssc.statistics(5)",
    ),
    h(
        S,
        "tick",
        "(n=1)",
        "centella only, --clock manual: runs the next n batches now.",
        "ssc.tick(3)",
    ),
    h(
        S,
        "sparkContext",
        "",
        "Property: the SparkContext this context uses.",
        "ssc.sparkContext",
    ),
    // SparkContext
    h(
        C,
        "parallelize",
        "(c, numSlices=None)",
        "An RDD from a list, split into numSlices partitions (default parallelism).",
        "sc.parallelize([1, 2, 3], 2)",
    ),
    h(
        C,
        "textFile",
        "(name, minPartitions=None)",
        "An RDD of the lines of a text file.",
        "sc.textFile(\"data/visits.txt\")",
    ),
    h(
        C,
        "emptyRDD",
        "()",
        "An RDD without records.",
        "sc.emptyRDD()",
    ),
    h(
        C,
        "union",
        "(rdds)",
        "The union of a list of RDDs.",
        "sc.union([a, b])",
    ),
    h(
        C,
        "defaultParallelism",
        "",
        "Property: the default number of partitions (N in local[N]).",
        "sc.defaultParallelism",
    ),
    h(
        C,
        "master",
        "",
        "Property: the master URL, e.g. local[2].",
        "sc.master",
    ),
    // Time
    h(
        T,
        "milliseconds",
        "()",
        "The batch time in milliseconds since the epoch.",
        "t.milliseconds()",
    ),
    h(
        T,
        "ms",
        "",
        "Property: the batch time in milliseconds since the epoch.",
        "t.ms",
    ),
];

/// The entries named `name`, for `receiver` when given.
pub fn lookup(receiver: Option<&str>, name: &str) -> Vec<&'static MethodHelp> {
    METHODS
        .iter()
        .filter(|m| m.name == name && receiver.is_none_or(|r| r == m.receiver))
        .collect()
}

/// The full text of `:help METHOD` for one entry.
pub fn describe(m: &MethodHelp) -> String {
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

/// The text of `:help TOPIC` for the language topics.
pub fn topic(name: &str) -> Option<&'static str> {
    match name.trim() {
        "syntax" | "python" | "pyspark" => Some(SYNTAX),
        "rhai" | "language" | "lang" => Some(LANGUAGE),
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

    fn registry() -> Registry {
        let host = crate::repl::test_host();
        Registry::from_engine(host.engine())
    }

    #[test]
    fn every_registered_method_has_help() {
        let reg = registry();
        let mut missing = Vec::new();
        for ty in ["DStream", "RDD", "StreamingContext", "SparkContext", "Time"] {
            for m in reg.methods(ty) {
                if lookup(Some(ty), &m.name).is_empty() {
                    missing.push(format!("{ty}.{}", m.name));
                }
            }
        }
        assert!(missing.is_empty(), "no :help entry for {missing:?}");
    }

    #[test]
    fn every_help_entry_is_registered() {
        let reg = registry();
        let stale: Vec<String> = METHODS
            .iter()
            .filter(|m| !reg.methods(m.receiver).iter().any(|r| r.name == m.name))
            .map(|m| format!("{}.{}", m.receiver, m.name))
            .collect();
        assert!(
            stale.is_empty(),
            "help for methods that are not registered: {stale:?}"
        );
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

    #[test]
    fn summaries_are_at_most_two_lines() {
        for m in METHODS {
            assert!(m.summary.lines().count() <= 2, "{}.{}", m.receiver, m.name);
        }
    }
}
