// The renovation deposit's refund (押金清退, docs/DESIGN.md § Renovation):
// after acceptance and the waiting period the desk takes the request, the
// director approves or rejects it, the cashier pays it and prints the
// voucher. The buttons are the refund flow's (GET /api/wuye/flows), so a
// role sees only the steps the server would accept from it.
import { html, useState } from '../../core/html.js';
import { pb, fieldErrors } from '../../core/api.js';
import { t, addMessages } from '../../core/i18n.js';
import { yuan, date, dateTime, today } from '../../core/format.js';
import { ErrorBox, Field, Status, useAction, toast, confirmBox } from '../../core/ui.js';
import { StepPanel } from './common.js';

addMessages({
  'refund.title': ['押金清退', 'Deposit refund'],
  'refund.waiting': ['押金可于 {d} 起申请退还（验收后等待期）', 'The deposit can be refunded from {d} (the waiting period after acceptance)'],
  'refund.openViolations': ['还有未复查的违规，复查后才能申请退还押金', 'Violations are still open: recheck them before asking for the refund'],
  'refund.ask': ['受理退押金申请', 'Take the refund request'],
  'refund.askConfirm': ['受理押金清退申请？', 'Take the deposit refund request?'],
  'refund.askBody': ['申请将送管理处主任审批，批准后由收费员退款。', 'It goes to the director for approval; the cashier then pays it.'],
  'refund.asked': ['已受理，等待主任审批', 'Taken; waiting for the director'],
  'refund.payee': ['领款人', 'Payee'],
  'refund.payeeHint': ['默认为押金交款人', 'Defaults to who paid the deposit'],
  'refund.note': ['申请说明', 'Note'],
  'refund.noteHint': ['例如：业主到前台申请、来电申请', 'e.g. asked at the desk, by phone'],
  'refund.deposit': ['押金', 'Deposit'],
  'refund.deducted': ['违规扣款', 'Deductions'],
  'refund.amount': ['退还金额', 'To refund'],
  'refund.due': ['可退还日期', 'Refundable from'],
  'refund.requestedBy': ['受理', 'Taken'],
  'refund.decided': ['主任审批', "Director's decision"],
  'refund.paid': ['退款', 'Paid'],
  'refund.print': ['打印退款凭证', 'Print the refund voucher'],
  'refund.rejectedBefore': ['此前被驳回：{reason}', 'Rejected before: {reason}'],
  'refund.deskOnly': ['由前台、收费员、主管或主任受理申请', 'The desk, the cashier, a supervisor or the director takes the request'],
  'reno.do.deposit_refunds.requested.approved': ['批准退还押金', 'Approve the refund'],
  'reno.do.deposit_refunds.requested.rejected': ['驳回退押金申请', 'Reject the refund'],
  'reno.do.deposit_refunds.approved.paid': ['已退款', 'Mark paid'],
});

/** who may take a refund request (the create rule of deposit_refunds). */
const TAKERS = ['front_desk', 'cashier', 'supervisor', 'director'];

export function RefundCard({ r, role, rel, again }) {
  const refunds = rel.data?.refunds || [];
  const open = refunds.find((x) => x.status !== 'rejected');
  const rejected = refunds.filter((x) => x.status === 'rejected');
  if (!['accepted', 'closed'].includes(r.status) && !refunds.length) return null;
  return html`<section class="card" aria-labelledby="h-reno-refund" data-testid="deposit-refund">
    <h2 id="h-reno-refund">${t('refund.title')}</h2>
    ${rejected.map((x) => html`<p class="note bad" key=${x.id}>${x.serial} · ${t('refund.rejectedBefore', { reason: x.reject_reason })}</p>`)}
    ${open ? html`<${RefundDetail} refund=${open} role=${role} again=${again} />`
      : r.status === 'accepted' && html`<${RefundRequest} r=${r} role=${role} rel=${rel} again=${again} />`}
  </section>`;
}

function RefundDetail({ refund, role, again }) {
  const x = refund;
  return html`
    <div class="row between"><span class="small muted">${x.serial}</span>
      <span data-testid="refund-status"><${Status} col="deposit_refunds" code=${x.status} /></span></div>
    <dl class="kv">
      <dt>${t('refund.deposit')}</dt><dd class="money">${yuan(x.deposit_fen)}</dd>
      <dt>${t('refund.deducted')}</dt><dd class="money">${yuan(x.deducted_fen)}</dd>
      <dt>${t('refund.amount')}</dt><dd class="money"><strong data-testid="refund-amount">${yuan(x.amount_fen)}</strong></dd>
      <dt>${t('refund.payee')}</dt><dd>${x.payee_name}</dd>
      <dt>${t('refund.requestedBy')}</dt><dd>${dateTime(x.created)}${x.expand?.requested_by ? ' · ' + x.expand.requested_by.name : ''}${x.request_note ? html`<div class="small muted">${x.request_note}</div>` : ''}</dd>
      ${x.decided_at && html`<dt>${t('refund.decided')}</dt><dd>${dateTime(x.decided_at)}${x.expand?.director ? ' · ' + x.expand.director.name : ''}${x.director_comment ? html`<div class="small muted">${x.director_comment}</div>` : ''}</dd>`}
      ${x.paid_at && html`<dt>${t('refund.paid')}</dt><dd>${dateTime(x.paid_at)}${x.expand?.paid_by ? ' · ' + x.expand.paid_by.name : ''}</dd>`}
    </dl>
    <${StepPanel} key=${'refund-' + x.status} col="deposit_refunds" rec=${x} role=${role} onSaved=${again} testid="refund-steps" compact=${true} />
    ${x.status === 'paid' && html`<div class="actions"><a class="button" href=${'#/print/refund/' + x.id} data-testid="refund-print">${t('refund.print')}</a></div>`}`;
}

function RefundRequest({ r, role, rel, again }) {
  const [form, setForm] = useState({ payee_name: '', request_note: '' });
  const act = useAction();
  const due = r.deposit_refund_due;
  if (due && today() < due) return html`<p class="muted" data-testid="refund-waiting">${t('refund.waiting', { d: date(due) })}</p>`;
  if ((rel.data?.violations || []).some((v) => v.status === 'open')) return html`<p class="note warn">${t('refund.openViolations')}</p>`;
  if (!TAKERS.includes(role)) return html`<p class="small muted">${t('refund.deskOnly')}</p>`;
  const set = (k) => (e) => setForm({ ...form, [k]: e.target.value });
  const submit = async (e) => {
    e.preventDefault();
    if (!(await confirmBox({ title: t('refund.askConfirm'), body: t('refund.askBody'), ok: t('refund.ask') }))) return;
    const body = { renovation: r.id, request_note: form.request_note.trim() };
    if (form.payee_name.trim()) body.payee_name = form.payee_name.trim();
    const saved = await act.run(() => pb.collection('deposit_refunds').create(body));
    if (saved) { toast(t('refund.asked')); again(); }
  };
  const errs = fieldErrors(act.error);
  return html`<form class="stack" onSubmit=${submit} data-testid="refund-request">
    <${Field} label=${t('refund.payee')} hint=${t('refund.payeeHint')} error=${errs.payee_name}><input type="text" name="payee_name" maxlength="50" value=${form.payee_name} onInput=${set('payee_name')} /><//>
    <${Field} label=${t('refund.note')} hint=${t('refund.noteHint')} error=${errs.request_note}><input type="text" name="request_note" maxlength="500" value=${form.request_note} onInput=${set('request_note')} /><//>
    <div class="actions"><button class="primary" disabled=${act.busy}>${t('refund.ask')}</button></div>
    <${ErrorBox} error=${act.error} />
  </form>`;
}
