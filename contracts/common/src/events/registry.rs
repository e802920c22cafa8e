//! Events of the identity registry.

use crate::ids::{Digest, EncryptionKey, PatientId, Timestamp};
use crate::registry_types::{ControlChange, DelegateKind, OrgStatus};
use crate::vocab::RoleSet;
use ink::prelude::vec::Vec;
use ink::primitives::AccountId;

/// The patient refused break-glass access (`refuse`), or allowed it again.
#[ink::event]
pub struct BreakGlassRefusalSet {
    #[ink(topic)]
    pub patient: PatientId,
    pub refuse: bool,
}

#[ink::event]
pub struct OrganisationRegistered {
    #[ink(topic)]
    pub account: AccountId,
    pub roles: RoleSet,
    pub credential: Digest,
    pub key: EncryptionKey,
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
pub struct OrganisationKeyRotated {
    #[ink(topic)]
    pub account: AccountId,
    pub key: EncryptionKey,
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

/// Control moved. After a recovery, `epoch` is the new one: delegates and custodian were dropped
/// and every grant of an earlier epoch no longer applies.
#[ink::event]
pub struct ControlTransferred {
    #[ink(topic)]
    pub patient: PatientId,
    #[ink(topic)]
    pub controller: AccountId,
    pub previous: AccountId,
    pub via: ControlChange,
    pub epoch: u32,
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

/// The guardians and threshold now in force (also when a move of control changed them).
#[ink::event]
pub struct GuardiansSet {
    #[ink(topic)]
    pub patient: PatientId,
    pub guardians: Vec<AccountId>,
    pub threshold: u8,
}

#[ink::event]
pub struct CustodianSet {
    #[ink(topic)]
    pub patient: PatientId,
    pub custodian: Option<AccountId>,
}

#[ink::event]
pub struct RecoveryApproved {
    #[ink(topic)]
    pub patient: PatientId,
    #[ink(topic)]
    pub guardian: AccountId,
    pub new_controller: AccountId,
    pub approvals: u8,
    /// The account chosen now (this approval, or an earlier choice that still holds), and the
    /// registry's active time from which it may complete.
    pub chosen: Option<(AccountId, Timestamp)>,
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
