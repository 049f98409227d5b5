//! `cargo xtask compare primes`: the three executors of `primes` (the
//! chapter's `proc_pool.py`) side by side, on the same 20 numbers. The book
//! shows that processes speed up CPU-bound Python while threads cannot,
//! because of the GIL; in Rust both should scale with the cores, and the
//! table shows by how much. With `--python DIR` the book's program joins
//! it ([`python_jobs`]), each language against its own sequential run, so
//! the GIL shows as a number: Python's threads take as long as one.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::thread;

use anyhow::{Context, Result, bail};
use serde::Serialize;

use crate::measure::progress;
use crate::parse::parse_total_time;
use crate::peers::{Python, book_dir};
use crate::table::{Column, Spread};
use crate::{cargo, measure, table};

/// Runs `primes` sequentially, on threads and on processes, and compares.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub binaries: cargo::Prebuilt,

    /// Workers for the threads and processes executors [default: the
    /// number of CPUs].
    #[arg(value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub workers: Option<u32>,

    /// Run each executor N times; cells show the median and the range.
    #[arg(long, value_name = "N", default_value_t = 1)]
    #[arg(value_parser = clap::value_parser!(u32).range(1..=100))]
    pub runs: u32,

    #[command(flatten)]
    pub format: table::Format,

    /// Add rows for the book's proc_pool.py found in DIR (with its
    /// primes.py), on processes, on threads, and sequentially.
    #[arg(long, value_name = "DIR")]
    pub python: Option<PathBuf>,
}

/// `python -c THREADS_INSTEAD FILE ARGS` runs `proc_pool.py` on threads:
/// `ThreadPoolExecutor` in place of the `futures.ProcessPoolExecutor` it
/// reads, then the file as `__main__`.
pub const THREADS_INSTEAD: &str = "\
import os, runpy, sys
from concurrent import futures
futures.ProcessPoolExecutor = futures.ThreadPoolExecutor
path = sys.argv[1]
sys.argv = sys.argv[1:]
sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
runpy.run_path(path, run_name='__main__')
";

/// The files `--python DIR` needs: the program and the module it imports.
pub const PYTHON_FILES: [&str; 2] = ["proc_pool.py", "primes.py"];

/// One executor's figures, as `--json` prints them.
#[derive(Debug, Serialize)]
pub struct Row {
    /// "Rust" for our `primes`, "Python" for the book's `proc_pool.py`.
    pub language: &'static str,
    pub executor: &'static str,
    pub workers: u32,
    /// The program's own "Total time", seconds.
    pub total: Spread,
    /// Over the sequential run's, in the same language (0.5: twice as fast).
    pub vs_sequential: f64,
    pub speedup: f64,
    /// Speedup per worker: 1.0 means every worker was fully used.
    pub efficiency: f64,
    /// KiB, of the largest process of the run (`wait4` reports the most of
    /// the child and the workers it reaped).
    pub max_rss_kib: Option<f64>,
}

/// A program to time: which row it makes, and how to start it.
struct Job {
    language: &'static str,
    executor: &'static str,
    workers: u32,
    /// What the progress line says.
    label: String,
    command: Command,
}

/// `cargo xtask compare primes`.
pub fn run(args: &Args) -> Result<()> {
    // The Python rows are checked for first, so a missing file or
    // interpreter is said at once, not after the Rust rows have run.
    let python = match &args.python {
        Some(dir) => {
            Some((book_dir(dir, &PYTHON_FILES, "primes")?, Python::find(&[])?))
        }
        None => None,
    };
    let binaries = args.binaries.binaries(&["primes"])?;
    let [program] = binaries.as_slice() else { bail!("no primes binary") };
    let workers = args.workers.unwrap_or_else(|| {
        let cpus = thread::available_parallelism().map_or(1, |n| n.get());
        u32::try_from(cpus).unwrap_or(u32::MAX)
    });
    let rust = |executor, n: u32| {
        let mut command = Command::new(program);
        command.args(["--executor", executor]);
        if executor != "sequential" {
            command.arg(n.to_string());
        }
        let label = format!("primes --executor {executor}");
        Job { language: "Rust", executor, workers: n, label, command }
    };
    let executors =
        [("sequential", 1), ("threads", workers), ("processes", workers)];
    let mut jobs: Vec<Job> = executors.map(|(name, n)| rust(name, n)).into();
    if let Some((dir, python)) = &python {
        jobs.extend(python_jobs(*python, dir, workers));
    }

    let mut rows: Vec<Row> = Vec::new();
    for mut job in jobs {
        let mut totals = Vec::new();
        let mut rss = Vec::new();
        for run in 1..=args.runs {
            progress(&job.label, run, args.runs);
            let measured = measure::run(&mut job.command)?;
            totals.push(measured.read(&job.label, true, parse_total_time)?);
            rss.extend(measured.max_rss_kib.map(|kib| kib as f64));
        }
        let total = Spread::of(totals).context("no runs")?;
        rows.push(Row {
            language: job.language,
            executor: job.executor,
            workers: job.workers,
            total,
            vs_sequential: 0.0,
            speedup: 0.0,
            efficiency: 0.0,
            max_rss_kib: Spread::of(rss).map(|s| s.median),
        });
    }
    compare_with_sequential(&mut rows);
    args.format.print(&rows, |markdown| {
        let mut text = render(&rows, args.runs, markdown);
        if let Some((dir, python)) = &python {
            text += &format!(
                "\nPython ({python}): {} as it is (processes); with \
                 ThreadPoolExecutor in place of ProcessPoolExecutor \
                 (threads); the same with 1 worker (sequential)\n",
                dir.join("proc_pool.py").display()
            );
        }
        if let Some(note) = measure::rss_floor_note() {
            text += &format!("\nNote: {note}\n");
        }
        text
    })
}

/// The book's `proc_pool.py` three ways: as it is (processes), through
/// [`THREADS_INSTEAD`] (threads), and that with one worker (sequential).
fn python_jobs(python: Python, dir: &Path, workers: u32) -> Vec<Job> {
    let script = dir.join("proc_pool.py");
    let job = |executor, n: u32, on: &str, threads_instead: bool| {
        let mut command = python.command();
        if threads_instead {
            command.args(["-c", THREADS_INSTEAD]);
        }
        command.arg(&script).arg(n.to_string()).current_dir(dir);
        let label = format!("proc_pool.py on {n} {on}");
        Job { language: "Python", executor, workers: n, label, command }
    };
    vec![
        job("sequential", 1, "thread", true),
        job("threads", workers, "threads", true),
        job("processes", workers, "processes", false),
    ]
}

/// Fills in each row's ratios to its own language's sequential run.
fn compare_with_sequential(rows: &mut [Row]) {
    let sequential = |language: &str, rows: &[Row]| {
        rows.iter()
            .find(|row| row.language == language && row.workers == 1)
            .map(|row| row.total.median)
    };
    for i in 0..rows.len() {
        let Some(baseline) = sequential(rows[i].language, rows) else {
            continue;
        };
        let row = &mut rows[i];
        // A total of 0.00s (numbers too small to time) would divide by
        // zero; 1/100 s is the resolution of the line we read.
        let (baseline, total) =
            (baseline.max(0.01), row.total.median.max(0.01));
        row.vs_sequential = total / baseline;
        row.speedup = baseline / total;
        row.efficiency = row.speedup / f64::from(row.workers);
    }
}

fn render(rows: &[Row], runs: u32, markdown: bool) -> String {
    // With Python rows beside ours, each row says its language.
    let languages = rows.iter().any(|row| row.language != "Rust");
    let columns: [Column<Row>; 7] = [
        ("executor", &|row| match languages {
            true => format!("{} {}", row.language, row.executor),
            false => row.executor.to_owned(),
        }),
        ("workers", &|row| row.workers.to_string()),
        ("total", &|row| table::seconds(row.total, runs > 1)),
        ("÷ sequential", &|row| format!("{:.2}", row.vs_sequential)),
        ("speedup", &|row| format!("{:.2}×", row.speedup)),
        ("efficiency", &|row| format!("{:.2}", row.efficiency)),
        ("peak RSS", &|row| table::mib(row.max_rss_kib)),
    ];
    let title = (runs > 1)
        .then(|| format!("primes: median of {runs} runs (range)\n\n"));
    title.unwrap_or_default() + &table::grid(&columns, rows, markdown)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(language: &'static str, executor: &'static str, total: f64) -> Row {
        let workers = if executor == "sequential" { 1 } else { 2 };
        Row {
            language,
            executor,
            workers,
            total: Spread { median: total, min: total, max: total },
            vs_sequential: 0.0,
            speedup: 0.0,
            efficiency: 0.0,
            max_rss_kib: None,
        }
    }

    /// Each row is measured against the sequential run of its own
    /// language, not against Rust's.
    #[test]
    fn ratios_are_against_the_same_languages_sequential_run() {
        let mut rows = vec![
            row("Rust", "sequential", 1.0),
            row("Rust", "threads", 0.5),
            row("Python", "sequential", 36.0),
            row("Python", "threads", 36.0),
            row("Python", "processes", 18.0),
        ];
        compare_with_sequential(&mut rows);
        let ratios: Vec<f64> = rows.iter().map(|r| r.vs_sequential).collect();
        assert_eq!(ratios, [1.0, 0.5, 1.0, 1.0, 0.5]);
        assert_eq!(rows[4].speedup, 2.0);
        assert_eq!(rows[4].efficiency, 1.0);
    }

    /// With Python rows the executor column names the language; without,
    /// it is as before.
    #[test]
    fn executor_column_names_the_language_only_beside_python() {
        let mut rows = vec![row("Rust", "threads", 1.0)];
        assert!(render(&rows, 1, true).contains("| threads |"));
        rows.push(row("Python", "threads", 1.0));
        let text = render(&rows, 1, true);
        assert!(text.contains("| Rust threads |"), "{text}");
        assert!(text.contains("| Python threads |"), "{text}");
    }

    /// proc_pool.py runs as written for processes; the other two rows run
    /// it through the patch that swaps the executor class, with 1 worker
    /// and with WORKERS.
    #[test]
    fn python_rows_run_the_books_file_three_ways() {
        let python = Python { program: "python3", args: &[] };
        let dir = Path::new("/book/primes");
        let jobs = python_jobs(python, dir, 2);
        let argv = |job: &Job| -> Vec<String> {
            job.command
                .get_args()
                .map(|a| a.to_string_lossy().into_owned())
                .collect()
        };
        let script = dir.join("proc_pool.py").display().to_string();
        assert_eq!(argv(&jobs[0]), ["-c", THREADS_INSTEAD, &script, "1"]);
        assert_eq!(argv(&jobs[1]), ["-c", THREADS_INSTEAD, &script, "2"]);
        assert_eq!(argv(&jobs[2]), [script.as_str(), "2"]);
        let executors: Vec<&str> = jobs.iter().map(|j| j.executor).collect();
        assert_eq!(executors, ["sequential", "threads", "processes"]);
        assert_eq!(jobs[0].workers, 1);
    }
}
