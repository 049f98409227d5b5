//! The chapter's smaller executor programs, run as their example binaries:
//! `flags_threadpool.py`, `flags_threadpool_futures.py`,
//! `download_many_process_pool` and `demo_executor_map.py`, checked by what they print and save, and that
//! each ends quietly when its reader has gone (`| head`); and
//! `demo_as_completed`, the chapter's `submit`/`as_completed` against
//! `map`.
//!
//! The flag examples download from a `flags_server::TestServer` on port 0
//! (`FLAGS_BASE_URL` points them at it; its DELAY for the futures, so the
//! order of their states is the book's), each in an empty directory of its
//! own; the demo needs no server, only a small `DEMO_SLEEP_SCALE`.
//! `flags_testkit::examples` finds and runs them.

use std::time::Duration;

use flags_server::{Config, Kind, TestServer};
use flags_testkit::client::{Scratch, assert_saved_exactly};
#[cfg(unix)]
use flags_testkit::examples::{assert_ends_quietly_on_a_closed_pipe, no_args};
use flags_testkit::examples::{expect_twenty_flags, run_example};

/// This package, whose examples these are.
const PACKAGE: &str = env!("CARGO_PKG_NAME");

/// `flags_threadpool` saves the 20 flags and prints each code once.
#[test]
fn flags_threadpool_downloads_the_20_flags() {
    expect_twenty_flags(PACKAGE, "flags_threadpool");
}

/// `flags_threadpool_futures` against DELAY: `submit` returns at once, so
/// the five "Scheduled for" lines, in alphabetical order, all come before
/// any download ends (each takes at least the server's shortest delay);
/// the last two wait for one of the three workers, so they are `pending`;
/// then each future prints finished, with its result.
#[test]
fn flags_threadpool_futures_schedules_all_five_before_any_ends() {
    let config =
        Config::delays(Duration::from_millis(300), Duration::from_millis(600));
    let server = TestServer::start(config).expect("the DELAY server starts");
    let cwd = Scratch::new();
    let base_url = server.base_url(Kind::Delay);
    let stdout = run_example(
        PACKAGE,
        "flags_threadpool_futures",
        cwd.path(),
        &[],
        &[("FLAGS_BASE_URL", &base_url)],
    );

    let lines: Vec<&str> = stdout.lines().collect();
    // `download_one` prints `BR ` when a download ends: none of these lines
    // has one.
    let scheduled: Vec<(&str, &str)> = lines[..5]
        .iter()
        .map(|line| line.strip_prefix("Scheduled for ").expect(&stdout))
        .map(|rest| rest.split_once(": ").expect("CC: <Future ...>"))
        .collect();
    let codes: Vec<&str> = scheduled.iter().map(|&(cc, _)| cc).collect();
    assert_eq!(codes, ["BR", "CN", "ID", "IN", "US"], "{stdout}");
    for (i, &(cc, future)) in scheduled.iter().enumerate() {
        assert!(future.starts_with("<Future at 0x"), "{cc}: {future}");
        let state = future.rsplit_once(' ').map(|(_, s)| s);
        let allowed: &[&str] = if i < 3 {
            &["state=running>", "state=pending>"]
        } else {
            &["state=pending>"]
        };
        assert!(state.is_some_and(|s| allowed.contains(&s)), "{cc}: {future}");
    }

    let finished = " state=finished returned Result<String, String>> result: ";
    let mut results: Vec<&str> = lines[5..]
        .iter()
        .filter_map(|line| line.split_once(finished).map(|(_, r)| r))
        .collect();
    results.sort();
    assert_eq!(
        results,
        [
            r#"Ok("BR")"#,
            r#"Ok("CN")"#,
            r#"Ok("ID")"#,
            r#"Ok("IN")"#,
            r#"Ok("US")"#
        ],
        "{stdout}"
    );
    let last = lines.last().copied().unwrap_or_default();
    assert!(last.starts_with("5 downloads in "), "{stdout}");
    let dest = cwd.path().join("downloaded");
    assert_saved_exactly(&dest, &["BR", "CN", "ID", "IN", "US"]);
}

/// `demo_executor_map` yields `result 0` to `result 4` in submission
/// order, each after its `loiter(n)` started and finished.
///
/// Only orders the program guarantees are checked. How far the calls
/// overlap (the book's `loiter(3)` starting before `result 0`) depends on
/// the scheduler, so it is shown by running the demo, not asserted.
#[test]
fn demo_executor_map_yields_results_in_submission_order() {
    let cwd = Scratch::new();
    let env = [("DEMO_SLEEP_SCALE", "0.01")];
    let stdout =
        run_example(PACKAGE, "demo_executor_map", cwd.path(), &[], &env);
    // Every line is `[HH:MM:SS] message`.
    let messages: Vec<&str> = stdout
        .lines()
        .map(|line| {
            let (stamp, message) = line.split_at_checked(11).expect("a stamp");
            let digits = stamp.bytes().filter(u8::is_ascii_digit).count();
            assert!(stamp.starts_with('[') && stamp.ends_with("] "), "{line}");
            assert_eq!(digits, 6, "{line}");
            message
        })
        .collect();
    let position = |message: &str| {
        let found = messages.iter().position(|&m| m == message);
        found.unwrap_or_else(|| panic!("no {message:?} in\n{stdout}"))
    };

    assert_eq!(messages[0], "Script starting.");
    let results_line =
        messages.iter().position(|&m| m == "results: <iterator Map<u64>>");
    let waiting = position("Waiting for individual results:");
    assert!(results_line.is_some_and(|line| line < waiting), "{stdout}");

    let results: Vec<&str> =
        messages.iter().copied().filter(|m| m.starts_with("result ")).collect();
    assert_eq!(
        results,
        [
            "result 0: 0",
            "result 1: 10",
            "result 2: 20",
            "result 3: 30",
            "result 4: 40"
        ]
    );
    for n in 0..5 {
        let tabs = "\t".repeat(n);
        let start =
            position(&format!("{tabs}loiter({n}): doing nothing for {n}s..."));
        let done = position(&format!("{tabs}loiter({n}): done."));
        let result = position(&format!("result {n}: {}", n * 10));
        assert!(start < done && done < result, "loiter({n}):\n{stdout}");
        assert!(waiting < result);
    }
    assert_eq!(messages.len(), 3 + 5 * 3, "{stdout}");
}

/// `demo_as_completed` collects the futures of two executors and two
/// callables in one `as_completed`: each of the four tasks is printed
/// once, with its own answer, whatever the order they finish in.
#[test]
fn demo_as_completed_yields_every_future_of_both_executors() {
    let cwd = Scratch::new();
    let env = [("DEMO_SLEEP_SCALE", "0.01")];
    let stdout =
        run_example(PACKAGE, "demo_as_completed", cwd.path(), &[], &env);
    let mut lines: Vec<&str> = stdout.lines().collect();
    lines.sort_unstable();
    assert_eq!(
        lines,
        [
            r#"process pool: shout("hello") -> Shouted("HELLO")"#,
            r#"process pool: shout("ola") -> Shouted("OLA")"#,
            "thread pool: loiter(1) -> Loitered(10)",
            "thread pool: loiter(2) -> Loitered(20)",
        ],
        "{stdout}"
    );
}

/// `flags_threadpool` ends quietly when its reader has gone.
#[cfg(unix)]
#[test]
fn flags_threadpool_ends_quietly_on_a_closed_pipe() {
    assert_ends_quietly_on_a_closed_pipe(PACKAGE, "flags_threadpool", no_args);
}

/// `flags_threadpool_futures` ends quietly when its reader has gone.
#[cfg(unix)]
#[test]
fn flags_threadpool_futures_ends_quietly_on_a_closed_pipe() {
    assert_ends_quietly_on_a_closed_pipe(
        PACKAGE,
        "flags_threadpool_futures",
        no_args,
    );
}

/// `demo_executor_map` ends quietly when its reader has gone, at its first
/// line. It needs no server and ignores the one the check starts.
#[cfg(unix)]
#[test]
fn demo_executor_map_ends_quietly_on_a_closed_pipe() {
    assert_ends_quietly_on_a_closed_pipe(PACKAGE, "demo_executor_map", no_args);
}

/// `flags_processpool` saves the 20 flags from its worker processes, and
/// every code printed by a worker reaches the terminal.
#[test]
fn flags_processpool_downloads_the_20_flags() {
    expect_twenty_flags(PACKAGE, "flags_processpool");
}

/// `flags_processpool` ends quietly when its reader has gone. Its worker
/// processes write to the closed pipe too; started afresh, they have
/// SIGPIPE ignored, so a failed write comes back to the main process as
/// the task's error, which ends the run: the pool is dropped, its workers
/// with it, and the main process dies at its own next write. No worker is
/// left holding stderr open for the test to wait on (and on Linux, one
/// still alive would be killed with the main process anyway).
#[cfg(unix)]
#[test]
fn flags_processpool_ends_quietly_on_a_closed_pipe() {
    assert_ends_quietly_on_a_closed_pipe(PACKAGE, "flags_processpool", no_args);
}
