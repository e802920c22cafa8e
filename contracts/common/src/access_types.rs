//! Types of the access contract: the small contract every audited access decision runs in. It
//! holds a projection of what decisions read — organisations' effective roles and patients'
//! facts (written by the registry), live grant slots, open break-glass sessions and record
//! anchors (written by consent) — so a decision enters only it and the audit log.

// parity-scale-codec's derive casts variant indices (`usize` literals) to `u8` for enums whose
// variants carry data; clippy's cast lint (denied by cargo-contract) flags that generated code.
#![allow(clippy::cast_possible_truncation)]

use crate::audit::AuditOutcome;
use crate::consent_types::{GrantSlot, Grantee};
use crate::ids::{EmergencyId, EncryptedLocator, PatientId, RecordId, Timestamp};
use crate::vocab::{DataCategory, Purpose, RoleSet};
use ink::prelude::vec::Vec;
use ink::primitives::AccountId;

/// Most requests one batched access check may carry.
pub const MAX_ACCESS_BATCH: usize = 16;
/// Most relying contracts (contracts allowed to ask for disclosures) the access contract keeps.
pub const MAX_RELYING: usize = 4;

/// How an account relates to a patient.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub enum ManagerKind {
    Controller,
    Delegate,
}

/// What access decisions need to know about a patient, as the registry last wrote it.
#[derive(Clone, PartialEq, Eq, Debug)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct PatientFacts {
    /// Registration number; a re-registration of the same id gets a new one.
    pub registration: u64,
    /// Completed recoveries of this registration: grants made in an earlier epoch no longer apply.
    pub epoch: u32,
    pub controller: AccountId,
    /// Delegates that are not organisations, with the (exclusive) end of each delegation.
    pub delegates: Vec<(AccountId, Option<Timestamp>)>,
    /// The patient refuses break-glass access.
    pub refuses_break_glass: bool,
}

impl PatientFacts {
    pub fn manager(&self, account: &AccountId, now: Timestamp) -> Option<ManagerKind> {
        if self.controller == *account {
            Some(ManagerKind::Controller)
        } else if self
            .delegates
            .iter()
            .any(|(d, until)| d == account && until.is_none_or(|end| now < end))
        {
            Some(ManagerKind::Delegate)
        } else {
            None
        }
    }
}

/// What the access contract stores per patient: the registry's facts and the patient's live deny
/// rules for "anyone" (written by consent), read together in one storage access.
#[derive(Clone, PartialEq, Eq, Debug)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct PatientCell {
    pub facts: PatientFacts,
    pub anyone: Vec<GrantSlot>,
}

/// An open break-glass session of a provider for a patient.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Session {
    pub id: EmergencyId,
    pub registration: u64,
    pub expires_at: Timestamp,
}

/// A record anchor as access decisions need it (the full anchor is consent's).
#[derive(Clone, PartialEq, Eq, Debug)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct RecordFacts {
    pub patient: PatientId,
    pub registration: u64,
    pub category: DataCategory,
    pub author: AccountId,
    pub locator: EncryptedLocator,
}

/// A write into the access contract's projection, by the contract that owns the data.
#[derive(Clone, PartialEq, Eq, Debug)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub enum Update {
    /// Registry: an organisation's effective roles (empty while suspended or revoked).
    Organisation(AccountId, RoleSet),
    /// Registry: a patient's facts; `None` once deregistered.
    Patient(PatientId, Option<PatientFacts>),
    /// Consent: the live grant slots of a patient for a grantee (an account, or anyone).
    Slots(PatientId, Grantee, Vec<GrantSlot>),
    /// Consent: a provider's open break-glass session for a patient; `None` once closed.
    Session(PatientId, AccountId, Option<Session>),
    /// Consent: a record anchor (new, or a new version).
    Record(RecordId, RecordFacts),
}

/// One account's standing, as `lookup` reports it.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub struct Party {
    /// Roles if an active organisation, empty otherwise.
    pub roles: RoleSet,
    /// `Some` when the account controls the patient asked about or is an active delegate.
    pub manager: Option<ManagerKind>,
}

/// Answer to `lookup`: the patient's registration and two accounts' standing, in one call.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub struct Facts {
    /// The patient's registration, `None` when not registered (or no patient was asked about).
    pub registration: Option<u64>,
    /// The patient's current recovery epoch.
    pub epoch: u32,
    /// The patient refuses break-glass access.
    pub refuses_break_glass: bool,
    pub first: Party,
    pub second: Party,
}

/// A consent decision, as returned to the requester.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub struct Decision {
    pub outcome: AuditOutcome,
    /// The audit entry that records this decision; the record gateway serves data only against a
    /// granted, finalized entry naming the requester.
    pub audit_seq: u64,
}

impl Decision {
    pub fn is_granted(&self) -> bool {
        self.outcome.is_granted()
    }
}

/// One request of a batched access check.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub struct AccessRequest {
    pub category: DataCategory,
    pub purpose: Purpose,
}

/// Answer to a record read: the decision, and the locator when granted.
#[derive(Clone, PartialEq, Eq, Debug)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub struct RecordAccess {
    pub decision: Decision,
    pub locator: Option<EncryptedLocator>,
}

/// Answer to a disclosure request of a relying contract (claims).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub struct Disclosure {
    pub decision: Decision,
    /// The patient's current registration (`None`: not registered; the decision is a denial).
    pub registration: Option<u64>,
    /// The claimant's roles (empty unless an active organisation).
    pub claimant_roles: RoleSet,
}

/// Wiring of the access contract, by its admin (or governors, for relying contracts).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub enum Wiring {
    /// Once, by the admin: the registry and consent contracts that write the projection.
    Writers {
        registry: AccountId,
        consent: AccountId,
    },
    /// A governor: let a contract (claims) ask for disclosures.
    AddRelying(AccountId),
    /// A governor: stop a contract asking for disclosures.
    RemoveRelying(AccountId),
}
