//! Rules about the code itself, checked on its text.
//!
//! Concurrency (the crate's "Concurrency" note): library code does its
//! parallel work only as rayon fork-join on the current pool, so it never
//! spawns or joins an OS thread and never waits on a channel, condition
//! variable or barrier. Only `watch` (its file watcher's channel) may.

mod common;

use std::path::{Path, PathBuf};

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            sources(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The code of a source file, comments dropped.
fn code(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines().map(|l| l.split("//").next().unwrap_or_default()).collect::<Vec<_>>().join("\n")
}

#[test]
fn library_code_blocks_only_in_rayon_joins() {
    const BLOCKING: &[&str] =
        &["thread::spawn", "thread::scope", "thread::Builder", "mpsc", "Condvar", "Barrier", "crossbeam"];
    const ALLOWED: &[&str] = &["watch.rs"];
    let mut files = Vec::new();
    sources(&common::root().join("src"), &mut files);
    assert!(files.len() > 20, "{files:?}");
    let mut found = Vec::new();
    for f in &files {
        if ALLOWED.iter().any(|a| f.ends_with(a)) {
            continue;
        }
        let code = code(f);
        for what in BLOCKING {
            if code.contains(what) {
                found.push(format!("{}: {what}", f.strip_prefix(common::root()).unwrap().display()));
            }
        }
    }
    assert!(found.is_empty(), "blocking outside rayon's joins (see the concurrency note in src/lib.rs): {found:#?}");
}
