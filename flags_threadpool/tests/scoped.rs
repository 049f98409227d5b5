//! `flags_scoped`, `flags_threadpool.py` on `std::thread::scope`, run as
//! its example binary against a `flags_server::TestServer` on port 0, in
//! an empty directory (see `flags_testkit::examples`).

use flags_testkit::examples::expect_twenty_flags;
#[cfg(unix)]
use flags_testkit::examples::{assert_ends_quietly_on_a_closed_pipe, no_args};

/// This package, whose example this is.
const PACKAGE: &str = env!("CARGO_PKG_NAME");

/// `flags_scoped` saves the 20 flags and prints each code once, as the
/// pool's `flags_threadpool` does.
#[test]
fn flags_scoped_downloads_the_20_flags() {
    expect_twenty_flags(PACKAGE, "flags_scoped");
}

/// `flags_scoped` ends quietly when its reader has gone.
#[cfg(unix)]
#[test]
fn flags_scoped_ends_quietly_on_a_closed_pipe() {
    assert_ends_quietly_on_a_closed_pipe(PACKAGE, "flags_scoped", no_args);
}
