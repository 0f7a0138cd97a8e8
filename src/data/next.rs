//! `nianbao next`: roll a year's data file forward into next year's. Unit,
//! issuer, speaker and the parts' headings carry over; last year's plan becomes
//! this year's review (each task an item to fill with what was done, each
//! target a metric of the same id to fill, so that completion is computed),
//! except in key points, which print no review;
//! every text to rewrite is marked with a placeholder `check` refuses until it
//! is replaced. An existing file is never overwritten.

use std::path::{Path, PathBuf};

use super::model::{Item, Kind, Metric, Paragraphs, Plan, Points, Report, Review, Section, Target};
use crate::diag::{Diagnostic, Errors, Result};
use crate::numbers::Date;

/// The mark that opens every text to rewrite: a placeholder `check` refuses.
pub const MARK: &str = "待定";

/// What [`next`] wrote.
#[derive(Debug)]
pub struct Rolled {
    pub path: PathBuf,
    /// Texts marked with [`MARK`] to rewrite or fill.
    pub texts: usize,
    /// Metrics without a value, to fill.
    pub metrics: usize,
    /// The dates moved on a year (`meeting.date`, `date`), to confirm: as
    /// written, `2027-02-20`.
    pub dates: Vec<String>,
    /// Comments for the writer, by YAML path: last year's task beside the item to fill.
    notes: Vec<(String, String)>,
}

/// Write `<year+1>.yaml` beside the data file at `path`, from it.
pub fn next(path: &Path) -> Result<Rolled> {
    let loaded = super::load(path)?;
    let old = &loaded.report;
    let year = loaded.derived.report_year;
    let target = path.with_file_name(format!("{}.yaml", year + 1));
    if target.exists() {
        return Err(Errors::one(
            Diagnostic::in_file("next.exists", &target, format!("{} 年的数据文件已经存在，没有改动它", year + 1))
                .with_help("要重新生成，请先把它改名或移走"),
        ));
    }
    let mut rolled = Rolled { path: target.clone(), texts: 0, metrics: 0, dates: Vec::new(), notes: Vec::new() };
    let report = roll(old, year, &mut rolled);
    // What `_common.yaml` supplies stays there: a top-level key the year file
    // did not write is left out when it is unchanged.
    let mut value = super::file::value(&report);
    if let (Some(own), Some(map), Some(common)) =
        (loaded.files[0].value.as_mapping(), value.as_mapping_mut(), loaded.files.get(1))
    {
        map.retain(|k, v| own.contains_key(k) || common.value.get(k.as_str().unwrap_or_default()) != Some(v));
    }
    let header = [
        format!("{} 年的数据，由 nianbao next 从 {} 生成。", year + 1, file_name(path)),
        format!("标有“{MARK}”的文字要改写或填写；没有数值的指标要填上 {year} 年的数值（value）。"),
        format!("改完之前 nianbao check 会报告它们。目标（targets）要按 {} 年重新写。", year + 1),
    ];
    let text = super::file::text(&value, &header, &rolled.notes)?;
    crate::output::write(&target, text.as_bytes())?;
    Ok(rolled)
}

fn file_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

/// Next year's report from this year's.
fn roll(old: &Report, year: i32, n: &mut Rolled) -> Report {
    let next_year = (year + 1).to_string();
    let shift = |s: &str| s.replace(&year.to_string(), &next_year);
    let mut new = old.clone();
    new.year = old.year.map(|y| y + 1);
    // A date a year on is a guess: noted beside it and in what `next` prints.
    let mut guess = |path: &str, d: Date| {
        n.notes.push((path.to_string(), "按去年的日期推到今年，请改成实际日期".to_string()));
        n.dates.push(d.to_string());
        d
    };
    new.date = old.date.map(|d| guess("date", later(d)));
    if let Some(m) = &mut new.meeting {
        m.name = shift(&m.name);
        m.date = guess("meeting.date", later(m.date));
    }
    new.subtitle = old.subtitle.as_deref().map(shift);
    new.title = rewrite_all(&old.title, n);
    new.opening = rewrite_all(&old.opening, n);
    new.closing = rewrite_all(&old.closing, n);
    // A workbook sheet named for this year has no figures for next year.
    new.figures = old.figures.clone().filter(|f| !f.sheet.as_deref().unwrap_or_default().contains(&year.to_string()));
    let plan = old.plan.clone().unwrap_or_default();
    let old_review = old.review.clone().unwrap_or_default();
    // Key points look only ahead: a review there would be texts to write that
    // are never printed.
    new.review = (old.kind != Kind::KeyPoints).then(|| Review {
        heading: None,
        summary: Some(fill(&format!("{year}年工作总述"), n)),
        honours: Vec::new(),
        summary_end: None,
        sections: plan.sections.iter().enumerate().map(|(i, s)| review_section(s, i, year, n)).collect(),
        metrics: plan.targets.iter().map(|t| to_fill(t, n)).collect(),
        thanks: rewrite_all(&old_review.thanks, n),
        problems: rewrite_all(&old_review.problems, n),
    });
    new.plan = old.plan.as_ref().map(|p| Plan {
        heading: None,
        intro: rewrite_all(&p.intro, n),
        requirement: p.requirement.as_deref().map(|r| rewrite(r, n)),
        sections: p.sections.iter().map(|s| plan_section(s, n)).collect(),
        targets: Vec::new(),
        safeguards: p.safeguards.iter().map(|s| plan_section(s, n)).collect(),
    });
    for a in &mut new.attachments {
        a.title = rewrite(&a.title, n);
    }
    new
}

/// The `i`th section of last year's plan as one of this year's review: each
/// task an item to fill (the task's text beside it as a comment, not in the
/// text, where its target figures would contradict this year's), its targets
/// metrics to fill.
fn review_section(s: &Section, i: usize, year: i32, n: &mut Rolled) -> Section {
    let items = s
        .items
        .iter()
        .enumerate()
        .map(|(j, it)| {
            n.notes.push((
                format!("review.sections[{i}].items[{j}].paragraphs"),
                format!("{year}年的任务：{}", task_text(it)),
            ));
            Item {
                title: it.title.clone(),
                number: it.number,
                reference: it.reference.clone(),
                paragraphs: Paragraphs::from(vec![fill(&format!("{year}年这项任务的完成情况"), n)]),
                metrics: it.targets.iter().map(|t| to_fill(t, n)).collect(),
                ..Item::default()
            }
        })
        .collect();
    Section { title: s.title.clone(), number: s.number, items, ..Section::default() }
}

/// A section of last year's plan carried into this year's, every text marked to rewrite.
fn plan_section(s: &Section, n: &mut Rolled) -> Section {
    let items = s
        .items
        .iter()
        .map(|it| Item {
            title: it.title.clone(),
            number: it.number,
            standalone: it.standalone,
            paragraphs: Paragraphs::from(vec![rewrite(&task_text(it), n)]),
            ..Item::default()
        })
        .collect();
    Section {
        title: s.title.clone(),
        number: s.number,
        runin: s.runin,
        intro: rewrite_all(&s.intro, n),
        items,
        outro: rewrite_all(&s.outro, n),
    }
}

/// An item's text as printed: lead, points (一是……), paragraphs.
fn task_text(it: &Item) -> String {
    let mut text = Points { lead: it.lead.clone(), points: it.points.clone() }.text();
    for p in &it.paragraphs.0 {
        text.push_str(&p.text());
    }
    text
}

/// A target of last year as this year's metric of the same id, without its value.
fn to_fill(t: &Target, n: &mut Rolled) -> Metric {
    n.metrics += 1;
    let json = serde_json::json!({ "id": t.id, "name": t.name, "unit": t.unit, "better": t.better });
    serde_json::from_value(json).expect("a metric from a target's fields")
}

fn rewrite(s: &str, n: &mut Rolled) -> String {
    n.texts += 1;
    format!("{MARK}（请改写）：{}", super::refs::roll(s))
}

fn rewrite_all(ps: &Paragraphs, n: &mut Rolled) -> Paragraphs {
    Paragraphs(ps.0.iter().map(|p| rewrite(&p.text(), n).into()).collect())
}

fn fill(what: &str, n: &mut Rolled) -> String {
    n.texts += 1;
    format!("{MARK}：请写{what}。")
}

/// The same day a year later (29 February becomes the 28th).
fn later(d: Date) -> Date {
    let day = d.day.map(|day| if d.month == 2 && day == 29 { 28 } else { day });
    Date { year: d.year + 1, month: d.month, day }
}
