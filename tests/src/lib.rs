//! What the in-process integration tests share: the populated fixture and its message catalogue
//! (the authorisation and pause matrices and the benchmarks use it), test doubles, and the
//! privacy walk over every contract's metadata. The chain itself is `carechain-backend-sandbox`.

pub mod doubles;
pub mod fixture;
pub mod privacy;

pub use carechain_backend_sandbox::{chain, suite, Chain, Suite, GENESIS_TIME};
pub use carechain_sdk::{
    self as sdk, common, credential, digest, key_for, view, ChainRead, ChainWrite,
};
