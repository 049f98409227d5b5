//! The SVG of both pictures, `compare`'s timeline and the sweep's plot: one
//! width, font and look of axes and grid, and the few elements they are
//! drawn with, by hand (a few rects, lines and texts need no plotting
//! library, and every element is plain to read in the output).

use std::fs;
use std::path::Path;

use anyhow::{Context, Result};

/// Width of every picture, and its right margin.
pub const WIDTH: f64 = 960.0;
pub const RIGHT: f64 = 24.0;

/// A whole picture: `body` under a bold `title`, on white, with the axis
/// and grid rules and those of `style`.
pub fn document(height: f64, style: &str, title: &str, body: &str) -> String {
    let heading = heading(22.0, 15, title);
    format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" font-family="sans-serif" font-size="11">
<style>
.axis{{stroke:#444;stroke-width:1}}
.grid{{stroke:#ddd;stroke-width:1}}
{style}</style>
<rect width="100%" height="100%" fill="white"/>
{heading}{body}</svg>
"#
    )
}

/// Writes a picture to `path`, making its directory first.
pub fn save(path: &Path, svg: &str) -> Result<()> {
    if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
        fs::create_dir_all(dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
    }
    fs::write(path, svg)
        .with_context(|| format!("cannot write {}", path.display()))
}

/// A bold line of text at `y`, in `size` points: a title.
pub fn heading(y: f64, size: u32, text: &str) -> String {
    format!(
        "<text x=\"12\" y=\"{y}\" font-size=\"{size}\" \
         font-weight=\"bold\">{}</text>\n",
        escape(text)
    )
}

/// A line of `class` from one point to another.
pub fn line(class: &str, (x1, y1): (f64, f64), (x2, y2): (f64, f64)) -> String {
    format!(
        "<line class=\"{class}\" x1=\"{x1:.2}\" y1=\"{y1:.2}\" \
         x2=\"{x2:.2}\" y2=\"{y2:.2}\"/>\n"
    )
}

/// Grey text at (`x`, `y`), anchored at its `anchor` (start, middle or
/// end): captions and notes.
pub fn note(x: f64, y: f64, anchor: &str, text: &str) -> String {
    format!(
        "<text x=\"{x:.2}\" y=\"{y:.2}\" text-anchor=\"{anchor}\" \
         fill=\"#444\">{}</text>\n",
        escape(text)
    )
}

/// One tick of an x axis at `x`: a grid line from `top` to `bottom`, a
/// mark below the axis and its `label`.
pub fn x_tick(x: f64, top: f64, bottom: f64, label: &str) -> String {
    line("grid", (x, top), (x, bottom))
        + &line("axis", (x, bottom), (x, bottom + 4.0))
        + &format!(
            "<text x=\"{x:.2}\" y=\"{:.2}\" text-anchor=\"middle\">{}</text>\n",
            bottom + 15.0,
            escape(label)
        )
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

/// The decimals a label needs on an axis of `step`: none from 1 up.
pub fn decimals(step: f64) -> usize {
    (-step.log10().floor()).max(0.0) as usize
}

/// Text safe inside an XML element or attribute.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
