//! End-to-end tests of `flags_asyncio` against the workspace's own test
//! server: the runs of `flags2_asyncio.py` the chapter shows, checked by
//! their report, the files saved, and what the server saw.
//!
//! What each behaviour means is written once, in
//! `flags_testkit::checks`, for the three clients; this file says
//! which of them tasks under a semaphore must show, with their numbers.

use flags_testkit::checks::{self, Client};

/// `python3 flags2_asyncio.py` in the book: a semaphore of 5 permits
/// unless `-m` says otherwise, and at most 1000.
const CLIENT: Client = Client {
    bin: env!("CARGO_BIN_EXE_flags_asyncio"),
    default_concur_req: 5,
    max_concur_req: 1000,
};

/// `-e` asks for all 676 codes with 5 permits: the book's report, the 194
/// flags saved byte for byte, the other 482 "not found".
#[test]
fn every_finds_194_flags_and_482_not_found() {
    checks::every_finds_194_flags_and_482_not_found(&CLIENT);
}

/// `-v` prints one line per code, as each finishes, instead of the bar.
#[test]
fn verbose_prints_one_line_per_code() {
    checks::verbose_prints_one_line_per_code(&CLIENT);
}

/// Against ERROR some codes fail with 418; the counts add up to the codes
/// asked and agree with what the server answered.
#[test]
fn error_server_counts_add_up_to_the_codes_asked() {
    checks::error_server_counts_add_up_to_the_codes_asked(&CLIENT);
}

/// Codes that wait for a free worker reuse the connections of those
/// that finished: the pool keeps them for that.
#[test]
fn waiting_codes_reuse_the_connections_of_finished_ones() {
    checks::waiting_codes_reuse_the_connections_of_finished_ones(&CLIENT);
}

/// `-m 7` puts exactly 7 requests in flight when more codes than permits
/// overlap.
#[test]
fn peak_in_flight_is_exactly_m() {
    checks::peak_in_flight_is_exactly_m(&CLIENT);
}

/// `-m 1000 -e` gives every code a permit (676, fewer than 1000): every
/// request is in flight at once, and none fails.
#[test]
fn thousand_permits_put_all_676_codes_in_flight() {
    checks::m_1000_puts_all_676_codes_in_flight(&CLIENT);
}

/// Under a hard open-file limit of 256, `-m 1000 -e` is lowered to what
/// fits, with one line on stderr saying so, and no download fails.
#[cfg(unix)]
#[test]
fn low_open_file_limit_lowers_m_without_errors() {
    checks::low_open_file_limit_lowers_m(&CLIENT);
}

/// `--version` prints the binary's name and version, and exits 0.
#[test]
fn version_prints_name_and_version() {
    let output = std::process::Command::new(CLIENT.bin)
        .arg("--version")
        .output()
        .expect("the binary runs");
    assert!(output.status.success());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        stdout,
        format!("flags_asyncio {}\n", env!("CARGO_PKG_VERSION"))
    );
}
