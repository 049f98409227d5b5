//! Request statistics: what `/stats` answers and `TestServer::stats` returns.
//!
//! The book has nothing like it; it exists so that `cargo xtask compare` can
//! show how each concurrency model used the server: how many requests were
//! in flight at once (1 for `flags.py`, up to `-m` for the pools) and when
//! each request started and ended, enough to draw a timeline.
//!
//! Counters that every request touches are atomics, so requests on
//! different threads never wait for one another to count. The records and
//! the per-status counts sit behind one `std::sync::Mutex`, taken once per
//! finished request for a push; a std mutex, not tokio's, because nothing
//! awaits while it is held.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

/// A snapshot of one server's statistics, as `GET /stats` returns it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Stats {
    /// Requests received (request heads read), `/stats` itself excluded.
    pub requests: u64,
    /// Finished requests by the status sent. 499 (nginx's "client closed
    /// request") counts requests whose client went away before the answer.
    pub by_status: BTreeMap<u16, u64>,
    /// Requests being handled now: head read, response not yet written.
    pub in_flight: u64,
    /// The most requests ever in flight at once.
    pub peak_in_flight: u64,
    /// Body bytes sent.
    pub bytes: u64,
    /// Seconds since the server started.
    pub uptime: f64,
    /// One record per finished request, in the order they finished.
    pub records: Vec<RequestRecord>,
    /// Records left out because `Config::max_records` was reached.
    #[serde(default)]
    pub records_dropped: u64,
}

/// One finished request. Times are seconds since the server started.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct RequestRecord {
    pub method: String,
    pub path: String,
    pub status: u16,
    /// When the request head had been read.
    pub start: f64,
    /// When the response had been handed to the connection (or dropped).
    pub end: f64,
    /// Which connection carried it: numbered from 1 in accept order, so
    /// keep-alive reuse shows as several records with one number.
    pub connection: u64,
    /// Seconds the server waited on purpose before answering (DELAY/ERROR).
    pub delay: f64,
    /// Body bytes sent (0 for HEAD).
    pub bytes: u64,
}

/// The live counters of one server (one port, all its addresses).
#[derive(Debug)]
pub(crate) struct Recorder {
    started: Instant,
    max_records: usize,
    /// Also the N of the Nth request, which the seeded draws are keyed on.
    requests: AtomicU64,
    in_flight: AtomicU64,
    peak_in_flight: AtomicU64,
    bytes: AtomicU64,
    connections: AtomicU64,
    finished: Mutex<Finished>,
}

#[derive(Debug, Default)]
struct Finished {
    by_status: BTreeMap<u16, u64>,
    records: Vec<RequestRecord>,
    dropped: u64,
}

impl Recorder {
    pub(crate) fn new(max_records: usize) -> Self {
        Recorder {
            started: Instant::now(),
            max_records,
            requests: AtomicU64::new(0),
            in_flight: AtomicU64::new(0),
            peak_in_flight: AtomicU64::new(0),
            bytes: AtomicU64::new(0),
            connections: AtomicU64::new(0),
            finished: Mutex::new(Finished::default()),
        }
    }

    /// Seconds since the server started.
    pub(crate) fn now(&self) -> f64 {
        self.started.elapsed().as_secs_f64()
    }

    /// A new connection's number, from 1.
    pub(crate) fn next_connection(&self) -> u64 {
        self.connections.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// Counts a request whose head just arrived; returns its ordinal N
    /// (from 0) on this server.
    pub(crate) fn begin(&self) -> u64 {
        let n = self.requests.fetch_add(1, Ordering::Relaxed);
        let now = self.in_flight.fetch_add(1, Ordering::Relaxed) + 1;
        self.peak_in_flight.fetch_max(now, Ordering::Relaxed);
        n
    }

    /// Counts a request as finished and keeps its record.
    pub(crate) fn finish(&self, record: RequestRecord) {
        self.in_flight.fetch_sub(1, Ordering::Relaxed);
        self.bytes.fetch_add(record.bytes, Ordering::Relaxed);
        let mut finished = self.lock();
        *finished.by_status.entry(record.status).or_default() += 1;
        if finished.records.len() < self.max_records {
            finished.records.push(record);
        } else {
            finished.dropped += 1;
        }
    }

    pub(crate) fn snapshot(&self) -> Stats {
        let finished = self.lock();
        Stats {
            requests: self.requests.load(Ordering::Relaxed),
            by_status: finished.by_status.clone(),
            in_flight: self.in_flight.load(Ordering::Relaxed),
            peak_in_flight: self.peak_in_flight.load(Ordering::Relaxed),
            bytes: self.bytes.load(Ordering::Relaxed),
            uptime: self.now(),
            records: finished.records.clone(),
            records_dropped: finished.dropped,
        }
    }

    /// Clears counters, records and the peak, so a second client run on
    /// the same server starts from zero and, with a seed, meets the same
    /// delays and errors as the first. Requests in flight stay counted
    /// as in flight (they are), and the peak restarts from them.
    pub(crate) fn reset(&self) {
        let mut finished = self.lock();
        *finished = Finished::default();
        self.requests.store(0, Ordering::Relaxed);
        self.bytes.store(0, Ordering::Relaxed);
        let now = self.in_flight.load(Ordering::Relaxed);
        self.peak_in_flight.store(now, Ordering::Relaxed);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Finished> {
        // A panic while holding this lock can only come from a bug in this
        // file; the data is plain counters, still usable, so carry on.
        self.finished.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Seconds as f64, for records.
pub(crate) fn secs(duration: Duration) -> f64 {
    duration.as_secs_f64()
}
