// The revisit queue (#/revisits, 回访): replied complaints and signed-off
// work orders waiting for a call or a visit, and closing them.
import { html, useState, useRef } from '../../core/html.js';
import { pb, fieldErrors } from '../../core/api.js';
import { t, addMessages, label, choices } from '../../core/i18n.js';
import { yuan, ago } from '../../core/format.js';
import { stepsFrom } from '../../core/flows.js';
import { Loading, ErrorBox, Empty, Status, Field, useAsync, useAction, confirmBox, toast } from '../../core/ui.js';
import { useCommunityTopic, useCoalesce, fetchChanged, withCached, idsOf, BOARD_WINDOW } from '../../core/realtime.js';
import { placeOf } from './common.js';

addMessages({
  'revisit.contactName': ['联系人', 'Contact name'],
  'revisit.title': ['回访', 'Revisits'],
  'revisit.hint': ['按等待时间排序，最早的在前；上月完工的派工单须在 10 日前回访', 'Oldest first; last month\'s orders must be revisited by the 10th'],
  'revisit.queue': ['待回访', 'To revisit'],
  'revisit.toClose': ['已回访，待关闭', 'Revisited, to close'],
  'revisit.all': ['全部', 'All'],
  'revisit.complaint': ['投诉', 'Complaint'],
  'revisit.order': ['派工单', 'Work order'],
  'revisit.since.replied': ['答复于 {ago}', 'replied {ago}'],
  'revisit.since.signed_off': ['签收于 {ago}', 'signed off {ago}'],
  'revisit.since.revisited': ['回访于 {ago}', 'revisited {ago}'],
  'revisit.overdue': ['回访逾期', 'Revisit overdue'],
  'revisit.replyOverdue': ['答复曾超时', 'Reply was late'],
  'revisit.result': ['处理结果', 'Result'],
  'revisit.signoff': ['住户签收', 'Resident sign-off'],
  'revisit.amount': ['金额', 'Amount'],
  'revisit.tech': ['师傅', 'Technician'],
  'revisit.satisfaction': ['满意度', 'Satisfaction'],
  'revisit.method': ['回访方式', 'Method'],
  'revisit.note': ['回访记录（选填）', 'Notes (optional)'],
  'revisit.save': ['记录回访', 'Record revisit'],
  'revisit.saved': ['{serial} 已回访', '{serial} revisited'],
  'revisit.reopens': ['选择“不满意”后投诉会退回处理中，并计入重新处理次数。', 'Unsatisfied sends the complaint back to processing and counts a reopen.'],
  'revisit.reopened': ['{serial} 不满意，已退回处理中', '{serial} unsatisfied: back in processing'],
  'revisit.close': ['关闭', 'Close'],
  'revisit.confirmClose': ['关闭 {serial}？', 'Close {serial}?'],
  'revisit.confirmCloseBody': ['关闭后不能再修改。', 'A closed record cannot be changed.'],
  'revisit.closed': ['{serial} 已关闭', '{serial} closed'],
  'revisit.call': ['拨打', 'Call'],
  'revisit.more': ['更多（已显示 {shown} / {total}）', 'More ({shown} of {total} shown)'],
});

// The queue is read a page at a time, oldest first (overdue orders first):
// in a community of 10,000 homes some 6,000 replied, signed-off and
// revisited documents wait here, too many to load and draw at once. Four
// lists — each section's complaints and orders — each the first n of its
// kind (n grows by REVISIT_PAGE with "more"; re-reading from the start keeps
// the order right whatever changed meanwhile), on indexes matching them
// (migrations: idx_*_revisit*).
const REVISIT_PAGE = 50;
const REVISIT = {
  complaints: { statuses: ['replied', 'revisited'], expand: 'unit.building,building', where: '(status = "replied" || status = "revisited")' },
  work_orders: { statuses: ['signed_off', 'revisited'], expand: 'unit.building,building,service_item,technician', where: '(status = "signed_off" || status = "revisited")' },
};
const REVISIT_SOURCES = [
  { key: 'queue-c', section: 'queue', col: 'complaints', status: 'replied', since: 'replied_at' },
  { key: 'queue-o', section: 'queue', col: 'work_orders', status: 'signed_off', since: 'signed_off_at' },
  { key: 'closing-c', section: 'closing', col: 'complaints', status: 'revisited', since: 'revisited_at' },
  { key: 'closing-o', section: 'closing', col: 'work_orders', status: 'revisited', since: 'revisited_at' },
];
const revisitSort = (s) => (s.col === 'work_orders' ? '-revisit_overdue,' : '') + s.since + ',id';
const sourceOf = (col, status) => REVISIT_SOURCES.find((s) => s.col === col && s.status === status);
const sinceOf = (col, r) => (sourceOf(col, r.status) ? r[sourceOf(col, r.status).since] : '') || r.updated;

/** revisitOrder: overdue first, then the longest waiting, as the server sorts. */
function revisitOrder(a, b) {
  return (b.r.revisit_overdue === true) - (a.r.revisit_overdue === true) || String(a.since).localeCompare(String(b.since)) || (a.r.id < b.r.id ? -1 : a.r.id > b.r.id ? 1 : 0);
}

// The page's cache gives the buildings and service items (see withCached in
// core/ui.js: their read rules cost a join over every home per expansion).
const REVISIT_CACHED = { complaints: [['building'], ['unit', 'building']], work_orders: [['building'], ['unit', 'building'], ['service_item']] };
const REVISIT_EXPAND = { complaints: 'unit', work_orders: 'unit,technician' };

/** revisitPage reads the first n of a source, with its count (cheap: an index range of the few in that status). */
async function revisitPage(c, s, n) {
  const page = await pb.collection(s.col).getList(1, n, {
    filter: pb.filter('community = {:c} && status = {:s}', { c, s: s.status }), sort: revisitSort(s), expand: REVISIT_EXPAND[s.col],
  });
  return { items: await withCached(page.items, REVISIT_CACHED[s.col]), total: page.totalItems };
}

/** loadRevisits reads the four lists, each as far as sizes says ("more"). */
async function loadRevisits(c, sizes) {
  const pages = await Promise.all(REVISIT_SOURCES.map((s) => revisitPage(c, s, sizes[s.key] || REVISIT_PAGE)));
  return Object.fromEntries(REVISIT_SOURCES.map((s, i) => [s.key, pages[i]]));
}

/**
 * revisitRows merges a section's lists into the screen's rows, down to where
 * every list that has more is still complete (the rest comes with "more").
 */
function revisitRows(data, section, only) {
  const sources = REVISIT_SOURCES.filter((s) => s.section === section && (!only || s.col === only) && data[s.key]);
  const row = (s) => (r) => ({ col: s.col, r, since: sinceOf(s.col, r) });
  let rows = sources.flatMap((s) => data[s.key].items.map(row(s)));
  let more = false;
  for (const s of sources) {
    const { items, total } = data[s.key];
    if (items.length >= total || !items.length) continue;
    more = true;
    const last = row(s)(items[items.length - 1]);
    rows = rows.filter((x) => revisitOrder(x, last) <= 0);
  }
  return { rows: rows.sort(revisitOrder), total: sources.reduce((n, s) => n + data[s.key].total, 0), more };
}

export function Revisits({ me, community }) {
  const c = community.id;
  const sizes = useRef({});
  if (sizes.current.c !== c) sizes.current = { c };
  const data = useAsync(() => loadRevisits(c, sizes.current), [c]);
  const [only, setOnly] = useState('');
  // "More": the section's lists that have more are read REVISIT_PAGE further.
  const more = (section) => {
    for (const s of REVISIT_SOURCES) {
      const cur = data.data?.[s.key];
      if (s.section === section && cur && cur.items.length < cur.total) sizes.current[s.key] = (sizes.current[s.key] || REVISIT_PAGE) + REVISIT_PAGE;
    }
    data.reload();
  };
  // The community's topics say which records changed: those of a burst
  // (useCoalesce, BOARD_WINDOW) are re-read (one request per collection) and
  // put in place within what is shown, and the touched lists' counts re-read.
  const changed = useCoalesce(async (events) => {
    if (data.data === undefined) { data.reload(); return; }
    let got; let counts;
    try {
      got = await Promise.all(Object.entries(REVISIT).map(async ([col, { expand, where }]) => {
        const ids = idsOf(events, col);
        return ids.length ? fetchChanged(col, ids, { expand, where: pb.filter('community = {:c} && ', { c }) + where }) : new Map();
      }));
      // Counts re-read where a record came, went or changed in view (one
      // not shown that left a list beyond "more" is counted at the next load).
      const shown = (col, id) => REVISIT_SOURCES.some((s) => s.col === col && data.data[s.key]?.items.some((r) => r.id === id));
      const touched = REVISIT_SOURCES.filter((s) => [...got[s.col === 'complaints' ? 0 : 1]].some(([id, r]) => (r && r.status === s.status) || shown(s.col, id)));
      counts = Object.fromEntries(await Promise.all(touched.map(async (s) => [s.key, (await pb.collection(s.col).getList(1, 1, {
        filter: pb.filter(`community = {:c} && status = {:s}`, { c, s: s.status }), fields: 'id', requestKey: null })).totalItems])));
    } catch { return; } // offline: the reconnect reloads
    const fetched = { complaints: got[0], work_orders: got[1] };
    data.setData((d) => {
      if (!d) return d;
      const out = {};
      for (const s of REVISIT_SOURCES) {
        const cur = d[s.key];
        let items = cur.items.filter((r) => !fetched[s.col].has(r.id));
        const last = cur.items.length < cur.total && cur.items.length ? { r: cur.items[cur.items.length - 1], since: sinceOf(s.col, cur.items[cur.items.length - 1]) } : null;
        for (const r of fetched[s.col].values()) {
          if (r && r.status === s.status && r.community === c && (!last || revisitOrder({ r, since: sinceOf(s.col, r) }, last) <= 0)) items.push(r);
        }
        items = items.map((r) => ({ r, since: sinceOf(s.col, r) })).sort(revisitOrder).map((x) => x.r);
        out[s.key] = { ...cur, items, total: counts[s.key] ?? cur.total };
      }
      return out;
    });
  }, BOARD_WINDOW);
  useCommunityTopic(c, 'complaints', changed, { onReconnect: data.reload }, [c]);
  useCommunityTopic(c, 'work_orders', changed, { onReconnect: data.reload }, [c]);
  const section = (title, name, id) => {
    const { rows, total, more: hasMore } = revisitRows(data.data, name, only);
    return html`<section class="card" aria-labelledby=${id}>
    <h2 id=${id}>${title} <span class="muted small">${total}</span></h2>
    ${rows.length === 0 ? html`<${Empty} />` : html`<div class="revisit-list">${rows.map((x) => html`<${RevisitCard} key=${x.r.id} item=${x} me=${me} onDone=${data.reload} />`)}</div>`}
    ${hasMore && html`<div class="row end"><button type="button" class="ghost" onClick=${() => more(name)}>${t('revisit.more', { shown: rows.length, total })}</button></div>`}
  </section>`;
  };
  return html`
    <h1>${t('revisit.title')}</h1>
    <p class="small muted">${t('revisit.hint')}</p>
    <div class="seg" role="group" aria-label=${t('revisit.title')}>
      ${[['', 'revisit.all'], ['complaints', 'revisit.complaint'], ['work_orders', 'revisit.order']].map(([k, key]) => html`
        <button type="button" aria-pressed=${only === k} onClick=${() => setOnly(k)}>${t(key)}</button>`)}
    </div>
    ${data.loading && !data.data ? html`<${Loading} />` : data.error ? html`<${ErrorBox} error=${data.error} retry=${data.reload} />` : html`
      ${section(t('revisit.queue'), 'queue', 'h-queue')}
      ${section(t('revisit.toClose'), 'closing', 'h-closing')}`}`;
}

function RevisitCard({ item, me, onDone }) {
  const { col, r } = item;
  const steps = stepsFrom(col, r.status, [me.role]);
  const revisit = steps.find((s) => s.to === 'revisited');
  const close = steps.find((s) => s.to === 'closed');
  const isOrder = col === 'work_orders';
  const [form, setForm] = useState({ satisfaction: '', revisit_method: 'phone', revisit_note: '' });
  const act = useAction();
  const name = `${col}-${r.id}`;
  const save = async (e) => {
    e.preventDefault();
    const body = { status: 'revisited', satisfaction: form.satisfaction, revisit_note: form.revisit_note.trim() };
    if (isOrder) body.revisit_method = form.revisit_method;
    const saved = await act.run(() => pb.collection(col).update(r.id, body));
    if (saved) {
      toast(saved.status === 'processing' ? t('revisit.reopened', { serial: saved.serial }) : t('revisit.saved', { serial: saved.serial }));
      onDone();
    }
  };
  const doClose = async () => {
    if (!(await confirmBox({ title: t('revisit.confirmClose', { serial: r.serial }), body: t('revisit.confirmCloseBody'), ok: t('revisit.close') }))) return;
    const saved = await act.run(() => pb.collection(col).update(r.id, { status: 'closed' }));
    if (saved) { toast(t('revisit.closed', { serial: saved.serial })); onDone(); }
  };
  const errs = fieldErrors(act.error);
  return html`<article class=${'revisit-card' + (r.revisit_overdue ? ' over' : '')} aria-labelledby=${'rv-' + r.id}>
    <div class="row between">
      <span><span class="chip s-muted">${t(isOrder ? 'revisit.order' : 'revisit.complaint')}</span> <strong id=${'rv-' + r.id}>${r.serial}</strong></span>
      <span class="row">
        ${r.revisit_overdue && html`<span class="chip s-bad">${t('revisit.overdue')}</span>`}
        ${!isOrder && r.reply_overdue && html`<span class="chip s-warn">${t('revisit.replyOverdue')}</span>`}
        <${Status} col=${col} code=${r.status} /></span>
    </div>
    <div class="wo-place">${placeOf(r)}</div>
    <p class="revisit-what">${isOrder ? html`${r.expand?.service_item?.name ? r.expand.service_item.name + ' · ' : ''}${r.description}` : html`${label('complaint_category', r.category)} · ${r.content}`}</p>
    <dl class="kv small">
      ${!isOrder && r.result && html`<dt>${t('revisit.result')}</dt><dd>${r.result}</dd>`}
      ${isOrder && html`<dt>${t('revisit.tech')}</dt><dd>${r.expand?.technician?.name || ''}</dd>
        <dt>${t('revisit.signoff')}</dt><dd>${label('signoff', r.signoff)}${r.satisfaction && r.status === 'signed_off' ? ' · ' + label('satisfaction', r.satisfaction) : ''}</dd>
        ${r.amount_fen > 0 && html`<dt>${t('revisit.amount')}</dt><dd>${yuan(r.amount_fen)} · ${label('work_payment', r.payment)}</dd>`}`}
      ${r.status === 'revisited' && html`<dt>${t('revisit.satisfaction')}</dt><dd>${label('satisfaction', r.satisfaction)}${r.revisit_method ? ' · ' + label('revisit_method', r.revisit_method) : ''}${r.revisit_note ? ' · ' + r.revisit_note : ''}</dd>`}
      <dt>${t('revisit.contactName')}</dt><dd>${r.contact_name} · <a href=${'tel:' + r.contact_phone} aria-label=${t('revisit.call') + ' ' + r.contact_phone}>${r.contact_phone}</a></dd>
    </dl>
    <p class="small muted">${t('revisit.since.' + r.status, { ago: ago(item.since || r.updated) })}</p>
    ${revisit && html`<form class="stack revisit-form" onSubmit=${save}>
      <fieldset><legend>${t('revisit.satisfaction')} <b class="req">*</b></legend>
        <div class="choices">${choices('satisfaction').map((s) => html`<label><input type="radio" name=${name + '-sat'} value=${s.code} checked=${form.satisfaction === s.code} onChange=${() => setForm({ ...form, satisfaction: s.code })} />${s.text}</label>`)}</div>
        ${errs.satisfaction && html`<small class="field-error" role="alert">${errs.satisfaction}</small>`}
        ${!isOrder && form.satisfaction === 'unsatisfied' && html`<small class="hint">${t('revisit.reopens')}</small>`}
      </fieldset>
      ${isOrder && html`<fieldset><legend>${t('revisit.method')} <b class="req">*</b></legend>
        <div class="choices">${choices('revisit_method').map((m) => html`<label><input type="radio" name=${name + '-method'} value=${m.code} checked=${form.revisit_method === m.code} onChange=${() => setForm({ ...form, revisit_method: m.code })} />${m.text}</label>`)}</div>
        ${errs.revisit_method && html`<small class="field-error" role="alert">${errs.revisit_method}</small>`}
      </fieldset>`}
      <${Field} label=${t('revisit.note')} error=${errs.revisit_note}><input type="text" maxlength="1000" value=${form.revisit_note} onInput=${(e) => setForm({ ...form, revisit_note: e.target.value })} /><//>
      <${ErrorBox} error=${act.error} />
      <button class="primary" disabled=${act.busy || !form.satisfaction}>${t('revisit.save')}</button>
    </form>`}
    ${close && html`<${ErrorBox} error=${act.error} /><div class="row end"><button type="button" disabled=${act.busy} onClick=${doClose}>${t('revisit.close')}</button></div>`}
  </article>`;
}
