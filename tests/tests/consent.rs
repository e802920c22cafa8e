//! Consent on the in-process chain: grants, decisions (logged, granted or denied), deny wins,
//! expiry, record anchors, break-glass, disclosures to relying contracts, and what happens when
//! the audit log refuses.

use carechain_tests::common::events::consent::*;
use carechain_tests::common::*;
use carechain_tests::Ledger;
use carechain_tests::{digest, key_for, Contract, Suite, Wiring};
use ink::primitives::AccountId;

const C: Contract = Contract::Consent;
const LAB: DataCategory = DataCategory::Laboratory;
const TREAT: Purpose = Purpose::Treatment;

struct World {
    s: Suite,
    alice: AccountId,
    patient: PatientId,
    hospital: AccountId,
    researcher: AccountId,
    pharmacy: AccountId,
    er: AccountId,
    carer: AccountId,
    stranger: AccountId,
}

fn world_with(wiring: Wiring) -> World {
    let mut s = Suite::deploy_with(wiring);
    let hospital = s.organisation("hospital", &[Role::Provider]);
    let researcher = s.organisation("researcher", &[Role::Researcher]);
    let pharmacy = s.organisation("pharmacy", &[Role::Pharmacy]);
    let er = s.organisation("er", &[Role::Provider]);
    let (alice, patient) = s.patient("alice");
    let carer = s.actor("carer");
    let stranger = s.actor("stranger");
    s.set_actor(alice);
    s.tx::<()>(
        Contract::Registry,
        "add_delegate",
        (patient, carer, DelegateKind::Carer, None::<u64>),
    )
    .unwrap();
    World {
        s,
        alice,
        patient,
        hospital,
        researcher,
        pharmacy,
        er,
        carer,
        stranger,
    }
}

fn world() -> World {
    world_with(Wiring::default())
}

fn scope(
    s: &mut Suite,
    categories: &[DataCategory],
    purposes: &[Purpose],
    days: u64,
) -> GrantScope {
    let now = s.now();
    GrantScope {
        categories: CategorySet::of(categories),
        purposes: PurposeSet::of(purposes),
        valid_from: now,
        valid_until: now + days * DAY_MS,
    }
}

impl World {
    fn grant(
        &mut self,
        by: AccountId,
        grantee: Grantee,
        scope: GrantScope,
        effect: Effect,
    ) -> GrantId {
        self.s.set_actor(by);
        self.s
            .tx::<GrantId>(C, "create_grant", (self.patient, grantee, scope, effect))
            .expect("grant")
    }

    fn check(&mut self, by: AccountId, category: DataCategory, purpose: Purpose) -> AuditOutcome {
        self.s.set_actor(by);
        let decision = self
            .s
            .tx::<Decision>(C, "check_access", (self.patient, category, purpose))
            .expect("a decision");
        // Every decision is in the log under the returned sequence number, with the requester.
        let entry = self
            .s
            .query::<Option<AuditEntry>>(Contract::AuditLog, "entry", decision.audit_seq)
            .expect("logged");
        assert_eq!(entry.record.actor, by);
        assert_eq!(entry.record.outcome, decision.outcome);
        assert_eq!(entry.record.patient, Some(self.patient));
        assert_eq!(entry.record.purpose, Some(purpose));
        let emitted = self.s.events::<AccessDecided>();
        assert_eq!(emitted.len(), 1);
        assert_eq!(emitted[0].outcome, decision.outcome);
        decision.outcome
    }

    fn add_lab_record(&mut self, by: AccountId, content: &[u8]) -> RecordWrite {
        self.s.set_actor(by);
        self.s
            .tx::<RecordWrite>(
                C,
                "add_record",
                (self.patient, LAB, TREAT, digest(content), locator(content)),
            )
            .expect("a decision")
    }
}

fn locator(content: &[u8]) -> EncryptedLocator {
    let mut bytes = b"nonce+aead(".to_vec();
    bytes.extend_from_slice(&digest(content).0);
    EncryptedLocator(bytes)
}

fn granted(basis: AccessBasis) -> AuditOutcome {
    AuditOutcome::Granted(basis)
}

fn denied(reason: DenyReason) -> AuditOutcome {
    AuditOutcome::Denied(reason)
}

#[test]
fn permits_grant_access_for_their_scope_only() {
    let mut w = world();
    let sc = scope(&mut w.s, &[LAB, DataCategory::Imaging], &[TREAT], 30);
    let id = w.grant(w.alice, Grantee::Account(w.hospital), sc, Effect::Permit);
    let created = &w.s.events::<GrantCreated>()[0];
    assert_eq!(
        (created.id, created.patient, created.by),
        (id, w.patient, w.alice)
    );
    let grant = w.s.query::<Option<Grant>>(C, "grant", id).unwrap();
    assert_eq!(
        (grant.grantee, grant.scope, grant.revoked_at),
        (Grantee::Account(w.hospital), sc, None)
    );

    assert_eq!(
        w.check(w.hospital, LAB, TREAT),
        granted(AccessBasis::Consent(id))
    );
    assert_eq!(
        w.check(w.hospital, DataCategory::Imaging, TREAT),
        granted(AccessBasis::Consent(id))
    );
    assert_eq!(
        w.check(w.hospital, DataCategory::MentalHealth, TREAT),
        denied(DenyReason::NoConsent)
    );
    // The hospital's role does not fit research, whatever the grants say.
    assert_eq!(
        w.check(w.hospital, LAB, Purpose::Research),
        denied(DenyReason::RoleNotEligible)
    );
    assert_eq!(
        w.check(w.researcher, LAB, Purpose::Research),
        denied(DenyReason::NoConsent)
    );
    assert_eq!(w.check(w.er, LAB, TREAT), denied(DenyReason::NoConsent));
    assert_eq!(
        w.check(w.stranger, LAB, TREAT),
        denied(DenyReason::RoleNotEligible)
    );
}

#[test]
fn grants_expire_on_chain() {
    let mut w = world();
    let now = w.s.now();
    let later = GrantScope {
        categories: CategorySet::of(&[LAB]),
        purposes: PurposeSet::of(&[TREAT]),
        valid_from: now + DAY_MS,
        valid_until: now + 3 * DAY_MS,
    };
    let id = w.grant(w.alice, Grantee::Account(w.hospital), later, Effect::Permit);
    assert_eq!(
        w.check(w.hospital, LAB, TREAT),
        denied(DenyReason::OutsideValidity(id))
    );
    w.s.advance(DAY_MS);
    assert_eq!(
        w.check(w.hospital, LAB, TREAT),
        granted(AccessBasis::Consent(id))
    );
    w.s.advance(2 * DAY_MS - 1);
    assert_eq!(
        w.check(w.hospital, LAB, TREAT),
        granted(AccessBasis::Consent(id))
    );
    w.s.advance(1);
    assert_eq!(
        w.check(w.hospital, LAB, TREAT),
        denied(DenyReason::OutsideValidity(id))
    );
}

#[test]
fn deny_overrides_permit() {
    let mut w = world();
    let researcher_permit = scope(
        &mut w.s,
        &[LAB, DataCategory::Genomics],
        &[Purpose::Research],
        30,
    );
    let permit = w.grant(
        w.alice,
        Grantee::Account(w.researcher),
        researcher_permit,
        Effect::Permit,
    );
    assert_eq!(
        w.check(w.researcher, DataCategory::Genomics, Purpose::Research),
        granted(AccessBasis::Consent(permit))
    );
    // A deny for everyone on genomics research wins over the researcher's permit...
    let deny_scope = scope(
        &mut w.s,
        &[DataCategory::Genomics],
        &[Purpose::Research],
        365,
    );
    let deny = w.grant(w.alice, Grantee::Anyone, deny_scope, Effect::Deny);
    assert_eq!(
        w.check(w.researcher, DataCategory::Genomics, Purpose::Research),
        denied(DenyReason::DeniedByPatient(deny))
    );
    // ...but not over what it does not cover.
    assert_eq!(
        w.check(w.researcher, LAB, Purpose::Research),
        granted(AccessBasis::Consent(permit))
    );

    // A deny naming one grantee wins over that grantee's permit.
    let hospital_permit = scope(&mut w.s, &[LAB], &[TREAT], 30);
    let p2 = w.grant(
        w.alice,
        Grantee::Account(w.hospital),
        hospital_permit,
        Effect::Permit,
    );
    assert_eq!(
        w.check(w.hospital, LAB, TREAT),
        granted(AccessBasis::Consent(p2))
    );
    let d2 = w.grant(
        w.carer,
        Grantee::Account(w.hospital),
        hospital_permit,
        Effect::Deny,
    );
    assert_eq!(
        w.check(w.hospital, LAB, TREAT),
        denied(DenyReason::DeniedByPatient(d2))
    );
    // Revoking the deny restores the permit.
    w.s.set_actor(w.alice);
    w.s.tx::<()>(C, "revoke_grant", d2).unwrap();
    assert_eq!(
        w.check(w.hospital, LAB, TREAT),
        granted(AccessBasis::Consent(p2))
    );
}

#[test]
fn create_grant_refuses_bad_requests_and_changes_nothing() {
    let mut w = world();
    let good = scope(&mut w.s, &[LAB], &[TREAT], 30);
    let unknown = w.s.fresh_patient_id();
    let now = w.s.now();
    let (patient, hospital) = (w.patient, w.hospital);
    let s = &mut w.s;

    s.set_actor(w.stranger);
    s.assert_refused::<GrantId>(
        C,
        "create_grant",
        (patient, Grantee::Account(hospital), good, Effect::Permit),
        Error::NotPatientManager,
    );
    s.set_actor(w.hospital);
    s.assert_refused::<GrantId>(
        C,
        "create_grant",
        (patient, Grantee::Account(hospital), good, Effect::Permit),
        Error::NotPatientManager,
    );
    s.set_actor(w.alice);
    let bad_categories = GrantScope {
        categories: CategorySet(0),
        ..good
    };
    let bad_purposes = GrantScope {
        purposes: PurposeSet(0x40),
        ..good
    };
    let inverted = GrantScope {
        valid_from: now + 10,
        valid_until: now + 10,
        ..good
    };
    let past = GrantScope {
        valid_from: now - 10,
        valid_until: now,
        ..good
    };
    let zero = AccountId::from([0u8; 32]);
    for (patient, grantee, scope, effect, error) in [
        (
            unknown,
            Grantee::Account(hospital),
            good,
            Effect::Permit,
            Error::PatientNotFound,
        ),
        (
            patient,
            Grantee::Account(hospital),
            bad_categories,
            Effect::Permit,
            Error::InvalidSet,
        ),
        (
            patient,
            Grantee::Account(hospital),
            bad_purposes,
            Effect::Permit,
            Error::InvalidSet,
        ),
        (
            patient,
            Grantee::Account(hospital),
            inverted,
            Effect::Permit,
            Error::InvalidWindow,
        ),
        (
            patient,
            Grantee::Account(hospital),
            past,
            Effect::Permit,
            Error::InvalidWindow,
        ),
        (
            patient,
            Grantee::Anyone,
            good,
            Effect::Permit,
            Error::GranteeNotEligible,
        ),
        (
            patient,
            Grantee::Account(zero),
            good,
            Effect::Deny,
            Error::ZeroAccount,
        ),
        // A researcher is not eligible for treatment; a non-organisation for anything.
        (
            patient,
            Grantee::Account(w.researcher),
            good,
            Effect::Permit,
            Error::GranteeNotEligible,
        ),
        (
            patient,
            Grantee::Account(w.stranger),
            good,
            Effect::Permit,
            Error::GranteeNotEligible,
        ),
    ] {
        s.assert_refused::<GrantId>(C, "create_grant", (patient, grantee, scope, effect), error);
    }
    // A suspended organisation cannot be granted anything.
    let admin = s.admin();
    s.set_actor(admin);
    s.tx::<()>(Contract::Registry, "suspend_organisation", hospital)
        .unwrap();
    s.set_actor(w.alice);
    s.assert_refused::<GrantId>(
        C,
        "create_grant",
        (patient, Grantee::Account(hospital), good, Effect::Permit),
        Error::GranteeNotEligible,
    );
}

#[test]
fn live_grants_per_grantee_are_bounded() {
    let mut w = world();
    let sc = scope(&mut w.s, &[LAB], &[TREAT], 30);
    for _ in 0..MAX_GRANTS_PER_GRANTEE {
        w.grant(w.alice, Grantee::Account(w.hospital), sc, Effect::Permit);
    }
    w.s.set_actor(w.alice);
    w.s.assert_refused::<GrantId>(
        C,
        "create_grant",
        (w.patient, Grantee::Account(w.hospital), sc, Effect::Permit),
        Error::TooMany,
    );
    // Expired grants make room again.
    w.s.advance(30 * DAY_MS);
    let fresh = scope(&mut w.s, &[LAB], &[TREAT], 30);
    w.grant(w.alice, Grantee::Account(w.hospital), fresh, Effect::Permit);
    assert_eq!(
        w.s.query::<Page<Grant>>(C, "patient_grants", (w.patient, 0u64, 0u32))
            .total,
        MAX_GRANTS_PER_GRANTEE as u64 + 1
    );
    let listed =
        w.s.query::<Page<Grant>>(C, "patient_grants", (w.patient, 2u64, 3u32))
            .items;
    assert_eq!(
        listed.iter().map(|g| g.id).collect::<Vec<_>>(),
        vec![2, 3, 4]
    );
}

#[test]
fn change_and_revoke_grants() {
    let mut w = world();
    let sc = scope(&mut w.s, &[LAB], &[TREAT], 30);
    let id = w.grant(w.alice, Grantee::Account(w.hospital), sc, Effect::Permit);
    let wider = scope(
        &mut w.s,
        &[LAB, DataCategory::Imaging],
        &[TREAT, Purpose::Operations],
        60,
    );
    let (patient, hospital) = (w.patient, w.hospital);

    w.s.set_actor(w.stranger);
    w.s.assert_refused::<()>(C, "change_grant", (id, wider), Error::NotPatientManager);
    w.s.assert_refused::<()>(C, "revoke_grant", id, Error::NotPatientManager);
    w.s.set_actor(w.carer);
    w.s.assert_refused::<()>(C, "change_grant", (99u64, wider), Error::GrantNotFound);
    let research = scope(&mut w.s, &[LAB], &[Purpose::Research], 30);
    w.s.assert_refused::<()>(C, "change_grant", (id, research), Error::GranteeNotEligible);
    let bad = GrantScope {
        valid_until: sc.valid_from,
        ..sc
    };
    w.s.assert_refused::<()>(C, "change_grant", (id, bad), Error::InvalidWindow);
    // The delegate changes it on Alice's behalf.
    w.s.tx::<()>(C, "change_grant", (id, wider)).unwrap();
    assert_eq!(w.s.events::<GrantChanged>()[0].scope, wider);
    assert_eq!(
        w.check(hospital, DataCategory::Imaging, Purpose::Operations),
        granted(AccessBasis::Consent(id))
    );

    w.s.set_actor(w.alice);
    w.s.assert_refused::<()>(C, "revoke_grant", 99u64, Error::GrantNotFound);
    w.s.tx::<()>(C, "revoke_grant", id).unwrap();
    assert_eq!(w.s.events::<GrantRevoked>()[0].id, id);
    assert!(w
        .s
        .query::<Option<Grant>>(C, "grant", id)
        .unwrap()
        .revoked_at
        .is_some());
    assert_eq!(w.check(hospital, LAB, TREAT), denied(DenyReason::NoConsent));
    w.s.set_actor(w.alice);
    w.s.assert_refused::<()>(C, "revoke_grant", id, Error::GrantRevoked);
    w.s.assert_refused::<()>(C, "change_grant", (id, wider), Error::GrantRevoked);
    // Grant, change and revoke are all in the patient's trail.
    let trail =
        w.s.query::<Page<AuditEntry>>(Contract::AuditLog, "patient_entries", (patient, 0u64, 0u32))
            .items;
    let actions: Vec<AuditAction> = trail.iter().map(|e| e.record.action).collect();
    assert_eq!(
        actions,
        vec![
            AuditAction::ConsentGrant,
            AuditAction::ConsentChange,
            AuditAction::AccessCheck,
            AuditAction::ConsentRevoke,
            AuditAction::AccessCheck
        ]
    );
}

#[test]
fn patient_side_and_revoked_delegates() {
    let mut w = world();
    assert_eq!(
        w.check(w.alice, DataCategory::MentalHealth, TREAT),
        granted(AccessBasis::PatientSide)
    );
    assert_eq!(
        w.check(w.carer, LAB, TREAT),
        granted(AccessBasis::PatientSide)
    );
    let sc = scope(&mut w.s, &[LAB], &[TREAT], 30);
    w.grant(w.carer, Grantee::Account(w.hospital), sc, Effect::Permit);

    // Alice removes her carer: the carer loses every power at once.
    w.s.set_actor(w.alice);
    w.s.tx::<()>(Contract::Registry, "remove_delegate", (w.patient, w.carer))
        .unwrap();
    w.s.set_actor(w.carer);
    w.s.assert_refused::<GrantId>(
        C,
        "create_grant",
        (w.patient, Grantee::Account(w.hospital), sc, Effect::Permit),
        Error::NotPatientManager,
    );
    w.s.assert_refused::<()>(C, "revoke_grant", 0u64, Error::NotPatientManager);
    assert_eq!(
        w.check(w.carer, LAB, TREAT),
        denied(DenyReason::RoleNotEligible)
    );
}

#[test]
fn suspended_organisations_and_unknown_patients_get_nothing() {
    let mut w = world();
    let sc = scope(&mut w.s, &[LAB], &[TREAT], 30);
    let id = w.grant(w.alice, Grantee::Account(w.hospital), sc, Effect::Permit);
    let admin = w.s.admin();
    w.s.set_actor(admin);
    w.s.tx::<()>(Contract::Registry, "suspend_organisation", w.hospital)
        .unwrap();
    assert_eq!(
        w.check(w.hospital, LAB, TREAT),
        denied(DenyReason::RoleNotEligible)
    );
    w.s.set_actor(admin);
    w.s.tx::<()>(Contract::Registry, "reinstate_organisation", w.hospital)
        .unwrap();
    assert_eq!(
        w.check(w.hospital, LAB, TREAT),
        granted(AccessBasis::Consent(id))
    );

    let unknown = w.s.fresh_patient_id();
    w.s.set_actor(w.hospital);
    let d =
        w.s.tx::<Decision>(C, "check_access", (unknown, LAB, TREAT))
            .unwrap();
    assert_eq!(d.outcome, denied(DenyReason::PatientNotActive));
}

#[test]
fn grants_do_not_survive_deregistration() {
    let mut w = world();
    let sc = scope(&mut w.s, &[LAB], &[TREAT], 30);
    let old = w.grant(w.alice, Grantee::Account(w.hospital), sc, Effect::Permit);
    let write = w.add_lab_record(w.hospital, b"report");
    let record = write.record.unwrap();
    w.s.set_actor(w.alice);
    w.s.tx::<()>(Contract::Registry, "deregister_patient", w.patient)
        .unwrap();
    assert_eq!(
        w.check(w.hospital, LAB, TREAT),
        denied(DenyReason::PatientNotActive)
    );
    // Someone registers the same id again: the old grants and records do not apply to them.
    let newcomer = w.s.actor("newcomer");
    w.s.set_actor(newcomer);
    w.s.tx::<u64>(
        Contract::Registry,
        "register_patient",
        (w.patient, key_for("newcomer")),
    )
    .unwrap();
    assert_eq!(
        w.check(w.hospital, LAB, TREAT),
        denied(DenyReason::NoConsent)
    );
    w.s.set_actor(w.hospital);
    let read =
        w.s.tx::<RecordAccess>(C, "access_record", (record, TREAT))
            .unwrap();
    assert_eq!(read.decision.outcome, denied(DenyReason::PatientNotActive));
    assert_eq!(read.locator, None);
    // Nor can the newcomer rewrite the earlier registration's history: to it they do not exist.
    w.s.set_actor(newcomer);
    w.s.assert_refused::<()>(C, "change_grant", (old, sc), Error::GrantNotFound);
    w.s.assert_refused::<()>(C, "revoke_grant", old, Error::GrantNotFound);
}

#[test]
fn records_are_anchored_read_and_amended_through_consent() {
    let mut w = world();
    // Without consent the write is refused, and the refusal is logged against the category.
    let refused = w.add_lab_record(w.hospital, b"v1");
    assert_eq!(
        (refused.record, refused.decision.outcome),
        (None, denied(DenyReason::NoConsent))
    );
    let entry =
        w.s.query::<Option<AuditEntry>>(Contract::AuditLog, "entry", refused.decision.audit_seq)
            .unwrap();
    assert_eq!(entry.record.subject, AuditSubject::Category(LAB));
    assert_eq!(
        w.s.query::<Page<RecordMeta>>(C, "patient_records", (w.patient, 0u64, 0u32))
            .total,
        0
    );

    let sc = scope(&mut w.s, &[LAB], &[TREAT], 30);
    let id = w.grant(w.alice, Grantee::Account(w.hospital), sc, Effect::Permit);
    w.grant(w.alice, Grantee::Account(w.pharmacy), sc, Effect::Permit);
    // A pharmacy may read with a treatment grant but is not a record author.
    let by_pharmacy = w.add_lab_record(w.pharmacy, b"v1");
    assert_eq!(
        by_pharmacy.decision.outcome,
        denied(DenyReason::RoleNotEligible)
    );

    let write = w.add_lab_record(w.hospital, b"v1");
    assert_eq!(write.decision.outcome, granted(AccessBasis::Consent(id)));
    let v1 = write.record.unwrap();
    let anchored = &w.s.events::<RecordAnchored>()[0];
    assert_eq!(
        (anchored.id, anchored.version, anchored.amends),
        (v1, 1, None)
    );
    let meta =
        w.s.query::<Option<RecordMeta>>(C, "record_meta", v1)
            .unwrap();
    assert_eq!(
        (meta.author, meta.content_hash, meta.category),
        (w.hospital, digest(b"v1"), LAB)
    );

    // Reading returns the locator only when granted; both outcomes are logged.
    w.s.set_actor(w.pharmacy);
    let read =
        w.s.tx::<RecordAccess>(C, "access_record", (v1, TREAT))
            .unwrap();
    assert_eq!(read.locator, Some(locator(b"v1")));
    w.s.set_actor(w.researcher);
    let read =
        w.s.tx::<RecordAccess>(C, "access_record", (v1, Purpose::Research))
            .unwrap();
    assert_eq!(
        (read.locator, read.decision.outcome),
        (None, denied(DenyReason::NoConsent))
    );
    assert_eq!(
        w.s.events::<AccessDecided>()[0].subject,
        AuditSubject::Record(v1)
    );
    w.s.assert_refused::<RecordAccess>(C, "access_record", (99u64, TREAT), Error::RecordNotFound);

    // Amendments make new versions; the old one stays and points to its successor.
    w.s.set_actor(w.hospital);
    let amended =
        w.s.tx::<RecordWrite>(
            C,
            "amend_record",
            (v1, TREAT, digest(b"v2"), locator(b"v2")),
        )
        .unwrap();
    let v2 = amended.record.unwrap();
    let anchored = &w.s.events::<RecordAnchored>()[0];
    assert_eq!((anchored.version, anchored.amends), (2, Some(v1)));
    assert_eq!(
        w.s.query::<Option<RecordMeta>>(C, "record_meta", v1)
            .unwrap()
            .superseded_by,
        Some(v2)
    );
    assert_eq!(
        w.s.query::<Option<RecordMeta>>(C, "record_meta", v1)
            .unwrap()
            .content_hash,
        digest(b"v1")
    );
    w.s.assert_refused::<RecordWrite>(
        C,
        "amend_record",
        (v1, TREAT, digest(b"v3"), locator(b"v3")),
        Error::RecordSuperseded,
    );
    w.s.assert_refused::<RecordWrite>(
        C,
        "amend_record",
        (77u64, TREAT, digest(b"v3"), locator(b"v3")),
        Error::RecordNotFound,
    );
    let listed =
        w.s.query::<Page<RecordMeta>>(C, "patient_records", (w.patient, 0u64, 0u32))
            .items;
    assert_eq!(
        listed.iter().map(|m| m.version).collect::<Vec<_>>(),
        vec![1, 2]
    );
}

#[test]
fn record_writes_refuse_bad_input() {
    let mut w = world();
    let (patient, hospital) = (w.patient, w.hospital);
    w.s.set_actor(hospital);
    let long = EncryptedLocator(vec![1; MAX_LOCATOR_LEN + 1]);
    for (category, purpose, hash, loc, error) in [
        (
            LAB,
            TREAT,
            Digest::ZERO,
            locator(b"x"),
            Error::InvalidContentHash,
        ),
        (
            LAB,
            TREAT,
            digest(b"x"),
            EncryptedLocator(vec![]),
            Error::InvalidLocator,
        ),
        (LAB, TREAT, digest(b"x"), long, Error::InvalidLocator),
        (
            LAB,
            Purpose::Research,
            digest(b"x"),
            locator(b"x"),
            Error::InvalidSet,
        ),
    ] {
        w.s.assert_refused::<RecordWrite>(
            C,
            "add_record",
            (patient, category, purpose, hash, loc),
            error,
        );
    }
}

#[test]
fn break_glass_is_recorded_not_prevented() {
    let mut w = world();
    let (patient, er) = (w.patient, w.er);
    // Alice denies everyone her mental-health notes, for any purpose.
    let all = scope(&mut w.s, &[DataCategory::MentalHealth], &Purpose::ALL, 365);
    w.grant(w.alice, Grantee::Anyone, all, Effect::Deny);

    w.s.set_actor(w.pharmacy);
    w.s.assert_refused::<EmergencyId>(
        C,
        "break_glass",
        (patient, EmergencyReason::ThreatToLife),
        Error::MissingRole,
    );
    w.s.set_actor(er);
    let unknown = w.s.fresh_patient_id();
    w.s.assert_refused::<EmergencyId>(
        C,
        "break_glass",
        (unknown, EmergencyReason::ThreatToLife),
        Error::PatientNotFound,
    );
    let id =
        w.s.tx::<EmergencyId>(
            C,
            "break_glass",
            (patient, EmergencyReason::PatientUnconscious),
        )
        .unwrap();
    let opened = &w.s.events::<EmergencyOpened>()[0];
    assert_eq!(
        (opened.provider, opened.reason),
        (er, EmergencyReason::PatientUnconscious)
    );
    let start =
        w.s.query::<Option<AuditEntry>>(Contract::AuditLog, "entry", opened.audit_seq)
            .unwrap();
    assert_eq!(start.record.action, AuditAction::EmergencyStart);
    w.s.assert_refused::<EmergencyId>(
        C,
        "break_glass",
        (patient, EmergencyReason::ThreatToLife),
        Error::EmergencyActive,
    );

    // Emergency treatment is granted even over the deny rule; other purposes are not.
    assert_eq!(
        w.check(er, DataCategory::MentalHealth, Purpose::EmergencyTreatment),
        granted(AccessBasis::Emergency(id))
    );
    assert_eq!(w.check(er, LAB, TREAT), denied(DenyReason::NoConsent));
    assert_eq!(
        w.check(w.hospital, LAB, Purpose::EmergencyTreatment),
        denied(DenyReason::NoConsent)
    );

    // The window closes by itself.
    let window = w.s.query::<u64>(C, "emergency_window", ());
    w.s.advance(window);
    assert_eq!(
        w.check(er, DataCategory::MentalHealth, Purpose::EmergencyTreatment),
        denied(DenyReason::DeniedByPatient(0))
    );
    w.s.set_actor(er);
    w.s.assert_refused::<()>(C, "close_emergency", id, Error::NoEmergency);

    // A second session, closed early by the patient; strangers cannot close it.
    let second =
        w.s.tx::<EmergencyId>(C, "break_glass", (patient, EmergencyReason::ThreatToLife))
            .unwrap();
    w.s.set_actor(w.stranger);
    w.s.assert_refused::<()>(C, "close_emergency", second, Error::NotParty);
    w.s.set_actor(w.hospital);
    w.s.assert_refused::<()>(C, "close_emergency", second, Error::NotParty);
    w.s.set_actor(w.alice);
    w.s.tx::<()>(C, "close_emergency", second).unwrap();
    assert_eq!(w.s.events::<EmergencyClosed>()[0].by, w.alice);
    w.s.assert_refused::<()>(C, "close_emergency", second, Error::NoEmergency);
    w.s.assert_refused::<()>(C, "close_emergency", 42u64, Error::NoEmergency);
    assert_eq!(
        w.check(er, DataCategory::MentalHealth, Purpose::EmergencyTreatment),
        denied(DenyReason::DeniedByPatient(0))
    );

    // Both sessions are in the review lists the patient and regulators read.
    let mine =
        w.s.query::<Page<Emergency>>(C, "patient_emergencies", (patient, 0u64, 0u32))
            .items;
    assert_eq!(
        mine.iter().map(|e| e.id).collect::<Vec<_>>(),
        vec![id, second]
    );
    assert_eq!(mine[1].closed_by, Some(w.alice));
    assert_eq!(
        w.s.query::<Page<Emergency>>(C, "emergencies", (0u64, 0u32))
            .total,
        2
    );
    assert_eq!(
        w.s.query::<Page<Emergency>>(C, "emergencies", (1u64, 5u32))
            .items[0]
            .id,
        second
    );
}

#[test]
fn emergency_window_is_governed() {
    let mut w = world();
    w.s.set_actor(w.stranger);
    w.s.assert_refused::<()>(
        C,
        "set_emergency_window",
        2 * 3_600_000u64,
        Error::NotGovernor,
    );
    let admin = w.s.admin();
    w.s.set_actor(admin);
    w.s.assert_refused::<()>(C, "set_emergency_window", 1_000u64, Error::InvalidWindow);
    w.s.assert_refused::<()>(C, "set_emergency_window", 4 * DAY_MS, Error::InvalidWindow);
    w.s.tx::<()>(C, "set_emergency_window", 2 * 3_600_000u64)
        .unwrap();
    assert_eq!(
        w.s.events::<EmergencyWindowChanged>()[0].window,
        2 * 3_600_000
    );
    w.s.set_actor(w.er);
    let session =
        w.s.tx::<EmergencyId>(C, "break_glass", (w.patient, EmergencyReason::ThreatToLife))
            .unwrap();
    let e =
        w.s.query::<Option<Emergency>>(C, "emergency", session)
            .unwrap();
    assert_eq!(e.expires_at - e.opened_at, 2 * 3_600_000);
}

#[test]
fn disclosures_are_for_relying_contracts_and_logged() {
    let mut w = world();
    let insurer = w.s.organisation("insurer", &[Role::Insurer]);
    // A stand-in for the claims contract (an account registered as relying).
    let relying = w.s.actor("claims-contract");
    let sc = scope(&mut w.s, &[LAB], &[TREAT], 30);
    w.grant(w.alice, Grantee::Account(w.hospital), sc, Effect::Permit);
    let record = w.add_lab_record(w.hospital, b"report").record.unwrap();
    let other = w.s.fresh_patient_id();
    let (patient, admin) = (w.patient, w.s.admin());

    w.s.set_actor(relying);
    w.s.assert_refused::<Decision>(
        C,
        "ConsentGate::authorize_disclosure",
        (patient, record, insurer, Purpose::Payment),
        Error::NotRelyingContract,
    );
    w.s.set_actor(w.stranger);
    w.s.assert_refused::<()>(C, "add_relying_contract", relying, Error::NotGovernor);
    w.s.set_actor(admin);
    w.s.tx::<()>(C, "add_relying_contract", relying).unwrap();
    w.s.assert_refused::<()>(
        C,
        "add_relying_contract",
        relying,
        Error::AlreadyRelyingContract,
    );
    assert!(w.s.query::<bool>(C, "is_relying_contract", relying));

    w.s.set_actor(relying);
    let ask = |s: &mut Suite, p: PatientId, r: RecordId| {
        s.tx::<Decision>(
            C,
            "ConsentGate::authorize_disclosure",
            (p, r, insurer, Purpose::Payment),
        )
    };
    assert_eq!(
        ask(&mut w.s, other, record),
        Err(Error::RecordPatientMismatch)
    );
    assert_eq!(ask(&mut w.s, patient, 99), Err(Error::RecordNotFound));
    let before = ask(&mut w.s, patient, record).unwrap();
    assert_eq!(before.outcome, denied(DenyReason::NoConsent));
    let entry =
        w.s.query::<Option<AuditEntry>>(Contract::AuditLog, "entry", before.audit_seq)
            .unwrap();
    assert_eq!(
        (
            entry.record.action,
            entry.record.actor,
            entry.record.subject
        ),
        (
            AuditAction::Disclosure,
            insurer,
            AuditSubject::Record(record)
        )
    );
    let pay = scope(&mut w.s, &[LAB], &[Purpose::Payment], 30);
    let id = w.grant(w.alice, Grantee::Account(insurer), pay, Effect::Permit);
    w.s.set_actor(relying);
    assert_eq!(
        ask(&mut w.s, patient, record).unwrap().outcome,
        granted(AccessBasis::Consent(id))
    );

    w.s.set_actor(admin);
    w.s.tx::<()>(C, "remove_relying_contract", relying).unwrap();
    w.s.assert_refused::<()>(
        C,
        "remove_relying_contract",
        relying,
        Error::RelyingContractNotFound,
    );
    w.s.set_actor(relying);
    assert_eq!(
        ask(&mut w.s, patient, record),
        Err(Error::NotRelyingContract)
    );
}

#[test]
fn when_the_audit_log_refuses_access_is_refused_and_nothing_changes() {
    let mut w = world_with(Wiring {
        skip_consent_writer: true,
    });
    let (patient, hospital) = (w.patient, w.hospital);
    let sc = scope(&mut w.s, &[LAB], &[TREAT], 30);
    let refused = Error::Downstream(Callee::AuditLog, CallFailure::Refused);
    w.s.set_actor(w.alice);
    w.s.assert_refused::<GrantId>(
        C,
        "create_grant",
        (patient, Grantee::Account(hospital), sc, Effect::Permit),
        refused,
    );
    w.s.set_actor(hospital);
    w.s.assert_refused::<Decision>(C, "check_access", (patient, LAB, TREAT), refused);
    w.s.set_actor(w.er);
    w.s.assert_refused::<EmergencyId>(
        C,
        "break_glass",
        (patient, EmergencyReason::ThreatToLife),
        refused,
    );
    assert_eq!(w.s.query::<u64>(Contract::AuditLog, "count", ()), 0);

    // Once governance registers consent as a writer, the same requests go through.
    let (admin, consent) = (w.s.admin(), w.s.address(C));
    w.s.set_actor(admin);
    w.s.tx::<()>(Contract::AuditLog, "add_writer", consent)
        .unwrap();
    let outcome = w.check(hospital, LAB, TREAT);
    assert_eq!(outcome, denied(DenyReason::NoConsent));

    // A paused audit log refuses too: consent fails closed.
    w.s.set_actor(admin);
    w.s.tx::<()>(Contract::AuditLog, "Governed::set_paused", true)
        .unwrap();
    w.s.set_actor(hospital);
    w.s.assert_refused::<Decision>(C, "check_access", (patient, LAB, TREAT), refused);
}

#[test]
fn paused_consent_refuses_writes_but_answers_reads() {
    let mut w = world();
    let sc = scope(&mut w.s, &[LAB], &[TREAT], 30);
    let id = w.grant(w.alice, Grantee::Account(w.hospital), sc, Effect::Permit);
    let admin = w.s.admin();
    w.s.set_actor(admin);
    w.s.tx::<()>(C, "Governed::set_paused", true).unwrap();
    let patient = w.patient;
    w.s.set_actor(w.hospital);
    w.s.assert_refused::<Decision>(C, "check_access", (patient, LAB, TREAT), Error::Paused);
    // Paused or not, a patient withdraws consent and an emergency session can be closed.
    w.s.set_actor(w.alice);
    w.s.tx::<()>(C, "revoke_grant", id).unwrap();
    assert_eq!(w.s.events::<GrantRevoked>()[0].id, id);
    assert!(w
        .s
        .query::<Option<Grant>>(C, "grant", id)
        .is_some_and(|g| g.revoked_at.is_some()));
    w.s.set_actor(admin);
    w.s.tx::<()>(C, "Governed::set_paused", false).unwrap();
    w.s.set_actor(w.er);
    let session =
        w.s.tx::<EmergencyId>(
            C,
            "break_glass",
            (patient, EmergencyReason::PatientUnconscious),
        )
        .unwrap();
    w.s.set_actor(admin);
    w.s.tx::<()>(C, "Governed::set_paused", true).unwrap();
    w.s.set_actor(w.er);
    w.s.tx::<()>(C, "close_emergency", session).unwrap();
    assert_eq!(w.s.events::<EmergencyClosed>()[0].id, session);
    // What grants access stays refused.
    w.s.set_actor(w.er);
    w.s.assert_refused::<EmergencyId>(
        C,
        "break_glass",
        (patient, EmergencyReason::PatientUnconscious),
        Error::Paused,
    );
}

#[test]
fn batched_checks_decide_and_log_each_request() {
    let mut w = world();
    let sc = scope(&mut w.s, &[LAB, DataCategory::Imaging], &[TREAT], 30);
    let id = w.grant(w.alice, Grantee::Account(w.hospital), sc, Effect::Permit);
    let deny = scope(&mut w.s, &[DataCategory::Imaging], &[TREAT], 30);
    let d = w.grant(w.alice, Grantee::Anyone, deny, Effect::Deny);
    let request = |category, purpose| AccessRequest { category, purpose };
    let requests = vec![
        request(LAB, TREAT),
        request(DataCategory::Imaging, TREAT),
        request(DataCategory::Genomics, TREAT),
        request(LAB, Purpose::Research),
    ];
    let patient = w.patient;
    w.s.set_actor(w.hospital);
    let before = w.s.query::<u64>(Contract::AuditLog, "count", ());
    let decisions =
        w.s.tx::<Vec<Decision>>(C, "check_access_batch", (patient, requests.clone()))
            .unwrap();
    let outcomes: Vec<AuditOutcome> = decisions.iter().map(|d| d.outcome).collect();
    assert_eq!(
        outcomes,
        vec![
            granted(AccessBasis::Consent(id)),
            denied(DenyReason::DeniedByPatient(d)),
            denied(DenyReason::NoConsent),
            denied(DenyReason::RoleNotEligible),
        ]
    );
    // One audit entry and one event per request, in order, under consecutive numbers.
    let seqs: Vec<u64> = decisions.iter().map(|d| d.audit_seq).collect();
    assert_eq!(seqs, (before..before + 4).collect::<Vec<_>>());
    assert_eq!(w.s.events::<AccessDecided>().len(), 4);
    for (decision, request) in decisions.iter().zip(&requests) {
        let entry =
            w.s.query::<Option<AuditEntry>>(Contract::AuditLog, "entry", decision.audit_seq)
                .unwrap();
        assert_eq!(
            (
                entry.record.actor,
                entry.record.outcome,
                entry.record.subject,
                entry.record.purpose
            ),
            (
                w.hospital,
                decision.outcome,
                AuditSubject::Category(request.category),
                Some(request.purpose)
            )
        );
    }
    // The batch answers exactly what single checks answer.
    for (decision, request) in decisions.iter().zip(&requests) {
        assert_eq!(
            w.check(w.hospital, request.category, request.purpose),
            decision.outcome
        );
    }
    assert_eq!(
        carechain_tests::audit::verify_deployed(&mut w.s.chain).map(|n| n > 0),
        Ok(true)
    );

    w.s.set_actor(w.hospital);
    w.s.assert_refused::<Vec<Decision>>(
        C,
        "check_access_batch",
        (patient, Vec::<AccessRequest>::new()),
        Error::Empty,
    );
    w.s.assert_refused::<Vec<Decision>>(
        C,
        "check_access_batch",
        (patient, vec![request(LAB, TREAT); MAX_ACCESS_BATCH + 1]),
        Error::TooMany,
    );
    w.s.set_actor(w.carer);
    let own =
        w.s.tx::<Vec<Decision>>(
            C,
            "check_access_batch",
            (patient, vec![request(DataCategory::MentalHealth, TREAT)]),
        )
        .unwrap();
    assert_eq!(own[0].outcome, granted(AccessBasis::PatientSide));
}

#[test]
fn batched_checks_refuse_when_the_audit_log_refuses() {
    let mut w = world_with(Wiring {
        skip_consent_writer: true,
    });
    let patient = w.patient;
    w.s.set_actor(w.hospital);
    w.s.assert_refused::<Vec<Decision>>(
        C,
        "check_access_batch",
        (
            patient,
            vec![AccessRequest {
                category: LAB,
                purpose: TREAT,
            }],
        ),
        Error::Downstream(Callee::AuditLog, CallFailure::Refused),
    );
}
