//! Errors with Spark's wording, so the same mistake reads the same as in PySpark.
//!
//! Three errors, from the outside in:
//! - [`StreamingError`]: what a call on the streaming API returns (`ssc.start()`, `window(..)`,
//!   `awaitTermination()`): a misuse, or a batch that failed while the caller waited.
//! - [`BatchError`]: one batch failed; says which batch time and which operation.
//! - [`ComputeError`]: computing one stream at one batch failed (Spark's `DStream.compute`);
//!   it becomes a `BatchError` once the batch's time is attached.

use super::func::OpSite;
use super::time::Time;
use std::fmt;

/// The streaming API's error: what a user's call on a context or a DStream returns.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StreamingError {
    #[error(
        "java.lang.IllegalArgumentException: requirement failed: The checkpoint directory has not been set. Please set it by StreamingContext.checkpoint()."
    )]
    CheckpointDirNotSet,
    #[error(
        "java.lang.IllegalArgumentException: requirement failed: No output operations registered, so nothing to execute"
    )]
    NoOutputOperations,
    #[error(
        "java.lang.IllegalStateException: Adding new inputs, transformations, and output operations after starting a context is not supported"
    )]
    AddAfterStart,
    #[error(
        "java.lang.IllegalStateException: Adding new inputs, transformations, and output operations after stopping a context is not supported"
    )]
    AddAfterStop,
    #[error("java.lang.IllegalStateException: StreamingContext has already been stopped")]
    AlreadyStopped,
    #[error(
        "java.lang.IllegalStateException: Only one StreamingContext may be started in this JVM. Currently running StreamingContext was started at{0}"
    )]
    AnotherContextActive(String),
    #[error(
        "ValueError: windowDuration must be multiple of the parent dstream's slide (batch) duration ({0} ms)"
    )]
    WindowNotMultiple(i64),
    #[error(
        "ValueError: slideDuration must be multiple of the parent dstream's slide (batch) duration ({0} ms)"
    )]
    SlideNotMultiple(i64),
    #[error(
        "java.lang.IllegalArgumentException: requirement failed: Some of the DStreams have different slide durations"
    )]
    DifferentSlides,
    #[error(
        "java.lang.IllegalArgumentException: requirement failed: Some of the DStreams have different contexts"
    )]
    DifferentContexts,
    #[error("IndexError: list index out of range")]
    EmptyQueue,
    #[error("{0}")]
    Batch(BatchError),
    #[error("interrupted (Ctrl-C): the streaming context was stopped")]
    Interrupted,
    #[error("interrupted (Ctrl-C); the streaming context keeps running")]
    Aborted,
    #[error("{0}")]
    Invalid(String),
}

/// A failure while computing or outputting one batch.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchError {
    pub time: Time,
    pub site: OpSite,
    pub message: String,
}

impl fmt::Display for BatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} failed in the batch of {}: {}",
            self.site, self.time, self.message
        )
    }
}

/// A failure computing one stream at a batch (Spark's `DStream.compute`): which operation
/// failed, and why. The batch's time is added by [`ComputeError::in_batch`].
#[derive(Debug, Clone, PartialEq)]
pub struct ComputeError {
    pub site: OpSite,
    pub message: String,
}

impl ComputeError {
    pub fn at(site: &OpSite, e: super::func::FnError) -> ComputeError {
        ComputeError {
            site: site.clone(),
            message: e.0,
        }
    }

    /// A job that failed inside operation `site`: named by the operation whose function
    /// failed when one did.
    pub fn from_job(site: &OpSite, e: JobError) -> ComputeError {
        ComputeError {
            message: e.message(),
            site: e.site.unwrap_or_else(|| site.clone()),
        }
    }

    pub fn in_batch(self, time: Time) -> BatchError {
        BatchError {
            time,
            site: self.site,
            message: self.message,
        }
    }
}

/// A job that failed: the operation whose function failed (when one did), why, and, when a
/// task was retried, Spark's account of the stage failure.
#[derive(Debug, Clone, PartialEq)]
pub struct JobError {
    pub site: Option<OpSite>,
    pub error: super::func::FnError,
    /// `Task 0 in stage 3.0 failed 4 times, most recent failure: ...` when retries were allowed.
    pub stage_failure: Option<String>,
}

impl JobError {
    /// The message a user reads: Spark's stage failure when tasks were retried, else the
    /// function's own error.
    pub fn message(&self) -> String {
        match &self.stage_failure {
            Some(s) => format!("Job aborted due to stage failure: {s}"),
            None => self.error.0.clone(),
        }
    }

    /// As a function error inside another operation: names the failing operation.
    pub fn into_fn_error(self) -> super::func::FnError {
        match &self.site {
            Some(site) => super::func::FnError(format!("{site} failed: {}", self.message())),
            None => super::func::FnError(self.message()),
        }
    }
}

impl From<super::func::FnError> for JobError {
    fn from(error: super::func::FnError) -> JobError {
        JobError {
            site: None,
            error,
            stage_failure: None,
        }
    }
}

impl From<JobError> for super::func::FnError {
    fn from(e: JobError) -> super::func::FnError {
        e.into_fn_error()
    }
}

impl fmt::Display for JobError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}
