//! Writers: render a [`Document`] as Markdown, DOCX, PDF or OFD bytes. Writers see the
//! document model, its layout (laid out once by [`lay_out`] for every format
//! that sets type) and the shared fonts, nothing else; writing files is
//! [`crate::render`]'s job.

pub mod deflate;
pub mod docx;
pub mod markdown;
pub mod ofd;
pub mod package;
pub mod pdf;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crate::config::Config;
use crate::diag::{Diagnostic, Errors, Result};
use crate::doc::Document;
use crate::fonts::{FaceId, FontBook};
use crate::layout::Layout;

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, clap::ValueEnum)]
pub enum Format {
    /// Markdown, to read and diff.
    Md,
    /// Word document, to keep editing.
    Docx,
    /// PDF, to print.
    Pdf,
    /// OFD (GB/T 33190), to exchange and archive as an electronic official document.
    Ofd,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Md => "md",
            Format::Docx => "docx",
            Format::Pdf => "pdf",
            Format::Ofd => "ofd",
        }
    }
}

/// Stroke width of synthetic bold (PDF and OFD), as a fraction of the type size.
const FAKE_BOLD: f32 = 0.03;

/// How the DOCX carries its fonts (see [`docx::embed`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum DocxFonts {
    /// Embed, for each face, the characters the document sets in it, under a
    /// name of the document's own: it looks like the PDF everywhere.
    #[default]
    Subset,
    /// Embed the role faces whole (the fallback faces' characters as subsets):
    /// what is typed later shows in the same face too.
    Embed,
    /// Only name the fonts (the official faces the office PCs have).
    Names,
}

/// What writers share across the reports of a run.
#[derive(Debug, Clone)]
pub struct Resources {
    pub config: Arc<Config>,
    /// Fonts, loaded when a format that needs them is asked for.
    pub fonts: Option<Arc<FontBook>>,
}

/// How the writers are asked to write: each writer's own options (the
/// Markdown and PDF writers have none).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Options {
    pub docx: docx::Options,
}

/// Lay `doc` out once for the formats that set type (DOCX, PDF, OFD) with the
/// shared fonts; `None` when none of `formats` does (Markdown alone).
pub fn lay_out(doc: &Document, formats: &[Format], res: &Resources) -> Result<Option<Layout>> {
    if formats.iter().all(|f| *f == Format::Md) {
        return Ok(None);
    }
    let book = res
        .fonts
        .as_ref()
        .ok_or_else(|| Diagnostic::error("font.none", "DOCX、PDF 和 OFD 输出需要字体，但没有加载字体配置"))?;
    let faces = book.load_all()?;
    crate::layout::layout(doc, book, &faces).map(Some)
}

/// The writers' work that needs no layout, done while [`lay_out`] runs (on a
/// core the layout leaves idle): the DOCX's TrueType glyphs for its embedded
/// subsets, of the characters each face sets (`by_face`, from
/// [`crate::fonts::coverage::scan`]). It only fills caches, so no output
/// depends on it; an error here is left for the writer to report.
pub fn ahead(by_face: &BTreeMap<FaceId, BTreeSet<char>>, formats: &[Format], res: &Resources, opts: &Options) {
    if formats.contains(&Format::Docx)
        && let Some(book) = &res.fonts
    {
        let _ = docx::embed::convert_ahead(by_face, book, opts.docx.fonts);
    }
}

/// The bytes of `doc` in `format`, with any warnings the writer raised.
/// `layout` is [`lay_out`]'s, which DOCX, PDF and OFD need.
pub fn write(
    doc: &Document,
    layout: Option<&Layout>,
    format: Format,
    res: &Resources,
    opts: &Options,
) -> Result<(Vec<u8>, Vec<Diagnostic>)> {
    let layout = || {
        layout.ok_or_else(|| {
            Errors::one(Diagnostic::error("layout.none", "DOCX、PDF 和 OFD 输出需要先排版（writer::lay_out）"))
        })
    };
    let fonts = || {
        res.fonts
            .as_ref()
            .ok_or_else(|| Errors::one(Diagnostic::error("font.none", "PDF 和 OFD 输出需要字体，但没有加载字体配置")))
    };
    match format {
        Format::Md => Ok((markdown::write(doc).into_bytes(), Vec::new())),
        Format::Pdf => Ok((pdf::write(doc, layout()?, fonts()?)?, Vec::new())),
        Format::Ofd => Ok((ofd::write(doc, layout()?, fonts()?)?, Vec::new())),
        Format::Docx => docx::write(doc, layout()?, res, &opts.docx),
    }
}
