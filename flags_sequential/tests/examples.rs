//! The chapter's first programs as their example binaries: `flags.py`
//! and `download_many_process_pool`, checked by what they print and save,
//! and that each ends quietly when its reader has gone (`| head`).
//!
//! Each run downloads from a `flags_server::TestServer` on port 0
//! (`FLAGS_BASE_URL` points the example at it), in an empty directory of
//! its own; `flags_testkit::examples` finds and runs them.

use flags_testkit::examples::{POP20_SORTED, expect_twenty_flags};
#[cfg(unix)]
use flags_testkit::examples::{assert_ends_quietly_on_a_closed_pipe, no_args};

/// This package, whose examples these are.
const PACKAGE: &str = env!("CARGO_PKG_NAME");

/// `flags` saves the 20 flags, one after the other, in sorted order.
#[test]
fn flags_downloads_the_20_flags_in_order() {
    let stdout = expect_twenty_flags(PACKAGE, "flags");
    // One at a time, so the completion order is the sorted order.
    let first_line = stdout.lines().next().unwrap_or_default();
    assert_eq!(first_line.split_whitespace().collect::<Vec<_>>(), POP20_SORTED);
}

/// `flags_processpool` saves the 20 flags from its worker processes, and
/// every code printed by a worker reaches the terminal.
#[test]
fn flags_processpool_downloads_the_20_flags() {
    expect_twenty_flags(PACKAGE, "flags_processpool");
}

/// `flags` ends quietly when its reader has gone (`| head`), as the
/// flags2 clients do: by SIGPIPE, with no panic message.
#[cfg(unix)]
#[test]
fn flags_ends_quietly_on_a_closed_pipe() {
    assert_ends_quietly_on_a_closed_pipe(PACKAGE, "flags", no_args);
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
