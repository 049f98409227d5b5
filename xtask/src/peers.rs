//! Reference rows for `compare`, programs that are not ours doing the same
//! downloads: curl (`--with-curl`), which everybody already trusts, and the
//! book's own `flags2_*.py` (`--python DIR`), run from the reader's
//! checkout, never copied here, as `proc_pool.py` is for `compare primes`.
//! A missing tool is a note under the table, never a failure.
//!
//! The book says `python3`; on Windows the usual names are `python` and the
//! launcher `py -3`. The first that runs a Python 3 able to import what the
//! scripts need is used, passing over a Python 2, one without `httpx`, and
//! the Microsoft Store's `python3` placeholder, which exits non-zero.

use std::fmt::{self, Write as _};
use std::fs;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};
use flags_server::{Config, Kind, ServerState, Stats};
use tokio::runtime::Runtime;

use crate::measure;
use crate::model::{Observed, Row, Run};
use crate::parse::{Report, parse_report, parse_statuses};

/// The most connections `curl -Z` opens at once (its documented maximum
/// for `--parallel-max` in the 7.x releases).
const CURL_MAX_PARALLEL: u64 = 300;

/// The scripts `--python DIR` runs, in the chapter's order.
pub const PYTHON_SCRIPTS: [&str; 3] =
    ["flags2_sequential.py", "flags2_threadpool.py", "flags2_asyncio.py"];

/// Whether there is a curl to compare with.
pub fn curl_available() -> bool {
    measure::answers(Command::new("curl").arg("--version"))
}

/// The same downloads as a client, by `curl -K list` (one connection,
/// reused), or `curl -Z --parallel-max P -K list` (P at once).
pub struct Curl<'a> {
    pub base_url: &'a str,
    pub cc_list: &'a [String],
    pub timeout: f64,
}

impl Curl<'_> {
    /// The parallelism curl can match for a client with `concurrency`.
    pub fn parallel(&self, concurrency: u64) -> u64 {
        concurrency.min(CURL_MAX_PARALLEL).min(self.cc_list.len() as u64).max(1)
    }

    /// The row's name for `parallel`.
    pub fn model(parallel: u64) -> String {
        if parallel == 1 {
            "curl -K list".into()
        } else {
            format!("curl -Z --parallel-max {parallel}")
        }
    }

    /// One run with `parallel` transfers at once, measured as the clients.
    pub fn run(&self, parallel: u64, server: &dyn Observed) -> Result<Run> {
        let dest = measure::fresh_dir()?;
        // The list goes in a directory of its own, so curl, like the
        // clients, starts in an empty one.
        let list_dir = measure::fresh_dir()?;
        let list = list_dir.path().join("list.curl");
        let config = curl_config(self.base_url, self.cc_list, dest.path());
        fs::write(&list, config)?;
        let mut cmd = Command::new("curl");
        if parallel > 1 {
            cmd.args(["-Z", "--parallel-immediate", "--parallel-max"])
                .arg(parallel.to_string());
        }
        // Each transfer's status on a line of its own, as the clients'
        // counters see it; 000 means no answer at all.
        cmd.args(["--silent", "--fail", "--write-out", "%{http_code}\\n"]);
        cmd.arg("--max-time")
            .arg(self.timeout.to_string())
            .arg("-K")
            .arg(&list);
        let expected = self.cc_list.len();
        let parse = |stdout: &str| {
            let counts = parse_statuses(stdout, expected)?;
            // curl prints no time of its own; its wall time, from spawn to
            // exit, is filled in below.
            Ok(Report { concurrency: parallel, counts, elapsed: 0.0 })
        };
        // curl exits 22 when some transfer got a 404 or a 418 under
        // `--fail`, and 28 when one timed out; the per-transfer statuses
        // say all of that, so its exit status is not checked.
        let mut run = measure::measured_run(&mut cmd, server, parse, false)?;
        run.report.elapsed = run.wall;
        Ok(run)
    }
}

/// A curl config file: one `url` and one `output` per code, so curl saves
/// `{dest}/{CC}.gif` as the clients do.
fn curl_config(base_url: &str, cc_list: &[String], dest: &Path) -> String {
    let mut list = String::new();
    for cc in cc_list {
        let url = curl_quoted(&flags_common::flag_url(base_url, cc));
        let output = dest.join(format!("{cc}.gif"));
        let output = curl_quoted(&output.to_string_lossy());
        let _ = writeln!(list, "url = {url}\noutput = {output}");
    }
    list
}

/// `text` as a double-quoted string of a curl config file. Inside quotes
/// curl reads a backslash as an escape (`\t`...), and drops it before any
/// other letter: `C:\Temp\BR.gif` as it is would reach curl as `C:`, a
/// tab, and `empBR.gif`.
fn curl_quoted(text: &str) -> String {
    let escaped = text.replace('\\', "\\\\").replace('"', "\\\"");
    format!("\"{escaped}\"")
}

/// The book's flag scripts, a Python 3 to run them, and the server on the
/// book's port they download from.
pub struct BookScripts {
    python: Python,
    dir: PathBuf,
    kind: Kind,
    server: FixedPortServer,
}

impl BookScripts {
    /// Checks that `dir` holds `files`, finds a Python 3 with the scripts'
    /// modules, and serves `kind` on its book's port.
    pub fn start(
        dir: &Path,
        files: &[&str],
        kind: Kind,
        config: &Config,
    ) -> Result<BookScripts> {
        let dir = book_dir(dir, files, "getflags")?;
        let python = Python::find(&["httpx", "tqdm"])
            .context("--python: cannot run the book's scripts")?;
        let server = FixedPortServer::start(kind, config.clone())
            .with_context(|| {
                format!("--python: cannot serve {kind} on the book's port")
            })?;
        Ok(BookScripts { python, dir, kind, server })
    }

    /// The rows of the three scripts of `compare --python`, each run
    /// `runs` times with `client_args`.
    pub fn rows(&self, client_args: &[String], runs: u32) -> Result<Vec<Row>> {
        let row = |script: &str| {
            let run = |n| {
                measure::progress(script, n, runs);
                let run = self.run(script, client_args);
                run.with_context(|| format!("{script} failed"))
            };
            Ok(Row::new(script, (1..=runs).map(run).collect::<Result<_>>()?))
        };
        PYTHON_SCRIPTS.into_iter().map(row).collect()
    }

    /// One run of `script`, in a fresh working directory: the scripts save
    /// into `downloaded/` and `-a` reads `country_codes.txt` (DIR's, else
    /// ours, the same 194 codes), both relative to it.
    pub fn run(&self, script: &str, client_args: &[String]) -> Result<Run> {
        let work = measure::fresh_dir()?;
        fs::create_dir(work.path().join("downloaded"))?;
        let codes = fs::read_to_string(self.dir.join("country_codes.txt"))
            .unwrap_or_else(|_| {
                flags_common::cli::COUNTRY_CODES_FILE.to_owned()
            });
        fs::write(work.path().join("country_codes.txt"), codes)?;
        let mut cmd = self.python.command();
        cmd.arg(self.dir.join(script)).args(client_args);
        cmd.args(["-s", &self.kind.to_string()]).current_dir(work.path());
        measure::measured_run(&mut cmd, &self.server, parse_report, true)
    }
}

/// One `flags_server` on the book's fixed port for `kind` (the scripts
/// hard-code them), on 127.0.0.1 and ::1 (`localhost` may resolve either
/// way), until dropped. Fixed ports are fine here and nowhere else: this is
/// a benchmark run by hand.
pub struct FixedPortServer {
    state: ServerState,
    /// Dropping it stops the servers; by then every script has exited.
    _runtime: Runtime,
}

impl FixedPortServer {
    pub fn start(kind: Kind, config: Config) -> Result<FixedPortServer> {
        let state = ServerState::new(config)?;
        let port = kind.default_port();
        // Two workers, as `TestServer`: the clients being measured need
        // the rest of the machine.
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()?;
        // Binding a tokio listener needs the runtime's reactor.
        let inside = runtime.enter();
        let loopback = [Ipv4Addr::LOCALHOST.into(), Ipv6Addr::LOCALHOST.into()];
        for ip in loopback {
            let listener = match flags_server::bind(SocketAddr::new(ip, port)) {
                Ok(listener) => listener,
                // No IPv6 loopback: 127.0.0.1 alone will do.
                Err(_) if ip.is_ipv6() => continue,
                Err(error) => {
                    bail!("port {port} for {kind} is taken ({error})")
                }
            };
            let (state, forever) = (state.clone(), std::future::pending());
            runtime.spawn(flags_server::run(listener, kind, state, forever));
        }
        drop(inside);
        Ok(FixedPortServer { state, _runtime: runtime })
    }
}

impl Observed for FixedPortServer {
    fn reset(&self) {
        self.state.reset_stats()
    }
    fn stats(&self) -> Option<Stats> {
        Some(self.state.stats())
    }
}

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
    /// `modules`.
    pub fn find(modules: &[&str]) -> Result<Python> {
        if let Some(python) = first(&CANDIDATES, modules) {
            return Ok(python);
        }
        let (names, list) = (modules.join(" and "), modules.join(" "));
        let with = (!modules.is_empty())
            .then(|| format!(" with {names} (pip install {list})"));
        let with = with.unwrap_or_default();
        bail!("no Python 3{with} found as python3, python or py -3")
    }

    /// A command that runs this interpreter, to add the script to.
    pub fn command(&self) -> Command {
        let mut cmd = Command::new(self.program);
        cmd.args(self.args);
        cmd
    }
}

/// The first of `candidates` that runs, is Python 3 and has `modules`.
fn first(candidates: &[Python], modules: &[&str]) -> Option<Python> {
    let imports: String =
        modules.iter().map(|m| format!("; import {m}")).collect();
    // Python 2 runs this too, and exits 1.
    let check =
        format!("import sys; sys.exit(sys.version_info[0] != 3){imports}");
    let runs = |python: &Python| {
        measure::answers(python.command().args(["-c", &check]))
    };
    candidates.iter().copied().find(runs)
}

impl fmt::Display for Python {
    /// As a reader would type it, e.g. `py -3`, for notes under a table.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.program)?;
        self.args.iter().try_for_each(|arg| write!(f, " {arg}"))
    }
}

/// `--python DIR` made absolute, once it is known to hold `files`.
pub fn book_dir(dir: &Path, files: &[&str], chapter: &str) -> Result<PathBuf> {
    let missing = files.iter().filter(|file| !dir.join(file).is_file());
    let missing: Vec<&str> = missing.copied().collect();
    if !missing.is_empty() {
        bail!(
            "--python: no {} in {} (give the book's 20-executors/{chapter} \
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

    /// Backslashes and quotes are escaped, so curl reads a Windows path
    /// back as it was written.
    #[test]
    fn curl_quoted_escapes_backslashes_and_quotes() {
        assert_eq!(
            curl_quoted(r#"C:\Temp\a "b"\BR.gif"#),
            r#""C:\\Temp\\a \"b\"\\BR.gif""#
        );
    }

    /// curl itself saves each flag of the config at the path written, even
    /// through a directory whose name holds a backslash, a `\t` and a
    /// quote (legal in Unix file names, so the test runs here).
    #[cfg(unix)]
    #[test]
    fn curl_saves_where_the_config_says() {
        if !curl_available() {
            eprintln!("no curl on PATH: nothing to check");
            return;
        }
        let root = tempfile::tempdir().expect("a temporary directory");
        let flags = root.path().join("flags");
        for cc in ["br", "cn"] {
            fs::create_dir_all(flags.join(cc)).expect("a flag directory");
            fs::write(flags.join(cc).join(format!("{cc}.gif")), cc)
                .expect("a flag file");
        }
        let dest = root.path().join(r#"a\tb "c""#);
        fs::create_dir(&dest).expect("the destination");
        let base_url = format!("file://{}", flags.display());
        let codes = ["BR".to_owned(), "CN".to_owned()];
        let list = root.path().join("list.curl");
        fs::write(&list, curl_config(&base_url, &codes, &dest))
            .expect("the config");
        let status = Command::new("curl")
            .args(["--silent", "--fail", "-K"])
            .arg(&list)
            .status()
            .expect("curl runs");
        assert!(status.success(), "curl failed: {status}");
        assert_eq!(fs::read(dest.join("BR.gif")).expect("BR saved"), b"br");
        assert_eq!(fs::read(dest.join("CN.gif")).expect("CN saved"), b"cn");
    }

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
