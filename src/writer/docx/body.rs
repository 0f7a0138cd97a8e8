//! The document body: each block of the model as docx-rs paragraphs and tables,
//! styled by [`super::styles`]; runs split where a character needs the fallback
//! face; heading numbers left to Word's list numbering when its count agrees
//! with the model's label.

use docx_rs::{
    AlignmentType, BreakType, HeightRule, IndentLevel, NumberingId, Paragraph, Run, SpecialIndentType, Tab,
    TabValueType, Table, TableAlignmentType, TableCell, TableCellMargins, TableRow, VAlignType, WidthType,
};

use super::chart::ChartPart;
use super::fit;
use super::styles::ListPlan;
use super::styles::{self, RoleFonts, run_fonts};
use super::{BookFonts, Used};
use crate::config::Role;
use crate::diag::{Diagnostic, Result};
use crate::doc::{Align, Attachment, Block, Chart, Document, Heading, Text};
use crate::fonts::{FaceId, Faces};
use crate::layout::{Layout, SetBlock};

/// The characters of a chart's axis labels (figures, a decimal point, a minus
/// sign), which its native chart sets in the table role's face.
pub(super) const AXIS_CHARS: &str = "0123456789.-";

/// What Word's numbering holds for one heading list.
#[derive(Debug, Clone, Default)]
struct ListState {
    /// The numbering instance (`w:numId`) headings of the list use now.
    num_id: Option<usize>,
    /// The count at each list level.
    counts: [u32; 4],
    /// A higher heading has restarted the list since its last heading.
    restart: bool,
}

/// A numbering instance that starts a heading list over: its `numId`, the
/// list's, and where each list level it overrides starts (`(ilvl, start)`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restart {
    pub id: usize,
    pub list: usize,
    pub starts: Vec<(usize, u32)>,
}

/// A top-level body element.
pub enum Child {
    Paragraph(Box<Paragraph>),
    Table(Box<Table>),
}

/// Builds the body of one document, recording the characters each face sets.
pub struct Body<'a> {
    doc: &'a Document,
    fonts: &'a BookFonts,
    plan: &'a ListPlan,
    used: &'a mut Used,
    warnings: &'a mut Vec<Diagnostic>,
    /// Each heading list's state, by list id, as Word's numbering will count it.
    lists: std::collections::BTreeMap<usize, ListState>,
    /// Numbering instances added to restart a list.
    restarts: Vec<Restart>,
    /// The charts, in order, for the package to add.
    charts: Vec<ChartPart>,
    /// The face that sets each character in each role.
    faces: Faces<'a>,
    /// How the layout set the document: its line breaks are kept.
    layout: &'a Layout,
    /// For each body paragraph and run-in heading, by block index: the space to
    /// add after each character so that the word processor ends its lines where
    /// the PDF's layout does (see [`fit::spacing`]).
    spacing: std::collections::HashMap<usize, Vec<f32>>,
}

impl<'a> Body<'a> {
    pub fn new(
        doc: &'a Document,
        layout: &'a Layout,
        faces: Faces<'a>,
        fonts: &'a BookFonts,
        plan: &'a ListPlan,
        used: &'a mut Used,
        warnings: &'a mut Vec<Diagnostic>,
    ) -> Body<'a> {
        Body {
            doc,
            layout,
            faces,
            fonts,
            plan,
            used,
            warnings,
            lists: Default::default(),
            restarts: Vec::new(),
            charts: Vec::new(),
            spacing: Default::default(),
        }
    }

    /// The body's elements, the numbering instances `(numId, list id)` that
    /// restart heading lists, and the charts.
    pub fn build(mut self) -> Result<(Vec<Child>, Vec<Restart>, Vec<ChartPart>)> {
        let mut out = Vec::new();
        let mut break_before = false;
        let doc = self.doc;
        let measure = super::page::TEXT_WIDTH as f32 / 20.0;
        let indent = 2.0 * styles::CHAR_TWIPS as f32 / 20.0;
        self.spacing = fit::spacing(self.layout, fit::BODY, measure, indent);
        for (bi, block) in doc.blocks.iter().enumerate() {
            let mut paras: Vec<Paragraph> = Vec::new();
            // Blank lines as empty paragraphs, as a writer types them, but those
            // the layout dropped at a page's top (at the document's start, after
            // a page break, after a full page, before an attachment).
            // Between a chart and its note they keep with the note, as the chart
            // does; before the attachment note or the signature, with them, as
            // a short paragraph before does (`whole_with_closing`).
            let keep = bi > 0
                && (matches!(doc.blocks[bi - 1], Block::Chart(_)) && doc.note_follows(bi - 1)
                    || self.whole_with_closing(bi - 1));
            let dropped = self.layout.blanks_dropped.get(&bi).copied().unwrap_or(0);
            for _ in dropped..doc.blank_lines_before(bi) {
                out.push(Child::Paragraph(Box::new(Paragraph::new().style(styles::NORMAL).keep_next(keep))));
            }
            match block {
                Block::Title(lines) => {
                    for (k, line) in lines.iter().enumerate() {
                        paras.push(self.centred(styles::TITLE, block.role(), line, bi, k)?);
                    }
                }
                Block::Subtitle(t) => paras.push(self.centred(styles::SUBTITLE, block.role(), t, bi, 0)?),
                Block::Date(t) => paras.push(self.centred(styles::DATE, block.role(), t, bi, 0)?),
                Block::Speaker(t) => paras.push(self.centred(styles::SPEAKER, block.role(), t, bi, 0)?),
                Block::Salutation(t) => paras.push(self.para(styles::SALUTATION, block.role(), t)?),
                Block::Paragraph(t) | Block::AttachmentNote(t) => {
                    let spacing = self.spacing.remove(&bi).unwrap_or_default();
                    let mut p = Paragraph::new().style(styles::NORMAL);
                    // The attachment note's lines stay together, and a short
                    // paragraph before the note or signature goes with them, as
                    // in the layout.
                    if doc.note_continues(bi) || self.whole_with_closing(bi) {
                        p = p.keep_next(true);
                    }
                    if self.lone_line(bi) {
                        p = p.widow_control(false);
                    }
                    for run in self.runs(block.role(), t, None, &mut spacing.as_slice())? {
                        p = p.add_run(run);
                    }
                    paras.push(p);
                }
                Block::Heading(h) => paras.push(self.heading(h, bi)?),
                Block::Signature(lines) => {
                    // The date (or, undated, the issuing body) as many characters
                    // in from the right edge as `signature_inset` says, the lines
                    // above it centred over it.
                    let width = |t: &Text| t.plain().chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum::<i32>();
                    let date_w = lines.last().map(width).unwrap_or(0);
                    let inset = 2 * crate::doc::signature_inset(lines) as i32;
                    for (i, line) in lines.iter().enumerate() {
                        // Right indent in half characters, then in twips.
                        let half = if i + 1 == lines.len() { inset } else { inset + (date_w - width(line)) / 2 };
                        let right = half.max(0) * styles::CHAR_TWIPS / 2;
                        let mut p = self.para(styles::SIGNATURE, block.role(), line)?;
                        p = p.indent(Some(0), Some(SpecialIndentType::FirstLine(0)), Some(right), None);
                        paras.push(p);
                    }
                }
                Block::Table(t) => {
                    if break_before {
                        out.push(Child::Paragraph(Box::new(page_break())));
                        break_before = false;
                    }
                    out.push(Child::Table(Box::new(self.table(t, bi, doc.note_follows(bi))?)));
                    continue;
                }
                Block::PageBreak => {
                    break_before = true;
                    continue;
                }
                // An empty paragraph in the chart style, which the package
                // fills with the chart's drawing (two charts that pair share one).
                Block::Chart(c) => {
                    // The second of a pair: its paragraph is the first's.
                    let second = doc.paired_with_previous(bi);
                    let paired = doc.pairs_with_next(bi);
                    let lines = self.layout.chart_lines.get(&bi).copied().unwrap_or(crate::layout::CHART_LINES);
                    self.chart(c, paired, lines)?;
                    if paired {
                        // The full-width space between the two, in the body's face.
                        let face = self.face_for(Role::Body, '\u{3000}');
                        self.used.add(face, '\u{3000}');
                    }
                    if !second {
                        paras.push(Paragraph::new().style(styles::CHART).keep_next(doc.note_follows(bi)));
                    }
                }
                Block::Attachment(a) => {
                    let label = self.para(styles::ATTACHMENT_LABEL, block.role(), &Text::from(a.label.as_str()))?;
                    paras.push(label.page_break_before(true));
                    paras.push(Paragraph::new().style(styles::ATTACHMENT_LABEL));
                    paras.push(self.centred(styles::ATTACHMENT_TITLE, Attachment::TITLE_ROLE, &a.title, bi, 0)?);
                    break_before = false;
                }
            }
            for (i, mut p) in paras.into_iter().enumerate() {
                if i == 0 && break_before {
                    p = p.page_break_before(true);
                    break_before = false;
                }
                out.push(Child::Paragraph(Box::new(p)));
            }
        }
        if break_before {
            out.push(Child::Paragraph(Box::new(page_break())));
        }
        Ok((out, self.restarts, self.charts))
    }

    /// Whether the layout left a line of block `bi` alone at a page's foot or
    /// top ([`crate::layout::SetText::lone_line`]): widow control, on in the
    /// Normal style, is switched off for it, so that the word processor breaks
    /// the page where the layout did.
    /// Whether paragraph `bi` goes whole with the attachment note or the
    /// signature after it: the layout keeps its last two lines with them
    /// ([`crate::doc::Document::closing_follows`]), which for a paragraph of
    /// one or two lines is all of it, as Word and LibreOffice keep a
    /// paragraph with the next. (A longer one they would move whole.)
    fn whole_with_closing(&self, bi: usize) -> bool {
        self.doc.closing_follows(bi)
            && matches!(self.layout.blocks.get(bi), Some(Some(SetBlock::Text(t))) if t.lines.len() <= 2)
    }

    fn lone_line(&self, bi: usize) -> bool {
        matches!(self.layout.blocks.get(bi), Some(Some(SetBlock::Text(t))) if t.lone_line)
    }

    /// Record a chart: its text is set in the table role's face (the body's by
    /// default), and its characters go into that face's embedded subset.
    fn chart(&mut self, c: &crate::doc::Chart, paired: bool, lines: usize) -> Result<()> {
        // No character XML cannot hold (the chart's YAML may escape one in).
        let mut c = c.clone();
        let clean = |s: &mut String| *s = crate::doc::printable(s).into_owned();
        clean(&mut c.title);
        clean(&mut c.unit);
        c.series.iter_mut().for_each(clean);
        c.categories.iter_mut().for_each(|cat| clean(&mut cat.name));

        let caption = c.caption();
        let values: String = c
            .categories
            .iter()
            .flat_map(|cat| cat.values.iter().flatten())
            .map(|v| crate::doc::value_text(*v))
            .collect();
        let text = c.texts().chain([caption.as_str(), values.as_str(), AXIS_CHARS]).collect::<String>();
        for ch in text.chars().filter(|c| !c.is_whitespace()) {
            let face = self.face_for(Chart::ROLE, ch);
            self.used.add(face, ch);
        }
        self.charts.push(ChartPart { chart: c, font: self.fonts.font(Chart::ROLE).name, paired, lines });
        Ok(())
    }

    fn para(&mut self, style: &str, role: Role, text: &Text) -> Result<Paragraph> {
        let mut p = Paragraph::new().style(style);
        for run in self.runs(role, text, None, &mut [].as_slice())? {
            p = p.add_run(run);
        }
        Ok(p)
    }

    /// The paragraph of the `k`th text line of the centred block `bi` (a
    /// title's line, else its one): broken where the layout broke it, so that
    /// a word processor does not break a title mid-word or leave a name alone.
    fn centred(&mut self, style: &str, role: Role, text: &Text, bi: usize, k: usize) -> Result<Paragraph> {
        let ranges = match self.layout.blocks.get(bi) {
            Some(Some(SetBlock::Centred(lines))) => lines.get(k).cloned().unwrap_or_default(),
            _ => Vec::new(),
        };
        if ranges.len() <= 1 {
            return self.para(style, role, text);
        }
        let mut p = Paragraph::new().style(style);
        for (i, (line, gap)) in slice_lines(text, &ranges).iter().enumerate() {
            if i > 0 {
                p = p.add_run(Run::new().add_break(BreakType::TextWrapping));
            }
            for run in self.runs(role, line, None, &mut [].as_slice())? {
                p = p.add_run(run);
            }
            // The space the line was broken at stays in the text, hidden (as a
            // word processor hides a space at a line's end): the title reads
            // and imports as written, and its lines centre as the PDF's.
            if !gap.is_empty() {
                for run in self.runs(role, gap, None, &mut [].as_slice())? {
                    p = p.add_run(run.vanish());
                }
            }
        }
        Ok(p)
    }

    /// The face that sets `ch` in `role`: the role's own, or the fallback that has it.
    fn face_for(&mut self, role: Role, ch: char) -> FaceId {
        let own = self.fonts.face_of(role);
        if ch.is_whitespace() && ch != '\u{3000}' {
            return own;
        }
        match self.faces.resolve(role, ch) {
            Some(f) => f,
            None => {
                self.warnings.push(Diagnostic::warning(
                    "docx.glyph",
                    format!("字符“{ch}”（U+{:04X}）在所有配置的字体里都没有", ch as u32),
                ));
                own
            }
        }
    }

    /// Runs for `text` in `role`: one per span, face and character spacing; bold
    /// spans bold; characters the role's face lacks in the face that has them.
    /// `spacing` holds the points to add after each character (control
    /// characters not counted; none where it runs out); those used are taken off.
    fn runs(&mut self, role: Role, text: &Text, char_style: Option<&str>, spacing: &mut &[f32]) -> Result<Vec<Run>> {
        let own = self.fonts.face_of(role);
        let mut out = Vec::new();
        for span in &text.spans {
            let mut cur: Option<(usize, i32, String)> = None;
            let flush = |cur: &mut Option<(usize, i32, String)>, out: &mut Vec<Run>| -> Result<()> {
                if let Some((face, extra, s)) = cur.take() {
                    let mut r = Run::new().add_text(s);
                    if extra != 0 {
                        r = r.character_spacing(styles::CHAR_SPACING + extra);
                    }
                    if let Some(cs) = char_style {
                        r = r.style(cs);
                    }
                    if span.strong {
                        r = r.bold();
                    }
                    if face != own {
                        r = r.fonts(run_fonts(self.fonts.name(face)));
                    }
                    out.push(r);
                }
                Ok(())
            };
            for ch in span.text.chars() {
                let face = self.face_for(role, ch);
                self.used.add(face, ch);
                // In twips; a control character stays in the run it is in.
                let extra = match spacing.split_first() {
                    _ if ch.is_control() => cur.as_ref().map_or(0, |c| c.1),
                    Some((&x, rest)) => {
                        *spacing = rest;
                        (x * 20.0).round() as i32
                    }
                    None => 0,
                };
                match &mut cur {
                    Some((f, x, s)) if *f == face && *x == extra => s.push(ch),
                    _ => {
                        flush(&mut cur, &mut out)?;
                        cur = Some((face, extra, ch.to_string()));
                    }
                }
            }
            flush(&mut cur, &mut out)?;
        }
        Ok(out)
    }

    /// Heading `h`, block `bi` of the document.
    fn heading(&mut self, h: &Heading, bi: usize) -> Result<Paragraph> {
        let level = h.level.clamp(1, 4);
        let role = h.role();
        let idx = usize::from(level - 1);
        // Does Word's list count agree with the model's number here?
        let (list, ilvl) = self.plan.of(level);
        let listed = match &h.number {
            Some(n) => {
                let state = self.lists.get(&list).cloned().unwrap_or_default();
                let mut next = state.clone();
                if next.restart {
                    next.counts = [0; 4];
                }
                next.counts[ilvl] += 1;
                next.counts[ilvl + 1..].iter_mut().for_each(|c| *c = 0);
                let label_ok = self.doc.numbering.levels[idx].label(n.value) == n.label;
                let counted = next.counts[ilvl] == n.value;
                // A number the document gives (`（四）` after `（二）`): a new
                // instance whose levels start where the list stands, this one at it.
                let jump = !counted && n.given == Some(n.value);
                let ok = label_ok && (counted || jump);
                if ok {
                    if jump {
                        let starts = (0..4)
                            .map(|k| match k.cmp(&ilvl) {
                                std::cmp::Ordering::Less => (k, next.counts[k] + 1),
                                std::cmp::Ordering::Equal => (k, n.value),
                                std::cmp::Ordering::Greater => (k, 1),
                            })
                            .collect();
                        let id = self.next_num_id();
                        self.restarts.push(Restart { id, list, starts });
                        next.counts[ilvl] = n.value;
                        next.num_id = Some(id);
                        next.restart = false;
                    } else if next.restart || next.num_id.is_none() {
                        // A fresh count: the list's own instance the first time,
                        // then a new instance starting over.
                        let id = match next.num_id {
                            None => list,
                            Some(_) => {
                                let id = self.next_num_id();
                                self.restarts.push(Restart { id, list, starts: vec![(0, 1)] });
                                id
                            }
                        };
                        next.num_id = Some(id);
                        next.restart = false;
                    }
                    self.lists.insert(list, next);
                    // Lists that restart under this heading's level.
                    for other in self.plan.lists() {
                        let first = self.plan.first_level(other);
                        let after = self.plan.restart_list[usize::from(first - 1)];
                        if other != list && first > level && after != 0 && level <= after {
                            self.lists.entry(other).or_default().restart = true;
                        }
                    }
                }
                ok
            }
            None => false,
        };
        // The label is printed in the level's face, by Word or by us.
        for ch in h.number.iter().flat_map(|n| n.label.chars()) {
            self.used.add(self.fonts.face_of(role), ch);
        }
        let mut p = match &h.run_in {
            None => Paragraph::new().style(styles::heading(level)),
            Some(_) => Paragraph::new().style(styles::RUN_IN),
        };
        if !listed {
            // No list number: switch the style's numbering off (and keep the
            // style's indent, which LibreOffice drops with it); print the label.
            p = p.numbering(NumberingId::new(0), IndentLevel::new(0)).indent(
                Some(0),
                Some(SpecialIndentType::FirstLine(2 * styles::CHAR_TWIPS)),
                None,
                None,
            );
        } else {
            // Said on the paragraph too, not only by its style: LibreOffice keeps
            // paragraphs numbered by a style and numbered directly in separate
            // counts, and numbers from a style only the style the level links.
            let id = self.lists[&list].num_id.expect("set when listed");
            p = p.numbering(NumberingId::new(id), IndentLevel::new(ilvl));
        }
        if h.run_in.is_some() {
            p = p.outline_lvl(idx);
            if self.lone_line(bi) {
                p = p.widow_control(false);
            }
        }
        let mut label = Text::default();
        if let (Some(n), false) = (&h.number, listed) {
            label.push(&n.label, false);
        }
        // The layout's characters start with the label, which Word's numbering
        // prints when the heading is listed.
        let spacing = self.spacing.remove(&bi).unwrap_or_default();
        let printed = h.number.iter().filter(|_| listed).flat_map(|n| n.label.chars());
        let sp = &mut spacing.get(printed.filter(|c| !c.is_control()).count()..).unwrap_or_default();
        match &h.run_in {
            None => {
                for r in self.runs(role, &label, None, sp)?.into_iter().chain(self.runs(role, &h.text, None, sp)?) {
                    p = p.add_run(r);
                }
            }
            Some(body) => {
                let cs = Some(styles::heading_char(level));
                for r in self.runs(role, &label, cs, sp)?.into_iter().chain(self.runs(role, &h.text, cs, sp)?) {
                    p = p.add_run(r);
                }
                for r in self.runs(Heading::RUN_IN_ROLE, body, None, sp)? {
                    p = p.add_run(r);
                }
            }
        }
        Ok(p)
    }

    /// A numbering id after the lists' own and the restarts so far.
    fn next_num_id(&self) -> usize {
        let lists = self.plan.lists();
        lists.iter().max().copied().unwrap_or(styles::HEADING_NUM_ID) + 1 + self.restarts.len()
    }

    /// `keep_last`: the last row stays on the page of what follows (a note).
    ///
    /// Columns are sized by the PDF's layout, the text measured as LibreOffice
    /// sets it, so a cell breaks into the lines the layout decided for it; each
    /// row is at least that many grid lines high, so that the table takes the
    /// grid lines, and pages break between the rows, where the PDF's do.
    fn table(&mut self, t: &crate::doc::Table, bi: usize, keep_last: bool) -> Result<Table> {
        let Some(SetBlock::Table(set)) = &self.layout.blocks[bi] else {
            return Ok(Table::new(Vec::new()));
        };
        let shape = fit::table_shape(set, fit::TABLE);
        let twips = |pt: f32| (pt * 20.0).round() as usize;
        let (pad, last_pad) = (twips(shape.pad), twips(shape.last_pad));
        let cols = shape.content.len();
        let widths: Vec<usize> = shape
            .content
            .iter()
            .enumerate()
            .map(|(c, &w)| twips(w) + pad + if c + 1 == cols { last_pad } else { pad })
            .collect();
        let mut rows = Vec::new();
        for (ri, cells) in std::iter::once(&t.header).chain(t.rows.iter()).enumerate() {
            let mut out_cells = Vec::new();
            for (c, &width) in widths.iter().enumerate() {
                let cell = cells.get(c).cloned().unwrap_or_default();
                let align = match t.columns.get(c).copied().unwrap_or(Align::Left) {
                    _ if ri == 0 => AlignmentType::Center,
                    Align::Left => AlignmentType::Left,
                    Align::Center => AlignmentType::Center,
                    Align::Right | Align::Decimal => AlignmentType::Right,
                };
                let keep = keep_last && ri == t.rows.len();
                let mut p = Paragraph::new().style(styles::TABLE_TEXT).keep_next(keep).align(align);
                let mut text = cell;
                if ri == 0 {
                    text.spans.iter_mut().for_each(|s| s.strong = true);
                }
                // A lone dash (a value that does not apply) centred, as in the PDF.
                let plain = text.plain();
                let dash = !plain.is_empty() && plain.chars().all(|c| matches!(c, '—' | '–' | '-' | '－'));
                if dash && ri > 0 {
                    p = p.align(AlignmentType::Center);
                }
                // Figures on a decimal tab stop: every point (or figure's end)
                // of the column at its widest fraction in from the text's right.
                if let (Some(frac), false, false) = (shape.decimal_at[c], ri == 0, dash) {
                    let pos = ((shape.content[c] - fit::TABLE.slack - frac) * 20.0).floor().max(0.0) as usize;
                    p = p
                        .align(AlignmentType::Left)
                        .add_tab(Tab::new().val(TabValueType::Decimal).pos(pos))
                        .add_run(Run::new().add_tab());
                }
                // The cell's lines as the PDF breaks them.
                for (i, line) in split_lines(&text, &shape.breaks[ri][c]).iter().enumerate() {
                    if i > 0 {
                        p = p.add_run(Run::new().add_break(BreakType::TextWrapping));
                    }
                    for r in self.runs(crate::doc::Table::ROLE, line, None, &mut [].as_slice())? {
                        p = p.add_run(r);
                    }
                }
                let mut out = TableCell::new().add_paragraph(p).width(width, WidthType::Dxa);
                // A header cell centred in its row, as the PDF sets it.
                if ri == 0 {
                    out = out.vertical_align(VAlignType::Center);
                }
                if c + 1 == cols {
                    out.property = out.property.margin_right(last_pad, WidthType::Dxa);
                }
                out_cells.push(out);
            }
            let lines = shape.row_lines[ri] as i32;
            rows.push(
                TableRow::new(out_cells)
                    .cant_split()
                    .row_height((lines * styles::LINE_TWIPS - styles::TABLE_BORDER_TWIPS) as f32)
                    .height_rule(HeightRule::AtLeast),
            );
        }
        let margins = TableCellMargins::new().margin(0, pad, 0, pad);
        let width = widths.iter().sum();
        Ok(Table::new(rows)
            .margins(margins)
            .style(styles::TABLE)
            .set_grid(widths.clone())
            .width(width, WidthType::Dxa)
            .align(TableAlignmentType::Center))
    }
}

/// `text` cut into lines before the characters at `breaks` (control
/// characters not counted), each line with its spans' attributes.
fn split_lines(text: &Text, breaks: &[usize]) -> Vec<Text> {
    let starts = std::iter::once(0).chain(breaks.iter().copied());
    let ranges: Vec<(usize, usize)> = starts.zip(breaks.iter().copied().chain([usize::MAX])).collect();
    slice_lines(text, &ranges).into_iter().map(|(line, _)| line).collect()
}

/// `text` as the lines of `ranges` (of its characters, control characters not
/// counted, which go with the line they are in), each with the characters
/// after it in no range (a space a line was broken at).
fn slice_lines(text: &Text, ranges: &[(usize, usize)]) -> Vec<(Text, Text)> {
    let mut lines = vec![(Text::default(), Text::default()); ranges.len()];
    let mut at = 0;
    let mut line = 0;
    for span in &text.spans {
        for ch in span.text.chars() {
            let ch_str = ch.encode_utf8(&mut [0; 4]).to_owned();
            if ch.is_control() {
                lines[line].0.push(&ch_str, span.strong);
                continue;
            }
            while line + 1 < ranges.len() && at >= ranges[line + 1].0 {
                line += 1;
            }
            let (text, gap) = &mut lines[line];
            if at < ranges[line].1 { text } else { gap }.push(&ch_str, span.strong);
            at += 1;
        }
    }
    lines
}

fn page_break() -> Paragraph {
    Paragraph::new().add_run(Run::new().add_break(BreakType::Page))
}
