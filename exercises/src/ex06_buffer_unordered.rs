//! Exercise 6: `flags2_asyncio.py`'s supervisor without the `Semaphore`
//! and the `JoinSet`: a stream of download futures, run `concur_req` at a
//! time by `futures::stream::StreamExt::buffer_unordered`, which yields
//! each outcome as it completes.
//!
//! Write [`supervisor`]. The tests check that:
//! - every code is downloaded and counted, and each flag saved;
//! - exactly `settings.concur_req` downloads are in flight at once, as
//!   with the semaphore.
//!
//! Run `cargo xtask exercise 6` to check your answer.
//!
//! Useful: `stream::iter(cc_list).map(|cc| async move { ... })` makes a
//! stream of futures that do nothing yet; `.buffer_unordered(n)` polls n
//! of them at once; `.next().await` gives the next outcome. Nothing is
//! spawned, so the futures may borrow the client and the settings.

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
    todo!("a stream of download_one futures, buffer_unordered, count")
}

/// Runs the supervisor on one thread: the book's `asyncio.run`.
pub fn download_many(cc_list: &[String], settings: &Settings) -> Counter {
    runtime::run(supervisor(cc_list, settings))
}
