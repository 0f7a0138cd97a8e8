//! A data file written from the model: a [`Report`] serialized as YAML with
//! only what a writer would type (what the data file's schema declares, values
//! equal to their default left out), and comments placed before the values
//! they are about. `next` and the importer write data files through it, so
//! what they write follows the model.

use std::path::Path;

use serde_json::Value as Json;
use yaml_serde::Value;

use super::model::Report;
use crate::diag::Result;
use crate::yaml::YamlFile;

/// `report` as a data file's value: what the schema declares, defaults left out.
pub fn value(report: &Report) -> Value {
    let schema = serde_json::to_value(super::schema_value()).expect("schema is JSON");
    let mut value = super::model::as_written(|| yaml_serde::to_value(report)).expect("the model serializes");
    prune(&mut value, &schema, &schema);
    value
}

/// A data file's value (from [`value`]) as its text: `header` (comment lines,
/// without `#`) first, then the YAML, each `(path, note)` of `notes` a comment
/// line just before the value at that YAML path (`review.sections[0].title`).
pub fn text(value: &Value, header: &[String], notes: &[(String, String)]) -> Result<String> {
    let body = yaml_serde::to_string(value).expect("a YAML value serializes");
    let mut lines: Vec<String> = body.lines().map(str::to_string).collect();
    if !notes.is_empty() {
        // Find each note's line in the text just written, then insert from the bottom up.
        let parsed = YamlFile::parse(Path::new("data.yaml"), body.clone())?;
        let mut at: Vec<(usize, &str)> = notes
            .iter()
            .filter_map(|(path, note)| {
                let at = parsed.locate_key(path).or_else(|| parsed.locate(path))?;
                Some((at.line, note.as_str()))
            })
            .collect();
        at.sort_by_key(|(line, _)| std::cmp::Reverse(*line));
        for (line, note) in at {
            let Some(target) = lines.get(line.saturating_sub(1)) else { continue };
            let indent: String = target.chars().take_while(|c| *c == ' ').collect();
            lines.insert(line - 1, format!("{indent}# {note}"));
        }
    }
    let mut out: String = header.iter().map(|h| if h.is_empty() { "#\n".into() } else { format!("# {h}\n") }).collect();
    if !out.is_empty() {
        out.push('\n');
    }
    for l in lines {
        out.push_str(&l);
        out.push('\n');
    }
    Ok(out)
}

/// Keep what the schema declares and differs from its default; whole numbers
/// written as integers (`87`, not `87.0`, which would print with a decimal).
fn prune(value: &mut Value, node: &Json, root: &Json) {
    let node = resolve(node, root);
    match value {
        Value::Mapping(map) => {
            let Some(props) = node.get("properties").and_then(Json::as_object) else { return };
            map.retain(|k, v| {
                let Some(prop) = k.as_str().and_then(|k| props.get(k)) else { return false };
                prune(v, prop, root);
                let default = prop.get("default").cloned().unwrap_or(Json::Null);
                !(v.is_null() || is_empty(v) || serde_json::to_value(&*v).ok().as_ref() == Some(&default))
            });
        }
        Value::Sequence(items) => {
            if let Some(item) = node.get("items") {
                for v in items {
                    prune(v, item, root);
                }
            }
        }
        Value::Number(n) if n.as_f64().is_some_and(|f| f.fract() == 0.0 && f.abs() < 1e15) && !n.is_i64() => {
            *value = Value::Number((n.as_f64().unwrap_or_default() as i64).into());
        }
        _ => {}
    }
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Sequence(s) => s.is_empty(),
        Value::Mapping(m) => m.is_empty(),
        Value::Bool(b) => !b,
        _ => false,
    }
}

/// The object schema behind `$ref`, `allOf` and `anyOf` (an optional value's
/// schema is `anyOf: [<type>, null]`).
fn resolve<'a>(node: &'a Json, root: &'a Json) -> &'a Json {
    if let Some(r) = node.get("$ref").and_then(Json::as_str) {
        let name = r.rsplit('/').next().unwrap_or_default();
        return root.get("definitions").and_then(|d| d.get(name)).map_or(node, |n| resolve(n, root));
    }
    for key in ["allOf", "anyOf"] {
        if let Some(first) = node
            .get(key)
            .and_then(Json::as_array)
            .and_then(|subs| subs.iter().find(|s| s.get("type").and_then(Json::as_str) != Some("null")))
        {
            return resolve(first, root);
        }
    }
    node
}
