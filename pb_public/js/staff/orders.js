// One work order for the office (#/orders/:id): everything on it, the steps
// the signed-in role may take (from the server's flow table), the payment
// for the cashier, the print-out in triplicate, and its timeline.
import { html, useState } from '../core/html.js';
import { pb, fieldErrors } from '../core/api.js';
import { t, addMessages, label, choices } from '../core/i18n.js';
import { yuan, dateTime, unitName } from '../core/format.js';
import { stepsFrom, stepVerb, statusLabel, fieldLabel } from '../core/flows.js';
import { Loading, ErrorBox, Status, Field, Attachments, useAsync, useAction, toast, confirmBox } from '../core/ui.js';
import { useRealtime } from '../core/realtime.js';
import { Timeline } from '../core/timeline.js';
import { paymentText } from './work_payment.js';

addMessages({
  'order.back': ['派工看板', 'Dispatch board'],
  'order.print': ['打印派工单（三联）', 'Print work order (3 copies)'],
  'order.unit': ['房屋 / 位置', 'Unit / place'],
  'order.item': ['服务项目', 'Service'],
  'order.description': ['需求描述', 'Description'],
  'order.contact': ['联系人', 'Contact'],
  'order.appointment': ['预约时间', 'Appointment'],
  'order.replyDue': ['回复期限', 'Reply due'],
  'order.technician': ['维修人员', 'Technician'],
  'order.arrival': ['到场', 'Arrival'],
  'order.quote': ['报价', 'Quote'],
  'order.quoteNote': ['报价说明', 'What the quote covers'],
  'order.materials': ['材料', 'Materials'],
  'order.amount': ['应收金额', 'Amount'],
  'order.payment': ['付款', 'Payment'],
  'order.signoff': ['住户签收', 'Sign-off'],
  'order.signature': ['住户签名', "Resident's signature"],
  'order.revisit': ['回访', 'Revisit'],
  'order.rework': ['返工单，原单 {serial}', 'Rework of {serial}'],
  'order.overdue': ['超时未回复', 'Reply overdue'],
  'order.steps': ['下一步', 'Next step'],
  'order.confirmStep': ['{verb}：{serial}？', '{verb}: {serial}?'],
  'order.confirmStepBody': ['工单将变为“{to}”。', 'The order becomes "{to}".'],
  'order.moved': ['{serial} 已改为“{to}”', '{serial} is now "{to}"'],
  'order.cancelHint': ['取消后不能恢复，原因会告知住户。', 'This cannot be undone; the resident sees the reason.'],
  'order.setPayment': ['收款', 'Take the payment'],
  'order.paymentSaved': ['已收款，收据已生成', 'Paid; the receipt is made'],
  'order.payMethod': ['收款方式', 'Paid by'],
  'order.choose': ['请选择', 'Choose'],
  'order.pool': ['放入抢单池', 'Put in the pool'],
  'order.assign': ['指定维修人员', 'Assign a technician'],
  'order.none': ['—', '—'],
});

// Inputs for the fields a step requires or allows.
function StepField({ name, value, onChange, techs, error }) {
  const set = (e) => onChange(e.target.value);
  let input;
  if (name === 'technician') input = html`<select value=${value} onChange=${set}><option value="">—</option>${techs.map((s) => html`<option value=${s.id}>${s.name}</option>`)}</select>`;
  else if (name === 'dispatch_mode') input = html`<select value=${value} onChange=${set}><option value="assign">${t('order.assign')}</option><option value="pool">${t('order.pool')}</option></select>`;
  else if (name === 'satisfaction' || name === 'revisit_method') {
    const vocab = name === 'satisfaction' ? 'satisfaction' : 'revisit_method';
    input = html`<select value=${value} onChange=${set}><option value="">—</option>${choices(vocab).map((c) => html`<option value=${c.code}>${c.text}</option>`)}</select>`;
  } else if (name === 'appointment_at') input = html`<input type="datetime-local" value=${value} onInput=${set} />`;
  else input = html`<input type="text" value=${value} onInput=${set} />`;
  return html`<${Field} label=${fieldLabel(name)} error=${error}>${input}<//>`;
}

// Fields shown with a step: what it requires, plus the extras a desk fills.
const SHOWN = new Set(['technician', 'dispatch_mode', 'cancel_reason', 'revisit_method', 'satisfaction', 'revisit_note']);

function StepForm({ order, step, techs, onDone }) {
  const fields = [...step.requires, ...step.extras].filter((f) => SHOWN.has(f));
  const [values, setValues] = useState(Object.fromEntries(fields.map((f) => [f, f === 'dispatch_mode' ? 'assign' : ''])));
  const act = useAction();
  const to = statusLabel('work_orders', step.to);
  const verb = stepVerb('work_orders', step);
  const submit = async (e) => {
    e.preventDefault();
    if (!(await confirmBox({ title: t('order.confirmStep', { serial: order.serial, verb }), body: step.to === 'cancelled' ? t('order.cancelHint') : t('order.confirmStepBody', { to }), ok: verb, danger: step.to === 'cancelled' }))) return;
    const patch = { status: step.to };
    for (const f of fields) if (values[f] !== '' && !(f === 'technician' && values.dispatch_mode === 'pool')) patch[f] = values[f];
    const saved = await act.run(() => pb.collection('work_orders').update(order.id, patch));
    if (saved) { toast(t('order.moved', { serial: saved.serial, to })); onDone(saved); }
  };
  const errs = fieldErrors(act.error);
  return html`<form class=${'stack step-form step-' + step.to} onSubmit=${submit} aria-label=${verb}>
    ${fields.filter((f) => !(f === 'technician' && values.dispatch_mode === 'pool')).map((f) => html`<${StepField} key=${f} name=${f} value=${values[f]} techs=${techs} error=${errs[f]} onChange=${(v) => setValues({ ...values, [f]: v })} />`)}
    <${ErrorBox} error=${act.error} />
    <button class=${step.to === 'cancelled' ? 'danger' : 'primary'} disabled=${act.busy}>${verb}</button>
  </form>`;
}

// PaymentForm takes the order's payment (办理即收费): marking it paid takes a
// real payment of its bill, by the method chosen, received by the signed-in
// member of staff; a wrong one is reversed at the cashier's, not edited here.
function PaymentForm({ order, onDone }) {
  const [method, setMethod] = useState('');
  const act = useAction();
  if (['paid', 'paid_on_site', 'none'].includes(order.payment) || !order.unit) return null;
  const save = async (e) => {
    e.preventDefault();
    const saved = await act.run(() => pb.collection('work_orders').update(order.id, { payment: 'paid', pay_method: method }));
    if (saved) { toast(t('order.paymentSaved')); onDone(saved); }
  };
  return html`<form class="row" onSubmit=${save}>
    <label for="wo-pay-method">${t('order.payMethod')}</label>
    <select id="wo-pay-method" value=${method} onChange=${(e) => setMethod(e.target.value)}>
      <option value="">${t('order.choose')}</option>
      ${choices('method').map((c) => html`<option value=${c.code}>${c.text}</option>`)}
    </select>
    <button disabled=${act.busy || !method}>${t('order.setPayment')}</button>
    <${ErrorBox} error=${act.error} />
  </form>`;
}

export function OrderDetail({ me, params }) {
  const rec = useAsync(() => pb.collection('work_orders').getOne(params.id, { expand: 'unit.building,service_item,technician,rework_of' }), [params.id]);
  const techs = useAsync(() => pb.collection('staff').getFullList({ filter: 'role = "technician" && active = true', sort: 'name', fields: 'id,name,skills' }), []);
  useRealtime('work_orders', params.id, () => rec.reload(), { onReconnect: rec.reload });
  if (rec.loading && !rec.data) return html`<${Loading} />`;
  if (rec.error) return html`<${ErrorBox} error=${rec.error} retry=${rec.reload} />`;
  const o = rec.data;
  const x = o.expand || {};
  const steps = stepsFrom('work_orders', o.status, [me.role]);
  const trade = (techs.data || []).filter((s) => (s.skills || []).includes(o.category));
  const canPay = ['cashier', 'front_desk', 'supervisor', 'director'].includes(me.role);
  return html`
    <p class="row between no-print"><a href="#/dispatch">← ${t('order.back')}</a><a href=${'#/print/work-order/' + o.id}>${t('order.print')}</a></p>
    <div class="grid2">
      <div class="card">
        <div class="row between"><h1>${o.serial}</h1><${Status} col="work_orders" code=${o.status} /></div>
        ${o.reply_overdue && html`<span class="chip s-bad">${t('order.overdue')}</span>`}
        ${x.rework_of && html`<p class="small">${t('order.rework', { serial: x.rework_of.serial })}</p>`}
        <dl class="kv">
          <dt>${t('order.unit')}</dt><dd>${x.unit ? unitName(x.unit) : o.location}</dd>
          <dt>${t('order.item')}</dt><dd>${x.service_item?.name || label('work_category', o.category)} · ${label('work_kind', o.kind)}</dd>
          <dt>${t('order.description')}</dt><dd>${o.description}</dd>
          <dt>${t('order.contact')}</dt><dd>${o.contact_name} ${o.contact_phone && html`<a href=${'tel:' + o.contact_phone}>${o.contact_phone}</a>`}</dd>
          <dt>${t('order.appointment')}</dt><dd>${dateTime(o.appointment_at) || t('order.none')}</dd>
          <dt>${t('order.replyDue')}</dt><dd>${dateTime(o.reply_due)}</dd>
          <dt>${t('order.technician')}</dt><dd>${x.technician?.name || t('order.none')}</dd>
          ${o.arrived_at && html`<dt>${t('order.arrival')}</dt><dd>${dateTime(o.arrived_at)} · ${label('arrival', o.arrival)}</dd>`}
          ${o.quote_fen > 0 && html`<dt>${t('order.quote')}</dt><dd class="money">${yuan(o.quote_fen)}</dd>`}
          ${o.quote_note && html`<dt>${t('order.quoteNote')}</dt><dd data-testid="order-quote-note">${o.quote_note}</dd>`}
          ${(o.materials || []).length > 0 && html`<dt>${t('order.materials')}</dt><dd>${o.materials.map((m) => `${m.name} × ${m.qty} @ ${yuan(m.price_fen)}`).join('；')}</dd>`}
          ${o.amount_fen > 0 && html`<dt>${t('order.amount')}</dt><dd class="money">${yuan(o.amount_fen)}</dd>`}
          <dt>${t('order.payment')}</dt><dd data-testid="order-payment">${paymentText(o)}</dd>
          ${o.signoff && html`<dt>${t('order.signoff')}</dt><dd>${label('signoff', o.signoff)} · ${label('satisfaction', o.satisfaction)}</dd>`}
          ${o.revisited_at && html`<dt>${t('order.revisit')}</dt><dd>${label('revisit_method', o.revisit_method)} · ${o.revisit_note}</dd>`}
        </dl>
        <${Attachments} record=${o} field="photos" />
        ${o.signature && html`<p class="small muted">${t('order.signature')}</p><${Attachments} record=${o} field="signature" />`}
        ${canPay && !['closed', 'cancelled'].includes(o.status) && o.kind !== 'routine' && html`<${PaymentForm} order=${o} onDone=${rec.reload} />`}
      </div>
      <div>
        ${steps.length > 0 && html`<div class="card no-print"><h2>${t('order.steps')}</h2>
          ${[...steps.filter((s) => s.to !== 'cancelled'), ...steps.filter((s) => s.to === 'cancelled')].map((s) => html`<${StepForm} key=${s.to} order=${o} step=${s} techs=${trade.length ? trade : techs.data || []} onDone=${rec.reload} />`)}</div>`}
        <div class="card"><h2>${t('timeline')}</h2><${Timeline} col="work_orders" id=${o.id} version=${o.updated} /></div>
      </div>
    </div>`;
}
