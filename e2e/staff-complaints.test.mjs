// Complaints in the staff workspace: a resident's complaint appears live on
// the desk's board under "to assign"; the desk assigns it to the area
// manager (with a department) and leaves an internal note that the
// supervisor can read and the resident cannot; the area manager finds it in
// "my complaints", starts work and replies with a result; the desk marks
// another complaint invalid with a reason; and a step the server would
// refuse is never offered (no assign button for the area manager).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, newPage, signIn, api, shot, PHONE, DESKTOP } from './harness.mjs';

let server, browser, desk, sup, owner1, mgrApi, areamgrId, unit101, unit104, filed;

before(async () => {
  server = await startServer();
  browser = await launch();
  desk = await api(server.url, 'frontdesk@example.com');
  sup = await api(server.url, 'supervisor@example.com');
  owner1 = await api(server.url, 'owner1@example.com');
  mgrApi = await api(server.url, 'areamgr@example.com');
  // Staff emails are hidden from other staff: the supervisor finds the area
  // manager of area 1 by role and phone (the demo's 13900000004).
  const mgr = await sup.collection('staff').getFirstListItem('role = "area_manager" && phone = "13900000004"');
  areamgrId = mgr.id;
  assert.equal(areamgrId, mgrApi.authStore.record.id, 'the staff record found is areamgr@example.com');
  unit101 = await desk.collection('units').getFirstListItem('building.code = "1" && number = "101"');
  unit104 = await desk.collection('units').getFirstListItem('building.code = "1" && number = "104"');
});
after(async () => { await browser?.close(); await server?.stop(); });

/** statusOf waits (briefly) for the case page's status chip to read want. */
async function caseStatus(page, want) {
  await page.getByTestId('case-status').getByText(want, { exact: true }).waitFor();
}

/** confirm answers the confirm dialog with its OK button. */
async function confirm(page, ok) {
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  await dialog.getByRole('button', { name: ok, exact: true }).click();
  await dialog.waitFor({ state: 'detached' });
}

test('the desk sees a new complaint live, assigns it and notes it internally', async () => {
  const page = await newPage(browser, DESKTOP);
  await signIn(page, server.url, 'frontdesk@example.com', '/staff/');
  await page.waitForURL(/#\/desk$/);
  // The board subscribes to the community's complaints: wait until the
  // subscription is registered before the resident files.
  const subscribed = page.waitForResponse((r) => r.url().endsWith('/api/realtime') && r.request().method() === 'POST'
    && (r.request().postData() || '').includes('complaints'));
  await page.getByRole('navigation').getByRole('link', { name: '投诉处理' }).click();
  await page.getByRole('heading', { name: '投诉处理', level: 1 }).waitFor();
  const toAssign = page.getByTestId('col-received');
  await toAssign.locator('[data-serial]').first().waitFor();
  await subscribed;

  // The demo's hot cluster (three cleaning complaints in building 2) is shown together.
  const graded = page.getByTestId('graded');
  await graded.getByText(/热点组 · 3 起/).waitFor();
  // The overdue demo complaint is red under "to assign".
  assert.ok(await toAssign.locator('.cp-card.over').count() >= 1, 'an overdue complaint is flagged');

  filed = await owner1.collection('complaints').create({
    unit: unit101.id, category: 'renovation', content: '楼上装修每天早上七点就开始电钻，严重扰民。', contact_name: '李业主', contact_phone: '13800000001',
  });
  assert.equal(filed.status, 'received');
  const card = toAssign.locator(`[data-serial="${filed.serial}"]`);
  await card.waitFor({ timeout: 5000 });
  assert.match(await card.innerText(), /\d+ (分钟|小时)[^内]*内首次回应/, 'the first-response clock runs, as a duration');
  assert.doesNotMatch(await card.innerText(), /\d+:\d\d 内/, 'not a clock reading');
  assert.match(await card.innerText(), /1栋 101/);

  // The filters: category "renovation" keeps the new one; the search finds it by serial.
  await page.getByLabel(/^类别/).selectOption('renovation');
  assert.equal(await toAssign.locator('[data-serial]').count(), 1);
  await page.getByLabel(/^类别/).selectOption('');
  await page.getByRole('searchbox').fill(filed.serial);
  assert.equal(await toAssign.locator('[data-serial]').count(), 1);
  await page.getByRole('searchbox').fill('');
  await shot(page, 'staff-complaints');

  // Open it and assign it to the area manager, service center.
  await card.getByRole('link', { name: filed.serial }).click();
  await page.getByRole('heading', { name: filed.serial, level: 1 }).waitFor();
  await caseStatus(page, '已受理');
  assert.match(await page.getByTestId('case-contact').innerText(), /李业主/);
  assert.equal(await page.getByTestId('case-contact').getByRole('link').getAttribute('href'), 'tel:13800000001');
  const assign = page.getByRole('form', { name: '派单' });
  // The area manager of building 1's area is suggested first, with the area.
  const picker = assign.getByLabel(/^处理人/);
  assert.match(await picker.locator('optgroup').first().getAttribute('label'), /建议/);
  assert.match(await picker.locator('optgroup').first().locator('option').innerText(), /王志强（片区管理员 · 一片区）/);
  assert.match(await picker.locator('optgroup[label="片区管理员"]').innerText(), /冯丽（片区管理员 · 二片区）/, 'every area manager shows their area');
  await picker.selectOption(areamgrId);
  assert.match(await picker.locator('option:checked').innerText(), /王志强（片区管理员 · 一片区）/);
  await assign.getByLabel(/^处理部门/).selectOption('service_center');
  await assign.getByRole('button', { name: '派单' }).click();
  await confirm(page, '派单');
  await caseStatus(page, '已派单');
  let rec = await sup.collection('complaints').getOne(filed.id);
  assert.equal(rec.status, 'assigned');
  assert.equal(rec.handler, areamgrId);
  assert.equal(rec.department, 'service_center');
  assert.ok(rec.first_responded_at, 'leaving "received" is the first response');
  assert.match(await page.getByTestId('case-handler').innerText(), /王志强/);
  // The full timeline names who acted.
  await page.getByTestId('timeline').getByText('已受理 → 已派单').waitFor();
  assert.match(await page.getByTestId('timeline').innerText(), /郑小雨（前台接待）/);

  // An internal note: the supervisor reads it, the resident never does.
  const note = '业主情绪激动，回访时请先致歉。';
  const notes = page.getByTestId('notes');
  await notes.getByLabel('新备注').fill(note);
  await notes.getByRole('button', { name: '添加备注' }).click();
  await notes.getByText(note).waitFor();
  const seen = await sup.collection('complaint_notes').getFullList({ filter: `complaint = "${filed.id}"` });
  assert.equal(seen.length, 1);
  assert.equal(seen[0].note, note);
  const theirs = await owner1.collection('complaint_notes').getFullList({ filter: `complaint = "${filed.id}"` });
  assert.equal(theirs.length, 0, 'residents list no internal notes');
  await assert.rejects(owner1.collection('complaint_notes').getOne(seen[0].id), (e) => e.status === 404);
  const own = await owner1.collection('complaints').getOne(filed.id);
  assert.equal(own.status, 'assigned', 'the resident still sees the complaint itself');
  await page.locator('.toast').first().waitFor({ state: 'detached', timeout: 8000 });
  await shot(page, 'staff-complaint-case');
  assert.deepEqual(page.scriptErrors, []);
  await page.context().close();
});

test('the handler finds it in "my complaints", starts work and replies; no step that is not theirs is offered', async () => {
  assert.ok(filed, 'the first test filed and assigned the complaint');
  const page = await newPage(browser, PHONE);
  await signIn(page, server.url, 'areamgr@example.com', '/staff/');
  await page.waitForURL(/#\/rounds$/);
  await page.goto(server.url + '/staff/#/complaints');
  await page.getByRole('heading', { name: '我处理的投诉', level: 1 }).waitFor();
  const todo = page.getByTestId('mine-todo');
  const card = todo.locator(`[data-serial="${filed.serial}"]`);
  await card.waitFor();
  // The demo complaint the area manager is working on is there too; a complaint of someone else's is not.
  const demoOther = await sup.collection('complaints').getFirstListItem('status = "assigned" && handler != "' + areamgrId + '"');
  assert.equal(await page.locator(`[data-serial="${demoOther.serial}"]`).count(), 0);
  await shot(page, 'staff-complaint-handler');

  await card.getByRole('link', { name: filed.serial }).click();
  await page.getByRole('heading', { name: filed.serial, level: 1 }).waitFor();
  await caseStatus(page, '已派单');
  const steps = page.getByTestId('case-steps');
  // Marking invalid after assignment is the supervisor's and director's alone.
  assert.equal(await steps.getByRole('button', { name: /无效/ }).count(), 0);
  await steps.getByRole('button', { name: '开始处理' }).click();
  await confirm(page, '开始处理');
  await caseStatus(page, '处理中');
  assert.equal((await sup.collection('complaints').getOne(filed.id)).status, 'processing');

  const result = '已约谈装修户，施工时间调整为每天 8:30 以后，并张贴告示。';
  const reply = page.getByRole('form', { name: '答复住户' });
  await reply.getByLabel(/^处理结果/).fill(result);
  await reply.getByRole('button', { name: '答复住户' }).click();
  await confirm(page, '答复住户');
  await caseStatus(page, '已答复');
  const rec = await sup.collection('complaints').getOne(filed.id);
  assert.equal(rec.status, 'replied');
  assert.equal(rec.result, result);
  assert.match(await page.getByTestId('case-result').innerText(), /8:30/);
  // Revisiting is the desk's: only a pointer to the revisit queue here.
  assert.equal(await steps.getByRole('button').count(), 0);
  await page.getByTestId('timeline').getByText('处理中 → 已答复').waitFor();
  assert.match(await page.getByTestId('timeline').innerText(), /王志强（片区管理员）/);

  // A received complaint the area manager does not handle: readable, but no
  // assign (or any) button — and the server would indeed refuse it.
  const other = await sup.collection('complaints').getFirstListItem('status = "received" && about_service_center = false && location = ""');
  await page.goto(server.url + '/staff/#/complaints/' + other.id);
  await page.getByRole('heading', { name: other.serial, level: 1 }).waitFor();
  await caseStatus(page, '已受理');
  await steps.getByText('当前状态下您没有可执行的步骤').waitFor();
  assert.equal(await page.getByRole('button', { name: '派单' }).count(), 0);
  assert.equal(await page.getByRole('form', { name: '派单' }).count(), 0);
  assert.equal(await page.getByRole('button', { name: /无效/ }).count(), 0);
  await assert.rejects(mgrApi.collection('complaints').update(other.id, { status: 'assigned', handler: areamgrId }), (e) => e.status === 400);
  assert.equal((await sup.collection('complaints').getOne(other.id)).status, 'received');
  assert.deepEqual(page.scriptErrors, []);
  await page.context().close();
});

test('the desk marks a different received complaint invalid, with a reason', async () => {
  const other = await desk.collection('complaints').create({
    community: unit104.community, unit: unit104.id, channel: 'phone', category: 'other',
    content: '要求物业赔偿在小区外被剐蹭的车辆。', contact_name: '来电人', contact_phone: '13700001234',
  });
  const page = await newPage(browser, DESKTOP);
  await signIn(page, server.url, 'frontdesk@example.com', '/staff/');
  await page.waitForURL(/#\/desk$/);
  // The dashboard's links carry ?complaint=<id>: the board opens that case.
  await page.goto(server.url + '/staff/#/complaints?complaint=' + other.id);
  await page.getByRole('heading', { name: other.serial, level: 1 }).waitFor();
  await caseStatus(page, '已受理');
  const steps = page.getByTestId('case-steps');
  await steps.getByRole('button', { name: '判为无效投诉…' }).click();
  const form = page.getByRole('form', { name: '判为无效投诉' });
  const submit = form.getByRole('button', { name: '判为无效投诉' });
  assert.ok(await submit.isDisabled(), 'a reason is required first');
  const reason = '事发地点在小区外，不属物业管理范围，已向来电人说明。';
  await form.getByLabel(/^无效原因/).fill(reason);
  await submit.click();
  await confirm(page, '判为无效投诉');
  await caseStatus(page, '无效投诉');
  const rec = await sup.collection('complaints').getOne(other.id);
  assert.equal(rec.status, 'invalid');
  assert.equal(rec.invalid_reason, reason);
  assert.ok(rec.closed_at);
  await steps.getByText('投诉已结束，不能再修改。').waitFor();
  assert.equal(await page.getByText('修改投诉信息').count(), 0, 'a finished complaint offers no edit');
  // The search on the board finds it among the finished ones.
  await page.goto(server.url + '/staff/#/complaints');
  await page.getByRole('heading', { name: '投诉处理', level: 1 }).waitFor();
  await page.getByRole('searchbox').fill(other.serial);
  await page.getByRole('region', { name: '已结束的投诉' }).getByText(other.serial).waitFor();
  assert.deepEqual(page.scriptErrors, []);
  await page.context().close();
});

test('the desk reassigns a complaint; the new handler is told', async () => {
  const mgr2 = await api(server.url, 'areamgr2@example.com');
  const c = await desk.collection('complaints').create({
    community: unit104.community, unit: unit104.id, channel: 'phone', category: 'greening', content: '楼前草坪积水发臭。', contact_name: '来电人', contact_phone: '13700001235',
  });
  await desk.collection('complaints').update(c.id, { status: 'assigned', handler: areamgrId });
  const page = await newPage(browser, DESKTOP);
  await signIn(page, server.url, 'frontdesk@example.com', '/staff/');
  await page.waitForURL(/#\/desk$/);
  await page.goto(server.url + '/staff/#/complaints/' + c.id);
  await page.getByRole('heading', { name: c.serial, level: 1 }).waitFor();
  await page.getByText('修改投诉信息').click();
  const edit = page.getByRole('form', { name: '修改投诉信息' });
  const picker = edit.getByLabel(/^处理人/);
  await picker.locator('option', { hasText: '冯丽' }).waitFor({ state: 'attached' });
  await picker.selectOption(mgr2.authStore.record.id);
  await edit.getByRole('button', { name: '保存' }).click();
  await page.locator('.toast').filter({ hasText: '已保存修改' }).waitFor();
  const notes = await mgr2.collection('notifications').getFullList({ filter: `subject_id = "${c.id}"` });
  assert.equal(notes.length, 1, 'the new handler has one notice');
  assert.equal(notes[0].kind, 'complaint_reassigned');
  assert.match(notes[0].title, new RegExp(c.serial));
  assert.deepEqual(page.scriptErrors, []);
  await page.context().close();
});

test('hot groups are about one matter, say why, and the supervisor splits a wrong member out', async () => {
  // Building 1's garage lighting (the demo's 1-301 complaint) twice more,
  // and a noise complaint of the same category and building.
  const u = async (n) => desk.collection('units').getFirstListItem(`building.code = "1" && number = "${n}"`);
  const file = async (unit, content) => desk.collection('complaints').create({
    community: unit.community, unit: unit.id, channel: 'phone', category: 'security', content, contact_name: '来电人', contact_phone: '13700001236',
  });
  const noise = await file(await u('402'), '楼上深夜装修噪音扰民，无法休息。');
  const a = await file(await u('403'), '车库照明灯不亮，停车时看不清。');
  const b = await file(await u('404'), '车库照明太暗，老人差点摔倒。');
  const ga = await sup.collection('complaints').getOne(a.id);
  assert.equal(ga.level, 'hot');
  assert.equal((await sup.collection('complaints').getOne(noise.id)).hot_group, '', 'the noise complaint is not in the lighting group');

  const page = await newPage(browser, DESKTOP);
  await signIn(page, server.url, 'supervisor@example.com', '/staff/');
  await page.goto(server.url + '/staff/#/complaints');
  const graded = page.getByTestId('graded');
  const group = graded.locator('.cp-group.hot').filter({ hasText: a.serial });
  await group.waitFor();
  assert.match(await group.getByTestId('hot-why').innerText(), /同类“安保”.*都提到“车库照明”/);
  assert.equal(await group.getByText(noise.serial).count(), 0);
  await shot(page, 'staff-complaints-hot');

  await page.goto(server.url + '/staff/#/complaints/' + b.id);
  await page.getByRole('heading', { name: b.serial, level: 1 }).waitFor();
  const sib = page.getByTestId('siblings');
  assert.match(await sib.getByTestId('hot-why').innerText(), /车库照明/);
  const split = sib.getByRole('form', { name: '移出热点组' });
  assert.ok(await split.getByRole('button', { name: '移出热点组' }).isDisabled(), 'a reason first');
  await split.getByLabel(/^拆分原因/).fill('住户说的是单元门口路灯，不是车库');
  await split.getByRole('button', { name: '移出热点组' }).click();
  await confirm(page, '移出热点组');
  await page.locator('.toast').filter({ hasText: '已移出热点组' }).waitFor();
  const after = await sup.collection('complaints').getOne(b.id);
  assert.equal(after.hot_split, true);
  assert.equal(after.hot_group, '');
  // Persisted: a reload shows no group.
  await page.reload();
  await page.getByRole('heading', { name: b.serial, level: 1 }).waitFor();
  assert.equal(await page.getByTestId('siblings').count(), 0);
  // The desk may not split.
  await assert.rejects(desk.send(`/api/wuye/complaints/${a.id}/hot-split`, { method: 'POST', body: { reason: 'x' } }), (e) => e.status === 403);
  assert.deepEqual(page.scriptErrors, []);
  await page.context().close();
});
