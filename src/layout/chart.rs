//! Bar charts as vector graphics: a clustered column chart set in a box of
//! [`CHART_LINES`] grid lines the width of the text block, drawn as the DOCX
//! writer's native chart is (same series colours, same type sizes, values above
//! the bars, legend below). Every label is text in the table role's face, so it
//! copies and searches like the body; bars, grid and axis are filled rectangles
//! and rules.

use crate::diag::Result;
use crate::doc::{Chart, chart_look, value_text};

use super::flow::SetLine;
use super::grid::{self, BLOCK_W, CHAR_PITCH, PITCH};
use super::paragraph::{place, wrap};
use super::shape::{Faces, shape};
use super::types::{Fill, Item, Rule};

/// Grid lines a chart takes (as the DOCX's chart frame: 8.5 lines and its paragraph).
pub const CHART_LINES: usize = 9;

/// A colour of [`chart_look`] as the layout's fills have it (0 to 1, to three
/// decimals).
fn rgb(c: [u8; 3]) -> [f32; 3] {
    c.map(|v| ((f64::from(v) / 255.0 * 1000.0).round() / 1000.0) as f32)
}

const TITLE_PT: f32 = chart_look::TITLE_PT;
const TEXT_PT: f32 = chart_look::TEXT_PT;
const VALUE_PT: f32 = chart_look::VALUE_PT;
/// Smallest size a category name shrinks to before it wraps further.
const MIN_PT: f32 = 7.5;
/// Line spacing of chart text, as a multiple of its size.
const LEADING: f32 = 1.25;

/// Text shaped in the table role's face at `size`, at natural widths.
fn text(faces: &mut Faces, s: &str, size: f32, strong: bool) -> Result<Vec<Item>> {
    let mut items = shape(faces, &[(Chart::ROLE, strong, s)])?;
    for it in &mut items {
        let k = size / it.size;
        it.size = size;
        it.advance *= k;
        it.width = it.advance;
    }
    Ok(items)
}

fn width(items: &[Item]) -> f32 {
    items.iter().map(|i| i.width).sum()
}

/// What a chart draws, with y measured downwards from the chart's top: runs
/// carry their baseline's distance below the top; rules and fills are stored as
/// the page has them relative to the top (upwards positive).
#[derive(Default)]
struct Canvas {
    runs: Vec<super::Run>,
    rules: Vec<Rule>,
    fills: Vec<Fill>,
}

impl Canvas {
    /// `items` on one line starting at `x`, baseline `y` below the top.
    fn put(&mut self, items: &[Item], x: f32, y: f32) {
        for mut r in place(items, x, 0.0) {
            r.y = y;
            self.runs.push(r);
        }
    }

    /// `items` broken to `measure` and centred on `cx` (kept within `bounds`),
    /// first baseline at `y`; returns the baseline after the last line.
    fn centred(&mut self, items: &[Item], cx: f32, measure: f32, bounds: (f32, f32), mut y: f32, size: f32) -> f32 {
        for part in wrap(items, measure) {
            let x = (cx - width(part) / 2.0).clamp(bounds.0, bounds.1 - width(part).min(bounds.1 - bounds.0));
            self.put(part, x, y);
            y += size * LEADING;
        }
        y
    }

    /// A rectangle from `top` to `bottom` (distances below the chart's top).
    fn rect(&mut self, x: f32, w: f32, top: f32, bottom: f32, rgb: [f32; 3], outline: bool) {
        self.fills.push(Fill { x, y: -bottom, w, h: bottom - top, rgb, outline });
    }

    fn rule(&mut self, x1: f32, y1: f32, x2: f32, y2: f32) {
        self.rules.push(Rule { x1, y1: -y1, x2, y2: -y2 });
    }
}

/// Decimal places that show `step`'s multiples exactly (0 to 3).
fn decimals(step: f64) -> usize {
    (0..3).find(|&d| (step * 10f64.powi(d as i32)).fract().abs() < 1e-6).unwrap_or(3)
}

/// Set one chart, or two that pair ([`Chart::pairs_with`]) side by side a
/// character apart, as one line of `lines` grid lines ([`CHART_LINES`], or
/// more on a page of charts alone: see `paginate`).
pub(super) fn set_charts(charts: &[&Chart], faces: &mut Faces, lines: usize) -> Result<SetLine> {
    let mut c = Canvas::default();
    let n = charts.len() as f32;
    let w = (BLOCK_W - CHAR_PITCH * (n - 1.0)) / n;
    let x = |i: usize| grid::left() + i as f32 * (w + CHAR_PITCH);
    // Charts in a row share their axis line: each leaves room for the most
    // lines of category names any of them needs.
    let mut name_lines = 1;
    for (i, chart) in charts.iter().enumerate() {
        name_lines = name_lines.max(draw(chart, faces, &mut Canvas::default(), x(i), w, lines, 1)?);
    }
    for (i, chart) in charts.iter().enumerate() {
        draw(chart, faces, &mut c, x(i), w, lines, name_lines)?;
    }
    Ok(SetLine { runs: c.runs, rules: c.rules, fills: c.fills, height: lines, frame: Vec::new() })
}

/// Draw `chart` on `c` in the column from `left`, `w` wide and `lines` grid
/// lines tall, with room for at least `min_name_lines` lines of category names
/// under the axis; returns the lines its names take.
fn draw(
    chart: &Chart,
    faces: &mut Faces,
    c: &mut Canvas,
    left: f32,
    w: f32,
    lines: usize,
    min_name_lines: usize,
) -> Result<usize> {
    let height = lines as f32 * PITCH;
    let right = left + w;
    let bounds = (left, right);

    // Title, centred, bold.
    let title = text(faces, &chart.caption(), TITLE_PT, true)?;
    let y = c.centred(&title, left + w / 2.0, w, bounds, TITLE_PT * 1.1, TITLE_PT);

    // Legend rows, bottom up from the chart's foot: key, gap, name; entries
    // packed into rows as wide as the chart, each row centred.
    let key = TEXT_PT * 0.8;
    let mut entries = Vec::new();
    for (i, name) in chart.series.iter().enumerate() {
        let items = text(faces, name, TEXT_PT, false)?;
        entries.push((i, items));
    }
    let entry_w = |items: &[Item]| key + 4.0 + width(items).min(w - key - 4.0);
    let mut rows: Vec<Vec<usize>> = vec![Vec::new()];
    let mut row_w = 0.0;
    for (k, (_, items)) in entries.iter().enumerate() {
        let ew = entry_w(items) + if row_w > 0.0 { 16.0 } else { 0.0 };
        if row_w > 0.0 && row_w + ew > w {
            rows.push(Vec::new());
            row_w = 0.0;
        }
        row_w += if row_w > 0.0 { ew } else { entry_w(items) };
        rows.last_mut().unwrap().push(k);
    }
    let line = TEXT_PT * LEADING;
    let mut legend_top = height - 4.0;
    for row in rows.iter().rev() {
        let lines = row.iter().map(|&k| wrap(&entries[k].1, w - key - 4.0).len()).max().unwrap_or(1);
        legend_top -= lines as f32 * line;
        let total: f32 = row.iter().map(|&k| entry_w(&entries[k].1)).sum::<f32>() + 16.0 * (row.len() - 1) as f32;
        let mut x = left + (w - total) / 2.0;
        for &k in row {
            let (i, items) = &entries[k];
            let base = legend_top + TEXT_PT * 0.9;
            c.rect(x, key, base - key, base, rgb(chart_look::FILLS[i % chart_look::FILLS.len()]), true);
            let mut b = base;
            for part in wrap(items, w - key - 4.0) {
                c.put(part, x + key + 4.0, b);
                b += line;
            }
            x += entry_w(items) + 16.0;
        }
    }

    let plot_top = y + VALUE_PT * LEADING + 2.0;

    // Value axis labels, right-aligned left of the plot.
    let (step, steps) = chart.axis();
    let dec = decimals(step);
    let mut ticks = Vec::new();
    for k in 0..=steps {
        ticks.push(text(faces, &format!("{:.dec$}", step * k as f64), TEXT_PT, false)?);
    }
    let label_w = ticks.iter().map(|t| width(t)).fold(0.0, f32::max);
    let plot_left = left + label_w + 6.0;
    let plot_right = right - 2.0;
    let n = chart.categories.len().max(1);
    let group = (plot_right - plot_left) / n as f32;

    // Category names under the axis, shrunk (down to MIN_PT) rather than wrapped
    // to more than two lines.
    let mut names = Vec::new();
    let mut name_lines = min_name_lines;
    for cat in &chart.categories {
        let mut size = TEXT_PT;
        let mut items = text(faces, &cat.name, size, false)?;
        while wrap(&items, group - 4.0).len() > 2 && size > MIN_PT {
            size = (size - 1.5).max(MIN_PT);
            items = text(faces, &cat.name, size, false)?;
        }
        name_lines = name_lines.max(wrap(&items, group - 4.0).len());
        names.push((items, size));
    }
    let axis_y = legend_top - 6.0 - name_lines as f32 * line - 4.0;
    let plot_h = (axis_y - plot_top).max(PITCH);
    let scale = plot_h / (step * steps as f64) as f32;

    // Grid and tick labels.
    for (k, t) in ticks.iter().enumerate() {
        let ty = axis_y - k as f32 * (plot_h / steps as f32);
        if k > 0 {
            c.rect(plot_left, plot_right - plot_left, ty - 0.25, ty + 0.25, rgb(chart_look::GRID), false);
        }
        c.put(t, plot_left - 4.0 - width(t), ty + TEXT_PT * 0.35);
    }

    // Bars with their values above, then the axis over their feet.
    let k = chart.series.len().max(1);
    let bar = ((group * 0.7) / k as f32).min(36.0);
    for (ci, cat) in chart.categories.iter().enumerate() {
        let cx = plot_left + group * (ci as f32 + 0.5);
        let x0 = cx - bar * k as f32 / 2.0;
        for (si, v) in cat.values.iter().enumerate() {
            let Some(v) = v.filter(|v| v.is_finite()) else { continue };
            let x = x0 + bar * si as f32;
            let top = axis_y - (v as f32 * scale).min(plot_h + VALUE_PT);
            c.rect(x, bar, top, axis_y, rgb(chart_look::FILLS[si % chart_look::FILLS.len()]), true);
            let mut label = text(faces, &value_text(v), VALUE_PT, false)?;
            let w = width(&label);
            if w > bar + 2.0 {
                let size = (VALUE_PT * (bar + 2.0) / w).max(5.0);
                label = text(faces, &value_text(v), size, false)?;
            }
            let w = width(&label);
            let lx = (x + bar / 2.0 - w / 2.0).clamp(left, right - w);
            c.put(&label, lx, top - 3.0);
        }
        let (items, size) = &names[ci];
        c.centred(items, cx, group - 4.0, bounds, axis_y + 4.0 + size * 0.9, *size);
    }
    c.rule(plot_left, axis_y, plot_right, axis_y);
    Ok(name_lines)
}

#[cfg(test)]
mod tests {
    use super::{decimals, value_text};

    #[test]
    fn tick_labels_show_the_step() {
        assert_eq!(decimals(2.5), 1);
        assert_eq!(decimals(0.25), 2);
        assert_eq!(decimals(20.0), 0);
        assert_eq!(value_text(66.2), "66.2");
        assert_eq!(value_text(7703.0), "7703");
        assert_eq!(value_text(0.125), "0.125");
    }
}
