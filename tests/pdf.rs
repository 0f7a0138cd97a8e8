//! The PDF read back with lopdf: text round-trips through the ToUnicode maps,
//! every font is a subset with a ToUnicode map, no line starts or ends with a
//! prohibited mark, page numbers, the outline's nesting and order, identical
//! bytes across renders, and the fallback warning / missing-glyph error.

mod common;
use common::root;

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use lopdf::{Document as Pdf, Object};
use nianbao::config::Config;
use nianbao::doc::{Block, Document, Text};
use nianbao::fonts::FontBook;
use nianbao::layout::linebreak::{NO_LINE_END, NO_LINE_START};
use nianbao::render;
use nianbao::template::Templates;
use nianbao::writer::{Format, Resources};

const SEED_003: &str = "data/xiangyuan/2018.yaml";

fn resources() -> &'static Resources {
    static RES: OnceLock<Resources> = OnceLock::new();
    RES.get_or_init(|| {
        let config = Config::discover(&root().join(SEED_003)).unwrap();
        let fonts = Some(Arc::new(FontBook::new(&config).unwrap()));
        Resources { config: Arc::new(config), fonts }
    })
}

/// `doc` laid out with the resources' fonts (their faces read once).
fn lay_out(doc: &Document) -> nianbao::layout::Layout {
    static FACES: OnceLock<Vec<Arc<nianbao::fonts::FaceData>>> = OnceLock::new();
    let book = resources().fonts.as_ref().unwrap();
    let faces = FACES.get_or_init(|| book.load_all().unwrap());
    nianbao::layout::layout(doc, book, faces).unwrap()
}

fn build(data: &str) -> render::Built {
    let templates = Templates::new(Some(&root().join("templates")));
    render::build(&root().join(data), &templates, None).unwrap()
}

/// The sample rendered once for all tests.
fn seed_pdf() -> &'static (Document, Vec<u8>) {
    static PDF: OnceLock<(Document, Vec<u8>)> = OnceLock::new();
    PDF.get_or_init(|| {
        let built = build(SEED_003);
        let (bytes, _) = common::write_as(&built.doc, Format::Pdf, resources()).unwrap();
        (built.doc, bytes)
    })
}

/// A line of text as drawn: page (1-based), baseline y, text.
#[derive(Debug)]
struct Line {
    page: usize,
    y: f32,
    text: String,
}

/// Decode `<XXXX> <YYYY…>` pairs of a ToUnicode CMap's bfchar sections.
fn to_unicode(cmap: &str) -> BTreeMap<u16, String> {
    let mut map = BTreeMap::new();
    let mut in_chars = false;
    for l in cmap.lines() {
        let l = l.trim();
        if l.ends_with("beginbfchar") {
            in_chars = true;
        } else if l == "endbfchar" {
            in_chars = false;
        } else if in_chars {
            let parts: Vec<&str> = l.split_whitespace().collect();
            let hex = |s: &str| s.trim_matches(['<', '>']).to_string();
            let code = u16::from_str_radix(&hex(parts[0]), 16).unwrap();
            let units: Vec<u16> = hex(parts[1])
                .as_bytes()
                .chunks(4)
                .map(|c| u16::from_str_radix(std::str::from_utf8(c).unwrap(), 16).unwrap())
                .collect();
            map.insert(code, String::from_utf16(&units).unwrap());
        }
    }
    map
}

/// A run of glyphs as drawn: page (1-based), start x, baseline y, text.
#[derive(Debug, Clone)]
struct Drawn {
    page: usize,
    x: f32,
    y: f32,
    text: String,
}

/// A straight line drawn (table rules): page (1-based), from and to.
#[derive(Debug, Clone, Copy)]
struct Stroke {
    page: usize,
    x1: f32,
    y1: f32,
    x2: f32,
    y2: f32,
}

/// Every run, every ruled line and every filled path (as its bounding box) of
/// every page, in content order, the text through the fonts' ToUnicode maps.
fn drawn(bytes: &[u8]) -> (Vec<Drawn>, Vec<Stroke>, Vec<Stroke>) {
    let pdf = Pdf::load_mem(bytes).unwrap();
    let (mut runs, mut strokes, mut fills) = (Vec::new(), Vec::new(), Vec::new());
    for (pno, (_, &page_id)) in pdf.get_pages().iter().enumerate() {
        let mut maps: BTreeMap<Vec<u8>, BTreeMap<u16, String>> = BTreeMap::new();
        for (name, font) in pdf.get_page_fonts(page_id).unwrap() {
            let tu = font.get(b"ToUnicode").and_then(Object::as_reference).expect("ToUnicode");
            let stream = pdf.get_object(tu).and_then(Object::as_stream).unwrap();
            let data = stream.decompressed_content().unwrap_or_else(|_| stream.content.clone());
            maps.insert(name, to_unicode(&String::from_utf8_lossy(&data)));
        }
        let content = lopdf::content::Content::decode(&pdf.get_page_content(page_id)).unwrap();
        let mut font = Vec::new();
        let (mut x, mut y) = (0.0, 0.0);
        let mut from = (0.0, 0.0);
        // The current path's segments, until it is stroked or filled.
        let mut path: Vec<Stroke> = Vec::new();
        let num = |o: &Object| o.as_float().unwrap();
        for op in content.operations {
            match op.operator.as_str() {
                "Tf" => font = op.operands[0].as_name().unwrap().to_vec(),
                "Tm" => (x, y) = (num(&op.operands[4]), num(&op.operands[5])),
                "m" => from = (num(&op.operands[0]), num(&op.operands[1])),
                "l" => {
                    let to = (num(&op.operands[0]), num(&op.operands[1]));
                    path.push(Stroke { page: pno + 1, x1: from.0, y1: from.1, x2: to.0, y2: to.1 });
                    from = to;
                }
                "S" => strokes.append(&mut path),
                "f" | "f*" | "F" | "B" | "B*" | "b" | "b*" => {
                    let xs = path.iter().flat_map(|s| [s.x1, s.x2]);
                    let ys = path.iter().flat_map(|s| [s.y1, s.y2]);
                    let (x1, x2) = xs.fold((f32::MAX, f32::MIN), |(a, b), x| (a.min(x), b.max(x)));
                    let (y1, y2) = ys.fold((f32::MAX, f32::MIN), |(a, b), y| (a.min(y), b.max(y)));
                    fills.push(Stroke { page: pno + 1, x1, y1, x2, y2 });
                    path.clear();
                }
                "TJ" | "Tj" => {
                    let mut s = String::new();
                    let items = match &op.operands[0] {
                        Object::Array(a) => a.clone(),
                        o => vec![o.clone()],
                    };
                    for it in items {
                        if let Object::String(b, _) = it {
                            for c in b.chunks(2) {
                                let code = u16::from_be_bytes([c[0], c[1]]);
                                s.push_str(&maps[&font][&code]);
                            }
                        }
                    }
                    runs.push(Drawn { page: pno + 1, x, y, text: s });
                }
                _ => {}
            }
        }
    }
    (runs, strokes, fills)
}

/// Every line of every page, in content order: runs on one baseline make one
/// line, also when drawn apart (the cells of a table row whose first cell wraps).
fn lines(bytes: &[u8]) -> Vec<Line> {
    let mut out: Vec<Line> = Vec::new();
    for r in drawn(bytes).0 {
        match out.iter_mut().rev().take_while(|l| l.page == r.page).find(|l| (l.y - r.y).abs() < 0.5) {
            Some(l) => l.text.push_str(&r.text),
            None => out.push(Line { page: r.page, y: r.y, text: r.text }),
        }
    }
    out
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The document's text in reading order, as the PDF should carry it.
fn doc_text(doc: &Document) -> String {
    let mut s = String::new();
    let plain = |t: &Text| t.plain();
    for b in &doc.blocks {
        match b {
            Block::Title(ls) | Block::Signature(ls) => ls.iter().for_each(|l| s.push_str(&plain(l))),
            Block::Subtitle(t)
            | Block::Date(t)
            | Block::Speaker(t)
            | Block::Salutation(t)
            | Block::Paragraph(t)
            | Block::AttachmentNote(t) => s.push_str(&plain(t)),
            Block::Heading(h) => {
                s.push_str(&h.display_text());
                if let Some(r) = &h.run_in {
                    s.push_str(&plain(r));
                }
            }
            Block::Table(t) => {
                for row in std::iter::once(&t.header).chain(&t.rows) {
                    row.iter().for_each(|c| s.push_str(&plain(c)));
                }
            }
            Block::Attachment(a) => {
                s.push_str(&a.label);
                s.push_str(&plain(&a.title));
            }
            // A chart's labels are placed by the chart, not in reading order.
            Block::PageBreak | Block::Chart(_) => {}
        }
    }
    squash(&s)
}

fn is_folio(l: &Line) -> bool {
    l.y < nianbao::layout::grid::block_bottom() - 5.0
}

/// The PDF's text without page numbers.
fn pdf_text(bytes: &[u8]) -> String {
    lines(bytes).iter().filter(|l| !is_folio(l)).map(|l| squash(&l.text)).collect()
}

/// The PDF's text is the document's: exactly, up to the first table; from there
/// on the same characters, but for the table headers repeated on continuation
/// pages (a table's cells read line by line across the row).
fn assert_same(doc: &Document, got: &str, want: &str, what: &str) {
    let headers: Vec<String> = doc
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Table(t) => Some(squash(&t.header.iter().map(Text::plain).collect::<String>())),
            _ => None,
        })
        .collect();
    let table_at = headers.first().and_then(|h| want.find(h)).unwrap_or(want.len());
    let (got, got_rest) = got.split_at(table_at.min(got.len()));
    let (want, want_rest) = want.split_at(table_at);
    let count = |s: &str| {
        let mut m: BTreeMap<char, i64> = BTreeMap::new();
        s.chars().for_each(|c| *m.entry(c).or_default() += 1);
        m
    };
    // What the PDF has over the document must be each chart's labels (its
    // title, unit, series and category names, and figures: values and the
    // axis's steps), and whole headers, each repeated some number of times.
    let mut extra = count(got_rest);
    for (c, n) in count(want_rest) {
        *extra.entry(c).or_default() -= n;
    }
    for b in &doc.blocks {
        if let Block::Chart(chart) = b {
            let labels = chart.caption()
                + &chart.series.concat()
                + &chart.categories.iter().map(|c| c.name.as_str()).collect::<String>();
            for (c, n) in count(&squash(&labels)) {
                *extra.entry(c).or_default() -= n;
                assert!(extra[&c] >= 0, "{what}: chart {:?} lacks {c:?}", chart.title);
            }
        }
    }
    let has_charts = doc.blocks.iter().any(|b| matches!(b, Block::Chart(_)));
    let figure = |c: &char| c.is_ascii_digit() || *c == '.';
    if has_charts {
        extra.retain(|c, _| !figure(c));
    }
    fn whole(extra: &BTreeMap<char, i64>, headers: &[BTreeMap<char, i64>]) -> bool {
        if extra.values().all(|&n| n == 0) {
            return true;
        }
        let Some((h, rest)) = headers.split_first() else { return false };
        let mut e = extra.clone();
        for _ in 0..40 {
            if whole(&e, rest) {
                return true;
            }
            for (c, n) in h {
                *e.entry(*c).or_default() -= n;
            }
            if e.values().any(|&n| n < 0) {
                return false;
            }
        }
        false
    }
    let mut header_counts: Vec<BTreeMap<char, i64>> = headers.iter().map(|h| count(h)).collect();
    if has_charts {
        header_counts.iter_mut().for_each(|h| h.retain(|c, _| !figure(c)));
    }
    let left: Vec<_> = extra.iter().filter(|(_, n)| **n != 0).collect();
    assert!(whole(&extra, &header_counts), "{what}: the tables' text differs by {left:?}");
    if got != want {
        let at = got.chars().zip(want.chars()).take_while(|(a, b)| a == b).count();
        let near = |s: &str| s.chars().skip(at.saturating_sub(20)).take(60).collect::<String>();
        panic!("{what}: text differs at character {at}:\n  pdf:  {}\n  want: {}", near(got), near(want));
    }
}

#[test]
fn text_round_trips_exactly() {
    let (doc, bytes) = seed_pdf();
    let body = pdf_text(bytes);
    assert_same(doc, &body, &doc_text(doc), "seed 003");
    assert!(body.contains('勠') && body.contains('㎡'), "fallback characters extracted");
}

#[test]
fn every_font_is_an_embedded_subset_with_a_tounicode_map() {
    let (_, bytes) = seed_pdf();
    let pdf = Pdf::load_mem(bytes).unwrap();
    let mut fonts = 0;
    for obj in pdf.objects.values() {
        let Ok(d) = obj.as_dict() else { continue };
        if d.get(b"Type").and_then(Object::as_name).ok() != Some(b"Font".as_slice())
            || d.get(b"Subtype").and_then(Object::as_name).ok() != Some(b"Type0".as_slice())
        {
            continue;
        }
        fonts += 1;
        let base = String::from_utf8(d.get(b"BaseFont").unwrap().as_name().unwrap().to_vec()).unwrap();
        let (tag, _) = base.split_once('+').expect("subset tag");
        assert!(tag.len() == 6 && tag.chars().all(|c| c.is_ascii_uppercase()), "{base}");
        assert!(d.get(b"ToUnicode").is_ok(), "{base} has no ToUnicode");
        let kids = d.get(b"DescendantFonts").unwrap().as_array().unwrap();
        let cid = match &kids[0] {
            Object::Reference(r) => pdf.get_object(*r).unwrap().as_dict().unwrap(),
            o => o.as_dict().unwrap(),
        };
        let desc = pdf.get_object(cid.get(b"FontDescriptor").unwrap().as_reference().unwrap()).unwrap();
        let desc = desc.as_dict().unwrap();
        let file = desc.get(b"FontFile3").or_else(|_| desc.get(b"FontFile2")).expect("embedded");
        let stream = pdf.get_object(file.as_reference().unwrap()).unwrap().as_stream().unwrap();
        let program = stream.decompressed_content().unwrap_or_else(|_| stream.content.clone());
        // The smallest full face shipped is 4.9 MB; a subset of a thousand glyphs is a tenth of that.
        assert!(program.len() < 1_000_000, "{base}: {} bytes is not a subset", program.len());
    }
    assert!(fonts >= 5, "{fonts} fonts");
}

#[test]
fn the_seed_003_pdf_stays_within_its_size_budget() {
    // Typst sets the same text in the same fonts in 552 KiB; the budget is 560 KiB.
    let (_, bytes) = seed_pdf();
    assert!(bytes.len() < 560 * 1024, "{} bytes ({} KiB)", bytes.len(), bytes.len() / 1024);
}

#[test]
fn no_line_starts_or_ends_with_a_prohibited_mark() {
    let (_, bytes) = seed_pdf();
    let lines = lines(bytes);
    // Body text only: on the attachment's table pages a row reads as one line
    // here, and a cell holding just “—” would look like a line starting with it.
    let attachment = lines.iter().find(|l| squash(&l.text) == "附件").map_or(usize::MAX, |l| l.page);
    for l in lines.iter().filter(|l| !is_folio(l) && l.page < attachment) {
        let t = squash(&l.text);
        let (Some(first), Some(last)) = (t.chars().next(), t.chars().last()) else { continue };
        // A subtitle opens with a dash by convention: that is no break.
        let first = if t.starts_with("——") { '\u{4E00}' } else { first };
        assert!(!NO_LINE_START.contains(first), "page {} line starts with {first}: {t}", l.page);
        assert!(!NO_LINE_END.contains(last), "page {} line ends with {last}: {t}", l.page);
    }
}

/// A number keeps its unit, compound units too: yangli/2018 broke
/// `1342.15万／元` across two lines.
#[test]
fn numbers_keep_their_units_across_lines() {
    use nianbao::layout::linebreak::is_unit;
    let yangli = common::write_as(&build("data/yangli/2018.yaml").doc, Format::Pdf, resources()).unwrap().0;
    for (data, bytes) in [(SEED_003, &seed_pdf().1), ("data/yangli/2018.yaml", &yangli)] {
        // Body text: the attachment's tables and charts are not lines of text.
        let lines = lines(bytes);
        let attachment = lines.iter().find(|l| squash(&l.text) == "附件").map_or(usize::MAX, |l| l.page);
        let lines: Vec<String> =
            lines.iter().filter(|l| !is_folio(l) && l.page < attachment).map(|l| squash(&l.text)).collect();
        for pair in lines.windows(2) {
            let (end, next): (Vec<char>, Vec<char>) = (pair[0].chars().collect(), pair[1].chars().collect());
            let (Some(&last), Some(&first)) = (end.last(), next.first()) else { continue };
            let after_number = last.is_ascii_digit()
                || (matches!(last, '万' | '亿') && end.len() > 1 && end[end.len() - 2].is_ascii_digit());
            assert!(!(after_number && (is_unit(first) || first.is_ascii_digit())), "{data}: {} / {}", pair[0], pair[1]);
        }
    }
}

#[test]
fn every_page_has_its_number() {
    let (_, bytes) = seed_pdf();
    let pdf = Pdf::load_mem(bytes).unwrap();
    let n = pdf.get_pages().len();
    let folios: Vec<String> = lines(bytes).iter().filter(|l| is_folio(l)).map(|l| squash(&l.text)).collect();
    let want: Vec<String> = (1..=n).map(|i| format!("—{i}—")).collect();
    assert_eq!(folios, want);
}

/// (depth, title) of every outline item, depth first.
fn outline(pdf: &Pdf) -> Vec<(usize, String)> {
    fn walk(pdf: &Pdf, first: Option<lopdf::ObjectId>, depth: usize, out: &mut Vec<(usize, String)>) {
        let mut cur = first;
        while let Some(id) = cur {
            let d = pdf.get_object(id).unwrap().as_dict().unwrap();
            let title = match d.get(b"Title").unwrap() {
                Object::String(b, _) => {
                    let units: Vec<u16> = b[2..].chunks(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
                    String::from_utf16(&units).unwrap()
                }
                o => panic!("title {o:?}"),
            };
            out.push((depth, title));
            walk(pdf, d.get(b"First").and_then(Object::as_reference).ok(), depth + 1, out);
            cur = d.get(b"Next").and_then(Object::as_reference).ok();
        }
    }
    let root = pdf.catalog().unwrap().get(b"Outlines").unwrap().as_reference().unwrap();
    let root = pdf.get_object(root).unwrap().as_dict().unwrap();
    let mut out = Vec::new();
    walk(pdf, root.get(b"First").and_then(Object::as_reference).ok(), 1, &mut out);
    out
}

#[test]
fn outline_follows_the_headings_nested_by_level() {
    let (doc, bytes) = seed_pdf();
    let pdf = Pdf::load_mem(bytes).unwrap();
    let got = outline(&pdf);
    let want: Vec<(usize, String)> = doc
        .headings()
        .map(|h| (h.level as usize, h.display_text().trim_end_matches(['。', '：']).to_string()))
        .collect();
    assert_eq!(got, want);
    assert!(got.iter().any(|(d, _)| *d == 3), "level-3 headings nested under level 2");
}

#[test]
fn metadata_comes_from_the_document_not_the_clock() {
    let (doc, bytes) = seed_pdf();
    let pdf = Pdf::load_mem(bytes).unwrap();
    let info = pdf.trailer.get(b"Info").unwrap().as_reference().unwrap();
    let info = pdf.get_object(info).unwrap().as_dict().unwrap();
    let date = doc.meta.created.expect("the sample has a meeting date").format("D:%Y%m%d%H%M%S").to_string();
    assert_eq!(info.get(b"CreationDate").unwrap().as_str().unwrap(), date.as_bytes());
    assert!(pdf.trailer.get(b"ID").is_ok());
    let catalog = pdf.catalog().unwrap();
    assert_eq!(catalog.get(b"PageMode").unwrap().as_name().unwrap(), b"UseOutlines");
    assert!(catalog.get(b"PageLabels").is_ok());
}

#[test]
fn the_same_input_gives_the_same_bytes() {
    let (_, first) = seed_pdf();
    let built = build(SEED_003);
    let (again, _) = common::write_as(&built.doc, Format::Pdf, resources()).unwrap();
    assert!(first == &again, "two renders in one process differ");
    // And across processes, through the CLI.
    let outs: Vec<Vec<u8>> = (0..2).map(|_| common::render_cli(SEED_003, "pdf", "pdf")).collect();
    assert!(outs[0] == outs[1], "two processes differ");
}

#[test]
fn characters_the_body_face_lacks_come_from_the_fallback_with_a_warning() {
    let built = build(SEED_003);
    let warnings = nianbao::fonts::coverage::check(&built.doc, resources().fonts.as_ref().unwrap()).unwrap();
    assert_eq!(warnings.len(), 1, "one warning per report");
    let w = &warnings[0];
    assert_eq!(w.id, "font.fallback");
    assert!(w.message.contains('勠') && w.message.contains('㎡'), "{}", w.message);
    assert!(w.message.contains("U+52E0") && w.message.contains("段"), "{}", w.message);
}

#[test]
fn a_character_no_font_has_is_an_error_naming_it() {
    let mut built = build(SEED_003);
    built.doc.blocks.push(Block::Paragraph(Text::from("这里有一个\u{10FFFD}字符。")));
    let err = nianbao::fonts::coverage::check(&built.doc, resources().fonts.as_ref().unwrap()).unwrap_err();
    assert_eq!(err.0[0].id, "font.missing-glyph");
    assert!(err.0[0].message.contains("U+10FFFD"), "{}", err.0[0].message);
    let err = common::write_as(&built.doc, Format::Pdf, resources()).unwrap_err();
    assert_eq!(err.0[0].id, "font.missing-glyph");
}

#[test]
fn every_sample_renders() {
    for data in ["tests/fixtures/data/xiangyuan/2017.yaml", "data/jinhua/2018.yaml"] {
        let built = build(data);
        let (bytes, _) = common::write_as(&built.doc, Format::Pdf, resources()).unwrap();
        assert_same(&built.doc, &pdf_text(&bytes), &doc_text(&built.doc), data);
    }
}

/// One cell of a table as drawn: page, its lines top to bottom, and the row's
/// top and bottom.
#[derive(Debug)]
struct DrawnCell {
    page: usize,
    lines: Vec<(f32, String)>,
    top: f32,
    bottom: f32,
}

/// The cells of every table, found by their rules: each row draws its own
/// frame, so the vertical rules of one height are the row's column boundaries.
fn drawn_cells(bytes: &[u8]) -> Vec<DrawnCell> {
    let (runs, strokes, _) = drawn(bytes);
    let mut rows: BTreeMap<(usize, i64, i64), Vec<f32>> = BTreeMap::new();
    for s in strokes.iter().filter(|s| (s.x1 - s.x2).abs() < 0.01) {
        let key = (s.page, (-s.y1.max(s.y2) * 100.0) as i64, (-s.y1.min(s.y2) * 100.0) as i64);
        rows.entry(key).or_default().push(s.x1);
    }
    let mut cells = Vec::new();
    for ((page, top, bottom), mut xs) in rows {
        let (top, bottom) = (-top as f32 / 100.0, -bottom as f32 / 100.0);
        xs.sort_by(f32::total_cmp);
        for column in 0..xs.len() - 1 {
            let mut lines: Vec<(f32, String)> = Vec::new();
            // By the middle of a run's first em: a bracket opening a line gives
            // up its blank left half, which may reach over the rule.
            let x = |r: &Drawn| r.x + 8.0;
            for r in runs
                .iter()
                .filter(|r| r.page == page && r.y < top && r.y > bottom && x(r) >= xs[column] && x(r) < xs[column + 1])
            {
                match lines.iter_mut().find(|(y, _)| (y - r.y).abs() < 0.5) {
                    Some((_, t)) => t.push_str(&r.text),
                    None => lines.push((r.y, r.text.clone())),
                }
            }
            lines.sort_by(|a, b| b.0.total_cmp(&a.0));
            cells.push(DrawnCell { page, lines, top, bottom });
        }
    }
    cells
}

fn is_han(c: char) -> bool {
    ('\u{3400}'..='\u{9FFF}').contains(&c)
}

/// Table cells read down whole (every cell's lines make one of the document's
/// cells); a number keeps its unit on one line; a wrapped cell leaves no Han
/// character alone on a line; and rows sit on the 22-line grid: each row's
/// frame spans whole grid lines, and a one-line row's text is centred on its
/// grid line as the body's is (its baseline at the body's for a 三号 table).
#[test]
fn table_cells_read_down_whole_and_rows_sit_on_the_grid() {
    use nianbao::layout::grid::{PITCH, baseline, block_top};
    let number = regex_lite_numbers();
    for data in [SEED_003, "data/yangli/2018.yaml", "data/gulou/2021.yaml"] {
        let built = build(data);
        let (bytes, _) = common::write_as(&built.doc, Format::Pdf, resources()).unwrap();
        let size = lay_out(&built.doc).table_size;
        let mut want = std::collections::HashSet::new();
        for b in &built.doc.blocks {
            if let Block::Table(t) = b {
                for row in std::iter::once(&t.header).chain(&t.rows) {
                    want.extend(row.iter().map(|c| squash(&c.plain())));
                }
            }
        }
        let cells = drawn_cells(&bytes);
        assert!(cells.len() > 8, "{data}: {} cells", cells.len());
        let mut wrapped = 0;
        for cell in &cells {
            let text: String = cell.lines.iter().map(|(_, t)| squash(t)).collect();
            assert!(want.contains(&text), "{data} page {}: cell reads {text:?}, not a cell of the document", cell.page);
            let lines_on_grid = (block_top() - cell.top) / PITCH;
            let height = (cell.top - cell.bottom) / PITCH;
            assert!((lines_on_grid - lines_on_grid.round()).abs() < 0.01, "{data}: row top off the grid: {cell:?}");
            assert!((height - height.round()).abs() < 0.01 && height.round() >= 1.0, "{data}: row height {height}");
            if height.round() == 1.0
                && let Some((y, _)) = cell.lines.first()
            {
                let want_y = baseline(lines_on_grid.round() as usize, size, 0.88);
                assert!((y - want_y).abs() < 0.01, "{data}: one-line row off its baseline: {cell:?}");
            }
            if cell.lines.len() > 1 {
                wrapped += 1;
                for (_, l) in &cell.lines {
                    let l = squash(l);
                    assert!(!(l.chars().count() == 1 && l.chars().all(is_han)), "{data}: lone {l} in {text}");
                }
                // Every number with its unit sits within one line.
                for tok in number(&text) {
                    assert!(
                        cell.lines.iter().any(|(_, l)| squash(l).contains(&tok)),
                        "{data}: {tok} broken in {:?}",
                        cell.lines
                    );
                }
            }
        }
        assert!(wrapped > 0 || data.contains("gulou"), "{data}: no cell wraps, nothing tested");
    }
}

/// The rows of every table in a DOCX's `word/document.xml`: per row its height
/// (`w:trHeight`, twips) and its cells, each cell's lines (split at `w:br`).
fn docx_rows(docx: &[u8]) -> Vec<(u32, Vec<Vec<String>>)> {
    use quick_xml::events::Event;
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
    let mut xml = String::new();
    zip.by_name("word/document.xml").unwrap().read_to_string(&mut xml).unwrap();
    let mut reader = quick_xml::Reader::from_str(&xml);
    let (mut rows, mut in_text, mut in_cell) = (Vec::new(), false, false);
    let attr = |e: &quick_xml::events::BytesStart, name: &[u8]| {
        e.attributes().flatten().find(|a| a.key.as_ref() == name).map(|a| String::from_utf8(a.value.to_vec()).unwrap())
    };
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) if e.name().as_ref() == b"w:tr" => rows.push((0, Vec::new())),
            Event::Start(e) if e.name().as_ref() == b"w:tc" => {
                rows.last_mut().unwrap().1.push(vec![String::new()]);
                in_cell = true;
            }
            Event::End(e) if e.name().as_ref() == b"w:tc" => in_cell = false,
            Event::Empty(e) if e.name().as_ref() == b"w:trHeight" => {
                rows.last_mut().unwrap().0 = attr(&e, b"w:val").unwrap().parse().unwrap();
            }
            Event::Empty(e) if in_cell && e.name().as_ref() == b"w:br" => {
                if let Some(cell) = rows.last_mut().and_then(|r| r.1.last_mut()) {
                    cell.push(String::new());
                }
            }
            Event::Start(e) if e.name().as_ref() == b"w:t" => in_text = true,
            Event::End(e) if e.name().as_ref() == b"w:t" => in_text = false,
            Event::Text(t) if in_cell && in_text => {
                if let Some(cell) = rows.last_mut().and_then(|r| r.1.last_mut()) {
                    cell.last_mut().unwrap().push_str(&t.decode().unwrap());
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    rows
}

/// The DOCX sets each table as the PDF does, so that a word processor breaks
/// its pages where the PDF does: every cell the PDF wraps is broken into the
/// same lines, and every row is as many grid lines high as its tallest cell.
#[test]
fn docx_tables_break_their_cells_and_rows_as_the_pdf_does() {
    for data in [SEED_003, "data/yangli/2018.yaml", "data/gulou/2021.yaml"] {
        let built = build(data);
        let (pdf, _) = common::write_as(&built.doc, Format::Pdf, resources()).unwrap();
        let (docx, _) = common::write_as(&built.doc, Format::Docx, resources()).unwrap();
        // The PDF's cells by their text: how they are broken into lines (a
        // label may be in two tables, broken in one).
        let mut pdf_cells: BTreeMap<String, Vec<Vec<String>>> = BTreeMap::new();
        for c in drawn_cells(&pdf) {
            let lines: Vec<String> = c.lines.iter().map(|(_, l)| squash(l)).collect();
            pdf_cells.entry(lines.concat()).or_default().push(lines);
        }
        let rows = docx_rows(&docx);
        assert!(rows.len() > 1, "{data}: {} table rows", rows.len());
        let mut compared = 0;
        for (height, cells) in &rows {
            let lines = cells.iter().map(Vec::len).max().unwrap();
            assert_eq!(*height as usize, lines * 579 - 5, "{data}: row {cells:?}");
            for cell in cells {
                let lines: Vec<String> = cell.iter().map(|l| squash(l)).collect();
                match pdf_cells.get(&lines.concat()) {
                    Some(want) => {
                        assert!(want.contains(&lines), "{data}: {lines:?} broken otherwise in the PDF: {want:?}")
                    }
                    None => panic!("{data}: DOCX cell {lines:?} is no cell of the PDF"),
                }
                compared += usize::from(lines.len() > 1);
            }
        }
        assert!(compared > 0 || data.contains("gulou"), "{data}: no wrapped cell compared");
    }
}

/// A header row's cells are centred in the row exactly, as the DOCX's
/// (`w:vAlign`); a body row's shorter cells sit on the lines of its tallest,
/// so a figure shares the line of its label's first line or a middle one.
#[test]
fn header_cells_centre_in_their_row_and_body_cells_keep_to_its_lines() {
    for data in [SEED_003, "data/yangli/2018.yaml"] {
        let built = build(data);
        let (pdf, _) = common::write_as(&built.doc, Format::Pdf, resources()).unwrap();
        let headers: std::collections::HashSet<String> = (built.doc.blocks.iter())
            .filter_map(|b| match b {
                Block::Table(t) => Some(t.header.iter().map(|c| squash(&c.plain()))),
                _ => None,
            })
            .flatten()
            .collect();
        let mut rows: BTreeMap<(usize, i64, i64), Vec<DrawnCell>> = BTreeMap::new();
        for c in drawn_cells(&pdf) {
            rows.entry((c.page, (c.top * 100.0) as i64, (c.bottom * 100.0) as i64)).or_default().push(c);
        }
        let (mut header_rows, mut body_rows) = (0, 0);
        for cells in rows.values().filter(|cells| {
            let counts: Vec<usize> = cells.iter().map(|c| c.lines.len()).filter(|&n| n > 0).collect();
            counts.iter().min() != counts.iter().max()
        }) {
            let text = |c: &DrawnCell| c.lines.iter().map(|(_, t)| squash(t)).collect::<String>();
            let ys = |c: &DrawnCell| c.lines.iter().map(|l| l.0).collect::<Vec<f32>>();
            if cells.iter().all(|c| c.lines.is_empty() || headers.contains(&text(c))) {
                header_rows += 1;
                let mids: Vec<f32> =
                    cells.iter().map(ys).filter(|y| !y.is_empty()).map(|y| (y[0] + y[y.len() - 1]) / 2.0).collect();
                assert!(mids.iter().all(|m| (m - mids[0]).abs() < 0.01), "{data}: header not centred: {cells:?}");
            } else {
                body_rows += 1;
                let tallest = ys(cells.iter().max_by_key(|c| c.lines.len()).unwrap());
                for c in cells {
                    assert!(
                        ys(c).iter().all(|y| tallest.iter().any(|t| (t - y).abs() < 0.01)),
                        "{data}: {:?} off the lines of its row {tallest:?}",
                        c.lines
                    );
                }
            }
        }
        assert!(
            header_rows > 0 && body_rows > 0,
            "{data}: {header_rows} header rows, {body_rows} body rows of mixed height"
        );
    }
    // The DOCX centres its header cells, and only those.
    let built = build(SEED_003);
    let (docx, _) = common::write_as(&built.doc, Format::Docx, resources()).unwrap();
    let mut xml = String::new();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&docx)).unwrap();
    std::io::Read::read_to_string(&mut zip.by_name("word/document.xml").unwrap(), &mut xml).unwrap();
    for table in xml.split("<w:tbl>").skip(1) {
        let rows: Vec<&str> = table.split("</w:tr>").filter(|r| r.contains("<w:tc>")).collect();
        let centred = |r: &str| r.matches(r#"<w:vAlign w:val="center"/>"#).count();
        assert_eq!(centred(rows[0]), rows[0].matches("<w:tc>").count(), "{}", rows[0]);
        assert!(rows[1..].iter().all(|r| centred(r) == 0));
    }
}

/// Numbers with their units in `s` (`1022.457万元`, `33.8%`, `800元/月`).
fn regex_lite_numbers() -> impl Fn(&str) -> Vec<String> {
    const UNITS: &str = "%‰万亿千元人个名家所项次例张床台户天倍种支件批处对堂条";
    |s: &str| {
        let chars: Vec<char> = s.chars().collect();
        let mut out = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            if !chars[i].is_ascii_digit() {
                i += 1;
                continue;
            }
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            while i < chars.len() && (UNITS.contains(chars[i]) || (chars[i] == '/' && i + 1 < chars.len())) {
                if chars[i] == '/' {
                    i += 1;
                }
                i += 1;
                if chars[i - 1] != '万' && chars[i - 1] != '亿' && chars[i - 1] != '/' {
                    break;
                }
            }
            out.push(chars[start..i.min(chars.len())].iter().collect());
        }
        out
    }
}

/// A page's table rows, from the page's foot up: (top, bottom, the column
/// boundaries from left to right), read off the vertical rules of one extent.
fn table_rows(page: &nianbao::layout::Page) -> Vec<(f32, f32, Vec<f32>)> {
    let mut rows: BTreeMap<(i64, i64), Vec<f32>> = BTreeMap::new();
    for r in page.rules.iter().filter(|r| (r.x1 - r.x2).abs() < 0.01) {
        rows.entry(((r.y1.max(r.y2) * 100.0) as i64, (r.y1.min(r.y2) * 100.0) as i64)).or_default().push(r.x1);
    }
    (rows.into_iter())
        .map(|((top, bottom), mut xs)| {
            xs.sort_by(f32::total_cmp);
            (top as f32 / 100.0, bottom as f32 / 100.0, xs)
        })
        .collect()
}

/// A wrapped label in a table's first column keeps a body character of white
/// space from the figures beside it, so that it reads down the cell (and text
/// extraction, which joins text closer than that into one line, keeps it whole).
#[test]
fn wrapped_labels_keep_a_gutter_from_the_figures() {
    use nianbao::layout::grid::BODY_PT;
    for data in [SEED_003, "data/yangli/2018.yaml"] {
        let built = build(data);
        let lay = lay_out(&built.doc);
        let mut checked = 0;
        for page in &lay.pages {
            // The first two column boundaries frame column 0.
            for (top, bottom, xs) in table_rows(page) {
                let inside = |run: &&nianbao::layout::Run| run.y < top && run.y > bottom;
                let first: Vec<_> = page.runs.iter().filter(inside).filter(|r| r.glyphs[0].x < xs[1]).collect();
                let baselines: std::collections::BTreeSet<i64> = first.iter().map(|r| (r.y * 100.0) as i64).collect();
                if baselines.len() < 2 {
                    continue;
                }
                let label_end = first.iter().flat_map(|r| &r.glyphs).map(|g| g.x + g.advance).fold(0.0, f32::max);
                let figures = page
                    .runs
                    .iter()
                    .filter(inside)
                    .filter(|r| r.glyphs[0].x >= xs[1] && r.glyphs[0].x < xs[2])
                    .map(|r| r.glyphs[0].x)
                    .fold(f32::MAX, f32::min);
                if figures < f32::MAX {
                    checked += 1;
                    assert!(
                        figures - label_end >= BODY_PT,
                        "{data}: {} pt between a wrapped label and its figure",
                        figures - label_end
                    );
                }
            }
        }
        assert!(checked > 3, "{data}: {checked} wrapped labels");
    }
}

/// Where a text cell of a table's body wraps beside another cell, it keeps a
/// body character of white space from that cell's text: it takes a line or two
/// more rather than crowd its neighbour (fresh data: poppler read 县中医院康复
/// and 新建康复楼1栋， 11 pt apart as one line across the row). Checked for the
/// text columns, 项目名称 beside 建设内容 and 建设内容 beside the figures; a
/// left-aligned cell after a right-aligned figure (15000 | 2023—/2025年) gains
/// nothing by taking lines, and column sizing weighs that crowding after the
/// table's height.
#[test]
fn wrapped_cells_keep_a_gutter_from_their_neighbours() {
    use nianbao::layout::grid::BODY_PT;
    let md = "---\nfile: x\ndate: \"2024-01-01\"\n---\n\n正文。\n\n\
              | 序号 | 项目名称 | 建设内容及规模 | 总投资（万元） | 2024年计划投资（万元） | 建设期限 | 备注 |\n\
              |:---:|---|---|---:|---:|---|---|\n\
              | 1 | 县医院新院区建设项目 | 新建门诊医技综合楼、住院楼及配套设施，总建筑面积6.8万平方米，设置床位600张 | 42000 | 15000 | 2023—2025年 | 续建 |\n\
              | 2 | 县中医院康复楼建设项目 | 新建康复楼1栋，建筑面积1.2万平方米 | 6800 | 3500 | 2024—2025年 | 新建 |\n\
              | 3 | 乡镇卫生院提档升级工程 | 改造提升8个乡镇卫生院业务用房，购置DR、彩超等设备 | 3260.5 | 2100 | 2024年 | |\n\
              | 4 | 县疾控中心实验室能力建设 | 建设生物安全二级实验室，配置核酸检测设备 | 980 | 980 | 2024年 | 新建 |\n";
    let doc = nianbao::markup::parse(md, "t.md").expect("markup");
    let lay = lay_out(&doc);
    let mut checked = 0;
    for page in &lay.pages {
        // The topmost row of a page is the header (centred, not a body cell).
        for (top, bottom, xs) in table_rows(page).into_iter().rev().skip(1) {
            let cell = |k: usize| -> Vec<&nianbao::layout::Run> {
                let inside = |r: &&nianbao::layout::Run| r.y < top && r.y > bottom;
                page.runs
                    .iter()
                    .filter(inside)
                    .filter(|r| r.glyphs[0].x >= xs[k] && r.glyphs[0].x < xs[k + 1])
                    .collect()
            };
            for k in [1, 2] {
                let (left, right) = (cell(k), cell(k + 1));
                let lines = |runs: &[&nianbao::layout::Run]| {
                    runs.iter().map(|r| (r.y * 100.0) as i64).collect::<std::collections::BTreeSet<_>>().len()
                };
                if left.is_empty() || right.is_empty() || lines(&left).max(lines(&right)) < 2 {
                    continue;
                }
                let end = left.iter().flat_map(|r| &r.glyphs).map(|g| g.x + g.advance).fold(0.0, f32::max);
                let start = right.iter().flat_map(|r| &r.glyphs).map(|g| g.x).fold(f32::MAX, f32::min);
                checked += 1;
                assert!(start - end >= BODY_PT, "{} pt between wrapped cells {k} and {}", start - end, k + 1);
            }
        }
    }
    assert_eq!(checked, 8, "pairs of cells beside a wrapped one");
}

/// No line of text ends just short of the text block's right edge: a full line
/// is justified to it, and so is a paragraph's last line that falls short by
/// less than a grid cell (yangli/2017: “……电子建档率达到90%以上。” ended 2.7 pt
/// short, a heading of seed 003 15.6 pt short).
#[test]
fn no_line_ends_just_short_of_the_right_edge() {
    use nianbao::layout::grid;
    for data in [SEED_003, "tests/fixtures/data/yangli/2017.yaml", "data/yangli/2018.yaml", "data/gulou/2021.yaml"] {
        let built = build(data);
        let lay = lay_out(&built.doc);
        for (pno, page) in lay.pages.iter().enumerate() {
            let mut ends: BTreeMap<i64, f32> = BTreeMap::new();
            // Body-size text (titles are centred at their own size).
            for r in page.runs.iter().filter(|r| r.size == grid::BODY_PT) {
                let end = r.glyphs.iter().map(|g| g.x + g.advance).fold(0.0, f32::max);
                let e = ends.entry((r.y * 10.0) as i64).or_insert(0.0);
                *e = e.max(end);
            }
            for (y, end) in ends {
                let short = grid::right() - end;
                assert!(
                    !(1.5..15.0).contains(&short),
                    "{data} page {}: the line at y={} ends {short} pt short",
                    pno + 1,
                    y as f32 / 10.0
                );
            }
        }
    }
}

/// Grid lines with body-size text on a page of a layout, by baseline.
fn body_lines(page: &nianbao::layout::Page) -> usize {
    use nianbao::layout::grid;
    let ys: std::collections::BTreeSet<i64> = page
        .runs
        .iter()
        .filter(|r| r.size == grid::BODY_PT && r.y > grid::block_bottom())
        .map(|r| (r.y * 10.0).round() as i64)
        .collect();
    ys.len()
}

/// GB/T 9704 fills the text block: every page between the title page and the
/// last page of the body holds 22 lines, or 21 where a line was held back so
/// that none stands alone at a page's foot or top, or 20 where a heading went
/// over with its text; a heading never ends a page. The title page, the body's
/// last page and an attachment's first page are short by construction.
#[test]
fn body_pages_hold_22_lines_and_headings_keep_with_their_text() {
    use nianbao::layout::grid;
    for data in [SEED_003, "data/yangli/2018.yaml", "data/gulou/2021.yaml", "data/jinhua/2018.yaml"] {
        let built = build(data);
        let lay = lay_out(&built.doc);
        // The body ends on the page before the first attachment label, or the last page.
        let attachment = lay
            .pages
            .iter()
            .position(|p| p.runs.iter().any(|r| r.glyphs.iter().map(|g| g.ch).collect::<String>() == "附件"));
        let body_end = attachment.unwrap_or(lay.pages.len());
        let counts: Vec<usize> = lay.pages.iter().map(body_lines).collect();
        for (i, &n) in counts.iter().enumerate().take(body_end - 1).skip(1) {
            assert!(n + 2 >= grid::LINES, "{data}: page {} holds {n} lines: {counts:?}", i + 1);
        }
        // Standalone headings never on a page's last line.
        for (h, o) in built.doc.headings().zip(&lay.outline) {
            let line = ((grid::block_top() - o.y) / grid::PITCH).round() as usize;
            if h.run_in.is_none() {
                assert!(line + 1 < grid::LINES, "{data}: heading {} ends page {}", o.title, o.page + 1);
            }
        }
    }
}

/// How many lines of `page` hold the character `ch`.
fn lines_of(page: &nianbao::layout::Page, ch: char) -> usize {
    let ys = page.runs.iter().filter(|r| r.glyphs.iter().any(|g| g.ch == ch)).map(|r| (r.y * 10.0).round() as i64);
    ys.collect::<std::collections::BTreeSet<_>>().len()
}

/// No line of a paragraph stands alone at a page's foot (its first) or top
/// (its last) where the page can give up a line for it: a paragraph of `b`
/// lines after one of `a` that leaves `room` lines on the first page sets as
/// many of its lines there as this rule says (after the first paragraph is set
/// a line longer or shorter, if it was, to avoid a gap). Where avoiding a lone
/// line would leave the page more than a line short, the page is filled.
#[test]
fn a_paragraph_leaves_no_line_alone_where_the_page_can_give_one() {
    use nianbao::layout::grid::LINES;
    let expected = |room: usize, b: usize| {
        if b <= room {
            return b;
        }
        let mut take = room - usize::from(b == room + 1);
        if take < 2 {
            take = 0;
        }
        if room - take <= 1 { take } else { room }
    };
    for a in 12..LINES {
        for b in 2..=8 {
            // Full lines of 甲 (26 after the indent, then 28), then 乙 ending short.
            let first = "甲".repeat(26 + 28 * (a - 1));
            let second = "乙".repeat(26 + 28 * (b - 2) + 10);
            let md = format!("---\nfile: x\ndate: \"2018-01-01\"\n---\n\n{first}\n\n{second}\n");
            let doc = nianbao::markup::parse(&md, "t.md").expect("markup");
            let lay = lay_out(&doc);
            // Set a line longer, or shorter, where that avoids a gap.
            let set = lines_of(&lay.pages[0], '甲');
            assert!(set.abs_diff(a) <= 1, "the first paragraph is set in {set} lines, not {a}");
            let room = LINES - set;
            let on_first = lines_of(&lay.pages[0], '乙');
            assert_eq!(on_first, expected(room, b), "{b} lines after {a}: {on_first} on the first page");
            let rest: usize = lay.pages[1..].iter().map(|p| lines_of(p, '乙')).sum();
            assert_eq!(on_first + rest, b);
        }
    }
}

/// A heading never stands at a page's foot over a single line of its text:
/// where `a` one-line paragraphs (which no re-setting can make longer or
/// shorter) leave too little room for the heading and two lines of the next
/// paragraph, the heading goes over with its text, even where that ends the
/// page two lines short.
#[test]
fn a_heading_takes_at_least_two_lines_of_its_text_with_it() {
    use nianbao::layout::grid::LINES;
    let mut went_over = 0;
    for a in 14..LINES {
        let first = vec!["甲甲甲甲甲甲。"; a].join("\n\n");
        let second = "乙".repeat(26 + 28 * 3 + 10);
        let md = format!("---\nfile: x\ndate: \"2018-01-01\"\n---\n\n{first}\n\n# 丙丙丙\n\n{second}\n");
        let doc = nianbao::markup::parse(&md, "t.md").expect("markup");
        let lay = lay_out(&doc);
        let page = lay.pages.iter().position(|p| lines_of(p, '丙') == 1).expect("the heading");
        let under = lines_of(&lay.pages[page], '乙');
        assert!(under >= 2, "after {a} lines: the heading on page {} over {under} line(s)", page + 1);
        if page == 1 {
            went_over += 1;
            let used = lines_of(&lay.pages[0], '甲');
            assert!(used + 3 > LINES, "after {a} lines ({used} set): the heading went over from a page with room");
        }
    }
    assert!(went_over >= 2, "no case put the heading on the next page");
}

/// A table's source note stays with the table: the page that holds
/// `数据来源：` also holds the table's last row or the chart above it
/// (xiangyuan/2017 set the note alone on a page of its own).
#[test]
fn a_note_under_a_table_or_chart_stays_on_its_page() {
    for data in [
        SEED_003,
        "tests/fixtures/data/xiangyuan/2017.yaml",
        "tests/fixtures/data/yangli/2017.yaml",
        "data/yangli/2018.yaml",
    ] {
        let lay = lay_out(&build(data).doc);
        let text =
            |p: &nianbao::layout::Page| p.runs.iter().flat_map(|r| r.glyphs.iter().map(|g| g.ch)).collect::<String>();
        let page = lay.pages.iter().position(|p| text(p).contains("数据来源："));
        let page = &lay.pages[page.unwrap_or_else(|| panic!("{data}: no source note"))];
        assert!(
            !page.rules.is_empty() || !page.fills.is_empty(),
            "{data}: the note is alone on its page: {}",
            text(page)
        );
    }
}

/// A title written in phrases breaks between them, not inside a word
/// (yangli/2018 broke “奋力开／创”), the space at the break dropped.
#[test]
fn a_title_in_phrases_breaks_between_them() {
    let built = build("data/yangli/2018.yaml");
    let lay = lay_out(&built.doc);
    let mut lines: BTreeMap<i64, String> = BTreeMap::new();
    for r in lay.pages[0].runs.iter().filter(|r| r.size == 22.0) {
        lines.entry(-(r.y * 10.0) as i64).or_default().extend(r.glyphs.iter().map(|g| g.ch));
    }
    let lines: Vec<&String> = lines.values().collect();
    assert_eq!(lines, ["关注民生\u{3000}深化改革", "奋力开创全区卫生计生事业发展新局面"]);
}

/// The key-metric charts of the seed-003 sample are drawn, not pictured: each
/// value a filled bar on a shared axis, its height in proportion to the value,
/// with the value as text just above it; the labels (title, unit, series,
/// category names) are text that extracts.
#[test]
fn charts_are_vector_bars_with_text_labels() {
    let built = build(SEED_003);
    let (bytes, _) = common::write_as(&built.doc, Format::Pdf, resources()).unwrap();
    let (runs, _, fills) = drawn(&bytes);
    // In drawing order: a chart's labels whole, also those on two lines.
    let text: String = runs.iter().map(|r| squash(&r.text)).collect();
    let charts: Vec<&nianbao::doc::Chart> =
        built.doc.blocks.iter().filter_map(|b| if let Block::Chart(c) = b { Some(c) } else { None }).collect();
    assert_eq!(charts.len(), 4, "one chart per unit of the key metrics");
    for chart in &charts {
        let caption = chart.caption();
        let names = chart.categories.iter().map(|c| c.name.as_str());
        for label in chart.series.iter().map(String::as_str).chain(names).chain([caption.as_str()]) {
            assert!(text.contains(&squash(label)), "{label:?} is not extractable text");
        }
        assert!(caption.ends_with(&format!("（{}）", chart.unit)), "the unit is in the caption");
        // Every value: a run showing it, over a bar whose height is in proportion.
        let mut per_unit: Vec<f32> = Vec::new();
        for cat in &chart.categories {
            for v in cat.values.iter().flatten() {
                let shown = format!("{v}");
                let bar = runs
                    .iter()
                    .filter(|r| r.text == shown)
                    .find_map(|r| {
                        // Bars, not the hairline grid.
                        fills.iter().filter(|f| f.y2 - f.y1 > 1.0).find(|f| {
                            f.page == r.page && r.x >= f.x1 - 12.0 && r.x <= f.x2 && r.y > f.y2 && r.y < f.y2 + 8.0
                        })
                    })
                    .unwrap_or_else(|| panic!("{}: no bar under the label {shown}", chart.title));
                per_unit.push((bar.y2 - bar.y1) / *v as f32);
            }
        }
        let (lo, hi) = per_unit.iter().fold((f32::MAX, 0.0f32), |(a, b), &k| (a.min(k), b.max(k)));
        assert!(hi / lo < 1.01, "{}: bar heights out of proportion: {per_unit:?}", chart.title);
    }
    assert_eq!(charts[0].categories[0].values, [Some(62.0), Some(87.0), None], "the data's figures reach the chart");
}

/// The indicator table's figures align on the decimal point: in the seed-003
/// sample's 2017 column, the points of 66.2, 90.9 and 1022.457 and the ends of
/// 1711 and 63 (no point) share one x.
#[test]
fn figures_align_on_the_decimal_point() {
    use nianbao::layout::grid;
    let built = build(SEED_003);
    let lay = lay_out(&built.doc);
    let point = |figure: &str| -> f32 {
        let run = lay
            .pages
            .iter()
            .flat_map(|p| &p.runs)
            .find(|r| r.glyphs.iter().map(|g| g.ch).collect::<String>() == figure)
            .unwrap_or_else(|| panic!("no cell {figure}"));
        match run.glyphs.iter().find(|g| g.ch == '.') {
            Some(g) => g.x,
            None => run.glyphs.last().map(|g| g.x + g.advance * grid::CHAR_PITCH / grid::BODY_PT).unwrap(),
        }
    };
    let xs: Vec<f32> = ["66.2", "90.9", "1022.457", "1711", "63"].iter().map(|f| point(f)).collect();
    assert!(xs.iter().all(|x| (x - xs[0]).abs() < 0.01), "decimal points at {xs:?}");
}

/// The signature's last line ends `signature_inset` characters in from the
/// text block's right edge: the date four, the issuing body alone (no date)
/// two (GB/T 9704 7.3.5).
#[test]
fn an_undated_signature_stands_two_characters_in() {
    use nianbao::layout::grid::{CHAR_PITCH, right};
    for (signature, end_char, inset) in [
        ("## 样例县卫生健康局 {.signature}\n", '局', 2.0),
        ("## 样例县卫生健康局 {.signature}\n## 2018年3月2日 {.signature}\n", '日', 4.0),
    ] {
        let md = format!("---\nfile: x\n---\n\n正文。\n\n{signature}");
        let doc = nianbao::markup::parse(&md, "t.md").expect("markup");
        let lay = lay_out(&doc);
        let last = lay.pages.last().unwrap();
        let end = last
            .runs
            .iter()
            .filter(|r| r.glyphs.iter().any(|g| g.ch == end_char))
            .flat_map(|r| r.glyphs.last().map(|g| g.x + g.advance))
            .fold(0.0, f32::max);
        assert!((end - (right() - inset * CHAR_PITCH)).abs() < 0.5, "{signature}: ends at {end}");
    }
}

/// The attachment note's lines stay on one page, with the closing's last
/// lines (fresh data whose two-line note fell across a page break, leaving
/// "2．…" alone on a page of its own); the DOCX keeps them as the layout does.
#[test]
fn the_attachment_note_is_never_split() {
    let built = build("tests/fixtures/data/hexi/2020.yaml");
    let lay = lay_out(&built.doc);
    let page_of = |needle: &str| {
        lay.pages
            .iter()
            .position(|p| {
                p.runs.iter().flat_map(|r| r.glyphs.iter().map(|g| g.ch)).collect::<String>().contains(needle)
            })
            .unwrap_or_else(|| panic!("{needle} not set"))
    };
    let note = page_of("附件：1．2020年重点项目计划表");
    assert_eq!(page_of("2．2019年主要指标完成情况和2020年主要目标"), note);
    assert_eq!(page_of("推动全区卫生健康事业高质量发展！"), note, "the closing's last line goes with the note");
    let docx = common::write_as(&built.doc, Format::Docx, resources()).unwrap().0;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("word/document.xml").unwrap(), &mut xml).unwrap();
    let kept = |needle: &str| {
        let para = &xml[..xml.find(needle).unwrap()];
        para[para.rfind("<w:p ").unwrap()..].contains("<w:keepNext/>")
    };
    assert!(kept("同志们，新的一年"), "the two-line closing keeps with the note");
    assert!(kept("附件：1．"), "the note's first line keeps with its second");
    assert!(!kept("　　　2．"), "the last line keeps with nothing");
}

/// A page left with a chart alone (and its source note) under half full has
/// the chart set taller, so that the page is more than half full (LaTeX's float
/// page fraction); a chart that shares its page with text keeps its 9 lines.
/// The DOCX draws the chart as tall.
#[test]
fn a_chart_alone_on_its_page_is_set_taller() {
    let chart = "```chart\ntitle: 指标\nunit: 个\nseries: [\"2016年\", \"2017年\"]\ncategories:\n  - { name: 床位, values: [1, 2] }\n```";
    let doc = |lines: usize, note: bool| {
        let first = "甲".repeat(26 + 28 * (lines - 1));
        let note = if note { "\n\n数据来源：样例县统计局。" } else { "" };
        let md = format!("---\nfile: x\ndate: \"2018-01-01\"\n---\n\n{first}\n\n{chart}{note}\n");
        nianbao::markup::parse(&md, "t.md").expect("markup")
    };
    // The lowest point of the last page's content, in grid lines from the text block's top.
    let depth = |lay: &nianbao::layout::Layout| {
        let page = lay.pages.last().unwrap();
        let lowest = page.runs.iter().filter(|r| r.size > 14.5 || r.glyphs.iter().all(|g| g.ch != '—')).map(|r| r.y);
        let lowest = lowest.chain(page.rules.iter().map(|r| r.y1.min(r.y2))).fold(f32::MAX, f32::min);
        (nianbao::layout::grid::block_top() - lowest) / nianbao::layout::grid::PITCH
    };
    // Text, then the chart and its note on a page of their own: 9 + 1 + 1 lines
    // would fill half the page; the chart takes 10.
    let lay = lay_out(&doc(14, true));
    assert_eq!(lay.pages.len(), 2);
    assert_eq!(lay.chart_lines, BTreeMap::from([(1, 10)]));
    assert!(depth(&lay) > 11.0, "the page is more than half full: {} lines", depth(&lay));
    // Without a note the chart alone takes 12 lines.
    assert_eq!(lay_out(&doc(14, false)).chart_lines, BTreeMap::from([(1, 12)]));
    // On a page with text it keeps its 9.
    let lay = lay_out(&doc(5, true));
    assert_eq!(lay.pages.len(), 1);
    assert!(lay.chart_lines.is_empty());
    // The DOCX's drawing is as tall: 9.5 grid lines (635 EMU a twip).
    let res = resources();
    let docx =
        nianbao::writer::write(&doc(14, true), Some(&lay_out(&doc(14, true))), Format::Docx, res, &Default::default())
            .unwrap()
            .0;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("word/document.xml").unwrap(), &mut xml).unwrap();
    let cy = xml.split("<wp:extent ").nth(1).unwrap().split("cy=\"").nth(1).unwrap().split('"').next().unwrap();
    assert_eq!(cy.parse::<i64>().unwrap(), i64::from(nianbao::writer::docx::styles::LINE_TWIPS) * 19 / 2 * 635);
}
