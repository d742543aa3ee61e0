//! Spark's `Aggregator`: how a shuffle's values become combiners and combiners merge
//! (reduceByKey's, groupByKey's, combineByKey's), and the split of a record into its key and
//! value that every ByKey operation makes.

use crate::func::{FnCall, FnError, IntOp, Record, RecordFn};
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

    /// When `merge_value(c, v)` on two ints is an integer operation (reduceByKey with
    /// `|a, b| a + b`): that operation, whose None means "call `merge_value`". The map-side
    /// combine then keeps such combiners as plain ints.
    fn int_merge(&self) -> Option<IntOp> {
        None
    }

    /// `merge_value` with the combiner updated where it is (no move in and out of a map).
    fn merge_value_into(&mut self, c: &mut Record, v: Record) -> Result<(), FnError> {
        let old = std::mem::take(c);
        *c = self.merge_value(old, v)?;
        Ok(())
    }

    /// `merge_combiners` with `a` updated where it is.
    fn merge_combiners_into(&mut self, a: &mut Record, b: Record) -> Result<(), FnError> {
        let old = std::mem::take(a);
        *a = self.merge_combiners(old, b)?;
        Ok(())
    }
}

/// reduceByKey's aggregator: the user function merges both values and combiners.
pub struct ReduceAgg(pub Arc<dyn RecordFn>);

struct ReduceTask<'a> {
    call: Box<dyn FnCall + 'a>,
    /// The function's own integer operation (`|a, b| a + b`), done here on two ints.
    int_op: Option<IntOp>,
}

impl Aggregator for ReduceAgg {
    fn task(&self) -> Box<dyn AggregatorTask + '_> {
        let call = self.0.caller();
        let int_op = call.int_op();
        Box::new(ReduceTask { call, int_op })
    }
}

impl ReduceTask<'_> {
    /// `a = f(a, b)`: natively when both are ints and the operation answers, else the call.
    fn reduce_into(&mut self, a: &mut Record, b: Record) -> Result<(), FnError> {
        if let Some(op) = self.int_op
            && let (Ok(x), Ok(y)) = (a.as_int(), b.as_int())
            && let Some(z) = op(x, y)
        {
            *a = Record::from(z);
            return Ok(());
        }
        let old = std::mem::take(a);
        *a = self.call.call2(old, b)?;
        Ok(())
    }
}

impl AggregatorTask for ReduceTask<'_> {
    fn create(&mut self, v: Record) -> Result<Record, FnError> {
        Ok(v)
    }
    fn merge_value(&mut self, mut c: Record, v: Record) -> Result<Record, FnError> {
        self.reduce_into(&mut c, v)?;
        Ok(c)
    }
    fn merge_combiners(&mut self, mut a: Record, b: Record) -> Result<Record, FnError> {
        self.reduce_into(&mut a, b)?;
        Ok(a)
    }
    fn int_merge(&self) -> Option<IntOp> {
        self.int_op
    }
    fn merge_value_into(&mut self, c: &mut Record, v: Record) -> Result<(), FnError> {
        self.reduce_into(c, v)
    }
    fn merge_combiners_into(&mut self, a: &mut Record, b: Record) -> Result<(), FnError> {
        self.reduce_into(a, b)
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
