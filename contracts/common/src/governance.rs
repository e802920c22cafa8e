//! Ownership, governors and pause: a small module every contract embeds (OpenBrush is ink 4 only
//! and archived). The admin is set at instantiation and moves in two steps (propose, accept). The
//! admin adds and removes governors; the admin and governors may pause and unpause.
//!
//! Every function takes the caller as the contract saw it (`self.env().caller()`), checks it,
//! changes state and emits its event.

use crate::error::{Error, Result};
use ink::env::DefaultEnvironment;
use ink::primitives::AccountId;
use ink::storage::Mapping;

pub fn zero_account() -> AccountId {
    AccountId::from([0u8; 32])
}

/// Refuse the all-zero account.
pub fn ensure_nonzero(account: &AccountId) -> Result<()> {
    if *account == zero_account() {
        Err(Error::ZeroAccount)
    } else {
        Ok(())
    }
}

pub(crate) fn emit<E: ink::env::Event>(event: E) {
    ink::env::emit_event::<DefaultEnvironment, E>(event);
}

/// Who governs a contract, in one read.
#[derive(Clone, Copy, PartialEq, Eq, Debug, scale::Encode, scale::Decode)]
#[cfg_attr(feature = "std", derive(scale_info::TypeInfo))]
pub struct GovernanceInfo {
    pub admin: AccountId,
    pub pending_admin: Option<AccountId>,
    pub paused: bool,
}

#[ink::storage_item]
#[derive(Debug)]
pub struct Governance {
    admin: AccountId,
    pending_admin: Option<AccountId>,
    governors: Mapping<AccountId, ()>,
    paused: bool,
}

impl Governance {
    pub fn new(admin: AccountId) -> Self {
        Self {
            admin,
            pending_admin: None,
            governors: Mapping::default(),
            paused: false,
        }
    }

    pub fn info(&self) -> GovernanceInfo {
        GovernanceInfo {
            admin: self.admin,
            pending_admin: self.pending_admin,
            paused: self.paused,
        }
    }

    /// The admin counts as a governor.
    pub fn is_governor(&self, account: &AccountId) -> bool {
        *account == self.admin || self.governors.contains(account)
    }

    pub fn ensure_admin(&self, caller: &AccountId) -> Result<()> {
        if *caller == self.admin {
            Ok(())
        } else {
            Err(Error::NotAdmin)
        }
    }

    pub fn ensure_governor(&self, caller: &AccountId) -> Result<()> {
        if self.is_governor(caller) {
            Ok(())
        } else {
            Err(Error::NotGovernor)
        }
    }

    pub fn ensure_not_paused(&self) -> Result<()> {
        if self.paused {
            Err(Error::Paused)
        } else {
            Ok(())
        }
    }

    /// Step one of an admin transfer; a new proposal replaces an older one.
    pub fn propose_admin(&mut self, caller: AccountId, proposed: AccountId) -> Result<()> {
        self.ensure_admin(&caller)?;
        ensure_nonzero(&proposed)?;
        self.pending_admin = Some(proposed);
        emit(AdminProposed {
            proposed,
            by: caller,
        });
        Ok(())
    }

    /// Step two: the proposed account accepts.
    pub fn accept_admin(&mut self, caller: AccountId) -> Result<()> {
        match self.pending_admin {
            None => Err(Error::NoPendingAdmin),
            Some(pending) if pending != caller => Err(Error::NotPendingAccount),
            Some(_) => {
                let previous = self.admin;
                self.admin = caller;
                self.pending_admin = None;
                emit(AdminChanged {
                    previous,
                    admin: caller,
                });
                Ok(())
            }
        }
    }

    pub fn add_governor(&mut self, caller: AccountId, account: AccountId) -> Result<()> {
        self.ensure_admin(&caller)?;
        ensure_nonzero(&account)?;
        if self.governors.contains(account) {
            return Err(Error::AlreadyGovernor);
        }
        self.governors.insert(account, &());
        emit(GovernorAdded {
            account,
            by: caller,
        });
        Ok(())
    }

    pub fn remove_governor(&mut self, caller: AccountId, account: AccountId) -> Result<()> {
        self.ensure_admin(&caller)?;
        if !self.governors.contains(account) {
            return Err(Error::NotAGovernor);
        }
        self.governors.remove(account);
        emit(GovernorRemoved {
            account,
            by: caller,
        });
        Ok(())
    }

    pub fn set_paused(&mut self, caller: AccountId, paused: bool) -> Result<()> {
        self.ensure_governor(&caller)?;
        self.paused = paused;
        emit(PauseChanged { paused, by: caller });
        Ok(())
    }
}

/// The governance messages every contract of the suite exposes, with the same selectors
/// (`Governed::...`) everywhere, so deploy scripts and dApps drive them uniformly.
#[ink::trait_definition]
pub trait Governed {
    /// Admin, proposed admin and pause state.
    #[ink(message)]
    fn governance(&self) -> GovernanceInfo;
    #[ink(message)]
    fn is_governor(&self, account: AccountId) -> bool;
    /// Admin only: propose a new admin (step one of two).
    #[ink(message)]
    fn propose_admin(&mut self, proposed: AccountId) -> Result<()>;
    /// The proposed admin only: accept (step two).
    #[ink(message)]
    fn accept_admin(&mut self) -> Result<()>;
    /// Admin only.
    #[ink(message)]
    fn add_governor(&mut self, account: AccountId) -> Result<()>;
    /// Admin only.
    #[ink(message)]
    fn remove_governor(&mut self, account: AccountId) -> Result<()>;
    /// Admin or governor: refuse (or again allow) state-changing messages.
    #[ink(message)]
    fn set_paused(&mut self, paused: bool) -> Result<()>;
}

#[ink::event]
pub struct AdminProposed {
    #[ink(topic)]
    pub proposed: AccountId,
    pub by: AccountId,
}

#[ink::event]
pub struct AdminChanged {
    #[ink(topic)]
    pub previous: AccountId,
    #[ink(topic)]
    pub admin: AccountId,
}

#[ink::event]
pub struct GovernorAdded {
    #[ink(topic)]
    pub account: AccountId,
    pub by: AccountId,
}

#[ink::event]
pub struct GovernorRemoved {
    #[ink(topic)]
    pub account: AccountId,
    pub by: AccountId,
}

#[ink::event]
pub struct PauseChanged {
    pub paused: bool,
    pub by: AccountId,
}
