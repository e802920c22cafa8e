//! The CareChain client layer, for every chain: typed messages ([`msg`]), one chain trait
//! ([`Ledger`]) that the in-process chain (`carechain-tests`) and a node (`carechain-e2e`)
//! implement, reads served from contract storage ([`view`], [`storage`]), one deployment path
//! ([`deploy`]), the main scenario and the audit tools. It does not depend on any chain runtime.

pub mod audit;
pub mod bench;
pub mod contracts;
pub mod credentials;
pub mod dates;
pub mod deploy;
pub mod errors;
pub mod fhir;
pub mod keys;
pub mod ledger;
pub mod msg;
pub mod scenario;
pub mod storage;
pub mod view;

pub use carechain_common as common;
pub use contracts::{bundles_dir, Artifact, Bundles, Contract};
pub use deploy::{
    account, credential, deploy_suite, digest, key_for, new_record_id, DeployOptions,
};
pub use ledger::{CallReport, Failure, Finalized, Ledger, RawEvent, Shared};
pub use view::Page;
