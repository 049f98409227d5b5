//! `ThreadPoolExecutor`, as CPython's
//! `Lib/test/test_concurrent_futures/test_thread_pool.py` and the shared
//! `executor.py` check it (each test names the one it mirrors): submit and
//! map, the bounds and names of the workers, and that `submit` never waits.

mod support;

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier, Condvar, Mutex};
use std::time::Duration;

use concurrent_futures::{
    Executor, FutureError, MapOptions, ShutdownOptions, ThreadPoolExecutor,
    default_max_workers,
};
use support::gated_closure as gated;

fn pow(x: u32) -> u32 {
    2u32.pow(x)
}

fn divide(d: u32) -> u32 {
    12 / d
}

/// `submit` runs a closure, and `submit_fn` a plain `fn`.
#[test]
fn submit_runs_the_task() {
    let executor = ThreadPoolExecutor::new(2).unwrap();
    assert_eq!(executor.submit(|| pow(8)).unwrap().result(), Ok(&256));
    assert_eq!(executor.submit_fn(pow, 8).unwrap().into_result(), Ok(256));
}

/// `map` of a plain `fn`: results in submission order.
#[test]
fn map_yields_results_in_submission_order() {
    let executor = ThreadPoolExecutor::new(3).unwrap();
    let results: Vec<u32> =
        executor.map(pow, 0..20).map(Result::unwrap).collect();
    assert_eq!(results, (0..20).map(pow).collect::<Vec<_>>());
}

/// A panic in `map` comes in its place, and the results after it still
/// come (CPython main after gh-108518).
#[test]
fn map_yields_a_panic_in_its_place() {
    let executor = ThreadPoolExecutor::new(2).unwrap();
    let mut results = executor.map(divide, [2, 3, 0, 4]);
    assert_eq!(results.next(), Some(Ok(6)));
    assert_eq!(results.next(), Some(Ok(4)));
    let error = results.next().unwrap().unwrap_err();
    assert!(
        matches!(error, FutureError::Panicked(ref m) if m.contains("divide"))
    );
    assert_eq!(results.next(), Some(Ok(3)));
}

/// Which of `held`'s tasks may return, and which have: a static, because
/// `map` takes a plain `fn`, which captures nothing.
static RELEASED: Mutex<[bool; 3]> = Mutex::new([false; 3]);
static FINISHED: Mutex<Vec<usize>> = Mutex::new(Vec::new());
static CHANGED: Condvar = Condvar::new();

/// Waits until task `i` is released, then says it finished.
fn held(i: usize) -> usize {
    let mut released = RELEASED.lock().expect("not poisoned");
    while !released[i] {
        released = CHANGED.wait(released).expect("not poisoned");
    }
    drop(released);
    FINISHED.lock().expect("not poisoned").push(i);
    CHANGED.notify_all();
    i
}

fn release(i: usize) {
    RELEASED.lock().expect("not poisoned")[i] = true;
    CHANGED.notify_all();
}

/// `map` submits every task before it returns and yields lazily, in
/// submission order: the last task can finish before anything is read,
/// while the first still waits, and the first result still comes first.
#[test]
fn map_submits_everything_first_and_yields_in_order() {
    let executor = ThreadPoolExecutor::new(3).unwrap();
    // Returns although no task may finish yet: nothing is waited for.
    let results = executor.map(held, 0..3);
    release(2);
    let mut finished = FINISHED.lock().expect("not poisoned");
    while finished.is_empty() {
        finished = CHANGED.wait(finished).unwrap();
    }
    assert_eq!(*finished, [2]);
    drop(finished);
    release(0);
    release(1);
    assert_eq!(results.collect::<Vec<_>>(), [Ok(0), Ok(1), Ok(2)]);
}

/// Mirrors `test_map_submits_without_iteration` (CPython bpo-11777):
/// a `map` never read still runs every task before shutdown returns.
#[test]
fn map_submits_without_iteration() {
    static RAN: AtomicUsize = AtomicUsize::new(0);
    fn record(_: u32) {
        RAN.fetch_add(1, Ordering::SeqCst);
    }
    let executor = ThreadPoolExecutor::new(2).unwrap();
    drop(executor.map(record, 0..10));
    executor.shutdown(ShutdownOptions::default());
    assert_eq!(RAN.load(Ordering::SeqCst), 10);
}

/// Mirrors `test_executor_map_current_future_cancel`: with the only worker
/// busy, a `map` with `timeout=0` times out on its first result; that
/// cancels the task it waited for and the one after it, so neither ever
/// starts: the log holds only the first task's start and stop.
#[test]
fn test_executor_map_current_future_cancel() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let stop = Arc::new((Mutex::new(false), Condvar::new()));
    let log_n_wait = {
        let (log, stop) = (Arc::clone(&log), Arc::clone(&stop));
        move |ident: &str| {
            log.lock().unwrap().push(format!("{ident} started"));
            let (stopped, changed) = &*stop;
            let mut stopped = stopped.lock().unwrap();
            while !*stopped {
                stopped = changed.wait(stopped).unwrap();
            }
            log.lock().unwrap().push(format!("{ident} stopped"));
        }
    };
    let pool = ThreadPoolExecutor::new(1).unwrap();
    let first = {
        let log_n_wait = log_n_wait.clone();
        pool.submit(move || log_n_wait("first")).unwrap()
    };
    let options = MapOptions::default().timeout(Duration::ZERO);
    let mut results = pool.map_with(log_n_wait, ["second", "third"], options);
    assert_eq!(results.next(), Some(Err(FutureError::Timeout(Duration::ZERO))));
    drop(results);
    *stop.0.lock().unwrap() = true;
    stop.1.notify_all();
    first.result().unwrap();
    pool.shutdown(ShutdownOptions::default());
    assert_eq!(*log.lock().unwrap(), ["first started", "first stopped"]);
}

/// A `map` read and then dropped cancels the tasks nobody will read and
/// that have not started.
#[test]
fn dropping_a_started_map_cancels_what_has_not_started() {
    static SECOND_MAY_END: Mutex<bool> = Mutex::new(false);
    static SECOND_RELEASED: Condvar = Condvar::new();
    static THIRD_RAN: AtomicUsize = AtomicUsize::new(0);
    // 0 returns at once; 1 holds the only worker until released; 2 would
    // count that it ran.
    fn task(i: u32) -> u32 {
        if i == 1 {
            let mut may_end = SECOND_MAY_END.lock().expect("not poisoned");
            while !*may_end {
                may_end = SECOND_RELEASED.wait(may_end).expect("not poisoned");
            }
        }
        if i == 2 {
            THIRD_RAN.fetch_add(1, Ordering::SeqCst);
        }
        i
    }
    let executor = ThreadPoolExecutor::new(1).unwrap();
    let mut results = executor.map(task, 0..3);
    assert_eq!(results.next(), Some(Ok(0)));
    // Task 2 cannot have started: the only worker is on task 1, or about
    // to take it.
    drop(results);
    *SECOND_MAY_END.lock().expect("not poisoned") = true;
    SECOND_RELEASED.notify_all();
    executor.shutdown(ShutdownOptions::default());
    assert_eq!(THIRD_RAN.load(Ordering::SeqCst), 0);
}

/// `submit` never waits for a worker: with the only worker busy, many
/// submits return at once and their futures are pending.
#[test]
fn submit_never_blocks() {
    let executor = ThreadPoolExecutor::new(1).unwrap();
    let busy = gated(&executor, 0);
    busy.wait_started();
    let queued: Vec<_> =
        (1..=50u32).map(|n| executor.submit(move || n).unwrap()).collect();
    assert!(queued.iter().all(|f| !f.running() && !f.done()));
    busy.open();
    let total: u32 = queued.iter().map(|f| *f.result().unwrap()).sum();
    assert_eq!(total, (1..=50u32).sum::<u32>());
}

/// Mirrors `test_saturation`: exactly `max_workers` threads. The tasks
/// meet at a barrier for `max_workers`, which only opens if that many run
/// at once, and no more than `max_workers` thread names ever show up.
#[test]
fn exactly_max_workers_threads_run_the_tasks() {
    let executor = ThreadPoolExecutor::new(4).unwrap();
    let barrier = Arc::new(Barrier::new(4));
    let names: Vec<_> = (0..60)
        .map(|_| {
            let barrier = Arc::clone(&barrier);
            executor
                .submit(move || {
                    barrier.wait();
                    std::thread::current().name().map(str::to_owned)
                })
                .unwrap()
        })
        .collect();
    let names: HashSet<_> =
        names.iter().map(|f| f.result().unwrap().clone().unwrap()).collect();
    assert_eq!(names.len(), 4, "{names:?}");
    assert_eq!(executor.max_workers(), 4);
}

/// Mirrors `test_idle_thread_reuse`: threads start one per `submit` that
/// finds none idle, so tasks submitted one after another, each waited
/// for, all run on the first thread.
#[test]
fn an_idle_thread_is_reused_before_another_starts() {
    let executor = ThreadPoolExecutor::new(4).unwrap();
    let names: HashSet<String> = (0..3)
        .map(|_| {
            let future = executor
                .submit(|| std::thread::current().name().map(str::to_owned))
                .unwrap();
            future.into_result().unwrap().unwrap()
        })
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
}

/// `ThreadPoolExecutor::new(0)` is refused, with CPython's message.
#[test]
fn zero_workers_is_an_error() {
    let error = ThreadPoolExecutor::new(0).unwrap_err();
    assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput);
    assert_eq!(error.to_string(), "max_workers must be greater than 0");
}

/// Mirrors `test_default_workers`: `min(32, cpus + 4)`.
#[test]
fn default_workers_are_cpus_plus_four_at_most_32() {
    let cpus = std::thread::available_parallelism().unwrap().get();
    assert_eq!(default_max_workers(), (cpus + 4).min(32));
    let executor = ThreadPoolExecutor::builder().build().unwrap();
    assert_eq!(executor.max_workers(), default_max_workers());
}

/// The names of the threads of `executor`, from tasks that meet at a
/// barrier so that every thread runs one.
fn thread_names(executor: &ThreadPoolExecutor) -> Vec<String> {
    let n = executor.max_workers();
    let barrier = Arc::new(Barrier::new(n));
    let futures: Vec<_> = (0..n)
        .map(|_| {
            let barrier = Arc::clone(&barrier);
            executor
                .submit(move || {
                    barrier.wait();
                    std::thread::current().name().unwrap_or_default().to_owned()
                })
                .expect("the pool takes the task")
        })
        .collect();
    let mut names: Vec<String> =
        futures.into_iter().map(|f| f.into_result().expect("a name")).collect();
    names.sort();
    names
}

/// Mirrors `test_thread_names_assigned` (test_shutdown.py): `{prefix}_{n}`.
#[test]
fn thread_names_take_the_prefix() {
    let executor = ThreadPoolExecutor::builder()
        .max_workers(5)
        .thread_name_prefix("SpecialPool")
        .build()
        .unwrap();
    let expected: Vec<String> =
        (0..5).map(|n| format!("SpecialPool_{n}")).collect();
    assert_eq!(thread_names(&executor), expected);
}

/// Mirrors `test_thread_names_default` (test_shutdown.py):
/// `ThreadPoolExecutor-N_n`.
#[test]
fn thread_names_default_to_the_pool_number() {
    let executor = ThreadPoolExecutor::new(2).unwrap();
    for (n, name) in thread_names(&executor).iter().enumerate() {
        let (prefix, number) = name.rsplit_once('_').unwrap();
        assert_eq!(number, n.to_string());
        let pool = prefix.strip_prefix("ThreadPoolExecutor-").unwrap();
        assert!(pool.parse::<usize>().is_ok(), "{name}");
    }
}

/// A worker whose task panicked lives on and takes the next task.
#[test]
fn a_worker_survives_a_panicking_task() {
    let executor = ThreadPoolExecutor::new(1).unwrap();
    let failed = executor.submit(|| -> u32 { panic!("boom") }).unwrap();
    let next = executor.submit(|| 7).unwrap();
    assert!(failed.result().is_err());
    assert_eq!(next.result(), Ok(&7));
}

/// The stack size option is passed to the threads: a small stack still
/// runs a small task.
#[test]
fn workers_can_have_small_stacks() {
    let executor = ThreadPoolExecutor::builder()
        .max_workers(2)
        .stack_size(64 * 1024)
        .build()
        .unwrap();
    assert_eq!(executor.submit(|| pow(3)).unwrap().result(), Ok(&8));
}
