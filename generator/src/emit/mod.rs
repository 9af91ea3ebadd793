//! Emitting: IR → Rust source files. Each submodule writes one kind of file; this module holds what they
//! share: type spelling, rustdoc, and formatting through prettyplease.

mod crate_files;
mod jobs;
mod resources;
mod setters;
mod tests;
pub(crate) mod types;

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use crate::error::Error;
use crate::ir::{Api, TypeRef};
use crate::Settings;

/// Every file of the generated crate, by path relative to the crate root. Sorted, so output order and
/// bytes never depend on hash order.
pub type Files = BTreeMap<String, String>;

/// The crate's README: hand-written (an extra file), it is also the crate's rustdoc front page.
pub const README_FILE: &str = "README.md";

/// A generated file before formatting.
pub enum Source {
    /// Rust code, pretty-printed by [`format`].
    Rust(TokenStream),
    /// Any other file, final as it is.
    Text(String),
}

/// The emitted files, by path, before formatting.
pub type Emitted = BTreeMap<String, Source>;

/// Emits every file of the SDK crate for the IR.
pub fn emit(api: &Api, settings: &Settings) -> Result<Emitted, Error> {
    emit_with_guide(api, settings, None)
}

/// [`emit`], with `guide` (the crate's hand-written README) as the crate-level documentation.
pub fn emit_with_guide(api: &Api, settings: &Settings, guide: Option<&str>) -> Result<Emitted, Error> {
    let index = TypeIndex::new(&api.types);
    let mut files = Emitted::new();
    crate_files::emit(api, settings, guide, &mut files)?;
    types::emit(api, &index, &mut files)?;
    resources::emit(api, &index, &mut files)?;
    tests::emit(api, &index, &mut files)?;
    Ok(files)
}

pub use crate::ir::TypeIndex;

/// Spells a type reference with the short names the generated modules import.
pub fn type_tokens(ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::String => quote!(String),
        TypeRef::Integer => quote!(i64),
        TypeRef::UnsignedInteger => quote!(u64),
        TypeRef::Float => quote!(f64),
        TypeRef::Boolean => quote!(bool),
        TypeRef::DateTime => quote!(Timestamp),
        // Inside JSON documents, binary data travels as a (base64 or raw) string.
        TypeRef::Binary => quote!(String),
        TypeRef::Json => quote!(Value),
        TypeRef::JsonObject => quote!(Map<String, Value>),
        TypeRef::Named(name) => ident(name).into_token_stream(),
        TypeRef::List(item) => {
            let item = type_tokens(item);
            quote!(Vec<#item>)
        }
        TypeRef::Map(value) => {
            let value = type_tokens(value);
            quote!(BTreeMap<String, #value>)
        }
        TypeRef::Optional(inner) => {
            let inner = type_tokens(inner);
            quote!(Option<#inner>)
        }
        TypeRef::Tuple(elements) => {
            let elements = elements.iter().map(type_tokens);
            quote!((#(#elements,)*))
        }
    }
}

use quote::ToTokens;

/// The imports a set of type references needs: the named types, plus std/serde/runtime names.
#[derive(Default)]
pub struct Imports {
    pub named: BTreeSet<String>,
    pub timestamp: bool,
    pub value: bool,
    pub map: bool,
    pub btree_map: bool,
}

impl Imports {
    pub fn add(&mut self, ty: &TypeRef) {
        match ty {
            TypeRef::DateTime => self.timestamp = true,
            TypeRef::Json => self.value = true,
            TypeRef::JsonObject => {
                self.value = true;
                self.map = true;
            }
            TypeRef::Named(name) => {
                self.named.insert(name.clone());
            }
            TypeRef::List(item) | TypeRef::Optional(item) => self.add(item),
            TypeRef::Map(value) => {
                self.btree_map = true;
                self.add(value);
            }
            TypeRef::Tuple(elements) => elements.iter().for_each(|e| self.add(e)),
            _ => {}
        }
    }

    /// `use` items for std and serde_json (runtime and type imports are the caller's).
    pub fn std_tokens(&self) -> TokenStream {
        let mut out = TokenStream::new();
        if self.btree_map {
            out.extend(quote!(use std::collections::BTreeMap;));
        }
        match (self.map, self.value) {
            (true, _) => out.extend(quote!(use serde_json::{Map, Value};)),
            (false, true) => out.extend(quote!(use serde_json::Value;)),
            _ => {}
        }
        out
    }
}

pub fn ident(name: &str) -> Ident {
    // Names come from `naming`, so they are valid identifiers; raw identifiers are never needed.
    format_ident!("{}", name)
}

/// Turns spec prose into `#[doc]` attributes that rustdoc renders as the author meant and does not
/// misread: no doctests from code blocks or indented text, no broken intra-doc links from `[x]`, no
/// HTML from `<x>`, bare URLs wrapped, CR removed.
pub fn doc_attrs(text: &str) -> TokenStream {
    let text = escape_doc(text);
    let lines: Vec<TokenStream> = text
        .lines()
        .map(|line| {
            let line = if line.is_empty() { String::new() } else { format!(" {line}") };
            quote!(#[doc = #line])
        })
        .collect();
    quote!(#(#lines)*)
}

/// `#[doc]` attributes for text the generator writes itself (already valid markdown, with intra-doc links).
pub fn doc_attrs_raw(text: &str) -> TokenStream {
    let lines = text.lines().map(|line| {
        let line = format!(" {line}");
        quote!(#[doc = #line])
    });
    quote!(#(#lines)*)
}

/// Joins a summary and a description into one doc text (paragraphs separated by a blank line).
pub fn doc_text(parts: &[Option<&str>]) -> Option<String> {
    let parts: Vec<&str> = parts.iter().flatten().map(|s| s.trim()).filter(|s| !s.is_empty()).collect();
    let mut deduped: Vec<&str> = Vec::new();
    for part in parts {
        if !deduped.iter().any(|seen| seen.trim_end_matches('.') == part.trim_end_matches('.')) {
            deduped.push(part);
        }
    }
    (!deduped.is_empty()).then(|| deduped.join("\n\n"))
}

pub fn escape_doc(text: &str) -> String {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut out = String::with_capacity(text.len() + 16);
    let mut in_fence = false;
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
            // Code fences become plain text blocks: spec examples are not Rust doctests.
            out.push_str(if in_fence { "```" } else { "```text" });
            out.push('\n');
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            out.push_str(line);
        } else {
            // Indentation would make an indented code block (a doctest); markdown lists keep a little.
            let indent = (line.len() - trimmed.len()).min(2);
            out.push_str(&" ".repeat(indent));
            out.push_str(&escape_inline(trimmed));
        }
        out.push('\n');
    }
    if in_fence {
        out.push_str("```\n");
    }
    out.trim_end().to_string()
}

/// Escapes markdown that rustdoc would misread, outside inline code spans.
fn escape_inline(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut in_code = false;
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        if c == '`' {
            in_code = !in_code;
            out.push(c);
            rest = &rest[1..];
            continue;
        }
        if !in_code {
            if let Some(url_len) = bare_url_len(rest) {
                if !out.ends_with('<') && !out.ends_with('(') {
                    out.push('<');
                    out.push_str(&rest[..url_len]);
                    out.push('>');
                    rest = &rest[url_len..];
                    continue;
                }
            }
            match c {
                '[' | ']' | '<' | '>' => {
                    out.push('\\');
                    out.push(c);
                }
                _ => out.push(c),
            }
        } else {
            out.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    if in_code {
        // An unbalanced backtick would swallow the next line's text; escape it instead.
        if let Some(pos) = out.rfind('`') {
            out.replace_range(pos..pos + 1, "\\`");
        }
    }
    out
}

fn bare_url_len(text: &str) -> Option<usize> {
    if !(text.starts_with("http://") || text.starts_with("https://")) {
        return None;
    }
    let end = text.find(|c: char| c.is_whitespace() || c == ')' || c == '>' || c == '"' || c == '`').unwrap_or(text.len());
    let url = text[..end].trim_end_matches(['.', ',', ';', ':']);
    Some(url.len())
}

/// Formats the emitted files: Rust is parsed and pretty-printed (a parse failure is a generator bug,
/// reported as such), with the generated-file header.
///
/// Formatting dominates generation, so it runs on all cores, in pieces of whole items: a giant file
/// (a spec's 1,000-operation resource) is shared between threads instead of keeping one busy. syn's
/// syntax trees cannot cross threads, so each piece travels as text and is parsed where it is printed;
/// pieces are small, so no thread holds one huge syntax tree.
pub fn format(emitted: Emitted) -> Result<Files, Error> {
    let mut files = Files::new();
    let mut pieces: Vec<(usize, usize, String)> = Vec::new();
    let mut rust_paths = Vec::new();
    for (path, source) in emitted {
        match source {
            Source::Text(text) => {
                files.insert(path, text);
            }
            Source::Rust(tokens) => {
                let file = rust_paths.len();
                rust_paths.push(path);
                for (piece, code) in item_pieces(tokens).into_iter().enumerate() {
                    pieces.push((file, piece, code));
                }
            }
        }
    }
    // Largest first, so one big piece does not start last and leave the other threads idle.
    pieces.sort_by_key(|(_, _, code)| std::cmp::Reverse(code.len()));
    let workers = std::thread::available_parallelism().map_or(1, usize::from).min(pieces.len()).max(1);
    let jobs = std::sync::Mutex::new(pieces.into_iter());
    let next_job = || jobs.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).next();
    let formatted: Vec<(usize, usize, Result<String, String>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    std::iter::from_fn(next_job)
                        .map(|(file, piece, code)| (file, piece, syn::parse_file(&code).map(|parsed| prettyplease::unparse(&parsed)).map_err(|e| e.to_string())))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))).collect()
    });
    let mut by_file: Vec<Vec<(usize, String)>> = vec![Vec::new(); rust_paths.len()];
    for (file, piece, result) in formatted {
        let text = result.map_err(|message| Error::Internal { file: rust_paths[file].clone(), message })?;
        by_file[file].push((piece, text));
    }
    for (path, mut pieces) in rust_paths.into_iter().zip(by_file) {
        pieces.sort_by_key(|(piece, _)| *piece);
        let code: String = pieces.into_iter().map(|(_, text)| text).collect();
        files.insert(path, format!("{GENERATED_HEADER}{}", space_items(&code)));
    }
    Ok(files)
}

/// A file's tokens as text, cut between top-level items into pieces of about [`PIECE_BYTES`].
fn item_pieces(tokens: TokenStream) -> Vec<String> {
    const PIECE_BYTES: usize = 64 * 1024;
    let mut pieces = Vec::new();
    let mut piece = String::new();
    for item in top_level_items(tokens) {
        piece.push_str(&item.to_string());
        piece.push('\n');
        if piece.len() >= PIECE_BYTES {
            pieces.push(std::mem::take(&mut piece));
        }
    }
    if !piece.trim().is_empty() || pieces.is_empty() {
        pieces.push(piece);
    }
    pieces
}

/// The top-level items of a token stream: an item ends with its `;`, or with its `{ ... }` body
/// unless a `;` follows (`use a::{b, c};`). Attributes and docs come before an item, so they stay
/// with it; trailing tokens form a last item.
fn top_level_items(tokens: TokenStream) -> Vec<TokenStream> {
    use proc_macro2::{Delimiter, TokenTree};
    let mut items = Vec::new();
    let mut current = TokenStream::new();
    let mut after_body = false;
    for token in tokens {
        let is_semicolon = matches!(&token, TokenTree::Punct(p) if p.as_char() == ';');
        if after_body && !is_semicolon {
            items.push(std::mem::take(&mut current));
        }
        after_body = matches!(&token, TokenTree::Group(g) if g.delimiter() == Delimiter::Brace);
        current.extend([token]);
        if is_semicolon {
            items.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        items.push(current);
    }
    items
}

/// Puts a blank line between items, as people write them (prettyplease packs them together): after
/// every line that closes a block (or is an empty one, `struct Stop {}`), and after the `use` block, before the next item or its docs.
fn space_items(code: &str) -> String {
    let mut out = String::with_capacity(code.len() + code.len() / 16);
    let mut previous = "";
    for line in code.lines() {
        let current = line.trim_start();
        let closes_block = (matches!(previous.trim_start(), "}" | "};" | ");") || previous.ends_with("!();") || previous.ends_with(" {}"))
            && previous.len() - previous.trim_start().len() == line.len() - current.len();
        let group = |l: &str| match l {
            l if l.starts_with("#![") => Some(0),
            l if l.starts_with("mod ") || l.starts_with("pub mod ") || l.starts_with("types_module!(") => Some(1),
            l if l.starts_with("use ") || l.starts_with("pub use ") => Some(2),
            l if l.starts_with("//!") => Some(3),
            _ => None,
        };
        let ends_group = group(previous).is_some() && group(previous) != group(line) && !current.is_empty();
        let ends_uses = ends_group || previous.trim_start().starts_with("use ") && !current.starts_with("use ");
        const ITEM_STARTS: &[&str] = &[
            "///", "#[", "pub ", "pub(", "fn ", "async fn", "impl", "struct ", "enum ", "type ", "const ", "mod ", "use ", "crate::runtime::",
        ];
        let starts_item = ITEM_STARTS.iter().any(|start| current.starts_with(start));
        if (closes_block || ends_uses) && starts_item {
            out.push('\n');
        }
        out.push_str(line);
        out.push('\n');
        previous = line;
    }
    out
}

/// The first line of every generated Rust file.
pub const GENERATED_HEADER: &str = "// @generated by openapi-sdkgen from the OpenAPI spec. Do not edit: change the spec or the generator.\n\n";

/// `#[cfg(feature = "a")]` (or `any(...)` of several) for code only some resources' features need.
pub fn cfg_features(features: &[String]) -> TokenStream {
    match features {
        [] => TokenStream::new(),
        [one] => quote!(#[cfg(feature = #one)]),
        many => quote!(#[cfg(any(#(feature = #many),*))]),
    }
}

/// Puts `attr` on every item of `items`, after its docs (where people write it).
pub fn before_each_item(items: TokenStream, attr: &TokenStream) -> TokenStream {
    use proc_macro2::{Delimiter, TokenTree};
    if attr.is_empty() {
        return items;
    }
    let is_doc = |tokens: &[TokenTree]| match tokens {
        [TokenTree::Punct(hash), TokenTree::Group(group), ..] => {
            hash.as_char() == '#' && group.delimiter() == Delimiter::Bracket && group.stream().into_iter().next().is_some_and(|t| t.to_string() == "doc")
        }
        _ => false,
    };
    let mut out = TokenStream::new();
    for item in top_level_items(items) {
        let tokens: Vec<TokenTree> = item.into_iter().collect();
        let mut docs = 0;
        while is_doc(&tokens[docs..]) {
            docs += 2;
        }
        out.extend(tokens[..docs].iter().cloned());
        out.extend(attr.clone());
        out.extend(tokens[docs..].iter().cloned());
    }
    out
}

/// `use` items in the usual order: `std`, then other crates, then this crate, each group sorted.
pub fn ordered_uses(uses: TokenStream) -> TokenStream {
    let mut items: Vec<(u8, String, TokenStream)> = top_level_items(uses)
        .into_iter()
        .map(|item| {
            let text = item.to_string();
            let group = if text.starts_with("use std") { 0 } else if text.starts_with("use crate") { 2 } else { 1 };
            (group, text, item)
        })
        .collect();
    items.sort_by(|(a_group, a_text, _), (b_group, b_text, _)| (a_group, a_text).cmp(&(b_group, b_text)));
    items.into_iter().map(|(_, _, item)| item).collect()
}

/// A string literal token.
pub fn lit(s: &str) -> proc_macro2::Literal {
    proc_macro2::Literal::string(s)
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn escapes_what_rustdoc_misreads() {
        assert_eq!(escape_doc("see [docs] and <b>x</b>"), "see \\[docs\\] and \\<b\\>x\\</b\\>");
        assert_eq!(escape_doc("code `a[0] <T>` ok"), "code `a[0] <T>` ok");
        assert_eq!(escape_doc("go to https://x.io/a. now"), "go to <https://x.io/a>. now");
        assert_eq!(escape_doc("a\r\nb\rc"), "a\nb\nc");
        assert_eq!(escape_doc("```\nlet x = 1;\n```"), "```text\nlet x = 1;\n```");
        assert_eq!(escape_doc("        indented"), "  indented");
        assert_eq!(escape_doc("odd ` tick"), "odd \\` tick");
    }

    #[test]
    fn items_end_at_their_body_or_semicolon() {
        let tokens = quote! {
            #![doc = "x"]
            use a::{b, c};
            #[derive(Debug)]
            pub struct S { f: u8 }
            impl S { fn g(&self) {} }
            pub type T = S;
        };
        let items: Vec<String> = top_level_items(tokens).iter().map(|t| t.to_string()).collect();
        assert_eq!(items.len(), 4, "{items:?}");
        assert!(items[0].ends_with("use a :: { b , c } ;"), "{items:?}");
        assert!(items[1].starts_with("# [derive (Debug)]"), "{items:?}");
        let uses = ordered_uses(quote!(use crate::x; use serde::{A, B}; use std::fmt;)).to_string();
        assert_eq!(uses, "use std :: fmt ; use serde :: { A , B } ; use crate :: x ;");
    }

    #[test]
    fn doc_text_drops_repeated_summary() {
        assert_eq!(doc_text(&[Some("Get a pet."), Some("Get a pet")]).as_deref(), Some("Get a pet."));
        assert_eq!(doc_text(&[None, Some(" ")]), None);
    }
}
