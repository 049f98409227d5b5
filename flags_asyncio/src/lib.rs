//! Async flag downloads: the Rust counterpart of `flags2_asyncio.py`.
//!
//! The same downloads as `flags_sequential`, as tasks on one tokio thread:
//! while a task waits for the network, the thread runs another, so `m`
//! requests are in flight at once without `m` threads. The same three
//! functions, in the same order, appear in `flags_sequential` and
//! `flags_threadpool`; here they are `async`, and `download_many` starts the
//! event loop that drives them, as the book's `asyncio.run(supervisor(...))`.
//!
//! - [`get_flag`]: one GET, the body or a [`FlagError`].
//! - [`download_one`]: get one flag and save it; a 404 is `NOT_FOUND`.
//! - [`supervisor`]: every code as a task, counting the outcomes as they
//!   complete.
//! - [`download_many`]: start the runtime and run the supervisor on it.
//! - [`fetch`]: the GET under `get_flag` (and `flags3_asyncio`'s
//!   `get_country`): the error page read to its end, the body capped.

use std::sync::Arc;
use std::time::Duration;

use flags_common::{
    Counter, DownloadStatus, FlagError, MAX_ERROR_PAGE_BYTES, MAX_FLAG_BYTES,
    MAX_REDIRECTS, Settings, flag_url, idle_connections, progress_bar,
    save_flag,
};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

/// `-m` when none is given, and the most this client will use. The book
/// sets the default low "to avoid errors from remote site, such as 503 -
/// Service Temporarily Unavailable"; a waiting task costs a few hundred
/// bytes, so 1000 is nothing for the client itself.
pub const DEFAULT_CONCUR_REQ: usize = 5;
pub const MAX_CONCUR_REQ: usize = 1000;

/// The HTTP client every request goes through: the book's
/// `httpx.AsyncClient()`.
///
/// A `reqwest::Client` is a cheap clone of a handle to one connection pool,
/// so every task shares the connections, and a connection a finished task
/// leaves idle is reused by the next one. The pool keeps up to `max_idle`
/// (`flags_common::idle_connections` says how many are worth keeping).
pub fn http_client(
    timeout: Duration,
    max_idle: usize,
) -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder()
        // One deadline for the whole request, body included: a server that
        // sends headers and then stalls cannot hold us past `--timeout`.
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::limited(MAX_REDIRECTS as usize))
        // reqwest never limits how many connections it opens (the semaphore
        // does); this is how many idle ones it keeps for reuse.
        .pool_max_idle_per_host(max_idle)
        // HTTPS through rustls on ring, as ureq: see `tls_config`.
        .tls_backend_preconfigured(tls_config())
        .build()
}

/// The TLS settings of [`http_client`]: rustls on ring, the crypto library
/// ureq uses too, so a fresh build compiles one C crypto library, not two
/// (reqwest's own choice would be aws-lc). It trusts Mozilla's roots, as
/// ureq does, or those of SSL_CERT_FILE: see `flags_common::tls`.
///
/// Every `reqwest::Client` of this crate needs it (the examples' too):
/// reqwest is built without a crypto provider, and panics without one.
pub fn tls_config() -> rustls::ClientConfig {
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

// ANCHOR: get_flag
/// Downloads the flag of `cc` and returns the image bytes.
pub async fn get_flag(
    client: &reqwest::Client,
    base_url: &str,
    cc: &str,
) -> Result<Vec<u8>, FlagError> {
    let url = flag_url(base_url, cc);
    tracing::debug!(cc, url, "GET");
    fetch(client, &url, MAX_FLAG_BYTES).await
}
// ANCHOR_END: get_flag

// ANCHOR: download_one
/// Downloads and saves one flag. A 404 is an expected answer (`NOT_FOUND`);
/// every other failure goes back to `supervisor`, which counts it as an
/// `ERROR`, as the book's `raise` does.
///
/// `Ok(None)` means the code never got its turn: Ctrl-C came first, so no
/// request was made and there is nothing to count.
pub async fn download_one(
    client: &reqwest::Client,
    cc: &str,
    settings: &Settings,
    semaphore: &Semaphore,
) -> Result<Option<DownloadStatus>, FlagError> {
    let result = {
        // The book's `async with semaphore:`: at most `concur_req` tasks
        // are past this line at once. The permit is dropped at the end of
        // this block, so it covers the request and the body, not the save.
        // `acquire` fails only on a closed semaphore, and no one closes it.
        let Ok(_permit) = semaphore.acquire().await else {
            return Ok(None);
        };
        // The book's `except KeyboardInterrupt: break`: a task whose turn
        // comes after Ctrl-C makes no request.
        if settings.interrupt.is_set() {
            return Ok(None);
        }
        tracing::debug!(cc, task = ?tokio::task::try_id(), "got a permit");
        get_flag(client, &settings.base_url, cc).await
    };
    let (status, msg) = match result {
        Ok(image) => {
            // The book's `await asyncio.to_thread(save_flag, ...)`: writing
            // a file blocks, so it runs on tokio's pool of blocking threads
            // while this one goes on driving the other downloads.
            let (dest, filename) = (settings.dest.clone(), format!("{cc}.gif"));
            let path = dest.join(&filename);
            tokio::task::spawn_blocking(move || {
                save_flag(&image, &dest, &filename)
            })
            .await
            .map_err(|error| FlagError::Save {
                path,
                source: std::io::Error::other(error),
            })??;
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
    Ok(Some(status))
}
// ANCHOR_END: download_one

// ANCHOR: supervisor
/// Starts one task per code and counts the outcomes as they complete.
pub async fn supervisor(cc_list: &[String], settings: &Settings) -> Counter {
    let mut counter = Counter::default();
    let idle = idle_connections(cc_list.len(), settings.concur_req);
    let client = match http_client(settings.timeout, idle) {
        Ok(client) => client,
        Err(error) => {
            // Building fails only if TLS cannot be set up; then no request
            // can be made, and there is nothing to count.
            eprintln!("cannot create the HTTP client: {error}");
            return counter;
        }
    };
    // The book's `asyncio.Semaphore(concur_req)`: tasks are cheap, so all
    // of them start at once, and the semaphore is what keeps the number of
    // requests in flight at `concur_req`.
    let semaphore = Arc::new(Semaphore::new(settings.concur_req));
    let settings = Arc::new(settings.clone());
    let bar = progress_bar(cc_list.len(), settings.verbose);
    // A task must own what it uses (it may outlive this stack frame, as far
    // as the compiler knows), so each gets clones of the shared handles.
    // A JoinSet yields tasks as they finish: the book's `as_completed`.
    let mut to_do = JoinSet::new();
    // `main` passes the codes sorted, as the book's `sorted(cc_list)`.
    for cc in cc_list {
        let (client, cc) = (client.clone(), cc.clone());
        let (settings, semaphore) =
            (Arc::clone(&settings), Arc::clone(&semaphore));
        to_do.spawn(async move {
            let result =
                download_one(&client, &cc, &settings, &semaphore).await;
            (cc, result)
        });
    }
    while let Some(joined) = to_do.join_next().await {
        // A task fails to join only if it panicked (none is aborted): that
        // is a bug, so let it surface as one.
        let (cc, result) = match joined {
            Ok(done) => done,
            Err(error) => std::panic::resume_unwind(error.into_panic()),
        };
        let status = match result {
            Ok(Some(status)) => status,
            // Not started because of Ctrl-C: not counted, as nothing after
            // the book's `break` is.
            Ok(None) => continue,
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
// ANCHOR_END: supervisor

// ANCHOR: download_many
/// Downloads the flags concurrently on one thread and counts the outcomes:
/// the book's `asyncio.run(supervisor(...))`.
pub fn download_many(cc_list: &[String], settings: &Settings) -> Counter {
    // One thread, as asyncio's event loop: all the downloads interleave on
    // it, which is the point of the chapter. A multi-thread runtime would
    // also work, but would mix threads back into the async model; the
    // blocking saves get their own threads from `spawn_blocking` anyway.
    let runtime =
        tokio::runtime::Builder::new_current_thread().enable_all().build();
    match runtime {
        Ok(runtime) => runtime.block_on(supervisor(cc_list, settings)),
        Err(error) => {
            eprintln!("cannot start the async runtime: {error}");
            Counter::default()
        }
    }
}
// ANCHOR_END: download_many

/// One GET: the body, up to `limit` bytes, or why there is none. Any
/// status outside 2xx is a `FlagError::Http`, as `raise_for_status()`.
pub async fn fetch(
    client: &reqwest::Client,
    url: &str,
    limit: u64,
) -> Result<Vec<u8>, FlagError> {
    let mut resp = client.get(url).send().await.map_err(to_flag_error)?;
    let status = resp.status();
    tracing::debug!(url, status = status.as_u16(), "response");
    if !status.is_success() {
        // Read the short error page to its end, ignoring what it says:
        // hyper puts a connection back in its pool only after a whole body,
        // and the next code should reuse it after a 404 as after a 200.
        let mut drained = 0;
        while let Ok(Some(chunk)) = resp.chunk().await {
            drained += chunk.len() as u64;
            if drained > MAX_ERROR_PAGE_BYTES {
                break;
            }
        }
        return Err(FlagError::http(status.as_u16(), url.to_owned()));
    }
    // Chunk by chunk, stopping past the limit: a Content-Length header may
    // be missing or lie, the bytes received cannot.
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
