//! Glyph coverage: scans a [`Document`] once and, for each role, finds the
//! characters its face lacks. Each such character is served by the first face of
//! the fallback chain that has it (reported once per report as a `font.fallback`
//! warning listing the characters and where they occur); a character no face has
//! is a `font.missing-glyph` error. Shared by the PDF and DOCX writers.

use std::collections::{BTreeMap, BTreeSet};

use crate::config::Role;
use crate::diag::{Diagnostic, Errors, Result};
use crate::doc::{Attachment, Block, Chart, Document, Heading, Table, Text};
use crate::fonts::{FaceId, Faces, FontBook};

/// A piece of the document in one role, with a description of where it is.
struct Piece<'a> {
    role: Role,
    text: String,
    place: &'a str,
    ordinal: usize,
}

/// Describe every text of `doc` with its role.
fn pieces(doc: &Document) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut para = 0;
    let plain = Text::plain;
    for block in &doc.blocks {
        match block {
            Block::Title(lines) => {
                for l in lines {
                    out.push(Piece { role: block.role(), text: plain(l), place: "标题", ordinal: 0 });
                }
            }
            Block::Subtitle(t) => {
                out.push(Piece { role: block.role(), text: plain(t), place: "副标题", ordinal: 0 })
            }
            Block::Date(t) => out.push(Piece { role: block.role(), text: plain(t), place: "日期", ordinal: 0 }),
            Block::Speaker(t) => out.push(Piece { role: block.role(), text: plain(t), place: "讲话人", ordinal: 0 }),
            Block::Salutation(t) => out.push(Piece { role: block.role(), text: plain(t), place: "称呼", ordinal: 0 }),
            Block::Heading(h) => {
                para += 1;
                out.push(Piece { role: h.role(), text: h.display_text(), place: "标题段", ordinal: para });
                if let Some(r) = &h.run_in {
                    out.push(Piece { role: Heading::RUN_IN_ROLE, text: plain(r), place: "段", ordinal: para });
                }
            }
            Block::Paragraph(t) | Block::AttachmentNote(t) => {
                para += 1;
                out.push(Piece { role: block.role(), text: plain(t), place: "段", ordinal: para });
            }
            Block::Table(t) => {
                for cell in t.header.iter().chain(t.rows.iter().flatten()) {
                    out.push(Piece { role: Table::ROLE, text: plain(cell), place: "表格", ordinal: 0 });
                }
            }
            Block::Attachment(a) => {
                out.push(Piece { role: Attachment::LABEL_ROLE, text: a.label.clone(), place: "附件", ordinal: 0 });
                out.push(Piece {
                    role: Attachment::TITLE_ROLE, text: plain(&a.title), place: "附件标题", ordinal: 0
                });
            }
            Block::Signature(lines) => {
                for l in lines {
                    out.push(Piece { role: block.role(), text: plain(l), place: "署名", ordinal: 0 });
                }
            }
            Block::Chart(c) => {
                for text in c.texts() {
                    out.push(Piece { role: Chart::ROLE, text: text.to_string(), place: "图表", ordinal: 0 });
                }
            }
            Block::PageBreak => {}
        }
    }
    out
}

/// Where a character is: `第12段“县医院与北京……”`.
fn describe(p: &Piece, ch: char) -> String {
    let chars: Vec<char> = p.text.chars().collect();
    let at = chars.iter().position(|&c| c == ch).unwrap_or(0);
    let from = at.saturating_sub(6);
    let to = (at + 7).min(chars.len());
    let mut ctx: String = chars[from..to].iter().collect();
    if from > 0 {
        ctx.insert(0, '…');
    }
    if to < chars.len() {
        ctx.push('…');
    }
    if p.ordinal > 0 { format!("第{}{}“{ctx}”", p.ordinal, p.place) } else { format!("{}“{ctx}”", p.place) }
}

/// Whether `ch` is set in a face at all (spaces and control characters are not).
fn is_set(ch: char) -> bool {
    !(ch.is_whitespace() && ch != '\u{3000}' || ch.is_control())
}

/// The distinct characters `doc` sets in each role.
pub fn chars_by_role(doc: &Document) -> BTreeMap<Role, BTreeSet<char>> {
    let mut out: BTreeMap<Role, BTreeSet<char>> = BTreeMap::new();
    for p in pieces(doc) {
        out.entry(p.role).or_default().extend(p.text.chars().filter(|&c| is_set(c)));
    }
    out
}

/// Characters no face has (not even a fallback face), each with up to three
/// places it occurs.
pub type Missing = BTreeMap<char, Vec<String>>;

/// Check every character of `doc` against its role's face and the fallback
/// chain; a character no face has is an error.
pub fn check(doc: &Document, book: &FontBook) -> Result<Vec<Diagnostic>> {
    let Coverage { warnings, missing, .. } = scan(doc, book)?;
    if !missing.is_empty() {
        return Err(Errors(missing.iter().map(|(ch, places)| missing_glyph(*ch, places)).collect()));
    }
    Ok(warnings)
}

/// The error for a character no face has, naming where it occurs.
pub fn missing_glyph(ch: char, places: &[String]) -> Diagnostic {
    let places = if places.is_empty() { String::new() } else { format!("；出现在：{}", places.join("；")) };
    Diagnostic::error(
        "font.missing-glyph",
        format!("字符“{ch}”（U+{:04X}）在所有字体（包括后备字体）中都没有，无法排版{places}", ch as u32),
    )
    .with_help("改用常见写法，或在 nianbao.yaml 的 fonts.fallback 中加入含有此字的字体")
}

/// What [`scan`] found: the fallback warning, the characters no face has, and
/// the characters each face sets (what its subsets hold).
#[derive(Debug, Default)]
pub struct Coverage {
    pub warnings: Vec<Diagnostic>,
    pub missing: Missing,
    pub by_face: BTreeMap<FaceId, BTreeSet<char>>,
}

/// Like [`check`], but returns the characters no face has instead of failing,
/// and what each face sets.
pub fn scan(doc: &Document, book: &FontBook) -> Result<Coverage> {
    let data = book.load_all()?;
    let mut faces = Faces::new(book, &data);
    let mut warnings = Vec::new();
    let mut by_face: BTreeMap<FaceId, BTreeSet<char>> = BTreeMap::new();
    // char -> (role face name, fallback face, places)
    let mut fell_back: BTreeMap<char, (Vec<Role>, FaceId, Vec<String>)> = BTreeMap::new();
    let mut missing = Missing::new();
    for p in pieces(doc) {
        let own = book.role(p.role).0;
        for ch in p.text.chars() {
            if !is_set(ch) {
                continue;
            }
            let found = faces.resolve(p.role, ch);
            if let Some(f) = found {
                by_face.entry(f).or_default().insert(ch);
                if f == own {
                    continue;
                }
            }
            match found {
                Some(f) => {
                    let e = fell_back.entry(ch).or_insert_with(|| (Vec::new(), f, Vec::new()));
                    if !e.0.contains(&p.role) {
                        e.0.push(p.role);
                    }
                    let place = describe(&p, ch);
                    if e.2.len() < 3 && !e.2.contains(&place) {
                        e.2.push(place);
                    }
                }
                None => {
                    let places = missing.entry(ch).or_default();
                    if places.len() < 3 {
                        places.push(describe(&p, ch));
                    }
                }
            }
        }
    }
    if !fell_back.is_empty() {
        let mut parts = Vec::new();
        for (ch, (roles, f, places)) in &fell_back {
            let own: Vec<String> =
                roles.iter().map(|r| book.face(book.role(*r).0).map(|d| d.family.clone())).collect::<Result<_>>()?;
            let fb = book.face(*f)?.family.clone();
            parts.push(format!(
                "“{ch}”（U+{:04X}，{} 缺字，改用 {fb}）见 {}",
                *ch as u32,
                own.join("、"),
                places.join("；")
            ));
        }
        warnings.push(Diagnostic::warning(
            "font.fallback",
            format!("{} 个字符由后备字体补字：{}", fell_back.len(), parts.join("；")),
        ));
    }
    Ok(Coverage { warnings, missing, by_face })
}
