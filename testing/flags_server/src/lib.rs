//! The offline test servers of the workspace: LOCAL, DELAY and ERROR.
//!
//! The book downloads flags from its public site, and for experiments it
//! serves a local copy with `python3 -m http.server` (LOCAL) and its own
//! `slow_server.py`, which sleeps before each GET (DELAY) and sometimes
//! answers `418 I'm a Teapot` instead (ERROR). This crate is those servers,
//! serving a built-in corpus of flags (the `flags_corpus` crate) so nothing
//! needs the internet, plus the request statistics (`/stats`) that let
//! `cargo xtask compare` draw what each concurrency model did.
//!
//! Layout:
//! - [`corpus`]: the generated GIFs and `metadata.json` of the 194
//!   countries, the `flags_corpus` crate;
//! - [`routes`]: how a request path maps to a file, the security boundary
//!   for `--directory`;
//! - [`server`]: [`run`], the accept loop and the request handler;
//! - [`stats`]: the counters and per-request records behind `/stats`;
//! - [`test_server`]: [`TestServer`], all three servers on port 0 on a
//!   thread of their own, for tests and xtask;
//! - [`cli`]: the command-line options and `serve`, the binary's body.
//!
//! The clients' test harness, which runs them against these servers and
//! against a deliberately broken one, is the `flags_testkit` crate: a
//! dev-dependency only, so none of it is built into the server.

pub mod cli;
pub mod routes;
pub mod server;
pub mod stats;
pub mod test_server;

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

pub use flags_corpus as corpus;
pub use server::{ServerState, bind, run};
pub use stats::{RequestRecord, Stats};
pub use test_server::TestServer;

/// The three servers of the chapter.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, clap::ValueEnum,
)]
pub enum Kind {
    /// Answers at once, like `python3 -m http.server` (port 8000).
    Local,
    /// Waits a random delay before each GET, like `slow_server.py` (8001).
    Delay,
    /// Same delay, then `418 I'm a Teapot` at the error rate (8002).
    Error,
}

impl Kind {
    /// All three, in the order of their ports.
    pub const ALL: [Kind; 3] = [Kind::Local, Kind::Delay, Kind::Error];

    /// The book's port for this server.
    pub fn default_port(self) -> u16 {
        match self {
            Kind::Local => 8000,
            Kind::Delay => 8001,
            Kind::Error => 8002,
        }
    }

    /// Whether GETs wait a random delay first.
    pub fn delays(self) -> bool {
        matches!(self, Kind::Delay | Kind::Error)
    }

    /// Whether GETs may be answered with 418.
    pub fn fails(self) -> bool {
        matches!(self, Kind::Error)
    }
}

impl fmt::Display for Kind {
    /// The label the clients' `-s` option uses: LOCAL, DELAY, ERROR.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Kind::Local => "LOCAL",
            Kind::Delay => "DELAY",
            Kind::Error => "ERROR",
        })
    }
}

/// How the servers behave. `Config::default()` is the book's
/// `slow_server.py`: delays uniform in 0.5..5.0 s, error rate 0.25.
#[derive(Clone, Debug)]
pub struct Config {
    /// Shortest delay DELAY and ERROR wait before answering a GET.
    pub min_delay: Duration,
    /// Longest delay (inclusive bound of the uniform draw).
    pub max_delay: Duration,
    /// Probability that ERROR answers a GET with 418.
    pub error_rate: f64,
    /// With a seed, the delay and the 418 draw of the Nth request on a
    /// port depend only on the seed and N, so a run can be repeated.
    pub seed: Option<u64>,
    /// Serve `DIR/<cc>/<cc>.gif` and `DIR/<cc>/metadata.json` from this
    /// directory instead of the built-in corpus.
    pub directory: Option<PathBuf>,
    /// A connection that has not sent a complete request head this long
    /// after it opened (or after its last response) is closed, so idle
    /// sockets (slowloris) cannot pile up.
    pub header_timeout: Duration,
    /// On shutdown, how long requests in flight may take to finish before
    /// their connections are dropped.
    pub shutdown_grace: Duration,
    /// How many per-request records `/stats` keeps; past this, counters
    /// still count but records are dropped (and counted as dropped), so a
    /// benchmark of millions of requests cannot exhaust memory.
    pub max_records: usize,
    /// Print one line per request on stderr as it ends, with its delay,
    /// as `slow_server.py` (Python's `http.server`) prints one per request.
    /// On stderr, as `http.server` logs, so that stdout keeps only the
    /// start-up lines, which scripts read for the URLs.
    pub verbose: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            min_delay: Duration::from_millis(500),
            max_delay: Duration::from_millis(5000),
            error_rate: 0.25,
            seed: None,
            directory: None,
            header_timeout: Duration::from_secs(10),
            shutdown_grace: Duration::from_secs(10),
            max_records: 100_000,
            verbose: false,
        }
    }
}

impl Config {
    /// The book's behaviour at a thousandth of the speed, reproducible:
    /// delays of 1–5 ms, error rate 0.25, seed 42. What tests want.
    pub fn fast() -> Self {
        Config {
            min_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(5),
            seed: Some(42),
            shutdown_grace: Duration::from_secs(2),
            ..Config::default()
        }
    }
    /// [`Config::fast`], with every DELAY between `min` and `max`.
    pub fn delays(min: Duration, max: Duration) -> Self {
        Config { min_delay: min, max_delay: max, ..Config::fast() }
    }
}
