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
//! A presentation gives the verifier, off chain, the chosen claims (index, salt, name, value) with
//! their sibling paths, the opening of the `holder` leaf (its value: the holder's compressed
//! secp256k1 public key) and the holder's ECDSA signature over [`presentation_digest`]
//! (credential, the verifier's account and challenge, the contract), so it answers one verifier's
//! one challenge only; the contract also refuses a challenge a verifier used before. What goes
//! on chain to `verify_presentation` — call arguments are public forever — is only the leaf
//! *hashes* of the chosen claims with their paths ([`ProvenLeaf`]), the holder leaf's opening
//! (salt and public key) and the signature: never a claim's name or value. The verifier computes
//! each leaf hash from the claim it received; the contract proves the leaves belong to the
//! credential.

// parity-scale-codec's derive casts variant indices (`usize` literals) to `u8` for enums whose
// variants carry data; clippy's cast lint (denied by cargo-contract) flags that generated code.
#![allow(clippy::cast_possible_truncation)]

use crate::claims_types::DrugRef;
use crate::ensure;
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
    /// Set aside by its issuer, a governor or a regulator; reinstatable by whoever set it aside
    /// (an issuer cannot lift an authority's suspension: `Credential::authority_hold`).
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
    /// Suspended by a governor or a regulator (not the issuer): only an authority reinstates it.
    pub authority_hold: bool,
}

/// A random salt of a leaf.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub struct Salt(pub [u8; 16]);

/// A holder's compressed secp256k1 public key.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub struct HolderPublicKey(pub [u8; 33]);

/// An ECDSA (secp256k1) signature: `r || s || recovery id`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub struct HolderSignature(pub [u8; 65]);

/// A chosen claim as the chain sees it: its leaf hash and Merkle path (siblings from the leaf
/// up). The claim itself stays between holder and verifier.
#[derive(Clone, PartialEq, Eq, Debug)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub struct ProvenLeaf {
    pub index: u32,
    pub leaf: Digest,
    pub path: Vec<Digest>,
}

/// The opened `holder` leaf: its salt and value (the holder's public key), with its path.
#[derive(Clone, PartialEq, Eq, Debug)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub struct HolderOpening {
    pub index: u32,
    pub salt: Salt,
    pub key: HolderPublicKey,
    pub path: Vec<Digest>,
}

impl HolderOpening {
    pub fn leaf(&self) -> ProvenLeaf {
        ProvenLeaf {
            index: self.index,
            leaf: leaf_hash(&self.salt.0, HOLDER_CLAIM, &self.key.0),
            path: self.path.clone(),
        }
    }
}

/// What a verification found; the same words on chain and off chain.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub enum PresentationVerdict {
    /// The revealed claims are in the credential, the holder signed this challenge, the
    /// credential is active and the dose's lot is in good standing.
    Valid,
    /// Chosen claim number `n` (in the order given) does not lead to the root (a tampered
    /// claim, salt or path, a claim of another credential), or there are none or too many.
    BadProof(u8),
    /// The holder leaf's opening does not lead to the root: the key is not this credential's.
    BadHolderProof,
    /// The signature is not the holder key's signature of this challenge.
    BadSignature,
    Suspended,
    Revoked,
    /// The dose's lot was recalled after the credential was issued.
    LotRecalled,
    /// The dose's lot is quarantined now.
    LotQuarantined,
    /// The dose's own serial is flagged suspect (a second pack with its serial), pending the
    /// manufacturer's or a regulator's investigation. A suspect serial taints no other dose.
    DoseSuspect,
    /// The issuer is suspended or revoked, or no longer holds an issuing role.
    IssuerNotInGoodStanding,
    /// A presentation that was valid for this verifier's challenge before: a replay.
    Replayed,
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

/// Whether a leaf leads to `root` in a tree of `depth`.
pub fn leaf_in_tree(leaf: &ProvenLeaf, root: &Digest, depth: u8) -> bool {
    if leaf.path.len() != usize::from(depth)
        || u64::from(leaf.index).checked_shr(u32::from(depth)) != Some(0)
    {
        return false;
    }
    let mut node = leaf.leaf;
    let mut index = leaf.index;
    for sibling in &leaf.path {
        node = if index & 1 == 0 {
            node_hash(&node, sibling)
        } else {
            node_hash(sibling, &node)
        };
        index = index.checked_shr(1).unwrap_or(0);
    }
    node == *root
}

/// Steps 4 and 5 of a verification, after the proof and the signature: the credential's status
/// (`None` when active), then the dose lot's current provenance verdict.
pub fn status_verdict(status: CredentialStatus) -> Option<PresentationVerdict> {
    match status {
        CredentialStatus::Active => None,
        CredentialStatus::Suspended => Some(PresentationVerdict::Suspended),
        CredentialStatus::Revoked => Some(PresentationVerdict::Revoked),
    }
}

pub fn lot_verdict(lot: crate::provenance_types::Verdict) -> PresentationVerdict {
    use crate::provenance_types::Verdict;
    match lot {
        Verdict::Recalled => PresentationVerdict::LotRecalled,
        Verdict::Quarantined => PresentationVerdict::LotQuarantined,
        Verdict::Suspect => PresentationVerdict::DoseSuspect,
        _ => PresentationVerdict::Valid,
    }
}

/// The roles that issue credentials.
pub fn issuer_roles() -> crate::vocab::RoleSet {
    use crate::vocab::{Role, RoleSet};
    RoleSet::of(&[Role::Provider, Role::PublicHealth])
}

/// A proven presentation's verdict, in the one order the contract and the off-chain verifier
/// share: the credential's status, then its issuer's standing now (an issuer suspended, revoked
/// or without an issuing role vouches for nothing), then the dose's lot now.
pub fn standing_verdict(
    status: CredentialStatus,
    issuer_roles_now: crate::vocab::RoleSet,
    lot: crate::provenance_types::Verdict,
) -> PresentationVerdict {
    if let Some(verdict) = status_verdict(status) {
        return verdict;
    }
    if !issuer_roles_now.intersects(issuer_roles()) {
        return PresentationVerdict::IssuerNotInGoodStanding;
    }
    lot_verdict(lot)
}

/// What an on-chain verification writes instead of the credential id (its event, its audit
/// entry): `SHA-256("carechain/verification/v1" || credential || verifier)`, a tag of its own
/// for each verifier, so entries of two verifiers about one credential do not link.
pub fn verification_tag(credential: CredentialId, verifier: &AccountId) -> Digest {
    let mut input = Vec::new();
    input.extend_from_slice(b"carechain/verification/v1");
    input.extend_from_slice(&credential.to_le_bytes());
    input.extend_from_slice(verifier.as_ref());
    Digest(sha256(&input))
}

/// What the holder signs: `SHA-256("carechain/presentation/v2" || contract || credential ||
/// verifier || challenge)`: one verifier's one challenge.
pub fn presentation_digest(
    contract: &AccountId,
    credential: CredentialId,
    verifier: &AccountId,
    challenge: &Digest,
) -> [u8; 32] {
    let mut input = Vec::new();
    input.extend_from_slice(b"carechain/presentation/v2");
    input.extend_from_slice(contract.as_ref());
    input.extend_from_slice(&credential.to_le_bytes());
    input.extend_from_slice(verifier.as_ref());
    input.extend_from_slice(&challenge.0);
    sha256(&input)
}

/// The proof part of a verification (the chosen leaves and the holder's key), before the
/// signature, status and lot: the first failing check, or `Ok(holder key)`.
pub fn check_leaves(
    leaves: &[ProvenLeaf],
    holder: &HolderOpening,
    root: &Digest,
    depth: u8,
) -> core::result::Result<[u8; 33], PresentationVerdict> {
    ensure!(
        !leaves.is_empty() && leaves.len() <= MAX_REVEALED,
        PresentationVerdict::BadProof(0)
    );
    for (n, leaf) in leaves.iter().enumerate() {
        ensure!(
            leaf_in_tree(leaf, root, depth),
            PresentationVerdict::BadProof(n as u8)
        );
    }
    ensure!(
        leaf_in_tree(&holder.leaf(), root, depth),
        PresentationVerdict::BadHolderProof
    );
    Ok(holder.key.0)
}
