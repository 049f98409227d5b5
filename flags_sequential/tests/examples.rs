//! The chapter's first program as its example binary: `flags.py`, checked
//! by what it prints and saves, and that it ends quietly when its reader
//! has gone (`| head`).
//!
//! Each run downloads from a `flags_server::TestServer` on port 0
//! (`FLAGS_BASE_URL` points the example at it), in an empty directory of
//! its own; `flags_testkit::examples` finds and runs it.

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

/// `flags` ends quietly when its reader has gone (`| head`), as the
/// flags2 clients do: by SIGPIPE, with no panic message.
#[cfg(unix)]
#[test]
fn flags_ends_quietly_on_a_closed_pipe() {
    assert_ends_quietly_on_a_closed_pipe(PACKAGE, "flags", no_args);
}
