// Residents' accounts are their own (issue #16): another community's office
// can only ask to link a resident — the resident confirms or declines in the
// portal — and the desk never sets a password, it hands the resident a
// reset link the resident completes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, newPage, signIn, api, shot, PASSWORD, PHONE, DESKTOP } from './harness.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.stop(); });

test('a link from another community waits for the resident, who confirms one and declines another', async () => {
  const yx = await api(server.url, 'supervisor.yx@example.com');
  const owner1 = await (await api(server.url, 'owner1@example.com')).collection('residents').authRefresh();
  const [a101, a102] = await Promise.all(['101', '102'].map((n) => yx.collection('units').getFirstListItem(`building.code = "A" && number = "${n}"`)));
  const first = await yx.collection('unit_residents').create({ unit: a101.id, resident: owner1.record.id, relation: 'tenant' });
  const second = await yx.collection('unit_residents').create({ unit: a102.id, resident: owner1.record.id, relation: 'owner' });
  assert.equal(first.pending, true);
  assert.equal(first.active, false);
  await assert.rejects(yx.collection('residents').getOne(owner1.record.id), (e) => e.status === 404, 'the office sees nothing of the resident yet');

  const page = await newPage(browser, PHONE);
  await signIn(page, server.url, 'owner1@example.com');
  const box = page.getByTestId('pending-links');
  await box.getByRole('heading', { name: '待您确认的房屋登记' }).waitFor();
  await box.getByRole('listitem').filter({ hasText: /银杏苑 .*101/ }).filter({ hasText: '租户' }).waitFor();
  await box.getByRole('listitem').filter({ hasText: /银杏苑 .*102/ }).filter({ hasText: '业主' }).waitFor();
  await shot(page, 'portal-pending-links', { fullPage: false });
  assert.equal(await page.locator('#unit-switch').count(), 0, 'a pending link adds no unit');

  await box.getByRole('listitem').filter({ hasText: '101' }).getByRole('button', { name: '确认' }).click();
  await page.locator('#unit-switch').waitFor(); // the confirmed unit joins the switcher
  await box.getByRole('listitem').filter({ hasText: '102' }).getByRole('button', { name: '不是我的' }).click();
  await page.getByRole('dialog').getByRole('button', { name: '不是我的' }).click();
  await box.waitFor({ state: 'detached' });

  assert.equal((await yx.collection('unit_residents').getOne(first.id)).active, true);
  await assert.rejects(yx.collection('unit_residents').getOne(second.id), (e) => e.status === 404, 'the declined link is gone');
  assert.equal((await yx.collection('residents').getOne(owner1.record.id)).name, '李明', 'the confirmed resident is the office\'s now');
  assert.deepEqual(page.scriptErrors, []);
});

test('the desk hands a resident a reset link; the resident sets the new password', async () => {
  const page = await newPage(browser, DESKTOP);
  await signIn(page, server.url, 'frontdesk@example.com', '/staff/');
  await page.waitForURL(/#\/desk$/);
  const box = page.getByRole('searchbox');
  await box.fill('1-102');
  await box.press('Enter');
  const card = page.getByTestId('unit-card');
  await card.getByText('王芳').waitFor();
  await card.getByRole('listitem').filter({ hasText: '王芳' }).getByRole('button', { name: '重设密码' }).click();
  await card.getByRole('button', { name: '当面交给住户' }).click();
  const link = await card.getByTestId('reset-link').innerText();
  const token = link.split('/#/reset/')[1];
  assert.ok(token, link);

  const resident = await newPage(browser, PHONE);
  await resident.goto(`${server.url}/#/reset/${token}`);
  await resident.getByLabel(/^新密码/).fill('wang-fang-2027');
  await resident.getByLabel(/^再次输入新密码/).fill('wang-fang-2027');
  await resident.getByRole('button', { name: '保存' }).click();
  await resident.waitForURL((u) => !u.hash.startsWith('#/reset'));
  const pb = await api(server.url, 'frontdesk@example.com');
  await assert.rejects(pb.collection('residents').authWithPassword('13800000004', PASSWORD), 'the old password is gone');
  await pb.collection('residents').authWithPassword('13800000004', 'wang-fang-2027');
  assert.deepEqual([...page.scriptErrors, ...resident.scriptErrors], []);
});
