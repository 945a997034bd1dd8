// Residents in the loop ([000] 管理员 3.9, 4.6.2, 4.10): the desk aims a
// water-stop notice at one building with the template — a resident there
// reads it (and is counted as having read it), a resident elsewhere does
// not see it; a resident answers the open satisfaction survey for their
// household; a resident signs up for an activity.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, newPage, signIn, api, shot, now, PASSWORD, DESKTOP } from './harness.mjs';

let server, browser;
before(async () => {
  server = await startServer();
  browser = await launch();
});
after(async () => { await browser?.close(); await server?.stop(); });

/** residentOf: the phone of a resident who lives in building code of 翠湖花园 only. */
async function residentOf(desk, code, skip = []) {
  const links = await desk.collection('unit_residents').getFullList({
    filter: `active = true && unit.community.code = "CH" && unit.type = "residential"`, expand: 'resident,unit.building',
  });
  const where = {};
  for (const l of links) (where[l.resident] ||= new Set()).add(l.expand.unit.expand.building.code);
  const l = links.find((x) => where[x.resident].size === 1 && x.expand.unit.expand.building.code === code && !skip.includes(x.resident));
  return { phone: l.expand.resident.phone, id: l.resident, unit: l.unit };
}

const local = (d) => new Date(d.getTime() + 8 * 3600e3).toISOString().slice(0, 16); // a datetime-local value, office time

test('a water stop in building 2 reaches building 2 only, and its reading is counted', async () => {
  const desk = await api(server.url, 'frontdesk@example.com');
  const inB2 = await residentOf(desk, '2');
  const inB1 = await residentOf(desk, '1');

  const page = await newPage(browser, DESKTOP);
  await signIn(page, server.url, 'frontdesk@example.com', '/staff/');
  await page.goto(server.url + '/staff/#/notices');
  const form = page.getByTestId('notice-editor');
  await form.locator('input[name="audience"][value="buildings"]').check();
  await form.getByTestId('notice-buildings').getByLabel('2栋').check();
  await form.locator('select[name="template"]').selectOption('water');
  const from = new Date(now().getTime() + 24 * 3600e3);
  await form.locator('input[name="tpl-from"]').fill(local(from));
  await form.locator('input[name="tpl-to"]').fill(local(new Date(from.getTime() + 6 * 3600e3)));
  await form.locator('input[name="tpl-reason"]').fill('二次供水管道维修');
  await form.getByTestId('template-fill').click();
  await assert.doesNotReject(form.locator('input[name="title"]').inputValue().then((v) => assert.equal(v, '2栋停水通知')));
  assert.match(await form.locator('textarea[name="body"]').inputValue(), /二次供水管道维修.*2栋暂停供水/);
  await form.getByRole('button', { name: '发布', exact: true }).click();
  const row = page.locator('[data-notice]', { hasText: '2栋停水通知' });
  await row.getByTestId('notice-reads').getByText(/已读 0\/\d+ 户/).waitFor();
  await shot(page, 'staff-notices');

  // The resident of building 2 sees it and opens it; the one of building 1 does not see it.
  const resident = await newPage(browser);
  await signIn(resident, server.url, inB2.phone);
  await resident.goto(server.url + '/#/notices');
  await resident.getByTestId('notice-list').getByText('2栋停水通知').click();
  await resident.getByRole('heading', { name: '2栋停水通知' }).waitFor();
  await shot(resident, 'portal-notice-targeted');
  const other = await newPage(browser);
  await signIn(other, server.url, inB1.phone);
  await other.goto(server.url + '/#/notices');
  await other.getByTestId('notice-list').getByText('冬季消防安全提示').waitFor();
  assert.equal(await other.getByTestId('notice-list').getByText('2栋停水通知').count(), 0, 'a building-1 resident sees the building-2 water stop');

  // The desk's count moves live; the unread list no longer has the household.
  await row.getByTestId('notice-reads').getByText(/已读 1\/\d+ 户/).waitFor();
  await row.getByRole('button', { name: '未读住户' }).click();
  await row.getByTestId('notice-unread').waitFor();
  const n = await desk.collection('notices').getFirstListItem('title = "2栋停水通知"');
  const reads = await desk.collection('notice_reads').getFullList({ filter: `notice = "${n.id}"` });
  assert.deepEqual(reads.map((r) => r.resident), [inB2.id]);
  await row.getByRole('link', { name: '打印张贴' }).click();
  await page.getByTestId('notice-print').getByText('二次供水管道维修', { exact: false }).waitFor();
  await page.close(); await resident.close(); await other.close();
});

test('a resident answers the satisfaction survey for the household, once', async () => {
  const page = await newPage(browser);
  await signIn(page, server.url, 'owner1@example.com');
  await page.goto(server.url + '/#/surveys');
  await page.getByTestId('survey-list').getByText('2026 年度业主满意度调查').click();
  const form = page.getByTestId('survey-form');
  for (const q of ['service', 'repair', 'cleaning', 'security']) await form.locator(`input[name="${q}"][value="5"]`).check();
  await form.getByLabel('维修').check();
  await form.locator('textarea[name="words"]').fill('希望增加儿童游乐设施');
  await form.getByRole('button', { name: '提交' }).click();
  await form.getByTestId('survey-answered').waitFor();
  await shot(page, 'portal-survey');
  await page.close();

  // The tenant of the same flat is told the household has answered.
  const tenant = await newPage(browser);
  await signIn(tenant, server.url, 'tenant1@example.com');
  await tenant.goto(server.url + '/#/surveys');
  await tenant.getByTestId('survey-list').getByText('您家已填写过这份调查', { exact: false }).waitFor();
  await tenant.close();

  // The supervisor sees the response in the results.
  const staff = await newPage(browser, DESKTOP);
  await signIn(staff, server.url, 'supervisor@example.com', '/staff/');
  await staff.goto(server.url + '/staff/#/surveys');
  const card = staff.locator('[data-survey]', { hasText: '2026 年度业主满意度调查' });
  await card.getByTestId('survey-return').getByText(/回收 13\/\d+ 户/).waitFor();
  await shot(staff, 'staff-survey-results');
  await staff.close();
});

test('a resident signs up for an activity and the desk sees it', async () => {
  const page = await newPage(browser);
  await signIn(page, server.url, 'owner2@example.com');
  await page.goto(server.url + '/#/activities');
  const item = page.locator('[data-activity]', { hasText: '2027 元旦联欢会' });
  await item.locator('input[name="note"]').fill('带两个孩子');
  await item.getByRole('button', { name: '报名' }).click();
  await item.getByTestId('signed-up').waitFor();
  await page.close();

  const desk = await api(server.url, 'frontdesk@example.com');
  const a = await desk.collection('activities').getFirstListItem('title = "2027 元旦联欢会"');
  const signups = await desk.collection('activity_signups').getFullList({ filter: `activity = "${a.id}"`, expand: 'resident' });
  assert.ok(signups.some((s) => s.note === '带两个孩子'), 'the sign-up is on the list');
  const staff = await newPage(browser, DESKTOP);
  await signIn(staff, server.url, 'frontdesk@example.com', '/staff/');
  await staff.goto(server.url + '/staff/#/activities');
  const card = staff.locator('[data-activity]', { hasText: '2027 元旦联欢会' });
  await card.getByText(/已报名 6\/30/).waitFor();
  assert.ok(PASSWORD);
  await staff.close();
});
