// The cashier's workspace: a partial payment at the desk and its printed
// receipt, an overpayment refused with the server's own words, a reversal,
// the day's cash close, a billing run followed live to 100% (and run again
// without duplicates), and the payment reminders printed one page per unit.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, newPage, signIn, api, shot, DESKTOP, now } from './harness.mjs';

let server, browser, cashier, unit;
before(async () => {
  server = await startServer();
  browser = await launch();
  cashier = await api(server.url, 'cashier@example.com');
  unit = await cashier.collection('units').getFirstListItem('building.code = "1" && number = "101"', { expand: 'building' });
});
after(async () => { await browser?.close(); await server?.stop(); });

const OPEN = '(status = "issued" || status = "partially_paid")';
const owed = (b) => b.amount_fen - b.discount_fen + b.late_fee_fen - b.paid_fen;
const yuan = (fen) => `${fen < 0 ? '-' : ''}¥${Math.floor(Math.abs(fen) / 100).toLocaleString('en-US')}.${String(Math.abs(fen) % 100).padStart(2, '0')}`;
const openBills = () => cashier.collection('bills').getFullList({
  filter: cashier.filter(`unit = {:u} && ${OPEN}`, { u: unit.id }), sort: 'due_on,period_start,serial', expand: 'fee_item',
});
const paymentCount = async () => (await cashier.collection('payments').getList(1, 1, { filter: cashier.filter('unit = {:u}', { u: unit.id }) })).totalItems;


async function signedIn() {
  const page = await newPage(browser, DESKTOP);
  await signIn(page, server.url, 'cashier@example.com', '/staff/');
  await page.waitForURL(/#\/cashier$/);
  return page;
}

test('a cashier takes a partial payment, prints the receipt, is refused an overpayment and reverses a payment', async () => {
  const page = await signedIn();
  await page.getByRole('heading', { name: '收款', exact: true }).waitFor();

  await page.getByLabel('房号、业主姓名或电话').fill('1-101');
  await page.getByRole('button', { name: '查找', exact: true }).click();
  await page.getByRole('heading', { name: '1栋 101' }).waitFor(); // the one match opens by itself
  await page.waitForURL(new RegExp(`#/cashier\\?unit=${unit.id}$`));

  // Part of the newest bill, chosen explicitly (left alone, the payment
  // would go to the oldest bill first).
  const before = await openBills();
  const bill = before.filter((b) => owed(b) > 10050).at(-1);
  assert.ok(bill, 'the demo unit owes more than 100.50 on some bill');
  const table = page.locator('table.bills-table');
  await table.waitFor(); // the unit's heading shows before its bills have loaded
  assert.equal(await table.locator('tbody tr').count(), before.length, 'every open bill is listed');
  await table.getByRole('checkbox', { name: `选择账单 ${bill.serial}` }).check();
  await page.getByText('冲抵所选的 1 张账单').waitFor();
  await page.getByLabel(/收款金额/).fill('100.50');
  await page.getByLabel('付款方式').selectOption('cash');
  await page.getByLabel('交款人').fill('李明');
  await page.getByRole('button', { name: '确认收款', exact: true }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByText('确认收款 ¥100.50（现金）？').waitFor();
  await dialog.getByRole('button', { name: '确认收款' }).click();
  const paid = page.getByTestId('paid');
  await paid.getByText(/已收款 ¥100\.50，收据号 SK-/).waitFor();

  const payment = await cashier.collection('payments').getFirstListItem(cashier.filter('unit = {:u} && amount_fen = 10050', { u: unit.id }), { sort: '-created' });
  assert.equal(payment.method, 'cash');
  assert.equal(payment.payer_name, '李明');
  assert.deepEqual(payment.bills, [bill.id]);
  assert.deepEqual(payment.allocations, [{ bill: bill.id, amount_fen: 10050 }]);
  const billAfter = await cashier.collection('bills').getOne(bill.id);
  assert.equal(billAfter.paid_fen, bill.paid_fen + 10050, "the bill's paid_fen moved by the payment");
  assert.equal(billAfter.status, 'partially_paid');
  await page.locator(`tr[data-bill="${bill.id}"]`).getByText(yuan(owed(billAfter))).waitFor(); // the table follows
  await page.locator(`li[data-payment="${payment.id}"]`).getByText(payment.serial).waitFor();
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot(page, 'staff-cashier');

  // The receipt: a print view without the workspace chrome, capitals from the API.
  await paid.getByRole('link', { name: /打印收据/ }).click();
  await page.waitForURL(new RegExp(`#/print/receipt/${payment.id}$`));
  const receipt = await cashier.send(`/api/wuye/receipts/${payment.id}`, { method: 'GET' });
  const capitals = page.getByTestId('amount-capitals');
  await capitals.waitFor();
  assert.equal(receipt.amount_capitals, '壹佰元伍角整');
  assert.equal((await capitals.textContent()).trim(), receipt.amount_capitals);
  assert.equal((await page.getByTestId('serial').textContent()).trim(), payment.serial);
  await page.getByTestId('receipt').getByText(bill.serial).waitFor();
  await page.getByRole('heading', { name: '收款收据' }).waitFor();
  await page.getByRole('button', { name: /打印/ }).waitFor();
  assert.equal(await page.locator('.topbar').count(), 0, 'no workspace chrome on a print view');
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.getByRole('button', { name: /打印/ }).isVisible(), false, 'the Print button does not print');
  await page.emulateMedia({ media: 'screen' });
  await shot(page, 'staff-print-receipt');

  // More than the unit owes: the server's own sentence, and nothing stored.
  await page.goBack();
  await page.getByRole('heading', { name: '1栋 101' }).waitFor();
  const total = (await openBills()).reduce((s, b) => s + Math.max(owed(b), 0), 0);
  const countBefore = await paymentCount();
  const over = total + 100;
  await page.getByLabel(/收款金额/).fill((over / 100).toFixed(2));
  await page.getByRole('button', { name: '确认收款', exact: true }).click();
  await dialog.getByRole('button', { name: '确认收款' }).click();
  const refusal = page.locator('form.pay-form [role=alert]').first();
  await refusal.waitFor();
  let serverSays = '';
  try {
    await cashier.collection('payments').create({ unit: unit.id, amount_fen: over, method: 'cash' }, { headers: { 'Accept-Language': 'zh-CN' } });
  } catch (err) {
    serverSays = err.response?.data?.amount_fen?.message || '';
  }
  assert.match(serverSays, /超过应缴金额/, 'the API refuses the overpayment in Chinese');
  await page.locator('form.pay-form').getByText(serverSays).first().waitFor();
  assert.equal(await paymentCount(), countBefore, 'an overpayment creates nothing');

  // A reversal: a negative payment naming the original, once.
  const row = page.locator(`li[data-payment="${payment.id}"]`);
  await row.getByRole('button', { name: '冲正' }).click();
  await row.getByLabel('冲正原因').fill('金额录错');
  await row.getByRole('button', { name: '冲正这笔收款' }).click();
  await dialog.getByText(`确认冲正 ${payment.serial}？`).waitFor();
  await dialog.getByRole('button', { name: '冲正' }).click();
  await paid.getByText(/已冲正，冲正收据号 SK-/).waitFor();
  const reversal = await cashier.collection('payments').getFirstListItem(cashier.filter('reverses = {:p}', { p: payment.id }));
  assert.equal(reversal.amount_fen, -10050);
  assert.equal(reversal.method, 'cash');
  assert.equal(reversal.note, '金额录错');
  assert.equal((await cashier.collection('bills').getOne(bill.id)).paid_fen, bill.paid_fen, 'the bill is owed again');
  const revRow = page.locator(`li[data-payment="${reversal.id}"]`);
  await revRow.getByText('-¥100.50').waitFor();
  await row.getByText(`已被 ${reversal.serial} 冲正`).waitFor();
  assert.equal(await row.getByRole('button', { name: '冲正' }).count(), 0, 'a payment is reversed once');

  // The day's close counts the receipt and its reversal under cash.
  const close = await cashier.send('/api/wuye/cash-close', { method: 'GET' });
  const cash = close.methods.find((m) => m.method === 'cash');
  assert.ok(cash.reversals >= 1);
  await page.getByRole('link', { name: '日结' }).click();
  await page.getByTestId('close-total').getByText(yuan(close.total_fen)).waitFor();
  const cashRow = page.locator('tr[data-method="cash"]');
  assert.equal((await cashRow.locator('td').nth(2).textContent()).trim(), String(cash.reversals));
  await page.getByText(close.total_capitals).waitFor();
  await page.locator('table.close-list').getByText(reversal.serial).waitFor();

  assert.deepEqual(page.scriptErrors, []);
});

test('a cashier billing run shows progress to 100% live, and a second run of the period duplicates nothing', async () => {
  const page = await signedIn();
  // The screen listens to the community's runs from the moment it opens.
  const listening = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/api/realtime')
    && (r.request().postData() || '').includes('billing_runs'));
  await page.getByRole('link', { name: '计费' }).click();
  await page.getByRole('heading', { name: '计费记录' }).waitFor();
  assert.ok((await listening).ok());

  // The next quarter (Shanghai time) is suggested, and it is a new period.
  const [y, m] = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit' }).format(now()).split('-').map(Number);
  const q = Math.floor((m - 1) / 3) + 1;
  const period = q === 4 ? `${y + 1}-Q1` : `${y}-Q${q + 1}`;
  const periodInput = page.getByLabel(/^账期/);
  assert.equal(await periodInput.inputValue(), period);
  const community = unit.community;
  assert.equal((await cashier.collection('billing_runs').getList(1, 1, { filter: cashier.filter('community = {:c} && period = {:p}', { c: community, p: period }) })).totalItems, 0);

  const navigations = [];
  page.on('framenavigated', (f) => navigations.push(f.url()));
  const created = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().includes('/api/collections/billing_runs/records'));
  await page.getByRole('button', { name: '开始计费', exact: true }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByText(`开始 ${period} 计费？`).waitFor();
  const fetchesAfter = [];
  page.on('request', (r) => { if (r.method() === 'GET' && r.url().includes('/api/collections/billing_runs/records')) fetchesAfter.push(r.url()); });
  await dialog.getByRole('button', { name: '开始计费' }).click();
  const run0 = await (await created).json();
  assert.equal(run0.status, 'pending', 'the run starts pending and goes on after the answer');

  const watch = page.getByTestId('run-progress');
  const bar = watch.getByRole('progressbar');
  await watch.locator('[role=progressbar][aria-valuenow="100"]').waitFor({ timeout: 20000 });
  await watch.getByTestId('run-summary').waitFor();
  assert.deepEqual(navigations, [], 'no reload');
  assert.deepEqual(fetchesAfter, [], 'the progress came over the realtime subscription, not a re-fetch');

  const run = await cashier.collection('billing_runs').getOne(run0.id);
  assert.equal(run.status, 'done');
  assert.equal(run.processed_units, run.total_units);
  assert.ok(run.created_bills > 0, 'the new period made bills');
  assert.equal(await bar.getAttribute('aria-valuenow'), '100');
  await watch.getByText(`${run.processed_units} / ${run.total_units} 户`).waitFor();
  await watch.getByText(`完成：新建 ${run.created_bills} 张账单`).waitFor();
  const billCount = async () => (await cashier.collection('bills').getList(1, 1, { filter: cashier.filter('community = {:c} && period = {:p}', { c: community, p: period }) })).totalItems;
  const bills = await billCount();
  assert.equal(bills, run.created_bills);
  await page.waitForFunction(() => document.getAnimations().length === 0); // the bar's last stretch
  await shot(page, 'staff-billing');

  // The same period again: explained first, and the server makes no second bill.
  const again = page.getByTestId('run-again');
  await again.getByText(/再次计费不会重复生成已有的账单/).waitFor();
  await page.getByRole('button', { name: /再次计费/ }).click();
  await dialog.getByText(`${period} 再次计费？`).waitFor();
  await dialog.getByRole('button', { name: /再次计费/ }).click();
  await watch.getByText('该账期的账单都已存在，本次没有重复生成任何账单').waitFor({ timeout: 20000 });
  const runs = await cashier.collection('billing_runs').getFullList({ filter: cashier.filter('community = {:c} && period = {:p}', { c: community, p: period }), sort: '-created' });
  assert.equal(runs.length, 2);
  assert.equal(runs[0].status, 'done');
  assert.equal(runs[0].created_bills, 0);
  assert.ok(runs[0].existing_bills > 0);
  assert.equal(await billCount(), bills, 'no bill was duplicated');

  assert.deepEqual(page.scriptErrors, []);
});

test('the reminders print view renders one page per unit', async () => {
  // The demo runs the arrears ladder as it loads: first notices for what is overdue.
  const community = unit.community;
  // Expected from the bills: the units with an open bill at the first stage.
  const atStage1 = await cashier.collection('bills').getFullList({ filter: cashier.filter(`community = {:c} && reminder_stage = "1" && ${OPEN}`, { c: community }), fields: 'unit' });
  const units = new Set(atStage1.map((b) => b.unit)).size;
  assert.ok(units > 1, 'the demo holds first notices for several units');

  const page = await signedIn();
  await page.goto(`${server.url}/staff/#/print/reminders?stage=1`);
  await page.getByTestId('notice-count').getByText(`共 ${units} 户`).waitFor();
  const pages = page.locator('section.prt-notice.page-break');
  assert.equal(await pages.count(), units, 'one page per unit');
  assert.equal(await page.getByRole('heading', { name: '首次催款通知单' }).count(), units);
  assert.equal(await page.locator('.topbar').count(), 0, 'no workspace chrome');

  // A unit with a single notice: the page's total in capitals says what the
  // server's own notice for it says.
  const reminders = await cashier.collection('reminders').getFullList({
    // The bills the view prints: still open and still at the first stage.
    filter: cashier.filter('community = {:c} && stage = "1" && bill.reminder_stage = "1" && (bill.status = "issued" || bill.status = "partially_paid")', { c: community }), expand: 'bill',
  });
  const perUnit = {};
  for (const r of reminders) perUnit[r.unit] = (perUnit[r.unit] || 0) + 1;
  const single = reminders.find((r) => perUnit[r.unit] === 1 && owed(r.expand.bill) === r.amount_fen);
  assert.ok(single, 'some unit has exactly one notice');
  const notice = await (await fetch(`${server.url}/api/wuye/reminders/${single.id}/notice`, { headers: { Authorization: cashier.authStore.token } })).text();
  const serverCapitals = /欠费合计（大写）：<b>([^<]+)<\/b>/.exec(notice)?.[1];
  assert.ok(serverCapitals);
  const sheet = page.locator(`section[data-unit="${single.unit}"]`);
  assert.equal((await sheet.getByTestId('notice-capitals').textContent()).trim(), serverCapitals);
  // Not yet delivered, the notice gives ten days from its receipt.
  await sheet.getByText(single.deadline || '收到本通知之日起 10 日内').first().waitFor();
  await sheet.getByText(single.expand.bill.serial).waitFor();

  await shot(page, 'staff-print-reminders', { clip: { x: 0, y: 0, width: 1280, height: 1300 } });

  // Printed at A4: exactly one sheet of paper per unit.
  await page.emulateMedia({ media: 'print' });
  const breaksInPrint = await pages.evaluateAll((els) => els.map((e) => getComputedStyle(e).breakAfter));
  assert.ok(breaksInPrint.slice(0, -1).every((b) => b === 'page'), 'every notice but the last ends its page');
  const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
  const pdfPages = (pdf.toString('latin1').match(/\/Type\s*\/Page\b(?!s)/g) || []).length;
  assert.equal(pdfPages, units, 'the PDF has one A4 page per unit');

  assert.deepEqual(page.scriptErrors, []);
});
