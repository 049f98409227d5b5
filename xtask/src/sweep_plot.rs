//! `sweep --svg FILE.svg`: the sweep as one picture, in the hand of the
//! `--timeline` picture (`svg.rs`). Two panels share the x axis, the
//! concurrency a run used, on a log scale (1, 10, 100 and 1000 workers
//! equally far apart):
//!
//! - elapsed time, on a log scale too: a model that keeps every worker busy
//!   falls on a line of slope -1 until it meets the floor, the longest
//!   delay the server chose (dashed); the dotted bound is the sum of the
//!   delays shared among the workers, or the floor if longer;
//! - peak resident memory, linear, where a thread's stack and buffers show
//!   as a steeper line than a task's.
//!
//! The book's scripts (`--python`) have the colour of our client of the
//! same model, with dashed lines and hollow points.

use std::fmt::Write as _;

use crate::model::{Row, Run};
use crate::svg::{
    RIGHT, WIDTH, decimals, escape, heading, line, note, ticks, x_tick,
};

/// Room on the left for the y labels.
const LEFT: f64 = 80.0;
const ELAPSED_HEIGHT: f64 = 280.0;
const RSS_HEIGHT: f64 = 200.0;

/// What the picture shows: one series per row, one point per run.
pub struct Plot<'a> {
    pub title: String,
    /// The longest delay the server chose, seconds.
    pub floor: f64,
    /// One row per model, its runs in the order of `max_req`.
    pub rows: &'a [Row],
    /// The `-m` of each run.
    pub max_req: &'a [u64],
}

/// The smallest elapsed time the log axis shows: the clients print
/// hundredths of a second, so a run of "0.00s" is drawn at half of one.
const MIN_ELAPSED: f64 = 0.005;

impl Plot<'_> {
    /// The SVG document.
    pub fn render(&self) -> String {
        let concurrencies = self.runs().map(concurrency);
        let x_axis = LogAxis::around(concurrencies, LEFT, WIDTH - RIGHT);
        let mut body = String::new();
        let mut y = self.legend(&mut body, 34.0);
        y = self.elapsed_panel(&mut body, y, &x_axis);
        y = self.rss_panel(&mut body, y, &x_axis);
        let style = ".floor{stroke:#c62828;stroke-width:1.5;stroke-dasharray:6 4}\n\
                     .bound{stroke:#888;stroke-width:1.2;stroke-dasharray:2 3;fill:none}\n\
                     .series{fill:none;stroke-width:2}\n\
                     .book{stroke-dasharray:7 4}\n";
        crate::svg::document(y, style, &self.title, &body)
    }

    fn runs(&self) -> impl Iterator<Item = &Run> {
        self.rows.iter().flat_map(|row| row.runs.iter())
    }

    /// The time `concurrency` workers need at the least: the sum of the
    /// delays shared among them, or the floor.
    fn bound(&self, concurrency: f64) -> f64 {
        (self.total_delay() / concurrency).max(self.floor)
    }

    /// The sum of the delays of one run, seconds. It is the same for every
    /// run (the same draws), so the first run's stands for all.
    fn total_delay(&self) -> f64 {
        let first = self.rows.first().and_then(|row| row.runs.first());
        first.map_or(0.0, |run| run.records.iter().map(|r| r.delay).sum())
    }

    /// The legend from `y` down, wrapping when a line is full; returns
    /// the top of what follows.
    fn legend(&self, svg: &mut String, y: f64) -> f64 {
        let series = |row: &Row| {
            let (colour, class, fill) = look(&row.model);
            let swatch = format!(
                r#"<line class="{class}" stroke="{colour}" x1="0" y1="-4" x2="24" y2="-4"/><circle cx="12" cy="-4" r="3.5" stroke="{colour}" stroke-width="1.5" fill="{fill}"/>"#
            );
            (swatch, row.model.clone())
        };
        let mut entries: Vec<(String, String)> =
            self.rows.iter().map(series).collect();
        let rule = |class| {
            format!(r#"<line class="{class}" x1="0" y1="-4" x2="24" y2="-4"/>"#)
        };
        let floor =
            format!("floor: the longest delay, {}", seconds(self.floor));
        entries.push((rule("floor"), floor));
        if self.total_delay() > 0.0 {
            let bound = "bound: total delay ÷ concurrency, or the floor";
            entries.push((rule("bound"), bound.into()));
        }
        let (mut x, mut y) = (12.0, y + 10.0);
        for (swatch, label) in entries {
            let width = 32.0 + 6.0 * label.chars().count() as f64;
            if x + width > WIDTH - RIGHT {
                (x, y) = (12.0, y + 18.0);
            }
            let _ = writeln!(
                svg,
                r#"<g transform="translate({x} {y})">{swatch}<text x="30" y="0">{}</text></g>"#,
                escape(&label)
            );
            x += width + 12.0;
        }
        y + 20.0
    }

    /// Elapsed time against concurrency, both on log scales, with the
    /// floor and the bound; returns the top of what follows.
    fn elapsed_panel(&self, svg: &mut String, y: f64, x_axis: &LogAxis) -> f64 {
        let top = y + 24.0;
        let bottom = top + ELAPSED_HEIGHT;
        let values = (self.runs().map(|run| run.report.elapsed))
            .chain([self.floor])
            .map(|elapsed| elapsed.max(MIN_ELAPSED))
            .chain((self.total_delay() > 0.0).then(|| self.bound(x_axis.lo)));
        // Screen y grows downwards: the axis runs from bottom to top.
        let y_axis = LogAxis::around(values, bottom, top);
        *svg += &heading(y + 12.0, 13, "Elapsed time against concurrency");
        x_axis.draw_x(svg, top, bottom);
        y_axis.draw_y(svg, x_axis, "s");
        side_label(svg, top, bottom, "elapsed, seconds (log scale)");
        // The bound, drawn as a curve of 60 samples across the axis.
        let total_delay = self.total_delay();
        if total_delay > 0.0 {
            let mut path = String::new();
            for i in 0..=60 {
                let c =
                    x_axis.lo * (x_axis.hi / x_axis.lo).powf(i as f64 / 60.0);
                let (x, y) = (x_axis.at(c), y_axis.at(self.bound(c)));
                let _ = write!(path, "{x:.2},{y:.2} ");
            }
            let _ = writeln!(
                svg,
                r#"<polyline class="bound" points="{}"/>"#,
                path.trim_end()
            );
        }
        let floor_y = y_axis.at(self.floor.max(MIN_ELAPSED));
        let (right, floor) = (WIDTH - RIGHT, seconds(self.floor));
        let (label_x, label_y) = (right - 4.0, floor_y - 5.0);
        let _ = writeln!(
            svg,
            r##"<line class="floor" x1="{LEFT}" y1="{floor_y:.2}" x2="{right:.2}" y2="{floor_y:.2}"/><text x="{label_x:.2}" y="{label_y:.2}" text-anchor="end" fill="#c62828">floor {floor}</text>"##
        );
        self.draw_series(svg, "elapsed", x_axis, |run| {
            let elapsed = run.report.elapsed;
            let y = y_axis.at(elapsed.max(MIN_ELAPSED));
            Some((y, format!("elapsed {elapsed:.2} s")))
        });
        bottom + 44.0
    }

    /// Peak memory against concurrency (log scale); returns the bottom of
    /// the picture.
    fn rss_panel(&self, svg: &mut String, y: f64, x_axis: &LogAxis) -> f64 {
        let top = y + 24.0;
        let bottom = top + RSS_HEIGHT;
        *svg += &heading(y + 12.0, 13, "Peak memory against concurrency");
        let max = self.runs().filter_map(rss_mib).fold(0.0, f64::max);
        let (step, end) = ticks(max);
        let at = |mib: f64| bottom - mib / end * (bottom - top);
        x_axis.draw_x(svg, top, bottom);
        let decimals = decimals(step);
        let mut mib = 0.0;
        while mib <= end + step / 2.0 {
            y_tick(svg, x_axis, at(mib), &format!("{mib:.decimals$}"));
            mib += step;
        }
        *svg += &line("axis", (LEFT, top), (LEFT, bottom));
        side_label(svg, top, bottom, "peak RSS, MiB");
        self.draw_series(svg, "rss", x_axis, |run| {
            let rss = rss_mib(run)?;
            Some((at(rss), format!("peak RSS {rss:.1} MiB")))
        });
        bottom + 44.0
    }

    /// Each row's runs in one `panel`: the line through its points, in
    /// order of concurrency, then the points on top, one circle per run.
    /// `value` gives a run's height in the panel and its figure for the
    /// tooltip, or `None` to leave the run out.
    fn draw_series(
        &self,
        svg: &mut String,
        panel: &str,
        x_axis: &LogAxis,
        value: impl Fn(&Run) -> Option<(f64, String)>,
    ) {
        for row in self.rows {
            let name = &row.model;
            let mut points: Vec<(f64, f64, String)> = Vec::new();
            for (m, run) in self.max_req.iter().zip(&row.runs) {
                let Some((y, figure)) = value(run) else { continue };
                let c = run.report.concurrency;
                let tip = format!("{name} -m {m} (concurrency {c}): {figure}");
                points.push((x_axis.at(concurrency(run)), y, tip));
            }
            let (colour, class, fill) = look(name);
            let mut order: Vec<&(f64, f64, String)> = points.iter().collect();
            order.sort_by(|a, b| a.0.total_cmp(&b.0));
            let path = order.iter().map(|(x, y, _)| format!("{x:.2},{y:.2}"));
            let path: Vec<String> = path.collect();
            let _ = writeln!(
                svg,
                r#"<polyline class="{class}" stroke="{colour}" points="{}"/>"#,
                path.join(" ")
            );
            for (x, y, tip) in &points {
                let _ = writeln!(
                    svg,
                    r#"<circle class="point" data-panel="{panel}" data-model="{}" cx="{x:.2}" cy="{y:.2}" r="3.5" stroke="{colour}" stroke-width="1.5" fill="{fill}"><title>{}</title></circle>"#,
                    escape(name),
                    escape(tip)
                );
            }
        }
    }
}

/// The concurrency a run used, where the log x axis places it.
fn concurrency(run: &Run) -> f64 {
    run.report.concurrency.max(1) as f64
}

/// A run's peak memory in MiB, where the OS told us.
fn rss_mib(run: &Run) -> Option<f64> {
    Some(run.max_rss_kib? as f64 / 1024.0)
}

/// "4.99 s", or "0.005 s": the server's delays are exact, and below a
/// second their milliseconds matter.
pub fn seconds(secs: f64) -> String {
    if secs < 1.0 { format!("{secs:.3} s") } else { format!("{secs:.2} s") }
}

/// The y axis's caption, turned to run up its left side.
fn side_label(svg: &mut String, top: f64, bottom: f64, text: &str) {
    let (x, y) = (16.0, (top + bottom) / 2.0);
    let _ = writeln!(
        svg,
        r##"<text x="{x}" y="{y:.2}" transform="rotate(-90 {x} {y:.2})" text-anchor="middle" fill="#444">{}</text>"##,
        escape(text)
    );
}

/// A model's colour (threads blue, asyncio orange, whichever language),
/// the class of its line, and the fill of its points: the book's scripts
/// have a dashed line and hollow points.
fn look(name: &str) -> (&'static str, &'static str, &'static str) {
    let colour = if name.contains("threadpool") {
        "#1565c0"
    } else if name.contains("asyncio") {
        "#ef6c00"
    } else {
        "#6a1b9a"
    };
    if name.ends_with(".py") {
        (colour, "series book", "white")
    } else {
        (colour, "series", colour)
    }
}

/// A log-scale axis from `lo` to `hi` (1, 2 or 5 times a power of ten)
/// drawn from screen position `from` to `to`.
struct LogAxis {
    lo: f64,
    hi: f64,
    from: f64,
    to: f64,
}

impl LogAxis {
    /// The narrowest 1-2-5 range holding every value.
    fn around(values: impl Iterator<Item = f64>, from: f64, to: f64) -> Self {
        let (mut min, mut max) = (f64::INFINITY, 0.0_f64);
        for value in values.filter(|v| v.is_finite() && *v > 0.0) {
            min = min.min(value);
            max = max.max(value);
        }
        if !min.is_finite() {
            (min, max) = (1.0, 10.0);
        }
        let steps = nice_steps(min, max);
        let below = steps.iter().take_while(|&&s| s <= min * (1.0 + 1e-9));
        let lo = below.last().copied().unwrap_or(min);
        let above = steps.iter().find(|&&s| s >= max * (1.0 - 1e-9));
        let hi = above.copied().unwrap_or(max);
        LogAxis { lo, hi: if hi > lo { hi } else { lo * 10.0 }, from, to }
    }

    /// The screen position of `value`.
    fn at(&self, value: f64) -> f64 {
        let share = (value / self.lo).ln() / (self.hi / self.lo).ln();
        self.from + share * (self.to - self.from)
    }

    /// The 1-2-5 values from `lo` to `hi`.
    fn ticks(&self) -> Vec<f64> {
        nice_steps(self.lo, self.hi)
            .into_iter()
            .filter(|&v| {
                v >= self.lo * (1.0 - 1e-9) && v <= self.hi * (1.0 + 1e-9)
            })
            .collect()
    }

    /// As the x axis of a plot from `top` to `bottom`: grid, ticks,
    /// labels and caption.
    fn draw_x(&self, svg: &mut String, top: f64, bottom: f64) {
        for value in self.ticks() {
            *svg += &x_tick(self.at(value), top, bottom, &number(value));
        }
        *svg += &line("axis", (self.from, bottom), (self.to, bottom));
        let caption = "concurrency the run used (-m, at most the number of \
                       codes), log scale";
        *svg += &note(self.to, bottom + 30.0, "end", caption);
    }

    /// As the y axis beside `x_axis`: grid, labels with `unit`, the axis.
    fn draw_y(&self, svg: &mut String, x_axis: &LogAxis, unit: &str) {
        for value in self.ticks() {
            let label = format!("{} {unit}", number(value));
            y_tick(svg, x_axis, self.at(value), &label);
        }
        *svg += &line("axis", (x_axis.from, self.from), (x_axis.from, self.to));
    }
}

/// One tick of a y axis at `y`: a grid line across the plot of `x_axis`,
/// and its `label` on the left.
fn y_tick(svg: &mut String, x_axis: &LogAxis, y: f64, label: &str) {
    let LogAxis { from, to, .. } = *x_axis;
    let (label_x, label_y) = (from - 6.0, y + 4.0);
    let _ = writeln!(
        svg,
        r#"<line class="grid" x1="{from:.2}" y1="{y:.2}" x2="{to:.2}" y2="{y:.2}"/><text x="{label_x:.2}" y="{label_y:.2}" text-anchor="end">{label}</text>"#
    );
}

/// 1, 2 and 5 times every power of ten from below `min` to above `max`.
fn nice_steps(min: f64, max: f64) -> Vec<f64> {
    let first = min.log10().floor() as i32 - 1;
    let last = max.log10().ceil() as i32 + 1;
    (first..=last)
        .flat_map(|power| [1.0, 2.0, 5.0].map(|m| m * 10f64.powi(power)))
        .collect()
}

/// "0.05", "2", "1000": as many decimals as the value needs.
fn number(value: f64) -> String {
    if value >= 1.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.0$}", decimals(value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The axis ends on the 1-2-5 values around the data.
    #[test]
    fn log_axis_ends_on_round_values() {
        let axis = LogAxis::around([1.0, 676.0].into_iter(), 0.0, 1.0);
        assert_eq!((axis.lo, axis.hi), (1.0, 1000.0));
        let axis = LogAxis::around([0.3, 42.0].into_iter(), 0.0, 1.0);
        assert_eq!((axis.lo, axis.hi), (0.2, 50.0));
        assert_eq!(axis.ticks()[..3], [0.2, 0.5, 1.0]);
    }

    /// Equal ratios are equal distances, and the ends map to the ends.
    #[test]
    fn log_axis_places_decades_evenly() {
        let axis = LogAxis::around([1.0, 1000.0].into_iter(), 100.0, 400.0);
        assert_eq!(axis.at(1.0), 100.0);
        assert!((axis.at(10.0) - 200.0).abs() < 1e-9);
        assert!((axis.at(1000.0) - 400.0).abs() < 1e-9);
    }

    /// Labels keep the decimals a value needs and no more.
    #[test]
    fn numbers_are_short() {
        assert_eq!(number(0.05), "0.05");
        assert_eq!(number(0.5), "0.5");
        assert_eq!(number(200.0), "200");
    }
}
