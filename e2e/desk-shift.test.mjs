// The front desk's day beyond intake: the clerk opens on the handover the
// afternoon clerk handed them, signs it, opens their own and hands over
// with the cash and items counted; an emergency is registered, an action
// noted on its timeline and the report form shown; an area manager records
// a visit with a work order on a phone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, newPage, signIn, api, shot, PHONE, DESKTOP } from './harness.mjs';

let server, browser;
before(async () => {
  server = await startServer();
  browser = await launch();
});
after(async () => { await browser?.close(); await server?.stop(); });

test('the desk opens on the handover, signs it and hands over in turn', async () => {
  const page = await newPage(browser, DESKTOP);
  await signIn(page, server.url, 'frontdesk@example.com', '/staff/');
  await page.waitForURL(/#\/desk$/);
  // The demo's afternoon clerk handed the shift back: the desk says so first.
  const banner = page.locator('.handover-banner');
  await banner.getByText('钱晓燕 已交班给您').waitFor();
  await banner.getByRole('link', { name: '去接班' }).click();
  await page.waitForURL(/#\/handover$/);
  const waiting = page.locator('[data-waiting-handover]');
  await waiting.locator('[data-sheet]').getByRole('heading', { name: /交接班记录表/ }).waitFor();
  await shot(page, 'staff-handover');
  await waiting.getByRole('button', { name: '接班签字' }).click();
  await waiting.waitFor({ state: 'detached' });

  await page.getByRole('button', { name: '开始本班交接记录' }).click();
  const mine = page.locator('[data-open-handover]');
  await mine.getByText('受理投诉', { exact: false }).first().waitFor();
  await mine.locator('select[name="to_staff"]').selectOption({ label: '钱晓燕' });
  await mine.locator('input[name="cash"]').fill('0');
  await mine.locator('input[name="item_remotes"]').fill('12');
  await mine.locator('input[name="item_gas_cards"]').fill('5');
  await mine.locator('textarea[name="notes"]').fill('2栋地下室爆管仍在处理');
  await mine.getByRole('button', { name: '交班签字' }).click();
  await mine.waitFor({ state: 'detached' });

  const desk = await api(server.url, 'frontdesk@example.com');
  const last = await desk.collection('shift_handovers').getFirstListItem(`from_staff = "${desk.authStore.record.id}"`, { sort: '-created' });
  assert.equal(last.status, 'handed');
  assert.equal(last.items.remotes, 12);
  assert.equal(last.cash_counted_fen, 0);
  await page.close();
});

test('an emergency is registered, acted on and its report form shown', async () => {
  const page = await newPage(browser, DESKTOP);
  await signIn(page, server.url, 'frontdesk@example.com', '/staff/');
  await page.goto(server.url + '/staff/#/incidents');
  const form = page.locator('[data-new-incident]');
  await form.locator('select[name="kind"]').selectOption('fire');
  await form.locator('input[name="location"]').fill('1栋6楼楼道');
  await form.locator('textarea[name="description"]').fill('住户报告闻到焦味');
  await form.getByRole('button', { name: '登记并通知' }).click();
  const card = page.locator('[data-incident]', { hasText: '1栋6楼楼道' });
  await card.getByText('SJ-', { exact: false }).waitFor();
  await card.locator('input[name="action_note"]').fill('秩序维护部已到场排查');
  await card.getByRole('button', { name: '添加' }).click();
  await card.getByRole('button', { name: '特别事件报告单' }).first().click();
  await card.locator('[data-report]').getByText('秩序维护部已到场排查', { exact: false }).waitFor();
  await shot(page, 'staff-incident');

  const director = await api(server.url, 'director@example.com');
  const notes = await director.collection('notifications').getFullList({ filter: 'kind = "incident_reported"' });
  assert.ok(notes.some((n) => n.title.includes('1栋6楼楼道')), 'the director was told at once');
  await page.close();
});

test('an area manager records a visit with a work order on a phone', async () => {
  const page = await newPage(browser, PHONE);
  await signIn(page, server.url, 'areamgr@example.com', '/staff/');
  await page.goto(server.url + '/staff/#/visits');
  const count = page.locator('[data-visit-count]');
  await count.waitFor();
  const before = Number((await count.textContent()).match(/\d+/)[0]);
  const form = page.locator('[data-visit-form]');
  await form.locator('input[name="unit"]').fill('1-103');
  await form.locator('textarea[name="findings"]').fill('卫生间地漏返味');
  await form.locator('select[name="follow_up_kind"]').selectOption('work_order');
  await form.locator('select[name="follow_up_category"]').selectOption('plumbing');
  await form.locator('input[name="contact_name"]').fill('住户');
  await form.locator('input[name="contact_phone"]').fill('13800000099');
  await form.getByRole('button', { name: '保存走访' }).click();
  const item = page.locator('[data-visit]', { hasText: '卫生间地漏返味' });
  await item.getByText('PG-', { exact: false }).waitFor();
  await page.waitForFunction((n) => Number(document.querySelector('[data-visit-count]').textContent.match(/\d+/)[0]) === n + 1, before);
  // The screen fits a phone: no sideways scrolling.
  const wide = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
  assert.equal(wide, false, 'the visits screen scrolls sideways on a phone');
  await shot(page, 'staff-visits-phone');
  await page.close();
});
