//! Layout cost against paragraph length: one paragraph of 10k, 100k and 1M
//! characters, through the PDF and the DOCX writer. Two shapes that once took
//! quadratic time and memory: unbreakable text (one Latin word, no break
//! allowed inside) and alternating quotes “”“” (no break allowed between an
//! opening quote and the mark after it). The time should grow linearly with
//! the length up to the page limit (300 pages hold about 185k characters); past
//! it the document is refused after pagination, before any writer works.

use std::path::Path;
use std::sync::Arc;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use nianbao::config::Config;
use nianbao::fonts::FontBook;
use nianbao::markup;
use nianbao::writer::{self, Format, Resources};

// The allocator the `nianbao` binary runs with (see src/main.rs).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn document(text: &str) -> nianbao::doc::Document {
    let src = format!("---\nfile: 长段\ndate: \"2018-03-01\"\n---\n\n# 长段 {{.title}}\n\n{text}\n");
    markup::parse(&src, "bench").unwrap()
}

fn bench(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = Config::builtin(root);
    let fonts = Some(Arc::new(FontBook::new(&config).unwrap()));
    let res = Resources { config: Arc::new(config), fonts };
    let opts = writer::Options::default();
    let mut group = c.benchmark_group("paragraph length");
    group.sample_size(10);
    for (shape, unit) in [("unbreakable", "a"), ("alternating quotes", "“”")] {
        for n in [10_000usize, 100_000, 1_000_000] {
            let doc = document(&unit.repeat(n / unit.chars().count()));
            for format in [Format::Pdf, Format::Docx] {
                let id = BenchmarkId::new(format!("{shape} {format:?}"), n);
                // Past the page limit the writer refuses: that is what is timed then.
                group.bench_with_input(id, &doc, |b, doc| {
                    b.iter(|| {
                        writer::lay_out(doc, &[format], &res)
                            .and_then(|layout| writer::write(doc, layout.as_ref(), format, &res, &opts))
                            .is_ok()
                    })
                });
            }
        }
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
