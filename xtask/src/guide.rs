//! `cargo xtask guide`: builds the guide (`guide/`, an mdBook that reads
//! the chapter's programs beside the book) and prints the page to open,
//! or serves it with `--serve`. It mirrors no program of the chapter; it
//! is the one command a reader needs, mdBook included.
//!
//! mdBook is taken from `PATH` when it is a 0.4 release, the series the
//! guide is written for. Otherwise the version CI checks the guide with
//! (`MDBOOK_VERSION` in `.ci/guide`) is installed once with
//! `cargo install --locked` under `target/tools`, so a reader's own
//! `~/.cargo/bin` is left as it was.

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::cargo::{project_root, target_dir};

/// The mdBook release `.ci/guide` builds and checks the guide with
/// (a test keeps the two the same).
pub const MDBOOK_VERSION: &str = "0.4.40";

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Serve the guide on http://localhost:3000 and rebuild it when a page
    /// or a listing changes (`mdbook serve`), instead of building it once.
    #[arg(long)]
    serve: bool,
}

/// Builds the guide and prints the path of its first page, or serves it.
pub fn run(args: &Args) -> Result<()> {
    let mdbook = mdbook()?;
    let guide = project_root().join("guide");
    let action = if args.serve { "serve" } else { "build" };
    let status = Command::new(&mdbook)
        .arg(action)
        .arg(&guide)
        .status()
        .with_context(|| format!("cannot run {}", mdbook.display()))?;
    if !status.success() {
        bail!("mdbook {action} guide failed ({status})");
    }
    if !args.serve {
        let page = guide.join("book").join("index.html");
        println!("The guide is built. Open this page in a browser:");
        println!("{}", page.display());
    }
    Ok(())
}

/// The `mdbook` to run: the one on `PATH` if it is a 0.4 release, else
/// [`MDBOOK_VERSION`] under `target/tools`, installed there if missing.
fn mdbook() -> Result<PathBuf> {
    let on_path = PathBuf::from("mdbook");
    if version_of(&on_path).as_deref().is_some_and(is_compatible) {
        return Ok(on_path);
    }
    let root = target_dir().join("tools");
    let pinned =
        root.join("bin").join(format!("mdbook{}", env::consts::EXE_SUFFIX));
    if version_of(&pinned).as_deref() == Some(MDBOOK_VERSION) {
        return Ok(pinned);
    }
    install(&root)?;
    Ok(pinned)
}

/// `cargo install --locked mdbook --version MDBOOK_VERSION --root ROOT`.
fn install(root: &Path) -> Result<()> {
    eprintln!(
        "guide: mdBook {MDBOOK_VERSION} is not installed; installing it \
         under {} (a few minutes, once)",
        root.display()
    );
    let cargo = env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .args(["install", "--locked", "mdbook", "--version", MDBOOK_VERSION])
        .arg("--root")
        .arg(root)
        .status()
        .context("cannot run cargo install")?;
    if !status.success() {
        bail!("cargo install mdbook {MDBOOK_VERSION} failed ({status})");
    }
    Ok(())
}

/// The version `program --version` reports (`mdbook v0.4.40` gives
/// `0.4.40`), or `None` if it does not run.
fn version_of(program: &Path) -> Option<String> {
    let output = Command::new(program).arg("--version").output().ok()?;
    if !output.status.success() {
        return None;
    }
    parse_version(&String::from_utf8_lossy(&output.stdout))
}

/// The version in mdBook's `--version` line: `mdbook v0.4.40` → `0.4.40`.
fn parse_version(line: &str) -> Option<String> {
    let version = line.split_whitespace().nth(1)?;
    Some(version.strip_prefix('v').unwrap_or(version).to_owned())
}

/// Whether mdBook `version` builds the guide as CI does: a 0.4 release
/// (0.5 changed the configuration and the warnings CI fails on).
fn is_compatible(version: &str) -> bool {
    version.starts_with("0.4.")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `mdbook --version` prints `mdbook v0.4.40`: the version is read
    /// without its `v`.
    #[test]
    fn version_is_read_from_mdbook_s_line() {
        assert_eq!(
            parse_version("mdbook v0.4.40\n").as_deref(),
            Some("0.4.40")
        );
        assert_eq!(parse_version("mdbook\n"), None);
    }

    /// Any 0.4 release on `PATH` is used; another series is not.
    #[test]
    fn only_a_0_4_release_is_taken_from_path() {
        assert!(is_compatible("0.4.40"));
        assert!(is_compatible("0.4.52"));
        assert!(!is_compatible("0.5.0"));
        assert!(!is_compatible("0.3.7"));
    }

    /// The version installed here is the one `.ci/guide` checks the guide
    /// with, so a reader's build is CI's.
    #[test]
    fn pinned_version_is_the_one_ci_uses() {
        let script = std::fs::read_to_string(project_root().join(".ci/guide"))
            .expect(".ci/guide is readable");
        let pin = format!("MDBOOK_VERSION={MDBOOK_VERSION}\n");
        assert!(script.contains(&pin), ".ci/guide does not pin {pin}");
    }
}
