//! Validation the templates rely on, and the derived figures they print: a rate
//! from numerator/denominator, change against last year (relative for amounts,
//! in percentage points for rates), completion of last year's targets matched by
//! id, and wording keyed to the unit's level (全县/全区/全市/全省).

use std::collections::BTreeMap;

use super::model::{Better, Change, Completion, Kind, Metric, MetricKind, Report, Section, Target};
use crate::diag::Diagnostic;
use crate::numbers::{self, ChangeKind};
use crate::yaml::{self, YamlFile};

/// Every metric of a report with its YAML path, in document order.
pub fn metrics_mut(report: &mut Report) -> Vec<(String, &mut Metric)> {
    let mut out = Vec::new();
    if let Some(review) = &mut report.review {
        for (i, m) in review.metrics.iter_mut().enumerate() {
            out.push((format!("review.metrics[{i}]"), m));
        }
        sections_metrics(&mut review.sections, "review.sections", &mut out);
    }
    if let Some(plan) = &mut report.plan {
        sections_metrics(&mut plan.sections, "plan.sections", &mut out);
        sections_metrics(&mut plan.safeguards, "plan.safeguards", &mut out);
    }
    out
}

fn sections_metrics<'a>(sections: &'a mut [Section], base: &str, out: &mut Vec<(String, &'a mut Metric)>) {
    for (s, section) in sections.iter_mut().enumerate() {
        for (i, item) in section.items.iter_mut().enumerate() {
            for (k, m) in item.metrics.iter_mut().enumerate() {
                out.push((format!("{base}[{s}].items[{i}].metrics[{k}]"), m));
            }
        }
    }
}

/// Every target of a report's plan with its YAML path.
pub fn targets_mut(report: &mut Report) -> Vec<(String, &mut Target)> {
    let mut out = Vec::new();
    if let Some(plan) = &mut report.plan {
        for (i, t) in plan.targets.iter_mut().enumerate() {
            out.push((format!("plan.targets[{i}]"), t));
        }
        for (base, sections) in [("plan.sections", &mut plan.sections), ("plan.safeguards", &mut plan.safeguards)] {
            for (s, section) in sections.iter_mut().enumerate() {
                for (i, item) in section.items.iter_mut().enumerate() {
                    for (k, t) in item.targets.iter_mut().enumerate() {
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
    let mut report = report.clone();
    let mut errors = Vec::new();
    let err = |id: &'static str, path: &str, msg: String| {
        Diagnostic::error(id, msg).at(yaml::locate(files, path, false)).with_path(path.to_string())
    };
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    let metrics = metrics_mut(&mut report);
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
    for (path, t) in targets_mut(&mut report) {
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

/// Fill in every derived field. `prior` is last year's report, already derived.
///
/// Figures print as written (`93.70` keeps its zero) unless `decimals` says
/// otherwise; a rate derived from numerator and denominator has one decimal.
/// Changes are computed from the figures as printed, so that what the reader
/// can check adds up: an amount's in percent to one decimal (`增长20.8%`), a
/// rate's in points of its unit to the decimals of the more precise figure
/// (`12.05‰` to `11.68‰` is `下降0.37个千分点`).
pub fn derive(report: &mut Report, year: i32, prior: Option<&Report>) {
    report.report_year = year;
    report.review_year = year - 1;
    let level = report.unit.level.as_char();
    report.unit.whole = format!("全{level}");
    if report.unit.short.is_none() {
        let name = &report.unit.name;
        report.unit.short = Some(name.strip_suffix(level).filter(|s| !s.is_empty()).unwrap_or(name).to_string());
    }

    for (_, t) in targets_mut(report) {
        t.number = numbers::decimal(t.value, t.places);
        t.text = format!("{}{}", t.number, t.unit);
    }
    report.targets = targets_mut(report).into_iter().map(|(_, t)| (t.id.clone(), t.clone())).collect();

    for (_, m) in metrics_mut(report) {
        let kind = kind_of(m);
        if m.value.is_none() {
            m.value = computed_value(m);
            m.decimals = m.decimals.or(Some(1));
        }
        let value = m.value.unwrap_or_default();
        m.number = numbers::decimal(value, m.decimals.or(m.places.value));
        m.text = format!("{}{}", m.number, m.unit);
        let last_year = prior.and_then(|p| p.metrics.get(&m.id));
        if m.prior.is_none() {
            m.prior = last_year.and_then(|pm| pm.value);
            m.places.prior = last_year.and_then(|pm| pm.decimals.or(pm.places.value));
        }
        m.prior_number = m.prior.map(|p| numbers::decimal(p, m.decimals.or(m.places.prior)));
        m.prior_text = m.prior_number.as_ref().map(|p| format!("{p}{}", m.unit));
        let change_kind = match kind {
            MetricKind::Amount => ChangeKind::Amount,
            MetricKind::Rate => ChangeKind::Points(points_unit(&m.unit)),
        };
        m.change = m.prior_number.as_ref().and_then(|p| {
            let (now, then) = (m.number.parse::<f64>().ok()?, p.parse::<f64>().ok()?);
            let decimals = match kind {
                MetricKind::Amount => 1,
                MetricKind::Rate => places_of(&m.number).max(places_of(p)),
            };
            numbers::change(now, then, change_kind, decimals).map(|(direction, amount, text)| Change {
                direction,
                amount,
                text,
            })
        });
        m.target = prior.and_then(|p| p.targets.get(&m.id)).map(|t| completion(value, t));
    }
    report.metrics = metrics_mut(report).into_iter().map(|(_, m)| (m.id.clone(), m.clone())).collect();
}

/// Decimal places of a printed number (`0.37` → 2).
pub fn places_of(printed: &str) -> u8 {
    printed.split_once('.').map_or(0, |(_, f)| f.len().min(u8::MAX as usize) as u8)
}

/// How far `value` meets target `t`.
fn completion(value: f64, t: &Target) -> Completion {
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
        number: t.number.clone(),
        value_text: t.text.clone(),
        deadline: t.deadline,
        reference: t.reference.clone(),
        ratio,
        text: format!("{status}（{ratio_text}）"),
        ratio_text,
        status,
    }
}
