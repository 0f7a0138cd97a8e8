//! Embedded fonts (ECMA-376 Part 2, 17.8.1 "font embedding"): for each face
//! used, a TrueType subset holding the characters the document sets in it,
//! named as the DOCX names the face, obfuscated with a per-font GUID key and
//! stored as `word/fonts/fontN.odttf`.
//!
//! The key is derived from the subset's bytes, not drawn at random, so the
//! output stays byte-for-byte reproducible.

use std::collections::BTreeSet;

use rayon::prelude::*;

use crate::diag::Result;
use crate::fonts::{FaceId, FontBook, truetype};

use super::Used;

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

/// Subset, convert and obfuscate every face in `used`.
/// Faces are subset in parallel (and their new glyphs converted in parallel).
pub fn embed(book: &FontBook, used: &Used) -> Result<Vec<Embedded>> {
    let faces: Vec<(usize, (&FaceId, &BTreeSet<char>))> = used.chars.iter().enumerate().collect();
    faces
        .into_par_iter()
        .map(|(n, (&face_id, chars))| {
            let face = book.face(face_id)?;
            let ttf = truetype::subset(&face, chars, &face.docx_name)?;
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
