//! End-to-end tests of `flags_threadpool` against the workspace's own test
//! server: the runs of `flags2_threadpool.py` the chapter shows, checked
//! by their report, the files saved, and what the server saw.
//!
//! What each behaviour means is written once, in `flags_testkit::checks`,
//! and the tests come from its macros, the same for the three clients;
//! this file says which of them a pool of threads must show, with its own
//! numbers.

use flags_testkit::checks::Client;

/// `python3 flags2_threadpool.py` in the book: 30 threads unless `-m`
/// says otherwise, and at most 1000.
const CLIENT: Client =
    Client::new(env!("CARGO_BIN_EXE_flags_threadpool"), 30, 1000);

flags_testkit::concurrent_tests!(CLIENT, "flags_threadpool");
