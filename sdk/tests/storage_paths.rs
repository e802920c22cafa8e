//! The typed storage table (`carechain_sdk::storage::paths`) checked against each contract's
//! metadata storage layout, as the message table is against its messages: every mapping of every
//! contract's layout is in the table, every entry of the table is a mapping of its contract, and
//! each entry's key and value types have the shape of the metadata's `Mapping<K, V>`. A renamed
//! field or a changed type fails here, not in a user's read. Needs the release bundles
//! (`scripts/build.sh`).

use carechain_sdk::shape::{metadata_registry, same_shape};
use carechain_sdk::storage::{paths, AnyMap};
use carechain_sdk::{Artifact, Contract};
use scale_info::PortableRegistry;
use std::collections::BTreeSet;

/// The key and value type ids of the metadata's mapping type `ty`.
fn mapping_params(registry: &PortableRegistry, ty: u32, at: &str) -> (u32, u32) {
    let mapping = registry.resolve(ty).expect("the mapping's type");
    assert_eq!(
        mapping.path.segments.last().map(String::as_str),
        Some("Mapping"),
        "{at}: not a Mapping"
    );
    let param = |name: &str| {
        mapping
            .type_params
            .iter()
            .find(|p| p.name == name)
            .and_then(|p| p.ty)
            .unwrap_or_else(|| panic!("{at}: no type parameter {name}"))
            .id
    };
    (param("K"), param("V"))
}

#[test]
fn the_storage_table_matches_every_contracts_layout() {
    let table = paths::all();
    let mut problems = Vec::new();
    let mut checked = 0;
    for contract in Contract::ALL {
        let artifact = Artifact::load(contract.name()).unwrap_or_else(|e| panic!("{e}"));
        let registry = metadata_registry(&artifact);
        let mappings: BTreeSet<&str> = artifact
            .layout
            .cells
            .iter()
            .filter(|(_, cell)| {
                cell.ty.is_some_and(|ty| {
                    registry
                        .resolve(ty as u32)
                        .and_then(|t| t.path.segments.last())
                        == Some(&"Mapping".to_owned())
                })
            })
            .map(|(path, _)| path.as_str())
            .collect();
        let ours: Vec<&Box<dyn AnyMap>> =
            table.iter().filter(|m| m.contract() == contract).collect();
        for path in &mappings {
            if !ours.iter().any(|m| m.path() == *path) {
                problems.push(format!(
                    "{}.{path}: in the layout, not in the table",
                    contract.name()
                ));
            }
        }
        for entry in ours {
            let at = format!("{}.{}", contract.name(), entry.path());
            let Some(cell) = artifact.layout.cells.get(entry.path()) else {
                problems.push(format!("{at}: in the table, not in the layout"));
                continue;
            };
            let Some(ty) = cell.ty else {
                problems.push(format!("{at}: not a mapping"));
                continue;
            };
            let (key, value) = mapping_params(&registry, ty as u32, &at);
            if let Err(e) = same_shape(&entry.key_type(), &registry, key, &format!("{at} key"))
                .and_then(|()| {
                    same_shape(
                        &entry.value_type(),
                        &registry,
                        value,
                        &format!("{at} value"),
                    )
                })
            {
                problems.push(e);
            }
            checked += 1;
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(checked >= 40, "{checked} mappings checked");
}

/// The check itself finds a wrong type: the registry's `orgs` read with a patient id as key.
#[test]
fn a_mistyped_storage_entry_is_caught() {
    let artifact = Artifact::load("registry").unwrap_or_else(|e| panic!("{e}"));
    let registry = metadata_registry(&artifact);
    let ty = artifact.layout.cells["orgs"].ty.expect("a mapping") as u32;
    let (key, value) = mapping_params(&registry, ty, "registry.orgs");
    let right = paths::registry::ORGS;
    assert_eq!(same_shape(&right.key_type(), &registry, key, "key"), Ok(()));
    assert_eq!(
        same_shape(&right.value_type(), &registry, value, "value"),
        Ok(())
    );
    let wrong: carechain_sdk::storage::Map<carechain_sdk::common::PatientId, u64> =
        carechain_sdk::storage::Map::new(Contract::Registry, "orgs");
    assert!(same_shape(&wrong.key_type(), &registry, key, "key").is_err());
    assert!(same_shape(&wrong.value_type(), &registry, value, "value").is_err());
}
