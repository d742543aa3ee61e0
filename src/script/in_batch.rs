//! What a batch's functions may not do, said in words: Rhai reports a batch function touching
//! a variable the script holds (`ssc` while `awaitTermination()` waits on it) as a bare
//! "Data race detected", and a cancelled closure as "Script terminated".

use rhai::EvalAltResult;

/// A clearer message for the errors a function run by a batch can meet, if there is one.
pub fn explain(e: &EvalAltResult) -> Option<String> {
    match e {
        EvalAltResult::ErrorDataRace(..) => Some(NOT_INSIDE_A_BATCH.to_string()),
        EvalAltResult::ErrorTerminated(token, _) => token.clone().into_string().ok(),
        _ => None,
    }
}

pub const NOT_INSIDE_A_BATCH: &str = "this function runs inside a batch while the script waits on the StreamingContext (awaitTermination): ssc.stop(), ssc.start(), ssc.awaitTermination() and new streams (queueStream...) are not allowed inside a batch. Stop from the script instead: ssc.awaitTerminationOrTimeout(secs), then ssc.stop()";
