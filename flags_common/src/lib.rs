//! What the three flag clients share: the Rust counterpart of
//! `flags2_common.py`.
//!
//! `flags_sequential`, `flags_threadpool` and `flags_asyncio` each have
//! only `get_flag`, `download_one` and `download_many` (the thread pool
//! reuses the sequential `get_flag` and `download_one`, asyncio adds a
//! `supervisor`), and hand `download_many` to [`main`], which parses the command line, prints the reports and times
//! the run, exactly as `flags2_common.main(download_many, ...)` does.
//!
//! Layout:
//! - [`cli`]: the options, code expansion, the `SERVERS` table.
//! - [`report`]: the initial and final reports, byte for byte.
//! - [`status`]: `DownloadStatus`, the `Counter`, and `FlagError`.
//! - [`save`]: `save_flag`, atomic.
//! - [`progress`]: the tqdm-like bar.
//! - [`interrupt`]: Ctrl-C, the book's `KeyboardInterrupt`.
//! - [`limits`]: room under the open-file limit for `-m` connections.
//! - [`log`]: the `RUST_LOG` filter of the clients and the server.
//! - [`tls`]: the root certificates HTTPS trusts (`SSL_CERT_FILE`).
//! - [`panic_seam`]: in debug builds, a download made to panic on
//!   purpose, for the tests of what a panic does to a run.
//! - `steps`: what `main` does beyond the book's `main`, one call a step
//!   (SIGPIPE, tracing, Ctrl-C, the hint when the test server is down...).

pub mod cli;
pub mod interrupt;
pub mod limits;
pub mod log;
pub mod panic_seam;
pub mod progress;
pub mod report;
pub mod save;
pub mod status;
mod steps;
pub mod tls;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

pub use cli::{POP20_CC, SERVERS};
pub use interrupt::Interrupt;
pub use progress::{Progress, progress_bar};
pub use save::save_flag;
pub use status::{
    Counter, DownloadStatus, FlagError, raise_for_status, status_of,
};
pub use steps::{colours_on_stderr, restore_sigpipe};

/// The most a client keeps of one response body. A flag is a few KB; a
/// server that sends more than this is broken or hostile, and the download
/// fails with [`FlagError::TooLarge`] instead of growing memory.
pub const MAX_FLAG_BYTES: u64 = 10 * 1024 * 1024;

/// The most of an error page (404, 418...) a client reads, only so that its
/// connection can go back to the pool and serve the next code: a few
/// hundred bytes is normal.
pub const MAX_ERROR_PAGE_BYTES: u64 = 64 * 1024;

/// How many redirects a client follows before giving up on a code.
pub const MAX_REDIRECTS: u32 = 10;

// ANCHOR: idle_connections
/// How many idle connections a client's pool keeps, for `codes` downloads
/// with at most `concur_req` in flight: one per code that may still be
/// waiting for a connection when a download ends, so never more than
/// `concur_req`, and none when every code is in flight from the start.
///
/// A kept connection saves the next code a connect; one that no code will
/// ask for only waits to be closed at the end of the run, when closing
/// them all together delays the exit: see
/// docs/tuning.md#idle-connections.
pub fn idle_connections(codes: usize, concur_req: usize) -> usize {
    concur_req.min(codes.saturating_sub(concur_req))
}
// ANCHOR_END: idle_connections

/// What `main` hands to `download_many` besides the codes: the book's
/// `base_url`, `verbose` and `concur_req` arguments, plus what this port
/// adds (`timeout`, `dest`, and the Ctrl-C flag).
#[derive(Clone, Debug)]
pub struct Settings {
    /// Where the flags are, e.g. `http://localhost:8000/flags`.
    pub base_url: String,
    /// Print one line per code instead of the progress bar.
    pub verbose: bool,
    /// How many requests may be in flight at once: `min(-m, the binary's
    /// maximum, number of codes)`, lowered if the open-file limit cannot
    /// hold that many (see [`limits`]).
    pub concur_req: usize,
    /// How long one request may take, body included.
    pub timeout: Duration,
    /// The directory the flags are saved in.
    pub dest: PathBuf,
    /// Set by Ctrl-C: start no new download.
    pub interrupt: Interrupt,
}

impl Settings {
    /// The settings of a run of `options` with `concur_req` requests in
    /// flight, stopped early by `interrupt`.
    fn new(
        options: &cli::Options,
        concur_req: usize,
        interrupt: Interrupt,
    ) -> Settings {
        Settings {
            base_url: options.base_url.clone(),
            verbose: options.verbose,
            concur_req,
            timeout: options.timeout,
            dest: options.dest.clone(),
            interrupt,
        }
    }
}

/// The function each client passes to [`main`]: download the codes, return
/// how many ended in each status.
pub type DownloadMany = fn(&[String], &Settings) -> Counter;

/// Exit code when the command line is wrong (as the book's `sys.exit(2)`).
pub const EXIT_USAGE: u8 = 2;
/// Exit code when Ctrl-C stopped the run (128 + SIGINT, as shells report).
pub const EXIT_INTERRUPTED: u8 = 130;

/// The URL of one flag: `{base_url}/{cc}/{cc}.gif`, the code in lower case.
pub fn flag_url(base_url: &str, cc: &str) -> String {
    // Every client's `get_flag` starts here: where a test can make one
    // download panic, in debug builds (see `panic_seam`).
    panic_seam::panic_if_asked(cc);
    let cc = cc.to_lowercase();
    format!("{base_url}/{cc}/{cc}.gif")
}

// ANCHOR: main
/// `flags2_common.main`: parse the command line, report, run
/// `download_many`, report again. Returns the exit code: 0 when the run
/// completed (per-flag errors are counted, not fatal), 130 after Ctrl-C.
/// As the book's, it ends the process early on `--help` (0), a usage
/// error (2) or a destination it cannot save in (1).
pub fn main(
    download_many: DownloadMany,
    default_concur_req: usize,
    max_concur_req: usize,
) -> ExitCode {
    let (options, cc_list) = steps::process_args(default_concur_req);
    let actual_req = options.max_req.min(max_concur_req).min(cc_list.len());
    // Beyond the book, in one call: logs, the destination, room under the
    // open-file limit (docs/tuning.md#open-file-limit), Ctrl-C.
    let settings = steps::prepare(&options, actual_req);
    steps::initial_report(&cc_list, settings.concur_req, &options);
    let t0 = Instant::now();
    let counter = download_many(&cc_list, &settings);
    // The book's `final_report`, then the exit code (130 after Ctrl-C).
    steps::final_report(&counter, t0.elapsed(), &settings, &options)
}
// ANCHOR_END: main

#[cfg(test)]
mod tests {
    use super::*;

    /// A pool keeps a connection for each code still waiting for one:
    /// with 194 codes and 5 in flight, 5; with 194 and 150 in flight, the
    /// 44 that wait.
    #[test]
    fn idle_connections_serve_the_codes_still_waiting() {
        assert_eq!(idle_connections(194, 5), 5);
        assert_eq!(idle_connections(194, 150), 44);
        assert_eq!(idle_connections(194, 1), 1);
    }

    /// With every code in flight from the start (`-e -m 1000`, or one code
    /// sequentially), no connection is kept: no code would reuse it.
    #[test]
    fn every_code_in_flight_keeps_no_idle_connection() {
        assert_eq!(idle_connections(676, 676), 0);
        assert_eq!(idle_connections(1, 1), 0);
        assert_eq!(idle_connections(0, 1), 0);
    }

    /// The flag URL puts the code in lower case, twice, as the book does.
    #[test]
    fn flag_url_is_lower_case() {
        assert_eq!(
            flag_url("http://localhost:8000/flags", "BR"),
            "http://localhost:8000/flags/br/br.gif"
        );
    }
}
