//! `flags_threadpool.py` once more, on `std::thread::scope` instead of a
//! pool: one scoped thread per code, each borrowing its code from the
//! caller's sorted list, with no `Arc` and no `'static`. The guide's page
//! "What Rust asks of a task" sets it beside the pool's `download_many`.
//!
//! ```text
//! cargo run -p flags_server &
//! cargo run -p flags_threadpool --example flags_scoped
//! ```
//!
//! It prints what `flags_threadpool` prints: the codes in the order the
//! downloads finish, then `20 downloads in 0.05s`. What differs from the
//! pool: a thread per code (20 here) rather than `default_max_workers()`,
//! and threads that end with the scope, which is why they may borrow.

use std::process::ExitCode;
use std::thread;

use flags_sequential::flags::{download_one, main as run};

// ANCHOR: scoped_download_many
fn download_many(cc_list: &[&str]) -> anyhow::Result<usize> {
    let mut cc_list = cc_list.to_vec();
    cc_list.sort();
    // `scope` returns only once every thread spawned in it has ended, so
    // a thread may borrow `cc_list`, a local, for as long as it runs.
    let res = thread::scope(|scope| {
        let handles: Vec<_> = cc_list
            .iter()
            .map(|cc| scope.spawn(move || download_one(cc.to_string())))
            .collect();
        // `join` is `Err` if the thread panicked.
        handles
            .into_iter()
            .map(|handle| match handle.join() {
                Ok(result) => result.map_err(anyhow::Error::msg),
                Err(_) => Err(anyhow::anyhow!("a download panicked")),
            })
            .collect::<anyhow::Result<Vec<String>>>()
    })?;
    Ok(res.len())
}
// ANCHOR_END: scoped_download_many

fn main() -> ExitCode {
    run(download_many)
}
