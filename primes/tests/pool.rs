//! Tests of the process pool on its own, with jobs that have nothing to do
//! with primes, as the chapter's `download_many_process_pool` will use it:
//! reuse of the workers, order of results, and a worker killed from
//! outside in the middle of a job.

use std::fs::File;
use std::io::{Read, Write};
use std::path::PathBuf;

use primes::{Executor, ProcessPool};

// The workers of these pools are this test binary started again; this
// makes it run jobs instead of the tests.
procspawn::enable_test_support!();

fn shout(word: String) -> String {
    word.to_uppercase()
}

fn worker_pid(_: u32) -> u32 {
    std::process::id()
}

/// Writes its own process id to the FIFO at `path`, then waits forever:
/// a job that can only end by its worker being killed.
fn announce_then_hang(path: PathBuf) {
    let mut fifo = File::create(path).expect("the FIFO opens");
    write!(fifo, "{}", std::process::id()).expect("the pid is written");
    drop(fifo);
    loop {
        std::thread::park();
    }
}

fn explode(n: u32) -> u32 {
    if n == 1 {
        panic!("boom");
    }
    n
}

/// `map` runs any serializable job and yields results in submission order.
#[test]
fn map_runs_a_non_prime_job_in_submission_order() {
    let pool = ProcessPool::new(2).unwrap();
    let words = ["br", "cn", "id", "in", "us"].map(String::from);
    let shouted: Vec<String> =
        pool.map(shout, words).map(Result::unwrap).collect();
    assert_eq!(shouted, ["BR", "CN", "ID", "IN", "US"]);
}

/// The pool starts its processes once and reuses them for every job.
#[test]
fn workers_are_separate_processes_reused_across_jobs() {
    let pool = ProcessPool::new(2).unwrap();
    let mut pids: Vec<u32> =
        pool.map(worker_pid, 0..20).map(Result::unwrap).collect();
    pids.sort_unstable();
    pids.dedup();
    assert!(!pids.contains(&std::process::id()));
    assert!(pids.len() <= 2, "{pids:?}");
}

/// A worker killed from outside mid-job is an error for that job only;
/// the pool replaces the worker and runs the next jobs.
#[cfg(target_os = "linux")]
#[test]
fn killed_worker_fails_its_job_and_the_pool_carries_on() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pid");
    let c_path = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path; no other memory is involved.
    assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0);

    let pool = ProcessPool::new(2).unwrap();
    let task = pool.submit(announce_then_hang, fifo.clone());
    // Opening a FIFO for reading waits for the writer: once this returns,
    // the job is running in its worker. No sleeping involved.
    let mut pid = String::new();
    File::open(&fifo).unwrap().read_to_string(&mut pid).unwrap();
    let pid: i32 = pid.parse().unwrap();
    // SAFETY: sends a signal; no memory is involved.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGKILL) }, 0);

    let error = task.join().unwrap_err();
    assert_eq!(error.to_string(), "the worker process died");
    let words = ["after", "the", "kill"].map(String::from);
    let shouted: Vec<String> =
        pool.map(shout, words).map(Result::unwrap).collect();
    assert_eq!(shouted, ["AFTER", "THE", "KILL"]);
}

/// A job that panics is an error for that job (the panic ends its
/// worker), and the pool carries on with a fresh worker.
#[test]
fn panicking_job_is_an_error_for_that_job_only() {
    let pool = ProcessPool::new(1).unwrap();
    let mut results: Vec<_> = pool.as_completed(explode, [0, 1, 2]).collect();
    results.sort_by_key(|&(index, _)| index);
    // Whether the panic's message makes it out before the worker is gone
    // is a race inside procspawn; that the job failed is not.
    let error = results[1].1.as_ref().unwrap_err().to_string();
    assert!(error.starts_with("the worker process died"), "{error}");
    assert_eq!(results[0].1, Ok(0));
    assert_eq!(results[2].1, Ok(2));
}

/// A pool without workers is refused rather than left to hang.
#[test]
fn empty_pool_is_refused() {
    assert!(ProcessPool::new(0).is_err());
}
