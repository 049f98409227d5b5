//! A process pool's task function in a shared library: the worker runs
//! that very function, or refuses the task; it never jumps to whatever
//! lies at the same distance from its executable.
//!
//! The library is built here from `tests/task_library/lib.rs` with
//! `rustc --crate-type cdylib` and opened with `dlopen`, in the parent
//! and, through the pool's initializer, in the workers. The loader puts
//! it at unrelated addresses in the two processes, so a function named
//! by its offset from the executable would be wrong code in the worker.

#![cfg(target_os = "linux")]
#![allow(clippy::unwrap_used)]

mod support;

use std::ffi::CString;
use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

use concurrent_futures::{FutureError, ProcessPoolExecutor};
use support::mul;

procspawn::enable_test_support!();

/// The library's path, built once for the tests of this file.
fn library() -> &'static str {
    static BUILT: OnceLock<String> = OnceLock::new();
    BUILT.get_or_init(|| {
        let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join("libtask_library.so");
        let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
        let status = Command::new(rustc)
            .args(["--edition", "2024", "--crate-type", "cdylib", "-o"])
            .arg(&out)
            .arg(manifest.join("tests/task_library/lib.rs"))
            .status()
            .unwrap();
        assert!(status.success(), "rustc built the task library");
        out.into_os_string().into_string().unwrap()
    })
}

/// Opens the library at `path` in this process: the pool's initializer.
fn load(path: String) {
    let path = CString::new(path).unwrap();
    // SAFETY: a C string for `dlopen`; the library's initializers are
    // those of a Rust cdylib with no code of its own at load time.
    let handle = unsafe { libc::dlopen(path.as_ptr(), libc::RTLD_NOW) };
    assert!(!handle.is_null(), "dlopen opened the task library");
}

/// The library's task function, the library opened in this process.
fn task() -> fn(u64) -> u64 {
    load(library().to_owned());
    let path = CString::new(library()).unwrap();
    // SAFETY: `RTLD_NOLOAD` only finds the library `load` opened; the
    // symbol `TASK` is the library's `static TASK: fn(u64) -> u64`, never
    // unloaded (the handle is never closed).
    unsafe {
        let handle =
            libc::dlopen(path.as_ptr(), libc::RTLD_NOW | libc::RTLD_NOLOAD);
        assert!(!handle.is_null());
        let symbol = libc::dlsym(handle, c"TASK".as_ptr());
        assert!(!symbol.is_null(), "the library exports TASK");
        *symbol.cast::<fn(u64) -> u64>()
    }
}

/// A task function in a shared library that the workers have opened too
/// runs there, as itself: `3n + 1`.
#[test]
fn a_task_in_a_shared_library_runs_in_the_worker() {
    let task = task();
    assert_eq!(task(5), 16);
    let executor = ProcessPoolExecutor::builder()
        .max_workers(1)
        .initializer(load, library().to_owned())
        .build()
        .unwrap();
    let results: Vec<_> = (0..4)
        .map(|n| executor.submit(task, n).unwrap().into_result())
        .collect();
    assert_eq!(results, [Ok(1), Ok(4), Ok(7), Ok(10)]);
}

/// A task function in a shared library the worker has not opened is
/// refused, with the library's name; the worker and the pool go on.
#[test]
fn a_task_in_a_library_the_worker_lacks_is_refused() {
    let task = task();
    let executor = ProcessPoolExecutor::new(1).unwrap();
    let outcome = executor.submit(task, 5).unwrap().into_result();
    assert!(
        matches!(
            &outcome,
            Err(FutureError::Transport(why))
                if why.contains("libtask_library.so")
                    && why.contains("not loaded")
        ),
        "{outcome:?}"
    );
    assert_eq!(executor.submit(mul, (6, 7)).unwrap().into_result(), Ok(42));
}
