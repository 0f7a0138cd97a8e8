//! Markup text → `markup::parse` (and the Markdown writer on what it returns):
//! a document or diagnostics, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nianbao::doc::Block;

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
            let _ = nianbao::writer::markdown::write(&doc);
        }
        Err(errors) => {
            assert!(!errors.0.is_empty(), "an error without a diagnostic");
            for e in &errors.0 {
                let _ = e.to_string();
            }
        }
    }
});
