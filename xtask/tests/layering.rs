//! The layering of xtask's modules, read from its sources: the data model
//! sits below the commands, not beside them.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

/// The modules of xtask each names in `crate::...` paths, read
/// from the sources (test modules left out), keyed by module.
fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut modules = BTreeMap::new();
    for entry in fs::read_dir(&src).expect("xtask/src is readable") {
        let path = entry.expect("a directory entry").path();
        let Some(name) = path.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        let text = fs::read_to_string(&path).expect("a readable source");
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        modules.insert(name.to_owned(), crate_paths(code));
    }
    let names: BTreeSet<String> = modules.keys().cloned().collect();
    for (name, deps) in &mut modules {
        deps.retain(|dep| dep != name && names.contains(dep));
    }
    modules
}

/// The first segment of every `crate::a` and `use crate::{a, b}`.
fn crate_paths(code: &str) -> BTreeSet<String> {
    let ident = |item: &str| -> String {
        let item = item.trim().chars();
        item.take_while(|c| c.is_alphanumeric() || *c == '_').collect()
    };
    let mut out = BTreeSet::new();
    for (i, _) in code.match_indices("crate::") {
        let rest = &code[i + "crate::".len()..];
        let group = rest.strip_prefix('{').and_then(|g| g.split_once('}'));
        match group {
            Some((group, _)) => out.extend(group.split(',').map(ident)),
            None => out.extend([ident(rest)]),
        }
    }
    out.retain(|name| !name.is_empty());
    out
}

/// No module of xtask imports, directly or not, a module that imports
/// it: the data model sits below the commands, not beside them.
#[test]
fn modules_import_each_other_in_no_circle() {
    let graph = imports();
    assert!(graph["compare"].contains("model"), "the scan finds the imports");
    for start in graph.keys() {
        // Every module reachable from `start`; `start` must not be.
        let mut seen = BTreeSet::new();
        let mut stack: Vec<&String> = graph[start].iter().collect();
        while let Some(module) = stack.pop() {
            assert_ne!(module, start, "{start} imports itself back");
            if seen.insert(module) {
                stack.extend(graph[module].iter());
            }
        }
    }
}
