// Deposit refunds at the cashier's desk (押金清退, docs/DESIGN.md § Renovation):
// the renovation deposits the director approved, waiting to be paid out,
// and those paid today with their vouchers. Only the cashier pays
// ([004] 四 3 4.5); the step is the refund flow's (GET /api/wuye/flows).
import { html, useState } from '../../core/html.js';
import { pb, fieldErrors } from '../../core/api.js';
import { t, addMessages, choices } from '../../core/i18n.js';
import { yuan, dateTime, today, unitName } from '../../core/format.js';
import { stepsFrom } from '../../core/flows.js';
import { Loading, ErrorBox, Field, useAsync, useAction, toast, confirmBox } from '../../core/ui.js';
import { useRealtime } from '../../core/realtime.js';

addMessages({
  'crefund.title': ['待退押金', 'Deposit refunds to pay'],
  'crefund.none': ['没有待退的押金', 'No approved refund waiting'],
  'crefund.line': ['{serial} · 装修 {reno} · 押金 {deposit}，扣款 {deducted}', '{serial} · renovation {reno} · deposit {deposit}, deducted {deducted}'],
  'crefund.approved': ['主任批准 {when}', 'Approved {when}'],
  'crefund.method': ['退款方式', 'Method'],
  'crefund.payee': ['领款人', 'Payee'],
  'crefund.pay': ['退款 {amount}', 'Pay {amount}'],
  'crefund.payConfirm': ['向 {payee} 退还押金 {amount}？', 'Refund {amount} to {payee}?'],
  'crefund.payBody': ['退款记入押金台账，装修随之结案；请打印退款凭证交领款人签字。', 'It goes into the deposits ledger and closes the renovation; print the voucher for the payee to sign.'],
  'crefund.paid': ['已退款 {amount}', 'Refunded {amount}'],
  'crefund.print': ['打印退款凭证', 'Print voucher'],
  'crefund.paidToday': ['今天已退', 'Paid today'],
  'crefund.pickMethod': ['请选择退款方式', 'Choose the method'],
});

export function RefundsToPay({ me, community }) {
  // The office's day starts at midnight in Shanghai; paid_at is stored in UTC.
  const dayStart = new Date(today() + 'T00:00:00+08:00').toISOString().replace('T', ' ');
  const list = useAsync(() => pb.collection('deposit_refunds').getFullList({
    filter: pb.filter('community = {:c} && (status = "approved" || (status = "paid" && paid_at >= {:d}))', { c: community.id, d: dayStart }),
    sort: 'status,decided_at', expand: 'unit.building,renovation,director',
  }), [community.id]);
  useRealtime('deposit_refunds', '*', list.reload, { filter: pb.filter('community = {:c}', { c: community.id }), onReconnect: list.reload }, [community.id]);
  if (list.loading && !list.data) return html`<${Loading} />`;
  if (list.error) return html`<${ErrorBox} error=${list.error} retry=${list.reload} />`;
  const open = list.data.filter((x) => x.status === 'approved');
  const paid = list.data.filter((x) => x.status === 'paid');
  if (!open.length && !paid.length) return null;
  return html`<section class="card" aria-labelledby="h-refunds" data-testid="refunds-to-pay">
    <h2 id="h-refunds">${t('crefund.title')}</h2>
    ${open.length ? html`<ul class="list">${open.map((x) => html`<${RefundLine} key=${x.id} x=${x} me=${me} onPaid=${list.reload} />`)}</ul>`
      : html`<p class="small muted">${t('crefund.none')}</p>`}
    ${paid.length > 0 && html`<h3>${t('crefund.paidToday')}</h3><ul class="list">${paid.map((x) => html`<li key=${x.id}><div class="item"><div class="main">
      <div class="t">${unitName(x.expand?.unit)} · ${x.payee_name} · ${yuan(x.amount_fen)}</div><div class="sub">${x.serial} · ${dateTime(x.paid_at)}</div></div>
      <a class="button" href=${'#/print/refund/' + x.id}>${t('crefund.print')}</a></div></li>`)}</ul>`}
  </section>`;
}

function RefundLine({ x, me, onPaid }) {
  const [method, setMethod] = useState('');
  const [payee, setPayee] = useState(x.payee_name);
  const [local, setLocal] = useState({});
  const act = useAction();
  const mayPay = stepsFrom('deposit_refunds', x.status, [me.role]).some((s) => s.to === 'paid');
  const pay = async (e) => {
    e.preventDefault();
    if (!method) { setLocal({ method: t('crefund.pickMethod') }); return; }
    setLocal({});
    const amount = yuan(x.amount_fen);
    if (!(await confirmBox({ title: t('crefund.payConfirm', { payee: payee.trim() || x.payee_name, amount }), body: t('crefund.payBody'), ok: t('crefund.pay', { amount }) }))) return;
    const body = { status: 'paid', method };
    if (payee.trim() && payee.trim() !== x.payee_name) body.payee_name = payee.trim();
    const saved = await act.run(() => pb.collection('deposit_refunds').update(x.id, body));
    if (saved) { toast(t('crefund.paid', { amount })); onPaid(); }
  };
  const errs = { ...fieldErrors(act.error), ...local };
  return html`<li data-testid="refund-to-pay"><form class="stack" onSubmit=${pay}>
    <div class="item"><div class="main">
      <div class="t">${unitName(x.expand?.unit)} · ${x.payee_name} · <strong>${yuan(x.amount_fen)}</strong></div>
      <div class="sub">${t('crefund.line', { serial: x.serial, reno: x.expand?.renovation?.serial || '', deposit: yuan(x.deposit_fen), deducted: yuan(x.deducted_fen) })}
        · ${t('crefund.approved', { when: dateTime(x.decided_at) })}${x.expand?.director ? ' · ' + x.expand.director.name : ''}</div></div></div>
    ${mayPay && html`<div class="row">
      <${Field} label=${t('crefund.method')} error=${errs.method} required=${true}>
        <select name="refund_method" value=${method} onChange=${(e) => setMethod(e.target.value)}><option value="">—</option>
          ${choices('method').map((c) => html`<option value=${c.code} key=${c.code}>${c.text}</option>`)}</select><//>
      <${Field} label=${t('crefund.payee')} error=${errs.payee_name}><input type="text" name="refund_payee" maxlength="50" value=${payee} onInput=${(e) => setPayee(e.target.value)} /><//>
      <button class="primary" disabled=${act.busy}>${t('crefund.pay', { amount: yuan(x.amount_fen) })}</button>
    </div>`}
    <${ErrorBox} error=${act.error} />
  </form></li>`;
}
