//! `nianbao init`: a working folder for a new office — a commented example
//! county with last year's figures, the shared file, the default templates to
//! customise, the data schema for editors, a Makefile and a configuration —
//! that renders at once.

use std::path::{Path, PathBuf};

use chrono::Datelike;

use crate::template::BUILTIN;

/// Scaffold `dir`. Nothing is written if any of the files already exists.
pub fn run(dir: &Path) -> bool {
    let year = chrono::Local::now().year();
    let fill = |s: &str| {
        s.replace("{year}", &year.to_string())
            .replace("{prior}", &(year - 1).to_string())
            .replace("{before}", &(year - 2).to_string())
    };
    let mut files: Vec<(PathBuf, String)> = vec![
        (dir.join("nianbao.yaml"), include_str!("nianbao.yaml").to_string()),
        (dir.join("Makefile"), include_str!("Makefile").to_string()),
        (dir.join(".gitignore"), "/out/\n".to_string()),
        (dir.join("data/_common.yaml"), include_str!("_common.yaml").to_string()),
        (dir.join(format!("data/example/{year}.yaml")), fill(include_str!("example.yaml"))),
        (dir.join(format!("data/example/{}.yaml", year - 1)), fill(include_str!("prior.yaml"))),
        (dir.join("schema/nianbao.schema.json"), crate::data::schema() + "\n"),
    ];
    files.extend(BUILTIN.iter().map(|(name, text)| (dir.join("templates").join(name), text.to_string())));
    let existing: Vec<&PathBuf> = files.iter().map(|(p, _)| p).filter(|p| p.exists()).collect();
    if !existing.is_empty() {
        for p in existing {
            eprintln!("错误[init.exists]：{} 已经存在；为了不覆盖已有内容，什么也没有写", p.display());
        }
        return false;
    }
    for (path, text) in &files {
        if let Err(e) = crate::output::write(path, text.as_bytes()) {
            eprintln!("{}", e.0.first().map(ToString::to_string).unwrap_or_default());
            return false;
        }
        eprintln!("已创建 {}", path.display());
    }
    if let Err(e) = std::fs::create_dir_all(dir.join("out")) {
        eprintln!("错误：无法创建 {}：{e}", dir.join("out").display());
        return false;
    }
    let render = format!("nianbao render data/example/{year}.yaml");
    eprintln!("\n工作目录已建好。下一步：\n  cd {}", dir.display());
    for (command, what) in [
        (render.as_str(), "生成示例讲话到 out/"),
        ("nianbao check data", "检查数据"),
        ("nianbao fonts", "查看用的是哪些字体"),
    ] {
        eprintln!("  {command:<40} {what}");
    }
    true
}
