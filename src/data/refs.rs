//! Figures written once: a data string names a metric or target by id
//! (`签约率达到{=signing_rate}，{=signing_rate.change}`) and the derived text
//! is printed in its place, so the prose cannot disagree with the metric.
//!
//! A reference is `{=ID}` or `{=ID.FIELD}`; `{=` never occurs in ordinary
//! Chinese text or in the markup, and everything else in the string is left
//! as written (and escaped by the templates as before).

use yaml_serde::Value;

use super::derive::Derived;
use crate::diag::Diagnostic;
use crate::yaml::{self, YamlFile};

/// What follows the id: the field a reference prints. The first is the default.
pub const FIELDS: [(&str, &str); 7] = [
    ("text", "本年数值和单位（66.2%）"),
    ("number", "本年数值，不带单位（66.2）"),
    ("prior", "上年数值和单位（63%）"),
    ("change", "同比（提高3.2个百分点、增长12.5%）"),
    ("target", "上年定的本年目标（60%）"),
    ("completion", "目标完成情况（超额完成（110.3%））"),
    ("plan", "工作部署里同 id 的新目标（70%）"),
];

/// Replace every reference in the strings of context `v` (at YAML path
/// `path`) by what it names; a reference that names nothing is an error at
/// its place in `files` and is left as written.
pub fn resolve(v: &mut Value, path: &str, derived: &Derived, files: &[&YamlFile], errors: &mut Vec<Diagnostic>) {
    match v {
        Value::String(s) if s.contains("{=") => {
            let (text, problems) = substitute(s, derived);
            *s = text;
            for (token, message, help) in problems {
                // A field of one or more paragraphs written as one string is
                // a list of one by now: its place in the file has no `[0]`.
                let written = match path.strip_suffix("[0]") {
                    Some(p) if yaml::locate(files, path, false).is_none() => p,
                    _ => path,
                };
                // A paragraph of points prints as one string: the reference is
                // in its lead or one of its points.
                let parts = std::iter::once(format!("{written}.lead")).chain(
                    (0..)
                        .map(|k| format!("{written}.points[{k}]"))
                        .take_while(|p| yaml::locate(files, p, false).is_some()),
                );
                let written = parts
                    .into_iter()
                    .find(|p| files.iter().any(|f| f.written(p).is_some_and(|w| w.contains(&token))))
                    .unwrap_or_else(|| written.to_string());
                let at = files
                    .iter()
                    .find_map(|f| f.locate_text(&written, &token, 0))
                    .or_else(|| yaml::locate(files, &written, false));
                let d = Diagnostic::error("data.reference", message).at(at).with_path(written);
                errors.push(match help {
                    Some(h) => d.with_help(h),
                    None => d,
                });
            }
        }
        Value::Mapping(m) => {
            for (k, v) in m.iter_mut() {
                // The context's `metrics` and `targets` by id repeat what the
                // report holds: each reference is resolved, and reported, once.
                if let Some(k) = k.as_str()
                    && !(path.is_empty() && (k == "metrics" || k == "targets"))
                {
                    resolve(v, &yaml::child_path(path, k), derived, files, errors);
                }
            }
        }
        Value::Sequence(items) => {
            for (i, v) in items.iter_mut().enumerate() {
                resolve(v, &format!("{path}[{i}]"), derived, files, errors);
            }
        }
        _ => {}
    }
}

/// A complete reference as written in a string.
pub struct Reference<'a> {
    /// Byte offset of its `{=`.
    pub at: usize,
    /// The whole token: `{=signing_rate.change}`.
    pub token: &'a str,
    /// What is inside the braces, trimmed: `signing_rate.change`.
    pub inner: &'a str,
}

impl<'a> Reference<'a> {
    /// The id and the field (`text` when none is written).
    pub fn parts(&self) -> (&'a str, &'a str) {
        self.inner.split_once('.').unwrap_or((self.inner, "text"))
    }
}

/// Every complete reference in `s`, in order: `{=` and the `}` that closes it
/// with no `{` between. A `{=` not closed so (see [`unclosed`]) is no
/// reference; the references after it still are.
pub fn references(s: &str) -> impl Iterator<Item = Reference<'_>> {
    let mut from = 0;
    std::iter::from_fn(move || {
        loop {
            let at = from + s[from..].find("{=")?;
            from = at + 2;
            if let Some(end) = closing(s, at) {
                from = end;
                return Some(Reference { at, token: &s[at..end], inner: s[at + 2..end - 1].trim() });
            }
        }
    })
}

/// Where the reference starting at `at` ends (after its `}`), if it is closed
/// before any other `{`.
fn closing(s: &str, at: usize) -> Option<usize> {
    let k = s[at + 2..].find(['{', '}'])?;
    s[at + 2 + k..].starts_with('}').then_some(at + 2 + k + 1)
}

/// Each `{=` of `s` that no `}` closes before the next `{`, with what follows
/// it up to that `{` or the end (`{=signing_rate；重点人群签约率`): how the writer
/// finds it in the file.
pub fn unclosed(s: &str) -> impl Iterator<Item = &str> {
    s.match_indices("{=").filter(move |(at, _)| closing(s, *at).is_none()).map(move |(at, _)| {
        let end = s[at + 2..].find('{').map_or(s.len(), |k| at + 2 + k);
        &s[at..end]
    })
}

/// `s` rolled into next year's data file: what this year's plan sets
/// (`{=id.plan}`) is, next year, last year's target (`{=id.target}`).
pub fn roll(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut done = 0;
    for r in references(s) {
        out.push_str(&s[done..r.at]);
        match r.parts() {
            (id, "plan") => out.push_str(&format!("{{={id}.target}}")),
            _ => out.push_str(r.token),
        }
        done = r.at + r.token.len();
    }
    out.push_str(&s[done..]);
    out
}

/// `s` with its references replaced, and each reference that could not be
/// (as written, the message, a hint).
fn substitute(s: &str, derived: &Derived) -> (String, Vec<(String, String, Option<String>)>) {
    let mut out = String::with_capacity(s.len());
    let mut problems = Vec::new();
    let mut done = 0;
    for r in references(s) {
        out.push_str(&s[done..r.at]);
        match lookup(r.inner, derived) {
            Ok(text) => out.push_str(&text),
            Err((message, help)) => {
                problems.push((r.token.to_string(), message, help));
                out.push_str(r.token);
            }
        }
        done = r.at + r.token.len();
    }
    for token in unclosed(s) {
        problems.push((
            token.to_string(),
            "引用没有写完：`{=` 后面缺少 `}`".to_string(),
            Some("写成 {=指标id} 或 {=指标id.change}".to_string()),
        ));
    }
    out.push_str(&s[done..]);
    (out, problems)
}

/// The text reference `reference` (`signing_rate.change`) prints.
fn lookup(reference: &str, derived: &Derived) -> Result<String, (String, Option<String>)> {
    let (id, field) = reference.split_once('.').unwrap_or((reference, "text"));
    let metric = derived.metrics.get(id);
    let target = derived.targets.get(id);
    if metric.is_none() && target.is_none() {
        let ids: Vec<String> = derived.metrics.keys().chain(derived.targets.keys()).cloned().collect();
        let help = match yaml::suggest(id, &ids) {
            Some(near) => format!("是不是 {{={near}}}？"),
            None if ids.is_empty() => "这份数据里还没有指标或目标".to_string(),
            None => format!("已有的 id：{}", ids.iter().take(8).cloned().collect::<Vec<_>>().join("、")),
        };
        return Err((format!("引用了不存在的指标或目标“{id}”"), Some(help)));
    }
    if !FIELDS.iter().any(|(f, _)| *f == field) {
        let fields: Vec<&str> = FIELDS.iter().map(|(f, _)| *f).collect();
        return Err((format!("“{id}”没有“{field}”这一项"), Some(format!("可以写：{}", fields.join("、")))));
    }
    let missing = |what: &str| Err((format!("“{id}”没有{what}，{{={reference}}} 印不出来"), None));
    let Some(m) = metric else {
        // A target alone: its value is what it says.
        return match (field, target) {
            ("text" | "plan", Some(t)) => Ok(t.text.clone()),
            ("number", Some(t)) => Ok(t.number.clone()),
            _ => missing("这一项（它是目标，不是指标）"),
        };
    };
    let found = match field {
        "text" => Some(m.text.clone()),
        "number" => Some(m.number.clone()),
        "prior" => m.prior_text.clone(),
        "change" => m.change.as_ref().map(|c| c.text.clone()),
        "target" => m.target.as_ref().map(|t| t.value_text.clone()),
        "completion" => m.target.as_ref().map(|t| t.text.clone()),
        _ => target.map(|t| t.text.clone()),
    };
    match (found, field) {
        (Some(text), _) => Ok(text),
        (None, "prior" | "change") => missing("上年数（写 prior，或放上年的数据文件）"),
        (None, "target" | "completion") => missing("上年定的目标"),
        _ => missing("工作部署里的新目标"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn this_years_plan_is_next_years_target() {
        assert_eq!(super::roll("完成{=clinics.plan}，签约率{=rate}，{x}"), "完成{=clinics.target}，签约率{=rate}，{x}");
        assert_eq!(super::roll("未完{=a.plan"), "未完{=a.plan");
        assert_eq!(super::roll("{=a.plan，{=b.plan}"), "{=a.plan，{=b.target}");
    }

    #[test]
    fn a_reference_left_open_is_no_reference_and_the_next_still_is() {
        let s = "甲{=a，乙{=b}，丙{=c";
        let found: Vec<&str> = super::references(s).map(|r| r.token).collect();
        assert_eq!(found, ["{=b}"]);
        assert_eq!(super::unclosed(s).collect::<Vec<_>>(), ["{=a，乙", "{=c"]);
        assert_eq!(super::unclosed("{=a}{=b}").count(), 0);
    }
}
