//! The OFD writer (GB/T 33190-2016, the format of 党政机关电子公文 under GB/T
//! 33476): draws the pages of a finished layout ([`crate::layout`]) as an OFD
//! package, the way the PDF writer draws them.
//!
//! The package (zipped by [`super::package::zip_parts`], XML written on its
//! tree):
//!
//! * `OFD.xml`: the document body, its information (`DocInfo`: a DocID derived
//!   from the content like the PDF's ID, title, author, subject, keywords,
//!   creation date from the data, creator) and where the document is;
//! * `Doc_0/Document.xml`: the A4 page area, the public resources, the pages,
//!   the outline nested like the PDF's bookmarks (top level open), and the
//!   viewer set to show it and the title;
//! * `Doc_0/PublicRes.xml` and `Doc_0/Res/font_N.ttf`: each face used, embedded
//!   as a TrueType subset of the characters it sets, with a `cmap`: OFD text is
//!   Unicode (`TextCode`) that a reader maps to glyphs through the embedded
//!   font's own `cmap` (the layout's glyph is always the face's `cmap` glyph,
//!   so the mapping is exact), and TrueType outlines are what every reader
//!   draws (the PDF's CFF subsets have no `cmap`; the DOCX's converted glyphs
//!   are shared with it through the face's cache);
//! * `Doc_0/Pages/Page_N/Content.xml`: one layer of the fills, the rules (one
//!   path) and a text object per run: its font, size, and each stretch of
//!   glyphs between spaces as a `TextCode` at its origin with `DeltaX`, the
//!   distance to each next glyph (the justified grid), so every glyph sits
//!   where the PDF has it; synthetic bold strokes the outline as the PDF does.
//!
//! Coordinates are millimetres from the page's top left, each object's relative
//! to its `Boundary`; positions are rounded to the micrometre once, absolute, so
//! the offsets add up to exactly the rounded positions.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use rayon::prelude::*;

use crate::diag::Result;
use crate::doc::{Document, Meta};
use crate::fonts::{FaceData, FaceId, Fnv, FontBook, tag, truetype};
use crate::layout::{self, Layout, OutlineEntry, Run, grid};

use super::FAKE_BOLD;
use super::package::{El, Part, serialize, zip_parts};

/// The OFD namespace, bound to the `ofd` prefix in every part.
pub const NS: &str = "http://www.ofdspec.org/2016";

/// Width of rules and of the outlines of fills, as in the PDF: 0.5 pt.
const RULE_PT: f32 = 0.5;

/// The OFD of `doc` as `lay` set it.
pub fn write(doc: &Document, lay: &Layout, book: &FontBook) -> Result<Vec<u8>> {
    render(doc, lay, &book.load_all()?)
}

/// Draw a finished layout.
pub fn render(doc: &Document, lay: &Layout, faces: &[Arc<FaceData>]) -> Result<Vec<u8>> {
    let mut ids = Ids::default();
    let fonts = fonts(lay, faces, &mut ids)?;
    let font_ids: BTreeMap<FaceId, u32> = fonts.iter().map(|f| (f.face, f.id)).collect();
    let page_ids: Vec<u32> = lay.pages.iter().map(|_| ids.next()).collect();
    let contents: Vec<Vec<u8>> = lay.pages.iter().map(|p| serialize(&page(p, &font_ids, &mut ids))).collect();
    let doc_id = super::pdf::document_id(doc, lay, fonts.iter().map(|f| faces[f.face].identity));

    let mut parts = vec![
        Part::text("OFD.xml", serialize(&ofd_root(&doc.meta, &doc_id))),
        Part::text("Doc_0/Document.xml", serialize(&document(&page_ids, &lay.outline, ids.max()))),
        Part::text("Doc_0/PublicRes.xml", serialize(&public_res(&fonts))),
    ];
    for (i, content) in contents.into_iter().enumerate() {
        parts.push(Part::text(format!("Doc_0/Pages/Page_{i}/Content.xml"), content));
    }
    for f in fonts {
        parts.push(Part::font(format!("Doc_0/Res/{}", f.file), f.data));
    }
    zip_parts(&parts)
}

/// Identifiers of the document's objects (`ST_ID`), one sequence for all of
/// them from 1, in the order they are written.
#[derive(Default)]
struct Ids(u32);

impl Ids {
    fn next(&mut self) -> u32 {
        self.0 += 1;
        self.0
    }

    /// The largest identifier given (`MaxUnitID`).
    fn max(&self) -> u32 {
        self.0
    }
}

/// An embedded font.
struct Font {
    face: FaceId,
    id: u32,
    /// `FontName`: a tag of the subset and the official face's name.
    name: String,
    /// `FamilyName`: the official face's name (what a reader that cannot use
    /// the embedded file looks for).
    family: String,
    bold: bool,
    /// The file's name under `Doc_0/Res/`.
    file: String,
    data: Vec<u8>,
}

/// Whether a glyph is drawn: spaces only move the pen, and are left out of the
/// text codes (readers trim the text of a code).
fn drawn(ch: char) -> bool {
    !ch.is_whitespace()
}

/// Every face the layout draws with, subset to the characters it draws, in
/// face order (converted in parallel).
fn fonts(lay: &Layout, faces: &[Arc<FaceData>], ids: &mut Ids) -> Result<Vec<Font>> {
    let mut used: BTreeMap<FaceId, BTreeSet<char>> = BTreeMap::new();
    for run in lay.pages.iter().flat_map(|p| &p.runs) {
        used.entry(run.face).or_default().extend(run.glyphs.iter().map(|g| g.ch).filter(|&c| drawn(c)));
    }
    used.retain(|_, chars| !chars.is_empty());
    let numbered: Vec<(u32, FaceId, BTreeSet<char>)> =
        used.into_iter().map(|(face, chars)| (ids.next(), face, chars)).collect();
    numbered
        .into_par_iter()
        .map(|(id, face, chars)| {
            let data = &faces[face];
            let mut h = Fnv::new();
            h.write(&data.identity.to_le_bytes());
            for c in &chars {
                h.write(&(*c as u32).to_le_bytes());
            }
            // Named like a PDF's subset, `TAG+name`, with the official face's
            // name: a name of this subset's own (a reader that keeps one font
            // per name for a session, as Word does, never lends it to another
            // document), without spaces.
            let tag = tag(h.finish());
            let name = format!("{tag}+{}", data.docx_name.replace(' ', ""));
            let bytes = truetype::subset(data, &chars, &name, &format!("{tag}+{}", data.ps_name))?;
            Ok(Font {
                face,
                id,
                name,
                family: data.docx_name.clone(),
                bold: data.is_bold,
                file: format!("font_{id}.ttf"),
                data: bytes,
            })
        })
        .collect()
}

// ---------------------------------------------------------------- numbers

/// Points to micrometres.
fn um(pt: f32) -> i64 {
    (f64::from(pt) * 25_400.0 / 72.0).round() as i64
}

/// Micrometres as millimetres, the fewest digits that say them exactly.
fn mm(um: i64) -> String {
    let sign = if um < 0 { "-" } else { "" };
    let (whole, frac) = (um.unsigned_abs() / 1000, um.unsigned_abs() % 1000);
    if frac == 0 {
        return format!("{sign}{whole}");
    }
    let frac = format!("{frac:03}");
    format!("{sign}{whole}.{}", frac.trim_end_matches('0'))
}

/// `x y w h` in micrometres as an `ST_Box`.
fn boxed(x: i64, y: i64, w: i64, h: i64) -> String {
    [x, y, w, h].map(mm).join(" ")
}

/// Distance from the page's top, in micrometres, of a layout y (points up
/// from the bottom).
fn down(y: f32) -> i64 {
    um(grid::PAGE_H - y)
}

/// An RGB colour (components 0 to 1) as a `CT_Color`.
fn color(name: &str, rgb: [f32; 3]) -> El {
    El::new(name).attr("Value", &rgb.map(|c| ((c.clamp(0.0, 1.0) * 255.0).round() as u8).to_string()).join(" "))
}

// ---------------------------------------------------------------- pages

/// One page's `Content.xml`: fills, then rules, then text, as the PDF paints
/// them.
fn page(p: &layout::Page, fonts: &BTreeMap<FaceId, u32>, ids: &mut Ids) -> El {
    let mut layer = El::new("ofd:Layer").attr("ID", &ids.next().to_string());
    let rule = um(RULE_PT);
    for f in &p.fills {
        let pad = if f.outline { rule / 2 } else { 0 };
        let (x, y, w, h) = (um(f.x), down(f.y + f.h), um(f.w), um(f.h));
        let mut path = El::new("ofd:PathObject")
            .attr("ID", &ids.next().to_string())
            .attr("Boundary", &boxed(x - pad, y - pad, w + 2 * pad, h + 2 * pad))
            .attr("Fill", "true");
        if f.outline {
            path = path.attr("LineWidth", &mm(rule));
        } else {
            path = path.attr("Stroke", "false");
        }
        let corners = [(pad, pad), (pad + w, pad), (pad + w, pad + h), (pad, pad + h)];
        let data = corners
            .iter()
            .enumerate()
            .map(|(i, &(a, b))| format!("{} {} {}", if i == 0 { "M" } else { "L" }, mm(a), mm(b)));
        let data = data.chain(std::iter::once("C".to_string())).collect::<Vec<_>>().join(" ");
        layer =
            layer.child(path.child(color("ofd:FillColor", f.rgb)).child(El::new("ofd:AbbreviatedData").text(&data)));
    }
    if let Some(path) = rules(&p.rules, ids) {
        layer = layer.child(path);
    }
    for run in &p.runs {
        // A face without a font draws nothing here (spaces only).
        if let Some(&font) = fonts.get(&run.face)
            && let Some(text) = text_object(run, font, ids)
        {
            layer = layer.child(text);
        }
    }
    El::new("ofd:Page").attr("xmlns:ofd", NS).child(El::new("ofd:Content").child(layer))
}

/// The page's rules as one stroked path of separate lines.
fn rules(rules: &[layout::Rule], ids: &mut Ids) -> Option<El> {
    if rules.is_empty() {
        return None;
    }
    let rule = um(RULE_PT);
    let lines: Vec<[i64; 4]> = rules.iter().map(|r| [um(r.x1), down(r.y1), um(r.x2), down(r.y2)]).collect();
    let x0 = lines.iter().map(|l| l[0].min(l[2])).min()? - rule / 2;
    let y0 = lines.iter().map(|l| l[1].min(l[3])).min()? - rule / 2;
    let x1 = lines.iter().map(|l| l[0].max(l[2])).max()? + rule / 2;
    let y1 = lines.iter().map(|l| l[1].max(l[3])).max()? + rule / 2;
    let data: Vec<String> = lines
        .iter()
        .map(|l| format!("M {} {} L {} {}", mm(l[0] - x0), mm(l[1] - y0), mm(l[2] - x0), mm(l[3] - y0)))
        .collect();
    Some(
        El::new("ofd:PathObject")
            .attr("ID", &ids.next().to_string())
            .attr("Boundary", &boxed(x0, y0, x1 - x0, y1 - y0))
            .attr("LineWidth", &mm(rule))
            .child(El::new("ofd:AbbreviatedData").text(&data.join(" "))),
    )
}

/// A run as a text object: its box, font and size, and a text code for each
/// stretch of drawn glyphs (spaces are left out: readers trim a code's text).
/// `None` for a run of spaces only.
fn text_object(run: &Run, font: u32, ids: &mut Ids) -> Option<El> {
    let first = run.glyphs.iter().find(|g| drawn(g.ch))?;
    let last = run.glyphs.iter().rev().find(|g| drawn(g.ch))?;
    // The em box, with room around it for ink past the advance and for bold.
    let (size, pad) = (um(run.size), um(run.size * 0.1));
    let baseline = down(run.y);
    let left = um(first.x) - pad;
    let top = baseline - size - pad;
    let width = um(last.x + last.advance) + pad - left;
    let mut obj = El::new("ofd:TextObject")
        .attr("ID", &ids.next().to_string())
        .attr("Boundary", &boxed(left, top, width, size + size * 3 / 10 + pad))
        .attr("Font", &font.to_string())
        .attr("Size", &mm(size));
    if run.fake_bold {
        obj = obj.attr("Stroke", "true").attr("LineWidth", &mm(um(run.size * FAKE_BOLD)));
    }
    let glyphs: Vec<_> = run.glyphs.iter().collect();
    for stretch in glyphs.split(|g| !drawn(g.ch)).filter(|s| !s.is_empty()) {
        let xs: Vec<i64> = stretch.iter().map(|g| um(g.x)).collect();
        let text: String = stretch.iter().map(|g| g.ch).collect();
        let mut code = El::new("ofd:TextCode").attr("X", &mm(xs[0] - left)).attr("Y", &mm(baseline - top));
        if xs.len() > 1 {
            code = code.attr("DeltaX", &xs.windows(2).map(|w| mm(w[1] - w[0])).collect::<Vec<_>>().join(" "));
        }
        obj = obj.child(code.text(&text));
    }
    Some(obj)
}

// ---------------------------------------------------------------- document

/// `OFD.xml`: the document body and its information.
fn ofd_root(meta: &Meta, doc_id: &[u8; 16]) -> El {
    let mut info = El::new("ofd:DocInfo")
        .child(El::new("ofd:DocID").text(&doc_id.iter().map(|b| format!("{b:02x}")).collect::<String>()));
    let text = |name: &str, value: &str| (!value.is_empty()).then(|| El::new(name).text(value));
    for el in [text("ofd:Title", &meta.title), text("ofd:Author", &meta.author), text("ofd:Subject", &meta.subject)]
        .into_iter()
        .flatten()
    {
        info = info.child(el);
    }
    // No date in the data: none in the file (none is invented).
    if let Some(created) = meta.created {
        let date = created.format("%Y-%m-%d").to_string();
        info = info.child(El::new("ofd:CreationDate").text(&date)).child(El::new("ofd:ModDate").text(&date));
    }
    if !meta.keywords.is_empty() {
        let mut keywords = El::new("ofd:Keywords");
        for k in &meta.keywords {
            keywords = keywords.child(El::new("ofd:Keyword").text(k));
        }
        info = info.child(keywords);
    }
    info = info
        .child(El::new("ofd:Creator").text("nianbao"))
        .child(El::new("ofd:CreatorVersion").text(env!("CARGO_PKG_VERSION")));
    El::new("ofd:OFD")
        .attr("xmlns:ofd", NS)
        .attr("Version", "1.0")
        .attr("DocType", "OFD")
        .child(El::new("ofd:DocBody").child(info).child(El::new("ofd:DocRoot").text("Doc_0/Document.xml")))
}

/// `Document.xml`: the page area (A4), resources, pages, outline, viewer.
fn document(page_ids: &[u32], outline: &[OutlineEntry], max_id: u32) -> El {
    let area = El::new("ofd:PageArea").child(El::new("ofd:PhysicalBox").text(&boxed(
        0,
        0,
        um(grid::PAGE_W),
        um(grid::PAGE_H),
    )));
    let common = El::new("ofd:CommonData")
        .child(El::new("ofd:MaxUnitID").text(&max_id.to_string()))
        .child(area)
        .child(El::new("ofd:PublicRes").text("PublicRes.xml"));
    let mut pages = El::new("ofd:Pages");
    for (i, id) in page_ids.iter().enumerate() {
        pages = pages.child(
            El::new("ofd:Page").attr("ID", &id.to_string()).attr("BaseLoc", &format!("Pages/Page_{i}/Content.xml")),
        );
    }
    let mut doc = El::new("ofd:Document").attr("xmlns:ofd", NS).child(common).child(pages);
    if !outline.is_empty() {
        let mut outlines = El::new("ofd:Outlines");
        for el in outline_elems(outline, page_ids) {
            outlines = outlines.child(el);
        }
        doc = doc.child(outlines);
    }
    let mode = if outline.is_empty() { "None" } else { "UseOutlines" };
    doc.child(
        El::new("ofd:VPreferences")
            .child(El::new("ofd:PageMode").text(mode))
            .child(El::new("ofd:TabDisplay").text("DocTitle")),
    )
}

/// The outline: an element per heading, nested by level in document order,
/// each going to the top of its heading's line; open at the top level, closed
/// below (as the PDF's bookmarks).
fn outline_elems(outline: &[OutlineEntry], page_ids: &[u32]) -> Vec<El> {
    // Children of each entry, and the top level, by nesting on levels.
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); outline.len()];
    let mut top = Vec::new();
    let mut stack: Vec<usize> = Vec::new();
    for (i, e) in outline.iter().enumerate() {
        while stack.last().is_some_and(|&p| outline[p].level >= e.level) {
            stack.pop();
        }
        match stack.last() {
            Some(&p) => children[p].push(i),
            None => top.push(i),
        }
        stack.push(i);
    }
    fn elem(i: usize, outline: &[OutlineEntry], children: &[Vec<usize>], page_ids: &[u32]) -> El {
        let e = &outline[i];
        let dest = El::new("ofd:Dest")
            .attr("Type", "XYZ")
            .attr("PageID", &page_ids[e.page].to_string())
            .attr("Left", "0")
            .attr("Top", &mm(down(e.y + 2.0).max(0)));
        let action = El::new("ofd:Action").attr("Event", "CLICK").child(El::new("ofd:Goto").child(dest));
        let mut el = El::new("ofd:OutlineElem").attr("Title", &e.title);
        if e.level > 1 && !children[i].is_empty() {
            el = el.attr("Expanded", "false");
        }
        el = el.child(El::new("ofd:Actions").child(action));
        for &c in &children[i] {
            el = el.child(elem(c, outline, children, page_ids));
        }
        el
    }
    top.iter().map(|&i| elem(i, outline, &children, page_ids)).collect()
}

/// `PublicRes.xml`: the embedded fonts, their files under `Res/`.
fn public_res(fonts: &[Font]) -> El {
    let mut list = El::new("ofd:Fonts");
    for f in fonts {
        let mut font = El::new("ofd:Font").attr("ID", &f.id.to_string()).attr("FontName", &f.name);
        font = font.attr("FamilyName", &f.family);
        if f.bold {
            font = font.attr("Bold", "true");
        }
        list = list.child(font.child(El::new("ofd:FontFile").text(&f.file)));
    }
    El::new("ofd:Res").attr("xmlns:ofd", NS).attr("BaseLoc", "Res").child(list)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::{Page, PlacedGlyph};

    #[test]
    fn millimetres_are_written_with_the_fewest_digits() {
        assert_eq!(mm(210_000), "210");
        assert_eq!(mm(5_644), "5.644");
        assert_eq!(mm(176), "0.176");
        assert_eq!(mm(1_500), "1.5");
        assert_eq!(mm(-120), "-0.12");
        assert_eq!(mm(0), "0");
        assert_eq!(um(grid::PAGE_H), 297_000);
        assert_eq!(um(72.0), 25_400);
    }

    fn run(glyphs: &[(char, f32)]) -> Run {
        let glyphs = glyphs.iter().map(|&(ch, x)| PlacedGlyph { gid: 1, ch, x, advance: 16.0 }).collect();
        Run { face: 0, size: 16.0, fake_bold: false, y: 700.0, glyphs }
    }

    #[test]
    fn a_run_is_split_at_spaces_and_its_offsets_add_up_to_its_positions() {
        let r = run(&[('　', 80.0), ('大', 96.0), ('干', 111.79), ('　', 127.58), ('真', 143.37), ('干', 159.16)]);
        let obj = text_object(&r, 7, &mut Ids::default()).unwrap();
        assert_eq!(obj.get("Font"), Some("7"));
        assert_eq!(obj.get("Size"), Some("5.644"));
        let boundary: Vec<f64> = obj.get("Boundary").unwrap().split(' ').map(|v| v.parse().unwrap()).collect();
        let codes: Vec<&El> = obj.elements().collect();
        assert_eq!(codes.len(), 2, "two stretches between spaces");
        for (code, (text, xs)) in codes.iter().zip([("大干", [96.0f64, 111.79]), ("真干", [143.37, 159.16])]) {
            assert!(matches!(&code.children[..], [crate::writer::package::Node::Text(t)] if t == text));
            let x: f64 = code.get("X").unwrap().parse().unwrap();
            let dx: f64 = code.get("DeltaX").unwrap().parse().unwrap();
            let mm_of = |pt: f64| (pt * 25.4 / 72.0 * 1000.0).round() / 1000.0;
            assert!((boundary[0] + x - mm_of(xs[0])).abs() < 1e-9);
            assert!((boundary[0] + x + dx - mm_of(xs[1])).abs() < 1e-9);
            let y: f64 = code.get("Y").unwrap().parse().unwrap();
            assert!((boundary[1] + y - mm_of(841.889_76 - 700.0)).abs() < 1e-3, "the baseline");
        }
        assert!(text_object(&run(&[(' ', 80.0)]), 7, &mut Ids::default()).is_none());
    }

    #[test]
    fn the_outline_nests_by_level_and_opens_the_top_level() {
        let e = |level, title: &str, page| OutlineEntry { level, title: title.into(), page, y: 700.0 };
        let outline = [e(1, "一", 0), e(2, "（一）", 0), e(3, "1．", 1), e(2, "（二）", 1), e(1, "二", 1)];
        let top = outline_elems(&outline, &[10, 20]);
        let titles = |els: Vec<&El>| els.iter().map(|e| e.get("Title").unwrap().to_string()).collect::<Vec<_>>();
        assert_eq!(titles(top.iter().collect()), ["一", "二"]);
        let kids: Vec<&El> = top[0].elements().filter(|e| e.name == "ofd:OutlineElem").collect();
        assert_eq!(titles(kids.clone()), ["（一）", "（二）"]);
        assert_eq!(kids[0].get("Expanded"), Some("false"), "closed below the top level");
        assert_eq!(top[0].get("Expanded"), None, "open (the default) at the top");
        let grandchild = kids[0].elements().find(|e| e.name == "ofd:OutlineElem").unwrap();
        let dest = grandchild.elements().next().unwrap().elements().next().unwrap().elements().next().unwrap();
        let dest = dest.elements().next().unwrap();
        assert_eq!((dest.name.as_str(), dest.get("PageID")), ("ofd:Dest", Some("20")));
    }

    #[test]
    fn fills_and_rules_are_paths_inside_their_boundaries() {
        let page = Page {
            rules: vec![layout::Rule { x1: 100.0, y1: 500.0, x2: 300.0, y2: 500.0 }],
            fills: vec![layout::Fill { x: 72.0, y: 72.0, w: 72.0, h: 36.0, rgb: [1.0, 0.5, 0.0], outline: false }],
            ..Page::default()
        };
        let fonts = BTreeMap::new();
        let el = page_el(&page, &fonts);
        let objects: Vec<&El> = el.elements().next().unwrap().elements().next().unwrap().elements().collect();
        assert_eq!(objects[0].get("Boundary"), Some("25.4 258.9 25.4 12.7"));
        assert_eq!(objects[0].get("Stroke"), Some("false"));
        let fill = objects[0].elements().next().unwrap();
        assert_eq!(fill.get("Value"), Some("255 128 0"));
        assert_eq!(objects[1].get("LineWidth"), Some("0.176"));
        assert_eq!(objects[1].get("Boundary"), Some("35.19 120.523 70.731 0.176"));
    }

    fn page_el(p: &Page, fonts: &BTreeMap<FaceId, u32>) -> El {
        page(p, fonts, &mut Ids::default())
    }
}
