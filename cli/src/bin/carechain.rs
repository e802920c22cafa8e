//! `carechain`: the command line for back offices. See `carechain --help` and README.md.
//!
//! The signer's secret URI comes from `--suri-file <file>` or `$CARECHAIN_SURI`; it is never
//! printed, and it is never taken as an argument (arguments show in `ps` and shell history).

use carechain_backend_node::{parse_ss58, NodeLedger};
use carechain_cli::commands::{exit, render, run, run_without_chain, CliError, Command, Output};
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
    /// A file holding the signer's secret URI (else `$CARECHAIN_SURI`).
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
    let cli = Cli::parse();
    if cli.command.offline() {
        finish(cli.json, run_without_chain(cli.command));
    }
    let suri = signer(&cli).unwrap_or_else(|e| fail(exit::SETUP, &e));
    let mut ledger = match (&suri, cli.command.reads_only()) {
        (Some(suri), _) => NodeLedger::connect_suite(&cli.url, &cli.deployments, suri),
        (None, true) => NodeLedger::connect_read_only(&cli.url, &cli.deployments),
        (None, false) => fail(
            exit::SETUP,
            "this command signs (or acts as you): give the signer's secret URI in CARECHAIN_SURI or --suri-file",
        ),
    }
    .unwrap_or_else(|e| fail(exit::SETUP, &e));
    let me = ledger.current_actor();
    ledger.set_name(me, &carechain_backend_node::ss58(&me));
    finish(cli.json, run(&mut ledger, cli.command, parse_account))
}

fn finish(json: bool, result: Result<Output, CliError>) -> ! {
    match result {
        Ok(output) => {
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&output.json).unwrap_or_default()
                );
            } else {
                println!("{}", render(&output.json));
            }
            std::process::exit(output.exit)
        }
        Err(e) => fail(e.code, &e.message),
    }
}
