// Move-out (迁出) end to end: the tenant of 1-101 asks in the portal; the
// desk's page shows what is missing; with the final readings in, the final
// bill issued and everything paid, the desk clears it (the moving day's
// goods pass appears) and completes it; the clearance slip prints.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, newPage, signIn, api, shot, PHONE, DESKTOP } from './harness.mjs';

let server, browser;

before(async () => {
  server = await startServer();
  browser = await launch();
});
after(async () => { await browser?.close(); await server?.stop(); });

test('request → cleared → completed, and the slip is printed', async () => {
  // The tenant asks in the portal.
  const portal = await newPage(browser, PHONE);
  await signIn(portal, server.url, 'tenant1@example.com', '/');
  await portal.goto(server.url + '/#/desk');
  const card = portal.getByTestId('my-move-out');
  await card.getByRole('button', { name: '申请迁出' }).click();
  await card.locator('[data-move-out]').waitFor();
  await card.getByText('待结清').waitFor();
  await card.getByText('客服中心还需').waitFor();
  await shot(portal, 'portal-move-out');

  const desk = await api(server.url, 'frontdesk@example.com');
  const cashier = await api(server.url, 'cashier@example.com');
  const mgr = await api(server.url, 'areamgr@example.com');
  const tenant = await api(server.url, 'tenant1@example.com');
  const mo = await desk.collection('move_outs').getFirstListItem('status = "requested" && unit.number = "101" && unit.building.code = "1"');
  assert.match(mo.serial, /^QC-\d{8}-\d{4}$/);

  // The desk's page: the checklist says what is missing.
  const page = await newPage(browser, DESKTOP);
  await signIn(page, server.url, 'frontdesk@example.com', '/staff/');
  await page.goto(server.url + '/staff/#/move-outs/' + mo.id);
  await page.locator(`[data-move-out-detail="${mo.serial}"]`).waitFor();
  await page.locator('[data-check="final_bill"].missing').waitFor();
  await page.getByRole('button', { name: '确认结清' }).click();
  await page.getByText(/尚不能结清/).waitFor();

  // Final readings (on the walk), the final bill, payment.
  let c = await desk.send(`/api/wuye/move-outs/${mo.id}/clearance`, {});
  const b1 = await mgr.collection('buildings').getFirstListItem('code = "1"');
  for (const meter of c.meters_missing) {
    const walk = await mgr.send(`/api/wuye/meters/walk?building=${b1.id}&meter=${meter}`, {});
    const u = walk.units.find((x) => x.id === mo.unit);
    await mgr.collection('meter_readings').create({ unit: mo.unit, meter, reading: (u.baseline || 0) + 1, read_on: new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' }) });
  }
  await cashier.send(`/api/wuye/move-outs/${mo.id}/final-bill`, { method: 'POST', body: {} });
  for (let round = 0; round < 3; round++) {
    const unpaid = await cashier.collection('bills').getFullList({ filter: `unit = "${mo.unit}" && (status = "issued" || status = "partially_paid")` });
    for (const b of unpaid) {
      await cashier.collection('payments').create({ unit: mo.unit, method: 'cash', bills: [b.id],
        amount_fen: b.amount_fen - (b.discount_fen || 0) + (b.late_fee_fen || 0) - (b.paid_fen || 0) });
    }
  }
  c = await desk.send(`/api/wuye/move-outs/${mo.id}/clearance`, {});
  assert.equal(c.ok, c.keys_out.length === 0, JSON.stringify(c));

  await page.reload();
  await page.locator('[data-clearance="ok"]').waitFor();
  await page.getByRole('button', { name: '确认结清' }).click();
  await page.getByText('已结清').first().waitFor();
  await page.getByText('搬家出门条').waitFor();
  await page.getByRole('button', { name: '办结迁出' }).click();
  await page.getByText('已迁出').first().waitFor();

  // The slip.
  await page.locator('[data-print-slip]').click();
  await page.locator(`[data-slip="${mo.serial}"]`).waitFor();
  await page.getByText('迁出结清单').first().waitFor();
  await page.emulateMedia({ media: 'print' });
  await shot(page, 'staff-move-out-slip');
  await page.emulateMedia({ media: 'screen' });

  // The former tenant reads the unit's bills no more.
  const bills = await tenant.collection('bills').getList(1, 1, { filter: `unit = "${mo.unit}"` });
  assert.equal(bills.totalItems, 0);
  await page.close();
  await portal.close();
});
