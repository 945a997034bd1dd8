// The working-day calendar (#/calendar, 工作日历): a year's statutory
// holidays and make-up working days, built in from the State Council's
// schedules or entered by the director. The director adds or corrects days,
// previews which open deadlines the change moves (old → new) and saves it;
// the deadlines move with it (docs/DESIGN.md § Operations). Supervisors read
// it. CalendarBanner warns the supervisors and the director 60 days before a
// year without a schedule begins.
import { html, useState, useEffect } from '../core/html.js';
import { pb } from '../core/api.js';
import { t, addMessages } from '../core/i18n.js';
import { dateTime, today } from '../core/format.js';
import { Loading, ErrorBox, Empty, Field, useAsync, useAction, confirmBox, toast } from '../core/ui.js';

addMessages({
  'cal.title': ['工作日历', 'Working-day calendar'],
  'cal.year': ['年份', 'Year'],
  'cal.prev': ['上一年', 'Previous year'],
  'cal.next': ['下一年', 'Next year'],
  'cal.scheduled': ['已有节假日安排', 'Holiday schedule in place'],
  'cal.days': ['节假日与调休', 'Holidays and make-up days'],
  'cal.none': ['这一年还没有节假日安排', 'No holidays or make-up days for this year'],
  'cal.date': ['日期', 'Date'],
  'cal.weekday': ['星期', 'Weekday'],
  'cal.kind': ['安排', 'Arrangement'],
  'cal.name': ['名称', 'Name'],
  'cal.note': ['备注', 'Note'],
  'cal.source': ['来源', 'Source'],
  'cal.builtin': ['国务院通知（内置）', 'State Council (built in)'],
  'cal.entered': ['主任录入', 'Entered by the director'],
  'cal.holiday': ['放假', 'Day off'],
  'cal.workday': ['调休上班', 'Make-up working day'],
  'cal.correct': ['更正', 'Correct'],
  'cal.drop': ['删除录入', 'Remove entry'],
  'cal.add': ['录入或更正一天', 'Enter or correct a day'],
  'cal.addHint': ['同一天已有安排时以录入的为准', 'An entered day overrides the built-in one'],
  'cal.put': ['加入改动', 'Add to the change'],
  'cal.pending': ['待保存的改动', 'Change to save'],
  'cal.pendingNone': ['还没有改动', 'No change yet'],
  'cal.willRemove': ['删除录入，恢复内置安排', 'remove the entry, back to the built-in day'],
  'cal.undo': ['撤回', 'Undo'],
  'cal.preview': ['预览受影响的期限', 'Preview the deadlines it moves'],
  'cal.save': ['保存改动', 'Save the change'],
  'cal.saveTitle': ['保存 {year} 年的日历改动？', 'Save the change to {year}?'],
  'cal.saveBody': ['{n} 个未结期限将随之改期，并记入各单据的操作记录。', '{n} open deadlines move with it, each noted in its timeline.'],
  'cal.saved': ['已保存，{n} 个期限已改期', 'Saved; {n} deadlines moved'],
  'cal.moves': ['会改期的未结期限', 'Open deadlines that move'],
  'cal.movesNone': ['没有未结期限会因此改期', 'No open deadline moves'],
  'cal.others': ['另有 {n} 个其它小区的期限也会改期', '{n} more in other communities move too'],
  'cal.doc': ['单据', 'Document'],
  'cal.deadline': ['期限', 'Deadline'],
  'cal.from': ['原期限', 'Was'],
  'cal.to': ['新期限', 'Now'],
  'cal.field.first_response_due': ['投诉首次回应', 'Complaint first response'],
  'cal.field.reply_due': ['投诉答复', 'Complaint reply'],
  'cal.field.engineering_due': ['装修工程审核', 'Renovation engineering review'],
  'cal.field.approval_due': ['装修主任审批', "Renovation director's approval"],
  'cal.readOnly': ['只有管理处主任可以录入或更正工作日历', 'Only the director enters or corrects the calendar'],
  'cal.open': ['去录入', 'Enter it'],
  'cal.wd': ['日,一,二,三,四,五,六', 'Sun,Mon,Tue,Wed,Thu,Fri,Sat'],
});

const weekday = (d) => t('cal.wd').split(',')[new Date(d + 'T12:00:00+08:00').getUTCDay()];
const docLink = (m) => (m.collection === 'complaints' ? '#/complaints/' : '#/renovations/') + m.id;

/** CalendarBanner: the year without a schedule, from 60 days before it begins (supervisor, director). */
export function CalendarBanner({ me }) {
  const manager = me.role === 'supervisor' || me.role === 'director';
  const warning = useAsync(() => (manager ? pb.send('/api/wuye/calendar/warning', { method: 'GET' }) : Promise.resolve(null)), [me.id]);
  const w = warning.data;
  if (!w || !w.warn) return null;
  return html`<div class="banner" role="status" data-testid="calendar-banner">${w.message}
    ${me.role === 'director' && html` · <a href=${'#/calendar?year=' + w.year}>${t('cal.open')}</a>`}</div>`;
}

function Moves({ result }) {
  if (!result) return null;
  return html`<section class="card" aria-labelledby="cal-moves" data-testid="calendar-moves">
    <h2 id="cal-moves">${t('cal.moves')}</h2>
    ${!result.moves.length ? html`<${Empty} text=${t('cal.movesNone')} />` : html`
    <table class="t">
      <thead><tr><th>${t('cal.doc')}</th><th>${t('cal.deadline')}</th><th>${t('cal.from')}</th><th>${t('cal.to')}</th></tr></thead>
      <tbody>${result.moves.map((m) => html`<tr key=${m.id + m.field}>
        <td><a href=${docLink(m)}>${m.serial}</a></td><td>${t('cal.field.' + m.field)}</td>
        <td>${dateTime(m.from)}</td><td><strong>${dateTime(m.to)}</strong></td></tr>`)}</tbody>
    </table>`}
    ${result.others > 0 && html`<p class="muted small">${t('cal.others', { n: result.others })}</p>`}
  </section>`;
}

export function CalendarScreen({ me, query }) {
  const director = me.role === 'director';
  const asked = Number(query?.get('year')) || 0;
  const [year, setYear] = useState(asked || Number(today().slice(0, 4)));
  const [days, setDays] = useState({}); // date → { date, kind, name, note } to enter or correct
  const [remove, setRemove] = useState([]); // entered dates to remove
  const [form, setForm] = useState({ date: '', kind: 'holiday', name: '', note: '' });
  const [result, setResult] = useState(null);
  const action = useAction();
  const cal = useAsync(() => pb.send('/api/wuye/calendar/' + year, { method: 'GET' }), [year]);
  const entered = useAsync(() => pb.collection('work_calendar').getFullList({
    filter: pb.filter('date >= {:a} && date <= {:b}', { a: `${year}-01-01`, b: `${year}-12-31` }), sort: 'date',
  }), [year]);
  const enteredDates = new Set((entered.data || []).map((r) => r.date.slice(0, 10)));
  const change = { days: Object.values(days), remove };
  const changed = change.days.length + remove.length > 0;
  const goYear = (y) => { setYear(y); setDays({}); setRemove([]); setResult(null); action.setError(null); };
  useEffect(() => { if (asked && asked !== year) goYear(asked); }, [asked]); // a link to another year (the banner's)

  const put = (e) => {
    e.preventDefault();
    if (!form.date.startsWith(year + '-')) return;
    setDays((d) => ({ ...d, [form.date]: { ...form } }));
    setRemove((r) => r.filter((x) => x !== form.date));
    setResult(null);
    setForm({ date: '', kind: 'holiday', name: '', note: '' });
  };
  const correct = (x) => setForm({ date: x.date, kind: x.working ? 'holiday' : 'workday', name: x.name, note: '' });
  const drop = (date) => { setRemove((r) => [...new Set([...r, date])]); setDays((d) => { const n = { ...d }; delete n[date]; return n; }); setResult(null); };
  const undo = (date) => { setRemove((r) => r.filter((x) => x !== date)); setDays((d) => { const n = { ...d }; delete n[date]; return n; }); setResult(null); };
  const preview = () => action.run(async () => {
    setResult(await pb.send(`/api/wuye/calendar/${year}/preview`, { method: 'POST', body: change }));
  });
  const save = () => action.run(async () => {
    const p = await pb.send(`/api/wuye/calendar/${year}/preview`, { method: 'POST', body: change });
    setResult(p);
    if (!await confirmBox({ title: t('cal.saveTitle', { year }), body: t('cal.saveBody', { n: p.moved }), ok: t('cal.save') })) return;
    const out = await pb.send(`/api/wuye/calendar/${year}`, { method: 'POST', body: change });
    setResult(out);
    setDays({});
    setRemove([]);
    toast(t('cal.saved', { n: out.moved }));
    cal.reload();
    entered.reload();
  });

  return html`
    <div class="row between"><h1>${t('cal.title')}</h1>
      <div class="row">
        <button type="button" class="ghost" onClick=${() => goYear(year - 1)}>‹ ${t('cal.prev')}</button>
        <strong data-testid="calendar-year">${year}</strong>
        <button type="button" class="ghost" onClick=${() => goYear(year + 1)}>${t('cal.next')} ›</button>
      </div></div>
    ${cal.data && (cal.data.scheduled ? html`<p class="muted small">${t('cal.scheduled')}</p>`
      : html`<div class="state error" role="alert">${cal.data.message}</div>`)}
    <section class="card" aria-labelledby="cal-days">
      <h2 id="cal-days">${t('cal.days')} · ${year}</h2>
      ${cal.loading && !cal.data ? html`<${Loading} />` : cal.error ? html`<${ErrorBox} error=${cal.error} retry=${cal.reload} />`
        : !cal.data.exceptions.length ? html`<${Empty} text=${t('cal.none')} />` : html`
      <table class="t" data-testid="calendar-days">
        <thead><tr><th>${t('cal.date')}</th><th>${t('cal.weekday')}</th><th>${t('cal.kind')}</th><th>${t('cal.name')}</th><th>${t('cal.source')}</th>${director && html`<th></th>`}</tr></thead>
        <tbody>${cal.data.exceptions.map((x) => html`<tr key=${x.date} data-date=${x.date}>
          <td>${x.date}</td><td>${weekday(x.date)}</td>
          <td><span class=${'chip ' + (x.working ? 's-warn' : 's-muted')}>${t(x.working ? 'cal.workday' : 'cal.holiday')}</span></td>
          <td>${x.name}</td><td class="small muted">${t(enteredDates.has(x.date) ? 'cal.entered' : 'cal.builtin')}</td>
          ${director && html`<td class="row">
            <button type="button" class="link" onClick=${() => correct(x)}>${t('cal.correct')}</button>
            ${enteredDates.has(x.date) && html`<button type="button" class="link" onClick=${() => drop(x.date)}>${t('cal.drop')}</button>`}
          </td>`}</tr>`)}</tbody>
      </table>`}
    </section>
    ${!director ? html`<p class="muted small">${t('cal.readOnly')}</p>` : html`
    <form class="card" onSubmit=${put} aria-labelledby="cal-add">
      <h2 id="cal-add">${t('cal.add')}</h2>
      <div class="row">
        <${Field} label=${t('cal.date')} required hint=${t('cal.addHint')}><input type="date" name="date" required min=${year + '-01-01'} max=${year + '-12-31'}
          value=${form.date} onInput=${(e) => setForm({ ...form, date: e.target.value })} /><//>
        <${Field} label=${t('cal.kind')}><select name="kind" value=${form.kind} onChange=${(e) => setForm({ ...form, kind: e.target.value })}>
          <option value="holiday">${t('cal.holiday')}</option><option value="workday">${t('cal.workday')}</option></select><//>
        <${Field} label=${t('cal.name')}><input name="name" maxlength="50" value=${form.name} onInput=${(e) => setForm({ ...form, name: e.target.value })} /><//>
        <${Field} label=${t('cal.note')}><input name="note" maxlength="500" value=${form.note} onInput=${(e) => setForm({ ...form, note: e.target.value })} /><//>
      </div>
      <div class="row end"><button type="submit">${t('cal.put')}</button></div>
    </form>
    <section class="card" aria-labelledby="cal-pending" data-testid="calendar-pending">
      <h2 id="cal-pending">${t('cal.pending')}</h2>
      ${!changed ? html`<${Empty} text=${t('cal.pendingNone')} />` : html`<ul>
        ${change.days.map((d) => html`<li key=${d.date}>${d.date}（${weekday(d.date)}）${t(d.kind === 'holiday' ? 'cal.holiday' : 'cal.workday')} ${d.name}
          <button type="button" class="link" onClick=${() => undo(d.date)}>${t('cal.undo')}</button></li>`)}
        ${remove.map((d) => html`<li key=${d}>${d}：${t('cal.willRemove')} <button type="button" class="link" onClick=${() => undo(d)}>${t('cal.undo')}</button></li>`)}
      </ul>`}
      ${action.error && html`<${ErrorBox} error=${action.error} />`}
      <div class="row end">
        <button type="button" disabled=${!changed || action.busy} onClick=${preview}>${t('cal.preview')}</button>
        <button type="button" class="primary" disabled=${!changed || action.busy} onClick=${save}>${t('cal.save')}</button>
      </div>
    </section>
    <${Moves} result=${result} />`}`;
}
