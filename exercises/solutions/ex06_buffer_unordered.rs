//! Exercise 6, solved: `flags2_asyncio.py`'s supervisor without the
//! `Semaphore` and the `JoinSet`: a stream of download futures run
//! `concur_req` at a time by `buffer_unordered`, which yields each outcome
//! as it completes.
//!
//! A Rust future does nothing until polled. `buffer_unordered` polls at
//! most `concur_req` of them at once and takes the next from the stream
//! only when one ends: the limit is in how the futures are driven, not in
//! a permit each must win. No task is spawned, so the futures may borrow
//! the client and the settings: no `Arc`, no `'static`.

use flags_asyncio::{get_flag, http, runtime};
use flags_common::{
    Counter, DownloadStatus, FlagError, Settings, idle_connections, status_of,
};
use futures::stream::{self, StreamExt};

/// Downloads and saves one flag, as `flags_asyncio::download_one` does,
/// without the semaphore.
pub async fn download_one(
    client: &reqwest::Client,
    cc: &str,
    settings: &Settings,
) -> Result<DownloadStatus, FlagError> {
    match get_flag(client, &settings.base_url, cc).await {
        Ok(image) => {
            let (dest, filename) = (settings.dest.clone(), format!("{cc}.gif"));
            runtime::save_flag_on_thread(image, dest, filename).await?;
            Ok(DownloadStatus::Ok)
        }
        Err(FlagError::Http { status: 404, .. }) => {
            Ok(DownloadStatus::NotFound)
        }
        Err(error) => Err(error),
    }
}

// ANCHOR: supervisor
/// Downloads the flags, `settings.concur_req` at a time, and counts the
/// outcomes as they complete.
pub async fn supervisor(cc_list: &[String], settings: &Settings) -> Counter {
    let mut counter = Counter::default();
    let idle = idle_connections(cc_list.len(), settings.concur_req);
    let client = match http::client(settings.timeout, idle) {
        Ok(client) => client,
        Err(error) => {
            eprintln!("cannot create the HTTP client: {error}");
            return counter;
        }
    };
    let client = &client;
    let mut outcomes = stream::iter(cc_list)
        .map(|cc| async move { (cc, download_one(client, cc, settings).await) })
        .buffer_unordered(settings.concur_req.max(1));
    while let Some((cc, result)) = outcomes.next().await {
        counter[status_of(cc, result, settings.verbose)] += 1;
    }
    counter
}
// ANCHOR_END: supervisor

/// Runs the supervisor on one thread: the book's `asyncio.run`.
pub fn download_many(cc_list: &[String], settings: &Settings) -> Counter {
    runtime::run(supervisor(cc_list, settings))
}
