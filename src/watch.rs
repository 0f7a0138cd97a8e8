//! `nianbao watch`: render a report again whenever one of its inputs is saved,
//! printing errors instead of exiting, until Ctrl-C.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use notify::{RecursiveMode, Watcher};

use crate::batch::{self, Options};
use crate::config::Config;

/// Watch `data`'s inputs and re-render on every change. Returns false when
/// watching cannot start.
pub fn run(data: &Path, opts: &Options) -> bool {
    let opts = Options { force: true, ..opts.clone() };
    let render = || batch::run(&[data.to_path_buf()], &opts, &batch::print_outcome);
    let waiting = || eprintln!("—— 等待修改（Ctrl-C 结束）");
    render();
    let (tx, rx) = mpsc::channel();
    let mut watcher = match notify::recommended_watcher(tx) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("错误：无法监视文件：{e}");
            return false;
        }
    };
    // Folders, not files: editors save by writing a new file and renaming it.
    for dir in folders(data) {
        if let Err(e) = watcher.watch(&dir, RecursiveMode::NonRecursive) {
            eprintln!("警告：无法监视 {}：{e}", dir.display());
        }
    }
    waiting();
    loop {
        let Ok(first) = rx.recv() else { return true };
        let mut relevant = is_input(&first);
        // Let a burst of events from one save settle.
        while let Ok(ev) = rx.recv_timeout(Duration::from_millis(150)) {
            relevant |= is_input(&ev);
        }
        if relevant {
            render();
            waiting();
        }
    }
}

fn is_input(ev: &notify::Result<notify::Event>) -> bool {
    let Ok(ev) = ev else { return false };
    !matches!(ev.kind, notify::EventKind::Access(_))
        && ev.paths.iter().any(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            // Not hidden, backup or temporary files, nor Excel's `~$指标.xlsx` lock file.
            !name.starts_with('.') && !name.starts_with("~$") && !name.ends_with('~') && !name.ends_with(".tmp")
        })
}

/// The folders holding `data`'s inputs: its county folder, the data folder
/// (`_common.yaml`), the workbooks' folders, the project's templates and
/// configuration, the fonts.
fn folders(data: &Path) -> Vec<PathBuf> {
    let abs = std::path::absolute(data).unwrap_or_else(|_| data.to_path_buf());
    let mut dirs: Vec<PathBuf> = abs.ancestors().skip(1).take(2).map(Path::to_path_buf).collect();
    // The workbooks figures come from, as the load found them.
    for input in crate::data::recover(data).map(|l| l.inputs).unwrap_or_default() {
        let input = std::path::absolute(&input).unwrap_or(input);
        dirs.extend(input.parent().map(Path::to_path_buf));
    }
    if let Ok(config) = Config::discover(data) {
        let root = std::path::absolute(&config.root).unwrap_or(config.root.clone());
        dirs.push(root.join("templates"));
        dirs.push(root.clone());
        dirs.push(std::path::absolute(config.font_dir()).unwrap_or_else(|_| config.font_dir()));
    }
    dirs.sort();
    dirs.dedup();
    dirs.retain(|d| d.is_dir());
    dirs
}
