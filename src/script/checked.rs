//! Script arguments turned into the engine's validated values, with the call's position on
//! any error: seconds into `Duration`s, counts into `Partitions`. Every API taking seconds or
//! a partition count goes through here, so a bad value fails the same way everywhere.

use super::values::{RhaiResult, engine_err, runtime, seconds};
use crate::engine::limits::Partitions;
use crate::engine::time::Duration;
use rhai::{Dynamic, NativeCallContext};

/// A positive duration in seconds (batch interval, window, slide, checkpoint interval).
pub fn duration(ctx: &NativeCallContext, d: &Dynamic, arg: &str) -> RhaiResult<Duration> {
    Duration::positive_secs(seconds(ctx, d, arg)?, arg).map_err(|e| engine_err(ctx, e))
}

/// A duration where 0 is allowed (`remember(0)`).
pub fn duration_or_zero(ctx: &NativeCallContext, d: &Dynamic, arg: &str) -> RhaiResult<Duration> {
    Duration::non_negative_secs(seconds(ctx, d, arg)?, arg).map_err(|e| engine_err(ctx, e))
}

/// An optional duration: `()` means the default.
pub fn opt_duration(
    ctx: &NativeCallContext,
    d: &Dynamic,
    arg: &str,
) -> RhaiResult<Option<Duration>> {
    if d.is_unit() {
        return Ok(None);
    }
    duration(ctx, d, arg).map(Some)
}

/// A timeout in seconds; None waits without one (Spark's negative timeout).
pub fn timeout(
    ctx: &NativeCallContext,
    d: &Dynamic,
    arg: &str,
) -> RhaiResult<Option<std::time::Duration>> {
    Duration::timeout_secs(seconds(ctx, d, arg)?, arg).map_err(|e| engine_err(ctx, e))
}

/// A partition count (`numPartitions`, `numSlices`): an integer from 1 to `MAX_PARTITIONS`.
/// A float (`1e12`) is refused by name too, as PySpark's partitioner cannot index with one.
pub fn partitions(ctx: &NativeCallContext, d: &Dynamic, arg: &str) -> RhaiResult<usize> {
    Partitions::new(integer(ctx, d, arg)?, arg)
        .map(Partitions::get)
        .map_err(|e| engine_err(ctx, e))
}

/// `repartition(n)` / `coalesce(n)`: PySpark's own refusal of n < 1, else [`partitions`].
pub fn repartition_count(ctx: &NativeCallContext, d: &Dynamic) -> RhaiResult<usize> {
    if d.as_int().is_ok_and(|n| n < 1) {
        return Err(runtime(
            ctx,
            "ValueError: Number of partitions must be positive.",
        ));
    }
    partitions(ctx, d, "numPartitions")
}

/// `parallelize(data, numSlices)`: Spark's own refusal of numSlices < 1, else [`partitions`].
pub fn num_slices(ctx: &NativeCallContext, d: &Dynamic) -> RhaiResult<usize> {
    if d.as_int().is_ok_and(|n| n < 1) {
        return Err(runtime(
            ctx,
            "java.lang.IllegalArgumentException: Positive number of partitions required",
        ));
    }
    partitions(ctx, d, "numSlices")
}

/// A minimum partition count (`minPartitions`): 0 means 1.
pub fn min_partitions(ctx: &NativeCallContext, d: &Dynamic, arg: &str) -> RhaiResult<usize> {
    Partitions::at_least(integer(ctx, d, arg)?, arg)
        .map(Partitions::get)
        .map_err(|e| engine_err(ctx, e))
}

/// An optional partition count: `()` means the default.
pub fn opt_partitions(
    ctx: &NativeCallContext,
    d: &Dynamic,
    arg: &str,
) -> RhaiResult<Option<usize>> {
    if d.is_unit() {
        return Ok(None);
    }
    partitions(ctx, d, arg).map(Some)
}

fn integer(ctx: &NativeCallContext, d: &Dynamic, arg: &str) -> RhaiResult<i64> {
    if let Ok(n) = d.as_int() {
        return Ok(n);
    }
    let got = match d.as_float() {
        Ok(f) => {
            let mut shown = String::new();
            crate::engine::pyrepr::write_float_repr(f, &mut shown);
            format!("the float {shown}")
        }
        Err(_) => d.type_name().to_string(),
    };
    Err(runtime(
        ctx,
        &format!(
            "{arg} must be an integer between 1 and {}, got {got}",
            crate::engine::limits::MAX_PARTITIONS
        ),
    ))
}
