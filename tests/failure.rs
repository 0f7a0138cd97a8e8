//! Behaviour on failure: broken fonts and templates, an output folder that
//! cannot be written, a full disk, an interrupted run, and the limits on input
//! size. Each case asserts the message, exit code 1, and that the reports
//! written before are still there, byte for byte, with no temporary file left.

mod common;
use common::root;
#[path = "common/counties.rs"]
mod counties;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn nianbao(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_nianbao"));
    c.current_dir(dir);
    c
}

fn run(dir: &Path, args: &[&str]) -> Output {
    nianbao(dir).args(args).output().expect("run nianbao")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A project with `n` counties, its own fonts/ (links to the repository's
/// fonts) and templates/, rendered once to DOCX and PDF.
fn rendered_project(n: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    counties::generate(root(), &dir.path().join("data"), n);
    let fonts = dir.path().join("fonts");
    std::fs::create_dir(&fonts).unwrap();
    for e in std::fs::read_dir(root().join("fonts")).unwrap().flatten() {
        std::os::unix::fs::symlink(e.path(), fonts.join(e.file_name())).unwrap();
    }
    std::fs::create_dir(dir.path().join("templates")).unwrap();
    for (name, text) in nianbao::template::BUILTIN {
        std::fs::write(dir.path().join("templates").join(name), text).unwrap();
    }
    let o = run(dir.path(), &["batch", "data"]);
    assert!(o.status.success(), "{}", stderr(&o));
    dir
}

fn temporaries(tree: &BTreeMap<String, Vec<u8>>) -> Vec<&String> {
    tree.keys().filter(|k| k.contains(".nianbao-")).collect()
}

/// Run `args` in a rendered project after `spoil`; expect exit code 1, a
/// message containing `expect`, and the earlier reports unchanged.
fn fails_and_keeps_reports(spoil: impl FnOnce(&Path), args: &[&str], expect: &str) -> String {
    let p = rendered_project(1);
    let before = common::tree(&p.path().join("out"));
    assert_eq!(before.len(), 2, "{:?}", before.keys());
    spoil(p.path());
    let o = run(p.path(), args);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains(expect), "expected “{expect}” in:\n{err}");
    assert_eq!(common::tree(&p.path().join("out")), before, "earlier reports changed or files left behind");
    err
}

#[test]
fn a_corrupt_font_is_named_and_nothing_is_written() {
    let err = fails_and_keeps_reports(
        |p| {
            let f = p.join("fonts/FandolFang-Regular.otf");
            std::fs::remove_file(&f).unwrap();
            std::fs::write(&f, b"OTTO this is not a font").unwrap();
        },
        &["batch", "data", "--force"],
        "FandolFang-Regular.otf 无法解析",
    );
    assert!(err.contains("可能已损坏"), "{err}");
}

#[test]
fn a_missing_font_file_points_at_its_setting() {
    let err = fails_and_keeps_reports(
        |p| {
            std::fs::write(p.join("nianbao.yaml"), "fonts:\n  faces:\n    hei: { file: 黑体.ttf }\n").unwrap();
        },
        &["batch", "data", "--force"],
        "找不到字体 `hei` 的文件",
    );
    assert!(err.contains("--> nianbao.yaml:3:18"), "{err}");
    assert!(err.contains("路径：fonts.faces.hei.file"), "{err}");
}

#[test]
fn a_font_file_that_is_not_a_font_points_at_its_setting() {
    let err = fails_and_keeps_reports(
        |p| {
            // Outside the project's font folder (which is read whole when a family is looked up).
            std::fs::create_dir(p.join("下载")).unwrap();
            std::fs::write(p.join("下载/黑体.ttf"), b"\0\x01\0\0 not a font at all").unwrap();
            let config = format!("fonts:\n  faces:\n\n    hei: {{ file: {} }}\n", p.join("下载/黑体.ttf").display());
            std::fs::write(p.join("nianbao.yaml"), config).unwrap();
        },
        &["batch", "data", "--force"],
        "黑体.ttf 无法解析",
    );
    assert!(err.contains("--> nianbao.yaml:4:18"), "{err}");
}

#[test]
fn a_family_found_nowhere_points_at_its_setting() {
    let err = fails_and_keeps_reports(
        |p| {
            std::fs::write(
                p.join("nianbao.yaml"),
                "fonts:\n  faces:\n    kai: { family: [楷体_GB2312, 没有这个字体] }\n",
            )
            .unwrap();
        },
        &["batch", "data", "--force"],
        "找不到字体 `kai`：“楷体_GB2312”、“没有这个字体”都不在",
    );
    assert!(err.contains("--> nianbao.yaml:3:20"), "{err}");
    assert!(err.contains("FandolKai"), "the help names the fonts nianbao carries: {err}");
}

#[test]
fn a_template_not_saved_as_utf8_is_explained() {
    fails_and_keeps_reports(
        |p| std::fs::write(p.join("templates/speech.md.j2"), b"\xbd\xb2\xbb\xb0 {{ title }}").unwrap(),
        &["batch", "data", "--force"],
        "文件不是 UTF-8 编码",
    );
}

#[test]
fn an_output_folder_that_cannot_be_created_is_an_error() {
    let p = tempfile::tempdir().unwrap();
    counties::generate(root(), &p.path().join("data"), 1);
    std::fs::write(p.path().join("out"), "a file where the output folder should be").unwrap();
    let o = run(p.path(), &["batch", "data", "--format", "md"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("无法创建输出目录"), "{}", stderr(&o));
    // /sys refuses new entries even to root: an output folder we may not write.
    let o = run(p.path(), &["batch", "data", "--format", "md", "--out", "/sys/nianbao-test"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("无法创建输出目录（没有写入权限）"), "{}", stderr(&o));
}

#[test]
fn a_folder_in_the_way_of_one_format_stops_both() {
    let p = rendered_project(1);
    let before = common::tree(&p.path().join("out"));
    let pdf = before.keys().find(|k| k.ends_with(".pdf")).unwrap().clone();
    std::fs::remove_file(p.path().join("out").join(&pdf)).unwrap();
    std::fs::create_dir(p.path().join("out").join(&pdf)).unwrap();
    let docx = before.keys().find(|k| k.ends_with(".docx")).unwrap().clone();
    std::fs::write(p.path().join("data/c000/2018.yaml"), counties_changed(p.path())).unwrap();
    let o = run(p.path(), &["batch", "data"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("同名的文件夹已经存在"), "{}", stderr(&o));
    let after = common::tree(&p.path().join("out"));
    assert_eq!(after.get(&docx), before.get(&docx), "the DOCX was replaced although the PDF could not be");
    assert!(temporaries(&after).is_empty(), "{:?}", temporaries(&after));
}

fn counties_changed(p: &Path) -> String {
    std::fs::read_to_string(p.join("data/c000/2018.yaml")).unwrap().replacen("title:", "title: 改", 1)
}

/// A process whose files may not grow beyond `bytes` (the kernel refuses the
/// write as on a full disk).
fn limit_file_size(cmd: &mut Command, bytes: u64) {
    unsafe {
        cmd.pre_exec(move || {
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            let lim = libc::rlimit { rlim_cur: bytes, rlim_max: bytes };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &lim) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

#[test]
fn a_full_disk_fails_the_report_and_keeps_the_old_one() {
    let p = rendered_project(1);
    let before = common::tree(&p.path().join("out"));
    std::fs::write(p.path().join("data/c000/2018.yaml"), counties_changed(p.path())).unwrap();
    let mut cmd = nianbao(p.path());
    cmd.args(["batch", "data"]);
    limit_file_size(&mut cmd, 64 * 1024);
    let o = cmd.output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("写入失败（文件超出系统允许的大小）；原有文件未改动"), "{}", stderr(&o));
    assert_eq!(common::tree(&p.path().join("out")), before);
}

fn is_whole_pdf(b: &[u8]) -> bool {
    b.starts_with(b"%PDF-") && b.trim_ascii_end().ends_with(b"%%EOF")
}

fn is_whole_zip(b: &[u8]) -> bool {
    // The end-of-central-directory record closes a complete ZIP file.
    b.starts_with(b"PK\x03\x04") && b.len() > 22 && b[b.len() - 22..].starts_with(b"PK\x05\x06")
}

#[test]
fn an_interrupted_batch_leaves_whole_reports_and_no_temporary_files() {
    let p = rendered_project(3);
    for i in 0..3 {
        let f = p.path().join(format!("data/c{i:03}/2018.yaml"));
        let text = std::fs::read_to_string(&f).unwrap().replacen("title:", "title: 改", 1);
        std::fs::write(f, text).unwrap();
    }
    counties::generate(root(), &p.path().join("data/more"), 40);
    let mut child = nianbao(p.path())
        .args(["batch", "data", "--jobs", "1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Interrupt once the first report is written: the run is in the middle.
    let mut progress = BufReader::new(child.stderr.take().unwrap());
    let mut first = String::new();
    progress.read_line(&mut first).unwrap();
    assert!(first.contains("已生成"), "{first}");
    let kill = Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(kill.success());
    let status = child.wait().unwrap();
    let err = std::io::read_to_string(progress).unwrap();
    assert_eq!(status.code(), Some(1), "{err}");
    assert!(err.contains("已中断：未写完的文件已删除，已有的报告保持原样。"), "{err}");
    let after = common::tree(&p.path().join("out"));
    assert!(temporaries(&after).is_empty(), "{:?}", temporaries(&after));
    let written = after.keys().filter(|k| k.starts_with("more")).count();
    assert!(written < 80, "the run was not interrupted ({written} files)");
    for (name, bytes) in &after {
        let whole = if name.ends_with(".pdf") { is_whole_pdf(bytes) } else { is_whole_zip(bytes) };
        assert!(whole, "{name} is torn");
    }
}

fn data_with(lines: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let text = common::MINIMAL.to_string() + lines;
    let f = dir.path().join("data/x/2018.yaml");
    std::fs::create_dir_all(f.parent().unwrap()).unwrap();
    std::fs::write(&f, text).unwrap();
    (dir, f)
}

#[test]
fn a_list_of_absurd_length_is_refused_with_its_place() {
    let mut extra = String::from("extra:\n  many:\n");
    for i in 0..1200 {
        extra.push_str(&format!("    - {i}\n"));
    }
    let (dir, f) = data_with(&extra);
    let line = std::fs::read_to_string(&f).unwrap().lines().position(|l| l == "    - 1000").unwrap() + 1;
    let o = run(dir.path(), &["render", "data/x/2018.yaml", "--format", "md"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("`extra.many` 的列表超过 1000 项"), "{err}");
    assert!(err.contains(&format!("data/x/2018.yaml:{line}:7")), "{err}");
    assert!(!dir.path().join("out").exists());
}

#[test]
fn a_template_that_repeats_itself_into_hundreds_of_pages_is_stopped() {
    let (dir, _) = data_with("template: templates/long.md.j2\n");
    let para = "这是一段用于检查页数上限的文字，它会被模板重复很多次。".repeat(4);
    let template = format!(
        "---\nfile: 很长\ndate: \"2018-03-01\"\n---\n\n# 很长 {{.title}}\n\n{{% for i in range(2000) %}}{para}\n\n{{% endfor %}}"
    );
    std::fs::create_dir_all(dir.path().join("templates")).unwrap();
    std::fs::write(dir.path().join("templates/long.md.j2"), template).unwrap();
    let o = run(dir.path(), &["render", "data/x/2018.yaml", "--format", "pdf"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("超过上限 300 页"), "{}", stderr(&o));
    assert!(!dir.path().join("out").exists());
}
