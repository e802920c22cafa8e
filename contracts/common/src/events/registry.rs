//! Events of the identity registry.

use crate::ids::{Digest, EncryptionKey, PatientId, Timestamp};
use crate::registry_types::{ControlChange, DelegateKind, OrgStatus};
use crate::vocab::RoleSet;
use ink::prelude::vec::Vec;
use ink::primitives::AccountId;

#[ink::event]
pub struct OrganisationRegistered {
    #[ink(topic)]
    pub account: AccountId,
    pub roles: RoleSet,
    pub credential: Digest,
    pub by: AccountId,
}

#[ink::event]
pub struct OrganisationUpdated {
    #[ink(topic)]
    pub account: AccountId,
    pub roles: RoleSet,
    pub credential: Digest,
    pub by: AccountId,
}

#[ink::event]
pub struct OrganisationStatusChanged {
    #[ink(topic)]
    pub account: AccountId,
    pub status: OrgStatus,
    pub by: AccountId,
}

#[ink::event]
pub struct PatientRegistered {
    #[ink(topic)]
    pub patient: PatientId,
    #[ink(topic)]
    pub controller: AccountId,
    pub registration: u64,
    pub key: EncryptionKey,
}

#[ink::event]
pub struct PatientKeyRotated {
    #[ink(topic)]
    pub patient: PatientId,
    pub key: EncryptionKey,
}

#[ink::event]
pub struct ControlTransferProposed {
    #[ink(topic)]
    pub patient: PatientId,
    /// `None` when a pending proposal was withdrawn.
    pub proposed: Option<AccountId>,
}

#[ink::event]
pub struct ControlTransferred {
    #[ink(topic)]
    pub patient: PatientId,
    #[ink(topic)]
    pub controller: AccountId,
    pub previous: AccountId,
    pub via: ControlChange,
}

#[ink::event]
pub struct DelegateAdded {
    #[ink(topic)]
    pub patient: PatientId,
    #[ink(topic)]
    pub delegate: AccountId,
    pub kind: DelegateKind,
    pub until: Option<Timestamp>,
}

#[ink::event]
pub struct DelegateRemoved {
    #[ink(topic)]
    pub patient: PatientId,
    #[ink(topic)]
    pub delegate: AccountId,
    pub by: AccountId,
}

#[ink::event]
pub struct GuardiansSet {
    #[ink(topic)]
    pub patient: PatientId,
    pub guardians: Vec<AccountId>,
    pub threshold: u8,
}

#[ink::event]
pub struct RecoveryApproved {
    #[ink(topic)]
    pub patient: PatientId,
    #[ink(topic)]
    pub guardian: AccountId,
    pub new_controller: AccountId,
    pub approvals: u8,
    /// Set when this approval reached the threshold.
    pub ready_at: Option<Timestamp>,
}

#[ink::event]
pub struct RecoveryCancelled {
    #[ink(topic)]
    pub patient: PatientId,
    pub by: AccountId,
}

#[ink::event]
pub struct RecoveryDelayChanged {
    pub delay: Timestamp,
    pub by: AccountId,
}

#[ink::event]
pub struct PatientDeregistered {
    #[ink(topic)]
    pub patient: PatientId,
    pub registration: u64,
}
