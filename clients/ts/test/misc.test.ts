import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describe, errorDocs, roleNames, toError } from '../src/errors.js';
import { parseElementString, gtinValid, VERDICT_WORDS, verdictWords } from '../src/gs1.js';
import { consentResource, bitSet, CATEGORIES, PURPOSE_NAMES } from '../src/fhir.js';
import { metadata } from './helpers.js';

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

test('GS1 element strings parse in both forms', () => {
  const GS = String.fromCharCode(29);
  const raw = `0110614141000415172712311021AMX-01${GS}215042`;
  const pack = parseElementString(raw.replace('1021AMX-01', '10AMX-01'));
  assert.deepEqual(pack, { gtin: '10614141000415', serial: '5042', lot: 'AMX-01', expiry: '271231' });
  const readable = parseElementString('(01)10614141000415(21)5042(10)AMX-01(17)271231');
  assert.deepEqual(readable, pack);
  assert.ok(gtinValid('10614141000415'));
  assert.ok(!gtinValid('10614141000416'));
  assert.throws(() => parseElementString('(01)10614141000416(21)1'), /GTIN/);
  assert.throws(() => parseElementString('(01)10614141000415'), /serial/);
});

test('every provenance verdict has words', () => {
  const provenance = metadata('provenance');
  const verdict = provenance.types.find((t: any) => (t.type.path ?? []).join('::') === 'carechain_common::provenance_types::Verdict');
  const names: string[] = verdict.type.def.variant.variants.map((v: any) => v.name);
  assert.ok(names.length >= 10);
  for (const name of names) assert.ok(VERDICT_WORDS[name], `${name} has words`);
  assert.match(verdictWords('Recalled'), /^Recalled/);
});

test('a grant exports as FHIR Consent with an inclusive period end', () => {
  const grant: any = {
    id: 4n,
    patient: '0x' + '11'.repeat(32),
    registration: 1n,
    epoch: 0,
    grantee: { type: 'Account', value: '5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty' },
    scope: { categories: bitSet(CATEGORIES, ['Laboratory']), purposes: bitSet(PURPOSE_NAMES, ['Treatment']), validFrom: 1_000n, validUntil: 2_000n },
    effect: 'Permit',
    createdBy: '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY',
    createdAt: 1_000n,
    revokedAt: undefined,
  };
  const consent: any = consentResource(grant, 'Patient/p1');
  assert.equal(consent.provision.period.end, new Date(1_999).toISOString(), 'validUntil is exclusive; Period.end inclusive');
  assert.deepEqual(consent.provision.class, [{ system: 'urn:carechain:category', code: 'Laboratory' }]);
  assert.deepEqual(consent.provision.purpose.map((p: any) => p.code), ['TREAT']);
  assert.equal(consent.status, 'active');
});
