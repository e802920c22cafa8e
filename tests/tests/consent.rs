//! Consent and access on the in-process chain: grants, decisions (logged, granted or denied),
//! deny wins, expiry, record anchors and who may amend them, break-glass (refused attempts
//! logged), disclosures to relying contracts, and what happens when the audit log refuses.

use carechain_sdk::msg::{self, access, audit_log, consent, govern, registry};
use carechain_sdk::{Contract, DeployOptions};
use carechain_tests::common::events::audit::Appended;
use carechain_tests::common::events::consent::*;
use carechain_tests::common::events::{AuditDeferred, AuditFlushed};
use carechain_tests::common::*;
use carechain_tests::doubles::{self, Mode};
use carechain_tests::{digest, key_for, view, ChainRead, ChainWrite, Suite};
use ink::primitives::AccountId;

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

fn world_with(options: DeployOptions) -> World {
    let mut s = Suite::deploy_with(options);
    let hospital = s.organisation("hospital", &[Role::Provider]);
    let researcher = s.organisation("researcher", &[Role::Researcher]);
    let pharmacy = s.organisation("pharmacy", &[Role::Pharmacy]);
    let er = s.organisation("er", &[Role::Provider]);
    let (alice, patient) = s.patient("alice");
    let carer = s.actor("carer");
    let stranger = s.actor("stranger");
    s.set_actor(alice);
    s.tx(
        registry::ADD_DELEGATE,
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
    world_with(DeployOptions::default())
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

/// The patient's trail, oldest first.
fn trail(s: &mut Suite, patient: PatientId) -> Vec<AuditEntry> {
    let mut items = view::patient_trail(&mut s.chain, patient, 0, MAX_PAGE).items;
    items.reverse();
    items
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
            .tx(
                consent::CREATE_GRANT,
                (self.patient, grantee, scope, effect),
            )
            .expect("grant")
    }

    fn check(&mut self, by: AccountId, category: DataCategory, purpose: Purpose) -> AuditOutcome {
        self.s.set_actor(by);
        let decision = self
            .s
            .tx(access::CHECK_ACCESS, (self.patient, category, purpose))
            .expect("a decision");
        // Every decision is in the log under the returned sequence number, with the requester,
        // and the log's event carries it.
        let appended = self.s.events::<Appended>();
        assert_eq!(appended.len(), 1);
        assert_eq!(appended[0].first, decision.audit_seq);
        assert_eq!(appended[0].records[0].outcome, decision.outcome);
        let entry = view::audit_entry(&mut self.s.chain, decision.audit_seq).expect("logged");
        assert_eq!(entry.record.actor, by);
        assert_eq!(entry.record.outcome, decision.outcome);
        assert_eq!(entry.record.patient, Some(self.patient));
        assert_eq!(entry.record.purpose, Some(purpose));
        assert_eq!(entry.writer, self.s.address(Contract::Access));
        decision.outcome
    }

    fn add_lab_record(&mut self, by: AccountId, content: &[u8]) -> RecordWrite {
        self.s.set_actor(by);
        self.s
            .tx(
                consent::ADD_RECORD,
                (
                    record_id(content),
                    self.patient,
                    LAB,
                    TREAT,
                    digest(content),
                    locator(content),
                ),
            )
            .expect("a decision")
    }
}

/// A record id for a content (ids are chosen by the author's client; here, from the content).
fn record_id(content: &[u8]) -> RecordId {
    u64::from_le_bytes(digest(content).0[..8].try_into().unwrap())
}

fn locator(content: &[u8]) -> EncryptedLocator {
    let mut bytes = b"sealed(".to_vec();
    bytes.extend_from_slice(&digest(content).0);
    EncryptedLocator(bytes)
}

fn granted(basis: AccessBasis) -> AuditOutcome {
    AuditOutcome::Granted(basis)
}

fn denied(reason: DenyReason) -> AuditOutcome {
    AuditOutcome::Denied(reason)
}

fn refused_by_log(inner: Error) -> Error {
    Error::Downstream(Callee::AuditLog, CallFailure::Refused(Box::new(inner)))
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
    let grant = view::grant(&mut w.s.chain, id).unwrap();
    assert_eq!(
        (grant.grantee, grant.scope, grant.revoked_at),
        (Grantee::Account(w.hospital), sc, None)
    );
    // The access contract holds the live slot decisions read.
    assert_eq!(
        view::decision_slots(&mut w.s.chain, w.patient, w.hospital)
            .iter()
            .map(|s| s.id)
            .collect::<Vec<_>>(),
        vec![id]
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
fn grants_expire_on_chain_and_the_end_is_exclusive() {
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
    // The last granted millisecond is valid_until - 1 (what a FHIR Period.end says).
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
        view::patient_cell(&mut w.s.chain, w.patient)
            .unwrap()
            .anyone
            .len(),
        1
    );
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
    w.s.tx(consent::REVOKE_GRANT, d2).unwrap();
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
    s.assert_refused(
        consent::CREATE_GRANT,
        (patient, Grantee::Account(hospital), good, Effect::Permit),
        Error::NotPatientManager,
    );
    s.set_actor(w.hospital);
    s.assert_refused(
        consent::CREATE_GRANT,
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
        s.assert_refused(
            consent::CREATE_GRANT,
            (patient, grantee, scope, effect),
            error,
        );
    }
    // A suspended organisation cannot be granted anything.
    let admin = s.admin();
    s.set_actor(admin);
    s.tx(registry::SUSPEND_ORGANISATION, hospital).unwrap();
    s.set_actor(w.alice);
    s.assert_refused(
        consent::CREATE_GRANT,
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
    w.s.assert_refused(
        consent::CREATE_GRANT,
        (w.patient, Grantee::Account(w.hospital), sc, Effect::Permit),
        Error::TooMany,
    );
    // Expired grants make room again.
    w.s.advance(30 * DAY_MS);
    let fresh = scope(&mut w.s, &[LAB], &[TREAT], 30);
    w.grant(w.alice, Grantee::Account(w.hospital), fresh, Effect::Permit);
    assert_eq!(
        view::patient_grants(&mut w.s.chain, w.patient, 0, 0).total,
        MAX_GRANTS_PER_GRANTEE as u64 + 1
    );
    let listed = view::patient_grants(&mut w.s.chain, w.patient, 2, 3).items;
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
    w.s.assert_refused(consent::CHANGE_GRANT, (id, wider), Error::NotPatientManager);
    w.s.assert_refused(consent::REVOKE_GRANT, id, Error::NotPatientManager);
    w.s.set_actor(w.carer);
    w.s.assert_refused(consent::CHANGE_GRANT, (99u64, wider), Error::GrantNotFound);
    let research = scope(&mut w.s, &[LAB], &[Purpose::Research], 30);
    w.s.assert_refused(
        consent::CHANGE_GRANT,
        (id, research),
        Error::GranteeNotEligible,
    );
    let bad = GrantScope {
        valid_until: sc.valid_from,
        ..sc
    };
    w.s.assert_refused(consent::CHANGE_GRANT, (id, bad), Error::InvalidWindow);
    // The delegate changes it on Alice's behalf.
    w.s.tx(consent::CHANGE_GRANT, (id, wider)).unwrap();
    assert_eq!(w.s.events::<GrantChanged>()[0].scope, wider);
    assert_eq!(
        w.check(hospital, DataCategory::Imaging, Purpose::Operations),
        granted(AccessBasis::Consent(id))
    );

    w.s.set_actor(w.alice);
    w.s.assert_refused(consent::REVOKE_GRANT, 99u64, Error::GrantNotFound);
    w.s.tx(consent::REVOKE_GRANT, id).unwrap();
    assert_eq!(w.s.events::<GrantRevoked>()[0].id, id);
    assert!(view::grant(&mut w.s.chain, id)
        .unwrap()
        .revoked_at
        .is_some());
    assert!(view::decision_slots(&mut w.s.chain, patient, hospital).is_empty());
    assert_eq!(w.check(hospital, LAB, TREAT), denied(DenyReason::NoConsent));
    w.s.set_actor(w.alice);
    w.s.assert_refused(consent::REVOKE_GRANT, id, Error::GrantRevoked);
    w.s.assert_refused(consent::CHANGE_GRANT, (id, wider), Error::GrantRevoked);
    // Grant, change and revoke are all in the patient's trail.
    let actions: Vec<AuditAction> = trail(&mut w.s, patient)
        .iter()
        .map(|e| e.record.action)
        .collect();
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
fn patient_side_and_removed_delegates() {
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
    let by_carer = w.grant(w.carer, Grantee::Account(w.hospital), sc, Effect::Permit);

    // Alice removes her carer: the carer loses every power at once.
    w.s.set_actor(w.alice);
    w.s.tx(registry::REMOVE_DELEGATE, (w.patient, w.carer))
        .unwrap();
    w.s.set_actor(w.carer);
    w.s.assert_refused(
        consent::CREATE_GRANT,
        (w.patient, Grantee::Account(w.hospital), sc, Effect::Permit),
        Error::NotPatientManager,
    );
    w.s.assert_refused(consent::REVOKE_GRANT, by_carer, Error::NotPatientManager);
    assert_eq!(
        w.check(w.carer, LAB, TREAT),
        denied(DenyReason::RoleNotEligible)
    );
    // The grants the carer made for Alice stay (the carer acted for her then): Alice revokes
    // them if she wants (a recovery revokes them with everything else: tests/registry.rs).
    assert_eq!(
        w.check(w.hospital, LAB, TREAT),
        granted(AccessBasis::Consent(by_carer))
    );
    w.s.set_actor(w.alice);
    w.s.tx(consent::REVOKE_GRANT, by_carer).unwrap();
    assert_eq!(
        w.check(w.hospital, LAB, TREAT),
        denied(DenyReason::NoConsent)
    );
}

#[test]
fn suspended_organisations_and_unknown_patients_get_nothing() {
    let mut w = world();
    let sc = scope(&mut w.s, &[LAB], &[TREAT], 30);
    let id = w.grant(w.alice, Grantee::Account(w.hospital), sc, Effect::Permit);
    let admin = w.s.admin();
    w.s.set_actor(admin);
    w.s.tx(registry::SUSPEND_ORGANISATION, w.hospital).unwrap();
    assert_eq!(
        w.check(w.hospital, LAB, TREAT),
        denied(DenyReason::RoleNotEligible)
    );
    w.s.set_actor(admin);
    w.s.tx(registry::REINSTATE_ORGANISATION, w.hospital)
        .unwrap();
    assert_eq!(
        w.check(w.hospital, LAB, TREAT),
        granted(AccessBasis::Consent(id))
    );

    let unknown = w.s.fresh_patient_id();
    w.s.set_actor(w.hospital);
    let d = w.s.tx(access::CHECK_ACCESS, (unknown, LAB, TREAT)).unwrap();
    assert_eq!(d.outcome, denied(DenyReason::PatientNotActive));
}

#[test]
fn grants_do_not_survive_deregistration() {
    let mut w = world();
    let sc = scope(&mut w.s, &[LAB], &[TREAT], 30);
    let old = w.grant(w.alice, Grantee::Account(w.hospital), sc, Effect::Permit);
    let deny = scope(
        &mut w.s,
        &[DataCategory::Genomics],
        &[Purpose::Research],
        30,
    );
    w.grant(w.alice, Grantee::Anyone, deny, Effect::Deny);
    let write = w.add_lab_record(w.hospital, b"report");
    let record = write.record.unwrap();
    w.s.set_actor(w.alice);
    w.s.tx(registry::DEREGISTER_PATIENT, w.patient).unwrap();
    assert_eq!(
        w.check(w.hospital, LAB, TREAT),
        denied(DenyReason::PatientNotActive)
    );
    // Someone registers the same id again: the old grants and records do not apply to them.
    let newcomer = w.s.actor("newcomer");
    w.s.set_actor(newcomer);
    w.s.tx(registry::REGISTER_PATIENT, (w.patient, key_for("newcomer")))
        .unwrap();
    assert!(view::patient_cell(&mut w.s.chain, w.patient)
        .unwrap()
        .anyone
        .is_empty());
    assert_eq!(
        w.check(w.hospital, LAB, TREAT),
        denied(DenyReason::NoConsent)
    );
    w.s.set_actor(w.hospital);
    let read = w.s.tx(access::ACCESS_RECORD, (record, TREAT)).unwrap();
    assert_eq!(read.decision.outcome, denied(DenyReason::PatientNotActive));
    assert_eq!(read.locator, None);
    // Nor can the newcomer rewrite the earlier registration's history: to it they do not exist.
    w.s.set_actor(newcomer);
    w.s.assert_refused(consent::CHANGE_GRANT, (old, sc), Error::GrantNotFound);
    w.s.assert_refused(consent::REVOKE_GRANT, old, Error::GrantNotFound);
}

#[test]
fn records_are_anchored_read_and_amended() {
    let mut w = world();
    // Without consent the write is refused, and the refusal is logged against the category.
    let refused = w.add_lab_record(w.hospital, b"v1");
    assert_eq!(
        (refused.record, refused.decision.outcome),
        (None, denied(DenyReason::NoConsent))
    );
    let entry = view::audit_entry(&mut w.s.chain, refused.decision.audit_seq).unwrap();
    assert_eq!(entry.record.subject, AuditSubject::Category(LAB));
    assert_eq!(
        view::patient_records(&mut w.s.chain, w.patient, 0, 0).total,
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
        (
            anchored.id,
            anchored.version,
            anchored.amends,
            anchored.audit_seq
        ),
        (v1, 1, None, write.decision.audit_seq)
    );
    let meta = view::record_meta(&mut w.s.chain, v1).unwrap();
    assert_eq!(
        (meta.author, meta.content_hash, meta.category),
        (w.hospital, digest(b"v1"), LAB)
    );
    let facts = view::record_facts(&mut w.s.chain, v1).unwrap();
    assert_eq!((facts.author, facts.locator), (w.hospital, locator(b"v1")));

    // Reading returns the locator only when granted; both outcomes are logged.
    w.s.set_actor(w.pharmacy);
    let read = w.s.tx(access::ACCESS_RECORD, (v1, TREAT)).unwrap();
    assert_eq!(read.locator, Some(locator(b"v1")));
    w.s.set_actor(w.researcher);
    let read =
        w.s.tx(access::ACCESS_RECORD, (v1, Purpose::Research))
            .unwrap();
    assert_eq!(
        (read.locator, read.decision.outcome),
        (None, denied(DenyReason::NoConsent))
    );
    assert_eq!(
        w.s.events::<Appended>()[0].records[0].subject,
        AuditSubject::Record(v1)
    );
    w.s.assert_refused(access::ACCESS_RECORD, (99u64, TREAT), Error::RecordNotFound);

    // Amendments make new versions; the old one stays and points to its successor.
    w.s.set_actor(w.hospital);
    let amended =
        w.s.tx(
            consent::AMEND_RECORD,
            (v1, record_id(b"v2"), TREAT, digest(b"v2"), locator(b"v2")),
        )
        .unwrap();
    let v2 = amended.record.unwrap();
    assert_eq!(v2, record_id(b"v2"));
    let anchored = &w.s.events::<RecordAnchored>()[0];
    assert_eq!((anchored.version, anchored.amends), (2, Some(v1)));
    let old = view::record_meta(&mut w.s.chain, v1).unwrap();
    assert_eq!(
        (old.superseded_by, old.content_hash),
        (Some(v2), digest(b"v1"))
    );
    w.s.assert_refused(
        consent::AMEND_RECORD,
        (v1, record_id(b"v3"), TREAT, digest(b"v3"), locator(b"v3")),
        Error::RecordSuperseded,
    );
    w.s.assert_refused(
        consent::AMEND_RECORD,
        (
            77u64,
            record_id(b"v3"),
            TREAT,
            digest(b"v3"),
            locator(b"v3"),
        ),
        Error::RecordNotFound,
    );
    // An id in use is refused before anything is decided or logged.
    w.s.assert_refused(
        consent::AMEND_RECORD,
        (v2, v1, TREAT, digest(b"v3"), locator(b"v3")),
        Error::RecordExists,
    );
    let listed = view::patient_records(&mut w.s.chain, w.patient, 0, 0).items;
    assert_eq!(
        listed.iter().map(|m| m.version).collect::<Vec<_>>(),
        vec![1, 2]
    );
}

/// Finding: "a treatment permit lets a provider supersede another author's record". Writing new
/// records needs a permit; amending one is its author's alone.
#[test]
fn only_the_author_amends_a_record() {
    let mut w = world();
    let sc = scope(&mut w.s, &[LAB], &[TREAT], 30);
    w.grant(w.alice, Grantee::Account(w.hospital), sc, Effect::Permit);
    w.grant(w.alice, Grantee::Account(w.er), sc, Effect::Permit);
    let v1 = w.add_lab_record(w.hospital, b"v1").record.unwrap();
    // The ER holds the same treatment permit: it reads, writes its own records, never amends
    // the hospital's.
    w.s.set_actor(w.er);
    assert!(w
        .s
        .tx(access::ACCESS_RECORD, (v1, TREAT))
        .unwrap()
        .decision
        .is_granted());
    w.s.assert_refused(
        consent::AMEND_RECORD,
        (
            v1,
            record_id(b"forged"),
            TREAT,
            digest(b"forged"),
            locator(b"forged"),
        ),
        Error::NotAuthor,
    );
    assert!(w.add_lab_record(w.er, b"er note").record.is_some());
    // The author still needs consent to write: after revocation its amendment is a denied entry.
    w.s.set_actor(w.alice);
    let grants = view::patient_grants(&mut w.s.chain, w.patient, 0, 0).items;
    w.s.tx(consent::REVOKE_GRANT, grants[0].id).unwrap();
    w.s.set_actor(w.hospital);
    let refused =
        w.s.tx(
            consent::AMEND_RECORD,
            (v1, record_id(b"v2"), TREAT, digest(b"v2"), locator(b"v2")),
        )
        .unwrap();
    assert_eq!(refused.record, None);
    assert_eq!(refused.decision.outcome, denied(DenyReason::NoConsent));
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
            Error::InvalidDigest,
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
        w.s.assert_refused(
            consent::ADD_RECORD,
            (record_id(b"bad"), patient, category, purpose, hash, loc),
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

    w.s.set_actor(er);
    let opened =
        w.s.tx(
            consent::BREAK_GLASS,
            (patient, EmergencyReason::PatientUnconscious),
        )
        .unwrap();
    let BreakGlass::Opened(id) = opened else {
        panic!("{opened:?}")
    };
    let event = &w.s.events::<EmergencyOpened>()[0];
    assert_eq!(
        (event.provider, event.reason),
        (er, EmergencyReason::PatientUnconscious)
    );
    let start = view::audit_entry(&mut w.s.chain, event.audit_seq).unwrap();
    assert_eq!(start.record.action, AuditAction::EmergencyStart);
    assert_eq!(start.record.outcome, granted(AccessBasis::Emergency(id)));
    assert!(view::session(&mut w.s.chain, patient, er).is_some());
    w.s.assert_refused(
        consent::BREAK_GLASS,
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
    let window = view::consent_root(&mut w.s.chain).emergency_window;
    w.s.advance(window);
    assert_eq!(
        w.check(er, DataCategory::MentalHealth, Purpose::EmergencyTreatment),
        denied(DenyReason::DeniedByPatient(0))
    );
    w.s.set_actor(er);
    w.s.assert_refused(consent::CLOSE_EMERGENCY, id, Error::NoEmergency);

    // A second session, closed early by the patient; strangers cannot close it.
    let BreakGlass::Opened(second) =
        w.s.tx(
            consent::BREAK_GLASS,
            (patient, EmergencyReason::ThreatToLife),
        )
        .unwrap()
    else {
        panic!("refused")
    };
    w.s.set_actor(w.stranger);
    w.s.assert_refused(consent::CLOSE_EMERGENCY, second, Error::NotParty);
    w.s.set_actor(w.hospital);
    w.s.assert_refused(consent::CLOSE_EMERGENCY, second, Error::NotParty);
    w.s.set_actor(w.alice);
    w.s.tx(consent::CLOSE_EMERGENCY, second).unwrap();
    let closed = &w.s.events::<EmergencyClosed>()[0];
    assert_eq!(closed.by, w.alice);
    assert!(closed.audit_seq.is_some());
    assert!(view::session(&mut w.s.chain, patient, er).is_none());
    w.s.assert_refused(consent::CLOSE_EMERGENCY, second, Error::NoEmergency);
    w.s.assert_refused(consent::CLOSE_EMERGENCY, 42u64, Error::NoEmergency);
    assert_eq!(
        w.check(er, DataCategory::MentalHealth, Purpose::EmergencyTreatment),
        denied(DenyReason::DeniedByPatient(0))
    );

    // Both sessions are in the review lists the patient and regulators read.
    let mine = view::patient_emergencies(&mut w.s.chain, patient, 0, 0).items;
    assert_eq!(
        mine.iter().map(|e| e.id).collect::<Vec<_>>(),
        vec![id, second]
    );
    assert_eq!(mine[1].closed_by, Some(w.alice));
    assert_eq!(view::emergencies(&mut w.s.chain, 0, 0).total, 2);
    assert_eq!(view::emergencies(&mut w.s.chain, 1, 5).items[0].id, second);
}

/// Finding: "refused break-glass attempts leave no trace". They are answered and logged as
/// denied entries (nothing else changes).
#[test]
fn refused_break_glass_attempts_are_logged() {
    let mut w = world();
    let patient = w.patient;
    let unknown = w.s.fresh_patient_id();
    for (who, target, reason) in [
        (w.pharmacy, patient, DenyReason::RoleNotEligible),
        (w.stranger, patient, DenyReason::RoleNotEligible),
        (w.er, unknown, DenyReason::PatientNotActive),
    ] {
        w.s.set_actor(who);
        let answer =
            w.s.tx(
                consent::BREAK_GLASS,
                (target, EmergencyReason::ThreatToLife),
            )
            .unwrap();
        let BreakGlass::Refused(decision) = answer else {
            panic!("{answer:?}")
        };
        assert_eq!(decision.outcome, denied(reason));
        let entry = view::audit_entry(&mut w.s.chain, decision.audit_seq).unwrap();
        assert_eq!(
            (
                entry.record.action,
                entry.record.actor,
                entry.record.patient
            ),
            (AuditAction::EmergencyStart, who, Some(target))
        );
        assert!(w.s.events::<EmergencyOpened>().is_empty());
    }
    assert_eq!(view::emergencies(&mut w.s.chain, 0, 0).total, 0);
    // The patient sees the attempts in her trail.
    let attempts = trail(&mut w.s, patient)
        .iter()
        .filter(|e| e.record.action == AuditAction::EmergencyStart)
        .count();
    assert_eq!(attempts, 2);
}

/// Findings (round 3): "break-glass with the emergency custodian lets any provider read every
/// custodian-backed patient over their deny rules". A patient may refuse break-glass outright (a
/// restriction: an open session stops counting at once, and it works while paused); every session
/// is reviewed by a regulator or governance, once, and lists as awaiting review until then.
#[test]
fn a_patient_refuses_break_glass_and_every_session_is_reviewed() {
    let mut w = world();
    let (patient, er) = (w.patient, w.er);
    w.s.set_actor(er);
    let BreakGlass::Opened(id) =
        w.s.tx(
            consent::BREAK_GLASS,
            (patient, EmergencyReason::PatientUnconscious),
        )
        .unwrap()
    else {
        panic!("refused")
    };
    assert!(w.check(er, LAB, Purpose::EmergencyTreatment).is_granted());
    let awaiting = view::patient_emergencies(&mut w.s.chain, patient, 0, 0).items;
    assert!(awaiting.iter().all(|e| e.review.is_none()));

    // Only the controller refuses; the refusal works with every contract paused.
    w.s.set_actor(w.stranger);
    w.s.assert_refused(
        registry::SET_BREAK_GLASS_REFUSAL,
        (patient, true),
        Error::NotController,
    );
    let admin = w.s.admin();
    w.s.set_actor(admin);
    for contract in Contract::ALL {
        w.s.tx(govern(contract), GovAction::SetPaused(true))
            .unwrap();
    }
    w.s.set_actor(w.alice);
    w.s.tx(registry::SET_BREAK_GLASS_REFUSAL, (patient, true))
        .unwrap();
    w.s.set_actor(admin);
    for contract in Contract::ALL {
        w.s.tx(govern(contract), GovAction::SetPaused(false))
            .unwrap();
    }
    // The open session no longer counts; a new one is refused (and logged).
    assert_eq!(
        w.check(er, LAB, Purpose::EmergencyTreatment),
        denied(DenyReason::NoConsent)
    );
    w.s.set_actor(er);
    let answer =
        w.s.tx(
            consent::BREAK_GLASS,
            (patient, EmergencyReason::ThreatToLife),
        )
        .unwrap();
    let BreakGlass::Refused(decision) = answer else {
        panic!("{answer:?}")
    };
    assert_eq!(decision.outcome, denied(DenyReason::BreakGlassRefused));

    // A review: not by the provider or a stranger; by a regulator, once, with its findings' hash.
    let regulator = w.s.organisation("regulator", &[Role::Regulator]);
    let findings = digest(b"review of session 0: justified");
    for who in [er, w.stranger, w.alice] {
        w.s.set_actor(who);
        w.s.assert_refused(consent::REVIEW_EMERGENCY, (id, findings), Error::NotParty);
    }
    w.s.set_actor(regulator);
    w.s.assert_refused(
        consent::REVIEW_EMERGENCY,
        (id, Digest::ZERO),
        Error::InvalidDigest,
    );
    w.s.tx(consent::REVIEW_EMERGENCY, (id, findings)).unwrap();
    let review = view::emergency(&mut w.s.chain, id).unwrap().review.unwrap();
    assert_eq!((review.by, review.findings), (regulator, findings));
    assert_eq!(w.s.events::<EmergencyReviewed>()[0].id, id);
    w.s.assert_refused(
        consent::REVIEW_EMERGENCY,
        (id, findings),
        Error::AlreadyReviewed,
    );
}

/// The custodian holds a key slot of every record of its patients: a provider cannot be one.
#[test]
fn a_provider_cannot_be_a_patients_custodian() {
    let mut w = world();
    w.s.set_actor(w.alice);
    w.s.assert_refused(
        registry::SET_CUSTODIAN,
        (w.patient, Some(w.er)),
        Error::CustodianNotEligible,
    );
    let custodian = w.s.organisation("key-custodian", &[Role::Researcher]);
    w.s.set_actor(w.alice);
    w.s.tx(registry::SET_CUSTODIAN, (w.patient, Some(custodian)))
        .unwrap();
}

#[test]
fn emergency_window_is_governed() {
    let mut w = world();
    w.s.set_actor(w.stranger);
    w.s.assert_refused(
        consent::SET_EMERGENCY_WINDOW,
        2 * 3_600_000u64,
        Error::NotGovernor,
    );
    let admin = w.s.admin();
    w.s.set_actor(admin);
    w.s.assert_refused(
        consent::SET_EMERGENCY_WINDOW,
        1_000u64,
        Error::InvalidWindow,
    );
    w.s.assert_refused(
        consent::SET_EMERGENCY_WINDOW,
        4 * DAY_MS,
        Error::InvalidWindow,
    );
    w.s.tx(consent::SET_EMERGENCY_WINDOW, 2 * 3_600_000u64)
        .unwrap();
    assert_eq!(
        w.s.events::<EmergencyWindowChanged>()[0].window,
        2 * 3_600_000
    );
    w.s.set_actor(w.er);
    let BreakGlass::Opened(session) =
        w.s.tx(
            consent::BREAK_GLASS,
            (w.patient, EmergencyReason::ThreatToLife),
        )
        .unwrap()
    else {
        panic!("refused")
    };
    let e = view::emergency(&mut w.s.chain, session).unwrap();
    assert_eq!(e.expires_at - e.opened_at, 2 * 3_600_000);
}

/// Disclosures are asked by relying contracts only (contracts, added by governance); the entry
/// names the recipient as actor and the claimant who triggered it; the claimant must be the
/// record's author.
#[test]
fn disclosures_are_for_relying_contracts_name_both_parties_and_need_the_author() {
    let mut w = world();
    let insurer = w.s.organisation("insurer", &[Role::Insurer]);
    let relay = doubles::faulty(&mut w.s.chain, Mode::Refuse);
    let sc = scope(&mut w.s, &[LAB], &[TREAT], 30);
    w.grant(w.alice, Grantee::Account(w.hospital), sc, Effect::Permit);
    w.grant(w.alice, Grantee::Account(w.er), sc, Effect::Permit);
    let record = w.add_lab_record(w.hospital, b"report").record.unwrap();
    let other = w.s.fresh_patient_id();
    let (patient, admin, hospital, er) = (w.patient, w.s.admin(), w.hospital, w.er);
    let ask = |s: &mut Suite, p: PatientId, r: RecordId, claimant: AccountId| {
        doubles::relay(
            &mut s.chain,
            relay,
            access::AUTHORIZE_DISCLOSURE,
            (p, r, claimant, insurer, Purpose::Payment),
        )
        .expect("answered")
    };
    assert_eq!(
        ask(&mut w.s, patient, record, hospital),
        Err(Error::NotSuiteContract)
    );
    // Only governance adds relying contracts, and only contracts.
    w.s.set_actor(w.stranger);
    w.s.assert_refused(access::WIRE, Wiring::AddRelying(relay), Error::NotGovernor);
    w.s.set_actor(admin);
    w.s.assert_refused(
        access::WIRE,
        Wiring::AddRelying(w.stranger),
        Error::NotAContract,
    );
    w.s.tx(access::WIRE, Wiring::AddRelying(relay)).unwrap();
    w.s.assert_refused(
        access::WIRE,
        Wiring::AddRelying(relay),
        Error::RelyingContractExists,
    );
    assert!(view::access_root(&mut w.s.chain).relying.contains(&relay));

    assert_eq!(
        ask(&mut w.s, other, record, hospital),
        Err(Error::RecordPatientMismatch)
    );
    assert_eq!(
        ask(&mut w.s, patient, 99, hospital),
        Err(Error::RecordNotFound)
    );
    // Finding: "any provider can cite another provider's record". The ER did not write it.
    assert_eq!(ask(&mut w.s, patient, record, er), Err(Error::NotAuthor));
    let before = ask(&mut w.s, patient, record, hospital).unwrap();
    assert_eq!(before.decision.outcome, denied(DenyReason::NoConsent));
    assert_eq!(before.registration, Some(1));
    assert_eq!(before.claimant_roles, RoleSet::of(&[Role::Provider]));
    let entry = view::audit_entry(&mut w.s.chain, before.decision.audit_seq).unwrap();
    assert_eq!(
        (
            entry.record.action,
            entry.record.actor,
            entry.record.initiator,
            entry.record.subject
        ),
        (
            AuditAction::Disclosure,
            insurer,
            Some(hospital),
            AuditSubject::Record(record)
        )
    );
    let pay = scope(&mut w.s, &[LAB], &[Purpose::Payment], 30);
    let id = w.grant(w.alice, Grantee::Account(insurer), pay, Effect::Permit);
    assert_eq!(
        ask(&mut w.s, patient, record, hospital)
            .unwrap()
            .decision
            .outcome,
        granted(AccessBasis::Consent(id))
    );

    w.s.set_actor(admin);
    w.s.tx(access::WIRE, Wiring::RemoveRelying(relay)).unwrap();
    w.s.assert_refused(
        access::WIRE,
        Wiring::RemoveRelying(relay),
        Error::RelyingContractNotFound,
    );
    assert_eq!(
        ask(&mut w.s, patient, record, hospital),
        Err(Error::NotSuiteContract)
    );
}

#[test]
fn when_the_audit_log_refuses_nothing_unlogged_is_granted() {
    // Consent is not a writer: what consent logs is refused; access (a writer) still decides.
    let mut w = world_with(DeployOptions {
        not_writers: vec![Contract::Consent],
        ..DeployOptions::default()
    });
    let (patient, hospital) = (w.patient, w.hospital);
    let sc = scope(&mut w.s, &[LAB], &[TREAT], 30);
    w.s.set_actor(w.alice);
    w.s.assert_refused(
        consent::CREATE_GRANT,
        (patient, Grantee::Account(hospital), sc, Effect::Permit),
        refused_by_log(Error::NotWriter),
    );
    w.s.set_actor(w.er);
    w.s.assert_refused(
        consent::BREAK_GLASS,
        (patient, EmergencyReason::ThreatToLife),
        refused_by_log(Error::NotWriter),
    );
    assert_eq!(w.check(hospital, LAB, TREAT), denied(DenyReason::NoConsent));

    // Once governance registers consent as a writer, the same requests go through.
    let (admin, consent_address) = (w.s.admin(), w.s.address(Contract::Consent));
    w.s.set_actor(admin);
    w.s.tx(audit_log::ADD_WRITER, consent_address).unwrap();
    w.grant(w.alice, Grantee::Account(hospital), sc, Effect::Permit);

    // A paused audit log refuses every decision: access fails closed.
    w.s.set_actor(admin);
    w.s.tx(msg::govern(Contract::AuditLog), GovAction::SetPaused(true))
        .unwrap();
    w.s.set_actor(hospital);
    w.s.assert_refused(
        access::CHECK_ACCESS,
        (patient, LAB, TREAT),
        refused_by_log(Error::Paused),
    );
}

/// Finding: "pausing the audit log (or removing a contract as writer) makes revoking a grant and
/// closing a break-glass session fail". They take effect; their entries wait in consent's queue
/// and anyone flushes them once the log takes them again.
#[test]
fn restrictions_go_through_when_the_log_refuses_and_their_entries_are_queued() {
    let mut w = world();
    let sc = scope(&mut w.s, &[LAB], &[TREAT], 30);
    let grant = w.grant(w.alice, Grantee::Account(w.hospital), sc, Effect::Permit);
    w.s.set_actor(w.er);
    let BreakGlass::Opened(session) =
        w.s.tx(
            consent::BREAK_GLASS,
            (w.patient, EmergencyReason::ThreatToLife),
        )
        .unwrap()
    else {
        panic!("refused")
    };
    let admin = w.s.admin();
    let consent_address = w.s.address(Contract::Consent);
    w.s.set_actor(admin);
    w.s.tx(msg::govern(Contract::AuditLog), GovAction::SetPaused(true))
        .unwrap();
    w.s.tx(audit_log::REMOVE_WRITER, consent_address).unwrap();
    let count = view::audit_root(&mut w.s.chain).count;

    w.s.set_actor(w.alice);
    w.s.tx(consent::REVOKE_GRANT, grant).unwrap();
    assert_eq!(w.s.events::<AuditDeferred>()[0].position, 0);
    w.s.tx(consent::CLOSE_EMERGENCY, session).unwrap();
    assert_eq!(w.s.events::<EmergencyClosed>()[0].audit_seq, None);
    assert_eq!(
        view::deferred_audit(&mut w.s.chain, Contract::Consent).len(),
        2
    );
    assert_eq!(view::audit_root(&mut w.s.chain).count, count);
    // Both restrictions hold (decisions are refused while the log is paused; once it runs,
    // nothing is granted on the revoked grant or the closed session).
    w.s.set_actor(admin);
    w.s.tx(msg::govern(Contract::AuditLog), GovAction::SetPaused(false))
        .unwrap();
    assert_eq!(
        w.check(w.hospital, LAB, TREAT),
        denied(DenyReason::NoConsent)
    );
    assert_eq!(
        w.check(w.er, LAB, Purpose::EmergencyTreatment),
        denied(DenyReason::NoConsent)
    );
    // Flushing needs the log to take consent's entries again.
    w.s.set_actor(w.stranger);
    w.s.assert_refused(consent::FLUSH_AUDIT, (), refused_by_log(Error::NotWriter));
    w.s.set_actor(admin);
    w.s.tx(audit_log::ADD_WRITER, consent_address).unwrap();
    w.s.set_actor(w.stranger);
    assert_eq!(w.s.tx(consent::FLUSH_AUDIT, ()), Ok(2));
    assert_eq!(w.s.events::<AuditFlushed>()[0].count, 2);
    assert!(view::deferred_audit(&mut w.s.chain, Contract::Consent).is_empty());
    let actions: Vec<AuditAction> = trail(&mut w.s, w.patient)
        .iter()
        .map(|e| e.record.action)
        .collect();
    assert!(actions.ends_with(&[AuditAction::ConsentRevoke, AuditAction::EmergencyStop]));
    w.s.assert_refused(consent::FLUSH_AUDIT, (), Error::Empty);
    assert!(carechain_sdk::audit::verify_deployed(&mut w.s.chain).is_ok());
}

#[test]
fn paused_consent_refuses_grants_but_restricts() {
    let mut w = world();
    let sc = scope(&mut w.s, &[LAB], &[TREAT], 30);
    let id = w.grant(w.alice, Grantee::Account(w.hospital), sc, Effect::Permit);
    let admin = w.s.admin();
    w.s.set_actor(w.er);
    let BreakGlass::Opened(session) =
        w.s.tx(
            consent::BREAK_GLASS,
            (w.patient, EmergencyReason::PatientUnconscious),
        )
        .unwrap()
    else {
        panic!("refused")
    };
    w.s.set_actor(admin);
    w.s.tx(msg::govern(Contract::Consent), GovAction::SetPaused(true))
        .unwrap();
    let patient = w.patient;
    w.s.set_actor(w.alice);
    w.s.assert_refused(
        consent::CREATE_GRANT,
        (patient, Grantee::Account(w.er), sc, Effect::Permit),
        Error::Paused,
    );
    // Paused or not, a patient withdraws consent and an emergency session can be closed.
    w.s.tx(consent::REVOKE_GRANT, id).unwrap();
    assert_eq!(w.s.events::<GrantRevoked>()[0].id, id);
    w.s.set_actor(w.er);
    w.s.tx(consent::CLOSE_EMERGENCY, session).unwrap();
    assert_eq!(w.s.events::<EmergencyClosed>()[0].id, session);
    // What grants access stays refused.
    w.s.assert_refused(
        consent::BREAK_GLASS,
        (patient, EmergencyReason::PatientUnconscious),
        Error::Paused,
    );
    // Decisions run in access, which is not paused: they see the revocation.
    assert_eq!(
        w.check(w.hospital, LAB, TREAT),
        denied(DenyReason::NoConsent)
    );
}

#[test]
fn paused_access_refuses_decisions_but_takes_restrictions() {
    let mut w = world();
    let sc = scope(&mut w.s, &[LAB], &[TREAT], 30);
    let id = w.grant(w.alice, Grantee::Account(w.hospital), sc, Effect::Permit);
    let admin = w.s.admin();
    w.s.set_actor(admin);
    w.s.tx(msg::govern(Contract::Access), GovAction::SetPaused(true))
        .unwrap();
    let patient = w.patient;
    w.s.set_actor(w.hospital);
    w.s.assert_refused(access::CHECK_ACCESS, (patient, LAB, TREAT), Error::Paused);
    // A new grant would write the projection: refused, with the pause named.
    w.s.set_actor(w.alice);
    w.s.assert_refused(
        consent::CREATE_GRANT,
        (patient, Grantee::Account(w.er), sc, Effect::Permit),
        Error::Downstream(
            Callee::Access,
            CallFailure::Refused(Box::new(Error::Paused)),
        ),
    );
    // A revocation goes through.
    w.s.tx(consent::REVOKE_GRANT, id).unwrap();
    w.s.set_actor(admin);
    w.s.tx(msg::govern(Contract::Access), GovAction::SetPaused(false))
        .unwrap();
    assert_eq!(
        w.check(w.hospital, LAB, TREAT),
        denied(DenyReason::NoConsent)
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
    let before = view::audit_root(&mut w.s.chain).count;
    let decisions =
        w.s.tx(access::CHECK_ACCESS_BATCH, (patient, requests.clone()))
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
    // One audit entry per request, in order, under consecutive numbers, stored together and
    // announced in one event.
    let seqs: Vec<u64> = decisions.iter().map(|d| d.audit_seq).collect();
    assert_eq!(seqs, (before..before + 4).collect::<Vec<_>>());
    let appended = w.s.events::<Appended>();
    assert_eq!((appended.len(), appended[0].records.len()), (1, 4));
    assert_eq!(
        view::audit_chunk(&mut w.s.chain, before).map(|c| c.len()),
        Some(4)
    );
    for (decision, request) in decisions.iter().zip(&requests) {
        let entry = view::audit_entry(&mut w.s.chain, decision.audit_seq).unwrap();
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
        carechain_sdk::audit::verify_deployed(&mut w.s.chain).map(|n| n > 0),
        Ok(true)
    );

    w.s.set_actor(w.hospital);
    w.s.assert_refused(
        access::CHECK_ACCESS_BATCH,
        (patient, Vec::<AccessRequest>::new()),
        Error::Empty,
    );
    w.s.assert_refused(
        access::CHECK_ACCESS_BATCH,
        (patient, vec![request(LAB, TREAT); MAX_ACCESS_BATCH + 1]),
        Error::TooMany,
    );
    w.s.set_actor(w.carer);
    let own =
        w.s.tx(
            access::CHECK_ACCESS_BATCH,
            (patient, vec![request(DataCategory::MentalHealth, TREAT)]),
        )
        .unwrap();
    assert_eq!(own[0].outcome, granted(AccessBasis::PatientSide));
}

#[test]
fn batched_checks_refuse_when_the_audit_log_refuses() {
    let mut w = world_with(DeployOptions {
        not_writers: vec![Contract::Access],
        ..DeployOptions::default()
    });
    let patient = w.patient;
    w.s.set_actor(w.hospital);
    w.s.assert_refused(
        access::CHECK_ACCESS_BATCH,
        (
            patient,
            vec![AccessRequest {
                category: LAB,
                purpose: TREAT,
            }],
        ),
        refused_by_log(Error::NotWriter),
    );
}
