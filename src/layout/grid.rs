//! The page and its type grid (GB/T 9704-2012 5.2): A4, margins 37/35/28/26 mm,
//! a 156 × 225 mm text block holding 22 lines of 28 characters. All values are
//! in PDF points with the origin at the page's bottom left.

/// Points per millimetre.
pub const MM: f32 = 72.0 / 25.4;
/// The page and the text block in millimetres, the one statement of them (the
/// DOCX writer converts them to twips): A4, 37 mm from the top and 28 mm from
/// the left to a 156 × 225 mm text block, leaving 35 mm below and 26 mm right.
pub const PAGE_W_MM: f32 = 210.0;
pub const PAGE_H_MM: f32 = 297.0;
pub const MARGIN_TOP_MM: f32 = 37.0;
pub const MARGIN_LEFT_MM: f32 = 28.0;
pub const BLOCK_W_MM: f32 = 156.0;
pub const BLOCK_H_MM: f32 = 225.0;
pub const PAGE_W: f32 = PAGE_W_MM * MM;
pub const PAGE_H: f32 = PAGE_H_MM * MM;
pub const MARGIN_TOP: f32 = MARGIN_TOP_MM * MM;
pub const MARGIN_LEFT: f32 = MARGIN_LEFT_MM * MM;
pub const BLOCK_W: f32 = BLOCK_W_MM * MM;
pub const BLOCK_H: f32 = BLOCK_H_MM * MM;
/// Lines per page.
pub const LINES: usize = 22;
/// Characters per full line of body text.
pub const CHARS: usize = 28;
/// Line pitch: 225 mm / 22 = 28.99 pt.
pub const PITCH: f32 = BLOCK_H / LINES as f32;
/// Character pitch of body text: 156 mm / 28 = 15.79 pt.
pub const CHAR_PITCH: f32 = BLOCK_W / CHARS as f32;
/// Body size, 3号.
pub const BODY_PT: f32 = 16.0;
/// The page number's line sits this far below the text block.
pub const FOLIO_GAP: f32 = 7.0 * MM;

/// Left edge of the text block.
pub const fn left() -> f32 {
    MARGIN_LEFT
}

/// Right edge of the text block.
pub const fn right() -> f32 {
    MARGIN_LEFT + BLOCK_W
}

/// Top edge of the text block.
pub const fn block_top() -> f32 {
    PAGE_H - MARGIN_TOP
}

/// Bottom edge of the text block.
pub const fn block_bottom() -> f32 {
    PAGE_H - MARGIN_TOP - BLOCK_H
}

/// Baseline of grid line `i` (0-based) for type of `size` points with the em box
/// centred in the line: the em box's top is `ascent` (fraction of the em above
/// the baseline) below its top.
pub fn baseline(i: usize, size: f32, ascent: f32) -> f32 {
    let band_top = block_top() - i as f32 * PITCH;
    band_top - (PITCH - size) / 2.0 - size * ascent
}

/// Fraction of the em above the baseline used to centre type in a grid line.
pub const LINE_ASCENT: f32 = 0.88;
