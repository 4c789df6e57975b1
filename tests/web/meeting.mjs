// Browser test of the operational group's meeting and the åtgärdsplan:
// headless Debian chromium via playwright-core against report_fixture
// --meeting (the picture up to 2026-W47, the meeting of W47, three measures).
// The meeting page on a 390x844 phone (follow up a decision, save the
// assessment, add a decision), a measure with its before/after, and the
// printed meeting and plan as A4 PDFs, turned into PNGs to look at.
//
//   node meeting.mjs --fixture PATH/report_fixture --out DIR
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import path from 'node:path';
import assert from 'node:assert/strict';
import { codeSource } from './totp.mjs';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

let chromium;
try {
  ({ chromium } = await import('playwright-core'));
} catch {
  console.log('SKIP: playwright-core not installed (run ./trygg deps)');
  process.exit(77);
}
if (!args.fixture) {
  console.error('usage: node meeting.mjs --fixture PATH --out DIR');
  process.exit(2);
}
const out = args.out || 'meeting-screenshots';
mkdirSync(out, { recursive: true });

const fixture = spawn(args.fixture, ['--meeting'], { stdio: ['pipe', 'pipe', 'inherit'] });
const info = await new Promise((resolve, reject) => {
  const rl = createInterface({ input: fixture.stdout });
  rl.once('line', (l) => resolve(JSON.parse(l)));
  fixture.once('exit', (c) => reject(new Error(`fixture exited ${c}`)));
  setTimeout(() => reject(new Error('fixture did not start')), 120000);
});
const base = `http://127.0.0.1:${info.port}`;
const nextCode = codeSource(info.totp_secret, info.totp_step);

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-dev-shm-usage'],
});

let failures = 0;
async function step(name, fn) {
  const t0 = Date.now();
  try {
    await fn();
    console.log(`ok   ${name} (${Date.now() - t0} ms)`);
  } catch (e) {
    failures++;
    console.log(`FAIL ${name}: ${e.stack || e}`);
  }
}
async function loggedIn(user, viewport = { width: 1280, height: 900 }) {
  const ctx = await browser.newContext({ viewport, locale: 'sv-SE' });
  const page = await ctx.newPage();
  await page.goto(`${base}/login`);
  await page.getByLabel('Användarnamn').fill(user);
  await page.getByLabel('Lösenord').fill(info.password);
  await page.getByRole('button', { name: 'Logga in' }).click();
  await page.waitForLoadState('load');
  if (/\/login\/code$/.test(page.url())) {
    await page.getByLabel('Engångskod', { exact: true }).fill(await nextCode(user));
    await page.getByRole('button', { name: 'Logga in' }).click();
    await page.waitForLoadState('load');
  }
  return page;
}
async function noSideScroll(page) {
  const w = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(w <= 390, `page is ${w}px wide on a 390px phone`);
}
// Prints the page as served to an A4 PDF; returns its text and page count.
async function printA4(page, name, maxPages) {
  const pdf = path.join(out, `${name}.pdf`);
  await page.pdf({ path: pdf, preferCSSPageSize: true, printBackground: true });
  assert.ok(existsSync(pdf));
  const infoTxt = execFileSync('pdfinfo', [pdf]).toString();
  assert.match(infoTxt, /Page size:\s+59[45]\.\d+ x 841\.\d+ pts \(A4\)/);
  const pages = Number(/Pages:\s+(\d+)/.exec(infoTxt)[1]);
  assert.ok(pages >= 1 && pages <= maxPages, `pages ${pages}`);
  execFileSync('pdftoppm', ['-png', '-r', '60', pdf, path.join(out, name)]);
  return execFileSync('pdftotext', ['-layout', pdf, '-']).toString();
}

await step('meeting on a phone: follow up, assess, decide', async () => {
  const page = await loggedIn('sakerhet', { width: 390, height: 844 });
  const resp = await page.goto(`${base}/meeting?week=2026-W47`);
  assert.equal(resp.status(), 200);
  await page.getByRole('heading', { level: 1, name: /Mötesläge – 2026-W47/ }).waitFor();
  await noSideScroll(page);
  const follow = page.locator('section[aria-labelledby="h-followup"]');
  assert.match(await follow.innerText(), /Edethus byter belysning i gångtunneln/);
  assert.equal(await follow.locator('tr[data-status="done"]').count(), 1);
  await page.screenshot({ path: path.join(out, 'meeting-phone-top.png'), fullPage: false });
  // Follow-up: the tunnel's lighting is done.
  const row = follow.locator('tr', { hasText: 'Edethus byter belysning' });
  await row.getByLabel('Status').selectOption('done');
  await row.getByRole('button', { name: 'Spara status' }).click();
  await page.waitForLoadState('load');
  assert.equal(await page.locator('section[aria-labelledby="h-followup"] tr[data-status="done"]').count(), 2);
  // The assessment: a third version.
  const note = page.getByLabel(/Bedömning \(vad säger veckan/);
  assert.match(await note.inputValue(), /Belysningen i gångtunneln/);
  await note.fill('Skadegörelsen vid Resecentrum minskade efter kamerorna. Tunneln är åtgärdad.');
  await page.getByRole('button', { name: 'Spara bedömningen' }).click();
  await page.waitForLoadState('load');
  await page.getByText('Bedömningen är sparad som en ny version.').waitFor();
  assert.equal(await page.locator('p[data-version="3"]').count(), 1);
  // A new decision for the housing company.
  await page.getByLabel('Nytt beslut').fill('Edethus rapporterar klotter vid Resecentrum varje vecka');
  await page.locator('#m-org').selectOption('housing');
  await page.getByRole('button', { name: 'Lägg till beslutet' }).click();
  await page.waitForLoadState('load');
  const now = page.locator('section[aria-labelledby="h-new"]');
  assert.match(await now.innerText(), /Edethus rapporterar klotter/);
  await noSideScroll(page);
  await page.screenshot({ path: path.join(out, 'meeting-phone.png'), fullPage: true });
  // Older versions stay readable.
  await page.getByRole('link', { name: 'Tidigare versioner' }).click();
  await page.getByRole('link', { name: 'Version 1' }).click();
  assert.match(await page.locator('[data-shown-version="1"]').innerText(), /^Fler rapporter om skadegörelse/);
});

await step('measure: before/after with the caveat', async () => {
  const page = await loggedIn('sakerhet');
  await page.goto(`${base}/measures`);
  await page.getByRole('link', { name: 'Kameraövervakning vid Resecentrum' }).click();
  const effect = page.locator('section[aria-labelledby="h-effect"]');
  const text = await effect.innerText();
  assert.match(text, /2026-W37 – 2026-W44/);
  assert.match(text, /2026-W45 – 2026-W52/);
  assert.match(text, /inget bevis/);
  const cells = await effect.locator('tbody tr').first().locator('td').allTextContents();
  assert.deepEqual(cells, ['24', '3', '-21']);
  await page.screenshot({ path: path.join(out, 'measure-edit.png'), fullPage: true });
});

await step('printed meeting to A4 PDF', async () => {
  const page = await loggedIn('sakerhet');
  await page.goto(`${base}/meeting/print?week=2026-W47`);
  const text = await printA4(page, 'meeting-print', 10);
  assert.match(text, /Gruppens bedömning – 2026-W47/);
  // The decisions with their history, as on the page: last week's lighting
  // decision was taken open and set done on the phone above.
  assert.match(text, /Uppföljning av förra veckans beslut \(2026-W46\)/);
  assert.match(text, /Edethus byter belysning i gångtunneln/);
  assert.match(text, /Pågår · okänd|Pågår · [a-z]+ · 2026/);
  assert.match(text, /Genomfört · sakerhet · \d{4}-\d{2}-\d{2}/);
  assert.match(text, /Följ upp belysningen i tunneln nästa vecka/);
  assert.match(text, /Skadegörelsen vid Resecentrum minskade/);
  assert.match(text, /Veckolägesbild vecka 47 2026/);
});

await step('åtgärdsplan to A4 PDF, internal and published', async () => {
  const page = await loggedIn('sakerhet');
  await page.goto(`${base}/measures/plan`);
  let text = await printA4(page, 'plan-print', 4);
  assert.match(text, /Åtgärdsplan/);
  assert.match(text, /gäller till och med juni 2027/);
  assert.match(text, /Tidslinje/);
  assert.match(text, /Kameraövervakning vid Resecentrum/);
  assert.match(text, /inget bevis/);
  await page.goto(`${base}/measures/plan?view=published`);
  text = await printA4(page, 'plan-print-published', 4);
  assert.match(text, /Publicerad version/);
  assert.match(text, /<5/);
});

await browser.close();
fixture.stdin.end();
await new Promise((r) => fixture.once('exit', r));
console.log(failures ? `${failures} failed` : 'all passed');
process.exit(failures ? 1 : 0);
