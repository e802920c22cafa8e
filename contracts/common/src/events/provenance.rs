//! Events of the drug provenance contract.

use crate::ids::{BatchId, Digest, Gtin, LotNumber, Timestamp};
use crate::provenance_types::{
    BatchStatus, QuarantineReason, RecallReason, TransferKind, TransferStatus,
};
use ink::primitives::AccountId;

/// A GTIN now belongs to `manufacturer` (its first registrant, or governance's assignment).
/// An investigation cleared a suspect serial (the second pack was not a counterfeit after
/// all); `by` is the manufacturer or a regulator.
#[ink::event]
pub struct SuspectCleared {
    #[ink(topic)]
    pub batch: BatchId,
    pub serial: u64,
    pub by: AccountId,
}

#[ink::event]
pub struct GtinAssigned {
    #[ink(topic)]
    pub gtin: Gtin,
    pub manufacturer: AccountId,
    pub by: AccountId,
}

#[ink::event]
pub struct BatchRegistered {
    #[ink(topic)]
    pub batch: BatchId,
    #[ink(topic)]
    pub manufacturer: AccountId,
    pub gtin: Gtin,
    pub lot: LotNumber,
    pub expiry: Timestamp,
    pub quantity: u64,
    pub coa_hash: Digest,
}

#[ink::event]
pub struct Shipped {
    #[ink(topic)]
    pub batch: BatchId,
    #[ink(topic)]
    pub to: AccountId,
    pub index: u64,
    pub kind: TransferKind,
    pub from: AccountId,
    pub quantity: u64,
    pub document_hash: Digest,
}

#[ink::event]
pub struct TransferSettled {
    #[ink(topic)]
    pub batch: BatchId,
    pub index: u64,
    pub status: TransferStatus,
    pub by: AccountId,
}

#[ink::event]
pub struct SerialDispensed {
    #[ink(topic)]
    pub batch: BatchId,
    pub serial: u64,
    pub by: AccountId,
}

#[ink::event]
pub struct SerialFlaggedSuspect {
    #[ink(topic)]
    pub batch: BatchId,
    pub serial: u64,
    pub by: AccountId,
}

#[ink::event]
pub struct PacksDestroyed {
    #[ink(topic)]
    pub batch: BatchId,
    pub count: u64,
    pub by: AccountId,
}

#[ink::event]
pub struct BatchQuarantined {
    #[ink(topic)]
    pub batch: BatchId,
    pub reason: QuarantineReason,
    /// A regulator holds it: only a regulator lifts the quarantine.
    pub regulatory_hold: bool,
    pub by: AccountId,
}

#[ink::event]
pub struct BatchStatusChanged {
    #[ink(topic)]
    pub batch: BatchId,
    pub status: BatchStatus,
    pub recall_reason: Option<RecallReason>,
    pub by: AccountId,
}
