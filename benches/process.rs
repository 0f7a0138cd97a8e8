//! The whole `nianbao render` process for the seed-003 speech, as the office
//! writer runs it (fonts mapped afresh each time): the figure they wait for.
//! The target is under 60 ms for the PDF. Each format alone (the OFD's cost
//! against the PDF's: both draw the same layout), and all three from one
//! layout. Needs the release binary (`make bench` builds it first, in
//! `CARGO_TARGET_DIR` when set); skipped without it.

use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};

fn bench(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let target = std::env::var_os("CARGO_TARGET_DIR").unwrap_or_else(|| "target".into());
    let exe = root.join(target).join("release/nianbao");
    if !exe.is_file() {
        eprintln!("process: {} not built, skipped (make bench builds it)", exe.display());
        return;
    }
    let out = tempfile::tempdir().expect("tempdir");
    let mut group = c.benchmark_group("process");
    group.sample_size(20);
    for format in ["pdf", "ofd", "docx", "docx,pdf,ofd"] {
        group.bench_function(format!("nianbao render seed-003 --format {format}"), |b| {
            b.iter(|| {
                // --force: without it every run after the first finds the report
                // up to date and measures only the stamp check.
                let o = std::process::Command::new(&exe)
                    .args(["render", "data/xiangyuan/2018.yaml", "--force", "--format", format, "--out"])
                    .arg(out.path())
                    .current_dir(root)
                    .output()
                    .expect("run nianbao");
                assert!(o.status.success());
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
