//! The chapter's comparison after `demo_executor_map.py`: `executor.submit`
//! with `futures.as_completed` is more flexible than `executor.map`,
//! because the tasks may be different callables, and their futures may
//! come from more than one executor. Here two callables, `loiter` on a
//! `ThreadPoolExecutor` and `shout` on a `ProcessPoolExecutor`, and one
//! `as_completed` over all four futures.
//!
//! ```text
//! cargo run -p flags_threadpool --example demo_as_completed
//! DEMO_SLEEP_SCALE=0.01 cargo run -p flags_threadpool --example demo_as_completed
//! ```
//!
//! No server needed. `DEMO_SLEEP_SCALE` multiplies `loiter`'s sleep, as in
//! `demo_executor_map`. What Rust adds to the book's point: Python's
//! `as_completed` takes futures of any results, Rust's takes
//! `&Future<R>` for one `R`. Futures whose tasks return different types
//! are different types, and cannot go in one map or one `as_completed`;
//! so both callables return an [`Answer`], one enum with a variant for
//! each kind of result.

use std::collections::HashMap;
use std::process::ExitCode;
use std::thread;
use std::time::Duration;

use concurrent_futures::{
    Future, ProcessPoolExecutor, ThreadPoolExecutor, as_completed,
};
use serde::{Deserialize, Serialize};

// ANCHOR: answer
/// What every task of this demo returns, whichever executor runs it: the
/// one result type that `to_do_map` and `as_completed` need. It crosses
/// from a worker process, so it is serializable.
#[derive(Debug, Serialize, Deserialize)]
enum Answer {
    /// `loiter(n)`'s `n * 10`.
    Loitered(u64),
    /// `shout(word)`: the word in capitals.
    Shouted(String),
}
// ANCHOR_END: answer

/// Sleeps `n` seconds (scaled) and returns `n * 10`, as
/// `demo_executor_map`'s `loiter`, without its messages.
fn loiter(n: u64) -> u64 {
    thread::sleep(Duration::from_secs(n).mul_f64(sleep_scale()));
    n * 10
}

/// A plain `fn` of a serializable argument, the one kind of task a worker
/// process can run; it returns the shared [`Answer`] itself.
fn shout(word: String) -> Answer {
    Answer::Shouted(word.to_uppercase())
}

// ANCHOR: run
fn run() -> Result<(), Box<dyn std::error::Error>> {
    let threads = ThreadPoolExecutor::new(2)?;
    let processes = ProcessPoolExecutor::new(1)?;
    let mut to_do_map: HashMap<Future<Answer>, String> = HashMap::new();
    for n in [2, 1] {
        // Any closure: here one that wraps `loiter`'s u64 in an `Answer`.
        let future = threads.submit(move || Answer::Loitered(loiter(n)))?;
        to_do_map.insert(future, format!("thread pool: loiter({n})"));
    }
    for word in ["ola", "hello"] {
        let future = processes.submit(shout, word.to_owned())?;
        to_do_map.insert(future, format!("process pool: shout({word:?})"));
    }
    // One `as_completed` over the futures of both executors, in the order
    // they finish.
    for future in as_completed(to_do_map.keys()) {
        println!("{} -> {:?}", to_do_map[future], future.result()?);
    }
    Ok(())
}
// ANCHOR_END: run

fn main() -> ExitCode {
    // First: in a worker process of the pool this runs tasks and never
    // returns.
    concurrent_futures::init();
    // `| head` ends the demo quietly, as it does the flag clients.
    flags_common::restore_sigpipe();
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("demo_as_completed: {error}");
            ExitCode::FAILURE
        }
    }
}

/// `DEMO_SLEEP_SCALE` if it is a number from 0 to 60 seconds per second,
/// else 1: `demo_executor_map`'s rule.
fn sleep_scale() -> f64 {
    std::env::var("DEMO_SLEEP_SCALE")
        .ok()
        .and_then(|scale| scale.parse::<f64>().ok())
        .filter(|scale| (0.0..=60.0).contains(scale))
        .unwrap_or(1.0)
}
