//! Starting the UI for a run: the delay warning always; the web UI under the real clock on a
//! terminal, or with `--ui-port` (so tests and CI runs, whose output is not a terminal, open
//! no port). The result is the session's context hooks plus the server, held by the caller.

use super::args::Args;
use crate::engine::clock::ClockKind;
use crate::engine::context::StreamingContext;
use crate::engine::sink::OutputSink;
use crate::repl;
use crate::script::api_listener::ContextHooks;
use crate::ui::server::UiServer;
use crate::ui::{self, UiOptions};
use std::io::IsTerminal;
use std::sync::Arc;

/// What the run keeps: hooks for the script host, and the server (it stops when dropped).
pub struct StartedUi {
    pub hooks: ContextHooks,
    pub server: Option<UiServer>,
}

impl StartedUi {
    /// The Streaming tab's address, when the web UI runs.
    pub fn url(&self) -> Option<String> {
        self.server.as_ref().map(UiServer::streaming_url)
    }
}

pub fn start(args: &Args) -> StartedUi {
    let on_terminal = args.clock == ClockKind::Real && std::io::stdout().is_terminal();
    let opts = UiOptions {
        web: !args.no_ui && (args.ui_port.is_some() || on_terminal),
        port: args.ui_port.unwrap_or(ui::DEFAULT_PORT),
        bind: args.ui_bind.clone(),
        app_name: app_name(args),
    };
    let (listeners, server) = ui::install(&opts);
    let mut hooks = ContextHooks::default();
    hooks.on_every_context(Arc::new(
        move |ctx: &StreamingContext, sink: &Arc<dyn OutputSink>| listeners.attach(ctx, sink),
    ));
    let server = match server {
        Ok(Some(server)) => {
            // The interactive shell's banner shows the address: once is enough.
            let shell = args.script.is_none() || args.interactive;
            if !(shell && repl::is_interactive()) {
                eprintln!(
                    "INFO: Streaming UI at {} (--no-ui turns it off)",
                    server.streaming_url()
                );
            }
            Some(server)
        }
        Ok(None) => None,
        Err(msg) => {
            eprintln!("WARN: {msg}");
            None
        }
    };
    StartedUi { hooks, server }
}

/// Spark's application name: the script's file name, or `centella-shell`.
fn app_name(args: &Args) -> String {
    match &args.script {
        Some(path) => super::file_name(path),
        None => "centella-shell".to_string(),
    }
}
