//! `flags_threadpool_futures.py`, "Where are the futures?": the first five
//! flags on three threads, with `executor.submit` and `as_completed`, and
//! each future printed as it is scheduled and again as it completes.
//!
//! ```text
//! cargo run -p flags_server &
//! FLAGS_BASE_URL=http://localhost:8001/flags \
//!     cargo run -p flags_threadpool --example flags_threadpool_futures
//! ```
//!
//! ```text
//! Scheduled for BR: <Future at 0x55d3c8e0a2b0 state=running>
//! Scheduled for CN: <Future at 0x55d3c8e0a3f0 state=pending>
//! Scheduled for ID: <Future at 0x55d3c8e0a530 state=pending>
//! Scheduled for IN: <Future at 0x55d3c8e0a670 state=pending>
//! Scheduled for US: <Future at 0x55d3c8e0a7b0 state=pending>
//! CN <Future at 0x55d3c8e0a3f0 state=finished returned Result<String, String>> result: Ok("CN")
//! ...
//! 5 downloads in 2.51s
//! ```
//!
//! The futures are `concurrent_futures::Future`s, whose states are real:
//! `submit` queues the task and returns at once, as Python's does, so all
//! five "Scheduled for" lines print before any download ends. Whether one
//! of the first three says `running` or still `pending` depends on whether
//! its worker took the task before the `println!`. In the book all three
//! do: CPython's `Thread.start()` waits until the new thread runs, and the
//! GIL lets that thread take its task before `submit` returns. Here the
//! main thread runs on, on its own core, while the worker is still
//! starting, so usually only BR, whose line is the slowest to print (the
//! first write to stdout), is `running` (13 runs of 20 against DELAY;
//! none in 6, two in 1); the last two wait for a free worker either way.
//! What differs from Python:
//! - `submit` takes a closure, the Rust way to pass a function with its
//!   arguments (`thread::spawn` does the same);
//! - `download_one` returns a `Result` rather than raising, so the future
//!   "returned" that `Result`; `result()` gives it back, and
//!   `download_many` passes the first error on with `?`, as the book's
//!   uncaught exception.

use std::process::ExitCode;

use concurrent_futures::{ThreadPoolExecutor, as_completed};
use flags_sequential::flags::{download_one, main as run, sorted};

// ANCHOR: download_many
fn download_many(cc_list: &[&str]) -> anyhow::Result<usize> {
    // Only the five most populous countries, sorted, so the results
    // visibly arrive out of order.
    let cc_list = &cc_list[..5.min(cc_list.len())];
    // Three workers for five tasks, so two futures have to wait.
    let executor = ThreadPoolExecutor::new(3)?;
    let mut to_do = Vec::new();
    for cc in sorted(cc_list) {
        let task_cc = cc.clone();
        let future = executor.submit(move || download_one(task_cc))?;
        println!("Scheduled for {cc}: {future}");
        to_do.push(future);
    }
    for future in as_completed(&to_do) {
        let res = future.result()?;
        println!("{future} result: {res:?}");
        res.clone().map_err(anyhow::Error::msg)?;
    }
    // The book's `count`: every future came out of `as_completed`, or a
    // `?` ended the run first.
    Ok(to_do.len())
}
// ANCHOR_END: download_many

// ANCHOR: main
fn main() -> ExitCode {
    run(download_many)
}
// ANCHOR_END: main
