//! Events of the consent contract (grants, record anchors, break-glass). Access decisions are
//! audit-log entries (`events::audit::Appended`).

use crate::consent_types::{Effect, EmergencyReason, GrantScope, Grantee};
use crate::ids::{Digest, EmergencyId, GrantId, PatientId, RecordId, Timestamp};
use crate::vocab::DataCategory;
use ink::primitives::AccountId;

/// A break-glass session was reviewed; `findings` is the SHA-256 of the review document.
#[ink::event]
pub struct EmergencyReviewed {
    #[ink(topic)]
    pub patient: PatientId,
    pub id: EmergencyId,
    pub by: AccountId,
    pub findings: Digest,
}

#[ink::event]
pub struct GrantCreated {
    #[ink(topic)]
    pub patient: PatientId,
    pub id: GrantId,
    pub grantee: Grantee,
    pub scope: GrantScope,
    pub effect: Effect,
    pub by: AccountId,
}

#[ink::event]
pub struct GrantChanged {
    #[ink(topic)]
    pub patient: PatientId,
    pub id: GrantId,
    pub scope: GrantScope,
    pub by: AccountId,
}

#[ink::event]
pub struct GrantRevoked {
    #[ink(topic)]
    pub patient: PatientId,
    pub id: GrantId,
    pub by: AccountId,
}

#[ink::event]
pub struct RecordAnchored {
    #[ink(topic)]
    pub patient: PatientId,
    #[ink(topic)]
    pub author: AccountId,
    pub id: RecordId,
    pub category: DataCategory,
    pub content_hash: Digest,
    pub version: u32,
    pub amends: Option<RecordId>,
    pub audit_seq: u64,
}

#[ink::event]
pub struct EmergencyOpened {
    #[ink(topic)]
    pub patient: PatientId,
    #[ink(topic)]
    pub provider: AccountId,
    pub id: EmergencyId,
    pub reason: EmergencyReason,
    pub expires_at: Timestamp,
    pub audit_seq: u64,
}

#[ink::event]
pub struct EmergencyClosed {
    #[ink(topic)]
    pub patient: PatientId,
    pub id: EmergencyId,
    pub by: AccountId,
    /// The audit entry, or `None` when it was queued (the log did not take it).
    pub audit_seq: Option<u64>,
}

#[ink::event]
pub struct EmergencyWindowChanged {
    pub window: Timestamp,
    pub by: AccountId,
}
