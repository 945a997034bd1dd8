// 档案 (#/registry…): the registry kept without the superuser dashboard
// (docs/DESIGN.md § Registry; [000] 前台 3.6, 助理 3.9). The director adds
// a building and a unit, edits the unit (a status without its date is
// refused in Chinese under the field), links a resident, creates a staff
// account and deactivates it; a supervisor sees no account creation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import PocketBase from 'pocketbase';
import { startServer, launch, newPage, signIn, shot, DESKTOP } from './harness.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.stop(); });

test('the director keeps the registry and the staff accounts', async () => {
  const page = await newPage(browser, DESKTOP);
  await signIn(page, server.url, 'director@example.com', '/staff/');
  await page.waitForURL(/#\/dashboard/);
  await page.getByRole('link', { name: '档案', exact: true }).click();
  await page.getByRole('heading', { name: /档案 · 翠湖花园/ }).waitFor();

  // A building; the same code again is refused, naming the field.
  await page.getByTestId('building-add-box').getByText('新增楼栋').click();
  const addB = page.getByTestId('building-add');
  await addB.getByLabel(/^编号/).fill('9');
  await addB.getByLabel(/^名称/).fill('9栋');
  await addB.getByLabel(/^楼层数/).fill('12');
  await addB.getByRole('button', { name: '添加' }).click();
  await page.getByText('楼栋已添加').waitFor();
  await page.getByTestId('buildings').getByRole('cell', { name: '9栋' }).waitFor();
  await addB.getByLabel(/^编号/).fill('9');
  await addB.getByLabel(/^楼层数/).fill('12');
  await addB.getByRole('button', { name: '添加' }).click();
  await addB.locator('.field-error', { hasText: '本小区已有楼栋编号 9' }).waitFor();

  // A unit in it, then its page.
  await page.getByTestId('registry-nav').getByRole('link', { name: '房屋' }).click();
  await page.getByTestId('units').waitFor();
  await page.getByTestId('unit-add-box').getByText('新增房屋').click();
  const addU = page.getByTestId('unit-add');
  await addU.getByLabel(/^楼栋/).selectOption({ label: '9栋' });
  await addU.getByLabel(/^房号/).fill('901');
  await addU.getByLabel(/^楼层/).fill('9');
  await addU.getByLabel(/^建筑面积/).fill('88.5');
  await addU.getByRole('button', { name: '添加' }).click();
  await page.getByRole('heading', { name: /9栋 901/ }).waitFor();

  // Handed over without the date: refused in Chinese under the field.
  const edit = page.getByTestId('unit-edit');
  await edit.getByLabel(/^状态/).selectOption('handed_over');
  await edit.getByRole('button', { name: '保存' }).click();
  await edit.locator('.field-error', { hasText: '状态为“已交房”时必须填写收房日期' }).waitFor();
  await edit.getByLabel(/^收房日期/).fill('2026-11-20');
  await edit.getByRole('button', { name: '保存' }).click();
  await page.getByText('已保存').first().waitFor();

  // Link a resident of the community, found by phone.
  await page.getByTestId('link-add-box').getByText('登记住户').first().click();
  await page.getByTestId('link-find').getByLabel(/住户手机号/).fill('13800000003');
  await page.getByTestId('link-find').getByRole('button', { name: '查找' }).click();
  await page.getByText('找到：李小红').waitFor();
  await page.getByTestId('link-add').getByLabel(/^关系/).selectOption('owner');
  await page.getByTestId('link-add').getByRole('button', { name: '登记住户' }).click();
  const link = page.getByTestId('links').locator('tr', { hasText: '李小红' });
  await link.getByText('当前').waitFor();
  assert.match(await link.textContent(), /\d{4}-\d{2}-\d{2}/, 'the link starts today');
  await page.getByTestId('household-files').waitFor();
  await shot(page, 'staff-registry-unit');

  // A staff account with an initial password, then deactivated.
  await page.getByTestId('registry-nav').getByRole('link', { name: '员工账号' }).click();
  const addS = page.getByTestId('staff-add');
  await addS.getByLabel(/^姓名/).fill('新前台');
  await addS.getByLabel(/^电话/).fill('13912345678');
  await addS.getByLabel(/^邮箱/).fill('newdesk@example.com');
  const password = await addS.getByLabel(/^初始密码/).inputValue();
  assert.ok(password.length >= 8, 'an initial password is offered');
  await addS.getByRole('button', { name: '新建员工账号' }).click();
  await page.getByTestId('staff-added').waitFor();
  const row = page.getByTestId('staff').locator('tr', { hasText: '新前台' });
  await row.getByText('在岗').waitFor();
  const pb = new PocketBase(server.url);
  await pb.collection('staff').authWithPassword('newdesk@example.com', password);
  assert.equal(pb.authStore.record.role, 'front_desk');

  await row.getByRole('button', { name: '停用' }).click();
  await page.getByRole('dialog').getByRole('button', { name: '停用' }).click();
  await page.getByText('账号已停用').waitFor();
  await row.getByText('已停用').waitFor();
  await assert.rejects(new PocketBase(server.url).collection('staff').authWithPassword('newdesk@example.com', password));
  await shot(page, 'staff-registry-staff');
  assert.deepEqual(page.scriptErrors, []);
});

test('a supervisor edits the registry but creates no staff account', async () => {
  const page = await newPage(browser, DESKTOP);
  await signIn(page, server.url, 'supervisor@example.com', '/staff/');
  await page.waitForURL(/#\/dashboard/);
  await page.goto(server.url + '/staff/#/registry/staff');
  await page.getByTestId('skills-only').waitFor();
  await page.getByTestId('staff').waitFor();
  assert.equal(await page.getByTestId('staff-add-box').count(), 0);
  assert.equal(await page.getByRole('button', { name: '停用' }).count(), 0);
  // The front desk reads the registry without the forms.
  const desk = await newPage(browser, DESKTOP);
  await signIn(desk, server.url, 'frontdesk@example.com', '/staff/');
  await desk.waitForURL(/#\/desk/);
  await desk.goto(server.url + '/staff/#/registry');
  await desk.getByTestId('read-only').waitFor();
  assert.equal(await desk.getByTestId('building-add-box').count(), 0);
  await desk.goto(server.url + '/staff/#/registry/staff');
  await desk.getByText('这个页面不属于您的岗位').waitFor();
  assert.deepEqual(page.scriptErrors, []);
  assert.deepEqual(desk.scriptErrors, []);
});
