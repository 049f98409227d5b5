//! The fault tests against `flags_asyncio` (`flags2_asyncio.py` in the book): a
//! misbehaving server answers one code of each run badly, and the client
//! must count it as an error that names the cause while the good codes of
//! the same run are saved untouched.
//!
//! What each fault means, and what is checked, is written once in
//! `flags_testkit::faulty`; the tests themselves, one per fault, come
//! from `flags_testkit::fault_tests!`, the same for the three clients.

flags_testkit::fault_tests!(env!("CARGO_BIN_EXE_flags_asyncio"));

/// A panic in `download_one` is a bug, not a flag's error: it ends the
/// run with exit code 101 and the panic's message, and no final report.
#[test]
fn panic_in_download_one_ends_the_run() {
    flags_testkit::checks::panic_in_download_one_ends_the_run(env!(
        "CARGO_BIN_EXE_flags_asyncio"
    ));
}
