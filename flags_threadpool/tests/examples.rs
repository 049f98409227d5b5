//! The chapter's smaller thread programs, run as their example binaries:
//! `flags_threadpool.py`, `flags_threadpool_futures.py` and
//! `demo_executor_map.py`, checked by what they print and save.
//!
//! The flag examples download from a `flags_server::TestServer` on port 0
//! (`FLAGS_BASE_URL` points them at it), each in an empty directory of its
//! own; the demo needs no server, only a small `DEMO_SLEEP_SCALE`.
//! `flags_testkit::examples` finds and runs them.

use flags_testkit::client::{Scratch, assert_saved_exactly};
use flags_testkit::examples::{
    expect_twenty_flags, run_example, run_flags_example, start_server,
};

/// This package, whose examples these are.
const PACKAGE: &str = env!("CARGO_PKG_NAME");

/// `flags_threadpool` saves the 20 flags and prints each code once.
#[test]
fn flags_threadpool_downloads_the_20_flags() {
    expect_twenty_flags(PACKAGE, "flags_threadpool");
}

/// `flags_threadpool_futures` schedules the first five codes in
/// alphabetical order, the first three on a free worker (so never
/// `pending`), and prints each finished future with its result.
#[test]
fn flags_threadpool_futures_shows_each_future_scheduled_and_finished() {
    let server = start_server();
    let cwd = Scratch::new();
    let stdout = run_flags_example(
        PACKAGE,
        "flags_threadpool_futures",
        &server,
        cwd.path(),
    );

    // A worker's `BR ` may start any line, so look inside the lines.
    let scheduled: Vec<(&str, &str)> = stdout
        .lines()
        .filter_map(|line| line.split_once("Scheduled for ").map(|(_, s)| s))
        .map(|rest| rest.split_once(": ").expect("CC: <Future ...>"))
        .collect();
    let codes: Vec<&str> = scheduled.iter().map(|&(cc, _)| cc).collect();
    assert_eq!(codes, ["BR", "CN", "ID", "IN", "US"], "{stdout}");
    let finished = "<Future state=finished returned String>";
    for (i, &(cc, future)) in scheduled.iter().enumerate() {
        let allowed: &[&str] = if i < 3 {
            &["<Future state=running>", finished]
        } else {
            &["<Future state=pending>", "<Future state=running>", finished]
        };
        assert!(allowed.contains(&future), "{cc}: {future}");
    }

    let prefix = format!("{finished} result: ");
    let mut results: Vec<&str> = stdout
        .lines()
        .filter_map(|line| line.split_once(prefix.as_str()).map(|(_, r)| r))
        .collect();
    results.sort();
    assert_eq!(
        results,
        [r#""BR""#, r#""CN""#, r#""ID""#, r#""IN""#, r#""US""#]
    );
    let last = stdout.lines().last().unwrap_or_default();
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
    let results_line = messages.iter().position(|m| {
        m.starts_with("results: <iterator Map<") && m.contains("::map<")
    });
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
