//! `cargo xtask`: the workspace's own tasks, in Rust rather than in shell
//! scripts (the cargo-xtask convention; `.cargo/config.toml` makes
//! `cargo xtask` an alias of `cargo run --release -p xtask --`):
//! `compare` (the three flag clients side by side; `compare primes`, the
//! executors of `proc_pool.py`), `sweep` and `serve`, as [`Cli`] says;
//! `book-lines` (module `book_lines`) checks the pages' line citations of
//! the book's files; `guide` builds the guide (or serves it); `exercise`
//! lists the exercises or checks one.
//!
//! Modules: `compare`, `primes` and `sweep` are the subcommands, `clients`
//! what compare and sweep run and against which server settings; `model`
//! is the data they share, `measure` and `parse` run a program and read
//! it, `table`, `timeline` and `sweep_plot` (in `svg`) draw the results,
//! `peers` adds curl and the book's scripts, `cargo` builds the binaries.
//! The imports go one way only: `tests/layering.rs` fails if any module
//! comes to import one that imports it back.

mod book_lines;
mod cargo;
mod clients;
mod compare;
mod exercise;
mod guide;
mod measure;
mod model;
mod parse;
mod peers;
mod primes;
mod svg;
mod sweep;
mod sweep_plot;
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
    /// flags_asyncio with the same CLIENT ARGS each into a fresh directory,
    /// and prints a table of counts, times, memory and the concurrency the
    /// server saw, the order in which each model received its flags, and
    /// where the timeline picture went.
    ///
    /// By default it shows the chapter's result: DELAY, the book's 20
    /// flags (no CLIENT ARGS), delays of 0.1-0.5 s drawn from a fixed seed
    /// (2022), so a run takes seconds and repeats exactly; the sequential
    /// client takes several times as long as the concurrent ones, which
    /// get their flags in another order. `-s LOCAL -a` is the run on a
    /// server that answers at once; `--min-delay 0.5 --max-delay 5` are
    /// the book's delays; `--dest` is set by compare. Exits 1 if counts
    /// that must agree do not.
    Compare(compare::Args),
    /// Run flags_threadpool and flags_asyncio on DELAY for each -m of a
    /// list, and show how time and memory change with concurrency.
    ///
    /// Every run asks for the same codes (-e by default) from an
    /// in-process DELAY server with seeded delays, so the runs differ in
    /// concurrency only. Prints a table (elapsed, peak RSS, peak in
    /// flight), the -m at which each model comes within 10% of the
    /// server's floor, and its memory per 100 workers; `--svg` draws both
    /// against concurrency. A full sweep on the book's 0.5-5 s delays
    /// takes over an hour: `--max-delay` makes it shorter. Exits 1 if the
    /// counts of the runs disagree.
    #[command(mut_arg("min_delay", |arg| arg.default_value("0.5")))]
    #[command(mut_arg("max_delay", |arg| arg.default_value("5")))]
    Sweep(sweep::Args),
    /// Serve LOCAL, DELAY and ERROR in the foreground until Ctrl-C.
    ///
    /// The book's two terminals (`python3 -m http.server` and
    /// `slow_server.py`) in one command. The options are flags_server's
    /// own, so this and `cargo run -p flags_server -- --help` cannot
    /// drift apart.
    Serve(flags_server::cli::ServerArgs),
    /// Check the README's and the guide's "lines A-B" citations of the
    /// book's files against a checkout of the book (exits 1 on a mismatch).
    BookLines(book_lines::Args),
    /// List the exercises, or check exercise N (see exercises/).
    ///
    /// Without N: each exercise with its lesson and its status (not
    /// started, failing, passing), from a run of its tests against your
    /// file in exercises/src/. With N: runs exercise N's tests against
    /// your file, prints what failed and a hint, and exits 0 only when
    /// every test passes. `--solution` runs the same tests against the
    /// reference solution in exercises/solutions/.
    Exercise(exercise::Args),
    /// Build the guide and print the page to open (or serve it).
    ///
    /// The guide (guide/, an mdBook) reads the chapter's programs beside
    /// the book. Without a 0.4 mdBook on PATH, installs the version CI
    /// uses under target/tools first (once).
    Guide(guide::Args),
}

fn main() -> ExitCode {
    // `xtask __measure PROGRAM ...`: the small parent `measure` starts
    // clients from, so their peak memory is theirs, not ours. First, before
    // anything else makes this process grow.
    let mut args = std::env::args_os().skip(1);
    if args.next().is_some_and(|arg| arg == measure::TRAMPOLINE) {
        return measure::trampoline(args);
    }
    let outcome = match Cli::parse() {
        Cli::Compare(args) => match &args.what {
            Some(compare::What::Primes(primes)) => {
                primes::run(primes).map(|()| true)
            }
            None => compare::run(&args),
        },
        Cli::Sweep(args) => sweep::run(&args),
        Cli::Exercise(args) => exercise::run(&args),
        Cli::Serve(args) => {
            flags_server::cli::init_tracing();
            flags_server::cli::serve(&args).map(|()| true)
        }
        Cli::BookLines(args) => book_lines::run(&args),
        Cli::Guide(args) => guide::run(&args).map(|()| true),
    };
    match outcome {
        Ok(true) => ExitCode::SUCCESS,
        // `compare` found counts that should agree and do not, or
        // `book-lines` a wrong citation; either has already said which.
        Ok(false) => ExitCode::FAILURE,
        Err(error) => {
            eprintln!("xtask: {error:#}");
            ExitCode::FAILURE
        }
    }
}
