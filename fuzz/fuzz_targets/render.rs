//! Arbitrary report data → the whole pipeline, as `nianbao render` runs it: the
//! data file is written and loaded (`render::build`: load, validate, derive,
//! template, markup, document model), the checks run, and the document is written
//! as Markdown, PDF and DOCX in memory with the repository's fonts (read once).
//! Every stage returns a result or diagnostics; none may panic or hang.
//!
//! An input that begins with `#` or `kind` is a data file's text, as written (the
//! repository's data files seed these). Any other input is turned by `arbitrary`
//! into data in the shape of the data model (so most inputs get past validation
//! to the templates and writers), with texts drawn mostly from Han, figures,
//! units and Chinese punctuation, and sometimes raw (markup characters, control
//! characters, characters no font has).
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use nianbao::template::Templates;
use serde_json::{Map, Value, json};

#[path = "common.rs"]
mod common;

struct Files {
    _tmp: tempfile::TempDir,
    year: PathBuf,
    prior: PathBuf,
    templates: Templates,
}

fn files() -> &'static Files {
    static FILES: OnceLock<Files> = OnceLock::new();
    FILES.get_or_init(|| {
        let tmp = tempfile::tempdir().expect("tempdir");
        let county = tmp.path().join("data").join("x");
        std::fs::create_dir_all(&county).expect("mkdir");
        Files {
            year: county.join("2018.yaml"),
            prior: county.join("2017.yaml"),
            templates: Templates::new(Some(&common::root().join("templates"))),
            _tmp: tmp,
        }
    })
}

const TOKENS: &[&str] = &[
    "卫生",
    "健康",
    "工作",
    "全县",
    "医疗",
    "服务",
    "基层",
    "推进",
    "落实",
    "完成",
    "建设",
    "年",
    "月",
    "万元",
    "个",
    "人",
    "项",
    "签约率",
    "勠力",
    "60㎡",
    "——",
    "……",
    "《",
    "》",
    "（",
    "）",
    "“",
    "”",
    "、",
    "。",
    "，",
    "；",
    "：",
    "！",
    "？",
    "%",
    "‰",
    "·",
    "0",
    "1",
    "2",
    "3",
    "5",
    "8",
    "9",
    ".",
    "2017",
    "2018",
    "66.2%",
    "338.3万元",
    "CT",
    "HIV",
    " ",
    "　",
    "一是",
    "二是",
    "同志们",
    "第",
    "章",
    "节",
];
const RAW: &[&str] = &[
    "#", "##", "*", "**", "|", "<", ">", "`", "{", "}", "{.title}", "[", "]", "(", ")", "\\", "-", "+", "=", "_", "\n",
    "\n\n", "\t", "---", "***", "&", "%}", "{{", "}}", "{%", "xx", "XX", "××", "某某", "TODO", "待定", "[ ]", "😀",
    "\u{0}", "\u{7f}", "\u{200b}", "\u{feff}", "ﬀ", "𠀀", "A", "1.", "- ", "> ",
];

#[derive(Debug, Arbitrary)]
enum S {
    Text(Vec<u8>),
    Mixed(Vec<(bool, u8)>),
    Raw(String),
}

impl S {
    fn get(&self) -> String {
        match self {
            S::Text(b) => b.iter().map(|&b| TOKENS[b as usize % TOKENS.len()]).collect(),
            S::Mixed(b) => b
                .iter()
                .map(|&(raw, b)| if raw { RAW[b as usize % RAW.len()] } else { TOKENS[b as usize % TOKENS.len()] })
                .collect(),
            S::Raw(s) => s.clone(),
        }
    }
}

fn texts(v: &[S]) -> Value {
    Value::Array(v.iter().map(|s| Value::String(s.get())).collect())
}

#[derive(Debug, Arbitrary)]
struct Num(i32, u8);

impl Num {
    fn get(&self) -> Value {
        json!(self.0 as f64 / 10f64.powi((self.1 % 5) as i32))
    }
}

#[derive(Debug, Arbitrary)]
struct Day(u8, u8, u8);

impl Day {
    fn get(&self) -> String {
        let year = 2016 + (self.0 % 4) as i32;
        match self.2 % 3 {
            0 => format!("{year}-{:02}", 1 + self.1 % 12),
            _ => format!("{year}-{:02}-{:02}", 1 + self.1 % 12, 1 + self.2 % 28),
        }
    }
}

const IDS: &[&str] = &["signing_rate", "investment", "beds", "visits", "rate_b"];
const UNITS: &[&str] = &["%", "‰", "万元", "元", "人", "个", "张", "", "㎡", "人次"];

#[derive(Debug, Arbitrary)]
struct Metric {
    id: u8,
    name: S,
    value: Option<Num>,
    unit: u8,
    prior: Option<Num>,
    ratio: Option<(Num, Num)>,
    kind: Option<bool>,
    decimals: Option<u8>,
    lower_better: bool,
    key: bool,
}

impl Metric {
    fn get(&self) -> Value {
        let mut m = Map::new();
        m.insert("id".into(), json!(IDS[self.id as usize % IDS.len()]));
        m.insert("name".into(), json!(self.name.get()));
        if let Some(v) = &self.value {
            m.insert("value".into(), v.get());
        }
        m.insert("unit".into(), json!(UNITS[self.unit as usize % UNITS.len()]));
        if let Some(v) = &self.prior {
            m.insert("prior".into(), v.get());
        }
        if let Some((a, b)) = &self.ratio {
            m.insert("numerator".into(), a.get());
            m.insert("denominator".into(), b.get());
        }
        if let Some(k) = self.kind {
            m.insert("kind".into(), json!(if k { "rate" } else { "amount" }));
        }
        if let Some(d) = self.decimals {
            m.insert("decimals".into(), json!(d % 6));
        }
        if self.lower_better {
            m.insert("better".into(), json!("lower"));
        }
        m.insert("key".into(), json!(self.key));
        Value::Object(m)
    }
}

#[derive(Debug, Arbitrary)]
struct Target {
    id: u8,
    name: S,
    value: Num,
    unit: u8,
    deadline: Option<Day>,
    reference: Option<S>,
}

impl Target {
    fn get(&self) -> Value {
        let mut m = Map::new();
        m.insert("id".into(), json!(IDS[self.id as usize % IDS.len()]));
        m.insert("name".into(), json!(self.name.get()));
        m.insert("value".into(), self.value.get());
        m.insert("unit".into(), json!(UNITS[self.unit as usize % UNITS.len()]));
        if let Some(d) = &self.deadline {
            m.insert("deadline".into(), json!(d.get()));
        }
        if let Some(r) = &self.reference {
            m.insert("ref".into(), json!(r.get()));
        }
        Value::Object(m)
    }
}

#[derive(Debug, Arbitrary)]
struct Item {
    title: S,
    reference: Option<S>,
    standalone: bool,
    lead: Option<S>,
    points: Vec<S>,
    paragraphs: Vec<S>,
    metrics: Vec<Metric>,
    targets: Vec<Target>,
}

impl Item {
    fn get(&self) -> Value {
        let mut m = Map::new();
        m.insert("title".into(), json!(self.title.get()));
        if let Some(r) = &self.reference {
            m.insert("ref".into(), json!(r.get()));
        }
        m.insert("standalone".into(), json!(self.standalone));
        if let Some(l) = &self.lead {
            m.insert("lead".into(), json!(l.get()));
        }
        m.insert("points".into(), texts(&self.points));
        m.insert("paragraphs".into(), texts(&self.paragraphs));
        m.insert("metrics".into(), self.metrics.iter().map(Metric::get).collect());
        m.insert("targets".into(), self.targets.iter().map(Target::get).collect());
        Value::Object(m)
    }
}

#[derive(Debug, Arbitrary)]
struct Section {
    title: S,
    intro: Vec<S>,
    items: Vec<Item>,
    outro: Vec<S>,
}

impl Section {
    fn get(&self) -> Value {
        json!({
            "title": self.title.get(),
            "intro": texts(&self.intro),
            "items": self.items.iter().map(Item::get).collect::<Vec<_>>(),
            "outro": texts(&self.outro),
        })
    }
}

#[derive(Debug, Arbitrary)]
struct Review {
    heading: Option<S>,
    summary: Option<S>,
    honours: Vec<(Option<Day>, S)>,
    summary_end: Option<S>,
    sections: Vec<Section>,
    metrics: Vec<Metric>,
    thanks: Vec<S>,
    problems: Vec<S>,
}

impl Review {
    fn get(&self) -> Value {
        let mut m = Map::new();
        for (k, v) in [("heading", &self.heading), ("summary", &self.summary), ("summary_end", &self.summary_end)] {
            if let Some(v) = v {
                m.insert(k.into(), json!(v.get()));
            }
        }
        let honours: Vec<Value> = self
            .honours
            .iter()
            .map(|(d, t)| match d {
                Some(d) => json!({"date": d.get(), "text": t.get()}),
                None => json!({"text": t.get()}),
            })
            .collect();
        m.insert("honours".into(), Value::Array(honours));
        m.insert("sections".into(), self.sections.iter().map(Section::get).collect());
        m.insert("metrics".into(), self.metrics.iter().map(Metric::get).collect());
        m.insert("thanks".into(), texts(&self.thanks));
        m.insert("problems".into(), texts(&self.problems));
        Value::Object(m)
    }
}

#[derive(Debug, Arbitrary)]
struct Plan {
    heading: Option<S>,
    intro: Vec<S>,
    requirement: Option<S>,
    sections: Vec<Section>,
    targets: Vec<Target>,
    safeguards: Vec<Section>,
}

impl Plan {
    fn get(&self) -> Value {
        let mut m = Map::new();
        for (k, v) in [("heading", &self.heading), ("requirement", &self.requirement)] {
            if let Some(v) = v {
                m.insert(k.into(), json!(v.get()));
            }
        }
        m.insert("intro".into(), texts(&self.intro));
        m.insert("sections".into(), self.sections.iter().map(Section::get).collect());
        m.insert("targets".into(), self.targets.iter().map(Target::get).collect());
        m.insert("safeguards".into(), self.safeguards.iter().map(Section::get).collect());
        Value::Object(m)
    }
}

#[derive(Debug, Arbitrary)]
struct Attachment {
    title: S,
    paragraphs: Vec<S>,
    table: Option<(Vec<S>, Vec<Vec<S>>)>,
}

impl Attachment {
    fn get(&self) -> Value {
        let mut m = Map::new();
        m.insert("title".into(), json!(self.title.get()));
        m.insert("paragraphs".into(), texts(&self.paragraphs));
        if let Some((cols, rows)) = &self.table {
            m.insert(
                "table".into(),
                json!({"columns": texts(cols), "rows": rows.iter().map(|r| texts(r)).collect::<Vec<_>>()}),
            );
        }
        Value::Object(m)
    }
}

#[derive(Debug, Arbitrary)]
struct Data {
    kind: u8,
    level: u8,
    unit: S,
    issuer: S,
    sector: Option<S>,
    meeting: Option<(S, Day)>,
    date: Option<Day>,
    speaker: Option<(S, S)>,
    title: Vec<S>,
    subtitle: Option<S>,
    salutation: Option<S>,
    opening: Vec<S>,
    review: Option<Review>,
    plan: Option<Plan>,
    closing: Vec<S>,
    attachments: Vec<Attachment>,
    /// Last year's file: its plan's targets and review's metrics.
    prior: Option<(Vec<Target>, Vec<Metric>)>,
}

impl Data {
    fn get(&self) -> Value {
        let kinds = ["speech", "work-report", "key-points", "plan"];
        let levels = ["县", "区", "市", "省"];
        let mut m = Map::new();
        m.insert("kind".into(), json!(kinds[self.kind as usize % 4]));
        m.insert("unit".into(), json!({"name": self.unit.get(), "level": levels[self.level as usize % 4]}));
        m.insert("issuer".into(), json!(self.issuer.get()));
        if let Some(s) = &self.sector {
            m.insert("sector".into(), json!(s.get()));
        }
        if let Some((name, day)) = &self.meeting {
            m.insert("meeting".into(), json!({"name": name.get(), "date": day.get()}));
        }
        if let Some(d) = &self.date {
            m.insert("date".into(), json!(d.get()));
        }
        if let Some((post, name)) = &self.speaker {
            m.insert("speaker".into(), json!({"post": post.get(), "name": name.get()}));
        }
        m.insert("title".into(), texts(&self.title));
        for (k, v) in [("subtitle", &self.subtitle), ("salutation", &self.salutation)] {
            if let Some(v) = v {
                m.insert(k.into(), json!(v.get()));
            }
        }
        m.insert("opening".into(), texts(&self.opening));
        if let Some(r) = &self.review {
            m.insert("review".into(), r.get());
        }
        if let Some(p) = &self.plan {
            m.insert("plan".into(), p.get());
        }
        m.insert("closing".into(), texts(&self.closing));
        m.insert("attachments".into(), self.attachments.iter().map(Attachment::get).collect());
        Value::Object(m)
    }

    fn prior(&self) -> Option<Value> {
        let (targets, metrics) = self.prior.as_ref()?;
        let mut v = self.get();
        v["year"] = json!(2017);
        v.as_object_mut().unwrap().remove("meeting");
        v.as_object_mut().unwrap().remove("date");
        v["plan"] = json!({"targets": targets.iter().map(Target::get).collect::<Vec<_>>()});
        v["review"] = json!({"metrics": metrics.iter().map(Metric::get).collect::<Vec<_>>()});
        Some(v)
    }
}

fuzz_target!(|bytes: &[u8]| {
    let env = files();
    let (year, prior) = if bytes.starts_with(b"#") || bytes.starts_with(b"kind") {
        (bytes.to_vec(), None)
    } else {
        let Ok(data) = Data::arbitrary_take_rest(Unstructured::new(bytes)) else { return };
        // JSON is YAML: the file the loader reads.
        (serde_json::to_vec_pretty(&data.get()).unwrap(), data.prior().map(|p| serde_json::to_vec(&p).unwrap()))
    };
    // To turn a crash into a regression test: NIANBAO_FUZZ_DUMP=1 cargo fuzz run render <artifact>
    if std::env::var_os("NIANBAO_FUZZ_DUMP").is_some() {
        eprintln!("--- 2018.yaml\n{}", String::from_utf8_lossy(&year));
        if let Some(p) = &prior {
            eprintln!("--- 2017.yaml\n{}", String::from_utf8_lossy(p));
        }
    }
    std::fs::write(&env.year, year).expect("write");
    match prior {
        Some(p) => std::fs::write(&env.prior, p).expect("write"),
        None => {
            let _ = std::fs::remove_file(&env.prior);
        }
    }
    let built = match nianbao::render::build(&env.year, &env.templates, None) {
        Ok(b) => b,
        Err(e) => {
            assert!(!e.0.is_empty());
            return;
        }
    };
    let config = &common::env().res.config.check;
    let findings = nianbao::check::data(&built.loaded, config);
    let _ = nianbao::check::document(&built.loaded, &built.doc, &built.template, &findings, config);
    if let Some(fonts) = &common::env().res.fonts {
        let _ = nianbao::fonts::coverage::check(&built.doc, fonts);
    }
    if std::env::var_os("NIANBAO_FUZZ_DUMP").is_some() {
        eprintln!("--- markup\n{}", built.markup);
    }
    common::write_all(&built.doc);
});
