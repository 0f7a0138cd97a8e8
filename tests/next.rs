//! `nianbao next` on every sample: the new file is refused by `check` only for
//! what it planted (texts marked 待定, metrics to fill), renders once they are
//! filled, and is never overwritten.

mod common;

use std::path::Path;
use std::process::Command;

use yaml_serde::Value;

fn nianbao(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_nianbao")).args(args).current_dir(dir).output().unwrap()
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

/// The findings of `check --format json --all` on one file: (id, severity, path).
fn findings(dir: &Path, file: &str) -> Vec<(String, String, String)> {
    let o = nianbao(dir, &["check", file, "--format", "json", "--all"]);
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    json.as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let s = |k: &str| d[k].as_str().unwrap_or_default().to_string();
            (s("id"), s("severity"), s("path"))
        })
        .collect()
}

/// The two numbers of `已生成 …：N 处文字…，M 个指标…`.
fn planted(stderr: &str) -> (usize, usize) {
    let counts = &stderr[..stderr.find("个指标待填数值").unwrap()];
    let nums: Vec<usize> =
        counts.split(|c: char| !c.is_ascii_digit()).filter(|s| !s.is_empty()).map(|s| s.parse().unwrap()).collect();
    // The year of the file name comes first.
    (nums[nums.len() - 2], nums[nums.len() - 1])
}

/// Fill what `next` planted as a writer would: rewrite the marked texts, fill
/// the texts to fill, give every metric without a value one.
fn fill(v: &mut Value, under_metrics: bool) {
    match v {
        Value::String(s) => {
            if let Some(rest) = s.strip_prefix("待定（请改写）：") {
                *s = rest.to_string();
            } else if s.starts_with("待定：") {
                *s = "各项任务全部完成。".to_string();
            }
        }
        Value::Sequence(items) => items.iter_mut().for_each(|i| fill(i, under_metrics)),
        Value::Mapping(m) => {
            if under_metrics && !m.contains_key("value") {
                m.insert("value".into(), 1.into());
            }
            for (k, v) in m.iter_mut() {
                fill(v, k.as_str() == Some("metrics"));
            }
        }
        _ => {}
    }
}

#[test]
fn next_year_of_every_sample_is_refused_only_for_what_it_planted_and_renders_filled() {
    for (county, year) in [("xiangyuan", 2018), ("yangli", 2018), ("jinhua", 2018), ("gulou", 2021)] {
        let tmp = tempfile::tempdir().unwrap();
        copy_dir(&common::root().join("data"), &tmp.path().join("data"));
        let dir = tmp.path();
        let old = format!("data/{county}/{year}.yaml");
        let new = format!("data/{county}/{}.yaml", year + 1);
        let o = nianbao(dir, &["next", &old]);
        let stderr = String::from_utf8_lossy(&o.stderr).to_string();
        assert!(o.status.success(), "{county}: {stderr}");
        let (texts, metrics) = planted(&stderr);
        assert!(texts > 0, "{county}: {stderr}");

        let found = findings(dir, &new);
        let errors: Vec<_> = found.iter().filter(|f| f.1 == "error").collect();
        let placeholders = errors.iter().filter(|f| f.0 == "placeholder").count();
        let to_fill = errors.iter().filter(|f| f.0 == "data.missing-value").count();
        assert_eq!(placeholders + to_fill, errors.len(), "{county}: other errors: {errors:#?}");
        assert_eq!((placeholders, to_fill), (texts, metrics), "{county}");

        // Last year's plan is this year's review, its targets this year's
        // metrics of the same id; key points print no review, so get none.
        let text = std::fs::read_to_string(dir.join(&new)).unwrap();
        let mut value: Value = yaml_serde::from_str(&text).unwrap();
        let old_value: Value = yaml_serde::from_str(&std::fs::read_to_string(dir.join(&old)).unwrap()).unwrap();
        let titles = |v: &Value, part: &str| -> Vec<String> {
            v[part]["sections"]
                .as_sequence()
                .map(|s| s.iter().map(|s| s["title"].as_str().unwrap().to_string()).collect())
                .unwrap_or_default()
        };
        if old_value["kind"] == "key-points" {
            assert!(value.get("review").is_none(), "{county}: {text}");
        } else {
            assert_eq!(titles(&value, "review"), titles(&old_value, "plan"), "{county}");
        }
        assert_eq!(value["unit"]["name"], old_value["unit"]["name"]);
        // The meeting's date a year on is a guess, said so where it is written and when written.
        if let Some(date) = value["meeting"]["date"].as_str() {
            assert!(stderr.contains(&format!("日期 {date} 是按去年推算的，请核对")), "{county}: {stderr}");
            let lines: Vec<&str> = text.lines().collect();
            let at = lines.iter().position(|l| l.trim() == format!("date: {date}")).unwrap();
            assert_eq!(lines[at - 1].trim(), "# 按去年的日期推到今年，请改成实际日期", "{county}");
        }

        // Never overwritten.
        let again = nianbao(dir, &["next", &old]);
        assert!(!again.status.success());
        assert!(String::from_utf8_lossy(&again.stderr).contains("错误[next.exists]"), "{county}");
        assert_eq!(std::fs::read_to_string(dir.join(&new)).unwrap(), text);

        fill(&mut value, false);
        std::fs::write(dir.join(&new), yaml_serde::to_string(&value).unwrap()).unwrap();
        let found = findings(dir, &new);
        let errors: Vec<_> = found.iter().filter(|f| f.1 == "error").collect();
        assert!(errors.is_empty(), "{county}: {errors:#?}");
        // Nothing the writer filled in goes unprinted.
        assert!(!found.iter().any(|f| f.0 == "data.unread"), "{county}: {found:#?}");
        let out = dir.join("out");
        let o = nianbao(dir, &["render", &new, "--format", "md", "--out", out.to_str().unwrap()]);
        assert!(o.status.success(), "{county}: {}", String::from_utf8_lossy(&o.stderr));
        let md_dir = out.join(county).join((year + 1).to_string());
        let md = std::fs::read_dir(&md_dir).unwrap().flatten().next().unwrap().path();
        let md = std::fs::read_to_string(md).unwrap();
        assert!(!md.contains("待定"), "{county}");
        for t in titles(&old_value, "plan") {
            assert!(md.contains(&t), "{county}: {t}");
        }
    }
}
