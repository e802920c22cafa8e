//! `carechain-demo`: the main job. The healthcare scenario printed as a transcript with each
//! call's gas, with the record vault: records encrypted by each actor's client, stored by the
//! record gateway — its own process — and released only against the chain's decision.
//!
//! Usage:
//!   carechain-demo [--store DIR] [--no-vault]
//!       on the in-process chain (pallet-contracts in this process); the gateway process reads
//!       this chain through a loopback read service; blobs in DIR (a temporary folder by default)
//!   carechain-demo --url ws://127.0.0.1:9944 [--gateway http://127.0.0.1:8700 [--gateway-id ID]
//!                  [--store DIR]] [--deployments DIR]
//!       on a node where the suite is deployed (scripts/deploy.sh), with a gateway already
//!       running against it (scripts/demo.sh --url starts one)

use carechain_backend_node::{deployments_dir, NodeLedger};
use carechain_backend_sandbox::Suite;
use carechain_demo::gateway_process::GatewayProcess;
use carechain_demo::plane::open_store as store_at;
use carechain_demo::{reads, scenario, VaultPlane};
use carechain_sdk::gateway::protocol::DEFAULT_GATEWAY_ID;
use carechain_sdk::gateway::GatewayClient;
use carechain_sdk::{ChainRead, Shared};
use std::path::PathBuf;

const USAGE: &str =
    "usage: carechain-demo [--store DIR] [--no-vault] | carechain-demo --url ws://… \
                     [--gateway http://… [--gateway-id ID] [--store DIR]] [--deployments DIR]";

fn fail(text: &str) -> ! {
    eprintln!("[demo] {text}");
    std::process::exit(1)
}

fn open_store(dir: &str) -> std::sync::Arc<dyn object_store::ObjectStore> {
    store_at(dir).unwrap_or_else(|e| fail(&e))
}

fn main() {
    let mut url: Option<String> = None;
    let mut gateway: Option<String> = None;
    let mut gateway_id = DEFAULT_GATEWAY_ID.to_owned();
    let mut store: Option<String> = None;
    let mut deployments = deployments_dir();
    let mut with_vault = true;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || {
            args.next()
                .unwrap_or_else(|| fail(&format!("{arg} needs a value; {USAGE}")))
        };
        match arg.as_str() {
            "--url" => url = Some(value()),
            "--gateway" => gateway = Some(value()),
            "--gateway-id" => gateway_id = value(),
            "--store" => store = Some(value()),
            "--deployments" => deployments = PathBuf::from(value()),
            "--no-vault" => with_vault = false,
            other => {
                eprintln!("unknown argument {other}; {USAGE}");
                std::process::exit(2);
            }
        }
    }
    let summary = match url {
        Some(url) => {
            let mut ledger =
                NodeLedger::connect_deployed(&url, &deployments).unwrap_or_else(|e| fail(&e));
            println!("CareChain scenario on the node at {url}");
            match gateway {
                Some(base) => {
                    println!("record gateway {gateway_id} at {base}");
                    let objects = store.as_deref().map(open_store);
                    let mut plane =
                        VaultPlane::new(GatewayClient::new(&base, &gateway_id), objects);
                    scenario::run_with(&mut ledger, Some(&mut plane))
                }
                None => scenario::run(&mut ledger),
            }
        }
        None => {
            println!(
                "CareChain scenario on the in-process chain (pallet-contracts in process, no node)"
            );
            let mut chain = Shared::new(Suite::deploy().chain);
            if with_vault {
                let dir = store.unwrap_or_else(|| {
                    std::env::temp_dir()
                        .join(format!("carechain-vault-{}", std::process::id()))
                        .display()
                        .to_string()
                });
                let reader: Box<dyn ChainRead + Send> = Box::new(chain.clone());
                let reads = reads::serve(reader, "127.0.0.1:0".parse().expect("an address"))
                    .unwrap_or_else(|e| fail(&format!("chain reads: {e}")));
                let log = std::env::temp_dir()
                    .join(format!("carechain-demo-gateway-{}.log", std::process::id()));
                let process = GatewayProcess::start(
                    &format!("http://{reads}"),
                    std::path::Path::new(&dir),
                    &gateway_id,
                    &log,
                )
                .unwrap_or_else(|e| fail(&format!("gateway: {e}")));
                println!(
                    "record gateway {gateway_id}: its own process on {} (log {}), reading this \
                     chain through http://{reads}; blobs in {dir}",
                    process.base,
                    process.log.display()
                );
                let mut plane = VaultPlane::new(
                    GatewayClient::new(&process.base, &process.id),
                    Some(open_store(&dir)),
                );
                scenario::run_with(&mut chain, Some(&mut plane))
            } else {
                scenario::run(&mut chain)
            }
        }
    };
    println!("\n== Summary ==\n  {summary:?}");
}
