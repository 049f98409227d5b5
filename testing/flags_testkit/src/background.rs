//! A server that a test owns, on a thread of its own: the faulty server
//! and the HTTPS front both run this way, so that plain blocking
//! `#[test]`s can use them, and both stop when the test drops them.

use std::future::Future;
use std::io;
use std::thread::JoinHandle;

use tokio::sync::oneshot;

/// A thread running one async server on a one-thread tokio runtime;
/// dropping it tells the server to stop and waits for the thread.
pub(crate) struct Background {
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Background {
    /// Runs `serve(stopped)` on a new thread named `name`; `stopped`
    /// resolves when the `Background` is dropped. One thread is plenty:
    /// every connection is an async task, and tests make a handful.
    pub(crate) fn spawn<F, Fut>(name: &str, serve: F) -> io::Result<Background>
    where
        F: FnOnce(oneshot::Receiver<()>) -> Fut + Send + 'static,
        Fut: Future<Output = ()>,
    {
        // Built here, so that an error reaches the caller.
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let (stop, stopped) = oneshot::channel();
        let thread = std::thread::Builder::new().name(name.to_owned()).spawn(
            move || {
                runtime.block_on(serve(stopped));
                // Dropping the runtime here cancels the connections still
                // open (a stall, a drip): nothing outlives the drop.
            },
        )?;
        Ok(Background { stop: Some(stop), thread: Some(thread) })
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
