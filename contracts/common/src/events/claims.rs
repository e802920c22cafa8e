//! Events of the claims contract.

use crate::claims_types::ClaimStatus;
use crate::ids::{Balance, ClaimId, PatientId, PolicyId};
use ink::primitives::AccountId;

#[ink::event]
pub struct PolicyCreated {
    #[ink(topic)]
    pub policy: PolicyId,
    #[ink(topic)]
    pub insurer: AccountId,
    #[ink(topic)]
    pub patient: PatientId,
}

#[ink::event]
pub struct PolicyClosed {
    #[ink(topic)]
    pub policy: PolicyId,
}

#[ink::event]
pub struct EscrowChanged {
    #[ink(topic)]
    pub insurer: AccountId,
    /// Positive for a deposit, negative for a withdrawal.
    pub delta: i128,
    pub balance: Balance,
    pub committed: Balance,
}

#[ink::event]
pub struct ClaimSubmitted {
    #[ink(topic)]
    pub claim: ClaimId,
    #[ink(topic)]
    pub patient: PatientId,
    #[ink(topic)]
    pub provider: AccountId,
    pub policy: PolicyId,
    pub billed: Balance,
    pub replaces: Option<ClaimId>,
}

#[ink::event]
pub struct ClaimStatusChanged {
    #[ink(topic)]
    pub claim: ClaimId,
    pub status: ClaimStatus,
    pub approved: Balance,
    pub patient_share: Balance,
    pub by: AccountId,
}

#[ink::event]
pub struct ClaimSettled {
    #[ink(topic)]
    pub claim: ClaimId,
    #[ink(topic)]
    pub provider: AccountId,
    pub amount: Balance,
    pub patient_share: Balance,
}
