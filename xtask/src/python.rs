//! Finding the reader's Python 3, to run the book's own scripts beside our
//! programs (`sweep --python`, `compare primes --python`).
//!
//! The book says `python3`; on Windows the usual names are `python` and
//! the launcher `py -3`. Each is tried in that order, and the first that
//! runs a Python 3 able to import what the scripts need is used: a
//! `python` that is Python 2, or one without `httpx`, is passed over.

use std::ffi::OsString;
use std::process::{Command, Stdio};

use anyhow::{Result, bail};

/// The names tried, in order, each with the arguments it needs first.
const CANDIDATES: [(&str, &[&str]); 3] =
    [("python3", &[]), ("python", &[]), ("py", &["-3"])];

/// A Python 3 interpreter that was found to work.
#[derive(Debug, Clone)]
pub struct Python {
    program: OsString,
    args: Vec<OsString>,
}

impl Python {
    /// The first candidate that is Python 3 and imports every module of
    /// `modules` (e.g. `["httpx", "tqdm"]` for the flag scripts).
    pub fn find(modules: &[&str]) -> Result<Python> {
        let mut check = String::from(
            "import sys; sys.exit(0 if sys.version_info[0] == 3 else 1)",
        );
        for module in modules {
            check += &format!("; import {module}");
        }
        for (program, args) in CANDIDATES {
            let python = Python::new(program, args);
            let works = python
                .command()
                .args(["-c", &check])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|status| status.success());
            if works {
                return Ok(python);
            }
        }
        let with = if modules.is_empty() {
            String::new()
        } else {
            format!(
                " with {} (pip install {})",
                modules.join(" and "),
                modules.join(" ")
            )
        };
        bail!("no Python 3{with} found as python3, python or py -3")
    }

    /// An interpreter by name, not checked: `find` checks each it tries.
    pub fn new(program: &str, args: &[&str]) -> Python {
        Python {
            program: program.into(),
            args: args.iter().map(OsString::from).collect(),
        }
    }

    /// A command that runs this interpreter; add the script and its
    /// arguments.
    pub fn command(&self) -> Command {
        let mut cmd = Command::new(&self.program);
        cmd.args(&self.args);
        cmd
    }

    /// How the interpreter was found, e.g. `python3` or `py -3`, for
    /// notes under a table.
    pub fn name(&self) -> String {
        let mut name = self.program.to_string_lossy().into_owned();
        for arg in &self.args {
            name += " ";
            name += &arg.to_string_lossy();
        }
        name
    }
}
