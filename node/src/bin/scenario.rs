//! The main scenario against a running node: `scenario [--url ws://127.0.0.1:9944]`. The suite
//! must have been deployed there (scripts/deploy.sh; the manifest in deployments/ says where).

use carechain_client::scenario;
use carechain_node::{deployments_dir, NodeLedger};

fn main() {
    let mut url = String::from("ws://127.0.0.1:9944");
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--url" => url = args.next().expect("--url needs a value"),
            other => {
                eprintln!("unknown argument {other}; usage: scenario [--url ws://127.0.0.1:9944]");
                std::process::exit(2);
            }
        }
    }
    let mut ledger = NodeLedger::connect_deployed(&url, &deployments_dir()).unwrap_or_else(|e| {
        eprintln!("[scenario] {e}");
        std::process::exit(1)
    });
    println!("CareChain scenario on the node at {url}");
    let summary = scenario::run(&mut ledger);
    println!("\n== Summary ==\n  {summary:?}");
}
