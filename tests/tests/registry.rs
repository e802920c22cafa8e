//! The identity registry on the in-process chain: every message, success and failure; wrong
//! callers get a typed error and leave storage untouched.

use carechain_tests::common::events::registry::*;
use carechain_tests::common::events::{AdminChanged, GovernorAdded, PauseChanged};
use carechain_tests::common::*;
use carechain_tests::Ledger;
use carechain_tests::{credential, key_for, Contract, Suite};
use ink::primitives::AccountId;

const R: Contract = Contract::Registry;

fn zero() -> AccountId {
    AccountId::from([0u8; 32])
}

fn patient_record(s: &mut Suite, id: PatientId) -> Patient {
    s.query::<Option<Patient>>(R, "patient", id)
        .expect("patient exists")
}

#[test]
fn admin_moves_in_two_steps() {
    let mut s = Suite::deploy();
    let admin = s.admin();
    let next = s.actor("next-admin");
    let stranger = s.actor("stranger");
    assert_eq!(
        s.query::<GovernanceInfo>(R, "Governed::governance", ())
            .admin,
        admin
    );

    s.set_actor(stranger);
    s.assert_refused::<()>(R, "Governed::propose_admin", stranger, Error::NotAdmin);
    s.assert_refused::<()>(R, "Governed::accept_admin", (), Error::NoPendingAdmin);

    s.set_actor(admin);
    s.assert_refused::<()>(R, "Governed::propose_admin", zero(), Error::ZeroAccount);
    s.tx::<()>(R, "Governed::propose_admin", next).unwrap();
    assert_eq!(
        s.query::<GovernanceInfo>(R, "Governed::governance", ())
            .pending_admin,
        Some(next)
    );

    s.set_actor(stranger);
    s.assert_refused::<()>(R, "Governed::accept_admin", (), Error::NotPendingAccount);
    s.set_actor(next);
    s.tx::<()>(R, "Governed::accept_admin", ()).unwrap();
    let changed = s.events::<AdminChanged>();
    assert_eq!(changed.len(), 1);
    assert_eq!((changed[0].previous, changed[0].admin), (admin, next));
    assert_eq!(
        s.query::<GovernanceInfo>(R, "Governed::governance", ())
            .admin,
        next
    );
    assert_eq!(
        s.query::<GovernanceInfo>(R, "Governed::governance", ())
            .pending_admin,
        None
    );

    // The old admin has no power left.
    s.set_actor(admin);
    s.assert_refused::<()>(R, "Governed::add_governor", stranger, Error::NotAdmin);
}

#[test]
fn governors_register_and_pause() {
    let mut s = Suite::deploy();
    let admin = s.admin();
    let governor = s.actor("governor");
    let clinic = s.actor("clinic");
    let stranger = s.actor("stranger");

    s.set_actor(stranger);
    s.assert_refused::<()>(R, "Governed::add_governor", governor, Error::NotAdmin);
    s.assert_refused::<()>(R, "Governed::set_paused", true, Error::NotGovernor);

    s.set_actor(admin);
    s.tx::<()>(R, "Governed::add_governor", governor).unwrap();
    assert_eq!(s.events::<GovernorAdded>()[0].account, governor);
    s.assert_refused::<()>(
        R,
        "Governed::add_governor",
        governor,
        Error::AlreadyGovernor,
    );
    s.assert_refused::<()>(R, "Governed::add_governor", zero(), Error::ZeroAccount);
    s.assert_refused::<()>(
        R,
        "Governed::remove_governor",
        stranger,
        Error::NotAGovernor,
    );
    assert!(s.query::<bool>(R, "Governed::is_governor", governor));
    assert!(s.query::<bool>(R, "Governed::is_governor", admin));

    // A governor credentials organisations and pauses; only the admin manages governors.
    s.set_actor(governor);
    s.tx::<()>(
        R,
        "register_organisation",
        (clinic, RoleSet::of(&[Role::Provider]), credential("clinic")),
    )
    .unwrap();
    s.assert_refused::<()>(R, "Governed::remove_governor", governor, Error::NotAdmin);
    s.tx::<()>(R, "Governed::set_paused", true).unwrap();
    assert!(s.events::<PauseChanged>()[0].paused);
    assert!(
        s.query::<GovernanceInfo>(R, "Governed::governance", ())
            .paused
    );

    // Paused: writes refuse, reads work.
    let patient = s.actor("patient");
    s.set_actor(patient);
    s.assert_refused::<u64>(
        R,
        "register_patient",
        (PatientId([7; 32]), key_for("p")),
        Error::Paused,
    );
    assert!(s.query::<bool>(R, "IdentityView::has_role", (clinic, Role::Provider)));

    // A pause never stops a restriction: governance suspends while paused, but gives roles
    // back only after the unpause.
    s.set_actor(governor);
    s.tx::<()>(R, "suspend_organisation", clinic).unwrap();
    assert!(!s.query::<bool>(R, "IdentityView::has_role", (clinic, Role::Provider)));
    s.assert_refused::<()>(R, "reinstate_organisation", clinic, Error::Paused);

    s.tx::<()>(R, "Governed::set_paused", false).unwrap();
    s.tx::<()>(R, "reinstate_organisation", clinic).unwrap();
    s.set_actor(admin);
    s.tx::<()>(R, "Governed::remove_governor", governor)
        .unwrap();
    s.set_actor(governor);
    s.assert_refused::<()>(R, "Governed::set_paused", true, Error::NotGovernor);
    s.set_actor(patient);
    s.tx::<u64>(R, "register_patient", (PatientId([7; 32]), key_for("p")))
        .unwrap();
}

#[test]
fn organisations_register_with_valid_roles_and_credential() {
    let mut s = Suite::deploy();
    let admin = s.admin();
    let lab = s.actor("lab");
    let stranger = s.actor("stranger");
    let roles = RoleSet::of(&[Role::Provider, Role::Researcher]);

    s.set_actor(stranger);
    s.assert_refused::<()>(
        R,
        "register_organisation",
        (lab, roles, credential("lab")),
        Error::NotGovernor,
    );

    s.set_actor(admin);
    for (account, roles, cred, error) in [
        (zero(), roles, credential("lab"), Error::ZeroAccount),
        (lab, RoleSet(0), credential("lab"), Error::InvalidSet),
        (
            lab,
            RoleSet(0b1000_0000),
            credential("lab"),
            Error::InvalidSet,
        ),
        (lab, roles, Digest::ZERO, Error::InvalidCredential),
    ] {
        s.assert_refused::<()>(R, "register_organisation", (account, roles, cred), error);
    }
    s.tx::<()>(R, "register_organisation", (lab, roles, credential("lab")))
        .unwrap();
    let event = &s.events::<OrganisationRegistered>()[0];
    assert_eq!(
        (event.account, event.roles, event.credential),
        (lab, roles, credential("lab"))
    );
    s.assert_refused::<()>(
        R,
        "register_organisation",
        (lab, roles, credential("lab")),
        Error::OrganisationExists,
    );
    let org = s
        .query::<Option<Organisation>>(R, "organisation", lab)
        .unwrap();
    assert_eq!(org.status, OrgStatus::Active);
    assert_eq!(org.credential, credential("lab"));
    assert!(s.query::<bool>(R, "IdentityView::has_role", (lab, Role::Researcher)));
    assert!(!s.query::<bool>(R, "IdentityView::has_role", (lab, Role::Insurer)));
    assert_eq!(s.query::<RoleSet>(R, "IdentityView::roles_of", lab), roles);

    // A patient's controller cannot be credentialed as an organisation.
    let (patient, _) = s.patient("patient");
    s.set_actor(admin);
    s.assert_refused::<()>(
        R,
        "register_organisation",
        (patient, roles, credential("x")),
        Error::AccountInUse,
    );
}

#[test]
fn organisations_suspend_reinstate_revoke() {
    let mut s = Suite::deploy();
    let admin = s.admin();
    let pharmacy = s.organisation("pharmacy", &[Role::Pharmacy]);
    let stranger = s.actor("stranger");
    let unknown = s.actor("unknown");

    s.set_actor(stranger);
    for message in [
        "suspend_organisation",
        "reinstate_organisation",
        "revoke_organisation",
    ] {
        s.assert_refused::<()>(R, message, pharmacy, Error::NotGovernor);
    }

    s.set_actor(admin);
    s.assert_refused::<()>(
        R,
        "suspend_organisation",
        unknown,
        Error::OrganisationNotFound,
    );
    s.assert_refused::<()>(
        R,
        "reinstate_organisation",
        pharmacy,
        Error::OrganisationWrongState,
    );
    s.tx::<()>(R, "suspend_organisation", pharmacy).unwrap();
    assert_eq!(
        s.events::<OrganisationStatusChanged>()[0].status,
        OrgStatus::Suspended
    );
    // A suspended organisation holds no role, in every read other contracts use.
    assert!(!s.query::<bool>(R, "IdentityView::has_role", (pharmacy, Role::Pharmacy)));
    assert_eq!(
        s.query::<RoleSet>(R, "IdentityView::roles_of", pharmacy),
        RoleSet::EMPTY
    );
    s.assert_refused::<()>(
        R,
        "suspend_organisation",
        pharmacy,
        Error::OrganisationWrongState,
    );

    s.tx::<()>(R, "reinstate_organisation", pharmacy).unwrap();
    assert!(s.query::<bool>(R, "IdentityView::has_role", (pharmacy, Role::Pharmacy)));

    s.tx::<()>(R, "suspend_organisation", pharmacy).unwrap();
    s.tx::<()>(R, "revoke_organisation", pharmacy).unwrap();
    assert!(!s.query::<bool>(R, "IdentityView::has_role", (pharmacy, Role::Pharmacy)));
    for message in [
        "suspend_organisation",
        "reinstate_organisation",
        "revoke_organisation",
    ] {
        s.assert_refused::<()>(R, message, pharmacy, Error::OrganisationRevoked);
    }
    s.assert_refused::<()>(
        R,
        "register_organisation",
        (
            pharmacy,
            RoleSet::of(&[Role::Pharmacy]),
            credential("again"),
        ),
        Error::OrganisationRevoked,
    );
    s.assert_refused::<()>(
        R,
        "update_organisation",
        (
            pharmacy,
            RoleSet::of(&[Role::Pharmacy]),
            credential("again"),
        ),
        Error::OrganisationRevoked,
    );
}

#[test]
fn organisations_update_roles_and_credential() {
    let mut s = Suite::deploy();
    let admin = s.admin();
    let firm = s.organisation("firm", &[Role::Manufacturer]);
    let stranger = s.actor("stranger");
    let renewed = credential("renewed licence");
    let roles = RoleSet::of(&[Role::Manufacturer, Role::Distributor]);

    s.set_actor(stranger);
    s.assert_refused::<()>(
        R,
        "update_organisation",
        (firm, roles, renewed),
        Error::NotGovernor,
    );
    s.set_actor(admin);
    s.assert_refused::<()>(
        R,
        "update_organisation",
        (stranger, roles, renewed),
        Error::OrganisationNotFound,
    );
    s.assert_refused::<()>(
        R,
        "update_organisation",
        (firm, RoleSet(0), renewed),
        Error::InvalidSet,
    );
    s.assert_refused::<()>(
        R,
        "update_organisation",
        (firm, roles, Digest::ZERO),
        Error::InvalidCredential,
    );
    s.tx::<()>(R, "update_organisation", (firm, roles, renewed))
        .unwrap();
    assert_eq!(s.events::<OrganisationUpdated>()[0].credential, renewed);
    assert!(s.query::<bool>(R, "IdentityView::has_role", (firm, Role::Distributor)));
    let org = s
        .query::<Option<Organisation>>(R, "organisation", firm)
        .unwrap();
    assert_eq!((org.roles, org.credential), (roles, renewed));
}

#[test]
fn patients_register_with_random_ids() {
    let mut s = Suite::deploy();
    let hospital = s.organisation("hospital", &[Role::Provider]);
    let alice = s.actor("alice");
    let bob = s.actor("bob");
    let id = s.fresh_patient_id();

    s.set_actor(alice);
    s.assert_refused::<u64>(
        R,
        "register_patient",
        (PatientId([0; 32]), key_for("alice")),
        Error::InvalidPatientId,
    );
    s.assert_refused::<u64>(
        R,
        "register_patient",
        (id, EncryptionKey([0; 32])),
        Error::InvalidKey,
    );
    assert_eq!(
        s.tx::<u64>(R, "register_patient", (id, key_for("alice"))),
        Ok(1)
    );
    let event = &s.events::<PatientRegistered>()[0];
    assert_eq!(
        (event.patient, event.controller, event.registration),
        (id, alice, 1)
    );
    let record = patient_record(&mut s, id);
    assert_eq!(record.controller, alice);
    assert_eq!(record.key, key_for("alice"));
    assert_eq!(
        s.query::<Option<PatientId>>(R, "patient_of", alice),
        Some(id)
    );

    // One patient per account, one account per patient id, no organisation as controller.
    let other = s.fresh_patient_id();
    s.assert_refused::<u64>(
        R,
        "register_patient",
        (other, key_for("a2")),
        Error::AlreadyController,
    );
    s.set_actor(bob);
    s.assert_refused::<u64>(
        R,
        "register_patient",
        (id, key_for("bob")),
        Error::PatientExists,
    );
    s.set_actor(hospital);
    s.assert_refused::<u64>(
        R,
        "register_patient",
        (other, key_for("h")),
        Error::AccountInUse,
    );
    s.set_actor(bob);
    assert_eq!(
        s.tx::<u64>(R, "register_patient", (other, key_for("bob"))),
        Ok(2)
    );
    assert_eq!(s.query::<u64>(R, "registrations", ()), 2);
}

#[test]
fn controller_rotates_key() {
    let mut s = Suite::deploy();
    let (alice, id) = s.patient("alice");
    let mallory = s.actor("mallory");
    let unknown = s.fresh_patient_id();

    s.set_actor(mallory);
    s.assert_refused::<()>(
        R,
        "rotate_key",
        (id, key_for("mallory")),
        Error::NotController,
    );
    s.set_actor(alice);
    s.assert_refused::<()>(
        R,
        "rotate_key",
        (unknown, key_for("x")),
        Error::PatientNotFound,
    );
    s.assert_refused::<()>(
        R,
        "rotate_key",
        (id, EncryptionKey([0; 32])),
        Error::InvalidKey,
    );
    s.tx::<()>(R, "rotate_key", (id, key_for("alice-2")))
        .unwrap();
    assert_eq!(s.events::<PatientKeyRotated>()[0].key, key_for("alice-2"));
    assert_eq!(patient_record(&mut s, id).key, key_for("alice-2"));
}

#[test]
fn control_moves_in_two_steps() {
    let mut s = Suite::deploy();
    let (alice, id) = s.patient("alice");
    let (bob, _) = s.patient("bob");
    let phone = s.actor("alice-new-phone");
    let mallory = s.actor("mallory");
    let clinic = s.organisation("clinic", &[Role::Provider]);

    s.set_actor(mallory);
    s.assert_refused::<()>(
        R,
        "propose_controller",
        (id, Some(mallory)),
        Error::NotController,
    );
    s.assert_refused::<()>(R, "accept_control", id, Error::NoPendingTransfer);

    s.set_actor(alice);
    s.assert_refused::<()>(
        R,
        "propose_controller",
        (id, None::<AccountId>),
        Error::NoPendingTransfer,
    );
    s.assert_refused::<()>(
        R,
        "propose_controller",
        (id, Some(alice)),
        Error::AlreadyController,
    );
    s.assert_refused::<()>(
        R,
        "propose_controller",
        (id, Some(bob)),
        Error::AlreadyController,
    );
    s.assert_refused::<()>(
        R,
        "propose_controller",
        (id, Some(clinic)),
        Error::AccountInUse,
    );
    s.assert_refused::<()>(
        R,
        "propose_controller",
        (id, Some(zero())),
        Error::ZeroAccount,
    );
    s.tx::<()>(R, "propose_controller", (id, Some(mallory)))
        .unwrap();
    // Changed her mind: withdraw, then propose the right account.
    s.tx::<()>(R, "propose_controller", (id, None::<AccountId>))
        .unwrap();
    assert_eq!(s.events::<ControlTransferProposed>()[0].proposed, None);
    s.tx::<()>(R, "propose_controller", (id, Some(phone)))
        .unwrap();
    assert_eq!(patient_record(&mut s, id).pending_controller, Some(phone));

    s.set_actor(mallory);
    s.assert_refused::<()>(R, "accept_control", id, Error::NotPendingAccount);
    s.set_actor(phone);
    s.tx::<()>(R, "accept_control", id).unwrap();
    let moved = &s.events::<ControlTransferred>()[0];
    assert_eq!(
        (moved.previous, moved.controller, moved.via),
        (alice, phone, ControlChange::Transfer)
    );
    assert_eq!(patient_record(&mut s, id).controller, phone);
    assert_eq!(
        s.query::<Option<PatientId>>(R, "patient_of", phone),
        Some(id)
    );
    assert_eq!(s.query::<Option<PatientId>>(R, "patient_of", alice), None);

    // The old controller lost control; the account is free to register anew.
    s.set_actor(alice);
    s.assert_refused::<()>(R, "rotate_key", (id, key_for("x")), Error::NotController);
}

#[test]
fn accepting_needs_a_free_account() {
    let mut s = Suite::deploy();
    let (alice, id) = s.patient("alice");
    let carol = s.actor("carol");
    s.set_actor(alice);
    s.tx::<()>(R, "propose_controller", (id, Some(carol)))
        .unwrap();
    // Carol registers a patient of her own before accepting.
    let own = s.fresh_patient_id();
    s.set_actor(carol);
    s.tx::<u64>(R, "register_patient", (own, key_for("carol")))
        .unwrap();
    s.assert_refused::<()>(R, "accept_control", id, Error::AlreadyController);
}

#[test]
fn delegates_manage_and_expire() {
    let mut s = Suite::deploy();
    let (alice, id) = s.patient("alice");
    let mum = s.actor("mum");
    let carer = s.actor("carer");
    let mallory = s.actor("mallory");
    let clinic = s.organisation("clinic", &[Role::Provider]);

    s.set_actor(mallory);
    s.assert_refused::<()>(
        R,
        "add_delegate",
        (id, mallory, DelegateKind::Carer, None::<u64>),
        Error::NotController,
    );
    s.set_actor(alice);
    let now = s.now();
    for (account, until, error) in [
        (zero(), None, Error::ZeroAccount),
        (alice, None, Error::AccountInUse),
        (clinic, None, Error::AccountInUse),
        (mum, Some(now), Error::InvalidWindow),
    ] {
        s.assert_refused::<()>(
            R,
            "add_delegate",
            (id, account, DelegateKind::LegalGuardian, until),
            error,
        );
    }
    s.tx::<()>(
        R,
        "add_delegate",
        (id, mum, DelegateKind::LegalGuardian, None::<u64>),
    )
    .unwrap();
    assert_eq!(s.events::<DelegateAdded>()[0].delegate, mum);
    s.assert_refused::<()>(
        R,
        "add_delegate",
        (id, mum, DelegateKind::Carer, None::<u64>),
        Error::DelegateExists,
    );
    s.tx::<()>(
        R,
        "add_delegate",
        (id, carer, DelegateKind::Carer, Some(now + DAY_MS)),
    )
    .unwrap();
    assert!(s.query::<bool>(R, "IdentityView::is_patient_manager", (id, carer)));
    let context = s.query::<AccessContext>(R, "IdentityView::access_context", (id, carer));
    assert_eq!(context.manager, Some(ManagerKind::Delegate));
    assert_eq!(context.registration, Some(1));

    // A delegate later credentialed as an organisation stops managing the patient's consent:
    // an organisation acts through its roles only, and suspension takes those away.
    let admin = s.admin();
    s.set_actor(admin);
    s.tx::<()>(
        R,
        "register_organisation",
        (
            carer,
            RoleSet::of(&[Role::Provider]),
            credential("carer-clinic"),
        ),
    )
    .unwrap();
    let context = s.query::<AccessContext>(R, "IdentityView::access_context", (id, carer));
    assert_eq!(context.manager, None);
    assert!(!s.query::<bool>(R, "IdentityView::is_patient_manager", (id, carer)));
    s.tx::<()>(R, "revoke_organisation", carer).unwrap();

    // A delegate cannot add delegates (no privilege escalation).
    s.set_actor(mum);
    s.assert_refused::<()>(
        R,
        "add_delegate",
        (id, mallory, DelegateKind::Carer, None::<u64>),
        Error::NotController,
    );

    // The delegation to the carer ends by time.
    s.advance(DAY_MS);
    assert!(!s.query::<bool>(R, "IdentityView::is_patient_manager", (id, carer)));

    // Bounded: eight delegates at most (the expired one is pruned when adding).
    s.set_actor(alice);
    for i in 0..7 {
        let d = s.actor(&format!("delegate-{i}"));
        s.tx::<()>(R, "add_delegate", (id, d, DelegateKind::Carer, None::<u64>))
            .unwrap();
    }
    let ninth = s.actor("delegate-9");
    s.assert_refused::<()>(
        R,
        "add_delegate",
        (id, ninth, DelegateKind::Carer, None::<u64>),
        Error::TooMany,
    );
    assert_eq!(patient_record(&mut s, id).delegates.len(), 8);

    // Removal: by the controller, or by the delegate stepping down; nobody else.
    s.set_actor(mallory);
    s.assert_refused::<()>(R, "remove_delegate", (id, mum), Error::NotController);
    s.set_actor(alice);
    s.assert_refused::<()>(R, "remove_delegate", (id, mallory), Error::DelegateNotFound);
    s.tx::<()>(R, "remove_delegate", (id, mum)).unwrap();
    assert_eq!(s.events::<DelegateRemoved>()[0].by, alice);
    assert!(!s.query::<bool>(R, "IdentityView::is_patient_manager", (id, mum)));
    let d0 = carechain_tests::account("delegate-0");
    s.set_actor(d0);
    s.tx::<()>(R, "remove_delegate", (id, d0)).unwrap();
    assert_eq!(s.events::<DelegateRemoved>()[0].by, d0);
}

#[test]
fn guardians_recover_control_after_the_delay() {
    let mut s = Suite::deploy();
    let (alice, id) = s.patient("alice");
    let g = [s.actor("g1"), s.actor("g2"), s.actor("g3")];
    let new_phone = s.actor("alice-recovered");
    let mallory = s.actor("mallory");

    s.set_actor(mallory);
    s.assert_refused::<()>(
        R,
        "set_guardians",
        (id, g.to_vec(), 2u8),
        Error::NotController,
    );
    s.set_actor(alice);
    for (list, threshold, error) in [
        (
            vec![g[0], g[1], g[2], mallory, new_phone, alice],
            2u8,
            Error::TooMany,
        ),
        (vec![g[0], g[0]], 1, Error::GuardianExists),
        (vec![g[0], zero()], 1, Error::ZeroAccount),
        (vec![g[0], alice], 1, Error::AccountInUse),
        (vec![g[0], g[1]], 0, Error::InvalidThreshold),
        (vec![g[0], g[1]], 3, Error::InvalidThreshold),
        (vec![], 1, Error::InvalidThreshold),
    ] {
        s.assert_refused::<()>(R, "set_guardians", (id, list, threshold), error);
    }
    s.tx::<()>(R, "set_guardians", (id, g.to_vec(), 2u8))
        .unwrap();
    assert_eq!(s.events::<GuardiansSet>()[0].threshold, 2);

    s.set_actor(mallory);
    s.assert_refused::<u8>(R, "approve_recovery", (id, mallory), Error::NotGuardian);
    s.set_actor(g[0]);
    s.assert_refused::<u8>(R, "approve_recovery", (id, alice), Error::AlreadyController);
    assert_eq!(s.tx::<u8>(R, "approve_recovery", (id, new_phone)), Ok(1));
    assert_eq!(s.events::<RecoveryApproved>()[0].ready_at, None);
    s.assert_refused::<u8>(
        R,
        "approve_recovery",
        (id, new_phone),
        Error::AlreadyApproved,
    );
    // A guardian backing another account opens a second candidate; it cannot block the first.
    s.set_actor(g[1]);
    assert_eq!(s.tx::<u8>(R, "approve_recovery", (id, mallory)), Ok(1));
    // It moves its vote: the new phone reaches the threshold and is chosen.
    assert_eq!(s.tx::<u8>(R, "approve_recovery", (id, new_phone)), Ok(2));
    let delay = s.query::<u64>(R, "recovery_delay", ());
    let ready_at = s.events::<RecoveryApproved>()[0]
        .ready_at
        .expect("threshold reached");
    assert_eq!(ready_at, s.now() + delay);
    let recovery = s
        .query::<Option<Recovery>>(R, "recovery", id)
        .expect("recovery");
    assert_eq!(recovery.candidates, vec![(new_phone, 0b11)]);
    assert_eq!(recovery.chosen, Some((new_phone, ready_at)));
    // Once chosen, no other candidate can be backed.
    s.set_actor(g[2]);
    s.assert_refused::<u8>(
        R,
        "approve_recovery",
        (id, mallory),
        Error::RecoveryConflict,
    );
    assert_eq!(s.tx::<u8>(R, "approve_recovery", (id, new_phone)), Ok(3));

    // Only the new controller completes, and only after the delay.
    s.set_actor(mallory);
    s.assert_refused::<()>(R, "complete_recovery", id, Error::NotPendingAccount);
    s.set_actor(new_phone);
    s.assert_refused::<()>(R, "complete_recovery", id, Error::RecoveryNotReady);
    s.advance(delay - 1);
    s.assert_refused::<()>(R, "complete_recovery", id, Error::RecoveryNotReady);
    s.advance(1);
    s.tx::<()>(R, "complete_recovery", id).unwrap();
    assert_eq!(
        s.events::<ControlTransferred>()[0].via,
        ControlChange::Recovery
    );
    assert_eq!(patient_record(&mut s, id).controller, new_phone);
    assert_eq!(s.query::<Option<Recovery>>(R, "recovery", id), None);
    s.assert_refused::<()>(R, "complete_recovery", id, Error::NoRecovery);
}

#[test]
fn controller_cancels_a_recovery() {
    let mut s = Suite::deploy();
    let (alice, id) = s.patient("alice");
    let g = [s.actor("g1"), s.actor("g2")];
    let thief = s.actor("thief");
    s.set_actor(alice);
    s.tx::<()>(R, "set_guardians", (id, g.to_vec(), 1u8))
        .unwrap();
    s.assert_refused::<()>(R, "cancel_recovery", id, Error::NoRecovery);
    s.set_actor(g[0]);
    s.tx::<u8>(R, "approve_recovery", (id, thief)).unwrap();
    s.set_actor(thief);
    s.assert_refused::<()>(R, "cancel_recovery", id, Error::NotController);
    s.set_actor(alice);
    s.tx::<()>(R, "cancel_recovery", id).unwrap();
    assert_eq!(s.events::<RecoveryCancelled>()[0].by, alice);
    let delay = s.query::<u64>(R, "recovery_delay", ());
    s.advance(delay);
    s.set_actor(thief);
    s.assert_refused::<()>(R, "complete_recovery", id, Error::NoRecovery);

    // Naming new guardians also ends a recovery under way.
    s.set_actor(g[1]);
    s.tx::<u8>(R, "approve_recovery", (id, thief)).unwrap();
    s.set_actor(alice);
    s.tx::<()>(R, "set_guardians", (id, Vec::<AccountId>::new(), 0u8))
        .unwrap();
    assert_eq!(s.events::<RecoveryCancelled>().len(), 1);
    assert_eq!(s.query::<Option<Recovery>>(R, "recovery", id), None);
}

#[test]
fn recovery_delay_is_set_by_governance() {
    let mut s = Suite::deploy();
    let admin = s.admin();
    let stranger = s.actor("stranger");
    s.set_actor(stranger);
    s.assert_refused::<()>(R, "set_recovery_delay", DAY_MS, Error::NotGovernor);
    s.set_actor(admin);
    s.assert_refused::<()>(R, "set_recovery_delay", 31 * DAY_MS, Error::InvalidWindow);
    // Never below a day: the controller must have time to cancel a recovery it did not ask for.
    s.assert_refused::<()>(R, "set_recovery_delay", 0u64, Error::InvalidWindow);
    s.assert_refused::<()>(R, "set_recovery_delay", DAY_MS - 1, Error::InvalidWindow);
    s.tx::<()>(R, "set_recovery_delay", DAY_MS).unwrap();
    assert_eq!(s.events::<RecoveryDelayChanged>()[0].delay, DAY_MS);
    assert_eq!(s.query::<u64>(R, "recovery_delay", ()), DAY_MS);
}

#[test]
fn deregistration_erases_every_patient_entry_and_refunds() {
    let mut s = Suite::deploy();
    let (mallory, _) = s.patient("mallory");
    let without_alice = s.storage_usage(R);
    let (alice, id) = s.patient("alice");
    let mum = s.actor("mum");
    let g = s.actor("guardian");
    s.set_actor(alice);
    s.tx::<()>(
        R,
        "add_delegate",
        (id, mum, DelegateKind::LegalGuardian, None::<u64>),
    )
    .unwrap();
    s.tx::<()>(R, "set_guardians", (id, vec![g], 1u8)).unwrap();
    s.set_actor(g);
    s.tx::<u8>(R, "approve_recovery", (id, mum)).unwrap();

    s.set_actor(mallory);
    s.assert_refused::<()>(R, "deregister_patient", id, Error::NotController);

    s.set_actor(alice);
    let before = s.balance(&alice);
    s.tx::<()>(R, "deregister_patient", id).unwrap();
    let refund = -s.last.as_ref().unwrap().deposit;
    assert!(refund > 0, "the caller gets the storage deposit back");
    assert_eq!(s.balance(&alice), before + refund as u128);
    assert_eq!(s.events::<PatientDeregistered>()[0].registration, 2);
    assert_eq!(s.events::<RecoveryCancelled>()[0].by, alice);
    assert_eq!(s.query::<Option<Patient>>(R, "patient", id), None);
    assert_eq!(s.query::<Option<PatientId>>(R, "patient_of", alice), None);
    assert_eq!(s.query::<Option<Recovery>>(R, "recovery", id), None);
    assert_eq!(
        s.query::<Option<u64>>(R, "IdentityView::patient_registration", id),
        None
    );
    // Storage is back to what it was before Alice registered: her patient, controller and
    // recovery entries are all gone.
    assert_eq!(s.storage_usage(R), without_alice);

    // The id can be registered again, under a new registration number.
    assert_eq!(
        s.tx::<u64>(R, "register_patient", (id, key_for("alice"))),
        Ok(3)
    );
}

#[test]
fn access_context_reports_registration_roles_and_relation() {
    let mut s = Suite::deploy();
    let (alice, id) = s.patient("alice");
    let hospital = s.organisation("hospital", &[Role::Provider]);
    let stranger = s.actor("stranger");
    let unknown = s.fresh_patient_id();
    let ctx = |s: &mut Suite, p: PatientId, a: AccountId| {
        s.query::<AccessContext>(R, "IdentityView::access_context", (p, a))
    };
    assert_eq!(
        ctx(&mut s, id, alice),
        AccessContext {
            registration: Some(1),
            roles: RoleSet::EMPTY,
            manager: Some(ManagerKind::Controller)
        }
    );
    assert_eq!(
        ctx(&mut s, id, hospital),
        AccessContext {
            registration: Some(1),
            roles: RoleSet::of(&[Role::Provider]),
            manager: None
        }
    );
    assert_eq!(ctx(&mut s, unknown, stranger).registration, None);
    assert_eq!(
        s.query::<Option<u64>>(R, "IdentityView::patient_registration", id),
        Some(1)
    );
}
