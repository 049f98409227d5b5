//! A bare HTTP/1.1 client for the server's tests: it writes exactly the
//! bytes a test gives it (real clients clean up `..` and `%2e` before they
//! send, which would hide what the server does with them) and reads back
//! the status line, headers and body as the server sent them, reason
//! phrase included.

#![allow(dead_code)] // each test file uses a different part

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// A response as it came off the wire.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub reason: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// One keep-alive connection.
pub struct Conn {
    reader: BufReader<TcpStream>,
}

impl Conn {
    pub fn open(addr: SocketAddr) -> io::Result<Conn> {
        let stream = TcpStream::connect(addr)?;
        // A safety net so a broken server fails the test instead of
        // hanging it; no test relies on this timing.
        stream.set_read_timeout(Some(Duration::from_secs(30)))?;
        Ok(Conn { reader: BufReader::new(stream) })
    }

    /// Sends raw bytes.
    pub fn send(&mut self, raw: &[u8]) -> io::Result<()> {
        self.reader.get_mut().write_all(raw)
    }

    /// `METHOD path` with a Host header, keeping the connection open.
    pub fn request(&mut self, method: &str, path: &str) -> io::Result<Reply> {
        let head = format!("{method} {path} HTTP/1.1\r\nHost: test\r\n\r\n");
        self.send(head.as_bytes())?;
        self.read_reply(method == "HEAD")
    }

    /// Reads one response; `head` says the request was HEAD (no body).
    pub fn read_reply(&mut self, head: bool) -> io::Result<Reply> {
        let mut line = String::new();
        if self.reader.read_line(&mut line)? == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        let mut parts = line.trim_end().splitn(3, ' ');
        let _version = parts.next();
        let status = parts
            .next()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| io::Error::other(format!("bad status: {line}")))?;
        let reason = parts.next().unwrap_or("").to_owned();
        let mut headers = Vec::new();
        loop {
            let mut line = String::new();
            self.reader.read_line(&mut line)?;
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            let (name, value) = line.split_once(':').unwrap_or((line, ""));
            headers.push((name.to_owned(), value.trim().to_owned()));
        }
        let mut reply = Reply { status, reason, headers, body: Vec::new() };
        let length: usize = reply
            .header("content-length")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        if !head {
            reply.body.resize(length, 0);
            self.reader.read_exact(&mut reply.body)?;
        }
        Ok(reply)
    }

    /// Reads until the server closes; `Ok(bytes)` if it closed cleanly.
    pub fn read_to_close(&mut self) -> io::Result<Vec<u8>> {
        let mut rest = Vec::new();
        self.reader.read_to_end(&mut rest)?;
        Ok(rest)
    }
}

/// A GET on a fresh connection.
pub fn get(addr: SocketAddr, path: &str) -> Reply {
    let mut conn = Conn::open(addr).expect("the server accepts");
    conn.request("GET", path).expect("the server answers")
}
