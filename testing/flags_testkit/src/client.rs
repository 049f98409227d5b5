//! Running a client binary the way a user would, and reading what it left
//! behind: the report on stdout, the `-v` lines, stderr, the exit status,
//! its peak memory, and the files it saved.
//!
//! This is the harness of the clients' end-to-end tests, the Rust side of
//! typing `python3 flags2_threadpool.py -s LOCAL ...` in the chapter and
//! looking at the terminal and the `downloaded/` folder.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, ExitStatus, Stdio};
use std::thread::JoinHandle;
use std::time::Duration;

use flags_server::{Config, Kind, Stats, TestServer, corpus};

use crate::rusage;

// ---------------------------------------------------------------------
// A server and a directory for one test
// ---------------------------------------------------------------------

/// A test's client binary, its server, and an empty directory to run the
/// client in. Each test makes its own, so tests run in parallel without
/// sharing counters or files.
pub struct Fixture {
    bin: &'static str,
    server: TestServer,
    kind: Kind,
    cwd: Scratch,
}

impl Fixture {
    /// `bin` against LOCAL, DELAY or ERROR with `config`.
    pub fn with(bin: &'static str, kind: Kind, config: Config) -> Fixture {
        // The server draws each flag on first request; drawing all 194 now,
        // once per test process, keeps that out of the runs under test.
        corpus::warm_up();
        Fixture {
            bin,
            server: TestServer::start(config).expect("the test server starts"),
            kind,
            cwd: Scratch::new(),
        }
    }

    /// `bin` against LOCAL, which answers at once.
    pub fn local(bin: &'static str) -> Fixture {
        Fixture::with(bin, Kind::Local, Config::fast())
    }

    /// `bin` against DELAY, every delay between `min_ms` and `max_ms`
    /// milliseconds.
    pub fn delay(bin: &'static str, min_ms: u64, max_ms: u64) -> Fixture {
        let config = Config::delays(
            Duration::from_millis(min_ms),
            Duration::from_millis(max_ms),
        );
        Fixture::with(bin, Kind::Delay, config)
    }

    /// The URL given to the client with `-s`.
    pub fn base_url(&self) -> String {
        self.server.base_url(self.kind)
    }

    /// The directory the client runs in.
    pub fn cwd(&self) -> &Path {
        self.cwd.path()
    }

    /// Where the client saves flags by default: `./downloaded`.
    pub fn dest(&self) -> PathBuf {
        self.cwd().join("downloaded")
    }

    /// Runs `BIN -s <base URL> ARGS...` in the test's directory, whatever
    /// its exit status.
    pub fn run(&self, args: &[&str]) -> Run {
        let base_url = self.base_url();
        let mut all_args = vec!["-s", base_url.as_str()];
        all_args.extend_from_slice(args);
        run(self.bin, self.cwd(), &all_args)
    }

    /// [`run`](Fixture::run), and checks that the run completed: exit 0.
    pub fn run_ok(&self, args: &[&str]) -> Run {
        let run = self.run(args);
        assert_eq!(
            run.code(),
            Some(0),
            "exit 0 expected\n{}",
            run.transcript()
        );
        run
    }

    /// The report the book prints for `middle` (from `Searching for` to
    /// the last count), as [`Run::masked`] shows it: `CUSTOM site:` and
    /// this server's URL first, the elapsed time masked last.
    pub fn report(&self, middle: &str) -> String {
        let base_url = self.base_url();
        format!("CUSTOM site: {base_url}\n{middle}Elapsed time: X.XXs\n")
    }

    /// Runs `args` like [`run_ok`](Fixture::run_ok) and checks the whole
    /// report against [`report`](Fixture::report)`(middle)`.
    pub fn expect_report(&self, args: &[&str], middle: &str) -> Run {
        let run = self.run_ok(args);
        assert_eq!(run.masked(), self.report(middle), "{}", run.transcript());
        run
    }

    /// What the server has seen so far.
    pub fn stats(&self) -> Stats {
        self.server.stats(self.kind)
    }

    /// How many requests the server answered with `status`.
    pub fn answered(&self, status: u16) -> usize {
        let count = self.stats().by_status.get(&status).copied().unwrap_or(0);
        usize::try_from(count).expect("a small count")
    }

    /// The paths the server was asked for, in the order they arrived.
    pub fn requested_paths(&self) -> Vec<String> {
        self.stats().records.into_iter().map(|r| r.path).collect()
    }
}

/// A fresh directory for one run, removed when dropped: a
/// [`tempfile::TempDir`] whose creation cannot fail the test quietly.
pub struct Scratch(tempfile::TempDir);

impl Scratch {
    pub fn new() -> Scratch {
        let dir = tempfile::Builder::new()
            .prefix("flags-test-")
            .tempdir()
            .expect("create a scratch directory");
        Scratch(dir)
    }

    pub fn path(&self) -> &Path {
        self.0.path()
    }
}

impl Default for Scratch {
    fn default() -> Self {
        Scratch::new()
    }
}

/// A base URL on a loopback port where nothing listens: the port was
/// free a moment ago, and the OS does not hand it out again at once.
pub fn closed_base_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("a free loopback port");
    let port = listener.local_addr().expect("a bound address").port();
    drop(listener);
    format!("http://127.0.0.1:{port}/flags")
}

// ---------------------------------------------------------------------
// What a run printed
// ---------------------------------------------------------------------

/// What one run of a client printed and how it ended.
#[derive(Debug)]
pub struct Run {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
    /// The child's peak resident memory in KiB, where the platform says.
    pub max_rss_kib: Option<u64>,
}

impl Run {
    /// The exit code; `None` only if a signal killed the process.
    pub fn code(&self) -> Option<i32> {
        self.status.code()
    }

    /// The lines of stdout.
    pub fn lines(&self) -> Vec<&str> {
        self.stdout.lines().collect()
    }

    /// Everything the run printed, for assertion messages.
    pub fn transcript(&self) -> String {
        format!(
            "status: {:?}\n--- stdout\n{}--- stderr\n{}",
            self.status, self.stdout, self.stderr
        )
    }

    /// Stdout with the one value that changes from run to run, the
    /// elapsed time, replaced by `X.XX`, so a whole report can be compared.
    /// The time itself must be `N.NNs`, as the book prints it.
    pub fn masked(&self) -> String {
        self.stdout
            .lines()
            .map(|line| match line.strip_prefix("Elapsed time: ") {
                Some(value) => {
                    let seconds = value.strip_suffix('s').unwrap_or(value);
                    let (whole, cents) =
                        seconds.split_once('.').unwrap_or((seconds, ""));
                    let well_formed = !whole.is_empty()
                        && whole.bytes().all(|b| b.is_ascii_digit())
                        && cents.len() == 2
                        && cents.bytes().all(|b| b.is_ascii_digit());
                    assert!(well_formed, "not N.NNs: {line:?}");
                    "Elapsed time: X.XXs\n".to_owned()
                }
                None => format!("{line}\n"),
            })
            .collect()
    }

    /// The three counts of the final report: downloaded, not found, errors
    /// (0 for a line the report leaves out).
    pub fn counts(&self) -> [usize; 3] {
        let mut counts = [0; 3];
        for line in self.stdout.lines() {
            let line = line.trim_start();
            let Some((number, rest)) = line.split_once(' ') else { continue };
            let Ok(number) = number.parse() else { continue };
            let slot = match rest {
                "flag downloaded." | "flags downloaded." => 0,
                "not found." => 1,
                "error." | "errors." => 2,
                _ => continue,
            };
            counts[slot] = number;
        }
        counts
    }

    /// The `-v` lines (`BR OK`, `ZZ not found: ...`, `CD error: ...`), in
    /// the order they were printed.
    pub fn verbose_lines(&self) -> Vec<&str> {
        self.stdout
            .lines()
            .filter(|line| line.len() > 3 && line.as_bytes()[2] == b' ')
            .filter(|line| line[..2].bytes().all(|b| b.is_ascii_uppercase()))
            .collect()
    }

    /// The `-v` line of `cc`, without the `CC ` prefix; there must be
    /// exactly one.
    pub fn verbose_line(&self, cc: &str) -> &str {
        let prefix = format!("{cc} ");
        let lines: Vec<&str> = self
            .verbose_lines()
            .into_iter()
            .filter(|line| line.starts_with(&prefix))
            .collect();
        assert_eq!(
            lines.len(),
            1,
            "exactly one -v line for {cc}\n{}",
            self.transcript()
        );
        &lines[0][prefix.len()..]
    }
}

// ---------------------------------------------------------------------
// What a run saved
// ---------------------------------------------------------------------

/// The names in `dir`, sorted; hidden and temporary files included, so a
/// leftover `.BR.gif.XXXX.part` would show. The directory must exist.
pub fn file_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{} cannot be read: {e}", dir.display()))
        .map(|entry| {
            let entry = entry.expect("the directory entry can be read");
            entry.file_name().to_string_lossy().into_owned()
        })
        .collect();
    names.sort();
    names
}

/// Checks that `dest` holds exactly the flags of `codes`, each the very
/// bytes the server's corpus served, and nothing else (no temporary file).
pub fn assert_saved_exactly(dest: &Path, codes: &[&str]) {
    let mut expected: Vec<String> =
        codes.iter().map(|cc| format!("{cc}.gif")).collect();
    expected.sort();
    assert_eq!(file_names(dest), expected, "in {}", dest.display());
    for cc in codes {
        let saved = std::fs::read(dest.join(format!("{cc}.gif")))
            .expect("the saved flag can be read");
        let served = corpus::flag_gif(cc).expect("a flag in the corpus");
        assert!(saved == served, "{cc}.gif differs from the served image");
    }
}

// ---------------------------------------------------------------------
// Running a binary
// ---------------------------------------------------------------------

/// Runs `bin` with `args` in `cwd` to the end.
pub fn run(bin: &str, cwd: &Path, args: &[&str]) -> Run {
    Running::spawn(bin, cwd, args).wait()
}

/// A client process whose stdout is read line by line while it runs.
pub struct Running {
    child: Child,
    stdout: BufReader<ChildStdout>,
    seen: String,
    stderr: JoinHandle<String>,
}

impl Running {
    /// Starts `bin` with `args` in `cwd`, with piped output.
    pub fn spawn(bin: &str, cwd: &Path, args: &[&str]) -> Running {
        let mut child = Command::new(bin)
            .args(args)
            .current_dir(cwd)
            // Tracing events would mix with the lines under test.
            .env_remove("RUST_LOG")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|error| panic!("cannot start {bin}: {error}"));
        let stdout = child.stdout.take().expect("stdout is piped");
        let mut stderr = child.stderr.take().expect("stderr is piped");
        // stderr is drained on its own thread so that a chatty child can
        // never block on a full pipe while we wait on its stdout.
        let stderr = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = stderr.read_to_string(&mut text);
            text
        });
        Running {
            child,
            stdout: BufReader::new(stdout),
            seen: String::new(),
            stderr,
        }
    }

    /// The next line of stdout, without its newline; `None` at the end.
    pub fn next_line(&mut self) -> Option<String> {
        let mut line = String::new();
        match self.stdout.read_line(&mut line) {
            Ok(0) | Err(_) => None,
            Ok(_) => {
                self.seen.push_str(&line);
                Some(line.trim_end_matches('\n').to_owned())
            }
        }
    }

    /// Sends SIGINT, as Ctrl-C in a terminal does.
    pub fn interrupt(&self) {
        signal_interrupt(&self.child);
    }

    /// Reads the rest of the output and waits for the exit.
    pub fn wait(mut self) -> Run {
        while self.next_line().is_some() {}
        let (status, max_rss_kib) = wait_with_rusage(&mut self.child);
        let stderr = self.stderr.join().unwrap_or_default();
        Run { status, stdout: self.seen, stderr, max_rss_kib }
    }
}

/// Waits for `child`, as [`Running::wait`] needs: its status and its peak
/// memory, where the platform says.
fn wait_with_rusage(child: &mut Child) -> (ExitStatus, Option<u64>) {
    rusage::wait_with_max_rss(child)
        .unwrap_or_else(|error| panic!("cannot wait for the client: {error}"))
}

/// Sends SIGINT to `child`, which is not reaped yet (its stdout is still
/// being read), so the pid is still its own.
#[cfg(unix)]
fn signal_interrupt(child: &Child) {
    let pid = libc::pid_t::try_from(child.id()).expect("a pid fits a pid_t");
    // SAFETY: `kill` takes plain integers and touches no memory of ours.
    let sent = unsafe { libc::kill(pid, libc::SIGINT) };
    assert_eq!(sent, 0, "kill -INT: {}", std::io::Error::last_os_error());
}

#[cfg(not(unix))]
fn signal_interrupt(_child: &Child) {
    panic!("Ctrl-C is sent with SIGINT, which this platform does not have");
}
