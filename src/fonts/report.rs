//! What `nianbao fonts` prints: for a project, each face and where it was
//! found (the project's font folder, the system, or the fonts nianbao
//! carries) and which names were looked for in vain; each role's face and the
//! name the DOCX gives it; and, for one report, how much of the report's text
//! each role's face covers and which fallback faces set the rest.

use std::collections::{BTreeMap, BTreeSet};

use crate::config::{Config, Role};
use crate::diag::{Result, table};
use crate::doc::Document;
use crate::fonts::{Faces, FontBook, coverage};

/// The characters of the page numbers (`— 12 —`), set in the folio role.
const FOLIO: &str = "—0123456789";

/// The role's name for the office writer.
fn role_label(role: Role) -> &'static str {
    match role {
        Role::Title => "标题",
        Role::Subtitle => "副标题",
        Role::Byline => "日期、讲话人",
        Role::Body => "正文",
        Role::Heading1 => "一级标题",
        Role::Heading2 => "二级标题",
        Role::Heading3 => "三级标题",
        Role::Heading4 => "四级标题",
        Role::Attachment => "附件标记",
        Role::Table => "表格、图表",
        Role::Folio => "页码",
    }
}

/// The text `nianbao fonts` prints for `config`'s faces, with coverage of `doc`.
pub fn describe(config: &Config, book: &FontBook, doc: Option<&Document>) -> Result<String> {
    let mut out = String::new();
    match &config.file {
        Some(f) => out.push_str(&format!("配置：{}（合并在内置配置之上）\n", f.display())),
        None => out.push_str("配置：内置配置（没有找到 nianbao.yaml）\n"),
    }
    let dir = config.font_dir();
    let exists = if dir.is_dir() { "" } else { "（不存在）" };
    out.push_str(&format!("项目字体目录：{}{exists}\n\n", dir.display()));

    let mut rows = vec![vec!["字体".to_string(), "找到的字体".into(), "来源".into(), "文件".into(), "没有找到".into()]];
    for id in 0..book.len() {
        let (name, found) = book.found(id);
        let face = book.face(id)?;
        let what = found.matched.clone().unwrap_or_else(|| face.family.clone());
        let mut file = found.path.display().to_string();
        if face.index > 0 {
            file.push_str(&format!("（第 {} 个字体）", face.index));
        }
        rows.push(vec![name.to_string(), what, found.origin.label().to_string(), file, found.tried.join("、")]);
    }
    out.push_str(&table(&rows));

    let by_role = doc.map(coverage::chars_by_role);
    let data = by_role.as_ref().map(|_| book.load_all()).transpose()?;
    let mut faces = data.as_deref().map(|data| Faces::new(book, data));
    let mut heads = vec!["角色".to_string(), "字体".into(), "DOCX 字体名".into()];
    if doc.is_some() {
        heads.push("本报告用到的字".into());
    }
    let mut rows = vec![heads];
    // Fallback face → the characters it sets, and in which roles.
    let mut fell_back: BTreeMap<usize, (BTreeSet<char>, Vec<&str>)> = BTreeMap::new();
    let mut missing: BTreeSet<char> = BTreeSet::new();
    for role in Role::ALL {
        let (id, bold) = book.role(role);
        let face = book.face(id)?;
        let (name, _) = book.found(id);
        let bold = if bold && !face.is_bold { "（描边加粗）" } else { "" };
        let mut row =
            vec![format!("{} {}", role_label(role), role.key()), format!("{name}{bold}"), face.docx_name.clone()];
        if let (Some(by_role), Some(faces)) = (&by_role, faces.as_mut()) {
            let chars: BTreeSet<char> = match role {
                Role::Folio => FOLIO.chars().collect(),
                _ => by_role.get(&role).cloned().unwrap_or_default(),
            };
            let lacking: Vec<char> = chars.iter().copied().filter(|&c| !face.has_char(c)).collect();
            let mut cell = format!("{} 个", chars.len());
            if chars.is_empty() {
                cell = "没有用到".to_string();
            } else if lacking.is_empty() {
                cell.push_str("，全有");
            } else {
                let list: String = lacking.iter().collect();
                cell.push_str(&format!("，缺 {} 个：{list}", lacking.len()));
                for &c in &lacking {
                    match faces.resolve(role, c) {
                        Some(f) => {
                            let e = fell_back.entry(f).or_default();
                            e.0.insert(c);
                            if !e.1.contains(&role_label(role)) {
                                e.1.push(role_label(role));
                            }
                        }
                        None => {
                            missing.insert(c);
                        }
                    }
                }
            }
            row.push(cell);
        }
        rows.push(row);
    }
    out.push('\n');
    out.push_str(&table(&rows));

    let chain: Vec<String> = book.fallback_ids().iter().map(|&id| book.found(id).0.to_string()).collect();
    out.push_str(&format!(
        "\n后备字体（角色的字体缺字时依次使用）：{}\n",
        if chain.is_empty() { "无".to_string() } else { chain.join("、") }
    ));
    for (id, (chars, roles)) in &fell_back {
        let list: String = chars.iter().collect();
        out.push_str(&format!("  {} 补了 {} 个字：{list}（{}）\n", book.found(*id).0, chars.len(), roles.join("、")));
    }
    if !missing.is_empty() {
        let list: String = missing.iter().collect();
        out.push_str(&format!("  所有字体都没有的字：{list}（生成时会报错）\n"));
    }
    let unembeddable: Vec<String> =
        (0..book.len()).filter_map(|id| book.face(id).ok().filter(|f| !f.embeddable).map(|f| f.name.clone())).collect();
    out.push_str(
        "\nDOCX：默认嵌入每种字体用到的字，字体名是正式字体名加六个字母（如“仿宋_GB2312 KQZVBN”），\n\
         各份文件互不干扰；--docx-fonts embed 嵌入整套字体，--docx-fonts names 只写正式字体名。\n",
    );
    if !unembeddable.is_empty() {
        out.push_str(&format!("字体许可不允许嵌入、DOCX 里只写字体名的：{}\n", unembeddable.join("、")));
    }
    Ok(out)
}
