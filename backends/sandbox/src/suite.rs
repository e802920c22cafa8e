//! The whole suite deployed and wired on one in-process chain (through the client's one
//! deployment path), with helpers to make actors.

use crate::chain::Chain;
use carechain_common::{PatientId, Role};
use carechain_sdk::deploy::{self, deploy_suite, DeployOptions};
use ink::primitives::AccountId;
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

impl Suite {
    /// Deploy every contract as `admin`, in dependency order, and wire them.
    pub fn deploy() -> Suite {
        Self::deploy_with(DeployOptions::default())
    }

    /// Deploy with deviations from the standard wiring (fault tests).
    pub fn deploy_with(options: DeployOptions) -> Suite {
        Self::deploy_on(Chain::new(), options)
    }

    /// Deploy on a chain prepared by hand (test doubles deployed first).
    pub fn deploy_on(mut chain: Chain, options: DeployOptions) -> Suite {
        deploy_suite(&mut chain, &options, b"", &mut ()).unwrap_or_else(|e| panic!("{e}"));
        Suite { chain }
    }

    /// A funded account credentialed by the admin with `roles`.
    pub fn organisation(&mut self, name: &str, roles: &[Role]) -> AccountId {
        deploy::organisation(&mut self.chain, name, roles)
    }

    /// A funded account registered as a patient's controller, with a fresh pseudonymous id.
    pub fn patient(&mut self, name: &str) -> (AccountId, PatientId) {
        deploy::patient(&mut self.chain, name)
    }
}
