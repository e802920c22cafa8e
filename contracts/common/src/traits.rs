//! Cross-contract interfaces. A contract depends on another only through these traits
//! (`ink::contract_ref!(Trait)`), never on the other contract's crate, so each contract builds and
//! upgrades on its own. Dependencies point one way:
//!
//! ```text
//!   registry ──▶ access ──▶ audit_log        claims ──▶ access, provenance, audit_log
//!   consent  ──▶ access, audit_log           provenance ──▶ access, audit_log
//!                                            credentials ──▶ access, provenance, audit_log
//! ```

use crate::access_types::{Disclosure, Facts, Update};
use crate::audit::AuditRecord;
use crate::error::Result;
use crate::ids::{BatchId, PatientId, RecordId};
use crate::provenance_types::Verification;
use crate::vocab::Purpose;
use ink::prelude::vec::Vec;
use ink::primitives::AccountId;

/// Most entries one `append` may carry.
pub const MAX_AUDIT_BATCH: usize = 16;
/// Most writers (contracts of the suite) the audit log keeps.
pub const MAX_WRITERS: usize = 8;

/// The audit log's write interface.
#[ink::trait_definition]
pub trait AuditSink {
    /// Append 1 to `MAX_AUDIT_BATCH` entries in order (stored together); returns the first
    /// one's sequence number. Only registered writers may append.
    #[ink(message)]
    fn append(&mut self, records: Vec<AuditRecord>) -> Result<u64>;
}

/// What the access contract offers the rest of the suite.
#[ink::trait_definition]
pub trait AccessGate {
    /// The registration of `patient` (when given) and the standing of `first` and, when given,
    /// `second` (roles; for the patient, controller or delegate), in one read. An absent second
    /// party stands as nobody: no roles, no patient.
    #[ink(message)]
    fn lookup(
        &self,
        patient: Option<PatientId>,
        first: AccountId,
        second: Option<AccountId>,
    ) -> Facts;

    /// The registry and consent keep the access contract's projection current. `restricts` says
    /// whether the write only takes something away (a suspension, a revocation, a closed
    /// session): such writes are applied while the access contract is paused; others are not.
    #[ink(message)]
    fn update(&mut self, update: Update, restricts: bool) -> Result<()>;

    /// Relying contracts only: may `recipient` receive `record` (of `patient`, authored by
    /// `claimant`) for `purpose`? Logged as a disclosure naming both, granted or denied.
    #[ink(message)]
    fn authorize_disclosure(
        &mut self,
        patient: PatientId,
        record: RecordId,
        claimant: AccountId,
        recipient: AccountId,
        purpose: Purpose,
    ) -> Result<Disclosure>;
}

/// What drug provenance offers the other contracts.
#[ink::trait_definition]
pub trait ProvenanceView {
    /// Verify a serial of a batch by id (see `Verdict` for the order of findings).
    #[ink(message)]
    fn verify_serial(&self, batch: BatchId, serial: u64) -> Verification;
}

/// A reference to the audit log, as stored by its writers.
pub type AuditRef = ink::contract_ref!(AuditSink, ink::env::DefaultEnvironment);
/// A reference to the access contract.
pub type AccessRef = ink::contract_ref!(AccessGate, ink::env::DefaultEnvironment);
/// A reference to drug provenance.
pub type ProvenanceRef = ink::contract_ref!(ProvenanceView, ink::env::DefaultEnvironment);
