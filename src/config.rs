//! Project configuration (`nianbao.yaml`): the font roles and the `check` settings.
//!
//! The repository's own `nianbao.yaml` is compiled in as the default; a project's
//! `nianbao.yaml` (found next to `data/`, or in the current directory) is merged
//! over it with the same rules as data files ([`crate::yaml::merge`]).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diag::{Diagnostic, Result};
use crate::yaml::{self, YamlFile};

/// The built-in configuration.
pub const DEFAULT_CONFIG: &str = include_str!("../nianbao.yaml");
/// The configuration file's name.
pub const FILE_NAME: &str = "nianbao.yaml";

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub fonts: FontConfig,
    #[serde(default)]
    pub check: CheckConfig,
    /// Derived: the project directory (relative paths in the configuration start here).
    #[serde(skip)]
    pub root: PathBuf,
    /// Derived: the configuration file read, if any (an input of every report).
    #[serde(skip)]
    pub file: Option<PathBuf>,
}

impl yaml::TypeNames for Config {}

/// Which fonts serve which typographic role, and under which names the DOCX
/// refers to them.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FontConfig {
    /// The project's own font folder, relative to the project directory: looked
    /// in first for every family name, and where `file` settings are found.
    pub dir: PathBuf,
    /// Named faces.
    pub faces: BTreeMap<String, FaceConfig>,
    pub roles: Roles,
    /// Faces tried in order for a character a role's face lacks.
    #[serde(default)]
    pub fallback: Vec<String>,
}

/// One face: a font file (a face of a `.ttc` collection chosen by `index`), or
/// family names looked up in order (see [`crate::fonts::find`]).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaceConfig {
    /// A font file in the project's font folder (or an absolute path). When
    /// given, `family` is not looked up.
    #[serde(default)]
    pub file: Option<PathBuf>,
    #[serde(default)]
    pub index: u32,
    /// Family names (or PostScript names), the official face first and the
    /// face nianbao ships last: `[仿宋_GB2312, 仿宋, FangSong, FandolFang]`.
    #[serde(default, deserialize_with = "one_or_many")]
    pub family: Vec<String>,
    /// The font name the DOCX uses; by default the first family listed (the
    /// official face, which the office PCs that open the DOCX have), else the
    /// file's own family name.
    #[serde(default)]
    pub docx: Option<String>,
    /// Derived: where the face is configured (its `file`, else its `family`
    /// setting), for messages about the font.
    #[serde(skip)]
    pub at: Option<crate::diag::Location>,
    /// Derived: the YAML path of that setting.
    #[serde(skip)]
    pub setting: String,
}

/// A string or a list of strings.
fn one_or_many<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match OneOrMany::deserialize(d)? {
        OneOrMany::One(s) => vec![s],
        OneOrMany::Many(v) => v,
    })
}

/// The face of each typographic role.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Roles {
    pub title: RoleConfig,
    pub subtitle: RoleConfig,
    /// The date and speaker lines of a speech.
    pub byline: RoleConfig,
    pub body: RoleConfig,
    pub heading1: RoleConfig,
    pub heading2: RoleConfig,
    pub heading3: RoleConfig,
    pub heading4: RoleConfig,
    /// The `附件` label.
    pub attachment: RoleConfig,
    pub table: RoleConfig,
    /// Page numbers.
    pub folio: RoleConfig,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleConfig {
    /// A key of `fonts.faces`.
    pub face: String,
    /// Set in bold; a face without a bold design is emboldened by stroking.
    #[serde(default)]
    pub bold: bool,
    /// The type size, for tables only (the others' GB/T 9704 fixes): a
    /// Chinese size name (`四号`, `小四`) or points. Unset, the layout chooses
    /// the tables' size for each report.
    #[serde(default)]
    pub size: Option<TypeSize>,
}

/// A type size in points, written as a Chinese size name or a number.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TypeSize(pub f32);

/// The Chinese type sizes a table may take, with their points.
const TABLE_SIZES: [(&str, f32); 5] = [("三号", 16.0), ("小三", 15.0), ("四号", 14.0), ("小四", 12.0), ("五号", 10.5)];

/// A table's type size as offices name it (`四号`), else in points.
pub fn size_name(points: f32) -> String {
    match TABLE_SIZES.iter().find(|(_, p)| (p - points).abs() < 0.01) {
        Some((name, _)) => name.to_string(),
        None => format!("{points}磅"),
    }
}

impl<'de> Deserialize<'de> for TypeSize {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Written {
            Points(f32),
            Name(String),
        }
        match Written::deserialize(d)? {
            Written::Points(p) => Ok(TypeSize(p)),
            Written::Name(n) => {
                TABLE_SIZES.iter().find(|(name, _)| *name == n.trim()).map(|&(_, p)| TypeSize(p)).ok_or_else(|| {
                    serde::de::Error::custom(format!(
                        "不认识的字号“{n}”；可用：{}，或写磅数",
                        TABLE_SIZES.iter().map(|(name, _)| *name).collect::<Vec<_>>().join("、")
                    ))
                })
            }
        }
    }
}

/// Typographic roles; each has a face and a size fixed by GB/T 9704.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    Title,
    Subtitle,
    Byline,
    Body,
    Heading1,
    Heading2,
    Heading3,
    Heading4,
    Attachment,
    Table,
    Folio,
}

impl Role {
    pub const ALL: [Role; 11] = [
        Role::Title,
        Role::Subtitle,
        Role::Byline,
        Role::Body,
        Role::Heading1,
        Role::Heading2,
        Role::Heading3,
        Role::Heading4,
        Role::Attachment,
        Role::Table,
        Role::Folio,
    ];

    /// The configuration key of the role.
    pub fn key(self) -> &'static str {
        match self {
            Role::Title => "title",
            Role::Subtitle => "subtitle",
            Role::Byline => "byline",
            Role::Body => "body",
            Role::Heading1 => "heading1",
            Role::Heading2 => "heading2",
            Role::Heading3 => "heading3",
            Role::Heading4 => "heading4",
            Role::Attachment => "attachment",
            Role::Table => "table",
            Role::Folio => "folio",
        }
    }

    /// The heading role of a level (1 to 4).
    pub fn heading(level: u8) -> Role {
        match level {
            1 => Role::Heading1,
            2 => Role::Heading2,
            3 => Role::Heading3,
            _ => Role::Heading4,
        }
    }

    /// Type size in points (GB/T 9704: 2号 22 pt title, 3号 16 pt text, 4号 14 pt
    /// folio). A table's is this only by default: the configuration may fix it,
    /// else the layout chooses it for the document.
    pub fn size_pt(self) -> f32 {
        match self {
            Role::Title => 22.0,
            Role::Folio => 14.0,
            _ => 16.0,
        }
    }

    /// The type size in points in a report whose tables are set at
    /// `table_size`: that for a table, [`Role::size_pt`] for the others.
    pub fn size_in(self, table_size: f32) -> f32 {
        if self == Role::Table { table_size } else { self.size_pt() }
    }
}

impl Roles {
    pub fn get(&self, role: Role) -> &RoleConfig {
        match role {
            Role::Title => &self.title,
            Role::Subtitle => &self.subtitle,
            Role::Byline => &self.byline,
            Role::Body => &self.body,
            Role::Heading1 => &self.heading1,
            Role::Heading2 => &self.heading2,
            Role::Heading3 => &self.heading3,
            Role::Heading4 => &self.heading4,
            Role::Attachment => &self.attachment,
            Role::Table => &self.table,
            Role::Folio => &self.folio,
        }
    }
}

/// Settings of `nianbao check`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckConfig {
    /// Check ids not to report.
    #[serde(default)]
    pub silence: Vec<String>,
}

impl Config {
    /// The built-in configuration, rooted at `root`.
    pub fn builtin(root: &Path) -> Config {
        Config::load_from(root, None).expect("the built-in nianbao.yaml is valid")
    }

    /// Find the project configuration for a data file: the nearest `nianbao.yaml`
    /// in the data file's folder or above; otherwise the current directory's, if
    /// any; otherwise the built-in one rooted at the current directory.
    pub fn discover(start: &Path) -> Result<Config> {
        Config::load(Config::locate(start).as_deref())
    }

    /// The configuration in `file` (as [`Config::locate`] found it), rooted at
    /// its folder; without one, the built-in one rooted at the current directory.
    pub fn load(file: Option<&Path>) -> Result<Config> {
        match file {
            Some(file) => Config::load_from(file.parent().unwrap_or(Path::new("")), Some(file)),
            None => Config::load_from(Path::new("."), None),
        }
    }

    /// The `nianbao.yaml` [`Config::discover`] reads for a data file, if any:
    /// relative to the current directory when inside it, as messages show it.
    pub fn locate(start: &Path) -> Option<PathBuf> {
        let abs = std::path::absolute(start).unwrap_or_else(|_| start.to_path_buf());
        let found = abs.ancestors().skip(1).map(|d| d.join(FILE_NAME)).find(|p| p.is_file());
        let file = found.or_else(|| Some(PathBuf::from(FILE_NAME)).filter(|p| p.is_file()))?;
        let cwd = std::env::current_dir().unwrap_or_default();
        Some(file.strip_prefix(&cwd).map(Path::to_path_buf).unwrap_or(file))
    }

    /// The built-in configuration with `file` (if any) merged over it.
    pub fn load_from(root: &Path, file: Option<&Path>) -> Result<Config> {
        let builtin = YamlFile::parse(Path::new("<内置 nianbao.yaml>"), DEFAULT_CONFIG.to_string())?;
        let project = file.map(YamlFile::read).transpose()?;
        let merged = match &project {
            Some(p) => yaml::merge(builtin.value.clone(), p.value.clone()),
            None => builtin.value.clone(),
        };
        let files: Vec<&YamlFile> = project.iter().chain(std::iter::once(&builtin)).collect();
        let mut config: Config = yaml::deserialize(merged, &files)?;
        config.root = root.to_path_buf();
        config.file = file.map(Path::to_path_buf);
        for (name, face) in &mut config.fonts.faces {
            let key = if face.file.is_some() { "file" } else { "family" };
            face.setting = format!("fonts.faces.{name}.{key}");
            face.at = yaml::locate(&files, &face.setting, false);
        }
        config.validate(&files)?;
        Ok(config)
    }

    fn validate(&self, files: &[&YamlFile]) -> Result<()> {
        let faces: Vec<String> = self.fonts.faces.keys().cloned().collect();
        let mut errors = Vec::new();
        for (name, face) in &self.fonts.faces {
            if face.file.is_none() && face.family.is_empty() {
                let path = format!("fonts.faces.{name}");
                errors.push(
                    Diagnostic::error(
                        "config.face",
                        format!("字体 `{name}` 既没有写 file（字体文件）也没有写 family（字体名）"),
                    )
                    .at(yaml::locate(files, &path, true))
                    .with_path(path)
                    .with_help("例如 `family: [仿宋_GB2312, 仿宋, FandolFang]`，或 `file: 仿宋_GB2312.ttf`"),
                );
            }
        }
        let mut check = |name: &str, path: String| {
            if !self.fonts.faces.contains_key(name) {
                let mut d = Diagnostic::error("config.face", format!("字体 `{name}` 没有在 fonts.faces 里定义"))
                    .at(yaml::locate(files, &path, false))
                    .with_path(path);
                if let Some(s) = yaml::suggest(name, &faces) {
                    d = d.with_help(format!("你是不是想写 `{s}`？"));
                }
                errors.push(d);
            }
        };
        for role in Role::ALL {
            check(&self.fonts.roles.get(role).face, format!("fonts.roles.{}.face", role.key()));
        }
        for (i, f) in self.fonts.fallback.iter().enumerate() {
            check(f, format!("fonts.fallback[{i}]"));
        }
        // Only a table's size is the office's to choose, within 五号 to 三号.
        for role in Role::ALL {
            let Some(TypeSize(pt)) = self.fonts.roles.get(role).size else { continue };
            let path = format!("fonts.roles.{}.size", role.key());
            let message = if role != Role::Table {
                "只有表格（fonts.roles.table）可以改字号：正文、标题、页码的字号由 GB/T 9704 规定".to_string()
            } else if !(10.5..=16.0).contains(&pt) {
                format!("表格字号 {pt} 磅不在五号（10.5 磅）到三号（16 磅）之间")
            } else {
                continue;
            };
            errors
                .push(Diagnostic::error("config.size", message).at(yaml::locate(files, &path, false)).with_path(path));
        }
        if errors.is_empty() { Ok(()) } else { Err(crate::diag::Errors(errors)) }
    }

    /// The project's font folder (it need not exist).
    pub fn font_dir(&self) -> PathBuf {
        if self.root == Path::new(".") { self.fonts.dir.clone() } else { self.root.join(&self.fonts.dir) }
    }
}
