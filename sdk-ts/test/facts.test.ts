// The TypeScript copies of Rust rules and formats, against vectors the Rust side writes
// (tests/tests/ts_interop.rs; UPDATE_FIXTURES=1 regenerates them): grant status, roles, GS1
// element strings, the expiry rule and the LM / VRS response codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TypinkRegistry } from 'dedot/contracts';
import { grantStatus } from '../src/facts.js';
import { dateOfExpiry, expiryMatches, gtinValid, parseElementString, responseCode } from '../src/gs1.js';
import { ROLES, SERVICES, bitSet, namesOf, vocabularyOf } from '../src/vocab.js';
import { roleNames } from '../src/errors.js';
import { fixture, fromHex, metadata } from './helpers.js';

function typeId(meta: any, path: string): number {
  const found = meta.types.find((t: any) => (t.type.path ?? []).join('::') === path);
  if (!found) throw new Error(`no ${path} in the metadata`);
  return found.id;
}

test('grant status: every Rust vector gives the same word', () => {
  const doc = fixture('facts-vectors.json');
  const consent = metadata('consent');
  const registry = new TypinkRegistry(consent);
  const grantCodec = registry.findCodec<any>(typeId(consent, 'carechain_common::consent_types::Grant'));
  assert.ok(doc.grant_status.length >= 8);
  for (const v of doc.grant_status) {
    const grant = grantCodec.tryDecode(fromHex(v.grant));
    const patient = v.patient === null ? undefined : { registration: BigInt(v.patient.registration), epoch: v.patient.epoch };
    assert.equal(grantStatus(grant, patient, BigInt(v.now)), v.status, v.case);
  }
});

test('roles are the Rust roles in bit order; vocabularies come from the metadata', () => {
  const doc = fixture('facts-vectors.json');
  assert.deepEqual([...ROLES], doc.roles);
  assert.deepEqual(roleNames(0b1000_0001), ['provider', 'public health']);
  const vocab = vocabularyOf({ consent: metadata('consent'), claims: metadata('claims') });
  assert.deepEqual([...SERVICES], doc.services);
  assert.deepEqual(vocab.categories, doc.categories);
  assert.deepEqual(vocab.purposes, doc.purposes);
  assert.deepEqual(vocab.services, doc.services);
  assert.equal(bitSet(vocab.categories, ['Laboratory']), 1 << doc.categories.indexOf('Laboratory'));
  assert.deepEqual(namesOf(vocab.purposes, bitSet(vocab.purposes, ['Treatment', 'Payment'])), ['Treatment', 'Payment']);
  assert.throws(() => bitSet(vocab.purposes, ['Gossip']), /not one of/);
});

test('GS1: element strings parse as in Rust, or fail where Rust fails', () => {
  const doc = fixture('gs1-vectors.json');
  assert.ok(doc.element_strings.length >= 10);
  for (const v of doc.element_strings) {
    if (v.pack === null) {
      assert.throws(() => parseElementString(v.input), Error, `${JSON.stringify(v.input)} should fail`);
    } else {
      const pack = parseElementString(v.input);
      assert.deepEqual(
        { gtin: pack.gtin, serial: pack.serial, lot: pack.lot, expiry: pack.expiry ?? null },
        v.pack,
        JSON.stringify(v.input),
      );
      assert.ok(gtinValid(pack.gtin));
    }
  }
});

test('GS1: the expiry rule and every response code are the Rust ones', () => {
  const doc = fixture('gs1-vectors.json');
  for (const v of doc.expiry_dates) assert.equal(dateOfExpiry(BigInt(v.expiry_ms)), v.date);
  for (const v of doc.expiry_matches) assert.equal(expiryMatches(v.printed ?? undefined, v.on_chain ?? undefined), v.matches);
  assert.ok(doc.response_codes.length >= 22);
  for (const v of doc.response_codes) {
    const got = responseCode(v.verdict, v.expiry_matches);
    assert.deepEqual({ code: got.code, reason: got.reason ?? null }, { code: v.code, reason: v.reason }, `${v.verdict} ${v.expiry_matches}`);
  }
});
