//! Time to write the seed-003 speech (data/xiangyuan/2018.yaml) as DOCX, from
//! the document model and its layout (laid out once before timing, as `render`
//! lays out once for all formats): docx-rs, the fitting to the layout's line
//! breaks, the post-processing and zipping, with and without the embedded font
//! subsets. Fonts are read once, before timing, as a
//! run of several reports does; so are the glyphs converted to TrueType (cached
//! in the faces for the process), except in the "first report" case, which
//! times a write with a fresh font book: the faces opened and every glyph
//! converted, as in a single `nianbao render`.

use std::path::Path;
use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use nianbao::config::Config;
use nianbao::fonts::FontBook;
use nianbao::render;
use nianbao::template::Templates;
use nianbao::writer::{self, DocxFonts, Format, Resources};

// The allocator the `nianbao` binary runs with (see src/main.rs).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn bench(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let data = root.join("data/xiangyuan/2018.yaml");
    let config = Config::discover(&data).expect("config");
    let templates = Templates::new(Some(&config.root.join("templates")));
    let built = render::build(&data, &templates, None).expect("build");
    let fonts = Arc::new(FontBook::new(&config).expect("fonts"));
    let config = Arc::new(config);
    let res = Resources { config: config.clone(), fonts: Some(fonts.clone()) };
    let layout = writer::lay_out(&built.doc, &[Format::Docx], &res).expect("layout");
    let write = |res: &Resources, fonts: DocxFonts| {
        let opts = writer::Options { docx: writer::docx::Options { fonts } };
        writer::write(&built.doc, layout.as_ref(), Format::Docx, res, &opts).expect("write")
    };
    for (name, docx_fonts) in
        [("docx seed-003, fonts named", DocxFonts::Names), ("docx seed-003, font subsets embedded", DocxFonts::Subset)]
    {
        // Warm up: faces are read on first use.
        write(&res, docx_fonts);
        c.bench_function(name, |b| b.iter(|| write(&res, docx_fonts)));
    }
    c.bench_function("docx seed-003, fonts embedded, first report", |b| {
        b.iter_batched(
            || Resources { config: config.clone(), fonts: Some(Arc::new(FontBook::new(&config).expect("fonts"))) },
            |res| write(&res, DocxFonts::Subset),
            criterion::BatchSize::PerIteration,
        )
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
