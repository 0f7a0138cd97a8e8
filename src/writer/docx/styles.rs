//! The DOCX's styles and heading numbering: every typographic role of GB/T 9704
//! as a named Word style (fonts from the configuration, size, indent, exact line
//! spacing, outline level), and the four heading levels as one Word multi-level
//! list whose labels read exactly like the document model's.
//!
//! Formatting lives here, not on runs, so that a writer who edits in Word or WPS
//! keeps the look by picking a style. What docx-rs cannot say in a style
//! (`w:firstLineChars`, `w:default`, `w:lang`) is recorded in [`StyleFixes`] and
//! added by [`super::package`].

use docx_rs::{
    AbstractNumbering, AlignmentType, IndentLevel, Level, LevelJc, LevelSuffixType, LevelText, LineSpacing,
    LineSpacingType, NumberFormat, NumberingId, NumberingProperty, RunFonts, SpecialIndentType, Start, Style,
    StyleType, TableBorders,
};

use crate::config::Role;
use crate::doc::{Counter, Numbering};

/// Style ids (also the names Word shows, except the built-in ones).
pub const NORMAL: &str = "Normal";
pub const TITLE: &str = "Title";
pub const SUBTITLE: &str = "Subtitle";
pub const DATE: &str = "Date";
pub const SPEAKER: &str = "Speaker";
pub const SALUTATION: &str = "Salutation";
pub const SIGNATURE: &str = "Signature";
pub const RUN_IN: &str = "RunInHeading3";
pub const ATTACHMENT_LABEL: &str = "AttachmentLabel";
pub const ATTACHMENT_TITLE: &str = "AttachmentTitle";
pub const TABLE: &str = "ReportTable";
pub const TABLE_TEXT: &str = "TableText";
pub const FOOTER: &str = "Footer";
pub const CHART: &str = "Chart";

/// The first list that numbers headings (`w:numId` and `w:abstractNumId`;
/// docx-rs reserves 1 for a default list of its own, which the post-processing
/// drops). [`ListPlan`] numbers the others on from here.
pub const HEADING_NUM_ID: usize = 2;

/// Which Word list and list level number each heading level.
///
/// Word restarts a level as `w:lvlRestart` says; LibreOffice 7.4 ignores
/// `w:lvlRestart` and restarts every level under any higher level of its list.
/// So a heading level joins its parent's list only when it restarts under its
/// parent, where both read alike. Any other level starts a list of its own: one
/// that never restarts (`（一）` counted on through a whole key-points
/// document) keeps counting, and one restarting under a higher ancestor only
/// (`1．` counted on across the `（一）` sections of a speech, restarting under
/// each `一、`) is restarted by the body with a new numbering instance of its
/// list (`w:num` with `w:startOverride`), which Word, WPS and LibreOffice all
/// honour.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListPlan {
    /// For heading level 1 to 4 (index 0 to 3): `(numId, ilvl, lvlRestart)`.
    pub levels: [(usize, usize, u32); 4],
    /// For heading level 1 to 4: when the level is the first of its list, the
    /// heading level (1-based) at or above which the list restarts; 0 for never
    /// and for levels that are not first in their list.
    pub restart_list: [u8; 4],
}

impl ListPlan {
    pub fn new(numbering: &Numbering) -> ListPlan {
        let mut levels = [(HEADING_NUM_ID, 0, 0); 4];
        let mut restart_list = [0u8; 4];
        // First heading level (1-based) of the current list.
        let mut first = 1u8;
        let mut list = HEADING_NUM_ID;
        for (i, ls) in numbering.levels.iter().enumerate() {
            let level = i as u8 + 1;
            if level > 1 && ls.restart_after != level - 1 {
                list += 1;
                first = level;
            }
            let ilvl = usize::from(level - first);
            if level == first {
                restart_list[i] = ls.restart_after;
            }
            // Within a list every level restarts under the one above it (ilvl, 1-based).
            levels[i] = (list, ilvl, ilvl as u32);
        }
        ListPlan { levels, restart_list }
    }

    /// `(numId, ilvl)` of heading level 1 to 4.
    pub fn of(&self, level: u8) -> (usize, usize) {
        let (id, ilvl, _) = self.levels[usize::from(level.clamp(1, 4) - 1)];
        (id, ilvl)
    }

    /// The list ids used, in order.
    pub fn lists(&self) -> Vec<usize> {
        let mut ids: Vec<usize> = self.levels.iter().map(|l| l.0).collect();
        ids.dedup();
        ids
    }

    /// The heading level (1 to 4) of the first level of list `id`.
    pub fn first_level(&self, id: usize) -> u8 {
        self.levels.iter().position(|l| l.0 == id).map_or(1, |i| i as u8 + 1)
    }
}

/// Character spacing of all text, in twips: −0.25 pt, so that 28 characters of
/// 16 pt fit the 156 mm line in LibreOffice too (see [`super::GRID_TYPE`]).
pub const CHAR_SPACING: i32 = -5;

/// Style id of heading level 1 to 4.
pub fn heading(level: u8) -> &'static str {
    ["Heading1", "Heading2", "Heading3", "Heading4"][usize::from(level.clamp(1, 4) - 1)]
}

/// Character style of the words of a run-in heading of level 1 to 4.
pub fn heading_char(level: u8) -> &'static str {
    ["Heading1Char", "Heading2Char", "Heading3Char", "Heading4Char"][usize::from(level.clamp(1, 4) - 1)]
}

/// One character of body text (3号, 16 pt) in twips: the unit of indents.
pub const CHAR_TWIPS: i32 = 320;
/// The line pitch of the 22-line grid in twips (225 mm / 22 = 579.8; 580 would
/// give 22 × 29 pt = 638 pt, a hair over the 637.8 pt text block, so 21 lines).
pub const LINE_TWIPS: i32 = 579;

/// The width of table borders in twips (docx-rs's default `w:sz="2"`, 1/4 pt).
pub const TABLE_BORDER_TWIPS: i32 = 5;

/// Font names of a role as Word wants them: East Asian text, and Latin/digits.
#[derive(Debug, Clone)]
pub struct RoleFont {
    pub name: String,
    pub bold: bool,
    /// The type size in points.
    pub size: f32,
}

/// What the styles need from the font configuration: the DOCX name of each role.
pub trait RoleFonts {
    fn font(&self, role: Role) -> RoleFont;
}

/// Run fonts naming one face for every script, with the East Asian hint so that
/// ambiguous characters (“” — …) are set in the East Asian face too.
pub fn run_fonts(name: &str) -> RunFonts {
    RunFonts::new().ascii(name).hi_ansi(name).east_asia(name).cs(name).hint("eastAsia")
}

/// Attributes that docx-rs cannot write, added by the post-processing step.
#[derive(Debug, Default, Clone)]
pub struct StyleFixes {
    /// `(style id, first-line indent in hundredths of a character)`.
    pub first_line_chars: Vec<(&'static str, i32)>,
}

fn half_points(points: f32) -> usize {
    (points * 2.0).round() as usize
}

fn exact(twips: i32) -> LineSpacing {
    LineSpacing::new().line_rule(LineSpacingType::Exact).line(twips).before(0).after(0)
}

fn para_style(id: &str, name: &str, role: Role, fonts: &dyn RoleFonts) -> Style {
    let f = fonts.font(role);
    let mut s = Style::new(id, StyleType::Paragraph)
        .name(name)
        .fonts(run_fonts(&f.name))
        .size(half_points(f.size))
        .line_spacing(exact(LINE_TWIPS));
    if f.bold {
        s = s.bold();
    }
    if id != NORMAL {
        s = s.based_on(NORMAL).next(NORMAL);
    }
    s
}

fn no_indent(s: Style) -> Style {
    s.indent(Some(0), Some(SpecialIndentType::FirstLine(0)), Some(0), None)
}

fn first_line(s: Style, chars: i32) -> Style {
    s.indent(Some(0), Some(SpecialIndentType::FirstLine(chars * CHAR_TWIPS)), Some(0), None)
}

/// Every style of the document, and the fixes docx-rs cannot express.
pub fn styles(fonts: &dyn RoleFonts, plan: &ListPlan) -> (Vec<Style>, StyleFixes) {
    let mut fixes = StyleFixes::default();
    let mut out = Vec::new();

    // Normal: the body text, 3号 仿宋, first line indented two characters, justified.
    let mut normal = first_line(para_style(NORMAL, "Normal", Role::Body, fonts), 2).align(AlignmentType::Both);
    normal.run_property = normal.run_property.spacing(CHAR_SPACING);
    // Widow/orphan control, as the layout paginates: no line of a paragraph
    // alone at a page's top or foot (the page ends a line or two short).
    normal.paragraph_property.widow_control = Some(true);
    out.push(normal);
    fixes.first_line_chars.push((NORMAL, 200));

    let title_font = fonts.font(Role::Title);
    let mut title = no_indent(para_style(TITLE, "Title", Role::Title, fonts)).align(AlignmentType::Center);
    // A 22 pt line takes two grid lines anyway; say so, so Word and LibreOffice agree.
    title = title.line_spacing(exact(2 * LINE_TWIPS));
    if title_font.bold {
        title = title.bold();
    }
    out.push(title);
    fixes.first_line_chars.push((TITLE, 0));

    for (id, name, role) in
        [(SUBTITLE, "Subtitle", Role::Subtitle), (DATE, "Date", Role::Byline), (SPEAKER, "讲话人", Role::Byline)]
    {
        out.push(no_indent(para_style(id, name, role, fonts)).align(AlignmentType::Center));
        fixes.first_line_chars.push((id, 0));
    }
    out.push(no_indent(para_style(SALUTATION, "Salutation", Role::Body, fonts)));
    fixes.first_line_chars.push((SALUTATION, 0));
    // The signature block: right-aligned, one empty line above (each line's
    // right indent is set on the paragraph, from the date's width).
    let mut signature = no_indent(para_style(SIGNATURE, "Signature", Role::Body, fonts)).align(AlignmentType::Right);
    signature.paragraph_property.keep_next = Some(true);
    out.push(signature);
    fixes.first_line_chars.push((SIGNATURE, 0));

    for level in 1..=4u8 {
        let role = Role::heading(level);
        let id = heading(level);
        let mut s = first_line(para_style(id, &format!("heading {level}"), role, fonts), 2)
            .align(AlignmentType::Both)
            .outline_lvl(usize::from(level - 1));
        s.paragraph_property.keep_next = Some(true);
        s.paragraph_property.numbering_property = Some(
            NumberingProperty::new().add_num(NumberingId::new(plan.of(level).0), IndentLevel::new(plan.of(level).1)),
        );
        out.push(s);
        fixes.first_line_chars.push((id, 200));
    }

    // A run-in heading (`1．标题。正文……`, usually level 3): a body paragraph that
    // carries the heading's number and outline level; the heading words are in
    // the level's character style.
    let mut run_in = first_line(para_style(RUN_IN, "heading 3 run-in", Role::Body, fonts), 2)
        .align(AlignmentType::Both)
        .outline_lvl(2);
    run_in.paragraph_property.numbering_property =
        Some(NumberingProperty::new().add_num(NumberingId::new(plan.of(3).0), IndentLevel::new(plan.of(3).1)));
    out.push(run_in);
    fixes.first_line_chars.push((RUN_IN, 200));
    for level in 1..=4u8 {
        let f = fonts.font(Role::heading(level));
        let mut cs = Style::new(heading_char(level), StyleType::Character)
            .name(format!("Heading {level} Char"))
            .fonts(run_fonts(&f.name));
        if f.bold {
            cs = cs.bold();
        }
        out.push(cs);
    }

    out.push(no_indent(para_style(ATTACHMENT_LABEL, "附件标记", Role::Attachment, fonts)));
    fixes.first_line_chars.push((ATTACHMENT_LABEL, 0));
    let mut att_title = no_indent(para_style(ATTACHMENT_TITLE, "附件标题", Role::Title, fonts))
        .align(AlignmentType::Center)
        .line_spacing(exact(2 * LINE_TWIPS));
    if title_font.bold {
        att_title = att_title.bold();
    }
    out.push(att_title);
    fixes.first_line_chars.push((ATTACHMENT_TITLE, 0));

    // Table lines stay on the page grid: each row's 1/4 pt border (5 twips, the
    // docx-rs default `w:sz="2"`) is taken off its line, so a one-line row is one
    // grid line high (measured in LibreOffice: 22 table lines on a table page).
    let mut table_text = no_indent(para_style(TABLE_TEXT, "表格文字", Role::Table, fonts))
        .line_spacing(exact(LINE_TWIPS - TABLE_BORDER_TWIPS));
    table_text.paragraph_property.snap_to_grid = Some(false);
    out.push(table_text);
    fixes.first_line_chars.push((TABLE_TEXT, 0));
    out.push(Style::new(TABLE, StyleType::Table).name("报表表格").set_borders(TableBorders::new()));

    // A chart's paragraph: centred, single line spacing so that the office
    // writer sizes the line to the chart (an exact line would crop it); the
    // line still snaps to the grid, so the chart takes whole grid lines.
    let mut chart = no_indent(para_style(CHART, "图表", Role::Body, fonts))
        .align(AlignmentType::Center)
        .line_spacing(LineSpacing::new().line_rule(LineSpacingType::Auto).line(240).before(0).after(0));
    chart.paragraph_property.keep_lines = Some(true);
    out.push(chart);
    fixes.first_line_chars.push((CHART, 0));

    let mut footer = no_indent(para_style(FOOTER, "footer", Role::Folio, fonts)).line_spacing(exact(2 * 14 * 20));
    footer.paragraph_property.snap_to_grid = Some(false);
    out.push(footer);
    fixes.first_line_chars.push((FOOTER, 0));

    (out, fixes)
}

/// The heading levels as Word lists ([`ListPlan`]), each level linked to its
/// heading style: `%1、` in Chinese counting, `（%2）`, `%3．` in decimal,
/// `（%4）`, with the restarts of the document model.
pub fn heading_numbering(numbering: &Numbering, plan: &ListPlan, fonts: &dyn RoleFonts) -> Vec<AbstractNumbering> {
    let mut out = Vec::new();
    for id in plan.lists() {
        let mut abs = AbstractNumbering::new(id);
        for (i, ls) in numbering.levels.iter().enumerate() {
            let (list, ilvl, restart) = plan.levels[i];
            if list != id {
                continue;
            }
            let format = match ls.counter {
                Counter::Chinese => "chineseCounting",
                Counter::Decimal => "decimal",
            };
            let text = format!("{}%{}{}", escape_level_text(&ls.prefix), ilvl + 1, escape_level_text(&ls.suffix));
            let f = fonts.font(Role::heading(i as u8 + 1));
            let mut level =
                Level::new(ilvl, Start::new(1), NumberFormat::new(format), LevelText::new(text), LevelJc::new("left"))
                    .suffix(LevelSuffixType::Nothing)
                    .paragraph_style(heading(i as u8 + 1))
                    .indent(Some(0), Some(SpecialIndentType::FirstLine(2 * CHAR_TWIPS)), None, None)
                    .fonts(run_fonts(&f.name))
                    .level_restart(restart);
            if f.bold {
                level = level.bold();
            }
            abs = abs.add_level(level);
        }
        out.push(abs);
    }
    out
}

/// `%` starts a level reference in `w:lvlText`; a literal one is not expressible,
/// so it is dropped (no real label uses it).
fn escape_level_text(s: &str) -> String {
    s.replace('%', "")
}
