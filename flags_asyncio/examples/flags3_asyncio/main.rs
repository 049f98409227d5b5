//! `flags3_asyncio.py`: the flags2 client, asyncio version, with two
//! requests per code: the image, then `metadata.json`, whose `country`
//! names the file (`Brazil.gif`, `United_States_of_America.gif`,
//! `Korea,_North.gif`: the test server serves the book's names, commas and
//! parentheses included, and they are kept, as the book keeps them).
//!
//! ```text
//! cargo run -p flags_server &
//! cargo run -p flags_asyncio --example flags3_asyncio -- -s DELAY -v BR IN US
//! cargo run -p flags_asyncio --example flags3_asyncio -- -a -m 20
//! ```
//!
//! The command line and the reports are `flags_common::main`'s, as the
//! book's come from `flags2_common`. The skeleton is `flags_asyncio`'s
//! library (`supervisor` runs one task per code, counting outcomes as they
//! complete), with a `get_country` beside `get_flag`. What differs in Rust:
//! - the country name comes from the network, and the book only turns its
//!   spaces into underscores before it adds `.gif`: a name like
//!   `../../.bashrc` would land outside the destination. `safe_file_name` (in `safe_name.rs`) turns
//!   any name into one plain file name inside it; its tests, in the same
//!   file, say what it guarantees;
//! - `metadata.json` is parsed into a struct with one field, `country`,
//!   so a missing field is an error for that code, and the other fields
//!   are ignored (the book's `KeyError` would end the run: its
//!   `supervisor` catches httpx's errors only).

mod safe_name;

use std::process::ExitCode;
use std::sync::Arc;

use flags_asyncio::http::{self, fetch};
use flags_asyncio::runtime::{self, save_flag_on_thread};
use flags_asyncio::{DEFAULT_CONCUR_REQ, MAX_CONCUR_REQ, get_flag};
use flags_common::{
    Counter, DownloadStatus, FlagError, Settings, idle_connections,
    progress_bar, status_of,
};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use safe_name::safe_file_name;

/// The most of a `metadata.json` read: it is under 100 bytes.
const MAX_METADATA_BYTES: u64 = 64 * 1024;

/// The one field of `metadata.json` this program reads, e.g.
/// `{"tld_cc": ".br", "iso_cc": "BR", "country": "Brazil", ...}`.
#[derive(serde::Deserialize)]
struct Metadata {
    country: String,
}

// ANCHOR: get_country
/// Downloads `metadata.json` for `cc` and returns its `country`.
async fn get_country(
    client: &reqwest::Client,
    base_url: &str,
    cc: &str,
) -> Result<String, FlagError> {
    let cc = cc.to_lowercase();
    let url = format!("{base_url}/{cc}/metadata.json");
    let body = fetch(client, &url, MAX_METADATA_BYTES).await?;
    let metadata: Metadata = serde_json::from_slice(&body)
        .map_err(|e| FlagError::Transport(format!("bad metadata.json: {e}")))?;
    Ok(metadata.country)
}
// ANCHOR_END: get_country

// ANCHOR: download_one
/// Downloads the flag and the country name of `cc`, and saves the flag
/// under that name. A 404 on either is `NOT_FOUND`; `Ok(None)` means
/// Ctrl-C came before this code's turn.
async fn download_one(
    client: &reqwest::Client,
    cc: &str,
    settings: &Settings,
    semaphore: &Semaphore,
) -> Result<Option<DownloadStatus>, FlagError> {
    let result = async {
        // Two separate `async with semaphore:` blocks, as in the book: the
        // permit is given back between the requests, so another task may
        // go first, and each request counts once against `-m`.
        let Ok(permit) = semaphore.acquire().await else { return Ok(None) };
        if settings.interrupt.is_set() {
            return Ok(None);
        }
        let image = get_flag(client, &settings.base_url, cc).await?;
        drop(permit);
        let Ok(_permit) = semaphore.acquire().await else { return Ok(None) };
        let country = get_country(client, &settings.base_url, cc).await?;
        Ok(Some((image, country)))
    };
    let (status, msg) = match result.await {
        Ok(None) => return Ok(None),
        Ok(Some((image, country))) => {
            let filename = safe_file_name(&country, cc);
            // Writing a file blocks: off the runtime's thread, as the
            // book's `asyncio.to_thread(save_flag, ...)`.
            let dest = settings.dest.clone();
            save_flag_on_thread(image, dest, filename).await?;
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
/// Starts one task per code and counts the outcomes as they complete: the
/// library's `supervisor`, with this file's `download_one`.
async fn supervisor(cc_list: &[String], settings: &Settings) -> Counter {
    let mut counter = Counter::default();
    let idle = idle_connections(cc_list.len(), settings.concur_req);
    let client = match http::client(settings.timeout, idle) {
        Ok(client) => client,
        Err(error) => {
            eprintln!("cannot create the HTTP client: {error}");
            return counter;
        }
    };
    let semaphore = Arc::new(Semaphore::new(settings.concur_req));
    let settings = Arc::new(settings.clone());
    let bar = progress_bar(cc_list.len(), settings.verbose);
    let mut to_do = JoinSet::new();
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
        let (cc, result) = match joined {
            Ok(done) => done,
            Err(error) => std::panic::resume_unwind(error.into_panic()),
        };
        let Some(result) = result.transpose() else { continue };
        let status = status_of(&cc, result, settings.verbose);
        counter[status] += 1;
        bar.inc(1);
    }
    bar.finish();
    counter
}
// ANCHOR_END: supervisor

/// `asyncio.run(supervisor(...))` on a single-threaded runtime, as the
/// library's `download_many`.
fn download_many(cc_list: &[String], settings: &Settings) -> Counter {
    runtime::run(supervisor(cc_list, settings))
}

fn main() -> ExitCode {
    flags_common::main(download_many, DEFAULT_CONCUR_REQ, MAX_CONCUR_REQ)
}
