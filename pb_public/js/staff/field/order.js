// One work order on site (#/field/:id): its steps — accept, arrive, quote,
// start, materials, complete — taken now or queued in the outbox.
import { html, useState, useEffect } from '../../core/html.js';
import { pb, fieldErrors, fileUrls } from '../../core/api.js';
import { t, addMessages, label } from '../../core/i18n.js';
import { yuan, dateTime, unitName } from '../../core/format.js';
import { stepsFrom } from '../../core/flows.js';
import { Loading, ErrorBox, Status, Attachments, useAction, toast } from '../../core/ui.js';
import { useRealtime } from '../../core/realtime.js';
import { COL, EXPAND, actorsFor, place, until, ts } from './common.js';
import { useOutbox, useOutboxResults, withPending, lostConnection, perform, flushOutbox, OutboxBar, known, remember } from './outbox.js';
import { useReconnect } from './live.js';
import { QuoteForm, MaterialTable, WorkForm, SignOff } from './work.js';

addMessages({
  'field.arrive': ['到场签到', 'Check in on site'],
  'field.start': ['开始施工', 'Start work'],
  'field.waitQuote': ['已报价 {amount}，等待住户确认（住户在住户服务中确认，或由前台代为确认）', 'Quoted {amount}; waiting for the resident to agree (in the portal, or through the front desk)'],
  'field.priceAgreed': ['价格已确认：{amount}', 'Price agreed: {amount}'],
  'field.signature': ['住户签名', 'Resident signature'],
  'field.finished': ['本单已签收，等待客服回访。', 'Signed off; the service center will follow up.'],
  'field.cancelled': ['本单已取消：{reason}', 'Cancelled: {reason}'],
  'field.address': ['地址', 'Address'],
  'field.appointment': ['预约时间', 'Appointment'],
  'field.contact': ['联系人', 'Contact'],
  'field.call': ['拨打', 'Call'],
  'field.content': ['报修内容', 'Request'],
  'field.item': ['服务项目', 'Service'],
  'field.arrival': ['到场', 'Arrival'],
  'field.arrivedAt': ['到场时间', 'Arrived'],
  'field.arrivedToast': ['已签到：{verdict}', 'Checked in: {verdict}'],
  'field.arrivedNoAppt': ['已签到', 'Checked in'],
  'field.residentPhotos': ['照片', 'Photos'],
  'field.back': ['我的工单', 'My orders'],
  'field.stale': ['离线显示的是上次载入的内容', 'Offline: showing what was last loaded'],
  'field.act.on_site': ['到场签到', 'Check in'],
  'field.act.in_progress': ['开始施工', 'Start work'],
});

export function FieldOrder({ me, params }) {
  const id = params.id;
  const [state, setState] = useState({ data: known.get(id) || null, error: null, loading: true, stale: false });
  const load = async () => {
    setState((s) => ({ ...s, loading: true, error: null }));
    try {
      const data = await pb.collection(COL).getOne(id, { expand: EXPAND });
      remember(data);
      setState({ data, error: null, loading: false, stale: false });
    } catch (error) {
      // Without a connection the order as last loaded still serves.
      if (lostConnection(error) && known.get(id)) setState({ data: known.get(id), error: null, loading: false, stale: true });
      else setState((s) => ({ ...s, error, loading: false }));
    }
  };
  const setData = (rec) => {
    if (!rec) return;
    setState((s) => {
      if (s.data && ts(rec.updated) < ts(s.data.updated)) return s;
      const data = { ...rec, expand: rec.expand || s.data?.expand };
      remember(data);
      return { ...s, data, stale: false };
    });
  };
  useEffect(() => { load(); flushOutbox(); }, [id]);
  // The order's own changes come on its record topic; after a dropped
  // connection it is fetched again (useReconnect, see there, rather than
  // useRealtime's onReconnect, which misses the first reconnect when the
  // connection was already open as this screen subscribed).
  useRealtime(COL, id, (e) => setData(e.record), { expand: EXPAND }, [id]);
  useReconnect(() => { load(); flushOutbox(); });
  useEffect(() => {
    const up = () => load();
    addEventListener('online', up);
    return () => removeEventListener('online', up);
  }, [id]);
  useOutboxResults((rec, rid) => {
    if (rid !== id) return;
    if (rec) setData(rec);
    else load();
  });
  useOutbox();

  const back = html`<p class="back"><a href="#/field">← ${t('field.back')}</a></p>`;
  if (state.loading && !state.data) return html`${back}<${Loading} />`;
  if (state.error && !state.data) return html`${back}<${ErrorBox} error=${state.error} retry=${load} />`;
  const o = withPending(state.data);
  const actors = actorsFor(me, o);
  const steps = stepsFrom(COL, o.status, actors);
  const step = (to) => steps.find((s) => s.to === to);
  const u = o.expand?.unit;
  const item = o.expand?.service_item;
  const community = o.expand?.community;

  return html`<div class="field-order">
    ${back}
    <${OutboxBar} />
    ${state.stale && html`<div class="banner" role="status">${t('field.stale')}</div>`}
    ${state.error && html`<${ErrorBox} error=${state.error} retry=${load} />`}
    <section class="card order-head">
      <div class="row between">
        <h1>${label('work_category', o.category)} · ${label('work_kind', o.kind)}</h1>
        <span data-testid="field-status"><${Status} col=${COL} code=${o.status} />${o._pending ? html` <span class="chip s-warn">${t('field.pending')}</span>` : ''}</span>
      </div>
      <p class="desc">${o.description}</p>
      <dl class="kv">
        <dt>${t('serial')}</dt><dd>${o.serial}</dd>
        <dt>${t('field.address')}</dt><dd data-testid="field-address">${[community?.name, u ? unitName(u) : null, !u ? place(o) : null].filter(Boolean).join(' ') || '—'}
          ${community?.address && html`<div class="small muted">${community.address}</div>`}</dd>
        <dt>${t('field.appointment')}</dt><dd>${o.appointment_at ? html`${dateTime(o.appointment_at)} <span class="until">${until(o.appointment_at)}</span>` : '—'}</dd>
        <dt>${t('field.contact')}</dt><dd>${o.contact_name}
          ${o.contact_phone && html` <a class="tel" href=${'tel:' + o.contact_phone}>${t('field.call')} ${o.contact_phone}</a>`}</dd>
        ${item && html`<dt>${t('field.item')}</dt><dd>${item.name}${item.needs_estimate ? '' : ` · ${yuan(item.price_fen)}/${item.unit || ''}`}</dd>`}
        ${o.arrived_at && html`<dt>${t('field.arrival')}</dt><dd>${dateTime(o.arrived_at)}
          ${o.arrival && html` <span class=${'chip arrival-' + o.arrival} data-testid="arrival">${label('arrival', o.arrival)}</span>`}</dd>`}
        ${o.amount_fen > 0 && html`<dt>${t('field.amount')}</dt><dd class="money">${yuan(o.amount_fen)}</dd>`}
        ${['completed', 'signed_off', 'revisited', 'closed'].includes(o.status) && o.payment && html`<dt>${t('field.payment')}</dt><dd>${label('work_payment', o.payment)}</dd>`}
      </dl>
      ${(o.photos || []).length > 0 && html`<h3>${t('field.residentPhotos')}</h3><${Attachments} record=${o} field="photos" />`}
    </section>
    <${Steps} me=${me} order=${o} step=${step} onSaved=${setData} />
    ${(o.materials || []).length > 0 && o.status !== 'in_progress' && html`<section class="card">
      <h2>${t('field.materials')}</h2><${MaterialTable} lines=${o.materials} /></section>`}
    ${o.signature && html`<section class="card"><h2>${t('field.signature')}</h2>
      <p>${label('signoff', o.signoff)}${o.satisfaction ? ' · ' + label('satisfaction', o.satisfaction) : ''}</p>
      <${SignatureView} order=${o} /></section>`}
  </div>`;
}

/** SignatureView shows the stored signature full width (a protected file, with a token). */
function SignatureView({ order }) {
  const [url, setUrl] = useState('');
  useEffect(() => {
    let alive = true;
    fileUrls(order, 'signature').then((l) => alive && setUrl(l[0]?.url || '')).catch(() => {});
    return () => { alive = false; };
  }, [order.id, order.signature]);
  return url ? html`<img class="sig-img" src=${url} alt=${t('field.signature')} />` : null;
}

/** useStep runs one action on the order: saved, queued or refused. */
function useStep(order, onSaved) {
  const a = useAction();
  const run = async (patch, what, files = {}) => {
    let res;
    await a.run(async () => { res = await perform(order, patch, files, what); });
    if (!res) return undefined;
    if (res.queued) toast(t('field.queued'));
    if (res.record) onSaved(res.record);
    return res;
  };
  return { ...a, run };
}

function Steps({ me, order: o, step, onSaved }) {
  const s = useStep(o, onSaved);
  const errs = fieldErrors(s.error);
  const paid = o.kind !== 'routine';
  const agreed = !paid || !!o.quote_confirmed_at;

  const arrive = async () => {
    const res = await s.run({ status: 'on_site' }, t('field.act.on_site'));
    if (res?.record) toast(res.record.arrival ? t('field.arrivedToast', { verdict: label('arrival', res.record.arrival) }) : t('field.arrivedNoAppt'));
  };

  let panel = null;
  if (o.status === 'dispatched' && step('accepted')) {
    const claim = !o.technician;
    panel = html`<button type="button" class="primary block big" disabled=${s.busy}
      onClick=${() => s.run(claim ? { status: 'accepted', technician: me.id } : { status: 'accepted' }, t(claim ? 'field.act.claim' : 'field.act.accepted'))}>
      ${claim ? t('field.claim') : t('field.accept')}</button>`;
  } else if (o.status === 'accepted' && step('on_site')) {
    panel = html`<button type="button" class="primary block big" disabled=${s.busy} onClick=${arrive}>${t('field.arrive')}</button>`;
  } else if (o.status === 'on_site') {
    panel = html`
      ${paid && agreed && html`<p class="agreed">${t('field.priceAgreed', { amount: yuan(o.quote_fen) })}</p>`}
      ${paid && !agreed && step('quoted') && html`<${QuoteForm} order=${o} s=${s} />`}
      ${agreed && step('in_progress') && html`<button type="button" class="primary block big" disabled=${s.busy}
        onClick=${() => s.run({ status: 'in_progress' }, t('field.act.in_progress'))}>${t('field.start')}</button>`}
      ${!paid && html`<p class="small muted">${t('field.routineFree')}</p>`}`;
  } else if (o.status === 'quoted') {
    panel = html`<p class="waiting" role="status">${t('field.waitQuote', { amount: yuan(o.quote_fen) })}</p>`;
  } else if (o.status === 'in_progress' && step('completed')) {
    panel = html`<${WorkForm} order=${o} s=${s} completeStep=${step('completed')} />`;
  } else if (o.status === 'completed' && step('signed_off')) {
    panel = html`<${SignOff} order=${o} s=${s} />`;
  } else if (['signed_off', 'revisited', 'closed'].includes(o.status)) {
    panel = html`<p class="ok-note">${t('field.finished')}</p>`;
  } else if (o.status === 'cancelled') {
    panel = html`<p class="state error">${t('field.cancelled', { reason: o.cancel_reason || '' })}</p>`;
  }
  if (!panel) return null;
  return html`<section class="card step-panel" aria-live="polite">
    ${panel}
    ${s.error && !Object.keys(errs).some((k) => ['quote_fen', 'quote_note', 'materials'].includes(k)) && html`<${ErrorBox} error=${s.error} />`}
  </section>`;
}
