// The area manager's rounds: a vacant-unit patrol signed in with a finding
// (which raises a work order), reminder notices waiting for delivery (待送达)
// marked delivered, an arrears home visit's outcome recorded, overdue key
// loans in view; another role is kept out.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, newPage, signIn, api, shot, PHONE, DESKTOP } from './harness.mjs';

const today = () => new Date().toLocaleDateString('sv', { timeZone: 'Asia/Shanghai' });

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.stop(); });

test("an area manager works through today's rounds", async () => {
  const mgr = await api(server.url, 'areamgr@example.com');
  const me = mgr.authStore.record;
  const task = await mgr.collection('patrol_tasks').getFirstListItem(mgr.filter('manager = {:me} && status = "open" && due_on >= {:d}', { me: me.id, d: today() }), { expand: 'unit.building', sort: 'due_on,unit' });
  const unitLabel = `${task.expand.unit.expand.building.name} ${task.expand.unit.number}`;
  // The unit's overdue patrols, of any kind (last week's round, last
  // month's full inspection): the one visit makes them all up, late.
  const overdue = await mgr.collection('patrol_tasks').getFullList({ filter: mgr.filter('unit = {:u} && (status = "missed" || (status = "open" && due_on < {:d}))', { u: task.unit, d: today() }) });

  const page = await newPage(browser, DESKTOP);
  await signIn(page, server.url, 'areamgr@example.com', '/staff/');
  await page.waitForURL(/#\/rounds$/);
  await page.getByRole('heading', { name: '空置房巡查' }).waitFor();
  await shot(page, 'staff-rounds', { fullPage: false });

  // One row for the unit, with its missed count, and one button.
  const row = page.locator(`[data-unit="${task.unit}"]`);
  await row.first().waitFor(); // the rows come after the heading
  assert.equal(await row.count(), 1, 'one row per unit');
  assert.equal(Number(await row.getAttribute('data-missed')), overdue.length);
  await row.getByRole('button', { name: overdue.length ? '补巡' : '签到巡查' }).click();
  const form = page.getByRole('form', { name: `签到巡查 ${unitLabel}` });
  // The checklist starts unticked, like the renovation inspection's.
  for (const box of await form.getByRole('checkbox').all()) assert.equal(await box.isChecked(), false, 'nothing ticked before the visit');
  for (const check of ['室内卫生', '门锁安全', '门窗完好、关闭', '墙面、地面、天花无损坏', '设施设备完好']) await form.getByLabel(check).check();
  await form.getByLabel(/发现的问题/).fill('卫生间顶棚渗水，楼上疑似防水层破损');
  await form.getByLabel('问题工种').selectOption('plumbing');
  await form.getByRole('button', { name: '签到巡查' }).click();
  await page.getByRole('dialog').getByRole('button', { name: '提交' }).click();
  await page.locator('.toast').filter({ hasText: '已生成派工单' }).waitFor();
  await row.waitFor({ state: 'detached', timeout: 5000 }); // the one visit clears the unit's row

  const patrol = await mgr.collection('vacancy_patrols').getFirstListItem(mgr.filter('unit = {:u}', { u: task.unit }), { sort: '-signed_in_at' });
  assert.equal(patrol.patroller, me.id);
  assert.equal(patrol.no_leaks, false);
  assert.equal(patrol.hygiene, true);
  const desk = await api(server.url, 'frontdesk@example.com');
  const order = await desk.collection('work_orders').getOne(patrol.work_order);
  assert.equal(order.category, 'plumbing');
  assert.equal(order.source, 'vacancy_patrol');
  assert.equal((await mgr.collection('patrol_tasks').getOne(task.id)).status, 'done');
  for (const m of overdue) assert.equal((await mgr.collection('patrol_tasks').getOne(m.id)).status, 'made_up', `the ${m.kind} task due ${m.due_on} is made up (late)`);

  // Deliver one household's reminder notices.
  const waiting = 'delivered_at = "" && stage != "escalated" && (bill.status = "issued" || bill.status = "partially_paid")';
  const reminders = await mgr.collection('reminders').getFullList({ filter: mgr.filter(`${waiting} && unit.building.area.manager = {:me}`, { me: me.id }), expand: 'unit.building', sort: 'unit' });
  assert.ok(reminders.length > 0, 'the demo issues notices for this area');
  const unit = reminders[0].unit;
  const name = `${reminders[0].expand.unit.expand.building.name} ${reminders[0].expand.unit.number}`;
  const item = page.locator('#h-reminders ~ ul > li').filter({ hasText: name }).first();
  await item.getByText('待送达').waitFor();
  await item.getByRole('textbox').fill('交业主本人');
  await item.getByRole('button', { name: '登记送达' }).click();
  await page.getByRole('dialog').getByRole('button', { name: '登记送达' }).click();
  await page.locator('.toast').filter({ hasText: '已登记送达' }).waitFor();
  const after = await mgr.collection('reminders').getFullList({ filter: mgr.filter('unit = {:u} && stage != "escalated" && (bill.status = "issued" || bill.status = "partially_paid")', { u: unit }) });
  for (const r of after) {
    assert.equal(r.delivered_by, me.id);
    assert.equal(r.delivery_note, '交业主本人');
  }
  await item.waitFor({ state: 'detached', timeout: 5000 }); // the household leaves the list

  // The demo's overdue outsider loan is in view.
  await page.locator('#h-keys ~ ul > li').first().waitFor();
  assert.deepEqual(page.scriptErrors, []);
  await page.context().close();
});

// The arrears home visits ([000] 管理员 4.1.3.2): the area manager records
// the outcome of their visit on the rounds screen; the supervisor's step is
// on the supervisor's list, not theirs, and the cashier sees the bill's stage.
test('an area manager records the outcome of an arrears home visit', async () => {
  const mgr = await api(server.url, 'areamgr@example.com');
  const me = mgr.authStore.record;
  const visit = await mgr.collection('arrears_visits').getFirstListItem(mgr.filter('assignee = {:me} && status = "open"', { me: me.id }), { expand: 'unit.building' });
  const supervisorStep = await mgr.collection('arrears_visits').getFirstListItem('step = "supervisor" && status = "open"');
  const page = await newPage(browser, DESKTOP);
  await signIn(page, server.url, 'areamgr@example.com', '/staff/');
  await page.waitForURL(/#\/rounds$/);
  await page.getByRole('heading', { name: '上门催缴' }).waitFor();
  // The list is in (with the manager's own step) before the supervisor's is looked for.
  const row = page.locator(`[data-visit="${visit.id}"]`);
  await row.getByText('片区管理员上门').waitFor();
  assert.equal(await page.locator(`[data-visit="${supervisorStep.id}"]`).count(), 0, "the supervisor's step is not on the area manager's list");
  await row.getByRole('button', { name: '登记结果' }).click();
  const unitLabel = `${visit.expand.unit.expand.building.name} ${visit.expand.unit.number}`;
  const form = page.getByRole('form', { name: `登记结果 ${unitLabel}` });
  await form.getByLabel('上门结果').selectOption('promised');
  const promised = new Date(Date.now() + 7 * 86400000).toLocaleDateString('sv', { timeZone: 'Asia/Shanghai' });
  await form.getByLabel('承诺缴费日期').fill(promised);
  await form.getByLabel(/情况说明/).fill('业主答应下周缴清');
  await form.getByRole('button', { name: '登记结果' }).click();
  await page.getByRole('dialog').getByRole('button', { name: '登记结果' }).click();
  await page.locator('.toast').filter({ hasText: '上门结果已登记' }).waitFor();
  await row.waitFor({ state: 'detached', timeout: 5000 }); // off the list
  const saved = await mgr.collection('arrears_visits').getOne(visit.id);
  assert.equal(saved.status, 'recorded');
  assert.equal(saved.outcome, 'promised');
  assert.equal(saved.deadline, promised);
  assert.equal(saved.recorded_by, me.id);
  assert.deepEqual(page.scriptErrors, []);
  await page.context().close();

  // The supervisor has their step on their rounds and a link on the dashboard.
  const sup = await newPage(browser, DESKTOP);
  await signIn(sup, server.url, 'supervisor@example.com', '/staff/');
  await sup.waitForURL(/#\/dashboard$/);
  await sup.getByTestId('my-visits').click();
  await sup.waitForURL(/#\/rounds$/);
  await sup.locator(`[data-visit="${supervisorStep.id}"]`).getByText('客服主管上门').waitFor();
  assert.deepEqual(sup.scriptErrors, []);
  await sup.context().close();

  // The cashier's bill view shows the stage: the visit's outcome and its deadline.
  const cash = await newPage(browser, DESKTOP);
  await signIn(cash, server.url, 'cashier@example.com', '/staff/');
  await cash.goto(`${server.url}/staff/#/cashier?unit=${visit.unit}`);
  const stage = cash.locator(`tr[data-bill="${visit.bill}"]`).getByTestId('ladder').getByText(`片区管理员上门 · 承诺限期缴纳 · 期限 ${promised}`);
  // In full CI runs the stage was at times missing after 30 s: signIn
  // returned before the sign-in had landed, and the landing on the
  // cashier's home then replaced this URL (harness.mjs now waits for it).
  // Reading the page again once before failing stays as a safety net.
  await stage.waitFor({ timeout: 15000 }).catch(async () => { await cash.reload(); await stage.waitFor(); });
  assert.deepEqual(cash.scriptErrors, []);
  await cash.context().close();
});

// Issue #19 item 14: "今日巡查" was one flat list, a unit up to four times.
// Now one row per unit under its building, with the unit's missed count;
// the counts add up to the figure's outstanding patrols, and the supervisor's
// dashboard reads the same figure as the rounds screen (one SQL, GET
// /api/stats/patrols). On the phone.
test('rounds: one row per unit by building, missed counts that agree with the figure', async () => {
  const mgr = await api(server.url, 'areamgr@example.com');
  const page = await newPage(browser, PHONE);
  await signIn(page, server.url, 'areamgr@example.com', '/staff/');
  await page.waitForURL(/#\/rounds$/);
  await page.locator('.patrol-building').first().waitFor();
  const units = await page.locator('#h-patrols').locator('xpath=..').locator('[data-unit]').evaluateAll((els) => els.map((e) => [e.dataset.unit, Number(e.dataset.missed)]));
  assert.ok(units.length > 0);
  assert.equal(new Set(units.map(([u]) => u)).size, units.length, 'no unit twice');
  const tasks = await mgr.collection('patrol_tasks').getFullList({ filter: mgr.filter('manager = {:me} && (status = "open" || status = "missed")', { me: mgr.authStore.record.id }) });
  assert.equal(units.length, new Set(tasks.map((x) => x.unit)).size, 'every unit with a task, once');
  const buildings = await page.locator('.patrol-building h3').allInnerTexts();
  assert.ok(buildings.every((b) => /栋 · \d+ 户/.test(b)), `grouped by building: ${buildings}`);
  const community = tasks[0].community;
  const fig = await mgr.send('/api/stats/patrols', { query: { community, month: today().slice(0, 7) } });
  assert.equal(units.reduce((n, [, m]) => n + m, 0), fig.patrols.outstanding, 'the missed counts add up to the figure\'s outstanding patrols');
  const box = await page.locator('.patrol-building').first().boundingBox();
  assert.ok(box.width <= 375, 'fits the phone');
  await shot(page, 'staff-rounds-phone');
  assert.deepEqual(page.scriptErrors, []);
  await page.context().close();

  // The supervisor: the dashboard's completion figure is the rounds screen's.
  const sup = await newPage(browser, DESKTOP);
  await signIn(sup, server.url, 'supervisor@example.com', '/staff/');
  await sup.waitForURL(/#\/dashboard$/);
  const dashValue = (await sup.getByTestId('kpi-patrol').getByTestId('kpi-value').innerText()).trim();
  const dashOutstanding = (await sup.getByTestId('patrol-outstanding').innerText()).trim();
  await sup.goto(server.url + '/staff/#/rounds');
  await sup.locator('.patrol-building').first().waitFor();
  assert.equal((await sup.getByTestId('patrol-coverage').innerText()).trim(), dashValue);
  const supMissed = await sup.locator('[data-unit]').evaluateAll((els) => els.reduce((n, e) => n + Number(e.dataset.missed || 0), 0));
  assert.equal(`漏巡未补 ${supMissed}`, dashOutstanding, 'the screen lists the patrols the dashboard counts as outstanding');
  assert.deepEqual(sup.scriptErrors, []);
  await sup.context().close();
});

test('a technician is kept out of the rounds', async () => {
  const page = await newPage(browser, PHONE);
  await signIn(page, server.url, 'tech1@example.com', '/staff/');
  await page.waitForURL(/#\/field$/);
  await page.goto(server.url + '/staff/#/rounds');
  await page.getByRole('alert').getByText('这个页面不属于您的岗位').waitFor();
  await page.context().close();
});
