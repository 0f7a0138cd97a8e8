//! Font subsetting for embedding: a face reduced to the glyphs a document uses
//! (CFF, including CID-keyed, and TrueType), through the `subsetter` crate.
//!
//! The subset renumbers glyphs densely from 0 (`.notdef`) in the order they were
//! first asked for, and its CFF is CID-keyed with CID = new glyph id, so the new
//! glyph id is also the code a PDF content stream uses. It has no `cmap`: text
//! extraction goes through the PDF's ToUnicode map.

use std::collections::BTreeMap;

use crate::diag::{Diagnostic, Result};
use crate::fonts::FaceData;

/// A subset face.
#[derive(Debug, Clone)]
pub struct Subset {
    /// The subset font program (an OpenType/TrueType file).
    pub data: Vec<u8>,
    /// Original glyph id -> glyph id in the subset.
    pub remap: BTreeMap<u16, u16>,
}

/// Subset `face` to `glyphs` (original glyph ids; `.notdef` is always kept).
pub fn subset(face: &FaceData, glyphs: impl IntoIterator<Item = u16>) -> Result<Subset> {
    let mut sorted: Vec<u16> = glyphs.into_iter().collect();
    sorted.sort_unstable();
    sorted.dedup();
    let mut remapper = subsetter::GlyphRemapper::new();
    remapper.remap(0);
    let mut remap = BTreeMap::new();
    for g in sorted {
        remap.insert(g, remapper.remap(g));
    }
    // Glyph ids in their new order; a subroutine-free CID-keyed CFF face has its
    // charstrings copied as they are, much faster than subsetter's rewrite.
    let mut order = vec![0u16; remap.len() + 1];
    for (&old, &new) in &remap {
        order[usize::from(new)] = old;
    }
    order.truncate(usize::from(remapper.num_gids()));
    if face.is_cff
        && let Some(data) = super::cff::subset(&face.data, face.index, &order)
    {
        return Ok(Subset { data, remap });
    }
    let data = subsetter::subset(&face.data, face.index, &remapper)
        .map_err(|e| Diagnostic::error("font.subset", format!("无法为字体 {} 生成子集：{e}", face.path.display())))?;
    Ok(Subset { data, remap })
}
