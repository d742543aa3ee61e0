//! `centella feed`: the demo line server (plain TCP, or a Kafka topic). The feed is a tool of
//! its own with its own console: `src/feed/` reports its progress on the terminal itself.

use super::args::{FeedArgs, KafkaCompression};
use super::run_script::EXIT_USAGE;
use crate::feed::generate::DemoKind;
use crate::feed::kafka::{Compression, KafkaFeedOptions};
use crate::feed::{FeedOptions, FeedSource};

pub fn run(args: &FeedArgs) -> i32 {
    let Some(source) = source(args) else {
        return EXIT_USAGE;
    };
    if let (Some(broker), Some(topic)) = (&args.kafka, &args.topic) {
        return crate::feed::kafka::run(KafkaFeedOptions {
            broker: broker.clone(),
            topic: topic.clone(),
            source,
            rate: args.rate,
            looping: args.looping,
            partitions: args.partitions,
            compression: compression(args.compression),
        });
    }
    crate::feed::run(FeedOptions {
        bind: args.bind.clone(),
        port: args.port,
        source,
        rate: args.rate,
        looping: args.looping,
    })
}

/// Where the lines come from; None (after saying why) for a combination that makes no sense.
fn source(args: &FeedArgs) -> Option<FeedSource> {
    match (&args.generate, args.file.as_deref(), args.interactive) {
        // An unknown KIND: clap's value parser has already said which kinds exist.
        (Some(kind), None, false) => DemoKind::parse(kind).map(FeedSource::Generate),
        (None, Some("-"), false) | (None, None, false) => {
            Some(FeedSource::Stdin { interactive: false })
        }
        (None, None, true) => Some(FeedSource::Stdin { interactive: true }),
        (None, Some(path), false) => Some(FeedSource::File(path.into())),
        _ => {
            eprintln!("error: give one of FILE, -, --generate KIND or --interactive");
            None
        }
    }
}

fn compression(c: KafkaCompression) -> Compression {
    match c {
        KafkaCompression::None => Compression::NoCompression,
        KafkaCompression::Gzip => Compression::Gzip,
        KafkaCompression::Snappy => Compression::Snappy,
        KafkaCompression::Lz4 => Compression::Lz4,
        KafkaCompression::Zstd => Compression::Zstd,
    }
}
