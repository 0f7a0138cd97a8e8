//! Bytes → `data::recover`, the loader and validator `nianbao render` and
//! `check` use, and the data checks they run on what it read (past the data's
//! own errors too): every input gives a loaded report or diagnostics, never a
//! panic or hang.
//!
//! The input is split at 0xFF bytes (never part of UTF-8 or GB18030 text) into up
//! to three files: `data/x/2018.yaml`, last year's `data/x/2017.yaml` and
//! `data/_common.yaml`, so merging and last year's comparisons are reached too.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

struct Dir {
    _tmp: tempfile::TempDir,
    year: PathBuf,
    prior: PathBuf,
    common: PathBuf,
}

fn dir() -> &'static Dir {
    static DIR: OnceLock<Dir> = OnceLock::new();
    DIR.get_or_init(|| {
        let tmp = tempfile::tempdir().expect("tempdir");
        let county = tmp.path().join("data").join("x");
        std::fs::create_dir_all(&county).expect("mkdir");
        Dir {
            year: county.join("2018.yaml"),
            prior: county.join("2017.yaml"),
            common: tmp.path().join("data").join("_common.yaml"),
            _tmp: tmp,
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let d = dir();
    let mut parts = data.splitn(3, |&b| b == 0xFF);
    std::fs::write(&d.year, parts.next().unwrap_or_default()).expect("write");
    for path in [&d.prior, &d.common] {
        match parts.next() {
            Some(bytes) => std::fs::write(path, bytes).expect("write"),
            None => {
                let _ = std::fs::remove_file(path);
            }
        }
    }
    match nianbao::data::recover(&d.year) {
        Ok(loaded) => {
            // What the CLI does next with a loaded report: check it, even with
            // stand-ins for wrong values; its messages locate values.
            let _ = loaded.locate("review.sections[0].title");
            let findings = nianbao::check::data(&loaded, &Default::default());
            for d in loaded.warnings.iter().chain(&loaded.errors).chain(&findings) {
                let _ = d.to_string();
            }
        }
        Err(errors) => {
            assert!(!errors.0.is_empty(), "an error without a diagnostic");
            for e in &errors.0 {
                let _ = e.to_string();
            }
        }
    }
});
