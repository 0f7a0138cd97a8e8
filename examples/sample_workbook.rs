//! Write the sample statistics workbook `data/指标.xlsx` that the sample
//! counties' figures come from: `cargo run --example sample_workbook`.

#[path = "../tests/common/sample_workbook.rs"]
mod sample_workbook;

fn main() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/指标.xlsx");
    std::fs::write(&path, sample_workbook::build()).expect("写入 data/指标.xlsx");
    println!("已写入 {}", path.display());
}
