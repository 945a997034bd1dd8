// The meter walk on a phone: the area manager picks building 2, sees each
// flat in walking order with its last reading and the month's use, types a
// reading and "next" moves to the following flat; a reading below the last
// one is refused by the server in Chinese (docs/DESIGN.md, Fees, Meter
// readings) and the flat stays to be corrected.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, newPage, signIn, api, shot, PHONE } from './harness.mjs';

let server, browser, mgr, b2;

before(async () => {
  server = await startServer();
  browser = await launch();
  mgr = await api(server.url, 'areamgr@example.com');
  b2 = await mgr.collection('buildings').getFirstListItem('code = "2"');
});
after(async () => { await browser?.close(); await server?.stop(); });

test('the area manager walks building 2 on a phone; a lower reading is refused in Chinese', async () => {
  const walk = await mgr.send(`/api/wuye/meters/walk?building=${b2.id}&meter=water`, {});
  const u401 = walk.units.find((u) => u.number === '401');
  const u402 = walk.units.find((u) => u.number === '402');
  assert.ok(u401.baseline !== null && u402.baseline !== null, 'the demo has last month\'s readings of floor 4');

  const page = await newPage(browser, PHONE);
  await signIn(page, server.url, 'areamgr@example.com', '/staff/');
  await page.goto(server.url + '/staff/#/meters');
  await page.getByRole('heading', { name: '抄表', level: 1 }).waitFor();
  await page.getByLabel('楼栋').selectOption(b2.id);
  await page.locator('[data-walk-unit="101"]').waitFor();
  // Walking order: floor by floor.
  const order = await page.locator('[data-walk-unit]').evaluateAll((els) => els.map((e) => e.dataset.walkUnit));
  assert.deepEqual(order.slice(0, 5), ['101', '102', '103', '104', '201']);
  // The replaced meter of 2-102 shows its replacement and the month's use.
  await page.locator('[data-walk-unit="102"]').getByText(/换表/).first().waitFor();

  // Type 401's reading, "next" on the keyboard: saved, and 402 has the focus.
  const in401 = page.locator('[data-walk-unit="401"] input[name="reading-401"]');
  await in401.fill(String(u401.baseline + 7.5));
  await in401.press('Enter');
  await page.locator('[data-walk-unit="401"] [data-saved]').waitFor();
  await page.waitForFunction(() => document.activeElement?.name === 'reading-402');
  await page.locator('[data-walk-unit="401"] [data-used]').waitFor();

  // 402 lower than its last reading: refused, in Chinese, and kept for correction.
  await page.keyboard.type(String(Math.max(0, u402.baseline - 3)));
  await page.keyboard.press('Enter');
  const err = page.locator('[data-walk-unit="402"] [data-error]');
  await err.waitFor();
  assert.match(await err.innerText(), /只增不减/);
  await shot(page, 'staff-meter-walk');
  await page.waitForFunction(() => document.activeElement?.name === 'reading-402');
  await page.keyboard.press('Control+A');
  await page.keyboard.type(String(u402.baseline + 2));
  await page.keyboard.press('Enter');
  await page.locator('[data-walk-unit="402"] [data-saved]').waitFor();

  const after = await mgr.send(`/api/wuye/meters/walk?building=${b2.id}&meter=water`, {});
  assert.equal(after.units.find((u) => u.number === '401').last_reading, u401.baseline + 7.5);
  assert.equal(after.units.find((u) => u.number === '402').last_reading, u402.baseline + 2);
  await page.close();
});
