//! `cargo bench -p concurrent_futures --bench vs_cpython`: the cost per
//! task of this crate's pools, of CPython's `concurrent.futures` doing the
//! same work (`benches/vs_cpython.py`, run with `python3`), and of rayon's
//! `spawn` with a channel, the Rust reference; then one table with the
//! ratios. The rounds alternate between the two languages, so a machine
//! busy for a while slows both, and each case keeps its best round.
//!
//! The work is the smallest task there is (`x * 2`), so what is measured
//! is the pool: for threads, `submit` then `result` of each (and `map`) at
//! 1, 2 and 4 workers; for processes, `map` on 2 workers, task by task and
//! in chunks of 1000. Not in the book, which measures its programs; this
//! is the counterpart of timing CPython's executors themselves.
//!
//! `BENCH_ROUNDS` (default 3) sets the rounds; `BENCH_SCALE` (default 1)
//! divides every task count, for a quick look.

use std::collections::BTreeMap;
use std::process::{Command, ExitCode};
use std::sync::mpsc;
use std::time::Instant;

use concurrent_futures::{
    Executor, MapOptions, ProcessPoolExecutor, ThreadPoolExecutor,
};

fn tiny(x: u64) -> u64 {
    x * 2
}

/// Microseconds per task of `work`, which runs `tasks` tasks.
fn timed(tasks: u64, work: impl FnOnce()) -> f64 {
    let t0 = Instant::now();
    work();
    t0.elapsed().as_secs_f64() * 1e6 / tasks as f64
}

/// The task counts: threads, processes one by one, processes in chunks.
struct Counts {
    threads: u64,
    processes: u64,
    chunked: u64,
}

/// One round of the Rust side: case name to microseconds per task.
fn rust_round(counts: &Counts) -> Result<BTreeMap<String, f64>, String> {
    let mut results = BTreeMap::new();
    let n = counts.threads;
    for workers in [1, 2, 4] {
        let executor =
            ThreadPoolExecutor::new(workers).map_err(|e| e.to_string())?;
        let warm = executor.submit(|| tiny(0)).map_err(|e| e.to_string())?;
        warm.result().map_err(|e| e.to_string())?;
        let submit = timed(n, || {
            let futures: Vec<_> = (0..n)
                .filter_map(|i| executor.submit(move || tiny(i)).ok())
                .collect();
            for future in &futures {
                let _ = future.result();
            }
        });
        results.insert(format!("threads submit {workers}"), submit);
        let map = timed(n, || {
            executor.map(tiny, 0..n).for_each(drop);
        });
        results.insert(format!("threads map {workers}"), map);
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(workers)
            .build()
            .map_err(|e| e.to_string())?;
        let spawn = timed(n, || {
            let (tx, rx) = mpsc::channel();
            for i in 0..n {
                let tx = tx.clone();
                pool.spawn(move || {
                    tx.send(tiny(i)).ok();
                });
            }
            drop(tx);
            rx.iter().for_each(drop);
        });
        results.insert(format!("rayon spawn {workers}"), spawn);
    }
    let executor = ProcessPoolExecutor::new(2).map_err(|e| e.to_string())?;
    executor.map(tiny, 0..4).for_each(drop);
    let one_by_one = timed(counts.processes, || {
        executor.map(tiny, 0..counts.processes).for_each(drop);
    });
    results.insert("processes map".to_owned(), one_by_one);
    let options = MapOptions::default().chunksize(1000);
    let chunked = timed(counts.chunked, || {
        executor.map_with(tiny, 0..counts.chunked, options).for_each(drop);
    });
    results.insert("processes map chunksize=1000".to_owned(), chunked);
    Ok(results)
}

/// One round of the CPython side, from the script's JSON.
fn python_round(counts: &Counts) -> Result<BTreeMap<String, f64>, String> {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/vs_cpython.py");
    let output = Command::new("python3")
        .arg(script)
        .args(
            [counts.threads, counts.processes, counts.chunked]
                .map(|n| n.to_string()),
        )
        .output()
        .map_err(|e| format!("cannot run python3: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "python3 failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    serde_json::from_slice(&output.stdout)
        .map_err(|e| format!("python3's output: {e}"))
}

fn keep_best(best: &mut BTreeMap<String, f64>, round: BTreeMap<String, f64>) {
    for (case, cost) in round {
        let entry = best.entry(case).or_insert(f64::INFINITY);
        *entry = entry.min(cost);
    }
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&v| v > 0)
        .unwrap_or(default)
}

fn main() -> ExitCode {
    // First: in a worker process this runs tasks and never returns.
    concurrent_futures::init();
    let rounds = env_number("BENCH_ROUNDS", 3);
    let scale = env_number("BENCH_SCALE", 1);
    let counts = Counts {
        threads: 100_000 / scale,
        processes: 20_000 / scale,
        chunked: 200_000 / scale,
    };
    let (mut rust, mut python) = (BTreeMap::new(), BTreeMap::new());
    for round in 1..=rounds {
        eprintln!("round {round} of {rounds}");
        match rust_round(&counts).and_then(|r| {
            keep_best(&mut rust, r);
            python_round(&counts)
        }) {
            Ok(p) => keep_best(&mut python, p),
            Err(error) => {
                eprintln!("vs_cpython: {error}");
                return ExitCode::FAILURE;
            }
        }
    }
    print_table(&counts, &rust, &python);
    ExitCode::SUCCESS
}

fn print_table(
    counts: &Counts,
    rust: &BTreeMap<String, f64>,
    python: &BTreeMap<String, f64>,
) {
    println!(
        "µs per task, best of the rounds ({} thread tasks, {} and {} process tasks)",
        counts.threads, counts.processes, counts.chunked
    );
    println!(
        "| work | CPython | ours | rayon spawn + channel | CPython / ours | ours / rayon |"
    );
    println!("|---|---|---|---|---|---|");
    let cases = [
        "threads submit 1",
        "threads submit 2",
        "threads submit 4",
        "threads map 1",
        "threads map 2",
        "threads map 4",
        "processes map",
        "processes map chunksize=1000",
    ];
    for case in cases {
        let ours = rust.get(case).copied().unwrap_or(f64::NAN);
        let theirs = python.get(case).copied().unwrap_or(f64::NAN);
        let workers = case.rsplit(' ').next().unwrap_or_default();
        let rayon = case
            .starts_with("threads")
            .then(|| rust.get(&format!("rayon spawn {workers}")).copied())
            .flatten();
        let (rayon_cell, vs_rayon) = match rayon {
            Some(rayon) => {
                (format!("{rayon:.3}"), format!("{:.2}x", ours / rayon))
            }
            None => ("–".to_owned(), "–".to_owned()),
        };
        println!(
            "| {case} | {theirs:.3} | {ours:.3} | {rayon_cell} | {:.1}x | {vs_rayon} |",
            theirs / ours
        );
    }
}
