//! The command line end to end: the sample speech, exit codes, several errors
//! reported at once, safe output paths, and nothing written on failure.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{MINIMAL, Project};

fn nianbao(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nianbao")).args(args).current_dir(dir).output().expect("run nianbao")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn the_sample_speech_carries_every_paragraph_of_seed_003_in_order() {
    let out = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let o =
        nianbao(root, &["render", "data/xiangyuan/2018.yaml", "--format", "md", "--out", out.path().to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let md_path = out.path().join("xiangyuan/2018/襄垣县2018年度卫生计生工作会议讲话.md");
    let md = std::fs::read_to_string(&md_path).unwrap();
    let lines: Vec<&str> = md.lines().map(|l| l.trim_start_matches('#').trim_start()).collect();
    let seed = std::fs::read_to_string(root.join("tests/fixtures/seed-003-body.txt")).unwrap();
    let mut at = 0;
    // The sample writes the seed's one half-width comma (机制,为) as the full-width
    // one `nianbao check` asks for, and drops its stray spaces between Chinese
    // characters (`妇女 “两癌”`, `， 抓早抓小`), as `text.space` asks.
    let seed = seed.replace(',', "，");
    let chars: Vec<char> = seed.chars().collect();
    let chinese = |c: Option<&char>| c.is_some_and(|&c| c >= '\u{3000}' || "“”".contains(c));
    let seed: String = (0..chars.len())
        .filter(|&i| {
            !(chars[i] == ' ' && chinese(i.checked_sub(1).and_then(|p| chars.get(p))) && chinese(chars.get(i + 1)))
        })
        .map(|i| chars[i])
        .collect();
    let paragraphs: Vec<&str> = seed.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(paragraphs.len(), 69);
    for p in paragraphs {
        match lines[at..].iter().position(|l| *l == p) {
            Some(i) => at += i + 1,
            None => panic!("not found verbatim after line {at}: {p}"),
        }
    }
    // The numbers are the tool's: 27 tasks in seven sections, numbered on.
    assert!(md.contains("## 二、2018年工作部署"));
    assert!(md.contains("重点抓好七个方面27项重点工作。"));
    assert!(md.contains("27．推进宣传教育，营造尊医重卫的良好氛围。持续推进"));
}

#[test]
fn check_reports_three_errors_with_locations_and_exits_1() {
    let data = MINIMAL.replace("2018-03-01", "2018-04-31")
        + "review:\n  metrics:\n    - { id: a, name: 签约率, value: 六十六, unit: \"%\" }\n  sumary: 多余的键\n";
    let p = Project::new(&[("data/x/2018.yaml", &data)]);
    let o = nianbao(p.dir.path(), &["check", "data"]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(e.contains("data/x/2018.yaml:8:9"), "{e}");
    assert!(e.contains("“2018-04-31”不是有效日期"), "{e}");
    assert!(e.contains("data/x/2018.yaml:16:34"), "{e}");
    assert!(e.contains("应为数字，实际是文字“六十六”"), "{e}");
    assert!(e.contains("data/x/2018.yaml:17:3"), "{e}");
    assert!(e.contains("未知的键 `sumary`") && e.contains("你是不是想写 `summary`？"), "{e}");
    assert!(e.contains("3 个错误"), "{e}");
    assert!(!p.path("out").exists(), "check must write nothing");
}

#[test]
fn check_passes_on_the_samples() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let o = nianbao(root, &["check", "data"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("0 个错误"));
}

#[test]
fn usage_errors_exit_2_and_help_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(nianbao(dir.path(), &["render"]).status.code(), Some(2));
    assert_eq!(nianbao(dir.path(), &["render", "x.yaml", "--format", "odt"]).status.code(), Some(2));
    assert_eq!(nianbao(dir.path(), &["frobnicate"]).status.code(), Some(2));
    let help = nianbao(dir.path(), &["render", "--help"]);
    assert_eq!(help.status.code(), Some(0));
    let text = String::from_utf8_lossy(&help.stdout);
    for words in ["示例", "用法：nianbao render", "参数:", "选项:", "显示帮助"] {
        assert!(text.contains(words), "{words} missing in:\n{text}");
    }
    assert!(!text.contains("Print help") && !text.contains("[default:"), "{text}");
    let version = nianbao(dir.path(), &["--version"]);
    assert_eq!(String::from_utf8_lossy(&version.stdout).trim(), format!("nianbao {}", env!("CARGO_PKG_VERSION")));
}

/// Slips on the command line: a format named twice is written once; a
/// template that is neither a file nor a known name, and a table file whose
/// name says no format, are refused in Chinese, naming what to write.
#[test]
fn command_line_slips_are_caught_in_chinese() {
    let p = Project::new(&[("data/x/2018.yaml", MINIMAL)]);
    let o = nianbao(p.dir.path(), &["render", "data/x/2018.yaml", "--format", "md,md"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stderr(&o).matches("已生成").count(), 1, "{}", stderr(&o));

    let o = nianbao(p.dir.path(), &["render", "data/x/2018.yaml", "--format", "md", "--template", "nosuch"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("找不到模板“nosuch”：没有这个文件，项目的 templates/ 目录里和内置模板里也没有"), "{err}");
    assert!(
        err.contains("speech.md.j2") && !err.contains("does not exist") && !err.contains("路径：template"),
        "{err}"
    );

    let o = nianbao(p.dir.path(), &["table", "data", "-o", "汇总.docx"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("文件名要以 .xlsx 或 .csv 结尾"), "{err}");
    assert!(!p.path("汇总.docx").exists());
}

/// One year's broken draft refuses the table, and the message names the
/// year and how to leave it out.
#[test]
fn a_table_refused_for_one_year_names_the_year_to_leave_out() {
    let draft = MINIMAL.replace("2018", "2019").replace("2019-03-01", "2019-02-30");
    let p = Project::new(&[("data/x/2018.yaml", MINIMAL), ("data/x/2019.yaml", &draft)]);
    let o = nianbao(p.dir.path(), &["table", "data", "-o", "t.csv"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("未生成 t.csv：数据有 1 个错误；出错的是2019年的数据，只汇总 2018 年可用 --year 2018"),
        "{err}"
    );
    assert!(!p.path("t.csv").exists());
    let o = nianbao(p.dir.path(), &["table", "data", "-o", "t.csv", "--year", "2018"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(p.path("t.csv").exists());
}

/// Key points hold targets and no figures: the table says why their row is empty.
#[test]
fn a_table_says_which_reports_have_no_figures() {
    let points = MINIMAL.replace("kind: speech", "kind: key-points").replace("样例县", "青山县")
        + "plan:\n  targets:\n    - { id: rate, name: 签约率, value: 70, unit: \"%\" }\n";
    let report =
        MINIMAL.to_string() + "review:\n  metrics:\n    - { id: rate, name: 签约率, value: 66.2, unit: \"%\" }\n";
    let p = Project::new(&[("data/x/2018.yaml", &report), ("data/qs/2018.yaml", &points)]);
    let o = nianbao(p.dir.path(), &["table", "data", "-o", "t.csv"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(err.contains("提示：青山县2018年的数据里没有指标，表里这些行是空的"), "{err}");
    assert!(!err.contains("样例县2018年"), "{err}");
}

#[test]
fn completions_cover_the_subcommands_and_options() {
    let dir = tempfile::tempdir().unwrap();
    let o = nianbao(dir.path(), &["completions", "bash"]);
    assert_eq!(o.status.code(), Some(0));
    let script = String::from_utf8_lossy(&o.stdout);
    assert!(script.contains("complete -F _nianbao"), "{script}");
    for word in ["render", "batch", "check", "--docx-fonts", "--deny-warnings", "docx pdf"] {
        assert!(script.contains(word), "{word} missing from the bash completions");
    }
    let o = nianbao(dir.path(), &["completions", "zsh"]);
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("#compdef nianbao"));
    assert_eq!(nianbao(dir.path(), &["completions", "tcsh"]).status.code(), Some(2));
}

#[test]
fn output_names_from_data_stay_inside_the_output_folder() {
    let data = MINIMAL.replace("样例县2018年卫生健康工作会议", "../../../逃逸/会议");
    let p = Project::new(&[("data/x/2018.yaml", &data)]);
    let o = nianbao(p.dir.path(), &["render", "data/x/2018.yaml", "--format", "md"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let written: Vec<_> = std::fs::read_dir(p.path("out/x/2018")).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(written.len(), 1);
    assert_eq!(written[0].to_string_lossy(), "逃逸会议讲话.md");
    assert!(!p.dir.path().parent().unwrap().join("逃逸").exists());
}

#[test]
fn a_failed_render_leaves_the_previous_report_untouched() {
    let p = Project::new(&[("data/x/2018.yaml", MINIMAL)]);
    assert!(nianbao(p.dir.path(), &["render", "data/x/2018.yaml", "--format", "md"]).status.success());
    let out = p.path("out/x/2018/样例县2018年卫生健康工作会议讲话.md");
    let before = std::fs::read(&out).unwrap();
    p.write("data/x/2018.yaml", MINIMAL.replace("title: 标题", "title: [标题]\ntitel: 错").as_bytes());
    let o = nianbao(p.dir.path(), &["render", "data/x/2018.yaml", "--format", "md"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("未知的键 `titel`"));
    assert_eq!(std::fs::read(&out).unwrap(), before);
    let names: Vec<_> = std::fs::read_dir(p.path("out/x/2018")).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names.len(), 1, "no temporary files left: {names:?}");
}

#[test]
fn fonts_lists_where_each_face_was_found_and_what_a_report_lacks() {
    let p = Project::new(&[
        ("data/x/2018.yaml", &MINIMAL.replace("opening: 开场。", "opening: 大家勠力同心。")),
        // The body face pinned to the carried FandolFang (a system 仿宋_GB2312 would win otherwise).
        ("nianbao.yaml", "fonts:\n  faces:\n    fang: { family: [仿宋_GB2312_没有这个, FandolFang] }\n"),
    ]);
    std::fs::create_dir(p.path("fonts")).unwrap();
    let kai = Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts/FandolKai-Regular.otf");
    std::os::unix::fs::symlink(kai, p.path("fonts/楷体.otf")).unwrap();

    let o = nianbao(p.dir.path(), &["fonts"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    let line = |key: &str| out.lines().find(|l| l.starts_with(key)).unwrap_or_else(|| panic!("{key} in {out}"));
    assert!(out.starts_with("配置：nianbao.yaml（合并在内置配置之上）\n项目字体目录：fonts\n"), "{out}");
    // The project's font folder comes first: FandolKai from fonts/, found by its family name.
    let kai = line("kai ");
    assert!(kai.contains("FandolKai") && kai.contains("项目") && kai.contains("fonts/楷体.otf"), "{kai}");
    assert!(kai.contains("楷体_GB2312、KaiTi_GB2312、楷体、KaiTi"), "names looked for in vain: {kai}");
    let fang = line("fang ");
    assert!(fang.contains("自带") && fang.contains("FandolFang-Regular.otf"), "{fang}");
    assert!(fang.ends_with("仿宋_GB2312_没有这个"), "{fang}");
    assert!(line("noto-serif ").contains("自带"));
    assert!(line("正文 body").contains("仿宋_GB2312_没有这个"), "the DOCX names the first family listed");
    assert!(!out.contains("本报告用到的字"), "no report, no coverage");

    let o = nianbao(p.dir.path(), &["fonts", "data/x/2018.yaml"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    let line = |key: &str| out.lines().find(|l| l.starts_with(key)).unwrap_or_else(|| panic!("{key} in {out}"));
    // 同志们：大家勠力同心。 (salutation and opening): ten characters; FandolFang lacks 勠,
    // Noto Serif CJK SC sets it.
    assert!(line("正文 body").ends_with("10 个，缺 1 个：勠"), "{out}");
    assert!(line("  noto-serif 补了").ends_with("1 个字：勠（正文）"), "{out}");
    assert!(line("四级标题 heading4").ends_with("没有用到"), "{out}");
    assert!(line("页码 folio").ends_with("11 个，全有"), "{out}");

    // A family found nowhere: the located error, exit 1.
    p.write("nianbao.yaml", "fonts:\n  faces:\n    fang: { family: 没有这个 }\n".as_bytes());
    let o = nianbao(p.dir.path(), &["fonts"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("错误[font.not-found]：找不到字体 `fang`：“没有这个”都不在"), "{}", stderr(&o));
    assert!(stderr(&o).contains("--> nianbao.yaml:3:21"), "{}", stderr(&o));
}

/// What `init` tells the writer to run next (the lines after its last blank line).
fn hints(init_stderr: &str) -> Vec<String> {
    let tail = init_stderr.rsplit("\n\n").next().unwrap();
    tail.lines().skip(1).map(|l| l.trim().split("   ").next().unwrap().trim().to_string()).collect()
}

#[test]
fn installed_anywhere_it_renders_with_the_fonts_it_carries() {
    // The binary alone, copied far from the source tree (as `cargo install`
    // leaves it), run with no environment but PATH: the fonts travel inside it.
    let bin = tempfile::tempdir().unwrap();
    let exe = bin.path().join("nianbao");
    std::fs::copy(env!("CARGO_BIN_EXE_nianbao"), &exe).unwrap();
    let work = tempfile::tempdir().unwrap();
    let run = |dir: &Path, line: &str| {
        let args: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(args[0], "nianbao", "{line}");
        let o = Command::new("nianbao")
            .args(&args[1..])
            .current_dir(dir)
            .env_clear()
            .env("PATH", bin.path())
            .output()
            .expect("run the installed nianbao");
        assert!(o.status.success(), "{line}: {}", stderr(&o));
        o
    };
    let o = run(work.path(), "nianbao init 我县年报");
    let steps = hints(&stderr(&o));
    assert_eq!(steps[0], "cd 我县年报", "{steps:?}");
    let project = work.path().join("我县年报");
    // Every hint runs as printed.
    for line in &steps[1..] {
        run(&project, line);
    }
    let written: Vec<PathBuf> = walk(&project.join("out"));
    let pdf = written.iter().find(|p| p.extension().is_some_and(|e| e == "pdf")).expect("a PDF");
    let docx = written.iter().find(|p| p.extension().is_some_and(|e| e == "docx")).expect("a DOCX");
    let pdf = std::fs::read(pdf).unwrap();
    let mut zip = zip::ZipArchive::new(std::fs::File::open(docx).unwrap()).unwrap();
    assert!(zip.by_name("word/fonts/font1.odttf").is_ok(), "fonts embedded in the DOCX");
    let o = run(&project, "nianbao fonts");
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(out.lines().any(|l| l.starts_with("noto-serif ") && l.contains("自带")), "{out}");
    // Unless this computer has an official 仿宋, the body is set in the carried FandolFang.
    let fang = out.lines().find(|l| l.starts_with("fang ")).unwrap();
    let contains = |needle: &[u8]| pdf.windows(needle.len()).any(|w| w == needle);
    assert!(contains(b"/FontFile3"), "fonts embedded in the PDF");
    assert_eq!(fang.contains("自带"), contains(b"+FandolFang-Regular"), "{fang}");
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() { out.extend(walk(&p)) } else { out.push(p) }
    }
    out
}

/// Only a table's type size is the office's to choose: a size on another role,
/// one outside 五号–三号 and an unknown size name are each a located error, and
/// 小四 renders.
#[test]
fn a_table_size_is_the_only_size_an_office_chooses() {
    let p = Project::new(&[("data/x/2018.yaml", MINIMAL)]);
    let render = |config: &str| {
        p.write("nianbao.yaml", format!("fonts:\n  roles:\n    {config}\n").as_bytes());
        nianbao(p.dir.path(), &["render", "data/x/2018.yaml", "--format", "docx", "--force"])
    };
    for (config, message, at) in [
        (
            "body: { face: fang, size: 四号 }",
            "错误[config.size]：只有表格（fonts.roles.table）可以改字号：正文、标题、页码的字号由 GB/T 9704 规定",
            "--> nianbao.yaml:3:31",
        ),
        (
            "table: { face: fang, size: 20 }",
            "错误[config.size]：表格字号 20 磅不在五号（10.5 磅）到三号（16 磅）之间",
            "--> nianbao.yaml:3:32",
        ),
        (
            "table: { face: fang, size: 二号 }",
            "不认识的字号“二号”；可用：三号、小三、四号、小四、五号，或写磅数",
            "--> nianbao.yaml:3:32",
        ),
    ] {
        let o = render(config);
        assert_eq!(o.status.code(), Some(1), "{config}");
        assert!(stderr(&o).contains(message) && stderr(&o).contains(at), "{config}: {}", stderr(&o));
    }
    assert!(render("table: { face: fang, size: 小四 }").status.success());
}
