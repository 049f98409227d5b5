//! Catching a task's panic without the "thread ... panicked" line on
//! stderr. CPython prints nothing for an exception a future holds: it is
//! the future's result, reported (or not) by whoever asks for it. A Rust
//! panic prints through the process's panic hook before it unwinds, so a
//! pool that catches panics as results would print each one although
//! nothing went wrong with the program.
//!
//! The hook installed here stays silent only on a thread that is inside
//! [`catch_unwind`] (a worker running a task, a done-callback), and hands
//! every other panic to the hook that was there before, so a program's
//! own panics, and a test's failures, print as always. The message is not
//! lost: it is the future's `Panicked` error.

use std::cell::Cell;
use std::panic::{self, UnwindSafe};
use std::sync::Once;

thread_local! {
    /// Whether a panic on this thread will be caught and delivered.
    static DELIVERED: Cell<bool> = const { Cell::new(false) };
}

static HOOK: Once = Once::new();

/// Runs `f`, and turns its panic, if any, into the panic's message, with
/// nothing printed.
pub(crate) fn catch_unwind<T>(
    f: impl FnOnce() -> T + UnwindSafe,
) -> Result<T, String> {
    HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !DELIVERED.get() {
                previous(info);
            }
        }));
    });
    let outer = DELIVERED.replace(true);
    let caught = panic::catch_unwind(f);
    DELIVERED.set(outer);
    caught.map_err(|panic| panic_message(&*panic))
}

/// The message of a panic, when it was a string.
pub(crate) fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    if let Some(message) = panic.downcast_ref::<&str>() {
        (*message).to_owned()
    } else if let Some(message) = panic.downcast_ref::<String>() {
        message.clone()
    } else {
        "a panic without a message".to_owned()
    }
}
