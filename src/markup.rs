//! The markup templates emit, and its parser into the [`Document`] model.
//!
//! The markup is CommonMark, parsed by pulldown-cmark, with these conventions:
//!
//! * A YAML front matter block (`---` … `---`) holds document settings:
//!   `file` (output file name), `title`, `author`, `subject`, `keywords`, `date`
//!   (creation date), and `numbering` (one `{format, restart}` per heading level;
//!   `format` holds `{一}` for Chinese or `{1}` for Arabic counting, `restart` is the
//!   level after whose headings the count starts again, 0 for never). Template
//!   values go in as `{{ value|tojson }}`.
//! * `#` to `####` are headings of level 1 to 4, numbered automatically. The class
//!   `{.runin}` runs the heading into the paragraph that follows it (`1．标题。正文…`);
//!   `{.unnumbered}` leaves it without a number, `{number=4}` gives it number 4
//!   (later headings of its level count on from there).
//! * Title-block lines are headings carrying a class: `{.title}` (consecutive ones
//!   form one title), `{.subtitle}`, `{.date}`, `{.speaker}`, `{.salutation}`;
//!   `{.attachment}` starts an attachment on a new page; `{.signature}` lines
//!   (consecutive ones form one block) are the issuing body and date at the end.
//! * Paragraphs, `**strong**` text, GFM tables (the first row is the header),
//!   and a thematic break (`***`) for a page break.
//!
//! Anything else (lists, links, code, HTML) is refused rather than dropped.

use pulldown_cmark::{Alignment, CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::Deserialize;

use crate::diag::{Diagnostic, Errors, Location, Result};
use crate::doc::{
    ATTACHMENT_NOTE, ATTACHMENT_NOTE_INDENT, Align, Attachment, Block, Chart, Counter, Document, Heading,
    HeadingNumber, LevelStyle, Meta, Numbering, Table, Text, printable,
};
use crate::numbers::MAX_HEADING_NUMBER;

/// Settings from the front matter.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    file: String,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    author: String,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    keywords: Vec<String>,
    #[serde(default)]
    date: Option<crate::numbers::Date>,
    #[serde(default)]
    numbering: Option<Vec<LevelSpec>>,
}

impl crate::yaml::TypeNames for FrontMatter {}
impl crate::yaml::TypeNames for crate::doc::Chart {}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LevelSpec {
    format: String,
    #[serde(default)]
    restart: Option<u8>,
}

/// Parse markup into a document. `origin` names the markup in messages (the template).
pub fn parse(markup: &str, origin: &str) -> Result<Document> {
    let line_starts = std::iter::once(0).chain(markup.match_indices('\n').map(|(i, _)| i + 1)).collect();
    let mut p = MarkupParser { origin, src: markup, line_starts, blocks: Vec::new(), errors: Vec::new() };
    let front = p.run()?;
    let numbering = p.numbering(&front)?;
    let mut doc = Document {
        meta: Meta {
            title: printable(front.title.as_deref().unwrap_or_default()).into_owned(),
            author: printable(&front.author).into_owned(),
            subject: printable(&front.subject).into_owned(),
            keywords: front.keywords.iter().map(|k| printable(k).into_owned()).collect(),
            created: front.date.map(|d| d.first_day().and_hms_opt(0, 0, 0).expect("midnight")),
            file_stem: crate::output::sanitize_file_stem(&front.file),
        },
        numbering,
        blocks: std::mem::take(&mut p.blocks),
    };
    if doc.meta.title.is_empty() {
        doc.meta.title = doc
            .blocks
            .iter()
            .find_map(|b| match b {
                Block::Title(lines) => Some(lines.iter().map(|l| l.plain()).collect::<Vec<_>>().join(" ")),
                _ => None,
            })
            .unwrap_or_default();
    }
    if doc.meta.file_stem.is_empty() {
        return Err(p.error(1, "front matter 的 file（输出文件名）去掉不允许的字符后为空").into());
    }
    number_headings(&mut doc);
    label_attachments(&mut doc);
    note_attachments(&mut doc);
    Ok(doc)
}

struct MarkupParser<'a> {
    origin: &'a str,
    src: &'a str,
    /// The byte offset where each line of `src` starts.
    line_starts: Vec<usize>,
    blocks: Vec<Block>,
    errors: Vec<Diagnostic>,
}

/// What the parser is inside of.
enum Open {
    Heading {
        level: u8,
        attrs: Attrs,
        text: Text,
        line: usize,
    },
    Paragraph(Text),
    /// A fenced ```` ```chart ```` block: its YAML text and first line.
    Chart(String, usize),
    Table {
        columns: Vec<Align>,
        header: Vec<Text>,
        rows: Vec<Vec<Text>>,
        row: Vec<Text>,
        cell: Option<Text>,
        in_head: bool,
    },
}

impl MarkupParser<'_> {
    /// The 1-based line of byte `offset`.
    fn line_of(&self, offset: usize) -> usize {
        self.line_starts.partition_point(|&start| start <= offset)
    }

    fn error(&self, line: usize, msg: impl Into<String>) -> Diagnostic {
        Diagnostic::error("markup", msg).at(Some(Location {
            file: format!("{}（渲染结果）", self.origin),
            line,
            column: 1,
            source_line: self.src.lines().nth(line - 1).map(str::to_string),
            width: 1,
            cell: None,
        }))
    }

    fn run(&mut self) -> Result<FrontMatter> {
        let options =
            Options::ENABLE_TABLES | Options::ENABLE_HEADING_ATTRIBUTES | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS;
        let mut front: Option<FrontMatter> = None;
        let mut open: Option<Open> = None;
        let mut in_meta = false;
        let mut meta_text = String::new();
        let mut strong = 0usize;
        let mut pending_runin: Option<(u8, Text, Attrs, usize)> = None;
        for (event, range) in Parser::new_ext(self.src, options).into_offset_iter() {
            let line = self.line_of(range.start);
            match event {
                Event::Start(Tag::MetadataBlock(_)) => in_meta = true,
                Event::End(TagEnd::MetadataBlock(_)) => {
                    in_meta = false;
                    let path = std::path::Path::new(self.origin);
                    let file = crate::yaml::YamlFile::parse(path, meta_text.clone())?;
                    front = Some(crate::yaml::deserialize(file.value.clone(), &[&file])?);
                }
                Event::Text(t) if in_meta => meta_text.push_str(&t),
                Event::Start(Tag::Heading { level, classes, attrs, .. }) => {
                    let level = heading_level(level);
                    let attrs = self.attrs(&classes, &attrs, line);
                    open = Some(Open::Heading { level, attrs, text: Text::default(), line });
                }
                Event::End(TagEnd::Heading(_)) => {
                    if let Some(Open::Heading { level, attrs, text, line }) = open.take() {
                        if let Some((_, _, _, l)) = &pending_runin {
                            self.errors.push(self.error(*l, "接排标题（.runin）后面必须紧跟一个段落"));
                            pending_runin = None;
                        }
                        self.heading(level, attrs, text, line, &mut pending_runin);
                    }
                }
                Event::Start(Tag::Paragraph) => open = Some(Open::Paragraph(Text::default())),
                Event::End(TagEnd::Paragraph) => {
                    if let Some(Open::Paragraph(text)) = open.take() {
                        match pending_runin.take() {
                            Some((level, htext, attrs, _)) => self.blocks.push(Block::Heading(Heading {
                                level,
                                number: numbered(&attrs),
                                text: runin_text(htext),
                                run_in: Some(text),
                            })),
                            None => self.blocks.push(Block::Paragraph(text)),
                        }
                    }
                }
                Event::Start(Tag::Table(aligns)) => {
                    let columns = aligns
                        .iter()
                        .map(|a| match a {
                            Alignment::Center => Align::Center,
                            Alignment::Right => Align::Right,
                            _ => Align::Left,
                        })
                        .collect();
                    open = Some(Open::Table {
                        columns,
                        header: Vec::new(),
                        rows: Vec::new(),
                        row: Vec::new(),
                        cell: None,
                        in_head: false,
                    });
                }
                Event::Start(Tag::TableHead) => {
                    if let Some(Open::Table { in_head, .. }) = &mut open {
                        *in_head = true;
                    }
                }
                Event::End(TagEnd::TableHead) => {
                    if let Some(Open::Table { in_head, header, row, .. }) = &mut open {
                        *in_head = false;
                        *header = std::mem::take(row);
                    }
                }
                Event::Start(Tag::TableRow) => {}
                Event::End(TagEnd::TableRow) => {
                    if let Some(Open::Table { rows, row, .. }) = &mut open {
                        rows.push(std::mem::take(row));
                    }
                }
                Event::Start(Tag::TableCell) => {
                    if let Some(Open::Table { cell, .. }) = &mut open {
                        *cell = Some(Text::default());
                    }
                }
                Event::End(TagEnd::TableCell) => {
                    if let Some(Open::Table { cell, row, .. }) = &mut open {
                        row.push(cell.take().unwrap_or_default());
                    }
                }
                Event::End(TagEnd::Table) => {
                    if let Some(Open::Table { mut columns, header, rows, .. }) = open.take() {
                        decimal_columns(&mut columns, &rows);
                        self.blocks.push(Block::Table(Table { columns, header, rows }));
                    }
                }
                Event::Start(Tag::Strong) => strong += 1,
                Event::End(TagEnd::Strong) => strong = strong.saturating_sub(1),
                Event::Start(Tag::Emphasis) | Event::End(TagEnd::Emphasis) => {}
                Event::Text(t) => match &mut open {
                    Some(Open::Chart(text, _)) => text.push_str(&t),
                    _ => push_text(&mut open, &t, strong > 0),
                },
                Event::SoftBreak | Event::HardBreak => push_break(&mut open, strong > 0),
                Event::Rule => self.blocks.push(Block::PageBreak),
                Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) if info.trim() == "chart" => {
                    open = Some(Open::Chart(String::new(), line));
                }
                Event::End(TagEnd::CodeBlock) if matches!(open, Some(Open::Chart(..))) => {
                    if let Some(Open::Chart(text, line)) = open.take() {
                        match self.chart(text, line) {
                            Ok(chart) => self.blocks.push(Block::Chart(chart)),
                            Err(e) => self.errors.extend(e.0),
                        }
                    }
                }
                other => {
                    let what = match other {
                        Event::Start(Tag::List(_)) => "列表",
                        Event::Start(Tag::CodeBlock(_)) | Event::Code(_) => "代码",
                        Event::Start(Tag::Link { .. }) => "链接",
                        Event::Start(Tag::Image { .. }) => "图片",
                        Event::Start(Tag::BlockQuote(_)) => "引用块",
                        Event::Html(_) | Event::InlineHtml(_) | Event::Start(Tag::HtmlBlock) => "HTML",
                        _ => continue,
                    };
                    self.errors.push(
                        self.error(line, format!("标记里不支持{what}；数据里的文字会自动转义，这通常是模板写错了")),
                    );
                }
            }
        }
        if let Some((_, _, _, l)) = pending_runin {
            self.errors.push(self.error(l, "接排标题（.runin）后面必须紧跟一个段落"));
        }
        if !self.errors.is_empty() {
            return Err(Errors(std::mem::take(&mut self.errors)));
        }
        front.ok_or_else(|| {
            self.error(1, "渲染结果开头缺少 front matter（--- 包围的 YAML，至少要有 file 和 date）").into()
        })
    }

    /// A chart from the YAML of a ```` ```chart ```` block, checked for shape.
    fn chart(&self, text: String, line: usize) -> Result<Chart> {
        let path = std::path::Path::new(self.origin);
        let mut chart: Chart = crate::yaml::YamlFile::parse(path, text)
            .and_then(|file| crate::yaml::deserialize(file.value.clone(), &[&file]))
            .map_err(|e| {
                let why: Vec<String> = e.0.iter().map(|d| d.message.clone()).collect();
                self.error(line, format!("图表数据有误：{}", why.join("；")))
            })?;
        let wrong_count = chart.categories.iter().find(|c| c.values.len() != chart.series.len());
        let negative = chart.categories.iter().find(|c| c.values.iter().flatten().any(|v| !v.is_finite() || *v < 0.0));
        // Texts longer than the chart has room for (in characters).
        let too_long = std::iter::once(("标题（title）", 60, chart.title.as_str()))
            .chain(chart.series.iter().map(|s| ("系列名", 20, s.as_str())))
            .chain(chart.categories.iter().map(|c| ("类别名", 30, c.name.as_str())))
            .chain([("单位（unit）", 10, chart.unit.as_str())])
            .find(|(_, max, text)| text.chars().count() > *max);
        let problem = if chart.series.is_empty() || chart.series.len() > MAX_SERIES {
            format!("图表应有 1 到 {MAX_SERIES} 个系列（series）")
        } else if chart.categories.is_empty() || chart.categories.len() > MAX_CATEGORIES {
            format!("图表应有 1 到 {MAX_CATEGORIES} 个类别（categories）")
        } else if let Some(c) = wrong_count {
            format!("图表类别“{}”有 {} 个值，应与系列数 {} 相同", c.name, c.values.len(), chart.series.len())
        } else if let Some(c) = negative {
            format!("图表类别“{}”的值必须是不小于 0 的数", c.name)
        } else if let Some((what, max, text)) = too_long {
            format!("图表{what}“{text}”超过 {max} 个字，图中放不下；请缩短")
        } else {
            String::new()
        };
        if !problem.is_empty() {
            return Err(self.error(line, problem).into());
        }
        // A series without a single figure (no targets last year, say) is left out.
        for s in (0..chart.series.len()).rev() {
            if chart.categories.iter().all(|c| c.values[s].is_none()) && chart.series.len() > 1 {
                chart.series.remove(s);
                chart.categories.iter_mut().for_each(|c| _ = c.values.remove(s));
            }
        }
        Ok(chart)
    }

    /// A heading's classes and its `number=N`, any other attribute refused.
    fn attrs(
        &mut self,
        classes: &[pulldown_cmark::CowStr],
        attrs: &[(pulldown_cmark::CowStr, Option<pulldown_cmark::CowStr>)],
        line: usize,
    ) -> Attrs {
        let mut number = None;
        for (key, value) in attrs {
            match (key.as_ref(), value.as_deref().map(str::parse::<u32>)) {
                ("number", Some(Ok(n))) if (1..=MAX_HEADING_NUMBER).contains(&n) => number = Some(n),
                ("number", _) => self.errors.push(self.error(
                    line,
                    format!(
                        "标题的编号 number={} 要是 1 到 {MAX_HEADING_NUMBER} 的整数",
                        value.as_deref().unwrap_or("")
                    ),
                )),
                (other, _) => {
                    self.errors.push(self.error(line, format!("不认识的标题属性 {other}；可用：number=编号")))
                }
            }
        }
        Attrs { classes: classes.iter().map(|c| c.to_string()).collect(), number }
    }

    fn heading(
        &mut self,
        level: u8,
        attrs: Attrs,
        text: Text,
        line: usize,
        pending_runin: &mut Option<(u8, Text, Attrs, usize)>,
    ) {
        let classes = &attrs.classes;
        let role = classes.iter().find(|c| !matches!(c.as_str(), "runin" | "unnumbered"));
        let block = match role.map(String::as_str) {
            None if classes.iter().any(|c| c == "runin") => {
                *pending_runin = Some((level, text, attrs, line));
                return;
            }
            None => Block::Heading(Heading { level, number: numbered(&attrs), text, run_in: None }),
            Some("title") => {
                if let Some(Block::Title(lines)) = self.blocks.last_mut() {
                    lines.push(text);
                    return;
                }
                Block::Title(vec![text])
            }
            Some("signature") => {
                if let Some(Block::Signature(lines)) = self.blocks.last_mut() {
                    lines.push(text);
                    return;
                }
                Block::Signature(vec![text])
            }
            Some("subtitle") => Block::Subtitle(text),
            Some("date") => Block::Date(text),
            Some("speaker") => Block::Speaker(text),
            Some("salutation") => Block::Salutation(text),
            Some("attachment") => Block::Attachment(Attachment { label: String::new(), title: text }),
            Some(other) => {
                self.errors.push(self.error(
                    line,
                    format!("不认识的类名 .{other}；可用：.title .subtitle .date .speaker .salutation .attachment .signature .runin .unnumbered"),
                ));
                return;
            }
        };
        self.blocks.push(block);
    }

    fn numbering(&self, front: &FrontMatter) -> Result<Numbering> {
        let mut numbering = Numbering::default();
        let Some(specs) = &front.numbering else { return Ok(numbering) };
        if specs.len() > 4 {
            return Err(self.error(1, "numbering 最多四级").into());
        }
        for (i, spec) in specs.iter().enumerate() {
            let Some((prefix, chinese, suffix)) = crate::numbers::number_format(&spec.format) else {
                return Err(self
                    .error(1, format!("numbering 第{}级的格式“{}”里要有且只有一个 {{一}} 或 {{1}}", i + 1, spec.format))
                    .into());
            };
            let counter = if chinese { Counter::Chinese } else { Counter::Decimal };
            let restart = spec.restart.unwrap_or(i as u8);
            if restart as usize > i {
                return Err(self.error(1, format!("numbering 第{}级的 restart 只能是 0 到 {i}", i + 1)).into());
            }
            numbering.levels[i] =
                LevelStyle { prefix: prefix.into(), counter, suffix: suffix.into(), restart_after: restart };
        }
        Ok(numbering)
    }
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        _ => 4,
    }
}

/// A heading's classes and the number the markup gives it.
struct Attrs {
    classes: Vec<String>,
    number: Option<u32>,
}

fn numbered(attrs: &Attrs) -> Option<HeadingNumber> {
    (!attrs.classes.iter().any(|c| c == "unnumbered")).then(|| HeadingNumber {
        value: 0,
        label: String::new(),
        given: attrs.number,
        jumped_from: None,
    })
}

/// A run-in heading ends with its punctuation: `。` is added unless it already ends
/// with a closing mark.
fn runin_text(mut t: Text) -> Text {
    if !crate::numbers::ends_with_stop(&t.plain()) {
        let strong = t.spans.last().is_some_and(|s| s.strong);
        t.push("。", strong);
    }
    t
}

fn current_text(open: &mut Option<Open>) -> Option<&mut Text> {
    match open {
        Some(Open::Heading { text, .. }) | Some(Open::Paragraph(text)) => Some(text),
        Some(Open::Table { cell: Some(c), .. }) => Some(c),
        _ => None,
    }
}

/// Most series and categories in one chart: beyond these a bar chart stops
/// reading at a glance (and its labels no longer fit the chart's nine lines).
const MAX_SERIES: usize = 6;
const MAX_CATEGORIES: usize = 12;
/// A right-aligned column of figures ([`crate::numbers::is_figure_column`])
/// aligns on the decimal point.
fn decimal_columns(columns: &mut [Align], rows: &[Vec<Text>]) {
    for (i, align) in columns.iter_mut().enumerate() {
        let cells: Vec<String> = rows.iter().filter_map(|r| r.get(i)).map(Text::plain).collect();
        if *align == Align::Right && crate::numbers::is_figure_column(cells.iter().map(String::as_str)) {
            *align = Align::Decimal;
        }
    }
}

fn push_text(open: &mut Option<Open>, s: &str, strong: bool) {
    if let Some(t) = current_text(open) {
        t.push(s, strong);
    }
}

/// A line break inside a paragraph joins the lines: with nothing between Chinese
/// text, with a space between Latin words.
fn push_break(open: &mut Option<Open>, strong: bool) {
    if let Some(t) = current_text(open) {
        let before = t.plain().chars().last();
        if before.is_some_and(|c| c.is_ascii_alphanumeric()) {
            t.push(" ", strong);
        }
    }
}

/// Resolve heading numbers per [`Numbering`]; attachments start the count afresh.
fn number_headings(doc: &mut Document) {
    let mut counters = [0u32; 4];
    let levels = doc.numbering.levels.clone();
    for block in &mut doc.blocks {
        match block {
            Block::Attachment(_) => counters = [0; 4],
            Block::Heading(h) => {
                let Some(number) = &mut h.number else { continue };
                let i = usize::from(h.level - 1);
                let next = counters[i].saturating_add(1);
                counters[i] = number.given.unwrap_or(next);
                number.jumped_from = (counters[i] != next).then_some(next);
                for (k, level) in levels.iter().enumerate().skip(i + 1) {
                    if usize::from(level.restart_after) > i {
                        counters[k] = 0;
                    }
                }
                number.value = counters[i];
                number.label = levels[i].label(counters[i]);
            }
            _ => {}
        }
    }
}

/// `附件` for a single attachment, `附件1`, `附件2`, … for several.
fn label_attachments(doc: &mut Document) {
    let total = doc.blocks.iter().filter(|b| matches!(b, Block::Attachment(_))).count();
    let mut n = 0;
    for block in &mut doc.blocks {
        if let Block::Attachment(a) = block {
            n += 1;
            a.label = if total == 1 { "附件".to_string() } else { format!("附件{n}") };
        }
    }
}

/// The attachment note under the body (GB/T 9704 7.3.4), before the signature:
/// `附件：title`, or for several `附件：1．title` with `2．title` … aligned under
/// the first, one paragraph each.
fn note_attachments(doc: &mut Document) {
    let titles: Vec<String> = doc
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Attachment(a) => Some(a.title.plain()),
            _ => None,
        })
        .collect();
    let Some(first) = doc.blocks.iter().position(|b| matches!(b, Block::Attachment(_))) else { return };
    // Before the signature that ends the body, if there is one.
    let at = match doc.blocks[..first].iter().position(|b| matches!(b, Block::Signature(_))) {
        Some(sig) => sig,
        None => first,
    };
    let notes = titles.iter().enumerate().map(|(i, title)| {
        let line = match (titles.len(), i) {
            (1, _) => format!("{ATTACHMENT_NOTE}{title}"),
            (_, 0) => format!("{ATTACHMENT_NOTE}1．{title}"),
            (_, i) => format!("{ATTACHMENT_NOTE_INDENT}{}．{title}", i + 1),
        };
        let mut text = Text::default();
        text.push(&line, false);
        Block::AttachmentNote(text)
    });
    doc.blocks.splice(at..at, notes.collect::<Vec<_>>());
}

#[cfg(test)]
mod tests {
    use super::*;

    const FRONT: &str = "---\nfile: 测试\ndate: 2018-04-11\n---\n\n";

    fn parse_body(body: &str) -> Document {
        parse(&format!("{FRONT}{body}"), "test").unwrap_or_else(|e| panic!("{e}"))
    }

    fn labels(doc: &Document) -> Vec<String> {
        doc.headings().map(|h| h.display_text()).collect()
    }

    #[test]
    fn numbers_restart_under_parent() {
        let doc = parse_body("# 甲\n\n## 子一\n\n## 子二\n\n# 乙\n\n## 子三\n\n### 孙\n\n#### 曾孙\n\n#### 曾孙二\n");
        assert_eq!(
            labels(&doc),
            ["一、甲", "（一）子一", "（二）子二", "二、乙", "（一）子三", "1．孙", "（1）曾孙", "（2）曾孙二"]
        );
    }

    #[test]
    fn inserting_an_item_renumbers_everything_after_it() {
        let before = parse_body("# 甲\n\n## 一\n\n## 二\n\n## 三\n");
        let after = parse_body("# 甲\n\n## 一\n\n## 新\n\n## 二\n\n## 三\n");
        assert_eq!(labels(&before), ["一、甲", "（一）一", "（二）二", "（三）三"]);
        assert_eq!(labels(&after), ["一、甲", "（一）一", "（二）新", "（三）二", "（四）三"]);
    }

    #[test]
    fn continuous_numbering_across_parents() {
        // As in the model speech: items 1-10 run on across （一）…（五）; restart only at a new 一、.
        let src = "---\nfile: t\ndate: 2018-04-11\nnumbering:\n  - format: \"{一}、\"\n  - format: \"（{一}）\"\n  - format: \"{1}．\"\n    restart: 1\n---\n\n# 回顾\n\n## 甲\n\n### a\n\n## 乙\n\n### b\n\n# 部署\n\n## 丙\n\n### c\n";
        let doc = parse(src, "t").unwrap();
        assert_eq!(labels(&doc), ["一、回顾", "（一）甲", "1．a", "（二）乙", "2．b", "二、部署", "（一）丙", "1．c"]);
        assert_eq!(doc.numbering.levels[2].restart_after, 1);
    }

    #[test]
    fn chapters_and_tens() {
        let src = "---\nfile: t\ndate: 2021-01-01\nnumbering:\n  - format: \"第{一}章　\"\n  - format: \"第{一}节　\"\n---\n\n"
            .to_string()
            + &(1..=11).map(|i| format!("# 章{i}\n\n")).collect::<String>();
        let doc = parse(&src, "t").unwrap();
        let l = labels(&doc);
        assert_eq!(l[9], "第十章　章10");
        assert_eq!(l[10], "第十一章　章11");
    }

    #[test]
    fn runin_headings_take_the_next_paragraph() {
        let doc = parse_body("# 甲\n\n### 县级公立医院救治能力有效提升 {.runin}\n\n一是县医院……。二是……。\n");
        let Block::Heading(h) = &doc.blocks[1] else { panic!() };
        assert_eq!(h.display_text(), "1．县级公立医院救治能力有效提升。");
        assert_eq!(h.run_in.as_ref().unwrap().plain(), "一是县医院……。二是……。");
        assert_eq!(doc.blocks.len(), 2);
    }

    #[test]
    fn runin_without_paragraph_is_an_error() {
        let e = parse(&format!("{FRONT}### 标题 {{.runin}}\n\n## 下一个\n"), "t").unwrap_err();
        assert!(e.to_string().contains("接排标题"), "{e}");
    }

    #[test]
    fn a_given_number_is_counted_on_from_and_marked_where_it_jumps() {
        let doc = parse_body("# 甲\n\n## a\n\n## b {number=4}\n\n## c\n\n## d {number=6}\n\n# 乙\n\n## e\n");
        let numbers: Vec<(u32, String, Option<u32>)> = doc
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Heading(h) if h.level == 2 => {
                    h.number.as_ref().map(|n| (n.value, n.label.clone(), n.jumped_from))
                }
                _ => None,
            })
            .collect();
        let want = [
            (1, "（一）", None),
            (4, "（四）", Some(2)),
            (5, "（五）", None),
            (6, "（六）", None),
            (1, "（一）", None),
        ];
        assert_eq!(numbers, want.map(|(v, l, j)| (v, l.to_string(), j)));
        for (attr, message) in [
            ("number=x", "number=x 要是 1 到 999 的整数"),
            ("number=0", "number=0 要是 1 到 999 的整数"),
            ("number=4294967295", "number=4294967295 要是 1 到 999 的整数"),
            ("no=1", "不认识的标题属性 no"),
        ] {
            let e = parse(&format!("{FRONT}## 标题 {{{attr}}}\n\n正文。\n"), "t").unwrap_err();
            assert!(e.to_string().contains(message), "{e}");
        }
    }

    #[test]
    fn title_block_and_attachments() {
        let doc = parse_body(
            "# 大干苦干 {.title}\n# 为开创新局面而努力奋斗 {.title}\n\n## ——在会议上的讲话 {.subtitle}\n\n## 2018年4月11日 {.date}\n\n## 局长　李某 {.speaker}\n\n## 同志们： {.salutation}\n\n正文。\n\n# 指标表 {.attachment}\n\n# 另一表 {.attachment}\n",
        );
        assert!(matches!(&doc.blocks[0], Block::Title(l) if l.len() == 2));
        assert!(matches!(&doc.blocks[1], Block::Subtitle(t) if t.plain() == "——在会议上的讲话"));
        assert!(matches!(&doc.blocks[2], Block::Date(_)));
        assert!(matches!(&doc.blocks[3], Block::Speaker(_)));
        assert!(matches!(&doc.blocks[4], Block::Salutation(t) if t.plain() == "同志们："));
        // The attachment note under the body (GB/T 9704 7.3.4), a blank line above it.
        assert!(matches!(&doc.blocks[6], Block::AttachmentNote(t) if t.plain() == "附件：1．指标表"));
        assert!(matches!(&doc.blocks[7], Block::AttachmentNote(t) if t.plain() == "\u{3000}\u{3000}\u{3000}2．另一表"));
        assert_eq!((doc.blank_lines_before(6), doc.blank_lines_before(7)), (1, 0));
        assert!(matches!(&doc.blocks[8], Block::Attachment(a) if a.label == "附件1"));
        assert!(matches!(&doc.blocks[9], Block::Attachment(a) if a.label == "附件2"));
        assert_eq!(doc.meta.title, "大干苦干 为开创新局面而努力奋斗");
    }

    #[test]
    fn the_attachment_note_stands_above_the_signature() {
        let doc = parse_body("正文。\n\n## 某局 {.signature}\n\n# 指标表 {.attachment}\n");
        assert!(matches!(&doc.blocks[1], Block::AttachmentNote(t) if t.plain() == "附件：指标表"));
        assert!(matches!(&doc.blocks[2], Block::Signature(_)));
        assert!(matches!(&doc.blocks[3], Block::Attachment(_)));
    }

    /// The note is known by what made it, not by its text: a paragraph of the
    /// body that begins `附件：` is a paragraph like any other.
    #[test]
    fn a_paragraph_beginning_with_the_note_text_is_no_note() {
        let doc = parse_body("正文。\n\n附件：另行印发。\n\n结束。\n");
        assert!(matches!(&doc.blocks[1], Block::Paragraph(t) if t.plain() == "附件：另行印发。"));
        assert_eq!((doc.blank_lines_before(1), doc.closing_follows(0), doc.note_continues(1)), (0, false, false));
        let noted = parse_body("正文。\n\n# 指标表 {.attachment}\n");
        assert_eq!((noted.blank_lines_before(1), noted.closing_follows(0)), (1, true));
    }

    #[test]
    fn tables_with_header_and_alignment() {
        let doc = parse_body("| 指标 | 数值 |\n|:--|--:|\n| 签约率 | 66.2% |\n| 投入 | 338.3万元 |\n");
        let Block::Table(t) = &doc.blocks[0] else { panic!("{:?}", doc.blocks) };
        assert_eq!(t.columns, [Align::Left, Align::Right], "a unit in a cell: right-aligned, not on the point");
        let figures = parse_body("| 指标 | 数值 |\n|:--|--:|\n| 签约率 | 66.2% |\n| 投入（万元） | 338.3 |\n");
        let Block::Table(f) = &figures.blocks[0] else { panic!("{:?}", figures.blocks) };
        assert_eq!(f.columns, [Align::Left, Align::Decimal], "figures align on the decimal point");
        assert_eq!(t.header[1].plain(), "数值");
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[1][1].plain(), "338.3万元");
        let doc = parse_body(
            "| 指标 | 说明 | 数值 |\n|:--|--:|--:|\n| 签约率 | 较上年提高 | 1.2.3 |\n| 投入 | 持平 | 12 |\n",
        );
        let Block::Table(t) = &doc.blocks[0] else { panic!("{:?}", doc.blocks) };
        assert_eq!(
            t.columns,
            [Align::Left, Align::Right, Align::Right],
            "words and version-like text stay right-aligned"
        );
    }

    #[test]
    fn charts_from_fenced_blocks() {
        let doc = parse_body(concat!(
            "```chart\n",
            "title: 主要指标对比\nunit: \"%\"\nseries: [2016年, 2017年, 年度目标]\n",
            "categories:\n  - { name: 签约率, values: [45.3, 66.2, null] }\n  - { name: 建档率, values: [88.5, 92.2, null] }\n",
            "```\n"
        ));
        let Block::Chart(c) = &doc.blocks[0] else { panic!("{:?}", doc.blocks) };
        assert_eq!(c.title, "主要指标对比");
        assert_eq!(c.series, ["2016年", "2017年"], "a series without any figure is left out");
        assert_eq!(c.categories[0].values, [Some(45.3), Some(66.2)]);
        assert_eq!(c.max_value(), 92.2);
    }

    #[test]
    fn malformed_charts_are_errors_with_the_line() {
        for (body, msg) in [
            (
                "```chart\ntitle: x\nseries: [a, b]\ncategories:\n  - { name: c, values: [1] }\n```\n",
                "有 1 个值，应与系列数 2 相同",
            ),
            ("```chart\ntitle: x\nseries: [a]\ncategories: []\n```\n", "应有 1 到 12 个类别"),
            (
                "```chart\ntitle: x\nseries: [a]\ncategories:\n  - { name: 一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一, values: [1] }\n```\n",
                "图表类别名“一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一”超过 30 个字",
            ),
            ("```chart\ntitle: x\nseries: [a]\ncategories:\n  - { name: c, values: [-1] }\n```\n", "不小于 0"),
            (
                "```chart\ntitle: x\nseries: [a]\ncolour: red\ncategories:\n  - { name: c, values: [1] }\n```\n",
                "colour",
            ),
            ("```rust\nfn main() {}\n```\n", "不支持代码"),
        ] {
            let src = format!("---\nfile: x\ndate: \"2018-01-01\"\n---\n\n{body}");
            let err = parse(&src, "t.md.j2").unwrap_err();
            let text = err.0.iter().map(|d| d.to_string()).collect::<String>();
            assert!(text.contains(msg), "{msg} missing from {text}");
            assert_eq!(err.0[0].location.as_ref().map(|l| l.line), Some(6), "{text}");
        }
    }

    #[test]
    fn escaped_data_cannot_change_structure() {
        use crate::template::escape::escape_markup as e;
        let nasty = "# 不是标题 {.title} | 不是表格 | *不是强调* <b>不是HTML</b> 1. 不是列表 ***";
        let doc =
            parse_body(&format!("{}\n\n### {} {{.runin}}\n\n{}\n", e(nasty), e("标题 {.attachment}"), e("- 20230%")));
        assert_eq!(doc.blocks.len(), 2, "{:?}", doc.blocks);
        let Block::Paragraph(p) = &doc.blocks[0] else { panic!() };
        assert_eq!(p.plain(), nasty);
        assert!(p.spans.iter().all(|s| !s.strong));
        let Block::Heading(h) = &doc.blocks[1] else { panic!() };
        assert_eq!(h.text.plain(), "标题 {.attachment}。");
        assert_eq!(h.run_in.as_ref().unwrap().plain(), "- 20230%");
    }

    #[test]
    fn page_breaks_and_strong() {
        let doc = parse_body("甲**乙**丙\n\n***\n\n丁\n");
        let Block::Paragraph(p) = &doc.blocks[0] else { panic!() };
        assert_eq!(p.spans.len(), 3);
        assert!(p.spans[1].strong);
        assert_eq!(doc.blocks[1], Block::PageBreak);
    }

    #[test]
    fn soft_breaks_join_chinese_without_space() {
        let doc = parse_body("第一行\n第二行 and\nmore\n");
        let Block::Paragraph(p) = &doc.blocks[0] else { panic!() };
        assert_eq!(p.plain(), "第一行第二行 and more");
    }

    #[test]
    fn unsupported_markup_is_refused() {
        let e = parse(&format!("{FRONT}- 列表项\n"), "t").unwrap_err();
        assert!(e.to_string().contains("不支持列表"), "{e}");
    }

    #[test]
    fn file_names_are_sanitised() {
        use crate::output::sanitize_file_stem;
        assert_eq!(sanitize_file_stem("../../etc/passwd"), "etcpasswd");
        assert_eq!(sanitize_file_stem("襄垣县/2018:讲话"), "襄垣县2018讲话");
        assert_eq!(sanitize_file_stem(" .隐藏 "), "隐藏");
    }
}
