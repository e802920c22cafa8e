//! The shared vocabulary of the CareChain suite: ids, roles, categories, purposes of use, the
//! error enum, audit entries, events, cross-contract traits, the governance module every contract
//! embeds and the queue restrictions log through.
//!
//! Privacy rule for everything here: no free-form text and no personal data. Byte fields are
//! digests, random pseudonymous ids, public keys, bounded encrypted locators or GS1 lot numbers.

#![cfg_attr(not(feature = "std"), no_std)]

/// Return `Err(error)` from the enclosing function unless `condition` holds: the guards a
/// message opens with (caller, state, input), one line each.
#[macro_export]
macro_rules! ensure {
    ($condition:expr, $error:expr $(,)?) => {
        if !$condition {
            return ::core::result::Result::Err($error);
        }
    };
}

pub mod access_types;
pub mod audit;
pub mod claims_types;
pub mod consent_types;
pub mod credential_types;
#[cfg(feature = "deferred")]
pub mod deferred;
pub mod error;
pub mod events;
pub mod governance;
pub mod ids;
pub mod index;
pub mod provenance_types;
pub mod registry_types;
pub mod traits;
pub mod vocab;
pub mod xcall;

#[cfg(feature = "std")]
pub mod verify;

pub use access_types::*;
pub use audit::*;
pub use claims_types::*;
pub use consent_types::*;
pub use credential_types::*;
#[cfg(feature = "deferred")]
pub use deferred::DeferredAudit;
pub use error::{CallFailure, Callee, Error, Result};
pub use governance::{ensure_nonzero, GovAction, Governance, Governed, Pause};
pub use ids::*;
pub use index::PatientIndex;
pub use provenance_types::*;
pub use registry_types::*;
pub use traits::*;
pub use vocab::*;

/// SHA-256 through the chain's host function (cheaper than hashing in Wasm).
pub fn sha256(bytes: &[u8]) -> Digest {
    let mut out = [0u8; 32];
    ink::env::hash_bytes::<ink::env::hash::Sha2x256>(bytes, &mut out);
    Digest(out)
}
