//! The HTTP client under `flags_asyncio`'s `get_flag`: what
//! `httpx.AsyncClient()`, `client.get` and `raise_for_status()` do in
//! `flags2_asyncio.py`.
//!
//! Not in the book, where httpx decides all of it: a `reqwest::Client`
//! ([`client`]) whose TLS is the blocking clients' (rustls on ring, the
//! roots of `flags_common::tls`), set up by the constructor so that no
//! caller has to; and [`fetch`], which caps the body, reads an error page
//! to its end so its connection can serve the next code, and names the
//! cause of a failure.

use std::time::Duration;

use flags_common::{
    FlagError, MAX_ERROR_PAGE_BYTES, MAX_REDIRECTS, raise_for_status,
};

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
/// ureq does, or those of SSL_CERT_FILE: see `flags_common::tls`.
fn tls_config() -> rustls::ClientConfig {
    // The process's provider: this fails only if one is installed already,
    // and ring is the only one compiled in, so it is ring either way.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut roots = rustls::RootCertStore::empty();
    match flags_common::tls::roots_from_env() {
        Some(certs) => {
            // A certificate rustls cannot parse is left out, and servers
            // it signed are not trusted.
            roots.add_parsable_certificates(certs);
        }
        None => roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
    }
    rustls::ClientConfig::builder()
        .with_root_certificates(roots)
        .with_no_client_auth()
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
