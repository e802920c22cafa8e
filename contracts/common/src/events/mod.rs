//! Events of every contract, defined once so dApps, indexers and tests decode them with one crate.
//! They carry ids, hashes, states and amounts only. Each module is behind its contract's feature
//! (`events-<contract>`), so a contract's metadata lists its own events only; governance events
//! are every contract's.

#[cfg(feature = "deferred")]
pub use crate::deferred::{AuditDeferred, AuditFlushed};
pub use crate::governance::{
    AdminChanged, AdminProposed, GovernorAdded, GovernorRemoved, PauseChanged,
};

#[cfg(feature = "events-access")]
pub mod access;
#[cfg(feature = "events-audit")]
pub mod audit;
#[cfg(feature = "events-claims")]
pub mod claims;
#[cfg(feature = "events-consent")]
pub mod consent;
#[cfg(feature = "events-credentials")]
pub mod credentials;
#[cfg(feature = "events-provenance")]
pub mod provenance;
#[cfg(feature = "events-registry")]
pub mod registry;
