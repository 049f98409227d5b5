//! The HTTP client under `flags_sequential`'s `get_flag`, and so under
//! `flags_threadpool`'s: what `httpx.get` and `raise_for_status()` do in
//! `flags2_sequential.py`'s `get_flag`.
//!
//! Not in the book, where httpx decides all of it: a ureq [`agent`] that
//! keeps connections alive, trusts the same roots as httpx
//! (`flags_common::tls`) and looks each host up once per run
//! (`crate::resolver`); and [`fetch`], which caps the body, reads an error
//! page to its end so its connection can serve the next code, and names
//! the cause of a failure.

use std::time::Duration;

use flags_common::{
    FlagError, MAX_ERROR_PAGE_BYTES, MAX_REDIRECTS, raise_for_status,
};

use crate::resolver::ResolveOnce;

/// The HTTP client every request goes through.
///
/// The book calls `httpx.get` per flag, opening a new connection each time.
/// A ureq `Agent` keeps connections alive and reuses them, so the sequential
/// run really uses one connection; the thread pool shares one agent between
/// its threads (an `Agent` is a cheap handle to a shared, locked pool), so
/// the pool keeps up to `max_idle` idle connections for them to reuse
/// (`flags_common::idle_connections` says how many are worth keeping).
pub fn agent(timeout: Duration, max_idle: usize) -> ureq::Agent {
    let config = ureq::Agent::config_builder()
        // One deadline for the whole request, body included: a server that
        // sends headers and then stalls cannot hold us past `--timeout`.
        .timeout_global(Some(timeout))
        // A 404 or a 418 is an answer to inspect, not an `Err`, so
        // `fetch` can turn it into `FlagError::Http` itself.
        .http_status_as_error(false)
        .max_redirects(MAX_REDIRECTS)
        // ureq keeps only a few idle connections per host by default:
        // with 30 workers, most would open a new connection for every flag.
        .max_idle_connections(max_idle)
        .max_idle_connections_per_host(max_idle)
        // ureq's default buffers are sized for large responses, and each
        // connection keeps its own: see
        // docs/tuning.md#ureqs-buffers. The input one holds a whole
        // response head, the output one only our short GET.
        .input_buffer_size(16 * 1024)
        .output_buffer_size(4 * 1024)
        // HTTPS through rustls on ring (ureq's default), trusting Mozilla's
        // roots, or those of SSL_CERT_FILE: see `flags_common::tls`.
        .tls_config(
            ureq::tls::TlsConfig::builder().root_certs(root_certs()).build(),
        )
        .build();
    // Look each host up once per run, not once per flag: see `resolver`.
    ureq::Agent::with_parts(
        config,
        ureq::unversioned::transport::DefaultConnector::default(),
        ResolveOnce::default(),
    )
}

/// The roots ureq trusts: its built-in copy of Mozilla's, unless
/// SSL_CERT_FILE names others.
fn root_certs() -> ureq::tls::RootCerts {
    match flags_common::tls::roots_from_env() {
        Some(certs) => certs
            .iter()
            .map(|cert| ureq::tls::Certificate::from_der(cert).to_owned())
            .into(),
        None => ureq::tls::RootCerts::WebPki,
    }
}

/// One GET: the body, up to `limit` bytes, or why there is none. Any
/// status outside 2xx is a `FlagError::Http`, as `raise_for_status()`.
pub fn fetch(
    agent: &ureq::Agent,
    url: &str,
    limit: u64,
) -> Result<Vec<u8>, FlagError> {
    let mut resp = agent.get(url).call().map_err(to_flag_error)?;
    let checked = raise_for_status(url, resp.status().as_u16());
    let body = resp.body_mut().with_config();
    if let Err(error) = checked {
        // Read the short error page to its end, ignoring what it says: ureq
        // puts a connection back in its pool only after a whole body, and
        // the next code should reuse it after a 404 as after a 200.
        let _ = body.limit(MAX_ERROR_PAGE_BYTES).read_to_vec();
        return Err(error);
    }
    body.limit(limit).read_to_vec().map_err(to_flag_error)
}

/// Names the cause of a failed request in words a user can act on.
fn to_flag_error(error: ureq::Error) -> FlagError {
    match error {
        ureq::Error::Timeout(_) => FlagError::Timeout,
        ureq::Error::BodyExceedsLimit(limit) => FlagError::TooLarge { limit },
        ureq::Error::Io(error) => FlagError::Transport(error.to_string()),
        other => FlagError::Transport(other.to_string()),
    }
}
