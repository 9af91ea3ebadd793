//! The name lock: every public name of a generated SDK and what it names, recorded beside the crate
//! (`api-names.json`) so that the next generation keeps each name while what it named still exists.
//!
//! Naming rules pick the shortest name nobody else wants, so on their own a schema added anywhere
//! can take a name from an existing type. With the lock, recorded names go to their recorded owners
//! first and only newcomers compete for the names left. What a name stands for is spelled in the
//! spec's terms: the JSON pointers of a type's schema (every place of a shared inline shape), an
//! operation's pointer (its request builder and method), a field's or enum value's wire name, a
//! union variant's tag (or `$ref`, title or JSON kind).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::ir::{Api, Location, Operation, Resource, TypeKind};
use crate::naming::is_reserved_type;

/// The file of the generated crate that records its names.
pub const NAMES_FILE: &str = "api-names.json";

/// The version of what the lock records; a lock of another version is ignored (names start fresh).
pub const NAMES_FORMAT: u32 = 1;

/// The place of the client type (its name comes from `x-sdk.client`, so it is only held, never taken).
pub const CLIENT_PLACE: &str = "#";

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NameLock {
    /// [`NAMES_FORMAT`] when it was recorded.
    pub format: u32,
    /// Every type name (schema types, request builders, resource handles, the client) and what it names.
    pub types: BTreeMap<String, LockedType>,
    /// Every operation by its JSON pointer: its method and the names of its inputs.
    pub operations: BTreeMap<String, LockedOperation>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LockedType {
    /// What the name stands for: the JSON pointers of its schema (each place of a shared inline
    /// shape), its operation's pointer for a request builder, `resource {path}` for a resource's
    /// handle, `#` for the client.
    pub places: Vec<String>,
    /// A digest of the type's own shape (fields by wire name and requiredness, enum values, variant
    /// keys): when a shared shape splits, the part still shaped so keeps the name.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub shape: String,
    /// Field names by wire name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, String>,
    /// Enum variant names by wire value.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub values: BTreeMap<String, String>,
    /// Union variant names by what selects them (see [`crate::ir::Variant::key`]).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub variants: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LockedOperation {
    /// The method as users call it: resource path and method name (`beta.chat.retrieve`).
    pub method: String,
    /// The names of its inputs (arguments and setters) by [`input_key`].
    pub inputs: BTreeMap<String, String>,
}

impl LockedOperation {
    /// The dotted resource path and the method name (`beta.chat`, `retrieve`).
    pub fn resource_and_method(&self) -> (&str, &str) {
        self.method.rsplit_once('.').unwrap_or(("", &self.method))
    }
}

impl NameLock {
    /// The names of the SDK generated from `api`.
    pub fn of(api: &Api) -> NameLock {
        let mut lock = NameLock { format: NAMES_FORMAT, ..NameLock::default() };
        lock.types.insert(api.client_name.clone(), LockedType { places: vec![CLIENT_PLACE.to_owned()], ..LockedType::default() });
        for def in &api.types {
            let mut places = def.places.clone();
            places.sort();
            places.dedup();
            let mut locked = LockedType { places, shape: shape_digest(&def.kind), ..LockedType::default() };
            match &def.kind {
                TypeKind::Struct { fields } => locked.fields = fields.iter().map(|f| (f.wire_name.clone(), f.rust_name.clone())).collect(),
                TypeKind::Enum { values } => locked.values = values.iter().map(|v| (v.wire.clone(), v.rust_name.clone())).collect(),
                TypeKind::Union { variants, .. } => locked.variants = variants.iter().map(|v| (v.key.clone(), v.rust_name.clone())).collect(),
                TypeKind::Alias { .. } | TypeKind::Never | TypeKind::Tuple { .. } => {}
            }
            lock.types.insert(def.name.clone(), locked);
        }
        collect_operations(&api.root, &mut Vec::new(), &mut lock);
        lock
    }

    /// The lock as stored in the generated crate: pretty JSON, keys sorted, one trailing newline.
    pub fn to_json(&self) -> String {
        let mut json = serde_json::to_string_pretty(self).expect("a name lock is plain data");
        json.push('\n');
        json
    }

    /// The lock recorded in a generated crate's directory; `None` when there is none or it was
    /// recorded in another format.
    pub fn read(dir: &Path) -> Result<Option<NameLock>> {
        let path = dir.join(NAMES_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(Error::Io { path, source }),
        };
        let lock: NameLock = serde_json::from_str(&text).map_err(|e| Error::Io {
            path: path.clone(),
            source: std::io::Error::new(std::io::ErrorKind::InvalidData, format!("not a name lock: {e} (delete it, or regenerate with `--rename`)")),
        })?;
        if lock.format != NAMES_FORMAT {
            return Ok(None);
        }
        lock.check().map_err(|message| Error::Io { path, source: std::io::Error::new(std::io::ErrorKind::InvalidData, message) })?;
        Ok(Some(lock))
    }

    /// Every recorded name must be one the generated code can use (the file may be edited by hand).
    fn check(&self) -> std::result::Result<(), String> {
        let bad = |what: &str, name: &str| format!("{what} `{name}` is not a Rust identifier the SDK can use (fix it, or regenerate with `--rename`)");
        let ident = |name: &str| syn::parse_str::<syn::Ident>(name).is_ok();
        for (name, locked) in &self.types {
            if !ident(name) || is_reserved_type(name) {
                return Err(bad("type", name));
            }
            let members = locked.fields.values().chain(locked.values.values()).chain(locked.variants.values());
            if let Some(member) = members.into_iter().find(|member| !ident(member)) {
                return Err(bad(&format!("a member of `{name}`,"), member));
            }
        }
        for (pointer, op) in &self.operations {
            let names = op.method.split('.').chain(op.inputs.values().map(String::as_str));
            if let Some(name) = names.into_iter().find(|name| !ident(name)) {
                return Err(bad(&format!("a name of the operation at `{pointer}`,"), name));
            }
        }
        Ok(())
    }
}

fn collect_operations(resource: &Resource, path: &mut Vec<String>, lock: &mut NameLock) {
    if !resource.accessor.is_empty() {
        path.push(resource.accessor.clone());
        lock.types.insert(resource.type_name.clone(), LockedType { places: vec![resource_place(&resource.module_path)], ..LockedType::default() });
    }
    for op in &resource.operations {
        let method = path.iter().chain([&op.method_name]).cloned().collect::<Vec<_>>().join(".");
        lock.types.insert(op.builder_name.clone(), LockedType { places: vec![op.pointer.clone()], ..LockedType::default() });
        lock.types.insert(op.operation_type.clone(), LockedType { places: vec![crate::lower::operation_type_place(&op.pointer)], ..LockedType::default() });
        lock.operations.insert(op.pointer.clone(), LockedOperation { method, inputs: inputs_of(op) });
    }
    for child in &resource.children {
        collect_operations(child, path, lock);
    }
    if !resource.accessor.is_empty() {
        path.pop();
    }
}

fn inputs_of(op: &Operation) -> BTreeMap<String, String> {
    op.inputs.iter().map(|i| (input_key(i.location, &i.wire_name), i.rust_name.clone())).collect()
}

/// What a resource's handle type names: the resource, by its module path (`resource beta.chat`).
pub fn resource_place(module_path: &[String]) -> String {
    format!("resource {}", module_path.join("."))
}

/// What an input names: its location and wire name (`query page_size`; a file and the other form
/// fields share `form`).
pub fn input_key(location: Location, wire: &str) -> String {
    format!("{} {wire}", location.word())
}

/// A digest of a type's own shape, not of the types it refers to (64-bit FNV-1a, hex).
pub fn shape_digest(kind: &TypeKind) -> String {
    let mut text = String::new();
    match kind {
        TypeKind::Struct { fields } => {
            let mut fields: Vec<String> = fields.iter().map(|f| format!("{}{}", f.wire_name, if f.required { "!" } else { "" })).collect();
            fields.sort();
            let _ = write!(text, "struct {}", fields.join(","));
        }
        TypeKind::Enum { values } => {
            let mut values: Vec<&str> = values.iter().map(|v| v.wire.as_str()).collect();
            values.sort_unstable();
            let _ = write!(text, "enum {}", values.join(","));
        }
        TypeKind::Union { variants, .. } => {
            let keys: Vec<&str> = variants.iter().map(|v| v.key.as_str()).collect();
            let _ = write!(text, "union {}", keys.join(","));
        }
        TypeKind::Alias { .. } => text.push_str("alias"),
        TypeKind::Never => text.push_str("never"),
        TypeKind::Tuple { elements, .. } => {
            let _ = write!(text, "tuple {}", elements.len());
        }
    }
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
}
