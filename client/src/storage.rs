//! Reads served from contract storage, typed by each contract's metadata storage layout: the
//! contracts carry no query messages (every message costs code on every call), so clients read
//! what they need directly — from the in-process chain or a node, at the latest or a finalized
//! block.
//!
//! ink! 5 keeps every packed field of a contract in its root cell (key `0x00000000`), in
//! declaration order, and each `Mapping` under its own root key, where an entry's key is that
//! root key's SCALE bytes followed by the SCALE-encoded mapping key. The root keys come from the
//! metadata (`storage.root.layout`); the root cells decode into the mirror structs below, which
//! `tests/storage.rs` checks against deployed contracts (the whole cell must decode, nothing left).

use crate::contracts::Contract;
use crate::ledger::Ledger;
use carechain_common::Digest;
use ink::primitives::AccountId;
use scale::{Decode, DecodeAll, Encode};
use serde_json::Value;
use std::collections::BTreeMap;

/// The storage cells of a contract by field path (`"orgs"`, `"gov.governors"`,
/// `"patient_grants.entries"`; `""` is the root cell).
#[derive(Clone, Debug, Default)]
pub struct Layout {
    pub cells: BTreeMap<String, Cell>,
}

/// One storage cell: its root key (SCALE bytes) and, for mappings, the mapping's type id.
#[derive(Clone, Debug)]
pub struct Cell {
    pub key: Vec<u8>,
    pub ty: Option<u64>,
}

impl Layout {
    pub fn parse(metadata: &Value) -> Layout {
        let mut layout = Layout::default();
        walk(&metadata["storage"]["root"], "", &mut layout.cells);
        layout
    }

    /// The root key of the cell at `path`; panics when the contract has no such field (a
    /// client out of step with the contract).
    pub fn key(&self, path: &str) -> &[u8] {
        &self
            .cells
            .get(path)
            .unwrap_or_else(|| panic!("no storage field `{path}` in the layout"))
            .key
    }
}

fn walk(node: &Value, path: &str, out: &mut BTreeMap<String, Cell>) {
    let Some(map) = node.as_object() else { return };
    if let (Some(key), Some(layout)) = (map.get("root_key"), map.get("layout")) {
        let key = hex::decode(key.as_str().unwrap_or_default().trim_start_matches("0x"))
            .unwrap_or_default();
        out.insert(
            path.to_owned(),
            Cell {
                key,
                ty: map.get("ty").and_then(Value::as_u64),
            },
        );
        walk(layout, path, out);
        return;
    }
    if let Some(root) = map.get("root") {
        walk(root, path, out);
    }
    if let Some(fields) = map.get("struct").and_then(|s| s["fields"].as_array()) {
        for field in fields {
            let name = field["name"].as_str().unwrap_or_default();
            let child = if path.is_empty() {
                name.to_owned()
            } else {
                format!("{path}.{name}")
            };
            walk(&field["layout"], &child, out);
        }
    }
}

/// The storage key of `key` in the mapping at `path` of `contract`.
pub fn mapping_key<L: Ledger>(
    ledger: &mut L,
    contract: Contract,
    path: &str,
    key: &impl Encode,
) -> Vec<u8> {
    let mut bytes = ledger.artifact(contract.name()).layout.key(path).to_vec();
    key.encode_to(&mut bytes);
    bytes
}

/// An entry of a contract's mapping.
pub fn get<L: Ledger, V: Decode>(
    ledger: &mut L,
    contract: Contract,
    path: &str,
    key: &impl Encode,
) -> Option<V> {
    let storage_key = mapping_key(ledger, contract, path, key);
    let address = ledger.address(contract);
    let bytes = ledger.storage(address, &storage_key)?;
    Some(V::decode_all(&mut &bytes[..]).unwrap_or_else(|e| {
        panic!(
            "{}.{path}: stored value does not decode: {e}",
            contract.name()
        )
    }))
}

/// A contract's root cell, decoded as its mirror `R`.
pub fn root<L: Ledger, R: Decode>(ledger: &mut L, contract: Contract) -> R {
    let address = ledger.address(contract);
    let bytes = ledger
        .storage(address, &[0, 0, 0, 0])
        .unwrap_or_else(|| panic!("{} has no root cell", contract.name()));
    R::decode_all(&mut &bytes[..]).unwrap_or_else(|e| {
        panic!(
            "{}: the root cell does not decode as its mirror: {e}",
            contract.name()
        )
    })
}

// ---------------------------------------------------------------------------- root mirrors

/// The packed fields of `carechain_common::Governance`.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct GovernanceRoot {
    pub admin: AccountId,
    pub pending_admin: Option<AccountId>,
    pub paused_since: Option<u64>,
    pub paused_total: u64,
}

impl GovernanceRoot {
    pub fn paused(&self) -> bool {
        self.paused_since.is_some()
    }
}

/// The packed fields of `carechain_common::DeferredAudit`.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct DeferredRoot {
    pub first: u64,
    pub next: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct AuditLogRoot {
    pub gov: GovernanceRoot,
    pub writers: Vec<AccountId>,
    pub count: u64,
    pub head: Digest,
}

#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct AccessRoot {
    pub gov: GovernanceRoot,
    pub audit: AccountId,
    pub writers: Option<(AccountId, AccountId)>,
    pub relying: Vec<AccountId>,
}

#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct RegistryRoot {
    pub gov: GovernanceRoot,
    pub access: AccountId,
    pub registrations: u64,
    pub recovery_delay: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct ConsentRoot {
    pub gov: GovernanceRoot,
    pub access: AccountId,
    pub audit: AccountId,
    pub deferred: DeferredRoot,
    pub grant_count: u64,
    pub record_count: u64,
    pub emergency_window: u64,
    pub emergency_count: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct ProvenanceRoot {
    pub gov: GovernanceRoot,
    pub access: AccountId,
    pub audit: AccountId,
    pub deferred: DeferredRoot,
    pub batch_count: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct ClaimsRoot {
    pub gov: GovernanceRoot,
    pub access: AccountId,
    pub provenance: AccountId,
    pub audit: AccountId,
    pub policy_count: u64,
    pub claim_count: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct CredentialsRoot {
    pub gov: GovernanceRoot,
    pub access: AccountId,
    pub provenance: AccountId,
    pub audit: AccountId,
    pub deferred: DeferredRoot,
    pub credential_count: u64,
}

/// Every contract's governance, whatever else its root holds (governance comes first).
pub fn governance<L: Ledger>(ledger: &mut L, contract: Contract) -> GovernanceRoot {
    let address = ledger.address(contract);
    let bytes = ledger
        .storage(address, &[0, 0, 0, 0])
        .unwrap_or_else(|| panic!("{} has no root cell", contract.name()));
    GovernanceRoot::decode(&mut &bytes[..])
        .unwrap_or_else(|e| panic!("{}: governance does not decode: {e}", contract.name()))
}

/// Whether `account` governs `contract` (its admin or a governor).
pub fn is_governor<L: Ledger>(ledger: &mut L, contract: Contract, account: AccountId) -> bool {
    governance(ledger, contract).admin == account
        || get::<_, ()>(ledger, contract, "gov.governors", &account).is_some()
}
