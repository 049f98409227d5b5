//! REMOTE is HTTPS: the async client (reqwest, on the same rustls and
//! ring as ureq) downloads over TLS from a local server whose
//! authority SSL_CERT_FILE names, and refuses one it does not trust.
//!
//! The HTTPS front and the checks are `flags_testkit::tls`'s; the tests
//! come from `flags_testkit::https_tests!`, as `flags_sequential`'s do.
//! The two below are this client's own: it reads its roots on the first
//! HTTPS handshake, not when it starts (see `flags_asyncio::http`).

// A panic in a test is a failed test, with the line that failed.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::{Command, Stdio};

use flags_server::{Config, Kind, TestServer};
use flags_testkit::client::{Fixture, Run, Scratch, assert_saved_exactly};
use flags_testkit::tls::TlsFront;

flags_testkit::https_tests!(env!("CARGO_BIN_EXE_flags_asyncio"));

const BIN: &str = env!("CARGO_BIN_EXE_flags_asyncio");

/// `flags_asyncio -v -s BASE_URL BR JP ZZ` in `cwd`, with SSL_CERT_FILE
/// naming `cert_file`.
fn run_with_cert_file(base_url: &str, cwd: &Path, cert_file: &Path) -> Run {
    let output = Command::new(BIN)
        .args(["-v", "-s", base_url, "BR", "JP", "ZZ"])
        .current_dir(cwd)
        .env_remove("RUST_LOG")
        .env("SSL_CERT_FILE", cert_file)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    Run {
        status: output.status,
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        max_rss_kib: None,
    }
}

/// Over plain HTTP no root certificate is read: an SSL_CERT_FILE that
/// does not exist draws no warning, and the flags are saved.
#[test]
fn plain_http_never_reads_ssl_cert_file() {
    let fixture = Fixture::local(BIN);
    let missing = fixture.cwd().join("no-such-roots.pem");
    let run = run_with_cert_file(&fixture.base_url(), fixture.cwd(), &missing);
    let transcript = run.transcript();
    assert_eq!(run.code(), Some(0), "{transcript}");
    assert_eq!(run.counts(), [2, 1, 0], "{transcript}");
    assert!(!run.stderr.contains("SSL_CERT_FILE"), "{transcript}");
    assert_saved_exactly(&fixture.dest(), &["BR", "JP"]);
}

/// Over HTTPS, an SSL_CERT_FILE that cannot be read is reported once,
/// however many connections are opened, and trusts no server: every code
/// fails on the certificate.
#[test]
fn unreadable_ssl_cert_file_is_reported_once_and_trusts_nothing() {
    let server = TestServer::start(Config::fast()).unwrap();
    let front = TlsFront::start(server.addr(Kind::Local));
    let cwd = Scratch::new();
    let missing = cwd.path().join("no-such-roots.pem");
    let run = run_with_cert_file(&front.base_url(), cwd.path(), &missing);
    let transcript = run.transcript();
    assert_eq!(run.code(), Some(0), "{transcript}");
    assert_eq!(run.counts(), [0, 0, 3], "{transcript}");
    assert_eq!(run.stderr.matches("SSL_CERT_FILE=").count(), 1, "{transcript}");
    for line in run.verbose_lines() {
        assert!(line.to_lowercase().contains("certificate"), "{transcript}");
    }
    assert_saved_exactly(&cwd.path().join("downloaded"), &[]);
}
