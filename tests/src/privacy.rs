//! A privacy check over contract metadata: no storage field, event field, message argument or
//! return value may be (or contain) a free-form string or a service category (what care a
//! patient received), no message may take a pack (`DrugRef`) together with a patient id (which
//! medicine a patient got, public in the call for ever), and every byte field must sit inside one
//! of the suite's named byte types — a digest, a random pseudonymous id, a public key or account,
//! a bounded encrypted locator, a GS1 lot number, a random salt or a signature. Anything else that could carry text or
//! arbitrary bytes (`String`, `Vec<u8>`, `[u8; N]` on its own) is reported.

use serde_json::Value;
use std::collections::BTreeSet;

/// Named types allowed to hold bytes, by the last segment of their path.
pub const BYTE_TYPES: [&str; 10] = [
    "AccountId",
    "Hash",
    "PatientId",
    "Digest",
    "EncryptionKey",
    "EncryptedLocator",
    "LotNumber",
    // Credentials: a random salt, a public key, a signature (no claim reaches the chain).
    "Salt",
    "HolderPublicKey",
    "HolderSignature",
];

/// Types that say what care a patient received: never on chain.
pub const CARE_TYPES: [&str; 1] = ["ServiceCategory"];

/// The names of every named type reachable from type `id`.
fn names(types: &[Value], id: u64, out: &mut BTreeSet<String>) {
    let entry = types
        .iter()
        .find(|t| t["id"].as_u64() == Some(id))
        .unwrap_or_else(|| panic!("type {id} missing from the registry"));
    let ty = &entry["type"];
    if let Some(name) = ty["path"]
        .as_array()
        .and_then(|p| p.last())
        .and_then(|s| s.as_str())
    {
        if !out.insert(name.to_owned()) {
            return;
        }
    }
    let def = &ty["def"];
    let mut children: Vec<u64> = Vec::new();
    for kind in ["sequence", "array", "compact"] {
        children.extend(def[kind]["type"].as_u64());
    }
    for field in def["composite"]["fields"].as_array().into_iter().flatten() {
        children.extend(field["type"].as_u64());
    }
    for variant in def["variant"]["variants"].as_array().into_iter().flatten() {
        for field in variant["fields"].as_array().into_iter().flatten() {
            children.extend(field["type"].as_u64());
        }
    }
    for item in def["tuple"].as_array().into_iter().flatten() {
        children.extend(item.as_u64());
    }
    for param in ty["params"].as_array().into_iter().flatten() {
        children.extend(param["type"].as_u64());
    }
    for child in children {
        names(types, child, out);
    }
}

/// One finding: where it was reached from, and what it is.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Finding {
    pub place: String,
    pub what: String,
}

struct Walker<'a> {
    types: &'a [Value],
    findings: BTreeSet<Finding>,
}

impl Walker<'_> {
    fn ty(&self, id: u64) -> &Value {
        let entry = self
            .types
            .iter()
            .find(|t| t["id"].as_u64() == Some(id))
            .unwrap_or_else(|| panic!("type {id} missing from the registry"));
        &entry["type"]
    }

    fn is_u8(&self, id: u64) -> bool {
        self.ty(id)["def"]["primitive"].as_str() == Some("u8")
    }

    fn walk(&mut self, id: u64, place: &str, seen: &mut Vec<u64>) {
        if seen.contains(&id) {
            return;
        }
        seen.push(id);
        let ty = self.ty(id).clone();
        let name = ty["path"]
            .as_array()
            .and_then(|p| p.last())
            .and_then(|s| s.as_str())
            .unwrap_or("");
        if BYTE_TYPES.contains(&name) {
            seen.pop();
            return;
        }
        if CARE_TYPES.contains(&name) {
            self.findings.insert(Finding {
                place: format!("{place} > {name}"),
                what: "what care a patient received (a service category)".into(),
            });
        }
        let def = &ty["def"];
        let here = if name.is_empty() {
            place.to_owned()
        } else {
            format!("{place} > {name}")
        };
        if def["primitive"].as_str() == Some("str") {
            self.findings.insert(Finding {
                place: here.clone(),
                what: "free-form string".into(),
            });
        }
        for kind in ["sequence", "array"] {
            if let Some(element) = def[kind]["type"].as_u64() {
                if self.is_u8(element) {
                    self.findings.insert(Finding {
                        place: here.clone(),
                        what: format!("raw bytes ({kind} of u8) outside a named byte type"),
                    });
                } else {
                    self.walk(element, &here, seen);
                }
            }
        }
        if let Some(element) = def["compact"]["type"].as_u64() {
            self.walk(element, &here, seen);
        }
        if let Some(fields) = def["composite"]["fields"].as_array() {
            for field in fields {
                let label = field["name"].as_str().unwrap_or("_");
                self.walk(
                    field["type"].as_u64().unwrap(),
                    &format!("{here}.{label}"),
                    seen,
                );
            }
        }
        if let Some(variants) = def["variant"]["variants"].as_array() {
            for variant in variants {
                for field in variant["fields"].as_array().into_iter().flatten() {
                    let label = variant["name"].as_str().unwrap_or("_");
                    self.walk(
                        field["type"].as_u64().unwrap(),
                        &format!("{here}::{label}"),
                        seen,
                    );
                }
            }
        }
        if let Some(items) = def["tuple"].as_array() {
            for item in items {
                self.walk(item.as_u64().unwrap(), &here, seen);
            }
        }
        seen.pop();
    }
}

/// The storage layout flattens structs into leaves; a struct layout carries its type's name, so a
/// leaf inside one of the named byte types is skipped with it.
fn storage_leaves(layout: &Value, path: &str, out: &mut Vec<(String, u64)>) {
    match layout {
        Value::Object(map) => {
            let path = match (map.get("name").and_then(|n| n.as_str()), map.get("layout")) {
                (Some(name), Some(_)) => format!("{path}.{name}"),
                _ => path.to_owned(),
            };
            if let Some(ty) = map.get("leaf").and_then(|l| l["ty"].as_u64()) {
                out.push((path.clone(), ty));
            }
            if let Some(name) = map.get("struct").and_then(|s| s["name"].as_str()) {
                if BYTE_TYPES.contains(&name) {
                    return;
                }
            }
            for value in map.values() {
                storage_leaves(value, &path, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| storage_leaves(v, path, out)),
        _ => {}
    }
}

/// Check one contract's metadata (the `.json` or `.contract` bundle).
pub fn check(metadata: &Value) -> Vec<Finding> {
    let types = metadata["types"].as_array().expect("metadata has types");
    let mut walker = Walker {
        types,
        findings: BTreeSet::new(),
    };
    let mut roots: Vec<(String, u64)> = Vec::new();
    storage_leaves(
        &metadata["storage"]["root"]["layout"],
        "storage",
        &mut roots,
    );
    let spec = &metadata["spec"];
    for event in spec["events"].as_array().into_iter().flatten() {
        for arg in event["args"].as_array().into_iter().flatten() {
            roots.push((
                format!(
                    "event {}.{}",
                    event["label"].as_str().unwrap(),
                    arg["label"].as_str().unwrap()
                ),
                arg["type"]["type"].as_u64().unwrap(),
            ));
        }
    }
    for kind in ["messages", "constructors"] {
        for message in spec[kind].as_array().into_iter().flatten() {
            let label = message["label"].as_str().unwrap();
            let mut reached = BTreeSet::new();
            for arg in message["args"].as_array().into_iter().flatten() {
                names(types, arg["type"]["type"].as_u64().unwrap(), &mut reached);
            }
            if reached.contains("PatientId") && reached.contains("DrugRef") {
                walker.findings.insert(Finding {
                    place: format!("{label}(..)"),
                    what: "a pack next to a patient id: which medicine the patient got".into(),
                });
            }
            for arg in message["args"].as_array().into_iter().flatten() {
                roots.push((
                    format!("{label}({})", arg["label"].as_str().unwrap()),
                    arg["type"]["type"].as_u64().unwrap(),
                ));
            }
            if let Some(ret) = message["returnType"]["type"].as_u64() {
                roots.push((format!("{label} -> return"), ret));
            }
        }
    }
    for (place, id) in roots {
        walker.walk(id, &place, &mut Vec::new());
    }
    walker.findings.into_iter().collect()
}
