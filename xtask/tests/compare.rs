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

/// `--breakdown`: the phases of each run are in causal order (spawn before
/// the first request, the last response before the exit) and add up to
/// its wall time, since all of them are read on one clock.
#[test]
fn breakdown_phases_add_up_to_the_wall_time() {
    let (output, json) = compare_json(&[
        "-s",
        "delay",
        "--min-delay",
        "0.001",
        "--max-delay",
        "0.003",
        "--breakdown",
        "-m",
        "3",
        "BR",
        "CN",
        "IN",
    ]);
    assert!(output.status.success());
    for row in json["rows"].as_array().unwrap() {
        let phases = &row["phases"];
        let p = |key: &str| phases[key]["median"].as_f64().unwrap();
        for key in ["to_first_request", "arrival_spread", "serving", "to_exit"]
        {
            assert!(p(key) >= 0.0, "{key} < 0 in {row}");
        }
        assert!(p("arrival_spread") <= p("serving"), "{row}");
        let sum = p("to_first_request") + p("serving") + p("to_exit");
        let wall = row["wall"]["median"].as_f64().unwrap();
        // One run per row, so the medians are that run's own figures;
        // what is left is the rounding of the clocks, microseconds.
        assert!((sum - wall).abs() < 1e-3, "{sum} != {wall} in {row}");
    }
}

/// `-s URL`: every client downloads from that server instead of ours, and
/// the counts still agree.
#[test]
fn base_url_sends_every_client_to_that_server() {
    let server =
        flags_server::TestServer::start(flags_server::Config::fast()).unwrap();
    let url = server.base_url(flags_server::Kind::Local);
    let (output, json) = compare_json(&["-s", &url, "BR", "CN", "ZZ"]);
    assert!(output.status.success());
    assert_eq!(json["server"], "URL");
    assert_eq!(json["base_url"], url.as_str());
    for row in json["rows"].as_array().unwrap() {
        assert_eq!(counts(row), (2, 1, 0), "{}", row["model"]);
        assert!(row["peak_in_flight"].is_null(), "not our server to read");
    }
    let stats = server.stats(flags_server::Kind::Local);
    assert_eq!(stats.requests, 3 * 3, "three codes, three clients");
}

/// `--with-curl`: each client is followed by a curl with its parallelism,
/// both agree on the counts, and each client has a ratio per pair.
#[test]
fn with_curl_pairs_each_client_with_a_curl() {
    let (output, json) =
        compare_json(&["--with-curl", "--runs", "2", "-m", "2", "BR", "ZZ"]);
    assert!(output.status.success());
    let has_curl = Command::new("curl").arg("--version").output().is_ok();
    let rows = json["rows"].as_array().unwrap();
    if !has_curl {
        assert_eq!(rows.len(), 3);
        return;
    }
    let models: Vec<&str> =
        rows.iter().map(|r| r["model"].as_str().unwrap()).collect();
    assert_eq!(
        models,
        [
            "flags_sequential",
            "curl -K list",
            "flags_threadpool",
            "curl -Z --parallel-max 2",
            "flags_asyncio",
            "curl -Z --parallel-max 2",
        ]
    );
    for pair in rows.chunks(2) {
        let (ours, curl) = (&pair[0], &pair[1]);
        assert_eq!(ours["concurrency"], curl["concurrency"]);
        assert_eq!(counts(ours), (1, 1, 0), "{}", ours["model"]);
        assert_eq!(counts(curl), (1, 1, 0), "{}", curl["model"]);
        assert_eq!(curl["requests"], serde_json::json!([2, 2]));
        assert!(ours["vs_curl"]["median"].as_f64().unwrap() > 0.0);
        assert!(curl["vs_curl"].is_null());
    }
    assert_eq!(json["agreement"]["agree"], true);
}

/// `--with-curl` with more requests in flight than curl opens at once
/// (300): the pair still runs and agrees on the counts, but gets no
/// ratio, since the two did not do the same thing, and a note says why.
#[test]
fn with_curl_gives_no_ratio_where_curl_cannot_match_the_parallelism() {
    let (output, json) = compare_json(&[
        "--with-curl",
        "--models",
        "asyncio",
        "-e",
        "-m",
        "400",
    ]);
    assert!(output.status.success());
    if Command::new("curl").arg("--version").output().is_err() {
        return;
    }
    let rows = json["rows"].as_array().unwrap();
    let (ours, curl) = (&rows[0], &rows[1]);
    assert_eq!(ours["concurrency"], 400);
    assert_eq!(curl["model"], "curl -Z --parallel-max 300");
    assert_eq!(counts(ours), (194, 482, 0));
    assert_eq!(counts(curl), (194, 482, 0));
    assert!(ours["vs_curl"].is_null(), "{ours}");
    let notes = json["notes"].as_array().unwrap();
    assert!(
        notes.iter().any(|n| n.as_str().unwrap().contains("at most 300")),
        "{notes:?}"
    );
}
