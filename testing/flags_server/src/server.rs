//! The server itself: binding, the accept loop, and the request handler.
//!
//! One function, [`run`], serves all three behaviours of the chapter; the
//! [`Kind`] decides whether a GET first sleeps (`slow_server.py`'s
//! `time.sleep(delay)`) and may end in `418 I'm a Teapot`. It is written on
//! hyper rather than axum because the interesting parts are per connection
//! (header timeout, maximum head size, graceful shutdown, a connection id
//! for the timeline), which hyper's connection builder exposes, while the
//! routing is three fixed shapes (see `routes.rs`).
//!
//! Why it holds 1000 simultaneous connections where the book's server did
//! not: Python's `socketserver` listens with a backlog of 5, so a burst of
//! connections overflows the kernel's queue before the server accepts
//! them. [`bind`] asks for a backlog of 4096, and each accepted connection
//! becomes a tokio task that costs a few KB while it sleeps.

use std::convert::Infallible;
use std::future::Future;
use std::io::{self, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use hyper::body::Incoming;
use hyper::header::{self, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::{TcpListener, TcpSocket};
use tokio::task::JoinSet;

use crate::corpus::SplitMix64;
use crate::routes::{self, Route};
use crate::stats::{Recorder, RequestRecord, Stats, secs};
use crate::{Config, Kind, corpus};

/// The listen backlog: how many connections the kernel queues before the
/// server accepts them. Linux caps it at `net.core.somaxconn` (4096 on
/// current kernels). The book's `http.server` uses 5.
pub const BACKLOG: u32 = 4096;

/// The largest request head accepted: a flag request is about 100 bytes,
/// and a browser's with cookies a few KB. Larger heads get `431 Request
/// Header Fields Too Large` from hyper.
pub const MAX_HEAD_SIZE: usize = 16 * 1024;

/// The reason phrase `slow_server.py` sends with 418. hyper would send the
/// canonical "I'm a teapot"; the book's clients print "I'm a Teapot".
pub const TEAPOT: &str = "I'm a Teapot";

/// Binds a listening socket on `addr` with a large backlog (see
/// [`BACKLOG`]). Port 0 picks a free port. Call it inside a tokio runtime.
///
/// It first raises the open-file limit ([`raise_open_file_limit`]), so
/// the binary and [`TestServer`](crate::TestServer) both get it.
pub fn bind(addr: SocketAddr) -> io::Result<TcpListener> {
    raise_open_file_limit();
    let socket = match addr {
        SocketAddr::V4(_) => TcpSocket::new_v4()?,
        SocketAddr::V6(_) => TcpSocket::new_v6()?,
    };
    // SO_REUSEADDR lets a restarted server take its port back at once
    // instead of waiting for old connections to leave TIME_WAIT. On Unix it
    // does not let two servers share a port: that is SO_REUSEPORT. On
    // Windows it does exactly that (a second server would take the port
    // from under the first), and a port held by TIME_WAIT connections is
    // free to bind there anyway, so it is set on Unix only.
    #[cfg(unix)]
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(BACKLOG)
}

/// Raises this process's soft open-file limit to its hard limit, and
/// returns the new soft limit (`None` on Windows, which has none).
///
/// Each connection is a socket, and so a file descriptor: 1000 clients of
/// DELAY at once need 1000, past the 256 that macOS allows by default or
/// the 1024 of many Linux desktops. The server cannot know how many
/// clients will come, so it takes all the hard limit allows (on macOS,
/// `kern.maxfilesperproc` caps it; the `rlimit` crate knows). Calling it
/// again is harmless.
///
/// On Linux it also grows the table of descriptors to hold
/// [`RESERVED_FDS`] (or the limit, if lower), so that the first client to
/// open hundreds of connections does not wait while the kernel grows it:
/// see `flags_common::limits::reserve_descriptors`, which the clients
/// call for their own connections.
pub fn raise_open_file_limit() -> Option<u64> {
    #[cfg(unix)]
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(limit) => {
            #[cfg(target_os = "linux")]
            flags_common::limits::reserve_descriptors(limit.min(RESERVED_FDS));
            Some(limit)
        }
        Err(e) => {
            tracing::warn!("cannot raise the open-file limit: {e}");
            None
        }
    }
    // Windows has no RLIMIT_NOFILE: sockets are handles, limited by memory.
    #[cfg(not(unix))]
    None
}

/// The descriptors the server makes room for as it starts: four times the
/// 1000 connections of the chapter's busiest client (`-m 1000`), in a
/// table of 32 KiB.
#[cfg(target_os = "linux")]
const RESERVED_FDS: u64 = 4096;

/// What the handlers of one server share: its configuration and its
/// statistics. Cheap to clone (one `Arc`); give the same state to the
/// listeners of one server (127.0.0.1 and ::1) so they count together.
#[derive(Clone, Debug)]
pub struct ServerState {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    config: Config,
    /// `config.directory`, canonicalised once so symlink checks compare
    /// like with like.
    root: Option<PathBuf>,
    recorder: Recorder,
}

impl ServerState {
    /// Checks the configuration (a `--directory` must exist) and starts the
    /// clock that `/stats` times are measured from.
    pub fn new(config: Config) -> io::Result<Self> {
        let root = match &config.directory {
            Some(dir) => {
                let root = dir.canonicalize().map_err(|e| {
                    io::Error::new(e.kind(), format!("{}: {e}", dir.display()))
                })?;
                if !root.is_dir() {
                    return Err(io::Error::new(
                        io::ErrorKind::NotADirectory,
                        format!("{} is not a directory", dir.display()),
                    ));
                }
                Some(root)
            }
            None => None,
        };
        let recorder = Recorder::new(config.max_records);
        Ok(ServerState { inner: Arc::new(Inner { config, root, recorder }) })
    }

    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// A snapshot of the statistics, the same data as `GET /stats`.
    pub fn stats(&self) -> Stats {
        self.inner.recorder.snapshot()
    }

    /// Clears counters, records and peak; with a seed, the next request
    /// draws the same delay and error as the first one did.
    pub fn reset_stats(&self) {
        self.inner.recorder.reset();
    }

    fn recorder(&self) -> &Recorder {
        &self.inner.recorder
    }
}

/// Serves `kind` on `listener` until `shutdown` completes, then stops
/// accepting, lets requests in flight finish for up to
/// `Config::shutdown_grace`, and drops what is left.
///
/// Takes an already-bound listener (from [`bind`]) so that callers choose
/// the address, tests can bind port 0 and read the port before serving,
/// and a port in use is reported before anything starts.
pub async fn run(
    listener: TcpListener,
    kind: Kind,
    state: ServerState,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    let config = state.config();
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(config.header_timeout)
        .max_buf_size(MAX_HEAD_SIZE);
    let grace = config.shutdown_grace;
    // The watcher tells every open connection to finish its current
    // request and close; the JoinSet owns the connection tasks, so none
    // outlives `run` even if the grace period runs out.
    let graceful = GracefulShutdown::new();
    let mut connections = JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, _peer) = match accepted {
                    Ok(pair) => pair,
                    Err(e) => {
                        // Most likely out of file descriptors (EMFILE).
                        // Pausing lets some connections close, instead of
                        // spinning on an error that cannot clear at once.
                        tracing::warn!("accept failed: {e}");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                // Responses are one small write; don't let Nagle's
                // algorithm hold it back waiting for an ACK.
                let _ = stream.set_nodelay(true);
                let id = state.recorder().next_connection();
                let state = state.clone();
                let service = service_fn(move |request| {
                    handle(request, kind, state.clone(), id)
                });
                let connection = builder
                    .serve_connection(TokioIo::new(stream), service);
                let connection = graceful.watch(connection);
                connections.spawn(async move {
                    if let Err(e) = connection.await {
                        tracing::debug!(connection = id, "closed: {e}");
                    }
                });
            }
            // Reap finished connection tasks so the set does not grow.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            () = &mut shutdown => break,
        }
    }
    drop(listener);
    let open = connections.len();
    if tokio::time::timeout(grace, graceful.shutdown()).await.is_err() {
        tracing::warn!(
            "{kind}: {} connections still busy after {grace:?}; dropping them",
            connections.len()
        );
    } else if open > 0 {
        tracing::debug!("{kind}: {open} connections finished cleanly");
    }
    connections.shutdown().await;
    Ok(())
}

/// Answers one request. Never fails: every outcome is a response.
async fn handle(
    request: Request<Incoming>,
    kind: Kind,
    state: ServerState,
    connection: u64,
) -> Result<Response<TrackedBody>, Infallible> {
    let method = request.method().clone();
    let path = request.uri().path();
    let route = routes::route(path);
    let is_read = method == Method::GET || method == Method::HEAD;

    // `/stats` observes the server, so it is neither delayed nor counted.
    if route == Route::Stats && is_read {
        let json = serde_json::to_vec(&state.stats()).unwrap_or_default();
        let body =
            if method == Method::HEAD { Bytes::new() } else { json.into() };
        return Ok(respond(StatusCode::OK, "application/json", body, None));
    }

    let recorder = state.recorder();
    let n = recorder.begin();
    let mut in_flight = InFlight {
        state: state.clone(),
        kind,
        record: RequestRecord {
            method: method.to_string(),
            path: path.to_owned(),
            status: 499,
            start: recorder.now(),
            end: 0.0,
            connection,
            delay: 0.0,
            bytes: 0,
        },
    };

    if !is_read {
        let mut response = respond(
            StatusCode::METHOD_NOT_ALLOWED,
            "text/plain",
            Bytes::from_static(b"405 Method Not Allowed\n"),
            Some(in_flight),
        );
        let allow = HeaderValue::from_static("GET, HEAD");
        response.headers_mut().insert(header::ALLOW, allow);
        return Ok(response);
    }

    // Like `slow_server.py`, only GET is slowed down and may fail; HEAD
    // answers at once.
    if method == Method::GET && kind.delays() {
        let config = state.config();
        let (delay_draw, error_draw) = draws(config.seed, n);
        let span = config.max_delay.saturating_sub(config.min_delay);
        let delay = config.min_delay + span.mul_f64(delay_draw);
        in_flight.record.delay = secs(delay);
        tokio::time::sleep(delay).await;
        if kind.fails() && error_draw < config.error_rate {
            let mut response = respond(
                StatusCode::IM_A_TEAPOT,
                "text/plain",
                Bytes::from_static(b"418 I'm a Teapot\n"),
                Some(in_flight),
            );
            let reason =
                hyper::ext::ReasonPhrase::from_static(TEAPOT.as_bytes());
            response.extensions_mut().insert(reason);
            return Ok(response);
        }
    }

    let (status, content_type, body) = match content(&state, route).await {
        Ok(Some((content_type, body))) => (StatusCode::OK, content_type, body),
        Ok(None) => (
            StatusCode::NOT_FOUND,
            "text/plain",
            Bytes::from_static(b"404 Not Found\n"),
        ),
        Err(e) => {
            tracing::error!(path = in_flight.record.path, "cannot read: {e}");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "text/plain",
                Bytes::from_static(b"500 Internal Server Error\n"),
            )
        }
    };
    let mut response = respond(status, content_type, body, Some(in_flight));
    if method == Method::HEAD {
        response.body_mut().strip_for_head();
    }
    Ok(response)
}

/// The body of a file route, from the corpus or from `--directory`.
async fn content(
    state: &ServerState,
    route: Route,
) -> io::Result<Option<(&'static str, Bytes)>> {
    let content_type = match route {
        Route::Flag(_) => "image/gif",
        Route::Metadata(_) => "application/json",
        Route::Stats | Route::NotFound => return Ok(None),
    };
    let body = match &state.inner.root {
        None => match route {
            Route::Flag(cc) => corpus::flag_gif(cc.as_str()),
            Route::Metadata(cc) => corpus::metadata_json(cc.as_str()),
            Route::Stats | Route::NotFound => None,
        },
        Some(root) => {
            // File I/O blocks, so it goes to tokio's blocking pool.
            let root = root.clone();
            let read = tokio::task::spawn_blocking(move || {
                routes::read_in(&root, route)
            });
            read.await.map_err(io::Error::other)??.map(Bytes::from)
        }
    };
    Ok(body.map(|body| (content_type, body)))
}

/// The two uniform draws in [0, 1) of request `n`: its delay and whether
/// it fails. With a seed they are the (2n+1)th and (2n+2)th outputs of a
/// SplitMix64 stream seeded with it, so they depend on the seed and the
/// request's position alone, not on which thread serves it or when.
/// Without one, the stream starts from a fresh random seed for every
/// request, so runs differ, as `slow_server.py`'s `random()` does.
fn draws(seed: Option<u64>, n: u64) -> (f64, f64) {
    let seed = seed.unwrap_or_else(unseeded);
    let start = n.wrapping_mul(2).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let mut rng = SplitMix64::new(seed.wrapping_add(start));
    (rng.next_f64(), rng.next_f64())
}

/// A random 64-bit seed: std's `RandomState` is keyed from the operating
/// system's randomness once per thread and moves to a new key at every
/// call, and SipHash under that key is the draw. Random enough for a
/// delay and a coin toss, and no `rand` crate for two numbers.
fn unseeded() -> u64 {
    use std::hash::BuildHasher;
    std::collections::hash_map::RandomState::new().hash_one(0u8)
}

fn respond(
    status: StatusCode,
    content_type: &'static str,
    body: Bytes,
    in_flight: Option<InFlight>,
) -> Response<TrackedBody> {
    let length = body.len();
    let body = TrackedBody::new(body, status, in_flight);
    let mut response = Response::new(body);
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    response
}

/// A request between its head arriving and its response being written.
/// Dropping it records the request as finished, whichever way that
/// happens: the body was sent, or hyper dropped the response because the
/// client went away (then the status stays 499).
struct InFlight {
    state: ServerState,
    kind: Kind,
    record: RequestRecord,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        let recorder = self.state.recorder();
        self.record.end = recorder.now();
        let record = std::mem::take(&mut self.record);
        tracing::debug!(
            method = record.method,
            path = record.path,
            status = record.status,
            delay = format_args!("{:.3}", record.delay),
            connection = record.connection,
            "request"
        );
        if self.state.config().verbose {
            // A server whose stderr is gone keeps serving: the line is
            // only lost.
            let _ = writeln!(io::stderr(), "{}", log_line(self.kind, &record));
        }
        recorder.finish(record);
    }
}

/// The `-v` line of a finished request: when it ended (seconds since the
/// server started), which server, the request, the status (499 when the
/// client went away first), the delay and the body bytes sent:
/// `[   2.371s] DELAY "GET /flags/br/br.gif" 200 delay=2.37s bytes=9876`.
/// The book's `slow_server.py` prints `http.server`'s line, which has no
/// delay; the delay is what a reader of these lines wants to see.
fn log_line(kind: Kind, record: &RequestRecord) -> String {
    format!(
        "[{:8.3}s] {kind} \"{} {}\" {} delay={:.2}s bytes={}",
        record.end,
        record.method,
        record.path,
        record.status,
        record.delay,
        record.bytes
    )
}

/// A response body that is one `Bytes` (a reference-counted slice of the
/// corpus: no copy per request) and carries the request's [`InFlight`],
/// so the request counts as finished when hyper has written the body and
/// drops it.
pub struct TrackedBody {
    data: Option<Bytes>,
    in_flight: Option<InFlight>,
}

impl TrackedBody {
    fn new(
        data: Bytes,
        status: StatusCode,
        mut in_flight: Option<InFlight>,
    ) -> Self {
        if let Some(in_flight) = &mut in_flight {
            in_flight.record.status = status.as_u16();
            in_flight.record.bytes = data.len() as u64;
        }
        let data = (!data.is_empty()).then_some(data);
        TrackedBody { data, in_flight }
    }

    /// HEAD: keep the headers (Content-Length included), send no body.
    fn strip_for_head(&mut self) {
        self.data = None;
        if let Some(in_flight) = &mut self.in_flight {
            in_flight.record.bytes = 0;
        }
    }
}

impl Body for TrackedBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        Poll::Ready(self.get_mut().data.take().map(|d| Ok(Frame::data(d))))
    }

    fn is_end_stream(&self) -> bool {
        self.data.is_none()
    }

    fn size_hint(&self) -> SizeHint {
        let length = self.data.as_ref().map_or(0, Bytes::len);
        SizeHint::with_exact(length as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Raising the limit also makes room in the kernel's table of
    /// descriptors (`FDSize` in /proc/self/status) for the connections to
    /// come.
    #[cfg(target_os = "linux")]
    #[test]
    fn raising_the_limit_grows_the_descriptor_table() {
        let limit = raise_open_file_limit().expect("a limit on Linux");
        let status = std::fs::read_to_string("/proc/self/status")
            .expect("/proc/self/status");
        let fd_size: u64 = status
            .lines()
            .find_map(|line| line.strip_prefix("FDSize:"))
            .and_then(|size| size.trim().parse().ok())
            .expect("an FDSize line");
        assert!(fd_size >= limit.min(RESERVED_FDS), "FDSize {fd_size}");
    }

    /// The `-v` line says when, which server, what, the status, the delay
    /// and the bytes.
    #[test]
    fn log_line_shows_the_request_and_its_delay() {
        let record = RequestRecord {
            method: "GET".to_owned(),
            path: "/flags/br/br.gif".to_owned(),
            status: 200,
            end: 2.3714,
            delay: 2.3659,
            bytes: 9876,
            ..RequestRecord::default()
        };
        assert_eq!(
            log_line(Kind::Delay, &record),
            r#"[   2.371s] DELAY "GET /flags/br/br.gif" 200 delay=2.37s bytes=9876"#
        );
    }
}
