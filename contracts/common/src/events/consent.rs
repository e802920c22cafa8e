//! Events of the consent contract (grants, access decisions, record anchors, break-glass).

use crate::audit::{AuditOutcome, AuditSubject};
use crate::consent_types::{Effect, EmergencyReason, GrantScope, Grantee};
use crate::ids::{Digest, EmergencyId, GrantId, PatientId, RecordId, Timestamp};
use crate::vocab::{DataCategory, Purpose};
use ink::primitives::AccountId;

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

/// Every access decision, granted or denied (the audit entry `audit_seq` holds the same).
#[ink::event]
pub struct AccessDecided {
    #[ink(topic)]
    pub patient: PatientId,
    #[ink(topic)]
    pub requester: AccountId,
    pub subject: AuditSubject,
    pub purpose: Purpose,
    pub outcome: AuditOutcome,
    pub audit_seq: u64,
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
    pub audit_seq: u64,
}

#[ink::event]
pub struct EmergencyWindowChanged {
    pub window: Timestamp,
    pub by: AccountId,
}

#[ink::event]
pub struct RelyingContractAdded {
    #[ink(topic)]
    pub account: AccountId,
    pub by: AccountId,
}

#[ink::event]
pub struct RelyingContractRemoved {
    #[ink(topic)]
    pub account: AccountId,
    pub by: AccountId,
}
