//! `cargo xtask sweep`: how the time of a download falls, and the memory
//! grows, as concurrency rises, the question the chapter answers by trying
//! a few `-m` by hand (its `--help` is on `Cli::Sweep`; `sweep_plot.rs`
//! draws it). Every run asks for the same codes from a server whose delays
//! come from a fixed seed and the request's ordinal, so the runs differ in
//! their concurrency alone.
//!
//! `-e` rather than `-a`: with the 194 codes of `-a` every `-m` above 194
//! runs the same 194 requests at once, three copies of one run at the top
//! of the sweep; the 676 of `-e` keep `-m` meaningful up to 500.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use flags_server::{Config, Kind};
use serde::Serialize;

use crate::clients::{CONCURRENT, ClientArgs, ServerArgs, Site};
use crate::model::{Agreement, Row, Run};
use crate::parse::Report;
use crate::peers::BookScripts;
use crate::sweep_plot::{Plot, seconds};
use crate::table::Column;
use crate::{cargo, clients, measure, table};

/// Their counterparts in the book, run with `--python DIR`.
const PYTHON_SCRIPTS: [&str; 2] = ["flags2_threadpool.py", "flags2_asyncio.py"];

/// The book's scripts give every request 3.1 s, and cannot be told
/// otherwise.
const PYTHON_TIMEOUT: f64 = 3.1;

/// Within this factor of the floor, a run counts as having reached it.
const NEAR_FLOOR: f64 = 1.10;

/// The options of `sweep`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub binaries: cargo::Prebuilt,

    /// The values of -m to run, in order.
    #[arg(short = 'm', long = "max-req", value_name = "LIST")]
    #[arg(value_delimiter = ',')]
    #[arg(default_value = "1,2,5,10,20,50,100,200,500,1000")]
    #[arg(value_parser = clap::value_parser!(u64).range(1..))]
    pub max_req: Vec<u64>,

    /// The 194 codes of -a instead of the 676 of -e (a shorter sweep,
    /// flat above -m 194).
    #[arg(short, long)]
    pub all: bool,

    /// Only the first N codes.
    #[arg(short, long, value_name = "N")]
    #[arg(value_parser = clap::value_parser!(u64).range(1..))]
    pub limit: Option<u64>,

    #[command(flatten)]
    pub settings: ServerArgs,

    /// Seconds each request of our clients may take [default: 1 s more
    /// than --max-delay, and at least the book's 3.1].
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<f64>,

    /// Draw elapsed time and peak memory against concurrency, as SVG.
    #[arg(long, value_name = "FILE.svg")]
    pub svg: Option<PathBuf>,

    #[command(flatten)]
    pub format: table::Format,

    /// Add the book's flags2_threadpool.py and flags2_asyncio.py found in
    /// DIR (needs Python 3 with httpx and tqdm; serves on port 8001 for
    /// them).
    #[arg(long, value_name = "DIR")]
    pub python: Option<PathBuf>,
}

/// Everything `sweep` found, as `--json` prints it.
#[derive(Debug, Serialize)]
pub struct Output<'a> {
    pub server: String,
    /// What every run was given besides `-m`, `-s` and `--dest`.
    pub client_args: Vec<String>,
    #[serde(flatten)]
    pub settings: &'a ServerArgs,
    pub codes: u64,
    /// The longest delay the server chose in any run, seconds.
    pub floor: f64,
    pub runs: Vec<RunOut>,
    pub models: Vec<ModelOut>,
    pub agreement: Agreement,
    pub notes: Vec<String>,
}

/// One run's figures: the client's report (its concurrency, counts and
/// own "Elapsed time"), `wait4`, and the server's statistics of the run.
#[derive(Debug, Serialize)]
pub struct RunOut {
    pub model: String,
    /// The `-m` it was given.
    pub max_req: u64,
    #[serde(flatten)]
    pub report: Report,
    pub wall: f64,
    pub max_rss_kib: Option<u64>,
    pub peak_in_flight: u64,
    pub requests: u64,
    pub by_status: BTreeMap<u16, u64>,
    pub longest_delay: f64,
}

/// What the runs of one model add up to.
#[derive(Debug, Serialize)]
pub struct ModelOut {
    pub model: String,
    /// The first `-m` whose elapsed time is within 10% of the floor.
    pub near_floor_from: Option<u64>,
    /// Peak memory per 100 concurrent requests, MiB: the least-squares
    /// slope of peak RSS over the concurrency used.
    pub mib_per_100: Option<f64>,
}

/// `cargo xtask sweep`: returns whether the counts of every run agreed.
pub fn run(args: &Args) -> Result<bool> {
    let max_delay = args.settings.max_delay;
    let config = args.settings.config(Config::default().error_rate)?;
    let timeout = args
        .timeout
        .unwrap_or((max_delay + 1.0).max(flags_common::cli::DEFAULT_TIMEOUT));
    let (all, limit) = (args.all, args.limit);
    let client =
        ClientArgs { all, every: !all, limit, ..ClientArgs::default() };
    let client_args = client.to_vec();
    let codes = clients::codes(&client_args)?.len() as u64;
    // The book's scripts are checked for first, so a missing one is said
    // at once rather than after an hour of sweeping.
    let files = [PYTHON_SCRIPTS[0], PYTHON_SCRIPTS[1], "flags2_common.py"];
    let book = (args.python.as_ref())
        .map(|dir| BookScripts::start(dir, &files, Kind::Delay, &config))
        .transpose()?;
    let programs = args.binaries.binaries(&CONCURRENT)?;
    let mut notes = Vec::new();
    let server = clients::start_server(config)?;
    let site = Site::ours(&server, Kind::Delay);
    if book.is_some() && max_delay >= PYTHON_TIMEOUT {
        notes.push(format!(
            "the book's scripts give each request {PYTHON_TIMEOUT} s, so \
             with delays up to {max_delay} s some of theirs time out \
             (errors)"
        ));
    }

    // Every model at one -m, then the next -m: a machine that gets busier
    // or quieter during the sweep then weighs on all models alike.
    let book_models = book.iter().flat_map(|_| PYTHON_SCRIPTS);
    let models: Vec<&str> = CONCURRENT.into_iter().chain(book_models).collect();
    let mut rows: Vec<Row> =
        models.iter().map(|&model| Row::new(model, Vec::new())).collect();
    let total = args.max_req.len() * rows.len();
    let mut done = 0;
    for &m in &args.max_req {
        for (i, row) in rows.iter_mut().enumerate() {
            done += 1;
            let model = row.model.as_str();
            eprintln!("sweep: {model} -m {m} (run {done} of {total})");
            let mut run_args = client_args.clone();
            run_args.extend(["-m".to_owned(), m.to_string()]);
            let run = match (programs.get(i), &book) {
                (Some(program), _) => {
                    run_args.extend(["--timeout".into(), timeout.to_string()]);
                    let observed = Some((&server, Kind::Delay));
                    clients::run(program, &run_args, &site, &observed)
                }
                (None, Some(book)) => book.run(model, &run_args),
                (None, None) => bail!("{model} without --python"),
            };
            let run = run.with_context(|| format!("{model} -m {m} failed"))?;
            row.runs.push(run);
        }
    }

    notes.extend(measure::rss_floor_note());
    let runs_of = |row: &Row| {
        let runs = args.max_req.iter().zip(&row.runs);
        runs.map(|(&m, run)| RunOut::new(&row.model, m, run))
            .collect::<Vec<_>>()
    };
    let runs: Vec<RunOut> = rows.iter().flat_map(runs_of).collect();
    let floor = runs.iter().map(|r| r.longest_delay).fold(0.0, f64::max);
    let out = Output {
        server: Kind::Delay.to_string(),
        client_args,
        settings: &args.settings,
        codes,
        floor,
        models: models.iter().map(|m| summary(m, &runs, floor)).collect(),
        runs,
        // As `compare` checks it, with one row per model.
        agreement: Agreement::of(Kind::Delay, &rows),
        notes,
    };
    args.format.print(&out, |markdown| render(&out, markdown))?;
    if let Some(path) = &args.svg {
        let title = format!("{}: one point per run", what_ran(&out));
        let max_req = &args.max_req;
        let plot = Plot { title, floor, rows: &rows, max_req };
        crate::svg::save(path, &plot.render())?;
        eprintln!("sweep: picture written to {}", path.display());
    }
    if !out.agreement.agree {
        eprintln!("sweep: the counts disagree: {}", out.agreement.note);
    }
    Ok(out.agreement.agree)
}

impl RunOut {
    fn new(model: &str, max_req: u64, run: &Run) -> RunOut {
        let mut by_status = BTreeMap::new();
        for record in &run.records {
            *by_status.entry(record.status).or_insert(0) += 1;
        }
        RunOut {
            model: model.to_owned(),
            max_req,
            report: run.report,
            wall: run.wall,
            max_rss_kib: run.max_rss_kib,
            // The sweep always runs against our own server, which always
            // reports its peak; only a foreign `-s URL` has none.
            peak_in_flight: run.peak_in_flight.unwrap_or_default(),
            requests: run.records.len() as u64,
            by_status,
            longest_delay: run.longest_delay(),
        }
    }
}

/// Where a model reaches the floor, and its memory per 100 workers.
fn summary(model: &str, runs: &[RunOut], floor: f64) -> ModelOut {
    let mut mine: Vec<&RunOut> =
        runs.iter().filter(|r| r.model == model).collect();
    mine.sort_by_key(|r| r.max_req);
    let near =
        |r: &RunOut| floor > 0.0 && r.report.elapsed <= floor * NEAR_FLOOR;
    let near_floor_from = mine.iter().find(|r| near(r)).map(|r| r.max_req);
    let point = |r: &&RunOut| {
        Some((r.report.concurrency as f64, r.max_rss_kib? as f64 / 1024.0))
    };
    let points: Vec<(f64, f64)> = mine.iter().filter_map(point).collect();
    ModelOut {
        model: model.to_owned(),
        near_floor_from,
        mib_per_100: slope(&points).map(|s| s * 100.0),
    }
}

/// The least-squares slope of y over x, if x varies at all.
fn slope(points: &[(f64, f64)]) -> Option<f64> {
    let n = points.len() as f64;
    let mean_x = points.iter().map(|p| p.0).sum::<f64>() / n;
    let mean_y = points.iter().map(|p| p.1).sum::<f64>() / n;
    let sxx: f64 = points.iter().map(|p| (p.0 - mean_x).powi(2)).sum();
    let sxy: f64 = points.iter().map(|p| (p.0 - mean_x) * (p.1 - mean_y)).sum();
    (sxx > 0.0).then(|| sxy / sxx)
}

/// The table, a line above saying what ran, and the two answers below.
pub fn render(out: &Output, markdown: bool) -> String {
    let floor = out.floor.max(1e-9);
    let columns: [Column<RunOut>; 10] = [
        ("model", &|run| run.model.clone()),
        ("-m", &|run| run.max_req.to_string()),
        ("concurrency", &|run| run.report.concurrency.to_string()),
        ("OK", &|run| run.report.counts.ok.to_string()),
        ("not found", &|run| run.report.counts.not_found.to_string()),
        ("errors", &|run| run.report.counts.errors.to_string()),
        ("elapsed", &|run| format!("{:.2} s", run.report.elapsed)),
        ("÷ floor", &|run| format!("{:.2}", run.report.elapsed / floor)),
        ("peak RSS", &|run| table::mib(run.max_rss_kib.map(|k| k as f64))),
        ("peak in-flight", &|run| run.peak_in_flight.to_string()),
    ];
    let mut text = format!("{}, per run\n\n", what_ran(out));
    text += &table::grid(&columns, &out.runs, markdown);
    text += &format!(
        "\nFloor: {}, the longest delay the server chose; every run met \
         the same delays, so no run can end sooner.\n",
        seconds(out.floor)
    );
    for model in &out.models {
        let near = match model.near_floor_from {
            Some(m) => format!("within 10% of the floor from -m {m}"),
            None => "never within 10% of the floor".to_owned(),
        };
        let memory = match model.mib_per_100 {
            Some(mib) => format!("{mib:+.1} MiB of peak RSS per 100 workers"),
            None => "memory slope unknown".to_owned(),
        };
        text += &format!("{}: {near}; {memory}.\n", model.model);
    }
    text + &table::footer(&out.agreement, None, &out.notes)
}

/// What every run was: "DELAY server, delays 0.5–5 s, seed 2022, 676
/// codes (-e)".
fn what_ran(out: &Output) -> String {
    let ServerArgs { min_delay, max_delay, seed } = out.settings;
    let (codes, args) = (out.codes, out.client_args.join(" "));
    format!(
        "{} server, delays {min_delay}–{max_delay} s, seed {seed}, {codes} \
         codes ({args})",
        out.server
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::Counts;

    /// The slope of a line is its slope; a single x has none.
    #[test]
    fn slope_fits_a_line() {
        let line = [(1.0, 5.0), (101.0, 6.0), (201.0, 7.0)];
        assert!((slope(&line).unwrap() - 0.01).abs() < 1e-12);
        assert_eq!(slope(&[(3.0, 1.0), (3.0, 2.0)]), None);
    }

    fn run_out(max_req: u64, elapsed: f64) -> RunOut {
        RunOut {
            model: "m".into(),
            max_req,
            report: Report {
                concurrency: max_req,
                counts: Counts::default(),
                elapsed,
            },
            wall: elapsed,
            max_rss_kib: Some(1024 * max_req),
            peak_in_flight: max_req,
            requests: 0,
            by_status: BTreeMap::new(),
            longest_delay: 1.0,
        }
    }

    /// The floor is reached at the first -m within 10% of it, in -m
    /// order, whatever order the runs come in.
    #[test]
    fn near_floor_is_the_first_m_within_ten_percent() {
        let runs = [run_out(100, 1.05), run_out(1, 50.0), run_out(10, 5.0)];
        let summary = summary("m", &runs, 1.0);
        assert_eq!(summary.near_floor_from, Some(100));
        assert_eq!(summary.mib_per_100.map(f64::round), Some(100.0));
    }
}
