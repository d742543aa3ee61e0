//! The web UI's HTTP server: tiny_http (a small, blocking, well-kept server: no async runtime
//! for one page and a few JSON documents), bound to 127.0.0.1 only, one thread answering
//! requests in turn. Like Spark's UI it takes port 4040, or the next free one of 16.

use super::json;
use super::monitor::Monitor;
use std::sync::Arc;
use std::thread::JoinHandle;
use tiny_http::{Header, Method, Request, Response, Server};

/// Spark's `spark.port.maxRetries`.
pub const PORT_RETRIES: u16 = 16;

const PAGE: &str = include_str!("assets/streaming.html");
const SCRIPT: &str = include_str!("assets/streaming.js");
const STYLE: &str = include_str!("assets/streaming.css");

pub struct UiServer {
    server: Arc<Server>,
    thread: Option<JoinHandle<()>>,
    pub port: u16,
    pub bind: String,
}

/// Why the web UI did not start.
#[derive(Debug, thiserror::Error)]
pub enum UiError {
    #[error("no web UI: could not bind {bind} on ports {first}-{last} ({reason})")]
    Bind {
        bind: String,
        first: u16,
        last: u16,
        /// The last port's error.
        reason: String,
    },
    #[error("cannot start the web UI thread: {0}")]
    Thread(#[from] std::io::Error),
}

impl UiServer {
    /// Binds 127.0.0.1:`port` (or the next of 16 ports when busy; 0 picks any free port) and
    /// answers requests on a background thread.
    pub fn start(monitor: Arc<Monitor>, port: u16) -> Result<UiServer, UiError> {
        UiServer::start_on(monitor, "127.0.0.1", port)
    }

    /// As `start`, on another address (`--ui-bind`).
    pub fn start_on(monitor: Arc<Monitor>, bind: &str, port: u16) -> Result<UiServer, UiError> {
        let last = if port == 0 {
            0
        } else {
            port.saturating_add(PORT_RETRIES)
        };
        let mut reason = String::new();
        for p in port..=last {
            match Server::http((bind, p)) {
                Ok(server) => {
                    let bound = server.server_addr().to_ip().map(|a| a.port()).unwrap_or(p);
                    let server = Arc::new(server);
                    let s = server.clone();
                    let allowed = bind.to_string();
                    let thread = std::thread::Builder::new()
                        .name("centella-ui".into())
                        .spawn(move || serve(&s, &monitor, &allowed))?;
                    return Ok(UiServer {
                        server,
                        thread: Some(thread),
                        port: bound,
                        bind: bind.to_string(),
                    });
                }
                Err(e) => reason = e.to_string(),
            }
        }
        Err(UiError::Bind {
            bind: bind.to_string(),
            first: port,
            last,
            reason,
        })
    }

    pub fn url(&self) -> String {
        format!("http://{}:{}/", self.bind, self.port)
    }

    /// The Streaming tab's page, as the shell's banner and the start-up line show it.
    pub fn streaming_url(&self) -> String {
        format!("{}streaming/", self.url())
    }
}

/// How long quitting waits for the UI thread to finish the request it is answering.
const STOP_WAIT: std::time::Duration = std::time::Duration::from_secs(1);

impl Drop for UiServer {
    /// Quitting never waits on a browser: the thread gets a moment to answer its request,
    /// then the process may end without it.
    fn drop(&mut self) {
        self.server.unblock();
        let Some(t) = self.thread.take() else { return };
        let deadline = std::time::Instant::now() + STOP_WAIT;
        while !t.is_finished() && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        if t.is_finished() {
            let _ = t.join();
        }
    }
}

fn serve(server: &Server, monitor: &Monitor, bind: &str) {
    for req in server.incoming_requests() {
        let host = req
            .headers()
            .iter()
            .find(|h| h.field.equiv("Host"))
            .map(|h| h.value.as_str().to_string());
        let (status, kind, body) = if host_allowed(host.as_deref(), bind) {
            route(&req, monitor)
        } else {
            (
                403,
                TEXT,
                format!(
                    "Forbidden: Host {:?} is not this server's; use http://localhost or the address it listens on\n",
                    host.unwrap_or_default()
                ),
            )
        };
        let mut resp = Response::from_string(body).with_status_code(status);
        for (k, v) in [("Content-Type", kind), ("Cache-Control", "no-store")] {
            if let Ok(h) = Header::from_bytes(k.as_bytes(), v.as_bytes()) {
                resp.add_header(h);
            }
        }
        if status == 302
            && let Ok(h) = Header::from_bytes(&b"Location"[..], &b"/streaming/"[..])
        {
            resp.add_header(h);
        }
        let _ = req.respond(resp);
    }
}

/// The Host-header allowlist against DNS rebinding (as Jupyter's and Spark's UI filters):
/// loopback names and addresses, and the address the server is bound to. A page on another
/// site that resolves its own name to 127.0.0.1 still sends its own name, and gets 403.
/// Bound to every interface (`0.0.0.0`, `::`), any IP address is accepted too (an IP
/// literal cannot be rebound), but still no other name. No Host at all (HTTP/1.0) is fine.
pub fn host_allowed(host: Option<&str>, bind: &str) -> bool {
    let Some(host) = host else { return true };
    let host = host.trim().to_ascii_lowercase();
    let name = if let Some(rest) = host.strip_prefix('[') {
        rest.split(']').next().unwrap_or("")
    } else {
        match host.rsplit_once(':') {
            Some((n, port)) if port.chars().all(|c| c.is_ascii_digit()) => n,
            _ => host.as_str(),
        }
    };
    let bind = bind
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase();
    if name == "localhost" || name.ends_with(".localhost") || name == bind {
        return true;
    }
    match name.parse::<std::net::IpAddr>() {
        Ok(ip) if ip.is_loopback() => true,
        Ok(_) => bind
            .parse::<std::net::IpAddr>()
            .is_ok_and(|b| b.is_unspecified()),
        Err(_) => false,
    }
}

const JSON: &str = "application/json";
const TEXT: &str = "text/plain; charset=utf-8";

fn not_found(msg: &str) -> (u16, &'static str, String) {
    (404, TEXT, msg.to_string())
}

fn ok_json(v: &serde_json::Value) -> (u16, &'static str, String) {
    match serde_json::to_string_pretty(v) {
        Ok(s) => (200, JSON, s),
        Err(e) => (500, TEXT, e.to_string()),
    }
}

/// `(status, content type, body)` for a request.
pub fn route(req: &Request, monitor: &Monitor) -> (u16, &'static str, String) {
    if *req.method() != Method::Get && *req.method() != Method::Head {
        return (405, TEXT, "only GET".into());
    }
    let url = req.url();
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    let path = path.trim_end_matches('/');
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    match parts.as_slice() {
        [] => (302, TEXT, String::new()),
        ["streaming"] => (200, "text/html; charset=utf-8", PAGE.to_string()),
        ["static", "streaming.js"] => (200, "text/javascript; charset=utf-8", SCRIPT.into()),
        ["static", "streaming.css"] => (200, "text/css; charset=utf-8", STYLE.into()),
        ["streaming", "data"] => match monitor.current() {
            Some((ctx, t)) => {
                match serde_json::to_string(&json::page(monitor, &t.snapshot(&ctx))) {
                    Ok(body) => (200, JSON, body),
                    Err(e) => (500, TEXT, e.to_string()),
                }
            }
            None => not_found("no StreamingContext yet"),
        },
        ["api", "v1", "applications"] => ok_json(&serde_json::json!([json::application(monitor)])),
        ["api", "v1", "applications", id] if *id == monitor.app_id => {
            ok_json(&json::application(monitor))
        }
        ["api", "v1", "applications", id, "streaming", rest @ ..] => {
            if *id != monitor.app_id {
                return not_found(&format!("no such app: {id}"));
            }
            streaming(monitor, rest, query)
        }
        // The short form without the application id.
        ["api", "v1", "streaming", rest @ ..] => streaming(monitor, rest, query),
        ["api", "v1", "applications", id, ..] => not_found(&format!("no such app: {id}")),
        _ => not_found(&format!("not found: {path}")),
    }
}

fn statuses(query: &str) -> Vec<String> {
    query
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .filter(|(k, _)| *k == "status")
        .map(|(_, v)| v.to_ascii_uppercase())
        .collect()
}

fn streaming(monitor: &Monitor, rest: &[&str], query: &str) -> (u16, &'static str, String) {
    let Some((ctx, tracker)) = monitor.current() else {
        return not_found(&format!(
            "no streaming listener attached to {}",
            monitor.app_id
        ));
    };
    let s = tracker.snapshot(&ctx);
    let id = |text: &str| text.parse::<i64>().ok();
    match rest {
        ["statistics"] => ok_json(&json::statistics(&s)),
        ["receivers"] => ok_json(&json::receivers(&s)),
        ["receivers", n] => {
            let all = json::receivers(&s);
            let found = id(n).and_then(|n| {
                all.as_array()?
                    .iter()
                    .find(|r| r.get("streamId").and_then(serde_json::Value::as_i64) == Some(n))
                    .cloned()
            });
            match found {
                Some(r) => ok_json(&r),
                None => not_found(&format!("unknown receiver: {n}")),
            }
        }
        ["batches"] => ok_json(&json::batches(&s, &statuses(query))),
        ["batches", b] => match id(b).and_then(|b| json::batch(&s, b)) {
            Some(v) => ok_json(&v),
            None => not_found(&format!("unknown batch: {b}")),
        },
        ["batches", b, "operations"] => match id(b).and_then(|b| json::operations(&s, b)) {
            Some(v) => ok_json(&v),
            None => not_found(&format!("unknown batch: {b}")),
        },
        ["batches", b, "operations", op] => {
            let found = id(b).and_then(|b| json::operations(&s, b)).and_then(|ops| {
                let n = id(op)?;
                ops.as_array()?
                    .iter()
                    .find(|o| o.get("outputOpId").and_then(serde_json::Value::as_i64) == Some(n))
                    .cloned()
            });
            match found {
                Some(v) => ok_json(&v),
                None => not_found(&format!("unknown output operation: {op}")),
            }
        }
        _ => not_found(&format!("not found: streaming/{}", rest.join("/"))),
    }
}

#[cfg(test)]
mod host_tests {
    use super::host_allowed;

    #[test]
    fn only_loopback_names_and_the_bound_address_are_answered() {
        for ok in [
            "localhost:4040",
            "127.0.0.1:4040",
            "[::1]:4040",
            "LOCALHOST",
            "127.0.0.2",
        ] {
            assert!(host_allowed(Some(ok), "127.0.0.1"), "{ok}");
        }
        assert!(host_allowed(None, "127.0.0.1"));
        for bad in ["evil.example:4040", "attacker.test", "192.168.1.5:4040", ""] {
            assert!(!host_allowed(Some(bad), "127.0.0.1"), "{bad}");
        }
        assert!(host_allowed(Some("10.0.0.7:4040"), "10.0.0.7"));
        assert!(host_allowed(Some("10.0.0.7:4040"), "0.0.0.0"));
        assert!(!host_allowed(Some("rebind.example:4040"), "0.0.0.0"));
    }
}
