// The pages' Content-Security-Policy (hooks/ops_pages.go) refuses nothing the
// pages do: the chart's tooltip, and the printable rectification notice the
// portal opens as a blob: document (which inherits the portal's policy),
// styled and with a working print button. Any refusal is a console error,
// which newPage turns into a failure.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, newPage, signIn, api, DESKTOP } from './harness.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.stop(); });

test('the pages are served with the security headers', async () => {
  for (const path of ['/', '/staff/']) {
    const res = await fetch(server.url + path);
    const csp = res.headers.get('content-security-policy') || '';
    assert.match(csp, /script-src 'self' 'sha256-/, path);
    assert.doesNotMatch(csp, /'unsafe-inline'|'unsafe-eval'/, path);
    assert.match(csp, /frame-ancestors 'none'/, path);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(res.headers.get('x-frame-options'), 'DENY');
  }
});

test('the trends tooltip shows under the policy', async () => {
  const page = await newPage(browser, DESKTOP);
  await signIn(page, server.url, 'supervisor@example.com', '/staff/');
  await page.waitForURL(/#\/dashboard/);
  const canvas = page.locator('[data-testid=trend-chart] canvas').first();
  await canvas.waitFor();
  const box = await canvas.boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.move(box.x + box.width / 2 + 5, box.y + box.height / 2);
  await page.waitForTimeout(500); // an HTML tooltip refused by the policy reports itself on the console
  assert.deepEqual(page.scriptErrors, []);
  await page.context().close();
});

test('the portal opens a rectification notice styled, and its print button runs', async () => {
  const sup = await api(server.url, 'supervisor@example.com');
  // Staff see a resident's phone, not their e-mail (the account is the
  // resident's own): the applicant signs in with the phone.
  const reno = (await sup.collection('renovations').getFullList({ filter: 'status = "permitted"', expand: 'applicant', sort: 'created' }))
    .find((r) => r.expand?.applicant?.phone);
  assert.ok(reno, 'the demo has a permitted renovation with an applicant');
  await sup.collection('renovation_violations').create({
    renovation: reno.id, severity: 'major', kind: 'load_bearing', description: '拆除承重墙', measures: ['rectify'], status: 'open',
  });

  const page = await newPage(browser, DESKTOP);
  await signIn(page, server.url, reno.expand.applicant.phone);
  await page.getByRole('heading', { name: /您好/ }).waitFor();
  await page.goto(server.url + '/#/renovation/' + reno.id);
  const [notice] = await Promise.all([
    page.context().waitForEvent('page'),
    page.getByRole('button', { name: '查看整改通知书' }).click(),
  ]);
  const refused = [];
  notice.on('console', (m) => { if (m.type() === 'error') refused.push(m.text()); });
  await notice.waitForURL(/^blob:/);
  await notice.getByRole('heading', { name: '装修违规整改通知书' }).waitFor();
  // The notice's own <style> applies (centred title, serif body).
  assert.equal(await notice.evaluate(() => getComputedStyle(document.querySelector('h1')).textAlign), 'center');
  // Its print button's inline handler runs: print() is called.
  await notice.evaluate(() => { window.print = () => { window.__printed = true; }; });
  await notice.getByRole('button', { name: /打印/ }).click();
  assert.equal(await notice.evaluate(() => window.__printed === true), true, 'the print button did nothing');
  assert.deepEqual(refused, []);
  assert.deepEqual(page.scriptErrors, []);
  await page.context().close();
});
