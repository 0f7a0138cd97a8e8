//! What nianbao says about the office writer's mistakes: `check` gives the
//! verdict `render` gives (same errors, same exit code), every problem of a
//! file at once, each where it is written (file:line:column and YAML path),
//! in Chinese with the fix; and every printed figure exactly right.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::{MINIMAL, Project};

fn nianbao(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nianbao")).args(args).current_dir(dir).output().expect("run nianbao")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The findings of `check --format json` on `path`, and the exit code.
fn check(p: &Project, path: &str, extra: &[&str]) -> (Option<i32>, Vec<serde_json::Value>) {
    let mut args = vec!["check", path, "--format", "json"];
    args.extend_from_slice(extra);
    let o = nianbao(p.dir.path(), &args);
    let json = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", stderr(&o)));
    (o.status.code(), json)
}

/// 1-based line and column (in characters) of the first `needle` in `text` at
/// or after the first `after`.
fn position(text: &str, after: &str, needle: &str) -> (u64, u64) {
    let start = text.find(after).unwrap_or_else(|| panic!("{after} not in the data"));
    let at = start + text[start..].find(needle).unwrap_or_else(|| panic!("{needle} not after {after}"));
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line = text[..at].matches('\n').count() + 1;
    (line as u64, text[line_start..at].chars().count() as u64 + 1)
}

/// The one finding with `id`, asserting there is exactly one.
fn one<'a>(found: &'a [serde_json::Value], id: &str) -> &'a serde_json::Value {
    let hits: Vec<_> = found.iter().filter(|f| f["id"] == id).collect();
    assert_eq!(hits.len(), 1, "one {id} expected in {found:#?}");
    hits[0]
}

fn at(f: &serde_json::Value) -> (u64, u64) {
    (f["line"].as_u64().unwrap_or(0), f["column"].as_u64().unwrap_or(0))
}

fn message(f: &serde_json::Value) -> &str {
    f["message"].as_str().unwrap_or_default()
}

/// What `check` and `render` print for one data file: the errors, each as its
/// header line and its `-->` location.
fn errors_printed(text: &str) -> Vec<String> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        if l.starts_with("错误[") {
            let loc = lines.get(i + 1).filter(|n| n.contains("--> ")).map_or("", |n| n.trim());
            out.push(format!("{l} {loc}"));
        }
    }
    out
}

/// The speech of `MINIMAL` with `closing` added.
fn with_closing(text: &str) -> String {
    format!("{MINIMAL}closing: {text}\n")
}

// 1. One verdict.

#[test]
fn check_refuses_what_render_refuses_a_character_no_font_has_located_in_the_data() {
    for ch in ['😀', '𠀀'] {
        let data = with_closing(&format!("谢谢大家{ch}。"));
        let p = Project::new(&[("data/x/2018.yaml", &data)]);
        let (code, found) = check(&p, "data", &[]);
        assert_eq!(code, Some(1), "{found:#?}");
        let f = one(&found, "font.missing-glyph");
        assert!(message(f).contains(&format!("字符“{ch}”")), "{f}");
        assert_eq!(f["file"], "data/x/2018.yaml");
        assert_eq!(at(f), position(&data, "closing", &ch.to_string()));
        assert_eq!(f["path"], "closing");
        let o = nianbao(p.dir.path(), &["render", "data/x/2018.yaml"]);
        assert_eq!(o.status.code(), Some(1));
        assert_eq!(errors_printed(&stderr(&o)), errors_printed(&stderr(&nianbao(p.dir.path(), &["check", "data"]))));
        assert!(!p.path("out").exists());
    }
}

#[test]
fn check_refuses_a_report_over_the_page_limit_and_a_corrupted_font() {
    let template =
        "---\nfile: 长\ndate: 2018-01-01\n---\n\n{% for i in range(320) %}\n第{{ i }}页。\n\n***\n\n{% endfor %}\n";
    let p = Project::new(&[("data/x/2018.yaml", MINIMAL), ("templates/long.md.j2", template)]);
    let (code, found) = check(&p, "data", &["--template", "long.md.j2"]);
    assert_eq!(code, Some(1));
    assert!(message(one(&found, "layout.pages")).contains("排版后有 320 页，超过上限 300 页"), "{found:#?}");
    let o = nianbao(p.dir.path(), &["render", "data/x/2018.yaml", "--template", "long.md.j2"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("错误[layout.pages]"), "{}", stderr(&o));

    let p = Project::new(&[("data/x/2018.yaml", MINIMAL), ("broken.otf", "这不是字体文件")]);
    let broken = p.path("broken.otf");
    let config = format!("fonts:\n  faces:\n    fang: {{ file: '{}', docx: 仿宋 }}\n", broken.display());
    p.write("nianbao.yaml", config.as_bytes());
    let (code, found) = check(&p, "data", &[]);
    assert_eq!(code, Some(1));
    let f = one(&found, "font.load");
    assert!(message(f).contains("broken.otf") && message(f).contains("无法解析"), "{f}");
    let o = nianbao(p.dir.path(), &["render", "data/x/2018.yaml"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("错误[font.load]"), "{}", stderr(&o));
}

/// Broken files, each refused: `check` and `render` print the same errors at
/// the same places and exit with the same code.
#[test]
fn check_and_render_agree_on_a_corpus_of_broken_files() {
    let corpus: Vec<(&str, String)> = vec![
        ("emoji", with_closing("谢谢😀。")),
        ("rare", with_closing("𠀀。")),
        ("misspelt key", format!("{MINIMAL}closing: 今天召开xx会议。\nreview:\n  metircs: []\n")),
        ("full-width colon", MINIMAL.replace("  date: 2018-03-01", "  date：2018-03-01")),
        ("full-width indent", MINIMAL.replace("  level: 县", "　　level: 县")),
        ("tab", MINIMAL.replace("  level: 县", "\tlevel: 县")),
        ("unclosed quote", MINIMAL.replace("opening: 开场。", "opening: \"开场。")),
        (
            "huge integer",
            format!(
                "{MINIMAL}review:\n  metrics:\n    - {{ id: a, name: 甲, value: 123456789012345678901234567890, unit: 个 }}\n"
            ),
        ),
        ("placeholders", with_closing("xx局、xx镇。")),
        (
            "rate",
            format!(
                "{MINIMAL}review:\n  metrics:\n    - {{ id: a, name: 随访率, numerator: 120, denominator: 100, unit: \"%\" }}\n"
            ),
        ),
        ("wrong year", MINIMAL.replace("2018-03-01", "2017-03-01")),
        (
            "contradiction",
            format!(
                "{MINIMAL}review:\n  summary: 电子建档率92.2%。\n  metrics:\n    - {{ id: e, name: 电子建档率, value: 93.7, unit: \"%\" }}\n"
            ),
        ),
    ];
    for (name, data) in &corpus {
        let p = Project::new(&[("data/x/2018.yaml", data)]);
        let c = nianbao(p.dir.path(), &["check", "data/x/2018.yaml"]);
        let r = nianbao(p.dir.path(), &["render", "data/x/2018.yaml"]);
        assert_eq!((c.status.code(), r.status.code()), (Some(1), Some(1)), "{name}: {}\n{}", stderr(&c), stderr(&r));
        let (ce, re) = (errors_printed(&stderr(&c)), errors_printed(&stderr(&r)));
        assert!(!ce.is_empty(), "{name}: {}", stderr(&c));
        assert_eq!(ce, re, "{name}");
        assert!(!p.path("out").exists(), "{name}: render wrote something");
    }
}

// 2. Every problem at once.

#[test]
fn a_misspelt_key_hides_none_of_the_files_other_problems() {
    let data = MINIMAL.replace("2018-03-01", "2017-03-01").replace("opening: 开场。", "opening: 今天召开xx会议。")
        + "closing: 谢谢😀。\n"
        + "review:\n  sections:\n    - title: 成绩\n      items:\n        - title: 签约\n          points: [完成签约。]\n          metircs:\n            - { id: a, name: 签约率, value: 66.2, unit: \"%\" }\n          metrics:\n            - { id: b, name: 随访率, value: 133.8, unit: \"%\" }\n";
    let p = Project::new(&[("data/x/2018.yaml", &data)]);
    let (code, found) = check(&p, "data", &[]);
    assert_eq!(code, Some(1));
    let key = one(&found, "data.unknown-key");
    assert_eq!((at(key), message(key)), (position(&data, "points", "metircs"), "未知的键 `metircs`"));
    assert_eq!(key["help"], "你是不是想写 `metrics`？");
    let xx = one(&found, "placeholder");
    assert_eq!(at(xx), position(&data, "opening", "xx"));
    let rate = one(&found, "figure.rate-over-100");
    assert_eq!(
        (at(rate), rate["path"].as_str()),
        (position(&data, "随访率", "133.8"), Some("review.sections[0].items[0].metrics[0].value"))
    );
    let year = one(&found, "year.date");
    assert_eq!((at(year), message(year)), (position(&data, "date:", "2017"), "这份报告是2018年的，日期却是2017年"));
    // And a character no font has, though there is no document to set it in yet.
    let glyph = one(&found, "font.missing-glyph");
    assert_eq!((at(glyph), glyph["path"].as_str()), (position(&data, "closing", "😀"), Some("closing")));
    assert_eq!(found.iter().filter(|f| f["severity"] == "error").count(), 5, "{found:#?}");
}

#[test]
fn at_most_20_findings_are_listed_per_file_errors_first_one_of_each_kind_and_the_rest_is_counted() {
    let data = with_closing(&("xx局，".repeat(25) + "完。")).replace("opening: 开场。", "opening: 开场,欢迎。")
        + "review:\n  summary: 电子建档率92.2%。\n  metrics:\n    - { id: e, name: 电子建档率, value: 93.7, unit: \"%\" }\n";
    let p = Project::new(&[
        ("data/x/2017.yaml", "kind: figures\nunit: { name: 样例县, level: 县 }\nissuer: x\n"),
        ("data/x/2018.yaml", &data),
    ]);
    let o = nianbao(p.dir.path(), &["check", "data/x/2018.yaml"]);
    let err = stderr(&o);
    // Twenty: the contradicted figure, written last, is not hidden behind the placeholders.
    assert_eq!(err.matches("错误[placeholder]").count(), 19, "{err}");
    assert_eq!(err.matches("错误[figure.contradiction]").count(), 1, "{err}");
    assert!(!err.contains("警告[text.halfwidth]"), "errors come first: {err}");
    assert!(err.contains("……另有 6 个错误、1 个警告没有列出（每个文件最多列出 20 个）"), "{err}");
    assert!(err.contains("nianbao check --all"), "{err}");
    assert!(err.contains("检查了 1 个数据文件：26 个错误，1 个警告"), "{err}");
    let all = stderr(&nianbao(p.dir.path(), &["check", "data/x/2018.yaml", "--all"]));
    assert_eq!(all.matches("错误[placeholder]").count(), 25);
    assert!(all.contains("警告[text.halfwidth]") && !all.contains("没有列出"), "{all}");
    let (_, found) = check(&p, "data/x/2018.yaml", &[]);
    assert_eq!(found.len(), 27);
    // render lists the same twenty.
    let r = stderr(&nianbao(p.dir.path(), &["render", "data/x/2018.yaml"]));
    assert_eq!(errors_printed(&r), errors_printed(&err));
}

// 3. The commonest Chinese-typing slips.

#[test]
fn typing_slips_are_named_where_they_are_typed_with_their_fix() {
    let cases: Vec<(String, &str, &str, &str, &str)> = vec![
        // (data, id, message fragment, line containing the slip, the slip)
        (
            MINIMAL.replace("  date: 2018-03-01", "  date：2018-03-01"),
            "yaml.fullwidth-colon",
            "键 `date` 后面的冒号是中文冒号“：”；应为英文冒号加空格“: ”",
            "date：",
            "：",
        ),
        (
            MINIMAL.replace("meeting:", "meeting："),
            "yaml.fullwidth-colon",
            "键 `meeting` 后面的冒号是中文冒号“：”",
            "meeting：",
            "：",
        ),
        (
            MINIMAL.replace("title: 标题", "title：标题"),
            "yaml.fullwidth-colon",
            "键 `title` 后面的冒号是中文冒号",
            "title：",
            "：",
        ),
        (
            MINIMAL.replace("  level: 县", "　　level: 县"),
            "yaml.fullwidth-indent",
            "行首用了全角空格“　”缩进；YAML 只能用半角空格缩进",
            "　　level",
            "　",
        ),
        (MINIMAL.replace("  level: 县", "\tlevel: 县"), "yaml.tab", "行首用了制表符（Tab）缩进", "\tlevel", "\t"),
        (
            MINIMAL.replace("  date: 2018-03-01", "  date:2018-03-01"),
            "yaml.colon-space",
            "键 `date` 后面的英文冒号“:”后面缺少空格",
            "date:2018",
            ":",
        ),
        (
            MINIMAL.replace("opening: 开场。", "opening: \"开场。"),
            "yaml.unclosed-quote",
            "引号没有配对",
            "opening: \"",
            "\"",
        ),
        (
            format!("{MINIMAL}review:\n  metrics:\n    - {{ id：a, name: 甲, value: 1, unit: 个 }}\n"),
            "yaml.fullwidth-colon",
            "键 `id` 后面的冒号是中文冒号",
            "id：a",
            "：",
        ),
    ];
    for (data, id, fragment, line_of, slip) in &cases {
        let p = Project::new(&[("data/x/2018.yaml", data)]);
        let (code, found) = check(&p, "data", &[]);
        assert_eq!(code, Some(1), "{id}: {found:#?}");
        let f = one(&found, id);
        assert!(message(f).contains(fragment), "{id}: {f}");
        assert!(f["help"].as_str().is_some_and(|h| !h.is_empty()), "{id} gives the fix: {f}");
        assert_eq!(at(f), position(data, line_of, slip), "{id}: {f}");
        let english = ["simple key", "expect", "found", "while scanning", "mapping values"];
        assert!(!english.iter().any(|w| message(f).contains(w)), "{id} in English: {f}");
    }
}

#[test]
fn a_raw_nul_is_taken_out_with_a_chinese_warning_where_it_was() {
    let data = MINIMAL.replace("opening: 开场。", "opening: 开\u{0}场。");
    let p = Project::new(&[("data/x/2018.yaml", &data)]);
    let (code, found) = check(&p, "data", &[]);
    assert_eq!(code, Some(0), "{found:#?}");
    let f = one(&found, "text.invisible");
    assert_eq!(message(f), "这段文字里有 1 个看不见的字符（U+0000 控制字符），已删除，不会印出来");
    assert_eq!((at(f), f["path"].as_str()), (position(&data, "opening", "\u{0}"), Some("opening")));
    let o = nianbao(p.dir.path(), &["check", "data"]);
    assert!(stderr(&o).contains("13 | opening: 开场。"), "the line as read: {}", stderr(&o));
}

// 4. Silent gaps.

#[test]
fn a_missing_prior_year_file_is_named() {
    let data = format!("{MINIMAL}review:\n  metrics:\n    - {{ id: beds, name: 床位数, value: 500, unit: 张 }}\n");
    let p = Project::new(&[("data/x/2018.yaml", &data)]);
    let (code, found) = check(&p, "data", &[]);
    assert_eq!(code, Some(0));
    let f = one(&found, "data.no-prior");
    assert!(message(f).starts_with("没有找到上一年的数据文件 data/x/2017.yaml"), "{f}");
    assert!(message(f).contains("算不出同比和去年目标的完成情况"), "{f}");
    assert_eq!((at(f), f["path"].as_str()), (position(&data, "- {", "{"), Some("review.metrics[0]")));
    // With last year's file there is nothing to say.
    p.write("data/x/2017.yaml", b"kind: figures\nunit: { name: \xe6\xa0\xb7\xe4\xbe\x8b\xe5\x8e\xbf, level: \xe5\x8e\xbf }\nissuer: x\nreview:\n  metrics:\n    - { id: beds, name: x, value: 450, unit: x }\n");
    let (_, found) = check(&p, "data/x/2018.yaml", &[]);
    assert!(found.iter().all(|f| f["id"] != "data.no-prior"), "{found:#?}");
}

#[test]
fn a_report_without_a_date_is_warned_and_gets_no_invented_date() {
    let data = "kind: key-points\nunit: { name: 样例市, level: 市 }\nissuer: 样例市卫生健康委员会\ntitle: 2018年全市卫生健康工作要点\nopening: 开场。\n";
    let p = Project::new(&[("data/x/2018.yaml", data)]);
    let (code, found) = check(&p, "data", &[]);
    assert_eq!(code, Some(0));
    let f = one(&found, "data.no-date");
    assert!(message(f).contains("报告没有日期") && message(f).contains("不写创建日期"), "{f}");
    assert_eq!(at(f), (1, 1));
    let o = nianbao(p.dir.path(), &["render", "data/x/2018.yaml", "--format", "docx,pdf"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let dir = p.path("out/x/2018");
    let pdf = std::fs::read(dir.join("2018年全市卫生健康工作要点.pdf")).unwrap();
    assert!(!String::from_utf8_lossy(&pdf).contains("CreationDate"), "the PDF carries a date");
    let docx = std::fs::File::open(dir.join("2018年全市卫生健康工作要点.docx")).unwrap();
    let mut core = String::new();
    std::io::Read::read_to_string(
        &mut zip::ZipArchive::new(docx).unwrap().by_name("docProps/core.xml").unwrap(),
        &mut core,
    )
    .unwrap();
    assert!(!core.contains("dcterms:created") && !core.contains("2018-01-01"), "{core}");
}

/// `{=id.target}` is last year's target for this year: in the plan, beside a
/// new target of the same id, it is most likely a slip for `{=id.plan}`.
#[test]
fn last_years_target_cited_in_the_plan_is_warned() {
    let last_year =
        MINIMAL.replace("2018", "2017") + "plan:\n  targets:\n    - { id: s, name: 签约率, value: 60, unit: \"%\" }\n";
    let data = |r: &str| {
        MINIMAL.to_string()
            + "review:\n  metrics:\n    - { id: s, name: 签约率, value: 58.6, unit: \"%\" }\n\
               plan:\n  sections:\n    - title: 改革\n      items:\n        - title: 推进签约\n          \
               paragraphs: 签约率达到"
            + r
            + "以上。\n          targets:\n            - { id: s, name: 签约率, value: 62, unit: \"%\" }\n"
    };
    let wrong = data("{=s.target}");
    let p = Project::new(&[("data/x/2017.yaml", &last_year), ("data/x/2018.yaml", &wrong)]);
    let (code, found) = check(&p, "data", &[]);
    assert_eq!(code, Some(0));
    let f = one(&found, "target.old-in-plan");
    assert_eq!(message(f), "工作部署里的 {=s.target} 印的是上年定的目标 60%，不是今年部署的新目标 62%");
    assert_eq!(at(f), position(&wrong, "paragraphs", "{=s.target}"));
    // The new target, or last year's where the plan sets none, is fine.
    p.write("data/x/2018.yaml", data("{=s.plan}").as_bytes());
    let (_, found) = check(&p, "data", &[]);
    assert!(found.iter().all(|f| f["id"] != "target.old-in-plan"), "{found:#?}");
}

#[test]
fn targets_a_template_never_prints_are_warned() {
    let data = "kind: key-points\nunit: { name: 样例市, level: 市 }\nissuer: 样例市卫生健康委员会\ndate: 2018-03-02\ntitle: 要点\nplan:\n  sections:\n    - title: 改革\n      items:\n        - title: 推进改革\n          paragraphs: 推进改革。\n          targets:\n            - { id: s, name: 家庭医生签约率, value: 70, unit: \"%\" }\n";
    // The project's own key-points template, made before items' targets were
    // printed: the built-in one with its items set without them.
    let builtin = std::fs::read_to_string(common::root().join("templates/key-points.md.j2")).unwrap();
    let own = builtin.replace("m.section(s, 1, inline_targets=true)", "m.section(s, 1)");
    assert_ne!(own, builtin);
    let p = Project::new(&[("data/x/2018.yaml", data), ("templates/key-points.md.j2", &own)]);
    let (code, found) = check(&p, "data", &[]);
    assert_eq!(code, Some(0));
    let f = one(&found, "data.not-printed");
    assert_eq!(message(f), "目标“家庭医生签约率”没有出现在生成的报告里：所用的模板（key-points.md.j2）不印目标");
    assert_eq!(at(f), position(data, "id: s", "家庭医生签约率"));
    // The template named is the one in use, not the genre's.
    let chosen = data.replace("kind: key-points\n", "kind: key-points\ntemplate: 市要点.md.j2\n");
    let p = Project::new(&[("data/x/2018.yaml", &chosen), ("templates/市要点.md.j2", &own)]);
    let (_, found) = check(&p, "data", &[]);
    let f = one(&found, "data.not-printed");
    assert!(message(f).ends_with("所用的模板（市要点.md.j2）不印目标"), "{}", message(f));
}

/// A field the template in use never reads is warned where it is written:
/// key points have no speaker and no review (data copied from a speech), and
/// a template of the project's own that leaves out the closing drops it.
#[test]
fn fields_the_template_never_reads_are_warned() {
    let data = "kind: key-points\nunit: { name: 样例县, level: 县 }\nissuer: 样例县卫生健康局\ndate: 2018-03-01\n\
                title: 要点\nopening: 开场。\nspeaker: { post: 局长, name: 王某 }\nreview:\n  summary: 去年工作。\n";
    let p = Project::new(&[("data/x/2018.yaml", data)]);
    let (code, found) = check(&p, "data", &[]);
    assert_eq!(code, Some(0));
    let unread: Vec<(&str, (u64, u64))> =
        found.iter().filter(|f| f["id"] == "data.unread").map(|f| (message(f), at(f))).collect();
    assert_eq!(
        unread,
        [
            ("数据里的 speaker 不会印出来：模板“key-points.md.j2”没有用到它", position(data, "opening", "speaker")),
            ("数据里的 review 不会印出来：模板“key-points.md.j2”没有用到它", position(data, "opening", "review")),
        ]
    );

    let own = "{% extends \"speech.md.j2\" %}{% block body %}{{ opening|join(\"\") }}{% endblock %}";
    let data = format!("{MINIMAL}template: 简短.md.j2\nclosing: 结束。\n");
    let p = Project::new(&[("data/x/2018.yaml", &data), ("templates/简短.md.j2", own)]);
    let (_, found) = check(&p, "data", &[]);
    let f = one(&found, "data.unread");
    assert_eq!(message(f), "数据里的 closing 不会印出来：模板“简短.md.j2”没有用到它");
    assert_eq!(at(f), position(&data, "template", "closing"));

    // A paragraph of points at the top level is read whole: its lead and
    // points are not fields the template skipped.
    let data = MINIMAL.replace(
        "opening: 开场。",
        "opening: { lead: 开场。, points: [甲。, 乙。] }\nclosing: { points: [丙。, 丁。] }",
    );
    let p = Project::new(&[("data/x/2018.yaml", &data)]);
    let (code, found) = check(&p, "data", &[]);
    assert_eq!(code, Some(0));
    assert!(found.iter().all(|f| f["id"] != "data.unread"), "{found:#?}");
}

/// An explicit `number:` that breaks the sequence is warned at the number,
/// one that keeps it is quiet, one on a heading the template leaves
/// unnumbered is said to do nothing, and 0 or a number past 999 is refused.
#[test]
fn an_explicit_number_that_jumps_is_warned_where_written() {
    let data = format!(
        "{MINIMAL}review:\n  sections:\n    - title: 深化医改\n      intro: 改革。\n    - title: 提升服务\n      number: 2\n      intro: 服务。\n    - title: 强化监管\n      number: 4\n      intro: 监管。\n    - title: 加强党建\n      number: 4\n      intro: 党建。\n"
    );
    let p = Project::new(&[("data/x/2018.yaml", &data)]);
    let (code, found) = check(&p, "data", &[]);
    assert_eq!(code, Some(0));
    let jumps: Vec<(&str, (u64, u64), Option<&str>)> = found
        .iter()
        .filter(|f| f["id"] == "doc.number-jump")
        .map(|f| (message(f), at(f), f["path"].as_str()))
        .collect();
    assert_eq!(
        jumps,
        [
            (
                "“强化监管”编为（四），按顺序应为（三）",
                position(&data, "强化监管", "4"),
                Some("review.sections[2].number")
            ),
            (
                "“加强党建”编为（四），按顺序应为（五）",
                position(&data, "加强党建", "4"),
                Some("review.sections[3].number")
            ),
        ]
    );

    let plan = "kind: plan\nunit: { name: 样例县, level: 县 }\nissuer: 样例县卫生健康局\ndate: 2021-03-01\ntitle: 规划\nplan:\n  sections:\n    - title: 总体要求\n      items:\n        - { title: 指导思想, number: 2, paragraphs: 坚持。 }\n";
    let p = Project::new(&[("data/x/2021.yaml", plan)]);
    let (_, found) = check(&p, "data", &[]);
    let f = one(&found, "doc.number-jump");
    assert_eq!(message(f), "所用模板不给“指导思想”编号，number 不起作用");
    assert_eq!(at(f), position(plan, "指导思想", "2"));

    let zero = data.replace("number: 2", "number: 0");
    let p = Project::new(&[("data/x/2018.yaml", &zero)]);
    let (code, found) = check(&p, "data", &[]);
    assert_eq!(code, Some(1));
    let f = one(&found, "data.numbering");
    assert_eq!(message(f), "“提升服务”的编号 number 要在 1 到 999 之间");
    assert_eq!(at(f), position(&zero, "提升服务", "0"));
    // A number past any counter (it once overflowed the next heading's).
    let huge = data.replace("number: 2", "number: 4294967295");
    let p = Project::new(&[("data/x/2018.yaml", &huge)]);
    let (code, found) = check(&p, "data", &[]);
    assert_eq!(code, Some(1));
    assert_eq!(message(one(&found, "data.numbering")), "“提升服务”的编号 number 要在 1 到 999 之间");
    let negative = data.replace("number: 2", "number: -1");
    let p = Project::new(&[("data/x/2018.yaml", &negative)]);
    let (_, found) = check(&p, "data", &[]);
    assert_eq!(message(one(&found, "data.type")), "取值不对：应为不大于 4294967295 的非负整数，实际是整数 -1");
}

/// A table may leave cells empty; an `align` longer than the columns is
/// refused where it is written.
#[test]
fn empty_table_cells_pass_and_extra_alignments_are_located() {
    let data = format!(
        "{MINIMAL}attachments:\n  - title: 项目表\n    table:\n      columns: [项目, 备注]\n      rows:\n        - [综合楼, \"\"]\n"
    );
    let p = Project::new(&[("data/x/2018.yaml", &data)]);
    let (code, found) = check(&p, "data", &[]);
    assert_eq!(code, Some(0), "{found:#?}");
    assert!(found.iter().all(|f| f["id"] != "text.empty"), "{found:#?}");
    let data = data.replace("    table:\n", "    table:\n      align: [left, right, center]\n");
    let p = Project::new(&[("data/x/2018.yaml", &data)]);
    let (code, found) = check(&p, "data", &[]);
    assert_eq!(code, Some(1));
    let f = one(&found, "data.table");
    assert_eq!(message(f), "align 写了3列，表格只有2列（columns）");
    assert_eq!(at(f), position(&data, "align", "center"));
}

#[test]
fn a_numerator_over_its_denominator_is_located() {
    let data = format!(
        "{MINIMAL}review:\n  metrics:\n    - {{ id: a, name: 随访率, numerator: 120, denominator: 100, unit: \"%\" }}\n"
    );
    let p = Project::new(&[("data/x/2018.yaml", &data)]);
    let (_, found) = check(&p, "data", &[]);
    let f = one(&found, "figure.rate-over-100");
    assert_eq!(message(f), "指标“随访率”是比率，却超过了100%（120.0%）");
    assert_eq!((at(f), f["path"].as_str()), (position(&data, "numerator", "120"), Some("review.metrics[0].numerator")));
}

// 5. Shown warnings.

#[test]
fn batch_prints_each_reports_warnings_once() {
    let data = MINIMAL.replace("opening: 开场。", "opening: 开场,欢迎。");
    let p = Project::new(&[("data/a/2018.yaml", &data), ("data/b/2018.yaml", &data)]);
    let o = nianbao(p.dir.path(), &["batch", "--format", "md"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert_eq!(err.matches("警告[text.halfwidth]：中文里用了半角标点“,”，应为全角“，”").count(), 2, "{err}");
    assert!(err.contains("--> data/a/2018.yaml:13:12") && err.contains("--> data/b/2018.yaml:13:12"), "{err}");
}

// 6. Invisible characters.

#[test]
fn invisible_characters_are_removed_with_one_located_warning_per_text() {
    let data = with_closing("谢谢\u{200B}大家\u{200D}，\u{00AD}再\u{FEFF}见\u{200E}。")
        .replace("opening: 开场。", "opening: 开\u{202E}场。");
    let p = Project::new(&[("data/x/2018.yaml", &data)]);
    let (code, found) = check(&p, "data", &["--deny-warnings"]);
    assert_eq!(code, Some(1), "warnings only: {found:#?}");
    assert!(found.iter().all(|f| f["severity"] == "warning"), "{found:#?}");
    let closing: Vec<_> = found.iter().filter(|f| f["path"] == "closing").collect();
    assert_eq!(closing.len(), 1, "{found:#?}");
    assert_eq!(closing[0]["id"], "text.invisible");
    assert!(
        message(closing[0]).starts_with("这段文字里有 5 个看不见的字符（U+200B 零宽空格、U+200D 零宽连字"),
        "{}",
        closing[0]
    );
    assert_eq!(at(closing[0]), position(&data, "closing", "\u{200B}"));
    let opening = found.iter().find(|f| f["path"] == "opening").unwrap();
    assert_eq!(at(opening), position(&data, "opening", "\u{202E}"));
    let o = nianbao(p.dir.path(), &["render", "data/x/2018.yaml", "--format", "md,pdf"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let md = std::fs::read_to_string(p.path("out/x/2018/样例县2018年卫生健康工作会议讲话.md")).unwrap();
    assert!(md.contains("谢谢大家，再见。") && md.contains("\n开场。\n"), "{md}");
}

// 7. Locations.

#[test]
fn each_placeholder_is_located_at_its_own_column() {
    let data = with_closing("xx局、xx镇、xx村、xx院和xx站。");
    let p = Project::new(&[("data/x/2018.yaml", &data)]);
    let (_, found) = check(&p, "data", &[]);
    let columns: Vec<(u64, u64)> = found.iter().filter(|f| f["id"] == "placeholder").map(at).collect();
    let line = position(&data, "closing", "xx").0;
    assert_eq!(columns, [(line, 10), (line, 14), (line, 18), (line, 22), (line, 26)]);
}

#[test]
fn a_30_digit_integer_is_a_type_error_that_hides_nothing() {
    let data = format!(
        "{MINIMAL}closing: xx。\nreview:\n  metrics:\n    - {{ id: a, name: 甲, value: 123456789012345678901234567890, unit: 个 }}\n"
    );
    let p = Project::new(&[("data/x/2018.yaml", &data)]);
    let (code, found) = check(&p, "data", &[]);
    assert_eq!(code, Some(1));
    let f = one(&found, "data.type");
    assert_eq!(message(f), "数字 123456789012345678901234567890 太大（30 位），超出了能处理的范围");
    assert_eq!((at(f), f["path"].as_str()), (position(&data, "value", "1234"), Some("review.metrics[0].value")));
    assert_eq!(at(one(&found, "placeholder")), position(&data, "closing", "xx"));
    assert!(found.iter().all(|f| f["id"] != "yaml.syntax"), "{found:#?}");
}

// 8. Figures exactly right.

#[test]
fn figures_print_as_written_and_changes_are_exact_for_every_unit() {
    let last = "kind: figures\nunit: { name: 样例县, level: 县 }\nissuer: 样例县卫生健康局\nreview:\n  metrics:\n    - { id: birth, name: 人口出生率, value: 12.05, unit: ‰ }\n    - { id: sign, name: 签约率, value: 63, unit: \"%\" }\n    - { id: money, name: 设备投入, value: 280, unit: 万元 }\n    - { id: mmr, name: 孕产妇死亡率, value: 18.5, unit: /10万 }\n";
    let data = format!(
        "{MINIMAL}review:\n  metrics:\n    - {{ id: birth, name: 人口出生率, value: 11.68, unit: ‰ }}\n    - {{ id: sign, name: 签约率, value: 66.2, unit: \"%\" }}\n    - {{ id: money, name: 设备投入, value: 338.3, unit: 万元 }}\n    - {{ id: mmr, name: 孕产妇死亡率, value: 12.1, unit: /10万 }}\n    - {{ id: edu, name: 电子建档率, value: 93.70, unit: \"%\", prior: 93.7 }}\nattachments:\n  - title: 重点项目表\n    table:\n      columns: [序号, 项目, 投资（万元）, 占比（%）]\n      rows: [[1, 门诊楼, 3200.50, 12.00]]\n"
    );
    let p = Project::new(&[("data/x/2017.yaml", last), ("data/x/2018.yaml", &data)]);
    let o = nianbao(p.dir.path(), &["render", "data/x/2018.yaml", "--format", "md"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let md = std::fs::read_to_string(p.path("out/x/2018/样例县2018年卫生健康工作会议讲话.md")).unwrap();
    for row in [
        "| 人口出生率 | ‰ | 12.05 | 11.68 | 下降0.37个千分点 |",
        "| 签约率 | % | 63 | 66.2 | 提高3.2个百分点 |",
        "| 设备投入 | 万元 | 280 | 338.3 | 增长20.8% |",
        "| 孕产妇死亡率 | /10万 | 18.5 | 12.1 | 下降6.4/10万 |",
        // Each figure as written: last year's 93.7 and this year's 93.70.
        "| 电子建档率 | % | 93.7 | 93.70 | 持平 |",
        "| 1 | 门诊楼 | 3200.50 | 12.00 |",
    ] {
        assert!(md.contains(row), "{row} not in:\n{md}");
    }
}

// 9. The command line in Chinese.

/// Lines a user reads that hold an English sentence (three or more English
/// words in a row) and no Chinese, unless a Chinese line just before says it.
fn english_only(text: &str) -> Vec<String> {
    let cjk = |s: &str| s.chars().any(|c| c as u32 >= 0x3400);
    let mut out = Vec::new();
    let mut previous_chinese = false;
    for line in text.lines() {
        let mut run = 0;
        let mut longest = 0;
        for word in line.split_whitespace() {
            // Options, placeholders, paths and the commands themselves are not prose.
            let prose = word.chars().all(|c| c.is_ascii_alphabetic() || ",.;:'!?".contains(c))
                && word.chars().any(|c| c.is_ascii_alphabetic())
                && !["nianbao", "render", "batch", "check", "init", "watch", "schema", "completions"].contains(&word);
            run = if prose { run + 1 } else { 0 };
            longest = longest.max(run);
        }
        if longest >= 3 && !cjk(line) && !previous_chinese {
            out.push(line.to_string());
        }
        if !line.trim().is_empty() {
            previous_chinese = cjk(line);
        }
    }
    out
}

#[test]
fn help_usage_errors_and_the_schema_speak_chinese() {
    let dir = tempfile::tempdir().unwrap();
    for args in
        [&["--help"][..], &["render", "--help"], &["check", "--help"], &["batch", "--help"], &["completions", "--help"]]
    {
        let o = nianbao(dir.path(), args);
        assert_eq!(o.status.code(), Some(0));
        let text = String::from_utf8_lossy(&o.stdout);
        assert_eq!(english_only(&text), Vec::<String>::new(), "{args:?}:\n{text}");
        assert!(!text.contains("Usage") && !text.contains("[OPTIONS]") && !text.contains("Options:"), "{text}");
    }
    let o = nianbao(dir.path(), &["render", "x.yaml", "--fromat", "md"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.starts_with("错误：不认识的选项“--fromat”\n  提示：是不是想写“--format”？\n"), "{err}");
    assert!(
        err.contains("用法：nianbao render [选项] <数据文件>...") && err.contains("运行 nianbao render --help"),
        "{err}"
    );
    for args in [
        &["render", "x.yaml", "--fromat", "md"][..],
        &["frob"],
        &["render"],
        &["render", "x", "--format", "odt"],
        &["batch", "--year", "abc"],
        &["render", "x", "--force=3"],
    ] {
        let o = nianbao(dir.path(), args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = stderr(&o);
        assert!(err.starts_with("错误："), "{args:?}: {err}");
        assert_eq!(english_only(&err), Vec::<String>::new(), "{args:?}:\n{err}");
        for english in ["error:", "tip:", "Usage:", "For more information", "possible values", "invalid"] {
            assert!(!err.contains(english), "{args:?}: {english} in {err}");
        }
    }
    let o = nianbao(dir.path(), &["schema"]);
    let schema: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let mut descriptions = Vec::new();
    fn walk<'a>(v: &'a serde_json::Value, out: &mut Vec<&'a str>) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, v) in m {
                    match (k.as_str(), v) {
                        ("description" | "title", serde_json::Value::String(s)) => out.push(s),
                        _ => walk(v, out),
                    }
                }
            }
            serde_json::Value::Array(a) => a.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    walk(&schema, &mut descriptions);
    assert!(descriptions.len() > 90, "{}", descriptions.len());
    for d in descriptions {
        let first = d.lines().next().unwrap_or_default();
        assert!(first.chars().any(|c| c as u32 >= 0x3400), "a description that does not start in Chinese: {d}");
    }
}

// 10. Small untruths.

#[test]
fn a_stamp_that_cannot_be_written_does_not_say_nothing_was_generated() {
    let p = Project::new(&[("data/x/2018.yaml", MINIMAL)]);
    // A folder where the stamp file goes.
    std::fs::create_dir_all(p.path("out/.nianbao/x/2018.stamp")).unwrap();
    let o = nianbao(p.dir.path(), &["render", "data/x/2018.yaml", "--format", "md"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        err.contains("警告[output.stamp]：报告已生成，但记录其输入的文件没有写成，下次会重新生成这份报告"),
        "{err}"
    );
    assert!(err.contains("已生成 out/x/2018/样例县2018年卫生健康工作会议讲话.md") && !err.contains("未生成"), "{err}");
}

#[test]
fn format_md_writes_clean_markdown_not_the_markup() {
    let p = Project::new(&[("data/x/2018.yaml", MINIMAL)]);
    assert!(nianbao(p.dir.path(), &["render", "data/x/2018.yaml", "--format", "md"]).status.success());
    let md = std::fs::read_to_string(p.path("out/x/2018/样例县2018年卫生健康工作会议讲话.md")).unwrap();
    assert!(md.starts_with("# 标题\n") && !md.contains("{.") && !md.contains("numbering:"), "{md}");
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap();
    assert!(readme.contains("`--format md` 写出的不是这份标记，而是整理后的报告"));
}

// 11. Lint a real report needs.

#[test]
fn the_report_year_inside_a_number_is_warned() {
    let data = with_closing("出生人口性别比12023.82，为12023户家庭投保，让利202342.15万元。");
    let data = data.replace("2018", "2023").replace("样例县2023年卫生健康工作会议", "样例县2023年会议");
    let p = Project::new(&[("data/x/2023.yaml", &data)]);
    let (_, found) = check(&p, "data", &[]);
    let hits: Vec<_> = found.iter().filter(|f| f["id"] == "figure.year-in-number").collect();
    let wanted = [("12023.82", "12023.82"), ("12023户", "12023"), ("202342", "202342.15")];
    assert_eq!(hits.len(), wanted.len(), "{found:#?}");
    for (f, (find, excerpt)) in hits.iter().zip(wanted) {
        assert_eq!(at(f), position(&data, "closing", find));
        assert!(message(f).starts_with(&format!("数字“{excerpt}”里夹着年份“2023”")), "{f}");
        assert_eq!(f["severity"], "warning");
    }
}

#[test]
fn conversion_artefacts_of_a_real_report_are_warned() {
    let text = "落实方案生育政策，夯实根底，覆盖率到达30%，抓好平安生产，坚持原那么和准那么，依靠广阔干部职工，发奋有为，推动事业开展，完善根本医疗保障。";
    let data = with_closing(text);
    let p = Project::new(&[("data/x/2018.yaml", &data)]);
    let (_, found) = check(&p, "data", &[]);
    let hits: Vec<(String, (u64, u64))> =
        found.iter().filter(|f| f["id"] == "text.artefact").map(|f| (message(f).to_string(), at(f))).collect();
    let wanted = [
        ("方案生育", "计划生育"),
        ("根底", "基础"),
        ("到达", "达到"),
        ("平安生产", "安全生产"),
        ("原那么", "原则"),
        ("准那么", "准则"),
        ("广阔", "广大"),
        ("发奋有为", "奋发有为"),
        ("事业开展", "事业发展"),
        ("根本医疗", "基本医疗"),
    ];
    assert_eq!(hits.len(), wanted.len(), "{hits:#?}");
    for (wrong, right) in wanted {
        let m = format!("“{wrong}”像是文字转换留下的错词，应为“{right}”");
        let hit = hits.iter().find(|(msg, _)| *msg == m).unwrap_or_else(|| panic!("{m}: {hits:#?}"));
        assert_eq!(hit.1, position(&data, "closing", wrong), "{wrong}");
    }
    // Right where the words are right.
    let p = Project::new(&[("data/x/2018.yaml", &with_closing("医护人员及时到达现场，发展前景广阔。"))]);
    let (_, found) = check(&p, "data", &[]);
    assert!(found.iter().all(|f| f["id"] != "text.artefact"), "{found:#?}");
}

/// A change against last year stated in the prose is checked against the two
/// figures as printed, with what they may have been before rounding.
#[test]
fn a_stated_change_the_figures_cannot_give_is_an_error() {
    let data = |summary: &str| {
        format!(
            "{MINIMAL}review:\n  summary: {summary}\n  metrics:\n    - {{ id: c, name: 日检测能力, value: 32.6, prior: 10.35, unit: 万份 }}\n    - {{ id: s, name: 签约率, value: 66.2, prior: 45.3, unit: \"%\" }}\n"
        )
    };
    let wrong = data("日检测能力达到32.6万份，比上年增长251.4%；签约率66.2%，同比下降20.9个百分点");
    let p = Project::new(&[("data/x/2018.yaml", &wrong)]);
    let (code, found) = check(&p, "data", &[]);
    assert_eq!(code, Some(1));
    let hits: Vec<_> = found.iter().filter(|f| f["id"] == "figure.contradiction").collect();
    assert_eq!(hits.len(), 2, "{found:#?}");
    assert_eq!(
        message(hits[0]),
        "文字里写的是“日检测能力达到32.6万份，比上年增长251.4%”，但指标“日检测能力”（id `c`）今年 32.6万份、上年 10.35万份，算出来是增长215.0%"
    );
    assert_eq!(at(hits[0]), position(&wrong, "summary", "增长251.4%"));
    assert_eq!(
        message(hits[1]),
        "文字里写的是“签约率66.2%，同比下降20.9个百分点”，但指标“签约率”（id `s`）今年 66.2%、上年 45.3%，算出来是提高20.9个百分点"
    );
    assert_eq!(at(hits[1]), position(&wrong, "summary", "下降20.9个百分点"));
    // What the figures can give, from the values they round (32.55–32.65 over
    // 10.345–10.355 is 214.3%–215.6%), and a rate's change as a ratio (not read).
    for fine in [
        "日检测能力达到32.6万份，比上年增长215.4%；签约率66.2%，较上年提高21个百分点",
        "日检测能力达到32.6万份，同比增长215%；签约率比上年增长46.1%",
    ] {
        let p = Project::new(&[("data/x/2018.yaml", &data(fine))]);
        let (_, found) = check(&p, "data", &[]);
        assert!(found.iter().all(|f| f["id"] != "figure.contradiction"), "{fine}: {found:#?}");
    }
}

#[test]
fn a_prose_figure_contradicting_its_metric_is_an_error() {
    let data = format!(
        "{MINIMAL}review:\n  summary: 2017年，城乡居民健康档案电子建档率92.2%，签约率由45.3%提高到66.2%，2016年签约率为45.3%，力争签约率达到70%\n  metrics:\n    - {{ id: e, name: 电子建档率, value: 93.7, unit: \"%\" }}\n    - {{ id: s, name: 签约率, value: 66.2, prior: 45.3, unit: \"%\" }}\n"
    );
    let p = Project::new(&[("data/x/2018.yaml", &data)]);
    let (code, found) = check(&p, "data", &[]);
    assert_eq!(code, Some(1));
    let f = one(&found, "figure.contradiction");
    assert_eq!(message(f), "文字里写的是“电子建档率92.2%”，但指标“电子建档率”（id `e`）的数值是 93.7%");
    assert_eq!((at(f), f["path"].as_str()), (position(&data, "summary", "92.2%"), Some("review.summary")));
    // The same figure written as the metric says is fine; so is rounding.
    let fixed = data.replace("92.2%", "93.7%");
    p.write("data/x/2018.yaml", fixed.as_bytes());
    let (_, found) = check(&p, "data", &[]);
    assert!(found.iter().all(|f| f["id"] != "figure.contradiction"), "{found:#?}");
}
