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

/// Which font files serve which typographic role, and under which names the
/// DOCX refers to them.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FontConfig {
    /// Folder of the font files, relative to the project directory.
    pub dir: PathBuf,
    /// Named faces.
    pub faces: BTreeMap<String, FaceConfig>,
    pub roles: Roles,
    /// Faces tried in order for a character a role's face lacks.
    #[serde(default)]
    pub fallback: Vec<String>,
}

/// One font file (a face of a `.ttc` collection is chosen by `index`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaceConfig {
    pub file: PathBuf,
    #[serde(default)]
    pub index: u32,
    /// The font name written into the DOCX (`仿宋_GB2312`); embedded subsets are
    /// renamed to it so that an installed font of that name wins in Word.
    pub docx: String,
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

    /// Type size in points (GB/T 9704: 2号 22 pt title, 3号 16 pt text, 4号 14 pt folio).
    pub fn size_pt(self) -> f32 {
        match self {
            Role::Title => 22.0,
            Role::Folio => 14.0,
            _ => 16.0,
        }
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
        let abs = std::path::absolute(start).unwrap_or_else(|_| start.to_path_buf());
        let found = abs.ancestors().skip(1).map(|d| d.join(FILE_NAME)).find(|p| p.is_file());
        let found = found.or_else(|| Some(PathBuf::from(FILE_NAME)).filter(|p| p.is_file()));
        match found {
            Some(file) => {
                // Shown in messages: relative to the current directory when inside it.
                let cwd = std::env::current_dir().unwrap_or_default();
                let file = file.strip_prefix(&cwd).map(Path::to_path_buf).unwrap_or(file);
                let root = file.parent().map(Path::to_path_buf).unwrap_or_default();
                Config::load_from(&root, Some(&file))
            }
            None => Config::load_from(Path::new("."), None),
        }
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
        config.validate(&files)?;
        Ok(config)
    }

    fn validate(&self, files: &[&YamlFile]) -> Result<()> {
        let faces: Vec<String> = self.fonts.faces.keys().cloned().collect();
        let mut errors = Vec::new();
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
        if errors.is_empty() { Ok(()) } else { Err(crate::diag::Errors(errors)) }
    }

    /// The font folder: the configured one (relative to the configuration);
    /// when it does not exist, the free fonts nianbao ships with (`NIANBAO_FONTS`,
    /// else the `fonts/` folder of the source tree it was built from).
    pub fn font_dir(&self) -> PathBuf {
        let dir = self.root.join(&self.fonts.dir);
        if dir.is_dir() {
            return dir;
        }
        let shipped = std::env::var_os("NIANBAO_FONTS")
            .map(PathBuf::from)
            .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts"));
        if shipped.is_dir() { shipped } else { dir }
    }
}
