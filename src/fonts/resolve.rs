//! Which face sets a character: a role's own face when it has the character,
//! else the first face of the fallback chain that has it. The one place this
//! rule lives; the coverage check, the layout and the DOCX writer each keep one
//! [`Faces`] per report, which parses every face once and looks each (role,
//! character) up once.

use std::collections::HashMap;
use std::sync::Arc;

use crate::config::Role;
use crate::diag::Result;

use super::{FaceData, FaceId, FontBook};

/// The faces of a book, parsed, with the face found for each (role, character).
pub struct Faces<'a> {
    pub book: &'a FontBook,
    /// Every face of the book, read (see [`FontBook::load_all`]).
    pub data: &'a [Arc<FaceData>],
    /// `data`, parsed once.
    pub parsed: Vec<ttf_parser::Face<'a>>,
    found: HashMap<(Role, char), Option<FaceId>>,
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
            found: HashMap::new(),
            table_size: book.table_size().unwrap_or(Role::Table.size_pt()),
        }
    }

    /// The type size of `role` in points in this report ([`Role::size_in`]).
    pub fn size(&self, role: Role) -> f32 {
        role.size_in(self.table_size)
    }

    /// The face that sets `ch` in `role`; `None` when no face has it.
    pub fn resolve(&mut self, role: Role, ch: char) -> Option<FaceId> {
        if let Some(&f) = self.found.get(&(role, ch)) {
            return f;
        }
        let (own, _) = self.book.role(role);
        let found = std::iter::once(own)
            .chain(self.book.fallback_ids().iter().copied())
            .find(|&id| self.parsed[id].glyph_index(ch).is_some());
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
