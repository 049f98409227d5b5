//! The chapter's `download_many_process_pool`: the 20 flags of `flags.py`
//! downloaded with `executor.map` on a pool of processes, to show that
//! switching from threads to processes is a change of executor.
//!
//! ```text
//! cargo run -p flags_server &
//! cargo run -p flags_threadpool --example flags_processpool
//! FLAGS_BASE_URL=http://localhost:8001/flags \
//!     cargo run -p flags_threadpool --example flags_processpool
//! ```
//!
//! The codes print as each download finishes, each from the worker process
//! that did it (the workers share the terminal), then
//! `20 downloads in 0.05s`. What differs in Rust:
//! - the executor is `concurrent_futures::ProcessPoolExecutor`, and `map`
//!   is `concurrent_futures::Executor::map`, called as the
//!   `flags_threadpool` example calls the thread pool's, so the two
//!   `download_many` differ in one line, as in the book; with no
//!   `max_workers`, the pool has one process per CPU, as CPython's
//!   `ProcessPoolExecutor()`;
//! - a worker is this program started again, so `main` must begin with
//!   `concurrent_futures::init()`, which in a worker runs tasks and never
//!   returns (Python's `multiprocessing` does the same behind the scenes);
//! - a task is a plain `fn` and a serialized argument: the code goes to the
//!   worker as a `String`, the outcome comes back as `Result<String,
//!   String>`. The worker reads `FLAGS_BASE_URL` from the environment it
//!   inherited, so the base URL needs no sending.

use std::process::ExitCode;

use concurrent_futures::{Executor, ProcessPoolExecutor};
use flags_sequential::flags::{download_one, list, main as run, sorted};

// ANCHOR: download_many
fn download_many(cc_list: &[&str]) -> anyhow::Result<usize> {
    let executor = ProcessPoolExecutor::builder().build()?;
    let res = executor.map(download_one, sorted(cc_list));
    // `len(list(res))`: the first failure ends the run (see `list`).
    Ok(list(res)?.len())
}
// ANCHOR_END: download_many

// ANCHOR: main
fn main() -> ExitCode {
    // First, before anything else: in a worker process this never returns.
    concurrent_futures::init();
    run(download_many)
}
// ANCHOR_END: main
