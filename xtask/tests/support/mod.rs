//! What the end-to-end tests of `compare` and `sweep` share: the real
//! xtask binary, run with the hidden `--bin-dir` on the debug client
//! binaries next to it (the release build `compare` does by default would
//! take minutes). `cargo test --workspace` has built them already; for
//! `cargo test -p xtask` the test kit's finder builds the missing ones.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

/// Runs `xtask SUBCOMMAND --bin-dir <debug> ARGS`, with `CARGO_TARGET_DIR`
/// set to `target` so that what xtask writes by default lands there.
pub fn xtask(subcommand: &str, target: &Path, args: &[&str]) -> Output {
    // Only the missing ones: a build of three packages alone would unify
    // their features apart from the workspace's test build, and compile
    // tokio, hyper, rustls... again to binaries that already exist.
    for client in ["flags_sequential", "flags_threadpool", "flags_asyncio"] {
        flags_testkit::cargo::binary(client);
    }
    let xtask = Path::new(env!("CARGO_BIN_EXE_xtask"));
    Command::new(xtask)
        .arg(subcommand)
        .arg("--bin-dir")
        .arg(xtask.parent().expect("xtask is in a directory"))
        .args(args)
        .env("CARGO_TARGET_DIR", target)
        .output()
        .expect("xtask runs")
}

/// What a run printed on stdout, or on stderr.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The JSON a run printed, with its output in the message if it is not.
pub fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}):\n{}\n{}",
            text(&output.stdout),
            text(&output.stderr)
        )
    })
}
