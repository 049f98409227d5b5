//! What the exercises' tests share: settings for a run against a test
//! server, and [`HeldServer`], a flag server that holds the answers for
//! some codes until the test releases them, so a test can decide when a
//! slow flag arrives instead of guessing with a clock.
//!
//! Each test file is its own binary and uses part of this module only.
#![allow(dead_code, unused_imports)]

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::Path;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use flags_common::{Interrupt, Settings};
use flags_server::{Config, Kind, TestServer, corpus};

pub use flags_testkit::client::{Scratch, assert_saved_exactly};

/// How long a held answer waits for its release before the server sends
/// it anyway. Only a wrong answer ever meets it (one that waits for what
/// it should give up on): it turns a hang into a failed test. It is not
/// a measure of speed: a correct answer never comes near it.
pub const GUARD: Duration = Duration::from_secs(20);

/// The book's 20 codes (`POP20_CC`), as `download_many` takes them.
pub fn pop20() -> Vec<String> {
    flags_common::POP20_CC.iter().map(|cc| cc.to_string()).collect()
}

/// Owned codes from string slices.
pub fn codes(ccs: &[&str]) -> Vec<String> {
    ccs.iter().map(|cc| cc.to_string()).collect()
}

/// The settings of a run against `base_url` with `concur_req` requests in
/// flight, saving into `dest`; a timeout longer than [`GUARD`], so only
/// the test decides when a held request ends.
pub fn settings(base_url: String, concur_req: usize, dest: &Path) -> Settings {
    Settings {
        base_url,
        verbose: false,
        concur_req,
        timeout: GUARD * 2,
        dest: dest.to_owned(),
        interrupt: Interrupt::default(),
    }
}

/// DELAY with every answer 30 to 60 ms late (seeded): long enough that a
/// concurrent client has all its requests in flight at once. The corpus
/// draws a flag on its first request: a test pays for its own flags only.
pub fn delay_server() -> TestServer {
    let config =
        Config::delays(Duration::from_millis(30), Duration::from_millis(60));
    TestServer::start(config).expect("the test server starts")
}

/// The peak of requests in flight that DELAY saw.
pub fn peak(server: &TestServer) -> u64 {
    server.stats(Kind::Delay).peak_in_flight
}

/// A flag server on a free port of 127.0.0.1 that answers at once, except
/// for the codes it was told to hold: those wait until [`release`] (or
/// [`GUARD`]). It counts requests, those in flight and held, and the peak.
///
/// [`release`]: HeldServer::release
pub struct HeldServer {
    base_url: String,
    state: Arc<Shared>,
}

struct Shared {
    counts: Mutex<Counts>,
    changed: Condvar,
}

#[derive(Default)]
struct Counts {
    held_codes: HashSet<String>,
    released: bool,
    requests: Vec<String>,
    in_flight: usize,
    peak: usize,
    held_now: usize,
}

impl HeldServer {
    /// Starts a server that holds the answers for `held` (upper case).
    pub fn start(held: &[&str]) -> HeldServer {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .expect("a free port on 127.0.0.1");
        let addr = listener.local_addr().expect("the port is known");
        let state = Arc::new(Shared {
            counts: Mutex::new(Counts {
                held_codes: held.iter().map(|cc| cc.to_string()).collect(),
                ..Counts::default()
            }),
            changed: Condvar::new(),
        });
        let shared = Arc::clone(&state);
        // The accept loop lives as long as the test binary; each test has
        // its own server, so nothing is shared between tests.
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let shared = Arc::clone(&shared);
                std::thread::spawn(move || serve(stream, &shared));
            }
        });
        HeldServer { base_url: format!("http://{addr}/flags"), state }
    }

    pub fn base_url(&self) -> String {
        self.base_url.clone()
    }

    /// Answers every held request now, and every later one at once.
    pub fn release(&self) {
        self.state.lock().released = true;
        self.state.changed.notify_all();
    }

    /// The codes requested so far, in the order the requests arrived.
    pub fn requests(&self) -> Vec<String> {
        self.state.lock().requests.clone()
    }

    /// The most requests that were in flight at once.
    pub fn peak(&self) -> usize {
        self.state.lock().peak
    }

    /// How many requests are being held right now.
    pub fn held_now(&self) -> usize {
        self.state.lock().held_now
    }

    /// Waits until `n` requests are in flight at once; false if that did
    /// not happen within [`GUARD`], or if `ended` says the client is done
    /// (then it never will). `ended` is asked every few milliseconds: a
    /// thread's end cannot wake a `Condvar`.
    pub fn wait_in_flight(&self, n: usize, ended: impl Fn() -> bool) -> bool {
        let started = Instant::now();
        let mut counts = self.state.lock();
        while counts.in_flight < n {
            if ended() || started.elapsed() > GUARD {
                return false;
            }
            let tick = Duration::from_millis(10);
            counts = self
                .state
                .changed
                .wait_timeout(counts, tick)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        true
    }
}

impl Drop for HeldServer {
    /// Lets any request still held go, so no thread of it waits on.
    fn drop(&mut self) {
        self.release();
    }
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Counts> {
        self.counts.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// One connection: requests one after another (keep-alive), each answered
/// with the corpus's flag or 404, held first if its code is held.
fn serve(stream: TcpStream, shared: &Shared) {
    let Ok(mut writer) = stream.try_clone() else { return };
    let mut reader = BufReader::new(stream);
    loop {
        let mut request_line = String::new();
        match reader.read_line(&mut request_line) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        // Skip the headers: the tests' clients send no body with a GET.
        loop {
            let mut header = String::new();
            match reader.read_line(&mut header) {
                Ok(0) | Err(_) => return,
                Ok(_) if header.trim().is_empty() => break,
                Ok(_) => {}
            }
        }
        let path = request_line.split_whitespace().nth(1).unwrap_or("");
        let cc = path
            .strip_prefix("/flags/")
            .and_then(|rest| rest.split('/').next())
            .unwrap_or("")
            .to_uppercase();
        let started = Instant::now();
        {
            let mut counts = shared.lock();
            counts.requests.push(cc.clone());
            counts.in_flight += 1;
            counts.peak = counts.peak.max(counts.in_flight);
            if counts.held_codes.contains(&cc) {
                counts.held_now += 1;
                shared.changed.notify_all();
                let left = GUARD.saturating_sub(started.elapsed());
                let (mut counts, _) = shared
                    .changed
                    .wait_timeout_while(counts, left, |counts| !counts.released)
                    .unwrap_or_else(PoisonError::into_inner);
                counts.held_now -= 1;
            } else {
                shared.changed.notify_all();
            }
        }
        let answer = match corpus::flag_gif(&cc) {
            Some(gif) => {
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: image/gif\r\n\
                     Content-Length: {}\r\n\r\n",
                    gif.len()
                );
                [head.as_bytes(), &gif].concat()
            }
            None => {
                b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n".to_vec()
            }
        };
        let written = writer.write_all(&answer).and_then(|()| writer.flush());
        {
            let mut counts = shared.lock();
            counts.in_flight -= 1;
            shared.changed.notify_all();
        }
        if written.is_err() {
            return;
        }
    }
}

/// A meeting point for the tasks of a test: each task [`enter`]s before
/// its work and [`leave`]s after it. The first tasks are held until `n`
/// are inside at once; from then on (or once [`GUARD`] has passed without
/// it), no one waits. It records the peak inside and the threads seen.
///
/// So a pool of `n` workers reaches `n` at once whatever the timing, and a
/// pool that runs fewer at once (one after another) is caught, without a
/// clock deciding either.
///
/// [`enter`]: Gate::enter
/// [`leave`]: Gate::leave
pub struct Gate {
    n: usize,
    state: Mutex<GateState>,
    changed: Condvar,
}

#[derive(Default)]
struct GateState {
    inside: usize,
    peak: usize,
    opened: bool,
    gave_up: bool,
    threads: HashSet<std::thread::ThreadId>,
}

impl Gate {
    pub fn new(n: usize) -> Gate {
        Gate { n, state: Mutex::default(), changed: Condvar::new() }
    }

    fn lock(&self) -> MutexGuard<'_, GateState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A task starts its work: wait until `n` are inside (the first time).
    pub fn enter(&self) {
        let mut state = self.lock();
        state.inside += 1;
        state.peak = state.peak.max(state.inside);
        state.threads.insert(std::thread::current().id());
        if state.inside >= self.n {
            state.opened = true;
            self.changed.notify_all();
        }
        let (mut state, timeout) = self
            .changed
            .wait_timeout_while(state, GUARD, |state| {
                !state.opened && !state.gave_up
            })
            .unwrap_or_else(PoisonError::into_inner);
        if timeout.timed_out() {
            state.gave_up = true;
        }
    }

    /// A task ends its work.
    pub fn leave(&self) {
        self.lock().inside -= 1;
    }

    /// Whether `n` tasks were ever inside at once.
    pub fn reached(&self) -> bool {
        self.lock().opened
    }

    /// The most tasks inside at once.
    pub fn peak(&self) -> usize {
        self.lock().peak
    }

    /// How many distinct threads entered.
    pub fn threads(&self) -> usize {
        self.lock().threads.len()
    }
}
