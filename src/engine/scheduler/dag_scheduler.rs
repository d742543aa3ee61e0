//! Spark's `DAGScheduler`, for one process: an action runs a job; the job's lineage is cut
//! at shuffle dependencies into stages; each stage whose shuffle output is missing runs
//! (parents first) as one task per partition on the worker pool; then the result stage runs
//! the action's function on the partitions it asked for. A failed task is retried up to
//! `spark.task.maxFailures` times (`local[N, F]`), as Spark's `TaskSetManager` does.

use super::task_info::{self, FailedTaskInfo, PendingFailure, RecomputedTask, TaskOutcome};
use crate::func::FnError;
use crate::rdd::shuffle::ShuffleDependency;
use crate::rdd::{Dependency, JobError, Rdd, Records, TaskContext};
use crate::sc::SparkContext;
use crate::task_output::{self, Kind};
use rayon::prelude::*;
use std::cell::RefCell;
use std::collections::HashSet;
use std::sync::{Arc, Mutex};

/// Where an attempt that found no live executor "ran": it was never launched.
const NO_EXECUTOR: &str = "none";

/// One stage of a job, as the UI lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct StageInfo {
    pub stage_id: usize,
    /// e.g. `reduceByKey at words.rhai:5:22` for a map stage, the action for the result stage.
    pub name: String,
    pub num_tasks: usize,
    /// Task attempts that failed and were retried (or failed the job).
    pub failed_attempts: usize,
    /// A shuffle map stage whose output an earlier job had written.
    pub skipped: bool,
    pub failure: Option<String>,
    /// The attempts that failed, in the order they ended (recorded only when one fails).
    pub failed_tasks: Vec<FailedTaskInfo>,
    /// The tasks that recomputed a lost partition from its lineage, in partition order.
    pub recomputed: Vec<RecomputedTask>,
}

/// One job: an action on an RDD.
#[derive(Debug, Clone, PartialEq)]
pub struct JobInfo {
    pub job_id: usize,
    pub name: String,
    pub stages: Vec<StageInfo>,
    pub succeeded: bool,
}

thread_local! {
    /// The jobs run on this thread since `collect_jobs` began, if it did.
    static JOBS: RefCell<Option<Vec<JobInfo>>> = const { RefCell::new(None) };
}

/// Runs `f`, returning with its result the jobs it ran (the jobs of one output operation).
pub fn collect_jobs<T>(f: impl FnOnce() -> T) -> (T, Vec<JobInfo>) {
    let outer = JOBS.with(|j| j.replace(Some(Vec::new())));
    let out = f();
    let jobs = JOBS.with(|j| j.replace(outer)).unwrap_or_default();
    // An enclosing collection sees them too.
    JOBS.with(|j| {
        if let Some(v) = j.borrow_mut().as_mut() {
            v.extend(jobs.iter().cloned());
        }
    });
    (out, jobs)
}

fn record_job(job: JobInfo) {
    JOBS.with(|j| {
        if let Some(v) = j.borrow_mut().as_mut() {
            v.push(job);
        }
    });
}

/// The function a result task applies to its partition's records.
pub type ResultFn<'f, T> = dyn Fn(&TaskContext, Records<'_>) -> Result<T, FnError> + Sync + 'f;

/// Runs a job: `func` over partitions `partitions` of `rdd`, results in that order.
pub fn run_job<T: Send>(
    rdd: &Rdd,
    partitions: &[usize],
    name: &str,
    func: &ResultFn<'_, T>,
) -> Result<Vec<T>, JobError> {
    let sc = rdd.context();
    let mut job = JobInfo {
        job_id: sc.new_job_id(),
        name: name.to_string(),
        stages: Vec::new(),
        succeeded: false,
    };
    let (missing, skipped) = missing_shuffles(rdd);
    for dep in skipped {
        job.stages.push(StageInfo {
            stage_id: sc.new_stage_id(),
            name: shuffle_stage_name(&dep),
            num_tasks: dep.parent.num_partitions(),
            failed_attempts: 0,
            skipped: true,
            failure: None,
            failed_tasks: Vec::new(),
            recomputed: Vec::new(),
        });
    }
    let result = run_stages(sc, rdd, partitions, name, func, &missing, &mut job);
    job.succeeded = result.is_ok();
    record_job(job);
    result
}

fn run_stages<T: Send>(
    sc: &SparkContext,
    rdd: &Rdd,
    partitions: &[usize],
    name: &str,
    func: &ResultFn<'_, T>,
    missing: &[Arc<ShuffleDependency>],
    job: &mut JobInfo,
) -> Result<Vec<T>, JobError> {
    for dep in missing {
        let _running = crate::lock(&dep.map_stage);
        if dep.is_available() {
            // Another job wrote the outputs while this one waited.
            continue;
        }
        let splits: Vec<usize> = (0..dep.parent.num_partitions()).collect();
        let mut stage = new_stage(sc, shuffle_stage_name(dep), splits.len());
        let mut ops = dep.parent.stage_ops();
        ops.push(dep.op.clone());
        let place = |p: usize| dep.parent.storage().location(p);
        let outputs = run_tasks(sc, &mut stage, &splits, &ops, &place, &|tc| {
            dep.run_map_task(tc.partition, tc)
        });
        job.stages.push(stage.clone());
        let outputs = outputs?;
        dep.register_outputs(outputs).map_err(|e| JobError {
            site: dep.site.clone(),
            error: e,
            stage_failure: None,
        })?;
    }
    let mut stage = new_stage(sc, name.to_string(), partitions.len());
    let ops = rdd.stage_ops();
    let place = |p: usize| rdd.storage().location(p);
    let out = run_tasks(sc, &mut stage, partitions, &ops, &place, &|tc| {
        func(tc, rdd.iterator(tc.partition, tc))
    });
    job.stages.push(stage);
    out
}

fn new_stage(sc: &SparkContext, name: String, num_tasks: usize) -> StageInfo {
    StageInfo {
        stage_id: sc.new_stage_id(),
        name,
        num_tasks,
        failed_attempts: 0,
        skipped: false,
        failure: None,
        failed_tasks: Vec::new(),
        recomputed: Vec::new(),
    }
}

fn shuffle_stage_name(dep: &ShuffleDependency) -> String {
    match &dep.site {
        Some(site) if !site.location.is_empty() => format!("{} at {}", dep.op, site.location),
        _ => dep.op.clone(),
    }
}

/// A task that failed every attempt.
struct TaskFailure {
    partition: usize,
    attempts: usize,
    tid: usize,
    error: FnError,
    site: Option<crate::func::OpSite>,
    /// Where its last attempt ran.
    last_executor: String,
}

/// Runs one stage's tasks in parallel; what tasks print appears in partition order when the
/// stage ends. Tasks run in rounds, as Spark resubmits failed ones: each round is placed and
/// numbered in partition order (where a planned fault strikes is decided then, so runs under
/// the simulated clocks are deterministic), runs in parallel, and its failed attempts are
/// retried in the next until a task failed `maxFailures` times; the first such partition (in
/// partition order) fails the stage.
fn run_tasks<T: Send>(
    sc: &SparkContext,
    stage: &mut StageInfo,
    partitions: &[usize],
    ops: &[String],
    preferred: &(dyn Fn(usize) -> Option<String> + Sync),
    task: &(dyn Fn(&TaskContext) -> Result<T, FnError> + Sync),
) -> Result<Vec<T>, JobError> {
    let max_failures = sc.max_task_failures();
    let stage_id = stage.stage_id;
    let mut results: Vec<Option<Result<T, TaskFailure>>> =
        partitions.iter().map(|_| None).collect();
    // Attempts made, and the failures that count toward maxFailures (an executor lost
    // unrelated to the task does not count, as in Spark).
    let mut attempts = vec![0_usize; partitions.len()];
    let mut failures = vec![0_usize; partitions.len()];
    // For the batch's record, filled only when an attempt fails or recomputes.
    let mut failed: Vec<PendingFailure> = Vec::new();
    let recomputed: Mutex<Vec<RecomputedTask>> = Mutex::new(Vec::new());
    task_output::stage(|printed| {
        let mut pending: Vec<usize> = (0..partitions.len()).collect();
        while !pending.is_empty() {
            let launches: Vec<Launch> = pending
                .iter()
                .map(|&i| {
                    let p = partitions[i];
                    let attempt = Attempt {
                        sc,
                        stage_id,
                        partition: p,
                        number: attempts[i],
                        tid: sc.new_task_id(),
                        recomputed: &recomputed,
                    };
                    let launch = attempt.launch(ops, preferred(p).as_deref());
                    (i, attempt, launch)
                })
                .collect();
            let run = |(i, attempt, launch): &Launch| {
                let p = partitions[*i];
                let outcome = printed.task(p, || attempt.run(launch, task));
                (*i, outcome)
            };
            let outcomes: Vec<(usize, Result<T, AttemptFailure>)> = if launches.len() == 1 {
                launches.iter().map(run).collect()
            } else {
                sc.run(|| launches.par_iter().map(run).collect())
            };
            pending = Vec::new();
            for ((i, attempt, _), (_, outcome)) in launches.iter().zip(outcomes) {
                match outcome {
                    Ok(v) => results[*i] = Some(Ok(v)),
                    Err(f) => {
                        printed.task(attempt.partition, || attempt.report_lost(&f));
                        attempts[*i] += 1;
                        if f.counts {
                            failures[*i] += 1;
                        }
                        failed.push(PendingFailure {
                            index: *i,
                            info: FailedTaskInfo {
                                stage_id,
                                partition: attempt.partition,
                                attempt: attempt.number,
                                task_id: attempt.tid,
                                executor: f.executor.clone(),
                                error: task_info::first_line(&f.error.0),
                                outcome: TaskOutcome::FailedJob,
                            },
                            retried: failures[*i] < max_failures,
                        });
                        // Only the task's own failures count (a planned kill is used once,
                        // so the retries end).
                        if failures[*i] >= max_failures {
                            results[*i] = Some(Err(TaskFailure {
                                partition: attempt.partition,
                                attempts: attempts[*i],
                                tid: attempt.tid,
                                error: f.error,
                                site: f.site,
                                last_executor: f.executor,
                            }));
                        } else {
                            pending.push(*i);
                        }
                    }
                }
            }
        }
    });
    // `attempts` counts the attempts that failed (a task's successful one is not counted).
    stage.failed_attempts = attempts.iter().sum();
    if !failed.is_empty() {
        // A task that succeeded did so at the attempt after its failed ones.
        let succeeded: Vec<Option<usize>> = results
            .iter()
            .zip(&attempts)
            .map(|(r, &n)| matches!(r, Some(Ok(_))).then_some(n))
            .collect();
        stage.failed_tasks = task_info::settle(failed, &succeeded);
    }
    let mut recomputed = recomputed.into_inner().unwrap_or_else(|e| e.into_inner());
    recomputed.sort_by_key(|r| (r.partition, r.attempt));
    stage.recomputed = recomputed;
    let mut out = Vec::with_capacity(results.len());
    for r in results.into_iter().flatten() {
        match r {
            Ok(v) => out.push(v),
            Err(f) => {
                let stage_failure = (max_failures > 1).then(|| {
                    format!(
                        "Task {p} in stage {stage_id}.0 failed {n} times, most recent failure: \
                         Lost task {p}.{last} in stage {stage_id}.0 (TID {tid}) (localhost \
                         executor {executor}): {msg}",
                        p = f.partition,
                        // Spark's TaskSetManager says maxTaskFailures here, even when an
                        // attempt lost with its executor (not counted) made one more.
                        n = max_failures,
                        last = f.attempts - 1,
                        tid = f.tid,
                        executor = f.last_executor,
                        msg = f.error.0
                    )
                });
                stage.failure = Some(f.error.0.clone());
                return Err(JobError {
                    site: f.site,
                    error: f.error,
                    stage_failure,
                });
            }
        }
    }
    Ok(out)
}

/// A task attempt of a round: its index among the stage's partitions, the attempt, and where
/// it runs (or the fault that struck it).
type Launch<'a> = (usize, Attempt<'a>, Result<String, AttemptFailure>);

/// Why an attempt failed, and where.
struct AttemptFailure {
    error: FnError,
    site: Option<crate::func::OpSite>,
    executor: String,
    /// Whether it counts toward maxFailures: not when its executor was lost under it.
    counts: bool,
}

/// One attempt of one task: placed on an executor, where a fault the lab planned may strike.
struct Attempt<'a> {
    sc: &'a SparkContext,
    stage_id: usize,
    partition: usize,
    number: usize,
    tid: usize,
    /// Where a task that recomputed lost partitions records its chain (the batch's record).
    recomputed: &'a Mutex<Vec<RecomputedTask>>,
}

impl Attempt<'_> {
    /// Places the attempt, and applies a fault planned for it: the executor it was placed on
    /// is lost, or the attempt is made to fail. The executor, or why the attempt failed.
    fn launch(&self, ops: &[String], preferred: Option<&str>) -> Result<String, AttemptFailure> {
        let sc = self.sc;
        let Some(executor) = sc.executors().place(self.partition, preferred) else {
            return Err(AttemptFailure {
                error: FnError::new(
                    "org.apache.spark.SparkException: no live executor is left to run the task \
                     (every executor was lost)",
                ),
                site: None,
                executor: NO_EXECUTOR.to_string(),
                counts: true,
            });
        };
        let batch = sc.batch();
        let struck = if sc.faults().take_kill(&executor, batch) {
            Some((self.lose_executor(&executor), false))
        } else {
            sc.faults()
                .take_task_failure(ops, self.partition, batch)
                .map(|fault| {
                    let e = FnError(format!(
                        "org.apache.spark.api.python.PythonException: injected by the fault lab ({fault})"
                    ));
                    (e, true)
                })
        };
        match struck {
            Some((error, counts)) => {
                sc.executors().ran_task(&executor, true);
                Err(AttemptFailure {
                    error,
                    site: None,
                    executor,
                    counts,
                })
            }
            None => Ok(executor),
        }
    }

    /// Runs the attempt where it was placed.
    fn run<T>(
        &self,
        launch: &Result<String, AttemptFailure>,
        task: &(dyn Fn(&TaskContext) -> Result<T, FnError> + Sync),
    ) -> Result<T, AttemptFailure> {
        let on = match launch {
            Ok(e) => e,
            Err(f) => &f.executor,
        };
        if on != NO_EXECUTOR && self.number > 0 {
            // The resubmission, as Spark's TaskSetManager logs it (only retries: a first
            // attempt's line would flood the console, which Spark's default WARN level hides).
            self.report(
                Kind::Info,
                &format!(
                    "Starting task {p}.{n} in stage {s}.0 (TID {tid}) (localhost, executor \
                     {on}, partition {p}, PROCESS_LOCAL)",
                    p = self.partition,
                    n = self.number,
                    s = self.stage_id,
                    tid = self.tid,
                    on = on
                ),
            );
        }
        let executor = match launch {
            Ok(e) => e,
            Err(f) => {
                return Err(AttemptFailure {
                    error: f.error.clone(),
                    site: f.site.clone(),
                    executor: f.executor.clone(),
                    counts: f.counts,
                });
            }
        };
        let tc = TaskContext::on(self.stage_id, self.partition, self.number, executor);
        let result = task(&tc);
        self.sc.executors().ran_task(executor, result.is_err());
        match result {
            Ok(v) => {
                if let Some(steps) = tc.recomputed_steps() {
                    let task = RecomputedTask {
                        stage_id: self.stage_id,
                        partition: self.partition,
                        attempt: self.number,
                        executor: executor.clone(),
                        steps,
                    };
                    self.report(
                        Kind::Info,
                        &format!(
                            "Recomputed from lineage, {} on executor {executor}: {}",
                            task.task_name(),
                            task.chain()
                        ),
                    );
                    crate::lock(self.recomputed).push(task);
                }
                Ok(v)
            }
            Err(error) => Err(AttemptFailure {
                error,
                site: tc.blamed(),
                executor: executor.clone(),
                counts: true,
            }),
        }
    }

    /// Spark's WARN for a failed attempt, when retries or executors make it worth telling.
    fn report_lost(&self, f: &AttemptFailure) {
        if self.sc.max_task_failures() > 1 || self.sc.executors().is_cluster() {
            self.report(
                Kind::Warn,
                &format!(
                    "Lost task {}.{} in stage {}.0 (TID {}) (localhost executor {}): {}",
                    self.partition, self.number, self.stage_id, self.tid, f.executor, f.error.0
                ),
            );
        }
    }

    /// The executor dies as this task starts on it: its cached blocks go with it.
    fn lose_executor(&self, executor: &str) -> FnError {
        let reason = format!("killed by the fault lab (kill-executor {executor})");
        let lost = self.sc.lose_executor(executor, &reason).unwrap_or_default();
        self.report(
            Kind::Warn,
            &format!("Lost executor {executor} on localhost: {reason}"),
        );
        for block in lost {
            self.report(
                Kind::Warn,
                &format!("No more replicas available for {block} !"),
            );
        }
        // Spark's ReceiverTracker relaunches a lost executor's receivers elsewhere.
        for (stream, to) in self.sc.executors().restart_receivers_from(executor) {
            self.report(Kind::Info, &format!("Restarting Receiver {stream}"));
            match to {
                Some(to) => {
                    self.report(Kind::Info, &format!("Receiver {stream} started"));
                    self.report(
                        Kind::Info,
                        &format!("Registered receiver for stream {stream} from executor {to}"),
                    );
                }
                None => self.report(
                    Kind::Warn,
                    &format!("Receiver {stream} cannot restart: every executor is lost"),
                ),
            }
        }
        FnError(format!(
            "ExecutorLostFailure (executor {executor} exited unrelated to the running tasks) \
             Reason: {reason}"
        ))
    }

    fn report(&self, kind: Kind, text: &str) {
        if let Some(sink) = self.sc.sink() {
            task_output::emit(&sink, kind, text);
        }
    }
}

/// The shuffles the job must run first, parents before children, and those whose output an
/// earlier job wrote (skipped).
fn missing_shuffles(rdd: &Rdd) -> (Vec<Arc<ShuffleDependency>>, Vec<Arc<ShuffleDependency>>) {
    let mut order = Vec::new();
    let mut skipped = Vec::new();
    let mut done = HashSet::new();
    visit(rdd, &mut order, &mut skipped, &mut done);
    (order, skipped)
}

/// Post-order over shuffle dependencies: a shuffle's own missing parents come first. The
/// recursion is as deep as shuffles are nested; the narrow lineage between them is walked
/// with a stack.
fn visit(
    rdd: &Rdd,
    order: &mut Vec<Arc<ShuffleDependency>>,
    skipped: &mut Vec<Arc<ShuffleDependency>>,
    done: &mut HashSet<usize>,
) {
    for dep in shuffle_parents(rdd) {
        if !done.insert(dep.shuffle_id) {
            continue;
        }
        if dep.is_available() {
            skipped.push(dep);
        } else {
            visit(&dep.parent, order, skipped, done);
            order.push(dep);
        }
    }
}

/// The shuffle dependencies reachable from `rdd` through narrow ones. A fully cached RDD
/// needs none of its parents.
fn shuffle_parents(rdd: &Rdd) -> Vec<Arc<ShuffleDependency>> {
    let mut found = Vec::new();
    let mut seen = HashSet::new();
    let mut stack = vec![rdd.clone()];
    while let Some(r) = stack.pop() {
        if !seen.insert(r.id()) || r.fully_cached() {
            continue;
        }
        // Pushed in reverse so that dependencies are met in their order.
        for d in r.dependencies().iter().rev() {
            match d {
                Dependency::Narrow(p) => stack.push(p.clone()),
                Dependency::Shuffle(dep) => found.push(dep.clone()),
            }
        }
    }
    found
}
