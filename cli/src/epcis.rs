//! GS1 EPCIS 2.0 (JSON / JSON-LD) in and out.
//!
//! **Import**: a document of ObjectEvents is validated against `schema/epcis-2.0-object-events.
//! schema.json` (written from the standard), then *planned*: every event is mapped to contract
//! calls and every party to an account from the master data, and every acting party must be one
//! whose key the caller holds. A document that fails validation or planning changes nothing.
//! The plan is then applied in document order; the report says per event what happened, and the
//! first refusal stops the import (later events usually depend on it).
//!
//! | EPCIS event (bizStep / disposition) | contract call | acting party |
//! |---|---|---|
//! | `commissioning`, ADD, ILMD lot + expiry | `register_batch` (contiguous numeric serials) | bizLocation |
//! | `shipping` of a quantity (`quantityList`) | `ship` | source owning party |
//! | `shipping` of packs (`epcList`; disposition `returned`: a return) | `ship_serials` (custody of those serials passes on receipt) / `return_packs` (only serials the sender received by serial) | source owning party |
//! | `receiving` | `accept` of the pending transfer from the source | destination owning party |
//! | `dispensing` | `dispense` per pack | bizLocation |
//! | `destroying`, `decommissioning` | `destroy` | bizLocation |
//! | disposition `recalled` | `recall` | bizLocation |
//!
//! **Export**: a batch's custody history from the chain as an EPCIS 2.0 document (commissioning,
//! every shipment and receipt, dispensing and destruction of serials, quarantine and recall from
//! the audit trail), with GS1 Digital Link identifiers.

use crate::send;
use carechain_common::{
    AuditAction, AuditSubject, Batch, BatchId, Digest, DispenseOutcome, Gtin, LotNumber,
    RecallReason, TransferKind, TransferStatus, MAX_SERIALS_PER_CALL,
};
use carechain_sdk::dates::{expiry_from_date, format_time, parse_date};
use carechain_sdk::gs1::{self, Sgtin};
use carechain_sdk::msg::provenance as p;
use carechain_sdk::{digest, view, ChainWrite};
use ink::primitives::AccountId;
use serde_json::{json, Value};
use std::collections::BTreeMap;

const SCHEMA: &str = include_str!("../schema/epcis-2.0-object-events.schema.json");

/// Where GLN-identified locations and parties are on chain: the master data file.
///
/// ```json
/// {"parties": [{"name": "Acme Pharma", "account": "5Grw…",
///               "ids": ["urn:epc:id:pgln:0614141.00000", "urn:epc:id:sgln:0614141.00001.0"]}]}
/// ```
#[derive(Clone, Debug, Default)]
pub struct MasterData {
    by_id: BTreeMap<String, AccountId>,
    /// account -> (name, party id used on export)
    parties: BTreeMap<AccountId, (String, String)>,
}

impl MasterData {
    pub fn parse(
        text: &str,
        parse_account: impl Fn(&str) -> Result<AccountId, String>,
    ) -> Result<MasterData, String> {
        let value: Value = serde_json::from_str(text).map_err(|e| format!("master data: {e}"))?;
        let parties = value["parties"]
            .as_array()
            .ok_or("master data: no \"parties\" list")?;
        let mut data = MasterData::default();
        for (n, party) in parties.iter().enumerate() {
            let account_text = party["account"]
                .as_str()
                .ok_or(format!("master data party {n}: no account"))?;
            let account =
                parse_account(account_text).map_err(|e| format!("master data party {n}: {e}"))?;
            let ids: Vec<&str> = party["ids"]
                .as_array()
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            if ids.is_empty() {
                return Err(format!("master data party {n}: no ids (PGLN / SGLN URIs)"));
            }
            for id in &ids {
                if let Some(other) = data.by_id.insert((*id).to_owned(), account) {
                    if other != account {
                        return Err(format!("master data: {id} is given to two accounts"));
                    }
                }
            }
            let name = party["name"].as_str().unwrap_or(account_text).to_owned();
            data.parties.insert(account, (name, ids[0].to_owned()));
        }
        Ok(data)
    }

    pub fn account(&self, id: &str) -> Result<AccountId, String> {
        self.by_id
            .get(id)
            .copied()
            .ok_or_else(|| format!("{id} is not in the master data"))
    }

    /// The party URI of an account on export (its first id), or a CareChain account URI.
    pub fn party_id(&self, account: &AccountId) -> String {
        self.parties
            .get(account)
            .map(|(_, id)| id.clone())
            .unwrap_or_else(|| format!("urn:carechain:account:{}", hex::encode(account)))
    }

    pub fn name(&self, account: &AccountId) -> Option<&str> {
        self.parties.get(account).map(|(name, _)| name.as_str())
    }
}

/// `shipping`, `urn:epcglobal:cbv:bizstep:shipping`, `https://ref.gs1.org/cbv/BizStep-shipping`
/// -> `shipping` (the same for dispositions and source/destination types).
pub fn vocabulary(term: &str) -> String {
    let last = term.rsplit([':', '/']).next().unwrap_or(term);
    for prefix in ["BizStep-", "Disp-", "SDT-", "BTT-"] {
        if let Some(rest) = last.strip_prefix(prefix) {
            return rest.to_owned();
        }
    }
    last.to_owned()
}

/// Schema errors of a document, each with its JSON path (empty: valid).
pub fn schema_errors(document: &Value) -> Vec<String> {
    let schema: Value = serde_json::from_str(SCHEMA).expect("the bundled schema is JSON");
    let validator = match jsonschema::validator_for(&schema) {
        Ok(v) => v,
        Err(e) => return vec![format!("the bundled schema does not compile: {e}")],
    };
    validator
        .iter_errors(document)
        .map(|e| {
            let path = e.instance_path.to_string();
            format!("{}: {e}", if path.is_empty() { "/" } else { &path })
        })
        .collect()
}

/// What the packs or quantity of an event are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Goods {
    /// Packs by SGTIN (same GTIN), with the lot if the event says it.
    Packs {
        gtin: u64,
        serials: Vec<u64>,
        lot: Option<String>,
    },
    /// A quantity of a lot (LGTIN quantityList).
    Lot {
        gtin: u64,
        lot: String,
        quantity: u64,
    },
}

impl Goods {
    fn gtin(&self) -> u64 {
        match self {
            Goods::Packs { gtin, .. } | Goods::Lot { gtin, .. } => *gtin,
        }
    }
    fn lot(&self) -> Option<&str> {
        match self {
            Goods::Packs { lot, .. } => lot.as_deref(),
            Goods::Lot { lot, .. } => Some(lot),
        }
    }
    fn quantity(&self) -> u64 {
        match self {
            Goods::Packs { serials, .. } => serials.len() as u64,
            Goods::Lot { quantity, .. } => *quantity,
        }
    }
    fn serials(&self) -> Option<&[u64]> {
        match self {
            Goods::Packs { serials, .. } => Some(serials),
            Goods::Lot { .. } => None,
        }
    }
}

/// One event mapped to what it does on chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    Register {
        gtin: u64,
        lot: String,
        expiry: u64,
        first: u64,
        last: u64,
        coa: Digest,
    },
    Ship {
        goods: Goods,
        to: AccountId,
        document: Digest,
        is_return: bool,
    },
    Receive {
        goods: Goods,
        from: Option<AccountId>,
    },
    Dispense {
        goods: Goods,
    },
    Destroy {
        goods: Goods,
    },
    Recall {
        goods: Goods,
        reason: RecallReason,
    },
}

#[derive(Clone, Debug)]
pub struct Planned {
    pub index: usize,
    pub event_id: Option<String>,
    pub event_time: String,
    pub biz_step: String,
    pub actor: AccountId,
    pub step: Step,
}

fn goods_of(event: &Value, lot_hint: Option<String>) -> Result<Goods, String> {
    if let Some(list) = event["epcList"].as_array() {
        let packs: Vec<Sgtin> = list
            .iter()
            .map(|e| gs1::parse_sgtin(e.as_str().unwrap_or_default()))
            .collect::<Result<_, _>>()?;
        let Some(first) = packs.first() else {
            return Err("an empty epcList".into());
        };
        if packs.iter().any(|p| p.gtin != first.gtin) {
            return Err(
                "packs of more than one GTIN in one event: CareChain takes one product per event"
                    .into(),
            );
        }
        if event["quantityList"]
            .as_array()
            .is_some_and(|q| !q.is_empty())
        {
            return Err("both epcList and quantityList: give one".into());
        }
        return Ok(Goods::Packs {
            gtin: first.gtin,
            serials: packs.iter().map(|p| p.serial).collect(),
            lot: lot_hint,
        });
    }
    let list = event["quantityList"]
        .as_array()
        .ok_or("no epcList or quantityList")?;
    let [item] = list.as_slice() else {
        return Err("CareChain takes one lot per event (one quantityList element)".into());
    };
    let class = gs1::parse_lgtin(item["epcClass"].as_str().unwrap_or_default())?;
    let quantity = item["quantity"].as_f64().unwrap_or(0.0);
    if quantity.fract() != 0.0 || !(1.0..=1e15).contains(&quantity) {
        return Err(format!("quantity {quantity}: a whole number of packs"));
    }
    Ok(Goods::Lot {
        gtin: class.gtin,
        lot: class.lot,
        quantity: quantity as u64,
    })
}

fn party(list: &Value, key: &str, md: &MasterData) -> Result<Option<AccountId>, String> {
    let Some(items) = list.as_array() else {
        return Ok(None);
    };
    let chosen = items
        .iter()
        .find(|i| vocabulary(i["type"].as_str().unwrap_or_default()) == "owning_party")
        .or_else(|| {
            items
                .iter()
                .find(|i| vocabulary(i["type"].as_str().unwrap_or_default()) == "location")
        });
    chosen
        .map(|item| md.account(item[key].as_str().unwrap_or_default()))
        .transpose()
}

fn biz_location(event: &Value, md: &MasterData) -> Result<AccountId, String> {
    let id = event["bizLocation"]["id"]
        .as_str()
        .ok_or("no bizLocation")?;
    md.account(id)
}

fn document_hash(event: &Value) -> Digest {
    // The business transaction (PO, despatch advice) identifies the shipping document; without
    // one, the event itself.
    match event["bizTransactionList"][0]["bizTransaction"].as_str() {
        Some(bt) => digest(bt.as_bytes()),
        None => digest(event.to_string().as_bytes()),
    }
}

fn recall_reason(event: &Value) -> Result<RecallReason, String> {
    let reasons = [
        ("SafetyIssue", RecallReason::SafetyIssue),
        ("QualityDefect", RecallReason::QualityDefect),
        ("Contamination", RecallReason::Contamination),
        ("Mislabeling", RecallReason::Mislabeling),
        ("Counterfeit", RecallReason::Counterfeit),
        ("RegulatoryAction", RecallReason::RegulatoryAction),
    ];
    match event["carechain:recallReason"].as_str() {
        None => Ok(RecallReason::QualityDefect),
        Some(text) => reasons
            .iter()
            .find(|(name, _)| *name == text)
            .map(|(_, r)| *r)
            .ok_or_else(|| {
                format!(
                    "carechain:recallReason {text:?} is not one of {:?}",
                    reasons.map(|r| r.0)
                )
            }),
    }
}

fn plan_event(event: &Value, md: &MasterData) -> Result<(AccountId, Step), String> {
    let biz_step = vocabulary(event["bizStep"].as_str().unwrap_or_default());
    let disposition = event["disposition"]
        .as_str()
        .map(vocabulary)
        .unwrap_or_default();
    let action = event["action"].as_str().unwrap_or_default();
    let ilmd_lot = event["ilmd"]["cbvmda:lotNumber"]
        .as_str()
        .map(str::to_owned);
    if disposition == "recalled" {
        return Ok((
            biz_location(event, md)?,
            Step::Recall {
                goods: goods_of(event, ilmd_lot)?,
                reason: recall_reason(event)?,
            },
        ));
    }
    match biz_step.as_str() {
        "commissioning" => {
            if action != "ADD" {
                return Err("commissioning must be an ADD event".into());
            }
            let lot = ilmd_lot.ok_or("commissioning needs ilmd cbvmda:lotNumber")?;
            let expiry = event["ilmd"]["cbvmda:itemExpirationDate"]
                .as_str()
                .ok_or("commissioning needs ilmd cbvmda:itemExpirationDate")?;
            let Goods::Packs { gtin, mut serials, .. } = goods_of(event, None)? else {
                return Err("commissioning lists its packs (epcList of SGTINs)".into());
            };
            serials.sort_unstable();
            let (first, last) = (serials[0], serials[serials.len() - 1]);
            if last - first + 1 != serials.len() as u64 {
                return Err(format!("serials {first}..{last} are not contiguous: CareChain registers a serial range"));
            }
            Ok((biz_location(event, md)?, Step::Register {
                gtin,
                lot,
                expiry: expiry_from_date(parse_date(expiry)?),
                first,
                last,
                coa: digest(event.to_string().as_bytes()),
            }))
        }
        "shipping" => {
            let from = match party(&event["sourceList"], "source", md)? {
                Some(from) => from,
                None => biz_location(event, md)?,
            };
            let to = party(&event["destinationList"], "destination", md)?.ok_or("shipping needs a destination (owning_party)")?;
            let goods = goods_of(event, ilmd_lot)?;
            let is_return = disposition == "returned";
            if is_return && goods.serials().is_none() {
                return Err("a return lists its packs (epcList)".into());
            }
            if goods.serials().is_some_and(|s| s.len() > MAX_SERIALS_PER_CALL) {
                return Err(format!(
                    "a shipment by serial lists at most {MAX_SERIALS_PER_CALL} packs (epcList); \
                     ship more as a quantity (quantityList) or in several events"
                ));
            }
            Ok((from, Step::Ship { goods, to, document: document_hash(event), is_return }))
        }
        "receiving" => {
            let at = match party(&event["destinationList"], "destination", md)? {
                Some(to) => to,
                None => biz_location(event, md)?,
            };
            let from = party(&event["sourceList"], "source", md)?;
            Ok((at, Step::Receive { goods: goods_of(event, ilmd_lot)?, from }))
        }
        "dispensing" => {
            let goods = goods_of(event, ilmd_lot)?;
            if goods.serials().is_none() {
                return Err("dispensing lists its packs (epcList)".into());
            }
            Ok((biz_location(event, md)?, Step::Dispense { goods }))
        }
        "destroying" | "decommissioning" => {
            let goods = goods_of(event, ilmd_lot)?;
            if goods.serials().is_none() {
                return Err(format!("{biz_step} lists its packs (epcList)"));
            }
            Ok((biz_location(event, md)?, Step::Destroy { goods }))
        }
        other => Err(format!("bizStep {other:?} is not one CareChain maps (commissioning, shipping, receiving, dispensing, destroying, decommissioning, or disposition recalled)")),
    }
}

/// Validate and plan a whole document; every problem is listed, and nothing is planned if any.
pub fn plan<L: ChainWrite>(
    l: &L,
    document: &Value,
    md: &MasterData,
) -> Result<Vec<Planned>, Vec<String>> {
    let errors = schema_errors(document);
    if !errors.is_empty() {
        return Err(errors.into_iter().map(|e| format!("schema: {e}")).collect());
    }
    let mut planned = Vec::new();
    let mut errors = Vec::new();
    let events = document["epcisBody"]["eventList"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    for (index, event) in events.iter().enumerate() {
        let label = event["eventID"]
            .as_str()
            .map(|id| format!("event {index} ({id})"))
            .unwrap_or(format!("event {index}"));
        match plan_event(event, md) {
            Ok((actor, step)) => {
                if l.sign(&actor, b"carechain: do I hold this key?").is_none() {
                    errors.push(format!(
                        "{label}: acted by {}, whose key this signer does not hold (each party imports its own events)",
                        md.name(&actor).unwrap_or("an account")
                    ));
                }
                planned.push(Planned {
                    index,
                    event_id: event["eventID"].as_str().map(str::to_owned),
                    event_time: event["eventTime"].as_str().unwrap_or_default().to_owned(),
                    biz_step: vocabulary(event["bizStep"].as_str().unwrap_or_default()),
                    actor,
                    step,
                });
            }
            Err(e) => errors.push(format!("{label}: {e}")),
        }
    }
    if errors.is_empty() {
        Ok(planned)
    } else {
        Err(errors)
    }
}

/// What applying one event did.
#[derive(Clone, Debug)]
pub struct Applied {
    pub index: usize,
    pub event_id: Option<String>,
    pub biz_step: String,
    /// The calls made and their results, in words.
    pub calls: Vec<String>,
    /// The contract's refusal (the import stopped here).
    pub error: Option<String>,
}

impl Applied {
    pub fn to_json(&self) -> Value {
        json!({"index": self.index, "eventID": self.event_id, "bizStep": self.biz_step,
               "ok": self.error.is_none(), "calls": self.calls, "error": self.error})
    }
}

/// The batch holding `goods`: by GTIN + lot, else by GTIN + serial range (a scan of the
/// batches, off chain).
pub fn find_batch<L: ChainWrite>(l: &mut L, goods: &Goods) -> Result<(BatchId, Batch), String> {
    let gtin = Gtin(goods.gtin());
    if let Some(lot) = goods.lot() {
        let id = view::batch_id(l, gtin, &LotNumber(lot.as_bytes().to_vec())).ok_or_else(|| {
            format!(
                "no batch of GTIN {} lot {lot} on chain",
                gs1::gtin_text(gtin.0)
            )
        })?;
        let batch = view::batch(l, id).ok_or("the batch index points nowhere")?;
        if let Some(serials) = goods.serials() {
            if let Some(s) = serials.iter().find(|s| !batch.in_range(**s)) {
                return Err(format!("serial {s} is not in lot {lot}"));
            }
        }
        return Ok((id, batch));
    }
    let serials = goods.serials().unwrap_or_default();
    let count = view::provenance_root(l).batch_count;
    for id in (0..count).rev() {
        if let Some(batch) = view::batch(l, id) {
            if batch.gtin == gtin && serials.iter().all(|s| batch.in_range(*s)) {
                return Ok((id, batch));
            }
        }
    }
    Err(format!(
        "no batch of GTIN {} holds these serials",
        gs1::gtin_text(gtin.0)
    ))
}

fn apply_step<L: ChainWrite>(
    l: &mut L,
    step: &Step,
    calls: &mut Vec<String>,
) -> Result<(), String> {
    match step {
        Step::Register {
            gtin,
            lot,
            expiry,
            first,
            last,
            coa,
        } => {
            let id = send(
                l,
                p::REGISTER_BATCH,
                (
                    Gtin(*gtin),
                    LotNumber(lot.as_bytes().to_vec()),
                    *expiry,
                    *first,
                    *last,
                    last - first + 1,
                    *coa,
                ),
            )?;
            calls.push(format!(
                "register_batch: batch {id} (GTIN {} lot {lot}, serials {first}..={last})",
                gs1::gtin_text(*gtin)
            ));
        }
        Step::Ship {
            goods,
            to,
            document,
            is_return,
        } => {
            let (id, _) = find_batch(l, goods)?;
            let (index, call) = match (goods.serials(), *is_return) {
                (Some(serials), true) => (
                    send(l, p::RETURN_PACKS, (id, *to, serials.to_vec(), *document))?,
                    "return_packs",
                ),
                (Some(serials), false) => (
                    send(l, p::SHIP_SERIALS, (id, *to, serials.to_vec(), *document))?,
                    "ship_serials",
                ),
                (None, _) => (
                    send(l, p::SHIP, (id, *to, goods.quantity(), *document))?,
                    "ship",
                ),
            };
            calls.push(format!(
                "{call}: batch {id}, transfer {index}, {} packs to {}",
                goods.quantity(),
                l.name_of(to)
            ));
        }
        Step::Receive { goods, from } => {
            let (id, batch) = find_batch(l, goods)?;
            let me = l.current_actor();
            let pending = (0..batch.transfer_count)
                .filter_map(|n| view::transfer(l, id, n))
                .find(|t| {
                    t.status == TransferStatus::Pending
                        && t.to == me
                        && from.is_none_or(|f| f == t.from)
                        && t.quantity == goods.quantity()
                })
                .ok_or_else(|| {
                    format!(
                        "no pending transfer of {} packs of batch {id} to this receiver",
                        goods.quantity()
                    )
                })?;
            send(l, p::ACCEPT, (id, pending.index))?;
            calls.push(format!(
                "accept: batch {id}, transfer {} ({} packs from {})",
                pending.index,
                pending.quantity,
                l.name_of(&pending.from)
            ));
        }
        Step::Dispense { goods } => {
            let (id, _) = find_batch(l, goods)?;
            for serial in goods.serials().unwrap_or_default() {
                let outcome = send(l, p::DISPENSE, (id, *serial))?;
                calls.push(match outcome {
                    DispenseOutcome::Dispensed => format!("dispense: batch {id} serial {serial}"),
                    DispenseOutcome::FlaggedSuspect => format!(
                        "dispense: batch {id} serial {serial} was dispensed before: this pack is flagged SUSPECT and set aside"),
                });
            }
        }
        Step::Destroy { goods } => {
            let (id, _) = find_batch(l, goods)?;
            for chunk in goods
                .serials()
                .unwrap_or_default()
                .chunks(MAX_SERIALS_PER_CALL)
            {
                send(l, p::DESTROY, (id, chunk.to_vec()))?;
                calls.push(format!("destroy: batch {id}, {} serials", chunk.len()));
            }
        }
        Step::Recall { goods, reason } => {
            let (id, _) = find_batch(l, goods)?;
            send(l, p::RECALL, (id, *reason))?;
            calls.push(format!("recall: batch {id} ({reason:?})"));
        }
    }
    Ok(())
}

/// Apply a plan in order, each event as its acting party; stops at the first refusal.
pub fn apply<L: ChainWrite>(l: &mut L, plan: &[Planned]) -> Vec<Applied> {
    let previous = l.current_actor();
    let mut out = Vec::new();
    for event in plan {
        l.set_actor(event.actor);
        let mut calls = Vec::new();
        let result = apply_step(l, &event.step, &mut calls);
        let stop = result.is_err();
        out.push(Applied {
            index: event.index,
            event_id: event.event_id.clone(),
            biz_step: event.biz_step.clone(),
            calls,
            error: result.err(),
        });
        if stop {
            break;
        }
    }
    l.set_actor(previous);
    out
}

/// Validate, plan, apply. `Err` lists why nothing was applied.
pub fn import<L: ChainWrite>(
    l: &mut L,
    document: &Value,
    md: &MasterData,
) -> Result<Vec<Applied>, Vec<String>> {
    let planned = plan(l, document, md)?;
    Ok(apply(l, &planned))
}

// ------------------------------------------------------------------------------- export

fn party_list(key: &str, id: String) -> Value {
    json!([{"type": "owning_party", key: id}])
}

fn object_event(time: u64, action: &str, biz_step: &str) -> Value {
    json!({
        "type": "ObjectEvent",
        "eventTime": format_time(time),
        "eventTimeZoneOffset": "+00:00",
        "action": action,
        "bizStep": biz_step,
    })
}

/// Most serials an export reads one by one for their dispensing and destruction.
pub const EXPORT_SERIAL_LIMIT: u64 = 5_000;

/// A batch's custody history as an EPCIS 2.0 document.
pub fn export<L: ChainWrite>(l: &mut L, id: BatchId, md: &MasterData) -> Result<Value, String> {
    let batch = view::batch(l, id).ok_or_else(|| format!("no batch {id}"))?;
    let lot = String::from_utf8_lossy(&batch.lot.0).into_owned();
    let class = gs1::digital_link_lgtin(batch.gtin.0, &lot);
    let quantity = |n: u64| json!([{"epcClass": class, "quantity": n}]);
    let mut events = Vec::new();

    let mut commissioning = object_event(batch.registered_at, "ADD", "commissioning");
    commissioning["disposition"] = json!("active");
    // The packs by serial when there are few enough to list (the document can then be imported
    // again, on another chain or by a partner's system); else the lot's quantity.
    let span = batch.serial_last - batch.serial_first + 1;
    if span <= EXPORT_SERIAL_LIMIT {
        commissioning["epcList"] = json!((batch.serial_first..=batch.serial_last)
            .map(|s| gs1::digital_link_sgtin(batch.gtin.0, s))
            .collect::<Vec<_>>());
    } else {
        commissioning["quantityList"] = quantity(batch.quantity);
    }
    commissioning["bizLocation"] = json!({"id": md.party_id(&batch.manufacturer)});
    commissioning["ilmd"] = json!({
        "cbvmda:lotNumber": lot,
        "cbvmda:itemExpirationDate": carechain_sdk::dates::date_of_expiry(batch.expiry),
        "carechain:serialRange": format!("{}-{}", batch.serial_first, batch.serial_last),
        "carechain:coaHash": hex::encode(batch.coa_hash.0),
    });
    events.push(commissioning);

    for n in 0..batch.transfer_count {
        let Some(t) = view::transfer(l, id, n) else {
            continue;
        };
        let mut shipping = object_event(t.shipped_at, "OBSERVE", "shipping");
        shipping["disposition"] = json!(if t.kind == TransferKind::Return {
            "returned"
        } else {
            "in_transit"
        });
        // A transfer that listed its serials (a return, a shipment by serial) lists its packs.
        if t.serials.is_empty() {
            shipping["quantityList"] = quantity(t.quantity);
        } else {
            shipping["epcList"] = json!(t
                .serials
                .iter()
                .map(|s| gs1::digital_link_sgtin(batch.gtin.0, *s))
                .collect::<Vec<_>>());
        }
        shipping["sourceList"] = party_list("source", md.party_id(&t.from));
        shipping["destinationList"] = party_list("destination", md.party_id(&t.to));
        shipping["bizTransactionList"] = json!([{"type": "desadv", "bizTransaction": format!("urn:carechain:document:{}", hex::encode(t.document_hash.0))}]);
        shipping["carechain:transfer"] = json!(n);
        events.push(shipping.clone());
        if let (TransferStatus::Accepted | TransferStatus::Rejected, Some(at)) =
            (t.status, t.settled_at)
        {
            let mut receiving = shipping;
            receiving["eventTime"] = json!(format_time(at));
            receiving["bizStep"] = json!("receiving");
            receiving["disposition"] = json!(if t.status == TransferStatus::Accepted {
                "in_progress"
            } else {
                "returned"
            });
            if t.status == TransferStatus::Rejected {
                receiving["bizStep"] = json!("accepting");
                receiving["carechain:rejected"] = json!(true);
            }
            events.push(receiving);
        }
    }

    let mut notes = Vec::new();
    if batch.dispensed + batch.destroyed > 0 {
        if span <= EXPORT_SERIAL_LIMIT {
            for serial in batch.serial_first..=batch.serial_last {
                let Some(record) = view::serial(l, id, serial) else {
                    continue;
                };
                let (step, disposition) = match record.state {
                    carechain_common::SerialState::Dispensed => ("dispensing", "dispensed"),
                    carechain_common::SerialState::Destroyed => ("destroying", "destroyed"),
                    _ => continue,
                };
                let mut event = object_event(record.at, "OBSERVE", step);
                if step == "destroying" {
                    event["action"] = json!("DELETE");
                }
                event["disposition"] = json!(disposition);
                event["epcList"] = json!([gs1::digital_link_sgtin(batch.gtin.0, serial)]);
                event["bizLocation"] = json!({"id": md.party_id(&record.by)});
                events.push(event);
            }
        } else {
            notes.push(format!("{span} serials: dispensing and destruction not listed (more than {EXPORT_SERIAL_LIMIT})"));
        }
    }

    // Quarantine and recall: from the audit trail (the batch stores only its current status).
    for entry in carechain_sdk::audit::fetch_all(l) {
        if entry.record.subject != AuditSubject::Batch(id) {
            continue;
        }
        let disposition = match entry.record.action {
            AuditAction::BatchRecall => "recalled",
            AuditAction::BatchQuarantine => "non_sellable_other",
            AuditAction::BatchClear => "active",
            _ => continue,
        };
        let mut event = object_event(entry.recorded_at, "OBSERVE", "holding");
        event["disposition"] = json!(disposition);
        event["quantityList"] = quantity(batch.quantity);
        event["bizLocation"] = json!({"id": md.party_id(&entry.record.actor)});
        event["carechain:auditSeq"] = json!(entry.seq);
        if let (AuditAction::BatchRecall, Some(reason)) = (entry.record.action, batch.recall_reason)
        {
            event["carechain:recallReason"] = json!(format!("{reason:?}"));
        }
        events.push(event);
    }
    events.sort_by(|a, b| a["eventTime"].as_str().cmp(&b["eventTime"].as_str()));

    let mut document = json!({
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": format_time(l.now()),
        "epcisBody": {"eventList": events},
    });
    if !notes.is_empty() {
        document["carechain:notes"] = json!(notes);
    }
    Ok(document)
}
