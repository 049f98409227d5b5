//! Reference rows for `compare`: programs that are not ours doing the same
//! downloads, so the Rust figures have something outside to be read
//! against.
//!
//! - `--with-curl`: `curl -K list` (one connection, reused) and
//!   `curl -Z --parallel-max M -K list` (M connections at once), the
//!   command-line tool everybody already trusts, each paired with the
//!   client that has the same parallelism (see `compare.rs`).
//! - `--python DIR`: the book's own `flags2_sequential.py`,
//!   `flags2_threadpool.py` and `flags2_asyncio.py`. They hard-code
//!   `localhost:8000/8001/8002`, so for those rows a server is started on
//!   the book's port, from the same `flags_server` library and config.
//!
//! A missing tool is a one-line note under the table, never a failure.

use std::fmt::Write as _;
use std::fs;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread::JoinHandle;

use anyhow::{Context, Result, bail};
use flags_server::{Config, Kind, ServerState, Stats};

use crate::model::{Observed, Row, Run};
use crate::parse::{Counts, Report, parse_report};
use crate::runner;

/// The most connections `curl -Z` opens at once (its documented maximum
/// for `--parallel-max` in the 7.x releases).
const CURL_MAX_PARALLEL: u64 = 300;

/// The scripts `--python DIR` runs, in the chapter's order.
pub const PYTHON_SCRIPTS: [&str; 3] =
    ["flags2_sequential.py", "flags2_threadpool.py", "flags2_asyncio.py"];

/// Whether there is a curl to compare with.
pub fn curl_available() -> bool {
    answers(Command::new("curl").arg("--version"))
}

/// The same downloads as a client, by curl: `curl -K list` (one connection,
/// reused) when `parallel` is 1, `curl -Z --parallel-max P -K list` (P
/// connections at once) otherwise.
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

    /// One run of curl with `parallel` transfers at once, into a fresh
    /// directory, measured as the clients are.
    pub fn run(&self, parallel: u64, server: &dyn Observed) -> Result<Run> {
        let dest = runner::fresh_dir()?;
        // The list goes in a directory of its own, so curl, like the
        // clients, starts in an empty one.
        let list_dir = runner::fresh_dir()?;
        let list = list_dir.path().join("list.curl");
        fs::write(
            &list,
            curl_config(self.base_url, self.cc_list, dest.path()),
        )?;
        let mut cmd = Command::new("curl");
        if parallel > 1 {
            cmd.args(["-Z", "--parallel-immediate", "--parallel-max"])
                .arg(parallel.to_string());
        }
        // Each transfer's status on a line of its own, as the clients'
        // counters see it; 000 means no answer at all.
        cmd.args(["--silent", "--fail", "--write-out", "%{http_code}\\n"])
            .arg("--max-time")
            .arg(self.timeout.to_string())
            .arg("-K")
            .arg(&list);
        let expected = self.cc_list.len();
        let parse = |stdout: &str| -> Result<Report> {
            let statuses = stdout
                .lines()
                .map(|line| line.trim().parse::<u16>())
                .collect::<Result<Vec<_>, _>>()
                .context("curl printed something that is not a status")?;
            if statuses.len() != expected {
                bail!(
                    "curl reported {} transfers, not {expected}",
                    statuses.len()
                );
            }
            Ok(Report {
                concurrency: parallel,
                counts: Counts::from_statuses(statuses),
                // curl prints no time of its own; its wall time, from
                // spawn to exit, is filled in below.
                elapsed: 0.0,
            })
        };
        // curl exits 22 when some transfer got a 404 or a 418 under
        // `--fail`, and 28 when one timed out; the per-transfer statuses
        // say all of that, so its exit status is not checked.
        let mut run = runner::measured_run(&mut cmd, server, parse, false)?;
        run.report.elapsed = run.wall;
        Ok(run)
    }
}

/// A curl config file: one `url` and one `output` per code, so curl saves
/// `{dest}/{CC}.gif` as the clients do.
fn curl_config(base_url: &str, cc_list: &[String], dest: &Path) -> String {
    let mut list = String::new();
    for cc in cc_list {
        let url = flags_common::flag_url(base_url, cc);
        let output = dest.join(format!("{cc}.gif"));
        let _ = writeln!(list, "url = \"{url}\"");
        let _ = writeln!(list, "output = \"{}\"", output.display());
    }
    list
}

/// Adds the rows of the book's three scripts found in `dir`, or a note.
pub fn python_rows(
    dir: &Path,
    client_args: &[String],
    kind: Kind,
    config: &Config,
    runs: u32,
    rows: &mut Vec<Row>,
    notes: &mut Vec<String>,
) -> Result<()> {
    let missing: Vec<&str> = PYTHON_SCRIPTS
        .iter()
        .copied()
        .filter(|script| !dir.join(script).is_file())
        .collect();
    if !missing.is_empty() {
        notes.push(format!(
            "--python: {} not in {}; the Python rows are left out",
            missing.join(", "),
            dir.display()
        ));
        return Ok(());
    }
    let python = "python3";
    if !answers(Command::new(python).args(["-c", "import httpx, tqdm"])) {
        notes.push(
            "--python: python3 with httpx and tqdm is needed \
             (pip install httpx tqdm); the Python rows are left out"
                .into(),
        );
        return Ok(());
    }
    let server = match FixedPortServer::start(kind, config.clone()) {
        Ok(server) => server,
        Err(error) => {
            notes.push(format!(
                "--python: {error}; the Python rows are left out"
            ));
            return Ok(());
        }
    };
    let dir = dir.canonicalize()?;
    for script in PYTHON_SCRIPTS {
        let mut all = Vec::new();
        for n in 1..=runs {
            runner::progress(script, n, runs);
            // The scripts save into `downloaded/` under the current
            // directory, so each run works in a fresh one.
            let work = runner::fresh_dir()?;
            fs::create_dir(work.path().join("downloaded"))?;
            // `-a` reads `country_codes.txt` from the current directory
            // too: the copy in DIR if there is one, else ours (the same
            // 194 codes).
            let codes = match fs::read_to_string(dir.join("country_codes.txt"))
            {
                Ok(text) => text,
                Err(_) => flags_common::cli::COUNTRY_CODES_FILE.to_owned(),
            };
            fs::write(work.path().join("country_codes.txt"), codes)?;
            let mut cmd = Command::new(python);
            cmd.arg(dir.join(script))
                .args(client_args)
                .args(["-s", &kind.to_string()])
                .current_dir(work.path());
            let run =
                runner::measured_run(&mut cmd, &server, parse_report, true)
                    .with_context(|| format!("{script} failed"))?;
            all.push(run);
        }
        rows.push(Row::new(script, all));
    }
    Ok(())
}

/// Whether a command runs and exits 0 (output discarded).
fn answers(cmd: &mut Command) -> bool {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

/// One `flags_server` on the book's fixed port for `kind`, on 127.0.0.1
/// and ::1 (the scripts ask for `localhost`, which may resolve either
/// way), served from a thread with its own runtime until dropped.
///
/// Fixed ports are fine here and nowhere else: this is a benchmark run by
/// hand, and the book's scripts cannot be told another port.
pub struct FixedPortServer {
    state: ServerState,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl FixedPortServer {
    pub fn start(kind: Kind, config: Config) -> Result<FixedPortServer> {
        let state = ServerState::new(config)?;
        let port = kind.default_port();
        let (ready_tx, ready_rx) = mpsc::channel::<Result<()>>();
        let (stop, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let thread_state = state.clone();
        let thread = std::thread::spawn(move || {
            // Two workers, as `TestServer`: the clients being measured
            // need the rest of the machine.
            let runtime = match tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
            {
                Ok(runtime) => runtime,
                Err(error) => {
                    let _ = ready_tx.send(Err(error.into()));
                    return;
                }
            };
            runtime.block_on(async move {
                let (stop_all, _) = tokio::sync::broadcast::channel::<()>(1);
                let mut servers = tokio::task::JoinSet::new();
                let ips = [
                    IpAddr::V4(Ipv4Addr::LOCALHOST),
                    IpAddr::V6(Ipv6Addr::LOCALHOST),
                ];
                for ip in ips {
                    let addr = SocketAddr::new(ip, port);
                    match flags_server::bind(addr) {
                        Ok(listener) => {
                            let mut stopped = stop_all.subscribe();
                            let shutdown = async move {
                                let _ = stopped.recv().await;
                            };
                            servers.spawn(flags_server::run(
                                listener,
                                kind,
                                thread_state.clone(),
                                shutdown,
                            ));
                        }
                        // No IPv6 loopback: 127.0.0.1 alone will do.
                        Err(_) if ip.is_ipv6() => {}
                        Err(error) => {
                            let _ = ready_tx.send(Err(anyhow::anyhow!(
                                "port {port} for {kind} is taken ({error})"
                            )));
                            return;
                        }
                    }
                }
                let _ = ready_tx.send(Ok(()));
                let _ = stop_rx.await;
                let _ = stop_all.send(());
                while servers.join_next().await.is_some() {}
            });
        });
        match ready_rx.recv() {
            Ok(Ok(())) => Ok(FixedPortServer {
                state,
                stop: Some(stop),
                thread: Some(thread),
            }),
            Ok(Err(error)) => {
                let _ = thread.join();
                Err(error)
            }
            Err(_) => bail!("the server thread for port {port} died"),
        }
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

impl Drop for FixedPortServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
