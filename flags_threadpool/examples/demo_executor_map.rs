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
//! - `map` is `primes::Executor::map` on `primes::ThreadPool`, the pool
//!   the prime checker and the `flags_threadpool` example use. Like
//!   Python's, it queues all five jobs before it returns, so the workers
//!   start while `main` is still printing;
//! - the time stamps are UTC: the standard library has no time zones, and
//!   a time-zone crate for one demo line is more than it is worth;
//! - `results:` shows the iterator's type, Rust's nearest thing to
//!   `<generator object Executor.map.<locals>.result_iterator>`: a lazy
//!   `Map` over one reply channel per job;
//! - each line is printed by one `println!`, which holds the stdout lock
//!   for the whole line, so lines from different threads never mix (the
//!   book's `display` makes two `print` calls, which can).

use std::fmt::Display;
use std::thread;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use primes::{Executor, ThreadPool};

/// Prints the arguments after a `[HH:MM:SS]` time stamp (UTC).
fn display(message: impl Display) {
    println!("{} {message}", timestamp());
}

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

fn main() {
    display("Script starting.");
    // Three threads for five jobs: loiter(0), (1) and (2) start at once,
    // (3) and (4) wait in the queue for a free thread.
    let executor = ThreadPool::new(3);
    // Not blocking: the jobs are queued, the results are not awaited yet.
    let results = executor.map(loiter, 0..5);
    let type_name = std::any::type_name_of_val(&results);
    display(format!("results: <iterator {}>", without_modules(type_name)));
    display("Waiting for individual results:");
    // Each step blocks until *that* job is done, however many later ones
    // have finished meanwhile: the order is always 0, 1, 2, 3, 4.
    for (i, result) in results.enumerate() {
        match result {
            Ok(result) => display(format!("result {i}: {result}")),
            Err(error) => display(format!("result {i}: failed: {error}")),
        }
    }
}

/// A type name without its module paths (`core::iter::adapters::map::`),
/// which are most of its length: modules are the lower-case segments
/// followed by `::`; types, `map`'s own name and `{{closure}}` stay.
fn without_modules(type_name: &str) -> String {
    let mut short = String::new();
    let mut rest = type_name;
    while let Some(first) = rest.chars().next() {
        let is_ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
        // An identifier, or else one character of punctuation.
        let len = rest.find(|c| !is_ident(c)).unwrap_or(rest.len());
        let (token, after) = rest.split_at(len.max(first.len_utf8()));
        match after.strip_prefix("::") {
            Some(after) if first.is_ascii_lowercase() => rest = after,
            _ => {
                short.push_str(token);
                rest = after;
            }
        }
    }
    short
}

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
