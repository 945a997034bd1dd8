// Emergencies and special incidents (紧急求援 / 特别事件, [000] 前台 4.1.4):
// register one at once (the director, security and engineering are told),
// follow it through its steps with a timeline of what was done, write the
// special incident report (特别事件报告单) within a working day, print it.
import { html, useState } from '../../core/html.js';
import { pb, fieldErrors } from '../../core/api.js';
import { t, addMessages, label, choices } from '../../core/i18n.js';
import { dateTime } from '../../core/format.js';
import { stepsFrom, statusLabel } from '../../core/flows.js';
import { Loading, ErrorBox, Empty, Status, Field, useAsync, useAction, toast } from '../../core/ui.js';
import { useCommunityTopic } from '../../core/realtime.js';

addMessages({
  'incidents.title': ['紧急求援与特别事件', 'Emergencies and incidents'],
  'incidents.new': ['登记紧急事件', 'Register an emergency'],
  'incidents.kind': ['类别', 'Kind'],
  'incidents.location': ['地点', 'Place'],
  'incidents.description': ['情况', 'What happened'],
  'incidents.caller': ['报告人（选填）', 'Reported by (optional)'],
  'incidents.phone': ['电话（选填）', 'Phone (optional)'],
  'incidents.register': ['登记并通知', 'Register and alert'],
  'incidents.registered': ['已登记 {serial}，已通知主任、秩序维护部、工程部', '{serial} registered; the director, security and engineering were told'],
  'incidents.due': ['报告期限 {at}', 'Report due {at}'],
  'incidents.overdue': ['报告超时', 'Report overdue'],
  'incidents.action': ['处置记录', 'Action taken'],
  'incidents.addAction': ['添加', 'Add'],
  'incidents.response': ['处置情况', 'Response'],
  'incidents.resolution': ['处理结果', 'Resolution'],
  'incidents.report': ['特别事件报告（原因、经过、损失、措施）', 'Incident report (cause, handling, losses, measures)'],
  'incidents.print': ['特别事件报告单', 'Incident report form'],
  'incidents.timeline': ['处置经过', 'Timeline'],
  'incidents.reportedBy': ['登记人 {name}', 'Registered by {name}'],
  'incident_kind.fire': ['火警', 'Fire'],
  'incident_kind.flooding': ['水浸/爆管', 'Flooding / burst pipe'],
  'incident_kind.lift_entrapment': ['电梯困人', 'Lift entrapment'],
  'incident_kind.medical': ['急病/受伤', 'Medical'],
  'incident_kind.security': ['治安事件', 'Security'],
  'incident_kind.power_outage': ['停电', 'Power outage'],
  'incident_kind.water_outage': ['停水', 'Water outage'],
  'incident_kind.other': ['其他', 'Other'],
});

const STEP_FIELD = { responding: 'response', resolved: 'resolution', reported_up: 'report' };

export function Incidents({ me, community }) {
  const c = community.id;
  const data = useAsync(() => pb.collection('incidents').getList(1, 50, {
    filter: pb.filter('community = {:c}', { c }), sort: '-reported_at', expand: 'reported_by',
  }).then((r) => r.items), [c]);
  useCommunityTopic(c, 'incidents', () => data.reload(), {}, [c]);
  const canRegister = ['front_desk', 'area_manager', 'security', 'engineer', 'supervisor', 'director'].includes(me.role);
  return html`<div class="incidents-screen">
    <h1>${t('incidents.title')}</h1>
    ${canRegister && html`<${NewIncident} community=${community} onDone=${data.reload} />`}
    ${data.loading && !data.data ? html`<${Loading} />` : data.error ? html`<${ErrorBox} error=${data.error} retry=${data.reload} />`
    : data.data.length === 0 ? html`<${Empty} />`
    : html`<ul class="list">${data.data.map((r) => html`<${IncidentCard} key=${r.id} r=${r} me=${me} onDone=${data.reload} />`)}</ul>`}
  </div>`;
}

function NewIncident({ community, onDone }) {
  const [f, setF] = useState({ kind: 'flooding', location: '', description: '', caller_name: '', caller_phone: '' });
  const act = useAction();
  const set = (k) => (e) => setF({ ...f, [k]: e.target.value });
  const submit = (e) => {
    e.preventDefault();
    act.run(async () => {
      const r = await pb.collection('incidents').create({ ...f, community: community.id });
      toast(t('incidents.registered', { serial: r.serial }));
      setF({ ...f, location: '', description: '', caller_name: '', caller_phone: '' });
      onDone();
    });
  };
  const errs = fieldErrors(act.error);
  return html`<form class="card" onSubmit=${submit} data-new-incident>
    <h2>${t('incidents.new')}</h2>
    <${Field} label=${t('incidents.kind')} required><select name="kind" value=${f.kind} onChange=${set('kind')}>
      ${choices('incident_kind').map(({ code, text }) => html`<option value=${code}>${text}</option>`)}</select></${Field}>
    <${Field} label=${t('incidents.location')} error=${errs.location} required><input name="location" value=${f.location} onInput=${set('location')} /></${Field}>
    <${Field} label=${t('incidents.description')} error=${errs.description} required><textarea name="description" rows="2" value=${f.description} onInput=${set('description')}></textarea></${Field}>
    <div class="grid2">
      <${Field} label=${t('incidents.caller')}><input name="caller_name" value=${f.caller_name} onInput=${set('caller_name')} /></${Field}>
      <${Field} label=${t('incidents.phone')} error=${errs.caller_phone}><input name="caller_phone" value=${f.caller_phone} onInput=${set('caller_phone')} /></${Field}>
    </div>
    <${ErrorBox} error=${act.error} />
    <button class="btn danger" disabled=${act.busy}>${t('incidents.register')}</button>
  </form>`;
}

function IncidentCard({ r, me, onDone }) {
  const [text, setText] = useState({});
  const [note, setNote] = useState('');
  const [version, setVersion] = useState(0);
  const act = useAction();
  const steps = stepsFrom('incidents', r.status, [me.role]);
  const step = (to) => act.run(async () => {
    const field = STEP_FIELD[to];
    await pb.collection('incidents').update(r.id, field ? { status: to, [field]: text[to] || r[field] || '' } : { status: to });
    toast(statusLabel('incidents', to));
    onDone();
  });
  const addAction = () => act.run(async () => {
    await pb.send(`/api/wuye/incidents/${r.id}/actions`, { method: 'POST', body: { note } });
    setNote('');
    setVersion(version + 1);
  });
  return html`<li class="card" data-incident=${r.id}>
    <div><strong>${r.serial}</strong> ${label('incident_kind', r.kind)} · ${r.location} <${Status} col="incidents" code=${r.status} />
      ${r.report_overdue && html` <span class="chip s-overdue">${t('incidents.overdue')}</span>`}</div>
    <div>${dateTime(r.reported_at)} · ${t('incidents.reportedBy', { name: r.expand?.reported_by?.name || '' })} · ${t('incidents.due', { at: dateTime(r.report_due) })}</div>
    <p>${r.description}</p>
    ${r.status !== 'reported_up' && html`<div class="row">
      <input name="action_note" placeholder=${t('incidents.action')} value=${note} onInput=${(e) => setNote(e.target.value)} />
      <button class="btn" disabled=${act.busy || !note.trim()} onClick=${addAction}>${t('incidents.addAction')}</button></div>`}
    ${steps.map((s) => html`<div class="row" key=${s.to}>
      ${STEP_FIELD[s.to] && html`<textarea name=${STEP_FIELD[s.to]} rows="2" placeholder=${t('incidents.' + STEP_FIELD[s.to])}
        value=${text[s.to] || ''} onInput=${(e) => setText({ ...text, [s.to]: e.target.value })}></textarea>`}
      <button class="btn primary" disabled=${act.busy} data-step=${s.to} onClick=${() => step(s.to)}>${statusLabel('incidents', s.to)}</button></div>`)}
    <${ErrorBox} error=${act.error} />
    <${Report} id=${r.id} version=${version + (r.updated || '')} />
  </li>`;
}

/** Report is the printable 特别事件报告单 with its timeline. */
function Report({ id, version }) {
  const [shown, setShown] = useState(false);
  const d = useAsync(() => (shown ? pb.send(`/api/wuye/incidents/${id}/report`, { method: 'GET' }) : Promise.resolve(null)), [id, shown, version]);
  if (!shown) return html`<button class="btn link" onClick=${() => setShown(true)}>${t('incidents.print')}</button>`;
  if (d.error) return html`<${ErrorBox} error=${d.error} />`;
  if (!d.data) return html`<${Loading} />`;
  const r = d.data;
  return html`<div class="print-sheet" data-report=${id}>
    <h3>${r.community} ${t('incidents.print')} ${r.serial}</h3>
    <p>${r.kind_label?.zh} · ${r.location} · ${r.reported_at} · ${r.caller_name} ${r.caller_phone}</p>
    <p>${r.description}</p>
    <h4>${t('incidents.timeline')}</h4>
    <ol>${r.timeline.map((e, i) => html`<li key=${i}>${e.at} ${e.actor} ${e.to ? statusLabel('incidents', e.to) : ''} ${e.note}</li>`)}</ol>
    ${r.resolution && html`<p>${t('incidents.resolution')}: ${r.resolution}</p>`}
    ${r.report && html`<p>${t('incidents.report')}: ${r.report}</p>`}
    <button class="btn no-print" onClick=${() => window.print()}>${t('incidents.print')}</button>
  </div>`;
}
