//! One report, start to finish: load the data, render the template, parse the
//! markup into the document model, run the writers, and write the files
//! under `<out>/<county>/<year>/` all or none.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::data::{self, Loaded};
use crate::diag::{Diagnostic, Result};
use crate::doc::Document;
use crate::markup;
use crate::template::{Choice, Templates};
use crate::writer::{self, Format, Resources};

/// A report built as far as the document model.
#[derive(Debug)]
pub struct Built {
    pub loaded: Loaded,
    /// The template's output (the markup).
    pub markup: String,
    pub doc: Document,
    /// The template rendered (name or path).
    pub template: String,
}

/// Data → template → markup → document model.
pub fn build(data_path: &Path, templates: &Templates, template: Option<&str>) -> Result<Built> {
    let loaded = data::load(data_path)?;
    // A template given on the command line may be any file; one named by the
    // data file, or the genre's default, only one of the project's or a built-in.
    let (template, from_command_line) = match template {
        Some(t) => (t.to_string(), true),
        None => (
            loaded
                .report
                .template
                .clone()
                .or_else(|| loaded.report.kind.template().map(str::to_string))
                .expect("data::load refuses a figures file"),
            false,
        ),
    };
    let choice = if from_command_line { Choice::NameOrFile(&template) } else { Choice::Name(&template) };
    let markup = templates.render(choice, &loaded.report).map_err(|mut e| {
        // A template the data file names: point at where it names it.
        if let [d] = e.0.as_mut_slice()
            && d.id == "template.not-found"
            && d.location.is_none()
        {
            d.location = loaded.locate("template");
            d.path = Some("template".into());
        }
        e
    })?;
    let mut doc = markup::parse(&markup, &template)?;
    if let Some(t) = source_date_epoch() {
        doc.meta.created = t;
    }
    Ok(Built { loaded, markup, doc, template })
}

/// `SOURCE_DATE_EPOCH`, when set, fixes the documents' creation time.
fn source_date_epoch() -> Option<chrono::NaiveDateTime> {
    let secs: i64 = std::env::var("SOURCE_DATE_EPOCH").ok()?.trim().parse().ok()?;
    chrono::DateTime::from_timestamp(secs, 0).map(|t| t.naive_utc())
}

/// Where a report's file of `format` goes: `<out>/<county>/<year>/<stem>.<ext>`.
pub fn output_path(out: &Path, built: &Built, format: Format) -> PathBuf {
    out.join(&built.loaded.county).join(built.loaded.report.report_year.to_string()).join(format!(
        "{}.{}",
        built.doc.meta.file_stem,
        format.extension()
    ))
}

/// Render every format first, then write the files; nothing is written unless
/// every format rendered. Returns the paths written and the writers' warnings.
pub fn write_outputs(
    built: &Built,
    formats: &[Format],
    out: &Path,
    res: &Resources,
) -> Result<(Vec<PathBuf>, Vec<Diagnostic>)> {
    let mut rendered = Vec::new();
    let mut warnings = Vec::new();
    // Every character against its role's face, once for all formats that set type.
    if formats.iter().any(|f| *f != Format::Md)
        && let Some(fonts) = &res.fonts
    {
        warnings.extend(crate::fonts::coverage::check(&built.doc, fonts)?.warnings);
    }
    // The writers side by side (the DOCX and the PDF take about as long), in
    // `formats` order for their warnings and files. Fork-join on the current
    // rayon pool, like every parallel step (see the crate's concurrency note).
    // Laid out once, for every format that sets type.
    let layout = writer::lay_out(&built.doc, formats, res)?;
    let results: Vec<Result<(Vec<u8>, Vec<Diagnostic>)>> =
        formats.par_iter().map(|&format| writer::write(&built.doc, layout.as_ref(), format, res)).collect();
    for (&format, result) in formats.iter().zip(results) {
        let (bytes, w) = result?;
        warnings.extend(w);
        rendered.push((output_path(out, built, format), bytes));
    }
    let files: Vec<(PathBuf, &[u8])> = rendered.iter().map(|(p, b)| (p.clone(), b.as_slice())).collect();
    crate::output::write_all(&files)?;
    Ok((rendered.into_iter().map(|(p, _)| p).collect(), warnings))
}
