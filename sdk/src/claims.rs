//! Claim lines as a provider writes them and an insurer checks them. Nothing that names the care
//! reaches the chain: a line carries the provider's keyed hash of its service (`service_ref`,
//! HMAC-SHA-256 of code and date) and, for a pharmacy line, its pack's keyed commitment
//! (`pack_commitment`, HMAC-SHA-256 of batch and serial), both under the key the provider and the
//! insurer share off chain (the X12 837 / the claim document carries the clear values to the
//! insurer). Anyone else sees random-looking digests that no enumeration of batch ids and serials
//! inverts. The chain refuses exact duplicates under one key; the insurer — the party that pays —
//! checks a pharmacy line's pack against provenance before approving it ([`check_pack`]), which the
//! chain can no longer do without publishing the pack next to the patient.

use crate::ledger::ChainRead;
use crate::storage::get;
use crate::storage::paths::provenance as paths;
use carechain_common::{BatchId, BatchStatus, ClaimLine, DenialReason, Digest, SerialState};
use hmac::{Hmac, Mac};
use ink::primitives::AccountId;
use scale::Encode;

fn hmac(key: &[u8], parts: &[&[u8]]) -> Digest {
    let mut mac =
        <Hmac<sha2::Sha256> as Mac>::new_from_slice(key).expect("HMAC takes any key length");
    for part in parts {
        mac.update(part);
    }
    Digest(mac.finalize().into_bytes().into())
}

/// HMAC-SHA-256 of `code|date` under the provider–insurer key.
pub fn service_ref(key: &[u8], code: &str, date: &str) -> Digest {
    hmac(key, &[format!("{code}|{date}").as_bytes()])
}

/// A pharmacy line's pack, committed under the provider–insurer key: HMAC-SHA-256 of
/// `carechain-pack` and the SCALE encoding of (batch, serial).
pub fn pack_commitment(key: &[u8], batch: BatchId, serial: u64) -> Digest {
    hmac(key, &[b"carechain-pack", &(batch, serial).encode()])
}

/// One line as the provider knows it (the clear values stay off chain).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineInput {
    /// The service code (CPT, HCPCS, NDC…) and the date of service, `YYYY-MM-DD`.
    pub code: String,
    pub date: String,
    /// Minor units (cents).
    pub billed: u128,
    /// The dispensed pack a pharmacy line bills for: (batch, serial).
    pub pack: Option<(BatchId, u64)>,
}

/// The line as it goes on chain.
pub fn claim_line(key: &[u8], line: &LineInput) -> ClaimLine {
    ClaimLine {
        service_ref: service_ref(key, &line.code, &line.date),
        billed: line.billed,
        drug: line
            .pack
            .map(|(batch, serial)| pack_commitment(key, batch, serial)),
    }
}

/// What the insurer's check of a pharmacy line found.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum PackCheck {
    /// The commitment is this pack's, the claimant dispensed it, and its batch is in good
    /// standing.
    Verified,
    /// The line's commitment is not this pack's under the shared key.
    CommitmentMismatch,
    /// No such batch.
    UnknownBatch,
    /// The pack was not dispensed (still in the supply chain, returning, destroyed).
    NotDispensed,
    /// Someone else dispensed it.
    DispensedByAnother,
    /// A holder found a second pack with this serial.
    Suspect,
    BatchRecalled,
    BatchQuarantined,
}

impl PackCheck {
    /// How an insurer denies a line whose pack did not verify (`None`: it verified).
    pub fn denial(self) -> Option<DenialReason> {
        match self {
            PackCheck::Verified => None,
            _ => Some(DenialReason::PackNotVerified),
        }
    }
}

/// The insurer's check of a pharmacy line: `commitment` (from the claim on chain) must be the
/// pack's under `key`, the claimant must have dispensed it, and its batch must be neither
/// recalled nor quarantined, read from provenance's storage now.
pub fn check_pack<L: ChainRead>(
    l: &mut L,
    key: &[u8],
    claimant: AccountId,
    commitment: Digest,
    batch: BatchId,
    serial: u64,
) -> PackCheck {
    if pack_commitment(key, batch, serial) != commitment {
        return PackCheck::CommitmentMismatch;
    }
    let Some(record) = get(l, paths::BATCHES, &batch) else {
        return PackCheck::UnknownBatch;
    };
    match record.status {
        BatchStatus::Recalled => return PackCheck::BatchRecalled,
        BatchStatus::Quarantined => return PackCheck::BatchQuarantined,
        _ => {}
    }
    let Some(pack) = get(l, paths::SERIALS, &(batch, serial)) else {
        return PackCheck::NotDispensed;
    };
    if pack.suspect.is_some() {
        return PackCheck::Suspect;
    }
    if pack.state != SerialState::Dispensed {
        return PackCheck::NotDispensed;
    }
    if pack.by != claimant {
        return PackCheck::DispensedByAnother;
    }
    PackCheck::Verified
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commitments_bind_key_batch_and_serial() {
        let key = b"shared between pharmacy and insurer";
        let c = pack_commitment(key, 4, 1042);
        assert_eq!(c, pack_commitment(key, 4, 1042));
        for other in [
            pack_commitment(b"another key", 4, 1042),
            pack_commitment(key, 5, 1042),
            pack_commitment(key, 4, 1043),
            service_ref(key, "4", "1042"),
        ] {
            assert_ne!(c, other);
        }
        let line = claim_line(
            key,
            &LineInput {
                code: "00002-7510".into(),
                date: "2026-03-01".into(),
                billed: 4_000,
                pack: Some((4, 1042)),
            },
        );
        assert_eq!(line.drug, Some(c));
        assert_eq!(
            line.service_ref,
            service_ref(key, "00002-7510", "2026-03-01")
        );
    }
}
