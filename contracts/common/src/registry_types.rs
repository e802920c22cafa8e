//! Types of the identity registry that other contracts, dApps and tests read.

// parity-scale-codec's derive casts variant indices (`usize` literals) to `u8` for enums whose
// variants carry data; clippy's cast lint (denied by cargo-contract) flags that generated code.
#![allow(clippy::cast_possible_truncation)]

use crate::ids::{Digest, EncryptionKey, Timestamp};
use crate::vocab::RoleSet;
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
/// The shortest recovery delay governance may set: the controller always has a day to notice
/// and cancel a recovery it did not ask for. Time the registry spends paused does not count.
pub const MIN_RECOVERY_DELAY: Timestamp = 86_400_000; // 1 day
/// Approvals that have not reached the threshold this long after the first one lapse.
pub const RECOVERY_APPROVAL_WINDOW: Timestamp = 1_209_600_000; // 14 days

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum OrgStatus {
    Active,
    /// Temporarily holds no role (licence under review); can be reinstated.
    Suspended,
    /// Permanently holds no role; the account cannot be registered again.
    Revoked,
}

/// A credentialed organisation.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Organisation {
    pub roles: RoleSet,
    /// SHA-256 of the licence or accreditation document (the document stays off chain).
    pub credential: Digest,
    pub status: OrgStatus,
    pub since: Timestamp,
    /// The organisation's X25519 public key: record data keys are wrapped to it.
    pub key: EncryptionKey,
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
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum DelegateKind {
    /// Parent or legal guardian of a minor or of an adult lacking capacity.
    LegalGuardian,
    /// A carer the patient trusts with their consent decisions.
    Carer,
    /// A healthcare proxy / power of attorney.
    HealthcareProxy,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
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
#[derive(Clone, PartialEq, Eq, Debug)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Patient {
    pub controller: AccountId,
    pub key: EncryptionKey,
    /// Registration number, unique over the registry's life.
    pub registration: u64,
    pub registered_at: Timestamp,
    /// Completed recoveries: each one evicts delegates, custodian and every earlier grant.
    pub epoch: u32,
    /// Proposed new controller (two-step transfer).
    pub pending_controller: Option<AccountId>,
    pub delegates: Vec<Delegate>,
    pub guardians: Vec<AccountId>,
    /// Guardian approvals needed for a recovery; 0 when no guardians are named.
    pub threshold: u8,
    /// The organisation that holds a wrapped copy of every record key of this patient for
    /// break-glass access (see SECURITY.md); `None`: no emergency access to encrypted records.
    /// Never a provider: a custodian that could break the glass would serve itself.
    pub custodian: Option<AccountId>,
    /// The patient refuses break-glass access altogether (an advance directive): no provider
    /// can open an emergency session, and an open one stops counting.
    pub refuses_break_glass: bool,
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
///
/// Guardians vote for a new controller; each guardian backs one candidate at a time (approving
/// another moves its vote), so one guardian cannot hold a recovery hostage by opening it for an
/// account of its own. A candidate that reaches the threshold is chosen and may complete after
/// the recovery delay (counted in time the registry was not paused). Guardians can change the
/// choice: when votes move so that the chosen candidate falls below the threshold, the choice is
/// withdrawn, and a candidate that reaches the threshold then is chosen with a fresh delay.
/// Approvals that do not reach the threshold within `RECOVERY_APPROVAL_WINDOW` of the first one
/// lapse: the next approval starts afresh.
#[derive(Clone, PartialEq, Eq, Debug)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Recovery {
    /// Candidates with the guardians backing each (bit `i` = guardian `i` by position in
    /// `Patient::guardians`). The bit sets are disjoint and non-empty, so there are at most
    /// `MAX_GUARDIANS` candidates.
    pub candidates: Vec<(AccountId, u8)>,
    pub started_at: Timestamp,
    /// The chosen candidate, and the registry's active time (wall clock minus pauses) from which
    /// it may complete.
    pub chosen: Option<(AccountId, Timestamp)>,
}

// Guardian approvals are bits of a u8.
const _: () = assert!(MAX_GUARDIANS <= 8);

impl Recovery {
    pub fn new(started_at: Timestamp) -> Recovery {
        Recovery {
            candidates: Vec::new(),
            started_at,
            chosen: None,
        }
    }

    /// How many guardians back `candidate`.
    pub fn approvals_for(&self, candidate: &AccountId) -> u8 {
        self.candidates
            .iter()
            .find(|(c, _)| c == candidate)
            // count_ones of a u8 is at most 8, so the conversion cannot fail.
            .map(|(_, bits)| u8::try_from(bits.count_ones()).unwrap_or(u8::MAX))
            .unwrap_or(0)
    }

    /// The guardian with bit `bit` backs `candidate` (withdrawing its approval of any other).
    /// `None` when it backs `candidate` already; else the candidate's approval count.
    pub fn approve(&mut self, bit: u8, candidate: AccountId) -> Option<u8> {
        if self
            .candidates
            .iter()
            .any(|(c, bits)| *c == candidate && bits & bit != 0)
        {
            return None;
        }
        for entry in self.candidates.iter_mut() {
            entry.1 &= !bit;
        }
        self.candidates.retain(|(_, bits)| *bits != 0);
        match self.candidates.iter_mut().find(|(c, _)| *c == candidate) {
            Some(entry) => entry.1 |= bit,
            None => self.candidates.push((candidate, bit)),
        }
        Some(self.approvals_for(&candidate))
    }

    /// After votes moved: keep the choice while its candidate holds the threshold, else withdraw
    /// it and choose `candidate` if it reached the threshold (ready `delay` of active time after
    /// `active_now`). Returns whether `candidate` is (now) the chosen one.
    pub fn choose(
        &mut self,
        candidate: AccountId,
        threshold: u8,
        active_now: Timestamp,
        delay: Timestamp,
    ) -> bool {
        if let Some((chosen, _)) = self.chosen {
            if self.approvals_for(&chosen) >= threshold {
                return chosen == candidate;
            }
            self.chosen = None;
        }
        if self.approvals_for(&candidate) >= threshold {
            self.chosen = Some((candidate, active_now.saturating_add(delay)));
            return true;
        }
        false
    }
}

/// How control of a patient moved.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub enum ControlChange {
    Transfer,
    Recovery,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(n: u8) -> AccountId {
        AccountId::from([n; 32])
    }

    #[test]
    fn guardians_can_change_the_chosen_candidate() {
        // Three guardians (bits 1, 2, 4), threshold 2.
        let mut r = Recovery::new(0);
        assert_eq!(r.approve(1, account(7)), Some(1));
        assert!(!r.choose(account(7), 2, 10, 100));
        assert_eq!(r.approve(2, account(7)), Some(2));
        assert!(r.choose(account(7), 2, 10, 100));
        assert_eq!(r.chosen, Some((account(7), 110)));
        // Guardian 2 moves to another account: 7 falls below the threshold, the choice goes.
        assert_eq!(r.approve(2, account(8)), Some(1));
        assert!(!r.choose(account(8), 2, 20, 100));
        assert_eq!(r.chosen, None);
        // Guardian 4 backs 8 too: 8 is chosen with a fresh delay.
        assert_eq!(r.approve(4, account(8)), Some(2));
        assert!(r.choose(account(8), 2, 30, 100));
        assert_eq!(r.chosen, Some((account(8), 130)));
        assert_eq!(r.approve(4, account(8)), None);
    }
}
