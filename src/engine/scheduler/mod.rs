//! Scheduling batches, as Spark's `scheduler` package: the `JobGenerator` decides batch
//! times, the `JobScheduler` runs them. Both are parts of a `StreamingContext`.

pub mod job_generator;
pub mod job_scheduler;
