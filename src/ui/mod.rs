//! Making micro-batching visible: `:status` text with sparklines and a verdict (`status`),
//! the "falling behind" warning (`warner`), and a web UI modelled on Spark's Streaming tab
//! with Spark's REST API for streaming (`server`, `json`, `monitor`, `assets/`).
//!
//! The engine knows nothing of this: everything here is a `StreamingListener` or reads the
//! context's public statistics.

pub mod json;
pub mod monitor;
pub mod server;
pub mod status;
pub mod warner;

use crate::engine::context::StreamingContext;
use crate::engine::sink::OutputSink;
use monitor::Monitor;
use server::{UiError, UiServer};
use std::sync::Arc;

/// Spark's `spark.ui.port`.
pub const DEFAULT_PORT: u16 = 4040;

/// What the command line asked for.
pub struct UiOptions {
    /// Start the web UI.
    pub web: bool,
    /// First port to try (0: any free port).
    pub port: u16,
    /// The address to listen on: 127.0.0.1 unless `--ui-bind` says otherwise.
    pub bind: String,
    /// The application's name (the script's file name, or `centella-shell`).
    pub app_name: String,
}

/// The listeners the UI puts on each context: the delay warning, and (with the web UI) the
/// monitor that the pages read. Whoever builds the script session attaches them to every
/// context it creates; the UI never reaches into the script layer.
#[derive(Clone)]
pub struct UiListeners {
    monitor: Option<Arc<Monitor>>,
}

impl UiListeners {
    /// Puts the UI's listeners on `ctx`; warnings go to the session's `sink`.
    pub fn attach(&self, ctx: &StreamingContext, sink: &Arc<dyn OutputSink>) {
        ctx.add_listener(Arc::new(warner::DelayWarner::new(
            sink.clone(),
            ctx.batch_duration().ms(),
        )));
        if let Some(m) = &self.monitor {
            m.watch(ctx);
        }
    }
}

/// Builds the UI's listeners and, with `web`, starts the web UI. The server (it stops when
/// dropped) is `Ok(None)` without `web`, or `Err` with a message saying why it did not start;
/// the listeners work either way.
pub fn install(opts: &UiOptions) -> (UiListeners, Result<Option<UiServer>, UiError>) {
    let monitor = opts.web.then(|| Arc::new(Monitor::new(&opts.app_name)));
    let listeners = UiListeners {
        monitor: monitor.clone(),
    };
    let server = match monitor {
        Some(m) => UiServer::start_on(m, &opts.bind, opts.port).map(Some),
        None => Ok(None),
    };
    (listeners, server)
}
