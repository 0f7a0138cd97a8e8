//! Rendering the seed-003 speech to PDF: the whole pipeline in process (data,
//! template, markup, layout, subsetting, writing), fonts loaded once as in a
//! batch run. The target is a whole release-mode process under 60 ms.

use std::path::Path;
use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use nianbao::config::Config;
use nianbao::fonts::FontBook;
use nianbao::render;
use nianbao::template::Templates;
use nianbao::writer::{self, DocxFonts, Format, Resources};

fn bench(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let data = root.join("data/xiangyuan/2018.yaml");
    let config = Config::discover(&data).unwrap();
    let fonts = Some(Arc::new(FontBook::new(&config).unwrap()));
    let res = Resources { config: Arc::new(config), fonts, docx_fonts: DocxFonts::Names };
    let templates = Templates::new(Some(&root.join("templates")));
    c.bench_function("seed 003 to PDF", |b| {
        b.iter(|| {
            let built = render::build(&data, &templates, None).unwrap();
            writer::write(&built.doc, Format::Pdf, &res).unwrap()
        })
    });
    // The process as the office writer runs it, fonts mapped afresh each time.
    let bin = root.join("target/release/nianbao");
    if bin.is_file() {
        let out = tempfile::tempdir().unwrap();
        let mut g = c.benchmark_group("process");
        g.sample_size(20);
        g.bench_function("nianbao render seed 003 --format pdf", |b| {
            b.iter(|| {
                let st = std::process::Command::new(&bin)
                    // --force: without it every run after the first finds the
                    // report up to date and measures only the stamp check.
                    .args(["render", "data/xiangyuan/2018.yaml", "--format", "pdf", "--force", "--out"])
                    .arg(out.path())
                    .current_dir(root)
                    .output()
                    .unwrap();
                assert!(st.status.success());
            })
        });
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
