//! The identity registry on the in-process chain: every message, success and failure; wrong
//! callers get a typed error and leave storage untouched; the access contract's projection
//! follows every change.

use carechain_sdk::msg::{self, access, consent, registry};
use carechain_sdk::Contract;
use carechain_tests::common::events::registry::*;
use carechain_tests::common::events::{AdminChanged, GovernorAdded, PauseChanged};
use carechain_tests::common::*;
use carechain_tests::{credential, key_for, view, ChainRead, ChainWrite, Suite};
use ink::primitives::AccountId;

const R: Contract = Contract::Registry;

/// The zero account, which no message accepts as a party.
fn zero() -> AccountId {
    AccountId::from([0u8; 32])
}

fn patient_record(s: &mut Suite, id: PatientId) -> Patient {
    view::patient(&mut s.chain, id).expect("patient exists")
}

/// The standing of `account` towards `patient`, as access decisions see it.
fn standing(s: &mut Suite, patient: PatientId, account: AccountId) -> Party {
    s.query(access::LOOKUP, (Some(patient), account, None))
        .first
}

fn has_role(s: &mut Suite, account: AccountId, role: Role) -> bool {
    s.query(access::LOOKUP, (None::<PatientId>, account, None))
        .first
        .roles
        .contains(role)
}

fn govern(s: &mut Suite, action: GovAction) -> Result<()> {
    s.tx(msg::govern(R), action)
}

#[test]
fn admin_moves_in_two_steps() {
    let mut s = Suite::deploy();
    let admin = s.admin();
    let next = s.actor("next-admin");
    let stranger = s.actor("stranger");
    assert_eq!(
        carechain_sdk::storage::governance(&mut s.chain, R).admin,
        admin
    );

    s.set_actor(stranger);
    s.assert_refused(
        msg::govern(R),
        GovAction::ProposeAdmin(stranger),
        Error::NotAdmin,
    );
    s.assert_refused(
        msg::govern(R),
        GovAction::AcceptAdmin,
        Error::NoPendingAdmin,
    );

    s.set_actor(admin);
    s.assert_refused(
        msg::govern(R),
        GovAction::ProposeAdmin(zero()),
        Error::ZeroAccount,
    );
    govern(&mut s, GovAction::ProposeAdmin(next)).unwrap();
    assert_eq!(
        carechain_sdk::storage::governance(&mut s.chain, R).pending_admin,
        Some(next)
    );

    s.set_actor(stranger);
    s.assert_refused(
        msg::govern(R),
        GovAction::AcceptAdmin,
        Error::NotPendingAccount,
    );
    s.set_actor(next);
    govern(&mut s, GovAction::AcceptAdmin).unwrap();
    let changed = s.events::<AdminChanged>();
    assert_eq!(changed.len(), 1);
    assert_eq!((changed[0].previous, changed[0].admin), (admin, next));
    let gov = carechain_sdk::storage::governance(&mut s.chain, R);
    assert_eq!((gov.admin, gov.pending_admin), (next, None));

    // The old admin has no power left.
    s.set_actor(admin);
    s.assert_refused(
        msg::govern(R),
        GovAction::AddGovernor(stranger),
        Error::NotAdmin,
    );
}

#[test]
fn governors_register_and_pause() {
    let mut s = Suite::deploy();
    let admin = s.admin();
    let governor = s.actor("governor");
    let clinic = s.actor("clinic");
    let stranger = s.actor("stranger");

    s.set_actor(stranger);
    s.assert_refused(
        msg::govern(R),
        GovAction::AddGovernor(governor),
        Error::NotAdmin,
    );
    s.assert_refused(
        msg::govern(R),
        GovAction::SetPaused(true),
        Error::NotGovernor,
    );

    s.set_actor(admin);
    govern(&mut s, GovAction::AddGovernor(governor)).unwrap();
    assert_eq!(s.events::<GovernorAdded>()[0].account, governor);
    s.assert_refused(
        msg::govern(R),
        GovAction::AddGovernor(governor),
        Error::GovernorExists,
    );
    s.assert_refused(
        msg::govern(R),
        GovAction::AddGovernor(zero()),
        Error::ZeroAccount,
    );
    s.assert_refused(
        msg::govern(R),
        GovAction::RemoveGovernor(stranger),
        Error::GovernorNotFound,
    );
    assert!(carechain_sdk::storage::is_governor(
        &mut s.chain,
        R,
        governor
    ));
    assert!(carechain_sdk::storage::is_governor(&mut s.chain, R, admin));
    assert!(!carechain_sdk::storage::is_governor(
        &mut s.chain,
        R,
        stranger
    ));

    // A governor credentials organisations and pauses; only the admin manages governors.
    s.set_actor(governor);
    s.tx(
        registry::REGISTER_ORGANISATION,
        (
            clinic,
            RoleSet::of(&[Role::Provider]),
            credential("clinic"),
            key_for("clinic"),
        ),
    )
    .unwrap();
    s.assert_refused(
        msg::govern(R),
        GovAction::RemoveGovernor(governor),
        Error::NotAdmin,
    );
    govern(&mut s, GovAction::SetPaused(true)).unwrap();
    assert!(s.events::<PauseChanged>()[0].paused);
    assert!(carechain_sdk::storage::governance(&mut s.chain, R).paused());

    // Paused: writes refuse, reads work.
    let patient = s.actor("patient");
    s.set_actor(patient);
    s.assert_refused(
        registry::REGISTER_PATIENT,
        (PatientId([7; 32]), key_for("p")),
        Error::Paused,
    );
    assert!(has_role(&mut s, clinic, Role::Provider));

    // A pause never stops a restriction: governance suspends while paused, but gives roles
    // back only after the unpause.
    s.set_actor(governor);
    s.tx(registry::SUSPEND_ORGANISATION, clinic).unwrap();
    assert!(!has_role(&mut s, clinic, Role::Provider));
    s.assert_refused(registry::REINSTATE_ORGANISATION, clinic, Error::Paused);

    govern(&mut s, GovAction::SetPaused(false)).unwrap();
    s.tx(registry::REINSTATE_ORGANISATION, clinic).unwrap();
    s.set_actor(admin);
    govern(&mut s, GovAction::RemoveGovernor(governor)).unwrap();
    s.set_actor(governor);
    s.assert_refused(
        msg::govern(R),
        GovAction::SetPaused(true),
        Error::NotGovernor,
    );
    s.set_actor(patient);
    s.tx(
        registry::REGISTER_PATIENT,
        (PatientId([7; 32]), key_for("p")),
    )
    .unwrap();
}

#[test]
fn organisations_register_with_valid_roles_credential_and_key() {
    let mut s = Suite::deploy();
    let admin = s.admin();
    let lab = s.actor("lab");
    let stranger = s.actor("stranger");
    let roles = RoleSet::of(&[Role::Provider, Role::Researcher]);
    let key = key_for("lab");

    s.set_actor(stranger);
    s.assert_refused(
        registry::REGISTER_ORGANISATION,
        (lab, roles, credential("lab"), key),
        Error::NotGovernor,
    );

    s.set_actor(admin);
    for (account, roles, cred, key, error) in [
        (zero(), roles, credential("lab"), key, Error::ZeroAccount),
        (lab, RoleSet(0), credential("lab"), key, Error::InvalidSet),
        (lab, roles, Digest::ZERO, key, Error::InvalidDigest),
        (
            lab,
            roles,
            credential("lab"),
            EncryptionKey([0; 32]),
            Error::InvalidKey,
        ),
    ] {
        s.assert_refused(
            registry::REGISTER_ORGANISATION,
            (account, roles, cred, key),
            error,
        );
    }
    s.tx(
        registry::REGISTER_ORGANISATION,
        (lab, roles, credential("lab"), key),
    )
    .unwrap();
    let event = &s.events::<OrganisationRegistered>()[0];
    assert_eq!(
        (event.account, event.roles, event.credential, event.key),
        (lab, roles, credential("lab"), key)
    );
    s.assert_refused(
        registry::REGISTER_ORGANISATION,
        (lab, roles, credential("lab"), key),
        Error::OrganisationExists,
    );
    let org = view::organisation(&mut s.chain, lab).unwrap();
    assert_eq!(org.status, OrgStatus::Active);
    assert_eq!((org.credential, org.key), (credential("lab"), key));
    // The access contract's projection has the roles decisions use.
    assert_eq!(view::effective_roles(&mut s.chain, lab), Some(roles));
    assert!(has_role(&mut s, lab, Role::Researcher));
    assert!(!has_role(&mut s, lab, Role::Insurer));

    // A patient's controller cannot be credentialed as an organisation.
    let (patient, _) = s.patient("patient");
    s.set_actor(admin);
    s.assert_refused(
        registry::REGISTER_ORGANISATION,
        (patient, roles, credential("x"), key_for("x")),
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
        registry::SUSPEND_ORGANISATION,
        registry::REINSTATE_ORGANISATION,
        registry::REVOKE_ORGANISATION,
    ] {
        s.assert_refused(message, pharmacy, Error::NotGovernor);
    }

    s.set_actor(admin);
    s.assert_refused(
        registry::SUSPEND_ORGANISATION,
        unknown,
        Error::OrganisationNotFound,
    );
    s.assert_refused(
        registry::REINSTATE_ORGANISATION,
        pharmacy,
        Error::OrganisationWrongState,
    );
    s.tx(registry::SUSPEND_ORGANISATION, pharmacy).unwrap();
    assert_eq!(
        s.events::<OrganisationStatusChanged>()[0].status,
        OrgStatus::Suspended
    );
    // A suspended organisation holds no role in the projection every decision reads.
    assert!(!has_role(&mut s, pharmacy, Role::Pharmacy));
    assert_eq!(
        view::effective_roles(&mut s.chain, pharmacy),
        Some(RoleSet::EMPTY)
    );
    s.assert_refused(
        registry::SUSPEND_ORGANISATION,
        pharmacy,
        Error::OrganisationWrongState,
    );

    s.tx(registry::REINSTATE_ORGANISATION, pharmacy).unwrap();
    assert!(has_role(&mut s, pharmacy, Role::Pharmacy));

    s.tx(registry::SUSPEND_ORGANISATION, pharmacy).unwrap();
    s.tx(registry::REVOKE_ORGANISATION, pharmacy).unwrap();
    assert!(!has_role(&mut s, pharmacy, Role::Pharmacy));
    for message in [
        registry::SUSPEND_ORGANISATION,
        registry::REINSTATE_ORGANISATION,
        registry::REVOKE_ORGANISATION,
    ] {
        s.assert_refused(message, pharmacy, Error::OrganisationRevoked);
    }
    s.assert_refused(
        registry::REGISTER_ORGANISATION,
        (
            pharmacy,
            RoleSet::of(&[Role::Pharmacy]),
            credential("again"),
            key_for("again"),
        ),
        Error::OrganisationRevoked,
    );
    s.assert_refused(
        registry::UPDATE_ORGANISATION,
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
    s.assert_refused(
        registry::UPDATE_ORGANISATION,
        (firm, roles, renewed),
        Error::NotGovernor,
    );
    s.set_actor(admin);
    s.assert_refused(
        registry::UPDATE_ORGANISATION,
        (stranger, roles, renewed),
        Error::OrganisationNotFound,
    );
    s.assert_refused(
        registry::UPDATE_ORGANISATION,
        (firm, RoleSet(0), renewed),
        Error::InvalidSet,
    );
    s.assert_refused(
        registry::UPDATE_ORGANISATION,
        (firm, roles, Digest::ZERO),
        Error::InvalidDigest,
    );
    s.tx(registry::UPDATE_ORGANISATION, (firm, roles, renewed))
        .unwrap();
    assert_eq!(s.events::<OrganisationUpdated>()[0].credential, renewed);
    assert!(has_role(&mut s, firm, Role::Distributor));
    let org = view::organisation(&mut s.chain, firm).unwrap();
    assert_eq!((org.roles, org.credential), (roles, renewed));

    // Taking a role away works while paused; adding one does not.
    govern(&mut s, GovAction::SetPaused(true)).unwrap();
    let fewer = RoleSet::of(&[Role::Manufacturer]);
    s.assert_refused(
        registry::UPDATE_ORGANISATION,
        (
            firm,
            RoleSet::of(&[Role::Manufacturer, Role::Pharmacy]),
            renewed,
        ),
        Error::Paused,
    );
    s.tx(registry::UPDATE_ORGANISATION, (firm, fewer, renewed))
        .unwrap();
    assert!(!has_role(&mut s, firm, Role::Distributor));
}

#[test]
fn organisations_rotate_their_own_keys() {
    let mut s = Suite::deploy();
    let firm = s.organisation("firm", &[Role::Manufacturer]);
    let stranger = s.actor("stranger");
    s.set_actor(stranger);
    s.assert_refused(
        registry::ROTATE_ORGANISATION_KEY,
        key_for("stranger"),
        Error::OrganisationNotFound,
    );
    s.set_actor(firm);
    s.assert_refused(
        registry::ROTATE_ORGANISATION_KEY,
        EncryptionKey([0; 32]),
        Error::InvalidKey,
    );
    s.tx(registry::ROTATE_ORGANISATION_KEY, key_for("firm-2"))
        .unwrap();
    assert_eq!(
        s.events::<OrganisationKeyRotated>()[0].key,
        key_for("firm-2")
    );
    assert_eq!(
        view::organisation(&mut s.chain, firm).unwrap().key,
        key_for("firm-2")
    );
    // A revoked organisation's key is frozen.
    let admin = s.admin();
    s.set_actor(admin);
    s.tx(registry::REVOKE_ORGANISATION, firm).unwrap();
    s.set_actor(firm);
    s.assert_refused(
        registry::ROTATE_ORGANISATION_KEY,
        key_for("firm-3"),
        Error::OrganisationRevoked,
    );
}

#[test]
fn patients_register_with_random_ids() {
    let mut s = Suite::deploy();
    let hospital = s.organisation("hospital", &[Role::Provider]);
    let alice = s.actor("alice");
    let bob = s.actor("bob");
    let id = s.fresh_patient_id();

    s.set_actor(alice);
    s.assert_refused(
        registry::REGISTER_PATIENT,
        (PatientId([0; 32]), key_for("alice")),
        Error::InvalidPatientId,
    );
    s.assert_refused(
        registry::REGISTER_PATIENT,
        (id, EncryptionKey([0; 32])),
        Error::InvalidKey,
    );
    assert_eq!(
        s.tx(registry::REGISTER_PATIENT, (id, key_for("alice"))),
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
    assert_eq!(view::patient_of(&mut s.chain, alice), Some(id));
    let cell = view::patient_cell(&mut s.chain, id).expect("projected");
    assert_eq!((cell.facts.registration, cell.facts.controller), (1, alice));

    // One patient per account, one account per patient id, no organisation as controller.
    let other = s.fresh_patient_id();
    s.assert_refused(
        registry::REGISTER_PATIENT,
        (other, key_for("a2")),
        Error::AlreadyController,
    );
    s.set_actor(bob);
    s.assert_refused(
        registry::REGISTER_PATIENT,
        (id, key_for("bob")),
        Error::PatientExists,
    );
    s.set_actor(hospital);
    s.assert_refused(
        registry::REGISTER_PATIENT,
        (other, key_for("h")),
        Error::AccountInUse,
    );
    s.set_actor(bob);
    assert_eq!(
        s.tx(registry::REGISTER_PATIENT, (other, key_for("bob"))),
        Ok(2)
    );
    assert_eq!(view::registry_root(&mut s.chain).registrations, 2);
}

#[test]
fn controller_rotates_key() {
    let mut s = Suite::deploy();
    let (alice, id) = s.patient("alice");
    let mallory = s.actor("mallory");
    let unknown = s.fresh_patient_id();

    s.set_actor(mallory);
    s.assert_refused(
        registry::ROTATE_KEY,
        (id, key_for("mallory")),
        Error::NotController,
    );
    s.set_actor(alice);
    s.assert_refused(
        registry::ROTATE_KEY,
        (unknown, key_for("x")),
        Error::PatientNotFound,
    );
    s.assert_refused(
        registry::ROTATE_KEY,
        (id, EncryptionKey([0; 32])),
        Error::InvalidKey,
    );
    s.tx(registry::ROTATE_KEY, (id, key_for("alice-2")))
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
    s.assert_refused(
        registry::PROPOSE_CONTROLLER,
        (id, Some(mallory)),
        Error::NotController,
    );
    s.assert_refused(registry::ACCEPT_CONTROL, id, Error::NoPendingTransfer);

    s.set_actor(alice);
    s.assert_refused(
        registry::PROPOSE_CONTROLLER,
        (id, None::<AccountId>),
        Error::NoPendingTransfer,
    );
    s.assert_refused(
        registry::PROPOSE_CONTROLLER,
        (id, Some(alice)),
        Error::AlreadyController,
    );
    s.assert_refused(
        registry::PROPOSE_CONTROLLER,
        (id, Some(bob)),
        Error::AlreadyController,
    );
    s.assert_refused(
        registry::PROPOSE_CONTROLLER,
        (id, Some(clinic)),
        Error::AccountInUse,
    );
    s.tx(registry::PROPOSE_CONTROLLER, (id, Some(phone)))
        .unwrap();
    assert_eq!(
        s.events::<ControlTransferProposed>()[0].proposed,
        Some(phone)
    );
    s.set_actor(mallory);
    s.assert_refused(registry::ACCEPT_CONTROL, id, Error::NotPendingAccount);
    s.set_actor(phone);
    s.tx(registry::ACCEPT_CONTROL, id).unwrap();
    let moved = &s.events::<ControlTransferred>()[0];
    assert_eq!(
        (moved.controller, moved.previous, moved.via, moved.epoch),
        (phone, alice, ControlChange::Transfer, 0)
    );
    assert_eq!(patient_record(&mut s, id).controller, phone);
    assert_eq!(view::patient_of(&mut s.chain, phone), Some(id));
    assert_eq!(view::patient_of(&mut s.chain, alice), None);
    assert_eq!(
        standing(&mut s, id, phone).manager,
        Some(ManagerKind::Controller)
    );
    assert_eq!(standing(&mut s, id, alice).manager, None);

    // The old account lost control; a withdrawn proposal cannot be accepted.
    s.set_actor(alice);
    s.assert_refused(
        registry::ROTATE_KEY,
        (id, key_for("x")),
        Error::NotController,
    );
    s.set_actor(phone);
    s.tx(registry::PROPOSE_CONTROLLER, (id, Some(alice)))
        .unwrap();
    s.tx(registry::PROPOSE_CONTROLLER, (id, None::<AccountId>))
        .unwrap();
    s.set_actor(alice);
    s.assert_refused(registry::ACCEPT_CONTROL, id, Error::NoPendingTransfer);

    // An account that controls another patient by the time it accepts is refused.
    let carol = s.actor("carol");
    s.set_actor(phone);
    s.tx(registry::PROPOSE_CONTROLLER, (id, Some(carol)))
        .unwrap();
    s.set_actor(carol);
    let own = s.fresh_patient_id();
    s.tx(registry::REGISTER_PATIENT, (own, key_for("carol")))
        .unwrap();
    s.assert_refused(registry::ACCEPT_CONTROL, id, Error::AlreadyController);
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
    s.assert_refused(
        registry::ADD_DELEGATE,
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
        s.assert_refused(
            registry::ADD_DELEGATE,
            (id, account, DelegateKind::LegalGuardian, until),
            error,
        );
    }
    s.tx(
        registry::ADD_DELEGATE,
        (id, mum, DelegateKind::LegalGuardian, None::<u64>),
    )
    .unwrap();
    assert_eq!(s.events::<DelegateAdded>()[0].delegate, mum);
    s.assert_refused(
        registry::ADD_DELEGATE,
        (id, mum, DelegateKind::Carer, None::<u64>),
        Error::DelegateExists,
    );
    s.tx(
        registry::ADD_DELEGATE,
        (id, carer, DelegateKind::Carer, Some(now + DAY_MS)),
    )
    .unwrap();
    assert_eq!(
        standing(&mut s, id, carer).manager,
        Some(ManagerKind::Delegate)
    );
    let facts = s.query(access::LOOKUP, (Some(id), carer, None));
    assert_eq!(facts.registration, Some(1));

    // A delegate later credentialed as an organisation stops managing the patient's consent:
    // an organisation acts through its roles only, and suspension takes those away.
    let admin = s.admin();
    s.set_actor(admin);
    s.tx(
        registry::REGISTER_ORGANISATION,
        (
            carer,
            RoleSet::of(&[Role::Provider]),
            credential("carer-clinic"),
            key_for("carer-clinic"),
        ),
    )
    .unwrap();
    assert_eq!(standing(&mut s, id, carer).manager, None);
    s.tx(registry::REVOKE_ORGANISATION, carer).unwrap();
    assert_eq!(standing(&mut s, id, carer).manager, None);

    // A delegate cannot add delegates (no privilege escalation).
    s.set_actor(mum);
    s.assert_refused(
        registry::ADD_DELEGATE,
        (id, mallory, DelegateKind::Carer, None::<u64>),
        Error::NotController,
    );

    // The delegation to the carer ends by time (the projection carries its end).
    let cook = s.actor("cook");
    s.set_actor(alice);
    let until = s.now() + DAY_MS;
    s.tx(
        registry::ADD_DELEGATE,
        (id, cook, DelegateKind::Carer, Some(until)),
    )
    .unwrap();
    assert!(standing(&mut s, id, cook).manager.is_some());
    s.advance(DAY_MS);
    assert_eq!(standing(&mut s, id, cook).manager, None);

    // Bounded: eight delegates at most (expired ones are pruned when adding).
    s.set_actor(alice);
    for i in 0..7 {
        let d = s.actor(&format!("delegate-{i}"));
        s.tx(
            registry::ADD_DELEGATE,
            (id, d, DelegateKind::Carer, None::<u64>),
        )
        .unwrap();
    }
    let ninth = s.actor("delegate-9");
    s.assert_refused(
        registry::ADD_DELEGATE,
        (id, ninth, DelegateKind::Carer, None::<u64>),
        Error::TooMany,
    );
    assert_eq!(patient_record(&mut s, id).delegates.len(), 8);

    // Removal: by the controller, or by the delegate stepping down; nobody else.
    s.set_actor(mallory);
    s.assert_refused(registry::REMOVE_DELEGATE, (id, mum), Error::NotController);
    s.set_actor(alice);
    s.assert_refused(
        registry::REMOVE_DELEGATE,
        (id, mallory),
        Error::DelegateNotFound,
    );
    s.tx(registry::REMOVE_DELEGATE, (id, mum)).unwrap();
    assert_eq!(s.events::<DelegateRemoved>()[0].by, alice);
    assert_eq!(standing(&mut s, id, mum).manager, None);
    let d0 = carechain_sdk::account("delegate-0");
    s.set_actor(d0);
    s.tx(registry::REMOVE_DELEGATE, (id, d0)).unwrap();
    assert_eq!(s.events::<DelegateRemoved>()[0].by, d0);
}

/// A recovery to reach the threshold: guardians g[0] and g[1] back `candidate` (threshold 2).
fn recover_with(s: &mut Suite, id: PatientId, g: &[AccountId], candidate: AccountId) {
    for guardian in g.iter().take(2) {
        s.set_actor(*guardian);
        s.tx(registry::APPROVE_RECOVERY, (id, candidate)).unwrap();
    }
}

#[test]
fn guardians_recover_control_after_the_delay() {
    let mut s = Suite::deploy();
    let (alice, id) = s.patient("alice");
    let g = [s.actor("g1"), s.actor("g2"), s.actor("g3")];
    let new_phone = s.actor("alice-recovered");
    let mallory = s.actor("mallory");

    s.set_actor(mallory);
    s.assert_refused(
        registry::SET_GUARDIANS,
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
        s.assert_refused(registry::SET_GUARDIANS, (id, list, threshold), error);
    }
    s.tx(registry::SET_GUARDIANS, (id, g.to_vec(), 2u8))
        .unwrap();
    assert_eq!(s.events::<GuardiansSet>()[0].threshold, 2);

    s.set_actor(mallory);
    s.assert_refused(
        registry::APPROVE_RECOVERY,
        (id, mallory),
        Error::NotGuardian,
    );
    s.set_actor(g[0]);
    s.assert_refused(
        registry::APPROVE_RECOVERY,
        (id, alice),
        Error::AlreadyController,
    );
    assert_eq!(s.tx(registry::APPROVE_RECOVERY, (id, new_phone)), Ok(1));
    assert_eq!(s.events::<RecoveryApproved>()[0].chosen, None);
    s.assert_refused(
        registry::APPROVE_RECOVERY,
        (id, new_phone),
        Error::AlreadyApproved,
    );
    // A guardian backing another account opens a second candidate; it cannot block the first.
    s.set_actor(g[1]);
    assert_eq!(s.tx(registry::APPROVE_RECOVERY, (id, mallory)), Ok(1));
    // It moves its vote: the new phone reaches the threshold and is chosen.
    assert_eq!(s.tx(registry::APPROVE_RECOVERY, (id, new_phone)), Ok(2));
    let delay = view::registry_root(&mut s.chain).recovery_delay;
    let (chosen, ready) = s.events::<RecoveryApproved>()[0]
        .chosen
        .expect("threshold reached");
    assert_eq!(chosen, new_phone);
    let recovery = view::recovery(&mut s.chain, id).expect("recovery");
    assert_eq!(recovery.candidates, vec![(new_phone, 0b11)]);
    assert_eq!(recovery.chosen, Some((new_phone, ready)));
    s.set_actor(g[2]);
    assert_eq!(s.tx(registry::APPROVE_RECOVERY, (id, new_phone)), Ok(3));

    // Only the chosen account completes, only after the delay, and only with a fresh key.
    s.set_actor(mallory);
    s.assert_refused(
        registry::COMPLETE_RECOVERY,
        (id, key_for("m")),
        Error::NotPendingAccount,
    );
    s.set_actor(new_phone);
    s.assert_refused(
        registry::COMPLETE_RECOVERY,
        (id, key_for("fresh")),
        Error::RecoveryNotReady,
    );
    s.advance(delay - 1);
    s.assert_refused(
        registry::COMPLETE_RECOVERY,
        (id, key_for("fresh")),
        Error::RecoveryNotReady,
    );
    s.advance(1);
    s.assert_refused(
        registry::COMPLETE_RECOVERY,
        (id, key_for("alice")),
        Error::InvalidKey,
    );
    s.tx(registry::COMPLETE_RECOVERY, (id, key_for("fresh")))
        .unwrap();
    let moved = &s.events::<ControlTransferred>()[0];
    assert_eq!((moved.via, moved.epoch), (ControlChange::Recovery, 1));
    let record = patient_record(&mut s, id);
    assert_eq!(
        (record.controller, record.key),
        (new_phone, key_for("fresh"))
    );
    assert_eq!(view::recovery(&mut s.chain, id), None);
    s.assert_refused(
        registry::COMPLETE_RECOVERY,
        (id, key_for("again")),
        Error::NoRecovery,
    );
}

/// Finding: "the chosen candidate can never be changed". Guardians moving their votes withdraw
/// the choice; another candidate reaching the threshold is chosen with a fresh delay.
#[test]
fn guardians_can_change_the_chosen_candidate() {
    let mut s = Suite::deploy();
    let (alice, id) = s.patient("alice");
    let g = [s.actor("g1"), s.actor("g2"), s.actor("g3")];
    let wrong = s.actor("wrong-phone");
    let right = s.actor("right-phone");
    s.set_actor(alice);
    s.tx(registry::SET_GUARDIANS, (id, g.to_vec(), 2u8))
        .unwrap();
    recover_with(&mut s, id, &g, wrong);
    assert_eq!(
        view::recovery(&mut s.chain, id)
            .unwrap()
            .chosen
            .map(|c| c.0),
        Some(wrong)
    );
    s.advance(DAY_MS);
    // g2 realises the mistake and backs the right phone: the choice is withdrawn...
    s.set_actor(g[1]);
    s.tx(registry::APPROVE_RECOVERY, (id, right)).unwrap();
    assert_eq!(view::recovery(&mut s.chain, id).unwrap().chosen, None);
    // ...and g3 makes the right phone the choice, with a fresh delay.
    s.set_actor(g[2]);
    s.tx(registry::APPROVE_RECOVERY, (id, right)).unwrap();
    let delay = view::registry_root(&mut s.chain).recovery_delay;
    let (chosen, _) = view::recovery(&mut s.chain, id).unwrap().chosen.unwrap();
    assert_eq!(chosen, right);
    s.advance(delay - DAY_MS);
    s.set_actor(wrong);
    s.assert_refused(
        registry::COMPLETE_RECOVERY,
        (id, key_for("w")),
        Error::NotPendingAccount,
    );
    s.set_actor(right);
    s.assert_refused(
        registry::COMPLETE_RECOVERY,
        (id, key_for("r")),
        Error::RecoveryNotReady,
    );
    s.advance(DAY_MS);
    s.tx(registry::COMPLETE_RECOVERY, (id, key_for("r")))
        .unwrap();
    assert_eq!(patient_record(&mut s, id).controller, right);
}

/// Finding: "recovery must evict the thief". Delegates and custodian named with the lost key go,
/// every grant made before the recovery (by the controller or a delegate) stops applying, and a
/// fresh key is required.
#[test]
fn a_completed_recovery_evicts_the_thief() {
    let mut s = Suite::deploy();
    let hospital = s.organisation("hospital", &[Role::Provider]);
    let accomplice = s.organisation("accomplice-clinic", &[Role::Provider]);
    let accomplice_custodian = s.organisation("accomplice-vault", &[Role::Researcher]);
    let (alice, id) = s.patient("alice");
    let g = [s.actor("g1"), s.actor("g2")];
    let thief_delegate = s.actor("thief-delegate");
    let new_phone = s.actor("alice-recovered");
    s.set_actor(alice);
    s.tx(registry::SET_GUARDIANS, (id, g.to_vec(), 2u8))
        .unwrap();
    // The thief, holding Alice's key: a delegate of its own, a custodian of its own, grants.
    s.tx(
        registry::ADD_DELEGATE,
        (id, thief_delegate, DelegateKind::Carer, None::<u64>),
    )
    .unwrap();
    s.tx(registry::SET_CUSTODIAN, (id, Some(accomplice_custodian)))
        .unwrap();
    let now = s.now();
    let scope = GrantScope {
        categories: CategorySet::of(&[DataCategory::Laboratory]),
        purposes: PurposeSet::of(&[Purpose::Treatment]),
        valid_from: now,
        valid_until: now + 30 * DAY_MS,
    };
    s.tx(
        consent::CREATE_GRANT,
        (id, Grantee::Account(hospital), scope, Effect::Permit),
    )
    .unwrap();
    s.set_actor(thief_delegate);
    let by_delegate = s
        .tx(
            consent::CREATE_GRANT,
            (id, Grantee::Account(accomplice), scope, Effect::Permit),
        )
        .unwrap();
    s.set_actor(accomplice);
    assert!(s
        .tx(
            access::CHECK_ACCESS,
            (id, DataCategory::Laboratory, Purpose::Treatment)
        )
        .unwrap()
        .is_granted());

    recover_with(&mut s, id, &g, new_phone);
    let delay = view::registry_root(&mut s.chain).recovery_delay;
    s.advance(delay);
    s.set_actor(new_phone);
    s.tx(registry::COMPLETE_RECOVERY, (id, key_for("fresh")))
        .unwrap();
    assert_eq!(s.events::<CustodianSet>()[0].custodian, None);
    let record = patient_record(&mut s, id);
    assert!(record.delegates.is_empty());
    assert_eq!((record.custodian, record.epoch), (None, 1));

    // The thief's delegate manages nothing; the grants of the old epoch no longer apply.
    assert_eq!(standing(&mut s, id, thief_delegate).manager, None);
    s.set_actor(thief_delegate);
    s.assert_refused(
        consent::CREATE_GRANT,
        (id, Grantee::Account(accomplice), scope, Effect::Permit),
        Error::NotPatientManager,
    );
    for org in [accomplice, hospital] {
        s.set_actor(org);
        assert_eq!(
            s.tx(
                access::CHECK_ACCESS,
                (id, DataCategory::Laboratory, Purpose::Treatment)
            )
            .unwrap()
            .outcome,
            AuditOutcome::Denied(DenyReason::NoConsent)
        );
    }
    let stale = view::grant(&mut s.chain, by_delegate).unwrap();
    assert_eq!(
        view::grant_status(&mut s.chain, &stale),
        carechain_sdk::facts::GrantStatus::Ended
    );
    // The new controller re-grants what it wants to keep.
    s.set_actor(new_phone);
    s.assert_refused(consent::REVOKE_GRANT, by_delegate, Error::GrantRevoked);
    s.tx(
        consent::CREATE_GRANT,
        (id, Grantee::Account(hospital), scope, Effect::Permit),
    )
    .unwrap();
    s.set_actor(hospital);
    assert!(s
        .tx(
            access::CHECK_ACCESS,
            (id, DataCategory::Laboratory, Purpose::Treatment)
        )
        .unwrap()
        .is_granted());
}

/// Finding (round 3): "a completed recovery lifts every deny rule of the patient". Denials only
/// ever take access away, so they survive the new epoch — for anyone and for one organisation —
/// while the lost key's permits end; the new controller can still change or revoke them, and
/// every view calls them active.
#[test]
fn a_patients_denials_survive_a_completed_recovery() {
    let mut s = Suite::deploy();
    let hospital = s.organisation("hospital", &[Role::Provider]);
    let lab = s.organisation("lab", &[Role::Provider]);
    let (alice, id) = s.patient("alice");
    let g = [s.actor("g1"), s.actor("g2")];
    let new_phone = s.actor("alice-recovered");
    s.set_actor(alice);
    s.tx(registry::SET_GUARDIANS, (id, g.to_vec(), 2u8))
        .unwrap();
    let now = s.now();
    let scope = |categories: &[DataCategory]| GrantScope {
        categories: CategorySet::of(categories),
        purposes: PurposeSet::of(&[Purpose::Treatment]),
        valid_from: now,
        valid_until: now + 300 * DAY_MS,
    };
    // "No one sees my mental-health notes"; "this lab sees nothing of mine".
    let deny_anyone = s
        .tx(
            consent::CREATE_GRANT,
            (
                id,
                Grantee::Anyone,
                scope(&[DataCategory::MentalHealth]),
                Effect::Deny,
            ),
        )
        .unwrap();
    let deny_lab = s
        .tx(
            consent::CREATE_GRANT,
            (
                id,
                Grantee::Account(lab),
                scope(&[DataCategory::Laboratory]),
                Effect::Deny,
            ),
        )
        .unwrap();
    recover_with(&mut s, id, &g, new_phone);
    let delay = view::registry_root(&mut s.chain).recovery_delay;
    s.advance(delay);
    s.set_actor(new_phone);
    s.tx(registry::COMPLETE_RECOVERY, (id, key_for("fresh")))
        .unwrap();
    assert_eq!(patient_record(&mut s, id).epoch, 1);

    // The new key grants both organisations broadly: the denials still win.
    let broad = scope(&[DataCategory::MentalHealth, DataCategory::Laboratory]);
    for org in [hospital, lab] {
        s.tx(
            consent::CREATE_GRANT,
            (id, Grantee::Account(org), broad, Effect::Permit),
        )
        .unwrap();
    }
    let check = |s: &mut Suite, org: AccountId, category: DataCategory| {
        s.set_actor(org);
        let outcome = s
            .tx(access::CHECK_ACCESS, (id, category, Purpose::Treatment))
            .unwrap()
            .outcome;
        s.set_actor(new_phone);
        outcome
    };
    assert_eq!(
        check(&mut s, hospital, DataCategory::MentalHealth),
        AuditOutcome::Denied(DenyReason::DeniedByPatient(deny_anyone))
    );
    assert_eq!(
        check(&mut s, lab, DataCategory::Laboratory),
        AuditOutcome::Denied(DenyReason::DeniedByPatient(deny_lab))
    );
    assert!(check(&mut s, hospital, DataCategory::Laboratory).is_granted());
    for deny in [deny_anyone, deny_lab] {
        let grant = view::grant(&mut s.chain, deny).unwrap();
        assert_eq!(
            view::grant_status(&mut s.chain, &grant),
            carechain_sdk::facts::GrantStatus::Active
        );
    }
    // The patient, under the new key, lifts one of them.
    s.tx(consent::REVOKE_GRANT, deny_lab).unwrap();
    assert!(check(&mut s, lab, DataCategory::Laboratory).is_granted());
    assert_eq!(
        check(&mut s, lab, DataCategory::MentalHealth),
        AuditOutcome::Denied(DenyReason::DeniedByPatient(deny_anyone))
    );
}

/// Finding: "moving control silently lowers the guardian threshold". A guardian that takes
/// control leaves the guardians; when fewer remain than the threshold, recovery is switched off
/// (and said so) rather than made easier.
#[test]
fn moving_control_never_silently_lowers_the_threshold() {
    let mut s = Suite::deploy();
    let (alice, id) = s.patient("alice");
    let g = [s.actor("g1"), s.actor("g2"), s.actor("g3")];
    s.set_actor(alice);
    s.tx(registry::SET_GUARDIANS, (id, g.to_vec(), 2u8))
        .unwrap();
    // 2 of 3, and g1 takes control: 2 of the 2 left.
    s.tx(registry::PROPOSE_CONTROLLER, (id, Some(g[0])))
        .unwrap();
    s.set_actor(g[0]);
    s.tx(registry::ACCEPT_CONTROL, id).unwrap();
    let set = &s.events::<GuardiansSet>()[0];
    assert_eq!(
        (set.guardians.clone(), set.threshold),
        (vec![g[1], g[2]], 2)
    );
    // 2 of 2, and g2 takes control: recovery is off, not 1 of 1.
    s.tx(registry::PROPOSE_CONTROLLER, (id, Some(g[1])))
        .unwrap();
    s.set_actor(g[1]);
    s.tx(registry::ACCEPT_CONTROL, id).unwrap();
    let set = &s.events::<GuardiansSet>()[0];
    assert_eq!((set.guardians.len(), set.threshold), (0, 0));
    let record = patient_record(&mut s, id);
    assert!(record.guardians.is_empty() && record.threshold == 0);
    s.set_actor(g[2]);
    s.assert_refused(registry::APPROVE_RECOVERY, (id, g[2]), Error::NotGuardian);
}

#[test]
fn controller_cancels_a_recovery_even_while_paused() {
    let mut s = Suite::deploy();
    let (alice, id) = s.patient("alice");
    let g = [s.actor("g1"), s.actor("g2")];
    let thief = s.actor("thief");
    s.set_actor(alice);
    s.tx(registry::SET_GUARDIANS, (id, g.to_vec(), 1u8))
        .unwrap();
    s.assert_refused(registry::CANCEL_RECOVERY, id, Error::NoRecovery);
    s.set_actor(g[0]);
    s.tx(registry::APPROVE_RECOVERY, (id, thief)).unwrap();
    s.set_actor(thief);
    s.assert_refused(registry::CANCEL_RECOVERY, id, Error::NotController);
    // Finding: a registry pause blocked cancelling. It no longer does.
    let admin = s.admin();
    s.set_actor(admin);
    govern(&mut s, GovAction::SetPaused(true)).unwrap();
    s.set_actor(alice);
    s.tx(registry::CANCEL_RECOVERY, id).unwrap();
    assert_eq!(s.events::<RecoveryCancelled>()[0].by, alice);
    s.set_actor(admin);
    govern(&mut s, GovAction::SetPaused(false)).unwrap();
    let delay = view::registry_root(&mut s.chain).recovery_delay;
    s.advance(delay);
    s.set_actor(thief);
    s.assert_refused(
        registry::COMPLETE_RECOVERY,
        (id, key_for("thief")),
        Error::NoRecovery,
    );

    // Naming new guardians also ends a recovery under way.
    s.set_actor(g[1]);
    s.tx(registry::APPROVE_RECOVERY, (id, thief)).unwrap();
    s.set_actor(alice);
    s.tx(registry::SET_GUARDIANS, (id, Vec::<AccountId>::new(), 0u8))
        .unwrap();
    assert_eq!(s.events::<RecoveryCancelled>().len(), 1);
    assert_eq!(view::recovery(&mut s.chain, id), None);
}

/// Finding: "a recovery delay can run out during the pause and complete as soon as it ends".
/// Paused time does not count towards the delay.
#[test]
fn a_recovery_delay_does_not_run_while_the_registry_is_paused() {
    let mut s = Suite::deploy();
    let (alice, id) = s.patient("alice");
    let g = [s.actor("g1"), s.actor("g2")];
    let phone = s.actor("phone");
    s.set_actor(alice);
    s.tx(registry::SET_GUARDIANS, (id, g.to_vec(), 2u8))
        .unwrap();
    recover_with(&mut s, id, &g, phone);
    let delay = view::registry_root(&mut s.chain).recovery_delay;
    let admin = s.admin();
    s.set_actor(admin);
    govern(&mut s, GovAction::SetPaused(true)).unwrap();
    s.advance(delay + DAY_MS);
    govern(&mut s, GovAction::SetPaused(false)).unwrap();
    s.set_actor(phone);
    s.assert_refused(
        registry::COMPLETE_RECOVERY,
        (id, key_for("new")),
        Error::RecoveryNotReady,
    );
    s.advance(delay);
    s.tx(registry::COMPLETE_RECOVERY, (id, key_for("new")))
        .unwrap();
}

#[test]
fn delegates_step_down_and_are_removed_while_paused() {
    let mut s = Suite::deploy();
    let (alice, id) = s.patient("alice");
    let mum = s.actor("mum");
    s.set_actor(alice);
    s.tx(
        registry::ADD_DELEGATE,
        (id, mum, DelegateKind::LegalGuardian, None::<u64>),
    )
    .unwrap();
    let admin = s.admin();
    s.set_actor(admin);
    govern(&mut s, GovAction::SetPaused(true)).unwrap();
    s.set_actor(alice);
    s.tx(registry::REMOVE_DELEGATE, (id, mum)).unwrap();
    assert_eq!(standing(&mut s, id, mum).manager, None);
}

#[test]
fn the_custodian_is_an_active_organisation_named_by_the_controller() {
    let mut s = Suite::deploy();
    let (alice, id) = s.patient("alice");
    // A key custodian (a records service), never a provider (tests/tests/consent.rs).
    let er = s.organisation("er-custodian", &[Role::Researcher]);
    let stranger = s.actor("stranger");
    s.set_actor(stranger);
    s.assert_refused(
        registry::SET_CUSTODIAN,
        (id, Some(er)),
        Error::NotController,
    );
    s.set_actor(alice);
    s.assert_refused(
        registry::SET_CUSTODIAN,
        (id, Some(stranger)),
        Error::OrganisationNotFound,
    );
    s.tx(registry::SET_CUSTODIAN, (id, Some(er))).unwrap();
    assert_eq!(s.events::<CustodianSet>()[0].custodian, Some(er));
    assert_eq!(patient_record(&mut s, id).custodian, Some(er));
    let admin = s.admin();
    s.set_actor(admin);
    s.tx(registry::SUSPEND_ORGANISATION, er).unwrap();
    govern(&mut s, GovAction::SetPaused(true)).unwrap();
    s.set_actor(alice);
    // Adding waits for the unpause; removing does not.
    s.assert_refused(registry::SET_CUSTODIAN, (id, Some(er)), Error::Paused);
    s.tx(registry::SET_CUSTODIAN, (id, None::<AccountId>))
        .unwrap();
    assert_eq!(patient_record(&mut s, id).custodian, None);
}

#[test]
fn recovery_delay_is_set_by_governance() {
    let mut s = Suite::deploy();
    let admin = s.admin();
    let stranger = s.actor("stranger");
    s.set_actor(stranger);
    s.assert_refused(registry::SET_RECOVERY_DELAY, DAY_MS, Error::NotGovernor);
    s.set_actor(admin);
    s.assert_refused(
        registry::SET_RECOVERY_DELAY,
        31 * DAY_MS,
        Error::InvalidWindow,
    );
    // Never below a day: the controller must have time to cancel a recovery it did not ask for.
    s.assert_refused(registry::SET_RECOVERY_DELAY, 0u64, Error::InvalidWindow);
    s.assert_refused(
        registry::SET_RECOVERY_DELAY,
        DAY_MS - 1,
        Error::InvalidWindow,
    );
    s.tx(registry::SET_RECOVERY_DELAY, DAY_MS).unwrap();
    assert_eq!(s.events::<RecoveryDelayChanged>()[0].delay, DAY_MS);
    assert_eq!(view::registry_root(&mut s.chain).recovery_delay, DAY_MS);
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
    s.tx(
        registry::ADD_DELEGATE,
        (id, mum, DelegateKind::LegalGuardian, None::<u64>),
    )
    .unwrap();
    s.tx(registry::SET_GUARDIANS, (id, vec![g], 1u8)).unwrap();
    s.set_actor(g);
    s.tx(registry::APPROVE_RECOVERY, (id, mum)).unwrap();

    s.set_actor(mallory);
    s.assert_refused(registry::DEREGISTER_PATIENT, id, Error::NotController);

    s.set_actor(alice);
    let before = s.balance(&alice);
    s.tx(registry::DEREGISTER_PATIENT, id).unwrap();
    let refund = -s.last.as_ref().unwrap().deposit;
    assert!(refund > 0, "the caller gets the storage deposit back");
    assert_eq!(s.balance(&alice), before + refund as u128);
    assert_eq!(s.events::<PatientDeregistered>()[0].registration, 2);
    assert_eq!(s.events::<RecoveryCancelled>()[0].by, alice);
    assert_eq!(view::patient(&mut s.chain, id), None);
    assert_eq!(view::patient_of(&mut s.chain, alice), None);
    assert_eq!(view::recovery(&mut s.chain, id), None);
    assert_eq!(view::patient_cell(&mut s.chain, id), None);
    assert_eq!(
        s.query(access::LOOKUP, (Some(id), alice, None))
            .registration,
        None
    );
    // Storage is back to what it was before Alice registered: her patient, controller and
    // recovery entries are all gone.
    assert_eq!(s.storage_usage(R), without_alice);

    // The id can be registered again, under a new registration number.
    assert_eq!(
        s.tx(registry::REGISTER_PATIENT, (id, key_for("alice"))),
        Ok(3)
    );
}

#[test]
fn lookup_reports_registration_roles_and_relation() {
    let mut s = Suite::deploy();
    let (alice, id) = s.patient("alice");
    let hospital = s.organisation("hospital", &[Role::Provider]);
    let stranger = s.actor("stranger");
    let unknown = s.fresh_patient_id();
    let facts = s.query(access::LOOKUP, (Some(id), alice, Some(hospital)));
    assert_eq!(
        facts,
        Facts {
            registration: Some(1),
            epoch: 0,
            refuses_break_glass: false,
            first: Party {
                roles: RoleSet::EMPTY,
                manager: Some(ManagerKind::Controller)
            },
            second: Party {
                roles: RoleSet::of(&[Role::Provider]),
                manager: None
            },
        }
    );
    let facts = s.query(access::LOOKUP, (Some(unknown), stranger, None));
    assert_eq!(facts.registration, None);
    assert_eq!(facts.first, Party::default());
}

#[test]
fn only_the_registry_and_consent_write_the_projection() {
    let mut s = Suite::deploy();
    let stranger = s.actor("stranger");
    let admin = s.admin();
    for who in [stranger, admin] {
        s.set_actor(who);
        s.assert_refused(
            access::UPDATE,
            (
                Update::Organisation(stranger, RoleSet::of(&Role::ALL)),
                false,
            ),
            Error::NotSuiteContract,
        );
    }
    s.assert_refused(
        access::WIRE,
        Wiring::Writers {
            registry: stranger,
            consent: stranger,
        },
        Error::AlreadyConfigured,
    );
}
