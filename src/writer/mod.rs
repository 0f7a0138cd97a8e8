//! Writers: render a [`Document`] as Markdown, DOCX or PDF bytes. Writers see the
//! document model and the shared fonts, nothing else; writing files is
//! [`crate::render`]'s job.

pub mod docx;
pub mod markdown;
pub mod pdf;

use std::sync::Arc;

use crate::config::Config;
use crate::diag::{Diagnostic, Result};
use crate::doc::Document;
use crate::fonts::FontBook;

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, clap::ValueEnum)]
pub enum Format {
    /// Markdown, to read and diff.
    Md,
    /// Word document, to keep editing.
    Docx,
    /// PDF, to print.
    Pdf,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Md => "md",
            Format::Docx => "docx",
            Format::Pdf => "pdf",
        }
    }
}

/// How the DOCX carries its fonts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum DocxFonts {
    /// Embed subset fonts, so the document looks right without them installed.
    #[default]
    Embed,
    /// Only name the fonts.
    Names,
}

/// What writers share across the reports of a run.
#[derive(Debug, Clone)]
pub struct Resources {
    pub config: Arc<Config>,
    /// Fonts, loaded when a format that needs them is asked for.
    pub fonts: Option<Arc<FontBook>>,
    pub docx_fonts: DocxFonts,
}

/// The bytes of `doc` in `format`, with any warnings the writer raised.
pub fn write(doc: &Document, format: Format, res: &Resources) -> Result<(Vec<u8>, Vec<Diagnostic>)> {
    match format {
        Format::Md => Ok((markdown::write(doc).into_bytes(), Vec::new())),
        Format::Pdf => {
            let fonts = res
                .fonts
                .as_ref()
                .ok_or_else(|| Diagnostic::error("font.none", "PDF 输出需要字体，但没有加载字体配置"))?;
            Ok((pdf::write(doc, fonts)?, Vec::new()))
        }
        Format::Docx => docx::write(doc, res),
    }
}
