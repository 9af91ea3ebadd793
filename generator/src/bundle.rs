//! Documents split over several files: `$ref`s to other files (`schemas.yaml#/components/schemas/Pet`,
//! `./pet.json`, `parameters.yaml#page`) are resolved relative to the file that holds them and
//! bundled into the root document, so that the rest of loading sees one document whose references
//! are all local.
//!
//! A schema from another file becomes a component of the root (named after what the reference
//! points at, `Pet`, or the file, `pet`; a name already taken is qualified by the file's name,
//! `schemas Pet`, then numbered), and every reference to it points there, so a schema that refers
//! back to itself, across files or not, is a recursive type as it would be in one file. Anything
//! else (a path item, a parameter, a response) is copied where it is referred to, with its
//! references resolved relative to its own file. A reference to the root file itself is local.
//! Remote references (`https://...`) are an error: the generator reads no network.

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

use serde_json::{Map, Value};

use crate::error::{pointer_push, pointer_token, SpecError};
use crate::load::{decode_pointer, hoisted_name, holds_data, parse_value};
use crate::naming::type_name;

/// How many rounds of references to other files bundling follows: each round resolves the
/// references the previous one copied in, so only copies that keep bringing in more (a path item
/// whose callback holds it again) come near it.
const MAX_ROUNDS: usize = 64;

/// Where the nodes bundling copied into the root document came from: a pointer into the bundled
/// document by the file and pointer it was written at.
#[derive(Debug, Clone, Default)]
pub struct Origins {
    /// (pointer of a copy in the bundled document, `file#pointer` of what it is a copy of).
    copies: Vec<(String, String)>,
}

impl Origins {
    /// `pointer` (into the bundled document) as the file and pointer it was written at.
    pub fn original(&self, pointer: &str) -> String {
        self.copies
            .iter()
            .filter_map(|(copy, original)| {
                let rest = pointer.strip_prefix(copy.as_str())?;
                (rest.is_empty() || rest.starts_with('/')).then(|| (copy.len(), format!("{original}{rest}")))
            })
            .max_by_key(|(len, _)| *len)
            .map_or_else(|| pointer.to_string(), |(_, original)| original)
    }

    /// The error, at the place it was written.
    pub fn locate(&self, error: SpecError) -> SpecError {
        SpecError { pointer: self.original(&error.pointer), ..error }
    }
}

/// Bundles every reference to another file into `root`, the document of `file` (`None`: a document
/// given as text, whose references to files cannot be resolved).
pub fn bundle(root: &mut Value, file: Option<&Path>) -> Result<Origins, SpecError> {
    let mut external = Vec::new();
    collect_external(root, "#", false, &mut external);
    if external.is_empty() {
        return Ok(Origins::default());
    }
    let Some(file) = file else {
        let (pointer, target) = &external[0];
        return Err(SpecError::new(pointer_push(pointer, "$ref"), format!("reference {target:?} to another file cannot be resolved: the document was given as text, not read from its file")));
    };
    let root_file = file.canonicalize().unwrap_or_else(|_| file.to_path_buf());
    let dir = root_file.parent().map(Path::to_path_buf).unwrap_or_default();
    let taken = root.pointer("/components/schemas").and_then(Value::as_object).map(|schemas| schemas.keys().map(|name| type_name(name)).collect()).unwrap_or_default();
    let mut bundler = Bundler { root_file, dir, documents: HashMap::new(), imported: HashMap::new(), taken, origins: Origins::default() };
    for _ in 0..MAX_ROUNDS {
        let mut external = Vec::new();
        collect_external(root, "#", false, &mut external);
        if external.is_empty() {
            return Ok(bundler.origins);
        }
        for (pointer, target) in external {
            match bundler.resolve(root, &pointer, &target) {
                // A mapping value only pins a tag to a schema the union lists anyway: where it names
                // a file that is not there (a published document bundled without rewriting its
                // mappings), the tag is derived from the variants as if the entry were absent.
                Err(_) if is_mapping_value(&pointer) => remove_mapping_entry(root, &pointer),
                result => result?,
            }
        }
    }
    let mut left = Vec::new();
    collect_external(root, "#", false, &mut left);
    let pointer = left.first().map(|(pointer, _)| pointer_push(pointer, "$ref")).unwrap_or_else(|| "#".into());
    Err(bundler.origins.locate(SpecError::new(pointer, format!("references to other files nest more than {MAX_ROUNDS} deep (a cycle of files that copy each other in?)"))))
}

struct Bundler {
    /// The root document's file and directory.
    root_file: PathBuf,
    dir: PathBuf,
    /// Other files, by canonical path, as read.
    documents: HashMap<PathBuf, Value>,
    /// The local reference of each schema bundled so far, by file and pointer.
    imported: HashMap<(PathBuf, String), String>,
    /// The Rust names of the component schemas (`Pet` for `pet`, which would clash with it).
    taken: HashSet<String>,
    origins: Origins,
}

impl Bundler {
    /// Resolves the reference to another file at `pointer` (the object holding `$ref`, or a
    /// discriminator mapping's value) in the bundled document.
    fn resolve(&mut self, root: &mut Value, pointer: &str, target: &str) -> Result<(), SpecError> {
        let here = if is_mapping_value(pointer) { pointer.to_string() } else { pointer_push(pointer, "$ref") };
        let error = |origins: &Origins, message: String| origins.locate(SpecError::new(here.clone(), message));
        if is_remote(target) {
            return Err(error(&self.origins, format!("remote reference {target:?} is not supported: save the document and refer to the file")));
        }
        let (path, raw_fragment) = target.split_once('#').unwrap_or((target, ""));
        let path = self.dir.join(decode_pointer(path));
        // References copied from other files hold absolute paths: errors show them relative again.
        let target = if raw_fragment.is_empty() { self.shown(&path) } else { format!("{}#{raw_fragment}", self.shown(&path)) };
        let path = path.canonicalize().map_err(|e| error(&self.origins, format!("cannot read {} (the file of reference {target:?}): {e}", self.shown(&path))))?;
        if path == self.root_file {
            set_reference(root, pointer, &format!("#{raw_fragment}"));
            return Ok(());
        }
        let fragment = decode_pointer(raw_fragment);
        if !self.documents.contains_key(&path) {
            let text = std::fs::read_to_string(&path).map_err(|e| error(&self.origins, format!("cannot read {} (the file of reference {target:?}): {e}", self.shown(&path))))?;
            let value = parse_value(&text).map_err(|e| error(&self.origins, format!("{}: {}", self.shown(&path), e.message)))?;
            self.documents.insert(path.clone(), value);
        }
        let document = &self.documents[&path];
        let node_pointer = if fragment.is_empty() || fragment.starts_with('/') {
            fragment.clone()
        } else {
            find_anchor(document, &fragment).ok_or_else(|| error(&self.origins, format!("unresolvable reference {target:?}: {} has no `$anchor: {fragment}`", self.shown(&path))))?
        };
        let Some(node) = document.pointer(&node_pointer) else {
            return Err(error(&self.origins, format!("unresolvable reference {target:?}: {} has no node at {node_pointer:?}", self.shown(&path))));
        };
        let mut node = node.clone();
        absolutise(&mut node, &path, false);
        let origin = format!("{}#{node_pointer}", self.shown(&path));
        if holds_schema(pointer) {
            let key = (path.clone(), node_pointer.clone());
            let local = match self.imported.get(&key) {
                Some(local) => local.clone(),
                None => {
                    let name = self.component_name(&path, &node_pointer);
                    let local = pointer_push("#/components/schemas", &name);
                    self.imported.insert(key, local.clone());
                    self.origins.copies.push((local.clone(), origin));
                    let Some(schemas) = schemas(root) else {
                        return Err(SpecError::new("#/components", "`components` must be an object"));
                    };
                    schemas.insert(name, node);
                    local
                }
            };
            set_reference(root, pointer, &local);
        } else if let Some(Value::Object(holder)) = root.pointer_mut(&decode_pointer(&pointer[1..])) {
            // A path item, parameter or response is copied in; the reference's siblings (3.1's
            // `summary` and `description`) override the copy's.
            holder.remove("$ref");
            let siblings = std::mem::take(holder);
            *holder = match node {
                Value::Object(copy) => copy,
                other => return Err(error(&self.origins, format!("reference {target:?} must point at an object, not {other}"))),
            };
            holder.extend(siblings);
            self.origins.copies.push((pointer.to_string(), origin));
        }
        Ok(())
    }

    /// A component name for the schema at `pointer` in `path`: the name it has there (`Pet`), else
    /// the file's (`pet`); qualified by the file's name where that is taken, then numbered.
    fn component_name(&mut self, path: &Path, pointer: &str) -> String {
        let stem: String = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let stem = stem.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' }).collect::<String>().split_whitespace().collect::<Vec<_>>().join(" ");
        let stem = if stem.is_empty() { "Schema".to_string() } else { stem };
        // `Schema` is what a pointer of structural words only (`#/properties`) is named.
        let own = Some(hoisted_name(&format!("#{pointer}"))).filter(|own| !pointer.is_empty() && own != "Schema").unwrap_or_else(|| stem.clone());
        let qualified = if own == stem { stem.clone() } else { format!("{stem} {own}") };
        let name = [own, qualified.clone()]
            .into_iter()
            .chain((2..).map(|n| format!("{qualified} {n}")))
            .find(|name| !self.taken.contains(&type_name(name)))
            .unwrap_or(qualified);
        self.taken.insert(type_name(&name));
        name
    }

    /// A file as errors show it: relative to the root document's directory (`../shared/pets.yaml`).
    fn shown(&self, path: &Path) -> String {
        let common = self.dir.components().zip(path.components()).take_while(|(a, b)| a == b).count();
        if common == 0 {
            return path.display().to_string();
        }
        let up = std::iter::repeat_n(Component::ParentDir, self.dir.components().count() - common);
        up.chain(path.components().skip(common)).collect::<PathBuf>().display().to_string()
    }
}

/// The root's component schemas, made where missing (`None` where the document has something
/// else there).
fn schemas(root: &mut Value) -> Option<&mut Map<String, Value>> {
    root.as_object_mut()?
        .entry("components")
        .or_insert_with(|| Value::Object(Map::new()))
        .as_object_mut()?
        .entry("schemas")
        .or_insert_with(|| Value::Object(Map::new()))
        .as_object_mut()
}

/// Points the reference at `pointer` (a `$ref` holder or a mapping value) at `target`.
fn set_reference(root: &mut Value, pointer: &str, target: &str) {
    let Some(node) = root.pointer_mut(&decode_pointer(&pointer[1..])) else { return };
    match node {
        Value::Object(holder) => {
            holder.insert("$ref".into(), Value::String(target.into()));
        }
        other => *other = Value::String(target.into()),
    }
}

/// Removes the discriminator mapping entry at `pointer` (`#/.../mapping/<tag>`).
fn remove_mapping_entry(root: &mut Value, pointer: &str) {
    let Some((mapping, tag)) = pointer.rsplit_once('/') else { return };
    let tag = pointer_token(tag);
    if let Some(Value::Object(entries)) = root.pointer_mut(&decode_pointer(&mapping[1..])) {
        entries.remove(&tag);
    }
}

/// References to other files (`$ref` holders, and discriminator mapping values naming a file), by
/// pointer, in document order. In a `properties` map a key `$ref` is a property's name.
fn collect_external(value: &Value, pointer: &str, in_properties: bool, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            if !in_properties {
                if let Some(Value::String(target)) = map.get("$ref") {
                    if !target.starts_with('#') {
                        out.push((pointer.to_string(), target.clone()));
                    }
                }
                if let Some(Value::Object(mapping)) = map.get("discriminator").and_then(|d| d.get("mapping")) {
                    for (tag, target) in mapping {
                        if let Some(target) = target.as_str().filter(|t| is_file_reference(t)) {
                            out.push((pointer_push(&pointer_push(&pointer_push(pointer, "discriminator"), "mapping"), tag), target.to_string()));
                        }
                    }
                }
            }
            for (key, child) in map {
                if in_properties || !holds_data(key) {
                    collect_external(child, &pointer_push(pointer, key), key == "properties" && !in_properties, out);
                }
            }
        }
        Value::Array(items) => items.iter().enumerate().for_each(|(i, item)| collect_external(item, &pointer_push(pointer, &i.to_string()), false, out)),
        _ => {}
    }
}

/// A discriminator mapping value is a reference when it names a file (`pet.yaml#/Pet`); a bare
/// name (`Pet`) names a component.
fn is_file_reference(target: &str) -> bool {
    !target.starts_with('#') && (target.contains('#') || target.contains('/') || target.ends_with(".yaml") || target.ends_with(".yml") || target.ends_with(".json"))
}

fn is_mapping_value(pointer: &str) -> bool {
    pointer.rsplit('/').nth(1) == Some("mapping")
}

/// A URI with a scheme (`https:`, `urn:`) rather than a path (a drive letter, `C:`, is a path).
fn is_remote(target: &str) -> bool {
    target.split_once(':').is_some_and(|(scheme, _)| {
        scheme.len() > 1 && scheme.starts_with(|c: char| c.is_ascii_alphabetic()) && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    })
}

/// Rewrites the references inside a node copied from `file` to say which file they mean: a local
/// one (`#/components/schemas/Tag`, `#tag`) is one into `file`, a relative path one relative to it.
fn absolutise(value: &mut Value, file: &Path, in_properties: bool) {
    let dir = file.parent().unwrap_or(Path::new(""));
    let absolute = |target: &str| -> Option<String> {
        if is_remote(target) {
            return None;
        }
        let (path, fragment) = target.split_once('#').unwrap_or((target, ""));
        let path = if path.is_empty() { file.to_path_buf() } else { dir.join(decode_pointer(path)) };
        Some(format!("{}#{fragment}", path.display()))
    };
    match value {
        Value::Object(map) => {
            if !in_properties {
                if let Some(Value::String(target)) = map.get_mut("$ref") {
                    if let Some(new) = absolute(target) {
                        *target = new;
                    }
                }
                if let Some(Value::Object(mapping)) = map.get_mut("discriminator").and_then(|d| d.get_mut("mapping")) {
                    for target in mapping.values_mut() {
                        if let Some(new) = target.as_str().filter(|t| t.starts_with('#') || is_file_reference(t)).and_then(absolute) {
                            *target = Value::String(new);
                        }
                    }
                }
            }
            for (key, child) in map.iter_mut() {
                if in_properties || !holds_data(key) {
                    absolutise(child, file, key == "properties" && !in_properties);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| absolutise(item, file, false)),
        _ => {}
    }
}

/// The pointer of the node whose `$anchor` is `anchor`, the first in document order.
fn find_anchor(value: &Value, anchor: &str) -> Option<String> {
    fn search(value: &Value, pointer: &str, anchor: &str, in_properties: bool) -> Option<String> {
        match value {
            Value::Object(map) => {
                if !in_properties && map.get("$anchor").and_then(Value::as_str) == Some(anchor) {
                    return Some(pointer.to_string());
                }
                map.iter()
                    .filter(|(key, _)| in_properties || !holds_data(key))
                    .find_map(|(key, child)| search(child, &pointer_push(pointer, key), anchor, key == "properties" && !in_properties))
            }
            Value::Array(items) => items.iter().enumerate().find_map(|(i, item)| search(item, &pointer_push(pointer, &i.to_string()), anchor, false)),
            _ => None,
        }
    }
    search(value, "", anchor, false)
}

/// Whether the node at `pointer` (in the bundled document) is a schema: anything under
/// `components/schemas`, a `schema` keyword or a section of the document's own (`$defs`, `x-...`);
/// under `paths`, `webhooks` and the other components, path items, parameters, responses and
/// the like, which are copied in rather than made components.
fn holds_schema(pointer: &str) -> bool {
    let segments: Vec<String> = pointer.trim_start_matches('#').split('/').skip(1).map(pointer_token).collect();
    match segments.first().map(String::as_str) {
        Some("components") if segments.get(1).map(String::as_str) == Some("schemas") => true,
        Some("components" | "paths" | "webhooks") => segments.iter().any(|s| s == "schema"),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn where_a_reference_is_says_what_it_holds() {
        assert!(holds_schema("#/components/schemas/A"));
        assert!(holds_schema("#/components/schemas/A/properties/b"));
        assert!(holds_schema("#/paths/~1a/get/parameters/0/schema"));
        assert!(holds_schema("#/paths/~1a/get/responses/200/content/application~1json/schema/items"));
        assert!(holds_schema("#/$defs/A"));
        assert!(!holds_schema("#/paths/~1a"), "a path item");
        assert!(!holds_schema("#/paths/~1a/get/parameters/0"), "a parameter");
        assert!(!holds_schema("#/components/responses/NotFound"));
        assert!(!holds_schema("#/webhooks/newPet"));
    }

    #[test]
    fn remote_references_have_a_scheme() {
        assert!(is_remote("https://example.com/pet.json#/Pet"));
        assert!(is_remote("urn:example:pet"));
        assert!(!is_remote("pets.yaml#/Pet"));
        assert!(!is_remote("../shared/pets.yaml"));
        assert!(!is_remote("C:/specs/pets.yaml"), "a drive letter");
    }

    #[test]
    fn a_pointer_into_a_copy_names_the_place_it_was_copied_from() {
        let origins = Origins { copies: vec![("#/components/schemas/Pet".into(), "pets.yaml#/Pet".into()), ("#/paths/~1a".into(), "paths.yaml#/a".into())] };
        assert_eq!(origins.original("#/components/schemas/Pet/properties/name"), "pets.yaml#/Pet/properties/name");
        assert_eq!(origins.original("#/components/schemas/Pet"), "pets.yaml#/Pet");
        assert_eq!(origins.original("#/components/schemas/Petting"), "#/components/schemas/Petting", "whole segments only");
        assert_eq!(origins.original("#/paths/~1b"), "#/paths/~1b");
    }
}
