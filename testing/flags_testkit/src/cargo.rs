//! Running cargo from inside a program that cargo started: finding a
//! package's binary or example from a test, and building it when it is
//! missing ([`binary`], [`example`]: the one finder of the clients' tests,
//! the README's and guide's samples and xtask's tests), and `cargo xtask
//! compare`, which builds the clients it measures ([`inner_cargo`]). No
//! program of the chapter has a counterpart; this is the workspace's
//! plumbing.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, PoisonError};

/// The example binary `name` of `package` (the test's own
/// `env!("CARGO_PKG_NAME")`). `cargo test` builds the examples into
/// `target/<profile>/examples/`, beside the `deps/` folder the test runs
/// from; `cargo test --test examples` builds none, so a missing one is
/// built here (one that exists is trusted to be current).
pub fn example(package: &str, name: &str) -> PathBuf {
    built(package, Target::Example(name))
}

/// The binary of `package` named as the package (`flags_sequential`...),
/// for a test of another package, which cargo gives no
/// `CARGO_BIN_EXE_*` for. `cargo test --workspace` has built it into
/// `target/<profile>/`; a missing one is built here, as [`example`] does.
pub fn binary(package: &str) -> PathBuf {
    built(package, Target::Bin)
}

/// What [`built`] looks for: the package's own binary, or an example.
enum Target<'a> {
    Bin,
    Example(&'a str),
}

/// The path of `target` of `package` in the profile this test runs in
/// (debug, or release under `cargo test --release`), built first with
/// that profile when it is missing.
fn built(package: &str, target: Target) -> PathBuf {
    let test_exe = std::env::current_exe().expect("the test binary's path");
    let profile_dir = test_exe
        .parent()
        .and_then(Path::parent)
        .expect("the test binary is in target/<profile>/deps");
    let (path, selector) = match target {
        Target::Bin => (profile_dir.join(exe(package)), ["--bin", package]),
        Target::Example(name) => {
            (profile_dir.join("examples").join(exe(name)), ["--example", name])
        }
    };
    // One build at a time: tests run in parallel, and the second one to
    // find the binary missing should find it built instead.
    static BUILDING: Mutex<()> = Mutex::new(());
    let _building = BUILDING.lock().unwrap_or_else(PoisonError::into_inner);
    if !path.exists() {
        let mut build = inner_cargo();
        build.args(["build", "-q", "-p", package]).args(selector);
        // From the workspace's root, whichever package's test asks.
        build.current_dir(workspace_root());
        if profile_dir.ends_with("release") {
            build.arg("--release");
        }
        let status = build.status().expect("cargo runs");
        let what = selector.join(" ");
        assert!(status.success(), "cargo build -p {package} {what} failed");
    }
    path
}

/// `name` with the platform's suffix for executables (`.exe` on Windows).
fn exe(name: &str) -> String {
    format!("{name}{}", std::env::consts::EXE_SUFFIX)
}

/// The workspace's root: two folders above this crate's own.
fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A `Command` for the cargo that started this process (`$CARGO`, or the
/// `cargo` on the PATH), without the variables cargo set for that process.
///
/// Cargo gives what it runs its package's CARGO_PKG_NAME, CARGO_MANIFEST_DIR,
/// OUT_DIR...; some build scripts (ring's) ask to rerun when one of those
/// changes in cargo's own environment, so an inner cargo that saw them
/// would rebuild those crates, and every build after it would rebuild them
/// back. The variables a person sets to configure cargo (CARGO_HOME,
/// CARGO_TARGET_DIR, CARGO_BUILD_*, ...) stay.
pub fn inner_cargo() -> Command {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    for (key, _) in std::env::vars_os() {
        if set_by_cargo_for_its_run(&key.to_string_lossy()) {
            command.env_remove(&key);
        }
    }
    command
}

/// Whether cargo sets `key` for the program it builds or runs, as opposed
/// to reading it as configuration.
fn set_by_cargo_for_its_run(key: &str) -> bool {
    ["CARGO_PKG_", "CARGO_MANIFEST_", "CARGO_BIN_"]
        .iter()
        .any(|prefix| key.starts_with(prefix))
        || [
            "CARGO_CRATE_NAME",
            "CARGO_PRIMARY_PACKAGE",
            "CARGO_TARGET_TMPDIR",
            "OUT_DIR",
        ]
        .contains(&key)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The package's own variables go, a person's configuration stays.
    #[test]
    fn only_the_variables_cargo_set_for_the_run_are_removed() {
        for key in ["CARGO_PKG_NAME", "CARGO_MANIFEST_DIR", "OUT_DIR"] {
            assert!(set_by_cargo_for_its_run(key), "{key}");
        }
        for key in ["CARGO_HOME", "CARGO_TARGET_DIR", "CARGO_BUILD_JOBS"] {
            assert!(!set_by_cargo_for_its_run(key), "{key}");
        }
    }
}
