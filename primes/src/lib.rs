//! The chapter's CPU-bound program, `proc_pool.py` ("Multicore Prime Checker
//! Redux"): check 20 large numbers for primality on a pool of processes and
//! print the results in submission order. Rust has no GIL, so the same
//! checks also run on a pool of threads, and one after another as the
//! baseline; `cargo run -p primes --release -- 2 --executor threads`. The
//! executors are `concurrent_futures`'s, as the book's are
//! `concurrent.futures`'.
//!
//! Layout:
//! - `check`: the work: `PRIME_FIXTURE`, `NUMBERS`, `is_prime`, `check`.
//! - `cli`: the command line and the report, `proc_pool.py`'s `main`.

pub mod check;
pub mod cli;

pub use check::{NUMBERS, PRIME_FIXTURE, PrimeResult, check, is_prime};
