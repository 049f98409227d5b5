//! REMOTE is HTTPS: the async client (reqwest, on the same rustls and
//! ring as ureq) downloads over TLS from a local server whose
//! authority SSL_CERT_FILE names, and refuses one it does not trust.
//!
//! The HTTPS front and the checks are `flags_testkit::tls`'s; the tests
//! come from `flags_testkit::https_tests!`, as `flags_sequential`'s do.

flags_testkit::https_tests!(env!("CARGO_BIN_EXE_flags_asyncio"));
