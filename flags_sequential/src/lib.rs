//! Sequential flag downloads: the Rust counterpart of
//! `flags2_sequential.py`.
//!
//! The baseline the two concurrent clients are measured against: one code
//! after another, on one keep-alive connection. The same three functions,
//! in the same order, appear in `flags_threadpool` and `flags_asyncio`;
//! only the way `download_many` drives `download_one` changes.
//!
//! - [`get_flag`]: one GET, the body or a [`FlagError`].
//! - [`download_one`]: get one flag and save it; a 404 is `NOT_FOUND`.
//! - [`download_many`]: every code in turn, counting the outcomes.
//! - [`fetch`]: the GET under `get_flag`: the error page read to its end,
//!   the body capped.
//!
//! The module [`flags`] is the chapter's first program, `flags.py`, which
//! the examples build on. `resolver` makes the agent look each host up
//! once per run instead of once per flag.

pub mod flags;
mod resolver;

use std::time::Duration;

use flags_common::{
    Counter, DownloadStatus, FlagError, MAX_ERROR_PAGE_BYTES, MAX_FLAG_BYTES,
    MAX_REDIRECTS, Settings, flag_url, idle_connections, progress_bar,
    save_flag,
};

/// `-m` when none is given, and the most this client will use: one request
/// at a time is what "sequential" means.
pub const DEFAULT_CONCUR_REQ: usize = 1;
pub const MAX_CONCUR_REQ: usize = 1;

/// The HTTP client every request goes through.
///
/// The book calls `httpx.get` per flag, opening a new connection each time.
/// A ureq `Agent` keeps connections alive and reuses them, so the sequential
/// run really uses one connection; the thread pool shares one agent between
/// its threads (an `Agent` is a cheap handle to a shared, locked pool), so
/// the pool keeps up to `max_idle` idle connections for them to reuse
/// (`flags_common::idle_connections` says how many are worth keeping).
pub fn http_agent(timeout: Duration, max_idle: usize) -> ureq::Agent {
    let config = ureq::Agent::config_builder()
        // One deadline for the whole request, body included: a server that
        // sends headers and then stalls cannot hold us past `--timeout`.
        .timeout_global(Some(timeout))
        // A 404 or a 418 is an answer to inspect, not an `Err`, so
        // `get_flag` can turn it into `FlagError::Http` itself.
        .http_status_as_error(false)
        .max_redirects(MAX_REDIRECTS)
        // ureq keeps 3 idle connections per host by default: with 30
        // workers, 27 would open a new connection for every flag.
        .max_idle_connections(max_idle)
        .max_idle_connections_per_host(max_idle)
        // 128 KiB in and out per connection by default, zeroed, so all of
        // it resident: with `-m 1000` the buffers alone would take 250 MB.
        // The input buffer holds a whole response head, for which 16 KiB
        // is plenty; the output one holds only our request head, a GET of
        // about 150 bytes.
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
        resolver::ResolveOnce::default(),
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

// ANCHOR: get_flag
/// Downloads the flag of `cc` and returns the image bytes.
pub fn get_flag(
    agent: &ureq::Agent,
    base_url: &str,
    cc: &str,
) -> Result<Vec<u8>, FlagError> {
    let url = flag_url(base_url, cc);
    tracing::debug!(cc, url, "GET");
    fetch(agent, &url, MAX_FLAG_BYTES)
}
// ANCHOR_END: get_flag

// ANCHOR: download_one
/// Downloads and saves one flag. A 404 is an expected answer (`NOT_FOUND`);
/// every other failure goes back to `download_many`, which counts it as an
/// `ERROR`, as the book's `raise` does.
pub fn download_one(
    agent: &ureq::Agent,
    cc: &str,
    settings: &Settings,
) -> Result<DownloadStatus, FlagError> {
    let (status, msg) = match get_flag(agent, &settings.base_url, cc) {
        Ok(image) => {
            save_flag(&image, &settings.dest, &format!("{cc}.gif"))?;
            (DownloadStatus::Ok, "OK".to_owned())
        }
        Err(FlagError::Http { status: 404, url, .. }) => {
            (DownloadStatus::NotFound, format!("not found: {url}"))
        }
        Err(error) => return Err(error),
    };
    if settings.verbose {
        println!("{cc} {msg}");
    }
    Ok(status)
}
// ANCHOR_END: download_one

// ANCHOR: download_many
/// Downloads the flags one after the other and counts the outcomes.
pub fn download_many(cc_list: &[String], settings: &Settings) -> Counter {
    let idle = idle_connections(cc_list.len(), settings.concur_req);
    let agent = http_agent(settings.timeout, idle);
    let mut counter = Counter::default();
    let bar = progress_bar(cc_list.len(), settings.verbose);
    // `main` passes the codes sorted, as the book's `sorted(cc_list)`.
    for cc in cc_list {
        // The book's `except KeyboardInterrupt: break`.
        if settings.interrupt.is_set() {
            break;
        }
        let status = match download_one(&agent, cc, settings) {
            Ok(status) => status,
            Err(error) => {
                if settings.verbose {
                    println!("{cc} error: {error}");
                }
                DownloadStatus::Error
            }
        };
        counter[status] += 1;
        bar.inc(1);
    }
    bar.finish();
    counter
}
// ANCHOR_END: download_many

/// One GET: the body, up to `limit` bytes, or why there is none. Any
/// status outside 2xx is a `FlagError::Http`, as `raise_for_status()`.
pub fn fetch(
    agent: &ureq::Agent,
    url: &str,
    limit: u64,
) -> Result<Vec<u8>, FlagError> {
    let mut resp = agent.get(url).call().map_err(to_flag_error)?;
    let status = resp.status();
    tracing::debug!(url, status = status.as_u16(), "response");
    if !status.is_success() {
        // Read the short error page to its end, ignoring what it says: ureq
        // puts a connection back in its pool only after a whole body, and
        // the next code should reuse it after a 404 as after a 200.
        let _ = resp
            .body_mut()
            .with_config()
            .limit(MAX_ERROR_PAGE_BYTES)
            .read_to_vec();
        return Err(FlagError::http(status.as_u16(), url.to_owned()));
    }
    resp.body_mut()
        .with_config()
        .limit(limit)
        .read_to_vec()
        .map_err(to_flag_error)
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
