//! Every message that changes state and answers more than `Ok(())` has its answer rebuilt from
//! the included transaction's events (`carechain_sdk::answers::FROM_EVENTS`), and nothing else
//! is listed: a new message that returns an id cannot be added without saying which event
//! carries it. (That each rule gives the contract's real answer is checked on every call the
//! in-process chain makes: a difference is a `Failure::Unconfirmed`.)

use carechain_sdk::answers::FROM_EVENTS;
use carechain_sdk::msg::{self, Kind};
use carechain_sdk::shape::portable;
use scale_info::TypeDef;

/// Whether a message's declared answer is `Result<(), Error>`.
fn answers_unit(ret: &scale_info::MetaType) -> bool {
    let (registry, id) = portable(ret);
    let ty = registry.resolve(id).expect("the return type");
    let TypeDef::Variant(result) = &ty.type_def else {
        return false;
    };
    let Some(ok) = result.variants.iter().find(|v| v.name == "Ok") else {
        return false;
    };
    let inner = ok.fields.first().expect("Ok(T)").ty.id;
    matches!(&registry.resolve(inner).expect("T").type_def, TypeDef::Tuple(t) if t.fields.is_empty())
}

#[test]
fn every_answer_the_chain_assigns_is_read_from_events() {
    let mut problems = Vec::new();
    for m in msg::all() {
        let listed = FROM_EVENTS.contains(&(m.contract, m.label));
        let needs = m.kind != Kind::Read && !answers_unit(&m.ret);
        if needs && !listed {
            problems.push(format!(
                "{}.{}: answers a value but is not in FROM_EVENTS",
                m.contract.name(),
                m.label
            ));
        }
        if listed && !needs {
            problems.push(format!(
                "{}.{}: in FROM_EVENTS but needs no events",
                m.contract.name(),
                m.label
            ));
        }
    }
    for (contract, label) in FROM_EVENTS {
        if !msg::all()
            .iter()
            .any(|m| m.contract == *contract && m.label == *label)
        {
            problems.push(format!("{}.{label}: not a message", contract.name()));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
