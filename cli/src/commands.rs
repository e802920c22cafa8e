//! The commands, written against the client's `ChainWrite` (a node in the binary, the in-process
//! chain in the tests). Each returns JSON (printed as is with `--json`, as a table otherwise) or
//! a [`CliError`] with the exit code scripts test.

use crate::keystore::{Identity, Keystore};
use crate::{epcis, send, send_with_value, vrs, x12};
use carechain_common::*;
use carechain_sdk::claims::{check_pack, claim_line, LineInput, PackCheck};
use carechain_sdk::credentials as creds;
use carechain_sdk::dates::{expiry_from_date, parse_date};
use carechain_sdk::facts::{grant_status, limited_by, GrantStatus};
use carechain_sdk::gateway::protocol::key_slot;
use carechain_sdk::gateway::{records, rewrap, share_with, GatewayClient};
use carechain_sdk::gs1;
use carechain_sdk::msg::{access, claims, consent, provenance, registry};
use carechain_sdk::{audit, digest, fhir, view, ChainWrite};
use carechain_vault::{PublicKey, SecretKey};
use clap::{Args, Subcommand};
use ink::primitives::AccountId;
use serde_json::{json, Value};
use std::fmt::Debug;
use std::path::PathBuf;
use std::result::Result;
use zeroize::Zeroizing;

/// Exit codes.
pub mod exit {
    /// The contract refused (its error named in the message), or a call failed.
    pub const REFUSED: i32 = 1;
    /// Bad arguments (clap's own code too).
    pub const USAGE: i32 = 2;
    /// An input document failed validation: nothing was applied.
    pub const INVALID_DOCUMENT: i32 = 3;
    /// No node, no deployment, no key.
    pub const SETUP: i32 = 4;
    /// The answer is negative: access denied, a pack not verified, a broken audit chain.
    pub const NEGATIVE: i32 = 5;
}

#[derive(Debug)]
pub struct CliError {
    pub code: i32,
    pub message: String,
}

impl CliError {
    pub fn new(code: i32, message: impl Into<String>) -> CliError {
        CliError {
            code,
            message: message.into(),
        }
    }
}

fn usage(message: impl Into<String>) -> CliError {
    CliError::new(exit::USAGE, message)
}

fn refused(message: String) -> CliError {
    CliError::new(exit::REFUSED, message)
}

/// A command's answer: JSON, and a non-zero exit code when the answer is negative.
#[derive(Debug)]
pub struct Output {
    pub json: Value,
    pub exit: i32,
}

fn ok(json: Value) -> Result<Output, CliError> {
    Ok(Output { json, exit: 0 })
}

#[derive(Subcommand, Debug, Clone)]
pub enum Command {
    /// The signer's account and roles.
    Whoami,
    /// Credential an organisation (registry admin or governor).
    OrgRegister {
        account: String,
        /// Comma-separated roles: provider, manufacturer, distributor, pharmacy, insurer,
        /// researcher, regulator, public-health.
        #[arg(long)]
        roles: String,
        /// The credential document (its SHA-256 goes on chain).
        #[arg(long)]
        credential_file: PathBuf,
        /// The organisation's X25519 encryption key, 32 bytes hex.
        #[arg(long)]
        key: String,
    },
    /// Suspend an organisation (a restriction: works while paused).
    OrgSuspend { account: String },
    /// Revoke an organisation for good.
    OrgRevoke { account: String },
    /// Register the signer as a patient's controller; prints the new pseudonymous patient id.
    PatientRegister {
        /// The patient's X25519 encryption key, 32 bytes hex.
        #[arg(long)]
        key: String,
    },
    /// Register a new vault key (X25519, 32 bytes hex) on chain: the signer organisation's, or
    /// with `--patient` that patient's (its controller). Records wrapped for the former key stay
    /// readable once re-wrapped for the new one (`record rewrap ID --for me`, or the author's
    /// `--for patient`).
    RotateKey {
        #[arg(long)]
        key: String,
        #[arg(long)]
        patient: Option<String>,
    },
    /// A patient's social recovery: guardians move control to a new account and key after the
    /// registry's delay; the controller can cancel it until then.
    #[command(subcommand)]
    Recovery(RecoveryCommand),
    /// Grant (or deny) access to a patient's data.
    Grant(GrantArgs),
    /// Revoke a grant (a restriction).
    Revoke { grant: GrantId },
    /// A patient's grants.
    Grants {
        #[arg(long)]
        patient: String,
    },
    /// Check access as the signer (an audited decision: granted or denied, with its audit entry).
    Check {
        #[arg(long)]
        patient: String,
        #[arg(long)]
        category: String,
        #[arg(long)]
        purpose: String,
    },
    /// The audit trail, newest first (`--patient`: only that patient's entries).
    Trail {
        #[arg(long)]
        patient: Option<String>,
        #[arg(long, default_value_t = 20)]
        limit: u32,
    },
    /// Recompute the audit hash chain from genesis and compare with the contract's head.
    AuditVerify,
    /// Register a batch (manufacturer).
    BatchRegister {
        #[arg(long)]
        gtin: String,
        #[arg(long)]
        lot: String,
        /// Last day of use, YYYY-MM-DD.
        #[arg(long)]
        expiry: String,
        #[arg(long)]
        first_serial: u64,
        #[arg(long)]
        last_serial: u64,
        /// The certificate of analysis (its SHA-256 goes on chain).
        #[arg(long)]
        coa_file: PathBuf,
    },
    /// A batch and its custody state.
    Batch { id: BatchId },
    /// Ship packs of a batch to a trading partner.
    Ship {
        #[arg(long)]
        batch: BatchId,
        #[arg(long)]
        to: String,
        #[arg(long)]
        quantity: u64,
        /// The shipping document (its SHA-256 goes on chain).
        #[arg(long)]
        document_file: PathBuf,
    },
    /// Accept a pending transfer addressed to the signer.
    Accept {
        #[arg(long)]
        batch: BatchId,
        #[arg(long)]
        transfer: u64,
    },
    /// Verify a pack, answered with GS1 LM / VRS response codes.
    VerifyPack(PackArgs),
    /// Quarantine a batch (manufacturer or regulator; a restriction).
    Quarantine {
        #[arg(long)]
        batch: BatchId,
        /// suspect-product, quality-investigation, temperature-excursion, damaged-packaging,
        /// regulatory-hold.
        #[arg(long)]
        reason: String,
    },
    /// Recall a batch (manufacturer or regulator; a restriction).
    Recall {
        #[arg(long)]
        batch: BatchId,
        /// safety-issue, quality-defect, contamination, mislabeling, counterfeit, regulatory-action.
        #[arg(long)]
        reason: String,
    },
    /// Create a policy for a patient (insurer).
    PolicyCreate {
        #[arg(long)]
        patient: String,
        /// Comma-separated service categories covered.
        #[arg(long)]
        coverage: String,
        #[arg(long)]
        start: String,
        /// Exclusive end, YYYY-MM-DD.
        #[arg(long)]
        end: String,
        /// Annual limit, in minor units (cents).
        #[arg(long)]
        limit: Balance,
        #[arg(long)]
        deductible: Balance,
        #[arg(long)]
        coinsurance_bps: u16,
    },
    /// Submit a claim (provider or pharmacy).
    ClaimSubmit(ClaimArgs),
    /// Insurer: check a claim's lines against what the provider sent off chain (the lines file and
    /// the shared key): each line's service reference, and each pharmacy line's pack against
    /// provenance (committed pack, dispensed by the claimant, batch in good standing). Exit 5 when
    /// a line does not check out; `--json` lists the denial reason to adjudicate with.
    ClaimCheck {
        #[arg(long)]
        claim: ClaimId,
        #[arg(long)]
        lines: PathBuf,
        #[arg(long)]
        service_key_file: PathBuf,
    },
    /// Adjudicate a claim: one decision per line, `approve:<allowed>` or `deny:<reason>`.
    Adjudicate {
        #[arg(long)]
        claim: ClaimId,
        #[arg(long = "line", required = true)]
        lines: Vec<String>,
    },
    /// Pay an approved claim from the insurer's escrow.
    Settle { claim: ClaimId },
    /// A claim and its adjudication.
    Claim { id: ClaimId },
    /// Pay `amount` (the chain's smallest unit) to an account: fund a new identity's fees.
    Transfer {
        #[arg(long)]
        to: String,
        amount: u128,
    },
    /// The keystore: identities holding a chain key (polkadot{.js} JSON, loads into a browser
    /// wallet) and a vault key, encrypted under a password from `$CARECHAIN_PASSWORD_FILE` or a
    /// prompt. Sign with one: `carechain --identity NAME …`.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Make a vault key (X25519) for an organisation or a patient: the secret goes to a 0600
    /// file, the public key is printed (for `org-register --key` / `patient-register --key`).
    VaultKey {
        #[arg(long)]
        out: PathBuf,
    },
    /// Records in the vault: encrypted on this machine, their hash anchored on chain, the
    /// ciphertext and wrapped keys on the record gateway.
    #[command(subcommand)]
    Record(RecordCommand),
    /// An insurer's escrow: the funds its claims are settled from.
    #[command(subcommand)]
    Escrow(EscrowCommand),
    /// Break-glass access: a provider opens it for a patient who cannot consent; the provider or
    /// the patient's side closes it; a regulator reviews every session afterwards.
    #[command(subcommand)]
    Emergency(EmergencyCommand),
    /// FHIR R4 resources.
    #[command(subcommand)]
    Fhir(FhirCommand),
    /// X12 835 remittance advice for settled claims (one payer, one payee).
    X12_835 {
        #[arg(long = "claim", required = true)]
        claims: Vec<ClaimId>,
        /// JSON: payer_name, payer_id, payer_company_id, payer_street, payer_city, payer_state,
        /// payer_zip, payer_phone, payee_name, payee_id, payee_npi.
        #[arg(long)]
        parties: PathBuf,
        #[arg(long, default_value_t = 1)]
        control: u32,
    },
    /// Immunisation credentials: holder keys and credentials built off chain, issued, presented
    /// and verified (docs/credentials.md).
    #[command(subcommand)]
    Credential(CredentialCommand),
    /// GS1 EPCIS 2.0 in: validate, map, apply each event as its party, report per event.
    EpcisImport {
        document: PathBuf,
        #[arg(long)]
        master_data: PathBuf,
        /// Validate and plan only.
        #[arg(long)]
        dry_run: bool,
    },
    /// GS1 EPCIS 2.0 out: a batch's custody history.
    EpcisExport {
        #[arg(long)]
        batch: BatchId,
        #[arg(long)]
        master_data: Option<PathBuf>,
    },
}

#[derive(Subcommand, Debug, Clone)]
pub enum KeysCommand {
    /// A new identity: a fresh chain key and vault key (password asked twice).
    New { name: String },
    /// An identity from a polkadot{.js} JSON account (a wallet extension's export), opened with
    /// its password; a fresh vault key under the same password.
    Import {
        name: String,
        /// The exported account's JSON file.
        #[arg(long)]
        file: PathBuf,
    },
    /// A new vault key for an identity (its password must open the current one, which is
    /// kept as a former key). Then `carechain rotate-key --key <the new public key>` and
    /// `carechain record rewrap ID --for me` for each earlier record.
    Rotate { name: String },
    /// Every identity: name, account, vault public key.
    List,
    /// One identity's public facts.
    Show { name: String },
    /// What to send a registrar: the account and the vault public key (for `org-register
    /// ACCOUNT --key …` or `patient-register --key …`).
    ExportPublic { name: String },
}

/// A vault key the binary opened from the keystore (`--identity`), handed to the record commands.
#[derive(Clone, Default)]
pub struct VaultSecret(pub Option<std::sync::Arc<SecretKey>>);

impl Debug for VaultSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "VaultSecret(<from the keystore>)"
        } else {
            "VaultSecret(none)"
        })
    }
}

/// `$CARECHAIN_PENDING`'s default: `~/.carechain/pending`.
fn pending_dir() -> PathBuf {
    std::env::var_os("HOME")
        .map(|h| PathBuf::from(h).join(".carechain/pending"))
        .unwrap_or_else(|| PathBuf::from(".carechain/pending"))
}

/// Which record gateway.
#[derive(Args, Debug, Clone)]
pub struct GatewayArgs {
    /// The gateway's URL.
    #[arg(long = "gateway", env = "CARECHAIN_GATEWAY_URL")]
    pub url: String,
    /// The gateway's id (its configuration; signed into every request).
    #[arg(long, env = "CARECHAIN_GATEWAY_ID", default_value = carechain_sdk::gateway::protocol::DEFAULT_GATEWAY_ID)]
    pub gateway_id: String,
}

impl GatewayArgs {
    fn client(&self) -> GatewayClient {
        GatewayClient::new(&self.url, &self.gateway_id)
    }
}

#[derive(Subcommand, Debug, Clone)]
pub enum RecordCommand {
    /// Provider: encrypt FILE for a patient (a fresh data key), anchor its hash (a logged
    /// decision: exit 5 when the write is not granted), then upload the ciphertext and its key
    /// wrapped for the patient, the author and the patient's custodian.
    ///
    /// Until the upload is complete, the sealed record is kept in `--pending` (its data key
    /// wrapped for your own key), so an interrupted put is completed with `record resume ID`.
    Put {
        file: PathBuf,
        #[arg(long)]
        patient: String,
        #[arg(long)]
        category: String,
        #[arg(long, default_value = "treatment")]
        purpose: String,
        /// Where uploads in progress are kept (default `$CARECHAIN_PENDING`, else
        /// `~/.carechain/pending`).
        #[arg(long, env = "CARECHAIN_PENDING", default_value_os_t = pending_dir())]
        pending: PathBuf,
        #[command(flatten)]
        gateway: GatewayArgs,
    },
    /// Complete a `record put` interrupted after its anchor (a crash, a gateway down): uploads
    /// what is missing of the kept blob and key slots (what is there already is passed over).
    Resume {
        id: RecordId,
        #[arg(long, env = "CARECHAIN_PENDING", default_value_os_t = pending_dir())]
        pending: PathBuf,
        /// Your vault key's secret; default: the `--identity`'s vault key.
        #[arg(long)]
        vault_key_file: Option<PathBuf>,
        #[arg(skip)]
        vault: VaultSecret,
        #[command(flatten)]
        gateway: GatewayArgs,
    },
    /// Read a record: an audited check on chain (exit 5 when denied), then download, check the
    /// ciphertext against the anchored hash, decrypt with your vault key and write `--out`
    /// (0600, written whole or not at all).
    Get {
        id: RecordId,
        /// Which version of the record (1 is the original; default: the one `ID` names).
        #[arg(long)]
        version: Option<u32>,
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value = "treatment")]
        purpose: String,
        /// Your vault key's secret (from `carechain vault-key`); default: the
        /// `--identity`'s vault key.
        #[arg(long)]
        vault_key_file: Option<PathBuf>,
        #[arg(skip)]
        vault: VaultSecret,
        #[command(flatten)]
        gateway: GatewayArgs,
    },
    /// The patient (or a delegate holding the patient's vault key): wrap a record's key for an
    /// organisation you granted, so it can open the record. Your own read is logged first.
    Share {
        id: RecordId,
        #[arg(long = "with")]
        with: String,
        /// As for `record get`.
        #[arg(long)]
        vault_key_file: Option<PathBuf>,
        #[arg(skip)]
        vault: VaultSecret,
        #[command(flatten)]
        gateway: GatewayArgs,
    },
    /// A record's versions, oldest first (anchors only: nothing is decrypted).
    History { id: RecordId },
    /// Re-wrap a record's key after a key change, so nothing becomes unreadable. `--for me`:
    /// you rotated your key (organisation or patient) and still hold the former one: it opens
    /// your former key's slot and wraps the key for your registered key. `--for patient`: the
    /// patient's key changed (a recovery): the author, the patient's custodian or the patient's
    /// side opens its own slot and wraps the key for the patient's registered key. Your read is
    /// logged first (exit 5 when it is not granted).
    Rewrap {
        id: RecordId,
        #[arg(long = "for", value_enum)]
        for_whom: RewrapFor,
        /// The key to open with: with `--for me` your former key (default: the `--identity`'s
        /// newest former vault key), with `--for patient` your current key (default: the
        /// `--identity`'s vault key).
        #[arg(long)]
        vault_key_file: Option<PathBuf>,
        #[arg(skip)]
        vault: VaultSecret,
        #[command(flatten)]
        gateway: GatewayArgs,
    },
}

/// Whose registered key `record rewrap` wraps for.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum RewrapFor {
    /// Yours, from your former key's slot.
    Me,
    /// The record's patient's, from your own slot.
    Patient,
}

#[derive(Subcommand, Debug, Clone)]
pub enum RecoveryCommand {
    /// The controller: name the patient's guardians (accounts, up to the registry's limit) and
    /// how many must approve a recovery.
    Guardians {
        #[arg(long)]
        patient: String,
        #[arg(long = "guardian", required = true)]
        guardians: Vec<String>,
        #[arg(long)]
        threshold: u8,
    },
    /// A guardian: approve moving the patient's control to `--candidate` (the new account).
    Approve {
        #[arg(long)]
        patient: String,
        #[arg(long)]
        candidate: String,
    },
    /// The candidate, once enough guardians approved and the delay passed: take control with a
    /// new vault key (32 bytes hex). Every earlier grant ends; grant again, then have records
    /// re-wrapped for the new key (`record rewrap ID --for patient`, by their author).
    Complete {
        #[arg(long)]
        patient: String,
        #[arg(long)]
        key: String,
    },
    /// The controller: cancel a pending recovery (a restriction: works while paused).
    Cancel {
        #[arg(long)]
        patient: String,
    },
    /// A patient's pending recovery: candidate, approvals, when it may complete.
    Show {
        #[arg(long)]
        patient: String,
    },
}

#[derive(Subcommand, Debug, Clone)]
pub enum EscrowCommand {
    /// Insurer: pay `amount` (the chain's smallest unit) into your escrow.
    Deposit { amount: Balance },
    /// Insurer: take `amount` back out of your escrow (at most what no approved claim holds).
    Withdraw { amount: Balance },
    /// An insurer's escrow: balance, committed to approved claims, available. Default: yours.
    Show {
        #[arg(long)]
        insurer: Option<String>,
    },
}

#[derive(Subcommand, Debug, Clone)]
pub enum EmergencyCommand {
    /// Provider: open break-glass access to a patient (exit 5 when refused: the refusal is in
    /// the audit log too).
    Open {
        #[arg(long)]
        patient: String,
        /// patient-unconscious, threat-to-life, lacks-capacity, mass-casualty.
        #[arg(long)]
        reason: String,
    },
    /// The provider who opened it, or the patient or a delegate: close a session early.
    Close { id: EmergencyId },
    /// Regulator: review a session, recording the SHA-256 of the findings document (the
    /// document itself stays off chain).
    Review {
        id: EmergencyId,
        #[arg(long)]
        findings: PathBuf,
    },
    /// One session.
    Show { id: EmergencyId },
    /// A patient's sessions, newest last.
    List {
        #[arg(long)]
        patient: String,
    },
}

#[derive(Subcommand, Debug, Clone)]
pub enum CredentialCommand {
    /// The holder: make a key (written to `--out`, mode 0600; the public key is printed).
    HolderKey {
        #[arg(long)]
        out: PathBuf,
    },
    /// The issuer, off chain: claims from a FHIR R4 Immunization, salted, with the holder's
    /// public key, into a Merkle tree; the wallet file goes to the holder.
    Build {
        #[arg(long)]
        immunization: PathBuf,
        /// The holder's compressed secp256k1 public key, hex (`credential holder-key` prints it).
        #[arg(long)]
        holder: String,
        /// More claims the issuer vouches for, `name=value` (e.g. `age-18-plus@2026-01-01=yes`).
        #[arg(long = "claim")]
        extra: Vec<String>,
        #[arg(long)]
        out: PathBuf,
    },
    /// The issuer: anchor a wallet's root for a dose it administered.
    Issue {
        #[arg(long)]
        wallet: PathBuf,
        #[arg(long)]
        batch: BatchId,
        #[arg(long)]
        serial: u64,
    },
    /// The holder: reveal chosen claims, signed over the verifier's challenge.
    Present {
        #[arg(long)]
        wallet: PathBuf,
        #[arg(long)]
        holder_key_file: PathBuf,
        #[arg(long)]
        credential: CredentialId,
        /// The verifier's challenge, 32 bytes hex.
        #[arg(long)]
        challenge: String,
        /// The verifier's account (SS58 or hex): the presentation answers it only.
        #[arg(long)]
        verifier: String,
        /// Comma-separated claim names to reveal (the holder key is always revealed).
        #[arg(long)]
        claims: String,
        #[arg(long)]
        out: PathBuf,
    },
    /// The verifier: check a presentation off chain (the contract's rules, the credential's and
    /// the lot's state read from the chain); `--log` also verifies it on chain, logged.
    Verify {
        presentation: PathBuf,
        /// Whose challenge it answers (default: the signer's account).
        #[arg(long)]
        verifier: Option<String>,
        #[arg(long)]
        log: bool,
    },
    /// A credential's anchor.
    Show { id: CredentialId },
    /// The issuer: suspend (a restriction).
    Suspend { id: CredentialId },
    /// The issuer: revoke for good (a restriction).
    Revoke { id: CredentialId },
    /// The issuer: reinstate a suspended credential.
    Reinstate { id: CredentialId },
}

#[derive(Args, Debug, Clone)]
pub struct GrantArgs {
    #[arg(long)]
    pub patient: String,
    /// An account, or `anyone` (public-health style grants).
    #[arg(long)]
    pub grantee: String,
    #[arg(long)]
    pub categories: String,
    #[arg(long)]
    pub purposes: String,
    /// YYYY-MM-DD (00:00 UTC); default now.
    #[arg(long)]
    pub from: Option<String>,
    /// Exclusive end, YYYY-MM-DD (access on that day is refused).
    #[arg(long)]
    pub until: String,
    /// A deny rule instead of a permit.
    #[arg(long)]
    pub deny: bool,
}

#[derive(Args, Debug, Clone)]
pub struct PackArgs {
    /// `(01)GTIN(21)SERIAL(10)LOT(17)YYMMDD` as read from the pack's 2D code.
    #[arg(long, conflicts_with_all = ["gtin", "serial", "lot"])]
    pub element_string: Option<String>,
    #[arg(long)]
    pub gtin: Option<String>,
    #[arg(long)]
    pub serial: Option<u64>,
    #[arg(long)]
    pub lot: Option<String>,
    /// YYYY-MM-DD as printed.
    #[arg(long)]
    pub expiry: Option<String>,
}

#[derive(Args, Debug, Clone)]
pub struct ClaimArgs {
    #[arg(long)]
    pub policy: PolicyId,
    #[arg(long)]
    pub patient: String,
    /// The record anchor the claim rests on (authored by the claimant).
    #[arg(long)]
    pub record: RecordId,
    /// The claim's lines, a JSON file (never arguments, which other users of the machine can
    /// read): `[{"code": "80053", "date": "YYYY-MM-DD", "billed": 12000, "batch": 3,
    /// "serial": 1042}]`, billed in cents, `batch` / `serial` for a pharmacy line's pack. The same
    /// file goes to the insurer off chain (`claim-check`).
    #[arg(long)]
    pub lines: PathBuf,
    /// The key shared with the insurer off chain: service references and pack commitments are
    /// HMAC-SHA-256 under it, so no service code, date or pack goes on chain.
    #[arg(long)]
    pub service_key_file: PathBuf,
}

#[derive(Subcommand, Debug, Clone)]
pub enum FhirCommand {
    /// A patient's grants as Consent resources (a Bundle).
    Consent {
        #[arg(long)]
        patient: String,
    },
    /// A claim as Claim, ClaimResponse and ExplanationOfBenefit (a Bundle).
    Claim {
        id: ClaimId,
        #[arg(long, default_value = "USD")]
        currency: String,
    },
    /// The audit trail as AuditEvent resources (a Bundle), newest first.
    Audit {
        #[arg(long)]
        patient: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
}

// ------------------------------------------------------------------------------ parsing

/// Parse an account: SS58 or 32 bytes hex.
pub type AccountParser = fn(&str) -> Result<AccountId, String>;

fn hex32(text: &str, what: &str) -> Result<[u8; 32], CliError> {
    let bytes = hex::decode(text.trim_start_matches("0x"))
        .map_err(|_| usage(format!("{what}: not hex")))?;
    bytes
        .try_into()
        .map_err(|_| usage(format!("{what}: 32 bytes expected")))
}

fn named<T: Debug + Copy>(all: &[T], text: &str, what: &str) -> Result<T, CliError> {
    let norm = |s: &str| s.to_ascii_lowercase().replace(['-', '_', ' '], "");
    all.iter()
        .copied()
        .find(|item| norm(&format!("{item:?}")) == norm(text))
        .ok_or_else(|| usage(format!("{text:?} is not a {what}; one of {:?}", all)))
}

fn list<T: Debug + Copy>(all: &[T], text: &str, what: &str) -> Result<Vec<T>, CliError> {
    text.split(',')
        .filter(|s| !s.is_empty())
        .map(|s| named(all, s.trim(), what))
        .collect()
}

const SERVICES: [ServiceCategory; 10] = [
    ServiceCategory::Consultation,
    ServiceCategory::Laboratory,
    ServiceCategory::Imaging,
    ServiceCategory::Pharmacy,
    ServiceCategory::Hospitalisation,
    ServiceCategory::Surgery,
    ServiceCategory::Emergency,
    ServiceCategory::Preventive,
    ServiceCategory::MentalHealth,
    ServiceCategory::Rehabilitation,
];
const DENIALS: [DenialReason; 5] = [
    DenialReason::MissingInformation,
    DenialReason::NotMedicallyNecessary,
    DenialReason::NonCovered,
    DenialReason::BenefitMaximumReached,
    DenialReason::TimelyFiling,
];
const RECALLS: [RecallReason; 6] = [
    RecallReason::SafetyIssue,
    RecallReason::QualityDefect,
    RecallReason::Contamination,
    RecallReason::Mislabeling,
    RecallReason::Counterfeit,
    RecallReason::RegulatoryAction,
];
const EMERGENCY_REASONS: [EmergencyReason; 4] = [
    EmergencyReason::PatientUnconscious,
    EmergencyReason::ThreatToLife,
    EmergencyReason::LacksCapacity,
    EmergencyReason::MassCasualty,
];
const QUARANTINES: [QuarantineReason; 5] = [
    QuarantineReason::SuspectProduct,
    QuarantineReason::QualityInvestigation,
    QuarantineReason::TemperatureExcursion,
    QuarantineReason::DamagedPackaging,
    QuarantineReason::RegulatoryHold,
];

fn date(text: &str) -> Result<Timestamp, CliError> {
    parse_date(text).map_err(usage)
}

fn file_digest(path: &PathBuf) -> Result<Digest, CliError> {
    std::fs::read(path)
        .map(|bytes| digest(&bytes))
        .map_err(|e| usage(format!("{}: {e}", path.display())))
}

fn read_json(path: &PathBuf) -> Result<Value, CliError> {
    let text =
        std::fs::read_to_string(path).map_err(|e| usage(format!("{}: {e}", path.display())))?;
    serde_json::from_str(&text).map_err(|e| {
        CliError::new(
            exit::INVALID_DOCUMENT,
            format!("{}: not JSON: {e}", path.display()),
        )
    })
}

/// A claim's lines from the provider's JSON file (see `ClaimArgs::lines`).
pub fn claim_lines(path: &PathBuf) -> Result<Vec<LineInput>, CliError> {
    let doc = read_json(path)?;
    let lines = doc
        .as_array()
        .ok_or_else(|| invalid(format!("{}: a JSON array of lines", path.display())))?;
    lines
        .iter()
        .enumerate()
        .map(|(n, line)| {
            let text = |field: &str| {
                line[field]
                    .as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| invalid(format!("line {n}: no {field:?}")))
            };
            let number = |field: &str| line[field].as_u64();
            let date_text = text("date")?;
            date(&date_text)?;
            let billed = number("billed").ok_or_else(|| {
                invalid(format!("line {n}: \"billed\" is a whole number of cents"))
            })?;
            let pack = match (number("batch"), number("serial")) {
                (Some(batch), Some(serial)) => Some((batch, serial)),
                (None, None) => None,
                _ => {
                    return Err(invalid(format!(
                        "line {n}: a pack needs both batch and serial"
                    )))
                }
            };
            Ok(LineInput {
                code: text("code")?,
                date: date_text,
                billed: u128::from(billed),
                pack,
            })
        })
        .collect()
}

fn invalid(message: String) -> CliError {
    CliError::new(exit::INVALID_DOCUMENT, message)
}

fn line_decision(text: &str) -> Result<LineDecision, CliError> {
    match text.split_once(':') {
        Some(("approve", allowed)) => Ok(LineDecision::Approve {
            allowed: allowed
                .parse()
                .map_err(|_| usage(format!("{text:?}: approve:<allowed cents>")))?,
        }),
        Some(("deny", reason)) => Ok(LineDecision::Deny(named(
            &DENIALS,
            reason,
            "denial reason",
        )?)),
        _ => Err(usage(format!(
            "{text:?}: approve:<allowed> or deny:<reason>"
        ))),
    }
}

// ---------------------------------------------------------------------------- rendering

fn outcome_json(outcome: AuditOutcome) -> Value {
    match outcome {
        AuditOutcome::Success => json!("success"),
        AuditOutcome::Granted(basis) => json!(format!("granted ({basis:?})")),
        AuditOutcome::Denied(reason) => json!(format!("denied ({reason:?})")),
    }
}

fn entry_json(l: &impl ChainWrite, entry: &AuditEntry) -> Value {
    json!({
        "seq": entry.seq,
        "time": carechain_sdk::dates::format_time(entry.recorded_at),
        "action": format!("{:?}", entry.record.action),
        "subject": format!("{:?}", entry.record.subject),
        "actor": l.name_of(&entry.record.actor),
        "outcome": outcome_json(entry.record.outcome),
        "purpose": entry.record.purpose.map(|p| format!("{p:?}")),
    })
}

fn grant_json(g: &Grant, status: GrantStatus) -> Value {
    json!({
        "id": g.id,
        "status": status.word(),
        "grantee": match g.grantee { Grantee::Anyone => "anyone".to_owned(), Grantee::Account(a) => hex::encode(a) },
        "effect": format!("{:?}", g.effect),
        "categories": DataCategory::ALL.iter().filter(|c| g.scope.categories.contains(**c)).map(|c| format!("{c:?}")).collect::<Vec<_>>(),
        "purposes": Purpose::ALL.iter().filter(|p| g.scope.purposes.contains(**p)).map(|p| format!("{p:?}")).collect::<Vec<_>>(),
        "from": carechain_sdk::dates::format_time(g.scope.valid_from),
        "until (exclusive)": carechain_sdk::dates::format_time(g.scope.valid_until),
        "revoked": g.revoked_at.map(carechain_sdk::dates::format_time),
    })
}

fn escrow_json(l: &impl ChainWrite, insurer: AccountId, e: &Escrow) -> Value {
    json!({
        "insurer": l.name_of(&insurer),
        "balance": e.balance.to_string(),
        "committed": e.committed.to_string(),
        "available": e.available().to_string(),
    })
}

fn emergency_json(l: &impl ChainWrite, e: &Emergency, now: Timestamp) -> Value {
    let time = carechain_sdk::dates::format_time;
    json!({
        "id": e.id,
        "patient": hex::encode(e.patient.0),
        "provider": l.name_of(&e.provider),
        "reason": format!("{:?}", e.reason),
        "status": if e.is_open(now) { "open" } else { "closed" },
        "opened": time(e.opened_at),
        "expires": time(e.expires_at),
        "closed": e.closed_at.map(time),
        "closed by": e.closed_by.map(|a| l.name_of(&a)),
        "review": e.review.map(|r| json!({"by": l.name_of(&r.by), "at": time(r.at), "findings": hex::encode(r.findings.0)})),
    })
}

fn claim_json(c: &Claim) -> Value {
    json!({
        "id": c.id, "policy": c.policy, "status": format!("{:?}", c.status), "record": c.record,
        "billed": c.billed, "approved": c.approved, "patientShare": c.patient_share,
        "deductibleApplied": c.deductible_applied, "lines": c.lines.len(),
        "settled": c.settled_at.map(carechain_sdk::dates::format_time),
    })
}

fn bundle(resources: Vec<Value>) -> Value {
    json!({"resourceType": "Bundle", "type": "collection",
           "entry": resources.into_iter().map(|r| json!({"resource": r})).collect::<Vec<_>>()})
}

// ------------------------------------------------------------------------------ running

fn patient_id(text: &str) -> Result<PatientId, CliError> {
    hex32(text, "patient id").map(PatientId)
}

fn key(text: &str) -> Result<EncryptionKey, CliError> {
    hex32(text, "encryption key").map(EncryptionKey)
}

fn state_change(value: Value) -> Result<Output, CliError> {
    ok(json!({"ok": true, "result": value}))
}

impl Command {
    /// Hand the keystore's vault key to a command that opens records and was given no file.
    pub fn wants_vault_key(&mut self) -> Option<&mut VaultSecret> {
        match self {
            Command::Record(
                RecordCommand::Get {
                    vault_key_file: None,
                    vault,
                    ..
                }
                | RecordCommand::Share {
                    vault_key_file: None,
                    vault,
                    ..
                }
                | RecordCommand::Resume {
                    vault_key_file: None,
                    vault,
                    ..
                },
            ) => Some(vault),
            Command::Record(RecordCommand::Rewrap {
                vault_key_file: None,
                for_whom,
                vault,
                ..
            }) if *for_whom == RewrapFor::Patient => Some(vault),
            _ => None,
        }
    }

    /// Hand the keystore's newest former vault key to `record rewrap --for me` given no file.
    pub fn wants_former_vault_key(&mut self) -> Option<&mut VaultSecret> {
        match self {
            Command::Record(RecordCommand::Rewrap {
                vault_key_file: None,
                for_whom,
                vault,
                ..
            }) if *for_whom == RewrapFor::Me => Some(vault),
            _ => None,
        }
    }

    /// Whether the command needs no chain at all.
    pub fn offline(&self) -> bool {
        matches!(
            self,
            Command::VaultKey { .. }
                | Command::Keys(_)
                | Command::Credential(
                    CredentialCommand::HolderKey { .. } | CredentialCommand::Build { .. }
                )
        )
    }

    /// Whether the command only reads (it then needs no signer).
    pub fn reads_only(&self) -> bool {
        self.offline()
            || matches!(
                self,
                Command::Credential(
                    CredentialCommand::Present { .. }
                        | CredentialCommand::Show { .. }
                        | CredentialCommand::Verify { log: false, .. }
                )
            )
            || matches!(
                self,
                Command::Grants { .. }
                    | Command::Trail { .. }
                    | Command::AuditVerify
                    | Command::Batch { .. }
                    | Command::VerifyPack(_)
                    | Command::Claim { .. }
                    | Command::Fhir(_)
                    | Command::X12_835 { .. }
                    | Command::EpcisExport { .. }
                    | Command::Escrow(EscrowCommand::Show { insurer: Some(_) })
                    | Command::Emergency(
                        EmergencyCommand::Show { .. } | EmergencyCommand::List { .. }
                    )
                    | Command::Record(RecordCommand::History { .. })
                    | Command::Recovery(RecoveryCommand::Show { .. })
            )
            || matches!(self, Command::EpcisImport { dry_run: true, .. })
    }
}

/// The latest `limit` audit entries, newest first: one patient's (`--patient`) or all.
fn latest_entries<L: ChainWrite>(
    l: &mut L,
    patient: Option<String>,
    limit: u32,
) -> Result<Vec<AuditEntry>, CliError> {
    Ok(match patient {
        Some(p) => view::patient_trail(l, patient_id(&p)?, 0, limit).items,
        None => {
            let count = view::audit_root(l).count;
            let mut items = view::audit_entries(l, count.saturating_sub(u64::from(limit)), limit);
            items.reverse();
            items
        }
    })
}

/// Run one command as the ledger's current actor. `parse_account` reads SS58 (or hex).
pub fn run<L: ChainWrite>(
    l: &mut L,
    command: Command,
    parse_account: AccountParser,
) -> Result<Output, CliError> {
    let account = |text: &str| parse_account(text).map_err(usage);
    match command {
        Command::Whoami => {
            let me = l.current_actor();
            let roles = view::effective_roles(l, me);
            ok(json!({"account": hex::encode(me), "name": l.name_of(&me),
                      "roles": roles.map(|r| Role::ALL.iter().filter(|x| r.contains(**x)).map(|x| format!("{x:?}")).collect::<Vec<_>>()),
                      "patient": view::patient_of(l, me).map(|p| hex::encode(p.0))}))
        }
        Command::OrgRegister {
            account: who,
            roles,
            credential_file,
            key: k,
        } => {
            let roles = RoleSet::of(&list(&Role::ALL, &roles, "role")?);
            let args = (
                account(&who)?,
                roles,
                file_digest(&credential_file)?,
                key(&k)?,
            );
            send(l, registry::REGISTER_ORGANISATION, args).map_err(refused)?;
            state_change(json!({"organisation": who}))
        }
        Command::OrgSuspend { account: who } => {
            send(l, registry::SUSPEND_ORGANISATION, account(&who)?).map_err(refused)?;
            state_change(json!({"suspended": who}))
        }
        Command::OrgRevoke { account: who } => {
            send(l, registry::REVOKE_ORGANISATION, account(&who)?).map_err(refused)?;
            state_change(json!({"revoked": who}))
        }
        Command::PatientRegister { key: k } => {
            let id = l.fresh_patient_id();
            let registration =
                send(l, registry::REGISTER_PATIENT, (id, key(&k)?)).map_err(refused)?;
            state_change(json!({"patient": hex::encode(id.0), "registration": registration}))
        }
        Command::Grant(g) => {
            let grantee = if g.grantee.eq_ignore_ascii_case("anyone") {
                Grantee::Anyone
            } else {
                Grantee::Account(account(&g.grantee)?)
            };
            let valid_from = match &g.from {
                Some(d) => date(d)?,
                None => l.now(),
            };
            let scope = GrantScope {
                categories: CategorySet::of(&list(
                    &DataCategory::ALL,
                    &g.categories,
                    "data category",
                )?),
                purposes: PurposeSet::of(&list(&Purpose::ALL, &g.purposes, "purpose")?),
                valid_from,
                valid_until: date(&g.until)?,
            };
            let effect = if g.deny { Effect::Deny } else { Effect::Permit };
            let id = send(
                l,
                consent::CREATE_GRANT,
                (patient_id(&g.patient)?, grantee, scope, effect),
            )
            .map_err(refused)?;
            state_change(json!({"grant": id}))
        }
        Command::Revoke { grant } => {
            send(l, consent::REVOKE_GRANT, grant).map_err(refused)?;
            state_change(json!({"revoked": grant}))
        }
        Command::Grants { patient } => {
            let id = patient_id(&patient)?;
            let now = l.now();
            let registered = view::patient(l, id);
            let page = view::patient_grants(l, id, 0, 100);
            ok(json!(page
                .items
                .iter()
                .map(|g| {
                    let mut row = grant_json(g, grant_status(g, registered.as_ref(), now));
                    // A deny wins where it covers: say which of the patient's deny rules limit
                    // an active permit.
                    let limited = limited_by(g, &page.items, registered.as_ref(), now);
                    if !limited.is_empty() {
                        row["limited by deny"] = json!(limited);
                    }
                    row
                })
                .collect::<Vec<_>>()))
        }
        Command::Check {
            patient,
            category,
            purpose,
        } => {
            let args = (
                patient_id(&patient)?,
                named(&DataCategory::ALL, &category, "data category")?,
                named(&Purpose::ALL, &purpose, "purpose")?,
            );
            let decision = send(l, access::CHECK_ACCESS, args).map_err(refused)?;
            let granted = decision.is_granted();
            Ok(Output {
                json: json!({"decision": outcome_json(decision.outcome), "auditEntry": decision.audit_seq}),
                exit: if granted { 0 } else { exit::NEGATIVE },
            })
        }
        Command::Trail { patient, limit } => {
            let entries = latest_entries(l, patient, limit)?;
            ok(json!(entries
                .iter()
                .map(|e| entry_json(l, e))
                .collect::<Vec<_>>()))
        }
        Command::AuditVerify => match audit::verify_deployed(l) {
            Ok(count) => ok(json!({"verified": true, "entries": count})),
            Err(e) => Ok(Output {
                json: json!({"verified": false, "error": format!("{e:?}")}),
                exit: exit::NEGATIVE,
            }),
        },
        Command::BatchRegister {
            gtin,
            lot,
            expiry,
            first_serial,
            last_serial,
            coa_file,
        } => {
            let gtin = gs1::parse_gtin(&gtin).map_err(usage)?;
            let quantity = last_serial
                .checked_sub(first_serial)
                .map(|n| n + 1)
                .ok_or_else(|| usage("last serial before first"))?;
            let args = (
                Gtin(gtin),
                LotNumber(lot.into_bytes()),
                expiry_from_date(date(&expiry)?),
                first_serial,
                last_serial,
                quantity,
                file_digest(&coa_file)?,
            );
            let id = send(l, provenance::REGISTER_BATCH, args).map_err(refused)?;
            state_change(json!({"batch": id}))
        }
        Command::Batch { id } => {
            let b = view::batch(l, id)
                .ok_or_else(|| CliError::new(exit::NEGATIVE, format!("no batch {id}")))?;
            ok(json!({
                "id": b.id, "gtin": gs1::gtin_text(b.gtin.0), "lot": String::from_utf8_lossy(&b.lot.0),
                "expiry": carechain_sdk::dates::date_of_expiry(b.expiry), "serials": format!("{}..={}", b.serial_first, b.serial_last),
                "status": format!("{:?}", b.status), "recallReason": b.recall_reason.map(|r| format!("{r:?}")),
                "inTransit": b.in_transit, "dispensed": b.dispensed, "destroyed": b.destroyed, "transfers": b.transfer_count,
                "manufacturer": l.name_of(&b.manufacturer),
            }))
        }
        Command::Ship {
            batch,
            to,
            quantity,
            document_file,
        } => {
            let index = send(
                l,
                provenance::SHIP,
                (batch, account(&to)?, quantity, file_digest(&document_file)?),
            )
            .map_err(refused)?;
            state_change(json!({"batch": batch, "transfer": index}))
        }
        Command::Accept { batch, transfer } => {
            send(l, provenance::ACCEPT, (batch, transfer)).map_err(refused)?;
            state_change(json!({"batch": batch, "accepted": transfer}))
        }
        Command::VerifyPack(pack) => {
            let pack = match pack.element_string {
                Some(text) => vrs::parse_element_string(&text).map_err(usage)?,
                None => vrs::PackId {
                    gtin: gs1::parse_gtin(
                        &pack
                            .gtin
                            .ok_or_else(|| usage("--gtin or --element-string"))?,
                    )
                    .map_err(usage)?,
                    serial: pack.serial.ok_or_else(|| usage("--serial"))?,
                    lot: pack.lot.ok_or_else(|| usage("--lot"))?,
                    expiry: pack
                        .expiry
                        .map(|e| date(&e).map(carechain_sdk::dates::format_date))
                        .transpose()?,
                },
            };
            let answer = vrs::verify(l, &pack);
            let verified = answer["responseCode"] == "VERIFIED";
            Ok(Output {
                json: answer,
                exit: if verified { 0 } else { exit::NEGATIVE },
            })
        }
        Command::Quarantine { batch, reason } => {
            send(
                l,
                provenance::QUARANTINE,
                (batch, named(&QUARANTINES, &reason, "quarantine reason")?),
            )
            .map_err(refused)?;
            state_change(json!({"quarantined": batch}))
        }
        Command::Recall { batch, reason } => {
            send(
                l,
                provenance::RECALL,
                (batch, named(&RECALLS, &reason, "recall reason")?),
            )
            .map_err(refused)?;
            state_change(json!({"recalled": batch}))
        }
        Command::PolicyCreate {
            patient,
            coverage,
            start,
            end,
            limit,
            deductible,
            coinsurance_bps,
        } => {
            let terms = PolicyTerms {
                coverage: CoverageSet::of(&list(&SERVICES, &coverage, "service category")?),
                period_start: date(&start)?,
                period_end: date(&end)?,
                annual_limit: limit,
                deductible,
                coinsurance_bps,
            };
            let id =
                send(l, claims::CREATE_POLICY, (patient_id(&patient)?, terms)).map_err(refused)?;
            state_change(json!({"policy": id}))
        }
        Command::ClaimSubmit(c) => {
            let key = std::fs::read(&c.service_key_file)
                .map_err(|e| usage(format!("{}: {e}", c.service_key_file.display())))?;
            let lines = claim_lines(&c.lines)?
                .iter()
                .map(|line| claim_line(&key, line))
                .collect::<Vec<_>>();
            let outcome = send(
                l,
                claims::SUBMIT_CLAIM,
                (c.policy, patient_id(&c.patient)?, c.record, lines),
            )
            .map_err(refused)?;
            match outcome {
                SubmitOutcome::Submitted(id) => state_change(json!({"claim": id})),
                other => Ok(Output {
                    json: json!({"ok": false, "outcome": format!("{other:?}")}),
                    exit: exit::NEGATIVE,
                }),
            }
        }
        Command::Adjudicate { claim, lines } => {
            let decisions = lines
                .iter()
                .map(|t| line_decision(t))
                .collect::<Result<Vec<_>, _>>()?;
            let status = send(l, claims::ADJUDICATE, (claim, decisions)).map_err(refused)?;
            state_change(json!({"claim": claim, "status": format!("{status:?}")}))
        }
        Command::ClaimCheck {
            claim,
            lines,
            service_key_file,
        } => {
            let key = std::fs::read(&service_key_file)
                .map_err(|e| usage(format!("{}: {e}", service_key_file.display())))?;
            let c = view::claim(l, claim)
                .ok_or_else(|| CliError::new(exit::NEGATIVE, format!("no claim {claim}")))?;
            let sent = claim_lines(&lines)?;
            if sent.len() != c.lines.len() {
                return Err(invalid(format!(
                    "claim {claim} has {} lines, the file {}",
                    c.lines.len(),
                    sent.len()
                )));
            }
            let mut all_good = true;
            let mut rows = Vec::new();
            for (n, (stored, line)) in c.lines.iter().zip(&sent).enumerate() {
                let service_matches = stored.service_ref
                    == carechain_sdk::claims::service_ref(&key, &line.code, &line.date)
                    && stored.billed == line.billed;
                let pack = match (stored.pack, line.pack) {
                    (None, None) => None,
                    (Some(commitment), Some((batch, serial))) => {
                        Some(check_pack(l, &key, c.provider, commitment, batch, serial))
                    }
                    _ => Some(PackCheck::CommitmentMismatch),
                };
                let denial = if !service_matches {
                    Some(DenialReason::MissingInformation)
                } else {
                    pack.and_then(PackCheck::denial)
                };
                all_good &= denial.is_none();
                rows.push(json!({
                    "line": n,
                    "code": line.code,
                    "service": if service_matches { "matches" } else { "differs from the claim on chain" },
                    "pack": pack.map(|p| format!("{p:?}")),
                    "deny": denial.map(|d| format!("{d:?} (CARC {})", d.carc())),
                }));
            }
            Ok(Output {
                json: json!(rows),
                exit: if all_good { 0 } else { exit::NEGATIVE },
            })
        }
        Command::Settle { claim } => {
            let paid = send(l, claims::SETTLE, claim).map_err(refused)?;
            state_change(json!({"claim": claim, "paid": paid.to_string()}))
        }
        Command::RotateKey { key: k, patient } => {
            let new_key = key(&k)?;
            match patient {
                Some(p) => {
                    let p = patient_id(&p)?;
                    send(l, registry::ROTATE_KEY, (p, new_key)).map_err(refused)?;
                    state_change(json!({"patient": hex::encode(p.0), "key": k}))
                }
                None => {
                    send(l, registry::ROTATE_ORGANISATION_KEY, new_key).map_err(refused)?;
                    let me = l.current_actor();
                    state_change(json!({"organisation": l.name_of(&me), "key": k}))
                }
            }
        }
        Command::Recovery(command) => recovery(l, command, &account),
        Command::Escrow(command) => escrow(l, command, &account),
        Command::Record(command) => record(l, command, &account),
        Command::VaultKey { .. } | Command::Keys(_) => Err(usage("this command runs offline")),
        Command::Transfer { .. } => Err(usage("transfer runs on a node (the binary)")),
        Command::Emergency(command) => emergency(l, command),
        Command::Claim { id } => {
            let c = view::claim(l, id)
                .ok_or_else(|| CliError::new(exit::NEGATIVE, format!("no claim {id}")))?;
            ok(claim_json(&c))
        }
        Command::Fhir(FhirCommand::Consent { patient }) => {
            let id = patient_id(&patient)?;
            let now = l.now();
            let registered = view::patient(l, id);
            let page = view::patient_grants(l, id, 0, 100);
            ok(bundle(
                page.items
                    .iter()
                    .map(|g| fhir::consent(g, grant_status(g, registered.as_ref(), now)))
                    .collect(),
            ))
        }
        Command::Fhir(FhirCommand::Claim { id, currency }) => {
            let c = view::claim(l, id)
                .ok_or_else(|| CliError::new(exit::NEGATIVE, format!("no claim {id}")))?;
            let policy = view::policy(l, c.policy)
                .ok_or_else(|| CliError::new(exit::NEGATIVE, format!("no policy {}", c.policy)))?;
            ok(bundle(vec![
                fhir::claim(&c, &policy, &currency),
                fhir::claim_response(&c, &currency),
                fhir::explanation_of_benefit(&c, &policy, &currency),
            ]))
        }
        Command::Fhir(FhirCommand::Audit { patient, limit }) => {
            let entries = latest_entries(l, patient, limit)?;
            ok(bundle(entries.iter().map(fhir::audit_event).collect()))
        }
        Command::X12_835 {
            claims: ids,
            parties,
            control,
        } => {
            let p = read_json(&parties)?;
            let field = |k: &str| {
                p[k].as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| usage(format!("{}: no {k}", parties.display())))
            };
            let parties = x12::Parties {
                payer_name: field("payer_name")?,
                payer_id: field("payer_id")?,
                payer_company_id: field("payer_company_id")?,
                payer_address: (
                    field("payer_street")?,
                    field("payer_city")?,
                    field("payer_state")?,
                    field("payer_zip")?,
                ),
                payer_contact_phone: field("payer_phone")?,
                payee_name: field("payee_name")?,
                payee_id: field("payee_id")?,
                payee_npi: field("payee_npi")?,
            };
            let mut found = Vec::new();
            for id in ids {
                found.push(
                    view::claim(l, id)
                        .ok_or_else(|| CliError::new(exit::NEGATIVE, format!("no claim {id}")))?,
                );
            }
            let now = l.now();
            let text = x12::remittance(&found, &parties, control, now).map_err(usage)?;
            ok(json!({"x12": text}))
        }
        Command::EpcisImport {
            document,
            master_data,
            dry_run,
        } => {
            let doc = read_json(&document)?;
            let md_text = std::fs::read_to_string(&master_data)
                .map_err(|e| usage(format!("{}: {e}", master_data.display())))?;
            let md = epcis::MasterData::parse(&md_text, parse_account).map_err(usage)?;
            let planned = epcis::plan(l, &doc, &md).map_err(|errors| {
                CliError::new(
                    exit::INVALID_DOCUMENT,
                    format!(
                        "nothing applied; the document has {} problem(s):\n  {}",
                        errors.len(),
                        errors.join("\n  ")
                    ),
                )
            })?;
            if dry_run {
                return ok(json!({"valid": true, "events": planned.len(),
                                 "plan": planned.iter().map(|p| json!({"index": p.index, "bizStep": p.biz_step, "actor": l.name_of(&p.actor)})).collect::<Vec<_>>()}));
            }
            let applied = epcis::apply(l, &planned);
            let all = applied.len() == planned.len() && applied.iter().all(|a| a.error.is_none());
            Ok(Output {
                json: json!({"applied": applied.iter().filter(|a| a.error.is_none()).count(), "events": planned.len(),
                             "report": applied.iter().map(epcis::Applied::to_json).collect::<Vec<_>>()}),
                exit: if all { 0 } else { exit::REFUSED },
            })
        }
        Command::Credential(c) => credential(l, c, parse_account),
        Command::EpcisExport { batch, master_data } => {
            let md = match master_data {
                Some(path) => {
                    let text = std::fs::read_to_string(&path)
                        .map_err(|e| usage(format!("{}: {e}", path.display())))?;
                    epcis::MasterData::parse(&text, parse_account).map_err(usage)?
                }
                None => epcis::MasterData::default(),
            };
            epcis::export(l, batch, &md)
                .map(|doc| Output { json: doc, exit: 0 })
                .map_err(|e| CliError::new(exit::NEGATIVE, e))
        }
    }
}

fn escrow<L: ChainWrite>(
    l: &mut L,
    command: EscrowCommand,
    account: &dyn Fn(&str) -> Result<AccountId, CliError>,
) -> Result<Output, CliError> {
    let me = l.current_actor();
    match command {
        EscrowCommand::Deposit { amount } => {
            send_with_value(l, claims::DEPOSIT, (), amount).map_err(refused)?;
            let now = view::escrow(l, me);
            state_change(
                json!({"deposited": amount.to_string(), "escrow": escrow_json(l, me, &now)}),
            )
        }
        EscrowCommand::Withdraw { amount } => {
            send(l, claims::WITHDRAW, amount).map_err(refused)?;
            let now = view::escrow(l, me);
            state_change(
                json!({"withdrawn": amount.to_string(), "escrow": escrow_json(l, me, &now)}),
            )
        }
        EscrowCommand::Show { insurer } => {
            let insurer = match insurer {
                Some(text) => account(&text)?,
                None => me,
            };
            let held = view::escrow(l, insurer);
            ok(escrow_json(l, insurer, &held))
        }
    }
}

fn recovery<L: ChainWrite>(
    l: &mut L,
    command: RecoveryCommand,
    account: &dyn Fn(&str) -> Result<AccountId, CliError>,
) -> Result<Output, CliError> {
    match command {
        RecoveryCommand::Guardians {
            patient,
            guardians,
            threshold,
        } => {
            let p = patient_id(&patient)?;
            let accounts = guardians
                .iter()
                .map(|g| account(g))
                .collect::<Result<Vec<_>, _>>()?;
            send(l, registry::SET_GUARDIANS, (p, accounts.clone(), threshold)).map_err(refused)?;
            let names: Vec<String> = accounts.iter().map(|a| l.name_of(a)).collect();
            state_change(json!({"patient": patient, "guardians": names, "threshold": threshold}))
        }
        RecoveryCommand::Approve { patient, candidate } => {
            let p = patient_id(&patient)?;
            let to = account(&candidate)?;
            let approvals = send(l, registry::APPROVE_RECOVERY, (p, to)).map_err(refused)?;
            state_change(
                json!({"patient": patient, "candidate": l.name_of(&to), "approvals": approvals}),
            )
        }
        RecoveryCommand::Complete { patient, key: k } => {
            let p = patient_id(&patient)?;
            send(l, registry::COMPLETE_RECOVERY, (p, key(&k)?)).map_err(refused)?;
            let me = l.current_actor();
            state_change(json!({"patient": patient, "controller": l.name_of(&me), "key": k}))
        }
        RecoveryCommand::Cancel { patient } => {
            let p = patient_id(&patient)?;
            send(l, registry::CANCEL_RECOVERY, p).map_err(refused)?;
            state_change(json!({"patient": patient, "cancelled": true}))
        }
        RecoveryCommand::Show { patient } => {
            let p = patient_id(&patient)?;
            let Some(r) = view::recovery(l, p) else {
                return Ok(Output {
                    json: json!({"patient": patient, "recovery": null}),
                    exit: exit::NEGATIVE,
                });
            };
            let candidates: Vec<Value> = r
                .candidates
                .iter()
                .map(|(who, bits)| json!({"candidate": l.name_of(who), "approvals": bits.count_ones()}))
                .collect();
            ok(json!({
                "patient": patient,
                "started": carechain_sdk::dates::format_time(r.started_at),
                "candidates": candidates,
                "chosen": r.chosen.map(|(who, _)| l.name_of(&who)),
            }))
        }
    }
}

fn vault_secret(
    path: Option<PathBuf>,
    from_keystore: VaultSecret,
) -> Result<std::sync::Arc<SecretKey>, CliError> {
    if let Some(path) = path {
        let text = read_text(&path)?;
        return SecretKey::from_hex(text.trim())
            .map(std::sync::Arc::new)
            .map_err(|_| {
                usage(format!(
                    "{}: not a vault key (32 bytes hex)",
                    path.display()
                ))
            });
    }
    from_keystore
        .0
        .ok_or_else(|| usage("give --vault-key-file, or sign with --identity NAME (its vault key)"))
}

/// A gateway's refusal is a negative answer (exit 5, its reason code kept); anything else
/// (unreachable, a client-side check) is a failure.
fn gateway_failure(why: String) -> CliError {
    if why.starts_with("403 ") || why.starts_with("404 ") {
        CliError::new(exit::NEGATIVE, format!("the gateway refused: {why}"))
    } else if why.starts_with("0 unreachable") {
        CliError::new(exit::SETUP, format!("no gateway answers: {why}"))
    } else {
        refused(why)
    }
}

fn record_json(l: &impl ChainWrite, m: &RecordMeta) -> Value {
    json!({
        "record": m.id,
        "version": m.version,
        "category": format!("{:?}", m.category),
        "author": l.name_of(&m.author),
        "ciphertext sha256": hex::encode(m.content_hash.0),
        "created": carechain_sdk::dates::format_time(m.created_at),
        "amends": m.amends,
        "superseded by": m.superseded_by,
    })
}

/// The longest amendment chain `record history` walks.
const MAX_HISTORY: u32 = 256;

fn record<L: ChainWrite>(
    l: &mut L,
    command: RecordCommand,
    account: &dyn Fn(&str) -> Result<AccountId, CliError>,
) -> Result<Output, CliError> {
    let me = l.current_actor();
    match command {
        RecordCommand::Put {
            file,
            patient,
            category,
            purpose,
            pending,
            gateway,
        } => {
            let patient = patient_id(&patient)?;
            let category = named(&DataCategory::ALL, &category, "data category")?;
            let purpose = named(&Purpose::ALL, &purpose, "purpose")?;
            let plaintext =
                std::fs::read(&file).map_err(|e| usage(format!("{}: {e}", file.display())))?;
            let gateway = gateway.client();
            let id = carechain_sdk::new_record_id(l);
            let sealed =
                records::seal(l, &gateway.id, patient, id, 1, &plaintext).map_err(refused)?;
            // Kept before the anchor: whatever happens after it, the upload can be completed.
            let kept = records::Pending::at(&pending);
            let own_key = records::organisation_key(l, me).map_err(refused)?;
            kept.keep(id, &sealed, &own_key)
                .map_err(|e| CliError::new(exit::SETUP, e))?;
            let write = send(
                l,
                consent::ADD_RECORD,
                (
                    id,
                    patient,
                    category,
                    purpose,
                    sealed.content_hash,
                    sealed.locator.clone(),
                ),
            )
            .map_err(|e| {
                refused(format!(
                    "{e} (if record {id} was anchored nonetheless, `carechain record resume {id}` \
                     completes its upload)"
                ))
            })?;
            let Some(record) = write.record else {
                kept.done(id);
                return Ok(Output {
                    json: json!({"written": false, "decision": outcome_json(write.decision.outcome), "auditEntry": write.decision.audit_seq}),
                    exit: exit::NEGATIVE,
                });
            };
            records::upload(&gateway, l, me, record, &sealed).map_err(|e| {
                gateway_failure(format!(
                    "{e} (record {record} is anchored; its upload did not complete: \
                     `carechain record resume {record}` completes it)"
                ))
            })?;
            kept.done(record);
            state_change(json!({
                "record": record,
                "version": sealed.version,
                "bytes": plaintext.len(),
                "ciphertext sha256": hex::encode(sealed.content_hash.0),
                "auditEntry": write.decision.audit_seq,
            }))
        }
        RecordCommand::Get {
            id,
            version,
            out,
            purpose,
            vault_key_file,
            vault,
            gateway,
        } => {
            let secret = vault_secret(vault_key_file, vault)?;
            let id = match version {
                None => id,
                Some(n) => {
                    let versions = versions_of(l, id)?;
                    versions
                        .get((n as usize).wrapping_sub(1))
                        .map(|m| m.id)
                        .ok_or_else(|| {
                            CliError::new(
                                exit::NEGATIVE,
                                format!(
                                    "record {id} has versions 1 to {}, not {n}",
                                    versions.len()
                                ),
                            )
                        })?
                }
            };
            let purpose = named(&Purpose::ALL, &purpose, "purpose")?;
            let read = send(l, access::ACCESS_RECORD, (id, purpose)).map_err(refused)?;
            if !read.decision.is_granted() {
                return Ok(Output {
                    json: json!({"read": false, "decision": outcome_json(read.decision.outcome), "auditEntry": read.decision.audit_seq}),
                    exit: exit::NEGATIVE,
                });
            }
            let entry = read.decision.audit_seq;
            let plaintext = records::fetch(&gateway.client(), l, me, &secret, id, entry)
                .map_err(gateway_failure)?;
            write_private_bytes(&out, &plaintext)?;
            state_change(json!({
                "record": id,
                "bytes": plaintext.len(),
                "out": out.display().to_string(),
                "auditEntry": entry,
            }))
        }
        RecordCommand::Share {
            id,
            with,
            vault_key_file,
            vault,
            gateway,
        } => {
            let secret = vault_secret(vault_key_file, vault)?;
            let grantee = account(&with)?;
            let own = send(l, access::ACCESS_RECORD, (id, Purpose::Treatment)).map_err(refused)?;
            if !own.decision.is_granted() {
                return Ok(Output {
                    json: json!({"shared": false, "decision": outcome_json(own.decision.outcome), "auditEntry": own.decision.audit_seq}),
                    exit: exit::NEGATIVE,
                });
            }
            share_with(
                &gateway.client(),
                l,
                me,
                &secret,
                id,
                own.decision.audit_seq,
                grantee,
            )
            .map_err(gateway_failure)?;
            state_change(
                json!({"record": id, "sharedWith": l.name_of(&grantee), "auditEntry": own.decision.audit_seq}),
            )
        }
        RecordCommand::History { id } => {
            let versions = versions_of(l, id)?;
            ok(json!(versions
                .iter()
                .map(|m| record_json(l, m))
                .collect::<Vec<_>>()))
        }
        RecordCommand::Resume {
            id,
            pending,
            vault_key_file,
            vault,
            gateway,
        } => {
            let secret = vault_secret(vault_key_file, vault)?;
            let kept = records::Pending::at(&pending);
            let sealed = kept
                .load(l, id, &secret)
                .map_err(|e| CliError::new(exit::NEGATIVE, e))?;
            if view::record_meta(l, id).map(|m| m.author) != Some(me) {
                return Err(refused(format!("record {id} is not yours to upload")));
            }
            records::upload(&gateway.client(), l, me, id, &sealed).map_err(gateway_failure)?;
            kept.done(id);
            state_change(json!({
                "record": id,
                "version": sealed.version,
                "ciphertext sha256": hex::encode(sealed.content_hash.0),
                "completed": true,
            }))
        }
        RecordCommand::Rewrap {
            id,
            for_whom,
            vault_key_file,
            vault,
            gateway,
        } => {
            let meta = view::record_meta(l, id)
                .ok_or_else(|| CliError::new(exit::NEGATIVE, format!("no record {id}")))?;
            let patient = view::patient(l, meta.patient)
                .ok_or_else(|| refused(format!("record {id}'s patient is not registered")))?;
            let secret = vault_secret(vault_key_file, vault)?;
            let (from, to) = match for_whom {
                // My former key's slot, for my registered key: an organisation's, or (the
                // patient's side) the patient's.
                RewrapFor::Me => {
                    let to = match view::organisation(l, me) {
                        Some(o) => o.key.0,
                        None => patient.key.0,
                    };
                    (Some(key_slot(&secret.public().0)), to)
                }
                RewrapFor::Patient => (None, patient.key.0),
            };
            if for_whom == RewrapFor::Me && secret.public().0 == to {
                return Err(usage(
                    "that key is your registered key already: --for me re-wraps from a former key \
                     (`carechain keys rotate`, then `carechain rotate-key`)",
                ));
            }
            let own = send(l, access::ACCESS_RECORD, (id, Purpose::Treatment)).map_err(refused)?;
            if !own.decision.is_granted() {
                return Ok(Output {
                    json: json!({"rewrapped": false, "decision": outcome_json(own.decision.outcome), "auditEntry": own.decision.audit_seq}),
                    exit: exit::NEGATIVE,
                });
            }
            let entry = own.decision.audit_seq;
            rewrap(
                &gateway.client(),
                l,
                me,
                &secret,
                id,
                entry,
                from.as_deref(),
                &PublicKey(to),
            )
            .map_err(gateway_failure)?;
            state_change(json!({"record": id, "for": key_slot(&to), "auditEntry": entry}))
        }
    }
}

/// Every version of the record `id` belongs to, oldest first: back to the original, then
/// forward (a bounded walk: versions count up by one per amendment).
fn versions_of<L: ChainWrite>(l: &mut L, id: RecordId) -> Result<Vec<RecordMeta>, CliError> {
    let mut meta = view::record_meta(l, id)
        .ok_or_else(|| CliError::new(exit::NEGATIVE, format!("no record {id}")))?;
    let mut steps = 0;
    while let Some(earlier) = meta.amends {
        steps += 1;
        if steps > MAX_HISTORY {
            return Err(refused(format!(
                "record {id} has more than {MAX_HISTORY} versions"
            )));
        }
        meta = view::record_meta(l, earlier)
            .ok_or_else(|| refused(format!("version {earlier} is missing")))?;
    }
    let mut versions = vec![meta];
    while let Some(later) = meta.superseded_by {
        if versions.len() as u32 > MAX_HISTORY {
            return Err(refused(format!(
                "record {id} has more than {MAX_HISTORY} versions"
            )));
        }
        meta = view::record_meta(l, later)
            .ok_or_else(|| refused(format!("version {later} is missing")))?;
        versions.push(meta);
    }
    Ok(versions)
}

fn emergency<L: ChainWrite>(l: &mut L, command: EmergencyCommand) -> Result<Output, CliError> {
    match command {
        EmergencyCommand::Open { patient, reason } => {
            let args = (
                patient_id(&patient)?,
                named(&EMERGENCY_REASONS, &reason, "break-glass reason")?,
            );
            match send(l, consent::BREAK_GLASS, args).map_err(refused)? {
                BreakGlass::Opened(id) => {
                    let now = l.now();
                    let session = view::emergency(l, id)
                        .ok_or_else(|| refused(format!("session {id} is not on chain")))?;
                    state_change(emergency_json(l, &session, now))
                }
                BreakGlass::Refused(decision) => Ok(Output {
                    json: json!({"opened": false, "decision": outcome_json(decision.outcome), "auditEntry": decision.audit_seq}),
                    exit: exit::NEGATIVE,
                }),
            }
        }
        EmergencyCommand::Close { id } => {
            send(l, consent::CLOSE_EMERGENCY, id).map_err(refused)?;
            state_change(json!({"closed": id}))
        }
        EmergencyCommand::Review { id, findings } => {
            let findings = file_digest(&findings)?;
            send(l, consent::REVIEW_EMERGENCY, (id, findings)).map_err(refused)?;
            state_change(json!({"reviewed": id, "findings": hex::encode(findings.0)}))
        }
        EmergencyCommand::Show { id } => {
            let now = l.now();
            let session = view::emergency(l, id).ok_or_else(|| {
                CliError::new(exit::NEGATIVE, format!("no emergency session {id}"))
            })?;
            ok(emergency_json(l, &session, now))
        }
        EmergencyCommand::List { patient } => {
            let id = patient_id(&patient)?;
            let now = l.now();
            let page = view::patient_emergencies(l, id, 0, 100);
            ok(json!(page
                .items
                .iter()
                .map(|e| emergency_json(l, e, now))
                .collect::<Vec<_>>()))
        }
    }
}

fn write_private(path: &PathBuf, text: &str) -> Result<(), CliError> {
    write_private_bytes(path, text.as_bytes())
}

/// Write `bytes` to `path` readable by its owner only, whole or not at all: into a sibling
/// temporary file, flushed, then renamed over `path`.
fn write_private_bytes(path: &PathBuf, bytes: &[u8]) -> Result<(), CliError> {
    use std::io::Write;
    #[cfg(unix)]
    use std::os::unix::fs::OpenOptionsExt;
    let name = path
        .file_name()
        .ok_or_else(|| usage(format!("{}: not a file name", path.display())))?;
    let partial = path.with_file_name(format!(
        ".{}.partial-{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    options.mode(0o600);
    let written = options
        .open(&partial)
        .and_then(|mut f| f.write_all(bytes).and_then(|()| f.sync_all()))
        .and_then(|()| std::fs::rename(&partial, path));
    written.map_err(|e| {
        let _ = std::fs::remove_file(&partial);
        usage(format!("{}: {e}", path.display()))
    })
}

fn read_text(path: &PathBuf) -> Result<String, CliError> {
    std::fs::read_to_string(path).map_err(|e| usage(format!("{}: {e}", path.display())))
}

fn wallet(path: &PathBuf) -> Result<creds::Wallet, CliError> {
    creds::Wallet::from_json(&read_json(path)?)
        .map_err(|e| CliError::new(exit::INVALID_DOCUMENT, e))
}

/// The commands that need no chain.
fn identity_json(i: &Identity) -> Value {
    json!({"name": i.name, "account": carechain_backend_node::ss58(&i.account), "vaultPublicKey": hex::encode(i.vault_public)})
}

/// The keystore's commands. `password(confirm)` asks for the password (never an argument).
pub fn run_keys(
    keys: &Keystore,
    command: KeysCommand,
    password: &dyn Fn(bool) -> Result<Zeroizing<String>, String>,
) -> Result<Output, CliError> {
    let setup = |e: String| CliError::new(exit::SETUP, e);
    match command {
        KeysCommand::New { name } => {
            let password = password(true).map_err(setup)?;
            let made = keys.create(&name, &password).map_err(usage)?;
            state_change(identity_json(&made))
        }
        KeysCommand::Import { name, file } => {
            let text = read_text(&file)?;
            let password = password(false).map_err(setup)?;
            let made = keys.import(&name, &text, &password).map_err(usage)?;
            state_change(identity_json(&made))
        }
        KeysCommand::Rotate { name } => {
            let password = password(false).map_err(setup)?;
            let rotated = keys.rotate_vault(&name, &password).map_err(setup)?;
            state_change(identity_json(&rotated))
        }
        KeysCommand::List => ok(json!(keys
            .list()
            .map_err(setup)?
            .iter()
            .map(identity_json)
            .collect::<Vec<_>>())),
        KeysCommand::Show { name } | KeysCommand::ExportPublic { name } => {
            ok(identity_json(&keys.show(&name).map_err(usage)?))
        }
    }
}

/// A command that needs no chain ([`Command::offline`]).
pub fn run_without_chain(command: Command) -> Result<Output, CliError> {
    match command {
        Command::VaultKey { out } => {
            let secret = SecretKey::generate().map_err(|e| refused(e.to_string()))?;
            write_private(&out, &secret.to_hex())?;
            ok(
                json!({"vaultPublicKey": hex::encode(secret.public().0), "secretKeyFile": out.display().to_string()}),
            )
        }
        Command::Credential(command) => run_offline(command),
        Command::Keys(_) => Err(usage("the keys commands run with a keystore (run_keys)")),
        _ => Err(usage("this command needs a chain")),
    }
}

pub fn run_offline(command: CredentialCommand) -> Result<Output, CliError> {
    match command {
        CredentialCommand::HolderKey { out } => {
            let key = creds::HolderKey::random();
            write_private(&out, &key.secret_hex())?;
            ok(
                json!({"holderPublicKey": hex::encode(key.public()), "secretKeyFile": out.display().to_string()}),
            )
        }
        CredentialCommand::Build {
            immunization,
            holder,
            extra,
            out,
        } => {
            let holder: [u8; 33] = hex::decode(&holder)
                .ok()
                .and_then(|b| b.try_into().ok())
                .ok_or_else(|| usage("--holder: a compressed public key, 33 bytes hex"))?;
            let extra = extra
                .iter()
                .map(|e| {
                    e.split_once('=')
                        .map(|(n, v)| creds::Claim::new(n, v))
                        .ok_or_else(|| usage(format!("{e:?}: name=value")))
                })
                .collect::<Result<Vec<_>, _>>()?;
            let claims = creds::claims_from_immunization(&read_json(&immunization)?, &extra)
                .map_err(|e| CliError::new(exit::INVALID_DOCUMENT, format!("{e:?}")))?;
            let wallet = creds::build(&claims, &holder).map_err(|e| usage(format!("{e:?}")))?;
            write_private(
                &out,
                &serde_json::to_string_pretty(&wallet.to_json()).unwrap_or_default(),
            )?;
            ok(
                json!({"root": hex::encode(wallet.root.0), "depth": wallet.depth,
                      "claims": claims.iter().map(|c| c.name.clone()).collect::<Vec<_>>(), "wallet": out.display().to_string()}),
            )
        }
        _ => Err(usage("this command needs a chain")),
    }
}

fn credential<L: ChainWrite>(
    l: &mut L,
    command: CredentialCommand,
    parse: AccountParser,
) -> Result<Output, CliError> {
    use carechain_sdk::msg::credentials as c;
    let anchor = |l: &mut L, id| {
        view::credential(l, id)
            .ok_or_else(|| CliError::new(exit::NEGATIVE, format!("no credential {id}")))
    };
    match command {
        CredentialCommand::HolderKey { .. } | CredentialCommand::Build { .. } => {
            run_offline(command)
        }
        CredentialCommand::Issue {
            wallet: path,
            batch,
            serial,
        } => {
            let w = wallet(&path)?;
            let id =
                send(l, c::ISSUE, (w.root, w.depth, DrugRef { batch, serial })).map_err(refused)?;
            state_change(json!({"credential": id}))
        }
        CredentialCommand::Present {
            wallet: path,
            holder_key_file,
            credential,
            challenge,
            verifier,
            claims,
            out,
        } => {
            let verifier = parse(&verifier).map_err(usage)?;
            let w = wallet(&path)?;
            let key =
                creds::HolderKey::from_secret_hex(&read_text(&holder_key_file)?).map_err(usage)?;
            let challenge = Digest(hex32(&challenge, "challenge")?);
            let names: Vec<&str> = claims.split(',').filter(|n| !n.is_empty()).collect();
            let contract = l.address(carechain_sdk::Contract::Credentials);
            let p = w
                .present(&names, &key, &contract, credential, &verifier, &challenge)
                .map_err(usage)?;
            // A presentation holds claims in the clear: written like a key (mode 0600).
            write_private(
                &out,
                &serde_json::to_string_pretty(&p.to_json()).unwrap_or_default(),
            )?;
            ok(
                json!({"shown": p.claims.iter().map(|r| String::from_utf8_lossy(&r.name).into_owned()).collect::<Vec<_>>(),
                      "presentation": out.display().to_string()}),
            )
        }
        CredentialCommand::Verify {
            presentation,
            verifier,
            log,
        } => {
            let p = creds::Presentation::from_json(&read_json(&presentation)?)
                .map_err(|e| CliError::new(exit::INVALID_DOCUMENT, e))?;
            let verifier = match verifier {
                Some(text) => parse(&text).map_err(usage)?,
                None => l.current_actor(),
            };
            let standing = creds::Standing::read(l, p.credential).ok_or_else(|| {
                CliError::new(exit::NEGATIVE, format!("no credential {}", p.credential))
            })?;
            let contract = l.address(carechain_sdk::Contract::Credentials);
            let offchain = creds::verify_offchain(&standing, &contract, &verifier, &p);
            let shown: Vec<Value> = p
                .claims
                .iter()
                .map(|c| json!({"name": String::from_utf8_lossy(&c.name), "value": String::from_utf8_lossy(&c.value)}))
                .collect();
            let mut answer = json!({"credential": p.credential, "verdict": format!("{offchain:?}"), "shown": shown});
            let mut verdict = offchain;
            if log {
                // On chain: the leaf hashes only (call arguments are public forever).
                let result = send(l, c::VERIFY_PRESENTATION, p.call_args()).map_err(refused)?;
                answer["onChainVerdict"] = json!(format!("{:?}", result.verdict));
                answer["auditEntry"] = json!(result.audit_seq);
                verdict = result.verdict;
            }
            Ok(Output {
                json: answer,
                exit: if verdict == PresentationVerdict::Valid {
                    0
                } else {
                    exit::NEGATIVE
                },
            })
        }
        CredentialCommand::Show { id } => {
            let a = anchor(l, id)?;
            ok(
                json!({"id": a.id, "issuer": l.name_of(&a.issuer), "root": hex::encode(a.root.0), "depth": a.depth,
                      "dose": format!("batch {} serial {}", a.dose.batch, a.dose.serial), "status": format!("{:?}", a.status),
                      "issued": carechain_sdk::dates::format_time(a.issued_at)}),
            )
        }
        CredentialCommand::Suspend { id } => {
            send(l, c::SUSPEND, id).map_err(refused)?;
            state_change(json!({"suspended": id}))
        }
        CredentialCommand::Revoke { id } => {
            send(l, c::REVOKE, id).map_err(refused)?;
            state_change(json!({"revoked": id}))
        }
        CredentialCommand::Reinstate { id } => {
            send(l, c::REINSTATE, id).map_err(refused)?;
            state_change(json!({"reinstated": id}))
        }
    }
}

/// A table for people: objects as `key  value` lines, lists of objects as columns.
pub fn render(value: &Value) -> String {
    fn cell(v: &Value) -> String {
        match v {
            Value::String(s) => s.clone(),
            Value::Null => "-".into(),
            Value::Array(items) => items.iter().map(cell).collect::<Vec<_>>().join(", "),
            other => other.to_string(),
        }
    }
    match value {
        Value::Object(map) if map.contains_key("x12") => cell(&map["x12"]),
        Value::Object(map) if map.contains_key("resourceType") || map.contains_key("epcisBody") => {
            serde_json::to_string_pretty(value).unwrap_or_default()
        }
        Value::Object(map) => {
            let width = map.keys().map(String::len).max().unwrap_or(0);
            map.iter()
                .map(|(k, v)| match v {
                    Value::Object(_) | Value::Array(_)
                        if v.as_array().is_none_or(|a| a.iter().any(|i| i.is_object())) =>
                    {
                        format!("{k:width$}  {}", render(v).replace('\n', "\n    "))
                    }
                    _ => format!("{k:width$}  {}", cell(v)),
                })
                .collect::<Vec<_>>()
                .join("\n")
        }
        Value::Array(rows) if rows.iter().all(Value::is_object) && !rows.is_empty() => {
            let mut columns: Vec<String> = Vec::new();
            for row in rows {
                for k in row.as_object().into_iter().flat_map(|o| o.keys()) {
                    if !columns.contains(k) {
                        columns.push(k.clone());
                    }
                }
            }
            let cells: Vec<Vec<String>> = rows
                .iter()
                .map(|r| columns.iter().map(|c| cell(&r[c])).collect())
                .collect();
            let widths: Vec<usize> = columns
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    cells
                        .iter()
                        .map(|r| r[i].len())
                        .max()
                        .unwrap_or(0)
                        .max(c.len())
                })
                .collect();
            let line = |items: Vec<&str>| {
                items
                    .iter()
                    .zip(&widths)
                    .map(|(s, w)| format!("{s:w$}"))
                    .collect::<Vec<_>>()
                    .join("  ")
                    .trim_end()
                    .to_owned()
            };
            let mut out = vec![line(columns.iter().map(String::as_str).collect())];
            out.extend(
                cells
                    .iter()
                    .map(|r| line(r.iter().map(String::as_str).collect())),
            );
            out.join("\n")
        }
        Value::Array(rows) if rows.is_empty() => "(none)".into(),
        other => cell(other),
    }
}
