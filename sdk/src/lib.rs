//! The CareChain SDK, for every chain: typed messages ([`msg`]); the chain's read and write sides
//! ([`ChainRead`], [`ChainWrite`]) that the in-process chain (`carechain-backend-sandbox`) and a
//! node (`carechain-backend-node`) implement; typed storage paths and the reads served from them
//! ([`storage`], [`view`]); derived facts read once for every view ([`facts`]); one deployment
//! path ([`deploy`]); the formats (FHIR R4, dates, credentials off chain); audit verification; the
//! record gateway's protocol, release rules and client ([`gateway`]). It depends on no chain
//! runtime and no server.

pub mod answers;
pub mod audit;
pub mod claims;
pub mod contracts;
pub mod credentials;
pub mod dates;
pub mod deploy;
pub mod errors;
pub mod facts;
pub mod fhir;
pub mod gateway;
pub mod gs1;
pub mod keys;
pub mod ledger;
pub mod msg;
pub mod remote;
pub mod shape;
pub mod storage;
pub mod view;

pub use carechain_common as common;
pub use contracts::{bundles_dir, Artifact, Bundles, Contract};
#[cfg(feature = "dev-keys")]
pub use deploy::{account, key_for};
pub use deploy::{credential, deploy_suite, digest, new_record_id, DeployOptions};
pub use ledger::{CallReport, ChainRead, ChainWrite, Failure, Finalized, RawEvent, Shared};
pub use view::Page;
