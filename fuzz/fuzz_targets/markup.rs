//! Markup text → `markup::parse`, then every writer on what it returns (Markdown,
//! and PDF and DOCX in memory with the repository's fonts, read once): a project's
//! own templates can emit any markup, so any document the parser accepts must
//! come out as a file or a diagnostic, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nianbao::doc::Block;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match nianbao::markup::parse(&text, "fuzz.md.j2") {
        Ok(doc) => {
            assert!(!doc.meta.file_stem.is_empty());
            assert!(!doc.meta.file_stem.contains(['/', '\\']) && !doc.meta.file_stem.contains(".."));
            for b in &doc.blocks {
                if let Block::Heading(h) = b {
                    assert!((1..=4).contains(&h.level), "heading level {}", h.level);
                }
            }
            common::write_all(&doc);
        }
        Err(errors) => {
            assert!(!errors.0.is_empty(), "an error without a diagnostic");
            for e in &errors.0 {
                let _ = e.to_string();
            }
        }
    }
});
