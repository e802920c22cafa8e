//! Events of every contract, defined once so dApps, indexers and tests decode them with one crate.
//! They carry ids, hashes, states and amounts only.

pub use crate::deferred::{AuditDeferred, AuditFlushed};
pub use crate::governance::{
    AdminChanged, AdminProposed, GovernorAdded, GovernorRemoved, PauseChanged,
};

pub mod access;
pub mod audit;
pub mod claims;
pub mod consent;
pub mod credentials;
pub mod provenance;
pub mod registry;
