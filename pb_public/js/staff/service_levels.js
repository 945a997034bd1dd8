// The community's service levels (#/service-levels, 承诺时限与服务时间,
// docs/DESIGN.md § Dispatch "Service levels"): every promise of complaints
// and work orders with the opening hours it is counted in. The director edits
// them; a change applies to what is taken in afterwards (deadlines already set
// keep the promise in force at intake). Supervisors read them.
import { html, useState } from '../core/html.js';
import { pb, fieldErrors } from '../core/api.js';
import { t, addMessages, label, choices } from '../core/i18n.js';
import { dateTime } from '../core/format.js';
import { Loading, ErrorBox, Empty, Field, useAsync, useAction, toast, confirmBox } from '../core/ui.js';

addMessages({
  'sla.title': ['承诺时限与服务时间', 'Service levels and opening hours'],
  'sla.intro': ['投诉和报修的各项时限按受理时生效的规定计算：修改只对之后受理的生效，已经定下的期限不变，旧版本保留备查。', 'Deadlines follow the promise in force when a complaint or order is taken in: a change applies from now on, deadlines already set stay, and the earlier version is kept.'],
  'sla.readOnly': ['只有管理处主任可以修改。', 'Only the director can change these.'],
  'sla.about': ['对象', 'Applies to'],
  'sla.every': ['全部', 'all'],
  'sla.target': ['时限', 'Deadline'],
  'sla.amount': ['时长', 'Amount'],
  'sla.unit': ['单位', 'Unit'],
  'sla.hours': ['服务时间', 'Opening hours'],
  'sla.inHours': ['只在服务时间内计时', 'Count only while open'],
  'sla.aroundClock': ['全天计时', 'Around the clock'],
  'sla.opens': ['开始', 'Opens'],
  'sla.closes': ['结束', 'Closes'],
  'sla.days': ['服务日', 'Open on'],
  'sla.early': ['最多提前（分钟）', 'Early by at most (min)'],
  'sla.since': ['生效于', 'In force since'],
  'sla.always': ['初始设置', 'From the start'],
  'sla.save': ['保存', 'Save'],
  'sla.saved': ['已保存，对之后受理的生效', 'Saved; applies from now on'],
  'sla.confirm': ['修改这项承诺时限？', 'Change this promise?'],
  'sla.confirmBody': ['新规定从现在起对新受理的投诉和报修生效，已定的期限不变。', 'The new promise applies to what is taken in from now on; deadlines already set stay.'],
  'sla.add': ['新增一项（按级别或紧急程度单独规定）', 'Add one (for a level or urgency of its own)'],
  'sla.added': ['已新增', 'Added'],
  'sla.none': ['本小区还没有承诺时限', 'No promises for this community yet'],
  'sla.source.complaint.first_response': ['[002] 三 3.2：24 小时内初步回应', '[002] 三 3.2: first response in 24 hours'],
  'sla.source.complaint.solution': ['[002] 三 3.2：复杂问题 48 小时内提供解决方案', '[002] 三 3.2: a solution within 48 hours'],
  'sla.source.complaint.reply': ['[004] 三 3.6：2 个工作日内反馈', '[004] 三 3.6: feedback within 2 working days'],
  'sla.source.work_order.reply': ['[003] 2.4.3：15 分钟内回复', '[003] 2.4.3: reply within 15 minutes'],
  'sla.source.work_order.arrival': ['[004] 三 7.1：提前不超过 5 分钟、迟到不超过 2 分钟；急修到场时间为管理处规定', '[004] 三 7.1: ≤ 5 min early, ≤ 2 min late; urgent arrival set by the office'],
});

const ORDER = { first_response: 0, reply: 1, solution: 2, arrival: 3 };

function aboutText(p) {
  const grade = p.subject === 'complaint' ? (p.level ? label('complaint_level', p.level) : t('sla.every'))
    : (p.urgency ? label('urgency', p.urgency) : t('sla.every'));
  return `${label('sla_subject', p.subject)} · ${grade}`;
}

/** PolicyRow: one promise, editable by the director. */
function PolicyRow({ p, canEdit, onSaved }) {
  const [form, setForm] = useState({
    amount: String(p.amount), unit: p.unit, early_minutes: String(p.early_minutes || 0),
    inHours: !!p.office_opens, office_opens: p.office_opens || '08:00', office_closes: p.office_closes || '18:00',
    office_days: p.office_days || 'every_day',
  });
  const act = useAction();
  const set = (k) => (e) => setForm({ ...form, [k]: e.target.type === 'checkbox' ? e.target.checked : e.target.value });
  const errs = fieldErrors(act.error);
  const save = async (e) => {
    e.preventDefault();
    if (!(await confirmBox({ title: t('sla.confirm'), body: t('sla.confirmBody'), ok: t('sla.save') }))) return;
    const body = {
      amount: Number(form.amount), unit: form.unit,
      office_opens: form.inHours ? form.office_opens : '', office_closes: form.inHours ? form.office_closes : '',
      office_days: form.inHours ? form.office_days : '',
    };
    if (p.target === 'arrival') body.early_minutes = Number(form.early_minutes);
    const saved = await act.run(() => pb.collection('sla_policies').update(p.id, body));
    if (saved) { toast(t('sla.saved')); onSaved(); }
  };
  const hoursText = p.office_opens ? `${p.office_opens}–${p.office_closes} · ${label('office_days', p.office_days)}` : t('sla.aroundClock');
  const source = t(`sla.source.${p.subject}.${p.target}`);
  if (!canEdit) {
    return html`<tr data-testid=${`sla-${p.subject}-${p.level || p.urgency || 'all'}-${p.target}`}>
      <td>${aboutText(p)}</td><td>${label('sla_target', p.target)}</td>
      <td>${p.amount} ${label('sla_unit', p.unit)}${p.target === 'arrival' && p.early_minutes ? html`<br /><small>${t('sla.early')} ${p.early_minutes}</small>` : ''}</td>
      <td>${hoursText}</td><td class="small muted">${source}<br />${t('sla.since')} ${p.starts_at ? dateTime(p.starts_at) : t('sla.always')}</td></tr>`;
  }
  return html`<tr data-testid=${`sla-${p.subject}-${p.level || p.urgency || 'all'}-${p.target}`}>
    <td>${aboutText(p)}</td><td>${label('sla_target', p.target)}</td>
    <td colspan="3"><form class="stack sla-edit" onSubmit=${save} novalidate>
      <div class="row wrap">
        <${Field} label=${t('sla.amount')} error=${errs.amount}>
          <input type="number" name="amount" min="1" max="10000" step="1" inputmode="numeric" value=${form.amount} onInput=${set('amount')} /><//>
        <${Field} label=${t('sla.unit')} error=${errs.unit}>
          <select name="unit" value=${form.unit} onChange=${set('unit')}>
            ${choices('sla_unit').map((c) => html`<option value=${c.code} key=${c.code}>${c.text}</option>`)}</select><//>
        ${p.target === 'arrival' && html`<${Field} label=${t('sla.early')} error=${errs.early_minutes}>
          <input type="number" name="early_minutes" min="0" max="1440" step="1" value=${form.early_minutes} onInput=${set('early_minutes')} /><//>`}
      </div>
      <label class="inline"><input type="checkbox" name="in_hours" checked=${form.inHours} onChange=${set('inHours')} /> ${t('sla.inHours')}</label>
      ${form.inHours && html`<div class="row wrap">
        <${Field} label=${t('sla.opens')} error=${errs.office_opens}><input type="time" name="office_opens" value=${form.office_opens} onInput=${set('office_opens')} /><//>
        <${Field} label=${t('sla.closes')} error=${errs.office_closes}><input type="time" name="office_closes" value=${form.office_closes} onInput=${set('office_closes')} /><//>
        <${Field} label=${t('sla.days')} error=${errs.office_days}>
          <select name="office_days" value=${form.office_days} onChange=${set('office_days')}>
            ${choices('office_days').map((c) => html`<option value=${c.code} key=${c.code}>${c.text}</option>`)}</select><//>
      </div>`}
      <p class="small muted">${source} · ${t('sla.since')} ${p.starts_at ? dateTime(p.starts_at) : t('sla.always')}</p>
      <${ErrorBox} error=${act.error} />
      <div class="actions"><button class="primary" disabled=${act.busy}>${t('sla.save')}</button></div>
    </form></td></tr>`;
}

/** AddPolicy: a promise for one level or urgency of its own. */
function AddPolicy({ community, onSaved }) {
  const blank = { subject: 'complaint', grade: 'major', target: 'first_response', amount: '', unit: 'clock_hours' };
  const [form, setForm] = useState(blank);
  const act = useAction();
  const set = (k) => (e) => setForm({ ...form, [k]: e.target.value });
  const grades = form.subject === 'complaint' ? choices('complaint_level') : choices('urgency');
  const targets = choices('sla_target').filter((c) => (form.subject === 'complaint' ? c.code !== 'arrival' : ['reply', 'arrival'].includes(c.code)));
  const errs = fieldErrors(act.error);
  const submit = async (e) => {
    e.preventDefault();
    const grade = form.subject === 'complaint' ? { level: form.grade } : { urgency: form.grade };
    const saved = await act.run(() => pb.collection('sla_policies').create({
      community: community.id, subject: form.subject, ...grade, target: form.target, amount: Number(form.amount), unit: form.unit,
    }));
    if (saved) { toast(t('sla.added')); setForm(blank); onSaved(); }
  };
  return html`<details class="card"><summary>${t('sla.add')}</summary>
    <form class="stack" onSubmit=${submit} novalidate><div class="row wrap">
      <${Field} label=${t('sla.about')} error=${errs.subject}>
        <select name="subject" value=${form.subject} onChange=${(e) => setForm({ ...form, subject: e.target.value,
          grade: e.target.value === 'complaint' ? 'major' : 'urgent', target: e.target.value === 'complaint' ? 'first_response' : 'reply' })}>
          ${choices('sla_subject').map((c) => html`<option value=${c.code} key=${c.code}>${c.text}</option>`)}</select><//>
      <${Field} label=" " error=${errs.level || errs.urgency}>
        <select name="grade" aria-label=${t('sla.about')} value=${form.grade} onChange=${set('grade')}>
          ${grades.map((c) => html`<option value=${c.code} key=${c.code}>${c.text}</option>`)}</select><//>
      <${Field} label=${t('sla.target')} error=${errs.target}>
        <select name="target" value=${form.target} onChange=${set('target')}>
          ${targets.map((c) => html`<option value=${c.code} key=${c.code}>${c.text}</option>`)}</select><//>
      <${Field} label=${t('sla.amount')} required error=${errs.amount}>
        <input type="number" name="new_amount" min="1" max="10000" step="1" value=${form.amount} onInput=${set('amount')} /><//>
      <${Field} label=${t('sla.unit')} error=${errs.unit}>
        <select name="new_unit" value=${form.unit} onChange=${set('unit')}>
          ${choices('sla_unit').map((c) => html`<option value=${c.code} key=${c.code}>${c.text}</option>`)}</select><//>
    </div>
    <${ErrorBox} error=${act.error} />
    <div class="actions"><button class="primary" disabled=${act.busy || !form.amount}>${t('submit')}</button></div></form>
  </details>`;
}

export function ServiceLevels({ me, community }) {
  const canEdit = me.role === 'director';
  const list = useAsync(() => pb.collection('sla_policies').getFullList({
    filter: pb.filter('community = {:c} && ends_at = ""', { c: community.id }), sort: 'subject,level,urgency',
  }), [community.id]);
  const rows = (list.data || []).slice().sort((a, b) => a.subject.localeCompare(b.subject) || ORDER[a.target] - ORDER[b.target]
    || (a.level || a.urgency || '').localeCompare(b.level || b.urgency || ''));
  return html`
    <h1>${t('sla.title')}</h1>
    <p class="small muted">${t('sla.intro')} ${canEdit ? '' : t('sla.readOnly')}</p>
    <div class="card">
      ${list.loading && !list.data ? html`<${Loading} />` : list.error ? html`<${ErrorBox} error=${list.error} retry=${list.reload} />`
        : rows.length === 0 ? html`<${Empty} text=${t('sla.none')} />` : html`
      <div class="table-wrap"><table class="sla-table" data-testid="sla-table">
        <thead><tr><th>${t('sla.about')}</th><th>${t('sla.target')}</th><th>${t('sla.amount')}</th><th>${t('sla.hours')}</th><th></th></tr></thead>
        <tbody>${rows.map((p) => html`<${PolicyRow} key=${p.id + p.updated} p=${p} canEdit=${canEdit} onSaved=${list.reload} />`)}</tbody>
      </table></div>`}
    </div>
    ${canEdit && html`<${AddPolicy} community=${community} onSaved=${list.reload} />`}`;
}
