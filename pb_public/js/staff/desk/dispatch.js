// The live dispatch board (#/dispatch): the community's open work orders in
// columns, with the reply clock and assigning a technician (cancelling is
// done in the order's detail, #/orders/:id, not on a card).
import { html, useState } from '../../core/html.js';
import { pb, fieldErrors } from '../../core/api.js';
import { t, addMessages, label } from '../../core/i18n.js';
import { dateTime, ago, parseDate } from '../../core/format.js';
import { stepsFrom } from '../../core/flows.js';
import { countdown } from '../../core/durations.js';
import { Loading, ErrorBox, Status, useAsync, useAction, toast, useNow } from '../../core/ui.js';
import { useCommunityTopic, usePlaceChanged, fetchChangedFrom, placeFetched, oldestFirst, BOARD_WINDOW } from '../../core/realtime.js';
import { placeOf } from './common.js';

addMessages({
  'dispatch.title': ['派工看板', 'Dispatch board'],
  'dispatch.live': ['实时更新：住户在门户提交的报修会立即出现', 'Live: requests from the residents\' portal appear at once'],
  'dispatch.col.new': ['待派工', 'New'],
  'dispatch.col.dispatched': ['已派工 / 抢单池', 'Dispatched / pool'],
  'dispatch.col.working': ['处理中', 'In hand'],
  'dispatch.col.late': ['逾期 / 迟到', 'Overdue / late'],
  'dispatch.replyLeft': ['{t}内回复', 'reply within {t}'],
  'dispatch.replyOver': ['已超时 {t}', 'reply {t} overdue'],
  'dispatch.replyDue': ['回复期限 {at}', 'Reply due {at}'],
  'dispatch.replyFlag': ['已超时升级', 'escalated'],
  'dispatch.tech': ['派给师傅', 'Technician'],
  'dispatch.fit': ['本工种', 'This trade'],
  'dispatch.other': ['其他工种', 'Other trades'],
  'dispatch.load': ['{name}（手上 {n} 单）', '{name} ({n} in hand)'],
  'dispatch.noFit': ['没有本工种的师傅', 'No technician of this trade'],
  'dispatch.assign': ['派工', 'Dispatch'],
  'dispatch.pool': ['放入抢单池', 'Put in the pool'],
  'dispatch.inPool': ['抢单池', 'Pool'],
  'dispatch.assigned': ['{serial} 已派给 {name}', '{serial} dispatched to {name}'],
  'dispatch.pooled': ['{serial} 已放入抢单池', '{serial} is in the pool'],
  'dispatch.arrived': ['新报修 {serial}', 'New request {serial}'],
  'dispatch.appointment': ['预约 {at}', 'Appointment {at}'],
  'dispatch.notArrived': ['预约已过仍未到场', 'Appointment passed, not on site'],
  'dispatch.lateArrival': ['迟到', 'Arrived late'],
  'dispatch.empty': ['暂无', 'None'],
  'dispatch.portal': ['门户', 'Portal'],
  'dispatch.rework': ['返工', 'Rework'],
  'dispatch.techIs': ['师傅：{name}', 'Technician: {name}'],
  'dispatch.source.complaint': ['投诉转派', 'From a complaint'],
  'dispatch.source.vacancy_patrol': ['空置房巡查', 'Vacant-unit patrol'],
  'dispatch.source.renovation_inspection': ['装修巡查', 'Renovation inspection'],
});

const BOARD = ['new', 'dispatched', 'accepted', 'on_site', 'quoted', 'in_progress'];
const COLUMNS = ['new', 'dispatched', 'working', 'late'];
const LATE_MS = 2 * 60 * 1000; // more than 2 minutes past the appointment is late [004 7.1]
const BOARD_EXPAND = 'unit.building,building,service_item';

function columnOf(o, now) {
  if (o.status === 'new') return 'new';
  const appt = parseDate(o.appointment_at);
  // The arrival deadline the server set (docs/DESIGN.md § Dispatch): an urgent repair's from the call.
  const due = parseDate(o.arrival_due);
  if ((o.status === 'dispatched' || o.status === 'accepted') && ((due && now > due.getTime()) || (!due && appt && now > appt.getTime() + LATE_MS))) return 'late';
  if (o.status === 'dispatched') return 'dispatched';
  return 'working';
}

const replyOverdue = (o, now) => o.reply_overdue || (parseDate(o.reply_due)?.getTime() ?? Infinity) < now;

// The board's cards come from GET /api/wuye/work-orders/board (hooks/dispatch_board.go):
// the open orders the reader may list, with only what a card shows and the
// labels of the unit, building and service item under expand — the whole
// board, or (&ids=…) the orders a realtime message named, a card that does
// not come back being off the board.
const BOARD_ROUTE = '/api/wuye/work-orders/board';

export function DispatchBoard({ me, community }) {
  const c = community.id;
  const orders = useAsync(() => pb.send(BOARD_ROUTE, { method: 'GET', query: { community: c } })
    .then((page) => page.items.sort(oldestFirst('received_at'))), [c]);
  const techs = useAsync(() => pb.collection('staff').getFullList({
    filter: pb.filter('role = "technician" && active = true && communities.id ?= {:c}', { c }), sort: 'name', fields: 'id,name,skills',
  }), [c]);
  const [fresh, setFresh] = useState([]);
  const onBoard = (o) => BOARD.includes(o.status) && o.community === c;
  const upsert = (rec) => orders.setData((list) => placeFetched(list, rec.id, rec, onBoard));
  // The community's topic says which orders changed; the board re-reads
  // them, those of a burst in one request (usePlaceChanged, BOARD_WINDOW).
  const changed = usePlaceChanged(orders, 'work_orders', { fetch: (ids) => fetchChangedFrom(BOARD_ROUTE, ids, { community: c }), keep: onBoard, sort: oldestFirst('received_at'), window: BOARD_WINDOW,
    onPlaced: (events, got) => {
      const arrived = events.filter((e) => e.action === 'create' && got.get(e.id)).map((e) => got.get(e.id));
      if (arrived.length) setFresh((f) => [...f, ...arrived.map((r) => r.id)]);
      for (const r of arrived) toast(t('dispatch.arrived', { serial: r.serial }));
    } });
  useCommunityTopic(c, 'work_orders', changed, { onReconnect: orders.reload }, [c]);
  const now = useNow(15000);

  if (orders.loading && !orders.data) return html`<h1>${t('dispatch.title')}</h1><${Loading} />`;
  if (orders.error) return html`<h1>${t('dispatch.title')}</h1><${ErrorBox} error=${orders.error} retry=${orders.reload} />`;
  const list = orders.data || [];
  const load = {};
  for (const o of list) if (o.technician) load[o.technician] = (load[o.technician] || 0) + 1;
  const cols = Object.fromEntries(COLUMNS.map((k) => [k, []]));
  for (const o of list) cols[columnOf(o, now)].push(o);
  // The orders waiting longest for their reply first.
  cols.new.sort((a, b) => (a.reply_due < b.reply_due ? -1 : 1));
  const techList = techs.data || [];
  const techName = (id) => techList.find((s) => s.id === id)?.name || '';

  return html`
    <div class="row between"><h1>${t('dispatch.title')}</h1><span class="small muted"><span class="live-dot" aria-hidden="true"></span>${t('dispatch.live')}</span></div>
    ${techs.error && html`<${ErrorBox} error=${techs.error} retry=${techs.reload} />`}
    <div class="board">
      ${COLUMNS.map((k) => html`<section class=${'board-col col-' + k} key=${k} aria-labelledby=${'col-' + k} data-testid=${'col-' + k}>
        <h2 id=${'col-' + k}>${t('dispatch.col.' + k)} <span class="count">${cols[k].length}</span></h2>
        ${cols[k].length === 0 ? html`<p class="muted small board-empty">${t('dispatch.empty')}</p>`
          : cols[k].map((o) => html`<${OrderCard} key=${o.id} order=${o} me=${me} now=${now} fresh=${fresh.includes(o.id)}
              techs=${techList} load=${load} techName=${techName} onSaved=${upsert} />`)}
      </section>`)}
    </div>`;
}

function ReplyClock({ order }) {
  const now = useNow(1000);
  const due = parseDate(order.reply_due);
  if (!due) return null;
  const c = countdown(due, now);
  const left = Math.round(c.left / 1000);
  const over = order.reply_overdue || c.over;
  const span = c.span;
  return html`<span class=${'clock' + (over ? ' over' : left < 300 ? ' soon' : '')} role="timer" title=${t('dispatch.replyDue', { at: dateTime(due) })}>
    ${over ? t('dispatch.replyOver', { t: span }) : t('dispatch.replyLeft', { t: span })}${order.reply_overdue ? html` · ${t('dispatch.replyFlag')}` : ''}</span>`;
}

function OrderCard({ order: o, me, now, fresh, techs, load, techName, onSaved }) {
  const steps = stepsFrom('work_orders', o.status, [me.role]);
  const canDispatch = steps.some((s) => s.to === 'dispatched');
  const late = columnOf(o, now) === 'late';
  const over = o.status === 'new' && replyOverdue(o, now);
  const cls = ['wo-card', over ? 'over' : '', late ? 'late' : '', fresh ? 'fresh' : ''].filter(Boolean).join(' ');
  return html`<article class=${cls} aria-labelledby=${'wo-' + o.id}>
    <div class="row between"><a href=${'#/orders/' + o.id} class="wo-link"><strong id=${'wo-' + o.id}>${o.serial}</strong></a>
      ${o.status === 'new' ? html`<${ReplyClock} order=${o} />` : html`<${Status} col="work_orders" code=${o.status} />`}</div>
    <div class="wo-place">${placeOf(o)}${o.rework_of ? html` <span class="chip s-bad">${t('dispatch.rework')}</span>` : o.source && o.source !== 'request' ? html` <span class="chip s-muted">${t('dispatch.source.' + o.source)}</span>` : !o.receiver ? html` <span class="chip s-muted">${t('dispatch.portal')}</span>` : ''}</div>
    <div class="wo-what">${o.urgency === 'urgent' ? html`<span class="chip s-bad" data-testid="urgent">${label('urgency', 'urgent')}</span> ` : ''}<span class="chip">${label('work_category', o.category)}</span> ${o.expand?.service_item?.name ? html`<b>${o.expand.service_item.name}</b> · ` : ''}${o.description}</div>
    <div class="sub">${o.contact_name} · <a href=${'tel:' + o.contact_phone}>${o.contact_phone}</a> · ${ago(o.received_at)}</div>
    ${o.appointment_at && html`<div class="sub">${t('dispatch.appointment', { at: dateTime(o.appointment_at) })}</div>`}
    ${o.status !== 'new' && html`<div class="sub">${o.technician ? t('dispatch.techIs', { name: techName(o.technician) || o.technician }) : o.dispatch_mode === 'pool' ? html`<span class="chip s-warn">${t('dispatch.inPool')}</span>` : ''}</div>`}
    ${late && html`<div class="chip s-bad">${t('dispatch.notArrived')}</div>`}
    ${o.arrival === 'late' && html`<div class="chip s-bad">${t('dispatch.lateArrival')}</div>`}
    ${canDispatch && html`<${AssignForm} order=${o} techs=${techs} load=${load} onSaved=${onSaved} />`}
  </article>`;
}

function AssignForm({ order, techs, load, onSaved }) {
  const fit = techs.filter((s) => (s.skills || []).includes(order.category));
  const other = techs.filter((s) => !fit.includes(s));
  const [tech, setTech] = useState(fit.length === 1 ? fit[0].id : '');
  const act = useAction();
  const opt = (s) => html`<option value=${s.id}>${t('dispatch.load', { name: s.name, n: load[s.id] || 0 })}</option>`;
  const go = (mode) => act.run(async () => {
    const body = mode === 'pool' ? { status: 'dispatched', dispatch_mode: 'pool' } : { status: 'dispatched', dispatch_mode: 'assign', technician: tech };
    const saved = await pb.collection('work_orders').update(order.id, body, { expand: BOARD_EXPAND });
    toast(mode === 'pool' ? t('dispatch.pooled', { serial: saved.serial }) : t('dispatch.assigned', { serial: saved.serial, name: techs.find((s) => s.id === tech)?.name || '' }));
    onSaved(saved);
  });
  const errs = fieldErrors(act.error);
  return html`<form class="assign" onSubmit=${(e) => { e.preventDefault(); if (tech) go('assign'); }}>
    <label class="sr-only" for=${'tech-' + order.id}>${t('dispatch.tech')} ${order.serial}</label>
    <select id=${'tech-' + order.id} aria-label=${t('dispatch.tech')} value=${tech} onChange=${(e) => setTech(e.target.value)}>
      <option value="">${t('dispatch.tech')}…</option>
      ${fit.length > 0 && html`<optgroup label=${t('dispatch.fit')}>${fit.map(opt)}</optgroup>`}
      ${other.length > 0 && html`<optgroup label=${t('dispatch.other')}>${other.map(opt)}</optgroup>`}
    </select>
    ${fit.length === 0 && html`<small class="hint">${t('dispatch.noFit')}</small>`}
    <div class="row">
      <button class="primary" disabled=${!tech || act.busy}>${t('dispatch.assign')}</button>
      <button type="button" disabled=${act.busy} onClick=${() => go('pool')}>${t('dispatch.pool')}</button>
    </div>
    ${errs.technician && html`<small class="field-error" role="alert">${errs.technician}</small>`}
    <${ErrorBox} error=${act.error} />
  </form>`;
}

