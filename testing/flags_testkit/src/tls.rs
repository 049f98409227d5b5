//! An HTTPS front for the test server, so the clients' tests can download
//! over TLS, as from REMOTE, without the internet.
//!
//! [`TlsFront`] makes a certificate authority and a certificate for
//! 127.0.0.1 signed by it (rcgen), writes the authority's certificate to a
//! PEM file for the client's `SSL_CERT_FILE`, and relays each TLS
//! connection it accepts (tokio-rustls, on ring as the clients) to a plain
//! HTTP server, byte for byte. The flags_server test server stays plain
//! HTTP; only this front speaks TLS.
//!
//! The checks [`https_saves_the_flags`] and
//! [`https_refuses_an_unknown_authority`] run a client against it; the
//! clients' `tests/https.rs` call them through [`crate::https_tests`].

// A panic in the test kit is a failed test, with the line that failed.
#![allow(clippy::unwrap_used)]

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::Arc;

use crate::client::{Run, Scratch, assert_saved_exactly};
use flags_server::{Config, Kind, TestServer};
use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio::sync::oneshot;

use crate::background::Background;

/// Runs `bin -v BR JP ZZ` against an HTTPS front of LOCAL whose authority
/// SSL_CERT_FILE names (`trusted`) or not; returns the run and where it
/// saved the flags.
fn run_over_https(bin: &str, trusted: bool) -> (Run, Scratch) {
    let server = TestServer::start(Config::fast()).unwrap();
    let front = TlsFront::start(server.addr(Kind::Local));
    let cwd = Scratch::new();
    let mut command = Command::new(bin);
    command
        .args(["-v", "-s", &front.base_url(), "BR", "JP", "ZZ"])
        .current_dir(cwd.path())
        .env_remove("RUST_LOG")
        .env_remove("SSL_CERT_FILE")
        .stdin(Stdio::null());
    if trusted {
        command.env("SSL_CERT_FILE", front.ca_file());
    }
    let output = command.output().unwrap();
    let run = Run {
        status: output.status,
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        max_rss_kib: None,
    };
    (run, cwd)
}

/// Over HTTPS, from a server whose certificate an authority named by
/// SSL_CERT_FILE signed, `bin` saves the flags byte for byte and counts
/// the 404 as not found, as over HTTP.
pub fn https_saves_the_flags(bin: &str) {
    let (run, cwd) = run_over_https(bin, true);
    let transcript = run.transcript();
    assert_eq!(run.code(), Some(0), "{transcript}");
    assert_eq!(run.counts(), [2, 1, 0], "{transcript}");
    assert_saved_exactly(&cwd.path().join("downloaded"), &["BR", "JP"]);
}

/// Without SSL_CERT_FILE, only Mozilla's roots are trusted, so the test's
/// own authority is not: every code fails on the certificate, and nothing
/// is saved. (The check the first test relies on is really made.)
pub fn https_refuses_an_unknown_authority(bin: &str) {
    let (run, cwd) = run_over_https(bin, false);
    let transcript = run.transcript();
    assert_eq!(run.code(), Some(0), "{transcript}");
    assert_eq!(run.counts(), [0, 0, 3], "{transcript}");
    for line in run.verbose_lines() {
        assert!(line.to_lowercase().contains("certificate"), "{transcript}");
    }
    assert_saved_exactly(&cwd.path().join("downloaded"), &[]);
}

/// A TLS-terminating relay on a free port of 127.0.0.1, running until
/// dropped.
pub struct TlsFront {
    addr: SocketAddr,
    /// The relay's thread, stopped when this is dropped (before `dir`).
    _background: Background,
    dir: tempfile::TempDir,
}

impl TlsFront {
    /// Starts relaying HTTPS on a free port to plain HTTP at `upstream`.
    /// The port listens before this returns.
    pub fn start(upstream: SocketAddr) -> TlsFront {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let (server_config, ca_pem) = certificates();
        std::fs::write(dir.path().join("ca.pem"), ca_pem)
            .expect("the CA file is written");
        let listener =
            std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let addr = listener.local_addr().unwrap();
        listener.set_nonblocking(true).unwrap();
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(server_config));
        let background = Background::spawn("tls-front", move |stopped| {
            relay(listener, acceptor, upstream, stopped)
        })
        .unwrap();
        TlsFront { addr, _background: background, dir }
    }

    /// The base URL the clients' `-s` takes: `https://127.0.0.1:{port}/flags`.
    pub fn base_url(&self) -> String {
        format!("https://{}/flags", self.addr)
    }

    /// The PEM file of the authority that signed the front's certificate:
    /// what `SSL_CERT_FILE` must name for a client to trust it.
    pub fn ca_file(&self) -> PathBuf {
        self.dir.path().join("ca.pem")
    }
}

/// A CA, and a server configuration with a certificate for 127.0.0.1
/// that the CA signed; returns the configuration and the CA's PEM.
fn certificates() -> (rustls::ServerConfig, String) {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca_cert = ca_params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca_params, ca_key);

    let key = KeyPair::generate().unwrap();
    let params = CertificateParams::new(vec!["127.0.0.1".to_owned()]).unwrap();
    let cert = params.signed_by(&key, &issuer).unwrap();

    let chain = vec![CertificateDer::from(cert.der().to_vec())];
    let key = PrivateKeyDer::try_from(key.serialize_der()).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .unwrap();
    (config, ca_cert.pem())
}

/// Accepts TLS connections until `stopped`, relaying each to `upstream`.
async fn relay(
    listener: std::net::TcpListener,
    acceptor: tokio_rustls::TlsAcceptor,
    upstream: SocketAddr,
    mut stopped: oneshot::Receiver<()>,
) {
    let listener = tokio::net::TcpListener::from_std(listener).unwrap();
    loop {
        let stream = tokio::select! {
            _ = &mut stopped => return,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(_) => continue,
            },
        };
        let acceptor = acceptor.clone();
        tokio::spawn(async move {
            // A client that rejects the certificate ends the handshake: an
            // error here is the failure under test, not the front's.
            let Ok(mut tls) = acceptor.accept(stream).await else { return };
            let Ok(mut plain) = tokio::net::TcpStream::connect(upstream).await
            else {
                return;
            };
            let _ = tokio::io::copy_bidirectional(&mut tls, &mut plain).await;
        });
    }
}
