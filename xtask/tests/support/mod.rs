//! What the end-to-end tests of `compare` and `sweep` share: the real
//! xtask binary, run with the hidden `--bin-dir` on the debug client
//! binaries next to it (the release build `compare` does by default would
//! take minutes). `cargo test --workspace` has built them already; for
//! `cargo test -p xtask` the first test builds them (a no-op otherwise).

use std::path::Path;
use std::process::{Command, Output};
use std::sync::Once;

use serde_json::Value;

/// Runs `xtask SUBCOMMAND --bin-dir <debug> ARGS`, with `CARGO_TARGET_DIR`
/// set to `target` so that what xtask writes by default lands there.
pub fn xtask(subcommand: &str, target: &Path, args: &[&str]) -> Output {
    static BUILT: Once = Once::new();
    BUILT.call_once(|| {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let status = Command::new(cargo)
            .args(["build", "-p", "flags_sequential"])
            .args(["-p", "flags_threadpool", "-p", "flags_asyncio"])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .status()
            .expect("cargo runs");
        assert!(status.success(), "building the clients failed");
    });
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
