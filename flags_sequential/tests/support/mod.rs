//! Helpers shared by the end-to-end tests of `flags_sequential`: run the
//! real binary the way a user would, and read what it printed and saved.
//!
//! Each file under `tests/` is its own test binary and uses only some of
//! these helpers, hence the `dead_code` allowance below.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, ExitStatus};

/// The binary Cargo built for these tests: the program the book runs as
/// `python3 flags2_sequential.py`.
pub const BIN: &str = env!("CARGO_BIN_EXE_flags_sequential");

/// The usage line that follows every `*** Usage error` message.
pub const USAGE: &str = "Usage: flags_sequential [OPTIONS] [CC]...";

/// What one run of the binary left behind on the terminal.
#[derive(Debug)]
pub struct Run {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// The exit code; `None` only if a signal killed the process.
    pub fn code(&self) -> Option<i32> {
        self.status.code()
    }
}

/// Runs the binary with `args`, in `cwd` (so the default `--dest`,
/// `downloaded`, lands in a directory the test owns).
pub fn run_in(cwd: &Path, args: &[&str]) -> Run {
    let output = Command::new(BIN)
        .args(args)
        .current_dir(cwd)
        // Tracing events would mix with the lines under test.
        .env_remove("RUST_LOG")
        .output()
        .expect("the flags_sequential binary runs");
    Run {
        status: output.status,
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    }
}

/// The report with the one value that changes from run to run, the
/// elapsed time, replaced by `X.XX`, so a whole report can be compared.
pub fn mask_elapsed(stdout: &str) -> String {
    stdout
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

/// The names in `dir`, sorted; hidden and temporary files included, so a
/// leftover `.BR.gif.XXXX.part` would show.
pub fn file_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("the directory can be read")
        .map(|entry| {
            let entry = entry.expect("the directory entry can be read");
            entry.file_name().to_string_lossy().into_owned()
        })
        .collect();
    names.sort();
    names
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

/// The three counts of the final report: downloaded, not found, errors.
pub fn final_counts(stdout: &str) -> [usize; 3] {
    let mut counts = [0; 3];
    for line in stdout.lines() {
        let line = line.trim_start();
        let (number, rest) = line.split_once(' ').unwrap_or(("", ""));
        let Ok(number) = number.parse::<usize>() else { continue };
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
