//! `nianbao import` on the five seed reports: each imported, rendered to
//! Markdown, and every sentence of the seed's body looked for in order in what
//! it renders. Also: GB18030 text, `--dry-run`, and never overwriting.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

fn nianbao(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_nianbao")).args(args).current_dir(dir).output().unwrap()
}

fn seed(prefix: &str) -> PathBuf {
    let dir = common::root().join("../shared/seeds");
    let dir = if dir.is_dir() { dir } else { PathBuf::from("/work/shared/seeds") };
    std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with(prefix))
        .unwrap()
}

/// Text as compared: no whitespace, half-width punctuation the importer
/// makes full-width, Markdown escapes and heading numbers (the templates
/// number headings themselves) left out.
fn normalise(line: &str) -> String {
    let line = line.trim_start_matches('#').trim();
    let numbered = regex::Regex::new(
        r"^(第[一二三四五六七八九十百]+[章节部分]+|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d{1,2}[．.、]?|[（(]\d{1,2}[）)])",
    )
    .unwrap();
    let line = numbered.replace(line, "");
    line.chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{3000}' && *c != '\\')
        .map(|c| nianbao::numbers::full_width_mark(c).unwrap_or(c))
        .collect()
}

/// The sentences of `lines`, normalised, each at least two characters; a
/// run of spaces ends one too (seed 004 lost its line breaks to spaces).
fn sentences(lines: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for l in lines.iter().flat_map(|l| l.split_whitespace()) {
        for s in normalise(l).split_inclusive(['。', '！', '？', '；']) {
            if s.chars().count() >= 2 {
                out.push(s.to_string());
            }
        }
    }
    out
}

/// The body of a seed: from the line holding `start` to the line holding
/// `end`, without the lines holding any of `skip` (what the web page put
/// around and inside the copied text).
fn body<'a>(text: &'a str, start: &str, end: &str, skip: &[&str]) -> Vec<&'a str> {
    let lines: Vec<&str> = text.lines().collect();
    let a = lines.iter().position(|l| l.contains(start)).unwrap();
    let b = lines.iter().rposition(|l| l.contains(end)).unwrap();
    lines[a..=b].iter().copied().filter(|l| !skip.iter().any(|s| l.contains(s))).collect()
}

/// Sentences of `want` found in order in `text`: how many.
fn found_in_order(want: &[String], text: &str, missing: &mut Vec<String>) -> usize {
    let mut at = 0;
    let mut found = 0;
    for s in want {
        match text[at..].find(s.as_str()) {
            Some(i) => {
                at += i + s.len();
                found += 1;
            }
            None => missing.push(s.clone()),
        }
    }
    found
}

/// Import `file` into a fresh project as `data/<county>/<year>.yaml` and render it to Markdown.
fn import_and_render(file: &Path, county: &str, year: i32, extra: &[&str]) -> (String, String) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    // What the source carries (xx placeholders, 20230% where 100% was
    // replaced by a year) is for `check`; rendering goes on with it silenced.
    std::fs::write(dir.join("nianbao.yaml"), "check:\n  silence: [placeholder, figure.rate-over-100]\n").unwrap();
    let out = format!("data/{county}/{year}.yaml");
    let mut args = vec!["import", file.to_str().unwrap(), "-o", &out];
    args.extend(extra);
    let o = nianbao(dir, &args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let yaml = std::fs::read_to_string(dir.join(&out)).unwrap();
    let o = nianbao(dir, &["render", &out, "--format", "md", "--out", "out"]);
    assert!(o.status.success(), "{}\n{yaml}", String::from_utf8_lossy(&o.stderr));
    let md_dir = dir.join("out").join(county).join(year.to_string());
    let md = std::fs::read_dir(md_dir).unwrap().flatten().next().unwrap().path();
    (yaml, std::fs::read_to_string(md).unwrap())
}

/// A seed: its number, the county and year to import it as, the first and
/// last line of its body, and lines inside the body to skip.
type Seed = (&'static str, &'static str, i32, &'static str, &'static str, &'static [&'static str]);

#[test]
fn every_seed_sentence_is_rendered_in_order() {
    let seeds: [Seed; 5] = [
        ("000", "jinhua", 2018, "2018年全市卫生计生工作要点", "(十三)持之以恒正风肃纪", &["发布时间", "分享到"]),
        ("001", "gulou", 2021, "加强卫生人才培养", "完善工作机制,加强规划管理", &[]),
        ("002", "hunan", 2020, "2020年是全面建成小康社会", "这里,要特别强调", &[]),
        ("003", "xiangyuan", 2018, "大干苦干", "同志们，幸福都是奋斗出来的", &[]),
        ("004", "qu", 2023, "卫生计生工作会议上的工作报告 同志们", "卫生计生工作会议上的工作报告 同志们", &[]),
    ];
    let mut report = Vec::new();
    let mut all_found = true;
    for (prefix, county, year, start, end, skip) in seeds {
        let path = seed(prefix);
        let text = std::fs::read_to_string(&path).unwrap();
        let want = sentences(&body(&text, start, end, skip));
        let (yaml, md) = import_and_render(&path, county, year, &[]);
        // The unit, where the title does not name it, from the campaign the
        // text names (健康金华, 健康湖南行动) and the level it says 全市, 全省 in.
        let unit: yaml_serde::Value = yaml_serde::from_str(&yaml).unwrap();
        let named = match prefix {
            "000" => Some(("金华市", "金华市卫生和计划生育委员会")),
            "002" => Some(("湖南省", "湖南省卫生健康委员会")),
            "003" => Some(("襄垣县", "襄垣县卫生和计划生育局")),
            _ => None,
        };
        if let Some((name, issuer)) = named {
            assert_eq!(
                (unit["unit"]["name"].as_str(), unit["issuer"].as_str()),
                (Some(name), Some(issuer)),
                "seed {prefix}"
            );
        }
        let rendered: String = md.lines().map(normalise).collect();
        let mut missing = Vec::new();
        let found = found_in_order(&want, &rendered, &mut missing);
        report.push(format!("seed {prefix}: {found}/{} sentences in order", want.len()));
        if found != want.len() {
            all_found = false;
            eprintln!("seed {prefix} missing: {:#?}", missing.iter().take(5).collect::<Vec<_>>());
        }
    }
    eprintln!("{}", report.join("\n"));
    assert!(all_found, "{report:#?}");
}

/// A key-points text pasted from a web page and saved by Notepad as GB18030.
const PASTED: &str = "\
您当前所在的位置: 首页 >> 政务公开
发布时间: 2019-03-02 14:42    浏览次数: 字号【
2019年全县卫生健康工作要点
分享到:
2019年,全县卫生健康工作的总体要求是:以人民健康为中心,推动高质量发展。
重点做好以下工作:
一、深化医改
(一)推进分级诊疗。一是建好医共体;二是做实签约服务。
(二)加强基层建设。全县完成标准化村卫生室33个。
二、强化公共卫生
1.做好疫苗管理。严格冷链。
本文仅代表作者观点,不代表本站立场。 凡注明为本网原创作品的,未经许可,不得转载;报告、公报、规划等总结类或文件类信息,本站展示并非全部都完整,建议您到相关地区政府官网下载完整版本;源于网络的作品,若对您造成了侵权,请联系本站,我们会第一时间予以处理。
本文地址:/guihua/10821.html
网站地图
";

#[test]
fn gb18030_web_text_imports_with_its_structure_and_debris_counted() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let (bytes, _, _) = encoding_rs::GB18030.encode(PASTED);
    std::fs::write(dir.join("要点.txt"), &bytes).unwrap();
    let o = nianbao(dir, &["import", "要点.txt", "--unit", "样例县"]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    // The six lines of the page around the text (the site's disclaimer however
    // long) are dropped and counted; the year names the file.
    assert!(stderr.contains("已生成 data/样例县/2019.yaml：去掉网页杂项 6 行"), "{stderr}");
    assert!(stderr.contains("警告[file.gbk]"), "{stderr}");
    let text = std::fs::read_to_string(dir.join("data/样例县/2019.yaml")).unwrap();
    assert!(text.contains("# 识别为：工作要点（key-points）"), "{text}");
    assert!(text.contains("# 识别为：二级标题“（一）推进分级诊疗”"), "{text}");
    let v: yaml_serde::Value = yaml_serde::from_str(&text).unwrap();
    assert_eq!(v["kind"].as_str(), Some("key-points"));
    assert_eq!(v["title"][0].as_str(), Some("2019年全县卫生健康工作要点"));
    assert_eq!(v["plan"]["requirement"].as_str(), Some("以人民健康为中心，推动高质量发展。"));
    let s = &v["plan"]["sections"];
    assert_eq!(s[0]["title"].as_str(), Some("深化医改"));
    assert_eq!(s[0]["items"][0]["title"].as_str(), Some("推进分级诊疗"));
    assert_eq!(s[0]["items"][0]["points"][1].as_str(), Some("做实签约服务。"));
    assert_eq!(s[0]["items"][1]["paragraphs"][0].as_str(), Some("全县完成标准化村卫生室33个。"));
    assert_eq!(s[1]["items"][0]["title"].as_str(), Some("做好疫苗管理"));
    assert!(
        !text.contains("浏览次数")
            && !text.contains("网站地图")
            && !text.contains("本站")
            && !text.contains("重点做好以下工作"),
        "{text}"
    );

    // It renders, and `check` finds nothing wrong with it.
    let o = nianbao(dir, &["check", "data/样例县/2019.yaml"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    // Never overwritten.
    let again = nianbao(dir, &["import", "要点.txt", "--unit", "样例县"]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("错误[import.exists]"));
    assert_eq!(std::fs::read_to_string(dir.join("data/样例县/2019.yaml")).unwrap(), text);
}

/// Key points whose requirement is led in by a sentence of their own and
/// followed by their own announcement of the tasks (as seed 002 has them):
/// the requirement goes to `plan.requirement`, its wording around to
/// `phrases`, and the report prints it as written, once.
#[test]
fn key_points_keep_their_own_wording_around_the_requirement() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let text = "2020年全县卫生健康工作要点\n\
                2020年是收官之年。全县卫生健康工作的总体思路是：以人民健康为中心，推动高质量发展。重点抓好以下工作：\n\
                一、深化医改\n（一）推进分级诊疗。建好医共体。\n";
    std::fs::write(dir.join("要点.txt"), text).unwrap();
    let o = nianbao(dir, &["import", "要点.txt", "--unit", "样例县"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let yaml = std::fs::read_to_string(dir.join("data/样例县/2020.yaml")).unwrap();
    let v: yaml_serde::Value = yaml_serde::from_str(&yaml).unwrap();
    assert_eq!(v["plan"]["requirement"].as_str(), Some("以人民健康为中心，推动高质量发展。"), "{yaml}");
    assert_eq!(
        v["phrases"]["requirement"].as_str(),
        Some("2020年是收官之年。全县卫生健康工作的总体思路是："),
        "{yaml}"
    );
    assert_eq!(v["phrases"]["tasks"].as_str(), Some("重点抓好以下工作："), "{yaml}");
    assert!(v["opening"].is_null(), "{yaml}");
    let o = nianbao(dir, &["render", "data/样例县/2020.yaml", "--format", "md", "--out", "out"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let md = std::fs::read_to_string(dir.join("out/样例县/2020/2020年全县卫生健康工作要点.md")).unwrap();
    assert!(
        md.contains("2020年是收官之年。全县卫生健康工作的总体思路是：以人民健康为中心，推动高质量发展。\n"),
        "{md}"
    );
    assert_eq!(md.matches("总体").count(), 1, "{md}");
    assert_eq!(md.matches("以下工作").count(), 1, "{md}");
}

/// Key points whose tasks are numbered 1．2．3． with no part above them (seed
/// 002) keep them as their top level, numbered as written.
#[test]
fn key_points_numbered_from_one_keep_their_numbers() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let text = "2020年全县卫生健康工作要点\n\
                2020年，全县卫生健康工作的总体要求是：以人民健康为中心。\n重点做好以下工作：\n\
                1．深化医改。推进分级诊疗。\n2．强化公共卫生。做好疫苗管理。\n";
    std::fs::write(dir.join("要点.txt"), text).unwrap();
    let o = nianbao(dir, &["import", "要点.txt", "--unit", "样例县"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let yaml = std::fs::read_to_string(dir.join("data/样例县/2020.yaml")).unwrap();
    assert!(!yaml.contains("待定：请填写"), "{yaml}");
    let o = nianbao(dir, &["render", "data/样例县/2020.yaml", "--format", "md", "--out", "out"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let md = std::fs::read_to_string(dir.join("out/样例县/2020/2020年全县卫生健康工作要点.md")).unwrap();
    assert!(md.contains("1．深化医改。推进分级诊疗。\n"), "{md}");
    assert!(md.contains("2．强化公共卫生。做好疫苗管理。\n"), "{md}");
}

#[test]
fn dry_run_prints_the_outline_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let o = nianbao(dir, &["import", seed("003").to_str().unwrap(), "--dry-run"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8_lossy(&o.stdout);
    for line in [
        "体裁：speech　单位：襄垣县　发文单位：襄垣县卫生和计划生育局",
        "会议：襄垣县2018年度卫生计生工作会议（2018-04-11）",
        "回顾：2017年工作回顾",
        "    荣誉 5 项",
        "    （1）深化医改多点突破",
        "部署：2018年工作部署",
        "    （7）坚持党建引领，狠抓行业安全",
    ] {
        assert!(out.lines().any(|l| l == line), "{line}\n{out}");
    }
    assert!(
        String::from_utf8_lossy(&o.stderr)
            .contains("没有写文件（--dry-run）；去掉 --dry-run 就写到 data/襄垣县/2018.yaml")
    );
    assert!(std::fs::read_dir(dir).unwrap().next().is_none());
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).unwrap();
        }
    }
}

/// The one file `render` wrote with extension `ext` under `dir`.
fn written(dir: &Path, ext: &str) -> PathBuf {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == ext))
        .unwrap()
}

#[test]
fn every_samples_own_docx_imports_back_to_the_same_markdown() {
    for file in ["xiangyuan/2018", "yangli/2018", "jinhua/2018", "gulou/2021"] {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        copy_dir(&common::root().join("data"), &dir.join("data"));
        let data = format!("data/{file}.yaml");
        let o = nianbao(dir, &["render", &data, "--format", "md,docx", "--docx-fonts", "names", "--out", "before"]);
        assert!(o.status.success(), "{file}: {}", String::from_utf8_lossy(&o.stderr));
        let before = dir.join("before").join(file);
        let docx = written(&before, "docx");
        // The data file is gone; the DOCX is all there is (last year's file stays, as it would).
        std::fs::remove_file(dir.join(&data)).unwrap();
        let o = nianbao(dir, &["import", docx.to_str().unwrap(), "-o", &data]);
        assert!(o.status.success(), "{file}: {}", String::from_utf8_lossy(&o.stderr));
        // Nothing for `check` to refuse, and the same Markdown.
        let o = nianbao(dir, &["check", &data]);
        assert!(o.status.success(), "{file}: {}", String::from_utf8_lossy(&o.stderr));
        let o = nianbao(dir, &["render", &data, "--format", "md", "--out", "after"]);
        assert!(o.status.success(), "{file}: {}", String::from_utf8_lossy(&o.stderr));
        let want = std::fs::read_to_string(written(&before, "md")).unwrap();
        let got = std::fs::read_to_string(written(&dir.join("after").join(file), "md")).unwrap();
        assert!(want == got, "{file}: the Markdown differs\n{}", std::fs::read_to_string(dir.join(&data)).unwrap());
    }
}

#[test]
fn what_the_source_carries_is_left_for_check() {
    // Seed 004: xx placeholders and conversion artefacts (效劳 for 服务) stay as written.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let o = nianbao(dir, &["import", seed("004").to_str().unwrap(), "-o", "data/qu/2023.yaml"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stderr).contains("去掉网页杂项 21 行"));
    let o = nianbao(dir, &["check", "data/qu/2023.yaml", "--all"]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success());
    assert!(stderr.contains("错误[placeholder]：占位符“xx”还没有替换成实际内容"), "{stderr}");
    assert!(stderr.contains("警告[text.artefact]：“效劳”像是文字转换留下的错词，应为“服务”"), "{stderr}");
}

/// A paragraph that runs 一是……二是…… outside an item is imported as points
/// (numbered by nianbao from then on) and prints as the source had it.
#[test]
fn points_outside_items_are_imported_as_points() {
    let (yaml, md) = import_and_render(&seed("004"), "qu", 2023, &[]);
    let data: yaml_serde::Value = yaml_serde::from_str(&yaml).unwrap();
    let mut found = Vec::new();
    fn walk<'a>(v: &'a yaml_serde::Value, out: &mut Vec<&'a yaml_serde::Value>) {
        match v {
            yaml_serde::Value::Mapping(m) => {
                if m.get("points").is_some() && m.get("title").is_none() {
                    out.push(v);
                }
                m.values().for_each(|v| walk(v, out));
            }
            yaml_serde::Value::Sequence(s) => s.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    walk(&data, &mut found);
    let lead = "与此同时，其他卫生计生工作稳步推进，取得明显成效。";
    let p =
        found.iter().find(|p| p.get("lead").and_then(|l| l.as_str()) == Some(lead)).expect("the 与此同时 paragraph");
    let points = p.get("points").and_then(|p| p.as_sequence()).unwrap();
    assert_eq!(points.len(), 3);
    assert!(points[0].as_str().unwrap().starts_with("党风廉政和行业作风建设不断强化。"));
    let printed = format!("{lead}一是{}二是", points[0].as_str().unwrap());
    assert!(md.contains(&printed), "{printed} in the Markdown");
}

/// A banner's key points (内蒙古的旗): the unit is read from the title with its
/// level, and its bureau is the issuer.
#[test]
fn a_banners_unit_and_level_are_read_from_the_title() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("要点.txt");
    std::fs::write(
        &src,
        "鄂温克族自治旗2020年卫生健康工作要点\n2020年，全旗卫生健康工作的总体要求是：以人民健康为中心。\n重点做好以下工作：\n\
         一、深化医改\n（一）推进分级诊疗。建好医共体。\n",
    )
    .unwrap();
    let (yaml, md) = import_and_render(&src, "ewenki", 2020, &[]);
    assert!(yaml.contains("name: 鄂温克族自治旗") && yaml.contains("level: 旗"), "{yaml}");
    assert!(yaml.contains("issuer: 鄂温克族自治旗卫生健康局"), "{yaml}");
    assert!(md.contains("2020年，全旗卫生健康工作的总体要求是：以人民健康为中心。"), "{md}");
}

/// A source that skips a number (（一）（二）（四）, 1．3．) is numbered in
/// sequence, and the data file says where, with the `number:` that would
/// keep the jump.
#[test]
fn a_skipped_number_is_renumbered_and_noted() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("要点.txt");
    std::fs::write(
        &src,
        "2019年全县卫生健康工作要点\n2019年，全县卫生健康工作的总体要求是：以人民健康为中心。\n重点做好以下工作：\n\
         一、深化医改\n（一）推进分级诊疗。建好医共体。\n（二）加强基层建设。完成村卫生室33个。\n\
         （四）完善药品保障。落实基本药物制度。\n（五）加强综合监管。开展专项整治。\n\
         二、强化公共卫生\n1．做好疫苗管理。严格冷链。\n3．做好慢病管理。规范管理。\n",
    )
    .unwrap();
    let (yaml, md) = import_and_render(&src, "x", 2019, &["--kind", "key-points", "--unit", "样例县"]);
    let notes: Vec<&str> = yaml.lines().map(str::trim).filter(|l| l.contains("原文编号跳了")).collect();
    assert_eq!(
        notes,
        [
            "# 原文编号跳了：这里写的是“（四）”，按顺序是第3个，已按顺序编号；确要跳号，在这一项写 number: 4",
            "# 原文编号跳了：这里写的是“3．”，按顺序是第2个，已按顺序编号；确要跳号，在这一项写 number: 3",
        ]
    );
    assert!(md.contains("（三）完善药品保障") && md.contains("（四）加强综合监管"), "{md}");
}
