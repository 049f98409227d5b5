//! Running cargo from inside a program that cargo started: a test that
//! builds a missing binary (`examples::binary`, `examples::example`), and
//! `cargo xtask compare`, which builds the clients it measures. No program
//! of the chapter has a counterpart; this is the workspace's plumbing.

use std::process::Command;

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
