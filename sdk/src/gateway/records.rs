//! A record version's client side, once for every client (the command line, the scenario's data
//! plane): seal it for its patient, upload the blob and its key slots after the anchor, fetch and
//! open it after a granted, logged read. The data key never leaves the client in clear; the
//! gateway stores ciphertext and wrapped keys only.

use super::client::{GatewayClient, GatewayError};
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

/// Done, or done before: the gateway keeps a blob path for the anchored bytes only and a key
/// position for its writer only, so an upload that exists is this one, from an earlier try.
fn done_or_there(result: Result<(), GatewayError>) -> Result<(), String> {
    match result {
        Err(e) if e.code == "exists" => Ok(()),
        other => other.map_err(text),
    }
}

/// After the anchor: upload the blob, then its data key wrapped for the patient, the author and
/// the patient's emergency custodian (each a slot addressed by the recipient's key). Safe to run
/// again after an interruption: what is uploaded already is passed over.
pub fn upload<L: ChainWrite>(
    gateway: &GatewayClient,
    l: &mut L,
    author: AccountId,
    record: RecordId,
    sealed: &Sealed,
) -> Result<(), String> {
    done_or_there(gateway.put_blob(l, author, record, sealed.blob.clone()))?;
    let patient = view::patient(l, sealed.patient).ok_or("unknown patient")?;
    let mut recipients = vec![PublicKey(patient.key.0), organisation_key(l, author)?];
    if let Some(custodian) = patient.custodian {
        recipients.push(organisation_key(l, custodian)?);
    }
    for to in recipients {
        let wrapped = vault::wrap(&sealed.key, &to, record, sealed.version).map_err(text)?;
        done_or_there(gateway.put_key(l, author, record, &key_slot(&to.0), wrapped))?;
    }
    Ok(())
}

/// An upload in progress, kept on the author's disk from before the anchor until the upload is
/// complete, so a crash at any point can be completed (`carechain record resume ID`): the sealed
/// blob (ciphertext: the chain anchors its hash) and its data key wrapped for the author's own
/// registered key (never in clear). Files: `record-<id>.blob` and `record-<id>.key` in `dir`,
/// each written whole (a temporary file, then a rename) and owner-only.
pub struct Pending {
    dir: std::path::PathBuf,
}

impl Pending {
    pub fn at(dir: &std::path::Path) -> Pending {
        Pending {
            dir: dir.to_path_buf(),
        }
    }

    fn file(&self, record: RecordId, kind: &str) -> std::path::PathBuf {
        self.dir.join(format!("record-{record}.{kind}"))
    }

    fn write_whole(path: &std::path::Path, bytes: &[u8]) -> Result<(), String> {
        use std::io::Write;
        #[cfg(unix)]
        use std::os::unix::fs::OpenOptionsExt;
        let part = path.with_extension("part");
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        options.mode(0o600);
        options
            .open(&part)
            .and_then(|mut f| f.write_all(bytes).and_then(|()| f.sync_all()))
            .and_then(|()| std::fs::rename(&part, path))
            .map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Keep `sealed` for `record`, its key wrapped for `author_key`.
    pub fn keep(
        &self,
        record: RecordId,
        sealed: &Sealed,
        author_key: &PublicKey,
    ) -> Result<(), String> {
        std::fs::create_dir_all(&self.dir).map_err(|e| format!("{}: {e}", self.dir.display()))?;
        let wrapped = vault::wrap(&sealed.key, author_key, record, sealed.version).map_err(text)?;
        let mut key_file = Vec::with_capacity(wrapped.len() + 36);
        key_file.extend_from_slice(&sealed.version.to_le_bytes());
        key_file.extend_from_slice(&sealed.patient.0);
        key_file.extend_from_slice(&wrapped);
        Self::write_whole(&self.file(record, "blob"), &sealed.blob)?;
        Self::write_whole(&self.file(record, "key"), &key_file)
    }

    /// The kept upload of `record`, its data key opened with the author's `secret` and the blob
    /// checked against the anchor on chain (a blob never anchored is not resumed: nothing of it
    /// is on chain or on the gateway).
    pub fn load<L: ChainWrite>(
        &self,
        l: &mut L,
        record: RecordId,
        secret: &SecretKey,
    ) -> Result<Sealed, String> {
        let read = |kind: &str| {
            let path = self.file(record, kind);
            std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))
        };
        let blob = read("blob")?;
        let key_file = read("key")?;
        if key_file.len() < 36 {
            return Err(format!("record-{record}.key is damaged"));
        }
        let version = u32::from_le_bytes(key_file[..4].try_into().map_err(text)?);
        let patient = PatientId(key_file[4..36].try_into().map_err(text)?);
        let meta = view::record_meta(l, record).ok_or_else(|| {
            format!("record {record} was never anchored: nothing to complete (put it again)")
        })?;
        let content_hash = Digest(vault::content_hash(&blob));
        if meta.content_hash != content_hash || meta.patient != patient || meta.version != version {
            return Err(format!(
                "the kept upload is not record {record}'s anchored version"
            ));
        }
        let key = vault::unwrap(secret, &key_file[36..], record, version)
            .map_err(|e| format!("the kept data key does not open with this vault key: {e}"))?;
        Ok(Sealed {
            blob,
            key,
            version,
            patient,
            content_hash,
            locator: EncryptedLocator(Vec::new()),
        })
    }

    /// The upload is complete: forget it.
    pub fn done(&self, record: RecordId) {
        for kind in ["blob", "key"] {
            let _ = std::fs::remove_file(self.file(record, kind));
        }
    }
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
