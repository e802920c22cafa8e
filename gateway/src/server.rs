//! The gateway's HTTP server (axum). Chain reads run on blocking threads (a node client blocks
//! on its own runtime); blobs and keys live in an `object_store` (a local directory by default,
//! S3-compatible storage by configuration), written once with `PutMode::Create` so a partial
//! upload never becomes visible and nothing is overwritten. Logs carry ids and reasons, never
//! record content or keys.

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use axum::{Json, Router};
use carechain_common::{AuditEntry, RecordId};
use carechain_sdk::gateway::protocol::{
    blob_path, key_path, signing_payload, Authorization, Refusal, DEFAULT_GATEWAY_ID,
    DEFAULT_WINDOW_MS, VERSION,
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
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

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
}

impl Default for Config {
    fn default() -> Self {
        Config {
            id: DEFAULT_GATEWAY_ID.into(),
            window_ms: DEFAULT_WINDOW_MS,
            skew_ms: 60 * 1000,
            max_body: 64 << 20,
        }
    }
}

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
    chain: Arc<Mutex<L>>,
    store: Arc<dyn ObjectStore>,
    /// Nonces seen within the skew window: (account, nonce) → when it may be forgotten.
    nonces: Mutex<HashMap<(AccountId, [u8; 16]), u64>>,
    /// Finalized audit entries (they never change): the chain check's cache.
    entries: Mutex<HashMap<u64, AuditEntry>>,
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

impl<L: ChainRead + Send + 'static> Gateway<L> {
    pub fn new(config: Config, chain: L, store: Arc<dyn ObjectStore>) -> Arc<Self> {
        Arc::new(Gateway {
            config,
            chain: Arc::new(Mutex::new(chain)),
            store,
            nonces: Mutex::new(HashMap::new()),
            entries: Mutex::new(HashMap::new()),
        })
    }

    /// Verify a request's signature, freshness and nonce; the signer.
    fn authenticate(
        &self,
        method: &Method,
        uri: &Uri,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<AccountId, Refusal> {
        let header = headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .ok_or(Refusal::Unsigned)?;
        let auth = Authorization::parse(header)?;
        let path = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
        let payload = signing_payload(
            &self.config.id,
            method.as_str(),
            path,
            body,
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
        let mut nonces = self.nonces.lock().unwrap_or_else(|p| p.into_inner());
        nonces.retain(|_, forget_at| *forget_at > now);
        if nonces
            .insert(
                (auth.account, auth.nonce),
                auth.ts.saturating_add(2 * self.config.skew_ms),
            )
            .is_some()
        {
            return Err(Refusal::Replayed);
        }
        Ok(auth.account)
    }

    /// Run `f` over the chain on a blocking thread.
    async fn with_chain<T: Send + 'static>(
        self: &Arc<Self>,
        f: impl FnOnce(&mut ChainFactsOf<'_, L>, &Self) -> T + Send + 'static,
    ) -> Result<T, Refusal> {
        let me = self.clone();
        tokio::task::spawn_blocking(move || {
            let mut chain = me.chain.lock().unwrap_or_else(|p| p.into_inner());
            f(&mut ChainFactsOf(&mut *chain), &me)
        })
        .await
        .map_err(|_| Refusal::Unavailable("chain reader".into()))
    }

    async fn put_once(&self, path: String, body: Bytes) -> Result<(), Refusal> {
        let options = PutOptions {
            mode: PutMode::Create,
            ..Default::default()
        };
        match self
            .store
            .put_opts(&StorePath::from(path), PutPayload::from(body), options)
            .await
        {
            Ok(_) => Ok(()),
            Err(object_store::Error::AlreadyExists { .. }) => Err(Refusal::Exists),
            Err(e) => Err(Refusal::Unavailable(format!("store: {e}"))),
        }
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
        let cached = self
            .entries
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&seq)
            .copied();
        let window = self.config.window_ms;
        let release = self
            .with_chain(move |chain, _| {
                match check_release(chain, cached, signer, record, seq, window) {
                    Err(Refusal::NotRequester) if custodian_may => {
                        check_custodian_key(chain, cached, signer, record, seq, window)
                    }
                    other => other,
                }
            })
            .await??;
        self.entries
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(seq, release.entry);
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

async fn put_blob<L: ChainRead + Send + 'static>(
    State(gw): State<Arc<Gateway<L>>>,
    Path(record): Path<RecordId>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let signer = match gw.authenticate(&method, &uri, &headers, &body) {
        Ok(s) => s,
        Err(r) => return refused(&method, &uri, None, r),
    };
    if body.len() > gw.config.max_body {
        return refused(&method, &uri, Some(&signer), Refusal::TooLarge);
    }
    let checked = body.clone();
    let verdict = gw
        .with_chain(move |chain, _| check_blob_upload(chain, signer, record, &checked))
        .await;
    match verdict.and_then(|v| v) {
        Ok(_) => {}
        Err(r) => return refused(&method, &uri, Some(&signer), r),
    }
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
    let signer = match gw.authenticate(&method, &uri, &headers, b"") {
        Ok(s) => s,
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
    body: Bytes,
) -> Response {
    let signer = match gw.authenticate(&method, &uri, &headers, &body) {
        Ok(s) => s,
        Err(r) => return refused(&method, &uri, None, r),
    };
    if body.len() != WRAPPED_LEN {
        return refused(
            &method,
            &uri,
            Some(&signer),
            Refusal::BadRequest(format!("a wrapped key is {WRAPPED_LEN} bytes")),
        );
    }
    let target = slot.clone();
    let verdict = gw
        .with_chain(move |chain, _| check_key_upload(chain, signer, record, &target))
        .await;
    if let Err(r) = verdict.and_then(|v| v) {
        return refused(&method, &uri, Some(&signer), r);
    }
    match gw.put_once(key_path(record, &slot), body).await {
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
    Query(query): Query<EntryQuery>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let signer = match gw.authenticate(&method, &uri, &headers, b"") {
        Ok(s) => s,
        Err(r) => return refused(&method, &uri, None, r),
    };
    let release = match gw.release(signer, record, query.entry, true).await {
        Ok(release) => release,
        Err(r) => return refused(&method, &uri, Some(&signer), r),
    };
    match gw
        .get_object(
            key_path(record, &release.slot),
            "wrapped key for this reader",
        )
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

async fn health<L: ChainRead + Send + 'static>(State(gw): State<Arc<Gateway<L>>>) -> Response {
    Json(serde_json::json!({"gateway": gw.config.id, "protocol": VERSION})).into_response()
}

/// The gateway's routes.
pub fn router<L: ChainRead + Send + 'static>(gw: Arc<Gateway<L>>) -> Router {
    let limit = gw.config.max_body.saturating_mul(2).max(1 << 20);
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

/// A gateway served on its own thread and runtime (the in-process tests and benchmarks): its
/// address. It runs until the process ends.
pub fn spawn<L: ChainRead + Send + 'static>(
    gw: Arc<Gateway<L>>,
    address: SocketAddr,
) -> Result<SocketAddr, String> {
    serve_in_background("gateway", router(gw), address)
}

/// Serve `app` on `address` (port 0 picks one) from a thread and runtime of its own, named
/// `name`; the address it listens on. It runs until the process ends.
pub fn serve_in_background(
    name: &str,
    app: Router,
    address: SocketAddr,
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
                        let _ = axum::serve(listener, app).await;
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
