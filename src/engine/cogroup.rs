//! Spark's CoGroupedRDD and what PySpark builds on it: `cogroup` and the join family
//! (`python_join`): the values of each side tagged with their side's index, grouped by key in
//! shuffle order, then split back into one list per side.

use super::func::{FnError, Record};
use super::pair::{group_by_key, split_pair};
use super::rdd::{Rdd, pair_of};
use super::record::list;

/// Per reduce partition: each key with one list of values per cogrouped RDD.
pub type CogroupPartitions = Vec<Vec<(Record, Vec<Vec<Record>>)>>;

/// PySpark's cogroup of several RDDs: per key (in shuffle order), one list of values per RDD.
pub fn cogroup_lists(rdds: &[&Rdd], n: usize, op: &str) -> Result<CogroupPartitions, FnError> {
    let count = rdds.len();
    let mut tagged = Vec::new();
    for (i, r) in rdds.iter().enumerate() {
        for p in r.partitions() {
            let mut q = Vec::with_capacity(p.len());
            for rec in p {
                let (k, v) = split_pair(rec, op)?;
                q.push(pair_of(k, pair_of(Record::from(i as i64), v)));
            }
            tagged.push(q);
        }
    }
    let sc = rdds.first().map(|r| r.context().clone());
    let Some(sc) = sc else {
        return Ok(Vec::new());
    };
    let union = Rdd::from_partitions(sc, tagged);
    let grouped = group_by_key(&union, n)?;
    Ok(grouped
        .partitions()
        .iter()
        .map(|p| {
            p.iter()
                .filter_map(|r| {
                    let (k, vs) = split_pair(r, op).ok()?;
                    let mut bufs = vec![Vec::new(); count];
                    for tv in vs.into_array().unwrap_or_default() {
                        if let Ok((i, v)) = split_pair(&tv, op) {
                            let i = i.as_int().unwrap_or(0) as usize;
                            if let Some(b) = bufs.get_mut(i) {
                                b.push(v);
                            }
                        }
                    }
                    Some((k, bufs))
                })
                .collect()
        })
        .collect())
}

/// `cogroup(other)`: `(k, ([v...], [w...]))`.
pub fn cogroup(a: &Rdd, b: &Rdd, n: usize) -> Result<Rdd, FnError> {
    let groups = cogroup_lists(&[a, b], n, "cogroup")?;
    let parts = groups
        .into_iter()
        .map(|p| {
            p.into_iter()
                .map(|(k, bufs)| {
                    let lists: Vec<Record> = bufs.into_iter().map(list).collect();
                    pair_of(k, Record::from(lists))
                })
                .collect()
        })
        .collect();
    Ok(Rdd::from_partitions(a.context().clone(), parts))
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum JoinKind {
    Inner,
    LeftOuter,
    RightOuter,
    FullOuter,
}

impl JoinKind {
    pub fn op_name(self) -> &'static str {
        match self {
            JoinKind::Inner => "join",
            JoinKind::LeftOuter => "leftOuterJoin",
            JoinKind::RightOuter => "rightOuterJoin",
            JoinKind::FullOuter => "fullOuterJoin",
        }
    }
}

/// The join family, as PySpark's `python_join` dispatches: `(k, (v, w))`, `None` for a missing side.
pub fn join(a: &Rdd, b: &Rdd, n: usize, kind: JoinKind) -> Result<Rdd, FnError> {
    let groups = cogroup_lists(&[a, b], n, kind.op_name())?;
    let parts = groups
        .into_iter()
        .map(|p| {
            let mut out = Vec::new();
            for (k, mut bufs) in p {
                let mut ws = bufs.pop().unwrap_or_default();
                let mut vs = bufs.pop().unwrap_or_default();
                let left_outer = matches!(kind, JoinKind::LeftOuter | JoinKind::FullOuter);
                let right_outer = matches!(kind, JoinKind::RightOuter | JoinKind::FullOuter);
                if ws.is_empty() && left_outer {
                    ws.push(Record::UNIT);
                }
                if vs.is_empty() && right_outer {
                    vs.push(Record::UNIT);
                }
                for v in &vs {
                    for w in &ws {
                        out.push(pair_of(k.clone(), pair_of(v.clone(), w.clone())));
                    }
                }
            }
            out
        })
        .collect();
    Ok(Rdd::from_partitions(a.context().clone(), parts))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sc::SparkContext;
    use crate::test_values::{pairs, show};

    #[test]
    fn joins_follow_python_join() {
        let sc = SparkContext::new(2).expect("pool");
        let a = sc.parallelize(pairs(&[("a", 1), ("b", 2)]), None);
        let b = sc.parallelize(pairs(&[("a", 3), ("c", 4)]), None);
        let inner = join(&a, &b, 2, JoinKind::Inner).expect("join");
        assert_eq!(show(&inner), vec!["('a', (1, 3))"]);
        let mut full = show(&join(&a, &b, 2, JoinKind::FullOuter).expect("join"));
        full.sort();
        assert_eq!(
            full,
            vec!["('a', (1, 3))", "('b', (2, None))", "('c', (None, 4))"]
        );
        let mut cg = show(&cogroup(&a, &b, 2).expect("cogroup"));
        cg.sort();
        assert_eq!(
            cg,
            vec!["('a', ([1], [3]))", "('b', ([2], []))", "('c', ([], [4]))"]
        );
    }
}
