//! Finding the reader's Python 3 and the book's files, to run the book's
//! own scripts beside our programs (`compare --python`, `sweep --python`,
//! `compare primes --python`). The scripts are run from the reader's
//! checkout of the book's code, never copied here.
//!
//! The book says `python3`; on Windows the usual names are `python` and
//! the launcher `py -3`. Each is tried in that order, and the first that
//! runs a Python 3 able to import what the scripts need is used: a
//! `python` that is Python 2, or one without `httpx`, is passed over, and
//! so is the Microsoft Store's `python3` placeholder, which exits non-zero.

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::measure::answers;

/// A way to start Python 3: a program and the arguments that come first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Python {
    pub program: &'static str,
    pub args: &'static [&'static str],
}

/// The names tried, in order.
const CANDIDATES: [Python; 3] = [
    Python { program: "python3", args: &[] },
    Python { program: "python", args: &[] },
    Python { program: "py", args: &["-3"] },
];

impl Python {
    /// The first candidate that is Python 3 and imports every module of
    /// `modules` (e.g. `["httpx", "tqdm"]` for the flag scripts).
    pub fn find(modules: &[&str]) -> Result<Python> {
        if let Some(python) = first(&CANDIDATES, modules) {
            return Ok(python);
        }
        let with = if modules.is_empty() {
            String::new()
        } else {
            let (names, list) = (modules.join(" and "), modules.join(" "));
            format!(" with {names} (pip install {list})")
        };
        bail!("no Python 3{with} found as python3, python or py -3")
    }

    /// A command that runs this interpreter; add the script and its
    /// arguments.
    pub fn command(&self) -> Command {
        let mut cmd = Command::new(self.program);
        cmd.args(self.args);
        cmd
    }
}

/// The first of `candidates` that runs, is Python 3 and has `modules`.
fn first(candidates: &[Python], modules: &[&str]) -> Option<Python> {
    // Python 2 runs this too, and exits 1.
    let mut check =
        String::from("import sys; sys.exit(sys.version_info[0] != 3)");
    for module in modules {
        check += &format!("; import {module}");
    }
    let runs = |python: &Python| answers(python.command().args(["-c", &check]));
    candidates.iter().copied().find(runs)
}

impl fmt::Display for Python {
    /// As a reader would type it, e.g. `py -3`, for notes under a table.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.program)?;
        self.args.iter().try_for_each(|arg| write!(f, " {arg}"))
    }
}

/// `--python DIR` made absolute, once DIR is known to hold `files`, the
/// book's `20-executors/{chapter_dir}` files.
pub fn book_dir(
    dir: &Path,
    files: &[&str],
    chapter_dir: &str,
) -> Result<PathBuf> {
    let missing: Vec<&str> = files
        .iter()
        .copied()
        .filter(|file| !dir.join(file).is_file())
        .collect();
    if !missing.is_empty() {
        bail!(
            "--python: no {} in {} (give the book's 20-executors/{chapter_dir} \
             directory)",
            missing.join(", "),
            dir.display()
        );
    }
    dir.canonicalize()
        .with_context(|| format!("--python: cannot read {}", dir.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A name that is not installed, and one that runs but exits non-zero
    /// (as the Microsoft Store's `python3` placeholder does), are passed
    /// over rather than taken for Python.
    #[test]
    fn first_python_passes_over_names_that_do_not_answer() {
        let candidates = [
            Python { program: "no-such-python-here", args: &[] },
            Python { program: "false", args: &[] },
        ];
        assert_eq!(first(&candidates, &[]), None);
    }

    /// `py -3` is shown as a reader would type it, in the notes.
    #[test]
    fn python_displays_as_typed() {
        assert_eq!(CANDIDATES[2].to_string(), "py -3");
    }
}
