//! Ctrl-C: the book's `except KeyboardInterrupt: break`.
//!
//! Python raises `KeyboardInterrupt` in the main thread wherever it is.
//! Rust has no such exception, so the signal handler only raises a flag;
//! every `download_many` checks it before starting the next download, lets
//! the ones in flight finish (each is bounded by `--timeout`), and returns
//! the counts so far. `main` then prints the final report and exits 130.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// A flag set once by Ctrl-C (SIGINT) or SIGTERM. Cloning shares it.
#[derive(Clone, Debug, Default)]
pub struct Interrupt(Arc<AtomicBool>);

impl Interrupt {
    /// A flag that the process's Ctrl-C handler will set. Only one handler
    /// can exist per process: call this once, from `main`.
    pub fn install() -> Result<Interrupt, ctrlc::Error> {
        let interrupt = Interrupt::default();
        let flag = interrupt.clone();
        ctrlc::set_handler(move || flag.set())?;
        Ok(interrupt)
    }

    /// Raises the flag (what the handler does; tests may call it too).
    pub fn set(&self) {
        // Relaxed is enough: the flag carries no other data with it.
        self.0.store(true, Ordering::Relaxed);
    }

    /// Whether Ctrl-C was pressed: if so, start no new download.
    pub fn is_set(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}
