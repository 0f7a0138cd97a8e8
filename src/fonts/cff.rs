//! A fast subset of a CID-keyed CFF face without subroutines (the Fandol faces):
//! the glyphs' charstrings copied byte for byte, with the same font and private
//! dictionaries, instead of decompiling and recompiling every charstring as the
//! `subsetter` crate does (which it must, to inline subroutines): for the body
//! face of a report, a large share of the whole run.
//!
//! The result is what [`super::subset`] promises: glyphs renumbered densely in
//! the order given (`.notdef` first), CID = new glyph id, and the tables a PDF
//! needs (`CFF `, `head`, `hhea`, `hmtx`, `maxp`, `name`, `post`; no `cmap`).
//! Faces this does not cover (subroutines, name-keyed CFF, TrueType) return
//! `None` and go through `subsetter`.

use ttf_parser::{RawFace, Tag};

/// Subset `data` (face `index` of a font file) to the glyphs `order`, in that
/// order; `order[0]` must be 0 (`.notdef`).
pub fn subset(data: &[u8], index: u32, order: &[u16]) -> Option<Vec<u8>> {
    let raw = RawFace::parse(data, index).ok()?;
    let table = |t: &[u8; 4]| raw.table(Tag::from_bytes(t));
    let cff = subset_cff(table(b"CFF ")?, order)?;
    let (head, hhea, hmtx, maxp) = (table(b"head")?, table(b"hhea")?, table(b"hmtx")?, table(b"maxp")?);
    if head.len() < 54 || hhea.len() < 36 || maxp.len() < 6 || order.first() != Some(&0) {
        return None;
    }
    // Horizontal metrics, one full record per glyph.
    let long = usize::from(u16::from_be_bytes([hhea[34], hhea[35]]));
    let num_glyphs = usize::from(u16::from_be_bytes([maxp[4], maxp[5]]));
    let metric = |gid: usize| -> Option<[u8; 4]> {
        if gid >= num_glyphs || long == 0 {
            return None;
        }
        let (adv, lsb) = if gid < long {
            (hmtx.get(gid * 4..gid * 4 + 2)?, hmtx.get(gid * 4 + 2..gid * 4 + 4)?)
        } else {
            let at = long * 4 + (gid - long) * 2;
            (hmtx.get((long - 1) * 4..(long - 1) * 4 + 2)?, hmtx.get(at..at + 2)?)
        };
        Some([adv[0], adv[1], lsb[0], lsb[1]])
    };
    let mut new_hmtx = Vec::with_capacity(order.len() * 4);
    for &g in order {
        new_hmtx.extend(metric(usize::from(g))?);
    }
    let n = u16::try_from(order.len()).ok()?;
    let mut new_hhea = hhea.to_vec();
    new_hhea[34..36].copy_from_slice(&n.to_be_bytes());
    let mut new_maxp = vec![0, 0, 0x50, 0];
    new_maxp.extend(n.to_be_bytes());
    let mut new_head = head.to_vec();
    new_head[8..12].fill(0);
    // post version 3: no glyph names.
    let mut post = table(b"post").map(|p| p.get(..32).unwrap_or(p).to_vec()).unwrap_or_else(|| vec![0; 32]);
    post.resize(32, 0);
    post[..4].copy_from_slice(&[0, 3, 0, 0]);
    let mut tables: Vec<([u8; 4], Vec<u8>)> = vec![
        (*b"CFF ", cff),
        (*b"head", new_head),
        (*b"hhea", new_hhea),
        (*b"hmtx", new_hmtx),
        (*b"maxp", new_maxp),
        (*b"post", post),
    ];
    if let Some(name) = table(b"name") {
        tables.push((*b"name", name.to_vec()));
    }
    Some(sfnt(tables))
}

/// An OpenType file (`OTTO`) of `tables`, with checksums and head's adjustment.
fn sfnt(mut tables: Vec<([u8; 4], Vec<u8>)>) -> Vec<u8> {
    tables.sort_by_key(|(tag, _)| *tag);
    let count = tables.len() as u16;
    let selector = 15 - count.leading_zeros() as u16; // floor(log2(count))
    let range = (1u16 << selector) * 16;
    let mut out = Vec::new();
    out.extend(b"OTTO");
    for v in [count, range, selector, count * 16 - range] {
        out.extend(v.to_be_bytes());
    }
    // The sum of big-endian words, the last padded with zeros (a word at a
    // time: the CFF table of a report's body face is half a megabyte).
    let checksum = |d: &[u8]| {
        let words = d.chunks_exact(4);
        let mut last = [0u8; 4];
        last[..words.remainder().len()].copy_from_slice(words.remainder());
        words.fold(u32::from_be_bytes(last), |s, w| s.wrapping_add(u32::from_be_bytes([w[0], w[1], w[2], w[3]])))
    };
    let mut offset = 12 + tables.len() * 16;
    let mut head_at = None;
    for (tag, data) in &tables {
        if tag == b"head" {
            head_at = Some(offset + 8);
        }
        out.extend(tag);
        out.extend(checksum(data).to_be_bytes());
        out.extend((offset as u32).to_be_bytes());
        out.extend((data.len() as u32).to_be_bytes());
        offset += data.len().next_multiple_of(4);
    }
    for (_, data) in &tables {
        out.extend(data);
        out.resize(out.len().next_multiple_of(4), 0);
    }
    if let Some(at) = head_at {
        let adjust = 0xB1B0_AFBAu32.wrapping_sub(checksum(&out));
        out[at..at + 4].copy_from_slice(&adjust.to_be_bytes());
    }
    out
}

/// A CFF INDEX: its items' byte ranges in the table, and where it ends.
struct Index {
    items: Vec<(usize, usize)>,
    end: usize,
}

fn read_index(cff: &[u8], at: usize) -> Option<Index> {
    let count = usize::from(u16::from_be_bytes([*cff.get(at)?, *cff.get(at + 1)?]));
    if count == 0 {
        return Some(Index { items: Vec::new(), end: at + 2 });
    }
    let off_size = usize::from(*cff.get(at + 2)?);
    if !(1..=4).contains(&off_size) {
        return None;
    }
    let offsets_at = at + 3;
    let offset = |i: usize| -> Option<usize> {
        let b = cff.get(offsets_at + i * off_size..offsets_at + (i + 1) * off_size)?;
        Some(b.iter().fold(0usize, |v, &x| (v << 8) | usize::from(x)))
    };
    let data_at = offsets_at + (count + 1) * off_size - 1;
    let mut items = Vec::with_capacity(count);
    let mut prev = offset(0)?;
    for i in 1..=count {
        let next = offset(i)?;
        if next < prev || data_at + next > cff.len() {
            return None;
        }
        items.push((data_at + prev, data_at + next));
        prev = next;
    }
    Some(Index { items, end: data_at + prev })
}

fn write_index<'a>(items: impl ExactSizeIterator<Item = &'a [u8]> + Clone, out: &mut Vec<u8>) {
    let count = items.len();
    out.extend((count as u16).to_be_bytes());
    if count == 0 {
        return;
    }
    let total: usize = items.clone().map(<[u8]>::len).sum();
    let off_size = match total + 1 {
        0..=0xFF => 1,
        0x100..=0xFFFF => 2,
        0x1_0000..=0xFF_FFFF => 3,
        _ => 4,
    };
    out.push(off_size as u8);
    let mut offset = 1usize;
    let put = |v: usize, out: &mut Vec<u8>| out.extend(&(v as u32).to_be_bytes()[4 - off_size..]);
    put(offset, out);
    for it in items.clone() {
        offset += it.len();
        put(offset, out);
    }
    for it in items {
        out.extend(it);
    }
}

/// A DICT entry: operator (12 x as 1200 + x), operands' byte range, the whole
/// entry's byte range.
type Entry = (u16, (usize, usize), (usize, usize));

fn dict_entries(d: &[u8]) -> Option<Vec<Entry>> {
    let mut out = Vec::new();
    let (mut start, mut i) = (0, 0);
    while i < d.len() {
        let b = d[i];
        match b {
            0..=21 => {
                let (op, len) = if b == 12 { (1200 + u16::from(*d.get(i + 1)?), 2) } else { (u16::from(b), 1) };
                out.push((op, (start, i), (start, i + len)));
                i += len;
                start = i;
            }
            28 => i += 3,
            29 => i += 5,
            30 => {
                // Real number: nibbles up to 0xf.
                i += 1;
                loop {
                    let x = *d.get(i)?;
                    i += 1;
                    if x & 0x0F == 0x0F || x >> 4 == 0x0F {
                        break;
                    }
                }
            }
            32..=246 => i += 1,
            247..=254 => i += 2,
            _ => return None,
        }
    }
    (start == d.len()).then_some(out)
}

/// The integers among a DICT entry's operands.
fn ints(d: &[u8]) -> Option<Vec<i64>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < d.len() {
        let b = d[i];
        let v = match b {
            28 => {
                i += 3;
                i64::from(i16::from_be_bytes([*d.get(i - 2)?, *d.get(i - 1)?]))
            }
            29 => {
                i += 5;
                i64::from(i32::from_be_bytes(d.get(i - 4..i)?.try_into().ok()?))
            }
            32..=246 => {
                i += 1;
                i64::from(b) - 139
            }
            247..=250 => {
                i += 2;
                (i64::from(b) - 247) * 256 + i64::from(*d.get(i - 1)?) + 108
            }
            251..=254 => {
                i += 2;
                -(i64::from(b) - 251) * 256 - i64::from(*d.get(i - 1)?) - 108
            }
            _ => return None, // reals are not offsets
        };
        out.push(v);
    }
    Some(out)
}

/// An integer as a 5-byte DICT operand, so sizes are known before offsets.
fn int5(v: usize) -> [u8; 5] {
    let b = (v as i32).to_be_bytes();
    [29, b[0], b[1], b[2], b[3]]
}

/// Top DICT operators.
const CHARSET: u16 = 15;
const CHARSTRINGS: u16 = 17;
const PRIVATE: u16 = 18;
const SUBRS: u16 = 19;
const ENCODING: u16 = 16;
const ROS: u16 = 1230;
const CID_COUNT: u16 = 1234;
const FD_ARRAY: u16 = 1236;
const FD_SELECT: u16 = 1237;

fn subset_cff(cff: &[u8], order: &[u16]) -> Option<Vec<u8>> {
    let header = usize::from(*cff.get(2)?);
    let names = read_index(cff, header)?;
    let tops = read_index(cff, names.end)?;
    let strings = read_index(cff, tops.end)?;
    let gsubrs = read_index(cff, strings.end)?;
    if tops.items.len() != 1 || !gsubrs.items.is_empty() {
        return None;
    }
    let (ts, te) = tops.items[0];
    let top = &cff[ts..te];
    let entries = dict_entries(top)?;
    let find = |op: u16| entries.iter().find(|e| e.0 == op).and_then(|e| ints(&top[e.1.0..e.1.1]));
    if !entries.iter().any(|e| e.0 == ROS) {
        return None; // name-keyed
    }
    let charstrings = read_index(cff, usize::try_from(*find(CHARSTRINGS)?.first()?).ok()?)?;
    let fd_array = read_index(cff, usize::try_from(*find(FD_ARRAY)?.first()?).ok()?)?;
    let fd_select_at = usize::try_from(*find(FD_SELECT)?.first()?).ok()?;
    let num_glyphs = charstrings.items.len();
    // The font dict of each original glyph.
    let fd_of = |gid: usize| -> Option<u8> {
        match *cff.get(fd_select_at)? {
            0 => cff.get(fd_select_at + 1 + gid).copied(),
            3 => {
                let n = usize::from(u16::from_be_bytes([*cff.get(fd_select_at + 1)?, *cff.get(fd_select_at + 2)?]));
                let range = |i: usize| -> Option<(usize, u8)> {
                    let at = fd_select_at + 3 + i * 3;
                    Some((usize::from(u16::from_be_bytes([*cff.get(at)?, *cff.get(at + 1)?])), *cff.get(at + 2)?))
                };
                (0..n)
                    .map(range)
                    .collect::<Option<Vec<_>>>()?
                    .into_iter()
                    .rev()
                    .find(|(first, _)| *first <= gid)
                    .map(|(_, fd)| fd)
            }
            _ => None,
        }
    };
    // Font dicts and their private dicts, which must have no subroutines.
    let mut fonts = Vec::new();
    for &(s, e) in &fd_array.items {
        let fd = &cff[s..e];
        let fd_entries = dict_entries(fd)?;
        let private = fd_entries.iter().find(|x| x.0 == PRIVATE).and_then(|x| ints(&fd[x.1.0..x.1.1]))?;
        let (size, at) = (usize::try_from(*private.first()?).ok()?, usize::try_from(*private.get(1)?).ok()?);
        let priv_dict = cff.get(at..at + size)?;
        let priv_entries = dict_entries(priv_dict)?;
        if let Some(subrs) = priv_entries.iter().find(|x| x.0 == SUBRS) {
            let off = usize::try_from(*ints(&priv_dict[subrs.1.0..subrs.1.1])?.first()?).ok()?;
            if !read_index(cff, at + off)?.items.is_empty() {
                return None;
            }
        }
        // The private dict without its (empty) Subrs entry.
        let mut new_priv = Vec::new();
        for x in priv_entries.iter().filter(|x| x.0 != SUBRS) {
            new_priv.extend(&priv_dict[x.2.0..x.2.1]);
        }
        // The font dict without Private, which is written afresh.
        let mut new_fd = Vec::new();
        for x in fd_entries.iter().filter(|x| x.0 != PRIVATE) {
            new_fd.extend(&fd[x.2.0..x.2.1]);
        }
        fonts.push((new_fd, new_priv));
    }
    let mut glyphs = Vec::with_capacity(order.len());
    let mut fds = Vec::with_capacity(order.len());
    for &g in order {
        let g = usize::from(g);
        if g >= num_glyphs {
            return None;
        }
        let (s, e) = charstrings.items[g];
        glyphs.push(&cff[s..e]);
        let fd = fd_of(g)?;
        if usize::from(fd) >= fonts.len() {
            return None;
        }
        fds.push(fd);
    }
    let n = order.len();

    // Sizes first, then offsets: every offset is a 5-byte operand.
    // The top dict's other entries as they are, ROS first as a CID-keyed font needs.
    let ros = entries.iter().find(|x| x.0 == ROS)?;
    let mut top_rest_ordered = top[ros.2.0..ros.2.1].to_vec();
    for x in entries
        .iter()
        .filter(|x| ![ROS, CHARSET, CHARSTRINGS, FD_ARRAY, FD_SELECT, CID_COUNT, ENCODING, PRIVATE].contains(&x.0))
    {
        top_rest_ordered.extend(&top[x.2.0..x.2.1]);
    }
    // CIDCount, charset, CharStrings, FDArray, FDSelect: 5-byte operands and operators.
    let top_len = top_rest_ordered.len() + 5 * 5 + (2 + 1 + 1 + 2 + 2);
    let mut charset = vec![];
    if n > 1 {
        charset.push(2u8);
        charset.extend(1u16.to_be_bytes());
        charset.extend(u16::try_from(n - 2).ok()?.to_be_bytes());
    } else {
        charset.push(0);
    }
    let mut fd_select = vec![0u8];
    fd_select.extend(&fds);
    let fd_dict_len = |fd: &[u8]| fd.len() + 5 + 5 + 1;

    let mut out = Vec::new();
    out.extend([1, 0, 4, 4]);
    out.extend(&cff[header..names.end]);
    // Top DICT INDEX with one item of `top_len` bytes.
    let top_index_len = 2 + 1 + 2 * 2 + top_len; // offSize 2 is plenty
    let strings_bytes = &cff[tops.end..strings.end];
    let gsubrs_bytes = &cff[strings.end..gsubrs.end];
    let charset_at = out.len() + top_index_len + strings_bytes.len() + gsubrs_bytes.len();
    let fd_select_new_at = charset_at + charset.len();
    let fd_array_at = fd_select_new_at + fd_select.len();
    let fd_items: Vec<usize> = fonts.iter().map(|(fd, _)| fd_dict_len(fd)).collect();
    let fd_index_len = 2 + 1 + 4 * (fonts.len() + 1) + fd_items.iter().sum::<usize>();
    let privates_at = fd_array_at + fd_index_len;
    let mut private_offsets = Vec::new();
    let mut at = privates_at;
    for (_, p) in &fonts {
        private_offsets.push(at);
        at += p.len();
    }
    let charstrings_at = at;

    let mut top_dict = top_rest_ordered;
    top_dict.extend(int5(n));
    top_dict.extend([12, 34]);
    top_dict.extend(int5(charset_at));
    top_dict.push(15);
    top_dict.extend(int5(charstrings_at));
    top_dict.push(17);
    top_dict.extend(int5(fd_array_at));
    top_dict.extend([12, 36]);
    top_dict.extend(int5(fd_select_new_at));
    top_dict.extend([12, 37]);
    debug_assert_eq!(top_dict.len(), top_len);
    // The INDEX by hand, with offSize 2 as counted above.
    out.extend(1u16.to_be_bytes());
    out.push(2);
    out.extend(1u16.to_be_bytes());
    out.extend(u16::try_from(top_dict.len() + 1).ok()?.to_be_bytes());
    out.extend(&top_dict);
    out.extend(strings_bytes);
    out.extend(gsubrs_bytes);
    debug_assert_eq!(out.len(), charset_at);
    out.extend(&charset);
    out.extend(&fd_select);
    // FDArray INDEX, offSize 4.
    out.extend(u16::try_from(fonts.len()).ok()?.to_be_bytes());
    out.push(4);
    let mut offset = 1u32;
    out.extend(offset.to_be_bytes());
    for len in &fd_items {
        offset += *len as u32;
        out.extend(offset.to_be_bytes());
    }
    for ((fd, p), &p_at) in fonts.iter().zip(&private_offsets) {
        out.extend(fd);
        out.extend(int5(p.len()));
        out.extend(int5(p_at));
        out.push(18);
    }
    debug_assert_eq!(out.len(), privates_at);
    for (_, p) in &fonts {
        out.extend(p);
    }
    debug_assert_eq!(out.len(), charstrings_at);
    write_index(glyphs.iter().copied(), &mut out);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_round_trip() {
        let items: Vec<&[u8]> = vec![b"ab", b"", b"cde"];
        let mut out = vec![0xEE];
        write_index(items.iter().copied(), &mut out);
        let idx = read_index(&out, 1).unwrap();
        let got: Vec<&[u8]> = idx.items.iter().map(|&(s, e)| &out[s..e]).collect();
        assert_eq!(got, items);
        assert_eq!(idx.end, out.len());
    }

    /// Outline commands of a glyph, as text.
    struct Pen(String);

    impl ttf_parser::OutlineBuilder for Pen {
        fn move_to(&mut self, x: f32, y: f32) {
            self.0 += &format!("M{x} {y}");
        }
        fn line_to(&mut self, x: f32, y: f32) {
            self.0 += &format!("L{x} {y}");
        }
        fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
            self.0 += &format!("Q{x1} {y1} {x} {y}");
        }
        fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
            self.0 += &format!("C{x1} {y1} {x2} {y2} {x} {y}");
        }
        fn close(&mut self) {
            self.0 += "Z";
        }
    }

    fn outline(face: &ttf_parser::Face, gid: u16) -> String {
        let mut pen = Pen(String::new());
        face.outline_glyph(ttf_parser::GlyphId(gid), &mut pen);
        pen.0
    }

    /// The body face's glyphs come out with the same outlines and advances under
    /// their new ids, CID = glyph id.
    #[test]
    fn fandol_glyphs_survive_unchanged() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/fonts/FandolFang-Regular.otf");
        let data = std::fs::read(path).unwrap();
        let face = ttf_parser::Face::parse(&data, 0).unwrap();
        let chars = "年报襄垣县卫生计生工作会议，。“”（）1234567890%㎡";
        let mut order = vec![0u16];
        for c in chars.chars() {
            if let Some(g) = face.glyph_index(c)
                && !order.contains(&g.0)
            {
                order.push(g.0);
            }
        }
        let sub = subset(&data, 0, &order).expect("a subroutine-free CID-keyed CFF face");
        let new = ttf_parser::Face::parse(&sub, 0).unwrap();
        assert_eq!(usize::from(new.number_of_glyphs()), order.len());
        for (new_gid, &old) in order.iter().enumerate() {
            let new_gid = new_gid as u16;
            assert_eq!(outline(&new, new_gid), outline(&face, old), "glyph {old} -> {new_gid}");
            assert_eq!(
                new.glyph_hor_advance(ttf_parser::GlyphId(new_gid)),
                face.glyph_hor_advance(ttf_parser::GlyphId(old))
            );
        }
        assert!(sub.len() < data.len() / 20, "{} bytes", sub.len());
    }

    #[test]
    fn dict_operands() {
        // 100 200 Private; 1000 12 36 (FDArray)
        let d = [139 + 100, 247, 200 - 108, 18, 28, 0x03, 0xE8, 12, 36];
        let e = dict_entries(&d).unwrap();
        assert_eq!(e.iter().map(|x| x.0).collect::<Vec<_>>(), [18, 1236]);
        assert_eq!(ints(&d[e[0].1.0..e[0].1.1]).unwrap(), [100, 200]);
        assert_eq!(ints(&d[e[1].1.0..e[1].1.1]).unwrap(), [1000]);
    }
}
