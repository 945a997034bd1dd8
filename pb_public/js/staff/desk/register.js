// Registering at the front desk: a work order or a complaint for the unit
// (or a place) and the contact chosen on the intake screen.
import { html, useState, useEffect } from '../../core/html.js';
import { pb, fieldErrors } from '../../core/api.js';
import { t, addMessages, label, choices } from '../../core/i18n.js';
import { yuan, unitName, dateTime } from '../../core/format.js';
import { SlotPicker } from '../../core/slots.js';
import { ErrorBox, Field, useAsync, useAction, confirmBox, toast } from '../../core/ui.js';
import { DESK } from '../roles.js';

addMessages({
  'desk.register': ['登记', 'Register'],
  'desk.modeOrder': ['报修 / 服务', 'Repair / service'],
  'desk.modeComplaint': ['投诉', 'Complaint'],
  'desk.for': ['登记到：', 'For: '],
  'desk.common': ['公共区域（不关联房屋）', 'Common area (no unit)'],
  'desk.location': ['地点', 'Location'],
  'desk.locationHint': ['例如：2栋电梯、地下车库 B 区', 'e.g. Building 2 lift, car park zone B'],
  'desk.building': ['楼栋（选填）', 'Building (optional)'],
  'desk.anyBuilding': ['不限楼栋', 'No particular building'],
  'desk.contactName': ['联系人', 'Contact name'],
  'desk.contactPhone': ['联系电话', 'Contact phone'],
  'desk.channel': ['来源', 'Channel'],
  'desk.category': ['类别', 'Category'],
  'desk.level': ['级别', 'Level'],
  'desk.content': ['投诉内容', 'Complaint'],
  'desk.aboutCenter': ['投诉客服中心或其员工（交行政人事部处理）', 'About the service center or its staff (goes to the administration office)'],
  'desk.choose': ['请选择', 'Choose…'],
  'desk.kind': ['性质', 'Kind'],
  'desk.item': ['服务项目（收费标准）', 'Service (price list)'],
  'desk.noItem': ['不选项目（常规维修）', 'No listed item (routine repair)'],
  'desk.estimate': ['上门估价', 'priced on site'],
  'desk.price': ['{price}/{unit}', '{price} per {unit}'],
  'desk.priceTold': ['请告知来电人价格：{price}', 'Tell the caller the price: {price}'],
  'desk.estimateTold': ['请告知来电人：需上门估价，住户确认后才施工', 'Tell the caller: priced on site, work starts once they agree'],
  'desk.description': ['报修内容', 'What needs doing'],
  'desk.appointment': ['预约上门时间（选填）', 'Appointment (optional)'],
  'desk.prepaid': ['已在前台收款（须先付款再派工）', 'Paid at the desk (must be paid before dispatch)'],
  'desk.payMethod': ['收款方式', 'Paid by'],
  'desk.ctrlEnter': ['Ctrl+Enter 提交', 'Ctrl+Enter submits'],
  'desk.submitOrder': ['登记派工单', 'Register work order'],
  'desk.submitComplaint': ['登记投诉', 'Register complaint'],
  'desk.orderFiled': ['已登记派工单 {serial}，请在 {due} 前派工回复', 'Work order {serial} registered: dispatch and reply by {due}'],
  'desk.urgentFiled': ['已登记急修单 {serial}，请立即派工（{due} 前回复）', 'Urgent repair {serial} registered: dispatch now (reply by {due})'],
  'desk.urgency': ['紧急程度', 'Urgency'],
  'desk.urgencyHint': ['急修：漏水、爆管、停电、困梯等须立即处理的；零修：可预约上门的日常维修', 'Urgent: leaks, burst pipes, no power, people stuck in a lift; minor: everyday repairs by appointment'],
  'desk.complaintFiled': ['已登记投诉 {serial}', 'Complaint {serial} registered'],
  'desk.confirmComplaint': ['登记这条投诉？', 'Register this complaint?'],
  'desk.confirmComplaintBody': ['投诉登记后不能删除，您将作为受理人。', 'Complaints are never deleted; you are recorded as the receiver.'],
  'desk.lastFiled': ['刚登记：{serial}', 'Just registered: {serial}'],
  'desk.toBoard': ['去派工看板', 'Open the dispatch board'],
});

export function RegisterPanel({ me, community, unit, contact, onFiled }) {
  const [mode, setMode] = useState('order');
  const [common, setCommon] = useState(false);
  const [place, setPlace] = useState({ location: '', building: '' });
  const [last, setLast] = useState(null);
  const buildings = useAsync(() => pb.collection('buildings').getFullList({ filter: pb.filter('community = {:c}', { c: community.id }), sort: 'code' }), [community.id]);
  const atUnit = unit && !common;
  const where = atUnit ? { unit: unit.id } : { location: place.location.trim(), building: place.building || undefined };
  const done = (rec, kind) => { setLast({ ...rec, kind }); onFiled(); };
  const canFile = DESK.includes(me.role);
  const props = { community, where, contact, done,
    placeFields: (errs) => (atUnit ? null : html`<${PlaceFields} place=${place} setPlace=${setPlace} buildings=${buildings.data || []} errs=${errs} />`) };
  return html`
    <section class="card desk-register" aria-labelledby="h-register">
      <div class="row between"><h2 id="h-register">${t('desk.register')}</h2>
        <div class="seg" role="group" aria-label=${t('desk.register')}>
          <button type="button" aria-pressed=${mode === 'order'} onClick=${() => setMode('order')}>${t('desk.modeOrder')}</button>
          <button type="button" aria-pressed=${mode === 'complaint'} onClick=${() => setMode('complaint')}>${t('desk.modeComplaint')}</button>
        </div></div>
      <p class="small"><span class="muted">${t('desk.for')}</span><strong data-testid="register-for">${atUnit ? unitName(unit) : t('desk.common')}</strong>
        ${unit && html` <label class="inline"><input type="checkbox" checked=${common} onChange=${(e) => setCommon(e.target.checked)} /> ${t('desk.common')}</label>`}</p>
      ${last && html`<p class="desk-last" role="status">${t('desk.lastFiled', { serial: last.serial })}${last.kind === 'order' ? html` · <a href="#/dispatch">${t('desk.toBoard')}</a>` : ''}</p>`}
      ${!canFile ? html`<p class="muted">${t('err.forbidden')}</p>`
        : mode === 'order' ? html`<${WorkOrderForm} ...${props} />` : html`<${ComplaintForm} ...${props} />`}
    </section>`;
}

function PlaceFields({ place, setPlace, buildings, errs }) {
  return html`<div class="grid2">
    <${Field} label=${t('desk.location')} required hint=${t('desk.locationHint')} error=${errs.location}>
      <input type="text" name="location" maxlength="200" value=${place.location} onInput=${(e) => setPlace({ ...place, location: e.target.value })} /><//>
    <${Field} label=${t('desk.building')} error=${errs.building}>
      <select value=${place.building} onChange=${(e) => setPlace({ ...place, building: e.target.value })}>
        <option value="">${t('desk.anyBuilding')}</option>
        ${buildings.map((b) => html`<option value=${b.id}>${b.name || b.code}</option>`)}
      </select><//>
  </div>`;
}

/** ctrlEnter lets a textarea submit its form with Ctrl+Enter (Enter adds a line). */
const ctrlEnter = (e) => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); e.target.form?.requestSubmit(); } };

/** useContact keeps a form's contact in step with the chosen resident. */
function useContactFields(contact, setForm) {
  useEffect(() => setForm((f) => ({ ...f, contact_name: contact?.name || '', contact_phone: contact?.phone || '' })), [contact?.id]);
}

function ContactFields({ form, set, errs }) {
  return html`<div class="grid2">
    <${Field} label=${t('desk.contactName')} required error=${errs.contact_name}><input type="text" name="contact_name" maxlength="50" value=${form.contact_name} onInput=${set('contact_name')} /><//>
    <${Field} label=${t('desk.contactPhone')} required error=${errs.contact_phone}><input type="tel" name="contact_phone" maxlength="20" value=${form.contact_phone} onInput=${set('contact_phone')} /><//>
  </div>`;
}

function WorkOrderForm({ community, where, contact, done, placeFields }) {
  const items = useAsync(() => pb.collection('service_items').getFullList({ filter: pb.filter('community = {:c} && active = true', { c: community.id }), sort: 'code' }), [community.id]);
  const blank = { service_item: '', kind: 'routine', category: '', description: '', appointment_at: '', prepaid: false, urgency: 'normal' };
  const [form, setForm] = useState({ ...blank, contact_name: contact?.name || '', contact_phone: contact?.phone || '' });
  useContactFields(contact, setForm);
  const act = useAction();
  const set = (k) => (e) => setForm({ ...form, [k]: e.target.type === 'checkbox' ? e.target.checked : e.target.value });
  const item = (items.data || []).find((i) => i.id === form.service_item);
  const pickItem = (e) => {
    const it = (items.data || []).find((i) => i.id === e.target.value);
    setForm({ ...form, service_item: e.target.value, kind: it ? it.kind : 'routine', category: it ? it.category : form.category,
      description: form.description || (it ? it.name : '') });
  };
  const submit = async (e) => {
    e.preventDefault();
    const saved = await act.run(() => pb.collection('work_orders').create({
      community: community.id, ...where, requester: contact?.id || undefined,
      kind: form.kind, category: form.category, service_item: form.service_item || undefined, urgency: form.urgency,
      description: form.description.trim(), appointment_at: form.appointment_at || undefined,
      contact_name: form.contact_name.trim(), contact_phone: form.contact_phone.trim(),
      payment: item?.prepay && form.prepaid ? 'paid' : undefined,
      // Taken at the counter: a real payment, by the method chosen (办理即收费).
      pay_method: item?.prepay && form.prepaid ? form.pay_method || undefined : undefined,
    }));
    if (saved) {
      toast(t(saved.urgency === 'urgent' ? 'desk.urgentFiled' : 'desk.orderFiled', { serial: saved.serial, due: dateTime(saved.reply_due) }));
      setForm((f) => ({ ...blank, contact_name: f.contact_name, contact_phone: f.contact_phone }));
      done(saved, 'order');
    }
  };
  const errs = fieldErrors(act.error);
  const byKind = (k) => (items.data || []).filter((i) => i.kind === k);
  return html`<form class="stack" onSubmit=${submit} novalidate aria-label=${t('desk.modeOrder')}>
    ${placeFields(errs)}
    <fieldset class="choices" role="radiogroup" aria-label=${t('desk.urgency')}>
      <legend>${t('desk.urgency')}</legend>
      ${choices('urgency').map((c) => html`<label key=${c.code}><input type="radio" name="urgency" value=${c.code}
        checked=${form.urgency === c.code} onChange=${set('urgency')} />${c.text}</label>`)}
      <small class="hint">${t('desk.urgencyHint')}</small>
    </fieldset>
    <${Field} label=${t('desk.item')} error=${errs.service_item}>
      <select name="service_item" value=${form.service_item} onChange=${pickItem}>
        <option value="">${t('desk.noItem')}</option>
        ${['paid', 'business', 'routine'].map((k) => byKind(k).length > 0 && html`<optgroup label=${label('work_kind', k)}>
          ${byKind(k).map((i) => html`<option value=${i.id}>${i.name} · ${i.needs_estimate ? t('desk.estimate') : t('desk.price', { price: yuan(i.price_fen), unit: i.unit || '' })}</option>`)}
        </optgroup>`)}
      </select><//>
    ${item && item.kind !== 'routine' && html`<p class="hint desk-price">${item.needs_estimate ? t('desk.estimateTold') : t('desk.priceTold', { price: t('desk.price', { price: yuan(item.price_fen), unit: item.unit || '' }) })}</p>`}
    <div class="grid2">
      <${Field} label=${t('desk.category')} required error=${errs.category}>
        <select name="category" value=${form.category} disabled=${!!item} onChange=${set('category')}>
          <option value="">${t('desk.choose')}</option>
          ${choices('work_category').map((c) => html`<option value=${c.code}>${c.text}</option>`)}
        </select><//>
      <${Field} label=${t('desk.kind')} error=${errs.kind}>
        <select name="kind" value=${form.kind} disabled=${!!item} onChange=${set('kind')}>
          ${choices('work_kind').map((c) => html`<option value=${c.code}>${c.text}</option>`)}
        </select><//>
    </div>
    <${Field} label=${t('desk.description')} required hint=${t('desk.ctrlEnter')} error=${errs.description}>
      <textarea name="description" maxlength="2000" rows="3" value=${form.description} onInput=${set('description')} onKeyDown=${ctrlEnter}></textarea><//>
    <${SlotPicker} legend=${t('desk.appointment')} other value=${form.appointment_at} error=${errs.appointment_at}
      onChange=${(v) => setForm((f) => ({ ...f, appointment_at: v }))} />
    <${ContactFields} form=${form} set=${set} errs=${errs} />
    ${item?.prepay && html`<label class="inline"><input type="checkbox" checked=${form.prepaid} onChange=${set('prepaid')} /> ${t('desk.prepaid')}</label>`}
    ${item?.prepay && form.prepaid && html`<${Field} label=${t('desk.payMethod')} required error=${errs.pay_method}>
      <select name="pay_method" value=${form.pay_method || ''} onChange=${set('pay_method')}>
        <option value="">${t('desk.choose')}</option>
        ${['cash', 'wechat', 'alipay', 'card'].map((c) => html`<option value=${c}>${label('method', c)}</option>`)}
      </select><//>`}
    ${items.error && html`<${ErrorBox} error=${items.error} retry=${items.reload} />`}
    <${ErrorBox} error=${act.error} />
    <button class="primary block" disabled=${act.busy}>${act.busy ? t('submitting') : t('desk.submitOrder')}</button>
  </form>`;
}

function ComplaintForm({ community, where, contact, done, placeFields }) {
  const blank = { channel: 'phone', category: '', level: 'general', content: '', about_service_center: false };
  const [form, setForm] = useState({ ...blank, contact_name: contact?.name || '', contact_phone: contact?.phone || '' });
  useContactFields(contact, setForm);
  const act = useAction();
  const set = (k) => (e) => setForm({ ...form, [k]: e.target.type === 'checkbox' ? e.target.checked : e.target.value });
  const submit = async (e) => {
    e.preventDefault();
    if (!(await confirmBox({ title: t('desk.confirmComplaint'), body: t('desk.confirmComplaintBody'), ok: t('desk.submitComplaint') }))) return;
    const saved = await act.run(() => pb.collection('complaints').create({
      community: community.id, ...where, resident: contact?.id || undefined,
      channel: form.channel, category: form.category, level: form.level, content: form.content.trim(),
      contact_name: form.contact_name.trim(), contact_phone: form.contact_phone.trim(), about_service_center: form.about_service_center,
    }));
    if (saved) {
      toast(t('desk.complaintFiled', { serial: saved.serial }));
      setForm((f) => ({ ...blank, channel: f.channel, contact_name: f.contact_name, contact_phone: f.contact_phone }));
      done(saved, 'complaint');
    }
  };
  const errs = fieldErrors(act.error);
  return html`<form class="stack" onSubmit=${submit} novalidate aria-label=${t('desk.modeComplaint')}>
    ${placeFields(errs)}
    <fieldset><legend>${t('desk.channel')}</legend>
      <div class="choices">${choices('complaint_channel').filter((c) => c.code !== 'portal').map((c) => html`
        <label><input type="radio" name="channel" value=${c.code} checked=${form.channel === c.code} onChange=${set('channel')} />${c.text}</label>`)}</div>
      ${errs.channel && html`<small class="field-error" role="alert">${errs.channel}</small>`}
    </fieldset>
    <div class="grid2">
      <${Field} label=${t('desk.category')} required error=${errs.category}>
        <select name="category" value=${form.category} onChange=${set('category')}>
          <option value="">${t('desk.choose')}</option>
          ${choices('complaint_category').map((c) => html`<option value=${c.code}>${c.text}</option>`)}
        </select><//>
      <${Field} label=${t('desk.level')} error=${errs.level}>
        <select name="level" value=${form.level} onChange=${set('level')}>
          ${choices('complaint_level').map((c) => html`<option value=${c.code}>${c.text}</option>`)}
        </select><//>
    </div>
    <${Field} label=${t('desk.content')} required hint=${t('desk.ctrlEnter')} error=${errs.content}>
      <textarea name="content" maxlength="5000" rows="4" value=${form.content} onInput=${set('content')} onKeyDown=${ctrlEnter}></textarea><//>
    <${ContactFields} form=${form} set=${set} errs=${errs} />
    <label class="inline"><input type="checkbox" checked=${form.about_service_center} onChange=${set('about_service_center')} /> ${t('desk.aboutCenter')}</label>
    <${ErrorBox} error=${act.error} />
    <button class="primary block" disabled=${act.busy}>${act.busy ? t('submitting') : t('desk.submitComplaint')}</button>
  </form>`;
}
