//! The steps of [`crate::main`] that `flags2_common.main` does not take,
//! or takes in one line of Python: each is one call in `main`, so that
//! `main` reads as the book's, in the book's order. What Rust needs and
//! Python does not (SIGPIPE, logs, Ctrl-C, the open-file limit) hides in
//! [`process_args`] and [`prepare`].

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use crate::cli::{self, Options};
use crate::{
    Counter, DownloadStatus, EXIT_INTERRUPTED, EXIT_USAGE, Interrupt, Settings,
    limits, report, save,
};

/// Rust starts programs with SIGPIPE ignored, so once stdout is a closed
/// pipe (`flags_sequential -v -e | head`) the next `println!` panics with a
/// backtrace. With the default action back, the program ends quietly at
/// that write, as `cat` or `grep` do; a flag being saved at that moment is
/// not left half-written, because saves go through a temporary file.
///
/// [`crate::main`] calls it first (in [`process_args`], as `--help` may
/// meet a closed pipe); a program with a `main` of its own (the
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
pub(crate) fn bin_name() -> String {
    std::env::args_os()
        .next()
        .map(PathBuf::from)
        .and_then(|path| path.file_stem().map(|s| s.to_string_lossy().into()))
        .unwrap_or_else(|| "flags".to_owned())
}

/// The book's `process_args`: the options and the codes. As the book's
/// (argparse, then `sys.exit(2)`), it ends the process after `--help`
/// (printed on stdout, exit 0) or a usage error (the error and the usage
/// line on stderr, exit 2). SIGPIPE is set back first
/// ([`restore_sigpipe`]), so `--help | head` ends quietly too.
pub(crate) fn process_args(
    default_concur_req: usize,
) -> (Options, Vec<String>) {
    restore_sigpipe();
    let args = std::env::args_os();
    match cli::process_args(args, &bin_name(), default_concur_req) {
        Ok(options) => {
            let cc_list = options.cc_list.clone();
            (options, cc_list)
        }
        Err(cli::ParseOutcome::Help(text)) => {
            print!("{text}");
            let _ = std::io::stdout().flush();
            std::process::exit(0)
        }
        Err(cli::ParseOutcome::Usage(error)) => {
            eprintln!("{error}");
            eprintln!("{}", error.usage);
            std::process::exit(EXIT_USAGE.into())
        }
    }
}

/// What a run needs beyond the book's `main`, one step after another, and
/// the [`Settings`] `download_many` gets: logs on stderr
/// ([`init_tracing`]); the destination, checked once before any request
/// ([`prepare_dest`]); room under the open-file limit for `actual_req`
/// connections, or fewer and one line saying so ([`limits::make_room`]);
/// and Ctrl-C, the book's `KeyboardInterrupt`, handled after the limits,
/// which are best set while the process has one thread
/// ([`handle_ctrl_c`]). A destination or a Ctrl-C handler that cannot be
/// had ends the process with one line and exit 1, as the book's uncaught
/// `mkdir` error ends its run.
pub(crate) fn prepare(options: &Options, actual_req: usize) -> Settings {
    init_tracing();
    let bin_name = bin_name();
    prepare_dest(&bin_name, &options.dest);
    let actual_req = limits::make_room(options.max_req, actual_req);
    let interrupt = handle_ctrl_c(&bin_name);
    Settings::new(options, actual_req, interrupt)
}

/// `RUST_LOG=flags=debug` shows our events per request (code, URL, status,
/// and the thread that made it) on stderr; `RUST_LOG=debug` adds those of
/// the HTTP libraries; by default only warnings.
pub(crate) fn init_tracing() {
    use tracing_subscriber::filter::LevelFilter;
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    let filter = crate::log::filter_from_env(LevelFilter::WARN);
    let ansi = colours_on_stderr();
    let format = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(ansi)
        .with_thread_names(true);
    // A second call (e.g. from an example that also sets it up) is harmless.
    let _ = tracing_subscriber::registry().with(format).with(filter).try_init();
}

/// Whether this process's log lines on stderr get colours
/// ([`colours_wanted`] for its stderr and its `NO_COLOR`). `flags_server`
/// asks it too, so the server and the clients decide alike.
pub fn colours_on_stderr() -> bool {
    use std::io::IsTerminal;
    colours_wanted(
        std::io::stderr().is_terminal(),
        std::env::var_os("NO_COLOR").as_deref(),
    )
}

/// Whether log lines on stderr get colours: only for a person at a
/// terminal (not in a log file or a pipe), and only if they have not
/// asked for none by setting `NO_COLOR` to a non-empty value, as
/// no-color.org defines it.
fn colours_wanted(
    stderr_is_terminal: bool,
    no_color: Option<&std::ffi::OsStr>,
) -> bool {
    stderr_is_terminal && no_color.is_none_or(std::ffi::OsStr::is_empty)
}

/// Makes sure the flags can be saved in `dest`, or says in one line why
/// not and exits with 1: once, before any request.
fn prepare_dest(bin_name: &str, dest: &Path) {
    if let Err(error) = save::prepare_dest(dest) {
        let dest = dest.display();
        eprintln!("{bin_name}: cannot save flags in {dest}: {error}");
        std::process::exit(1);
    }
}

/// Installs the Ctrl-C handler (see [`crate::interrupt`]), or says in one
/// line why it cannot and exits with 1.
///
/// Call it after [`crate::limits::make_room`]: the handler starts a
/// thread, and the table of descriptors is best grown while there is only
/// one (see `limits::reserve_descriptors`).
fn handle_ctrl_c(bin_name: &str) -> Interrupt {
    Interrupt::install().unwrap_or_else(|error| {
        eprintln!("{bin_name}: cannot handle Ctrl-C: {error}");
        std::process::exit(1)
    })
}

/// The book's `initial_report`, on stdout, flushed before the downloads
/// start, with `actual_req` as the open-file limit left it. Printing to stdout can only fail if stdout is closed; there is
/// no one left to tell, so those errors are ignored.
pub(crate) fn initial_report(
    cc_list: &[String],
    actual_req: usize,
    options: &Options,
) {
    let mut stdout = std::io::stdout();
    let _ = report::initial_report(
        &mut stdout,
        cc_list,
        actual_req,
        &options.server_label,
        &options.base_url,
    );
    let _ = stdout.flush();
}

/// The book's `final_report`, on stdout (errors ignored, as above); then
/// the hint when the test server is down ([`hint_if_server_down`]), and
/// the exit code ([`exit_code`]).
pub(crate) fn final_report(
    counter: &Counter,
    elapsed: Duration,
    settings: &Settings,
    options: &Options,
) -> ExitCode {
    let _ = report::final_report(&mut std::io::stdout(), counter, elapsed);
    hint_if_server_down(counter, options);
    exit_code(&settings.interrupt)
}

/// When every code of the run failed, says on stderr how to start the
/// test server if that is why ([`server_down_hint`]).
fn hint_if_server_down(counter: &Counter, options: &Options) {
    let all_failed = counter.total() > 0
        && counter[DownloadStatus::Error] == counter.total();
    if all_failed
        && let Some(hint) =
            server_down_hint(&options.server_label, &options.base_url)
    {
        eprintln!("{hint}");
    }
}

/// When every code failed against one of the local test servers, checks
/// whether anything listens there at all, and if not returns the one line
/// that says how to start it, rather than leaving the user with N
/// "connection refused" errors. `None` for REMOTE or a URL of the user's.
pub(crate) fn server_down_hint(
    server_label: &str,
    base_url: &str,
) -> Option<String> {
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

/// 130 after Ctrl-C (128 + SIGINT, as shells report), else 0: per-flag
/// errors are counted, not fatal, as in the book.
fn exit_code(interrupt: &Interrupt) -> ExitCode {
    if interrupt.is_set() {
        ExitCode::from(EXIT_INTERRUPTED)
    } else {
        ExitCode::SUCCESS
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
