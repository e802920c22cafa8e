//! The contracts' errors in words: each `Error` variant's name and its documentation, read from
//! the type's metadata (the same text the TypeScript client shows, `sdk-ts/src/error-docs.json`).

use carechain_common::Error;
use scale::Encode;
use scale_info::{MetaType, PortableRegistry, Registry, TypeDef};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// Variant index -> (name, documentation).
fn table() -> &'static BTreeMap<u8, (String, String)> {
    static TABLE: OnceLock<BTreeMap<u8, (String, String)>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut registry = Registry::new();
        let id = registry.register_type(&MetaType::new::<Error>()).id;
        let portable: PortableRegistry = registry.into();
        let Some(TypeDef::Variant(def)) = portable.resolve(id).map(|t| t.type_def.clone()) else {
            return BTreeMap::new();
        };
        def.variants
            .iter()
            .map(|v| {
                let doc = v
                    .docs
                    .iter()
                    .map(|d| d.trim())
                    .collect::<Vec<_>>()
                    .join(" ");
                (v.index, (v.name.clone(), doc))
            })
            .collect()
    })
}

/// Every variant: name -> documentation.
pub fn all_docs() -> BTreeMap<String, String> {
    table().values().cloned().collect()
}

/// The variant's name (`MissingRole`, `Paused`, ...).
pub fn name(error: &Error) -> String {
    let index = error.encode().first().copied().unwrap_or(u8::MAX);
    table()
        .get(&index)
        .map(|(name, _)| name.clone())
        .unwrap_or_else(|| format!("{error:?}"))
}

/// A sentence a person understands, with the error's name and data:
/// `MissingRole(RoleSet(2)): The caller is not an active organisation holding one of these roles.`
pub fn sentence(error: &Error) -> String {
    let index = error.encode().first().copied().unwrap_or(u8::MAX);
    match table().get(&index) {
        Some((_, doc)) if !doc.is_empty() => format!("{error:?}: {doc}"),
        _ => format!("{error:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use carechain_common::{Role, RoleSet};

    #[test]
    fn sentences_name_the_error_and_say_what_it_means() {
        assert_eq!(name(&Error::Paused), "Paused");
        assert_eq!(
            sentence(&Error::Paused),
            "Paused: The contract is paused; restrictions and reads still work."
        );
        let missing = Error::MissingRole(RoleSet::of(&[Role::Provider]));
        assert_eq!(name(&missing), "MissingRole");
        assert!(sentence(&missing).starts_with("MissingRole("));
        assert!(sentence(&missing).contains("holding one of these roles"));
        assert!(all_docs().len() > 60);
    }
}
