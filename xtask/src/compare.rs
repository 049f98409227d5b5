//! `cargo xtask compare`: the three concurrency models of the chapter side
//! by side, on the same codes, against the same server (what it runs by
//! default is its `--help`, on `Cli::Compare`). The book runs its
//! `flags2_*.py` by hand against `slow_server.py` and reads their `Elapsed
//! time:` lines; this does the same with our clients, each into a fresh
//! directory, and adds what only an outside observer sees: the child's peak
//! memory (`wait4`) and the requests the server had in flight at once.
//! Counts that must agree and do not ([`Agreement::of`]) make it exit 1.
//!
//! `--with-curl` runs each client and a curl with the same parallelism in
//! turn, A B, then B A, each in a fresh directory after a `sync`: whoever
//! runs second inherits the first one's dirty pages and warm caches, and
//! alternating shares that out; the median of the pairs' ratios cancels
//! whatever else the machine did meanwhile.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow};
use flags_server::Kind;

use crate::clients::{CLIENTS, ClientArgs, ServerArgs, Site};
use crate::measure::progress;
use crate::model::{Agreement, Row, Run};
use crate::peers::{BookScripts, Curl, PYTHON_SCRIPTS};
use crate::{cargo, clients, peers, svg, table, timeline};

/// The options of `compare` (its help text is on `Cli::Compare`).
#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Args {
    #[command(subcommand)]
    pub what: Option<What>,

    #[command(flatten)]
    pub binaries: cargo::Prebuilt,

    /// Append ARG to one client's arguments only, as `CLIENT=ARG`. A test
    /// hook: it makes the models disagree on purpose.
    #[arg(long, value_name = "CLIENT=ARG", hide = true)]
    pub extra: Vec<String>,

    /// Which in-process server the clients hit (LOCAL, DELAY, ERROR, any
    /// case), or the base URL of another one, e.g. nginx serving the same
    /// flags as `<cc>/<cc>.gif`. DELAY by default: over a delay like the
    /// network's, the models differ as the chapter says.
    #[arg(short, long, visible_alias = "base-url", value_name = "LABEL|URL")]
    #[arg(value_parser = parse_target, default_value = "DELAY")]
    pub server: Site,

    #[command(flatten)]
    pub settings: ServerArgs,

    /// ERROR: probability of answering 418 I'm a Teapot.
    #[arg(long, value_name = "P", default_value_t = 0.25)]
    pub error_rate: f64,

    /// Run only these clients, e.g. `--models threadpool,asyncio` when the
    /// sequential one would take half an hour (`-e` on DELAY).
    #[arg(long, value_delimiter = ',', value_name = "MODELS")]
    #[arg(value_parser = ["sequential", "threadpool", "asyncio"])]
    pub models: Vec<String>,

    /// Run each model N times; cells show the median and the range.
    #[arg(long, value_name = "N", default_value_t = 1)]
    #[arg(value_parser = clap::value_parser!(u32).range(1..=100))]
    pub runs: u32,

    #[command(flatten)]
    pub format: table::Format,

    /// Where to draw the requests of each model's first run over time, as
    /// SVG [default: target/xtask/compare-timeline.svg].
    #[arg(long, value_name = "FILE.svg")]
    pub timeline: Option<PathBuf>,

    /// Pair each client with curl at the same parallelism (`curl -K list`
    /// or `curl -Z --parallel-max M`), alternating the two, and add a
    /// column with the median ratio of their wall times.
    #[arg(long)]
    pub with_curl: bool,

    /// Add a table of where each run's time went, as the server saw it:
    /// launch to the first request, the spread of the arrivals, the first
    /// request to the last response, and the last response to exit.
    #[arg(long)]
    pub breakdown: bool,

    /// Add rows for the book's flags2_*.py found in DIR (needs Python 3
    /// with httpx and tqdm; serves on ports 8000-8002 for them).
    #[arg(long, value_name = "DIR")]
    pub python: Option<PathBuf>,

    // Last of the options shown: its heading holds for every one after it.
    #[command(flatten)]
    pub client: ClientArgs,
}

/// `-s`: a label of the test servers, whose base URL is known once they
/// are started, or a base URL of the user's.
fn parse_target(text: &str) -> Result<Site, String> {
    if text.starts_with("http://") || text.starts_with("https://") {
        let base_url = text.trim_end_matches('/').to_owned();
        return Ok(Site { kind: None, base_url });
    }
    let kind =
        <Kind as clap::ValueEnum>::from_str(text, true).map_err(|_| {
            format!("{text:?} is neither LOCAL, DELAY, ERROR nor a base URL")
        })?;
    Ok(Site { kind: Some(kind), base_url: String::new() })
}

/// What else `compare` can compare.
#[derive(Debug, clap::Subcommand)]
pub enum What {
    /// The executors of `primes` side by side: sequential, threads,
    /// processes.
    Primes(crate::primes::Args),
}

/// `cargo xtask compare`: returns whether the counts agreed (or were not
/// required to).
pub fn run(args: &Args) -> Result<bool> {
    let client_args = args.client.to_vec();
    let cc_list = clients::codes(&client_args)?;
    // `--models asyncio` names flags_asyncio.
    let chosen = |name: &&str| {
        args.models.is_empty() || args.models.iter().any(|m| name.ends_with(m))
    };
    let names: Vec<&str> = CLIENTS.into_iter().filter(chosen).collect();
    let programs = args.binaries.binaries(&names)?;
    let config = args.settings.config(args.error_rate)?;
    // A server that is not ours answers as LOCAL does, at once and always
    // the same, and its counts follow LOCAL's rules.
    let kind = args.server.kind.unwrap_or(Kind::Local);
    let ours = args.server.kind.map(|_| config.clone());
    let server = ours.map(clients::start_server).transpose()?;
    let observed = server.as_ref().map(|server| (server, kind));
    let site = match &server {
        Some(server) => Site::ours(server, kind),
        None => args.server.clone(),
    };

    let timeout =
        args.client.timeout.unwrap_or(flags_common::cli::DEFAULT_TIMEOUT);
    let curl = Curl { base_url: &site.base_url, cc_list: &cc_list, timeout };
    let with_curl = args.with_curl && peers::curl_available();
    let mut notes = Vec::new();
    if args.with_curl && !with_curl {
        let note = "--with-curl: no curl on PATH; its rows are left out";
        notes.push(note.into());
    }

    let mut rows = Vec::new();
    for (name, program) in names.iter().zip(&programs) {
        let mut cmd_args = client_args.clone();
        cmd_args.extend(extra_args(&args.extra, name)?);
        let ours = |n: u32| -> Result<Run> {
            progress(name, n, args.runs);
            clients::run(program, &cmd_args, &site, &observed)
                .with_context(|| format!("{name} failed"))
        };
        let theirs = |parallel: u64, n: u32| -> Result<Run> {
            progress(&Curl::model(parallel), n, args.runs);
            curl.run(parallel, &observed)
        };
        let (mut runs, mut curl_runs) = (Vec::new(), Vec::new());
        let mut parallel = 1;
        for n in 1..=args.runs {
            // A B, B A, ...: the first run is the client's, whose report
            // says the parallelism curl is to match.
            let curl_first = with_curl && n % 2 == 0;
            if curl_first {
                curl_runs.push(theirs(parallel, n)?);
            }
            runs.push(ours(n)?);
            parallel = curl.parallel(runs[0].report.concurrency);
            if with_curl && !curl_first {
                curl_runs.push(theirs(parallel, n)?);
            }
        }
        let mut row = Row::new(*name, runs);
        // A ratio only between equals: curl opens at most 300 transfers at
        // once, and a client with more in flight would be compared with a
        // curl doing less at a time, to the client's credit.
        let concurrency = row.runs[0].report.concurrency;
        if with_curl && parallel == concurrency {
            let pairs = row.runs.iter().zip(&curl_runs);
            row.vs_curl =
                pairs.map(|(a, b)| a.wall / b.wall.max(1e-9)).collect();
        } else if with_curl {
            notes.push(format!(
                "--with-curl: curl opens at most {parallel} transfers at once \
                 and {name} had {concurrency}, so that pair has no ratio"
            ));
        }
        rows.push(row);
        if with_curl {
            rows.push(Row::new(Curl::model(parallel), curl_runs));
        }
    }
    // A missing file, Python, module or port is a note: no reason to lose
    // the table of our own clients.
    if let Some(dir) = &args.python {
        let ports = "--python: the book's scripts know only their own \
                     servers' ports";
        let book = (site.kind.context(ports)).and_then(|kind| {
            BookScripts::start(dir, &PYTHON_SCRIPTS, kind, &config)
        });
        match book {
            Ok(book) => rows.extend(book.rows(&client_args, args.runs)?),
            Err(error) => {
                notes.push(format!("{error:#}; the Python rows are left out"))
            }
        }
    }
    notes.extend(crate::measure::rss_floor_note());

    // The picture first, so that the table can name where it went.
    let path = args.timeline.clone().unwrap_or_else(|| {
        cargo::target_dir().join("xtask").join("compare-timeline.svg")
    });
    let server = site.kind.map_or(site.base_url.clone(), |k| k.to_string());
    let shown_args = table::shown_args(&client_args, "no client args");
    let title = format!(
        "{server} server, {} codes ({shown_args}): one bar per request, one \
         lane per connection",
        cc_list.len()
    );
    let timeline = (svg::save(&path, &timeline::render(&title, &rows)))
        .map(|()| shown(&path))
        .map_err(|error| notes.push(format!("{error:#}")))
        .ok();
    let out = table::Output {
        server: site.kind.map_or("URL".into(), |kind| kind.to_string()),
        base_url: site.base_url.clone(),
        client_args: client_args.clone(),
        codes: cc_list.len(),
        settings: &args.settings,
        error_rate: args.error_rate,
        runs: args.runs,
        rows: rows.iter().map(table::RowOut::from).collect(),
        agreement: Agreement::of(kind, &rows),
        timeline,
        notes,
    };
    args.format.print(&out, |md| table::render(&out, md, args.breakdown))?;
    if !out.agreement.agree {
        eprintln!("compare: the counts disagree: {}", out.agreement.note);
    }
    Ok(out.agreement.agree)
}

/// `path` as the reader can type it: relative to the current directory
/// when it lies below it.
fn shown(path: &Path) -> String {
    let here = std::env::current_dir().unwrap_or_default();
    path.strip_prefix(&here).unwrap_or(path).display().to_string()
}

/// The arguments `--extra CLIENT=ARG` adds for `client`.
fn extra_args(extra: &[String], client: &str) -> Result<Vec<String>> {
    let split = |item: &String| match item.split_once('=') {
        Some((name, arg)) => Ok((name == client).then(|| arg.to_owned())),
        None => Err(anyhow!("--extra takes CLIENT=ARG, not {item:?}")),
    };
    extra.iter().filter_map(|item| split(item).transpose()).collect()
}
