//! Shared by the fuzz targets: the repository's configuration and fonts (read
//! once per process), and every writer run on a document with the layout checked.

use std::path::Path;
use std::sync::{Arc, OnceLock};

use nianbao::config::Config;
use nianbao::doc::Document;
use nianbao::fonts::{FaceData, FontBook};
use nianbao::layout;
use nianbao::writer::{self, Format, Resources};

#[path = "../../tests/common/layout_check.rs"]
mod layout_check;

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
        let faces = book.load_all().expect("fonts load");
        Env { res: Resources { config: Arc::new(config), fonts: Some(book) }, faces }
    })
}

/// Markdown, PDF (its layout checked first), DOCX and OFD of `doc`: each a
/// file or diagnostics, never a panic.
pub fn write_all(doc: &Document) {
    let env = env();
    let book = env.res.fonts.as_ref().unwrap();
    let md = writer::write(doc, None, Format::Md, &env.res, &writer::Options::default()).expect("Markdown cannot fail");
    assert!(!md.0.is_empty());
    // Laid out once, as `render` does, for the writers that set type.
    match layout::layout(doc, book, &env.faces) {
        Ok(lay) => {
            layout_check::check_layout(&lay);
            match writer::pdf::render(doc, &lay, &env.faces) {
                Ok(pdf) => {
                    let read = lopdf::Document::load_mem(&pdf).expect("the PDF reads back");
                    assert_eq!(read.get_pages().len(), lay.pages.len(), "pages in the PDF");
                }
                Err(e) => assert!(!e.0.is_empty(), "an error without a diagnostic"),
            }
            match writer::write(doc, Some(&lay), Format::Docx, &env.res, &writer::Options::default()) {
                Ok((docx, _)) => check_package(&docx),
                Err(e) => assert!(!e.0.is_empty(), "an error without a diagnostic"),
            }
            match writer::ofd::render(doc, &lay, &env.faces) {
                Ok(ofd) => check_package(&ofd),
                Err(e) => assert!(!e.0.is_empty(), "an error without a diagnostic"),
            }
        }
        Err(e) => assert!(!e.0.is_empty(), "an error without a diagnostic"),
    }
}

/// Every XML part of a DOCX or OFD well-formed, and without characters XML 1.0
/// forbids (Word and OFD readers refuse such a file).
fn check_package(bytes: &[u8]) {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("the package is a zip");
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

