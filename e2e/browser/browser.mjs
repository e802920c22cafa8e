// The page in headless Chromium (Debian's `chromium`, driven by playwright-core) against a node
// where scripts/deploy.sh deployed the suite. The test sets up organisations and a batch with the
// TypeScript client, hands development keys to the pages at run time (never in the bundle), and
// walks two flows:
//   patient: register -> grant the hospital -> the hospital's check is granted -> revoke ->
//            denied -> the trail shows both, and the chain verifies;
//   pharmacy: a genuine pack, then the same pack after a recall;
//   insurer: a claim the hospital submitted (backed by its lab record, the patient's payment
//            consent checked) is listed, approved as billed, then settled from the page.
// Screenshots go to target/browser/. Usage: node e2e/browser/browser.mjs [--node ws://127.0.0.1:9944]

import { createServer } from 'node:http';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { chromium } from 'playwright-core';
import { CONTRACT_NAMES, CareChain, ROLES, bitSet, chainNow, dateOfExpiry, devIdentity, jsonText, parseDeployment, patientGrants } from '../../sdk-ts/dist/src/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const nodeUrl = process.argv.includes('--node') ? process.argv[process.argv.indexOf('--node') + 1] : 'ws://127.0.0.1:9944';
const shots = join(root, 'target', 'browser');
mkdirSync(shots, { recursive: true });
const say = (text) => console.log(`[browser] ${text}`);
const browserPath = process.env.CHROMIUM ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find(existsSync);
if (!browserPath) throw new Error('no chromium found (apt install chromium, or set CHROMIUM)');

// ---------------------------------------------------------------- set up with the TS client
const contracts = CONTRACT_NAMES;
const metadata = Object.fromEntries(contracts.map((c) => [c, JSON.parse(readFileSync(join(root, 'target', 'ink', c, `${c}.json`), 'utf8'))]));
const deployments = readdirSync(join(root, 'deployments'))
  .filter((f) => f.endsWith('.json'))
  .flatMap((f) => {
    try {
      return [parseDeployment(JSON.parse(readFileSync(join(root, 'deployments', f), 'utf8')))];
    } catch {
      return [];
    }
  });
const suite = await CareChain.connectMatching(nodeUrl, deployments, metadata);
const run = Date.now().toString(36);
const admin = await devIdentity('//Alice', 'admin');
const patient = await devIdentity(`//browser-patient-${run}`, 'patient');
const hospital = await devIdentity(`//browser-hospital-${run}`, 'hospital');
const maker = await devIdentity(`//browser-maker-${run}`, 'maker');

async function fund(who) {
  await suite.client.tx.balances
    .transferKeepAlive(who.address, 10n ** 15n)
    .signAndSend(admin.sender)
    .untilFinalized();
}
for (const who of [patient, hospital, maker]) await fund(who);
say('funded patient, hospital and manufacturer');
const hex = (bytes) => '0x' + Buffer.from(bytes).toString('hex');
const digest = (text) => hex(createHash('sha256').update(text).digest());
await suite.send(suite.registry, 'registerOrganisation', [hospital.address, bitSet(ROLES, ['Provider']), digest('licence hospital'), hex(new Uint8Array(32).fill(7))], admin.sender);
await suite.send(suite.registry, 'registerOrganisation', [maker.address, bitSet(ROLES, ['Manufacturer']), digest('licence maker'), hex(new Uint8Array(32).fill(8))], admin.sender);
say('credentialed the hospital and the manufacturer');

// A GTIN of this run (valid check digit), its batch, a pack.
const body = String(Date.now() % 10 ** 12).padStart(12, '0');
const digits = ('1' + body).split('').map(Number);
const sum = digits.reduce((acc, d, i) => acc + d * (i % 2 === 0 ? 3 : 1), 0);
const gtin = '1' + body + String((10 - (sum % 10)) % 10);
const lot = `BRW-${run}`;
const now = BigInt(Date.now());
const expiry = now + 400n * 86_400_000n;
await suite.send(suite.provenance, 'assignGtin', [BigInt(gtin), maker.address], admin.sender);
const batch = (await suite.send(suite.provenance, 'registerBatch', [BigInt(gtin), hex(Buffer.from(lot)), expiry, 1000n, 1099n, 100n, digest('coa')], maker.sender)).value;
// The date printed on the pack is its last day of use: the SDK's rule for the chain's exclusive expiry.
const yymmdd = dateOfExpiry(expiry).slice(2).replaceAll('-', '');
const barcode = `(01)${gtin}(21)1042(10)${lot}(17)${yymmdd}`;
say(`batch ${batch} of GTIN ${gtin}, lot ${lot}`);

// ---------------------------------------------------------------- serve the built page
const dist = join(root, 'web', 'dist');
const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json' };
const server = createServer((req, res) => {
  const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  const file = join(dist, path === '/' ? 'index.html' : path);
  if (!file.startsWith(dist) || !existsSync(file)) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
  res.end(readFileSync(file));
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const pageUrl = `http://127.0.0.1:${server.address().port}/?node=${encodeURIComponent(nodeUrl)}`;

const browser = await chromium.launch({ executablePath: browserPath, headless: true, args: ['--no-sandbox'] });
async function open(identity) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  // The development key is handed over at run time; the bundle holds none.
  await context.addInitScript((dev) => {
    window.__CARECHAIN_DEV__ = dev;
  }, [{ suri: identity.suri, name: identity.name }]);
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`[page ${identity.name}] ${e.message}`));
  await page.goto(pageUrl);
  pages.push([identity.name, page]);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
  return page;
}
const TIMEOUT = { timeout: 90_000 };
const pages = [];
let failed = false;
try {
  // ---------------------------------------------------------------- patient flow
  const p = await open({ suri: `//browser-patient-${run}`, name: 'patient' });
  await p.getByTestId('register').click();
  await p.getByTestId('patient-status').filter({ hasText: 'Your patient id' }).waitFor(TIMEOUT);
  const patientId = (await p.getByTestId('patient-status').textContent()).split(': ')[1].trim();
  say(`patient registered through the page: ${patientId.slice(0, 18)}…`);
  await p.getByTestId('grantee').fill(hospital.address);
  await p.getByTestId('grant').click();
  await p.locator('[data-testid="grant-status"]', { hasText: 'active' }).waitFor(TIMEOUT);
  await p.screenshot({ path: join(shots, 'patient-granted.png'), fullPage: true });
  say('granted the hospital laboratory data for treatment');

  const h = await open({ suri: `//browser-hospital-${run}`, name: 'hospital' });
  await h.getByRole('button', { name: 'Provider' }).click();
  await h.getByTestId('check-patient').fill(patientId);
  await h.getByTestId('check').click();
  await h.getByTestId('check-result').filter({ hasText: 'granted' }).waitFor(TIMEOUT);
  await h.screenshot({ path: join(shots, 'provider-granted.png'), fullPage: true });
  say(`the hospital's check: ${await h.getByTestId('check-result').textContent()}`);

  await p.getByTestId('revoke').first().click();
  await p.locator('[data-testid="grant-status"]', { hasText: 'revoked' }).waitFor(TIMEOUT);
  say('revoked');
  await h.getByTestId('check').click();
  await h.getByTestId('check-result').filter({ hasText: 'denied' }).waitFor(TIMEOUT);
  await h.screenshot({ path: join(shots, 'provider-denied.png'), fullPage: true });
  say(`after revocation: ${await h.getByTestId('check-result').textContent()}`);

  await p.getByRole('button', { name: 'Patient' }).click();
  await p.getByTestId('trail-row').filter({ hasText: 'denied: NoConsent' }).waitFor(TIMEOUT);
  await p.getByTestId('verified').filter({ hasText: 'chain verified' }).waitFor(TIMEOUT);
  const rows = await p.getByTestId('trail-row').allTextContents();
  assert.ok(rows.some((r) => r.includes('AccessCheck') && r.includes('granted')), `a granted check in ${rows}`);
  assert.ok(rows.some((r) => r.includes('AccessCheck') && r.includes('denied: NoConsent')), `a denied check in ${rows}`);
  await p.screenshot({ path: join(shots, 'patient-trail.png'), fullPage: true });
  say(`the patient's trail shows ${rows.length} entries and the chain verifies`);

  // ---------------------------------------------------------------- pharmacy flow
  await h.getByRole('button', { name: 'Pharmacy' }).click();
  await h.getByTestId('barcode').fill(barcode);
  await h.getByTestId('verify').click();
  await h.getByTestId('verdict').filter({ hasText: 'Genuine' }).waitFor(TIMEOUT);
  await h.screenshot({ path: join(shots, 'pharmacy-genuine.png'), fullPage: true });
  say(`${barcode}: ${await h.getByTestId('verdict').textContent()}`);
  await suite.send(suite.provenance, 'recall', [batch, 'Counterfeit'], maker.sender);
  say('the manufacturer recalled the batch');
  await h.getByTestId('verify').click();
  await h.getByTestId('verdict').filter({ hasText: 'Recalled' }).waitFor(TIMEOUT);
  await h.screenshot({ path: join(shots, 'pharmacy-recalled.png'), fullPage: true });
  say(`after the recall: ${await h.getByTestId('verdict').textContent()}`);

  // ---------------------------------------------------------------- insurer flow
  // Set up with the TS client: an insurer with escrow and a policy for the patient, the patient's
  // consent (treatment for the hospital, payment for the insurer), the hospital's lab record and
  // its claim. The page then adjudicates and settles it.
  const insurer = await devIdentity(`//browser-insurer-${run}`, 'insurer');
  await fund(insurer);
  await suite.send(suite.registry, 'registerOrganisation', [insurer.address, bitSet(ROLES, ['Insurer']), digest('licence insurer'), hex(new Uint8Array(32).fill(9))], admin.sender);
  const day = 86_400_000n;
  const chainTime = await chainNow(suite);
  await suite.send(suite.claims, 'deposit', [], insurer.sender, { value: 1_000_000n });
  const terms = { coverage: bitSet(suite.vocab.services, ['Consultation', 'Laboratory']), periodStart: chainTime - day, periodEnd: chainTime + 365n * day, annualLimit: 50_000n, deductible: 200n, coinsuranceBps: 2_000 };
  const policy = (await suite.send(suite.claims, 'createPolicy', [patientId, terms], insurer.sender)).value;
  const scope = (purpose) => ({ categories: bitSet(suite.vocab.categories, ['Laboratory']), purposes: bitSet(suite.vocab.purposes, [purpose]), validFrom: chainTime - 60_000n, validUntil: chainTime + 30n * day });
  await suite.send(suite.consent, 'createGrant', [patientId, { type: 'Account', value: hospital.address }, scope('Treatment'), 'Permit'], patient.sender);
  await suite.send(suite.consent, 'createGrant', [patientId, { type: 'Account', value: insurer.address }, scope('Payment'), 'Permit'], patient.sender);

  // Two patients grant at the same time: both dry runs predict the same next grant id; each
  // answer is its own transaction's, read from the block's events.
  const other = await devIdentity(`//browser-patient-b-${run}`, 'patient b');
  await fund(other);
  const otherId = hex(randomBytes(32));
  await suite.send(suite.registry, 'registerPatient', [otherId, hex(new Uint8Array(32).fill(5))], other.sender);
  const refuseResearch = (id, who) => suite.send(suite.consent, 'createGrant', [id, { type: 'Account', value: hospital.address }, scope('Research'), 'Deny'], who.sender);
  const [mine, theirs] = await Promise.all([refuseResearch(patientId, patient), refuseResearch(otherId, other)]);
  assert.notEqual(mine.value, theirs.value, 'two writers were not given one grant id');
  assert.ok((await patientGrants(suite, patientId)).some((g) => g.id === mine.value), `grant ${mine.value} is the patient's`);
  assert.ok((await patientGrants(suite, otherId)).some((g) => g.id === theirs.value), `grant ${theirs.value} is the other patient's`);
  say(`two patients granted at once: grants ${mine.value} and ${theirs.value}, each its own`);
  const record = BigInt(Date.now()) * 1000n + 7n;
  const written = await suite.send(suite.consent, 'addRecord', [record, patientId, 'Laboratory', 'Treatment', digest(`lab report ${run}`), hex(new Uint8Array(64).fill(3))], hospital.sender);
  assert.equal(written.value.decision.outcome.type, 'Granted', `the record write: ${jsonText(written.value)}`);
  const line = { serviceRef: digest(`CPT 80053 ${run}`), billed: 1_200n, drug: undefined };
  const outcome = (await suite.send(suite.claims, 'submitClaim', [policy, patientId, record, [line]], hospital.sender)).value;
  assert.equal(outcome.type, 'Submitted', `the claim: ${jsonText(outcome)}`);
  const claim = String(outcome.value);
  say(`the hospital submitted claim ${claim} on policy ${policy}`);

  const i = await open({ suri: `//browser-insurer-${run}`, name: 'insurer' });
  await i.getByRole('button', { name: 'Insurer' }).click();
  const row = i.getByTestId('claim-row').filter({ has: i.locator('td:first-child', { hasText: new RegExp(`^${claim}$`) }) });
  await row.getByTestId('claim-status').filter({ hasText: 'Submitted' }).waitFor(TIMEOUT);
  assert.match(await row.textContent(), /1200/, 'the billed amount is shown');
  await row.getByRole('button', { name: 'Approve as billed' }).click();
  await row.getByTestId('claim-status').filter({ hasText: 'Approved' }).waitFor(TIMEOUT);
  // 1 200 billed: the patient pays the 200 deductible and 20 % of the remaining 1 000.
  assert.equal((await row.getByTestId('claim-approved').textContent()).trim(), '800', 'the plan pays 800');
  say('the insurer approved it through the page: the plan pays 800 of 1200');
  await row.getByRole('button', { name: 'Settle' }).click();
  await row.getByTestId('claim-status').filter({ hasText: 'Settled' }).waitFor(TIMEOUT);
  await i.screenshot({ path: join(shots, 'insurer.png'), fullPage: true });
  say('and settled it');
  say(`screenshots in ${shots}`);
} catch (e) {
  failed = true;
  console.error(`[browser] FAILED: ${e.stack ?? e}`);
  for (const [name, page] of pages) {
    const shown = await page.locator('#error').textContent().catch(() => '');
    const step = await page.locator('#progress').textContent().catch(() => '');
    console.error(`[browser] page ${name}: error "${shown}", progress "${step}"`);
    await page.screenshot({ path: join(shots, `failed-${name}.png`), fullPage: true }).catch(() => {});
  }
} finally {
  await browser.close();
  server.close();
  await suite.disconnect();
}
process.exit(failed ? 1 : 0);
