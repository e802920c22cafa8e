import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describe, errorDocs, roleNames, toError } from '../src/errors.js';
import { VERDICT_WORDS, verdictWords } from '../src/gs1.js';
import { fixture, metadata } from './helpers.js';

test('every contract error has a sentence from its documentation', () => {
  const docs = errorDocs();
  assert.ok(docs.size > 60, `${docs.size} variants`);
  for (const [name, doc] of docs) assert.ok(doc.length > 5, `${name} is documented`);
  assert.match(describe({ type: 'NotGovernor' }, docs), /govern/i);
  const nested = toError(
    { type: 'Downstream', value: ['AuditLog', { type: 'Refused', value: { type: 'Paused' } }] },
    docs,
  );
  assert.equal(nested.code, 'Downstream');
  assert.match(nested.sentence, /^the audit log contract refused: /);
  assert.match(describe({ type: 'MissingRole', value: 0b1001 }, docs), /provider or pharmacy/);
  assert.deepEqual(roleNames(0b10000000), ['public health']);
});

test('every provenance verdict has words', () => {
  const provenance = metadata('provenance');
  const verdict = provenance.types.find((t: any) => (t.type.path ?? []).join('::') === 'carechain_common::provenance_types::Verdict');
  const names: string[] = verdict.type.def.variant.variants.map((v: any) => v.name);
  assert.ok(names.length >= 10);
  for (const name of names) assert.ok(VERDICT_WORDS[name], `${name} has words`);
  assert.match(verdictWords('Recalled'), /^Recalled/);
});

test('an account from the carechain keystore opens in @polkadot/keyring (as in a wallet extension) and signs', async () => {
  const { Keyring } = await import('@polkadot/keyring');
  const { cryptoWaitReady, signatureVerify } = await import('@polkadot/util-crypto');
  await cryptoWaitReady();
  const made = fixture('keystore-account.json');
  const pair = new Keyring({ type: 'sr25519' }).addFromJson(made.account);
  assert.equal(pair.address, made.address);
  assert.throws(() => pair.decodePkcs8('wrong password'));
  pair.decodePkcs8(made.password);
  const message = new TextEncoder().encode('carechain');
  assert.ok(signatureVerify(message, pair.sign(message), made.address).isValid);
});
