//! `nianbao check`: each check fires once, where the mistake is written; the
//! clean samples give no findings; seed 004's text as it went to print is
//! refused; JSON output, silencing and --deny-warnings.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::Project;

fn nianbao(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nianbao")).args(args).current_dir(dir).output().expect("run nianbao")
}

/// The findings of `check --format json` on `data`, as (id, line, column).
fn findings(p: &Project, extra: &[&str]) -> (Option<i32>, Vec<serde_json::Value>) {
    let mut args = vec!["check", "data", "--format", "json"];
    args.extend_from_slice(extra);
    let o = nianbao(p.dir.path(), &args);
    let json: Vec<serde_json::Value> =
        serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stderr)));
    (o.status.code(), json)
}

/// 1-based line and column (in characters) of the first `needle` in `text` after `after`.
fn position(text: &str, after: &str, needle: &str) -> (u64, u64) {
    let start = text.find(after).unwrap_or_else(|| panic!("{after} not in fixture"));
    let at = start + text[start..].find(needle).unwrap_or_else(|| panic!("{needle} not after {after}"));
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line = text[..at].matches('\n').count() + 1;
    (line as u64, text[line_start..at].chars().count() as u64 + 1)
}

const LAST_YEAR: &str = "\
kind: speech
unit: { name: 样例县, level: 县 }
issuer: 样例县卫生健康局
meeting: { name: 样例县2017年卫生健康工作会议, date: 2017-03-01 }
speaker: { post: 局长, name: 王某 }
title: 标题
opening: 开场。
plan:
  requirement: 稳中求进。
  targets:
    - { id: beds, name: 床位数, value: 500, unit: 张 }
    - { id: gone, name: 已取消的指标, value: 5, unit: 个 }
";

/// One instance of each data check, each on its own line.
const ONE_OF_EACH: &str = "\
kind: speech
unit: { name: 样例县, level: 区 }
issuer: 示例县卫生健康局
date: 2019-01-05
meeting: { name: 样例县2018年卫生健康工作会议, date: 2018-03-01 }
speaker: { post: 局长, name: 王某 }
title: 标题
opening: 今天召开xx镇卫生工作会议。
review:
  summary: '   '
  honours:
    - { date: 2016-05, text: 获得省级荣誉 }
  metrics:
    - { id: beds, name: 床位数, value: 450, unit: 张, parts: [a, b] }
    - { id: a, name: 甲院床位, value: 300, unit: 张 }
    - { id: b, name: 乙院床位, value: 100, unit: 张 }
    - { id: rate, name: 签约率, value: 120, unit: \"%\" }
    - { id: sick, name: 病例数, value: -3, unit: 例 }
    - { id: sign, name: 重点人群签约率, value: 80, numerator: 54490, denominator: 59945, unit: \"%\" }
  problems:
    - 传染病疫情网络直报率20230%。
    - 工作机制,为全县服务。
    - 落实“健康样例建设。
    - 完成了任务。。
    - 落实根本公共卫生服务项目。
    - 这一段没有句号
    - 签约１１４９３０人。
    - 建立 健全机制。
plan:
  requirement: 巩固2017年成果，推进健康样例建设。
  targets:
    - { id: beds, name: 床位数, value: 500, unit: 张, deadline: 2019-06 }
  sections:
    - title: （一）深化医改
      items:
        - title: 推进分级诊疗
          paragraphs: 组建医共体，床位数由450张增加到500张，再增加50张，年底床位数达到520张。
attachments:
  - title: 项目表
    table:
      columns: [序号, 项目]
      rows:
        - [1, 社区医院, 续建]
  - title: 空表
    table:
      columns: [序号, 项目]
      rows: []
";

#[test]
fn each_check_fires_once_where_the_mistake_is_written() {
    let p = Project::new(&[("data/x/2017.yaml", LAST_YEAR), ("data/x/2018.yaml", ONE_OF_EACH)]);
    let (code, found) = findings(&p, &[]);
    assert_eq!(code, Some(1), "{found:#?}");
    let t = ONE_OF_EACH;
    let expected: Vec<(&str, (u64, u64), &str)> = vec![
        ("placeholder", position(t, "opening", "xx"), "opening"),
        ("text.empty", position(t, "summary", "'"), "review.summary"),
        ("year.date", position(t, "date: 2019", "2019"), "date"),
        ("year.honour", position(t, "honours", "2016-05"), "review.honours[0].date"),
        ("figure.parts", position(t, "id: beds", "450"), "review.metrics[0].value"),
        ("figure.rate-over-100", position(t, "id: rate", "120"), "review.metrics[3].value"),
        ("figure.negative", position(t, "id: sick", "-3"), "review.metrics[4].value"),
        ("figure.rate-mismatch", position(t, "id: sign", "80"), "review.metrics[5].value"),
        ("figure.rate-over-100", position(t, "problems", "20230%"), "review.problems[0]"),
        ("text.halfwidth", position(t, "problems", ","), "review.problems[1]"),
        ("text.unpaired", position(t, "problems", "“"), "review.problems[2]"),
        ("text.doubled", position(t, "problems", "。。"), "review.problems[3]"),
        ("text.artefact", position(t, "problems", "根本公共卫生"), "review.problems[4]"),
        ("text.unclosed", position(t, "problems", "一段没有句号"), "review.problems[5]"),
        ("text.fullwidth-digit", position(t, "problems", "１１４９３０"), "review.problems[6]"),
        ("text.space", position(t, "problems", "立 健"), "review.problems[7]"),
        ("unit.level", position(t, "unit:", "区"), "unit.level"),
        ("unit.other", position(t, "issuer", "示例县"), "issuer"),
        ("year.in-plan", position(t, "requirement", "2017年"), "plan.requirement"),
        ("target.deadline", position(t, "id: beds, name: 床位数, value: 500", "2019-06"), "plan.targets[0].deadline"),
        ("title.typed-number", position(t, "sections", "（一）"), "plan.sections[0].title"),
        ("target.text", position(t, "年底床位数", "520"), "plan.sections[0].items[0].paragraphs"),
        ("data.table", position(t, "社区医院", "续建"), "attachments[0].table.rows[0][2]"),
        ("table.empty", position(t, "空表", "[]"), "attachments[1].table.rows"),
    ];
    for (id, (line, column), path) in &expected {
        let hits: Vec<_> = found.iter().filter(|f| f["id"] == *id && f["path"] == *path).collect();
        assert_eq!(hits.len(), 1, "{id} at {path}: {found:#?}");
        assert_eq!(hits[0]["file"], "data/x/2018.yaml", "{id}");
        assert_eq!((hits[0]["line"].as_u64().unwrap(), hits[0]["column"].as_u64().unwrap()), (*line, *column), "{id}");
    }
    // Last year's target `gone` has no metric this year; it is located in last year's file.
    let unmatched: Vec<_> = found.iter().filter(|f| f["id"] == "target.unmatched").collect();
    assert_eq!(unmatched.len(), 1, "{found:#?}");
    assert_eq!(unmatched[0]["file"], "data/x/2017.yaml");
    assert_eq!(unmatched[0]["line"], position(LAST_YEAR, "gone", "gone").0);
    // Nothing else fired.
    assert_eq!(found.len(), expected.len() + 1, "{found:#?}");
}

#[test]
fn the_rendered_document_shows_skipped_levels_empty_sections_and_template_placeholders() {
    let data = "kind: speech\nunit: { name: 样例县, level: 县 }\nissuer: 样例县卫生健康局\n\
                meeting: { name: 样例县2018年会议, date: 2018-03-01 }\nspeaker: { post: 局长, name: 王某 }\n\
                title: 标题\nopening: 开场。\n";
    let template = "---\nfile: t\ndate: 2018-01-01\n---\n\n# 第一部分\n\n### 跳过了二级\n\n正文。\n\n# 空的部分\n\n# 第三部分\n\n由xx局负责。\n";
    let p = Project::new(&[("data/x/2018.yaml", data), ("templates/t.md.j2", template)]);
    let (code, found) = findings(&p, &["--template", "t.md.j2"]);
    // The template reads no data: every field of it is warned as unread.
    let unread: Vec<&str> =
        found.iter().filter(|f| f["id"] == "data.unread").map(|f| f["path"].as_str().unwrap()).collect();
    assert_eq!(unread, ["unit", "issuer", "meeting", "speaker", "title", "opening"], "{found:#?}");
    let found: Vec<&serde_json::Value> = found.iter().filter(|f| f["id"] != "data.unread").collect();
    let ids: Vec<&str> = found.iter().map(|f| f["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["doc.heading-skip", "doc.empty-section", "placeholder"], "{found:#?}");
    assert!(found[0]["message"].as_str().unwrap().contains("跳过了二级"));
    assert!(found[1]["message"].as_str().unwrap().contains("空的部分"));
    assert!(found[2]["help"].as_str().unwrap().contains("由xx局负责"));
    assert_eq!(code, Some(1));
}

#[test]
fn the_samples_are_clean() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let o = nianbao(root, &["check", "data", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let found: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    let found: Vec<(&str, &str)> =
        found.iter().map(|f| (f["id"].as_str().unwrap(), f["file"].as_str().unwrap_or("—"))).collect();
    // What the samples are: the plan excerpt has no date (its source gives
    // none), and the speech sets 勠 and ㎡ in the fallback face.
    assert_eq!(found, [("data.no-date", "data/gulou/2021.yaml"), ("font.fallback", "—")]);
}

#[test]
fn seed_004_as_printed_is_refused_with_its_placeholders_and_figures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let data = std::fs::read_to_string(root.join("tests/fixtures/seed-004.yaml")).unwrap();
    let p = Project::new(&[("data/qu/2018.yaml", &data)]);
    let (code, found) = findings(&p, &[]);
    assert_eq!(code, Some(1));
    let count = |id: &str| found.iter().filter(|f| f["id"] == id).count();
    assert!(count("placeholder") >= 5, "{found:#?}");
    assert_eq!(count("figure.rate-over-100"), 3, "{found:#?}");
    assert!(count("text.artefact") >= 3, "{found:#?}");
    // `xx区被确认为xx省第一批……示XX县区`: every placeholder of the sentence.
    let line = data.lines().position(|l| l.contains("示XX县区")).unwrap() as u64 + 1;
    let on_line: Vec<_> = found.iter().filter(|f| f["id"] == "placeholder" && f["line"] == line).collect();
    assert!(!on_line.is_empty(), "{found:#?}");
    // And render refuses it too, writing nothing.
    let o = nianbao(p.dir.path(), &["render", "data/qu/2018.yaml", "--format", "md"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(!p.path("out").exists());
}

#[test]
fn silencing_and_deny_warnings() {
    let data = "kind: speech\nunit: { name: 样例县, level: 县 }\nissuer: 样例县卫生健康局\n\
                meeting: { name: 样例县2018年会议, date: 2018-03-01 }\nspeaker: { post: 局长, name: 王某 }\n\
                title: 标题\nopening: 开场,欢迎\n";
    let p = Project::new(&[("data/x/2018.yaml", data)]);
    let (code, found) = findings(&p, &[]);
    let ids: Vec<&str> = found.iter().map(|f| f["id"].as_str().unwrap()).collect();
    // In the order they are written: the unclosed tail starts before the comma.
    assert_eq!((code, ids), (Some(0), vec!["text.unclosed", "text.halfwidth"]));
    let (code, _) = findings(&p, &["--deny-warnings"]);
    assert_eq!(code, Some(1));
    p.write("nianbao.yaml", "check:\n  silence: [\"text.*\"]\n".as_bytes());
    let (code, found) = findings(&p, &["--deny-warnings"]);
    assert_eq!((code, found.len()), (Some(0), 0), "{found:#?}");
}

/// A figure the loader could not read (typed `92.2%`) is reported once, as
/// what it is: the stand-in the loader reads past it with is never compared
/// with the text (it was: `数值是 0.0%`).
#[test]
fn a_figure_that_could_not_be_read_is_not_compared_with_the_text() {
    let data = "kind: speech\nunit: { name: 样例县, level: 县 }\nissuer: 样例县卫生健康局\n\
                meeting: { name: 样例县2018年会议, date: 2018-03-01 }\nspeaker: { post: 局长, name: 王某 }\n\
                title: 标题\nopening: 开场。\nreview:\n  summary: 电子建档率达到92.2%。\n  metrics:\n\
                \x20   - { id: ehr, name: 电子建档率, unit: \"%\", value: 92.2% }\n";
    let p = Project::new(&[("data/x/2018.yaml", data)]);
    let (code, found) = findings(&p, &[]);
    let ids: Vec<&str> = found.iter().map(|f| f["id"].as_str().unwrap()).collect();
    assert_eq!((code, ids), (Some(1), vec!["data.no-prior", "data.type"]), "{found:#?}");
}

/// Text copied from last year's file with its year left: the meeting's name
/// naming another year, the review's summary opening with one. A span of
/// years holding the report's year (`2021—2025年`) is no mistake.
#[test]
fn years_left_from_last_years_file_are_found_where_they_are_written() {
    let data = "kind: speech\nunit: { name: 样例县, level: 县 }\nissuer: 样例县卫生健康局\n\
                meeting: { name: 样例县2017年卫生健康工作会议, date: 2018-03-01 }\nspeaker: { post: 局长, name: 王某 }\n\
                title: 标题\nsubtitle: ——“十四五”开局（2016—2020年）\nopening: 开场。\nreview:\n  summary: 2016年，全县卫生健康工作取得新进展\n";
    let p = Project::new(&[("data/x/2018.yaml", data)]);
    let (_, found) = findings(&p, &[]);
    let stale: Vec<(&str, u64, u64)> = found
        .iter()
        .filter(|f| f["id"] == "year.stale")
        .map(|f| (f["path"].as_str().unwrap(), f["line"].as_u64().unwrap(), f["column"].as_u64().unwrap()))
        .collect();
    assert_eq!(stale, [("meeting.name", 4, 21), ("review.summary", 10, 12)], "{found:#?}");
}

/// A table with more columns than its type size can hold: one warning, at the
/// first cramped column's name where the data writes the table, with what to
/// change (the size the configuration fixes, else fewer columns); a table
/// that fits raises none.
#[test]
fn a_table_too_cramped_for_its_type_size_is_reported_at_its_columns() {
    let head = "kind: speech\nunit: { name: 样例县, level: 县 }\nissuer: 样例县卫生健康局\n\
                meeting: { name: 样例县2018年会议, date: 2018-03-01 }\nspeaker: { post: 局长, name: 王某 }\n\
                title: 标题\nopening: 开场。\nattachments:\n  - title: 项目表\n    table:\n";
    let wide: Vec<String> = (1..=12).map(|i| format!("第{i}项投资额")).collect();
    let cramped = format!(
        "{head}      columns: [{}]\n      rows:\n        - [{}]\n",
        wide.join(", "),
        ["1022.457"; 12].join(", ")
    );
    let p = Project::new(&[("data/x/2018.yaml", &cramped)]);
    let (code, found) = findings(&p, &[]);
    let cramped_at: Vec<_> = found.iter().filter(|f| f["id"] == "table.cramped").collect();
    assert_eq!((code, cramped_at.len()), (Some(0), 1), "{found:#?}");
    let f = cramped_at[0];
    assert_eq!(f["message"], "表格在小四字下排不下：每一栏都比栏里最长的词或数字还窄，只能从中间断开", "{f:#}");
    assert_eq!(f["path"], "attachments[0].table.columns[0]", "{f:#}");
    assert_eq!((f["line"].as_u64(), f["column"].as_u64()), (Some(11), Some(17)), "{f:#}");
    assert!(f["help"].as_str().unwrap().starts_with("列太多"), "{f:#}");

    // The configuration's size: the help says where it is fixed.
    p.write("nianbao.yaml", "fonts:\n  roles:\n    table: { face: fang, size: 三号 }\n".as_bytes());
    let (_, found) = findings(&p, &[]);
    let f = found.iter().find(|f| f["id"] == "table.cramped").expect("cramped at 三号");
    assert!(f["message"].as_str().unwrap().starts_with("表格在三号字下排不下"), "{f:#}");
    assert!(f["help"].as_str().unwrap().contains("fonts.roles.table.size 定为三号"), "{f:#}");

    // Three columns fit.
    let fits = format!("{head}      columns: [序号, 项目, 投资额]\n      rows:\n        - [1, 社区医院, 1022.457]\n");
    let p = Project::new(&[("data/x/2018.yaml", &fits)]);
    let (_, found) = findings(&p, &[]);
    assert!(found.iter().all(|f| f["id"] != "table.cramped"), "{found:#?}");
}

/// A paragraph written over several lines of the data file reads as Chinese
/// does: no space where a line ends between Chinese characters (YAML would
/// put one there), so none is printed and `text.space` has nothing to say;
/// a space typed inside a line is still reported.
#[test]
fn a_paragraph_over_several_lines_prints_without_spaces_at_the_breaks() {
    let data = "kind: speech\nunit: { name: 样例县, level: 县 }\nissuer: 样例县卫生健康局\n\
                meeting: { name: 样例县2018年会议, date: 2018-03-01 }\nspeaker: { post: 局长, name: 王某 }\n\
                title: 标题\nopening: >\n  今天召开全县卫生健康工作会议，\n  主要任务是总结工作、部署任务。\n\
                closing: 同志们，\n  让我们团结 一心。\n";
    let p = Project::new(&[("data/x/2018.yaml", data)]);
    let (code, found) = findings(&p, &[]);
    let spaces: Vec<_> = found.iter().filter(|f| f["id"] == "text.space").map(|f| f["path"].clone()).collect();
    assert_eq!((code, spaces), (Some(0), vec![serde_json::json!("closing")]), "{found:#?}");
    let o = nianbao(p.dir.path(), &["render", "data/x/2018.yaml", "--format", "md", "--out", "out"]);
    assert!(o.status.success());
    let md = std::fs::read_to_string(p.path("out/x/2018/样例县2018年会议讲话.md")).unwrap();
    assert!(md.contains("今天召开全县卫生健康工作会议，主要任务是总结工作、部署任务。"), "{md}");
    assert!(md.contains("同志们，让我们团结 一心。"), "{md}");
}

/// A banner written as a county would print 全县: `unit.level` names the level
/// its name ends with; written right, it says nothing.
#[test]
fn a_banner_written_as_a_county_is_told_its_level() {
    let data = |level: &str| {
        common::MINIMAL.replace("样例县", "鄂温克族自治旗").replace("level: 县", &format!("level: {level}"))
    };
    let p = Project::new(&[("data/ewenki/2018.yaml", &data("县"))]);
    let (_, found) = findings(&p, &[]);
    let level: Vec<_> = found.iter().filter(|f| f["id"] == "unit.level").collect();
    assert_eq!(level.len(), 1, "{found:#?}");
    assert_eq!(level[0]["message"], "单位“鄂温克族自治旗”写的级别是“县”，报告里会印成“全县”");
    assert_eq!(level[0]["help"], "应为 level: 旗");
    let p = Project::new(&[("data/ewenki/2018.yaml", &data("旗"))]);
    let (_, found) = findings(&p, &[]);
    assert!(found.iter().all(|f| f["id"] != "unit.level"), "{found:#?}");
}
