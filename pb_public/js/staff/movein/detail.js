// One household's move-in (入伙, [004] 四 2 4.3–4.7; docs/DESIGN.md § Move-in
// (入伙)): the step the flow offers the signed-in role — the papers, the
// joint inspection with meter readings and defects, the repairs and their
// re-inspection, the keys, the fees, the three documents signed on the
// screen or uploaded as scans — and the timeline. Live on the record.
import { html, useState, useRef } from '../../core/html.js';
import { pb, fieldErrors } from '../../core/api.js';
import { t, addMessages, choices } from '../../core/i18n.js';
import { yuan, parseYuan, today } from '../../core/format.js';
import { stepsFrom, stepVerb, statusLabel } from '../../core/flows.js';
import { Loading, ErrorBox, Status, Field, When, Attachments, useAsync, useAction, toast, confirmBox, formData } from '../../core/ui.js';
import { useRealtime } from '../../core/realtime.js';
import { Timeline } from '../../core/timeline.js';
import { SignaturePad } from '../field/work.js';
import { dataUrlToFile } from '../field/outbox.js';
import { DOCUMENTS, SIGNATURES, CHARGES, moveInUnit, defectsOf, docName, sigName } from './common.js';

addMessages({
  'movein.back': ['返回入伙看板', 'Back to the board'],
  'movein.owner': ['业主', 'Owner'],
  'movein.notice': ['入伙通知书', 'Move-in notice'],
  'movein.appointment': ['预约时间', 'Appointment'],
  'movein.papers': ['资料查验', 'Papers'],
  'movein.checkedBy': ['{name} {at} 查验', 'checked by {name} {at}'],
  'movein.inspection': ['验房抄表', 'Inspection and meter readings'],
  'movein.meter.water': ['水表读数', 'Water meter'],
  'movein.meter.electric': ['电表读数', 'Electricity meter'],
  'movein.meter.gas': ['煤气表读数（如有）', 'Gas meter (if any)'],
  'movein.defects': ['验房问题', 'Defects found'],
  'movein.defect': ['问题描述', 'Defect'],
  'movein.category': ['维修类别', 'Repair category'],
  'movein.addDefect': ['添加问题', 'Add a defect'],
  'movein.remove': ['删除', 'Remove'],
  'movein.noDefects': ['验房没有发现问题', 'No defects found'],
  'movein.cleared': ['复验合格', 'Passed'],
  'movein.pass': ['复验合格', 'Passes'],
  'movein.fail': ['复验不合格', 'Fails'],
  'movein.failNote': ['不合格原因', 'What is still wrong'],
  'movein.rework': ['返修 {n} 次', 'reworked {n}×'],
  'movein.keysCount': ['交付钥匙数（把）', 'Keys handed'],
  'movein.fees': ['入伙费用', 'Move-in fees'],
  'movein.feeYuan': ['{name}（元）', '{name} (yuan)'],
  'movein.bill': ['开账单', 'Bill'],
  'movein.billed': ['已开 {n} 张账单', '{n} bill(s) issued'],
  'movein.feesBilled': ['首期物业费已于 {at} 计费', 'First fees billed {at}'],
  'movein.signed': ['签署文件', 'Signed documents'],
  'movein.signOnScreen': ['在屏幕上签名', 'Sign on the screen'],
  'movein.orScan': ['或上传签字扫描件', 'or upload the signed scan'],
  'movein.saveSignature': ['保存签名', 'Save the signature'],
  'movein.movedInOn': ['入住日期（已入住时填写）', 'Moved in on (if living there)'],
  'movein.cancelReason': ['取消原因', 'Reason'],
  'movein.confirmCancel': ['确认取消这户入伙？', 'Cancel this move-in?'],
  'movein.timeline': ['办理经过', 'Timeline'],
  'movein.printNotice': ['打印入伙通知书', 'Print the notice'],
});

export function MoveInDetail({ me, params }) {
  const d = useAsync(() => pb.collection('move_ins').getOne(params.id, { expand: 'unit.building,resident,community' }), [params.id]);
  useRealtime('move_ins', params.id, () => d.reload(), {}, [params.id]);
  if (d.loading && !d.data) return html`<${Loading} />`;
  if (d.error) return html`<${ErrorBox} error=${d.error} retry=${d.reload} />`;
  const m = d.data;
  return html`<div class="movein-detail" data-move-in=${m.id}>
    <p><a href="#/move-ins">${t('movein.back')}</a> · <a href=${'#/print/move-in-notices/' + m.building + '?id=' + m.id}>${t('movein.printNotice')}</a></p>
    <h1>${moveInUnit(m)} ${m.expand?.resident?.name || ''} <${Status} col="move_ins" code=${m.status} /></h1>
    <p class="small">${m.serial} · ${t('movein.notice')} ${m.notice_date} · ${t('movein.appointment')} <${When} v=${m.appointment_at} /></p>
    <${Papers} m=${m} me=${me} onDone=${d.reload} />
    <${Inspection} m=${m} me=${me} onDone=${d.reload} />
    <${Repairs} m=${m} me=${me} onDone=${d.reload} />
    <${Keys} m=${m} me=${me} onDone=${d.reload} />
    <${Fees} m=${m} me=${me} onDone=${d.reload} />
    <${Signed} m=${m} me=${me} onDone=${d.reload} />
    <${Cancel} m=${m} me=${me} onDone=${d.reload} />
    <section class="card"><h2>${t('movein.timeline')}</h2><${Timeline} col="move_ins" id=${m.id} version=${m.updated} /></section>
  </div>`;
}

/** step is the flow's step from m's status to to, if the role may take it. */
const step = (m, me, to) => stepsFrom('move_ins', m.status, [me.role]).find((s) => s.to === to);

function StepButton({ m, s, busy, onClick }) {
  return html`<button class="btn primary" disabled=${busy} data-step=${s.to} onClick=${onClick}>${stepVerb('move_ins', s)}</button>`;
}

function Papers({ m, me, onDone }) {
  const docs = m.documents || {};
  const [checked, setChecked] = useState(Object.fromEntries(DOCUMENTS.map((k) => [k, !!docs[k]])));
  const act = useAction();
  const s = step(m, me, 'documents_checked');
  const go = () => act.run(async () => {
    await pb.collection('move_ins').update(m.id, { status: 'documents_checked', documents: checked });
    toast(statusLabel('move_ins', 'documents_checked'));
    onDone();
  });
  return html`<section class="card"><h2>${t('movein.papers')}</h2>
    <ul class="plain">${DOCUMENTS.map((k) => html`<li key=${k}><label>
      <input type="checkbox" name=${'doc_' + k} disabled=${!s} checked=${s ? checked[k] : !!docs[k]}
        onChange=${(e) => setChecked({ ...checked, [k]: e.target.checked })} /> ${docName(k)}</label>
      ${docs[k] && html` <small class="muted">${t('movein.checkedBy', { name: docs[k].by_name, at: (docs[k].at || '').slice(0, 16) })}</small>`}</li>`)}</ul>
    <${ErrorBox} error=${act.error} />
    ${s && html`<${StepButton} m=${m} s=${s} busy=${act.busy} onClick=${go} />`}
  </section>`;
}

function Inspection({ m, me, onDone }) {
  const [r, setR] = useState({ water: '', electric: '', gas: '' });
  const [defects, setDefects] = useState([]);
  const act = useAction();
  const s = step(m, me, 'inspected');
  if (!s && !m.readings) return null;
  const cats = choices('work_category');
  const go = () => act.run(async () => {
    const readings = {};
    for (const k of ['water', 'electric', 'gas']) if (r[k] !== '') readings[k] = Number(r[k]);
    await pb.collection('move_ins').update(m.id, { status: 'inspected', readings, defects: defects.filter((x) => x.description.trim()) });
    toast(statusLabel('move_ins', 'inspected'));
    onDone();
  });
  const errs = fieldErrors(act.error);
  if (!s) {
    return html`<section class="card"><h2>${t('movein.inspection')}</h2>
      <p>${['water', 'electric', 'gas'].filter((k) => m.readings?.[k] !== undefined).map((k) => html`<span key=${k}>${t('movein.meter.' + k)} ${m.readings[k]}　</span>`)}</p>
    </section>`;
  }
  return html`<section class="card" data-inspection><h2>${t('movein.inspection')}</h2>
    <div class="grid2">${['water', 'electric', 'gas'].map((k) => html`<${Field} key=${k} label=${t('movein.meter.' + k)} error=${k === 'water' ? errs.readings : ''} required=${k !== 'gas'}>
      <input type="number" step="0.01" min="0" name=${'reading_' + k} value=${r[k]} onInput=${(e) => setR({ ...r, [k]: e.target.value })} /></${Field}>`)}</div>
    <h3>${t('movein.defects')}</h3>
    ${defects.map((x, i) => html`<div class="row" key=${i}>
      <input name=${'defect_' + i} placeholder=${t('movein.defect')} value=${x.description} onInput=${(e) => setDefects(defects.map((y, j) => (j === i ? { ...y, description: e.target.value } : y)))} />
      <select name=${'defect_category_' + i} aria-label=${t('movein.category')} value=${x.category} onChange=${(e) => setDefects(defects.map((y, j) => (j === i ? { ...y, category: e.target.value } : y)))}>
        ${cats.map(({ code, text }) => html`<option value=${code}>${text}</option>`)}</select>
      <button type="button" class="ghost" onClick=${() => setDefects(defects.filter((_, j) => j !== i))}>${t('movein.remove')}</button></div>`)}
    <button type="button" class="btn" onClick=${() => setDefects([...defects, { description: '', category: 'plumbing' }])}>${t('movein.addDefect')}</button>
    ${errs.defects && html`<small class="field-error" role="alert">${errs.defects}</small>`}
    <${ErrorBox} error=${act.error} />
    <${StepButton} m=${m} s=${s} busy=${act.busy} onClick=${go} />
  </section>`;
}

function Repairs({ m, me, onDone }) {
  const defects = defectsOf(m);
  const [note, setNote] = useState({});
  const act = useAction();
  const orders = useAsync(() => {
    const ids = defects.map((x) => x.work_order).filter(Boolean);
    return ids.length ? pb.collection('work_orders').getFullList({ filter: ids.map((id) => pb.filter('id = {:id}', { id })).join(' || ') }) : Promise.resolve([]);
  }, [m.id, m.updated]);
  if (!['inspected', 'defects_open', 'ready', 'keys_handed', 'completed'].includes(m.status)) return null;
  const byId = Object.fromEntries((orders.data || []).map((o) => [o.id, o]));
  const take = (to) => act.run(async () => {
    await pb.collection('move_ins').update(m.id, { status: to });
    toast(statusLabel('move_ins', to));
    onDone();
  });
  const recheck = (order, passed) => act.run(async () => {
    await pb.send(`/api/wuye/move-ins/${m.id}/reinspect`, { method: 'POST', body: { work_order: order, passed, note: note[order] || '' } });
    onDone();
  });
  const steps = ['defects_open', 'ready'].map((to) => step(m, me, to)).filter(Boolean);
  return html`<section class="card" data-repairs><h2>${t('movein.defects')}</h2>
    ${defects.length === 0 ? html`<p class="muted">${t('movein.noDefects')}</p>` : html`<ul class="list">${defects.map((x) => {
      const o = byId[x.work_order];
      return html`<li key=${x.description + x.work_order} data-defect=${x.work_order || x.description}>${x.description}
        ${o && html` · <a href=${'#/orders/' + o.id}>${o.serial}</a> <${Status} col="work_orders" code=${o.status} />`}
        ${x.rework > 0 && html` <small>${t('movein.rework', { n: x.rework })}</small>`}
        ${x.cleared_at && html` <span class="chip s-completed">${t('movein.cleared')}</span>`}
        ${m.status === 'defects_open' && !x.cleared_at && o && ['completed', 'signed_off', 'revisited', 'closed'].includes(o.status) && html`<div class="row">
          <input name="recheck_note" placeholder=${t('movein.failNote')} value=${note[o.id] || ''} onInput=${(e) => setNote({ ...note, [o.id]: e.target.value })} />
          <button class="btn primary" disabled=${act.busy} data-recheck="pass" onClick=${() => recheck(o.id, true)}>${t('movein.pass')}</button>
          <button class="btn" disabled=${act.busy} data-recheck="fail" onClick=${() => recheck(o.id, false)}>${t('movein.fail')}</button></div>`}
      </li>`;
    })}</ul>`}
    <${ErrorBox} error=${act.error} />
    ${steps.map((s) => html`<${StepButton} key=${s.to} m=${m} s=${s} busy=${act.busy} onClick=${() => take(s.to)} />`)}
  </section>`;
}

function Keys({ m, me, onDone }) {
  const [n, setN] = useState(2);
  const act = useAction();
  const s = step(m, me, 'keys_handed');
  if (!s) return null;
  const go = () => act.run(async () => {
    await pb.collection('move_ins').update(m.id, { status: 'keys_handed', keys_count: Number(n) });
    toast(statusLabel('move_ins', 'keys_handed'));
    onDone();
  });
  const errs = fieldErrors(act.error);
  return html`<section class="card" data-keys><${Field} label=${t('movein.keysCount')} error=${errs.keys_count} required>
    <input type="number" min="1" max="20" name="keys_count" value=${n} onInput=${(e) => setN(e.target.value)} /></${Field}>
    <${ErrorBox} error=${act.error} /><${StepButton} m=${m} s=${s} busy=${act.busy} onClick=${go} /></section>`;
}

function Fees({ m, me, onDone }) {
  const [amount, setAmount] = useState({});
  const act = useAction();
  if (!['keys_handed', 'completed'].includes(m.status) || !['front_desk', 'cashier', 'supervisor', 'director'].includes(me.role)) return null;
  const go = () => act.run(async () => {
    const charges = CHARGES.filter((c) => amount[c]).map((c) => ({ charge: c, amount_fen: parseYuan(amount[c]) }));
    const r = await pb.send(`/api/wuye/move-ins/${m.id}/fees`, { method: 'POST', body: { charges } });
    toast(t('movein.billed', { n: r.bills.length }));
    setAmount({});
    onDone();
  });
  return html`<section class="card" data-fees><h2>${t('movein.fees')}</h2>
    ${m.fees_billed_at && html`<p class="small">${t('movein.feesBilled', { at: (m.fees_billed_at || '').slice(0, 16) })}</p>`}
    <div class="grid2">${CHARGES.map((c) => html`<${Field} key=${c} label=${t('movein.feeYuan', { name: t('movein.charge.' + c) })}>
      <input inputmode="decimal" name=${'fee_' + c} value=${amount[c] || ''} onInput=${(e) => setAmount({ ...amount, [c]: e.target.value })} /></${Field}>`)}</div>
    <${ErrorBox} error=${act.error} />
    <button class="btn" disabled=${act.busy} onClick=${go}>${t('movein.bill')} ${CHARGES.some((c) => amount[c]) ? yuan(CHARGES.reduce((a, c) => a + (parseYuan(amount[c] || '0') || 0), 0)) : ''}</button>
  </section>`;
}

function Signed({ m, me, onDone }) {
  const [movedIn, setMovedIn] = useState('');
  const act = useAction();
  const editable = ['ready', 'keys_handed'].includes(m.status) && ['front_desk', 'supervisor', 'director'].includes(me.role);
  const s = step(m, me, 'completed');
  if (!editable && m.status !== 'completed') return null;
  const go = () => act.run(async () => {
    await pb.collection('move_ins').update(m.id, { status: 'completed', ...(movedIn ? { moved_in_on: movedIn } : {}) });
    toast(statusLabel('move_ins', 'completed'));
    onDone();
  });
  return html`<section class="card" data-signed><h2>${t('movein.signed')}</h2>
    ${SIGNATURES.map((f) => html`<${SignedDoc} key=${f} m=${m} field=${f} editable=${editable} onDone=${onDone} />`)}
    ${s && html`<${Field} label=${t('movein.movedInOn')}><input type="date" name="moved_in_on" max=${today()} value=${movedIn} onInput=${(e) => setMovedIn(e.target.value)} /></${Field}>
      <${ErrorBox} error=${act.error} /><${StepButton} m=${m} s=${s} busy=${act.busy} onClick=${go} />`}
  </section>`;
}

/** SignedDoc: one document, signed on the pad or uploaded as a scan. */
function SignedDoc({ m, field, editable, onDone }) {
  const pad = useRef(null);
  const [signed, setSigned] = useState(false);
  const [open, setOpen] = useState(false);
  const act = useAction();
  const save = (file) => act.run(async () => {
    await pb.collection('move_ins').update(m.id, formData({}, { [field]: [file] }));
    setOpen(false);
    onDone();
  });
  return html`<div class="signed-doc" data-doc=${field}>
    <h3>${sigName(field)} ${m[field] ? '✓' : ''}</h3>
    <${Attachments} record=${m} field=${field} />
    ${editable && !open && html`<button type="button" class="btn" onClick=${() => setOpen(true)}>${t('movein.signOnScreen')}</button>`}
    ${editable && open && html`<${SignaturePad} padRef=${pad} onChange=${setSigned} />
      <button type="button" class="btn primary" disabled=${!signed || act.busy} data-save-signature=${field}
        onClick=${() => save(dataUrlToFile({ name: field + '.png', type: 'image/png', data: pad.current.toDataURL('image/png') }))}>${t('movein.saveSignature')}</button>`}
    ${editable && html`<label class="small">${t('movein.orScan')} <input type="file" name=${'scan_' + field} accept="image/*,application/pdf"
      onChange=${(e) => e.target.files[0] && save(e.target.files[0])} /></label>`}
    <${ErrorBox} error=${act.error} />
  </div>`;
}

function Cancel({ m, me, onDone }) {
  const [reason, setReason] = useState('');
  const act = useAction();
  const s = step(m, me, 'cancelled');
  if (!s) return null;
  const go = () => act.run(async () => {
    if (!(await confirmBox({ title: t('movein.confirmCancel'), danger: true }))) return;
    await pb.collection('move_ins').update(m.id, { status: 'cancelled', cancel_reason: reason });
    onDone();
  });
  return html`<details class="card"><summary>${stepVerb('move_ins', s)}</summary>
    <${Field} label=${t('movein.cancelReason')} required><input name="cancel_reason" value=${reason} onInput=${(e) => setReason(e.target.value)} /></${Field}>
    <${ErrorBox} error=${act.error} /><button class="btn danger" disabled=${act.busy || !reason.trim()} onClick=${go}>${stepVerb('move_ins', s)}</button></details>`;
}
