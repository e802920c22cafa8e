//! Whether a Rust type has the same SCALE shape as a type of a contract's metadata: paths,
//! fields, variants and primitives, compared recursively. The typed message table
//! (`tests/messages.rs`) and the storage table (`tests/storage_paths.rs`) are checked with it, so
//! a wrong argument, return, key or value type fails once, not deep in a test or a user's call.

use crate::contracts::Artifact;
use scale_info::form::PortableForm;
use scale_info::{MetaType, PortableRegistry, Registry, TypeDef};
use std::collections::HashSet;

pub type Ty = scale_info::Type<PortableForm>;

pub struct Side<'a> {
    pub registry: &'a PortableRegistry,
}

impl Side<'_> {
    pub fn ty(&self, id: u32) -> &Ty {
        self.registry.resolve(id).expect("type id in the registry")
    }
}

/// Whether type `a` (ours) and type `b` (the metadata's) have the same shape. `seen` holds the
/// pairs assumed equal while comparing recursive types.
pub fn same(
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
pub fn portable(meta: &MetaType) -> (PortableRegistry, u32) {
    let mut registry = Registry::new();
    let id = registry.register_type(meta).id;
    (registry.into(), id)
}

pub fn metadata_registry(artifact: &Artifact) -> PortableRegistry {
    let types = artifact.metadata["types"].clone();
    serde_json::from_value(serde_json::json!({ "types": types }))
        .expect("the metadata's type registry")
}

/// Whether `ours` has the shape of type `theirs` of `registry` (a contract's metadata types).
pub fn same_shape(
    ours: &MetaType,
    registry: &PortableRegistry,
    theirs: u32,
    at: &str,
) -> Result<(), String> {
    let (own, id) = portable(ours);
    same(
        &Side { registry: &own },
        id,
        &Side { registry },
        theirs,
        &mut HashSet::new(),
        at,
    )
}
