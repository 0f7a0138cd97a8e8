//! The document body: each block of the model as docx-rs paragraphs and tables,
//! styled by [`super::styles`]; runs split where a character needs the fallback
//! face; heading numbers left to Word's list numbering when its count agrees
//! with the model's label.

use docx_rs::{
    AlignmentType, BreakType, IndentLevel, NumberingId, Paragraph, Run, SpecialIndentType, Tab, TabValueType, Table,
    TableAlignmentType, TableCell, TableCellMargins, TableRow, WidthType,
};

use super::chart::ChartPart;
use super::styles::ListPlan;
use super::styles::{self, RoleFonts, run_fonts};
use super::{BookFonts, Used};
use crate::config::Role;
use crate::diag::{Diagnostic, Result};
use crate::doc::{Align, Block, Document, Heading, Text};
use crate::fonts::{FaceId, FontBook};
use crate::layout::grid::{BLOCK_W, CHAR_PITCH};
use crate::layout::linebreak;

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

/// A numbering instance that starts a heading list over: `(numId, list id)`.
pub type Restart = (usize, usize);

/// A top-level body element.
pub enum Child {
    Paragraph(Box<Paragraph>),
    Table(Box<Table>),
}

/// Builds the body of one document, recording the characters each face sets.
pub struct Body<'a> {
    doc: &'a Document,
    book: &'a FontBook,
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
    /// The face that sets each character of a role's face (parsing a face to ask
    /// is not free, and a report has a few hundred distinct characters).
    resolved: std::collections::HashMap<(FaceId, char), FaceId>,
    /// Advance widths in points (table columns are sized to their text).
    advances: std::collections::HashMap<(FaceId, char), f32>,
}

impl<'a> Body<'a> {
    pub fn new(
        doc: &'a Document,
        book: &'a FontBook,
        fonts: &'a BookFonts,
        plan: &'a ListPlan,
        used: &'a mut Used,
        warnings: &'a mut Vec<Diagnostic>,
    ) -> Body<'a> {
        Body {
            doc,
            book,
            fonts,
            plan,
            used,
            warnings,
            lists: Default::default(),
            restarts: Vec::new(),
            charts: Vec::new(),
            resolved: Default::default(),
            advances: Default::default(),
        }
    }

    /// The body's elements, the numbering instances `(numId, list id)` that
    /// restart heading lists, and the charts.
    pub fn build(mut self) -> Result<(Vec<Child>, Vec<Restart>, Vec<ChartPart>)> {
        let mut out = Vec::new();
        let mut break_before = false;
        let doc = self.doc;
        for (bi, block) in doc.blocks.iter().enumerate() {
            let mut paras: Vec<Paragraph> = Vec::new();
            // Blank lines as empty paragraphs, as a writer types them; none at
            // the document's start or after a page break (the PDF drops them at
            // a page's top).
            // Between a chart and its note they keep with the note, as the chart does.
            if !out.is_empty() && !break_before && !matches!(block, Block::Attachment(_)) {
                let keep = bi > 0 && matches!(doc.blocks[bi - 1], Block::Chart(_)) && doc.note_follows(bi - 1);
                for _ in 0..doc.blank_lines_before(bi) {
                    out.push(Child::Paragraph(Box::new(Paragraph::new().style(styles::NORMAL).keep_next(keep))));
                }
            }
            match block {
                Block::Title(lines) => {
                    for line in lines {
                        paras.push(self.para(styles::TITLE, Role::Title, line)?);
                    }
                }
                Block::Subtitle(t) => paras.push(self.para(styles::SUBTITLE, Role::Subtitle, t)?),
                Block::Date(t) => paras.push(self.para(styles::DATE, Role::Byline, t)?),
                Block::Speaker(t) => paras.push(self.para(styles::SPEAKER, Role::Byline, t)?),
                Block::Salutation(t) => paras.push(self.para(styles::SALUTATION, Role::Body, t)?),
                Block::Paragraph(t) => paras.push(self.para(styles::NORMAL, Role::Body, t)?),
                Block::Heading(h) => paras.push(self.heading(h)?),
                Block::Signature(lines) => {
                    // GB/T 9704 7.3.5.2: the date four characters in from the right
                    // edge, the lines above it centred over it.
                    let width = |t: &Text| t.plain().chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum::<i32>();
                    let date_w = lines.last().map(width).unwrap_or(0);
                    for (i, line) in lines.iter().enumerate() {
                        // Right indent in half characters, then in twips.
                        let half = if i + 1 == lines.len() { 8 } else { 8 + (date_w - width(line)) / 2 };
                        let right = half.max(0) * styles::CHAR_TWIPS / 2;
                        let mut p = self.para(styles::SIGNATURE, Role::Body, line)?;
                        p = p.indent(Some(0), Some(SpecialIndentType::FirstLine(0)), Some(right), None);
                        paras.push(p);
                    }
                }
                Block::Table(t) => {
                    if break_before {
                        out.push(Child::Paragraph(Box::new(page_break())));
                        break_before = false;
                    }
                    out.push(Child::Table(Box::new(self.table(t, doc.note_follows(bi))?)));
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
                    self.chart(c, paired)?;
                    if paired {
                        // The full-width space between the two, in the body's face.
                        let face = self.face_for(Role::Body, '\u{3000}')?;
                        self.used.add(face, '\u{3000}');
                    }
                    if !second {
                        paras.push(Paragraph::new().style(styles::CHART).keep_next(doc.note_follows(bi)));
                    }
                }
                Block::Attachment(a) => {
                    let label = self.para(styles::ATTACHMENT_LABEL, Role::Attachment, &Text::from(a.label.as_str()))?;
                    paras.push(label.page_break_before(true));
                    paras.push(Paragraph::new().style(styles::ATTACHMENT_LABEL));
                    paras.push(self.para(styles::ATTACHMENT_TITLE, Role::Title, &a.title)?);
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

    /// Record a chart: its text is set in the table role's face (the body's by
    /// default), and its characters go into that face's embedded subset.
    fn chart(&mut self, c: &crate::doc::Chart, paired: bool) -> Result<()> {
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
        // Axis labels: figures, a decimal point, a minus sign.
        let text = c.texts().chain([caption.as_str(), values.as_str(), "0123456789.-"]).collect::<String>();
        for ch in text.chars().filter(|c| !c.is_whitespace()) {
            let face = self.face_for(Role::Table, ch)?;
            self.used.add(face, ch);
        }
        self.charts.push(ChartPart { chart: c, font: self.fonts.font(Role::Table).name, paired });
        Ok(())
    }

    fn para(&mut self, style: &str, role: Role, text: &Text) -> Result<Paragraph> {
        let mut p = Paragraph::new().style(style);
        for run in self.runs(role, text, None)? {
            p = p.add_run(run);
        }
        Ok(p)
    }

    /// The face that sets `ch` in `role`: the role's own, or the fallback that has it.
    fn face_for(&mut self, role: Role, ch: char) -> Result<FaceId> {
        let own = self.fonts.face_of(role);
        if ch.is_whitespace() && ch != '\u{3000}' {
            return Ok(own);
        }
        if let Some(&f) = self.resolved.get(&(own, ch)) {
            return Ok(f);
        }
        let f = match self.book.resolve(role, ch)? {
            Some(f) => f,
            None => {
                self.warnings.push(Diagnostic::warning(
                    "docx.glyph",
                    format!("字符“{ch}”（U+{:04X}）在所有配置的字体里都没有", ch as u32),
                ));
                own
            }
        };
        self.resolved.insert((own, ch), f);
        Ok(f)
    }

    /// Record the widths of `chars` set in `role`, in points, as Word and
    /// LibreOffice set them: each glyph's advance at the role's size plus the
    /// character spacing. Each face is parsed once for all its characters.
    fn measure(&mut self, role: Role, chars: impl IntoIterator<Item = char>) -> Result<()> {
        let mut need: std::collections::BTreeMap<FaceId, Vec<char>> = Default::default();
        for ch in chars {
            let face = self.face_for(role, ch)?;
            if !self.advances.contains_key(&(face, ch)) {
                need.entry(face).or_default().push(ch);
            }
        }
        for (face, chars) in need {
            let data = self.book.face(face)?;
            let f = data.face();
            let upem = f32::from(f.units_per_em());
            for ch in chars {
                let gid = f.glyph_index(ch).unwrap_or(ttf_parser::GlyphId(0));
                let units = f.glyph_hor_advance(gid).unwrap_or(0) as f32 / upem;
                self.advances.insert((face, ch), units * role.size_pt() + styles::CHAR_SPACING as f32 / 20.0);
            }
        }
        Ok(())
    }

    /// The width of `ch` in `role` recorded by [`Self::measure`].
    /// A character's advance in points (measured now if [`Self::measure`] has
    /// not measured it).
    fn advance(&mut self, role: Role, ch: char) -> Result<f32> {
        let face = self.face_for(role, ch)?;
        if !self.advances.contains_key(&(face, ch)) {
            self.measure(role, [ch])?;
        }
        Ok(self.advances[&(face, ch)])
    }

    /// Runs for `text` in `role`: one per span and face; bold spans bold; characters
    /// the role's face lacks in the face that has them.
    fn runs(&mut self, role: Role, text: &Text, char_style: Option<&str>) -> Result<Vec<Run>> {
        let own = self.fonts.face_of(role);
        let mut out = Vec::new();
        for span in &text.spans {
            let mut cur: Option<(usize, String)> = None;
            let flush = |cur: &mut Option<(usize, String)>, out: &mut Vec<Run>| -> Result<()> {
                if let Some((face, s)) = cur.take() {
                    let mut r = Run::new().add_text(s);
                    if let Some(cs) = char_style {
                        r = r.style(cs);
                    }
                    if span.strong {
                        r = r.bold();
                    }
                    if face != own {
                        r = r.fonts(run_fonts(&self.book.face(face)?.docx_name));
                    }
                    out.push(r);
                }
                Ok(())
            };
            for ch in span.text.chars() {
                let face = self.face_for(role, ch)?;
                self.used.add(face, ch);
                match &mut cur {
                    Some((f, s)) if *f == face => s.push(ch),
                    _ => {
                        flush(&mut cur, &mut out)?;
                        cur = Some((face, ch.to_string()));
                    }
                }
            }
            flush(&mut cur, &mut out)?;
        }
        Ok(out)
    }

    fn heading(&mut self, h: &Heading) -> Result<Paragraph> {
        let level = h.level.clamp(1, 4);
        let role = Role::heading(level);
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
                let ok = next.counts[ilvl] == n.value && self.doc.numbering.levels[idx].label(n.value) == n.label;
                if ok {
                    if next.restart || next.num_id.is_none() {
                        // A fresh count: the list's own instance the first time,
                        // then a new instance starting over.
                        let id = match next.num_id {
                            None => list,
                            Some(_) => {
                                let id = self.next_num_id();
                                self.restarts.push((id, list));
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
        }
        let mut label = Text::default();
        if let (Some(n), false) = (&h.number, listed) {
            label.push(&n.label, false);
        }
        match &h.run_in {
            None => {
                for r in self.runs(role, &label, None)?.into_iter().chain(self.runs(role, &h.text, None)?) {
                    p = p.add_run(r);
                }
            }
            Some(body) => {
                let cs = Some(styles::heading_char(level));
                for r in self.runs(role, &label, cs)?.into_iter().chain(self.runs(role, &h.text, cs)?) {
                    p = p.add_run(r);
                }
                for r in self.runs(Role::Body, body, None)? {
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
    fn table(&mut self, t: &crate::doc::Table, keep_last: bool) -> Result<Table> {
        let cols = t.header.len().max(t.rows.iter().map(Vec::len).max().unwrap_or(0)).max(1);
        // Every character's advance, its faces read once.
        let text: String = std::iter::once(&t.header).chain(t.rows.iter()).flatten().map(Text::plain).collect();
        self.measure(Role::Table, text.chars().filter(|c| !c.is_control()))?;
        let decimal = (0..cols)
            .map(|c| match t.columns.get(c) {
                Some(Align::Decimal) => self.decimal_widths(t, c).map(Some),
                _ => Ok(None),
            })
            .collect::<Result<Vec<_>>>()?;
        let widths = self.column_widths(t, cols, &decimal)?;
        // Figures on a decimal tab stop: every point (or figure's end) of the
        // column at its widest fraction in from the cell's right margin.
        let decimal_tab: Vec<Option<usize>> = decimal
            .iter()
            .zip(&widths)
            .map(|(d, &w)| {
                let text_w = w as f32 - 2.0 * CELL_PAD_TWIPS as f32 - 20.0;
                d.map(|(_, frac)| (text_w - frac * 20.0).floor().max(0.0) as usize)
            })
            .collect();
        let mut rows = Vec::new();
        for (ri, cells) in std::iter::once(&t.header).chain(t.rows.iter()).enumerate() {
            let mut out_cells = Vec::new();
            for (ci, cell) in cells.iter().enumerate() {
                let align = match t.columns.get(ci).copied().unwrap_or(Align::Left) {
                    _ if ri == 0 => AlignmentType::Center,
                    Align::Left => AlignmentType::Left,
                    Align::Center => AlignmentType::Center,
                    Align::Right | Align::Decimal => AlignmentType::Right,
                };
                let keep = keep_last && ri == t.rows.len();
                let para = || Paragraph::new().style(styles::TABLE_TEXT).keep_next(keep);
                let mut p = para().align(align);
                let mut text = cell.clone();
                if ri == 0 {
                    text.spans.iter_mut().for_each(|s| s.strong = true);
                }
                // A lone dash (a value that does not apply) centred, as in the PDF.
                let plain = text.plain();
                let dash = !plain.is_empty() && plain.chars().all(|c| matches!(c, '—' | '–' | '-' | '－'));
                if dash && ri > 0 {
                    p = p.align(AlignmentType::Center);
                }
                if let (Some(pos), false, false) = (decimal_tab[ci.min(cols - 1)], ri == 0, dash) {
                    p = para()
                        .align(AlignmentType::Left)
                        .add_tab(Tab::new().val(TabValueType::Decimal).pos(pos))
                        .add_run(Run::new().add_tab());
                }
                for r in self.runs(Role::Table, &text, None)? {
                    p = p.add_run(r);
                }
                out_cells.push(TableCell::new().add_paragraph(p).width(widths[ci.min(cols - 1)], WidthType::Dxa));
            }
            rows.push(TableRow::new(out_cells).cant_split());
        }
        // 3 pt cell margins (Word's default is 1.9 mm): 3号 text in a 156 mm line is tight.
        let margins = TableCellMargins::new().margin(0, CELL_PAD_TWIPS, 0, CELL_PAD_TWIPS);
        let width = widths.iter().sum();
        Ok(Table::new(rows)
            .margins(margins)
            .style(styles::TABLE)
            .set_grid(widths.clone())
            .width(width, WidthType::Dxa)
            .align(TableAlignmentType::Center))
    }

    /// The widest whole part and the widest fraction (from the point on) of
    /// column `c`'s figures, in points.
    fn decimal_widths(&mut self, t: &crate::doc::Table, c: usize) -> Result<(f32, f32)> {
        let mut most = (0.0f32, 0.0f32);
        for cell in t.rows.iter().filter_map(|r| r.get(c)) {
            let text = cell.plain();
            let at = text.find('.').unwrap_or(text.len());
            let mut w = |s: &str| {
                s.chars().filter(|c| !c.is_control()).map(|ch| self.advance(Role::Table, ch)).sum::<Result<f32>>()
            };
            let (whole, frac) = (w(&text[..at])?, w(&text[at..])?);
            most = (most.0.max(whole), most.1.max(frac));
        }
        Ok(most)
    }

    /// Column widths in twips, cell margins included, sized as the PDF's layout
    /// sizes them (automatic table layout): each column between its minimum
    /// (its longest piece that may not break) and its natural width, the label
    /// column kept on one line when it takes no more than 55% of the table and
    /// the other columns still get their minimum, the table a character
    /// narrower than the text block on each side unless its cells must wrap. Set in
    /// LibreOffice, a cell then breaks where the PDF's does, never inside
    /// `（104.8%）` for want of a few points.
    /// `decimal` holds each figure column's widest whole part and fraction.
    fn column_widths(
        &mut self,
        t: &crate::doc::Table,
        ncol: usize,
        decimal: &[Option<(f32, f32)>],
    ) -> Result<Vec<usize>> {
        let pad = CELL_PAD_TWIPS as f32 / 20.0;
        let mut min_w = vec![CHAR_PITCH; ncol];
        let mut max_w = vec![CHAR_PITCH; ncol];
        for row in std::iter::once(&t.header).chain(t.rows.iter()) {
            for (c, cell) in row.iter().enumerate().take(ncol) {
                let chars: Vec<char> = cell.plain().chars().filter(|c| !c.is_control()).collect();
                let mut widths = chars.iter().map(|&ch| self.advance(Role::Table, ch)).collect::<Result<Vec<f32>>>()?;
                // LibreOffice puts space between Han and Latin letters or digits
                // whatever the DOCX says (it ignores w:autoSpaceDE/DN; measured
                // 3.5 pt at 3号): a quarter em more per change of script.
                let western = |c: char| c.is_ascii_graphic();
                let han = |c: char| !c.is_ascii() && !c.is_whitespace();
                for i in 1..chars.len() {
                    let (a, b) = (chars[i - 1], chars[i]);
                    if western(a) && han(b) || han(a) && western(b) {
                        widths[i - 1] += Role::Table.size_pt() / 4.0;
                    }
                }
                max_w[c] = max_w[c].max(widths.iter().sum());
                let allowed = linebreak::break_after(&chars);
                let mut piece = 0.0f32;
                for (w, ok) in widths.iter().zip(&allowed) {
                    piece += w;
                    if *ok {
                        min_w[c] = min_w[c].max(piece);
                        piece = 0.0;
                    }
                }
            }
        }
        // A column of figures on a decimal tab holds its widest whole part and
        // its widest fraction side by side.
        for (c, (whole, frac)) in decimal.iter().enumerate().filter_map(|(c, d)| Some((c, (*d)?))) {
            min_w[c] = min_w[c].max(whole + frac);
            max_w[c] = max_w[c].max(whole + frac);
        }
        // A point of slack per column against rounding in the office writer.
        let slack = 1.0;
        let cells = (2.0 * pad + slack) * ncol as f32;
        // A character narrower than the block on each side when the text fits
        // on one line a cell; the whole block when cells must wrap, which
        // leaves the label column more than three characters a line.
        let narrow = BLOCK_W - 2.0 * CHAR_PITCH - cells;
        let avail = if max_w.iter().sum::<f32>() <= narrow { narrow } else { BLOCK_W - cells };
        // The label column on one line when that leaves the others their
        // minimum; else at least five characters a line where they fit; the
        // other columns never narrower than their minimum (figures never break).
        let others: f32 = min_w[1..].iter().sum();
        let label = if max_w[0] <= avail * 0.55 { max_w[0] } else { max_w[0].min(5.0 * CHAR_PITCH) };
        min_w[0] = min_w[0].max(label.min(avail - others));
        let (sum_min, sum_max): (f32, f32) = (min_w.iter().sum(), max_w.iter().sum());
        let content: Vec<f32> = if sum_max <= avail {
            max_w.clone()
        } else if sum_min <= avail {
            let k = (avail - sum_min) / (sum_max - sum_min);
            min_w.iter().zip(&max_w).map(|(a, b)| a + (b - a) * k).collect()
        } else {
            // Too many columns: the label column keeps its width, the others share the rest.
            let rest = (avail - min_w[0]).max(avail / 3.0);
            let others: f32 = min_w[1..].iter().sum();
            std::iter::once(avail - rest).chain(min_w[1..].iter().map(|w| w / others * rest)).collect()
        };
        Ok(content.iter().map(|w| ((w + 2.0 * pad + slack) * 20.0).ceil() as usize).collect())
    }
}

/// Left and right cell margins in twips (3 pt, as the PDF's cells).
const CELL_PAD_TWIPS: usize = 60;

fn page_break() -> Paragraph {
    Paragraph::new().add_run(Run::new().add_break(BreakType::Page))
}
