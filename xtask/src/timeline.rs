//! `compare --timeline FILE.svg`: what each concurrency model did, drawn
//! from the server's own record of every request, a picture the book does
//! not have (it is what `Elapsed time:` sums up). One panel per model, all
//! on one time scale, so the sequential staircase sits above the pools'
//! short, tall blocks: x is seconds since the client was spawned, a lane
//! is one connection (in the order they first carried a request), a bar
//! is one request from its head read to its answer written, coloured by
//! status.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::ops::RangeInclusive;

use flags_server::RequestRecord;

use crate::model::{Row, code};
use crate::svg::{
    RIGHT, WIDTH, decimals, escape, heading, line, note, ticks, x_tick,
};

/// Room on the left of each panel's plot area, for its lane count.
const LEFT: f64 = 150.0;
/// A panel's lanes share at most this height: 676 connections (`-e -m
/// 1000`) become hairlines instead of a picture a metre tall.
const MAX_PLOT_HEIGHT: f64 = 200.0;
/// The height of one lane when there are few.
const MAX_LANE: f64 = 14.0;

/// The outcome classes: their statuses, name, colour and legend text.
const CLASSES: [(RangeInclusive<u16>, &str, &str, &str); 5] = [
    (200..=299, "ok", "#2e7d32", "200 OK"),
    (404..=404, "nf", "#90a4ae", "404 not found"),
    (418..=418, "tea", "#ef6c00", "418 I'm a Teapot"),
    // The server's record of a request whose client closed the connection
    // before the answer: here, a client timeout.
    (499..=499, "gone", "#c62828", "499 client gave up (timeout)"),
    (0..=u16::MAX, "other", "#6a1b9a", "other status"),
];

fn class(status: u16) -> &'static str {
    let class = CLASSES.into_iter().find(|class| class.0.contains(&status));
    class.map_or("other", |class| class.1)
}

/// The SVG of the first run of each row.
pub fn render(title: &str, rows: &[Row]) -> String {
    let panels: Vec<Panel> = rows.iter().filter_map(Panel::new).collect();
    // One scale for all panels, so their lengths compare at a glance: up
    // to the latest moment anything happened.
    let span = panels.iter().map(Panel::span).fold(0.0, f64::max);
    let shared = ticks(span);

    let mut body = String::new();
    let mut y = 70.0;
    for panel in &panels {
        // A panel that would fill less than a twentieth of the width on
        // the shared scale (a pool done in 0.2 s beside a 400 s sequential
        // run) gets its own, and says so: its bars would be specks.
        let zoom = panel.span() < shared.1 / 20.0;
        let axis = if zoom { ticks(panel.span()) } else { shared };
        y = panel.draw(&mut body, y, axis, zoom);
    }
    let height = y + 10.0;
    let caption = "seconds since the client was started";
    body += &note(WIDTH - RIGHT, height - 4.0, "end", caption);

    // The legend, one swatch per class, then the exit marker.
    let (mut legend, mut style) = (String::new(), String::new());
    let mut x = 12.0;
    for (_, name, colour, label) in CLASSES {
        let _ = writeln!(
            legend,
            r#"<rect class="{name}" x="{x}" y="34" width="12" height="12"/><text x="{}" y="44">{}</text>"#,
            x + 16.0,
            escape(label)
        );
        let _ = writeln!(style, ".{name}{{fill:{colour}}}");
        x += 26.0 + 6.5 * label.len() as f64;
    }
    legend += &line("exit", (x, 40.0), (x + 20.0, 40.0));
    let _ = writeln!(
        legend,
        r#"<text x="{}" y="44">client process exited</text>"#,
        x + 24.0
    );
    style += ".exit{stroke:#555;stroke-width:1;stroke-dasharray:4 3}\n\
              .sep{stroke:white;stroke-width:0.6}\n";
    crate::svg::document(height, &style, title, &(legend + &body))
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
                let (cc, status, id) = (code(&r.path), r.status, r.connection);
                let tip = format!(
                    "{cc} {status} {start:.3}–{end:.3} s (connection {id})"
                );
                Bar { start, end, lane, status: r.status, tip }
            })
            .collect();
        let lanes = lane_of.len().max(1);
        let connections = plural(lane_of.len(), "connection");
        let title = format!(
            "{} (concurrency {}): {} over {connections}, elapsed {:.2} s, \
             peak in-flight {}",
            row.model,
            run.report.concurrency,
            plural(bars.len(), "request"),
            run.report.elapsed,
            run.peak_in_flight.unwrap_or(0)
        );
        Some(Panel { title, lanes, wall: run.wall, bars })
    }

    /// Seconds from the start of the run to its last event.
    fn span(&self) -> f64 {
        self.bars.iter().map(|b| b.end).fold(self.wall, f64::max)
    }

    /// Draws the panel with its top at `y` on `axis` (tick step and end);
    /// returns the next panel's top. `zoom` says the panel has its own time
    /// scale, not the shared one.
    fn draw(
        &self,
        svg: &mut String,
        y: f64,
        axis: (f64, f64),
        zoom: bool,
    ) -> f64 {
        let (tick, end) = axis;
        let scale = (WIDTH - LEFT - RIGHT) / end;
        let lane = (MAX_PLOT_HEIGHT / self.lanes as f64).min(MAX_LANE);
        // Gaps between lanes while they are tall enough to show them.
        // Below a pixel per lane the bars overlap their neighbours a
        // little rather than fade into the background.
        let bar = if lane >= 4.0 { lane - 2.0 } else { lane.max(1.0) };
        let top = y + 18.0;
        let height = lane * self.lanes as f64;
        let bottom = top + height;
        let x = |t: f64| LEFT + t * scale;

        *svg += &heading(y + 12.0, 13, &self.title);
        if zoom {
            let _ = writeln!(
                svg,
                r##"<text x="{}" y="{:.2}" text-anchor="end" fill="#b71c1c">zoomed in: this panel has its own time scale</text>"##,
                WIDTH - RIGHT,
                bottom + 28.0
            );
        }
        let lanes = plural(self.lanes, "lane");
        *svg += &note(LEFT - 8.0, top + height / 2.0 + 4.0, "end", &lanes);
        // Grid lines and ticks under the bars.
        let mut t = 0.0;
        while t <= end + tick / 2.0 {
            *svg += &x_tick(x(t), top, bottom, &seconds_label(t, tick));
            t += tick;
        }
        *svg += &line("axis", (LEFT, bottom), (x(end), bottom));
        *svg += &line("axis", (LEFT, top), (LEFT, bottom));
        // A thin white edge tells apart two requests back to back on one
        // connection, where bars are big enough to spare it.
        for b in &self.bars {
            // Even a LOCAL request of 50 µs gets a visible sliver.
            let width = ((b.end - b.start) * scale).max(0.8);
            let sep = if lane >= 4.0 && width >= 4.0 { " sep" } else { "" };
            let (class, tip) = (class(b.status), escape(&b.tip));
            let (x, y) =
                (x(b.start), top + lane * b.lane as f64 + (lane - bar) / 2.0);
            let _ = writeln!(
                svg,
                r#"<rect class="bar {class}{sep}" x="{x:.2}" y="{y:.2}" width="{width:.2}" height="{bar:.2}"><title>{tip}</title></rect>"#
            );
        }
        *svg +=
            &line("exit", (x(self.wall), top - 4.0), (x(self.wall), bottom));
        bottom + 36.0
    }
}

/// "0", "0.5 s", "12 s": as many decimals as the step needs.
fn seconds_label(t: f64, step: f64) -> String {
    let decimals = decimals(step);
    if t == 0.0 { "0".to_owned() } else { format!("{t:.decimals$} s") }
}

/// "1 lane", "3 lanes".
fn plural(n: usize, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{n} {noun}s") }
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
