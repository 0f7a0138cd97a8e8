//! The PDF writer: lays the document out ([`crate::layout`]), subsets every face
//! it uses ([`crate::fonts::subset`]) and draws the pages with printpdf; then, on
//! the lopdf document printpdf produces, writes what printpdf does not do the way
//! we need: the nested outline, page labels, the document information, the
//! font descriptors' descent, and a document ID derived from the content, so the
//! same input always gives the same bytes.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use lopdf::{Dictionary, Object, StringFormat};
use printpdf::{
    Codepoint, Color, FontId, Line, LinePoint, Mm, Op, PaintMode, PdfDocument, PdfFont, PdfFontHandle, PdfPage,
    PdfSaveOptions, Point, Polygon, PolygonRing, Pt, Rgb, TextItem, TextMatrix, TextRenderingMode, WindingOrder,
};
use rayon::prelude::*;

use crate::diag::{Diagnostic, Result};
use crate::doc::Document;
use crate::fonts::{FaceData, FaceId, FontBook, subset};
use crate::layout::{self, Layout, Run};

/// Stroke width of synthetic bold, as a fraction of the type size.
const FAKE_BOLD: f32 = 0.03;

/// The PDF of `doc` as `lay` set it.
pub fn write(doc: &Document, lay: &Layout, book: &FontBook) -> Result<Vec<u8>> {
    render(doc, lay, &layout::load_faces(book)?)
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
    // The font programs are most of the file and of the time deflating it
    // takes: deflate them while the pages are drawn and serialised.
    let deflate_programs = || {
        let mut programs: Vec<&[u8]> = subsets.iter().map(|(_, sub)| program(&sub.data)).collect();
        programs.sort_by_key(|p| std::cmp::Reverse(p.len()));
        let mut z = Deflater::new();
        programs.into_iter().map(|p| Ok((p, z.deflate(p)?))).collect::<std::io::Result<Vec<_>>>()
    };
    let draw = || -> Result<lopdf::Document> {
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
        finish(&mut lo, doc, lay)?;
        Ok(lo)
    };
    let (programs, lo) = rayon::join(deflate_programs, draw);
    let mut lo = lo?;
    compress(&mut lo, programs.map_err(compress_failed)?).map_err(compress_failed)?;
    save_with_id(&mut lo)
}

/// The bytes of a subset face that a PDF embeds as its font program: the bare
/// `CFF ` table of a CFF face (printpdf embeds a CID-keyed CFF so), the whole
/// file of a TrueType one. Only a guess at what printpdf writes: a stream that
/// is not one of these is deflated with the rest (see [`compress`]).
fn program(data: &[u8]) -> &[u8] {
    let cff = || ttf_parser::RawFace::parse(data, 0).ok()?.table(ttf_parser::Tag::from_bytes(b"CFF "));
    if data.starts_with(b"OTTO") { cff().unwrap_or(data) } else { data }
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

/// Outline, page labels, metadata, viewer preferences, descents and the ID.
fn finish(lo: &mut lopdf::Document, doc: &Document, lay: &Layout) -> Result<()> {
    let fail = |e: lopdf::Error| Diagnostic::error("pdf.write", format!("PDF 结构写入失败：{e}"));
    let page_ids: Vec<lopdf::ObjectId> = lo.get_pages().values().copied().collect();
    let catalog_id = lo.trailer.get(b"Root").and_then(Object::as_reference).map_err(fail)?;

    // Font descriptors: some faces (FandolSong) give a positive hhea descender.
    for (_, obj) in lo.objects.iter_mut() {
        if let Object::Dictionary(d) = obj
            && d.get(b"Type").and_then(Object::as_name).is_ok_and(|n| n == b"FontDescriptor")
            && let Ok(v) = d.get(b"Descent").and_then(Object::as_float)
            && v > 0.0
        {
            d.set("Descent", Object::Integer(-(v as i64)));
        }
    }

    // Outline, nested by level in document order.
    let outline_root = lo.new_object_id();
    let ids: Vec<lopdf::ObjectId> = lay.outline.iter().map(|_| lo.new_object_id()).collect();
    let mut parent: Vec<Option<usize>> = vec![None; ids.len()];
    let mut stack: Vec<usize> = Vec::new();
    for (i, e) in lay.outline.iter().enumerate() {
        while stack.last().is_some_and(|&p| lay.outline[p].level >= e.level) {
            stack.pop();
        }
        parent[i] = stack.last().copied();
        stack.push(i);
    }
    let children = |p: Option<usize>| -> Vec<usize> { (0..ids.len()).filter(|&i| parent[i] == p).collect() };
    let count_desc = |i: usize| -> i64 {
        let mut n = 0;
        let mut frontier = vec![i];
        while let Some(x) = frontier.pop() {
            for c in (0..ids.len()).filter(|&c| parent[c] == Some(x)) {
                n += 1;
                frontier.push(c);
            }
        }
        n
    };
    for (i, e) in lay.outline.iter().enumerate() {
        let siblings = children(parent[i]);
        let pos = siblings.iter().position(|&s| s == i).unwrap();
        let mut d = Dictionary::new();
        d.set("Title", text_string(&e.title));
        d.set("Parent", parent[i].map_or(Object::Reference(outline_root), |p| Object::Reference(ids[p])));
        if pos > 0 {
            d.set("Prev", Object::Reference(ids[siblings[pos - 1]]));
        }
        if let Some(&n) = siblings.get(pos + 1) {
            d.set("Next", Object::Reference(ids[n]));
        }
        let kids = children(Some(i));
        if let (Some(&f), Some(&l)) = (kids.first(), kids.last()) {
            d.set("First", Object::Reference(ids[f]));
            d.set("Last", Object::Reference(ids[l]));
            d.set("Count", Object::Integer(if e.level == 1 { count_desc(i) } else { -count_desc(i) }));
        }
        d.set(
            "Dest",
            Object::Array(vec![
                Object::Reference(page_ids[e.page]),
                Object::Name(b"XYZ".to_vec()),
                Object::Integer(0),
                Object::Real(e.y + 2.0),
                Object::Null,
            ]),
        );
        lo.objects.insert(ids[i], Object::Dictionary(d));
    }
    let top = children(None);
    let mut root = Dictionary::new();
    root.set("Type", Object::Name(b"Outlines".to_vec()));
    if let (Some(&f), Some(&l)) = (top.first(), top.last()) {
        root.set("First", Object::Reference(ids[f]));
        root.set("Last", Object::Reference(ids[l]));
        root.set("Count", Object::Integer(top.len() as i64 + top.iter().map(|&t| count_desc(t)).sum::<i64>()));
    }
    lo.objects.insert(outline_root, Object::Dictionary(root));

    let catalog = lo.get_object_mut(catalog_id).and_then(Object::as_dict_mut).map_err(fail)?;
    catalog.set("Outlines", Object::Reference(outline_root));
    catalog.set("PageMode", Object::Name(if ids.is_empty() { b"UseNone".to_vec() } else { b"UseOutlines".to_vec() }));
    let mut label = Dictionary::new();
    label.set("S", Object::Name(b"D".to_vec()));
    let mut labels = Dictionary::new();
    labels.set("Nums", Object::Array(vec![Object::Integer(0), Object::Dictionary(label)]));
    catalog.set("PageLabels", Object::Dictionary(labels));
    catalog.set("Lang", Object::String(b"zh-CN".to_vec(), StringFormat::Literal));
    let mut prefs = Dictionary::new();
    prefs.set("DisplayDocTitle", Object::Boolean(true));
    catalog.set("ViewerPreferences", Object::Dictionary(prefs));

    // Document information: never the wall clock.
    let date = doc.meta.created.format("D:%Y%m%d%H%M%S").to_string();
    let mut info = Dictionary::new();
    info.set("Title", text_string(&doc.meta.title));
    info.set("Author", text_string(&doc.meta.author));
    info.set("Subject", text_string(&doc.meta.subject));
    info.set("Keywords", text_string(&doc.meta.keywords.join("；")));
    info.set("Creator", text_string("nianbao"));
    info.set("Producer", text_string(concat!("nianbao ", env!("CARGO_PKG_VERSION"))));
    info.set("CreationDate", Object::String(date.clone().into_bytes(), StringFormat::Literal));
    info.set("ModDate", Object::String(date.into_bytes(), StringFormat::Literal));
    let old_info = lo.trailer.get(b"Info").and_then(Object::as_reference).ok();
    if let Some(old) = old_info {
        lo.objects.remove(&old);
    }
    // printpdf may add XMP metadata with its own dates; we write none.
    let catalog = lo.get_object_mut(catalog_id).and_then(Object::as_dict_mut).map_err(fail)?;
    if let Ok(meta) = catalog.get(b"Metadata").and_then(Object::as_reference) {
        catalog.remove(b"Metadata");
        lo.objects.remove(&meta);
    }
    let info_id = lo.add_object(Object::Dictionary(info));
    lo.trailer.set("Info", Object::Reference(info_id));
    lo.renumber_objects();

    // ID: a placeholder, replaced once the file is written by a hash of it.
    let id = Object::String(vec![0; 16], StringFormat::Hexadecimal);
    lo.trailer.set("ID", Object::Array(vec![id.clone(), id]));
    Ok(())
}

/// The document's bytes with the placeholder ID replaced by a hash of them (with
/// the placeholder): the same content always gets the same ID, at the cost of
/// one serialisation.
fn save_with_id(lo: &mut lopdf::Document) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    lo.save_to(&mut out).map_err(|e| Diagnostic::error("pdf.write", format!("PDF 写出失败：{e}")))?;
    let (mut a, mut b) = (Fnv::new(), Fnv::with_seed(0x9e37_79b9_7f4a_7c15));
    for &byte in &out {
        a.byte(byte);
        b.byte(byte);
    }
    let mut id = a.finish().to_be_bytes().to_vec();
    id.extend(b.finish().to_be_bytes());
    let hex: String = id.iter().map(|b| format!("{b:02X}")).collect();
    let placeholder = format!("<{}>", "0".repeat(32));
    let replacement = format!("<{hex}>");
    // Both array entries, in the trailer at the end of the file.
    let tail = out.len().saturating_sub(4096);
    let mut at = tail;
    let mut done = 0;
    while let Some(p) = out[at..].windows(placeholder.len()).position(|w| w == placeholder.as_bytes()) {
        let p = at + p;
        out[p..p + replacement.len()].copy_from_slice(replacement.as_bytes());
        at = p + replacement.len();
        done += 1;
    }
    if done != 2 {
        return Err(Diagnostic::error("pdf.write", "PDF 文档标识写入失败").into());
    }
    Ok(out)
}

/// Deflate every stream not yet filtered, at zlib's default level 6 (seed 003
/// with its attachment: 569,975 bytes against 577,324 at level 2, which breaks
/// the 560 KiB budget; level 9 saves another 2.7 KB), spread over the available
/// cores. A stream whose bytes are one of `done` (content, deflated) takes the
/// deflated bytes from there.
fn compress(lo: &mut lopdf::Document, mut done: Vec<Deflated>) -> std::io::Result<()> {
    let mut streams: Vec<&mut lopdf::Stream> = Vec::new();
    for o in lo.objects.values_mut() {
        let Object::Stream(st) = o else { continue };
        if st.dict.get(b"Filter").is_ok() {
            continue;
        }
        match done.iter().position(|(content, _)| *content == st.content.as_slice()) {
            Some(i) => set_deflated(st, done.swap_remove(i).1),
            None => streams.push(st),
        }
    }
    // Each font program found its stream (the tests are built with debug
    // assertions: they notice printpdf embedding something else).
    debug_assert!(done.is_empty(), "{} deflated font programs matched no stream", done.len());
    // Largest first, dealt round-robin into a few shares of about equal size,
    // each deflated with one reused encoder.
    streams.sort_by_key(|st| std::cmp::Reverse(st.content.len()));
    let shares_n = rayon::current_num_threads().clamp(1, 4);
    let mut shares: Vec<Vec<&mut lopdf::Stream>> = (0..shares_n).map(|_| Vec::new()).collect();
    for (i, st) in streams.into_iter().enumerate() {
        shares[i % shares_n].push(st);
    }
    shares.into_par_iter().try_for_each(|share| {
        let mut z = Deflater::new();
        share.into_iter().try_for_each(|st| {
            let packed = z.deflate(&st.content)?;
            set_deflated(st, packed);
            Ok(())
        })
    })
}

/// Bytes, and their deflated form where that is smaller.
type Deflated<'a> = (&'a [u8], Option<Vec<u8>>);

/// A zlib encoder at level 6, reused from stream to stream: its tables are
/// allocated once per thread instead of once per stream (page faults made up
/// much of the time spent on the many small content streams).
struct Deflater(flate2::write::ZlibEncoder<Vec<u8>>);

impl Deflater {
    fn new() -> Deflater {
        Deflater(flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::new(6)))
    }

    /// `content` deflated, if that makes it smaller (by more than the `/Filter
    /// /FlateDecode` entry costs).
    fn deflate(&mut self, content: &[u8]) -> std::io::Result<Option<Vec<u8>>> {
        use std::io::Write;
        self.0.write_all(content)?;
        let packed = self.0.reset(Vec::new())?;
        Ok((packed.len() + 19 < content.len()).then_some(packed))
    }
}

fn set_deflated(st: &mut lopdf::Stream, packed: Option<Vec<u8>>) {
    if let Some(packed) = packed {
        st.dict.set("Filter", Object::Name(b"FlateDecode".to_vec()));
        st.set_content(packed);
    }
}

fn compress_failed(e: std::io::Error) -> crate::diag::Errors {
    Diagnostic::error("pdf.write", format!("PDF 压缩失败：{e}")).into()
}

/// A PDF text string: UTF-16BE with a byte order mark.
fn text_string(s: &str) -> Object {
    let mut bytes = vec![0xFE, 0xFF];
    for u in s.encode_utf16() {
        bytes.extend(u.to_be_bytes());
    }
    Object::String(bytes, StringFormat::Hexadecimal)
}

/// FNV-1a, 64 bit: a stable hash for names and the document ID.
struct Fnv(u64);

impl Fnv {
    fn new() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }

    fn with_seed(seed: u64) -> Self {
        Fnv(0xcbf2_9ce4_8422_2325 ^ seed)
    }

    fn write(&mut self, bytes: &[u8]) {
        bytes.iter().for_each(|&b| self.byte(b));
    }

    fn byte(&mut self, b: u8) {
        self.0 ^= u64::from(b);
        self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}
