//! The gateway's wire protocol: paths, the signed `Authorization` header and the refusals.
//!
//! Every request is signed by the caller's chain account (sr25519, signing context "substrate",
//! as polkadot.js and subxt sign) over
//!
//! ```text
//! <Bytes>carechain-gateway/v1
//! <gateway id>
//! <METHOD>
//! <path and query>
//! <hex SHA-256 of the body>
//! <timestamp, ms since 1970>
//! <nonce, 32 hex digits></Bytes>
//! ```
//!
//! (the `<Bytes>` wrapper is what a browser wallet's `signRaw` adds, so extension signers work
//! unchanged), sent as
//! `Authorization: CareChain-Sr25519 account=<hex>,ts=<ms>,nonce=<hex>,sig=<hex>`, with the
//! body's hash also in `X-CareChain-Content-SHA256: <hex>` (the same hash the signature covers)
//! so the gateway authenticates a request from its headers alone, before it reads a byte of
//! the body, and then checks the body against the signed hash. An upload declares its
//! `Content-Length`; a `GET` has no body.
//! A request older or newer than the allowed clock skew is stale; a nonce seen before within the
//! skew is a replay. Only accounts the chain holds (a non-zero balance) are served, each at a
//! bounded rate.
//!
//! Paths:
//!
//! ```text
//! PUT /v1/records/{record}                      blob (the author; hash = the anchor's)
//! GET /v1/records/{record}?entry={seq}          blob (release rule)
//! PUT /v1/records/{record}/keys/{recipient}     a wrapped key for the recipient's X25519 key (hex)
//! GET /v1/records/{record}/key?entry={seq}[&for={key}]
//!                                               the wrapped keys for the signer's registered key,
//!                                               or for `key` (a former key of the signer's)
//! GET /v1/health                                gateway id and version (unsigned)
//! ```
//!
//! Key slots are addressed by the recipient's public key, not its name, so after a recovery
//! (a new patient key) or an organisation's key rotation the new key gets slots of its own,
//! re-wrapped by a holder of a current one, and nothing earlier is lost. Each writer has its own
//! position in a slot (`records/{record}/keys/{recipient}/{writer}`): a writer can replace only
//! what it wrote, never another's wrapped key, so nobody can make a record unreadable for a
//! recipient. A `GET` answers every position (at most [`MAX_KEY_CANDIDATES`], the author's
//! first, then the signer's own), each [`carechain_vault::WRAPPED_LEN`] bytes, concatenated;
//! the reader keeps the one whose data key the blob commits to
//! ([`carechain_vault::open_candidates`]).
//!
//! Nothing here rests on the store's conditional writes (Garage, for one, ignores
//! `If-None-Match`): a blob's path holds only the bytes whose hash the chain anchors for that
//! record, and a key position only its writer's bytes. An upload to a path that holds an object
//! is refused (`exists`) after a read of the path; two uploads racing through two gateways can
//! both be acknowledged, and then both wrote the same bytes (a blob) or the same writer's.

use ink::primitives::AccountId;
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

pub const SCHEME: &str = "CareChain-Sr25519";
/// A gateway's id unless configured otherwise.
pub const DEFAULT_GATEWAY_ID: &str = "carechain-gateway";
/// How old a granted entry may be for a release unless configured otherwise (chain time, ms).
pub const DEFAULT_WINDOW_MS: u64 = 5 * 60 * 1000;
pub const VERSION: &str = "carechain-gateway/v1";
/// Wrapped keys a key `GET` answers at most (positions of distinct writers).
pub const MAX_KEY_CANDIDATES: usize = 16;

/// The header carrying the body's SHA-256 (hex), as the signature covers it.
pub const CONTENT_SHA256: &str = "x-carechain-content-sha256";

/// The header of a key `GET` carrying the data-key commitment in the record blob's head (hex),
/// for a key holder that re-wraps without downloading the blob (the patient's custodian may
/// not). A reader that has the blob uses the blob's own.
pub const KEY_COMMITMENT: &str = "x-carechain-key-commitment";

/// The hex SHA-256 of a body, as the signature and [`CONTENT_SHA256`] carry it.
pub fn content_sha256(body: &[u8]) -> String {
    hex::encode(Sha256::digest(body))
}

/// The bytes a request's signature covers.
pub fn signing_payload(
    gateway: &str,
    method: &str,
    path_and_query: &str,
    body: &[u8],
    ts: u64,
    nonce: &[u8; 16],
) -> Vec<u8> {
    signing_payload_for(
        gateway,
        method,
        path_and_query,
        &content_sha256(body),
        ts,
        nonce,
    )
}

/// The same, for a body known by its hex SHA-256 (the gateway, before it reads the body).
pub fn signing_payload_for(
    gateway: &str,
    method: &str,
    path_and_query: &str,
    body_sha256: &str,
    ts: u64,
    nonce: &[u8; 16],
) -> Vec<u8> {
    format!(
        "<Bytes>{VERSION}\n{gateway}\n{method}\n{path_and_query}\n{body_sha256}\n{ts}\n{}</Bytes>",
        hex::encode(nonce)
    )
    .into_bytes()
}

/// A parsed `Authorization` header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Authorization {
    pub account: AccountId,
    pub ts: u64,
    pub nonce: [u8; 16],
    pub signature: [u8; 64],
}

/// `N` bytes from hex (with or without `0x`), as header fields carry them.
pub(crate) fn hex_field<const N: usize>(value: &str) -> Option<[u8; N]> {
    let mut out = [0u8; N];
    hex::decode_to_slice(value.trim_start_matches("0x"), &mut out).ok()?;
    Some(out)
}

impl Authorization {
    pub fn header(&self) -> String {
        format!(
            "{SCHEME} account={},ts={},nonce={},sig={}",
            account_hex(&self.account),
            self.ts,
            hex::encode(self.nonce),
            hex::encode(self.signature)
        )
    }

    pub fn parse(header: &str) -> Result<Authorization, Refusal> {
        let rest = header.strip_prefix(SCHEME).ok_or(Refusal::Unsigned)?.trim();
        let (mut account, mut ts, mut nonce, mut sig) = (None, None, None, None);
        for part in rest.split(',') {
            let (key, value) = part.trim().split_once('=').ok_or(Refusal::BadSignature)?;
            match key {
                "account" => account = hex_field::<32>(value).map(AccountId::from),
                "ts" => ts = value.parse().ok(),
                "nonce" => nonce = hex_field::<16>(value),
                "sig" => sig = hex_field::<64>(value),
                _ => return Err(Refusal::BadSignature),
            }
        }
        Ok(Authorization {
            account: account.ok_or(Refusal::BadSignature)?,
            ts: ts.ok_or(Refusal::BadSignature)?,
            nonce: nonce.ok_or(Refusal::BadSignature)?,
            signature: sig.ok_or(Refusal::BadSignature)?,
        })
    }
}

/// Why the gateway refused. Each has an HTTP status, a stable code and a sentence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// 401: no `Authorization` header of our scheme.
    Unsigned,
    /// 401: the signature does not verify for the account, or the header is malformed.
    BadSignature,
    /// 401: the timestamp is outside the allowed clock skew.
    Stale,
    /// 401: this nonce was used already.
    Replayed,
    /// 403: the signing account is not one the chain holds (no balance): a key made up for
    /// the request.
    UnknownAccount,
    /// 429: this account sent more requests than the gateway serves one account.
    RateLimited,
    /// 408: the body did not arrive within the gateway's body timeout.
    SlowBody,
    /// 403: no audit entry with this sequence number.
    NoSuchEntry,
    /// 403: the entry is not in a finalized block yet.
    NotFinalized,
    /// 403: the entry was not written by the suite's access contract.
    NotSuiteWriter,
    /// 403: the entry is not a record read.
    NotRecordRead,
    /// 403: the entry's decision was a denial (its reason attached).
    NotGranted(String),
    /// 403: the entry's requester is not the signer.
    NotRequester,
    /// 403: the entry is about another record.
    OtherRecord,
    /// 403: the entry is older than the release window.
    TooOld,
    /// 403: the grant, session or patient-side standing the entry was granted on has ended
    /// since.
    Revoked(&'static str),
    /// 403: the access rule, re-run on the chain's current state, no longer grants this read on
    /// the basis the entry recorded (a narrowed grant, a new deny rule, a suspended reader, a
    /// deregistered patient); the reason attached.
    NoLongerGranted(String),
    /// 403: only the record's author uploads its blob.
    NotAuthor,
    /// 403: the signer may not upload a key for this record.
    NotKeyHolder,
    /// 404: no such record anchor, blob or key.
    NotFound(&'static str),
    /// 409: the blob or key exists already (write-once).
    Exists,
    /// 413: larger than the gateway accepts.
    TooLarge,
    /// 422: the upload's SHA-256 is not the anchored content hash.
    HashMismatch,
    /// 400: a malformed request.
    BadRequest(String),
    /// 503: the chain or the store did not answer.
    Unavailable(String),
}

/// A refusal as the gateway sends it (JSON body).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct RefusalBody {
    pub error: String,
    pub reason: String,
}

impl Refusal {
    pub fn status(&self) -> u16 {
        match self {
            Refusal::Unsigned | Refusal::BadSignature | Refusal::Stale | Refusal::Replayed => 401,
            Refusal::RateLimited => 429,
            Refusal::SlowBody => 408,
            Refusal::NotFound(_) => 404,
            Refusal::Exists => 409,
            Refusal::TooLarge => 413,
            Refusal::HashMismatch => 422,
            Refusal::BadRequest(_) => 400,
            Refusal::Unavailable(_) => 503,
            _ => 403,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Refusal::Unsigned => "unsigned",
            Refusal::BadSignature => "bad-signature",
            Refusal::Stale => "stale",
            Refusal::Replayed => "replayed",
            Refusal::UnknownAccount => "unknown-account",
            Refusal::RateLimited => "rate-limited",
            Refusal::SlowBody => "body-timeout",
            Refusal::NoSuchEntry => "no-such-entry",
            Refusal::NotFinalized => "not-finalized",
            Refusal::NotSuiteWriter => "not-suite-writer",
            Refusal::NotRecordRead => "not-a-record-read",
            Refusal::NotGranted(_) => "not-granted",
            Refusal::NotRequester => "not-the-requester",
            Refusal::OtherRecord => "other-record",
            Refusal::TooOld => "entry-too-old",
            Refusal::Revoked(_) => "revoked-since",
            Refusal::NoLongerGranted(_) => "no-longer-granted",
            Refusal::NotAuthor => "not-author",
            Refusal::NotKeyHolder => "not-key-holder",
            Refusal::NotFound(_) => "not-found",
            Refusal::Exists => "exists",
            Refusal::TooLarge => "too-large",
            Refusal::HashMismatch => "hash-mismatch",
            Refusal::BadRequest(_) => "bad-request",
            Refusal::Unavailable(_) => "unavailable",
        }
    }

    pub fn sentence(&self) -> String {
        match self {
            Refusal::Unsigned => "the request is not signed with a chain account".into(),
            Refusal::BadSignature => "the signature does not verify for the account".into(),
            Refusal::Stale => "the request's timestamp is outside the allowed clock skew".into(),
            Refusal::Replayed => "this request was sent before (nonce reused)".into(),
            Refusal::UnknownAccount => {
                "the signing account is not one the chain holds (it has no balance)".into()
            }
            Refusal::RateLimited => {
                "too many requests from this account; retry after a second".into()
            }
            Refusal::SlowBody => "the request's body did not arrive in time".into(),
            Refusal::NoSuchEntry => "there is no audit entry with this number".into(),
            Refusal::NotFinalized => "the audit entry is not in a finalized block yet".into(),
            Refusal::NotSuiteWriter => {
                "the audit entry was not written by the suite's access contract".into()
            }
            Refusal::NotRecordRead => "the audit entry is not a record read".into(),
            Refusal::NotGranted(why) => format!("the chain denied this read ({why})"),
            Refusal::NotRequester => "the audit entry is another account's request".into(),
            Refusal::OtherRecord => "the audit entry is about another record".into(),
            Refusal::TooOld => "the audit entry is older than the release window".into(),
            Refusal::Revoked(what) => format!("the {what} the read was granted on has ended since"),
            Refusal::NoLongerGranted(why) => {
                format!("the chain would no longer grant this read ({why})")
            }
            Refusal::NotAuthor => "only the record's author uploads its content".into(),
            Refusal::NotKeyHolder => {
                "only the author, the patient's side or the patient's custodian wrap keys for others; an organisation wraps only for its own registered key".into()
            }
            Refusal::NotFound(what) => format!("no such {what}"),
            Refusal::Exists => "it exists already (a blob and a writer's wrapped key are written once)".into(),
            Refusal::TooLarge => "the upload is larger than this gateway accepts".into(),
            Refusal::HashMismatch => {
                "the upload's SHA-256 is not the hash anchored on chain".into()
            }
            Refusal::BadRequest(what) => format!("malformed request: {what}"),
            Refusal::Unavailable(what) => format!("temporarily unavailable: {what}"),
        }
    }

    pub fn body(&self) -> RefusalBody {
        RefusalBody {
            error: self.code().to_owned(),
            reason: self.sentence(),
        }
    }
}

impl core::fmt::Display for Refusal {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{} {}: {}", self.status(), self.code(), self.sentence())
    }
}

/// The storage path of a record's blob.
pub fn blob_path(record: u64) -> String {
    format!("records/{record}/blob")
}

/// The storage folder of the wrapped keys for one recipient key of a record.
pub fn key_prefix(record: u64, recipient: &str) -> String {
    format!("records/{record}/keys/{recipient}")
}

/// The storage path of the wrapped key `writer` wrote for `recipient` (a key slot's name).
pub fn key_path(record: u64, recipient: &str, writer: &AccountId) -> String {
    format!("{}/{}", key_prefix(record, recipient), account_hex(writer))
}

/// An account in lower-case hex, as paths spell it.
pub fn account_hex(account: &AccountId) -> String {
    hex::encode(AsRef::<[u8; 32]>::as_ref(account))
}

/// The key slot of a recipient's X25519 public key (lower-case hex).
pub fn key_slot(key: &[u8; 32]) -> String {
    hex::encode(key)
}

/// Whether `slot` names a key slot: a 32-byte key in lower-case hex (as [`key_slot`] spells
/// it; another spelling would be stored under a name that is never served).
pub fn valid_slot(slot: &str) -> bool {
    slot.len() == 64 && slot.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_round_trips_and_malformed_ones_are_refused() {
        let auth = Authorization {
            account: AccountId::from([7; 32]),
            ts: 1_700_000_000_000,
            nonce: [9; 16],
            signature: [3; 64],
        };
        assert_eq!(Authorization::parse(&auth.header()), Ok(auth.clone()));
        assert_eq!(Authorization::parse("Bearer x"), Err(Refusal::Unsigned));
        let cut = auth.header().replace(",sig=", ",sag=");
        assert_eq!(Authorization::parse(&cut), Err(Refusal::BadSignature));
        let short = auth.header().replace(&hex::encode([3u8; 64]), "0303");
        assert_eq!(Authorization::parse(&short), Err(Refusal::BadSignature));
    }

    #[test]
    fn the_payload_binds_every_part() {
        let base = signing_payload("gw", "GET", "/v1/records/1?entry=2", b"", 5, &[1; 16]);
        for other in [
            signing_payload("gw2", "GET", "/v1/records/1?entry=2", b"", 5, &[1; 16]),
            signing_payload("gw", "PUT", "/v1/records/1?entry=2", b"", 5, &[1; 16]),
            signing_payload("gw", "GET", "/v1/records/1?entry=3", b"", 5, &[1; 16]),
            signing_payload("gw", "GET", "/v1/records/1?entry=2", b"x", 5, &[1; 16]),
            signing_payload("gw", "GET", "/v1/records/1?entry=2", b"", 6, &[1; 16]),
            signing_payload("gw", "GET", "/v1/records/1?entry=2", b"", 5, &[2; 16]),
        ] {
            assert_ne!(base, other);
        }
        assert!(base.starts_with(b"<Bytes>") && base.ends_with(b"</Bytes>"));
    }

    #[test]
    fn every_refusal_has_a_status_code_and_sentence() {
        for r in [
            Refusal::Unsigned,
            Refusal::NotGranted("NoConsent".into()),
            Refusal::Revoked("grant"),
            Refusal::NotFound("record"),
            Refusal::Exists,
            Refusal::TooLarge,
            Refusal::HashMismatch,
        ] {
            assert!(r.status() >= 400 && !r.code().is_empty() && !r.sentence().is_empty());
        }
    }
}
