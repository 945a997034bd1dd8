// Portal: repair and paid-service orders. A resident picks an item priced on
// site from the price list, adds a photo and a slot; the desk and the
// technician move the order through the API while the resident's page
// follows it live; the resident confirms the quote, signs off and rates.
// A second order's quote is declined with a reason and ends cancelled.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import { startServer, launch, newPage, signIn, api, shot, PHONE, DESKTOP, now } from './harness.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.stop(); });

const LIVE = 5000; // a pushed change must show within this many ms

/** png makes a small valid RGB PNG (a photo of the "leak"). */
function png(w = 24, h = 16) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => { let c = 0xffffffff; for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0; };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const sum = Buffer.alloc(4); sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0); ihdr.writeUInt32BE(h, 4); ihdr[8] = 8; ihdr[9] = 2;
  const rows = [];
  for (let y = 0; y < h; y++) {
    rows.push(0);
    for (let x = 0; x < w; x++) rows.push(30 + x * 8, 90 + y * 8, 200);
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.from(rows))), chunk('IEND', Buffer.alloc(0))]);
}

const statusIs = (page, text) => page.getByTestId('repair-status').filter({ hasText: text }).waitFor({ timeout: LIVE });
const dialogButton = (page, name) => page.locator('dialog.confirm').getByRole('button', { name, exact: true });
/** realtimeReady resolves once the page has (re)sent its subscriptions including topic. */
const realtimeReady = (page, topic) => page.waitForResponse((r) => r.url().endsWith('/api/realtime') && r.request().method() === 'POST'
  && topic.test(r.request().postData() || ''), { timeout: 10_000 });

test('a paid repair priced on site: request, live quote, confirm, sign off and rate', async () => {
  const page = await newPage(browser, PHONE);
  await signIn(page, server.url, 'owner1@example.com');
  await page.getByRole('heading', { name: /李明，您好/ }).waitFor();
  await page.getByRole('link', { name: /我要报修/ }).click();

  // The price list: listed prices, on-site estimates, prepaid cleaning.
  await page.getByRole('radio', { name: /水管漏水维修/ }).waitFor();
  assert.match(await page.locator('label.pick', { hasText: '日光灯维修' }).innerText(), /¥20\.00 \/ 次/);
  assert.match(await page.locator('label.pick', { hasText: '水管漏水维修' }).innerText(), /上门报价/);
  assert.match(await page.locator('label.pick', { hasText: '室内保洁' }).innerText(), /需预付/);
  assert.equal(await page.locator('label.pick', { hasText: '上门理发' }).count(), 0, 'a discontinued item is not offered');

  // Nothing chosen: the form says what is missing and sends nothing.
  const form = page.locator('form.card');
  await form.getByRole('button', { name: '提交', exact: true }).click();
  await page.getByText('请选择服务项目').waitFor();
  await page.getByText('请描述需要处理的问题').waitFor();
  await page.getByText('请选择预约日期和时段').waitFor();

  await page.getByRole('radio', { name: /水管漏水维修/ }).check();
  assert.match(await page.getByTestId('price-note').innerText(), /上门查看后报价/);
  await page.getByLabel(/问题描述/).fill('卫生间洗手盆下方水管接头渗水，地面有积水');
  await page.locator('input[type=file]').setInputFiles({ name: 'leak.png', mimeType: 'image/png', buffer: png() });
  await page.locator('figure.thumb img').waitFor();
  await page.getByRole('radiogroup', { name: /日期/ }).getByRole('radio').first().check();
  const slot = page.getByRole('radiogroup', { name: /时段/ }).getByRole('radio').first();
  await slot.check();
  const slotStart = await slot.getAttribute('value');
  assert.ok(Date.parse(slotStart) > now().getTime(), 'the slot is in the future');
  await shot(page, 'portal-repair-new');

  await form.getByRole('button', { name: '提交', exact: true }).click();
  await page.locator('dialog.confirm').getByText(/上门后报价/).waitFor();
  const subscribed = realtimeReady(page, /work_orders\/[a-z0-9]{15}\b/);
  await dialogButton(page, '提交').click();
  await page.waitForURL(/#\/repairs\/[a-z0-9]{15}$/);
  const id = page.url().split('/').pop();
  await statusIs(page, '待派工');
  await subscribed;
  await page.evaluate(() => { window.__sameDocument = true; });

  const owner = await api(server.url, 'owner1@example.com');
  let o = await owner.collection('work_orders').getOne(id, { expand: 'service_item' });
  assert.equal(o.expand.service_item.code, 'SN03');
  assert.equal(o.kind, 'paid');
  assert.equal(o.category, 'plumbing');
  assert.equal(o.status, 'new');
  assert.equal(o.quote_fen, 0, 'no price is agreed for an item priced on site');
  assert.equal(o.photos.length, 1);
  assert.equal(new Date(o.appointment_at.replace(' ', 'T')).toISOString(), slotStart);
  assert.match(await page.getByTestId('repair-appointment').innerText(), /\d{2}:00–\d{2}:00/);

  // The desk dispatches to tech1; tech1 accepts, arrives and quotes. The page follows live.
  const desk = await api(server.url, 'frontdesk@example.com');
  const tech = await api(server.url, 'tech1@example.com');
  await desk.collection('work_orders').update(id, { status: 'dispatched', dispatch_mode: 'assign', technician: tech.authStore.record.id });
  await statusIs(page, '已派工');
  await tech.collection('work_orders').update(id, { status: 'accepted' });
  await statusIs(page, '已接单');
  await page.getByTestId('repair-say').filter({ hasText: '正在赶来' }).waitFor({ timeout: LIVE });
  // Who is coming: the technician's name (and nothing else of the staff record).
  await page.getByTestId('technician-name').filter({ hasText: tech.authStore.record.name }).waitFor({ timeout: LIVE });
  await tech.collection('work_orders').update(id, { status: 'on_site' });
  await statusIs(page, '已到场');
  await tech.collection('work_orders').update(id, { status: 'quoted', quote_fen: 15000, quote_note: '更换卫生间下水管一段和接头，含人工' });
  await page.getByTestId('repair-quote').filter({ hasText: '¥150.00' }).waitFor({ timeout: LIVE });
  assert.equal(await page.evaluate(() => window.__sameDocument), true, 'the quote arrived without a reload');
  await page.locator('.toast').waitFor({ state: 'detached' });
  await shot(page, 'portal-repair-quote');

  // Confirm the quote.
  await page.getByRole('button', { name: '确认报价，开始施工' }).click();
  await dialogButton(page, '确认报价，开始施工').click();
  await statusIs(page, '施工中');
  o = await owner.collection('work_orders').getOne(id);
  assert.equal(o.status, 'in_progress');
  assert.ok(o.quote_confirmed_at, 'the resident\'s consent is recorded');

  // The technician completes with materials; the amount shows live.
  await tech.collection('work_orders').update(id, { status: 'completed', materials: [{ name: '生料带', qty: 2, price_fen: 300 }], payment: 'unpaid' });
  await statusIs(page, '已完工');
  await page.getByTestId('repair-amount').filter({ hasText: '¥156.00' }).waitFor({ timeout: LIVE });

  // Sign off and rate.
  const sign = page.locator('form', { has: page.getByRole('heading', { name: '验收与评价' }) });
  await sign.getByRole('radio', { name: '确认完工' }).check();
  await sign.getByRole('radio', { name: '满意', exact: true }).check();
  await sign.getByRole('button', { name: '提交验收' }).click();
  await dialogButton(page, '提交验收').click();
  await statusIs(page, '已签收');
  o = await owner.collection('work_orders').getOne(id);
  assert.equal(o.status, 'signed_off');
  assert.equal(o.signoff, 'confirmed');
  assert.equal(o.satisfaction, 'satisfied');
  assert.ok(o.signed_off_at);
  assert.equal(await page.getByRole('heading', { name: '验收与评价' }).count(), 0, 'no second sign-off');
  assert.equal(await page.evaluate(() => window.__sameDocument), true);
  assert.deepEqual(page.scriptErrors, []);

  // The same order on a desktop, and in the list.
  const wide = await newPage(browser, DESKTOP);
  await signIn(wide, server.url, 'owner1@example.com');
  await wide.getByRole('heading', { name: /李明，您好/ }).waitFor();
  await wide.goto(`${server.url}/#/repairs`);
  await wide.getByRole('link', { name: new RegExp(o.serial) }).click();
  await statusIs(wide, '已签收');
  await wide.getByText('¥156.00').first().waitFor();
  await shot(wide, 'portal-repair-detail-desktop');
  assert.deepEqual(wide.scriptErrors, []);
  await wide.context().close();
  await page.context().close();
});

test('a declined quote ends the order cancelled, with the reason', async () => {
  const owner = await api(server.url, 'owner1@example.com');
  const desk = await api(server.url, 'frontdesk@example.com');
  const tech = await api(server.url, 'tech1@example.com');
  const link = await owner.collection('unit_residents').getFirstListItem(
    owner.filter('resident = {:me} && active = true', { me: owner.authStore.record.id }), { sort: 'created' });
  const item = await owner.collection('service_items').getFirstListItem('code = "SN03"');

  // Straight to the list (home, which also watches work orders, never mounts).
  const page = await newPage(browser, PHONE);
  const subscribed = realtimeReady(page, /resident\/[a-z0-9]{15}\b/); // the resident's own topic
  await signIn(page, server.url, 'owner1@example.com', '/#/repairs');
  await page.getByRole('heading', { name: '报修与有偿服务' }).waitFor();
  await page.locator('.list .item').first().waitFor();
  await subscribed;

  // A request filed elsewhere appears in the open list live.
  const o = await owner.collection('work_orders').create({ unit: link.unit, service_item: item.id, description: '阳台地漏旁墙角渗水' });
  const row = page.locator('.list .item', { hasText: o.serial });
  await row.waitFor({ timeout: LIVE });
  await desk.collection('work_orders').update(o.id, { status: 'dispatched', dispatch_mode: 'assign', technician: tech.authStore.record.id });
  await tech.collection('work_orders').update(o.id, { status: 'accepted' });
  await tech.collection('work_orders').update(o.id, { status: 'on_site' });
  await tech.collection('work_orders').update(o.id, { status: 'quoted', quote_fen: 48000, quote_note: '更换热水器，含安装' });
  await row.filter({ hasText: '待您处理' }).waitFor({ timeout: LIVE });

  await row.click();
  await page.getByTestId('repair-quote').filter({ hasText: '¥480.00' }).waitFor();
  await page.getByRole('button', { name: '不接受报价' }).click();
  const decline = page.locator('.quote form');
  await decline.getByRole('button', { name: '不接受报价' }).click();
  await page.getByText('请填写原因').waitFor();
  const reason = '价格太高，我自己找人修';
  await decline.getByLabel(/原因/).fill(reason);

  // Backing out of the confirmation changes nothing.
  await decline.getByRole('button', { name: '不接受报价' }).click();
  await dialogButton(page, '取消').click();
  assert.equal((await owner.collection('work_orders').getOne(o.id)).status, 'quoted');

  await decline.getByRole('button', { name: '不接受报价' }).click();
  await dialogButton(page, '不接受报价').click();
  await statusIs(page, '已取消');
  await page.getByTestId('repair-say').filter({ hasText: reason }).waitFor();
  assert.equal(await page.getByRole('button', { name: /确认报价/ }).count(), 0, 'no actions on a cancelled order');
  const done = await owner.collection('work_orders').getOne(o.id);
  assert.equal(done.status, 'cancelled');
  assert.equal(done.cancel_reason, reason);
  assert.ok(done.cancelled_at);
  assert.deepEqual(page.scriptErrors, []);
  await page.context().close();
});
