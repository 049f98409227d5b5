//! The results of `compare`: one serialisable value (`--json`), and the
//! table a person reads (plain or `--markdown`), with `--breakdown` one of
//! the [`Phases`] of each run. With `--runs N` a cell shows the median, and
//! a timing cell the range too, to tell a difference from noise; the grid
//! and cells here serve every command's table.

use anyhow::Result;
use serde::Serialize;

use crate::clients::{CLIENTS, ServerArgs};
use crate::model::{Agreement, Phases, Row, Run};

/// How every command prints its results.
#[derive(Debug, clap::Args)]
pub struct Format {
    /// Print the results as JSON instead of a table.
    #[arg(long, conflicts_with = "markdown")]
    pub json: bool,

    /// Print the table as Markdown, to paste in a README.
    #[arg(long)]
    pub markdown: bool,
}

impl Format {
    /// Prints `value` as JSON, or the table `text` draws.
    pub fn print(
        &self,
        value: &impl Serialize,
        text: impl FnOnce(bool) -> String,
    ) -> Result<()> {
        if self.json {
            println!("{}", serde_json::to_string_pretty(value)?);
        } else {
            print!("{}", text(self.markdown));
        }
        Ok(())
    }
}

/// Everything `compare` found, as `--json` prints it.
#[derive(Debug, Serialize)]
pub struct Output<'a> {
    /// LOCAL, DELAY or ERROR (URL for a server that is not ours).
    pub server: String,
    pub base_url: String,
    /// What every model was given, besides `-s` and `--dest`.
    pub client_args: Vec<String>,
    /// How many codes that asks for.
    pub codes: usize,
    #[serde(flatten)]
    pub settings: &'a ServerArgs,
    pub error_rate: f64,
    pub runs: u32,
    pub rows: Vec<RowOut>,
    pub agreement: Agreement,
    /// Where the timeline picture was written, if it could be.
    pub timeline: Option<String>,
    /// One line per peer that could not be run or compared, and why.
    pub notes: Vec<String>,
}

/// One model's figures over its runs ([`Spread`]s of [`Run`]s' figures).
#[derive(Debug, Serialize)]
pub struct RowOut {
    pub model: String,
    pub concurrency: u64,
    pub ok: u64,
    pub not_found: u64,
    pub errors: u64,
    pub elapsed: Spread,
    pub wall: Spread,
    /// Codes handled (whatever the outcome) per second of `wall`: the
    /// clients print `elapsed` to 1/100 s, too coarse for LOCAL runs.
    pub flags_per_sec: Spread,
    /// `None` where the OS does not tell (Linux does).
    pub max_rss_kib: Option<Spread>,
    /// `None` on a server that is not ours.
    pub peak_in_flight: Option<Spread>,
    /// Requests the server saw, one count per run.
    pub requests: Vec<usize>,
    /// [`Run::longest_delay`] (0 on LOCAL).
    pub longest_delay: Spread,
    /// With `--with-curl`: the ratios of the pairs ([`Row::vs_curl`]).
    pub vs_curl: Option<Spread>,
    /// `None` when the server recorded nothing.
    pub phases: Option<Phases<Spread>>,
    /// The codes of the first run in the order the server answered them.
    pub arrival: Vec<String>,
}

/// The median of N measurements and their range.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Spread {
    pub median: f64,
    pub min: f64,
    pub max: f64,
}

impl Spread {
    /// `None` for no values.
    pub fn of(values: impl IntoIterator<Item = f64>) -> Option<Spread> {
        let mut values: Vec<f64> = values.into_iter().collect();
        values.sort_by(f64::total_cmp);
        let (&min, &max) = (values.first()?, values.last()?);
        let mid = values.len() / 2;
        let median = if values.len() % 2 == 1 {
            values[mid]
        } else {
            (values[mid - 1] + values[mid]) / 2.0
        };
        Some(Spread { median, min, max })
    }

    /// The spread of `f` of each of them.
    fn map(self, f: impl Fn(f64) -> f64) -> Spread {
        Spread { median: f(self.median), min: f(self.min), max: f(self.max) }
    }
}

impl From<&Row> for RowOut {
    fn from(row: &Row) -> RowOut {
        let runs = &row.runs;
        // The spread of `f` over the runs, `None` if some run has no figure.
        let all = |f: &dyn Fn(&Run) -> Option<f64>| {
            Spread::of(runs.iter().map(f).collect::<Option<Vec<f64>>>()?)
        };
        let zero = Spread { median: 0.0, min: 0.0, max: 0.0 };
        let spread =
            |f: &dyn Fn(&Run) -> f64| all(&|run| Some(f(run))).unwrap_or(zero);
        // Counts agree between runs, or `compare` says so; the median
        // keeps one odd run from showing here.
        let count = |f: &dyn Fn(&Run) -> u64| {
            spread(&|run| f(run) as f64).median.round() as u64
        };
        let phases: Option<Vec<Phases>> =
            runs.iter().map(Run::phases).collect();
        let phases = phases.filter(|p| !p.is_empty()).map(|p| {
            let of = |f: fn(&Phases) -> f64| {
                Spread::of(p.iter().map(f)).unwrap_or(zero)
            };
            Phases {
                to_first_request: of(|p| p.to_first_request),
                arrival_spread: of(|p| p.arrival_spread),
                serving: of(|p| p.serving),
                to_exit: of(|p| p.to_exit),
            }
        });
        RowOut {
            model: row.model.clone(),
            concurrency: count(&|run| run.report.concurrency),
            ok: count(&|run| run.report.counts.ok),
            not_found: count(&|run| run.report.counts.not_found),
            errors: count(&|run| run.report.counts.errors),
            elapsed: spread(&|run| run.report.elapsed),
            wall: spread(&|run| run.wall),
            flags_per_sec: spread(&|run| {
                run.report.counts.total() as f64 / run.wall.max(1e-6)
            }),
            max_rss_kib: all(&|run| Some(run.max_rss_kib? as f64)),
            peak_in_flight: all(&|run| Some(run.peak_in_flight? as f64)),
            requests: runs.iter().map(|run| run.records.len()).collect(),
            longest_delay: spread(&Run::longest_delay),
            vs_curl: Spread::of(row.vs_curl.iter().copied()),
            phases,
            arrival: runs.first().map(Run::arrival).unwrap_or_default(),
        }
    }
}

/// The header of the column `--with-curl` adds.
const VS_CURL: &str = "wall vs curl";

/// What a cell shows where there is no figure.
const NA: &str = "–";

/// How many codes of an order of arrival the table shows: the book's 20.
const ARRIVAL_SHOWN: usize = 20;

/// The table, what was run above it, the observations and notes below.
pub fn render(out: &Output, markdown: bool, breakdown: bool) -> String {
    let ranges = out.runs > 1;
    let paired = out.rows.iter().any(|row| row.vs_curl.is_some());
    // What "as fast as it gets" means on DELAY and ERROR: a run cannot
    // end before the answer the server made it wait for longest.
    let floors = out.server == "DELAY" || out.server == "ERROR";
    let columns: [Column<RowOut>; 10] = [
        ("model", &|row| row.model.clone()),
        ("concurrency", &|row| row.concurrency.to_string()),
        ("OK", &|row| row.ok.to_string()),
        ("not found", &|row| row.not_found.to_string()),
        ("errors", &|row| row.errors.to_string()),
        ("elapsed", &|row| seconds(row.elapsed, ranges)),
        ("wall", &|row| seconds_fine(row.wall, ranges)),
        ("flags/s", &|row| rate(row.flags_per_sec.median)),
        ("peak RSS", &|row| {
            let mib = row.max_rss_kib.map(|kib| kib.map(|kib| kib / 1024.0));
            mib.map_or(NA.into(), |mib| cell(mib, ranges, 1, " MiB"))
        }),
        ("peak in-flight", &|row| {
            let peak = row.peak_in_flight;
            peak.map_or(NA.into(), |peak| format!("{:.0}", peak.median))
        }),
    ];
    let vs_curl = |row: &RowOut| {
        row.vs_curl.map_or(NA.into(), |ratio| cell(ratio, ranges, 2, ""))
    };
    let mut columns = columns.to_vec();
    if paired {
        columns.push((VS_CURL, &vs_curl));
    }
    let ServerArgs { min_delay, max_delay, seed } = out.settings;
    let rate = out.error_rate;
    let delays = floors.then(|| {
        format!(
            ", delays {min_delay}–{max_delay} s, error rate {rate}, \
             seed {seed}"
        )
    });
    let runs = ranges.then(|| format!("; median of {} runs (range)", out.runs));
    let none = "none (the book's 20 most populous countries)";
    let (args, codes) = (shown_args(&out.client_args, none), out.codes);
    let mut text = format!(
        "{} server{}; client args: {args}, {codes} codes{}\n\n",
        out.server,
        delays.unwrap_or_default(),
        runs.unwrap_or_default()
    );
    text += &grid(&columns, &out.rows, markdown);
    if floors {
        let floors: Vec<String> = out.rows.iter().map(floor).collect();
        text += &format!(
            "\nLongest delay the server chose, the floor of each run: {}\n",
            floors.join(", ")
        );
    }
    text += &sequential_over_concurrent(out);
    text += &arrival(out);
    if paired {
        text += &format!(
            "\n{VS_CURL}: the median of the ratios of the pairs, each pair \
             a run of the client and one of the curl below it, with the \
             same parallelism, in alternating order (A B, B A, ...), each \
             in a fresh directory after a sync\n"
        );
    }
    if breakdown {
        text += "\nWhere the wall time went, on the server's clock \
                 (launch and exit are the spawn and the reap of the \
                 process):\n\n";
        text += &phase_table(out, markdown, floors);
    }
    text + &footer(&out.agreement, out.timeline.as_deref(), &out.notes)
}

/// The lines under the tables of `compare` and `sweep`: whether the counts
/// agree, where the timeline went, and the notes.
pub fn footer(
    agreement: &Agreement,
    timeline: Option<&str>,
    notes: &[String],
) -> String {
    let mut text = format!("\nCounts: {}\n", agreement.note);
    if let Some(path) = timeline {
        text += &format!("Timeline of every request: {path}\n");
    }
    for note in notes {
        text += &format!("Note: {note}\n");
    }
    text
}

/// A row's floor and how far over it the run ended: "flags_asyncio 0.49 s
/// (elapsed +199.6%)".
fn floor(row: &RowOut) -> String {
    let floor = row.longest_delay.median;
    let over = 100.0 * (row.elapsed.median / floor.max(1e-9) - 1.0);
    format!("{} {floor:.2} s (elapsed {over:+.1}%)", row.model)
}

/// The clients' arguments as shown, or `none`.
pub fn shown_args(args: &[String], none: &str) -> String {
    if args.is_empty() { none.to_owned() } else { args.join(" ") }
}

/// The chapter's first observation: how many times as long as each
/// concurrent client the sequential one took, by their `Elapsed time` (at
/// least 1/100 s, the resolution of that line).
fn sequential_over_concurrent(out: &Output) -> String {
    let elapsed = |name: &str| {
        let row = out.rows.iter().find(|row| row.model == name)?;
        Some(row.elapsed.median.max(0.01))
    };
    let Some(sequential) = elapsed(CLIENTS[0]) else {
        return String::new();
    };
    let times: Vec<String> = CLIENTS[1..]
        .iter()
        .filter_map(|&name| {
            let ratio = sequential / elapsed(name)?;
            Some(format!("{ratio:.1}× as long as {name}"))
        })
        .collect();
    if times.is_empty() {
        return String::new();
    }
    format!("\n{} took {}.\n", CLIENTS[0], times.join(" and "))
}

/// The chapter's second observation: the order in which each model
/// received its flags, one line per row whose server kept records.
fn arrival(out: &Output) -> String {
    let rows: Vec<&RowOut> =
        out.rows.iter().filter(|row| !row.arrival.is_empty()).collect();
    if rows.is_empty() {
        return String::new();
    }
    let width = rows.iter().map(|row| row.model.len()).max().unwrap_or(0);
    let mut text = "\nOrder of arrival, as the server answered:\n".to_owned();
    for row in rows {
        text += &format!("  {:<width$}  {}\n", row.model, order(&row.arrival));
    }
    text
}

/// The first [`ARRIVAL_SHOWN`] codes, how many more there are, and
/// whether all of them came in alphabetical order.
fn order(codes: &[String]) -> String {
    let sorted = codes.windows(2).all(|pair| pair[0] <= pair[1]);
    let mut line = codes[..codes.len().min(ARRIVAL_SHOWN)].join(" ");
    if codes.len() > ARRIVAL_SHOWN {
        line += &format!(" … (+{} more)", codes.len() - ARRIVAL_SHOWN);
    }
    let order = if sorted { "alphabetical" } else { "not alphabetical" };
    format!("{line}  ({order})")
}

/// The `--breakdown` table of the rows whose server kept records; with
/// `floors`, the floor each run could not beat.
fn phase_table(out: &Output, markdown: bool, floors: bool) -> String {
    let ranges = out.runs > 1;
    type PhaseRow<'a> = (&'a RowOut, &'a Phases<Spread>);
    let rows = out.rows.iter().filter_map(|r| Some((r, r.phases.as_ref()?)));
    let rows: Vec<PhaseRow> = rows.collect();
    if rows.is_empty() {
        return "(the server recorded no request)\n".into();
    }
    let fine = |spread: Spread| seconds_fine(spread, ranges);
    let columns: [Column<PhaseRow>; 7] = [
        ("model", &|(row, _)| row.model.clone()),
        ("elapsed", &|(row, _)| seconds(row.elapsed, ranges)),
        ("launch → 1st request", &|(_, p)| fine(p.to_first_request)),
        ("arrival spread", &|(_, p)| fine(p.arrival_spread)),
        ("1st request → last response", &|(_, p)| fine(p.serving)),
        ("last response → exit", &|(_, p)| fine(p.to_exit)),
        ("wall", &|(row, _)| fine(row.wall)),
    ];
    let mut columns = columns.to_vec();
    let longest =
        |(row, _): &PhaseRow| format!("{:.3} s", row.longest_delay.median);
    let over = |(row, _): &PhaseRow| {
        let over = row.elapsed.median - row.longest_delay.median;
        format!("{:+.0} ms", over * 1000.0)
    };
    if floors {
        columns.push(("longest delay", &longest));
        columns.push(("elapsed − longest delay", &over));
    }
    grid(&columns, &rows, markdown)
}

/// A column of a table: its header, and how to fill its cell in a row.
pub type Column<'a, T> = (&'a str, &'a dyn Fn(&T) -> String);

/// A table of `rows` in `columns`: Markdown, or plain text with the first
/// column left-aligned, the others right-aligned.
pub fn grid<T>(columns: &[Column<T>], rows: &[T], markdown: bool) -> String {
    let headers: Vec<String> =
        columns.iter().map(|(header, _)| header.to_string()).collect();
    let cells =
        rows.iter().map(|row| columns.iter().map(|c| c.1(row)).collect());
    let cells: Vec<Vec<String>> = cells.collect();
    if markdown {
        let align: Vec<&str> = (0..headers.len())
            .map(|i| if i == 0 { ":--" } else { "--:" })
            .collect();
        let mut text =
            format!("| {} |\n|{}|\n", headers.join(" | "), align.join("|"));
        for row in &cells {
            text += &format!("| {} |\n", row.join(" | "));
        }
        return text;
    }
    let width = |i: usize| {
        let lines = cells.iter().chain([&headers]);
        lines.map(|line| line[i].chars().count()).max().unwrap_or(0)
    };
    let widths: Vec<usize> = (0..headers.len()).map(width).collect();
    let rule: Vec<String> = widths.iter().map(|&w| "-".repeat(w)).collect();
    let mut text = String::new();
    for line in [&headers, &rule].into_iter().chain(&cells) {
        let mut padded = String::new();
        for (i, (cell, &w)) in line.iter().zip(&widths).enumerate() {
            padded += &match i {
                0 => format!("{cell:<w$}"),
                _ => format!("  {cell:>w$}"),
            };
        }
        text += padded.trim_end();
        text += "\n";
    }
    text
}

/// A spread as a cell, with `ranges` its range too: "0.42 s (0.40–0.45)".
fn cell(spread: Spread, ranges: bool, decimals: usize, unit: &str) -> String {
    let Spread { median, min, max } = spread;
    let mut text = format!("{median:.decimals$}{unit}");
    if ranges {
        text += &format!(" ({min:.decimals$}–{max:.decimals$})");
    }
    text
}

/// "0.42 s", or "0.42 s (0.40–0.45)" over several runs.
pub fn seconds(spread: Spread, ranges: bool) -> String {
    cell(spread, ranges, 2, " s")
}

/// Wall time, measured to the µs: ms under 10 s, where LOCAL runs live.
fn seconds_fine(spread: Spread, ranges: bool) -> String {
    cell(spread, ranges, if spread.max >= 10.0 { 2 } else { 3 }, " s")
}

/// A peak memory given in KiB, as a cell in MiB to one decimal.
pub fn mib(kib: Option<f64>) -> String {
    kib.map_or(NA.into(), |kib| format!("{:.1} MiB", kib / 1024.0))
}

/// Flags per second: whole numbers, but a slow run's 0.38 is not 0.
fn rate(per_sec: f64) -> String {
    if per_sec < 10.0 {
        format!("{per_sec:.2}")
    } else {
        format!("{per_sec:.0}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The median of an even count is the mean of the middle two.
    #[test]
    fn spread_takes_the_median_and_range() {
        let s = Spread::of([4.0, 1.0, 3.0, 2.0]).unwrap();
        assert_eq!((s.median, s.min, s.max), (2.5, 1.0, 4.0));
    }

    /// An order of arrival shows the first 20 codes, says how many more
    /// there are, and whether the whole order is alphabetical.
    #[test]
    fn order_of_arrival_shows_twenty_codes_and_the_rest_as_a_count() {
        let codes = |names: &[&str]| -> Vec<String> {
            names.iter().map(|&n| n.to_owned()).collect()
        };
        assert_eq!(order(&codes(&["BR", "CN"])), "BR CN  (alphabetical)");
        assert_eq!(order(&codes(&["CN", "BR"])), "CN BR  (not alphabetical)");
        let mut many: Vec<String> =
            (0..25).map(|i| format!("{i:02}")).collect();
        assert!(order(&many).ends_with("18 19 … (+5 more)  (alphabetical)"));
        many.swap(23, 24);
        assert!(order(&many).ends_with("(+5 more)  (not alphabetical)"));
    }

    /// No runs, no spread.
    #[test]
    fn spread_of_nothing_is_none() {
        assert!(Spread::of([]).is_none());
    }
}
