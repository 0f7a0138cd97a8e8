//! Data: load a county's year file, merge `_common.yaml` under it, validate it,
//! and derive the figures templates print (rates, changes against last year,
//! completion of last year's targets).
//!
//! Layout on disk: `data/_common.yaml` (optional, shared by every county) and
//! `data/<county>/<year>.yaml`. Last year's file, `data/<county>/<year-1>.yaml`,
//! is read when present for the comparisons: a report of its own, or a
//! `kind: figures` file holding only last year's figures and targets. Either
//! may take its figures from a workbook ([`sheet`]), merged in before
//! validation.

mod context;
pub mod derive;
pub mod file;
pub mod model;
pub mod next;
pub mod refs;
pub mod sheet;
mod text;
pub use text::is_chinese;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, Errors, Location, Result};
use crate::yaml::{self, YamlFile};
use derive::Derived;
use model::Report;

/// The name of the shared file merged under every county's files.
pub const COMMON_FILE: &str = "_common.yaml";

/// A loaded report as written, what was derived from it, and where it came from.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The report as the files say it.
    pub report: Report,
    /// What nianbao derives from it: the year, 全县, the figures.
    pub derived: Derived,
    /// What the template renders with: the report and what was derived, under
    /// the names the README documents (`metrics.signing_rate.text`).
    pub context: yaml_serde::Value,
    /// The county: the data file's folder name (`xiangyuan`).
    pub county: String,
    /// Files read: the year file, `_common.yaml`, last year's file and the
    /// workbooks figures came from, when present.
    pub inputs: Vec<PathBuf>,
    /// The parsed files, for locating values in messages (year file first).
    pub files: Vec<YamlFile>,
    /// Last year's report, when its file exists.
    pub prior: Option<Box<LastYear>>,
    /// Where last year's file is, or would be.
    pub prior_path: PathBuf,
    pub warnings: Vec<Diagnostic>,
    /// Errors the data was read past (a misspelt key, a value of the wrong
    /// type, a metric without a value): the report holds stand-ins for those
    /// values, good for checking the rest of the file, not for printing.
    pub errors: Vec<Diagnostic>,
    /// YAML paths of those stand-ins; findings about them would only echo the errors.
    pub patched: Vec<String>,
    /// The workbook cell each figure read from one came from, by YAML path.
    pub cells: HashMap<String, Location>,
    /// What was read from workbooks, this year's then last year's (for
    /// the report's stamp).
    pub sheets: Vec<sheet::Used>,
}

/// Last year's report, as written and derived, for this year's comparisons.
#[derive(Debug, Clone)]
pub struct LastYear {
    pub report: Report,
    pub derived: Derived,
}

impl Loaded {
    /// Every metric as written with its derived figures, in document order.
    pub fn metrics(&self) -> impl Iterator<Item = (&model::Metric, &derive::Figures)> {
        derive::metrics(&self.report).into_iter().filter_map(|(_, m)| Some((m, self.derived.metrics.get(&m.id)?)))
    }

    /// Where the value at a YAML path is written: its workbook cell, or its
    /// place in a data file.
    pub fn locate(&self, path: &str) -> Option<Location> {
        if let Some(cell) = self.cells.get(path) {
            return Some(cell.clone());
        }
        let files: Vec<&YamlFile> = self.files.iter().collect();
        yaml::locate(&files, path, false)
    }

    /// Whether a finding at YAML path `path` is about a stand-in value.
    pub fn is_patched(&self, path: &str) -> bool {
        self.patched.iter().any(|p| yaml::within(path, p))
    }
}

/// Load `data/<county>/<year>.yaml` with `_common.yaml` and last year's file;
/// any error in them fails.
pub fn load(path: &Path) -> Result<Loaded> {
    let loaded = recover(path)?;
    if loaded.errors.is_empty() { Ok(loaded) } else { Err(Errors(loaded.errors)) }
}

/// Like [`load`], but reading past the errors it can: those that leave nothing
/// to check (the file cannot be read or parsed, its year is unknown) fail; the
/// others are in [`Loaded::errors`], the report holding stand-ins for the
/// values in question, so that the rest of the file can still be checked.
pub fn recover(path: &Path) -> Result<Loaded> {
    let (recovered, files, filled) = load_one(path)?;
    let yaml::Recovered { value: Some(report), mut errors, mut patched } = recovered else {
        return Err(Errors(recovered.errors));
    };
    let year = report_year(&report, path, &files)?;
    if report.kind == model::Kind::Figures {
        let refs: Vec<&YamlFile> = files.iter().collect();
        return Err(Errors::one(
            Diagnostic::error(
                "data.figures-only",
                format!("这个文件只含 {} 年的指标和 {year} 年的目标（kind: figures），不生成报告", year - 1),
            )
            .at(yaml::locate(&refs, "kind", false))
            .with_path("kind")
            .with_help(format!("它为 {}.yaml 的同比和完成情况提供数据；请生成那一年的报告", year + 1)),
        ));
    }
    let mut warnings: Vec<Diagnostic> = files.iter().flat_map(|f| f.warnings.clone()).collect();
    let mut inputs: Vec<PathBuf> = files.iter().map(|f| f.path.clone()).collect();
    if let Some(f) = &filled {
        inputs.push(f.workbook.clone());
    }

    let mut prior_sheet = None;
    let prior_path = path.with_file_name(format!("{}.yaml", year - 1));
    // `exists`, not `is_file`: a FIFO or device there is refused by the loader, not ignored.
    let prior = if prior_path.exists() {
        let (recovered, prior_files, prior_filled) = load_one(&prior_path)?;
        let Some(report) = recovered.value else { return Err(Errors(recovered.errors)) };
        errors.extend(recovered.errors);
        let prior_year = report_year(&report, &prior_path, &prior_files)?;
        let prior_refs: Vec<&YamlFile> = prior_files.iter().collect();
        errors.extend(about_cells(prior_filled.as_ref(), derive::validate(&report, &prior_refs)));
        if let Some(f) = &prior_filled {
            inputs.push(f.workbook.clone());
            prior_sheet = Some(f.used.clone());
        }
        let derived = derive::derive(&report, &prior_refs, prior_year, None);
        warnings.extend(prior_files[0].warnings.iter().cloned());
        inputs.push(prior_path.clone());
        Some(Box::new(LastYear { report, derived }))
    } else {
        None
    };
    let file_refs: Vec<&YamlFile> = files.iter().collect();
    // A value replaced to read past an error leaves its metric without a value:
    // that is the error already reported, not another one.
    let related = |d: &Diagnostic| {
        d.path.as_ref().is_some_and(|p| patched.iter().any(|q| yaml::within(q, p) || yaml::within(p, q)))
    };
    let invalid: Vec<Diagnostic> = about_cells(filled.as_ref(), derive::validate(&report, &file_refs))
        .into_iter()
        .filter(|d| !related(d))
        .collect();
    patched.extend(invalid.iter().filter_map(|d| d.path.clone()));
    errors.extend(invalid);
    let derived = derive::derive(&report, &file_refs, year, prior.as_deref().map(|p| (&p.report, &p.derived)));
    let mut context = context::context(&report, &derived);
    refs::resolve(&mut context, "", &derived, &file_refs, &mut errors);
    inputs.sort();
    inputs.dedup();
    let sheets = filled.as_ref().map(|f| f.used.clone()).into_iter().chain(prior_sheet).collect();
    let cells = filled.map(|f| f.cells).unwrap_or_default();
    Ok(Loaded {
        report,
        derived,
        context,
        county: county_of(path),
        inputs,
        files,
        prior,
        prior_path,
        warnings,
        errors,
        patched,
        cells,
        sheets,
    })
}

/// Findings of validation about a report whose figures came from a workbook:
/// those the sheet's own errors already say left out, the rest pointed at
/// the cells their values came from.
fn about_cells(filled: Option<&sheet::Filled>, found: Vec<Diagnostic>) -> Vec<Diagnostic> {
    match filled {
        None => found,
        Some(f) => found.into_iter().filter(|d| !f.covers(d)).map(|d| f.relocate(d)).collect(),
    }
}

/// Whether the file at `path` says `kind: figures` (last year's figures alone,
/// not a report). Read by the one YAML loader, with its limits; a file that
/// cannot be read or parsed is not: its errors are for whoever loads it. Only
/// a text with `kind` followed by a colon and `figures` (quoted or not, on the
/// next line or not) can say so: the others are read but not parsed (a batch
/// asks this of every data file, then parses the reports).
pub fn is_figures_only(path: &Path) -> bool {
    static KIND_FIGURES: std::sync::LazyLock<regex::Regex> =
        std::sync::LazyLock::new(|| regex::Regex::new(r#"kind["']?\s*:\s*["']?figures"#).expect("kind: figures"));
    let Ok((text, _)) = crate::input::read_text(path, crate::input::Kind::Yaml) else { return false };
    KIND_FIGURES.is_match(&text)
        && YamlFile::parse(path, text)
            .is_ok_and(|f| f.value.get("kind").and_then(yaml_serde::Value::as_str) == Some("figures"))
}

/// The year a data file is named for: `2018` of `data/<county>/2018.yaml`
/// (four digits exactly).
pub fn year_of(path: &Path) -> Option<i32> {
    let stem = path.file_stem()?.to_str()?;
    (stem.len() == 4 && stem.bytes().all(|b| b.is_ascii_digit())).then(|| stem.parse().ok()).flatten()
}

/// The county of a data file: its folder's name.
pub fn county_of(path: &Path) -> String {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let name = abs.parent().and_then(Path::file_name).map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let clean = crate::output::sanitize_file_stem(&name);
    if clean.is_empty() { "report".to_string() } else { clean }
}

/// Parse one year file merged over `_common.yaml`, with the figures its
/// workbook supplies, read past as many errors as can be; returns the files
/// read (the year file first) and what the workbook filled. Format characters
/// pasted in with the text are removed (with a warning), and numbers in table
/// cells are kept as written.
fn load_one(path: &Path) -> Result<(yaml::Recovered<Report>, Vec<YamlFile>, Option<sheet::Filled>)> {
    let (mut merged, files) = read_merged(path)?;
    let refs: Vec<&YamlFile> = files.iter().collect();
    let filled = sheet::fill(&mut merged, &refs, path)?;
    let mut recovered: yaml::Recovered<Report> = yaml::deserialize_all(merged, &refs);
    if let Some(f) = &filled {
        // The sheet's errors first; those of deserialization about the same
        // metric (a target without a value) would only repeat them.
        recovered.errors.retain(|d| !f.covers(d));
        recovered.errors.splice(0..0, f.errors.iter().cloned());
        recovered.patched.extend(f.reported.iter().cloned());
    }
    Ok((recovered, files, filled))
}

/// One year file merged over `_common.yaml` (text prepared), and the files
/// read (the year file first).
fn read_merged(path: &Path) -> Result<(yaml_serde::Value, Vec<YamlFile>)> {
    let mut file = YamlFile::read(path)?;
    let common_path = path.parent().and_then(Path::parent).map(|d| d.join(COMMON_FILE));
    let mut common = match common_path {
        Some(p) if p.exists() => Some(YamlFile::read(&p)?),
        _ => None,
    };
    for f in std::iter::once(&mut file).chain(common.as_mut()) {
        text::prepare(f);
    }
    let merged = match &common {
        Some(c) => yaml::merge(c.value.clone(), file.value.clone()),
        None => file.value.clone(),
    };
    let mut files = vec![file];
    files.extend(common);
    Ok((merged, files))
}

/// The report year: `year:` in the file, else the file name (`2018.yaml`).
fn report_year(report: &Report, path: &Path, files: &[YamlFile]) -> Result<i32> {
    let from_name = year_of(path);
    let refs: Vec<&YamlFile> = files.iter().collect();
    match (report.year, from_name) {
        (Some(y), Some(n)) if y != n => Err(Errors::one(
            Diagnostic::error("data.year", format!("year 写的是 {y}，但文件名是 {n}.yaml；两者必须一致"))
                .at(yaml::locate(&refs, "year", false))
                .with_path("year"),
        )),
        (Some(y), _) | (None, Some(y)) if (1949..=2200).contains(&y) => Ok(y),
        (Some(y), _) => Err(Errors::one(
            Diagnostic::error("data.year", format!("年份 {y} 不合理"))
                .at(yaml::locate(&refs, "year", false))
                .with_path("year"),
        )),
        _ => Err(Errors::one(Diagnostic::in_file(
            "data.year",
            path,
            "不知道这是哪一年的报告：请把文件命名为 <年份>.yaml（如 2018.yaml），或在文件里写 year: 2018",
        ))),
    }
}

/// The JSON Schema of a data file (draft-07, what YAML editors understand),
/// generated from [`model::Report`]; `schema/nianbao.schema.json` holds a copy.
pub fn schema() -> String {
    serde_json::to_string_pretty(&schema_value()).expect("schema serializes")
}

/// The JSON Schema of a data file as a value (what [`schema`] prints).
fn schema_value() -> schemars::Schema {
    let generator = schemars::generate::SchemaSettings::draft07().into_generator();
    let mut schema = generator.into_root_schema_for::<model::Report>();
    schema.insert("title".into(), "nianbao 年报数据文件 data/<县>/<年份>.yaml".into());
    schema
}
