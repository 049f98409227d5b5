//! The chapter's two `Future` classes, and the handle tokio adds, side by
//! side: `concurrent_futures::Future` (Python's `concurrent.futures.Future`),
//! `std::future::Future` (what a coroutine object is to asyncio) and
//! `tokio::task::JoinHandle` (an `asyncio.Task`). Then a pool's future
//! awaited from async code, as `flags2_asyncio_executor` awaits its saves
//! (the book's `run_in_executor`, which wraps the pool's future with
//! `asyncio.wrap_future`), and the same kind of future waited on with a
//! blocking `result()`, which stalls every other task of the runtime.
//!
//! ```text
//! cargo run -p flags_asyncio --example two_futures
//! ```
//!
//! It needs no server. The guide's page "Two kinds of Future" shows it.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use concurrent_futures::ThreadPoolExecutor;
use tokio::sync::oneshot;

/// How long the pool's task waits for word from the other async task
/// while `result()` blocks. Without a limit it would wait for ever: the
/// other task waits for the runtime's thread, which waits in `result()`
/// for the pool's task, which waits for the other task.
const PATIENCE: Duration = Duration::from_millis(200);

fn main() -> anyhow::Result<()> {
    let pool = ThreadPoolExecutor::new(2)?;
    // Outside any runtime: blocking this thread stalls no one else.
    pool_future(&pool)?;
    // One thread, as asyncio's event loop (and `flags_asyncio`'s clients):
    // every task runs on it, so a task that blocks it blocks them all.
    let runtime = tokio::runtime::Builder::new_current_thread().build()?;
    runtime.block_on(async {
        std_future().await;
        join_handle().await?;
        awaited(&pool).await?;
        blocked(&pool).await
    })
}

// ANCHOR: pool_future
/// `submit` queues the task, and a worker runs it whether or not anyone
/// asks for its result; `result()` blocks the calling thread until then.
fn pool_future(pool: &ThreadPoolExecutor) -> anyhow::Result<()> {
    let future = pool.submit(|| 6 * 7)?;
    let answer = future.result()?;
    println!("concurrent_futures::Future: result() waited, then gave {answer}");

    let (tx, rx) = mpsc::channel();
    drop(pool.submit(move || tx.send("ran"))?);
    let word = rx.recv()?;
    println!("concurrent_futures::Future: dropped at once, its task {word}");
    Ok(())
}
// ANCHOR_END: pool_future

// ANCHOR: std_future
/// An async block is a state machine: nothing in it runs until something
/// polls it, and `.await` is what polls it here.
async fn std_future() {
    let ran = AtomicBool::new(false);
    let lazy = async {
        ran.store(true, Ordering::SeqCst);
        7
    };
    // The runtime gets its turn; still no one polls `lazy`.
    tokio::task::yield_now().await;
    let has_run = ran.load(Ordering::SeqCst);
    println!("std::future::Future: not polled yet, has it run? {has_run}");
    let n = lazy.await;
    println!("std::future::Future: awaited, it ran and gave {n}");

    let ran = AtomicBool::new(false);
    let never = async { ran.store(true, Ordering::SeqCst) };
    drop(never);
    let has_run = ran.load(Ordering::SeqCst);
    println!("std::future::Future: dropped unpolled, has it run? {has_run}");
}
// ANCHOR_END: std_future

// ANCHOR: join_handle
/// `tokio::spawn` hands the future to the runtime, which polls it from
/// then on: the handle is only how to ask for its output.
async fn join_handle() -> anyhow::Result<()> {
    let (tx, rx) = oneshot::channel();
    drop(tokio::spawn(async move { tx.send("ran") }));
    let word = rx.await?;
    println!("tokio::task::JoinHandle: dropped at once, its task {word}");

    let output = tokio::spawn(async { 7 }).await;
    println!("tokio::task::JoinHandle: awaited, it gave {output:?}");
    Ok(())
}
// ANCHOR_END: join_handle

// ANCHOR: awaited
/// A pool's future awaited: this task sleeps, and the runtime's thread
/// runs the other task meanwhile, whose word the pool's task waits for.
async fn awaited(pool: &ThreadPoolExecutor) -> anyhow::Result<()> {
    let (tx, rx) = mpsc::channel();
    tokio::spawn(async move { tx.send(()) });
    let future = pool.submit(move || rx.recv().is_ok())?;
    let heard = future.await?;
    println!("awaited: did the pool's task hear from the other task? {heard}");
    Ok(())
}
// ANCHOR_END: awaited

// ANCHOR: blocked
/// The mistake: a blocking `result()` inside async code. It holds the
/// runtime's only thread, so the other task cannot run until it returns.
async fn blocked(pool: &ThreadPoolExecutor) -> anyhow::Result<()> {
    let (tx, rx) = mpsc::channel();
    let other = tokio::spawn(async move { tx.send(()).is_ok() });
    let future = pool.submit(move || rx.recv_timeout(PATIENCE).is_ok())?;
    let heard = *future.result()?;
    let millis = PATIENCE.as_millis();
    println!("blocked: did the pool's task hear from the other task? {heard}");
    println!("blocked: the pool's task gave up after {millis} ms");
    // Only now, at this `.await`, does the other task run.
    let listened = other.await?;
    println!(
        "blocked: when the other task ran, was anyone listening? {listened}"
    );
    Ok(())
}
// ANCHOR_END: blocked
