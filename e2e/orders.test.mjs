// A work order seen by the office: its detail with the steps the role may
// take, the cashier's payment, and the triplicate print-out in Chinese.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, newPage, signIn, api, shot, DESKTOP } from './harness.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.stop(); });

test('the desk revisits and closes an order from its page and prints it in triplicate', async () => {
  const desk = await api(server.url, 'frontdesk@example.com');
  // A finished order of the demo, signed off by its resident.
  const order = await desk.collection('work_orders').getFirstListItem('status = "signed_off"', { sort: 'created' });
  const capitals = (await desk.send('/api/wuye/capitals', { query: { fen: [String(order.amount_fen)] } }))[String(order.amount_fen)];

  const page = await newPage(browser, DESKTOP);
  await signIn(page, server.url, 'frontdesk@example.com', '/staff/');
  await page.waitForURL(/#\/desk$/);
  await page.goto(`${server.url}/staff/#/orders/${order.id}`);
  await page.getByRole('heading', { name: order.serial }).waitFor();

  // Only the steps the flow gives the desk from "signed_off": the revisit,
  // on a button that says what it does (the flow table's verb).
  const revisit = page.getByRole('form', { name: '登记回访' });
  await revisit.getByLabel('回访方式').selectOption('home_visit');
  await revisit.getByLabel('满意度').selectOption('satisfied');
  await revisit.getByLabel('回访记录').fill('上门查看，维修质量良好');
  await revisit.getByRole('button', { name: '登记回访' }).click();
  await page.getByRole('dialog').getByRole('button', { name: '登记回访' }).click();
  await page.getByRole('form', { name: '关闭工单' }).waitFor();
  let saved = await desk.collection('work_orders').getOne(order.id);
  assert.equal(saved.status, 'revisited');
  assert.equal(saved.revisit_method, 'home_visit');
  assert.equal(await page.getByRole('form', { name: '取消工单' }).count(), 0, 'no cancelling a finished order');

  await page.getByRole('form', { name: '关闭工单' }).getByRole('button', { name: '关闭工单' }).click();
  await page.getByRole('dialog').getByRole('button', { name: '关闭工单' }).click();
  await page.locator('.toast').filter({ hasText: '已关闭' }).waitFor(); // the toast names the status reached
  saved = await desk.collection('work_orders').getOne(order.id);
  assert.equal(saved.status, 'closed');

  await page.getByRole('link', { name: '打印派工单（三联）' }).click();
  await page.locator('.wo-copy').first().waitFor();
  assert.equal(await page.locator('.wo-copy').count(), 3, 'three copies');
  for (const copy of ['第一联 存根（客服中心）', '第二联 维修人员', '第三联 业主']) await page.getByText(copy).waitFor();
  assert.equal((await page.getByTestId('wo-capitals').first().innerText()).trim(), capitals);
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('.print-bar').isVisible(), false, 'the bar is not printed');
  await shot(page, 'staff-print-work-order', { fullPage: true });
  assert.deepEqual(page.scriptErrors, []);
  await page.context().close();
});

test('the cashier marks a paid order paid on site; a technician cannot open the office page', async () => {
  const cashier = await api(server.url, 'cashier@example.com');
  const order = await cashier.collection('work_orders').getFirstListItem('kind = "paid" && payment = "billed"');
  const page = await newPage(browser, DESKTOP);
  await signIn(page, server.url, 'cashier@example.com', '/staff/');
  await page.waitForURL(/#\/cashier$/);
  await page.goto(`${server.url}/staff/#/orders/${order.id}`);
  await page.getByRole('heading', { name: order.serial }).waitFor();
  assert.equal(await page.locator('.step-form').count(), 0, 'the cashier takes no flow step');
  // 办理即收费: paid means a payment taken, by its method, with a receipt.
  assert.equal(await page.getByRole('button', { name: '收款', exact: true }).isDisabled(), true, 'how it was paid comes first');
  await page.getByLabel('收款方式').selectOption('cash');
  await page.getByRole('button', { name: '收款', exact: true }).click();
  await page.locator('.toast').filter({ hasText: '已收款' }).waitFor();
  assert.equal((await cashier.collection('work_orders').getOne(order.id)).payment, 'paid');
  assert.equal((await cashier.collection('bills').getFirstListItem(`work_order = "${order.id}"`)).status, 'paid');
  await page.context().close();

  const tech = await newPage(browser, DESKTOP);
  await signIn(tech, server.url, 'tech1@example.com', '/staff/');
  await tech.waitForURL(/#\/field$/);
  await tech.goto(`${server.url}/staff/#/orders/${order.id}`);
  await tech.getByRole('alert').getByText('这个页面不属于您的岗位').waitFor();
  await tech.context().close();
});

// Issue #19 item 11: buttons are verbs from the flow table; a paid job never
// reads "无需付款"; an unpriced order prints with its amount lines blank;
// cancelling is done in the detail, never on a dispatch-board card.
test('order detail: verbs on the buttons, payment of a paid job, a blank unpriced print, cancel in the detail only', async () => {
  const desk = await api(server.url, 'frontdesk@example.com');
  const svc = await desk.collection('service_items').getFirstListItem('kind = "paid" && needs_estimate = true');
  const unit = await desk.collection('units').getFirstListItem('building.code = "1" && number = "104"');
  // A paid job waiting for its quote to be confirmed, and a new unpriced one.
  const quoted = await desk.collection('work_orders').getFirstListItem('status = "quoted"').catch(() => null);
  const fresh = await desk.collection('work_orders').create({
    community: unit.community, unit: unit.id, kind: 'paid', category: svc.category, service_item: svc.id,
    description: '浴室柜安装（未报价）', contact_name: '测试', contact_phone: '13700000000', urgency: 'normal',
  });

  const page = await newPage(browser, DESKTOP);
  await signIn(page, server.url, 'frontdesk@example.com', '/staff/');
  await page.waitForURL(/#\/desk$/);

  // The dispatch board: no cancelling on any card.
  await page.goto(`${server.url}/staff/#/dispatch`);
  await page.locator('.wo-card').first().waitFor();
  await page.locator('.wo-card').filter({ hasText: fresh.serial }).waitFor();
  assert.equal(await page.locator('.wo-card').getByRole('button', { name: /取消/ }).count(), 0, 'no 取消工单 on a card');

  await page.goto(`${server.url}/staff/#/orders/${fresh.id}`);
  await page.getByRole('heading', { name: fresh.serial }).waitFor();
  assert.notEqual((await page.getByTestId('order-payment').innerText()).trim(), '无需付款', 'a paid job is never "no charge"');
  assert.equal((await page.getByTestId('order-payment').innerText()).trim(), '待结算');
  const buttons = await page.locator('.step-form button').allInnerTexts();
  assert.deepEqual(buttons.map((b) => b.trim()), ['派工', '取消工单'], 'verbs, cancelling last');
  for (const status of ['已派工', '已取消']) assert.equal(await page.getByRole('button', { name: status, exact: true }).count(), 0, `no button named after the status ${status}`);

  // The triplicate of the unpriced order: amount lines left blank.
  await page.goto(`${server.url}/staff/#/print/work-order/${fresh.id}`);
  await page.locator('.wo-copy').first().waitFor();
  for (const id of ['wo-total', 'wo-capitals', 'wo-payment']) {
    for (const text of await page.getByTestId(id).allInnerTexts()) assert.equal(text.trim(), '', `${id} is blank on an unpriced order`);
  }
  assert.equal(await page.getByText('零元整').count(), 0);
  assert.equal(await page.getByText('¥0.00').count(), 0);

  // Cancelled from the detail, with its reason.
  await page.goto(`${server.url}/staff/#/orders/${fresh.id}`);
  const cancel = page.getByRole('form', { name: '取消工单' });
  await cancel.getByLabel(/取消原因/).fill('住户改约，自行处理');
  await cancel.getByRole('button', { name: '取消工单' }).click();
  await page.getByRole('dialog').getByRole('button', { name: '取消工单' }).click();
  await page.locator('.toast').filter({ hasText: '已取消' }).waitFor();
  assert.equal((await desk.collection('work_orders').getOne(fresh.id)).status, 'cancelled');

  if (quoted) {
    await page.goto(`${server.url}/staff/#/orders/${quoted.id}`);
    await page.getByRole('heading', { name: quoted.serial }).waitFor();
    await page.getByRole('button', { name: '代住户确认报价' }).waitFor();
    assert.notEqual((await page.getByTestId('order-payment').innerText()).trim(), '无需付款');
  }
  assert.deepEqual(page.scriptErrors, []);
  await page.context().close();
});
