// The technicians' field app on a phone: a new order dispatched by the front
// desk appears in the open app within a second (with a beep, a vibration and
// a highlight); the technician takes it from accepted to the resident's
// signature on the screen; a quote in yuan is stored in fen and the payment
// is chosen at completion; actions taken offline wait and are sent when the
// connection returns (and one the server refuses meanwhile is shown and
// dropped); a change missed while the realtime connection was down is
// fetched on reconnect; an order in the pool is claimed, and a lost race is
// told.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, newPage, signIn, api, shot, PHONE, now } from './harness.mjs';

let server, browser, desk, techId, tech2, unitId, itemSN03;

before(async () => {
  server = await startServer();
  browser = await launch();
  desk = await api(server.url, 'frontdesk@example.com');
  techId = (await api(server.url, 'tech1@example.com')).authStore.record.id;
  tech2 = await api(server.url, 'tech2@example.com');
  unitId = (await desk.collection('units').getFirstListItem('number = "101" && building.code = "1"')).id;
  itemSN03 = (await desk.collection('service_items').getFirstListItem('code = "SN03"')).id;
});
after(async () => { await browser?.close(); await server?.stop(); });

const pbDate = (ms) => new Date(ms).toISOString().replace('T', ' ');

/** newOrder is taken in by the front desk for unit 1-101, as a phone call would be. */
function newOrder(fields = {}) {
  return desk.collection('work_orders').create({
    unit: unitId, kind: 'routine', category: 'electrical', description: '客厅插座没电（电话报修）',
    contact_name: '李明', contact_phone: '13800000001', ...fields,
  });
}

const dispatchTo = (id, technician, extra = {}) => desk.collection('work_orders').update(id, {
  status: 'dispatched', dispatch_mode: 'assign', technician, appointment_at: pbDate(now().getTime() + 30 * 60_000), ...extra,
});

/** openField signs tech1 in on a phone, counting beeps and vibrations. */
async function openField() {
  const page = await newPage(browser, PHONE);
  await page.addInitScript(() => {
    window.__beeps = 0;
    window.__vibrations = 0;
    if (window.AudioContext) {
      const osc = AudioContext.prototype.createOscillator;
      AudioContext.prototype.createOscillator = function createOscillator() { window.__beeps++; return osc.call(this); };
    }
    Object.defineProperty(Navigator.prototype, 'vibrate', { configurable: true, value() { window.__vibrations++; return true; } });
  });
  await signIn(page, server.url, 'tech1@example.com', '/staff/');
  await page.waitForURL(/#\/field$/);
  await page.getByRole('heading', { name: '我的工单', level: 1 }).waitFor();
  await page.locator('[data-live="live"]').waitFor(); // subscribed to queue/<me> and the pools
  return page;
}

const item = (page, id) => page.locator(`li[data-id="${id}"]`);
const status = (page) => page.getByTestId('field-status');

/** still waits for the toasts to fade and scrolls to the top, for a clean screenshot. */
async function still(page) {
  await page.locator('.toast').first().waitFor({ state: 'detached', timeout: 6000 });
  await page.evaluate(() => window.scrollTo(0, 0));
}

test('a dispatched order arrives live and is worked through to the resident\'s signature', async () => {
  const page = await openField();
  await page.getByRole('button', { name: '开启提醒' }).click();
  await page.getByRole('button', { name: /提醒已开启/ }).waitFor();
  const beepsBefore = await page.evaluate(() => window.__beeps);

  const order = await newOrder();
  await dispatchTo(order.id, techId);
  const t0 = Date.now();
  await item(page, order.id).waitFor({ timeout: 1000 });
  const latency = Date.now() - t0;
  console.log(`order appeared in the open field app ${latency} ms after the dispatch returned`);
  assert.ok(latency <= 1000, `arrived after ${latency} ms`);
  await assert.doesNotReject(item(page, order.id).and(page.locator('.fresh')).waitFor({ timeout: 1000 }), 'the new order is highlighted');
  await page.waitForFunction((n) => window.__beeps > n && window.__vibrations > 0, beepsBefore, { timeout: 2000 });
  await item(page, order.id).getByText('1栋 101').waitFor(); // the unit, fetched after the bare realtime record
  await shot(page, 'staff-field-queue', { fullPage: false }); // with the highlight and the toast

  await item(page, order.id).getByRole('link').click();
  await page.waitForURL(new RegExp(`#/field/${order.id}$`));
  await page.getByTestId('field-address').getByText(/翠湖花园 1栋 101/).waitFor();
  assert.equal(await page.getByRole('link', { name: /拨打 13800000001/ }).getAttribute('href'), 'tel:13800000001');

  await page.getByRole('button', { name: '接单', exact: true }).click();
  await status(page).getByText('已接单').waitFor();
  await page.getByRole('button', { name: '到场签到' }).click();
  await status(page).getByText('已到场').waitFor();
  // 30 minutes before the appointment is more than 5 minutes early.
  assert.equal(await page.getByTestId('arrival').textContent(), '早到');
  await page.getByRole('button', { name: '开始施工' }).click();
  await status(page).getByText('施工中').waitFor();

  await page.getByLabel('材料名称').fill('五孔插座面板');
  await page.getByLabel('数量').fill('2');
  await page.getByLabel('单价（元）').fill('12.5');
  await page.getByRole('button', { name: /添加材料/ }).click();
  await page.getByRole('cell', { name: '五孔插座面板', exact: true }).waitFor();
  let saved = await desk.collection('work_orders').getOne(order.id);
  assert.deepEqual(saved.materials, [{ name: '五孔插座面板', qty: 2, price_fen: 1250 }], 'yuan entered, integer fen stored');
  await still(page);
  await shot(page, 'staff-field-order');

  await page.getByRole('button', { name: '完工', exact: true }).click();
  const done = page.getByRole('dialog');
  await done.getByText('确认完工？').waitFor();
  await done.getByRole('button', { name: '完工' }).click();
  await status(page).getByText('已完工').waitFor();

  await page.getByLabel('确认完工', { exact: true }).check();
  await page.getByLabel('满意', { exact: true }).check();
  const submit = page.getByRole('button', { name: '提交签收' });
  assert.equal(await submit.isDisabled(), true, 'no sign-off without a signature');
  const pad = page.getByTestId('signature-pad');
  // Nobody signs blind: the total stands above the pad.
  const summary = page.getByTestId('sign-summary');
  await summary.getByText('合计').waitFor();
  assert.ok((await summary.boundingBox()).y < (await pad.boundingBox()).y, 'the materials and total are above the signature pad');
  await pad.scrollIntoViewIfNeeded();
  const box = await pad.boundingBox();
  await page.mouse.move(box.x + 30, box.y + 120);
  await page.mouse.down();
  for (let i = 1; i <= 24; i++) await page.mouse.move(box.x + 30 + i * 11, box.y + 120 - Math.sin(i / 3) * 50);
  await page.mouse.up();
  await still(page);
  await shot(page, 'staff-field-signature');
  await submit.click();
  const sign = page.getByRole('dialog');
  await sign.getByText('提交住户签收？').waitFor();
  await sign.getByRole('button', { name: '提交签收' }).click();
  await status(page).getByText('已签收').waitFor();

  saved = await desk.collection('work_orders').getOne(order.id);
  assert.equal(saved.status, 'signed_off');
  assert.equal(saved.signoff, 'confirmed');
  assert.equal(saved.satisfaction, 'satisfied');
  assert.equal(saved.materials_fen, 2500);
  assert.equal(saved.payment, 'none', 'routine work costs the resident nothing');
  assert.match(saved.signature, /\.png$/);
  const token = await desk.files.getToken();
  const png = await fetch(desk.files.getURL(saved, saved.signature, { token }));
  assert.equal(png.headers.get('content-type'), 'image/png');
  assert.ok((await png.arrayBuffer()).byteLength > 1000, 'the signature carries the drawn stroke');
  assert.deepEqual(page.scriptErrors, []);
  await page.context().close();
});

test('paid work: the quote in yuan is stored in fen, the resident agrees, payment is chosen at completion', async () => {
  const order = await newOrder({ service_item: itemSN03, description: '阳台水管渗水，需要现场估价' });
  await dispatchTo(order.id, techId);
  const page = await openField();
  await item(page, order.id).getByRole('link').click();
  await status(page).waitFor(); // the list has its own 接单 buttons
  await page.getByRole('button', { name: '接单', exact: true }).click();
  await status(page).getByText('已接单').waitFor();
  await page.getByRole('button', { name: '到场签到' }).click();
  await status(page).getByText('已到场').waitFor();
  assert.equal(await page.getByRole('button', { name: '开始施工' }).count(), 0, 'no start before the price is agreed');

  await page.getByLabel(/报价金额/).fill('150.5');
  // A quote says what it covers ([004] 三 7.5): without the note it is not sent.
  await page.getByRole('button', { name: '提交报价' }).click();
  await page.getByText('必填').first().waitFor();
  assert.equal((await desk.collection('work_orders').getOne(order.id)).status, 'on_site', 'a quote without its note is not sent');
  await page.getByLabel(/报价说明/).fill('更换阳台水管接头，含人工');
  await page.getByRole('button', { name: '提交报价' }).click();
  await status(page).getByText('待确认报价').waitFor();
  await page.getByText('已报价 ¥150.50').waitFor();
  assert.equal((await desk.collection('work_orders').getOne(order.id)).quote_fen, 15050);

  // The resident agrees at the desk; the open page follows live.
  await desk.collection('work_orders').update(order.id, { status: 'in_progress' });
  await status(page).getByText('施工中').waitFor({ timeout: 5000 });
  await page.getByLabel('材料名称').fill('PPR 接头');
  await page.getByLabel('数量').fill('2');
  await page.getByLabel('单价（元）').fill('8.50');
  await page.getByRole('button', { name: /添加材料/ }).click();
  await page.getByText('¥167.50').waitFor(); // 150.50 + 2 × 8.50
  const complete = page.getByRole('button', { name: '完工', exact: true });
  assert.equal(await complete.isDisabled(), true, 'the payment must be chosen first');
  await page.getByLabel('现场已付').check();
  assert.equal(await complete.isDisabled(), true, 'paid on site: how it was paid must be chosen too');
  await page.getByLabel('现金').check();
  await complete.click();
  await page.getByRole('dialog').getByRole('button', { name: '完工' }).click();
  await status(page).getByText('已完工').waitFor();
  const saved = await desk.collection('work_orders').getOne(order.id);
  assert.equal(saved.amount_fen, 16750);
  assert.equal(saved.payment, 'paid_on_site');
  assert.equal(saved.pay_method, 'cash');
  // 办理即收费: the money is a payment with its receipt, under the technician.
  const bill = await desk.collection('bills').getFirstListItem(`work_order = "${order.id}"`);
  assert.equal(bill.status, 'paid');
  assert.deepEqual(page.scriptErrors, []);
  await page.context().close();
});

test('offline: accepting waits in the outbox and is sent on reconnect; a refused one is shown and dropped', async () => {
  const first = await newOrder({ category: 'plumbing', description: '厨房水管滴水（离线接单）' });
  const second = await newOrder({ description: '门铃不响（离线接单后被取消）' });
  await dispatchTo(first.id, techId);
  await dispatchTo(second.id, techId);
  const page = await openField();
  await item(page, first.id).waitFor();
  await item(page, second.id).waitFor();

  await page.context().setOffline(true);
  await page.locator('[data-live="offline"]').waitFor();
  await item(page, first.id).getByRole('button', { name: '接单' }).click();
  await page.getByTestId('outbox').getByText('待发送 1 项').waitFor();
  await item(page, first.id).getByText('待发送').waitFor();
  await item(page, second.id).getByRole('button', { name: '接单' }).click();
  await page.getByTestId('outbox').getByText('待发送 2 项').waitFor();
  assert.equal((await desk.collection('work_orders').getOne(first.id)).status, 'dispatched', 'nothing reached the server');
  const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('wuye.field.outbox')));
  assert.deepEqual(stored.map((i) => [i.id, i.expect, i.patch.status]), [[first.id, 'dispatched', 'accepted'], [second.id, 'dispatched', 'accepted']]);
  await shot(page, 'staff-field-offline', { fullPage: false });

  // Meanwhile the office cancels the second order.
  await desk.collection('work_orders').update(second.id, { status: 'cancelled', cancel_reason: '住户已自行修好' });

  await page.context().setOffline(false);
  await page.getByTestId('outbox').waitFor({ state: 'detached', timeout: 15000 });
  const refused = page.getByTestId('refused');
  await refused.getByText(/派工单已是“已取消”状态，不能再修改/).waitFor();
  assert.equal((await desk.collection('work_orders').getOne(first.id)).status, 'accepted');
  assert.equal((await desk.collection('work_orders').getOne(second.id)).status, 'cancelled');
  // Re-fetched after the reconnect: the cancelled order has left the queue.
  await item(page, second.id).waitFor({ state: 'detached' });
  await item(page, first.id).getByText('已接单').waitFor();
  assert.equal(await page.evaluate(() => JSON.parse(localStorage.getItem('wuye.field.outbox')).length), 0);
  await refused.getByRole('button', { name: '知道了' }).click();
  await refused.waitFor({ state: 'detached' });
  // Chromium logs the realtime reconnect attempts made while offline as
  // failed resource loads, which newPage already ignores; nothing else.
  assert.deepEqual(page.scriptErrors, []);
  await page.context().close();
});

test('a change missed while the realtime connection was down is fetched on reconnect', async () => {
  const page = await newPage(browser, PHONE);
  // Keep the page's EventSources at hand to cut the connection as a flaky network would.
  await page.addInitScript(() => {
    const ES = window.EventSource;
    window.__sources = [];
    window.EventSource = class extends ES { constructor(...args) { super(...args); window.__sources.push(this); } };
  });
  await signIn(page, server.url, 'tech1@example.com', '/staff/');
  await page.locator('[data-live="live"]').waitFor();
  await page.route('**/api/realtime**', (route) => route.abort()); // the reconnect fails for now
  await page.evaluate(() => window.__sources.forEach((es) => { es.close(); es.onerror?.(new Event('error')); }));

  const order = await newOrder({ description: '配电箱跳闸（断线期间派工）' });
  await dispatchTo(order.id, techId);
  await page.waitForTimeout(1500);
  assert.equal(await item(page, order.id).count(), 0, 'the realtime message was lost with the connection');

  await page.unroute('**/api/realtime**');
  await item(page, order.id).waitFor({ timeout: 6000 }); // re-fetched once the connection is back

  // The same for one order open on the screen, once its own subscription (work_orders/<id>) is in place.
  const subscribed = page.waitForResponse((r) => r.url().endsWith('/api/realtime') && r.request().method() === 'POST'
    && (r.request().postData() || '').includes(`work_orders/${order.id}`));
  await item(page, order.id).getByRole('link').click();
  await page.getByRole('link', { name: /拨打 13800000001/ }).waitFor();
  await subscribed;
  await page.route('**/api/realtime**', (route) => route.abort());
  await page.evaluate(() => window.__sources.forEach((es) => { if (es.readyState !== 2) { es.close(); es.onerror?.(new Event('error')); } }));
  await desk.collection('work_orders').update(order.id, { contact_phone: '13800000009' });
  await page.waitForTimeout(1500);
  assert.equal(await page.getByRole('link', { name: /拨打 13800000009/ }).count(), 0, 'missed while disconnected');
  await page.unroute('**/api/realtime**');
  await page.getByRole('link', { name: /拨打 13800000009/ }).waitFor({ timeout: 6000 });
  assert.deepEqual(page.scriptErrors, []);
  await page.context().close();
});

test('the pool: an order of my trade is claimed from the page; a lost race is told', async () => {
  const page = await openField();
  const pool = page.locator('section[aria-labelledby="field-pool-h"]');

  const order = await newOrder({ category: 'plumbing', description: '卫生间地漏反味（抢单）' });
  await desk.collection('work_orders').update(order.id, { status: 'dispatched', dispatch_mode: 'pool' });
  await pool.locator(`li[data-id="${order.id}"]`).waitFor({ timeout: 3000 });
  await pool.locator(`li[data-id="${order.id}"]`).getByRole('button', { name: '抢单' }).click();
  await page.waitForURL(new RegExp(`#/field/${order.id}$`));
  await status(page).getByText('已接单').waitFor();
  const saved = await desk.collection('work_orders').getOne(order.id);
  assert.equal(saved.status, 'accepted');
  assert.equal(saved.technician, techId);

  // Another technician gets there first: tech2 claims while tech1's tap is on its way.
  await page.goto(server.url + '/staff/#/field');
  await page.locator('[data-live="live"]').waitFor();
  const raced = await newOrder({ category: 'plumbing', description: '洗手盆下水慢（两人同时抢单）' });
  await desk.collection('work_orders').update(raced.id, { status: 'dispatched', dispatch_mode: 'pool' });
  const row = pool.locator(`li[data-id="${raced.id}"]`);
  await row.waitFor({ timeout: 3000 });
  await page.route(`**/api/collections/work_orders/records/${raced.id}*`, async (route) => {
    if (route.request().method() === 'PATCH') await tech2.collection('work_orders').update(raced.id, { status: 'accepted' });
    await route.continue();
  });
  await row.getByRole('button', { name: '抢单' }).click();
  await page.getByText(/抢单未成功：/).waitFor();
  assert.match(page.url(), /#\/field$/, 'stays on the list');
  assert.equal((await desk.collection('work_orders').getOne(raced.id)).technician, tech2.authStore.record.id);
  await row.waitFor({ state: 'detached', timeout: 5000 }); // gone from the pool once tech2 has it
  assert.deepEqual(page.scriptErrors, []);
  await page.context().close();
});

// Issue #19 item 9: how far away an appointment is reads as a duration; one
// just passed is "已过预约时间 N 分钟", never "0 分钟后".
test('appointments count down as durations on the phone', async () => {
  const soon = await newOrder({ description: '门铃不响（预约将到）' });
  await dispatchTo(soon.id, techId, { appointment_at: pbDate(now().getTime() + 20 * 60_000) });
  const passed = await newOrder({ description: '走廊灯不亮（预约已过）' });
  await dispatchTo(passed.id, techId, { appointment_at: pbDate(now().getTime() - 20_000) });
  const page = await openField();
  await item(page, soon.id).waitFor();
  assert.match(await item(page, soon.id).locator('.until').innerText(), /^1[89] 分钟后$/);
  const text = await item(page, passed.id).locator('.until').innerText();
  assert.equal(text.trim(), '已过预约时间 1 分钟');
  assert.doesNotMatch(text, /0 分钟后/);
  await item(page, passed.id).getByRole('link').first().click();
  await page.locator('.field-order .until').getByText(/已过预约时间 \d+ 分钟/).waitFor();
  assert.deepEqual(page.scriptErrors, []);
  await page.context().close();
});
