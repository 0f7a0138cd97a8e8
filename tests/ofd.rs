//! The OFD read back: unzipped, every part parsed, and held against the layout
//! it was drawn from: each page's text is the layout's, glyph by glyph at the
//! layout's positions (X, Y and the DeltaX offsets), every font is an embedded
//! TrueType subset that maps each character to a glyph of the layout's advance,
//! fills and rules are paths, the outline nests like the headings, the
//! document information comes from the data, the bytes are identical across
//! renders, and fallback and missing glyphs behave as in the PDF.

mod common;
use common::root;

use std::collections::BTreeMap;
use std::io::Read;
use std::sync::{Arc, OnceLock};

use nianbao::config::Config;
use nianbao::doc::{Block, Document, Text};
use nianbao::fonts::FontBook;
use nianbao::layout::Layout;
use nianbao::render;
use nianbao::template::Templates;
use nianbao::writer::package::{El, Node, parse};
use nianbao::writer::{self, Format, Resources};

const SEED_003: &str = "data/xiangyuan/2018.yaml";

fn resources() -> &'static Resources {
    static RES: OnceLock<Resources> = OnceLock::new();
    RES.get_or_init(|| {
        let config = Config::discover(&root().join(SEED_003)).unwrap();
        let fonts = Some(Arc::new(FontBook::new(&config).unwrap()));
        Resources { config: Arc::new(config), fonts }
    })
}

fn build(data: &str) -> render::Built {
    let templates = Templates::new(Some(&root().join("templates")));
    render::build(&root().join(data), &templates, None).unwrap()
}

/// A document, its layout and its OFD.
struct Sample {
    doc: Document,
    layout: Layout,
    bytes: Vec<u8>,
    parts: BTreeMap<String, Vec<u8>>,
    names: Vec<String>,
}

fn sample(data: &str) -> Sample {
    let doc = build(data).doc;
    let layout = writer::lay_out(&doc, &[Format::Ofd], resources()).unwrap().unwrap();
    let (bytes, warnings) =
        writer::write(&doc, Some(&layout), Format::Ofd, resources(), &writer::Options::default()).unwrap();
    assert!(warnings.is_empty());
    let (names, parts) = unzip(&bytes);
    Sample { doc, layout, bytes, parts, names }
}

fn seed() -> &'static Sample {
    static SEED: OnceLock<Sample> = OnceLock::new();
    SEED.get_or_init(|| sample(SEED_003))
}

/// Every entry of the package, by name, and the names in package order.
fn unzip(bytes: &[u8]) -> (Vec<String>, BTreeMap<String, Vec<u8>>) {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut names = Vec::new();
    let mut parts = BTreeMap::new();
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        names.push(f.name().to_string());
        parts.insert(f.name().to_string(), data);
    }
    (names, parts)
}

fn part(s: &Sample, name: &str) -> El {
    parse(s.parts.get(name).unwrap_or_else(|| panic!("no part {name}"))).unwrap()
}

fn children<'a>(el: &'a El, name: &str) -> Vec<&'a El> {
    el.elements().filter(|e| e.name == name).collect()
}

fn child<'a>(el: &'a El, name: &str) -> &'a El {
    el.elements().find(|e| e.name == name).unwrap_or_else(|| panic!("{} has no {name}", el.name))
}

fn text(el: &El) -> String {
    el.children.iter().filter_map(|n| if let Node::Text(t) = n { Some(t.as_str()) } else { None }).collect()
}

fn numbers(v: &str) -> Vec<f64> {
    v.split_whitespace().map(|x| x.parse().unwrap_or_else(|_| panic!("not a number: {x}"))).collect()
}

/// Points (the layout's unit) to millimetres (the OFD's).
fn mm(pt: f32) -> f64 {
    f64::from(pt) * 25.4 / 72.0
}

/// The content of page `i`.
fn page(s: &Sample, i: usize) -> El {
    part(s, &format!("Doc_0/Pages/Page_{i}/Content.xml"))
}

fn objects<'a>(page: &'a El, name: &str) -> Vec<&'a El> {
    children(child(child(page, "ofd:Content"), "ofd:Layer"), name)
}

#[test]
fn the_package_holds_the_parts_of_gb_t_33190_in_order() {
    let s = seed();
    let pages = s.layout.pages.len();
    assert_eq!(&s.names[..3], ["OFD.xml", "Doc_0/Document.xml", "Doc_0/PublicRes.xml"]);
    for i in 0..pages {
        assert_eq!(s.names[3 + i], format!("Doc_0/Pages/Page_{i}/Content.xml"));
    }
    assert!(s.names[3 + pages..].iter().all(|n| n.starts_with("Doc_0/Res/font_") && n.ends_with(".ttf")));
    let ofd = part(s, "OFD.xml");
    assert_eq!(ofd.name, "ofd:OFD");
    assert_eq!(ofd.get("xmlns:ofd"), Some("http://www.ofdspec.org/2016"));
    assert_eq!((ofd.get("Version"), ofd.get("DocType")), (Some("1.0"), Some("OFD")));
    let body = child(&ofd, "ofd:DocBody");
    assert_eq!(text(child(body, "ofd:DocRoot")), "Doc_0/Document.xml");
    let doc = part(s, "Doc_0/Document.xml");
    let common = child(&doc, "ofd:CommonData");
    let order: Vec<&str> = common.elements().map(|e| e.name.as_str()).collect();
    assert_eq!(order, ["ofd:MaxUnitID", "ofd:PageArea", "ofd:PublicRes"], "schema order");
    assert_eq!(text(child(child(common, "ofd:PageArea"), "ofd:PhysicalBox")), "0 0 210 297");
    let page_list = children(child(&doc, "ofd:Pages"), "ofd:Page");
    assert_eq!(page_list.len(), pages);
    // Every ID once, none above MaxUnitID.
    let max: u32 = text(child(common, "ofd:MaxUnitID")).parse().unwrap();
    let mut ids = Vec::new();
    let mut collect = |el: &El| {
        fn walk(el: &El, ids: &mut Vec<u32>) {
            if let Some(id) = el.get("ID") {
                ids.push(id.parse().unwrap());
            }
            el.elements().for_each(|c| walk(c, ids));
        }
        walk(el, &mut ids)
    };
    collect(&doc);
    collect(&part(s, "Doc_0/PublicRes.xml"));
    (0..pages).for_each(|i| collect(&page(s, i)));
    let n = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), n, "IDs are unique");
    assert_eq!(ids.last(), Some(&max));
}

#[test]
fn each_page_shows_the_layouts_glyphs_where_the_layout_put_them() {
    let s = seed();
    let page_h = mm(nianbao::layout::grid::PAGE_H);
    for (i, lp) in s.layout.pages.iter().enumerate() {
        let content = page(s, i);
        let texts = objects(&content, "ofd:TextObject");
        let runs: Vec<_> = lp.runs.iter().filter(|r| r.glyphs.iter().any(|g| !g.ch.is_whitespace())).collect();
        assert_eq!(texts.len(), runs.len(), "page {}: a text object per run", i + 1);
        let mut page_text = String::new();
        for (obj, run) in texts.iter().zip(&runs) {
            let b = numbers(obj.get("Boundary").unwrap());
            assert!((numbers(obj.get("Size").unwrap())[0] - mm(run.size)).abs() < 1e-3);
            assert_eq!(obj.get("Stroke") == Some("true"), run.fake_bold, "synthetic bold strokes");
            let drawn: Vec<_> = run.glyphs.iter().filter(|g| !g.ch.is_whitespace()).collect();
            let mut at = drawn.iter();
            for code in children(obj, "ofd:TextCode") {
                let t = text(code);
                let (x, y) = (numbers(code.get("X").unwrap())[0], numbers(code.get("Y").unwrap())[0]);
                let deltas = code.get("DeltaX").map(numbers).unwrap_or_default();
                assert_eq!(deltas.len() + 1, t.chars().count(), "a DeltaX between each two glyphs");
                assert!((b[1] + y - (page_h - mm(run.y))).abs() < 1e-3, "the baseline, page {}", i + 1);
                let mut pos = b[0] + x;
                for (k, ch) in t.chars().enumerate() {
                    let g = at.next().expect("no more glyphs in the run than in the layout");
                    assert_eq!(ch, g.ch);
                    assert!((pos - mm(g.x)).abs() < 1.5e-3, "page {} '{ch}': {pos} against {}", i + 1, mm(g.x));
                    assert!(pos >= b[0] && pos + mm(g.advance) <= b[0] + b[2] + 1e-3, "inside the boundary");
                    pos += deltas.get(k).copied().unwrap_or(0.0);
                }
                page_text.push_str(&t);
            }
            assert!(at.next().is_none(), "every glyph of the run is drawn");
        }
        let want: String =
            lp.runs.iter().flat_map(|r| &r.glyphs).map(|g| g.ch).filter(|c| !c.is_whitespace()).collect();
        assert_eq!(page_text, want, "page {}", i + 1);
    }
    // The page numbers are there, each on its page.
    let last = s.layout.pages.len();
    let folio: String = objects(&page(s, last - 1), "ofd:TextObject")
        .iter()
        .flat_map(|o| children(o, "ofd:TextCode"))
        .map(text)
        .collect();
    assert!(folio.contains(&last.to_string()), "{folio}");
}

#[test]
fn every_font_is_an_embedded_truetype_subset_of_the_layouts_glyphs() {
    let s = seed();
    let res = part(s, "Doc_0/PublicRes.xml");
    assert_eq!((res.name.as_str(), res.get("BaseLoc")), ("ofd:Res", Some("Res")));
    let fonts = children(child(&res, "ofd:Fonts"), "ofd:Font");
    let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for f in &fonts {
        let name = f.get("FontName").unwrap();
        let (tag, official) = name.split_once('+').expect("TAG+name");
        assert!(tag.len() == 6 && tag.chars().all(|c| c.is_ascii_uppercase()), "{name}");
        assert_eq!(official, f.get("FamilyName").unwrap().replace(' ', ""), "the official face's name, no spaces");
        let file = format!("Doc_0/Res/{}", text(child(f, "ofd:FontFile")));
        files.insert(f.get("ID").unwrap().to_string(), s.parts[&file].clone());
    }
    assert!(fonts.len() >= 5, "title, subtitle, body, headings, fallback: {}", fonts.len());
    // Each character of each text object maps, in its font, to a glyph of the
    // advance the layout gave it.
    let mut checked = 0;
    for (i, lp) in s.layout.pages.iter().enumerate() {
        let content = page(s, i);
        let runs = lp.runs.iter().filter(|r| r.glyphs.iter().any(|g| !g.ch.is_whitespace()));
        for (obj, run) in objects(&content, "ofd:TextObject").into_iter().zip(runs) {
            let face = ttf_parser::Face::parse(&files[obj.get("Font").unwrap()], 0).expect("the font decodes");
            assert!(face.tables().glyf.is_some(), "TrueType outlines");
            let upm = f32::from(face.units_per_em());
            for g in run.glyphs.iter().filter(|g| !g.ch.is_whitespace()) {
                let gid = face.glyph_index(g.ch).unwrap_or_else(|| panic!("'{}' not in its font", g.ch));
                let adv = f32::from(face.glyph_hor_advance(gid).unwrap()) / upm * run.size;
                assert!((adv - g.advance).abs() < 0.01, "'{}': {adv} against {}", g.ch, g.advance);
                assert!(face.glyph_bounding_box(gid).is_some(), "'{}' has an outline", g.ch);
                checked += 1;
            }
        }
    }
    assert!(checked > 5000, "{checked}");
}

/// The outline as (depth, title, page index).
fn outline(s: &Sample) -> Vec<(usize, String, usize)> {
    let doc = part(s, "Doc_0/Document.xml");
    let page_ids: Vec<&str> =
        children(child(&doc, "ofd:Pages"), "ofd:Page").iter().map(|p| p.get("ID").unwrap()).collect();
    fn walk(el: &El, depth: usize, ids: &[&str], out: &mut Vec<(usize, String, usize)>) {
        for e in children(el, "ofd:OutlineElem") {
            let dest = child(child(child(child(e, "ofd:Actions"), "ofd:Action"), "ofd:Goto"), "ofd:Dest");
            let page = ids.iter().position(|&id| Some(id) == dest.get("PageID")).expect("a page's ID");
            assert_eq!(e.get("Expanded"), (depth > 1 && !children(e, "ofd:OutlineElem").is_empty()).then_some("false"));
            out.push((depth, e.get("Title").unwrap().to_string(), page));
            walk(e, depth + 1, ids, out);
        }
    }
    let mut out = Vec::new();
    walk(child(&doc, "ofd:Outlines"), 1, &page_ids, &mut out);
    assert_eq!(text(child(child(&doc, "ofd:VPreferences"), "ofd:PageMode")), "UseOutlines");
    out
}

#[test]
fn the_outline_nests_like_the_headings_and_goes_to_their_pages() {
    let s = seed();
    let got = outline(s);
    let want: Vec<(usize, String, usize)> =
        s.layout.outline.iter().map(|e| (e.level as usize, e.title.clone(), e.page)).collect();
    assert_eq!(got, want);
    let headings: Vec<usize> = s.doc.headings().map(|h| h.level as usize).collect();
    assert_eq!(got.iter().map(|o| o.0).collect::<Vec<_>>(), headings);
    assert!(got.iter().any(|(d, ..)| *d == 3), "level-3 headings nested under level 2");
}

#[test]
fn fills_and_rules_are_paths_in_their_colours() {
    let s = sample("data/yangli/2018.yaml");
    let mut fills = 0;
    let mut rules = 0;
    for (i, lp) in s.layout.pages.iter().enumerate() {
        let content = page(&s, i);
        let paths = objects(&content, "ofd:PathObject");
        assert_eq!(paths.len(), lp.fills.len() + usize::from(!lp.rules.is_empty()), "page {}", i + 1);
        for (p, f) in paths.iter().zip(&lp.fills) {
            let b = numbers(p.get("Boundary").unwrap());
            assert!((b[0] - mm(f.x)).abs() < 0.2 && (b[2] - mm(f.w)).abs() < 0.4, "{b:?}");
            let rgb = numbers(child(p, "ofd:FillColor").get("Value").unwrap());
            let want: Vec<f64> = f.rgb.iter().map(|c| f64::from((c * 255.0).round())).collect();
            assert_eq!(rgb, want);
            assert_eq!(p.get("Stroke") != Some("false"), f.outline);
            fills += 1;
        }
        if let Some(p) = paths.get(lp.fills.len()) {
            let data = text(child(p, "ofd:AbbreviatedData"));
            assert_eq!(data.matches('M').count(), lp.rules.len());
            assert_eq!(p.get("LineWidth"), Some("0.176"), "0.5 pt");
            rules += lp.rules.len();
        }
    }
    assert!(fills > 0 && rules > 0, "the work report has tables and charts: {fills} fills, {rules} rules");
}

#[test]
fn the_document_information_comes_from_the_data() {
    let s = seed();
    let root = part(s, "OFD.xml");
    let info = child(child(&root, "ofd:DocBody"), "ofd:DocInfo");
    let order: Vec<&str> = info.elements().map(|e| e.name.trim_start_matches("ofd:")).collect();
    assert_eq!(order[0], "DocID");
    let id = text(child(info, "ofd:DocID"));
    assert!(id.len() == 32 && id.chars().all(|c| c.is_ascii_hexdigit()), "{id}");
    assert_eq!(text(child(info, "ofd:Title")), s.doc.meta.title);
    assert_eq!(text(child(info, "ofd:Author")), s.doc.meta.author);
    let date = s.doc.meta.created.unwrap().format("%Y-%m-%d").to_string();
    assert_eq!(text(child(info, "ofd:CreationDate")), date);
    assert!(
        order.windows(2).all(|w| {
            let rank = |n: &str| {
                [
                    "DocID",
                    "Title",
                    "Author",
                    "Subject",
                    "CreationDate",
                    "ModDate",
                    "Keywords",
                    "Creator",
                    "CreatorVersion",
                ]
                .iter()
                .position(|x| *x == n)
                .unwrap()
            };
            rank(w[0]) < rank(w[1])
        }),
        "schema order: {order:?}"
    );
    let other = part(&sample("data/jinhua/2018.yaml"), "OFD.xml");
    let other_id = text(child(child(child(&other, "ofd:DocBody"), "ofd:DocInfo"), "ofd:DocID"));
    assert_ne!(id, other_id, "another report, another DocID");
}

#[test]
fn the_same_input_gives_the_same_bytes() {
    let s = seed();
    let again = sample(SEED_003);
    assert!(s.bytes == again.bytes, "two renders in one process differ");
    let outs: Vec<Vec<u8>> = (0..2).map(|_| common::render_cli(SEED_003, "ofd,pdf", "ofd")).collect();
    assert!(outs[0] == outs[1], "two processes differ");
}

#[test]
fn fallback_characters_are_set_in_the_fallback_face_and_missing_ones_are_an_error() {
    let s = seed();
    let res = part(s, "Doc_0/PublicRes.xml");
    let fallback: Vec<String> = children(child(&res, "ofd:Fonts"), "ofd:Font")
        .iter()
        .filter(|f| f.get("FontName").is_some_and(|n| n.contains("Noto")))
        .map(|f| f.get("ID").unwrap().to_string())
        .collect();
    assert_eq!(fallback.len(), 1, "the fallback face is embedded");
    let set_in_it: String = (0..s.layout.pages.len())
        .flat_map(|i| {
            let content = page(s, i);
            objects(&content, "ofd:TextObject")
                .into_iter()
                .filter(|o| o.get("Font") == Some(fallback[0].as_str()))
                .flat_map(|o| children(o, "ofd:TextCode").into_iter().map(text).collect::<Vec<_>>())
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(set_in_it.contains('勠') && set_in_it.contains('㎡'), "{set_in_it}");
    let mut built = build(SEED_003);
    built.doc.blocks.push(Block::Paragraph(Text::from("这里有一个\u{10FFFD}字符。")));
    let err = common::write_as(&built.doc, Format::Ofd, resources()).unwrap_err();
    assert_eq!(err.0[0].id, "font.missing-glyph");
}
