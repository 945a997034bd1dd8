// The area manager's day (管理员工作规程 [002] 3.1, 3.2, 3.8; docs/DESIGN.md
// § Renovation, § Vacant units and keys, § Fees): renovation sites to inspect, vacant
// units to patrol (with the checklist, sign-in and any finding), reminder
// notices to hand out (待送达), their arrears home visits with the outcome to
// record, and overdue key loans. A supervisor or the director sees every
// area's rounds, and their own step of the home visits ([000] 管理员 4.1.3).
import { html, useState } from '../core/html.js';
import { pb, fieldErrors } from '../core/api.js';
import { t, addMessages, label, choices } from '../core/i18n.js';
import { date, today, yuan, unitName, dateTime, owed } from '../core/format.js';
import { Loading, ErrorBox, Empty, Status, Field, FilePicker, useAsync, useAction, toast, confirmBox, formData } from '../core/ui.js';
import { useRealtime } from '../core/realtime.js';
import { pct } from './dashboard/common.js';

addMessages({
  'rounds.title': ['今日巡查', "Today's rounds"],
  'rounds.sites': ['装修工地巡查', 'Renovation sites'],
  'rounds.sitesHint': ['在施工的房屋每天巡查一次', 'Every unit under renovation is inspected daily'],
  'rounds.inspected': ['今日已巡查', 'Inspected today'],
  'rounds.notInspected': ['今日未巡查', 'Not inspected today'],
  'rounds.inspect': ['去巡查', 'Inspect'],
  'rounds.patrols': ['空置房巡查', 'Vacant-unit patrols'],
  'rounds.due': ['截止 {d}', 'due {d}'],
  'rounds.missed': ['漏巡', 'Missed'],
  'rounds.missedN': ['漏巡 {n}', '{n} missed'],
  'rounds.units': ['{n} 户', '{n} units'],
  'rounds.unitCount': ['{n} 户待巡', '{n} units to visit'],
  'rounds.kind': ['巡查类型', 'Patrol'],
  'rounds.makesUp': ['这次巡查同时补上该户 {n} 次漏巡（记为补巡，不算按时）。', 'This visit also makes up the unit\'s {n} missed patrols (recorded late, not on time).'],
  'rounds.signIn': ['签到巡查', 'Sign in and patrol'],
  'rounds.makeUp': ['补巡', 'Make up the patrol'],
  'rounds.checks': ['检查项目（勾选表示正常）', 'Checklist (ticked means in order)'],
  'check.hygiene': ['室内卫生', 'Cleanliness'],
  'check.security': ['门锁安全', 'Locks and security'],
  'check.doors_windows': ['门窗完好、关闭', 'Doors and windows closed and intact'],
  'check.no_leaks': ['无渗漏水', 'No leaks'],
  'check.structure': ['墙面、地面、天花无损坏', 'Walls, floors, ceilings undamaged'],
  'check.fittings': ['设施设备完好', 'Fittings in order'],
  'rounds.finding': ['发现的问题（填写后自动生成派工单）', 'Problem found (raises a work order)'],
  'rounds.findingCategory': ['问题工种', 'Trade'],
  'rounds.patrolled': ['已签到，巡查记录已保存', 'Patrol recorded'],
  'rounds.patrolledOrder': ['已签到，发现的问题已生成派工单', 'Patrol recorded; a work order was raised for the problem'],
  'rounds.confirmPatrol': ['确认提交 {unit} 的巡查记录？', 'Submit the patrol of {unit}?'],
  'rounds.reminders': ['催缴通知送达', 'Reminder notices to deliver'],
  'rounds.printAll': ['批量打印', 'Print all'],
  'rounds.deliver': ['登记送达', 'Mark delivered'],
  'rounds.deliverNote': ['送达说明（如：交业主本人、塞门缝）', 'How it was delivered'],
  'rounds.delivered': ['已登记送达', 'Delivery recorded'],
  'rounds.deadline': ['缴费期限 {d}', 'pay by {d}'],
  'rounds.onReceipt': ['收到后 10 日内缴清', 'to pay within 10 days of receipt'],
  'rounds.undelivered': ['待送达', 'To deliver'],
  'rounds.visits': ['上门催缴', 'Arrears home visits'],
  'rounds.visitsHint': ['三次催款仍未缴纳的欠费：上门了解原因并登记结果；登记后期满仍未缴，转下一级', 'Unpaid after three notices: visit, find out why and record the outcome; still unpaid after its deadline, it goes up a step'],
  'rounds.issuedOn': ['{d} 起', 'since {d}'],
  'rounds.attempts': ['已上门 {n} 次无人', 'nobody home {n}×'],
  'rounds.record': ['登记结果', 'Record outcome'],
  'rounds.outcome': ['上门结果', 'Outcome'],
  'rounds.promisedOn': ['承诺缴费日期', 'Promised to pay by'],
  'rounds.outcomeNote': ['情况说明（业主不缴费的原因、沟通情况）', 'What happened (why the household has not paid)'],
  'rounds.confirmVisit': ['确认登记 {unit} 的上门结果？登记后不能修改。', 'Record the outcome for {unit}? It cannot be changed afterwards.'],
  'rounds.visitRecorded': ['上门结果已登记', 'Outcome recorded'],
  'rounds.visitAgain': ['已登记，请改日再上门', 'Recorded; visit again another day'],
  'rounds.keys': ['逾期未还的钥匙', 'Overdue key loans'],
  'rounds.borrower': ['借用人', 'Borrower'],
  'rounds.dueAt': ['应还 {d}', 'due {d}'],
  'rounds.allDone': ['都处理完了', 'All done'],
  'rounds.figure': ['本月空置房巡查完成率', 'Vacant-unit patrols done this month'],
  'rounds.figureMine': ['我的空置房巡查完成率（本月）', 'My vacant-unit patrols done this month'],
  'rounds.figureDetail': ['按时 {n} / 应巡 {d} · 漏巡未补 {o} · 目标 ≥ {t}', '{n} on time of {d} due · {o} missed, not made up · target ≥ {t}'],
});

const CHECKS = ['hygiene', 'security', 'doors_windows', 'no_leaks', 'structure', 'fittings'];

/** mine narrows a filter to the signed-in area manager's area (path to the unit). */
function mine(me, unitPath) {
  return me.role === 'area_manager' ? pb.filter(`${unitPath}.building.area.manager = {:me}`, { me: me.id }) : '';
}
const and = (...parts) => parts.filter(Boolean).map((p) => `(${p})`).join(' && ');

function Section({ id, title, hint, aside, children }) {
  return html`<section class="card" aria-labelledby=${id}><h2 id=${id}>${title}${aside && html`<span class="aside">${aside}</span>`}</h2>${hint && html`<p class="small muted">${hint}</p>`}${children}</section>`;
}

function Sites({ me, community }) {
  const day = today();
  const data = useAsync(async () => {
    const sites = await pb.collection('renovations').getFullList({
      filter: and(pb.filter('community = {:c} && (status = "permitted" || status = "suspended")', { c: community.id }), mine(me, 'unit')),
      expand: 'unit.building', sort: 'unit',
    });
    const done = await pb.collection('renovation_inspections').getFullList({
      filter: pb.filter('renovation.community = {:c} && inspected_on = {:d} && inspector = {:me}', { c: community.id, d: day, me: me.id }), fields: 'renovation',
    });
    const seen = new Set(done.map((d) => d.renovation));
    return sites.map((s) => ({ ...s, inspected: seen.has(s.id) }));
  }, [community.id]);
  useRealtime('renovation_inspections', '*', () => data.reload(), { onReconnect: data.reload });
  return html`<${Section} id="h-sites" title=${t('rounds.sites')} hint=${t('rounds.sitesHint')}>
    ${data.loading && !data.data ? html`<${Loading} />` : data.error ? html`<${ErrorBox} error=${data.error} retry=${data.reload} />`
      : !data.data.length ? html`<${Empty} />` : html`<ul class="list">${data.data.map((s) => html`<li key=${s.id}>
        <a class="item" href=${'#/renovations/' + s.id}>
          <div class="main"><div class="t">${unitName(s.expand?.unit)} · ${s.contractor_name}</div><div class="sub">${s.serial} · ${s.permit_no || ''}</div></div>
          <${Status} col="renovations" code=${s.status} />
          <span class=${'chip ' + (s.inspected ? 's-closed' : 's-warn')}>${s.inspected ? t('rounds.inspected') : t('rounds.notInspected')}</span>
        </a></li>`)}</ul>`}
  <//>`;
}

/**
 * PatrolForm signs in one visit to a unit. The checklist starts unticked,
 * like the renovation inspection's: each item is ticked as it is seen to be
 * in order. One visit makes up every overdue task of the unit (server side,
 * recorded late); a full inspection, when one is pending, also counts as
 * the week's patrol.
 */
function PatrolForm({ unit, onDone }) {
  const kinds = [...new Set(unit.tasks.map((x) => x.kind))];
  const [kind, setKind] = useState(kinds.includes('monthly_full') ? 'monthly_full' : kinds[0]);
  const [checks, setChecks] = useState(Object.fromEntries(CHECKS.map((c) => [c, false])));
  const [finding, setFinding] = useState('');
  const [category, setCategory] = useState('other');
  const [photos, setPhotos] = useState([]);
  const act = useAction();
  const name = unit.name;
  const submit = async (e) => {
    e.preventDefault();
    if (!(await confirmBox({ title: t('rounds.confirmPatrol', { unit: name }), body: unit.missed ? t('rounds.makesUp', { n: unit.missed }) : '', ok: t('submit') }))) return;
    const saved = await act.run(() => pb.collection('vacancy_patrols').create(formData({
      unit: unit.unit, kind, ...checks, finding, finding_category: finding ? category : '',
    }, { photos })));
    if (saved) {
      toast(saved.work_order ? t('rounds.patrolledOrder') : t('rounds.patrolled'));
      onDone();
    }
  };
  const errs = fieldErrors(act.error);
  return html`<form class="stack patrol-form" onSubmit=${submit} aria-label=${t('rounds.signIn') + ' ' + name}>
    ${kinds.length > 1 && html`<${Field} label=${t('rounds.kind')}><select name="kind" value=${kind} onChange=${(e) => setKind(e.target.value)}>
      ${kinds.map((k) => html`<option value=${k}>${label('patrol_kind', k)}</option>`)}</select><//>`}
    <fieldset><legend>${t('rounds.checks')}</legend><div class="choices">
      ${CHECKS.map((c) => html`<label><input type="checkbox" checked=${checks[c]} onChange=${(e) => setChecks({ ...checks, [c]: e.target.checked })} />${t('check.' + c)}</label>`)}
    </div></fieldset>
    <${Field} label=${t('rounds.finding')} error=${errs.finding}><textarea value=${finding} onInput=${(e) => setFinding(e.target.value)}></textarea><//>
    ${finding && html`<${Field} label=${t('rounds.findingCategory')}><select value=${category} onChange=${(e) => setCategory(e.target.value)}>
      ${choices('work_category').map((c) => html`<option value=${c.code}>${c.text}</option>`)}</select><//>`}
    <${Field} label=${t('photos')} error=${errs.photos}><${FilePicker} files=${photos} onChange=${setPhotos} accept="image/*" types=${/^image\/(jpeg|png|webp)$/} max=${10} /><//>
    <${ErrorBox} error=${act.error} />
    <button class="primary" disabled=${act.busy}>${act.busy ? t('submitting') : t('rounds.signIn')}</button>
  </form>`;
}

/**
 * byBuilding folds the open and missed tasks into one row per unit (its
 * kinds, earliest due day, and how many are overdue: missed, or past their
 * due day — what the patrol figure counts as outstanding), the units under
 * their building.
 */
export function byBuilding(tasks, day) {
  const units = new Map();
  for (const task of tasks) {
    let u = units.get(task.unit);
    if (!u) {
      const b = task.expand?.unit?.expand?.building;
      units.set(task.unit, (u = { unit: task.unit, name: unitName(task.expand?.unit), number: task.expand?.unit?.number || '',
        building: b?.id || '', buildingName: b?.name || b?.code || '', tasks: [], missed: 0, due: task.due_on }));
    }
    u.tasks.push(task);
    if (task.status === 'missed' || String(task.due_on).slice(0, 10) < day) u.missed++;
    if (task.due_on < u.due) u.due = task.due_on;
  }
  const buildings = new Map();
  for (const u of units.values()) {
    if (!buildings.has(u.building)) buildings.set(u.building, { id: u.building, name: u.buildingName, units: [], missed: 0 });
    const b = buildings.get(u.building);
    b.units.push(u);
    b.missed += u.missed;
  }
  const list = [...buildings.values()].sort((a, b) => a.name.localeCompare(b.name, 'zh'));
  for (const b of list) b.units.sort((x, y) => x.number.localeCompare(y.number, 'en', { numeric: true }));
  return list;
}

function Patrols({ me, community }) {
  const [open, setOpen] = useState('');
  const day = today();
  const tasks = useAsync(() => pb.collection('patrol_tasks').getFullList({
    filter: and(pb.filter('community = {:c} && (status = "open" || status = "missed")', { c: community.id }),
      me.role === 'area_manager' ? pb.filter('manager = {:me}', { me: me.id }) : ''),
    expand: 'unit.building', sort: 'due_on,unit',
  }), [community.id]);
  // New tasks are pushed to their manager as the cron job plans them.
  useRealtime('patrol_tasks', '*', () => tasks.reload(), { onReconnect: tasks.reload });
  const buildings = tasks.data ? byBuilding(tasks.data, day) : [];
  const unitCount = buildings.reduce((n, b) => n + b.units.length, 0);
  return html`<${Section} id="h-patrols" title=${t('rounds.patrols')} aside=${tasks.data ? t('rounds.unitCount', { n: unitCount }) : ''}>
    ${tasks.loading && !tasks.data ? html`<${Loading} />` : tasks.error ? html`<${ErrorBox} error=${tasks.error} retry=${tasks.reload} />`
      : !unitCount ? html`<${Empty} text=${t('rounds.allDone')} />` : buildings.map((b) => html`<div class="patrol-building" key=${b.id} data-building=${b.name}>
        <h3 class="small">${b.name} · ${t('rounds.units', { n: b.units.length })}${b.missed ? html` · <span class="chip s-bad">${t('rounds.missedN', { n: b.missed })}</span>` : ''}</h3>
        <ul class="list">${b.units.map((u) => html`<li key=${u.unit} data-unit=${u.unit} data-missed=${u.missed}>
        <div class="item">
          <div class="main"><div class="t">${u.name}</div>
            <div class="sub">${[...new Set(u.tasks.map((x) => label('patrol_kind', x.kind)))].join('、')} · ${t('rounds.due', { d: date(u.due) })}</div></div>
          ${u.missed > 0 && html`<span class="chip s-bad" data-testid="missed-count">${t('rounds.missedN', { n: u.missed })}</span>`}
          <button type="button" aria-expanded=${open === u.unit} onClick=${() => setOpen(open === u.unit ? '' : u.unit)}>${u.missed ? t('rounds.makeUp') : t('rounds.signIn')}</button>
        </div>
        ${open === u.unit && html`<${PatrolForm} unit=${u} onDone=${() => { setOpen(''); tasks.reload(); }} />`}
      </li>`)}</ul></div>`)}
  <//>`;
}

/** mineVisits narrows the visits to the signed-in person's own tasks. */
function mineVisits(me) {
  if (me.role === 'area_manager') return pb.filter('assignee = {:me} || (assignee = "" && step = "area_manager")', { me: me.id });
  return pb.filter('assignee = "" && step = {:r}', { r: me.role });
}

function VisitForm({ visit, onDone }) {
  const [outcome, setOutcome] = useState('visited');
  const [promised, setPromised] = useState('');
  const [note, setNote] = useState('');
  const act = useAction();
  const unit = unitName(visit.expand?.unit);
  const submit = async (e) => {
    e.preventDefault();
    if (!(await confirmBox({ title: t('rounds.confirmVisit', { unit }), ok: t('rounds.record') }))) return;
    const saved = await act.run(() => pb.collection('arrears_visits').update(visit.id, {
      outcome, promised_on: outcome === 'promised' ? promised : '', outcome_note: note,
    }));
    if (saved) {
      toast(saved.status === 'open' ? t('rounds.visitAgain') : t('rounds.visitRecorded'));
      onDone();
    }
  };
  const errs = fieldErrors(act.error);
  return html`<form class="stack visit-form" onSubmit=${submit} aria-label=${t('rounds.record') + ' ' + unit}>
    <${Field} label=${t('rounds.outcome')} error=${errs.outcome}><select name="outcome" value=${outcome} onChange=${(e) => setOutcome(e.target.value)}>
      ${choices('arrears_outcome').map((c) => html`<option value=${c.code}>${c.text}</option>`)}</select><//>
    ${outcome === 'promised' && html`<${Field} label=${t('rounds.promisedOn')} error=${errs.promised_on}>
      <input type="date" name="promised_on" min=${today()} value=${promised} onInput=${(e) => setPromised(e.target.value)} /><//>`}
    <${Field} label=${t('rounds.outcomeNote')} error=${errs.outcome_note}><textarea name="outcome_note" maxlength="1000" value=${note} onInput=${(e) => setNote(e.target.value)}></textarea><//>
    <${ErrorBox} error=${act.error} />
    <button class="primary" disabled=${act.busy}>${act.busy ? t('submitting') : t('rounds.record')}</button>
  </form>`;
}

function Visits({ me, community }) {
  const [open, setOpen] = useState('');
  const list = useAsync(() => pb.collection('arrears_visits').getFullList({
    filter: and(pb.filter('community = {:c} && status = "open"', { c: community.id }), mineVisits(me)),
    expand: 'unit.building,bill', sort: 'issued_on,unit',
  }), [community.id]);
  // The daily job adds a step to its visitor's list.
  useRealtime('arrears_visits', '*', () => list.reload(), { onReconnect: list.reload });
  return html`<${Section} id="h-visits" title=${t('rounds.visits')} hint=${t('rounds.visitsHint')} aside=${list.data ? String(list.data.length) : ''}>
    ${list.loading && !list.data ? html`<${Loading} />` : list.error ? html`<${ErrorBox} error=${list.error} retry=${list.reload} />`
      : !list.data.length ? html`<${Empty} text=${t('rounds.allDone')} />` : html`<ul class="list visits">${list.data.map((v) => html`<li key=${v.id} data-visit=${v.id}>
        <div class="item">
          <div class="main"><div class="t">${unitName(v.expand?.unit)} · <span class="money">${yuan(v.expand?.bill ? owed(v.expand.bill) : v.amount_fen)}</span></div>
            <div class="sub">${label('arrears_step', v.step)} · ${v.expand?.bill?.serial || ''} ${v.expand?.bill?.period || ''} · ${t('rounds.issuedOn', { d: date(v.issued_on) })}${v.attempts ? ' · ' + t('rounds.attempts', { n: v.attempts }) : ''}</div></div>
          <button type="button" aria-expanded=${open === v.id} onClick=${() => setOpen(open === v.id ? '' : v.id)}>${t('rounds.record')}</button>
        </div>
        ${open === v.id && html`<${VisitForm} visit=${v} onDone=${() => { setOpen(''); list.reload(); }} />`}
      </li>`)}</ul>`}
  <//>`;
}

function Reminders({ me, community }) {
  const list = useAsync(() => pb.collection('reminders').getFullList({
    filter: and(pb.filter('community = {:c} && delivered_at = "" && stage != "escalated" && (bill.status = "issued" || bill.status = "partially_paid")', { c: community.id }), mine(me, 'unit')),
    expand: 'unit.building', sort: 'unit,issued_on',
  }), [community.id]);
  const act = useAction();
  // One visit per household: a unit's notices (one per overdue bill) are
  // handed over together.
  const byUnit = [];
  for (const r of list.data || []) {
    const last = byUnit[byUnit.length - 1];
    if (last && last.unit === r.unit) last.items.push(r);
    else byUnit.push({ unit: r.unit, name: unitName(r.expand?.unit), items: [r] });
  }
  const deliver = async (g) => {
    const total = g.items.reduce((s, r) => s + r.amount_fen, 0);
    if (!(await confirmBox({ title: `${t('rounds.deliver')} · ${g.name}`, body: `${g.items.length} · ${yuan(total)}`, ok: t('rounds.deliver') }))) return;
    const note = document.getElementById('note-' + g.unit)?.value || '';
    const done = await act.run(async () => {
      for (const r of g.items) await pb.collection('reminders').update(r.id, { delivered_at: new Date().toISOString(), delivery_note: note });
      return true;
    });
    if (done) toast(t('rounds.delivered'));
    list.reload();
  };
  const stages = [...new Set((list.data || []).map((r) => r.stage))];
  return html`<${Section} id="h-reminders" title=${t('rounds.reminders')}
      aside=${stages.map((s) => html`<a href=${`#/print/reminders?stage=${s}${me.role === 'area_manager' ? '&mine=1' : ''}`} target="_blank">${t('rounds.printAll')}（${label('reminder_stage', s)}）</a> `)}>
    <${ErrorBox} error=${act.error} />
    ${list.loading && !list.data ? html`<${Loading} />` : list.error ? html`<${ErrorBox} error=${list.error} retry=${list.reload} />`
      : !byUnit.length ? html`<${Empty} text=${t('rounds.allDone')} />` : html`<ul class="list">${byUnit.map((g) => html`<li key=${g.unit}>
        <div class="item">
          <div class="main"><div class="t">${g.name} · <span class="money">${yuan(g.items.reduce((s, r) => s + r.amount_fen, 0))}</span></div>
            <div class="sub"><span class="chip s-warn">${t('rounds.undelivered')}</span> ${[...new Set(g.items.map((r) => label('reminder_stage', r.stage)))].join('、')} · ${t('rounds.onReceipt')}</div>
            <label class="sr-only" for=${'note-' + g.unit}>${t('rounds.deliverNote')}</label>
            <input id=${'note-' + g.unit} type="text" placeholder=${t('rounds.deliverNote')} /></div>
          <button type="button" disabled=${act.busy} onClick=${() => deliver(g)}>${t('rounds.deliver')}</button>
        </div></li>`)}</ul>`}
  <//>`;
}

function OverdueKeys({ community }) {
  const list = useAsync(() => pb.collection('key_loans').getFullList({
    filter: pb.filter('community = {:c} && returned_at = "" && overdue = true', { c: community.id }), expand: 'key,borrower_staff', sort: 'due_at',
  }), [community.id]);
  return html`<${Section} id="h-keys" title=${t('rounds.keys')}>
    ${list.loading && !list.data ? html`<${Loading} />` : list.error ? html`<${ErrorBox} error=${list.error} retry=${list.reload} />`
      : !list.data.length ? html`<${Empty} text=${t('rounds.allDone')} />` : html`<ul class="list">${list.data.map((l) => html`<li key=${l.id}>
        <div class="item"><div class="main"><div class="t">${l.expand?.key?.label}</div>
          <div class="sub">${t('rounds.borrower')} ${l.expand?.borrower_staff?.name || l.borrower_name} ${l.borrower_phone ? html`· <a href=${'tel:' + l.borrower_phone}>${l.borrower_phone}</a>` : ''} · ${t('rounds.dueAt', { d: dateTime(l.due_at) })}</div></div>
          <span class="chip s-bad">${t('rounds.missed')}</span></div></li>`)}</ul>`}
  <//>`;
}

/**
 * PatrolFigure: the month's patrol figure — the manager's own, or the
 * community's for a supervisor or the director — from the query the
 * dashboard lists it with (GET /api/stats/patrols, [000] 管理员 3.2).
 */
function PatrolFigure({ me, community }) {
  const month = today().slice(0, 7);
  const fig = useAsync(() => pb.send('/api/stats/patrols', { method: 'GET', query: { community: community.id, month } }), [community.id, month]);
  useRealtime('patrol_tasks', '*', () => fig.reload(), { onReconnect: fig.reload });
  if (!fig.data) return fig.error ? html`<${ErrorBox} error=${fig.error} retry=${fig.reload} />` : null;
  const p = fig.data.patrols;
  const target = fig.data.targets?.patrol_coverage;
  const ok = p.coverage === null || target === undefined ? '' : p.coverage >= target ? ' ok' : ' bad';
  return html`<section class=${'card kpi patrol-figure' + ok} data-testid="patrol-figure" aria-label=${t('rounds.figure')}>
    <span class="kpi-label">${me.role === 'area_manager' ? t('rounds.figureMine') : t('rounds.figure')}</span>
    <span class="kpi-value" data-testid="patrol-coverage">${pct(p.coverage)}</span>
    <span class="kpi-detail">${t('rounds.figureDetail', { n: p.done, d: p.due, o: p.outstanding, t: pct(target) })}</span>
  </section>`;
}

export function Rounds(ctx) {
  return html`<h1>${t('rounds.title')} · ${today()}</h1>
    <${PatrolFigure} ...${ctx} />
    <div class="grid2">
      <div><${Patrols} ...${ctx} /><${Sites} ...${ctx} /></div>
      <div><${Visits} ...${ctx} /><${Reminders} ...${ctx} /><${OverdueKeys} ...${ctx} /></div>
    </div>`;
}
