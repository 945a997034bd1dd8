// The area manager's rounds: a vacant-unit patrol signed in with a finding
// (which raises a work order), reminder notices marked delivered, overdue
// key loans in view; another role is kept out.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, newPage, signIn, api, shot, PHONE, DESKTOP } from './harness.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.stop(); });

test("an area manager works through today's rounds", async () => {
  const mgr = await api(server.url, 'areamgr@example.com');
  const me = mgr.authStore.record;
  const task = await mgr.collection('patrol_tasks').getFirstListItem(mgr.filter('manager = {:me} && status = "open"', { me: me.id }), { expand: 'unit.building', sort: 'due_on,unit' });
  const unitLabel = `${task.expand.unit.expand.building.name} ${task.expand.unit.number}`;
  // The unit's missed patrols of the same kind (last week's round): the
  // patrol makes them up, late.
  const missed = await mgr.collection('patrol_tasks').getFullList({ filter: mgr.filter('unit = {:u} && status = "missed" && kind = {:k}', { u: task.unit, k: task.kind }) });

  const page = await newPage(browser, DESKTOP);
  await signIn(page, server.url, 'areamgr@example.com', '/staff/');
  await page.waitForURL(/#\/rounds$/);
  await page.getByRole('heading', { name: '空置房巡查' }).waitFor();
  await shot(page, 'staff-rounds', { fullPage: false });

  // Sign in the patrol of the first task with a leak found.
  // A missed task of the unit offers to make it up (补巡); the open one is signed in.
  const rows = page.locator('#h-patrols ~ ul > li').filter({ hasText: unitLabel });
  if (missed.length) await rows.filter({ hasText: '漏巡' }).first().getByRole('button', { name: '补巡' }).waitFor();
  const row = rows.filter({ has: page.getByRole('button', { name: '签到巡查' }) }).first();
  await row.getByRole('button', { name: '签到巡查' }).click();
  const form = page.getByRole('form', { name: `签到巡查 ${unitLabel}` });
  await form.getByLabel('无渗漏水').uncheck();
  await form.getByLabel(/发现的问题/).fill('卫生间顶棚渗水，楼上疑似防水层破损');
  await form.getByLabel('问题工种').selectOption('plumbing');
  await form.getByRole('button', { name: '签到巡查' }).click();
  await page.getByRole('dialog').getByRole('button', { name: '提交' }).click();
  await page.locator('.toast').filter({ hasText: '已生成派工单' }).waitFor();

  const patrol = await mgr.collection('vacancy_patrols').getFirstListItem(mgr.filter('unit = {:u}', { u: task.unit }), { sort: '-signed_in_at' });
  assert.equal(patrol.patroller, me.id);
  assert.equal(patrol.no_leaks, false);
  assert.equal(patrol.hygiene, true);
  const desk = await api(server.url, 'frontdesk@example.com');
  const order = await desk.collection('work_orders').getOne(patrol.work_order);
  assert.equal(order.category, 'plumbing');
  assert.equal(order.source, 'vacancy_patrol');
  assert.equal((await mgr.collection('patrol_tasks').getOne(task.id)).status, 'done');
  for (const m of missed) assert.equal((await mgr.collection('patrol_tasks').getOne(m.id)).status, 'made_up', `the task due ${m.due_on} is made up`);

  // Deliver one household's reminder notices.
  const reminders = await mgr.collection('reminders').getFullList({ filter: mgr.filter('delivered_at = "" && unit.building.area.manager = {:me}', { me: me.id }), expand: 'unit.building', sort: 'unit' });
  assert.ok(reminders.length > 0, 'the demo issues notices for this area');
  const unit = reminders[0].unit;
  const name = `${reminders[0].expand.unit.expand.building.name} ${reminders[0].expand.unit.number}`;
  const item = page.locator('#h-reminders ~ ul > li').filter({ hasText: name }).first();
  await item.getByRole('textbox').fill('交业主本人');
  await item.getByRole('button', { name: '登记送达' }).click();
  await page.getByRole('dialog').getByRole('button', { name: '登记送达' }).click();
  await page.locator('.toast').filter({ hasText: '已登记送达' }).waitFor();
  const after = await mgr.collection('reminders').getFullList({ filter: mgr.filter('unit = {:u}', { u: unit }) });
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

test('a technician is kept out of the rounds', async () => {
  const page = await newPage(browser, PHONE);
  await signIn(page, server.url, 'tech1@example.com', '/staff/');
  await page.waitForURL(/#\/field$/);
  await page.goto(server.url + '/staff/#/rounds');
  await page.getByRole('alert').getByText('这个页面不属于您的岗位').waitFor();
  await page.context().close();
});
