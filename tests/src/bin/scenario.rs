//! The main job: the healthcare scenario on the in-process chain, printed as a transcript.

use carechain_client::scenario;
use carechain_tests::Suite;

fn main() {
    println!("CareChain scenario on the in-process chain (pallet-contracts in process, no node)");
    let mut suite = Suite::deploy();
    let summary = scenario::run(&mut suite.chain);
    println!("\n== Summary ==\n  {summary:?}");
}
