//! Which face sets a character: a role's own face when it has the character,
//! else the first face of the fallback chain that has it. The one place this
//! rule lives; the coverage check, the layout and the DOCX writer each keep one
//! [`Faces`] per report, which parses every face once and looks each (role,
//! character) up once.

use std::sync::Arc;

use rustc_hash::FxHashMap;

use crate::config::Role;
use crate::diag::Result;

use super::{FaceData, FaceId, FontBook};

/// A character's glyph: the face that has it, its id there, and its advance
/// in the face's units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Glyph {
    pub face: FaceId,
    pub gid: u16,
    pub advance: u16,
}

/// The faces of a book, parsed, with the glyph found for each (role, character).
pub struct Faces<'a> {
    pub book: &'a FontBook,
    /// Every face of the book, read (see [`FontBook::load_all`]).
    pub data: &'a [Arc<FaceData>],
    /// `data`, parsed once.
    pub parsed: Vec<ttf_parser::Face<'a>>,
    found: FxHashMap<(Role, char), Option<Glyph>>,
    /// The type size tables are set at in this report: the configuration's,
    /// else the body's until the layout chooses one for the document.
    pub table_size: f32,
}

impl<'a> Faces<'a> {
    /// Every face of `book`, from `data` (see [`FontBook::load_all`]), parsed.
    pub fn new(book: &'a FontBook, data: &'a [Arc<FaceData>]) -> Faces<'a> {
        Faces {
            book,
            data,
            parsed: data.iter().map(|d| d.face()).collect(),
            found: FxHashMap::default(),
            table_size: book.table_size().unwrap_or(Role::Table.size_pt()),
        }
    }

    /// The type size of `role` in points in this report ([`Role::size_in`]).
    pub fn size(&self, role: Role) -> f32 {
        role.size_in(self.table_size)
    }

    /// The face that sets `ch` in `role`; `None` when no face has it.
    pub fn resolve(&mut self, role: Role, ch: char) -> Option<FaceId> {
        self.glyph(role, ch).map(|g| g.face)
    }

    /// The glyph that sets `ch` in `role` (its face, glyph id and advance);
    /// `None` when no face has it.
    pub fn glyph(&mut self, role: Role, ch: char) -> Option<Glyph> {
        if let Some(&g) = self.found.get(&(role, ch)) {
            return g;
        }
        let (own, _) = self.book.role(role);
        let found = std::iter::once(own).chain(self.book.fallback_ids().iter().copied()).find_map(|face| {
            let f = &self.parsed[face];
            let gid = f.glyph_index(ch)?;
            Some(Glyph { face, gid: gid.0, advance: f.glyph_hor_advance(gid).unwrap_or(0) })
        });
        self.found.insert((role, ch), found);
        found
    }

    /// Fraction of the em above the baseline (1 − |descender|).
    pub fn ascent(&self, face: FaceId) -> f32 {
        let f = &self.parsed[face];
        1.0 - (f.descender().unsigned_abs() as f32 / f.units_per_em() as f32)
    }
}

impl FontBook {
    /// Every face of the book, read (once per process).
    pub fn load_all(&self) -> Result<Vec<Arc<FaceData>>> {
        (0..self.len()).map(|i| self.face(i)).collect()
    }
}
