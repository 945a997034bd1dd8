// The steps of a complaint (each a button with inline inputs for what it
// requires or takes along) and the desk's edits without a step.
import { html, useState, useEffect } from '../../core/html.js';
import { pb, fieldErrors } from '../../core/api.js';
import { t, addMessages, label, choices } from '../../core/i18n.js';
import { stepsFrom, fieldLabel, isTerminal } from '../../core/flows.js';
import { ErrorBox, Field, useAsync, useAction, confirmBox, toast } from '../../core/ui.js';
import { GRADED, CASE_EXPAND, DEPT_BY_ROLE, hidden } from './common.js';
import { COMPLAINT_DESK } from '../roles.js';

addMessages({
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
  'case.suggested': ['建议：本楼栋所在片区的管理员', 'Suggested: the area manager of this building'],
  'case.suggestedHint': ['已按楼栋所在片区建议 {name}', '{name} is suggested, by the building\'s area'],
  'case.pickDept': ['选择部门', 'Choose a department'],
  'case.resultHint': ['住户会看到这段处理结果', 'The complainant reads this result'],
  'case.saveDraft': ['保存草稿', 'Save draft'],
  'case.draftSaved': ['处理结果草稿已保存', 'Draft saved'],
  'case.edit': ['修改投诉信息', 'Edit details'],
  'case.editHint': ['更正类别、级别、部门、处理人或联系方式；每次修改都记入进度。', 'Correct the category, level, department, handler or contact; every change is recorded.'],
  'case.editSaved': ['已保存修改', 'Changes saved'],
  'case.editNothing': ['没有修改', 'Nothing changed'],
  'case.gradedNote': ['改为重要、热点或集体会立即通知主管和主任。', 'Grading it major, hot or collective notifies the supervisor and director.'],
});

/**
 * useStaff lists the community's active staff for the handler picker, each
 * area manager with the areas they look after (areas.manager).
 */
function useStaff(community) {
  return useAsync(async () => {
    if (!community) return [];
    const [staff, areas] = await Promise.all([
      pb.collection('staff').getFullList({ filter: pb.filter('active = true && communities.id ?= {:c}', { c: community }), sort: 'name', fields: 'id,name,role' }),
      pb.collection('areas').getFullList({ filter: pb.filter('community = {:c}', { c: community }), sort: 'name', fields: 'id,name,manager' }),
    ]);
    return staff.map((s) => ({ ...s, areas: areas.filter((a) => a.manager === s.id) }));
  }, [community]);
}

/** areaOf: the area of the building the complaint is about, if known. */
export const areaOf = (c) => c.expand?.building?.area || c.expand?.unit?.expand?.building?.area || '';

/** suggested: the area manager of the complaint's building, if there is one. */
export const suggested = (staff, c) => {
  const area = areaOf(c);
  return area ? staff.find((s) => s.role === 'area_manager' && s.areas?.some((a) => a.id === area)) : undefined;
};

const ROLE_ORDER = ['area_manager', 'engineer', 'security', 'front_desk', 'supervisor', 'director', 'admin_office', 'technician', 'cashier'];

function optionText(s) {
  const areas = (s.areas || []).map((a) => a.name).join('、');
  return `${s.name}（${label('role', s.role)}${areas ? ' · ' + areas : ''}）`;
}

/** HandlerSelect: the suggested area manager first, then everyone by role, area managers with their areas. */
function HandlerSelect({ staff, value, onChange, blank, id, c }) {
  const hint = c ? suggested(staff, c) : undefined;
  const rest = staff.filter((s) => s !== hint);
  const byRole = ROLE_ORDER.map((r) => [r, rest.filter((s) => s.role === r)]).filter(([, l]) => l.length);
  return html`<select id=${id} name="handler" value=${value} onChange=${(e) => onChange(e.target.value)}>
    ${blank && html`<option value="">${t('case.pickHandler')}</option>`}
    ${hint && html`<optgroup label=${t('case.suggested')}><option value=${hint.id} data-suggested="1">${optionText(hint)} ★</option></optgroup>`}
    ${byRole.map(([r, l]) => html`<optgroup label=${label('role', r)}>${l.map((s) => html`<option value=${s.id}>${optionText(s)}</option>`)}</optgroup>`)}
  </select>`;
}

function DeptSelect({ value, onChange, blank }) {
  return html`<select name="department" value=${value} onChange=${(e) => onChange(e.target.value)}>
    ${blank && html`<option value="">${t('case.pickDept')}</option>`}
    ${choices('department').map((d) => html`<option value=${d.code}>${d.text}</option>`)}
  </select>`;
}

export function StepsPanel({ c, me, community, actors, onSaved }) {
  const steps = stepsFrom('complaints', c.status, actors);
  // Revisiting and closing are the desk's revisit queue's (desk.js).
  const here = steps.filter((s) => s.to !== 'revisited' && s.to !== 'closed');
  const elsewhere = steps.length > here.length;
  const needsStaff = here.some((s) => [...(s.requires || []), ...(s.extras || [])].includes('handler'));
  const staff = useStaff(needsStaff ? community.id : '');
  const draft = c.status === 'processing' && actors.includes('handler') && !COMPLAINT_DESK.includes(me.role);
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
    ${fields.includes('handler') && html`<${Field} label=${fieldLabel('handler')} required=${req('handler')} error=${errs.handler}
        hint=${suggested(staff, c) ? t('case.suggestedHint', { name: optionText(suggested(staff, c)) }) : ''}>
      <${HandlerSelect} staff=${staff} value=${form.handler} onChange=${set('handler')} blank c=${c} /><//>`}
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
export function EditPanel({ c, community, onSaved }) {
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
            : html`<${HandlerSelect} staff=${staff.data || (c.expand?.handler ? [c.expand.handler] : [])} value=${form.handler} onChange=${set('handler')} c=${c} />`}<//>`}
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
