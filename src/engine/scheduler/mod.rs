//! Scheduling batches, as Spark's `scheduler` package: the `JobGenerator` decides batch
//! times, the `JobScheduler` runs them, the `ReceiverTracker` starts and stops the live
//! sources. All are parts of a `StreamingContext`.

pub mod dag_scheduler;
pub mod job_generator;
pub mod job_scheduler;
pub mod receiver_tracker;
pub mod task_info;
