//! CareChain's in-process test harness: the suite on drink's pallet-contracts runtime, the
//! off-chain audit tools, and the main scenario.

pub mod audit;
pub mod bench;
pub mod chain;
pub mod fixture;
pub mod ledger;
pub mod privacy;
pub mod scenario;
pub mod suite;

pub use carechain_common as common;
pub use chain::{account, Artifact, CallReport, Chain, Contract, Failure, RawEvent};
pub use ledger::Ledger;
pub use suite::{credential, digest, key_for, Suite, Wiring};
