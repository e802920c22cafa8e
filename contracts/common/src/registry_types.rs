//! Types of the identity registry that other contracts, dApps and tests read.

use crate::ids::{EncryptionKey, Timestamp};
use crate::vocab::RoleSet;
use crate::Digest;
use ink::prelude::vec::Vec;
use ink::primitives::AccountId;

/// Most delegates a patient may have at once.
pub const MAX_DELEGATES: usize = 8;
/// Most recovery guardians a patient may name.
pub const MAX_GUARDIANS: usize = 5;
/// Longest delay governance may set between a recovery reaching its threshold and taking effect.
pub const MAX_RECOVERY_DELAY: Timestamp = 2_592_000_000; // 30 days
/// Delay a fresh registry starts with.
pub const DEFAULT_RECOVERY_DELAY: Timestamp = 172_800_000; // 2 days

#[derive(Clone, Copy, PartialEq, Eq, Debug, scale::Encode, scale::Decode)]
#[cfg_attr(
    feature = "std",
    derive(scale_info::TypeInfo, ink::storage::traits::StorageLayout)
)]
pub enum OrgStatus {
    Active,
    /// Temporarily holds no role (licence under review); can be reinstated.
    Suspended,
    /// Permanently holds no role; the account cannot be registered again.
    Revoked,
}

/// A credentialed organisation.
#[derive(Clone, Copy, PartialEq, Eq, Debug, scale::Encode, scale::Decode)]
#[cfg_attr(
    feature = "std",
    derive(scale_info::TypeInfo, ink::storage::traits::StorageLayout)
)]
pub struct Organisation {
    pub roles: RoleSet,
    /// SHA-256 of the licence or accreditation document (the document stays off chain).
    pub credential: Digest,
    pub status: OrgStatus,
    pub since: Timestamp,
}

impl Organisation {
    /// Roles in effect: none unless active.
    pub fn effective_roles(&self) -> RoleSet {
        if self.status == OrgStatus::Active {
            self.roles
        } else {
            RoleSet::EMPTY
        }
    }
}

/// Why someone acts for a patient.
#[derive(Clone, Copy, PartialEq, Eq, Debug, scale::Encode, scale::Decode)]
#[cfg_attr(
    feature = "std",
    derive(scale_info::TypeInfo, ink::storage::traits::StorageLayout)
)]
pub enum DelegateKind {
    /// Parent or legal guardian of a minor or of an adult lacking capacity.
    LegalGuardian,
    /// A carer the patient trusts with their consent decisions.
    Carer,
    /// A healthcare proxy / power of attorney.
    HealthcareProxy,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug, scale::Encode, scale::Decode)]
#[cfg_attr(
    feature = "std",
    derive(scale_info::TypeInfo, ink::storage::traits::StorageLayout)
)]
pub struct Delegate {
    pub account: AccountId,
    pub kind: DelegateKind,
    /// The delegation ends at this time (exclusive); `None` means until removed.
    pub until: Option<Timestamp>,
}

impl Delegate {
    pub fn is_active(&self, now: Timestamp) -> bool {
        self.until.is_none_or(|until| now < until)
    }
}

/// A registered patient. Holds no personal data: a random id, accounts, a public key.
#[derive(Clone, PartialEq, Eq, Debug, scale::Encode, scale::Decode)]
#[cfg_attr(
    feature = "std",
    derive(scale_info::TypeInfo, ink::storage::traits::StorageLayout)
)]
pub struct Patient {
    pub controller: AccountId,
    pub key: EncryptionKey,
    /// Registration number, unique over the registry's life.
    pub registration: u64,
    pub registered_at: Timestamp,
    /// Proposed new controller (two-step transfer).
    pub pending_controller: Option<AccountId>,
    pub delegates: Vec<Delegate>,
    pub guardians: Vec<AccountId>,
    /// Guardian approvals needed for a recovery; 0 when no guardians are named.
    pub threshold: u8,
}

impl Patient {
    pub fn active_delegate(&self, account: &AccountId, now: Timestamp) -> bool {
        self.delegates
            .iter()
            .any(|d| d.account == *account && d.is_active(now))
    }

    pub fn guardian_index(&self, account: &AccountId) -> Option<usize> {
        self.guardians.iter().position(|g| g == account)
    }
}

/// A social recovery under way.
#[derive(Clone, Copy, PartialEq, Eq, Debug, scale::Encode, scale::Decode)]
#[cfg_attr(
    feature = "std",
    derive(scale_info::TypeInfo, ink::storage::traits::StorageLayout)
)]
pub struct Recovery {
    pub new_controller: AccountId,
    /// Bit `i` set when guardian `i` (by position in `Patient::guardians`) approved.
    pub approvals: u8,
    pub started_at: Timestamp,
    /// Set once the threshold is reached: the new controller may complete from then on.
    pub ready_at: Option<Timestamp>,
}

impl Recovery {
    pub fn approval_count(&self) -> u8 {
        // count_ones of a u8 is at most 8, so the cast cannot truncate.
        u8::try_from(self.approvals.count_ones()).unwrap_or(u8::MAX)
    }
}

/// How control of a patient moved.
#[derive(Clone, Copy, PartialEq, Eq, Debug, scale::Encode, scale::Decode)]
#[cfg_attr(feature = "std", derive(scale_info::TypeInfo))]
pub enum ControlChange {
    Transfer,
    Recovery,
}
