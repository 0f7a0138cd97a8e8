//! Write a city's worth of generated county files for trying `nianbao batch`
//! at scale: `cargo run --release --example counties -- DIR [N]` writes
//! `DIR/c000/2018.yaml` … (default 100), the same counties the batch benchmark
//! and tests use. With `--workbook` their figures go into one workbook,
//! `DIR/指标.xlsx`, named by `DIR/_common.yaml`; with `--genres`, N reports of
//! the four sample genres in turn instead (the benchmark's province).

#[path = "../tests/common/counties.rs"]
mod counties;

fn main() {
    let workbook = std::env::args().any(|a| a == "--workbook");
    let genres = std::env::args().any(|a| a == "--genres");
    let mut args = std::env::args().skip(1).filter(|a| a != "--workbook" && a != "--genres");
    let Some(dir) = args.next() else {
        eprintln!("用法：cargo run --release --example counties -- 目录 [份数] [--workbook | --genres]");
        std::process::exit(2);
    };
    let n = args.next().map_or(100, |n| n.parse().expect("份数应为整数"));
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir_path = std::path::Path::new(&dir);
    let files = if genres {
        counties::generate_genres(root, dir_path, n)
    } else if workbook {
        counties::generate_with_workbook(root, dir_path, n)
    } else {
        counties::generate(root, dir_path, n)
    };
    println!("已写入 {} 个县的数据：{dir}", files.len());
}
