//! Batch runs, incremental builds, depfiles, `init` and the data schema.

mod common;
use common::root;

#[path = "common/counties.rs"]
mod counties;

use std::path::Path;
use std::process::{Command, Output};

fn nianbao(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nianbao")).args(args).current_dir(dir).output().expect("run nianbao")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A project with `n` generated counties and the repository's templates.
fn project(n: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    counties::generate(root(), &dir.path().join("data"), n);
    std::fs::create_dir_all(dir.path().join("templates")).unwrap();
    for (name, text) in nianbao::template::BUILTIN {
        std::fs::write(dir.path().join("templates").join(name), text).unwrap();
    }
    dir
}

#[test]
fn one_broken_county_fails_alone_and_keeps_its_old_report() {
    let p = project(4);
    let o = nianbao(p.path(), &["batch", "--format", "md", "--jobs", "2"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let before = common::tree(&p.path().join("out"));
    assert_eq!(before.len(), 4);

    let broken = p.path().join("data/c002/2018.yaml");
    let text = std::fs::read_to_string(&broken).unwrap().replacen("  name: 南山县", "  name: 南山县\n  nmae: 错", 1);
    std::fs::write(&broken, &text).unwrap();
    let o = nianbao(p.path(), &["batch", "--format", "md", "--force"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    let line = text.lines().position(|l| l.contains("nmae")).unwrap() + 1;
    assert!(err.contains(&format!("data/c002/2018.yaml:{line}:3")), "{err}");
    assert!(err.contains("未知的键 `nmae`"), "{err}");
    assert!(err.contains("共 4 份：生成 3，已是最新 0，失败 1"), "{err}");
    // The three good counties were written again, the broken one kept its old report.
    assert_eq!(common::tree(&p.path().join("out")), before);
}

/// An error in the project's configuration fails every report, but is listed
/// once, not once per county.
#[test]
fn a_broken_configuration_is_reported_once() {
    let p = project(4);
    std::fs::write(p.path().join("nianbao.yaml"), "check:\n  silence: []\ncheck:\n  silence: [placeholder]\n").unwrap();
    let o = nianbao(p.path(), &["batch", "--format", "md", "--jobs", "1"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert_eq!(err.matches("错误[yaml.duplicate-key]").count(), 1, "{err}");
    assert_eq!(err.matches("错误[config.failed]：nianbao.yaml 有错，这份报告没有生成").count(), 3, "{err}");
    assert!(err.contains("共 4 份：生成 0，已是最新 0，失败 4"), "{err}");
}

#[test]
fn unchanged_reports_are_skipped_and_changes_render_exactly_what_they_touch() {
    let p = project(3);
    let run = || {
        let o = nianbao(p.path(), &["batch", "--format", "md"]);
        assert!(o.status.success(), "{}", stderr(&o));
        stderr(&o)
    };
    assert!(run().contains("共 3 份：生成 3，已是最新 0，失败 0"));
    assert!(run().contains("共 3 份：生成 0，已是最新 3，失败 0"));

    // One county's data changes: only that county renders.
    let f = p.path().join("data/c001/2018.yaml");
    let text = std::fs::read_to_string(&f).unwrap().replace("同志们", "各位同志");
    std::fs::write(&f, text).unwrap();
    let err = run();
    assert!(err.contains("共 3 份：生成 1，已是最新 2，失败 0"), "{err}");
    assert!(err.contains("已生成 c001/2018"), "{err}");

    // A shared template changes: everything renders.
    let t = p.path().join("templates/_macros.md.j2");
    let text = std::fs::read_to_string(&t).unwrap() + "\n{# changed #}\n";
    std::fs::write(&t, text).unwrap();
    assert!(run().contains("共 3 份：生成 3，已是最新 0，失败 0"));

    // A shared _common.yaml appears: everything renders; --force renders anyway.
    std::fs::write(p.path().join("data/_common.yaml"), "extra: { note: 共用 }\n").unwrap();
    assert!(run().contains("生成 3，"));
    let o = nianbao(p.path(), &["batch", "--format", "md", "--force"]);
    assert!(stderr(&o).contains("生成 3，"));
}

/// A second run skips an unchanged report but still shows its warnings, as
/// the render that wrote it printed them, and counts them in the summary.
#[test]
fn an_unchanged_report_replays_its_warnings() {
    let p = project(1);
    let f = p.path().join("data/c000/2018.yaml");
    let clean = std::fs::read_to_string(&f).unwrap();
    std::fs::write(&f, clean.replacen("同志们", "同志 们", 1)).unwrap();
    let run = || {
        let o = nianbao(p.path(), &["batch", "--format", "md"]);
        assert!(o.status.success(), "{}", stderr(&o));
        stderr(&o)
    };
    let warned = |err: &str| err.matches("警告[text.space]：汉字之间有空格“志 们”").count();
    let count = |err: &str| {
        err.lines().find(|l| l.starts_with("c000")).map(|l| l.split_whitespace().nth(3).unwrap().to_string())
    };
    let first = run();
    assert!(first.contains("生成 1，已是最新 0") && warned(&first) == 1, "{first}");
    let second = run();
    assert!(second.contains("生成 0，已是最新 1") && warned(&second) == 1, "{second}");
    // The generated county also has no prior year: two warnings.
    assert_eq!((count(&first).as_deref(), count(&second).as_deref()), (Some("2"), Some("2")), "{second}");
    assert_eq!(second.matches("警告[").count(), 2, "{second}");
    // Fixed: rendered without that warning, and it is not replayed after.
    std::fs::write(&f, &clean).unwrap();
    for err in [run(), run()] {
        assert_eq!((warned(&err), count(&err).as_deref()), (0, Some("1")), "{err}");
    }
    // Without any warning, no record of them is left.
    std::fs::write(p.path().join("nianbao.yaml"), "check:\n  silence: [data.no-prior]\n").unwrap();
    for err in [run(), run()] {
        assert_eq!(count(&err).as_deref(), Some("0"), "{err}");
    }
    assert!(!p.path().join("out/.nianbao/c000/2018.warnings").exists());
}

#[test]
fn a_report_whose_file_name_changes_leaves_no_stale_file() {
    let p = project(1);
    assert!(nianbao(p.path(), &["batch", "--format", "md"]).status.success());
    let f = p.path().join("data/c000/2018.yaml");
    let text =
        std::fs::read_to_string(&f).unwrap().replace("东山县2018年度卫生计生工作会议", "东山县2018年卫生健康大会");
    std::fs::write(&f, text).unwrap();
    assert!(nianbao(p.path(), &["batch", "--format", "md"]).status.success());
    let names: Vec<String> = common::tree(&p.path().join("out")).into_keys().collect();
    assert_eq!(names, ["c000/2018/东山县2018年卫生健康大会讲话.md"]);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = std::fs::metadata(p.path().join("out").join(&names[0])).unwrap();
        assert_eq!(meta.permissions().mode() & 0o777, 0o644, "reports are readable by all, like any file");
    }
}

#[test]
fn depfiles_name_every_input_of_a_report() {
    let p = project(1);
    std::fs::write(p.path().join("data/_common.yaml"), "extra: { note: 共用 }\n").unwrap();
    // A font in the project's own font folder: the body face is found there.
    std::fs::create_dir(p.path().join("fonts")).unwrap();
    std::os::unix::fs::symlink(
        root().join("fonts/FandolFang-Regular.otf"),
        p.path().join("fonts/FandolFang-Regular.otf"),
    )
    .unwrap();
    let o = nianbao(p.path(), &["render", "data/c000/2018.yaml", "--format", "md,pdf", "--depfile"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let d = std::fs::read_to_string(p.path().join("out/.nianbao/c000/2018.d")).unwrap();
    let first = d.lines().next().unwrap();
    assert_eq!(first, "out/.nianbao/c000/2018.stamp: \\");
    for input in ["data/c000/2018.yaml", "data/_common.yaml", "templates/_base.md.j2", "templates/speech.md.j2"] {
        assert!(d.contains(&format!("  {input} \\")) || d.contains(&format!("  {input}\n")), "{input} in {d}");
    }
    assert!(d.contains("  fonts/FandolFang-Regular.otf"), "{d}");
    // The fonts nianbao carries are part of the executable, not files to depend on.
    assert!(!d.contains("FandolHei"), "{d}");
}

#[test]
fn jobs_do_not_change_the_bytes() {
    let p = project(4);
    let out1 = p.path().join("o1");
    let out2 = p.path().join("o2");
    for (out, jobs) in [(&out1, "1"), (&out2, "2")] {
        let o = nianbao(p.path(), &["batch", "--format", "md", "--jobs", jobs, "--out", out.to_str().unwrap()]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let (a, b) = (common::tree(&out1), common::tree(&out2));
    assert_eq!(a.len(), 4);
    assert_eq!(a, b);
}

#[test]
fn batch_selects_a_year_and_reports_an_empty_folder() {
    let p = project(2);
    let o = nianbao(p.path(), &["batch", "data", "--year", "2019", "--format", "md"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("没有找到2019 年的"), "{}", stderr(&o));
    let o = nianbao(p.path(), &["batch", "data", "--year", "2018", "--format", "md"]);
    assert!(stderr(&o).contains("共 2 份"), "{}", stderr(&o));
}

#[test]
fn init_scaffolds_a_folder_that_renders_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("新单位");
    let o = nianbao(dir.path(), &["init", "新单位"]);
    assert!(o.status.success(), "{}", stderr(&o));
    for f in ["nianbao.yaml", "Makefile", "data/_common.yaml", "schema/nianbao.schema.json", "templates/speech.md.j2"] {
        assert!(target.join(f).is_file(), "{f}");
    }
    let o = nianbao(&target, &["check", "data", "--deny-warnings"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = nianbao(&target, &["batch", "--format", "md"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("生成 1，"));

    let before = std::fs::read(target.join("nianbao.yaml")).unwrap();
    std::fs::write(target.join("nianbao.yaml"), b"# mine\n").unwrap();
    let o = nianbao(dir.path(), &["init", "新单位"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("已经存在"));
    assert_eq!(std::fs::read(target.join("nianbao.yaml")).unwrap(), b"# mine\n");
    assert_ne!(before, b"# mine\n");
}

#[test]
fn the_committed_schema_is_the_generated_one_and_names_the_data_keys() {
    let committed = std::fs::read_to_string(root().join("schema/nianbao.schema.json")).unwrap();
    assert_eq!(
        committed.trim_end(),
        nianbao::data::schema().trim_end(),
        "run: nianbao schema > schema/nianbao.schema.json"
    );
    let schema: serde_json::Value = serde_json::from_str(&committed).unwrap();
    let props = schema["properties"].as_object().unwrap();
    for key in ["kind", "unit", "meeting", "review", "plan", "attachments", "extra"] {
        assert!(props.contains_key(key), "{key}");
    }
    // Derived fields are not for writing by hand.
    assert!(!props.contains_key("metrics") && !props.contains_key("report_year"));
    assert_eq!(schema["additionalProperties"], false);
    // Figure references are documented where editors show the root's help.
    assert!(schema["description"].as_str().unwrap().contains("{=signing_rate}"), "{}", schema["description"]);
}

#[test]
fn watch_renders_again_on_save_and_reports_errors_without_exiting() {
    use std::io::{BufRead, BufReader};
    use std::sync::mpsc;
    use std::time::Duration;

    let p = project(1);
    let data = p.path().join("data/c000/2018.yaml");
    let mut child = Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args(["watch", "data/c000/2018.yaml", "--format", "md"])
        .current_dir(p.path())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, rx) = mpsc::channel();
    let err = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(err).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let wait_for = |needle: &str| {
        let mut seen = Vec::new();
        while let Ok(line) = rx.recv_timeout(Duration::from_secs(20)) {
            if line.contains(needle) {
                return;
            }
            seen.push(line);
        }
        panic!("no “{needle}” in {seen:#?}");
    };
    wait_for("等待修改");
    let text = std::fs::read_to_string(&data).unwrap();
    std::fs::write(&data, text.replace("同志们", "各位同志")).unwrap();
    wait_for("已生成");
    std::fs::write(&data, text.replace("kind: speech", "kind: speech\nknid: 错")).unwrap();
    wait_for("未知的键 `knid`");
    wait_for("等待修改");
    assert!(child.try_wait().unwrap().is_none(), "watch keeps running after an error");
    child.kill().unwrap();
    let md = common::tree(&p.path().join("out"));
    assert!(String::from_utf8_lossy(md.values().next().unwrap()).contains("各位同志"));
}

/// A `kind: figures` file beside a report is last year's data, not a report:
/// a batch over the folder renders the report alone, and `check` looks at
/// reports only.
#[test]
fn figures_files_feed_the_next_report_and_are_not_reports() {
    let p = project(1);
    let figures = "kind: figures\nunit: { name: 样例县, level: 县 }\nissuer: 样例县卫生健康局\n";
    std::fs::write(p.path().join("data/c000/2017.yaml"), figures).unwrap();
    let o = nianbao(p.path(), &["batch", "--format", "md"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("共 1 份：生成 1"), "{}", stderr(&o));
    assert!(!p.path().join("out/c000/2017").exists());
    let o = nianbao(p.path(), &["check", "data"]);
    assert!(stderr(&o).contains("检查了 1 个数据文件"), "{}", stderr(&o));
    // Named on the command line, it is refused with the reason.
    let o = nianbao(p.path(), &["render", "data/c000/2017.yaml"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("错误[data.figures-only]"), "{}", stderr(&o));
    assert!(stderr(&o).contains("data/c000/2017.yaml:1:7"), "{}", stderr(&o));
    // However `kind: figures` is written; a report reading a workbook
    // (`figures: { file: … }`) stays a report.
    for kind in ["kind: 'figures'", "\"kind\": \"figures\"", "kind:\n  figures", "kind: figures # 上一年"] {
        std::fs::write(p.path().join("data/c000/2017.yaml"), figures.replace("kind: figures", kind)).unwrap();
        let o = nianbao(p.path(), &["batch", "--format", "md", "--force"]);
        assert!(stderr(&o).contains("共 1 份：生成 1"), "{kind}: {}", stderr(&o));
    }
    let report = std::fs::read_to_string(p.path().join("data/c000/2018.yaml")).unwrap();
    std::fs::write(p.path().join("data/c000/2018.yaml"), format!("# figures: {{ file: 指标.xlsx }}\n{report}"))
        .unwrap();
    let o = nianbao(p.path(), &["batch", "--format", "md", "--force"]);
    assert!(stderr(&o).contains("共 1 份：生成 1"), "{}", stderr(&o));
}

/// A report saved under a name the batch does not take (`2018年.yaml`, a
/// `.yml`) is not skipped silently: a warning names it and what to do, in
/// `batch` and in `check`; `--year` keeps to that year's.
#[test]
fn misnamed_reports_are_named_not_skipped_silently() {
    let p = project(2);
    let data = p.path().join("data");
    std::fs::copy(data.join("c000/2018.yaml"), data.join("c000/2018年.yaml")).unwrap();
    std::fs::rename(data.join("c001/2018.yaml"), data.join("c001/2018.yml")).unwrap();
    std::fs::write(data.join("c001/notes.yaml"), "a: 1\n").unwrap();
    let o = nianbao(p.path(), &["batch", "--format", "md"]);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    let first = err.find("警告[file.name]：没有生成这个文件：数据文件名要是四位年份加 .yaml，如 2018.yaml\n --> data/c000/2018年.yaml:1:1");
    let second = err.find(" --> data/c001/2018.yml:1:1\n  = 提示：改名为 data/c001/2018.yaml");
    assert!(first.is_some() && second > first, "{err}");
    assert!(err.contains("= 提示：已有 data/c000/2018.yaml；这个若是草稿或旧版本，请移出 data 目录"), "{err}");
    assert_eq!(err.matches("警告[file.name]").count(), 2, "a file without a year is not the batch's: {err}");
    assert!(err.contains("共 1 份：生成 1"), "{err}");

    let o = nianbao(p.path(), &["check", "data", "--format", "json"]);
    let found: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(found.iter().filter(|f| f["id"] == "file.name").count(), 2, "{found:#?}");

    let o = nianbao(p.path(), &["batch", "--format", "md", "--year", "2019"]);
    let err = stderr(&o);
    assert!(!o.status.success() && !err.contains("file.name") && err.contains("错误[file.none]"), "{err}");
}
