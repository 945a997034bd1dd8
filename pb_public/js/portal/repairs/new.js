// A new repair or paid service (#/repairs/new): pick from the price list
// (price shown, or "estimate on site"), describe, add photos and choose an
// appointment slot; or ask for a service that is not listed.
import { html, useState, useMemo } from '../../core/html.js';
import { pb, fieldErrors } from '../../core/api.js';
import { t, addMessages, choices, lang } from '../../core/i18n.js';
import { Loading, ErrorBox, Empty, Field, FilePicker, useAsync, useAction, navigate, toast, confirmBox, formData } from '../../core/ui.js';
import { priceText, priceNote } from './common.js';
import { SlotPicker } from '../../core/slots.js';
import { UrgentRepair } from './urgent.js';

addMessages({
  'repairs.newTitle': ['报修 / 预约服务', 'Request a repair or service'],
  'repairs.minor': ['零修与有偿服务（预约上门）', 'Minor repairs and paid services (by appointment)'],
  'repairs.item': ['服务项目', 'Service'],
  'repairs.itemHint': ['价格按物业公示的有偿服务收费标准；标“上门报价”的项目由师傅查看后报价，经您确认才施工', 'Prices follow the posted price list; for items marked "estimate on site" the technician quotes and works only after you confirm.'],
  'repairs.prepay': ['需预付', 'Pay first'],
  'repairs.noItems': ['暂无可预约的服务项目', 'No services are offered yet'],
  'repairs.description': ['问题描述', 'What needs doing'],
  'repairs.descriptionHint': ['请写明位置、现象和持续时间，如“厨房水槽下方水管接头滴水”', 'Say where and what, e.g. "pipe joint under the kitchen sink drips"'],
  'repairs.photos': ['现场照片（最多 6 张）', 'Photos (up to 6)'],
  'repairs.addPhotos': ['添加照片', 'Add photos'],
  'repairs.slot': ['预约上门时间', 'Appointment'],
  'repairs.phone': ['联系电话', 'Contact phone'],
  'repairs.pickItem': ['请选择服务项目', 'Choose a service.'],
  'repairs.needDescription': ['请描述需要处理的问题', 'Describe what needs doing.'],
  'repairs.pickSlot': ['请选择预约日期和时段', 'Choose a day and a time.'],
  'repairs.confirmSubmit': ['确认提交这条请求？', 'Submit this request?'],
  'repairs.confirmPrice': ['提交即表示您同意按 {price} 收费（材料另计）。', 'By submitting you agree to {price} (materials extra).'],
  'repairs.confirmEstimate': ['师傅上门后报价，确认报价后才施工。', 'The technician will quote on site; nothing is done before you confirm.'],
  'repairs.confirmRoutine': ['常规维修，不收费。', 'Routine repair, free of charge.'],
  'repairs.submitted': ['已提交，单号 {serial}', 'Submitted: {serial}'],
  'repairs.unlisted': ['没有您需要的服务？', 'Service not listed?'],
  'repairs.unlistedHint': ['告诉我们您需要什么，我们会记录并答复您。', 'Tell us what you need; we record every request and answer it.'],
  'repairs.unlistedWhat': ['您需要的服务', 'What you need'],
  'repairs.unlistedSent': ['已收到您的需求，客服会尽快答复', 'Thank you, the desk will answer soon'],
  'repairs.group.home': ['居家维修', 'Home repairs'],
  'repairs.group.cleaning': ['保洁服务', 'Cleaning'],
  'repairs.group.office': ['商务服务', 'Office services'],
  'repairs.group.agency': ['代理与场地', 'Agency and venues'],
  'repairs.group.other': ['其他服务', 'Other services'],
  'repairs.usedBefore': ['用过', 'Used before'],
});

// --- price list ----------------------------------------------------------------

// The price list's groups, in the order residents need them: repairs in
// the home first (common-area repairs among them), then cleaning, office
// services and agency. Within a group the trades run from the most asked
// for (water, electricity) to the least.
const GROUPS = [
  ['home', ['plumbing', 'electrical', 'common_area', 'locksmith', 'carpentry', 'appliance', 'other']],
  ['cleaning', ['cleaning']],
  ['office', ['office']],
  ['agency', ['agency', 'venue']],
];

/**
 * groupItems sorts the price list into GROUPS; within a group what this
 * household asked for most comes first (used: item id → times), then the
 * trades' order, then the code.
 */
export function groupItems(items, used = {}) {
  const rank = (i) => GROUPS.find(([, cats]) => cats.includes(i.category))?.[1].indexOf(i.category) ?? 99;
  return GROUPS.map(([key, cats]) => ({
    key,
    items: items.filter((i) => cats.includes(i.category))
      .sort((a, b) => (used[b.id] || 0) - (used[a.id] || 0) || rank(a) - rank(b) || a.code.localeCompare(b.code)),
  })).concat([{ key: 'other', items: items.filter((i) => !GROUPS.some(([, cats]) => cats.includes(i.category))) }])
    .filter((g) => g.items.length);
}

function ItemPicker({ items, used, value, onChange, error }) {
  const groups = useMemo(() => groupItems(items, used), [items, used]);
  return html`<fieldset class="price-list">
    <legend>${t('repairs.item')} <b class="req" aria-hidden="true">*</b></legend>
    <small class="hint">${t('repairs.itemHint')}</small>
    ${groups.map((g) => html`<div class="price-group" key=${g.key} role="group" aria-label=${t('repairs.group.' + g.key)} data-group=${g.key}>
      <h3>${t('repairs.group.' + g.key)}</h3>
      ${g.items.map((i) => html`<label class="pick" key=${i.id}>
        <input type="radio" name="service_item" value=${i.id} checked=${value === i.id} onChange=${() => onChange(i.id)} />
        <span class="name">${i.name}${used[i.id] ? html` <span class="chip s-muted">${t('repairs.usedBefore')}</span>` : ''}</span>
        ${i.prepay && html`<span class="chip s-warn">${t('repairs.prepay')}</span>`}
        <span class=${'price money' + (i.needs_estimate ? ' estimate' : '') + (i.kind === 'routine' ? ' free' : '')}>${priceText(i)}</span>
      </label>`)}
    </div>`)}
    ${error && html`<small class="field-error" role="alert">${error}</small>`}
  </fieldset>`;
}

export function RepairNew({ me, unit }) {
  const items = useAsync(() => pb.collection('service_items').getFullList({
    filter: pb.filter('community = {:c} && active = true', { c: unit.community }), sort: 'code',
  }), [unit.community]);
  // What this household asked for before goes first in its group.
  const past = useAsync(() => pb.collection('work_orders').getList(1, 200, {
    filter: pb.filter('unit = {:u} && service_item != ""', { u: unit.id }), fields: 'service_item', skipTotal: true,
  }).catch(() => ({ items: [] })), [unit.id]);
  const used = useMemo(() => {
    const n = {};
    for (const o of past.data?.items || []) n[o.service_item] = (n[o.service_item] || 0) + 1;
    return n;
  }, [past.data]);
  const [form, setForm] = useState({ service_item: '', description: '', appointment_at: '', contact_name: me.name || '', contact_phone: me.phone || '' });
  const [files, setFiles] = useState([]);
  const [local, setLocal] = useState({});
  const act = useAction();
  const set = (k) => (e) => {
    setForm({ ...form, [k]: e.target.value });
    if (local[k]) setLocal({ ...local, [k]: '' });
  };
  const item = (items.data || []).find((i) => i.id === form.service_item);

  const submit = async (e) => {
    e.preventDefault();
    const missing = {};
    if (!form.service_item) missing.service_item = t('repairs.pickItem');
    if (!form.description.trim()) missing.description = t('repairs.needDescription');
    if (!form.appointment_at) missing.appointment_at = t('repairs.pickSlot');
    setLocal(missing);
    if (Object.keys(missing).length) return;
    const body = item.kind === 'routine' ? t('repairs.confirmRoutine')
      : item.needs_estimate ? t('repairs.confirmEstimate') : t('repairs.confirmPrice', { price: priceText(item) });
    if (!(await confirmBox({ title: t('repairs.confirmSubmit'), body: item.prepay ? body + ' ' + t('repairs.notePrepay') : body, ok: t('submit') }))) return;
    const saved = await act.run(() => pb.collection('work_orders').create(formData({ ...form, unit: unit.id }, { photos: files })));
    if (saved) {
      toast(t('repairs.submitted', { serial: saved.serial }));
      navigate('/repairs/' + saved.id);
    }
  };
  const errs = { ...fieldErrors(act.error), ...Object.fromEntries(Object.entries(local).filter(([, v]) => v)) };

  if (items.loading && !items.data) return html`<h1>${t('repairs.newTitle')}</h1><${Loading} />`;
  if (items.error) return html`<h1>${t('repairs.newTitle')}</h1><${ErrorBox} error=${items.error} retry=${items.reload} />`;
  return html`
    <p><a href="#/repairs">← ${t('repairs.title')}</a></p>
    <h1>${t('repairs.newTitle')}</h1>
    <${UrgentRepair} me=${me} unit=${unit} />
    <h2>${t('repairs.minor')}</h2>
    ${items.data.length === 0 ? html`<div class="card"><${Empty} text=${t('repairs.noItems')} /></div>` : html`
    <form class="card stack" onSubmit=${submit} novalidate>
      <${ItemPicker} items=${items.data} used=${used} value=${form.service_item} error=${errs.service_item}
        onChange=${(id) => { setForm({ ...form, service_item: id }); setLocal({ ...local, service_item: '' }); }} />
      ${item && html`<div class=${'price-note' + (item.prepay ? ' warn' : '')} role="status" data-testid="price-note">
        <b>${item.name}</b> · <span class="money">${priceText(item)}</span><br />${priceNote(item)}</div>`}
      <${Field} label=${t('repairs.description')} required hint=${t('repairs.descriptionHint')} error=${errs.description}>
        <textarea name="description" maxlength="2000" value=${form.description} onInput=${set('description')}></textarea><//>
      <${Field} label=${t('repairs.photos')} error=${errs.photos}>
        <${FilePicker} files=${files} onChange=${setFiles} max=${6} accept="image/*" types=${/^image\/(jpeg|png|webp|heic)$/} label=${t('repairs.addPhotos')} /><//>
      <${SlotPicker} value=${form.appointment_at} error=${errs.appointment_at} legend=${t('repairs.slot')} required
        onChange=${(v) => { setForm((f) => ({ ...f, appointment_at: v })); if (v) setLocal((l) => ({ ...l, appointment_at: '' })); }} />
      <div class="grid2">
        <${Field} label=${t('repairs.contact')} error=${errs.contact_name}><input type="text" name="contact_name" maxlength="50" value=${form.contact_name} onInput=${set('contact_name')} /><//>
        <${Field} label=${t('repairs.phone')} error=${errs.contact_phone}><input type="tel" name="contact_phone" maxlength="20" value=${form.contact_phone} onInput=${set('contact_phone')} /><//>
      </div>
      ${errs.unit && html`<small class="field-error" role="alert">${errs.unit}</small>`}
      <${ErrorBox} error=${act.error} />
      <div class="actions"><button type="button" class="ghost" onClick=${() => history.back()}>${t('cancel')}</button>
        <button class="primary" disabled=${act.busy}>${act.busy ? t('submitting') : t('submit')}</button></div>
    </form>`}
    <${UnlistedService} me=${me} unit=${unit} />`;
}

/** UnlistedService records a request for a service the office does not offer (unmet demand). */
function UnlistedService({ me, unit }) {
  const [description, setDescription] = useState('');
  const [sent, setSent] = useState(false);
  const act = useAction();
  const submit = async (e) => {
    e.preventDefault();
    const saved = await act.run(() => pb.collection('service_demands').create({
      unit: unit.id, description, contact_name: me.name || '', contact_phone: me.phone || '',
    }));
    if (saved) { setSent(true); setDescription(''); toast(t('repairs.unlistedSent')); }
  };
  const errs = fieldErrors(act.error);
  return html`<details class="card unlisted">
    <summary>${t('repairs.unlisted')}</summary>
    <form class="stack" onSubmit=${submit}>
      <p class="small muted">${t('repairs.unlistedHint')}</p>
      <${Field} label=${t('repairs.unlistedWhat')} required error=${errs.description}>
        <textarea name="demand" maxlength="2000" value=${description} onInput=${(e) => { setDescription(e.target.value); setSent(false); }}></textarea><//>
      <${ErrorBox} error=${act.error} />
      ${sent && html`<p class="small" role="status">${t('repairs.unlistedSent')}</p>`}
      <button class="primary" disabled=${act.busy || !description.trim()}>${t('submit')}</button>
    </form>
  </details>`;
}
