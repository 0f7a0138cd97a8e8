//! The layout invariants the fuzz targets check on every input and the fuzz
//! regression tests check on the inputs that broke them (shared by
//! `#[path]` with `fuzz/fuzz_targets/common.rs`).

use nianbao::layout::{Layout, grid};

/// Every glyph and rule at finite coordinates on the page, and every glyph
/// within the text block's width (GB/T 9704: nothing hangs outside the text
/// block); returns the layout's text in drawing order.
pub fn check_layout(lay: &Layout) -> String {
    assert!(!lay.pages.is_empty());
    let mut text = String::new();
    for (p, page) in lay.pages.iter().enumerate() {
        for r in &page.rules {
            assert!([r.x1, r.y1, r.x2, r.y2].iter().all(|v| v.is_finite()), "page {}: rule at {r:?}", p + 1);
        }
        for run in &page.runs {
            assert!(run.y.is_finite() && run.y > 0.0 && run.y < grid::PAGE_H, "page {}: baseline {}", p + 1, run.y);
            for g in &run.glyphs {
                assert!(g.x.is_finite() && g.advance.is_finite(), "page {}: glyph {:?} at {}", p + 1, g.ch, g.x);
                // The narrower of its natural width and its width on the body grid.
                let right = g.x + g.advance * grid::CHAR_PITCH / grid::BODY_PT;
                assert!(
                    g.x >= grid::left() - 0.5 && right <= grid::right() + 0.5,
                    "page {}: glyph {:?} at x {:.2}..{:.2}, outside the text block {:.2}..{:.2}",
                    p + 1,
                    g.ch,
                    g.x,
                    right,
                    grid::left(),
                    grid::right()
                );
                text.push(g.ch);
            }
        }
    }
    text
}
