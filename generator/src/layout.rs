//! Where each type lives: beside the resource that uses it, so a reader of one resource finds its types
//! together (`types/beta/retrieval.rs`), and types several resources share one level up.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use crate::ir::{Resource, TypeDef, TypeKind, TypeRef};
use crate::naming::snake_name;

/// The cargo feature of types that no operation reaches.
pub const STANDALONE_FEATURE: &str = "standalone-types";

/// About how many lines one types file may hold before its larger groups move to files of their own.
const FILE_LINE_BUDGET: usize = 1_200;

/// The module of types no single top-level resource owns: `shared`, unless a resource has that name.
pub fn shared_module(root: &Resource) -> String {
    let taken = |name: &str| root.children.iter().any(|c| c.module_path.last().is_some_and(|m| m == name));
    ["shared", "shared_types"].into_iter().find(|n| !taken(n)).map_or_else(|| "shared_types_".to_string(), str::to_string)
}

/// Sets every type's `module`, the longest module path common to all resources whose operations reach
/// it (through fields, variants and aliases), or the shared module when that is the client itself;
/// and its `features`, the top-level resources that reach it ([`STANDALONE_FEATURE`] when none does).
pub fn place_types(root: &Resource, types: &mut [TypeDef]) {
    let index: HashMap<&str, usize> = types.iter().enumerate().map(|(i, t)| (t.name.as_str(), i)).collect();
    let mut home: Vec<Option<Vec<String>>> = vec![None; types.len()];
    // Top-level resources reaching each type; `None` once the client's own operations do.
    let mut users: Vec<Option<BTreeSet<String>>> = vec![Some(BTreeSet::new()); types.len()];
    let mut visit = |resource: &Resource| {
        let mut reached = vec![false; types.len()];
        let mut stack: Vec<usize> = Vec::new();
        for op in &resource.operations {
            stack.extend(op.type_refs().flat_map(TypeRef::named).filter_map(|name| index.get(name).copied()));
        }
        while let Some(i) = stack.pop() {
            if std::mem::replace(&mut reached[i], true) {
                continue;
            }
            stack.extend(types[i].references().filter_map(|name| index.get(name).copied()));
        }
        for (i, reached) in reached.into_iter().enumerate() {
            if reached {
                match (resource.module_path.first(), &mut users[i]) {
                    (Some(top), Some(set)) => {
                        set.insert(top.clone());
                    }
                    (None, slot) => *slot = None,
                    (Some(_), None) => {}
                }
                home[i] = Some(match home[i].take() {
                    None => resource.module_path.clone(),
                    Some(path) => common_prefix(&path, &resource.module_path),
                });
            }
        }
    };
    root.walk(&mut visit);
    let shared = shared_module(root);
    // Types no operation reaches (webhook payloads, say) have a feature of their own; what a type
    // refers to compiles whenever the type does.
    for set in users.iter_mut().flatten().filter(|set| set.is_empty()) {
        set.insert(STANDALONE_FEATURE.to_string());
    }
    let mut stack: Vec<usize> = (0..types.len()).collect();
    while let Some(i) = stack.pop() {
        for name in types[i].references() {
            let Some(&j) = index.get(name) else { continue };
            let grown = match (users[i].clone(), &mut users[j]) {
                (_, None) => false,
                (None, slot) => {
                    *slot = None;
                    true
                }
                (Some(from), Some(to)) => {
                    let before = to.len();
                    to.extend(from);
                    to.len() > before
                }
            };
            if grown {
                stack.push(j);
            }
        }
    }
    let features_defined = root.children.len() + usize::from(users.iter().flatten().any(|set| set.contains(STANDALONE_FEATURE)));
    for ((def, home), users) in types.iter_mut().zip(home).zip(users) {
        def.module = home.filter(|path| !path.is_empty()).unwrap_or_else(|| vec![shared.clone()]);
        def.features = users.filter(|set| set.len() < features_defined).map(|set| set.into_iter().collect()).unwrap_or_default();
        // A top-level resource's modules compile only with its feature: a type other features (or
        // none) need too moves to the shared module.
        if def.module[0] != shared && def.features != def.module[..1] {
            def.module = vec![shared.clone()];
        }
    }
    // Before splitting: the setters of types users build count towards a module's size.
    mark_inputs(root, types);
    split_large_modules(root, types);
}

/// Sets `input` on every type an operation's inputs reach.
fn mark_inputs(root: &Resource, types: &mut [TypeDef]) {
    let index: HashMap<&str, usize> = types.iter().enumerate().map(|(i, t)| (t.name.as_str(), i)).collect();
    let mut stack: Vec<usize> = Vec::new();
    root.walk(&mut |resource: &Resource| {
        let names = resource.operations.iter().flat_map(|op| &op.inputs).flat_map(|input| input.ty.named());
        stack.extend(names.filter_map(|name| index.get(name).copied()));
    });
    let mut input = vec![false; types.len()];
    while let Some(i) = stack.pop() {
        if !std::mem::replace(&mut input[i], true) {
            stack.extend(types[i].references().filter_map(|name| index.get(name).copied()));
        }
    }
    for (def, input) in types.iter_mut().zip(input) {
        def.input = input;
    }
}

/// Keeps files readable: in a module whose types would fill more than [`FILE_LINE_BUDGET`] lines, the
/// largest groups (a type no other type of the module uses, with the types only it uses) move to a
/// submodule named after that type (`types/beta/batch/batch_parse_job_config.rs`), until the rest fits;
/// if it still does not, the rest is cut into runs in name order (`types/shared/account_etc.rs`).
fn split_large_modules(root: &Resource, types: &mut [TypeDef]) {
    let mut resource_modules = HashSet::new();
    root.walk(&mut |r: &Resource| {
        resource_modules.insert(r.module_path.clone());
    });
    let mut modules: BTreeMap<Vec<String>, Vec<usize>> = BTreeMap::new();
    for (i, def) in types.iter().enumerate() {
        modules.entry(def.module.clone()).or_default().push(i);
    }
    // (module, its members, the type it is named after when an earlier split made it)
    let mut work: Vec<(Vec<String>, Vec<usize>, Option<usize>)> = modules.into_iter().map(|(m, members)| (m, members, None)).collect();
    while let Some((module, members, owner)) = work.pop() {
        let mut remaining: usize = members.iter().map(|&i| estimated_lines(&types[i])).sum();
        if remaining <= FILE_LINE_BUDGET {
            continue;
        }
        let local: HashMap<&str, usize> = members.iter().map(|&i| (types[i].name.as_str(), i)).collect();
        let uses = |i: usize| -> Vec<usize> { types[i].references().filter_map(|n| local.get(n).copied()).collect() };
        // The type a module is named after stays in it; what it is made of may move further down.
        let used_by_others: HashSet<usize> =
            members.iter().filter(|&&i| Some(i) != owner).flat_map(|&i| uses(i).into_iter().filter(move |&j| j != i)).collect();
        let roots: Vec<usize> = members.iter().copied().filter(|&i| Some(i) != owner && !used_by_others.contains(&i)).collect();
        let mut reached_by: HashMap<usize, Vec<usize>> = HashMap::new();
        for &root_type in &roots {
            let mut seen = HashSet::new();
            let mut stack = vec![root_type];
            while let Some(i) = stack.pop() {
                if Some(i) != owner && seen.insert(i) {
                    reached_by.entry(i).or_default().push(root_type);
                    stack.extend(uses(i));
                }
            }
        }
        let groups: Vec<(usize, Vec<usize>)> = roots
            .iter()
            .map(|&r| (r, members.iter().copied().filter(|i| reached_by.get(i).is_some_and(|by| by == &[r])).collect()))
            .collect();
        let size = |group: &[usize]| group.iter().map(|&i| estimated_lines(&types[i])).sum::<usize>();
        let mut groups: Vec<(usize, Vec<usize>, usize)> = groups.into_iter().map(|(r, g)| { let n = size(&g); (r, g, n) }).collect();
        groups.sort_by(|(a, _, a_size), (b, _, b_size)| b_size.cmp(a_size).then_with(|| types[*a].name.cmp(&types[*b].name)));
        for (root_type, group, group_size) in groups {
            if remaining <= FILE_LINE_BUDGET || group.len() < 2 {
                break;
            }
            remaining -= group_size;
            let mut submodule = module.clone();
            submodule.push(snake_name(&types[root_type].name));
            if resource_modules.contains(&submodule) {
                let last = submodule.pop().unwrap_or_default();
                submodule.push(format!("{last}_types"));
            }
            for &i in &group {
                types[i].module.clone_from(&submodule);
            }
            work.push((submodule, group, Some(root_type)));
        }
        // What is still too much (types used across groups, and singletons) is cut into runs of
        // types in name order, each module named after its first type.
        if remaining > FILE_LINE_BUDGET {
            let mut rest: Vec<usize> = members.iter().copied().filter(|&i| types[i].module == module && Some(i) != owner).collect();
            rest.sort_by(|&a, &b| types[a].name.cmp(&types[b].name));
            let mut chunk: Vec<usize> = Vec::new();
            let mut chunk_lines = 0;
            let mut chunks = Vec::new();
            for i in rest {
                let lines = estimated_lines(&types[i]);
                if !chunk.is_empty() && chunk_lines + lines > FILE_LINE_BUDGET {
                    chunks.push(std::mem::take(&mut chunk));
                    chunk_lines = 0;
                }
                chunk.push(i);
                chunk_lines += lines;
            }
            chunks.push(chunk);
            // Under a type that fills its module by itself, even one run moves out.
            if chunks.len() > 1 || (owner.is_some() && !chunks[0].is_empty()) {
                for chunk in chunks {
                    let mut submodule = module.clone();
                    // `match_etc`, not `match__etc`: a keyword's `_` is not doubled.
                    submodule.push(format!("{}_etc", snake_name(&types[chunk[0]].name).trim_end_matches('_')));
                    for &i in &chunk {
                        types[i].module.clone_from(&submodule);
                    }
                }
            }
        }
    }
}

/// Roughly the lines a type takes once emitted (docs, attributes and impls included).
fn estimated_lines(def: &TypeDef) -> usize {
    let doc = |text: &Option<String>| text.as_deref().map_or(1, |t| t.len() / 100 + t.lines().count());
    doc(&def.description)
        + match &def.kind {
            TypeKind::Struct { fields } => {
                let declared = 4 + fields.iter().map(|f| 2 + usize::from(!f.required) + doc(&f.description)).sum::<usize>();
                // `new` (a line per parameter and per field) and a five-line `with_*` setter per
                // optional field.
                let builders = if def.input { 8 + fields.iter().map(|f| if f.required { 2 } else { 6 }).sum::<usize>() } else { 0 };
                // `Deserialize` and `DecodeObject`: a local, a match arm and an initialiser per field.
                let decode = 22 + 3 * fields.len();
                declared + builders + decode
            }
            TypeKind::Enum { values } => 55 + values.iter().map(|v| 4 + doc(&v.description)).sum::<usize>(),
            TypeKind::Union { variants, .. } => 45 + 10 * variants.len(),
            TypeKind::Alias { .. } => 2,
            TypeKind::Never => 16,
            TypeKind::Tuple { .. } => 20,
        }
}

fn common_prefix(a: &[String], b: &[String]) -> Vec<String> {
    a.iter().zip(b).take_while(|(x, y)| x == y).map(|(x, _)| x.clone()).collect()
}
