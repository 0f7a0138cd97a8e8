//! The DOCX writer: the report as a Word document the office writer can keep
//! editing in Word or WPS, laid out per GB/T 9704 (A4, 37/35/28/26 mm margins,
//! 22 lines × 28 characters, odd/even page numbers `— N —`).
//!
//! docx-rs builds the parts (body, styles, numbering, footers, settings),
//! the body keeping the layout's line breaks ([`fit`]);
//! [`package`] then fixes what docx-rs 0.4.22 cannot express and zips the parts
//! deterministically; [`embed`] adds the subset fonts; [`chart`] writes the
//! bar charts as native Word charts with their data. Formatting is in styles
//! ([`styles`]); runs carry direct formatting only for bold spans and for
//! characters that the role's face lacks (set in the fallback face).

mod body;
pub mod chart;
pub mod embed;
pub mod fit;
pub mod package;
pub mod styles;

use std::collections::{BTreeMap, BTreeSet};

use docx_rs::{
    AlignmentType, DocGrid, DocGridType, Docx, FieldCharType, Footer, InstrText, PageMargin, Paragraph, Run,
    SpecialIndentType,
};

use crate::config::Role;
use crate::diag::{Diagnostic, Result};
use crate::doc::Document;
use crate::fonts::{FaceId, Faces, FontBook};
use crate::layout::Layout;
use crate::writer::{DocxFonts, Resources};

use styles::{RoleFont, RoleFonts};

/// Page geometry in twips (1/20 pt), from the layout's page in millimetres.
pub mod page {
    use crate::layout::grid;

    /// Millimetres to twips, rounded.
    const fn twips(mm: f32) -> i32 {
        (mm * 1440.0 / 25.4 + 0.5) as i32
    }

    pub const WIDTH: u32 = twips(grid::PAGE_W_MM) as u32;
    pub const HEIGHT: u32 = twips(grid::PAGE_H_MM) as u32;
    /// 37 mm (天头).
    pub const TOP: i32 = twips(grid::MARGIN_TOP_MM);
    /// 35 mm.
    pub const BOTTOM: i32 = twips(grid::PAGE_H_MM - grid::MARGIN_TOP_MM - grid::BLOCK_H_MM);
    /// 28 mm (订口).
    pub const LEFT: i32 = twips(grid::MARGIN_LEFT_MM);
    /// 26 mm.
    pub const RIGHT: i32 = twips(grid::PAGE_W_MM - grid::MARGIN_LEFT_MM - grid::BLOCK_W_MM);
    /// Text block width: 156 mm.
    pub const TEXT_WIDTH: i32 = WIDTH as i32 - LEFT - RIGHT;
    /// From the page's bottom edge to the footer's baseline area: puts the page
    /// number's line 7 mm below the text block (GB/T 9704 7.5; measured in
    /// LibreOffice and Word).
    pub const FOOTER: i32 = 1190;

    #[cfg(test)]
    #[test]
    fn the_page_in_twips() {
        assert_eq!((WIDTH, HEIGHT, TOP, BOTTOM, LEFT, RIGHT, TEXT_WIDTH), (11906, 16838, 2098, 1984, 1587, 1474, 8845));
    }
}

/// The document grid, as `w:docGrid` attributes.
///
/// GB/T 9704 asks for 22 lines of 28 characters: a line pitch of 225 mm / 22 =
/// 28.95 pt (579 twips) and a character pitch of 156 mm / 28 = 15.79 pt, a hair
/// under the 16 pt body size. GB/T 9704 Word templates say this with
/// `linesAndChars` and `w:charSpace="-848"` (1/4096 pt under the Normal size).
/// Measured here, LibreOffice 7.4 imports that as its snap-to-characters grid
/// and gives each 16 pt character two 15.79 pt cells wherever a line's average
/// advance exceeds the cell: 14 to 28 characters a line, 26 to 32 pages instead
/// of 18, also with −0.25 pt character spacing; `snapToChars` does the same.
///
/// So the grid is `lines` (`w:linePitch="579"`, every line on the 22-line grid
/// in Word, WPS and LibreOffice) and the 28 characters come from the text
/// itself: the Normal style narrows characters by 0.25 pt
/// ([`styles::CHAR_SPACING`]), and 28 × 15.75 pt fits the 442.2 pt line while 29
/// do not, in every one of them. Word and WPS users see "只指定行网格" with 22
/// lines in Page Setup, and the 28-character line on the page; `w:charSpace`
/// is kept at −848 so that switching the dialog to "指定行和字符网格" gives
/// 28 characters at once.
pub const GRID_TYPE: DocGridType = DocGridType::Lines;
pub const GRID_CHAR_SPACE: isize = -848;

/// The characters of the footer's page numbers (`— 1 —`: a PAGE field).
pub(super) const FOLIO_CHARS: &str = "— 0123456789";

/// The DOCX writer's options.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Options {
    /// How the document carries its fonts.
    pub fonts: DocxFonts,
}

/// The DOCX bytes of `doc`, as `layout` set it, with warnings.
pub fn write(doc: &Document, layout: &Layout, res: &Resources, opts: &Options) -> Result<(Vec<u8>, Vec<Diagnostic>)> {
    let book = res.fonts.as_ref().ok_or_else(|| {
        crate::diag::Errors::one(Diagnostic::error("docx.fonts", "DOCX 输出需要字体配置，但字体没有加载"))
    })?;
    let fonts = BookFonts::new(book, doc, layout.table_size, opts.fonts)?;
    let mut used = Used::default();
    let mut warnings = Vec::new();

    let plan = styles::ListPlan::new(&doc.numbering);
    let (style_list, fixes) = styles::styles(&fonts, &plan);
    let mut docx = Docx::new();
    for s in style_list {
        docx = docx.add_style(s);
    }
    for abs in styles::heading_numbering(&doc.numbering, &plan, &fonts) {
        let id = abs.id;
        docx = docx.add_abstract_numbering(abs).add_numbering(docx_rs::Numbering::new(id, id));
    }

    let data = book.load_all()?;
    let body = body::Body::new(doc, layout, Faces::new(book, &data), &fonts, &plan, &mut used, &mut warnings);
    let (children, restarts, charts) = body.build()?;
    for child in children {
        docx = match child {
            body::Child::Paragraph(p) => docx.add_paragraph(*p),
            body::Child::Table(t) => docx.add_table(*t),
        };
    }
    // A heading list starting over, or going on from a number the document
    // gives: a new instance with its levels' starts.
    for r in restarts {
        let mut numbering = docx_rs::Numbering::new(r.id, r.list);
        for (ilvl, start) in r.starts {
            numbering = numbering.add_override(docx_rs::LevelOverride::new(ilvl).start(start as usize));
        }
        docx = docx.add_numbering(numbering);
    }

    // Page numbers: odd pages right, even pages left, one character in.
    for ch in FOLIO_CHARS.chars() {
        used.add(fonts.face_of(Role::Folio), ch);
    }
    docx = docx
        .footer(Footer::new().add_paragraph(folio_paragraph(AlignmentType::Right)))
        .even_footer(Footer::new().add_paragraph(folio_paragraph(AlignmentType::Left)))
        .page_size(page::WIDTH, page::HEIGHT)
        .page_margin(
            PageMargin::new()
                .top(page::TOP)
                .bottom(page::BOTTOM)
                .left(page::LEFT)
                .right(page::RIGHT)
                .header(851)
                .footer(page::FOOTER)
                .gutter(0),
        );
    docx.document.section_property = docx.document.section_property.clone().doc_grid(
        DocGrid::new().grid_type(GRID_TYPE).line_pitch(styles::LINE_TWIPS as usize).char_space(GRID_CHAR_SPACE),
    );
    docx.settings = docx.settings.clone().even_and_odd_headers();

    let embedded = match opts.fonts {
        DocxFonts::Subset | DocxFonts::Embed => embed::embed(book, &used, &fonts.names)?,
        DocxFonts::Names => Vec::new(),
    };
    let font_names = fonts.all_names(&used);
    let parts = docx.build();
    let bytes = package::finish(
        parts,
        &package::Fixes { styles: fixes, meta: doc.meta.clone(), fonts: font_names, embedded, charts },
    )?;
    Ok((bytes, warnings))
}

fn folio_paragraph(align: AlignmentType) -> Paragraph {
    let p = Paragraph::new().style(styles::FOOTER).align(align);
    let p = match align {
        AlignmentType::Right => {
            p.indent(Some(0), Some(SpecialIndentType::FirstLine(0)), Some(styles::CHAR_TWIPS), None)
        }
        _ => p.indent(Some(styles::CHAR_TWIPS), Some(SpecialIndentType::FirstLine(0)), Some(0), None),
    };
    p.add_run(Run::new().add_text("— "))
        .add_run(Run::new().add_field_char(FieldCharType::Begin, false))
        .add_run(Run::new().add_instr_text(InstrText::Unsupported(" PAGE ".into())))
        .add_run(Run::new().add_field_char(FieldCharType::Separate, false))
        .add_run(Run::new().add_text("1"))
        .add_run(Run::new().add_field_char(FieldCharType::End, false))
        .add_run(Run::new().add_text(" —"))
}

/// The characters set in each face (for embedding subsets).
#[derive(Debug, Default, Clone)]
pub struct Used {
    pub chars: BTreeMap<FaceId, BTreeSet<char>>,
}

impl Used {
    pub fn add(&mut self, face: FaceId, ch: char) {
        self.chars.entry(face).or_default().insert(ch);
    }
}

/// Role fonts read from the [`FontBook`], and the name the DOCX gives each face.
struct BookFonts {
    roles: BTreeMap<Role, (FaceId, RoleFont)>,
    /// By face id.
    names: Vec<embed::FontName>,
}

impl BookFonts {
    fn new(book: &FontBook, doc: &Document, table_size: f32, mode: DocxFonts) -> Result<BookFonts> {
        let role_faces: BTreeSet<FaceId> = Role::ALL.iter().map(|&r| book.role(r).0).collect();
        let key = embed::document_key(doc);
        let names = (0..book.len())
            .map(|id| Ok(embed::FontName::new(&*book.face(id)?, mode, role_faces.contains(&id), key)))
            .collect::<Result<Vec<_>>>()?;
        let mut roles = BTreeMap::new();
        for role in Role::ALL {
            let (id, bold) = book.role(role);
            let face = book.face(id)?;
            let font =
                RoleFont { name: names[id].name.clone(), bold: bold && !face.is_bold, size: role.size_in(table_size) };
            roles.insert(role, (id, font));
        }
        Ok(BookFonts { roles, names })
    }

    fn face_of(&self, role: Role) -> FaceId {
        self.roles[&role].0
    }

    /// The name of face `id` in this document.
    fn name(&self, id: FaceId) -> &str {
        &self.names[id].name
    }

    /// The font table's entries: every role face and every face used, in face order.
    fn all_names(&self, used: &Used) -> Vec<(FaceId, embed::FontName)> {
        let mut ids: BTreeSet<FaceId> = self.roles.values().map(|(id, _)| *id).collect();
        ids.extend(used.chars.keys().copied());
        ids.into_iter().map(|id| (id, self.names[id].clone())).collect()
    }
}

impl RoleFonts for BookFonts {
    fn font(&self, role: Role) -> RoleFont {
        self.roles[&role].1.clone()
    }
}
