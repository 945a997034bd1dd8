// Residents' portal: renovation (apply, follow the reviews live, fees and
// deposits, violations, the refund date; the tenant's consent rule) and the
// community notice board.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import { startServer, launch, newPage, signIn, api, shot, PHONE, DESKTOP, now } from './harness.mjs';

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

// --- a small real PNG (a floor plan stand-in) --------------------------------

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
/** png draws a w×h grey plan with a dark border (RGB, 8 bit). */
function png(w = 48, h = 32) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; ihdr[9] = 2; // 8-bit RGB
  const rows = [];
  for (let y = 0; y < h; y++) {
    const row = Buffer.alloc(1 + w * 3);
    for (let x = 0; x < w; x++) {
      const edge = x === 0 || y === 0 || x === w - 1 || y === h - 1 || x === Math.floor(w / 2);
      row.fill(edge ? 40 : 225, 1 + x * 3, 4 + x * 3);
    }
    rows.push(row);
  }
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))]);
}

// --- helpers ---------------------------------------------------------------

const LIVE = { timeout: 5000 }; // realtime changes must show within a few seconds

/** statusIs waits until the detail page's status chip reads text (no reload). */
async function statusIs(page, text) {
  await page.getByTestId('renovation-status').filter({ hasText: text }).waitFor(LIVE);
}

/** confirm answers the confirm dialog with its OK button. */
async function confirm(page, ok) {
  const dialog = page.locator('dialog.confirm');
  await dialog.waitFor();
  await dialog.getByRole('button', { name: ok }).click();
}

/** fillApplication fills the form with a contractor, two scopes and dates. */
async function fillApplication(page, { contractor, phone = '13612345678' }) {
  await page.getByRole('heading', { name: '装修申请' }).waitFor();
  await page.locator('input[name=contractor_name]').fill(contractor);
  await page.locator('input[name=contractor_phone]').fill(phone);
  await page.locator('input[name=site_lead]').fill('钱工');
  await page.getByLabel('墙体').check();
  await page.getByLabel('电路').check();
  await page.locator('textarea[name=description]').fill('客厅墙面翻新，厨房重新布线');
  await page.locator('input[name=planned_start]').fill('2026-12-10');
  await page.locator('input[name=planned_end]').fill('2027-01-20');
}

const idFromUrl = (page) => new URL(page.url()).hash.match(/^#\/renovation\/([a-z0-9]{15})$/)?.[1];

test('an owner applies with a drawing and follows reviews, fees, a violation and the refund date live', async () => {
  const page = await newPage(browser, PHONE);
  await signIn(page, server.url, 'owner2@example.com', '/#/renovation/new');
  await fillApplication(page, { contractor: '美家装饰有限公司' });
  // An owner is not asked for a consent.
  assert.equal(await page.getByTestId('owner-consent').count(), 0);
  await page.locator('[data-testid=drawings] input[type=file]').setInputFiles({ name: 'plan.png', mimeType: 'image/png', buffer: png() });
  await page.locator('[data-testid=drawings] img[alt="plan.png"]').waitFor();
  await shot(page, 'portal-renovation-new');
  await page.getByRole('button', { name: '提交', exact: true }).click();
  await confirm(page, '提交');
  await page.waitForURL(/#\/renovation\/[a-z0-9]{15}$/);
  await statusIs(page, '待工程审核');
  const id = idFromUrl(page);
  assert.ok(id, 'the page shows the new application');

  // What was stored is what was filled in.
  const owner = await api(server.url, 'owner2@example.com');
  const stored = await owner.collection('renovations').getOne(id);
  assert.equal(stored.applicant, owner.authStore.record.id);
  assert.equal(stored.contractor_name, '美家装饰有限公司');
  assert.deepEqual([...stored.scope].sort(), ['electrical', 'walls']);
  assert.equal(stored.planned_start, '2026-12-10');
  assert.equal(stored.drawings.length, 1);
  assert.equal(stored.tenant, false);
  await page.locator('img[alt="' + stored.drawings[0] + '"]').waitFor(); // the drawing is shown with a file token

  // From here on the page must follow without a reload.
  await page.evaluate(() => { window.__sameDocument = true; });
  const eng = await api(server.url, 'engineer@example.com');
  const dir = await api(server.url, 'director@example.com');
  await eng.collection('renovations').update(id, { status: 'engineering_passed', engineering_comment: '水电改造需附走向图' });
  await statusIs(page, '待主任审批');
  await page.getByTestId('renovation-comments').getByText('水电改造需附走向图').waitFor(LIVE);

  // The director returns it to engineering with a comment.
  await dir.collection('renovations').update(id, { status: 'submitted', director_comment: '请补充卫生间防水做法' });
  await statusIs(page, '待工程审核');
  await page.getByTestId('renovation-comments').getByText('主任退回工程部重新审核').waitFor(LIVE);
  await page.getByTestId('renovation-comments').getByText('请补充卫生间防水做法').waitFor(LIVE);

  await eng.collection('renovations').update(id, { status: 'engineering_passed' });
  await statusIs(page, '待主任审批');
  await dir.collection('renovations').update(id, { status: 'approved', director_comment: '同意' });
  await statusIs(page, '已批准');

  // The desk sets the fees and the deposit: the page shows what is due.
  const desk = await api(server.url, 'frontdesk@example.com');
  await desk.collection('renovations').update(id, { agreement_signed_at: now().toISOString(), deposit_fen: 200000 });
  await desk.send(`/api/wuye/renovations/${id}/fees`, { method: 'POST', body: { charges: [{ charge: 'renovation_management', amount_fen: 50000 }] } });
  await page.getByTestId('renovation-to-pay').filter({ hasText: '¥2,500.00' }).waitFor(LIVE);
  const cashier = await api(server.url, 'cashier@example.com');
  const feeBills = await cashier.collection('bills').getFullList({ filter: `renovation = "${id}"` });
  await cashier.collection('payments').create({ unit: stored.unit, amount_fen: 50000, method: 'cash', bills: feeBills.map((b) => b.id) });
  await page.getByTestId('renovation-to-pay').filter({ hasText: '¥2,000.00' }).waitFor(LIVE);
  const deposit = await cashier.collection('deposits').create({
    community: stored.community, unit: stored.unit, kind: 'renovation', holder_name: '王芳', source: stored.serial, amount_fen: 200000,
  });
  await desk.collection('renovations').update(id, { deposit: deposit.id });
  await page.getByTestId('renovation-to-pay').waitFor({ state: 'detached', ...LIVE });
  await desk.collection('renovation_passes').create({ renovation: id, worker_name: '刘师傅', id_no: '500101199001011234', trade: '水电', deposit_fen: 10000 });
  await page.getByText('出入证押金（1 张）').waitFor(LIVE);
  await desk.collection('renovations').update(id, { status: 'permitted' });
  await statusIs(page, '已发施工许可证');
  const permitted = await owner.collection('renovations').getOne(id);
  await page.getByRole('region', { name: '申请内容' }).getByText(permitted.permit_no).waitFor(LIVE);

  // A violation found on site: kind, measures, the deduction and the deadline.
  await eng.collection('renovation_violations').create({
    renovation: id, severity: 'major', kind: 'waterproofing', description: '卫生间防水层被凿开', measures: ['rectify', 'deduct'],
    rectify_by: '2026-12-20', deduct_fen: 50000,
  });
  const violations = page.getByTestId('renovation-violations');
  await violations.getByText('卫生间防水层被凿开').waitFor(LIVE);
  for (const text of ['破坏防水层', '重大违规', '待整改', '限期整改恢复、扣除押金', '¥500.00', '2026-12-20']) {
    await violations.getByText(text, { exact: true }).first().waitFor(LIVE);
  }
  await page.getByTestId('renovation-money').getByText('¥1,500.00').waitFor(LIVE); // the deposit balance after the deduction
  await page.locator('.toast').waitFor({ state: 'detached' });
  await shot(page, 'portal-renovation-detail');

  // The resident reports completion (the step the flow gives "resident").
  await page.getByRole('button', { name: '申请验收' }).click();
  await confirm(page, '申请验收');
  await statusIs(page, '申请验收');
  assert.equal((await owner.collection('renovations').getOne(id)).status, 'completion_requested');

  // Joint acceptance sets the refund date, six months on.
  await eng.collection('renovations').update(id, { status: 'accepted', resident_signed: true, contractor_signed: true, office_signed: true });
  await statusIs(page, '验收合格');
  const accepted = await owner.collection('renovations').getOne(id);
  assert.match(accepted.deposit_refund_due, /^\d{4}-\d{2}-\d{2}$/);
  await page.getByTestId('refund-due').filter({ hasText: accepted.deposit_refund_due }).waitFor(LIVE);
  assert.equal(await page.evaluate(() => window.__sameDocument), true, 'the page was never reloaded');
  await page.locator('.toast').waitFor({ state: 'detached' });
  await shot(page, 'portal-renovation-accepted');

  // The list shows the application; the desktop layout of the detail.
  await page.goto(server.url + '/#/renovation');
  await page.getByRole('link', { name: /美家装饰有限公司/ }).waitFor();
  const wide = await newPage(browser, DESKTOP);
  await signIn(wide, server.url, 'owner2@example.com', '/#/renovation/' + id);
  await statusIs(wide, '验收合格');
  await wide.getByTestId('renovation-violations').getByText('卫生间防水层被凿开').waitFor();
  await shot(wide, 'portal-renovation-desktop');

  assert.deepEqual(page.scriptErrors, []);
  assert.deepEqual(wide.scriptErrors, []);
  await page.context().close();
  await wide.context().close();
});

test('a tenant cannot apply without the owner\'s written consent, and can with it', async () => {
  const tenant = await api(server.url, 'tenant1@example.com');
  const director = await api(server.url, 'director@example.com');
  const link = await tenant.collection('unit_residents').getFirstListItem(tenant.filter('resident = {:me} && active = true', { me: tenant.authStore.record.id }));
  assert.equal(link.relation, 'tenant');
  const ofUnit = director.filter('unit = {:u}', { u: link.unit });
  const before = (await director.collection('renovations').getList(1, 1, { filter: ofUnit })).totalItems;

  const page = await newPage(browser, PHONE);
  await signIn(page, server.url, 'tenant1@example.com', '/#/renovation/new');
  await fillApplication(page, { contractor: '租户自请装修队' });
  await page.getByTestId('consent-needed').getByText('业主签字的书面同意书').waitFor();
  await page.getByRole('button', { name: '提交', exact: true }).click();
  await confirm(page, '提交');
  // The server's own message, under the consent field.
  await page.getByTestId('owner-consent').getByText('租户申请装修须上传业主书面同意书').waitFor();
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot(page, 'portal-renovation-consent');
  assert.match(page.url(), /#\/renovation\/new$/);
  assert.equal((await director.collection('renovations').getList(1, 1, { filter: ofUnit })).totalItems, before, 'nothing was created');

  // With the consent attached the application goes in, marked as a tenant's.
  await page.locator('[data-testid=owner-consent] input[type=file]').setInputFiles({ name: 'consent.png', mimeType: 'image/png', buffer: png(30, 40) });
  await page.getByRole('button', { name: '提交', exact: true }).click();
  await confirm(page, '提交');
  await page.waitForURL(/#\/renovation\/[a-z0-9]{15}$/);
  await statusIs(page, '待工程审核');
  const saved = await tenant.collection('renovations').getOne(idFromUrl(page));
  assert.equal(saved.tenant, true);
  assert.ok(saved.owner_consent, 'the consent is stored');
  assert.equal((await director.collection('renovations').getList(1, 1, { filter: ofUnit })).totalItems, before + 1);

  assert.deepEqual(page.scriptErrors, []);
  await page.context().close();
});

test('the notice board shows the own community only, pinned first then newest', async () => {
  // 陈新 bought a flat of building 2 (the demo's ownership transfer): the
  // building's own water stop reaches him.
  const owner = await api(server.url, 'buyer1@example.com', 'residents');
  const yx = await api(server.url, 'supervisor.yx@example.com');
  const other = await yx.collection('notices').getFirstListItem(yx.filter('title = {:t}', { t: '银杏苑门禁系统升级' }));
  // The API refuses the other community's notice to this resident.
  await assert.rejects(owner.collection('notices').getOne(other.id), (e) => e.status === 404);

  const page = await newPage(browser, PHONE);
  await signIn(page, server.url, 'buyer1@example.com', '/#/notices');
  const list = page.getByTestId('notice-list');
  await list.getByRole('link').first().waitFor();
  // Expected: the notices aimed at the resident (their community, or their
  // buildings or units — the read rule), pinned first, then newest first
  // (sorted here, not by the server).
  const links = await owner.collection('unit_residents').getFullList({
    filter: owner.filter('resident = {:me} && active = true', { me: owner.authStore.record.id }), expand: 'unit.building',
  });
  const community = links[0].expand.unit.community;
  const mine = await owner.collection('notices').getFullList({ filter: owner.filter('community = {:c}', { c: community }) });
  mine.sort((a, b) => (b.pinned - a.pinned) || (a.starts_at < b.starts_at ? 1 : -1));
  assert.ok(mine.length >= 2 && mine[0].title === '2026 年第四季度物业费缴费通知' && mine[0].pinned);
  const titles = await list.locator('.item .t').allInnerTexts();
  assert.deepEqual(titles.map((s) => s.replace(/^置顶\s*/, '')), mine.slice(0, 20).map((n) => n.title));
  assert.match(titles[0], /^置顶/);
  // The water stop of building 2 reaches building 2 only.
  const inBuilding2 = links.some((l) => l.expand.unit.expand?.building?.code === '2');
  assert.ok(inBuilding2, 'the resident lives in building 2');
  assert.ok(titles.includes('2 栋二次供水水箱清洗停水通知'));
  assert.equal(await page.getByText('银杏苑门禁系统升级').count(), 0);
  await shot(page, 'portal-notices');

  // Filter by category, then open one.
  await page.getByLabel('维修停水电').check();
  await list.locator('.item').filter({ hasText: '冬季消防安全提示' }).waitFor({ state: 'detached' });
  const maintenance = mine.filter((n) => n.category === 'maintenance').map((n) => n.title);
  assert.ok(maintenance.includes('2 栋二次供水水箱清洗停水通知'));
  assert.deepEqual((await list.locator('.item .t').allInnerTexts()).map((s) => s.replace(/^置顶\s*/, '')), maintenance);
  await list.getByRole('link', { name: /2 栋二次供水/ }).click();
  await page.getByRole('heading', { name: '2 栋二次供水水箱清洗停水通知' }).waitFor();
  await page.getByText('期间 2 栋暂停供水').waitFor();

  // A link to the other community's notice shows a plain "not found or not yours".
  await page.goto(server.url + '/#/notices/' + other.id);
  await page.getByRole('alert').filter({ hasText: /无权查看/ }).waitFor();
  assert.equal(await page.getByText('银杏苑门禁系统升级').count(), 0);

  assert.deepEqual(page.scriptErrors, []);
  await page.context().close();
});
