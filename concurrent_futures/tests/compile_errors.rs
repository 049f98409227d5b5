//! What `ThreadPoolExecutor::submit`'s bounds refuse, in rustc's own words:
//! each snippet of `tests/compile_fail/` must fail to compile, and the
//! whole message must be the `.stderr` file beside it, which the guide's
//! page "What Rust asks of a task" includes. Change a word of one and its
//! test fails.
//!
//! It mirrors no program of the chapter: it is what a Python programmer
//! meets first when writing the chapter's `executor.submit(...)` in Rust.
//! The test lives here, not beside the guide's other checks, because
//! trybuild compiles the snippets with every dev-dependency of the crate
//! that runs it, and this crate has few. After a change of rustc's wording
//! (a new toolchain) or of the snippets, `TRYBUILD=overwrite cargo test -p
//! concurrent_futures --test compile_errors` writes the files anew; review
//! the diff, and the page.

/// A task that borrows a local: E0373, the closure may outlive `main`.
#[test]
fn a_task_borrowing_a_local_is_e0373() {
    trybuild::TestCases::new()
        .compile_fail("tests/compile_fail/borrow_local.rs");
}

/// An `Rc` moved into a task: E0277, `Rc` is not `Send`.
#[test]
fn an_rc_sent_to_a_worker_is_e0277() {
    trybuild::TestCases::new()
        .compile_fail("tests/compile_fail/rc_to_worker.rs");
}

/// One `String` moved into a task per iteration: E0382, moved before.
#[test]
fn a_value_moved_into_every_task_of_a_loop_is_e0382() {
    trybuild::TestCases::new()
        .compile_fail("tests/compile_fail/moved_in_loop.rs");
}

/// A result that is not `Sync`: E0277, `result()` lends it across threads.
#[test]
fn a_result_that_is_not_sync_is_e0277() {
    trybuild::TestCases::new()
        .compile_fail("tests/compile_fail/result_not_sync.rs");
}
