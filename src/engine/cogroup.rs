//! Spark's CoGroupedRDD and what PySpark builds on it: `cogroup` and the join family
//! (`python_join`): the values of each side tagged with their side's index, grouped by key in
//! shuffle order, then split back into one list per side. All lazy: a union of the tagged
//! sides, one shuffle, and a pipelined step after it.

use super::func::{FnError, Record};
use super::pair::{GroupAgg, combine_by_key, split_pair};
use super::rdd::{Rdd, pair_of};
use super::record::list;
use std::sync::Arc;

/// Per key (in shuffle order): `(k, [values of first, values of others[0], ...])`, the
/// lists as one array of arrays.
pub fn cogroup_rdd(first: &Rdd, others: &[&Rdd], n: usize, op: &'static str) -> Rdd {
    let sc = first.context().clone();
    let rdds: Vec<&Rdd> = std::iter::once(first)
        .chain(others.iter().copied())
        .collect();
    let count = rdds.len();
    let tagged: Vec<Rdd> = rdds
        .iter()
        .enumerate()
        .map(|(i, r)| {
            // PySpark tags with mapValues: the keys stay where they are.
            r.map_native(move |rec| {
                let (k, v) = split_pair(&rec, op)?;
                Ok(pair_of(k, pair_of(Record::from(i as i64), v)))
            })
            .keeping_keys_of(r)
        })
        .collect();
    let union = sc.union(&tagged);
    let grouped = combine_by_key(&union, Arc::new(GroupAgg), n, op);
    grouped
        .map_native(move |r| {
            let (k, vs) = split_pair(&r, op)?;
            let mut bufs = vec![Vec::new(); count];
            for tv in vs.into_array().unwrap_or_default() {
                let (i, v) = split_pair(&tv, op)?;
                let i = i.as_int().unwrap_or(0) as usize;
                if let Some(b) = bufs.get_mut(i) {
                    b.push(v);
                }
            }
            Ok(pair_of(
                k,
                Record::from(bufs.into_iter().map(Record::from).collect::<Vec<_>>()),
            ))
        })
        .keeping_keys_of(&grouped)
}

/// The per-side lists of a cogrouped record.
pub fn sides(r: &Record, op: &str) -> Result<(Record, Vec<Vec<Record>>), FnError> {
    let (k, lists) = split_pair(r, op)?;
    let lists = lists
        .into_array()
        .unwrap_or_default()
        .into_iter()
        .map(|l| l.into_array().unwrap_or_default())
        .collect();
    Ok((k, lists))
}

/// `cogroup(other)`: `(k, ([v...], [w...]))`.
pub fn cogroup(a: &Rdd, b: &Rdd, n: usize) -> Rdd {
    let grouped = cogroup_rdd(a, &[b], n, "cogroup");
    grouped
        .map_native(|r| {
            let (k, bufs) = sides(&r, "cogroup")?;
            let lists: Vec<Record> = bufs.into_iter().map(list).collect();
            Ok(pair_of(k, Record::from(lists)))
        })
        .keeping_keys_of(&grouped)
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
pub fn join(a: &Rdd, b: &Rdd, n: usize, kind: JoinKind) -> Rdd {
    let op = kind.op_name();
    let grouped = cogroup_rdd(a, &[b], n, op);
    grouped
        .map_partitions_native(move |_, p| {
            let mut out = Vec::new();
            for r in p {
                let (k, mut bufs) = sides(&r, op)?;
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
            Ok(out)
        })
        // PySpark's join ends in flatMapValues: the keys stay where they are.
        .keeping_keys_of(&grouped)
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
        let inner = join(&a, &b, 2, JoinKind::Inner);
        assert_eq!(show(&inner), vec!["('a', (1, 3))"]);
        let mut full = show(&join(&a, &b, 2, JoinKind::FullOuter));
        full.sort();
        assert_eq!(
            full,
            vec!["('a', (1, 3))", "('b', (2, None))", "('c', (None, 4))"]
        );
        let mut cg = show(&cogroup(&a, &b, 2));
        cg.sort();
        assert_eq!(
            cg,
            vec!["('a', ([1], [3]))", "('b', ([2], []))", "('c', ([], [4]))"]
        );
    }
}
