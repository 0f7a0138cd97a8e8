//! A city's batch: 100 generated counties (varied names, figures and speakers,
//! some with characters the body font lacks), rendered to DOCX + PDF by
//! `batch::run` in one process with the fonts read once — what `nianbao batch`
//! does. Also the whole `nianbao render` process for the seed-003 speech, the
//! figure an office writer waits for.

use std::path::Path;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use nianbao::batch::{self, Options};
use nianbao::writer::{DocxFonts, Format};

#[path = "../tests/common/counties.rs"]
mod counties;

fn bench(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().expect("tempdir");
    let files = counties::generate(root, &dir.path().join("data"), 100);
    let out = dir.path().join("out");
    let opts = Options {
        formats: vec![Format::Docx, Format::Pdf],
        out: out.clone(),
        template: None,
        docx_fonts: DocxFonts::Embed,
        jobs: None,
        force: true,
        depfile: false,
    };
    let mut group = c.benchmark_group("batch");
    group.sample_size(10).measurement_time(Duration::from_secs(30));
    group.bench_function("100 counties, docx+pdf", |b| {
        b.iter(|| {
            let outcomes = batch::run(&files, &opts, &|_| {});
            assert!(outcomes.iter().all(|o| !o.failed()), "{:?}", outcomes.iter().find(|o| o.failed()));
        })
    });
    group.finish();

    let exe = root.join("target/release/nianbao");
    if exe.is_file() {
        let mut group = c.benchmark_group("process");
        group.sample_size(20);
        for format in ["pdf", "docx"] {
            group.bench_function(format!("nianbao render seed-003 --format {format}"), |b| {
                b.iter(|| {
                    let o = std::process::Command::new(&exe)
                        .args(["render", "data/xiangyuan/2018.yaml", "--force", "--format", format, "--out"])
                        .arg(&out)
                        .current_dir(root)
                        .output()
                        .expect("run nianbao");
                    assert!(o.status.success());
                })
            });
        }
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
