//! A fresh TrueType (`glyf`) font holding only the glyphs of a set of
//! characters, renamed: what a DOCX embeds.
//!
//! Word embeds and reads TrueType outlines only, and the configured faces may be
//! CFF (the Fandol faces are CID-keyed CFF). So outlines are read with
//! ttf-parser, cubic curves approximated by quadratics with kurbo (within
//! [`TOLERANCE`] font units), contours turned to TrueType's clockwise
//! direction and each glyph encoded straight into its `glyf` bytes (as
//! write-fonts' `SimpleGlyph` would encode it, implied on-curve points dropped);
//! the other tables are written with write-fonts. Metrics and OS/2 values are
//! copied from the source face; the family name becomes the DOCX name, so that
//! the embedded font answers to the name the document uses.
//!
//! Converted glyphs are cached in the face ([`GlyphCache`]) for the rest of the
//! process: a batch converts each glyph once, and each report only assembles
//! its subset.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

use kurbo::{CubicBez, Line, ParamCurveArea, Point, QuadBez};
use rayon::prelude::*;
use write_fonts::read::{FontRef, TableProvider};
use write_fonts::tables::cmap::Cmap;
use write_fonts::tables::glyf::Bbox;
use write_fonts::tables::head::Head;
use write_fonts::tables::hhea::Hhea;
use write_fonts::tables::hmtx::{Hmtx, LongMetric};
use write_fonts::tables::maxp::Maxp;
use write_fonts::tables::name::{Name, NameRecord};
use write_fonts::tables::os2::Os2;
use write_fonts::tables::post::Post;
use write_fonts::types::{GlyphId, NameId, Tag, Version16Dot16};
use write_fonts::{FontBuilder, from_obj::ToOwnedTable};

use crate::diag::{Diagnostic, Errors, Result};

use super::FaceData;

/// Largest distance, in font units, between a cubic curve and its quadratic
/// approximation (1/1000 em for the usual 1000-unit faces: invisible).
pub const TOLERANCE: f64 = 1.0;

fn err(face: &FaceData, msg: impl std::fmt::Display) -> Errors {
    Errors::one(Diagnostic::error(
        "font.truetype",
        format!("无法把字体 {} 转成 TrueType 子集：{msg}", face.path.display()),
    ))
}

/// One contour: its start and its segments `(control point of a quadratic, end)`,
/// all on the unit grid.
#[derive(Debug, Default)]
struct Contour {
    start: Point,
    segs: Vec<(Option<Point>, Point)>,
}

/// Collects a glyph outline as TrueType contours (font units, y up): cubic
/// curves approximated by quadratics within [`TOLERANCE`], points rounded to
/// the unit grid, zero-length lines dropped, and contours that enclose nothing
/// (fewer than two segments) left out.
#[derive(Default)]
struct GlyfPen {
    contours: Vec<Contour>,
    cur: Option<Contour>,
    /// The current point, rounded.
    last: Point,
}

fn round(p: Point) -> Point {
    Point::new(p.x.round(), p.y.round())
}

fn point(x: f32, y: f32) -> Point {
    Point::new(f64::from(x), f64::from(y))
}

impl GlyfPen {
    fn flush(&mut self) {
        if let Some(c) = self.cur.take()
            && c.segs.len() >= 2
        {
            self.contours.push(c);
        }
    }

    fn push(&mut self, ctrl: Option<Point>, end: Point) {
        if let Some(c) = &mut self.cur {
            c.segs.push((ctrl, end));
        }
        self.last = end;
    }
}

impl ttf_parser::OutlineBuilder for GlyfPen {
    fn move_to(&mut self, x: f32, y: f32) {
        self.flush();
        let p = round(point(x, y));
        self.cur = Some(Contour { start: p, segs: Vec::new() });
        self.last = p;
    }
    fn line_to(&mut self, x: f32, y: f32) {
        let p = round(point(x, y));
        if p != self.last {
            self.push(None, p);
        }
    }
    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        self.push(Some(round(point(x1, y1))), round(point(x, y)));
    }
    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        let cubic = CubicBez::new(self.last, point(x1, y1), point(x2, y2), round(point(x, y)));
        for (_, _, q) in cubic.to_quads(TOLERANCE) {
            self.push(Some(round(q.p1)), round(q.p2));
        }
    }
    fn close(&mut self) {
        self.flush();
    }
}

/// The signed area the contours enclose (positive: counter-clockwise, y up).
fn signed_area(contours: &[Contour]) -> f64 {
    let mut area = 0.0;
    for c in contours {
        let mut last = c.start;
        for &(ctrl, end) in &c.segs {
            area += match ctrl {
                None => Line::new(last, end).signed_area(),
                Some(ctrl) => QuadBez::new(last, ctrl, end).signed_area(),
            };
            last = end;
        }
        if last != c.start {
            area += Line::new(last, c.start).signed_area();
        }
    }
    area
}

/// A contour's points `(x, y, on curve)` as `glyf` stores them: clockwise (the
/// order reversed when `reverse`), the closing point that repeats the first
/// dropped, and each on-curve point midway between two off-curve neighbours
/// left implied.
fn contour_points(c: &Contour, reverse: bool) -> Vec<(i16, i16, bool)> {
    let mut pts: Vec<(Point, bool)> = Vec::with_capacity(2 * c.segs.len() + 1);
    if reverse {
        pts.push((c.segs.last().map_or(c.start, |s| s.1), true));
        for i in (0..c.segs.len()).rev() {
            if let Some(ctrl) = c.segs[i].0 {
                pts.push((ctrl, false));
            }
            pts.push((if i > 0 { c.segs[i - 1].1 } else { c.start }, true));
        }
    } else {
        pts.push((c.start, true));
        for &(ctrl, end) in &c.segs {
            if let Some(ctrl) = ctrl {
                pts.push((ctrl, false));
            }
            pts.push((end, true));
        }
    }
    if pts.len() > 1 && pts.first() == pts.last() {
        pts.pop();
    }
    let n = pts.len();
    let mut out = Vec::with_capacity(n);
    for (i, &(p1, on)) in pts.iter().enumerate() {
        // The neighbours on the closed contour (no division: this runs for
        // every point of every glyph a document embeds).
        let (p0, on0) = pts[if i == 0 { n - 1 } else { i - 1 }];
        let (p2, on2) = pts[if i + 1 == n { 0 } else { i + 1 }];
        let implied = on && !on0 && !on2 && p0.x + p2.x == 2.0 * p1.x && p0.y + p2.y == 2.0 * p1.y;
        if !implied {
            out.push((p1.x as i16, p1.y as i16, on));
        }
    }
    out
}

/// A simple glyph's `glyf` entry: header, end points, no instructions, flags
/// (runs of equal flags with a repeat count, a run of two as two flags) and the
/// x and y deltas, short where they fit; padded to an even length.
fn encode_glyph(contours: &[Vec<(i16, i16, bool)>], bbox: Bbox) -> Vec<u8> {
    const ON_CURVE: u8 = 0x01;
    const X_SHORT: u8 = 0x02;
    const Y_SHORT: u8 = 0x04;
    const REPEAT: u8 = 0x08;
    const X_SAME_OR_POSITIVE: u8 = 0x10;
    const Y_SAME_OR_POSITIVE: u8 = 0x20;
    let points: usize = contours.iter().map(Vec::len).sum();
    let mut out = Vec::with_capacity(12 + 2 * contours.len() + 5 * points);
    out.extend((contours.len() as i16).to_be_bytes());
    for v in [bbox.x_min, bbox.y_min, bbox.x_max, bbox.y_max] {
        out.extend(v.to_be_bytes());
    }
    let mut end = 0usize;
    for c in contours {
        end += c.len();
        out.extend((end as u16 - 1).to_be_bytes());
    }
    out.extend(0u16.to_be_bytes());
    // Each delta: flag bits, and the bytes it takes (none, one, or two).
    let delta = |d: i16, short: u8, same: u8, data: &mut Vec<u8>| -> u8 {
        match d {
            0 => same,
            -255..=-1 => {
                data.push(d.unsigned_abs() as u8);
                short
            }
            1..=255 => {
                data.push(d as u8);
                short | same
            }
            _ => {
                data.extend(d.to_be_bytes());
                0
            }
        }
    };
    let (mut flags, mut xs, mut ys) = (Vec::with_capacity(points), Vec::new(), Vec::new());
    let (mut lx, mut ly) = (0i16, 0i16);
    for &(x, y, on) in contours.iter().flatten() {
        let mut f = if on { ON_CURVE } else { 0 };
        f |= delta(x.wrapping_sub(lx), X_SHORT, X_SAME_OR_POSITIVE, &mut xs);
        f |= delta(y.wrapping_sub(ly), Y_SHORT, Y_SAME_OR_POSITIVE, &mut ys);
        (lx, ly) = (x, y);
        flags.push(f);
    }
    let mut i = 0;
    while i < flags.len() {
        let f = flags[i];
        let run = flags[i..].iter().take_while(|&&g| g == f).count().min(256);
        match run {
            1 => out.push(f),
            2 => out.extend([f, f]),
            _ => out.extend([f | REPEAT, (run - 1) as u8]),
        }
        i += run;
    }
    out.extend(xs);
    out.extend(ys);
    if out.len() % 2 == 1 {
        out.push(0);
    }
    out
}

/// One glyph converted to TrueType, as it goes into a `glyf` table.
#[derive(Debug)]
struct TtGlyph {
    /// The compiled glyph, padded to a multiple of four bytes; empty for a glyph without outline.
    bytes: Vec<u8>,
    advance: u16,
    bbox: Option<Bbox>,
    points: u16,
    contours: u16,
}

/// The glyphs of one face converted so far, shared by every report of a run:
/// a batch converts each glyph once, and a report converts only the glyphs
/// that no report before it used.
#[derive(Debug, Default)]
pub struct GlyphCache(Mutex<HashMap<u16, Arc<TtGlyph>>>);

impl GlyphCache {
    /// How many glyphs have been converted.
    pub fn converted(&self) -> usize {
        self.0.lock().expect("glyph cache").len()
    }
}

/// Convert glyph `gid` of `src` (outlines in font units, y up).
fn convert(src: &ttf_parser::Face, gid: ttf_parser::GlyphId) -> TtGlyph {
    let advance = src.glyph_hor_advance(gid).unwrap_or(0);
    let mut pen = GlyfPen::default();
    let contours = match src.outline_glyph(gid, &mut pen) {
        Some(_) => {
            pen.flush();
            pen.contours
        }
        None => Vec::new(),
    };
    if contours.is_empty() {
        return TtGlyph { bytes: Vec::new(), advance, bbox: None, points: 0, contours: 0 };
    }
    // TrueType outer contours run clockwise. Faces differ (the Fandol faces are
    // not all alike), so turn each glyph whose contours enclose positive
    // (counter-clockwise, y up) area as a whole.
    let reverse = signed_area(&contours) > 0.0;
    // The control box: every point, on the curve or not.
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for c in &contours {
        for p in std::iter::once(c.start).chain(c.segs.iter().flat_map(|s| s.0.into_iter().chain([s.1]))) {
            (x0, y0, x1, y1) = (x0.min(p.x), y0.min(p.y), x1.max(p.x), y1.max(p.y));
        }
    }
    let bbox = Bbox { x_min: x0 as i16, y_min: y0 as i16, x_max: x1 as i16, y_max: y1 as i16 };
    let points: Vec<Vec<(i16, i16, bool)>> = contours.iter().map(|c| contour_points(c, reverse)).collect();
    let mut bytes = encode_glyph(&points, bbox);
    bytes.resize(bytes.len().next_multiple_of(4), 0);
    TtGlyph {
        bytes,
        advance,
        bbox: Some(bbox),
        points: points.iter().map(Vec::len).sum::<usize>() as u16,
        contours: points.len() as u16,
    }
}

/// The TrueType glyphs of `gids`, converted on first use (in parallel) and
/// cached in the face.
fn glyphs(face: &FaceData, src: &ttf_parser::Face, gids: &[ttf_parser::GlyphId]) -> Result<Vec<Arc<TtGlyph>>> {
    let missing: Vec<ttf_parser::GlyphId> = {
        let cache = face.glyf.0.lock().expect("glyph cache");
        gids.iter().copied().filter(|g| !cache.contains_key(&g.0)).collect()
    };
    if !missing.is_empty() {
        let converted: Vec<(u16, TtGlyph)> = missing.par_iter().map(|&g| (g.0, convert(src, g))).collect();
        let mut cache = face.glyf.0.lock().expect("glyph cache");
        for (gid, t) in converted {
            cache.entry(gid).or_insert_with(|| Arc::new(t));
        }
    }
    let cache = face.glyf.0.lock().expect("glyph cache");
    Ok(gids.iter().map(|g| cache[&g.0].clone()).collect())
}

/// Convert the glyphs of `chars` (and `.notdef`) into `face`'s cache ahead of
/// [`subset`], which then only assembles them.
pub fn convert_ahead(face: &FaceData, chars: &BTreeSet<char>) -> Result<()> {
    let src = face.face();
    let gids: BTreeSet<u16> =
        std::iter::once(0).chain(chars.iter().filter_map(|&ch| src.glyph_index(ch).map(|g| g.0))).collect();
    let gids: Vec<ttf_parser::GlyphId> = gids.into_iter().map(ttf_parser::GlyphId).collect();
    glyphs(face, &src, &gids).map(drop)
}

/// Every character `face` has a glyph for.
pub fn all_chars(face: &FaceData) -> BTreeSet<char> {
    let src = face.face();
    let mut out = BTreeSet::new();
    for table in src.tables().cmap.into_iter().flat_map(|c| c.subtables) {
        if table.is_unicode() {
            table.codepoints(|cp| {
                if let Some(ch) = char::from_u32(cp) {
                    out.insert(ch);
                }
            });
        }
    }
    out.retain(|&ch| src.glyph_index(ch).is_some());
    out
}

/// A TrueType font with the glyphs of `chars` (and `.notdef`) from `face`,
/// whose family name is `family` and PostScript name `ps` (ASCII).
pub fn subset(face: &FaceData, chars: &BTreeSet<char>, family: &str, ps: &str) -> Result<Vec<u8>> {
    let src = face.face();
    let font = FontRef::from_index(&face.data, face.index).map_err(|e| err(face, e))?;

    // New glyph order: .notdef, then each source glyph once, in character order.
    let mut order: Vec<ttf_parser::GlyphId> = vec![ttf_parser::GlyphId(0)];
    let mut new_id: BTreeMap<u16, u16> = BTreeMap::new();
    new_id.insert(0, 0);
    let mut mappings = Vec::new();
    for &ch in chars {
        let Some(gid) = src.glyph_index(ch) else { continue };
        let id = *new_id.entry(gid.0).or_insert_with(|| {
            order.push(gid);
            (order.len() - 1) as u16
        });
        mappings.push((ch, GlyphId::new(u32::from(id))));
    }

    let mut glyf = Vec::new();
    let mut offsets = vec![0u32];
    let mut metrics = Vec::new();
    let (mut max_points, mut max_contours) = (0u16, 0u16);
    let mut bbox: Option<Bbox> = None;
    let (mut min_lsb, mut min_rsb, mut max_extent, mut max_adv) = (i16::MAX, i16::MAX, i16::MIN, 0u16);
    for g in glyphs(face, &src, &order)? {
        let lsb = match g.bbox {
            Some(b) => {
                max_points = max_points.max(g.points);
                max_contours = max_contours.max(g.contours);
                bbox = Some(bbox.map_or(b, |a| a.union(b)));
                min_lsb = min_lsb.min(b.x_min);
                min_rsb = min_rsb.min(g.advance as i16 - b.x_max);
                max_extent = max_extent.max(b.x_max);
                b.x_min
            }
            None => 0,
        };
        max_adv = max_adv.max(g.advance);
        metrics.push(LongMetric::new(g.advance, lsb));
        glyf.extend_from_slice(&g.bytes);
        offsets.push(glyf.len() as u32);
    }
    // Short offsets (halved) when they fit; glyphs are padded to four bytes.
    let long = glyf.len() > 0x1FFFE;
    let loca: Vec<u8> = if long {
        offsets.iter().flat_map(|o| o.to_be_bytes()).collect()
    } else {
        offsets.iter().flat_map(|o| ((o / 2) as u16).to_be_bytes()).collect()
    };
    let bbox = bbox.unwrap_or(Bbox { x_min: 0, y_min: 0, x_max: 0, y_max: 0 });
    let num_glyphs = order.len() as u16;

    let mut head: Head = font.head().map_err(|e| err(face, e))?.to_owned_table();
    head.index_to_loc_format = i16::from(long);
    head.x_min = bbox.x_min;
    head.y_min = bbox.y_min;
    head.x_max = bbox.x_max;
    head.y_max = bbox.y_max;
    // `created`/`modified` stay the source face's: fixed, so the bytes are too.

    let mut hhea: Hhea = font.hhea().map_err(|e| err(face, e))?.to_owned_table();
    hhea.number_of_h_metrics = num_glyphs;
    hhea.advance_width_max = max_adv.into();
    if min_lsb != i16::MAX {
        hhea.min_left_side_bearing = min_lsb.into();
        hhea.min_right_side_bearing = min_rsb.into();
        hhea.x_max_extent = max_extent.into();
    }

    let mut maxp = Maxp::new(num_glyphs);
    maxp.max_points = Some(max_points);
    maxp.max_contours = Some(max_contours);
    maxp.max_composite_points = Some(0);
    maxp.max_composite_contours = Some(0);
    maxp.max_zones = Some(1);
    maxp.max_twilight_points = Some(0);
    maxp.max_storage = Some(0);
    maxp.max_function_defs = Some(0);
    maxp.max_instruction_defs = Some(0);
    maxp.max_stack_elements = Some(0);
    maxp.max_size_of_instructions = Some(0);
    maxp.max_component_elements = Some(0);
    maxp.max_component_depth = Some(0);

    let mut os2: Os2 = font.os2().map_err(|e| err(face, e))?.to_owned_table();
    let first = chars.iter().next().map(|&c| (c as u32).min(0xFFFF) as u16).unwrap_or(0);
    let last = chars.iter().next_back().map(|&c| (c as u32).min(0xFFFF) as u16).unwrap_or(0);
    os2.us_first_char_index = first;
    os2.us_last_char_index = last;

    let mut post: Post = font.post().map_err(|e| err(face, e))?.to_owned_table();
    post.version = Version16Dot16::VERSION_3_0;
    post.num_glyphs = None;
    post.glyph_name_index = None;
    post.string_data = None;

    let mut records = Vec::new();
    for (language, name_id, value) in [
        (0x0409u16, NameId::FAMILY_NAME, family.to_string()),
        (0x0409, NameId::SUBFAMILY_NAME, "Regular".to_string()),
        (0x0409, NameId::UNIQUE_ID, ps.to_string()),
        (0x0409, NameId::FULL_NAME, family.to_string()),
        (0x0409, NameId::VERSION_STRING, "Version 1.0".to_string()),
        (0x0409, NameId::POSTSCRIPT_NAME, ps.to_string()),
        (0x0804, NameId::FAMILY_NAME, family.to_string()),
        (0x0804, NameId::SUBFAMILY_NAME, "Regular".to_string()),
        (0x0804, NameId::FULL_NAME, family.to_string()),
    ] {
        records.push(NameRecord::new(3, 1, language, name_id, value.into()));
    }
    records.sort_by_key(|r| (r.platform_id, r.encoding_id, r.language_id, r.name_id));
    let name = Name::new(records);

    let cmap = Cmap::from_mappings(mappings).map_err(|e| err(face, e))?;
    let hmtx = Hmtx::new(metrics, Vec::new());

    let mut fb = FontBuilder::new();
    fb.add_table(&head).map_err(|e| err(face, e))?;
    fb.add_table(&hhea).map_err(|e| err(face, e))?;
    fb.add_table(&maxp).map_err(|e| err(face, e))?;
    fb.add_table(&os2).map_err(|e| err(face, e))?;
    fb.add_table(&hmtx).map_err(|e| err(face, e))?;
    fb.add_table(&cmap).map_err(|e| err(face, e))?;
    fb.add_raw(Tag::new(b"loca"), loca);
    fb.add_raw(Tag::new(b"glyf"), glyf);
    fb.add_table(&name).map_err(|e| err(face, e))?;
    fb.add_table(&post).map_err(|e| err(face, e))?;
    Ok(fb.build())
}

#[cfg(test)]
mod tests {
    //! The direct `glyf` encoder against write-fonts' `SimpleGlyph`, fed the same
    //! outline as a kurbo path (the way nianbao converted glyphs before).
    use kurbo::{BezPath, PathEl, Shape};
    use write_fonts::tables::glyf::{GlyfLocaBuilder, SimpleGlyph};

    use super::*;

    /// Collects a glyph outline as a kurbo path (font units, y up).
    struct PathPen(BezPath);

    impl ttf_parser::OutlineBuilder for PathPen {
        fn move_to(&mut self, x: f32, y: f32) {
            self.0.move_to((f64::from(x), f64::from(y)));
        }
        fn line_to(&mut self, x: f32, y: f32) {
            self.0.line_to((f64::from(x), f64::from(y)));
        }
        fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
            self.0.quad_to((f64::from(x1), f64::from(y1)), (f64::from(x), f64::from(y)));
        }
        fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
            self.0.curve_to(
                (f64::from(x1), f64::from(y1)),
                (f64::from(x2), f64::from(y2)),
                (f64::from(x), f64::from(y)),
            );
        }
        fn close(&mut self) {
            self.0.close_path();
        }
    }

    /// Replace every cubic segment by quadratics; points rounded to the unit grid.
    fn to_quadratic(path: &BezPath) -> BezPath {
        let round = |p: Point| Point::new(p.x.round(), p.y.round());
        let mut out = BezPath::new();
        let mut cur = Point::ZERO;
        for el in path.elements() {
            match *el {
                PathEl::MoveTo(p) => {
                    cur = round(p);
                    out.move_to(cur);
                }
                PathEl::LineTo(p) => {
                    cur = round(p);
                    out.line_to(cur);
                }
                PathEl::QuadTo(c, p) => {
                    cur = round(p);
                    out.quad_to(round(c), cur);
                }
                PathEl::CurveTo(c1, c2, p) => {
                    let cubic = CubicBez::new(cur, c1, c2, round(p));
                    for (_, _, q) in cubic.to_quads(TOLERANCE) {
                        out.quad_to(round(q.p1), round(q.p2));
                    }
                    cur = round(p);
                }
                PathEl::ClosePath => out.close_path(),
            }
        }
        out
    }

    /// Drop degenerate pieces the glyf encoder rejects: empty contours, zero-length lines.
    fn clean(path: BezPath) -> BezPath {
        let mut out = BezPath::new();
        let mut contour: Vec<PathEl> = Vec::new();
        let flush = |contour: &mut Vec<PathEl>, out: &mut BezPath| {
            // A contour needs a move and at least two more points to enclose anything.
            let drawing = contour.iter().filter(|e| matches!(e, PathEl::LineTo(_) | PathEl::QuadTo(..))).count();
            if drawing >= 2 {
                for e in contour.drain(..) {
                    out.push(e);
                }
                out.close_path();
            }
            contour.clear();
        };
        let mut last = Point::ZERO;
        for el in path.elements() {
            match *el {
                PathEl::MoveTo(p) => {
                    flush(&mut contour, &mut out);
                    contour.push(PathEl::MoveTo(p));
                    last = p;
                }
                PathEl::LineTo(p) if p == last => {}
                PathEl::LineTo(p) => {
                    contour.push(PathEl::LineTo(p));
                    last = p;
                }
                PathEl::QuadTo(c, p) => {
                    contour.push(PathEl::QuadTo(c, p));
                    last = p;
                }
                PathEl::CurveTo(..) => unreachable!("converted to quadratics"),
                PathEl::ClosePath => flush(&mut contour, &mut out),
            }
        }
        flush(&mut contour, &mut out);
        out
    }

    fn by_write_fonts(src: &ttf_parser::Face, gid: ttf_parser::GlyphId) -> Vec<u8> {
        let mut pen = PathPen(BezPath::new());
        if src.outline_glyph(gid, &mut pen).is_none() {
            return Vec::new();
        }
        let path = clean(to_quadratic(&pen.0));
        let path = if path.area() > 0.0 { path.reverse_subpaths() } else { path };
        if path.elements().is_empty() {
            return Vec::new();
        }
        let mut builder = GlyfLocaBuilder::new();
        builder.add_glyph(&SimpleGlyph::from_bezpath(&path).unwrap()).unwrap();
        let mut bytes = write_fonts::dump_table(&builder.build().0).unwrap();
        bytes.resize(bytes.len().next_multiple_of(4), 0);
        bytes
    }

    #[test]
    fn glyphs_encode_as_write_fonts_encodes_them() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts");
        let text = "大干苦干真干实干为开创健康襄垣建设新局面而努力奋斗，。、；：？！“”（）《》—…0123456789%.ABCxyz㎡勠";
        let mut compared = 0;
        for file in ["FandolFang-Regular.otf", "FandolHei-Regular.otf", "FandolKai-Regular.otf", "FandolSong-Bold.otf"]
        {
            let data = std::fs::read(dir.join(file)).unwrap();
            let src = ttf_parser::Face::parse(&data, 0).unwrap();
            for ch in text.chars() {
                let Some(gid) = src.glyph_index(ch) else { continue };
                assert_eq!(convert(&src, gid).bytes, by_write_fonts(&src, gid), "{file} {ch}");
                compared += 1;
            }
        }
        assert!(compared > 200, "{compared}");
    }
}
