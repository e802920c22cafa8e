//! Events of the audit log.

use crate::ids::Digest;
use ink::primitives::AccountId;

#[ink::event]
pub struct WriterAdded {
    #[ink(topic)]
    pub writer: AccountId,
    pub by: AccountId,
}

#[ink::event]
pub struct WriterRemoved {
    #[ink(topic)]
    pub writer: AccountId,
    pub by: AccountId,
}

/// One per appended entry; the entry itself is read from storage by sequence number.
#[ink::event]
pub struct EntryAppended {
    #[ink(topic)]
    pub writer: AccountId,
    pub seq: u64,
    pub hash: Digest,
}
