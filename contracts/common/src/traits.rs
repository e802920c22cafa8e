//! Cross-contract interfaces. A contract depends on another only through these traits
//! (`ink::contract_ref!(Trait)`), never on the other contract's crate, so each contract builds and
//! upgrades on its own. Dependencies point one way: registry and audit log call nobody; consent
//! calls registry and audit log; provenance calls registry and audit log; claims calls registry,
//! consent, provenance and audit log.

use crate::audit::{AuditOutcome, AuditRecord};
use crate::error::Result;
use crate::ids::{BatchId, PatientId, RecordId, Timestamp};
use crate::vocab::{Purpose, Role, RoleSet};
use ink::prelude::vec::Vec;
use ink::primitives::AccountId;

/// How an account relates to a patient.
#[derive(Clone, Copy, PartialEq, Eq, Debug, scale::Encode, scale::Decode)]
#[cfg_attr(feature = "std", derive(scale_info::TypeInfo))]
pub enum ManagerKind {
    Controller,
    Delegate,
}

/// Everything consent needs to decide a request, in one registry call.
#[derive(Clone, Copy, PartialEq, Eq, Debug, scale::Encode, scale::Decode)]
#[cfg_attr(feature = "std", derive(scale_info::TypeInfo))]
pub struct AccessContext {
    /// The patient's registration number, `None` when the id is not (or no longer) registered.
    /// A re-registration of the same id gets a new number, so nothing keyed to the old one
    /// revives.
    pub registration: Option<u64>,
    /// Roles of `account` if it is an active organisation, empty otherwise.
    pub roles: RoleSet,
    /// `Some` when `account` controls the patient or is an active delegate.
    pub manager: Option<ManagerKind>,
}

/// Reads the identity registry offers to the other contracts.
#[ink::trait_definition]
pub trait IdentityView {
    /// Roles of `account` if it is an active organisation; empty when unknown, suspended or revoked.
    #[ink(message)]
    fn roles_of(&self, account: AccountId) -> RoleSet;

    /// Roles of two accounts in one call (a sender and a recipient, say).
    #[ink(message)]
    fn roles_of_pair(&self, first: AccountId, second: AccountId) -> (RoleSet, RoleSet);

    /// Whether `account` is an active organisation holding `role`.
    #[ink(message)]
    fn has_role(&self, account: AccountId, role: Role) -> bool;

    /// The patient's registration number when the id is registered.
    #[ink(message)]
    fn patient_registration(&self, patient: PatientId) -> Option<u64>;

    /// Whether `account` is the patient's controller or an active delegate.
    #[ink(message)]
    fn is_patient_manager(&self, patient: PatientId, account: AccountId) -> bool;

    /// Patient registration, organisation roles and manager relation in one read.
    #[ink(message)]
    fn access_context(&self, patient: PatientId, account: AccountId) -> AccessContext;
}

/// The audit log's write interface.
#[ink::trait_definition]
pub trait AuditSink {
    /// Append one entry; returns its sequence number. Only registered writers may append.
    #[ink(message)]
    fn append(&mut self, record: AuditRecord) -> Result<u64>;

    /// Append up to `MAX_AUDIT_BATCH` entries in order; returns the first one's sequence number.
    #[ink(message)]
    fn append_batch(&mut self, records: Vec<AuditRecord>) -> Result<u64>;
}

/// Most entries one `append_batch` may carry.
pub const MAX_AUDIT_BATCH: usize = 16;

/// A consent decision, as returned to the requester.
#[derive(Clone, Copy, PartialEq, Eq, Debug, scale::Encode, scale::Decode)]
#[cfg_attr(feature = "std", derive(scale_info::TypeInfo))]
pub struct Decision {
    pub outcome: AuditOutcome,
    /// The audit entry that records this decision; an off-chain gateway serves data only against
    /// a granted entry naming the requester.
    pub audit_seq: u64,
}

impl Decision {
    pub fn is_granted(&self) -> bool {
        self.outcome.is_granted()
    }
}

/// What consent offers to relying contracts (claims).
#[ink::trait_definition]
pub trait ConsentGate {
    /// May `recipient` receive the data of `record` (which must belong to `patient`) for
    /// `purpose`? Only relying contracts registered by consent's governance may ask; the decision
    /// is logged as a disclosure, granted or denied.
    #[ink(message)]
    fn authorize_disclosure(
        &mut self,
        patient: PatientId,
        record: RecordId,
        recipient: AccountId,
        purpose: Purpose,
    ) -> Result<Decision>;
}

/// A batch's lifecycle status (expiry is derived from time, not stored).
#[derive(Clone, Copy, PartialEq, Eq, Debug, scale::Encode, scale::Decode)]
#[cfg_attr(
    feature = "std",
    derive(scale_info::TypeInfo, ink::storage::traits::StorageLayout)
)]
pub enum BatchStatus {
    Active,
    Quarantined,
    Recalled,
}

/// A serial's state. Serials never touched are `InSupplyChain`.
#[derive(Clone, Copy, PartialEq, Eq, Debug, scale::Encode, scale::Decode)]
#[cfg_attr(
    feature = "std",
    derive(scale_info::TypeInfo, ink::storage::traits::StorageLayout)
)]
pub enum SerialState {
    InSupplyChain,
    Dispensed,
    Destroyed,
    /// Flagged: dispensed or destroyed a second time, or reported as suspect.
    Suspect,
}

/// Outcome of verifying a pack.
#[derive(Clone, Copy, PartialEq, Eq, Debug, scale::Encode, scale::Decode)]
#[cfg_attr(feature = "std", derive(scale_info::TypeInfo))]
pub enum Verdict {
    /// Known product, serial within range and not flagged.
    Authentic,
    /// No batch with this GTIN and lot (or this id).
    UnknownProduct,
    /// The serial is outside the batch's range: counterfeit.
    SerialOutOfRange,
    /// The serial is flagged as suspect.
    Suspect,
}

/// What `verify` reports about a pack.
#[derive(Clone, Copy, PartialEq, Eq, Debug, scale::Encode, scale::Decode)]
#[cfg_attr(feature = "std", derive(scale_info::TypeInfo))]
pub struct Verification {
    pub verdict: Verdict,
    pub batch: Option<BatchId>,
    pub status: Option<BatchStatus>,
    pub expiry: Option<Timestamp>,
    pub expired: bool,
    pub serial: Option<SerialState>,
}

impl Verification {
    pub const UNKNOWN: Verification = Verification {
        verdict: Verdict::UnknownProduct,
        batch: None,
        status: None,
        expiry: None,
        expired: false,
        serial: None,
    };

    /// Fit to be paid for: authentic, batch active (not quarantined or recalled), and the serial
    /// dispensed to a patient.
    pub fn payable(&self) -> bool {
        self.verdict == Verdict::Authentic
            && self.status == Some(BatchStatus::Active)
            && self.serial == Some(SerialState::Dispensed)
    }
}

/// Reads drug provenance offers to the other contracts.
#[ink::trait_definition]
pub trait ProvenanceView {
    /// Verify a serial of a batch by id.
    #[ink(message)]
    fn verify_serial(&self, batch: BatchId, serial: u64) -> Verification;
}
