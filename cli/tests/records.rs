//! A record's life from the command line, every vault key made by `carechain vault-key` (none
//! derived from a name), against a real gateway on loopback over the in-process chain: the
//! hospital puts a record for the patient, the patient and the hospital read it back, a clinic
//! is refused until the patient grants it and shares the record's key with it, and refused again
//! once the patient revokes. Wrong callers are refused with a reason, and nothing changes.

use carechain_backend_node::{parse_ss58, ss58};
use carechain_cli::commands::{
    exit, run, run_without_chain, Command, GatewayArgs, GrantArgs, RecordCommand as R, RewrapFor,
};
use carechain_common::*;
use carechain_gateway::{open_store, spawn, Config, Gateway};
use carechain_sdk::msg::registry;
use carechain_sdk::{credential, view, ChainRead, ChainWrite, Shared};
use carechain_tests::{Chain, Suite};
use ink::primitives::AccountId;
use serde_json::Value;
use sha2::{Digest as _, Sha256};
use std::path::{Path, PathBuf};
use std::result::Result;

struct World {
    chain: Shared<Chain>,
    gateway: GatewayArgs,
    dir: PathBuf,
}

impl World {
    fn new(tag: &str) -> World {
        let chain = Shared::new(Suite::deploy().chain);
        let dir = std::env::temp_dir().join(format!(
            "carechain-cli-records-{tag}-{}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let store = open_store(&dir.join("store").display().to_string()).unwrap();
        let gateway = Gateway::new(Config::default(), chain.clone(), store);
        let address = spawn(gateway, "127.0.0.1:0".parse().unwrap()).unwrap();
        World {
            chain,
            gateway: GatewayArgs {
                url: format!("http://{address}"),
                gateway_id: Config::default().id,
            },
            dir,
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    fn cmd(&mut self, c: Command) -> Result<(Value, i32), (i32, String)> {
        run(&mut self.chain, c, parse_ss58)
            .map(|o| (o.json, o.exit))
            .map_err(|e| (e.code, e.message))
    }

    /// A vault key made by the command line: the public key, the secret's file.
    fn vault_key(&self, who: &str) -> ([u8; 32], PathBuf) {
        let out = self.path(&format!("{who}.vault-key"));
        let made = run_without_chain(Command::VaultKey { out: out.clone() }).unwrap();
        let public = made.json["vaultPublicKey"].as_str().unwrap();
        let text = std::fs::read_to_string(&out).unwrap();
        assert!(
            !made.json.to_string().contains(text.trim()),
            "the secret is never printed"
        );
        (hex::decode(public).unwrap().try_into().unwrap(), out)
    }

    fn organisation(&mut self, name: &str, roles: &[Role]) -> (AccountId, PathBuf) {
        let (public, secret) = self.vault_key(name);
        let account = self.chain.actor(name);
        let admin = self.chain.admin();
        self.chain
            .as_actor(admin, |l| {
                l.tx(
                    registry::REGISTER_ORGANISATION,
                    (
                        account,
                        RoleSet::of(roles),
                        credential(name),
                        EncryptionKey(public),
                    ),
                )
            })
            .unwrap();
        (account, secret)
    }

    /// A patient registered by its controller `name` with a vault key the command line made:
    /// the controller, the patient id (hex, as commands take it) and the vault key's file.
    fn patient(&mut self, name: &str) -> (AccountId, String, PathBuf) {
        let (public, secret) = self.vault_key(name);
        let controller = self.chain.actor(name);
        let (out, _) = cmd_as(
            self,
            controller,
            Command::PatientRegister {
                key: hex::encode(public),
            },
        )
        .unwrap();
        let patient = out["result"]["patient"].as_str().unwrap().to_owned();
        (controller, patient, secret)
    }

    fn get(
        &mut self,
        who: AccountId,
        id: RecordId,
        key: &Path,
        out: &str,
    ) -> Result<(Value, i32), (i32, String)> {
        self.chain.set_actor(who);
        let out = self.path(out);
        self.cmd(Command::Record(R::Get {
            id,
            version: None,
            out,
            purpose: "treatment".into(),
            vault_key_file: Some(key.to_path_buf()),
            vault: Default::default(),
            gateway: self.gateway.clone(),
        }))
    }

    fn grant(&mut self, patient: &str, to: AccountId) -> GrantId {
        let (out, _) = self
            .cmd(Command::Grant(GrantArgs {
                patient: patient.into(),
                grantee: ss58(&to),
                categories: "laboratory".into(),
                purposes: "treatment".into(),
                from: None,
                until: "2099-01-01".into(),
                deny: false,
            }))
            .unwrap();
        out["result"]["grant"]
            .as_u64()
            .unwrap_or_else(|| panic!("{out}"))
    }
}

fn cmd_as(w: &mut World, who: AccountId, c: Command) -> Result<(Value, i32), (i32, String)> {
    w.chain.set_actor(who);
    w.cmd(c)
}

fn sha(path: &Path) -> Vec<u8> {
    Sha256::digest(std::fs::read(path).unwrap()).to_vec()
}

#[test]
fn a_record_is_put_read_shared_and_revoked_with_the_users_own_keys() {
    let mut w = World::new("life");
    let (hospital, hospital_key) = w.organisation("hospital-a", &[Role::Provider]);
    let (clinic, clinic_key) = w.organisation("clinic-b", &[Role::Provider]);
    let (insurer, _) = w.organisation("insurer", &[Role::Insurer]);
    let (patient_account, patient, patient_key) = w.patient("patient");
    w.grant(&patient, hospital);

    // A 300 KB document, not valid UTF-8.
    let document = w.path("report.pdf");
    let bytes: Vec<u8> = (0..300_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(&document, &bytes).unwrap();
    let put = |w: &mut World, who: AccountId| {
        w.chain.set_actor(who);
        let gateway = w.gateway.clone();
        w.cmd(Command::Record(R::Put {
            file: document.clone(),
            patient: patient.clone(),
            category: "laboratory".into(),
            purpose: "treatment".into(),
            pending: w.path("pending"),
            gateway,
        }))
    };
    // An insurer may not write a record: refused by the chain (logged), nothing anchored.
    let patient_id = PatientId(hex::decode(&patient).unwrap().try_into().unwrap());
    let (out, code) = put(&mut w, insurer).unwrap();
    assert_eq!(code, exit::NEGATIVE, "{out}");
    assert_eq!(
        view::patient_records(&mut w.chain, patient_id, 0, 10)
            .items
            .len(),
        0
    );

    let (out, code) = put(&mut w, hospital).unwrap();
    assert_eq!(code, 0, "{out}");
    let id: RecordId = out["result"]["record"].as_u64().unwrap();
    let meta = view::record_meta(&mut w.chain, id).expect("anchored");
    assert_eq!(
        hex::encode(meta.content_hash.0),
        out["result"]["ciphertext sha256"]
    );
    assert_eq!(meta.author, hospital);

    // The hospital and the patient read it back; the file is the same.
    let (out, code) = w.get(hospital, id, &hospital_key, "a.pdf").unwrap();
    assert_eq!(code, 0, "{out}");
    assert_eq!(sha(&w.path("a.pdf")), sha(&document));
    let (_, code) = w.get(patient_account, id, &patient_key, "own.pdf").unwrap();
    assert_eq!(code, 0);
    assert_eq!(sha(&w.path("own.pdf")), sha(&document));
    // Someone else's key opens nothing (the file is not written).
    let wrong = w.get(hospital, id, &clinic_key, "wrong.pdf");
    assert!(wrong.is_err(), "{wrong:?}");
    assert!(!w.path("wrong.pdf").exists());

    // The clinic: denied on chain (exit 5); granted but holding no key slot yet: the gateway
    // refuses (exit 5); after the patient shares the key, it reads the same file.
    let (out, code) = w.get(clinic, id, &clinic_key, "b.pdf").unwrap();
    assert_eq!(code, exit::NEGATIVE, "{out}");
    w.chain.set_actor(patient_account);
    let grant = w.grant(&patient, clinic);
    let refused = w.get(clinic, id, &clinic_key, "b.pdf");
    let (code, why) = refused.expect_err("no key slot for the clinic yet");
    assert_eq!(code, exit::NEGATIVE, "{why}");
    assert!(why.starts_with("the gateway refused: 40"), "{why}");
    // Only the patient's side shares: the insurer is not released the record.
    w.chain.set_actor(insurer);
    let share = |w: &mut World, key: &PathBuf| {
        let gateway = w.gateway.clone();
        w.cmd(Command::Record(R::Share {
            id,
            with: ss58(&clinic),
            vault_key_file: Some(key.clone()),
            vault: Default::default(),
            gateway,
        }))
    };
    let (out, code) = share(&mut w, &patient_key).unwrap();
    assert_eq!(code, exit::NEGATIVE, "{out}");
    w.chain.set_actor(patient_account);
    let (out, code) = share(&mut w, &patient_key).unwrap();
    assert_eq!(code, 0, "{out}");
    let (_, code) = w.get(clinic, id, &clinic_key, "b.pdf").unwrap();
    assert_eq!(code, 0);
    assert_eq!(sha(&w.path("b.pdf")), sha(&document));

    // Revoked: the clinic's next read exits 5.
    w.chain.set_actor(patient_account);
    w.cmd(Command::Revoke { grant }).unwrap();
    let (out, code) = w.get(clinic, id, &clinic_key, "c.pdf").unwrap();
    assert_eq!(code, exit::NEGATIVE, "{out}");
    assert!(!w.path("c.pdf").exists());

    let (history, _) = w.cmd(Command::Record(R::History { id })).unwrap();
    let versions = history.as_array().unwrap();
    assert_eq!(versions.len(), 1);
    assert_eq!(versions[0]["author"], w.chain.name_of(&hospital));
    std::fs::remove_dir_all(&w.dir).ok();
}

/// The acceptance story's second half, in process where time can pass (a recovery waits for the
/// registry's delay, a day at least, which a node's clock cannot skip): the patient loses every
/// key, guardians recover control to a new account and key, the author re-wraps the record for
/// the new key and the patient reads it again; the hospital rotates its key, re-wraps from its
/// former one and still reads. Wrong callers are refused and change nothing.
#[test]
fn nothing_is_lost_across_a_recovery_and_a_key_rotation_from_the_command_line() {
    use carechain_cli::commands::RecoveryCommand as Rc;
    let mut w = World::new("recovery");
    let (hospital, hospital_key) = w.organisation("hospital-r", &[Role::Provider]);
    let (clinic, clinic_key) = w.organisation("clinic-r", &[Role::Provider]);
    let (lost, patient, patient_key) = w.patient("patient-r");
    let patient_id = PatientId(hex::decode(&patient).unwrap().try_into().unwrap());
    w.grant(&patient, hospital);
    let document = w.path("scan.pdf");
    std::fs::write(&document, vec![7u8; 50_000]).unwrap();
    let gateway = w.gateway.clone();
    let pending = w.path("pending");
    let (out, code) = cmd_as(
        &mut w,
        hospital,
        Command::Record(R::Put {
            file: document.clone(),
            patient: patient.clone(),
            category: "laboratory".into(),
            purpose: "treatment".into(),
            pending,
            gateway: gateway.clone(),
        }),
    )
    .unwrap();
    assert_eq!(code, 0, "{out}");
    let id: RecordId = out["result"]["record"].as_u64().unwrap();
    let (_, code) = w.get(lost, id, &patient_key, "before.pdf").unwrap();
    assert_eq!(code, 0);
    // Versions: 1 is this one; there is no 2.
    w.chain.set_actor(hospital);
    let (_, code) = w
        .cmd(Command::Record(R::Get {
            id,
            version: Some(1),
            out: w.path("v1.pdf"),
            purpose: "treatment".into(),
            vault_key_file: Some(hospital_key.clone()),
            vault: Default::default(),
            gateway: gateway.clone(),
        }))
        .unwrap();
    assert_eq!(code, 0);
    assert_eq!(sha(&w.path("v1.pdf")), sha(&document));
    let (code, why) = w
        .cmd(Command::Record(R::Get {
            id,
            version: Some(2),
            out: w.path("v2.pdf"),
            purpose: "treatment".into(),
            vault_key_file: Some(hospital_key.clone()),
            vault: Default::default(),
            gateway: gateway.clone(),
        }))
        .unwrap_err();
    assert_eq!(code, exit::NEGATIVE, "{why}");
    assert!(!w.path("v2.pdf").exists());

    // Guardians, named by the controller only.
    let guardians = [w.chain.actor("guardian-1"), w.chain.actor("guardian-2")];
    let heir = w.chain.actor("patient-r-new");
    let set = Command::Recovery(Rc::Guardians {
        patient: patient.clone(),
        guardians: guardians.iter().map(ss58).collect(),
        threshold: 2,
    });
    let (code, why) = cmd_as(&mut w, clinic, set.clone()).unwrap_err();
    assert_eq!(code, exit::REFUSED, "{why}");
    assert!(view::patient(&mut w.chain, patient_id)
        .unwrap()
        .guardians
        .is_empty());
    cmd_as(&mut w, lost, set).unwrap();
    let approve = Command::Recovery(Rc::Approve {
        patient: patient.clone(),
        candidate: ss58(&heir),
    });
    // A stranger cannot approve; nothing is pending after its try.
    let (code, why) = cmd_as(&mut w, clinic, approve.clone()).unwrap_err();
    assert_eq!(code, exit::REFUSED);
    assert!(why.contains("NotGuardian"), "{why}");
    let show = Command::Recovery(Rc::Show {
        patient: patient.clone(),
    });
    let (_, code) = w.cmd(show.clone()).unwrap();
    assert_eq!(code, exit::NEGATIVE, "no recovery is pending");
    for g in guardians {
        cmd_as(&mut w, g, approve.clone()).unwrap();
    }
    let (pending, _) = w.cmd(show).unwrap();
    assert_eq!(pending["candidates"][0]["approvals"], 2, "{pending}");
    let (new_public, new_key) = w.vault_key("patient-r-new");
    let complete = Command::Recovery(Rc::Complete {
        patient: patient.clone(),
        key: hex::encode(new_public),
    });
    // Not before the delay, and never by someone else.
    let (code, why) = cmd_as(&mut w, heir, complete.clone()).unwrap_err();
    assert!(
        code == exit::REFUSED && why.contains("RecoveryNotReady"),
        "{why}"
    );
    w.chain.lock().advance(DEFAULT_RECOVERY_DELAY);
    let (code, why) = cmd_as(&mut w, clinic, complete.clone()).unwrap_err();
    assert!(
        code == exit::REFUSED && why.contains("NotPendingAccount"),
        "{why}"
    );
    cmd_as(&mut w, heir, complete).unwrap();
    assert_eq!(view::patient_of(&mut w.chain, heir), Some(patient_id));

    // The new key has no slot yet: the gateway refuses (exit 5), nothing is written.
    let (code, why) = w.get(heir, id, &new_key, "after.pdf").unwrap_err();
    assert_eq!(code, exit::NEGATIVE, "{why}");
    assert!(!w.path("after.pdf").exists());
    // The recovery ended every grant: the author re-wraps only once granted again; a clinic
    // that was never granted re-wraps nothing (exit 5, logged).
    let rewrap = |for_whom: RewrapFor, key: &Path| {
        Command::Record(R::Rewrap {
            id,
            for_whom,
            vault_key_file: Some(key.to_path_buf()),
            vault: Default::default(),
            gateway: gateway.clone(),
        })
    };
    let (_, code) = cmd_as(&mut w, hospital, rewrap(RewrapFor::Patient, &hospital_key)).unwrap();
    assert_eq!(code, exit::NEGATIVE);
    let (_, code) = cmd_as(&mut w, clinic, rewrap(RewrapFor::Patient, &clinic_key)).unwrap();
    assert_eq!(code, exit::NEGATIVE);
    assert!(w.get(heir, id, &new_key, "after.pdf").is_err());
    w.chain.set_actor(heir);
    w.grant(&patient, hospital);
    let (out, code) = cmd_as(&mut w, hospital, rewrap(RewrapFor::Patient, &hospital_key)).unwrap();
    assert_eq!(code, 0, "{out}");
    let (_, code) = w.get(heir, id, &new_key, "after.pdf").unwrap();
    assert_eq!(code, 0);
    assert_eq!(sha(&w.path("after.pdf")), sha(&document));
    // The lost key opens nothing any more from the command line: it is not the patient's.
    let (_, code) = w.get(lost, id, &patient_key, "thief.pdf").unwrap();
    assert_eq!(code, exit::NEGATIVE);

    // The hospital rotates its key. Only an organisation rotates its own; a patient's key is
    // its controller's to rotate.
    let (rotated_public, rotated_key) = w.vault_key("hospital-r-2");
    let (code, why) = cmd_as(
        &mut w,
        hospital,
        Command::RotateKey {
            key: hex::encode(rotated_public),
            patient: Some(patient.clone()),
        },
    )
    .unwrap_err();
    assert_eq!(code, exit::REFUSED, "{why}");
    assert_eq!(
        view::patient(&mut w.chain, patient_id).unwrap().key.0,
        new_public
    );
    cmd_as(
        &mut w,
        hospital,
        Command::RotateKey {
            key: hex::encode(rotated_public),
            patient: None,
        },
    )
    .unwrap();
    let (code, _) = w.get(hospital, id, &rotated_key, "h.pdf").unwrap_err();
    assert_eq!(code, exit::NEGATIVE, "no slot for the new key yet");
    // Re-wrapping "for me" from the key that is registered already is a usage error.
    let (code, _) = cmd_as(&mut w, hospital, rewrap(RewrapFor::Me, &rotated_key)).unwrap_err();
    assert_eq!(code, exit::USAGE);
    let (out, code) = cmd_as(&mut w, hospital, rewrap(RewrapFor::Me, &hospital_key)).unwrap();
    assert_eq!(code, 0, "{out}");
    let (_, code) = w.get(hospital, id, &rotated_key, "h.pdf").unwrap();
    assert_eq!(code, 0);
    assert_eq!(sha(&w.path("h.pdf")), sha(&document));
    std::fs::remove_dir_all(&w.dir).ok();
}

/// A put interrupted after its anchor (here: the gateway is down) is completed by its author
/// with `record resume`; the kept upload holds no key in clear; a part uploaded before the
/// interruption is passed over; nobody else can complete it, and nothing is left behind.
#[test]
fn an_interrupted_put_is_completed_by_its_author_and_nothing_is_lost() {
    let mut w = World::new("resume");
    let (hospital, hospital_key) = w.organisation("hospital-p", &[Role::Provider]);
    let (clinic, clinic_key) = w.organisation("clinic-p", &[Role::Provider]);
    let (patient_account, patient, patient_key) = w.patient("patient-p");
    w.grant(&patient, hospital);
    let document = w.path("scan.pdf");
    std::fs::write(&document, vec![3u8; 80_000]).unwrap();
    // Nothing listens on this port: the gateway is down.
    let down = {
        let socket = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = socket.local_addr().unwrap().port();
        drop(socket);
        GatewayArgs {
            url: format!("http://127.0.0.1:{port}"),
            gateway_id: w.gateway.gateway_id.clone(),
        }
    };
    let pending = w.path("pending");
    let (code, why) = cmd_as(
        &mut w,
        hospital,
        Command::Record(R::Put {
            file: document.clone(),
            patient: patient.clone(),
            category: "laboratory".into(),
            purpose: "treatment".into(),
            pending: pending.clone(),
            gateway: down,
        }),
    )
    .unwrap_err();
    assert_eq!(code, exit::SETUP, "{why}");
    assert!(why.contains("record resume"), "{why}");
    let id: RecordId = why
        .split("record resume ")
        .nth(1)
        .and_then(|t| t.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|t| t.parse().ok())
        .unwrap_or_else(|| panic!("{why}"));
    assert!(view::record_meta(&mut w.chain, id).is_some(), "anchored");
    // The kept upload: the ciphertext and a wrapped key, no key or plaintext in clear.
    let blob = std::fs::read(pending.join(format!("record-{id}.blob"))).unwrap();
    assert!(
        !blob.windows(64).any(|x| x == &[3u8; 64][..]),
        "no plaintext kept"
    );
    // Part of it reached the gateway before the interruption: the blob.
    let client = carechain_sdk::gateway::GatewayClient::new(&w.gateway.url, &w.gateway.gateway_id);
    client.put_blob(&w.chain, hospital, id, blob).unwrap();
    let resume = |w: &World, key: &Path| {
        Command::Record(R::Resume {
            id,
            pending: pending.clone(),
            vault_key_file: Some(key.to_path_buf()),
            vault: Default::default(),
            gateway: w.gateway.clone(),
        })
    };
    // Another organisation cannot complete it (its key opens nothing kept, and it is not the
    // author); the kept files stay.
    let c = resume(&w, &clinic_key);
    let (code, _) = cmd_as(&mut w, clinic, c).unwrap_err();
    assert_eq!(code, exit::NEGATIVE);
    assert!(pending.join(format!("record-{id}.key")).exists());
    let c = resume(&w, &hospital_key);
    let (out, code) = cmd_as(&mut w, hospital, c).unwrap();
    assert_eq!(code, 0, "{out}");
    assert!(!pending.join(format!("record-{id}.key")).exists());
    assert!(!pending.join(format!("record-{id}.blob")).exists());
    let (_, code) = w
        .get(patient_account, id, &patient_key, "read.pdf")
        .unwrap();
    assert_eq!(code, 0);
    assert_eq!(sha(&w.path("read.pdf")), sha(&document));
    // Done once: a second resume finds nothing kept (exit 5), and changes nothing.
    let c = resume(&w, &hospital_key);
    let (code, _) = cmd_as(&mut w, hospital, c).unwrap_err();
    assert_eq!(code, exit::NEGATIVE);
    std::fs::remove_dir_all(&w.dir).ok();
}
