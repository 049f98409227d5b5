//! What `compare` and `sweep` run, and against what: the chapter's three
//! flag clients (`flags2_*.py` in the book), the codes their arguments
//! name, the settings of the in-process test server, and the command line
//! of one run, said here once for both commands.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use flags_server::{Config, Kind, TestServer};

use crate::measure::{fresh_dir, measured_run};
use crate::model::{Observed, Run};
use crate::parse::parse_report;

/// The clients, in the order the chapter presents them.
pub const CLIENTS: [&str; 3] =
    ["flags_sequential", "flags_threadpool", "flags_asyncio"];

/// The two concurrent ones, which `sweep` runs at every `-m`.
pub const CONCURRENT: [&str; 2] = ["flags_threadpool", "flags_asyncio"];

/// The seed used when `--seed` is not given: any fixed number makes DELAY
/// and ERROR runs repeatable; this one is the book's year.
pub const DEFAULT_SEED: u64 = 2022;

/// The test server's settings, in `compare` and `sweep`. The defaults are
/// compare's short delays; sweep, whose question is how close to the
/// longest delay each model gets, takes the book's (on `Cli::Sweep`).
#[derive(Debug, clap::Args, serde::Serialize)]
pub struct ServerArgs {
    /// DELAY/ERROR: shortest delay before an answer, in seconds (the
    /// book's slow_server.py: 0.5).
    #[arg(long, value_name = "SECONDS", default_value_t = 0.1)]
    pub min_delay: f64,

    /// DELAY/ERROR: longest delay before an answer, in seconds (the
    /// book's: 5).
    #[arg(long, value_name = "SECONDS", default_value_t = 0.5)]
    pub max_delay: f64,

    /// Seed of the server's delays and errors; fixed by default so runs
    /// are reproducible.
    #[arg(long, default_value_t = DEFAULT_SEED)]
    pub seed: u64,
}

impl ServerArgs {
    /// The server's configuration, with ERROR's rate of 418s.
    pub fn config(&self, error_rate: f64) -> Result<Config> {
        let secs = |s: f64, what: &str| {
            let error = || format!("--{what} must be a number of seconds >= 0");
            Duration::try_from_secs_f64(s).with_context(error)
        };
        let config = Config {
            min_delay: secs(self.min_delay, "min-delay")?,
            max_delay: secs(self.max_delay, "max-delay")?,
            error_rate,
            seed: Some(self.seed),
            ..Config::default()
        };
        if config.min_delay > config.max_delay {
            bail!("--min-delay must not exceed --max-delay");
        }
        if !(0.0..=1.0).contains(&config.error_rate) {
            bail!("--error-rate must be between 0 and 1");
        }
        Ok(config)
    }
}

/// CLIENT ARGS, the options every client is given, as the clients name
/// them, in the order `--help` lists them.
#[derive(Debug, Default, clap::Args)]
#[command(next_help_heading = "Client arguments")]
pub struct ClientArgs {
    /// CLIENT ARGS: all 194 codes that have flags.
    #[arg(short, long)]
    pub all: bool,

    /// CLIENT ARGS: every code AA..ZZ.
    #[arg(short, long)]
    pub every: bool,

    /// CLIENT ARGS: only the first N codes.
    #[arg(short, long, value_name = "N")]
    pub limit: Option<u64>,

    /// CLIENT ARGS: maximum concurrent requests (default: each client's).
    #[arg(short = 'm', long = "max_req", visible_alias = "max-req")]
    #[arg(value_name = "CONCURRENT")]
    pub max_req: Option<u64>,

    /// CLIENT ARGS: seconds each request may take.
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<f64>,

    /// CLIENT ARGS: country codes or first letters (default: the clients'
    /// own, the book's 20 most populous countries).
    #[arg(value_name = "CC")]
    pub cc: Vec<String>,
}

impl ClientArgs {
    /// The arguments as given (none: each client's default).
    pub fn to_vec(&self) -> Vec<String> {
        let flags = [(self.every, "-e"), (self.all, "-a")];
        let flags = flags.into_iter().filter(|(on, _)| *on);
        let mut out: Vec<String> = flags.map(|(_, f)| f.to_owned()).collect();
        let options = [
            ("-l", self.limit.map(|n| n.to_string())),
            ("-m", self.max_req.map(|m| m.to_string())),
            ("--timeout", self.timeout.map(|t| t.to_string())),
        ];
        let given =
            options.into_iter().filter_map(|(n, v)| Some([n.into(), v?]));
        out.extend(given.flatten());
        out.extend(self.cc.iter().cloned());
        out
    }
}

/// The test servers, started in this process on free ports.
pub fn start_server(config: Config) -> Result<TestServer> {
    // The corpus draws each flag on its first request; drawing them all
    // now keeps that cost out of whichever model happens to run first.
    flags_server::corpus::warm_up();
    TestServer::start(config).context("cannot start the test server")
}

/// Checks CLIENT ARGS with the clients' own parser before anything is
/// built or started, and returns the codes they will ask for.
pub fn codes(client_args: &[String]) -> Result<Vec<String>> {
    use flags_common::cli::{ParseOutcome, process_args};
    let argv =
        ["xtask"].into_iter().chain(client_args.iter().map(String::as_str));
    match process_args(argv, "xtask", 1) {
        Ok(options) => Ok(options.cc_list),
        Err(ParseOutcome::Usage(error)) => bail!("{error}"),
        Err(ParseOutcome::Help(_)) => bail!("unexpected --help in CLIENT ARGS"),
    }
}

/// Where a client downloads from: LOCAL, DELAY or ERROR (`None` for a
/// server that is not ours), and the base URL, known for our servers once
/// they are started ([`Site::ours`]).
#[derive(Clone, Debug)]
pub struct Site {
    pub kind: Option<Kind>,
    pub base_url: String,
}

impl Site {
    pub fn ours(server: &TestServer, kind: Kind) -> Site {
        Site { kind: Some(kind), base_url: server.base_url(kind) }
    }
}

/// One run of a client, `program ARGS -s SITE --dest DEST`, into a fresh
/// directory, measured against `server`. On our server `-s` is the book's
/// label, moved to this run's port by the label's variable
/// (`FLAGS_DELAY_URL`...), so the report says `DELAY site:` as the book's.
pub fn run(
    program: &Path,
    args: &[String],
    site: &Site,
    server: &dyn Observed,
) -> Result<Run> {
    let dest = fresh_dir()?;
    let mut cmd = Command::new(program);
    cmd.args(args);
    match site.kind {
        Some(kind) => {
            let label = kind.to_string();
            cmd.env(flags_common::cli::server_url_var(&label), &site.base_url)
                .args(["-s", &label])
        }
        None => cmd.args(["-s", &site.base_url]),
    };
    cmd.arg("--dest").arg(dest.path());
    measured_run(&mut cmd, server, parse_report, true)
}
