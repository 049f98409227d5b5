//! A task function that lives in a shared library of its own, for
//! `tests/shared_library.rs`, which compiles this file with `rustc
//! --crate-type cdylib` and opens it with `dlopen`: the plugin case of a
//! process pool's task, whose code is in no image of the executable.

/// The task: `3n + 1`, a result no function of the test binary gives.
fn three_n_plus_one(n: u64) -> u64 {
    3 * n + 1
}

/// The task, as a Rust function pointer the test finds with `dlsym`.
#[unsafe(no_mangle)]
pub static TASK: fn(u64) -> u64 = three_n_plus_one;
