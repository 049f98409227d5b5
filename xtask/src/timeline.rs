//! `compare --timeline FILE.svg`: the picture of what each concurrency
//! model did, drawn from the server's own record of every request.
//!
//! One panel per model, all on the same time scale, so the sequential
//! client's long staircase sits above the pools' short, tall blocks. In a
//! panel, x is seconds since the run started (the moment the server's
//! statistics were reset, just before the client was spawned), each lane
//! is one TCP connection (in the order they first carried a request), and
//! each bar is one request, from the moment its head was read to the
//! moment its answer was written, coloured by status. The book has no such
//! picture; it is what `Elapsed time:` summarises.
//!
//! The SVG is written by hand: a few rects and lines do not need a
//! plotting library, and every element is plain to read in the output.

use std::collections::HashMap;
use std::fmt::Write as _;

use flags_server::RequestRecord;

use crate::model::{Row, code};

/// Width of the picture, and the margins around each panel's plot area.
pub const WIDTH: f64 = 960.0;
const LEFT: f64 = 150.0;
pub const RIGHT: f64 = 24.0;
/// A panel's lanes share at most this height: 676 connections (`-e -m
/// 1000`) become hairlines instead of a picture a metre tall.
const MAX_PLOT_HEIGHT: f64 = 200.0;
/// The height of one lane when there are few.
const MAX_LANE: f64 = 14.0;

/// The outcome classes, their colours and legend text.
const CLASSES: [(&str, &str, &str); 5] = [
    ("ok", "#2e7d32", "200 OK"),
    ("nf", "#90a4ae", "404 not found"),
    ("tea", "#ef6c00", "418 I'm a Teapot"),
    ("gone", "#c62828", "499 client gave up (timeout)"),
    ("other", "#6a1b9a", "other status"),
];

fn class(status: u16) -> &'static str {
    match status {
        200..=299 => "ok",
        404 => "nf",
        418 => "tea",
        // The server's record of a request whose client closed the
        // connection before the answer: here, a client timeout.
        499 => "gone",
        _ => "other",
    }
}

/// The SVG of the first run of each row.
pub fn render(title: &str, rows: &[Row]) -> String {
    let panels: Vec<Panel> = rows.iter().filter_map(Panel::new).collect();
    // One scale for all panels, so their lengths compare at a glance: up
    // to the latest moment anything happened.
    let span = panels.iter().map(Panel::span).fold(0.0, f64::max);
    let shared = ticks(span);
    let plot_width = WIDTH - LEFT - RIGHT;

    let mut body = String::new();
    let mut y = 70.0;
    for panel in &panels {
        // A panel that would fill less than a twentieth of the width on
        // the shared scale (a pool done in 0.2 s beside a 400 s sequential
        // run) gets its own, and says so: its bars would be specks.
        let zoom = panel.span() < shared.1 / 20.0;
        let (tick, end) = if zoom { ticks(panel.span()) } else { shared };
        y = panel.draw(&mut body, y, plot_width / end, tick, end, zoom);
    }
    let height = y + 10.0;

    let mut svg = String::new();
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" font-family="sans-serif" font-size="11">"#
    );
    svg += "<style>\n";
    for (name, colour, _) in CLASSES {
        let _ = writeln!(svg, ".{name}{{fill:{colour}}}");
    }
    svg += ".axis{stroke:#444;stroke-width:1}\n\
            .grid{stroke:#ddd;stroke-width:1}\n\
            .exit{stroke:#555;stroke-width:1;stroke-dasharray:4 3}\n\
            .sep{stroke:white;stroke-width:0.6}\n\
            </style>\n";
    let _ = writeln!(svg, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let _ = writeln!(
        svg,
        r#"<text x="12" y="22" font-size="15" font-weight="bold">{}</text>"#,
        escape(title)
    );
    // The legend, one swatch per class, then the exit marker.
    let mut x = 12.0;
    for (name, _, label) in CLASSES {
        let _ = writeln!(
            svg,
            r#"<rect class="{name}" x="{x}" y="34" width="12" height="12"/><text x="{}" y="44">{}</text>"#,
            x + 16.0,
            escape(label)
        );
        x += 26.0 + 6.5 * label.len() as f64;
    }
    let _ = writeln!(
        svg,
        r#"<line class="exit" x1="{x}" y1="40" x2="{}" y2="40"/><text x="{}" y="44">client process exited</text>"#,
        x + 20.0,
        x + 24.0
    );
    svg += &body;
    let _ = writeln!(
        svg,
        r##"<text x="{}" y="{}" text-anchor="end" fill="#444">seconds since the client was started</text>"##,
        WIDTH - RIGHT,
        height - 4.0
    );
    svg += "</svg>\n";
    svg
}

/// One model's run, ready to draw.
struct Panel {
    title: String,
    lanes: usize,
    wall: f64,
    bars: Vec<Bar>,
}

/// One request, in seconds since the run started, on its lane.
struct Bar {
    start: f64,
    end: f64,
    lane: usize,
    status: u16,
    tip: String,
}

impl Panel {
    fn new(row: &Row) -> Option<Panel> {
        let run = row.runs.first()?;
        let mut records: Vec<&RequestRecord> = run.records.iter().collect();
        records.sort_by(|a, b| a.start.total_cmp(&b.start));
        // Lanes in the order connections first carried a request, so the
        // first connection is the top lane.
        let mut lane_of: HashMap<u64, usize> = HashMap::new();
        let bars: Vec<Bar> = records
            .iter()
            .map(|r| {
                let next = lane_of.len();
                let lane = *lane_of.entry(r.connection).or_insert(next);
                let (start, end) =
                    (r.start - run.launched, r.end - run.launched);
                let tip = format!(
                    "{} {} {:.3}–{:.3} s (connection {})",
                    code(&r.path),
                    r.status,
                    start,
                    end,
                    r.connection
                );
                Bar { start, end, lane, status: r.status, tip }
            })
            .collect();
        let lanes = lane_of.len().max(1);
        let connections = plural(lane_of.len(), "connection", "connections");
        let title = format!(
            "{} (concurrency {}): {} over {connections}, elapsed {:.2} s, \
             peak in-flight {}",
            row.model,
            run.report.concurrency,
            plural(bars.len(), "request", "requests"),
            run.report.elapsed,
            run.peak_in_flight.unwrap_or(0)
        );
        Some(Panel { title, lanes, wall: run.wall, bars })
    }

    /// Seconds from the start of the run to its last event.
    fn span(&self) -> f64 {
        self.bars.iter().map(|b| b.end).fold(self.wall, f64::max)
    }

    /// Draws the panel with its top at `y`; returns the next panel's top.
    /// `zoom` says the panel has its own time scale, not the shared one.
    fn draw(
        &self,
        svg: &mut String,
        y: f64,
        scale: f64,
        tick: f64,
        end: f64,
        zoom: bool,
    ) -> f64 {
        let lane = (MAX_PLOT_HEIGHT / self.lanes as f64).min(MAX_LANE);
        // Gaps between lanes while they are tall enough to show them.
        // Below a pixel per lane the bars overlap their neighbours a
        // little rather than fade into the background.
        let bar = if lane >= 4.0 { lane - 2.0 } else { lane.max(1.0) };
        let top = y + 18.0;
        let height = lane * self.lanes as f64;
        let bottom = top + height;
        let x = |t: f64| LEFT + t * scale;

        let _ = writeln!(
            svg,
            r#"<text x="12" y="{}" font-size="13" font-weight="bold">{}</text>"#,
            y + 12.0,
            escape(&self.title)
        );
        if zoom {
            let _ = writeln!(
                svg,
                r##"<text x="{}" y="{:.2}" text-anchor="end" fill="#b71c1c">zoomed in: this panel has its own time scale</text>"##,
                WIDTH - RIGHT,
                bottom + 28.0
            );
        }
        let _ = writeln!(
            svg,
            r##"<text x="{}" y="{}" text-anchor="end" fill="#444">{}</text>"##,
            LEFT - 8.0,
            top + height / 2.0 + 4.0,
            plural(self.lanes, "lane", "lanes")
        );
        // Grid lines and ticks under the bars.
        let mut t = 0.0;
        while t <= end + tick / 2.0 {
            let _ = writeln!(
                svg,
                r#"<line class="grid" x1="{0:.2}" y1="{top:.2}" x2="{0:.2}" y2="{bottom:.2}"/><line class="axis" x1="{0:.2}" y1="{bottom:.2}" x2="{0:.2}" y2="{1:.2}"/><text x="{0:.2}" y="{2:.2}" text-anchor="middle">{3}</text>"#,
                x(t),
                bottom + 4.0,
                bottom + 15.0,
                seconds_label(t, tick)
            );
            t += tick;
        }
        let _ = writeln!(
            svg,
            r#"<line class="axis" x1="{LEFT}" y1="{bottom:.2}" x2="{:.2}" y2="{bottom:.2}"/>"#,
            x(end)
        );
        let _ = writeln!(
            svg,
            r#"<line class="axis" x1="{LEFT}" y1="{top:.2}" x2="{LEFT}" y2="{bottom:.2}"/>"#
        );
        // A thin white edge tells apart two requests back to back on one
        // connection, where bars are big enough to spare it.
        for b in &self.bars {
            // Even a LOCAL request of 50 µs gets a visible sliver.
            let width = ((b.end - b.start) * scale).max(0.8);
            let sep = if lane >= 4.0 && width >= 4.0 { " sep" } else { "" };
            let _ = writeln!(
                svg,
                r#"<rect class="bar {}{sep}" x="{:.2}" y="{:.2}" width="{width:.2}" height="{bar:.2}"><title>{}</title></rect>"#,
                class(b.status),
                x(b.start),
                top + lane * b.lane as f64 + (lane - bar) / 2.0,
                escape(&b.tip)
            );
        }
        let _ = writeln!(
            svg,
            r#"<line class="exit" x1="{0:.2}" y1="{1:.2}" x2="{0:.2}" y2="{bottom:.2}"/>"#,
            x(self.wall),
            top - 4.0
        );
        bottom + 36.0
    }
}

/// A tick step of 1, 2 or 5 times a power of ten giving 5 to 10 ticks,
/// and the axis end: the first tick at or after `span`.
pub fn ticks(span: f64) -> (f64, f64) {
    let span = if span.is_finite() && span > 0.0 { span } else { 1.0 };
    let raw = span / 8.0;
    let power = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|&step| step >= raw)
        .unwrap_or(10.0 * power);
    let end = (span / step).ceil() * step;
    (step, end)
}

/// "0", "0.5 s", "12 s": as many decimals as the step needs.
fn seconds_label(t: f64, step: f64) -> String {
    let decimals = (-step.log10().floor()).max(0.0) as usize;
    if t == 0.0 { "0".to_owned() } else { format!("{t:.decimals$} s") }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 { format!("1 {one}") } else { format!("{n} {many}") }
}

/// Text safe inside an XML element or attribute.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Ticks are round numbers and the axis ends on one.
    #[test]
    fn ticks_are_round() {
        assert_eq!(ticks(9.3), (2.0, 10.0));
        assert_eq!(ticks(0.42), (0.1, 0.5));
    }

    /// Labels carry the decimals of the step, and none at zero.
    #[test]
    fn tick_labels_match_the_step() {
        assert_eq!(seconds_label(0.0, 0.1), "0");
        assert_eq!(seconds_label(0.3, 0.1), "0.3 s");
        assert_eq!(seconds_label(4.0, 2.0), "4 s");
    }

    /// The code comes from the flag's path, upper case.
    #[test]
    fn code_of_a_flag_path() {
        assert_eq!(code("/flags/br/br.gif"), "BR");
    }
}
