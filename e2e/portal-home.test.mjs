// The residents' portal as a household uses it (issue #19, items 1–8): the
// household's repairs and complaints, what waits for the resident on the
// home page, the phone's top bar with its account menu and a bell panel on
// screen, the complaint form that checks before it asks, the grouped price
// list, a quote that says what it covers, dates that do not break, the
// notices tab, English units and prices, and the hint for an account of
// the other page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, newPage, signIn, api, shot, PASSWORD, PHONE, DESKTOP } from './harness.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.stop(); });

test("a tenant sees the household's repairs and complaints, not who filed them nor another's anonymous one", async () => {
  const owner1 = await api(server.url, 'owner1@example.com');
  const tenant1 = await api(server.url, 'tenant1@example.com');
  const unit = (await tenant1.collection('unit_residents').getFirstListItem('active = true')).unit;
  // The owner's repair of the flat the tenant lives in (from the demo), and
  // a complaint the owner files anonymously now.
  const repair = await owner1.collection('work_orders').getFirstListItem(owner1.filter('unit = {:u} && requester = {:me}', { u: unit, me: owner1.authStore.record.id }));
  const anonymous = await owner1.collection('complaints').create({ unit, category: 'security', content: '业主匿名投诉：夜里有人翻越围墙', contact_name: '李明', contact_phone: '13800000001', anonymous: true });

  const page = await newPage(browser, PHONE);
  await signIn(page, server.url, 'tenant1@example.com');
  await page.getByRole('heading', { name: /张伟，您好/ }).waitFor();
  await page.getByRole('navigation', { name: '主要栏目' }).getByRole('link', { name: '报修' }).click();
  const row = page.locator('a.item', { hasText: repair.serial });
  await row.waitFor();
  await row.getByTestId('by-household').waitFor();
  await row.click();
  await page.getByTestId('asked-by-household').waitFor();
  const text = await page.locator('main').innerText();
  assert.ok(!text.includes('13800000001'), "the owner's phone is not shown to the tenant");
  assert.equal(await page.getByRole('button', { name: /确认报价|取消报修|签收/ }).count(), 0, 'only the one who asked acts on it');

  await page.getByRole('navigation', { name: '主要栏目' }).getByRole('link', { name: '投诉' }).click();
  await page.getByText(/全家的投诉/).waitFor();
  // Read once the list (or its empty text) is in, not its spinner.
  await page.locator('main div.card').locator('ul.list, .state.empty').waitFor();
  assert.ok(!(await page.locator('main').innerText()).includes(anonymous.serial), "the owner's anonymous complaint stays the owner's");
  assert.deepEqual(page.scriptErrors, []);
  await page.context().close();
});

test('the home page shows what waits for the resident first, one tap to act; the quote says what it covers', async () => {
  const page = await newPage(browser, PHONE);
  await signIn(page, server.url, 'owner2@example.com');
  const todo = page.getByTestId('your-turn');
  await todo.getByRole('heading', { name: /待您处理/ }).waitFor();
  // Above everything else on the page.
  const [todoBox, openBox] = await Promise.all([todo.boundingBox(), page.getByRole('heading', { name: '进行中的事项' }).boundingBox()]);
  assert.ok(todoBox.y < openBox.y, 'the to-do block comes before the open requests');
  // The demo's quoted repair of 1-102 and its replied complaint.
  const quote = todo.locator('[data-todo="quote"]').first();
  await quote.waitFor();
  await todo.locator('[data-todo="rate"]').first().waitFor();
  await shot(page, 'portal-home-todo', { fullPage: false });
  await quote.click();
  await page.waitForURL(/#\/repairs\/\w+$/);
  await page.getByTestId('quote-note').getByText(/卫生间墙内/).waitFor();
  await page.getByRole('button', { name: '确认报价' }).waitFor();
  await shot(page, 'portal-repair-quote-note', { fullPage: false });
  assert.deepEqual(page.scriptErrors, []);
  await page.context().close();
});

test('phone top bar: community, unit switcher and bell; sign-out and language in the account menu; the bell panel on screen', async () => {
  const page = await newPage(browser, PHONE);
  await signIn(page, server.url, 'owner2@example.com'); // two units: the switcher shows
  await page.getByLabel('切换房屋').waitFor();
  const bar = page.locator('header.topbar');
  const title = bar.locator('.title');
  const [barBox, titleBox] = await Promise.all([bar.boundingBox(), title.boundingBox()]);
  assert.ok(barBox.height < 70, `the bar stays one line (${barBox.height}px)`);
  assert.ok(titleBox.width > 40, `the community name keeps its room (${titleBox.width}px)`);
  assert.equal(await bar.getByRole('button', { name: '退出登录' }).count(), 0, 'sign-out is not in the bar');

  await bar.getByRole('button', { name: /通知/ }).click();
  const panel = page.locator('.bell-panel');
  await panel.waitFor();
  const box = await panel.boundingBox();
  assert.ok(box.x >= 0 && box.x + box.width <= 375, `the bell panel is on screen: x ${box.x}, width ${box.width}`);
  await page.keyboard.press('Escape');

  await bar.getByRole('button', { name: '我的账户' }).click();
  const menu = page.getByTestId('account-menu');
  const menuBox = await menu.boundingBox();
  assert.ok(menuBox.x >= 0 && menuBox.x + menuBox.width <= 375, 'the account menu is on screen');
  await menu.getByRole('button', { name: '切换到英文' }).click();
  // English: the unit and building in English.
  await page.locator('main').getByText(/Bldg 1, Unit 102/).first().waitFor();
  // (The menu stays open: the next choice is one tap away.)
  await menu.getByRole('button', { name: 'Switch to Chinese' }).click();
  await menu.getByRole('button', { name: '退出登录' }).click();
  await page.getByRole('heading', { name: '住户登录' }).waitFor();
  assert.deepEqual(page.scriptErrors, []);
  await page.context().close();
});

test('complaint form: checked before the confirmation, and an error goes once its field is filled', async () => {
  const page = await newPage(browser, PHONE);
  await signIn(page, server.url, 'owner1@example.com');
  await page.getByRole('heading', { name: /您好/ }).waitFor();
  await page.goto(server.url + '/#/complaints/new');
  await page.getByRole('button', { name: '提交', exact: true }).click();
  await page.getByText('请选择投诉类别').waitFor();
  await page.getByText('请写明投诉内容').waitFor();
  assert.equal(await page.getByRole('dialog').count(), 0, 'no confirmation for a form that cannot be sent');
  await page.getByLabel(/投诉内容/).fill('楼下餐馆油烟很大');
  await page.getByText('请写明投诉内容').waitFor({ state: 'detached' });
  await page.getByText('请选择投诉类别').waitFor(); // the other stays until it is filled
  await page.getByLabel('清洁').check();
  await page.getByText('请选择投诉类别').waitFor({ state: 'detached' });
  await page.getByRole('button', { name: '提交', exact: true }).click();
  await page.getByRole('dialog').waitFor();
  await page.getByRole('dialog').getByRole('button', { name: '取消' }).click();
  assert.deepEqual(page.scriptErrors, []);
  await page.context().close();
});

test('repair form: the price list grouped, home repairs first, free items marked; English prices per unit', async () => {
  const page = await newPage(browser, PHONE);
  await signIn(page, server.url, 'owner1@example.com');
  await page.getByRole('heading', { name: /您好/ }).waitFor();
  await page.goto(server.url + '/#/repairs/new');
  await page.locator('.price-group').first().waitFor();
  const groups = await page.locator('.price-group').evaluateAll((gs) => gs.map((g) => g.dataset.group));
  assert.deepEqual(groups, ['home', 'cleaning', 'office', 'agency']);
  const home = page.locator('.price-group[data-group="home"]');
  await home.getByText('公共区域维修').waitFor();
  await home.locator('.pick', { hasText: '公共区域维修' }).getByText('免费').waitFor();
  assert.equal(await home.getByText('复印').count(), 0, 'office services are their own group');
  await page.getByText('急修').first().waitFor(); // the urgent path with the hotline stays on top
  await page.getByRole('button', { name: '我的账户' }).click();
  await page.getByRole('button', { name: '切换到英文' }).click();
  await page.getByText('¥20.00 / item').first().waitFor();
  assert.deepEqual(page.scriptErrors, []);
  await page.context().close();
});

test('dates do not break mid-number; notices have their own tab', async () => {
  const page = await newPage(browser, PHONE);
  await signIn(page, server.url, 'owner1@example.com');
  await page.getByRole('heading', { name: /您好/ }).waitFor();
  await page.getByRole('navigation', { name: '主要栏目' }).getByRole('link', { name: '报修' }).click();
  const when = page.locator('main time').first();
  await when.waitFor();
  assert.equal(await when.evaluate((el) => getComputedStyle(el).whiteSpace), 'nowrap');
  const tab = page.getByRole('navigation', { name: '主要栏目' }).getByRole('link', { name: '公告' });
  const box = await tab.boundingBox();
  assert.ok(box.height >= 44 && box.width >= 44, `the notices tab is a real tab (${box.width}×${box.height})`);
  await tab.click();
  await page.waitForURL(/#\/notices$/);
  assert.deepEqual(page.scriptErrors, []);
  await page.context().close();
});

test("a staff account at the portal is sent to /staff/, a resident's at /staff/ to the portal; a wrong password says nothing more", async () => {
  const page = await newPage(browser, PHONE);
  await page.goto(server.url + '/');
  await page.getByLabel('邮箱或手机号').fill('frontdesk@example.com');
  await page.getByLabel('密码').fill(PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  const hint = page.getByTestId('signin-elsewhere');
  await hint.getByRole('link', { name: /员工工作台/ }).waitFor();
  assert.equal(await hint.getByRole('link').getAttribute('href'), '/staff/');
  assert.equal(await page.evaluate(() => localStorage.getItem('pocketbase_auth')), null, 'no session is kept');
  // A wrong password for the same account reads as any wrong password.
  await page.getByLabel('密码').fill('not-the-password');
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByRole('alert').getByText('账号或密码不正确').waitFor();
  assert.equal(await hint.count(), 0);

  await page.goto(server.url + '/staff/');
  await page.getByLabel(/邮箱或手机号/).fill('owner1@example.com');
  await page.getByLabel(/^密码/).fill(PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByTestId('signin-elsewhere').getByRole('link', { name: /住户服务/ }).waitFor();
  assert.equal(await page.evaluate(() => localStorage.getItem('pocketbase_auth')), null);
  assert.deepEqual(page.scriptErrors, []);
  await page.context().close();
});

test('desktop: the to-do block and the account menu', async () => {
  const page = await newPage(browser, DESKTOP);
  await signIn(page, server.url, 'owner2@example.com');
  await page.getByTestId('your-turn').locator('[data-todo]').first().waitFor();
  await page.getByRole('button', { name: '我的账户' }).click();
  await page.getByTestId('account-menu').getByRole('button', { name: '退出登录' }).waitFor();
  await shot(page, 'portal-home-desktop-todo', { fullPage: false });
  assert.deepEqual(page.scriptErrors, []);
  await page.context().close();
});

test("a new request shows on the home from its message, without reading it back; another unit's stays off", async () => {
  const owner2 = await api(server.url, 'owner2@example.com');
  const links = await owner2.collection('unit_residents').getFullList({ filter: 'active = true', expand: 'unit' });
  const home = links.find((l) => l.expand.unit.number === '102').unit;
  const other = links.find((l) => l.unit !== home).unit; // the parking space
  const item = await owner2.collection('service_items').getFirstListItem('active = true && kind = "paid"');

  const page = await newPage(browser, PHONE);
  await signIn(page, server.url, 'owner2@example.com');
  const open = page.locator('section', { has: page.getByRole('heading', { name: '进行中的事项' }) });
  await open.locator('ul.list, .state.empty').waitFor();
  const reads = [];
  page.on('request', (r) => { if (/\/api\/collections\/(complaints|work_orders|renovations)\/records/.test(r.url())) reads.push(r.url()); });

  // Another unit's complaint first: had it been placed, it would be there
  // by the time the next one is.
  const elsewhere = await owner2.collection('complaints').create({ unit: other, category: 'security', content: '车位被占（另一处房屋）', contact_name: '王芳', contact_phone: '13800000002' });
  const repair = await owner2.collection('work_orders').create({ unit: home, category: item.category, service_item: item.id, description: '卡片：空调不制冷' });
  const complaint = await owner2.collection('complaints').create({ unit: home, category: 'cleaning', content: '卡片：楼道垃圾没人清', contact_name: '王芳', contact_phone: '13800000002' });
  // The repair's title is its service item's name (from the page's cache),
  // the complaint's its category and content.
  await open.locator('a.item', { hasText: repair.serial }).getByText(item.name).waitFor({ timeout: 3000 });
  await open.locator('a.item', { hasText: complaint.serial }).getByText('卡片：楼道垃圾没人清').waitFor({ timeout: 3000 });
  assert.equal(await open.locator('a.item', { hasText: elsewhere.serial }).count(), 0, "the parking space's complaint is not on 102's home");
  assert.deepEqual(reads, [], 'the new requests came with their messages');

  // A new repair the desk dispatches at once: placed from its card before
  // its service item is read (slowed down here), so the step that follows
  // finds it listed.
  const desk = await api(server.url, 'frontdesk@example.com');
  await page.route(/\/api\/collections\/service_items\/records\//, async (route) => { await new Promise((r) => setTimeout(r, 800)); await route.continue(); });
  const item2 = await owner2.collection('service_items').getFirstListItem(owner2.filter('active = true && kind = "paid" && prepay = false && id != {:id}', { id: item.id }), { sort: 'code' });
  const quick = await owner2.collection('work_orders').create({ unit: home, category: item2.category, service_item: item2.id, description: '卡片：马上派工' });
  await desk.collection('work_orders').update(quick.id, { status: 'dispatched', dispatch_mode: 'pool' });
  const row = open.locator('a.item', { hasText: quick.serial });
  await row.getByText('已派工').waitFor({ timeout: 3000 });
  await row.getByText(item2.name).waitFor({ timeout: 3000 });
  assert.deepEqual(reads, [], 'the step came with its message too');
  assert.deepEqual(page.scriptErrors, []);
  await page.context().close();
});
