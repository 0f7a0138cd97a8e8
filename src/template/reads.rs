//! Which data fields a template reads. The context's first two levels are
//! served by objects that note each key a template asks for, so that a field
//! the data gives and the template in use never reads (a key-points template
//! and `plan.targets`, say) is reported instead of vanishing from the report.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use minijinja::value::{Enumerator, Object, ObjectRepr, Value, ValueKind};

/// The dotted paths of the fields read so far (`plan`, `plan.targets`).
#[derive(Debug, Clone, Default)]
pub struct Reads(Arc<Mutex<BTreeSet<String>>>);

impl Reads {
    /// `ctx` with its first two levels of mappings watched.
    pub fn watch(&self, ctx: Value) -> Value {
        self.wrap(ctx, "", 2)
    }

    /// Whether the field at `path` was read.
    pub fn has(&self, path: &str) -> bool {
        self.0.lock().expect("lock").contains(path)
    }

    fn wrap(&self, v: Value, prefix: &str, depth: usize) -> Value {
        if depth == 0 || v.kind() != ValueKind::Map {
            return v;
        }
        let Ok(keys) = v.try_iter() else { return v };
        let entries = keys
            .filter_map(|k| {
                let item = v.get_item(&k).ok()?;
                let inner = self.wrap(item, &format!("{prefix}{k}."), depth - 1);
                Some((k, inner))
            })
            .collect();
        Value::from_object(Watched { prefix: prefix.to_string(), entries, reads: self.clone() })
    }
}

/// A mapping whose reads are noted.
#[derive(Debug)]
struct Watched {
    /// The mapping's own path and a dot (empty at the top).
    prefix: String,
    /// Its entries, in order.
    entries: Vec<(Value, Value)>,
    reads: Reads,
}

impl Object for Watched {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Map
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let (k, v) = self.entries.iter().find(|(k, _)| k == key)?;
        self.reads.0.lock().expect("lock").insert(format!("{}{k}", self.prefix));
        Some(v.clone())
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Values(self.entries.iter().map(|(k, _)| k.clone()).collect())
    }
}

#[cfg(test)]
mod tests {
    use minijinja::Environment;

    use super::Reads;

    /// Reads are noted by path, two levels deep, through attribute and item
    /// access, loops and filters alike; a template still sees plain mappings.
    #[test]
    fn reads_are_noted_and_the_mappings_behave_as_before() {
        let ctx = minijinja::context! {
            plan => minijinja::context! { targets => vec![1, 2], sections => vec!["甲"] },
            unit => minijinja::context! { name => "样例县" },
            phrases => minijinja::context! { tasks => "重点：" },
            honours => vec!["奖"],
        };
        let reads = Reads::default();
        let env = Environment::new();
        let src = "{{ unit.name }}|{% for s in plan['sections'] %}{{ s }}{% endfor %}|{{ plan|length }}|\
                   {{ plan is mapping }}|{{ unit|tojson }}|{% if phrases %}有{% endif %}|{{ (plan.x or '无') }}";
        let out = env.render_str(src, reads.watch(ctx)).unwrap();
        assert_eq!(out, "样例县|甲|2|True|{\"name\": \"样例县\"}|有|无");
        for read in ["unit", "unit.name", "plan", "plan.sections", "phrases"] {
            assert!(reads.has(read), "{read}");
        }
        for unread in ["plan.targets", "honours", "phrases.tasks", "plan.x"] {
            assert!(!reads.has(unread), "{unread}");
        }
    }
}
