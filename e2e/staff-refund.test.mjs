// Staff workspace: the renovation deposit's refund (押金清退). The demo holds
// a refund the director approved: the cashier pays it from the cashier's
// screen and prints the voucher; the renovation screen then shows it paid
// and the renovation closed. A renovation accepted today shows its waiting
// period and no request button.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, newPage, signIn, api, shot, DESKTOP } from './harness.mjs';

let server, browser;
before(async () => {
  server = await startServer();
  browser = await launch();
});
after(async () => { await browser?.close(); await server?.stop(); });

const LIVE = { timeout: 5000 };

async function confirm(page, ok) {
  const dialog = page.locator('dialog.confirm');
  await dialog.waitFor();
  await dialog.getByRole('button', { name: ok, exact: true }).click();
  await dialog.waitFor({ state: 'detached' });
}

test('the cashier pays an approved deposit refund and prints its voucher; the renovation closes', async () => {
  const cashier = await api(server.url, 'cashier@example.com');
  const refund = await cashier.collection('deposit_refunds').getFirstListItem('status = "approved"', { expand: 'renovation' });
  const amount = `¥${Math.floor(refund.amount_fen / 100).toLocaleString('en-US')}.${String(refund.amount_fen % 100).padStart(2, '0')}`;

  const page = await newPage(browser, DESKTOP);
  await signIn(page, server.url, 'cashier@example.com', '/staff/');
  await page.waitForURL(/#\/cashier$/);
  const card = page.getByTestId('refunds-to-pay');
  const line = card.getByTestId('refund-to-pay').filter({ hasText: refund.serial });
  await line.waitFor();
  // Without a method the page asks for one and nothing is paid.
  await line.getByRole('button', { name: `退款 ${amount}` }).click();
  await line.getByText('请选择退款方式').waitFor();
  await line.locator('select[name="refund_method"]').selectOption('transfer');
  await line.getByRole('button', { name: `退款 ${amount}` }).click();
  await confirm(page, `退款 ${amount}`);
  await line.waitFor({ state: 'detached', ...LIVE });
  const printLink = card.getByRole('link', { name: '打印退款凭证' }).first();
  await printLink.waitFor();

  const paid = await cashier.collection('deposit_refunds').getOne(refund.id);
  assert.equal(paid.status, 'paid');
  assert.equal(paid.method, 'transfer');
  assert.equal((await cashier.collection('renovations').getOne(refund.renovation)).status, 'closed');

  await page.goto(`${server.url}/staff/#/print/refund/${refund.id}`);
  const voucher = page.getByTestId('refund-voucher');
  await voucher.waitFor();
  assert.equal(await voucher.getByTestId('serial').textContent(), refund.serial);
  assert.match(await voucher.getByTestId('amount-capitals').textContent(), /元整$|角|分$/);
  await shot(page, 'refund-voucher');

  // The renovation screen shows the refund paid, with its voucher.
  await page.goto(`${server.url}/staff/#/renovations/${refund.renovation}`);
  await page.getByTestId('refund-status').filter({ hasText: '已退款' }).waitFor(LIVE);
  await page.getByTestId('renovation-status').filter({ hasText: '已结案' }).waitFor(LIVE);
  await page.getByTestId('refund-print').waitFor();
  await page.close();
});

test('a renovation accepted today waits its period: the desk sees the date, not a request button', async () => {
  const desk = await api(server.url, 'frontdesk@example.com');
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
  const reno = await desk.collection('renovations').getFirstListItem(desk.filter('status = "accepted" && deposit_refund_due > {:d}', { d: today }));
  const page = await newPage(browser, DESKTOP);
  await signIn(page, server.url, 'frontdesk@example.com', '/staff/');
  await page.goto(`${server.url}/staff/#/renovations/${reno.id}`);
  await page.getByTestId('refund-waiting').filter({ hasText: reno.deposit_refund_due }).waitFor(); // the page's first render, not a live update
  assert.equal(await page.getByRole('button', { name: '受理退押金申请' }).count(), 0);
  await page.close();
});

test('the director approves a requested refund from the workspace; the cashier then pays it', async () => {
  // The demo holds one refund the desk took after the waiting period, for
  // the director to approve ([004] 4.3: 主任负责审批押金清退).
  const director = await api(server.url, 'director@example.com');
  const refund = await director.collection('deposit_refunds').getFirstListItem('status = "requested"');
  const amount = `¥${Math.floor(refund.amount_fen / 100).toLocaleString('en-US')}.${String(refund.amount_fen % 100).padStart(2, '0')}`;

  const page = await newPage(browser, DESKTOP);
  await signIn(page, server.url, 'director@example.com', '/staff/');
  await page.waitForURL(/#\/dashboard$/);
  await page.goto(`${server.url}/staff/#/renovations/${refund.renovation}`);
  const card = page.getByTestId('deposit-refund');
  await card.getByTestId('refund-status').filter({ hasText: '待主任审批' }).waitFor();
  await card.getByTestId('refund-steps').getByRole('button', { name: '批准退还押金' }).click();
  await confirm(page, '批准退还押金');
  await card.getByTestId('refund-steps').getByRole('button', { name: '批准退还押金' }).waitFor({ state: 'detached', ...LIVE });
  const approved = await director.collection('deposit_refunds').getOne(refund.id);
  assert.equal(approved.status, 'approved');
  assert.ok(approved.decided_at, 'the decision is stamped');
  assert.deepEqual(page.scriptErrors, []);
  await page.close();

  // At the cashier's desk it is now one to pay.
  const cashierPage = await newPage(browser, DESKTOP);
  await signIn(cashierPage, server.url, 'cashier@example.com', '/staff/');
  await cashierPage.waitForURL(/#\/cashier$/);
  const line = cashierPage.getByTestId('refunds-to-pay').getByTestId('refund-to-pay').filter({ hasText: refund.serial });
  await line.waitFor(LIVE);
  await line.locator('select[name="refund_method"]').selectOption('cash');
  await line.getByRole('button', { name: `退款 ${amount}` }).click();
  await confirm(cashierPage, `退款 ${amount}`);
  await line.waitFor({ state: 'detached', ...LIVE });
  assert.equal((await director.collection('deposit_refunds').getOne(refund.id)).status, 'paid');
  await cashierPage.close();
});
