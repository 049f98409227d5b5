//! `cargo xtask exercise [N] [--solution]`: the exercise track's checker,
//! in the manner of rustlings. Without N, lists the exercises with their
//! status; with N, runs exercise N's tests against the learner's file
//! (`exercises/src/`), or with `--solution` against the reference
//! (`exercises/solutions/`), prints what failed with a hint, and succeeds
//! only when every test passes.
//!
//! The tests are the `exercises` crate's own (`exercises/tests/exNN_*.rs`),
//! run by `cargo test`; the feature `learner` is what points the crate at
//! the learner's files, so both face the very same tests.

use std::env;
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};

use crate::cargo::project_root;

/// `cargo xtask exercise`'s arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The exercise to check, 1 to 8; without it, list them all, each
    /// with its status.
    pub number: Option<usize>,
    /// Run the tests against the reference solution instead of your file.
    #[arg(long, requires = "number")]
    pub solution: bool,
}

/// One exercise: its module (the file stem under `src/` and `solutions/`,
/// and its test file's name), what it asks, the guide page that teaches
/// it, and the hint printed when its tests fail.
struct Exercise {
    module: &'static str,
    title: &'static str,
    lesson: &'static str,
    hint: &'static str,
}

const EXERCISES: [Exercise; 8] = [
    Exercise {
        module: "ex01_scoped_threads",
        title: "download_many on scoped threads and a channel",
        lesson: "rust_asks.md",
        hint: "Start concur_req workers inside std::thread::scope; each \
               takes the next code from a Mutex<slice::Iter> and sends \
               (cc, result) on an mpsc channel. Drop your own Sender, then \
               count what the Receiver yields: it ends when the workers do.",
    },
    Exercise {
        module: "ex02_primes_in_order",
        title: "the prime checker on scoped threads, in order",
        lesson: "primes.md",
        hint: "Spawn `workers` scoped threads that take positions from an \
               AtomicUsize and send (position, result). Keep results that \
               arrive early in a HashMap until every earlier position has \
               been reported.",
    },
    Exercise {
        module: "ex03_thread_pool",
        title: "a minimal thread pool",
        lesson: "threadpool_map.md",
        hint: "A worker loops: lock the queue, pop a job or wait on the \
               Condvar (in a loop), return when closed and empty, run the \
               job after the lock is released. submit pushes a job that \
               stores its value in the Handle's slot and notifies; result() \
               waits on the slot's Condvar until the value is there.",
    },
    Exercise {
        module: "ex04_two_pools",
        title: "as_completed over a thread pool and a process pool",
        lesson: "processpool.md",
        hint: "Both pools must give Future<Done>: the thread pool's closure \
               returns Done::Flag, the process pool runs check_prime. Put \
               every future in one Vec, then one as_completed over it.",
    },
    Exercise {
        module: "ex05_deadline",
        title: "wait with FIRST_COMPLETED and a deadline",
        lesson: "futures.md",
        hint: "Loop: wait_timeout(pending, ReturnWhen::FirstCompleted, \
               time left until the deadline); count the done, keep the not \
               done; stop when none is left or no time is. Cancel and name \
               those left. Never wait without a timeout.",
    },
    Exercise {
        module: "ex06_buffer_unordered",
        title: "asyncio with buffer_unordered",
        lesson: "asyncio.md",
        hint: "stream::iter(cc_list).map(|cc| async move { (cc, \
               download_one(client, cc, settings).await) }) \
               .buffer_unordered(concur_req), then `while let Some(..) = \
               outcomes.next().await` and count.",
    },
    Exercise {
        module: "ex07_ctrl_c",
        title: "Ctrl-C: cancel what has not started",
        lesson: "flags2.md",
        hint: "Each task checks settings.interrupt.is_set() before it \
               downloads, and returns None if so; count only the Some. In \
               the as_completed loop, once the flag is set, shut the \
               executor down with cancel_futures(true).",
    },
    Exercise {
        module: "ex08_panic",
        title: "a panic in one task is that flag's error",
        lesson: "two_futures.md",
        hint: "On the thread pool, future.result() is Err for a task that \
               panicked: count it as an error instead of unwrapping it. On \
               scoped threads, wrap the call in std::panic::catch_unwind.",
    },
];

/// Where a run of one exercise's tests got to.
#[derive(Debug, PartialEq, Eq)]
enum Status {
    /// Every test passed.
    Passing,
    /// The tests ran into a `todo!()` and none passed.
    NotStarted,
    /// Some test failed.
    Failing,
    /// The crate did not compile (or the tests did not run).
    DoesNotCompile,
}

impl Status {
    fn label(&self) -> &'static str {
        match self {
            Status::Passing => "passing",
            Status::NotStarted => "not started",
            Status::Failing => "failing",
            Status::DoesNotCompile => "does not compile",
        }
    }
}

/// What `cargo test` printed for one exercise, and its reading.
struct Outcome {
    status: Status,
    passed: usize,
    failed: usize,
    /// The panic messages of the failed tests, or cargo's errors.
    report: String,
}

/// Runs the command; `Ok(true)` when it checked one exercise and every
/// test passed, or when it listed them.
pub fn run(args: &Args) -> Result<bool> {
    let Some(number) = args.number else {
        list()?;
        return Ok(true);
    };
    let Some(exercise) = number.checked_sub(1).and_then(|i| EXERCISES.get(i))
    else {
        bail!(
            "no exercise {number}: they are numbered 1 to {}",
            EXERCISES.len()
        );
    };
    let whose = if args.solution { "solutions" } else { "src" };
    let file = format!("exercises/{whose}/{}.rs", exercise.module);
    eprintln!("exercise {number}: {} ({file})", exercise.title);
    let outcome = test(exercise, !args.solution, false)?;
    let lesson = format!("guide/src/{}", exercise.lesson);
    match outcome.status {
        Status::Passing => {
            println!(
                "exercise {number}: all {} tests pass. Well done!",
                outcome.passed
            );
            return Ok(true);
        }
        Status::NotStarted => println!(
            "exercise {number} is not started: its tests ran into the \
             todo!() in {file}.\nWrite the code there (the file's first \
             comment says what to write; the lesson is {lesson}), then run \
             `cargo xtask exercise {number}` again."
        ),
        Status::Failing => println!(
            "{}\nexercise {number}: {} of {} tests failed (above: what \
             each expected). Your file: {file}; the lesson: {lesson}.",
            outcome.report.trim_end(),
            outcome.failed,
            outcome.failed + outcome.passed
        ),
        Status::DoesNotCompile => println!(
            "exercise {number}: the crate does not compile (cargo's errors \
             are above). Your file: {file}."
        ),
    }
    println!("hint: {}", exercise.hint);
    Ok(false)
}

/// Prints every exercise with its status, running the tests of each
/// against the learner's file.
fn list() -> Result<()> {
    eprintln!("checking the exercises in exercises/src/ ...");
    println!("  # {:<52} {:<18} status", "exercise", "lesson");
    for (i, exercise) in EXERCISES.iter().enumerate() {
        let outcome = test(exercise, true, true)?;
        println!(
            "{:>3} {:<52} {:<18} {}",
            i + 1,
            exercise.title,
            exercise.lesson,
            outcome.status.label()
        );
    }
    println!(
        "\nYour files are in exercises/src/; `cargo xtask exercise N` \
         checks exercise N and says what failed."
    );
    Ok(())
}

/// The variables `cargo run` sets for the program it runs, besides
/// `CARGO` and the `CARGO_PKG_*` ones.
const SET_BY_CARGO_RUN: [&str; 5] = [
    "CARGO_MANIFEST_DIR",
    "CARGO_MANIFEST_PATH",
    "CARGO_CRATE_NAME",
    "CARGO_BIN_NAME",
    "CARGO_PRIMARY_PACKAGE",
];

/// `cargo test -p exercises --test <module>`, against the learner's files
/// or the solutions. Cargo's own messages (compiling, errors) go to the
/// terminal unless `quiet`; the tests' report is read.
fn test(exercise: &Exercise, learner: bool, quiet: bool) -> Result<Outcome> {
    let cargo = env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(project_root()).args([
        "test",
        "-p",
        "exercises",
        "--test",
        exercise.module,
    ]);
    if learner {
        cmd.args(["--features", "learner"]);
    }
    cmd.args(["--", "--color", "never"]).stdin(Stdio::null());
    // What `cargo run` set for xtask itself. A build script that reads
    // one (ring's reads CARGO_MANIFEST_DIR) would otherwise be rebuilt
    // here, and again by the learner's next plain `cargo test`.
    for (name, _) in env::vars_os() {
        let Some(name) = name.to_str() else { continue };
        if name.starts_with("CARGO_PKG_") || SET_BY_CARGO_RUN.contains(&name) {
            cmd.env_remove(name);
        }
    }
    if !quiet {
        cmd.stderr(Stdio::inherit());
    }
    let output = cmd.output().context("cannot run cargo test")?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let mut outcome = read_report(&stdout);
    if outcome.status == Status::DoesNotCompile {
        outcome.report = String::from_utf8_lossy(&output.stderr).into_owned();
    } else if output.status.success() != (outcome.status == Status::Passing) {
        bail!("cargo test and its report disagree:\n{stdout}");
    }
    Ok(outcome)
}

/// Reads a test binary's report: the counts of its last `test result:`
/// line, and the panic messages of the failed tests, without the notes
/// about backtraces.
fn read_report(stdout: &str) -> Outcome {
    let counts = stdout.lines().rev().find_map(|line| {
        let rest = line.strip_prefix("test result: ")?;
        let count = |word: &str| -> Option<usize> {
            let end = rest.find(&format!(" {word}"))?;
            let start = rest[..end].rfind(' ').map_or(0, |i| i + 1);
            rest[start..end].parse().ok()
        };
        Some((count("passed")?, count("failed")?))
    });
    let Some((passed, failed)) = counts else {
        return Outcome {
            status: Status::DoesNotCompile,
            passed: 0,
            failed: 0,
            report: String::new(),
        };
    };
    // The "failures:" section lists each failed test's output under a
    // `---- name stdout ----` line, then the names again.
    let mut report = String::new();
    let mut in_failures = false;
    for line in stdout.lines() {
        if line.starts_with("---- ") {
            in_failures = true;
        } else if line == "failures:" && in_failures {
            break;
        }
        if in_failures && !line.starts_with("note: run with `RUST_BACKTRACE") {
            report.push_str(line);
            report.push('\n');
        }
    }
    // Each failed test's section; all of them stopped at a `todo!()`
    // means nothing was written yet (a test that passes without the
    // learner's code, as the process pool's helper, does not count).
    let mut sections = report.split("---- ").filter(|s| !s.is_empty());
    let status = if failed == 0 {
        Status::Passing
    } else if sections.all(|section| section.contains("not yet implemented")) {
        Status::NotStarted
    } else {
        Status::Failing
    };
    Outcome { status, passed, failed, report }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FAILED: &str = "\
running 2 tests
test a ... ok
test b ... FAILED

failures:

---- b stdout ----

thread 'b' panicked at exercises/tests/ex01.rs:9:5:
the server saw 1 request at a time
note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace


failures:
    b

test result: FAILED. 1 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.50s
";

    /// A failed test's message is kept, the backtrace note is not, and
    /// the counts are read from the summary line.
    #[test]
    fn a_failed_run_keeps_the_messages_and_the_counts() {
        let outcome = read_report(FAILED);
        assert_eq!(outcome.status, Status::Failing);
        assert_eq!((outcome.passed, outcome.failed), (1, 1));
        assert!(outcome.report.contains("1 request at a time"));
        assert!(!outcome.report.contains("RUST_BACKTRACE"));
        assert!(!outcome.report.contains("test a ... ok"));
    }

    /// A run whose every failed test met a `todo!()` is "not started".
    #[test]
    fn todo_everywhere_is_not_started() {
        let stdout =
            FAILED.replace("the server saw", "not yet implemented: the server");
        assert_eq!(read_report(&stdout).status, Status::NotStarted);
    }

    /// No summary line: the tests never ran.
    #[test]
    fn no_summary_is_a_build_failure() {
        assert_eq!(read_report("").status, Status::DoesNotCompile);
    }

    /// Every exercise has its test file and both of its sources.
    #[test]
    fn every_exercise_has_its_files() {
        let root = project_root().join("exercises");
        for exercise in &EXERCISES {
            for dir in ["src", "solutions", "tests"] {
                let path =
                    root.join(dir).join(format!("{}.rs", exercise.module));
                assert!(path.is_file(), "{} is missing", path.display());
            }
        }
    }
}
