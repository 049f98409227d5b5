//! The data model of `compare` and its peers: a [`Row`] per program, a
//! [`Run`] per time it ran, the [`Phases`] of a run as the server saw them,
//! the [`Agreement`] of their counts, and the [`Observed`] server they were
//! measured against. It imports no module of xtask but `parse`.

use flags_server::{Kind, RequestRecord, Stats, TestServer};

use crate::parse::{Counts, Report};

/// One line of the table: a program, run one or more times.
#[derive(Debug)]
pub struct Row {
    pub model: String,
    pub runs: Vec<Run>,
    /// With `--with-curl`: this row's wall time over that of the curl run
    /// paired with it, one ratio per pair (empty for curl's own rows).
    pub vs_curl: Vec<f64>,
}

impl Row {
    /// A row that is compared with nothing.
    pub fn new(model: impl Into<String>, runs: Vec<Run>) -> Row {
        Row { model: model.into(), runs, vs_curl: Vec::new() }
    }
}

/// What one run of one program did, from its report, from `wait4`, and
/// from the server.
#[derive(Debug, Clone)]
pub struct Run {
    pub report: Report,
    pub records: Vec<RequestRecord>,
    /// Seconds from spawn to exit, process start-up included.
    pub wall: f64,
    /// When the program was spawned, in seconds on the server's clock, the
    /// one of the records' `start` and `end` (0 on a server that is not
    /// ours): time zero of the run's timeline. It was reaped `wall` later.
    pub launched: f64,
    pub max_rss_kib: Option<u64>,
    /// `None` for a server that is not ours (`-s URL`).
    pub peak_in_flight: Option<u64>,
}

/// Where the wall time of one run went, in seconds on the server's clock
/// (over several runs, `Phases<Spread>`): `to_first_request`, `serving`
/// and `to_exit` add up to the wall time.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Phases<T = f64> {
    /// From the spawn to the first request head the server read: process
    /// start-up, `main`, the client's set-up, connecting.
    pub to_first_request: T,
    /// From the first request's arrival to the last one's, a part of
    /// `serving`: with as many connections as codes, how long it took to
    /// get every request out.
    pub arrival_spread: T,
    /// From the first arrival to the last response handed to its
    /// connection: on DELAY, mostly the server's own waiting.
    pub serving: T,
    /// From the last response to the reap: reading and saving it, joining,
    /// the final report, dropping connections, runtime and process exit.
    pub to_exit: T,
}

impl Run {
    /// `None` if the server recorded nothing (not ours, or no request).
    pub fn phases(&self) -> Option<Phases> {
        if self.records.is_empty() {
            return None;
        }
        let starts = self.records.iter().map(|r| r.start);
        let first_in = starts.clone().fold(f64::INFINITY, f64::min);
        let last_in = starts.fold(f64::NEG_INFINITY, f64::max);
        let ends = self.records.iter().map(|r| r.end);
        let last_out = ends.fold(f64::NEG_INFINITY, f64::max);
        Some(Phases {
            to_first_request: first_in - self.launched,
            arrival_spread: last_in - first_in,
            serving: last_out - first_in,
            to_exit: self.launched + self.wall - last_out,
        })
    }

    /// The codes in the order the server answered them, the order the
    /// client received its flags in.
    pub fn arrival(&self) -> Vec<String> {
        let mut records: Vec<&RequestRecord> = self.records.iter().collect();
        records.sort_by(|a, b| a.end.total_cmp(&b.end));
        records.iter().map(|r| code(&r.path)).collect()
    }

    /// The longest delay the server chose for any request of the run,
    /// seconds: no model can finish sooner, however concurrent.
    pub fn longest_delay(&self) -> f64 {
        self.records.iter().map(|r| r.delay).fold(0.0, f64::max)
    }

    /// Requests whose outcome depended on timing: those the client gave up
    /// on before the answer (the server records them as 499), or the errors
    /// it counted beyond those the server sent (timeouts, broken
    /// connections), whichever are more.
    pub fn timing_dependent(&self) -> u64 {
        let count = |f: fn(u16) -> bool| {
            self.records.iter().filter(|r| f(r.status)).count() as u64
        };
        let gave_up = count(|status| status == 499);
        let sent = count(|status| !matches!(status, 200..=299 | 404 | 499));
        gave_up.max(self.report.counts.errors.saturating_sub(sent))
    }
}

/// The country code of a flag path, `/flags/br/br.gif` → `BR`.
pub fn code(path: &str) -> String {
    path.split('/').nth(2).unwrap_or(path).to_uppercase()
}

/// Whether the rows agree, and if the question applies at all.
#[derive(Debug, serde::Serialize)]
pub struct Agreement {
    pub checked: bool,
    pub agree: bool,
    pub note: String,
}

impl Agreement {
    /// Compares every run's counts with the first row's first run.
    ///
    /// DELAY and ERROR draw each request's delay (and 418) from the seed
    /// and the request's ordinal on the server, reset before every run: the
    /// Nth request gets the same draw whichever code it asks for. So every
    /// model meets the same delays and the same number of 418s, though not
    /// on the same codes: on ERROR only the errors and OK + not found are
    /// compared, elsewhere all three counts. Off LOCAL, a request that timed
    /// out (which ones do depends on timing) skips the check, with a note.
    pub fn of(kind: Kind, rows: &[Row]) -> Agreement {
        let all_runs = || {
            rows.iter().flat_map(|row| {
                row.runs.iter().enumerate().map(move |(i, run)| (row, i, run))
            })
        };
        let unchecked =
            |note: String| Agreement { checked: false, agree: true, note };
        let Some((_, _, first)) = all_runs().next() else {
            return unchecked("no runs".into());
        };
        let key = |counts: Counts| match kind {
            Kind::Error => (counts.ok + counts.not_found, 0, counts.errors),
            Kind::Local | Kind::Delay => {
                (counts.ok, counts.not_found, counts.errors)
            }
        };
        let reference = first.report.counts;
        let timing_dependent: u64 =
            all_runs().map(|(_, _, run)| run.timing_dependent()).sum();
        if kind != Kind::Local && timing_dependent > 0 {
            return unchecked(format!(
                "not checked: {timing_dependent} requests timed out or failed \
                 on the client's side, and which ones depends on timing"
            ));
        }
        let runs = rows.iter().map(|row| row.runs.len()).max().unwrap_or(1);
        let differ: Vec<String> = all_runs()
            .filter(|(_, _, run)| key(run.report.counts) != key(reference))
            .map(|(row, i, run)| {
                let which = (runs > 1).then(|| format!(" run {}", i + 1));
                let which = which.unwrap_or_default();
                format!("{}{which}: {}", row.model, run.report.counts)
            })
            .collect();
        let what = if kind == Kind::Error {
            " (errors and OK + not found: 418s fall on different codes)"
        } else {
            ""
        };
        let (agree, model) = (differ.is_empty(), &rows[0].model);
        let note = if agree {
            format!("all runs agree{what}: {reference}")
        } else {
            format!("{model}: {reference}; but {}", differ.join("; "))
        };
        Agreement { checked: true, agree, note }
    }
}

/// A server the runs are measured against: reset before each run, read
/// after it.
pub trait Observed {
    fn reset(&self);
    /// `None` for a server that keeps no statistics for us.
    fn stats(&self) -> Option<Stats>;
}

/// One of our servers (`None` for one that is not ours, `-s URL`: nothing
/// to reset and nothing to read, so its runs have no records).
impl Observed for Option<(&TestServer, Kind)> {
    fn reset(&self) {
        if let Some((server, kind)) = self {
            server.reset_stats(*kind)
        }
    }
    fn stats(&self) -> Option<Stats> {
        self.map(|(server, kind)| server.stats(kind))
    }
}
