//! Checks for the mistakes that reach print in hand-made reports: placeholders
//! (`xx区`), impossible figures (`直报率20230%`), wrong years, targets that lead
//! nowhere, sloppy punctuation, and a rendered document with a hole in its
//! structure. `nianbao check` reports them; `render` runs the same pass.
//!
//! Every finding is a [`Diagnostic`] with an id, a severity and a location in
//! the data (file:line:column and YAML path) or, for what only the rendered
//! document shows, the paragraph. A project silences ids in `nianbao.yaml`
//! (`check.silence`), a whole group with `text.*`.

mod text;

use std::collections::BTreeSet;

use yaml_serde::Value;

use crate::config::CheckConfig;
use crate::data::Loaded;
use crate::data::derive::{self, kind_of};
use crate::data::model::{Kind, MetricKind};
use crate::diag::{Diagnostic, Severity};
use crate::doc::{Block, Document};
use crate::yaml::YamlFile;

/// Every check id with what it catches, for `--help`, the README and silencing.
pub const CHECKS: [(&str, &str); 18] = [
    ("placeholder", "占位符：xx、XX、××、某某、＊＊、TODO、待定、[ ]"),
    ("text.empty", "必填的文字为空"),
    ("figure.rate-over-100", "比率超过100%"),
    ("figure.negative", "数量或比率为负数"),
    ("figure.rate-mismatch", "写明的比率与分子、分母算出的不一致"),
    ("figure.parts", "合计与各分项之和不一致"),
    ("year.date", "会议日期或成文日期不在报告年度"),
    ("year.honour", "荣誉的日期不在回顾年度"),
    ("year.in-plan", "工作部署部分出现了上一年的年份"),
    ("target.unmatched", "去年的目标今年没有对应的指标"),
    ("target.deadline", "目标的完成时限晚于计划年度"),
    ("text.halfwidth", "中文里用了半角标点 ,;:?!()"),
    ("text.unpaired", "引号、括号、书名号不成对"),
    ("text.doubled", "标点重复，如“。。”“，。”"),
    ("text.artefact", "文字转换留下的错词，如“效劳”（服务）、“根本公共卫生”（基本公共卫生）"),
    ("text.unclosed", "段落没有以句号等标点结束"),
    ("doc.heading-skip", "标题跳级（如一级标题下直接出现三级标题）"),
    ("doc.empty-section", "标题下没有内容"),
];

/// Run every check on a loaded report and its rendered document.
pub fn run(loaded: &Loaded, doc: &Document, config: &CheckConfig) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for file in &loaded.files {
        strings(file, &file.value, "", &mut out);
    }
    figures(loaded, &mut out);
    years(loaded, &mut out);
    targets(loaded, &mut out);
    document(doc, &out.clone(), &mut out);
    out.retain(|d| !silenced(d.id, &config.silence));
    out
}

/// Whether `id` is silenced by an entry of `silence` (`text.unpaired` or `text.*`).
fn silenced(id: &str, silence: &[String]) -> bool {
    silence.iter().any(|s| s == id || s.strip_suffix('*').is_some_and(|p| id.starts_with(p)))
}

/// Keys whose text is a paragraph and must end with closing punctuation.
const PARAGRAPH_KEYS: [&str; 8] =
    ["opening", "closing", "thanks", "problems", "intro", "outro", "paragraphs", "points"];

/// Walk a data file's values, checking each text where it is written.
fn strings(file: &YamlFile, v: &Value, path: &str, out: &mut Vec<Diagnostic>) {
    let child = |key: &str| if path.is_empty() { key.to_string() } else { format!("{path}.{key}") };
    match v {
        Value::Mapping(m) => {
            for (k, v) in m {
                if let Some(k) = k.as_str() {
                    strings(file, v, &child(k), out);
                }
            }
        }
        Value::Sequence(items) => {
            for (i, v) in items.iter().enumerate() {
                strings(file, v, &format!("{path}[{i}]"), out);
            }
        }
        Value::String(s) => {
            let at = |h: &text::Hit| {
                Diagnostic { severity: h.severity, ..Diagnostic::error(h.id, h.message.clone()) }
                    .at(file.locate_text(path, &h.excerpt))
                    .with_path(path)
            };
            if s.trim().is_empty() && !path.starts_with("extra") {
                out.push(Diagnostic::error("text.empty", "这里的文字是空的").at(file.locate(path)).with_path(path));
                return;
            }
            let mut hits = text::placeholders(s);
            hits.extend(text::impossible_rates(s));
            if s.chars().any(|c| c as u32 >= 0x3400) {
                hits.extend(text::hygiene(s));
                let key = path.rsplit('.').next().unwrap_or(path);
                let key = key.split('[').next().unwrap_or(key);
                if PARAGRAPH_KEYS.contains(&key) {
                    hits.extend(text::unclosed(s));
                }
            }
            out.extend(hits.iter().map(at));
        }
        _ => {}
    }
}

fn locate(loaded: &Loaded, severity: Severity, id: &'static str, path: &str, message: String) -> Diagnostic {
    Diagnostic { severity, ..Diagnostic::error(id, message) }.at(loaded.locate(path)).with_path(path)
}

/// Half a unit in the last decimal place of `x` as written (`66.2` → 0.05).
fn tolerance(x: f64) -> f64 {
    let s = format!("{x}");
    let decimals = s.split_once('.').map_or(0, |(_, d)| d.len());
    0.5 * 10f64.powi(-(decimals as i32)) + 1e-9
}

/// Impossible figures: rates above 100%, negative values, a stated rate that
/// disagrees with its numerator and denominator, a total unlike its parts.
fn figures(loaded: &Loaded, out: &mut Vec<Diagnostic>) {
    let mut report = loaded.report.clone();
    let metrics = derive::metrics_mut(&mut report);
    let value_of = |id: &str| {
        metrics.iter().find(|(_, m)| m.id == id).and_then(|(_, m)| m.value.or_else(|| derive::computed_value(m)))
    };
    for (path, m) in &metrics {
        for (key, v) in [("value", m.value), ("numerator", m.numerator), ("denominator", m.denominator)] {
            if v.is_some_and(|v| v < 0.0) {
                out.push(locate(
                    loaded,
                    Severity::Error,
                    "figure.negative",
                    &format!("{path}.{key}"),
                    format!("指标“{}”的 {key} 是负数", m.name),
                ));
            }
        }
        let computed = derive::computed_value(m);
        let shown = m.value.or(computed);
        if kind_of(m) == MetricKind::Rate && m.unit == "%" && shown.is_some_and(|v| v > 100.0) {
            let key = if m.value.is_some() { "value" } else { "numerator" };
            out.push(locate(
                loaded,
                Severity::Error,
                "figure.rate-over-100",
                &format!("{path}.{key}"),
                format!(
                    "指标“{}”是比率，却超过了100%（{}%）",
                    m.name,
                    crate::template::filters::decimal(shown.unwrap(), Some(1))
                ),
            ));
        }
        if let (Some(v), Some(c)) = (m.value, computed)
            && (v - c).abs() > tolerance(v)
        {
            out.push(locate(
                loaded,
                Severity::Error,
                "figure.rate-mismatch",
                &format!("{path}.value"),
                format!(
                    "指标“{}”写的是 {v}{}，但分子 ÷ 分母 = {}{}",
                    m.name,
                    m.unit,
                    crate::template::filters::decimal(c, Some(2)),
                    m.unit
                ),
            ));
        }
        if !m.parts.is_empty()
            && let (Some(total), Some(sum)) = (shown, m.parts.iter().map(|p| value_of(p)).sum::<Option<f64>>())
            && (total - sum).abs() > tolerance(total)
        {
            out.push(locate(
                loaded,
                Severity::Error,
                "figure.parts",
                &format!("{path}.value"),
                format!(
                    "指标“{}”是 {total}{}，但各分项（{}）加起来是 {}",
                    m.name,
                    m.unit,
                    m.parts.join("、"),
                    crate::template::filters::decimal(sum, Some(2))
                ),
            ));
        }
    }
}

/// Dates in the wrong year; last year's year number in this year's plan.
fn years(loaded: &Loaded, out: &mut Vec<Diagnostic>) {
    let r = &loaded.report;
    let mut dates = vec![("date", r.date)];
    if let Some(m) = &r.meeting {
        dates.push(("meeting.date", Some(m.date)));
    }
    for (path, date) in dates {
        if let Some(d) = date
            && d.year != r.report_year
        {
            out.push(locate(
                loaded,
                Severity::Error,
                "year.date",
                path,
                format!("这份报告是{}年的，日期却是{}年", r.report_year, d.year),
            ));
        }
    }
    if let Some(review) = &r.review {
        for (i, h) in review.honours.iter().enumerate() {
            if let Some(d) = h.date
                && d.year != r.review_year
            {
                out.push(locate(
                    loaded,
                    Severity::Warning,
                    "year.honour",
                    &format!("review.honours[{i}].date"),
                    format!("回顾的是{}年的工作，这项荣誉的日期却是{}年", r.review_year, d.year),
                ));
            }
        }
    }
    // Last year's year number inside the plan reads like text copied from last year's report.
    let stale = format!("{}年", r.review_year);
    let fresh =
        [format!("{}年底", r.review_year), format!("{}年相比", r.review_year), format!("比{}年", r.review_year)];
    for file in &loaded.files {
        if let Some(plan) = file.value.get("plan") {
            plan_years(file, plan, "plan", &stale, &fresh, out);
        }
    }
}

fn plan_years(file: &YamlFile, v: &Value, path: &str, stale: &str, fresh: &[String], out: &mut Vec<Diagnostic>) {
    match v {
        Value::Mapping(m) => {
            for (k, v) in m {
                if let Some(k) = k.as_str() {
                    plan_years(file, v, &format!("{path}.{k}"), stale, fresh, out);
                }
            }
        }
        Value::Sequence(items) => {
            for (i, v) in items.iter().enumerate() {
                plan_years(file, v, &format!("{path}[{i}]"), stale, fresh, out);
            }
        }
        Value::String(s) if s.contains(stale) && !fresh.iter().any(|f| s.contains(f.as_str())) => {
            out.push(
                Diagnostic::warning(
                    "year.in-plan",
                    format!("工作部署里出现了“{stale}”：是不是从去年的报告里复制来、忘了改年份？"),
                )
                .at(file.locate_text(path, stale))
                .with_path(path),
            );
        }
        _ => {}
    }
}

/// Last year's targets without a metric this year (no completion can be
/// derived); this year's deadlines after the plan year.
fn targets(loaded: &Loaded, out: &mut Vec<Diagnostic>) {
    let r = &loaded.report;
    if let Some(prior) = &loaded.prior {
        let prior_file =
            loaded.inputs.iter().find(|p| p.file_stem().is_some_and(|s| s == (r.report_year - 1).to_string().as_str()));
        let prior_yaml = prior_file.and_then(|p| YamlFile::read(p).ok());
        let mut prior = (**prior).clone();
        for (path, t) in derive::targets_mut(&mut prior) {
            if !r.metrics.contains_key(&t.id) {
                out.push(
                    Diagnostic::warning(
                        "target.unmatched",
                        format!("去年定的目标“{}”（id `{}`）今年没有同一 id 的指标，无法计算完成情况", t.name, t.id),
                    )
                    .at(prior_yaml.as_ref().and_then(|f| f.locate(&format!("{path}.id"))))
                    .with_path(format!("{path}.id")),
                );
            }
        }
    }
    if r.kind != Kind::Plan {
        let mut report = r.clone();
        for (path, t) in derive::targets_mut(&mut report) {
            if let Some(d) = t.deadline
                && d.year > r.report_year
            {
                out.push(locate(
                    loaded,
                    Severity::Warning,
                    "target.deadline",
                    &format!("{path}.deadline"),
                    format!("这是{}年的工作部署，目标“{}”的完成时限却在{}年", r.report_year, t.name, d.year),
                ));
            }
        }
    }
}

/// What only the rendered document shows: skipped heading levels, headings with
/// nothing under them, placeholders a template put in.
fn document(doc: &Document, data_findings: &[Diagnostic], out: &mut Vec<Diagnostic>) {
    let seen: BTreeSet<&str> =
        data_findings.iter().filter(|d| d.id == "placeholder").map(|d| d.message.as_str()).collect();
    let mut level = 0u8;
    for (i, block) in doc.blocks.iter().enumerate() {
        let n = i + 1;
        match block {
            Block::Heading(h) => {
                if h.level > level + 1 {
                    out.push(Diagnostic::warning(
                        "doc.heading-skip",
                        format!(
                            "第{n}个文档块“{}”是{}级标题，但前面没有{}级标题",
                            h.display_text(),
                            h.level,
                            h.level - 1
                        ),
                    ));
                }
                level = h.level;
                let next = doc.blocks.get(i + 1);
                let empty = h.run_in.is_none()
                    && match next {
                        None | Some(Block::Attachment(_) | Block::Signature(_)) => true,
                        Some(Block::Heading(n)) => n.level <= h.level,
                        _ => false,
                    };
                if empty {
                    out.push(Diagnostic::warning(
                        "doc.empty-section",
                        format!("标题“{}”下面没有内容", h.display_text()),
                    ));
                }
            }
            Block::Attachment(_) | Block::Title(_) => level = 0,
            _ => {}
        }
        let plain = block_text(block);
        for hit in text::placeholders(&plain) {
            if !seen.contains(hit.message.as_str()) {
                let context: String = plain.chars().take(20).collect();
                out.push(
                    Diagnostic::error(hit.id, format!("{}（模板生成的文字里）", hit.message))
                        .with_help(format!("出现在第{n}个文档块：“{context}…”")),
                );
            }
        }
    }
}

fn block_text(block: &Block) -> String {
    match block {
        Block::Title(lines) | Block::Signature(lines) => lines.iter().map(|l| l.plain()).collect(),
        Block::Subtitle(t) | Block::Date(t) | Block::Speaker(t) | Block::Salutation(t) | Block::Paragraph(t) => {
            t.plain()
        }
        Block::Heading(h) => h.display_text() + &h.run_in.as_ref().map(|t| t.plain()).unwrap_or_default(),
        Block::Table(t) => {
            t.header.iter().chain(t.rows.iter().flatten()).map(|c| c.plain()).collect::<Vec<_>>().join(" ")
        }
        Block::Attachment(a) => a.title.plain(),
        Block::Chart(c) => c.texts().collect::<Vec<_>>().join(" "),
        Block::PageBreak => String::new(),
    }
}

/// A finding as JSON, for `check --format json`.
pub fn to_json(d: &Diagnostic) -> serde_json::Value {
    let loc = d.location.as_ref();
    serde_json::json!({
        "id": d.id,
        "severity": if d.is_error() { "error" } else { "warning" },
        "message": d.message,
        "file": loc.map(|l| l.file.clone()),
        "line": loc.map(|l| l.line),
        "column": loc.map(|l| l.column),
        "path": d.path,
        "help": d.help,
    })
}
