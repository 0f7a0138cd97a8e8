//! The PDF writer: draws the pages of a finished layout ([`crate::layout`]) with
//! printpdf, each face it uses subset ([`crate::fonts::subset`]); [`finish`]
//! then adds, on the object tree printpdf produces, what printpdf does not do
//! the way we need.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use printpdf::{
    Codepoint, Color, FontId, Line, LinePoint, Mm, Op, PaintMode, PdfDocument, PdfFont, PdfFontHandle, PdfPage,
    PdfSaveOptions, Point, Polygon, PolygonRing, Pt, Rgb, TextItem, TextMatrix, TextRenderingMode, WindingOrder,
};

use crate::diag::{Diagnostic, Result};
use crate::doc::Document;
use crate::fonts::{FaceData, FaceId, FontBook, subset};
use crate::hash::Fnv;
use crate::layout::{self, Layout, Run};

mod finish;

pub(crate) use finish::document_id;

use super::FAKE_BOLD;

/// The PDF of `doc` as `lay` set it.
pub fn write(doc: &Document, lay: &Layout, book: &FontBook) -> Result<Vec<u8>> {
    render(doc, lay, &book.load_all()?)
}

/// Draw a finished layout.
pub fn render(doc: &Document, lay: &Layout, faces: &[Arc<FaceData>]) -> Result<Vec<u8>> {
    // Glyphs used per face.
    let mut used: BTreeMap<FaceId, BTreeSet<u16>> = BTreeMap::new();
    for page in &lay.pages {
        for run in &page.runs {
            used.entry(run.face).or_default().extend(run.glyphs.iter().map(|g| g.gid));
        }
    }
    let subsets = used
        .iter()
        .map(|(&face, gids)| Ok((face, subset::subset(&faces[face], gids.iter().copied())?)))
        .collect::<Result<Vec<_>>>()?;
    let mut pdf = PdfDocument::new(&doc.meta.title);
    let mut remaps: BTreeMap<FaceId, &BTreeMap<u16, u16>> = BTreeMap::new();
    for (face, sub) in &subsets {
        let data = &faces[*face];
        let mut warnings = Vec::new();
        let mut parsed = printpdf::ParsedFont::from_bytes(&sub.data, 0, &mut warnings)
            .ok_or_else(|| Diagnostic::error("pdf.font", format!("字体子集无法读取：{}", data.path.display())))?;
        parsed.font_name = Some(format!("{}+{}", subset_tag(*face, &used[face]), postscript_name(data)));
        pdf.resources.fonts.map.insert(font_id(*face), PdfFont::new(parsed));
        remaps.insert(*face, &sub.remap);
    }
    let pages = lay.pages.iter().map(|p| PdfPage::new(Mm(210.0), Mm(297.0), page_ops(p, &remaps))).collect();
    pdf.with_pages(pages);
    let opts = PdfSaveOptions { optimize: false, subset_fonts: false, secure: false, image_optimization: None };
    let mut warnings = Vec::new();
    let mut lo = pdf.to_lopdf_document(&opts, &mut warnings);
    let id = finish::document_id(doc, lay, subsets.iter().map(|(face, _)| faces[*face].identity));
    finish::finish(&mut lo, doc, lay, id)?;
    finish::save(&mut lo)
}

fn font_id(face: FaceId) -> FontId {
    FontId(format!("F{face}"))
}

/// A subset tag (six capitals) derived from the face and its glyph set, so equal
/// input gives equal names.
fn subset_tag(face: FaceId, gids: &BTreeSet<u16>) -> String {
    let mut h = Fnv::new();
    h.write(&(face as u64).to_le_bytes());
    for g in gids {
        h.write(&g.to_le_bytes());
    }
    let mut v = h.finish();
    (0..6)
        .map(|_| {
            let c = (b'A' + (v % 26) as u8) as char;
            v /= 26;
            c
        })
        .collect()
}

fn postscript_name(face: &FaceData) -> String {
    face.face()
        .names()
        .into_iter()
        .filter(|n| n.name_id == ttf_parser::name_id::POST_SCRIPT_NAME)
        .find_map(|n| n.to_string())
        .unwrap_or_else(|| face.family.replace(' ', ""))
        .chars()
        .filter(|c| c.is_ascii_graphic() && !"[](){}<>/%#".contains(*c))
        .collect()
}

/// The drawing operations of one page.
fn page_ops(page: &layout::Page, remaps: &BTreeMap<FaceId, &BTreeMap<u16, u16>>) -> Vec<Op> {
    let mut ops = Vec::new();
    let rgb = |[r, g, b]: [f32; 3]| Color::Rgb(Rgb { r, g, b, icc_profile: None });
    let pt = |x: f32, y: f32| LinePoint { p: Point { x: Pt(x), y: Pt(y) }, bezier: false };
    if !page.fills.is_empty() {
        ops.push(Op::SetOutlineThickness { pt: Pt(0.5) });
        for f in &page.fills {
            ops.push(Op::SetFillColor { col: rgb(f.rgb) });
            let ring = [pt(f.x, f.y), pt(f.x + f.w, f.y), pt(f.x + f.w, f.y + f.h), pt(f.x, f.y + f.h)];
            ops.push(Op::DrawPolygon {
                polygon: Polygon {
                    rings: vec![PolygonRing { points: ring.to_vec() }],
                    mode: if f.outline { PaintMode::FillStroke } else { PaintMode::Fill },
                    winding_order: WindingOrder::NonZero,
                },
            });
        }
        // Text is black.
        ops.push(Op::SetFillColor { col: rgb([0.0; 3]) });
    }
    if !page.rules.is_empty() {
        ops.push(Op::SetOutlineThickness { pt: Pt(0.5) });
        for r in &page.rules {
            ops.push(Op::DrawLine { line: Line { points: vec![pt(r.x1, r.y1), pt(r.x2, r.y2)], is_closed: false } });
        }
    }
    ops.push(Op::StartTextSection);
    let mut bold = false;
    for run in &page.runs {
        if run.fake_bold != bold {
            bold = run.fake_bold;
            ops.push(Op::SetTextRenderingMode {
                mode: if bold { TextRenderingMode::FillStroke } else { TextRenderingMode::Fill },
            });
            if bold {
                ops.push(Op::SetOutlineColor { col: rgb([0.0; 3]) });
                ops.push(Op::SetOutlineThickness { pt: Pt(run.size * FAKE_BOLD) });
            }
        }
        ops.extend(run_ops(run, remaps[&run.face]));
    }
    ops.push(Op::EndTextSection);
    ops
}

/// One run: font, absolute position (a text matrix, not printpdf's relative
/// `Td`), and the glyphs with TJ adjustments that put each at its x.
fn run_ops(run: &Run, remap: &BTreeMap<u16, u16>) -> Vec<Op> {
    let Some(first) = run.glyphs.first() else { return Vec::new() };
    let mut cps = Vec::with_capacity(run.glyphs.len());
    for (i, g) in run.glyphs.iter().enumerate() {
        let offset = match run.glyphs.get(i + 1) {
            // TJ: a positive number moves the next glyph left, in 1/1000 em.
            Some(next) => -(next.x - g.x - g.advance) * 1000.0 / run.size,
            None => 0.0,
        };
        let offset = (offset * 100.0).round() / 100.0;
        cps.push(Codepoint { gid: remap[&g.gid], offset, cid: Some(g.ch.to_string()) });
    }
    vec![
        Op::SetFont { font: PdfFontHandle::External(font_id(run.face)), size: Pt(run.size) },
        Op::SetTextMatrix { matrix: TextMatrix::Translate(Pt(first.x), Pt(run.y)) },
        Op::ShowText { items: vec![TextItem::GlyphIds(cps)] },
    ]
}
