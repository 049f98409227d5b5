//! What asyncio gives `flags2_asyncio.py` for free and tokio asks for:
//! starting the event loop ([`run`], the book's `asyncio.run`) and handing
//! a blocking save to a thread ([`save_flag_on_thread`], the book's
//! `asyncio.to_thread(save_flag, ...)`), each with its failure turned into
//! what the client reports.

use std::future::Future;
use std::path::PathBuf;

use flags_common::{Counter, FlagError, save_flag};

/// How many threads `spawn_blocking` may start: one, which takes the saves
/// in the order they are handed over while the event loop's thread goes on
/// with the downloads.
///
/// tokio's default is 512: a save that finds no idle thread gets a new
/// one, started on the event loop's thread between two downloads, so a
/// burst of flags arriving together costs a burst of threads. More threads
/// would not save faster: every save creates and renames a file in the
/// same directory, and Linux lets one thread at a time change a directory,
/// so the others would wait for it. (asyncio's default executor, under the
/// book's `asyncio.to_thread`, has up to `min(32, os.cpu_count() + 4)`;
/// docs/benchmarks.md compares the two.) Host-name lookups, which reqwest
/// hands to `spawn_blocking`, take turns on the same thread: one per new
/// connection.
pub const SAVE_THREADS: usize = 1;

/// Runs `supervisor` to its end on a new single-threaded runtime and
/// returns its counts: the book's `asyncio.run(supervisor(...))`.
///
/// One thread, as asyncio's event loop: all the downloads interleave on
/// it, which is the point of the chapter. A multi-thread runtime would
/// also work, but would mix threads back into the async model; the
/// blocking saves get a thread of their own from `spawn_blocking` anyway
/// (one: see [`SAVE_THREADS`]).
/// A runtime that cannot start (no thread, no event queue) means nothing
/// was downloaded: one line on stderr, and nothing counted.
pub fn run(supervisor: impl Future<Output = Counter>) -> Counter {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .max_blocking_threads(SAVE_THREADS)
        .build();
    match runtime {
        Ok(runtime) => runtime.block_on(supervisor),
        Err(error) => {
            eprintln!("cannot start the async runtime: {error}");
            Counter::default()
        }
    }
}

/// Saves `image` as `filename` in `dest` on the runtime's blocking thread
/// (see [`SAVE_THREADS`]), while the calling task's thread goes on driving
/// the other downloads: writing a file blocks. A save that panicked panics
/// here again, in the task: a panic is a bug, and it ends the run, as in
/// the other two clients. A save the runtime cancelled (only as it shuts
/// down) is that flag's `FlagError::Save`.
pub async fn save_flag_on_thread(
    image: Vec<u8>,
    dest: PathBuf,
    filename: String,
) -> Result<(), FlagError> {
    let path = dest.join(&filename);
    let save = move || save_flag(&image, &dest, &filename);
    match tokio::task::spawn_blocking(save).await {
        Ok(saved) => saved,
        Err(error) => match error.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            Err(error) => Err(FlagError::Save {
                path,
                source: std::io::Error::other(error),
            }),
        },
    }
}
