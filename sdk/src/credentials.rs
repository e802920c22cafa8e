//! Immunisation credentials off chain: build a credential's salted claims and Merkle root from a
//! FHIR R4 `Immunization` (issuer), derive a presentation of chosen claims signed over a
//! verifier's challenge (holder), and verify one off chain with the contract's rules (verifier).
//! The proof rules themselves ([`carechain_common::check_claims`], leaf and node hashes) are the
//! contract's own code, shared through `carechain-common`.
//!
//! What the holder keeps (the [`Wallet`]: every claim with its salt) is private; what goes on
//! chain is the root, the depth and the dose; what a verifier sees is only what is revealed.

use carechain_common::{
    check_leaves, leaf_hash, node_hash, presentation_digest, standing_verdict, CredentialId,
    CredentialStatus, Digest, HolderOpening, HolderPublicKey, HolderSignature, PresentationVerdict,
    ProvenLeaf, RoleSet, Salt, Verdict, HOLDER_CLAIM, MAX_CLAIM_NAME, MAX_CLAIM_VALUE,
    MAX_TREE_DEPTH,
};
use ink::primitives::AccountId;
use k256::ecdsa::{RecoveryId, Signature, SigningKey, VerifyingKey};
use rand::RngCore;
use serde_json::Value;

/// A chosen claim as the holder shows it to the verifier (off chain): the opening of its leaf
/// and its Merkle path. On chain only its leaf hash goes ([`RevealedClaim::proven`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RevealedClaim {
    pub index: u32,
    pub salt: [u8; 16],
    pub name: Vec<u8>,
    pub value: Vec<u8>,
    pub path: Vec<Digest>,
}

impl RevealedClaim {
    /// The leaf hash and path: what the verifier passes to the contract.
    pub fn proven(&self) -> ProvenLeaf {
        ProvenLeaf {
            index: self.index,
            leaf: leaf_hash(&self.salt, &self.name, &self.value),
            path: self.path.clone(),
        }
    }

    fn well_formed(&self) -> bool {
        !self.name.is_empty()
            && self.name.len() <= MAX_CLAIM_NAME
            && self.value.len() <= MAX_CLAIM_VALUE
            && self.name != HOLDER_CLAIM
    }
}

/// What the holder hands a verifier: the chosen claims, the holder leaf's opening, the
/// signature over the verifier's challenge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Presentation {
    pub credential: CredentialId,
    pub challenge: Digest,
    pub claims: Vec<RevealedClaim>,
    pub holder: HolderOpening,
    pub signature: HolderSignature,
}

impl Presentation {
    /// The arguments of `verify_presentation`: leaf hashes only, no claim in the clear.
    pub fn call_args(
        &self,
    ) -> (
        CredentialId,
        Digest,
        Vec<ProvenLeaf>,
        HolderOpening,
        HolderSignature,
    ) {
        (
            self.credential,
            self.challenge,
            self.claims.iter().map(RevealedClaim::proven).collect(),
            self.holder.clone(),
            self.signature,
        )
    }
}

/// One claim: a short name and a short value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Claim {
    pub name: String,
    pub value: Vec<u8>,
}

impl Claim {
    pub fn new(name: &str, value: impl AsRef<[u8]>) -> Claim {
        Claim {
            name: name.to_owned(),
            value: value.as_ref().to_vec(),
        }
    }
}

/// The holder's copy of a credential: every leaf (claim + salt), padded to a power of two.
#[derive(Clone, Debug)]
pub struct Wallet {
    pub leaves: Vec<([u8; 16], Claim)>,
    pub depth: u8,
    pub root: Digest,
}

/// The holder's key: a secp256k1 key (the contract verifies with `ecdsa_recover`).
pub struct HolderKey(SigningKey);

impl HolderKey {
    pub fn random() -> HolderKey {
        HolderKey(SigningKey::random(&mut rand::rngs::OsRng))
    }

    /// A key derived from a seed (demo and tests: the same name gives the same key).
    pub fn from_seed(seed: &[u8]) -> HolderKey {
        let mut n = 0u32;
        loop {
            let material = carechain_common::leaf_hash(
                &[0u8; 16],
                b"holder-seed",
                &[seed, &n.to_le_bytes()].concat(),
            );
            if let Ok(key) = SigningKey::from_bytes((&material.0).into()) {
                return HolderKey(key);
            }
            n += 1;
        }
    }

    /// The compressed public key (the `holder` claim's value).
    pub fn public(&self) -> [u8; 33] {
        let point = self.0.verifying_key().to_encoded_point(true);
        let mut out = [0u8; 33];
        out.copy_from_slice(point.as_bytes());
        out
    }

    /// Sign a 32-byte digest: `r || s || recovery id`.
    pub fn sign(&self, digest: &[u8; 32]) -> [u8; 65] {
        let (signature, recovery): (Signature, RecoveryId) = self
            .0
            .sign_prehash_recoverable(digest)
            .expect("signing a 32-byte digest");
        let mut out = [0u8; 65];
        out[..64].copy_from_slice(&signature.to_bytes());
        out[64] = recovery.to_byte();
        out
    }
}

/// Why a credential could not be built.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BuildError {
    TooManyClaims(usize),
    ClaimTooLong(String),
    /// A claim may not be called `holder` (that leaf is the holder key's).
    ReservedName,
    /// The FHIR resource lacks what a credential needs.
    Fhir(String),
}

/// Build the tree: the claims, then the holder's key, then random padding to `2^depth`.
pub fn build(claims: &[Claim], holder: &[u8; 33]) -> Result<Wallet, BuildError> {
    let mut leaves: Vec<([u8; 16], Claim)> = Vec::new();
    let salt = || {
        let mut s = [0u8; 16];
        rand::rngs::OsRng.fill_bytes(&mut s);
        s
    };
    for claim in claims {
        if claim.name.as_bytes() == HOLDER_CLAIM {
            return Err(BuildError::ReservedName);
        }
        if claim.name.is_empty()
            || claim.name.len() > MAX_CLAIM_NAME
            || claim.value.len() > MAX_CLAIM_VALUE
        {
            return Err(BuildError::ClaimTooLong(claim.name.clone()));
        }
        leaves.push((salt(), claim.clone()));
    }
    leaves.push((salt(), Claim::new("holder", holder)));
    let max = 1usize << MAX_TREE_DEPTH;
    if leaves.len() > max {
        return Err(BuildError::TooManyClaims(leaves.len()));
    }
    let mut depth = 1u8;
    while (1usize << depth) < leaves.len() {
        depth += 1;
    }
    while leaves.len() < (1usize << depth) {
        // Padding leaves look like any other leaf to whoever sees only hashes.
        let mut filler = [0u8; 16];
        rand::rngs::OsRng.fill_bytes(&mut filler);
        leaves.push((salt(), Claim::new("pad", filler)));
    }
    let root = levels(&leaves).last().expect("a root level")[0];
    Ok(Wallet {
        leaves,
        depth,
        root,
    })
}

fn levels(leaves: &[([u8; 16], Claim)]) -> Vec<Vec<Digest>> {
    let mut levels = vec![leaves
        .iter()
        .map(|(salt, c)| leaf_hash(salt, c.name.as_bytes(), &c.value))
        .collect::<Vec<_>>()];
    while levels.last().map(Vec::len).unwrap_or(1) > 1 {
        let below = levels.last().expect("a level");
        levels.push(
            below
                .chunks(2)
                .map(|pair| node_hash(&pair[0], &pair[1]))
                .collect(),
        );
    }
    levels
}

impl Wallet {
    fn path(&self, levels: &[Vec<Digest>], index: usize) -> Vec<Digest> {
        let mut path = Vec::new();
        let mut i = index;
        for level in &levels[..levels.len() - 1] {
            path.push(level[i ^ 1]);
            i /= 2;
        }
        path
    }

    /// The named claims, opened, with their paths.
    pub fn reveal(&self, names: &[&str]) -> Result<Vec<RevealedClaim>, String> {
        let levels = levels(&self.leaves);
        let mut out: Vec<RevealedClaim> = Vec::new();
        for name in names {
            if name.as_bytes() == HOLDER_CLAIM {
                continue;
            }
            let index = self
                .leaves
                .iter()
                .position(|(_, c)| c.name == *name)
                .ok_or_else(|| format!("the credential has no claim {name:?}"))?;
            if out.iter().any(|c| c.index as usize == index) {
                continue;
            }
            let (salt, claim) = &self.leaves[index];
            out.push(RevealedClaim {
                index: index as u32,
                salt: *salt,
                name: claim.name.as_bytes().to_vec(),
                value: claim.value.clone(),
                path: self.path(&levels, index),
            });
        }
        Ok(out)
    }

    /// The holder leaf's opening (salt, public key, path).
    pub fn holder_opening(&self) -> Result<HolderOpening, String> {
        let index = self
            .leaves
            .iter()
            .position(|(_, c)| c.name.as_bytes() == HOLDER_CLAIM)
            .ok_or("the wallet has no holder leaf")?;
        let (salt, claim) = &self.leaves[index];
        let key: [u8; 33] = claim
            .value
            .as_slice()
            .try_into()
            .map_err(|_| "the holder leaf is not a key")?;
        Ok(HolderOpening {
            index: index as u32,
            salt: Salt(*salt),
            key: HolderPublicKey(key),
            path: self.path(&levels(&self.leaves), index),
        })
    }

    /// A presentation of the named claims for one verifier (its account) and its challenge.
    pub fn present(
        &self,
        names: &[&str],
        key: &HolderKey,
        contract: &AccountId,
        credential: CredentialId,
        verifier: &AccountId,
        challenge: &Digest,
    ) -> Result<Presentation, String> {
        Ok(Presentation {
            credential,
            challenge: *challenge,
            claims: self.reveal(names)?,
            holder: self.holder_opening()?,
            signature: HolderSignature(key.sign(&presentation_digest(
                contract, credential, verifier, challenge,
            ))),
        })
    }
}

/// What the off-chain verifier reads from the chain about a credential now: its anchor and
/// status, its issuer's effective roles, its dose's provenance verdict.
#[derive(Clone, Copy, Debug)]
pub struct Standing {
    pub root: Digest,
    pub depth: u8,
    pub status: CredentialStatus,
    pub issuer_roles: RoleSet,
    pub lot: Verdict,
}

impl Standing {
    /// Read a credential's standing from the chain now (`None`: no such credential): its anchor,
    /// its issuer's effective roles (access), its dose's verdict (a dry run of provenance).
    pub fn read<L: crate::ChainWrite>(l: &mut L, id: CredentialId) -> Option<Standing> {
        let credential = crate::view::credential(l, id)?;
        let issuer_roles = crate::view::effective_roles(l, credential.issuer).unwrap_or_default();
        let lot = l
            .query(
                crate::msg::provenance::VERIFY_SERIAL,
                (credential.dose.batch, credential.dose.serial),
            )
            .verdict;
        Some(Standing {
            root: credential.root,
            depth: credential.depth,
            status: credential.status,
            issuer_roles,
            lot,
        })
    }
}

/// The contract's verification, off chain (the default: nothing is written anywhere): the same
/// proof rules (on the leaf hashes the verifier computes from the claims it received), the
/// holder's signature over this verifier's challenge, and the same standing rule
/// (`standing_verdict`: status, issuer, lot) as read from the chain. Fresh challenges are the
/// verifier's to choose; the contract refuses a reused one.
pub fn verify_offchain(
    standing: &Standing,
    contract: &AccountId,
    verifier: &AccountId,
    p: &Presentation,
) -> PresentationVerdict {
    let (root, depth) = (&standing.root, standing.depth);
    if let Some(n) = p.claims.iter().position(|c| !c.well_formed()) {
        return PresentationVerdict::BadProof(n as u8);
    }
    let (_, _, leaves, holder, signature) = p.call_args();
    let holder = match check_leaves(&leaves, &holder, root, depth) {
        Ok(holder) => holder,
        Err(verdict) => return verdict,
    };
    let digest = presentation_digest(contract, p.credential, verifier, &p.challenge);
    let recovered = Signature::from_slice(&signature.0[..64])
        .ok()
        .and_then(|sig| {
            let id = RecoveryId::from_byte(signature.0[64] % 27)?;
            VerifyingKey::recover_from_prehash(&digest, &sig, id).ok()
        });
    match recovered {
        Some(key) if key.to_encoded_point(true).as_bytes() == holder => {}
        _ => return PresentationVerdict::BadSignature,
    }
    standing_verdict(standing.status, standing.issuer_roles, standing.lot)
}

/// Claims from a FHIR R4 `Immunization`: vaccine (CVX code), dose number, date, lot; plus
/// `fully-vaccinated:<target>` = `yes` when the dose completes the series (`seriesDoses`), and
/// any predicates the issuer computed from its own records (`extra`, e.g. `age-18-plus@<date>`).
pub fn claims_from_immunization(
    immunization: &Value,
    extra: &[Claim],
) -> Result<Vec<Claim>, BuildError> {
    let fail = |what: &str| BuildError::Fhir(format!("Immunization without {what}"));
    if immunization["resourceType"] != "Immunization" || immunization["status"] != "completed" {
        return Err(BuildError::Fhir(
            "a completed Immunization is needed".into(),
        ));
    }
    let vaccine = immunization["vaccineCode"]["coding"][0]["code"]
        .as_str()
        .ok_or_else(|| fail("vaccineCode"))?;
    let date = immunization["occurrenceDateTime"]
        .as_str()
        .ok_or_else(|| fail("occurrenceDateTime"))?;
    let date = date.get(..10).ok_or_else(|| fail("a full date"))?;
    let lot = immunization["lotNumber"]
        .as_str()
        .ok_or_else(|| fail("lotNumber"))?;
    let protocol = &immunization["protocolApplied"][0];
    let dose = protocol["doseNumberPositiveInt"]
        .as_u64()
        .ok_or_else(|| fail("protocolApplied.doseNumberPositiveInt"))?;
    let mut claims = vec![
        Claim::new("vaccine", vaccine),
        Claim::new("dose", dose.to_string()),
        Claim::new("date", date),
        Claim::new("lot", lot),
    ];
    if let (Some(series), Some(target)) = (
        protocol["seriesDosesPositiveInt"].as_u64(),
        protocol["targetDisease"][0]["coding"][0]["code"].as_str(),
    ) {
        if dose >= series {
            claims.push(Claim::new(&format!("fully-vaccinated:{target}"), "yes"));
        }
    }
    claims.extend_from_slice(extra);
    Ok(claims)
}

// ------------------------------------------------------------------------------ files

impl HolderKey {
    /// The secret scalar, hex (for the holder's key file; never printed by the tools).
    pub fn secret_hex(&self) -> String {
        hex::encode(self.0.to_bytes())
    }

    pub fn from_secret_hex(text: &str) -> Result<HolderKey, String> {
        let bytes =
            hex::decode(text.trim()).map_err(|_| "the holder key file is not hex".to_owned())?;
        SigningKey::from_slice(&bytes)
            .map(HolderKey)
            .map_err(|_| "the holder key file holds no secp256k1 secret key".to_owned())
    }
}

fn claim_json(salt: &[u8; 16], name: &str, value: &[u8]) -> Value {
    serde_json::json!({"salt": hex::encode(salt), "name": name, "value": hex::encode(value)})
}

fn bytes16(v: &Value) -> Result<[u8; 16], String> {
    hex::decode(v.as_str().unwrap_or_default())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| "a salt is 16 bytes hex".to_owned())
}

fn digest_of(v: &Value) -> Result<Digest, String> {
    hex::decode(v.as_str().unwrap_or_default().trim_start_matches("0x"))
        .ok()
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .map(Digest)
        .ok_or_else(|| "a digest is 32 bytes hex".to_owned())
}

impl Wallet {
    /// The holder's file: every claim with its salt (keep it private: with it, anyone can
    /// present the claims, though not sign for the holder's key).
    pub fn to_json(&self) -> Value {
        serde_json::json!({
            "root": hex::encode(self.root.0),
            "depth": self.depth,
            "leaves": self.leaves.iter().map(|(salt, c)| claim_json(salt, &c.name, &c.value)).collect::<Vec<_>>(),
        })
    }

    pub fn from_json(v: &Value) -> Result<Wallet, String> {
        let leaves = v["leaves"]
            .as_array()
            .ok_or("a wallet has leaves")?
            .iter()
            .map(|l| {
                let value = hex::decode(l["value"].as_str().unwrap_or_default())
                    .map_err(|_| "a value is hex".to_owned())?;
                Ok((
                    bytes16(&l["salt"])?,
                    Claim {
                        name: l["name"].as_str().unwrap_or_default().to_owned(),
                        value,
                    },
                ))
            })
            .collect::<Result<Vec<_>, String>>()?;
        let wallet = Wallet {
            leaves,
            depth: v["depth"]
                .as_u64()
                .and_then(|d| u8::try_from(d).ok())
                .ok_or("a wallet has a depth")?,
            root: digest_of(&v["root"])?,
        };
        let recomputed = levels(&wallet.leaves).last().map(|top| top[0]);
        if recomputed != Some(wallet.root) || wallet.leaves.len() != 1usize << wallet.depth {
            return Err("the wallet's leaves do not give its root".into());
        }
        Ok(wallet)
    }
}

impl Presentation {
    /// JSON as a verifier receives it.
    pub fn to_json(&self) -> Value {
        serde_json::json!({
            "credential": self.credential,
            "challenge": hex::encode(self.challenge.0),
            "claims": self.claims.iter().map(|c| {
                let mut v = claim_json(&c.salt, &String::from_utf8_lossy(&c.name), &c.value);
                v["index"] = serde_json::json!(c.index);
                v["path"] = serde_json::json!(c.path.iter().map(|d| hex::encode(d.0)).collect::<Vec<_>>());
                v
            }).collect::<Vec<_>>(),
            "holder": {"index": self.holder.index, "salt": hex::encode(self.holder.salt.0),
                       "key": hex::encode(self.holder.key.0),
                       "path": self.holder.path.iter().map(|d| hex::encode(d.0)).collect::<Vec<_>>()},
            "signature": hex::encode(self.signature.0),
        })
    }

    pub fn from_json(v: &Value) -> Result<Presentation, String> {
        let index = |v: &Value| {
            v["index"]
                .as_u64()
                .and_then(|i| u32::try_from(i).ok())
                .ok_or("an index is needed".to_owned())
        };
        let path = |v: &Value| {
            v["path"]
                .as_array()
                .map(|p| p.iter().map(digest_of).collect::<Result<Vec<_>, _>>())
                .transpose()
                .map(Option::unwrap_or_default)
        };
        let claims = v["claims"]
            .as_array()
            .ok_or("a presentation has claims")?
            .iter()
            .map(|c| {
                Ok(RevealedClaim {
                    index: index(c)?,
                    salt: bytes16(&c["salt"])?,
                    name: c["name"].as_str().unwrap_or_default().as_bytes().to_vec(),
                    value: hex::decode(c["value"].as_str().unwrap_or_default())
                        .map_err(|_| "a value is hex".to_owned())?,
                    path: path(c)?,
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        let h = &v["holder"];
        let key: [u8; 33] = hex::decode(h["key"].as_str().unwrap_or_default())
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or("the holder key is 33 bytes hex")?;
        let signature: [u8; 65] = hex::decode(v["signature"].as_str().unwrap_or_default())
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or("a signature is 65 bytes hex")?;
        Ok(Presentation {
            credential: v["credential"]
                .as_u64()
                .ok_or("a presentation names its credential")?,
            challenge: digest_of(&v["challenge"])?,
            claims,
            holder: HolderOpening {
                index: index(h)?,
                salt: Salt(bytes16(&h["salt"])?),
                key: HolderPublicKey(key),
                path: path(h)?,
            },
            signature: HolderSignature(signature),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn immunization() -> Value {
        json!({"resourceType": "Immunization", "status": "completed",
               "vaccineCode": {"coding": [{"system": "http://hl7.org/fhir/sid/cvx", "code": "208"}]},
               "patient": {"reference": "Patient/example"},
               "occurrenceDateTime": "2026-03-01T10:00:00Z", "lotNumber": "VAX-1",
               "protocolApplied": [{"doseNumberPositiveInt": 2, "seriesDosesPositiveInt": 2,
                                     "targetDisease": [{"coding": [{"system": "http://snomed.info/sct", "code": "840539006"}]}]}]})
    }

    #[test]
    fn reveal_one_claim_and_the_rest_stays_hidden() {
        let key = HolderKey::from_seed(b"alice");
        let claims = claims_from_immunization(
            &immunization(),
            &[Claim::new("age-18-plus@2026-03-01", "yes")],
        )
        .unwrap();
        assert_eq!(claims.len(), 6);
        let wallet = build(&claims, &key.public()).unwrap();
        assert_eq!((wallet.depth, wallet.leaves.len()), (3, 8));
        let (contract, challenge) = (AccountId::from([9u8; 32]), Digest([4u8; 32]));
        let venue = AccountId::from([7u8; 32]);
        let p = wallet
            .present(
                &["fully-vaccinated:840539006"],
                &key,
                &contract,
                3,
                &venue,
                &challenge,
            )
            .unwrap();
        assert_eq!(p.claims.len(), 1);
        assert_eq!(Presentation::from_json(&p.to_json()).unwrap(), p);
        let standing = Standing {
            root: wallet.root,
            depth: wallet.depth,
            status: CredentialStatus::Active,
            issuer_roles: RoleSet::of(&[carechain_common::Role::Provider]),
            lot: Verdict::Dispensed,
        };
        let verify = |p: &Presentation| verify_offchain(&standing, &contract, &venue, p);
        assert_eq!(verify(&p), PresentationVerdict::Valid);
        // Bound to its verifier: another venue replaying it finds a bad signature.
        assert_eq!(
            verify_offchain(&standing, &contract, &AccountId::from([8u8; 32]), &p),
            PresentationVerdict::BadSignature
        );
        // An issuer without its role (suspended, revoked) vouches for nothing.
        let unstanding = Standing {
            issuer_roles: RoleSet::of(&[]),
            ..standing
        };
        assert_eq!(
            verify_offchain(&unstanding, &contract, &venue, &p),
            PresentationVerdict::IssuerNotInGoodStanding
        );
        // Another challenge, a tampered value, a wrong key, another holder key.
        let mut other = p.clone();
        other.challenge = Digest([5u8; 32]);
        assert_eq!(verify(&other), PresentationVerdict::BadSignature);
        let mut tampered = p.clone();
        tampered.claims[0].value = b"no".to_vec();
        assert_eq!(verify(&tampered), PresentationVerdict::BadProof(0));
        let mallory = HolderKey::from_seed(b"mallory");
        let mut forged = p.clone();
        forged.signature =
            HolderSignature(mallory.sign(&presentation_digest(&contract, 3, &venue, &challenge)));
        assert_eq!(verify(&forged), PresentationVerdict::BadSignature);
        let mut swapped = p.clone();
        swapped.holder.key = HolderPublicKey(mallory.public());
        assert_eq!(verify(&swapped), PresentationVerdict::BadHolderProof);
        assert!(build(&[Claim::new("holder", "x")], &key.public()).is_err());
    }
}
