//! REMOTE is HTTPS: the async client (reqwest, on the same rustls and
//! ring as ureq) downloads over TLS from a local server whose
//! authority SSL_CERT_FILE names, and refuses one it does not trust.

// Helpers of tests may unwrap too: a panic there is a failed test.
#![allow(clippy::unwrap_used)]

// The HTTPS front is shared with flags_sequential's tests; see its doc.
#[path = "../../flags_sequential/tests/support/tls.rs"]
mod tls;

const BIN: &str = env!("CARGO_BIN_EXE_flags_asyncio");

/// With SSL_CERT_FILE naming the test's authority, the flags come over
/// HTTPS byte for byte.
#[test]
fn https_with_ssl_cert_file_saves_the_flags() {
    tls::https_saves_the_flags(BIN);
}

/// Without it, the test's authority is unknown and every code fails on
/// the certificate.
#[test]
fn https_from_an_unknown_authority_fails_every_code() {
    tls::https_refuses_an_unknown_authority(BIN);
}
