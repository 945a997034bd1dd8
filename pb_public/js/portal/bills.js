// Bills (账单): the unit's bills by period with what is paid and owing, the
// statement of a period (arrears, late fees, total in capitals), payment
// online through the payment seam (the demo's stand-in cashier when the
// provider is the sandbox), the payments made, and printable receipts.
import { html, useState, useEffect, useRef } from '../core/html.js';
import { pb } from '../core/api.js';
import { t, addMessages, label, choices, lang } from '../core/i18n.js';
import { yuan, owed, today, unitName } from '../core/format.js';
import { Loading, ErrorBox, Empty, useAsync, useAction, confirmBox, toast, navigate, When, trapTab } from '../core/ui.js';
import { useMyTopic, useCoalesce, LIST_WINDOW } from '../core/realtime.js';

addMessages({
  'bills.title': ['我的账单', 'My bills'],
  'bills.owingTitle': ['待缴合计', 'Total owing'],
  'bills.owingCount': ['{n} 张账单待缴', '{n} bills to pay'],
  'bills.owingNone': ['本房屋没有待缴费用', 'Nothing is owed for this unit'],
  'bills.empty': ['本房屋还没有账单', 'This unit has no bills yet'],
  'bills.quarter': ['{y}年第{q}季度', '{y} Q{q}'],
  'bills.month': ['{y}年{m}月', '{m}/{y}'],
  'bills.periodOwing': ['本期待缴 {amount}', 'Owing {amount}'],
  'bills.periodPaid': ['本期已缴清', 'All paid'],
  'bills.item': ['收费项目', 'Fee item'],
  'bills.amount': ['应收', 'Amount'],
  'bills.discount': ['减免', 'Discount'],
  'bills.lateFee': ['滞纳金', 'Late fee'],
  'bills.paid': ['已缴', 'Paid'],
  'bills.owing': ['待缴', 'Owing'],
  'bills.dueOn': ['缴费期限 {date}', 'Due {date}'],
  'bills.overdue': ['已逾期', 'Overdue'],
  'bills.service': ['有偿服务 {source}', 'Paid service {source}'],
  'bills.otherItem': ['其它费用', 'Other charge'],
  'bills.statement': ['对账单', 'Statement'],
  'bills.statementShow': ['查看对账单', 'Show statement'],
  'bills.statementHide': ['收起对账单', 'Hide statement'],
  'bills.stCurrent': ['本期应缴', 'This period'],
  'bills.stArrears': ['往期欠费', 'Earlier arrears'],
  'bills.stLateFees': ['本期滞纳金', 'Late fees'],
  'bills.stTotal': ['合计应缴', 'Total to pay'],
  'bills.stCapitals': ['大写', 'In capitals'],
  'bills.stDue': ['缴费期限', 'Pay by'],
  'bills.stArea': ['建筑面积', 'Floor area'],
  'bills.stPayer': ['业主', 'Owner'],
  'bills.live': ['缴费后账单会实时更新', 'Bills update live after a payment'],
  'bills.payWith': ['支付方式', 'Pay with'],
  'bills.payNow': ['立即缴费', 'Pay now'],
  'bills.paying': ['正在下单…', 'Placing the order…'],
  'bills.payConfirm': ['确认缴费 {amount}？', 'Pay {amount}?'],
  'bills.payConfirmBody': ['将通过{method}缴纳 {n} 张账单的待缴金额。付款后不能撤回，如有错误请联系物业收费处冲正。', 'This pays what {n} bills still owe through {method}. A payment cannot be withdrawn; the cashier\'s office corrects mistakes by a reversal.'],
  'bills.payGo': ['去支付', 'Go to payment'],
  'bills.payNoUrl': ['支付平台没有返回付款地址，请稍后再试', 'The payment provider gave no payment address. Please try again later.'],
  'bills.payRedirect': ['正在打开{method}付款页面…', 'Opening the {method} payment page…'],
  'bills.provider.wechat': ['微信', 'WeChat'],
  'bills.provider.alipay': ['支付宝', 'Alipay'],
  'bills.sandboxTag': ['演示环境', 'Demo'],
  'bills.sandboxTitle': ['演示支付：模拟{provider}付款', 'Demo payment: simulated {provider} payment'],
  'bills.sandboxBody': ['这是演示系统的模拟收银台，不会真实扣款。确认后，系统按{provider}支付成功的回调为您入账并开具收据。', 'This is the demo\'s stand-in cashier; no real money moves. On confirming, the payment is settled as a {provider} payment notification would settle it, and a receipt is issued.'],
  'bills.payee': ['{name}物业服务中心', '{name} property service center'],
  'bills.sandboxOrder': ['订单号', 'Order number'],
  'bills.sandboxAmount': ['支付金额', 'Amount'],
  'bills.sandboxPay': ['确认付款', 'Confirm payment'],
  'bills.sandboxPaying': ['付款中…', 'Paying…'],
  'bills.payCancelled': ['已取消支付，账单未缴', 'Payment cancelled; the bills are still unpaid'],
  'bills.payDone': ['缴费成功，已入账 {amount}', 'Paid: {amount} received'],
  'bills.payDoneBody': ['收据号 {serial}', 'Receipt {serial}'],
  'bills.viewReceipt': ['查看收据', 'View receipt'],
  'bills.payments': ['缴费记录', 'Payments'],
  'bills.paymentsEmpty': ['还没有缴费记录', 'No payments yet'],
  'bills.reversal': ['冲正', 'Reversal'],
  'bills.reverses': ['冲正收据 {serial}', 'Reverses receipt {serial}'],
  'bills.reversedBy': ['已被 {serial} 冲正', 'Reversed by {serial}'],
  'bills.reversed': ['已冲正', 'Reversed'],
  'receipt.title': ['收款收据', 'Receipt'],
  'receipt.no': ['收据号', 'No.'],
  'receipt.paidAt': ['收款时间', 'Paid at'],
  'receipt.unit': ['房号', 'Unit'],
  'receipt.payer': ['交款人', 'Paid by'],
  'receipt.method': ['付款方式', 'Method'],
  'receipt.item': ['收费项目', 'Fee item'],
  'receipt.period': ['所属期间', 'Period covered'],
  'receipt.amount': ['金额', 'Amount'],
  'receipt.figures': ['合计（小写）', 'Total (figures)'],
  'receipt.capitals': ['合计（大写）', 'Total (in Chinese capitals)'],
  'receipt.payee': ['收款单位', 'Payee'],
  'receipt.issuer': ['开票人', 'Issued by'],
  'receipt.online': ['线上支付自动开具', 'Issued automatically for an online payment'],
  'receipt.reversal': ['本收据为冲正收据，冲销原收据金额', 'This receipt reverses an earlier one'],
  'receipt.original': ['查看原收据', 'View the original receipt'],
  'receipt.stamp': ['（盖章）', '(stamp)'],
  'receipt.back': ['返回账单', 'Back to bills'],
});

const OPEN = ['issued', 'partially_paid'];
const isOpen = (b) => OPEN.includes(b.status) && owed(b) > 0;
const unitFilter = (unit) => pb.filter('unit = {:u}', { u: unit.id });

/** periodLabel: 2026-Q4 → 2026年第四季度 / 2026 Q4; 2026-01 → 2026年1月. */
export function periodLabel(code) {
  let m = /^(\d{4})-Q([1-4])$/.exec(code || '');
  if (m) return t('bills.quarter', { y: m[1], q: lang() === 'en' ? m[2] : '一二三四'[Number(m[2]) - 1] });
  m = /^(\d{4})-(\d{2})$/.exec(code || '');
  if (m) return t('bills.month', { y: m[1], m: Number(m[2]) });
  return code || '';
}

const itemName = (b) => b.expand?.fee_item?.name || (b.source ? t('bills.service', { source: b.source }) : t('bills.otherItem'));
const BillStatus = ({ code }) => html`<span class=${'chip s-' + code}>${label('bill_status', code)}</span>`;
const Money = ({ fen, testid }) => html`<span class=${'money' + (fen < 0 ? ' neg' : '')} data-testid=${testid}>${yuan(fen)}</span>`;

/** groups bills by period, newest period first. */
function byPeriod(bills) {
  const groups = new Map();
  for (const b of bills) {
    if (!groups.has(b.period)) groups.set(b.period, { period: b.period, start: b.period_start, end: b.period_end, bills: [] });
    groups.get(b.period).bills.push(b);
  }
  const key = (g) => `${g.start || ''}|${g.period}`;
  return [...groups.values()].sort((a, b) => (key(a) < key(b) ? 1 : key(a) > key(b) ? -1 : 0));
}

export function Bills({ unit }) {
  const bills = useAsync(() => pb.collection('bills').getFullList({ filter: unitFilter(unit), expand: 'fee_item', sort: '-period_start,serial' }), [unit.id]);
  const payments = useAsync(() => pb.collection('payments').getFullList({ filter: unitFilter(unit), sort: '-created,-serial' }), [unit.id]);
  const [done, setDone] = useState(null);
  // The resident's topic carries the bills and payments of the units they live in.
  // A payment changes several bills at once: one re-read per burst (useCoalesce).
  const billsChanged = useCoalesce(() => bills.reload(), LIST_WINDOW);
  const paymentsChanged = useCoalesce(() => payments.reload(), LIST_WINDOW);
  useMyTopic(billsChanged, { collections: ['bills'], onReconnect: bills.reload }, [unit.id]);
  useMyTopic(paymentsChanged, { collections: ['payments'], onReconnect: payments.reload }, [unit.id]);
  const onPaid = (result) => {
    setDone(result);
    bills.reload();
    payments.reload();
  };
  return html`
    <div class="row between"><h1>${t('bills.title')}</h1><span class="muted small">${unitName(unit)}</span></div>
    ${done && html`<${PayDone} done=${done} payments=${payments.data} />`}
    <${Owing} unit=${unit} bills=${bills} onPaid=${onPaid} />
    <div class="grid2 bills-grid">
      <div><${Periods} unit=${unit} bills=${bills} /></div>
      <div><${Payments} payments=${payments} /></div>
    </div>`;
}

// --- what is owed, and paying it -------------------------------------------

function Owing({ unit, bills, onPaid }) {
  const open = (bills.data || []).filter(isOpen);
  const total = open.reduce((s, b) => s + owed(b), 0);
  let body;
  if (bills.loading && !bills.data) body = html`<${Loading} />`;
  else if (bills.error && !bills.data) body = html`<${ErrorBox} error=${bills.error} retry=${bills.reload} />`;
  else if (total <= 0) body = html`<p class="owing-none" data-testid="owing-none">✓ ${t('bills.owingNone')}</p>`;
  else {
    body = html`
      <div class="sum"><span class="big money" data-testid="owing-total">${yuan(total)}</span><span class="muted">${t('bills.owingCount', { n: open.length })}</span></div>
      <${PayPanel} unit=${unit} open=${open} total=${total} onPaid=${onPaid} />`;
  }
  return html`<section class="card bills-owing" aria-labelledby="h-owing">
    <h2 id="h-owing">${t('bills.owingTitle')}<span class="aside small muted">${t('bills.live')}</span></h2>
    ${body}
  </section>`;
}

function PayPanel({ unit, open, total, onPaid }) {
  const [method, setMethod] = useState('wechat');
  const [order, setOrder] = useState(null);
  const act = useAction();
  const methods = choices('method').filter((c) => c.code === 'wechat' || c.code === 'alipay');
  const start = async () => {
    const ok = await confirmBox({
      title: t('bills.payConfirm', { amount: yuan(total) }),
      body: t('bills.payConfirmBody', { method: label('method', method), n: open.length }),
      ok: t('bills.payGo'),
    });
    if (!ok) return;
    const res = await act.run(() => pb.send(`/api/wuye/pay/${method}`, { method: 'POST', body: { unit: unit.id, bills: open.map((b) => b.id) } }));
    if (!res) return;
    const url = res.pay?.pay_url || '';
    if (url.startsWith('sandbox://')) {
      setOrder({ provider: method, trade_no: res.pay.trade_no || res.order?.trade_no, amount_fen: res.order?.amount_fen ?? Number(res.pay.amount_fen), payee: unit.expand?.community?.name ? t('bills.payee', { name: unit.expand.community.name }) : '' });
    } else if (/^https?:\/\//.test(url)) {
      toast(t('bills.payRedirect', { method: label('method', method) }));
      window.location.assign(url);
    } else {
      act.setError(t('bills.payNoUrl'));
    }
  };
  return html`<div class="pay-panel no-print">
    <fieldset><legend>${t('bills.payWith')}</legend>
      <div class="choices" role="radiogroup">${methods.map((m) => html`
        <label key=${m.code}><input type="radio" name="pay-method" value=${m.code} checked=${method === m.code} onChange=${() => setMethod(m.code)} />${m.text}</label>`)}</div>
    </fieldset>
    <${ErrorBox} error=${act.error} />
    <div class="actions"><button type="button" class="primary" disabled=${act.busy} onClick=${start}>
      ${act.busy ? t('bills.paying') : `${t('bills.payNow')} ${yuan(total)}`}</button></div>
    ${order && html`<${SandboxCashier} order=${order}
      onCancel=${() => { setOrder(null); toast(t('bills.payCancelled')); }}
      onPaid=${(r) => { setOrder(null); onPaid({ ...r, amount_fen: order.amount_fen }); }} />`}
  </div>`;
}

/**
 * SandboxCashier stands in for the WeChat or Alipay cashier page in the demo
 * (pay_url sandbox://…): confirming settles the order exactly as the
 * provider's signed notification would.
 */
function SandboxCashier({ order, onPaid, onCancel }) {
  const ref = useRef();
  const act = useAction();
  const provider = t('bills.provider.' + order.provider);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    return () => { if (d?.open) d.close(); };
  }, []);
  const cancel = () => { if (!act.busy) onCancel(); };
  const pay = async () => {
    const res = await act.run(() => pb.send(`/api/wuye/pay/${order.provider}/sandbox-checkout`, { method: 'POST', body: { trade_no: order.trade_no } }));
    if (res) onPaid(res);
  };
  return html`<dialog ref=${ref} class=${'confirm cashier cashier-' + order.provider} aria-labelledby="cashier-title" aria-describedby="cashier-body"
      onKeyDown=${trapTab} onCancel=${(e) => { e.preventDefault(); cancel(); }}>
    <span class="chip s-warn demo-tag">${t('bills.sandboxTag')}</span>
    <h2 id="cashier-title">${t('bills.sandboxTitle', { provider })}</h2>
    <p id="cashier-body" class="small muted">${t('bills.sandboxBody', { provider })}</p>
    <div class="cashier-amount"><span class="muted small">${t('bills.sandboxAmount')}</span><span class="big money" data-testid="cashier-amount">${yuan(order.amount_fen)}</span></div>
    <dl class="kv small">
      <dt>${t('bills.sandboxOrder')}</dt><dd class="money">${order.trade_no}</dd>
      ${order.payee && html`<dt>${t('receipt.payee')}</dt><dd>${order.payee}</dd>`}
    </dl>
    <${ErrorBox} error=${act.error} />
    <div class="row end">
      <button type="button" class="ghost" disabled=${act.busy} onClick=${cancel}>${t('cancel')}</button>
      <button type="button" class="primary" disabled=${act.busy} onClick=${pay} autofocus>${act.busy ? t('bills.sandboxPaying') : t('bills.sandboxPay')}</button>
    </div>
  </dialog>`;
}

function PayDone({ done, payments }) {
  const p = (payments || []).find((x) => x.id === done.payment);
  const ref = useRef();
  useEffect(() => { ref.current?.focus(); }, []);
  return html`<section class="card pay-done no-print" role="status" data-testid="pay-done" tabindex="-1" ref=${ref}>
    <h2>✓ ${t('bills.payDone', { amount: yuan(done.amount_fen) })}</h2>
    ${p && html`<p class="small muted">${t('bills.payDoneBody', { serial: p.serial })}</p>`}
    ${done.payment && html`<div class="actions"><button type="button" class="primary" onClick=${() => navigate('/receipts/' + done.payment)}>${t('bills.viewReceipt')}</button></div>`}
  </section>`;
}

// --- bills by period -----------------------------------------------------------

function Periods({ unit, bills }) {
  if (bills.loading && !bills.data) return html`<section class="card"><${Loading} /></section>`;
  if (bills.error && !bills.data) return html`<section class="card"><${ErrorBox} error=${bills.error} retry=${bills.reload} /></section>`;
  if (bills.data.length === 0) return html`<section class="card"><${Empty} text=${t('bills.empty')} /></section>`;
  // Statements are re-read when any bill changes.
  const version = bills.data.reduce((v, b) => (b.updated > v ? b.updated : v), '');
  return byPeriod(bills.data).map((g) => html`<${Period} key=${g.period} unit=${unit} group=${g} version=${version} />`);
}

function Period({ unit, group, version }) {
  const [showStatement, setShowStatement] = useState(false);
  const open = group.bills.filter(isOpen);
  const owing = open.reduce((s, b) => s + owed(b), 0);
  const due = open.map((b) => b.due_on).filter(Boolean).sort()[0];
  const overdue = due && due.slice(0, 10) < today();
  const id = 'period-' + group.period;
  return html`<section class="card period" aria-labelledby=${id} data-period=${group.period}>
    <div class="period-head">
      <h2 id=${id}>${periodLabel(group.period)}</h2>
      <span class="muted small">${(group.start || '').slice(0, 10)} – ${(group.end || '').slice(0, 10)}</span>
      <span class="aside">${owing > 0
        ? html`<b class="money owing">${t('bills.periodOwing', { amount: yuan(owing) })}</b>`
        : html`<span class="chip s-paid">${t('bills.periodPaid')}</span>`}</span>
    </div>
    ${owing > 0 && due && html`<p class="small muted">${t('bills.dueOn', { date: due.slice(0, 10) })} ${overdue ? html`<span class="chip s-bad">${t('bills.overdue')}</span>` : ''}</p>`}
    <table class="t bill-lines">
      <thead><tr>
        <th scope="col">${t('bills.item')}</th><th scope="col" class="num">${t('bills.amount')}</th><th scope="col" class="num">${t('bills.discount')}</th>
        <th scope="col" class="num">${t('bills.lateFee')}</th><th scope="col" class="num">${t('bills.paid')}</th><th scope="col" class="num">${t('bills.owing')}</th><th scope="col">${t('status')}</th>
      </tr></thead>
      <tbody>${group.bills.map((b) => html`<tr key=${b.id} data-bill=${b.serial} data-testid="bill-row">
        <td class="item"><span class="name">${itemName(b)}</span><span class="sub">${b.serial}</span></td>
        <td class="num" data-label=${t('bills.amount')}>${yuan(b.amount_fen)}</td>
        <td class="num" data-label=${t('bills.discount')}>${b.discount_fen ? '-' + yuan(b.discount_fen) : yuan(0)}</td>
        <td class="num" data-label=${t('bills.lateFee')}>${yuan(b.late_fee_fen)}</td>
        <td class="num" data-label=${t('bills.paid')}>${yuan(b.paid_fen)}</td>
        <td class="num owing" data-label=${t('bills.owing')}>${b.status === 'void' ? '—' : yuan(Math.max(owed(b), 0))}</td>
        <td class="st"><${BillStatus} code=${b.status} /></td>
      </tr>`)}</tbody>
    </table>
    <div class="actions no-print"><button type="button" class="ghost" aria-expanded=${showStatement} aria-controls=${'st-' + group.period}
      onClick=${() => setShowStatement(!showStatement)}>${showStatement ? t('bills.statementHide') : t('bills.statementShow')}</button></div>
    ${showStatement && html`<${Statement} unit=${unit} period=${group.period} version=${version} />`}
  </section>`;
}

/** Statement is the office's statement of a period (hooks/fees_statements.go). */
function Statement({ unit, period, version }) {
  const st = useAsync(() => pb.send(`/api/wuye/statements/${encodeURIComponent(unit.id)}`, { method: 'GET', query: { period } }), [unit.id, period, version]);
  let body;
  if (st.loading && !st.data) body = html`<${Loading} />`;
  else if (st.error) body = html`<${ErrorBox} error=${st.error} retry=${st.reload} />`;
  else {
    const s = st.data;
    body = html`<dl class="kv">
      ${s.payer && html`<dt>${t('bills.stPayer')}</dt><dd>${s.payer}</dd>`}
      ${s.area_m2 ? html`<dt>${t('bills.stArea')}</dt><dd>${s.area_m2} m²</dd>` : ''}
      <dt>${t('bills.stCurrent')}</dt><dd class="money">${yuan(s.current_fen)}</dd>
      <dt>${t('bills.stArrears')}</dt><dd class="money">${yuan(s.previous_arrears_fen)}</dd>
      <dt>${t('bills.stLateFees')}</dt><dd class="money">${yuan(s.late_fees_fen)}</dd>
      <dt>${t('bills.stTotal')}</dt><dd><b class="money" data-testid="statement-total">${yuan(s.total_fen)}</b></dd>
      <dt>${t('bills.stCapitals')}</dt><dd class="capitals" data-testid="statement-capitals">${s.total_capitals}</dd>
      ${s.due_on && html`<dt>${t('bills.stDue')}</dt><dd>${s.due_on}</dd>`}
    </dl>`;
  }
  return html`<div class="statement" id=${'st-' + period}><h3>${t('bills.statement')} · ${periodLabel(period)}</h3>${body}</div>`;
}

// --- payments --------------------------------------------------------------------

function Payments({ payments }) {
  let body;
  if (payments.loading && !payments.data) body = html`<${Loading} />`;
  else if (payments.error && !payments.data) body = html`<${ErrorBox} error=${payments.error} retry=${payments.reload} />`;
  else if (payments.data.length === 0) body = html`<${Empty} text=${t('bills.paymentsEmpty')} />`;
  else {
    const byId = new Map(payments.data.map((p) => [p.id, p]));
    const reversal = new Map(payments.data.filter((p) => p.reverses).map((p) => [p.reverses, p]));
    body = html`<ul class="list payments">${payments.data.map((p) => {
      const orig = p.reverses && byId.get(p.reverses);
      const rev = reversal.get(p.id);
      return html`<li key=${p.id} data-payment=${p.serial}>
        <a class="item" href=${'#/receipts/' + p.id}>
          <div class="main"><div class="t">${p.serial} ${p.reverses ? html`<span class="chip s-bad">${t('bills.reversal')}</span>` : rev ? html`<span class="chip s-muted">${t('bills.reversed')}</span>` : ''}</div>
            <div class="sub"><${When} v=${p.created} /> · ${label('method', p.method)}</div></div>
          <${Money} fen=${p.amount_fen} />
        </a>
        ${p.reverses && html`<p class="small link-line">↳ <a href=${'#/receipts/' + p.reverses}>${t('bills.reverses', { serial: orig ? orig.serial : '' })}</a></p>`}
        ${rev && html`<p class="small link-line">↳ <a href=${'#/receipts/' + rev.id}>${t('bills.reversedBy', { serial: rev.serial })}</a></p>`}
      </li>`;
    })}</ul>`;
  }
  return html`<section class="card" aria-labelledby="h-payments"><h2 id="h-payments">${t('bills.payments')}</h2>${body}</section>`;
}

// --- the receipt ----------------------------------------------------------------

export function Receipt({ params }) {
  const rec = useAsync(() => pb.send(`/api/wuye/receipts/${encodeURIComponent(params.id)}`, { method: 'GET' }), [params.id]);
  const back = html`<p class="no-print"><a href="#/bills">← ${t('receipt.back')}</a></p>`;
  if (rec.loading && !rec.data) return html`${back}<${Loading} />`;
  if (rec.error?.status === 404) return html`<div class="card" data-testid="not-found"><h1>${t('err.notFound')}</h1><a href="#/bills">${t('receipt.back')}</a></div>`;
  if (rec.error) return html`${back}<${ErrorBox} error=${rec.error} retry=${rec.reload} />`;
  const r = rec.data;
  return html`${back}
    <article class="receipt" aria-labelledby="receipt-title" data-testid="receipt">
      <header class="receipt-head">
        <div class="receipt-payee">${r.payee}</div>
        <h1 id="receipt-title">${t('receipt.title')}</h1>
        <div class="receipt-no">${t('receipt.no')} <span class="money" data-testid="receipt-serial">${r.serial}</span></div>
      </header>
      ${r.reverses && html`<p class="receipt-reversal">${t('receipt.reversal')} <a class="no-print" href=${'#/receipts/' + r.reverses}>${t('receipt.original')}</a></p>`}
      <dl class="receipt-meta">
        <div><dt>${t('receipt.paidAt')}</dt><dd data-testid="receipt-time" class="nowrap">${r.paid_at}</dd></div>
        <div><dt>${t('receipt.unit')}</dt><dd>${r.unit}</dd></div>
        <div><dt>${t('receipt.payer')}</dt><dd>${r.payer_name || '—'}</dd></div>
        <div><dt>${t('receipt.method')}</dt><dd>${label('method', r.method)}</dd></div>
      </dl>
      <table class="receipt-lines">
        <thead><tr><th scope="col">${t('receipt.item')}</th><th scope="col">${t('receipt.period')}</th><th scope="col" class="num">${t('receipt.amount')}</th></tr></thead>
        <tbody>${(r.lines || []).map((l, i) => html`<tr key=${i}>
          <td>${l.item}<div class="sub">${l.bill}</div></td>
          <td>${periodLabel(l.period)}<div class="sub">${l.covers}</div></td>
          <td class="num">${yuan(l.amount_fen)}</td></tr>`)}</tbody>
        <tfoot>
          <tr><th scope="row" colspan="2">${t('receipt.figures')}</th><td class="num"><b data-testid="receipt-amount">${yuan(r.amount_fen)}</b></td></tr>
          <tr><th scope="row">${t('receipt.capitals')}</th><td colspan="2" class="capitals" data-testid="receipt-capitals">${r.amount_capitals}</td></tr>
        </tfoot>
      </table>
      <footer class="receipt-foot">
        <div><span class="muted">${t('receipt.payee')}</span> ${r.payee} <span class="muted">${t('receipt.stamp')}</span></div>
        <div><span class="muted">${t('receipt.issuer')}</span> <span data-testid="receipt-issuer">${r.issuer || t('receipt.online')}</span></div>
      </footer>
    </article>
    <div class="actions no-print receipt-actions"><button type="button" class="primary" onClick=${() => window.print()}>${t('print')}</button></div>`;
}
