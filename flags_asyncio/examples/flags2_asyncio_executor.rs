//! `flags2_asyncio_executor.py`: the flags2 asyncio client, saving each
//! flag through `loop.run_in_executor(None, save_flag, image, ...)`, the
//! chapter's "Delegating Tasks to Executors" put to work.
//!
//! ```text
//! cargo run -p flags_server &
//! cargo run -p flags_asyncio --example flags2_asyncio_executor -- -s DELAY -v
//! cargo run -p flags_asyncio --example flags2_asyncio_executor -- -a -m 20
//! ```
//!
//! The command line and the reports are `flags_common::main`'s, and
//! `get_flag`, `http::client` and the constants are `flags_asyncio`'s, as
//! the book's file is a copy of `flags2_asyncio.py` with `download_one`
//! changed. `run_in_executor(None, ...)` hands the call to the event loop's
//! default executor, a `concurrent.futures.ThreadPoolExecutor`, and wraps
//! the `concurrent.futures.Future` it gets back (`asyncio.wrap_future`) so
//! that the loop can await it. Here the executor is that same class, this
//! workspace's `concurrent_futures::ThreadPoolExecutor` with its default
//! size, and its future is awaited as it is: a `concurrent_futures::Future`
//! is `IntoFuture`, woken by the worker that finishes it, so no thread of
//! tokio's waits for it.
//!
//! How it differs from `flags_asyncio`'s `download_one`: both save on a
//! pool of threads (the book's `asyncio.to_thread` is
//! `run_in_executor(None, ...)` underneath; `flags_asyncio` uses tokio's
//! blocking pool), but `flags_asyncio` awaits the save, as the book's
//! `await asyncio.to_thread(...)`, so a code counts as OK once its file is
//! written, and a failed save is that code's error. The book does not
//! await `run_in_executor` here: `download_one` reports OK as soon as the
//! save is *handed over*, and goes on while a pool thread writes. So:
//! - a code is counted, and `-v` prints `OK`, possibly before its file
//!   exists;
//! - a save that fails is not counted as an error: the book's exception
//!   stays in a future nobody awaits; here it is printed on stderr at the
//!   end, and the code stays counted as OK, as in the book;
//! - `asyncio.run` waits for the default executor's work before it
//!   returns, so `supervisor` keeps the saves' futures and awaits them all
//!   after the last download, and every flag is on disk before the final
//!   report.

use std::sync::{Arc, Mutex, PoisonError};

use concurrent_futures::{Future, ThreadPoolExecutor};
use flags_asyncio::{
    DEFAULT_CONCUR_REQ, MAX_CONCUR_REQ, get_flag, http, runtime,
};
use flags_common::{
    Counter, DownloadStatus, FlagError, Settings, idle_connections,
    progress_bar, save_flag, status_of,
};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

/// The loop's default executor, and the futures of the saves handed to it
/// and not yet awaited: what `asyncio.run` waits for at the end.
struct Executor {
    pool: ThreadPoolExecutor,
    /// A std Mutex, not tokio's, because nothing awaits while it is held
    /// (it is held only to add a save, or to take them all).
    saves: Mutex<Vec<Future<Result<(), FlagError>>>>,
}

impl Executor {
    /// `loop.run_in_executor(None, save, ...)`: queues `save` on the pool
    /// and keeps its future for the end of the run. Only a pool that was
    /// shut down refuses, and this one is dropped after the last download.
    fn run_in_executor(
        &self,
        save: impl FnOnce() -> Result<(), FlagError> + Send + 'static,
    ) {
        match self.pool.submit(save) {
            Ok(save) => self
                .saves
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(save),
            Err(error) => eprintln!("{error}"),
        }
    }
}

// ANCHOR: download_one
/// Downloads the flag of `cc` and hands its saving to the executor
/// without waiting for it. A 404 is `NOT_FOUND`; `Ok(None)` means Ctrl-C
/// came before this code's turn.
async fn download_one(
    client: &reqwest::Client,
    cc: &str,
    settings: &Settings,
    semaphore: &Semaphore,
    executor: &Executor,
) -> Result<Option<DownloadStatus>, FlagError> {
    let result = {
        // `async with semaphore:`, around the request only, as in
        // `flags_asyncio`.
        let Ok(_permit) = semaphore.acquire().await else {
            return Ok(None);
        };
        if settings.interrupt.is_set() {
            return Ok(None);
        }
        get_flag(client, &settings.base_url, cc).await
    };
    let (status, msg) = match result {
        Ok(image) => {
            // ANCHOR: run_in_executor
            // `loop.run_in_executor(None, save_flag, image, f'{cc}.gif')`,
            // not awaited: the save is queued, and this task goes on.
            let (dest, filename) = (settings.dest.clone(), format!("{cc}.gif"));
            executor
                .run_in_executor(move || save_flag(&image, &dest, &filename));
            // ANCHOR_END: run_in_executor
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
/// Starts one task per code and counts the outcomes as they complete, as
/// `flags_asyncio::supervisor` does; then awaits the saves still on the
/// executor, as `asyncio.run` waits for its default executor.
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
    // `ThreadPoolExecutor()`, as asyncio makes its default executor.
    let pool = match ThreadPoolExecutor::builder().build() {
        Ok(pool) => pool,
        Err(error) => {
            eprintln!("cannot start the thread pool: {error}");
            return counter;
        }
    };
    let executor = Arc::new(Executor { pool, saves: Mutex::default() });
    let settings = Arc::new(settings.clone());
    let bar = progress_bar(cc_list.len(), settings.verbose);
    let mut to_do = JoinSet::new();
    for cc in cc_list {
        let (client, cc) = (client.clone(), cc.clone());
        let (settings, semaphore, executor) = (
            Arc::clone(&settings),
            Arc::clone(&semaphore),
            Arc::clone(&executor),
        );
        to_do.spawn(async move {
            let result =
                download_one(&client, &cc, &settings, &semaphore, &executor)
                    .await;
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
    // Every download task has ended, so no one adds a save any more.
    let saves = std::mem::take(
        &mut *executor.saves.lock().unwrap_or_else(PoisonError::into_inner),
    );
    // ANCHOR: await_saves
    for save in saves {
        // `await asyncio.wrap_future(future)`: this task sleeps until the
        // worker that saves the flag wakes it.
        match save.await {
            Ok(Ok(())) => {}
            // Already counted as OK: only told, as the book's lost
            // exception would be, by asyncio's "exception was never
            // retrieved" on stderr.
            Ok(Err(error)) => eprintln!("{error}"),
            // The save panicked: the same, with the panic's message.
            Err(error) => eprintln!("{error}"),
        }
    }
    // ANCHOR_END: await_saves
    counter
}
// ANCHOR_END: supervisor

/// `asyncio.run(supervisor(...))` on a single-threaded runtime, as the
/// library's `download_many`; the saves run on the executor's threads.
fn download_many(cc_list: &[String], settings: &Settings) -> Counter {
    runtime::run(supervisor(cc_list, settings))
}

fn main() -> std::process::ExitCode {
    flags_common::main(download_many, DEFAULT_CONCUR_REQ, MAX_CONCUR_REQ)
}
