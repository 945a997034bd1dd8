// The front desk: a call is found by unit or phone with the caller's arrears
// and open business in view, a work order and complaints are registered in
// the intake screen, the work order is dispatched from the live board (where
// a resident's portal request appears without a reload), a replied complaint
// is revisited and closed, and a key goes out to an outsider and comes back.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, newPage, signIn, api, shot, PHONE, DESKTOP } from './harness.mjs';

let server, browser, desk, clerk, owner2, unit102;
before(async () => {
  server = await startServer();
  browser = await launch();
  desk = await api(server.url, 'frontdesk@example.com');
  clerk = desk.authStore.record;
  owner2 = await desk.collection('residents').getFirstListItem('phone = "13800000004"');
  unit102 = await desk.collection('units').getFirstListItem('building.code = "1" && number = "102"');
});
after(async () => { await browser?.close(); await server?.stop(); });

// The same sum the intake screen shows: what the unit's open bills still ask for.
async function arrearsOf(unitId) {
  const bills = await desk.collection('bills').getFullList({ filter: `unit = "${unitId}" && (status = "issued" || status = "partially_paid")` });
  const fen = bills.reduce((s, b) => s + Math.max((b.amount_fen || 0) - (b.discount_fen || 0) + (b.late_fee_fen || 0) - (b.paid_fen || 0), 0), 0);
  return `¥${Math.floor(fen / 100).toLocaleString('en-US')}.${String(fen % 100).padStart(2, '0')}`;
}

/** inputValue waits (briefly) for an input to hold want, and returns what it holds. */
async function inputValue(locator, want) {
  for (let i = 0; i < 30; i++) {
    const v = await locator.inputValue();
    if (v === want) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  return locator.inputValue();
}

async function find(page, text) {
  const box = page.getByRole('searchbox');
  await box.fill(text);
  await box.press('Enter');
  await page.getByTestId('unit-card').getByRole('heading', { name: /1栋 102/ }).waitFor();
}

test('a call: find the unit, register a work order, dispatch it from the live board', async () => {
  const page = await newPage(browser, DESKTOP);
  await signIn(page, server.url, 'frontdesk@example.com', '/staff/');
  await page.waitForURL(/#\/desk$/);
  await page.getByRole('heading', { name: '前台受理' }).waitFor();

  // By the caller's phone number, then by the unit number: the same unit,
  // its owner and what it owes.
  await find(page, '13800000004');
  const card = page.getByTestId('unit-card');
  await card.getByText('王芳').waitFor();
  await find(page, '1-102');
  await card.getByText('王芳').waitFor();
  await card.getByText('13800000004').waitFor();
  const owed = await arrearsOf(unit102.id);
  assert.notEqual(owed, '¥0.00', 'the demo unit 1-102 has bills due');
  assert.equal((await card.getByTestId('arrears').innerText()).trim(), owed);
  assert.ok(await card.getByText('单元门禁损坏').isVisible(), 'open complaints are listed');
  assert.ok(await card.getByText('厨房水龙头关不紧').isVisible(), 'open work orders are listed');

  // The work order: the contact is the owner already; category and text,
  // then Ctrl+Enter from the description.
  const form = page.getByRole('form', { name: '报修 / 服务' });
  assert.equal(await inputValue(form.getByLabel(/^联系人/), '王芳'), '王芳');
  assert.equal(await inputValue(form.getByLabel(/^联系电话/), '13800000004'), '13800000004');
  await form.getByLabel(/^类别/).selectOption('plumbing');
  const description = form.getByLabel(/^报修内容/);
  await description.fill('厨房水槽下水管接口漏水（来电）');
  await shot(page, 'staff-desk');
  await description.press('Control+Enter');
  const filed = page.getByText(/刚登记：PG-\d{8}-\d{4}/);
  await filed.waitFor();
  const serial = (await filed.innerText()).match(/PG-\d{8}-\d{4}/)[0];
  const order = await desk.collection('work_orders').getFirstListItem(`serial = "${serial}"`);
  assert.equal(order.status, 'new');
  assert.equal(order.category, 'plumbing');
  assert.equal(order.unit, unit102.id);
  assert.equal(order.receiver, clerk.id);
  assert.equal(order.requester, owner2.id);
  assert.equal(order.contact_name, '王芳');
  // The unit card now lists it among the open orders.
  await card.getByText('厨房水槽下水管接口漏水').waitFor();

  // The board: the new order waits under "new" with its reply clock.
  // The board's own subscription (community/<id>/work_orders), not the desk screen's unsubscribe on the way out.
  const subscribed = page.waitForResponse((r) => r.url().endsWith('/api/realtime') && r.request().method() === 'POST'
    && (r.request().postData() || '').includes('/work_orders'));
  // The cards come from the board's own route (hooks/dispatch_board.go), not the records list.
  const boardRoute = (ids) => (r) => r.url().includes('/api/wuye/work-orders/board?') && r.url().includes('ids=') === ids;
  const board = page.waitForResponse(boardRoute(false));
  await page.getByRole('link', { name: '去派工看板' }).click();
  assert.equal((await board).status(), 200);
  const newCol = page.getByTestId('col-new');
  const ours = newCol.getByRole('article', { name: serial });
  await ours.waitFor();
  await ours.locator('.wo-place').getByText('1栋 102').waitFor();
  await ours.getByRole('timer').getByText(/内回复/).waitFor();
  // A duration, not a clock reading ("14 分钟内回复", "2 小时 37 分钟内回复"
  // out of hours; never "14:27 内回复").
  const clock = await ours.getByRole('timer').innerText();
  assert.match(clock, /^\d+ (天|小时|分钟)[\d 天小时分钟]*内回复/);
  assert.doesNotMatch(clock, /\d:\d\d/);
  await subscribed;

  // A resident's portal request arrives without a reload.
  const navigations = [];
  page.on('framenavigated', (f) => navigations.push(f.url()));
  const owner1 = await api(server.url, 'owner1@example.com');
  const link = await owner1.collection('unit_residents').getFirstListItem('');
  const rereads = [];
  page.on('response', (r) => { if (boardRoute(true)(r)) rereads.push(r.url()); });
  const portal = await owner1.collection('work_orders').create({ unit: link.unit, category: 'electrical', description: '卫生间浴霸不亮（门户）' });
  const portalCard = newCol.getByRole('article', { name: portal.serial });
  await portalCard.waitFor({ timeout: 3000 });
  assert.ok(rereads.some((u) => u.includes(portal.id)), `a re-read by the route names the changed order: ${rereads}`);
  // The place and the portal chip, from the route's card.
  const unit = await desk.collection('units').getOne(link.unit, { expand: 'building' });
  await portalCard.locator('.wo-place').getByText(`${unit.expand.building.name} ${unit.number}`).waitFor();
  await portalCard.locator('.wo-place .chip').getByText('门户', { exact: true }).waitFor();
  assert.deepEqual(navigations, [], 'the portal request arrived without reloading the page');

  // Dispatch ours to tech1, a plumber of this community.
  const tech1 = await desk.collection('staff').getFirstListItem('phone = "13900000006"'); // tech1@example.com (e-mails of others are hidden)
  assert.ok(tech1.skills.includes('plumbing'));
  await ours.getByRole('combobox', { name: '派给师傅' }).selectOption(tech1.id);
  await ours.getByRole('button', { name: '派工', exact: true }).click();
  const dispatched = page.getByTestId('col-dispatched').getByRole('article', { name: serial });
  await dispatched.waitFor();
  await dispatched.getByText(`师傅：${tech1.name}`).waitFor();
  const after = await desk.collection('work_orders').getOne(order.id);
  assert.equal(after.status, 'dispatched');
  assert.equal(after.dispatch_mode, 'assign');
  assert.equal(after.technician, tech1.id);
  assert.ok(after.replied_at, 'dispatching is the reply to the resident');
  assert.equal(await newCol.getByRole('article', { name: serial }).count(), 0);
  // The picture: from the top, once the toasts have gone.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForFunction(() => document.querySelectorAll('.toast').length === 0, null, { timeout: 6000 });
  await shot(page, 'staff-dispatch');
  assert.deepEqual(page.scriptErrors, []);
  await page.context().close();
});

test('complaints by phone: about a unit, and about a common area with its location', async () => {
  const page = await newPage(browser, DESKTOP);
  await signIn(page, server.url, 'frontdesk@example.com', '/staff/');
  await find(page, '1-102');
  await page.getByRole('button', { name: '投诉', exact: true }).click();
  const form = page.getByRole('form', { name: '投诉' });
  assert.ok(await form.getByRole('radio', { name: '来电' }).isChecked(), 'a phone call is the default channel');
  await form.getByLabel(/^类别/).selectOption('cleaning');
  await form.getByLabel(/^投诉内容/).fill('楼上住户从阳台往下扔垃圾，多次劝阻无效。');
  await form.getByRole('button', { name: '登记投诉' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('button', { name: '登记投诉' }).click();
  const filed = page.getByText(/刚登记：TS-\d{8}-\d{4}/);
  await filed.waitFor();
  const serial = (await filed.innerText()).match(/TS-\d{8}-\d{4}/)[0];
  const c = await desk.collection('complaints').getFirstListItem(`serial = "${serial}"`);
  assert.equal(c.channel, 'phone');
  assert.equal(c.receiver, clerk.id);
  assert.equal(c.unit, unit102.id);
  assert.equal(c.resident, owner2.id);
  assert.equal(c.category, 'cleaning');
  assert.equal(c.status, 'received');

  // A common area: no unit, a location instead; without one the server's
  // message appears under the field and nothing is filed.
  await page.getByRole('checkbox', { name: '公共区域（不关联房屋）' }).check();
  await form.getByLabel(/^类别/).selectOption('security');
  await form.getByLabel(/^投诉内容/).fill('地下车库 B 区照明坏了一半，晚上很暗。');
  await form.getByRole('button', { name: '登记投诉' }).click();
  await page.getByRole('dialog').getByRole('button', { name: '登记投诉' }).click();
  await form.locator('.field.invalid', { hasText: '地点' }).locator('.field-error').waitFor();
  await form.getByLabel(/^地点/).fill('地下车库 B 区');
  await form.getByRole('button', { name: '登记投诉' }).click();
  await page.getByRole('dialog').getByRole('button', { name: '登记投诉' }).click();
  await page.getByText(new RegExp(`刚登记：TS-(?!${serial.slice(3)})\\d{8}-\\d{4}`)).waitFor();
  const common = await desk.collection('complaints').getFirstListItem('location = "地下车库 B 区"');
  assert.equal(common.unit, '');
  assert.equal(common.channel, 'phone');
  assert.equal(common.receiver, clerk.id);
  assert.deepEqual(page.scriptErrors, []);
  await page.context().close();
});

test('the revisit queue: a replied complaint revisited as satisfied, then closed', async () => {
  const replied = await desk.collection('complaints').getFirstListItem('status = "replied"', { sort: 'replied_at' });
  const page = await newPage(browser, DESKTOP);
  await signIn(page, server.url, 'frontdesk@example.com', '/staff/');
  await page.getByRole('link', { name: '回访' }).click();
  const queue = page.getByRole('region', { name: /^待回访/ });
  const item = queue.getByRole('article', { name: replied.serial });
  await item.waitFor();
  await item.getByRole('radio', { name: '满意', exact: true }).check();
  await item.getByLabel(/回访记录/).fill('电话回访，业主表示门禁已正常');
  await item.getByRole('button', { name: '记录回访' }).click();
  const done = page.getByRole('region', { name: /^已回访，待关闭/ }).getByRole('article', { name: replied.serial });
  await done.waitFor();
  let c = await desk.collection('complaints').getOne(replied.id);
  assert.equal(c.status, 'revisited');
  assert.equal(c.satisfaction, 'satisfied');
  assert.equal(c.revisit_note, '电话回访，业主表示门禁已正常');

  await done.getByRole('button', { name: '关闭' }).click();
  await page.getByRole('dialog').getByRole('button', { name: '关闭' }).click();
  await done.waitFor({ state: 'detached' });
  c = await desk.collection('complaints').getOne(replied.id);
  assert.equal(c.status, 'closed');
  assert.deepEqual(page.scriptErrors, []);
  await page.context().close();
});

test('the revisit queue reads 50 at a time: "more" brings the rest, oldest first', async () => {
  // Enough replied complaints that the queue's first page cannot hold them
  // all (a page is 50 of each kind): filed by a resident, assigned, worked on
  // and answered through the API.
  const owner1 = await api(server.url, 'owner1@example.com');
  const supervisor = await api(server.url, 'supervisor@example.com');
  const manager = await api(server.url, 'areamgr@example.com');
  const unit101 = await desk.collection('units').getFirstListItem('building.code = "1" && number = "101"');
  const categories = ['cleaning', 'security', 'greening', 'other'];
  const made = [];
  for (let i = 0; i < 53; i += 8) {
    await Promise.all(Array.from({ length: Math.min(8, 53 - i) }, async (_, k) => {
      const n = i + k;
      const c = await owner1.collection('complaints').create({
        unit: unit101.id, category: categories[n % categories.length], content: `回访分页测试 ${n}：楼道灯不亮`, contact_name: '张业主', contact_phone: '13800000001',
      });
      await supervisor.collection('complaints').update(c.id, { status: 'assigned', handler: manager.authStore.record.id });
      await manager.collection('complaints').update(c.id, { status: 'processing' });
      made.push(await manager.collection('complaints').update(c.id, { status: 'replied', result: `已修好 ${n}` }));
    }));
  }
  const waiting = await desk.collection('complaints').getFullList({ filter: 'status = "replied"', sort: 'replied_at,id', fields: 'id,serial' });
  const orders = await desk.collection('work_orders').getFullList({ filter: 'status = "signed_off"', fields: 'id' });
  assert.ok(waiting.length > 50 && waiting.length <= 100, `${waiting.length} replied complaints`);
  const total = waiting.length + orders.length;

  const page = await newPage(browser, DESKTOP);
  await signIn(page, server.url, 'frontdesk@example.com', '/staff/');
  await page.getByRole('link', { name: '回访' }).click();
  const queue = page.getByRole('region', { name: /^待回访/ });
  await queue.getByRole('heading', { name: new RegExp(`待回访\\s*${total}$`) }).waitFor();
  // The first page: the 50 complaints replied longest ago, not the newest.
  const articles = queue.getByRole('article');
  await queue.getByRole('article', { name: waiting[0].serial }).waitFor();
  const shown = await articles.count();
  assert.ok(shown < total, `${shown} of ${total} shown before "more"`);
  assert.equal(await queue.getByRole('article', { name: waiting[waiting.length - 1].serial }).count(), 0, 'the newest is not on the first page');
  const more = queue.getByRole('button', { name: new RegExp(`更多（已显示 ${shown} / ${total}）`) });
  await more.click();
  await queue.getByRole('article', { name: waiting[waiting.length - 1].serial }).waitFor();
  assert.equal(await articles.count(), total);
  assert.equal(await queue.getByRole('button', { name: /^更多/ }).count(), 0, 'nothing more to read');
  // Oldest first among the complaints, as the server sorted them.
  const serials = await articles.evaluateAll((els) => els.map((e) => document.getElementById(e.getAttribute('aria-labelledby'))?.textContent));
  const order = serials.filter((x) => waiting.some((w) => w.serial === x));
  assert.deepEqual(order, waiting.map((w) => w.serial));
  assert.deepEqual(page.scriptErrors, []);
  await page.context().close();
});

test('keys: lent to an outsider with ID and deposit, then returned; a pass checked at the gate', async () => {
  const key = await desk.collection('keys').getFirstListItem('label = "1-103 入户门"');
  assert.equal(key.status, 'in');
  const page = await newPage(browser, DESKTOP);
  await signIn(page, server.url, 'frontdesk@example.com', '/staff/');
  await page.getByRole('link', { name: '钥匙与出入证' }).click();
  const row = page.getByTestId('key-1-103 入户门');
  await row.getByRole('button', { name: '借出' }).click();
  const form = row.getByRole('form');
  await form.getByRole('radio', { name: '外来人员' }).check();
  await form.getByLabel(/^姓名/).fill('看房客户 孙女士');
  await form.getByLabel(/^电话/).fill('13500000002');
  await form.getByRole('button', { name: '借出' }).click();
  await form.locator('.field.invalid', { hasText: '身份证号' }).locator('.field-error').waitFor(); // the ID number is required
  await form.getByLabel(/^身份证号/).fill('50010119900101123X');
  await form.getByRole('button', { name: '借出' }).click();
  await row.getByText('看房客户 孙女士').waitFor();
  const loan = await desk.collection('key_loans').getFirstListItem(`key = "${key.id}" && returned_at = ""`);
  assert.equal(loan.deposit_fen, 10000);
  assert.equal(loan.borrower_phone, '13500000002');
  assert.equal((await desk.collection('keys').getOne(key.id)).status, 'out');

  await row.getByRole('button', { name: '归还' }).click();
  await page.getByRole('dialog').getByRole('button', { name: '归还' }).click();
  await row.getByRole('button', { name: '借出' }).waitFor();
  assert.ok((await desk.collection('key_loans').getOne(loan.id)).returned_at, 'the loan is closed');
  assert.equal((await desk.collection('keys').getOne(key.id)).status, 'in');

  // The gate: a pass of a renovation under way lets its worker in.
  const pass = await desk.collection('renovation_passes').getFirstListItem('renovation.status = "permitted" && returned_at = ""');
  await page.getByRole('button', { name: '施工出入证' }).click();
  await page.getByLabel(/^出入证编号/).fill(pass.serial);
  await page.getByLabel(/^出入证编号/).press('Enter');
  await page.getByTestId('gate-result').getByText('有效，可以放行').waitFor();
  assert.deepEqual(page.scriptErrors, []);
  await page.context().close();
});

test('the intake screen on a phone', async () => {
  const page = await newPage(browser, PHONE);
  await signIn(page, server.url, 'frontdesk@example.com', '/staff/');
  await find(page, '13800000004');
  await page.getByTestId('unit-card').getByText('王芳').waitFor();
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 375, `no sideways scrolling (${width}px)`);
  await shot(page, 'staff-desk-phone');
  assert.deepEqual(page.scriptErrors, []);
  await page.context().close();
});

// Issue #19 item 10: the desk's appointment field offers the portal's
// working-day slots; another time may be agreed, with a warning when it is
// outside them (a Sunday at 03:00 was once accepted without a word).
test('the desk books an appointment from the working-day slots, and is warned outside them', async () => {
  const page = await newPage(browser, DESKTOP);
  await signIn(page, server.url, 'frontdesk@example.com', '/staff/');
  await find(page, '1-102');
  const form = page.getByRole('form', { name: '报修 / 服务' });
  const picker = form.locator('fieldset.slot-picker');
  await picker.getByRole('radiogroup').first().waitFor();
  // Every day offered is a working day of the office's calendar.
  const days = (await picker.locator('input[name="slot_day"]').evaluateAll((els) => els.map((e) => e.value))).filter((d) => /^\d{4}-/.test(d));
  assert.ok(days.length >= 1);
  const year = days[0].slice(0, 4);
  const cal = await desk.send(`/api/wuye/calendar/${year}`, { method: 'GET' });
  const exceptions = new Map((cal.exceptions || []).map((e) => [e.date, e.working]));
  for (const d of days) {
    const wd = new Date(d + 'T00:00:00Z').getUTCDay();
    assert.ok(exceptions.has(d) ? exceptions.get(d) : wd !== 0 && wd !== 6, `${d} offered but not a working day`);
  }
  await picker.locator('input[name="slot_day"]').first().check();
  const slot = picker.locator('input[name="slot_time"]').first();
  const start = await slot.inputValue();
  await slot.check();
  assert.equal(await page.getByTestId('slot-outside').count(), 0, 'no warning inside a slot');

  // Another time: a Sunday at 03:00 is warned about.
  let sunday = new Date(Date.now() + 8 * 3600000);
  do sunday = new Date(sunday.getTime() + 86400000); while (sunday.getUTCDay() !== 0);
  await picker.getByRole('radio', { name: /其他时间/ }).check();
  await picker.getByLabel(/其他时间/).last().fill(sunday.toISOString().slice(0, 10) + 'T03:00');
  await page.getByTestId('slot-outside').getByText(/不在工作日的预约时段内/).waitFor();
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot(page, 'staff-desk-slots');
  // Back to the slot: the order is booked at the slot's start.
  await picker.locator('input[name="slot_day"]').first().check();
  await picker.locator('input[name="slot_time"]').first().check();
  assert.equal(await page.getByTestId('slot-outside').count(), 0);
  await form.getByLabel(/^类别/).selectOption('electrical');
  await form.getByLabel(/^报修内容/).fill('客厅吊灯不亮（预约时段）');
  await form.getByRole('button', { name: '登记派工单' }).click();
  const filed = page.getByText(/刚登记：PG-\d{8}-\d{4}/);
  await filed.waitFor();
  const serial = (await filed.innerText()).match(/PG-\d{8}-\d{4}/)[0];
  const order = await desk.collection('work_orders').getFirstListItem(`serial = "${serial}"`);
  assert.equal(new Date(order.appointment_at.replace(' ', 'T')).toISOString(), start);
  assert.deepEqual(page.scriptErrors, []);
  await page.context().close();
});
