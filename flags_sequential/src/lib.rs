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
//!
//! Layout:
//! - [`http`]: what httpx does for the book: the ureq agent, and `fetch`,
//!   the GET under `get_flag` (the body capped, an error page read to its
//!   end);
//! - `resolver`: the agent looks each host up once per run, not per flag;
//! - [`flags`]: the chapter's first program, `flags.py`, which the
//!   examples build on.

pub mod flags;
pub mod http;
mod resolver;

use flags_common::{
    Counter, DownloadStatus, FlagError, MAX_FLAG_BYTES, Settings, flag_url,
    idle_connections, progress_bar, save_flag, status_of,
};

/// `-m` when none is given, and the most this client will use: one request
/// at a time is what "sequential" means.
pub const DEFAULT_CONCUR_REQ: usize = 1;
pub const MAX_CONCUR_REQ: usize = 1;

// ANCHOR: get_flag
/// Downloads the flag of `cc` and returns the image bytes.
pub fn get_flag(
    agent: &ureq::Agent,
    base_url: &str,
    cc: &str,
) -> Result<Vec<u8>, FlagError> {
    let url = flag_url(base_url, cc);
    tracing::debug!(cc, url, "GET");
    // The book's `httpx.get` and `raise_for_status()`, with the body
    // capped so a broken server cannot fill memory: see `http::fetch`.
    http::fetch(agent, &url, MAX_FLAG_BYTES)
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
    let mut counter = Counter::default();
    // One pool of kept-alive connections for the run, keeping idle only
    // those a waiting code will reuse: docs/tuning.md#idle-connections.
    let idle = idle_connections(cc_list.len(), settings.concur_req);
    let agent = http::agent(settings.timeout, idle);
    let bar = progress_bar(cc_list.len(), settings.verbose);
    // `main` passes the codes sorted, as the book's `sorted(cc_list)`.
    for cc in cc_list {
        // The book's `except KeyboardInterrupt: break`.
        if settings.interrupt.is_set() {
            break;
        }
        let result = download_one(&agent, cc, settings);
        // The book's `except` clauses: a failure is counted as an ERROR.
        let status = status_of(cc, result, settings.verbose);
        counter[status] += 1;
        bar.inc(1);
    }
    bar.finish();
    counter
}
// ANCHOR_END: download_many
