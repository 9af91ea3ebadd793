//! Cargo features at the granularity users choose: they follow the resource tree. Every top-level
//! resource is a feature; a namespace (a resource with children) is split into one feature per child
//! (`beta-chat`, `beta-agent-data`), recursively, while the crate stays within crates.io's limit of
//! [`MAX_FEATURES`]. The namespaces holding the most operations are split first, so what is left
//! whole past the limit is small. A split namespace keeps a feature of its own name that turns on
//! its children's and compiles its own operations: `features = ["beta"]` compiles what it did before
//! the namespace was split.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use crate::ir::{Feature, Resource};

/// crates.io's limit on the features of one crate.
pub const MAX_FEATURES: usize = 300;

/// The feature of the generated tests that need a mock server.
pub const MOCK_SERVER_FEATURE: &str = "mock-server-tests";

/// The cargo feature of types that no operation reaches.
pub const STANDALONE_FEATURE: &str = "standalone-types";

/// Features every crate may have besides its resources', which count towards the limit.
const OTHER_FEATURES: [&str; 3] = ["default", MOCK_SERVER_FEATURE, STANDALONE_FEATURE];

/// Chooses the crate's resource features and sets each resource's [`Resource::feature`]; returns the
/// features, parents before children.
pub fn plan(root: &mut Resource) -> Vec<Feature> {
    let split = namespaces_to_split(root);
    let mut taken: HashSet<String> = OTHER_FEATURES.iter().map(|name| name.to_string()).collect();
    let mut features = Vec::new();
    for child in &mut root.children {
        assign(child, None, &split, &mut taken, &mut features);
    }
    features
}

/// The namespaces split into a feature per child: largest first (by operations below them), each
/// while its children still fit within the limit.
fn namespaces_to_split(root: &Resource) -> HashSet<Vec<String>> {
    let mut operations: HashMap<&[String], usize> = HashMap::new();
    count_operations(root, &mut operations);
    let budget = MAX_FEATURES - OTHER_FEATURES.len();
    let mut count = root.children.len();
    let mut split = HashSet::new();
    let mut candidates: Vec<&Resource> = root.children.iter().filter(|c| !c.children.is_empty()).collect();
    // Ties go to the namespace first in path order.
    let key = |r: &&Resource| (operations.get(r.module_path.as_slice()).copied().unwrap_or(0), std::cmp::Reverse(r.module_path.clone()));
    while let Some(best) = candidates.iter().enumerate().max_by_key(|(_, r)| key(r)).map(|(i, _)| i) {
        let namespace = candidates.swap_remove(best);
        if count + namespace.children.len() <= budget {
            count += namespace.children.len();
            split.insert(namespace.module_path.clone());
            candidates.extend(namespace.children.iter().filter(|c| !c.children.is_empty()));
        }
    }
    split
}

fn count_operations<'r>(resource: &'r Resource, out: &mut HashMap<&'r [String], usize>) -> usize {
    let below: usize = resource.children.iter().map(|child| count_operations(child, out)).sum();
    let total = resource.operations.len() + below;
    out.insert(&resource.module_path, total);
    total
}

/// Gives `resource` its feature: `inherited` (its nearest feature's, when it has none of its own),
/// else a new one, whose children get features of their own when it is split.
fn assign(resource: &mut Resource, inherited: Option<&str>, split: &HashSet<Vec<String>>, taken: &mut HashSet<String>, features: &mut Vec<Feature>) {
    if let Some(name) = inherited {
        resource.feature = Some(name.to_string());
        for child in &mut resource.children {
            assign(child, Some(name), split, taken, features);
        }
        return;
    }
    // A top-level resource's feature is its module's name, as before features nested; one below is
    // its path in kebab case.
    let base = match resource.module_path.as_slice() {
        [top] => top.clone(),
        path => path.iter().map(|segment| segment.trim_end_matches('_').replace('_', "-")).collect::<Vec<_>>().join("-"),
    };
    let name = (1..).map(|n| if n == 1 { base.clone() } else { format!("{base}-{n}") }).find(|name| !taken.contains(name)).unwrap_or(base);
    taken.insert(name.clone());
    resource.feature = Some(name.clone());
    let index = features.len();
    features.push(Feature { name: name.clone(), resource: resource.module_path.clone(), enables: Vec::new() });
    let is_split = split.contains(&resource.module_path);
    let mut enables = Vec::new();
    for child in &mut resource.children {
        if is_split {
            assign(child, None, split, taken, features);
            enables.extend(child.feature.clone());
        } else {
            assign(child, Some(&name), split, taken, features);
        }
    }
    features[index].enables = enables;
}

/// The features `feature` turns on, itself included, by the `enables` lists of a crate's features.
pub fn enabled_by<'a>(enables: &'a BTreeMap<String, Vec<String>>, feature: &'a str) -> BTreeSet<&'a str> {
    let mut on = BTreeSet::new();
    let mut stack = vec![feature];
    while let Some(name) = stack.pop() {
        if on.insert(name) {
            stack.extend(enables.get(name).into_iter().flatten().map(String::as_str));
        }
    }
    on
}

/// The features whose operations a resource's module holds: it compiles when any is on.
pub fn module_features(resource: &Resource) -> Vec<String> {
    let mut features = BTreeSet::new();
    resource.walk(&mut |r: &Resource| {
        if !r.operations.is_empty() {
            features.extend(r.feature.clone());
        }
    });
    features.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A spec with an operation tagged with each of `tags`.
    fn api(tags: &[String]) -> crate::ir::Api {
        let paths: String = tags
            .iter()
            .enumerate()
            .map(|(i, tag)| format!("  /p{i}:\n    get:\n      operationId: op{i}\n      tags: [{tag}]\n      responses: {{'204': {{description: ok}}}}\n"))
            .collect();
        crate::Generator::new().ir(&format!("openapi: 3.0.3\ninfo: {{title: T, version: '1'}}\npaths:\n{paths}")).expect("a valid spec")
    }

    #[test]
    fn namespaces_split_largest_first_within_the_limit() {
        // 290 top-level resources leave 7 features: `big` (5 children, 10 operations) splits, `small`
        // (3 children) then does not fit.
        let mut tags: Vec<String> = (0..288).map(|i| format!("r{i}")).collect();
        tags.extend((0..10).map(|i| format!("big.agent_{}", i % 5)));
        tags.extend(["small".to_string(), "small.c0".into(), "small.c1".into(), "small.c2".into()]);
        let api = api(&tags);
        assert_eq!(api.features.len(), 295);
        let big = api.features.iter().find(|f| f.name == "big").expect("an umbrella feature");
        assert_eq!(big.enables, ["big-agent-0", "big-agent-1", "big-agent-2", "big-agent-3", "big-agent-4"]);
        let small = api.root.children.iter().find(|c| c.accessor == "small").expect("small");
        assert_eq!(small.feature.as_deref(), Some("small"));
        assert!(small.children.iter().all(|c| c.feature.as_deref() == Some("small")), "not split: its children are its feature's");
        let big = api.root.children.iter().find(|c| c.accessor == "big").expect("big");
        assert_eq!(module_features(big), ["big-agent-0", "big-agent-1", "big-agent-2", "big-agent-3", "big-agent-4"]);
        let enables: BTreeMap<String, Vec<String>> = api.features.into_iter().map(|f| (f.name, f.enables)).collect();
        assert_eq!(enabled_by(&enables, "big").len(), 6);
    }
}
