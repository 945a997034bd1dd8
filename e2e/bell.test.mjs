// The notification bell: a complaint assigned to the area manager rings
// their open workspace live; opening the notice leads to the complaint and
// marks it read.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, newPage, signIn, api, PHONE } from './harness.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.stop(); });

test('an assignment rings the handler\'s bell live and leads to the complaint', async () => {
  const mgr = await api(server.url, 'areamgr@example.com');
  const me = mgr.authStore.record;
  const unread = async () => (await mgr.collection('notifications').getList(1, 1, { filter: 'read = false' })).totalItems;
  const before = await unread();

  const page = await newPage(browser, PHONE);
  // The bell hears of new notes on the employee's own topic: wait until it is subscribed.
  const subscribed = page.waitForResponse((r) => r.url().endsWith('/api/realtime') && r.request().method() === 'POST'
    && (r.request().postData() || '').includes(`employee/${me.id}`));
  await signIn(page, server.url, 'areamgr@example.com', '/staff/');
  await page.waitForURL(/#\/rounds$/);
  const bell = page.locator('.bell-btn');
  await bell.waitFor();
  if (before > 0) await page.getByTestId('bell-count').filter({ hasText: String(before) }).waitFor();
  await subscribed;

  const owner1 = await api(server.url, 'owner1@example.com');
  const unit = (await owner1.collection('unit_residents').getFirstListItem('')).unit;
  const c = await owner1.collection('complaints').create({ unit, category: 'greening', content: '楼下草坪积水，蚊虫很多' });
  const desk = await api(server.url, 'frontdesk@example.com');
  await desk.collection('complaints').update(c.id, { status: 'assigned', handler: me.id, department: 'greening' });

  await page.getByTestId('bell-count').filter({ hasText: String(before + 1) }).waitFor({ timeout: 5000 });
  await bell.click();
  const panel = page.getByRole('dialog', { name: '通知' });
  await panel.getByRole('button', { name: new RegExp(c.serial) }).click();
  await page.waitForURL(new RegExp(`#/complaints/${c.id}$`));
  await page.getByRole('heading', { name: c.serial }).or(page.getByText(c.serial).first()).first().waitFor();
  // The bell marks it read as it leads away (not waited for): the complaint's screen, one bundle now
  // (hooks/ops_pages_bundle.go), can show before the server has answered.
  for (const end = Date.now() + 5000; Date.now() < end && (await unread()) !== before;) await new Promise((r) => setTimeout(r, 100));
  assert.equal(await unread(), before, 'opening it marks it read');
  assert.deepEqual(page.scriptErrors, []);
});
