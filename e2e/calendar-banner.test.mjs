// The workspace warns 60 days before a year without a holiday schedule
// begins (docs/DESIGN.md § Operations): deadlines would fall back to
// Monday–Friday. 2027 is built in and 2028 is not, so this file runs its
// server on the test clock (WUYE_CLOCK, see lib/clock) at 15 November 2027,
// 47 days before 2028: the supervisor and the director see the banner, the
// director's leads to the calendar of 2028, the front desk has none. The
// clock is set here, before the harness reads it, whatever clock the run
// was given.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

process.env.WUYE_CLOCK = '2027-11-15T10:00:00+08:00';
const { startServer, launch, newPage, signIn, DESKTOP } = await import('./harness.mjs');

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.stop(); });

test('47 days before 2028, a year without a schedule, the director is warned and led to it', async () => {
  const page = await newPage(browser, DESKTOP);
  await signIn(page, server.url, 'director@example.com', '/staff/');
  await page.waitForURL(/#\/dashboard$/);
  const banner = page.getByTestId('calendar-banner');
  await banner.waitFor();
  assert.match(await banner.innerText(), /2028 年的法定节假日安排尚未录入/);
  await banner.getByRole('link', { name: '去录入' }).click();
  await page.waitForURL(/#\/calendar\?year=2028$/);
  await page.getByTestId('calendar-year').getByText('2028').waitFor();
  assert.deepEqual(page.scriptErrors, []);
  await page.close();
});

test('the supervisor sees the warning too, the front desk does not', async () => {
  const sup = await newPage(browser, DESKTOP);
  await signIn(sup, server.url, 'supervisor@example.com', '/staff/');
  await sup.waitForURL(/#\/dashboard$/);
  await sup.getByTestId('calendar-banner').waitFor();
  assert.equal(await sup.getByTestId('calendar-banner').getByRole('link').count(), 0, 'only the director enters a schedule');
  await sup.close();

  const desk = await newPage(browser, DESKTOP);
  await signIn(desk, server.url, 'frontdesk@example.com', '/staff/');
  await desk.waitForURL(/#\/desk$/);
  await desk.getByRole('navigation', { name: '工作菜单' }).waitFor();
  assert.equal(await desk.getByTestId('calendar-banner').count(), 0);
  await desk.close();
});
