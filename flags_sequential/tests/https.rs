//! REMOTE is HTTPS: the sequential client (and the thread pool, which
//! uses the same ureq agent) downloads over TLS from a local server whose
//! authority SSL_CERT_FILE names, and refuses one it does not trust.
//!
//! The HTTPS front and the checks are `flags_testkit::tls`'s; the tests
//! come from `flags_testkit::https_tests!`, as `flags_asyncio`'s do.

flags_testkit::https_tests!(env!("CARGO_BIN_EXE_flags_sequential"));
