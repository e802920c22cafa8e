//! The main scenario against a running node: `scenario [--url ws://127.0.0.1:9944]`. The suite
//! must have been deployed there (scripts/deploy.sh; the manifest in deployments/ says where).
//! With `--gateway http://127.0.0.1:8700` it runs with the record vault against that gateway
//! (`--gateway-id` its id, `--store` its local store, to show tamper detection).

use carechain_client::scenario;
use carechain_gateway::{open_store, GatewayClient, VaultPlane};
use carechain_node::{deployments_dir, NodeLedger};

fn main() {
    let mut url = String::from("ws://127.0.0.1:9944");
    let mut gateway: Option<String> = None;
    let mut gateway_id = carechain_gateway::Config::default().id;
    let mut store: Option<String> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| panic!("{arg} needs a value"));
        match arg.as_str() {
            "--url" => url = value(),
            "--gateway" => gateway = Some(value()),
            "--gateway-id" => gateway_id = value(),
            "--store" => store = Some(value()),
            other => {
                eprintln!(
                    "unknown argument {other}; usage: scenario [--url ws://127.0.0.1:9944] \
                     [--gateway http://127.0.0.1:8700 [--gateway-id ID] [--store DIR]]"
                );
                std::process::exit(2);
            }
        }
    }
    let mut ledger = NodeLedger::connect_deployed(&url, &deployments_dir()).unwrap_or_else(|e| {
        eprintln!("[scenario] {e}");
        std::process::exit(1)
    });
    println!("CareChain scenario on the node at {url}");
    let summary = match gateway {
        Some(base) => {
            println!("record gateway {gateway_id} at {base}");
            let objects = store.map(|dir| open_store(&dir).unwrap_or_else(|e| panic!("{e}")));
            let mut plane = VaultPlane::new(GatewayClient::new(&base, &gateway_id), objects);
            scenario::run_with(&mut ledger, Some(&mut plane))
        }
        None => scenario::run(&mut ledger),
    };
    println!("\n== Summary ==\n  {summary:?}");
}
