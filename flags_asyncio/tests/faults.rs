//! The fault tests against `flags_asyncio`: a misbehaving
//! server (`flags_testkit::faulty`) answers one code of each run
//! badly, and the client must count it as an error that names the cause
//! while the good codes of the same run are saved untouched.
//!
//! What each fault means, and what is checked, is written once in
//! `flags_testkit::faulty`; `flags_sequential/tests/faults.rs` and
//! `flags_threadpool/tests/faults.rs` are this file with another binary.

use flags_testkit::faulty::{self, Fault};

/// The binary under test: `python3 flags2_asyncio.py` in the book.
const BIN: &str = env!("CARGO_BIN_EXE_flags_asyncio");

/// A body shorter than its Content-Length is an error, not a short flag.
#[test]
fn truncated_body_is_an_error() {
    faulty::expect_error(BIN, Fault::TruncatedBody);
}

/// A connection reset in the middle of the body is an error that says so.
#[test]
fn reset_mid_body_is_an_error() {
    faulty::expect_error(BIN, Fault::ResetMidBody);
}

/// Headers then silence end in "timed out" after `--timeout`.
#[test]
fn stall_after_headers_times_out() {
    faulty::expect_error(BIN, Fault::StallAfterHeaders);
}

/// A body that keeps coming, slowly, still ends at `--timeout`: the
/// timeout covers the whole request, not each read.
#[test]
fn endless_drip_times_out() {
    faulty::expect_error(BIN, Fault::DripForever);
}

/// A redirect loop is followed a bounded number of times, then an error.
#[test]
fn redirect_loop_is_an_error() {
    faulty::expect_error(BIN, Fault::RedirectLoop);
}

/// A redirect to a good flag is followed and the flag saved.
#[test]
fn redirect_to_a_good_flag_is_saved() {
    faulty::expect_saved(BIN, Fault::RedirectToGood);
}

/// A body without end is cut at the cap: "too large", memory bounded.
#[test]
fn endless_body_is_too_large() {
    faulty::expect_error(BIN, Fault::EndlessBody);
}

/// A 64 MiB body is refused as "too large", memory bounded.
#[test]
fn huge_body_is_too_large() {
    faulty::expect_error(BIN, Fault::HugeBody);
}

/// An answer that is not HTTP is an error.
#[test]
fn not_http_is_an_error() {
    faulty::expect_error(BIN, Fault::NotHttp);
}

/// A broken chunked encoding is an error that mentions the chunks.
#[test]
fn broken_chunks_are_an_error() {
    faulty::expect_error(BIN, Fault::BrokenChunks);
}

/// A connection closed before any answer is an error.
#[test]
fn close_before_answer_is_an_error() {
    faulty::expect_error(BIN, Fault::CloseBeforeAnswer);
}

/// 500 prints `CC error: HTTP error 500 - Internal Server Error`.
#[test]
fn status_500_is_an_http_error() {
    faulty::expect_error(BIN, Fault::Status500);
}

/// 503 prints `CC error: HTTP error 503 - Service Unavailable`.
#[test]
fn status_503_is_an_http_error() {
    faulty::expect_error(BIN, Fault::Status503);
}

/// 418 prints `CC error: HTTP error 418 - I'm a Teapot`, as in the book.
#[test]
fn status_418_is_an_http_error() {
    faulty::expect_error(BIN, Fault::Status418);
}

/// A body sent a few bytes at a time, within the timeout, is saved.
#[test]
fn trickled_body_is_saved() {
    faulty::expect_saved(BIN, Fault::TrickledBody);
}

/// A destination that is a file, or under one, fails with exit 1 and a
/// one-line reason before any request.
#[test]
fn bad_destination_is_refused_before_any_request() {
    faulty::expect_bad_dest_refused(BIN);
}

/// Ctrl-C mid-run: exit 130, the final report for what finished, and only
/// whole flags in the destination.
// Ctrl-C is a POSIX signal sent with `kill`: Unix only.
#[cfg(unix)]
#[test]
fn interrupt_prints_the_report_and_leaves_only_whole_flags() {
    faulty::expect_interrupt_report(BIN);
}
