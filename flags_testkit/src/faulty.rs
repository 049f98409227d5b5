//! A misbehaving HTTP server, and the checks that run a client against it:
//! the fault tests of issue 9, written once for the three clients.
//!
//! The book's programs are only ever shown a well-behaved server. A real
//! network also truncates bodies, resets connections, stalls, loops on
//! redirects and sends answers without end. [`FaultyServer`] does each of
//! those on purpose, one fault per country code, so that one run of a
//! client can mix good codes with a bad one and show that the bad one is
//! counted as an error *and* the good ones are not disturbed.
//!
//! It is not built on hyper like the LOCAL, DELAY and ERROR servers: a
//! correct HTTP library cannot be told to send a wrong `Content-Length` or
//! a broken chunk. It is a raw [`TcpListener`] that reads a request head
//! and writes hand-made bytes.
//!
//! The fault codes are `X?`: ISO 3166 keeps codes starting with X for
//! private use, so no real flag is ever one of them.
//!
//! | code | [`Fault`] | what the server does |
//! |---|---|---|
//! | XT | `TruncatedBody` | `Content-Length` above the body, then a close |
//! | XR | `ResetMidBody` | half the body, then a TCP reset |
//! | XS | `StallAfterHeaders` | headers, then silence for [`STALL`] |
//! | XD | `DripForever` | a byte every [`DRIP_PAUSE`], for 40 s |
//! | XL | `RedirectLoop` | `302` back to the same URL, forever |
//! | XG | `RedirectToGood` | `302` to a good flag |
//! | XE | `EndlessBody` | a body with no length, until the client hangs up |
//! | XH | `HugeBody` | a body of [`HUGE_BODY`] bytes, announced as such |
//! | XN | `NotHttp` | a line that is not HTTP at all |
//! | XC | `BrokenChunks` | a chunked body whose chunk size is not a number |
//! | XZ | `CloseBeforeAnswer` | reads the request, closes without a word |
//! | XI | `Status500` | `500 Internal Server Error` |
//! | XU | `Status503` | `503 Service Unavailable` |
//! | XP | `Status418` | `418 I'm a Teapot`, as the book's ERROR server |
//! | XK | `TrickledBody` | a good flag, a few bytes at a time |
//!
//! Every other `/flags/<cc>/<cc>.gif` is the built-in flag (keep-alive,
//! like a good server), or 404 if the code has none.
//!
//! The second half of the module is the checks: [`expect_error`],
//! [`expect_saved`], [`expect_interrupt_report`] and
//! [`expect_bad_dest_refused`] run a client binary (through
//! [`client`](super::client)) and assert what issue 9 asks of every
//! client. The test files of the three clients call them,
//! one `#[test]` per fault, so the meaning of a fault lives here only.

use std::collections::BTreeMap;
use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use bytes::Bytes;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

use crate::corpus;
use crate::testing::client::{self, Run, Running, Scratch, file_names};

/// How long `StallAfterHeaders` stays silent: far longer than any timeout
/// the tests give a client, yet finite, so a client whose timeout does not
/// cover the body ends with a wrong message instead of hanging the suite.
pub const STALL: Duration = Duration::from_secs(30);

/// The pause between two bytes of `DripForever`: each read of the client
/// gets a byte well within any per-read timeout, so only a timeout on the
/// whole request can end it.
pub const DRIP_PAUSE: Duration = Duration::from_millis(10);

/// How many bytes `DripForever` announces: at one per [`DRIP_PAUSE`] that
/// is 40 seconds, longer than any timeout in the tests.
pub const DRIP_BYTES: usize = 4_000;

/// The size `HugeBody` announces and sends: 64 MiB, six times the clients'
/// cap of 10 MiB (`flags_common::MAX_FLAG_BYTES`).
pub const HUGE_BODY: usize = 64 * 1024 * 1024;

/// Where `EndlessBody` gives up if the client never does. A correct client
/// hangs up after its cap; this bound only keeps a broken one from taking
/// the test machine's memory with it.
pub const ENDLESS_LIMIT: usize = 256 * 1024 * 1024;

/// The corpus code `RedirectToGood` redirects to and `TrickledBody` sends:
/// the file saved for the fault code must hold exactly this flag.
pub const GOOD_TARGET: &str = "BR";

/// How many bytes `TrickledBody` writes at a time, and the pause after each.
const TRICKLE_PIECE: usize = 16;
const TRICKLE_PAUSE: Duration = Duration::from_millis(1);

/// The longest request head the server reads before giving up on it.
const MAX_HEAD: usize = 16 * 1024;

/// One way of answering badly, chosen by the country code of the request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Fault {
    TruncatedBody,
    ResetMidBody,
    StallAfterHeaders,
    DripForever,
    RedirectLoop,
    RedirectToGood,
    EndlessBody,
    HugeBody,
    NotHttp,
    BrokenChunks,
    CloseBeforeAnswer,
    Status500,
    Status503,
    Status418,
    TrickledBody,
}

/// The words that say "the connection went away before the answer was
/// complete", as the HTTP libraries word it.
pub const CONNECTION_LOST: &[&str] = &[
    "disconnected",
    "closed",
    "reset",
    "eof",
    "end of file",
    "incomplete",
    "truncated",
];

/// What a client must make of a fault.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Counted as ERROR; the `-v` line `CC error: ...` names the cause with
    /// at least one of these words (in any case).
    Error(&'static [&'static str]),
    /// Counted as ERROR; the `-v` line is exactly `CC error: ` and this.
    HttpError(&'static str),
    /// Counted as OK and saved: byte for byte the flag of [`GOOD_TARGET`].
    Saved,
}

impl Fault {
    /// Every fault, in the order of the table above.
    pub const ALL: [Fault; 15] = [
        Fault::TruncatedBody,
        Fault::ResetMidBody,
        Fault::StallAfterHeaders,
        Fault::DripForever,
        Fault::RedirectLoop,
        Fault::RedirectToGood,
        Fault::EndlessBody,
        Fault::HugeBody,
        Fault::NotHttp,
        Fault::BrokenChunks,
        Fault::CloseBeforeAnswer,
        Fault::Status500,
        Fault::Status503,
        Fault::Status418,
        Fault::TrickledBody,
    ];

    /// The country code that asks the server for this fault.
    pub fn code(self) -> &'static str {
        match self {
            Fault::TruncatedBody => "XT",
            Fault::ResetMidBody => "XR",
            Fault::StallAfterHeaders => "XS",
            Fault::DripForever => "XD",
            Fault::RedirectLoop => "XL",
            Fault::RedirectToGood => "XG",
            Fault::EndlessBody => "XE",
            Fault::HugeBody => "XH",
            Fault::NotHttp => "XN",
            Fault::BrokenChunks => "XC",
            Fault::CloseBeforeAnswer => "XZ",
            Fault::Status500 => "XI",
            Fault::Status503 => "XU",
            Fault::Status418 => "XP",
            Fault::TrickledBody => "XK",
        }
    }

    /// The fault a code asks for, in any case; `None` for a good code.
    pub fn from_code(cc: &str) -> Option<Fault> {
        Fault::ALL
            .into_iter()
            .find(|fault| fault.code().eq_ignore_ascii_case(cc))
    }

    /// What every client must report for this fault. The words are the
    /// cause a user needs to read, whichever HTTP library found it.
    pub fn outcome(self) -> Outcome {
        match self {
            // ureq reports a reset in the body as "Peer disconnected" (it
            // folds ECONNRESET into end-of-file), so a reset is accepted
            // under any of the words that say the connection went away.
            Fault::TruncatedBody
            | Fault::ResetMidBody
            | Fault::CloseBeforeAnswer => Outcome::Error(CONNECTION_LOST),
            Fault::StallAfterHeaders | Fault::DripForever => {
                Outcome::Error(&["timed out"])
            }
            Fault::RedirectLoop => Outcome::Error(&["redirect"]),
            Fault::EndlessBody | Fault::HugeBody => {
                Outcome::Error(&["too large"])
            }
            Fault::NotHttp => Outcome::Error(&[
                "not http",
                "invalid http",
                "invalid status",
                "malformed",
                "parse",
            ]),
            Fault::BrokenChunks => Outcome::Error(&["chunk"]),
            Fault::Status500 => {
                Outcome::HttpError("HTTP error 500 - Internal Server Error")
            }
            Fault::Status503 => {
                Outcome::HttpError("HTTP error 503 - Service Unavailable")
            }
            Fault::Status418 => {
                Outcome::HttpError("HTTP error 418 - I'm a Teapot")
            }
            Fault::RedirectToGood | Fault::TrickledBody => Outcome::Saved,
        }
    }
}

// ---------------------------------------------------------------------
// The server
// ---------------------------------------------------------------------

/// What the server has seen, for assertions such as "no request at all"
/// or "the redirect loop was followed a bounded number of times".
#[derive(Debug, Default)]
struct Seen {
    connections: AtomicU64,
    /// Requests per code (upper case), or per path for other paths. A std
    /// Mutex, not tokio's: it is held for one insert and never across an
    /// `.await`.
    requests: Mutex<BTreeMap<String, u64>>,
}

/// A running faulty server: its own thread and runtime, so plain blocking
/// `#[test]`s can use it; dropping it stops the server.
pub struct FaultyServer {
    addr: SocketAddr,
    seen: Arc<Seen>,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl FaultyServer {
    /// Binds `127.0.0.1:0` and starts serving on a thread of its own.
    pub fn start() -> io::Result<FaultyServer> {
        // Bound here, not on the server thread, so a bind error reaches the
        // caller and the port is known before `start` returns.
        let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        // One thread is plenty: every connection is an async task, and the
        // tests run a handful at a time.
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let seen = Arc::new(Seen::default());
        let (shutdown, stop) = oneshot::channel();
        let thread = std::thread::Builder::new()
            .name("faulty-server".to_owned())
            .spawn({
                let seen = Arc::clone(&seen);
                move || {
                    runtime.block_on(async move {
                        match TcpListener::from_std(listener) {
                            Ok(listener) => accept(listener, seen, stop).await,
                            Err(error) => {
                                eprintln!("faulty server: {error}");
                            }
                        }
                    });
                    // Dropping the runtime here cancels the connections
                    // still open (a stall, a drip): nothing outlives Drop.
                }
            })?;
        Ok(FaultyServer {
            addr,
            seen,
            shutdown: Some(shutdown),
            thread: Some(thread),
        })
    }

    /// The base URL to give a client with `-s`:
    /// `http://127.0.0.1:{port}/flags`.
    pub fn base_url(&self) -> String {
        format!("http://{}/flags", self.addr)
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// How many connections the server has accepted.
    pub fn connections(&self) -> u64 {
        self.seen.connections.load(Ordering::SeqCst)
    }

    /// How many requests the server has read, whatever their path.
    pub fn requests(&self) -> u64 {
        self.requests_by_code().values().sum()
    }

    /// How many requests asked for the flag of `cc`, in any case.
    pub fn requests_for(&self, cc: &str) -> u64 {
        let key = cc.to_ascii_uppercase();
        self.requests_by_code().get(&key).copied().unwrap_or(0)
    }

    fn requests_by_code(&self) -> BTreeMap<String, u64> {
        // A poisoned lock only means a connection task panicked; the counts
        // it holds are still the best answer there is.
        match self.seen.requests.lock() {
            Ok(requests) => requests.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }
}

impl Drop for FaultyServer {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Accepts connections until `stop` fires, each on a task of its own.
async fn accept(
    listener: TcpListener,
    seen: Arc<Seen>,
    mut stop: oneshot::Receiver<()>,
) {
    loop {
        tokio::select! {
            _ = &mut stop => return,
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                seen.connections.fetch_add(1, Ordering::SeqCst);
                let seen = Arc::clone(&seen);
                tokio::spawn(async move {
                    // An I/O error here is the client hanging up, which is
                    // what several faults are waiting for.
                    let _ = serve(stream, &seen).await;
                });
            }
        }
    }
}

/// Serves the requests of one connection until a fault closes it.
async fn serve(mut stream: TcpStream, seen: &Seen) -> io::Result<()> {
    // Each write goes out as its own segment, so a trickle is a trickle.
    stream.set_nodelay(true)?;
    while let Some(path) = read_head(&mut stream).await? {
        let cc = flag_code(&path);
        let key = cc.clone().unwrap_or_else(|| path.clone());
        if let Ok(mut requests) = seen.requests.lock() {
            *requests.entry(key).or_default() += 1;
        }
        let keep_alive = match cc {
            Some(cc) => match Fault::from_code(&cc) {
                Some(fault) => misbehave(&mut stream, fault, &path).await?,
                None => match corpus::flag_gif(&cc) {
                    Some(gif) => ok_gif(&mut stream, &gif).await?,
                    None => not_found(&mut stream).await?,
                },
            },
            None => not_found(&mut stream).await?,
        };
        if !keep_alive {
            break;
        }
    }
    Ok(())
}

/// Reads one request head and returns its path, or `None` when the client
/// closed the connection between requests.
async fn read_head(stream: &mut TcpStream) -> io::Result<Option<String>> {
    let mut head = Vec::new();
    let mut buf = [0; 1024];
    // The clients send GET requests without a body and never pipeline, so
    // everything up to the blank line is the whole request.
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        if head.len() > MAX_HEAD {
            return Err(io::Error::other("request head too long"));
        }
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            return Ok(None);
        }
        head.extend_from_slice(&buf[..n]);
    }
    let head = String::from_utf8_lossy(&head);
    let target = head.split_whitespace().nth(1).unwrap_or_default();
    let path = target.split('?').next().unwrap_or_default();
    Ok(Some(path.to_owned()))
}

/// The upper-case code of `/flags/<cc>/<cc>.gif`, if the path is one.
fn flag_code(path: &str) -> Option<String> {
    let rest = path.strip_prefix("/flags/")?;
    let (dir, file) = rest.split_once('/')?;
    let name = file.strip_suffix(".gif")?;
    let is_code =
        dir.len() == 2 && dir.bytes().all(|b| b.is_ascii_alphabetic());
    (is_code && dir == name).then(|| dir.to_ascii_uppercase())
}

/// A good answer: the whole flag, and the connection stays open.
async fn ok_gif(stream: &mut TcpStream, gif: &[u8]) -> io::Result<bool> {
    stream.write_all(&gif_head(gif.len())).await?;
    stream.write_all(gif).await?;
    Ok(true)
}

async fn not_found(stream: &mut TcpStream) -> io::Result<bool> {
    status(stream, "404 Not Found").await
}

/// An error status with a short body; the connection stays open, as a
/// server that answers errors on purpose would keep it.
async fn status(stream: &mut TcpStream, line: &str) -> io::Result<bool> {
    let body = format!("{line}\n");
    let head = format!(
        "HTTP/1.1 {line}\r\nContent-Type: text/plain\r\n\
         Content-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(body.as_bytes()).await?;
    Ok(true)
}

/// The head of a `200 OK` GIF answer announcing `len` bytes.
fn gif_head(len: usize) -> Vec<u8> {
    format!(
        "HTTP/1.1 200 OK\r\nContent-Type: image/gif\r\n\
         Content-Length: {len}\r\n\r\n"
    )
    .into_bytes()
}

/// The flag every misbehaving answer is cut from.
fn good_gif() -> Bytes {
    corpus::flag_gif(GOOD_TARGET).unwrap_or_default()
}

/// Answers `path` with `fault`. Returns whether the connection may serve
/// another request: only the faults that are well-formed HTTP keep it.
async fn misbehave(
    stream: &mut TcpStream,
    fault: Fault,
    path: &str,
) -> io::Result<bool> {
    let gif = good_gif();
    match fault {
        Fault::TruncatedBody => {
            stream.write_all(&gif_head(gif.len())).await?;
            stream.write_all(&gif[..gif.len() / 2]).await?;
            // A clean close (FIN): the client reads end-of-file early.
            stream.shutdown().await?;
            Ok(false)
        }
        Fault::ResetMidBody => {
            stream.write_all(&gif_head(gif.len())).await?;
            stream.write_all(&gif[..gif.len() / 2]).await?;
            // SO_LINGER 0 makes the close that follows (when the stream is
            // dropped) send a RST instead of a FIN.
            stream.set_zero_linger()?;
            Ok(false)
        }
        Fault::StallAfterHeaders => {
            stream.write_all(&gif_head(gif.len())).await?;
            tokio::time::sleep(STALL).await;
            Ok(false)
        }
        Fault::DripForever => {
            stream.write_all(&gif_head(DRIP_BYTES)).await?;
            for _ in 0..DRIP_BYTES {
                stream.write_all(b"G").await?;
                tokio::time::sleep(DRIP_PAUSE).await;
            }
            Ok(false)
        }
        Fault::RedirectLoop => redirect(stream, path).await,
        Fault::RedirectToGood => {
            let cc = GOOD_TARGET.to_ascii_lowercase();
            redirect(stream, &format!("/flags/{cc}/{cc}.gif")).await
        }
        Fault::EndlessBody => {
            // No Content-Length and no chunks: the body ends when the
            // connection does, which here is never (up to ENDLESS_LIMIT).
            let head = "HTTP/1.1 200 OK\r\nContent-Type: image/gif\r\n\
                        Connection: close\r\n\r\n";
            stream.write_all(head.as_bytes()).await?;
            flood(stream, ENDLESS_LIMIT).await?;
            Ok(false)
        }
        Fault::HugeBody => {
            stream.write_all(&gif_head(HUGE_BODY)).await?;
            flood(stream, HUGE_BODY).await?;
            Ok(false)
        }
        Fault::NotHttp => {
            stream.write_all(b"SSH-2.0-OpenSSH_9.6\r\n\r\n").await?;
            stream.shutdown().await?;
            Ok(false)
        }
        Fault::BrokenChunks => {
            let answer = "HTTP/1.1 200 OK\r\nContent-Type: image/gif\r\n\
                          Transfer-Encoding: chunked\r\n\r\n\
                          zz\r\nthis is not a chunk size\r\n";
            stream.write_all(answer.as_bytes()).await?;
            stream.shutdown().await?;
            Ok(false)
        }
        Fault::CloseBeforeAnswer => {
            stream.shutdown().await?;
            Ok(false)
        }
        Fault::Status500 => status(stream, "500 Internal Server Error").await,
        Fault::Status503 => status(stream, "503 Service Unavailable").await,
        Fault::Status418 => status(stream, "418 I'm a Teapot").await,
        Fault::TrickledBody => {
            stream.write_all(&gif_head(gif.len())).await?;
            for piece in gif.chunks(TRICKLE_PIECE) {
                stream.write_all(piece).await?;
                tokio::time::sleep(TRICKLE_PAUSE).await;
            }
            Ok(true)
        }
    }
}

/// A `302 Found` to `location`, on a connection that stays open.
async fn redirect(stream: &mut TcpStream, location: &str) -> io::Result<bool> {
    let head = format!(
        "HTTP/1.1 302 Found\r\nLocation: {location}\r\n\
         Content-Length: 0\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await?;
    Ok(true)
}

/// Writes `len` bytes of filler, stopping early when the client hangs up.
async fn flood(stream: &mut TcpStream, len: usize) -> io::Result<()> {
    let block = [b'G'; 64 * 1024];
    let mut left = len;
    while left > 0 {
        let n = left.min(block.len());
        stream.write_all(&block[..n]).await?;
        left -= n;
    }
    Ok(())
}

// ---------------------------------------------------------------------
// The checks
// ---------------------------------------------------------------------

/// The real codes every fault run asks for besides the fault's code. In
/// sorted order the `X?` code falls between JP and ZW, so the sequential
/// client meets a good code right after each fault, on what would be the
/// same keep-alive connection.
pub const GOOD_CODES: [&str; 3] = ["BR", "JP", "ZW"];

/// `--timeout` for the faults that are about time (a stall, a drip):
/// short, so each costs half a second.
pub const SHORT_TIMEOUT: &str = "0.5";

/// `--timeout` for every other fault. Those must be recognised for what
/// they are, not cut short by the clock: reading 10 MiB of a huge body in
/// a debug build on a busy 2-core machine can take longer than half a
/// second, and the trickle must *succeed* slowly.
pub const LONG_TIMEOUT: &str = "10";

/// Runs `bin -v` for [`GOOD_CODES`] and `fault`'s code against a fresh
/// faulty server, and checks what every run must show: exit 0, the good
/// codes saved byte for byte, and nothing else in the destination.
/// Returns the run and the server for the fault-specific checks.
fn run_with_fault(bin: &str, fault: Fault) -> (Run, FaultyServer) {
    let server = FaultyServer::start().expect("start the faulty server");
    let scratch = Scratch::new();
    let dest = scratch.path().join("flags");
    let base_url = server.base_url();
    let timeout = match fault {
        Fault::StallAfterHeaders | Fault::DripForever => SHORT_TIMEOUT,
        _ => LONG_TIMEOUT,
    };
    let dest_arg = dest.to_string_lossy();
    let mut args = vec!["-v", "--timeout", timeout, "-s", &base_url];
    args.extend(["--dest", &dest_arg, fault.code()]);
    args.extend(GOOD_CODES);
    let run = client::run(bin, scratch.path(), &args);
    let transcript = run.transcript();

    assert!(run.status.success(), "exit 0 expected\n{transcript}");
    for cc in GOOD_CODES {
        assert!(
            run.lines().contains(&format!("{cc} OK").as_str()),
            "{cc} OK expected\n{transcript}"
        );
        let saved = std::fs::read(dest.join(format!("{cc}.gif")))
            .unwrap_or_else(|e| panic!("{cc}.gif: {e}\n{transcript}"));
        let flag = corpus::flag_gif(cc).expect("a good code has a flag");
        assert!(saved == flag, "{cc}.gif differs from its flag\n{transcript}");
    }
    let mut expected: Vec<String> =
        GOOD_CODES.iter().map(|cc| format!("{cc}.gif")).collect();
    if fault.outcome() == Outcome::Saved {
        expected.push(format!("{}.gif", fault.code()));
        expected.sort();
    }
    assert_eq!(
        file_names(&dest),
        expected,
        "the destination holds exactly the saved flags\n{transcript}"
    );
    (run, server)
}

/// `fault` is counted as one ERROR whose `-v` line names the cause; the
/// good codes of the same run are saved as if nothing happened; no file or
/// temporary file is left for the fault's code. For the endless and huge
/// bodies, the client's peak memory also stays far below the body.
pub fn expect_error(bin: &str, fault: Fault) {
    let (run, server) = run_with_fault(bin, fault);
    let transcript = run.transcript();
    let counts = format!(
        "--------------------\n{:3} flags downloaded.\n  1 error.\n",
        GOOD_CODES.len()
    );
    assert!(run.stdout.contains(&counts), "{counts:?} expected\n{transcript}");

    let line = run.verbose_line(fault.code());
    let cause = line
        .strip_prefix("error: ")
        .unwrap_or_else(|| panic!("an error line expected\n{transcript}"));
    match fault.outcome() {
        Outcome::Error(words) => {
            let lower = cause.to_lowercase();
            assert!(
                words.iter().any(|word| lower.contains(word)),
                "the error {cause:?} should name the cause, one of \
                 {words:?}\n{transcript}"
            );
        }
        Outcome::HttpError(expected) => {
            assert_eq!(cause, expected, "\n{transcript}");
        }
        Outcome::Saved => panic!("{fault:?} is not an error"),
    }

    if fault == Fault::RedirectLoop {
        // Bounded: flags_common::MAX_REDIRECTS is 10, so at most the first
        // request and ten redirects (a client may stop sooner on a loop).
        let followed = server.requests_for(fault.code());
        assert!(followed <= 11, "{followed} requests for a redirect loop");
    }
    if matches!(fault, Fault::EndlessBody | Fault::HugeBody) {
        expect_bounded_memory(&run);
    }
}

/// The client kept at most a few times its 10 MiB cap of the body, far
/// below the 64 MiB (or endless) body it was sent. A memory assertion, not
/// a timing one: the peak is read from the kernel after the child exits.
fn expect_bounded_memory(run: &Run) {
    let Some(max_rss_kib) = run.max_rss_kib else { return };
    let bound_kib = (HUGE_BODY / 2 / 1024) as u64;
    assert!(
        max_rss_kib < bound_kib,
        "peak memory {max_rss_kib} KiB, expected under {bound_kib} KiB\n{}",
        run.transcript()
    );
}

/// `fault` is a detour, not an error: the code is counted as OK and saved
/// byte for byte, along with the good codes.
pub fn expect_saved(bin: &str, fault: Fault) {
    assert_eq!(fault.outcome(), Outcome::Saved, "{fault:?} is an error");
    let (run, _server) = run_with_fault(bin, fault);
    let transcript = run.transcript();
    let counts = format!(
        "--------------------\n{:3} flags downloaded.\nElapsed time: ",
        GOOD_CODES.len() + 1
    );
    assert!(run.stdout.contains(&counts), "{counts:?} expected\n{transcript}");
    assert_eq!(run.verbose_line(fault.code()), "OK", "\n{transcript}");
}

/// A destination that cannot hold files ends the run with exit 1 and a
/// one-line reason on stderr, before the first request and before the
/// first report line. Two kinds are tried: a path that is a regular file,
/// and a path *under* a regular file. (The tests may run as root, for whom
/// a read-only directory is writable, so permissions cannot be used.)
pub fn expect_bad_dest_refused(bin: &str) {
    let server = FaultyServer::start().expect("start the faulty server");
    let scratch = Scratch::new();
    let file = scratch.path().join("not-a-directory");
    std::fs::write(&file, b"keep me").expect("write a file");
    for dest in [file.clone(), file.join("flags")] {
        let dest_arg = dest.to_string_lossy();
        let base_url = server.base_url();
        let args = ["-s", &base_url, "--dest", &dest_arg, "BR"];
        let run = client::run(bin, scratch.path(), &args);
        let transcript = run.transcript();
        assert_eq!(run.status.code(), Some(1), "exit 1 expected\n{transcript}");
        assert_eq!(run.stdout, "", "no report expected\n{transcript}");
        assert_eq!(
            run.stderr.lines().count(),
            1,
            "a one-line reason expected\n{transcript}"
        );
        assert!(
            run.stderr.contains(&*dest_arg),
            "the reason names the destination\n{transcript}"
        );
        assert_eq!(server.connections(), 0, "no request expected");
    }
    let kept = std::fs::read(&file).expect("the file is still there");
    assert_eq!(kept, b"keep me", "the file is left as it was");
}

/// Ctrl-C in the middle of a run against DELAY stops it cleanly: exit 130,
/// the final report counts exactly the codes that printed a `-v` line,
/// every flag reported OK is saved whole, and no other file (no partial
/// or temporary one) is left behind.
///
/// The signal is sent once the client has printed its first `OK` line, so
/// it lands mid-run by construction, with no sleep: from there on the
/// delays (up to 1 s each) leave most of the 194 codes still to do.
pub fn expect_interrupt_report(bin: &str) {
    let config = crate::Config {
        min_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(1000),
        error_rate: 0.0,
        seed: Some(9),
        ..crate::Config::default()
    };
    let server = crate::TestServer::start(config).expect("start DELAY");
    let scratch = Scratch::new();
    let dest = scratch.path().join("flags");
    let dest_arg = dest.to_string_lossy();
    let base_url = server.base_url(crate::Kind::Delay);
    let mut args = vec!["-v", "-a", "--timeout", LONG_TIMEOUT];
    args.extend(["-s", &base_url, "--dest", &dest_arg]);
    let mut client = Running::spawn(bin, scratch.path(), &args);
    while let Some(line) = client.next_line() {
        if line.ends_with(" OK") {
            break;
        }
    }
    client.interrupt();
    let run = client.wait();
    let transcript = run.transcript();

    assert_eq!(run.status.code(), Some(130), "exit 130 expected\n{transcript}");
    let per_code = run.verbose_lines();
    let ok: Vec<&str> = per_code
        .iter()
        .filter(|line| line.ends_with(" OK"))
        .map(|line| &line[..2])
        .collect();
    assert!(
        !ok.is_empty() && per_code.len() < 194,
        "the run should stop in the middle\n{transcript}"
    );
    let plural = if ok.len() == 1 { "" } else { "s" };
    let downloaded = format!("{:3} flag{plural} downloaded.", ok.len());
    assert!(
        run.lines().contains(&downloaded.as_str()),
        "{downloaded:?} expected in the final report\n{transcript}"
    );
    assert!(run.stdout.contains("Elapsed time: "), "\n{transcript}");
    let mut expected: Vec<String> =
        ok.iter().map(|cc| format!("{cc}.gif")).collect();
    expected.sort();
    assert_eq!(
        file_names(&dest),
        expected,
        "exactly the flags reported OK, and no temporary file\n{transcript}"
    );
    for cc in &ok {
        let saved = std::fs::read(dest.join(format!("{cc}.gif")));
        let flag = corpus::flag_gif(cc).expect("a code of -a has a flag");
        assert!(saved.ok() == Some(flag.to_vec()), "{cc}.gif is not whole");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each fault has its own `X?` code, and the code leads back to it.
    #[test]
    fn every_fault_has_its_own_private_use_code() {
        for fault in Fault::ALL {
            assert!(fault.code().starts_with('X'), "{fault:?}");
            assert_eq!(corpus::flag_gif(fault.code()), None, "{fault:?}");
            assert_eq!(Fault::from_code(fault.code()), Some(fault));
            let lower = fault.code().to_ascii_lowercase();
            assert_eq!(Fault::from_code(&lower), Some(fault));
        }
        assert_eq!(Fault::from_code("BR"), None);
    }

    /// Only `/flags/<cc>/<cc>.gif`, the same code twice, is a flag path.
    #[test]
    fn flag_code_reads_only_flag_paths() {
        assert_eq!(flag_code("/flags/br/br.gif").as_deref(), Some("BR"));
        assert_eq!(flag_code("/flags/br/jp.gif"), None);
        assert_eq!(flag_code("/flags/br/metadata.json"), None);
        assert_eq!(flag_code("/flags/bra/bra.gif"), None);
        assert_eq!(flag_code("/stats"), None);
    }

    /// The checks are not vacuous: a "client" that downloads nothing and
    /// prints nothing fails them.
    #[test]
    #[cfg(unix)]
    #[should_panic(expected = "OK expected")]
    fn expect_error_rejects_a_client_that_does_nothing() {
        expect_error("true", Fault::TruncatedBody);
    }
}
