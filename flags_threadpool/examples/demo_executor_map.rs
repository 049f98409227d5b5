//! `demo_executor_map.py`: three threads run five `loiter(n)` calls, which
//! sleep `n` seconds, and `executor.map` hands back their results in
//! submission order, while later calls are already running.
//!
//! ```text
//! cargo run -p flags_threadpool --example demo_executor_map
//! DEMO_SLEEP_SCALE=0.1 cargo run -p flags_threadpool --example demo_executor_map
//! ```
//!
//! No server needed. `DEMO_SLEEP_SCALE` multiplies every sleep (the tests
//! use a small one); the default, 1, is the book's seconds. What differs
//! in Rust:
//! - `map` is `ThreadPoolExecutor::map` (which takes any closure). Like Python's, it submits all five tasks before
//!   it returns, so the workers start while `main` is still printing;
//! - the time stamps are UTC: the standard library has no time zones, and
//!   a time-zone crate for one demo line is more than it is worth;
//! - `results:` shows the iterator's type, Rust's nearest thing to
//!   `<generator object Executor.map.<locals>.result_iterator>`:
//!   `Map<u64>`, which holds the five futures and waits on each in turn;
//! - each line is printed by one `println!`, which holds the stdout lock
//!   for the whole line, so lines from different threads never mix (the
//!   book's `display` makes two `print` calls, which can).

use std::fmt::Display;
use std::thread;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use concurrent_futures::ThreadPoolExecutor;

// ANCHOR: display
/// Prints the arguments after a `[HH:MM:SS]` time stamp (UTC).
fn display(message: impl Display) {
    println!("{} {message}", timestamp());
}
// ANCHOR_END: display

// ANCHOR: loiter
/// Prints a message, sleeps `n` seconds (scaled), prints another, and
/// returns `n * 10`, so the results can be told apart.
fn loiter(n: u64) -> u64 {
    // One tab per `n`, so each call's lines form a column of their own.
    let tabs = "\t".repeat(n as usize);
    display(format!("{tabs}loiter({n}): doing nothing for {n}s..."));
    thread::sleep(Duration::from_secs(n).mul_f64(sleep_scale()));
    display(format!("{tabs}loiter({n}): done."));
    n * 10
}
// ANCHOR_END: loiter

// ANCHOR: main
fn main() -> anyhow::Result<()> {
    // `| head` ends the demo quietly, as it does the flag clients.
    flags_common::restore_sigpipe();
    display("Script starting.");
    // Three threads for five tasks: loiter(0), (1) and (2) start at once,
    // (3) and (4) wait in the queue for a free thread.
    let executor = ThreadPoolExecutor::new(3)?;
    // Not blocking: the tasks are queued, the results not waited for yet.
    let results = executor.map(loiter, 0..5);
    display(format!("results: {results}"));
    display("Waiting for individual results:");
    // Each step blocks until *that* job is done, however many later ones
    // have finished meanwhile: the order is always 0, 1, 2, 3, 4. A
    // `loiter` that panicked would end the demo here, as its exception
    // would end the book's.
    for (i, result) in results.enumerate() {
        display(format!("result {i}: {}", result?));
    }
    Ok(())
}
// ANCHOR_END: main

/// `DEMO_SLEEP_SCALE` if it is a number from 0 to 60 seconds per second,
/// else 1: the book's timing.
fn sleep_scale() -> f64 {
    std::env::var("DEMO_SLEEP_SCALE")
        .ok()
        .and_then(|scale| scale.parse::<f64>().ok())
        .filter(|scale| (0.0..=60.0).contains(scale))
        .unwrap_or(1.0)
}

/// The time of day as `[HH:MM:SS]`, in UTC (see the module doc for why).
fn timestamp() -> String {
    // A clock set before 1970 shows as midnight rather than failing.
    let since_epoch = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs();
    let (h, m, s) =
        (since_epoch / 3600 % 24, since_epoch / 60 % 60, since_epoch % 60);
    format!("[{h:02}:{m:02}:{s:02}]")
}
