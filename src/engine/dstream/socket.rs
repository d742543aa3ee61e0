//! `socketTextStream(host, port)`: Spark's SocketReceiver. A TCP client thread reads UTF-8
//! lines; on failure it warns like Spark (`Restarting receiver with delay 2000 ms: ...`) and
//! retries every 2 s, forever. Batch T takes the lines that arrived before T, one partition per
//! 200 ms block, as Spark's block generator cuts them.

use super::receiver::{ReceiverEnv, ReceiverHandle, Warner, sleep_unless};
use super::wal::{WalEntry, WriteAheadLog};
use super::{DStreamGraph, DStreamOp, StreamId};
use crate::checkpoint::SourceState;
use crate::clock::{ClockKind, now_ms};
use crate::error::{ComputeError, StreamingError};
use crate::listener::{ReceiverEvent, ReceiverInfo};
use crate::lock;
use crate::rdd::Rdd;
use crate::rdd::source::{LineBlock, ReceivedBlock};
use crate::time::Time;
use lines::Lines;
use std::collections::{BTreeMap, VecDeque};
use std::io::{ErrorKind, Read};
use std::net::{TcpStream, ToSocketAddrs};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

mod lines;

/// Spark's `spark.streaming.receiverRestartDelay`.
const RESTART_DELAY_MS: u64 = 2000;
/// Spark's `spark.streaming.blockInterval`.
const BLOCK_INTERVAL_MS: i64 = 200;

struct Shared {
    host: String,
    port: u16,
    /// Received lines: arrival time (wall-clock ms), sequence number, text. Also guards the
    /// write-ahead log, so the log's order is the buffer's.
    buffer: Mutex<Buffer>,
    stop: AtomicBool,
    clock: Mutex<ClockKind>,
}

#[derive(Default)]
struct Buffer {
    /// Lines not taken yet, with their arrival time and sequence number, stored compactly.
    lines: Lines,
    next_seq: u64,
    /// The last sequence number a batch took.
    taken_seq: u64,
    wal: Option<WriteAheadLog>,
    /// Restored from a log: the log's path, and which lines pending batches took.
    restored_wal: Option<PathBuf>,
    replay: BTreeMap<i64, u64>,
    wal_failed: bool,
    /// The lines consumed at the last data checkpoints: the log keeps what the oldest kept
    /// checkpoint still needs.
    saved_marks: VecDeque<u64>,
    /// `spark.streaming.receiver.writeAheadLog.rollingIntervalSecs`, read at start.
    wal_rolling_secs: Option<u64>,
}

/// The receiver half: owns the thread and the buffer of received lines.
pub struct SocketReceiver {
    shared: Arc<Shared>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

pub struct SocketInputDStream {
    receiver: Arc<SocketReceiver>,
    /// Copies of each received block in a local cluster: 2 with socketTextStream's default
    /// storage level (MEMORY_AND_DISK_SER_2), 1 with MEMORY_ONLY.
    copies: usize,
}

impl SocketInputDStream {
    pub fn new(host: &str, port: u16) -> SocketInputDStream {
        SocketInputDStream::with_copies(host, port, 2)
    }

    pub fn with_copies(host: &str, port: u16, copies: usize) -> SocketInputDStream {
        SocketInputDStream {
            copies: copies.clamp(1, 2),
            receiver: Arc::new(SocketReceiver {
                shared: Arc::new(Shared {
                    host: host.to_string(),
                    port,
                    buffer: Mutex::new(Buffer::default()),
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
        *lock(&self.shared.clock) = env.clock;
        self.open_wal(env)?;
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
        *lock(&self.thread) = Some(handle);
        Ok(())
    }

    fn stop(&self) {
        self.shared.stop.store(true, Ordering::Relaxed);
        let handle = lock(&self.thread).take();
        if let Some(h) = handle {
            let _ = h.join();
        }
    }

    fn has_pending(&self) -> bool {
        !lock(&self.shared.buffer).lines.is_empty()
    }

    fn runs_on_executor(&self) -> bool {
        true
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
    let mut warner = Warner::default();
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

/// Reads lines until EOF (Ok) or an error; checks the stop flag after every read (at least
/// every 200 ms). Reads what arrived rather than waiting for a whole line, so a server that
/// drips bytes without a newline cannot hold `ssc.stop()`.
fn receive_lines(shared: &Shared, env: &ReceiverEnv, mut stream: TcpStream) -> std::io::Result<()> {
    stream.set_read_timeout(Some(std::time::Duration::from_millis(200)))?;
    let mut chunk = vec![0u8; 64 * 1024];
    let mut line = Vec::new();
    let mut warned_utf8 = false;
    let started = std::time::Instant::now();
    let mut received: u64 = 0;
    while !shared.stop.load(Ordering::Relaxed) {
        match stream.read(&mut chunk) {
            Ok(0) => {
                if !line.is_empty() {
                    push_line(shared, env, &mut line, &mut warned_utf8);
                }
                return Ok(());
            }
            Ok(n) => {
                for piece in chunk[..n].split_inclusive(|b| *b == b'\n') {
                    line.extend_from_slice(piece);
                    if line.ends_with(b"\n") {
                        push_line(shared, env, &mut line, &mut warned_utf8);
                        received += 1;
                        throttle(env.max_rate, received, started, &shared.stop);
                    }
                }
            }
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
    // The line's bytes are copied into the buffer, so `line` is reused for the next one.
    let text = match std::str::from_utf8(line) {
        Ok(s) => std::borrow::Cow::Borrowed(s),
        Err(_) => {
            if !*warned_utf8 {
                env.sink.warn(&format!(
                    "SocketReceiver: invalid UTF-8 from {}:{}; replaced with U+FFFD",
                    shared.host, shared.port
                ));
                *warned_utf8 = true;
            }
            String::from_utf8_lossy(line)
        }
    };
    let mut b = lock(&shared.buffer);
    let arrival = now_ms();
    // Logged before it counts as received.
    if let Some(wal) = b.wal.as_mut()
        && let Err(e) = wal.append_line(arrival, &text)
        && !b.wal_failed
    {
        env.sink.warn(&format!(
            "SocketReceiver: cannot write the write-ahead log: {e}"
        ));
        b.wal_failed = true;
    }
    b.next_seq += 1;
    let seq = b.next_seq;
    b.lines.push(arrival, seq, &text);
    drop(b);
    line.clear();
}

/// Lines arrived before `t` (all of them under a simulated clock), one partition per block.
/// A batch re-run after a crash takes exactly the lines the log says it took.
/// The lines batch `t` takes, one block per 200 ms of arrival, each with its start (ms).
fn take_batch(shared: &Shared, t: Time) -> Vec<(i64, LineBlock)> {
    let simulated = lock(&shared.clock).is_simulated();
    let mut buffer = lock(&shared.buffer);
    let replay_upto = buffer.replay.remove(&t.ms());
    let mut blocks: Vec<(i64, LineBlock)> = Vec::new();
    let mut block_of = i64::MIN;
    let mut taken_seq = buffer.taken_seq;
    while let Some((at, seq, text)) = buffer.lines.front() {
        let take = match replay_upto {
            Some(last) => seq <= last,
            None => simulated || at < t.ms(),
        };
        if !take {
            break;
        }
        taken_seq = seq;
        if blocks.is_empty() || at.div_euclid(BLOCK_INTERVAL_MS) != block_of {
            block_of = at.div_euclid(BLOCK_INTERVAL_MS);
            blocks.push((block_of * BLOCK_INTERVAL_MS, LineBlock::default()));
        }
        if let Some((_, b)) = blocks.last_mut() {
            b.push(text);
        }
        buffer.lines.pop_front();
    }
    buffer.taken_seq = taken_seq;
    let taken = buffer.taken_seq;
    if let Some(wal) = buffer.wal.as_mut() {
        let _ = wal.mark_batch(t.ms(), taken);
    }
    blocks
}

/// `spark.streaming.receiver.writeAheadLog.rollingIntervalSecs`, default 60 s as in Spark.
fn wal_rolling_interval(secs: Option<u64>) -> std::time::Duration {
    std::time::Duration::from_secs(secs.unwrap_or(60))
}

impl SocketReceiver {
    /// With a write-ahead log directory: continue the restored log, or start a fresh one.
    fn open_wal(&self, env: &ReceiverEnv) -> Result<(), StreamingError> {
        let Some(dir) = &env.wal_dir else {
            return Ok(());
        };
        let mut b = lock(&self.shared.buffer);
        b.wal_rolling_secs = env.wal_rolling_secs;
        let fresh = b.restored_wal.is_none();
        let path = b
            .restored_wal
            .clone()
            .unwrap_or_else(|| dir.join(format!("{}_{}.log", self.shared.host, self.shared.port)));
        let wal = WriteAheadLog::open(&path, fresh).map_err(|e| {
            StreamingError::Invalid(format!(
                "cannot open the write-ahead log {}: {e}",
                path.display()
            ))
        })?;
        b.wal = Some(wal);
        Ok(())
    }

    fn save(&self) -> Option<SourceState> {
        let mut b = lock(&self.shared.buffer);
        let consumed = b.taken_seq;
        b.saved_marks.push_back(consumed);
        while b.saved_marks.len() > crate::checkpoint::store::KEEP {
            b.saved_marks.pop_front();
        }
        let keep_after = (b.saved_marks.len() == crate::checkpoint::store::KEEP)
            .then(|| b.saved_marks.front().copied())
            .flatten();
        let rolling = wal_rolling_interval(b.wal_rolling_secs);
        let wal = b.wal.as_mut()?;
        if let Some(keep_after) = keep_after
            && wal.roll_due(rolling)
        {
            // A failure (a full disk) leaves the old log whole: nothing is lost, and the
            // next append reports the disk.
            let _ = wal.compact(keep_after);
        }
        Some(SourceState::Socket {
            wal: wal.path().to_string_lossy().to_string(),
            consumed,
        })
    }

    /// Received but unprocessed lines come back from the log, and pending batches will take
    /// the same lines they took before the crash.
    fn restore(&self, state: &SourceState) -> Result<(), String> {
        let SourceState::Socket { wal, consumed } = state else {
            return Err("the checkpoint has another kind of source here".into());
        };
        let path = PathBuf::from(wal);
        let entries = super::wal::read(&path)
            .map_err(|e| format!("cannot read the write-ahead log {wal}: {e}"))?;
        let mut b = lock(&self.shared.buffer);
        b.lines.clear();
        b.replay.clear();
        b.next_seq = 0;
        for entry in entries {
            match entry {
                WalEntry::Line {
                    seq,
                    arrival_ms,
                    text,
                } => {
                    b.next_seq = seq;
                    if seq > *consumed {
                        b.lines.push(arrival_ms, seq, &text);
                    }
                }
                WalEntry::Batch { batch_ms, last_seq } if last_seq > *consumed => {
                    b.replay.insert(batch_ms, last_seq);
                }
                WalEntry::Batch { .. } => {}
            }
        }
        b.taken_seq = *consumed;
        b.restored_wal = Some(path);
        Ok(())
    }
}

impl DStreamOp for SocketInputDStream {
    fn parents(&self) -> Vec<StreamId> {
        Vec::new()
    }

    fn is_input(&self) -> bool {
        true
    }

    fn receiver(&self) -> Option<Arc<dyn ReceiverHandle>> {
        Some(self.receiver.clone())
    }

    fn save_source(&self) -> Option<SourceState> {
        self.receiver.save()
    }

    fn restore_source(&self, state: &SourceState) -> Result<(), String> {
        self.receiver.restore(state)
    }

    fn compute(
        &self,
        g: &mut DStreamGraph,
        me: StreamId,
        t: Time,
    ) -> Result<Option<Rdd>, ComputeError> {
        let blocks = take_batch(&self.receiver.shared, t);
        let logged = lock(&self.receiver.shared.buffer).wal.is_some();
        let executors = g.sc.executors();
        let blocks = blocks
            .into_iter()
            .enumerate()
            .map(|(i, (start_ms, lines))| {
                let on = executors.block_executors(me, self.copies);
                // The lab's `lose-block`: decided as the batch's blocks are made, in order.
                let dropped = g.sc.faults().take_block_loss(me, g.sc.batch());
                ReceivedBlock {
                    id: format!("input-{me}-{}", start_ms + i as i64),
                    lines,
                    executors: on,
                    dropped,
                }
            })
            .collect();
        Ok(Some(crate::rdd::source::received_blocks(
            &g.sc,
            blocks,
            logged,
            "socketTextStream at NativeMethodAccessorImpl.java:0",
        )))
    }
}
