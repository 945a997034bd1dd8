// The whole working day in three windows at once: the front desk
// takes a call and dispatches it from the board; the technician's open field
// app shows the order within a second and completes it with the resident's
// signature; the supervisor's open dashboard shows the changed figures.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, newPage, signIn, api, PHONE, DESKTOP, now } from './harness.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.stop(); });

const month = () => new Date(now().getTime() + 8 * 3600_000).toISOString().slice(0, 7); // Shanghai

test('a call taken at the desk is worked on site and counted on the dashboard', async () => {
  const supervisor = await api(server.url, 'supervisor@example.com');
  const community = (await supervisor.collection('communities').getFirstListItem('code = "CH"')).id;
  const orderStats = () => supervisor.send('/api/stats/work-orders', { query: { community, month: month() } });
  const before = await orderStats();

  // The supervisor's dashboard and the technician's field app are open.
  const dash = await newPage(browser, DESKTOP);
  await signIn(dash, server.url, 'supervisor@example.com', '/staff/');
  await dash.waitForURL(/#\/dashboard$/);
  const tile = (id) => dash.locator(`[data-testid=kpi-${id}] [data-testid=kpi-value]`);
  const pct = (v) => dash.evaluate(async (x) => (await import('/js/staff/dashboard/common.js')).pct(x), v);
  await dash.waitForFunction(() => /%|—/.test(document.querySelector('[data-testid=kpi-reply15] [data-testid=kpi-value]')?.textContent || ''));
  assert.equal(await tile('reply15').innerText(), await pct(before.reply_rate));

  const field = await newPage(browser, PHONE);
  await signIn(field, server.url, 'tech1@example.com', '/staff/');
  await field.waitForURL(/#\/field$/);
  await field.locator('[data-live="live"]').waitFor();

  // The desk takes the call for 1-102 and dispatches it to tech1 from the board.
  const desk = await newPage(browser, DESKTOP);
  await signIn(desk, server.url, 'frontdesk@example.com', '/staff/');
  await desk.waitForURL(/#\/desk$/);
  const box = desk.getByRole('searchbox');
  await box.fill('1-102');
  await box.press('Enter');
  await desk.getByTestId('unit-card').getByRole('heading', { name: /1栋 102/ }).waitFor();
  const form = desk.getByRole('form', { name: '报修 / 服务' });
  await form.getByLabel(/^类别/).selectOption('electrical');
  const description = form.getByLabel(/^报修内容/);
  await description.fill('客厅顶灯不亮（来电）');
  await description.press('Control+Enter');
  const filed = desk.getByText(/刚登记：PG-\d{8}-\d{4}/);
  await filed.waitFor();
  const serial = (await filed.innerText()).match(/PG-\d{8}-\d{4}/)[0];
  const order = await supervisor.collection('work_orders').getFirstListItem(`serial = "${serial}"`);

  await desk.getByRole('link', { name: '去派工看板' }).click();
  const card = desk.getByTestId('col-new').getByRole('article', { name: serial });
  await card.waitFor();
  const tech1 = await supervisor.collection('staff').getFirstListItem('phone = "13900000006"');
  await card.getByRole('combobox', { name: '派给师傅' }).selectOption(tech1.id);
  const patched = desk.waitForResponse((r) => r.url().includes(`/records/${order.id}`) && r.request().method() === 'PATCH');
  await card.getByRole('button', { name: '派工', exact: true }).click();
  await patched;
  const t0 = Date.now();
  await field.locator(`li[data-id="${order.id}"]`).waitFor({ timeout: 1000 });
  console.log(`the field app showed the dispatch ${Date.now() - t0} ms after the desk's request returned`);

  // On site: accept, arrive, work, complete, and the resident signs.
  await field.locator(`li[data-id="${order.id}"]`).getByRole('link').click();
  const status = field.getByTestId('field-status');
  // The list has its own 接单 buttons: wait for the order's screen first.
  await status.waitFor();
  await field.getByRole('button', { name: '接单', exact: true }).click();
  await status.getByText('已接单').waitFor();
  await field.getByRole('button', { name: '到场签到' }).click();
  await status.getByText('已到场').waitFor();
  await field.getByRole('button', { name: '开始施工' }).click();
  await status.getByText('施工中').waitFor();
  await field.getByRole('button', { name: '完工', exact: true }).click();
  await field.getByRole('dialog').getByRole('button', { name: '完工' }).click();
  await status.getByText('已完工').waitFor();
  await field.getByLabel('确认完工', { exact: true }).check();
  await field.getByLabel('满意', { exact: true }).check();
  // Toasts float over the bottom of the screen: let them go before signing.
  await field.locator('.toast').first().waitFor({ state: 'detached', timeout: 6000 });
  const pad = field.getByTestId('signature-pad');
  await pad.scrollIntoViewIfNeeded();
  const b = await pad.boundingBox();
  await field.mouse.move(b.x + 30, b.y + 120);
  await field.mouse.down();
  for (let i = 1; i <= 24; i++) await field.mouse.move(b.x + 30 + i * 11, b.y + 120 - Math.sin(i / 3) * 50);
  await field.mouse.up();
  await field.getByRole('button', { name: '提交签收' }).click();
  await field.getByRole('dialog').getByRole('button', { name: '提交签收' }).click();
  await status.getByText('已签收').waitFor();
  const done = await supervisor.collection('work_orders').getOne(order.id);
  assert.equal(done.status, 'signed_off');
  assert.ok(done.signature, 'the signature is stored');

  // The dashboard, left open, now shows the month's figures with this order.
  const now = await orderStats();
  assert.equal(now.totals.total, before.totals.total + 1, 'the order counts in the month');
  const [reply, arrival] = [await pct(now.reply_rate), await pct(now.arrival_rate)];
  await dash.waitForFunction(([r, a]) => {
    const v = (id) => document.querySelector(`[data-testid=kpi-${id}] [data-testid=kpi-value]`)?.textContent;
    return v('reply15') === r && v('arrival') === a;
  }, [reply, arrival], { timeout: 10_000 });
  assert.ok(reply !== (await pct(before.reply_rate)) || arrival !== (await pct(before.arrival_rate)), 'a figure on the dashboard changed');
  for (const p of [dash, field, desk]) assert.deepEqual(p.scriptErrors, []);
});
