//! Fonts: the faces named in the configuration, read once per process and shared
//! by every report of a run; which face serves a role; the fallback chain for a
//! character a role's face lacks.
//!
//! Files are read lazily, on first use of a face (the wide-coverage fallback is
//! large and most reports never need it), and kept for the life of the
//! [`FontBook`]. Writers borrow [`ttf_parser::Face`]s from it.

pub mod truetype;

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use crate::config::{Config, FaceConfig, Role};
use crate::diag::{Diagnostic, Errors, Result};

mod cff;
pub mod coverage;
pub mod subset;

/// Index of a face in a [`FontBook`].
pub type FaceId = usize;

/// The faces of a configuration.
#[derive(Debug)]
pub struct FontBook {
    faces: Vec<Slot>,
    roles: Vec<(Role, FaceId, bool)>,
    fallback: Vec<FaceId>,
}

#[derive(Debug)]
struct Slot {
    name: String,
    config: FaceConfig,
    path: PathBuf,
    data: OnceLock<std::result::Result<Arc<FaceData>, String>>,
}

/// A font file's bytes and what the writers need to know about the face.
#[derive(Debug)]
pub struct FaceData {
    /// The configuration's name of the face (`fang`).
    pub name: String,
    pub path: PathBuf,
    /// Face index inside a collection (0 for a single font).
    pub index: u32,
    /// The name the DOCX uses for it (`仿宋_GB2312`).
    pub docx_name: String,
    pub data: FontBytes,
    pub units_per_em: u16,
    /// Outlines are CFF (PostScript) rather than TrueType `glyf`.
    pub is_cff: bool,
    /// The face's own family name from its `name` table.
    pub family: String,
    /// The face is a bold design (so no synthetic bold is needed).
    pub is_bold: bool,
    /// Glyphs converted to TrueType so far (for DOCX embedding).
    pub glyf: truetype::GlyphCache,
}

/// A font file's bytes, memory-mapped: a report touches a few thousand glyphs of
/// faces up to 25 MB, so only those pages are ever read.
#[derive(Debug)]
pub struct FontBytes(memmap2::Mmap);

impl std::ops::Deref for FontBytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl FaceData {
    /// The parsed face (cheap: tables are read on demand).
    pub fn face(&self) -> ttf_parser::Face<'_> {
        ttf_parser::Face::parse(&self.data, self.index).expect("face validated when loaded")
    }

    pub fn has_char(&self, ch: char) -> bool {
        self.face().glyph_index(ch).is_some()
    }
}

impl FontBook {
    /// Set up the faces of `config`. Files are checked for existence now and read
    /// when first used.
    pub fn new(config: &Config) -> Result<FontBook> {
        let dir = config.font_dir();
        let mut faces = Vec::new();
        let mut errors = Vec::new();
        for (name, fc) in &config.fonts.faces {
            let path = dir.join(&fc.file);
            if !path.is_file() {
                errors.push(Diagnostic::error(
                    "font.missing",
                    format!(
                        "找不到字体 `{name}` 的文件 {}（见 nianbao.yaml 的 fonts.faces.{name}.file）",
                        path.display()
                    ),
                ));
            }
            faces.push(Slot { name: name.clone(), config: fc.clone(), path, data: OnceLock::new() });
        }
        if !errors.is_empty() {
            return Err(Errors(errors));
        }
        let id = |n: &str| faces.iter().position(|s| s.name == n).expect("config validated face names");
        let roles = Role::ALL
            .iter()
            .map(|&r| {
                let rc = config.fonts.roles.get(r);
                (r, id(&rc.face), rc.bold)
            })
            .collect();
        let fallback = config.fonts.fallback.iter().map(|n| id(n)).collect();
        Ok(FontBook { faces, roles, fallback })
    }

    /// The face `id`, read and parsed on first use.
    pub fn face(&self, id: FaceId) -> Result<Arc<FaceData>> {
        let slot = &self.faces[id];
        slot.data.get_or_init(|| load(slot)).clone().map_err(|msg| Errors::one(Diagnostic::error("font.load", msg)))
    }

    /// The face of a role and whether the role asks for bold.
    pub fn role(&self, role: Role) -> (FaceId, bool) {
        let &(_, id, bold) = self.roles.iter().find(|(r, ..)| *r == role).expect("every role configured");
        (id, bold)
    }

    /// The face that sets `ch` in `role`: the role's own face when it has the
    /// character, else the first fallback face that has it; `None` when no face has it.
    pub fn resolve(&self, role: Role, ch: char) -> Result<Option<FaceId>> {
        let (own, _) = self.role(role);
        for id in std::iter::once(own).chain(self.fallback.iter().copied()) {
            if self.face(id)?.has_char(ch) {
                return Ok(Some(id));
            }
        }
        Ok(None)
    }

    /// The fallback chain, in order.
    pub fn fallback_ids(&self) -> &[FaceId] {
        &self.fallback
    }

    /// Number of faces (ids run from 0).
    pub fn len(&self) -> usize {
        self.faces.len()
    }

    pub fn is_empty(&self) -> bool {
        self.faces.is_empty()
    }
}

fn load(slot: &Slot) -> std::result::Result<Arc<FaceData>, String> {
    let (file, _) = crate::input::open(&slot.path, crate::input::Kind::Font).map_err(|e| {
        let why = e.0.into_iter().next().map(|d| d.message).unwrap_or_default();
        format!("无法读取字体文件 {}：{why}", slot.path.display())
    })?;
    // SAFETY: font files are read-only inputs; nianbao never writes them, and a
    // font replaced while a run is under way is outside what a run can guard.
    let map =
        unsafe { memmap2::Mmap::map(&file) }.map_err(|e| format!("无法读取字体文件 {}：{e}", slot.path.display()))?;
    let data = FontBytes(map);
    let face = ttf_parser::Face::parse(&data, slot.config.index).map_err(|e| {
        format!("字体文件 {} 无法解析（{e}）；它可能已损坏，或不是 TTF/OTF/TTC 字体", slot.path.display())
    })?;
    let family = face
        .names()
        .into_iter()
        .filter(|n| n.name_id == ttf_parser::name_id::FAMILY)
        .find_map(|n| n.to_string())
        .unwrap_or_else(|| slot.name.clone());
    let units_per_em = face.units_per_em();
    let is_cff = face.tables().cff.is_some();
    let is_bold = face.is_bold();
    Ok(Arc::new(FaceData {
        name: slot.name.clone(),
        path: slot.path.clone(),
        index: slot.config.index,
        docx_name: slot.config.docx.clone(),
        data,
        units_per_em,
        is_cff,
        family,
        is_bold,
        glyf: Default::default(),
    }))
}
