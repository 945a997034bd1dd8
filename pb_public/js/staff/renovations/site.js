// The site of a renovation under way: daily inspections, and violations with
// their rectification notices and rechecks.
import { html, useState } from '../../core/html.js';
import { pb, fieldErrors } from '../../core/api.js';
import { t, addMessages, label, choices } from '../../core/i18n.js';
import { yuan, date, today, parseYuan } from '../../core/format.js';
import { Loading, ErrorBox, Empty, Field, FilePicker, Attachments, useAction, toast, confirmBox, formData } from '../../core/ui.js';
import { SITE, ON_SITE, CHECKS, extinguishersRequired } from './common.js';

addMessages({
  'reno.site': ['现场巡查', 'Site inspections'],
  'reno.inspectionsNone': ['还没有巡查记录', 'No inspections yet'],
  'reno.newInspection': ['记录巡查', 'Record an inspection'],
  'reno.inspectionTitle': ['巡查检查表 · {d}', 'Inspection checklist · {d}'],
  'reno.checksLegend': ['检查项目（符合的打勾）', 'Checks (tick what holds)'],
  'reno.check.permit_posted': ['施工许可证已张贴', 'Permit posted'],
  'reno.check.working_hours_kept': ['遵守施工时间', 'Working hours kept'],
  'reno.check.within_scope': ['在批准范围内施工', 'Within the approved scope'],
  'reno.check.debris_cleared': ['垃圾已清运', 'Debris cleared'],
  'reno.check.corridor_doors_closed': ['楼道门已关闭', 'Corridor doors closed'],
  'reno.check.no_open_flame': ['无明火作业', 'No open flame'],
  'reno.check.wiring_safe': ['无乱拉电线', 'No loose wiring'],
  'reno.extinguishers': ['现场灭火器（2 kg）数量', 'Extinguishers on site (2 kg)'],
  'reno.extinguishersRule': ['按每 50 m² 一具计算（不足 50 m² 按 50 m²），本房屋 {area} m² 须配 {n} 具', 'One per 50 m² or part: {area} m² needs {n}'],
  'reno.extinguishersShort': ['少于要求的 {n} 具', 'Fewer than the {n} required'],
  'reno.extinguishersCount': ['灭火器 {have}/{need}', 'Extinguishers {have}/{need}'],
  'reno.inspectionNote': ['情况说明', 'Notes'],
  'reno.inspectionPhotos': ['现场照片', 'Photos'],
  'reno.resultPreview': ['巡查结论', 'Result'],
  'reno.result.ok': ['合格', 'OK'],
  'reno.result.issues': ['发现问题', 'Issues found'],
  'reno.inspectionConfirm': ['保存这次巡查记录？', 'Save this inspection?'],
  'reno.inspectionBody': ['巡查记录保存后不能修改或删除。', 'An inspection record cannot be changed or deleted.'],
  'reno.inspectionSaved': ['巡查记录已保存', 'Inspection saved'],
  'reno.failed': ['不符合：{list}', 'Failed: {list}'],

  'reno.violations': ['违规记录', 'Violations'],
  'reno.violationsNone': ['没有违规记录', 'No violations'],
  'reno.newViolation': ['记录违规', 'Record a violation'],
  'reno.severity': ['违规程度', 'Severity'],
  'reno.severity.minor': ['一般违规', 'Minor'],
  'reno.severity.major': ['重大违规', 'Major'],
  'reno.severityHint.minor': ['现场责令整改', 'rectified on the spot'],
  'reno.severityHint.major': ['承重结构、外立面、厨卫防水等，须发整改通知书', 'load-bearing, facade, waterproofing: a rectification notice'],
  'reno.kind': ['违规类别', 'Kind'],
  'reno.pick': ['请选择', 'Choose'],
  'reno.vDescription': ['违规情况', 'What was found'],
  'reno.measures': ['处理措施', 'Measures'],
  'reno.rectifyBy': ['整改期限', 'Rectify by'],
  'reno.deduct': ['扣除押金（元）', 'Deduct from the deposit (yuan)'],
  'reno.violationConfirm': ['记录这条{severity}？', 'Record this {severity} violation?'],
  'reno.violationBodyMajor': ['将通知主管和主任，请打印整改通知书交业主签收。', 'The supervisors and the director are told; print the rectification notice for the owner to sign.'],
  'reno.violationBodyStop': ['同时停工整改。', 'Work stops at once.'],
  'reno.violationBodyDeduct': ['从装修押金中扣除 {amount}。', '{amount} comes off the deposit.'],
  'reno.violationBodyFinal': ['违规记录不能删除。', 'A violation cannot be deleted.'],
  'reno.violationSaved': ['违规已记录', 'Violation recorded'],
  'reno.notice': ['整改通知书', 'Rectification notice'],
  'reno.noticePrint': ['打印整改通知书', 'Print the rectification notice'],
  'reno.vstatus.open': ['待整改', 'To rectify'],
  'reno.vstatus.rectified': ['已整改', 'Rectified'],
  'reno.vstatus.escalated': ['逾期未改，已上报', 'Escalated'],
  'reno.recheck': ['复查情况', 'Recheck'],
  'reno.recheckOk': ['复查：已整改', 'Rectified'],
  'reno.recheckBad': ['复查：未整改，上报', 'Not rectified: escalate'],
  'reno.recheckConfirm': ['登记复查结果：{status}？', 'Record the recheck: {status}?'],
  'reno.recheckSaved': ['复查结果已登记', 'Recheck recorded'],
  'reno.found': ['发现', 'Found'],
});

export function SiteCard({ r, role, rel, again }) {
  const [open, setOpen] = useState(false);
  const list = rel.data?.inspections || [];
  const canInspect = SITE.includes(role) && ON_SITE.includes(r.status);
  if (!canInspect && !list.length && !ON_SITE.includes(r.status)) return null;
  const need = extinguishersRequired(r.expand?.unit?.area_m2);
  return html`<section class="card" aria-labelledby="h-reno-site" data-testid="renovation-inspections">
    <h2 id="h-reno-site">${t('reno.site')}
      ${canInspect && !open && html`<span class="aside"><button type="button" class="primary" onClick=${() => setOpen(true)}>${t('reno.newInspection')}</button></span>`}</h2>
    ${open && html`<${InspectionForm} r=${r} need=${need} onDone=${() => { setOpen(false); again(); }} onCancel=${() => setOpen(false)} />`}
    ${rel.loading && !rel.data ? html`<${Loading} />` : rel.error ? html`<${ErrorBox} error=${rel.error} retry=${again} />`
      : !list.length ? html`<${Empty} text=${t('reno.inspectionsNone')} />` : html`<ul class="list inspections">${list.map((x) => {
        const failed = CHECKS.filter((c) => !x[c]).map((c) => t('reno.check.' + c));
        const short = x.extinguishers < x.extinguishers_required;
        return html`<li key=${x.id}><div class="item top">
          <div class="main"><div class="t">${date(x.inspected_on)} · ${x.expand?.inspector?.name || ''}</div>
            <div class="sub"><span class=${short ? 'bad-text' : ''}>${t('reno.extinguishersCount', { have: x.extinguishers, need: x.extinguishers_required })}</span>
              ${failed.length > 0 && html` · <span class="bad-text">${t('reno.failed', { list: failed.join(t('reno.sep')) })}</span>`}</div>
            ${x.note && html`<div class="sub pre">${x.note}</div>`}
            <${Attachments} record=${x} field="photos" /></div>
          <span class=${'chip ' + (x.result === 'ok' ? 's-paid' : 's-bad')}>${t('reno.result.' + (x.result || 'issues'))}</span>
        </div></li>`;
      })}</ul>`}
  </section>`;
}

function InspectionForm({ r, need, onDone, onCancel }) {
  const [checks, setChecks] = useState(Object.fromEntries(CHECKS.map((c) => [c, false])));
  const [count, setCount] = useState('');
  const [note, setNote] = useState('');
  const [photos, setPhotos] = useState([]);
  const act = useAction();
  const n = count === '' ? null : Number(count);
  const short = n !== null && n < need;
  const result = n !== null && !short && CHECKS.every((c) => checks[c]) ? 'ok' : 'issues';
  const submit = async (e) => {
    e.preventDefault();
    if (!(await confirmBox({ title: t('reno.inspectionConfirm'), body: t('reno.inspectionBody'), ok: t('save') }))) return;
    const fields = { renovation: r.id, extinguishers: count, note: note.trim() };
    for (const c of CHECKS) fields[c] = checks[c] ? 'true' : 'false';
    const saved = await act.run(() => pb.collection('renovation_inspections').create(formData(fields, { photos })));
    if (saved) { toast(t('reno.inspectionSaved')); onDone(saved); }
  };
  const errs = fieldErrors(act.error);
  return html`<form class="stack sub-form" onSubmit=${submit} data-testid="inspection-form" novalidate>
    <h3>${t('reno.inspectionTitle', { d: today() })}</h3>
    <fieldset><legend>${t('reno.checksLegend')}</legend>
      <div class="checks">${CHECKS.map((c) => html`<label key=${c}><input type="checkbox" name=${c} checked=${checks[c]}
        onChange=${(e) => setChecks({ ...checks, [c]: e.target.checked })} /> ${t('reno.check.' + c)}</label>`)}</div>
    </fieldset>
    <${Field} label=${t('reno.extinguishers')} required error=${errs.extinguishers || (short ? t('reno.extinguishersShort', { n: need }) : '')}
      hint=${t('reno.extinguishersRule', { area: r.expand?.unit?.area_m2 ?? '—', n: need })}>
      <input type="number" name="extinguishers" min="0" step="1" inputmode="numeric" value=${count} onInput=${(e) => setCount(e.target.value)} /><//>
    ${short && html`<small class="hint">${t('reno.extinguishersRule', { area: r.expand?.unit?.area_m2 ?? '—', n: need })}</small>`}
    <${Field} label=${t('reno.inspectionNote')} error=${errs.note}><textarea name="note" maxlength="2000" rows="2" value=${note} onInput=${(e) => setNote(e.target.value)}></textarea><//>
    <${Field} label=${t('reno.inspectionPhotos')} error=${errs.photos}><${FilePicker} files=${photos} onChange=${setPhotos} max=${10} accept="image/*" types=${/^image\/(jpeg|png|webp)$/} /><//>
    <p>${t('reno.resultPreview')}${t('reno.colon')}<span class=${'chip ' + (result === 'ok' ? 's-paid' : 's-bad')} data-testid="inspection-result">${t('reno.result.' + result)}</span></p>
    ${errs.renovation && html`<p class="field-error" role="alert">${errs.renovation}</p>`}
    <${ErrorBox} error=${act.error} />
    <div class="actions"><button type="button" class="ghost" onClick=${onCancel}>${t('cancel')}</button>
      <button class="primary" disabled=${act.busy}>${act.busy ? t('submitting') : t('save')}</button></div>
  </form>`;
}

export function ViolationsCard({ r, role, rel, again, onSaved }) {
  const [open, setOpen] = useState(false);
  const list = rel.data?.violations || [];
  const canRecord = SITE.includes(role) && ON_SITE.includes(r.status);
  if (!canRecord && !list.length) return null;
  return html`<section class="card" aria-labelledby="h-reno-violations" data-testid="renovation-violations">
    <h2 id="h-reno-violations">${t('reno.violations')}
      ${canRecord && !open && html`<span class="aside"><button type="button" class="danger" onClick=${() => setOpen(true)}>${t('reno.newViolation')}</button></span>`}</h2>
    ${open && html`<${ViolationForm} r=${r} role=${role} onDone=${() => { setOpen(false); onSaved(); }} onCancel=${() => setOpen(false)} />`}
    ${rel.loading && !rel.data ? html`<${Loading} />` : rel.error ? html`<${ErrorBox} error=${rel.error} retry=${again} />`
      : !list.length ? html`<${Empty} text=${t('reno.violationsNone')} />`
      : html`<ul class="violations">${list.map((v) => html`<${ViolationItem} key=${v.id} v=${v} canRecheck=${SITE.includes(role)} again=${again} />`)}</ul>`}
  </section>`;
}

function ViolationItem({ v, canRecheck, again }) {
  const [note, setNote] = useState('');
  const act = useAction();
  const recheck = async (status) => {
    const name = t('reno.vstatus.' + status);
    if (!(await confirmBox({ title: t('reno.recheckConfirm', { status: name }), ok: name, danger: status === 'escalated' }))) return;
    const saved = await act.run(() => pb.collection('renovation_violations').update(v.id, { status, recheck_note: note.trim() }));
    if (saved) { toast(t('reno.recheckSaved')); again(); }
  };
  return html`<li class=${v.severity} data-testid="violation">
    <div class="row between"><strong>${label('violation_kind', v.kind)} · ${t('reno.severity.' + v.severity)}</strong>
      <span class=${'chip ' + (v.status === 'open' ? 's-warn' : v.status === 'rectified' ? 's-paid' : 's-bad')}>${t('reno.vstatus.' + v.status)}</span></div>
    <p class="pre">${v.description}</p>
    <dl class="kv small">
      ${(v.measures || []).length > 0 && html`<dt>${t('reno.measures')}</dt><dd>${v.measures.map((m) => label('measure', m)).join(t('reno.sep'))}</dd>`}
      ${v.rectify_by && html`<dt>${t('reno.rectifyBy')}</dt><dd>${date(v.rectify_by)}</dd>`}
      ${v.deduct_fen > 0 && html`<dt>${t('reno.deduct')}</dt><dd class="money">${yuan(v.deduct_fen)}</dd>`}
      <dt>${t('reno.found')}</dt><dd>${date(v.created)}${v.expand?.found_by ? ' · ' + v.expand.found_by.name : ''}</dd>
      ${v.recheck_note && html`<dt>${t('reno.recheck')}</dt><dd class="pre">${v.recheck_note}</dd>`}
    </dl>
    <p><a href=${'#/print/rectification/' + v.id} target="_blank" rel="noopener" data-testid="notice-link">${t('reno.noticePrint')}</a></p>
    ${canRecheck && v.status === 'open' && html`<div class="recheck">
      <${Field} label=${t('reno.recheck')}><input type="text" maxlength="1000" value=${note} onInput=${(e) => setNote(e.target.value)} /><//>
      <div class="actions"><button type="button" disabled=${act.busy} onClick=${() => recheck('rectified')}>${t('reno.recheckOk')}</button>
        <button type="button" class="danger" disabled=${act.busy} onClick=${() => recheck('escalated')}>${t('reno.recheckBad')}</button></div>
      <${ErrorBox} error=${act.error} /></div>`}
  </li>`;
}

function ViolationForm({ r, role, onDone, onCancel }) {
  const [form, setForm] = useState({ severity: '', kind: '', description: '', rectify_by: '', deduct: '' });
  const [measures, setMeasures] = useState([]);
  const [local, setLocal] = useState({});
  const act = useAction();
  const set = (k) => (e) => setForm({ ...form, [k]: e.target.value });
  const toggle = (m) => (e) => setMeasures(e.target.checked ? [...measures, m] : measures.filter((x) => x !== m));
  const deducting = measures.includes('deduct');
  const submit = async (e) => {
    e.preventDefault();
    const fen = deducting ? parseYuan(form.deduct, 0) : 0;
    if (Number.isNaN(fen)) { setLocal({ deduct_fen: t('reno.badYuan') }); return; }
    setLocal({});
    const body = [
      form.severity === 'major' && t('reno.violationBodyMajor'),
      measures.includes('stop_work') && r.status === 'permitted' && t('reno.violationBodyStop'),
      deducting && fen > 0 && t('reno.violationBodyDeduct', { amount: yuan(fen) }),
      t('reno.violationBodyFinal'),
    ].filter(Boolean).join(' ');
    const sev = form.severity ? t('reno.severity.' + form.severity) : '';
    if (!(await confirmBox({ title: t('reno.violationConfirm', { severity: sev }), body, ok: t('reno.newViolation'), danger: true }))) return;
    const saved = await act.run(() => pb.collection('renovation_violations').create({
      renovation: r.id, severity: form.severity, kind: form.kind, description: form.description.trim(), measures,
      rectify_by: form.rectify_by, deduct_fen: fen,
    }));
    if (saved) { toast(t('reno.violationSaved')); onDone(saved); }
  };
  const errs = { ...fieldErrors(act.error), ...local };
  return html`<form class="stack sub-form" onSubmit=${submit} data-testid="violation-form" novalidate>
    <h3>${t('reno.newViolation')}</h3>
    <fieldset><legend>${t('reno.severity')} <b class="req">*</b></legend>
      <div class="choices" role="radiogroup">${['minor', 'major'].map((s) => html`<label key=${s}><input type="radio" name="severity" value=${s}
        checked=${form.severity === s} onChange=${set('severity')} />${t('reno.severity.' + s)}<small class="muted">（${t('reno.severityHint.' + s)}）</small></label>`)}</div>
      ${errs.severity && html`<small class="field-error" role="alert">${errs.severity}</small>`}
    </fieldset>
    <${Field} label=${t('reno.kind')} required error=${errs.kind}>
      <select name="kind" value=${form.kind} onChange=${set('kind')}><option value="">${t('reno.pick')}</option>
        ${choices('violation_kind').map((c) => html`<option key=${c.code} value=${c.code}>${c.text}</option>`)}</select><//>
    <${Field} label=${t('reno.vDescription')} required error=${errs.description}>
      <textarea name="description" maxlength="2000" rows="2" value=${form.description} onInput=${set('description')}></textarea><//>
    <fieldset><legend>${t('reno.measures')}</legend>
      <div class="choices">${choices('measure').map((c) => html`<label key=${c.code}><input type="checkbox" name="measures" value=${c.code}
        checked=${measures.includes(c.code)} onChange=${toggle(c.code)} />${c.text}</label>`)}</div>
      ${errs.measures && html`<small class="field-error" role="alert">${errs.measures}</small>`}
    </fieldset>
    <div class="grid2 pair">
      <${Field} label=${t('reno.rectifyBy')} error=${errs.rectify_by}><input type="date" name="rectify_by" min=${today()} value=${form.rectify_by} onInput=${set('rectify_by')} /><//>
      ${deducting && html`<${Field} label=${t('reno.deduct')} required error=${errs.deduct_fen}><input type="text" inputmode="decimal" name="deduct_yuan" value=${form.deduct} onInput=${set('deduct')} /><//>`}
    </div>
    ${errs.renovation && html`<p class="field-error" role="alert">${errs.renovation}</p>`}
    <${ErrorBox} error=${act.error} />
    <div class="actions"><button type="button" class="ghost" onClick=${onCancel}>${t('cancel')}</button>
      <button class="danger" disabled=${act.busy}>${act.busy ? t('submitting') : t('reno.newViolation')}</button></div>
  </form>`;
}
