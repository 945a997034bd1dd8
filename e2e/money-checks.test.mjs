// Staff workspace: the checks of the money taken (docs/DESIGN.md § Fees).
// The month's 特约服务收费明细及确认 ([003] 篇2 4.9(4)): the cashier draws a
// month up and signs it, the supervisor confirms it, and its printable page
// opens; the demo's month shows its differences flagged. The online takings
// of a day against the provider's statement: an order settled online that
// the provider's statement does not list shows as a difference. A deposit's
// receipt (YJ-) opens from the renovation's deposit ledger.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { startServer, launch, newPage, signIn, api, now, shot, DESKTOP } from './harness.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.stop(); });

const LIVE = { timeout: 5000 };
const shanghai = (d) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(d);
const thisMonth = () => shanghai(now()).slice(0, 7);
const lastMonth = () => {
  const [y, m] = thisMonth().split('-').map(Number);
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
};

async function confirm(page, ok) {
  const dialog = page.locator('dialog.confirm');
  await dialog.waitFor();
  await dialog.getByRole('button', { name: ok, exact: true }).click();
  await dialog.waitFor({ state: 'detached' });
}

test('the cashier draws up last month and signs it; the printable page opens', async () => {
  const page = await newPage(browser, DESKTOP);
  await signIn(page, server.url, 'cashier@example.com', '/staff/');
  await page.waitForURL(/#\/cashier$/);
  await page.getByRole('navigation', { name: '工作菜单' }).getByRole('link', { name: '特约服务对账' }).click();
  const month = lastMonth();
  await page.getByRole('button', { name: `起草 ${month} 明细` }).click();
  const statement = page.getByTestId('statement');
  await statement.getByRole('heading', { name: new RegExp(`^${month}`) }).waitFor();
  assert.equal(await statement.getAttribute('data-status'), 'draft');
  await statement.locator('textarea[name=note]').fill('已与派工单逐单核对');
  await statement.getByRole('button', { name: '收费员签字' }).click();
  await confirm(page, '收费员签字');
  await page.getByTestId('statement-status').filter({ hasText: '待客服主管确认' }).waitFor(LIVE);
  await statement.getByTestId('cashier-signed').filter({ hasText: '沈会计' }).waitFor();
  assert.equal(await statement.getByRole('button', { name: '主管确认' }).count(), 0, 'the cashier does not confirm her own statement');

  const cashier = await api(server.url, 'cashier@example.com');
  const saved = await cashier.collection('service_statements').getFirstListItem(cashier.filter('month = {:m}', { m: month }));
  assert.equal(saved.status, 'cashier_signed');
  assert.equal(saved.note, '已与派工单逐单核对');

  const [popup] = await Promise.all([page.context().waitForEvent('page'), statement.getByRole('button', { name: '打印明细' }).click()]);
  await popup.waitForLoadState();
  await popup.getByRole('heading', { name: '特约服务收费明细及确认' }).waitFor();
  assert.match(await popup.locator('body').innerText(), new RegExp(`${month} · 共 ${saved.orders} 单`));
  assert.match(await popup.locator('body').innerText(), /财务部（收费员）签字：沈会计/);
  await popup.close();
  assert.deepEqual(page.scriptErrors, []);
  await page.close();
});

test('the supervisor confirms it; the demo month shows its differences flagged', async () => {
  const page = await newPage(browser, DESKTOP);
  await signIn(page, server.url, 'supervisor@example.com', '/staff/');
  await page.waitForURL(/#\/dashboard$/);
  await page.goto(server.url + '/staff/#/service-statements');
  const list = page.getByTestId('statement-list');
  await list.locator(`li[data-month="${lastMonth()}"] a`).click();
  const statement = page.getByTestId('statement');
  await statement.getByRole('button', { name: '主管确认' }).click();
  await confirm(page, '主管确认');
  await page.getByTestId('statement-status').filter({ hasText: '双方已确认' }).waitFor(LIVE);
  await statement.getByTestId('supervisor-signed').waitFor();
  assert.equal(await statement.getByRole('button', { name: /签字|确认/ }).count(), 0, 'a confirmed statement is not signed again');

  // The demo's month: signed by the cashier, two orders billed and not paid.
  await list.locator(`li[data-month="${thisMonth()}"] a`).click();
  await page.getByTestId('statement').getByRole('heading', { name: new RegExp(`^${thisMonth()}`) }).waitFor();
  const flagged = page.getByTestId('statement-lines').locator('tr[data-flag]');
  assert.ok(await flagged.count() > 0, 'the demo month has rows that do not agree');
  assert.match(await page.getByTestId('statement-flagged').innerText(), /\d+ 单待核/);
  await shot(page, 'staff-service-statement');
  assert.deepEqual(page.scriptErrors, []);
  await page.close();
});

test('a day whose online order the provider never listed shows the difference', async () => {
  // An owner pays online and the provider's notification settles the order,
  // but the provider's own statement of the day does not list it.
  const owner = await api(server.url, 'owner1@example.com');
  const unit = (await owner.collection('unit_residents').getFirstListItem('active = true', { expand: 'unit' })).unit;
  const started = await owner.send('/api/wuye/pay/alipay', { method: 'POST', body: { unit } });
  const body = JSON.stringify({ trade_no: started.order.trade_no, provider_txn_id: 'E2E' + Date.now(), amount_fen: started.order.amount_fen, paid_at: now().toISOString() });
  const res = await fetch(server.url + '/api/wuye/pay/alipay/callback', {
    method: 'POST', body, headers: { 'Content-Type': 'application/json', 'X-Signature': createHmac('sha256', 'e2e-sandbox').update(body).digest('hex') },
  });
  assert.equal(res.status, 200, await res.text());

  const page = await newPage(browser, DESKTOP);
  await signIn(page, server.url, 'cashier@example.com', '/staff/');
  await page.waitForURL(/#\/cashier$/);
  await page.getByRole('navigation', { name: '工作菜单' }).getByRole('link', { name: '线上对账' }).click();
  const day = shanghai(now());
  await page.locator('input[name=day]').fill(day);
  await page.locator('select[name=provider]').selectOption('alipay');
  await page.getByRole('button', { name: '核对这一天' }).click();
  const check = page.locator(`li[data-testid="check"][data-day="${day}"][data-provider="alipay"]`).first();
  await check.waitFor(LIVE);
  assert.equal(await check.getAttribute('data-status'), 'mismatched');
  const row = check.getByTestId('mismatches').locator('tr[data-kind="missing_in_statement"]').filter({ hasText: started.order.trade_no });
  await row.waitFor();
  assert.match(await row.innerText(), /对账单上没有/);
  assert.deepEqual(page.scriptErrors, []);
  await page.close();
});

test('a deposit receipt opens from the renovation\'s deposit ledger', async () => {
  const cashier = await api(server.url, 'cashier@example.com');
  const taken = await cashier.collection('deposit_movements').getFirstListItem(
    // a renovation's own deposit: pass deposits and deposits other tests take meanwhile have no renovation
    'kind = "receive" && serial != "" && deposit.kind = "renovation" && deposit.renovations_via_deposit.id ?!= ""',
    { sort: 'created' },
  );
  const reno = await cashier.collection('renovations').getFirstListItem(cashier.filter('deposit = {:d}', { d: taken.deposit }));
  const page = await newPage(browser, DESKTOP);
  await signIn(page, server.url, 'cashier@example.com', '/staff/');
  await page.waitForURL(/#\/cashier$/);
  await page.goto(`${server.url}/staff/#/renovations/${reno.id}`);
  await page.getByTestId('renovation-deposit').getByRole('link', { name: `收据 ${taken.serial}` }).click();
  const receipt = page.getByTestId('deposit-receipt');
  await receipt.waitFor();
  assert.equal(await receipt.getByTestId('serial').textContent(), taken.serial);
  assert.match(taken.serial, /^YJ-/);
  assert.match(await receipt.getByTestId('amount-capitals').textContent(), /元整$|角|分$/);
  await receipt.getByRole('heading', { name: '押金收据' }).waitFor();
  assert.deepEqual(page.scriptErrors, []);
  await page.close();
});
