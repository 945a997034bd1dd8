// The household file (业主档案) in the workspace and the portal: the desk
// reads 1-101's members with ID numbers masked and adds a car by a loosely
// typed new-energy plate; the director reads the numbers in full and
// exports the file; an owner adds a child in the portal's 我的家庭, a
// tenant only reads; the supervisor records a sale of 1-102 to a new
// owner and the transfer shows in the unit's history.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, newPage, signIn, shot, DESKTOP, PHONE } from './harness.mjs';

let server, browser;

before(async () => {
  server = await startServer();
  browser = await launch();
});
after(async () => { await browser?.close(); await server?.stop(); });

async function openFile(email, unit) {
  const page = await newPage(browser, DESKTOP);
  await signIn(page, server.url, email, '/staff/');
  await page.getByRole('link', { name: '业主档案' }).click();
  await page.getByRole('heading', { name: '业主档案', level: 1 }).waitFor();
  await page.getByLabel('楼栋').selectOption({ label: '1栋' });
  await page.getByLabel('房号').selectOption({ label: unit });
  await page.locator('[data-members] [data-member]').first().waitFor();
  return page;
}

test('the desk reads masked ID numbers and registers a new-energy car', async () => {
  const page = await openFile('frontdesk@example.com', '101');
  const members = page.locator('[data-members]');
  await members.getByText('李乐乐').waitFor();
  await members.getByText('110105********002X').waitFor();
  assert.equal(await members.getByText('11010519491231002X').count(), 0, 'the desk must not see the full number');
  const form = page.locator('[data-vehicle-form]');
  await form.getByLabel('车牌号').fill('渝a d 543 21');
  await form.getByLabel('品牌型号').fill('蔚来 ES6');
  await form.getByRole('button', { name: '添加车辆' }).click();
  const car = page.locator('[data-vehicle="渝AD54321"]');
  await car.waitFor();
  await car.getByText('新能源').waitFor();
  await form.getByLabel('车牌号').fill('渝AI2345');
  await form.getByRole('button', { name: '添加车辆' }).click();
  await form.getByText('车牌号不正确').first().waitFor();
  await shot(page, 'staff-household-file');
  await page.close();
});

test('the director reads the full number and exports the file', async () => {
  const page = await openFile('director@example.com', '101');
  await page.locator('[data-members]').getByText('11010519491231002X').waitFor();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: '导出业主档案 · 楼栋' }).click(),
  ]);
  assert.match(download.suggestedFilename(), /^业主档案_CH-1_\d{4}-\d{2}-\d{2}\.xlsx$/);
  await page.close();
});

test('an owner adds a child in 我的家庭; a tenant only reads', async () => {
  const portal = await newPage(browser, PHONE);
  await signIn(portal, server.url, 'owner2@example.com');
  await portal.getByRole('heading', { level: 1 }).first().waitFor();
  await portal.getByRole('button', { name: '我的账户' }).click();
  await portal.getByTestId('household-link').click();
  await portal.getByRole('heading', { name: '我的家庭', level: 1 }).waitFor();
  await portal.locator('[data-vehicle="渝AD12345"]').waitFor();
  const form = portal.locator('[data-member-form]');
  await form.getByLabel('姓名').fill('王小宝');
  await form.getByLabel('关系').selectOption('child');
  await form.getByLabel('出生年份').fill('2020');
  await form.getByRole('button', { name: '添加家庭成员' }).click();
  await portal.locator('[data-member="王小宝"]').waitFor();
  await shot(portal, 'portal-household');
  await portal.close();

  const tenant = await newPage(browser, PHONE);
  await signIn(tenant, server.url, 'tenant1@example.com');
  await tenant.getByRole('heading', { level: 1 }).first().waitFor();
  await tenant.goto(server.url + '/#/household');
  await tenant.locator('[data-member="李乐乐"]').waitFor();
  await tenant.getByText('110105********002X').waitFor();
  assert.equal(await tenant.locator('[data-member-form]').count(), 0, 'a tenant does not change the owner\'s file');
  await tenant.close();
});

test('the supervisor records the sale of 1-102 and it shows in the unit\'s history', async () => {
  const page = await openFile('supervisor@example.com', '102');
  const form = page.getByRole('form', { name: '登记过户' });
  await form.getByLabel('或新建新业主账号 · 姓名').fill('周新');
  await form.getByLabel('电话').fill('13800000099');
  await form.getByLabel('邮箱').fill('buyer.e2e@example.com');
  await form.getByLabel('过户原因').selectOption('sale');
  await form.getByRole('button', { name: '登记过户' }).click();
  await page.getByRole('dialog').getByRole('button', { name: '确定' }).click();
  await page.getByText(/已登记过户 GH-\d{8}-\d{4}/).waitFor();
  const history = page.locator('[data-transfers]');
  await history.getByText('王芳 → 新业主：周新').waitFor();
  await shot(page, 'staff-household-transfer');
  await page.close();
});
