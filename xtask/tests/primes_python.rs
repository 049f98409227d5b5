//! Tests of `cargo xtask compare primes --python DIR`, the book's
//! `proc_pool.py` beside our `primes`.
//!
//! The real `proc_pool.py` takes a minute of CPU, and a debug `primes`
//! several seconds, so these tests stand in for both: a `primes` that only
//! prints its last line, and a `proc_pool.py` that prints, as its total
//! time, a number saying which executor class it was handed and how many
//! workers. What they pin is how xtask runs the book's file, not how fast
//! anything is.

#[cfg(unix)]
use std::fs;
#[cfg(unix)]
use std::path::Path;
use std::process::{Command, Output};

#[cfg(unix)]
use serde_json::Value;

/// Runs `xtask compare primes ARGS`.
fn compare_primes(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["compare", "primes"])
        .args(args)
        .output()
        .expect("xtask runs")
}

/// `--python DIR` without the book's files stops before anything runs,
/// and names what it looked for. No Python is needed to see it.
#[test]
fn python_dir_without_proc_pool_is_refused_first() {
    let empty = tempfile::tempdir().unwrap();
    let bin = tempfile::tempdir().unwrap();
    let output = compare_primes(&[
        "--bin-dir",
        bin.path().to_str().unwrap(),
        "--python",
        empty.path().to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("proc_pool.py") && stderr.contains("primes.py"),
        "{stderr}"
    );
    // Neither the missing `primes` binary nor any run came first.
    assert!(!stderr.contains("not built"), "{stderr}");
    assert!(!stderr.contains("running"), "{stderr}");
}

/// A `proc_pool.py` that reports, as its "Total time", 10 for a process
/// pool or 0 for a thread pool, plus its number of workers.
#[cfg(unix)]
const FAKE_PROC_POOL: &str = "\
import sys
from concurrent import futures
from primes import NUMBERS
executor = futures.ProcessPoolExecutor(int(sys.argv[1]))
kind = 10 if type(executor).__name__ == 'ProcessPoolExecutor' else 0
print(f'Checking {len(NUMBERS)} numbers')
print(f'Total time: {kind + executor._max_workers}.00s')
";

/// The Python rows run the book's file on processes as written, on
/// threads put in its place, and on one thread; each row's ratio is to
/// Python's own sequential run.
#[cfg(unix)]
#[test]
fn python_rows_get_processes_threads_and_one_thread() {
    use std::os::unix::fs::PermissionsExt;

    if Command::new("python3").arg("--version").output().is_err() {
        eprintln!("no python3 on PATH: this test needs one, and did nothing");
        return;
    }
    let book = tempfile::tempdir().unwrap();
    fs::write(book.path().join("proc_pool.py"), FAKE_PROC_POOL).unwrap();
    fs::write(book.path().join("primes.py"), "NUMBERS = [2, 3]\n").unwrap();
    let bin = tempfile::tempdir().unwrap();
    let primes = bin.path().join("primes");
    fs::write(&primes, "#!/bin/sh\necho 'Total time: 0.50s'\n").unwrap();
    fs::set_permissions(&primes, fs::Permissions::from_mode(0o755)).unwrap();

    let output = compare_primes(&[
        "2",
        "--json",
        "--bin-dir",
        path(bin.path()),
        "--python",
        path(book.path()),
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let rows: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    let python: Vec<(&str, u64, f64, f64)> = rows
        .iter()
        .filter(|r| r["language"] == "Python")
        .map(|r| {
            (
                r["executor"].as_str().unwrap(),
                r["workers"].as_u64().unwrap(),
                r["total"]["median"].as_f64().unwrap(),
                r["vs_sequential"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        python,
        [
            ("sequential", 1, 1.0, 1.0),
            ("threads", 2, 2.0, 2.0),
            ("processes", 2, 12.0, 12.0),
        ]
    );
    let rust = rows.iter().filter(|r| r["language"] == "Rust").count();
    assert_eq!(rust, 3);
}

#[cfg(unix)]
fn path(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 temporary path")
}
