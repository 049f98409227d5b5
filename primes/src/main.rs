//! `proc_pool.py` from the chapter: check the 20 numbers of `PRIME_FIXTURE`
//! on a pool of processes and print the rows in submission order.
//!
//! Run it: `cargo run -p primes --release -- [WORKERS] [--executor
//! processes|threads|sequential] [--as-completed] [-- NUMBERS...]`.

use std::process::ExitCode;

fn main() -> ExitCode {
    // First, always: in a worker process this runs jobs and never returns.
    concurrent_futures::init();
    primes::cli::main()
}
