//! Types of the drug provenance contract (DSCSA-style batch tracing).

// parity-scale-codec's derive casts variant indices (`usize` literals) to `u8` for enums whose
// variants carry data; clippy's cast lint (denied by cargo-contract) flags that generated code.
#![allow(clippy::cast_possible_truncation)]

use crate::ids::{BatchId, Digest, Gtin, LotNumber, Timestamp};
use crate::traits::{BatchStatus, SerialState};
use crate::vocab::{Role, RoleSet};
use ink::prelude::vec::Vec;
use ink::primitives::AccountId;

/// Most serials one return or destruction may list.
pub const MAX_SERIALS_PER_CALL: usize = 32;

/// Roles that may hold and receive stock (DSCSA trading partners and dispensers).
pub fn trading_partner_roles() -> RoleSet {
    RoleSet::of(&[
        Role::Manufacturer,
        Role::Distributor,
        Role::Pharmacy,
        Role::Provider,
    ])
}

/// Roles that may dispense to patients.
pub fn dispenser_roles() -> RoleSet {
    RoleSet::of(&[Role::Pharmacy, Role::Provider])
}

#[derive(Clone, Copy, PartialEq, Eq, Debug, scale::Encode, scale::Decode)]
#[cfg_attr(
    feature = "std",
    derive(scale_info::TypeInfo, ink::storage::traits::StorageLayout)
)]
pub enum QuarantineReason {
    SuspectProduct,
    QualityInvestigation,
    TemperatureExcursion,
    DamagedPackaging,
    RegulatoryHold,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug, scale::Encode, scale::Decode)]
#[cfg_attr(
    feature = "std",
    derive(scale_info::TypeInfo, ink::storage::traits::StorageLayout)
)]
pub enum RecallReason {
    SafetyIssue,
    QualityDefect,
    Contamination,
    Mislabeling,
    Counterfeit,
    RegulatoryAction,
}

/// A registered batch.
#[derive(Clone, PartialEq, Eq, Debug, scale::Encode, scale::Decode)]
#[cfg_attr(
    feature = "std",
    derive(scale_info::TypeInfo, ink::storage::traits::StorageLayout)
)]
pub struct Batch {
    pub id: BatchId,
    pub manufacturer: AccountId,
    pub gtin: Gtin,
    pub lot: LotNumber,
    pub expiry: Timestamp,
    /// Serial numbers `serial_first..=serial_last`, one per pack.
    pub serial_first: u64,
    pub serial_last: u64,
    pub quantity: u64,
    /// SHA-256 of the certificate of analysis.
    pub coa_hash: Digest,
    pub status: BatchStatus,
    /// Set while the batch is quarantined by a regulator: only a regulator lifts such a hold.
    pub regulatory_hold: bool,
    pub recall_reason: Option<RecallReason>,
    pub registered_at: Timestamp,
    /// Packs shipped and not yet accepted, rejected or cancelled.
    pub in_transit: u64,
    pub dispensed: u64,
    pub destroyed: u64,
    /// Transfers recorded for this batch (its history length).
    pub transfer_count: u64,
}

impl Batch {
    pub fn expired(&self, now: Timestamp) -> bool {
        now >= self.expiry
    }

    pub fn in_range(&self, serial: u64) -> bool {
        (self.serial_first..=self.serial_last).contains(&serial)
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug, scale::Encode, scale::Decode)]
#[cfg_attr(
    feature = "std",
    derive(scale_info::TypeInfo, ink::storage::traits::StorageLayout)
)]
pub enum TransferKind {
    /// Forward shipment down the supply chain.
    Shipment,
    /// Saleable return from a dispenser to a distributor; its serials are verified on acceptance.
    Return,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug, scale::Encode, scale::Decode)]
#[cfg_attr(
    feature = "std",
    derive(scale_info::TypeInfo, ink::storage::traits::StorageLayout)
)]
pub enum TransferStatus {
    Pending,
    Accepted,
    Rejected,
    Cancelled,
}

/// Transaction information of one transfer (DSCSA TI: who, to whom, what, how many, when,
/// the shipping document's hash).
#[derive(Clone, PartialEq, Eq, Debug, scale::Encode, scale::Decode)]
#[cfg_attr(
    feature = "std",
    derive(scale_info::TypeInfo, ink::storage::traits::StorageLayout)
)]
pub struct Transfer {
    pub batch: BatchId,
    pub index: u64,
    pub kind: TransferKind,
    pub from: AccountId,
    pub to: AccountId,
    pub quantity: u64,
    pub document_hash: Digest,
    pub shipped_at: Timestamp,
    pub status: TransferStatus,
    pub settled_at: Option<Timestamp>,
    /// The returned serials (returns only).
    pub serials: Vec<u64>,
}

/// What happened to one serial, with who and when.
#[derive(Clone, Copy, PartialEq, Eq, Debug, scale::Encode, scale::Decode)]
#[cfg_attr(
    feature = "std",
    derive(scale_info::TypeInfo, ink::storage::traits::StorageLayout)
)]
pub struct SerialRecord {
    pub state: SerialState,
    pub by: AccountId,
    pub at: Timestamp,
}

/// What `dispense` did.
#[derive(Clone, Copy, PartialEq, Eq, Debug, scale::Encode, scale::Decode)]
#[cfg_attr(feature = "std", derive(scale_info::TypeInfo))]
pub enum DispenseOutcome {
    Dispensed,
    /// The serial was dispensed or destroyed before: it is now flagged suspect, nothing was
    /// dispensed, and the pack must be quarantined physically.
    FlaggedSuspect,
}
