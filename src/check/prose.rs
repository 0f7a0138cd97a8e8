//! Figures written in the prose against the metrics of the same name. A figure
//! is written once, as a metric, and the report prints it from there; a
//! sentence that names a metric and gives it another value (`电子建档率92.2%`
//! where the metric says 93.7%) contradicts it, and one of the two is wrong.
//!
//! A name followed, within its clause, by a figure in the metric's unit is
//! read as this year's value; `由45.3%提高到66.2%` gives last year's and this
//! year's; a year before the name (`2016年签约率为45.3%`) says which year is
//! meant. Aims (`力争签约率达到70%`) and the plan are not read against the
//! metrics; the plan's prose is read against the targets of the same name
//! ([`plan_targets`]).
//!
//! A change against last year stated in the sentence after the name
//! (`达到32.6万份，比上年增长215.4%`, `同比提高1.7个百分点`) is checked against
//! this year's and last year's figures as printed: it contradicts them only
//! when no values that round to those figures give it (the writer may have
//! worked from more digits than are printed).

use crate::data::Loaded;
use crate::data::derive;
use crate::diag::Diagnostic;

/// A metric as the prose may name it.
struct Named {
    name: String,
    id: String,
    unit: String,
    /// This year's value, and its figure as printed (`32.6`).
    value: f64,
    number: String,
    text: String,
    /// Last year's figure as printed (`10.35`).
    prior_number: Option<String>,
    prior_text: Option<String>,
    /// A rate: its change is a difference in points, not a ratio.
    rate: bool,
    /// The change as the report prints it (`增长215.0%`).
    change_text: Option<String>,
}

/// Marks that end a clause.
const CLAUSE_END: [char; 9] = ['，', '。', '；', '！', '？', ',', ';', '、', '\n'];
/// Words between a name and a figure that make the figure something else than
/// the value: an aim, or a change.
const NOT_THE_VALUE: [&str; 12] =
    ["目标", "力争", "争取", "要求", "计划", "不低于", "不少于", "同比", "比上年", "较上年", "比去年", "较去年"];
/// Verbs of change: the figure after one is the change unless `到` or `至` follows.
const CHANGE: [&str; 8] = ["提高", "提升", "增长", "上升", "下降", "降低", "增加", "减少"];

/// Every figure in the data's prose that contradicts the metric of its name.
pub fn contradictions(loaded: &Loaded) -> Vec<Diagnostic> {
    let mut metrics: Vec<Named> = Vec::new();
    for (path, m) in derive::metrics(&loaded.report) {
        let Some(f) = loaded.derived.metrics.get(&m.id).filter(|_| !stood_in(loaded, &path)) else { continue };
        let (Ok(value), false) = (f.number.parse::<f64>(), m.unit.is_empty()) else { continue };
        if m.name.chars().count() < 2 || metrics.iter().any(|n| n.name == m.name) {
            continue;
        }
        metrics.push(Named {
            name: m.name.clone(),
            id: m.id.clone(),
            unit: m.unit.clone(),
            value,
            text: f.text.clone(),
            prior_text: f.prior_text.clone(),
            number: f.number.clone(),
            prior_number: f.prior_number.clone(),
            rate: derive::kind_of(m) == crate::data::model::MetricKind::Rate,
            change_text: f.change.as_ref().map(|c| c.text.clone()),
        });
    }
    // The longest name first, so `重点人群签约率` is not read as `签约率`.
    metrics.sort_by_key(|n| std::cmp::Reverse(n.name.len()));
    let review_year = loaded.derived.review_year;
    let mut out = Vec::new();
    for file in &loaded.files {
        super::texts(&file.value, "", &mut |path, s| {
            let skip = ["plan", "extra", "title", "subtitle"].iter().any(|p| crate::yaml::within(path, p))
                || path.contains(".metrics[")
                || path.contains(".targets[");
            if skip {
                return;
            }
            let named = mentions(s, &metrics, |m| m.name.as_str());
            for (k, &(name_at, m)) in named.iter().enumerate() {
                let Some(which) = year_meant(&s[..name_at], review_year) else { continue };
                let clause_start = name_at + m.name.len();
                // The change stated after the name, up to the next name or the sentence's end.
                let next = named.get(k + 1).map_or(s.len(), |&(at, _)| at);
                if let (Year::Review, Some((at, excerpt))) = (which, stated_change(&s[clause_start..next], m)) {
                    let at = clause_start + at;
                    out.push(
                        Diagnostic::error(
                            "figure.contradiction",
                            format!(
                                "文字里写的是“{}”，但指标“{}”（id `{}`）今年 {}、上年 {}，算出来是{}",
                                &s[name_at..at + excerpt.len()],
                                m.name,
                                m.id,
                                m.text,
                                m.prior_text.as_deref().unwrap_or_default(),
                                m.change_text.as_deref().unwrap_or_default()
                            ),
                        )
                        .at(file.locate_text(path, &excerpt, s[..at].matches(excerpt.as_str()).count()))
                        .with_path(path)
                        .with_help(
                            "按印出来的两个数字（连同它们四舍五入前可能的值）都算不出这个变化；把数字或变化改成一致（模板里可以用 metrics.<id>.change.text）",
                        ),
                    );
                }
                for (at, written, is_prior) in figures(&s[clause_start..], &m.unit) {
                    let is_prior = is_prior || which == Year::Prior;
                    let (expected, expected_text) = if is_prior {
                        match (m.prior_number.as_deref().and_then(|p| p.parse::<f64>().ok()), &m.prior_text) {
                            (Some(p), Some(t)) => (p, t.clone()),
                            _ => continue,
                        }
                    } else {
                        (m.value, m.text.clone())
                    };
                    let Ok(v) = written.parse::<f64>() else { continue };
                    if (v - expected).abs() <= half_unit(&written) + 1e-9 {
                        continue;
                    }
                    let at = clause_start + at;
                    let excerpt = format!("{written}{}", m.unit);
                    let said = &s[name_at..at + excerpt.len()];
                    let which = if is_prior { "上年数值" } else { "数值" };
                    out.push(
                        Diagnostic::error(
                            "figure.contradiction",
                            format!("文字里写的是“{said}”，但指标“{}”（id `{}`）的{which}是 {expected_text}", m.name, m.id),
                        )
                        .at(file.locate_text(path, &excerpt, s[..at].matches(excerpt.as_str()).count()))
                        .with_path(path)
                        .with_help(format!(
                            "数字只写一次：把两处改成一致（可以在模板里用 metrics.{}.text 引用指标）；如果文字说的是另一个指标，请把指标的 name 写得更具体",
                            m.id
                        )),
                    );
                }
            }
        });
    }
    out
}

/// Figures the plan's prose gives a target that the target does not have:
/// `常住人口家庭医生签约率达到35%以上` where the target says 40%. A target's
/// name followed, within its clause, by a figure in its unit (the second of
/// `由…提高到…`; not a change, `提高5个百分点`) is read as the target; a figure
/// that is this year's or last year's value of the metric of the same id is
/// the starting point, not a contradiction.
pub fn plan_targets(loaded: &Loaded) -> Vec<Diagnostic> {
    let mut targets: Vec<(&crate::data::model::Target, &crate::data::derive::TargetFigures)> = Vec::new();
    for (path, t) in derive::targets(&loaded.report) {
        let Some(f) = loaded.derived.targets.get(&t.id).filter(|_| !stood_in(loaded, &path)) else { continue };
        if t.unit.is_empty() || t.name.chars().count() < 2 || targets.iter().any(|(n, _)| n.name == t.name) {
            continue;
        }
        targets.push((t, f));
    }
    targets.sort_by_key(|(t, _)| std::cmp::Reverse(t.name.len()));
    let mut out = Vec::new();
    for file in &loaded.files {
        let Some(plan) = file.value.get("plan") else { continue };
        super::texts(plan, "plan", &mut |path, s| {
            if path.contains(".targets[") {
                return;
            }
            for (name_at, &(t, f)) in mentions(s, &targets, |(t, _)| t.name.as_str()) {
                let clause_start = name_at + t.name.len();
                let Some((at, written)) = aimed(&s[clause_start..], &t.unit) else { continue };
                let Ok(v) = written.parse::<f64>() else { continue };
                let metric = loaded.derived.metrics.get(&t.id);
                let known = [Some(t.value), metric.and_then(|m| m.value), metric.and_then(|m| m.prior)];
                if known.iter().flatten().any(|k| (v - k).abs() <= half_unit(&written) + 1e-9) {
                    continue;
                }
                let at = clause_start + at;
                let excerpt = format!("{written}{}", t.unit);
                let said = &s[clause_start - t.name.len()..at + excerpt.len()];
                out.push(
                    Diagnostic::warning(
                        "target.text",
                        format!("文字里写的是“{said}”，但目标“{}”（id `{}`）是 {}", t.name, t.id, f.text),
                    )
                    .at(file.locate_text(path, &excerpt, s[..at].matches(excerpt.as_str()).count()))
                    .with_path(path)
                    .with_help(format!("目标只写一次：把两处改成一致（文字里可以写 {{={}.plan}}）", t.id)),
                );
            }
        });
    }
    out
}

/// Whether the loader stood in for a value at or under `path` (a figure typed
/// as text): there is no figure to compare, its error says what is wrong.
fn stood_in(loaded: &Loaded, path: &str) -> bool {
    loaded.patched.iter().any(|p| crate::yaml::within(p, path) || crate::yaml::within(path, p))
}

/// The figure in `unit` a clause after a target's name aims at: its byte
/// offset and digits. The second of `由A提高到B`; none after a verb of change
/// without `到` (`提高5个百分点` is a change).
fn aimed(after: &str, unit: &str) -> Option<(usize, String)> {
    let mut found = None;
    for f in clause_figures(after, unit).into_iter().filter(|f| f.in_unit) {
        if is_change(f.gap) && found.is_none() {
            return None;
        }
        found = Some((f.at, f.digits.to_string()));
        if !["由", "从"].iter().any(|w| f.gap.contains(w)) {
            break;
        }
    }
    found
}

/// A figure in a clause: where it starts (bytes), its digits, whether the
/// unit follows it, and the text between it and the figure before.
struct Figure<'a> {
    at: usize,
    digits: &'a str,
    in_unit: bool,
    gap: &'a str,
}

/// The figures of the clause `after` starts (up to its first [`CLAUSE_END`]).
fn clause_figures<'a>(after: &'a str, unit: &str) -> Vec<Figure<'a>> {
    let clause = &after[..after.find(|c| CLAUSE_END.contains(&c)).unwrap_or(after.len())];
    let bytes = clause.as_bytes();
    let (mut out, mut i, mut gap_start) = (Vec::new(), 0, 0);
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += clause[i..].chars().next().map_or(1, char::len_utf8);
            continue;
        }
        let start = i;
        while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.') {
            i += 1;
        }
        let digits = clause[start..i].trim_end_matches('.');
        let rest = &clause[start + digits.len()..];
        let in_unit = rest.starts_with(unit) || (unit == "%" && rest.starts_with('％'));
        out.push(Figure { at: start, digits, in_unit, gap: &clause[gap_start..start] });
        gap_start = i;
    }
    out
}

/// Whether the words before a figure make it a change (`提高5`), not a value
/// reached (`提高到5`).
fn is_change(gap: &str) -> bool {
    CHANGE.iter().any(|w| gap.contains(w) && !gap.contains(&format!("{w}到")) && !gap.contains(&format!("{w}至")))
}

/// Where each metric is named in `s` (byte offset), longest name first at
/// each place, occurrences not overlapping.
fn mentions<'m, T>(s: &str, named: &'m [T], name: impl Fn(&T) -> &str) -> Vec<(usize, &'m T)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < s.len() {
        match named.iter().find(|m| s[i..].starts_with(name(m))) {
            Some(m) => {
                out.push((i, m));
                i += name(m).len();
            }
            None => i += s[i..].chars().next().map_or(1, char::len_utf8),
        }
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Year {
    Review,
    Prior,
}

/// Which year the clause before a name speaks of: a year written in it
/// (`2017年`), else the year under review; `None` when it is another year,
/// said in words that depend on the speaker (`去年`, `同期`), or an aim (`力争`).
fn year_meant(before: &str, review_year: i32) -> Option<Year> {
    let clause = before.rsplit(|c| CLAUSE_END.contains(&c)).next().unwrap_or(before);
    let elsewhere = ["去年", "上年", "前年", "同期", "确保"];
    if elsewhere.iter().chain(&NOT_THE_VALUE).any(|w| clause.contains(w)) {
        return None;
    }
    let last = super::years_named(clause).last().map(|&(_, _, to)| to).filter(|y| (1949..=2200).contains(y));
    match last {
        None => Some(Year::Review),
        Some(y) if y == review_year => Some(Year::Review),
        Some(y) if y == review_year - 1 => Some(Year::Prior),
        Some(_) => None,
    }
}

/// The figures in `unit` of the clause that follows a name, each with its
/// byte offset, the digits as written and whether it is last year's (the first
/// of `由…到…`). Stops at the first figure that is an aim or a change.
fn figures(after: &str, unit: &str) -> Vec<(usize, String, bool)> {
    let mut out = Vec::new();
    for f in clause_figures(after, unit) {
        if NOT_THE_VALUE.iter().any(|w| f.gap.contains(w)) || is_change(f.gap) {
            break;
        }
        // A figure in another unit (`3882人` before `96.81%`) is passed over.
        if !f.in_unit {
            continue;
        }
        let from = out.is_empty() && ["由", "从"].iter().any(|w| f.gap.contains(w));
        out.push((f.at, f.digits.to_string(), from));
        if !from {
            break;
        }
    }
    out
}

/// Words comparing with last year, just before a verb of change.
const AGAINST_LAST_YEAR: [&str; 6] = ["比上年", "较上年", "比去年", "较去年", "同比", "与上年相比"];

/// The change against last year stated in `after` (the text after `m`'s name,
/// up to its sentence's end) when the figures printed for `m` cannot give it:
/// its byte offset and text (`增长215.4%`). A ratio (`%`) for an amount, a
/// difference in points (`个百分点`, `个千分点`) for a rate; anything else is
/// not read.
fn stated_change(after: &str, m: &Named) -> Option<(usize, String)> {
    let sentence = &after[..after.find(['。', '；', '！', '？', ';']).unwrap_or(after.len())];
    let (now, then) = (m.value, m.prior_number.as_ref()?.parse::<f64>().ok()?);
    let (hn, ht) = (half_unit(&m.number), half_unit(m.prior_number.as_ref()?));
    for (w_at, w) in AGAINST_LAST_YEAR.iter().flat_map(|w| sentence.match_indices(w)) {
        let rest = &sentence[w_at + w.len()..];
        let Some(verb) = CHANGE.iter().find(|v| rest.starts_with(**v)) else { continue };
        let at = w_at + w.len();
        let num = rest[verb.len()..].trim_start_matches('了');
        let digits: String = num.chars().take_while(|c| c.is_ascii_digit() || *c == '.').collect();
        let digits = digits.trim_end_matches('.');
        let Ok(written) = digits.parse::<f64>() else { continue };
        let suffix = &num[digits.len()..];
        let points = derive::points_unit(&m.unit);
        let (lo, hi, unit) = if m.rate && matches!(m.unit.as_str(), "%" | "‰") && suffix.starts_with(points) {
            (now - hn - (then + ht), now + hn - (then - ht), points)
        } else if !m.rate && then - ht > 0.0 && (suffix.starts_with('%') || suffix.starts_with('％')) {
            (
                (now - hn) / (then + ht) * 100.0 - 100.0,
                (now + hn) / (then - ht) * 100.0 - 100.0,
                &suffix[..suffix.chars().next()?.len_utf8()],
            )
        } else {
            continue;
        };
        let down = ["下降", "降低", "减少"].contains(verb);
        let signed = if down { -written } else { written };
        let h = half_unit(digits);
        if signed + h + 1e-9 >= lo && signed - h - 1e-9 <= hi {
            return None;
        }
        let excerpt = format!("{}{digits}{unit}", &rest[..rest.len() - num.len()]);
        return Some((at, excerpt));
    }
    None
}

/// Half a unit in the last written place (`92.2` → 0.05): how far a written
/// figure may be from the value it rounds.
fn half_unit(written: &str) -> f64 {
    let places = written.split_once('.').map_or(0, |(_, f)| f.len());
    0.5 * 10f64.powi(-(places as i32))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_after_a_name() {
        assert_eq!(figures("92.2%，", "%"), [(0, "92.2".to_string(), false)]);
        assert_eq!(figures("达到93.7%以上。", "%"), [(6, "93.7".to_string(), false)]);
        assert_eq!(
            figures("由45.3%提高到66.2%", "%"),
            [(3, "45.3".to_string(), true), (17, "66.2".to_string(), false)]
        );
        assert!(figures("提高3.2个百分点", "%").is_empty());
        assert!(figures("同比提高3.2%", "%").is_empty());
        assert!(figures("目标为70%", "%").is_empty());
        assert!(figures("，另有92.2%", "%").is_empty());
    }

    #[test]
    fn the_year_a_clause_speaks_of() {
        assert_eq!(year_meant("全县", 2017), Some(Year::Review));
        assert_eq!(year_meant("2016年，全县", 2017), Some(Year::Review));
        assert_eq!(year_meant("2016年全县", 2017), Some(Year::Prior));
        assert_eq!(year_meant("2015年全县", 2017), None);
        assert_eq!(year_meant("与去年同期相比", 2017), None);
        assert_eq!(year_meant("力争", 2017), None);
    }
}
