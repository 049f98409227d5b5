//! A seam for the tests of the clients' panic policy, in debug builds
//! only. It mirrors no program of the chapter: the book's clients let an
//! exception other than an HTTP error end the run, and ours let a panic
//! in `download_one` end theirs; no input of a real run can make
//! `download_one` panic, so without this seam that policy could not be
//! tested on the real binaries.
//!
//! With `FLAGS_PANIC_ON=CC` in the environment of a debug build, the
//! download of CC panics as it starts (in `get_flag`, through
//! [`crate::flag_url`]), as a bug would. A release build compiles the
//! check to nothing: there the variable means nothing.

/// The variable that names the code whose download panics, e.g.
/// `FLAGS_PANIC_ON=CN`.
pub const PANIC_ON_VAR: &str = "FLAGS_PANIC_ON";

/// Panics if this is a debug build and [`PANIC_ON_VAR`] names `cc` (in
/// any case); does nothing otherwise.
pub fn panic_if_asked(cc: &str) {
    #[cfg(debug_assertions)]
    if std::env::var(PANIC_ON_VAR).is_ok_and(|on| on.eq_ignore_ascii_case(cc)) {
        panic!(
            "{PANIC_ON_VAR}={cc}: the download of {cc} panics, as a bug would"
        );
    }
    #[cfg(not(debug_assertions))]
    let _ = cc;
}
