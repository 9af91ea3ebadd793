//! Where each type lives: beside the resource that uses it, so a reader of one resource finds its
//! types together (`types/beta/retrieval.rs`), and types several resources share one level up. No
//! module is deeper than `types/<resource>/<file>.rs`: a nested resource's file is named by its path
//! (`types/beta/batch_job_items.rs`), and a large module is split into files beside it, each named
//! after what it holds.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use crate::features::STANDALONE_FEATURE;
use crate::ir::{Resource, TypeDef, TypeKind, TypeRef};
use crate::naming::snake_name;

/// About how many lines one types file may hold before its larger groups move to files of their own.
const FILE_LINE_BUDGET: usize = 1_200;

/// About the lines of a types file's `use` items.
const USE_LINES: usize = 12;

/// The module of types no single top-level resource owns: `shared`, unless a resource has that name.
pub fn shared_module(root: &Resource) -> String {
    let taken = |name: &str| root.children.iter().any(|c| c.module_path.last().is_some_and(|m| m == name));
    ["shared", "shared_types"].into_iter().find(|n| !taken(n)).map_or_else(|| "shared_types_".to_string(), str::to_string)
}

/// The module of the types only a resource's operations reach: `beta`, or for one below the top,
/// a file in the top-level resource's directory named by the rest of its path (`beta`,
/// `batch_job_items`).
fn resource_module(path: &[String]) -> Vec<String> {
    match path {
        [] => Vec::new(),
        [top] => vec![top.clone()],
        [top, rest @ ..] => vec![top.clone(), snake_name(&rest.join(" "))],
    }
}

/// Sets every type's `module`, that of the longest resource path common to all resources whose
/// operations reach it (through fields, variants and aliases), or the shared module when that is the
/// client itself; and its `features`, those of the resources that reach it ([`STANDALONE_FEATURE`]
/// when none does). Returns the doc of each module that holds types, by its path (`beta/chat`).
pub fn place_types(root: &Resource, types: &mut [TypeDef]) -> BTreeMap<String, String> {
    let index: HashMap<&str, usize> = types.iter().enumerate().map(|(i, t)| (t.name.as_str(), i)).collect();
    let mut home: Vec<Option<Vec<String>>> = vec![None; types.len()];
    // Features of the resources reaching each type; `None` once the client's own operations do.
    let mut users: Vec<Option<BTreeSet<String>>> = vec![Some(BTreeSet::new()); types.len()];
    // The features that compile operations: a type all of them reach is always compiled.
    let mut all_features: BTreeSet<String> = BTreeSet::new();
    let mut visit = |resource: &Resource| {
        if !resource.operations.is_empty() {
            all_features.extend(resource.feature.clone());
        }
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
                match (&resource.feature, &mut users[i]) {
                    (Some(feature), Some(set)) => {
                        set.insert(feature.clone());
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
    if users.iter().flatten().any(|set| set.contains(STANDALONE_FEATURE)) {
        all_features.insert(STANDALONE_FEATURE.to_string());
    }
    for ((def, home), users) in types.iter_mut().zip(home).zip(users) {
        def.module = home.filter(|path| !path.is_empty()).map_or_else(|| vec![shared.clone()], |path| resource_module(&path));
        def.features = users.filter(|set| *set != all_features).map(|set| set.into_iter().collect()).unwrap_or_default();
    }
    // Resource modules are documented by the resources whose types they hold.
    let mut docs: BTreeMap<Vec<String>, String> = BTreeMap::new();
    let mut resources: BTreeMap<Vec<String>, Vec<String>> = BTreeMap::new();
    root.walk(&mut |r: &Resource| {
        if !r.module_path.is_empty() {
            resources.entry(resource_module(&r.module_path)).or_default().push(format!("`{}`", r.module_path.join(".")));
        }
    });
    for def in types.iter() {
        let doc = match resources.get(&def.module) {
            Some(names) => format!("Types of {}.", names.join(" and ")),
            None => "Types that several top-level resources use, or none does.".to_string(),
        };
        docs.entry(def.module.clone()).or_insert(doc);
    }
    // Before splitting: the setters of types users build count towards a module's size.
    mark_inputs(root, types);
    let mut taken: HashSet<Vec<String>> = resources.into_keys().collect();
    taken.insert(vec![shared]);
    split_large_modules(types, &mut taken, &mut docs);
    docs.into_iter().map(|(path, doc)| (path.join("/"), doc)).collect()
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

/// A module to split when it is too large.
struct Oversized {
    module: Vec<String>,
    /// The type it is named after, when an earlier split made it: it stays.
    owner: Option<usize>,
    /// The words of type names its members share, when it was cut out by them.
    prefix_words: usize,
}

/// Keeps files readable: a module whose types would fill more than [`FILE_LINE_BUDGET`] lines is split
/// into files beside it (in `types/<resource>/`), each named after what it holds, until the rest
/// fits. First a type too large to share a file goes to one of its own; then the largest groups (a
/// type no other type of the module uses, with the types only it uses) go to files named after that
/// type (`batch_job_config.rs`), split again the same way; then types whose names start alike
/// (`webhook_pull_request.rs` for `WebhookPullRequest...`), longest shared starts only when shorter
/// ones are too large. A directory's files are declared in its top module (`types/beta.rs`), which
/// counts their declarations.
fn split_large_modules(types: &mut [TypeDef], taken: &mut HashSet<Vec<String>>, docs: &mut BTreeMap<Vec<String>, String>) {
    let gates = Gates::new(types);
    let modules: BTreeSet<Vec<String>> = types.iter().map(|def| def.module.clone()).collect();
    taken.extend(modules.iter().cloned());
    // Files first, then the top modules that declare them.
    let (tops, files): (Vec<Vec<String>>, Vec<Vec<String>>) = modules.into_iter().partition(|module| module.len() == 1);
    let mut work: Vec<Oversized> = tops.iter().chain(&files).map(|module| Oversized { module: module.clone(), owner: None, prefix_words: 0 }).collect();
    loop {
        let before: Vec<Vec<String>> = types.iter().map(|def| def.module.clone()).collect();
        while let Some(item) = work.pop() {
            split_module(item, types, &gates, taken, docs, &mut work);
        }
        if types.iter().zip(&before).all(|(def, module)| def.module == *module) {
            return;
        }
        // Files split off after their top module was done may have made it too long: once more.
        work = tops.iter().map(|top| Oversized { module: top.clone(), owner: None, prefix_words: 0 }).collect();
    }
}

/// Moves types out of one module until it fits, queueing the files it makes that need splitting too.
fn split_module(item: Oversized, types: &mut [TypeDef], gates: &Gates, taken: &mut HashSet<Vec<String>>, docs: &mut BTreeMap<Vec<String>, String>, work: &mut Vec<Oversized>) {
    let Oversized { module, owner, prefix_words } = item;
    let here = |types: &[TypeDef]| -> Vec<usize> { (0..types.len()).filter(|&i| types[i].module == module).collect() };
    let declared = |types: &[TypeDef]| if module.len() == 1 { declarations(types, gates, &module[0]) } else { 0 };
    let fits = |types: &[TypeDef]| USE_LINES + module_lines(types, gates, &here(types)) + declared(types) <= FILE_LINE_BUDGET;
    if fits(types) {
        return;
    }
    let mut move_out = |group: &[usize], name: &str, doc: String, types: &mut [TypeDef]| -> Vec<String> {
        let file = claim_file(taken, &module[0], name);
        for &i in group {
            types[i].module.clone_from(&file);
        }
        docs.insert(file.clone(), doc);
        file
    };
    for i in here(types) {
        if Some(i) != owner && estimated_lines(&types[i]) > FILE_LINE_BUDGET {
            let name = types[i].name.clone();
            move_out(&[i], &snake_name(&name), format!("[`{name}`], in a file of its own for its size."), types);
        }
    }
    for (root_type, group, _) in groups(types, &here(types), owner) {
        if fits(types) {
            return;
        }
        if group.len() < 2 {
            continue;
        }
        let name = types[root_type].name.clone();
        let file = move_out(&group, &snake_name(&name), format!("[`{name}`] and the types only it uses."), types);
        work.push(Oversized { module: file, owner: Some(root_type), prefix_words: 0 });
    }
    if fits(types) {
        return;
    }
    let rest: Vec<usize> = here(types).into_iter().filter(|&i| Some(i) != owner).collect();
    let (words, deeper, buckets) = name_buckets(types, &rest, prefix_words);
    // Several types to a file first; a type alone only when that is not enough.
    for single in [false, true] {
        for bucket in buckets.iter().filter(|bucket| (bucket.members.len() == 1) == single) {
            if fits(types) {
                return;
            }
            if single {
                let name = types[bucket.members[0]].name.clone();
                move_out(&bucket.members, &snake_name(&name), format!("[`{name}`], in a file of its own to keep files short."), types);
            } else {
                let doc = format!("Types whose names start with `{}`.", common_start(types, &bucket.members));
                let file = move_out(&bucket.members, &snake_name(&bucket.start), doc, types);
                if deeper {
                    work.push(Oversized { module: file, owner: None, prefix_words: words });
                }
            }
        }
    }
}

/// The features that compile a type (`None`: always).
fn gate(def: &TypeDef) -> Option<&[String]> {
    (!def.features.is_empty()).then_some(def.features.as_slice())
}

/// Each type's features as a set of bits, one per feature of the crate (`None`: always compiled).
/// Splitting a module recomputes its gate after every move; a union of words is cheap where a union
/// of feature names (300 for some types of Microsoft Graph) took most of the generator's time.
struct Gates {
    bits: Vec<Option<Vec<u64>>>,
    words: usize,
    /// The length of each feature's name, by bit.
    name_lens: Vec<usize>,
}

impl Gates {
    fn new(types: &[TypeDef]) -> Self {
        let names: BTreeSet<&str> = types.iter().flat_map(|t| t.features.iter().map(String::as_str)).collect();
        let bit: HashMap<&str, usize> = names.iter().enumerate().map(|(i, name)| (*name, i)).collect();
        let words = names.len().div_ceil(64);
        let bits = types
            .iter()
            .map(|t| {
                gate(t).map(|features| {
                    let mut set = vec![0u64; words];
                    for i in features.iter().map(|f| bit[f.as_str()]) {
                        set[i / 64] |= 1 << (i % 64);
                    }
                    set
                })
            })
            .collect();
        Gates { bits, words, name_lens: names.iter().map(|name| name.len()).collect() }
    }

    /// What compiles a module: any of its types' features (`None`: always).
    fn union(&self, members: &[usize]) -> Option<Vec<u64>> {
        members.iter().try_fold(vec![0u64; self.words], |mut all, &i| {
            for (word, own) in all.iter_mut().zip(self.bits[i].as_ref()?) {
                *word |= own;
            }
            Some(all)
        })
    }

    /// The characters `feature = "..", ` of each feature in `set` takes.
    fn cfg_chars(&self, set: &[u64]) -> usize {
        self.name_lens.iter().enumerate().filter(|(i, _)| set[i / 64] & (1 << (i % 64)) != 0).map(|(_, len)| len + 4).sum()
    }
}

/// Roughly the lines of a module's own types, with the `#[cfg]` each item of a type gets when it
/// needs other features than the whole module.
fn module_lines(types: &[TypeDef], gates: &Gates, members: &[usize]) -> usize {
    let module = gates.union(members);
    members
        .iter()
        .map(|&i| {
            let def = &types[i];
            estimated_lines(def) + if gates.bits[i] == module { 0 } else { items(def) * cfg_lines(&def.features) }
        })
        .sum()
}

/// Roughly the lines a top module takes to declare the files of its directory: a line each
/// (`types_module!(chat, "beta-chat");`), and more for many features.
fn declarations(types: &[TypeDef], gates: &Gates, dir: &str) -> usize {
    let mut files: BTreeMap<&[String], Vec<usize>> = BTreeMap::new();
    for (i, def) in types.iter().enumerate() {
        if def.module.len() == 2 && def.module[0] == dir {
            files.entry(&def.module).or_default().push(i);
        }
    }
    let lines = |file: &[String], members: &[usize]| match 17 + file[1].len() + gates.union(members).map_or(0, |all| gates.cfg_chars(&all)) {
        width if width <= 90 => 1,
        width => 2 + width / 85,
    };
    files.iter().map(|(file, members)| lines(file, members)).sum()
}

/// The items a type is emitted as (its definition and impls), each of which a `#[cfg]` gates.
fn items(def: &TypeDef) -> usize {
    match &def.kind {
        TypeKind::Struct { .. } => 6 + usize::from(def.input),
        TypeKind::Enum { .. } => 7,
        TypeKind::Union { .. } => 5,
        TypeKind::Tuple { .. } | TypeKind::Never => 3,
        TypeKind::Alias { .. } => 1,
    }
}

/// The lines of `#[cfg(any(feature = ..))]` for these features, as formatted.
fn cfg_lines(features: &[String]) -> usize {
    match features.iter().map(|f| f.len() + 14).sum::<usize>() {
        0 => 0,
        width if width <= 80 => 1,
        _ => features.len() + 4,
    }
}

/// The groups of a module's types, largest first: each type no other type of the module uses (but
/// the owner) with the types only it uses, and their estimated lines.
fn groups(types: &[TypeDef], members: &[usize], owner: Option<usize>) -> Vec<(usize, Vec<usize>, usize)> {
    let local: HashMap<&str, usize> = members.iter().map(|&i| (types[i].name.as_str(), i)).collect();
    let uses = |i: usize| -> Vec<usize> { types[i].references().filter_map(|n| local.get(n).copied()).collect() };
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
    let mut groups: Vec<(usize, Vec<usize>, usize)> = roots
        .iter()
        .map(|&r| {
            let group: Vec<usize> = members.iter().copied().filter(|i| reached_by.get(i).is_some_and(|by| by == &[r])).collect();
            let size = group.iter().map(|&i| estimated_lines(&types[i])).sum();
            (r, group, size)
        })
        .collect();
    groups.sort_by(|(a, _, a_size), (b, _, b_size)| b_size.cmp(a_size).then_with(|| types[*a].name.cmp(&types[*b].name)));
    groups
}

/// Types whose names start with the same words.
struct Bucket {
    /// The words, in snake case (`webhook_pull_request`).
    start: String,
    members: Vec<usize>,
    lines: usize,
}

/// Types grouped by the first words of their names, largest group first: one word more than the
/// module's own name shares, and more while that leaves them all together. Also returns how many
/// words that is, and whether more words would tell types apart.
fn name_buckets(types: &[TypeDef], members: &[usize], prefix_words: usize) -> (usize, bool, Vec<Bucket>) {
    let words: Vec<Vec<String>> = members.iter().map(|&i| snake_name(&types[i].name).trim_end_matches('_').split('_').map(str::to_string).collect()).collect();
    let longest = words.iter().map(Vec::len).max().unwrap_or(0);
    let mut count = prefix_words + 1;
    loop {
        let mut buckets: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (&i, words) in members.iter().zip(&words) {
            buckets.entry(words[..count.min(words.len())].join("_")).or_default().push(i);
        }
        if buckets.len() > 1 || count >= longest {
            let mut buckets: Vec<Bucket> = buckets
                .into_iter()
                .map(|(start, members)| {
                    let lines = members.iter().map(|&i| estimated_lines(&types[i])).sum();
                    Bucket { start, members, lines }
                })
                .collect();
            buckets.sort_by(|a, b| b.lines.cmp(&a.lines).then_with(|| a.start.cmp(&b.start)));
            return (count, count < longest, buckets);
        }
        count += 1;
    }
}

/// What the names of `types` start with alike (`WebhookPullRequest`).
fn common_start(types: &[TypeDef], members: &[usize]) -> String {
    let first = members.first().map_or("", |&i| types[i].name.as_str());
    let len = members.iter().map(|&i| first.chars().zip(types[i].name.chars()).take_while(|(a, b)| a == b).count()).min().unwrap_or(0);
    first.chars().take(len).collect()
}

/// A file of `types/<dir>/` no other module has: `name`, else `name_types`, else numbered.
fn claim_file(taken: &mut HashSet<Vec<String>>, dir: &str, name: &str) -> Vec<String> {
    let stem = name.trim_end_matches('_');
    let candidates = [name.to_string(), format!("{stem}_types")].into_iter().chain((2..).map(|n| format!("{stem}_types_{n}")));
    let file = candidates.map(|candidate| vec![dir.to_string(), candidate]).find(|file| !taken.contains(file)).unwrap_or_default();
    taken.insert(file.clone());
    file
}

/// Roughly the lines a type takes once emitted (docs, attributes and impls included), as measured on
/// generated SDKs.
fn estimated_lines(def: &TypeDef) -> usize {
    let doc = |text: &Option<String>| text.as_deref().map_or(1, |t| t.len() / 100 + t.lines().count());
    // Without a description, where the type is used and what it is make its doc.
    def.description.as_deref().map_or(3, |t| t.len() / 100 + t.lines().count())
        + match &def.kind {
            TypeKind::Struct { fields } => {
                let required = fields.iter().filter(|f| f.required).count();
                // The definition, `Deserialize`, `DecodeObject` (a local, a match arm and an
                // initialiser per field, a check per required one), `EncodeObject`, `Serialize` and
                // `Debug`.
                let body = 45 + usize::from(required > 0) * 12 + fields.iter().map(|f| doc(&f.description) + if f.required { 8 } else { 5 }).sum::<usize>();
                // `new` (a line per parameter and per field) and a `with_*` setter per optional field.
                let builders = if def.input { 8 + 2 * required + 8 * (fields.len() - required) } else { 0 };
                body + builders
            }
            TypeKind::Enum { values } => 42 + values.iter().map(|v| 2 + doc(&v.description)).sum::<usize>(),
            TypeKind::Union { variants, .. } => 20 + 11 * variants.len(),
            TypeKind::Alias { .. } => 2,
            TypeKind::Never => 16,
            TypeKind::Tuple { .. } => 20,
        }
}

fn common_prefix(a: &[String], b: &[String]) -> Vec<String> {
    a.iter().zip(b).take_while(|(x, y)| x == y).map(|(x, _)| x.clone()).collect()
}
