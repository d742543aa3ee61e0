//! The parameters of PySpark's API (names and defaults) so keyword arguments become the
//! positional ones centella's Rhai API takes: `pprint(num=5)` is `pprint(5)`,
//! `reduceByKeyAndWindow(f, invFunc=None, windowDuration=3, slideDuration=1)` is
//! `reduceByKeyAndWindow(f, (), 3, 1)`.

/// (method, [(parameter, default as Rhai text)]). Method names are PySpark's; where an RDD and
/// a DStream method share a name, they share these parameters.
/// A parameter and its default (Rhai text), if it has one.
type Param = (&'static str, Option<&'static str>);

const SIGNATURES: &[(&str, &[Param])] = &[
    (
        "queueStream",
        &[
            ("rdds", None),
            ("oneAtATime", Some("true")),
            ("default", Some("()")),
        ],
    ),
    (
        "socketTextStream",
        &[
            ("hostname", None),
            ("port", None),
            ("storageLevel", Some("()")),
        ],
    ),
    ("textFileStream", &[("directory", None)]),
    ("checkpoint", &[("directory", None)]),
    ("remember", &[("duration", None)]),
    ("awaitTermination", &[("timeout", Some("()"))]),
    ("awaitTerminationOrTimeout", &[("timeout", None)]),
    (
        "stop",
        &[
            ("stopSparkContext", Some("true")),
            ("stopGraceFully", Some("false")),
        ],
    ),
    ("parallelize", &[("c", None), ("numSlices", Some("()"))]),
    ("textFile", &[("name", None), ("minPartitions", Some("()"))]),
    (
        "map",
        &[("f", None), ("preservesPartitioning", Some("false"))],
    ),
    (
        "flatMap",
        &[("f", None), ("preservesPartitioning", Some("false"))],
    ),
    (
        "mapPartitions",
        &[("f", None), ("preservesPartitioning", Some("false"))],
    ),
    (
        "mapPartitionsWithIndex",
        &[("f", None), ("preservesPartitioning", Some("false"))],
    ),
    ("filter", &[("f", None)]),
    ("mapValues", &[("f", None)]),
    ("flatMapValues", &[("f", None)]),
    ("reduce", &[("f", None)]),
    ("fold", &[("zeroValue", None), ("op", None)]),
    (
        "reduceByKey",
        &[("func", None), ("numPartitions", Some("()"))],
    ),
    ("groupByKey", &[("numPartitions", Some("()"))]),
    (
        "combineByKey",
        &[
            ("createCombiner", None),
            ("mergeValue", None),
            ("mergeCombiners", None),
            ("numPartitions", Some("()")),
        ],
    ),
    ("partitionBy", &[("numPartitions", None)]),
    ("repartition", &[("numPartitions", None)]),
    (
        "coalesce",
        &[("numPartitions", None), ("shuffle", Some("false"))],
    ),
    ("foreachRDD", &[("func", None)]),
    ("foreach", &[("f", None)]),
    ("pprint", &[("num", Some("10"))]),
    (
        "saveAsTextFiles",
        &[("prefix", None), ("suffix", Some("()"))],
    ),
    ("saveAsTextFile", &[("path", None)]),
    ("transform", &[("func", None)]),
    (
        "transformWith",
        &[
            ("func", None),
            ("other", None),
            ("keepSerializer", Some("false")),
        ],
    ),
    ("union", &[("other", None)]),
    ("join", &[("other", None), ("numPartitions", Some("()"))]),
    (
        "leftOuterJoin",
        &[("other", None), ("numPartitions", Some("()"))],
    ),
    (
        "rightOuterJoin",
        &[("other", None), ("numPartitions", Some("()"))],
    ),
    (
        "fullOuterJoin",
        &[("other", None), ("numPartitions", Some("()"))],
    ),
    ("cogroup", &[("other", None), ("numPartitions", Some("()"))]),
    ("slice", &[("begin", None), ("end", None)]),
    (
        "window",
        &[("windowDuration", None), ("slideDuration", Some("()"))],
    ),
    (
        "reduceByWindow",
        &[
            ("reduceFunc", None),
            ("invReduceFunc", None),
            ("windowDuration", None),
            ("slideDuration", None),
        ],
    ),
    (
        "countByWindow",
        &[("windowDuration", None), ("slideDuration", None)],
    ),
    (
        "countByValueAndWindow",
        &[
            ("windowDuration", None),
            ("slideDuration", None),
            ("numPartitions", Some("()")),
        ],
    ),
    (
        "groupByKeyAndWindow",
        &[
            ("windowDuration", None),
            ("slideDuration", None),
            ("numPartitions", Some("()")),
        ],
    ),
    (
        "reduceByKeyAndWindow",
        &[
            ("func", None),
            ("invFunc", None),
            ("windowDuration", None),
            ("slideDuration", Some("()")),
            ("numPartitions", Some("()")),
            ("filterFunc", Some("()")),
        ],
    ),
    (
        "updateStateByKey",
        &[
            ("updateFunc", None),
            ("numPartitions", Some("()")),
            ("initialRDD", Some("()")),
        ],
    ),
    (
        "sortByKey",
        &[
            ("ascending", Some("true")),
            ("numPartitions", Some("()")),
            ("keyfunc", Some("()")),
        ],
    ),
    (
        "sortBy",
        &[
            ("keyfunc", None),
            ("ascending", Some("true")),
            ("numPartitions", Some("()")),
        ],
    ),
    ("take", &[("num", None)]),
    ("top", &[("num", None), ("key", Some("()"))]),
    ("takeOrdered", &[("num", None), ("key", Some("()"))]),
    ("persist", &[("storageLevel", Some("()"))]),
];

/// The parameters of PySpark method `name`, if centella knows it.
pub fn params(name: &str) -> Option<&'static [Param]> {
    SIGNATURES.iter().find(|(n, _)| *n == name).map(|(_, p)| *p)
}

/// Positional and keyword arguments (Rhai text) as the positional list; trailing arguments
/// left at their defaults are dropped (centella's API has those shorter forms).
pub fn arrange(
    name: &str,
    positional: Vec<String>,
    keywords: Vec<(String, String)>,
) -> Result<Vec<String>, String> {
    // Without keywords the call is written as PySpark's (which also covers the methods that
    // share a name: StreamingContext.transform(dstreams, func), union(*dstreams)).
    if keywords.is_empty() {
        return Ok(positional);
    }
    let Some(params) = params(name) else {
        return Err(format!(
            "keyword arguments of `{name}`, whose parameters centella does not know"
        ));
    };
    if positional.len() > params.len() {
        return Err(format!(
            "{} arguments to `{name}`, which takes at most {}",
            positional.len(),
            params.len()
        ));
    }
    let mut slots: Vec<Option<String>> = vec![None; params.len()];
    let mut by_keyword = vec![false; params.len()];
    for (i, p) in positional.into_iter().enumerate() {
        slots[i] = Some(p);
    }
    for (k, v) in keywords {
        let Some(i) = params.iter().position(|(n, _)| *n == k) else {
            let names: Vec<&str> = params.iter().map(|(n, _)| *n).collect();
            return Err(format!(
                "keyword `{k}` of `{name}`, whose parameters are {}",
                names.join(", ")
            ));
        };
        if slots[i].is_some() {
            return Err(format!("`{k}` given twice to `{name}`"));
        }
        slots[i] = Some(v);
        by_keyword[i] = true;
    }
    let last = slots.iter().rposition(Option::is_some).map_or(0, |i| i + 1);
    let mut args = Vec::new();
    for (i, slot) in slots.into_iter().take(last).enumerate() {
        match (slot, params[i].1) {
            (Some(v), _) => args.push(v),
            (None, Some(d)) => args.push(d.to_string()),
            (None, None) => return Err(format!("`{name}` without its `{}` argument", params[i].0)),
        }
    }
    // `numPartitions=None` and friends: drop trailing arguments equal to their default.
    while let Some(v) = args.last() {
        let i = args.len() - 1;
        let required = params[i].1.is_none();
        if !required && (Some(v.as_str()) == params[i].1) && (by_keyword[i] || v == "()") {
            args.pop();
        } else {
            break;
        }
    }
    Ok(args)
}

#[cfg(test)]
mod tests {
    use super::arrange;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn keywords_become_positions() {
        let kw = vec![
            ("invFunc".to_string(), "()".to_string()),
            ("windowDuration".to_string(), "3".to_string()),
            ("slideDuration".to_string(), "1".to_string()),
        ];
        assert_eq!(
            arrange("reduceByKeyAndWindow", s(&["f"]), kw),
            Ok(s(&["f", "()", "3", "1"]))
        );
        assert_eq!(
            arrange("pprint", vec![], vec![("num".into(), "5".into())]),
            Ok(s(&["5"]))
        );
        assert_eq!(
            arrange(
                "updateStateByKey",
                s(&["f"]),
                vec![("initialRDD".into(), "r".into())]
            ),
            Ok(s(&["f", "()", "r"]))
        );
        assert_eq!(
            arrange(
                "queueStream",
                s(&["q"]),
                vec![
                    ("oneAtATime".into(), "false".into()),
                    ("default".into(), "()".into())
                ]
            ),
            Ok(s(&["q", "false"]))
        );
        assert!(arrange("pprint", vec![], vec![("n".into(), "5".into())]).is_err());
    }
}
