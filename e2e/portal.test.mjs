// The residents' portal: sign-in, a complaint filed with a photo whose
// status change made by staff arrives live, the language switch, and that
// one resident cannot open another's records by URL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, newPage, signIn, api, shot, PHONE, DESKTOP } from './harness.mjs';

// A 2×2 PNG, enough for the server's type and size checks.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==', 'base64');

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.stop(); });

test('a resident files a complaint with a photo and sees it assigned live', async () => {
  const page = await newPage(browser, PHONE);
  await signIn(page, server.url, 'owner1@example.com');
  await page.getByRole('heading', { name: /李明，您好/ }).waitFor();
  await shot(page, 'portal-home', { fullPage: false });

  await page.getByRole('link', { name: '我要投诉' }).first().click();
  await page.getByLabel('清洁').check();
  await page.getByLabel(/投诉内容/).fill('2 单元电梯厅垃圾两天没有清运，气味很大。');
  await page.locator('input[type=file]').setInputFiles({ name: 'trash.png', mimeType: 'image/png', buffer: PNG });
  await page.getByRole('img', { name: 'trash.png' }).waitFor();
  await page.getByLabel(/匿名/).check();
  await shot(page, 'portal-complaint-new', { fullPage: false });
  await page.getByRole('button', { name: '提交', exact: true }).click();
  // The confirm dialog comes first: nothing is filed until it is accepted.
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  await dialog.getByRole('button', { name: '提交' }).click();

  await page.waitForURL(/#\/complaints\/(?!new)\w+$/);
  const id = page.url().split('/').pop();
  const status = page.getByTestId('complaint-status');
  await assert.doesNotReject(status.getByText('已受理').waitFor());

  const desk = await api(server.url, 'frontdesk@example.com');
  const filed = await desk.collection('complaints').getOne(id);
  assert.equal(filed.channel, 'portal');
  assert.equal(filed.category, 'cleaning');
  assert.equal(filed.attachments.length, 1, 'the photo was uploaded');

  // Staff assign it through the API; the open page changes without a reload.
  const supervisor = await api(server.url, 'supervisor@example.com');
  const handler = await supervisor.collection('staff').getFirstListItem('role = "area_manager"');
  const navigations = [];
  page.on('framenavigated', (f) => navigations.push(f.url()));
  await supervisor.collection('complaints').update(id, { status: 'assigned', handler: handler.id });
  await status.getByText('已派单').waitFor({ timeout: 5000 });
  assert.deepEqual(navigations, [], 'the change arrived without reloading the page');
  await page.getByRole('listitem').filter({ hasText: '已派单' }).waitFor(); // timeline follows
  await shot(page, 'portal-complaint-detail', { fullPage: false });

  // English on request, Chinese by default.
  // (The language switch is in the account menu: the phone's bar keeps community, unit and bell.)
  await page.getByRole('button', { name: '我的账户' }).click();
  await page.getByRole('button', { name: '切换到英文' }).click();
  await status.getByText('Assigned', { exact: true }).waitFor(); // statuses capitalised in English
  await page.getByRole('button', { name: 'Switch to Chinese' }).click();
  await status.getByText('已派单').waitFor();
  assert.deepEqual(page.scriptErrors, []);
  await page.context().close();
});

test('the portal is usable on a desktop too', async () => {
  const page = await newPage(browser, DESKTOP);
  await signIn(page, server.url, 'owner1@example.com');
  await page.getByRole('heading', { name: '进行中的事项' }).waitFor();
  await page.getByTestId('due-total').waitFor();
  await shot(page, 'portal-home-desktop', { fullPage: false });
  assert.deepEqual(page.scriptErrors, []);
  await page.context().close();
});

test('a wrong password is told plainly and nothing else happens', async () => {
  const page = await newPage(browser, PHONE);
  await page.goto(server.url + '/');
  await page.getByLabel('邮箱或手机号').fill('owner1@example.com');
  await page.getByLabel('密码').fill('not-the-password');
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByRole('alert').getByText('账号或密码不正确').waitFor();
  assert.equal(await page.evaluate(() => localStorage.getItem('pocketbase_auth')), null);
  await page.context().close();
});

test("owner2 cannot open owner1's records by URL", async () => {
  const owner1 = await api(server.url, 'owner1@example.com');
  const complaint = await owner1.collection('complaints').getFirstListItem('');
  const order = await owner1.collection('work_orders').getFirstListItem('');

  const page = await newPage(browser, PHONE);
  await signIn(page, server.url, 'owner2@example.com');
  await page.getByRole('heading', { name: /您好/ }).waitFor();
  for (const path of [`#/complaints/${complaint.id}`, `#/repairs/${order.id}`]) {
    await page.goto(`${server.url}/${path}`);
    // The tab turns with the screen (one render): the previous screen's alert must not answer for this one.
    await page.locator(`nav.tabs a[aria-current="page"][href="${path.slice(0, path.lastIndexOf('/'))}"]`).waitFor({ state: 'attached' });
    await page.getByRole('alert').getByText(/未找到该记录|没有找到这条记录/).waitFor();
    const text = await page.locator('main').innerText();
    for (const secret of [complaint.serial, complaint.content, order.serial]) {
      assert.ok(!text.includes(secret), `${path} shows ${secret}`);
    }
  }
  // owner2's own home lists nothing of owner1's.
  await page.goto(server.url + '/#/');
  await page.getByRole('heading', { name: '进行中的事项' }).waitFor();
  // Read once the section's list (or its empty text) is in, not its spinner.
  await page.locator('section[aria-labelledby="h-open"]').locator('ul.list, .state.empty').waitFor();
  const home = await page.locator('main').innerText();
  assert.ok(!home.includes(complaint.serial) && !home.includes(order.serial));
  await page.context().close();
});

test('sign out, and the password reset screens', async () => {
  const page = await newPage(browser, PHONE);
  await signIn(page, server.url, 'owner2@example.com');
  await page.getByRole('heading', { name: /您好/ }).waitFor();
  await page.getByRole('button', { name: '我的账户' }).click();
  await page.getByRole('button', { name: '退出登录' }).click();
  await page.getByRole('heading', { name: '住户登录' }).waitFor();
  assert.equal(await page.evaluate(() => localStorage.getItem('pocketbase_auth')), null, 'signing out forgets the session');

  await page.getByRole('link', { name: '忘记密码？' }).click();
  await page.getByLabel('登记的邮箱').fill('owner2@example.com');
  await page.getByRole('button', { name: '发送重设邮件' }).click();
  await page.getByRole('status').getByText(/重设密码的邮件已发出/).waitFor();

  // A link with a token that is not valid is refused in words, and the
  // old password still works.
  await page.goto(server.url + '/#/reset/not-a-token');
  await page.getByLabel('新密码（至少 10 位）').fill('another-pass-1');
  await page.getByLabel('再次输入新密码').fill('another-pass-1');
  await page.getByRole('button', { name: '保存' }).click();
  await page.getByRole('alert').first().waitFor();
  assert.doesNotMatch(await page.getByRole('alert').first().innerText(), /^\s*$|[{}]/);
  await assert.doesNotReject(api(server.url, 'owner2@example.com'));
  assert.deepEqual(page.scriptErrors, []);
  await page.context().close();
});

test('a resident with two units switches between them; a replied complaint is rated', async () => {
  const owner2 = await api(server.url, 'owner2@example.com');
  const links = await owner2.collection('unit_residents').getFullList({ expand: 'unit.building', sort: 'created' });
  assert.equal(links.length, 2, 'the demo gives owner2 a flat and a parking space');
  const parking = links.find((l) => l.expand.unit.type === 'parking').expand.unit;

  const page = await newPage(browser, PHONE);
  await signIn(page, server.url, 'owner2@example.com');
  await page.getByRole('heading', { name: /王芳，您好/ }).waitFor();
  const switcher = page.getByLabel('切换房屋');
  assert.equal(await switcher.locator('option').count(), 2);
  await switcher.selectOption(parking.id);
  await page.getByText(`${parking.expand.building.name} ${parking.number} · 业主`).waitFor();
  // The bills screen follows the chosen unit.
  const bills = await owner2.collection('bills').getFullList({ filter: owner2.filter('unit = {:u}', { u: parking.id }) });
  await page.getByRole('navigation', { name: '主要栏目' }).getByRole('link', { name: '账单' }).click();
  await page.waitForURL(/#\/bills$/);
  for (const b of bills) await page.getByText(b.serial).first().waitFor();
  const flat = links.find((l) => l.expand.unit.type !== 'parking').expand.unit;
  const flatBills = await owner2.collection('bills').getFullList({ filter: owner2.filter('unit = {:u}', { u: flat.id }) });
  assert.ok(flatBills.length > 0);
  assert.equal(await page.getByText(flatBills[0].serial).count(), 0, "the flat's bills are not listed under the parking space");

  // The demo's replied complaint about the entrance door: owner2 rates it.
  const complaint = await owner2.collection('complaints').getFirstListItem('status = "replied"');
  await page.goto(`${server.url}/#/complaints/${complaint.id}`);
  await page.getByRole('heading', { name: '评价处理结果' }).waitFor();
  await page.getByLabel('满意', { exact: true }).check();
  await page.getByLabel(/补充说明/).fill('门禁已修好，谢谢');
  await page.getByRole('button', { name: '提交' }).click();
  await page.getByTestId('complaint-status').getByText('已回访').waitFor();
  const rated = await owner2.collection('complaints').getOne(complaint.id);
  assert.equal(rated.satisfaction, 'satisfied');
  assert.equal(rated.revisit_note, '门禁已修好，谢谢');
  assert.equal(await page.getByRole('heading', { name: '评价处理结果' }).count(), 0, 'rated once');
  assert.deepEqual(page.scriptErrors, []);
  await page.context().close();
});
