//! Ownership, governors and pause: a small module every contract embeds (OpenBrush is ink 4 only
//! and archived), reached through one message, `Governed::govern`. The admin is set at
//! instantiation and moves in two steps (propose, accept). The admin adds and removes governors;
//! the admin and governors pause and unpause. Governance state is read from contract storage
//! (the root cell and the `governors` mapping), not through messages.
//!
//! **The pause rule.** Every state-changing message of the suite declares, as its first line,
//! whether a pause stops it: `gov.enter(Pause::Stops)?` for what grants, moves, pays or
//! registers, `gov.enter(Pause::Never)?` for restrictions (revoke, suspend, quarantine, recall,
//! cancel a recovery, ...), which a pause must never block. `tests/tests/pause.rs` pauses each
//! contract in turn and checks every message against that declaration.
//!
//! **Paused time does not count** for delays that protect a patient (a recovery's delay): the
//! module keeps the total time the contract spent paused, and [`Governance::active_time`] is the
//! wall clock minus that.

// parity-scale-codec's derive casts variant indices (`usize` literals) to `u8` for enums whose
// variants carry data; clippy's cast lint (denied by cargo-contract) flags that generated code.
#![allow(clippy::cast_possible_truncation)]

use crate::ensure;
use crate::error::{Error, Result};
use crate::ids::Timestamp;
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

fn now() -> Timestamp {
    ink::env::block_timestamp::<DefaultEnvironment>()
}

/// Whether a pause stops a message.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Pause {
    /// Refused with `Paused` while the contract is paused.
    Stops,
    /// A restriction: works whether or not the contract is paused.
    Never,
}

/// What `govern` can do.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub enum GovAction {
    /// Admin: propose a new admin (step one of two); a new proposal replaces an older one.
    ProposeAdmin(AccountId),
    /// The proposed admin: accept (step two).
    AcceptAdmin,
    /// Admin: add a governor.
    AddGovernor(AccountId),
    /// Admin: remove a governor.
    RemoveGovernor(AccountId),
    /// Admin or governor: pause (`true`) or unpause the contract.
    SetPaused(bool),
}

#[ink::storage_item]
#[derive(Debug)]
pub struct Governance {
    admin: AccountId,
    pending_admin: Option<AccountId>,
    governors: Mapping<AccountId, ()>,
    /// When the current pause began; `None` while running.
    paused_since: Option<Timestamp>,
    /// Time spent paused before the current pause, in total.
    paused_total: Timestamp,
}

impl Governance {
    pub fn new(admin: AccountId) -> Self {
        Self {
            admin,
            pending_admin: None,
            governors: Mapping::default(),
            paused_since: None,
            paused_total: 0,
        }
    }

    pub fn admin(&self) -> AccountId {
        self.admin
    }

    pub fn is_paused(&self) -> bool {
        self.paused_since.is_some()
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

    /// The pause rule of a message (see the module docs).
    pub fn enter(&self, rule: Pause) -> Result<()> {
        if rule == Pause::Stops && self.is_paused() {
            Err(Error::Paused)
        } else {
            Ok(())
        }
    }

    /// Time during which the contract was not paused: the wall clock `now` minus every pause up
    /// to `now`. Never decreases.
    pub fn active_time(&self, now: Timestamp) -> Timestamp {
        let current = self
            .paused_since
            .map_or(0, |since| now.saturating_sub(since));
        now.saturating_sub(self.paused_total)
            .saturating_sub(current)
    }

    /// Apply a governance action for `caller`, emitting its event.
    pub fn govern(&mut self, caller: AccountId, action: GovAction) -> Result<()> {
        match action {
            GovAction::ProposeAdmin(proposed) => {
                self.ensure_admin(&caller)?;
                ensure_nonzero(&proposed)?;
                self.pending_admin = Some(proposed);
                emit(AdminProposed {
                    proposed,
                    by: caller,
                });
            }
            GovAction::AcceptAdmin => match self.pending_admin {
                None => return Err(Error::NoPendingAdmin),
                Some(pending) if pending != caller => return Err(Error::NotPendingAccount),
                Some(_) => {
                    let previous = self.admin;
                    self.admin = caller;
                    self.pending_admin = None;
                    emit(AdminChanged {
                        previous,
                        admin: caller,
                    });
                }
            },
            GovAction::AddGovernor(account) => {
                self.ensure_admin(&caller)?;
                ensure_nonzero(&account)?;
                ensure!(!self.governors.contains(account), Error::GovernorExists);
                self.governors.insert(account, &());
                emit(GovernorAdded {
                    account,
                    by: caller,
                });
            }
            GovAction::RemoveGovernor(account) => {
                self.ensure_admin(&caller)?;
                ensure!(self.governors.contains(account), Error::GovernorNotFound);
                self.governors.remove(account);
                emit(GovernorRemoved {
                    account,
                    by: caller,
                });
            }
            GovAction::SetPaused(paused) => {
                self.ensure_governor(&caller)?;
                let now = now();
                match (paused, self.paused_since) {
                    (true, None) => self.paused_since = Some(now),
                    (false, Some(since)) => {
                        self.paused_total = self
                            .paused_total
                            .checked_add(now.saturating_sub(since))
                            .ok_or(Error::Overflow)?;
                        self.paused_since = None;
                    }
                    // Pausing a paused contract (or resuming a running one) changes nothing but
                    // is still recorded, so a governor's intent is on the trail.
                    _ => {}
                }
                emit(PauseChanged { paused, by: caller });
            }
        }
        Ok(())
    }
}

/// The one governance message every contract of the suite exposes, with the same selector
/// (`Governed::govern`) everywhere, so deploy tools and dApps drive them uniformly.
#[ink::trait_definition]
pub trait Governed {
    /// Propose or accept an admin, add or remove a governor, pause or unpause (who may do what:
    /// [`GovAction`]). Works while paused.
    #[ink(message)]
    fn govern(&mut self, action: GovAction) -> Result<()>;
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
