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
        if let Some(slot) = cli.command.wants_former_vault_key() {
            let former = keys
                .former_vault_key(&name, &password)
                .unwrap_or_else(|e| fail(exit::SETUP, &e));
            *slot = VaultSecret(Some(std::sync::Arc::new(former)));
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
    /// Every `carechain …` line of README.md's `sh` blocks parses as this command line (its
    /// placeholders filled in: `<…>` with 32 bytes hex, `4821…` with a number, `5F…` with an
    /// account; `$CARECHAIN_GATEWAY_URL` set, as the README says), so the README's commands
    /// cannot drift from the CLI's arguments.
    #[test]
    fn every_command_in_the_readme_parses() {
        use clap::Parser;
        // The README's record commands take the gateway from the environment, as it says.
        std::env::set_var("CARECHAIN_GATEWAY_URL", "http://127.0.0.1:8700");
        let readme = include_str!("../../../README.md");
        let mut lines = Vec::new();
        let mut in_sh = false;
        let mut pending = String::new();
        for line in readme.lines() {
            if line.starts_with("```") {
                in_sh = line == "```sh";
                continue;
            }
            if !in_sh {
                continue;
            }
            let line = line.split(" # ").next().unwrap_or("").trim_end();
            if let Some(start) = line.strip_suffix('\\') {
                pending.push_str(start);
                pending.push(' ');
                continue;
            }
            pending.push_str(line);
            let full = std::mem::take(&mut pending);
            if full.trim_start().starts_with("carechain ") {
                lines.push(full.trim().to_owned());
            }
        }
        assert!(
            lines.len() > 40,
            "the README's commands were found ({})",
            lines.len()
        );
        for line in &lines {
            let words = fill(line);
            if let Err(e) = super::Cli::try_parse_from(&words) {
                panic!("README.md: `{line}` does not parse as {words:?}:\n{e}");
            }
        }
    }

    /// A README line as arguments: quotes honoured, placeholders filled, optional parts
    /// included, a redirection dropped.
    fn fill(line: &str) -> Vec<String> {
        let mut text = String::new();
        let mut rest = line;
        while let Some(open) = rest.find('<') {
            text.push_str(&rest[..open]);
            match rest[open..].find('>') {
                Some(close) => {
                    text.push_str(&"ab".repeat(32));
                    rest = &rest[open + close + 1..];
                }
                None => {
                    rest = &rest[open..];
                    break;
                }
            }
        }
        text.push_str(rest);
        let mut words = Vec::new();
        let mut word = String::new();
        let mut quote = None;
        let mut started = false;
        for c in text.chars() {
            match (quote, c) {
                (None, '\'' | '"') => {
                    quote = Some(c);
                    started = true;
                }
                (Some(q), c) if c == q => quote = None,
                (None, ' ') => {
                    if started {
                        words.push(std::mem::take(&mut word));
                        started = false;
                    }
                }
                (_, c) => {
                    word.push(c);
                    started = true;
                }
            }
        }
        if started {
            words.push(word);
        }
        let end = words
            .iter()
            .position(|w| w == ">" || w == "|")
            .unwrap_or(words.len());
        words.truncate(end);
        words
            .into_iter()
            // An optional part (`[--dry-run]`) is parsed too.
            .map(
                |w| match w.strip_prefix('[').and_then(|w| w.strip_suffix(']')) {
                    Some(inner) => inner.to_owned(),
                    None => w,
                },
            )
            .map(|w| match w.strip_suffix('…') {
                Some(stem) if stem.starts_with(|c: char| c.is_ascii_digit()) => stem.to_owned(),
                Some(_) => "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY".to_owned(),
                None => w,
            })
            .collect()
    }

    /// clap's own consistency checks over every subcommand (a clash of a global option with a
    /// subcommand's panics only when that subcommand is parsed).
    #[test]
    fn the_command_line_is_consistent() {
        use clap::CommandFactory;
        super::Cli::command().debug_assert();
    }
}
