// Staff workspace: renovation (装修管理) from the application to the site.
// The engineer's queue and review, the director's approval, the cashier's
// deposit, the front desk's checklist and permit, a hot-work permit's first
// review by security, an inspection with too few extinguishers, a major
// violation with its printable rectification notice, and a permit the
// server refuses.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import { startServer, launch, newPage, signIn, api, shot, DESKTOP, now } from './harness.mjs';

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

const LIVE = { timeout: 5000 };
const shanghaiDay = (d = now()) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(d);

/** confirm answers the confirm dialog with its OK button. */
async function confirm(page, ok) {
  const dialog = page.locator('dialog.confirm');
  await dialog.waitFor();
  await dialog.getByRole('button', { name: ok, exact: true }).click();
  await dialog.waitFor({ state: 'detached' });
}

/** statusIs waits until the page's status chip reads text. */
async function statusIs(page, text) {
  await page.getByTestId('renovation-status').filter({ hasText: text }).waitFor(LIVE);
}

/** a small real PNG (a site photo stand-in). */
function png(w = 16, h = 12) {
  const table = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => { let c = 0xffffffff; for (const b of buf) c = table[(c ^ b) & 0xff] ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0; };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const sum = Buffer.alloc(4); sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0); ihdr.writeUInt32BE(h, 4); ihdr[8] = 8; ihdr[9] = 2;
  const rows = Buffer.concat(Array.from({ length: h }, () => Buffer.concat([Buffer.from([0]), Buffer.alloc(w * 3, 180)])));
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

test('a renovation goes from review to permit to site in the staff workspace, and a refused permit changes nothing', async () => {
  const eng = await api(server.url, 'engineer@example.com');
  const dir = await api(server.url, 'director@example.com');
  const desk = await api(server.url, 'frontdesk@example.com');
  const cashier = await api(server.url, 'cashier@example.com');
  // The demo's one application waiting for engineering, and another approved one.
  const reno = await eng.collection('renovations').getFirstListItem('status = "submitted"', { expand: 'unit.building' });
  const other = await desk.collection('renovations').getFirstListItem('status = "approved"', { expand: 'unit' });
  const id = reno.id;
  const unit = reno.expand.unit;
  const unitText = `${unit.expand.building.name} ${unit.number}`;
  const pages = [];

  // --- the engineer lands on the queues and passes the review ---------------------------
  const page = await newPage(browser, DESKTOP);
  pages.push(page);
  await signIn(page, server.url, 'engineer@example.com', '/staff/');
  await page.waitForURL(/#\/renovations$/);
  const toReview = page.getByTestId('queue-review');
  await toReview.getByRole('link', { name: new RegExp(reno.serial) }).waitFor();
  await page.getByTestId('queue-sites').getByText('今日未巡查').first().waitFor();
  await page.getByTestId('reno-results').getByRole('link').first().waitFor();
  await shot(page, 'staff-renovations');
  // The search finds an application by its unit.
  await page.getByLabel(/房号、单号或施工单位/).fill(unitText);
  await page.getByRole('button', { name: '查找', exact: true }).click();
  await page.getByRole('heading', { name: '查找结果' }).waitFor();
  await page.getByTestId('reno-results').getByRole('link', { name: new RegExp(reno.serial) }).waitFor();
  assert.equal(await page.getByTestId('reno-results').getByRole('link').count(), 1, 'one application for that unit');

  await toReview.getByRole('link', { name: new RegExp(reno.serial) }).click();
  await page.waitForURL(new RegExp(`#/renovations/${id}$`));
  await statusIs(page, '待工程审核');
  await page.getByTestId('renovation-application').getByText(reno.contractor_name).waitFor();
  // Rejecting needs a reason: the page says so and sends nothing.
  await page.getByRole('button', { name: '驳回申请' }).click();
  await page.getByTestId('renovation-steps').getByRole('alert').filter({ hasText: '请先填写驳回原因' }).waitFor();
  assert.equal(await page.locator('dialog.confirm').count(), 0);
  await page.getByLabel(/^工程部意见/).fill('水电走向合理，同意施工');
  await page.getByRole('button', { name: '工程审核通过' }).click();
  await confirm(page, '工程审核通过');
  await statusIs(page, '待主任审批');
  let stored = await eng.collection('renovations').getOne(id);
  assert.equal(stored.status, 'engineering_passed');
  assert.equal(stored.engineering_comment, '水电走向合理，同意施工');
  assert.equal(stored.engineer, eng.authStore.record.id);

  // --- the director approves it from the queue ----------------------------------------------------
  const dpage = await newPage(browser, DESKTOP);
  pages.push(dpage);
  await signIn(dpage, server.url, 'director@example.com', '/staff/#/renovations');
  await dpage.getByTestId('queue-approve').getByRole('link', { name: new RegExp(reno.serial) }).click();
  await statusIs(dpage, '待主任审批');
  await dpage.getByLabel(/^主任意见/).fill('同意，卫生间须做闭水试验');
  await dpage.getByRole('button', { name: '批准装修' }).click();
  await confirm(dpage, '批准装修');
  await statusIs(dpage, '已批准');
  stored = await dir.collection('renovations').getOne(id);
  assert.equal(stored.status, 'approved');
  assert.equal(stored.approver, dir.authStore.record.id);
  assert.equal(stored.director_comment, '同意，卫生间须做闭水试验');

  // --- the cashier takes the deposit into the ledger ------------------------------------------------
  const cpage = await newPage(browser, DESKTOP);
  pages.push(cpage);
  await signIn(cpage, server.url, 'cashier@example.com', '/staff/#/renovations');
  await cpage.getByTestId('queue-collect').getByRole('link', { name: new RegExp(reno.serial) }).click();
  await statusIs(cpage, '已批准');
  const collect = cpage.getByTestId('collect-deposit');
  await collect.getByLabel(/押金金额/).fill('2000');
  assert.ok(await collect.getByLabel(/交款人/).inputValue(), 'the payer defaults to the applicant');
  await collect.getByRole('button', { name: '收取装修押金' }).click();
  await confirm(cpage, '收取装修押金');
  await cpage.getByTestId('item-deposit').getByText(/已收 ¥2,000\.00/).waitFor(LIVE);
  stored = await cashier.collection('renovations').getOne(id);
  assert.ok(stored.deposit, 'the deposit is linked');
  const deposit = await cashier.collection('deposits').getOne(stored.deposit);
  assert.equal(deposit.kind, 'renovation');
  assert.equal(deposit.amount_fen, 200000);
  assert.equal(deposit.source, reno.serial);
  assert.equal(deposit.unit, reno.unit);
  assert.equal(deposit.status, 'held');
  assert.equal(deposit.received_by, cashier.authStore.record.id);

  // --- the front desk: amounts, fees paid, agreement, a worker pass, the permit ----------------------------
  const fpage = await newPage(browser, DESKTOP);
  pages.push(fpage);
  await signIn(fpage, server.url, 'frontdesk@example.com', '/staff/#/renovations');
  await fpage.getByTestId('queue-readying').getByRole('link', { name: new RegExp(reno.serial) }).click();
  await statusIs(fpage, '已批准');
  const checklist = fpage.getByTestId('permit-checklist');
  await fpage.getByTestId('permit-missing').filter({ hasText: '装修协议' }).waitFor();
  const amounts = fpage.getByTestId('amounts-form');
  await amounts.getByLabel(/装修管理费/).fill('500');
  await amounts.getByLabel(/装修押金应收/).fill('2000');
  await amounts.getByRole('button', { name: '保存金额' }).click();
  await fpage.getByTestId('item-fees').getByText('¥500.00').waitFor(LIVE);
  // The fees are a bill, paid at the cashier's with a receipt ([004] 四 3 5.1.6).
  await fpage.getByTestId('item-fees').getByText('请到收费处缴纳').waitFor(LIVE);
  const collectFees = cpage.getByTestId('collect-fees');
  await collectFees.getByLabel('收款方式').selectOption('cash', LIVE);
  await collectFees.getByRole('button', { name: '收取装修费用' }).click();
  await confirm(cpage, '收取装修费用');
  await cpage.locator('.toast').filter({ hasText: /收据 SK-/ }).waitFor(LIVE);
  await fpage.getByTestId('item-fees').getByText('已缴', { exact: true }).waitFor(LIVE);
  await checklist.getByRole('button', { name: '登记协议已签订' }).click();
  await confirm(fpage, '登记协议已签订');
  await fpage.getByTestId('item-agreement').getByText(/已签订/).waitFor(LIVE);
  await fpage.getByTestId('permit-missing').filter({ hasText: '尚缺：施工人员出入证' }).waitFor(LIVE);

  await checklist.getByRole('button', { name: '办理出入证' }).click();
  const passForm = fpage.getByTestId('pass-form');
  await passForm.getByLabel(/^姓名/).fill('赵师傅');
  await passForm.getByLabel(/^身份证号/).fill('500101198805051234');
  await passForm.getByLabel(/^工种/).fill('泥瓦');
  await passForm.getByLabel(/出入证押金/).fill('100');
  await passForm.getByRole('button', { name: '办理出入证' }).click();
  await confirm(fpage, '办理出入证');
  // The front desk sees the ID number masked.
  await fpage.getByTestId('pass-list').getByText('500101********1234').waitFor(LIVE);
  await fpage.getByTestId('permit-missing').filter({ hasText: '条件已齐备' }).waitFor(LIVE);
  await fpage.locator('.toast').first().waitFor({ state: 'detached' });
  await fpage.evaluate(() => window.scrollTo(0, 0));
  await shot(fpage, 'staff-renovation-review');

  await checklist.getByRole('button', { name: '发放施工许可证' }).click();
  await confirm(fpage, '发放施工许可证');
  await statusIs(fpage, '已发施工许可证');
  stored = await desk.collection('renovations').getOne(id);
  assert.equal(stored.status, 'permitted');
  assert.match(stored.permit_no, /^XK-\d{8}-\d{4}$/);
  assert.equal(stored.fees_fen, 50000);
  assert.equal(stored.fees_paid, true);
  assert.equal(stored.deposit_fen, 200000);
  assert.ok(stored.agreement_signed_at);
  await fpage.getByTestId('permit-no').filter({ hasText: stored.permit_no }).waitFor(LIVE);
  const renovating = await desk.collection('units').getOne(reno.unit);
  assert.equal(renovating.status, 'renovating');
  // The registration date is kept when the unit had one, else it is today.
  assert.equal(renovating.renovation_registered_on, unit.renovation_registered_on || shanghaiDay());
  const passes = await desk.collection('renovation_passes').getFullList({ filter: `renovation = "${id}"` });
  assert.equal(passes.length, 1);
  assert.equal(passes[0].worker_name, '赵师傅');
  assert.equal(passes[0].deposit_fen, 10000);
  assert.ok(passes[0].deposit, 'the pass deposit is in the ledger');

  // --- a hot-work permit: filed at the desk, first review by security -----------------------------------
  await fpage.getByRole('button', { name: '申请动火证' }).click();
  const hw = fpage.getByTestId('hot-work-form');
  await hw.getByLabel(/^动火人/).fill('钱焊工');
  await hw.getByLabel(/^特种作业操作证号/).fill('T500101-2024-0088');
  await hw.getByLabel(/^动火部位/).fill('阳台护栏焊接');
  const day = shanghaiDay(new Date(now().getTime() + 86400000));
  await hw.getByLabel(/^开始时间/).fill(`${day}T09:00`);
  await hw.getByLabel(/^结束时间/).fill(`${day}T11:00`);
  await hw.getByRole('button', { name: '提交', exact: true }).click();
  await confirm(fpage, '提交');
  await fpage.getByTestId('renovation-hot-work').getByText('阳台护栏焊接').waitFor(LIVE);
  const spage = await newPage(browser, DESKTOP);
  pages.push(spage);
  await signIn(spage, server.url, 'security@example.com', '/staff/');
  await spage.waitForURL(/#\/renovations$/);
  await spage.getByTestId('queue-hwSecurity').getByRole('link', { name: /阳台护栏焊接/ }).click();
  await statusIs(spage, '已发施工许可证');
  await spage.getByTestId('renovation-hot-work').getByRole('button', { name: '秩序维护部审核通过' }).click();
  await confirm(spage, '秩序维护部审核通过');
  await spage.getByTestId('renovation-hot-work').getByText('待客服中心审核').waitFor(LIVE);
  const permit = await desk.collection('hot_work_permits').getFirstListItem(`renovation = "${id}"`);
  assert.equal(permit.status, 'security_reviewed');
  const security = await api(server.url, 'security@example.com');
  assert.equal(permit.security_by, security.authStore.record.id);
  // The front desk's page shows it waiting for the service center, live.
  await fpage.getByTestId('renovation-hot-work').getByRole('button', { name: '客服中心审核通过' }).waitFor(LIVE);

  // --- a permit the server refuses changes nothing ----------------------------------------------------
  const otherUnitBefore = (await desk.collection('units').getOne(other.unit)).status;
  await fpage.goto(server.url + '/staff/#/renovations/' + other.id);
  await statusIs(fpage, '已批准');
  await fpage.getByTestId('permit-checklist').getByRole('button', { name: '发放施工许可证' }).click();
  await confirm(fpage, '发放施工许可证');
  const refusal = fpage.getByTestId('permit-checklist').getByRole('alert').filter({ hasText: '发放施工许可证前须完成' });
  await refusal.waitFor(LIVE);
  assert.match(await refusal.innerText(), /施工人员出入证/);
  await statusIs(fpage, '已批准');
  const otherAfter = await desk.collection('renovations').getOne(other.id);
  assert.equal(otherAfter.status, 'approved');
  assert.equal(otherAfter.permit_no, '');
  assert.equal(otherAfter.updated, other.updated, 'the refused step saved nothing');
  assert.equal((await desk.collection('units').getOne(other.unit)).status, otherUnitBefore);

  // --- the engineer inspects the site: too few extinguishers -------------------------------------------
  await page.goto(server.url + '/staff/#/renovations');
  const site = page.getByTestId('queue-sites').getByRole('link', { name: new RegExp(stored.permit_no) });
  await site.getByText('今日未巡查').waitFor(LIVE);
  await site.click();
  await statusIs(page, '已发施工许可证');
  const need = Math.ceil(unit.area_m2 / 50 - 1e-9);
  assert.ok(need >= 2, 'the demo flat needs at least two extinguishers');
  // On the site page the day's inspection comes first, stopping work after it (issue #19 item 14).
  const inspectY = (await page.getByRole('button', { name: '记录巡查' }).boundingBox()).y;
  const stopY = (await page.getByTestId('renovation-steps').getByRole('button', { name: '停工整改', exact: true }).boundingBox()).y;
  assert.ok(inspectY < stopY, `记录巡查 (y ${inspectY}) comes before 停工整改 (y ${stopY})`);
  await page.getByRole('button', { name: '记录巡查' }).click();
  const form = page.getByTestId('inspection-form');
  for (const check of ['施工许可证已张贴', '遵守施工时间', '在批准范围内施工', '垃圾已清运', '楼道门已关闭', '无明火作业', '无乱拉电线']) {
    await form.getByLabel(check).check();
  }
  await form.getByLabel(/灭火器/).fill(String(need));
  await form.getByTestId('inspection-result').filter({ hasText: '合格' }).waitFor();
  await form.getByLabel(/灭火器/).fill(String(need - 1));
  await form.getByTestId('inspection-result').filter({ hasText: '发现问题' }).waitFor();
  await form.getByText(`少于要求的 ${need} 具`).waitFor();
  await form.getByLabel(/情况说明/).fill('现场灭火器不足，已责令当天补齐');
  await form.locator('input[type=file]').setInputFiles({ name: 'site.png', mimeType: 'image/png', buffer: png() });
  await form.locator('img[alt="site.png"]').waitFor();
  await form.getByRole('button', { name: '保存', exact: true }).click();
  await confirm(page, '保存');
  const inspections = page.getByTestId('renovation-inspections');
  await inspections.getByText(`灭火器 ${need - 1}/${need}`).waitFor(LIVE);
  await inspections.getByText('发现问题').waitFor(LIVE);
  const [inspection] = await eng.collection('renovation_inspections').getFullList({ filter: `renovation = "${id}"` });
  assert.equal(inspection.result, 'issues');
  assert.equal(inspection.extinguishers, need - 1);
  assert.equal(inspection.extinguishers_required, need);
  assert.equal(inspection.inspector, eng.authStore.record.id);
  assert.equal(inspection.inspected_on, shanghaiDay());
  assert.equal(inspection.photos.length, 1);
  assert.equal(inspection.permit_posted, true);

  // --- a major violation: stop work, rectify by a date, deduct from the deposit --------------------------
  await page.getByRole('button', { name: '记录违规' }).click();
  const vform = page.getByTestId('violation-form');
  await vform.getByRole('radio', { name: /重大违规/ }).check();
  await vform.getByLabel(/^违规类别/).selectOption('load_bearing');
  await vform.getByLabel(/^违规情况/).fill('拆除卫生间与卧室之间的承重墙');
  for (const m of ['停工整改', '限期整改恢复', '扣除押金']) await vform.getByRole('checkbox', { name: m, exact: true }).check();
  const rectifyBy = shanghaiDay(new Date(now().getTime() + 7 * 86400000));
  await vform.getByLabel(/^整改期限/).fill(rectifyBy);
  await vform.getByRole('textbox', { name: /扣除押金（元）/ }).fill('500');
  await vform.getByRole('button', { name: '记录违规' }).click();
  await confirm(page, '记录违规');
  const violations = page.getByTestId('renovation-violations');
  await violations.getByText('拆除卫生间与卧室之间的承重墙').waitFor(LIVE);
  await violations.getByText('改动承重结构 · 重大违规').waitFor(LIVE);
  await statusIs(page, '停工整改'); // stop work suspends the renovation
  await page.getByTestId('deposit-balance').filter({ hasText: '¥1,500.00' }).waitFor(LIVE);
  const [violation] = await eng.collection('renovation_violations').getFullList({ filter: `renovation = "${id}"` });
  assert.equal(violation.severity, 'major');
  assert.equal(violation.kind, 'load_bearing');
  assert.deepEqual([...violation.measures].sort(), ['deduct', 'rectify', 'stop_work']);
  assert.equal(violation.deduct_fen, 50000);
  assert.equal(violation.rectify_by, rectifyBy);
  assert.equal(violation.status, 'open');
  assert.equal(violation.found_by, eng.authStore.record.id);
  assert.equal((await eng.collection('renovations').getOne(id)).status, 'suspended');
  assert.equal((await cashier.collection('deposits').getOne(deposit.id)).balance_fen, 150000);

  // --- the rectification notice, printable -----------------------------------------------------------------
  const [notice] = await Promise.all([
    page.context().waitForEvent('page'),
    violations.getByTestId('notice-link').first().click(),
  ]);
  const noticeErrors = [];
  notice.on('pageerror', (e) => noticeErrors.push(e));
  notice.on('console', (m) => { if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) noticeErrors.push(new Error(m.text())); });
  await notice.waitForURL(new RegExp(`#/print/rectification/${violation.id}$`));
  const sheet = notice.getByTestId('rectification-notice');
  await sheet.waitFor();
  const [ownerLink] = await desk.collection('unit_residents').getFullList({ filter: `unit = "${reno.unit}" && relation = "owner" && active = true`, expand: 'resident' });
  for (const text of ['装修违规整改通知书', unitText, ownerLink.expand.resident.name, reno.contractor_name, '拆除卫生间与卧室之间的承重墙', '改动承重结构',
    '重大违规', '停工整改；限期整改恢复；扣除押金', rectifyBy, '¥500.00', '伍佰元整', '物业服务中心（盖章）', '业主（住户）签收', stored.permit_no]) {
    await sheet.getByText(text).first().waitFor();
  }
  const print = notice.getByRole('button', { name: '打印' });
  assert.equal(await print.isVisible(), true);
  await shot(notice, 'staff-print-rectification');
  await notice.emulateMedia({ media: 'print' });
  assert.equal(await print.isVisible(), false, 'the print button is hidden on paper');
  assert.equal(await sheet.isVisible(), true);
  await notice.emulateMedia({ media: 'screen' });
  assert.deepEqual(noticeErrors, []);

  for (const p of pages) assert.deepEqual(p.scriptErrors, []);
  for (const p of pages) await p.context().close();
});
