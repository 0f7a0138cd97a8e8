//! The document model: the one representation of a report that every writer sees.
//!
//! Templates produce markup; [`crate::markup`] parses it into a [`Document`]; the
//! Markdown, DOCX and PDF writers render the [`Document`] and nothing else. Heading
//! numbers are resolved here, ready to print, and [`Numbering`] also describes the
//! scheme that produced them, so the DOCX writer can express it as Word list
//! numbering that reads exactly the same.

use chrono::NaiveDateTime;

use crate::config::Role;

/// A whole report.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub meta: Meta,
    pub numbering: Numbering,
    pub blocks: Vec<Block>,
}

/// Document properties: PDF metadata, DOCX core properties, output naming.
#[derive(Debug, Clone, PartialEq)]
pub struct Meta {
    /// Title for the metadata (the title lines joined when the template sets none).
    pub title: String,
    /// The issuing body (PDF Author, DOCX creator).
    pub author: String,
    pub subject: String,
    pub keywords: Vec<String>,
    /// Creation and modification time: from the data (the document's or the
    /// meeting's date) or `SOURCE_DATE_EPOCH`, never the wall clock, so output
    /// is reproducible; `None` when the data has no date (none is invented).
    pub created: Option<NaiveDateTime>,
    /// Output file name without extension, already sanitised (no separators, no `..`).
    pub file_stem: String,
}

/// How headings are numbered at each of the four levels.
#[derive(Debug, Clone, PartialEq)]
pub struct Numbering {
    pub levels: [LevelStyle; 4],
}

/// The number format of one heading level: `prefix`, counter, `suffix`, e.g.
/// `（` + 一 + `）`.
#[derive(Debug, Clone, PartialEq)]
pub struct LevelStyle {
    pub prefix: String,
    pub counter: Counter,
    pub suffix: String,
    /// The count restarts after a heading of level `<= restart_after` (1-based);
    /// 0 means it never restarts. Same meaning as Word's `w:lvlRestart`.
    pub restart_after: u8,
}

/// The counter of a numbering level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counter {
    /// 一 二 … 十 十一 … 二十七 (Word's `chineseCounting`).
    Chinese,
    /// 1 2 3 (Word's `decimal`).
    Decimal,
}

impl LevelStyle {
    /// The printed label for count `n`, e.g. `（三）`.
    pub fn label(&self, n: u32) -> String {
        let count = match self.counter {
            Counter::Chinese => crate::numbers::chinese_numeral(i64::from(n)),
            Counter::Decimal => n.to_string(),
        };
        format!("{}{}{}", self.prefix, count, self.suffix)
    }
}

impl Default for Numbering {
    /// GB/T 9704 (7.3.3): 一、 （一） 1． （1）, each level restarting under its parent.
    fn default() -> Self {
        let level = |prefix: &str, counter, suffix: &str, restart_after| LevelStyle {
            prefix: prefix.into(),
            counter,
            suffix: suffix.into(),
            restart_after,
        };
        Numbering {
            levels: [
                level("", Counter::Chinese, "、", 0),
                level("（", Counter::Chinese, "）", 1),
                level("", Counter::Decimal, "．", 2),
                level("（", Counter::Decimal, "）", 3),
            ],
        }
    }
}

/// A block-level element, in reading order.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// The title, one entry per line as the template broke it (a theme line and a
    /// main line, say); a writer may break a long line further into balanced lines.
    Title(Vec<Text>),
    /// `——在……会议上的讲话`, centred under the title.
    Subtitle(Text),
    /// The date line of a speech, centred.
    Date(Text),
    /// The speaker line of a speech (post and name), centred.
    Speaker(Text),
    /// `同志们：`, flush left.
    Salutation(Text),
    Heading(Heading),
    /// A body paragraph: first line indented two characters, justified.
    Paragraph(Text),
    /// A line of the attachment note under the body (GB/T 9704 7.3.4), set as
    /// a body paragraph: `附件：title`, or for several `附件：1．title`, then
    /// `2．title` … under the first's number ([`ATTACHMENT_NOTE_INDENT`]).
    AttachmentNote(Text),
    Table(Table),
    /// Continue on a new page.
    PageBreak,
    /// Starts an attachment on a new page: its label (`附件` or `附件2`) top left
    /// on the first line, its title centred on the third.
    Attachment(Attachment),
    /// The signature at the end of a document issued in the body's name (GB/T 9704
    /// 7.3.5.2): the issuing body, then the date, one entry per line. The date
    /// sits four characters in from the right edge, the body centred over it;
    /// without a date, the body two in ([`signature_inset`]).
    Signature(Vec<Text>),
    /// A bar chart, drawn as vector graphics in the PDF and as a native chart in
    /// the DOCX.
    Chart(Chart),
}

/// A numbered (or unnumbered) heading of level 1 to 4.
#[derive(Debug, Clone, PartialEq)]
pub struct Heading {
    /// 1 to 4.
    pub level: u8,
    /// `None` for an unnumbered heading.
    pub number: Option<HeadingNumber>,
    pub text: Text,
    /// For a run-in heading (`1．标题。正文……`): the paragraph text that continues
    /// on the heading's line. The heading text then ends with its punctuation.
    pub run_in: Option<Text>,
}

/// A resolved heading number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeadingNumber {
    /// The count at this level, from 1.
    pub value: u32,
    /// The printed label, e.g. `（一）`, from [`LevelStyle::label`].
    pub label: String,
    /// The number the markup gives the heading (`{number=4}`); later headings of
    /// its level count on from it.
    pub given: Option<u32>,
    /// Where `given` breaks the sequence: the count it replaced.
    pub jumped_from: Option<u32>,
}

impl Block {
    /// The font role the block's text is set in: the one mapping from the model
    /// to the roles, which the coverage check, the layout and the DOCX writer all
    /// use. A heading's run-in paragraph is [`Heading::RUN_IN_ROLE`], an
    /// attachment's title [`Attachment::TITLE_ROLE`]; a page break sets no text.
    pub fn role(&self) -> Role {
        match self {
            Block::Title(_) => Role::Title,
            Block::Subtitle(_) => Role::Subtitle,
            Block::Date(_) | Block::Speaker(_) => Role::Byline,
            Block::Salutation(_)
            | Block::Paragraph(_)
            | Block::AttachmentNote(_)
            | Block::Signature(_)
            | Block::PageBreak => Role::Body,
            Block::Heading(h) => h.role(),
            Block::Table(_) => Table::ROLE,
            Block::Chart(_) => Chart::ROLE,
            Block::Attachment(_) => Attachment::LABEL_ROLE,
        }
    }
}

impl Heading {
    /// The role of the paragraph a run-in heading runs into.
    pub const RUN_IN_ROLE: Role = Role::Body;

    /// The role of the heading's own text (and its number).
    pub fn role(&self) -> Role {
        Role::heading(self.level)
    }

    /// The heading as printed: label followed by text (run-in text excluded).
    pub fn display_text(&self) -> String {
        let mut s = self.number.as_ref().map(|n| n.label.clone()).unwrap_or_default();
        s.push_str(&self.text.plain());
        s
    }
}

/// A table with one header row; the header row repeats on every page.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub columns: Vec<Align>,
    pub header: Vec<Text>,
    pub rows: Vec<Vec<Text>>,
}

impl Table {
    /// The role of every cell.
    pub const ROLE: Role = Role::Table;
}

/// Horizontal alignment of a table column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
    Right,
    /// Figures aligned on their decimal point (a right-aligned column whose body
    /// cells are all numbers or `—`): `1342.15` over `860` over `12.7`.
    Decimal,
}

/// A clustered bar chart: one group of bars per category, one bar per series,
/// all against one value axis in `unit`.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Chart {
    /// `2017年主要指标对比`.
    pub title: String,
    /// The value axis' unit (`%`, `万元`); empty for plain counts.
    #[serde(default)]
    pub unit: String,
    /// The series' names, in legend order (`2016年`, `2017年`, `年度目标`).
    pub series: Vec<String>,
    pub categories: Vec<ChartCategory>,
}

/// One group of bars: a name on the category axis and one value per series
/// (`None` where the data has no figure).
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChartCategory {
    pub name: String,
    pub values: Vec<Option<f64>>,
}

/// How a chart looks in every writer (PDF bars drawn by the layout, DOCX
/// native charts): series fills in legend order, told apart by lightness in
/// black-and-white print (mid grey, dark blue, light grey, then darker and
/// lighter greys); the plot's grid lines; type sizes in points.
pub mod chart_look {
    pub const FILLS: [[u8; 3]; 6] = [
        [0x7F, 0x7F, 0x7F],
        [0x1F, 0x4E, 0x79],
        [0xD9, 0xD9, 0xD9],
        [0x40, 0x40, 0x40],
        [0xBF, 0xBF, 0xBF],
        [0xA6, 0xA6, 0xA6],
    ];
    pub const GRID: [u8; 3] = [0xD9, 0xD9, 0xD9];
    pub const TITLE_PT: f32 = 12.0;
    /// Axes, legend and category names.
    pub const TEXT_PT: f32 = 10.5;
    /// Data labels.
    pub const VALUE_PT: f32 = 10.0;
}

impl Chart {
    /// The role of a chart's title, labels and figures.
    pub const ROLE: Role = Role::Table;

    /// Every text the chart prints: title, unit, series and category names.
    pub fn texts(&self) -> impl Iterator<Item = &str> {
        [self.title.as_str(), self.unit.as_str()]
            .into_iter()
            .chain(self.series.iter().map(String::as_str))
            .chain(self.categories.iter().map(|c| c.name.as_str()))
    }

    /// The title as both writers print it: with the unit in brackets after it
    /// (`2017年主要指标对比（万元）`) unless it already ends so. One line for
    /// the unit, not an axis title that wraps in a narrow chart.
    pub fn caption(&self) -> String {
        let unit = format!("（{}）", self.unit);
        if self.unit.is_empty() || self.title.ends_with(&unit) {
            self.title.clone()
        } else {
            self.title.clone() + &unit
        }
    }

    /// Whether this chart and the `next` one are both small (one or two
    /// categories) and so may share a row, side by side, in the PDF and the
    /// DOCX ([`Document::pairs_with_next`] decides).
    pub fn pairs_with(&self, next: &Chart) -> bool {
        self.categories.len() <= 2 && next.categories.len() <= 2
    }

    /// The largest value, for the axis (0 when there is none).
    pub fn max_value(&self) -> f64 {
        self.categories.iter().flat_map(|c| c.values.iter().flatten()).fold(0.0, |m, &v| m.max(v))
    }

    /// The value axis both writers draw, as its step and number of steps: from
    /// 0 to a round maximum above the largest value (with room for the value
    /// labels), in about five steps. The DOCX states it (`c:max`,
    /// `c:majorUnit`) so Word and LibreOffice do not pick their own.
    pub fn axis(&self) -> (f64, usize) {
        round_axis(self.max_value())
    }
}

fn round_axis(max: f64) -> (f64, usize) {
    let max = if max > 0.0 && max.is_finite() { max } else { 1.0 };
    let raw = max / 5.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0].iter().map(|m| m * mag).find(|&s| s >= raw).unwrap_or(10.0 * mag);
    let mut steps = (max / step).ceil() as usize;
    if (steps as f64 * step - max) < 0.08 * steps as f64 * step {
        steps += 1;
    }
    (step, steps.max(1))
}

/// A chart value as both writers print it (the template rounded it to the
/// metric's decimals): the shortest form that reads back as the same number,
/// `7703`, `45.3`.
pub fn value_text(v: f64) -> String {
    format!("{v}")
}

/// How many characters in from the text block's right edge a signature's
/// last line ends: the date four (GB/T 9704 7.3.5.2), the issuing body above
/// it centred over it; a signature without a date, its one line, two.
pub fn signature_inset(lines: &[Text]) -> usize {
    if lines.len() > 1 { 4 } else { 2 }
}

/// How the attachment note under the body begins (GB/T 9704 7.3.4), a
/// paragraph of its own with a blank line above it.
pub const ATTACHMENT_NOTE: &str = "附件：";

/// What starts each line of the attachment note after the first
/// (`　　　2．title`), its number under the first line's `1．`.
pub const ATTACHMENT_NOTE_INDENT: &str = "\u{3000}\u{3000}\u{3000}";

/// The start of an attachment (附件).
#[derive(Debug, Clone, PartialEq)]
pub struct Attachment {
    /// `附件` when the document has one attachment, otherwise `附件1`, `附件2`, …
    pub label: String,
    pub title: Text,
}

impl Attachment {
    /// The role of the label (`附件2`).
    pub const LABEL_ROLE: Role = Role::Attachment;
    /// The role of the attachment's title.
    pub const TITLE_ROLE: Role = Role::Title;
}

/// Inline content: a run of spans.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Text {
    pub spans: Vec<Span>,
}

/// A piece of text with one set of attributes.
#[derive(Debug, Clone, PartialEq)]
pub struct Span {
    pub text: String,
    pub strong: bool,
}

impl Text {
    /// Plain text without attributes.
    pub fn plain(&self) -> String {
        self.spans.iter().map(|s| s.text.as_str()).collect()
    }

    /// Append text, merging with the last span when the attributes agree.
    /// Characters no report can show are dropped (see [`printable`]).
    pub fn push(&mut self, text: &str, strong: bool) {
        let text = printable(text);
        if text.is_empty() {
            return;
        }
        match self.spans.last_mut() {
            Some(last) if last.strong == strong => last.text.push_str(&text),
            _ => self.spans.push(Span { text: text.into_owned(), strong }),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.spans.iter().all(|s| s.text.is_empty())
    }
}

/// `s` without the characters no report can show: control characters (C0, DEL,
/// C1; the PDF layout skips them) and Unicode noncharacters (U+FFFE, U+FDD0, …).
/// XML 1.0, and so DOCX, does not even allow most of them: Word refuses a
/// document that holds one.
pub fn printable(s: &str) -> std::borrow::Cow<'_, str> {
    let shown = |c: char| !(c.is_control() || (0xFDD0..=0xFDEF).contains(&(c as u32)) || (c as u32) & 0xFFFE == 0xFFFE);
    if s.chars().all(shown) { s.into() } else { s.chars().filter(|&c| shown(c)).collect::<String>().into() }
}

impl From<&str> for Text {
    fn from(s: &str) -> Self {
        let mut t = Text::default();
        t.push(s, false);
        t
    }
}

impl Document {
    /// Whether block `i` is a chart set side by side with the next one: both
    /// pair ([`Chart::pairs_with`]) and block `i` is not itself the second of a
    /// pair (a run of small charts pairs first with second, third with fourth).
    /// The one rule both writers follow.
    pub fn pairs_with_next(&self, i: usize) -> bool {
        let (Some(Block::Chart(a)), Some(Block::Chart(b))) = (self.blocks.get(i), self.blocks.get(i + 1)) else {
            return false;
        };
        a.pairs_with(b) && !self.paired_with_previous(i)
    }

    /// Whether a paragraph (a note, such as the data's source) follows the table
    /// or chart at `i` (after the pair, for a chart that pairs with the next):
    /// the writers keep it on the page of the table's last row or the chart.
    pub fn note_follows(&self, i: usize) -> bool {
        let next = i + 1 + usize::from(self.pairs_with_next(i));
        matches!(self.blocks.get(next), Some(Block::Paragraph(_) | Block::AttachmentNote(_)))
    }

    /// Whether the attachment note or the signature follows block `i`: neither
    /// stands alone at a page's top (GB/T 9704 7.3.5 allows no page with only
    /// the signature), so the layout keeps the block, its last two lines, with
    /// it. (The DOCX does not say so: LibreOffice moves a whole paragraph kept
    /// with the next, not its last lines.)
    pub fn closing_follows(&self, i: usize) -> bool {
        match self.blocks.get(i + 1) {
            Some(Block::Signature(_)) => true,
            Some(Block::AttachmentNote(_)) => !self.is_note(i),
            _ => false,
        }
    }

    fn is_note(&self, i: usize) -> bool {
        matches!(self.blocks.get(i), Some(Block::AttachmentNote(_)))
    }

    /// Whether block `i` is a line of the attachment note that another line of
    /// it follows: the note's lines stay together on one page.
    pub fn note_continues(&self, i: usize) -> bool {
        self.is_note(i) && self.is_note(i + 1)
    }

    /// How many blank lines come before block `i`: one after the title, one
    /// between the title block and the salutation, one around a chart (or a
    /// pair), one after an attachment's title, one above the attachment note, two above a signature (GB/T 9704
    /// 7.3.5.2). The one rule both writers follow, so their pages break alike; a
    /// blank line at a page's top is dropped.
    pub fn blank_lines_before(&self, i: usize) -> usize {
        let Some(block) = self.blocks.get(i) else { return 0 };
        let prev = i.checked_sub(1).and_then(|p| self.blocks.get(p));
        let title_block =
            |b: &Block| matches!(b, Block::Title(_) | Block::Subtitle(_) | Block::Date(_) | Block::Speaker(_));
        let after = match prev {
            Some(Block::Title(_) | Block::Attachment(_)) => 1,
            Some(Block::Chart(_)) if !self.pairs_with_next(i - 1) => 1,
            _ => 0,
        };
        let own = match block {
            Block::Salutation(_) if prev.is_some_and(title_block) => 1,
            Block::Chart(_) if !self.paired_with_previous(i) => 1,
            Block::Signature(_) => 2,
            Block::AttachmentNote(_) if !matches!(prev, Some(Block::AttachmentNote(_))) => 1,
            _ => 0,
        };
        after + own
    }

    /// Whether block `i` is the second chart of a pair, set with the one before.
    pub fn paired_with_previous(&self, i: usize) -> bool {
        i > 0 && self.pairs_with_next(i - 1)
    }

    /// Every heading in order, with its index in `blocks` (for outlines and checks).
    pub fn headings(&self) -> impl Iterator<Item = &Heading> {
        self.blocks.iter().filter_map(|b| match b {
            Block::Heading(h) => Some(h),
            _ => None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::round_axis;

    #[test]
    fn chart_axis_is_round_with_room_above() {
        assert_eq!(round_axis(87.0), (20.0, 5));
        assert_eq!(round_axis(100.0), (20.0, 6), "100 would touch the top: one more step");
        assert_eq!(round_axis(338.3), (100.0, 4));
        assert_eq!(round_axis(8000.0), (2000.0, 5));
        assert_eq!(round_axis(0.0), (0.2, 6));
    }
}
