//! `socketTextStream(host, port)`: Spark's SocketReceiver. A TCP client thread reads UTF-8
//! lines; on failure it warns like Spark (`Restarting receiver with delay 2000 ms: ...`) and
//! retries every 2 s, forever. Batch T takes the lines that arrived before T, one partition per
//! 200 ms block, as Spark's block generator cuts them.

use super::receiver::{ReceiverEnv, ReceiverHandle, sleep_unless};
use super::{DStreamGraph, DStreamOp, StreamId};
use crate::engine::clock::{ClockKind, now_ms};
use crate::engine::error::{StreamError, StreamingError};
use crate::engine::func::Record;
use crate::engine::listener::{ReceiverEvent, ReceiverInfo};
use crate::engine::rdd::Rdd;
use crate::engine::sink::OutputSink;
use crate::engine::time::Time;
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, ErrorKind};
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

/// Spark's `spark.streaming.receiverRestartDelay`.
const RESTART_DELAY_MS: u64 = 2000;
/// Spark's `spark.streaming.blockInterval`.
const BLOCK_INTERVAL_MS: i64 = 200;
/// Repeated connection failures are reported at most this often.
const WARN_EVERY_MS: i64 = 10_000;

struct Shared {
    host: String,
    port: u16,
    /// Received lines with their arrival time (wall-clock ms).
    buffer: Mutex<VecDeque<(i64, String)>>,
    stop: AtomicBool,
    clock: Mutex<ClockKind>,
}

/// The receiver half: owns the thread and the buffer of received lines.
pub struct SocketReceiver {
    shared: Arc<Shared>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

pub struct SocketInputDStream {
    receiver: Arc<SocketReceiver>,
}

impl SocketInputDStream {
    pub fn new(host: &str, port: u16) -> SocketInputDStream {
        SocketInputDStream {
            receiver: Arc::new(SocketReceiver {
                shared: Arc::new(Shared {
                    host: host.to_string(),
                    port,
                    buffer: Mutex::new(VecDeque::new()),
                    stop: AtomicBool::new(false),
                    clock: Mutex::new(ClockKind::Real),
                }),
                thread: Mutex::new(None),
            }),
        }
    }
}

impl ReceiverHandle for SocketReceiver {
    fn start(&self, env: &ReceiverEnv) -> Result<(), StreamingError> {
        if let Ok(mut c) = self.shared.clock.lock() {
            *c = env.clock;
        }
        self.shared.stop.store(false, Ordering::Relaxed);
        let shared = self.shared.clone();
        let env = env.clone();
        let handle = std::thread::Builder::new()
            .name(format!(
                "SocketReceiver-{}:{}",
                self.shared.host, self.shared.port
            ))
            .spawn(move || receive_forever(&shared, &env))
            .map_err(|e| {
                StreamingError::Invalid(format!("cannot start the socket receiver: {e}"))
            })?;
        if let Ok(mut t) = self.thread.lock() {
            *t = Some(handle);
        }
        Ok(())
    }

    fn stop(&self) {
        self.shared.stop.store(true, Ordering::Relaxed);
        let handle = self.thread.lock().ok().and_then(|mut t| t.take());
        if let Some(h) = handle {
            let _ = h.join();
        }
    }

    fn has_pending(&self) -> bool {
        self.shared
            .buffer
            .lock()
            .map(|b| !b.is_empty())
            .unwrap_or(false)
    }
}

/// Rate-limited warnings: the first at once, then at most every WARN_EVERY_MS.
struct Warner {
    last: Option<i64>,
    suppressed: u32,
}

impl Warner {
    fn warn(&mut self, sink: &dyn OutputSink, msg: &str) {
        let now = now_ms();
        if self.last.is_some_and(|l| now - l < WARN_EVERY_MS) {
            self.suppressed += 1;
            return;
        }
        if self.suppressed > 0 {
            sink.warn(&format!("{msg} (and {} more times)", self.suppressed));
        } else {
            sink.warn(msg);
        }
        self.last = Some(now);
        self.suppressed = 0;
    }
}

fn receiver_info(target: &str, active: bool, error: Option<String>) -> ReceiverInfo {
    ReceiverInfo {
        stream_id: 0,
        name: format!("SocketReceiver {target}"),
        active,
        last_error_time: error.as_ref().map(|_| now_ms()),
        last_error: error,
    }
}

fn receive_forever(shared: &Shared, env: &ReceiverEnv) {
    let target = format!("{}:{}", shared.host, shared.port);
    env.listeners
        .receiver_event(&ReceiverEvent::Started(receiver_info(&target, true, None)));
    let mut warner = Warner {
        last: None,
        suppressed: 0,
    };
    let mut had_trouble = false;
    while !shared.stop.load(Ordering::Relaxed) {
        let reason = match connect(&shared.host, shared.port) {
            Ok(stream) => {
                if had_trouble {
                    env.sink.info(&format!(
                        "ReceiverSupervisorImpl: Receiver connected to {target}"
                    ));
                }
                match receive_lines(shared, env, stream) {
                    Ok(()) => "Socket data stream had no more data".to_string(),
                    Err(e) => format!("Error receiving data: {e}"),
                }
            }
            Err(e) => format!("Error connecting to {target} ({e})"),
        };
        if shared.stop.load(Ordering::Relaxed) {
            break;
        }
        had_trouble = true;
        let message = format!("Restarting receiver with delay {RESTART_DELAY_MS} ms: {reason}");
        env.listeners
            .receiver_event(&ReceiverEvent::Error(receiver_info(
                &target,
                true,
                Some(message.clone()),
            )));
        warner.warn(&*env.sink, &format!("ReceiverSupervisorImpl: {message}"));
        sleep_unless(&shared.stop, RESTART_DELAY_MS);
    }
    env.listeners
        .receiver_event(&ReceiverEvent::Stopped(receiver_info(&target, false, None)));
}

fn connect(host: &str, port: u16) -> std::io::Result<TcpStream> {
    let mut last = std::io::Error::new(ErrorKind::NotFound, "no address");
    for addr in (host, port).to_socket_addrs()? {
        match TcpStream::connect_timeout(&addr, std::time::Duration::from_secs(2)) {
            Ok(s) => return Ok(s),
            Err(e) => last = e,
        }
    }
    Err(last)
}

/// Reads lines until EOF (Ok) or an error; checks the stop flag every 200 ms.
fn receive_lines(shared: &Shared, env: &ReceiverEnv, stream: TcpStream) -> std::io::Result<()> {
    stream.set_read_timeout(Some(std::time::Duration::from_millis(200)))?;
    let mut reader = BufReader::new(stream);
    let mut line = Vec::new();
    let mut warned_utf8 = false;
    let started = std::time::Instant::now();
    let mut received: u64 = 0;
    while !shared.stop.load(Ordering::Relaxed) {
        match reader.read_until(b'\n', &mut line) {
            Ok(0) => {
                if !line.is_empty() {
                    push_line(shared, env, &mut line, &mut warned_utf8);
                }
                return Ok(());
            }
            Ok(_) if line.ends_with(b"\n") => {
                push_line(shared, env, &mut line, &mut warned_utf8);
                received += 1;
                throttle(env.max_rate, received, started, &shared.stop);
            }
            Ok(_) => {}
            Err(e)
                if matches!(
                    e.kind(),
                    ErrorKind::WouldBlock | ErrorKind::TimedOut | ErrorKind::Interrupted
                ) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// `--receiver-max-rate`: sleeps so that `received` records take at least received/rate s.
fn throttle(max_rate: Option<u64>, received: u64, started: std::time::Instant, stop: &AtomicBool) {
    let Some(rate) = max_rate.filter(|r| *r > 0) else {
        return;
    };
    let due_ms = received * 1000 / rate;
    let elapsed = started.elapsed().as_millis() as u64;
    if due_ms > elapsed {
        sleep_unless(stop, due_ms - elapsed);
    }
}

fn push_line(shared: &Shared, env: &ReceiverEnv, line: &mut Vec<u8>, warned_utf8: &mut bool) {
    if line.ends_with(b"\n") {
        line.pop();
    }
    if line.ends_with(b"\r") {
        line.pop();
    }
    let text = match String::from_utf8(std::mem::take(line)) {
        Ok(s) => s,
        Err(e) => {
            if !*warned_utf8 {
                env.sink.warn(&format!(
                    "SocketReceiver: invalid UTF-8 from {}:{}; replaced with U+FFFD",
                    shared.host, shared.port
                ));
                *warned_utf8 = true;
            }
            String::from_utf8_lossy(e.as_bytes()).into_owned()
        }
    };
    if let Ok(mut b) = shared.buffer.lock() {
        b.push_back((now_ms(), text));
    }
}

/// Lines arrived before `t` (all of them under a simulated clock), one partition per block.
fn take_batch(shared: &Shared, t: Time) -> Vec<Vec<Record>> {
    let simulated = shared
        .clock
        .lock()
        .map(|c| c.is_simulated())
        .unwrap_or(false);
    let mut buffer = match shared.buffer.lock() {
        Ok(b) => b,
        Err(p) => p.into_inner(),
    };
    let mut blocks: Vec<Vec<Record>> = Vec::new();
    let mut block_of = i64::MIN;
    while let Some((at, _)) = buffer.front() {
        if !simulated && *at >= t.ms() {
            break;
        }
        let at = *at;
        let Some((_, text)) = buffer.pop_front() else {
            break;
        };
        if blocks.is_empty() || at.div_euclid(BLOCK_INTERVAL_MS) != block_of {
            block_of = at.div_euclid(BLOCK_INTERVAL_MS);
            blocks.push(Vec::new());
        }
        if let Some(b) = blocks.last_mut() {
            b.push(Record::from(text));
        }
    }
    blocks
}

impl DStreamOp for SocketInputDStream {
    fn parents(&self) -> Vec<StreamId> {
        Vec::new()
    }

    fn input_drained(&self) -> Option<bool> {
        // A live source is never "done" (the stream never stops by itself).
        Some(false)
    }

    fn receiver(&self) -> Option<Arc<dyn ReceiverHandle>> {
        Some(self.receiver.clone())
    }

    fn compute(
        &self,
        g: &mut DStreamGraph,
        _me: StreamId,
        t: Time,
    ) -> Result<Option<Rdd>, StreamError> {
        let blocks = take_batch(&self.receiver.shared, t);
        Ok(Some(Rdd::from_partitions(g.sc.clone(), blocks)))
    }
}
