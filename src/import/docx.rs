//! A DOCX's lines for the importer, read with docx-rs's reader: each body
//! paragraph's text; a heading's level from Word's own numbering (the list
//! level), its outline level or its heading style, since Word numbers such
//! headings itself and their numbers are not in the text; tables as tables;
//! the category names of its charts; its author and keywords.

use std::path::Path;

use docx_rs::{DocumentChild, Paragraph, Styles, TableCellContent, TableChild, TableRowChild};

use super::outline::Line;
use crate::diag::{Diagnostic, Errors, Result};

/// The lines of the DOCX `bytes` read from `path`.
pub fn lines(path: &Path, bytes: &[u8]) -> Result<Vec<Line>> {
    let docx = docx_rs::read_docx(bytes).map_err(|e| {
        Errors::one(Diagnostic::in_file(
            "import.docx",
            path,
            format!("无法读取这个 Word 文件（{e}）；请在 Word 或 WPS 里打开，另存为 .docx 后再导入"),
        ))
    })?;
    let mut out = Vec::new();
    for child in &docx.document.children {
        match child {
            DocumentChild::Paragraph(p) => {
                let text = text(p);
                match heading_level(p, &docx.styles) {
                    Some(level) if !text.trim().is_empty() => out.push(Line::Heading(level, text)),
                    _ => out.push(Line::Text(text)),
                }
            }
            DocumentChild::Table(t) => {
                let rows = t
                    .rows
                    .iter()
                    .map(|TableChild::TableRow(row)| {
                        row.cells
                            .iter()
                            .map(|TableRowChild::TableCell(cell)| {
                                let texts: Vec<String> = cell
                                    .children
                                    .iter()
                                    .filter_map(|c| match c {
                                        TableCellContent::Paragraph(p) => Some(text(p)),
                                        _ => None,
                                    })
                                    .collect();
                                texts.join("").trim().to_string()
                            })
                            .collect()
                    })
                    .collect();
                out.push(Line::Table(rows));
            }
            _ => {}
        }
    }
    out.extend(charts(bytes).into_iter().map(Line::Chart));
    Ok(out)
}

/// A paragraph's text; a line break within it (one a writer typed, or one
/// nianbao set to fit a table cell) joins the lines, as Chinese text does.
fn text(p: &Paragraph) -> String {
    p.raw_text().replace(['\n', '\r'], "")
}

/// The category names of each chart part (`word/charts/chart1.xml`).
fn charts(bytes: &[u8]) -> Vec<Vec<String>> {
    let Ok(mut zip) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) else { return Vec::new() };
    let mut names: Vec<String> = zip
        .file_names()
        .filter(|n| n.starts_with("word/charts/chart") && n.ends_with(".xml"))
        .map(str::to_string)
        .collect();
    names.sort();
    let mut out = Vec::new();
    for name in names {
        let mut xml = String::new();
        let Ok(mut f) = zip.by_name(&name) else { continue };
        if std::io::Read::read_to_string(&mut f, &mut xml).is_err() {
            continue;
        }
        let mut cats = Vec::new();
        // The categories of the first series name them all.
        if let Some(start) = xml.find("<c:cat>") {
            let end = start + xml[start..].find("</c:cat>").unwrap_or(0);
            for piece in xml[start..end].split("<c:v>").skip(1) {
                if let Some(v) = piece.split("</c:v>").next()
                    && let Ok(v) = quick_xml::escape::unescape(v)
                {
                    cats.push(v.into_owned());
                }
            }
        }
        out.push(cats);
    }
    out
}

/// A paragraph's heading level (1 for the top), when it is a heading: its
/// outline level or its style's, a `heading N` style, else the level of a
/// numbered list of its own or its style's (Word numbers headings with a
/// list; the list's level is the heading's when nothing else says).
fn heading_level(p: &Paragraph, styles: &Styles) -> Option<u8> {
    let numbered = |np: &Option<docx_rs::NumberingProperty>| {
        np.as_ref().filter(|n| n.id.as_ref().is_some_and(|i| i.id != 0)).map(|n| n.level.as_ref().map_or(0, |l| l.val))
    };
    let style = p.property.style.as_ref().and_then(|s| styles.find_style_by_id(&s.val));
    let level = p
        .property
        .outline_lvl
        .as_ref()
        .map(|o| o.v)
        .or_else(|| style.and_then(|s| s.paragraph_property.outline_lvl.as_ref().map(|o| o.v)))
        .or_else(|| style.and_then(|s| s.name.get_heading_number().map(|n| n.saturating_sub(1))))
        .or_else(|| numbered(&p.property.numbering_property))
        .or_else(|| style.and_then(|s| numbered(&s.paragraph_property.numbering_property)))?;
    // Outline level 9 is body text.
    (level < 9).then(|| (level + 1).min(4) as u8)
}

/// The document's properties nianbao writes and Word keeps: the author (the
/// issuing body) and the keywords (`金华市; 卫生计生; 2018年`).
pub fn properties(bytes: &[u8]) -> Properties {
    let mut props = Properties::default();
    let Ok(mut zip) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) else { return props };
    let Ok(mut core) = zip.by_name("docProps/core.xml") else { return props };
    let mut xml = String::new();
    if std::io::Read::read_to_string(&mut core, &mut xml).is_err() {
        return props;
    }
    let text = |tag: &str| {
        let open = format!("<{tag}>");
        let start = xml.find(&open)? + open.len();
        let end = start + xml[start..].find(&format!("</{tag}>"))?;
        quick_xml::escape::unescape(&xml[start..end]).ok().map(|s| s.trim().to_string())
    };
    props.creator = text("dc:creator").filter(|s| !s.is_empty());
    props.keywords = text("cp:keywords")
        .map(|k| k.split([';', '；', ',', '，']).map(|w| w.trim().to_string()).filter(|w| !w.is_empty()).collect())
        .unwrap_or_default();
    props
}

/// See [`properties`].
#[derive(Debug, Default, Clone)]
pub struct Properties {
    pub creator: Option<String>,
    pub keywords: Vec<String>,
}
