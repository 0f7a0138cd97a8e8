//! Shared by the fuzz targets: the repository's configuration and fonts (read
//! once per process), and every writer run on a document with the layout checked.

use std::path::Path;
use std::sync::{Arc, OnceLock};

use nianbao::config::Config;
use nianbao::doc::Document;
use nianbao::fonts::{FaceData, FontBook};
use nianbao::layout::{self, Layout, grid};
use nianbao::writer::{self, DocxFonts, Format, Resources};

/// The repository (`fuzz/..`).
pub fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

pub struct Env {
    pub res: Resources,
    pub faces: Vec<Arc<FaceData>>,
}

/// The built-in configuration with the repository's fonts/, loaded once.
pub fn env() -> &'static Env {
    static ENV: OnceLock<Env> = OnceLock::new();
    ENV.get_or_init(|| {
        let config = Config::builtin(root());
        let book = Arc::new(FontBook::new(&config).expect("the repository's fonts"));
        let faces = layout::load_faces(&book).expect("fonts load");
        Env { res: Resources { config: Arc::new(config), fonts: Some(book), docx_fonts: DocxFonts::Embed }, faces }
    })
}

/// Markdown, PDF (its layout checked first) and DOCX of `doc`: each a file or
/// diagnostics, never a panic.
pub fn write_all(doc: &Document) {
    let env = env();
    let book = env.res.fonts.as_ref().unwrap();
    let md = writer::write(doc, Format::Md, &env.res).expect("Markdown cannot fail");
    assert!(!md.0.is_empty());
    match layout::layout(doc, book, &env.faces) {
        Ok(lay) => {
            check_layout(&lay);
            match writer::pdf::render(doc, &lay, &env.faces) {
                Ok(pdf) => {
                    let read = lopdf::Document::load_mem(&pdf).expect("the PDF reads back");
                    assert_eq!(read.get_pages().len(), lay.pages.len(), "pages in the PDF");
                }
                Err(e) => assert!(!e.0.is_empty(), "an error without a diagnostic"),
            }
        }
        Err(e) => assert!(!e.0.is_empty(), "an error without a diagnostic"),
    }
    match writer::write(doc, Format::Docx, &env.res) {
        Ok((docx, _)) => check_docx(&docx),
        Err(e) => assert!(!e.0.is_empty(), "an error without a diagnostic"),
    }
}

/// Every XML part of a DOCX well-formed, and without characters XML 1.0 forbids
/// (Word refuses such a file).
fn check_docx(bytes: &[u8]) {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("the DOCX is a zip");
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).expect("zip entry");
        let name = part.name().to_string();
        if !(name.ends_with(".xml") || name.ends_with(".rels")) {
            continue;
        }
        let mut xml = String::new();
        part.read_to_string(&mut xml).expect("XML parts are UTF-8");
        if let Some(c) = xml.chars().find(|&c| matches!(c as u32, 0..=8 | 0xB | 0xC | 0xE..=0x1F | 0xFFFE | 0xFFFF)) {
            panic!("{name} holds U+{:04X}, which XML forbids", c as u32);
        }
        let mut reader = quick_xml::Reader::from_str(&xml);
        loop {
            match reader.read_event() {
                Ok(quick_xml::events::Event::Eof) => break,
                Ok(_) => {}
                Err(e) => panic!("{name} is not well-formed XML at {}: {e}", reader.buffer_position()),
            }
        }
    }
}

/// Every glyph and rule at finite coordinates on the page, and every glyph within
/// the text block's width (GB/T 9704: nothing hangs outside the text block).
fn check_layout(lay: &Layout) {
    assert!(!lay.pages.is_empty());
    for (p, page) in lay.pages.iter().enumerate() {
        for r in &page.rules {
            assert!([r.x1, r.y1, r.x2, r.y2].iter().all(|v| v.is_finite()), "page {p}: rule at {r:?}");
        }
        for run in &page.runs {
            assert!(run.y.is_finite() && run.y > 0.0 && run.y < grid::PAGE_H, "page {p}: baseline {}", run.y);
            for g in &run.glyphs {
                assert!(g.x.is_finite() && g.advance.is_finite(), "page {p}: glyph {:?} at {}", g.ch, g.x);
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
            }
        }
    }
}
