// Hot-work permits (动火证) of a renovation: the list with each permit's
// steps, and the application form.
import { html, useState } from '../../core/html.js';
import { pb, fieldErrors } from '../../core/api.js';
import { t, addMessages } from '../../core/i18n.js';
import { dateTime } from '../../core/format.js';
import { ErrorBox, Empty, Status, Field, useAction, toast, confirmBox } from '../../core/ui.js';
import { HOT_WORK_FILERS, StepPanel } from './common.js';

addMessages({
  'reno.hotWork': ['动火证', 'Hot-work permits'],
  'reno.hotWorkNone': ['没有动火申请', 'No hot-work permits'],
  'reno.hotWorkFlow': ['秩序维护部审核 → 客服中心审核 → 总经理审批；只在批准的时间内、装修施工中有效。', 'Security, then the service center, then the general manager; valid only in its window while the works are permitted.'],
  'reno.hwNew': ['申请动火证', 'Request a hot-work permit'],
  'reno.hwOperator': ['动火人', 'Operator'],
  'reno.hwCert': ['特种作业操作证号', 'Operator certificate'],
  'reno.hwPlace': ['动火部位', 'Place'],
  'reno.hwStart': ['开始时间', 'From'],
  'reno.hwEnd': ['结束时间', 'Until'],
  'reno.hwConfirm': ['提交动火申请？', 'Request this hot-work permit?'],
  'reno.hwBody': ['提交后由秩序维护部先行审核。', 'Security reviews it first.'],
  'reno.hwSaved': ['动火申请已提交', 'Hot-work permit requested'],
  'reno.hwSigned': ['审核：{names}', 'Signed: {names}'],
  'reno.hwReason': ['驳回原因', 'Reason'],
});

export function HotWorkCard({ r, role, rel, again }) {
  const [open, setOpen] = useState(false);
  const list = rel.data?.hotWork || [];
  const canFile = HOT_WORK_FILERS.includes(role) && r.status === 'permitted';
  if (role === 'cashier' || (!canFile && !list.length)) return null;
  return html`<section class="card" aria-labelledby="h-reno-hw" data-testid="renovation-hot-work">
    <h2 id="h-reno-hw">${t('reno.hotWork')}
      ${canFile && !open && html`<span class="aside"><button type="button" onClick=${() => setOpen(true)}>${t('reno.hwNew')}</button></span>`}</h2>
    <p class="small muted">${t('reno.hotWorkFlow')}</p>
    ${open && html`<${HotWorkForm} r=${r} onDone=${() => { setOpen(false); again(); }} onCancel=${() => setOpen(false)} />`}
    ${!list.length ? html`<${Empty} text=${t('reno.hotWorkNone')} />` : html`<ul class="list">${list.map((h) => {
      const signed = ['security_by', 'center_by', 'approved_by'].map((f) => h.expand?.[f]?.name).filter(Boolean);
      return html`<li key=${h.id}><div class="hw">
        <div class="row between"><strong>${h.place}</strong><${Status} col="hot_work_permits" code=${h.status} /></div>
        <div class="sub small">${h.serial ? h.serial + ' · ' : ''}${h.operator_name} · ${h.operator_cert}</div>
        <div class="sub small">${t('reno.hwWindow', { from: dateTime(h.window_start), to: dateTime(h.window_end) })}</div>
        ${signed.length > 0 && html`<div class="sub small">${t('reno.hwSigned', { names: signed.join(t('reno.sep')) })}</div>`}
        ${h.reject_reason && html`<p class="note bad">${t('reno.hwReason')}${t('reno.colon')}${h.reject_reason}</p>`}
        <${StepPanel} key=${h.id + h.status} col="hot_work_permits" rec=${h} role=${role} onSaved=${again} testid=${'hw-steps-' + h.id} compact />
      </div></li>`;
    })}</ul>`}
  </section>`;
}

function HotWorkForm({ r, onDone, onCancel }) {
  const [form, setForm] = useState({ operator_name: '', operator_cert: '', place: '', window_start: '', window_end: '' });
  const act = useAction();
  const set = (k) => (e) => setForm({ ...form, [k]: e.target.value });
  const iso = (v) => (v ? new Date(v).toISOString() : '');
  const submit = async (e) => {
    e.preventDefault();
    if (!(await confirmBox({ title: t('reno.hwConfirm'), body: t('reno.hwBody'), ok: t('submit') }))) return;
    const saved = await act.run(() => pb.collection('hot_work_permits').create({
      renovation: r.id, operator_name: form.operator_name.trim(), operator_cert: form.operator_cert.trim(), place: form.place.trim(),
      window_start: iso(form.window_start), window_end: iso(form.window_end),
    }));
    if (saved) { toast(t('reno.hwSaved')); onDone(saved); }
  };
  const errs = fieldErrors(act.error);
  return html`<form class="stack sub-form" onSubmit=${submit} data-testid="hot-work-form" novalidate>
    <div class="grid2 pair">
      <${Field} label=${t('reno.hwOperator')} required error=${errs.operator_name}><input type="text" name="operator_name" maxlength="50" value=${form.operator_name} onInput=${set('operator_name')} /><//>
      <${Field} label=${t('reno.hwCert')} required error=${errs.operator_cert}><input type="text" name="operator_cert" maxlength="50" value=${form.operator_cert} onInput=${set('operator_cert')} /><//>
    </div>
    <${Field} label=${t('reno.hwPlace')} required error=${errs.place}><input type="text" name="place" maxlength="200" value=${form.place} onInput=${set('place')} /><//>
    <div class="grid2 pair">
      <${Field} label=${t('reno.hwStart')} required error=${errs.window_start}><input type="datetime-local" name="window_start" value=${form.window_start} onInput=${set('window_start')} /><//>
      <${Field} label=${t('reno.hwEnd')} required error=${errs.window_end}><input type="datetime-local" name="window_end" value=${form.window_end} onInput=${set('window_end')} /><//>
    </div>
    ${errs.renovation && html`<p class="field-error" role="alert">${errs.renovation}</p>`}
    <${ErrorBox} error=${act.error} />
    <div class="actions"><button type="button" class="ghost" onClick=${onCancel}>${t('cancel')}</button>
      <button class="primary" disabled=${act.busy}>${act.busy ? t('submitting') : t('submit')}</button></div>
  </form>`;
}
