//! A DOCX's lines for the importer, read with docx-rs's reader: each body
//! paragraph's text; a heading's level from Word's own numbering (the list
//! level), its outline level or its heading style, since Word numbers such
//! headings itself and their numbers are not in the text; tables as tables.

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
                let text = p.raw_text();
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
                                        TableCellContent::Paragraph(p) => Some(p.raw_text()),
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
    Ok(out)
}

/// A paragraph's heading level (1 for the top), when it is a heading: a
/// numbered list level of its own or its style's, the style's outline level,
/// or a `heading N` style.
fn heading_level(p: &Paragraph, styles: &Styles) -> Option<u8> {
    let numbered = |np: &Option<docx_rs::NumberingProperty>| {
        np.as_ref().filter(|n| n.id.as_ref().is_some_and(|i| i.id != 0)).map(|n| n.level.as_ref().map_or(0, |l| l.val))
    };
    let style = p.property.style.as_ref().and_then(|s| styles.find_style_by_id(&s.val));
    let level = numbered(&p.property.numbering_property)
        .or_else(|| p.property.outline_lvl.as_ref().map(|o| o.v))
        .or_else(|| {
            let s = style?;
            numbered(&s.paragraph_property.numbering_property)
                .or_else(|| s.paragraph_property.outline_lvl.as_ref().map(|o| o.v))
                .or_else(|| s.name.get_heading_number().map(|n| n.saturating_sub(1)))
        })?;
    // Outline level 9 is body text.
    (level < 9).then(|| (level + 1).min(4) as u8)
}
