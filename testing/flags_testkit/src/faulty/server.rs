//! The [`FaultyServer`]: a raw [`TcpListener`] that answers each fault
//! code of the table in [`faulty`](super) with its fault, and every other
//! flag as a good server would.
//!
//! It is not built on hyper like the LOCAL, DELAY and ERROR servers: a
//! correct HTTP library cannot be told to send a wrong `Content-Length` or
//! a broken chunk. It reads a request head and writes hand-made bytes.

use std::collections::BTreeMap;
use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use flags_server::corpus;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

use crate::background::Background;

use super::{
    DRIP_BYTES, DRIP_PAUSE, ENDLESS_LIMIT, Fault, GOOD_TARGET, HUGE_BODY, STALL,
};

/// How many bytes `TrickledBody` writes at a time, and the pause after each.
const TRICKLE_PIECE: usize = 16;
const TRICKLE_PAUSE: Duration = Duration::from_millis(1);

/// The longest request head the server reads before giving up on it.
const MAX_HEAD: usize = 16 * 1024;

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
    /// The server's thread, stopped when this is dropped.
    _background: Background,
}

impl FaultyServer {
    /// Binds `127.0.0.1:0` and starts serving on a thread of its own.
    pub fn start() -> io::Result<FaultyServer> {
        // Bound here, not on the server thread, so a bind error reaches the
        // caller and the port is known before `start` returns.
        let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let seen = Arc::new(Seen::default());
        let background = Background::spawn("faulty-server", {
            let seen = Arc::clone(&seen);
            move |stop| async move {
                match TcpListener::from_std(listener) {
                    Ok(listener) => accept(listener, seen, stop).await,
                    Err(error) => eprintln!("faulty server: {error}"),
                }
            }
        })?;
        Ok(FaultyServer { addr, seen, _background: background })
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Only `/flags/<cc>/<cc>.gif`, the same code twice, is a flag path.
    #[test]
    fn flag_code_reads_only_flag_paths() {
        assert_eq!(flag_code("/flags/br/br.gif").as_deref(), Some("BR"));
        assert_eq!(flag_code("/flags/br/jp.gif"), None);
        assert_eq!(flag_code("/flags/br/metadata.json"), None);
        assert_eq!(flag_code("/flags/bra/bra.gif"), None);
        assert_eq!(flag_code("/stats"), None);
    }
}
