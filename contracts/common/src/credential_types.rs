//! Immunisation credentials with selective disclosure: types and the proof rules, shared by the
//! `credentials` contract (on-chain SHA-256 through ink's host function) and the off-chain
//! library (the same code, run natively).
//!
//! A credential is a SHA-256 Merkle tree over salted claims, padded to a power of two
//! (`2^depth` leaves, `depth <= MAX_TREE_DEPTH`). Hashes are domain-separated so a leaf can never
//! pass for an inner node:
//!
//! - leaf: `SHA-256(0x00 || salt[16] || len(name) || name || value)`
//! - node: `SHA-256(0x01 || left || right)`
//!
//! A presentation reveals chosen leaves (index, salt, name, value) with their sibling paths, the
//! `holder` leaf among them (its value: the holder's compressed secp256k1 public key), and the
//! holder's ECDSA signature over [`presentation_digest`] (credential, verifier's challenge, the
//! contract), so a presentation answers one challenge only.

// parity-scale-codec's derive casts variant indices (`usize` literals) to `u8` for enums whose
// variants carry data; clippy's cast lint (denied by cargo-contract) flags that generated code.
#![allow(clippy::cast_possible_truncation)]

use crate::claims_types::DrugRef;
use crate::ids::{CredentialId, Digest, Timestamp};
use ink::prelude::vec::Vec;
use ink::primitives::AccountId;

/// At most 64 claims (with padding) per credential.
pub const MAX_TREE_DEPTH: u8 = 6;
/// At most this many claims revealed in one presentation.
pub const MAX_REVEALED: usize = 8;
/// A claim's name and value are short codes (a product code, a date, a yes/no, a key).
pub const MAX_CLAIM_NAME: usize = 32;
pub const MAX_CLAIM_VALUE: usize = 64;
/// The name of the leaf that commits to the holder's key.
pub const HOLDER_CLAIM: &[u8] = b"holder";

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum CredentialStatus {
    Active,
    /// Set aside by its issuer; reinstatable.
    Suspended,
    /// Withdrawn for good.
    Revoked,
}

/// A credential's anchor: no patient id and no claim in the clear.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Credential {
    pub id: CredentialId,
    pub issuer: AccountId,
    pub root: Digest,
    pub depth: u8,
    /// The administered dose (its lot's status is checked at every verification).
    pub dose: DrugRef,
    pub issued_at: Timestamp,
    pub status: CredentialStatus,
}

/// One revealed claim with its Merkle path (siblings from the leaf up).
#[derive(Clone, PartialEq, Eq, Debug)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub struct RevealedClaim {
    pub index: u32,
    pub salt: [u8; 16],
    pub name: Vec<u8>,
    pub value: Vec<u8>,
    pub path: Vec<Digest>,
}

/// What a verification found; the same words on chain and off chain.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub enum PresentationVerdict {
    /// The revealed claims are in the credential, the holder signed this challenge, the
    /// credential is active and the dose's lot is in good standing.
    Valid,
    /// Revealed claim number `n` (in the order given) does not lead to the root (a tampered
    /// claim, salt or path), or is malformed.
    BadProof(u8),
    /// No `holder` claim was revealed: nobody can tell the presenter is the holder.
    HolderKeyNotRevealed,
    /// The signature is not the holder key's signature of this challenge.
    BadSignature,
    Suspended,
    Revoked,
    /// The dose's lot was recalled after the credential was issued.
    LotRecalled,
    /// The dose's lot is quarantined now.
    LotQuarantined,
    /// The dose's serial has been flagged suspect (a second pack with its serial).
    LotSuspect,
}

/// A verification's answer and the audit entry that records it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub struct PresentationResult {
    pub verdict: PresentationVerdict,
    pub audit_seq: u64,
}

fn sha256(input: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    ink::env::hash_bytes::<ink::env::hash::Sha2x256>(input, &mut out);
    out
}

/// The leaf of one claim.
pub fn leaf_hash(salt: &[u8; 16], name: &[u8], value: &[u8]) -> Digest {
    let mut input = Vec::new();
    input.push(0u8);
    input.extend_from_slice(salt);
    input.push(name.len() as u8);
    input.extend_from_slice(name);
    input.extend_from_slice(value);
    Digest(sha256(&input))
}

/// An inner node.
pub fn node_hash(left: &Digest, right: &Digest) -> Digest {
    let mut input = Vec::new();
    input.push(1u8);
    input.extend_from_slice(&left.0);
    input.extend_from_slice(&right.0);
    Digest(sha256(&input))
}

/// Whether a revealed claim leads to `root` in a tree of `depth`.
pub fn claim_in_tree(claim: &RevealedClaim, root: &Digest, depth: u8) -> bool {
    if claim.name.is_empty()
        || claim.name.len() > MAX_CLAIM_NAME
        || claim.value.len() > MAX_CLAIM_VALUE
        || claim.path.len() != usize::from(depth)
        || u64::from(claim.index).checked_shr(u32::from(depth)) != Some(0)
    {
        return false;
    }
    let mut node = leaf_hash(&claim.salt, &claim.name, &claim.value);
    let mut index = claim.index;
    for sibling in &claim.path {
        node = if index & 1 == 0 {
            node_hash(&node, sibling)
        } else {
            node_hash(sibling, &node)
        };
        index = index.checked_shr(1).unwrap_or(0);
    }
    node == *root
}

/// What the holder signs: `SHA-256("carechain/presentation/v1" || contract || credential ||
/// challenge)`.
pub fn presentation_digest(
    contract: &AccountId,
    credential: CredentialId,
    challenge: &Digest,
) -> [u8; 32] {
    let mut input = Vec::new();
    input.extend_from_slice(b"carechain/presentation/v1");
    input.extend_from_slice(contract.as_ref());
    input.extend_from_slice(&credential.to_le_bytes());
    input.extend_from_slice(&challenge.0);
    sha256(&input)
}

/// The proof part of a verification (paths and holder key), before status and lot: the first
/// failing check, or `Ok(holder key)`.
pub fn check_claims(
    claims: &[RevealedClaim],
    root: &Digest,
    depth: u8,
) -> core::result::Result<[u8; 33], PresentationVerdict> {
    if claims.is_empty() || claims.len() > MAX_REVEALED {
        return Err(PresentationVerdict::BadProof(0));
    }
    let mut holder = None;
    for (n, claim) in claims.iter().enumerate() {
        if !claim_in_tree(claim, root, depth) {
            return Err(PresentationVerdict::BadProof(n as u8));
        }
        if claim.name == HOLDER_CLAIM {
            holder = <[u8; 33]>::try_from(claim.value.as_slice()).ok();
        }
    }
    holder.ok_or(PresentationVerdict::HolderKeyNotRevealed)
}
