//! `flags_asyncio.py`: the 20 flags of `flags.py`, downloaded as tasks on
//! one thread, collected in order as `asyncio.gather` does.
//!
//! ```text
//! cargo run -p flags_server &
//! cargo run -p flags_asyncio --example flags_asyncio
//! FLAGS_BASE_URL=http://localhost:8001/flags \
//!     cargo run -p flags_asyncio --example flags_asyncio
//! ```
//!
//! The codes print as each download finishes, then
//! `20 downloads in 0.05s`. What differs in Rust:
//! - httpx's `AsyncClient` is a `reqwest::Client`, and `asyncio.run` is a
//!   single-threaded tokio runtime: one thread, like asyncio's event loop;
//! - `gather` is spelled with tokio alone, below the book's functions:
//!   spawn every task, then await the handles in submission order. The
//!   tasks all run meanwhile, so the result is `gather`'s (results in
//!   order, downloads concurrent) without adding the `futures` crate for
//!   `join_all`;
//! - `get_flag` checks the status (the book's returns whatever body came
//!   back) and caps the body, as `flags::get_flag` does;
//! - `save_flag` blocks the event loop while it writes, exactly as the
//!   book's does here; the flags2 clients hand it to a thread instead.

use std::future::Future;
use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::bail;
use flags_common::{MAX_FLAG_BYTES, flag_url};
use flags_sequential::flags::{base_url, main as run, save_flag, sorted};
use reqwest::{Client, Response};
use tokio::task::JoinHandle;

// ANCHOR: download_one
async fn download_one(client: Client, cc: String) -> anyhow::Result<String> {
    let image = get_flag(&client, &cc).await?;
    save_flag(&image, &format!("{cc}.gif"))?;
    print!("{cc} ");
    std::io::stdout().flush()?;
    Ok(cc)
}
// ANCHOR_END: download_one

// ANCHOR: get_flag
async fn get_flag(client: &Client, cc: &str) -> anyhow::Result<Vec<u8>> {
    let url = flag_url(&base_url(), cc);
    let timeout = Duration::from_secs_f64(6.1);
    let resp = client.get(&url).timeout(timeout).send().await?;
    // The status checked, and the body capped: see `read_capped`.
    read_capped(resp.error_for_status()?).await
}
// ANCHOR_END: get_flag

// ANCHOR: download_many
fn download_many(cc_list: &[&str]) -> anyhow::Result<usize> {
    asyncio_run(supervisor(cc_list))
}
// ANCHOR_END: download_many

// ANCHOR: supervisor
async fn supervisor(cc_list: &[&str]) -> anyhow::Result<usize> {
    // One client, whose pool of connections the tasks share; its TLS is
    // the flags2 client's (see `flags_asyncio::http`).
    let client = flags_asyncio::http::client_builder().build()?;
    // A task must own what it uses, hence the clones; each starts at the
    // next `.await` of this one, as `gather` wraps coroutines in tasks.
    let to_do: Vec<_> = sorted(cc_list)
        .into_iter()
        .map(|cc| tokio::spawn(download_one(client.clone(), cc)))
        .collect();
    let res = gather(to_do).await?;
    Ok(res.len())
}
// ANCHOR_END: supervisor

/// `asyncio.run`: a single-threaded runtime, one thread as asyncio's event
/// loop, that runs `supervisor` to its end.
fn asyncio_run<T>(
    supervisor: impl Future<Output = anyhow::Result<T>>,
) -> anyhow::Result<T> {
    let runtime =
        tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    runtime.block_on(supervisor)
}

/// `await asyncio.gather(*to_do)`: the results in the order of `to_do`.
/// The first `?` is a task that panicked, the second a failed download;
/// on either, the tasks still running end with the runtime.
async fn gather<T>(
    to_do: Vec<JoinHandle<anyhow::Result<T>>>,
) -> anyhow::Result<Vec<T>> {
    let mut res = Vec::with_capacity(to_do.len());
    for task in to_do {
        res.push(task.await??);
    }
    Ok(res)
}

/// The body of `resp`, read chunk by chunk so that a server that sends
/// too much is cut off at `MAX_FLAG_BYTES`, as `flags::get_flag` caps it.
async fn read_capped(mut resp: Response) -> anyhow::Result<Vec<u8>> {
    let mut image = Vec::new();
    while let Some(chunk) = resp.chunk().await? {
        if (image.len() + chunk.len()) as u64 > MAX_FLAG_BYTES {
            bail!("{}: more than {MAX_FLAG_BYTES} bytes", resp.url());
        }
        image.extend_from_slice(&chunk);
    }
    Ok(image)
}

fn main() -> ExitCode {
    run(download_many)
}
