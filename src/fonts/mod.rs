//! Fonts: the faces named in the configuration, found ([`find`]) and read once
//! per process and shared by every report of a run; which face serves a role;
//! the fallback chain for a character a role's face lacks.
//!
//! Faces are found when the [`FontBook`] is made and read lazily, on first use
//! (the wide-coverage fallback is large and most reports never need it), and
//! kept for the life of the book. Writers borrow [`ttf_parser::Face`]s from it.

pub mod truetype;

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use crate::config::{Config, FaceConfig, Role};
use crate::diag::{Diagnostic, Errors, Result};

mod cff;
pub mod coverage;
pub mod find;
pub mod report;
mod resolve;
pub mod subset;

pub use find::{Found, Origin, Shipped};
pub use resolve::Faces;

/// Index of a face in a [`FontBook`].
pub type FaceId = usize;

/// The faces of a configuration.
#[derive(Debug)]
pub struct FontBook {
    faces: Vec<Slot>,
    /// Each role's face and whether it asks for bold.
    roles: Vec<(Role, FaceId, bool)>,
    /// The tables' type size in points, when the configuration fixes one.
    table_size: Option<f32>,
    fallback: Vec<FaceId>,
}

#[derive(Debug)]
struct Slot {
    name: String,
    config: FaceConfig,
    found: Found,
    data: OnceLock<std::result::Result<Arc<FaceData>, String>>,
}

/// A font file's bytes and what the writers need to know about the face.
#[derive(Debug)]
pub struct FaceData {
    /// The configuration's name of the face (`fang`).
    pub name: String,
    /// The font file (for a font nianbao carries, its file name).
    pub path: PathBuf,
    /// Where the face was found.
    pub origin: Origin,
    /// Face index inside a collection (0 for a single font).
    pub index: u32,
    /// The name the DOCX uses for it: the official face (`仿宋_GB2312`).
    pub docx_name: String,
    pub data: FontBytes,
    /// The PostScript name (`FandolFang-Regular`), ASCII.
    pub ps_name: String,
    /// The font's licence allows embedding it in documents (OS/2 `fsType`
    /// without the restricted-licence bit).
    pub embeddable: bool,
    /// A hash of what tells fonts apart (names, version, glyph count, size):
    /// the same font gives the same value on every machine.
    pub identity: u64,
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

/// A font file's bytes, memory-mapped (a file) or part of the executable (a
/// font nianbao carries, mapped with it): a report touches a few thousand
/// glyphs of faces up to 25 MB, so only those pages are ever read.
#[derive(Debug)]
pub enum FontBytes {
    Mapped(memmap2::Mmap),
    Static(&'static [u8]),
}

impl std::ops::Deref for FontBytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            FontBytes::Mapped(m) => m,
            FontBytes::Static(s) => s,
        }
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
    /// Find the faces of `config`; their files are read when first used.
    pub fn new(config: &Config) -> Result<FontBook> {
        let finder = find::Finder::new(config.font_dir());
        let mut faces = Vec::new();
        let mut errors = Vec::new();
        for (name, fc) in &config.fonts.faces {
            match finder.find(name, fc) {
                Ok(found) => faces.push(Slot { name: name.clone(), config: fc.clone(), found, data: OnceLock::new() }),
                Err(e) => errors.extend(e.0),
            }
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
        let table_size = config.fonts.roles.get(Role::Table).size.map(|s| s.0);
        let fallback = config.fonts.fallback.iter().map(|n| id(n)).collect();
        Ok(FontBook { faces, roles, table_size, fallback })
    }

    /// The face `id`, read and parsed on first use.
    pub fn face(&self, id: FaceId) -> Result<Arc<FaceData>> {
        let slot = &self.faces[id];
        slot.data.get_or_init(|| load(slot)).clone().map_err(|msg| {
            let d = Diagnostic::error("font.load", msg);
            // A file the configuration names is pointed at there.
            let d = if slot.config.file.is_some() {
                d.at(slot.config.at.clone()).with_path(slot.config.setting.clone())
            } else {
                d
            };
            Errors::one(d)
        })
    }

    /// How face `id` was found (before reading it).
    pub fn found(&self, id: FaceId) -> (&str, &Found) {
        (&self.faces[id].name, &self.faces[id].found)
    }

    /// The font files the faces come from (not the fonts nianbao carries: those
    /// change only with the executable).
    pub fn files(&self) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> =
            self.faces.iter().filter(|s| s.found.shipped.is_none()).map(|s| s.found.path.clone()).collect();
        files.sort();
        files.dedup();
        files
    }

    /// The face of a role and whether the role asks for bold.
    pub fn role(&self, role: Role) -> (FaceId, bool) {
        let &(_, id, bold) = self.roles.iter().find(|(r, ..)| *r == role).expect("every role configured");
        (id, bold)
    }

    /// The tables' type size in points when the configuration fixes one;
    /// `None`: the layout chooses it for each document.
    pub fn table_size(&self) -> Option<f32> {
        self.table_size
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
    let path = &slot.found.path;
    let data = match slot.found.shipped {
        Some(bytes) => FontBytes::Static(bytes),
        None => {
            let (file, _) = crate::input::open(path, crate::input::Kind::Font).map_err(|e| {
                let why = e.0.into_iter().next().map(|d| d.message).unwrap_or_default();
                format!("无法读取字体文件 {}：{why}", path.display())
            })?;
            // SAFETY: font files are read-only inputs; nianbao never writes them, and a
            // font replaced while a run is under way is outside what a run can guard.
            let map = unsafe { memmap2::Mmap::map(&file) }
                .map_err(|e| format!("无法读取字体文件 {}：{e}", path.display()))?;
            FontBytes::Mapped(map)
        }
    };
    let index = slot.found.index;
    let face = ttf_parser::Face::parse(&data, index)
        .map_err(|e| format!("字体文件 {} 无法解析（{e}）；它可能已损坏，或不是 TTF/OTF/TTC 字体", path.display()))?;
    if face.tables().cmap.is_none() || face.number_of_glyphs() < 2 {
        return Err(format!("字体文件 {} 里没有可用的字（没有 cmap 表或字形）", path.display()));
    }
    let name = |id: u16| {
        let names: Vec<ttf_parser::name::Name> = face.names().into_iter().filter(|n| n.name_id == id).collect();
        // The Chinese name first (Word lists 仿宋_GB2312, not FangSong_GB2312), then English, then any.
        [0x0804u16, 0x0409]
            .iter()
            .find_map(|l| names.iter().filter(|n| n.language_id == *l).find_map(|n| n.to_string()))
            .or_else(|| names.iter().find_map(|n| n.to_string()))
    };
    let family = name(ttf_parser::name_id::TYPOGRAPHIC_FAMILY)
        .or_else(|| name(ttf_parser::name_id::FAMILY))
        .unwrap_or_else(|| slot.name.clone());
    let ps_name: String = name(ttf_parser::name_id::POST_SCRIPT_NAME)
        .unwrap_or_else(|| family.clone())
        .chars()
        .filter(|c| c.is_ascii_graphic() && !"[](){}<>/%#".contains(*c))
        .collect();
    let docx_name =
        slot.config.docx.clone().or_else(|| slot.config.family.first().cloned()).unwrap_or_else(|| family.clone());
    let restricted = face.tables().os2.and_then(|t| t.permissions()) == Some(ttf_parser::Permissions::Restricted);
    let mut id = Fnv::new();
    for part in [ps_name.as_bytes(), family.as_bytes()] {
        id.write(part);
    }
    id.write(&face.number_of_glyphs().to_le_bytes());
    id.write(&(data.len() as u64).to_le_bytes());
    id.write(&face.tables().head.units_per_em.to_le_bytes());
    id.write(&index.to_le_bytes());
    if let Some(head) = face.raw_face().table(ttf_parser::Tag::from_bytes(b"head")) {
        // Font revision and checksum adjustment: a new version of a font is another font.
        id.write(head.get(4..12).unwrap_or_default());
    }
    let units_per_em = face.units_per_em();
    let is_cff = face.tables().cff.is_some();
    let is_bold = face.is_bold();
    Ok(Arc::new(FaceData {
        name: slot.name.clone(),
        path: path.clone(),
        origin: slot.found.origin,
        index,
        docx_name,
        data,
        ps_name,
        embeddable: !restricted,
        identity: id.finish(),
        units_per_em,
        is_cff,
        family,
        is_bold,
        glyf: Default::default(),
    }))
}

/// 64-bit FNV-1a: stable across machines and runs (names and tags derived from
/// font data, not for security).
#[derive(Debug, Clone, Copy)]
pub struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv::new()
    }
}

impl Fnv {
    pub fn new() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }

    pub fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    pub fn finish(&self) -> u64 {
        self.0
    }
}

/// Six capital letters from a hash: the tag that tells apart the subsets of
/// one font (`ABCDEF+FandolFang-Regular` in a PDF, `仿宋_GB2312 ABCDEF` in a DOCX).
pub fn tag(mut v: u64) -> String {
    (0..6)
        .map(|_| {
            let c = (b'A' + (v % 26) as u8) as char;
            v /= 26;
            c
        })
        .collect()
}
