//! One deployment path for every chain: instantiate the suite in dependency order and wire it.
//! `scripts/deploy.sh` (a node), the in-process tests and the benchmarks all deploy through
//! [`deploy_suite`]; the same setup helpers make organisations and patients for the scenario, the
//! fault tests and the node weights.
//!
//! ```text
//!   audit_log ◀── access(audit_log) ◀── registry(access), consent(access, audit_log)
//!                  ▲  wire: writers = registry, consent; relying = claims
//!   provenance(access, audit_log)   claims(access, audit_log)
//!   credentials(access, provenance, audit_log)
//!   audit_log writers: access, consent, provenance, claims
//! ```

use crate::contracts::Contract;
use crate::ledger::ChainWrite;
use crate::msg;
use carechain_common::{Digest, Error, PatientId, RecordId, Wiring};
#[cfg(feature = "dev-keys")]
use carechain_common::{Role, RoleSet};
use ink::primitives::AccountId;
use sha2::Digest as _;

/// Deviations from the standard wiring, for tests of miswired deployments and faults.
#[derive(Clone, Debug, Default)]
pub struct DeployOptions {
    /// The audit log every contract is built to write to (instead of the suite's own).
    pub audit_log: Option<AccountId>,
    /// The provenance contract credentials is built to call (instead of the suite's own).
    pub provenance: Option<AccountId>,
    /// The access contract claims is built to call (instead of the suite's own).
    pub claims_access: Option<AccountId>,
    /// Contracts not registered as audit-log writers.
    pub not_writers: Vec<Contract>,
}

/// Progress of a deployment, step by step (the node deployer records each in its manifest).
pub trait Progress {
    /// A step is about to run.
    fn step(&mut self, text: &str);
    /// A contract of the suite now lives at `address`.
    fn deployed(&mut self, _contract: Contract, _address: AccountId) {}
}

impl Progress for () {
    fn step(&mut self, _text: &str) {}
}

impl<F: FnMut(&str)> Progress for F {
    fn step(&mut self, text: &str) {
        self(text)
    }
}

/// Instantiate one contract of the suite and report it.
fn instantiate<L: ChainWrite, A: scale::Encode>(
    l: &mut L,
    progress: &mut impl Progress,
    ctor: msg::Ctor<A>,
    args: A,
    salt: &[u8],
) -> Result<AccountId, String> {
    let name = ctor.contract.name();
    progress.step(&format!("instantiate {name}"));
    let address = l.deploy(ctor, args, &[salt, name.as_bytes()].concat())?;
    progress.deployed(ctor.contract, address);
    Ok(address)
}

fn ok<T>(step: &str, answer: Result<T, Error>) -> Result<T, String> {
    answer.map_err(|e| format!("{step}: {e:?}"))
}

/// The contracts that write the audit log (in this order at deployment).
pub const AUDIT_WRITERS: [Contract; 5] = [
    Contract::Access,
    Contract::Consent,
    Contract::Provenance,
    Contract::Claims,
    Contract::Credentials,
];

/// Deploy every contract of the suite as the current actor (who becomes admin of each) and wire
/// them. `salt` distinguishes deployments of the same code by the same account.
pub fn deploy_suite<L: ChainWrite>(
    l: &mut L,
    options: &DeployOptions,
    salt: &[u8],
    progress: &mut impl Progress,
) -> Result<(), String> {
    let own_audit = instantiate(l, progress, msg::audit_log::NEW, (), salt)?;
    let audit = options.audit_log.unwrap_or(own_audit);
    let access = instantiate(l, progress, msg::access::NEW, audit, salt)?;
    let registry = instantiate(l, progress, msg::registry::NEW, access, salt)?;
    let consent = instantiate(l, progress, msg::consent::NEW, (access, audit), salt)?;
    progress.step("access: writers = registry, consent");
    ok(
        "wire access",
        l.tx(msg::access::WIRE, Wiring::Writers { registry, consent }),
    )?;
    let provenance = instantiate(l, progress, msg::provenance::NEW, (access, audit), salt)?;
    let claims = instantiate(
        l,
        progress,
        msg::claims::NEW,
        (options.claims_access.unwrap_or(access), audit),
        salt,
    )?;
    let credentials = instantiate(
        l,
        progress,
        msg::credentials::NEW,
        (access, options.provenance.unwrap_or(provenance), audit),
        salt,
    )?;
    let addresses = [access, consent, provenance, claims, credentials];
    for (contract, address) in AUDIT_WRITERS.into_iter().zip(addresses) {
        if options.audit_log.is_none() && !options.not_writers.contains(&contract) {
            progress.step(&format!("audit_log: writer {}", contract.name()));
            ok("add writer", l.tx(msg::audit_log::ADD_WRITER, address))?;
        }
    }
    progress.step("access: relying contract claims");
    ok(
        "add relying contract",
        l.tx(msg::access::WIRE, Wiring::AddRelying(claims)),
    )?;
    Ok(())
}

// ---------------------------------------------------------------------------- setup helpers

/// A funded account credentialed by the admin with `roles` (credential and key derived from
/// the name: test and demo stand-ins).
#[cfg(feature = "dev-keys")]
pub fn organisation<L: ChainWrite>(l: &mut L, name: &str, roles: &[Role]) -> AccountId {
    let account = l.actor(name);
    let admin = l.admin();
    l.as_actor(admin, |l| {
        l.tx(
            msg::registry::REGISTER_ORGANISATION,
            (account, RoleSet::of(roles), credential(name), key_for(name)),
        )
    })
    .unwrap_or_else(|e| panic!("organisation {name} registers: {e:?}"));
    account
}

/// A funded account registered as a patient's controller, with a fresh pseudonymous id.
#[cfg(feature = "dev-keys")]
pub fn patient<L: ChainWrite>(l: &mut L, name: &str) -> (AccountId, PatientId) {
    let account = l.actor(name);
    let id = l.fresh_patient_id();
    l.as_actor(account, |l| {
        l.tx(msg::registry::REGISTER_PATIENT, (id, key_for(name)))
    })
    .unwrap_or_else(|e| panic!("patient {name} registers: {e:?}"));
    (account, id)
}

/// Repeatable stand-in for 32 random bytes (the in-process chain's patient ids). Real clients draw
/// 32 bytes from a CSPRNG; never anything derived from the person.
pub fn pseudo_random_id(n: u32) -> PatientId {
    let mut hasher = sha2::Sha256::new();
    hasher.update(b"carechain-harness-random");
    hasher.update(n.to_le_bytes());
    PatientId(hasher.finalize().into())
}

/// A fresh record id for a new record version: the author's client chooses it (64 random bits on
/// a node; repeatable in process) so the ciphertext can be bound to it before the anchor exists.
pub fn new_record_id<L: ChainWrite>(l: &mut L) -> RecordId {
    let bytes = l.fresh_patient_id().0;
    u64::from_le_bytes(bytes[..8].try_into().expect("8 bytes"))
}

#[cfg(feature = "dev-keys")]
pub use crate::keys::key_for;

/// Stand-in for the SHA-256 of an organisation's licence document.
pub fn credential(name: &str) -> Digest {
    Digest(sha2::Sha256::digest(format!("licence document of {name}")).into())
}

/// SHA-256 of some bytes, as the suite's `Digest`.
pub fn digest(bytes: &[u8]) -> Digest {
    Digest(sha2::Sha256::digest(bytes).into())
}

/// The account of demo actor `name` (its sr25519 key is `//<name>`): in-process actors.
#[cfg(feature = "dev-keys")]
pub fn account(name: &str) -> AccountId {
    crate::keys::account_of(&crate::keys::demo_signer(name))
}
