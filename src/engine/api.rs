//! The DStream API as PySpark defines it, on engine types: each method adds a node to the
//! graph, built the way PySpark builds it (so windows, state and record order match).

use super::cogroup::{self, JoinKind};
use super::context::StreamingContext;
use super::dstream::input::QueueInputDStream;
use super::dstream::output::RddOutputFn;
use super::dstream::output::{OutputAction, OutputOp};
use super::dstream::state::StateDStream;
use super::dstream::transformed::{BatchFn, TransformedDStream};
use super::dstream::window::{ReducedWindowedDStream, WindowedDStream, positive_value};
use super::dstream::{DStreamOp, StreamId};
use super::error::StreamingError;
use super::func::{FnError, OpSite, Record, RecordFn, native};
use super::pair;
use super::rdd::{Rdd, pair_of};
use super::record::list;
use super::time::{Duration, Time};
use std::sync::Arc;

pub type Result<T> = std::result::Result<T, StreamingError>;

/// A handle on one stream of a context's graph.
#[derive(Clone)]
pub struct DStream {
    pub ctx: StreamingContext,
    pub id: StreamId,
}

/// PySpark's `DStream.reduce` on one batch: `map((None, x)).reduceByKey(f, 1).map(x[1])`.
fn reduce_rdd(r: &Rdd, f: Arc<dyn RecordFn>) -> Rdd {
    let keyed = r.map_native(|x| Ok(pair_of(Record::UNIT, x)));
    pair::project(&pair::reduce_by_key(&keyed, f, 1), 1)
}

fn add_ints(a: &mut [Record]) -> std::result::Result<Record, FnError> {
    match (a[0].as_int(), a[1].as_int()) {
        (Ok(x), Ok(y)) => x
            .checked_add(y)
            .map(Record::from)
            .ok_or_else(|| FnError::new("Addition overflow")),
        _ => Err(FnError::new("count: expected integers")),
    }
}

fn sub_ints(a: &mut [Record]) -> std::result::Result<Record, FnError> {
    match (a[0].as_int(), a[1].as_int()) {
        (Ok(x), Ok(y)) => Ok(Record::from(x - y)),
        _ => Err(FnError::new("count: expected integers")),
    }
}

impl StreamingContext {
    fn add_stream(
        &self,
        op: Arc<dyn DStreamOp>,
        site: OpSite,
        slide: Duration,
        lazy: bool,
    ) -> Result<DStream> {
        // PySpark's map/filter/transform... are Python-side and lazy: they only fail later,
        // when an output is added. Windows, state, inputs and outputs fail at the call.
        if !lazy {
            self.check_can_add()?;
        }
        let id = self.graph().add(op, site, slide);
        Ok(DStream {
            ctx: self.clone(),
            id,
        })
    }

    /// `ssc.queueStream(rdds, oneAtATime=True, default=None)`.
    pub fn queue_stream(
        &self,
        items: Vec<Rdd>,
        one_at_a_time: bool,
        default: Option<Rdd>,
        site: OpSite,
    ) -> Result<DStream> {
        if items.is_empty() && default.is_none() {
            return Err(StreamingError::EmptyQueue);
        }
        // PySpark: `if not rdds and default: rdds = [rdds]`, one empty batch before the default.
        let items = if items.is_empty() {
            vec![self.spark_context().parallelize(Vec::new(), None)]
        } else {
            items
        };
        let op = Arc::new(QueueInputDStream::new(items, one_at_a_time, default));
        self.add_stream(op, site, self.batch_duration(), false)
    }

    /// `ssc.socketTextStream(host, port)`: lines from a TCP server, received in the background.
    pub fn socket_text_stream(&self, host: &str, port: u16, site: OpSite) -> Result<DStream> {
        self.socket_text_stream_stored(host, port, 2, site)
    }

    /// `socketTextStream(host, port, storageLevel)`: `copies` of each block in a local
    /// cluster (2 for the `_2` levels, socketTextStream's default; 1 otherwise).
    pub fn socket_text_stream_stored(
        &self,
        host: &str,
        port: u16,
        copies: usize,
        site: OpSite,
    ) -> Result<DStream> {
        let op = Arc::new(super::dstream::socket::SocketInputDStream::with_copies(
            host, port, copies,
        ));
        self.add_stream(op, site, self.batch_duration(), false)
    }

    /// Adds a source stream made outside the engine (the Kafka connector): Spark's
    /// `InputDStream` is public API in the same way. The stream must be an input stream
    /// (no parents); it slides every batch.
    pub fn add_input_stream(&self, op: Arc<dyn DStreamOp>, site: OpSite) -> Result<DStream> {
        self.add_stream(op, site, self.batch_duration(), false)
    }

    /// `ssc.textFileStream(dir)`: the lines of files that appear in `dir` after start.
    pub fn text_file_stream(&self, dir: &str, site: OpSite) -> Result<DStream> {
        let op = Arc::new(super::dstream::file::FileInputDStream::new(dir));
        self.add_stream(op, site, self.batch_duration(), false)
    }

    fn check_same_context(&self, streams: &[DStream]) -> Result<()> {
        if streams.iter().all(|s| s.ctx.same_as(self)) {
            Ok(())
        } else {
            Err(StreamingError::DifferentContexts)
        }
    }

    /// `ssc.union(*dstreams)`.
    pub fn union(&self, streams: &[DStream], site: OpSite) -> Result<DStream> {
        let Some(first) = streams.first() else {
            return Err(StreamingError::Invalid(
                "ValueError: should have at least one DStream to union".into(),
            ));
        };
        self.check_same_context(streams)?;
        let slide = self.graph().slide(first.id);
        if streams.iter().any(|s| self.graph().slide(s.id) != slide) {
            return Err(StreamingError::DifferentSlides);
        }
        let ids = streams.iter().map(|s| s.id).collect();
        let sc = self.spark_context().clone();
        let f: BatchFn = Arc::new(move |_, rdds| Ok(sc.union(rdds)));
        self.add_stream(
            Arc::new(TransformedDStream::new(ids, f)),
            site,
            slide,
            false,
        )
    }

    /// `ssc.transform(dstreams, func)`: `func` gets the batch's RDDs of every stream.
    pub fn transform(&self, streams: &[DStream], f: BatchFn, site: OpSite) -> Result<DStream> {
        self.check_same_context(streams)?;
        let slide = streams
            .first()
            .map(|s| self.graph().slide(s.id))
            .unwrap_or(self.batch_duration());
        // Spark's TransformedDStream requires one slide (PySpark's ssc.transform is that).
        if streams.iter().any(|s| self.graph().slide(s.id) != slide) {
            return Err(StreamingError::DifferentSlides);
        }
        let ids = streams.iter().map(|s| s.id).collect();
        self.add_stream(
            Arc::new(TransformedDStream::new(ids, f)),
            site,
            slide,
            false,
        )
    }
}

impl DStream {
    pub fn slide(&self) -> Duration {
        self.ctx.graph().slide(self.id)
    }

    /// `ds.checkpoint(interval)`: this stream's data checkpoint interval (a multiple of its slide).
    pub fn checkpoint(&self, interval: Duration) -> Result<DStream> {
        let slide = self.slide();
        if !interval.is_multiple_of(slide) {
            return Err(StreamingError::Invalid(format!(
                "java.lang.IllegalArgumentException: requirement failed: The checkpoint interval for DStream has been set to {} ms which not a multiple of its slide time ({} ms). Please set it to a multiple of {} ms.",
                interval.ms(),
                slide.ms(),
                slide.ms()
            )));
        }
        self.ctx.graph().nodes[self.id].checkpoint_interval = Some(interval);
        Ok(self.clone())
    }

    /// `ds.remember(duration)`: keep this stream's RDDs at least that long (for slice).
    pub fn remember(&self, duration: Duration) -> DStream {
        self.ctx.graph().nodes[self.id].remember_at_least = duration;
        self.clone()
    }

    /// `reduceByKeyAndWindow <- map <- queueStream`.
    pub fn lineage(&self) -> String {
        self.ctx.graph().lineage(self.id)
    }

    /// A stream computed per batch from this one's RDD.
    pub fn per_batch<F>(&self, site: OpSite, f: F) -> Result<DStream>
    where
        F: Fn(Time, &Rdd) -> std::result::Result<Rdd, FnError> + Send + Sync + 'static,
    {
        let func: BatchFn = Arc::new(move |t, rdds| f(t, &rdds[0]));
        self.ctx.add_stream(
            Arc::new(TransformedDStream::new(vec![self.id], func)),
            site,
            self.slide(),
            true,
        )
    }

    /// A stream computed per batch from this one's and `other`'s RDDs (`transformWith`).
    pub fn with_other<F>(&self, other: &DStream, site: OpSite, f: F) -> Result<DStream>
    where
        F: Fn(Time, &Rdd, &Rdd) -> std::result::Result<Rdd, FnError> + Send + Sync + 'static,
    {
        self.ctx.check_same_context(std::slice::from_ref(other))?;
        let (mine, theirs) = (self.slide(), other.slide());
        if mine != theirs {
            // Scala Spark refuses this; PySpark runs it on this stream's slide.
            let other_side = if mine.is_multiple_of(theirs) {
                "takes the other stream's batch of the same time"
            } else {
                "sees the other stream as empty at the times it has no batch"
            };
            self.ctx.info(&format!(
                "{}: the two streams slide differently ({mine} and {theirs}); as in PySpark the \
                 result slides every {mine} and {other_side} (Scala Spark refuses this)",
                site.op
            ));
        }
        let func: BatchFn = Arc::new(move |t, rdds| f(t, &rdds[0], &rdds[1]));
        self.ctx.add_stream(
            Arc::new(TransformedDStream::of_two([self.id, other.id], func)),
            site,
            self.slide(),
            true,
        )
    }

    pub fn map(&self, f: Arc<dyn RecordFn>, site: OpSite) -> Result<DStream> {
        self.per_batch(site, move |_, r| Ok(r.map(f.clone())))
    }
    pub fn flat_map(&self, f: Arc<dyn RecordFn>, site: OpSite) -> Result<DStream> {
        self.per_batch(site, move |_, r| Ok(r.flat_map(f.clone())))
    }
    pub fn filter(&self, f: Arc<dyn RecordFn>, site: OpSite) -> Result<DStream> {
        self.per_batch(site, move |_, r| Ok(r.filter(f.clone())))
    }
    pub fn map_values(&self, f: Arc<dyn RecordFn>, site: OpSite) -> Result<DStream> {
        self.per_batch(site, move |_, r| Ok(r.map_values(f.clone())))
    }
    pub fn flat_map_values(&self, f: Arc<dyn RecordFn>, site: OpSite) -> Result<DStream> {
        self.per_batch(site, move |_, r| Ok(r.flat_map_values(f.clone())))
    }
    pub fn map_partitions(&self, f: Arc<dyn RecordFn>, site: OpSite) -> Result<DStream> {
        self.per_batch(site, move |_, r| Ok(r.map_partitions(f.clone())))
    }
    pub fn map_partitions_with_index(&self, f: Arc<dyn RecordFn>, site: OpSite) -> Result<DStream> {
        self.per_batch(site, move |_, r| Ok(r.map_partitions_with_index(f.clone())))
    }
    pub fn glom(&self, site: OpSite) -> Result<DStream> {
        self.per_batch(site, |_, r| Ok(r.glom()))
    }

    /// `reduce(f)`: PySpark's `map((None, x)).reduceByKey(f, 1).map(x[1])`.
    pub fn reduce(&self, f: Arc<dyn RecordFn>, site: OpSite) -> Result<DStream> {
        self.per_batch(site, move |_, r| Ok(reduce_rdd(r, f.clone())))
    }

    /// `count()`: PySpark's `mapPartitions(lambda i: [sum(1 for _ in i)]).reduce(add)`.
    pub fn count(&self, site: OpSite) -> Result<DStream> {
        let add = native(add_ints);
        self.per_batch(site, move |_, r| {
            let counts = r.map_partitions_native(|_, p| Ok(vec![Record::from(p.len() as i64)]));
            Ok(reduce_rdd(&counts, add.clone()))
        })
    }

    /// `countByValue()`: `map((x, 1)).reduceByKey(add)`.
    pub fn count_by_value(&self, site: OpSite) -> Result<DStream> {
        let n = self.ctx.spark_context().default_parallelism();
        let add = native(add_ints);
        self.per_batch(site, move |_, r| {
            let ones = r.map_native(|x| Ok(pair_of(x, Record::from(1_i64))));
            Ok(pair::reduce_by_key(&ones, add.clone(), n))
        })
    }

    fn partitions_or_default(&self, n: Option<usize>) -> usize {
        n.unwrap_or_else(|| self.ctx.spark_context().default_parallelism())
    }

    pub fn reduce_by_key(
        &self,
        f: Arc<dyn RecordFn>,
        n: Option<usize>,
        site: OpSite,
    ) -> Result<DStream> {
        let n = self.partitions_or_default(n);
        self.per_batch(site, move |_, r| Ok(pair::reduce_by_key(r, f.clone(), n)))
    }

    pub fn group_by_key(&self, n: Option<usize>, site: OpSite) -> Result<DStream> {
        let n = self.partitions_or_default(n);
        self.per_batch(site, move |_, r| Ok(pair::group_by_key(r, n)))
    }

    pub fn combine_by_key(
        &self,
        fns: [Arc<dyn RecordFn>; 3],
        n: Option<usize>,
        site: OpSite,
    ) -> Result<DStream> {
        let n = self.partitions_or_default(n);
        self.per_batch(site, move |_, r| {
            let agg = Arc::new(pair::CombineAgg {
                create: fns[0].clone(),
                merge_value: fns[1].clone(),
                merge_combiners: fns[2].clone(),
            });
            Ok(pair::combine_by_key(r, agg, n, "combineByKey"))
        })
    }

    pub fn partition_by(&self, n: Option<usize>, site: OpSite) -> Result<DStream> {
        let n = self.partitions_or_default(n);
        self.per_batch(site, move |_, r| Ok(pair::partition_by(r, n)))
    }

    pub fn repartition(&self, n: usize, site: OpSite) -> Result<DStream> {
        self.per_batch(site, move |_, r| Ok(r.repartition(n)))
    }

    /// `union(other)`: both streams must slide alike (PySpark's check).
    pub fn union(&self, other: &DStream, site: OpSite) -> Result<DStream> {
        if self.slide() != other.slide() {
            return Err(StreamingError::Invalid(
                "ValueError: the two DStream should have same slide duration".into(),
            ));
        }
        self.with_other(other, site, |_, a, b| Ok(a.union(b)))
    }

    pub fn cogroup(&self, other: &DStream, n: Option<usize>, site: OpSite) -> Result<DStream> {
        let n = self.partitions_or_default(n);
        self.with_other(other, site, move |_, a, b| Ok(cogroup::cogroup(a, b, n)))
    }

    pub fn join(
        &self,
        other: &DStream,
        kind: JoinKind,
        n: Option<usize>,
        site: OpSite,
    ) -> Result<DStream> {
        let n = self.partitions_or_default(n);
        self.with_other(other, site, move |_, a, b| Ok(cogroup::join(a, b, n, kind)))
    }

    /// PySpark's `_validate_window_param`: multiples of this stream's slide. The durations
    /// themselves were validated (positive, bounded) when they were made.
    fn validate_window(&self, window: Duration, slide: Option<Duration>) -> Result<()> {
        let parent = self.slide();
        if !window.is_multiple_of(parent) {
            return Err(StreamingError::WindowNotMultiple(parent.ms()));
        }
        if let Some(s) = slide
            && !s.is_multiple_of(parent)
        {
            return Err(StreamingError::SlideNotMultiple(parent.ms()));
        }
        Ok(())
    }

    fn slide_or_parent(&self, slide: Option<Duration>) -> Duration {
        slide.unwrap_or_else(|| self.slide())
    }

    /// `window(windowDuration, slideDuration=None)`.
    pub fn window(
        &self,
        window: Duration,
        slide: Option<Duration>,
        site: OpSite,
    ) -> Result<DStream> {
        self.validate_window(window, slide)?;
        let op = WindowedDStream {
            parent: self.id,
            window,
        };
        let slide = self.slide_or_parent(slide);
        self.ctx.add_stream(Arc::new(op), site, slide, false)
    }

    /// `reduceByKeyAndWindow(func, invFunc, windowDuration, slideDuration, numPartitions, filterFunc)`.
    #[allow(clippy::too_many_arguments)]
    pub fn reduce_by_key_and_window(
        &self,
        f: Arc<dyn RecordFn>,
        inv: Option<Arc<dyn RecordFn>>,
        window: Duration,
        slide: Option<Duration>,
        n: Option<usize>,
        filter: Option<Arc<dyn RecordFn>>,
        site: OpSite,
    ) -> Result<DStream> {
        self.validate_window(window, slide)?;
        self.ctx.check_can_add()?;
        let n = self.partitions_or_default(n);
        let reduced = self.reduce_by_key(f.clone(), Some(n), site.clone())?;
        match inv {
            Some(inv) => {
                let op = ReducedWindowedDStream {
                    parent: reduced.id,
                    func: f,
                    inv: Some(inv),
                    filter,
                    window,
                    partitions: n,
                };
                let slide = self.slide_or_parent(slide);
                self.ctx.add_stream(Arc::new(op), site, slide, false)
            }
            None => reduced
                .window(window, slide, site.clone())?
                .reduce_by_key(f, Some(n), site),
        }
    }

    /// `reduceByWindow(f, invF, window, slide)`: keyed by 1, one partition.
    pub fn reduce_by_window(
        &self,
        f: Arc<dyn RecordFn>,
        inv: Option<Arc<dyn RecordFn>>,
        window: Duration,
        slide: Option<Duration>,
        site: OpSite,
    ) -> Result<DStream> {
        let one = Record::from(1_i64);
        let keyed = self.map(
            native(move |a| Ok(pair_of(one.clone(), std::mem::take(&mut a[0])))),
            site.clone(),
        )?;
        let reduced =
            keyed.reduce_by_key_and_window(f, inv, window, slide, Some(1), None, site.clone())?;
        reduced.map(
            native(|a| Ok(pair::split_pair(&a[0], "reduceByWindow")?.1)),
            site,
        )
    }

    /// `countByWindow(window, slide)`: `map(1).reduceByWindow(add, sub, ...)`.
    pub fn count_by_window(
        &self,
        window: Duration,
        slide: Option<Duration>,
        site: OpSite,
    ) -> Result<DStream> {
        let ones = self.map(native(|_| Ok(Record::from(1_i64))), site.clone())?;
        ones.reduce_by_window(
            native(add_ints),
            Some(native(sub_ints)),
            window,
            slide,
            site,
        )
    }

    /// `countByValueAndWindow(window, slide, numPartitions)`: zero counts are filtered out.
    pub fn count_by_value_and_window(
        &self,
        window: Duration,
        slide: Option<Duration>,
        n: Option<usize>,
        site: OpSite,
    ) -> Result<DStream> {
        let one = native(|a| Ok(pair_of(std::mem::take(&mut a[0]), Record::from(1_i64))));
        let keyed = self.map(one, site.clone())?;
        let counted = keyed.reduce_by_key_and_window(
            native(add_ints),
            Some(native(sub_ints)),
            window,
            slide,
            n,
            None,
            site.clone(),
        )?;
        counted.filter(native(positive_value), site)
    }

    /// `groupByKeyAndWindow(window, slide, numPartitions)`: PySpark's list-extending
    /// reduceByKeyAndWindow, so with window >= 5 slides emptied keys stay as `[]`.
    pub fn group_by_key_and_window(
        &self,
        window: Duration,
        slide: Option<Duration>,
        n: Option<usize>,
        site: OpSite,
    ) -> Result<DStream> {
        let wrap = native(|a| Ok(list(vec![std::mem::take(&mut a[0])])));
        let lists = self.map_values(wrap, site.clone())?;
        let extend = native(|a| {
            let mut x = std::mem::take(&mut a[0]).into_array().unwrap_or_default();
            x.extend(std::mem::take(&mut a[1]).into_array().unwrap_or_default());
            Ok(list(x))
        });
        let drop_front = native(|a| {
            let x = std::mem::take(&mut a[0]).into_array().unwrap_or_default();
            let k = a[1]
                .read_lock::<rhai::Array>()
                .map(|b| b.len())
                .unwrap_or(0);
            Ok(list(x.into_iter().skip(k).collect()))
        });
        lists.reduce_by_key_and_window(extend, Some(drop_front), window, slide, n, None, site)
    }

    /// `updateStateByKey(func, numPartitions, initialRDD)`.
    pub fn update_state_by_key(
        &self,
        f: Arc<dyn RecordFn>,
        n: Option<usize>,
        initial: Option<Rdd>,
        site: OpSite,
    ) -> Result<DStream> {
        let op = StateDStream {
            parent: self.id,
            update: f,
            partitions: self.partitions_or_default(n),
            initial,
        };
        self.ctx.add_stream(Arc::new(op), site, self.slide(), false)
    }

    /// `ds.cache()` / `ds.persist()`: every RDD the stream generates keeps its partitions
    /// once computed, so two outputs of the stream compute it once.
    pub fn persist(&self) -> Result<DStream> {
        if self.ctx.state() != super::context::ContextState::Initialized {
            return Err(StreamingError::Invalid(
                "java.lang.UnsupportedOperationException: Cannot change storage level of a \
                 DStream after streaming context has started"
                    .into(),
            ));
        }
        self.ctx.graph().nodes[self.id].persisted = true;
        Ok(self.clone())
    }

    /// The lineage of the stream's last batch, as `rdd.toDebugString()` prints it, with the
    /// batch's time; none before the stream's first batch.
    pub fn last_lineage(&self) -> Result<Option<(Time, String)>> {
        let last = {
            let g = self.ctx.inner.graph.try_lock().map_err(|_| {
                StreamingError::Invalid(
                    "toDebugString() cannot be called while a batch is running".into(),
                )
            })?;
            g.nodes[self.id].last_rdd.clone()
        };
        Ok(last.map(|(t, rdd)| (t, super::rdd::debug_string::debug_string(&rdd))))
    }

    /// `slice(begin, end)`: the RDDs of this stream between two times.
    pub fn slice(&self, from: Time, to: Time) -> Result<Vec<Rdd>> {
        if self.ctx.state() == super::context::ContextState::Initialized {
            return Err(StreamingError::Invalid(
                "org.apache.spark.SparkException: DStream has not been initialized (call slice after ssc.start())".into(),
            ));
        }
        let latest = self.ctx.latest_batch_time();
        let g = self.ctx.inner.graph.try_lock().map_err(|_| {
            StreamingError::Invalid("slice() cannot be called while a batch is running".into())
        })?;
        Ok(g.slice_generated(self.id, from, to, latest))
    }

    fn add_output(&self, action: OutputAction, site: OpSite) -> Result<()> {
        self.ctx.check_can_add()?;
        let mut g = self.ctx.graph();
        g.outputs.push(OutputOp {
            stream: self.id,
            site,
            action,
        });
        Ok(())
    }

    pub fn pprint(&self, num: usize, site: OpSite) -> Result<()> {
        self.add_output(OutputAction::Print(num), site)
    }

    pub fn foreach_rdd(&self, f: RddOutputFn, site: OpSite) -> Result<()> {
        self.add_output(OutputAction::ForEach(f), site)
    }

    pub fn save_as_text_files(
        &self,
        prefix: String,
        suffix: Option<String>,
        site: OpSite,
    ) -> Result<()> {
        self.add_output(OutputAction::SaveAsTextFiles { prefix, suffix }, site)
    }
}
