//! A record version's client side, once for every client (the command line, the scenario's data
//! plane): seal it for its patient, upload the blob and its key slots after the anchor, fetch and
//! open it after a granted, logged read. The data key never leaves the client in clear; the
//! gateway stores ciphertext and wrapped keys only.

use super::client::GatewayClient;
use super::protocol::{blob_path, key_slot};
use crate::{view, ChainWrite};
use carechain_common::{Digest, EncryptedLocator, PatientId, RecordId};
use carechain_vault::{self as vault, DataKey, PublicKey, SecretKey};
use ink::primitives::AccountId;

fn text<E: core::fmt::Display>(e: E) -> String {
    e.to_string()
}

/// A record version sealed and not uploaded yet: its ciphertext and data key (zeroized on drop).
pub struct Sealed {
    pub blob: Vec<u8>,
    pub key: DataKey,
    pub version: u32,
    pub patient: PatientId,
    /// SHA-256 of the ciphertext: the anchor's content hash.
    pub content_hash: Digest,
    /// The blob's place (gateway id and object path), sealed to the patient's key.
    pub locator: EncryptedLocator,
}

/// Encrypt `plaintext` as version `version` of `record` for `patient` (a fresh data key), with
/// the locator sealed to the patient's registered key.
pub fn seal<L: ChainWrite>(
    l: &mut L,
    gateway_id: &str,
    patient: PatientId,
    record: RecordId,
    version: u32,
    plaintext: &[u8],
) -> Result<Sealed, String> {
    let patient_key = view::patient(l, patient)
        .map(|p| PublicKey(p.key.0))
        .ok_or("unknown patient")?;
    let (blob, key) = vault::seal(record, version, plaintext).map_err(text)?;
    let content_hash = Digest(vault::content_hash(&blob));
    let locator = vault::seal_locator(
        &patient_key,
        &format!("gateway={gateway_id};object={}", blob_path(record)),
    )
    .map_err(text)?;
    Ok(Sealed {
        blob,
        key,
        version,
        patient,
        content_hash,
        locator: EncryptedLocator(locator),
    })
}

/// An organisation's registered vault key.
pub fn organisation_key<L: ChainWrite>(l: &mut L, account: AccountId) -> Result<PublicKey, String> {
    view::organisation(l, account)
        .map(|o| PublicKey(o.key.0))
        .ok_or_else(|| format!("{} is not an organisation", l.name_of(&account)))
}

/// After the anchor: upload the blob, then its data key wrapped for the patient, the author and
/// the patient's emergency custodian (each a slot addressed by the recipient's key).
pub fn upload<L: ChainWrite>(
    gateway: &GatewayClient,
    l: &mut L,
    author: AccountId,
    record: RecordId,
    sealed: &Sealed,
) -> Result<(), String> {
    gateway
        .put_blob(l, author, record, sealed.blob.clone())
        .map_err(text)?;
    let patient = view::patient(l, sealed.patient).ok_or("unknown patient")?;
    let mut recipients = vec![PublicKey(patient.key.0), organisation_key(l, author)?];
    if let Some(custodian) = patient.custodian {
        recipients.push(organisation_key(l, custodian)?);
    }
    for to in recipients {
        let wrapped = vault::wrap(&sealed.key, &to, record, sealed.version).map_err(text)?;
        gateway
            .put_key(l, author, record, &key_slot(&to.0), wrapped)
            .map_err(text)?;
    }
    Ok(())
}

/// Download and open `record` as `reader` (holding `secret`), released on its granted decision
/// entry `entry`: the wrapped keys for its key, the blob, checked against the anchored hash.
pub fn fetch<L: ChainWrite>(
    gateway: &GatewayClient,
    l: &mut L,
    reader: AccountId,
    secret: &SecretKey,
    record: RecordId,
    entry: u64,
) -> Result<Vec<u8>, String> {
    let wrapped = gateway.get_key(l, reader, record, entry).map_err(text)?;
    let blob = gateway.get_blob(l, reader, record, entry).map_err(text)?;
    let meta = view::record_meta(l, record).ok_or("no such record anchor")?;
    let plaintext = vault::open_candidates(
        secret,
        &wrapped,
        record,
        meta.version,
        meta.content_hash.0,
        &blob,
    )
    .map_err(|e| format!("client: {e}"))?;
    Ok(plaintext.to_vec())
}
