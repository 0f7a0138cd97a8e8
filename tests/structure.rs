//! Rules about the code itself, checked on its text: the concurrency rule, and
//! the order of the stages (no import runs back up).
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

/// The stages in order, lowest first (README, "Architecture"): a module may
/// use only modules of lower layers, so no import runs back up and there is no
/// cycle. Modules of one layer do not use each other.
const LAYERS: &[&[&str]] = &[
    &["diag"],
    &["hash", "numbers", "output"],
    &["input"],
    &["yaml"],
    &["config", "data", "template"],
    &["doc", "import"],
    &["markup"],
    &["fonts"],
    &["layout"],
    &["writer"],
    &["check"],
    &["render"],
    &["batch", "table"],
    &["init", "watch"],
    &["cli"],
];

fn layer(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

#[test]
fn imports_point_down_the_stages() {
    let src = common::root().join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let mut wrong = Vec::new();
    for f in &files {
        let rel = f.strip_prefix(&src).unwrap();
        let module = rel.components().next().unwrap().as_os_str().to_string_lossy().trim_end_matches(".rs").to_string();
        if module == "lib" || module == "main" {
            continue;
        }
        let own = layer(&module).unwrap_or_else(|| panic!("module `{module}` is in no layer of LAYERS"));
        // The code before its tests: a test may build what it needs from anywhere.
        let code = code(f);
        let code = code.split("#[cfg(test)]").next().unwrap_or_default();
        for (i, _) in code.match_indices("crate::") {
            // A module named by a keyword is written raw: `crate::r#import`.
            let rest = code[i + 7..].trim_start_matches("r#");
            // `crate::x`, or each first name of a group `crate::{x::A, y}`.
            let group = rest.strip_prefix('{').map(|g| &g[..g.find('}').unwrap_or(g.len())]);
            let names: Vec<&str> = match group {
                Some(g) => g.split(',').map(|n| n.trim().split("::").next().unwrap_or_default()).collect(),
                None => vec![rest],
            };
            for name in names {
                let used: String = name.chars().take_while(|c| c.is_ascii_lowercase() || *c == '_').collect();
                if used.is_empty() || used == module {
                    continue;
                }
                match layer(&used) {
                    Some(l) if l < own => {}
                    _ => wrong.push(format!("{}: `{module}` uses `{used}`", rel.display())),
                }
            }
        }
    }
    wrong.sort();
    wrong.dedup();
    assert!(wrong.is_empty(), "imports running back up the stages (or sideways): {wrong:#?}");
}
