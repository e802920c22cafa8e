//! Types of the drug provenance contract (DSCSA-style batch tracing).

// parity-scale-codec's derive casts variant indices (`usize` literals) to `u8` for enums whose
// variants carry data; clippy's cast lint (denied by cargo-contract) flags that generated code.
#![allow(clippy::cast_possible_truncation)]

use crate::ids::{BatchId, Digest, Gtin, LotNumber, Timestamp};
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

/// A batch's lifecycle status (expiry is derived from time, not stored).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum BatchStatus {
    Active,
    Quarantined,
    Recalled,
}

/// Where a serial is. Serials never touched are `InSupplyChain` (and have no record).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum SerialState {
    InSupplyChain,
    /// Listed in a pending saleable return: reserved until the return settles.
    Returning,
    Dispensed,
    Destroyed,
}

/// What happened to one serial, with who and when; a suspect flag never erases it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct SerialRecord {
    pub state: SerialState,
    pub by: AccountId,
    pub at: Timestamp,
    /// Set when a holder found a second pack carrying this serial (who, when).
    pub suspect: Option<(AccountId, Timestamp)>,
}

/// One verdict a pharmacist can act on. The most serious finding wins, in the order of the
/// variants: an unknown product, lot or serial; a suspect serial; a recalled or quarantined
/// batch; a serial that left the supply chain (dispensed, destroyed, being returned); an expired
/// batch. A pack of a recalled batch is `Recalled`, whatever else is true of it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub enum Verdict {
    /// Known product, lot and serial; the batch is active and in date; the pack is in the
    /// supply chain (or, for `check_pack`, dispensed).
    Genuine,
    /// No manufacturer registered this GTIN.
    UnknownProduct,
    /// The GTIN is registered, but no batch has this lot: a wrong lot printed on the pack.
    UnknownLot,
    /// The serial is outside the batch's range: counterfeit.
    UnknownSerial,
    /// A second pack with this serial was found: treat as counterfeit.
    Suspect,
    Recalled,
    Quarantined,
    Expired,
    /// The serial was dispensed already: this pack should not be in stock.
    Dispensed,
    /// The serial was destroyed.
    Destroyed,
    /// The serial is listed in a pending saleable return.
    Returning,
}

/// What `verify` reports about a pack.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub struct Verification {
    pub verdict: Verdict,
    pub batch: Option<BatchId>,
    pub expiry: Option<Timestamp>,
    /// Who dispensed the serial, when it was dispensed.
    pub dispensed_by: Option<AccountId>,
}

impl Verification {
    pub const fn unknown(verdict: Verdict) -> Verification {
        Verification {
            verdict,
            batch: None,
            expiry: None,
            dispensed_by: None,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum QuarantineReason {
    SuspectProduct,
    QualityInvestigation,
    TemperatureExcursion,
    DamagedPackaging,
    RegulatoryHold,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum RecallReason {
    SafetyIssue,
    QualityDefect,
    Contamination,
    Mislabeling,
    Counterfeit,
    RegulatoryAction,
}

/// A registered batch.
#[derive(Clone, PartialEq, Eq, Debug)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
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
    /// Set while a regulator holds the batch: only a regulator lifts such a hold.
    pub regulatory_hold: bool,
    pub recall_reason: Option<RecallReason>,
    pub registered_at: Timestamp,
    /// Packs shipped and not yet accepted, rejected or cancelled.
    pub in_transit: u64,
    pub dispensed: u64,
    pub destroyed: u64,
    /// Packs set aside by holders as suspect (a second pack with a serial seen before).
    pub set_aside: u64,
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

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum TransferKind {
    /// Forward shipment down the supply chain.
    Shipment,
    /// Saleable return from a dispenser to a distributor; its serials are reserved while pending
    /// and verified on acceptance.
    Return,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum TransferStatus {
    Pending,
    Accepted,
    Rejected,
    Cancelled,
}

/// Transaction information of one transfer (DSCSA TI: who, to whom, what, how many, when,
/// the shipping document's hash).
#[derive(Clone, PartialEq, Eq, Debug)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
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

/// What `dispense` did.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub enum DispenseOutcome {
    Dispensed,
    /// The serial left the supply chain before: the pack in hand is a second one. It is flagged
    /// suspect, set aside from the holder's stock (it must be quarantined physically), and the
    /// first record is kept.
    FlaggedSuspect,
}
