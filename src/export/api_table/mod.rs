//! The one table of centella's Spark API: for every method the script layer registers on a
//! DStream, an RDD, a StreamingContext, a SparkContext or a batch Time, PySpark's signature, the
//! one-line help, an example, and how `centella export` writes it. `:help METHOD`
//! (`repl/help.rs`) and export's method dispatch (`export/translate/methods.rs`) read it; the
//! unit tests below check it against the Rhai engine's registrations both ways, so neither can
//! drift from the API. Data only: the entries are constants.

mod context;
mod dstream;
mod rdd;

pub const DSTREAM: &str = "DStream";
pub const RDD: &str = "RDD";
pub const STREAMING_CONTEXT: &str = "StreamingContext";
pub const SPARK_CONTEXT: &str = "SparkContext";
pub const TIME: &str = "Time";

/// How `centella export` writes a call of the method in PySpark.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Export {
    /// The same name and arguments, giving a DStream (on a DStream) or an RDD (on an RDD).
    Transform,
    /// A DStream output operation: the same call, with no value.
    Output,
    /// An RDD action: the same call, giving a value (`export::types::action_result`).
    Action,
    /// A rule of its own in the translator (the context's sources and lifecycle,
    /// `parallelize`, `Time.ms`, ...).
    ByHand,
    /// Export refuses it with an error naming the method.
    NotExported,
}

/// One method of the API.
pub struct ApiMethod {
    /// [`DSTREAM`], [`RDD`], [`STREAMING_CONTEXT`], [`SPARK_CONTEXT`] or [`TIME`].
    pub receiver: &'static str,
    /// The name in Rhai, which is PySpark's.
    pub name: &'static str,
    /// PySpark's parameter list, e.g. `(func, [invFunc,] windowDuration[, slideDuration])`.
    pub params: &'static str,
    /// PySpark's keyword-argument names, in order, where a caller may name them (none are
    /// recorded yet; a Python front end can fill them in).
    pub keywords: &'static [&'static str],
    /// The semantics, in at most two lines.
    pub summary: &'static str,
    pub example: &'static str,
    pub export: Export,
}

impl ApiMethod {
    /// The entry with PySpark's keyword-argument names, e.g.
    /// `entry(...).with_keywords(&["numPartitions"])`.
    pub const fn with_keywords(self, keywords: &'static [&'static str]) -> ApiMethod {
        ApiMethod { keywords, ..self }
    }
}

/// Every receiver's methods.
const TABLES: &[&[ApiMethod]] = &[dstream::METHODS, rdd::METHODS, context::METHODS];

/// Every method of the API, DStream's first, in the order `:help` lists them.
pub fn methods() -> impl Iterator<Item = &'static ApiMethod> {
    TABLES.iter().flat_map(|t| t.iter())
}

/// The method `name` of `receiver`, if the API has it.
pub fn find(receiver: &str, name: &str) -> Option<&'static ApiMethod> {
    methods().find(|m| m.receiver == receiver && m.name == name)
}

/// How export writes `receiver.name(...)`, if the API has it.
pub fn export_of(receiver: &str, name: &str) -> Option<Export> {
    find(receiver, name).map(|m| m.export)
}

/// One entry (a `const fn`, so the tables stay constants).
const fn entry(
    export: Export,
    receiver: &'static str,
    name: &'static str,
    params: &'static str,
    summary: &'static str,
    example: &'static str,
) -> ApiMethod {
    ApiMethod {
        receiver,
        name,
        params,
        keywords: &[],
        summary,
        example,
        export,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RECEIVERS: [&str; 5] = [DSTREAM, RDD, STREAMING_CONTEXT, SPARK_CONTEXT, TIME];

    #[test]
    fn each_method_is_listed_once() {
        let mut seen = std::collections::HashSet::new();
        for m in methods() {
            assert!(RECEIVERS.contains(&m.receiver), "{}", m.receiver);
            assert!(
                seen.insert((m.receiver, m.name)),
                "{}.{} twice",
                m.receiver,
                m.name
            );
        }
    }

    /// Spark's own forms: transformations and outputs on streams, transformations and actions
    /// on RDDs; the contexts' and Time's methods have rules of their own or none.
    #[test]
    fn export_kinds_fit_the_receiver() {
        for m in methods() {
            let fits = match m.receiver {
                DSTREAM => !matches!(m.export, Export::Action | Export::ByHand),
                RDD => !matches!(m.export, Export::Output | Export::ByHand),
                _ => matches!(m.export, Export::ByHand | Export::NotExported),
            };
            assert!(fits, "{}.{}: {:?}", m.receiver, m.name, m.export);
        }
    }

    #[test]
    fn export_kinds_say_how_export_writes_a_call() {
        assert_eq!(export_of(DSTREAM, "map"), Some(Export::Transform));
        assert_eq!(export_of(DSTREAM, "pprint"), Some(Export::Output));
        assert_eq!(export_of(RDD, "collect"), Some(Export::Action));
        assert_eq!(
            export_of(STREAMING_CONTEXT, "queueStream"),
            Some(Export::ByHand)
        );
        assert_eq!(export_of(DSTREAM, "slice"), Some(Export::NotExported));
        assert_eq!(export_of(RDD, "pprint"), None);
    }

    #[test]
    fn an_entry_can_carry_keyword_names() {
        const WITH: ApiMethod =
            entry(Export::Transform, RDD, "m", "(n)", "s", "e").with_keywords(&["numPartitions"]);
        assert_eq!(WITH.keywords, ["numPartitions"]);
        assert!(methods().all(|m| m.keywords.is_empty()));
    }

    #[test]
    fn summaries_are_at_most_two_lines() {
        for m in methods() {
            assert!(m.summary.lines().count() <= 2, "{}.{}", m.receiver, m.name);
        }
    }
}
