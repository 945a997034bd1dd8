// The director's working-day calendar (#/calendar): 2027's Spring Festival
// is built in; correcting a day lists the open deadlines it moves, old →
// new, before anything is saved, and saving moves them (docs/DESIGN.md
// § Operations). A supervisor reads the calendar but cannot change it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, newPage, signIn, api, DESKTOP } from './harness.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.stop(); });

const shanghaiDay = (v) => new Date(new Date(v.replace(' ', 'T')).getTime() + 8 * 3600_000).toISOString().slice(0, 10);

test('the director sees 2027, previews a correction and saves it with the deadlines it moves', async () => {
  const director = await api(server.url, 'director@example.com');
  const page = await newPage(browser, DESKTOP);
  page.on('dialog', (d) => d.accept());
  // The banner shows only once the warning is read: its answer, not the moment, says there is none.
  const warning = page.waitForResponse((r) => r.url().includes('/api/wuye/calendar/warning'));
  await signIn(page, server.url, 'director@example.com', '/staff/');
  await page.waitForURL(/#\/dashboard$/);
  assert.equal((await (await warning).json()).warn, false, 'no warning: 2027 is built in');
  assert.equal(await page.getByTestId('calendar-banner').count(), 0, 'no banner: 2027 is built in');

  await page.goto(server.url + '/staff/#/calendar?year=2027');
  const days = page.getByTestId('calendar-days');
  await days.locator('tr[data-date="2027-02-05"]').getByText('春节').waitFor();
  assert.match(await days.locator('tr[data-date="2027-02-14"]').innerText(), /调休上班/);

  // An open complaint whose reply is due on a working day: that day is
  // declared a day off, so its reply moves to the next working day.
  const open = await director.collection('complaints').getFirstListItem('status = "received" && reply_overdue = false && reply_due != ""', { sort: 'reply_due' });
  const day = shanghaiDay(open.reply_due);
  await page.goto(server.url + `/staff/#/calendar?year=${day.slice(0, 4)}`);
  await page.getByTestId('calendar-year').getByText(day.slice(0, 4)).waitFor();
  const form = page.getByRole('form', { name: '录入或更正一天' });
  await form.getByLabel(/^日期/).fill(day);
  await form.locator('select[name=kind]').selectOption('holiday');
  await form.locator('input[name=name]').fill('临时调整');
  await form.getByRole('button', { name: '加入改动' }).click();
  await page.getByTestId('calendar-pending').getByText(day).waitFor();
  await page.getByRole('button', { name: '预览受影响的期限' }).click();
  const moves = page.getByTestId('calendar-moves');
  await moves.getByRole('link', { name: open.serial }).waitFor();
  assert.equal((await director.collection('complaints').getOne(open.id)).reply_due, open.reply_due, 'the preview saved nothing');

  await page.getByRole('button', { name: '保存改动' }).click();
  await page.getByRole('dialog').getByRole('button', { name: '保存改动' }).click();
  await page.getByText(/已保存，\d+ 个期限已改期/).waitFor();
  const moved = await director.collection('complaints').getOne(open.id);
  assert.ok(moved.reply_due > open.reply_due, `reply due ${open.reply_due} → ${moved.reply_due}`);
  await page.getByTestId('calendar-days').locator(`tr[data-date="${day}"]`).getByText('主任录入').waitFor();
  assert.deepEqual(page.scriptErrors, []);
});

test('a supervisor reads the calendar but is not offered changes', async () => {
  const page = await newPage(browser, DESKTOP);
  await signIn(page, server.url, 'supervisor@example.com', '/staff/');
  await page.waitForURL(/#\/dashboard$/);
  await page.getByRole('link', { name: '工作日历' }).click();
  await page.getByTestId('calendar-days').waitFor();
  await page.getByText('只有管理处主任可以录入或更正工作日历').waitFor();
  assert.equal(await page.getByRole('button', { name: '保存改动' }).count(), 0);
  assert.deepEqual(page.scriptErrors, []);
});
