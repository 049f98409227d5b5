//! End-to-end tests of `flags_sequential` against the workspace's own
//! test server: the runs of `flags2_sequential.py` that the chapter shows,
//! checked line by line, file by file, and request by request.
//!
//! Each test starts its own `flags_server::TestServer` on port 0 (so tests
//! run in parallel without sharing counters) and runs the real binary
//! with `-s <that server's URL>`; the label is then `CUSTOM`, and all the
//! other lines are the book's. The behaviours every client shares are
//! written once in `flags_testkit::checks`; the rest are the
//! sequential client's own.

use std::time::Duration;

use flags_server::{Config, Kind, corpus};
use flags_testkit::checks::Client;
use flags_testkit::client::{Fixture, assert_saved_exactly, file_names};

/// `python3 flags2_sequential.py` in the book: one request at a time,
/// whatever `-m` says.
const CLIENT: Client =
    Client::new(env!("CARGO_BIN_EXE_flags_sequential"), 1, 1);

// The runs every client shows, and `--version`: from the test kit.
flags_testkit::download_tests!(CLIENT, "flags_sequential");

/// The codes of the book's `country_codes.txt`, as `-a` asks for them.
fn all_codes() -> Vec<&'static str> {
    corpus::codes().collect()
}

/// One code: "1 flag", the code itself, one connection.
#[test]
fn one_code_report_matches_the_book() {
    let fx = Fixture::local(CLIENT.bin);
    fx.expect_report(
        &["BR"],
        "Searching for 1 flag: BR\n\
         1 connection will be used.\n\
         --------------------\n  \
         1 flag downloaded.\n",
    );
    assert_saved_exactly(&fx.dest(), &["BR"]);
}

/// Two codes are listed; a code without a flag adds a "not found" line.
#[test]
fn two_codes_report_matches_the_book() {
    let fx = Fixture::local(CLIENT.bin);
    fx.expect_report(
        &["ZZ", "br"],
        "Searching for 2 flags: BR, ZZ\n\
         1 connection will be used.\n\
         --------------------\n  \
         1 flag downloaded.\n  \
         1 not found.\n",
    );
    assert_saved_exactly(&fx.dest(), &["BR"]);
}

/// Ten codes are still listed one by one.
#[test]
fn ten_codes_report_lists_every_code() {
    let fx = Fixture::local(CLIENT.bin);
    fx.expect_report(
        &["-a", "-l", "10"],
        "Searching for 10 flags: AD, AE, AF, AG, AL, AM, AO, AR, AT, AU\n\
         1 connection will be used.\n\
         --------------------\n \
         10 flags downloaded.\n",
    );
}

/// From eleven codes on, the report shows the first and the last.
#[test]
fn eleven_codes_report_shows_a_range() {
    let fx = Fixture::local(CLIENT.bin);
    fx.expect_report(
        &["-a", "-l", "11"],
        "Searching for 11 flags: from AD to AZ\n\
         1 connection will be used.\n\
         --------------------\n \
         11 flags downloaded.\n",
    );
}

/// No codes means the 20 most populous countries, as the book's first run.
#[test]
fn no_codes_downloads_the_20_most_populous() {
    let fx = Fixture::local(CLIENT.bin);
    fx.expect_report(
        &[],
        "Searching for 20 flags: from BD to VN\n\
         1 connection will be used.\n\
         --------------------\n \
         20 flags downloaded.\n",
    );
    assert_saved_exactly(&fx.dest(), &flags_common::POP20_CC);
}

/// `-a` saves the 194 flags byte for byte as served, and nothing else.
///
/// "Nothing else" includes temporary files: a leftover `.BR.gif.*.part`
/// would show in the listing.
#[test]
fn all_downloads_194_flags_byte_for_byte() {
    let fx = Fixture::local(CLIENT.bin);
    fx.expect_report(
        &["-a"],
        "Searching for 194 flags: from AD to ZW\n\
         1 connection will be used.\n\
         --------------------\n\
         194 flags downloaded.\n",
    );
    assert_saved_exactly(&fx.dest(), &all_codes());
}

/// One letter stands for its 26 codes, requested in order, in lower case.
#[test]
fn one_letter_requests_its_26_codes() {
    let fx = Fixture::local(CLIENT.bin);
    let run = fx.run_ok(&["b"]);
    assert!(
        run.stdout.contains("Searching for 26 flags: from BA to BZ\n"),
        "{}",
        run.stdout
    );
    let expected: Vec<String> =
        ('a'..='z').map(|c| format!("/flags/b{c}/b{c}.gif")).collect();
    assert_eq!(fx.requested_paths(), expected);
    let with_flags: Vec<&str> =
        all_codes().into_iter().filter(|cc| cc.starts_with('B')).collect();
    assert_eq!(run.counts(), [with_flags.len(), 26 - with_flags.len(), 0]);
    assert_saved_exactly(&fx.dest(), &with_flags);
}

/// `-l` keeps the first codes after sorting; only those are requested.
#[test]
fn limit_keeps_the_first_sorted_codes() {
    let fx = Fixture::local(CLIENT.bin);
    let run = fx.run_ok(&["-l", "3", "ZW", "b"]);
    assert!(
        run.stdout.contains("Searching for 3 flags: BA, BB, BC\n"),
        "{}",
        run.stdout
    );
    assert_eq!(
        fx.requested_paths(),
        ["/flags/ba/ba.gif", "/flags/bb/bb.gif", "/flags/bc/bc.gif"]
    );
}

/// Whatever `-m` says, all requests go one at a time on one connection.
///
/// "1 connection will be used" is literally true, and stays true after a
/// 404 or a 418 as after a 200.
#[test]
fn sequential_uses_one_connection_whatever_m_says() {
    let fx = Fixture::with(CLIENT.bin, Kind::Error, Config::fast());
    let run = fx.run_ok(&["-m", "5", "A"]);
    assert!(run.stdout.contains("\n1 connection will be used.\n"));
    let stats = fx.stats();
    assert_eq!(stats.requests, 26);
    for status in [200, 404, 418] {
        assert!(stats.by_status.contains_key(&status), "{status} was seen");
    }
    assert_eq!(stats.peak_in_flight, 1);
    let first = stats.records[0].connection;
    assert!(stats.records.iter().all(|r| r.connection == first));
}

/// A `--timeout` shorter than DELAY's delay gives errors that say so.
#[test]
fn timeout_shorter_than_the_delay_is_an_error_that_says_so() {
    let config = Config {
        // The requests the client gave up on need not finish on shutdown.
        shutdown_grace: Duration::from_millis(10),
        ..Config::delays(Duration::from_secs(2), Duration::from_secs(2))
    };
    let fx = Fixture::with(CLIENT.bin, Kind::Delay, config);
    let run = fx.run_ok(&["-v", "--timeout", "0.1", "BR", "JP"]);
    assert_eq!(run.counts(), [0, 0, 2]);
    for cc in ["BR", "JP"] {
        let line = run
            .stdout
            .lines()
            .find(|line| line.starts_with(&format!("{cc} error: ")))
            .expect("a -v error line for each code");
        assert!(line.contains("timed out"), "{line:?}");
    }
    assert_saved_exactly(&fx.dest(), &[]);
}

/// A `--dest` that is a file: exit 1, one-line reason, no request.
#[test]
fn dest_that_is_a_file_exits_1_before_any_request() {
    expect_dest_refused("in-the-way");
}

/// A `--dest` under a file: exit 1, one-line reason, no request.
#[test]
fn dest_under_a_file_exits_1_before_any_request() {
    expect_dest_refused("in-the-way/flags");
}

/// Runs with `--dest DEST` where `in-the-way` is a regular file, and
/// checks the refusal: exit 1, no report, a one-line reason that names
/// DEST, and not one request. (`flags_testkit::faulty::expect_bad_dest_refused`
/// checks the same of every client with absolute paths; these two pin it
/// for a path relative to where the user stands.)
fn expect_dest_refused(dest: &str) {
    let fx = Fixture::local(CLIENT.bin);
    std::fs::write(fx.cwd().join("in-the-way"), b"").expect("a file");
    let run = fx.run(&["--dest", dest, "BR"]);
    let transcript = run.transcript();
    assert_eq!(run.code(), Some(1), "{transcript}");
    assert_eq!(run.stdout, "");
    assert_eq!(run.stderr.lines().count(), 1, "{transcript}");
    assert!(run.stderr.contains(dest), "{transcript}");
    assert_eq!(fx.stats().requests, 0);
}

/// `--dest` puts the flags where it says, creating the directories.
#[test]
fn dest_is_created_and_used() {
    let fx = Fixture::local(CLIENT.bin);
    fx.run_ok(&["--dest", "out/flags", "BR", "JP"]);
    assert_saved_exactly(&fx.cwd().join("out/flags"), &["BR", "JP"]);
    assert_eq!(file_names(fx.cwd()), ["out"]);
}

/// A reader that stops early (`| head`) ends the client quietly, by
/// SIGPIPE as `cat` would end, instead of a panic and a backtrace, and
/// leaves no temporary file behind.
#[cfg(unix)]
#[test]
fn closed_stdout_ends_the_run_quietly() {
    use std::io::{BufRead, BufReader};
    use std::os::unix::process::ExitStatusExt;
    use std::process::{Command, Stdio};

    let fx = Fixture::local(CLIENT.bin);
    let mut child = Command::new(CLIENT.bin)
        .args(["-v", "-e", "-s", &fx.base_url()])
        .current_dir(fx.cwd())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the client starts");
    let stdout = child.stdout.take().expect("piped stdout");
    let mut first = String::new();
    BufReader::new(stdout).read_line(&mut first).expect("a first line");
    // The reader is dropped here, as `head -1` exits after one line.
    let output = child.wait_with_output().expect("the client ends");
    assert!(first.contains("site: "), "{first:?}");
    // SIGPIPE is 13 on Linux and the BSDs.
    assert_eq!(output.status.signal(), Some(13), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let saved = file_names(&fx.dest());
    assert!(saved.iter().all(|name| name.ends_with(".gif")), "{saved:?}");
}

/// `FLAGS_LOCAL_URL` moves the LOCAL label: `-s LOCAL` downloads from the
/// server it names, and the report names LOCAL with that URL, as it does
/// for a test server started on other ports.
#[test]
fn server_url_variable_moves_a_label() {
    let fx = Fixture::local(CLIENT.bin);
    let base_url = fx.base_url();
    let output = std::process::Command::new(CLIENT.bin)
        .args(["-s", "local", "BR", "CN"])
        .env("FLAGS_LOCAL_URL", &base_url)
        .current_dir(fx.cwd())
        .output()
        .expect("the client runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    let first = stdout.lines().next().unwrap_or_default();
    assert_eq!(first, format!("LOCAL site: {base_url}"));
    assert_saved_exactly(&fx.dest(), &["BR", "CN"]);
}
