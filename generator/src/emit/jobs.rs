//! Long-running jobs (`x-sdk-wait`): the job kind constant, the resource's `wait`/`watch` methods,
//! the reading builder's `wait()` and the creating builder's `and_wait()`.

use proc_macro2::TokenStream;
use quote::quote;

use super::resources::ModuleContext;
use super::{cfg_features, doc_attrs_raw, ident, lit, type_tokens};
use crate::features::enabled_by;
use crate::ir::{FieldPath, JobStart, Leaf, Operation, Resource, Wait};

/// The `JobKind` constant that tells the runtime how to read this kind of job.
pub fn kind_const(op: &Operation, wait: &Wait, ctx: &mut ModuleContext) -> TokenStream {
    ctx.runtime.insert("JobKind");
    ctx.imports.add(&wait.job);
    let name = ident(&wait.kind_const);
    let job = type_tokens(&wait.job);
    let status = status_reader(&wait.status);
    let progress = match &wait.progress {
        Some(path) => progress_reader(path),
        None => quote!(|_| None),
    };
    let (succeeded, failed, cancelled) = (&wait.succeeded, &wait.failed, &wait.cancelled);
    let doc = doc_attrs_raw(&format!("How the runtime reads the job that `{}` (`{} {}`) returns.", op.method_name, op.http_method.as_str(), op.path));
    quote! {
        #doc
        pub(crate) const #name: JobKind<#job> = JobKind {
            status: #status,
            progress: #progress,
            succeeded: &[#(#succeeded),*],
            failed: &[#(#failed),*],
            cancelled: &[#(#cancelled),*],
        };
    }
}

/// `impl Job for <job type>`: its status, typed, and its own error text. It goes beside the type, so
/// it compiles with it whichever of the features reading the job are on; the trait by its path, so
/// a type of the API called `Job` does not clash with it.
pub fn job_impl(wait: &Wait) -> TokenStream {
    let job = type_tokens(&wait.job);
    let status_type = type_tokens(&wait.status.ty);
    let status = field_ref(&wait.status, quote!(self));
    let error_text = wait.error.as_ref().map(|path| {
        let value = field_ref(path, quote!(self));
        let text = match path.leaf {
            Leaf::StringList => quote!(#value.map(|errors| errors.join("; "))),
            _ => quote!(#value.cloned()),
        };
        let doc = doc_attrs_raw(&format!("The job's `{}`, when set and not blank.", path.pointer.trim_start_matches('/').replace('/', ".")));
        quote! {
            #doc
            fn error_text(&self) -> Option<String> {
                #text.filter(|text| !text.trim().is_empty())
            }
        }
    });
    quote! {
        impl crate::runtime::Job for #job {
            type Status = #status_type;

            fn status(&self) -> Option<&#status_type> {
                #status
            }

            #error_text
        }
    }
}

/// The resource's `wait(id)` and `watch(id)`: the reading operation, polled.
pub fn resource_methods(op: &Operation, wait: &Wait, ctx: &mut ModuleContext) -> TokenStream {
    ctx.runtime.extend(["Waiter", "JobUpdates"]);
    let job = type_tokens(&wait.job);
    let method = ident(&op.method_name);
    let wait_method = ident(&wait.wait_method);
    let watch_method = ident(&wait.watch_method);
    let params: Vec<TokenStream> = op
        .inputs
        .iter()
        .filter(|i| i.required)
        .map(|input| {
            let name = ident(&input.rust_name);
            let (accepted, _) = ctx.accepted(input, &name);
            quote!(#name: #accepted)
        })
        .collect();
    let args: Vec<_> = op.inputs.iter().filter(|i| i.required).map(|i| ident(&i.rust_name)).collect();
    let wait_doc = doc_attrs_raw(&format!(
        "Waits for the job to end: polls [`{m}`](Self::{m}) until {status} and returns the job in its final state.\n\n\
         {outcomes}\n\n\
         {limit}\n\n\
         Await the returned [`Waiter`] to wait; set its poll interval, time limit and per-request options \
         first if the defaults do not suit. Use [`{watch}`](Self::{watch}) to follow the job's progress.",
        m = op.method_name,
        status = terminal_phrase(wait),
        outcomes = outcome_phrase(wait),
        limit = TIME_LIMIT,
        watch = wait.watch_method,
    ));
    let watch_doc = doc_attrs_raw(&format!(
        "Every state the job passes through (a new status{}), as a stream that ends with its final state; \
         see [`{w}`](Self::{w}).\n\n{limit} The stream takes the same settings as the wait \
         ([`JobUpdates::max_wait`], [`JobUpdates::poll_interval`], per-request options).",
        if wait.progress.is_some() { " or progress" } else { "" },
        w = wait.wait_method,
        limit = TIME_LIMIT,
    ));
    quote! {
        #wait_doc
        pub fn #wait_method(&self, #(#params),*) -> Waiter<#job> {
            self.#method(#(#args),*).wait()
        }

        #watch_doc
        pub fn #watch_method(&self, #(#params),*) -> JobUpdates<#job> {
            self.#method(#(#args),*).wait().updates()
        }
    }
}

/// What every generated wait says about its time limit.
const TIME_LIMIT: &str = "The wait gives up after one hour ([`DEFAULT_MAX_WAIT`](crate::runtime::DEFAULT_MAX_WAIT)) \
     with [`WaitError::TimedOut`](crate::runtime::WaitError::TimedOut), which carries the last state seen; the job goes on. \
     Set another limit with `.max_wait(..)`, or none with `.no_max_wait()`.";

/// `wait()` on the reading operation's builder.
pub fn builder_wait(wait: &Wait, resource_type: &str) -> TokenStream {
    let job = type_tokens(&wait.job);
    let kind = ident(&wait.kind_const);
    let doc = doc_attrs_raw(&format!("Polls this request until the job ends; see [`{resource_type}::{}`].\n\n{TIME_LIMIT}", wait.wait_method));
    quote! {
        #doc
        pub fn wait(self) -> Waiter<#job> {
            self.wait_job(#kind)
        }
    }
}

/// `and_wait()` on a creating operation's builder: send it, then poll the job its response names.
pub fn builder_and_wait(start: &JobStart, resource: &Resource, ctx: &mut ModuleContext) -> TokenStream {
    // A reading operation of a feature this operation's does not turn on is only there with it; then
    // so is this method, which names what it needs by path so the module's imports stay feature-free.
    let gate = match (&start.poll_feature, &resource.feature) {
        (Some(poll), Some(own)) if enabled_by(ctx.enables, own).contains(poll.as_str()) => TokenStream::new(),
        (Some(poll), _) => cfg_features(std::slice::from_ref(poll)),
        (None, _) => TokenStream::new(),
    };
    let own_module = resource.module_path.as_slice();
    let id_may_be_absent = start.id.last.optional || start.id.steps.iter().any(|step| step.optional);
    let job = type_tokens(&start.job);
    let (waiter, error, job) = if gate.is_empty() {
        ctx.runtime.insert("Waiter");
        if id_may_be_absent {
            ctx.runtime.insert("Error");
        }
        ctx.imports.add(&start.job);
        (quote!(Waiter), quote!(Error), job)
    } else {
        (quote!(crate::runtime::Waiter), quote!(crate::runtime::Error), quote!(crate::types::#job))
    };
    let module = start.poll_module.iter().map(|m| ident(m));
    let resource_path = if start.poll_module == own_module { quote!() } else { quote!(crate::resources::#(#module::)*) };
    let resource = ident(&start.poll_resource);
    let kind = ident(&start.kind_const);
    let poll_method = ident(&start.poll_method);
    let carried = start.carried.iter().map(|wire| lit(wire));
    let id = id_reader(&start.id, &error);
    let link = format!("crate::resources::{}{}::{}", start.poll_module.iter().map(|m| format!("{m}::")).collect::<String>(), start.poll_resource, start.poll_method);
    let doc = doc_attrs_raw(&format!(
        "Sends this request, then waits for the job it creates to end, reading it with [`{}.{}`]({link}); \
         see [`Waiter`] for the poll interval, time limit and per-request options. This request's options also apply to the polls.\n\n{TIME_LIMIT}",
        start.poll_module.join("."),
        start.poll_method,
    ));
    let job_id = if start.id.leaf == Leaf::String { quote!(id.clone()) } else { quote!(id.to_string()) };
    quote! {
        #doc
        #gate
        pub fn and_wait(self) -> #waiter<#job> {
            self.and_wait_job(#resource_path #kind, &[#(#carried),*], |client, created| {
                #id
                let job_id = #job_id;
                Ok((#resource_path #resource::new(client).#poll_method(id), job_id))
            })
        }
    }
}

/// "`status` is `completed`, `failed` or `cancelled`"
fn terminal_phrase(wait: &Wait) -> String {
    let all: Vec<String> = wait.succeeded.iter().chain(&wait.failed).chain(&wait.cancelled).map(|v| format!("`{v}`")).collect();
    let list = match all.as_slice() {
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
        [] => String::new(),
    };
    format!("`{}` is {list}", wait.status.pointer.trim_start_matches('/').replace('/', "."))
}

fn outcome_phrase(wait: &Wait) -> String {
    let quoted = |values: &[String]| {
        let values: Vec<String> = values.iter().map(|v| format!("`{v}`")).collect();
        match values.as_slice() {
            [init @ .., last] if !init.is_empty() => format!("{} or {last}", init.join(", ")),
            _ => values.concat(),
        }
    };
    let mut errors = Vec::new();
    if !wait.failed.is_empty() {
        errors.push(format!("{} is a [`WaitError::Failed`](crate::runtime::WaitError::Failed)", quoted(&wait.failed)));
    }
    if !wait.cancelled.is_empty() {
        errors.push(format!("{} a [`WaitError::Cancelled`](crate::runtime::WaitError::Cancelled)", quoted(&wait.cancelled)));
    }
    let mut text = format!("The job is returned once its status is {}", quoted(&wait.succeeded));
    if !errors.is_empty() {
        text.push_str(&format!("; {}, carrying the final job", errors.join(" and ")));
    }
    text.push('.');
    text
}

/// The path up to its last field, from `root`: a place (`job.a.b`) or, past an optional field, an
/// `Option<&T>` chain; and whether it is the latter.
fn prefix(path: &FieldPath, root: TokenStream) -> (TokenStream, bool) {
    let mut expr = root;
    let mut optional = false;
    for step in &path.steps {
        let name = ident(&step.rust_name);
        expr = match (optional, step.optional) {
            (false, false) => quote!(#expr.#name),
            (false, true) => quote!(#expr.#name.as_ref()),
            (true, false) => quote!(#expr.map(|v| &v.#name)),
            (true, true) => quote!(#expr.and_then(|v| v.#name.as_ref())),
        };
        optional |= step.optional;
    }
    (expr, optional)
}

/// The value `path` reaches from `root`, as an `Option<&T>`.
fn field_ref(path: &FieldPath, root: TokenStream) -> TokenStream {
    let (expr, through_option) = prefix(path, root);
    let last = ident(&path.last.rust_name);
    match (through_option, path.last.optional) {
        (false, false) => quote!(Some(&#expr.#last)),
        (false, true) => quote!(#expr.#last.as_ref()),
        (true, false) => quote!(#expr.map(|v| &v.#last)),
        (true, true) => quote!(#expr.and_then(|v| v.#last.as_ref())),
    }
}

/// `|job| ...` giving the status as `Option<&str>`.
fn status_reader(path: &FieldPath) -> TokenStream {
    let (expr, through_option) = prefix(path, quote!(job));
    let (last, last_optional) = (ident(&path.last.rust_name), path.last.optional);
    let body = match (through_option, last_optional, path.leaf) {
        (false, false, _) => quote!(Some(#expr.#last.as_str())),
        (false, true, Leaf::String) => quote!(#expr.#last.as_deref()),
        (false, true, _) => quote!(#expr.#last.as_ref().map(|v| v.as_str())),
        (true, false, _) => quote!(#expr.map(|v| v.#last.as_str())),
        (true, true, Leaf::String) => quote!(#expr.and_then(|v| v.#last.as_deref())),
        (true, true, _) => quote!(#expr.and_then(|v| v.#last.as_ref()).map(|v| v.as_str())),
    };
    quote!(|job| #body)
}

/// `|job| ...` giving the progress as `Option<f64>`.
fn progress_reader(path: &FieldPath) -> TokenStream {
    let (expr, through_option) = prefix(path, quote!(job));
    let (last, last_optional) = (ident(&path.last.rust_name), path.last.optional);
    let float = path.leaf == Leaf::Float;
    let body = match (through_option, last_optional, float) {
        (false, false, true) => quote!(Some(#expr.#last)),
        (false, false, false) => quote!(Some(#expr.#last as f64)),
        (false, true, true) => quote!(#expr.#last),
        (false, true, false) => quote!(#expr.#last.map(|v| v as f64)),
        (true, false, true) => quote!(#expr.map(|v| v.#last)),
        (true, false, false) => quote!(#expr.map(|v| v.#last as f64)),
        (true, true, true) => quote!(#expr.and_then(|v| v.#last)),
        (true, true, false) => quote!(#expr.and_then(|v| v.#last).map(|v| v as f64)),
    };
    quote!(|job| #body)
}

/// `let id = ...;` from the created resource `created`, failing with a decode error when it is absent.
fn id_reader(path: &FieldPath, error: &TokenStream) -> TokenStream {
    let (expr, through_option) = prefix(path, quote!(created));
    let (last, last_optional) = (ident(&path.last.rust_name), path.last.optional);
    if !through_option && !last_optional {
        return quote!(let id = created.#last;);
    }
    let found = match (through_option, last_optional) {
        (false, _) => quote!(#expr.#last.clone()),
        (true, false) => quote!(#expr.map(|v| v.#last.clone())),
        (true, true) => quote!(#expr.and_then(|v| v.#last.clone())),
    };
    let message = format!("the response has no job id at `{}`", path.pointer);
    quote! {
        let Some(id) = #found else {
            let body = serde_json::to_string(&created).unwrap_or_default();
            return Err(#error::Decode { message: #message.to_owned(), path: None, body });
        };
    }
}
