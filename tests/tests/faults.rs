//! Cross-contract faults: when a callee refuses (its own `Err`), does not understand the call
//! (`LangError`: the address holds another contract), traps (panics), or tries to re-enter its
//! caller, the caller refuses with `Error::Downstream(callee, how)` — the callee's own error
//! carried inside — and nothing changes. The exception is the rule for restrictions: one whose
//! callee only logs it goes through, its entry queued. The failing callee is `tests/faulty`.

use carechain_sdk::msg::{access, claims, consent, provenance};
use carechain_sdk::{Contract, DeployOptions};
use carechain_tests::common::*;
use carechain_tests::doubles::{self, Mode};
use carechain_tests::{digest, view, Chain, ChainRead, ChainWrite, Suite};
use ink::primitives::AccountId;

fn downstream(callee: Callee, how: CallFailure) -> Error {
    Error::Downstream(callee, how)
}

fn refused(callee: Callee) -> Error {
    // The double answers `Err(Paused)` in Refuse mode.
    Error::Downstream(callee, CallFailure::Refused(Box::new(Error::Paused)))
}

/// The suite built around a test double (or another contract) in place of the audit log.
fn with_log(log: impl FnOnce(&mut Chain) -> AccountId) -> Suite {
    let mut chain = Chain::new();
    let address = log(&mut chain);
    Suite::deploy_on(
        chain,
        DeployOptions {
            audit_log: Some(address),
            ..DeployOptions::default()
        },
    )
}

/// A hospital and a registered patient.
fn hospital_and_patient(s: &mut Suite) -> (AccountId, PatientId) {
    let hospital = s.organisation("hospital", &[Role::Provider]);
    let (_, patient) = s.patient("alice");
    s.set_actor(hospital);
    (hospital, patient)
}

fn check(s: &mut Suite, patient: PatientId, expected: Error) {
    s.assert_refused(
        access::CHECK_ACCESS,
        (patient, DataCategory::Laboratory, Purpose::Treatment),
        expected,
    );
}

#[test]
fn decisions_refuse_when_the_audit_log_refuses_traps_or_is_not_a_log() {
    for (mode, how) in [
        (Mode::Refuse, refused(Callee::AuditLog)),
        (
            Mode::Trap,
            downstream(Callee::AuditLog, CallFailure::Trapped),
        ),
    ] {
        let mut s = with_log(|chain| doubles::faulty(chain, mode));
        let (_, patient) = hospital_and_patient(&mut s);
        check(&mut s, patient, how);
    }
    // The "audit log" address holds a contract that does not know the call.
    let mut s = with_log(|chain| {
        chain
            .instantiate_bundle("reference_token", "new", 1u128)
            .expect("token")
    });
    let (_, patient) = hospital_and_patient(&mut s);
    check(
        &mut s,
        patient,
        downstream(Callee::AuditLog, CallFailure::LangError),
    );
}

#[test]
fn a_callee_cannot_re_enter_the_access_contract() {
    let mut chain = Chain::new();
    let log = doubles::faulty(&mut chain, Mode::Reenter);
    let mut s = Suite::deploy_on(
        chain,
        DeployOptions {
            audit_log: Some(log),
            ..DeployOptions::default()
        },
    );
    let (hospital, patient) = hospital_and_patient(&mut s);
    // The "audit log" tries to call check_access back while access is deciding.
    doubles::set_callback(
        &mut s.chain,
        log,
        access::CHECK_ACCESS,
        (patient, DataCategory::Laboratory, Purpose::Treatment),
    );
    s.set_actor(hospital);
    check(
        &mut s,
        patient,
        downstream(Callee::AuditLog, CallFailure::Trapped),
    );
}

/// Restrictions go through whatever their log does; lifting a quarantine (not a restriction)
/// is refused like any other change.
#[test]
fn provenance_restrictions_survive_a_failing_log_but_nothing_else_does() {
    for (mode, how) in [
        (Mode::Refuse, refused(Callee::AuditLog)),
        (
            Mode::Trap,
            downstream(Callee::AuditLog, CallFailure::Trapped),
        ),
    ] {
        let mut s = with_log(|chain| doubles::faulty(chain, mode));
        let maker = s.organisation("maker", &[Role::Manufacturer]);
        s.set_actor(maker);
        let expiry = s.now() + 100 * DAY_MS;
        let batch = s
            .tx(
                provenance::REGISTER_BATCH,
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
        s.tx(
            provenance::QUARANTINE,
            (batch, QuarantineReason::SuspectProduct),
        )
        .unwrap();
        s.assert_refused(provenance::CLEAR_QUARANTINE, batch, how.clone());
        s.tx(provenance::RECALL, (batch, RecallReason::SafetyIssue))
            .unwrap();
        assert_eq!(
            view::deferred_audit(&mut s.chain, Contract::Provenance).len(),
            2
        );
        assert_eq!(
            view::batch(&mut s.chain, batch).unwrap().status,
            BatchStatus::Recalled
        );
        // Flushing cannot get past the failing log either; the queue stays.
        s.assert_refused(provenance::FLUSH_AUDIT, (), how);
    }
}

#[test]
fn registry_and_consent_refuse_when_the_access_contract_fails() {
    // Consent built against a trapping "access" contract: every call that needs the patient's
    // facts is refused as a trap of the access contract.
    let mut s = Suite::deploy();
    let trap = doubles::faulty(&mut s.chain, Mode::Trap);
    let admin = s.admin();
    s.set_actor(admin);
    let audit = s.address(Contract::AuditLog);
    let consent_address = s
        .chain
        .instantiate_bundle("consent", "new", (trap, audit))
        .expect("consent");
    s.set_address(Contract::Consent, consent_address);
    let (_, patient) = s.patient("alice");
    let alice = carechain_sdk::account("alice");
    s.set_actor(alice);
    let now = s.now();
    let scope = GrantScope {
        categories: CategorySet::of(&[DataCategory::Laboratory]),
        purposes: PurposeSet::of(&[Purpose::Treatment]),
        valid_from: now,
        valid_until: now + DAY_MS,
    };
    s.assert_refused(
        consent::CREATE_GRANT,
        (patient, Grantee::Anyone, scope, Effect::Deny),
        downstream(Callee::Access, CallFailure::Trapped),
    );
}

/// Claims wired to the real suite, except `access` as given.
fn claims_with(
    access_mode: Option<Mode>,
) -> (Suite, AccountId, (PolicyId, PatientId, RecordId), AccountId) {
    let mut chain = Chain::new();
    let access_double = access_mode.map(|m| doubles::faulty(&mut chain, m));
    let mut s = Suite::deploy_on(
        chain,
        DeployOptions {
            claims_access: access_double,
            ..DeployOptions::default()
        },
    );
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
        s.tx(
            consent::CREATE_GRANT,
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
    let id = carechain_sdk::new_record_id(&mut s.chain);
    let record = s
        .tx(
            consent::ADD_RECORD,
            (
                id,
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
    let policy = if access_mode.is_none() {
        s.set_actor(insurer);
        let terms = PolicyTerms {
            coverage: CoverageSet::of(&[ServiceCategory::Laboratory, ServiceCategory::Pharmacy]),
            period_start: now,
            period_end: now + 300 * DAY_MS,
            annual_limit: 10_000,
            deductible: 0,
            coinsurance_bps: 0,
        };
        s.tx(claims::CREATE_POLICY, (patient, terms)).unwrap()
    } else {
        0
    };
    s.set_actor(clinic);
    let double = access_double.unwrap_or(clinic);
    (s, clinic, (policy, patient, record), double)
}

#[test]
fn claims_refuse_when_access_fails() {
    for (mode, how) in [
        (Mode::Refuse, CallFailure::Trapped),
        (Mode::Trap, CallFailure::Trapped),
    ] {
        // An "access" contract that refuses (or traps) on reads cannot even say who is an
        // insurer: policy creation is refused.
        let (mut s, _, (_, patient, _), _) = claims_with(Some(mode));
        let insurer = carechain_sdk::account("insurer");
        s.set_actor(insurer);
        let now = s.now();
        let terms = PolicyTerms {
            coverage: CoverageSet::of(&[ServiceCategory::Laboratory]),
            period_start: now,
            period_end: now + DAY_MS,
            annual_limit: 10,
            deductible: 0,
            coinsurance_bps: 0,
        };
        let answer = s.tx(claims::CREATE_POLICY, (patient, terms));
        match mode {
            // The double's lookup answers "nobody holds a role" in Refuse mode.
            Mode::Refuse => assert_eq!(
                answer,
                Err(Error::MissingRole(RoleSet::of(&[Role::Insurer])))
            ),
            _ => assert_eq!(answer, Err(downstream(Callee::Access, how))),
        }
    }
}

#[test]
fn a_callee_cannot_re_enter_claims() {
    // The "access" contract tries to create a policy again from inside the insurer's policy
    // creation (while claims asks it who the insurer is).
    let (mut s, _, (_, patient, _), access_double) = claims_with(Some(Mode::Reenter));
    let insurer = carechain_sdk::account("insurer");
    let now = s.now();
    let terms = PolicyTerms {
        coverage: CoverageSet::of(&[ServiceCategory::Laboratory]),
        period_start: now,
        period_end: now + DAY_MS,
        annual_limit: 10,
        deductible: 0,
        coinsurance_bps: 0,
    };
    doubles::set_callback(
        &mut s.chain,
        access_double,
        claims::CREATE_POLICY,
        (patient, terms),
    );
    s.set_actor(insurer);
    s.assert_refused(
        claims::CREATE_POLICY,
        (patient, terms),
        downstream(Callee::Access, CallFailure::Trapped),
    );
}
