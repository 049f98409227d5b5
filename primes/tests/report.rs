//! The report of `proc_pool.py`'s `main`, run through the library on a
//! real process pool with jobs that fail on purpose: a job that panics
//! and a worker that dies. The failing jobs live here, in the test binary
//! (whose workers are this binary started again), not in the shipped
//! `primes`, which always maps the book's `check`.

use concurrent_futures::ProcessPoolExecutor;
use primes::check::{PrimeResult, check};
use primes::cli::report;

// The pools' workers are this test binary started again; this makes it
// run jobs instead of the tests.
procspawn::enable_test_support!();

/// The number the failing jobs fail on.
const DOOMED: u64 = 1_000_003;

/// `check`, except that it panics on `DOOMED`, as a job with a bug would.
fn check_or_panic(n: u64) -> PrimeResult {
    if n == DOOMED {
        panic!("a bug in the job");
    }
    check(n)
}

/// `check`, except that its worker process ends abruptly on `DOOMED`, as
/// `kill -9` would end it.
fn check_or_die(n: u64) -> PrimeResult {
    if n == DOOMED {
        std::process::abort();
    }
    check(n)
}

/// Runs the report with `job` on two processes; the exit status and lines.
fn run_report(
    job: fn(u64) -> PrimeResult,
    numbers: &[u64],
) -> (bool, Vec<String>) {
    let executor = ProcessPoolExecutor::new(2).expect("a pool");
    let mut out = Vec::new();
    let ok =
        report(&mut out, &executor, job, "with 2 processes", numbers, false)
            .expect("the report is written");
    let text = String::from_utf8(out).expect("UTF-8");
    (ok, text.lines().map(str::to_owned).collect())
}

/// A job that panics on the process pool is its own row's error (the
/// panic's message), and every other row is still computed and printed:
/// the pool survives a task's failure, as CPython's does (though
/// `proc_pool.py`'s loop would stop at the exception).
#[test]
fn a_panicking_job_is_its_own_rows_error() {
    let numbers = [DOOMED, 999_983, 97, 4, 2];
    let (ok, lines) = run_report(check_or_panic, &numbers);
    assert!(!ok);
    assert_eq!(lines[0], "Checking 5 numbers with 2 processes:");
    assert!(
        lines[1]
            == "         1000003  ! error: the task panicked: a bug in the job",
        "{lines:?}"
    );
    let expected = [
        "          999983  P",
        "              97  P",
        "               4   ",
        "               2  P",
    ];
    for (line, start) in lines[2..6].iter().zip(expected) {
        assert!(line.starts_with(start), "{line}");
        assert!(line.ends_with('s'), "{line}");
    }
    assert!(lines[6].starts_with("Total time: "), "{lines:?}");
}

/// A worker process that dies mid-run breaks the pool, as in CPython: its
/// number's row is a `BrokenProcessPool` error, and so are the rows of the
/// numbers still pending or running beside it; every row comes and the run
/// ends.
#[test]
fn a_dying_worker_breaks_the_pool_and_the_run_ends() {
    let numbers = [DOOMED, 999_983, 97, 4, 2];
    let (ok, lines) = run_report(check_or_die, &numbers);
    assert!(!ok);
    let broken = "  ! error: BrokenProcessPool: ";
    assert!(
        lines[1].starts_with(&format!("         1000003{broken}")),
        "{lines:?}"
    );
    for (line, n) in lines[2..6].iter().zip([999_983u64, 97, 4, 2]) {
        let checked = !line.contains('!');
        let failed = line.starts_with(&format!("{n:16}{broken}"));
        assert!(
            line.starts_with(&format!("{n:16}")) && (checked || failed),
            "{line}"
        );
    }
    assert!(lines[6].starts_with("Total time: "), "{lines:?}");
}
