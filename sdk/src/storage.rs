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
//!
//! Every mapping a client reads is a typed constant of [`paths`] — `Map<Key, Value>` with its
//! contract and field path — so a read with the wrong key or value type does not compile, and one
//! test (`sdk/tests/storage_paths.rs`) checks the table against each contract's metadata: every
//! mapping of every layout is in it, and each entry's key and value types have the metadata's
//! shape.

use crate::contracts::Contract;
use crate::ledger::ChainRead;
use carechain_common::{Digest, PatientId};
use ink::primitives::AccountId;
use scale::{Decode, DecodeAll, Encode};
use scale_info::{MetaType, TypeInfo};
use serde_json::Value;
use std::collections::BTreeMap;
use std::marker::PhantomData;

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

/// A mapping of a contract's storage, typed by its key and value.
pub struct Map<K, V> {
    pub contract: Contract,
    /// The field's path in the contract's layout (`"orgs"`, `"patient_grants.entries"`).
    pub path: &'static str,
    types: PhantomData<fn(K) -> V>,
}

impl<K, V> Clone for Map<K, V> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<K, V> Copy for Map<K, V> {}

impl<K, V> std::fmt::Debug for Map<K, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.contract.name(), self.path)
    }
}

impl<K, V> Map<K, V> {
    pub const fn new(contract: Contract, path: &'static str) -> Self {
        Map {
            contract,
            path,
            types: PhantomData,
        }
    }
}

/// A table entry with its types erased, for the check against the metadata.
pub trait AnyMap {
    fn contract(&self) -> Contract;
    fn path(&self) -> &'static str;
    fn key_type(&self) -> MetaType;
    fn value_type(&self) -> MetaType;
}

impl<K: TypeInfo + 'static, V: TypeInfo + 'static> AnyMap for Map<K, V> {
    fn contract(&self) -> Contract {
        self.contract
    }
    fn path(&self) -> &'static str {
        self.path
    }
    fn key_type(&self) -> MetaType {
        MetaType::new::<K>()
    }
    fn value_type(&self) -> MetaType {
        MetaType::new::<V>()
    }
}

/// A per-patient append-only index (`carechain_common::PatientIndex`): a count per patient and
/// `(patient, n) -> id`.
#[derive(Clone, Copy, Debug)]
pub struct Index {
    pub counts: Map<PatientId, u64>,
    pub entries: Map<(PatientId, u64), u64>,
}

impl Index {
    pub const fn new(contract: Contract, counts: &'static str, entries: &'static str) -> Self {
        Index {
            counts: Map::new(contract, counts),
            entries: Map::new(contract, entries),
        }
    }
}

/// The storage key of `key` in `map`.
pub fn mapping_key<L: ChainRead, K: Encode, V>(ledger: &mut L, map: Map<K, V>, key: &K) -> Vec<u8> {
    let mut bytes = ledger
        .artifact(map.contract.name())
        .layout
        .key(map.path)
        .to_vec();
    key.encode_to(&mut bytes);
    bytes
}

/// An entry of a contract's mapping.
pub fn get<L: ChainRead, K: Encode, V: Decode>(
    ledger: &mut L,
    map: Map<K, V>,
    key: &K,
) -> Option<V> {
    let storage_key = mapping_key(ledger, map, key);
    let address = ledger.address(map.contract);
    let bytes = ledger.storage(address, &storage_key)?;
    Some(
        V::decode_all(&mut &bytes[..])
            .unwrap_or_else(|e| panic!("{map:?}: stored value does not decode: {e}")),
    )
}

/// The storage table: every mapping of every contract, typed.
pub mod paths {
    use super::{Index, Map};
    use crate::contracts::Contract::{self, *};
    use carechain_common::*;
    use ink::primitives::AccountId;

    /// A contract's governors (`Governance::governors`; every contract embeds governance).
    pub const fn governors(contract: Contract) -> Map<AccountId, ()> {
        Map::new(contract, "gov.governors")
    }

    pub mod audit_log {
        use super::*;
        /// Each append's entries under its first sequence number.
        pub const CHUNKS: Map<u64, Vec<AuditEntry>> = Map::new(AuditLog, "chunks");
    }

    pub mod access {
        use super::*;
        /// An organisation's effective roles as decisions see them.
        pub const ORGS: Map<AccountId, RoleSet> = Map::new(Access, "orgs");
        pub const PATIENTS: Map<PatientId, PatientCell> = Map::new(Access, "patients");
        /// The live grant slots decisions read for (patient, grantee).
        pub const SLOTS: Map<(PatientId, AccountId), GrantSlots> = Map::new(Access, "slots");
        pub const SESSIONS: Map<(PatientId, AccountId), Session> = Map::new(Access, "sessions");
        pub const RECORDS: Map<RecordId, RecordFacts> = Map::new(Access, "records");
    }

    pub mod registry {
        use super::*;
        pub const ORGS: Map<AccountId, Organisation> = Map::new(Registry, "orgs");
        pub const PATIENTS: Map<PatientId, Patient> = Map::new(Registry, "patients");
        pub const CONTROLLER_OF: Map<AccountId, PatientId> = Map::new(Registry, "controller_of");
        pub const RECOVERIES: Map<PatientId, Recovery> = Map::new(Registry, "recoveries");
    }

    pub mod consent {
        use super::*;
        pub const DEFERRED: Map<u64, AuditRecord> = Map::new(Consent, "deferred.queue");
        pub const GRANTS: Map<GrantId, Grant> = Map::new(Consent, "grants");
        pub const SLOTS: Map<(PatientId, Grantee), GrantSlots> = Map::new(Consent, "slots");
        pub const PATIENT_GRANTS: Index =
            Index::new(Consent, "patient_grants.counts", "patient_grants.entries");
        pub const RECORDS: Map<RecordId, RecordMeta> = Map::new(Consent, "records");
        pub const PATIENT_RECORDS: Index =
            Index::new(Consent, "patient_records.counts", "patient_records.entries");
        pub const EMERGENCIES: Map<EmergencyId, Emergency> = Map::new(Consent, "emergencies");
        pub const OPEN_EMERGENCY: Map<(PatientId, AccountId), EmergencyId> =
            Map::new(Consent, "open_emergency");
        pub const PATIENT_EMERGENCIES: Index = Index::new(
            Consent,
            "patient_emergencies.counts",
            "patient_emergencies.entries",
        );
    }

    pub mod provenance {
        use super::*;
        pub const DEFERRED: Map<u64, AuditRecord> = Map::new(Provenance, "deferred.queue");
        pub const GTINS: Map<Gtin, AccountId> = Map::new(Provenance, "gtins");
        pub const BATCHES: Map<BatchId, Batch> = Map::new(Provenance, "batches");
        pub const BY_GTIN_LOT: Map<(Gtin, LotNumber), BatchId> =
            Map::new(Provenance, "by_gtin_lot");
        pub const HOLDINGS: Map<(BatchId, AccountId), u64> = Map::new(Provenance, "holdings");
        pub const TRANSFERS: Map<(BatchId, u64), Transfer> = Map::new(Provenance, "transfers");
        pub const SERIALS: Map<(BatchId, u64), SerialRecord> = Map::new(Provenance, "serials");
        /// Who received each serial in a shipment that listed it (absent: the manufacturer).
        pub const CUSTODY: Map<(BatchId, u64), AccountId> = Map::new(Provenance, "custody");
    }

    pub mod claims {
        use super::*;
        pub const POLICIES: Map<PolicyId, Policy> = Map::new(Claims, "policies");
        pub const ESCROWS: Map<AccountId, Escrow> = Map::new(Claims, "escrows");
        pub const CLAIMS: Map<ClaimId, Claim> = Map::new(Claims, "claims");
        pub const DUPLICATES: Map<Digest, ClaimId> = Map::new(Claims, "duplicates");
        pub const PATIENT_CLAIMS: Index =
            Index::new(Claims, "patient_claims.counts", "patient_claims.entries");
    }

    pub mod credentials {
        use super::*;
        pub const DEFERRED: Map<u64, AuditRecord> = Map::new(Credentials, "deferred.queue");
        pub const CREDENTIALS: Map<CredentialId, Credential> = Map::new(Credentials, "credentials");
        /// `(batch, serial)` of a dose -> the credential it backs.
        pub const DOSES: Map<(u64, u64), CredentialId> = Map::new(Credentials, "doses");
        /// (verifier, challenge) of each valid on-chain verification (replays are refused).
        pub const CHALLENGES: Map<(AccountId, Digest), ()> = Map::new(Credentials, "challenges");
    }

    /// Every entry of the table, for the check against the metadata.
    pub fn all() -> Vec<Box<dyn super::AnyMap>> {
        let mut all: Vec<Box<dyn super::AnyMap>> = Vec::new();
        for contract in Contract::ALL {
            all.push(Box::new(governors(contract)));
        }
        let indexes = [
            consent::PATIENT_GRANTS,
            consent::PATIENT_RECORDS,
            consent::PATIENT_EMERGENCIES,
            claims::PATIENT_CLAIMS,
        ];
        for index in indexes {
            all.push(Box::new(index.counts));
            all.push(Box::new(index.entries));
        }
        all.push(Box::new(audit_log::CHUNKS));
        all.push(Box::new(access::ORGS));
        all.push(Box::new(access::PATIENTS));
        all.push(Box::new(access::SLOTS));
        all.push(Box::new(access::SESSIONS));
        all.push(Box::new(access::RECORDS));
        all.push(Box::new(registry::ORGS));
        all.push(Box::new(registry::PATIENTS));
        all.push(Box::new(registry::CONTROLLER_OF));
        all.push(Box::new(registry::RECOVERIES));
        all.push(Box::new(consent::DEFERRED));
        all.push(Box::new(consent::GRANTS));
        all.push(Box::new(consent::SLOTS));
        all.push(Box::new(consent::RECORDS));
        all.push(Box::new(consent::EMERGENCIES));
        all.push(Box::new(consent::OPEN_EMERGENCY));
        all.push(Box::new(provenance::DEFERRED));
        all.push(Box::new(provenance::GTINS));
        all.push(Box::new(provenance::BATCHES));
        all.push(Box::new(provenance::BY_GTIN_LOT));
        all.push(Box::new(provenance::HOLDINGS));
        all.push(Box::new(provenance::TRANSFERS));
        all.push(Box::new(provenance::SERIALS));
        all.push(Box::new(provenance::CUSTODY));
        all.push(Box::new(claims::POLICIES));
        all.push(Box::new(claims::ESCROWS));
        all.push(Box::new(claims::CLAIMS));
        all.push(Box::new(claims::DUPLICATES));
        all.push(Box::new(credentials::DEFERRED));
        all.push(Box::new(credentials::CREDENTIALS));
        all.push(Box::new(credentials::DOSES));
        all.push(Box::new(credentials::CHALLENGES));
        all
    }
}

/// A contract's root cell, decoded as its mirror `R`.
pub fn root<L: ChainRead, R: Decode>(ledger: &mut L, contract: Contract) -> R {
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
pub fn governance<L: ChainRead>(ledger: &mut L, contract: Contract) -> GovernanceRoot {
    let address = ledger.address(contract);
    let bytes = ledger
        .storage(address, &[0, 0, 0, 0])
        .unwrap_or_else(|| panic!("{} has no root cell", contract.name()));
    GovernanceRoot::decode(&mut &bytes[..])
        .unwrap_or_else(|e| panic!("{}: governance does not decode: {e}", contract.name()))
}

/// Whether `account` governs `contract` (its admin or a governor).
pub fn is_governor<L: ChainRead>(ledger: &mut L, contract: Contract, account: AccountId) -> bool {
    governance(ledger, contract).admin == account
        || get(ledger, paths::governors(contract), &account).is_some()
}
