//! The hot paths weighed on a running node where the suite is deployed (`scripts/bench.sh --url
//! ws://...`), against the reference token deployed there in the same run: the same calls, in the
//! same world, as the in-process benchmark (`carechain_bench::hot`). Writes Markdown to stdout
//! and, with `--json FILE`, the numbers.

use carechain_backend_node::{deployments_dir, NodeLedger};
use carechain_bench::hot::{hot_calls, per_block, setup, table, token_transfer};
use carechain_sdk::ChainWrite;
use serde_json::json;

fn main() {
    let mut url = String::from("ws://127.0.0.1:9944");
    let mut json_out = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--url" => url = args.next().expect("--url needs a value"),
            "--json" => json_out = args.next(),
            other => {
                eprintln!("unknown argument {other}; usage: bench [--url ws://127.0.0.1:9944] [--json FILE]");
                std::process::exit(2);
            }
        }
    }
    let mut node = NodeLedger::connect_deployed(&url, &deployments_dir()).unwrap_or_else(|e| {
        eprintln!("[bench] {e}");
        std::process::exit(1)
    });
    eprintln!("[bench] reference token");
    let token = token_transfer(&mut node);
    eprintln!("[bench] setting up the world");
    let mut world = setup(&mut node);
    eprintln!("[bench] hot calls");
    let hot = hot_calls(&mut node, &mut world);
    println!("## On substrate-contracts-node 0.42 ({url})\n");
    println!("Dry-run weights of each call (the second of two identical calls, so storage is warm), next to the reference token's `transfer` measured in the same run.\n");
    print!("{}", table(&hot, &token));
    if let Some(path) = json_out {
        let report = json!({
            "node": "substrate-contracts-node 0.42.0",
            "reference_token_transfer": {"ref_time": token.ref_time, "proof_size": token.proof_size},
            "hot": hot.iter().map(|h| {
                let (rt, ps) = h.ratio(&token);
                let (pov, block) = per_block(h);
                json!({
                    "name": h.name,
                    "requests": h.requests,
                    "path": h.path.iter().map(|c| c.name()).collect::<Vec<_>>(),
                    "ref_time": h.report.ref_time,
                    "proof_size": h.report.proof_size,
                    "deposit": h.report.deposit,
                    "ref_time_ratio_per_request": rt,
                    "proof_size_ratio_per_request": ps,
                    "per_5mib_proof": pov,
                    "per_2s_block": block,
                })
            }).collect::<Vec<_>>(),
        });
        std::fs::write(&path, serde_json::to_string_pretty(&report).unwrap() + "\n")
            .unwrap_or_else(|e| panic!("{path}: {e}"));
    }
    let _ = node.last();
}
