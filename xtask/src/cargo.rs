//! Finding the workspace and building its release binaries, the
//! rust-analyzer xtask way: cargo is whatever `$CARGO` names (the cargo
//! that is running us, with its toolchain), called with an argument list
//! and never through a shell, and the root comes from this crate's own
//! manifest directory rather than from the current directory.

use std::env;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

/// The workspace root: the parent of `xtask/`.
pub fn project_root() -> PathBuf {
    let xtask_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    xtask_dir.parent().unwrap_or(xtask_dir).to_path_buf()
}

/// Where cargo builds: `$CARGO_TARGET_DIR`, or `<root>/target`.
pub fn target_dir() -> PathBuf {
    let target = env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| project_root().join("target"));
    if target.is_relative() { project_root().join(target) } else { target }
}

/// `cargo build --release -p xtask -p <each package>`, in the workspace
/// root; where the binaries are.
///
/// With `-p xtask`, because cargo unifies the features of a crate over
/// the packages one build selects: xtask depends on the clients' libraries
/// (see its Cargo.toml), so this build selects the same features as the
/// `cargo run --release -p xtask` that started us, finds every dependency
/// already compiled, and compiles only the binaries' `main.rs`. Without
/// it, tokio, hyper, serde... would differ by a feature or two from
/// xtask's, and be compiled a second time.
fn build_release(packages: &[&str]) -> Result<PathBuf> {
    let mut cmd = flags_testkit::cargo::inner_cargo();
    cmd.current_dir(project_root()).args(["build", "--release"]);
    for package in std::iter::once(&"xtask").chain(packages) {
        cmd.args(["-p", package]);
    }
    eprintln!("compare: cargo build --release -p {}", packages.join(" -p "));
    let status = cmd.status().context("cannot run cargo")?;
    if !status.success() {
        bail!("cargo build --release failed ({status})");
    }
    Ok(target_dir().join("release"))
}

/// The hidden `--bin-dir DIR` of every command that runs our binaries.
#[derive(Debug, clap::Args)]
pub struct Prebuilt {
    /// Take the binaries from DIR instead of building them in release
    /// mode (tests pass their debug build).
    #[arg(long, value_name = "DIR", hide = true)]
    pub bin_dir: Option<PathBuf>,
}

impl Prebuilt {
    /// The binaries of `names`, from DIR or built in release mode first.
    pub fn binaries(&self, names: &[&str]) -> Result<Vec<PathBuf>> {
        let dir = match &self.bin_dir {
            Some(dir) => dir.clone(),
            None => build_release(names)?,
        };
        let binary = |name: &&str| {
            let path = dir.join(format!("{name}{}", env::consts::EXE_SUFFIX));
            if !path.is_file() {
                bail!(
                    "{name} is not built: no {} (build it with \
                     `cargo build --release -p {name}`)",
                    path.display()
                );
            }
            Ok(path)
        };
        names.iter().map(binary).collect()
    }
}
