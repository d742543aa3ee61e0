//! Spark's `Aggregator`: how a shuffle's values become combiners and combiners merge
//! (reduceByKey's, groupByKey's, combineByKey's), and the split of a record into its key and
//! value that every ByKey operation makes.

use crate::func::{FnCall, FnError, Record, RecordFn};
use crate::record::{list, view};
use std::sync::Arc;

/// Splits a record into (key, value), or explains what was expected.
pub fn split_pair(r: &Record, op: &str) -> Result<(Record, Record), FnError> {
    if let Some([k, v]) = view(r).items() {
        return Ok((k.clone(), v.clone()));
    }
    let shown = match crate::depth::check_repr(r) {
        Ok(()) => crate::pyrepr::python_str(r),
        Err(_) => "a record nested too deeply to show".to_string(),
    };
    Err(FnError(format!(
        "{op} expects (key, value) pairs, i.e. 2-element arrays, but got {shown}"
    )))
}

/// Spark's Aggregator: how values become combiners and combiners merge.
pub trait Aggregator: Send + Sync {
    fn task(&self) -> Box<dyn AggregatorTask + '_>;
}

pub trait AggregatorTask {
    fn create(&mut self, v: Record) -> Result<Record, FnError>;
    fn merge_value(&mut self, c: Record, v: Record) -> Result<Record, FnError>;
    fn merge_combiners(&mut self, a: Record, b: Record) -> Result<Record, FnError>;
}

/// reduceByKey's aggregator: the user function merges both values and combiners.
pub struct ReduceAgg(pub Arc<dyn RecordFn>);

struct ReduceTask<'a>(Box<dyn FnCall + 'a>);

impl Aggregator for ReduceAgg {
    fn task(&self) -> Box<dyn AggregatorTask + '_> {
        Box::new(ReduceTask(self.0.caller()))
    }
}

impl AggregatorTask for ReduceTask<'_> {
    fn create(&mut self, v: Record) -> Result<Record, FnError> {
        Ok(v)
    }
    fn merge_value(&mut self, c: Record, v: Record) -> Result<Record, FnError> {
        self.0.call2(c, v)
    }
    fn merge_combiners(&mut self, a: Record, b: Record) -> Result<Record, FnError> {
        self.0.call2(a, b)
    }
}

/// groupByKey's aggregator: values collect into a list.
pub struct GroupAgg;

impl Aggregator for GroupAgg {
    fn task(&self) -> Box<dyn AggregatorTask + '_> {
        Box::new(GroupAgg)
    }
}

fn append(c: Record, mut more: Vec<Record>) -> Record {
    let mut v = c.into_array().unwrap_or_default();
    v.append(&mut more);
    list(v)
}

impl AggregatorTask for GroupAgg {
    fn create(&mut self, v: Record) -> Result<Record, FnError> {
        Ok(list(vec![v]))
    }
    fn merge_value(&mut self, c: Record, v: Record) -> Result<Record, FnError> {
        Ok(append(c, vec![v]))
    }
    fn merge_combiners(&mut self, a: Record, b: Record) -> Result<Record, FnError> {
        Ok(append(a, b.into_array().unwrap_or_default()))
    }
}

/// combineByKey's aggregator: three user functions.
pub struct CombineAgg {
    pub create: Arc<dyn RecordFn>,
    pub merge_value: Arc<dyn RecordFn>,
    pub merge_combiners: Arc<dyn RecordFn>,
}

struct CombineTask<'a>([Box<dyn FnCall + 'a>; 3]);

impl Aggregator for CombineAgg {
    fn task(&self) -> Box<dyn AggregatorTask + '_> {
        Box::new(CombineTask([
            self.create.caller(),
            self.merge_value.caller(),
            self.merge_combiners.caller(),
        ]))
    }
}

impl AggregatorTask for CombineTask<'_> {
    fn create(&mut self, v: Record) -> Result<Record, FnError> {
        self.0[0].call1(v)
    }
    fn merge_value(&mut self, c: Record, v: Record) -> Result<Record, FnError> {
        self.0[1].call2(c, v)
    }
    fn merge_combiners(&mut self, a: Record, b: Record) -> Result<Record, FnError> {
        self.0[2].call2(a, b)
    }
}
