// The technicians' field app (#/field), phone first: the live queue of my
// orders and the pool of my trades, with an audible alert for a new order.
import { html, useState, useEffect, useRef } from '../../core/html.js';
import { pb, errorText } from '../../core/api.js';
import { t, addMessages, label } from '../../core/i18n.js';
import { dateTime } from '../../core/format.js';
import { isTerminal } from '../../core/flows.js';
import { Loading, ErrorBox, Empty, Status, navigate, toast } from '../../core/ui.js';
import { COL, EXPAND, poolOrder, canClaim, place, until, ts } from './common.js';
import { useOutbox, useOutboxResults, withPending, perform, flushOutbox, OutboxBar, remember } from './outbox.js';
import { ring, AlertToggle } from './alerts.js';
import { useTopics, LiveDot } from './live.js';

addMessages({
  'field.title': ['我的工单', 'My orders'],
  'field.queue': ['待办', 'To do'],
  'field.pool': ['抢单池', 'Pool'],
  'field.poolHint': ['我的工种：{trades}', 'My trades: {trades}'],
  'field.noSkills': ['您的账号还没有登记工种，看不到抢单池', 'Your account has no trades yet, so there is no pool for you.'],
  'field.done': ['已签收，待回访', 'Signed off, awaiting revisit'],
  'field.emptyQueue': ['暂时没有派给您的工单', 'Nothing dispatched to you right now'],
  'field.emptyPool': ['抢单池里暂时没有工单', 'The pool is empty'],
  'field.newOrder': ['新工单：{what}', 'New order: {what}'],
  'field.new': ['新', 'New'],
  'field.claimed': ['抢单成功', 'Claimed'],
  'field.claimLost': ['抢单未成功：{msg}', 'Claim failed: {msg}'],
  'field.appt': ['预约', 'Appt.'],
});

const ACTIVE_RANK = { dispatched: 0, accepted: 1, on_site: 2, quoted: 3, in_progress: 4, completed: 5 };

export function FieldApp({ me, communities }) {
  const skills = me.skills || [];
  const mine = me.communities || [];
  const inQueue = (o) => o.technician === me.id && !isTerminal(COL, o.status);
  const inPool = (o) => poolOrder(o) && canClaim(me, o);
  const topics = [`queue/${me.id}`];
  if (me.role === 'technician') for (const c of mine) for (const s of skills) topics.push(`pool/${c}/${s}`);

  const [state, setState] = useState({ list: null, error: null, loading: true });
  const listRef = useRef(null);
  listRef.current = state.list;
  // Messages that arrive while a load is under way are applied again on top
  // of its result, which may have been read before them.
  const during = useRef([]);
  const loads = useRef({ seq: 0, inflight: 0 });
  const [fresh, setFresh] = useState({});
  // An action refused from the list is told above the lists: the order it
  // was about may already have left them (a claim lost to a colleague).
  const [actErr, setActErr] = useState(null);
  const [busy, setBusy] = useState('');

  // merge applies one changed order to the list: kept if it is mine or in
  // my pool, dropped otherwise; an older copy never replaces a newer one.
  const merge = (list, rec) => {
    const prev = list.find((o) => o.id === rec.id);
    if (prev && ts(rec.updated) < ts(prev.updated)) return list;
    if (!inQueue(rec) && !inPool(rec)) return prev ? list.filter((o) => o.id !== rec.id) : list;
    const next = { ...rec, expand: rec.expand || (prev && prev.unit === rec.unit ? prev.expand : undefined) };
    remember(next);
    return prev ? list.map((o) => (o.id === rec.id ? next : o)) : [...list, next];
  };

  const load = async () => {
    const n = ++loads.current.seq;
    loads.current.inflight++;
    const from = during.current.length;
    setState((s) => ({ ...s, loading: true, error: null }));
    try {
      const cats = skills.map((_, i) => `category = {:c${i}}`).join(' || ');
      const comms = mine.map((_, i) => `community = {:m${i}}`).join(' || ');
      const params = { me: me.id };
      skills.forEach((s, i) => { params[`c${i}`] = s; });
      mine.forEach((c, i) => { params[`m${i}`] = c; });
      const [queue, pool] = await Promise.all([
        pb.collection(COL).getFullList({ filter: pb.filter('technician = {:me} && status != "closed" && status != "cancelled"', params), sort: 'appointment_at,created', expand: EXPAND }),
        me.role === 'technician' && cats && comms
          ? pb.collection(COL).getFullList({ filter: pb.filter(`dispatch_mode = "pool" && status = "dispatched" && technician = "" && (${cats}) && (${comms})`, params), sort: 'created', expand: EXPAND })
          : [],
      ]);
      if (n !== loads.current.seq) return; // a later load is under way
      let list = [...queue, ...pool.filter((p) => !queue.some((q) => q.id === p.id))];
      list.forEach(remember);
      for (const rec of during.current.slice(from)) list = merge(list, rec);
      setState({ list, error: null, loading: false });
    } catch (error) {
      if (n === loads.current.seq) setState((s) => ({ ...s, error, loading: false }));
    } finally {
      if (--loads.current.inflight === 0) during.current = [];
    }
  };

  const enrich = async (id) => {
    try {
      const full = await pb.collection(COL).getOne(id, { expand: EXPAND });
      setState((s) => (s.list ? { ...s, list: merge(s.list, full) } : s));
    } catch { /* gone or offline: the bare record stays */ }
  };

  const onMessage = (topic, msg) => {
    const rec = msg?.record;
    if (!rec?.id) return;
    if (loads.current.inflight) during.current.push(rec);
    const before = listRef.current || [];
    const prev = before.find((o) => o.id === rec.id);
    const arrived = (inQueue(rec) && rec.status === 'dispatched' && !(prev && inQueue(prev))) || (inPool(rec) && !(prev && inPool(prev)));
    setState((s) => (s.list ? { ...s, list: merge(s.list, rec) } : s));
    if (arrived) {
      setFresh((f) => ({ ...f, [rec.id]: true }));
      setTimeout(() => setFresh((f) => { const n = { ...f }; delete n[rec.id]; return n; }), 30000);
      ring();
      toast(t('field.newOrder', { what: `${label('work_category', rec.category)} · ${rec.serial || ''}` }));
    }
    if (!rec.expand && (inQueue(rec) || inPool(rec)) && !(prev && prev.unit === rec.unit && prev.expand)) enrich(rec.id);
  };

  const reconnect = () => { load(); flushOutbox(); };
  const live = useTopics(topics, onMessage, reconnect);
  useEffect(() => { load(); flushOutbox(); }, [me.id]);
  useEffect(() => {
    const up = () => load();
    addEventListener('online', up);
    return () => removeEventListener('online', up);
  }, [me.id]);
  useOutboxResults((rec, id) => {
    if (rec) setState((s) => (s.list ? { ...s, list: merge(s.list, rec) } : s));
    else load();
  });
  useOutbox(); // re-render as actions wait and leave

  const act = async (o, patch, what, claim) => {
    setBusy(o.id);
    setActErr(null);
    try {
      const res = await perform(o, patch, {}, what);
      if (res.queued) toast(t('field.queued'));
      if (res.record) {
        setState((s) => (s.list ? { ...s, list: merge(s.list, res.record) } : s));
        if (claim) { toast(t('field.claimed')); navigate('/field/' + o.id); }
      }
    } catch (e) {
      const msg = errorText(e);
      setActErr(`${o.serial} · ${claim ? t('field.claimLost', { msg }) : msg}`);
      if (claim) setTimeout(load, 2500);
    } finally {
      setBusy('');
    }
  };

  const names = Object.fromEntries((communities || []).map((c) => [c.id, c.name]));
  const many = mine.length > 1;
  const list = (state.list || []).map(withPending);
  // New dispatches first (they need an answer), then by appointment.
  const queue = list.filter((o) => inQueue(o) && o.status in ACTIVE_RANK)
    .sort((a, b) => (a.status !== 'dispatched') - (b.status !== 'dispatched')
      || (ts(a.appointment_at) || Infinity) - (ts(b.appointment_at) || Infinity) || ts(a.created) - ts(b.created));
  const pool = list.filter((o) => inPool(o) && !inQueue(o));
  const done = list.filter((o) => inQueue(o) && !(o.status in ACTIVE_RANK));

  const item = (o, kind) => html`<li key=${o.id} data-id=${o.id} class=${'order' + (fresh[o.id] ? ' fresh' : '') + (o._pending ? ' pending' : '')}>
    <a class="item" href=${'#/field/' + o.id} onClick=${() => setFresh((f) => { const n = { ...f }; delete n[o.id]; return n; })}>
      <div class="main">
        <div class="t">${fresh[o.id] && html`<b class="new-badge">${t('field.new')}</b> `}${label('work_category', o.category)} · ${place(o) || o.location || '—'}</div>
        <div class="desc">${o.description}</div>
        <div class="sub">${o.serial}${o.appointment_at ? html` · ${t('field.appt')} ${dateTime(o.appointment_at)} <span class="until">${until(o.appointment_at)}</span>` : ''}${many && names[o.community] ? ' · ' + names[o.community] : ''}</div>
      </div>
      <div class="side">
        <${Status} col=${COL} code=${o.status} />
        ${o._pending && html`<span class="chip s-warn pending-chip">${t('field.pending')}</span>`}
      </div>
    </a>
    ${kind === 'queue' && o.status === 'dispatched' && html`<div class="quick-act">
      <button type="button" class="primary" disabled=${busy === o.id} onClick=${() => act(o, { status: 'accepted' }, t('field.act.accepted'))}>${t('field.accept')}</button></div>`}
    ${kind === 'pool' && html`<div class="quick-act">
      <button type="button" class="primary" disabled=${busy === o.id} onClick=${() => act(o, { status: 'accepted', technician: me.id }, t('field.act.claim'), true)}>${t('field.claim')}</button></div>`}
  </li>`;

  const body = (rows, kind, emptyText) => state.loading && !state.list ? html`<${Loading} />`
    : state.error && !state.list ? html`<${ErrorBox} error=${state.error} retry=${load} />`
    : rows.length === 0 ? html`<${Empty} text=${emptyText} />`
    : html`<ul class="list orders">${rows.map((o) => item(o, kind))}</ul>`;

  return html`<div class="field-app">
    <div class="row between field-head">
      <h1>${t('field.title')}</h1>
      <div class="row"><${LiveDot} live=${live} /><${AlertToggle} /></div>
    </div>
    <${OutboxBar} />
    ${actErr && html`<div class="state error refused" role="alert" data-testid="action-error"><span>${actErr}</span>
      <button type="button" class="link" onClick=${() => setActErr(null)}>${t('field.dismiss')}</button></div>`}
    ${state.error && state.list && html`<${ErrorBox} error=${state.error} retry=${load} />`}
    <section class="card" aria-labelledby="field-queue-h">
      <h2 id="field-queue-h">${t('field.queue')} <span class="count">${state.list ? queue.length : ''}</span></h2>
      ${body(queue, 'queue', t('field.emptyQueue'))}
    </section>
    ${me.role === 'technician' && html`<section class="card" aria-labelledby="field-pool-h">
      <h2 id="field-pool-h">${t('field.pool')} <span class="count">${state.list ? pool.length : ''}</span></h2>
      ${skills.length ? html`<p class="small muted">${t('field.poolHint', { trades: skills.map((s) => label('work_category', s)).join('、') })}</p>
        ${body(pool, 'pool', t('field.emptyPool'))}` : html`<${Empty} text=${t('field.noSkills')} />`}
    </section>`}
    ${done.length > 0 && html`<details class="card done">
      <summary>${t('field.done')} (${done.length})</summary>
      <ul class="list orders">${done.map((o) => item(o, 'done'))}</ul>
    </details>`}
  </div>`;
}
