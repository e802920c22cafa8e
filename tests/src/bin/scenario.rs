//! The main job: the healthcare scenario on the in-process chain, printed as a transcript, with
//! the record vault: a gateway served over HTTP on 127.0.0.1 from this process (storing blobs in
//! a local directory), reading the same in-process chain.
//!
//! Usage: scenario [--store DIR] [--no-vault]

use carechain_client::{scenario, Shared};
use carechain_gateway::{open_store, spawn, Config, Gateway, GatewayClient, VaultPlane};
use carechain_tests::Suite;

fn main() {
    let mut store_dir =
        std::env::temp_dir().join(format!("carechain-vault-{}", std::process::id()));
    let mut with_vault = true;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--store" => store_dir = args.next().expect("--store needs a folder").into(),
            "--no-vault" => with_vault = false,
            other => {
                eprintln!("unknown argument {other}; usage: scenario [--store DIR] [--no-vault]");
                std::process::exit(2);
            }
        }
    }
    println!("CareChain scenario on the in-process chain (pallet-contracts in process, no node)");
    let suite = Suite::deploy();
    let mut chain = Shared::new(suite.chain);
    let summary = if with_vault {
        let store = open_store(&store_dir.display().to_string()).unwrap_or_else(|e| panic!("{e}"));
        let config = Config::default();
        let id = config.id.clone();
        let gateway = Gateway::new(config, chain.clone(), store.clone());
        let address = spawn(gateway, "127.0.0.1:0".parse().expect("an address"))
            .unwrap_or_else(|e| panic!("gateway: {e}"));
        println!(
            "record gateway {id} on http://{address} (this process), blobs in {}",
            store_dir.display()
        );
        let mut plane = VaultPlane::new(
            GatewayClient::new(&format!("http://{address}"), &id),
            Some(store),
        );
        scenario::run_with(&mut chain, Some(&mut plane))
    } else {
        scenario::run(&mut chain)
    };
    println!("\n== Summary ==\n  {summary:?}");
}
