//! `cargo bench -p concurrent_futures --features bench-peers`: the cost per
//! task of this crate's pools beside CPython's `concurrent.futures` doing
//! the same work (`benches/vs_cpython.py`, run with `python3`) and beside
//! two fair Rust peers, each making one handle per task as `submit` makes
//! one future per task:
//! - rayon's `spawn`, each task sending its result on a oneshot channel of
//!   its own (tokio's `sync::oneshot`, received with `blocking_recv`);
//! - tokio's `spawn_blocking`, each task's `JoinHandle` awaited in turn.
//!
//! The work is the smallest task there is (`x * 2`), so what is measured
//! is the pool: for threads, `submit` of every task then `result` of each
//! (and `map`) at 1, 2, 4 and 8 workers; for processes, `map` on 2
//! workers, task by task and in chunks of 1000. Not in the book, which
//! measures its programs; this is the counterpart of timing CPython's
//! executors themselves.
//!
//! A round runs every case once, the Rust ones in an order that reverses
//! from round to round (ours first, then the peers first), then CPython's.
//! The table shows each case's median over the rounds, and each ratio as
//! the median of the rounds' ratios, so a machine busy for a while slows
//! both sides of a ratio.
//!
//! `BENCH_ROUNDS` (default 5) sets the rounds; `BENCH_SCALE` (default 1)
//! divides every task count, for a quick look; `BENCH_PYTHON=0` leaves
//! CPython out, for a quicker one; `BENCH_ONLY=TEXT` runs only the Rust
//! cases whose name contains it (`BENCH_ONLY="threads submit 1"`), to
//! profile one case alone.

use std::collections::BTreeMap;
use std::process::{Command, ExitCode};
use std::time::Instant;

use concurrent_futures::{
    Executor, MapOptions, ProcessPoolExecutor, ThreadPoolExecutor,
};

fn tiny(x: u64) -> u64 {
    x * 2
}

const WORKERS: [usize; 4] = [1, 2, 4, 8];

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

/// Case name to microseconds per task, for one round.
type Round = BTreeMap<String, f64>;

/// Ours: `submit` every task, then `result` of each, in order.
fn ours_submit(workers: usize, n: u64) -> Result<f64, String> {
    let executor =
        ThreadPoolExecutor::new(workers).map_err(|e| e.to_string())?;
    let run = |n: u64| {
        // Every side keeps its handles in a vector sized up front, so that
        // none pays for growing it.
        let mut futures = Vec::with_capacity(n as usize);
        for i in 0..n {
            futures.push(executor.submit(move || tiny(i)));
        }
        for future in futures.iter().flatten() {
            let _ = future.result();
        }
    };
    // Every thread started before the clock does, as the peers' are.
    run(1000);
    Ok(timed(n, || run(n)))
}

/// Ours: `map` of every task.
fn ours_map(workers: usize, n: u64) -> Result<f64, String> {
    let executor =
        ThreadPoolExecutor::new(workers).map_err(|e| e.to_string())?;
    executor.map(tiny, 0..1000).for_each(drop);
    Ok(timed(n, || executor.map(tiny, 0..n).for_each(drop)))
}

/// rayon: `spawn` every task with a oneshot channel of its own, then
/// receive from each, in order.
fn rayon_oneshot(workers: usize, n: u64) -> Result<f64, String> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(workers)
        .build()
        .map_err(|e| e.to_string())?;
    let run = |n: u64| {
        let mut receivers = Vec::with_capacity(n as usize);
        for i in 0..n {
            let (tx, rx) = tokio::sync::oneshot::channel();
            pool.spawn(move || {
                let _ = tx.send(tiny(i));
            });
            receivers.push(rx);
        }
        for rx in receivers {
            let _ = rx.blocking_recv();
        }
    };
    run(1000);
    Ok(timed(n, || run(n)))
}

/// tokio: `spawn_blocking` every task on a pool of `workers` blocking
/// threads, then await each `JoinHandle`, in order.
fn tokio_spawn_blocking(workers: usize, n: u64) -> Result<f64, String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .max_blocking_threads(workers)
        .build()
        .map_err(|e| e.to_string())?;
    let run = |n: u64| {
        let mut handles = Vec::with_capacity(n as usize);
        for i in 0..n {
            handles.push(runtime.spawn_blocking(move || tiny(i)));
        }
        runtime.block_on(async {
            for handle in handles {
                let _ = handle.await;
            }
        });
    };
    run(1000);
    Ok(timed(n, || run(n)))
}

/// One round of the Rust side; `reverse` runs the peers first.
fn rust_round(counts: &Counts, reverse: bool) -> Result<Round, String> {
    type Case = fn(usize, u64) -> Result<f64, String>;
    let mut cases: Vec<(&str, Case)> = vec![
        ("threads submit", ours_submit),
        ("threads map", ours_map),
        ("rayon spawn + oneshot", rayon_oneshot),
        ("tokio spawn_blocking", tokio_spawn_blocking),
    ];
    if reverse {
        cases.reverse();
    }
    let only = std::env::var("BENCH_ONLY").unwrap_or_default();
    let mut results = Round::new();
    for workers in WORKERS {
        for (name, case) in &cases {
            let name = format!("{name} {workers}");
            if name.contains(&only) {
                results.insert(name, case(workers, counts.threads)?);
            }
        }
    }
    if !"processes map".contains(&only) {
        return Ok(results);
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
fn python_round(counts: &Counts) -> Result<Round, String> {
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

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&v| v > 0)
        .unwrap_or(default)
}

fn median(mut values: Vec<f64>) -> f64 {
    values.retain(|v| v.is_finite());
    if values.is_empty() {
        return f64::NAN;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    if values.len() % 2 == 1 {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]) / 2.0
    }
}

/// The rounds, each a map of case to cost, Rust's and CPython's together
/// (CPython's cases prefixed `py `).
struct Rounds(Vec<Round>);

impl Rounds {
    fn get(&self, round: &Round, case: &str) -> f64 {
        round.get(case).copied().unwrap_or(f64::NAN)
    }

    /// The median cost of `case`.
    fn cost(&self, case: &str) -> f64 {
        median(self.0.iter().map(|r| self.get(r, case)).collect())
    }

    /// The median over the rounds of `a / b`.
    fn ratio(&self, a: &str, b: &str) -> f64 {
        median(self.0.iter().map(|r| self.get(r, a) / self.get(r, b)).collect())
    }
}

fn main() -> ExitCode {
    // First: in a worker process this runs tasks and never returns.
    concurrent_futures::init();
    let rounds = env_number("BENCH_ROUNDS", 5);
    let scale = env_number("BENCH_SCALE", 1);
    let counts = Counts {
        threads: 100_000 / scale,
        processes: 20_000 / scale,
        chunked: 200_000 / scale,
    };
    let with_python = std::env::var("BENCH_PYTHON").as_deref() != Ok("0");
    let mut all = Vec::new();
    for round in 1..=rounds {
        eprintln!("round {round} of {rounds}");
        let measured = rust_round(&counts, round % 2 == 0).and_then(|mut r| {
            if !with_python {
                return Ok(r);
            }
            for (case, cost) in python_round(&counts)? {
                r.insert(format!("py {case}"), cost);
            }
            Ok(r)
        });
        match measured {
            Ok(r) => all.push(r),
            Err(error) => {
                eprintln!("vs_cpython: {error}");
                return ExitCode::FAILURE;
            }
        }
    }
    print_tables(&counts, &Rounds(all), rounds);
    ExitCode::SUCCESS
}

fn print_tables(counts: &Counts, rounds: &Rounds, n: u64) {
    println!(
        "µs per task, median of {n} rounds ({} thread tasks a case)",
        counts.threads
    );
    println!(
        "| workers | CPython | ours | rayon spawn + oneshot | tokio spawn_blocking | ours / fastest peer | CPython / ours |"
    );
    println!("|---|---|---|---|---|---|---|");
    for workers in WORKERS {
        let ours = format!("threads submit {workers}");
        let rayon = format!("rayon spawn + oneshot {workers}");
        let tokio = format!("tokio spawn_blocking {workers}");
        let python = format!("py threads submit {workers}");
        // Per round: ours against whichever peer was faster that round.
        let vs_peer = median(
            rounds
                .0
                .iter()
                .map(|r| {
                    let peer = rounds.get(r, &rayon).min(rounds.get(r, &tokio));
                    rounds.get(r, &ours) / peer
                })
                .collect(),
        );
        println!(
            "| {workers} | {:.3} | {:.3} | {:.3} | {:.3} | {vs_peer:.2}x | {:.1}x |",
            rounds.cost(&python),
            rounds.cost(&ours),
            rounds.cost(&rayon),
            rounds.cost(&tokio),
            rounds.ratio(&python, &ours),
        );
    }
    println!();
    println!("| work | CPython | ours | CPython / ours |\n|---|---|---|---|");
    let mut cases: Vec<String> =
        WORKERS.iter().map(|w| format!("threads map {w}")).collect();
    cases.push("processes map".to_owned());
    cases.push("processes map chunksize=1000".to_owned());
    for case in cases {
        let python = format!("py {case}");
        println!(
            "| {case} | {:.3} | {:.3} | {:.1}x |",
            rounds.cost(&python),
            rounds.cost(&case),
            rounds.ratio(&python, &case),
        );
    }
}
