//! `carechain`: the command line for back offices. See `carechain --help` and README.md.
//!
//! The signer is a keystore identity (`--identity NAME`, its password from `$CARECHAIN_PASSWORD_FILE`
//! or a prompt) or, on development chains, a secret URI from `--suri-file <file>` or
//! `$CARECHAIN_SURI`. No secret is printed or taken as an argument (arguments show in `ps` and
//! shell history).

use carechain_backend_node::{parse_ss58, NodeLedger};
use carechain_cli::commands::{
    exit, render, run, run_keys, run_without_chain, CliError, Command, Output, VaultSecret,
};
use carechain_cli::keystore::{password, Keystore};
use carechain_sdk::ChainWrite;
use clap::Parser;
use ink::primitives::AccountId;
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "carechain",
    version,
    about = "CareChain for back offices: everyday calls, GS1 EPCIS 2.0 in and out, pack verification (GS1 LM / VRS codes), FHIR R4 and X12 835 out."
)]
struct Cli {
    /// The node's WebSocket URL.
    #[arg(long, env = "CARECHAIN_URL", default_value = "ws://127.0.0.1:9944")]
    url: String,
    /// Where the deployment manifests are (`<chain>-<genesis>.json`); default: the nearest
    /// `deployments/` in the working directory or its parents. The contract bundles come from
    /// `$CARECHAIN_BUNDLES`, else the nearest `target/ink`, else an `ink` folder beside this
    /// program.
    #[arg(long, env = "CARECHAIN_DEPLOYMENTS", default_value_os_t = carechain_backend_node::deployments_dir())]
    deployments: PathBuf,
    /// Sign as this keystore identity (`carechain keys new NAME`); its password comes from
    /// `$CARECHAIN_PASSWORD_FILE` or a prompt.
    #[arg(long, global = true, env = "CARECHAIN_IDENTITY")]
    identity: Option<String>,
    /// The keystore (default `$CARECHAIN_KEYSTORE`, else `~/.carechain/keys`).
    #[arg(long, global = true, default_value_os_t = Keystore::default_dir())]
    keystore: PathBuf,
    /// For development chains: a file holding the signer's secret URI (else `$CARECHAIN_SURI`).
    #[arg(long)]
    suri_file: Option<PathBuf>,
    /// Print JSON for scripts instead of a table.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

/// SS58, or 32 bytes hex.
fn parse_account(text: &str) -> Result<AccountId, String> {
    if let Some(hex_text) = text.strip_prefix("0x") {
        let bytes: [u8; 32] = hex::decode(hex_text)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| format!("{text}: not 32 bytes hex"))?;
        return Ok(AccountId::from(bytes));
    }
    parse_ss58(text)
}

fn signer(cli: &Cli) -> Result<Option<String>, String> {
    if let Some(path) = &cli.suri_file {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        return Ok(Some(text.trim().to_owned()));
    }
    Ok(std::env::var("CARECHAIN_SURI")
        .ok()
        .filter(|s| !s.is_empty()))
}

fn fail(code: i32, message: &str) -> ! {
    eprintln!("carechain: {message}");
    std::process::exit(code)
}

fn main() {
    let mut cli = Cli::parse();
    let keys = Keystore::at(&cli.keystore);
    if let Command::Keys(command) = cli.command {
        let ask = |confirm: bool| password("keystore password: ", confirm);
        finish(cli.json, run_keys(&keys, command, &ask));
    }
    if cli.command.offline() {
        finish(cli.json, run_without_chain(cli.command));
    }
    if cli.identity.is_some() && cli.suri_file.is_some() {
        fail(exit::USAGE, "sign with --identity or --suri-file, not both");
    }
    let mut ledger = if let Some(name) = cli.identity.clone() {
        let password = password(&format!("{name}'s password: "), false)
            .unwrap_or_else(|e| fail(exit::SETUP, &e));
        let chain = keys
            .chain_key(&name, &password)
            .unwrap_or_else(|e| fail(exit::SETUP, &e));
        if let Some(slot) = cli.command.wants_vault_key() {
            let vault = keys
                .vault_key(&name, &password)
                .unwrap_or_else(|e| fail(exit::SETUP, &e));
            *slot = VaultSecret(Some(std::sync::Arc::new(vault)));
        }
        NodeLedger::connect_suite_with_key(&cli.url, &cli.deployments, chain)
            .unwrap_or_else(|e| fail(exit::SETUP, &e))
    } else {
        connect(&cli)
    };
    let me = ledger.current_actor();
    ledger.set_name(me, &carechain_backend_node::ss58(&me));
    if let Command::Transfer { to, amount } = &cli.command {
        let to = parse_account(to).unwrap_or_else(|e| fail(exit::USAGE, &e));
        match ledger.transfer(to, *amount) {
            Ok(()) => finish(
                cli.json,
                Ok(Output {
                    json: serde_json::json!({"ok": true, "result": {"to": carechain_backend_node::ss58(&to), "amount": amount.to_string()}}),
                    exit: 0,
                }),
            ),
            Err(e) => fail(exit::REFUSED, &format!("the transfer failed: {e}")),
        }
    }
    finish(cli.json, run(&mut ledger, cli.command, parse_account))
}

/// A ledger for a secret URI (development chains) or, for reads, for nobody.
fn connect(cli: &Cli) -> NodeLedger {
    let suri = signer(cli).unwrap_or_else(|e| fail(exit::SETUP, &e));
    match (&suri, cli.command.reads_only()) {
        (Some(suri), _) => NodeLedger::connect_suite(&cli.url, &cli.deployments, suri),
        (None, true) => NodeLedger::connect_read_only(&cli.url, &cli.deployments),
        (None, false) => fail(
            exit::SETUP,
            "this command signs (or acts as you): sign with --identity NAME (the keystore), or on a \
             development chain give a secret URI in CARECHAIN_SURI or --suri-file",
        ),
    }
    .unwrap_or_else(|e| fail(exit::SETUP, &e))
}

fn finish(json: bool, result: Result<Output, CliError>) -> ! {
    match result {
        Ok(output) => {
            let text = if json {
                serde_json::to_string_pretty(&output.json).unwrap_or_default()
            } else {
                render(&output.json)
            };
            // A reader that stopped early (`| head`, `| grep -q`) is not a failure of the
            // command: what it did is done.
            use std::io::Write;
            let _ = writeln!(std::io::stdout(), "{text}");
            std::process::exit(output.exit)
        }
        Err(e) => fail(e.code, &e.message),
    }
}

#[cfg(test)]
mod tests {
    /// clap's own consistency checks over every subcommand (a clash of a global option with a
    /// subcommand's panics only when that subcommand is parsed).
    #[test]
    fn the_command_line_is_consistent() {
        use clap::CommandFactory;
        super::Cli::command().debug_assert();
    }
}
