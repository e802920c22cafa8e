//! Events of the access contract (its wiring; decisions are audit-log entries).

use ink::primitives::AccountId;

#[ink::event]
pub struct WritersSet {
    pub registry: AccountId,
    pub consent: AccountId,
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
