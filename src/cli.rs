//! The command line: argument parsing (clap), the subcommands, and how findings
//! and progress are printed. Exit codes: 0 success, 1 errors in data or
//! templates, 2 wrong usage.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};

use crate::config::Config;
use crate::diag::{Diagnostic, Errors};
use crate::fonts::FontBook;
use crate::render;
use crate::template::Templates;
use crate::writer::{DocxFonts, Format, Resources};

const AFTER_HELP: &str = "\
示例：
  nianbao render data/xiangyuan/2018.yaml                 生成 DOCX 和 PDF 到 out/xiangyuan/2018/
  nianbao render data/xiangyuan/2018.yaml --format md     只生成 Markdown，便于阅读和比较
  nianbao check data/                                      检查 data/ 下所有数据文件，不写任何文件

退出码：0 成功；1 数据或模板有错误；2 命令用法错误。";

/// 年报：把一年的工作数据（YAML）生成为卫生健康工作会议讲话、工作报告等年度报告（DOCX 和 PDF，版式符合 GB/T 9704-2012）。
#[derive(Debug, Parser)]
#[command(name = "nianbao", version, after_help = AFTER_HELP, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// 生成报告：读取数据文件，渲染模板，写出 DOCX、PDF 或 Markdown
    #[command(
        after_help = "示例：\n  nianbao render data/xiangyuan/2018.yaml\n  nianbao render data/*/2018.yaml --format pdf --out 会议材料\n  nianbao render data/xiangyuan/2018.yaml --template 我的讲话.md.j2 --format md"
    )]
    Render(RenderArgs),
    /// 检查数据和模板：报告找到的每一个问题，不写任何文件
    #[command(after_help = "示例：\n  nianbao check data/xiangyuan/2018.yaml\n  nianbao check data/")]
    Check(CheckArgs),
}

#[derive(Debug, clap::Args)]
pub struct RenderArgs {
    /// 数据文件（data/<县>/<年份>.yaml），可以给多个
    #[arg(required = true, value_name = "数据文件")]
    pub data: Vec<PathBuf>,
    /// 模板名（templates/ 下的文件名）或模板文件路径；默认按数据里的 kind 选择
    #[arg(long, value_name = "模板")]
    pub template: Option<String>,
    /// 输出格式，可用逗号分隔多个
    #[arg(long, value_enum, value_delimiter = ',', default_value = "docx,pdf", value_name = "格式")]
    pub format: Vec<Format>,
    /// 输出目录；文件写到 <目录>/<县>/<年份>/ 下
    #[arg(long, default_value = "out", value_name = "目录")]
    pub out: PathBuf,
    /// DOCX 是否嵌入字体：embed 嵌入字体子集（默认），names 只写字体名
    #[arg(long, value_enum, default_value = "embed", value_name = "方式")]
    pub docx_fonts: DocxFonts,
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// 数据文件或目录（目录下的 <县>/<年份>.yaml 都会检查）
    #[arg(required = true, value_name = "路径")]
    pub paths: Vec<PathBuf>,
    /// 模板名或路径；默认按数据里的 kind 选择
    #[arg(long, value_name = "模板")]
    pub template: Option<String>,
}

/// Parse the arguments, run, and map the outcome to an exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let ok = match cli.command {
        Command::Render(args) => run_render(&args),
        Command::Check(args) => run_check(&args),
    };
    if ok { ExitCode::SUCCESS } else { ExitCode::from(1) }
}

fn print_all(diags: &[Diagnostic]) {
    for d in diags {
        eprintln!("{d}");
    }
}

/// Configuration, templates and (when needed) fonts for a data file's project.
fn project_for(data: &Path, formats: &[Format], docx_fonts: DocxFonts) -> Result<(Resources, Templates), Errors> {
    let config = Config::discover(data)?;
    let fonts = if formats.iter().any(|f| *f != Format::Md) { Some(Arc::new(FontBook::new(&config)?)) } else { None };
    let templates = Templates::new(Some(&config.root.join("templates")));
    Ok((Resources { config: Arc::new(config), fonts, docx_fonts }, templates))
}

fn run_render(args: &RenderArgs) -> bool {
    let mut ok = true;
    for data in &args.data {
        let result = project_for(data, &args.format, args.docx_fonts).and_then(|(res, templates)| {
            let built = render::build(data, &templates, args.template.as_deref())?;
            print_all(&built.loaded.warnings);
            let (written, warnings) = render::write_outputs(&built, &args.format, &args.out, &res)?;
            print_all(&warnings);
            Ok(written)
        });
        match result {
            Ok(written) => {
                for path in written {
                    eprintln!("已生成 {}", path.display());
                }
            }
            Err(e) => {
                ok = false;
                print_all(&e.0);
                eprintln!("未生成 {}：有 {} 个错误\n", data.display(), e.0.iter().filter(|d| d.is_error()).count());
            }
        }
    }
    ok
}

/// Data files under `paths`: files as given; for a folder, its `<county>/<year>.yaml`
/// files (not `_common.yaml`), sorted.
pub fn data_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Errors> {
    let mut out = Vec::new();
    for p in paths {
        if !p.is_dir() {
            out.push(p.clone());
            continue;
        }
        let mut found = Vec::new();
        let entries =
            std::fs::read_dir(p).map_err(|e| Diagnostic::in_file("file.read", p, format!("无法读取目录：{e}")))?;
        for county in entries.flatten().map(|e| e.path()).filter(|c| c.is_dir()) {
            for f in std::fs::read_dir(&county).into_iter().flatten().flatten().map(|e| e.path()) {
                let is_year = f.extension().is_some_and(|e| e == "yaml")
                    && f.file_stem()
                        .and_then(|s| s.to_str())
                        .is_some_and(|s| s.len() == 4 && s.chars().all(|c| c.is_ascii_digit()));
                if is_year {
                    found.push(f);
                }
            }
        }
        if found.is_empty() {
            return Err(Diagnostic::in_file("file.none", p, "目录下没有找到 <县>/<年份>.yaml 数据文件").into());
        }
        found.sort();
        out.extend(found);
    }
    Ok(out)
}

fn run_check(args: &CheckArgs) -> bool {
    let files = match data_files(&args.paths) {
        Ok(f) => f,
        Err(e) => {
            print_all(&e.0);
            return false;
        }
    };
    let (mut errors, mut warnings) = (0, 0);
    for data in &files {
        let result = project_for(data, &[Format::Md], DocxFonts::Names)
            .and_then(|(_, templates)| render::build(data, &templates, args.template.as_deref()));
        let diags = match result {
            Ok(built) => built.loaded.warnings,
            Err(e) => e.0,
        };
        print_all(&diags);
        errors += diags.iter().filter(|d| d.is_error()).count();
        warnings += diags.iter().filter(|d| !d.is_error()).count();
    }
    eprintln!("检查了 {} 个数据文件：{errors} 个错误，{warnings} 个警告", files.len());
    errors == 0
}
