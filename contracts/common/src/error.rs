//! One error vocabulary for the suite. Every message that can fail returns `Result<_, Error>`; a
//! message that returns `Err` reverts every state change it made (ink! sets the revert flag).

// parity-scale-codec's derive casts variant indices (`usize` literals) to `u8` for enums whose
// variants carry data; clippy's cast lint (denied by cargo-contract) flags that generated code.
#![allow(clippy::cast_possible_truncation)]

/// The contract a cross-contract call went to.
#[derive(Clone, Copy, PartialEq, Eq, Debug, scale::Encode, scale::Decode)]
#[cfg_attr(feature = "std", derive(scale_info::TypeInfo))]
pub enum Callee {
    Registry,
    AuditLog,
    Consent,
    Provenance,
}

/// How a cross-contract call failed.
#[derive(Clone, Copy, PartialEq, Eq, Debug, scale::Encode, scale::Decode)]
#[cfg_attr(feature = "std", derive(scale_info::TypeInfo))]
pub enum CallFailure {
    /// The callee trapped (panicked, ran out of gas, was not a contract, or the call could not
    /// be made at all).
    Trapped,
    /// The callee did not understand the call (`LangError`: wrong selector or undecodable input).
    LangError,
    /// The callee answered with its own error.
    Refused,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug, scale::Encode, scale::Decode)]
#[cfg_attr(feature = "std", derive(scale_info::TypeInfo))]
pub enum Error {
    // ---- authorisation -------------------------------------------------------------------
    /// The caller is not the admin.
    NotAdmin,
    /// The caller is neither the admin nor a governor.
    NotGovernor,
    /// The caller is not the proposed admin or controller.
    NotPendingAccount,
    /// The contract is paused; reads still work.
    Paused,
    /// The caller is not the patient's controller or an active delegate.
    NotPatientManager,
    /// The caller is not the patient's controller.
    NotController,
    /// The caller is not an active organisation with a role this message needs.
    MissingRole,
    /// The caller is not a registered audit-log writer.
    NotWriter,
    /// The caller is not a relying contract registered with consent.
    NotRelyingContract,
    /// The caller is not a party allowed to act on this item (holder, author, insurer, ...).
    NotParty,

    // ---- generic input -------------------------------------------------------------------
    /// The all-zero account was given where a real account is needed.
    ZeroAccount,
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

    // ---- governance ----------------------------------------------------------------------
    NoPendingAdmin,
    AlreadyGovernor,
    NotAGovernor,

    // ---- registry: organisations -----------------------------------------------------------
    OrganisationExists,
    OrganisationNotFound,
    /// The organisation is not in the state this transition needs (e.g. reinstating an active one).
    OrganisationWrongState,
    /// A revoked organisation cannot be changed or re-registered.
    OrganisationRevoked,
    /// An organisation account cannot control a patient, and a patient controller cannot be
    /// registered as an organisation.
    AccountInUse,
    /// A credential hash of all zeros.
    InvalidCredential,

    // ---- registry: patients --------------------------------------------------------------
    InvalidPatientId,
    PatientExists,
    PatientNotFound,
    /// The account already controls a patient.
    AlreadyController,
    InvalidKey,
    NoPendingTransfer,
    DelegateExists,
    DelegateNotFound,
    GuardianExists,
    GuardianNotFound,
    /// The recovery threshold is zero or larger than the number of guardians.
    InvalidThreshold,
    NoRecovery,
    /// A recovery for a different new controller is already under way.
    RecoveryConflict,
    AlreadyApproved,
    NotGuardian,
    /// The recovery has not reached its threshold, or its delay has not passed.
    RecoveryNotReady,

    // ---- audit log -----------------------------------------------------------------------
    AlreadyWriter,
    WriterNotFound,

    // ---- consent and records -------------------------------------------------------------
    /// The grantee is not an organisation holding a role that fits every purpose of the grant.
    GranteeNotEligible,
    GrantNotFound,
    /// The grant was revoked already.
    GrantRevoked,
    RecordNotFound,
    /// Only the latest version of a record can be amended.
    RecordSuperseded,
    InvalidLocator,
    InvalidContentHash,
    /// The record belongs to another patient.
    RecordPatientMismatch,
    EmergencyActive,
    NoEmergency,
    AlreadyRelyingContract,
    RelyingContractNotFound,

    // ---- provenance ----------------------------------------------------------------------
    InvalidGtin,
    InvalidLot,
    ExpiryInPast,
    InvalidSerialRange,
    /// The quantity does not equal the number of serials in the range.
    QuantityMismatch,
    BatchExists,
    BatchNotFound,
    InsufficientStock,
    TransferNotFound,
    TransferNotPending,
    /// The recipient does not hold a trading-partner role that fits this transfer.
    RecipientNotEligible,
    BatchRecalled,
    BatchQuarantined,
    BatchExpired,
    NotQuarantined,
    SerialOutOfRange,
    /// The serial was dispensed, destroyed or flagged already.
    SerialNotAvailable,

    // ---- claims --------------------------------------------------------------------------
    PolicyNotFound,
    /// The policy has ended, has not started, or is closed.
    PolicyNotActive,
    InvalidPolicy,
    /// A line's service category is outside the policy's coverage.
    NotCovered,
    DuplicateClaim,
    ClaimNotFound,
    /// The claim is not in a state that allows this transition.
    InvalidClaimState,
    AppealUsed,
    /// An allowed amount exceeds the billed amount, or a decision list does not match the lines.
    InvalidAdjudication,
    /// The insurer's uncommitted escrow does not cover the amount.
    InsufficientEscrow,
    /// A native-token transfer out of the contract failed.
    TransferFailed,
    /// The patient's consent does not permit the insurer the payment purpose for this record.
    ConsentDenied,
    /// A drug line names a recalled, quarantined, expired, unknown or suspect batch/serial.
    DrugRefused,

    // ---- cross-contract ------------------------------------------------------------------
    /// A call to another contract of the suite failed; which one and how.
    Downstream(Callee, CallFailure),
    /// The contract's address for a dependency was never configured.
    NotConfigured,
}

pub type Result<T> = core::result::Result<T, Error>;
