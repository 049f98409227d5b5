//! What Rust asks of a task: a result that is `Send` but not `Sync`.
//! `result()` lends it to whichever thread asks, so two threads could read
//! it at once, and a `Cell` is not made for that (E0277, `Sync`).

use std::cell::Cell;

use concurrent_futures::ThreadPoolExecutor;

fn main() {
    let executor = ThreadPoolExecutor::new(4).expect("a pool of 4 threads");
    // ANCHOR: snippet
    let future = executor.submit(|| Cell::new(194));
    // ANCHOR_END: snippet
    println!("{:?}", future.is_ok());
}
