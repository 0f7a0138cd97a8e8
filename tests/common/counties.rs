//! Generate many county data files from the sample speech: varied names,
//! figures and speakers (some with characters the body font lacks), for batch
//! tests and benchmarks.

use std::path::Path;

const FIRST: [&str; 10] = ["东", "西", "南", "北", "清", "平", "安", "宁", "长", "永"];
const SECOND: [&str; 10] = ["山", "河", "阳", "城", "川", "源", "丰", "和", "林", "泉"];
/// Speakers' given names, some with characters FandolFang lacks (镕 堃 喆 燊 珺 䶮).
const NAMES: [&str; 8] = ["李明", "王镕", "张堃", "刘喆", "陈燊", "赵珺", "孙䶮", "周平"];

/// Write `n` counties' `<dir>/<slug>/2018.yaml`, each the sample speech with its
/// own name, speaker and figures (the prose that states a metric's figure
/// states the new one). Returns the files written.
pub fn generate(root: &Path, dir: &Path, n: usize) -> Vec<std::path::PathBuf> {
    let sample = std::fs::read_to_string(root.join("data/xiangyuan/2018.yaml")).expect("sample speech");
    (0..n)
        .map(|i| {
            let name = format!("{}{}", FIRST[i % 10], SECOND[(i / 10) % 10]);
            let factor = 1.0 + (i % 7) as f64 / 10.0;
            let mut scaled = Vec::new();
            let text: String = sample
                .replace("襄垣", &name)
                .replace("李少波", NAMES[i % NAMES.len()])
                .lines()
                // Figures in the YAML only: the sample's workbook has no row for these counties.
                .filter(|line| !line.starts_with("figures:"))
                .map(|line| scale_value(line, factor, &mut scaled))
                .collect::<Vec<_>>()
                .join("\n");
            let text = scaled.iter().fold(text, |text, s| restate(&text, s));
            let path = dir.join(format!("c{i:03}")).join("2018.yaml");
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, text + "\n").unwrap();
            path
        })
        .collect()
}

/// A metric whose value was scaled: its name, unit, and old and new value as written.
struct Scaled {
    name: String,
    unit: String,
    old: String,
    new: String,
}

/// The value of `key` on a flow-mapping line (`{ id: a, name: 床位, value: 87 }`).
fn field<'a>(line: &'a str, key: &str) -> Option<(usize, &'a str)> {
    let start = line.find(&format!("{key}: "))? + key.len() + 2;
    let end = line[start..].find([',', '}']).map_or(line.len(), |e| start + e);
    Some((start, line[start..end].trim().trim_matches('"')))
}

/// `value: 87` → `value: 96` on metric lines that are not rates (whole numbers
/// stay whole), noting the change in `scaled`.
fn scale_value(line: &str, factor: f64, scaled: &mut Vec<Scaled>) -> String {
    if !line.contains("{ id:") || line.contains("\"%\"") || line.contains("prior:") {
        return line.to_string();
    }
    let Some((start, old)) = field(line, "value") else { return line.to_string() };
    let Ok(v) = old.parse::<f64>() else { return line.to_string() };
    let new = if old.contains('.') {
        format!("{}", (v * factor * 10.0).round() / 10.0)
    } else {
        format!("{}", (v * factor).round())
    };
    if let (Some((_, name)), Some((_, unit))) = (field(line, "name"), field(line, "unit")) {
        scaled.push(Scaled { name: name.to_string(), unit: unit.to_string(), old: old.to_string(), new: new.clone() });
    }
    format!("{}{new}{}", &line[..start], &line[start + old.len()..])
}

/// The prose naming a scaled metric (`培训全科医师17名`) states its new value.
fn restate(text: &str, s: &Scaled) -> String {
    let old = format!("{}{}", s.old, s.unit);
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find(&s.name) {
        let after = at + s.name.len();
        out.push_str(&rest[..after]);
        rest = &rest[after..];
        let window: String = rest.chars().take(12).collect();
        if let Some(b) = window.find(&old)
            && !window[..b].contains(['，', '。', '；'])
        {
            out.push_str(&rest[..b]);
            out.push_str(&format!("{}{}", s.new, s.unit));
            rest = &rest[b + old.len()..];
        }
    }
    out.push_str(rest);
    out
}

/// The same counties with their figures in one workbook, as a city office
/// gets them from its statistics section: `<dir>/指标.xlsx`, one row per
/// county and a column per figure (named by id), named by `<dir>/_common.yaml`;
/// the county files declare their metrics without figures.
#[allow(dead_code)] // Not every test that includes this file uses it.
pub fn generate_with_workbook(root: &Path, dir: &Path, n: usize) -> Vec<std::path::PathBuf> {
    let files = generate(root, dir, n);
    let mut columns: Vec<String> = Vec::new();
    let mut rows: Vec<(String, Vec<(String, f64)>)> = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let (mut figures, mut lines, mut unit, mut in_metrics) = (Vec::new(), Vec::new(), String::new(), false);
        for line in text.lines() {
            let t = line.trim_start();
            if let Some(name) = t.strip_prefix("name: ").filter(|_| unit.is_empty() && line.starts_with("  name:")) {
                unit = name.to_string();
            }
            if t.starts_with("metrics:") || t.starts_with("targets:") {
                in_metrics = t.starts_with("metrics:");
            }
            if !(in_metrics && t.starts_with("- { id:")) {
                lines.push(line.to_string());
                continue;
            }
            let id = t["- { id: ".len()..].split(',').next().unwrap().to_string();
            let mut kept = line.to_string();
            for field in ["value", "numerator", "denominator", "prior"] {
                let Some(at) = kept.find(&format!(" {field}: ")) else { continue };
                let start = at + field.len() + 3;
                let end = kept[start..].find([',', '}']).map_or(kept.len(), |e| start + e);
                let number: f64 = kept[start..end].trim().parse().unwrap();
                let column = if field == "value" { id.clone() } else { format!("{id}.{field}") };
                if !columns.contains(&column) {
                    columns.push(column.clone());
                }
                figures.push((column, number));
                let cut_end = if kept[end..].starts_with(',') { end + 1 } else { end };
                kept.replace_range(at..cut_end, "");
            }
            lines.push(kept);
        }
        std::fs::write(file, lines.join("\n") + "\n").unwrap();
        rows.push((unit, figures));
    }
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "单位").unwrap();
    for (c, column) in columns.iter().enumerate() {
        sheet.write_string(0, 1 + c as u16, column).unwrap();
    }
    for (r, (unit, figures)) in rows.iter().enumerate() {
        sheet.write_string(1 + r as u32, 0, unit).unwrap();
        for (column, x) in figures {
            let c = columns.iter().position(|k| k == column).unwrap();
            sheet.write_number(1 + r as u32, 1 + c as u16, *x).unwrap();
        }
    }
    std::fs::write(dir.join("指标.xlsx"), book.save_to_buffer().unwrap()).unwrap();
    std::fs::write(dir.join("_common.yaml"), "figures: { file: 指标.xlsx }\n").unwrap();
    files
}

/// `n` reports of the four sample genres in turn (the speech, the work
/// report, the key points, the plan), each sample copied with its folder's
/// other years into `<dir>/<sample><k>/`, beside the samples' `_common.yaml`
/// and workbook: a province's mix of genres.
#[allow(dead_code)] // Not every test that includes this file uses it.
pub fn generate_genres(root: &Path, dir: &Path, n: usize) -> Vec<std::path::PathBuf> {
    const SAMPLES: [(&str, &str); 4] =
        [("xiangyuan", "2018"), ("yangli", "2018"), ("jinhua", "2018"), ("gulou", "2021")];
    let data = root.join("data");
    std::fs::create_dir_all(dir).unwrap();
    for shared in ["_common.yaml", "指标.xlsx"] {
        std::fs::copy(data.join(shared), dir.join(shared)).unwrap();
    }
    (0..n)
        .map(|i| {
            let (sample, year) = SAMPLES[i % SAMPLES.len()];
            let folder = dir.join(format!("{sample}{}", i / SAMPLES.len()));
            std::fs::create_dir_all(&folder).unwrap();
            for file in std::fs::read_dir(data.join(sample)).unwrap().map(|e| e.unwrap().path()) {
                std::fs::copy(&file, folder.join(file.file_name().unwrap())).unwrap();
            }
            folder.join(format!("{year}.yaml"))
        })
        .collect()
}
