//! The template context: the report as written, with what was derived set in
//! beside it under the names templates read (`metrics.signing_rate.text`,
//! `unit.whole`, `report_year`). Templates see one tree; the data model keeps
//! what the writer typed and [`Derived`] what nianbao worked out.

use std::collections::HashMap;

use serde::Serialize;
use yaml_serde::{Mapping, Value};

use super::derive::{self, Derived};
use super::model::Report;

/// The context a report's template renders with.
pub fn context(report: &Report, derived: &Derived) -> Value {
    let mut root = value(report);
    // Each metric and target with its figures, by YAML path and by id.
    let mut merged: HashMap<String, Value> = HashMap::new();
    let metrics = by_id(derive::metrics(report), |m| &m.id, |id| derived.metrics.get(id), &mut merged);
    let targets = by_id(derive::targets(report), |t| &t.id, |id| derived.targets.get(id), &mut merged);
    place(&mut root, "", &mut merged);
    if let Some(unit) = root.get_mut("unit") {
        extend(
            unit,
            Value::Mapping(Mapping::from_iter([
                (Value::from("short"), Value::from(derived.short.clone())),
                (Value::from("whole"), Value::from(derived.whole.clone())),
            ])),
        );
    }
    // Numbering as each level's format (a scheme's name resolved); none where
    // it is wrong (validation says so), so the genre's own applies.
    let numbering = report.numbering.as_ref().and_then(|n| n.levels().ok()).unwrap_or_default();
    extend(
        &mut root,
        Value::Mapping(Mapping::from_iter([
            (Value::from("numbering"), Value::Sequence(numbering.into_iter().map(Value::from).collect())),
            (Value::from("report_year"), Value::from(derived.report_year)),
            (Value::from("review_year"), Value::from(derived.review_year)),
            (Value::from("metrics"), Value::Mapping(metrics)),
            (Value::from("targets"), Value::Mapping(targets)),
        ])),
    );
    root
}

/// Each of `items` as written with its derived figures set in, by id; the
/// same by YAML path into `merged`.
fn by_id<'a, T: Serialize + 'a, F: Serialize + 'a>(
    items: Vec<(String, &'a T)>,
    id: impl Fn(&T) -> &String,
    figures: impl Fn(&str) -> Option<&'a F>,
    merged: &mut HashMap<String, Value>,
) -> Mapping {
    let mut out = Mapping::new();
    for (path, item) in items {
        let mut v = value(item);
        if let Some(f) = figures(id(item)) {
            extend(&mut v, value(f));
        }
        out.insert(Value::from(id(item).clone()), v.clone());
        merged.insert(path, v);
    }
    out
}

fn value(v: &impl Serialize) -> Value {
    yaml_serde::to_value(v).expect("the data model serializes")
}

/// Set each key of mapping `more` in mapping `v`: a key `v` has keeps its
/// place, a new one goes at the end.
fn extend(v: &mut Value, more: Value) {
    if let (Value::Mapping(m), Value::Mapping(more)) = (v, more) {
        for (k, x) in more {
            m.insert(k, x);
        }
    }
}

/// Replace the value at each YAML path of `merged` in the tree `v` at `path`.
fn place(v: &mut Value, path: &str, merged: &mut HashMap<String, Value>) {
    if let Some(m) = merged.remove(path) {
        *v = m;
        return;
    }
    match v {
        Value::Mapping(m) => {
            for (k, v) in m.iter_mut() {
                if let Some(k) = k.as_str() {
                    place(v, &crate::yaml::child_path(path, k), merged);
                }
            }
        }
        Value::Sequence(items) => {
            for (i, v) in items.iter_mut().enumerate() {
                place(v, &format!("{path}[{i}]"), merged);
            }
        }
        _ => {}
    }
}
