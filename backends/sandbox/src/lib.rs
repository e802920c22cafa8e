//! The suite on an in-process chain: pallet-contracts in process (ink_sandbox 5.1.1, the runtime
//! drink wraps), with the suite's release bundles, behind the SDK's [`ChainRead`] and
//! [`ChainWrite`] ([`Chain`]); and the whole suite deployed and wired on it ([`Suite`]).
//!
//! [`ChainRead`]: carechain_sdk::ChainRead
//! [`ChainWrite`]: carechain_sdk::ChainWrite

pub mod chain;
pub mod suite;

pub use chain::{Chain, GENESIS_TIME};
pub use suite::Suite;
