//! Property tests (proptest): the line breaker never breaks at a prohibited
//! mark while another break fits, and never loses, duplicates or reorders a
//! character; every justified line of a body paragraph, set by the real layout
//! with the repository's fonts, ends exactly at the text block's right edge; and
//! heading numbers stay 一、二、… / （一）（二）… / 1．2．… in order with no gaps
//! when sections and items are inserted or removed.

mod common;

use common::{Project, fonts, root};
use nianbao::doc::{Block, Document, Meta, Numbering, Text};
use nianbao::layout::grid::{self, BLOCK_W, BODY_PT, CHAR_PITCH};
use nianbao::layout::linebreak::{
    LineSpan, NO_LINE_END, NO_LINE_START, break_after, break_lines, closing, heading_lines, justification, opening,
    positions,
};
use nianbao::layout::{self, Layout};
use nianbao::numbers::chinese_numeral;
use nianbao::render;
use nianbao::template::Templates;
use proptest::prelude::*;

/// Pieces of body text: Han, units, Latin, digits and every kind of mark the
/// line-breaking rules name.
const TOKENS: &[&str] = &[
    "卫", "生", "健", "康", "工", "作", "全", "县", "医", "疗", "服", "务", "基", "层", "年", "月", "日", "万", "元",
    "个", "人", "项", "率", "——", "……", "《", "》", "（", "）", "“", "”", "‘", "’", "、", "。", "，", "；", "：", "！",
    "？", "%", "‰", "℃", "·", "「", "」", "【", "】", "〔", "〕", "0", "1", "2", "5", "8", ".", "2018", "66.2",
    "338.3", "a", "x", "W", "CT", "HIV", " ", "　",
];

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(TOKENS), 1..120).prop_map(|t| t.concat())
}

const UNIT: f32 = CHAR_PITCH;

fn width(c: char) -> f32 {
    match c {
        ' ' | 'i' | 'l' | '.' => 0.25 * UNIT,
        'W' | '%' => 0.8 * UNIT,
        c if c.is_ascii() => 0.5 * UNIT,
        _ => UNIT,
    }
}

/// The lines tile the text in order, each non-empty, flagged first and last right.
fn tiles(lines: &[LineSpan], n: usize) -> Result<(), TestCaseError> {
    let mut at = 0;
    for (k, l) in lines.iter().enumerate() {
        prop_assert_eq!(l.start, at, "line {} does not start where the one before ends", k);
        prop_assert!(l.end > l.start, "line {} is empty", k);
        prop_assert_eq!(l.first, k == 0);
        prop_assert_eq!(l.last, k + 1 == lines.len());
        at = l.end;
    }
    prop_assert_eq!(at, n);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// No character lost, duplicated or reordered; no line wider than the measure.
    #[test]
    fn line_breaker_keeps_every_character(s in text(), chars_per_line in 2usize..40, indent in any::<bool>()) {
        let chars: Vec<char> = s.chars().collect();
        let widths: Vec<f32> = chars.iter().map(|&c| width(c)).collect();
        let measure = chars_per_line as f32 * UNIT;
        let indent = if indent && chars_per_line > 3 { 2.0 * UNIT } else { 0.0 };
        let lines = break_lines(&chars, &widths, &break_after(&chars), measure, indent);
        tiles(&lines, chars.len())?;
        let joined: String = lines.iter().flat_map(|l| &chars[l.start..l.end]).collect();
        prop_assert_eq!(joined, s);
        for l in &lines {
            let avail = if l.first { measure - indent } else { measure };
            let line = &chars[l.start..l.end];
            let gap = justification(line, l);
            let xs = positions(0.0, line, &widths[l.start..l.end], gap);
            // The white space a line ends with is not set.
            let end = xs.last().map_or(0.0, |x| x + widths[l.start + xs.len() - 1]);
            prop_assert!(end <= avail + 0.01, "line {:?} is {} wide in {}", line, end, avail);
        }
    }

    /// A full-width mark inside a line with no mark beside it keeps its em
    /// (less at most the 0.7 pt a tight line takes between characters): lines
    /// are never fitted by squeezing a lone mark (clreq).
    #[test]
    fn no_lone_mid_line_mark_is_squeezed(s in text(), chars_per_line in 2usize..40) {
        let chars: Vec<char> = s.chars().collect();
        let widths: Vec<f32> = chars.iter().map(|&c| width(c)).collect();
        let measure = chars_per_line as f32 * UNIT;
        let mark = |c: char| closing(c) || opening(c);
        for l in break_lines(&chars, &widths, &break_after(&chars), measure, 0.0) {
            let line = &chars[l.start..l.end];
            let xs = positions(0.0, line, &widths[l.start..l.end], justification(line, &l));
            for i in 1..xs.len().saturating_sub(1) {
                if mark(line[i]) && !mark(line[i - 1]) && !mark(line[i + 1]) {
                    let advance = xs[i + 1] - xs[i];
                    prop_assert!(
                        advance >= 0.95 * widths[l.start + i],
                        "«{}» in «{}» is {} wide", line[i], line.iter().collect::<String>(), advance
                    );
                }
            }
        }
    }

    /// No heading line but the first holds fewer than 4 characters (closing
    /// marks aside) when the heading could be balanced, wherever the word
    /// boundaries it prefers to break at fall; and no line overflows.
    #[test]
    fn no_heading_ends_in_a_runt(
        n in 29usize..80,
        chars_per_line in 10usize..29,
        words in proptest::collection::vec(any::<bool>(), 80),
    ) {
        let chars: Vec<char> = "卫生健康工作全县医疗服务基层".chars().cycle().take(n).collect();
        let widths = vec![UNIT; n];
        let measure = chars_per_line as f32 * UNIT;
        let allowed = break_after(&chars);
        let whole: Vec<bool> = allowed.iter().zip(&words).map(|(&a, &w)| a && w).collect();
        let (lines, _) = heading_lines(&chars, &widths, &allowed, &whole, measure, 2.0 * UNIT);
        tiles(&lines, n)?;
        let last = lines.last().unwrap();
        prop_assert!(lines.len() == 1 || last.end - last.start >= 4, "{:?}", lines);
        for (i, l) in lines.iter().enumerate() {
            let indent = if i == 0 { 2.0 * UNIT } else { 0.0 };
            prop_assert!((l.end - l.start) as f32 * UNIT + indent <= measure + 0.01, "{:?}", lines);
        }
    }

    /// A line never starts with a mark that may not start one, nor ends with one
    /// that may not end one, when an allowed break would fit on that line.
    #[test]
    fn line_breaker_honours_prohibited_marks(s in text(), chars_per_line in 2usize..40) {
        let chars: Vec<char> = s.chars().collect();
        let widths: Vec<f32> = chars.iter().map(|&c| width(c)).collect();
        let measure = chars_per_line as f32 * UNIT;
        let allowed = break_after(&chars);
        let lines = break_lines(&chars, &widths, &allowed, measure, 0.0);
        for l in lines.iter().filter(|l| !l.last) {
            let (before, after) = (chars[l.end - 1], chars[l.end]);
            if !(NO_LINE_START.contains(after) || NO_LINE_END.contains(before)) {
                continue;
            }
            // Then no allowed break may fit on this line.
            let mut w = 0.0;
            for p in l.start..chars.len() {
                w += widths[p];
                if w > measure + 0.01 {
                    break;
                }
                prop_assert!(
                    !allowed[p],
                    "«{}» ends before «{}» though it could end after «{}»",
                    chars[l.start..l.end].iter().collect::<String>(), after, chars[p]
                );
            }
        }
    }
}

fn paragraph_doc(text: &str) -> Document {
    Document {
        meta: Meta {
            title: String::new(),
            author: String::new(),
            subject: String::new(),
            keywords: Vec::new(),
            created: chrono::NaiveDate::from_ymd_opt(2018, 1, 1).and_then(|d| d.and_hms_opt(0, 0, 0)),
            file_stem: "p".into(),
        },
        numbering: Numbering::default(),
        blocks: vec![Block::Paragraph(Text::from(text))],
    }
}

/// A laid-out line: its glyphs' characters, first x, and where its last glyph
/// ends on the grid.
struct SetLine {
    text: String,
    x0: f32,
    right: f32,
}

/// A baseline and its glyphs: left edge, right edge on the grid, character.
type Row = (f32, Vec<(f32, f32, char)>);

/// The body lines of a layout in reading order (page, then top to bottom), the
/// page numbers left out.
fn body_lines(layout: &Layout) -> Vec<SetLine> {
    let mut out = Vec::new();
    for page in &layout.pages {
        let mut rows: Vec<Row> = Vec::new();
        for run in page.runs.iter().filter(|r| r.y > grid::block_bottom() - 1.0) {
            let row = match rows.iter().position(|(y, _)| (y - run.y).abs() < 0.01) {
                Some(i) => i,
                None => {
                    rows.push((run.y, Vec::new()));
                    rows.len() - 1
                }
            };
            // Body type is on the grid: each glyph takes its advance scaled to the pitch.
            rows[row].1.extend(run.glyphs.iter().map(|g| (g.x, g.x + g.advance * CHAR_PITCH / BODY_PT, g.ch)));
        }
        rows.sort_by(|a, b| b.0.total_cmp(&a.0));
        for (_, mut glyphs) in rows {
            glyphs.sort_by(|a, b| a.0.total_cmp(&b.0));
            out.push(SetLine {
                text: glyphs.iter().map(|g| g.2).collect(),
                x0: glyphs[0].0,
                // Where the last glyph ends: a squeezed mark before it (`：.`)
                // keeps its full box, which may reach past the last glyph's end,
                // but its ink sits in the box's left half.
                right: glyphs.last().map_or(f32::MIN, |g| g.1),
            });
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Set by the real layout with the repository's fonts, every line of a body
    /// paragraph but its last fills the text block exactly (±0.01 pt) with its
    /// last visible character, the first indented two characters, and the lines
    /// read back as the paragraph (white space at a break discarded).
    #[test]
    fn justified_lines_fill_the_block(parts in prop::collection::vec(text(), 1..6)) {
        let s = parts.concat();
        // White space alone sets nothing.
        prop_assume!(!s.trim().is_empty());
        let (book, data) = fonts();
        let layout = layout::layout(&paragraph_doc(&s), book, data).expect("layout");
        let lines = body_lines(&layout);
        prop_assert!(!lines.is_empty());
        // The lines read back as the paragraph, but for white space: discarded
        // where a line breaks, and not set next to a full-width mark.
        let bare = |t: &str| t.chars().filter(|c| !matches!(c, ' ' | '\u{a0}')).collect::<String>();
        let source = bare(&s);
        let mut rest = source.as_str();
        for l in &lines {
            let text = bare(&l.text);
            let spaces = rest.len() - rest.trim_start().len();
            let skip = (0..=spaces).find(|&k| rest.is_char_boundary(k) && rest[k..].starts_with(&text));
            prop_assert!(skip.is_some(), "«{}» is not next in «{}»", text, rest);
            rest = &rest[skip.unwrap_or(0) + text.len()..];
        }
        prop_assert!(rest.trim().is_empty(), "«{}» not set", rest);
        prop_assert!((lines[0].x0 - (grid::left() + 2.0 * CHAR_PITCH)).abs() <= 0.01, "first line not indented: {} «{}»", lines[0].x0, lines[0].text);
        for l in &lines[..lines.len() - 1] {
            prop_assert!(
                (l.right - grid::right()).abs() <= 0.01,
                "«{}» ends at {}, the block at {} (width {} of {})",
                l.text, l.right, grid::right(), l.right - l.x0, BLOCK_W
            );
        }
        for l in &lines {
            prop_assert!(l.right <= grid::right() + 0.01, "«{}» overflows", l.text);
        }
    }
}

/// A speech's review or plan: sections, each with a number of items.
type Part = Vec<usize>;

fn speech(review: &Part, plan: &Part) -> String {
    let mut y = common::MINIMAL.to_string();
    for (key, part) in [("review", review), ("plan", plan)] {
        if part.is_empty() {
            continue;
        }
        y.push_str(&format!("{key}:\n  sections:\n"));
        for (i, &items) in part.iter().enumerate() {
            y.push_str(&format!("    - title: {key}部分{i}\n      items:\n"));
            for j in 0..items {
                y.push_str(&format!("        - title: {key}条目{i}之{j}\n          points: [做好工作。]\n"));
            }
            if items == 0 {
                y.push_str("        []\n");
            }
        }
    }
    y
}

fn numbered_headings(review: &Part, plan: &Part) -> Vec<(String, String)> {
    let p = Project::new(&[("data/x/2018.yaml", &speech(review, plan))]);
    let templates = Templates::new(Some(&root().join("templates")));
    let built = render::build(&p.path("data/x/2018.yaml"), &templates, None).expect("renders");
    built
        .doc
        .headings()
        .map(|h| (h.number.as_ref().map(|n| n.label.clone()).unwrap_or_default(), h.text.plain()))
        .collect()
}

/// The labels a speech must show: 一、 for each part present; （一）（二）… for its
/// sections; 1．2．… for its items, counting on across the part's sections.
fn check_numbering(review: &Part, plan: &Part) -> Result<(), TestCaseError> {
    let headings = numbered_headings(review, plan);
    let label_of =
        |title: &str| headings.iter().find(|(_, t)| t.trim_end_matches('。') == title).map(|(l, _)| l.clone());
    let mut part_no = 0;
    for (key, part) in [("review", review), ("plan", plan)] {
        if part.is_empty() {
            continue;
        }
        part_no += 1;
        let part_heading = headings.iter().filter(|(l, _)| l.ends_with('、')).nth(part_no - 1);
        prop_assert_eq!(part_heading.map(|h| h.0.clone()), Some(format!("{}、", chinese_numeral(part_no as i64))));
        let mut item_no = 0;
        for (i, &items) in part.iter().enumerate() {
            let want = format!("（{}）", chinese_numeral(i as i64 + 1));
            prop_assert_eq!(label_of(&format!("{key}部分{i}")), Some(want), "{:?}", headings);
            for j in 0..items {
                item_no += 1;
                prop_assert_eq!(
                    label_of(&format!("{key}条目{i}之{j}")),
                    Some(format!("{item_no}．")),
                    "{:?}",
                    headings
                );
            }
        }
    }
    prop_assert_eq!(headings.len(), part_no + review.len() + plan.len() + review.iter().chain(plan).sum::<usize>());
    Ok(())
}

#[derive(Debug, Clone)]
enum Edit {
    InsertSection { plan: bool, at: usize, items: usize },
    RemoveSection { plan: bool, at: usize },
    InsertItem { plan: bool, section: usize },
    RemoveItem { plan: bool, section: usize },
}

fn apply(review: &mut Part, plan: &mut Part, edit: &Edit) {
    let (part, at) = match edit {
        Edit::InsertSection { plan: p, at, .. }
        | Edit::RemoveSection { plan: p, at }
        | Edit::InsertItem { plan: p, section: at }
        | Edit::RemoveItem { plan: p, section: at } => (if *p { &mut *plan } else { &mut *review }, *at),
    };
    match edit {
        Edit::InsertSection { items, .. } => part.insert(at % (part.len() + 1), *items),
        _ if part.is_empty() => {}
        Edit::RemoveSection { .. } => {
            part.remove(at % part.len());
        }
        Edit::InsertItem { .. } => {
            let n = part.len();
            part[at % n] += 1;
        }
        Edit::RemoveItem { .. } => {
            let n = part.len();
            part[at % n] = part[at % n].saturating_sub(1);
        }
    }
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<bool>(), 0usize..10, 0usize..4).prop_map(|(plan, at, items)| Edit::InsertSection { plan, at, items }),
        (any::<bool>(), 0usize..10).prop_map(|(plan, at)| Edit::RemoveSection { plan, at }),
        (any::<bool>(), 0usize..10).prop_map(|(plan, section)| Edit::InsertItem { plan, section }),
        (any::<bool>(), 0usize..10).prop_map(|(plan, section)| Edit::RemoveItem { plan, section }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Numbers follow the data through random insertions and removals of
    /// sections and items: no gap, no repeat, in order.
    #[test]
    fn heading_numbers_follow_insertions_and_removals(
        review in prop::collection::vec(0usize..4, 0..5),
        plan in prop::collection::vec(0usize..4, 0..5),
        edits in prop::collection::vec(edit(), 1..4),
    ) {
        let (mut review, mut plan) = (review, plan);
        check_numbering(&review, &plan)?;
        for e in &edits {
            apply(&mut review, &mut plan, e);
        }
        check_numbering(&review, &plan)?;
    }
}

/// A number as a data file may write it: the edges of `i64` and `f64`, the
/// non-numbers YAML has, and arbitrary integers and floats.
fn yaml_number() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "-9223372036854775808",
            "9223372036854775807",
            ".nan",
            ".inf",
            "-.inf",
            "1e308",
            "-1e308",
            "-0.0",
            "1e-308",
            "0",
            "1",
            "0.5",
            "1e15",
            "1e16",
            "1e-6",
            "1e-7",
        ])
        .prop_map(str::to_string),
        any::<i64>().prop_map(|n| n.to_string()),
        any::<f64>().prop_filter("a YAML float", |x| x.is_finite()).prop_map(|x| format!("{x:e}")),
    ]
}

/// What a run over extreme figures may end in: markup free of `NaN` and `inf`,
/// or errors that each say where.
fn value_or_located_error(result: Result<render::Built, nianbao::diag::Errors>) -> Result<(), TestCaseError> {
    match result {
        Ok(built) => {
            for bad in ["NaN", "inf"] {
                prop_assert!(!built.markup.contains(bad), "{} printed:\n{}", bad, built.markup);
            }
        }
        Err(errors) => {
            for d in &errors.0 {
                prop_assert!(d.location.as_ref().is_some_and(|l| l.line > 0), "not located: {}", d);
            }
        }
    }
    Ok(())
}

/// Every filter of the genre over `extra.x`.
const FILTER_USES: &[&str] = &[
    "extra.x|cn",
    "extra.x|ordinal",
    "extra.x|ordinal(\"第{}章\")",
    "extra.x|number",
    "extra.x|number(2)",
    "extra.x|percent",
    "extra.x|permille(decimals=2)",
    "extra.x|yuan",
    "extra.x|yuan(unit=\"亿元\")",
    "extra.x|change(1)",
    "1|change(extra.x)",
    "extra.x|change(extra.x, kind=\"rate\")",
    "extra.x|cn_date",
    "[extra.x]|join_cn",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Any number through any filter: a value or a located error, never a panic.
    #[test]
    fn every_filter_takes_every_number(x in yaml_number()) {
        let mut files = vec![("data/x/2018.yaml".to_string(), format!("{}extra:\n  x: {x}\n", common::MINIMAL))];
        for (i, u) in FILTER_USES.iter().enumerate() {
            files.push((format!("templates/f{i}.md.j2"), format!("---\nfile: t\ndate: 2018-01-01\n---\n\n{{{{ {u} }}}}\n")));
        }
        let refs: Vec<(&str, &str)> = files.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        let p = Project::new(&refs);
        let templates = Templates::new(Some(&p.path("templates")));
        for i in 0..FILTER_USES.len() {
            let t = format!("f{i}.md.j2");
            value_or_located_error(render::build(&p.path("data/x/2018.yaml"), &templates, Some(&t)))?;
        }
    }

    /// Any numbers as a metric's value, numerator, denominator and prior and
    /// last year's target, in any unit, through the figures derived from them
    /// and the default speech that prints them: figures or located errors.
    #[test]
    fn derived_figures_take_every_number(
        v in yaml_number(), prior in yaml_number(), num in yaml_number(), den in yaml_number(), target in yaml_number(),
        unit in prop::sample::select(vec!["%", "‰", "万元", "/10万", "张"]),
    ) {
        let metrics = format!(
            "review:\n  metrics:\n    - {{ id: a, name: 甲, value: {v}, prior: {prior}, unit: \"{unit}\", key: true }}\n    \
             - {{ id: b, name: 乙, numerator: {num}, denominator: {den}, unit: \"{unit}\", key: true }}\n"
        );
        let last_year = format!(
            "kind: figures\nunit: {{ name: 样例县, level: 县 }}\nissuer: 样例县卫生健康局\nplan:\n  targets:\n    \
             - {{ id: a, name: 甲, value: {target}, unit: \"{unit}\" }}\n    - {{ id: b, name: 乙, value: {target}, unit: \"{unit}\" }}\n"
        );
        let this_year = format!("{}{metrics}", common::MINIMAL);
        let p = Project::new(&[("data/x/2017.yaml", &last_year), ("data/x/2018.yaml", &this_year)]);
        value_or_located_error(render::build(&p.path("data/x/2018.yaml"), &Templates::new(None), None))?;
    }
}
