//! Validation the templates rely on, and what nianbao derives from what the
//! writer typed: the report year, 全县/全区/全市/全省 from the unit's level, and
//! the figures templates print: a rate from numerator/denominator, change
//! against last year (relative for amounts, in percentage points for rates),
//! completion of last year's targets matched by id. The report itself is left
//! as written; what is derived is a [`Derived`] beside it.

use std::collections::BTreeMap;

use indexmap::IndexMap;
use serde::Serialize;

use super::model::{Better, Kind, Metric, MetricKind, Report, Section, Target};
use crate::diag::Diagnostic;
use crate::numbers::{self, ChangeKind};
use crate::yaml::{self, YamlFile};

/// What nianbao derives from one report's data.
#[derive(Debug, Clone)]
pub struct Derived {
    /// The report year (from `year` or the file name).
    pub report_year: i32,
    /// The year under review (`report_year - 1`).
    pub review_year: i32,
    /// `全县`, `全区`, `全市`, `全省`.
    pub whole: String,
    /// The unit's short name: as written, else its name without the level (`襄垣`).
    pub short: String,
    /// Every metric's figures by id, in document order.
    pub metrics: IndexMap<String, Figures>,
    /// Every target's figures by id, in document order.
    pub targets: IndexMap<String, TargetFigures>,
}

/// The figures derived for one metric, under the names templates read them by
/// (`metrics.signing_rate.text`).
#[derive(Debug, Clone, Serialize)]
pub struct Figures {
    /// The value: as written, else from numerator and denominator.
    pub value: Option<f64>,
    /// Last year's value: as written, else last year's file's.
    pub prior: Option<f64>,
    /// Decimals to print: as written, else 1 for a value from numerator and denominator.
    pub decimals: Option<u8>,
    /// The value ready to print, without its unit (`66.2`).
    pub number: String,
    /// The value ready to print with its unit (`66.2%`).
    pub text: String,
    /// Last year's value ready to print, without its unit.
    pub prior_number: Option<String>,
    /// Last year's value ready to print.
    pub prior_text: Option<String>,
    /// Change against last year.
    pub change: Option<Change>,
    /// Last year's target for this id and how far it was met.
    pub target: Option<Completion>,
    /// Decimal places `number` is printed with, for next year's `prior_number`.
    #[serde(skip)]
    pub places: Option<u8>,
}

/// The figures derived for one target.
#[derive(Debug, Clone, Serialize)]
pub struct TargetFigures {
    /// The target ready to print, without its unit (`60`).
    pub number: String,
    /// The target ready to print (`60个`).
    pub text: String,
}

/// Change of a metric against last year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// `up`, `down` or `flat`.
    pub direction: &'static str,
    /// Relative change in percent for an amount, difference in points for a rate.
    pub amount: f64,
    /// `增长12.5%`, `下降3.2个百分点`, `持平`.
    pub text: String,
}

/// How far last year's target was met.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Completion {
    pub value: f64,
    /// The target ready to print, without its unit (`60`).
    pub number: String,
    /// The target ready to print (`60%`).
    pub value_text: String,
    pub deadline: Option<numbers::Date>,
    pub reference: Option<String>,
    /// Achieved value as a percentage of the target (inverted when lower is better).
    pub ratio: f64,
    /// `110.3%`.
    pub ratio_text: String,
    /// `完成`, `超额完成` or `未完成`.
    pub status: &'static str,
    /// `超额完成（110.3%）`.
    pub text: String,
}

/// Every metric of a report with its YAML path, in document order.
pub fn metrics(report: &Report) -> Vec<(String, &Metric)> {
    let mut out = Vec::new();
    if let Some(review) = &report.review {
        for (i, m) in review.metrics.iter().enumerate() {
            out.push((format!("review.metrics[{i}]"), m));
        }
        sections_metrics(&review.sections, "review.sections", &mut out);
    }
    if let Some(plan) = &report.plan {
        sections_metrics(&plan.sections, "plan.sections", &mut out);
        sections_metrics(&plan.safeguards, "plan.safeguards", &mut out);
    }
    out
}

fn sections_metrics<'a>(sections: &'a [Section], base: &str, out: &mut Vec<(String, &'a Metric)>) {
    for (s, section) in sections.iter().enumerate() {
        for (i, item) in section.items.iter().enumerate() {
            for (k, m) in item.metrics.iter().enumerate() {
                out.push((format!("{base}[{s}].items[{i}].metrics[{k}]"), m));
            }
        }
    }
}

/// Every heading the data numbers itself (`number:` on a section or an item),
/// with its YAML path, title and number.
pub fn numbers(report: &Report) -> Vec<(String, &str, u32)> {
    let mut out = Vec::new();
    let lists = [
        report.review.as_ref().map(|r| (&r.sections, "review.sections")),
        report.plan.as_ref().map(|p| (&p.sections, "plan.sections")),
        report.plan.as_ref().map(|p| (&p.safeguards, "plan.safeguards")),
    ];
    for (sections, base) in lists.into_iter().flatten() {
        for (s, section) in sections.iter().enumerate() {
            if let Some(n) = section.number {
                out.push((format!("{base}[{s}]"), section.title.as_str(), n));
            }
            for (i, item) in section.items.iter().enumerate() {
                if let Some(n) = item.number {
                    out.push((format!("{base}[{s}].items[{i}]"), item.title.as_str(), n));
                }
            }
        }
    }
    out
}

/// Every target of a report's plan with its YAML path.
pub fn targets(report: &Report) -> Vec<(String, &Target)> {
    let mut out = Vec::new();
    if let Some(plan) = &report.plan {
        for (i, t) in plan.targets.iter().enumerate() {
            out.push((format!("plan.targets[{i}]"), t));
        }
        for (base, sections) in [("plan.sections", &plan.sections), ("plan.safeguards", &plan.safeguards)] {
            for (s, section) in sections.iter().enumerate() {
                for (i, item) in section.items.iter().enumerate() {
                    for (k, t) in item.targets.iter().enumerate() {
                        out.push((format!("{base}[{s}].items[{i}].targets[{k}]"), t));
                    }
                }
            }
        }
    }
    out
}

/// Check what derivation and the templates rely on: figures are finite, a metric
/// has a value or a numerator and a non-zero denominator, ids are unique and
/// `parts` name existing metrics. Returns every problem found.
pub fn validate(report: &Report, files: &[&YamlFile]) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    let err = |id: &'static str, path: &str, msg: String| {
        Diagnostic::error(id, msg).at(yaml::locate(files, path, false)).with_path(path.to_string())
    };
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    let metrics = metrics(report);
    let ids: Vec<String> = metrics.iter().map(|(_, m)| m.id.clone()).collect();
    for (path, m) in &metrics {
        if m.id.trim().is_empty() || m.id.contains(char::is_whitespace) {
            errors.push(err("data.id", &format!("{path}.id"), format!("指标“{}”的 id 不能为空或含空格", m.name)));
        }
        if let Some(first) = seen.insert(m.id.clone(), path.clone()) {
            errors.push(err(
                "data.duplicate-id",
                &format!("{path}.id"),
                format!("指标 id `{}` 重复，第一次出现在 {first}", m.id),
            ));
        }
        if let Some(why) = unit_mistake(&m.unit) {
            errors.push(err("data.unit", &format!("{path}.unit"), format!("指标“{}”的单位{why}", m.name)));
        }
        for (key, v) in
            [("value", m.value), ("prior", m.prior), ("numerator", m.numerator), ("denominator", m.denominator)]
        {
            if let Some(why) = v.and_then(out_of_range) {
                errors.push(err("data.number", &format!("{path}.{key}"), format!("指标“{}”的 {key} {why}", m.name)));
            }
        }
        match (m.value, m.numerator, m.denominator) {
            (_, Some(_), Some(0.0)) => errors.push(err(
                "data.denominator",
                &format!("{path}.denominator"),
                format!("指标“{}”的分母为 0", m.name),
            )),
            (None, Some(_), Some(_)) | (Some(_), _, _) => {}
            (None, _, _) => errors.push(err(
                "data.missing-value",
                path,
                format!("指标“{}”没有数值：请写 value，或同时写 numerator（分子）和 denominator（分母）", m.name),
            )),
        }
        for (i, part) in m.parts.iter().enumerate() {
            if !ids.contains(part) {
                let mut d = err(
                    "data.parts",
                    &format!("{path}.parts[{i}]"),
                    format!("parts 里的 `{part}` 不是本文件中的指标 id"),
                );
                if let Some(s) = yaml::suggest(part, &ids) {
                    d = d.with_help(format!("你是不是想写 `{s}`？"));
                }
                errors.push(d);
            }
        }
    }
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for (path, t) in targets(report) {
        if let Some(first) = seen.insert(t.id.clone(), path.clone()) {
            errors.push(err(
                "data.duplicate-id",
                &format!("{path}.id"),
                format!("目标 id `{}` 重复，第一次出现在 {first}", t.id),
            ));
        }
        if let Some(why) = out_of_range(t.value) {
            errors.push(err("data.number", &format!("{path}.value"), format!("目标“{}”的 value {why}", t.name)));
        }
        if let Some(why) = unit_mistake(&t.unit) {
            errors.push(err("data.unit", &format!("{path}.unit"), format!("目标“{}”的单位{why}", t.name)));
        }
    }
    for (path, title, n) in numbers(report) {
        if !(1..=crate::numbers::MAX_HEADING_NUMBER).contains(&n) {
            let max = crate::numbers::MAX_HEADING_NUMBER;
            errors.push(err(
                "data.numbering",
                &format!("{path}.number"),
                format!("“{title}”的编号 number 要在 1 到 {max} 之间"),
            ));
        }
    }
    for (i, a) in report.attachments.iter().enumerate() {
        let Some(t) = &a.table else { continue };
        let columns = t.columns.len();
        if t.align.len() > columns {
            errors.push(err(
                "data.table",
                &format!("attachments[{i}].table.align[{columns}]"),
                format!("align 写了{}列，表格只有{columns}列（columns）", t.align.len()),
            ));
        }
        // The layout sets the header's columns: more cells would be lost.
        for (r, row) in t.rows.iter().enumerate().filter(|(_, row)| row.len() > columns) {
            let extra: String = row[columns..].iter().map(|c| format!("“{}”", c.0)).collect();
            errors.push(
                err(
                    "data.table",
                    &format!("attachments[{i}].table.rows[{r}][{columns}]"),
                    format!("这一行有 {} 格，表格只有{columns}列（columns）：多出的{extra}印不出来", row.len()),
                )
                .with_help("在 columns 里补上这一列的名称，或删去多出的格".to_string()),
            );
        }
    }
    if let Some(Err((level, message))) = report.numbering.as_ref().map(|n| n.levels()) {
        let path = level.map_or_else(|| "numbering".to_string(), |i| format!("numbering[{i}]"));
        errors.push(
            err("data.numbering", &path, message)
                .with_help("例：numbering: 公文；或 numbering: [\"{一}、\", \"（{一}）\", \"{1}．\"]".to_string()),
        );
    }
    if report.kind != Kind::Figures && !files.iter().any(|f| f.value.get("title").is_some()) {
        // Where a missing key is reported: the mapping that lacks it.
        errors.push(
            Diagnostic::error("data.missing-key", "缺少必填的键 `title`（报告的标题）")
                .at(yaml::locate(files, "", false))
                .with_help("请补上 `title:`；只为下一年提供数据的文件写 `kind: figures`"),
        );
    }
    errors
}

/// What is wrong with a unit as typed, if anything: Chinese quotation marks
/// taken for YAML's (`unit: “%”`) or a full-width `％` or `‰`-alike, either of
/// which would make a rate an amount (`增长5.2%` where `提高1.7个百分点` is meant).
fn unit_mistake(unit: &str) -> Option<String> {
    let quoted = |open: char, close: char| unit.chars().count() >= 2 && unit.starts_with(open) && unit.ends_with(close);
    if quoted('“', '”') || quoted('‘', '’') || quoted('「', '」') {
        let inner: String = unit.chars().skip(1).take(unit.chars().count() - 2).collect();
        return Some(format!("两边加了中文引号（{unit}）：YAML 的引号要用英文引号，写成 unit: \"{inner}\""));
    }
    if unit.contains('％') {
        return Some(format!("用了全角的百分号（{unit}）：请写半角的“%”"));
    }
    None
}

/// Largest magnitude of a figure: 10^15 (a thousand 万亿).
const MAX_FIGURE: f64 = 1e15;
/// Smallest magnitude of a figure other than 0: 10^-6.
const MIN_FIGURE: f64 = 1e-6;

/// Why `x` cannot be a figure of a report, if it cannot: not a finite number,
/// or out of [`MIN_FIGURE`]..=[`MAX_FIGURE`] (0 aside). Within the range every
/// derived figure (a rate per 10万 from a numerator and denominator, a change
/// relative to last year, a completion ratio) is a finite number.
fn out_of_range(x: f64) -> Option<String> {
    if !x.is_finite() {
        Some("不是有效数字".to_string())
    } else if x.abs() > MAX_FIGURE || (x != 0.0 && x.abs() < MIN_FIGURE) {
        Some(format!("超出范围（{x}）：报告里的数应在一千万亿（10¹⁵）以内，不为 0 时不小于百万分之一（10⁻⁶）"))
    } else {
        None
    }
}

/// A metric's kind: as given, else a rate for `%`, `‰` and `/10万`-style units.
pub fn kind_of(m: &Metric) -> MetricKind {
    m.kind.unwrap_or(if is_rate_unit(&m.unit) { MetricKind::Rate } else { MetricKind::Amount })
}

fn is_rate_unit(unit: &str) -> bool {
    matches!(unit, "%" | "‰") || unit.starts_with('/')
}

/// Scale of a rate unit: `%` 100, `‰` 1000, `/10万` 100000, `/万` 10000.
fn rate_scale(unit: &str) -> f64 {
    match unit {
        "%" => 100.0,
        "‰" => 1000.0,
        u if u.starts_with('/') => {
            let n = &u[1..];
            let (digits, mult) = match n.strip_suffix('万') {
                Some(d) => (d, 1e4),
                None => (n, 1.0),
            };
            digits.parse::<f64>().unwrap_or(1.0) * mult
        }
        _ => 1.0,
    }
}

/// A metric's value computed from its numerator and denominator, if it has both.
pub fn computed_value(m: &Metric) -> Option<f64> {
    match (m.numerator, m.denominator) {
        (Some(n), Some(d)) if d != 0.0 => Some(n / d * rate_scale(&m.unit)),
        _ => None,
    }
}

/// Print a figure with its unit, as written or to the metric's decimals.
pub fn figure(value: f64, decimals: Option<u8>, unit: &str) -> String {
    format!("{}{unit}", numbers::decimal(value, decimals))
}

/// What a change of a rate in `unit` is counted in: `个百分点` for `%`,
/// `个千分点` for `‰`, the unit itself otherwise (`/10万`).
pub fn points_unit(unit: &str) -> &str {
    match unit {
        "%" => "个百分点",
        "‰" => "个千分点",
        u => u,
    }
}

/// Derive what templates print from a report as written in `files`, for
/// `year`; `prior` is last year's report with what was derived from it.
///
/// Figures print as written (`93.70` keeps its zero) unless `decimals` says
/// otherwise; a rate derived from numerator and denominator has one decimal.
/// Changes are computed from the figures as printed, so that what the reader
/// can check adds up: an amount's in percent to one decimal (`增长20.8%`), a
/// rate's in points of its unit to the decimals of the more precise figure
/// (`12.05‰` to `11.68‰` is `下降0.37个千分点`).
pub fn derive(report: &Report, files: &[&YamlFile], year: i32, prior: Option<(&Report, &Derived)>) -> Derived {
    let level = report.unit.level.as_char();
    let name = &report.unit.name;
    let short = report
        .unit
        .short
        .clone()
        .unwrap_or_else(|| name.strip_suffix(level).filter(|s| !s.is_empty()).unwrap_or(name).to_string());
    let written = |path: String| super::text::written_places(files, &path);

    let targets = targets(report)
        .into_iter()
        .map(|(path, t)| {
            let number = numbers::decimal(t.value, written(format!("{path}.value")));
            (t.id.clone(), TargetFigures { text: format!("{number}{}", t.unit), number })
        })
        .collect();

    // Last year's targets by id, the last of an id counting, as in `Derived::targets`.
    let prior_targets: BTreeMap<&str, &Target> =
        prior.map(|(r, _)| self::targets(r).into_iter().map(|(_, t)| (t.id.as_str(), t)).collect()).unwrap_or_default();
    let metrics = metrics(report)
        .into_iter()
        .map(|(path, m)| {
            let kind = kind_of(m);
            let (value, decimals) = match m.value {
                Some(v) => (Some(v), m.decimals),
                None => (computed_value(m), m.decimals.or(Some(1))),
            };
            let places = decimals.or(written(format!("{path}.value")));
            let number = numbers::decimal(value.unwrap_or_default(), places);
            let last_year = prior.and_then(|(_, d)| d.metrics.get(&m.id));
            let (prior_value, prior_places) = match m.prior {
                Some(p) => (Some(p), written(format!("{path}.prior"))),
                None => (last_year.and_then(|pm| pm.value), last_year.and_then(|pm| pm.places)),
            };
            let prior_number = prior_value.map(|p| numbers::decimal(p, decimals.or(prior_places)));
            let change_kind = match kind {
                MetricKind::Amount => ChangeKind::Amount,
                MetricKind::Rate => ChangeKind::Points(points_unit(&m.unit)),
            };
            let change = prior_number.as_ref().and_then(|p| {
                let (now, then) = (number.parse::<f64>().ok()?, p.parse::<f64>().ok()?);
                let decimals = match kind {
                    MetricKind::Amount => 1,
                    MetricKind::Rate => places_of(&number).max(places_of(p)),
                };
                numbers::change(now, then, change_kind, decimals).map(|(direction, amount, text)| Change {
                    direction,
                    amount,
                    text,
                })
            });
            let target = prior_targets.get(m.id.as_str()).and_then(|t| {
                let figures = prior?.1.targets.get(&t.id)?;
                Some(completion(value.unwrap_or_default(), t, figures))
            });
            let figures = Figures {
                value,
                prior: prior_value,
                decimals,
                text: format!("{number}{}", m.unit),
                number,
                prior_text: prior_number.as_ref().map(|p| format!("{p}{}", m.unit)),
                prior_number,
                change,
                target,
                places,
            };
            (m.id.clone(), figures)
        })
        .collect();
    Derived { report_year: year, review_year: year - 1, whole: format!("全{level}"), short, metrics, targets }
}

/// Decimal places of a printed number (`0.37` → 2).
pub fn places_of(printed: &str) -> u8 {
    printed.split_once('.').map_or(0, |(_, f)| f.len().min(u8::MAX as usize) as u8)
}

/// How far `value` meets target `t`, printed as `figures`.
fn completion(value: f64, t: &Target, figures: &TargetFigures) -> Completion {
    let eps = 1e-9 * t.value.abs().max(1.0);
    let (ratio, met, exceeded) = match t.better {
        Better::Higher => (
            if t.value == 0.0 { 100.0 } else { value / t.value * 100.0 },
            value >= t.value - eps,
            value > t.value + eps,
        ),
        Better::Lower => {
            (if value == 0.0 { 100.0 } else { t.value / value * 100.0 }, value <= t.value + eps, value < t.value - eps)
        }
    };
    let status = match (met, exceeded) {
        (_, true) => "超额完成",
        (true, false) => "完成",
        _ => "未完成",
    };
    let ratio_text = format!("{}%", numbers::decimal(ratio, Some(1)));
    Completion {
        value: t.value,
        number: figures.number.clone(),
        value_text: figures.text.clone(),
        deadline: t.deadline,
        reference: t.reference.clone(),
        ratio,
        text: format!("{status}（{ratio_text}）"),
        ratio_text,
        status,
    }
}
