// The community's KPI targets (kpi_targets): shown on the dashboard to its
// supervisors and director, changed by the director alone (the server's
// update rule; docs/DESIGN.md § Reports). They start from the manuals'
// defaults: [002] 三 3.3–3.4, [004] 三 3.6, 3.9, 7.6, [003] 2.7, [000] 管理员
// 3.2, 4.1.5.
import { html, useState, useEffect } from '../../core/html.js';
import { pb, fieldErrors } from '../../core/api.js';
import { t, addMessages } from '../../core/i18n.js';
import { ErrorBox, Field, useAsync, useAction, toast } from '../../core/ui.js';

addMessages({
  'tg.title': ['考核目标', 'Targets'],
  'tg.hint': ['默认取自公司手册；只有管理处主任可以修改，每次修改都会记录。比率填 0 表示不考核。', 'The defaults come from the manuals; only the director changes them, and every change is recorded. A rate of 0 means no target.'],
  'tg.readOnly': ['只有管理处主任可以修改考核目标', 'Only the director changes the targets'],
  'tg.save': ['保存目标', 'Save the targets'],
  'tg.saved': ['考核目标已保存', 'Targets saved'],
  'tg.note': ['说明（为何与手册不同）', 'Note (why they differ from the manuals)'],
  'tg.f.problem_solving_rate': ['问题解决率 ≥（%，每月）', 'Problems solved ≥ (%, monthly)'],
  'tg.f.annual_satisfaction': ['年度业主满意度 ≥（%，调查）', 'Annual owner satisfaction ≥ (%, surveys)'],
  'tg.f.complaint_on_time_rate': ['投诉处理及时率 ≥（%）', 'Complaints answered on time ≥ (%)'],
  'tg.f.complaint_satisfaction': ['投诉回访满意度 ≥（%）', 'Complaint revisit satisfaction ≥ (%)'],
  'tg.f.reply_rate': ['报修 15 分钟回复率 ≥（%）', '15-minute replies ≥ (%)'],
  'tg.f.arrival_rate': ['准时到场率 ≥（%）', 'On-time arrivals ≥ (%)'],
  'tg.f.rework_rate': ['返工率 ≤（%）', 'Rework rate ≤ (%)'],
  'tg.f.order_satisfaction': ['维修回访满意度 ≥（%）', 'Repair satisfaction ≥ (%)'],
  'tg.f.home_visit_share': ['上门回访比例 ≥（%）', 'Home-visit revisits ≥ (%)'],
  'tg.f.management_collection_rate': ['物业管理费收缴率 ≥（%）', 'Management fee collected ≥ (%)'],
  'tg.f.utilities_collection_rate': ['公用事业费收缴率 ≥（%）', 'Utilities collected ≥ (%)'],
  'tg.f.patrol_coverage': ['空置房巡查完成率 ≥（%）', 'Vacant-unit patrols done ≥ (%)'],
  'tg.f.renovation_reviews_overdue': ['装修审批超时 ≤（件）', 'Renovation reviews overdue ≤ (count)'],
});

/** FIELDS: the kpi_targets fields in the order shown; count: a whole number, not a rate. */
const FIELDS = [
  'problem_solving_rate', 'annual_satisfaction', 'complaint_on_time_rate', 'complaint_satisfaction',
  'reply_rate', 'arrival_rate', 'rework_rate', 'order_satisfaction', 'home_visit_share',
  'management_collection_rate', 'utilities_collection_rate', 'patrol_coverage', 'renovation_reviews_overdue',
];
const COUNT = new Set(['renovation_reviews_overdue']);

const shown = (k, v) => (COUNT.has(k) ? String(v ?? 0) : String(Math.round((v ?? 0) * 10000) / 100));

export function Targets({ me, community, onSaved }) {
  const rec = useAsync(() => pb.collection('kpi_targets').getFirstListItem(pb.filter('community = {:c}', { c: community.id })), [community.id]);
  const [form, setForm] = useState(null);
  const act = useAction();
  const director = me.role === 'director';
  useEffect(() => {
    if (rec.data) setForm(Object.fromEntries([...FIELDS.map((k) => [k, shown(k, rec.data[k])]), ['note', rec.data.note || '']]));
  }, [rec.data]);
  if (!rec.data || !form) return rec.error ? html`<${ErrorBox} error=${rec.error} retry=${rec.reload} />` : null;
  const errs = fieldErrors(act.error);
  const submit = async (e) => {
    e.preventDefault();
    const body = { note: form.note.trim() };
    for (const k of FIELDS) {
      const n = Number(form[k]);
      body[k] = COUNT.has(k) ? n : Math.round(n * 100) / 10000;
    }
    const saved = await act.run(() => pb.collection('kpi_targets').update(rec.data.id, body));
    if (saved) { toast(t('tg.saved')); rec.setData(saved); onSaved?.(); }
  };
  return html`<details class="card targets no-print" data-testid="kpi-targets">
    <summary><h2>${t('tg.title')}</h2></summary>
    <p class="muted small">${director ? t('tg.hint') : t('tg.readOnly')}</p>
    <form class="stack" onSubmit=${submit} novalidate aria-label=${t('tg.title')}>
      <div class="grid2">
        ${FIELDS.map((k) => html`<${Field} key=${k} label=${t('tg.f.' + k)} error=${errs[k]}>
          <input type="number" name=${k} min="0" max=${COUNT.has(k) ? 1000 : 100} step=${COUNT.has(k) ? 1 : 0.1} required
            disabled=${!director} value=${form[k]} onInput=${(e) => setForm({ ...form, [k]: e.target.value })} /><//>`)}
      </div>
      <${Field} label=${t('tg.note')} error=${errs.note}>
        <input type="text" name="note" maxlength="500" disabled=${!director} value=${form.note} onInput=${(e) => setForm({ ...form, note: e.target.value })} /><//>
      <${ErrorBox} error=${act.error} />
      ${director && html`<div class="row"><button class="primary" disabled=${act.busy}>${act.busy ? t('submitting') : t('tg.save')}</button></div>`}
    </form>
  </details>`;
}
