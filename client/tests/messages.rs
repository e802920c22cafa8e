//! The typed message table (`carechain_client::msg`) checked once against each contract's
//! metadata: every message and constructor of every contract is in the table, and the argument
//! and return types of each entry have the same shape (paths, fields, variants, primitives) as
//! the metadata's. A wrong argument or return type fails here, not deep in a test. Needs the
//! release bundles (`scripts/build.sh`).

use carechain_client::msg::{self, AnyMsg};
use carechain_client::{Artifact, Contract};
use scale_info::form::PortableForm;
use scale_info::{MetaType, PortableRegistry, Registry, TypeDef};
use std::collections::HashSet;

type Ty = scale_info::Type<PortableForm>;

struct Side<'a> {
    registry: &'a PortableRegistry,
}

impl Side<'_> {
    fn ty(&self, id: u32) -> &Ty {
        self.registry.resolve(id).expect("type id in the registry")
    }
}

/// Whether type `a` (ours) and type `b` (the metadata's) have the same shape. `seen` holds the
/// pairs assumed equal while comparing recursive types.
fn same(
    ours: &Side,
    a: u32,
    theirs: &Side,
    b: u32,
    seen: &mut HashSet<(u32, u32)>,
    at: &str,
) -> Result<(), String> {
    if !seen.insert((a, b)) {
        return Ok(());
    }
    let (ta, tb) = (ours.ty(a), theirs.ty(b));
    if ta.path.segments != tb.path.segments {
        return Err(format!(
            "{at}: {} here, {} in the metadata",
            ta.path.segments.join("::"),
            tb.path.segments.join("::")
        ));
    }
    let differ = |what: &str| Err(format!("{at} ({}): {what}", ta.path.segments.join("::")));
    match (&ta.type_def, &tb.type_def) {
        (TypeDef::Composite(x), TypeDef::Composite(y)) => {
            if x.fields.len() != y.fields.len() {
                return differ("field count");
            }
            for (f, g) in x.fields.iter().zip(&y.fields) {
                if f.name != g.name {
                    return differ(&format!("field {:?} vs {:?}", f.name, g.name));
                }
                same(
                    ours,
                    f.ty.id,
                    theirs,
                    g.ty.id,
                    seen,
                    &format!("{at}.{:?}", f.name),
                )?;
            }
        }
        (TypeDef::Variant(x), TypeDef::Variant(y)) => {
            if x.variants.len() != y.variants.len() {
                return differ("variant count");
            }
            for (v, w) in x.variants.iter().zip(&y.variants) {
                if v.name != w.name || v.index != w.index || v.fields.len() != w.fields.len() {
                    return differ(&format!("variant {} vs {}", v.name, w.name));
                }
                for (f, g) in v.fields.iter().zip(&w.fields) {
                    same(
                        ours,
                        f.ty.id,
                        theirs,
                        g.ty.id,
                        seen,
                        &format!("{at}::{}", v.name),
                    )?;
                }
            }
        }
        (TypeDef::Sequence(x), TypeDef::Sequence(y)) => same(
            ours,
            x.type_param.id,
            theirs,
            y.type_param.id,
            seen,
            &format!("{at}[]"),
        )?,
        (TypeDef::Array(x), TypeDef::Array(y)) => {
            if x.len != y.len {
                return differ("array length");
            }
            same(
                ours,
                x.type_param.id,
                theirs,
                y.type_param.id,
                seen,
                &format!("{at}[]"),
            )?
        }
        (TypeDef::Tuple(x), TypeDef::Tuple(y)) => {
            if x.fields.len() != y.fields.len() {
                return differ("tuple length");
            }
            for (i, (f, g)) in x.fields.iter().zip(&y.fields).enumerate() {
                same(ours, f.id, theirs, g.id, seen, &format!("{at}.{i}"))?;
            }
        }
        (TypeDef::Primitive(x), TypeDef::Primitive(y)) if x == y => {}
        (TypeDef::Compact(x), TypeDef::Compact(y)) => {
            same(ours, x.type_param.id, theirs, y.type_param.id, seen, at)?
        }
        _ => return differ("a different kind of type"),
    }
    Ok(())
}

/// Register a Rust type; its id in a fresh portable registry.
fn portable(meta: &MetaType) -> (PortableRegistry, u32) {
    let mut registry = Registry::new();
    let id = registry.register_type(meta).id;
    (registry.into(), id)
}

fn metadata_registry(artifact: &Artifact) -> PortableRegistry {
    let types = artifact.metadata["types"].clone();
    serde_json::from_value(serde_json::json!({ "types": types }))
        .expect("the metadata's type registry")
}

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
    let wrong: msg::Msg<carechain_client::common::PatientId, carechain_client::common::Result<()>> =
        msg::Msg::new(
            Contract::Registry,
            "suspend_organisation",
            msg::Kind::Write,
            msg::PauseRule::Stops,
        );
    assert!(check_args("wrong", &wrong.erase().args, spec, &theirs).is_err());
    let wrong_ret: msg::Msg<ink::primitives::AccountId, carechain_client::common::Result<u64>> =
        msg::Msg::new(
            Contract::Registry,
            "suspend_organisation",
            msg::Kind::Write,
            msg::PauseRule::Stops,
        );
    assert!(check_ret("wrong", &wrong_ret.erase().ret, spec, &theirs).is_err());
}
