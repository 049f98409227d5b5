//! The exercise track: one exercise for each lesson of the guide, each a
//! function or two to write, with tests that say whether it is right.
//!
//! Each exercise is a module with two files behind it: the learner's, in
//! `src/` (the starter, with `todo!()` where the work goes), and the
//! reference solution, in `solutions/`. The crate compiles the solutions,
//! so `cargo test --workspace` checks them; with the feature `learner` it
//! compiles the learner's files instead, and the same tests in `tests/`
//! check those. `cargo xtask exercise` lists the exercises, `cargo xtask
//! exercise N` checks the learner's file, `--solution` the reference.
//!
//! Layout (one module per exercise, with the lesson it belongs to):
//! - `ex01_scoped_threads`: `download_many` on `std::thread::scope` and a
//!   channel (what Rust asks of a task);
//! - `ex02_primes_in_order`: the prime checker on scoped threads, results
//!   in submission order (`proc_pool.py`);
//! - `ex03_thread_pool`: a minimal thread pool (`flags_threadpool.py`);
//! - `ex04_two_pools`: `as_completed` over a thread pool and a process
//!   pool at once (`download_many_process_pool`);
//! - `ex05_deadline`: `wait` with `FIRST_COMPLETED` and a deadline
//!   (`flags_threadpool_futures.py`);
//! - `ex06_buffer_unordered`: the asyncio client without its semaphore
//!   (`flags2_asyncio.py`);
//! - `ex07_ctrl_c`: Ctrl-C, cancelling what has not started (`flags2`);
//! - `ex08_panic`: a panic in one task as that flag's error (the two
//!   Futures).

// The starters compile with `todo!()` and with arguments not used yet;
// the workspace warns on both, and the learner need not see it.
#![cfg_attr(
    feature = "learner",
    allow(
        clippy::todo,
        dead_code,
        unused_imports,
        unused_mut,
        unused_variables
    )
)]

#[cfg_attr(
    not(feature = "learner"),
    path = "../solutions/ex01_scoped_threads.rs"
)]
pub mod ex01_scoped_threads;
#[cfg_attr(
    not(feature = "learner"),
    path = "../solutions/ex02_primes_in_order.rs"
)]
pub mod ex02_primes_in_order;
#[cfg_attr(not(feature = "learner"), path = "../solutions/ex03_thread_pool.rs")]
pub mod ex03_thread_pool;
#[cfg_attr(not(feature = "learner"), path = "../solutions/ex04_two_pools.rs")]
pub mod ex04_two_pools;
#[cfg_attr(not(feature = "learner"), path = "../solutions/ex05_deadline.rs")]
pub mod ex05_deadline;
#[cfg_attr(
    not(feature = "learner"),
    path = "../solutions/ex06_buffer_unordered.rs"
)]
pub mod ex06_buffer_unordered;
#[cfg_attr(not(feature = "learner"), path = "../solutions/ex07_ctrl_c.rs")]
pub mod ex07_ctrl_c;
#[cfg_attr(not(feature = "learner"), path = "../solutions/ex08_panic.rs")]
pub mod ex08_panic;
