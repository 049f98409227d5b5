//! End-to-end tests of `flags_asyncio` against the workspace's own test
//! server: the runs of `flags2_asyncio.py` the chapter shows, checked by
//! their report, the files saved, and what the server saw.
//!
//! What each behaviour means is written once, in `flags_testkit::checks`,
//! and the tests come from its macros, the same for the three clients;
//! this file says which of them tasks under a semaphore must show, with
//! their numbers.

use flags_testkit::checks::Client;

/// `python3 flags2_asyncio.py` in the book: a semaphore of 5 permits
/// unless `-m` says otherwise, and at most 1000.
const CLIENT: Client =
    Client::new(env!("CARGO_BIN_EXE_flags_asyncio"), 5, 1000);

flags_testkit::concurrent_tests!(CLIENT, "flags_asyncio");
