//! The gateway's client (blocking HTTP): signed requests, uploads, releases, and re-wrapping a
//! record's key for another key (a grantee's, a patient's new key after a recovery, an
//! organisation's own new key after it rotated).

use super::protocol::{
    content_sha256, hex_field, key_slot, signing_payload, Authorization, RefusalBody,
    CONTENT_SHA256, KEY_COMMITMENT,
};
use crate::{view, ChainWrite};
use carechain_common::RecordId;
use carechain_vault::{self as vault, PublicKey, SecretKey};
use ink::primitives::AccountId;

fn text<E: core::fmt::Display>(e: E) -> String {
    e.to_string()
}

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
    pub fn authorize<L: ChainWrite>(
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
        self.exchange(method, path, authorization, body)
            .map(|(body, _)| body)
    }

    /// [`GatewayClient::send`], with the response's headers.
    fn exchange(
        &self,
        method: &str,
        path: &str,
        authorization: Option<&str>,
        body: Vec<u8>,
    ) -> Result<(Vec<u8>, reqwest::header::HeaderMap), GatewayError> {
        let url = format!("{}{path}", self.base);
        let method = reqwest::Method::from_bytes(method.as_bytes()).map_err(|_| GatewayError {
            status: 0,
            code: "bad-method".into(),
            reason: method.to_owned(),
        })?;
        let mut request = self
            .http
            .request(method, url)
            .header(CONTENT_SHA256, content_sha256(&body))
            .body(body);
        if let Some(header) = authorization {
            request = request.header("authorization", header);
        }
        let response = request.send().map_err(|e| GatewayError {
            status: 0,
            code: "unreachable".into(),
            reason: e.to_string(),
        })?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = response.bytes().map_err(|e| GatewayError {
            status,
            code: "truncated".into(),
            reason: e.to_string(),
        })?;
        if (200..300).contains(&status) {
            return Ok((bytes.to_vec(), headers));
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
    pub fn request<L: ChainWrite>(
        &self,
        l: &L,
        signer: AccountId,
        method: &str,
        path: &str,
        body: Vec<u8>,
    ) -> Result<Vec<u8>, GatewayError> {
        self.signed(l, signer, method, path, body)
            .map(|(body, _)| body)
    }

    /// A signed request, with the response's headers.
    fn signed<L: ChainWrite>(
        &self,
        l: &L,
        signer: AccountId,
        method: &str,
        path: &str,
        body: Vec<u8>,
    ) -> Result<(Vec<u8>, reqwest::header::HeaderMap), GatewayError> {
        let header = self.authorize(l, signer, method, path, &body)?;
        self.exchange(method, path, Some(&header), body)
    }

    pub fn put_blob<L: ChainWrite>(
        &self,
        l: &L,
        author: AccountId,
        record: RecordId,
        blob: Vec<u8>,
    ) -> Result<(), GatewayError> {
        self.request(l, author, "PUT", &format!("/v1/records/{record}"), blob)
            .map(|_| ())
    }

    /// Upload `signer`'s wrapped key for the recipient key `slot` ([`key_slot`]).
    pub fn put_key<L: ChainWrite>(
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

    pub fn get_blob<L: ChainWrite>(
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

    /// The wrapped keys for the reader's registered key (every writer's, concatenated: open
    /// them with [`vault::open_candidates`]).
    pub fn get_key<L: ChainWrite>(
        &self,
        l: &L,
        reader: AccountId,
        record: RecordId,
        entry: u64,
    ) -> Result<Vec<u8>, GatewayError> {
        self.get_key_for(l, reader, record, entry, None)
            .map(|(wrapped, _)| wrapped)
    }

    /// The wrapped keys for `slot` (a former key of the reader's), or for its registered key,
    /// and the data-key commitment the gateway read in the blob's head (when it is uploaded).
    pub fn get_key_for<L: ChainWrite>(
        &self,
        l: &L,
        reader: AccountId,
        record: RecordId,
        entry: u64,
        slot: Option<&str>,
    ) -> Result<(Vec<u8>, Option<[u8; 32]>), GatewayError> {
        let path = match slot {
            None => format!("/v1/records/{record}/key?entry={entry}"),
            Some(slot) => format!("/v1/records/{record}/key?entry={entry}&for={slot}"),
        };
        let (wrapped, headers) = self.signed(l, reader, "GET", &path, Vec::new())?;
        let commitment = headers
            .get(KEY_COMMITMENT)
            .and_then(|v| v.to_str().ok())
            .and_then(hex_field::<32>);
        Ok((wrapped, commitment))
    }
}

/// Re-wrap a record's data key for another key: `holder` (released on `entry`) fetches its
/// wrapped keys (for `from`, a former key of its own, or its registered key), keeps the data
/// key the blob commits to (by the commitment the gateway read in the blob's head: the
/// patient's custodian re-wraps without being released the blob) and uploads it wrapped for
/// `to` into its own position of `to`'s slot. The gateway never sees the data key.
#[allow(clippy::too_many_arguments)] // who holds the key, which record and entry, from and to
pub fn rewrap<L: ChainWrite>(
    gateway: &GatewayClient,
    l: &mut L,
    holder: AccountId,
    holder_secret: &SecretKey,
    record: RecordId,
    entry: u64,
    from: Option<&str>,
    to: &PublicKey,
) -> Result<(), String> {
    let (wrapped, commitment) = gateway
        .get_key_for(l, holder, record, entry, from)
        .map_err(text)?;
    let commitment = commitment.ok_or("the record's blob is not uploaded yet")?;
    let meta = view::record_meta(l, record).ok_or("no such record anchor")?;
    let key = vault::unwrap_committed(holder_secret, &wrapped, record, meta.version, &commitment)
        .map_err(text)?;
    let rewrapped = vault::wrap(&key, to, record, meta.version).map_err(text)?;
    gateway
        .put_key(l, holder, record, &key_slot(&to.0), rewrapped)
        .map_err(text)
}

/// Wrap a record's key for a grantee: what the patient's client does after granting an
/// organisation (the gateway never sees the data key).
pub fn share_with<L: ChainWrite>(
    gateway: &GatewayClient,
    l: &mut L,
    patient_side: AccountId,
    patient_secret: &SecretKey,
    record: RecordId,
    entry: u64,
    grantee: AccountId,
) -> Result<(), String> {
    let to = view::organisation(l, grantee)
        .map(|o| PublicKey(o.key.0))
        .ok_or("the grantee is not an organisation")?;
    rewrap(
        gateway,
        l,
        patient_side,
        patient_secret,
        record,
        entry,
        None,
        &to,
    )
}
