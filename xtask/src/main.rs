//! `cargo xtask`: the workspace's own tasks, in Rust rather than in shell
//! scripts (the cargo-xtask convention; `.cargo/config.toml` makes
//! `cargo xtask` an alias of `cargo run -p xtask --`).
//!
//! - `cargo xtask compare [CLIENT ARGS]`: the three flag clients of the
//!   chapter side by side against an in-process test server: one table,
//!   and with `--timeline` one picture (see `compare.rs`).
//! - `cargo xtask compare primes [WORKERS]`: `proc_pool.py`'s executors
//!   side by side (see `primes.rs`).
//! - `cargo xtask serve`: the test servers in the foreground (`serve.rs`).
//!
//! Modules: `compare`, `primes` and `serve` are the subcommands; `measure`
//! runs a child and reads its peak memory, `parse` reads the clients'
//! reports, `table` and `timeline` draw the results, `peers` adds curl and
//! the book's scripts, `cargo` finds and builds the binaries.

mod cargo;
mod compare;
mod measure;
mod parse;
mod peers;
mod primes;
mod serve;
mod table;
mod timeline;

use std::process::ExitCode;

use clap::Parser;

#[derive(Debug, Parser)]
#[command(name = "cargo xtask", bin_name = "cargo xtask", version)]
enum Cli {
    /// Run the three flag clients side by side and compare them.
    ///
    /// Builds the clients in release mode, starts the test server in this
    /// process on free ports, runs flags_sequential, flags_threadpool and
    /// flags_asyncio with the same CLIENT ARGS (default -a) each into a
    /// fresh directory, and prints a table of counts, times, memory and
    /// the concurrency the server saw. `-s LOCAL|DELAY|ERROR` picks the
    /// server; `--dest` is set by compare. The server uses the book's
    /// delays (0.5-5 s, error rate 0.25) with a fixed seed (2022) unless
    /// told otherwise, so DELAY and ERROR runs repeat exactly. Exits 1 if
    /// counts that must agree do not.
    Compare(compare::Args),
    /// Serve LOCAL, DELAY and ERROR in the foreground until Ctrl-C.
    Serve(serve::Args),
}

fn main() -> ExitCode {
    // `xtask __measure PROGRAM ...`: the small parent `measure` starts
    // clients from, so their peak memory is theirs, not ours. First, before
    // anything else makes this process grow.
    let mut args = std::env::args_os().skip(1);
    if args.next().is_some_and(|arg| arg == measure::TRAMPOLINE) {
        let code = measure::trampoline(args);
        return ExitCode::from(u8::try_from(code).unwrap_or(1));
    }
    let outcome = match Cli::parse() {
        Cli::Compare(args) => match &args.what {
            Some(compare::What::Primes(primes)) => {
                primes::run(primes).map(|()| true)
            }
            None => compare::run(&args),
        },
        Cli::Serve(args) => serve::run(&args).map(|()| true),
    };
    match outcome {
        Ok(true) => ExitCode::SUCCESS,
        // `compare` found counts that should agree and do not; it has
        // already printed the table and the difference.
        Ok(false) => ExitCode::FAILURE,
        Err(error) => {
            eprintln!("xtask: {error:#}");
            ExitCode::FAILURE
        }
    }
}
