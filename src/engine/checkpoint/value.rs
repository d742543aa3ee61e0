//! Records as serde data, exactly: tuples stay tuples, lists stay lists, ints stay ints.

use crate::func::Record;
use crate::record::{RecordView, list, tuple, view};
use crate::time::Time;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "t", content = "v")]
pub enum StoredValue {
    Unit,
    Bool(bool),
    Int(i64),
    /// As bits, so NaN and -0.0 survive.
    Float(u64),
    Str(String),
    Char(char),
    Tuple(Vec<StoredValue>),
    List(Vec<StoredValue>),
    Map(Vec<(String, StoredValue)>),
    Time(i64),
}

/// How deeply a checkpointed record may nest: each level is two JSON levels, and serde_json
/// reads back at most 128, so a deeper record would write a checkpoint nobody can read.
pub const MAX_STORED_DEPTH: usize = 60;

/// Why a record cannot be written into a checkpoint.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum UnstorableRecord {
    #[error("a record nested more than {MAX_STORED_DEPTH} levels deep cannot be checkpointed")]
    TooDeep,
    #[error("a record of type {0} cannot be checkpointed")]
    Type(&'static str),
}

impl StoredValue {
    pub fn from_record(r: &Record) -> Result<StoredValue, UnstorableRecord> {
        if crate::depth::exceeds(r, MAX_STORED_DEPTH) {
            return Err(UnstorableRecord::TooDeep);
        }
        StoredValue::from_checked(r)
    }

    fn from_checked(r: &Record) -> Result<StoredValue, UnstorableRecord> {
        let items = |a: &[Record]| -> Result<Vec<StoredValue>, UnstorableRecord> {
            a.iter().map(StoredValue::from_checked).collect()
        };
        Ok(match view(r) {
            RecordView::None => StoredValue::Unit,
            RecordView::Bool(b) => StoredValue::Bool(b),
            RecordView::Int(i) => StoredValue::Int(i),
            RecordView::Float(f) => StoredValue::Float(f.to_bits()),
            RecordView::Char(c) => StoredValue::Char(c),
            RecordView::Str(s) => StoredValue::Str(s.to_string()),
            RecordView::Tuple(a) => StoredValue::Tuple(items(&a)?),
            RecordView::List(a) => StoredValue::List(items(&a)?),
            RecordView::Map(m) => StoredValue::Map(
                m.iter()
                    .map(|(k, v)| Ok((k.to_string(), StoredValue::from_checked(v)?)))
                    .collect::<Result<_, UnstorableRecord>>()?,
            ),
            RecordView::Bytes(_) | RecordView::Other => match r.read_lock::<Time>() {
                Some(t) => StoredValue::Time(t.ms()),
                None => return Err(UnstorableRecord::Type(r.type_name())),
            },
        })
    }

    pub fn to_record(&self) -> Record {
        match self {
            StoredValue::Unit => Record::UNIT,
            StoredValue::Bool(b) => Record::from(*b),
            StoredValue::Int(i) => Record::from(*i),
            StoredValue::Float(bits) => Record::from(f64::from_bits(*bits)),
            StoredValue::Str(s) => Record::from(s.clone()),
            StoredValue::Char(c) => Record::from(*c),
            StoredValue::Tuple(items) => tuple(items.iter().map(StoredValue::to_record).collect()),
            StoredValue::List(items) => list(items.iter().map(StoredValue::to_record).collect()),
            StoredValue::Map(items) => {
                let m: rhai::Map = items
                    .iter()
                    .map(|(k, v)| (k.as_str().into(), v.to_record()))
                    .collect();
                Record::from_map(m)
            }
            StoredValue::Time(ms) => Record::from(Time(*ms)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pyrepr::python_str;

    #[test]
    fn records_round_trip_exactly() {
        let pair = Record::from_array(vec![
            Record::from("Madrid"),
            Record::from_array(vec![
                Record::from(20210831_i64),
                Record::from(35_i64),
                Record::from(-0.5_f64),
            ]),
        ]);
        let list = list(vec![Record::from(1_i64), Record::UNIT, Record::from(true)]);
        for r in [pair, list, Record::from('x'), Record::from(Time(1000))] {
            let stored = StoredValue::from_record(&r).expect("storable");
            let json = serde_json::to_string(&stored).expect("json");
            let back: StoredValue = serde_json::from_str(&json).expect("parse");
            assert_eq!(python_str(&back.to_record()), python_str(&r));
        }
    }
}
