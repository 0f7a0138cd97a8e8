//! The importer's reading of a document: its lines (from text, Markdown or a
//! DOCX) cleaned of web-page debris (counted), half-width punctuation in
//! Chinese made full-width, then the title block recognised and the body
//! built into a tree of headings by their numbering (一、 （一） 1． （1）
//! 第X部分 第X章 第X节, a bare task number on its own line), with run-in
//! headings (`1．标题。正文……`) split from their text. Nothing else is dropped.

use crate::numbers::{MARKERS as HEADING, marker_number};
use std::sync::LazyLock;

use regex::Regex;

/// A line of the source as a reader gives it.
#[derive(Debug, Clone, PartialEq)]
pub enum Line {
    /// A line (paragraph) of text; its numbering, if any, typed in it.
    Text(String),
    /// A heading whose level the source says (a DOCX heading style or Word
    /// numbering), its number not in the text.
    Heading(u8, String),
    /// A table: rows of cells, the first the header.
    Table(Vec<Vec<String>>),
    /// A chart's category names (a chart nianbao drew of the key metrics).
    Chart(Vec<String>),
}

/// The title block above the body.
#[derive(Debug, Default, Clone)]
pub struct TitleBlock {
    pub title: Vec<String>,
    pub subtitle: Option<String>,
    pub date: Option<String>,
    /// Post and name.
    pub speaker: Option<(String, String)>,
    pub salutation: Option<String>,
}

/// A node of the outline: the root (level 0) or a heading with what follows it.
#[derive(Debug, Default, Clone)]
pub struct Node {
    /// 1 part (一、 第X章 第X部分), 2 section (（一） 第X节), 3 item (1．), 4 (（1）).
    pub level: u8,
    /// The number as typed (`（一）`), empty when the source numbers it.
    pub marker: String,
    pub title: String,
    /// Whether the text runs in after the heading on its line.
    pub runin: bool,
    /// Paragraphs after the heading, before its first sub-heading.
    pub body: Vec<String>,
    pub children: Vec<Node>,
    /// Paragraphs closing it after its sub-headings' text (a part's thanks,
    /// the report's closing).
    pub outro: Vec<String>,
    pub tables: Vec<Vec<Vec<String>>>,
    /// Where the source skips a number (（一）（二）（四）): the number this
    /// heading's place gives it, its marker saying another.
    pub skipped: Option<u32>,
}

/// An attachment (附件): its title, paragraphs and tables.
#[derive(Debug, Default, Clone)]
pub struct Appendix {
    pub title: String,
    pub paragraphs: Vec<String>,
    pub tables: Vec<Vec<Vec<String>>>,
}

/// What was read.
#[derive(Debug, Default)]
pub struct Outline {
    pub head: TitleBlock,
    pub root: Node,
    pub appendices: Vec<Appendix>,
    /// The issuing body and the date closing the body (落款).
    pub signature: Option<(String, Option<String>)>,
    /// What the charts show (the key metrics' names).
    pub charted: Vec<String>,
    /// Lines of web-page debris dropped.
    pub dropped: usize,
}

static DATE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[（(]?\d{4}年\d{1,2}月(\d{1,2}日)?[）)]?$").expect("date"));
static SALUTATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^((同志们|各位[^：:，。]{0,12}|尊敬的[^：:，。]{0,20})[：:])(.*)$").expect("salutation")
});

/// Lines of web-page debris: what a site puts around copied text.
fn is_debris(line: &str) -> bool {
    const CONTAINS: &[&str] = &[
        "您当前所在的位置",
        "当前位置：",
        "索引号",
        "发布机构",
        "发布时间",
        "生成日期",
        "浏览次数",
        "分享到",
        "下载文档",
        "网站客服",
        "此文档下载收益",
        "你可能关注的文档",
        "本文地址",
        "留言与评论",
        "验证码",
        "网站地图",
        "打印本页",
        "关闭窗口",
        "扫一扫",
        "收藏 分享",
        "分享赚钱",
    ];
    const EXACT: &[&str] = &["分享", "收起", "展开", "首页", "打印", "关闭", "返回顶部", "上一篇", "下一篇"];
    static FIELD: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(ID|大小|页数|格式|时间|文号|来源|作者|点击|阅读)[:：]|^>>|\.(docx?|pdf|wps|txt)$")
            .expect("debris")
    });
    // A site's disclaimer, however long the line: no report says these.
    const DISCLAIMER: &[&str] = &["本文仅代表作者", "不代表本站立场", "请联系本站", "本站展示并非全部"];
    if DISCLAIMER.iter().any(|c| line.contains(c)) {
        return true;
    }
    let n = line.chars().count();
    if n > 100 {
        return false;
    }
    // A line of keywords: four or more short words apart.
    let words: Vec<&str> = line.split_whitespace().collect();
    CONTAINS.iter().any(|c| line.contains(c))
        || EXACT.contains(&line)
        || FIELD.is_match(line)
        || (words.len() >= 4 && n < 40 && words.iter().all(|w| w.chars().count() <= 6))
}

/// Half-width `,;:?!()` next to Chinese made full-width (what `check` would
/// warn about), runs of spaces between Chinese made one full-width space
/// (`大干苦干  真干实干`), and the ends trimmed.
pub fn tidy(line: &str) -> String {
    let chars: Vec<char> = line.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}').chars().collect();
    let cjk = |c: Option<&char>| c.is_some_and(|&c| c as u32 >= 0x2E80 || "“”‘’《》".contains(c));
    let mut out = String::with_capacity(line.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let prev = i.checked_sub(1).and_then(|p| chars.get(p));
        let near = cjk(prev) || cjk(chars.get(i + 1));
        let full = crate::numbers::full_width_mark(c).unwrap_or(c);
        if c == ' ' || c == '\t' {
            let end = (i..chars.len()).find(|&j| !matches!(chars[j], ' ' | '\t')).unwrap_or(chars.len());
            if end - i >= 2 && cjk(prev) && cjk(chars.get(end)) {
                out.push('　');
            } else {
                out.extend(&chars[i..end]);
            }
            i = end;
            continue;
        }
        out.push(if near { full } else { c });
        i += 1;
    }
    out
}

/// A line run together from many paragraphs (a web page that lost its line
/// breaks: a long line with spaces at five places or more) is split at them.
fn split_run_together(line: &str) -> Vec<String> {
    if line.chars().count() < 300 || line.split_whitespace().count() < 6 {
        return vec![line.to_string()];
    }
    line.split(' ').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
}

/// Read `lines` into an outline.
pub fn read(lines: Vec<Line>) -> Outline {
    let mut out = Outline::default();
    // Clean: debris out (a 温馨提示 block with its numbered lines), long lines split.
    let mut clean: Vec<Line> = Vec::new();
    let mut in_notice = false;
    for line in lines {
        match line {
            Line::Text(t) => {
                let t = t.trim().to_string();
                if t.is_empty() {
                    in_notice = false;
                    continue;
                }
                for part in split_run_together(&t) {
                    let numbered =
                        part.chars().next().is_some_and(|c| c.is_ascii_digit()) && !HEADING[5].0.is_match(&part);
                    if part.starts_with("温馨提示") || (in_notice && numbered) || is_debris(&part) {
                        in_notice |= part.starts_with("温馨提示");
                        out.dropped += 1;
                        continue;
                    }
                    in_notice = false;
                    clean.push(Line::Text(tidy(&part)));
                }
            }
            Line::Heading(level, t) => clean.push(Line::Heading(level, tidy(&t))),
            table => clean.push(table),
        }
    }
    clean.retain(|l| match l {
        Line::Chart(names) => {
            out.charted.extend(names.iter().cloned());
            false
        }
        _ => true,
    });
    // Attachments: from the first label line (附件, 附件1) on.
    static LABEL: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^附件\s*\d*[:：]?$").expect("label"));
    let text_of = |l: &Line| match l {
        Line::Text(t) | Line::Heading(_, t) => Some(t.clone()),
        _ => None,
    };
    if let Some(at) = clean.iter().position(|l| text_of(l).is_some_and(|t| LABEL.is_match(&t))) {
        for l in clean.split_off(at) {
            match (&l, text_of(&l)) {
                (_, Some(t)) if LABEL.is_match(&t) => out.appendices.push(Appendix::default()),
                (Line::Table(rows), _) => out.appendices.last_mut().expect("label first").tables.push(rows.clone()),
                (_, Some(t)) => {
                    let a = out.appendices.last_mut().expect("label first");
                    if a.title.is_empty() { a.title = t } else { a.paragraphs.push(t) }
                }
                _ => {}
            }
        }
    }
    // The attachment note under the body (附件：title, or 附件：1．… then 2．…):
    // rendering writes it again from the attachments.
    static NOTE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^附件[:：]\s*(1[．.])?").expect("note"));
    static MORE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\s*\d+[．.]").expect("more"));
    let note = |l: &Line| match l {
        Line::Text(t) => NOTE.captures(t).map(|c| c.get(1).is_some()),
        _ => None,
    };
    if let Some((at, numbered)) = clean.iter().enumerate().find_map(|(i, l)| note(l).map(|n| (i, n))) {
        let more = clean[at + 1..].iter().take_while(|l| numbered && matches!(l, Line::Text(t) if MORE.is_match(t)));
        let n = 1 + more.count();
        clean.drain(at..at + n);
    }
    out.signature = signature(&mut clean);
    let mut rest = title_block(&clean, &mut out.head);
    // A bare task number on its own line takes the next line as its title.
    let mut blocks: Vec<Line> = Vec::new();
    while let Some(line) = rest.first().cloned() {
        rest = &rest[1..];
        if let Line::Text(t) = &line
            && HEADING[5].0.is_match(t)
            && let Some(Line::Text(next)) = rest.first()
        {
            blocks.push(Line::Text(format!("{t}．{next}")));
            rest = &rest[1..];
            continue;
        }
        blocks.push(line);
    }
    out.root = tree(blocks);
    out
}

/// The title block: short lines before the body (title lines, the ——在…上的
/// 讲话 subtitle, the date, the speaker's post and name) and the salutation;
/// returns the lines after it.
fn title_block<'a>(lines: &'a [Line], head: &mut TitleBlock) -> &'a [Line] {
    let mut i = 0;
    while let Some(Line::Text(t)) = lines.get(i) {
        if let Some(c) = SALUTATION.captures(t) {
            head.salutation = Some(c[1].to_string());
            let rest = c[3].trim();
            if rest.is_empty() {
                return &lines[i + 1..];
            }
            // The salutation runs into the opening: keep that as the first paragraph.
            return &lines[i..];
        }
        let short = t.chars().count() <= 50 && !t.ends_with(['。', '！', '？', '；']);
        if !short || heading(t).is_some() {
            break;
        }
        if t.starts_with("——") || t.starts_with("—-") {
            head.subtitle = Some(t.clone());
        } else if DATE.is_match(t) {
            head.date = Some(t.trim_matches(['（', '）', '(', ')']).to_string());
        } else if let Some(sp) = speaker(t) {
            head.speaker = Some(sp);
        } else {
            head.title.push(t.clone());
        }
        i += 1;
    }
    &lines[i..]
}

/// The 落款 closing the body: the issuing body's line and the date under it
/// (taken off the lines).
fn signature(lines: &mut Vec<Line>) -> Option<(String, Option<String>)> {
    static BODY: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^[\p{Han}（）()]{2,30}(局|委员会|委|政府|办公室|厅|中心)$").expect("issuer"));
    let n = lines.len();
    let text = |i: usize| match lines.get(i) {
        Some(Line::Text(t)) => Some(t.as_str()),
        _ => None,
    };
    let dated = n >= 2 && text(n - 1).is_some_and(|t| DATE.is_match(t));
    let at = if dated { n - 2 } else { n.checked_sub(1)? };
    let body = text(at).filter(|t| BODY.is_match(t))?.to_string();
    let date = dated.then(|| text(n - 1).unwrap_or_default().to_string());
    lines.truncate(at);
    Some((body, date))
}

/// `县卫生和计划生育局党组书记、局长　李少波`: the post and the name.
fn speaker(t: &str) -> Option<(String, String)> {
    let (post, name) = t.rsplit_once(['　', ' '])?;
    let name = name.trim();
    let posts = ["局长", "书记", "主任", "县长", "区长", "市长", "厅长", "委员", "同志", "副"];
    let n = name.chars().count();
    ((2..=4).contains(&n) && posts.iter().any(|p| post.contains(p)))
        .then(|| (post.trim().to_string(), name.to_string()))
}

/// A heading typed in a line: level, number as typed, title, and the text run
/// in after the title (`1．标题。正文` → 标题, 正文).
pub fn heading(t: &str) -> Option<(u8, String, String, Option<String>)> {
    // The bare number (pattern 5) is joined to its title before this.
    let (re, level) = HEADING.iter().enumerate().find(|(i, (re, _))| *i != 5 && re.is_match(t)).map(|(_, h)| h)?;
    let c = re.captures(t)?;
    let marker = c[1].to_string();
    let rest = c[2].trim();
    if rest.is_empty() {
        return None;
    }
    let (title, body) = runin(rest);
    Some((*level, marker, title, body))
}

/// A heading's text split into its title and the text run in after it: the
/// first sentence is the title when more follows (its full stop the
/// template's); a sole sentence is a title standing alone, as typed.
fn runin(rest: &str) -> (String, Option<String>) {
    match rest.find(['。', '！', '？']) {
        Some(at) => {
            let stop = rest[at..].chars().next().map_or(0, char::len_utf8);
            let after = rest[at + stop..].trim();
            if after.is_empty() { (rest.to_string(), None) } else { (rest[..at].to_string(), Some(after.to_string())) }
        }
        None => (rest.to_string(), None),
    }
}

/// The body into a tree of headings. Paragraphs after a run-in heading that
/// are followed by a heading of a higher rank (or the end) close that
/// higher-ranked part instead (a review's thanks, the closing words).
fn tree(blocks: Vec<Line>) -> Node {
    let mut stack: Vec<Node> = vec![Node::default()];
    let mut pending: Vec<String> = Vec::new();
    let mut pending_tables: Vec<Vec<Vec<String>>> = Vec::new();
    for b in blocks {
        let h = match b {
            Line::Text(t) => match heading(&t) {
                Some(h) => h,
                None => {
                    pending.push(t);
                    continue;
                }
            },
            Line::Heading(level, t) => {
                let (title, body) = runin(&t);
                (level.clamp(1, 4), String::new(), title, body)
            }
            Line::Table(rows) => {
                pending_tables.push(rows);
                continue;
            }
            Line::Chart(_) => continue,
        };
        let (level, marker, title, body) = h;
        place(&mut stack, &mut pending, level);
        stack.last_mut().expect("root").tables.append(&mut pending_tables);
        close(&mut stack, level);
        let runin = body.is_some();
        stack.push(Node { level, marker, title, runin, body: body.into_iter().collect(), ..Node::default() });
    }
    // The closing words at the end (同志们，…) close the report, not its last part.
    let closing = pending.iter().position(|p| p.starts_with("同志们，") || p.starts_with("同志们！"));
    let mut closing = closing.map(|at| pending.split_off(at)).unwrap_or_default();
    place(&mut stack, &mut pending, 0);
    stack[0].outro.append(&mut closing);
    stack.last_mut().expect("root").tables.append(&mut pending_tables);
    close(&mut stack, 1);
    stack.pop().expect("root")
}

/// Pop every open node of level `level` or deeper into its parent.
/// A heading whose number does not follow the one before it at its level
/// (and does not start afresh at 1) is marked [`Node::skipped`].
fn close(stack: &mut Vec<Node>, level: u8) {
    while stack.len() > 1 && stack.last().is_some_and(|n| n.level >= level) {
        let mut done = stack.pop().expect("open node");
        let parent = stack.last_mut().expect("parent");
        let before = parent.children.last().filter(|p| p.level == done.level).and_then(|p| marker_number(&p.marker));
        if let (Some(before), Some(n)) = (before, marker_number(&done.marker))
            && n != before + 1
            && n != 1
        {
            done.skipped = Some(before + 1);
        }
        parent.children.push(done);
    }
}

/// Paragraphs read since the last heading, before a heading of `next` level (0: the end).
fn place(stack: &mut [Node], pending: &mut Vec<String>, next: u8) {
    if pending.is_empty() {
        return;
    }
    let top = stack.len() - 1;
    let node = &stack[top];
    let closes_higher = node.runin && node.level > 0 && (next == 0 || next < node.level);
    if !closes_higher {
        stack[top].body.append(pending);
        return;
    }
    // The highest-ranked open node the next heading closes (the root at the end).
    let at = if next == 0 { 0 } else { stack.iter().position(|n| n.level >= next).unwrap_or(top) };
    stack[at].outro.append(pending);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tidy_makes_punctuation_in_chinese_full_width_only() {
        assert_eq!(tidy("  2018年,全市(试行):好  "), "2018年，全市（试行）：好");
        assert_eq!(tidy("大干苦干  真干实干"), "大干苦干　真干实干");
        assert_eq!(tidy("14:42 a, b (c)"), "14:42 a, b (c)");
    }

    #[test]
    fn headings_by_their_numbers_and_run_in_text() {
        assert_eq!(
            heading("（一）深化医改。一是……"),
            Some((2, "（一）".into(), "深化医改".into(), Some("一是……".into())))
        );
        assert_eq!(heading("第三章 主要任务"), Some((1, "第三章".into(), "主要任务".into(), None)));
        assert_eq!(
            heading("12．全面实施健康湖南行动。"),
            Some((3, "12．".into(), "全面实施健康湖南行动。".into(), None))
        );
        assert_eq!(heading("2020年是收官之年。"), None);
        assert_eq!(heading("一是加强领导。"), None);
    }
}
