// A transaction's answer as the chain gave it: read from the included transaction's events.
//
// A node answers a transaction with events, not with the message's return value. The dry run that
// sizes the call also predicts its answer, but against the state before the transaction: two users
// writing at once are both predicted the same next grant id, audit entry or batch id. So `send`
// rebuilds every answer that carries something the chain assigns or decides (ids, sequence
// numbers, outcomes, amounts) from its own transaction's events, with the same rules as the Rust
// client (sdk/src/answers.rs). Messages that answer `Ok(())` need none: a message that returns
// `Err` reverts, and a reverted call fails its transaction.
//
// `accessRecord`'s locator is a fact the call only read from storage (a record's locator never
// changes); it keeps the dry run's value, the decision comes from the log.

import type { ContractName } from './deployment.js';
import type { SuiteEvent } from './suite.js';

/** The transaction's events did not give the answer the message must have. */
export class UnconfirmedAnswer extends Error {
  readonly code = 'Unconfirmed';
  constructor(readonly why: string) {
    super(`the included transaction does not confirm the answer: ${why}`);
  }
}

/** Whether `account` (an address string or a dedot AccountId32) is `address`. */
export type SameAccount = (account: unknown, address: string) => boolean;

interface Tx {
  events: SuiteEvent[];
  /** The address of a suite contract. */
  address: (contract: ContractName) => string;
  same: SameAccount;
}

function of(tx: Tx, from: ContractName, name: string): any[] {
  return tx.events.filter((e) => e.contract === from && e.name === name).map((e) => e.data);
}

function first(tx: Tx, from: ContractName, name: string): any {
  const found = of(tx, from, name);
  if (found.length === 0) throw new UnconfirmedAnswer(`the transaction has no ${name} event of ${from}`);
  return found[0];
}

function last(tx: Tx, from: ContractName, name: string): any {
  const found = of(tx, from, name);
  if (found.length === 0) throw new UnconfirmedAnswer(`the transaction has no ${name} event of ${from}`);
  return found[found.length - 1];
}

/** The decisions `writer` logged in this transaction, in order, with their sequence numbers. */
function decisions(tx: Tx, writer: ContractName): { outcome: unknown; auditSeq: bigint }[] {
  const appended = of(tx, 'audit_log', 'Appended').find((a) => tx.same(a.writer, tx.address(writer)));
  if (!appended) throw new UnconfirmedAnswer('the transaction appended nothing to the audit log');
  return (appended.records as any[]).map((record, i) => ({
    outcome: record.outcome,
    auditSeq: BigInt(appended.first) + BigInt(i),
  }));
}

function decision(tx: Tx, writer: ContractName) {
  const all = decisions(tx, writer);
  if (all.length === 0) throw new UnconfirmedAnswer('the log entry is empty');
  return all[0];
}

type Rule = (tx: Tx, predicted: any) => unknown;

/** Every message a client signs that changes state and answers more than `Ok(())`, with how its
 *  answer is read from events (`test/answers.test.ts` checks the table against the metadata). */
export const RULES: Record<string, Rule> = {
  'access.checkAccess': (tx) => decision(tx, 'access'),
  'access.checkAccessBatch': (tx) => decisions(tx, 'access'),
  'access.accessRecord': (tx, predicted) => {
    const d = decision(tx, 'access');
    return { decision: d, locator: (d.outcome as any)?.type === 'Granted' ? predicted?.locator : undefined };
  },
  'registry.registerPatient': (tx) => first(tx, 'registry', 'PatientRegistered').registration,
  'registry.approveRecovery': (tx) => first(tx, 'registry', 'RecoveryApproved').approvals,
  'consent.createGrant': (tx) => first(tx, 'consent', 'GrantCreated').id,
  'consent.addRecord': recordWrite,
  'consent.amendRecord': recordWrite,
  'consent.breakGlass': (tx) => {
    const opened = of(tx, 'consent', 'EmergencyOpened');
    return opened.length > 0 ? { type: 'Opened', value: opened[0].id } : { type: 'Refused', value: decision(tx, 'consent') };
  },
  'consent.flushAudit': (tx) => first(tx, 'consent', 'AuditFlushed').count,
  'provenance.registerBatch': (tx) => first(tx, 'provenance', 'BatchRegistered').batch,
  'provenance.ship': shipped,
  'provenance.shipSerials': shipped,
  'provenance.returnPacks': shipped,
  'provenance.dispense': (tx) => {
    if (of(tx, 'provenance', 'SerialDispensed').length > 0) return 'Dispensed';
    if (of(tx, 'provenance', 'SerialFlaggedSuspect').length > 0) return 'FlaggedSuspect';
    throw new UnconfirmedAnswer('the transaction neither dispensed nor flagged a serial');
  },
  'provenance.flushAudit': (tx) => first(tx, 'provenance', 'AuditFlushed').count,
  'claims.createPolicy': (tx) => first(tx, 'claims', 'PolicyCreated').policy,
  'claims.submitClaim': submitted,
  'claims.replaceClaim': submitted,
  'claims.adjudicate': (tx) => last(tx, 'claims', 'ClaimStatusChanged').status,
  'claims.settle': (tx) => first(tx, 'claims', 'ClaimSettled').amount,
  'credentials.issue': (tx) => first(tx, 'credentials', 'CredentialIssued').id,
  'credentials.verifyPresentation': (tx) => {
    const e = first(tx, 'credentials', 'PresentationVerified');
    return { verdict: e.verdict, auditSeq: e.auditSeq };
  },
  'credentials.flushAudit': (tx) => first(tx, 'credentials', 'AuditFlushed').count,
};

function recordWrite(tx: Tx) {
  const anchored = of(tx, 'consent', 'RecordAnchored');
  return { decision: decision(tx, 'consent'), record: anchored.length > 0 ? anchored[0].id : undefined };
}

function shipped(tx: Tx) {
  return first(tx, 'provenance', 'Shipped').index;
}

function submitted(tx: Tx) {
  const made = of(tx, 'claims', 'ClaimSubmitted');
  if (made.length > 0) return { type: 'Submitted', value: made[0].claim };
  return { type: 'ConsentDenied', value: decision(tx, 'access').auditSeq };
}

/** The answer of message `message` of `contract`, from the included transaction's `events`
 *  (`predicted` is the dry run's `Ok` value). Messages without a rule answer `Ok(())`: their
 *  prediction is certain. Throws `UnconfirmedAnswer` when the events lack what the rule needs. */
export function answerFromEvents(
  contract: ContractName,
  message: string,
  events: SuiteEvent[],
  predicted: unknown,
  address: (contract: ContractName) => string,
  same: SameAccount,
): unknown {
  const rule = RULES[`${contract}.${message}`];
  return rule ? rule({ events, address, same }, predicted) : predicted;
}
