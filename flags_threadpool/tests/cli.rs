//! End-to-end tests of `flags_threadpool` against the workspace's own test
//! server: the runs of `flags2_threadpool.py` the chapter shows, checked
//! by their report, the files saved, and what the server saw.
//!
//! Each test starts its own `flags_server::TestServer` on port 0, with
//! millisecond delays and a fixed seed, and runs the real binary with
//! `-s <that server's URL>` in an empty directory. `flags_asyncio`'s
//! `tests/cli.rs` is this file with another binary.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus};
use std::time::Duration;

use flags_server::{Config, Kind, Stats, TestServer, corpus};

/// The binary under test: `python3 flags2_threadpool.py` in the book.
const BIN: &str = env!("CARGO_BIN_EXE_flags_threadpool");

/// The `-v` line of a code the ERROR server answered with 418, after
/// `CC error: `: exactly what this client prints.
const TEAPOT: &str = "HTTP error 418 - I'm a Teapot";

/// `-m` when none is given.
const DEFAULT_M: &str = "30 concurrent connections will be used.";

/// A test's server, and an empty directory to run the client in.
struct Fixture {
    server: TestServer,
    kind: Kind,
    cwd: tempfile::TempDir,
}

/// What one run of the binary printed, and how it ended.
#[derive(Debug)]
struct Run {
    status: ExitStatus,
    stdout: String,
    stderr: String,
}

impl Fixture {
    /// LOCAL, DELAY or ERROR with `config`.
    fn with(kind: Kind, config: Config) -> Fixture {
        // The server draws each flag on first request; drawing all 194 now,
        // once per test process, keeps that out of the runs under test.
        corpus::warm_up();
        Fixture {
            server: TestServer::start(config).expect("the test server starts"),
            kind,
            cwd: tempfile::tempdir().expect("a temporary directory"),
        }
    }

    /// DELAY with every delay between `min_ms` and `max_ms` milliseconds.
    fn delay(min_ms: u64, max_ms: u64) -> Fixture {
        let config = Config {
            min_delay: Duration::from_millis(min_ms),
            max_delay: Duration::from_millis(max_ms),
            ..Config::fast()
        };
        Fixture::with(Kind::Delay, config)
    }

    fn base_url(&self) -> String {
        self.server.base_url(self.kind)
    }

    /// Runs `BIN -s <base URL> ARGS...` in the test's directory.
    fn run(&self, args: &[&str]) -> Run {
        let output = Command::new(BIN)
            .args(["-s", &self.base_url()])
            .args(args)
            .current_dir(self.cwd.path())
            // Tracing events would mix with the lines under test.
            .env_remove("RUST_LOG")
            .output()
            .expect("the client binary runs");
        let run = Run {
            status: output.status,
            stdout: String::from_utf8(output.stdout).expect("UTF-8 stdout"),
            stderr: String::from_utf8(output.stderr).expect("UTF-8 stderr"),
        };
        assert_eq!(run.status.code(), Some(0), "{run:?}");
        run
    }

    /// Where the client saves flags by default: `./downloaded`.
    fn dest(&self) -> PathBuf {
        self.cwd.path().join("downloaded")
    }

    fn stats(&self) -> Stats {
        self.server.stats(self.kind)
    }
}

impl Run {
    /// The three counts of the final report: downloaded, not found, errors.
    fn counts(&self) -> [usize; 3] {
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

    /// The `-v` lines, sorted: workers finish in any order.
    fn verbose_lines(&self) -> Vec<&str> {
        let mut lines: Vec<&str> = self
            .stdout
            .lines()
            .filter(|line| line.len() > 3 && line.as_bytes()[2] == b' ')
            .filter(|line| line[..2].bytes().all(|b| b.is_ascii_uppercase()))
            .collect();
        lines.sort();
        lines
    }
}

/// How many requests of a run the server answered with `status`.
fn answered(stats: &Stats, status: u16) -> usize {
    let count = stats.by_status.get(&status).copied().unwrap_or(0);
    usize::try_from(count).expect("a small count")
}

/// Checks that `dest` holds exactly the flags of `codes`, each the very
/// bytes the server's corpus served, and nothing else (no temporary file).
fn assert_saved_exactly(dest: &Path, codes: &[&str]) {
    let mut expected: Vec<String> =
        codes.iter().map(|cc| format!("{cc}.gif")).collect();
    expected.sort();
    let mut names: Vec<String> = std::fs::read_dir(dest)
        .expect("the destination can be read")
        .map(|entry| {
            let entry = entry.expect("a directory entry");
            entry.file_name().to_string_lossy().into_owned()
        })
        .collect();
    names.sort();
    assert_eq!(names, expected);
    for cc in codes {
        let saved = std::fs::read(dest.join(format!("{cc}.gif")))
            .expect("the saved flag can be read");
        let served = corpus::flag_gif(cc).expect("a flag in the corpus");
        assert!(saved == served, "{cc}.gif differs from the served image");
    }
}

/// `-e` asks for all 676 codes on the default number of threads: the 194
/// flags are saved byte for byte, the other 482 are "not found".
#[test]
fn every_finds_194_flags_and_482_not_found() {
    let fx = Fixture::with(Kind::Local, Config::fast());
    let run = fx.run(&["-e"]);
    assert!(
        run.stdout.contains(&format!(
            "Searching for 676 flags: from AA to ZZ\n{DEFAULT_M}\n\
             --------------------\n\
             194 flags downloaded.\n\
             482 not found.\n\
             Elapsed time: "
        )),
        "{run:?}"
    );
    let all: Vec<&str> = corpus::codes().collect();
    assert_saved_exactly(&fx.dest(), &all);
    assert_eq!(answered(&fx.stats(), 404), 482);
}

/// `-v` prints one line per code, as each finishes, instead of the bar.
#[test]
fn verbose_prints_one_line_per_code() {
    let fx = Fixture::with(Kind::Local, Config::fast());
    let run = fx.run(&["-v", "BR", "ZZ", "JP"]);
    let base_url = fx.base_url();
    let not_found = format!("ZZ not found: {base_url}/zz/zz.gif");
    assert_eq!(run.verbose_lines(), ["BR OK", "JP OK", not_found.as_str()]);
    assert!(run.stdout.contains("3 concurrent connections will be used."));
    assert_eq!(run.counts(), [2, 1, 0]);
    // Without a terminal there is no progress bar either: stderr is quiet.
    assert_eq!(run.stderr, "");
}

/// Against ERROR (fixed seed, millisecond delays) some codes fail with
/// 418; every code is counted once, the counts agree with what the server
/// answered, each 418 has its `-v` line, and only OK codes are saved.
#[test]
fn error_server_counts_add_up_to_the_codes_asked() {
    let fx = Fixture::with(Kind::Error, Config::fast());
    // A, B and C: 78 codes, some with flags and some without.
    let run = fx.run(&["-v", "-m", "10", "A", "B", "C"]);
    let [ok, not_found, errors] = run.counts();
    assert_eq!(ok + not_found + errors, 78, "{run:?}");
    assert!(errors > 0, "seed 42 and rate 0.25 give some 418s");
    let stats = fx.stats();
    assert_eq!(ok, answered(&stats, 200));
    assert_eq!(not_found, answered(&stats, 404));
    assert_eq!(errors, answered(&stats, 418));
    let lines = run.verbose_lines();
    let teapots = lines
        .iter()
        .filter(|line| line[2..] == format!(" error: {TEAPOT}"))
        .count();
    assert_eq!(teapots, errors, "{run:?}");
    let saved: Vec<&str> =
        lines.iter().filter_map(|line| line.strip_suffix(" OK")).collect();
    assert_eq!(saved.len(), ok);
    assert_saved_exactly(&fx.dest(), &saved);
}

/// `-m 7` puts at most 7 requests in flight, and with delays long enough
/// to overlap and more codes than threads, exactly 7.
#[test]
fn peak_in_flight_is_exactly_m() {
    let fx = Fixture::delay(20, 40);
    let run = fx.run(&["-m", "7", "-e", "-l", "70"]);
    assert!(run.stdout.contains("\n7 concurrent connections will be used."));
    assert_eq!(run.counts().iter().sum::<usize>(), 70);
    let stats = fx.stats();
    assert_eq!(stats.requests, 70);
    assert_eq!(stats.peak_in_flight, 7);
}

/// `-m 1000 -e` starts one thread per code (676, fewer than 1000): every
/// request is in flight at once, none fails, and the counts are right.
#[test]
fn thousand_threads_put_all_676_codes_in_flight() {
    // Delays long enough that all 676 requests arrive before the first
    // answer, even on a busy machine, and a timeout far beyond them.
    let fx = Fixture::delay(2500, 3000);
    let run = fx.run(&["-m", "1000", "-e", "--timeout", "20"]);
    assert!(run.stdout.contains("\n676 concurrent connections will be used."));
    assert_eq!(run.counts(), [194, 482, 0], "{run:?}");
    let stats = fx.stats();
    assert_eq!(stats.requests, 676);
    assert_eq!(stats.peak_in_flight, 676);
}
