//! End-to-end tests of the command line of `flags_sequential`, the part
//! `flags2_common.process_args` and `main` handle in the book: usage
//! errors, and what a refused server of the user's own looks like.
//!
//! None of these needs a flag server: a usage error stops before any
//! request. Labels (LOCAL, DELAY...) point at fixed ports, which tests
//! never use: their mapping and the "start the servers" hint are unit
//! tests in `flags_common`.

use std::path::Path;

use flags_testkit::client::{Run, Scratch, closed_base_url, file_names, run};

/// The binary under test: `python3 flags2_sequential.py` in the book.
const BIN: &str = env!("CARGO_BIN_EXE_flags_sequential");

/// The usage line that follows every `*** Usage error` message.
const USAGE: &str = "Usage: flags_sequential [OPTIONS] [CC]...";

/// The book's message for a CC argument that is not a letter or a pair.
const CC_ERROR: &str =
    "*** Usage error: each CC argument must be A to Z or AA to ZZ.";

/// The hint printed when nothing listens at a labelled test server.
const HINT: &str = "start the test servers with `cargo run -p flags_server`";

/// Runs the binary with `args` in `cwd`, so the default `--dest`,
/// `downloaded`, lands in a directory the test owns.
fn run_in(cwd: &Path, args: &[&str]) -> Run {
    run(BIN, cwd, args)
}

/// Runs `args` in an empty directory and checks the book's usage error:
/// exit 2, nothing on stdout, `message` then the usage line on stderr,
/// and no `downloaded` directory (nor anything else) created.
fn assert_usage_error(args: &[&str], message: &str) {
    let cwd = Scratch::new();
    let run = run_in(cwd.path(), args);
    assert_eq!(run.code(), Some(2), "{args:?}: {run:?}");
    assert_eq!(run.stdout, "", "{args:?}");
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{args:?}: {:?}", run.stderr);
    assert!(lines[0].starts_with("*** Usage error: "), "{args:?}");
    assert!(
        lines[0].starts_with(message),
        "{args:?}: {:?} does not start with {message:?}",
        lines[0]
    );
    assert_eq!(lines[1], USAGE, "{args:?}");
    assert!(file_names(cwd.path()).is_empty(), "{args:?}");
}

/// Three letters are not a country code.
#[test]
fn three_letters_are_a_usage_error() {
    assert_usage_error(&["XYZ"], CC_ERROR);
}

/// A digit is not a letter.
#[test]
fn a_digit_is_a_usage_error() {
    assert_usage_error(&["1"], CC_ERROR);
}

/// A letter and a digit are not a country code.
#[test]
fn a_letter_and_a_digit_are_a_usage_error() {
    assert_usage_error(&["B7"], CC_ERROR);
}

/// One bad code spoils the whole list: nothing is downloaded.
#[test]
fn one_bad_code_among_good_ones_is_a_usage_error() {
    assert_usage_error(&["BR", "XYZ", "JP"], CC_ERROR);
}

/// `-m 0` would never download anything.
#[test]
fn zero_max_req_is_a_usage_error() {
    assert_usage_error(
        &["-m", "0"],
        "*** Usage error: --max_req CONCURRENT must be >= 1",
    );
}

/// A negative `-m` is refused with the same message as zero.
#[test]
fn negative_max_req_is_a_usage_error() {
    assert_usage_error(
        &["-m", "-1"],
        "*** Usage error: --max_req CONCURRENT must be >= 1",
    );
}

/// `-m` must be a number; clap's reason follows the book's prefix.
#[test]
fn non_numeric_max_req_is_a_usage_error() {
    assert_usage_error(
        &["-m", "x"],
        "*** Usage error: invalid value 'x' for '--max_req <CONCURRENT>'",
    );
}

/// `-l 0` would ask for no flag at all.
#[test]
fn zero_limit_is_a_usage_error() {
    assert_usage_error(&["-l", "0"], "*** Usage error: --limit N must be >= 1");
}

/// A label that is neither one of the four nor a URL is a usage error.
#[test]
fn unknown_server_label_is_a_usage_error() {
    assert_usage_error(
        &["-s", "nowhere"],
        "*** Usage error: --server LABEL must be one of DELAY, ERROR, \
         LOCAL, REMOTE, or a URL starting with http:// or https://",
    );
}

/// A URL without a host is refused before any request.
#[test]
fn malformed_server_url_is_a_usage_error() {
    assert_usage_error(
        &["-s", "http://"],
        "*** Usage error: --server URL \"http://\" is not valid",
    );
}

/// A usage error with `--dest` creates no directory there either.
#[test]
fn usage_error_creates_no_dest_directory() {
    assert_usage_error(&["--dest", "flags/here", "XYZ"], CC_ERROR);
}

/// A refused URL of the user's own gets no hint; `-v` names the cause.
#[test]
fn refused_custom_url_gets_no_hint_and_names_the_cause() {
    let cwd = Scratch::new();
    let base_url = closed_base_url();
    let run = run_in(cwd.path(), &["-s", &base_url, "-v", "ZZ"]);
    assert_eq!(run.code(), Some(0), "{run:?}");
    // The OS words the refusal ("Connection refused (os error 111)" on
    // Linux); the test only asks that it says so.
    let report = run.masked();
    let (before, rest) =
        report.split_once("ZZ error: ").expect("a -v line for ZZ's error");
    let (reason, after) = rest.split_once('\n').unwrap_or((rest, ""));
    assert_eq!(
        before,
        format!(
            "CUSTOM site: {base_url}\n\
             Searching for 1 flag: ZZ\n\
             1 connection will be used.\n"
        )
    );
    assert!(reason.to_lowercase().contains("refused"), "{reason:?}");
    assert_eq!(
        after,
        "--------------------\n  \
         0 flags downloaded.\n  \
         1 error.\n\
         Elapsed time: X.XXs\n"
    );
    assert!(!run.stderr.contains(HINT), "{run:?}");
    // The destination was prepared before the requests; it holds nothing.
    let dest = cwd.path().join("downloaded");
    assert!(file_names(Path::new(&dest)).is_empty());
}
