//! Generate many county data files from the sample speech: varied names,
//! figures and speakers (some with characters the body font lacks), for batch
//! tests and benchmarks.

use std::path::Path;

const FIRST: [&str; 10] = ["东", "西", "南", "北", "清", "平", "安", "宁", "长", "永"];
const SECOND: [&str; 10] = ["山", "河", "阳", "城", "川", "源", "丰", "和", "林", "泉"];
/// Speakers' given names, some with characters FandolFang lacks (镕 堃 喆 燊 珺 䶮).
const NAMES: [&str; 8] = ["李明", "王镕", "张堃", "刘喆", "陈燊", "赵珺", "孙䶮", "周平"];

/// Write `n` counties' `<dir>/<slug>/2018.yaml`, each the sample speech with its
/// own name, speaker and figures. Returns the files written.
pub fn generate(root: &Path, dir: &Path, n: usize) -> Vec<std::path::PathBuf> {
    let sample = std::fs::read_to_string(root.join("data/xiangyuan/2018.yaml")).expect("sample speech");
    (0..n)
        .map(|i| {
            let name = format!("{}{}", FIRST[i % 10], SECOND[(i / 10) % 10]);
            let factor = 1.0 + (i % 7) as f64 / 10.0;
            let text: String = sample
                .replace("襄垣", &name)
                .replace("李少波", NAMES[i % NAMES.len()])
                .lines()
                .map(|line| scale_value(line, factor))
                .collect::<Vec<_>>()
                .join("\n");
            let path = dir.join(format!("c{i:03}")).join("2018.yaml");
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, text + "\n").unwrap();
            path
        })
        .collect()
}

/// `value: 87` → `value: 95.7` on metric lines that are not rates.
fn scale_value(line: &str, factor: f64) -> String {
    if !line.contains("{ id:") || line.contains("\"%\"") || line.contains("prior:") {
        return line.to_string();
    }
    let Some(at) = line.find("value: ") else { return line.to_string() };
    let start = at + "value: ".len();
    let end = line[start..].find([',', ' ', '}']).map_or(line.len(), |e| start + e);
    match line[start..end].parse::<f64>() {
        Ok(v) => format!("{}{}{}", &line[..start], (v * factor * 10.0).round() / 10.0, &line[end..]),
        Err(_) => line.to_string(),
    }
}
