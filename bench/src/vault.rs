//! The record vault's benchmarks (measured in `scripts/bench.sh`, never asserted in tests):
//! client-side encrypt + decrypt throughput against a plain copy of the same bytes, and the
//! gateway's download latency and throughput against the same blob served straight from the
//! object store over the same HTTP stack, each measured in the same run. The gateway caches the
//! finalized audit entry of each release; revocation and standing are read from the chain on every
//! request.

use carechain_backend_sandbox::Suite;
use carechain_common::*;
use carechain_gateway::{open_store, spawn, Config, Gateway};
use carechain_sdk::deploy::{organisation, patient};
use carechain_sdk::gateway::protocol::key_slot;
use carechain_sdk::gateway::GatewayClient;
use carechain_sdk::msg::{access, consent};
use carechain_sdk::{new_record_id, ChainRead, ChainWrite, Shared};
use carechain_vault as vault;
use object_store::ObjectStoreExt;
use std::fmt::Write as _;
use std::time::{Duration, Instant};

fn mib_per_s(bytes: usize, elapsed: Duration) -> f64 {
    bytes as f64 / (1 << 20) as f64 / elapsed.as_secs_f64()
}

/// Best of `runs` timings of `f`.
fn best(runs: usize, mut f: impl FnMut()) -> Duration {
    (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

/// Encrypt + decrypt of `size` bytes against copying them.
fn crypto_row(md: &mut String, size: usize, runs: usize) -> f64 {
    let plaintext = vec![0x5Au8; size];
    let copy = best(runs, || {
        let copied = plaintext.clone();
        std::hint::black_box(&copied);
    });
    let crypt = best(runs, || {
        let (blob, key) = vault::seal(1, 1, &plaintext).expect("seal");
        let opened =
            vault::open_anchored(&key, 1, 1, vault::content_hash(&blob), &blob).expect("open");
        std::hint::black_box(&opened);
    });
    let ratio = crypt.as_secs_f64() / copy.as_secs_f64().max(1e-9);
    writeln!(
        md,
        "| {} MiB | {:.0} MiB/s | {:.0} MiB/s | {ratio:.1}× |",
        size >> 20,
        mib_per_s(size, crypt),
        mib_per_s(size, copy)
    )
    .unwrap();
    ratio
}

/// Run the vault benchmarks; Markdown for docs/benchmarks.md.
pub fn run() -> String {
    let mut md = String::from(
        "## Record vault\n\nMeasured by `scripts/bench.sh` in the same run as the rest (timings on this machine, 2 cores; ratios are what compare).\n\n### Client encryption\n\nSeal (fresh data key, XChaCha20-Poly1305) then check the anchor hash and open, against copying the same bytes.\n\n| record | encrypt + hash + decrypt | plain copy | ratio |\n|---|---:|---:|---:|\n",
    );
    crypto_row(&mut md, 1 << 20, 20);
    crypto_row(&mut md, 100 << 20, 3);

    // A gateway on 127.0.0.1 over the in-process chain, and the same blobs in the same store.
    let suite = Suite::deploy();
    let mut l = Shared::new(suite.chain);
    let hospital = organisation(&mut l, "bench-vault-hospital", &[Role::Provider]);
    let (alice, patient_id) = patient(&mut l, "bench-vault-alice");
    let now = l.now();
    l.set_actor(alice);
    l.tx(
        consent::CREATE_GRANT,
        (
            patient_id,
            Grantee::Account(hospital),
            GrantScope {
                categories: CategorySet::of(&[DataCategory::Laboratory]),
                purposes: PurposeSet::of(&[Purpose::Treatment]),
                valid_from: now,
                valid_until: now + DAY_MS,
            },
            Effect::Permit,
        ),
    )
    .expect("grant");
    let dir = std::env::temp_dir().join(format!("carechain-vault-bench-{}", std::process::id()));
    let store = open_store(&dir.display().to_string()).expect("store");
    let gateway = Gateway::new(Config::default(), l.clone(), store.clone());
    let address = spawn(gateway, "127.0.0.1:0".parse().unwrap()).expect("gateway");
    let client = GatewayClient::new(&format!("http://{address}"), &Config::default().id);
    let plain = plain_server(store.clone());
    let http = reqwest::blocking::Client::new();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");

    writeln!(
        md,
        "\n### Gateway downloads\n\nA granted read released by the gateway (signature check, replay check, the release rule with the finalized entry cached, the object store read) against the same blob served from the same object store by a bare HTTP handler. Sequential requests from one client on 127.0.0.1.\n\n| record | requests | gateway p50 | gateway p99 | gateway throughput | plain p50 | plain p99 | plain throughput | p50 ratio |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    )
    .unwrap();
    for (size, requests) in [(1usize << 10, 400usize), (1 << 20, 100)] {
        let id = new_record_id(&mut l);
        let (blob, key) = vault::seal(id, 1, &vec![7u8; size]).expect("seal");
        l.set_actor(hospital);
        l.tx(
            consent::ADD_RECORD,
            (
                id,
                patient_id,
                DataCategory::Laboratory,
                Purpose::Treatment,
                Digest(vault::content_hash(&blob)),
                EncryptedLocator(b"sealed".to_vec()),
            ),
        )
        .expect("anchor");
        client
            .put_blob(&l, hospital, id, blob.clone())
            .expect("upload");
        let wrapped = vault::wrap(
            &key,
            &vault::PublicKey(carechain_sdk::keys::key_for("bench-vault-hospital").0),
            id,
            1,
        )
        .expect("wrap");
        client
            .put_key(
                &l,
                hospital,
                id,
                &key_slot(&carechain_sdk::keys::key_for("bench-vault-hospital").0),
                wrapped,
            )
            .expect("key");
        let entry = l
            .tx(access::ACCESS_RECORD, (id, Purpose::Treatment))
            .expect("read")
            .decision
            .audit_seq;
        let mut gateway_times = Vec::with_capacity(requests);
        let start = Instant::now();
        for _ in 0..requests {
            let t = Instant::now();
            let got = client.get_blob(&l, hospital, id, entry).expect("released");
            gateway_times.push(t.elapsed());
            assert_eq!(got.len(), blob.len());
        }
        let gateway_total = start.elapsed();
        let mut plain_times = Vec::with_capacity(requests);
        let start = Instant::now();
        for _ in 0..requests {
            let t = Instant::now();
            let got = http
                .get(format!(
                    "http://{plain}/{}",
                    carechain_sdk::gateway::protocol::blob_path(id)
                ))
                .send()
                .and_then(|r| r.bytes())
                .expect("plain");
            plain_times.push(t.elapsed());
            assert_eq!(got.len(), blob.len());
        }
        let plain_total = start.elapsed();
        gateway_times.sort();
        plain_times.sort();
        let (g50, g99) = (
            percentile(&gateway_times, 0.5),
            percentile(&gateway_times, 0.99),
        );
        let (p50, p99) = (
            percentile(&plain_times, 0.5),
            percentile(&plain_times, 0.99),
        );
        writeln!(
            md,
            "| {} | {requests} | {:.2} ms | {:.2} ms | {:.1} MiB/s | {:.2} ms | {:.2} ms | {:.1} MiB/s | {:.2}× |",
            if size >= 1 << 20 { "1 MiB".to_owned() } else { "1 KiB".to_owned() },
            g50.as_secs_f64() * 1e3,
            g99.as_secs_f64() * 1e3,
            mib_per_s(size * requests, gateway_total),
            p50.as_secs_f64() * 1e3,
            p99.as_secs_f64() * 1e3,
            mib_per_s(size * requests, plain_total),
            g50.as_secs_f64() / p50.as_secs_f64().max(1e-9),
        )
        .unwrap();
    }
    drop(runtime);
    let _ = std::fs::remove_dir_all(dir);
    md.push_str("\nGoal: the gateway within 1.5× the plain store at 1 MiB (p50 ratio above).\n");
    md
}

/// A bare HTTP handler serving objects straight from the store (the baseline): its address.
fn plain_server(store: std::sync::Arc<dyn object_store::ObjectStore>) -> std::net::SocketAddr {
    use axum::extract::{Path, State};
    use axum::routing::get;
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async move {
            let app = axum::Router::new()
                .route(
                    "/{*path}",
                    get(
                        |State(store): State<std::sync::Arc<dyn object_store::ObjectStore>>,
                         Path(path): Path<String>| async move {
                            store
                                .get(&object_store::path::Path::from(path))
                                .await
                                .expect("object")
                                .bytes()
                                .await
                                .expect("bytes")
                        },
                    ),
                )
                .with_state(store);
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            sender.send(listener.local_addr().expect("address")).ok();
            axum::serve(listener, app).await.ok();
        });
    });
    receiver.recv().expect("plain server")
}
