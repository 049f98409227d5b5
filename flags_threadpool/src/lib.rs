//! Thread-pool flag downloads: the Rust counterpart of
//! `flags2_threadpool.py`.
//!
//! The same downloads as `flags_sequential`, on a pool of worker threads:
//! `m` blocking requests are in flight at once, and the results are counted
//! in the order they complete. The same three functions, in the same order,
//! appear in `flags_sequential` and `flags_asyncio`; `get_flag` and
//! `download_one` are the sequential ones, so only `download_many` changes.
//!
//! - [`get_flag`]: one GET, the body or a [`FlagError`].
//! - [`download_one`]: get one flag and save it; a 404 is `NOT_FOUND`.
//! - [`download_many`]: every code on a pool of threads, counting the
//!   outcomes as they complete.

use std::sync::{Mutex, PoisonError, mpsc};
use std::thread;

use flags_common::{
    Counter, DownloadStatus, FlagError, Settings, progress_bar,
};
use flags_sequential::http_agent;

/// `-m` when none is given, and the most this client will use: a thread
/// waiting on the network costs little, so 30 is a safe default and 1000
/// is still far from what the machine can hold.
pub const DEFAULT_CONCUR_REQ: usize = 30;
pub const MAX_CONCUR_REQ: usize = 1000;

/// The book's `from flags2_sequential import download_one`: a blocking
/// download is the same on a worker thread as on the main one, so the
/// thread pool reuses the sequential `get_flag` and `download_one` as they
/// are.
pub use flags_sequential::{download_one, get_flag};

/// What a worker sends back for one code: the book's finished future.
type Done<'a> = (&'a str, Result<DownloadStatus, FlagError>);

/// Downloads the flags on `settings.concur_req` threads and counts the
/// outcomes as they complete.
pub fn download_many(cc_list: &[String], settings: &Settings) -> Counter {
    // One agent for every worker: cloning an `Agent` clones a handle to one
    // connection pool, so a thread reuses a connection another one opened.
    let agent = http_agent(settings.timeout, settings.concur_req);
    let mut counter = Counter::default();
    let bar = progress_bar(cc_list.len(), settings.verbose);
    // The executor's queue. `main` passes the codes sorted, as the book's
    // `sorted(cc_list)`; all of them are submitted before any worker
    // starts, then the sender is dropped, so an empty queue means "done".
    let (submit, queue) = mpsc::channel::<&str>();
    for cc in cc_list {
        // Cannot fail: the receiving end is alive until the end of the call.
        let _ = submit.send(cc);
    }
    drop(submit);
    // An mpsc receiver has one owner; the Mutex lets `m` workers take turns
    // at it. A std Mutex, because it is held only for one `recv` on a queue
    // that is already full, never across a request.
    let queue = Mutex::new(queue);
    // The book's `as_completed`: each worker sends its result the moment it
    // has one, and this thread counts them in that order.
    let (done, completed) = mpsc::channel::<Done>();

    // A scope, not a `ThreadPoolExecutor` object: every thread started in it
    // is joined before it returns, so no thread outlives the call, and the
    // workers can borrow `cc_list`, `settings` and `agent` without an `Arc`.
    thread::scope(|scope| {
        for n in 0..settings.concur_req {
            let worker =
                thread::Builder::new().name(format!("flags-worker-{n}"));
            let (agent, queue, done) = (&agent, &queue, done.clone());
            let spawned = worker.spawn_scoped(scope, move || {
                work(agent, queue, &done, settings);
            });
            if let Err(error) = spawned {
                // The workers already started drain the whole queue; fewer
                // threads only make the run slower.
                eprintln!("cannot start worker thread {n}: {error}");
                break;
            }
        }
        // Only the workers hold a sender now: when the last one finishes,
        // the loop below ends.
        drop(done);
        for (cc, result) in completed {
            let status = match result {
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
    });
    bar.finish();
    counter
}

/// The loop of one worker thread: take the next code off the queue,
/// download it, send the result back; stop when the queue is empty.
fn work<'a>(
    agent: &ureq::Agent,
    queue: &Mutex<mpsc::Receiver<&'a str>>,
    done: &mpsc::Sender<Done<'a>>,
    settings: &Settings,
) {
    loop {
        // The book's `except KeyboardInterrupt: break`: after Ctrl-C no
        // worker takes a new code; the downloads in flight still finish.
        if settings.interrupt.is_set() {
            break;
        }
        // A worker that panicked cannot have left the queue half-changed
        // (it panics outside the lock), so a poisoned lock is still usable.
        let next = queue.lock().unwrap_or_else(PoisonError::into_inner).recv();
        let Ok(cc) = next else { break };
        tracing::debug!(cc, "taken off the queue");
        let result = download_one(agent, cc, settings);
        // Fails only if the counting thread is gone, and then no one is
        // left to tell.
        let _ = done.send((cc, result));
    }
}
