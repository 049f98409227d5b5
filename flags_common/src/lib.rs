//! What the three flag clients share: the Rust counterpart of
//! `flags2_common.py`.
//!
//! `flags_sequential`, `flags_threadpool` and `flags_asyncio` each write
//! only `get_flag`, `download_one` and `download_many`, and hand the last to
//! [`main`], which parses the command line, prints the reports and times
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
//! - [`tls`]: the root certificates HTTPS trusts (`SSL_CERT_FILE`).

pub mod cli;
pub mod interrupt;
pub mod limits;
pub mod progress;
pub mod report;
pub mod save;
pub mod status;
pub mod tls;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

pub use cli::{POP20_CC, SERVERS};
pub use interrupt::Interrupt;
pub use progress::{Progress, progress_bar};
pub use save::save_flag;
pub use status::{Counter, DownloadStatus, FlagError};

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

/// How many idle connections a client's pool keeps, for `codes` downloads
/// with at most `concur_req` in flight: one per code that may still be
/// waiting for a connection when a download ends, so never more than
/// `concur_req`, and none when every code is in flight from the start.
///
/// A kept connection saves the next code a connect; one that no code will
/// ask for only waits to be closed at the end of the run. With `-e -m
/// 1000`, closing 676 connections together after the last flag kept both
/// concurrent clients 16-20 ms from exiting (`cargo xtask compare
/// --breakdown`, "last response → exit"; 4-10 ms since); kept by no pool,
/// each closes as its download ends, while the others are still waiting
/// for their flags.
pub fn idle_connections(codes: usize, concur_req: usize) -> usize {
    concur_req.min(codes.saturating_sub(concur_req))
}

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

/// The function each client passes to [`main`]: download the codes, return
/// how many ended in each status.
pub type DownloadMany = fn(&[String], &Settings) -> Counter;

/// Exit code when the command line is wrong (as the book's `sys.exit(2)`).
pub const EXIT_USAGE: u8 = 2;
/// Exit code when Ctrl-C stopped the run (128 + SIGINT, as shells report).
pub const EXIT_INTERRUPTED: u8 = 130;

/// The URL of one flag: `{base_url}/{cc}/{cc}.gif`, the code in lower case.
pub fn flag_url(base_url: &str, cc: &str) -> String {
    let cc = cc.to_lowercase();
    format!("{base_url}/{cc}/{cc}.gif")
}

// ANCHOR: main
/// `flags2_common.main`: parse the command line, report, run
/// `download_many`, report again. Returns the exit code: 0 when the run
/// completed (per-flag errors are counted, not fatal), 2 for a usage
/// error, 1 when the destination cannot be used, 130 after Ctrl-C.
pub fn main(
    download_many: DownloadMany,
    default_concur_req: usize,
    max_concur_req: usize,
) -> ExitCode {
    restore_sigpipe();
    let bin_name = bin_name();
    let options = match cli::process_args(
        std::env::args_os(),
        &bin_name,
        default_concur_req,
    ) {
        Ok(options) => options,
        Err(cli::ParseOutcome::Help(text)) => {
            print!("{text}");
            return ExitCode::SUCCESS;
        }
        Err(cli::ParseOutcome::Usage(error)) => {
            eprintln!("{error}");
            eprintln!("{}", error.usage);
            return ExitCode::from(EXIT_USAGE);
        }
    };
    init_tracing();

    // Fail once, before any request, if the flags could not be saved.
    if let Err(error) = save::prepare_dest(&options.dest) {
        eprintln!(
            "{bin_name}: cannot save flags in {}: {error}",
            options.dest.display()
        );
        return ExitCode::FAILURE;
    }
    let cc_list = &options.cc_list;
    let actual_req = options.max_req.min(max_concur_req).min(cc_list.len());
    // Room for every connection and save under the open-file limit, or
    // fewer connections and one line saying so: see `limits`.
    let fit = limits::fit_concurrency(actual_req);
    if let Some(notice) =
        limits::lowered_notice(options.max_req, actual_req, &fit)
    {
        eprintln!("{notice}");
    }
    let actual_req = fit.concur_req;
    // After `fit_concurrency`: the handler starts a thread, and the table
    // of descriptors is best grown while there is only one (see
    // `limits::reserve_descriptors`).
    let interrupt = match Interrupt::install() {
        Ok(interrupt) => interrupt,
        Err(error) => {
            eprintln!("{bin_name}: cannot handle Ctrl-C: {error}");
            return ExitCode::FAILURE;
        }
    };

    let mut stdout = std::io::stdout();
    // Printing to stdout can only fail if stdout is closed; there is no
    // one left to tell, so those errors are ignored.
    let _ = report::initial_report(
        &mut stdout,
        cc_list,
        actual_req,
        &options.server_label,
        &options.base_url,
    );
    let _ = stdout.flush();

    let settings = Settings {
        base_url: options.base_url.clone(),
        verbose: options.verbose,
        concur_req: actual_req,
        timeout: options.timeout,
        dest: options.dest.clone(),
        interrupt: interrupt.clone(),
    };
    let t0 = Instant::now();
    let counter = download_many(cc_list, &settings);
    let _ = report::final_report(&mut stdout, &counter, t0.elapsed());

    let all_failed = counter.total() > 0
        && counter[DownloadStatus::Error] == counter.total();
    if all_failed
        && let Some(hint) =
            server_down_hint(&options.server_label, &options.base_url)
    {
        eprintln!("{hint}");
    }
    if interrupt.is_set() {
        ExitCode::from(EXIT_INTERRUPTED)
    } else {
        ExitCode::SUCCESS
    }
}
// ANCHOR_END: main

/// Rust starts programs with SIGPIPE ignored, so once stdout is a closed
/// pipe (`flags_sequential -v -e | head`) the next `println!` panics with a
/// backtrace. With the default action back, the program ends quietly at
/// that write, as `cat` or `grep` do; a flag being saved at that moment is
/// not left half-written, because saves go through a temporary file.
///
/// [`main`] calls it first; a program with a `main` of its own (the
/// `flags.py`-like examples) calls it first thing too, before any thread
/// exists.
pub fn restore_sigpipe() {
    #[cfg(unix)]
    // SAFETY: `signal` only sets the process's action for SIGPIPE, and
    // SIG_DFL is a valid action; it is called before any other thread
    // exists, so no thread relies on SIGPIPE being ignored.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// The program name as the user typed it, for the usage line.
fn bin_name() -> String {
    std::env::args_os()
        .next()
        .map(PathBuf::from)
        .and_then(|path| path.file_stem().map(|s| s.to_string_lossy().into()))
        .unwrap_or_else(|| "flags".to_owned())
}

/// `RUST_LOG=flags=debug` shows our events per request (code, URL, status,
/// and the thread that made it) on stderr; `RUST_LOG=debug` adds those of
/// the HTTP libraries; by default only warnings.
fn init_tracing() {
    use std::io::IsTerminal;
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("warn"));
    let ansi = colours_wanted(
        std::io::stderr().is_terminal(),
        std::env::var_os("NO_COLOR").as_deref(),
    );
    // A second call (e.g. from an example that also sets it up) is harmless.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(ansi)
        .with_thread_names(true)
        .try_init();
}

/// Whether log lines on stderr get colours: only for a person at a
/// terminal (not in a log file or a pipe), and only if they have not
/// asked for none by setting `NO_COLOR` to a non-empty value, as
/// no-color.org defines it. `flags_server` decides the same way in its
/// own `cli::colours_wanted`: the server does not link this library.
fn colours_wanted(
    stderr_is_terminal: bool,
    no_color: Option<&std::ffi::OsStr>,
) -> bool {
    stderr_is_terminal && no_color.is_none_or(std::ffi::OsStr::is_empty)
}

/// When every code failed against one of the local test servers, checks
/// whether anything listens there at all, and if not returns the one line
/// that says how to start it, rather than leaving the user with N
/// "connection refused" errors. `None` for REMOTE or a URL of the user's.
fn server_down_hint(server_label: &str, base_url: &str) -> Option<String> {
    if !["LOCAL", "DELAY", "ERROR"].contains(&server_label) {
        return None;
    }
    let addrs = url::Url::parse(base_url).ok()?.socket_addrs(|| None).ok()?;
    let refused = addrs.iter().all(|addr| {
        std::net::TcpStream::connect_timeout(addr, Duration::from_secs(1))
            .is_err()
    });
    refused.then(|| {
        format!(
            "Nothing answers at {base_url}: start the test servers with \
             `cargo run -p flags_server` (or `cargo xtask serve`)."
        )
    })
}

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

    /// A base URL on a port of this machine that nothing listens on: bound,
    /// then closed, so no other program chose it in between.
    fn closed_url() -> String {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        format!("http://127.0.0.1:{port}/flags")
    }

    /// A test-server label where nothing listens gets the one-line hint.
    #[test]
    fn refused_test_server_gets_the_hint_to_start_it() {
        let url = closed_url();
        assert_eq!(
            server_down_hint("DELAY", &url),
            Some(format!(
                "Nothing answers at {url}: start the test servers with \
                 `cargo run -p flags_server` (or `cargo xtask serve`)."
            ))
        );
    }

    /// A server that answers gets no hint: its errors are its own.
    #[test]
    fn listening_server_gets_no_hint() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let url = format!("http://127.0.0.1:{port}/flags");
        assert_eq!(server_down_hint("LOCAL", &url), None);
    }

    /// A URL of the user's own, or REMOTE, is not ours to explain.
    #[test]
    fn other_servers_get_no_hint() {
        let url = closed_url();
        assert_eq!(server_down_hint(cli::CUSTOM_SERVER, &url), None);
        assert_eq!(server_down_hint("REMOTE", &url), None);
    }

    /// Colours only at a terminal, and `NO_COLOR=1` turns them off there.
    #[test]
    fn colours_only_at_a_terminal_without_no_color() {
        use std::ffi::OsStr;
        assert!(colours_wanted(true, None));
        assert!(!colours_wanted(false, None));
        assert!(!colours_wanted(true, Some(OsStr::new("1"))));
        assert!(!colours_wanted(false, Some(OsStr::new("1"))));
    }

    /// An empty `NO_COLOR` counts as unset, as no-color.org says.
    #[test]
    fn empty_no_color_is_ignored() {
        assert!(colours_wanted(true, Some(std::ffi::OsStr::new(""))));
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
