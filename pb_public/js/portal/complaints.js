// Complaints (投诉): file one with photos, follow it live, read the public
// timeline, the reply and the result, and rate it at the revisit.
import { html, useState } from '../core/html.js';
import { pb, fieldErrors } from '../core/api.js';
import { t, addMessages, label, choices } from '../core/i18n.js';
import { unitName } from '../core/format.js';
import { stepsFrom } from '../core/flows.js';
import { Loading, ErrorBox, Empty, Status, When, Field, FilePicker, Attachments, useAsync, useAction, navigate, toast, confirmBox, formData } from '../core/ui.js';
import { useRealtime, useMyTopic, usePlaceChanged, newestFirst } from '../core/realtime.js';
import { Timeline } from '../core/timeline.js';

addMessages({
  'complaints.title': ['投诉', 'Complaints'],
  'complaints.ofHome': ['{unit} 全家的投诉（匿名投诉只有投诉人本人可见）', 'Complaints of {unit}, by anyone of the household (an anonymous one only its author sees)'],
  'complaints.byHousehold': ['家人提交', 'By your household'],
  'complaints.needCategory': ['请选择投诉类别', 'Choose a category.'],
  'complaints.needContent': ['请写明投诉内容', 'Say what happened.'],
  'complaints.needName': ['请填写联系人', 'Enter a contact name.'],
  'complaints.needPhone': ['请填写手机号或座机号（如 13800000000 或 023-67880000）', 'Enter a mobile or landline number (e.g. 13800000000 or 023-67880000).'],
  'complaints.new': ['我要投诉', 'File a complaint'],
  'complaints.newTitle': ['提交投诉', 'New complaint'],
  'complaints.category': ['投诉类别', 'Category'],
  'complaints.content': ['投诉内容', 'What happened'],
  'complaints.contentHint': ['请写明时间、地点和经过，便于我们尽快处理', 'Say when, where and what, so we can act quickly'],
  'complaints.contact': ['联系人', 'Contact name'],
  'complaints.phone': ['联系电话', 'Contact phone'],
  'complaints.anonymous': ['对处理人以外的员工匿名', 'Keep my name from staff other than the handler'],
  'complaints.anonymousHint': ['勾选后，除处理人、客服主管和主任外，其他员工看不到您的姓名、电话和房号', 'Only the handler, the supervisor and the director will see your name, phone and unit'],
  'complaints.filed': ['投诉已提交，单号 {serial}', 'Complaint filed: {serial}'],
  'complaints.confirmSubmit': ['确认提交这条投诉？', 'Submit this complaint?'],
  'complaints.confirmSubmitBody': ['提交后不能删除，物业将在 24 个工作小时内回应。', 'It cannot be withdrawn; the office responds within 24 working hours.'],
  'complaints.replyDue': ['答复期限', 'Reply due'],
  'complaints.received': ['受理时间', 'Received'],
  'complaints.result': ['处理结果', 'Result'],
  'complaints.rate': ['评价处理结果', 'Rate the result'],
  'complaints.rateNote': ['补充说明（选填）', 'Anything to add (optional)'],
  'complaints.rated': ['感谢您的评价', 'Thank you for rating'],
  'complaints.rateUnsatisfied': ['选择“不满意”后，投诉会重新回到处理中。', 'Choosing "unsatisfied" reopens the complaint.'],
  'complaints.satisfaction': ['满意度', 'Satisfaction'],
  'complaints.live': ['状态变化会实时显示', 'Status updates appear live'],
});

export function ComplaintList({ me, unit }) {
  // The household's complaints of the chosen unit (the server leaves out
  // others' anonymous ones and hides who filed them).
  const list = useAsync(() => pb.collection('complaints').getList(1, 50, { sort: '-created', skipTotal: true, filter: pb.filter('unit = {:u}', { u: unit.id }) }), [unit.id]);
  // A change re-reads that complaint only, those of a burst together (usePlaceChanged).
  const changed = usePlaceChanged(list, 'complaints', { keep: (r) => r.unit === unit.id, sort: newestFirst() });
  useMyTopic(changed, { collections: ['complaints'], onReconnect: list.reload }, [me.id]);
  return html`
    <div class="row between"><h1>${t('complaints.title')}</h1><a href="#/complaints/new"><button type="button" class="primary">${t('complaints.new')}</button></a></div>
    <p class="small muted">${t('complaints.ofHome', { unit: unitName(unit) })}</p>
    <div class="card">
      ${list.loading && !list.data ? html`<${Loading} />` : list.error ? html`<${ErrorBox} error=${list.error} retry=${list.reload} />`
        : list.data.items.length === 0 ? html`<${Empty} />` : html`
        <ul class="list">${list.data.items.map((c) => html`<li key=${c.id}>
          <a class="item" href=${'#/complaints/' + c.id}>
            <div class="main"><div class="t">${c.content}</div><div class="sub">${c.serial} · ${label('complaint_category', c.category)} · <${When} v=${c.received_at} /></div></div>
            ${c.resident !== me.id && html`<span class="chip s-muted" data-testid="by-household">${t('complaints.byHousehold')}</span>`}
            <${Status} col="complaints" code=${c.status} />
          </a></li>`)}</ul>`}
    </div>`;
}

// The server's pattern of a phone number (migrations/fields.go PhonePattern).
const PHONE = /^(1\d{10}|0\d{2,3}-?\d{7,8})$/;

/** complaintProblems: what the form still lacks, by field, before anything is asked or sent. */
export function complaintProblems(form) {
  const out = {};
  if (!form.category) out.category = t('complaints.needCategory');
  if (!form.content.trim()) out.content = t('complaints.needContent');
  if (!form.contact_name.trim()) out.contact_name = t('complaints.needName');
  if (!PHONE.test(form.contact_phone.trim())) out.contact_phone = t('complaints.needPhone');
  return out;
}

export function ComplaintNew({ me, unit }) {
  const [form, setForm] = useState({ category: '', content: '', contact_name: me.name || '', contact_phone: me.phone || '', anonymous: false });
  const [files, setFiles] = useState([]);
  // Shown problems: the form's own (after a 提交) and the server's; a field's
  // goes once the field is filled in.
  const [shown, setShown] = useState({});
  const act = useAction();
  const server = fieldErrors(act.error);
  const set = (k) => (e) => {
    const next = { ...form, [k]: e.target.type === 'checkbox' ? e.target.checked : e.target.value };
    setForm(next);
    if ((shown[k] || server[k]) && !complaintProblems(next)[k]) setShown({ ...shown, [k]: '' });
  };
  const submit = async (e) => {
    e.preventDefault();
    // Validate first, confirm second: nothing is asked of a form that cannot be sent.
    const problems = complaintProblems(form);
    setShown(problems);
    if (Object.keys(problems).length) {
      document.querySelector(`[name="${Object.keys(problems)[0]}"]`)?.focus();
      return;
    }
    if (!(await confirmBox({ title: t('complaints.confirmSubmit'), body: t('complaints.confirmSubmitBody'), ok: t('submit') }))) return;
    const saved = await act.run(() => pb.collection('complaints').create(formData({ ...form, unit: unit.id }, { attachments: files })));
    if (saved) {
      toast(t('complaints.filed', { serial: saved.serial }));
      navigate('/complaints/' + saved.id);
    } else {
      setShown({});
    }
  };
  const errs = {};
  for (const k of ['category', 'content', 'contact_name', 'contact_phone', 'attachments']) errs[k] = shown[k] || (shown[k] === '' ? '' : server[k]);
  return html`
    <h1>${t('complaints.newTitle')}</h1>
    <form class="card stack" onSubmit=${submit} novalidate>
      <fieldset><legend>${t('complaints.category')} <b class="req">*</b></legend>
        <div class="choices" role="radiogroup">${choices('complaint_category').map((c) => html`
          <label><input type="radio" name="category" value=${c.code} checked=${form.category === c.code} onChange=${set('category')} />${c.text}</label>`)}</div>
        ${errs.category && html`<small class="field-error" role="alert">${errs.category}</small>`}
      </fieldset>
      <${Field} label=${t('complaints.content')} required hint=${t('complaints.contentHint')} error=${errs.content}>
        <textarea name="content" maxlength="5000" value=${form.content} onInput=${set('content')}></textarea><//>
      <${Field} label=${t('photos')} error=${errs.attachments}><${FilePicker} files=${files} onChange=${setFiles} /><//>
      <div class="grid2">
        <${Field} label=${t('complaints.contact')} required error=${errs.contact_name}><input type="text" name="contact_name" value=${form.contact_name} onInput=${set('contact_name')} /><//>
        <${Field} label=${t('complaints.phone')} required error=${errs.contact_phone}><input type="tel" name="contact_phone" value=${form.contact_phone} onInput=${set('contact_phone')} /><//>
      </div>
      <label class="row"><input type="checkbox" name="anonymous" checked=${form.anonymous} onChange=${set('anonymous')} /> ${t('complaints.anonymous')}</label>
      <small class="hint">${t('complaints.anonymousHint')}</small>
      <${ErrorBox} error=${act.error && !Object.keys(server).length ? act.error : null} />
      <div class="actions"><button type="button" class="ghost" onClick=${() => history.back()}>${t('cancel')}</button>
        <button class="primary" disabled=${act.busy}>${act.busy ? t('submitting') : t('submit')}</button></div>
    </form>`;
}

export function ComplaintDetail({ me, params }) {
  const rec = useAsync(() => pb.collection('complaints').getOne(params.id), [params.id]);
  useRealtime('complaints', params.id, (e) => rec.setData(e.record), { onReconnect: rec.reload });
  if (rec.loading && !rec.data) return html`<${Loading} />`;
  if (rec.error) return html`<${ErrorBox} error=${rec.error} retry=${rec.reload} />`;
  const c = rec.data;
  // Only the complainant rates; the rest of the household reads along.
  const canRate = c.resident === me.id && stepsFrom('complaints', c.status, ['resident']).find((s) => s.to === 'revisited');
  return html`
    <p><a href="#/complaints">← ${t('complaints.title')}</a></p>
    <div class="card">
      <div class="row between"><h1>${label('complaint_category', c.category)}</h1><span data-testid="complaint-status"><${Status} col="complaints" code=${c.status} /></span></div>
      <p class="small muted">${t('complaints.live')}</p>
      <p style="white-space:pre-wrap">${c.content}</p>
      <${Attachments} record=${c} field="attachments" />
      <dl class="kv">
        <dt>${t('serial')}</dt><dd>${c.serial}</dd>
        <dt>${t('complaints.received')}</dt><dd><${When} v=${c.received_at} /></dd>
        <dt>${t('complaints.replyDue')}</dt><dd><${When} v=${c.reply_due} /></dd>
        ${c.result && html`<dt>${t('complaints.result')}</dt><dd style="white-space:pre-wrap">${c.result}</dd>`}
        ${c.satisfaction && html`<dt>${t('complaints.satisfaction')}</dt><dd>${label('satisfaction', c.satisfaction)}</dd>`}
      </dl>
    </div>
    ${canRate && html`<${RateComplaint} complaint=${c} onDone=${rec.setData} />`}
    <div class="card"><h2>${t('timeline')}</h2><${Timeline} col="complaints" id=${c.id} version=${c.updated} /></div>`;
}

function RateComplaint({ complaint, onDone }) {
  const [satisfaction, setSatisfaction] = useState('');
  const [note, setNote] = useState('');
  const act = useAction();
  const submit = async (e) => {
    e.preventDefault();
    const saved = await act.run(() => pb.collection('complaints').update(complaint.id, { status: 'revisited', satisfaction, revisit_note: note }));
    if (saved) { toast(t('complaints.rated')); onDone(saved); }
  };
  const errs = fieldErrors(act.error);
  return html`<form class="card stack" onSubmit=${submit}>
    <h2>${t('complaints.rate')}</h2>
    <div class="choices" role="radiogroup" aria-label=${t('complaints.satisfaction')}>${choices('satisfaction').map((s) => html`
      <label><input type="radio" name="satisfaction" value=${s.code} checked=${satisfaction === s.code} onChange=${() => setSatisfaction(s.code)} />${s.text}</label>`)}</div>
    ${errs.satisfaction && html`<small class="field-error">${errs.satisfaction}</small>`}
    ${satisfaction === 'unsatisfied' && html`<small class="hint">${t('complaints.rateUnsatisfied')}</small>`}
    <${Field} label=${t('complaints.rateNote')}><textarea value=${note} onInput=${(e) => setNote(e.target.value)}></textarea><//>
    <${ErrorBox} error=${act.error} />
    <button class="primary" disabled=${act.busy || !satisfaction}>${t('submit')}</button>
  </form>`;
}
