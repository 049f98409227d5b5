//! The HTTP client under `flags_asyncio`'s `get_flag`: what
//! `httpx.AsyncClient()`, `client.get` and `raise_for_status()` do in
//! `flags2_asyncio.py`.
//!
//! Not in the book, where httpx decides all of it: a `reqwest::Client`
//! ([`client`]) whose TLS is the blocking clients' (rustls on ring, the
//! roots of `flags_common::tls`, read on the first HTTPS handshake), set
//! up by the constructor so that no caller has to; and [`fetch`], which caps the body, reads an error page
//! to its end so its connection can serve the next code, and names the
//! cause of a failure.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use flags_common::{
    FlagError, MAX_ERROR_PAGE_BYTES, MAX_REDIRECTS, raise_for_status,
};
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{
    HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier,
};
use rustls::crypto::{
    WebPkiSupportedAlgorithms, verify_tls12_signature, verify_tls13_signature,
};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, SignatureScheme};

/// The HTTP client every request goes through: the book's
/// `httpx.AsyncClient()`.
///
/// A `reqwest::Client` is a cheap clone of a handle to one connection pool,
/// so every task shares the connections, and a connection a finished task
/// leaves idle is reused by the next one. The pool keeps up to `max_idle`
/// (`flags_common::idle_connections` says how many are worth keeping).
pub fn client(
    timeout: Duration,
    max_idle: usize,
) -> reqwest::Result<reqwest::Client> {
    client_builder()
        // One deadline for the whole request, body included: a server that
        // sends headers and then stalls cannot hold us past `--timeout`.
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::limited(MAX_REDIRECTS as usize))
        // reqwest never limits how many connections it opens (the semaphore
        // does); this is how many idle ones it keeps for reuse.
        .pool_max_idle_per_host(max_idle)
        .build()
}

/// A `reqwest::ClientBuilder` with reqwest's defaults but for TLS, which
/// is [`tls_config`]'s: the start of every client of this crate, the
/// examples' too, since reqwest is built without a crypto provider and
/// panics without one.
pub fn client_builder() -> reqwest::ClientBuilder {
    reqwest::Client::builder().tls_backend_preconfigured(tls_config())
}

/// The TLS settings of [`client_builder`]: rustls on ring, the crypto library
/// ureq uses too, so a fresh build compiles one C crypto library, not two
/// (reqwest's own choice would be aws-lc). It trusts Mozilla's roots, as
/// ureq does, or those of SSL_CERT_FILE: see [`RootsOnFirstUse`].
fn tls_config() -> rustls::ClientConfig {
    // The process's provider: this fails only if one is installed already,
    // and ring is the only one compiled in, so it is ring either way.
    let _ = rustls::crypto::ring::default_provider().install_default();
    // rustls files any verifier of our own under `dangerous`, since one
    // could skip checks; this one makes rustls's own checks, all of them.
    rustls::ClientConfig::builder()
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(RootsOnFirstUse::default()))
        .with_no_client_auth()
}

/// The check of a server's certificate that
/// `ClientConfig::with_root_certificates` would make, rustls's
/// `WebPkiServerVerifier`, with its roots ([`root_store`]) read on the
/// first HTTPS handshake instead of when the client is built.
///
/// Reading them is most of what building a client costs when SSL_CERT_FILE
/// names a system bundle (every certificate decoded and parsed), and the
/// client is built before the first request of every run: a run over
/// plain HTTP, such as every run against the test server, never needs
/// them.
#[derive(Debug)]
struct RootsOnFirstUse {
    /// ring's signature algorithms, which check a handshake's signature
    /// with the key of a certificate already verified.
    algorithms: WebPkiSupportedAlgorithms,
    /// The verifier, once a handshake has asked for it; `None` if there is
    /// no root to trust (SSL_CERT_FILE unreadable or holding none).
    verifier: OnceLock<Option<Arc<WebPkiServerVerifier>>>,
}

impl Default for RootsOnFirstUse {
    fn default() -> Self {
        let provider = rustls::crypto::ring::default_provider();
        RootsOnFirstUse {
            algorithms: provider.signature_verification_algorithms,
            verifier: OnceLock::new(),
        }
    }
}

impl RootsOnFirstUse {
    /// The verifier, built on the first call.
    fn verifier(&self) -> Option<&WebPkiServerVerifier> {
        let verifier = self.verifier.get_or_init(|| {
            let provider = Arc::new(rustls::crypto::ring::default_provider());
            // Building fails only when there is no root: then every
            // certificate is refused, below.
            WebPkiServerVerifier::builder_with_provider(
                Arc::new(root_store()),
                provider,
            )
            .build()
            .ok()
        });
        verifier.as_deref()
    }
}

impl ServerCertVerifier for RootsOnFirstUse {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let Some(verifier) = self.verifier() else {
            // What the verifier says of a chain that no trusted root
            // signed.
            return Err(rustls::Error::InvalidCertificate(
                CertificateError::UnknownIssuer,
            ));
        };
        verifier.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        )
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// The roots HTTPS trusts: Mozilla's, or those of SSL_CERT_FILE (see
/// `flags_common::tls`).
fn root_store() -> rustls::RootCertStore {
    let mut roots = rustls::RootCertStore::empty();
    match flags_common::tls::roots_from_env() {
        Some(certs) => {
            // A certificate rustls cannot parse is left out, and servers
            // it signed are not trusted.
            roots.add_parsable_certificates(certs);
        }
        None => roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
    }
    roots
}

/// One GET: the body, up to `limit` bytes, or why there is none. Any
/// status outside 2xx is a `FlagError::Http`, as `raise_for_status()`.
pub async fn fetch(
    client: &reqwest::Client,
    url: &str,
    limit: u64,
) -> Result<Vec<u8>, FlagError> {
    let mut resp = client.get(url).send().await.map_err(to_flag_error)?;
    if let Err(error) = raise_for_status(url, resp.status().as_u16()) {
        // Read the short error page to its end, ignoring what it says:
        // hyper puts a connection back in its pool only after a whole body,
        // and the next code should reuse it after a 404 as after a 200.
        let _ = read_body(&mut resp, MAX_ERROR_PAGE_BYTES).await;
        return Err(error);
    }
    read_body(&mut resp, limit).await
}

/// The body of `resp`, chunk by chunk, stopping past `limit`: a
/// Content-Length header may be missing or lie, the bytes received cannot.
async fn read_body(
    resp: &mut reqwest::Response,
    limit: u64,
) -> Result<Vec<u8>, FlagError> {
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(to_flag_error)? {
        if (body.len() + chunk.len()) as u64 > limit {
            return Err(FlagError::TooLarge { limit });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Names the cause of a failed request in words a user can act on.
///
/// reqwest's own message only says what it was doing ("error sending
/// request for url (...)"); the cause, such as "Connection refused", is at
/// the end of its chain of sources, so that is what the user reads.
fn to_flag_error(error: reqwest::Error) -> FlagError {
    if error.is_timeout() {
        return FlagError::Timeout;
    }
    let mut cause: &dyn std::error::Error = &error;
    while let Some(source) = cause.source() {
        cause = source;
    }
    FlagError::Transport(cause.to_string())
}
