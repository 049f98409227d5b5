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
//!
//! Layout:
//! - [`http`]: what httpx does for the book: the `reqwest::Client` with
//!   its TLS, and `fetch`, the GET under `get_flag` (and `flags3_asyncio`'s
//!   `get_country`: the body capped, an error page read to its end);
//! - [`runtime`]: `asyncio.run` and `asyncio.to_thread`, on tokio.

pub mod http;
pub mod runtime;

use std::sync::Arc;

use flags_common::{
    Counter, DownloadStatus, FlagError, MAX_FLAG_BYTES, Settings, flag_url,
    idle_connections, progress_bar, status_of,
};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

/// `-m` when none is given, and the most this client will use. The book
/// sets the default low to spare the remote site errors such as 503; a
/// waiting task is a small state machine, lighter than a thread (see
/// docs/benchmarks.md), so 1000 of them are little for the client itself.
pub const DEFAULT_CONCUR_REQ: usize = 5;
pub const MAX_CONCUR_REQ: usize = 1000;

// ANCHOR: get_flag
/// Downloads the flag of `cc` and returns the image bytes.
pub async fn get_flag(
    client: &reqwest::Client,
    base_url: &str,
    cc: &str,
) -> Result<Vec<u8>, FlagError> {
    let url = flag_url(base_url, cc);
    tracing::debug!(cc, url, "GET");
    // The book's `client.get` and `raise_for_status()`, with the body
    // capped so a broken server cannot fill memory: see `http::fetch`.
    http::fetch(client, &url, MAX_FLAG_BYTES).await
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
            // a file blocks, so it runs on another thread while this one
            // goes on driving the other downloads.
            let (dest, filename) = (settings.dest.clone(), format!("{cc}.gif"));
            runtime::save_flag_on_thread(image, dest, filename).await?;
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
    // One pool of kept-alive connections for the run, keeping idle only
    // those a waiting code will reuse: docs/tuning.md#idle-connections.
    let idle = idle_connections(cc_list.len(), settings.concur_req);
    let client = match http::client(settings.timeout, idle) {
        Ok(client) => client,
        Err(error) => {
            // Building fails only if TLS cannot be set up; then no request
            // can be made, and there is nothing to count.
            eprintln!("cannot create the HTTP client: {error}");
            return counter;
        }
    };
    // ANCHOR: semaphore
    // The book's `asyncio.Semaphore(concur_req)`: tasks are cheap, so all
    // of them start at once, and the semaphore is what keeps the number of
    // requests in flight at `concur_req`.
    let semaphore = Arc::new(Semaphore::new(settings.concur_req));
    // ANCHOR_END: semaphore
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
        // A task fails to join only if it panicked (none is aborted). A
        // panic is a bug, not this flag's error: it ends the run, as an
        // uncaught exception ends the book's.
        let (cc, result) = match joined {
            Ok(done) => done,
            Err(error) => std::panic::resume_unwind(error.into_panic()),
        };
        // Not started because of Ctrl-C: not counted, as nothing after the
        // book's `break` is.
        let Some(result) = result.transpose() else { continue };
        // The book's `except` clauses: a failure is counted as an ERROR.
        let status = status_of(&cc, result, settings.verbose);
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
    // One thread, as asyncio's event loop: see `runtime::run`.
    runtime::run(supervisor(cc_list, settings))
}
// ANCHOR_END: download_many
