// Browser-test harness: each test file starts its own Wuye server with a
// fresh copy of the demo data on a free loopback port, and drives Debian's
// Chromium through playwright-core (no browser download).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import PocketBase from 'pocketbase';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const PASSWORD = 'demo-pass-2026';

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
    s.on('error', reject);
  });
}

// The test clock (WUYE_CLOCK, see lib/clock and scripts/test-clocks): the
// server's clock starts at that instant when it starts and runs on; the
// browsers' clocks and the tests' own dates (now()) follow the server's.
// Without it everything runs on the real clock.
const CLOCK = process.env.WUYE_CLOCK || '';
let clockOffset = 0; // ms the server's clock is ahead of the real one

/** now is the current time on the server's clock: use it for dates the test reasons about. */
export function now() {
  return new Date(Date.now() + clockOffset);
}

/** startServer runs `wuye demo` (WUYE_BIN, built by scripts/test) on a fresh data dir. */
export async function startServer() {
  const bin = process.env.WUYE_BIN;
  if (!bin) throw new Error('WUYE_BIN is not set: run the browser tests through scripts/test');
  if (CLOCK) {
    const at = Date.parse(CLOCK);
    if (Number.isNaN(at)) throw new Error(`WUYE_CLOCK=${CLOCK} is not an instant such as 2027-03-01T09:30:00+08:00`);
    clockOffset = at - Date.now(); // the server reads it as it starts, a moment later
  }
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'wuye-e2e-'));
  const url = `http://127.0.0.1:${port}`;
  const proc = spawn(bin, ['demo', '--http', `127.0.0.1:${port}`, '--dir', dir, '--publicDir', join(root, 'pb_public')], {
    stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, WUYE_PAY_SANDBOX_SECRET: 'e2e-sandbox', WUYE_PUSH_LOOPBACK: '1' },
  });
  let log = '';
  proc.stdout.on('data', (d) => { log += d; });
  proc.stderr.on('data', (d) => { log += d; });
  const deadline = Date.now() + 120_000; // the demo loads first; slow on a loaded 2-core machine
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`wuye exited early:\n${log}`);
    try {
      if ((await fetch(url + '/api/health')).ok) break;
    } catch { /* not yet */ }
    if (Date.now() > deadline) throw new Error(`wuye did not start:\n${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    log: () => log,
    async stop() {
      proc.kill('SIGTERM');
      await new Promise((r) => (proc.exitCode !== null ? r() : proc.once('exit', r)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** launch starts headless Chromium with the flags this closed network needs. */
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

export const PHONE = { viewport: { width: 375, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };
export const DESKTOP = { viewport: { width: 1280, height: 860 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };

/** newPage opens a page that fails the test on any uncaught script error. */
export async function newPage(browser, options = PHONE) {
  const context = await browser.newContext(options);
  // On a test clock the page's clock starts at the server's time and flows.
  if (CLOCK) await context.clock.install({ time: now() });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  page.on('console', (m) => { if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) errors.push(new Error(m.text())); });
  page.scriptErrors = errors;
  return page;
}

/** api is a PocketBase client signed in as a demo account (staff or resident). */
export async function api(url, email, collection = email.match(/^(owner|tenant|family|former|resident)/) ? 'residents' : 'staff') {
  const pb = new PocketBase(url);
  pb.autoCancellation(false);
  await pb.collection(collection).authWithPassword(email, PASSWORD);
  return pb;
}

/** signIn fills the portal's or the workspace's sign-in form. */
export async function signIn(page, url, email, path = '/') {
  await page.goto(url + path);
  await page.getByLabel(/邮箱或手机号|Email or phone/).fill(email);
  await page.getByLabel(/^密码|^Password/).fill(PASSWORD);
  await page.getByRole('button', { name: /^登录$|^Sign in$/ }).click();
  // Signed in once the form has gone: a test that goes on to another URL of
  // the page at once would otherwise race the landing on the role's home.
  await page.getByLabel(/^密码|^Password/).waitFor({ state: 'detached', timeout: 20_000 }).catch(() => {});
  // The workspace then sends the role to its home (#/ → #/dashboard …) once
  // the account's communities are read: wait for it, or a later goto of
  // another screen can be overtaken by that redirect on a busy machine.
  if (path.startsWith('/staff') && !path.includes('#')) {
    await page.waitForFunction(() => location.hash.length > 2, null, { timeout: 20_000 }).catch(() => {});
  }
}

// The screens kept in docs/screenshots (see its README.md); the rest stay in e2e/out.
const DOCS = new Set([
  'portal-home', 'portal-home-desktop', 'portal-complaint-new', 'portal-complaint-detail', 'portal-repair-new', 'portal-repair-quote',
  'portal-renovation-detail', 'portal-renovation-desktop', 'portal-bills', 'portal-bills-desktop', 'portal-receipt', 'portal-notices',
  'staff-desk', 'staff-dispatch', 'staff-complaint-case', 'staff-field-queue', 'staff-field-signature', 'staff-rounds',
  'staff-renovation-review', 'staff-cashier', 'staff-billing', 'staff-dashboard', 'staff-report',
  'staff-print-work-order', 'staff-print-reminders', 'staff-print-rectification', 'staff-print-receipt',
  'staff-desk-slots', 'staff-complaints-hot', 'staff-rounds-phone',
  'portal-home-todo', 'portal-repair-quote-note', 'staff-registers-parcels', 'staff-print-goods-pass', 'staff-service-statement',
  'staff-handover', 'staff-incident', 'staff-visits-phone',
]);

/**
 * shot saves a screenshot to e2e/out, and also to docs/screenshots when
 * WUYE_SCREENSHOTS=1 (how the README's pictures are refreshed).
 */
export async function shot(page, name, opts = {}) {
  const dirs = [join(root, 'e2e', 'out')];
  if (process.env.WUYE_SCREENSHOTS === '1' && DOCS.has(name)) dirs.push(join(root, 'docs', 'screenshots'));
  for (const d of dirs) {
    mkdirSync(d, { recursive: true });
    // A phone shot is the screen as held (a full-page one would paint the
    // fixed tab bar in the middle of the page); desktop shots take it all.
    const fullPage = (page.viewportSize()?.width || 0) >= 900;
    await page.screenshot({ path: join(d, name + '.png'), fullPage, ...opts });
  }
}
