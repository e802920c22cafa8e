//! The typed message table (`carechain_sdk::msg`) checked once against each contract's
//! metadata: every message and constructor of every contract is in the table, and the argument
//! and return types of each entry have the same shape (paths, fields, variants, primitives) as
//! the metadata's. A wrong argument or return type fails here, not deep in a test. Needs the
//! release bundles (`scripts/build.sh`).

use carechain_sdk::msg::{self, AnyMsg};
use carechain_sdk::shape::{metadata_registry, portable, same, Side};
use carechain_sdk::{Artifact, Contract};
use scale_info::{MetaType, TypeDef};
use std::collections::HashSet;

/// Compare our argument type `args` with the metadata's argument list.
fn check_args(
    what: &str,
    args: &MetaType,
    spec: &serde_json::Value,
    theirs: &Side,
) -> Result<(), String> {
    let ids: Vec<u32> = spec["args"]
        .as_array()
        .expect("args")
        .iter()
        .map(|a| a["type"]["type"].as_u64().expect("arg type id") as u32)
        .collect();
    let (registry, id) = portable(args);
    let ours = Side {
        registry: &registry,
    };
    let mut seen = HashSet::new();
    match ids.len() {
        0 => match &ours.ty(id).type_def {
            TypeDef::Tuple(t) if t.fields.is_empty() => Ok(()),
            _ => Err(format!("{what}: takes no arguments, the table gives some")),
        },
        1 => same(
            &ours,
            id,
            theirs,
            ids[0],
            &mut seen,
            &format!("{what} argument"),
        ),
        n => match &ours.ty(id).type_def {
            TypeDef::Tuple(t) if t.fields.len() == n => {
                for (i, (f, g)) in t.fields.iter().zip(&ids).enumerate() {
                    same(
                        &ours,
                        f.id,
                        theirs,
                        *g,
                        &mut seen,
                        &format!("{what} argument {i}"),
                    )?;
                }
                Ok(())
            }
            _ => Err(format!(
                "{what}: takes {n} arguments, the table gives another number"
            )),
        },
    }
}

/// Compare our return type with the `Ok` side of the metadata's `Result<R, LangError>`.
fn check_ret(
    what: &str,
    ret: &MetaType,
    spec: &serde_json::Value,
    theirs: &Side,
) -> Result<(), String> {
    let wrapped = spec["returnType"]["type"].as_u64().expect("return type id") as u32;
    let TypeDef::Variant(result) = &theirs.ty(wrapped).type_def else {
        return Err(format!(
            "{what}: the metadata's return type is not a Result"
        ));
    };
    let ok = result
        .variants
        .iter()
        .find(|v| v.name == "Ok")
        .and_then(|v| v.fields.first())
        .expect("Ok(T)")
        .ty
        .id;
    let (registry, id) = portable(ret);
    same(
        &Side {
            registry: &registry,
        },
        id,
        theirs,
        ok,
        &mut HashSet::new(),
        &format!("{what} returns"),
    )
}

#[test]
fn every_message_in_the_table_matches_the_contract_metadata() {
    let table = msg::all();
    let mut problems = Vec::new();
    let mut checked = 0;
    for contract in Contract::ALL {
        let artifact = Artifact::load(contract.name()).unwrap_or_else(|e| panic!("{e}"));
        let registry = metadata_registry(&artifact);
        let theirs = Side {
            registry: &registry,
        };
        let ours: Vec<&AnyMsg> = table.iter().filter(|m| m.contract == contract).collect();
        let specs = artifact.metadata["spec"]["messages"]
            .as_array()
            .expect("messages");
        for spec in specs {
            let label = spec["label"].as_str().expect("label");
            let what = format!("{}.{label}", contract.name());
            let Some(entry) = ours.iter().find(|m| m.label == label) else {
                problems.push(format!("{what}: in the contract, not in the table"));
                continue;
            };
            if let Err(e) = check_args(&what, &entry.args, spec, &theirs)
                .and_then(|()| check_ret(&what, &entry.ret, spec, &theirs))
            {
                problems.push(e);
            }
            let mutates = spec["mutates"].as_bool().expect("mutates");
            if mutates == (entry.kind == msg::Kind::Read) {
                problems.push(format!(
                    "{what}: Kind {:?} but mutates = {mutates}",
                    entry.kind
                ));
            }
            checked += 1;
        }
        for entry in &ours {
            if !specs.iter().any(|s| s["label"] == entry.label) {
                problems.push(format!(
                    "{}.{}: in the table, not in the contract",
                    contract.name(),
                    entry.label
                ));
            }
        }
        for ctor in msg::constructors()
            .iter()
            .filter(|c| c.contract == contract)
        {
            let spec = artifact.metadata["spec"]["constructors"]
                .as_array()
                .expect("constructors")
                .iter()
                .find(|s| s["label"] == ctor.label);
            match spec {
                None => problems.push(format!(
                    "{}.{}: no such constructor",
                    contract.name(),
                    ctor.label
                )),
                Some(spec) => {
                    if let Err(e) = check_args(
                        &format!("{}::{}", contract.name(), ctor.label),
                        &ctor.args,
                        spec,
                        &theirs,
                    ) {
                        problems.push(e);
                    }
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(checked >= 60, "{checked} messages checked");
}

/// The checker itself finds a wrong type: a message declared with another argument type fails.
#[test]
fn a_mistyped_message_is_caught() {
    let artifact = Artifact::load("registry").unwrap_or_else(|e| panic!("{e}"));
    let registry = metadata_registry(&artifact);
    let theirs = Side {
        registry: &registry,
    };
    let spec = artifact.metadata["spec"]["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["label"] == "suspend_organisation")
        .unwrap();
    let right = msg::registry::SUSPEND_ORGANISATION.erase();
    assert_eq!(check_args("right", &right.args, spec, &theirs), Ok(()));
    // Same label, a patient id instead of an account.
    let wrong: msg::Msg<carechain_sdk::common::PatientId, carechain_sdk::common::Result<()>> =
        msg::Msg::new(
            Contract::Registry,
            "suspend_organisation",
            msg::Kind::Write,
            msg::PauseRule::Stops,
        );
    assert!(check_args("wrong", &wrong.erase().args, spec, &theirs).is_err());
    let wrong_ret: msg::Msg<ink::primitives::AccountId, carechain_sdk::common::Result<u64>> =
        msg::Msg::new(
            Contract::Registry,
            "suspend_organisation",
            msg::Kind::Write,
            msg::PauseRule::Stops,
        );
    assert!(check_ret("wrong", &wrong_ret.erase().ret, spec, &theirs).is_err());
}
