// Complaints (投诉) in the staff workspace: the board of a community's open
// complaints for the desk, the supervisor and the director (to assign with
// the first-response clock, in hand with the reply deadline, replied and
// waiting for the revisit, hot and major ones together), "my complaints" for
// everyone else who can be a handler, and one complaint's case: its facts,
// the steps the flow table lets this reader take, the desk's small edits,
// staff-only internal notes and the full timeline with who did what.
// Registering a complaint and revisiting a replied one live on the desk's
// own screens (desk.js: #/desk, #/revisits); this file links to them.
import { html, useState, useEffect, useRef, useMemo } from '../core/html.js';
import { pb, fieldErrors } from '../core/api.js';
import { t, addMessages, label, choices } from '../core/i18n.js';
import { dateTime, ago, unitName, parseDate } from '../core/format.js';
import { stepsFrom, statusLabel, fieldLabel, isTerminal } from '../core/flows.js';
import { Loading, ErrorBox, Empty, Status, Field, Attachments, useAsync, useAction, useRealtime, useCommunityTopic, usePlaceChanged, oldestFirst, BOARD_WINDOW, confirmBox, toast } from '../core/ui.js';

addMessages({
  'cp.board': ['投诉处理', 'Complaints'],
  'cp.mine': ['我处理的投诉', 'Complaints I handle'],
  'cp.mineHint': ['派给您处理的投诉：先“开始处理”，处理完填写处理结果“答复住户”。', 'Complaints assigned to you: start work, then reply with the result.'],
  'cp.live': ['实时更新', 'Live'],
  'cp.register': ['登记投诉', 'Register a complaint'],
  'cp.toRevisits': ['去回访', 'Open revisits'],
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
  'cp.gradedHint': ['重要、热点、集体投诉已即时通知主管和主任；同一热点组的投诉放在一起。', 'Major, hot and collective complaints were sent to the supervisor and director at once; a hot group is shown together.'],
  'cp.hotGroup': ['热点组 · {n} 起', 'Hot group · {n}'],
  'cp.hotChip': ['热点组', 'Hot group'],
  'cp.none': ['暂无', 'None'],
  'cp.noMatch': ['没有符合条件的投诉', 'No complaint matches'],
  'cp.past': ['已结束的投诉', 'Finished complaints'],
  'cp.pastNone': ['已结束的投诉中没有找到', 'None among finished complaints'],
  'cp.anonymous': ['匿名', 'Anonymous'],
  'cp.anonymousChip': ['匿名投诉', 'Anonymous'],
  'cp.anonymousKnown': ['住户要求对其他员工匿名：请勿转告姓名、电话和房号', 'The complainant asked to stay anonymous to other staff: do not pass on the name, phone or unit'],
  'cp.aboutCenter': ['投诉客服中心', 'About the service center'],
  'cp.portal': ['门户', 'Portal'],
  'cp.arrived': ['新投诉 {serial}', 'New complaint {serial}'],
  'cp.firstLeft': ['首次回应剩 {t}', 'first response in {t}'],
  'cp.firstOver': ['首次回应超时 {t}', 'first response {t} late'],
  'cp.replyLeft': ['答复剩 {t}', 'reply in {t}'],
  'cp.replyOver': ['答复超时 {t}', 'reply {t} late'],
  'cp.flagged': ['已升级', 'escalated'],
  'cp.handlerIs': ['处理人：{name}', 'Handler: {name}'],
  'cp.noHandler': ['未指定处理人', 'No handler'],
  'cp.reopened': ['重新处理 {n} 次', 'Reopened {n}×'],
  'cp.dur.m': ['{m} 分钟', '{m} min'],
  'cp.dur.h': ['{h} 小时 {m} 分', '{h} h {m} min'],
  'cp.dur.d': ['{d} 天 {h} 小时', '{d} d {h} h'],

  'case.back': ['← 投诉处理', '← Complaints'],
  'case.backField': ['← 我的工单', '← My orders'],
  'case.live': ['实时更新', 'Live'],
  'case.details': ['投诉信息', 'Details'],
  'case.channel': ['来源', 'Channel'],
  'case.category': ['类别', 'Category'],
  'case.level': ['级别', 'Level'],
  'case.place': ['房屋 / 地点', 'Unit / place'],
  'case.contact': ['联系人', 'Contact'],
  'case.call': ['拨打', 'Call'],
  'case.content': ['投诉内容', 'Complaint'],
  'case.received': ['受理时间', 'Received'],
  'case.receiver': ['受理人', 'Received by'],
  'case.firstDue': ['首次回应期限', 'First response due'],
  'case.replyDue': ['答复期限', 'Reply due'],
  'case.respondedAt': ['已于 {at} 回应', 'Responded {at}'],
  'case.repliedAt': ['已于 {at} 答复', 'Replied {at}'],
  'case.wasLate': ['曾超时', 'was late'],
  'case.overdue': ['已超时，已升级主管', 'Overdue, escalated'],
  'case.handler': ['处理人', 'Handler'],
  'case.department': ['处理部门', 'Department'],
  'case.result': ['处理结果', 'Result'],
  'case.satisfaction': ['满意度', 'Satisfaction'],
  'case.revisitNote': ['回访记录', 'Revisit note'],
  'case.reopens': ['重新处理次数', 'Reopened'],
  'case.invalidReason': ['无效原因', 'Reason invalid'],
  'case.subjectStaff': ['被投诉员工', 'Staff concerned'],
  'case.attachments': ['附件', 'Attachments'],
  'case.siblings': ['同一热点组的投诉', 'Same hot group'],
  'case.next': ['下一步', 'Next step'],
  'case.noStep': ['当前状态下您没有可执行的步骤。', 'There is no step for you at this stage.'],
  'case.frozen': ['投诉已结束，不能再修改。', 'This complaint is finished and can no longer change.'],
  'case.elsewhere': ['回访和关闭在“回访”页办理。', 'Revisits and closing are done on the Revisits page.'],
  'case.step.assigned': ['派单', 'Assign'],
  'case.step.processing': ['开始处理', 'Start work'],
  'case.step.replied': ['答复住户', 'Reply'],
  'case.step.invalid': ['判为无效投诉', 'Mark invalid'],
  'case.stepOpen.invalid': ['判为无效投诉…', 'Mark invalid…'],
  'case.confirm.assigned': ['把 {serial} 派给 {name}？', 'Assign {serial} to {name}?'],
  'case.confirmBody.assigned': ['处理人会立即收到通知。', 'The handler is notified at once.'],
  'case.confirm.processing': ['开始处理 {serial}？', 'Start work on {serial}?'],
  'case.confirmBody.processing': ['状态改为“处理中”，记入进度。', 'The status becomes “processing” and is recorded.'],
  'case.confirm.replied': ['答复 {serial}？', 'Reply on {serial}?'],
  'case.confirmBody.replied': ['处理结果会告知住户，之后由前台回访。', 'The result is told to the complainant; the desk then revisits.'],
  'case.confirm.invalid': ['把 {serial} 判为无效投诉？', 'Mark {serial} invalid?'],
  'case.confirmBody.invalid': ['无效投诉即告结束、不能恢复，原因记入进度并单独统计。', 'It is closed for good; the reason is recorded and counted separately.'],
  'case.done.assigned': ['{serial} 已派给 {name}', '{serial} assigned to {name}'],
  'case.done.processing': ['{serial} 已开始处理', 'Work started on {serial}'],
  'case.done.replied': ['{serial} 已答复', '{serial} replied'],
  'case.done.invalid': ['{serial} 已判为无效投诉', '{serial} marked invalid'],
  'case.pickHandler': ['选择处理人', 'Choose a handler'],
  'case.pickDept': ['选择部门', 'Choose a department'],
  'case.resultHint': ['住户会看到这段处理结果', 'The complainant reads this result'],
  'case.saveDraft': ['保存草稿', 'Save draft'],
  'case.draftSaved': ['处理结果草稿已保存', 'Draft saved'],
  'case.edit': ['修改投诉信息', 'Edit details'],
  'case.editHint': ['更正类别、级别、部门、处理人或联系方式；每次修改都记入进度。', 'Correct the category, level, department, handler or contact; every change is recorded.'],
  'case.editSaved': ['已保存修改', 'Changes saved'],
  'case.editNothing': ['没有修改', 'Nothing changed'],
  'case.gradedNote': ['改为重要、热点或集体会立即通知主管和主任。', 'Grading it major, hot or collective notifies the supervisor and director.'],
  'case.notes': ['内部备注', 'Internal notes'],
  'case.notesHint': ['只有员工能看到，住户永远看不到。', 'Staff only; never shown to residents.'],
  'case.noteLabel': ['新备注', 'New note'],
  'case.addNote': ['添加备注', 'Add note'],
  'case.noteAdded': ['备注已添加', 'Note added'],
  'case.noNotes': ['还没有内部备注', 'No internal notes yet'],
  'case.timeline': ['进度（全部记录）', 'Timeline (complete)'],
  'case.system': ['系统', 'System'],
  'case.resident': ['住户', 'Resident'],
  'case.ev.create': ['登记投诉', 'Registered'],
  'case.ev.update': ['修改信息', 'Details changed'],
  'case.ev.hot': ['归入热点组', 'Grouped as hot'],
  'case.ev.reopen': ['回访不满意，重新处理', 'Reopened after an unsatisfied revisit'],
  'case.ev.overdue_first_response': ['首次回应超时，已升级主管', 'First response overdue, escalated'],
  'case.ev.overdue_reply': ['答复超时，已升级主管', 'Reply overdue, escalated'],
  'case.sep': ['、', ', '],
  'case.choose': ['请选择', 'Choose…'],
});

const DESK_ROLES = ['front_desk', 'supervisor', 'director'];
const OPEN = ['received', 'assigned', 'processing', 'replied', 'revisited'];
const GRADED = ['major', 'hot', 'collective'];
const EXPAND = 'unit.building,building,handler';
const CASE_EXPAND = 'unit.building,building,handler,receiver,subject_staff';
// The department a handler usually works for, to pre-fill the assignment.
const DEPT_BY_ROLE = { engineer: 'engineering', technician: 'engineering', security: 'security' };
const UNIT_RE = /^([A-Za-z0-9]{1,6})\s*(?:-|－|栋|#|号楼|\s)\s*([A-Za-z0-9]{1,8})$/;

/** useNow re-renders every ms milliseconds and returns the time. */
function useNow(ms) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => { const id = setInterval(() => setNow(Date.now()), ms); return () => clearInterval(id); }, [ms]);
  return now;
}

/** useSoon debounces a reload: a burst of realtime events fetches once. */
function useSoon(fn) {
  const timer = useRef();
  const cb = useRef(fn);
  cb.current = fn;
  useEffect(() => () => clearTimeout(timer.current), []);
  return () => { clearTimeout(timer.current); timer.current = setTimeout(() => cb.current(), 200); };
}

/** hidden: an anonymous complaint the server withholds the complainant of. */
const hidden = (c) => !('contact_name' in c);

/** placeOf names where a complaint is about: the unit, a place, or 匿名. */
function placeOf(c) {
  if (c.expand?.unit) return unitName(c.expand.unit);
  if (c.location) return c.location;
  if (hidden(c) && c.anonymous) return t('cp.anonymous');
  return c.expand?.building?.name || '';
}

/** span: a duration in minutes, hours or days. */
function span(ms) {
  const m = Math.floor(Math.abs(ms) / 60000);
  if (m < 60) return t('cp.dur.m', { m });
  const h = Math.floor(m / 60);
  if (h < 48) return t('cp.dur.h', { h, m: m % 60 });
  return t('cp.dur.d', { d: Math.floor(h / 24), h: h % 24 });
}

/** Clock counts down to a deadline; red once past it or flagged overdue. */
function Clock({ due, flagged, now, kind }) {
  const d = parseDate(due);
  if (!d) return null;
  const left = d.getTime() - now;
  const over = flagged || left < 0;
  const cls = 'clock' + (over ? ' over' : left < 2 * 3600 * 1000 ? ' soon' : '');
  return html`<span class=${cls} role="timer" title=${dateTime(due)}>
    ${t(over ? `cp.${kind}Over` : `cp.${kind}Left`, { t: span(left) })}${flagged ? ` · ${t('cp.flagged')}` : ''}</span>`;
}

function LevelChip({ c }) {
  if (!c.level || c.level === 'general') return null;
  return html`<span class=${'chip cp-level-' + c.level}>${label('complaint_level', c.level)}</span>`;
}

/** matches: the search box's test, by serial, content, unit or place. */
function matches(c, q) {
  if (!q) return true;
  const s = q.toLowerCase();
  const u = c.expand?.unit;
  const code = u?.expand?.building?.code;
  const hay = [c.serial, c.content, c.location, placeOf(c), u?.number, code && u ? `${code}-${u.number}` : ''].filter(Boolean).join(' ').toLowerCase();
  if (hay.includes(s)) return true;
  const m = q.match(UNIT_RE);
  return !!(m && u && code && code.toLowerCase() === m[1].toLowerCase() && u.number.toLowerCase() === m[2].toLowerCase());
}

// --- the board ------------------------------------------------------------------

export function ComplaintBoard({ me, community, query }) {
  // The dashboard may send ?complaint=<id>: open that case.
  const target = query?.get('complaint');
  useEffect(() => { if (target) location.replace('#/complaints/' + encodeURIComponent(target)); }, [target]);
  if (target) return html`<${Loading} />`;
  return DESK_ROLES.includes(me.role)
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
      <a href="#/desk">${t('cp.register')}</a><a href="#/revisits">${t('cp.toRevisits')}</a></span></div>`;
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
      ${g.hot && html`<div class="cp-group-head">${t('cp.hotGroup', { n: g.items.length })} · ${label('complaint_category', g.items[0].category)}${g.items[0].expand?.building?.name ? ' · ' + g.items[0].expand.building.name : ''}</div>`}
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

// --- one complaint ------------------------------------------------------------------

export function ComplaintCase({ me, community, params }) {
  const id = params.id;
  const rec = useAsync(() => pb.collection('complaints').getOne(id, { expand: CASE_EXPAND }), [id]);
  useRealtime('complaints', id, (e) => { if (e.action !== 'delete') rec.setData(e.record); }, { expand: CASE_EXPAND, onReconnect: rec.reload }, [id]);
  const back = me.role === 'technician' ? html`<p><a href="#/field">${t('case.backField')}</a></p>` : html`<p><a href="#/complaints">${t('case.back')}</a></p>`;
  if (rec.loading && !rec.data) return html`${back}<${Loading} />`;
  if (rec.error) return html`${back}<${ErrorBox} error=${rec.error} retry=${rec.reload} />`;
  const c = rec.data;
  const actors = [me.role, ...(c.handler === me.id ? ['handler'] : [])];
  const desk = DESK_ROLES.includes(me.role);
  const terminal = isTerminal('complaints', c.status);
  return html`
    ${back}
    <div class="cp-case">
      <div class="cp-main">
        <${Facts} c=${c} me=${me} />
        <${StepsPanel} c=${c} me=${me} community=${community} actors=${actors} onSaved=${rec.setData} />
        ${desk && !terminal && html`<${EditPanel} c=${c} community=${community} onSaved=${rec.setData} />`}
        ${c.hot_group && html`<${Siblings} c=${c} />`}
      </div>
      <div class="cp-side">
        <${Notes} c=${c} me=${me} />
        <section class="card" aria-labelledby="h-timeline"><h2 id="h-timeline">${t('case.timeline')}</h2>
          <${StaffTimeline} id=${c.id} version=${c.updated} /></section>
      </div>
    </div>`;
}

function Deadline({ due, doneAt, doneKey, flagged, now, kind, open }) {
  if (!due) return html`<span class="muted">—</span>`;
  return html`<span class="row">${dateTime(due)}
    ${doneAt ? html`<span class="chip s-ok cp-done">${t(doneKey, { at: dateTime(doneAt) })}</span>${flagged ? html`<span class="chip s-bad">${t('case.wasLate')}</span>` : ''}`
      : open ? html`<${Clock} due=${due} flagged=${flagged} now=${now} kind=${kind} />` : flagged ? html`<span class="chip s-bad">${t('case.overdue')}</span>` : ''}</span>`;
}

function Facts({ c, me }) {
  const now = useNow(30000);
  const veiled = hidden(c) && c.anonymous;
  const open = !isTerminal('complaints', c.status);
  const staffName = (s) => (s ? `${s.name}（${label('role', s.role)}）` : '');
  return html`<section class="card cp-facts" aria-labelledby="h-case">
    <div class="row between"><h1 id="h-case">${c.serial}</h1>
      <span class="row" data-testid="case-status">${c.hot_group && html`<span class="chip cp-hot">${t('cp.hotChip')}</span>`}<${LevelChip} c=${c} /><${Status} col="complaints" code=${c.status} /></span></div>
    <p class="small muted"><span class="live-dot" aria-hidden="true"></span>${t('case.live')}</p>
    ${c.anonymous && html`<p class="cp-anon small"><span class="chip s-warn">${t('cp.anonymousChip')}</span> ${veiled ? '' : t('cp.anonymousKnown')}</p>`}
    ${c.about_service_center && html`<p><span class="chip s-bad">${t('cp.aboutCenter')}</span>${c.expand?.subject_staff ? html` <span class="small">${t('case.subjectStaff')}：${c.expand.subject_staff.name}</span>` : ''}</p>`}
    <h2 class="cp-content-h">${t('case.content')}</h2>
    <p class="cp-content">${c.content}</p>
    <${Attachments} record=${c} field="attachments" />
    <dl class="kv">
      <dt>${t('case.channel')}</dt><dd>${label('complaint_channel', c.channel)}</dd>
      <dt>${t('case.category')}</dt><dd>${label('complaint_category', c.category)}</dd>
      <dt>${t('case.level')}</dt><dd>${label('complaint_level', c.level)}</dd>
      <dt>${t('case.place')}</dt><dd data-testid="case-place">${placeOf(c) || '—'}</dd>
      <dt>${t('case.contact')}</dt><dd data-testid="case-contact">${veiled ? t('cp.anonymous')
        : html`${c.contact_name}${c.contact_phone ? html` · <a href=${'tel:' + c.contact_phone} aria-label=${t('case.call') + ' ' + c.contact_phone}>${c.contact_phone}</a>` : ''}`}</dd>
      <dt>${t('case.received')}</dt><dd>${dateTime(c.received_at)}</dd>
      ${c.expand?.receiver && html`<dt>${t('case.receiver')}</dt><dd>${c.expand.receiver.name}</dd>`}
      <dt>${t('case.firstDue')}</dt><dd><${Deadline} due=${c.first_response_due} doneAt=${c.first_responded_at} doneKey="case.respondedAt" flagged=${c.first_response_overdue} now=${now} kind="first" open=${c.status === 'received'} /></dd>
      <dt>${t('case.replyDue')}</dt><dd><${Deadline} due=${c.reply_due} doneAt=${c.replied_at} doneKey="case.repliedAt" flagged=${c.reply_overdue} now=${now} kind="reply" open=${open && !c.replied_at} /></dd>
      <dt>${t('case.handler')}</dt><dd data-testid="case-handler">${c.handler ? (staffName(c.expand?.handler) || '—') : t('cp.noHandler')}${c.handler === me.id ? html` <span class="chip s-muted">${t('cp.mine')}</span>` : ''}</dd>
      <dt>${t('case.department')}</dt><dd>${c.department ? label('department', c.department) : '—'}</dd>
      ${c.result && html`<dt>${t('case.result')}</dt><dd class="cp-pre" data-testid="case-result">${c.result}</dd>`}
      ${c.satisfaction && html`<dt>${t('case.satisfaction')}</dt><dd>${label('satisfaction', c.satisfaction)}</dd>`}
      ${c.revisit_note && html`<dt>${t('case.revisitNote')}</dt><dd>${c.revisit_note}</dd>`}
      ${c.reopen_count > 0 && html`<dt>${t('case.reopens')}</dt><dd><span class="chip s-warn">${c.reopen_count}</span></dd>`}
      ${c.invalid_reason && html`<dt>${t('case.invalidReason')}</dt><dd class="cp-pre">${c.invalid_reason}</dd>`}
    </dl>
  </section>`;
}

/** useStaff lists the community's active staff, for the handler picker. */
function useStaff(community) {
  return useAsync(() => (!community ? Promise.resolve([]) : pb.collection('staff').getFullList({
    filter: pb.filter('active = true && communities.id ?= {:c}', { c: community }), sort: 'name', fields: 'id,name,role',
  })), [community]);
}

const ROLE_ORDER = ['area_manager', 'engineer', 'security', 'front_desk', 'supervisor', 'director', 'technician', 'cashier'];

function HandlerSelect({ staff, value, onChange, blank, id }) {
  const byRole = ROLE_ORDER.map((r) => [r, staff.filter((s) => s.role === r)]).filter(([, l]) => l.length);
  return html`<select id=${id} name="handler" value=${value} onChange=${(e) => onChange(e.target.value)}>
    ${blank && html`<option value="">${t('case.pickHandler')}</option>`}
    ${byRole.map(([r, l]) => html`<optgroup label=${label('role', r)}>${l.map((s) => html`<option value=${s.id}>${s.name}（${label('role', s.role)}）</option>`)}</optgroup>`)}
  </select>`;
}

function DeptSelect({ value, onChange, blank }) {
  return html`<select name="department" value=${value} onChange=${(e) => onChange(e.target.value)}>
    ${blank && html`<option value="">${t('case.pickDept')}</option>`}
    ${choices('department').map((d) => html`<option value=${d.code}>${d.text}</option>`)}
  </select>`;
}

function StepsPanel({ c, me, community, actors, onSaved }) {
  const steps = stepsFrom('complaints', c.status, actors);
  // Revisiting and closing are the desk's revisit queue's (desk.js).
  const here = steps.filter((s) => s.to !== 'revisited' && s.to !== 'closed');
  const elsewhere = steps.length > here.length;
  const needsStaff = here.some((s) => [...(s.requires || []), ...(s.extras || [])].includes('handler'));
  const staff = useStaff(needsStaff ? community.id : '');
  const draft = c.status === 'processing' && actors.includes('handler') && !DESK_ROLES.includes(me.role);
  const terminal = isTerminal('complaints', c.status);
  return html`<section class="card cp-steps" aria-labelledby="h-steps" data-testid="case-steps">
    <h2 id="h-steps">${t('case.next')}</h2>
    ${terminal ? html`<p class="muted">${t('case.frozen')}</p>`
      : steps.length === 0 ? html`<p class="muted">${t('case.noStep')}</p>` : ''}
    ${needsStaff && staff.error && html`<${ErrorBox} error=${staff.error} retry=${staff.reload} />`}
    ${here.map((s) => html`<${StepForm} key=${s.to} step=${s} c=${c} staff=${staff.data || []} draft=${draft && s.to === 'replied'} onSaved=${onSaved} />`)}
    ${elsewhere && html`<p class="small">${t('case.elsewhere')} <a href="#/revisits">${t('cp.toRevisits')}</a></p>`}
  </section>`;
}

/** StepForm is one step's button with inline inputs for what it requires or takes along. */
function StepForm({ step, c, staff, draft, onSaved }) {
  const fields = [...(step.requires || []), ...(step.extras || [])];
  const [open, setOpen] = useState(step.to !== 'invalid');
  const [form, setForm] = useState({ handler: '', department: '', result: c.result || '', invalid_reason: '' });
  const act = useAction();
  const draftAct = useAction();
  useEffect(() => setForm((f) => ({ ...f, result: f.result || c.result || '' })), [c.result]);
  const set = (k) => (v) => setForm((f) => {
    const next = { ...f, [k]: v };
    // A handler's usual department, unless the desk chose one already.
    if (k === 'handler' && !f.department) next.department = DEPT_BY_ROLE[staff.find((s) => s.id === v)?.role] || (v ? 'service_center' : '');
    return next;
  });
  const missing = (step.requires || []).some((k) => !String(form[k] || '').trim());
  const handlerName = staff.find((s) => s.id === form.handler)?.name || '';
  const submit = async (e) => {
    e.preventDefault();
    if (missing) return;
    const vars = { serial: c.serial, name: handlerName };
    if (!(await confirmBox({ title: t('case.confirm.' + step.to, vars), body: t('case.confirmBody.' + step.to), ok: t('case.step.' + step.to), danger: step.to === 'invalid' }))) return;
    const body = { status: step.to };
    for (const k of fields) {
      const v = String(form[k] ?? '').trim();
      if (v || (step.requires || []).includes(k)) body[k] = v;
    }
    const saved = await act.run(() => pb.collection('complaints').update(c.id, body, { expand: CASE_EXPAND }));
    if (saved) { toast(t('case.done.' + step.to, vars)); onSaved(saved); }
  };
  const saveDraft = async () => {
    const saved = await draftAct.run(() => pb.collection('complaints').update(c.id, { result: form.result.trim() }, { expand: CASE_EXPAND }));
    if (saved) { toast(t('case.draftSaved')); onSaved(saved); }
  };
  const errs = { ...fieldErrors(draftAct.error), ...fieldErrors(act.error) };
  const req = (k) => (step.requires || []).includes(k);
  if (!open) return html`<div class="cp-step"><button type="button" class="danger" onClick=${() => setOpen(true)}>${t('case.stepOpen.' + step.to)}</button></div>`;
  return html`<form class=${'stack cp-step step-' + step.to} onSubmit=${submit} novalidate aria-label=${t('case.step.' + step.to)}>
    ${fields.includes('handler') && html`<${Field} label=${fieldLabel('handler')} required=${req('handler')} error=${errs.handler}>
      <${HandlerSelect} staff=${staff} value=${form.handler} onChange=${set('handler')} blank /><//>`}
    ${fields.includes('department') && html`<${Field} label=${fieldLabel('department')} required=${req('department')} error=${errs.department}>
      <${DeptSelect} value=${form.department} onChange=${set('department')} blank /><//>`}
    ${fields.includes('result') && html`<${Field} label=${fieldLabel('result')} required=${req('result')} hint=${t('case.resultHint')} error=${errs.result}>
      <textarea name="result" maxlength="5000" rows="4" value=${form.result} onInput=${(e) => set('result')(e.target.value)}></textarea><//>`}
    ${fields.includes('invalid_reason') && html`<${Field} label=${fieldLabel('invalid_reason')} required=${req('invalid_reason')} error=${errs.invalid_reason}>
      <input type="text" name="invalid_reason" maxlength="1000" value=${form.invalid_reason} onInput=${(e) => set('invalid_reason')(e.target.value)} /><//>`}
    ${errs.status && html`<small class="field-error" role="alert">${errs.status}</small>`}
    <${ErrorBox} error=${act.error || draftAct.error} />
    <div class="row">
      ${step.to === 'invalid' && html`<button type="button" class="ghost" onClick=${() => setOpen(false)}>${t('cancel')}</button>`}
      ${draft && html`<button type="button" disabled=${draftAct.busy || act.busy} onClick=${saveDraft}>${t('case.saveDraft')}</button>`}
      <button class=${step.to === 'invalid' ? 'danger' : 'primary'} disabled=${act.busy || missing}>${act.busy ? t('submitting') : t('case.step.' + step.to)}</button>
    </div>
  </form>`;
}

/** EditPanel: the desk corrects what the flow lets it change without a step. */
function EditPanel({ c, community, onSaved }) {
  const visible = !hidden(c);
  const canHandler = c.status === 'assigned' || c.status === 'processing';
  const init = { category: c.category || '', level: c.level || '', department: c.department || '', handler: c.handler || '', contact_name: c.contact_name || '', contact_phone: c.contact_phone || '' };
  const [form, setForm] = useState(init);
  const [open, setOpen] = useState(false);
  useEffect(() => setForm(init), [c.updated]);
  const staff = useStaff(open && canHandler ? community.id : '');
  const act = useAction();
  const set = (k) => (e) => setForm({ ...form, [k]: e.target ? e.target.value : e });
  const keys = ['category', 'level', 'department', ...(canHandler ? ['handler'] : []), ...(visible ? ['contact_name', 'contact_phone'] : [])];
  const submit = async (e) => {
    e.preventDefault();
    const body = {};
    for (const k of keys) if (String(form[k]).trim() !== init[k]) body[k] = String(form[k]).trim();
    if (!Object.keys(body).length) { toast(t('case.editNothing')); return; }
    const saved = await act.run(() => pb.collection('complaints').update(c.id, body, { expand: CASE_EXPAND }));
    if (saved) { toast(t('case.editSaved')); onSaved(saved); setOpen(false); }
  };
  const errs = fieldErrors(act.error);
  return html`<details class="card cp-edit" open=${open} onToggle=${(e) => setOpen(e.currentTarget.open)}>
    <summary><h2>${t('case.edit')}</h2></summary>
    ${open && html`<form class="stack" onSubmit=${submit} novalidate aria-label=${t('case.edit')}>
      <p class="small muted">${t('case.editHint')}</p>
      <div class="grid2">
        <${Field} label=${t('case.category')} error=${errs.category}>
          <select name="category" value=${form.category} onChange=${set('category')}>
            ${choices('complaint_category').map((x) => html`<option value=${x.code}>${x.text}</option>`)}</select><//>
        <${Field} label=${t('case.level')} error=${errs.level} hint=${!GRADED.includes(init.level) && GRADED.includes(form.level) ? t('case.gradedNote') : ''}>
          <select name="level" value=${form.level} onChange=${set('level')}>
            ${choices('complaint_level').map((x) => html`<option value=${x.code}>${x.text}</option>`)}</select><//>
        <${Field} label=${t('case.department')} error=${errs.department}>
          <${DeptSelect} value=${form.department} onChange=${set('department')} blank=${!init.department} /><//>
        ${canHandler && html`<${Field} label=${t('case.handler')} error=${errs.handler}>
          ${staff.error ? html`<${ErrorBox} error=${staff.error} retry=${staff.reload} />`
            : html`<${HandlerSelect} staff=${staff.data || (c.expand?.handler ? [c.expand.handler] : [])} value=${form.handler} onChange=${set('handler')} />`}<//>`}
        ${visible && html`<${Field} label=${fieldLabel('contact_name')} error=${errs.contact_name}>
          <input type="text" name="contact_name" maxlength="50" value=${form.contact_name} onInput=${set('contact_name')} /><//>
        <${Field} label=${fieldLabel('contact_phone')} error=${errs.contact_phone}>
          <input type="tel" name="contact_phone" maxlength="20" value=${form.contact_phone} onInput=${set('contact_phone')} /><//>`}
      </div>
      <${ErrorBox} error=${act.error} />
      <div class="row end"><button class="primary" disabled=${act.busy}>${act.busy ? t('submitting') : t('save')}</button></div>
    </form>`}
  </details>`;
}

/** Siblings lists the other complaints of the same hot group. */
function Siblings({ c }) {
  const list = useAsync(() => pb.collection('complaints').getFullList({
    filter: pb.filter('hot_group = {:g} && id != {:id}', { g: c.hot_group, id: c.id }), sort: 'received_at', expand: 'unit.building,building',
  }), [c.hot_group, c.id]);
  return html`<section class="card" aria-labelledby="h-siblings" data-testid="siblings">
    <h2 id="h-siblings">${t('case.siblings')}</h2>
    ${list.loading && !list.data ? html`<${Loading} />` : list.error ? html`<${ErrorBox} error=${list.error} retry=${list.reload} />`
      : list.data.length === 0 ? html`<${Empty} />` : html`<ul class="list">${list.data.map((x) => html`<li key=${x.id}>
        <a class="item" href=${'#/complaints/' + x.id}><div class="main"><div class="t">${x.serial} · ${placeOf(x)}</div><div class="sub">${x.content}</div></div>
          <${Status} col="complaints" code=${x.status} /></a></li>`)}</ul>`}
  </section>`;
}

/** Notes: the staff-only internal notes of a complaint (complaint_notes). */
function Notes({ c, me }) {
  const filter = pb.filter('complaint = {:id}', { id: c.id });
  const notes = useAsync(() => pb.collection('complaint_notes').getFullList({ filter, sort: 'created', expand: 'author' }), [c.id]);
  const soon = useSoon(() => notes.reload());
  useRealtime('complaint_notes', '*', soon, { filter, onReconnect: notes.reload }, [c.id]);
  const [text, setText] = useState('');
  const act = useAction();
  const submit = async (e) => {
    e.preventDefault();
    const saved = await act.run(() => pb.collection('complaint_notes').create({ complaint: c.id, author: me.id, note: text.trim() }, { expand: 'author' }));
    if (saved) {
      setText('');
      toast(t('case.noteAdded'));
      notes.setData((l) => [...(l || []).filter((n) => n.id !== saved.id), saved]);
    }
  };
  const errs = fieldErrors(act.error);
  return html`<section class="card cp-notes" aria-labelledby="h-notes" data-testid="notes">
    <h2 id="h-notes">${t('case.notes')}</h2>
    <p class="small muted">${t('case.notesHint')}</p>
    ${notes.loading && !notes.data ? html`<${Loading} />` : notes.error ? html`<${ErrorBox} error=${notes.error} retry=${notes.reload} />`
      : notes.data.length === 0 ? html`<${Empty} text=${t('case.noNotes')} />` : html`<ul class="list cp-note-list">${notes.data.map((n) => html`<li key=${n.id}>
        <div class="cp-note"><div class="cp-pre">${n.note}</div><div class="sub">${n.expand?.author?.name || ''} · ${dateTime(n.created)}</div></div></li>`)}</ul>`}
    <form class="stack" onSubmit=${submit} novalidate aria-label=${t('case.addNote')}>
      <${Field} label=${t('case.noteLabel')} error=${errs.note}>
        <textarea name="note" maxlength="2000" rows="2" value=${text} onInput=${(e) => setText(e.target.value)}></textarea><//>
      <${ErrorBox} error=${act.error} />
      <div class="row end"><button class="primary" disabled=${act.busy || !text.trim()}>${t('case.addNote')}</button></div>
    </form>
  </section>`;
}

// --- the timeline, every event with who did it ------------------------------------

function eventText(e) {
  if (e.action === 'create') return t('case.ev.create');
  if (e.action === 'status') return e.from ? `${statusLabel('complaints', e.from)} → ${statusLabel('complaints', e.to)}` : statusLabel('complaints', e.to);
  const k = 'case.ev.' + e.action;
  return t(k) === k ? e.action : t(k);
}

function eventNote(e) {
  if (!e.note) return '';
  if (e.action === 'update') return e.note.replace(/^\[|\]$/g, '').split(/\s+/).filter(Boolean).map(fieldLabel).join(t('case.sep'));
  if (e.action === 'hot') return '';
  if (e.action === 'status' && e.to === 'revisited') return label('satisfaction', e.note) || e.note;
  return e.note;
}

function actorOf(e) {
  const s = e.expand?.actor_staff;
  if (s) return `${s.name}（${label('role', s.role)}）`;
  if (e.expand?.actor_resident) return `${e.expand.actor_resident.name}（${t('case.resident')}）`;
  if (e.actor_resident) return t('case.resident');
  if (!e.actor_staff && (e.action.startsWith('overdue_') || e.action === 'hot')) return t('case.system');
  return '';
}

function StaffTimeline({ id, version }) {
  const ev = useAsync(() => pb.collection('events').getFullList({
    filter: pb.filter('subject_collection = "complaints" && subject_id = {:id}', { id }), sort: 'created', expand: 'actor_staff,actor_resident',
  }), [id, version]);
  const list = useMemo(() => ev.data || [], [ev.data]);
  if (ev.loading && !ev.data) return html`<${Loading} />`;
  if (ev.error) return html`<${ErrorBox} error=${ev.error} retry=${ev.reload} />`;
  if (!list.length) return html`<${Empty} />`;
  return html`<ol class="timeline cp-timeline" data-testid="timeline">${list.map((e) => {
    const note = eventNote(e);
    const who = actorOf(e);
    return html`<li key=${e.id} class=${e.action.startsWith('overdue_') ? 'over' : ''}>
      <div>${eventText(e)}${note && html` <span class="small muted cp-pre">${note}</span>`}</div>
      <div class="when">${dateTime(e.created)}${who ? ' · ' + who : ''}</div>
    </li>`;
  })}</ol>`;
}
