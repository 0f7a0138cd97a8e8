//! Finding a configured face's font: a `file` in the project's font folder, or
//! the first of its `family` names found, each name looked up in the project's
//! font folder, then among the fonts nianbao carries, then among the system's
//! fonts (through `fontdb`, the font database Typst and resvg use: the
//! platform's font folders, and on Linux the folders fontconfig's
//! configuration names, `FONTCONFIG_FILE` included).
//!
//! The carried fonts come before the system's for their own names, so a
//! report set in them is the same on every machine. The system's fonts are
//! scanned once per process, and only when a name is not found before them.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use crate::config::FaceConfig;
use crate::diag::{Diagnostic, Errors, Result};

/// A font file nianbao carries, handed over by the binary ([`install_shipped`]).
#[derive(Debug, Clone, Copy)]
pub struct Shipped {
    /// The file name in the source tree's `fonts/` (`FandolFang-Regular.otf`).
    pub file: &'static str,
    pub data: &'static [u8],
}

static SHIPPED: OnceLock<Catalog> = OnceLock::new();
static SYSTEM: OnceLock<Catalog> = OnceLock::new();

/// Make `fonts` the fonts nianbao carries. The binary embeds them
/// (`src/main.rs`); the library alone carries none (its tests find the
/// source tree's `fonts/` as their project's font folder).
pub fn install_shipped(fonts: &'static [Shipped]) {
    SHIPPED.get_or_init(|| {
        let mut db = fontdb::Database::new();
        let mut files = Vec::new();
        for f in fonts {
            for id in db.load_font_source(fontdb::Source::Binary(Arc::new(f.data))) {
                files.push((id, Place::Shipped(*f)));
            }
        }
        Catalog { db, files }
    });
}

/// The names to give for the carried faces: the family of a regular face, the
/// PostScript name of another (`FandolSong-Bold`).
pub fn shipped_names() -> Vec<String> {
    let Some(cat) = SHIPPED.get() else { return Vec::new() };
    cat.db
        .faces()
        .map(|f| {
            if f.weight == fontdb::Weight::NORMAL && f.style == fontdb::Style::Normal && !cat.is_bold(f.id) {
                f.families.first().map_or_else(|| f.post_script_name.clone(), |(n, _)| n.clone())
            } else {
                f.post_script_name.clone()
            }
        })
        .collect()
}

/// Where a face was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Origin {
    /// The project's font folder (or a `file` setting).
    Project,
    /// Installed on this computer.
    System,
    /// One of the free fonts nianbao carries.
    Shipped,
}

impl Origin {
    /// How `nianbao fonts` and messages name it.
    pub fn label(self) -> &'static str {
        match self {
            Origin::Project => "项目",
            Origin::System => "系统",
            Origin::Shipped => "自带",
        }
    }
}

/// Where a face's bytes are.
#[derive(Debug, Clone)]
enum Place {
    File(PathBuf),
    Shipped(Shipped),
}

/// A face found.
#[derive(Debug, Clone)]
pub struct Found {
    pub origin: Origin,
    /// The font file; for a carried font, its file name.
    pub path: PathBuf,
    pub index: u32,
    /// The name it was found by (`None` for a `file` setting).
    pub matched: Option<String>,
    /// The names listed before it, found nowhere.
    pub tried: Vec<String>,
    /// The carried font's bytes.
    pub shipped: Option<&'static [u8]>,
}

/// Faces by name: one source of fonts.
#[derive(Debug, Default)]
struct Catalog {
    db: fontdb::Database,
    files: Vec<(fontdb::ID, Place)>,
}

impl Catalog {
    /// The face called `name` (a family name in any language, or a PostScript
    /// name; ASCII case ignored); of several, the upright one of regular weight
    /// (some fonts call a bold design weight 400 and mark it bold in `macStyle`).
    fn find(&self, name: &str) -> Option<(&fontdb::FaceInfo, &Place)> {
        let eq = |a: &str| a.eq_ignore_ascii_case(name);
        self.files
            .iter()
            .filter_map(|(id, place)| Some((self.db.face(*id)?, place)))
            .filter(|(f, _)| f.families.iter().any(|(n, _)| eq(n)) || eq(&f.post_script_name))
            .min_by_key(|(f, place)| {
                let path = match place {
                    Place::File(p) => p.clone(),
                    Place::Shipped(s) => PathBuf::from(s.file),
                };
                let upright = f.style == fontdb::Style::Normal;
                (!upright, (i32::from(f.weight.0) - 400).abs(), self.is_bold(f.id), path, f.index)
            })
    }

    /// The face is a bold design by its `macStyle` (whatever its weight class says).
    fn is_bold(&self, id: fontdb::ID) -> bool {
        self.db.with_face_data(id, |data, i| ttf_parser::Face::parse(data, i).is_ok_and(|f| f.is_bold())) == Some(true)
    }

    /// Every font file of `dir` and its subfolders (a file that holds no
    /// readable face is an error: it sits where the project keeps its fonts).
    fn folder(dir: &Path) -> Result<Catalog> {
        let mut cat = Catalog::default();
        let mut errors = Vec::new();
        let mut stack = vec![dir.to_path_buf()];
        let mut paths = Vec::new();
        while let Some(d) = stack.pop() {
            for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                } else if is_font_file(&path) {
                    paths.push(path);
                }
            }
        }
        paths.sort();
        for path in paths {
            // Opened as every input is (no FIFO, no device, bounded size), then mapped.
            let map = match crate::input::open(&path, crate::input::Kind::Font) {
                // SAFETY: as for every font file (see `fonts::load`).
                Ok((file, _)) => unsafe { memmap2::Mmap::map(&file) }.ok(),
                Err(e) => {
                    errors.extend(e.0);
                    continue;
                }
            };
            let ids = map.map(|m| cat.db.load_font_source(fontdb::Source::Binary(Arc::new(m)))).unwrap_or_default();
            if ids.is_empty() {
                errors.push(Diagnostic::error(
                    "font.load",
                    format!(
                        "字体文件 {} 无法解析；它可能已损坏，或不是 TTF/OTF/TTC 字体（它在项目的字体目录里，查找字体时会读它）",
                        path.display()
                    ),
                ));
            }
            cat.files.extend(ids.into_iter().map(|id| (id, Place::File(path.clone()))));
        }
        if errors.is_empty() { Ok(cat) } else { Err(Errors(errors)) }
    }

    /// The system's fonts, scanned on first use.
    fn system() -> &'static Catalog {
        SYSTEM.get_or_init(|| {
            let mut db = fontdb::Database::new();
            db.load_system_fonts();
            let files = db
                .faces()
                .filter_map(|f| match &f.source {
                    fontdb::Source::File(p) => Some((f.id, Place::File(p.clone()))),
                    fontdb::Source::SharedFile(p, _) => Some((f.id, Place::File(p.clone()))),
                    fontdb::Source::Binary(_) => None,
                })
                .collect();
            Catalog { db, files }
        })
    }
}

fn is_font_file(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "ttf" | "otf" | "ttc" | "otc"))
}

/// Finds faces for one configuration: the project's font folder is read once.
#[derive(Debug)]
pub struct Finder {
    dir: PathBuf,
    project: OnceLock<std::result::Result<Catalog, Errors>>,
}

impl Finder {
    pub fn new(dir: PathBuf) -> Finder {
        Finder { dir, project: OnceLock::new() }
    }

    fn project(&self) -> Result<Option<&Catalog>> {
        if !self.dir.is_dir() {
            return Ok(None);
        }
        match self.project.get_or_init(|| Catalog::folder(&self.dir)) {
            Ok(c) => Ok(Some(c)),
            Err(e) => Err(e.clone()),
        }
    }

    /// Find the face `name` is configured as.
    pub fn find(&self, name: &str, fc: &FaceConfig) -> Result<Found> {
        let located = |d: Diagnostic| Errors::one(d.at(fc.at.clone()).with_path(fc.setting.clone()));
        if let Some(file) = &fc.file {
            let path = self.dir.join(file);
            if path.is_file() {
                return Ok(Found {
                    origin: Origin::Project,
                    path,
                    index: fc.index,
                    matched: None,
                    tried: Vec::new(),
                    shipped: None,
                });
            }
            return Err(located(
                Diagnostic::error("font.missing", format!("找不到字体 `{name}` 的文件 {}", path.display()))
                    .with_help(format!("把字体文件放进项目的字体目录 {}，或改正文件名", self.dir.display())),
            ));
        }
        let mut tried = Vec::new();
        for family in &fc.family {
            for origin in [Origin::Project, Origin::Shipped, Origin::System] {
                let cat = match origin {
                    Origin::Project => self.project()?,
                    Origin::Shipped => SHIPPED.get(),
                    Origin::System => Some(Catalog::system()),
                };
                let Some(cat) = cat else { continue };
                if let Some((info, place)) = cat.find(family) {
                    let (path, shipped) = match place {
                        Place::File(p) => (p.clone(), None),
                        Place::Shipped(s) => (PathBuf::from(s.file), Some(s.data)),
                    };
                    return Ok(Found {
                        origin,
                        path,
                        index: info.index,
                        matched: Some(family.clone()),
                        tried,
                        shipped,
                    });
                }
            }
            tried.push(family.clone());
        }
        let carried = shipped_names();
        Err(located(
            Diagnostic::error(
                "font.not-found",
                format!(
                    "找不到字体 `{name}`：{}都不在项目字体目录 {}、nianbao 自带的字体和本机安装的字体里",
                    fc.family.iter().map(|f| format!("“{f}”")).collect::<Vec<_>>().join("、"),
                    self.dir.display()
                ),
            )
            .with_help(if carried.is_empty() {
                "把字体文件放进项目的字体目录，或用 file 指定字体文件".to_string()
            } else {
                format!("在列表最后加上 nianbao 自带的字体之一：{}", carried.join("、"))
            }),
        ))
    }
}
