//! Deploy the suite to a node through the client's one deployment path and record it in
//! `deployments/<chain>-<genesis>.json` after every step (a failed deployment stays recorded as
//! partial). Refuses to deploy a second suite on a chain that already has one recorded with live
//! contracts. With `--orgs FILE` it then credentials the first organisations (checked before
//! anything is deployed; format in `scripts/organisations.example`).
//!
//! The deployer's secret URI comes from `$CARECHAIN_SURI` (default: the dev chain's `//Alice`),
//! never from the command line (other users can read a process's arguments) and never recorded.
//!
//! Usage: deploy [--url ws://127.0.0.1:9944] [--orgs FILE] [--deployments DIR]
//! Exit status: 0 deployed, 3 a suite is already deployed on this chain, 1 any failure.

use carechain_backend_node::{
    deployer_suri, deployments_dir, organisations, ss58, Manifest, NodeLedger,
};
use carechain_sdk::deploy::{deploy_suite, DeployOptions, Progress};
use carechain_sdk::{msg, ChainRead, ChainWrite, Contract};
use ink::primitives::AccountId;
use std::path::PathBuf;

const ALREADY_DEPLOYED: i32 = 3;

fn say(text: &str) {
    println!("[deploy] {text}");
}

fn fail(text: &str) -> ! {
    eprintln!("[deploy] FAILED: {text}");
    std::process::exit(1)
}

/// What a pallet error means for whoever runs the deployment.
fn explain(error: &str) -> String {
    let hint = if error.contains("StorageDepositLimitExhausted")
        || error.contains("StorageDepositNotEnoughFunds")
    {
        "the deployer's free balance does not cover the storage deposit this step needs"
    } else if error.contains("Inability to pay some fees")
        || error.contains("InsufficientBalance")
        || error.contains("FundsUnavailable")
    {
        "the deployer cannot pay the fees and deposits"
    } else if error.contains("OutOfGas") {
        "the step ran out of gas"
    } else if error.contains("DuplicateContract") {
        "a contract with this code, constructor input and salt already exists"
    } else {
        ""
    };
    if hint.is_empty() {
        error.to_owned()
    } else {
        format!("{error}: {hint}")
    }
}

/// Records each step in the manifest and saves it.
struct Recorder<'a> {
    manifest: &'a mut Manifest,
    hashes: Vec<(Contract, [u8; 32])>,
}

impl Progress for Recorder<'_> {
    fn step(&mut self, text: &str) {
        say(text);
        self.manifest.record_step(text);
        if let Err(e) = self.manifest.save() {
            fail(&e);
        }
    }

    fn deployed(&mut self, contract: Contract, address: AccountId) {
        let hash = self
            .hashes
            .iter()
            .find(|(c, _)| *c == contract)
            .map(|(_, h)| *h)
            .unwrap_or_default();
        self.manifest.record_contract(contract, address, hash);
        say(&format!("  {} at {}", contract.name(), ss58(&address)));
        if let Err(e) = self.manifest.save() {
            fail(&e);
        }
    }
}

fn main() {
    let mut url = String::from("ws://127.0.0.1:9944");
    let mut orgs_file: Option<PathBuf> = None;
    let mut dir = deployments_dir();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || {
            args.next()
                .unwrap_or_else(|| fail(&format!("{arg} needs a value")))
        };
        match arg.as_str() {
            "--url" => url = value(),
            "--orgs" => orgs_file = Some(PathBuf::from(value())),
            "--deployments" => dir = PathBuf::from(value()),
            "--suri" => fail(
                "pass the deployer's secret URI in CARECHAIN_SURI, not on the command line \
                 (other users can read a process's arguments)",
            ),
            other => {
                eprintln!(
                    "unknown argument {other}; usage: deploy [--url ws://127.0.0.1:9944] \
                     [--orgs FILE] [--deployments DIR]"
                );
                std::process::exit(2);
            }
        }
    }

    // The organisations file is checked before anything is deployed.
    let orgs = match &orgs_file {
        None => Vec::new(),
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .unwrap_or_else(|e| fail(&format!("cannot read {}: {e}", path.display())));
            organisations::parse(&path.display().to_string(), &text).unwrap_or_else(|e| {
                fail(&format!(
                    "the organisations file is not valid (nothing deployed): {e}"
                ))
            })
        }
    };

    let mut node = NodeLedger::connect(&url, &deployer_suri()).unwrap_or_else(|e| fail(&e));
    let chain = node.chain_name().unwrap_or_else(|e| fail(&e));
    let genesis = node.genesis();
    let path = Manifest::path_for(&dir, &chain, &genesis);
    say(&format!(
        "node at {url}: chain \"{chain}\", genesis {}…; deployer {}; manifest {}",
        &genesis[..18.min(genesis.len())],
        ss58(&node.admin()),
        path.display()
    ));

    if path.exists() {
        let previous = Manifest::load(&path).unwrap_or_else(|e| fail(&e));
        let live = previous
            .recorded()
            .iter()
            .filter(|(_, address)| node.is_contract(address))
            .count();
        if live > 0 {
            eprintln!(
                "[deploy] this chain already has a {} CareChain deployment recorded in {} ({live} \
                 live contract(s)); not deploying a second suite. Use it, or remove the manifest \
                 deliberately.",
                previous.status(),
                path.display()
            );
            std::process::exit(ALREADY_DEPLOYED);
        }
        let stale = path.with_extension(format!(
            "json.stale-{}",
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0)
        ));
        say(&format!(
            "{} names no live contract (a restarted dev chain?); kept as {}",
            path.display(),
            stale.display()
        ));
        std::fs::rename(&path, &stale).unwrap_or_else(|e| fail(&e.to_string()));
    }

    // A panic inside the client (a refused wiring call, a failed transaction) ends the run with
    // its reason; the manifest says how far the deployment got.
    let manifest_path = path.clone();
    std::panic::set_hook(Box::new(move |info| {
        let reason = info
            .payload()
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| info.payload().downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        eprintln!(
            "[deploy] FAILED: {} (see {} for what was deployed)",
            explain(&reason),
            manifest_path.display()
        );
    }));

    let mut manifest = Manifest::start(path.clone(), &chain, &genesis, node.admin());
    manifest.save().unwrap_or_else(|e| fail(&e));
    let hashes = Contract::ALL
        .into_iter()
        .map(|c| (c, node.artifact(c.name()).code_hash))
        .collect();
    let salt: [u8; 16] = rand::random();
    let mut recorder = Recorder {
        manifest: &mut manifest,
        hashes,
    };
    if let Err(e) = deploy_suite(&mut node, &DeployOptions::default(), &salt, &mut recorder) {
        fail(&format!("{} (see {})", explain(&e), path.display()));
    }
    for org in &orgs {
        recorder.step(&format!(
            "registry: credential {} as {:?}",
            ss58(&org.account),
            org.roles
        ));
        node.tx(
            msg::registry::REGISTER_ORGANISATION,
            (org.account, org.roles, org.credential, org.key),
        )
        .unwrap_or_else(|e| {
            fail(&format!(
                "register organisation {}: {e:?}",
                ss58(&org.account)
            ))
        });
    }
    manifest.complete();
    manifest.save().unwrap_or_else(|e| fail(&e));
    say(&format!("deployed and wired; manifest: {}", path.display()));
}
