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

/// Rhai cannot say which variable raced; the two ways a batch's function meets one.
pub const NOT_INSIDE_A_BATCH: &str = "Data race detected: this function uses a variable that is in use elsewhere at the same time. Either `ssc` while the script waits in ssc.awaitTermination(): ssc.stop(), ssc.start(), awaitTermination() and new streams (queueStream...) are not allowed inside a batch; stop from the script instead, with ssc.awaitTerminationOrTimeout(secs) then ssc.stop(). Or a captured variable another task changes: closures run in parallel, so return values instead of changing shared variables";
