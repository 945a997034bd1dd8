// Print views (#/print/…): A4 pages rendered without the workspace chrome,
// each with a Print button that does not print. The receipt (收款收据), the
// deposit refund voucher (押金退款凭证) and the payment reminders (催款通知单,
// one page per unit) are here; the work order is in print_orders.js and the
// rectification notice in print_forms.js.
import { html, useEffect } from '../core/html.js';
import { pb, capitalsOf } from '../core/api.js';
import { t, addMessages, label, choices } from '../core/i18n.js';
import { yuan, owed, today, unitName } from '../core/format.js';
import { Loading, ErrorBox, Empty, useAsync, navigate } from '../core/ui.js';

addMessages({
  'print.back': ['返回', 'Back'],
  'prt.colon': ['：', ': '],
  'prt.receipt.title': ['收款收据', 'Receipt'],
  'prt.receipt.reversal': ['收款收据（冲正）', 'Receipt (reversal)'],
  'prt.receipt.payee': ['收款单位', 'Payee'],
  'prt.receipt.no': ['No.', 'No.'],
  'prt.receipt.paidAt': ['收款时间', 'Paid at'],
  'prt.receipt.unit': ['房号', 'Unit'],
  'prt.receipt.payer': ['交款人', 'Paid by'],
  'prt.receipt.method': ['付款方式', 'Method'],
  'prt.receipt.item': ['收费项目', 'Fee item'],
  'prt.receipt.period': ['所属期间', 'Period covered'],
  'prt.receipt.bill': ['账单号', 'Bill'],
  'prt.receipt.amount': ['金额（元）', 'Amount (yuan)'],
  'prt.receipt.figures': ['合计（小写）', 'Total (figures)'],
  'prt.receipt.capitals': ['合计（大写）', 'Total (in capitals)'],
  'prt.receipt.noLines': ['（无账单明细）', '(no bill lines)'],
  'prt.receipt.reverses': ['本收据冲正原收款，金额为负数', 'This receipt reverses an earlier payment; the amount is negative'],
  'prt.receipt.issuer': ['开票人', 'Issued by'],
  'prt.receipt.payerSign': ['交款人签字', 'Payer\'s signature'],
  'prt.receipt.stamp': ['收款单位（盖章）', 'Payee (stamp)'],
  'prt.receipt.keep': ['请妥善保管本收据', 'Please keep this receipt'],
  'prt.rem.stage': ['催缴阶段', 'Stage'],
  'prt.rem.count': ['共 {n} 户，每户一页', '{n} units, one page each'],
  'prt.rem.none': ['没有这一阶段待送达的催款通知单', 'No open reminders at this stage'],
  'prt.rem.title.1': ['首次催款通知单', 'First payment reminder'],
  'prt.rem.title.2': ['第二次催款通知单', 'Second payment reminder'],
  'prt.rem.title.3': ['最后催款通知单', 'Final payment reminder'],
  'prt.rem.title.escalated': ['欠费上门催缴记录', 'Arrears home-visit record'],
  'prt.rem.dear': ['尊敬的 {payer} 业主/住户：', 'Dear {payer},'],
  'prt.rem.owner': ['业主', 'owner'],
  'prt.rem.body': ['您的房屋 {unit} 以下费用已逾期未缴，请于 {deadline} 前到物业服务中心或通过网上缴费缴清。逾期将按规定自缴费期限次日起计收滞纳金。', 'The charges below for your unit {unit} are overdue. Please pay them by {deadline} at the property service center or online. Late fees accrue from the day after the deadline.'],
  'prt.rem.bodyOnReceipt': ['您的房屋 {unit} 以下费用已逾期未缴，请于收到本通知之日起 10 日内到物业服务中心或通过网上缴费缴清。逾期将按规定自缴费期限次日起计收滞纳金。', 'The charges below for your unit {unit} are overdue. Please pay them within 10 days of receiving this notice, at the property service center or online. Late fees accrue from the day after that deadline.'],
  'prt.rem.bodyNoDeadline': ['您的房屋 {unit} 以下费用经多次催缴仍未缴纳，请尽快到物业服务中心缴清。', 'The charges below for your unit {unit} are still unpaid after repeated reminders. Please pay them at the property service center without delay.'],
  'prt.rem.bill': ['账单号', 'Bill'],
  'prt.rem.item': ['收费项目', 'Fee item'],
  'prt.rem.period': ['账期', 'Period'],
  'prt.rem.amount': ['应收', 'Amount'],
  'prt.rem.paid': ['已缴/减免', 'Paid / discount'],
  'prt.rem.lateFee': ['滞纳金', 'Late fee'],
  'prt.rem.owed': ['欠费', 'Owed'],
  'prt.rem.total': ['欠费合计', 'Total owed'],
  'prt.rem.capitals': ['欠费合计（大写）', 'Total owed in capitals'],
  'prt.rem.lateFees': ['其中滞纳金', 'of which late fees'],
  'prt.rem.deadline': ['缴费期限', 'Pay by'],
  'prt.rem.ignore': ['如已缴纳，请忽略本通知。如有疑问，请致电 {phone}。', 'If you have paid already, please ignore this notice. Questions: {phone}.'],
  'prt.rem.office': ['{name}物业服务中心', '{name} Property Service Center'],
  'prt.rem.cut': ['沿此线剪开，回执交物业服务中心', 'Cut here; the slip goes back to the service center'],
  'prt.rem.slip': ['送达回执', 'Delivery slip'],
  'prt.rem.signee': ['签收人', 'Received by'],
  'prt.rem.signDate': ['签收日期', 'Date'],
  'prt.rem.deliverer': ['送达人', 'Delivered by'],
  'prt.refund.title': ['装修押金退款凭证', 'Renovation deposit refund voucher'],
  'prt.refund.payer': ['付款单位', 'Paid by'],
  'prt.refund.paidAt': ['退款时间', 'Refunded at'],
  'prt.refund.renovation': ['装修申请', 'Renovation'],
  'prt.refund.payee': ['领款人', 'Payee'],
  'prt.refund.item': ['项目', 'Item'],
  'prt.refund.deposit': ['装修押金', 'Renovation deposit'],
  'prt.refund.deduct': ['违规扣款：{reason}', 'Deduction: {reason}'],
  'prt.refund.on': ['日期', 'Date'],
  'prt.refund.approver': ['审批（主任）', 'Approved by (director)'],
  'prt.refund.issuer': ['经办', 'Paid out by'],
  'prt.refund.payeeSign': ['领款人签字', "Payee's signature"],
  'prt.refund.stamp': ['付款单位（盖章）', 'Paid by (stamp)'],
  'prt.refund.keep': ['领款人签字后由物业服务中心留存', 'Kept by the service center once the payee has signed'],
  'prt.service': ['有偿服务 {source}', 'Paid service {source}'],
  'prt.other': ['其它费用', 'Other charge'],
});

// --- the bar above a print view (not printed) --------------------------------------

/** useTitle names the browser tab (and the PDF a print is saved as) while a view is open. */
function useTitle(title) {
  useEffect(() => {
    if (!title) return undefined;
    const before = document.title;
    document.title = title;
    return () => { document.title = before; };
  }, [title]);
}

function PrintBar({ back, children }) {
  const goBack = () => (history.length > 1 ? history.back() : navigate(back));
  return html`<div class="print-bar no-print">
    <button type="button" class="ghost" onClick=${goBack}>← ${t('print.back')}</button>
    <span class="spacer"></span>
    ${children}
    <button type="button" class="primary" onClick=${() => window.print()}>${t('print')}</button>
  </div>`;
}

// --- the receipt -------------------------------------------------------------------

export function PrintReceipt({ params }) {
  const rec = useAsync(() => pb.send(`/api/wuye/receipts/${encodeURIComponent(params.id)}`, { method: 'GET' }), [params.id]);
  useTitle(rec.data ? `${t('prt.receipt.title')} ${rec.data.serial}` : '');
  if (rec.loading && !rec.data) return html`<${Loading} />`;
  if (rec.error) return html`<${PrintBar} back="/cashier" /><${ErrorBox} error=${rec.error} retry=${rec.reload} />`;
  const r = rec.data;
  const reversal = r.amount_fen < 0 || Boolean(r.reverses);
  return html`
    <${PrintBar} back="/cashier" />
    <article class="prt-sheet prt-receipt" aria-labelledby="receipt-title" data-testid="receipt">
      <header class="prt-receipt-head">
        <h1 id="receipt-title">${reversal ? t('prt.receipt.reversal') : t('prt.receipt.title')}</h1>
        <div class="row between">
          <span>${t('prt.receipt.payee')}${t('prt.colon')}<b data-testid="payee">${r.payee}</b></span>
          <span class="prt-serial">${t('prt.receipt.no')} <b data-testid="serial">${r.serial}</b></span>
        </div>
      </header>
      <table class="prt-table prt-meta">
        <tbody>
          <tr><th>${t('prt.receipt.paidAt')}</th><td>${r.paid_at}</td><th>${t('prt.receipt.method')}</th><td>${label('method', r.method)}</td></tr>
          <tr><th>${t('prt.receipt.unit')}</th><td>${r.unit}</td><th>${t('prt.receipt.payer')}</th><td>${r.payer_name}</td></tr>
        </tbody>
      </table>
      <table class="prt-table prt-lines">
        <thead><tr><th>${t('prt.receipt.item')}</th><th>${t('prt.receipt.period')}</th><th>${t('prt.receipt.bill')}</th><th class="num">${t('prt.receipt.amount')}</th></tr></thead>
        <tbody>
          ${r.lines.length ? r.lines.map((l) => html`<tr key=${l.bill}>
            <td>${l.item}</td><td>${l.period}<div class="sub">${l.covers}</div></td><td class="sub">${l.bill}</td><td class="num">${yuan(l.amount_fen).replace('¥', '')}</td></tr>`)
            : html`<tr><td colspan="4" class="sub">${t('prt.receipt.noLines')}</td></tr>`}
        </tbody>
        <tfoot>
          <tr><th colspan="3">${t('prt.receipt.figures')}</th><td class="num" data-testid="amount">${r.amount}</td></tr>
          <tr><th>${t('prt.receipt.capitals')}</th><td colspan="3" class="capitals" data-testid="amount-capitals">${r.amount_capitals}</td></tr>
        </tfoot>
      </table>
      ${reversal && html`<p class="prt-note">${t('prt.receipt.reverses')}</p>`}
      <footer class="prt-sign">
        <span>${t('prt.receipt.issuer')}${t('prt.colon')}<b>${r.issuer}</b></span>
        <span>${t('prt.receipt.payerSign')}${t('prt.colon')}<i class="line"></i></span>
        <span>${t('prt.receipt.stamp')}${t('prt.colon')}<i class="line"></i></span>
      </footer>
      <p class="prt-foot-note">${t('prt.receipt.keep')}</p>
    </article>`;
}

// --- the deposit refund voucher ---------------------------------------------------

export function PrintRefund({ params }) {
  const rec = useAsync(() => pb.send(`/api/wuye/deposit-refunds/${encodeURIComponent(params.id)}/receipt`, { method: 'GET' }), [params.id]);
  useTitle(rec.data ? `${t('prt.refund.title')} ${rec.data.serial}` : '');
  if (rec.loading && !rec.data) return html`<${Loading} />`;
  if (rec.error) return html`<${PrintBar} back="/renovations" /><${ErrorBox} error=${rec.error} retry=${rec.reload} />`;
  const r = rec.data;
  const num = (fen) => yuan(fen).replace('¥', '');
  return html`
    <${PrintBar} back="/renovations" />
    <article class="prt-sheet prt-receipt" aria-labelledby="refund-title" data-testid="refund-voucher">
      <header class="prt-receipt-head">
        <h1 id="refund-title">${t('prt.refund.title')}</h1>
        <div class="row between">
          <span>${t('prt.refund.payer')}${t('prt.colon')}<b>${r.payer}</b></span>
          <span class="prt-serial">${t('prt.receipt.no')} <b data-testid="serial">${r.serial}</b></span>
        </div>
      </header>
      <table class="prt-table prt-meta">
        <tbody>
          <tr><th>${t('prt.refund.paidAt')}</th><td>${r.paid_at}</td><th>${t('prt.receipt.method')}</th><td>${label('method', r.method)}</td></tr>
          <tr><th>${t('prt.receipt.unit')}</th><td>${r.unit}</td><th>${t('prt.refund.renovation')}</th><td>${r.renovation}</td></tr>
          <tr><th>${t('prt.refund.payee')}</th><td colspan="3">${r.payee_name}</td></tr>
        </tbody>
      </table>
      <table class="prt-table prt-lines">
        <thead><tr><th>${t('prt.refund.item')}</th><th>${t('prt.refund.on')}</th><th class="num">${t('prt.receipt.amount')}</th></tr></thead>
        <tbody>
          <tr><td>${t('prt.refund.deposit')}</td><td></td><td class="num">${num(r.deposit_fen)}</td></tr>
          ${r.deductions.map((d, i) => html`<tr key=${i}><td>${t('prt.refund.deduct', { reason: d.reason })}</td><td>${d.on}</td><td class="num">-${num(d.amount_fen)}</td></tr>`)}
        </tbody>
        <tfoot>
          <tr><th colspan="2">${t('prt.receipt.figures')}</th><td class="num" data-testid="amount">${r.amount}</td></tr>
          <tr><th>${t('prt.receipt.capitals')}</th><td colspan="2" class="capitals" data-testid="amount-capitals">${r.amount_capitals}</td></tr>
        </tfoot>
      </table>
      <footer class="prt-sign">
        <span>${t('prt.refund.approver')}${t('prt.colon')}<b>${r.approver}</b></span>
        <span>${t('prt.refund.issuer')}${t('prt.colon')}<b>${r.issuer}</b></span>
        <span>${t('prt.refund.payeeSign')}${t('prt.colon')}<i class="line"></i></span>
        <span>${t('prt.refund.stamp')}${t('prt.colon')}<i class="line"></i></span>
      </footer>
      <p class="prt-foot-note">${t('prt.refund.keep')}</p>
    </article>`;
}

// --- the deposit receipt (押金收据, YJ-) ------------------------------------------

addMessages({
  'prt.dep.title': ['押金收据', 'Deposit receipt'],
  'prt.dep.titleOut': ['押金退还凭证', 'Deposit repayment voucher'],
  'prt.dep.at': ['时间', 'Date'],
  'prt.dep.holder': ['交款人', 'Paid by'],
  'prt.dep.source': ['事由', 'For'],
  'prt.dep.kind.renovation': ['装修押金', 'Renovation deposit'],
  'prt.dep.reason': ['说明', 'Reason'],
  'prt.dep.balance': ['押金余额', 'Deposit balance'],
  'prt.dep.keep': ['押金凭本收据退还，请妥善保管', 'The deposit is returned against this receipt: keep it safe'],
});

export function PrintDepositReceipt({ params }) {
  const rec = useAsync(() => pb.send(`/api/wuye/deposit-receipts/${encodeURIComponent(params.id)}`, { method: 'GET' }), [params.id]);
  useTitle(rec.data ? `${t('prt.dep.title')} ${rec.data.serial}` : '');
  if (rec.loading && !rec.data) return html`<${Loading} />`;
  if (rec.error) return html`<${PrintBar} back="/renovations" /><${ErrorBox} error=${rec.error} retry=${rec.reload} />`;
  const r = rec.data;
  const taken = r.kind === 'receive';
  const kind = r.deposit_kind === 'renovation' ? t('prt.dep.kind.renovation') : r.deposit_kind;
  return html`
    <${PrintBar} back="/renovations" />
    <article class="prt-sheet prt-receipt" aria-labelledby="dep-title" data-testid="deposit-receipt">
      <header class="prt-receipt-head">
        <h1 id="dep-title">${taken ? t('prt.dep.title') : t('prt.dep.titleOut')}</h1>
        <div class="row between">
          <span>${t('prt.receipt.payee')}${t('prt.colon')}<b>${r.payee}</b></span>
          <span class="prt-serial">${t('prt.receipt.no')} <b data-testid="serial">${r.serial}</b></span>
        </div>
      </header>
      <table class="prt-table prt-meta">
        <tbody>
          <tr><th>${t('prt.dep.at')}</th><td>${r.at}</td><th>${t('prt.receipt.method')}</th><td>${label('method', r.method)}</td></tr>
          <tr><th>${t('prt.receipt.unit')}</th><td>${r.unit}</td><th>${t('prt.dep.holder')}</th><td>${r.holder_name}</td></tr>
          <tr><th>${t('prt.dep.source')}</th><td>${kind} ${r.source}</td><th>${t('prt.dep.balance')}</th><td class="num">${yuan(r.balance_fen)}</td></tr>
          ${r.reason && html`<tr><th>${t('prt.dep.reason')}</th><td colspan="3">${r.reason}</td></tr>`}
        </tbody>
        <tfoot>
          <tr><th>${t('prt.receipt.figures')}</th><td colspan="3" class="num" data-testid="amount">${r.amount}</td></tr>
          <tr><th>${t('prt.receipt.capitals')}</th><td colspan="3" class="capitals" data-testid="amount-capitals">${r.amount_capitals}</td></tr>
        </tfoot>
      </table>
      <footer class="prt-sign">
        <span>${t('prt.receipt.issuer')}${t('prt.colon')}<b>${r.issuer}</b></span>
        <span>${t('prt.receipt.payerSign')}${t('prt.colon')}<i class="line"></i></span>
        <span>${t('prt.receipt.stamp')}${t('prt.colon')}<i class="line"></i></span>
      </footer>
      ${taken && html`<p class="prt-foot-note">${t('prt.dep.keep')}</p>`}
    </article>`;
}

// --- payment reminders, one page per unit -----------------------------------------------

const STAGES = ['1', '2', '3', 'escalated'];

const billItem = (b) => b.expand?.fee_item?.name || (b.source ? t('prt.service', { source: b.source }) : t('prt.other'));

// The community's open reminders of a stage: the bill is still owed and
// stands at that stage (a bill already sent the next notice is not
// reminded again with this one). Grouped by unit, in building and unit order.
async function loadNotices(communityId, stage) {
  const list = await pb.collection('reminders').getFullList({
    filter: pb.filter('community = {:c} && stage = {:s} && bill.reminder_stage = {:s} && (bill.status = "issued" || bill.status = "partially_paid")',
      { c: communityId, s: stage }),
    expand: 'unit.building,bill.fee_item,bill.payer', sort: 'issued_on',
  });
  const units = new Map();
  for (const r of list) {
    const unit = r.expand?.unit, bill = r.expand?.bill;
    if (!unit || !bill) continue;
    if (!units.has(unit.id)) units.set(unit.id, { unit, bills: [], deadline: '', issuedOn: '', payer: '' });
    const u = units.get(unit.id);
    u.bills.push(bill);
    if (r.deadline && (!u.deadline || r.deadline < u.deadline)) u.deadline = r.deadline;
    if (r.issued_on > u.issuedOn) u.issuedOn = r.issued_on;
    if (!u.payer && bill.expand?.payer?.name) u.payer = bill.expand.payer.name;
  }
  const key = (u) => `${(u.expand?.building?.code || '').padStart(4, '0')} ${String(u.number).padStart(6, '0')}`;
  const out = [...units.values()].sort((a, b) => key(a.unit).localeCompare(key(b.unit)));
  for (const u of out) {
    u.bills.sort((a, b) => `${a.due_on}${a.period_start}${a.serial}`.localeCompare(`${b.due_on}${b.period_start}${b.serial}`));
    u.total = u.bills.reduce((s, b) => s + Math.max(owed(b), 0), 0);
    u.lateFees = u.bills.reduce((s, b) => s + (b.late_fee_fen || 0), 0);
  }
  // A unit's total spans several bills: its capitals come from the server.
  const words = await capitalsOf(out.map((u) => u.total));
  for (const u of out) u.capitals = words.get(u.total);
  return out;
}

export function PrintReminders({ community, communities, query }) {
  const stage = STAGES.includes(query.get('stage')) ? query.get('stage') : '1';
  const c = (communities || []).find((x) => x.id === query.get('community')) || community;
  const data = useAsync(() => loadNotices(c.id, stage), [c.id, stage]);
  useTitle(`${t('prt.rem.title.' + stage)} · ${c.name}`);
  const setStage = (s) => navigate(`/print/reminders?stage=${encodeURIComponent(s)}${query.get('community') ? '&community=' + encodeURIComponent(c.id) : ''}`);
  const bar = html`<${PrintBar} back="/billing">
    <label class="row small">${t('prt.rem.stage')}
      <select value=${stage} onChange=${(e) => setStage(e.target.value)}>
        ${choices('reminder_stage').map((s) => html`<option value=${s.code}>${s.text}</option>`)}
      </select></label>
    ${data.data && html`<span class="small muted" data-testid="notice-count">${t('prt.rem.count', { n: data.data.length })}</span>`}
  <//>`;
  if (data.loading && !data.data) return html`${bar}<${Loading} />`;
  if (data.error) return html`${bar}<${ErrorBox} error=${data.error} retry=${data.reload} />`;
  if (!data.data.length) return html`${bar}<div class="prt-sheet"><${Empty} text=${t('prt.rem.none')} /></div>`;
  return html`${bar}
    <div class="prt-notices">${data.data.map((u) => html`<${Notice} key=${u.unit.id} n=${u} stage=${stage} community=${c} />`)}</div>`;
}

function Notice({ n, stage, community }) {
  const title = t('prt.rem.title.' + stage);
  const unit = unitName(n.unit);
  const office = t('prt.rem.office', { name: community.name });
  return html`<section class="prt-sheet prt-notice page-break" data-unit=${n.unit.id} aria-label=${`${title} ${unit}`}>
    <h1>${title}</h1>
    <p class="prt-dear">${t('prt.rem.dear', { payer: n.payer || t('prt.rem.owner') })}</p>
    <p class="prt-body">${n.deadline
      ? t('prt.rem.body', { unit, deadline: n.deadline })
      : stage === 'escalated' ? t('prt.rem.bodyNoDeadline', { unit }) : t('prt.rem.bodyOnReceipt', { unit })}</p>
    <table class="prt-table prt-lines">
      <thead><tr><th>${t('prt.rem.bill')}</th><th>${t('prt.rem.item')}</th><th>${t('prt.rem.period')}</th>
        <th class="num">${t('prt.rem.amount')}</th><th class="num">${t('prt.rem.paid')}</th><th class="num">${t('prt.rem.lateFee')}</th><th class="num">${t('prt.rem.owed')}</th></tr></thead>
      <tbody>${n.bills.map((b) => html`<tr key=${b.id}>
        <td class="sub">${b.serial}</td><td>${billItem(b)}</td><td>${b.period}<div class="sub">${b.period_start} – ${b.period_end}</div></td>
        <td class="num">${yuan(b.amount_fen)}</td><td class="num">${yuan((b.paid_fen || 0) + (b.discount_fen || 0))}</td>
        <td class="num">${yuan(b.late_fee_fen)}</td><td class="num"><b>${yuan(owed(b))}</b></td></tr>`)}</tbody>
      <tfoot>
        <tr><th colspan="5">${t('prt.rem.total')}${n.lateFees ? `（${t('prt.rem.lateFees')} ${yuan(n.lateFees)}）` : ''}</th>
          <td colspan="2" class="num"><b data-testid="notice-total">${yuan(n.total)}</b></td></tr>
        <tr><th colspan="2">${t('prt.rem.capitals')}</th><td colspan="5" class="capitals" data-testid="notice-capitals">${n.capitals}</td></tr>
      </tfoot>
    </table>
    ${n.deadline && html`<p>${t('prt.rem.deadline')}${t('prt.colon')}<b>${n.deadline}</b></p>`}
    <p>${t('prt.rem.ignore', { phone: community.phone || '' })}</p>
    <p class="prt-office">${office}<br />${n.issuedOn || today()}</p>
    <div class="prt-cut" aria-hidden="true"><span>✂ ${t('prt.rem.cut')}</span></div>
    <div class="prt-slip">
      <b>${title} · ${t('prt.rem.slip')}</b>
      <span>${t('prt.receipt.unit')}${t('prt.colon')}${unit}</span>
      <span>${t('prt.rem.total')}${t('prt.colon')}${yuan(n.total)}</span>
      <span>${t('prt.rem.signee')}${t('prt.colon')}<i class="line"></i></span>
      <span>${t('prt.rem.signDate')}${t('prt.colon')}<i class="line"></i></span>
      <span>${t('prt.rem.deliverer')}${t('prt.colon')}<i class="line"></i></span>
    </div>
  </section>`;
}
