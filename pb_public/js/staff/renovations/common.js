// What the renovation screens share (装修管理, docs/DESIGN.md § Renovation):
// who does what, the words on a step's button, and StepPanel, the steps the
// server lets the signed-in role take on a renovation or a hot-work permit.
import { html, useState } from '../../core/html.js';
import { pb, fieldErrors } from '../../core/api.js';
import { t, addMessages, choices } from '../../core/i18n.js';
import { parseDate } from '../../core/format.js';
import { stepsFrom, stepVerb, statusLabel, fieldLabel } from '../../core/flows.js';
import { ErrorBox, Field, useAction, toast, confirmBox } from '../../core/ui.js';

addMessages({
  'reno.sep': ['、', ', '],
  'reno.colon': ['：', ': '],
  'reno.overdue': ['已超时', 'Overdue'],
  'reno.sum.passes': ['出入证 {n} 张', '{n} passes'],
  'reno.hwWindow': ['{from} 至 {to}', '{from} to {to}'],

  'reno.actions': ['办理', 'Actions'],
  'reno.needFor': ['“{step}”须填写此项', 'Needed to {step}'],
  'reno.fillFirst': ['请先填写{field}', 'Fill in the {field} first'],
  'reno.optionalFor': ['“{step}”时可填写', 'Optional when you {step}'],
  'reno.confirmStep': ['确认{step}？', '{step}?'],
  'reno.stepDone': ['已办理：{status}', 'Done: {status}'],
  'reno.f.engineering_comment': ['工程部意见', 'Engineering comment'],
  'reno.f.reject_reason': ['驳回原因', 'Reason for rejection'],
  'reno.f.director_comment': ['主任意见', "Director's comment"],
  'reno.f.suspend_reason': ['停工原因', 'Why work stops'],
  'reno.f.acceptance_changes': ['验收整改要求', 'Changes required'],
  'reno.f.resident_signed': ['业主（住户）已签字', 'Resident signed'],
  'reno.f.contractor_signed': ['施工单位已签字', 'Contractor signed'],
  'reno.f.office_signed': ['物业已签字', 'Office signed'],
  'reno.do.renovations.submitted.engineering_passed': ['工程审核通过', 'Pass the engineering review'],
  'reno.do.renovations.submitted.rejected': ['驳回申请', 'Reject the application'],
  'reno.do.renovations.engineering_passed.approved': ['批准装修', 'Approve'],
  'reno.do.renovations.engineering_passed.submitted': ['退回工程部', 'Return to engineering'],
  'reno.do.renovations.approved.permitted': ['发放施工许可证', 'Issue the permit'],
  'reno.do.renovations.permitted.suspended': ['停工整改', 'Stop work'],
  'reno.do.renovations.suspended.permitted': ['整改完成，准予复工', 'Resume work'],
  'reno.do.renovations.permitted.completion_requested': ['登记完工，申请验收', 'Record completion'],
  'reno.do.renovations.completion_requested.accepted': ['验收合格', 'Accept'],
  'reno.do.renovations.completion_requested.acceptance_failed': ['验收不合格', 'Fail the acceptance'],
  'reno.do.renovations.acceptance_failed.completion_requested': ['整改完毕，再次申请验收', 'Ask for acceptance again'],
  'reno.do.renovations.accepted.closed': ['结案（押金已全部扣除）', 'Close (the deposit was deducted in full)'],
  'reno.do.hot_work_permits.requested.security_reviewed': ['秩序维护部审核通过', 'Pass (security)'],
  'reno.do.hot_work_permits.security_reviewed.center_reviewed': ['客服中心审核通过', 'Pass (service center)'],
  'reno.do.hot_work_permits.center_reviewed.approved': ['批准动火', 'Approve hot work'],
  'reno.do.hot_work_permits.rejected': ['驳回动火申请', 'Refuse'],
  'reno.body.engineering_passed': ['转交管理处主任，在 1 个工作日内审批。', 'It goes to the director, who decides within 1 working day.'],
  'reno.body.rejected': ['驳回后本申请结束，住户须修改方案重新申请。', 'The application ends; the resident must apply again.'],
  'reno.body.approved': ['批准后办理装修协议、费用、押金和出入证，再发施工许可证。', 'Next: agreement, fees, deposit and worker passes, then the permit.'],
  'reno.body.submitted': ['退回工程部重新审核（2 个工作日内）。', 'Engineering reviews it again within 2 working days.'],
  'reno.body.suspended': ['停工期间出入证暂停有效，复工须主管或主任确认。', 'Worker passes stop working until a supervisor or the director resumes the works.'],
  'reno.body.accepted': ['验收合格满等待期（默认 6 个月）后，由前台受理押金清退申请，主任审批，收费员退款（扣除违规扣款）。', 'After the waiting period (6 months by default) the desk takes the refund request, the director approves it and the cashier pays the deposit less deductions.'],
  'reno.body.acceptance_failed': ['住户整改后可再次申请验收。', 'The resident may ask again once the changes are made.'],
  'reno.body.closed': ['押金已全部扣除，没有可退还的余额；结案后不能再修改。', 'Nothing is left of the deposit to refund; a closed renovation cannot change.'],
  'reno.body.completion_requested': ['由业主、施工单位和物业三方联合验收。', 'Resident, contractor and office then inspect it together.'],
  'reno.badYuan': ['请输入金额，如 2000 或 2000.50', 'Enter an amount such as 2000 or 2000.50'],
});

// Who does what (the API rules and the flow table decide; these shape the page).
export { DESK, CASH } from '../roles.js';
export const SITE = ['engineer', 'area_manager', 'security', 'supervisor', 'director'];
export const HOT_WORK_FILERS = ['front_desk', 'supervisor'];
export const seesMoney = (role) => role !== 'security' && role !== 'technician';
export const ON_SITE = ['permitted', 'suspended'];
export const CHECKS = ['permit_posted', 'working_hours_kept', 'within_scope', 'debris_cleared', 'corridor_doors_closed', 'no_open_flame', 'wiring_safe'];
const BOOL_FIELDS = ['resident_signed', 'contractor_signed', 'office_signed'];
// fields picked from a vocabulary (field → vocabulary), and one-line fields
const SELECT_FIELDS = { method: 'method' };
const LINE_FIELDS = ['payee_name'];
const DANGER = ['rejected', 'suspended', 'acceptance_failed'];

/** required extinguishers: one 2 kg per 50 m², a part counting as 50 m² (hooks.ExtinguishersRequired). */
export const extinguishersRequired = (area) => Math.ceil((Number(area) || 0) / 50 - 1e-9);

export const fenToInput = (fen) => (fen ? String(fen / 100) : '');

export const fLabel = (f) => { const k = 'reno.f.' + f; const s = t(k); return s === k ? fieldLabel(f) : s; };

/** stepName: the words on a step's button. */
export function stepName(col, s) {
  for (const k of [`reno.do.${col}.${s.from}.${s.to}`, `reno.do.${col}.${s.to}`]) {
    const v = t(k);
    if (v !== k) return v;
  }
  return stepVerb(col, s);
}
function stepBody(col, s) {
  if (col !== 'renovations') return '';
  const k = 'reno.body.' + s.to;
  const v = t(k);
  return v === k ? '' : v;
}

export const isOverdue = (r) => r.review_overdue || (r.status === 'submitted' && parseDate(r.engineering_due) < new Date())
  || (r.status === 'engineering_passed' && parseDate(r.approval_due) < new Date());

/**
 * StepPanel shows the steps of col the server lets role take from rec's
 * status, with one input for each field a step requires or takes along;
 * exclude lists "to:from" pairs shown elsewhere (the permit, in the checklist).
 */
export function StepPanel({ col, rec, role, exclude = [], onSaved, testid, compact }) {
  const steps = stepsFrom(col, rec.status, [role]).filter((s) => !exclude.includes(`${s.to}:${s.from}`));
  const [vals, setVals] = useState({});
  const [local, setLocal] = useState({});
  const act = useAction();
  if (!steps.length) return null;
  const fields = [];
  for (const s of steps) for (const f of [...s.requires, ...s.extras]) if (!fields.includes(f)) fields.push(f);
  const value = (f) => (f in vals ? vals[f] : BOOL_FIELDS.includes(f) ? !!rec[f] : '');
  const take = async (s) => {
    const missing = s.requires.filter((f) => !String(value(f)).trim() || value(f) === false);
    if (missing.length) {
      setLocal(Object.fromEntries(missing.map((f) => [f, t('reno.fillFirst', { field: fLabel(f) })])));
      return;
    }
    setLocal({});
    const name = stepName(col, s);
    if (!(await confirmBox({ title: t('reno.confirmStep', { step: name }), body: stepBody(col, s), ok: name, danger: DANGER.includes(s.to) }))) return;
    const body = { status: s.to };
    for (const f of [...s.requires, ...s.extras]) {
      if (BOOL_FIELDS.includes(f)) body[f] = !!value(f);
      else if (String(value(f)).trim()) body[f] = String(value(f)).trim();
    }
    const saved = await act.run(() => pb.collection(col).update(rec.id, body));
    if (saved) {
      toast(t('reno.stepDone', { status: statusLabel(col, saved.status) }));
      setVals({});
      onSaved(saved);
    }
  };
  const errs = { ...fieldErrors(act.error), ...local };
  const hint = (f) => {
    const need = steps.filter((s) => s.requires.includes(f)).map((s) => stepName(col, s));
    if (need.length) return t('reno.needFor', { step: need.join(t('reno.sep')) });
    return t('reno.optionalFor', { step: steps.filter((s) => s.extras.includes(f)).map((s) => stepName(col, s)).join(t('reno.sep')) });
  };
  const control = (f) => {
    const onInput = (e) => setVals({ ...vals, [f]: e.target.value });
    if (SELECT_FIELDS[f]) {
      return html`<select name=${f} value=${value(f)} onChange=${onInput}><option value="">—</option>
        ${choices(SELECT_FIELDS[f]).map((c) => html`<option value=${c.code} key=${c.code}>${c.text}</option>`)}</select>`;
    }
    if (LINE_FIELDS.includes(f)) return html`<input type="text" name=${f} maxlength="50" value=${value(f)} onInput=${onInput} />`;
    return html`<textarea name=${f} maxlength="2000" rows="2" value=${value(f)} onInput=${onInput}></textarea>`;
  };
  const inputs = fields.map((f) => BOOL_FIELDS.includes(f)
    ? html`<label class="row check" key=${f}><input type="checkbox" name=${f} checked=${value(f)} onChange=${(e) => setVals({ ...vals, [f]: e.target.checked })} /> ${fLabel(f)}
        ${errs[f] && html`<small class="field-error" role="alert">${errs[f]}</small>`}</label>`
    : html`<${Field} key=${f} label=${fLabel(f)} hint=${hint(f)} error=${errs[f]} required=${steps.some((s) => s.requires.includes(f))}>${control(f)}<//>`);
  const body = html`
    ${inputs.length > 0 && html`<div class="stack">${inputs}</div>`}
    <div class="actions">${steps.map((s) => html`<button type="button" key=${s.to} class=${DANGER.includes(s.to) ? 'danger' : 'primary'} disabled=${act.busy}
      onClick=${() => take(s)}>${stepName(col, s)}</button>`)}</div>
    <${ErrorBox} error=${act.error} />`;
  if (compact) return html`<div class="step-panel" data-testid=${testid}>${body}</div>`;
  return html`<section class="card step-panel" aria-labelledby=${'h-' + testid} data-testid=${testid}>
    <h2 id=${'h-' + testid}>${t('reno.actions')}</h2>${body}</section>`;
}
