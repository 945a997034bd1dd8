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

  // Only the steps the flow gives the desk from "signed_off": the revisit.
  const revisit = page.getByRole('form', { name: '已回访' });
  await revisit.getByLabel('回访方式').selectOption('home_visit');
  await revisit.getByLabel('满意度').selectOption('satisfied');
  await revisit.getByLabel('回访记录').fill('上门查看，维修质量良好');
  await revisit.getByRole('button', { name: '已回访' }).click();
  await page.getByRole('dialog').getByRole('button', { name: '已回访' }).click();
  await page.getByRole('form', { name: '已关闭' }).waitFor();
  let saved = await desk.collection('work_orders').getOne(order.id);
  assert.equal(saved.status, 'revisited');
  assert.equal(saved.revisit_method, 'home_visit');
  assert.equal(await page.getByRole('form', { name: '已取消' }).count(), 0, 'no cancelling a finished order');

  await page.getByRole('form', { name: '已关闭' }).getByRole('button', { name: '已关闭' }).click();
  await page.getByRole('dialog').getByRole('button', { name: '已关闭' }).click();
  await page.locator('.toast').filter({ hasText: '已关闭' }).waitFor();
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
