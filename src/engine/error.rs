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
    pub fn from_job(site: &OpSite, e: crate::rdd::JobError) -> ComputeError {
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
