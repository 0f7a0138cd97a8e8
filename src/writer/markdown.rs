//! The Markdown writer: the finished report as plain Markdown, with heading
//! numbers resolved, one paragraph per line, for reading and diffing.
//!
//! Title lines are `#` headings and body headings sit one level lower (`##` for
//! `一、`); a run-in heading begins its paragraph; the title block and
//! attachment labels are plain lines. Only what would change the structure is
//! escaped, so every paragraph reads exactly as printed.

use crate::doc::{Block, Chart, Document, Table, Text};

pub fn write(doc: &Document) -> String {
    let mut out = String::new();
    for block in &doc.blocks {
        match block {
            Block::Title(lines) => {
                for line in lines {
                    out.push_str(&format!("# {}\n", inline(line)));
                }
            }
            Block::Signature(lines) => {
                let lines: Vec<String> = lines.iter().map(|l| paragraph(&inline(l))).collect();
                out.push_str(&lines.join("\n"));
            }
            Block::Subtitle(t)
            | Block::Date(t)
            | Block::Speaker(t)
            | Block::Salutation(t)
            | Block::Paragraph(t)
            | Block::AttachmentNote(t) => {
                out.push_str(&paragraph(&inline(t)));
            }
            Block::Heading(h) => {
                let label = h.number.as_ref().map(|n| n.label.as_str()).unwrap_or_default();
                match &h.run_in {
                    Some(body) => {
                        out.push_str(&paragraph(&format!("{}{}{}", escape(label), inline(&h.text), inline(body))))
                    }
                    None => out.push_str(&format!(
                        "{} {}{}\n",
                        "#".repeat(usize::from(h.level) + 1),
                        escape(label),
                        inline(&h.text)
                    )),
                }
            }
            Block::Table(t) => table(&mut out, t),
            Block::Chart(c) => chart(&mut out, c),
            Block::PageBreak => out.push_str("***\n"),
            Block::Attachment(a) => {
                out.push_str("***\n\n");
                out.push_str(&paragraph(&a.label));
                out.push_str(&format!("# {}\n", inline(&a.title)));
            }
        }
        out.push('\n');
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

fn paragraph(text: &str) -> String {
    // A line that would read as a heading, list, quote or rule is escaped at its start.
    let first = text.chars().next();
    let needs = matches!(first, Some('#' | '>' | '-' | '+' | '*' | '=' | '|'))
        || text
            .split_once(['.', ')'])
            .is_some_and(|(head, _)| !head.is_empty() && head.chars().all(|c| c.is_ascii_digit()));
    if needs { format!("\\{text}\n") } else { format!("{text}\n") }
}

fn inline(t: &Text) -> String {
    t.spans.iter().map(|s| if s.strong { format!("**{}**", escape(&s.text)) } else { escape(&s.text) }).collect()
}

/// Escape the characters that would start inline markup.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '\\' | '*' | '_' | '`' | '[' | ']' | '<') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn table(out: &mut String, t: &Table) {
    let row = |cells: &[Text]| {
        format!("| {} |\n", cells.iter().map(|c| inline(c).replace('|', "\\|")).collect::<Vec<_>>().join(" | "))
    };
    out.push_str(&row(&t.header));
    let rule: Vec<&str> = t
        .columns
        .iter()
        .map(|a| match a {
            crate::doc::Align::Left => ":--",
            crate::doc::Align::Center => ":-:",
            crate::doc::Align::Right | crate::doc::Align::Decimal => "--:",
        })
        .collect();
    out.push_str(&format!("| {} |\n", rule.join(" | ")));
    for r in &t.rows {
        out.push_str(&row(r));
    }
}

/// A chart as the fenced block it was written as: its figures stay readable
/// and diffable.
fn chart(out: &mut String, c: &Chart) {
    out.push_str("```chart\n");
    out.push_str(&format!(
        "title: {}\nunit: {}\nseries: {}\ncategories:\n",
        json(&c.title),
        json(&c.unit),
        json(&c.series)
    ));
    for cat in &c.categories {
        let values: Vec<String> = cat.values.iter().map(|v| v.map_or("null".to_string(), |v| v.to_string())).collect();
        out.push_str(&format!("  - {{ name: {}, values: [{}] }}\n", json(&cat.name), values.join(", ")));
    }
    out.push_str("```\n");
}

fn json<T: serde::Serialize + ?Sized>(v: &T) -> String {
    serde_json::to_string(v).expect("strings and numbers")
}
