//! The outline as the data model: which part is the review and which the plan,
//! sections, items with their run-in points (一是……二是……), honours, figures
//! proposed as metrics; every guess noted by its YAML path, for a comment in
//! the file written. Text the model has no place for stays a paragraph.

use std::sync::LazyLock;

use regex::Regex;

use super::outline::{Node, Outline};
use crate::data::model::{
    Attachment, Cell, Honour, Item, Kind, Level, Meeting, Metric, Numbering, Paragraph, Paragraphs, Plan, Points,
    Report, Review, Section, Speaker, Table, Unit,
};
use crate::numbers::{self, Date};

/// What the writer asked for on the command line.
#[derive(Debug, Clone, Default)]
pub struct Hints {
    pub kind: Option<Kind>,
    pub unit: Option<String>,
    /// The year the output file is named for.
    pub year: Option<i32>,
    /// A DOCX's author and keywords.
    pub properties: super::docx::Properties,
    /// Last year's metrics and targets.
    pub known: Vec<Known>,
}

/// A metric or target of last year's file.
#[derive(Debug, Clone)]
pub struct Known {
    pub id: String,
    pub name: String,
    /// `better: lower`.
    pub lower: bool,
}

/// The report, and the notes on what was guessed, by YAML path.
pub struct Built {
    pub report: Report,
    pub notes: Vec<(String, String)>,
}

struct Ctx {
    /// Whether to propose figures in the prose as metrics.
    propose: bool,
    notes: Vec<(String, String)>,
    known: Vec<Known>,
    kind: Kind,
    /// The year the report is taken for (0 when unknown).
    year: i32,
    metrics: usize,
    /// Every text of the review, for checking a proposed metric's name
    /// against its other mentions.
    review_text: String,
}

impl Ctx {
    fn note(&mut self, path: impl Into<String>, what: impl Into<String>) {
        self.notes.push((path.into(), format!("识别为：{}", what.into())));
    }

    /// The note for heading `n` built at `path` (`what` it was recognised
    /// as), and where the source skips a number there, a note saying so:
    /// nianbao numbers in sequence unless the data says `number:`.
    fn heading(&mut self, path: &str, n: &Node, what: String) {
        self.note(path, what);
        if let (Some(place), Some(written)) = (n.skipped, numbers::marker_number(&n.marker)) {
            self.notes.push((
                path.to_string(),
                format!(
                    "原文编号跳了：这里写的是“{}”，按顺序是第{place}个，已按顺序编号；确要跳号，在这一项写 number: {written}",
                    n.marker.trim()
                ),
            ));
        }
    }
}

/// Build the report the outline reads as.
pub fn build(o: &Outline, hints: &Hints) -> Built {
    let kind = hints.kind.unwrap_or_else(|| guess_kind(o));
    let all_text = all_text(o);
    // A DOCX nianbao wrote names its unit, line of work and year in its keywords.
    let keywords = &hints.properties.keywords;
    let from_props = match keywords.as_slice() {
        [unit, sector, year] if Level::of_name(unit).is_some() && year.ends_with('年') => {
            Some((unit.clone(), sector.clone(), year.trim_end_matches('年').parse::<i32>().ok()))
        }
        _ => None,
    };
    let year = hints.year.or_else(|| guess_year(o)).or_else(|| from_props.as_ref().and_then(|p| p.2)).unwrap_or(0);
    let hints =
        &Hints { unit: hints.unit.clone().or_else(|| from_props.as_ref().map(|p| p.0.clone())), ..hints.clone() };
    let (unit, unit_guessed) = guess_unit(o, hints, &all_text);
    let mut cx = Ctx {
        propose: true,
        notes: Vec::new(),
        known: hints.known.clone(),
        kind,
        year,
        metrics: 0,
        review_text: String::new(),
    };
    let mut notes_head = Vec::new();
    if hints.kind.is_none() {
        notes_head.push(("kind".to_string(), format!("识别为：{}（可用 --kind 指定）", kind_name(kind))));
    }
    if unit_guessed {
        notes_head.push(("unit".to_string(), "识别为：报告单位（由文中推测，请核对；可用 --unit 指定）".to_string()));
    }
    let counted = if all_text.matches("卫生计生").count() > all_text.matches("卫生健康").count() {
        "卫生计生"
    } else {
        "卫生健康"
    };
    let sector = from_props.as_ref().map_or(counted.to_string(), |p| p.1.clone());
    let signed = o.signature.as_ref().map(|s| s.0.clone());
    let issuer = signed
        .clone()
        .or_else(|| hints.properties.creator.clone().filter(|c| c.ends_with(['局', '会', '委', '府', '厅', '室'])));
    let issuer = issuer.unwrap_or_else(|| {
        notes_head.push(("issuer".to_string(), "识别为：发文单位（推测，请核对）".to_string()));
        o.head
            .speaker
            .as_ref()
            .and_then(|(post, _)| post.find('局').map(|at| &post[..at + '局'.len_utf8()]))
            .map(|org| format!("{}{}", unit.name.trim_end_matches(unit.level.as_char()), org))
            .unwrap_or_else(|| {
                // A province's or city's health body is a commission (委员会),
                // a county's or district's a bureau.
                let body = if unit.level.has_commission() { "委员会" } else { "局" };
                format!("{}{}{body}", unit.name, if sector == "卫生计生" { "卫生和计划生育" } else { "卫生健康" })
            })
    });
    if signed.is_some() {
        notes_head.push(("issuer".to_string(), "识别为：发文单位（落款）".to_string()));
    }
    cx.notes.extend(notes_head);

    let mut report = empty_report(kind, unit, issuer, sector);
    report.year = (hints.year.is_none() && year > 0).then_some(year);
    head(o, &mut report, &mut cx);
    if let Some(date) = o.signature.as_ref().and_then(|s| s.1.as_deref()).and_then(Date::parse) {
        report.date = Some(date);
        cx.note("date", "成文日期（落款）");
    }
    cx.review_text = review_text(o, kind);
    // A report nianbao printed carries its metrics in the indicators table: read those instead.
    cx.propose = !tables_of(o).iter().any(|t| t.first().is_some_and(|h| h.iter().any(|c| c == "同比")));
    match kind {
        Kind::Speech | Kind::WorkReport | Kind::Figures => speech(&o.root, &mut report, &mut cx),
        Kind::KeyPoints => key_points(&o.root, &mut report, &mut cx),
        Kind::Plan => plan_doc(&o.root, &mut report, &mut cx),
    }
    attachments(o, &mut report, &mut cx);
    if report.title.0.is_empty() {
        report.title = Paragraphs::from(vec!["待定：请填写标题".to_string()]);
        cx.note("title", "没有找到标题，请填写");
    }
    Built { report, notes: cx.notes }
}

/// A heading's rank by its numbering, as the writer knows it.
fn level_name(level: u8) -> &'static str {
    match level {
        1 => "一级标题",
        2 => "二级标题",
        3 => "三级标题",
        _ => "四级标题",
    }
}

fn kind_name(k: Kind) -> &'static str {
    match k {
        Kind::Speech => "讲话（speech）",
        Kind::WorkReport => "工作报告（work-report）",
        Kind::KeyPoints => "工作要点（key-points）",
        Kind::Plan => "规划（plan）",
        Kind::Figures => "指标（figures）",
    }
}

fn empty_report(kind: Kind, unit: Unit, issuer: String, sector: String) -> Report {
    Report {
        kind,
        template: None,
        year: None,
        unit,
        issuer,
        sector,
        date: None,
        meeting: None,
        speaker: None,
        title: Paragraphs::default(),
        subtitle: None,
        salutation: None,
        opening: Paragraphs::default(),
        review: None,
        plan: None,
        closing: Paragraphs::default(),
        attachments: Vec::new(),
        figures: None,
        phrases: Default::default(),
        numbering: None,
        extra: Default::default(),
    }
}

fn all_text(o: &Outline) -> String {
    fn walk(n: &Node, out: &mut String) {
        out.push_str(&n.title);
        for p in n.body.iter().chain(&n.outro) {
            out.push_str(p);
        }
        n.children.iter().for_each(|c| walk(c, out));
    }
    let mut s = o.head.title.join("");
    s.push_str(o.head.subtitle.as_deref().unwrap_or_default());
    walk(&o.root, &mut s);
    s
}

fn markers(n: &Node, out: &mut Vec<String>) {
    for c in &n.children {
        out.push(c.marker.clone());
        markers(c, out);
    }
}

fn guess_kind(o: &Outline) -> Kind {
    let mut ms = Vec::new();
    markers(&o.root, &mut ms);
    let title = o.head.title.join("");
    if ms.iter().any(|m| m.starts_with('第') && (m.ends_with('章') || m.ends_with('节'))) || title.contains("规划")
    {
        Kind::Plan
    } else if title.contains("工作报告") || o.head.subtitle.as_deref().is_some_and(|s| s.ends_with("工作报告"))
    {
        Kind::WorkReport
    } else if o.head.subtitle.as_deref().is_some_and(|s| s.contains("讲话"))
        || o.head.speaker.is_some()
        || o.head.salutation.is_some()
    {
        Kind::Speech
    } else {
        Kind::KeyPoints
    }
}

static YEAR: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(\d{4})年").expect("year"));

fn guess_year(o: &Outline) -> Option<i32> {
    let date = o.head.date.as_deref().and_then(Date::parse).map(|d| d.year);
    let from = |s: &str| YEAR.captures(s).and_then(|c| c[1].parse().ok());
    date.or_else(|| from(&o.head.title.join("")))
        .or_else(|| o.head.subtitle.as_deref().and_then(from))
        .or_else(|| o.root.body.first().filter(|p| YEAR.find(p).is_some_and(|m| m.start() == 0)).and_then(|p| from(p)))
}

static UNIT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"([\p{{Han}}]{{2,6}}?[{}])(?:\d{{4}}|卫生|人民政府)", Level::chars())).expect("unit")
});

fn guess_unit(o: &Outline, hints: &Hints, all: &str) -> (Unit, bool) {
    let whole = Level::ALL.map(Level::as_char).into_iter().max_by_key(|c| all.matches(&format!("全{c}")).count());
    let unit = |name: String| Unit { level: Level::of_name(&name).unwrap_or(Level::County), name, short: None };
    if let Some(name) = &hints.unit {
        return (unit(name.clone()), false);
    }
    let head = format!("{}{}", o.head.title.join(""), o.head.subtitle.as_deref().unwrap_or_default());
    let found = UNIT
        .captures(&head)
        .map(|c| c[1].trim_start_matches(['在', '—']).to_string())
        .filter(|n| !n.contains(['年', '全', '本', '我']));
    let level = whole.unwrap_or('县');
    match found {
        Some(name) if name.chars().count() >= 2 => (unit(name), true),
        _ => match campaign_place(all) {
            // `健康湖南行动` nine times and 全省 throughout: 湖南省.
            Some(place) => (unit(format!("{place}{level}")), true),
            None => (unit(format!("××{level}")), true),
        },
    }
}

/// The place a text names most in its campaign's name (`健康湖南行动`,
/// `健康襄垣”建设`, `健康金华2030`), when it names one at least twice: the
/// nation's (`健康中国`), a kind of place (`健康城市`, `健康村镇`) and a
/// count (`健康四大行动`) are not one.
fn campaign_place(all: &str) -> Option<String> {
    static CAMPAIGN: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"健康(\p{Han}{2,3}?)”?(?:建设|行动|2030|工程)").expect("campaign"));
    const NOT_PLACES: [&str; 12] =
        ["中国", "城市", "城镇", "村镇", "乡村", "乡镇", "社区", "家庭", "校园", "细胞", "促进", "扶贫"];
    let mut counts: Vec<(String, usize)> = Vec::new();
    for c in CAMPAIGN.captures_iter(all) {
        let place = &c[1];
        if NOT_PLACES.contains(&place) || place.contains(|ch| "一二三四五六七八九十百大".contains(ch)) {
            continue;
        }
        match counts.iter_mut().find(|(p, _)| p == place) {
            Some((_, n)) => *n += 1,
            None => counts.push((place.to_string(), 1)),
        }
    }
    // The most named; the first named among equals.
    let most = counts.iter().map(|c| c.1).max()?;
    counts.into_iter().find(|c| c.1 == most).filter(|c| c.1 >= 2).map(|c| c.0)
}

/// Title block, meeting and salutation.
fn head(o: &Outline, r: &mut Report, cx: &mut Ctx) {
    let h = &o.head;
    r.title = Paragraphs::from(h.title.clone());
    if !h.title.is_empty() {
        cx.note("title", "标题");
    }
    let date = h.date.as_deref().and_then(Date::parse);
    static MEETING: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^——在(.+?)上的(讲话|工作报告|报告)$").expect("meeting"));
    let meeting = h.subtitle.as_deref().and_then(|s| MEETING.captures(s)).map(|c| (c[1].to_string(), c[2].to_string()));
    if let (Some((name, what)), Some(date)) = (&meeting, date) {
        r.meeting = Some(Meeting { name: name.clone(), date });
        cx.note("meeting", "会议名称（副标题）和日期");
        if what != "讲话" || cx.kind != Kind::Speech {
            r.subtitle = h.subtitle.clone();
        }
    } else {
        r.subtitle = h.subtitle.clone();
        r.date = date;
        if r.subtitle.is_some() {
            cx.note("subtitle", "副标题");
        }
        if cx.kind == Kind::Speech {
            // The speech template prints the meeting's date: a stand-in to correct.
            let year = YEAR.captures(&h.title.join("")).and_then(|c| c[1].parse().ok()).unwrap_or(2000);
            r.meeting = Some(Meeting {
                name: meeting.map(|m| m.0).unwrap_or_else(|| "××工作会议".to_string()),
                date: date.unwrap_or(Date { year, month: 1, day: Some(1) }),
            });
            cx.notes.push(("meeting".into(), "没有找到会议名称或日期：请填写（讲话稿必填）".into()));
        }
    }
    if let Some((post, name)) = &h.speaker {
        r.speaker = Some(Speaker { post: post.clone(), name: name.clone() });
        cx.note("speaker", "讲话人（职务、姓名）");
    }
    if let Some(s) = &h.salutation
        && s != "同志们："
    {
        r.salutation = Some(s.clone());
    }
}

// ---- speech and work report -------------------------------------------------

static REVIEW: LazyLock<Regex> = LazyLock::new(|| Regex::new("回顾|成绩|成效|总结|取得").expect("review"));

fn speech(root: &Node, r: &mut Report, cx: &mut Ctx) {
    r.opening = paragraphs_of(root.body.clone());
    if !root.body.is_empty() {
        cx.note("opening", "开场白（第一个标题之前的段落）");
    }
    r.closing = paragraphs_of(root.outro.clone());
    if !root.outro.is_empty() {
        cx.note("closing", "结束语（最后一项之后的段落）");
    }
    let parts = top_parts(root);
    let review_at = parts.iter().position(|p| REVIEW.is_match(&p.title)).filter(|&i| i + 1 < parts.len().max(2));
    let mut plan = Plan::default();
    for (i, p) in parts.iter().enumerate() {
        if Some(i) == review_at {
            r.review = Some(review(p, cx));
        } else if plan.heading.is_none() && plan.sections.is_empty() {
            plan_part(p, &mut plan, r, cx);
        } else {
            // A further part: one section of the plan, its sections items.
            let at = plan.sections.len();
            cx.note(
                format!("plan.sections[{at}]"),
                format!("一级标题“{}{}”：并入工作部署，作为其中一部分", p.marker, p.title),
            );
            let items = p.children.iter().map(|c| item(c, cx, false)).collect();
            plan.sections.push(Section {
                title: p.title.clone(),
                number: None,
                runin: false,
                intro: paragraphs_of(p.body.clone()),
                items,
                outro: paragraphs_of(p.outro.clone()),
            });
        }
    }
    if plan.heading.is_some() || !plan.sections.is_empty() || !plan.intro.0.is_empty() {
        r.plan = Some(plan);
    }
}

/// The parts at the top: the root's children, or the root itself when the
/// document has no parts.
fn top_parts(root: &Node) -> Vec<Node> {
    if root.children.iter().any(|c| c.level == 1) {
        root.children.clone()
    } else if root.children.is_empty() {
        Vec::new()
    } else {
        vec![Node { level: 1, children: root.children.clone(), ..Node::default() }]
    }
}

fn review(p: &Node, cx: &mut Ctx) -> Review {
    let mut rv = Review { heading: Some(p.title.clone()).filter(|t| !t.is_empty()), ..Review::default() };
    cx.note("review", format!("工作回顾（一级标题“{}{}”）", p.marker, p.title));
    let mut body = p.body.iter();
    if let Some(first) = body.next() {
        let (summary, honours, end) = honours(first);
        rv.summary = Some(summary);
        if !honours.is_empty() {
            cx.note("review.honours", format!("荣誉 {} 项（由总述段落拆出，用“；”分隔）", honours.len()));
        }
        rv.honours = honours;
        let rest: Vec<&String> = body.collect();
        let mut end = end.unwrap_or_default();
        if !rest.is_empty() {
            cx.note("review.summary_end", "总述之后、第一个二级标题之前的段落（接在总述段落后面）");
            end.extend(rest.iter().map(|s| s.as_str()));
        }
        rv.summary_end = Some(end).filter(|e| !e.is_empty());
    }
    for (i, c) in p.children.iter().enumerate() {
        let s = section(c, cx, &format!("review.sections[{i}]"), true, false);
        rv.sections.push(s);
    }
    // A work report runs a section's closing paragraphs into its points: the
    // last section's are the review's own closing (thanks, problems).
    let mut outro = spill(&mut rv.sections, cx.kind);
    outro.extend(p.outro.iter().cloned());
    for o in &outro {
        if o.contains("感谢") || o.contains("敬意") {
            rv.thanks.0.push(Paragraph::parse(o.clone()));
        } else {
            rv.problems.0.push(Paragraph::parse(o.clone()));
        }
    }
    if !rv.thanks.0.is_empty() {
        cx.note("review.thanks", "感谢（回顾末尾含“感谢”的段落）");
    }
    if !rv.problems.0.is_empty() {
        cx.note("review.problems", "存在问题（回顾末尾的其余段落）");
    }
    rv
}

/// The plan part of a speech or work report.
fn plan_part(p: &Node, plan: &mut Plan, r: &mut Report, cx: &mut Ctx) {
    plan.heading = Some(p.title.clone()).filter(|t| !t.is_empty());
    cx.note("plan", format!("工作部署（一级标题“{}{}”）", p.marker, p.title));
    let mut intro = p.body.clone();
    // The general requirement, when the template would print the same words around it.
    if let Some(last) = intro.last().cloned()
        && let Some((before, sector, requirement, tail)) = requirement(&last, r, cx.kind, cx.year)
    {
        let sections = p.children.len();
        let items: usize = p.children.iter().map(|c| c.children.len()).sum();
        let counted = format!("重点抓好{}个方面{items}项重点工作。", numbers::chinese_numeral(sections as i64));
        if tail.is_empty() || tail == counted {
            intro.pop();
            if !before.is_empty() {
                intro.push(before);
            }
            r.sector = sector;
            plan.requirement = Some(requirement);
            cx.note("plan.requirement", "总体要求（模板在前面印“……工作的总体要求是：”）");
        }
    }
    plan.intro = paragraphs_of(intro);
    for (i, c) in p.children.iter().enumerate() {
        plan.sections.push(section(c, cx, &format!("plan.sections[{i}]"), false, false));
    }
    if !p.outro.is_empty() {
        if let Some(s) = plan.sections.last_mut() {
            s.outro.0.extend(p.outro.iter().cloned().map(Paragraph::parse));
        } else {
            plan.intro.0.extend(p.outro.iter().cloned().map(Paragraph::parse));
        }
    }
}

/// In a work report, the review's closing paragraphs after the last
/// section's points (which its template would run into them: from the first
/// that gives thanks or names problems on), taken off it for the review.
fn spill(sections: &mut [Section], kind: Kind) -> Vec<String> {
    static CLOSING: LazyLock<Regex> = LazyLock::new(|| Regex::new("感谢|敬意|问题|不足|差距|困难").expect("closing"));
    match sections.last_mut() {
        Some(s) if kind == Kind::WorkReport && !s.items.is_empty() => {
            let at = s.outro.0.iter().position(|p| CLOSING.is_match(&p.text())).unwrap_or(s.outro.0.len());
            s.outro.0.split_off(at).iter().map(Paragraph::text).collect()
        }
        _ => Vec::new(),
    }
}

/// The general requirement as the genre's template would print it around it:
/// a speech's `（前文）全县卫生计生工作的总体要求是：（要求）（重点抓好…）`, a
/// work report's `2018年全区卫生计生工作的总体思路是：（思路）`; the text
/// before, the sector, the requirement and what follows it.
fn requirement(p: &str, r: &Report, kind: Kind, year: i32) -> Option<(String, String, String, String)> {
    static SPEECH: LazyLock<Regex> = LazyLock::new(|| {
        let levels = Level::chars();
        Regex::new(&format!(
            r"^(.*?)全([{levels}])([\p{{Han}}]{{2,6}}?)工作的总体要求是：(.+?)(重点抓好[^。]*项重点工作。)?$"
        ))
        .expect("requirement")
    });
    static REPORT: LazyLock<Regex> = LazyLock::new(|| {
        let levels = Level::chars();
        Regex::new(&format!(r"^()(\d{{4}})年全([{levels}])([\p{{Han}}]{{2,6}}?)工作的总体思路是：(.+)$"))
            .expect("requirement")
    });
    let level = |c: &str| c.starts_with(r.unit.level.as_char());
    match kind {
        Kind::Speech => {
            let c = SPEECH.captures(p)?;
            level(&c[2]).then(|| {
                (c[1].to_string(), c[3].to_string(), c[4].to_string(), c.get(5).map_or("", |m| m.as_str()).to_string())
            })
        }
        Kind::WorkReport => {
            let c = REPORT.captures(p)?;
            let year_ok = year == 0 || c[2].parse() == Ok(year);
            (level(&c[3]) && year_ok).then(|| (String::new(), c[4].to_string(), c[5].to_string(), String::new()))
        }
        _ => None,
    }
}

/// A section (（一）): its paragraphs, its items. In a work report a
/// paragraph of 一是<标题>。……二是…… is the section's items.
/// A section from its node. `may_run_in`: the template can set the section's
/// heading run into its text (key points' tasks), as a source that runs it in
/// does; elsewhere the heading stands on its own line, and one typed run in
/// keeps its full stop.
fn section(n: &Node, cx: &mut Ctx, path: &str, in_review: bool, may_run_in: bool) -> Section {
    cx.heading(path, n, format!("{}“{}{}”", level_name(n.level), n.marker, n.title));
    let mut s = Section { title: n.title.clone(), ..Section::default() };
    let mut intro = n.body.clone();
    // A work report's section: paragraphs, one of 一是<标题>。……二是……, paragraphs.
    let pointed = intro.iter().position(|p| {
        let (lead, points) = Points::split(p);
        lead.is_empty() && points.len() >= 2
    });
    if cx.kind == Kind::WorkReport
        && n.children.is_empty()
        && let Some(at) = pointed
    {
        s.outro = paragraphs_of(intro.split_off(at + 1));
        let (_, points) = Points::split(&intro.pop().unwrap_or_default());
        {
            for p in points {
                let (title, rest) = match p.find('。') {
                    Some(at) => (p[..at].to_string(), p[at + '。'.len_utf8()..].to_string()),
                    None => (p.clone(), String::new()),
                };
                s.items.push(Item {
                    title,
                    paragraphs: paragraphs_of(vec![rest].into_iter().filter(|r| !r.is_empty()).collect::<Vec<_>>()),
                    ..Item::default()
                });
            }
            cx.note(format!("{path}.items"), "条目（“一是……二是……”，每项第一句是标题）");
        }
    }
    s.intro = paragraphs_of(intro);
    if n.runin {
        if may_run_in && !s.intro.0.is_empty() {
            s.runin = true;
        } else {
            s.title.push('。');
        }
    }
    for c in &n.children {
        let at = s.items.len();
        let it = item(c, cx, in_review);
        let p = format!("{path}.items[{at}]");
        let how = if c.runin { "，接排" } else { "，单独成行" };
        cx.heading(&p, c, format!("{}“{}{}”{how}", level_name(c.level), c.marker, c.title));
        if !it.points.is_empty() {
            cx.note(format!("{p}.points"), format!("要点 {} 项（一是……）", it.points.len()));
        }
        for (k, m) in it.metrics.iter().enumerate() {
            cx.notes.push((
                format!("{p}.metrics[{k}]"),
                format!("识别为：指标“{}”（由文中的数字推测，请核对名称和单位；id 可改）", m.name),
            ));
        }
        s.items.push(it);
    }
    s.outro.0.extend(n.outro.iter().cloned().map(Paragraph::parse));
    s
}

/// An item (1．): title (a trailing `（……项目……）` its reference), points, paragraphs.
fn item(n: &Node, cx: &mut Ctx, in_review: bool) -> Item {
    static REF: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^(.+?)[（(]([^（）()]*项[^（）()]*)[）)]$").expect("ref"));
    let (title, reference) = match REF.captures(&n.title) {
        Some(c) => (c[1].to_string(), Some(c[2].to_string())),
        None => (n.title.clone(), None),
    };
    let mut paras = n.body.clone();
    for c in &n.children {
        paras.extend(flatten(c));
    }
    paras.extend(n.outro.iter().cloned());
    let mut it = Item { title, reference, standalone: !n.runin, ..Item::default() };
    if let Some(first) = paras.first() {
        let (lead, pts) = Points::split(first);
        if pts.len() >= 2 {
            it.lead = Some(lead).filter(|l| !l.is_empty());
            it.points = pts;
            paras.remove(0);
        }
    }
    it.paragraphs = paragraphs_of(paras);
    if in_review && cx.propose {
        it.metrics = propose_metrics(&it, cx);
    }
    it
}

/// A node below what the model holds, as paragraphs: its number and title
/// (run in when it was), then its text.
fn flatten(n: &Node) -> Vec<String> {
    let mut out = Vec::new();
    let head = format!("{}{}", n.marker, n.title);
    let mut body = n.body.iter();
    match (n.runin, body.next()) {
        (true, Some(first)) => out.push(format!("{head}。{first}")),
        (_, first) => {
            out.push(head);
            out.extend(first.cloned());
        }
    }
    out.extend(body.cloned());
    for c in &n.children {
        out.extend(flatten(c));
    }
    out.extend(n.outro.iter().cloned());
    out
}

/// `县卫生计生工作连续3年被…；2017年12月，妇幼保健工作被评为…；…（夏店镇）。在…`:
/// the summary, the honours (each a clause naming an award, a date before it
/// when it opens with one) and the text after them. Without two such clauses
/// the paragraph is the summary alone.
fn honours(p: &str) -> (String, Vec<Honour>, Option<String>) {
    static AWARD: LazyLock<Regex> =
        LazyLock::new(|| Regex::new("评为|荣获|授予|创建成|命名|称号|表彰").expect("award"));
    static DATED: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^(\d{4})年(\d{1,2})月，(.+)$").expect("dated"));
    let parts: Vec<&str> = p.split('；').collect();
    let whole = (p.to_string(), Vec::new(), None);
    if parts.len() < 2 {
        return whole;
    }
    let Some(comma) = parts[0].rfind('，') else { return whole };
    let summary = &parts[0][..comma];
    let first = &parts[0][comma + '，'.len_utf8()..];
    let last = parts[parts.len() - 1];
    let Some(stop) = last.find('。') else { return whole };
    let (last_honour, end) = (&last[..stop], &last[stop + '。'.len_utf8()..]);
    let mut texts: Vec<&str> = vec![first];
    texts.extend(&parts[1..parts.len() - 1]);
    texts.push(last_honour);
    if !texts.iter().all(|t| AWARD.is_match(t)) {
        return whole;
    }
    let honours = texts
        .iter()
        .map(|t| match DATED.captures(t) {
            Some(c) => Honour { date: Date::parse(&format!("{}-{}", &c[1], &c[2])), text: c[3].to_string() },
            None => Honour { date: None, text: t.to_string() },
        })
        .collect();
    (summary.to_string(), honours, Some(end.to_string()).filter(|e| !e.is_empty()))
}

// ---- figures ------------------------------------------------------------------

const UNITS: &[&str] = &[
    "%",
    "‰",
    "万人次",
    "人次",
    "万元",
    "亿元",
    "万人",
    "元",
    "人",
    "个",
    "家",
    "所",
    "名",
    "例",
    "对",
    "户",
    "张",
    "项",
    "次",
    "份",
    "支",
    "堂",
    "条",
    "床",
    "辆",
    "台",
    "篇",
    "场",
    "块",
];

static FIGURE: LazyLock<Regex> = LazyLock::new(|| {
    let units = UNITS.iter().map(|u| regex::escape(u)).collect::<Vec<_>>().join("|");
    Regex::new(&format!(r"^\s*([\p{{Han}}]{{2,12}}?)(?:为|达到|达|共|累计|约)?(\d+(?:\.\d+)?)({units})"))
        .expect("figure")
});

/// How the name of a count or sum ends (`投入`, `筛查`, `床位数`): a
/// figure after another name is likely a place's or a thing's, not an indicator.
const MEASURES: &[&str] = &[
    "数", "量", "额", "资金", "投入", "经费", "费用", "收入", "支出", "面积", "床位", "人次", "筛查", "检查", "体检",
    "培训", "救治", "签约", "发放", "接种", "建档",
];

/// Words that make a name something else: an aim, a change, a place.
const NOT_A_NAME: &[&str] =
    &["目标", "力争", "争取", "提高", "提升", "增长", "下降", "降低", "增加", "减少", "年", "月", "第", "以上", "以下"];

/// Figures an item's text gives (`签约率66.2%`) proposed as metrics: a name
/// right before a number with a unit, within one clause, that every other
/// mention in the review gives the same figure (or `check` would find the two
/// contradicting).
fn propose_metrics(it: &Item, cx: &mut Ctx) -> Vec<Metric> {
    let mut text = it.lead.clone().unwrap_or_default();
    text.extend(it.points.iter().map(String::as_str));
    text.extend(it.paragraphs.0.iter().map(Paragraph::text));
    let mut out: Vec<Metric> = Vec::new();
    for clause in text.split(['，', '。', '；', '、', '！', '？', '：']) {
        let Some(c) = FIGURE.captures(clause) else { continue };
        let mut name = c[1].to_string();
        while let Some(rest) = ["完成", "开展", "全年", "累计", "其中", "共", "新", "已", "为", "对"]
            .iter()
            .find_map(|p| name.strip_prefix(p).map(str::to_string))
        {
            name = rest;
        }
        let (number, unit) = (c[2].to_string(), c[3].to_string());
        let measured = if unit == "%" || unit == "‰" {
            name.ends_with(['率', '比'])
        } else {
            MEASURES.iter().any(|m| name.ends_with(m))
        };
        if name.chars().count() < 2
            || !measured
            || NOT_A_NAME.iter().any(|w| name.contains(w))
            || out.iter().any(|m| m.name == name)
            || !consistent(&cx.review_text, &name, &number, &unit)
        {
            continue;
        }
        let Ok(value) = number.parse::<f64>() else { continue };
        let decimals = number.split_once('.').filter(|(_, f)| f.ends_with('0')).map(|(_, f)| f.len() as u8);
        cx.metrics += 1;
        let json = serde_json::json!({
            "id": format!("figure_{:02}", cx.metrics), "name": name, "value": value, "unit": unit, "decimals": decimals,
        });
        out.push(serde_json::from_value(json).expect("a metric"));
    }
    out
}

/// Whether every mention of `name` in `text` followed, within its clause, by a
/// figure in `unit` gives `number`.
fn consistent(text: &str, name: &str, number: &str, unit: &str) -> bool {
    text.split(['，', '。', '；', '、', '！', '？', '\n']).filter(|c| c.contains(name)).all(|clause| {
        let after = &clause[clause.find(name).map_or(0, |i| i + name.len())..];
        let found = FIGURE_AFTER.captures_iter(after).find(|c| &c[2] == unit);
        found.is_none_or(|c| &c[1] == number)
    })
}

static FIGURE_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    let units = UNITS.iter().map(|u| regex::escape(u)).collect::<Vec<_>>().join("|");
    Regex::new(&format!(r"(\d+(?:\.\d+)?)({units})")).expect("figure after")
});

fn review_text(o: &Outline, kind: Kind) -> String {
    if !matches!(kind, Kind::Speech | Kind::WorkReport) {
        return String::new();
    }
    let mut s = o.root.body.join("\n");
    for p in top_parts(&o.root).iter().filter(|p| REVIEW.is_match(&p.title)) {
        let mut one = Outline::default();
        one.root.children = vec![p.clone()];
        s.push('\n');
        s.push_str(&all_text(&one));
    }
    s
}

// ---- key points ---------------------------------------------------------------------

fn key_points(root: &Node, r: &mut Report, cx: &mut Ctx) {
    // The requirement, with whatever leads into it (`2020年，` as the template
    // prints it, or a sentence of its own: `2020年是……收官之年。`) and the line
    // that announces the tasks when it ends the paragraph.
    static REQ: LazyLock<Regex> = LazyLock::new(|| {
        let levels = Level::chars();
        Regex::new(&format!(
            r"^(.*?)全([{levels}])([\p{{Han}}]{{2,6}}?)工作的总体(要求|思路)是：(.+?)(重点(?:抓好|做好)以下工作：)?$"
        ))
        .expect("req")
    });
    static TASKS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^重点(?:抓好|做好)以下工作：$").expect("tasks"));
    const DEFAULT_TASKS: &str = "重点做好以下工作：";
    let mut plan = Plan::default();
    let mut opening = Vec::new();
    for p in &root.body {
        if let Some(c) = REQ.captures(p)
            && plan.requirement.is_none()
            && c[2].starts_with(r.unit.level.as_char())
        {
            r.sector = c[3].to_string();
            plan.requirement = Some(c[5].to_string());
            // The template's own lead-in is `<年>年，全<县>……工作的总体要求是：`;
            // any other is kept as written.
            let year_lead = c[1].strip_suffix("年，").and_then(|y| y.parse::<i32>().ok());
            let own = year_lead.is_none_or(|y| r.year.is_some_and(|ry| ry != y)) || &c[4] != "要求";
            if own {
                r.phrases.requirement = Some(format!("{}全{}{}工作的总体{}是：", &c[1], &c[2], &c[3], &c[4]));
                cx.note("phrases.requirement", "总体要求前面的引语，照原文印");
            }
            cx.note("plan.requirement", "总体要求（模板在前面印引语，见 phrases.requirement）");
            if let Some(t) = c.get(6).map(|m| m.as_str()).filter(|t| *t != DEFAULT_TASKS) {
                r.phrases.tasks = Some(t.to_string());
                cx.note("phrases.tasks", "总体要求后引出各项任务的一句，照原文印");
            }
        } else if TASKS.is_match(p) && plan.requirement.is_some() {
            // The template prints it; the source's own wording is kept.
            if p != DEFAULT_TASKS {
                r.phrases.tasks = Some(p.clone());
                cx.note("phrases.tasks", "总体要求后引出各项任务的一句，照原文印");
            }
        } else if plan.requirement.is_some() {
            plan.intro.0.push(Paragraph::parse(p.clone()));
        } else {
            opening.push(p.clone());
        }
    }
    r.opening = paragraphs_of(opening);
    if !r.opening.0.is_empty() {
        cx.note("opening", "开头的段落");
    }
    // Tasks numbered below the top (1．2．3．, as seed 002 numbers them) with
    // no part above them are the key points' top level, numbered as written.
    let level = root.children.first().map_or(1, |c| c.level);
    if level > 1 && root.children.iter().all(|c| c.level == level) {
        // The 公文 scheme's formats from the level found.
        let (_, formats) = Numbering::SCHEMES[0];
        r.numbering =
            Some(Numbering::Levels(formats[usize::from(level.min(4)) - 1..].iter().map(|f| f.to_string()).collect()));
        cx.note("numbering", "编号照原文：各项任务从“1．”（或原文的第一级编号）编起");
        for (i, task) in root.children.iter().enumerate() {
            plan.sections.push(section(task, cx, &format!("plan.sections[{i}]"), false, true));
        }
    } else {
        for (i, part) in top_parts(root).iter().enumerate() {
            let path = format!("plan.sections[{i}]");
            let mut s = section(part, cx, &path, false, false);
            if part.title.is_empty() {
                s.title = "待定：请填写这一部分的标题".to_string();
            }
            plan.sections.push(s);
        }
    }
    r.closing = paragraphs_of(root.outro.clone());
    r.plan = Some(plan);
}

// ---- plan (第X章 第X节) ------------------------------------------------------------

static PLAN_REVIEW: LazyLock<Regex> = LazyLock::new(|| Regex::new("回顾|基础|现状|背景|成就|成效").expect("review"));
static PLAN_AIMS: LazyLock<Regex> = LazyLock::new(|| Regex::new("指导思想|目标|原则").expect("aims"));

fn plan_doc(root: &Node, r: &mut Report, cx: &mut Ctx) {
    r.opening = paragraphs_of(root.body.clone());
    let mut plan = Plan::default();
    let mut review: Option<Review> = None;
    for c in &root.children {
        if c.level >= 2 {
            let at = plan.sections.len();
            plan.sections.push(plan_section(c, cx, &format!("plan.sections[{at}]")));
            continue;
        }
        let t = &c.title;
        if t.contains("保障") {
            cx.note("plan.safeguards", format!("保障措施（“{}{}”）", c.marker, t));
            for (i, s) in c.children.iter().enumerate() {
                plan.safeguards.push(plan_section(s, cx, &format!("plan.safeguards[{i}]")));
            }
        } else if PLAN_REVIEW.is_match(t) {
            let rv = review.get_or_insert_with(Review::default);
            rv.heading = Some(t.clone());
            rv.summary = Some(c.body.join("")).filter(|s| !s.is_empty());
            for s in &c.children {
                let at = rv.sections.len();
                rv.sections.push(plan_section(s, cx, &format!("review.sections[{at}]")));
            }
            rv.problems.0.extend(c.outro.iter().cloned().map(Paragraph::parse));
        } else if PLAN_AIMS.is_match(t) {
            plan.intro.0.extend(c.body.iter().cloned().map(Paragraph::parse));
            for s in &c.children {
                plan.intro.0.extend(flatten(s).into_iter().map(Paragraph::parse));
            }
        } else {
            plan.heading = Some(t.clone());
            plan.intro.0.extend(c.body.iter().cloned().map(Paragraph::parse));
            for s in &c.children {
                let at = plan.sections.len();
                plan.sections.push(plan_section(s, cx, &format!("plan.sections[{at}]")));
            }
        }
    }
    r.closing = paragraphs_of(root.outro.clone());
    r.review = review;
    r.plan = Some(plan);
}

/// A 第X节 section of a plan: paragraphs opening with a short phrase
/// (`加强卫生人才培养。依托……`) are its items, run in and unnumbered.
fn plan_section(n: &Node, cx: &mut Ctx, path: &str) -> Section {
    cx.heading(path, n, format!("{}“{}{}”", level_name(n.level), n.marker, n.title));
    let mut s = Section { title: n.title.clone(), ..Section::default() };
    let mut paras = n.body.clone();
    for c in &n.children {
        paras.extend(flatten(c));
    }
    for p in paras {
        let phrase = p.find('。').filter(|&at| p[..at].chars().count() <= 20 && !p[..at].contains('，'));
        match phrase {
            Some(at) if at + '。'.len_utf8() < p.len() => {
                s.items.push(Item {
                    title: p[..at].to_string(),
                    paragraphs: paragraphs_of(vec![p[at + '。'.len_utf8()..].to_string()]),
                    ..Item::default()
                });
            }
            _ => match s.items.last_mut() {
                Some(it) => it.paragraphs.0.push(Paragraph::parse(p)),
                None => s.intro.0.push(Paragraph::parse(p)),
            },
        }
    }
    if !s.items.is_empty() {
        cx.note(format!("{path}.items"), "条目（段首短句接排，不编号）");
    }
    s.outro = paragraphs_of(n.outro.clone());
    s
}

// ---- attachments ----------------------------------------------------------------------

/// The attachments, and tables: the tables nianbao prints from the figures
/// (主要指标完成情况, 主要目标, a plan's targets) back into metrics and
/// targets, any other an attachment's table (its first row the columns).
fn attachments(o: &Outline, r: &mut Report, cx: &mut Ctx) {
    let mut body = Vec::new();
    tables(&o.root, &mut body);
    let mut found: Vec<super::outline::Appendix> = Vec::new();
    for rows in body {
        if !figures_table(&rows, &o.charted, r, cx) {
            found.push(super::outline::Appendix { tables: vec![rows], ..Default::default() });
        }
    }
    for a in &o.appendices {
        let mut figures = false;
        for t in &a.tables {
            figures |= figures_table(t, &o.charted, r, cx);
        }
        if !figures {
            found.push(a.clone());
        }
    }
    for a in found {
        let at = r.attachments.len();
        cx.note(format!("attachments[{at}]"), "附件（标题、段落和表格；表格第一行为表头）");
        let title = if a.title.is_empty() { format!("待定：附件{}的标题", at + 1) } else { a.title.clone() };
        let mut tables = a.tables.into_iter();
        let table = tables.next().and_then(|rows| {
            let (head, rest) = rows.split_first()?;
            Some(Table {
                columns: head.clone(),
                rows: rest.iter().map(|row| row.iter().cloned().map(Cell).collect()).collect(),
                align: Vec::new(),
            })
        });
        let mut paragraphs = a.paragraphs;
        // The model holds one table to an attachment: the others' rows as lines.
        for t in tables {
            paragraphs.extend(t.iter().map(|row| row.join("　")));
        }
        r.attachments.push(Attachment { title, paragraphs: paragraphs_of(paragraphs), table });
    }
}

/// The tables in the body, under its headings.
fn tables(n: &Node, out: &mut Vec<Vec<Vec<String>>>) {
    out.extend(n.tables.iter().cloned());
    n.children.iter().for_each(|c| tables(c, out));
}

/// Every table: the body's and the attachments'.
fn tables_of(o: &Outline) -> Vec<Vec<Vec<String>>> {
    let mut out = Vec::new();
    tables(&o.root, &mut out);
    out.extend(o.appendices.iter().flat_map(|a| a.tables.iter().cloned()));
    out
}

/// A metric's or target's id: last year's for the same name, else a new one.
fn id_for(cx: &mut Ctx, name: &str) -> (String, bool) {
    match cx.known.iter().find(|k| k.name == name) {
        Some(k) => (k.id.clone(), k.lower),
        None => {
            cx.metrics += 1;
            (format!("figure_{:02}", cx.metrics), false)
        }
    }
}

/// Whether `rows` is a table nianbao prints from the figures; if so its
/// rows are read back into the report's metrics or targets (ids kept from
/// last year's file by name, the key metrics those `charted`).
fn figures_table(rows: &[Vec<String>], charted: &[String], r: &mut Report, cx: &mut Ctx) -> bool {
    let Some((head, rest)) = rows.split_first() else { return false };
    let h: Vec<&str> = head.iter().map(String::as_str).collect();
    let none = |s: &str| s.is_empty() || s == "—";
    let better = |lower: bool| if lower { "lower" } else { "higher" };
    match h.as_slice() {
        ["指标", "单位", _, _, "同比", "年度目标", "完成情况"] => {
            let at = r.review.as_ref().map_or(0, |rv| rv.metrics.len());
            let mut metrics = Vec::new();
            for row in rest.iter().filter(|row| row.len() >= 4) {
                let name = row[0].as_str();
                let known = cx.known.iter().any(|k| k.name == name);
                let (id, lower) = id_for(cx, name);
                let value = number(&row[3]);
                let json = serde_json::json!({
                    "id": id,
                    "name": name,
                    "unit": if none(&row[1]) { "" } else { row[1].as_str() },
                    "value": value.map(|n| n.0),
                    "decimals": value.and_then(|n| n.1),
                    // Last year's file gives the prior value of a metric it knows.
                    "prior": if known { None } else { number(&row[2]).map(|n| n.0) },
                    "better": better(lower),
                    "key": charted.iter().any(|c| c == name),
                });
                if let Ok(m) = serde_json::from_value::<Metric>(json) {
                    metrics.push(m);
                }
            }
            r.review.get_or_insert_with(Review::default).metrics.extend(metrics);
            cx.note(format!("review.metrics[{at}]"), "指标（由附表“主要指标完成情况”读回）");
            true
        }
        ["指标", "单位", "目标值", "完成时限"] | ["指标", "目标值", "完成时限"] => {
            let at = r.plan.as_ref().map_or(0, |p| p.targets.len());
            let mut targets = Vec::new();
            for row in rest {
                let (name, unit, value, deadline) = match row.as_slice() {
                    [n, u, v, d] => (n, if none(u) { String::new() } else { u.clone() }, number(v), d),
                    [n, v, d] => (n, unit_of(v), number(v), d),
                    _ => continue,
                };
                let (id, lower) = id_for(cx, name);
                let json = serde_json::json!({
                    "id": id, "name": name, "unit": unit, "value": value.map(|v| v.0),
                    "deadline": Date::parse(deadline).map(|d| d.to_string()),
                    "better": better(lower),
                });
                if let Ok(t) = serde_json::from_value::<crate::data::model::Target>(json) {
                    targets.push(t);
                }
            }
            r.plan.get_or_insert_with(Plan::default).targets.extend(targets);
            cx.note(format!("plan.targets[{at}]"), "目标（由“主要目标”表读回）");
            true
        }
        _ => false,
    }
}

/// A figure as printed (`66.2`, `93.70`, `80%`): its value and, when it ends
/// in a 0 after the point, its decimals.
fn number(s: &str) -> Option<(f64, Option<u8>)> {
    let digits: String = s.chars().take_while(|c| c.is_ascii_digit() || *c == '.' || *c == '-').collect();
    let v = digits.parse().ok()?;
    Some((v, digits.split_once('.').filter(|(_, f)| f.ends_with('0')).map(|(_, f)| f.len() as u8)))
}

/// The unit after a figure (`80%` → `%`).
fn unit_of(s: &str) -> String {
    s.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.' || c == '-').to_string()
}

/// Paragraphs as typed, each a paragraph of points where it runs 一是……二是……
/// (see [`Paragraph::parse`]): numbered by nianbao from then on.
fn paragraphs_of(texts: Vec<String>) -> Paragraphs {
    Paragraphs(texts.into_iter().map(Paragraph::parse).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_campaign_names_the_place() {
        let text = "推进健康湖南行动，健康中国行动……实施“健康湖南”建设，落实健康四大行动，健康城市建设。";
        assert_eq!(campaign_place(text).as_deref(), Some("湖南"));
        // Named once: no guess.
        assert_eq!(campaign_place("推进健康湖南行动，健康中国行动，健康中国建设"), None);
    }

    #[test]
    fn honours_split_from_the_summary_with_their_dates() {
        let (summary, found, end) = honours(
            "2017年，全县圆满完成任务，县卫生工作被评为“优秀奖”；2017年12月，妇幼工作被评为“示范工程”。在考核中被评为“红旗单位”。",
        );
        assert_eq!(summary, "2017年，全县圆满完成任务");
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].text, "县卫生工作被评为“优秀奖”");
        assert_eq!(found[1].date.map(|d| d.to_string()).as_deref(), Some("2017-12"));
        assert_eq!(found[1].text, "妇幼工作被评为“示范工程”");
        assert_eq!(end.as_deref(), Some("在考核中被评为“红旗单位”。"));
        // Clauses that name no award keep the paragraph whole.
        assert!(honours("一是甲，乙；二是丙。").1.is_empty());
    }
}
