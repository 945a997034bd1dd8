// Residents' bills: the owing total agrees with the API, a cashier's payment
// arrives live and its receipt reads in Chinese capitals, a reversal shows
// as negative and linked, everything is paid online through the demo's
// sandbox cashier, and another household cannot open the receipt.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, newPage, signIn, api, shot, PHONE, DESKTOP } from './harness.mjs';

let server, browser;
const shared = {}; // what later tests need from earlier ones

before(async () => {
  server = await startServer();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

// The page's own rules (pb_public/js/core/format.js), restated.
const yuan = (fen) => {
  const n = Number(fen || 0), abs = Math.abs(n);
  return `${n < 0 ? '-' : ''}¥${Math.floor(abs / 100).toLocaleString('en-US')}.${String(abs % 100).padStart(2, '0')}`;
};
const owed = (b) => (b.amount_fen || 0) - (b.discount_fen || 0) + (b.late_fee_fen || 0) - (b.paid_fen || 0);
const owing = (bills) => bills.filter((b) => ['issued', 'partially_paid'].includes(b.status)).reduce((s, b) => s + Math.max(owed(b), 0), 0);

async function until(fn, what, ms = 15000) {
  const end = Date.now() + ms;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what} (last: ${last})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
const text = async (locator) => ((await locator.textContent({ timeout: 15000 })) || '').trim();

async function unitOf(pb) {
  const links = await pb.collection('unit_residents').getFullList({ filter: pb.filter('resident = {:me} && active = true', { me: pb.authStore.record.id }) });
  assert.equal(links.length, 1, 'the demo links this resident to one unit');
  return links[0].unit;
}
const billsOf = (pb, unit) => pb.collection('bills').getFullList({ filter: pb.filter('unit = {:u}', { u: unit }), sort: '-period_start,serial' });

test('owner1 sees bills by period, the owing total of the API, a cashier\'s payment live and its receipt in capitals', async () => {
  const owner = await api(server.url, 'owner1@example.com');
  const unit = await unitOf(owner);
  const bills = await billsOf(owner, unit);
  const due = owing(bills);
  assert.ok(due > 0, 'the demo leaves 1-101 with unpaid bills');
  shared.owner1Unit = unit;

  const page = await newPage(browser, PHONE);
  await signIn(page, server.url, 'owner1@example.com', '/#/bills');
  assert.equal(await text(page.getByTestId('owing-total')), yuan(due), 'the owing total is what the bills still ask for');

  // Grouped by period, newest first, every bill shown with its status.
  const periods = [...new Set(bills.map((b) => b.period))];
  assert.deepEqual(await page.locator('section.period').evaluateAll((els) => els.map((e) => e.dataset.period)), periods);
  assert.equal(await page.getByTestId('bill-row').count(), bills.length);
  const open = bills.find((b) => b.status === 'issued');
  const row = page.locator(`tr[data-bill="${open.serial}"]`);
  assert.match(await text(row), /待缴/);
  assert.ok((await text(row)).includes(yuan(owed(open))), 'an open bill shows what it owes');

  // The newest period's statement: arrears, total and total in capitals as the office states them.
  const statement = await owner.send(`/api/wuye/statements/${unit}`, { method: 'GET', query: { period: periods[0] } });
  await page.locator(`section.period[data-period="${periods[0]}"]`).getByRole('button', { name: '查看对账单' }).click();
  assert.equal(await text(page.getByTestId('statement-total')), yuan(statement.total_fen));
  assert.equal(await text(page.getByTestId('statement-capitals')), statement.total_capitals);
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot(page, 'portal-bills');

  // The cashier takes a payment at the counter: the page follows live.
  const cashier = await api(server.url, 'cashier@example.com');
  const cash = await cashier.collection('payments').create({ unit, amount_fen: 12345, method: 'cash', payer_name: '李明' });
  await until(async () => (await text(page.getByTestId('owing-total'))) === yuan(due - 12345), 'the owing total to drop by the cash payment');
  const cashItem = page.locator(`li[data-payment="${cash.serial}"]`);
  assert.ok((await text(cashItem)).includes(yuan(12345)));
  await cashItem.getByRole('link').first().click();
  await page.getByTestId('receipt').waitFor();
  const cashReceipt = await owner.send(`/api/wuye/receipts/${cash.id}`, { method: 'GET' });
  assert.equal(cashReceipt.amount_capitals, '壹佰贰拾叁元肆角伍分');
  assert.equal(await text(page.getByTestId('receipt-serial')), cash.serial);
  assert.equal(await text(page.getByTestId('receipt-capitals')), cashReceipt.amount_capitals);
  assert.equal(await text(page.getByTestId('receipt-amount')), yuan(12345));
  assert.equal(await text(page.getByTestId('receipt-issuer')), cashReceipt.issuer);
  assert.ok(cashReceipt.issuer, 'a counter receipt names its issuer');
  const paper = await text(page.getByTestId('receipt'));
  for (const s of ['收款收据', cashReceipt.payee, cashReceipt.unit, '李明', '现金', cashReceipt.paid_at, cashReceipt.lines[0].item]) {
    assert.ok(paper.includes(s), `the receipt shows ${s}`);
  }
  await shot(page, 'portal-receipt');

  // Printed: the receipt only, without the portal's chrome or the buttons.
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('.topbar').isVisible(), false);
  assert.equal(await page.locator('.tabs').isVisible(), false);
  assert.equal(await page.getByRole('button', { name: /打印/ }).isVisible(), false);
  assert.equal(await page.getByTestId('receipt').isVisible(), true);
  await page.emulateMedia({ media: 'screen' });
  assert.equal(await page.getByRole('button', { name: /打印/ }).isVisible(), true);

  // A correction is a reversal: shown negative and linked to what it reverses.
  const reversal = await cashier.collection('payments').create({ unit, amount_fen: 1, method: 'cash', reverses: cash.id, note: '收错金额' });
  await page.getByRole('link', { name: /返回账单/ }).first().click();
  await until(async () => (await text(page.getByTestId('owing-total'))) === yuan(due), 'the reversal to restore the owing total');
  const revItem = page.locator(`li[data-payment="${reversal.serial}"]`);
  assert.ok((await text(revItem)).includes(yuan(-12345)), 'a reversal shows a negative amount');
  assert.equal(await revItem.getByRole('link', { name: new RegExp(cash.serial) }).getAttribute('href'), `#/receipts/${cash.id}`);
  assert.equal(await page.locator(`li[data-payment="${cash.serial}"]`).getByRole('link', { name: new RegExp(reversal.serial) }).getAttribute('href'), `#/receipts/${reversal.id}`);

  assert.deepEqual(page.scriptErrors, []);
  await page.context().close();
});

test('owner1 pays everything online through the sandbox cashier, the bills show paid and the receipt reads in capitals', async () => {
  const owner = await api(server.url, 'owner1@example.com');
  const unit = shared.owner1Unit || await unitOf(owner);
  const due = owing(await billsOf(owner, unit));
  assert.ok(due > 0);

  const page = await newPage(browser, DESKTOP);
  await signIn(page, server.url, 'owner1@example.com', '/#/bills');
  assert.equal(await text(page.getByTestId('owing-total')), yuan(due));
  await shot(page, 'portal-bills-desktop');

  await page.getByLabel('微信支付').check();
  await page.getByRole('button', { name: /立即缴费/ }).click();
  // confirmBox first, then the demo's stand-in for the provider's cashier.
  const confirm = page.locator('dialog.confirm[open]').filter({ hasText: '确认缴费' });
  assert.ok((await text(confirm)).includes(yuan(due)));
  await confirm.getByRole('button', { name: '去支付' }).click();
  const cashierDialog = page.getByRole('dialog', { name: '演示支付：模拟微信付款' });
  await cashierDialog.waitFor();
  assert.equal(await text(cashierDialog.getByTestId('cashier-amount')), yuan(due));
  await cashierDialog.getByRole('button', { name: '确认付款' }).click();

  await page.getByTestId('pay-done').waitFor();
  await page.getByTestId('owing-none').waitFor();
  const after = await billsOf(owner, unit);
  assert.equal(owing(after), 0, 'the API agrees nothing is owed');
  assert.ok(after.every((b) => b.status === 'paid' || b.status === 'void'));
  await until(async () => {
    const statuses = await page.locator('[data-testid="bill-row"] td.st').allTextContents();
    return statuses.length === after.length && statuses.every((s) => s.trim() === '已缴清');
  }, 'every bill to show paid');

  await page.getByTestId('pay-done').getByRole('button', { name: '查看收据' }).click();
  await page.getByTestId('receipt').waitFor();
  const id = decodeURIComponent(new URL(page.url()).hash.replace('#/receipts/', ''));
  const receipt = await owner.send(`/api/wuye/receipts/${id}`, { method: 'GET' });
  assert.equal(receipt.amount_fen, due);
  assert.equal(receipt.method, 'wechat');
  assert.equal(await text(page.getByTestId('receipt-serial')), receipt.serial);
  assert.equal(await text(page.getByTestId('receipt-amount')), yuan(due));
  assert.equal(await text(page.getByTestId('receipt-capitals')), receipt.amount_capitals);
  assert.match(receipt.amount_capitals, /^[零壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分整]+$/);
  assert.ok((await text(page.getByTestId('receipt'))).includes('微信支付'));
  shared.onlineReceipt = { id, serial: receipt.serial };

  assert.deepEqual(page.scriptErrors, []);
  await page.context().close();
});

test('owner2 opening owner1\'s receipt sees only "not found"', async () => {
  const owner1 = await api(server.url, 'owner1@example.com');
  let target = shared.onlineReceipt;
  if (!target) {
    const [p] = await owner1.collection('payments').getFullList({ filter: owner1.filter('unit = {:u}', { u: await unitOf(owner1) }) });
    target = { id: p.id, serial: p.serial };
  }
  const owner2 = await api(server.url, 'owner2@example.com');
  await assert.rejects(owner2.send(`/api/wuye/receipts/${target.id}`, { method: 'GET' }), (e) => e.status === 404);

  const page = await newPage(browser, PHONE);
  await signIn(page, server.url, 'owner2@example.com', `/#/receipts/${target.id}`);
  const notFound = page.getByTestId('not-found');
  assert.match(await text(notFound), /没有找到这条记录/);
  assert.equal(await page.getByTestId('receipt').count(), 0);
  const body = await page.locator('body').innerText();
  assert.ok(!body.includes(target.serial), 'no word of the other household\'s receipt');
  assert.ok(!body.includes('收款收据'));

  // 404 is no script error.
  assert.deepEqual(page.scriptErrors, []);
  await page.context().close();
});
