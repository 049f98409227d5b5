//! End-to-end tests of `cargo xtask sweep`: the real xtask binary runs the
//! real thread-pool and asyncio clients (debug builds, see `support`)
//! against its in-process DELAY server, with millisecond
//! delays, a fixed seed and a dozen codes, for three values of `-m`.

mod support;

use std::collections::BTreeMap;
use std::process::Output;

use serde_json::Value;

use support::text;

/// The values of `-m` every sweep here runs, and the codes it asks for.
const MAX_REQ: [u64; 3] = [1, 3, 8];
const CODES: u64 = 12;
const MODELS: [&str; 2] = ["flags_threadpool", "flags_asyncio"];

/// Runs a small sweep with ARGS added: `-e -l 12`, `-m 1,3,8`, delays of
/// 1 to 5 ms.
fn sweep(args: &[&str]) -> Output {
    let target = tempfile::tempdir().expect("a temporary directory");
    let small = ["-m", "1,3,8", "-l", "12"];
    let delays = ["--min-delay", "0.001", "--max-delay", "0.005"];
    support::xtask(
        "sweep",
        target.path(),
        &[&small[..], &delays, args].concat(),
    )
}

fn count(run: &Value, key: &str) -> u64 {
    run[key].as_u64().unwrap_or_else(|| panic!("{key} in {run}"))
}

/// Every run's counts and peak in flight are what the server recorded
/// for that run: one request per code, answered 200 for each OK and 404
/// for each not found, never more in flight than the concurrency.
#[test]
fn table_figures_match_the_servers_records() {
    let output = sweep(&["--json"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let json = support::json(&output);
    let runs = json["runs"].as_array().expect("runs");
    let order: Vec<(&str, u64)> = runs
        .iter()
        .map(|r| (r["model"].as_str().unwrap(), count(r, "max_req")))
        .collect();
    let expected: Vec<(&str, u64)> =
        MODELS.iter().flat_map(|model| MAX_REQ.map(|m| (*model, m))).collect();
    assert_eq!(order, expected, "one run per model and -m");
    for run in runs {
        let by_status: BTreeMap<String, u64> =
            serde_json::from_value(run["by_status"].clone()).unwrap();
        let status = |code: &str| by_status.get(code).copied().unwrap_or(0);
        let answered: u64 = by_status.values().sum();
        assert_eq!(count(run, "requests"), CODES, "{run}");
        assert_eq!(answered, CODES, "{run}");
        assert_eq!(count(run, "ok"), status("200"), "{run}");
        assert_eq!(count(run, "not_found"), status("404"), "{run}");
        assert_eq!(count(run, "errors"), CODES - status("200") - status("404"));
        let m = count(run, "max_req");
        assert_eq!(count(run, "concurrency"), m.min(CODES), "{run}");
        let peak = count(run, "peak_in_flight");
        assert!(peak >= 1 && peak <= m.min(CODES), "{run}");
        if m == 1 {
            assert_eq!(peak, 1, "{run}");
        }
        // No run ends before the server answered its slowest request.
        let longest = run["longest_delay"].as_f64().unwrap();
        assert!((0.001..=0.005).contains(&longest), "{run}");
        assert!(run["wall"].as_f64().unwrap() >= longest, "{run}");
    }
    let floor = json["floor"].as_f64().unwrap();
    let longest = runs
        .iter()
        .map(|r| r["longest_delay"].as_f64().unwrap())
        .fold(0.0, f64::max);
    assert_eq!(floor, longest, "the floor is the longest delay of all runs");
    assert_eq!(json["agreement"]["agree"], true);
    let models: Vec<&str> = json["models"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["model"].as_str().unwrap())
        .collect();
    assert_eq!(models, MODELS);
}

/// The SVG is well-formed, with one point per run and per model in each
/// of its two panels, and the server's floor drawn in.
#[test]
fn svg_has_one_point_per_run_and_model() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sweep.svg");
    let output = sweep(&["--svg", path.to_str().unwrap()]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let svg_text = std::fs::read_to_string(&path).expect("the SVG is written");
    let svg = roxmltree::Document::parse(&svg_text).expect("valid XML");
    let mut points: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for node in svg.descendants().filter(|n| n.has_tag_name("circle")) {
        if node.attribute("class") != Some("point") {
            continue;
        }
        let key = (
            node.attribute("data-panel").unwrap_or_default().to_owned(),
            node.attribute("data-model").unwrap_or_default().to_owned(),
        );
        let tip = node
            .children()
            .find(|c| c.has_tag_name("title"))
            .and_then(|t| t.text())
            .unwrap_or_default()
            .to_owned();
        points.entry(key).or_default().push(tip);
    }
    let keys: Vec<(String, String)> = points.keys().cloned().collect();
    let mut expected = Vec::new();
    for panel in ["elapsed", "rss"] {
        for model in MODELS {
            expected.push((panel.to_owned(), model.to_owned()));
        }
    }
    expected.sort();
    assert_eq!(keys, expected, "two panels, a series per model");
    for ((panel, model), tips) in &points {
        let ms: Vec<bool> = MAX_REQ
            .iter()
            .map(|m| tips.iter().any(|t| t.contains(&format!(" -m {m} "))))
            .collect();
        assert_eq!(tips.len(), MAX_REQ.len(), "{panel} {model}: {tips:?}");
        assert!(ms.iter().all(|&found| found), "{panel} {model}: {tips:?}");
    }
    let floors = svg
        .descendants()
        .filter(|n| n.attribute("class") == Some("floor"))
        .count();
    assert!(floors >= 1, "the floor is drawn");
}

/// Each run announces itself on stderr and makes one row of the table.
#[test]
fn each_run_has_a_progress_line_and_a_row() {
    let output = sweep(&[]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let stderr = text(&output.stderr);
    let total = MODELS.len() * MAX_REQ.len();
    for n in 1..=total {
        assert!(stderr.contains(&format!("(run {n} of {total})")), "{stderr}");
    }
    let stdout = text(&output.stdout);
    let rows = stdout
        .lines()
        .filter(|line| {
            let mut words = line.split_whitespace();
            let model = words.next().unwrap_or_default();
            let m = words.next().unwrap_or_default();
            MODELS.contains(&model) && m.parse::<u64>().is_ok()
        })
        .count();
    assert_eq!(rows, total, "{stdout}");
    for model in MODELS {
        assert!(stdout.contains(&format!("{model}: ")), "{stdout}");
    }
}

/// `--python DIR` without the book's scripts stops before any run, and
/// says which files it looked for.
#[test]
fn python_dir_without_the_scripts_is_refused_first() {
    let empty = tempfile::tempdir().unwrap();
    let output = sweep(&["--python", empty.path().to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("flags2_threadpool.py")
            && stderr.contains("flags2_asyncio.py"),
        "{stderr}"
    );
    assert!(!stderr.contains("sweep: flags_"), "{stderr}");
}
