//! `nianbao import`: an existing report (a DOCX, plain text in UTF-8 or
//! GB18030, Markdown) read into the data model and written as a data file, so
//! that last year's Word file need not be typed in. A reader stage like
//! [`crate::markup`], but producing a [`Report`]: [`outline`] reads the lines,
//! [`build`] maps them to the model, [`crate::data::file`] writes it with a
//! comment at every guess.

pub mod build;
mod docx;
pub mod outline;

use std::path::{Path, PathBuf};

use crate::data::model::{Kind, Report};
use crate::diag::{Diagnostic, Errors, Result};
use outline::Line;

/// What the command line asks for.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub kind: Option<Kind>,
    pub unit: Option<String>,
    /// Where to write; `data/<unit>/<year>.yaml` when absent.
    pub output: Option<PathBuf>,
}

/// A document read as a report.
pub struct Imported {
    pub report: Report,
    /// The data file's text.
    pub text: String,
    /// Where it goes.
    pub path: PathBuf,
    /// Lines of web-page debris dropped.
    pub dropped: usize,
    pub warnings: Vec<Diagnostic>,
}

/// Read the document at `path` into a data file (not written).
pub fn import(path: &Path, options: &Options) -> Result<Imported> {
    let (lines, warnings, props) = read(path)?;
    let outline = outline::read(lines);
    let year = options.output.as_deref().and_then(crate::data::year_of);
    let known =
        options.output.as_deref().zip(year).map(|(o, y)| known_ids(&o.with_file_name(format!("{}.yaml", y - 1))));
    let hints = build::Hints {
        kind: options.kind,
        unit: options.unit.clone(),
        year,
        properties: props,
        known: known.unwrap_or_default(),
    };
    let built = build::build(&outline, &hints);
    let report = built.report;
    let year = year.or(report.year);
    let out = match (&options.output, year) {
        (Some(o), _) => o.clone(),
        (None, Some(y)) => {
            let county = crate::output::sanitize_file_stem(&report.unit.name);
            Path::new("data").join(county).join(format!("{y}.yaml"))
        }
        (None, None) => {
            return Err(Errors::one(
                Diagnostic::in_file("import.year", path, "认不出这是哪一年的报告")
                    .with_help("请用 -o data/<县>/<年份>.yaml 指定要写的文件（年份写在文件名里）"),
            ));
        }
    };
    let header = [
        format!("由 nianbao import 从 {} 导入。", path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default()),
        "“识别为”注释是导入时的猜测，请逐条核对后删去；指标（metrics）是由文中数字推测的，请核对名称和单位。"
            .to_string(),
        "原文没有的内容（如会议日期、单位）标有“待定”或“××”，nianbao check 会一一指出。".to_string(),
    ];
    let value = crate::data::file::value(&report);
    let text = crate::data::file::text(&value, &header, &built.notes)?;
    Ok(Imported { report, text, path: out, dropped: outline.dropped, warnings })
}

/// Import and write the data file; an existing file is never replaced.
pub fn run(path: &Path, options: &Options) -> Result<Imported> {
    let imported = import(path, options)?;
    if imported.path.exists() {
        return Err(Errors::one(
            Diagnostic::in_file("import.exists", &imported.path, "这个数据文件已经存在，没有改动它")
                .with_help("请用 -o 指定另一个文件，或先把它改名或移走"),
        ));
    }
    if let Some(dir) = imported.path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| Errors::one(Diagnostic::in_file("output.write", dir, format!("无法创建目录（{e}）"))))?;
    }
    crate::output::write(&imported.path, imported.text.as_bytes())?;
    Ok(imported)
}

/// The ids, `better` and whether it has a value, by name, of the metrics and
/// targets of last year's file at `path` (when there is one), so that an
/// imported figure keeps the id last year's target is matched by.
fn known_ids(path: &Path) -> Vec<build::Known> {
    fn walk(v: &yaml_serde::Value, out: &mut Vec<build::Known>) {
        match v {
            yaml_serde::Value::Mapping(m) => {
                if let (Some(id), Some(name)) =
                    (v.get("id").and_then(|i| i.as_str()), v.get("name").and_then(|n| n.as_str()))
                {
                    out.push(build::Known {
                        id: id.to_string(),
                        name: name.to_string(),
                        lower: v.get("better").and_then(|b| b.as_str()) == Some("lower"),
                    });
                }
                m.values().for_each(|v| walk(v, out));
            }
            yaml_serde::Value::Sequence(s) => s.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    if path.is_file()
        && let Ok(f) = crate::yaml::YamlFile::read(path)
    {
        walk(&f.value, &mut out);
    }
    out
}

/// The lines of a DOCX, a Markdown or a plain-text file, and a DOCX's properties.
fn read(path: &Path) -> Result<(Vec<Line>, Vec<Diagnostic>, docx::Properties)> {
    let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).unwrap_or_default();
    let bytes = crate::input::read(path, crate::input::Kind::Document)?;
    if ext == "docx" || bytes.starts_with(b"PK\x03\x04") {
        return Ok((docx::lines(path, &bytes)?, Vec::new(), docx::properties(&bytes)));
    }
    if ext == "doc" || bytes.starts_with(b"\xD0\xCF\x11\xE0") {
        return Err(Errors::one(Diagnostic::in_file(
            "import.format",
            path,
            "这是旧的 Word 97-2003 文档（.doc），无法直接读取；请在 Word 或 WPS 里“另存为” .docx 后再导入",
        )));
    }
    let (text, warnings) = crate::input::decode(path, &bytes)?;
    let lines = if matches!(ext.as_str(), "md" | "markdown") { markdown(&text) } else { plain(&text) };
    Ok((lines, warnings, docx::Properties::default()))
}

fn plain(text: &str) -> Vec<Line> {
    text.lines().map(|l| Line::Text(l.to_string())).collect()
}

/// Markdown as nianbao writes it (and as people type it): headings' `#`
/// marks, emphasis and backslash escapes dropped, tables read as tables,
/// fenced blocks left out but for a chart's category names.
fn markdown(text: &str) -> Vec<Line> {
    let mut out = Vec::new();
    let mut table: Vec<Vec<String>> = Vec::new();
    let mut fenced: Option<Vec<String>> = None;
    for l in text.lines() {
        let t = l.trim();
        if t.starts_with("```") {
            match fenced.take() {
                Some(names) if !names.is_empty() => out.push(Line::Chart(names)),
                Some(_) => {}
                None => fenced = Some(Vec::new()),
            }
            continue;
        }
        if let Some(names) = &mut fenced {
            // `- { name: "常住人口家庭医生签约率", values: [...] }`
            if let Some(rest) = t.strip_prefix("- { name: ")
                && let Some(end) = rest.find("\", values:")
                && let Ok(name) = serde_json::from_str::<String>(&rest[..=end])
            {
                names.push(name);
            }
            continue;
        }
        if t.starts_with('|') && t.ends_with('|') && t.len() > 1 {
            let cells: Vec<String> = t[1..t.len() - 1].split('|').map(|c| unescape(c.trim())).collect();
            if !cells.iter().all(|c| !c.is_empty() && c.chars().all(|ch| matches!(ch, '-' | ':'))) {
                table.push(cells);
            }
            continue;
        }
        if !table.is_empty() {
            out.push(Line::Table(std::mem::take(&mut table)));
        }
        if t == "***" || t == "---" {
            continue;
        }
        let t = t.trim_start_matches('#').trim_start();
        out.push(Line::Text(unescape(&t.replace("**", ""))));
    }
    if !table.is_empty() {
        out.push(Line::Table(table));
    }
    out
}

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\'
            && let Some(n) = chars.next()
        {
            out.push(n);
        } else {
            out.push(c);
        }
    }
    out
}

/// What was recognised, as an outline for `--dry-run`.
pub fn outline_text(r: &Report, dropped: usize) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let kind = serde_json::to_value(r.kind).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
    let _ = writeln!(s, "体裁：{kind}　单位：{}　发文单位：{}", r.unit.name, r.issuer);
    for t in &r.title.0 {
        let _ = writeln!(s, "标题：{}", t.text());
    }
    if let Some(m) = &r.meeting {
        let _ = writeln!(s, "会议：{}（{}）", m.name, m.date);
    }
    if let Some(sp) = &r.speaker {
        let _ = writeln!(s, "讲话人：{}　{}", sp.post, sp.name);
    }
    if !r.opening.0.is_empty() {
        let _ = writeln!(s, "开场白：{} 段", r.opening.0.len());
    }
    let sections = |s: &mut String, list: &[crate::data::model::Section]| {
        for (i, sec) in list.iter().enumerate() {
            let _ = writeln!(s, "    （{}）{}", i + 1, sec.title);
            for it in &sec.items {
                let _ = writeln!(
                    s,
                    "        · {}　{}{}{}",
                    it.title,
                    if it.points.is_empty() { String::new() } else { format!("要点 {} 项 ", it.points.len()) },
                    if it.paragraphs.0.is_empty() {
                        String::new()
                    } else {
                        format!("段落 {} ", it.paragraphs.0.len())
                    },
                    if it.metrics.is_empty() { String::new() } else { format!("指标 {}", it.metrics.len()) },
                );
            }
        }
    };
    if let Some(rv) = &r.review {
        let _ = writeln!(s, "回顾：{}", rv.heading.as_deref().unwrap_or("（模板默认标题）"));
        if !rv.honours.is_empty() {
            let _ = writeln!(s, "    荣誉 {} 项", rv.honours.len());
        }
        sections(&mut s, &rv.sections);
    }
    if let Some(p) = &r.plan {
        let _ = writeln!(s, "部署：{}", p.heading.as_deref().unwrap_or("（模板默认标题）"));
        if p.requirement.is_some() {
            let _ = writeln!(s, "    总体要求");
        }
        sections(&mut s, &p.sections);
        if !p.safeguards.is_empty() {
            let _ = writeln!(s, "保障措施：");
            sections(&mut s, &p.safeguards);
        }
    }
    if !r.closing.0.is_empty() {
        let _ = writeln!(s, "结束语：{} 段", r.closing.0.len());
    }
    for a in &r.attachments {
        let _ = writeln!(s, "附件：{}", a.title);
    }
    let _ = writeln!(s, "去掉网页杂项 {dropped} 行");
    s
}
