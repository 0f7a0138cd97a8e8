//! One report, start to finish: load the data, render the template, parse the
//! markup into the document model, run the checks and the writers, and write
//! the files under `<out>/<county>/<year>/` all or none.
//!
//! [`prepare`] is everything short of writing files, and both `render` and
//! `check` run it: what one refuses, the other reports, all at once.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::check;
use crate::data::{self, Loaded};
use crate::diag::{Diagnostic, Errors, Result};
use crate::doc::Document;
use crate::markup;
use crate::template::reads::Reads;
use crate::template::{Choice, Templates};
use crate::writer::{self, Format, Resources};
use crate::yaml;

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

/// Data → template → markup → document model. Data with errors fails here.
pub fn build(data_path: &Path, templates: &Templates, template: Option<&str>) -> Result<Built> {
    let loaded = data::load(data_path)?;
    let (markup, doc, template, _unread) = document(&loaded, templates, template)?;
    Ok(Built { loaded, markup, doc, template })
}

/// Template → markup → document model, for data loaded without errors:
/// the markup, the document, the template's name, and warnings for the
/// fields of the data file the template never read.
fn document(
    loaded: &Loaded,
    templates: &Templates,
    template: Option<&str>,
) -> Result<(String, Document, String, Vec<Diagnostic>)> {
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
    let (markup, reads) = templates.render(choice, &loaded.context).map_err(|mut e| {
        // A template the data file names: point at where it names it.
        if let [d] = e.0.as_mut_slice()
            && d.id == "template.not-found"
            && d.location.is_none()
            && !from_command_line
        {
            d.location = loaded.locate("template");
            d.path = Some("template".into());
        }
        e
    })?;
    let mut doc = markup::parse(&markup, &template)?;
    if let Some(t) = source_date_epoch() {
        doc.meta.created = Some(t);
    }
    let unread = unread(loaded, &reads, &template);
    Ok((markup, doc, template, unread))
}

/// Fields nianbao itself reads, not the template: the genre, the template,
/// the year, where the figures come from, the unit's level (全县, 全区).
const READ_BY_NIANBAO: &[&str] = &["kind", "template", "year", "figures", "unit.level"];

/// A warning for each field of the data file (two levels deep) that the
/// template never read: it would be missing from the report without a word.
/// Metrics and targets are left to `data.not-printed`, which looks for each
/// in the document (a template reads them by id as well as where written).
fn unread(loaded: &Loaded, reads: &Reads, template: &str) -> Vec<Diagnostic> {
    let Some(file) = loaded.files.first() else { return Vec::new() };
    let Some(top) = file.value.as_mapping() else { return Vec::new() };
    let read = |path: &str| {
        let last = path.rsplit('.').next().unwrap_or(path);
        READ_BY_NIANBAO.contains(&path) || reads.has(path) || matches!(last, "metrics" | "targets")
    };
    let mut out = Vec::new();
    for (key, value) in top {
        let Some(key) = key.as_str().filter(|k| !READ_BY_NIANBAO.contains(k)) else { continue };
        let mut paths = vec![key.to_string()];
        // Its keys, where the template saw a mapping too (a paragraph of
        // points, `{ lead, points }`, it sees as the one string it prints).
        let seen_as_mapping = loaded.context.get(key).is_some_and(|v| v.as_mapping().is_some());
        if read(key)
            && seen_as_mapping
            && let Some(inner) = value.as_mapping()
        {
            paths = inner.keys().filter_map(|k| k.as_str()).map(|k| format!("{key}.{k}")).collect();
        }
        for path in paths.into_iter().filter(|p| !read(p)) {
            out.push(
                Diagnostic::warning("data.unread", format!("数据里的 {path} 不会印出来：模板“{template}”没有用到它"))
                    .at(yaml::locate(&[file], &path, true))
                    .with_path(path.clone())
                    .with_help(
                        "模板在这份数据下不读它：有的项要和别的项一起写才印（如 phrases.tasks 要有 plan.sections）；\
                         不需要就删掉，或换一个体裁（kind）、用自己的模板",
                    ),
            );
        }
    }
    out
}

/// `SOURCE_DATE_EPOCH`, when set, fixes the documents' creation time.
fn source_date_epoch() -> Option<chrono::NaiveDateTime> {
    let secs: i64 = std::env::var("SOURCE_DATE_EPOCH").ok()?.trim().parse().ok()?;
    chrono::DateTime::from_timestamp(secs, 0).map(|t| t.naive_utc())
}

/// Where a report's file of `format` goes: `<out>/<county>/<year>/<stem>.<ext>`.
pub fn output_path(out: &Path, built: &Built, format: Format) -> PathBuf {
    out.join(&built.loaded.county).join(built.loaded.derived.report_year.to_string()).join(format!(
        "{}.{}",
        built.doc.meta.file_stem,
        format.extension()
    ))
}

/// A report taken as far as it goes without writing a file: every format's
/// bytes when nothing stops it, and every finding on the way.
#[derive(Debug, Default)]
pub struct Prepared {
    /// Each format's file and bytes; empty when there is an error.
    pub files: Vec<(PathBuf, Vec<u8>)>,
    /// Errors and warnings, the data file's in the order they are written,
    /// then other files', then the document's.
    pub diagnostics: Vec<Diagnostic>,
}

/// What to make of a data file, and with what: the project's templates and
/// resources, the template asked for on the command line, the formats, the
/// output folder and the writers' options.
#[derive(Clone, Copy)]
pub struct Job<'a> {
    pub templates: &'a Templates,
    pub resources: &'a Resources,
    /// A template given on the command line (a name or a file).
    pub template: Option<&'a str>,
    pub formats: &'a [Format],
    pub out: &'a Path,
    pub writers: &'a writer::Options,
}

/// Everything `render` does for one data file except loading it and writing
/// files: given what [`data::recover`] made of it (the data's own errors do
/// not hide its other problems), check, render the template, check the
/// document, find a face for every character, and run each writer of the
/// job's formats (layout included) in memory. `check` runs exactly this, so
/// its verdict is `render`'s.
pub fn prepare(loaded: Result<data::Loaded>, data_path: &Path, job: &Job) -> Prepared {
    let Job { templates, resources: res, template, formats, out, writers: opts } = *job;
    let config = &res.config.check;
    let mut diagnostics = Vec::new();
    let loaded = match loaded {
        Ok(l) => l,
        Err(e) => return Prepared { diagnostics: e.0, ..Prepared::default() },
    };
    let silenced = |d: &Diagnostic| !d.is_error() && check::silenced(d.id, &config.silence);
    diagnostics.extend(loaded.warnings.iter().filter(|d| !silenced(d)).cloned());
    diagnostics.extend(loaded.errors.iter().cloned());
    // The data's checks beside the template. Stand-ins hold the place of
    // wrong values: good for checking, not for printing. Without a document,
    // the characters no font has are still found in the data.
    let (findings, document) = rayon::join(
        || check::data(&loaded, config),
        || if loaded.errors.is_empty() { document(&loaded, templates, template) } else { Err(Errors::default()) },
    );
    diagnostics.extend(findings.iter().cloned());
    let (markup, doc, template) = match document {
        Ok((markup, doc, template, unread)) => {
            diagnostics.extend(unread.into_iter().filter(|d| !silenced(d)));
            (markup, doc, template)
        }
        Err(e) => {
            diagnostics.extend(e.0);
            if formats.iter().any(|f| *f != Format::Md)
                && let Some(fonts) = &res.fonts
            {
                diagnostics.extend(check::glyphs_in_data(&loaded, fonts));
            }
            return Prepared { diagnostics: ordered(data_path, diagnostics), ..Prepared::default() };
        }
    };
    let built = Built { loaded, markup, doc, template };
    diagnostics.extend(check::document(&built.loaded, &built.doc, &built.template, &findings, config));
    let (files, more) = write_all(&built, formats, out, res, opts);
    diagnostics.extend(more.into_iter().filter(|d| !silenced(d)));
    let diagnostics = ordered(data_path, diagnostics);
    let files = if diagnostics.iter().any(Diagnostic::is_error) { Vec::new() } else { files };
    Prepared { files, diagnostics }
}

/// Every format in memory: first a face for every character (a character no
/// font has is located in the data), then the writers side by side (the DOCX
/// and the PDF take about as long), in `formats` order.
fn write_all(
    built: &Built,
    formats: &[Format],
    out: &Path,
    res: &Resources,
    opts: &writer::Options,
) -> (Vec<(PathBuf, Vec<u8>)>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let mut by_face = Default::default();
    if formats.iter().any(|f| *f != Format::Md)
        && let Some(fonts) = &res.fonts
    {
        match crate::fonts::coverage::scan(&built.doc, fonts) {
            Ok(c) if c.missing.is_empty() => {
                diagnostics.extend(c.warnings);
                by_face = c.by_face;
            }
            Ok(c) => {
                diagnostics.extend(check::glyphs(&built.loaded, &c.missing));
                return (Vec::new(), diagnostics);
            }
            Err(e) => {
                diagnostics.extend(e.0);
                return (Vec::new(), diagnostics);
            }
        }
    }
    // Laid out once, for every format that sets type (the page limit is
    // checked here, before the writers work), while the writers do what they
    // can without it.
    let (layout, ()) =
        rayon::join(|| writer::lay_out(&built.doc, formats, res), || writer::ahead(&by_face, formats, res, opts));
    let layout = match layout {
        Ok(layout) => layout,
        Err(e) => {
            diagnostics.extend(e.0);
            return (Vec::new(), diagnostics);
        }
    };
    if let Some(layout) = &layout {
        let configured = res.fonts.as_ref().is_some_and(|b| b.table_size().is_some());
        diagnostics.extend(check::tables(&built.loaded, &built.doc, layout, configured));
    }
    // Fork-join on the current rayon pool, like every parallel step (see the
    // crate's concurrency note).
    let results: Vec<Result<(Vec<u8>, Vec<Diagnostic>)>> =
        formats.par_iter().map(|&format| writer::write(&built.doc, layout.as_ref(), format, res, opts)).collect();
    let mut files = Vec::new();
    for (&format, result) in formats.iter().zip(results) {
        match result {
            Ok((bytes, warnings)) => {
                diagnostics.extend(warnings);
                files.push((output_path(out, built, format), bytes));
            }
            Err(e) => diagnostics.extend(e.0),
        }
    }
    (files, diagnostics)
}

/// Findings in reading order: the data file's by line and column, then other
/// files' (`_common.yaml`, last year's file), then those without a place (the
/// document's), each group keeping the order they were found in.
fn ordered(data_path: &Path, mut diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let own = data_path.display().to_string();
    diagnostics.sort_by_cached_key(|d| match &d.location {
        Some(l) if l.file == own => (0, String::new(), l.line, l.column),
        Some(l) => (1, l.file.clone(), l.line, l.column),
        None => (2, String::new(), 0, 0),
    });
    diagnostics.dedup();
    diagnostics
}
