// Service levels (docs/DESIGN.md § Dispatch "Service levels"): the director's
// page of the community's promises with the manuals' defaults, an edit that
// keeps the earlier version; the supervisor reads them; a resident files an
// urgent repair (急修) from the portal's urgent path, with the service
// center's phone, and a minor repair whose reply is due inside the opening
// hours.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, newPage, signIn, api, shot, PHONE, DESKTOP } from './harness.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.stop(); });

/**
 * policyRead resolves once the repair screen has read the reply policy its
 * out-of-hours notice is drawn from, and the page has drawn a frame since:
 * before that, the notice's absence says nothing.
 */
const policyRead = (page) => page.waitForResponse((r) => r.url().includes('/api/collections/sla_policies/records'))
  .then((r) => r.finished())
  .then(() => page.evaluate(() => new Promise((done) => requestAnimationFrame(() => done()))));

test('the director sees the defaults and changes one; the supervisor only reads', async () => {
  const page = await newPage(browser, DESKTOP);
  await signIn(page, server.url, 'director@example.com', '/staff/');
  await page.getByRole('link', { name: '承诺时限' }).first().click();
  const table = page.getByTestId('sla-table');
  await table.waitFor();
  // [002] 三 3.2: a first response in 24 hours; [003] 2.4.3: 15 minutes inside the opening hours.
  const first = page.getByTestId('sla-complaint-all-first_response');
  assert.equal(await first.locator('input[name=amount]').inputValue(), '24');
  const reply = page.getByTestId('sla-work_order-normal-reply');
  assert.equal(await reply.locator('input[name=amount]').inputValue(), '15');
  assert.equal(await reply.locator('input[name=office_opens]').inputValue(), '08:00');
  assert.equal(await reply.locator('input[name=office_closes]').inputValue(), '18:00');
  assert.equal(await page.getByTestId('sla-work_order-urgent-arrival').locator('input[name=amount]').inputValue(), '30');
  await shot(page, 'staff-service-levels');

  // The director shortens the minor-repair reply to 10 minutes.
  await reply.locator('input[name=amount]').fill('10');
  await reply.getByRole('button', { name: '保存' }).click();
  await page.locator('dialog.confirm').getByRole('button', { name: '保存', exact: true }).click();
  await page.getByText('已保存，对之后受理的生效').waitFor();
  const director = await api(server.url, 'director@example.com');
  const versions = await director.collection('sla_policies').getFullList({
    filter: 'subject = "work_order" && urgency = "normal" && target = "reply"', sort: 'starts_at',
  });
  assert.equal(versions.length, 2, 'the earlier version is kept');
  assert.equal(versions[0].amount, 15);
  assert.notEqual(versions[0].ends_at, '');
  assert.equal(versions[1].amount, 10);

  // Bad input comes back in Chinese, naming the field.
  await reply.locator('input[name=office_opens]').fill('19:00');
  await reply.getByRole('button', { name: '保存' }).click();
  await page.locator('dialog.confirm').getByRole('button', { name: '保存', exact: true }).click();
  await reply.getByText('结束时间必须晚于开始时间').first().waitFor();
  assert.deepEqual(page.scriptErrors, []);

  const sup = await newPage(browser, DESKTOP);
  await signIn(sup, server.url, 'supervisor@example.com', '/staff/');
  await sup.goto(server.url + '/staff/#/service-levels');
  await sup.getByTestId('sla-table').waitFor();
  await sup.getByText('只有管理处主任可以修改').waitFor();
  assert.equal(await sup.getByRole('button', { name: '保存' }).count(), 0, 'no editing for the supervisor');
  assert.deepEqual(sup.scriptErrors, []);
});

test('a resident files an urgent repair from the urgent path', async () => {
  const page = await newPage(browser, PHONE);
  await signIn(page, server.url, 'owner1@example.com');
  await page.getByRole('heading', { name: /李明，您好/ }).waitFor();
  await page.goto(server.url + '/#/repairs/new');
  const urgent = page.getByTestId('urgent-repair');
  await urgent.waitFor();
  assert.equal(await urgent.getByTestId('urgent-phone').innerText(), '023-67880000');
  await urgent.getByLabel(/哪里、什么情况/).fill('卫生间水管爆裂，正在往外喷水');
  await urgent.getByRole('button', { name: '提交急修' }).click();
  const urgentPolicy = policyRead(page);
  await page.locator('dialog.confirm').getByRole('button', { name: '提交急修' }).click();
  await page.waitForURL(/#\/repairs\/(?!new)\w+$/);
  assert.equal(await page.getByTestId('repair-urgency').innerText(), '急修');
  await page.getByText('师傅最迟到场').waitFor();
  // Around the clock: no out-of-hours notice for an urgent repair.
  await urgentPolicy;
  assert.equal(await page.getByTestId('out-of-hours').count(), 0);

  // A minor repair: the notice shows exactly when the reply's 10 minutes (the
  // director's edit above) do not fit in the opening hours (08:00–18:00
  // every day by default) after intake.
  const owner = await api(server.url, 'owner1@example.com');
  const item = await owner.collection('service_items').getFirstListItem('code = "DQ01"');
  const link = await owner.collection('unit_residents').getFirstListItem('unit.number = "101"');
  const o = await owner.collection('work_orders').create({ unit: link.unit, service_item: item.id, description: '厨房灯不亮' });
  const policy = policyRead(page);
  await page.goto(server.url + '/#/repairs/' + o.id);
  await page.getByTestId('repair-say').waitFor();
  const [h, m] = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
    .format(new Date(o.received_at.replace(' ', 'T'))).split(':').map(Number);
  const minute = h * 60 + m; // whole minutes: received 17:50:xx no longer fits
  const closed = minute < 8 * 60 || minute >= 18 * 60 - 10;
  await policy; // the notice reads the policy after the order
  if (closed) await page.getByTestId('out-of-hours').waitFor();
  assert.equal(await page.getByTestId('out-of-hours').count(), closed ? 1 : 0, `received at ${h}:${m}`);
  if (closed) assert.match(await page.getByTestId('out-of-hours').innerText(), /08:00–18:00.*10 分钟/);
  await shot(page, 'portal-repair-urgent');
  assert.deepEqual(page.scriptErrors, []);
});
