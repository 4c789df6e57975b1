// Browser test of the weekly situation picture: headless Debian chromium via
// playwright-core against report_fixture (26 generated weeks up to 2026-W47).
// The security department's week page (exact counts), a housing-company
// user's page (suppressed), the week chooser, and the printable page printed
// to an A4 PDF by chromium; pdftoppm turns the PDF into PNGs to look at. Then
// a police event attached to a place by hand (desktop and phone), on the
// map and in the quarter, and refused to the housing company.
//
//   node report.mjs --fixture PATH/report_fixture --out DIR
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, existsSync, readFileSync } from 'node:fs';
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
  console.error('usage: node report.mjs --fixture PATH --out DIR');
  process.exit(2);
}
const out = args.out || 'report-screenshots';
mkdirSync(out, { recursive: true });

const fixture = spawn(args.fixture, [], { stdio: ['pipe', 'pipe', 'inherit'] });
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
  if (/\/login\/code$/.test(page.url())) { // two-factor login (security)
    await page.getByLabel('Engångskod', { exact: true }).fill(await nextCode(user));
    await page.getByRole('button', { name: 'Logga in' }).click();
    await page.waitForLoadState('load');
  }
  return page;
}

await step('security department: week page with exact counts', async () => {
  const page = await loggedIn('sakerhet');
  const resp = await page.goto(`${base}/report?week=${info.week}`);
  assert.equal(resp.status(), 200);
  await page.getByRole('heading', { level: 1, name: /Veckolägesbild vecka 47 2026/ }).waitFor();
  assert.equal(await page.locator('.report').getAttribute('data-mode'), 'full');
  // the report's stylesheet is served and applied (the CSP forbids inline style)
  assert.equal(await page.locator('.report .figures').evaluate((e) => getComputedStyle(e).display), 'flex');
  // every chart is there, with text in it
  for (const cls of ['chart bars', 'chart trend', 'chart heat'])
    assert.ok(await page.locator(`svg[class="${cls}"]`).count() > 0, cls);
  const heatText = await page.locator('svg.heat text').allTextContents();
  assert.ok(heatText.includes('Måndag') && heatText.includes('20-24'));
  // sources and caveats: the kiosk that was off for 6 hours
  const sources = await page.locator('#sources').innerText();
  assert.match(sources, /Göta centrum/);
  assert.match(sources, /5 h 50 min/); // 6 h hole minus the 10-minute grace
  assert.match(await page.locator('#police').innerText(), /Skadegörelse/);
  // the internal map: partner events as squares at four registered places (10, 3, 2, 1)
  const squares = await page.locator('svg.map rect.event').evaluateAll(
    (els) => els.map((e) => e.querySelector('title').textContent));
  assert.deepEqual(squares.sort(), ['Gångtunneln under järnvägen, Lödöse: 2 partnerhändelser',
    'Göta centrum: 3 partnerhändelser', 'Resecentrum: 10 partnerhändelser',
    'Ströms skola: 1 partnerhändelser'].sort());
  assert.equal(await page.locator('svg.map rect.legend-event').count(), 2);
  await page.locator('#map').screenshot({ path: path.join(out, 'report-map-internal.png') });
  await page.screenshot({ path: path.join(out, 'report-week-security.png'), fullPage: true });
});

await step('housing company: suppressed, no single urgent items', async () => {
  const page = await loggedIn('bostad');
  await page.goto(`${base}/report?week=${info.week}`);
  assert.equal(await page.locator('.report').getAttribute('data-mode'), 'suppressed');
  const text = await page.locator('.report').innerText();
  assert.match(text, /<5/);               // server.ini small_count = 5
  assert.doesNotMatch(text, /\d\*/);       // no starred exact small counts
  assert.equal(await page.locator('#urgent table').count(), 0);
  // the published map has no partner events
  assert.equal(await page.locator('svg.map rect.event, svg.map rect.legend-event').count(), 0);
  await page.locator('#map').screenshot({ path: path.join(out, 'report-map-published.png') });
  await page.screenshot({ path: path.join(out, 'report-week-housing.png'), fullPage: true });
});

await step('week chooser: previous week link and the week input', async () => {
  const page = await loggedIn('sakerhet', { width: 390, height: 844 });
  await page.goto(`${base}/report?week=${info.week}`);
  await page.getByRole('link', { name: /Föregående vecka/ }).click();
  await page.getByRole('heading', { level: 1, name: /vecka 46 2026/ }).waitFor();
  await page.getByLabel('Välj vecka').fill('2026-W45');
  await page.getByRole('button', { name: 'Visa' }).click();
  await page.getByRole('heading', { level: 1, name: /vecka 45 2026/ }).waitFor();
  await page.screenshot({ path: path.join(out, 'report-week-phone.png'), fullPage: false });
  // No sideways scrolling on a phone (issue 14: the report was 595 px wide).
  const wide = [];
  for (const where of [`/report?week=${info.week}`, `/report/print?week=${info.week}`]) {
    await page.goto(`${base}${where}`);
    const w = await page.evaluate(() => document.scrollingElement.scrollWidth);
    if (w > 390) wide.push(`${where}: ${w}px`);
    const name = where.startsWith('/report/print') ? 'report-print-phone' : 'report-full-phone';
    await page.screenshot({ path: path.join(out, `${name}.png`), fullPage: true });
  }
  assert.deepEqual(wide, [], `the report scrolls sideways at 390 px: ${wide.join(', ')}`);
});

await step('printable page to A4 PDF (chromium), then PNG pages', async () => {
  const page = await loggedIn('sakerhet');
  await page.goto(`${base}/report/print?week=${info.week}`);
  assert.equal(await page.locator('.report').getAttribute('data-mode'), 'suppressed');
  assert.equal(await page.locator('nav.weeks').count(), 0);
  // Printed by chromium as served (CSP and all): the page's own print CSS
  // must choose A4 (preferCSSPageSize), nothing here forces it.
  const pdf = path.join(out, 'report-print.pdf');
  await page.pdf({ path: pdf, preferCSSPageSize: true, printBackground: true });
  assert.ok(existsSync(pdf));
  const head = readFileSync(pdf).subarray(0, 5).toString();
  assert.equal(head, '%PDF-');
  const infoTxt = execFileSync('pdfinfo', [pdf]).toString();
  assert.match(infoTxt, /Page size:\s+59[45]\.\d+ x 841\.\d+ pts \(A4\)/);
  const pages = Number(/Pages:\s+(\d+)/.exec(infoTxt)[1]);
  assert.ok(pages >= 2 && pages <= 8, `pages ${pages}`);
  execFileSync('pdftoppm', ['-png', '-r', '60', pdf, path.join(out, 'report-print')]);
  const text = execFileSync('pdftotext', ['-layout', pdf, '-']).toString();
  assert.match(text, /Veckolägesbild vecka 47 2026/);
  assert.match(text, /Källor och förbehåll/);
});

// The quarter (the council's area analysis) and the year (the steering
// group's report): each page internal and published, printed to an A4 PDF
// and turned into PNGs, and at 390 px without sideways scrolling.
for (const [route, period, heading] of [['/report/quarter', '2026-Q3', /Kvartalsanalys 2026 kvartal 3/],
  ['/report/year', '2026', /Årsrapport 2026/]]) {
  const name = route.endsWith('quarter') ? 'quarter' : 'year';
  await step(`${name}: page, A4 PDF and PNG, 390 px`, async () => {
    const page = await loggedIn('sakerhet');
    const resp = await page.goto(`${base}${route}?period=${period}`);
    assert.equal(resp.status(), 200, (await page.content()).slice(0, 3000));
    assert.equal(await page.locator('.report').getAttribute('data-mode'), 'full');
    await page.getByRole('heading', { level: 1, name: heading }).waitFor();
    assert.ok(await page.locator('#areas table tbody tr').count() >= 3);
    assert.equal(await page.locator('#map svg').count(), 1);
    await page.screenshot({ path: path.join(out, `${name}-internal.png`), fullPage: true });
    for (const view of ['internal', 'published']) {
      await page.goto(`${base}${route}/print?period=${period}&view=${view}`);
      assert.equal(await page.locator('.report').getAttribute('data-mode'),
        view === 'internal' ? 'full' : 'suppressed');
      const pdf = path.join(out, `${name}-print-${view}.pdf`);
      await page.pdf({ path: pdf, preferCSSPageSize: true, printBackground: true });
      const infoTxt = execFileSync('pdfinfo', [pdf]).toString();
      assert.match(infoTxt, /Page size:\s+59[45]\.\d+ x 841\.\d+ pts \(A4\)/);
      execFileSync('pdftoppm', ['-png', '-r', '60', pdf, path.join(out, `${name}-print-${view}`)]);
      const text = execFileSync('pdftotext', ['-layout', pdf, '-']).toString();
      assert.match(text, heading);
      if (view === 'published') assert.doesNotMatch(text, /Mest rapporterade platser/);
    }
    const phone = await loggedIn('sakerhet', { width: 390, height: 844 });
    for (const where of [`${route}?period=${period}`, `${route}/print?period=${period}`]) {
      await phone.goto(`${base}${where}`);
      const w = await phone.evaluate(() => document.scrollingElement.scrollWidth);
      assert.ok(w <= 390, `${where} is ${w}px wide at 390 px`);
    }
    await phone.goto(`${base}${route}?period=${period}`);
    await phone.screenshot({ path: path.join(out, `${name}-phone.png`), fullPage: true });
  });
}

// Police events placed by hand (/report/police): a security user attaches
// an event of the week to a registered place, on a desktop and on a
// 390x844 phone; the event is then a triangle at that place on the
// internal week map and counts for the place's area in the quarter. A
// housing-company user gets 403 on the page and on the form's post.
async function attach(page, id, placeId) {
  const resp = await page.goto(`${base}/report/police?week=${info.week}`);
  assert.equal(resp.status(), 200);
  const row = page.locator(`tr[data-police="${id}"]`);
  // An event not yet placed has no place chosen for it: the list starts at
  // "Välj plats", and the form cannot be sent without a choice.
  assert.equal(await row.getByLabel('Plats').inputValue(), '');
  assert.equal(await row.getByLabel('Plats').getAttribute('required'), '');
  await row.getByLabel('Plats').selectOption(placeId);
  await Promise.all([page.waitForURL(/\/report\/police\?week=/),
    row.getByRole('button', { name: 'Koppla till plats' }).click()]);
  return page.locator(`tr[data-police="${id}"] .placed`);
}

await step('police event placed by hand: desktop, then on the week map and in the quarter', async () => {
  const page = await loggedIn('sakerhet');
  const placed = await attach(page, 561234, 'resecentrum');
  assert.equal((await placed.textContent()).trim(), 'Centrum: Resecentrum');
  await page.screenshot({ path: path.join(out, 'police-attach-desktop.png'), fullPage: true });
  await page.goto(`${base}/report?week=${info.week}`);
  const tri = page.locator('#map path.police');
  assert.equal(await tri.count(), 1);
  assert.equal(await tri.getAttribute('data-police-place'), 'resecentrum');
  assert.match(await tri.locator('title').textContent(), /Resecentrum: 1 polishändelser kopplade för hand/);
  assert.equal(await page.locator('#map .legend-police').count(), 1);
  await page.locator('#map').screenshot({ path: path.join(out, 'report-map-police.png') });
  // The quarter: the event counts for its place's area (internal column).
  await page.goto(`${base}/report/quarter?period=2026-Q4`);
  const heads = await page.locator('#areas table thead th').allTextContents();
  const col = heads.findIndex((h) => /polis/i.test(h));
  assert.ok(col > 0, `no police column in ${heads.join(' | ')}`);
  const cells = page.locator('#areas table tbody tr[data-area="centrum"] > *');
  assert.equal((await cells.nth(col).textContent()).trim(), '1');
  assert.equal(await page.locator('#map path.police[data-police-place="resecentrum"]').count(), 1);
  // The housing company sees the published week map: no triangle.
  const housing = await loggedIn('bostad');
  await housing.goto(`${base}/report?week=${info.week}`);
  assert.equal(await housing.locator('#map path.police').count(), 0);
});

await step('police event placed by hand on a 390x844 phone', async () => {
  const phone = await loggedIn('sakerhet', { width: 390, height: 844 });
  const placed = await attach(phone, 561101, 'gota_centrum');
  assert.equal((await placed.textContent()).trim(), 'Göta: Göta centrum');
  const w = await phone.evaluate(() => document.scrollingElement.scrollWidth);
  assert.ok(w <= 390, `/report/police is ${w}px wide at 390 px`);
  await phone.screenshot({ path: path.join(out, 'police-attach-phone.png'), fullPage: true });
});

await step('police events: a housing-company user gets 403', async () => {
  const housing = await loggedIn('bostad');
  const resp = await housing.goto(`${base}/report/police?week=${info.week}`);
  assert.equal(resp.status(), 403);
  await housing.goto(`${base}/report?week=${info.week}`);
  const csrf = await housing.locator('input[name="csrf"]').first().getAttribute('value');
  assert.ok(csrf, 'the housing page has a form token');
  const post = await housing.request.post(`${base}/report/police/place`, {
    form: { csrf, week: info.week, id: '561234', place: '' }, maxRedirects: 0 });
  assert.equal(post.status(), 403);
  // ... and nothing changed: the event is still at Resecentrum.
  const page = await loggedIn('sakerhet');
  await page.goto(`${base}/report/police?week=${info.week}`);
  assert.equal((await page.locator('tr[data-police="561234"] .placed').textContent()).trim(),
    'Centrum: Resecentrum');
});

await browser.close();
fixture.stdin.end();
await new Promise((r) => fixture.once('exit', r));
console.log(failures ? `${failures} failed` : 'all passed');
process.exit(failures ? 1 : 0);
