//! [`TestServer`]: LOCAL, DELAY and ERROR on free ports of 127.0.0.1, on a
//! thread of their own, for tests and for `cargo xtask compare`.
//!
//! The book starts its servers in another terminal; tests cannot. This
//! helper binds port 0 (the kernel picks free ports, so tests running in
//! parallel never collide), serves from its own tokio runtime (so plain
//! `#[test]` functions and blocking clients can use it without a runtime
//! of their own), and stops cleanly when dropped.

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::mpsc;
use std::thread::JoinHandle;

use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::{Config, Kind, ServerState, Stats, bind, run};

/// The three servers, running until dropped.
///
/// ```
/// use flags_server::{Config, Kind, TestServer};
///
/// let server = TestServer::start(Config::fast()).unwrap();
/// let url = format!("{}/br/br.gif", server.base_url(Kind::Local));
/// assert!(url.starts_with("http://127.0.0.1:"));
/// assert_eq!(server.stats(Kind::Local).requests, 0);
/// ```
#[derive(Debug)]
pub struct TestServer {
    addrs: [SocketAddr; 3],
    states: [ServerState; 3],
    stop: watch::Sender<bool>,
    thread: Option<JoinHandle<()>>,
}

impl TestServer {
    /// Binds `127.0.0.1:0` for each of the three servers and starts them.
    /// Returns once they accept connections (the sockets are listening
    /// before this returns, so the first request cannot be refused).
    pub fn start(config: Config) -> io::Result<TestServer> {
        let states = [
            ServerState::new(config.clone())?,
            ServerState::new(config.clone())?,
            ServerState::new(config)?,
        ];
        let (ready_tx, ready_rx) = mpsc::channel();
        let (stop, stop_rx) = watch::channel(false);
        let thread_states = states.clone();
        let thread = std::thread::Builder::new()
            .name("flags_server".to_owned())
            .spawn(move || serve(thread_states, ready_tx, stop_rx))?;
        let addrs = match ready_rx.recv() {
            Ok(result) => result?,
            Err(_) => return Err(io::Error::other("server thread died")),
        };
        Ok(TestServer { addrs, states, stop, thread: Some(thread) })
    }

    /// The base URL of a server, as the clients' `-s` option takes it:
    /// `http://127.0.0.1:{port}/flags`.
    pub fn base_url(&self, kind: Kind) -> String {
        format!("http://{}/flags", self.addr(kind))
    }

    pub fn addr(&self, kind: Kind) -> SocketAddr {
        self.addrs[index(kind)]
    }

    /// A snapshot of one server's statistics, as `GET /stats` on its port.
    pub fn stats(&self, kind: Kind) -> Stats {
        self.states[index(kind)].stats()
    }

    /// Clears one server's records, counters and peak, so the next client
    /// run starts from zero (and, with a seed, meets the same draws).
    pub fn reset_stats(&self, kind: Kind) {
        self.states[index(kind)].reset_stats();
    }
}

impl Drop for TestServer {
    /// Stops accepting, lets requests in flight finish (up to
    /// `Config::shutdown_grace`), and joins the server thread.
    fn drop(&mut self) {
        let _ = self.stop.send(true);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn index(kind: Kind) -> usize {
    match kind {
        Kind::Local => 0,
        Kind::Delay => 1,
        Kind::Error => 2,
    }
}

/// The server thread: its own runtime, three listeners, three `run`s.
fn serve(
    states: [ServerState; 3],
    ready: mpsc::Sender<io::Result<[SocketAddr; 3]>>,
    stop: watch::Receiver<bool>,
) {
    // Two workers: enough to serve while a test's client threads run, and
    // no more than the CI machine's cores, since tests run in parallel.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("flags_server-worker")
        .enable_all()
        .build();
    let runtime = match runtime {
        Ok(runtime) => runtime,
        Err(e) => {
            let _ = ready.send(Err(e));
            return;
        }
    };
    runtime.block_on(async move {
        let mut listeners = Vec::with_capacity(3);
        let mut addrs = Vec::with_capacity(3);
        for _ in Kind::ALL {
            let bound = bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
                .and_then(|l| Ok((l.local_addr()?, l)));
            match bound {
                Ok((addr, listener)) => {
                    addrs.push(addr);
                    listeners.push(listener);
                }
                Err(e) => {
                    let _ = ready.send(Err(e));
                    return;
                }
            }
        }
        let addrs = [addrs[0], addrs[1], addrs[2]];
        let mut servers = JoinSet::new();
        for ((listener, kind), state) in
            listeners.into_iter().zip(Kind::ALL).zip(states)
        {
            let mut stop = stop.clone();
            // Stop when told, or when the TestServer is gone.
            let shutdown = async move {
                let _ = stop.wait_for(|stopped| *stopped).await;
            };
            servers.spawn(run(listener, kind, state, shutdown));
        }
        let _ = ready.send(Ok(addrs));
        while let Some(result) = servers.join_next().await {
            match result {
                Ok(Ok(())) => {}
                Ok(Err(e)) => tracing::error!("test server failed: {e}"),
                Err(e) => tracing::error!("test server panicked: {e}"),
            }
        }
    });
}
