//! What printpdf does not write the way a report needs, added on the object
//! tree it produces (lopdf), each in one named place: font descriptors'
//! descent, the nested outline, the catalog's page labels and viewer settings,
//! the document information (no wall clock, no XMP), a document ID derived from
//! the content, and compression. Nothing here searches written bytes or
//! guesses what a stream holds.

use lopdf::{Dictionary, Object, ObjectId, StringFormat};
use rayon::prelude::*;

use crate::diag::{Diagnostic, Errors, Result};
use crate::doc::{Document, Meta};
use crate::hash::Fnv;
use crate::layout::{Layout, OutlineEntry};
use crate::writer::deflate::{Content, Deflater};

/// Every addition, in order, on printpdf's document.
pub(super) fn finish(lo: &mut lopdf::Document, doc: &Document, lay: &Layout, id: [u8; 16]) -> Result<()> {
    fix_descents(lo);
    let page_ids: Vec<ObjectId> = lo.get_pages().values().copied().collect();
    let outline = add_outline(lo, &lay.outline, &page_ids);
    set_catalog(lo, outline, !lay.outline.is_empty())?;
    set_info(lo, &doc.meta)?;
    lo.renumber_objects();
    let id = Object::String(id.to_vec(), StringFormat::Hexadecimal);
    lo.trailer.set("ID", Object::Array(vec![id.clone(), id]));
    compress(lo);
    Ok(())
}

/// The file's bytes.
pub(super) fn save(lo: &mut lopdf::Document) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    lo.save_to(&mut out).map_err(|e| Diagnostic::error("pdf.write", format!("PDF 写出失败：{e}")))?;
    Ok(out)
}

/// A font descriptor's `Descent` is below the baseline, so never positive;
/// some faces (FandolSong) give a positive hhea descender, which printpdf
/// copies.
fn fix_descents(lo: &mut lopdf::Document) {
    for obj in lo.objects.values_mut() {
        if let Object::Dictionary(d) = obj
            && d.get(b"Type").and_then(Object::as_name).is_ok_and(|n| n == b"FontDescriptor")
            && let Ok(v) = d.get(b"Descent").and_then(Object::as_float)
            && v > 0.0
        {
            d.set("Descent", Object::Integer(-(v as i64)));
        }
    }
}

/// The outline: a bookmark per heading, nested by level in document order,
/// each pointing at the top of its heading's line; the top level open. Returns
/// the outline's root.
fn add_outline(lo: &mut lopdf::Document, outline: &[OutlineEntry], page_ids: &[ObjectId]) -> ObjectId {
    let root_id = lo.new_object_id();
    let ids: Vec<ObjectId> = outline.iter().map(|_| lo.new_object_id()).collect();
    let mut parent: Vec<Option<usize>> = vec![None; ids.len()];
    let mut stack: Vec<usize> = Vec::new();
    for (i, e) in outline.iter().enumerate() {
        while stack.last().is_some_and(|&p| outline[p].level >= e.level) {
            stack.pop();
        }
        parent[i] = stack.last().copied();
        stack.push(i);
    }
    let children = |p: Option<usize>| -> Vec<usize> { (0..ids.len()).filter(|&i| parent[i] == p).collect() };
    let descendants = |i: usize| -> i64 {
        let mut n = 0;
        let mut frontier = vec![i];
        while let Some(x) = frontier.pop() {
            for c in (0..ids.len()).filter(|&c| parent[c] == Some(x)) {
                n += 1;
                frontier.push(c);
            }
        }
        n
    };
    for (i, e) in outline.iter().enumerate() {
        let siblings = children(parent[i]);
        let pos = siblings.iter().position(|&s| s == i).expect("among its siblings");
        let mut d = Dictionary::new();
        d.set("Title", text_string(&e.title));
        d.set("Parent", Object::Reference(parent[i].map_or(root_id, |p| ids[p])));
        if pos > 0 {
            d.set("Prev", Object::Reference(ids[siblings[pos - 1]]));
        }
        if let Some(&n) = siblings.get(pos + 1) {
            d.set("Next", Object::Reference(ids[n]));
        }
        let kids = children(Some(i));
        if let (Some(&f), Some(&l)) = (kids.first(), kids.last()) {
            d.set("First", Object::Reference(ids[f]));
            d.set("Last", Object::Reference(ids[l]));
            // Open at the top level (positive count), closed below.
            d.set("Count", Object::Integer(if e.level == 1 { descendants(i) } else { -descendants(i) }));
        }
        d.set(
            "Dest",
            Object::Array(vec![
                Object::Reference(page_ids[e.page]),
                Object::Name(b"XYZ".to_vec()),
                Object::Integer(0),
                Object::Real(e.y + 2.0),
                Object::Null,
            ]),
        );
        lo.objects.insert(ids[i], Object::Dictionary(d));
    }
    let top = children(None);
    let mut root = Dictionary::new();
    root.set("Type", Object::Name(b"Outlines".to_vec()));
    if let (Some(&f), Some(&l)) = (top.first(), top.last()) {
        root.set("First", Object::Reference(ids[f]));
        root.set("Last", Object::Reference(ids[l]));
        root.set("Count", Object::Integer(top.len() as i64 + top.iter().map(|&t| descendants(t)).sum::<i64>()));
    }
    lo.objects.insert(root_id, Object::Dictionary(root));
    root_id
}

/// The catalog: the outline shown when there is one, page labels 1, 2, 3…,
/// the language, and the title in the viewer's window.
fn set_catalog(lo: &mut lopdf::Document, outline: ObjectId, show_outline: bool) -> Result<()> {
    let catalog = catalog(lo)?;
    catalog.set("Outlines", Object::Reference(outline));
    catalog.set("PageMode", Object::Name(if show_outline { b"UseOutlines".to_vec() } else { b"UseNone".to_vec() }));
    let mut label = Dictionary::new();
    label.set("S", Object::Name(b"D".to_vec()));
    let mut labels = Dictionary::new();
    labels.set("Nums", Object::Array(vec![Object::Integer(0), Object::Dictionary(label)]));
    catalog.set("PageLabels", Object::Dictionary(labels));
    catalog.set("Lang", Object::String(b"zh-CN".to_vec(), StringFormat::Literal));
    let mut prefs = Dictionary::new();
    prefs.set("DisplayDocTitle", Object::Boolean(true));
    catalog.set("ViewerPreferences", Object::Dictionary(prefs));
    Ok(())
}

/// The document information from the document's metadata, never the wall
/// clock; printpdf's own information and XMP metadata (with its own dates)
/// are dropped.
fn set_info(lo: &mut lopdf::Document, meta: &Meta) -> Result<()> {
    let mut info = Dictionary::new();
    info.set("Title", text_string(&meta.title));
    info.set("Author", text_string(&meta.author));
    info.set("Subject", text_string(&meta.subject));
    info.set("Keywords", text_string(&meta.keywords.join("；")));
    info.set("Creator", text_string("nianbao"));
    info.set("Producer", text_string(concat!("nianbao ", env!("CARGO_PKG_VERSION"))));
    // No date in the data: none in the file (none is invented).
    if let Some(created) = meta.created {
        let date = created.format("D:%Y%m%d%H%M%S").to_string();
        info.set("CreationDate", Object::String(date.clone().into_bytes(), StringFormat::Literal));
        info.set("ModDate", Object::String(date.into_bytes(), StringFormat::Literal));
    }
    if let Ok(old) = lo.trailer.get(b"Info").and_then(Object::as_reference) {
        lo.objects.remove(&old);
    }
    let catalog = catalog(lo)?;
    if let Ok(xmp) = catalog.get(b"Metadata").and_then(Object::as_reference) {
        catalog.remove(b"Metadata");
        lo.objects.remove(&xmp);
    }
    let info_id = lo.add_object(Object::Dictionary(info));
    lo.trailer.set("Info", Object::Reference(info_id));
    Ok(())
}

fn catalog(lo: &mut lopdf::Document) -> Result<&mut Dictionary> {
    let fail = |e: lopdf::Error| Errors::one(Diagnostic::error("pdf.write", format!("PDF 结构写入失败：{e}")));
    let id = lo.trailer.get(b"Root").and_then(Object::as_reference).map_err(fail)?;
    lo.get_object_mut(id).and_then(Object::as_dict_mut).map_err(fail)
}

/// The document ID (the trailer's `ID`, both halves; the OFD's `DocID`): a
/// 128-bit hash of what the file shows (its metadata, every glyph, rule and
/// fill where it is, the outline) and of the faces it embeds (each face's
/// [`identity`](crate::fonts::FaceData::identity): with the glyphs placed,
/// that fixes every font program), so the same report always gets the same
/// ID and another report another.
pub(crate) fn document_id(doc: &Document, lay: &Layout, faces: impl Iterator<Item = u64>) -> [u8; 16] {
    let (mut a, mut b) = (Fnv::new(), Fnv::with_seed(0x9e37_79b9_7f4a_7c15));
    let mut write = |bytes: &[u8]| {
        a.write_field(bytes);
        b.write_field(bytes);
    };
    let m = &doc.meta;
    let created = m.created.map(|c| c.to_string()).unwrap_or_default();
    for s in [&m.title, &m.author, &m.subject, &m.keywords.join("；"), &created] {
        write(s.as_bytes());
    }
    let f = |x: f32| x.to_bits().to_le_bytes();
    for page in &lay.pages {
        write(b"page");
        for run in &page.runs {
            write(&(run.face as u64).to_le_bytes());
            write(&[&f(run.size)[..], &f(run.y)[..], &[u8::from(run.fake_bold)]].concat());
            for g in &run.glyphs {
                write(&[&g.gid.to_le_bytes()[..], &(g.ch as u32).to_le_bytes(), &f(g.x)].concat());
            }
        }
        for r in &page.rules {
            write(&[f(r.x1), f(r.y1), f(r.x2), f(r.y2)].concat());
        }
        for fill in &page.fills {
            let c = fill.rgb;
            write(&[f(fill.x), f(fill.y), f(fill.w), f(fill.h), f(c[0]), f(c[1]), f(c[2])].concat());
        }
    }
    for e in &lay.outline {
        write(&[&[e.level][..], e.title.as_bytes(), &(e.page as u64).to_le_bytes(), &f(e.y)].concat());
    }
    for identity in faces {
        write(&identity.to_le_bytes());
    }
    let mut id = [0u8; 16];
    id[..8].copy_from_slice(&a.finish().to_be_bytes());
    id[8..].copy_from_slice(&b.finish().to_be_bytes());
    id
}

/// Deflate every stream that is not filtered yet, on the pool, each worker
/// with its own [`Deflater`] (as the packages' parts are): the font programs
/// (those a font descriptor's `FontFile`, `FontFile2` or `FontFile3` names)
/// at the font level of [`Content`], the rest at the text level.
fn compress(lo: &mut lopdf::Document) {
    let fonts: std::collections::HashSet<ObjectId> = lo
        .objects
        .values()
        .filter_map(|o| o.as_dict().ok())
        .filter(|d| d.get(b"Type").and_then(Object::as_name).is_ok_and(|n| n == b"FontDescriptor"))
        .flat_map(|d| {
            [&b"FontFile"[..], b"FontFile2", b"FontFile3"]
                .into_iter()
                .filter_map(|k| d.get(k).and_then(Object::as_reference).ok())
        })
        .collect();
    let mut streams: Vec<(&mut lopdf::Stream, Content)> = lo
        .objects
        .iter_mut()
        .filter_map(|(id, o)| match o {
            Object::Stream(st) if st.dict.get(b"Filter").is_err() => {
                Some((st, if fonts.contains(id) { Content::Font } else { Content::Text }))
            }
            _ => None,
        })
        .collect();
    streams.par_iter_mut().for_each_init(Deflater::new, |z, (st, content)| {
        let packed = z.zlib(&st.content, *content);
        // Only if that makes it smaller, by more than the `/Filter
        // /FlateDecode` entry costs.
        if packed.len() + 19 < st.content.len() {
            st.dict.set("Filter", Object::Name(b"FlateDecode".to_vec()));
            st.set_content(packed);
        }
    });
}

/// A PDF text string: UTF-16BE with a byte order mark.
fn text_string(s: &str) -> Object {
    let mut bytes = vec![0xFE, 0xFF];
    for u in s.encode_utf16() {
        bytes.extend(u.to_be_bytes());
    }
    Object::String(bytes, StringFormat::Hexadecimal)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::{Page, PlacedGlyph, Run};

    /// A document of `n` empty pages, as printpdf leaves one: a catalog, a
    /// page tree, an Info dictionary and XMP metadata.
    fn printed(n: usize) -> lopdf::Document {
        let mut lo = lopdf::Document::with_version("1.7");
        let pages_id = lo.new_object_id();
        let kids: Vec<Object> = (0..n)
            .map(|_| {
                let mut page = Dictionary::new();
                page.set("Type", Object::Name(b"Page".to_vec()));
                page.set("Parent", Object::Reference(pages_id));
                Object::Reference(lo.add_object(Object::Dictionary(page)))
            })
            .collect();
        let mut pages = Dictionary::new();
        pages.set("Type", Object::Name(b"Pages".to_vec()));
        pages.set("Count", Object::Integer(n as i64));
        pages.set("Kids", Object::Array(kids));
        lo.objects.insert(pages_id, Object::Dictionary(pages));
        let xmp = lo.add_object(Object::Stream(lopdf::Stream::new(Dictionary::new(), b"<x:xmpmeta/>".to_vec())));
        let mut catalog = Dictionary::new();
        catalog.set("Type", Object::Name(b"Catalog".to_vec()));
        catalog.set("Pages", Object::Reference(pages_id));
        catalog.set("Metadata", Object::Reference(xmp));
        let catalog = lo.add_object(Object::Dictionary(catalog));
        lo.trailer.set("Root", Object::Reference(catalog));
        let info = lo.add_object(Object::Dictionary(Dictionary::new()));
        lo.trailer.set("Info", Object::Reference(info));
        lo
    }

    fn document(title: &str) -> Document {
        let src = format!("---\nfile: t\ndate: \"2018-04-11\"\n---\n\n# {title} {{.title}}\n");
        crate::markup::parse(&src, "test").unwrap()
    }

    fn dict(lo: &lopdf::Document, id: ObjectId) -> &Dictionary {
        lo.get_object(id).unwrap().as_dict().unwrap()
    }

    #[test]
    fn a_positive_descent_is_made_negative() {
        let mut lo = printed(1);
        let mut d = Dictionary::new();
        d.set("Type", Object::Name(b"FontDescriptor".to_vec()));
        d.set("Descent", Object::Integer(120));
        let id = lo.add_object(Object::Dictionary(d));
        fix_descents(&mut lo);
        assert_eq!(dict(&lo, id).get(b"Descent").unwrap().as_i64().unwrap(), -120);
    }

    #[test]
    fn the_outline_nests_by_level_with_open_top_level_counts() {
        let mut lo = printed(2);
        let pages: Vec<ObjectId> = lo.get_pages().values().copied().collect();
        let e = |level, title: &str, page| OutlineEntry { level, title: title.into(), page, y: 700.0 };
        let outline = [e(1, "一", 0), e(2, "（一）", 0), e(2, "（二）", 1), e(1, "二", 1)];
        let root = add_outline(&mut lo, &outline, &pages);
        let r = dict(&lo, root);
        assert_eq!(r.get(b"Count").unwrap().as_i64().unwrap(), 4);
        let first = r.get(b"First").unwrap().as_reference().unwrap();
        let one = dict(&lo, first);
        assert_eq!(one.get(b"Count").unwrap().as_i64().unwrap(), 2, "open: its two children");
        let kid = dict(&lo, one.get(b"First").unwrap().as_reference().unwrap());
        assert_eq!(kid.get(b"Parent").unwrap().as_reference().unwrap(), first);
        let second_kid = dict(&lo, kid.get(b"Next").unwrap().as_reference().unwrap());
        let dest = second_kid.get(b"Dest").unwrap().as_array().unwrap();
        assert_eq!(dest[0].as_reference().unwrap(), pages[1], "（二） on page 2");
        let two = dict(&lo, one.get(b"Next").unwrap().as_reference().unwrap());
        assert!(two.get(b"First").is_err(), "二 has no children");
        assert_eq!(r.get(b"Last").unwrap().as_reference().unwrap(), one.get(b"Next").unwrap().as_reference().unwrap());
    }

    #[test]
    fn the_information_comes_from_the_metadata_and_no_xmp_is_left() {
        let mut lo = printed(1);
        let meta = document("襄垣县讲话").meta;
        set_info(&mut lo, &meta).unwrap();
        let info = dict(&lo, lo.trailer.get(b"Info").unwrap().as_reference().unwrap());
        assert_eq!(info.get(b"CreationDate").unwrap().as_str().unwrap(), b"D:20180411000000");
        assert_eq!(info.get(b"Title").unwrap(), &text_string("襄垣县讲话"));
        assert!(catalog(&mut lo).unwrap().get(b"Metadata").is_err());
        let streams = lo.objects.values().filter(|o| matches!(o, Object::Stream(_))).count();
        assert_eq!(streams, 0, "the XMP stream is gone");
    }

    #[test]
    fn the_id_follows_the_content() {
        let doc = document("标题");
        let glyph = |x| PlacedGlyph { gid: 3, ch: '年', x, advance: 16.0 };
        let layout = |x| Layout {
            pages: vec![Page {
                runs: vec![Run { face: 0, size: 16.0, fake_bold: false, y: 700.0, glyphs: vec![glyph(x)] }],
                ..Page::default()
            }],
            outline: Vec::new(),
            blocks: Vec::new(),
            blanks_dropped: Default::default(),
            chart_lines: Default::default(),
            table_size: 16.0,
        };
        let font = 0x5eed_f00d_u64;
        let id = |x: f32, font: u64| document_id(&doc, &layout(x), std::iter::once(font));
        assert_eq!(id(80.0, font), id(80.0, font));
        assert_ne!(id(80.0, font), id(80.5, font), "a glyph moved");
        assert_ne!(id(80.0, font), id(80.0, font + 1), "another face (or another version of it)");
        let whole = id(80.0, font);
        let (a, b) = whole.split_at(8);
        assert_ne!(a, b, "two independent halves");
    }

    #[test]
    fn every_stream_is_deflated_when_that_is_smaller() {
        let mut lo = printed(1);
        let big = lo.add_object(Object::Stream(lopdf::Stream::new(Dictionary::new(), vec![b'a'; 10_000])));
        let tiny = lo.add_object(Object::Stream(lopdf::Stream::new(Dictionary::new(), b"q".to_vec())));
        compress(&mut lo);
        let stream = |id| lo.get_object(id).unwrap().as_stream().unwrap();
        assert_eq!(stream(big).dict.get(b"Filter").unwrap().as_name().unwrap(), b"FlateDecode");
        assert_eq!(stream(big).decompressed_content().unwrap(), vec![b'a'; 10_000]);
        assert!(stream(tiny).dict.get(b"Filter").is_err(), "left as it is: deflating would grow it");
    }

    #[test]
    fn font_programs_are_deflated_at_the_font_level_and_the_rest_at_the_text_level() {
        let data: Vec<u8> = (0..4000).flat_map(|i: u32| format!("{} {} l ", i % 251, i % 89).into_bytes()).collect();
        let mut lo = printed(1);
        let program = lo.add_object(Object::Stream(lopdf::Stream::new(Dictionary::new(), data.clone())));
        let content = lo.add_object(Object::Stream(lopdf::Stream::new(Dictionary::new(), data.clone())));
        let mut descriptor = Dictionary::new();
        descriptor.set("Type", Object::Name(b"FontDescriptor".to_vec()));
        descriptor.set("FontFile3", Object::Reference(program));
        lo.add_object(Object::Dictionary(descriptor));
        compress(&mut lo);
        let packed = |id| lo.get_object(id).unwrap().as_stream().unwrap().content.clone();
        let mut z = Deflater::new();
        assert_eq!(packed(program), z.zlib(&data, Content::Font));
        assert_eq!(packed(content), z.zlib(&data, Content::Text));
        assert_ne!(packed(program), packed(content));
    }
}
