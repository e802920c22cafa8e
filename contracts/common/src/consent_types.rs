//! Types of the consent contract: grants, record anchors, break-glass sessions.

// parity-scale-codec's derive casts variant indices (`usize` literals) to `u8` for enums whose
// variants carry data; clippy's cast lint (denied by cargo-contract) flags that generated code.
#![allow(clippy::cast_possible_truncation)]

use crate::access_types::Decision;
use crate::ids::{Digest, EmergencyId, GrantId, PatientId, RecordId, Timestamp};
use crate::vocab::{CategorySet, DataCategory, Purpose, PurposeSet};
use ink::primitives::AccountId;

/// Most live grants one patient may have for one grantee (or for "anyone"). Checking access reads
/// at most two such lists, so its cost does not depend on how many grants exist in total.
pub const MAX_GRANTS_PER_GRANTEE: usize = 8;

/// Shortest and longest break-glass window governance may set.
pub const MIN_EMERGENCY_WINDOW: Timestamp = 3_600_000; // 1 hour
pub const MAX_EMERGENCY_WINDOW: Timestamp = 259_200_000; // 72 hours
pub const DEFAULT_EMERGENCY_WINDOW: Timestamp = 86_400_000; // 24 hours

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum Effect {
    Permit,
    /// Deny wins over any permit that covers the same category, purpose and time.
    Deny,
}

/// Who a grant is for.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum Grantee {
    Account(AccountId),
    /// Every organisation; only deny grants may use this ("no research use of my genomics").
    Anyone,
}

/// Category × purpose × time, with an effect.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct GrantScope {
    pub categories: CategorySet,
    pub purposes: PurposeSet,
    /// Start (inclusive).
    pub valid_from: Timestamp,
    /// End (exclusive): the grant applies up to `valid_until - 1` ms. FHIR exports give
    /// `Period.end` (inclusive) as `valid_until - 1` ms. `u64::MAX` for open-ended deny rules.
    pub valid_until: Timestamp,
}

impl GrantScope {
    pub fn covers(&self, category: DataCategory, purpose: Purpose) -> bool {
        self.categories.contains(category) && self.purposes.contains(purpose)
    }

    pub fn valid_at(&self, now: Timestamp) -> bool {
        self.valid_from <= now && now < self.valid_until
    }
}

/// A grant as stored and listed.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Grant {
    pub id: GrantId,
    pub patient: PatientId,
    /// The patient's registration this grant belongs to.
    pub registration: u64,
    /// The registration's recovery epoch when the grant was made: a completed recovery ends
    /// every permit made before it (by the lost key or by delegates it named); denials stay
    /// ([`grant_in_force`]).
    pub epoch: u32,
    pub grantee: Grantee,
    pub scope: GrantScope,
    pub effect: Effect,
    pub created_by: AccountId,
    pub created_at: Timestamp,
    pub revoked_at: Option<Timestamp>,
}

/// Whether a grant of `(registration, epoch)` and `effect` belongs to a patient whose
/// registration and recovery epoch are now `current`: a new registration of the id starts with
/// nothing; a completed recovery ends every earlier *permit* (a thief's included) but keeps the
/// patient's denials, which only ever take access away. The one rule the access decision, consent
/// and every view use.
pub fn grant_in_force(
    effect: Effect,
    (registration, epoch): (u64, u32),
    current: (u64, u32),
) -> bool {
    registration == current.0 && (effect == Effect::Deny || epoch == current.1)
}

impl Grant {
    /// See [`grant_in_force`].
    pub fn in_force_for(&self, current: (u64, u32)) -> bool {
        grant_in_force(self.effect, (self.registration, self.epoch), current)
    }
}

impl GrantSlot {
    /// See [`grant_in_force`].
    pub fn in_force_for(&self, current: (u64, u32)) -> bool {
        grant_in_force(self.effect, (self.registration, self.epoch), current)
    }
}

/// The live grant slots of one (patient, grantee), at most `MAX_GRANTS_PER_GRANTEE`.
pub type GrantSlots = ink::prelude::vec::Vec<GrantSlot>;

/// The compact copy of a live grant that access checks read.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct GrantSlot {
    pub id: GrantId,
    pub registration: u64,
    pub epoch: u32,
    pub scope: GrantScope,
    pub effect: Effect,
}

/// A medical record anchor (the record itself stays off chain, encrypted; its locator is kept by
/// the access contract, which releases it only with a granted decision).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct RecordMeta {
    pub id: RecordId,
    pub patient: PatientId,
    pub registration: u64,
    pub category: DataCategory,
    /// The credentialed provider that wrote this version.
    pub author: AccountId,
    /// SHA-256 of the record version's ciphertext (never of the plaintext, which a guess could
    /// confirm): what the record gateway checks at upload and the reader checks after download.
    pub content_hash: Digest,
    /// 1 for an original, +1 per amendment.
    pub version: u32,
    /// The version this one amends.
    pub amends: Option<RecordId>,
    /// The version that amends this one, once there is one.
    pub superseded_by: Option<RecordId>,
    pub created_at: Timestamp,
}

/// Answer to a record write: the decision, and the new record's id when granted.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub struct RecordWrite {
    pub decision: Decision,
    pub record: Option<RecordId>,
}

/// Why the glass was broken.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum EmergencyReason {
    /// The patient is unconscious and cannot consent.
    PatientUnconscious,
    /// Immediate threat to the patient's life or health.
    ThreatToLife,
    /// The patient lacks capacity and no delegate can be reached.
    LacksCapacity,
    /// Mass-casualty or declared public-health emergency.
    MassCasualty,
}

/// A break-glass session.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Emergency {
    pub id: EmergencyId,
    pub patient: PatientId,
    pub registration: u64,
    pub provider: AccountId,
    pub reason: EmergencyReason,
    pub opened_at: Timestamp,
    pub expires_at: Timestamp,
    pub closed_at: Option<Timestamp>,
    pub closed_by: Option<AccountId>,
    /// Every break-glass session is reviewed afterwards (a regulator or governance); until then
    /// the patient's and governance's lists show it as awaiting review.
    pub review: Option<Review>,
}

/// A break-glass session's review: who, when, and the SHA-256 of the review's findings (the
/// document stays off chain).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Review {
    pub by: AccountId,
    pub at: Timestamp,
    pub findings: Digest,
}

impl Emergency {
    pub fn is_open(&self, now: Timestamp) -> bool {
        self.closed_at.is_none() && now < self.expires_at
    }
}

/// What `break_glass` did. A refused attempt is logged (and answered), not reverted: failed
/// emergency access must leave a trace.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub enum BreakGlass {
    Opened(EmergencyId),
    Refused(Decision),
}
