// The complaint board (#/complaints): a community's open complaints for the
// desk, the supervisor and the director (to assign with the first-response
// clock, in hand with the reply deadline, replied and waiting for the
// revisit, hot and major ones together), and "my complaints" for everyone
// else who can be a handler. Registering a complaint and revisiting a
// replied one live on the desk's own screens (desk/intake.js: #/desk,
// desk/revisits.js: #/revisits).
import { html, useState, useEffect } from '../../core/html.js';
import { pb } from '../../core/api.js';
import { t, addMessages, label, choices } from '../../core/i18n.js';
import { ago } from '../../core/format.js';
import { isTerminal } from '../../core/flows.js';
import { Loading, ErrorBox, Empty, Status, Field, useAsync, toast, useNow } from '../../core/ui.js';
import { useCommunityTopic, usePlaceChanged, oldestFirst, BOARD_WINDOW } from '../../core/realtime.js';
import { OPEN, GRADED, EXPAND, UNIT_RE, placeOf, Clock, LevelChip, matches, hotWhy } from './common.js';
import { DESK, COMPLAINT_DESK } from '../roles.js';

addMessages({
  'cp.board': ['投诉处理', 'Complaints'],
  'cp.mineHint': ['派给您处理的投诉：先“开始处理”，处理完填写处理结果“答复住户”。', 'Complaints assigned to you: start work, then reply with the result.'],
  'cp.live': ['实时更新', 'Live'],
  'cp.register': ['登记投诉', 'Register a complaint'],
  'cp.col.received': ['待派单', 'To assign'],
  'cp.col.inHand': ['处理中', 'In hand'],
  'cp.col.replied': ['待回访 / 待关闭', 'To revisit / close'],
  'cp.col.todo': ['待处理', 'To do'],
  'cp.col.done': ['已答复，等待回访', 'Replied, awaiting revisit'],
  'cp.colsLabel': ['投诉分栏', 'Complaint columns'],
  'cp.search': ['查找投诉', 'Find a complaint'],
  'cp.searchHint': ['单号、内容或房号（如 1-102）', 'Number, text or unit (e.g. 1-102)'],
  'cp.category': ['类别', 'Category'],
  'cp.level': ['级别', 'Level'],
  'cp.allCategories': ['全部类别', 'All categories'],
  'cp.allLevels': ['全部级别', 'All levels'],
  'cp.onlyGraded': ['只看热点和重要', 'Hot and major only'],
  'cp.onlyMine': ['只看我处理的', 'Only mine'],
  'cp.graded': ['热点与重要投诉', 'Hot and major complaints'],
  'cp.gradedHint': ['重要、热点、集体投诉已即时通知主管和主任（对客服中心的投诉通知行政人事部和主任）；同一热点组的投诉放在一起。', 'Major, hot and collective complaints were sent to the supervisor and director at once (those about the service center to the administration office and the director); a hot group is shown together.'],
  'cp.hotGroup': ['热点组 · {n} 起', 'Hot group · {n}'],
  'cp.none': ['暂无', 'None'],
  'cp.noMatch': ['没有符合条件的投诉', 'No complaint matches'],
  'cp.past': ['已结束的投诉', 'Finished complaints'],
  'cp.pastNone': ['已结束的投诉中没有找到', 'None among finished complaints'],
  'cp.portal': ['门户', 'Portal'],
  'cp.arrived': ['新投诉 {serial}', 'New complaint {serial}'],
  'cp.handlerIs': ['处理人：{name}', 'Handler: {name}'],
  'cp.reopened': ['重新处理 {n} 次', 'Reopened {n}×'],
});

export function ComplaintBoard({ me, community, query }) {
  // The dashboard may send ?complaint=<id>: open that case.
  const target = query?.get('complaint');
  useEffect(() => { if (target) location.replace('#/complaints/' + encodeURIComponent(target)); }, [target]);
  if (target) return html`<${Loading} />`;
  return COMPLAINT_DESK.includes(me.role)
    ? html`<${DeskBoard} me=${me} community=${community} query=${query} />`
    : html`<${MyComplaints} me=${me} community=${community} query=${query} />`;
}

function Filters({ f, setF, mineToggle }) {
  const set = (k) => (e) => setF({ ...f, [k]: e.target.value });
  return html`<div class="card cp-filters" role="search">
    <${Field} label=${t('cp.search')} hint=${t('cp.searchHint')}>
      <input type="search" name="q" autocomplete="off" value=${f.q} onInput=${set('q')} /><//>
    <${Field} label=${t('cp.category')}>
      <select name="category" value=${f.category} onChange=${set('category')}>
        <option value="">${t('cp.allCategories')}</option>
        ${choices('complaint_category').map((c) => html`<option value=${c.code}>${c.text}</option>`)}
      </select><//>
    <${Field} label=${t('cp.level')}>
      <select name="level" value=${f.level} onChange=${set('level')}>
        <option value="">${t('cp.allLevels')}</option>
        ${choices('complaint_level').map((c) => html`<option value=${c.code}>${c.text}</option>`)}
      </select><//>
    <div class="cp-toggles">
      <label class="inline"><input type="checkbox" checked=${f.graded} onChange=${(e) => setF({ ...f, graded: e.target.checked })} /> ${t('cp.onlyGraded')}</label>
      ${mineToggle && html`<label class="inline"><input type="checkbox" checked=${f.mine} onChange=${(e) => setF({ ...f, mine: e.target.checked })} /> ${t('cp.onlyMine')}</label>`}
    </div>
  </div>`;
}

function useFilters(query) {
  return useState({ q: query?.get('q') || '', category: '', level: '', graded: false, mine: false });
}

const filtering = (f) => !!(f.q.trim() || f.category || f.level || f.graded || f.mine);
const passes = (c, f, me) => matches(c, f.q.trim()) && (!f.category || c.category === f.category) && (!f.level || c.level === f.level)
  && (!f.graded || GRADED.includes(c.level)) && (!f.mine || c.handler === me.id);

/** bySoonest orders a column by a deadline, keeping each hot group together. */
function bySoonest(list, field) {
  const key = (c) => c.hot_group || c.id;
  const first = {};
  for (const c of list) {
    const k = key(c);
    if (!first[k] || (c[field] || '~') < first[k]) first[k] = c[field] || '~';
  }
  return [...list].sort((a, b) => first[key(a)].localeCompare(first[key(b)]) || key(a).localeCompare(key(b)) || String(a[field] || '~').localeCompare(String(b[field] || '~')));
}

function DeskBoard({ me, community, query }) {
  const c = community.id;
  // Sorted here, not by the server (see the dispatch board in desk.js).
  const openHere = pb.filter(`community = {:c} && (${OPEN.map((s) => `status = "${s}"`).join(' || ')})`, { c });
  const data = useAsync(() => pb.collection('complaints').getFullList({
    filter: openHere, expand: EXPAND,
  }).then((list) => list.sort((a, b) => (a.received_at < b.received_at ? -1 : a.received_at > b.received_at ? 1 : 0))), [c]);
  const [fresh, setFresh] = useState([]);
  const [f, setF] = useFilters(query);
  const [tab, setTab] = useState('received');
  const now = useNow(30000);
  // The community's topic says which complaints changed; they are re-read
  // with this desk's own view (anonymity and all), those of a burst in one
  // request (usePlaceChanged, BOARD_WINDOW).
  const changed = usePlaceChanged(data, 'complaints', { expand: EXPAND, where: openHere, keep: (x) => OPEN.includes(x.status) && x.community === c, sort: oldestFirst('received_at'), window: BOARD_WINDOW,
    onPlaced: (events, got) => {
      const arrived = events.filter((e) => e.action === 'create' && got.get(e.id)).map((e) => got.get(e.id));
      if (arrived.length) setFresh((x) => [...x, ...arrived.map((r) => r.id)]);
      for (const r of arrived) toast(t('cp.arrived', { serial: r.serial }));
    } });
  useCommunityTopic(c, 'complaints', changed, { onReconnect: data.reload }, [c]);

  const head = html`<div class="row between"><h1>${t('cp.board')}</h1>
    <span class="row small"><span class="muted"><span class="live-dot" aria-hidden="true"></span>${t('cp.live')}</span>
      ${DESK.includes(me.role) && html`<a href="#/desk">${t('cp.register')}</a>`}<a href="#/revisits">${t('cp.toRevisits')}</a></span></div>`;
  if (data.loading && !data.data) return html`${head}<${Loading} />`;
  if (data.error) return html`${head}<${ErrorBox} error=${data.error} retry=${data.reload} />`;
  const all = data.data || [];
  const shown = all.filter((x) => passes(x, f, me));
  const cols = {
    received: bySoonest(shown.filter((x) => x.status === 'received'), 'first_response_due'),
    inHand: bySoonest(shown.filter((x) => x.status === 'assigned' || x.status === 'processing'), 'reply_due'),
    replied: [...shown.filter((x) => x.status === 'replied' || x.status === 'revisited')].sort((a, b) => String(a.replied_at).localeCompare(String(b.replied_at))),
  };
  const graded = all.filter((x) => GRADED.includes(x.level) && x.status !== 'replied' && x.status !== 'revisited');
  return html`
    ${head}
    <${Filters} f=${f} setF=${setF} mineToggle />
    ${graded.length > 0 && !f.q && html`<${GradedPanel} list=${graded} now=${now} />`}
    <div class="seg cp-tabs" role="group" aria-label=${t('cp.colsLabel')}>
      ${Object.keys(cols).map((k) => html`<button type="button" key=${k} aria-pressed=${tab === k} onClick=${() => setTab(k)}>${t('cp.col.' + k)} ${cols[k].length}</button>`)}
    </div>
    <div class=${'board cp-board show-' + tab}>
      ${Object.entries(cols).map(([k, list]) => html`<section class=${'board-col cp-col col-' + k} key=${k} aria-labelledby=${'cp-col-' + k} data-testid=${'col-' + k}>
        <h2 id=${'cp-col-' + k}>${t('cp.col.' + k)} <span class="count">${list.length}</span>
          ${k === 'replied' && html`<a class="small cp-col-link" href="#/revisits">${t('cp.toRevisits')}</a>`}</h2>
        ${list.length === 0 ? html`<p class="muted small board-empty">${filtering(f) ? t('cp.noMatch') : t('cp.none')}</p>`
          : list.map((x) => html`<${ComplaintCard} key=${x.id} c=${x} now=${now} fresh=${fresh.includes(x.id)} />`)}
      </section>`)}
    </div>
    ${f.q.trim().length >= 2 && html`<${PastSearch} community=${c} q=${f.q.trim()} />`}`;
}

function ComplaintCard({ c, now, fresh, mine }) {
  const late = (c.status === 'received' && c.first_response_overdue) || (['received', 'assigned', 'processing'].includes(c.status) && c.reply_overdue);
  const cls = ['cp-card', GRADED.includes(c.level) ? 'graded' : '', late ? 'over' : '', fresh ? 'fresh' : ''].filter(Boolean).join(' ');
  const handler = c.expand?.handler?.name;
  return html`<article class=${cls} aria-labelledby=${'cp-' + c.id} data-serial=${c.serial}>
    <div class="row between"><a id=${'cp-' + c.id} class="cp-serial" href=${'#/complaints/' + c.id}>${c.serial}</a>
      <span class="row">${c.hot_group && html`<span class="chip cp-hot">${t('cp.hotChip')}</span>`}<${LevelChip} c=${c} /><${Status} col="complaints" code=${c.status} /></span></div>
    <div class="cp-place">${placeOf(c)}${c.channel === 'portal' ? html` <span class="chip s-muted">${t('cp.portal')}</span>` : ''}${c.about_service_center ? html` <span class="chip s-bad">${t('cp.aboutCenter')}</span>` : ''}</div>
    <div class="cp-what"><span class="chip s-muted">${label('complaint_category', c.category)}</span> ${c.content}</div>
    <div class="sub">${ago(c.received_at)}${c.status !== 'received' && !mine ? html` · ${handler ? t('cp.handlerIs', { name: handler }) : t('cp.noHandler')}` : ''}${c.department ? ' · ' + label('department', c.department) : ''}
      ${c.reopen_count > 0 ? html` · <span class="chip s-warn">${t('cp.reopened', { n: c.reopen_count })}</span>` : ''}</div>
    <div class="row">
      ${c.status === 'received' && html`<${Clock} due=${c.first_response_due} flagged=${c.first_response_overdue} now=${now} kind="first" />`}
      ${['received', 'assigned', 'processing'].includes(c.status) && html`<${Clock} due=${c.reply_due} flagged=${c.reply_overdue} now=${now} kind="reply" />`}
    </div>
  </article>`;
}

/** GradedPanel lists the open major, hot and collective complaints, a hot group together. */
function GradedPanel({ list, now }) {
  const groups = [];
  const byKey = {};
  for (const c of [...list].sort((a, b) => String(a.received_at).localeCompare(String(b.received_at)))) {
    const k = c.hot_group || c.id;
    if (!byKey[k]) groups.push((byKey[k] = { key: k, hot: !!c.hot_group, items: [] }));
    byKey[k].items.push(c);
  }
  return html`<section class="card cp-graded" aria-labelledby="h-graded" data-testid="graded">
    <h2 id="h-graded">${t('cp.graded')} <span class="chip s-bad">${list.length}</span></h2>
    <p class="muted small">${t('cp.gradedHint')}</p>
    <div class="cp-groups">${groups.map((g) => html`<div class=${'cp-group' + (g.hot ? ' hot' : '')} key=${g.key}>
      ${g.hot && html`<div class="cp-group-head">${t('cp.hotGroup', { n: g.items.length })} · ${label('complaint_category', g.items[0].category)}${g.items[0].expand?.building?.name ? ' · ' + g.items[0].expand.building.name : ''}
        <div class="small cp-why" data-testid="hot-why">${hotWhy(g.items)}</div></div>`}
      <ul class="list">${g.items.map((c) => html`<li key=${c.id}><a class="item" href=${'#/complaints/' + c.id}>
        <div class="main"><div class="t">${c.serial} · ${placeOf(c)}</div><div class="sub">${label('complaint_category', c.category)} · ${c.content}</div></div>
        <span class="row"><${LevelChip} c=${c} />${c.status === 'received' ? html`<${Clock} due=${c.first_response_due} flagged=${c.first_response_overdue} now=${now} kind="first" />` : html`<${Status} col="complaints" code=${c.status} />`}</span>
      </a></li>`)}</ul>
    </div>`)}</div>
  </section>`;
}

/** PastSearch looks for the search among the community's finished complaints. */
function PastSearch({ community, q }) {
  const [term, setTerm] = useState(q);
  useEffect(() => { const id = setTimeout(() => setTerm(q), 350); return () => clearTimeout(id); }, [q]);
  const found = useAsync(() => {
    const m = term.match(UNIT_RE);
    const any = ['serial ~ {:q}', 'content ~ {:q}', 'location ~ {:q}', 'unit.number = {:q}'];
    if (m) any.push('(unit.building.code = {:b} && unit.number = {:n})');
    return pb.collection('complaints').getList(1, 20, { skipTotal: true,
      filter: pb.filter(`community = {:c} && (status = "closed" || status = "invalid") && (${any.join(' || ')})`, { c: community, q: term, b: m?.[1] || '', n: (m?.[2] || '').toUpperCase() }),
      sort: '-received_at', expand: 'unit.building,building',
    });
  }, [community, term]);
  return html`<section class="card" aria-labelledby="h-past">
    <h2 id="h-past">${t('cp.past')}</h2>
    ${found.loading && !found.data ? html`<${Loading} />` : found.error ? html`<${ErrorBox} error=${found.error} retry=${found.reload} />`
      : found.data.items.length === 0 ? html`<${Empty} text=${t('cp.pastNone')} />` : html`<ul class="list">${found.data.items.map((c) => html`<li key=${c.id}>
        <a class="item" href=${'#/complaints/' + c.id}><div class="main"><div class="t">${c.serial} · ${placeOf(c)}</div>
          <div class="sub">${label('complaint_category', c.category)} · ${c.content}</div></div><${Status} col="complaints" code=${c.status} /></a></li>`)}</ul>`}
  </section>`;
}

/** MyComplaints: everyone else's view, the open complaints they handle. */
function MyComplaints({ me, community, query }) {
  const c = community.id;
  const mine = (r) => r.handler === me.id && !isTerminal('complaints', r.status) && r.community === c;
  const mineHere = pb.filter('community = {:c} && handler = {:me} && status != "closed" && status != "invalid"', { c, me: me.id });
  const data = useAsync(() => pb.collection('complaints').getFullList({
    filter: mineHere, sort: 'reply_due', expand: EXPAND,
  }), [c, me.id]);
  const [f, setF] = useFilters(query);
  const now = useNow(30000);
  // Which complaint changed comes on the community's topic (it may just have
  // been handed to me): those of a burst are re-read in one request,
  // only those I handle (the others come back as not mine), and put in place
  // in the server's order (usePlaceChanged).
  const changed = usePlaceChanged(data, 'complaints', { expand: EXPAND, where: mineHere, keep: mine, sort: oldestFirst('reply_due'), window: BOARD_WINDOW });
  useCommunityTopic(c, 'complaints', changed, { onReconnect: data.reload }, [c, me.id]);

  const head = html`<div class="row between"><h1>${t('cp.mine')}</h1><span class="small muted"><span class="live-dot" aria-hidden="true"></span>${t('cp.live')}</span></div>
    <p class="small muted">${t('cp.mineHint')}</p>`;
  if (data.loading && !data.data) return html`${head}<${Loading} />`;
  if (data.error) return html`${head}<${ErrorBox} error=${data.error} retry=${data.reload} />`;
  const all = data.data || [];
  const shown = all.filter((x) => passes(x, f, me));
  const todo = bySoonest(shown.filter((x) => x.status === 'assigned' || x.status === 'processing'), 'reply_due');
  const done = shown.filter((x) => x.status === 'replied' || x.status === 'revisited');
  const section = (k, list) => html`<section class="card cp-mine" aria-labelledby=${'cp-mine-' + k} data-testid=${'mine-' + k}>
    <h2 id=${'cp-mine-' + k}>${t('cp.col.' + k)} <span class="muted small">${list.length}</span></h2>
    ${list.length === 0 ? html`<${Empty} text=${filtering(f) ? t('cp.noMatch') : t('cp.none')} />`
      : html`<div class="cp-list">${list.map((x) => html`<${ComplaintCard} key=${x.id} c=${x} now=${now} mine />`)}</div>`}
  </section>`;
  return html`${head}
    <${Filters} f=${f} setF=${setF} />
    ${section('todo', todo)}
    ${section('done', done)}`;
}
