//! The chapter's first programs as their example binaries: `flags.py`
//! and `download_many_process_pool`, checked by what they print and save.
//!
//! Each run downloads from a `flags_server::TestServer` on port 0
//! (`FLAGS_BASE_URL` points the example at it), in an empty directory of
//! its own.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Mutex, PoisonError};

use flags_server::{Config, Kind, TestServer, corpus};

/// The 20 codes of `flags.py`, sorted.
const POP20_SORTED: [&str; 20] = [
    "BD", "BR", "CD", "CN", "DE", "EG", "ET", "FR", "ID", "IN", "IR", "JP",
    "MX", "NG", "PH", "PK", "RU", "TR", "US", "VN",
];

/// The example binary `name` of this package. `cargo test` builds the
/// examples into `target/<profile>/examples/`, beside the `deps/` folder
/// this test runs from; `cargo test --test examples` builds none, so a
/// missing one is built here (one that exists is trusted to be current).
fn example(name: &str) -> PathBuf {
    let test_exe = std::env::current_exe().expect("the test binary's path");
    let profile_dir = test_exe
        .parent()
        .and_then(Path::parent)
        .expect("the test binary is in target/<profile>/deps");
    let exe = format!("{name}{}", std::env::consts::EXE_SUFFIX);
    let path = profile_dir.join("examples").join(exe);
    // One build at a time: tests run in parallel, and the second one to
    // find the binary missing should find it built instead.
    static BUILDING: Mutex<()> = Mutex::new(());
    let _building = BUILDING.lock().unwrap_or_else(PoisonError::into_inner);
    if !path.exists() {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut build = Command::new(cargo);
        build.args(["build", "-p", env!("CARGO_PKG_NAME"), "--example", name]);
        if profile_dir.ends_with("release") {
            build.arg("--release");
        }
        // Cargo gave this test its package's CARGO_PKG_NAME, OUT_DIR...;
        // some build scripts (ring's) rebuild when those change, so the
        // inner cargo must not see them, or every build after it would
        // rebuild them back.
        for (key, _) in std::env::vars_os() {
            let key_str = key.to_string_lossy();
            if key_str.starts_with("CARGO_PKG_")
                || key_str.starts_with("CARGO_MANIFEST_")
                || ["CARGO_CRATE_NAME", "CARGO_PRIMARY_PACKAGE", "OUT_DIR"]
                    .contains(&&*key_str)
            {
                build.env_remove(&key);
            }
        }
        let status = build.status().expect("cargo runs");
        assert!(status.success(), "cargo build --example {name} failed");
    }
    path
}

/// Runs example `name` in `cwd`, downloading from `server`'s LOCAL.
fn run_flags_example(name: &str, server: &TestServer, cwd: &Path) -> String {
    let output = Command::new(example(name))
        .current_dir(cwd)
        .env("FLAGS_BASE_URL", server.base_url(Kind::Local))
        .env_remove("RUST_LOG")
        .output()
        .expect("the example runs");
    stdout_of_success(output)
}

fn stdout_of_success(output: Output) -> String {
    let stdout = String::from_utf8(output.stdout).expect("UTF-8 stdout");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    stdout
}

fn start_server() -> TestServer {
    TestServer::start(Config::fast()).expect("the test server starts")
}

/// Checks that `cwd/downloaded` holds exactly the flags of `codes`, each
/// byte for byte the server's.
fn assert_saved(cwd: &Path, codes: &[&str]) {
    let dest = cwd.join("downloaded");
    let mut names: Vec<String> = std::fs::read_dir(&dest)
        .expect("downloaded/ exists")
        .map(|entry| entry.expect("an entry").file_name())
        .map(|name| name.to_string_lossy().into_owned())
        .collect();
    names.sort();
    let expected: Vec<String> =
        codes.iter().map(|cc| format!("{cc}.gif")).collect();
    assert_eq!(names, expected);
    for cc in codes {
        let saved =
            std::fs::read(dest.join(format!("{cc}.gif"))).expect("read");
        let served = corpus::flag_gif(cc).expect("a corpus flag");
        assert!(saved == served[..], "{cc}.gif differs from the server's");
    }
}

/// Checks the `flags.py` output: one line of codes, each once, then
/// `20 downloads in N.NNs`.
fn assert_twenty_codes_then_count(stdout: &str) {
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    let mut codes: Vec<&str> = lines[0].split_whitespace().collect();
    codes.sort();
    assert_eq!(codes, POP20_SORTED);
    assert!(lines[1].starts_with("20 downloads in "), "{stdout}");
    assert!(lines[1].ends_with('s'), "{stdout}");
}

/// `flags` saves the 20 flags, one after the other, in sorted order.
#[test]
fn flags_downloads_the_20_flags_in_order() {
    let server = start_server();
    let cwd = tempfile::tempdir().expect("a temporary directory");
    let stdout = run_flags_example("flags", &server, cwd.path());
    assert_twenty_codes_then_count(&stdout);
    // One at a time, so the completion order is the sorted order.
    let first_line = stdout.lines().next().unwrap_or_default();
    assert_eq!(first_line.split_whitespace().collect::<Vec<_>>(), POP20_SORTED);
    assert_saved(cwd.path(), &POP20_SORTED);
}

/// `flags_processpool` saves the 20 flags from its worker processes, and
/// every code printed by a worker reaches the terminal.
#[test]
fn flags_processpool_downloads_the_20_flags() {
    let server = start_server();
    let cwd = tempfile::tempdir().expect("a temporary directory");
    let stdout = run_flags_example("flags_processpool", &server, cwd.path());
    assert_twenty_codes_then_count(&stdout);
    assert_saved(cwd.path(), &POP20_SORTED);
}
