//! This crate against CPython's `concurrent.futures`: every test method of
//! CPython's suite (`Lib/test/test_concurrent_futures/`, main, 3.14 level),
//! where its port is, or why there is none; then the benchmarks against
//! CPython and rayon. Nothing here is code: it is the crate's documentation
//! of itself, kept beside the code so that `cargo doc` shows it.
//!
//! # Test methods
//!
//! **159 methods: 97 apply to Rust, 94 of them ported and passing, 3 not
//! ported (each with its reason); 62 do not apply.** A method CPython runs
//! on every executor (`create_executor_tests`) runs here on both pools, as
//! `tests/FILE.rs` module `test_name`, tests `thread_pool` and
//! `process_pool`; the others are one `#[test] fn` named after the method,
//! or, where the port is older than this table, a test whose doc comment
//! says which method it mirrors. Futures in states no pool can be held in
//! are made by hand, as CPython's `util.py` makes them.
//!
//! | CPython file | methods | ported | not ported | n/a |
//! |---|---|---|---|---|
//! | executor.py | 21 | 13 | 1 | 7 |
//! | test_future.py | 22 | 18 | 0 | 4 |
//! | test_as_completed.py | 5 | 4 | 0 | 1 |
//! | test_wait.py | 9 | 9 | 0 | 0 |
//! | test_shutdown.py | 20 | 16 | 1 | 3 |
//! | test_thread_pool.py | 7 | 5 | 0 | 2 |
//! | test_process_pool.py | 27 | 17 | 1 | 9 |
//! | test_deadlock.py | 16 | 10 | 0 | 6 |
//! | test_init.py | 4 | 2 | 0 | 2 |
//! | test_interpreter_pool.py | 28 | 0 | 0 | 28 |
//! | **total** | **159** | **94** | **3** | **62** |
//!
//! ## executor.py (`tests/executor.rs`, both pools)
//! | method | status |
//! |---|---|
//! | test_submit | ported |
//! | test_submit_keyword | n/a: Rust has no keyword arguments; a closure or a tuple carries them |
//! | test_map | ported (two iterables zipped; with `chunksize`) |
//! | test_map_exception | ported |
//! | test_map_timeout | ported (the blocked task is held at a gate, not asleep) |
//! | test_map_timeout_from_callable | not ported: its text was not in the copy of the suite this port was read from |
//! | test_map_close | ported |
//! | test_shutdown_race_issue12456 | ported |
//! | test_max_workers_negative | ported (0; a negative count cannot be written) |
//! | test_map_buffersize_type_validation | n/a: the type of `buffersize` is checked by the compiler |
//! | test_map_buffersize_value_validation | n/a: a `usize` cannot be negative; 0 is taken as 1, as documented on `MapOptions::buffersize` |
//! | test_map_buffersize | ported |
//! | test_map_buffersize_on_multiple_iterables | ported |
//! | test_map_buffersize_on_infinite_iterable | ported |
//! | test_map_buffersize_on_multiple_infinite_iterables | ported |
//! | test_map_buffersize_on_empty_iterable | ported |
//! | test_map_buffersize_without_iterable | n/a: `map` takes exactly one iterator of arguments |
//! | test_map_buffersize_when_buffer_is_full | ported |
//! | test_no_stale_references | n/a: about the garbage collector; ownership frees a task when it is done |
//! | test_free_reference | n/a: the same; `map` yields values by move |
//! | test_swallows_falsey_exceptions | n/a: Python's truthiness of exception objects |
//!
//! ## test_future.py (`tests/future.rs`)
//! | method | status |
//! |---|---|
//! | test_done_callback_with_result | ported |
//! | test_done_callback_with_exception | ported |
//! | test_done_callback_with_cancel | ported |
//! | test_done_callback_raises | ported (the panic is reported on stderr, the other callbacks run) |
//! | test_done_callback_already_successful | ported |
//! | test_done_callback_already_failed | ported |
//! | test_done_callback_already_cancelled | ported |
//! | test_done_callback_raises_already_succeeded | ported |
//! | test_repr | ported |
//! | test_cancel | ported |
//! | test_cancelled | ported |
//! | test_done | ported |
//! | test_running | ported |
//! | test_result_with_timeout | ported |
//! | test_result_with_success | ported |
//! | test_result_with_cancel | ported |
//! | test_exception_with_timeout | ported |
//! | test_exception_with_success | ported |
//! | test_multiple_set_result | n/a: `Promise::set_result` consumes the promise, so a second call does not compile (no `InvalidStateError`) |
//! | test_multiple_set_exception | n/a: the same, for `set_exception` |
//! | test_get_snapshot | n/a: a private method of CPython's `Future` |
//! | test_class_str | n/a: Python's `str` of a class |
//!
//! ## test_as_completed.py (`tests/as_completed.rs`, both pools)
//! | method | status |
//! |---|---|
//! | test_no_timeout | ported |
//! | test_future_times_out | ported |
//! | test_duplicate_futures | ported |
//! | test_correct_timeout_exception_msg | ported (no pool involved, so once) |
//! | test_free_reference_yielded_future | n/a: about the garbage collector |
//!
//! ## test_wait.py (`tests/wait.rs`, both pools)
//! | method | status |
//! |---|---|
//! | test_20369 | ported |
//! | test_first_completed | ported |
//! | test_first_completed_some_already_completed | ported |
//! | test_first_exception | ported |
//! | test_first_exception_some_already_complete | ported |
//! | test_first_exception_one_already_failed | ported |
//! | test_all_completed | ported |
//! | test_timeout | ported |
//! | test_pending_calls_race | ported (thread pool, as in CPython) |
//!
//! ## test_shutdown.py (`tests/shutdown.rs`; thread names in `tests/thread_pool.rs`)
//! | method | status |
//! |---|---|
//! | test_run_after_shutdown | ported, both pools |
//! | test_hang_issue12364 | ported, both pools |
//! | test_cancel_futures | ported, both pools |
//! | test_hang_gh83386 | ported, both pools (dropping stands for the program's end) |
//! | test_cancel_futures_wait_false | ported, both pools |
//! | test_interpreter_shutdown | not ported: it needs a second program that exits with tasks still queued, and none is built for the tests yet |
//! | test_submit_after_interpreter_shutdown | n/a: Python's `atexit` stage, which Rust does not have |
//! | test_threads_terminate | ported (each worker's thread-locals are dropped) |
//! | test_context_manager_shutdown (thread pool) | ported |
//! | test_shutdown_no_wait (thread pool) | ported |
//! | test_thread_names_assigned | ported |
//! | test_thread_names_default | ported |
//! | test_hang_gh94440 | ported |
//! | test_del_shutdown (thread pool) | n/a: `del` and the garbage collector; dropping is the `with` block's end, tested above |
//! | test_processes_terminate | ported |
//! | test_context_manager_shutdown (process pool) | ported |
//! | test_shutdown_no_wait (process pool) | ported |
//! | test_del_shutdown (process pool) | n/a: as for the thread pool |
//! | test_shutdown_gh_132969_case_1 | ported |
//! | test_shutdown_gh_132969_case_2 | ported |
//!
//! ## test_thread_pool.py (`tests/thread_pool.rs`)
//! | method | status |
//! |---|---|
//! | test_map_submits_without_iteration | ported |
//! | test_default_workers | ported |
//! | test_saturation | ported |
//! | test_idle_thread_reuse | ported |
//! | test_executor_map_current_future_cancel | ported |
//! | test_hang_global_shutdown_lock | n/a: CPython's global shutdown lock and `atexit` |
//! | test_process_fork_from_a_threadpool | n/a: `os.fork`; the process pool starts programs, it never forks Rust threads |
//!
//! ## test_process_pool.py (`tests/process_pool.rs`)
//! | method | status |
//! |---|---|
//! | test_killed_child | ported (Unix: `kill -9`) |
//! | test_map_chunksize | ported (a negative chunk size cannot be written) |
//! | test_traceback | ported: the panic's message comes back; Rust has no remote traceback to chain |
//! | test_traceback_when_child_process_terminates_abruptly | ported (the message says "terminated abruptly"; the exit code is not in it) |
//! | test_saturation | ported |
//! | test_idle_process_reuse_one | ported |
//! | test_idle_process_reuse_multiple | ported |
//! | test_max_tasks_per_child | ported |
//! | test_max_tasks_per_child_pending_tasks_gh115634 | ported |
//! | test_shutdown_no_wait_max_tasks_gh119592 | ported (the part without dropping the executor; dropping waits here) |
//! | test_force_shutdown_during_max_tasks_worker_exit | ported: nothing waits; the queued futures are cancelled rather than broken, because `kill_workers` cancels them |
//! | test_failed_worker_replacement_breaks_pool | not ported: making the start of a worker fail on demand needs a hook procspawn does not have |
//! | test_max_tasks_early_shutdown | ported |
//! | test_terminate_workers | ported (the effect, not a mock of a private method) |
//! | test_kill_workers | ported (likewise) |
//! | test_force_shutdown_workers | ported (both operations) |
//! | test_force_shutdown_workers_dead_workers | ported |
//! | test_force_shutdown_workers_stops_pool | ported |
//! | test_max_workers_too_large | n/a: Windows' 61-handle limit of `WaitForMultipleObjects`, which procspawn does not use |
//! | test_sysconf_permission_error | n/a: POSIX semaphores, which there are none of here |
//! | test_broken_process_pool_traceback | n/a: Python tracebacks |
//! | test_ressources_gced_in_workers | n/a: the garbage collector |
//! | test_max_tasks_per_child_defaults_to_spawn_context | n/a: `mp_context`; workers are always started fresh |
//! | test_gc_during_max_tasks_worker_exit_gh152967 | n/a: a garbage-collected executor; a Rust executor is dropped, and dropping waits |
//! | test_python_finalization_error | n/a: the interpreter's finalization |
//! | test_force_shutdown_workers_invalid_op | n/a: the operation is a method, so an invalid one cannot be written |
//! | test_force_shutdown_workers_not_started_yet | n/a: a mock of `multiprocessing.Process` |
//!
//! ## test_deadlock.py (`tests/deadlock.rs`; serde errors stand for pickling)
//! | method | status |
//! |---|---|
//! | test_crash_during_func_exec_on_worker | ported |
//! | test_exit_during_func_exec_on_worker | ported |
//! | test_error_during_func_exec_on_worker | ported |
//! | test_error_at_task_pickle | ported |
//! | test_error_at_task_unpickle | ported |
//! | test_error_during_result_pickle_on_worker | ported |
//! | test_error_during_result_unpickle_in_result_handler | ported |
//! | test_shutdown_deadlock | ported |
//! | test_shutdown_deadlock_pickle | ported |
//! | test_crash_big_data | ported |
//! | test_crash_at_task_unpickle | n/a: code that runs while unpickling (`__reduce__`); deserializing runs no user code that can crash |
//! | test_exit_at_task_unpickle | n/a: the same |
//! | test_crash_during_result_pickle_on_worker | n/a: the same, for the result |
//! | test_exit_during_result_pickle_on_worker | n/a: the same |
//! | test_exit_during_result_unpickle_in_result_handler | n/a: the same |
//! | test_gh105829_should_not_deadlock_if_wakeup_pipe_full | n/a: CPython's wake-up pipe |
//!
//! ## test_init.py (`tests/init.rs`, both pools)
//! | method | status |
//! |---|---|
//! | InitializerMixin.test_initializer | ported |
//! | FailingInitializerMixin.test_initializer | ported |
//! | test_spawn | n/a: `mp_context` start methods |
//! | test_forkserver | n/a: the same |
//!
//! ## test_interpreter_pool.py
//! All 28 methods: n/a, Rust has no subinterpreters (`InterpreterPoolExecutor`).
//!
//! # Benchmarks
//!
//! `cargo bench -p concurrent_futures --bench vs_cpython` runs the same
//! work in this crate, in rayon (`spawn` plus a channel, the Rust
//! reference) and in CPython (`benches/vs_cpython.py`, run by the bench
//! with `python3`), alternating for 3 rounds, and prints the best round of
//! each case, in microseconds per task of `x * 2`. Measured on
//! 2026-12-03 on the project's 2-core x86_64 VM (shared with other work),
//! CPython 3.11.7, rustc 1.95.0, release build:
//!
//! | work | CPython | ours | rayon spawn + channel | CPython / ours | ours / rayon |
//! |---|---|---|---|---|---|
//! | threads, 100k × `submit` then `result`, 1 worker | 10.874 | 0.675 | 0.299 | 16.1x | 2.26x |
//! | the same, 2 workers | 15.417 | 0.875 | 0.403 | 17.6x | 2.17x |
//! | the same, 4 workers | 12.433 | 2.263 | 0.526 | 5.5x | 4.31x |
//! | threads, `map` of 100k, 1 worker | 12.124 | 0.609 | 0.299 | 19.9x | 2.04x |
//! | the same, 2 workers | 13.417 | 0.965 | 0.403 | 13.9x | 2.39x |
//! | the same, 4 workers | 13.095 | 2.342 | 0.526 | 5.6x | 4.46x |
//! | processes (2), `map` of 20k, one task per round trip | 88.363 | 7.352 | – | 12.0x | – |
//! | processes (2), `map` of 200k, `chunksize=1000` | 0.377 | 0.066 | – | 5.7x | – |
//!
//! Against the goals:
//! - the process pool's chunked `map` costs less per task than CPython's
//!   with `chunksize=1000` (0.066 against 0.377 µs): met. Without a
//!   chunk size it is 20k tasks rather than 200k, because CPython needs
//!   about 18 s for 200k one by one;
//! - the thread pool costs 1/16 to 1/20 of CPython at 1 and 2 workers and
//!   about 1/5.5 at 4: the goal of 1/20 at every count is **not met**;
//! - against rayon it is 2.0-2.4x at 1 and 2 workers and about 4.4x at 4:
//!   the goal of at most 2x is **not met**. At 4 workers on 2 cores the
//!   workers and the submitting thread take turns on the one queue lock,
//!   and each wake-up is a system call; rayon's per-thread deques avoid
//!   both. A queue that spins briefly before it sleeps, or one deque per
//!   worker, is the next step; it was not done for lack of time.
//!
//! The figures move by tens of percent from run to run on this shared
//! machine; `BENCH_ROUNDS` raises the rounds.
//!
//! # Behaviour that still differs
//! - `map` yields a failed task's error in its place and goes on, as
//!   CPython main does since gh-108518 (3.14 and earlier stop there).
//! - `shutdown(cancel_futures=True)` cancels the queued futures before it
//!   returns and tells `wait` at once (CPython leaves them `CANCELLED`).
//! - The process pool runs at most `max_workers` tasks at once, so only
//!   those are running; CPython marks `max_workers + 1` running.
//! - A process pool's task function must be a plain `fn` of the same
//!   executable, which the worker finds by its offset in the program.
