//! Pagination: set lines placed on the 22-line grid page by page, keeping
//! headings with their text and tables' notes with their last row, avoiding
//! widows and orphans by setting a paragraph a line longer or shorter where the
//! page allows (GB/T 9704 fills the text block) and else by ending the page a
//! line or two short, repeating a table's header, and adding the page numbers.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::config::Role;

use super::chart;
use super::flow::{ChartSources, Entry, SetLine};
use super::grid::{self, LINE_ASCENT, PITCH};
use super::paragraph::{ParaSrc, place};
use super::shape::{Faces, shape};
use super::types::{Fill, Item, OutlineEntry, Page, Rule, Run};

/// The share of a document's all-Han lines (in percent) that may hold other than
/// 28 characters, counting those line breaking could not avoid; what is left of
/// it is what pagination may spend lengthening paragraphs to fill pages.
pub(super) const UNEVEN_PERCENT: usize = 4;

/// A paragraph to set a line longer (or shorter) so that a page fills.
pub(super) struct Fix {
    pub(super) entry: usize,
    pub(super) longer: bool,
}

/// Place set lines on pages, line by line on the grid. Where keeping a heading
/// with its text, or avoiding a widow or orphan, would leave lines empty at a
/// page's foot, a paragraph on that page is set a line longer instead (if it can
/// be without a loose line) and pagination runs again. A page left with charts
/// alone under half full has its charts set taller (see [`Pass::float_pages`])
/// and pagination runs once more.
pub(super) fn paginate(
    mut entries: Vec<Entry>,
    outline_at: Vec<(usize, u8, String)>,
    faces: &mut Faces,
    sources: &HashMap<usize, ParaSrc>,
    charts: &ChartSources,
) -> Paginated {
    let mut asked = Resettings::default();
    let mut tries = 0;
    // All-Han lines that lengthening may leave with other than 28 characters.
    let (grid_lines, uneven): (usize, usize) =
        sources.values().fold((0, 0), |(g, u), s| (g + s.grid_lines, u + s.uneven));
    let mut uneven_budget = (grid_lines * UNEVEN_PERCENT / 100).saturating_sub(uneven);
    let mut chart_lines = BTreeMap::new();
    let mut done = loop {
        match place_entries(&entries, &outline_at, sources, charts, &asked.refused, tries < 100) {
            Ok(done) if chart_lines.is_empty() && !done.floats.is_empty() => {
                for &(entry, grow) in &done.floats {
                    let lines = chart::CHART_LINES + grow;
                    if let Some((_, set)) = charts.get(&entry)
                        && let Ok(taller) = chart::set_charts(set, faces, lines)
                        && let Entry::Lines { lines: set_lines, .. } = &mut entries[entry]
                    {
                        *set_lines = vec![taller];
                        chart_lines.insert(entry, lines);
                    }
                }
                if chart_lines.is_empty() {
                    break done;
                }
            }
            Ok(done) => break done,
            Err(fix) => {
                tries += 1;
                let Some(want) = asked.ask(&fix) else { continue };
                match sources.get(&fix.entry).and_then(|s| s.lengthened(want)).filter(|(_, u)| *u <= uneven_budget) {
                    Some((set, uneven)) => {
                        if let Entry::Lines { lines, .. } = &mut entries[fix.entry] {
                            *lines = set;
                        }
                        asked.extra.insert(fix.entry, want);
                        uneven_budget -= uneven;
                    }
                    None => {
                        asked.refused.insert((fix.entry, fix.longer));
                    }
                }
            }
        }
    };
    for (i, page) in done.pages.iter_mut().enumerate() {
        page.runs.extend(folio(i + 1, faces));
    }
    done.extra = asked.extra;
    done.chart_lines = chart_lines;
    done
}

/// The re-settings pagination has asked for: how many lines more each
/// re-set paragraph is set in than its own setting, the settings tried, and
/// the asks refused, (entry, longer).
#[derive(Default)]
struct Resettings {
    extra: HashMap<usize, isize>,
    tried: HashSet<(usize, isize)>,
    refused: HashSet<(usize, bool)>,
}

impl Resettings {
    /// The setting `fix` asks for (lines more than the paragraph's own), or
    /// `None` where it is refused: a setting tried before, or the paragraph's
    /// own, would let the passes go round (a paragraph set shorter for one
    /// page, then longer again for the next).
    fn ask(&mut self, fix: &Fix) -> Option<isize> {
        let want = self.extra.get(&fix.entry).copied().unwrap_or(0) + if fix.longer { 1 } else { -1 };
        if want == 0 || !self.tried.insert((fix.entry, want)) {
            self.refused.insert((fix.entry, fix.longer));
            return None;
        }
        Some(want)
    }
}

/// What pagination returns.
pub(super) struct Paginated {
    pub(super) pages: Vec<Page>,
    pub(super) outline: Vec<OutlineEntry>,
    /// By entry: how many lines more each re-set paragraph was set in.
    pub(super) extra: HashMap<usize, isize>,
    /// The paragraphs (by entry) left with a line alone at a page's foot or
    /// top (see [`Pass::lone`]).
    pub(super) lone: HashSet<usize>,
    /// By block: how many of the blank lines before it fell at a page's top
    /// and were dropped.
    pub(super) blanks_dropped: BTreeMap<usize, usize>,
    /// Chart entries on a page of charts alone under half full, and the lines
    /// each should gain (see [`Pass::float_pages`]).
    pub(super) floats: Vec<(usize, usize)>,
    /// By entry: the grid lines of each chart set taller than
    /// [`chart::CHART_LINES`].
    pub(super) chart_lines: BTreeMap<usize, usize>,
}

/// Paragraphs that could be re-set to fill the current page: those on it, and
/// those on the page before when that one is full (lengthening one of them moves
/// everything after it down a line, which closes a gap here too).
#[derive(Default)]
pub(super) struct PageParas {
    pub(super) here: Vec<usize>,
    pub(super) before: Vec<usize>,
}

/// One pagination pass; `Err` asks for a paragraph to be lengthened first.
pub(super) fn place_entries(
    entries: &[Entry],
    outline_at: &[(usize, u8, String)],
    sources: &HashMap<usize, ParaSrc>,
    charts: &ChartSources,
    refused: &HashSet<(usize, bool)>,
    may_ask: bool,
) -> std::result::Result<Paginated, Fix> {
    let mut pass = Pass {
        entries,
        sources,
        charts,
        entry: 0,
        uses: vec![PageUse::default()],
        refused,
        may_ask,
        pages: vec![Vec::new()],
        cur: 0,
        outline: Vec::new(),
        paras: PageParas::default(),
        lone: HashSet::new(),
        blanks_dropped: BTreeMap::new(),
    };
    let mut outline_at = outline_at.iter().peekable();
    for (idx, entry) in entries.iter().enumerate() {
        match entry {
            Entry::PageBreak => {
                if pass.cur > 0 {
                    pass.new_page();
                }
            }
            Entry::Blank { before } => {
                if pass.cur > 0 {
                    pass.cur += 1;
                    if pass.cur >= grid::LINES {
                        pass.new_page();
                    }
                } else if let Some(block) = before {
                    *pass.blanks_dropped.entry(*block).or_default() += 1;
                }
            }
            Entry::Lines { .. } => {
                let heading = outline_at.next_if(|(i, ..)| *i == idx);
                pass.place_lines(idx, heading)?;
            }
        }
    }
    let floats = pass.float_pages();
    let mut pages: Vec<Page> = pass.pages.iter().map(|placed| page(placed)).collect();
    if pages.len() > 1 && pages.last().is_some_and(|p| p.runs.is_empty()) {
        pages.pop();
    }
    Ok(Paginated {
        pages,
        outline: pass.outline,
        extra: HashMap::new(),
        lone: pass.lone,
        blanks_dropped: pass.blanks_dropped,
        floats,
        chart_lines: BTreeMap::new(),
    })
}

/// Lines an entry needs before a break is allowed after it: all of an
/// unbreakable one; of a table, its header and first row; of a paragraph, two,
/// or all of one of three lines or fewer (no line of it alone at a page's foot
/// or top), or one where a page would otherwise be more than a line short
/// (`orphan`).
fn min_lines(e: &Entry, orphan: bool) -> usize {
    match e {
        Entry::Lines { lines, breakable, table_header, .. } => {
            let head = table_header.as_ref().map_or(0, |h| h.height);
            let framed = lines.first().is_some_and(|l| !l.frame.is_empty());
            let take = if !*breakable {
                lines.len()
            } else if framed || orphan {
                1
            } else if lines.len() <= 3 {
                lines.len()
            } else {
                2
            };
            head + lines.iter().take(take).map(|l| l.height).sum::<usize>()
        }
        Entry::Blank { .. } | Entry::PageBreak => 0,
    }
}

/// What the entries after `idx` need on its page when it is kept with them:
/// blank lines and each one's least, along the chain of keeps.
fn chain_after(entries: &[Entry], idx: usize, orphan: bool) -> usize {
    let mut need = 0;
    for next in &entries[idx + 1..] {
        match next {
            Entry::Blank { .. } => need += 1,
            Entry::Lines { keep_with_next, lines, .. } => {
                let least = min_lines(next, orphan);
                need += least;
                // One that may break after its least goes on on a later page,
                // with what it keeps with.
                if !*keep_with_next || least < lines.iter().map(|l| l.height).sum() {
                    break;
                }
            }
            Entry::PageBreak => break,
        }
    }
    need
}

/// A pagination pass under way: the pages so far and where the next line goes.
struct Pass<'a> {
    entries: &'a [Entry],
    sources: &'a HashMap<usize, ParaSrc>,
    charts: &'a ChartSources<'a>,
    /// The entry being placed.
    entry: usize,
    /// What each page holds, page by page.
    uses: Vec<PageUse>,
    /// Re-settings already tried and refused: (entry, longer).
    refused: &'a HashSet<(usize, bool)>,
    /// Whether this pass may still ask for a re-setting.
    may_ask: bool,
    /// Page by page, each line placed and the grid line it starts on; the
    /// pages are drawn ([`page`]) once a pass is through.
    pages: Vec<Vec<(&'a SetLine, usize)>>,
    /// The next free grid line on the last page.
    cur: usize,
    outline: Vec<OutlineEntry>,
    /// Paragraphs with lines on the current page that could be lengthened.
    paras: PageParas,
    /// Paragraphs (by entry) split with one line alone at a page's foot or
    /// top, as avoiding it would have left a page more than a line short: a
    /// word processor's widow control must not move that line.
    lone: HashSet<usize>,
    /// See [`Paginated::blanks_dropped`].
    blanks_dropped: BTreeMap<usize, usize>,
}

/// A page drawn from its lines (`placed`: each with the grid line it starts
/// on): a text line on the grid line's baseline; a table row's runs at their
/// offsets below its top, framed.
fn page(placed: &[(&SetLine, usize)]) -> Page {
    let mut page = Page::default();
    for &(line, at) in placed {
        let top = grid::block_top() - at as f32 * PITCH;
        for r in &line.runs {
            let mut r = r.clone();
            r.y = if line.frame.is_empty() && line.height == 1 {
                // One baseline per line whatever the face, so fallback glyphs stay on it.
                grid::baseline(at, r.size, LINE_ASCENT)
            } else {
                top - r.y
            };
            page.runs.push(r);
        }
        for rule in &line.rules {
            page.rules.push(Rule { x1: rule.x1, y1: top + rule.y1, x2: rule.x2, y2: top + rule.y2 });
        }
        for f in &line.fills {
            page.fills.push(Fill { y: top + f.y, ..*f });
        }
        if let (Some(&x1), Some(&x2)) = (line.frame.first(), line.frame.last()) {
            let bottom = top - line.height as f32 * PITCH;
            page.rules.push(Rule { x1, y1: top, x2, y2: top });
            page.rules.push(Rule { x1, y1: bottom, x2, y2: bottom });
            for &x in &line.frame {
                page.rules.push(Rule { x1: x, y1: top, x2: x, y2: bottom });
            }
        }
    }
    page
}

/// What a page holds: its chart entries, its other lines, and the grid lines
/// it fills.
#[derive(Debug, Default)]
struct PageUse {
    charts: Vec<usize>,
    text_lines: usize,
    used: usize,
}

impl<'a> Pass<'a> {
    /// The chart entries to set taller, and by how many lines: on each page
    /// that holds charts and at most two lines besides (a caption, a source)
    /// but fills no more than half the page, the first chart gains what takes
    /// the page past half (LaTeX's float page fraction: a page of floats
    /// alone is at least half full).
    fn float_pages(&self) -> Vec<(usize, usize)> {
        let past_half = grid::LINES / 2 + 1;
        let mut out = Vec::new();
        for (i, u) in self.uses.iter().enumerate() {
            let used = if i + 1 == self.uses.len() { self.cur } else { u.used };
            if let Some(&first) = u.charts.first()
                && u.text_lines <= 2
                && used < past_half
            {
                out.push((first, past_half - used));
            }
        }
        out
    }

    fn fixable(&self, entry: usize, longer: bool) -> bool {
        self.may_ask && self.sources.contains_key(&entry) && !self.refused.contains(&(entry, longer))
    }

    /// The last of `candidates` that may be set a line longer (or shorter).
    fn fix_among<'c>(&self, candidates: impl DoubleEndedIterator<Item = &'c usize>, longer: bool) -> Option<Fix> {
        candidates.rev().find(|&&j| self.fixable(j, longer)).map(|&entry| Fix { entry, longer })
    }

    fn new_page(&mut self) {
        self.paras.before = if self.cur >= grid::LINES { std::mem::take(&mut self.paras.here) } else { Vec::new() };
        self.paras.here.clear();
        self.pages.push(Vec::new());
        if let Some(u) = self.uses.last_mut() {
            u.used = self.cur;
        }
        self.uses.push(PageUse::default());
        self.cur = 0;
    }

    /// Place `line` at the next free grid line (drawn by [`page`]).
    fn put(&mut self, line: &'a SetLine) {
        let u = self.uses.last_mut().expect("a page");
        if self.charts.contains_key(&self.entry) {
            u.charts.push(self.entry);
        } else {
            u.text_lines += line.height;
        }
        self.pages.last_mut().expect("a page").push((line, self.cur));
        self.cur += line.height;
    }

    /// Where what must fit here (`need` lines) does not and the page has three
    /// lines or fewer left: a paragraph on this page or the full one before set
    /// a line longer, or one here or before a line shorter, instead of a gap
    /// (a line at a time: the next pass asks again).
    fn fill_fix(&self, need: usize) -> Option<Fix> {
        let empty = grid::LINES - self.cur;
        if empty > 3 {
            return None;
        }
        let shorter = empty + 1 >= need;
        self.fix_among(self.paras.here.iter(), true)
            .or_else(|| self.fix_among(self.paras.before.iter(), true))
            .or_else(|| shorter.then(|| self.fix_among(self.paras.here.iter(), false)).flatten())
            .or_else(|| shorter.then(|| self.fix_among(self.paras.before.iter(), false)).flatten())
    }

    /// Place the group of lines at entry `idx`, with its bookmark if it is a heading.
    fn place_lines(&mut self, idx: usize, heading: Option<&(usize, u8, String)>) -> std::result::Result<(), Fix> {
        let entries = self.entries;
        let entry = &entries[idx];
        let Entry::Lines { lines, keep_with_next, breakable, table_header } = entry else { return Ok(()) };
        self.entry = idx;
        let paragraph = self.sources.contains_key(&idx);
        // A breakable group of lines (a table, say) keeps only its last line
        // with what follows; that is checked when it comes.
        let keeps_last = *keep_with_next && *breakable && lines.len() > 1;
        // How much must fit here: the whole group if unbreakable, else its
        // least (`min_lines`); plus what the next entry needs when kept with
        // it. `need_one`: the same where a paragraph may leave one line here.
        let need_for = |orphan: bool| {
            let mut need = min_lines(entry, orphan);
            if *keep_with_next && !keeps_last {
                let all = lines.iter().map(|l| l.height).sum::<usize>();
                need = need.max(all + chain_after(entries, idx, orphan));
            }
            need.min(grid::LINES)
        };
        let (need, need_one) = (need_for(false), need_for(true));
        // A paragraph decides its own page break (`place_paragraph`). Else,
        // where what must fit here does not, the page ends here. Only what is
        // not a heading may stay where that would leave the page more than a
        // line short and one line of the text kept with it fits (a chart with
        // the first line of its note): a heading never stands at a page's foot
        // over a single line of its text, even where the page ends two short.
        if !paragraph && self.cur > 0 && self.cur + need > grid::LINES {
            if let Some(fix) = self.fill_fix(need) {
                return Err(fix);
            }
            if heading.is_some() || grid::LINES - self.cur <= 1 || self.cur + need_one > grid::LINES {
                self.new_page();
            }
        }
        if let Some((_, level, title)) = heading {
            self.outline.push(OutlineEntry {
                level: *level,
                title: title.clone(),
                page: self.pages.len() - 1,
                y: grid::block_top() - self.cur as f32 * PITCH,
            });
        }
        if paragraph {
            return self.place_paragraph(idx, lines, *keep_with_next);
        }
        if let Some(h) = table_header {
            self.put(h);
        }
        let n = lines.len();
        for (li, line) in lines.iter().enumerate() {
            let fits = self.cur + line.height <= grid::LINES;
            // The last line kept with what follows (a table's note under its
            // last row) goes over with it when they do not fit together.
            let parted =
                keeps_last && li + 1 == n && self.cur + line.height + chain_after(entries, idx, false) > grid::LINES;
            // A table row that does not fit goes whole to the next page (a row
            // is read as a unit), under the header repeated.
            if (!fits || parted) && self.cur > 0 {
                self.new_page();
                if let Some(h) = table_header {
                    self.put(h);
                }
            }
            self.put(line);
        }
        if self.cur >= grid::LINES {
            self.new_page();
        }
        Ok(())
    }

    /// Place a paragraph's lines (entry `idx`), page by page. No line of it
    /// stands alone at a page's top (a widow) or, its first, at a page's foot
    /// (an orphan) where the page can give up a line for it (the grid allows a
    /// page one line short; Word and LibreOffice do the same under widow
    /// control); kept with what follows (the attachment note, the signature),
    /// its last two lines go over with that where it does not fit. Before a
    /// page gives up lines, a paragraph on it is set a line longer or shorter
    /// where it can be.
    fn place_paragraph(&mut self, idx: usize, lines: &'a [SetLine], keep: bool) -> std::result::Result<(), Fix> {
        let n = lines.len();
        let after = if keep { chain_after(self.entries, idx, false) } else { 0 };
        // Kept with the entry above (a heading): its first line stays under it.
        let kept = idx > 0 && matches!(self.entries[idx - 1], Entry::Lines { keep_with_next: true, .. });
        let mut li = 0;
        while li < n {
            let (rest, room) = (n - li, grid::LINES - self.cur);
            let fill = rest.min(room);
            let mut take = fill;
            let mut gap_ok = 1;
            if fill < rest {
                if rest - fill == 1 {
                    take -= 1;
                }
            } else if after > 0 && rest + after > room && after + 2 <= grid::LINES {
                take = rest.saturating_sub(2);
                gap_ok = grid::LINES;
            }
            if li == 0 && take < 2 && take < rest {
                take = if kept { fill } else { 0 };
            }
            if take < fill && self.cur > 0 {
                let widow = rest == room + 1;
                let here = || self.paras.here.iter();
                let fix = self
                    .fix_among(here().chain([&idx]), true)
                    .or_else(|| widow.then(|| self.fix_among([&idx].into_iter(), false)).flatten())
                    .or_else(|| self.fix_among(here(), false))
                    .or_else(|| self.fix_among(self.paras.before.iter(), false));
                if let Some(fix) = fix {
                    return Err(fix);
                }
                // More than a line short: the page is filled after all.
                if fill - take > gap_ok {
                    take = fill;
                }
            }
            if take < rest && (take == 1 && li == 0 || rest - take == 1) {
                self.lone.insert(idx);
            }
            for line in &lines[li..li + take] {
                self.put(line);
            }
            li += take;
            if li < n {
                self.new_page();
            }
        }
        self.paras.here.push(idx);
        if self.cur >= grid::LINES {
            self.new_page();
        }
        Ok(())
    }
}

/// "— N —" in the folio face, 14 pt, its top 7 mm below the text block; odd pages
/// right-aligned one character in from the right, even pages one in from the left.
pub(super) fn folio(n: usize, faces: &mut Faces) -> Vec<Run> {
    let text = format!("— {n} —");
    let Ok(items) = shape(faces, &[(Role::Folio, false, &text)]) else { return Vec::new() };
    let w: f32 = items.iter().map(|i| i.advance).sum();
    let x0 = if n % 2 == 1 { grid::right() - grid::BODY_PT - w } else { grid::left() + grid::BODY_PT };
    let size = Role::Folio.size_pt();
    let natural: Vec<Item> = items.iter().map(|i| Item { width: i.advance, ..i.clone() }).collect();
    let mut runs = place(&natural, x0, 0.0);
    for r in &mut runs {
        r.y = grid::block_bottom() - grid::FOLIO_GAP - size * faces.ascent(r.face);
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::{Fix, Resettings};

    /// A paragraph set a line shorter is not set back: the pass that asked
    /// for it would ask again, and pagination would go round.
    #[test]
    fn a_resetting_is_never_undone_or_tried_twice() {
        let mut asked = Resettings::default();
        let (shorter, longer) = (Fix { entry: 7, longer: false }, Fix { entry: 7, longer: true });
        assert_eq!(asked.ask(&shorter), Some(-1));
        asked.extra.insert(7, -1);
        assert_eq!(asked.ask(&longer), None, "back to its own setting");
        assert!(asked.refused.contains(&(7, true)));
        assert_eq!(asked.ask(&shorter), Some(-2));
        asked.extra.insert(7, -1);
        assert_eq!(asked.ask(&shorter), None, "−2 was tried");
        assert_eq!(asked.ask(&Fix { entry: 8, longer: true }), Some(1), "another paragraph");
    }
}
