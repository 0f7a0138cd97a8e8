//! What the writers of zipped XML packages (DOCX, OFD) share: a small XML
//! tree, read and written with quick-xml, and deterministic zipping.

use std::io::Write;

use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use rayon::prelude::*;

use crate::diag::{Diagnostic, Errors, Result};
use crate::writer::deflate::{Content, Deflater, crc32};

/// The package failed to build (in memory: malformed XML from a library, or
/// the zip writer refusing an entry).
fn err(msg: impl std::fmt::Display) -> Errors {
    Errors::one(Diagnostic::error("writer.package", format!("文件打包失败：{msg}")))
}

/// A node of a parsed part.
#[derive(Debug, Clone)]
pub enum Node {
    El(El),
    Text(String),
}

/// An element: qualified name, attributes in document order, children.
#[derive(Debug, Clone)]
pub struct El {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Node>,
}

impl El {
    pub fn new(name: &str) -> El {
        El { name: name.into(), attrs: Vec::new(), children: Vec::new() }
    }

    pub fn attr(mut self, k: &str, v: &str) -> El {
        self.set(k, v);
        self
    }

    pub fn child(mut self, c: El) -> El {
        self.children.push(Node::El(c));
        self
    }

    pub fn text(mut self, t: &str) -> El {
        self.children.push(Node::Text(t.into()));
        self
    }

    pub fn get(&self, k: &str) -> Option<&str> {
        self.attrs.iter().find(|(a, _)| a == k).map(|(_, v)| v.as_str())
    }

    pub fn set(&mut self, k: &str, v: &str) {
        match self.attrs.iter_mut().find(|(a, _)| a == k) {
            Some((_, old)) => *old = v.into(),
            None => self.attrs.push((k.into(), v.into())),
        }
    }

    pub fn elements(&self) -> impl Iterator<Item = &El> {
        self.children.iter().filter_map(|n| match n {
            Node::El(e) => Some(e),
            Node::Text(_) => None,
        })
    }

    pub fn elements_mut(&mut self) -> impl Iterator<Item = &mut El> {
        self.children.iter_mut().filter_map(|n| match n {
            Node::El(e) => Some(e),
            Node::Text(_) => None,
        })
    }

    pub fn find_mut(&mut self, name: &str) -> Option<&mut El> {
        self.elements_mut().find(|e| e.name == name)
    }

    /// The child `name`, created (at the end) when missing.
    pub fn ensure(&mut self, name: &str) -> &mut El {
        if self.find_mut(name).is_none() {
            self.children.push(Node::El(El::new(name)));
        }
        self.find_mut(name).expect("just ensured")
    }

    /// Visit this element and all descendants, depth first, parents first.
    pub fn walk_mut(&mut self, f: &mut dyn FnMut(&mut El)) {
        f(self);
        for c in self.elements_mut() {
            c.walk_mut(f);
        }
    }
}

/// Parse a part into its root element.
pub fn parse(xml: &[u8]) -> Result<El> {
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut stack: Vec<El> = vec![El::new("#document")];
    let mut buf = Vec::new();
    let decoder = reader.decoder();
    let start = |e: &BytesStart| -> Result<El> {
        let mut el = El::new(&String::from_utf8_lossy(e.name().as_ref()));
        for a in e.attributes() {
            let a = a.map_err(err)?;
            let v = a.decoded_and_normalized_value(quick_xml::XmlVersion::Implicit1_0, decoder).map_err(err)?;
            el.attrs.push((String::from_utf8_lossy(a.key.as_ref()).into_owned(), v.into_owned()));
        }
        Ok(el)
    };
    loop {
        match reader.read_event_into(&mut buf).map_err(err)? {
            Event::Start(e) => stack.push(start(&e)?),
            Event::Empty(e) => {
                let el = start(&e)?;
                stack.last_mut().expect("root").children.push(Node::El(el));
            }
            Event::End(_) => {
                let el = stack.pop().expect("balanced");
                stack.last_mut().ok_or_else(|| err("unbalanced XML"))?.children.push(Node::El(el));
            }
            Event::Text(t) => {
                let s = t.decode().map_err(err)?;
                let s = quick_xml::escape::unescape(&s).map_err(err)?.into_owned();
                stack.last_mut().expect("root").children.push(Node::Text(s));
            }
            Event::GeneralRef(r) => {
                let name = r.decode().map_err(err)?;
                let s = match name.as_ref() {
                    "amp" => "&".to_string(),
                    "lt" => "<".into(),
                    "gt" => ">".into(),
                    "quot" => "\"".into(),
                    "apos" => "'".into(),
                    other => match r.resolve_char_ref().map_err(err)? {
                        Some(c) => c.to_string(),
                        None => return Err(err(format!("unknown entity &{other};"))),
                    },
                };
                stack.last_mut().expect("root").children.push(Node::Text(s));
            }
            Event::CData(t) => {
                stack.last_mut().expect("root").children.push(Node::Text(String::from_utf8_lossy(&t).into_owned()))
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    let mut doc = stack.pop().ok_or_else(|| err("empty XML"))?;
    let root = doc.children.drain(..).find_map(|n| match n {
        Node::El(e) => Some(e),
        Node::Text(_) => None,
    });
    root.ok_or_else(|| err("no root element"))
}

/// Write a tree as a standalone part.
pub fn serialize(root: &El) -> Vec<u8> {
    let mut w = quick_xml::Writer::new(Vec::new());
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), Some("yes")))).expect("in-memory write");
    write_el(&mut w, root);
    w.into_inner()
}

fn write_el(w: &mut quick_xml::Writer<Vec<u8>>, el: &El) {
    let mut start = BytesStart::new(el.name.as_str());
    for (k, v) in &el.attrs {
        start.push_attribute((k.as_str(), v.as_str()));
    }
    if el.children.is_empty() {
        w.write_event(Event::Empty(start)).expect("in-memory write");
        return;
    }
    w.write_event(Event::Start(start)).expect("in-memory write");
    for c in &el.children {
        match c {
            Node::El(e) => write_el(w, e),
            Node::Text(t) => w.write_event(Event::Text(BytesText::new(t))).expect("in-memory write"),
        }
    }
    w.write_event(Event::End(BytesEnd::new(el.name.as_str()))).expect("in-memory write");
}

// ---------------------------------------------------------------- zip

/// Every entry's time: 1980-01-01 00:00 UTC, the earliest a zip can record,
/// so that the bytes depend on the document only.
const ZIP_EPOCH: i64 = 315_532_800;

/// One part of a package: its name, its bytes, and what they hold (which
/// sets how hard [`zip_parts`] deflates them).
pub struct Part {
    pub name: String,
    pub bytes: Vec<u8>,
    pub content: Content,
}

impl Part {
    /// A part of markup or other text.
    pub fn text(name: impl Into<String>, bytes: Vec<u8>) -> Part {
        Part { name: name.into(), bytes, content: Content::Text }
    }

    /// A font program.
    pub fn font(name: impl Into<String>, bytes: Vec<u8>) -> Part {
        Part { name: name.into(), bytes, content: Content::Font }
    }
}

/// Zip `entries` in the given order, with fixed times and modes: each part
/// deflated on its own (in parallel, by [`Deflater`], at its content's
/// level), or stored when deflate would not make it smaller.
pub fn zip_parts(entries: &[Part]) -> Result<Vec<u8>> {
    let packed: Vec<Option<Vec<u8>>> = entries
        .par_iter()
        .map_init(Deflater::new, |z, part| {
            Some(z.raw(&part.bytes, part.content)).filter(|p| p.len() < part.bytes.len())
        })
        .collect();
    let total = packed.iter().zip(entries).map(|(p, e)| p.as_ref().map_or(e.bytes.len(), Vec::len)).sum::<usize>();
    let mut out = Vec::with_capacity(total + 128 * entries.len() + 1024);
    let mut zw = rawzip::ZipArchiveWriter::new(&mut out);
    for (Part { name, bytes, .. }, packed) in entries.iter().zip(&packed) {
        let method =
            if packed.is_some() { rawzip::CompressionMethod::DEFLATE } else { rawzip::CompressionMethod::STORE };
        let (mut entry, _) = zw
            .new_file(name.as_str())
            .compression_method(method)
            .last_modified(rawzip::time::UtcDateTime::from_unix(ZIP_EPOCH))
            .unix_permissions(0o644)
            .start()
            .map_err(err)?;
        entry.write_all(packed.as_deref().unwrap_or(bytes)).map_err(err)?;
        entry.finish(rawzip::DataDescriptorOutput::new(crc32(bytes), bytes.len() as u64)).map_err(err)?;
    }
    zw.finish().map_err(err)?;
    Ok(out)
}
