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
use server::UiServer;
use std::sync::{Arc, OnceLock};

/// Spark's `spark.ui.port`.
pub const DEFAULT_PORT: u16 = 4040;

static URL: OnceLock<String> = OnceLock::new();

/// The page's address, once the web UI runs in this process.
pub fn url() -> Option<String> {
    URL.get().map(|u| format!("{u}streaming/"))
}

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

/// Installs, for every StreamingContext this process creates, the delay warning and (with
/// `web`) the web UI's listener, then starts the web UI. Returns the server (it stops when
/// dropped) or a message saying why there is none.
pub fn install(opts: &UiOptions) -> Result<Option<UiServer>, String> {
    let monitor = opts.web.then(|| Arc::new(Monitor::new(&opts.app_name)));
    let m = monitor.clone();
    crate::script::api_listener::on_every_context(Arc::new(
        move |ctx: &StreamingContext, sink: &Arc<dyn OutputSink>| {
            ctx.add_listener(Arc::new(warner::DelayWarner::new(
                sink.clone(),
                ctx.batch_duration().ms(),
            )));
            if let Some(m) = &m {
                m.watch(ctx);
            }
        },
    ));
    let Some(monitor) = monitor else {
        return Ok(None);
    };
    let server = UiServer::start_on(monitor, &opts.bind, opts.port)?;
    let _ = URL.set(server.url());
    Ok(Some(server))
}
