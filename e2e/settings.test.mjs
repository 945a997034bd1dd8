// 小区设置 (#/settings): the director chooses when the community's management
// fee starts — from the handover date or from the move-in notice's date
// ([000] 收费员 4.2.1.1, [004] 四 2 4.5); the supervisor sees the choice but
// cannot change it, and records a unit's move-in notice date.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, newPage, signIn, api, shot } from './harness.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.stop(); });

test('the director switches the fee start to the move-in notice date', async () => {
  const page = await newPage(browser);
  await signIn(page, server.url, 'director@example.com', '/staff/');
  await page.waitForURL(/#\/dashboard/);
  await page.goto(server.url + '/staff/#/settings');
  await page.getByRole('heading', { name: /小区设置/ }).waitFor();
  const form = page.getByTestId('fee-start');
  assert.ok(await form.getByLabel('从收房日起算').isChecked(), 'the demo community bills from the handover date');
  await form.getByLabel('从入伙通知书上注明的日期起算').check();
  await form.getByRole('button', { name: '保存' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByText('把物业费改为“从入伙通知书上注明的日期起算”？').waitFor();
  await dialog.getByRole('button', { name: '保存' }).click();
  await page.getByText('已保存').waitFor();
  const dir = await api(server.url, 'director@example.com');
  const ch = await dir.collection('communities').getFirstListItem('code = "CH"');
  assert.equal(ch.fee_start, 'notice');
  await shot(page, 'staff-settings');
  assert.deepEqual(page.scriptErrors, []);
});

test('the supervisor cannot change it, and records a notice date', async () => {
  const page = await newPage(browser);
  await signIn(page, server.url, 'supervisor@example.com', '/staff/');
  await page.waitForURL(/#\/dashboard/);
  await page.goto(server.url + '/staff/#/settings');
  const form = page.getByTestId('fee-start');
  await form.getByTestId('director-only').waitFor();
  assert.ok(await form.getByLabel('从收房日起算').isDisabled());
  assert.equal(await form.getByRole('button', { name: '保存' }).count(), 0);

  const notice = page.getByTestId('notice-date');
  await notice.getByLabel(/房号/).fill('1-103');
  await notice.getByLabel(/入伙通知书上注明的日期/).fill('2026-10-16');
  await notice.getByRole('button', { name: '保存' }).click();
  await page.getByText('1-103 的入伙通知书日期已登记为 2026-10-16').waitFor();
  const sup = await api(server.url, 'supervisor@example.com');
  const unit = await sup.collection('units').getFirstListItem('number = "103" && building.code = "1"');
  assert.equal(unit.notice_on, '2026-10-16');

  await notice.getByLabel(/房号/).fill('9-999');
  await notice.getByLabel(/入伙通知书上注明的日期/).fill('2026-10-16');
  await notice.getByRole('button', { name: '保存' }).click();
  await notice.getByText('本小区没有房号 9-999').waitFor();
  assert.deepEqual(page.scriptErrors, []);
});
