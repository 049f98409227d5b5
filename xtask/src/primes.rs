//! `cargo xtask compare primes`: the three executors of `primes` (the
//! chapter's `proc_pool.py`) side by side, on the same 20 numbers.
//!
//! The book shows that a `ProcessPoolExecutor` speeds up CPU-bound work in
//! Python while threads cannot, because of the GIL. Rust has no GIL, so
//! here threads and processes should both scale with the cores; the table
//! shows by how much: total time, speedup over the sequential run, and
//! parallel efficiency (speedup divided by workers; 1.0 is perfect).

use std::path::PathBuf;
use std::process::Command;
use std::thread;

use anyhow::{Context, Result, bail};
use serde::Serialize;

use crate::parse::parse_total_time;
use crate::runner::progress;
use crate::table::Spread;
use crate::{cargo, measure, table};

/// Runs `primes` sequentially, on threads and on processes, and compares.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Workers for the threads and processes executors [default: the
    /// number of CPUs].
    #[arg(value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub workers: Option<u32>,

    /// Run each executor N times; cells show the median and the range.
    #[arg(long, value_name = "N", default_value_t = 1)]
    #[arg(value_parser = clap::value_parser!(u32).range(1..=100))]
    pub runs: u32,

    /// Print the results as JSON instead of a table.
    #[arg(long, conflicts_with = "markdown")]
    pub json: bool,

    /// Print the table as Markdown.
    #[arg(long)]
    pub markdown: bool,

    /// Take the `primes` binary from DIR instead of building it.
    #[arg(long, value_name = "DIR", hide = true)]
    pub bin_dir: Option<PathBuf>,
}

/// One executor's figures, as `--json` prints them.
#[derive(Debug, Serialize)]
pub struct Row {
    pub executor: &'static str,
    pub workers: u32,
    /// `primes`' own "Total time", seconds.
    pub total: Spread,
    /// Sequential median total over this one's median total.
    pub speedup: f64,
    /// Speedup per worker: 1.0 means every worker was fully used.
    pub efficiency: f64,
    /// Peak RSS in KiB of the largest process of the run (`wait4`
    /// reports the maximum over the child and the workers it reaped).
    pub max_rss_kib: Option<f64>,
}

/// `cargo xtask compare primes`.
pub fn run(args: &Args) -> Result<()> {
    let dir = match &args.bin_dir {
        Some(dir) => dir.clone(),
        None => {
            cargo::build_release(&["primes"])?;
            cargo::release_dir()
        }
    };
    let program = cargo::binary(&dir, "primes")?;
    let workers = match args.workers {
        Some(n) => n,
        None => thread::available_parallelism()
            .map_or(1, |n| u32::try_from(n.get()).unwrap_or(u32::MAX)),
    };
    let mut rows: Vec<Row> = Vec::new();
    for (executor, n) in
        [("sequential", 1), ("threads", workers), ("processes", workers)]
    {
        let mut totals = Vec::new();
        let mut rss = Vec::new();
        for run in 1..=args.runs {
            progress(&format!("primes --executor {executor}"), run, args.runs);
            let mut cmd = Command::new(&program);
            cmd.args(["--executor", executor]);
            if executor != "sequential" {
                cmd.arg(n.to_string());
            }
            let measured = measure::run(&mut cmd)?;
            if !measured.status.success() {
                bail!(
                    "primes --executor {executor} exited with {}:\n{}{}",
                    measured.status,
                    measured.stdout,
                    measured.stderr
                );
            }
            totals.push(
                parse_total_time(&measured.stdout)
                    .context("cannot read the report of primes")?,
            );
            rss.extend(measured.max_rss_kib.map(|kib| kib as f64));
        }
        let total = Spread::of(totals).context("no runs")?;
        rows.push(Row {
            executor,
            workers: n,
            total,
            speedup: 0.0,
            efficiency: 0.0,
            max_rss_kib: Spread::of(rss).map(|s| s.median),
        });
    }
    let baseline = rows[0].total.median;
    for row in &mut rows {
        // A total of 0.00s (numbers too small to time) would divide by
        // zero; 1/100 s is the resolution of the line we read.
        row.speedup = baseline.max(0.01) / row.total.median.max(0.01);
        row.efficiency = row.speedup / f64::from(row.workers);
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&rows)?);
    } else {
        print!("{}", render(&rows, args.runs, args.markdown));
        if let Some(kib) = measure::rss_floor_kib() {
            println!(
                "\nNote: peak RSS cannot read below {:.1} MiB here, what the \
                 small process that starts each program weighs itself",
                kib as f64 / 1024.0
            );
        }
    }
    Ok(())
}

fn render(rows: &[Row], runs: u32, markdown: bool) -> String {
    let headers =
        ["executor", "workers", "total", "speedup", "efficiency", "peak RSS"];
    let cells: Vec<[String; 6]> = rows
        .iter()
        .map(|row| {
            let total = if runs > 1 {
                format!(
                    "{:.2} s ({:.2}–{:.2})",
                    row.total.median, row.total.min, row.total.max
                )
            } else {
                format!("{:.2} s", row.total.median)
            };
            [
                row.executor.to_owned(),
                row.workers.to_string(),
                total,
                format!("{:.2}×", row.speedup),
                format!("{:.2}", row.efficiency),
                row.max_rss_kib.map_or("–".into(), |kib| {
                    format!("{:.1} MiB", kib / 1024.0)
                }),
            ]
        })
        .collect();
    let mut text = String::new();
    if runs > 1 {
        text += &format!("primes: median of {runs} runs (range)\n\n");
    }
    text += &table::grid(&headers, &cells, markdown);
    text
}
