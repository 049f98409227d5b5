//! End-to-end tests of the `primes` binary (`proc_pool.py`): the rows, their
//! order, the header for each executor, a parent that dies, and bad
//! input (a worker that dies or panics is `tests/report.rs`'s). Small numbers stand in for the fixture, whose big
//! primes take seconds each in a debug build.

use std::process::{Command, Output};

const EXECUTORS: [&str; 3] = ["processes", "threads", "sequential"];

/// Quick numbers, some prime; given out of order on purpose, because the
/// program sorts them descending as the book does.
const NUMBERS: [u64; 12] = [
    97,
    2,
    1_000_003,
    4,
    9,
    15_485_863,
    1,
    999_983,
    100,
    7_919,
    32_452_843,
    1_000_000_007,
];
const PRIMES: [u64; 8] =
    [2, 97, 7_919, 999_983, 1_000_003, 15_485_863, 32_452_843, 1_000_000_007];

fn primes(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_primes"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn with_numbers(args: &[&str]) -> Output {
    let numbers: Vec<String> = NUMBERS.iter().map(u64::to_string).collect();
    let mut all: Vec<&str> = args.to_vec();
    all.push("--");
    all.extend(numbers.iter().map(String::as_str));
    primes(&all)
}

fn stdout_lines(output: &Output) -> Vec<String> {
    String::from_utf8_lossy(&output.stdout).lines().map(str::to_owned).collect()
}

/// Splits a row `{n:16}  {label} ...` into the number and its label.
fn parse_row(line: &str) -> (u64, char) {
    let n = line[..16].trim().parse().expect("a number in 16 columns");
    let label = line[18..].chars().next().expect("a label column");
    (n, label)
}

/// The rows between the header and the total, checked for format.
fn rows(lines: &[String]) -> Vec<(u64, char)> {
    let last = lines.last().expect("some output");
    assert!(last.starts_with("Total time: ") && last.ends_with('s'), "{last}");
    lines[1..lines.len() - 1].iter().map(|line| parse_row(line)).collect()
}

fn expected_rows() -> Vec<(u64, char)> {
    let mut numbers = NUMBERS.to_vec();
    numbers.sort_unstable_by(|a, b| b.cmp(a));
    numbers
        .into_iter()
        .map(|n| (n, if PRIMES.contains(&n) { 'P' } else { ' ' }))
        .collect()
}

/// With every executor, rows come in submission (descending) order with
/// the right P flags, as `executor.map` prints them.
#[test]
fn rows_come_in_submission_order_with_the_right_flags() {
    for executor in EXECUTORS {
        let output = with_numbers(&["2", "--executor", executor]);
        assert!(output.status.success(), "{executor}: {output:?}");
        assert_eq!(rows(&stdout_lines(&output)), expected_rows(), "{executor}");
    }
}

/// `--as-completed` prints the same rows, in whatever order they finish.
#[test]
fn as_completed_prints_the_same_set_of_rows() {
    for executor in EXECUTORS {
        let output =
            with_numbers(&["2", "--executor", executor, "--as-completed"]);
        assert!(output.status.success(), "{executor}: {output:?}");
        let mut seen = rows(&stdout_lines(&output));
        seen.sort_unstable_by(|a, b| b.cmp(a));
        assert_eq!(seen, expected_rows(), "{executor}");
    }
}

/// The header names the count and the executor, in the book's words.
#[test]
fn header_says_how_the_numbers_are_checked() {
    let headers = [
        ("processes", "Checking 12 numbers with 2 processes:"),
        ("threads", "Checking 12 numbers with 2 threads:"),
        ("sequential", "Checking 12 numbers sequentially:"),
    ];
    for (executor, header) in headers {
        let output = with_numbers(&["2", "--executor", executor]);
        assert_eq!(stdout_lines(&output)[0], header);
    }
    let one = primes(&["1", "--", "7"]);
    assert_eq!(stdout_lines(&one)[0], "Checking 1 number with 1 process:");
}

/// `--version` prints the name and version, as clap does.
#[test]
fn version_is_printed() {
    let output = primes(&["--version"]);
    assert!(output.status.success());
    let version = format!("primes {}\n", env!("CARGO_PKG_VERSION"));
    assert_eq!(String::from_utf8_lossy(&output.stdout), version);
}

/// The workers' parent-death signal: Linux only, as `PR_SET_PDEATHSIG` is,
/// and the test reads the workers and their pending signals from `/proc`.
#[cfg(target_os = "linux")]
mod parent_death {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};

    /// The ids of the processes started by `pid` (by any of its threads).
    fn children_of(pid: u32) -> Vec<u32> {
        let tasks =
            std::fs::read_dir(format!("/proc/{pid}/task")).expect("/proc");
        let mut children = Vec::new();
        for task in tasks {
            let path = task.expect("a task").path().join("children");
            let list = std::fs::read_to_string(path).unwrap_or_default();
            children.extend(
                list.split_whitespace()
                    .map(|c| c.parse::<u32>().expect("a pid")),
            );
        }
        children
    }

    /// The CPU time `pid` has used, user and system, in clock ticks (a
    /// hundredth of a second on Linux).
    fn cpu_ticks(pid: u32) -> u64 {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .unwrap_or_default();
        // The fields after the command name, which is in parentheses and
        // may hold spaces: state is the first, utime and stime the 12th
        // and 13th.
        let rest = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
        let fields: Vec<&str> = rest.split_whitespace().collect();
        let field = |i: usize| {
            fields.get(i).and_then(|f| f.parse::<u64>().ok()).unwrap_or(0)
        };
        field(11) + field(12)
    }

    /// Whether `pid` has exited, or has SIGKILL pending and so is exiting.
    fn is_dead_or_dying(pid: u32) -> bool {
        let Ok(status) = std::fs::read_to_string(format!("/proc/{pid}/status"))
        else {
            return true;
        };
        let field = |name: &str| {
            status
                .lines()
                .find_map(|line| line.strip_prefix(name))
                .map(|value| value.trim().to_owned())
                .unwrap_or_default()
        };
        let sigkill_pending = |mask: String| {
            u64::from_str_radix(&mask, 16)
                .is_ok_and(|bits| bits & (1 << 8) != 0)
        };
        field("State:").starts_with('Z')
            || field("State:").starts_with('X')
            || sigkill_pending(field("ShdPnd:"))
            || sigkill_pending(field("SigPnd:"))
    }

    /// Killing the parent with SIGKILL (which it cannot catch) also ends its
    /// workers, even in the middle of a job that would run for minutes.
    #[test]
    fn workers_do_not_outlive_a_killed_parent() {
        // The two largest 64-bit primes: billions of divisions each.
        let mut parent = Command::new(env!("CARGO_BIN_EXE_primes"))
            .args(["2", "--", "18446744073709551557", "18446744073709551533"])
            .stdout(Stdio::piped())
            .spawn()
            .expect("the binary runs");
        // The header is printed just before the tasks are submitted; the
        // workers start as the two tasks reach them, so the test waits to
        // see both (the deadline only guards against a hang).
        let mut header = String::new();
        let stdout = parent.stdout.take().expect("piped stdout");
        BufReader::new(stdout).read_line(&mut header).expect("a header");
        assert_eq!(header, "Checking 2 numbers with 2 processes:\n");
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut workers = children_of(parent.id());
        while workers.len() < 2 {
            assert!(Instant::now() < deadline, "workers: {workers:?}");
            std::thread::yield_now();
            workers = children_of(parent.id());
        }
        assert_eq!(workers.len(), 2, "{workers:?}");
        // Started is not yet busy: a worker still connecting to its parent
        // would die of the lost connection, whatever its parent-death
        // signal. Both must be well into their task, a fifth of a second of
        // CPU each (the connection takes a few milliseconds).
        while !workers.iter().all(|&pid| cpu_ticks(pid) >= 20) {
            assert!(Instant::now() < deadline, "workers {workers:?} idle");
            std::thread::yield_now();
        }

        parent.kill().expect("SIGKILL");
        parent.wait().expect("the parent is reaped");
        // The kernel sends the parent-death signal while the parent exits, so
        // this holds at once; the deadline only guards against a hang.
        let deadline = Instant::now() + Duration::from_secs(10);
        while !workers.iter().all(|&pid| is_dead_or_dying(pid)) {
            assert!(Instant::now() < deadline, "workers {workers:?} outlived");
            std::thread::yield_now();
        }
    }
}

/// WORKERS 0, a non-number, or a bad number to check: a one-line error,
/// the usage, exit code 2 and no report.
#[test]
fn bad_input_exits_2() {
    let cases: [&[&str]; 5] = [
        &["0"],
        &["two"],
        &["2", "--executor", "fibers"],
        &["2", "--", "12x"],
        &["2", "--", "-5"],
    ];
    for args in cases {
        let output = primes(args);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {output:?}");
        assert!(output.stdout.is_empty(), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.starts_with("error: "), "{args:?}: {stderr}");
        assert!(stderr.contains("Usage: primes"), "{args:?}: {stderr}");
    }
}

/// The chapter's own fixture: all 20 numbers, each flagged as the chapter
/// says. Release only: the big primes take seconds each in a debug build.
#[test]
#[cfg_attr(debug_assertions, ignore = "slow in debug; cargo test --release")]
fn default_run_checks_the_chapters_fixture() {
    let output = primes(&["2"]);
    assert!(output.status.success(), "{output:?}");
    let lines = stdout_lines(&output);
    assert_eq!(lines[0], "Checking 20 numbers with 2 processes:");
    let mut expected: Vec<(u64, char)> = primes::PRIME_FIXTURE
        .iter()
        .map(|&(n, prime)| (n, if prime { 'P' } else { ' ' }))
        .collect();
    expected.sort_unstable_by(|a, b| b.cmp(a));
    assert_eq!(rows(&lines), expected);
}
