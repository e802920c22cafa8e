//! Events of the immunisation credentials contract: ids, hashes and states only.

use crate::claims_types::DrugRef;
use crate::credential_types::{CredentialStatus, PresentationVerdict};
use crate::ids::{CredentialId, Digest};
use ink::primitives::AccountId;

#[ink::event]
pub struct CredentialIssued {
    #[ink(topic)]
    pub id: CredentialId,
    #[ink(topic)]
    pub issuer: AccountId,
    pub root: Digest,
    pub dose: DrugRef,
}

#[ink::event]
pub struct CredentialStatusChanged {
    #[ink(topic)]
    pub id: CredentialId,
    pub status: CredentialStatus,
    pub by: AccountId,
}

/// A presentation was verified (the verifier, the verdict and the audit entry).
#[ink::event]
pub struct PresentationVerified {
    /// `verification_tag(credential, verifier)`: never the credential id, so two verifiers'
    /// events about one credential do not link.
    #[ink(topic)]
    pub tag: Digest,
    #[ink(topic)]
    pub verifier: AccountId,
    pub verdict: PresentationVerdict,
    pub audit_seq: u64,
}
