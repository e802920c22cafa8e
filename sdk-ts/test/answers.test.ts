import { test } from 'node:test';
import assert from 'node:assert/strict';
import { answerFromEvents, RULES, UnconfirmedAnswer } from '../src/answers.js';
import { CONTRACT_NAMES } from '../src/deployment.js';
import type { SuiteEvent } from '../src/suite.js';
import { metadata } from './helpers.js';

const camel = (label: string) => label.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** Whether a message's return type is `Result<Result<(), _>, LangError>` or `Result<(), LangError>`. */
function answersUnit(types: any[], id: number): boolean {
  const byId = (n: number) => types.find((t: any) => t.id === n).type;
  let type = byId(id);
  for (let depth = 0; depth < 2; depth++) {
    if ((type.path ?? []).join('::') !== 'Result') return false;
    const ok = byId(type.params[0].type);
    if (ok.def.tuple && ok.def.tuple.length === 0) return true;
    type = ok;
  }
  return false;
}

test('every message a client signs that answers more than Ok(()) has a rule, and every rule a message', () => {
  const needed = new Set<string>();
  const mutating = new Set<string>();
  for (const contract of CONTRACT_NAMES) {
    const m = metadata(contract);
    for (const message of m.spec.messages) {
      // Trait messages (AuditSink::append, AccessGate::authorize_disclosure) are called by the
      // suite's contracts, never signed by a client.
      if (!message.mutates || message.label.includes('::')) continue;
      const key = `${contract}.${camel(message.label)}`;
      mutating.add(key);
      if (!answersUnit(m.types, message.returnType.type)) needed.add(key);
    }
  }
  assert.ok(needed.size > 20, `${needed.size} messages`);
  for (const key of needed) assert.ok(RULES[key], `${key} answers more than Ok(()) and has no rule`);
  for (const key of Object.keys(RULES)) assert.ok(needed.has(key), `${key} is not a message answering more than Ok(())`);
  for (const key of needed) assert.ok(mutating.has(key));
});

const addresses: Record<string, string> = Object.fromEntries(CONTRACT_NAMES.map((n) => [n, `addr-${n}`]));
const address = (n: string) => addresses[n];
const same = (account: unknown, a: string) => account === a;
const appended = (writer: string, first: bigint, outcomes: unknown[]): SuiteEvent => ({
  contract: 'audit_log',
  name: 'Appended',
  data: { writer, first, records: outcomes.map((outcome) => ({ outcome })) },
});

test("a decision's sequence number is the one its writer's entry got in the block, not the prediction", () => {
  const events = [appended(address('consent'), 40n, ['x']), appended(address('access'), 41n, [{ type: 'Denied', value: 'NoConsent' }])];
  const predicted = { outcome: { type: 'Denied', value: 'NoConsent' }, auditSeq: 39n };
  const answer: any = answerFromEvents('access', 'checkAccess', events, predicted, address, same);
  assert.deepEqual(answer, { outcome: { type: 'Denied', value: 'NoConsent' }, auditSeq: 41n });
  const batch: any = answerFromEvents('access', 'checkAccessBatch', [appended(address('access'), 7n, ['a', 'b'])], [], address, same);
  assert.deepEqual(batch.map((d: any) => d.auditSeq), [7n, 8n]);
});

test('ids come from their events; a missing event is an unconfirmed answer, not the prediction', () => {
  const created: SuiteEvent = { contract: 'consent', name: 'GrantCreated', data: { id: 12n } };
  assert.equal(answerFromEvents('consent', 'createGrant', [created], 11n, address, same), 12n);
  assert.throws(() => answerFromEvents('consent', 'createGrant', [], 11n, address, same), UnconfirmedAnswer);
  const denied = answerFromEvents('claims', 'submitClaim', [appended(address('access'), 3n, ['d'])], { type: 'Submitted', value: 5n }, address, same);
  assert.deepEqual(denied, { type: 'ConsentDenied', value: 3n });
  const opened: SuiteEvent = { contract: 'consent', name: 'EmergencyOpened', data: { id: 2n } };
  assert.deepEqual(answerFromEvents('consent', 'breakGlass', [opened], null, address, same), { type: 'Opened', value: 2n });
  // A message answering Ok(()) keeps its (certain) answer.
  assert.equal(answerFromEvents('consent', 'revokeGrant', [], undefined, address, same), undefined);
});
