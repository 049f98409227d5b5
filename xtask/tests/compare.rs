//! End-to-end tests of `cargo xtask compare`: the real xtask binary runs
//! the real client binaries against its in-process server, on a handful
//! of codes, LOCAL or with millisecond delays and a fixed seed.
//!
//! The release build `compare` does by default would take minutes, so the
//! tests pass the hidden `--bin-dir` with the debug binaries next to
//! xtask's own. `cargo test --workspace` has built them already; for
//! `cargo test -p xtask` the first test builds them (a no-op otherwise).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use serde_json::Value;

/// The directory of the debug client binaries, built once if needed.
fn bin_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let xtask = Path::new(env!("CARGO_BIN_EXE_xtask"));
        let dir = xtask.parent().expect("xtask is in a directory");
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let status = Command::new(cargo)
            .args(["build", "-p", "flags_sequential"])
            .args(["-p", "flags_threadpool", "-p", "flags_asyncio"])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .status()
            .expect("cargo runs");
        assert!(status.success(), "building the clients failed");
        dir.to_path_buf()
    })
}

/// Runs `xtask compare --bin-dir <debug> ARGS`.
fn compare(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("compare")
        .arg("--bin-dir")
        .arg(bin_dir())
        .args(args)
        .output()
        .expect("xtask runs")
}

/// Runs compare with `--json` and parses what it printed.
fn compare_json(args: &[&str]) -> (Output, Value) {
    let output = compare(&[&["--json"], args].concat());
    let json = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}):\n{}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (output, json)
}

fn counts(row: &Value) -> (u64, u64, u64) {
    let n = |key: &str| row[key].as_u64().expect("a count");
    (n("ok"), n("not_found"), n("errors"))
}

/// Three models on the same codes give three rows with equal counts.
#[test]
fn three_models_agree_on_local() {
    let (output, json) = compare_json(&["BR", "CN", "ZZ"]);
    assert!(output.status.success());
    let rows = json["rows"].as_array().unwrap();
    let models: Vec<&str> =
        rows.iter().map(|r| r["model"].as_str().unwrap()).collect();
    assert_eq!(
        models,
        ["flags_sequential", "flags_threadpool", "flags_asyncio"]
    );
    for row in rows {
        assert_eq!(counts(row), (2, 1, 0), "{}", row["model"]);
    }
    assert_eq!(json["agreement"]["agree"], true);
}

/// `--json` has every column of the table, for every row.
#[test]
fn json_has_every_column() {
    let (_, json) = compare_json(&["-m", "2", "BR", "CN", "IN"]);
    for row in json["rows"].as_array().unwrap() {
        for key in ["elapsed", "wall", "flags_per_sec", "peak_in_flight"] {
            assert!(row[key]["median"].is_f64(), "{key} in {row}");
        }
        assert!(row["concurrency"].is_u64());
        // Peak memory comes from `wait4`, which compare uses on Linux.
        if cfg!(target_os = "linux") {
            assert!(row["max_rss_kib"]["median"].as_f64().unwrap() > 0.0);
        }
    }
    assert_eq!(json["server"], "LOCAL");
    assert_eq!(
        json["client_args"],
        serde_json::json!(["-m", "2", "BR", "CN", "IN"])
    );
}

/// Counts that differ between models make compare exit 1 and say so.
#[test]
fn disagreement_exits_non_zero() {
    // The hidden test hook: only the thread pool gets `--limit 1`.
    let output =
        compare(&["--extra", "flags_threadpool=--limit=1", "BR", "CN"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("the counts disagree")
            && stderr.contains("flags_threadpool: 1 OK"),
        "{stderr}"
    );
}

/// On ERROR with a seed, every model meets the same number of 418s.
#[test]
fn error_server_gives_every_model_the_same_errors() {
    let (output, json) = compare_json(&[
        "-s",
        "error",
        "--min-delay",
        "0.001",
        "--max-delay",
        "0.003",
        "--error-rate",
        "0.5",
        "-m",
        "4",
        "B",
    ]);
    assert!(output.status.success());
    let rows = json["rows"].as_array().unwrap();
    let errors: Vec<u64> = rows.iter().map(|r| counts(r).2).collect();
    assert!(errors[0] > 0 && errors.iter().all(|&e| e == errors[0]));
}

/// The timeline is well-formed SVG with one bar per request the server
/// recorded, in one panel per model.
#[test]
fn timeline_has_one_bar_per_recorded_request() {
    let dir = tempfile::tempdir().unwrap();
    let svg_path = dir.path().join("timeline.svg");
    let (output, json) = compare_json(&[
        "-s",
        "delay",
        "--min-delay",
        "0.001",
        "--max-delay",
        "0.005",
        "--timeline",
        svg_path.to_str().unwrap(),
        "-m",
        "3",
        "A",
    ]);
    assert!(output.status.success());
    let recorded: u64 = json["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row["requests"][0].as_u64().unwrap())
        .sum();
    assert_eq!(recorded, 3 * 26, "26 codes of A, three models");

    let text = std::fs::read_to_string(&svg_path).unwrap();
    let svg = roxmltree::Document::parse(&text).expect("valid XML");
    let bars = svg
        .descendants()
        .filter(|n| n.has_tag_name("rect"))
        .filter(|n| n.attribute("class").is_some_and(|c| c.starts_with("bar ")))
        .count();
    assert_eq!(bars as u64, recorded);
    let titles = svg
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .filter(|t| t.starts_with("flags_"))
        .count();
    assert_eq!(titles, 3, "one panel title per model");
}

/// Arguments the clients would reject are refused before anything runs.
#[test]
fn bad_client_args_are_a_usage_error() {
    let output = compare(&["-l", "0"]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--limit N must be >= 1"), "{stderr}");
    assert!(!stderr.contains("running"), "{stderr}");
}
