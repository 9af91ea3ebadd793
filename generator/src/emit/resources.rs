//! `src/resources/**.rs`: one module per resource, holding its handle type, its operation methods and
//! one request builder per operation.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::quote;

use super::types::object_encode;
use super::{before_each_item, cfg_features, jobs, doc_attrs, doc_text, ident, lit, ordered_uses, type_tokens, Emitted, Imports, Source, TypeIndex};
use crate::features::module_features;
use crate::error::Error;
use crate::ir::{Api, ClientParam, Input, Location, Operation, PageScheme, QueryStyle, RequestBody, Resource, ResponseKind, TypeRef};

pub fn emit(api: &Api, index: &TypeIndex, files: &mut Emitted) -> Result<(), Error> {
    let enables: BTreeMap<String, Vec<String>> = api.features.iter().map(|f| (f.name.clone(), f.enables.clone())).collect();
    emit_resource(&api.root, index, &api.client_params, &enables, files)
}

fn emit_resource(resource: &Resource, index: &TypeIndex, client_params: &[ClientParam], enables: &BTreeMap<String, Vec<String>>, files: &mut Emitted) -> Result<(), Error> {
    let is_root = resource.module_path.is_empty();
    let path = if is_root { "src/resources/mod.rs".to_string() } else { format!("src/resources/{}.rs", resource.module_path.join("/")) };
    let mut ctx = ModuleContext { index, client_params, enables, runtime: BTreeSet::new(), imports: Imports::default(), encode: false, bytes: false };

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
    let child_modules = resource.children.iter().map(|c| {
        let module = ident(c.module_path.last().map(String::as_str).unwrap_or_default());
        let doc = doc_attrs(&resource_summary(c));
        let gate = gate(c);
        quote!(#doc #gate pub mod #module;)
    });
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
    if !resource.operations.is_empty() {
        uses.extend(quote!(use std::future::IntoFuture;));
    }
    if ctx.bytes {
        uses.extend(quote!(use bytes::Bytes;));
    }
    if ctx.encode {
        uses.extend(quote!(use std::fmt; use serde::{Serialize, Serializer};));
        ctx.runtime.extend(["debug_object", "serialize_object", "EncodeObject", "FieldWriter"]);
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
        emit_resource(child, index, client_params, enables, files)?;
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
    /// Parameters the client may hold a value of (`x-sdk.client-params`).
    client_params: &'i [ClientParam],
    /// The features each cargo feature turns on.
    pub(super) enables: &'i BTreeMap<String, Vec<String>>,
    /// Names imported from `crate::runtime`.
    pub(super) runtime: BTreeSet<&'static str>,
    pub(super) imports: Imports,
    encode: bool,
    bytes: bool,
}

impl ModuleContext<'_, '_> {
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

/// The value an operation's builder resolves to, and the runtime call that produces its `Response`.
fn response_parts(op: &Operation, ctx: &mut ModuleContext) -> (TokenStream, TokenStream) {
    match &op.response {
        ResponseKind::Empty => (quote!(()), quote!(ResponseFuture::empty(self.into_request()))),
        ResponseKind::Bytes => {
            ctx.bytes = true;
            (quote!(Bytes), quote!(ResponseFuture::bytes(self.into_request())))
        }
        ResponseKind::Json(ty) => {
            ctx.imports.add(ty);
            if contains_datetime(ty) {
                ctx.runtime.insert("Timestamp");
            }
            let ty = type_tokens(ty);
            (ty, quote!(ResponseFuture::json(self.into_request())))
        }
        ResponseKind::Paginated { page, scheme, .. } => {
            ctx.imports.add(page);
            ctx.runtime.insert("Page");
            let page = type_tokens(page);
            let scheme = scheme_tokens(scheme, ctx);
            (quote!(Page<#page>), quote!(ResponseFuture::page(self.into_request(), #scheme)))
        }
        ResponseKind::EventStream(event) => {
            ctx.imports.add(event);
            ctx.runtime.insert("EventStream");
            let send = if ctx.index.is_tagged_union(event) {
                quote!(ResponseFuture::tagged_event_stream(self.into_request()))
            } else {
                quote!(ResponseFuture::event_stream(self.into_request()))
            };
            let event = type_tokens(event);
            (quote!(EventStream<#event>), send)
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
    let mut field_inits = Vec::new();
    let mut body_inits = Vec::new();
    for input in &op.inputs {
        let name = ident(&input.rust_name);
        if input.required {
            let (accepted, convert) = ctx.accepted(input, &name);
            params.push(quote!(#name: #accepted));
            let shorthand = name == convert.to_string();
            let init = if shorthand { quote!(#name,) } else { quote!(#name: #convert,) };
            if is_json_body_field(op, input) {
                body_inits.push(init);
            } else {
                field_inits.push(init);
            }
        } else if is_json_body_field(op, input) {
            body_inits.push(quote!(#name: None,));
        } else {
            field_inits.push(quote!(#name: None,));
        }
    }
    if matches!(op.body, RequestBody::JsonFields) {
        let body_type = ident(&body_type_name(op));
        field_inits.push(quote!(body: #body_type { #(#body_inits)* },));
    }
    ctx.runtime.insert("RequestOptions");
    // Every required input is an argument, as the spec has them; clippy counts `self` too.
    let many = (params.len() + 1 > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    quote! {
        #doc
        #many
        pub fn #method(&self, #(#params),*) -> #builder {
            #builder {
                client: self.client.clone(),
                options: RequestOptions::default(),
                #(#field_inits)*
            }
        }
    }
}

fn location_noun(location: Location) -> &'static str {
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

fn body_type_name(op: &Operation) -> String {
    format!("{}Body", op.builder_name)
}

fn builder(op: &Operation, resource: &Resource, ctx: &mut ModuleContext) -> TokenStream {
    let builder = ident(&op.builder_name);
    let (output, call) = response_parts(op, ctx);
    ctx.runtime.extend(["ApiRequest", "Client", "DataFuture", "Result", "RequestOptions", "ResponseFuture", "Method"]);

    // Fields: builder-level inputs, plus the JSON body struct when the body is an object.
    let mut fields = Vec::new();
    let mut body_fields = Vec::new();
    let mut setters = Vec::new();
    for input in &op.inputs {
        let name = ident(&input.rust_name);
        let stored = ctx.stored_type(input);
        let in_body = is_json_body_field(op, input);
        let nullable = in_body && input.nullable && !input.required;
        if nullable {
            ctx.runtime.insert("Nullable");
        }
        let field_ty = match (input.required, nullable) {
            (true, _) => stored.clone(),
            (false, true) => quote!(Option<Nullable<#stored>>),
            (false, false) => quote!(Option<#stored>),
        };
        if in_body {
            body_fields.push((name.clone(), field_ty, input));
        } else {
            fields.push(quote!(#name: #field_ty,));
        }
        if !input.required {
            let target = if in_body { quote!(self.body.#name) } else { quote!(self.#name) };
            let (accepted, convert) = ctx.accepted(input, &name);
            let value = if nullable { quote!(Nullable::Value(#convert)) } else { convert };
            let doc = doc_attrs(input.description.as_deref().unwrap_or(&format!("Sets the `{}` {}.", input.wire_name, location_noun(input.location))));
            setters.push(quote! {
                #doc
                pub fn #name(mut self, #name: #accepted) -> Self {
                    #target = Some(#value);
                    self
                }
            });
            if nullable {
                let null_setter = ident(&format!("{}_null", input.rust_name.trim_end_matches('_')));
                let doc = doc_attrs(&format!("Sends `{}` as an explicit `null`, clearing it.", input.wire_name));
                setters.push(quote! {
                    #doc
                    pub fn #null_setter(mut self) -> Self {
                        #target = Some(Nullable::Null);
                        self
                    }
                });
            }
        }
    }
    let body_struct = (!body_fields.is_empty() || matches!(op.body, RequestBody::JsonFields)).then(|| {
        ctx.encode = true;
        let body_type = ident(&body_type_name(op));
        fields.push(quote!(body: #body_type,));
        let declared = body_fields.iter().map(|(name, ty, _)| quote!(#name: #ty,));
        let encode = object_encode(&body_type, body_fields.iter().map(|(_, _, input)| (input.rust_name.as_str(), input.wire_name.as_str(), input.required)));
        quote! {
            struct #body_type {
                #(#declared)*
            }

            #encode
        }
    });

    let request = build_request(op, ctx);
    let doc = doc_attrs(&format!(
        "Request builder for `{} {}`{}. Await it to send the request; optional inputs and per-request options are its methods.",
        op.http_method.as_str(),
        op.path,
        op.summary.as_deref().map(|s| format!(" ({})", s.trim().trim_end_matches('.'))).unwrap_or_default()
    ));
    let send_doc = match &op.response {
        ResponseKind::Paginated { .. } => " Sends the request and returns the first page; see [`items`](Self::items) to iterate over every item.",
        ResponseKind::EventStream(_) => " Sends the request and returns the stream of server-sent events.",
        _ => " Sends the request and returns the decoded response.",
    };
    let items_method = match &op.response {
        ResponseKind::Paginated { page, scheme, .. } => {
            ctx.runtime.insert("ItemStream");
            let page = type_tokens(page);
            let scheme = scheme_tokens(scheme, ctx);
            Some(quote! {
                /// Every item across all pages, as a stream that fetches one page at a time as it is consumed.
                pub fn items(self) -> ItemStream<#page> {
                    match self.into_request() {
                        Ok((client, request)) => client.stream_items(request, #scheme),
                        Err(error) => ItemStream::failed(error),
                    }
                }
            })
        }
        _ => None,
    };
    let wait_method = op.wait.as_ref().map(|wait| jobs::builder_wait(wait, &resource.type_name));
    let and_wait_method = op.starts_job.as_ref().map(|start| jobs::builder_and_wait(start, resource, ctx));
    // A job's reading request is also built by the creating operation's `and_wait`, maybe elsewhere.
    let into_request_vis = if op.wait.is_some() { quote!(pub(crate)) } else { TokenStream::new() };
    quote! {
        #doc
        #[derive(Debug)]
        #[must_use = "a request does nothing until it is awaited"]
        pub struct #builder {
            client: Client,
            options: RequestOptions,
            #(#fields)*
        }

        #body_struct

        impl #builder {
            #(#setters)*

            crate::runtime::request_options!();

            #[doc = #send_doc]
            pub fn send(self) -> DataFuture<#output> {
                self.with_response().data()
            }

            /// Sends the request and returns the decoded response with its status and headers.
            pub fn with_response(self) -> ResponseFuture<#output> {
                #call
            }

            #items_method
            #wait_method
            #and_wait_method

            #into_request_vis fn into_request(self) -> Result<(Client, ApiRequest)> {
                #request
            }
        }

        impl IntoFuture for #builder {
            type Output = Result<#output>;
            type IntoFuture = DataFuture<#output>;

            fn into_future(self) -> Self::IntoFuture {
                self.send()
            }
        }
    }
}

/// A scalar passed by value where it is written as text (a borrow of it is needless).
fn is_copied(ty: &TypeRef) -> bool {
    matches!(ty, TypeRef::Integer | TypeRef::UnsignedInteger | TypeRef::Float | TypeRef::Boolean | TypeRef::DateTime)
}

/// The body of `into_request`: path, query, headers, body and options.
fn build_request(op: &Operation, ctx: &mut ModuleContext) -> TokenStream {
    let index = ctx.index;
    // Path: each parameter encoded into a local, then the template with `{name}` as inline format args.
    let mut path_locals = Vec::new();
    for input in op.inputs.iter().filter(|i| i.location == Location::Path) {
        ctx.runtime.insert("path_param");
        let name = ident(&input.rust_name);
        let wire = lit(&input.wire_name);
        let value = if is_copied(index.resolve(&input.ty)) {
            quote!(self.#name)
        } else if index.is_display(&input.ty) {
            quote!(&self.#name)
        } else {
            quote!(serde_json::to_string(&self.#name).map_err(crate::runtime::Error::serialize)?)
        };
        path_locals.push(quote!(let #name = path_param(#wire, #value)?;));
    }
    let mut format_string = String::new();
    let mut rest = op.path.as_str();
    while let Some(start) = rest.find('{') {
        let Some(end) = rest[start..].find('}') else { break };
        format_string.push_str(&rest[..start]);
        let wire = &rest[start + 1..start + end];
        let rust_name = op.inputs.iter().find(|i| i.location == Location::Path && i.wire_name == wire).map_or(wire, |i| i.rust_name.as_str());
        format_string.push_str(&format!("{{{rust_name}}}"));
        rest = &rest[start + end + 1..];
    }
    format_string.push_str(rest);
    let path = if path_locals.is_empty() {
        let path = lit(&op.path);
        quote!(#path)
    } else {
        let format_string = lit(&format_string);
        quote!(format!(#format_string))
    };
    let method = ident(op.http_method.as_str());

    let mut statements = Vec::new();
    for input in &op.inputs {
        let name = ident(&input.rust_name);
        let wire = lit(&input.wire_name);
        let (single, single_opt, each) = match input.location {
            Location::Query => (quote!(query), quote!(query_opt), quote!(query_each)),
            Location::Header => (quote!(header), quote!(header_opt), quote!(header_each)),
            Location::Cookie => (quote!(cookie), quote!(cookie_opt), quote!(cookie_each)),
            _ => continue,
        };
        let resolved = index.resolve(&input.ty);
        // A query list or object in a style other than JSON text or repeated names; a scalar is
        // itself in every style.
        let display_list = matches!(resolved, TypeRef::List(item) if index.is_display(item));
        let style = match input.style {
            _ if input.location != Location::Query || index.is_display(&input.ty) => None,
            QueryStyle::Json => None,
            QueryStyle::Form { explode: true } if display_list => None,
            QueryStyle::Form { explode } => Some(quote!(QueryStyle::Form { explode: #explode })),
            QueryStyle::SpaceDelimited => Some(quote!(QueryStyle::SpaceDelimited)),
            QueryStyle::PipeDelimited => Some(quote!(QueryStyle::PipeDelimited)),
            QueryStyle::DeepObject => Some(quote!(QueryStyle::DeepObject)),
        };
        let statement = match resolved {
            _ if style.is_some() => {
                ctx.runtime.insert("QueryStyle");
                if input.required {
                    quote!(request.query_styled(#wire, &self.#name, #style)?;)
                } else {
                    quote!(if let Some(value) = &self.#name { request.query_styled(#wire, value, #style)?; })
                }
            }
            TypeRef::List(item) if index.is_display(item) => {
                if input.required {
                    quote!(request.#each(#wire, &self.#name);)
                } else {
                    quote!(if let Some(values) = &self.#name { request.#each(#wire, values); })
                }
            }
            _ if index.is_display(&input.ty) => {
                if input.required && is_copied(resolved) {
                    quote!(request.#single(#wire, self.#name);)
                } else if input.required {
                    quote!(request.#single(#wire, &self.#name);)
                } else {
                    quote!(request.#single_opt(#wire, self.#name.as_ref());)
                }
            }
            // Structured values travel as JSON text.
            _ => {
                let json_method = match input.location {
                    Location::Query => quote!(query_json),
                    Location::Cookie => quote!(cookie_json),
                    _ => quote!(header_json),
                };
                if input.required {
                    quote!(request.#json_method(#wire, &self.#name)?;)
                } else {
                    quote!(if let Some(value) = &self.#name { request.#json_method(#wire, value)?; })
                }
            }
        };
        statements.push(statement);
        // A shared parameter the request leaves unset takes the client's value, if it has one.
        if !input.required && ctx.client_params.iter().any(|p| p.wire_name == input.wire_name && p.location == input.location) {
            statements.push(quote!(if self.#name.is_none() { request.#single_opt(#wire, self.client.default_param(#wire)); }));
        }
    }

    let body = match &op.body {
        RequestBody::None => TokenStream::new(),
        RequestBody::JsonFields => quote!(request.json(&self.body)?;),
        RequestBody::JsonValue => {
            let input = op.inputs.iter().find(|i| i.location == Location::Body).map(|i| ident(&i.rust_name));
            quote!(request.json(&self.#input)?;)
        }
        RequestBody::Raw { content_type } => {
            let input = op.inputs.iter().find(|i| i.location == Location::Body).map(|i| ident(&i.rust_name));
            let content_type = lit(content_type);
            quote!(request.bytes(#content_type, self.#input);)
        }
        RequestBody::Multipart | RequestBody::FormUrlEncoded => {
            let multipart = matches!(op.body, RequestBody::Multipart);
            if multipart {
                ctx.runtime.insert("MultipartForm");
            }
            let parts = op.inputs.iter().filter(|i| matches!(i.location, Location::Form | Location::FormFile)).map(|input| {
                let name = ident(&input.rust_name);
                let wire = lit(&input.wire_name);
                let add = |value: TokenStream| -> TokenStream {
                    if input.location == Location::FormFile {
                        quote!(form = form.file(#wire, #value);)
                    } else if multipart {
                        quote!(form = form.text(#wire, #value);)
                    } else {
                        quote!(form.push((#wire.to_string(), #value));)
                    }
                };
                let resolved = index.resolve(&input.ty);
                let text = |v: TokenStream| -> TokenStream {
                    if input.location == Location::FormFile {
                        v
                    } else if index.is_display(&input.ty) {
                        quote!(#v.to_string())
                    } else {
                        quote!(serde_json::to_string(&#v).map_err(crate::runtime::Error::serialize)?)
                    }
                };
                match resolved {
                    TypeRef::List(item) if index.is_display(item) && input.location == Location::Form => {
                        let each = add(quote!(value.to_string()));
                        if input.required {
                            quote!(for value in self.#name { #each })
                        } else {
                            quote!(for value in self.#name.into_iter().flatten() { #each })
                        }
                    }
                    _ => {
                        if input.required {
                            add(text(quote!(self.#name)))
                        } else {
                            let statement = add(text(quote!(value)));
                            quote!(if let Some(value) = self.#name { #statement })
                        }
                    }
                }
            }).collect::<Vec<_>>();
            // A form the spec gives no fields is sent empty.
            let form = if parts.is_empty() { quote!(form) } else { quote!(mut form) };
            if multipart {
                quote! {
                    let #form = MultipartForm::new();
                    #(#parts)*
                    request.multipart(form);
                }
            } else {
                quote! {
                    let #form: Vec<(String, String)> = Vec::new();
                    #(#parts)*
                    request.form(form);
                }
            }
        }
    };
    // An operation whose own `security` differs from the API's default says what it requires.
    let security = op.security.as_ref().map(|requirement| {
        let requirement = super::crate_files::requirement_tokens(requirement);
        quote!(request.security = Some(#requirement);)
    });
    let accept = op.accept.as_deref().map(|media| quote!(request.accept = Some(#media);));
    quote! {
        #(#path_locals)*
        let mut request = ApiRequest::new(Method::#method, #path);
        #security
        #accept
        #(#statements)*
        #body
        request.options = self.options;
        Ok((self.client, request))
    }
}
