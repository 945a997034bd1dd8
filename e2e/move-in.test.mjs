// Move-in (入伙, [004] 四 2; docs/DESIGN.md § Move-in (入伙)): the desk runs one
// household of the demo's 5栋 through the flow — papers, inspection, keys,
// the three documents signed on the screen — while the move-in day board,
// open beside it, moves the household from column to column live; the
// notices print one page per household; the owner follows it in the portal.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, newPage, signIn, api, shot, DESKTOP, PHONE } from './harness.mjs';

let server, browser;
before(async () => {
  server = await startServer();
  browser = await launch();
});
after(async () => { await browser?.close(); await server?.stop(); });

async function sign(page, doc) {
  const box = page.locator(`[data-doc="${doc}"]`);
  await box.getByRole('button', { name: '在屏幕上签名' }).click();
  const pad = box.getByTestId('signature-pad');
  await pad.scrollIntoViewIfNeeded();
  const b = await pad.boundingBox();
  await page.mouse.move(b.x + 20, b.y + b.height / 2);
  await page.mouse.down();
  for (let i = 1; i <= 20; i++) await page.mouse.move(b.x + 20 + i * 10, b.y + b.height / 2 - Math.sin(i / 3) * 20);
  await page.mouse.up();
  await box.getByRole('button', { name: '保存签名' }).click();
  await box.getByRole('heading', { name: /✓/ }).waitFor();
}

test('the desk runs a household through the move-in and the board follows it live', async () => {
  const desk = await api(server.url, 'frontdesk@example.com');
  const unit = await desk.collection('units').getFirstListItem('building.code = "5" && number = "301"');
  const m = await desk.collection('move_ins').getFirstListItem(`unit = "${unit.id}" && status = "notified"`);

  const board = await newPage(browser, DESKTOP);
  await signIn(board, server.url, 'frontdesk@example.com', '/staff/');
  await board.waitForURL(/#\/desk$/);
  await board.goto(server.url + '/staff/#/move-ins');
  const card = (status) => board.locator(`[data-column="${status}"] [data-move-in="${m.id}"]`);
  await card('notified').waitFor();
  // Every step of the flow has a household in the demo building.
  for (const s of ['documents_checked', 'inspected', 'defects_open', 'ready', 'keys_handed', 'completed']) {
    await board.locator(`[data-column="${s}"] [data-move-in]`).first().waitFor();
  }
  await shot(board, 'staff-move-in-board');

  const page = await newPage(browser, DESKTOP);
  await signIn(page, server.url, 'frontdesk@example.com', '/staff/');
  await page.waitForURL(/#\/desk$/);
  await page.goto(server.url + '/staff/#/move-ins/' + m.id);
  for (const doc of ['id_card', 'purchase_contract', 'five_certificates']) await page.locator(`input[name="doc_${doc}"]`).check();
  await page.getByRole('button', { name: '资料查验无误' }).click();
  await card('documents_checked').waitFor();

  await page.locator('input[name="reading_water"]').fill('2.5');
  await page.locator('input[name="reading_electric"]').fill('8.1');
  await page.getByRole('button', { name: '验房抄表' }).click();
  await card('inspected').waitFor();
  await page.getByRole('button', { name: '验收合格' }).click();
  await card('ready').waitFor();

  await page.locator('input[name="keys_count"]').fill('3');
  await page.getByRole('button', { name: '交钥匙' }).click();
  await card('keys_handed').waitFor();
  for (const doc of ['covenant', 'renovation_agreement', 'fire_safety']) await sign(page, doc);
  await shot(page, 'staff-move-in-signed');
  await page.getByRole('button', { name: '入伙办结' }).click();
  await card('completed').waitFor();

  const done = await desk.collection('move_ins').getOne(m.id);
  assert.equal(done.status, 'completed');
  assert.equal(done.keys_count, 3);
  assert.ok(done.covenant && done.renovation_agreement && done.fire_safety, 'the three documents are signed');
  const after = await desk.collection('units').getOne(unit.id);
  assert.equal(after.status, 'handed_over');
  const readings = await desk.collection('meter_readings').getFullList({ filter: `unit = "${unit.id}"` });
  assert.equal(readings.length, 2, 'water and electricity read at the handover');
  assert.deepEqual(board.scriptErrors, []);
  assert.deepEqual(page.scriptErrors, []);
  await board.close();
  await page.close();
});

test('the notices of 5栋 print one page per household', async () => {
  const desk = await api(server.url, 'frontdesk@example.com');
  const b = await desk.collection('buildings').getFirstListItem('code = "5"');
  const page = await newPage(browser, DESKTOP);
  await signIn(page, server.url, 'frontdesk@example.com', '/staff/');
  await page.waitForURL(/#\/desk$/);
  await page.goto(server.url + '/staff/#/print/move-in-notices/' + b.id);
  await page.locator('[data-notice]').first().waitFor();
  assert.equal(await page.locator('[data-notice]').count(), 11, 'every household but the cancelled one');
  await page.locator('[data-notice]').first().getByText('购房协议原件').waitFor();
  await shot(page, 'staff-print-move-in-notice');
  await page.close();
});

test('the owner follows the move-in in the portal', async () => {
  const page = await newPage(browser, PHONE);
  await signIn(page, server.url, 'rh104@example.com');
  await page.locator('[data-move-in-card]').click();
  await page.waitForURL(/#\/move-in$/);
  const m = page.locator('[data-move-in]');
  await m.getByText('整改中', { exact: false }).first().waitFor();
  await m.getByText('主卧窗框渗水', { exact: false }).waitFor();
  await shot(page, 'portal-move-in');
  assert.deepEqual(page.scriptErrors, []);
  await page.close();
});
