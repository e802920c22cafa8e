//! A record's life from the command line, every vault key made by `carechain vault-key` (none
//! derived from a name), against a real gateway on loopback over the in-process chain: the
//! hospital puts a record for the patient, the patient and the hospital read it back, a clinic
//! is refused until the patient grants it and shares the record's key with it, and refused again
//! once the patient revokes. Wrong callers are refused with a reason, and nothing changes.

use carechain_backend_node::{parse_ss58, ss58};
use carechain_cli::commands::{
    exit, run, run_without_chain, Command, GatewayArgs, GrantArgs, RecordCommand as R,
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
    fn new() -> World {
        let chain = Shared::new(Suite::deploy().chain);
        let dir =
            std::env::temp_dir().join(format!("carechain-cli-records-{}", std::process::id()));
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

fn sha(path: &Path) -> Vec<u8> {
    Sha256::digest(std::fs::read(path).unwrap()).to_vec()
}

#[test]
fn a_record_is_put_read_shared_and_revoked_with_the_users_own_keys() {
    let mut w = World::new();
    let (hospital, hospital_key) = w.organisation("hospital-a", &[Role::Provider]);
    let (clinic, clinic_key) = w.organisation("clinic-b", &[Role::Provider]);
    let (insurer, _) = w.organisation("insurer", &[Role::Insurer]);
    let (patient_public, patient_key) = w.vault_key("patient");
    let patient_account = w.chain.actor("patient");
    w.chain.set_actor(patient_account);
    let (out, _) = w
        .cmd(Command::PatientRegister {
            key: hex::encode(patient_public),
        })
        .unwrap();
    let patient = out["result"]["patient"].as_str().unwrap().to_owned();
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
