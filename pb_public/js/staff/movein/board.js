// The move-in day board (入伙, [004] 四 2; docs/DESIGN.md § Move-in (入伙)):
// who is booked today and where each household is in the flow, one column
// per status, live on the community's move_ins topic. The desk sends a
// building's notices in one batch (each vacant unit with an owner) and
// prints them, one page per household.
import { html, useState } from '../../core/html.js';
import { pb, fieldErrors } from '../../core/api.js';
import { t, addMessages } from '../../core/i18n.js';
import { today } from '../../core/format.js';
import { statusLabel } from '../../core/flows.js';
import { Loading, ErrorBox, Empty, Field, When, useAsync, useAction, toast } from '../../core/ui.js';
import { useCommunityTopic } from '../../core/realtime.js';
import { DESK } from '../roles.js';
import { moveInUnit, openDefects } from './common.js';

addMessages({
  'movein.board': ['入伙看板', 'Move-in board'],
  'movein.building': ['楼栋', 'Building'],
  'movein.allBuildings': ['全部楼栋', 'All buildings'],
  'movein.day': ['预约日期', 'Appointment day'],
  'movein.allDays': ['全部日期', 'All days'],
  'movein.batch': ['发入伙通知（整栋）', 'Send move-in notices (whole building)'],
  'movein.noticeDate': ['入伙通知书日期', 'Notice date'],
  'movein.firstSlot': ['首个预约时间（选填）', 'First appointment (optional)'],
  'movein.slot': ['每户间隔（分钟）', 'Minutes per household'],
  'movein.send': ['生成入伙通知', 'Create the notices'],
  'movein.sent': ['已生成 {n} 份入伙通知', '{n} notices created'],
  'movein.print': ['打印本栋入伙通知书', "Print this building's notices"],
  'movein.defectsOpen': ['整改 {n} 项', '{n} repair(s) open'],
  'movein.count': ['{n} 户', '{n} households'],
});

/** COLUMNS are the board's columns: the flow's statuses, cancelled left out. */
const COLUMNS = ['notified', 'documents_checked', 'inspected', 'defects_open', 'ready', 'keys_handed', 'completed'];

export function MoveInBoard({ me, community, query }) {
  const c = community.id;
  const [building, setBuilding] = useState(query?.building || '');
  const [day, setDay] = useState(query?.day ?? today());
  const buildings = useAsync(() => pb.collection('buildings').getFullList({ filter: pb.filter('community = {:c}', { c }), sort: 'code' }), [c]);
  const list = useAsync(() => {
    const parts = ['community = {:c}', "status != 'cancelled'"];
    if (building) parts.push('building = {:b}');
    if (day) parts.push('appointment_at >= {:from} && appointment_at < {:to}');
    const from = day ? new Date(day + 'T00:00:00+08:00') : null;
    return pb.collection('move_ins').getFullList({
      filter: pb.filter(parts.join(' && '), { c, b: building, from, to: from && new Date(from.getTime() + 86400000) }),
      sort: 'appointment_at', expand: 'unit.building,resident',
    });
  }, [c, building, day]);
  useCommunityTopic(c, 'move_ins', () => list.reload(), {}, [c, building, day]);
  const rows = list.data || [];
  return html`<div class="movein-board">
    <h1>${t('movein.board')}</h1>
    <div class="row filters">
      <${Field} label=${t('movein.building')}><select name="building" value=${building} onChange=${(e) => setBuilding(e.target.value)}>
        <option value="">${t('movein.allBuildings')}</option>
        ${(buildings.data || []).map((b) => html`<option value=${b.id}>${b.name || b.code}</option>`)}</select></${Field}>
      <${Field} label=${t('movein.day')}><input type="date" name="day" value=${day} onInput=${(e) => setDay(e.target.value)} /></${Field}>
      <button type="button" class="ghost" onClick=${() => setDay('')}>${t('movein.allDays')}</button>
      ${building && html`<a class="btn" href=${'#/print/move-in-notices/' + building}>${t('movein.print')}</a>`}
    </div>
    ${DESK.includes(me.role) && html`<${Batch} buildings=${buildings.data || []} onDone=${list.reload} />`}
    ${list.loading && !list.data ? html`<${Loading} />` : list.error ? html`<${ErrorBox} error=${list.error} retry=${list.reload} />`
    : rows.length === 0 ? html`<${Empty} />`
    : html`<div class="board-columns">${COLUMNS.map((s) => {
      const here = rows.filter((m) => m.status === s);
      return html`<section class="board-column" data-column=${s} key=${s}>
        <h2>${statusLabel('move_ins', s)} <small class="muted">${t('movein.count', { n: here.length })}</small></h2>
        <ul class="list">${here.map((m) => html`<li key=${m.id} class="card" data-move-in=${m.id}>
          <a href=${'#/move-ins/' + m.id}><strong>${moveInUnit(m)}</strong></a> ${m.expand?.resident?.name || ''}
          <div class="small"><${When} v=${m.appointment_at} /> ${m.serial}</div>
          ${openDefects(m) > 0 && html`<span class="chip s-overdue">${t('movein.defectsOpen', { n: openDefects(m) })}</span>`}
        </li>`)}</ul>
      </section>`;
    })}</div>`}
  </div>`;
}

/** Batch sends the notices of a whole building: POST /api/wuye/move-ins/batch. */
function Batch({ buildings, onDone }) {
  const [f, setF] = useState({ building: '', notice_date: today(), appointment_start: '', slot_minutes: 30 });
  const act = useAction();
  const set = (k) => (e) => setF({ ...f, [k]: e.target.value });
  const submit = (e) => {
    e.preventDefault();
    act.run(async () => {
      const r = await pb.send('/api/wuye/move-ins/batch', { method: 'POST', body: { ...f, slot_minutes: Number(f.slot_minutes) || 30 } });
      toast(t('movein.sent', { n: r.created }));
      onDone();
    });
  };
  const errs = fieldErrors(act.error);
  return html`<details class="card"><summary>${t('movein.batch')}</summary>
    <form onSubmit=${submit} data-batch>
      <div class="grid2">
        <${Field} label=${t('movein.building')} error=${errs.building} required><select name="building" value=${f.building} onChange=${set('building')}>
          <option value=""></option>${buildings.map((b) => html`<option value=${b.id}>${b.name || b.code}</option>`)}</select></${Field}>
        <${Field} label=${t('movein.noticeDate')} error=${errs.notice_date} required><input type="date" name="notice_date" value=${f.notice_date} onInput=${set('notice_date')} /></${Field}>
        <${Field} label=${t('movein.firstSlot')} error=${errs.appointment_start}><input type="datetime-local" name="appointment_start" value=${f.appointment_start} onInput=${set('appointment_start')} /></${Field}>
        <${Field} label=${t('movein.slot')}><input type="number" min="5" max="240" name="slot_minutes" value=${f.slot_minutes} onInput=${set('slot_minutes')} /></${Field}>
      </div>
      <${ErrorBox} error=${act.error} />
      <button class="btn primary" disabled=${act.busy || !f.building}>${t('movein.send')}</button>
    </form></details>`;
}
