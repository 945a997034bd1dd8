// Home: what is open (live), what is owed for this unit, and the latest
// notices of the community.
import { html } from '../core/html.js';
import { pb } from '../core/api.js';
import { t, addMessages, label } from '../core/i18n.js';
import './desk.js'; // the quick link's label
import { MoveInCard } from './movein.js';
import { yuan, owed, date, ago, unitName } from '../core/format.js';
import { isTerminal, loadFlows } from '../core/flows.js';
import { Icon } from '../core/icons.js';
import { Loading, ErrorBox, Empty, Status, When, useAsync } from '../core/ui.js';
import { useMyTopic, useCoalesce, fetchChanged, withServiceItems, idsOf, placeFetched, LIST_WINDOW } from '../core/realtime.js';
import { useUnreadNotes } from '../core/notes.js';

addMessages({
  // The quick links' words: the screens they open load only when opened.
  'home.newComplaint': ['我要投诉', 'File a complaint'],
  'home.newRepair': ['我要报修', 'Request a repair'],
  'home.newRenovation': ['申请装修', 'Apply to renovate'],
  'home.hello': ['{name}，您好', 'Hello, {name}'],
  'home.open': ['进行中的事项', 'Open requests'],
  'home.due': ['待缴费用', 'Bills due'],
  'home.dueNone': ['本房屋没有待缴费用', 'Nothing owed for this unit'],
  'home.dueCount': ['{n} 张账单待缴', '{n} bills due'],
  'home.pay': ['查看并缴费', 'View and pay'],
  'home.notices': ['最新公告', 'Latest notices'],
  'home.all': ['全部', 'All'],
  'home.pinned': ['置顶', 'Pinned'],
  'home.quick': ['常用服务', 'Services'],
  'kind.complaints': ['投诉', 'Complaint'],
  'kind.work_orders': ['报修', 'Repair'],
  'kind.renovations': ['装修', 'Renovation'],
  'todo.title': ['待您处理', 'Waiting for you'],
  'todo.none': ['目前没有需要您处理的事项', 'Nothing is waiting for you'],
  'todo.quote': ['待确认报价', 'Quote to confirm'],
  'todo.quoteAct': ['查看并确认', 'Review and confirm'],
  'todo.signoff': ['待签收', 'Work to sign off'],
  'todo.signoffAct': ['去签收', 'Sign off'],
  'todo.rate': ['待评价', 'Result to rate'],
  'todo.rateAct': ['去评价', 'Rate'],
});

// What waits for the resident: their unread notifications of the kinds that
// ask them to act — the same source as the bell. The server writes one when
// a quote waits, finished work waits for sign-off or a complaint's reply
// waits for their rating, and marks it read once the step is taken, by them
// or by the desk for them (hooks/dispatch.go, hooks/complaints.go).
const TODO = {
  quote_to_confirm: { key: 'quote', path: '/repairs/' },
  order_completed: { key: 'signoff', path: '/repairs/' },
  complaint_replied: { key: 'rate', path: '/complaints/' },
};

function YourTurn({ me }) {
  const kinds = Object.keys(TODO).map((k) => `kind = ${JSON.stringify(k)}`).join(' || ');
  // A new notification of another kind is no change here (useUnreadNotes).
  const list = useUnreadNotes(me, () => pb.collection('notifications').getList(1, 20, {
    filter: pb.filter(`recipient_resident = {:me} && read = false && (${kinds})`, { me: me.id }), sort: '-created', skipTotal: true,
  }), { keep: (n) => Boolean(TODO[n.kind]) });
  const items = list.data?.items || [];
  return html`<section class="card todo" aria-labelledby="h-todo" data-testid="your-turn">
    <h2 id="h-todo">${t('todo.title')}${items.length > 0 && html` <span class="badge-n">${items.length}</span>`}</h2>
    ${list.loading && !list.data ? html`<${Loading} />` : list.error ? html`<${ErrorBox} error=${list.error} retry=${list.reload} />`
      : items.length === 0 ? html`<p class="muted small">${t('todo.none')}</p>` : html`<ul class="list">${items.map((n) => {
        const d = TODO[n.kind];
        return html`<li key=${n.id}>
        <a class="item todo-item" href=${'#' + d.path + n.subject_id} data-todo=${d.key}>
          <div class="main"><div class="t"><span class="chip s-warn">${t('todo.' + d.key)}</span> ${n.title}</div>
            ${n.body && html`<div class="sub">${n.body}</div>`}<div class="sub">${ago(n.created)}</div></div>
          <span class="act">${t('todo.' + d.key + 'Act')} ›</span>
        </a></li>`;
      })}</ul>`}
  </section>`;
}

// The household's open complaints and repairs of the chosen unit (migration
// 0052), and the resident's own renovations.
const OPEN_SOURCES = [
  { col: 'complaints', who: 'unit', path: '/complaints/', title: (r) => label('complaint_category', r.category) + ' · ' + r.content },
  { col: 'work_orders', who: 'unit', path: '/repairs/', title: (r) => r.expand?.service_item?.name || r.description },
  { col: 'renovations', who: 'applicant', path: '/renovation/', title: (r) => r.contractor_name || r.serial },
];

async function openRequests(me, unit) {
  const { flows } = await loadFlows();
  // Only what is still open, without counting the history (skipTotal).
  const open = (col) => (flows[col]?.terminal || []).map((x) => ` && status != ${JSON.stringify(x)}`).join('');
  // (A work order's service item from the page's cache: see withServiceItems.)
  const lists = await Promise.all(OPEN_SOURCES.map((s) => pb.collection(s.col).getList(1, 20, {
    filter: pb.filter(`${s.who} = {:me}${open(s.col)}`, { me: s.who === 'unit' ? unit.id : me.id }), sort: '-updated', skipTotal: true,
  }).then((r) => (s.col === 'work_orders' ? withServiceItems(r.items) : r.items)).then((items) => items.filter((x) => !isTerminal(s.col, x.status)).map((x) => ({ ...x, source: s })))));
  return lists.flat().sort(byUpdated);
}

const byUpdated = (a, b) => (a.updated < b.updated ? 1 : -1);

/**
 * listedHere says whether request r belongs on the home of unit: open, and
 * of that unit (a resident of two units is told of both households'
 * requests; a renovation is listed by its applicant, who alone is told).
 */
const listedHere = (unit) => (r) => !isTerminal(r.source.col, r.status) && (r.source.who !== 'unit' || r.unit === unit.id);

/**
 * changedRequests re-reads the records the messages were about (one request
 * per collection, not the three lists again) and puts them into the list:
 * still open ones of the unit in place, others and unreadable ones out.
 */
async function changedRequests(events, unit) {
  const found = await Promise.all(OPEN_SOURCES.map(async (s) => {
    const ids = idsOf(events, s.col);
    if (!ids.length) return [];
    const got = await fetchChanged(s.col, ids, { expand: s.col === 'work_orders' ? 'service_item' : undefined });
    return [...got].map(([id, r]) => ({ id, r: r && { ...r, source: s } }));
  }));
  return (list) => {
    let out = list || [];
    for (const { id, r } of found.flat()) out = placeFetched(out, id, r, listedHere(unit));
    return [...out].sort(byUpdated);
  };
}

/**
 * newRequest is the record a new request's message carries as its card
 * (what the list shows of it: hooks/base_realtime_notes.go cardOf), or
 * null if the message has none.
 */
function newRequest(e) {
  const s = e.action === 'create' && e.card && OPEN_SOURCES.find((x) => x.col === e.collection);
  return s ? { ...e.card, id: e.id, collectionName: e.collection, source: s } : null;
}

function OpenRequests({ me, unit }) {
  const open = useAsync(() => openRequests(me, unit), [me.id, unit.id]);
  // The resident's own topic carries their records' changes only; a burst of
  // them (filing, then the desk assigning) is one re-read of what changed.
  const changed = useCoalesce(async (events) => {
    if (open.data === undefined) { open.reload(); return; }
    let place;
    try { place = await changedRequests(events, unit); } catch { return; } // offline: the reconnect reloads
    open.setData(place);
  }, LIST_WINDOW);
  // A new request comes with its card, and a step of a request the list
  // shows (assigned, dispatched …) with its status and time
  // (hooks/base_realtime_notes.go): either is put in place, no re-read.
  // Anything else, or a step of a request not listed yet, is re-read.
  const onMessage = (e) => {
    const r = open.data !== undefined && newRequest(e);
    if (r) {
      // Placed at once, so that a step right after it finds it listed; a
      // work order's service item (its title) follows from the page's cache
      // into the row, if the row is still there.
      open.setData((d) => d && [...placeFetched(d, r.id, r, listedHere(unit))].sort(byUpdated));
      if (r.source.col === 'work_orders' && r.service_item) {
        withServiceItems([{ ...r }]).then(([x]) => x.expand?.service_item && open.setData((d) => d && d.map((y) => (y.id === r.id && y.source === r.source
          ? { ...y, expand: { ...y.expand, service_item: x.expand.service_item } } : y)))).catch(() => {}); // offline: the description stands
      }
      return;
    }
    const listed = e.step && open.data?.find((x) => x.id === e.id && x.source.col === e.collection);
    if (!listed) { changed(e); return; }
    open.setData((d) => d && d.map((x) => (x.id === e.id && x.source.col === e.collection && String(x.updated) <= e.step.updated ? { ...x, ...e.step } : x))
      .filter((x) => !isTerminal(x.source.col, x.status)).sort(byUpdated));
  };
  useMyTopic(onMessage, { collections: OPEN_SOURCES.map((s) => s.col), onReconnect: open.reload }, [me.id]);
  return html`<section class="card" aria-labelledby="h-open">
    <h2 id="h-open">${t('home.open')}</h2>
    ${open.loading && !open.data ? html`<${Loading} />` : open.error ? html`<${ErrorBox} error=${open.error} retry=${open.reload} />`
      : open.data.length === 0 ? html`<${Empty} />` : html`<ul class="list">${open.data.slice(0, 8).map((r) => html`<li key=${r.id}>
        <a class="item" href=${'#' + r.source.path + r.id}>
          <div class="main"><div class="t">${r.source.title(r)}</div><div class="sub">${t('kind.' + r.source.col)} · ${r.serial} · ${ago(r.updated)}</div></div>
          <${Status} col=${r.source.col} code=${r.status} />
        </a></li>`)}</ul>`}
  </section>`;
}

function BillsDue({ unit }) {
  const due = useAsync(() => pb.collection('bills').getFullList({
    filter: pb.filter('unit = {:u} && (status = "issued" || status = "partially_paid")', { u: unit.id }), fields: 'id,amount_fen,discount_fen,late_fee_fen,paid_fen',
  }), [unit.id]);
  const changed = useCoalesce(() => due.reload(), LIST_WINDOW); // a billing run issues the unit's bills together
  useMyTopic(changed, { collections: ['bills'], onReconnect: due.reload }, [unit.id]);
  const total = (due.data || []).reduce((s, b) => s + Math.max(owed(b), 0), 0);
  return html`<section class="card" aria-labelledby="h-due">
    <h2 id="h-due">${t('home.due')}<span class="aside">${unitName(unit)}</span></h2>
    ${due.loading && !due.data ? html`<${Loading} />` : due.error ? html`<${ErrorBox} error=${due.error} retry=${due.reload} />`
      : total <= 0 ? html`<p class="muted">${t('home.dueNone')}</p>` : html`
      <div class="sum"><span class="big money" data-testid="due-total">${yuan(total)}</span><span class="muted">${t('home.dueCount', { n: due.data.length })}</span></div>
      <div class="actions"><a href="#/bills"><button type="button" class="primary">${t('home.pay')}</button></a></div>`}
  </section>`;
}

function LatestNotices({ unit }) {
  const list = useAsync(() => pb.collection('notices').getList(1, 3, {
    filter: pb.filter('community = {:c}', { c: unit.community }), sort: '-pinned,-published_at',
  }), [unit.community]);
  return html`<section class="card" aria-labelledby="h-notices">
    <h2 id="h-notices">${t('home.notices')}<a class="aside" href="#/notices">${t('home.all')}</a></h2>
    ${list.loading && !list.data ? html`<${Loading} />` : list.error ? html`<${ErrorBox} error=${list.error} retry=${list.reload} />`
      : list.data.items.length === 0 ? html`<${Empty} />` : html`<ul class="list">${list.data.items.map((n) => html`<li key=${n.id}>
        <a class="item" href=${'#/notices/' + n.id}><div class="main"><div class="t">${n.pinned ? html`<span class="chip s-warn">${t('home.pinned')}</span> ` : ''}${n.title}</div>
        <div class="sub">${label('notice_category', n.category)} · <${When} v=${n.published_at} day /></div></div></a></li>`)}</ul>`}
  </section>`;
}

export function Home({ me, unit }) {
  const quick = [['#/complaints/new', 'message', 'home.newComplaint'], ['#/repairs/new', 'wrench', 'home.newRepair'], ['#/renovation/new', 'brush', 'home.newRenovation'], ['#/bills', 'yen', 'nav.bills'], ['#/desk', 'bell', 'pdesk.title']];
  return html`
    <h1>${t('home.hello', { name: me.name })}</h1>
    <p class="muted small">${unitName(unit)} · ${label('relation', unit.relation)}</p>
    <${MoveInCard} me=${me} />
    <${YourTurn} me=${me} />
    <nav class="card quick" aria-label=${t('home.quick')}>
      ${quick.map(([href, ico, key]) => html`<a href=${href}><span><${Icon} name=${ico} /></span>${t(key)}</a>`)}
    </nav>
    <div class="grid2">
      <div><${OpenRequests} me=${me} unit=${unit} /><${BillsDue} unit=${unit} /></div>
      <div><${LatestNotices} unit=${unit} /></div>
    </div>`;
}
