//! The gateway's client (blocking HTTP), and [`VaultPlane`]: the scenario's data plane — each
//! actor's client encrypting, wrapping, uploading, fetching and decrypting with the demo keys.

use crate::protocol::{
    blob_path, org_slot, signing_payload, Authorization, RefusalBody, PATIENT_SLOT,
};
use crate::release::{check_release, LedgerFacts};
use carechain_client::keys::demo_secret;
use carechain_client::scenario::DataPlane;
use carechain_client::{view, Ledger};
use carechain_common::{Digest, EncryptedLocator, PatientId, RecordId};
use carechain_vault::{self as vault, DataKey, PublicKey, SecretKey};
use ink::primitives::AccountId;
use object_store::{ObjectStore, ObjectStoreExt};
use std::collections::HashMap;
use std::sync::Arc;

/// A refusal or a transport failure, as a sentence with its code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GatewayError {
    pub status: u16,
    pub code: String,
    pub reason: String,
}

impl core::fmt::Display for GatewayError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{} {}: {}", self.status, self.code, self.reason)
    }
}

/// A client of one gateway.
#[derive(Clone)]
pub struct GatewayClient {
    pub base: String,
    pub id: String,
    http: reqwest::blocking::Client,
}

fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

impl GatewayClient {
    /// `base`: e.g. `http://127.0.0.1:8700`; `id`: the gateway's id (its configuration).
    pub fn new(base: &str, id: &str) -> GatewayClient {
        GatewayClient {
            base: base.trim_end_matches('/').to_owned(),
            id: id.to_owned(),
            http: reqwest::blocking::Client::builder()
                .timeout(std::time::Duration::from_secs(120))
                .build()
                .expect("an HTTP client"),
        }
    }

    /// The `Authorization` header for a request, signed by `signer` through the ledger.
    pub fn authorize<L: Ledger>(
        &self,
        l: &L,
        signer: AccountId,
        method: &str,
        path: &str,
        body: &[u8],
    ) -> Result<String, GatewayError> {
        let mut nonce = [0u8; 16];
        nonce.copy_from_slice(&rand::random::<[u8; 16]>());
        let ts = now_ms();
        let payload = signing_payload(&self.id, method, path, body, ts, &nonce);
        let signature = l.sign(&signer, &payload).ok_or_else(|| GatewayError {
            status: 0,
            code: "no-key".into(),
            reason: format!("no signing key for {}", l.name_of(&signer)),
        })?;
        Ok(Authorization {
            account: signer,
            ts,
            nonce,
            signature,
        }
        .header())
    }

    /// Send a request with a given `Authorization` header (tests send forged ones).
    pub fn send(
        &self,
        method: &str,
        path: &str,
        authorization: Option<&str>,
        body: Vec<u8>,
    ) -> Result<Vec<u8>, GatewayError> {
        let url = format!("{}{path}", self.base);
        let method = reqwest::Method::from_bytes(method.as_bytes()).map_err(|_| GatewayError {
            status: 0,
            code: "bad-method".into(),
            reason: method.to_owned(),
        })?;
        let mut request = self.http.request(method, url).body(body);
        if let Some(header) = authorization {
            request = request.header("authorization", header);
        }
        let response = request.send().map_err(|e| GatewayError {
            status: 0,
            code: "unreachable".into(),
            reason: e.to_string(),
        })?;
        let status = response.status().as_u16();
        let bytes = response.bytes().map_err(|e| GatewayError {
            status,
            code: "truncated".into(),
            reason: e.to_string(),
        })?;
        if (200..300).contains(&status) {
            return Ok(bytes.to_vec());
        }
        let body: RefusalBody = serde_json::from_slice(&bytes).unwrap_or(RefusalBody {
            error: "http".into(),
            reason: String::from_utf8_lossy(&bytes).into_owned(),
        });
        Err(GatewayError {
            status,
            code: body.error,
            reason: body.reason,
        })
    }

    /// A signed request.
    pub fn request<L: Ledger>(
        &self,
        l: &L,
        signer: AccountId,
        method: &str,
        path: &str,
        body: Vec<u8>,
    ) -> Result<Vec<u8>, GatewayError> {
        let header = self.authorize(l, signer, method, path, &body)?;
        self.send(method, path, Some(&header), body)
    }

    pub fn put_blob<L: Ledger>(
        &self,
        l: &L,
        author: AccountId,
        record: RecordId,
        blob: Vec<u8>,
    ) -> Result<(), GatewayError> {
        self.request(l, author, "PUT", &format!("/v1/records/{record}"), blob)
            .map(|_| ())
    }

    pub fn put_key<L: Ledger>(
        &self,
        l: &L,
        signer: AccountId,
        record: RecordId,
        slot: &str,
        wrapped: Vec<u8>,
    ) -> Result<(), GatewayError> {
        self.request(
            l,
            signer,
            "PUT",
            &format!("/v1/records/{record}/keys/{slot}"),
            wrapped,
        )
        .map(|_| ())
    }

    pub fn get_blob<L: Ledger>(
        &self,
        l: &L,
        reader: AccountId,
        record: RecordId,
        entry: u64,
    ) -> Result<Vec<u8>, GatewayError> {
        self.request(
            l,
            reader,
            "GET",
            &format!("/v1/records/{record}?entry={entry}"),
            Vec::new(),
        )
    }

    pub fn get_key<L: Ledger>(
        &self,
        l: &L,
        reader: AccountId,
        record: RecordId,
        entry: u64,
    ) -> Result<Vec<u8>, GatewayError> {
        self.request(
            l,
            reader,
            "GET",
            &format!("/v1/records/{record}/key?entry={entry}"),
            Vec::new(),
        )
    }
}

/// A record version sealed but not uploaded yet.
struct Sealed {
    blob: Vec<u8>,
    key: DataKey,
    version: u32,
    patient: PatientId,
}

/// The scenario's data plane: every actor's client, with demo keys derived from actor names
/// (`carechain_client::keys`). `store`, when given, is the gateway's store, so the demo can
/// show a compromised store being detected.
pub struct VaultPlane {
    pub gateway: GatewayClient,
    store: Option<Arc<dyn ObjectStore>>,
    sealed: HashMap<RecordId, Sealed>,
    /// How old a granted entry may be for the custodian's own check (the gateway's window).
    pub window_ms: u64,
}

fn text<E: core::fmt::Display>(e: E) -> String {
    e.to_string()
}

impl VaultPlane {
    pub fn new(gateway: GatewayClient, store: Option<Arc<dyn ObjectStore>>) -> VaultPlane {
        VaultPlane {
            gateway,
            store,
            sealed: HashMap::new(),
            window_ms: crate::server::Config::default().window_ms,
        }
    }

    fn secret<L: Ledger>(l: &L, account: &AccountId) -> SecretKey {
        demo_secret(&l.name_of(account))
    }

    fn org_key<L: Ledger>(l: &mut L, account: AccountId) -> Result<PublicKey, String> {
        view::organisation(l, account)
            .map(|o| PublicKey(o.key.0))
            .ok_or_else(|| format!("{} is not an organisation", l.name_of(&account)))
    }
}

impl<L: Ledger> DataPlane<L> for VaultPlane {
    fn seal(
        &mut self,
        l: &mut L,
        _author: AccountId,
        patient: PatientId,
        record: RecordId,
        version: u32,
        plaintext: &[u8],
    ) -> Result<(Digest, EncryptedLocator), String> {
        let patient_key = view::patient(l, patient)
            .map(|p| PublicKey(p.key.0))
            .ok_or("unknown patient")?;
        let (blob, key) = vault::seal(record, version, plaintext).map_err(text)?;
        let hash = Digest(vault::content_hash(&blob));
        let locator = vault::seal_locator(
            &patient_key,
            &format!("gateway={};object={}", self.gateway.id, blob_path(record)),
        )
        .map_err(text)?;
        self.sealed.insert(
            record,
            Sealed {
                blob,
                key,
                version,
                patient,
            },
        );
        Ok((hash, EncryptedLocator(locator)))
    }

    fn upload(&mut self, l: &mut L, author: AccountId, record: RecordId) -> Result<(), String> {
        let sealed = self
            .sealed
            .remove(&record)
            .ok_or("nothing sealed for this record")?;
        self.gateway
            .put_blob(l, author, record, sealed.blob.clone())
            .map_err(text)?;
        let patient = view::patient(l, sealed.patient).ok_or("unknown patient")?;
        let mut recipients = vec![(PATIENT_SLOT.to_owned(), PublicKey(patient.key.0))];
        recipients.push((org_slot(&author), Self::org_key(l, author)?));
        if let Some(custodian) = patient.custodian {
            recipients.push((org_slot(&custodian), Self::org_key(l, custodian)?));
        }
        for (slot, to) in recipients {
            let wrapped = vault::wrap(&sealed.key, &to, record, sealed.version).map_err(text)?;
            self.gateway
                .put_key(l, author, record, &slot, wrapped)
                .map_err(text)?;
        }
        Ok(())
    }

    fn fetch(
        &mut self,
        l: &mut L,
        reader: AccountId,
        record: RecordId,
        entry: u64,
    ) -> Result<Vec<u8>, String> {
        let wrapped = self
            .gateway
            .get_key(l, reader, record, entry)
            .map_err(text)?;
        let blob = self
            .gateway
            .get_blob(l, reader, record, entry)
            .map_err(text)?;
        let meta = view::record_meta(l, record).ok_or("no such record anchor")?;
        let key = vault::unwrap(&Self::secret(l, &reader), &wrapped, record, meta.version)
            .map_err(text)?;
        let plaintext =
            vault::open_anchored(&key, record, meta.version, meta.content_hash.0, &blob)
                .map_err(|e| format!("client: {e}"))?;
        Ok(plaintext.to_vec())
    }

    fn emergency_rewrap(
        &mut self,
        l: &mut L,
        custodian: AccountId,
        provider: AccountId,
        record: RecordId,
        entry: u64,
    ) -> Result<(), String> {
        // The custodian's own check first: the provider's granted emergency read, on chain.
        let release = check_release(
            &mut LedgerFacts(&mut *l),
            None,
            provider,
            record,
            entry,
            self.window_ms,
        )
        .map_err(text)?;
        if !matches!(release.basis, carechain_common::AccessBasis::Emergency(_)) {
            return Err("not a break-glass read".into());
        }
        let wrapped = self
            .gateway
            .get_key(l, custodian, record, entry)
            .map_err(text)?;
        let meta = view::record_meta(l, record).ok_or("no such record anchor")?;
        let key = vault::unwrap(&Self::secret(l, &custodian), &wrapped, record, meta.version)
            .map_err(text)?;
        let to = Self::org_key(l, provider)?;
        let rewrapped = vault::wrap(&key, &to, record, meta.version).map_err(text)?;
        self.gateway
            .put_key(l, custodian, record, &org_slot(&provider), rewrapped)
            .map_err(text)
    }

    fn corrupt(&mut self, record: RecordId) -> Result<(), String> {
        let store = self.store.clone().ok_or("no access to the store")?;
        let path = object_store::path::Path::from(blob_path(record));
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .map_err(text)?;
        runtime.block_on(async move {
            let mut bytes = store
                .get(&path)
                .await
                .map_err(text)?
                .bytes()
                .await
                .map_err(text)?
                .to_vec();
            let last = bytes.len().saturating_sub(1);
            bytes[last] ^= 0x01;
            store
                .put(&path, bytes.into())
                .await
                .map(|_| ())
                .map_err(text)
        })
    }
}

/// Wrap a record's key for a grantee: what the patient's client does after granting an
/// organisation (the gateway never sees the data key).
pub fn share_with<L: Ledger>(
    gateway: &GatewayClient,
    l: &mut L,
    patient_side: AccountId,
    patient_secret: &SecretKey,
    record: RecordId,
    entry: u64,
    grantee: AccountId,
) -> Result<(), String> {
    let wrapped = gateway
        .get_key(l, patient_side, record, entry)
        .map_err(text)?;
    let meta = view::record_meta(l, record).ok_or("no such record anchor")?;
    let key = vault::unwrap(patient_secret, &wrapped, record, meta.version).map_err(text)?;
    let to = view::organisation(l, grantee)
        .map(|o| PublicKey(o.key.0))
        .ok_or("the grantee is not an organisation")?;
    let rewrapped = vault::wrap(&key, &to, record, meta.version).map_err(text)?;
    gateway
        .put_key(l, patient_side, record, &org_slot(&grantee), rewrapped)
        .map_err(text)
}
