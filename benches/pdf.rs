//! Rendering the seed-003 speech to PDF: the whole pipeline in process (data,
//! template, markup, layout, subsetting, writing), fonts loaded once as in a
//! batch run. The whole process is timed by benches/process.rs.

use std::path::Path;
use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use nianbao::config::Config;
use nianbao::fonts::FontBook;
use nianbao::render;
use nianbao::template::Templates;
use nianbao::writer::{self, Format, Resources};

// The allocator the `nianbao` binary runs with (see src/main.rs).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn bench(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let data = root.join("data/xiangyuan/2018.yaml");
    let config = Config::discover(&data).unwrap();
    let fonts = Some(Arc::new(FontBook::new(&config).unwrap()));
    let res = Resources { config: Arc::new(config), fonts };
    let templates = Templates::new(Some(&root.join("templates")));
    c.bench_function("seed 003 to PDF", |b| {
        b.iter(|| {
            let built = render::build(&data, &templates, None).unwrap();
            let layout = writer::lay_out(&built.doc, &[Format::Pdf], &res).unwrap();
            writer::write(&built.doc, layout.as_ref(), Format::Pdf, &res, &writer::Options::default()).unwrap()
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
