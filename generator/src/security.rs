//! Authentication: the spec's `components.securitySchemes` and `security` requirements, lowered to
//! the schemes the client can send (each with a builder setter and environment variables) and to
//! requirements as index sets (alternatives of schemes sent together).
//!
//! API keys go in a header, the query or a cookie; HTTP `basic` and `bearer` in `Authorization`;
//! OpenID Connect takes a bearer token the user obtains, and so does OAuth2, whose client
//! credentials flow the client can also run itself (for every scope the spec's requirements name).
//! Other HTTP schemes (digest, ...) cannot be sent: an alternative needing one is dropped, so it
//! is never chosen. A `mutualTLS` scheme (OpenAPI 3.1) is met by the TLS identity of the reqwest
//! client the user builds the SDK client with (`http_client(..)`): loading drops it from the
//! requirements, so there is nothing to send for it.

use heck::ToShoutySnakeCase;
use openapiv3::{APIKeyLocation, OpenAPI, ReferenceOr, SecurityRequirement, SecurityScheme};
use serde_json::Value;

use crate::ir::{AuthKind, Security, SecuritySchemeDef};
use crate::naming::{snake_name, Namespace};

/// Methods of the client builder that generated setters must not take.
pub const BUILDER_METHODS: &[&str] = &[
    "api_key", "base_url", "timeout", "max_retries", "retry_base_delay", "retry_max_delay", "default_header", "default_query",
    "http_client", "build", "credential", "default_param", "new",
];

/// The API's schemes and default requirement. `env` is the `x-sdk.env` map: `api-key` names the
/// main scheme's variable, a scheme's own name its variable (or `[user, password]` for basic).
pub fn lower(spec: &OpenAPI, crate_name: &str, env: Option<&Value>) -> Security {
    let declared: Vec<(&String, &SecurityScheme)> = spec
        .components
        .iter()
        .flat_map(|c| c.security_schemes.iter())
        .filter_map(|(name, scheme)| match scheme {
            ReferenceOr::Item(scheme) => Some((name, scheme)),
            ReferenceOr::Reference { .. } => None,
        })
        .filter(|(_, scheme)| kind(scheme).is_some())
        .collect();
    // Only the schemes some requirement uses; with no requirement anywhere, every declared scheme,
    // each optional.
    let requirements: Vec<&SecurityRequirement> = spec
        .security
        .iter()
        .flatten()
        .chain(spec.paths.iter().filter_map(|(_, item)| item.as_item()).flat_map(|item| item.iter()).flat_map(|(_, op)| op.security.iter().flatten()))
        .collect();
    let used = |name: &String| requirements.iter().any(|r| r.contains_key(name));
    let any_requirement = !requirements.is_empty();
    let schemes: Vec<(&String, &SecurityScheme)> = declared.into_iter().filter(|(name, _)| !any_requirement || used(name)).collect();

    let mut security = Security { schemes: Vec::new(), default: Vec::new() };
    for (name, scheme) in &schemes {
        let Some(mut kind) = kind(scheme) else { continue };
        if let AuthKind::OAuth2 { scopes, .. } = &mut kind {
            for scope in requirements.iter().filter_map(|r| r.get(*name)).flatten() {
                if !scopes.contains(scope) {
                    scopes.push(scope.clone());
                }
            }
        }
        security.schemes.push(SecuritySchemeDef {
            name: name.to_string(),
            kind,
            // The setter's first choice: what the scheme takes; named for real in `name_setters`.
            setter: setter_base(name, scheme),
            flow_setter: None,
            env: Vec::new(),
            description: description(scheme),
        });
    }
    security.default = match &spec.security {
        Some(requirements) => requirement(requirements, &security),
        None if any_requirement => Vec::new(),
        // No requirement anywhere: each scheme is offered, none is required.
        None => (0..security.schemes.len()).map(|i| vec![i]).chain([Vec::new()]).collect(),
    };
    name_setters(&mut security, crate_name, env);
    security
}

/// An operation's own requirement, when it has one: index sets of the API's schemes.
pub fn operation_requirement(op: &openapiv3::Operation, security: &Security) -> Option<Vec<Vec<usize>>> {
    op.security.as_ref().map(|requirements| requirement(requirements, security))
}

/// Alternatives as index sets. An alternative naming a scheme the client cannot send is dropped;
/// if that leaves none of a non-empty list, the requirement is treated as open (nothing to send).
fn requirement(requirements: &[SecurityRequirement], security: &Security) -> Vec<Vec<usize>> {
    let index = |name: &String| security.schemes.iter().position(|s| &s.name == name);
    let alternatives: Vec<Vec<usize>> = requirements.iter().filter_map(|r| r.keys().map(index).collect::<Option<Vec<usize>>>()).collect();
    if alternatives.is_empty() && !requirements.is_empty() {
        return vec![Vec::new()];
    }
    alternatives
}

fn kind(scheme: &SecurityScheme) -> Option<AuthKind> {
    match scheme {
        SecurityScheme::APIKey { location, name, .. } => Some(match location {
            APIKeyLocation::Header => AuthKind::Header(name.clone()),
            APIKeyLocation::Query => AuthKind::Query(name.clone()),
            APIKeyLocation::Cookie => AuthKind::Cookie(name.clone()),
        }),
        SecurityScheme::HTTP { scheme, .. } if scheme.eq_ignore_ascii_case("bearer") => Some(AuthKind::Bearer),
        SecurityScheme::HTTP { scheme, .. } if scheme.eq_ignore_ascii_case("basic") => Some(AuthKind::Basic),
        SecurityScheme::HTTP { .. } => None,
        SecurityScheme::OAuth2 { flows, .. } => {
            Some(AuthKind::OAuth2 { token_url: flows.client_credentials.as_ref().map(|flow| flow.token_url.clone()), scopes: Vec::new() })
        }
        SecurityScheme::OpenIDConnect { .. } => Some(AuthKind::Bearer),
    }
}

/// The setter a scheme would like: `basic_auth`, `bearer_token`, `oauth_token`,
/// `openid_connect_token`, or an API key's scheme name.
fn setter_base(name: &str, scheme: &SecurityScheme) -> String {
    match scheme {
        SecurityScheme::APIKey { .. } => snake_name(name),
        SecurityScheme::HTTP { scheme, .. } if scheme.eq_ignore_ascii_case("basic") => "basic_auth".to_owned(),
        SecurityScheme::HTTP { .. } => "bearer_token".to_owned(),
        SecurityScheme::OAuth2 { .. } => "oauth_token".to_owned(),
        SecurityScheme::OpenIDConnect { .. } => "openid_connect_token".to_owned(),
    }
}

fn description(scheme: &SecurityScheme) -> Option<String> {
    match scheme {
        SecurityScheme::APIKey { description, .. }
        | SecurityScheme::HTTP { description, .. }
        | SecurityScheme::OAuth2 { description, .. }
        | SecurityScheme::OpenIDConnect { description, .. } => description.clone().filter(|d| !d.trim().is_empty()),
    }
}

/// The main scheme (the first secret of the default requirement, else of all) is set with the
/// builder's `api_key`; the others get a setter named for what they take (`basic_auth`,
/// `bearer_token`, `oauth_token`) or, for API keys, for the scheme, and a second scheme of a kind
/// is prefixed with its scheme's name. Variables are `<CRATE>_<SETTER>`, or
/// `<CRATE>_USERNAME`/`_PASSWORD` for basic, unless `x-sdk.env` names them.
fn name_setters(security: &mut Security, crate_name: &str, env: Option<&Value>) {
    let secret = |s: &SecuritySchemeDef| s.kind != AuthKind::Basic;
    let primary = security
        .default
        .iter()
        .flatten()
        .copied()
        .find(|i| secret(&security.schemes[*i]))
        .or_else(|| security.schemes.iter().position(secret));
    let prefix = crate_name.to_shouty_snake_case();
    let mut setters = Namespace::with_reserved(BUILDER_METHODS);
    for (index, scheme) in security.schemes.iter_mut().enumerate() {
        let named = env.and_then(|e| e.get(&scheme.name));
        let named: Vec<String> = match named {
            Some(Value::String(var)) => vec![var.clone()],
            Some(Value::Array(vars)) => vars.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
            _ => Vec::new(),
        };
        let flow = matches!(scheme.kind, AuthKind::OAuth2 { token_url: Some(_), .. });
        if flow {
            scheme.flow_setter = Some(if setters.is_taken("client_credentials") {
                setters.claim(&format!("{}_client_credentials", snake_name(&scheme.name)))
            } else {
                setters.claim("client_credentials")
            });
        }
        // A flow's client id and secret: `<CRATE>_CLIENT_ID`/`_SECRET`, prefixed like its setter.
        let flow_env = |setter: &str| {
            let stem = if setter == "client_credentials" { prefix.clone() } else { format!("{prefix}_{}", setter.trim_end_matches("_client_credentials").to_shouty_snake_case()) };
            [format!("{stem}_CLIENT_ID"), format!("{stem}_CLIENT_SECRET")]
        };
        if Some(index) == primary {
            scheme.setter = "api_key".to_owned();
            let var = env.and_then(|e| e.get("api-key")).and_then(Value::as_str).map(str::to_owned);
            scheme.env = if named.is_empty() { vec![var.unwrap_or_else(|| format!("{prefix}_API_KEY"))] } else { named };
            if let Some(setter) = scheme.flow_setter.as_deref().filter(|_| scheme.env.len() == 1) {
                scheme.env.extend(flow_env(setter));
            }
            continue;
        }
        // A second scheme of one kind is told apart by its name (`admin_basic_auth`).
        let base = std::mem::take(&mut scheme.setter);
        let named_base = if base == snake_name(&scheme.name) { base.clone() } else { format!("{}_{base}", snake_name(&scheme.name)) };
        scheme.setter = if setters.is_taken(&base) { setters.claim(&named_base) } else { setters.claim(&base) };
        scheme.env = if !named.is_empty() {
            named
        } else if scheme.kind == AuthKind::Basic {
            let stem = if scheme.setter == "basic_auth" { prefix.clone() } else { format!("{prefix}_{}", scheme.setter.to_shouty_snake_case()) };
            vec![format!("{stem}_USERNAME"), format!("{stem}_PASSWORD")]
        } else {
            let mut vars = vec![format!("{prefix}_{}", scheme.setter.to_shouty_snake_case())];
            if let Some(setter) = &scheme.flow_setter {
                vars.extend(flow_env(setter));
            }
            vars
        };
    }
}
