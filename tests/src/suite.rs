//! The whole suite deployed and wired on one in-process chain, with helpers to make actors.

use crate::chain::{Chain, Contract};
use crate::ledger::Ledger;
use carechain_common::{Digest, EncryptionKey, PatientId, Role, RoleSet};
use ink::primitives::AccountId;
use sha2::Digest as _;
use std::ops::{Deref, DerefMut};

/// The deployed suite. Derefs to its [`Chain`].
pub struct Suite {
    pub chain: Chain,
}

impl Deref for Suite {
    type Target = Chain;
    fn deref(&self) -> &Chain {
        &self.chain
    }
}

impl DerefMut for Suite {
    fn deref_mut(&mut self) -> &mut Chain {
        &mut self.chain
    }
}

/// What `Suite::deploy_with` leaves out, for tests of miswired deployments.
#[derive(Clone, Copy, Debug, Default)]
pub struct Wiring {
    /// Do not register consent as an audit-log writer.
    pub skip_consent_writer: bool,
}

impl Suite {
    /// Deploy every contract as `admin`, in dependency order, and wire them: consent,
    /// provenance and claims are audit-log writers; claims is a relying contract of consent.
    pub fn deploy() -> Suite {
        Self::deploy_with(Wiring::default())
    }

    pub fn deploy_with(wiring: Wiring) -> Suite {
        let mut chain = Chain::new();
        let registry = chain.deploy(Contract::Registry, "new", ());
        let audit = chain.deploy(Contract::AuditLog, "new", ());
        let consent = chain.deploy(Contract::Consent, "new", (registry, audit));
        let provenance = chain.deploy(Contract::Provenance, "new", (registry, audit));
        if !wiring.skip_consent_writer {
            chain
                .tx::<()>(Contract::AuditLog, "add_writer", consent)
                .expect("consent becomes a writer");
        }
        let claims = chain.deploy(
            Contract::Claims,
            "new",
            (registry, consent, provenance, audit),
        );
        for writer in [provenance, claims] {
            chain
                .tx::<()>(Contract::AuditLog, "add_writer", writer)
                .expect("a contract becomes a writer");
        }
        chain
            .tx::<()>(Contract::Consent, "add_relying_contract", claims)
            .expect("claims relies on consent");
        Suite { chain }
    }

    /// A suite around a chain deployed by hand (for tests of unusual wiring).
    pub fn from_chain(chain: Chain) -> Suite {
        Suite { chain }
    }

    /// Run `f` as `actor`, then return to the previous actor.
    pub fn as_actor<T>(&mut self, actor: AccountId, f: impl FnOnce(&mut Chain) -> T) -> T {
        let previous = self.chain.set_actor(actor);
        let result = f(&mut self.chain);
        self.chain.set_actor(previous);
        result
    }

    /// A funded account credentialed by the admin with `roles`.
    pub fn organisation(&mut self, name: &str, roles: &[Role]) -> AccountId {
        let account = self.chain.actor(name);
        let admin = self.chain.admin();
        self.as_actor(admin, |chain| {
            chain.tx::<()>(
                Contract::Registry,
                "register_organisation",
                (account, RoleSet::of(roles), credential(name)),
            )
        })
        .expect("organisation registers");
        account
    }

    /// A funded account registered as a patient's controller, with a fresh pseudonymous id.
    pub fn patient(&mut self, name: &str) -> (AccountId, PatientId) {
        let account = self.chain.actor(name);
        let id = self.chain.fresh_patient_id();
        self.as_actor(account, |chain| {
            chain.tx::<u64>(Contract::Registry, "register_patient", (id, key_for(name)))
        })
        .expect("patient registers");
        (account, id)
    }
}

/// Repeatable stand-in for 32 random bytes (the in-process chain's patient ids). Real clients draw
/// 32 bytes from a CSPRNG; never anything derived from the person.
pub fn pseudo_random_id(n: u32) -> PatientId {
    let mut hasher = sha2::Sha256::new();
    hasher.update(b"carechain-harness-random");
    hasher.update(n.to_le_bytes());
    PatientId(hasher.finalize().into())
}

/// Stand-in for a client's X25519 public key.
pub fn key_for(name: &str) -> EncryptionKey {
    EncryptionKey(sha2::Sha256::digest(format!("x25519:{name}")).into())
}

/// Stand-in for the SHA-256 of an organisation's licence document.
pub fn credential(name: &str) -> Digest {
    Digest(sha2::Sha256::digest(format!("licence document of {name}")).into())
}

/// SHA-256 of some bytes, as the suite's `Digest`.
pub fn digest(bytes: &[u8]) -> Digest {
    Digest(sha2::Sha256::digest(bytes).into())
}
