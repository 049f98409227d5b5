//! End-to-end tests of `cargo xtask compare`: the real xtask binary runs
//! the real client binaries (debug builds, see `support`) against its
//! in-process server, on a handful of codes, LOCAL or with millisecond
//! delays and a fixed seed.

mod support;

use std::process::{Command, Output};

use serde_json::Value;

/// Runs `xtask compare ARGS`, its default timeline going to a temporary
/// target directory.
fn compare(args: &[&str]) -> Output {
    let target = tempfile::tempdir().expect("a temporary directory");
    support::xtask("compare", target.path(), args)
}

/// Runs compare with `--json` and parses what it printed.
fn compare_json(args: &[&str]) -> (Output, Value) {
    let output = compare(&[&["--json"], args].concat());
    let json = support::json(&output);
    (output, json)
}

/// DELAY with delays of 1 to 5 ms.
const FAST_DELAY: [&str; 6] =
    ["-s", "delay", "--min-delay", "0.001", "--max-delay", "0.005"];

/// The default run with delays of 20 to 50 ms instead of 0.1 to 0.5 s:
/// the same server, codes and clients, in a fraction of the time.
const SHORT_DEFAULT: [&str; 4] = ["--min-delay", "0.02", "--max-delay", "0.05"];

/// The bars of a timeline, one per request.
fn bars(svg: &roxmltree::Document) -> usize {
    svg.descendants()
        .filter(|n| n.has_tag_name("rect"))
        .filter(|n| n.attribute("class").is_some_and(|c| c.starts_with("bar ")))
        .count()
}

fn counts(row: &Value) -> (u64, u64, u64) {
    let n = |key: &str| row[key].as_u64().expect("a count");
    (n("ok"), n("not_found"), n("errors"))
}

/// Three models on the same codes give three rows with equal counts.
#[test]
fn three_models_agree_on_local() {
    let (output, json) = compare_json(&["-s", "local", "BR", "CN", "ZZ"]);
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
    let (_, json) = compare_json(&["-s", "local", "-m", "2", "BR", "CN", "IN"]);
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
    let output = compare(&[
        "-s",
        "local",
        "--extra",
        "flags_threadpool=--limit=1",
        "BR",
        "CN",
    ]);
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
    let (output, json) = compare_json(
        &[
            &FAST_DELAY[..],
            &["--timeline", svg_path.to_str().unwrap(), "-m", "3", "A"],
        ]
        .concat(),
    );
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
    assert_eq!(bars(&svg) as u64, recorded);
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
    let (output, json) = compare_json(
        &[&FAST_DELAY[..], &["--breakdown", "-m", "3", "BR", "CN", "IN"]]
            .concat(),
    );
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
    let (output, json) = compare_json(&[
        "-s",
        "local",
        "--with-curl",
        "--runs",
        "2",
        "-m",
        "2",
        "BR",
        "ZZ",
    ]);
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
        "-s",
        "local",
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

/// With no arguments but shorter delays, compare runs the three clients
/// on DELAY with no client arguments: each asks for the book's 20 flags,
/// gets them all, and the concurrent two have more than one in flight.
#[test]
fn default_run_is_the_books_twenty_flags_on_delay() {
    let (output, json) = compare_json(&SHORT_DEFAULT);
    assert!(output.status.success(), "{}", support::text(&output.stderr));
    assert_eq!(json["server"], "DELAY");
    assert_eq!(json["client_args"], serde_json::json!([]));
    assert_eq!(json["codes"], 20);
    let rows = json["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 3);
    for row in rows {
        assert_eq!(counts(row), (20, 0, 0), "{}", row["model"]);
        assert_eq!(row["requests"], serde_json::json!([20]));
        let peak = row["peak_in_flight"]["median"].as_f64().unwrap();
        if row["model"] == "flags_sequential" {
            assert_eq!(peak, 1.0);
        } else {
            assert!(peak > 1.0, "{row}");
        }
    }
}

/// Each model's order of arrival is the same 20 codes, the sequential
/// client's in alphabetical order, and each line under the table says
/// whether its order is alphabetical.
#[test]
fn default_run_shows_each_models_order_of_arrival() {
    let (_, json) = compare_json(&SHORT_DEFAULT);
    let arrivals: Vec<Vec<String>> = json["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| serde_json::from_value(row["arrival"].clone()).unwrap())
        .collect();
    let mut alphabetical = arrivals[0].clone();
    alphabetical.sort();
    assert_eq!(arrivals[0], alphabetical, "the sequential client's");
    for arrival in &arrivals {
        let mut sorted = arrival.clone();
        sorted.sort();
        assert_eq!(sorted, alphabetical, "the same 20 codes");
    }

    let output = compare(&SHORT_DEFAULT);
    let stdout = support::text(&output.stdout);
    let (_, below) = stdout
        .split_once("Order of arrival")
        .unwrap_or_else(|| panic!("no order of arrival in {stdout}"));
    let lines: Vec<&str> = below.lines().skip(1).take(3).collect();
    for (line, model) in lines.iter().zip([
        "flags_sequential",
        "flags_threadpool",
        "flags_asyncio",
    ]) {
        let words: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(words[0], model, "{stdout}");
        let codes = &words[1..21];
        let sorted = codes.windows(2).all(|pair| pair[0] <= pair[1]);
        let said = if sorted { "(alphabetical)" } else { "(not alphabetical)" };
        assert_eq!(words[21..].join(" "), said, "{line}");
    }
    assert!(lines[0].ends_with("(alphabetical)"), "{stdout}");
}

/// Without `--timeline` the picture is written to
/// `<target>/xtask/compare-timeline.svg`, the path the output names,
/// with one bar per request.
#[test]
fn default_timeline_is_written_where_the_output_says() {
    let target = tempfile::tempdir().unwrap();
    let output = support::xtask("compare", target.path(), &SHORT_DEFAULT);
    assert!(output.status.success(), "{}", support::text(&output.stderr));
    let stdout = support::text(&output.stdout);
    let named = stdout
        .lines()
        .find_map(|line| line.strip_prefix("Timeline of every request: "))
        .unwrap_or_else(|| panic!("no timeline line in {stdout}"));
    let expected = target.path().join("xtask").join("compare-timeline.svg");
    assert_eq!(std::path::Path::new(named), expected);
    let text = std::fs::read_to_string(&expected).expect("the SVG is written");
    let svg = roxmltree::Document::parse(&text).expect("valid XML");
    assert_eq!(bars(&svg), 3 * 20, "20 codes, three models");
}
