//! Embedded fonts (ECMA-376 Part 2, 17.8.1 "font embedding"): for each face
//! used, a TrueType font holding the characters the document sets in it (or,
//! with `--docx-fonts embed`, every character of a role's face), obfuscated
//! with a per-font GUID key and stored as `word/fonts/fontN.odttf`; and the
//! name the document gives each face.
//!
//! An embedded font answers to a name of its own: the official face's name and
//! a tag, `仿宋_GB2312 KQZVBN`. Word and LibreOffice each keep one embedded font
//! per name for a whole session (Microsoft's [MS-OI29500] 2.1.260; LibreOffice
//! writes `fromdocs/<name>.ttf` once and reuses it), so two documents whose
//! different subsets shared the official name would both be drawn with the
//! first one's, the characters only the second has falling back to another
//! font. The tag comes from the font and the document (from the font alone for
//! a whole face): documents that embed the same font share it harmlessly, and
//! different subsets never meet. The official name stays in `w:altName`, for
//! applications that do not load embedded fonts. A face whose licence forbids
//! embedding (OS/2 `fsType` 2) is only named.
//!
//! Tag and key are derived from the content, not drawn at random, so the
//! output stays byte-for-byte reproducible.

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;

use crate::config::Role;
use crate::diag::Result;
use crate::doc::{Chart, Document};
use crate::fonts::{FaceData, FaceId, Fnv, FontBook, tag, truetype};
use crate::writer::DocxFonts;

use super::Used;

/// What the DOCX calls a face, and what it embeds of it.
#[derive(Debug, Clone)]
pub struct FontName {
    /// `w:rFonts` and the font table's `w:name`.
    pub name: String,
    /// Other names of the face, for `w:altName`: the official face's, the
    /// family the PDF was set in.
    pub alt: Vec<String>,
    /// Embedded: whole, or the characters used; with its PostScript name.
    pub embed: Option<(bool, String)>,
}

/// Most UTF-16 units in a Windows font face name (`LF_FACESIZE` less the NUL).
const MAX_NAME: usize = 31;

impl FontName {
    /// The name of `face` under `mode` in the document of [`document_key`]
    /// `doc`; `role_face`: the face of some role (fallback faces are embedded
    /// as subsets even in `Embed` mode).
    pub fn new(face: &FaceData, mode: DocxFonts, role_face: bool, doc: u64) -> FontName {
        let mut alt: Vec<String> = Vec::new();
        if face.family != face.docx_name {
            alt.push(face.family.clone());
        }
        if mode == DocxFonts::Names || !face.embeddable {
            return FontName { name: face.docx_name.clone(), alt, embed: None };
        }
        let whole = mode == DocxFonts::Embed && role_face;
        let mut h = Fnv::new();
        h.write(&face.identity.to_le_bytes());
        if !whole {
            h.write(&doc.to_le_bytes());
        }
        let tag = tag(h.finish());
        let mut base = String::new();
        for ch in face.docx_name.chars() {
            if base.encode_utf16().count() + ch.len_utf16() + 1 + tag.len() > MAX_NAME {
                break;
            }
            base.push(ch);
        }
        let ps: String = face.ps_name.chars().take(56).collect();
        alt.insert(0, face.docx_name.clone());
        FontName { name: format!("{base} {tag}"), alt, embed: Some((whole, format!("{ps}-{tag}"))) }
    }
}

/// A hash of the characters `doc` sets in each role: what the subset of
/// each face depends on, so that two documents whose subsets differ name
/// them differently (and two whose subsets are the same may share names).
pub fn document_key(doc: &Document) -> u64 {
    let mut h = Fnv::new();
    for (role, chars) in crate::fonts::coverage::chars_by_role(doc) {
        h.write(role.key().as_bytes());
        for ch in chars {
            h.write(&u32::from(ch).to_le_bytes());
        }
    }
    h.finish()
}

/// Convert, into each face's glyph cache, the glyphs of the characters each
/// face sets (`by_face`, as [`crate::fonts::coverage::scan`] found them), for
/// the faces whose subsets `mode` embeds, with what the writer sets besides
/// the document's text: the costliest part of [`embed`], which needs nothing
/// of the layout and so runs beside it (see [`crate::writer::ahead`]). Only
/// the caches change, so the DOCX does not.
pub fn convert_ahead(by_face: &BTreeMap<FaceId, BTreeSet<char>>, book: &FontBook, mode: DocxFonts) -> Result<()> {
    if mode == DocxFonts::Names {
        return Ok(());
    }
    let data = book.load_all()?;
    let mut faces = crate::fonts::Faces::new(book, &data);
    let mut by_face = by_face.clone();
    // The page numbers, a chart's axis labels, a space in every face.
    for (role, chars) in [(Role::Folio, super::FOLIO_CHARS), (Chart::ROLE, super::body::AXIS_CHARS)] {
        for ch in chars.chars() {
            if let Some(id) = faces.resolve(role, ch) {
                by_face.entry(id).or_default().insert(ch);
            }
        }
    }
    for chars in by_face.values_mut() {
        chars.insert(' ');
    }
    by_face.into_par_iter().try_for_each(|(id, chars)| {
        let face = book.face(id)?;
        if face.embeddable { truetype::convert_ahead(&face, &chars) } else { Ok(()) }
    })
}

/// One embedded font part.
#[derive(Debug, Clone)]
pub struct Embedded {
    pub face: FaceId,
    /// `w:embedRegular` (the only kind written: bold is synthesised from it).
    pub kind: &'static str,
    /// Relationship id in `fontTable.xml.rels`.
    pub rel_id: String,
    /// `{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}`.
    pub key: String,
    /// Part name under `word/`: `fonts/font1.odttf`.
    pub part: String,
    /// The obfuscated bytes.
    pub data: Vec<u8>,
}

/// Subset (or take whole), convert and obfuscate every face in `used` that
/// `names` embeds. Faces are converted in parallel (and their new glyphs too).
pub fn embed(book: &FontBook, used: &Used, names: &[FontName]) -> Result<Vec<Embedded>> {
    let faces: Vec<(usize, (FaceId, &BTreeSet<char>))> =
        used.chars.iter().filter(|(id, _)| names[**id].embed.is_some()).map(|(&id, c)| (id, c)).enumerate().collect();
    faces
        .into_par_iter()
        .map(|(n, (face_id, chars))| {
            let face = book.face(face_id)?;
            let FontName { name, embed: Some((whole, ps)), .. } = &names[face_id] else { unreachable!("filtered") };
            let all;
            let chars = if *whole {
                all = truetype::all_chars(&face);
                &all
            } else {
                chars
            };
            let ttf = truetype::subset(&face, chars, name, ps)?;
            let guid = key_for(&ttf);
            Ok(Embedded {
                face: face_id,
                kind: "w:embedRegular",
                rel_id: format!("rIdFont{}", n + 1),
                key: format_guid(&guid),
                part: format!("fonts/font{}.odttf", n + 1),
                data: obfuscate_in_place(ttf, &guid),
            })
        })
        .collect()
}

/// A GUID derived from the font bytes: two 64-bit FNV-style hashes over the
/// bytes read as little-endian words (a word at a time: the fonts are large).
fn key_for(data: &[u8]) -> [u8; 16] {
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let (mut a, mut b) = (0xcbf2_9ce4_8422_2325u64, 0xcbf2_9ce4_8422_2325u64 ^ 0x9e37_79b9_7f4a_7c15);
    let mut words = data.chunks_exact(8);
    for w in &mut words {
        let w = u64::from_le_bytes(w.try_into().expect("eight bytes"));
        a = (a ^ w).wrapping_mul(PRIME);
        b = (b ^ w.rotate_left(29)).wrapping_mul(PRIME);
    }
    for &x in words.remainder() {
        a = (a ^ u64::from(x)).wrapping_mul(PRIME);
        b = (b ^ u64::from(x)).wrapping_mul(PRIME);
    }
    // Fold the length in and mix, so that short tails still change every byte.
    let mix = |mut h: u64| {
        h ^= data.len() as u64;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^ (h >> 33)
    };
    let mut g = [0u8; 16];
    g[..8].copy_from_slice(&mix(a).to_be_bytes());
    g[8..].copy_from_slice(&mix(b).to_be_bytes());
    g
}

/// The GUID in registry form; its 32 hex digits, read as 16 bytes, are the key.
pub fn format_guid(g: &[u8; 16]) -> String {
    let h: String = g.iter().map(|b| format!("{b:02X}")).collect();
    format!("{{{}-{}-{}-{}-{}}}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
}

/// XOR the first 32 bytes with the key bytes taken from the GUID's hex digits
/// right to left (ECMA-376 Part 2, 17.8.1). Its own inverse.
pub fn obfuscate(font: &[u8], guid: &[u8; 16]) -> Vec<u8> {
    obfuscate_in_place(font.to_vec(), guid)
}

fn obfuscate_in_place(mut font: Vec<u8>, guid: &[u8; 16]) -> Vec<u8> {
    let mut key = *guid;
    key.reverse();
    for (i, b) in font.iter_mut().take(32).enumerate() {
        *b ^= key[i % 16];
    }
    font
}

/// Undo [`obfuscate`] given the `w:fontKey` string (for tests and tools).
pub fn deobfuscate(data: &[u8], font_key: &str) -> Option<Vec<u8>> {
    let hex: String = font_key.chars().filter(|c| c.is_ascii_hexdigit()).collect();
    if hex.len() != 32 {
        return None;
    }
    let mut g = [0u8; 16];
    for (i, b) in g.iter_mut().enumerate() {
        *b = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(obfuscate(data, &g))
}
