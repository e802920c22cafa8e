//! One error vocabulary for the suite. Every message that can fail returns `Result<_, Error>`; a
//! message that returns `Err` reverts every state change it made (ink! sets the revert flag).
//!
//! Naming: `Not<Role>` means the caller lacks a standing; `<Thing>Exists` / `<Thing>NotFound` are
//! the two membership errors of every set (governors, writers, relying contracts, delegates,
//! guardians); `Invalid<Field>` is bad input. Every variant is returned by some message
//! (`tests/tests/static_checks.rs` checks that).

// parity-scale-codec's derive casts variant indices (`usize` literals) to `u8` for enums whose
// variants carry data; clippy's cast lint (denied by cargo-contract) flags that generated code.
#![allow(clippy::cast_possible_truncation)]

use crate::vocab::RoleSet;
use ink::prelude::boxed::Box;

/// The contract a cross-contract call went to.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub enum Callee {
    AuditLog,
    Access,
    Consent,
    Provenance,
}

/// How a cross-contract call failed.
#[derive(Clone, PartialEq, Eq, Debug)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub enum CallFailure {
    /// The callee trapped (panicked, ran out of gas, was not a contract, or the call could not
    /// be made at all).
    Trapped,
    /// The callee did not understand the call (`LangError`: wrong selector or undecodable input).
    LangError,
    /// The callee answered with its own error, carried here.
    Refused(Box<Error>),
}

#[derive(Clone, PartialEq, Eq, Debug)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub enum Error {
    // ---- authorisation -------------------------------------------------------------------
    /// The caller is not the contract's admin.
    NotAdmin,
    /// The caller is neither the admin nor a governor.
    NotGovernor,
    /// The caller is not the proposed admin or controller, or not the chosen recovery account.
    NotPendingAccount,
    /// The contract is paused; restrictions and reads still work.
    Paused,
    /// The caller is not the patient's controller or an active delegate.
    NotPatientManager,
    /// The caller is not the patient's controller.
    NotController,
    /// The caller is not an active organisation holding one of these roles.
    MissingRole(RoleSet),
    /// The caller is not a registered audit-log writer.
    NotWriter,
    /// The caller is not one of the suite contracts allowed to make this call (the access
    /// contract's registry and consent, or one of its relying contracts).
    NotSuiteContract,
    /// The caller is not a party allowed to act on this item (holder, insurer, provider, ...).
    NotParty,
    /// The caller is not one of the patient's recovery guardians.
    NotGuardian,
    /// The claimant did not author the record, or did not dispense the pack, it bills for.
    NotAuthor,

    // ---- generic input -------------------------------------------------------------------
    /// The all-zero account was given where a real account is needed.
    ZeroAccount,
    /// The account must be a contract (audit-log writers, relying contracts).
    NotAContract,
    /// A time window is empty, inverted, in the past or too long.
    InvalidWindow,
    /// A set (roles, categories, purposes, coverage) is empty or has unknown bits.
    InvalidSet,
    /// A bounded list would grow past its bound.
    TooMany,
    /// A list that must not be empty was empty.
    Empty,
    /// An amount that must be positive was zero.
    ZeroAmount,
    /// Checked arithmetic overflowed.
    Overflow,
    /// A digest that must be set (content, document, credential, service reference) is all zeros.
    InvalidDigest,

    // ---- governance and wiring -----------------------------------------------------------
    /// No admin transfer was proposed.
    NoPendingAdmin,
    /// The account is a governor already.
    GovernorExists,
    /// The account is not a governor.
    GovernorNotFound,
    /// The suite's contracts were wired to this contract already; wiring happens once.
    AlreadyConfigured,
    /// The contract has not been wired to the suite yet.
    NotConfigured,

    // ---- registry: organisations -----------------------------------------------------------
    /// The account is a registered organisation already.
    OrganisationExists,
    /// The account is not a registered organisation.
    OrganisationNotFound,
    /// The organisation is not in the state this transition needs (e.g. reinstating an active one).
    OrganisationWrongState,
    /// A revoked organisation cannot be changed or registered again.
    OrganisationRevoked,
    /// The account is taken for another purpose: an organisation cannot control a patient or be
    /// a delegate or guardian of one, and a controller cannot be an organisation.
    AccountInUse,

    // ---- registry: patients --------------------------------------------------------------
    /// The all-zero patient id is reserved.
    InvalidPatientId,
    /// The patient id is registered already.
    PatientExists,
    /// The patient id is not (or no longer) registered.
    PatientNotFound,
    /// The account already controls a patient (or is this patient's controller).
    AlreadyController,
    /// An encryption key of all zeros, or (after a recovery) the key the lost controller had.
    InvalidKey,
    /// No transfer of control was proposed.
    NoPendingTransfer,
    /// The account is a delegate of this patient already.
    DelegateExists,
    /// The account is not a delegate of this patient.
    DelegateNotFound,
    /// The same guardian was named twice.
    GuardianExists,
    /// The recovery threshold is zero or larger than the number of guardians.
    InvalidThreshold,
    /// No recovery is under way.
    NoRecovery,
    /// This guardian backs this account already.
    AlreadyApproved,
    /// The recovery has not reached its threshold, or its delay has not passed.
    RecoveryNotReady,

    // ---- audit log -----------------------------------------------------------------------
    /// The contract is an audit-log writer already.
    WriterExists,
    /// The contract is not an audit-log writer.
    WriterNotFound,

    // ---- consent and records -------------------------------------------------------------
    /// The grantee is not an organisation holding a role that fits every purpose of the grant.
    GranteeNotEligible,
    /// No grant with this id (for this patient's current registration).
    GrantNotFound,
    /// The grant was revoked already.
    GrantRevoked,
    /// A record anchor with this id exists already (record ids are chosen by the author's
    /// client, so the ciphertext can be bound to the id before the anchor is written).
    RecordExists,
    /// No record anchor with this id.
    RecordNotFound,
    /// Only the latest version of a record can be amended.
    RecordSuperseded,
    /// The encrypted locator is empty or too long.
    InvalidLocator,
    /// The record belongs to another patient.
    RecordPatientMismatch,
    /// The provider has an open break-glass session for this patient already.
    EmergencyActive,
    /// No open break-glass session with this id.
    NoEmergency,
    /// The contract is a relying contract already.
    RelyingContractExists,
    /// The contract is not a relying contract.
    RelyingContractNotFound,

    // ---- provenance ----------------------------------------------------------------------
    /// Not a GTIN-14 with a valid check digit.
    InvalidGtin,
    /// The GTIN belongs to another manufacturer (the first to register it, or the one governance
    /// assigned it to).
    GtinTaken,
    /// Not a GS1 lot number (1 to 20 characters of `A-Z a-z 0-9 - . / _`).
    InvalidLot,
    /// The expiry is not in the future.
    ExpiryInPast,
    /// The first serial is above the last.
    InvalidSerialRange,
    /// The quantity does not equal the number of serials in the range.
    QuantityMismatch,
    /// A batch with this GTIN and lot exists already.
    BatchExists,
    /// No batch with this id.
    BatchNotFound,
    /// The caller does not hold enough packs of the batch.
    InsufficientStock,
    /// No transfer with this index for the batch.
    TransferNotFound,
    /// The transfer was accepted, rejected or cancelled already.
    TransferNotPending,
    /// The recipient does not hold a trading-partner role that fits this transfer.
    RecipientNotEligible,
    /// The batch is recalled: it only moves to destruction.
    BatchRecalled,
    /// The batch is quarantined: it does not move until cleared.
    BatchQuarantined,
    /// The batch has expired.
    BatchExpired,
    /// The batch is not quarantined.
    NotQuarantined,
    /// The serial is not flagged suspect.
    NotSuspect,
    /// A custodian holds the provider role: it could break the glass and serve itself.
    CustodianNotEligible,
    /// The break-glass session was reviewed already.
    AlreadyReviewed,
    /// The serial is outside the batch's range.
    SerialOutOfRange,
    /// The serial was dispensed, destroyed, flagged or listed in a pending return already.
    SerialNotAvailable,

    // ---- claims --------------------------------------------------------------------------
    /// No policy with this id.
    PolicyNotFound,
    /// The policy has ended, has not started, is closed, or belongs to an earlier registration
    /// of the patient id.
    PolicyNotActive,
    /// The policy's terms are inconsistent, or the claim names another patient than the policy.
    InvalidPolicy,
    /// A line duplicates one of a standing claim (same service and amount, or the same pack).
    DuplicateClaim,
    /// No claim with this id.
    ClaimNotFound,
    /// The claim is not in a state that allows this transition.
    InvalidClaimState,
    /// The claim was appealed once already.
    AppealUsed,
    /// An allowed amount exceeds the billed amount, or a decision list does not match the lines.
    InvalidAdjudication,
    /// The insurer's uncommitted escrow does not cover the amount.
    InsufficientEscrow,
    /// A native-token transfer out of the contract failed.
    TransferFailed,

    // ---- cross-contract ------------------------------------------------------------------
    /// A call to another contract of the suite failed; which one and how.
    Downstream(Callee, CallFailure),

    // ---- immunisation credentials (after `Downstream` so earlier codes keep their index) ----
    /// No credential has this id.
    CredentialNotFound,
    /// The credential is not in a state that allows this (suspend an active one, reinstate a
    /// suspended one; a revoked credential stays revoked).
    CredentialWrongState,
    /// The credential's tree is malformed: a zero root, or a depth of 0 or more than 6.
    InvalidTree,
    /// The dose's serial was not dispensed (administered) by the issuer.
    DoseNotAdministered,
    /// This dose already backs a credential.
    DoseUsed,
}

pub type Result<T> = core::result::Result<T, Error>;

impl Error {
    /// True when this error is a pause, here or in a contract this call went through.
    pub fn is_paused(&self) -> bool {
        match self {
            Error::Paused => true,
            Error::Downstream(_, CallFailure::Refused(inner)) => inner.is_paused(),
            _ => false,
        }
    }
}
