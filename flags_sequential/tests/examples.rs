//! The chapter's first programs as their example binaries: `flags.py`
//! and `download_many_process_pool`, checked by what they print and save.
//!
//! Each run downloads from a `flags_server::TestServer` on port 0
//! (`FLAGS_BASE_URL` points the example at it), in an empty directory of
//! its own; `flags_testkit::examples` finds and runs them.

use flags_testkit::examples::{POP20_SORTED, expect_twenty_flags};

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

/// `flags` piped into a reader that has gone (`| head` after its lines)
/// ends by SIGPIPE, quietly, as the flags2 clients do: no panic message.
#[cfg(unix)]
#[test]
fn flags_ends_quietly_on_a_closed_pipe() {
    use flags_testkit::examples::{example, start_server};

    use std::os::unix::process::ExitStatusExt;

    let server = start_server();
    let cwd = flags_testkit::client::Scratch::new();
    // A pipe whose reading end is already closed: every write fails.
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    let output = std::process::Command::new(example(PACKAGE, "flags"))
        .current_dir(cwd.path())
        .env("FLAGS_BASE_URL", server.base_url(flags_server::Kind::Local))
        .env_remove("RUST_LOG")
        .stdout(writer)
        .output()
        .expect("the example runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    // SIGPIPE is 13 on Linux and the BSDs.
    assert_eq!(output.status.signal(), Some(13), "{output:?}");
}
