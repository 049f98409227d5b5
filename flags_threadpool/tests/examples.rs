//! The chapter's smaller thread programs, run as their example binaries:
//! `flags_threadpool.py`, `flags_threadpool_futures.py` and
//! `demo_executor_map.py`, checked by what they print and save.
//!
//! The flag examples download from a `flags_server::TestServer` on port 0
//! (`FLAGS_BASE_URL` points them at it), each in an empty directory of its
//! own; the demo needs no server, only a small `DEMO_SLEEP_SCALE`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Mutex, PoisonError};

use flags_server::{Config, Kind, TestServer, corpus};

/// The 20 codes of `flags.py`, sorted.
const POP20_SORTED: [&str; 20] = [
    "BD", "BR", "CD", "CN", "DE", "EG", "ET", "FR", "ID", "IN", "IR", "JP",
    "MX", "NG", "PH", "PK", "RU", "TR", "US", "VN",
];

/// The example binary `name` of this package. `cargo test` builds the
/// examples into `target/<profile>/examples/`, beside the `deps/` folder
/// this test runs from; `cargo test --test examples` builds none, so a
/// missing one is built here (one that exists is trusted to be current).
fn example(name: &str) -> PathBuf {
    let test_exe = std::env::current_exe().expect("the test binary's path");
    let profile_dir = test_exe
        .parent()
        .and_then(Path::parent)
        .expect("the test binary is in target/<profile>/deps");
    let exe = format!("{name}{}", std::env::consts::EXE_SUFFIX);
    let path = profile_dir.join("examples").join(exe);
    // One build at a time: tests run in parallel, and the second one to
    // find the binary missing should find it built instead.
    static BUILDING: Mutex<()> = Mutex::new(());
    let _building = BUILDING.lock().unwrap_or_else(PoisonError::into_inner);
    if !path.exists() {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut build = Command::new(cargo);
        build.args(["build", "-p", env!("CARGO_PKG_NAME"), "--example", name]);
        if profile_dir.ends_with("release") {
            build.arg("--release");
        }
        // Cargo gave this test its package's CARGO_PKG_NAME, OUT_DIR...;
        // some build scripts (ring's) rebuild when those change, so the
        // inner cargo must not see them, or every build after it would
        // rebuild them back.
        for (key, _) in std::env::vars_os() {
            let key_str = key.to_string_lossy();
            if key_str.starts_with("CARGO_PKG_")
                || key_str.starts_with("CARGO_MANIFEST_")
                || ["CARGO_CRATE_NAME", "CARGO_PRIMARY_PACKAGE", "OUT_DIR"]
                    .contains(&&*key_str)
            {
                build.env_remove(&key);
            }
        }
        let status = build.status().expect("cargo runs");
        assert!(status.success(), "cargo build --example {name} failed");
    }
    path
}

/// Runs example `name` in `cwd`, downloading from `server`'s LOCAL.
fn run_flags_example(name: &str, server: &TestServer, cwd: &Path) -> String {
    let output = Command::new(example(name))
        .current_dir(cwd)
        .env("FLAGS_BASE_URL", server.base_url(Kind::Local))
        .env_remove("RUST_LOG")
        .output()
        .expect("the example runs");
    stdout_of_success(output)
}

fn stdout_of_success(output: Output) -> String {
    let stdout = String::from_utf8(output.stdout).expect("UTF-8 stdout");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    stdout
}

fn start_server() -> TestServer {
    TestServer::start(Config::fast()).expect("the test server starts")
}

/// Checks that `cwd/downloaded` holds exactly the flags of `codes`, each
/// byte for byte the server's.
fn assert_saved(cwd: &Path, codes: &[&str]) {
    let dest = cwd.join("downloaded");
    let mut names: Vec<String> = std::fs::read_dir(&dest)
        .expect("downloaded/ exists")
        .map(|entry| entry.expect("an entry").file_name())
        .map(|name| name.to_string_lossy().into_owned())
        .collect();
    names.sort();
    let expected: Vec<String> =
        codes.iter().map(|cc| format!("{cc}.gif")).collect();
    assert_eq!(names, expected);
    for cc in codes {
        let saved =
            std::fs::read(dest.join(format!("{cc}.gif"))).expect("read");
        let served = corpus::flag_gif(cc).expect("a corpus flag");
        assert!(saved == served[..], "{cc}.gif differs from the server's");
    }
}

/// Checks the `flags.py` output: one line of codes, each once, then
/// `20 downloads in N.NNs`.
fn assert_twenty_codes_then_count(stdout: &str) {
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    let mut codes: Vec<&str> = lines[0].split_whitespace().collect();
    codes.sort();
    assert_eq!(codes, POP20_SORTED);
    assert!(lines[1].starts_with("20 downloads in "), "{stdout}");
    assert!(lines[1].ends_with('s'), "{stdout}");
}

/// `flags_threadpool` saves the 20 flags and prints each code once.
#[test]
fn flags_threadpool_downloads_the_20_flags() {
    let server = start_server();
    let cwd = tempfile::tempdir().expect("a temporary directory");
    let stdout = run_flags_example("flags_threadpool", &server, cwd.path());
    assert_twenty_codes_then_count(&stdout);
    assert_saved(cwd.path(), &POP20_SORTED);
}

/// `flags_threadpool_futures` schedules the first five codes in
/// alphabetical order, the first three on a free worker (so never
/// `pending`), and prints each finished future with its result.
#[test]
fn flags_threadpool_futures_shows_each_future_scheduled_and_finished() {
    let server = start_server();
    let cwd = tempfile::tempdir().expect("a temporary directory");
    let stdout =
        run_flags_example("flags_threadpool_futures", &server, cwd.path());

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
    assert_saved(cwd.path(), &["BR", "CN", "ID", "IN", "US"]);
}

/// `demo_executor_map` yields `result 0` to `result 4` in submission
/// order, each after its `loiter(n)` started and finished.
///
/// Only orders the program guarantees are checked. How far the calls
/// overlap (the book's `loiter(3)` starting before `result 0`) depends on
/// the scheduler, so it is shown by running the demo, not asserted.
#[test]
fn demo_executor_map_yields_results_in_submission_order() {
    let output = Command::new(example("demo_executor_map"))
        .env("DEMO_SLEEP_SCALE", "0.01")
        .output()
        .expect("the example runs");
    let stdout = stdout_of_success(output);
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
