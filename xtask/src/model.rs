//! The data model of `compare` and its peers: a [`Row`] per program, a
//! [`Run`] per time it ran, the [`Agreement`] of their counts, and the
//! [`Observed`] server they were measured against.
//!
//! Every other module of xtask may import this one; it imports none of
//! them but `parse`, whose [`Report`] a run carries, so the modules form no
//! circle.

use flags_server::{Kind, RequestRecord, Stats, TestServer};

use crate::parse::Report;

/// One line of the table: a program, run one or more times.
#[derive(Debug)]
pub struct Row {
    pub model: String,
    pub runs: Vec<Run>,
}

/// What one run of one program did, from its report, from `wait4`, and
/// from the server.
#[derive(Debug, Clone)]
pub struct Run {
    pub report: Report,
    /// Seconds from spawn to exit, process start-up included.
    pub wall: f64,
    pub max_rss_kib: Option<u64>,
    pub peak_in_flight: u64,
    /// The server's uptime when its statistics were reset for this run:
    /// time zero of the run's timeline.
    pub t0: f64,
    pub records: Vec<RequestRecord>,
}

impl Run {
    /// Requests the client gave up on before the server answered: the
    /// server records them with status 499.
    pub fn timed_out(&self) -> usize {
        self.records.iter().filter(|r| r.status == 499).count()
    }

    /// Errors the client counted beyond the error statuses the server
    /// sent: timeouts and broken connections, which depend on timing.
    pub fn client_side_errors(&self) -> u64 {
        let server_errors = self
            .records
            .iter()
            .filter(|r| !matches!(r.status, 200..=299 | 404 | 499))
            .count() as u64;
        self.report.counts.errors.saturating_sub(server_errors)
    }
}

/// Whether the rows agree, and if the question applies at all.
#[derive(Debug, serde::Serialize)]
pub struct Agreement {
    pub checked: bool,
    pub agree: bool,
    pub note: String,
}

/// A server the runs are measured against: reset before each run, read
/// after it.
pub trait Observed {
    fn reset(&self);
    fn stats(&self) -> Stats;
}

impl Observed for (&TestServer, Kind) {
    fn reset(&self) {
        self.0.reset_stats(self.1)
    }
    fn stats(&self) -> Stats {
        self.0.stats(self.1)
    }
}
