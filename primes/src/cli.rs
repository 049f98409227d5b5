//! The command line and the report: `main` of `proc_pool.py`. It starts
//! the chosen executor, prints the header, then one row per number as the
//! executor yields it, then the total time, in the book's format.

use std::io::{self, Write};
use std::process::ExitCode;
use std::time::Instant;

use clap::error::{ContextKind, ContextValue};
use clap::{CommandFactory, Parser, ValueEnum};

use concurrent_futures::{
    Executor, Future, FutureError, ProcessPoolExecutor, SequentialExecutor,
    ThreadPoolExecutor, as_completed, process_cpu_count,
};

use crate::check::{NUMBERS, PrimeResult, check};

/// Checks the chapter's 20 numbers (or yours) for primality on a pool of
/// processes, a pool of threads, or one after another, and times each.
#[derive(Debug, Parser)]
#[command(name = "primes", version)]
pub struct Args {
    /// Worker processes or threads [default: the number of CPUs]. At most
    /// 1024, because each process is a whole copy of the program.
    #[arg(value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub workers: Option<u32>,

    /// Which executor runs the checks.
    #[arg(long, value_enum, default_value_t = Kind::Processes)]
    pub executor: Kind,

    /// Print each row as soon as it is done (`as_completed`) instead of in
    /// submission order (`executor.map`).
    #[arg(long)]
    pub as_completed: bool,

    /// Numbers to check instead of the chapter's 20, after `--`.
    #[arg(last = true, value_name = "NUMBERS")]
    pub numbers: Vec<u64>,
}

/// The executors of the `--executor` option.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Kind {
    /// A pool of worker processes, as `ProcessPoolExecutor` (the book's).
    Processes,
    /// A pool of threads, as `ThreadPoolExecutor`; no GIL in Rust.
    Threads,
    /// One number after another on the main thread: the baseline.
    Sequential,
}

/// Parses the command line, runs, and turns the outcome into an exit code:
/// 0 when every number was checked, 1 when a job failed (its row says
/// why) or the pool could not start. Usage errors exit 2, from clap.
pub fn main() -> ExitCode {
    let args = parse_args();
    match run(&args) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        // The reader went away (`primes | head`): nothing left to say.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("primes: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `Args::parse()`, except that every usage error shows the usage line:
/// clap shows it for an unknown option but not for a bad value such as
/// WORKERS 0. Exits with code 2 on a usage error, as clap does.
fn parse_args() -> Args {
    Args::try_parse().unwrap_or_else(|mut error| {
        let is_usage_error = error.use_stderr();
        if is_usage_error && error.get(ContextKind::Usage).is_none() {
            let usage = Args::command().render_usage();
            error.insert(ContextKind::Usage, ContextValue::StyledStr(usage));
        }
        error.exit()
    })
}

// ANCHOR: run
/// Runs the whole report; `Ok(false)` if some row is an error.
pub fn run(args: &Args) -> io::Result<bool> {
    // As the book, in descending order, so the slow big numbers start
    // first; this applies to numbers given on the command line too.
    let mut numbers = if args.numbers.is_empty() {
        NUMBERS.to_vec()
    } else {
        args.numbers.clone()
    };
    numbers.sort_unstable_by(|a, b| b.cmp(a));
    let mut out = io::stdout().lock();
    // Each pool is started before `report` starts the clock, as the book
    // creates its executor before `t0`: the total time is the checking.
    // Without WORKERS, each pool takes its own default, as the book's
    // `ProcessPoolExecutor()` does: one process per CPU (and, for the
    // threads, the same count, so the two runs compare).
    let workers = args.workers.map(|workers| workers as usize);
    let as_completed = args.as_completed;
    match args.executor {
        Kind::Processes => {
            let mut builder = ProcessPoolExecutor::builder();
            if let Some(workers) = workers {
                builder = builder.max_workers(workers);
            }
            let executor = builder.build()?;
            let count = executor.max_workers();
            let how = format!("with {}", plural(count, "process", "processes"));
            report(&mut out, &executor, check, &how, &numbers, as_completed)
        }
        Kind::Threads => {
            let count = workers.unwrap_or_else(process_cpu_count);
            let executor = ThreadPoolExecutor::new(count)?;
            let how = format!("with {}", plural(count, "thread", "threads"));
            report(&mut out, &executor, check, &how, &numbers, as_completed)
        }
        // No worker count in the header: there are no workers to count.
        Kind::Sequential => report(
            &mut out,
            &SequentialExecutor,
            check,
            "sequentially",
            &numbers,
            as_completed,
        ),
    }
}
// ANCHOR_END: run

// ANCHOR: report
/// The book's `main` after the executor exists: header, rows, total time,
/// written to `out`; `Ok(false)` if some row is an error. Public so that a
/// test can run it with a job of its own (one that fails on purpose).
pub fn report(
    out: &mut impl Write,
    executor: &impl Executor,
    job: fn(u64) -> PrimeResult,
    how: &str,
    numbers: &[u64],
    in_completion_order: bool,
) -> io::Result<bool> {
    let count = plural(numbers.len(), "number", "numbers");
    writeln!(out, "Checking {count} {how}:")?;
    let t0 = Instant::now();
    let mut all_ok = true;
    if in_completion_order {
        // `{executor.submit(check, n): n for n in numbers}`, then each
        // future as it finishes. A list rather than a map, so the futures
        // already done (all of them, on the sequential executor) come out
        // in submission order, which is their completion order.
        // A task the pool refuses (it broke meanwhile) is a row with its
        // error, as a future that failed.
        let submit = |n| {
            executor
                .submit_fn(job, n)
                .unwrap_or_else(|e| Future::finished(Err(e)))
        };
        let to_do: Vec<_> = numbers.iter().map(|&n| (submit(n), n)).collect();
        for future in as_completed(to_do.iter().map(|(future, _)| future)) {
            let n = to_do.iter().find(|(f, _)| f == future).map_or(0, |t| t.1);
            let outcome = future.result();
            all_ok &= outcome.is_ok();
            // `result()` lends the value and owns the error; `row` borrows
            // both.
            writeln!(out, "{}", row(n, outcome.as_ref().copied()))?;
        }
    } else {
        // `for n, result in zip(numbers, executor.map(check, numbers))`.
        for (&n, outcome) in
            numbers.iter().zip(executor.map(job, numbers.to_vec()))
        {
            all_ok &= outcome.is_ok();
            writeln!(out, "{}", row(n, outcome.as_ref()))?;
        }
    }
    writeln!(out, "Total time: {:.2}s", t0.elapsed().as_secs_f64())?;
    Ok(all_ok)
}
// ANCHOR_END: report

/// One line of the report: the book's `{n:16}  {label} {elapsed:9.6f}s`,
/// or, for a job that failed, `!` in the label column and the reason.
pub fn row(n: u64, outcome: Result<&PrimeResult, &FutureError>) -> String {
    match outcome {
        Ok(result) => {
            let label = if result.prime { 'P' } else { ' ' };
            let elapsed = result.elapsed.as_secs_f64();
            format!("{n:16}  {label} {elapsed:9.6}s")
        }
        Err(error) => format!("{n:16}  ! error: {error}"),
    }
}

fn plural(count: usize, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    /// A row is formatted as in the book: 16 columns, label, 9.6 seconds.
    #[test]
    fn row_matches_the_books_format() {
        let prime = PrimeResult {
            n: 9999999999999917,
            prime: true,
            elapsed: Duration::from_micros(4_447_117),
        };
        assert_eq!(row(prime.n, Ok(&prime)), "9999999999999917  P  4.447117s");
        let composite = PrimeResult {
            n: 2,
            prime: false,
            elapsed: Duration::from_micros(1),
        };
        assert_eq!(row(2, Ok(&composite)), "               2     0.000001s");
    }

    /// A failed job's row keeps the number's column and says why.
    #[test]
    fn error_row_names_the_number_and_the_reason() {
        let failed: Result<PrimeResult, _> =
            Err(FutureError::Panicked("boom".to_owned()));
        assert_eq!(
            row(7, failed.as_ref()),
            "               7  ! error: the task panicked: boom"
        );
    }

    /// The command line parses as documented.
    #[test]
    fn arguments_parse() {
        Args::command().debug_assert();
        let args = Args::parse_from([
            "primes",
            "3",
            "--executor",
            "threads",
            "--as-completed",
            "--",
            "7",
            "8",
        ]);
        assert_eq!(args.workers, Some(3));
        assert_eq!(args.executor, Kind::Threads);
        assert!(args.as_completed);
        assert_eq!(args.numbers, [7, 8]);
    }
}
