//! `src/resources/**.rs`: one module per resource, holding its handle type, its operation methods and
//! one request builder per operation.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::quote;

use super::setters::{self, SharedSetters};
use super::{before_each_item, cfg_features, jobs, doc_attrs, doc_attrs_raw, doc_text, ident, lit, ordered_uses, type_tokens, Emitted, Imports, Source, TypeIndex};
use crate::features::module_features;
use crate::error::Error;
use crate::ir::{Api, ClientParam, Input, Location, Operation, PageScheme, QueryStyle, RequestBody, Resource, ResponseKind, TypeRef};

pub fn emit(api: &Api, index: &TypeIndex, files: &mut Emitted) -> Result<(), Error> {
    let enables: BTreeMap<String, Vec<String>> = api.features.iter().map(|f| (f.name.clone(), f.enables.clone())).collect();
    let shared = setters::emit(api, index, &api.client_params, &enables, files);
    emit_resource(&api.root, index, &api.client_params, &enables, &shared, files)
}

fn emit_resource(resource: &Resource, index: &TypeIndex, client_params: &[ClientParam], enables: &BTreeMap<String, Vec<String>>, shared: &SharedSetters, files: &mut Emitted) -> Result<(), Error> {
    let is_root = resource.module_path.is_empty();
    let path = if is_root { "src/resources/mod.rs".to_string() } else { format!("src/resources/{}.rs", resource.module_path.join("/")) };
    let mut ctx = ModuleContext::new(index, client_params, enables, shared);

    let handle = ident(&resource.type_name);
    // A module compiles with the features of the operations in and below it; a child whose features
    // are not all of them is gated by its own.
    let module_gate = if is_root { Vec::new() } else { module_features(resource) };
    let gate = |c: &Resource| {
        let features = module_features(c);
        if features == module_gate {
            TokenStream::new()
        } else {
            cfg_features(&features)
        }
    };
    // A split namespace's own operations compile with its own feature only.
    let ops_gate = match &resource.feature {
        Some(feature) if !resource.operations.is_empty() && module_gate != [feature.clone()] => cfg_features(std::slice::from_ref(feature)),
        _ => TokenStream::new(),
    };
    let mut child_modules: Vec<TokenStream> = resource.children.iter().map(|c| {
        let module = ident(c.module_path.last().map(String::as_str).unwrap_or_default());
        let doc = doc_attrs(&resource_summary(c));
        let gate = gate(c);
        quote!(#doc #gate pub mod #module;)
    }).collect();
    if is_root && !shared.module.is_empty() {
        let module = ident(&shared.module);
        child_modules.push(quote!(#[doc(hidden)] pub mod #module;));
    }
    let accessors = resource.children.iter().map(|c| {
        let module = ident(c.module_path.last().map(String::as_str).unwrap_or_default());
        let accessor = ident(&c.accessor);
        let child = ident(&c.type_name);
        let doc = doc_attrs(&resource_summary(c));
        let gate = gate(c);
        quote! {
            #doc
            #gate
            pub fn #accessor(&self) -> #module::#child {
                #module::#child::new(self.client.clone())
            }
        }
    });
    let mut methods: Vec<TokenStream> = resource.operations.iter().map(|op| operation_method(op, &mut ctx)).collect();
    let mut job_kinds = Vec::new();
    for op in &resource.operations {
        if let Some(wait) = &op.wait {
            methods.push(jobs::resource_methods(op, wait, &mut ctx));
            job_kinds.push(jobs::kind_const(op, wait, &mut ctx));
        }
    }
    let builders: Vec<TokenStream> = resource.operations.iter().map(|op| builder(op, resource, &mut ctx)).collect::<Vec<_>>();
    let job_kinds = before_each_item(job_kinds.into_iter().collect(), &ops_gate);
    let builders = before_each_item(builders.into_iter().collect(), &ops_gate);

    let handle_def = if is_root {
        TokenStream::new()
    } else {
        ctx.runtime.insert("Client");
        let doc = doc_attrs(&format!("{}\n\nGet it from the client; cheap to clone.", resource_summary(resource)));
        quote! {
            #doc
            #[derive(Debug, Clone)]
            pub struct #handle {
                client: Client,
            }
        }
    };
    let constructor = (!is_root).then(|| {
        quote! {
            pub(crate) fn new(client: Client) -> Self {
                Self { client }
            }
        }
    });
    let module_doc = if is_root {
        "The API's operations, grouped by resource. Start from the client's accessor methods.".to_string()
    } else {
        resource_summary(resource)
    };
    let module_doc = lit(&format!(" {module_doc}"));

    let mut uses = ctx.imports.std_tokens();
    if ctx.bytes {
        uses.extend(quote!(use bytes::Bytes;));
    }
    // With its operations gated, the handle's import is the one the module always needs.
    let handle_uses = (!ops_gate.is_empty() && ctx.runtime.remove("Client")).then(|| quote!(use crate::runtime::Client;));
    if !ctx.runtime.is_empty() {
        let names = ctx.runtime.iter().map(|n| ident(n));
        uses.extend(quote!(use crate::runtime::{#(#names),*};));
    }
    if !ctx.imports.named.is_empty() {
        let names = ctx.imports.named.iter().map(|n| ident(n));
        uses.extend(quote!(use crate::types::{#(#names),*};));
    }
    if is_root && (!resource.operations.is_empty() || !resource.children.is_empty()) {
        uses.extend(quote!(use crate::#handle;));
    }
    let handle_impl = if ops_gate.is_empty() {
        (!resource.operations.is_empty() || !resource.children.is_empty() || !is_root).then(|| {
            quote! {
                impl #handle {
                    #constructor
                    #(#accessors)*
                    #(#methods)*
                }
            }
        })
    } else {
        Some(quote! {
            impl #handle {
                #constructor
                #(#accessors)*
            }

            #ops_gate
            impl #handle {
                #(#methods)*
            }
        })
    };
    let uses = before_each_item(ordered_uses(uses), &ops_gate);
    let tokens = quote! {
        #![doc = #module_doc]
        #handle_uses
        #uses
        #(#child_modules)*
        #handle_def
        #handle_impl
        #job_kinds
        #builders
    };
    files.insert(path.clone(), Source::Rust(tokens));
    for child in &resource.children {
        emit_resource(child, index, client_params, enables, shared, files)?;
    }
    Ok(())
}

/// What a resource is: its tag's description, if the spec gives one, and which paths of the API
/// its operations use ("Operations on `beta.batch`, under `/api/v1/beta/batch-processing`.").
fn resource_summary(resource: &Resource) -> String {
    let name = resource.module_path.join(".");
    let operations = match resource.path_prefix() {
        Some(prefix) => format!("Operations on `{name}`, under `{prefix}`."),
        None => format!("Operations on `{name}`."),
    };
    match &resource.description {
        Some(description) => format!("{}\n\n{operations}", description.trim()),
        None => operations,
    }
}

pub(super) struct ModuleContext<'a, 'i> {
    index: &'i TypeIndex<'a>,
    /// The setters operations share, which builders take rather than write their own.
    shared: &'i SharedSetters,
    /// Parameters the client may hold a value of (`x-sdk.client-params`).
    client_params: &'i [ClientParam],
    /// The features each cargo feature turns on.
    pub(super) enables: &'i BTreeMap<String, Vec<String>>,
    /// Names imported from `crate::runtime`.
    pub(super) runtime: BTreeSet<&'static str>,
    pub(super) imports: Imports,
    pub(super) bytes: bool,
}

impl<'a, 'i> ModuleContext<'a, 'i> {
    pub(super) fn new(index: &'i TypeIndex<'a>, client_params: &'i [ClientParam], enables: &'i BTreeMap<String, Vec<String>>, shared: &'i SharedSetters) -> Self {
        ModuleContext { index, shared, client_params, enables, runtime: BTreeSet::new(), imports: Imports::default(), bytes: false }
    }

    /// The type of an input as stored in the builder.
    fn stored_type(&mut self, input: &Input) -> TokenStream {
        match (input.location, &input.ty) {
            (Location::FormFile, _) => {
                self.runtime.insert("Upload");
                quote!(Upload)
            }
            (_, TypeRef::Binary) => {
                self.bytes = true;
                quote!(Bytes)
            }
            (_, ty) => {
                self.imports.add(ty);
                if matches!(ty, TypeRef::DateTime) || contains_datetime(ty) {
                    self.runtime.insert("Timestamp");
                }
                type_tokens(ty)
            }
        }
    }

    /// How an argument or setter accepts the input, and how that becomes the stored value.
    pub(super) fn accepted(&mut self, input: &Input, name: &proc_macro2::Ident) -> (TokenStream, TokenStream) {
        let stored = self.stored_type(input);
        match (input.location, self.index.resolve(&input.ty).clone()) {
            (Location::FormFile, _) => (stored, quote!(#name)),
            (_, TypeRef::Binary) => {
                self.bytes = true;
                (quote!(impl Into<Bytes>), quote!(#name.into()))
            }
            (_, TypeRef::String) => (quote!(impl Into<String>), quote!(#name.into())),
            (_, TypeRef::DateTime) => {
                // Also when the input's type is a named alias of a timestamp.
                self.runtime.insert("Timestamp");
                (quote!(impl Into<Timestamp>), quote!(#name.into()))
            }
            (_, TypeRef::List(item)) if matches!(*item, TypeRef::String) && matches!(input.ty, TypeRef::List(_)) => {
                (quote!(impl IntoIterator<Item = impl Into<String>>), quote!(#name.into_iter().map(Into::into).collect()))
            }
            (_, TypeRef::List(_)) if matches!(input.ty, TypeRef::List(_)) => {
                let TypeRef::List(item) = &input.ty else { unreachable!("matched above") };
                let item = type_tokens(item);
                (quote!(impl IntoIterator<Item = #item>), quote!(#name.into_iter().collect()))
            }
            _ if self.index.is_display(&input.ty) && matches!(input.ty, TypeRef::Named(_)) => (quote!(impl Into<#stored>), quote!(#name.into())),
            _ => (stored, quote!(#name)),
        }
    }
}

fn contains_datetime(ty: &TypeRef) -> bool {
    match ty {
        TypeRef::DateTime => true,
        TypeRef::List(inner) | TypeRef::Map(inner) | TypeRef::Optional(inner) => contains_datetime(inner),
        TypeRef::Tuple(elements) => elements.iter().any(contains_datetime),
        _ => false,
    }
}

/// What awaiting an operation's builder gives, and the runtime's reader of its response.
fn response_parts(op: &Operation, ctx: &mut ModuleContext) -> (TokenStream, TokenStream) {
    ctx.runtime.insert("read");
    match &op.response {
        ResponseKind::Empty => (quote!(()), quote!(read::Empty)),
        ResponseKind::Bytes => {
            ctx.bytes = true;
            (quote!(Bytes), quote!(read::Bytes))
        }
        ResponseKind::Json(ty) => {
            ctx.imports.add(ty);
            if contains_datetime(ty) {
                ctx.runtime.insert("Timestamp");
            }
            let ty = type_tokens(ty);
            (ty.clone(), quote!(read::Json<#ty>))
        }
        ResponseKind::Paginated { page, .. } => {
            ctx.imports.add(page);
            ctx.runtime.insert("Page");
            let page = type_tokens(page);
            (quote!(Page<#page>), quote!(read::Page<Self>))
        }
        ResponseKind::EventStream(event) => {
            ctx.imports.add(event);
            ctx.runtime.insert("EventStream");
            let tagged = ctx.index.is_tagged_union(event);
            let event = type_tokens(event);
            let reader = if tagged { quote!(read::TaggedEventStream<#event>) } else { quote!(read::EventStream<#event>) };
            (quote!(EventStream<#event>), reader)
        }
    }
}

fn scheme_tokens(scheme: &PageScheme, ctx: &mut ModuleContext) -> TokenStream {
    ctx.runtime.insert("PageScheme");
    match scheme {
        PageScheme::QueryCursor { param } => quote!(PageScheme::QueryCursor { param: #param }),
        PageScheme::BodyCursor { param } => quote!(PageScheme::BodyCursor { field: #param }),
        PageScheme::Offset { param } => quote!(PageScheme::Offset { param: #param }),
    }
}

fn operation_docs(op: &Operation) -> String {
    let mut text = doc_text(&[op.summary.as_deref(), op.description.as_deref()]).unwrap_or_else(|| format!("Calls `{}`.", op.operation_id));
    text.push_str(&format!("\n\n`{} {}`", op.http_method.as_str(), op.path));
    if op.deprecated {
        text.push_str("\n\n**Deprecated** by the API.");
    }
    text
}

fn operation_method(op: &Operation, ctx: &mut ModuleContext) -> TokenStream {
    let method = ident(&op.method_name);
    let builder = ident(&op.builder_name);
    let required: Vec<&Input> = op.inputs.iter().filter(|i| i.required).collect();
    let mut doc = operation_docs(op);
    if !required.is_empty() {
        doc.push_str("\n\n# Arguments\n");
        for input in &required {
            let description = input.description.as_deref().map(|d| d.lines().next().unwrap_or_default().to_string());
            doc.push_str(&format!(
                "\n- `{}`: {}",
                input.rust_name,
                description.unwrap_or_else(|| format!("the `{}` {}", input.wire_name, location_noun(input.location)))
            ));
        }
    }
    let doc = doc_attrs(&doc);
    let mut params = Vec::new();
    let mut conversions = Vec::new();
    let mut writes = Vec::new();
    if let Some(input) = op.wait.as_ref().and_then(|wait| wait.id_input.as_ref()) {
        let name = ident(&input.rust_name);
        writes.push(quote!(.set_job_id(&#name)));
    }
    for input in &required {
        let name = ident(&input.rust_name);
        let (accepted, conversion) = conversion(input, &name, ctx);
        params.push(quote!(#name: #accepted));
        conversions.extend(conversion);
        writes.push(write_input(op, input, quote!(#name), ctx));
    }
    // A shared parameter takes the client's value, if it has one, until its setter is called.
    for input in op.inputs.iter().filter(|i| !i.required) {
        if ctx.client_params.iter().any(|p| p.wire_name == input.wire_name && p.location == input.location) {
            let wire = lit(&input.wire_name);
            match input.location {
                Location::Query => writes.push(quote!(.default_query(#wire))),
                Location::Header => writes.push(quote!(.default_header(#wire))),
                Location::Cookie => writes.push(quote!(.default_cookie(#wire))),
                _ => {}
            }
        }
    }
    ctx.runtime.extend(["Method", "RequestParts"]);
    let http = ident(op.http_method.as_str());
    let path = lit(&op.path);
    // An operation whose own `security` differs from the API's default says what it requires.
    let security = op.security.as_ref().map(|requirement| {
        let requirement = super::crate_files::requirement_tokens(requirement);
        quote!(.set_security(#requirement))
    });
    let accept = op.accept.as_deref().map(|media| quote!(.set_accept(#media)));
    let body = match &op.body {
        RequestBody::JsonFields => quote!(.json_object_body()),
        RequestBody::Multipart => quote!(.form_body(true)),
        RequestBody::FormUrlEncoded => quote!(.form_body(false)),
        _ => TokenStream::new(),
    };
    // Every required input is an argument, as the spec has them; clippy counts `self` too.
    let many = (params.len() + 1 > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    let new = quote!(RequestParts::new(&self.client, Method::#http, #path));
    let writes: Vec<TokenStream> = [security, accept].into_iter().flatten().chain([body]).chain(writes).filter(|w| !w.is_empty()).collect();
    let build = if writes.is_empty() {
        quote!(#new.build())
    } else {
        // `parts`: a name no input takes (it is reserved for the builder's field).
        quote! {
            let mut parts = #new;
            parts #(#writes)*;
            parts.build()
        }
    };
    quote! {
        #doc
        #many
        pub fn #method(&self, #(#params),*) -> #builder {
            #(#conversions)*
            #build
        }
    }
}

/// How a method takes an input, and the `let` that turns it into the value written, where the two
/// differ (`impl Into<String>` becomes a `String`).
fn conversion(input: &Input, name: &proc_macro2::Ident, ctx: &mut ModuleContext) -> (TokenStream, Option<TokenStream>) {
    let stored = ctx.stored_type(input);
    let (accepted, convert) = ctx.accepted(input, name);
    let conversion = (*name != convert.to_string()).then(|| quote!(let #name: #stored = #convert;));
    (accepted, conversion)
}

pub(super) fn location_noun(location: Location) -> &'static str {
    match location {
        Location::Path => "path parameter",
        Location::Query => "query parameter",
        Location::Header => "header",
        Location::Cookie => "cookie",
        Location::Body => "body field",
        Location::Form | Location::FormFile => "form field",
    }
}

fn is_json_body_field(op: &Operation, input: &Input) -> bool {
    matches!(op.body, RequestBody::JsonFields) && input.location == Location::Body
}

fn builder(op: &Operation, resource: &Resource, ctx: &mut ModuleContext) -> TokenStream {
    let builder = ident(&op.builder_name);
    let operation = ident(&op.operation_type);
    let (output, reader) = response_parts(op, ctx);
    ctx.runtime.extend(["Operation", "Request"]);

    let mut setters = Vec::new();
    let mut shared_impls = Vec::new();
    for input in op.inputs.iter().filter(|i| !i.required) {
        match ctx.shared.shared(op, input) {
            Some(shared) => {
                let (module, name) = (ident(&ctx.shared.module), ident(&shared.name));
                let value = shared.value.as_ref().map(|value| {
                    ctx.imports.named.insert(value.clone());
                    let value = ident(value);
                    quote!(type Value = #value;)
                });
                shared_impls.push(quote!(impl crate::resources::#module::#name for #operation { #value }));
            }
            None => setters.push(setter(op, input, ctx)),
        }
    }
    let summary = op.summary.as_deref().map(|s| format!(" ({})", s.trim().trim_end_matches('.'))).unwrap_or_default();
    let builder_doc = doc_attrs(&format!(
        "Request builder for `{} {}`{summary}. Await it to send the request; optional inputs and per-request options are its methods.",
        op.http_method.as_str(),
        op.path,
    ));
    let operation_doc = doc_attrs_raw(&format!(
        "The operation `{} {}`{summary}, which [`{}`] sends. It has no values: it tells this operation's requests from others'.",
        op.http_method.as_str(),
        op.path,
        op.builder_name,
    ));
    let paged = match &op.response {
        ResponseKind::Paginated { page, scheme, .. } => {
            ctx.runtime.insert("PagedOperation");
            let page = type_tokens(page);
            let scheme = scheme_tokens(scheme, ctx);
            Some(quote! {
                impl PagedOperation for #operation {
                    type Page = #page;
                    const SCHEME: PageScheme = #scheme;
                }
            })
        }
        _ => None,
    };
    let wait_method = op.wait.as_ref().map(|wait| jobs::builder_wait(wait, &resource.type_name));
    let and_wait_method = op.starts_job.as_ref().map(|start| jobs::builder_and_wait(start, resource, ctx));
    let methods = (!setters.is_empty() || wait_method.is_some() || and_wait_method.is_some()).then(|| {
        quote! {
            impl #builder {
                #(#setters)*
                #wait_method
                #and_wait_method
            }
        }
    });
    quote! {
        #builder_doc
        pub type #builder = Request<#operation>;

        #operation_doc
        pub enum #operation {}

        impl Operation for #operation {
            type Output = #output;
            type Response = #reader;
        }

        #paged
        #(#shared_impls)*
        #methods
    }
}

/// The setter of optional input `input`, and for a nullable body field the setter that sends `null`.
pub(super) fn setter(op: &Operation, input: &Input, ctx: &mut ModuleContext) -> TokenStream {
    let name = ident(&input.rust_name);
    let (accepted, conversion) = conversion(input, &name, ctx);
    let write = write_input(op, input, quote!(#name), ctx);
    let doc = doc_attrs(input.description.as_deref().unwrap_or(&format!("Sets the `{}` {}.", input.wire_name, location_noun(input.location))));
    let null_setter = null_setter_name(op, input).map(|null_setter| {
        let null_setter = ident(&null_setter);
        let wire = lit(&input.wire_name);
        let doc = doc_attrs(&format!("Sends `{}` as an explicit `null`, clearing it.", input.wire_name));
        quote! {
            #doc
            pub fn #null_setter(mut self) -> Self {
                self.parts.set_field_null(#wire);
                self
            }
        }
    });
    quote! {
        #doc
        pub fn #name(mut self, #name: #accepted) -> Self {
            #conversion
            self.parts #write;
            self
        }

        #null_setter
    }
}

/// The name of the setter that sends `input` as `null`, which a nullable field of a JSON body has.
pub(super) fn null_setter_name(op: &Operation, input: &Input) -> Option<String> {
    (is_json_body_field(op, input) && input.nullable).then(|| format!("{}_null", input.rust_name.trim_end_matches('_')))
}

/// The builder call that writes `input`, whose value (of its stored type) is `value`: `.set_query("limit", limit)`.
fn write_input(op: &Operation, input: &Input, value: TokenStream, ctx: &mut ModuleContext) -> TokenStream {
    let index = ctx.index;
    let wire = lit(&input.wire_name);
    let resolved = index.resolve(&input.ty);
    let display = index.is_display(&input.ty);
    match input.location {
        Location::Path if display => quote!(.set_path(#wire, #value)),
        Location::Path => quote!(.set_path_json(#wire, &#value)),
        Location::Query | Location::Header | Location::Cookie => {
            let (single, each, json) = match input.location {
                Location::Query => (quote!(set_query), quote!(set_query_each), quote!(set_query_json)),
                Location::Header => (quote!(set_header), quote!(set_header_each), quote!(set_header_json)),
                _ => (quote!(set_cookie), quote!(set_cookie_each), quote!(set_cookie_json)),
            };
            // A query list or object in a style other than JSON text or repeated names; a scalar is
            // itself in every style.
            let display_list = matches!(resolved, TypeRef::List(item) if index.is_display(item));
            let style = match input.style {
                _ if input.location != Location::Query || display => None,
                QueryStyle::Json => None,
                QueryStyle::Form { explode: true } if display_list => None,
                QueryStyle::Form { explode } => Some(quote!(QueryStyle::Form { explode: #explode })),
                QueryStyle::SpaceDelimited => Some(quote!(QueryStyle::SpaceDelimited)),
                QueryStyle::PipeDelimited => Some(quote!(QueryStyle::PipeDelimited)),
                QueryStyle::DeepObject => Some(quote!(QueryStyle::DeepObject)),
            };
            if let Some(style) = style {
                ctx.runtime.insert("QueryStyle");
                quote!(.set_query_styled(#wire, &#value, #style))
            } else if display_list {
                quote!(.#each(#wire, #value))
            } else if display {
                quote!(.#single(#wire, #value))
            } else {
                // Structured values travel as JSON text.
                quote!(.#json(#wire, &#value))
            }
        }
        Location::Body => match &op.body {
            RequestBody::JsonFields => quote!(.set_field(#wire, &#value)),
            RequestBody::Raw { content_type } => {
                let content_type = lit(content_type);
                quote!(.set_bytes_body(#content_type, #value))
            }
            _ => quote!(.set_json_body(&#value)),
        },
        Location::FormFile => quote!(.set_form_file(#wire, #value)),
        Location::Form => match resolved {
            TypeRef::List(item) if index.is_display(item) => quote!(.set_form_text(#wire, #value)),
            _ if display => quote!(.set_form_text(#wire, [#value])),
            _ => quote!(.set_form_json(#wire, &#value)),
        },
    }
}
