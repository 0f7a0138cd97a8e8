//! A city's batch: 100 generated counties (varied names, figures and speakers,
//! some with characters the body font lacks), rendered to DOCX + PDF by
//! `batch::run` in one process with the fonts read once — what `nianbao batch`
//! does; once with the figures in each county's YAML, once with them in one
//! workbook of 100 rows (what a city office gets from its statistics section).
//! The second should cost at most a few percent more. Then a province's mix:
//! 300 reports of the four sample genres (speech, work report, key points,
//! plan) in turn.

use std::path::Path;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use nianbao::batch::{self, Options};
use nianbao::writer::Format;

// The allocator the `nianbao` binary runs with (see src/main.rs).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "../tests/common/counties.rs"]
mod counties;

fn bench(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().expect("tempdir");
    let files = counties::generate(root, &dir.path().join("data"), 100);
    let from_workbook = counties::generate_with_workbook(root, &dir.path().join("city/data"), 100);
    let genres = counties::generate_genres(root, &dir.path().join("province/data"), 300);
    let out = dir.path().join("out");
    let opts = Options {
        formats: vec![Format::Docx, Format::Pdf],
        out,
        template: None,
        writers: Default::default(),
        jobs: None,
        force: true,
        depfile: false,
    };
    let mut group = c.benchmark_group("batch");
    group.sample_size(10).measurement_time(Duration::from_secs(30));
    for (name, files) in [
        ("100 counties, docx+pdf", &files),
        ("100 counties from one workbook, docx+pdf", &from_workbook),
        ("300 reports of four genres, docx+pdf", &genres),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| {
                let outcomes = batch::run(files, &opts, &|_| {});
                assert!(outcomes.iter().all(|o| !o.failed()), "{:?}", outcomes.iter().find(|o| o.failed()));
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
