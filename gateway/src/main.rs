//! The record gateway as its own process, against a node where the suite is deployed (the
//! deployment manifest names the access contract whose entries release records), or against
//! the main job's in-process chain through its loopback read service (`--url http://…`).
//! It holds no chain key: it only reads. When it listens it says so on stderr
//! (`listening on http://ADDR`; `--listen 127.0.0.1:0` picks a free port).
//!
//! Usage: carechain-gateway [--url ws://127.0.0.1:9944 | http://127.0.0.1:PORT]
//!          [--listen 127.0.0.1:8700] [--id carechain-gateway] [--store DIR | s3://bucket/prefix]
//!          [--window-secs 300] [--skew-secs 60] [--max-mib 64] [--deployments DIR]
//!          [--readers 4] [--rate 20] [--burst 40] [--header-secs 10] [--body-secs 120]
//!          [--max-connections 512]
//!
//! `--readers`: chain connections read concurrently (a request holds one for its chain check
//! only); `--rate`/`--burst`: requests a second one account may make; `--header-secs`,
//! `--body-secs`: how long a client may take to send headers or a body;
//! `--max-connections`: open connections at most.

use carechain_backend_node::{deployments_dir, NodeReader};
use carechain_gateway::{open_store, router, serve, Config, Gateway, Timeouts};
use carechain_sdk::remote::RemoteChain;
use carechain_sdk::ChainRead;
use std::path::PathBuf;
use std::time::Duration;

fn fail(text: &str) -> ! {
    eprintln!("[gateway] {text}");
    std::process::exit(1)
}

fn main() {
    let mut url = String::from("ws://127.0.0.1:9944");
    let mut listen = String::from("127.0.0.1:8700");
    let mut store = String::from("target/vault");
    let mut deployments = deployments_dir();
    let mut config = Config::default();
    let mut readers = 4usize;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || {
            args.next()
                .unwrap_or_else(|| fail(&format!("{arg} needs a value")))
        };
        let number = |text: String| -> u64 {
            text.parse()
                .unwrap_or_else(|_| fail(&format!("{text} is not a number")))
        };
        match arg.as_str() {
            "--url" => url = value(),
            "--listen" => listen = value(),
            "--id" => config.id = value(),
            "--store" => store = value(),
            "--deployments" => deployments = PathBuf::from(value()),
            "--window-secs" => config.window_ms = number(value()) * 1000,
            "--skew-secs" => config.skew_ms = number(value()) * 1000,
            "--max-mib" => config.max_body = (number(value()) as usize) << 20,
            "--readers" => readers = number(value()).clamp(1, 64) as usize,
            "--rate" => config.rate_per_sec = number(value()).clamp(1, 100_000) as u32,
            "--burst" => config.burst = number(value()).clamp(1, 100_000) as u32,
            "--header-secs" => config.header_timeout = Duration::from_secs(number(value()).max(1)),
            "--body-secs" => config.body_timeout = Duration::from_secs(number(value()).max(1)),
            "--max-connections" => config.max_connections = number(value()).max(1) as usize,
            other => fail(&format!(
                "unknown argument {other}; usage: carechain-gateway [--url ws://127.0.0.1:9944] \
                 [--listen 127.0.0.1:8700] [--id ID] [--store DIR|s3://bucket/prefix] \
                 [--window-secs 300] [--skew-secs 60] [--max-mib 64] [--deployments DIR] \
                 [--readers 4] [--rate 20] [--burst 40] [--header-secs 10] [--body-secs 120] \
                 [--max-connections 512]"
            )),
        }
    }
    let connect = || -> Box<dyn ChainRead + Send> {
        if url.starts_with("http://") {
            Box::new(RemoteChain::connect(&url).unwrap_or_else(|e| fail(&e)))
        } else {
            Box::new(NodeReader::connect_suite(&url, &deployments).unwrap_or_else(|e| fail(&e)))
        }
    };
    let pool: Vec<Box<dyn ChainRead + Send>> = (0..readers).map(|_| connect()).collect();
    let objects = open_store(&store).unwrap_or_else(|e| fail(&e));
    eprintln!(
        "[gateway] {} on {listen}: chain {url}, store {store}, release window {} s, {readers} chain readers",
        config.id,
        config.window_ms / 1000
    );
    let timeouts = Timeouts::from(&config);
    let gateway = Gateway::pooled(config, pool, objects);
    let runtime = tokio::runtime::Runtime::new().unwrap_or_else(|e| fail(&e.to_string()));
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(&listen)
            .await
            .unwrap_or_else(|e| fail(&format!("{listen}: {e}")));
        let address = listener
            .local_addr()
            .unwrap_or_else(|e| fail(&e.to_string()));
        eprintln!("[gateway] listening on http://{address}");
        serve(listener, router(gateway), timeouts, async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await;
    });
}
