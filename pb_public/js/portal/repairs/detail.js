// One repair (#/repairs/:id), live: confirm or decline a quote, sign off or
// ask for rework, and rate. What a resident may do at each status comes from
// the server's flow table (stepsFrom), never from a list kept here.
import { html, useState } from '../../core/html.js';
import { pb, fieldErrors } from '../../core/api.js';
import { t, addMessages, label, choices } from '../../core/i18n.js';
import { yuan, dateTime, parseDate } from '../../core/format.js';
import { stepsFrom, statusOrder } from '../../core/flows.js';
import { Loading, ErrorBox, Status, When, Field, Attachments, useAsync, useAction, toast, confirmBox } from '../../core/ui.js';
import { useRealtime } from '../../core/realtime.js';
import { Timeline } from '../../core/timeline.js';
import { WINDOWS, EXPAND, pad, priceText } from './common.js';

addMessages({
  'repairs.quoteCovers': ['报价包含：', 'The quote covers:'],
  'repairs.askedBy': ['报修人', 'Asked by'],
  'repairs.household': ['家人（本户其他成员）', 'Someone of your household'],
  'repairs.live': ['状态变化会实时显示', 'Status updates appear live'],
  'repairs.progress': ['进度：第 {n} 步，共 {total} 步', 'Progress: step {n} of {total}'],
  'repairs.say.new': ['已收到您的请求，客服将在 {due} 前回复并安排师傅。', 'We have your request; the desk replies by {due} and sends a technician.'],
  'repairs.outOfHours': ['客服中心服务时间为 {opens}–{closes}：服务时间外受理的零修，回复时限从开门起计 {minutes} 分钟。急修（漏水、停电等）请直接致电 {phone}。', 'The service center is open {opens}–{closes}: for a minor repair received outside those hours, the {minutes} minutes to reply count from opening. For an urgent repair (a leak, no power) call {phone}.'],
  'repairs.urgency': ['紧急程度', 'Urgency'],
  'repairs.arrivalDue': ['师傅最迟到场', 'Technician due by'],
  'repairs.say.dispatched': ['已派给维修师傅，等待师傅接单。', 'Sent to a technician; waiting for them to accept.'],
  'repairs.say.accepted': ['师傅已接单，正在赶来。', 'The technician has accepted and is on the way.'],
  'repairs.say.on_site': ['师傅已到场。', 'The technician is on site.'],
  'repairs.say.quoted': ['师傅已报价，请确认后开始施工。', 'The technician has quoted; confirm it to start the work.'],
  'repairs.say.in_progress': ['正在施工。', 'Work in progress.'],
  'repairs.say.completed': ['已完工，请验收后签收或要求返工。', 'Done. Check the work, then sign off or ask for rework.'],
  'repairs.say.signed_off': ['已签收，客服将进行回访。', 'Signed off; the desk will follow up.'],
  'repairs.say.revisited': ['已回访，感谢您的评价。', 'Followed up. Thank you for your feedback.'],
  'repairs.say.closed': ['已办结。', 'Closed.'],
  'repairs.say.cancelled': ['已取消。', 'Cancelled.'],
  'repairs.kind': ['类型', 'Kind'],
  'repairs.category': ['类别', 'Trade'],
  'repairs.priceList': ['收费标准', 'Listed price'],
  'repairs.received': ['提交时间', 'Submitted'],
  'repairs.appointment': ['预约时间', 'Appointment'],
  'repairs.technician': ['维修师傅', 'Technician'],
  'repairs.arrival': ['到场', 'Arrived'],
  'repairs.quote': ['报价', 'Quote'],
  'repairs.quoteAgreed': ['已于 {at} 同意', 'agreed {at}'],
  'repairs.materials': ['材料', 'Materials'],
  'repairs.materialsFee': ['材料费', 'Materials'],
  'repairs.amount': ['应付金额', 'Amount due'],
  'repairs.payment': ['付款', 'Payment'],
  'repairs.cancelReason': ['取消原因', 'Reason for cancelling'],
  'repairs.signoff': ['验收结果', 'Sign-off'],
  'repairs.satisfaction': ['满意度', 'Satisfaction'],
  'repairs.reworkOf': ['返工自', 'Rework of'],
  'repairs.reworkOrder': ['返工单', 'Rework order'],
  'repairs.prepayDue': ['此项目需先付款：请到物业服务中心前台预付，付款后安排上门。', 'Pay this service in advance at the service-center desk; we send someone once it is paid.'],
  'repairs.quoteTitle': ['待您确认的报价', 'Quote to confirm'],
  'repairs.quoteNote': ['完工时按此报价收费，实际使用的材料另计。', 'You will be charged this quote at completion, plus materials used.'],
  'repairs.confirmQuote': ['确认报价，开始施工', 'Confirm and start'],
  'repairs.declineQuote': ['不接受报价', 'Decline the quote'],
  'repairs.confirmQuoteAsk': ['确认接受报价 {price}？', 'Accept the quote of {price}?'],
  'repairs.confirmQuoteBody': ['确认后师傅将开始施工，完工后按报价收费（材料另计）。', 'The technician starts the work; you pay the quote at completion, plus materials.'],
  'repairs.quoteConfirmed': ['已确认报价，师傅将开始施工', 'Quote confirmed; work starts now'],
  'repairs.cancel': ['取消请求', 'Cancel the request'],
  'repairs.reason': ['原因', 'Reason'],
  'repairs.declineReasonHint': ['例如：价格太高，我自己找人修', 'e.g. too expensive, I will find someone myself'],
  'repairs.cancelReasonHint': ['例如：问题已自行解决', 'e.g. the problem went away'],
  'repairs.needReason': ['请填写原因', 'Give a reason.'],
  'repairs.confirmDecline': ['确认不接受报价？', 'Decline the quote?'],
  'repairs.confirmCancel': ['确认取消这条请求？', 'Cancel this request?'],
  'repairs.confirmCancelBody': ['取消后不能恢复，如仍需服务请重新提交。', 'This cannot be undone; submit a new request if you still need the service.'],
  'repairs.declined': ['已拒绝报价，请求已取消', 'Quote declined; the request is cancelled'],
  'repairs.cancelled': ['请求已取消', 'Request cancelled'],
  'repairs.keep': ['不取消', 'Keep it'],
  'repairs.signTitle': ['验收与评价', 'Sign off and rate'],
  'repairs.signHint': ['请检查维修效果。确认完工后本单结束；要求返工会另开返工单，不另收费。', 'Check the work. Confirming closes the job; asking for rework opens a rework order at no charge.'],
  'repairs.pickSignoff': ['请选择验收结果', 'Choose a sign-off.'],
  'repairs.pickSatisfaction': ['请选择满意度', 'Choose a rating.'],
  'repairs.sign': ['提交验收', 'Submit sign-off'],
  'repairs.confirmSign': ['确认提交验收结果？', 'Submit your sign-off?'],
  'repairs.confirmSignBody': ['提交后不能修改。', 'It cannot be changed afterwards.'],
  'repairs.confirmReworkBody': ['将为您另开返工单，客服会重新派工。提交后不能修改。', 'A rework order is opened and the desk sends a technician again. It cannot be changed afterwards.'],
  'repairs.signed': ['感谢您的验收和评价', 'Thank you for signing off'],
  'repairs.reworkOpened': ['已为您开返工单', 'A rework order has been opened'],
});

/** keepExpand keeps what a realtime event could not expand (e.g. a relation the resident may not read). */
function keepExpand(next, old) {
  if (!old || old.id !== next.id) return next;
  const expand = { ...(old.expand || {}), ...(next.expand || {}) };
  for (const k of Object.keys(expand)) if (expand[k]?.id && next[k] !== expand[k].id) delete expand[k];
  return { ...next, expand };
}

/** Progress shows how far along the resident-facing flow the order is. */
function Progress({ order }) {
  // A quote step only where the price is set on site (not for routine work
  // or an item at its listed price).
  const item = order.expand?.service_item;
  const quoting = order.status === 'quoted' || (order.kind !== 'routine' && !(item && !item.needs_estimate));
  const main = statusOrder('work_orders').filter((s) => s !== 'cancelled' && (s !== 'quoted' || quoting));
  const n = main.indexOf(order.status) + 1;
  if (n <= 0) return null;
  return html`<div class="steps" role="img" aria-label=${t('repairs.progress', { n, total: main.length })}>
    ${main.map((s, i) => html`<span key=${s} class=${i < n ? 'done' : ''}></span>`)}</div>`;
}

const UNIT_MS = { minutes: 60e3, clock_hours: 3600e3 };

/**
 * OutOfHours tells a resident whose request came in while the service
 * center was closed when the reply's clock starts: the reply is due later
 * than the community's promise counted from intake, because the clock only
 * runs inside the opening hours (docs/DESIGN.md § Dispatch "Service levels").
 * The promise is the one in force at intake, read from the community's
 * service levels, so a director's edit is what the resident is told.
 */
function OutOfHours({ o, phone }) {
  const policy = useAsync(() => pb.collection('sla_policies').getList(1, 1, {
    filter: pb.filter('community = {:c} && subject = "work_order" && urgency = {:u} && target = "reply" && starts_at <= {:at} && (ends_at = "" || ends_at > {:at})',
      { c: o.community, u: o.urgency || 'normal', at: o.received_at }),
    skipTotal: true,
  }).then((r) => r.items[0] || null), [o.id, o.urgency, o.received_at]);
  const p = policy.data;
  const received = parseDate(o.received_at), due = parseDate(o.reply_due);
  if (!p || !p.office_opens || !UNIT_MS[p.unit] || !received || !due) return null;
  if (due - received <= p.amount * UNIT_MS[p.unit] + 30e3) return null;
  const minutes = p.unit === 'minutes' ? p.amount : p.amount * 60;
  return html`<p class="price-note warn" data-testid="out-of-hours">${t('repairs.outOfHours', { phone, minutes, opens: p.office_opens, closes: p.office_closes })}</p>`;
}

export function RepairDetail({ me, params, unit }) {
  const rec = useAsync(() => pb.collection('work_orders').getOne(params.id, { expand: EXPAND }), [params.id]);
  useRealtime('work_orders', params.id, (e) => rec.setData((old) => keepExpand(e.record, old)), { expand: EXPAND, onReconnect: rec.reload });
  if (rec.loading && !rec.data) return html`<${Loading} />`;
  if (rec.error) return html`<p><a href="#/repairs">← ${t('repairs.title')}</a></p><${ErrorBox} error=${rec.error} retry=${rec.reload} />`;
  const o = rec.data;
  const item = o.expand?.service_item;
  // Only the one who asked acts on an order; the rest of the household reads along.
  const mine = o.requester === me.id;
  const steps = mine ? stepsFrom('work_orders', o.status, ['requester']) : [];
  const confirmStep = o.status === 'quoted' && steps.find((s) => s.to === 'in_progress');
  const cancelStep = steps.find((s) => s.to === 'cancelled');
  const signStep = steps.find((s) => s.to === 'signed_off');
  const update = (body) => pb.collection('work_orders').update(o.id, body, { expand: EXPAND });
  const onSaved = (saved) => rec.setData((old) => keepExpand(saved, old));
  const techName = o.technician_name || o.expand?.technician?.name;
  const materials = Array.isArray(o.materials) ? o.materials : [];
  const needsPrepay = item?.prepay && o.status === 'new' && !['paid', 'paid_on_site'].includes(o.payment);
  return html`
    <p><a href="#/repairs">← ${t('repairs.title')}</a></p>
    <div class="grid2 repair-detail"><div>
    <div class="card">
      <div class="row between"><h1>${item?.name || label('work_category', o.category)}</h1>
        <span data-testid="repair-status"><${Status} col="work_orders" code=${o.status} /></span></div>
      <${Progress} order=${o} />
      <p class="say" data-testid="repair-say" role="status" aria-live="polite">${t('repairs.say.' + o.status, { due: dateTime(o.reply_due) })}${o.status === 'cancelled' && o.cancel_reason ? ' ' + o.cancel_reason : ''}</p>
      ${o.status === 'new' && html`<${OutOfHours} o=${o} phone=${unit?.expand?.community?.phone || '—'} />`}
      ${needsPrepay && html`<p class="price-note warn">${t('repairs.prepayDue')}</p>`}
      <p class="small muted">${t('repairs.live')}</p>
      <p style="white-space:pre-wrap">${o.description}</p>
      <${Attachments} record=${o} field="photos" />
      <dl class="kv">
        <dt>${t('serial')}</dt><dd>${o.serial}</dd>
        <dt>${t('repairs.kind')}</dt><dd>${label('work_kind', o.kind)} · ${label('work_category', o.category)}</dd>
        <dt>${t('repairs.urgency')}</dt><dd data-testid="repair-urgency">${label('urgency', o.urgency || 'normal')}</dd>
        ${o.urgency === 'urgent' && o.arrival_due && html`<dt>${t('repairs.arrivalDue')}</dt><dd><${When} v=${o.arrival_due} /></dd>`}
        ${item && html`<dt>${t('repairs.priceList')}</dt><dd class="money">${priceText(item)}</dd>`}
        <dt>${t('repairs.received')}</dt><dd><${When} v=${o.received_at || o.created} /></dd>
        ${o.appointment_at && html`<dt>${t('repairs.appointment')}</dt><dd data-testid="repair-appointment">${appointmentText(o.appointment_at)}</dd>`}
        ${techName && html`<dt>${t('repairs.technician')}</dt><dd data-testid="technician-name">${techName}</dd>`}
        ${o.arrived_at && html`<dt>${t('repairs.arrival')}</dt><dd><${When} v=${o.arrived_at} />${o.arrival ? ' · ' + label('arrival', o.arrival) : ''}</dd>`}
        ${o.quote_fen > 0 && o.status !== 'quoted' && html`<dt>${t('repairs.quote')}</dt><dd><span class="money">${yuan(o.quote_fen)}</span>${o.quote_note ? html`<div class="small">${o.quote_note}</div>` : ''}${o.quote_confirmed_at ? html` <span class="small muted">(${t('repairs.quoteAgreed', { at: dateTime(o.quote_confirmed_at) })})</span>` : ''}</dd>`}
        ${materials.length > 0 && html`<dt>${t('repairs.materials')}</dt><dd>${materials.map((m, i) => html`<div key=${i} class="small">${m.name} × ${m.qty} · <span class="money">${yuan(m.price_fen)}</span></div>`)}</dd>`}
        ${o.materials_fen > 0 && html`<dt>${t('repairs.materialsFee')}</dt><dd class="money">${yuan(o.materials_fen)}</dd>`}
        ${o.amount_fen > 0 && html`<dt>${t('repairs.amount')}</dt><dd><b class="money" data-testid="repair-amount">${yuan(o.amount_fen)}</b>${o.payment && o.payment !== 'none' ? ' · ' + label('work_payment', o.payment) : ''}</dd>`}
        ${mine && html`<dt>${t('repairs.contact')}</dt><dd>${o.contact_name} <span class="nowrap">${o.contact_phone}</span></dd>`}
        ${!mine && html`<dt>${t('repairs.askedBy')}</dt><dd data-testid="asked-by-household">${t('repairs.household')}</dd>`}
        ${o.signoff && html`<dt>${t('repairs.signoff')}</dt><dd>${label('signoff', o.signoff)}</dd>`}
        ${o.satisfaction && html`<dt>${t('repairs.satisfaction')}</dt><dd>${label('satisfaction', o.satisfaction)}</dd>`}
        ${o.cancel_reason && html`<dt>${t('repairs.cancelReason')}</dt><dd>${o.cancel_reason}</dd>`}
        ${o.expand?.rework_of && html`<dt>${t('repairs.reworkOf')}</dt><dd><a href=${'#/repairs/' + o.rework_of}>${o.expand.rework_of.serial}</a></dd>`}
      </dl>
      ${o.signoff === 'rework' && html`<${ReworkLink} id=${o.id} />`}
    </div>
    ${confirmStep && html`<${QuoteCard} order=${o} update=${update} onSaved=${onSaved} canDecline=${!!cancelStep} />`}
    ${signStep && html`<${SignOff} order=${o} update=${update} onSaved=${onSaved} />`}
    ${cancelStep && o.status !== 'quoted' && html`<${CancelBox} update=${update} onSaved=${onSaved} />`}
    </div>
    <div class="card"><h2>${t('timeline')}</h2><${Timeline} col="work_orders" id=${o.id} version=${o.updated} /></div>
    </div>`;
}

/** appointmentText: "2026-11-24 08:00–10:00" for a portal slot, else the time. */
function appointmentText(v) {
  const d = parseDate(v);
  if (!d) return '';
  const start = dateTime(d);
  const local = new Date(d.getTime() + 8 * 3600 * 1000);
  const slot = WINDOWS.find(([from]) => local.getUTCHours() === from && local.getUTCMinutes() === 0);
  return slot ? `${start}–${pad(slot[1])}:00` : start;
}

function ReworkLink({ id }) {
  const list = useAsync(() => pb.collection('work_orders').getList(1, 5, { filter: pb.filter('rework_of = {:id}', { id }), fields: 'id,serial,status', skipTotal: true }), [id]);
  if (!list.data) return list.error ? html`<${ErrorBox} error=${list.error} retry=${list.reload} />` : null;
  return html`${list.data.items.map((r) => html`<p key=${r.id}>${t('repairs.reworkOrder')}: <a href=${'#/repairs/' + r.id}>${r.serial}</a> <${Status} col="work_orders" code=${r.status} /></p>`)}`;
}

function QuoteCard({ order, update, onSaved, canDecline }) {
  const act = useAction();
  const [declining, setDeclining] = useState(false);
  const accept = async () => {
    if (!(await confirmBox({ title: t('repairs.confirmQuoteAsk', { price: yuan(order.quote_fen) }), body: (order.quote_note ? t('repairs.quoteCovers') + ' ' + order.quote_note + ' ' : '') + t('repairs.confirmQuoteBody'), ok: t('repairs.confirmQuote') }))) return;
    const saved = await act.run(() => update({ status: 'in_progress' }));
    if (saved) { toast(t('repairs.quoteConfirmed')); onSaved(saved); }
  };
  return html`<section class="card quote" aria-labelledby="h-quote">
    <h2 id="h-quote">${t('repairs.quoteTitle')}</h2>
    <div class="big money" data-testid="repair-quote">${yuan(order.quote_fen)}</div>
    ${order.quote_note && html`<p class="quote-covers" data-testid="quote-note"><b>${t('repairs.quoteCovers')}</b> ${order.quote_note}</p>`}
    <p class="small muted">${t('repairs.quoteNote')}</p>
    <${ErrorBox} error=${act.error} />
    ${!declining && html`<div class="actions">
      ${canDecline && html`<button type="button" class="danger" onClick=${() => setDeclining(true)}>${t('repairs.declineQuote')}</button>`}
      <button type="button" class="primary" disabled=${act.busy} onClick=${accept}>${t('repairs.confirmQuote')}</button>
    </div>`}
    ${declining && html`<${ReasonForm} update=${update} onSaved=${onSaved} onClose=${() => setDeclining(false)}
      title=${t('repairs.confirmDecline')} hint=${t('repairs.declineReasonHint')} ok=${t('repairs.declineQuote')} done=${t('repairs.declined')} />`}
  </section>`;
}

function CancelBox({ update, onSaved }) {
  const [open, setOpen] = useState(false);
  return html`<div class="card cancel-box">
    ${open ? html`<${ReasonForm} update=${update} onSaved=${onSaved} onClose=${() => setOpen(false)}
      title=${t('repairs.confirmCancel')} hint=${t('repairs.cancelReasonHint')} ok=${t('repairs.cancel')} done=${t('repairs.cancelled')} />`
      : html`<button type="button" class="danger" onClick=${() => setOpen(true)}>${t('repairs.cancel')}</button>`}
  </div>`;
}

/** ReasonForm cancels the order (declining a quote or withdrawing the request) with a reason. */
function ReasonForm({ update, onSaved, onClose, title, hint, ok, done }) {
  const [reason, setReason] = useState('');
  const [missing, setMissing] = useState('');
  const act = useAction();
  const submit = async (e) => {
    e.preventDefault();
    if (!reason.trim()) return setMissing(t('repairs.needReason'));
    setMissing('');
    if (!(await confirmBox({ title, body: t('repairs.confirmCancelBody'), ok, danger: true }))) return;
    const saved = await act.run(() => update({ status: 'cancelled', cancel_reason: reason.trim() }));
    if (saved) { toast(done); onSaved(saved); }
  };
  const errs = fieldErrors(act.error);
  return html`<form class="stack" onSubmit=${submit} novalidate>
    <${Field} label=${t('repairs.reason')} required hint=${hint} error=${missing || errs.cancel_reason}>
      <textarea name="cancel_reason" maxlength="500" value=${reason} onInput=${(e) => setReason(e.target.value)}></textarea><//>
    <${ErrorBox} error=${act.error} />
    <div class="actions"><button type="button" class="ghost" onClick=${onClose}>${t('repairs.keep')}</button>
      <button class="danger" disabled=${act.busy}>${ok}</button></div>
  </form>`;
}

function SignOff({ order, update, onSaved }) {
  const [signoff, setSignoff] = useState('');
  const [satisfaction, setSatisfaction] = useState('');
  const [missing, setMissing] = useState({});
  const act = useAction();
  const submit = async (e) => {
    e.preventDefault();
    const m = {};
    if (!signoff) m.signoff = t('repairs.pickSignoff');
    if (!satisfaction) m.satisfaction = t('repairs.pickSatisfaction');
    setMissing(m);
    if (Object.keys(m).length) return;
    if (!(await confirmBox({ title: t('repairs.confirmSign'), body: t(signoff === 'rework' ? 'repairs.confirmReworkBody' : 'repairs.confirmSignBody'), ok: t('repairs.sign') }))) return;
    const saved = await act.run(() => update({ status: 'signed_off', signoff, satisfaction }));
    if (saved) { toast(t(signoff === 'rework' ? 'repairs.reworkOpened' : 'repairs.signed')); onSaved(saved); }
  };
  const errs = { ...fieldErrors(act.error), ...Object.fromEntries(Object.entries(missing).filter(([, v]) => v)) };
  return html`<form class="card stack" onSubmit=${submit} novalidate aria-labelledby="h-sign">
    <h2 id="h-sign">${t('repairs.signTitle')}</h2>
    ${order.amount_fen > 0 && html`<p>${t('repairs.amount')}: <b class="money">${yuan(order.amount_fen)}</b> · ${label('work_payment', order.payment)}</p>`}
    <small class="hint">${t('repairs.signHint')}</small>
    <fieldset><legend>${t('repairs.signoff')} <b class="req" aria-hidden="true">*</b></legend>
      <div class="choices">${choices('signoff').map((s) => html`
        <label key=${s.code}><input type="radio" name="signoff" value=${s.code} checked=${signoff === s.code} onChange=${() => setSignoff(s.code)} />${s.text}</label>`)}</div>
      ${errs.signoff && html`<small class="field-error" role="alert">${errs.signoff}</small>`}
    </fieldset>
    <fieldset><legend>${t('repairs.satisfaction')} <b class="req" aria-hidden="true">*</b></legend>
      <div class="choices">${choices('satisfaction').map((s) => html`
        <label key=${s.code}><input type="radio" name="satisfaction" value=${s.code} checked=${satisfaction === s.code} onChange=${() => setSatisfaction(s.code)} />${s.text}</label>`)}</div>
      ${errs.satisfaction && html`<small class="field-error" role="alert">${errs.satisfaction}</small>`}
    </fieldset>
    <${ErrorBox} error=${act.error} />
    <button class="primary" disabled=${act.busy}>${act.busy ? t('submitting') : t('repairs.sign')}</button>
  </form>`;
}
