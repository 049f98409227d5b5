//! The chapter's CPU-bound program, `proc_pool.py` ("Multicore Prime Checker
//! Redux"): check 20 large numbers for primality on a pool of processes and
//! print the results in submission order. Rust has no GIL, so the same
//! checks also run on a pool of threads, and one after another as the
//! baseline; `cargo run -p primes --release -- 2 --executor threads`.
//!
//! Layout:
//! - `check`: the work: `PRIME_FIXTURE`, `NUMBERS`, `is_prime`, `check`.
//! - `executor`: the `Executor` trait (`map`, `as_completed`), the thread
//!   pool and the sequential baseline.
//! - `pool`: the process pool, reusable by any program with serializable
//!   jobs (the chapter's `download_many_process_pool` uses it too).
//! - `cli`: the command line and the report, `proc_pool.py`'s `main`.

pub mod check;
pub mod cli;
pub mod executor;
pub mod pool;

pub use check::{NUMBERS, PRIME_FIXTURE, PrimeResult, check, is_prime};
pub use executor::{Executor, JobError, Payload, Sequential, ThreadPool};
pub use pool::{ProcessPool, Task};
