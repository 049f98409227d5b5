//! Finding and running the clients' example binaries, the chapter's
//! smaller programs (`flags.py`, `flags_threadpool.py`,
//! `flags_asyncio.py`, ...), and the check the four `flags.py`-like ones
//! share: 20 flags downloaded, each code printed once, then a count; and
//! the check every example shares: it ends quietly when its reader has
//! gone (`| head`).
//!
//! Examples are not `CARGO_BIN_EXE_*` binaries, so [`example`] finds them
//! where `cargo test` builds them, and builds one that is missing;
//! [`binary`] does the same for a package's own binary, for a test of
//! another package (the samples of the README and the guide).

use std::path::Path;
use std::process::{Command, Output};

use flags_common::POP20_CC;

pub use crate::cargo::{binary, example};
use crate::client::{Scratch, assert_saved_exactly};
use flags_server::{Config, Kind, TestServer};

/// The 20 codes of `flags.py`'s `POP20_CC`, sorted: the order
/// `flags.py` downloads and prints them in.
pub const POP20_SORTED: [&str; 20] = sorted(POP20_CC);

/// `codes` in byte order. A `const fn` (insertion sort, byte by byte)
/// because the standard sort cannot run at compile time, and a constant is
/// what the tests compare against.
const fn sorted<const N: usize>(
    mut codes: [&'static str; N],
) -> [&'static str; N] {
    let mut i = 1;
    while i < N {
        let mut j = i;
        while j > 0 && less(codes[j], codes[j - 1]) {
            let swap = codes[j];
            codes[j] = codes[j - 1];
            codes[j - 1] = swap;
            j -= 1;
        }
        i += 1;
    }
    codes
}

/// Whether `a` sorts before `b`, as `a < b` does for `&str`.
const fn less(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut i = 0;
    while i < a.len() && i < b.len() {
        if a[i] != b[i] {
            return a[i] < b[i];
        }
        i += 1;
    }
    a.len() < b.len()
}

/// Runs example `name` of `package` in `cwd` with `args` and the
/// environment variables `env`, checks that it succeeded, and returns
/// its stdout.
pub fn run_example(
    package: &str,
    name: &str,
    cwd: &Path,
    args: &[&str],
    env: &[(&str, &str)],
) -> String {
    let output = Command::new(example(package, name))
        .args(args)
        .current_dir(cwd)
        .envs(env.iter().copied())
        // Tracing events would mix with the lines under test.
        .env_remove("RUST_LOG")
        .output()
        .expect("the example runs");
    stdout_of_success(output)
}

/// Runs example `name` of `package` in `cwd`, downloading from `server`'s
/// LOCAL, which `FLAGS_BASE_URL` points it at.
pub fn run_flags_example(
    package: &str,
    name: &str,
    server: &TestServer,
    cwd: &Path,
) -> String {
    let base_url = server.base_url(Kind::Local);
    run_example(package, name, cwd, &[], &[("FLAGS_BASE_URL", &base_url)])
}

/// The stdout of a run that must have succeeded; stderr too if it did not.
fn stdout_of_success(output: Output) -> String {
    let stdout = String::from_utf8(output.stdout).expect("UTF-8 stdout");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    stdout
}

/// Runs example `name` of `package` with the arguments `args_for(base
/// URL)`, in an empty directory against a fresh server, its stdout a pipe
/// whose reader has already gone (what `| head` leaves once `head` has
/// exited), and checks that it ended by SIGPIPE, quietly: no panic message.
///
/// Why every example has this test: a reader that stops early is normal in
/// a shell, and `cat`, `grep` and the flags2 clients then end quietly at
/// their next write. Rust starts a program with SIGPIPE ignored, so that
/// write fails with EPIPE instead, and `println!` panics on it ("failed
/// printing to stdout") unless `main` has put the default action back
/// (`flags_common::restore_sigpipe`). Each example has a `main` of its
/// own, so each can forget, and only its own test would tell.
///
/// The environment points every example at the server (`FLAGS_BASE_URL`;
/// the flags2-like ones take `-s` from `args_for` instead), scales the
/// demo's sleeps down (`DEMO_SLEEP_SCALE`; the others ignore it), so an
/// example that failed to die would still end soon and fail the test
/// rather than stall it, and removes `RUST_LOG`, so that stderr holds only
/// what the example itself reports.
#[cfg(unix)]
pub fn assert_ends_quietly_on_a_closed_pipe(
    package: &str,
    name: &str,
    args_for: impl FnOnce(&str) -> Vec<String>,
) {
    use std::os::unix::process::ExitStatusExt;

    let server = start_server();
    let cwd = Scratch::new();
    let base_url = server.base_url(Kind::Local);
    // Every write to this pipe fails: its reading end is closed before the
    // example starts, so there is no race with its first write.
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    let output = Command::new(example(package, name))
        .args(args_for(&base_url))
        .current_dir(cwd.path())
        .env("FLAGS_BASE_URL", &base_url)
        .env("DEMO_SLEEP_SCALE", "0.01")
        .env_remove("RUST_LOG")
        .stdout(writer)
        .output()
        .expect("the example runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{name}: {stderr}");
    assert_eq!(
        output.status.signal(),
        Some(libc::SIGPIPE),
        "{name}: {output:?}"
    );
    // Served until the example has ended.
    drop(server);
}

/// The `args_for` of [`assert_ends_quietly_on_a_closed_pipe`] for an
/// example that takes no arguments (it reads `FLAGS_BASE_URL`, or needs no
/// server).
#[cfg(unix)]
pub fn no_args(_base_url: &str) -> Vec<String> {
    Vec::new()
}

/// LOCAL and the others, with millisecond delays and seed 42.
pub fn start_server() -> TestServer {
    TestServer::start(Config::fast()).expect("the test server starts")
}

/// Checks the `flags.py` output: one line of codes, each once, then
/// `20 downloads in N.NNs`.
pub fn assert_twenty_codes_then_count(stdout: &str) {
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    let mut codes: Vec<&str> = lines[0].split_whitespace().collect();
    codes.sort();
    assert_eq!(codes, POP20_SORTED);
    assert!(lines[1].starts_with("20 downloads in "), "{stdout}");
    assert!(lines[1].ends_with('s'), "{stdout}");
}

/// Example `name` of `package`, a `flags.py` by another executor, saves
/// the 20 flags of `POP20_CC` in `./downloaded` byte for byte as served
/// and nothing else, prints each code once, then `20 downloads in N.NNs`.
/// Returns its stdout for checks of the order.
pub fn expect_twenty_flags(package: &str, name: &str) -> String {
    let server = start_server();
    let cwd = Scratch::new();
    let stdout = run_flags_example(package, name, &server, cwd.path());
    assert_twenty_codes_then_count(&stdout);
    assert_saved_exactly(&cwd.path().join("downloaded"), &POP20_SORTED);
    stdout
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `POP20_SORTED` is `POP20_CC` as the standard sort orders it.
    #[test]
    fn pop20_sorted_is_pop20_cc_sorted() {
        let mut expected = POP20_CC;
        expected.sort_unstable();
        assert_eq!(POP20_SORTED, expected);
    }
}
