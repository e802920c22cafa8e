//! CareChain's in-process test harness: the suite on pallet-contracts in process (ink_sandbox),
//! the populated fixture and its message catalogue, the benchmarks. The client layer (typed
//! messages, storage reads, deployment, scenario, audit tools) is `carechain-client`.

pub mod bench;
pub mod chain;
pub mod doubles;
pub mod fixture;
pub mod privacy;
pub mod suite;
pub mod vault_bench;

pub use carechain_client::{self as client, common, credential, digest, key_for, view, Ledger};
pub use chain::{Chain, GENESIS_TIME};
pub use suite::Suite;
