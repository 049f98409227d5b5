//! This crate against CPython's `concurrent.futures`: every test method of
//! CPython's suite (`Lib/test/test_concurrent_futures/` on main),
//! where its port is, or why there is none; then where the benchmarks
//! against CPython and two Rust pools are. Nothing here is code: it is the
//! crate's documentation of itself, kept beside the code so that `cargo
//! doc` shows it.
//!
//! # Test methods
//!
//! **159 methods: 103 apply to Rust. 88 are ported and pass; 13 differ
//! (each test says what Rust does instead, and why, and checks that); 2 are
//! not ported (each with its reason). 56 do not apply.** A method is
//! *ported* only when our test asserts what CPython's asserts; where
//! CPython's check cannot be written in Rust (a negative count, a keyword),
//! the row says so. A method CPython runs on every executor
//! (`create_executor_tests`) runs here on both pools, as `tests/FILE.rs`
//! module `test_name`, tests `thread_pool` and `process_pool`; the others
//! are one `#[test] fn` named after the method, or, where the port is older
//! than this table, a test whose doc comment says which method it mirrors.
//! Futures in states no pool can be held in are made by hand, as CPython's
//! `util.py` makes them. No test asserts how long anything takes: a timeout
//! in a test either decides nothing (the task it waits for is held at a
//! gate until after) or is a long guard against a hang.
//!
//! | CPython file | methods | ported | differs | not ported | n/a |
//! |---|---|---|---|---|---|
//! | executor.py | 21 | 13 | 2 | 0 | 6 |
//! | test_future.py | 22 | 18 | 0 | 0 | 4 |
//! | test_as_completed.py | 5 | 4 | 0 | 0 | 1 |
//! | test_wait.py | 9 | 9 | 0 | 0 | 0 |
//! | test_shutdown.py | 20 | 16 | 0 | 1 | 3 |
//! | test_thread_pool.py | 7 | 5 | 0 | 0 | 2 |
//! | test_process_pool.py | 27 | 11 | 7 | 1 | 8 |
//! | test_deadlock.py | 16 | 10 | 4 | 0 | 2 |
//! | test_init.py | 4 | 2 | 0 | 0 | 2 |
//! | test_interpreter_pool.py | 28 | 0 | 0 | 0 | 28 |
//! | **total** | **159** | **88** | **13** | **2** | **56** |
//!
//! ## executor.py (`tests/executor.rs`, both pools)
//! | method | status |
//! |---|---|
//! | test_submit | ported |
//! | test_submit_keyword | n/a: Rust has no keyword arguments; a closure or a tuple carries them |
//! | test_map | ported (two iterables zipped; with `chunksize`) |
//! | test_map_exception | ported: the error in its place, the results after it, then the end; its `chunksize=3` half is `test_map_exception_chunked`, one outcome per input |
//! | test_map_timeout | ported: the blocked task is held at a gate, not asleep; any of the quick results may be missing on a loaded machine, as CPython accepts since gh-110097; the iterator is over after the timeout |
//! | test_map_timeout_from_callable | ported: a task's own "timeout" (a panic) is its error, not `map`'s timeout, with and without one |
//! | test_map_close | differs: closing is dropping, after which `next()` cannot be written; the test checks instead that the tasks not started never run |
//! | test_shutdown_race_issue12456 | ported |
//! | test_max_workers_negative | ported (0; a negative count cannot be written) |
//! | test_map_buffersize_type_validation | n/a: the type of `buffersize` is checked by the compiler |
//! | test_map_buffersize_value_validation | differs: a `buffersize` of 0 is taken as 1 (`map` returns an iterator, not a `Result`), as documented on `MapOptions::buffersize`; -1 cannot be written |
//! | test_map_buffersize | ported |
//! | test_map_buffersize_on_multiple_iterables | ported (every buffer size) |
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
//! | test_done_callback_raises | ported: both callbacks run, and the panic is on stderr (read from a copy of the test binary) |
//! | test_done_callback_already_successful | ported |
//! | test_done_callback_already_failed | ported |
//! | test_done_callback_already_cancelled | ported |
//! | test_done_callback_raises_already_succeeded | ported: "exception calling callback for" and the panic on stderr |
//! | test_repr | ported |
//! | test_cancel | ported (each future's state afterwards too) |
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
//! | test_future_times_out | ported (timeout 0 and a short one) |
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
//! | test_processes_terminate | ported (three held tasks start three processes) |
//! | test_context_manager_shutdown (process pool) | ported |
//! | test_shutdown_no_wait (process pool) | ported |
//! | test_del_shutdown (process pool) | n/a: as for the thread pool |
//! | test_shutdown_gh_132969_case_1 | ported (a good task, a failing one and a good one, 2 workers) |
//! | test_shutdown_gh_132969_case_2 | ported (the same, 4 workers) |
//!
//! ## test_thread_pool.py (`tests/thread_pool.rs`)
//! | method | status |
//! |---|---|
//! | test_map_submits_without_iteration | ported |
//! | test_default_workers | ported |
//! | test_saturation | ported |
//! | test_idle_thread_reuse | ported |
//! | test_executor_map_current_future_cancel | ported: `map` with `timeout=0` cancels the task it waited for and the next; only the first task's start and stop are logged |
//! | test_hang_global_shutdown_lock | n/a: CPython's global shutdown lock and `atexit` |
//! | test_process_fork_from_a_threadpool | n/a: `os.fork`; the process pool starts programs, it never forks Rust threads |
//!
//! ## test_process_pool.py (`tests/process_pool.rs`)
//! | method | status |
//! |---|---|
//! | test_killed_child | ported (Unix: `kill -9`) |
//! | test_map_chunksize | ported (a negative chunk size cannot be written) |
//! | test_traceback | differs: a panic has no traceback to chain as `__cause__`; the panic's message comes back as the task's error |
//! | test_traceback_when_child_process_terminates_abruptly | differs: the message says "terminated abruptly" without the exit code, since the pool sees a worker die by its closed channel, not its exit status |
//! | test_saturation | ported |
//! | test_idle_process_reuse_one | ported |
//! | test_idle_process_reuse_multiple | ported |
//! | test_max_tasks_per_child | ported |
//! | test_max_tasks_per_child_pending_tasks_gh115634 | ported |
//! | test_shutdown_no_wait_max_tasks_gh119592 | differs: the half with the executor still referenced is ported; in the other, CPython's garbage-collected executor fails the queued futures, while a dropped Rust executor waits for them and they run |
//! | test_force_shutdown_during_max_tasks_worker_exit | differs: CPython sets a private flag so that task 0 finishes during a forced shutdown and the worker, at its limit, is not replaced (the queued futures fail with `BrokenProcessPool`); no public call can hold a forced shutdown open, so the test kills the worker during task 0: it fails, the queued futures are cancelled, none is left waiting |
//! | test_failed_worker_replacement_breaks_pool | not ported: making the start of a worker fail on demand needs a hook procspawn does not have |
//! | test_max_tasks_early_shutdown | ported |
//! | test_terminate_workers | differs: CPython checks with a mock that the private `_force_shutdown` gets `TERMINATE`; a method cannot be replaced in Rust, so the test checks the effect (the running task's future fails) |
//! | test_kill_workers | differs: likewise, for `KILL` |
//! | test_force_shutdown_workers | differs: both operations end a started task before it finishes and stop the pool, as CPython checks; which signal was sent (`terminate` or `kill`), which CPython checks with mocks, is not visible through the pool |
//! | test_force_shutdown_workers_dead_workers | ported |
//! | test_force_shutdown_workers_stops_pool | ported (both operations) |
//! | test_max_workers_too_large | n/a: Windows' 61-handle limit of `WaitForMultipleObjects`, which procspawn does not use |
//! | test_sysconf_permission_error | n/a: POSIX semaphores, which there are none of here |
//! | test_broken_process_pool_traceback | n/a: Python tracebacks |
//! | test_ressources_gced_in_workers | n/a: the garbage collector |
//! | test_max_tasks_per_child_defaults_to_spawn_context | n/a: `mp_context`; workers are always started fresh |
//! | test_gc_during_max_tasks_worker_exit_gh152967 | n/a: a garbage-collected executor; a Rust executor is dropped, and dropping waits |
//! | test_python_finalization_error | n/a: the interpreter's finalization |
//! | test_force_shutdown_workers_invalid_op | n/a: the operation is a method, so an invalid one cannot be written |
//! | test_force_shutdown_workers_not_started_yet | ported: both operations on a pool with no worker do nothing and start none (CPython mocks the process class to see that) |
//!
//! ## test_deadlock.py (`tests/deadlock.rs`; serde errors stand for pickling errors, a `Serialize` or `Deserialize` of our own for a `__reduce__` that crashes or exits)
//! | method | status |
//! |---|---|
//! | test_crash_during_func_exec_on_worker | ported |
//! | test_exit_during_func_exec_on_worker | differs: `sys.exit` raises `SystemExit`, which comes back as the task's exception; `process::exit` raises nothing and ends the worker, so the pool breaks (`BrokenProcessPool`), as for `os._exit` |
//! | test_error_during_func_exec_on_worker | ported |
//! | test_error_at_task_pickle | ported |
//! | test_error_at_task_unpickle | differs: CPython's worker dies unpickling the call and the pool breaks; ours sends the deserialization error back as that task's error and lives on |
//! | test_error_during_result_pickle_on_worker | ported |
//! | test_error_during_result_unpickle_in_result_handler | differs: CPython's result-handler thread breaks the pool; here a result the parent cannot read is that task's error, and the pool goes on |
//! | test_shutdown_deadlock | ported |
//! | test_shutdown_deadlock_pickle | ported |
//! | test_crash_big_data | ported |
//! | test_crash_at_task_unpickle | ported (a `Deserialize` that aborts) |
//! | test_exit_at_task_unpickle | ported (a `Deserialize` that exits) |
//! | test_crash_during_result_pickle_on_worker | ported (a `Serialize` that aborts) |
//! | test_exit_during_result_pickle_on_worker | differs: as `test_exit_during_func_exec_on_worker`, the worker ends with nothing to send back, and the pool breaks |
//! | test_exit_during_result_unpickle_in_result_handler | n/a: the result is read in the program that owns the pool, so `process::exit` there ends the program itself; there is no `SystemExit` for a thread to catch |
//! | test_gh105829_should_not_deadlock_if_wakeup_pipe_full | n/a: CPython's wake-up pipe |
//!
//! ## test_init.py (`tests/init.rs`, both pools)
//! | method | status |
//! |---|---|
//! | InitializerMixin.test_initializer | ported |
//! | FailingInitializerMixin.test_initializer | ported (the error names the initializer's failure, which CPython logs) |
//! | test_spawn | n/a: `mp_context` start methods |
//! | test_forkserver | n/a: the same |
//!
//! ## test_interpreter_pool.py
//! All 28 methods: n/a, Rust has no subinterpreters (`InterpreterPoolExecutor`).
//!
//! # Benchmarks
//!
//! `cargo bench -p concurrent_futures --features bench-peers` prints, in
//! one run, the thread pool's `submit` + `result` cost per task at 1, 2, 4
//! and 8 workers beside CPython's and beside two Rust pools that make one
//! handle per task, as `submit` makes one future (rayon's `spawn` with a
//! oneshot channel, tokio's `spawn_blocking` with its `JoinHandle`), then
//! `map` on both pools against CPython. The figures, with the command, the
//! date and the machine, are in the workspace's `docs/benchmarks.md`
//! ("concurrent_futures against CPython and two Rust pools").
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
