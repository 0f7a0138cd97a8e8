//! Helpers shared by the integration tests: throwaway projects on disk.

#![allow(dead_code)]

pub mod layout_check;

use std::path::{Path, PathBuf};

/// A temporary project: files written under a fresh directory.
pub struct Project {
    pub dir: tempfile::TempDir,
}

impl Project {
    pub fn new(files: &[(&str, &str)]) -> Project {
        let dir = tempfile::tempdir().expect("tempdir");
        for (name, text) in files {
            write(&dir.path().join(name), text.as_bytes());
        }
        Project { dir }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn write(&self, rel: &str, bytes: &[u8]) {
        write(&self.path(rel), bytes);
    }
}

fn write(path: &Path, bytes: &[u8]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

/// A minimal valid speech for 2018.
pub const MINIMAL: &str = "\
kind: speech
unit:
  name: 样例县
  level: 县
issuer: 样例县卫生健康局
meeting:
  name: 样例县2018年卫生健康工作会议
  date: 2018-03-01
speaker:
  post: 局长
  name: 王某
title: 标题
opening: 开场。
";

/// Every file under `dir` (relative path → bytes), the stamps in `.nianbao/`
/// aside; temporary files (`.nianbao-*.tmp`) are listed.
pub fn tree(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut out = std::collections::BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            let rel = p.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
            if rel == ".nianbao" {
                continue;
            }
            if p.is_dir() {
                stack.push(p);
            } else {
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

/// The repository's root.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The repository's fonts, read once per test binary.
pub fn fonts() -> &'static (nianbao::fonts::FontBook, Vec<std::sync::Arc<nianbao::fonts::FaceData>>) {
    use nianbao::fonts::{FaceData, FontBook};
    use std::sync::{Arc, OnceLock};
    static FONTS: OnceLock<(FontBook, Vec<Arc<FaceData>>)> = OnceLock::new();
    FONTS.get_or_init(|| {
        let book = FontBook::new(&nianbao::config::Config::builtin(root())).expect("fonts/");
        let data = book.load_all().expect("fonts load");
        (book, data)
    })
}

/// `doc` in `format`, laid out first as `render` lays it out (once, for the
/// formats that set type); a DOCX names its fonts only.
pub fn write_as(
    doc: &nianbao::doc::Document,
    format: nianbao::writer::Format,
    res: &nianbao::writer::Resources,
) -> Result<(Vec<u8>, Vec<nianbao::diag::Diagnostic>), nianbao::diag::Errors> {
    write_with(doc, format, res, nianbao::writer::DocxFonts::Names)
}

/// [`write_as`], the DOCX carrying its fonts as `docx_fonts` says.
pub fn write_with(
    doc: &nianbao::doc::Document,
    format: nianbao::writer::Format,
    res: &nianbao::writer::Resources,
    docx_fonts: nianbao::writer::DocxFonts,
) -> Result<(Vec<u8>, Vec<nianbao::diag::Diagnostic>), nianbao::diag::Errors> {
    let layout = nianbao::writer::lay_out(doc, &[format], res)?;
    let opts = nianbao::writer::Options { docx: nianbao::writer::docx::Options { fonts: docx_fonts } };
    nianbao::writer::write(doc, layout.as_ref(), format, res, &opts)
}

/// The file of extension `ext` that `nianbao render <data> --format <formats>`
/// writes, run in the repository into a fresh folder.
pub fn render_cli(data: &str, formats: &str, ext: &str) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args(["render", data, "--format", formats, "--out", dir.path().to_str().unwrap()])
        .current_dir(root())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stderr = String::from_utf8_lossy(&o.stderr);
    let suffix = format!(".{ext}");
    let line = stderr.lines().find(|l| l.starts_with("已生成 ") && l.ends_with(&suffix)).expect("the file written");
    std::fs::read(line.split_once(' ').unwrap().1).unwrap()
}
