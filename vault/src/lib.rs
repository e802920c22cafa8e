//! The record vault's cryptography, with no chain in it.
//!
//! - **Envelope encryption.** Each record version gets a fresh 256-bit data key and is encrypted
//!   with XChaCha20-Poly1305 (24-byte random nonce) under associated data that names the record id
//!   and version ([`seal`], [`open`]): a blob moved to another record or version does not
//!   authenticate. The chain anchors the SHA-256 of the blob ([`content_hash`]), never of the
//!   plaintext (a guess could confirm a plaintext hash).
//! - **Key commitment.** XChaCha20-Poly1305 is not key-committing: one ciphertext can be made to
//!   authenticate under two keys, so an author who wraps different keys for different
//!   recipients could show each a different plaintext under one anchor. The blob therefore
//!   carries a commitment to its data key (SHA-256 over the key, the record id and version),
//!   which every reader checks before decrypting ([`open`]); as the anchor fixes the blob, one
//!   key — and so one plaintext — opens it for everyone. The older format without it (`CCV1`) is
//!   no longer opened; [`migrate_v1`] re-seals such a blob under its key.
//! - **Key wrapping.** A data key is wrapped per recipient with HPKE (RFC 9180, base mode,
//!   DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, ChaCha20-Poly1305) to the X25519 key the registry
//!   publishes for the patient or organisation ([`wrap`], [`unwrap`]); the record id and version
//!   are in the HPKE `info`, so a wrapped key only opens for its record version.
//! - **Locators.** The on-chain locator names the gateway and the object, sealed to the patient's
//!   key ([`seal_locator`]): a dry-run of the contract reveals nothing.
//! - **Secrets** ([`DataKey`], [`SecretKey`]) are zeroized when dropped and never printed: their
//!   `Debug` shows only that they are secret.
//!
//! Byte formats (stable; the TypeScript client implements the same):
//!
//! ```text
//! blob         = "CCV2" || commitment(32) || nonce(24)
//!                || XChaCha20-Poly1305(data key, nonce, plaintext, aad)
//! commitment   = SHA-256("carechain/key-commit/v1" || data key || record id (u64 LE)
//!                || version (u32 LE))
//! aad          = "carechain/record/v1" || record id (u64 LE) || version (u32 LE)
//! wrapped key  = enc(32) || ChaCha20-Poly1305 ciphertext of the data key (32 + 16)
//! wrap info    = "carechain/key-wrap/v1" || record id (u64 LE) || version (u32 LE)
//! locator      = enc(32) || ciphertext of the UTF-8 locator; info = "carechain/locator/v1"
//! key answer   = wrapped key || wrapped key || ... (a gateway's answer: one per writer of the
//!                recipient's slot; the reader keeps the one whose data key the blob commits to)
//! ```

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hpke::{Deserializable, Kem as _, OpModeR, OpModeS, Serializable};
use rand_core::{OsRng, RngCore, TryRngCore, UnwrapErr};
use sha2::{Digest as _, Sha256};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

type Kem = hpke::kem::X25519HkdfSha256;
type Kdf = hpke::kdf::HkdfSha256;
type HpkeAead = hpke::aead::ChaCha20Poly1305;

/// The blob format's magic bytes.
pub const MAGIC: &[u8; 4] = b"CCV2";
/// The retired format without a key commitment (not opened; [`migrate_v1`]).
pub const MAGIC_V1: &[u8; 4] = b"CCV1";
pub const COMMITMENT_LEN: usize = 32;
pub const NONCE_LEN: usize = 24;
pub const TAG_LEN: usize = 16;
/// Bytes a blob adds to its plaintext.
pub const BLOB_OVERHEAD: usize = MAGIC.len() + COMMITMENT_LEN + NONCE_LEN + TAG_LEN;
/// A wrapped data key's length.
pub const WRAPPED_LEN: usize = 32 + 32 + TAG_LEN;
/// Most a record version may hold (the gateway's default upload limit is lower).
pub const MAX_PLAINTEXT: usize = 1 << 30;

const RECORD_AAD: &[u8] = b"carechain/record/v1";
const KEY_COMMIT: &[u8] = b"carechain/key-commit/v1";
const WRAP_INFO: &[u8] = b"carechain/key-wrap/v1";
const LOCATOR_INFO: &[u8] = b"carechain/locator/v1";

/// What went wrong, without secrets in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VaultError {
    /// The bytes are not in the format (`what` says which part).
    Malformed(&'static str),
    /// A wrapped key or locator does not open with this secret key (not addressed to it, or
    /// altered).
    WrongKey,
    /// The blob does not authenticate under this data key, record id and version: altered, or
    /// another record's.
    Tampered,
    /// The data key is not the one the blob commits to: a key slot wrapped with another key
    /// than the record was sealed with.
    KeyMismatch,
    /// The blob's SHA-256 is not the content hash anchored on chain.
    HashMismatch { anchored: [u8; 32], found: [u8; 32] },
    /// Larger than [`MAX_PLAINTEXT`].
    TooLarge,
    /// The operating system's random source failed.
    Random,
}

impl core::fmt::Display for VaultError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            VaultError::Malformed(what) => write!(f, "malformed {what}"),
            VaultError::WrongKey => write!(
                f,
                "the key does not open this (not addressed to it, or altered)"
            ),
            VaultError::Tampered => write!(
                f,
                "the record does not authenticate: altered, or another record's"
            ),
            VaultError::HashMismatch { anchored, found } => write!(
                f,
                "the record's hash 0x{} is not the anchored 0x{}",
                hex::encode(found),
                hex::encode(anchored)
            ),
            VaultError::KeyMismatch => write!(
                f,
                "the data key is not the one the record commits to (a key slot for another key)"
            ),
            VaultError::TooLarge => write!(f, "the record is too large"),
            VaultError::Random => write!(f, "the random source failed"),
        }
    }
}

impl std::error::Error for VaultError {}

pub type Result<T> = core::result::Result<T, VaultError>;

fn random<const N: usize>() -> Result<[u8; N]> {
    let mut bytes = [0u8; N];
    OsRng
        .try_fill_bytes(&mut bytes)
        .map_err(|_| VaultError::Random)?;
    Ok(bytes)
}

/// A record version's 256-bit data key. Zeroized on drop; never printed.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct DataKey([u8; 32]);

impl DataKey {
    /// A fresh key from the operating system's random source.
    pub fn generate() -> Result<DataKey> {
        Ok(DataKey(random()?))
    }

    pub fn from_bytes(bytes: [u8; 32]) -> DataKey {
        DataKey(bytes)
    }

    /// The key's bytes (for wrapping; do not store them in clear).
    pub fn expose(&self) -> &[u8; 32] {
        &self.0
    }
}

impl core::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("DataKey(<secret>)")
    }
}

/// An X25519 public key, as the registry publishes it.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct PublicKey(pub [u8; 32]);

/// An X25519 secret key (a patient's or an organisation's). Zeroized on drop; never printed.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct SecretKey([u8; 32]);

impl core::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("SecretKey(<secret>)")
    }
}

impl SecretKey {
    /// A fresh key pair's secret half.
    pub fn generate() -> Result<SecretKey> {
        let mut seed: Zeroizing<[u8; 32]> = Zeroizing::new(random()?);
        let key = Self::derive(seed.as_ref());
        seed.zeroize();
        Ok(key)
    }

    /// The key derived from input keying material (RFC 9180 `DeriveKeyPair`): repeatable keys
    /// for tests and demos from a seed phrase. Real keys come from [`SecretKey::generate`].
    pub fn derive(ikm: &[u8]) -> SecretKey {
        let (secret, _) = Kem::derive_keypair(ikm);
        let mut bytes = [0u8; 32];
        bytes.copy_from_slice(&secret.to_bytes());
        SecretKey(bytes)
    }

    pub fn from_bytes(bytes: [u8; 32]) -> Result<SecretKey> {
        <Kem as hpke::Kem>::PrivateKey::from_bytes(&bytes)
            .map_err(|_| VaultError::Malformed("secret key"))?;
        Ok(SecretKey(bytes))
    }

    /// The secret as hex, for writing to a key file (the caller keeps it out of logs).
    pub fn to_hex(&self) -> Zeroizing<String> {
        Zeroizing::new(hex::encode(self.0))
    }

    pub fn from_hex(text: &str) -> Result<SecretKey> {
        let mut bytes = Zeroizing::new([0u8; 32]);
        hex::decode_to_slice(text.trim().trim_start_matches("0x"), bytes.as_mut())
            .map_err(|_| VaultError::Malformed("secret key hex"))?;
        Self::from_bytes(*bytes)
    }

    fn hpke(&self) -> <Kem as hpke::Kem>::PrivateKey {
        <Kem as hpke::Kem>::PrivateKey::from_bytes(&self.0).expect("checked at construction")
    }

    pub fn public(&self) -> PublicKey {
        let public = Kem::sk_to_pk(&self.hpke());
        let mut bytes = [0u8; 32];
        bytes.copy_from_slice(&public.to_bytes());
        PublicKey(bytes)
    }
}

fn record_aad(record: u64, version: u32) -> Vec<u8> {
    let mut aad = RECORD_AAD.to_vec();
    aad.extend_from_slice(&record.to_le_bytes());
    aad.extend_from_slice(&version.to_le_bytes());
    aad
}

fn wrap_info(record: u64, version: u32) -> Vec<u8> {
    let mut info = WRAP_INFO.to_vec();
    info.extend_from_slice(&record.to_le_bytes());
    info.extend_from_slice(&version.to_le_bytes());
    info
}

/// The commitment a blob carries to its data key, record id and version.
pub fn key_commitment(key: &DataKey, record: u64, version: u32) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(KEY_COMMIT);
    hasher.update(key.expose());
    hasher.update(record.to_le_bytes());
    hasher.update(version.to_le_bytes());
    hasher.finalize().into()
}

/// SHA-256 of a blob: what the chain anchors as the record version's `content_hash`.
pub fn content_hash(blob: &[u8]) -> [u8; 32] {
    Sha256::digest(blob).into()
}

/// Encrypt a record version under a fresh data key. Returns the blob and the key (wrap it for
/// each recipient, then drop it).
pub fn seal(record: u64, version: u32, plaintext: &[u8]) -> Result<(Vec<u8>, DataKey)> {
    let key = DataKey::generate()?;
    let blob = seal_with(&key, record, version, plaintext)?;
    Ok((blob, key))
}

/// Encrypt under a given data key (a fresh random nonce each time).
pub fn seal_with(key: &DataKey, record: u64, version: u32, plaintext: &[u8]) -> Result<Vec<u8>> {
    if plaintext.len() > MAX_PLAINTEXT {
        return Err(VaultError::TooLarge);
    }
    let nonce: [u8; NONCE_LEN] = random()?;
    let cipher = XChaCha20Poly1305::new(key.expose().into());
    let aad = record_aad(record, version);
    let ciphertext = cipher
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: plaintext,
                aad: &aad,
            },
        )
        .map_err(|_| VaultError::TooLarge)?;
    let mut blob = Vec::with_capacity(BLOB_OVERHEAD + plaintext.len());
    blob.extend_from_slice(MAGIC);
    blob.extend_from_slice(&key_commitment(key, record, version));
    blob.extend_from_slice(&nonce);
    blob.extend_from_slice(&ciphertext);
    Ok(blob)
}

/// Decrypt a blob of `record` version `version`, after checking that `key` is the one it commits
/// to. The plaintext is zeroized when dropped.
pub fn open(key: &DataKey, record: u64, version: u32, blob: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
    if blob.len() >= MAGIC_V1.len() && &blob[..MAGIC_V1.len()] == MAGIC_V1 {
        return Err(VaultError::Malformed(
            "record blob of the retired format CCV1 (no key commitment): migrate it",
        ));
    }
    if blob_commitment(blob)? != key_commitment(key, record, version) {
        return Err(VaultError::KeyMismatch);
    }
    let nonce_at = MAGIC.len() + COMMITMENT_LEN;
    decrypt(key, record, version, &blob[nonce_at..])
}

fn decrypt(
    key: &DataKey,
    record: u64,
    version: u32,
    nonce_and_ciphertext: &[u8],
) -> Result<Zeroizing<Vec<u8>>> {
    let (nonce, ciphertext) = nonce_and_ciphertext.split_at(NONCE_LEN);
    let cipher = XChaCha20Poly1305::new(key.expose().into());
    let aad = record_aad(record, version);
    cipher
        .decrypt(
            XNonce::from_slice(nonce),
            Payload {
                msg: ciphertext,
                aad: &aad,
            },
        )
        .map(Zeroizing::new)
        .map_err(|_| VaultError::Tampered)
}

/// Re-seal a blob of the retired format `CCV1` (no key commitment) under the same key, for a
/// one-off migration by its author (the new blob gets a new anchor: a new record version).
pub fn migrate_v1(key: &DataKey, record: u64, version: u32, blob: &[u8]) -> Result<Vec<u8>> {
    if blob.len() < MAGIC_V1.len() + NONCE_LEN + TAG_LEN || &blob[..MAGIC_V1.len()] != MAGIC_V1 {
        return Err(VaultError::Malformed("CCV1 record blob"));
    }
    let plaintext = decrypt(key, record, version, &blob[MAGIC_V1.len()..])?;
    seal_with(key, record, version, &plaintext)
}

/// Whether a downloaded blob is the one whose content hash the chain anchors.
fn check_anchor(anchored: [u8; 32], blob: &[u8]) -> Result<()> {
    let found = content_hash(blob);
    if found != anchored {
        return Err(VaultError::HashMismatch { anchored, found });
    }
    Ok(())
}

/// Check a downloaded blob against the content hash anchored on chain, then decrypt it.
pub fn open_anchored(
    key: &DataKey,
    record: u64,
    version: u32,
    anchored: [u8; 32],
    blob: &[u8],
) -> Result<Zeroizing<Vec<u8>>> {
    check_anchor(anchored, blob)?;
    open(key, record, version, blob)
}

fn hpke_public(key: &PublicKey) -> Result<<Kem as hpke::Kem>::PublicKey> {
    <Kem as hpke::Kem>::PublicKey::from_bytes(&key.0)
        .map_err(|_| VaultError::Malformed("public key"))
}

fn hpke_seal(to: &PublicKey, info: &[u8], plaintext: &[u8]) -> Result<Vec<u8>> {
    let mut rng = UnwrapErr(OsRng);
    let (enc, ciphertext) = hpke::single_shot_seal::<HpkeAead, Kdf, Kem, _>(
        &OpModeS::Base,
        &hpke_public(to)?,
        info,
        plaintext,
        &[],
        &mut rng,
    )
    .map_err(|_| VaultError::Malformed("recipient key"))?;
    let mut out = enc.to_bytes().to_vec();
    out.extend_from_slice(&ciphertext);
    Ok(out)
}

fn hpke_open(secret: &SecretKey, info: &[u8], sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
    if sealed.len() < 32 + TAG_LEN {
        return Err(VaultError::Malformed("sealed bytes"));
    }
    let enc = <Kem as hpke::Kem>::EncappedKey::from_bytes(&sealed[..32])
        .map_err(|_| VaultError::Malformed("encapsulated key"))?;
    hpke::single_shot_open::<HpkeAead, Kdf, Kem>(
        &OpModeR::Base,
        &secret.hpke(),
        &enc,
        info,
        &sealed[32..],
        &[],
    )
    .map(Zeroizing::new)
    .map_err(|_| VaultError::WrongKey)
}

/// Wrap a data key for a recipient's X25519 key, bound to the record version.
pub fn wrap(key: &DataKey, to: &PublicKey, record: u64, version: u32) -> Result<Vec<u8>> {
    hpke_seal(to, &wrap_info(record, version), key.expose())
}

/// Unwrap a data key wrapped for `secret`'s public key for this record version.
pub fn unwrap(secret: &SecretKey, wrapped: &[u8], record: u64, version: u32) -> Result<DataKey> {
    if wrapped.len() != WRAPPED_LEN {
        return Err(VaultError::Malformed("wrapped key"));
    }
    let bytes = hpke_open(secret, &wrap_info(record, version), wrapped)?;
    let key: [u8; 32] = bytes
        .as_slice()
        .try_into()
        .map_err(|_| VaultError::Malformed("wrapped key"))?;
    Ok(DataKey(key))
}

/// The data-key commitment a blob carries (its bytes after the magic).
pub fn blob_commitment(blob: &[u8]) -> Result<[u8; 32]> {
    if blob.len() < BLOB_OVERHEAD {
        return Err(VaultError::Malformed("record blob"));
    }
    blob_commitment_of_head(blob).ok_or(VaultError::Malformed("record blob"))
}

/// The commitment in a blob's first `MAGIC.len() + COMMITMENT_LEN` bytes (a ranged read of
/// the head), if they are of the format.
pub fn blob_commitment_of_head(head: &[u8]) -> Option<[u8; 32]> {
    if head.len() < MAGIC.len() + COMMITMENT_LEN || &head[..MAGIC.len()] != MAGIC {
        return None;
    }
    let mut commitment = [0u8; 32];
    commitment.copy_from_slice(&head[MAGIC.len()..MAGIC.len() + COMMITMENT_LEN]);
    Some(commitment)
}

/// Of several wrapped keys for one recipient key (a gateway answers each writer's, each
/// [`WRAPPED_LEN`] bytes, concatenated), the data key the record commits to. A wrapped key
/// that does not open for `secret`, or opens to another data key (written by someone who
/// wanted the record unreadable), is passed over.
pub fn unwrap_committed(
    secret: &SecretKey,
    candidates: &[u8],
    record: u64,
    version: u32,
    commitment: &[u8; 32],
) -> Result<DataKey> {
    if candidates.is_empty() || !candidates.len().is_multiple_of(WRAPPED_LEN) {
        return Err(VaultError::Malformed("wrapped keys"));
    }
    let mut opened_another = false;
    for wrapped in candidates.chunks(WRAPPED_LEN) {
        if let Ok(key) = unwrap(secret, wrapped, record, version) {
            if key_commitment(&key, record, version) == *commitment {
                return Ok(key);
            }
            opened_another = true;
        }
    }
    Err(if opened_another {
        VaultError::KeyMismatch
    } else {
        VaultError::WrongKey
    })
}

/// Check a downloaded blob against its anchor, pick the committed data key from the wrapped
/// keys a gateway answered ([`unwrap_committed`]) and decrypt.
pub fn open_candidates(
    secret: &SecretKey,
    candidates: &[u8],
    record: u64,
    version: u32,
    anchored: [u8; 32],
    blob: &[u8],
) -> Result<Zeroizing<Vec<u8>>> {
    check_anchor(anchored, blob)?;
    let key = unwrap_committed(secret, candidates, record, version, &blob_commitment(blob)?)?;
    open(&key, record, version, blob)
}

/// Seal a locator (which gateway, which object) to the patient's key: the on-chain
/// `EncryptedLocator`.
pub fn seal_locator(patient: &PublicKey, locator: &str) -> Result<Vec<u8>> {
    hpke_seal(patient, LOCATOR_INFO, locator.as_bytes())
}

/// Open a locator sealed to this key.
pub fn open_locator(secret: &SecretKey, sealed: &[u8]) -> Result<String> {
    let bytes = hpke_open(secret, LOCATOR_INFO, sealed)?;
    String::from_utf8(bytes.to_vec()).map_err(|_| VaultError::Malformed("locator"))
}

/// A random 64-bit record id (the author's client chooses it before writing the anchor).
pub fn random_record_id() -> Result<u64> {
    Ok(u64::from_le_bytes(random()?))
}

/// Fill `buf` from the operating system's random source (for callers that need nonces).
pub fn fill_random(buf: &mut [u8]) -> Result<()> {
    UnwrapErr(OsRng).fill_bytes(buf);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_record_round_trips_and_binds_its_id_and_version() {
        let (blob, key) = seal(7, 1, b"haemoglobin 13.5 g/dL").unwrap();
        assert_eq!(blob.len(), BLOB_OVERHEAD + 21);
        assert_eq!(
            &open(&key, 7, 1, &blob).unwrap()[..],
            b"haemoglobin 13.5 g/dL"
        );
        // The commitment binds key, record and version; the AEAD binds them again.
        assert_eq!(
            open(&key, 8, 1, &blob),
            Err(VaultError::KeyMismatch),
            "other record"
        );
        assert_eq!(
            open(&key, 7, 2, &blob),
            Err(VaultError::KeyMismatch),
            "other version"
        );
        let other = DataKey::generate().unwrap();
        assert_eq!(open(&other, 7, 1, &blob), Err(VaultError::KeyMismatch));
        assert!(matches!(
            open(&key, 7, 1, b"CCV1short"),
            Err(VaultError::Malformed(why)) if why.contains("retired")
        ));
        assert_eq!(
            open(&key, 7, 1, &[0u8; 64]),
            Err(VaultError::Malformed("record blob"))
        );
    }

    #[test]
    fn every_flipped_bit_is_detected() {
        let (blob, key) = seal(1, 1, b"x-ray report").unwrap();
        for i in MAGIC.len()..blob.len() {
            let mut tampered = blob.clone();
            tampered[i] ^= 0x01;
            let expected = if i < MAGIC.len() + COMMITMENT_LEN {
                VaultError::KeyMismatch
            } else {
                VaultError::Tampered
            };
            assert_eq!(open(&key, 1, 1, &tampered), Err(expected), "byte {i}");
        }
    }

    /// Finding (round 3): "XChaCha20-Poly1305 is not key-committing and the author may fill any
    /// key slot: one anchored blob can decrypt to different plaintexts for different
    /// recipients". An author who commits to key A but encrypts under key B (as an
    /// invisible-salamander ciphertext would, authenticating under both) gets a blob no
    /// recipient opens: the one with B fails the commitment, the one with A fails the AEAD.
    /// Only the committed key opens a blob, so everyone sees one plaintext or nothing.
    #[test]
    fn two_keys_never_open_one_blob() {
        let (a, b) = (DataKey::generate().unwrap(), DataKey::generate().unwrap());
        let under_b = seal_with(&b, 9, 1, b"what the hospital is shown").unwrap();
        let mut forged = under_b.clone();
        forged[MAGIC.len()..MAGIC.len() + COMMITMENT_LEN]
            .copy_from_slice(&key_commitment(&a, 9, 1));
        assert_eq!(open(&b, 9, 1, &forged), Err(VaultError::KeyMismatch));
        assert_eq!(open(&a, 9, 1, &forged), Err(VaultError::Tampered));
        // Honest: the committed key opens it, the other does not.
        assert!(open(&b, 9, 1, &under_b).is_ok());
        assert_eq!(open(&a, 9, 1, &under_b), Err(VaultError::KeyMismatch));
    }

    /// A blob of the retired format is migrated under its own key, and then opens.
    #[test]
    fn a_ccv1_blob_migrates_to_the_committed_format() {
        let key = DataKey::generate().unwrap();
        let v2 = seal_with(&key, 4, 1, b"old note").unwrap();
        // The CCV1 layout: magic, nonce, ciphertext (what v2 holds after its commitment).
        let mut v1 = MAGIC_V1.to_vec();
        v1.extend_from_slice(&v2[MAGIC.len() + COMMITMENT_LEN..]);
        assert!(open(&key, 4, 1, &v1).is_err());
        let migrated = migrate_v1(&key, 4, 1, &v1).unwrap();
        assert_eq!(&open(&key, 4, 1, &migrated).unwrap()[..], b"old note");
        let other = DataKey::generate().unwrap();
        assert_eq!(migrate_v1(&other, 4, 1, &v1), Err(VaultError::Tampered));
    }

    #[test]
    fn the_anchor_is_checked_before_decrypting() {
        let (blob, key) = seal(3, 1, b"note").unwrap();
        let anchored = content_hash(&blob);
        assert!(open_anchored(&key, 3, 1, anchored, &blob).is_ok());
        let mut tampered = blob.clone();
        tampered[40] ^= 1;
        assert!(matches!(
            open_anchored(&key, 3, 1, anchored, &tampered),
            Err(VaultError::HashMismatch { .. })
        ));
    }

    #[test]
    fn wrapped_keys_open_only_for_their_recipient_and_record_version() {
        let patient = SecretKey::generate().unwrap();
        let hospital = SecretKey::generate().unwrap();
        let key = DataKey::generate().unwrap();
        let wrapped = wrap(&key, &patient.public(), 5, 2).unwrap();
        assert_eq!(wrapped.len(), WRAPPED_LEN);
        assert_eq!(unwrap(&patient, &wrapped, 5, 2).unwrap(), key);
        assert_eq!(unwrap(&hospital, &wrapped, 5, 2), Err(VaultError::WrongKey));
        assert_eq!(unwrap(&patient, &wrapped, 6, 2), Err(VaultError::WrongKey));
        assert_eq!(unwrap(&patient, &wrapped, 5, 3), Err(VaultError::WrongKey));
        assert_eq!(
            unwrap(&patient, &wrapped[..70], 5, 2),
            Err(VaultError::Malformed("wrapped key"))
        );
    }

    /// A wrapped key written to spoil a record (a valid wrap of another data key, or bytes that
    /// open for nobody) is passed over: the committed key among the candidates opens it.
    #[test]
    fn the_committed_key_is_found_among_spoiled_candidates() {
        let reader = SecretKey::generate().unwrap();
        let (blob, key) = seal(11, 2, b"MRI report").unwrap();
        let anchored = content_hash(&blob);
        let good = wrap(&key, &reader.public(), 11, 2).unwrap();
        let spoiled = wrap(&DataKey::generate().unwrap(), &reader.public(), 11, 2).unwrap();
        let foreign = wrap(&key, &SecretKey::generate().unwrap().public(), 11, 2).unwrap();
        let candidates = [spoiled.clone(), foreign.clone(), good].concat();
        assert_eq!(
            &open_candidates(&reader, &candidates, 11, 2, anchored, &blob).unwrap()[..],
            b"MRI report"
        );
        assert_eq!(
            open_candidates(&reader, &spoiled, 11, 2, anchored, &blob),
            Err(VaultError::KeyMismatch)
        );
        assert_eq!(
            open_candidates(&reader, &foreign, 11, 2, anchored, &blob),
            Err(VaultError::WrongKey)
        );
        assert_eq!(
            open_candidates(&reader, &candidates[..100], 11, 2, anchored, &blob),
            Err(VaultError::Malformed("wrapped keys"))
        );
        assert!(matches!(
            open_candidates(&reader, &candidates, 11, 2, [0; 32], &blob),
            Err(VaultError::HashMismatch { .. })
        ));
    }

    #[test]
    fn locators_are_sealed_to_the_patient() {
        let patient = SecretKey::generate().unwrap();
        let other = SecretKey::generate().unwrap();
        let sealed = seal_locator(&patient.public(), "gateway=gw-1 object=records/7").unwrap();
        assert!(
            !sealed.windows(7).any(|w| w == b"records"),
            "no clear text on chain"
        );
        assert_eq!(
            open_locator(&patient, &sealed).unwrap(),
            "gateway=gw-1 object=records/7"
        );
        assert_eq!(open_locator(&other, &sealed), Err(VaultError::WrongKey));
    }

    #[test]
    fn secrets_never_print() {
        let secret = SecretKey::derive(b"demo seed");
        let key = DataKey::from_bytes([0xAB; 32]);
        let printed = format!("{secret:?} {key:?}");
        assert_eq!(printed, "SecretKey(<secret>) DataKey(<secret>)");
        assert!(!printed.contains("ab"));
        // Derivation is repeatable; generation is not.
        assert_eq!(SecretKey::derive(b"demo seed").public(), secret.public());
        assert_ne!(SecretKey::generate().unwrap().public(), secret.public());
        let hex = secret.to_hex();
        assert_eq!(SecretKey::from_hex(&hex).unwrap().public(), secret.public());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn wrap_unwrap_round_trips_for_random_keys(
            ikm in proptest::collection::vec(any::<u8>(), 32..64),
            data in any::<[u8; 32]>(),
            record in any::<u64>(),
            version in 1u32..1000,
        ) {
            let secret = SecretKey::derive(&ikm);
            let key = DataKey::from_bytes(data);
            let wrapped = wrap(&key, &secret.public(), record, version).unwrap();
            prop_assert_eq!(unwrap(&secret, &wrapped, record, version).unwrap(), key);
            prop_assert_eq!(
                unwrap(&secret, &wrapped, record.wrapping_add(1), version),
                Err(VaultError::WrongKey)
            );
        }

        #[test]
        fn seal_open_round_trips_for_random_records(
            plaintext in proptest::collection::vec(any::<u8>(), 0..2048),
            record in any::<u64>(),
            version in 1u32..1000,
        ) {
            let (blob, key) = seal(record, version, &plaintext).unwrap();
            prop_assert_eq!(&open(&key, record, version, &blob).unwrap()[..], &plaintext[..]);
        }
    }
}
