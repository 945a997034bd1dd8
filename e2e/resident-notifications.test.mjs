// Residents' notifications (docs/DESIGN.md § Notifications and deliveries):
// a quote waiting for the resident rings their bell live and shows in
// "待您处理"; opening it lands on the repair with its confirm button, and
// confirming takes it off the to-do list. The messages page lists it and
// holds the resident's channel preferences.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, newPage, signIn, api, now, PHONE } from './harness.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.stop(); });

const pbDate = (ms) => new Date(ms).toISOString().replace('T', ' ');

test('a quote waiting rings the resident\'s bell, leads to the repair and leaves the to-do list once confirmed', async () => {
  const owner1 = await api(server.url, 'owner1@example.com');
  const me = owner1.authStore.record;
  const unread = async () => (await owner1.collection('notifications').getList(1, 1, { filter: 'read = false' })).totalItems;
  const before = await unread();

  const page = await newPage(browser, PHONE);
  // The bell hears of new notes on the resident's own topic: wait until it is subscribed.
  const subscribed = page.waitForResponse((r) => r.url().endsWith('/api/realtime') && r.request().method() === 'POST'
    && (r.request().postData() || '').includes(`resident/${me.id}`));
  await signIn(page, server.url, 'owner1@example.com');
  await page.getByTestId('your-turn').waitFor();
  const bell = page.locator('.bell-btn');
  await bell.waitFor();
  if (before > 0) await page.getByTestId('bell-count').filter({ hasText: before > 99 ? '99+' : String(before) }).waitFor();
  await subscribed;

  const unit = (await owner1.collection('unit_residents').getFirstListItem(owner1.filter('resident = {:me} && active = true', { me: me.id }))).unit;
  const item = (await owner1.collection('service_items').getFirstListItem('code = "SN03"')).id;
  const order = await owner1.collection('work_orders').create({ unit, service_item: item, description: '卫生间水管漏水（通知测试）',
    contact_name: '李明', contact_phone: '13800000001' });
  const desk = await api(server.url, 'frontdesk@example.com');
  const tech = await api(server.url, 'tech1@example.com');
  await desk.collection('work_orders').update(order.id, { status: 'dispatched', dispatch_mode: 'assign', technician: tech.authStore.record.id,
    appointment_at: pbDate(now().getTime() + 30 * 60_000) });
  await tech.collection('work_orders').update(order.id, { status: 'accepted' });
  await tech.collection('work_orders').update(order.id, { status: 'on_site' });
  await tech.collection('work_orders').update(order.id, { status: 'quoted', quote_fen: 12000, quote_note: '更换 1 米水管及接头' });
  const quoted = await owner1.collection('work_orders').getOne(order.id);

  // The bell rises live, and the to-do block shows the quote.
  await page.getByTestId('bell-count').filter({ hasText: String(before + 1) }).waitFor({ timeout: 8000 });
  const todo = page.getByTestId('your-turn').locator(`a[href="#/repairs/${order.id}"][data-todo="quote"]`);
  await todo.waitFor();
  await bell.click();
  const panel = page.getByRole('dialog', { name: '通知' });
  await panel.getByRole('button', { name: new RegExp(quoted.serial) }).click();
  await page.waitForURL(new RegExp(`#/repairs/${order.id}$`));
  const confirm = page.getByRole('button', { name: '确认报价' });
  await confirm.waitFor();
  // The bell marks it read as it leads away (not waited for): the screen can show before the server has answered.
  for (const end = Date.now() + 5000; Date.now() < end && (await unread()) !== before;) await new Promise((r) => setTimeout(r, 100));
  assert.equal(await unread(), before, 'opening it marks it read');

  // Confirming the quote settles the to-do.
  await owner1.collection('work_orders').update(order.id, { status: 'in_progress' });
  await page.goto(`${server.url}/#/`);
  // The block shows a spinner first: count once its list (or its empty text) is in.
  const yourTurn = page.getByTestId('your-turn');
  await yourTurn.locator('ul.list').or(yourTurn.getByText('目前没有需要您处理的事项')).waitFor();
  assert.equal(await todo.count(), 0, 'a confirmed quote no longer waits');

  // The messages page lists it, and the resident's channels.
  await page.goto(`${server.url}/#/messages`);
  await page.getByTestId('inbox').getByText(new RegExp(quoted.serial)).first().waitFor();
  const prefs = page.getByTestId('notification-prefs');
  await prefs.waitFor();
  assert.ok(await prefs.getByRole('checkbox', { name: '短信' }).isChecked(), "the demo's owner1 takes text messages");
  assert.deepEqual(page.scriptErrors, []);
  await page.context().close();
});

test('the supervisor\'s delivery log shows the failed text message and sends it again', async () => {
  const page = await newPage(browser, { viewport: { width: 1280, height: 900 } });
  await signIn(page, server.url, 'supervisor@example.com', '/staff/');
  await page.goto(`${server.url}/staff/#/deliveries`);
  const log = page.getByTestId('delivery-log');
  await log.waitFor();
  const failed = log.locator('tr[data-status="failed"]').first();
  await failed.waitFor();
  assert.match(await failed.innerText(), /停机/);
  await failed.getByRole('button', { name: '重新发送' }).click();
  await page.getByText('已重新排队发送').waitFor();
  await page.getByTestId('delivery-status').selectOption('pending');
  await log.locator('tr[data-status="pending"]').first().waitFor();
  assert.deepEqual(page.scriptErrors, []);
  await page.context().close();
});
