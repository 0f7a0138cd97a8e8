//! Checks for the mistakes that reach print in hand-made reports: placeholders
//! (`xx区`), impossible figures (`直报率20230%`), wrong years, targets that lead
//! nowhere, sloppy punctuation, and a rendered document with a hole in its
//! structure. `nianbao check` reports them; `render` runs the same pass.
//!
//! Every finding is a [`Diagnostic`] with an id, a severity and a location in
//! the data (file:line:column and YAML path) or, for what only the rendered
//! document shows, the paragraph. A project silences ids in `nianbao.yaml`
//! (`check.silence`), a whole group with `text.*`.

mod prose;
mod text;

use std::collections::BTreeSet;
use std::sync::LazyLock;

use yaml_serde::Value;

use crate::config::CheckConfig;
use crate::data::Loaded;
use crate::data::derive::{self, Derived, kind_of};
use crate::data::model::{Kind, Level, MetricKind};
use crate::diag::{Diagnostic, Severity};
use crate::doc::{Block, Document};
use crate::yaml::YamlFile;

/// Every check id with its severity and what it catches, for `check --help`,
/// the README and silencing.
pub const CHECKS: [(&str, Severity, &str); 37] = [
    ("placeholder", Severity::Error, "占位符：xx、XX、××、某某、＊＊、TODO、待定、[ ]"),
    ("text.empty", Severity::Error, "必填的文字为空"),
    ("figure.rate-over-100", Severity::Error, "比率超过100%"),
    ("figure.negative", Severity::Error, "数量或比率为负数"),
    ("figure.rate-mismatch", Severity::Error, "写明的比率与分子、分母算出的不一致"),
    ("figure.parts", Severity::Error, "合计与各分项之和不一致"),
    (
        "figure.contradiction",
        Severity::Error,
        "文字里的数字与同名指标不一致，如“电子建档率92.2%”而指标是93.7%；或写的同比变化由今年、上年数字算不出来",
    ),
    ("figure.year-in-number", Severity::Warning, "数字里夹着年份，如“12023户”（替换时误把年份填进了数字）"),
    ("unit.other", Severity::Warning, "会议名称或发文单位写的是别的县区，如从邻县的稿子复制来忘了改"),
    ("unit.level", Severity::Warning, "单位的级别与名称不符，如“样例区”写了 level: 县，会印成“全县”"),
    ("year.date", Severity::Error, "会议日期或成文日期不在报告年度"),
    ("year.honour", Severity::Warning, "荣誉的日期不在回顾年度"),
    ("year.in-plan", Severity::Warning, "工作部署部分出现了上一年的年份"),
    (
        "year.stale",
        Severity::Warning,
        "会议名称、标题里的年份都不是报告年份，或回顾的总述以别的年份开头（从去年的稿子复制来、忘了改）",
    ),
    ("target.text", Severity::Warning, "部署的文字里写的目标数与目标不符，如“达到35%”而目标是40%"),
    ("target.unmatched", Severity::Warning, "去年的目标今年没有对应的指标"),
    ("target.deadline", Severity::Warning, "目标的完成时限晚于计划年度"),
    (
        "target.old-in-plan",
        Severity::Warning,
        "工作部署里用 {=id.target} 引用了上年定的目标，而同一 id 今年有新目标（{=id.plan}）",
    ),
    ("data.no-prior", Severity::Warning, "没有上一年的数据文件，算不出同比和完成情况"),
    ("data.no-date", Severity::Warning, "报告没有日期（date 或 meeting.date）"),
    ("data.not-printed", Severity::Warning, "写了指标或目标，但所用模板不印它们"),
    ("data.unread", Severity::Warning, "写了某一项，但所用模板从不读它，如规划模板不用 phrases.tasks"),
    ("text.invisible", Severity::Warning, "文字里有看不见的字符（零宽空格、方向标记等），已删除"),
    ("text.halfwidth", Severity::Warning, "中文里用了半角标点 ,;:?!()"),
    ("text.space", Severity::Warning, "汉字之间有空格，如网页复制时丢了“+”的“互联网 医疗健康”"),
    ("text.unpaired", Severity::Warning, "引号、括号、书名号不成对"),
    ("text.fullwidth-digit", Severity::Warning, "数字用了全角，如“１１４９３０人”"),
    ("text.doubled", Severity::Warning, "标点重复，如“。。”“，。”"),
    ("text.artefact", Severity::Warning, "文字转换留下的错词，如“效劳”（服务）、“方案生育”（计划生育）"),
    ("text.unclosed", Severity::Warning, "段落没有以句号等标点结束"),
    (
        "title.typed-number",
        Severity::Warning,
        "标题前手写了编号，如“（一）公立医院改革”“一是加强管理”；模板自动编号，印出来会重复",
    ),
    ("doc.heading-skip", Severity::Warning, "标题跳级（如一级标题下直接出现三级标题）"),
    ("doc.empty-section", Severity::Warning, "标题下没有内容"),
    (
        "doc.number-jump",
        Severity::Warning,
        "用 number 指定的编号跳号或重号，如（一）（二）（四）；或标题不编号，number 不起作用",
    ),
    ("font.fallback", Severity::Warning, "正文字体缺的字改用后备字体"),
    ("table.empty", Severity::Warning, "表格只有表头，没有数据行"),
    ("table.cramped", Severity::Warning, "表格列太多或字号太大：栏比栏里的词或数字还窄，只能从中间断开"),
];

/// The checks of the data alone: they run even when the data has errors that
/// keep it from being rendered, so every problem of a file is found at once.
/// Findings about values the loader replaced (see [`Loaded::patched`]) are
/// left out: they would only echo the loader's errors.
pub fn data(loaded: &Loaded, config: &CheckConfig) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let years = [loaded.derived.report_year, loaded.derived.review_year];
    for file in &loaded.files {
        strings(file, &file.value, "", &years, &mut out);
    }
    figures(loaded, &mut out);
    out.extend(prose::contradictions(loaded));
    out.extend(prose::plan_targets(loaded));
    years_check(loaded, &mut out);
    other_unit(loaded, &mut out);
    empty_tables(loaded, &mut out);
    targets(loaded, &mut out);
    gaps(loaded, &mut out);
    finish(out, loaded, config)
}

/// The checks only the rendered document shows. `template` is the one that
/// rendered it; `data_findings` are what [`data`] found, not to be repeated.
pub fn document(
    loaded: &Loaded,
    doc: &Document,
    template: &str,
    data_findings: &[Diagnostic],
    config: &CheckConfig,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    structure(doc, data_findings, &mut out);
    number_jumps(loaded, doc, &mut out);
    not_printed(loaded, doc, template, &mut out);
    finish(out, loaded, config)
}

/// Tables too cramped for their type size: a column narrower than a word or
/// figure of its own, which the layout then breaks where it must
/// (`1022.45／7`). One warning per table, at its header in the data when an
/// attachment of the data wrote the table; `configured`: the configuration
/// fixes the tables' size.
pub fn tables(loaded: &Loaded, doc: &Document, layout: &crate::layout::Layout, configured: bool) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (bi, block) in doc.blocks.iter().enumerate() {
        let (Block::Table(t), Some(crate::layout::SetBlock::Table(set))) = (block, &layout.blocks[bi]) else {
            continue;
        };
        if set.squeezed.is_empty() {
            continue;
        }
        let names: Vec<String> =
            set.squeezed.iter().map(|&c| t.header.get(c).map(|h| h.plain()).unwrap_or_default()).collect();
        let columns = match names.len() {
            n if n == set.content.len() => "每一栏都".to_string(),
            n if n > 3 => format!("{}等 {n} 栏", names[..3].iter().map(|n| format!("“{n}”")).collect::<String>()),
            _ => format!("{}栏", names.iter().map(|n| format!("“{n}”")).collect::<String>()),
        };
        let size = crate::config::size_name(layout.table_size);
        let mut d = Diagnostic::warning(
            "table.cramped",
            format!("表格在{size}字下排不下：{columns}比栏里最长的词或数字还窄，只能从中间断开"),
        )
        .with_help(if configured {
            format!(
                "表格字号由 nianbao.yaml 的 fonts.roles.table.size 定为{size}：改小（如 四号）或删去 size 让 nianbao 自己选；也可以减少列、缩短表头"
            )
        } else {
            "列太多：减少列、缩短表头，或在 nianbao.yaml 的 fonts.roles.table.size 设更小的字号（如 五号）".to_string()
        });
        // The attachment whose table has this header: at the first cramped column's name.
        let header: Vec<String> = t.header.iter().map(|h| h.plain()).collect();
        let written =
            (loaded.report.attachments.iter()).position(|a| a.table.as_ref().is_some_and(|dt| dt.columns == header));
        if let Some(i) = written {
            let path = format!("attachments[{i}].table.columns[{}]", set.squeezed[0]);
            d = d.at(loaded.locate(&path)).with_path(path);
        }
        out.push(d);
    }
    out
}

/// Located errors for characters no font has: each text of the data holding
/// one, at the character; a character only the template wrote keeps the place
/// in the document the font check names.
pub fn glyphs(loaded: &Loaded, missing: &crate::fonts::coverage::Missing) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (&ch, places) in missing {
        let generic = crate::fonts::coverage::missing_glyph(ch, &[]);
        let mut found = Vec::new();
        for file in &loaded.files {
            texts(&file.value, "", &mut |path, s| {
                if s.contains(ch) && !path.starts_with("extra") {
                    found.push(
                        generic.clone().at(file.locate_text(path, &ch.to_string(), 0)).with_path(path.to_string()),
                    );
                }
            });
        }
        if found.is_empty() {
            found.push(crate::fonts::coverage::missing_glyph(ch, places));
        }
        out.extend(found);
    }
    out
}

/// Located errors for the characters of the data no face of `book` has at all,
/// for when there is no document to check (the data has errors, or the
/// template failed): what [`glyphs`] would report once there is one.
pub fn glyphs_in_data(loaded: &Loaded, book: &crate::fonts::FontBook) -> Vec<Diagnostic> {
    let mut chars = BTreeSet::new();
    for file in &loaded.files {
        texts(&file.value, "", &mut |path, s| {
            if !path.starts_with("extra") {
                chars.extend(s.chars().filter(|c| !c.is_whitespace() && !c.is_control()));
            }
        });
    }
    let mut missing = crate::fonts::coverage::Missing::new();
    for ch in chars {
        let mut any = false;
        for id in 0..book.len() {
            match book.face(id) {
                Ok(face) => any |= face.has_char(ch),
                Err(e) => return e.0,
            }
            if any {
                break;
            }
        }
        if !any {
            missing.insert(ch, Vec::new());
        }
    }
    glyphs(loaded, &missing)
}

/// Call `f` with every text of a data file and its YAML path.
fn texts(v: &Value, path: &str, f: &mut dyn FnMut(&str, &str)) {
    match v {
        Value::Mapping(m) => {
            for (k, v) in m {
                if let Some(k) = k.as_str() {
                    texts(v, &crate::yaml::child_path(path, k), f);
                }
            }
        }
        Value::Sequence(items) => {
            for (i, v) in items.iter().enumerate() {
                texts(v, &format!("{path}[{i}]"), f);
            }
        }
        Value::String(s) => f(path, s),
        _ => {}
    }
}

/// Findings as reported: not silenced, not about a replaced value.
fn finish(mut out: Vec<Diagnostic>, loaded: &Loaded, config: &CheckConfig) -> Vec<Diagnostic> {
    out.retain(|d| !silenced(d.id, &config.silence) && !d.path.as_ref().is_some_and(|p| loaded.is_patched(p)));
    out
}

/// Whether `id` is silenced by an entry of `silence` (`text.unpaired` or `text.*`).
pub fn silenced(id: &str, silence: &[String]) -> bool {
    silence.iter().any(|s| s == id || s.strip_suffix('*').is_some_and(|p| id.starts_with(p)))
}

/// Keys whose text is a paragraph and must end with closing punctuation.
const PARAGRAPH_KEYS: [&str; 8] =
    ["opening", "closing", "thanks", "problems", "intro", "outro", "paragraphs", "points"];

/// Check each text of a data file where it is written; every occurrence of a
/// finding is located on its own.
fn strings(file: &YamlFile, v: &Value, path: &str, years: &[i32], out: &mut Vec<Diagnostic>) {
    texts(v, path, &mut |path, s| {
        let at = |h: &text::Hit| {
            Diagnostic { severity: h.severity, ..Diagnostic::error(h.id, h.message.clone()) }
                .at(file.locate_text(path, &h.excerpt, h.occurrence(s)))
                .with_path(path)
        };
        // A table cell may be empty (a 备注 with nothing to note).
        if s.trim().is_empty() && !path.starts_with("extra") && !path.contains("table.rows[") {
            out.push(Diagnostic::error("text.empty", "这里的文字是空的").at(file.locate(path)).with_path(path));
            return;
        }
        out.extend(typed_number(file, path, s));
        let mut hits = text::placeholders(s);
        let rates = text::impossible_rates(s);
        let in_rates = |h: &text::Hit| rates.iter().any(|r| r.at <= h.at && h.at < r.at + r.excerpt.len());
        hits.extend(text::years_in_numbers(s, years).into_iter().filter(|h| !in_rates(h)));
        hits.extend(rates.iter().cloned());
        if s.chars().any(|c| c as u32 >= 0x3400) {
            hits.extend(text::hygiene(s));
            let key = path.rsplit('.').next().unwrap_or(path);
            let key = key.split('[').next().unwrap_or(key);
            if PARAGRAPH_KEYS.contains(&key) {
                hits.extend(text::unclosed(s));
            }
        }
        out.extend(hits.iter().map(at));
    });
}

/// A heading title (of a section, an item, a safeguard) typed with the
/// marker the template numbers it with. Every text of the data passes here;
/// only those titles are matched against the markers.
fn typed_number(file: &YamlFile, path: &str, title: &str) -> Option<Diagnostic> {
    let heading = path.ends_with(".title") && (path.contains("sections[") || path.contains("safeguards["));
    let marker = heading.then(|| crate::numbers::typed_marker(title)).flatten()?;
    Some(
        Diagnostic::warning(
            "title.typed-number",
            format!("标题前手写了编号“{marker}”：模板会自动编号，印出来这个标题就有两个编号"),
        )
        .with_help(format!("删掉“{marker}”；编号要跳过或指定时，写 number: 数字"))
        .at(file.locate_text(path, marker, 0))
        .with_path(path),
    )
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
    let metrics = derive::metrics(&loaded.report);
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
            // A derived value is written nowhere: point at the numerator.
            let written = |key: &str| loaded.locate(&format!("{path}.{key}")).is_some();
            let key = if written("value") || !written("numerator") { "value" } else { "numerator" };
            out.push(locate(
                loaded,
                Severity::Error,
                "figure.rate-over-100",
                &format!("{path}.{key}"),
                format!(
                    "指标“{}”是比率，却超过了100%（{}%）",
                    m.name,
                    crate::numbers::decimal(shown.unwrap(), Some(1))
                ),
            ));
        }
        if let (Some(v), Some(c)) = (m.value, computed)
            && loaded.locate(&format!("{path}.value")).is_some()
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
                    crate::numbers::decimal(c, Some(2)),
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
                    crate::numbers::decimal(sum, Some(2))
                ),
            ));
        }
    }
}

/// Dates in the wrong year; last year's year number in this year's plan.
fn years_check(loaded: &Loaded, out: &mut Vec<Diagnostic>) {
    let r = &loaded.report;
    let Derived { report_year, review_year, .. } = loaded.derived;
    let mut dates = vec![("date", r.date)];
    if let Some(m) = &r.meeting {
        dates.push(("meeting.date", Some(m.date)));
    }
    for (path, date) in dates {
        if let Some(d) = date
            && d.year != report_year
        {
            out.push(locate(
                loaded,
                Severity::Error,
                "year.date",
                path,
                format!("这份报告是{}年的，日期却是{}年", report_year, d.year),
            ));
        }
    }
    if let Some(review) = &r.review {
        for (i, h) in review.honours.iter().enumerate() {
            if let Some(d) = h.date
                && d.year != review_year
            {
                out.push(locate(
                    loaded,
                    Severity::Warning,
                    "year.honour",
                    &format!("review.honours[{i}].date"),
                    format!("回顾的是{}年的工作，这项荣誉的日期却是{}年", review_year, d.year),
                ));
            }
        }
    }
    stale_years(loaded, out);
    // Last year's year number inside the plan reads like text copied from last year's report.
    let stale = format!("{}年", review_year);
    let fresh = [format!("{}年底", review_year), format!("{}年相比", review_year), format!("比{}年", review_year)];
    for file in &loaded.files {
        let Some(plan) = file.value.get("plan") else { continue };
        texts(plan, "plan", &mut |path, s| {
            if s.contains(stale.as_str()) && !fresh.iter().any(|f| s.contains(f.as_str())) {
                out.push(
                    Diagnostic::warning(
                        "year.in-plan",
                        format!("工作部署里出现了“{stale}”：是不是从去年的报告里复制来、忘了改年份？"),
                    )
                    .at(file.locate_text(path, &stale, 0))
                    .with_path(path),
                );
            }
        });
    }
}

/// The years a text names with where each starts: `2017年` as (at, 2017,
/// 2017), a span `2021—2025年` (or `2021-2025年`, `2021至2025年`) as (at,
/// 2021, 2025; also `2016年至2017年`).
fn years_named(s: &str) -> Vec<(usize, i32, i32)> {
    // Four digits (no more) ending at `end`, and where they start.
    let year_before = |end: usize| -> Option<(usize, i32)> {
        let digits = s.as_bytes()[..end].iter().rev().take_while(|b| b.is_ascii_digit()).count();
        if digits != 4 {
            return None;
        }
        Some((end - 4, s[end - 4..end].parse().ok()?))
    };
    let mut out = Vec::new();
    for (at, _) in s.match_indices('年') {
        let Some((start, to)) = year_before(at) else { continue };
        let span = ['—', '-', '–', '~', '～', '至', '到']
            .iter()
            .find_map(|&mark| s[..start].strip_suffix(mark))
            .and_then(|before| year_before(before.strip_suffix('年').unwrap_or(before).len()));
        out.push(match span {
            Some((from_at, from)) => (from_at, from, to),
            None => (start, to, to),
        });
    }
    out
}

/// Texts copied from last year's file with the year left unchanged: the
/// meeting's name, the title and subtitle naming only other years than the
/// report's; the review's summary opening with a year other than the one
/// reviewed.
fn stale_years(loaded: &Loaded, out: &mut Vec<Diagnostic>) {
    // Located at `2017年` (the end of a span `2015—2017年`).
    let Derived { report_year, review_year, .. } = loaded.derived;
    let warn = |file: &YamlFile, path: &str, year: i32, message: String| {
        Diagnostic::warning("year.stale", message)
            .at(file.locate_text(path, &format!("{year}年"), 0))
            .with_path(path)
            .with_help("是不是从去年的稿子复制来、忘了改年份？")
    };
    for file in &loaded.files {
        for key in ["meeting", "title", "subtitle"] {
            let Some(v) = file.value.get(key) else { continue };
            texts(v, key, &mut |path, s| {
                let years = years_named(s);
                if let Some(&(_, _, first)) = years.first()
                    && !years.iter().any(|&(_, from, to)| (from..=to).contains(&report_year))
                {
                    out.push(warn(file, path, first, format!("这份报告是{report_year}年的，这里写的却是{first}年")));
                }
            });
        }
        if let Some(v) = file.value.get("review").and_then(|r| r.get("summary")) {
            texts(v, "review.summary", &mut |path, s| {
                if let Some(&(0, year, _)) = years_named(s.trim_start()).first()
                    && year != review_year
                {
                    out.push(warn(file, path, year, format!("回顾的是{review_year}年的工作，总述却以“{year}年”开头")));
                }
            });
        }
    }
}

/// Another unit's name left in a file copied from a neighbour's: a meeting or
/// issuer starting with a place that is not the report's unit (`示例区…` in
/// 样例区's file); and a level that is not the one the name ends with (样例区
/// written `level: 县` prints 全县).
fn other_unit(loaded: &Loaded, out: &mut Vec<Diagnostic>) {
    static PLACE: LazyLock<regex::Regex> =
        LazyLock::new(|| regex::Regex::new(&format!(r"^\p{{Han}}{{2,8}}?[{}]", Level::chars())).expect("place"));
    let unit = &loaded.report.unit;
    let short = &loaded.derived.short;
    for file in &loaded.files {
        let level = file.value.get("unit").and_then(|u| u.get("level"));
        if let (Some(_), Some(named)) = (level, Level::of_name(&unit.name))
            && named != unit.level
        {
            let end = named.as_char();
            out.push(
                Diagnostic::warning(
                    "unit.level",
                    format!(
                        "单位“{}”写的级别是“{}”，报告里会印成“全{}”",
                        unit.name,
                        unit.level.as_char(),
                        unit.level.as_char()
                    ),
                )
                .at(file.locate("unit.level"))
                .with_path("unit.level")
                .with_help(format!("应为 level: {end}")),
            );
        }
        let named = [
            ("meeting.name", file.value.get("meeting").and_then(|m| m.get("name"))),
            ("issuer", file.value.get("issuer")),
        ];
        for (path, value) in named {
            let Some(text) = value.and_then(Value::as_str) else { continue };
            if text.contains(unit.name.as_str()) || text.contains(short.as_str()) {
                continue;
            }
            let Some(place) = PLACE.find(text).map(|m| m.as_str()) else { continue };
            if place.starts_with(['全', '本', '我', '各']) {
                continue;
            }
            out.push(
                Diagnostic::warning("unit.other", format!("这里写的是“{place}”，但报告单位是“{}”", unit.name))
                    .at(file.locate_text(path, place, 0))
                    .with_path(path)
                    .with_help("是不是从别的县的稿子复制来、忘了改？"),
            );
        }
    }
}

/// A table a draft left with a header and no rows.
fn empty_tables(loaded: &Loaded, out: &mut Vec<Diagnostic>) {
    for (i, a) in loaded.report.attachments.iter().enumerate() {
        if a.table.as_ref().is_some_and(|t| t.rows.is_empty()) {
            let path = format!("attachments[{i}].table.rows");
            out.push(
                Diagnostic::warning("table.empty", format!("附件“{}”的表格只有表头，没有数据行", a.title))
                    .at(loaded.locate(&path))
                    .with_path(path),
            );
        }
    }
}

/// Last year's targets without a metric this year (no completion can be
/// derived); this year's deadlines after the plan year.
fn targets(loaded: &Loaded, out: &mut Vec<Diagnostic>) {
    let r = &loaded.report;
    let report_year = loaded.derived.report_year;
    if let Some(prior) = &loaded.prior {
        let prior_file =
            loaded.inputs.iter().find(|p| p.file_stem().is_some_and(|s| s == (report_year - 1).to_string().as_str()));
        let prior_yaml = prior_file.and_then(|p| YamlFile::read(p).ok());
        for (path, t) in derive::targets(&prior.report) {
            if !loaded.derived.metrics.contains_key(&t.id) {
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
    // `{=id.target}` is last year's target for this year; in the plan, where
    // the same id sets a new one, the writer most likely meant `{=id.plan}`.
    for file in &loaded.files {
        texts(&file.value, "", &mut |path, s| {
            if !crate::yaml::within(path, "plan") {
                return;
            }
            for r in crate::data::refs::references(s) {
                let (id, "target") = r.parts() else { continue };
                let (token, at) = (r.token, r.at);
                let (Some(new), Some(old)) =
                    (loaded.derived.targets.get(id), loaded.derived.metrics.get(id).and_then(|m| m.target.as_ref()))
                else {
                    continue;
                };
                out.push(
                    Diagnostic::warning(
                        "target.old-in-plan",
                        format!(
                            "工作部署里的 {token} 印的是上年定的目标 {}，不是今年部署的新目标 {}",
                            old.value_text, new.text
                        ),
                    )
                    .at(file.locate_text(path, token, s[..at].matches(token).count()))
                    .with_path(path)
                    .with_help(format!("说的是新目标就写 {{={id}.plan}}")),
                );
            }
        });
    }
    if r.kind != Kind::Plan {
        for (path, t) in derive::targets(r) {
            if let Some(d) = t.deadline
                && d.year > report_year
            {
                out.push(locate(
                    loaded,
                    Severity::Warning,
                    "target.deadline",
                    &format!("{path}.deadline"),
                    format!("这是{}年的工作部署，目标“{}”的完成时限却在{}年", report_year, t.name, d.year),
                ));
            }
        }
    }
}

/// What the data leaves out without a word: last year's file, so that every
/// comparison prints `—`; a date, so that the documents carry none.
fn gaps(loaded: &Loaded, out: &mut Vec<Diagnostic>) {
    let r = &loaded.report;
    let without_prior: Vec<(String, String)> = derive::metrics(r)
        .into_iter()
        .filter(|(_, m)| loaded.derived.metrics.get(&m.id).is_none_or(|f| f.prior.is_none()))
        .map(|(path, m)| (path, m.name.clone()))
        .collect();
    let compares = matches!(r.kind, Kind::Speech | Kind::WorkReport);
    if compares && loaded.prior.is_none() && !without_prior.is_empty() {
        let (path, name) = &without_prior[0];
        let more =
            if without_prior.len() > 1 { format!("等 {} 个指标", without_prior.len()) } else { String::new() };
        out.push(
            Diagnostic::warning(
                "data.no-prior",
                format!(
                    "没有找到上一年的数据文件 {}：指标“{name}”{more}没有上年数值，算不出同比和去年目标的完成情况",
                    loaded.prior_path.display()
                ),
            )
            .at(loaded.locate(path))
            .with_path(path.clone())
            .with_help(format!(
                "把上一年的数据放在 {}（只有指标和目标时写 kind: figures）；或在指标里写 prior: 上年数值",
                loaded.prior_path.display()
            )),
        );
    }
    if r.date.is_none() && r.meeting.is_none() {
        out.push(
            Diagnostic::warning(
                "data.no-date",
                "报告没有日期：生成的 DOCX 和 PDF 的文档属性里不写创建日期，落款也不写日期",
            )
            .at(loaded.locate(""))
            .with_help(format!("写上成文日期，如 date: {}-03-01；讲话稿写 meeting.date", loaded.derived.report_year)),
        );
    }
}

/// Metrics and targets the document never shows: the template in use does
/// not print them (a project's own template that leaves them out), so what
/// was written would vanish without a word.
fn not_printed(loaded: &Loaded, doc: &Document, template: &str, out: &mut Vec<Diagnostic>) {
    let shown: String = doc.blocks.iter().map(block_text).collect::<Vec<_>>().join("\n");
    let metrics: Vec<(String, String, &str)> =
        derive::metrics(&loaded.report).into_iter().map(|(p, m)| (p, m.name.clone(), "指标")).collect();
    let targets: Vec<(String, String, &str)> =
        derive::targets(&loaded.report).into_iter().map(|(p, t)| (p, t.name.clone(), "目标")).collect();
    for (path, name, what) in metrics.into_iter().chain(targets) {
        if !shown.contains(name.as_str()) {
            out.push(
                Diagnostic::warning(
                    "data.not-printed",
                    format!("{what}“{name}”没有出现在生成的报告里：所用的模板（{template}）不印{what}"),
                )
                .at(loaded.locate(&format!("{path}.name")))
                .with_path(format!("{path}.name"))
                .with_help(
                    "要印出来，请在模板里引用它（见 README“模板”）；不需要印就删掉它，或在 nianbao.yaml 的 check.silence 里加上 data.not-printed"),
            );
        }
    }
}

/// What only the rendered document shows: skipped heading levels, headings with
/// nothing under them, placeholders a template put in.
fn structure(doc: &Document, data_findings: &[Diagnostic], out: &mut Vec<Diagnostic>) {
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

/// Headings the data numbers itself (`number:`) where that breaks the
/// sequence, or where the template prints the heading without a number: at
/// the `number:` that did it.
fn number_jumps(loaded: &Loaded, doc: &Document, out: &mut Vec<Diagnostic>) {
    let given = derive::numbers(&loaded.report);
    let headings: Vec<&crate::doc::Heading> = doc
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Heading(h) => Some(h),
            _ => None,
        })
        .collect();
    for (path, title, n) in given {
        let path = format!("{path}.number");
        let at = loaded.locate(&path);
        let heading = headings
            .iter()
            .find(|h| h.text.plain().starts_with(title) && h.number.as_ref().is_none_or(|k| k.given == Some(n)));
        let d = match heading.map(|h| &h.number) {
            Some(Some(k)) => match k.jumped_from {
                Some(from) => {
                    let level = &doc.numbering.levels[usize::from(heading.map_or(1, |h| h.level).clamp(1, 4) - 1)];
                    // A label as the sentence names it: `四`, not `四、`.
                    let bare = |l: &str| l.trim().trim_end_matches(['、', '．', '.']).to_string();
                    Diagnostic::warning(
                        "doc.number-jump",
                        format!("“{title}”编为{}，按顺序应为{}", bare(&k.label), bare(&level.label(from))),
                    )
                    .with_help("编号是自动连续的；跳号若非有意，请删去 number")
                }
                None => continue,
            },
            Some(None) => Diagnostic::warning("doc.number-jump", format!("所用模板不给“{title}”编号，number 不起作用")),
            None => continue,
        };
        out.push(d.at(at).with_path(path));
    }
}

fn block_text(block: &Block) -> String {
    match block {
        Block::Title(lines) | Block::Signature(lines) => lines.iter().map(|l| l.plain()).collect(),
        Block::Subtitle(t)
        | Block::Date(t)
        | Block::Speaker(t)
        | Block::Salutation(t)
        | Block::Paragraph(t)
        | Block::AttachmentNote(t) => t.plain(),
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
        "cell": loc.and_then(|l| l.cell.clone()),
        "path": d.path,
        "help": d.help,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_and_spans_of_years_named() {
        assert_eq!(years_named("襄垣县2018年度会议"), [(9, 2018, 2018)]);
        assert_eq!(years_named("规划（2021—2025年）"), [(9, 2021, 2025)]);
        assert_eq!(years_named("2016年至2017年，12018年"), [(0, 2016, 2016), (0, 2016, 2017)]);
        assert!(years_named("第18年").is_empty());
    }

    /// The README's table of checks lists [`CHECKS`], in its order and with its
    /// severities, and `font.missing-glyph` (an error no project can silence)
    /// before `font.fallback`: the README and `check --help` cannot drift apart.
    #[test]
    fn the_readme_lists_every_check_in_order() {
        let readme = include_str!("../../README.md");
        let table = readme.split("| 编号 | 级别 | 查什么 |").nth(1).expect("the README's table of checks");
        let rows: Vec<(String, String)> = table
            .lines()
            .skip(2)
            .take_while(|l| l.starts_with('|'))
            .map(|l| {
                let cells: Vec<&str> = l.split('|').map(str::trim).collect();
                (cells[1].trim_matches('`').to_string(), cells[2].to_string())
            })
            .collect();
        let label = |s: Severity| if s == Severity::Error { "错误" } else { "警告" };
        let mut expected: Vec<(String, String)> =
            CHECKS.iter().map(|(id, s, _)| (id.to_string(), label(*s).to_string())).collect();
        let at = expected.iter().position(|(id, _)| id == "font.fallback").unwrap();
        expected.insert(at, ("font.missing-glyph".into(), "错误".into()));
        assert_eq!(rows, expected);
    }
}
