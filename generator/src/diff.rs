//! What a spec change does to code written against the generated SDK: two [`Surface`]s compared,
//! each change classified by what the generated Rust makes of it.
//!
//! The rules follow Rust's semver rules for the code the emitter writes, not the wire: a new
//! optional input is a new builder setter (a feature), a new required one a new method argument
//! (breaking); a new field of an exhaustive struct breaks struct literals; a new value of an
//! exhaustive enum breaks `match`es that list every variant. A change only the wire or the docs
//! see (a path, a wire name, a description) is a fix.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde::Serialize;

use crate::features::enabled_by;
use crate::surface::{OperationSurface, Shape, Surface, TypeSurface};

/// How a change affects users' code, from least to most.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Nothing users wrote can tell (the wire, the docs).
    Fix,
    /// New things to use; code that compiled still compiles.
    Feature,
    /// Code that compiled may not compile any more.
    Breaking,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Fix => "fix",
            Level::Feature => "feature",
            Level::Breaking => "breaking",
        }
    }
}

/// One change of the SDK surface.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub level: Level,
    /// The resource it belongs to (`beta.agent_data`; `client` for the client's own methods).
    pub resource: String,
    /// The item as users write it (`client.beta().agent_data().get()`, `types::AgentData`).
    pub item: String,
    pub what: String,
    /// Where the cause is in the spec (in the new spec; in the old one for what was removed).
    pub pointer: String,
}

/// Every change between two surfaces, sorted by resource, then from breaking to fix.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    pub changes: Vec<Change>,
}

impl Report {
    /// The strongest level of any change; `None` when the surface did not change.
    pub fn verdict(&self) -> Option<Level> {
        self.changes.iter().map(|c| c.level).max()
    }

    /// Says why a new type has the name it has where the name lock kept a shorter one from it
    /// (`notes`: by type name, from [`crate::ir::Api::name_notes`]).
    pub fn explained(mut self, notes: &BTreeMap<String, String>) -> Report {
        for change in &mut self.changes {
            if let Some(note) = change.item.strip_prefix("types::").and_then(|name| notes.get(name)).filter(|_| change.what == "added") {
                change.what = format!("added, {note}");
            }
        }
        self
    }

    pub fn count(&self, level: Level) -> usize {
        self.changes.iter().filter(|c| c.level == level).count()
    }

    fn summary(&self) -> String {
        match self.verdict() {
            None => "no change to the SDK surface".to_owned(),
            Some(verdict) => format!(
                "{}: {} breaking, {} feature, {} fix",
                verdict.as_str(),
                self.count(Level::Breaking),
                self.count(Level::Feature),
                self.count(Level::Fix)
            ),
        }
    }

    /// Human text: a summary line, then the changes per resource.
    pub fn to_text(&self) -> String {
        let mut out = format!("{}\n", self.summary());
        let mut resource = None;
        for change in &self.changes {
            if resource != Some(&change.resource) {
                let _ = writeln!(out, "\n{}", change.resource);
                resource = Some(&change.resource);
            }
            let _ = writeln!(out, "  {:<8}  {}: {}  ({})", change.level.as_str(), change.item, change.what, change.pointer);
        }
        out
    }

    /// Markdown for a changelog: a section per level, each change with its resource and spec location.
    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        for (level, heading) in [(Level::Breaking, "Breaking changes"), (Level::Feature, "Features"), (Level::Fix, "Fixes")] {
            let changes: Vec<&Change> = self.changes.iter().filter(|c| c.level == level).collect();
            if changes.is_empty() {
                continue;
            }
            if !out.is_empty() {
                out.push('\n');
            }
            let _ = writeln!(out, "### {heading}\n");
            for change in changes {
                let _ = writeln!(out, "- **{}** `{}`: {} (`{}`)", change.resource, change.item, escape_markdown(&change.what), change.pointer);
            }
        }
        out
    }

    /// JSON: the verdict, the counts and every change.
    pub fn to_json(&self) -> String {
        let json = serde_json::json!({
            "verdict": self.verdict().map(Level::as_str).unwrap_or("none"),
            "breaking": self.count(Level::Breaking),
            "feature": self.count(Level::Feature),
            "fix": self.count(Level::Fix),
            "changes": self.changes,
        });
        let mut text = serde_json::to_string_pretty(&json).expect("plain data");
        text.push('\n');
        text
    }
}

/// Markdown would read `*` and `_` in type names (`Vec<T>`, `page_size`) as emphasis.
fn escape_markdown(text: &str) -> String {
    text.replace('*', "\\*")
}

/// Compares the surface of the SDK before (`old`) and after (`new`) a spec change.
pub fn diff(old: &Surface, new: &Surface) -> Report {
    let mut changes = Changes::default();
    for feature in old.features.difference(&new.features) {
        changes.push(Level::Breaking, "crate", &format!("feature `{feature}`"), "removed", "#/paths");
    }
    for feature in new.features.difference(&old.features) {
        changes.push(Level::Feature, "crate", &format!("feature `{feature}`"), "added", "#/paths");
    }
    // A build that turned a feature on relies on what it turned on.
    for feature in old.features.intersection(&new.features) {
        let now = enabled_by(&new.feature_enables, feature);
        for dropped in enabled_by(&old.feature_enables, feature).into_iter().filter(|f| new.features.contains(*f) && !now.contains(f)) {
            changes.push(Level::Breaking, "crate", &format!("feature `{feature}`"), &format!("no longer turns on `{dropped}`"), "#/paths");
        }
    }
    // A handle type users named in their code is gone when it is renamed (a surface recorded
    // before handles were has none to compare). Resources added or removed show in their operations.
    if !old.resources.is_empty() {
        for (path, old_name) in &old.resources {
            if let Some(new_name) = new.resources.get(path).filter(|new_name| *new_name != old_name) {
                let item = format!("resources::{}::{old_name}", path.replace('.', "::"));
                changes.push(Level::Breaking, path, &item, &format!("handle type renamed to `{new_name}`"), "#/paths");
            }
        }
    }
    // A method or type that is gone while a new one stands for the same spec node was renamed.
    let new_op_at: BTreeMap<&str, &str> =
        new.operations.iter().filter(|(key, _)| !old.operations.contains_key(*key)).map(|(key, op)| (op.pointer.as_str(), key.as_str())).collect();
    let mut renamed: Vec<&str> = Vec::new();
    for (key, old_op) in &old.operations {
        match new.operations.get(key) {
            None => match new_op_at.get(old_op.pointer.as_str()) {
                Some(&now) => {
                    renamed.push(now);
                    changes.push(Level::Breaking, &resource_name(&old_op.resource), &call(key), &format!("renamed to `{}`", call(now)), &old_op.pointer);
                    compare_operations(now, old_op, &new.operations[now], &mut changes);
                }
                None => changes.push(Level::Breaking, &resource_name(&old_op.resource), &call(key), "removed", &old_op.pointer),
            },
            Some(new_op) => compare_operations(key, old_op, new_op, &mut changes),
        }
    }
    for (key, new_op) in &new.operations {
        if !old.operations.contains_key(key) && !renamed.contains(&key.as_str()) {
            changes.push(Level::Feature, &resource_name(&new_op.resource), &call(key), "added", &new_op.pointer);
        }
    }
    let new_type_at: BTreeMap<&str, &str> =
        new.types.iter().filter(|(name, _)| !old.types.contains_key(*name)).map(|(name, ty)| (ty.pointer.as_str(), name.as_str())).collect();
    let old_pointers: std::collections::HashSet<&str> = old.types.values().map(|t| t.pointer.as_str()).collect();
    let mut renamed: Vec<&str> = Vec::new();
    for (name, old_type) in &old.types {
        let item = format!("types::{name}");
        match (new.types.get(name), new_type_at.get(old_type.pointer.as_str())) {
            (None, Some(&now)) => {
                renamed.push(now);
                changes.push(Level::Breaking, &resource_name(&old_type.module), &item, &format!("renamed to `types::{now}`"), &old_type.pointer);
            }
            // The name went to a schema new to the surface, and what it named has a new name.
            (Some(new_type), Some(&now)) if !old_pointers.contains(new_type.pointer.as_str()) => {
                renamed.push(now);
                let what = format!("renamed to `types::{now}`; `{name}` now names the type at `{}`", new_type.pointer);
                changes.push(Level::Breaking, &resource_name(&old_type.module), &item, &what, &old_type.pointer);
            }
            (None, None) => changes.push(Level::Breaking, &resource_name(&old_type.module), &item, "removed", &old_type.pointer),
            (Some(new_type), _) => compare_types(name, (old_type, old), (new_type, new), &mut changes),
        }
    }
    for (name, new_type) in &new.types {
        if !old.types.contains_key(name) && !renamed.contains(&name.as_str()) {
            changes.push(Level::Feature, &resource_name(&new_type.module), &format!("types::{name}"), "added", &new_type.pointer);
        }
    }
    let mut changes = changes.0;
    changes.sort_by(|a, b| (&a.resource, std::cmp::Reverse(a.level), &a.item, &a.what).cmp(&(&b.resource, std::cmp::Reverse(b.level), &b.item, &b.what)));
    Report { changes }
}

#[derive(Default)]
struct Changes(Vec<Change>);

impl Changes {
    fn push(&mut self, level: Level, resource: &str, item: &str, what: &str, pointer: &str) {
        self.0.push(Change { level, resource: resource.to_owned(), item: item.to_owned(), what: what.to_owned(), pointer: pointer.to_owned() });
    }
}

fn resource_name(path: &str) -> String {
    if path.is_empty() {
        "client".to_owned()
    } else {
        path.to_owned()
    }
}

/// `beta.agent_data.get` as users call it: `client.beta().agent_data().get()`.
fn call(key: &str) -> String {
    let mut text = "client".to_owned();
    for step in key.split('.') {
        let _ = write!(text, ".{step}()");
    }
    text
}

fn compare_operations(key: &str, old: &OperationSurface, new: &OperationSurface, changes: &mut Changes) {
    let resource = resource_name(&new.resource);
    let item = call(key);
    let mut push = |level, what: String| changes.push(level, &resource, &item, &what, &new.pointer);

    if old.builder != new.builder {
        push(Level::Breaking, format!("its request builder `{}` is now `{}`", old.builder, new.builder));
    }
    match (&old.operation_type, &new.operation_type) {
        // Code that names the builder, calls its methods or awaits it compiles as before; the
        // struct itself is gone, which cargo-semver-checks counts as breaking.
        (None, Some(operation)) => push(Level::Breaking, format!("its request builder `{}` is now an alias of `Request<{operation}>`", new.builder)),
        (Some(old_type), Some(new_type)) if old_type != new_type => push(Level::Breaking, format!("its operation type `{old_type}` is now `{new_type}`")),
        _ => {}
    }

    // Inputs that moved between the arguments and the setters.
    let old_args: BTreeMap<&str, &str> = old.arguments.iter().map(|p| (p.name.as_str(), p.ty.as_str())).collect();
    let new_args: BTreeMap<&str, &str> = new.arguments.iter().map(|p| (p.name.as_str(), p.ty.as_str())).collect();
    for name in old.setters.keys().filter(|n| new_args.contains_key(n.as_str())) {
        push(Level::Breaking, format!("`{name}` is now required: a method argument instead of a setter"));
    }
    for name in new.setters.keys().filter(|n| old_args.contains_key(n.as_str())) {
        push(Level::Breaking, format!("`{name}` is now optional: a setter instead of a method argument"));
    }
    // Arguments are positional: callers see their number and types, in order, not their names.
    let old_types: Vec<&str> = old.arguments.iter().map(|p| p.ty.as_str()).collect();
    let new_types: Vec<&str> = new.arguments.iter().map(|p| p.ty.as_str()).collect();
    let moved = old.setters.keys().any(|n| new_args.contains_key(n.as_str())) || new.setters.keys().any(|n| old_args.contains_key(n.as_str()));
    if old_types == new_types && !moved {
        if old.arguments != new.arguments {
            let names = |args: &[crate::surface::Param]| args.iter().map(|p| p.name.as_str()).collect::<Vec<_>>().join(", ");
            push(Level::Fix, format!("arguments renamed: ({}) instead of ({})", names(&new.arguments), names(&old.arguments)));
        }
    } else {
        for arg in new.arguments.iter().filter(|p| !old_args.contains_key(p.name.as_str()) && !old.setters.contains_key(&p.name)) {
            push(Level::Breaking, format!("new required argument `{}: {}`", arg.name, arg.ty));
        }
        for arg in old.arguments.iter().filter(|p| !new_args.contains_key(p.name.as_str()) && !new.setters.contains_key(&p.name)) {
            push(Level::Breaking, format!("argument `{}` removed", arg.name));
        }
        for arg in &new.arguments {
            if let Some(old_ty) = old_args.get(arg.name.as_str()).filter(|t| **t != arg.ty) {
                push(Level::Breaking, format!("argument `{}` is now `{}` (was `{old_ty}`)", arg.name, arg.ty));
            }
        }
        let kept_in_new_order: Vec<&str> = new.arguments.iter().map(|p| p.name.as_str()).filter(|n| old_args.contains_key(n)).collect();
        let kept_in_old_order: Vec<&str> = old.arguments.iter().map(|p| p.name.as_str()).filter(|n| new_args.contains_key(n)).collect();
        if kept_in_new_order != kept_in_old_order {
            push(Level::Breaking, format!("arguments reordered: ({}) instead of ({})", kept_in_new_order.join(", "), kept_in_old_order.join(", ")));
        }
    }

    for (name, setter) in &old.setters {
        match new.setters.get(name) {
            None if new_args.contains_key(name.as_str()) => {}
            None => push(Level::Breaking, format!("setter `{name}` removed")),
            Some(now) => {
                if now.ty != setter.ty {
                    push(Level::Breaking, format!("setter `{name}` now takes `{}` (was `{}`)", now.ty, setter.ty));
                }
                match (setter.nullable, now.nullable) {
                    (true, false) => push(Level::Breaking, format!("setter `{name}_null` removed")),
                    (false, true) => push(Level::Feature, format!("new setter `{name}_null` (sends an explicit null)")),
                    _ => {}
                }
                if now.wire != setter.wire {
                    push(Level::Fix, format!("`{name}` is sent as `{}` (was `{}`)", now.wire, setter.wire));
                }
                if now.docs != setter.docs {
                    push(Level::Fix, format!("documentation of `{name}` changed"));
                }
            }
        }
    }
    for (name, setter) in &new.setters {
        if !old.setters.contains_key(name) && !old_args.contains_key(name.as_str()) {
            push(Level::Feature, format!("new setter `{name}: {}`", setter.ty));
        }
    }

    if old.response != new.response {
        push(Level::Breaking, format!("returns `{}` instead of `{}`", new.response, old.response));
    } else if old.pagination != new.pagination {
        push(Level::Fix, format!("pages by {} (was {})", new.pagination.as_deref().unwrap_or("-"), old.pagination.as_deref().unwrap_or("-")));
    }
    for method in old.job_methods.iter().filter(|m| !new.job_methods.contains(m)) {
        push(Level::Breaking, format!("resource method `{method}` removed (the operation no longer reads a job)"));
    }
    for method in new.job_methods.iter().filter(|m| !old.job_methods.contains(m)) {
        push(Level::Feature, format!("new resource method `{method}` for the job it reads"));
    }
    match (old.starts_job, new.starts_job) {
        (true, false) => push(Level::Breaking, "`and_wait()` removed from its builder".to_owned()),
        (false, true) => push(Level::Feature, "its builder can `and_wait()` for the job it starts".to_owned()),
        _ => {}
    }
    match (old.deprecated, new.deprecated) {
        (false, true) => push(Level::Feature, "deprecated".to_owned()),
        (true, false) => push(Level::Fix, "no longer deprecated".to_owned()),
        _ => {}
    }
    if old.http != new.http {
        push(Level::Fix, format!("sends `{}` (was `{}`)", new.http, old.http));
    }
    if old.docs != new.docs {
        push(Level::Fix, "documentation changed".to_owned());
    }
}

fn compare_types(name: &str, (old, old_crate): (&TypeSurface, &Surface), (new, new_crate): (&TypeSurface, &Surface), changes: &mut Changes) {
    let resource = resource_name(&new.module);
    let item = format!("types::{name}");
    let mut push = |level, item: &str, what: String, pointer: &str| changes.push(level, &resource, item, &what, pointer);

    // A type compiles when any of its features is on, or one that turns it on (always, with none): a
    // build with one feature that compiled it before must still. A feature gone is reported itself.
    let compiles = |ty: &TypeSurface, krate: &Surface, build: Option<&str>| {
        ty.features.is_empty() || build.is_some_and(|feature| enabled_by(&krate.feature_enables, feature).iter().any(|on| ty.features.iter().any(|f| f == on)))
    };
    let mut builds: BTreeSet<Option<&str>> = BTreeSet::from([None]);
    builds.extend(old_crate.features.iter().chain(&new_crate.features).chain(&old.features).chain(&new.features).map(|f| Some(f.as_str())));
    let available_in_fewer = builds.iter().any(|&build| compiles(old, old_crate, build) && !compiles(new, new_crate, build));
    let available_in_more = builds.iter().any(|&build| compiles(new, new_crate, build) && !compiles(old, old_crate, build));
    if available_in_fewer {
        push(Level::Breaking, &item, format!("needs feature {} (was {})", features_text(&new.features), features_text(&old.features)), &new.pointer);
    } else if available_in_more {
        push(Level::Feature, &item, format!("compiled with {} (was {})", features_text(&new.features), features_text(&old.features)), &new.pointer);
    }
    if old.docs != new.docs {
        push(Level::Fix, &item, "documentation changed".to_owned(), &new.pointer);
    }

    match (&old.shape, &new.shape) {
        (
            Shape::Struct { fields: old_fields, exhaustive: old_exhaustive, default: old_default, constructor: old_new, setters: old_setters },
            Shape::Struct { fields: new_fields, exhaustive: new_exhaustive, default: new_default, constructor: new_new, setters: new_setters },
        ) => {
            for (field, before) in old_fields {
                let field_item = format!("{item}::{field}");
                match new_fields.get(field) {
                    None => push(Level::Breaking, &field_item, "field removed".to_owned(), &before.pointer),
                    Some(after) => {
                        if after.ty != before.ty {
                            push(Level::Breaking, &field_item, format!("is now `{}` (was `{}`)", after.ty, before.ty), &after.pointer);
                        }
                        if after.wire != before.wire {
                            push(Level::Fix, &field_item, format!("is `{}` on the wire (was `{}`)", after.wire, before.wire), &after.pointer);
                        }
                        if after.docs != before.docs {
                            push(Level::Fix, &field_item, "documentation changed".to_owned(), &after.pointer);
                        }
                    }
                }
            }
            for (field, after) in new_fields.iter().filter(|(f, _)| !old_fields.contains_key(*f)) {
                let field_item = format!("{item}::{field}");
                if *old_exhaustive {
                    push(Level::Breaking, &field_item, format!("new field `{}`: struct literals and patterns without `..` must name it", after.ty), &after.pointer);
                } else {
                    push(Level::Feature, &field_item, format!("new field `{}`", after.ty), &after.pointer);
                }
            }
            match (old_exhaustive, new_exhaustive) {
                (true, false) => push(Level::Breaking, &item, "now `#[non_exhaustive]`: no struct literals outside the crate".to_owned(), &new.pointer),
                (false, true) => push(Level::Feature, &item, "no longer `#[non_exhaustive]`".to_owned(), &new.pointer),
                _ => {}
            }
            let params = |params: &[crate::surface::Param]| params.iter().map(|p| format!("{}: {}", p.name, p.ty)).collect::<Vec<_>>().join(", ");
            match (old_new, new_new) {
                (Some(before), Some(after)) if before.iter().map(|p| &p.ty).ne(after.iter().map(|p| &p.ty)) => {
                    push(Level::Breaking, &item, format!("`new({})` (was `new({})`)", params(after), params(before)), &new.pointer)
                }
                (Some(_), Some(after)) if old_new.as_ref() != Some(after) => {
                    push(Level::Fix, &item, format!("`new` parameters renamed: `new({})`", params(after)), &new.pointer)
                }
                (Some(before), None) => push(Level::Breaking, &item, format!("`new({})` removed", params(before)), &new.pointer),
                (None, Some(after)) => push(Level::Feature, &item, format!("new constructor `new({})`", params(after)), &new.pointer),
                _ => {}
            }
            match (old_setters, new_setters) {
                (true, false) => push(Level::Breaking, &item, "its `with_*` setters are gone (the API no longer takes it)".to_owned(), &new.pointer),
                (false, true) => push(Level::Feature, &item, "`with_*` setters for its optional fields (the API now takes it)".to_owned(), &new.pointer),
                _ => {}
            }
            match (old_default, new_default) {
                (true, false) => push(Level::Breaking, &item, "no longer implements `Default` (it has a required field)".to_owned(), &new.pointer),
                (false, true) => push(Level::Feature, &item, "implements `Default` (every field is optional)".to_owned(), &new.pointer),
                _ => {}
            }
        }
        (Shape::Enum { values: old_values, exhaustive: old_exhaustive }, Shape::Enum { values: new_values, exhaustive: new_exhaustive }) => {
            for (wire, variant) in old_values {
                match new_values.get(wire) {
                    None => push(Level::Breaking, &item, format!("value `{wire}` (variant `{variant}`) removed"), &new.pointer),
                    Some(now) if now != variant => push(Level::Breaking, &item, format!("value `{wire}` is variant `{now}` (was `{variant}`)"), &new.pointer),
                    Some(_) => {}
                }
            }
            for (wire, variant) in new_values.iter().filter(|(w, _)| !old_values.contains_key(*w)) {
                if *old_exhaustive {
                    push(Level::Breaking, &item, format!("new value `{wire}` (variant `{variant}`): `match`es listing every variant must handle it"), &new.pointer);
                } else {
                    push(Level::Feature, &item, format!("new value `{wire}` (variant `{variant}`)"), &new.pointer);
                }
            }
            exhaustiveness(*old_exhaustive, *new_exhaustive, &item, &new.pointer, &mut push);
        }
        (
            Shape::Union { variants: old_variants, exhaustive: old_exhaustive, discriminator: old_tag },
            Shape::Union { variants: new_variants, exhaustive: new_exhaustive, discriminator: new_tag },
        ) => {
            for (variant, before) in old_variants {
                match new_variants.get(variant) {
                    None => push(Level::Breaking, &item, format!("variant `{variant}` removed"), &new.pointer),
                    Some(after) => {
                        if after.ty != before.ty {
                            push(Level::Breaking, &item, format!("variant `{variant}` now holds `{}` (was `{}`)", after.ty, before.ty), &new.pointer);
                        }
                        if after.tags != before.tags {
                            push(Level::Fix, &item, format!("variant `{variant}` is tagged {:?} (was {:?})", after.tags, before.tags), &new.pointer);
                        }
                    }
                }
            }
            for (variant, after) in new_variants.iter().filter(|(v, _)| !old_variants.contains_key(*v)) {
                if *old_exhaustive {
                    push(Level::Breaking, &item, format!("new variant `{variant}({})`: `match`es listing every variant must handle it", after.ty), &new.pointer);
                } else {
                    push(Level::Feature, &item, format!("new variant `{variant}({})`", after.ty), &new.pointer);
                }
            }
            if old_tag != new_tag {
                push(Level::Fix, &item, format!("discriminated by {:?} (was {:?})", new_tag, old_tag), &new.pointer);
            }
            exhaustiveness(*old_exhaustive, *new_exhaustive, &item, &new.pointer, &mut push);
        }
        (Shape::Alias { target: old_target }, Shape::Alias { target: new_target }) => {
            if old_target != new_target {
                push(Level::Breaking, &item, format!("is now `{new_target}` (was `{old_target}`)"), &new.pointer);
            }
        }
        (old_shape, new_shape) => {
            push(Level::Breaking, &item, format!("is now {} (was {})", shape_name(new_shape), shape_name(old_shape)), &new.pointer);
        }
    }
}

fn exhaustiveness(old: bool, new: bool, item: &str, pointer: &str, push: &mut impl FnMut(Level, &str, String, &str)) {
    match (old, new) {
        (true, false) => push(Level::Breaking, item, "now `#[non_exhaustive]`: `match`es need a `_` arm".to_owned(), pointer),
        (false, true) => push(Level::Feature, item, "no longer `#[non_exhaustive]`".to_owned(), pointer),
        _ => {}
    }
}

fn shape_name(shape: &Shape) -> &'static str {
    match shape {
        Shape::Struct { .. } => "a struct",
        Shape::Enum { .. } => "an enum",
        Shape::Union { .. } => "a union (enum of types)",
        Shape::Alias { .. } => "a type alias",
    }
}

fn features_text(features: &[String]) -> String {
    if features.is_empty() {
        "none (always compiled)".to_owned()
    } else {
        features.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>().join(" or ")
    }
}

/// The version after a change of `level`, by Cargo's semver rules: before 1.0 the minor version is
/// the breaking one and the patch version takes features and fixes alike.
pub fn bump(version: &str, level: Level) -> Option<String> {
    let core = version.split(['-', '+']).next()?;
    let mut parts = core.split('.').map(|p| p.parse::<u64>().ok());
    let (major, minor, patch) = (parts.next()??, parts.next()??, parts.next()??);
    if parts.next().is_some() {
        return None;
    }
    Some(match (major, level) {
        (0, Level::Breaking) => format!("0.{}.0", minor + 1),
        (0, _) => format!("0.{minor}.{}", patch + 1),
        (_, Level::Breaking) => format!("{}.0.0", major + 1),
        (_, Level::Feature) => format!("{major}.{}.0", minor + 1),
        (_, Level::Fix) => format!("{major}.{minor}.{}", patch + 1),
    })
}
