//! The gateway's HTTP server (axum on hyper, HTTP/1.1). Chain reads run on blocking threads
//! over a pool of chain readers (a node client blocks on its own runtime); blobs and keys live
//! in an `object_store` (a local directory by default, S3-compatible storage by
//! configuration). A put becomes visible whole or not at all; nothing rests on the store's
//! conditional writes (which Garage ignores): a blob's path only ever holds the anchored bytes,
//! and each writer of a key slot has a position of its own (see the protocol). Logs carry ids
//! and reasons, never record content or keys.
//!
//! What a stranger can make it do is bounded: a request is authenticated from its headers
//! alone (the signed body hash travels in `X-CareChain-Content-SHA256`) before any body is
//! read; only accounts the chain holds are served, each under a token bucket; nonces are kept
//! in two generations (O(1) a request); an upload must declare its length, within its route's
//! limit (a wrapped key is exactly [`WRAPPED_LEN`] bytes), and is checked against the chain
//! (the author, the anchored hash) before its body is read; headers must arrive within
//! `header_timeout` and a body within `body_timeout`; connections are capped.

use crate::limits::{Bounded, RateLimiter, ReplayGuard};
use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{header, HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use axum::{Json, Router};
use carechain_common::{AuditEntry, RecordId};
use carechain_sdk::gateway::protocol::{
    account_hex, blob_path, content_sha256, key_path, key_prefix, signing_payload_for, valid_slot,
    Authorization, Refusal, CONTENT_SHA256, DEFAULT_GATEWAY_ID, DEFAULT_WINDOW_MS, KEY_COMMITMENT,
    MAX_KEY_CANDIDATES, VERSION,
};
use carechain_sdk::gateway::release::{
    check_blob_upload, check_custodian_key, check_key_upload, check_release, ChainFactsOf, Release,
};
use carechain_sdk::ChainRead;
use carechain_vault::WRAPPED_LEN;
use ink::primitives::AccountId;
use object_store::path::Path as StorePath;
use object_store::{ObjectStore, ObjectStoreExt, PutMode, PutOptions, PutPayload};
use serde::Deserialize;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The gateway's settings.
#[derive(Clone, Debug)]
pub struct Config {
    /// This gateway's id: part of every signed request (a request for another gateway fails).
    pub id: String,
    /// How old a granted entry may be, in chain time (ms). Default 5 minutes.
    pub window_ms: u64,
    /// Allowed clock skew of a request's timestamp (ms). Default 60 s.
    pub skew_ms: u64,
    /// Largest upload, bytes. Default 64 MiB.
    pub max_body: usize,
    /// Requests a second one account may make, and its burst. Default 20 and 40.
    pub rate_per_sec: u32,
    pub burst: u32,
    /// How long a client may take to send a request's headers (and how long an idle
    /// connection stays open). Default 10 s.
    pub header_timeout: Duration,
    /// How long a client may take to send a body. Default 120 s.
    pub body_timeout: Duration,
    /// Open connections at most; more wait to be accepted. Default 512.
    pub max_connections: usize,
    /// How long a request waits for a free chain reader before it is refused (503). Default 10 s.
    pub reader_wait: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            id: DEFAULT_GATEWAY_ID.into(),
            window_ms: DEFAULT_WINDOW_MS,
            skew_ms: 60 * 1000,
            max_body: 64 << 20,
            rate_per_sec: 20,
            burst: 40,
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(120),
            max_connections: 512,
            reader_wait: Duration::from_secs(10),
        }
    }
}

/// Entries the caches and guards hold at most.
const CACHE_CAP: usize = 100_000;
const NONCE_CAP: usize = 1_000_000;

/// Open the store a specification names: `s3://bucket[/prefix]` (credentials, region and
/// endpoint from the usual `AWS_*` environment variables) or a local directory.
pub fn open_store(spec: &str) -> Result<Arc<dyn ObjectStore>, String> {
    if let Some(rest) = spec.strip_prefix("s3://") {
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        let s3 = object_store::aws::AmazonS3Builder::from_env()
            .with_bucket_name(bucket)
            .build()
            .map_err(|e| format!("{spec}: {e}"))?;
        if prefix.is_empty() {
            Ok(Arc::new(s3))
        } else {
            Ok(Arc::new(object_store::prefix::PrefixStore::new(s3, prefix)))
        }
    } else {
        std::fs::create_dir_all(spec).map_err(|e| format!("{spec}: {e}"))?;
        let local = object_store::local::LocalFileSystem::new_with_prefix(spec)
            .map_err(|e| format!("{spec}: {e}"))?;
        Ok(Arc::new(local))
    }
}

/// A running gateway's state.
pub struct Gateway<L: ChainRead + Send + 'static> {
    pub config: Config,
    /// Chain readers; a request holds one for its chain check only.
    readers: Vec<Mutex<L>>,
    free: Arc<tokio::sync::Semaphore>,
    store: Arc<dyn ObjectStore>,
    nonces: Mutex<ReplayGuard>,
    limiter: Mutex<RateLimiter>,
    /// Finalized audit entries (they never change): the chain check's cache.
    entries: Mutex<Bounded<u64, AuditEntry>>,
    /// Accounts the chain holds (once seen, not read again until the cache starts over).
    known: Mutex<Bounded<AccountId, ()>>,
}

fn wall_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

fn short(account: &AccountId) -> String {
    hex::encode(&AsRef::<[u8; 32]>::as_ref(account)[..6])
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}

/// A request's declared body: its length and signed hash.
struct Declared {
    len: usize,
    sha256: String,
}

fn declared_len(headers: &HeaderMap) -> Result<Option<usize>, Refusal> {
    match headers.get(header::CONTENT_LENGTH) {
        None => Ok(None),
        Some(v) => v
            .to_str()
            .ok()
            .and_then(|t| t.parse().ok())
            .map(Some)
            .ok_or(Refusal::BadRequest("Content-Length is not a number".into())),
    }
}

impl<L: ChainRead + Send + 'static> Gateway<L> {
    /// A gateway with one chain reader.
    pub fn new(config: Config, chain: L, store: Arc<dyn ObjectStore>) -> Arc<Self> {
        Self::pooled(config, vec![chain], store)
    }

    /// A gateway with a pool of chain readers (at least one), read concurrently.
    pub fn pooled(config: Config, readers: Vec<L>, store: Arc<dyn ObjectStore>) -> Arc<Self> {
        assert!(!readers.is_empty(), "a gateway needs a chain reader");
        let span = 2 * config.skew_ms;
        let limiter = RateLimiter::new(config.rate_per_sec, config.burst, CACHE_CAP);
        Arc::new(Gateway {
            free: Arc::new(tokio::sync::Semaphore::new(readers.len())),
            readers: readers.into_iter().map(Mutex::new).collect(),
            config,
            store,
            nonces: Mutex::new(ReplayGuard::new(span, NONCE_CAP)),
            limiter: Mutex::new(limiter),
            entries: Mutex::new(Bounded::new(CACHE_CAP)),
            known: Mutex::new(Bounded::new(CACHE_CAP)),
        })
    }

    /// Authenticate a request from its headers alone (its body is not read yet): the
    /// signature over the declared body hash, freshness, an account the chain holds, its rate,
    /// then its nonce. `upload`: the request carries a body (its length must be declared and
    /// at most `max_len`); otherwise it must carry none.
    async fn authenticate(
        self: &Arc<Self>,
        method: &Method,
        uri: &Uri,
        headers: &HeaderMap,
        upload: Option<usize>,
    ) -> Result<(AccountId, Declared), Refusal> {
        let auth = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .ok_or(Refusal::Unsigned)?;
        let auth = Authorization::parse(auth)?;
        let claimed = headers.get(CONTENT_SHA256).and_then(|v| v.to_str().ok());
        let length = declared_len(headers)?;
        let declared = match upload {
            None => {
                if length.unwrap_or(0) != 0 {
                    return Err(Refusal::BadRequest("this request carries no body".into()));
                }
                let empty = content_sha256(b"");
                if claimed.is_some_and(|c| c != empty) {
                    return Err(Refusal::BadRequest("this request carries no body".into()));
                }
                Declared {
                    len: 0,
                    sha256: empty,
                }
            }
            Some(max_len) => {
                let sha256 = claimed
                    .filter(|c| {
                        c.len() == 64 && c.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
                    })
                    .ok_or(Refusal::BadRequest(format!(
                        "an upload carries its SHA-256 (lower-case hex) in {CONTENT_SHA256}"
                    )))?
                    .to_owned();
                let len = length.ok_or(Refusal::BadRequest(
                    "an upload declares its Content-Length".into(),
                ))?;
                if len > max_len {
                    return Err(Refusal::TooLarge);
                }
                Declared { len, sha256 }
            }
        };
        let path = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
        let payload = signing_payload_for(
            &self.config.id,
            method.as_str(),
            path,
            &declared.sha256,
            auth.ts,
            &auth.nonce,
        );
        if !carechain_sdk::keys::verify(&auth.account, &payload, &auth.signature) {
            return Err(Refusal::BadSignature);
        }
        let now = wall_ms();
        if now.abs_diff(auth.ts) > self.config.skew_ms {
            return Err(Refusal::Stale);
        }
        self.known(auth.account).await?;
        lock(&self.limiter).admit(auth.account, now)?;
        lock(&self.nonces).admit(auth.account, auth.nonce, now)?;
        Ok((auth.account, declared))
    }

    /// Whether the chain holds `account` (a non-zero balance): a key made up for one request
    /// costs the gateway one read, and is refused.
    async fn known(self: &Arc<Self>, account: AccountId) -> Result<(), Refusal> {
        if lock(&self.known).get(&account).is_some() {
            return Ok(());
        }
        let held = self
            .with_reader(move |chain| chain.balance(&account) > 0)
            .await?;
        if !held {
            return Err(Refusal::UnknownAccount);
        }
        lock(&self.known).insert(account, ());
        Ok(())
    }

    /// Read the declared body within the body timeout; it must be the signed bytes.
    async fn read_body(&self, body: Body, declared: &Declared) -> Result<Bytes, Refusal> {
        let read = axum::body::to_bytes(body, declared.len);
        let bytes = match tokio::time::timeout(self.config.body_timeout, read).await {
            Err(_) => return Err(Refusal::SlowBody),
            Ok(Err(e)) => return Err(Refusal::BadRequest(format!("body: {e}"))),
            Ok(Ok(bytes)) => bytes,
        };
        if bytes.len() != declared.len {
            return Err(Refusal::BadRequest(
                "the body is not its declared length".into(),
            ));
        }
        if content_sha256(&bytes) != declared.sha256 {
            return Err(Refusal::BadSignature);
        }
        Ok(bytes)
    }

    /// Run `f` on a free chain reader, on a blocking thread; waits for one at most
    /// `reader_wait`.
    async fn with_reader<T: Send + 'static>(
        self: &Arc<Self>,
        f: impl FnOnce(&mut L) -> T + Send + 'static,
    ) -> Result<T, Refusal> {
        let busy = || Refusal::Unavailable("every chain reader is busy".into());
        let permit =
            tokio::time::timeout(self.config.reader_wait, self.free.clone().acquire_owned())
                .await
                .map_err(|_| busy())?
                .map_err(|_| busy())?;
        let me = self.clone();
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let mut reader = me
                .readers
                .iter()
                .find_map(|r| r.try_lock().ok())
                .unwrap_or_else(|| lock(&me.readers[0]));
            f(&mut reader)
        })
        .await
        .map_err(|_| Refusal::Unavailable("chain reader".into()))
    }

    /// Run `f` over the chain's facts (see [`Gateway::with_reader`]).
    async fn with_chain<T: Send + 'static>(
        self: &Arc<Self>,
        f: impl FnOnce(&mut ChainFactsOf<'_, L>) -> T + Send + 'static,
    ) -> Result<T, Refusal> {
        self.with_reader(move |chain| f(&mut ChainFactsOf::new(chain)))
            .await
    }

    /// Store `body` at `path` unless an object is there. The read first is what refuses a
    /// second upload on stores that ignore `If-None-Match` (Garage); `PutMode::Create` refuses it
    /// where the store honours it. Neither is what keeps the data safe: see the module's notes.
    async fn put_once(&self, path: String, body: Bytes) -> Result<(), Refusal> {
        let path = StorePath::from(path);
        match self.store.head(&path).await {
            Ok(_) => return Err(Refusal::Exists),
            Err(object_store::Error::NotFound { .. }) => {}
            Err(e) => return Err(Refusal::Unavailable(format!("store: {e}"))),
        }
        let options = PutOptions {
            mode: PutMode::Create,
            ..Default::default()
        };
        match self
            .store
            .put_opts(&path, PutPayload::from(body), options)
            .await
        {
            Ok(_) => Ok(()),
            Err(object_store::Error::AlreadyExists { .. }) => Err(Refusal::Exists),
            Err(e) => Err(Refusal::Unavailable(format!("store: {e}"))),
        }
    }

    /// The wrapped keys of a record for one recipient key: each writer's position (the
    /// author's first, then `signer`'s own, then the rest by name), at most
    /// [`MAX_KEY_CANDIDATES`], concatenated.
    async fn wrapped_keys(
        &self,
        record: RecordId,
        recipient: &str,
        author: &AccountId,
        signer: &AccountId,
    ) -> Result<Bytes, Refusal> {
        use futures_util::TryStreamExt as _;
        let unavailable = |e: object_store::Error| Refusal::Unavailable(format!("store: {e}"));
        let prefix = StorePath::from(key_prefix(record, recipient));
        let mut positions: Vec<object_store::ObjectMeta> = self
            .store
            .list(Some(&prefix))
            .try_filter(|meta| std::future::ready(meta.size == WRAPPED_LEN as u64))
            .try_collect()
            .await
            .map_err(unavailable)?;
        let (first, second) = (account_hex(author), account_hex(signer));
        positions.sort_by_cached_key(|meta| {
            let writer = meta.location.filename().unwrap_or_default().to_owned();
            (writer != first, writer != second, writer)
        });
        positions.truncate(MAX_KEY_CANDIDATES);
        let mut out = Vec::with_capacity(positions.len() * WRAPPED_LEN);
        for meta in positions {
            let found = self.store.get(&meta.location).await.map_err(unavailable)?;
            out.extend_from_slice(&found.bytes().await.map_err(unavailable)?);
        }
        if out.is_empty() {
            return Err(Refusal::NotFound("wrapped key for this reader"));
        }
        Ok(Bytes::from(out))
    }

    /// The data-key commitment in the head of a record's blob (`None` before it is uploaded): a
    /// key holder re-wrapping without the blob picks the committed key by it. A gateway that
    /// lied here would only make the re-wrapped key fail its reader's own check of the blob.
    async fn commitment(&self, record: RecordId) -> Option<String> {
        let head = self
            .store
            .get_range(&StorePath::from(blob_path(record)), 0..36)
            .await
            .ok()?;
        carechain_vault::blob_commitment_of_head(&head).map(hex::encode)
    }

    async fn get_object(&self, path: String, what: &'static str) -> Result<Bytes, Refusal> {
        match self.store.get(&StorePath::from(path)).await {
            Ok(found) => found
                .bytes()
                .await
                .map_err(|e| Refusal::Unavailable(format!("store: {e}"))),
            Err(object_store::Error::NotFound { .. }) => Err(Refusal::NotFound(what)),
            Err(e) => Err(Refusal::Unavailable(format!("store: {e}"))),
        }
    }

    /// The release rule (or, for a key, the custodian's rule), with finalized entries cached.
    async fn release(
        self: &Arc<Self>,
        signer: AccountId,
        record: RecordId,
        seq: u64,
        custodian_may: bool,
    ) -> Result<Release, Refusal> {
        let cached = lock(&self.entries).get(&seq);
        let window = self.config.window_ms;
        let release = self
            .with_chain(move |chain| {
                match check_release(chain, cached, signer, record, seq, window) {
                    Err(Refusal::NotRequester) if custodian_may => {
                        check_custodian_key(chain, cached, signer, record, seq, window)
                    }
                    other => other,
                }
            })
            .await??;
        lock(&self.entries).insert(seq, release.entry);
        Ok(release)
    }
}

fn refused(method: &Method, uri: &Uri, who: Option<&AccountId>, refusal: Refusal) -> Response {
    eprintln!(
        "[gateway] {method} {} -> {} {} account={}",
        uri.path(),
        refusal.status(),
        refusal.code(),
        who.map(short).unwrap_or_else(|| "-".into())
    );
    let status = StatusCode::from_u16(refusal.status()).unwrap_or(StatusCode::FORBIDDEN);
    (status, Json(refusal.body())).into_response()
}

fn served(method: &Method, uri: &Uri, who: &AccountId, status: StatusCode, detail: &str) {
    eprintln!(
        "[gateway] {method} {} -> {} {detail} account={}",
        uri.path(),
        status.as_u16(),
        short(who)
    );
}

#[derive(Deserialize)]
struct EntryQuery {
    entry: u64,
}

#[derive(Deserialize)]
struct KeyQuery {
    entry: u64,
    /// A key slot other than the signer's registered key: a former key of the signer's, after
    /// it rotated (the wrapped keys there open only for that key's secret).
    #[serde(rename = "for")]
    recipient: Option<String>,
}

async fn put_blob<L: ChainRead + Send + 'static>(
    State(gw): State<Arc<Gateway<L>>>,
    Path(record): Path<RecordId>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let max = gw.config.max_body;
    let (signer, declared) = match gw.authenticate(&method, &uri, &headers, Some(max)).await {
        Ok(s) => s,
        Err(r) => return refused(&method, &uri, None, r),
    };
    // The author and the anchored hash, checked on the signed hash before the body is read.
    let mut hash = [0u8; 32];
    let _ = hex::decode_to_slice(&declared.sha256, &mut hash);
    let verdict = gw
        .with_chain(move |chain| check_blob_upload(chain, signer, record, &hash))
        .await;
    if let Err(r) = verdict.and_then(|v| v) {
        return refused(&method, &uri, Some(&signer), r);
    }
    let body = match gw.read_body(body, &declared).await {
        Ok(body) => body,
        Err(r) => return refused(&method, &uri, Some(&signer), r),
    };
    match gw.put_once(blob_path(record), body).await {
        Ok(()) => {
            served(&method, &uri, &signer, StatusCode::CREATED, "stored blob");
            (
                StatusCode::CREATED,
                Json(serde_json::json!({"record": record, "stored": "blob"})),
            )
                .into_response()
        }
        Err(r) => refused(&method, &uri, Some(&signer), r),
    }
}

async fn get_blob<L: ChainRead + Send + 'static>(
    State(gw): State<Arc<Gateway<L>>>,
    Path(record): Path<RecordId>,
    Query(query): Query<EntryQuery>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let signer = match gw.authenticate(&method, &uri, &headers, None).await {
        Ok((s, _)) => s,
        Err(r) => return refused(&method, &uri, None, r),
    };
    if let Err(r) = gw.release(signer, record, query.entry, false).await {
        return refused(&method, &uri, Some(&signer), r);
    }
    match gw.get_object(blob_path(record), "record blob").await {
        Ok(bytes) => {
            served(
                &method,
                &uri,
                &signer,
                StatusCode::OK,
                &format!("released on entry {}", query.entry),
            );
            (
                StatusCode::OK,
                [("content-type", "application/octet-stream")],
                bytes,
            )
                .into_response()
        }
        Err(r) => refused(&method, &uri, Some(&signer), r),
    }
}

async fn put_key<L: ChainRead + Send + 'static>(
    State(gw): State<Arc<Gateway<L>>>,
    Path((record, slot)): Path<(RecordId, String)>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let (signer, declared) = match gw
        .authenticate(&method, &uri, &headers, Some(WRAPPED_LEN))
        .await
    {
        Ok(s) => s,
        Err(r) => return refused(&method, &uri, None, r),
    };
    if declared.len != WRAPPED_LEN {
        return refused(
            &method,
            &uri,
            Some(&signer),
            Refusal::BadRequest(format!("a wrapped key is {WRAPPED_LEN} bytes")),
        );
    }
    let target = slot.clone();
    let verdict = gw
        .with_chain(move |chain| check_key_upload(chain, signer, record, &target))
        .await;
    if let Err(r) = verdict.and_then(|v| v) {
        return refused(&method, &uri, Some(&signer), r);
    }
    let body = match gw.read_body(body, &declared).await {
        Ok(body) => body,
        Err(r) => return refused(&method, &uri, Some(&signer), r),
    };
    match gw.put_once(key_path(record, &slot, &signer), body).await {
        Ok(()) => {
            served(
                &method,
                &uri,
                &signer,
                StatusCode::CREATED,
                "stored wrapped key",
            );
            (
                StatusCode::CREATED,
                Json(serde_json::json!({"record": record, "stored": "key", "slot": slot})),
            )
                .into_response()
        }
        Err(r) => refused(&method, &uri, Some(&signer), r),
    }
}

async fn get_key<L: ChainRead + Send + 'static>(
    State(gw): State<Arc<Gateway<L>>>,
    Path(record): Path<RecordId>,
    Query(query): Query<KeyQuery>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let signer = match gw.authenticate(&method, &uri, &headers, None).await {
        Ok((s, _)) => s,
        Err(r) => return refused(&method, &uri, None, r),
    };
    if let Some(recipient) = query.recipient.as_deref().filter(|r| !valid_slot(r)) {
        let refusal = Refusal::BadRequest(format!("no key slot {recipient:?}"));
        return refused(&method, &uri, Some(&signer), refusal);
    }
    let release = match gw.release(signer, record, query.entry, true).await {
        Ok(release) => release,
        Err(r) => return refused(&method, &uri, Some(&signer), r),
    };
    let slot = query.recipient.unwrap_or(release.slot);
    match gw
        .wrapped_keys(record, &slot, &release.author, &signer)
        .await
    {
        Ok(bytes) => {
            served(
                &method,
                &uri,
                &signer,
                StatusCode::OK,
                "released wrapped key",
            );
            let mut response = (
                StatusCode::OK,
                [("content-type", "application/octet-stream")],
                bytes,
            )
                .into_response();
            if let Some(commitment) = gw.commitment(record).await {
                if let Ok(value) = commitment.parse() {
                    response.headers_mut().insert(KEY_COMMITMENT, value);
                }
            }
            response
        }
        Err(r) => refused(&method, &uri, Some(&signer), r),
    }
}

async fn health<L: ChainRead + Send + 'static>(State(gw): State<Arc<Gateway<L>>>) -> Response {
    Json(serde_json::json!({"gateway": gw.config.id, "protocol": VERSION})).into_response()
}

/// The gateway's routes.
pub fn router<L: ChainRead + Send + 'static>(gw: Arc<Gateway<L>>) -> Router {
    let limit = gw.config.max_body.max(WRAPPED_LEN);
    Router::new()
        .route("/v1/health", get(health::<L>))
        .route(
            "/v1/records/{record}",
            put(put_blob::<L>).get(get_blob::<L>),
        )
        .route("/v1/records/{record}/keys/{slot}", put(put_key::<L>))
        .route("/v1/records/{record}/key", get(get_key::<L>))
        .layer(DefaultBodyLimit::max(limit))
        .with_state(gw)
}

/// How a server bounds its connections (the gateway's come from its [`Config`]).
#[derive(Clone, Copy, Debug)]
pub struct Timeouts {
    pub header: Duration,
    pub max_connections: usize,
}

impl Default for Timeouts {
    fn default() -> Self {
        let config = Config::default();
        Timeouts {
            header: config.header_timeout,
            max_connections: config.max_connections,
        }
    }
}

impl From<&Config> for Timeouts {
    fn from(config: &Config) -> Self {
        Timeouts {
            header: config.header_timeout,
            max_connections: config.max_connections,
        }
    }
}

/// Serve `app` on `listener` over HTTP/1.1 until `stop` resolves: headers must arrive within
/// the header timeout (an idle keep-alive connection is closed after it too), and at most
/// `max_connections` are open at once (more wait in the listen queue).
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    timeouts: Timeouts,
    stop: impl std::future::Future<Output = ()>,
) {
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(timeouts.header)
        .max_buf_size(64 * 1024);
    let slots = Arc::new(tokio::sync::Semaphore::new(timeouts.max_connections.max(1)));
    tokio::pin!(stop);
    loop {
        let Ok(slot) = slots.clone().acquire_owned().await else {
            return;
        };
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut stop => return,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(_) => {
                // Out of descriptors or a reset before accept: try again shortly.
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let service = hyper_util::service::TowerToHyperService::new(app.clone());
        let connection = builder.serve_connection(hyper_util::rt::TokioIo::new(stream), service);
        tokio::spawn(async move {
            let _ = connection.await;
            drop(slot);
        });
    }
}

/// A gateway served on its own thread and runtime (the in-process tests and benchmarks): its
/// address. It runs until the process ends.
pub fn spawn<L: ChainRead + Send + 'static>(
    gw: Arc<Gateway<L>>,
    address: SocketAddr,
) -> Result<SocketAddr, String> {
    let timeouts = Timeouts::from(&gw.config);
    serve_in_background("gateway", router(gw), address, timeouts)
}

/// Serve `app` on `address` (port 0 picks one) from a thread and runtime of its own, named
/// `name`; the address it listens on. It runs until the process ends.
pub fn serve_in_background(
    name: &str,
    app: Router,
    address: SocketAddr,
    timeouts: Timeouts,
) -> Result<SocketAddr, String> {
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name(name.into())
        .spawn(move || {
            let runtime = match tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
            {
                Ok(runtime) => runtime,
                Err(e) => {
                    let _ = sender.send(Err(e.to_string()));
                    return;
                }
            };
            runtime.block_on(async move {
                match tokio::net::TcpListener::bind(address).await {
                    Ok(listener) => {
                        let _ = sender.send(listener.local_addr().map_err(|e| e.to_string()));
                        serve(listener, app, timeouts, std::future::pending()).await;
                    }
                    Err(e) => {
                        let _ = sender.send(Err(format!("{address}: {e}")));
                    }
                }
            });
        })
        .map_err(|e| e.to_string())?;
    receiver
        .recv()
        .map_err(|_| format!("the {name} thread ended"))?
}
