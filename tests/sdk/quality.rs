//! The generated SDK reads like a hand-written one. Measured on every public item the generator wrote
//! into `generated-sdk/src` (the copied runtime is hand-written and left out): type names of at most
//! 40 characters and without `VariantN`, no two public types of the same structure (but for the
//! payloads of a discriminated union's variants, which their tags tell apart), no doc comment
//! that only restates its item's name, no source file over 1,500 lines but for one that holds a
//! single type (a struct of 125 fields with its decoder is longer, and cannot be split), and no type
//! module deeper than `types/<resource>/<file>.rs`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use syn::visit::Visit;

const MAX_TYPE_NAME: usize = 40;
const MAX_FILE_LINES: usize = 1_500;

fn generated_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("readable directory") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../generated-sdk/src");
    let mut files = Vec::new();
    walk(&root, &mut files);
    files.sort();
    files.into_iter().filter(|p| std::fs::read_to_string(p).is_ok_and(|t| t.starts_with("// @generated"))).collect()
}

/// A public type, as the compiler and rustdoc see it.
struct PublicType {
    name: String,
    file: String,
    /// The type's shape with its own name left out: fields or variants with their types, sorted.
    shape: String,
}

#[derive(Default)]
struct Collector {
    file: String,
    types: Vec<PublicType>,
    /// (where, doc text, the names it may not merely restate)
    docs: Vec<(String, String, Vec<String>)>,
    /// Enums with a `TaggedUnion` impl (discriminated unions).
    tagged_unions: BTreeSet<String>,
    /// Each enum's variant payload types (`ChatEvent` → `TextDeltaEvent`, ...).
    payloads: BTreeMap<String, Vec<String>>,
}

fn is_public(vis: &syn::Visibility) -> bool {
    matches!(vis, syn::Visibility::Public(_))
}

fn doc_text(attrs: &[syn::Attribute]) -> Option<String> {
    let lines: Vec<String> = attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) => match &nv.value {
                syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) => Some(s.value()),
                _ => None,
            },
            _ => None,
        })
        .collect();
    (!lines.is_empty()).then(|| lines.join("\n"))
}

fn tokens(ty: &impl quote::ToTokens) -> String {
    ty.to_token_stream().to_string()
}

impl Collector {
    /// The payload types of discriminated unions' variants.
    fn tagged_payloads(&self) -> BTreeSet<String> {
        self.tagged_unions.iter().filter_map(|name| self.payloads.get(name)).flatten().cloned().collect()
    }

    fn doc(&mut self, what: String, attrs: &[syn::Attribute], names: Vec<String>) {
        if let Some(text) = doc_text(attrs) {
            self.docs.push((what, text, names));
        }
    }
}

impl<'ast> Visit<'ast> for Collector {
    fn visit_item_struct(&mut self, item: &'ast syn::ItemStruct) {
        if is_public(&item.vis) {
            let name = item.ident.to_string();
            let mut fields: Vec<String> = item.fields.iter().map(|f| format!("{}: {}", f.ident.as_ref().map(|i| i.to_string()).unwrap_or_default(), tokens(&f.ty))).collect();
            fields.sort();
            self.types.push(PublicType { name: name.clone(), file: self.file.clone(), shape: format!("struct {{{}}}", fields.join(", ")) });
            self.doc(format!("struct {name}"), &item.attrs, vec![name.clone()]);
            for field in &item.fields {
                let field_name = field.ident.as_ref().map(|i| i.to_string()).unwrap_or_default();
                self.doc(format!("{name}.{field_name}"), &field.attrs, vec![field_name.clone()]);
            }
        }
        syn::visit::visit_item_struct(self, item);
    }

    fn visit_item_enum(&mut self, item: &'ast syn::ItemEnum) {
        if is_public(&item.vis) {
            let name = item.ident.to_string();
            let mut variants: Vec<String> = item.variants.iter().map(|v| format!("{}{}", v.ident, tokens(&v.fields))).collect();
            variants.sort();
            self.types.push(PublicType { name: name.clone(), file: self.file.clone(), shape: format!("enum {{{}}}", variants.join(", ")) });
            let payloads = item.variants.iter().filter_map(|v| match &v.fields {
                syn::Fields::Unnamed(fields) if fields.unnamed.len() == 1 => Some(tokens(&fields.unnamed[0].ty)),
                _ => None,
            });
            self.payloads.insert(name.clone(), payloads.collect());
            self.doc(format!("enum {name}"), &item.attrs, vec![name.clone()]);
            for variant in &item.variants {
                self.doc(format!("{name}::{}", variant.ident), &variant.attrs, vec![variant.ident.to_string()]);
            }
        }
        syn::visit::visit_item_enum(self, item);
    }

    fn visit_item_impl(&mut self, item: &'ast syn::ItemImpl) {
        let trait_name = item.trait_.as_ref().and_then(|(_, path, _)| path.segments.last()).map(|s| s.ident.to_string());
        if trait_name.as_deref() == Some("TaggedUnion") {
            self.tagged_unions.insert(tokens(&item.self_ty));
        }
        syn::visit::visit_item_impl(self, item);
    }

    fn visit_item_type(&mut self, item: &'ast syn::ItemType) {
        if is_public(&item.vis) {
            let name = item.ident.to_string();
            self.types.push(PublicType { name: name.clone(), file: self.file.clone(), shape: format!("type = {}", tokens(&item.ty)) });
            self.doc(format!("type {name}"), &item.attrs, vec![name]);
        }
    }
}

/// Lower-case words of a name in any case style (`SplitJob`, `split_job` → `split`, `job`).
fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for c in name.chars() {
        if (!c.is_alphanumeric() || c.is_uppercase()) && !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
        if c.is_alphanumeric() {
            current.extend(c.to_lowercase());
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// A doc that says nothing beyond its item's name: once the name's words and filler words are gone,
/// nothing is left (`The `value` field.`, `The `Foo` object.`, `` `Foo`: one of the shapes below. ``).
/// A doc that is only a code span is the value as spelled on the wire (an enum value), which the
/// name does not tell.
fn only_restates(doc: &str, names: &[String]) -> bool {
    let trimmed = doc.trim();
    if trimmed.len() > 2 && trimmed.starts_with('`') && trimmed.ends_with('`') && trimmed.matches('`').count() == 2 {
        return false;
    }
    const FILLER: &[&str] = &[
        "the", "a", "an", "field", "object", "type", "value", "values", "form", "of", "this", "is", "one", "shapes", "below", "model", "property",
        "item", "items", "variant", "enum", "struct",
    ];
    let name_words: Vec<String> = names.iter().flat_map(|n| words(n)).collect();
    // A code span other than the name itself (a wire value, a tag, a linked type) is information.
    let spans_other_than_name = doc.split('`').skip(1).step_by(2).any(|span| !names.iter().any(|n| n.trim_end_matches('_') == span));
    !spans_other_than_name && words(doc).iter().all(|w| FILLER.contains(&w.as_str()) || name_words.contains(w))
}

/// Every description the spec gives: a doc that repeats one is the API reference's own text, not a
/// placeholder the generator made up.
fn spec_descriptions() -> Vec<Vec<String>> {
    fn collect(value: &serde_yaml::Value, out: &mut Vec<Vec<String>>) {
        match value {
            serde_yaml::Value::Mapping(map) => {
                for (key, value) in map {
                    if let (Some("description"), Some(text)) = (key.as_str(), value.as_str()) {
                        out.push(words(text));
                    }
                    collect(value, out);
                }
            }
            serde_yaml::Value::Sequence(items) => items.iter().for_each(|v| collect(v, out)),
            _ => {}
        }
    }
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/openapi.yaml")).expect("the spec");
    let spec: serde_yaml::Value = serde_yaml::from_str(&text).expect("the spec parses");
    let mut out = Vec::new();
    collect(&spec, &mut out);
    out
}

#[test]
fn generated_sdk_reads_like_hand_written_code() {
    let files = generated_files();
    assert!(files.len() > 10, "the generated SDK's sources are found");
    let mut collector = Collector::default();
    let mut problems = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).expect("readable source");
        let lines = text.lines().count();
        let file = path.display().to_string();
        let types = text.lines().filter(|line| line.starts_with("pub struct ") || line.starts_with("pub enum ")).count();
        if lines > MAX_FILE_LINES && types > 1 {
            problems.push(format!("{file}: {lines} lines (at most {MAX_FILE_LINES})"));
        }
        // Types live in `types/<resource>.rs` or `types/<resource>/<file>.rs`, no deeper.
        if let Some((_, below)) = file.split_once("/src/types/") {
            if below.split('/').count() > 2 {
                problems.push(format!("{file}: deeper than `types/<resource>/<file>.rs`"));
            }
        }
        let parsed = syn::parse_file(&text).unwrap_or_else(|e| panic!("{file} parses: {e}"));
        collector.file = file;
        collector.visit_file(&parsed);
    }
    assert!(collector.types.len() > 50, "public types are found");

    let tagged_payloads = collector.tagged_payloads();
    let variant_n = |name: &str| name.match_indices("Variant").any(|(i, _)| name[i + 7..].starts_with(|c: char| c.is_ascii_digit()));
    let mut by_shape: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for ty in &collector.types {
        if ty.name.len() > MAX_TYPE_NAME {
            problems.push(format!("{}: type name `{}` is {} characters (at most {MAX_TYPE_NAME})", ty.file, ty.name, ty.name.len()));
        }
        if variant_n(&ty.name) {
            problems.push(format!("{}: type name `{}` contains `Variant` and a number", ty.file, ty.name));
        }
        // Data types only: request builders and resource handles share their shapes by design.
        if ty.file.contains("/src/types/") {
            by_shape.entry(&ty.shape).or_default().push(&ty.name);
        }
    }
    for (shape, names) in &by_shape {
        // The payloads of a tagged union's variants may share a structure: their tags tell them apart.
        let untagged: Vec<&&str> = names.iter().filter(|name| !tagged_payloads.contains(**name)).collect();
        if untagged.len() > 1 {
            problems.push(format!("types {names:?} have the same structure: {shape}"));
        }
    }
    let from_spec = spec_descriptions();
    for (what, doc, names) in &collector.docs {
        if only_restates(doc, names) && !from_spec.contains(&words(doc)) {
            problems.push(format!("{what}: doc {doc:?} only restates the name"));
        }
    }
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
}

#[test]
fn placeholder_detection_tells_restating_from_describing() {
    let names = |n: &[&str]| n.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert!(only_restates(" The `value` field.", &names(&["value", "Filter"])));
    assert!(only_restates(" The `SplitJob` object.", &names(&["SplitJob"])));
    assert!(only_restates(" `MetadataValue`: one of the shapes below.", &names(&["MetadataValue"])));
    assert!(!only_restates(" A [`FilterOperator`].", &names(&["operator", "MetadataCondition"])));
    assert!(!only_restates(" `in_progress`", &names(&["InProgress"])));
    assert!(only_restates(" A string.", &names(&["String"])));
    assert!(!only_restates(" Maximum number of results to return.", &names(&["top_k", "Query"])));
}

/// Whether `attrs` hide an item from rustdoc.
fn is_hidden(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| a.path().is_ident("doc") && tokens(&a.meta).replace(' ', "").contains("doc(hidden)"))
}

/// The public functions of the SDK's runtime and crate root that rustdoc shows, with their
/// signatures (`Type::name` or `name`), and the runtime's hidden types and functions.
#[derive(Default)]
struct RuntimeApi {
    visible_fns: Vec<(String, String)>,
    hidden: BTreeSet<String>,
    visible_items: BTreeSet<String>,
}

impl<'ast> Visit<'ast> for RuntimeApi {
    fn visit_item(&mut self, item: &'ast syn::Item) {
        let (name, attrs, public) = match item {
            syn::Item::Struct(s) => (s.ident.to_string(), &s.attrs, is_public(&s.vis)),
            syn::Item::Enum(e) => (e.ident.to_string(), &e.attrs, is_public(&e.vis)),
            syn::Item::Trait(t) => (t.ident.to_string(), &t.attrs, is_public(&t.vis)),
            syn::Item::Const(c) => (c.ident.to_string(), &c.attrs, is_public(&c.vis)),
            syn::Item::Macro(m) => (m.ident.as_ref().map(ToString::to_string).unwrap_or_default(), &m.attrs, true),
            syn::Item::Fn(f) => {
                if is_public(&f.vis) && !is_hidden(&f.attrs) {
                    self.visible_fns.push((f.sig.ident.to_string(), tokens(&f.sig)));
                }
                (f.sig.ident.to_string(), &f.attrs, is_public(&f.vis))
            }
            syn::Item::Impl(block) => {
                let self_type = tokens(&block.self_ty);
                let self_name = self_type.split(['<', ' ']).next().unwrap_or_default().to_owned();
                // Trait impls are as visible as the trait and the type; inherent ones list their methods.
                if block.trait_.is_none() && !is_hidden(&block.attrs) {
                    for member in &block.items {
                        if let syn::ImplItem::Fn(f) = member {
                            if is_public(&f.vis) && !is_hidden(&f.attrs) {
                                self.visible_fns.push((format!("{self_name}::{}", f.sig.ident), tokens(&f.sig)));
                            }
                        }
                    }
                }
                return;
            }
            _ => return syn::visit::visit_item(self, item),
        };
        if public && is_hidden(attrs) {
            self.hidden.insert(name);
        } else if public {
            self.visible_items.insert(name);
        }
    }
}

#[test]
fn the_documented_api_lists_no_wiring_users_should_not_call() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../generated-sdk/src");
    let mut files: Vec<PathBuf> = std::fs::read_dir(root.join("runtime")).expect("runtime").map(|e| e.expect("entry").path()).collect();
    files.push(root.join("lib.rs"));
    files.sort();
    let mut api = RuntimeApi::default();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("readable");
        api.visit_file(&syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display())));
    }
    // The constructors and items generated code calls, which a user should not.
    // Methods of a hidden type are hidden with it.
    api.visible_fns.retain(|(name, _)| !name.split_once("::").is_some_and(|(owner, _)| api.hidden.contains(owner)));
    let visible: BTreeSet<&str> = api.visible_fns.iter().map(|(name, _)| name.as_str()).collect();
    for wiring in ["Waiter::new", "Waiter::after", "Waiter::failed", "Page::new", "ItemStream::new", "ItemStream::failed", "Error::from_response", "ApiError::new", "ClientBuilder::new"] {
        assert!(!visible.contains(wiring), "`{wiring}` is wiring for generated code: it must be #[doc(hidden)]");
    }
    for wiring in ["request_options", "DEFAULTS", "JobKind", "PageScheme", "ClientDefaults", "TaggedUnion"] {
        assert!(api.hidden.contains(wiring) && !api.visible_items.contains(wiring), "`{wiring}` must be #[doc(hidden)]");
    }
    // The rule behind the list: nothing rustdoc shows takes or returns a hidden type, or its docs
    // would point at what they do not document.
    let hidden_types: Vec<&String> = api.hidden.iter().filter(|name| name.chars().next().is_some_and(char::is_uppercase)).collect();
    for (name, signature) in &api.visible_fns {
        let words: BTreeSet<&str> = signature.split(|c: char| !c.is_alphanumeric() && c != '_').collect();
        if let Some(hidden) = hidden_types.iter().find(|h| words.contains(h.as_str())) {
            panic!("`{name}` is documented but its signature names the hidden `{hidden}`: {signature}");
        }
    }
    assert!(visible.contains("Client::execute") && visible.contains("Waiter::updates") && visible.contains("Page::next_page"), "{visible:?}");
}
