//! Cross-contract faults: when a callee refuses (its own `Err`), does not understand the call
//! (`LangError`: the address holds another contract), traps (panics), or tries to re-enter its
//! caller, the caller refuses with `Error::Downstream(callee, how)` and nothing changes.
//! The failing callee is `tests/faulty`, a test double implementing every trait of the suite.

use carechain_tests::common::*;
use carechain_tests::Ledger;
use carechain_tests::{digest, Chain, Contract, Suite};
use ink::primitives::AccountId;
use scale::Encode;

/// `faulty::Mode`, by variant index.
#[derive(Clone, Copy, Encode)]
enum Mode {
    Refuse,
    Trap,
    Reenter,
}

fn faulty(chain: &mut Chain, mode: Mode) -> AccountId {
    let admin = chain.admin();
    chain.set_actor(admin);
    chain
        .instantiate("faulty", "new", mode)
        .expect("deploy the faulty callee")
}

/// Registry and audit log, the real ones.
fn core() -> Chain {
    let mut chain = Chain::new();
    chain.deploy(Contract::Registry, "new", ());
    chain.deploy(Contract::AuditLog, "new", ());
    chain
}

fn downstream(callee: Callee, how: CallFailure) -> Error {
    Error::Downstream(callee, how)
}

/// Consent wired to `registry` and `audit`; a hospital with a treatment grant on lab data of a
/// patient when the real registry and log are used.
fn consent_with(
    mut chain: Chain,
    registry: Option<AccountId>,
    audit: Option<AccountId>,
) -> (Suite, AccountId, PatientId) {
    let real_registry = chain.address(Contract::Registry);
    let real_audit = chain.address(Contract::AuditLog);
    let consent = chain.deploy(
        Contract::Consent,
        "new",
        (
            registry.unwrap_or(real_registry),
            audit.unwrap_or(real_audit),
        ),
    );
    chain
        .tx::<()>(Contract::AuditLog, "add_writer", consent)
        .unwrap();
    let mut s = Suite::from_chain(chain);
    let hospital = s.organisation("hospital", &[Role::Provider]);
    let (_, patient) = s.patient("alice");
    s.set_actor(hospital);
    (s, hospital, patient)
}

fn check(s: &mut Suite, patient: PatientId, expected: Error) {
    s.assert_refused::<Decision>(
        Contract::Consent,
        "check_access",
        (patient, DataCategory::Laboratory, Purpose::Treatment),
        expected,
    );
}

#[test]
fn consent_refuses_when_the_registry_traps_or_is_not_a_registry() {
    let mut chain = core();
    let trap = faulty(&mut chain, Mode::Trap);
    let (mut s, _, patient) = consent_with(chain, Some(trap), None);
    check(
        &mut s,
        patient,
        downstream(Callee::Registry, CallFailure::Trapped),
    );

    // The "registry" address holds the audit log: it does not know the call.
    let chain = core();
    let audit = chain.address(Contract::AuditLog);
    let (mut s, _, patient) = consent_with(chain, Some(audit), None);
    check(
        &mut s,
        patient,
        downstream(Callee::Registry, CallFailure::LangError),
    );
}

#[test]
fn consent_refuses_when_the_audit_log_refuses_traps_or_is_not_a_log() {
    for (mode, how) in [
        (Mode::Refuse, CallFailure::Refused),
        (Mode::Trap, CallFailure::Trapped),
    ] {
        let mut chain = core();
        let log = faulty(&mut chain, mode);
        let (mut s, _, patient) = consent_with(chain, None, Some(log));
        check(&mut s, patient, downstream(Callee::AuditLog, how));
    }
    let chain = core();
    let registry = chain.address(Contract::Registry);
    let (mut s, _, patient) = consent_with(chain, None, Some(registry));
    check(
        &mut s,
        patient,
        downstream(Callee::AuditLog, CallFailure::LangError),
    );
}

#[test]
fn a_callee_cannot_re_enter_consent() {
    let mut chain = core();
    let log = faulty(&mut chain, Mode::Reenter);
    let (mut s, hospital, patient) = consent_with(chain, None, Some(log));
    // The "audit log" tries to call consent.check_access back while consent is deciding.
    let selector = s.artifact("consent").selector("check_access");
    let mut callback = selector.to_vec();
    (patient, DataCategory::Laboratory, Purpose::Treatment).encode_to(&mut callback);
    let admin = s.admin();
    s.set_actor(admin);
    let report = s.call_at(log, "faulty", "set_callback", callback, 0);
    assert!(!report.reverted);
    s.set_actor(hospital);
    check(
        &mut s,
        patient,
        downstream(Callee::AuditLog, CallFailure::Trapped),
    );
}

/// Provenance with a manufacturer and a batch, wired to a failing audit log or registry.
#[test]
fn provenance_refuses_when_its_callees_fail() {
    for (mode, how) in [
        (Mode::Refuse, CallFailure::Refused),
        (Mode::Trap, CallFailure::Trapped),
    ] {
        let mut chain = core();
        let log = faulty(&mut chain, mode);
        let registry = chain.address(Contract::Registry);
        chain.deploy(Contract::Provenance, "new", (registry, log));
        let mut s = Suite::from_chain(chain);
        let maker = s.organisation("maker", &[Role::Manufacturer]);
        s.set_actor(maker);
        let expiry = s.now() + 100 * DAY_MS;
        let batch = s
            .tx::<BatchId>(
                Contract::Provenance,
                "register_batch",
                (
                    Gtin(10_614_141_000_415),
                    LotNumber(b"L1".to_vec()),
                    expiry,
                    1u64,
                    5u64,
                    5u64,
                    digest(b"coa"),
                ),
            )
            .unwrap();
        s.assert_refused::<()>(
            Contract::Provenance,
            "recall",
            (batch, RecallReason::SafetyIssue),
            downstream(Callee::AuditLog, how),
        );
    }
    let mut chain = core();
    let trap = faulty(&mut chain, Mode::Trap);
    let audit = chain.address(Contract::AuditLog);
    chain.deploy(Contract::Provenance, "new", (trap, audit));
    let maker = chain.actor("maker");
    chain.set_actor(maker);
    let expiry = chain.now() + 100 * DAY_MS;
    chain.assert_refused::<BatchId>(
        Contract::Provenance,
        "register_batch",
        (
            Gtin(10_614_141_000_415),
            LotNumber(b"L1".to_vec()),
            expiry,
            1u64,
            5u64,
            5u64,
            digest(b"coa"),
        ),
        downstream(Callee::Registry, CallFailure::Trapped),
    );
}

/// Claims wired to real registry and audit log, and to `consent` / `provenance` as given.
fn claims_with(
    consent: Option<Mode>,
    provenance: Option<Mode>,
) -> (Suite, AccountId, (PolicyId, PatientId, RecordId)) {
    let mut s = Suite::deploy();
    let (registry, real_consent, real_provenance, audit) = (
        s.address(Contract::Registry),
        s.address(Contract::Consent),
        s.address(Contract::Provenance),
        s.address(Contract::AuditLog),
    );
    let consent = consent.map(|m| faulty(&mut s, m)).unwrap_or(real_consent);
    let provenance = provenance
        .map(|m| faulty(&mut s, m))
        .unwrap_or(real_provenance);
    let admin = s.admin();
    s.set_actor(admin);
    let claims = s.deploy(
        Contract::Claims,
        "new",
        (registry, consent, provenance, audit),
    );
    s.tx::<()>(Contract::AuditLog, "add_writer", claims)
        .unwrap();
    s.tx::<()>(Contract::Consent, "add_relying_contract", claims)
        .unwrap();
    let insurer = s.organisation("insurer", &[Role::Insurer]);
    let clinic = s.organisation("clinic", &[Role::Provider]);
    let (alice, patient) = s.patient("alice");
    let now = s.now();
    let scope = |purpose| GrantScope {
        categories: CategorySet::of(&[DataCategory::Laboratory]),
        purposes: PurposeSet::of(&[purpose]),
        valid_from: now,
        valid_until: now + 30 * DAY_MS,
    };
    s.set_actor(alice);
    for (who, purpose) in [(clinic, Purpose::Treatment), (insurer, Purpose::Payment)] {
        s.tx::<GrantId>(
            Contract::Consent,
            "create_grant",
            (
                patient,
                Grantee::Account(who),
                scope(purpose),
                Effect::Permit,
            ),
        )
        .unwrap();
    }
    s.set_actor(clinic);
    let record = s
        .tx::<RecordWrite>(
            Contract::Consent,
            "add_record",
            (
                patient,
                DataCategory::Laboratory,
                Purpose::Treatment,
                digest(b"r"),
                EncryptedLocator(b"l".to_vec()),
            ),
        )
        .unwrap()
        .record
        .unwrap();
    s.set_actor(insurer);
    let terms = PolicyTerms {
        coverage: CoverageSet::of(&[ServiceCategory::Laboratory, ServiceCategory::Pharmacy]),
        period_start: now,
        period_end: now + 300 * DAY_MS,
        annual_limit: 10_000,
        deductible: 0,
        coinsurance_bps: 0,
    };
    let policy = s
        .tx::<PolicyId>(Contract::Claims, "create_policy", (patient, terms))
        .unwrap();
    s.set_actor(clinic);
    (s, clinic, (policy, patient, record))
}

fn lab_line(drug: Option<DrugRef>) -> ClaimLine {
    ClaimLine {
        service: if drug.is_some() {
            ServiceCategory::Pharmacy
        } else {
            ServiceCategory::Laboratory
        },
        service_ref: digest(b"hmac(code+date)"),
        billed: 100,
        drug,
    }
}

#[test]
fn claims_refuse_when_consent_or_provenance_fail() {
    for (mode, how) in [
        (Mode::Refuse, CallFailure::Refused),
        (Mode::Trap, CallFailure::Trapped),
    ] {
        let (mut s, _, (policy, patient, record)) = claims_with(Some(mode), None);
        s.assert_refused::<SubmitOutcome>(
            Contract::Claims,
            "submit_claim",
            (policy, patient, record, vec![lab_line(None)]),
            downstream(Callee::Consent, how),
        );
    }
    let (mut s, _, (policy, patient, record)) = claims_with(None, Some(Mode::Trap));
    s.assert_refused::<SubmitOutcome>(
        Contract::Claims,
        "submit_claim",
        (
            policy,
            patient,
            record,
            vec![lab_line(Some(DrugRef {
                batch: 0,
                serial: 1,
            }))],
        ),
        downstream(Callee::Provenance, CallFailure::Trapped),
    );
}

#[test]
fn a_callee_cannot_re_enter_claims() {
    let (mut s, clinic, (policy, patient, record)) = claims_with(Some(Mode::Reenter), None);
    // The "consent" contract tries to submit the same claim again from inside the submission.
    let consent = s
        .query::<(AccountId, AccountId, AccountId, AccountId)>(Contract::Claims, "dependencies", ())
        .1;
    let mut callback = s.artifact("claims").selector("submit_claim").to_vec();
    (policy, patient, record, vec![lab_line(None)]).encode_to(&mut callback);
    let admin = s.admin();
    s.set_actor(admin);
    assert!(
        !s.call_at(consent, "faulty", "set_callback", callback, 0)
            .reverted
    );
    s.set_actor(clinic);
    s.assert_refused::<SubmitOutcome>(
        Contract::Claims,
        "submit_claim",
        (policy, patient, record, vec![lab_line(None)]),
        downstream(Callee::Consent, CallFailure::Trapped),
    );
}
