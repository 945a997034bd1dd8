// 登记簿: the front desk's registers besides complaints and orders
// (docs/DESIGN.md, "Front desk registers") — mail and parcels, found items,
// goods passes with the gate check, and enquiries — as tabs of one screen.
// The steps offered are the flow tables' (GET /api/wuye/flows); the server
// decides.
import { html, useState, useRef } from '../../core/html.js';
import { pb, fieldErrors } from '../../core/api.js';
import { t, addMessages, label, choices } from '../../core/i18n.js';
import { dateTime, date, today, unitName, fromOffice } from '../../core/format.js';
import { Loading, ErrorBox, Empty, Status, Field, useAsync, useAction, toast, formData } from '../../core/ui.js';
import { useCommunityTopic, useCoalesce } from '../../core/realtime.js';
import { SignaturePad } from '../field/work.js';
import { dataUrlToFile } from '../field/outbox.js';

const vocab = {
  parcel_kind: { registered_mail: ['挂号信', 'Registered mail'], parcel: ['包裹/快递', 'Parcel'], letter: ['信件', 'Letter'], newspaper: ['报刊', 'Newspaper'] },
  value_class: { valuable: ['贵重物品（500元以上或证件）', 'Valuable (over 500 yuan, or papers)'], ordinary: ['一般物品', 'Ordinary'] },
  enquiry_channel: { phone: ['来电', 'Phone'], visit: ['来访', 'Visit'], wechat: ['微信', 'WeChat'], other: ['其它', 'Other'] },
};
for (const [name, codes] of Object.entries(vocab)) {
  addMessages(Object.fromEntries(Object.entries(codes).map(([code, pair]) => [`${name}.${code}`, pair])));
}

addMessages({
  'reg.title': ['登记簿', 'Registers'],
  'reg.tabParcels': ['邮件快递', 'Mail & parcels'],
  'reg.tabLost': ['拾遗物品', 'Lost & found'],
  'reg.tabPasses': ['出门条', 'Goods passes'],
  'reg.tabEnquiries': ['咨询记录', 'Enquiries'],
  'reg.unit': ['房号（如 1-101）', 'Unit (e.g. 1-101)'],
  'reg.unitOpt': ['房号（选填，如 1-101）', 'Unit (optional, e.g. 1-101)'],
  'reg.noUnit': ['没有找到房屋 {unit}', 'No unit {unit}'],
  'reg.kind': ['类别', 'Kind'],
  'reg.recipient': ['收件人（选填）', 'Recipient (optional)'],
  'reg.carrier': ['承运方（选填）', 'Carrier (optional)'],
  'reg.trackingNo': ['单号（选填）', 'Tracking no. (optional)'],
  'reg.receive': ['签收登记', 'Sign for it'],
  'reg.received': ['已登记，住户已在住户服务中收到通知', 'Registered; the household was told in the portal'],
  'reg.receivedNoAccount': ['已登记；该户没有住户账号，请电话通知', 'Registered; the household has no account: phone them'],
  'reg.held': ['待领取 {n} 件', '{n} waiting'],
  'reg.overdue': ['逾期未领（晚间 17:00–18:00 电话通知）', 'Overdue (call them 17:00–18:00)'],
  'reg.callNote': ['联系情况', 'Call note'],
  'reg.saveCall': ['记录电话', 'Log the call'],
  'reg.markNotified': ['已电话通知', 'Phoned'],
  'reg.pickUp': ['领取', 'Hand over'],
  'reg.collector': ['领取人', 'Collected by'],
  'reg.idNo': ['证件号码（挂号信必填）', 'ID number (required for registered mail)'],
  'reg.sign': ['请领取人在下方签名', 'The collector signs below'],
  'reg.confirmPickUp': ['确认领取', 'Confirm hand-over'],
  'reg.pickedUp': ['已领取', 'Handed over'],
  'reg.return': ['退件', 'Return'],
  'reg.returnReason': ['退件原因', 'Reason'],
  'reg.returned': ['已退件', 'Returned'],
  'reg.cancel': ['取消', 'Cancel'],
  'reg.receivedAt': ['{at} 签收', 'signed for {at}'],
  'reg.description': ['物品名称及特征', 'Item and its features'],
  'reg.itemName': ['招领名称（通知住户，不写特征）', 'Name for the notice to residents (no features)'],
  'reg.foundAt': ['拾获时间', 'Found at'],
  'reg.foundPlace': ['拾获地点', 'Where found'],
  'reg.finder': ['拾获人', 'Finder'],
  'reg.finderPhone': ['拾获人电话（选填）', "Finder's phone (optional)"],
  'reg.valueClass': ['物品类别', 'Value'],
  'reg.photo': ['照片（选填）', 'Photo (optional)'],
  'reg.registerFound': ['登记拾遗物品', 'Register the item'],
  'reg.found': ['已登记 {serial}，保管至 {until}', '{serial} registered, kept until {until}'],
  'reg.keepUntil': ['保管至 {d}', 'kept until {d}'],
  'reg.due': ['保管期满', 'Period over'],
  'reg.claim': ['认领', 'Claim'],
  'reg.claimant': ['认领人', 'Claimant'],
  'reg.claimantId': ['认领人证件号码', "Claimant's ID number"],
  'reg.claimantPhone': ['认领人电话（选填）', "Claimant's phone (optional)"],
  'reg.confirmClaim': ['确认认领', 'Confirm the claim'],
  'reg.claimed': ['已认领', 'Claimed'],
  'reg.dispose': ['处理', 'Dispose of'],
  'reg.disposalNote': ['处理记录（如：报公司后捐赠）', 'Record (e.g. donated after reporting to the company)'],
  'reg.disposed': ['已处理', 'Disposed of'],
  'reg.gate': ['门岗核验', 'Gate check'],
  'reg.code': ['出门条验证码', "Pass's code"],
  'reg.check': ['核验放行', 'Check and let out'],
  'reg.letOut': ['有效，已放行：{items}', 'Valid, let out: {items}'],
  'reg.applicant': ['申请人', 'Applicant'],
  'reg.items': ['物品清单', 'Items'],
  'reg.bulky': ['含家具、家电', 'Furniture or appliances'],
  'reg.tenant': ['租户申请', "A tenant's application"],
  'reg.validOn': ['出门日期', 'Day of leaving'],
  'reg.ownerConsent': ['业主同意方式（租户搬家具、家电时填写）', "Owner's consent (a tenant's furniture or appliances)"],
  'reg.issue': ['开具出门条', 'Issue a pass'],
  'reg.issued': ['已开具 {serial}', '{serial} issued'],
  'reg.approve': ['确认', 'Confirm'],
  'reg.reject': ['不通过', 'Reject'],
  'reg.rejectReason': ['不通过原因', 'Reason'],
  'reg.print': ['打印', 'Print'],
  'reg.consented': ['业主已同意', 'Owner consented'],
  'reg.code2': ['验证码 {code}', 'code {code}'],
  'reg.caller': ['来访/来电人', 'Caller'],
  'reg.callerPhone': ['联系电话（选填）', 'Phone (optional)'],
  'reg.channel': ['方式', 'Channel'],
  'reg.topic': ['咨询事项', 'Topic'],
  'reg.answer': ['答复（不能立即答复的留空，约定答复日期）', 'Answer (leave blank and promise a day if you cannot answer now)'],
  'reg.answerDue': ['约定答复日期', 'Answer promised by'],
  'reg.saveEnquiry': ['登记咨询', 'Record the enquiry'],
  'reg.enquirySaved': ['已登记咨询', 'Enquiry recorded'],
  'reg.toComplaint': ['转为投诉', 'Make it a complaint'],
  'reg.toOrder': ['转为派工单', 'Make it a work order'],
  'reg.category': ['类别', 'Category'],
  'reg.convert': ['转换', 'Convert'],
  'reg.converted': ['已转为 {serial}', 'Now {serial}'],
  'reg.convertedTo': ['已转为{kind}', 'Became a {kind}'],
  'reg.kind.complaints': ['投诉', 'complaint'],
  'reg.kind.work_orders': ['派工单', 'work order'],
  'reg.answerNow': ['补充答复', 'Answer'],
  'reg.awaiting': ['待答复（{d}前）', 'To answer (by {d})'],
  'reg.today': ['今日', 'Today'],
});

const UNIT_RE = /^([A-Za-z0-9]{1,6})\s*(?:-|－|栋|#|\s)\s*([A-Za-z0-9]{1,8})$/;
const WRITERS = ['front_desk', 'supervisor', 'director'];

async function findUnit(community, text) {
  const m = text.trim().match(UNIT_RE);
  const found = m ? await pb.collection('units').getList(1, 1, {
    filter: pb.filter('community = {:c} && building.code = {:b} && number = {:n}', { c: community.id, b: m[1], n: m[2].toUpperCase() }),
  }) : { items: [] };
  if (!found.items.length) throw new Error(t('reg.noUnit', { unit: text.trim() }));
  return found.items[0];
}

const TABS = [['parcels', 'reg.tabParcels'], ['lost', 'reg.tabLost'], ['passes', 'reg.tabPasses'], ['enquiries', 'reg.tabEnquiries']];

export function Registers({ me, community, query }) {
  const tabs = TABS.filter(([k]) => k !== 'enquiries' || me.role !== 'security');
  const [tab, setTab] = useState(tabs.find(([k]) => k === query?.get('tab'))?.[0] || (me.role === 'security' ? 'passes' : 'parcels'));
  const Screen = { parcels: Parcels, lost: LostItems, passes: Passes, enquiries: Enquiries }[tab];
  return html`<div class="registers">
    <h1>${t('reg.title')}</h1>
    <div class="seg" role="tablist" aria-label=${t('reg.title')}>
      ${tabs.map(([k, key]) => html`<button type="button" role="tab" aria-selected=${tab === k} aria-pressed=${tab === k} onClick=${() => setTab(k)}>${t(key)}</button>`)}
    </div>
    <div style="height:.8rem"></div>
    <${Screen} key=${tab} me=${me} community=${community} />
  </div>`;
}

/** useList loads a register of the community and follows its topic. */
function useList(col, community, opts) {
  const list = useAsync(() => pb.collection(col).getFullList({ filter: pb.filter('community = {:c}', { c: community.id }), ...opts }), [community.id]);
  const push = useCoalesce(() => list.reload(), 800);
  useCommunityTopic(community.id, col, (e) => push(e), { onReconnect: list.reload }, [community.id]);
  return list;
}

// --- mail and parcels ----------------------------------------------------------

function Parcels({ me, community }) {
  const list = useList('parcels', community, { sort: '-received_at', expand: 'unit.building', filter: pb.filter('community = {:c} && (status = "received" || status = "notified" || received_at >= {:d})', { c: community.id, d: new Date(Date.now() - 7 * 864e5).toISOString().replace('T', ' ') }) });
  const overdue = useAsync(() => pb.send('/api/wuye/parcels/overdue', { query: { community: community.id } }), [community.id, list.data]);
  const canWrite = WRITERS.includes(me.role);
  if (list.loading && !list.data) return html`<${Loading} />`;
  if (list.error) return html`<${ErrorBox} error=${list.error} retry=${list.reload} />`;
  const held = list.data.filter((p) => p.status === 'received' || p.status === 'notified');
  const late = overdue.data?.items || [];
  return html`
    ${canWrite && html`<${ReceiveForm} community=${community} onDone=${list.reload} />`}
    ${late.length > 0 && html`<section class="card" aria-labelledby="h-parcel-late" data-testid="parcels-overdue">
      <h2 id="h-parcel-late" style="color:var(--bad)">${t('reg.overdue')} <span class="chip s-bad">${late.length}</span></h2>
      <ul class="list">${late.map((p) => html`<li key=${p.id}><div class="item"><div class="main">
        <div class="t">${p.unit_name} · ${label('parcel_kind', p.kind)} ${p.tracking_no}</div>
        <div class="sub">${t('reg.receivedAt', { at: dateTime(p.received_at) })}${p.call_note ? ' · ' + p.call_note : ''}</div></div></div></li>`)}</ul>
    </section>`}
    <section class="card" aria-labelledby="h-parcels">
      <div class="row between"><h2 id="h-parcels">${t('reg.tabParcels')}</h2><span class="small muted">${t('reg.held', { n: held.length })}</span></div>
      ${list.data.length === 0 ? html`<${Empty} />` : html`<ul class="list" aria-label=${t('reg.tabParcels')}>
        ${list.data.map((p) => html`<${ParcelRow} key=${p.id} p=${p} canWrite=${canWrite} onDone=${list.reload} />`)}</ul>`}
    </section>`;
}

function ReceiveForm({ community, onDone }) {
  const blank = { unit: '', kind: 'parcel', recipient_name: '', carrier: '', tracking_no: '' };
  const [form, setForm] = useState(blank);
  const act = useAction();
  const set = (k) => (e) => setForm({ ...form, [k]: e.target.value });
  const submit = async (e) => {
    e.preventDefault();
    const saved = await act.run(async () => {
      const u = await findUnit(community, form.unit);
      return pb.collection('parcels').create({ ...form, unit: u.id, recipient_name: form.recipient_name.trim(), carrier: form.carrier.trim(), tracking_no: form.tracking_no.trim() });
    });
    if (saved) { toast(t(saved.status === 'notified' ? 'reg.received' : 'reg.receivedNoAccount')); setForm(blank); onDone(); }
  };
  const errs = fieldErrors(act.error);
  return html`<form class="card stack" onSubmit=${submit} aria-label=${t('reg.receive')}>
    <div class="grid2">
      <${Field} label=${t('reg.unit')} required error=${errs.unit}><input type="text" name="unit" value=${form.unit} onInput=${set('unit')} /><//>
      <${Field} label=${t('reg.kind')} required error=${errs.kind}><select name="kind" value=${form.kind} onChange=${set('kind')}>
        ${choices('parcel_kind').map((k) => html`<option value=${k.code}>${k.text}</option>`)}</select><//>
      <${Field} label=${t('reg.carrier')} error=${errs.carrier}><input type="text" maxlength="50" name="carrier" value=${form.carrier} onInput=${set('carrier')} /><//>
      <${Field} label=${t('reg.trackingNo')} error=${errs.tracking_no}><input type="text" maxlength="60" name="tracking_no" value=${form.tracking_no} onInput=${set('tracking_no')} /><//>
      <${Field} label=${t('reg.recipient')} error=${errs.recipient_name}><input type="text" maxlength="50" name="recipient_name" value=${form.recipient_name} onInput=${set('recipient_name')} /><//>
    </div>
    <${ErrorBox} error=${act.error} />
    <button class="primary" disabled=${act.busy}>${t('reg.receive')}</button>
  </form>`;
}

function ParcelRow({ p, canWrite, onDone }) {
  const [open, setOpen] = useState('');
  const act = useAction();
  const [f, setF] = useState({ picked_up_by: '', picked_up_id_no: '', return_reason: '', call_note: p.call_note || '' });
  const [signed, setSigned] = useState(false);
  const pad = useRef(null);
  const set = (k) => (e) => setF({ ...f, [k]: e.target.value });
  const held = p.status === 'received' || p.status === 'notified';
  const patch = async (body, done, files) => {
    const saved = await act.run(() => pb.collection('parcels').update(p.id, files ? formData(body, files) : body));
    if (saved) { toast(done); setOpen(''); onDone(); }
  };
  const pickUp = (e) => {
    e.preventDefault();
    const file = signed ? dataUrlToFile({ name: 'signature.png', type: 'image/png', data: pad.current.toDataURL('image/png') }) : null;
    patch({ status: 'picked_up', picked_up_by: f.picked_up_by.trim(), picked_up_id_no: f.picked_up_id_no.trim().toUpperCase() }, t('reg.pickedUp'), file ? { signature: [file] } : {});
  };
  const errs = fieldErrors(act.error);
  return html`<li data-testid=${'parcel-' + (p.tracking_no || p.id)}>
    <div class="item"><div class="main">
      <div class="t">${unitName(p.expand?.unit)} · ${label('parcel_kind', p.kind)} ${p.carrier} ${p.tracking_no}</div>
      <div class="sub">${p.recipient_name ? p.recipient_name + ' · ' : ''}${t('reg.receivedAt', { at: dateTime(p.received_at) })}${p.picked_up_by ? ' · ' + t('reg.collector') + ' ' + p.picked_up_by : ''}${p.call_note ? ' · ' + p.call_note : ''}</div></div>
      <${Status} col="parcels" code=${p.status} /></div>
    ${canWrite && held && html`<div class="row">
      <button type="button" onClick=${() => setOpen(open === 'pick' ? '' : 'pick')}>${t('reg.pickUp')}</button>
      <button type="button" class="ghost" onClick=${() => setOpen(open === 'call' ? '' : 'call')}>${t('reg.saveCall')}</button>
      <button type="button" class="ghost" onClick=${() => setOpen(open === 'return' ? '' : 'return')}>${t('reg.return')}</button></div>`}
    ${open === 'pick' && html`<form class="stack" onSubmit=${pickUp} aria-label=${t('reg.pickUp')}>
      <div class="grid2">
        <${Field} label=${t('reg.collector')} required error=${errs.picked_up_by}><input type="text" name="picked_up_by" maxlength="50" value=${f.picked_up_by} onInput=${set('picked_up_by')} /><//>
        <${Field} label=${t('reg.idNo')} required=${p.kind === 'registered_mail'} error=${errs.picked_up_id_no}><input type="text" name="picked_up_id_no" maxlength="30" autocomplete="off" value=${f.picked_up_id_no} onInput=${set('picked_up_id_no')} /><//>
      </div>
      <p class="hint">${t('reg.sign')}</p>
      <${SignaturePad} padRef=${pad} onChange=${setSigned} />
      ${errs.signature && html`<small class="field-error" role="alert">${errs.signature}</small>`}
      <${ErrorBox} error=${act.error} />
      <div class="row"><button type="button" class="ghost" onClick=${() => setOpen('')}>${t('reg.cancel')}</button>
        <button class="primary" disabled=${act.busy}>${t('reg.confirmPickUp')}</button></div>
    </form>`}
    ${open === 'call' && html`<form class="stack" onSubmit=${(e) => { e.preventDefault(); patch(p.status === 'received' ? { status: 'notified', call_note: f.call_note } : { call_note: f.call_note }, t('reg.saveCall')); }}>
      <${Field} label=${t('reg.callNote')} error=${errs.call_note}><input type="text" name="call_note" maxlength="500" value=${f.call_note} onInput=${set('call_note')} /><//>
      <${ErrorBox} error=${act.error} />
      <button class="primary" disabled=${act.busy}>${p.status === 'received' ? t('reg.markNotified') : t('reg.saveCall')}</button></form>`}
    ${open === 'return' && html`<form class="stack" onSubmit=${(e) => { e.preventDefault(); patch({ status: 'returned', return_reason: f.return_reason.trim() }, t('reg.returned')); }}>
      <${Field} label=${t('reg.returnReason')} required error=${errs.return_reason}><input type="text" name="return_reason" maxlength="500" value=${f.return_reason} onInput=${set('return_reason')} /><//>
      <${ErrorBox} error=${act.error} />
      <button class="primary" disabled=${act.busy}>${t('reg.return')}</button></form>`}
  </li>`;
}

// --- lost and found ----------------------------------------------------------

function LostItems({ me, community }) {
  const list = useList('lost_items', community, { sort: '-found_at', expand: 'recorded_by' });
  const canWrite = ['front_desk', 'security', 'supervisor', 'director'].includes(me.role);
  if (list.loading && !list.data) return html`<${Loading} />`;
  if (list.error) return html`<${ErrorBox} error=${list.error} retry=${list.reload} />`;
  return html`
    ${canWrite && html`<${FoundForm} community=${community} onDone=${list.reload} />`}
    <section class="card" aria-labelledby="h-lost">
      <h2 id="h-lost">${t('reg.tabLost')}</h2>
      ${list.data.length === 0 ? html`<${Empty} />` : html`<ul class="list" aria-label=${t('reg.tabLost')}>
        ${list.data.map((l) => html`<${LostRow} key=${l.id} l=${l} me=${me} canWrite=${canWrite} onDone=${list.reload} />`)}</ul>`}
    </section>`;
}

const nowLocal = () => { const d = new Date(Date.now() + 8 * 3600e3); return d.toISOString().slice(0, 16); };

function FoundForm({ community, onDone }) {
  const blank = { item_name: '', description: '', found_at: nowLocal(), found_place: '', finder_name: '', finder_phone: '', value_class: 'ordinary' };
  const [form, setForm] = useState(blank);
  const [photo, setPhoto] = useState(null);
  const act = useAction();
  const set = (k) => (e) => setForm({ ...form, [k]: e.target.value });
  const submit = async (e) => {
    e.preventDefault();
    const body = { ...form, community: community.id, found_at: fromOffice(form.found_at) };
    const saved = await act.run(() => pb.collection('lost_items').create(photo ? formData(body, { photo: [photo] }) : body));
    if (saved) { toast(t('reg.found', { serial: saved.serial, until: saved.keep_until })); setForm({ ...blank, found_at: nowLocal() }); setPhoto(null); onDone(); }
  };
  const errs = fieldErrors(act.error);
  return html`<form class="card stack" onSubmit=${submit} aria-label=${t('reg.registerFound')}>
    <${Field} label=${t('reg.itemName')} error=${errs.item_name}><input type="text" name="item_name" maxlength="30" value=${form.item_name} onInput=${set('item_name')} /><//>
    <${Field} label=${t('reg.description')} required error=${errs.description}><input type="text" name="description" maxlength="500" value=${form.description} onInput=${set('description')} /><//>
    <div class="grid2">
      <${Field} label=${t('reg.foundAt')} required error=${errs.found_at}><input type="datetime-local" name="found_at" value=${form.found_at} onInput=${set('found_at')} /><//>
      <${Field} label=${t('reg.foundPlace')} required error=${errs.found_place}><input type="text" name="found_place" maxlength="200" value=${form.found_place} onInput=${set('found_place')} /><//>
      <${Field} label=${t('reg.finder')} required error=${errs.finder_name}><input type="text" name="finder_name" maxlength="50" value=${form.finder_name} onInput=${set('finder_name')} /><//>
      <${Field} label=${t('reg.finderPhone')} error=${errs.finder_phone}><input type="tel" name="finder_phone" maxlength="20" value=${form.finder_phone} onInput=${set('finder_phone')} /><//>
      <${Field} label=${t('reg.valueClass')} required error=${errs.value_class}><select name="value_class" value=${form.value_class} onChange=${set('value_class')}>
        ${choices('value_class').map((k) => html`<option value=${k.code}>${k.text}</option>`)}</select><//>
      <${Field} label=${t('reg.photo')} error=${errs.photo}><input type="file" accept="image/*" onChange=${(e) => setPhoto(e.target.files[0] || null)} /><//>
    </div>
    <${ErrorBox} error=${act.error} />
    <button class="primary" disabled=${act.busy}>${t('reg.registerFound')}</button>
  </form>`;
}

function LostRow({ l, me, canWrite, onDone }) {
  const [open, setOpen] = useState('');
  const act = useAction();
  const [f, setF] = useState({ claimant_name: '', claimant_id_no: '', claimant_phone: '', disposal_note: '' });
  const [signed, setSigned] = useState(false);
  const pad = useRef(null);
  const set = (k) => (e) => setF({ ...f, [k]: e.target.value });
  const patch = async (body, done, files) => {
    const saved = await act.run(() => pb.collection('lost_items').update(l.id, files ? formData(body, files) : body));
    if (saved) { toast(done); setOpen(''); onDone(); }
  };
  const claim = (e) => {
    e.preventDefault();
    const file = signed ? dataUrlToFile({ name: 'signature.png', type: 'image/png', data: pad.current.toDataURL('image/png') }) : null;
    patch({ status: 'claimed', claimant_name: f.claimant_name.trim(), claimant_id_no: f.claimant_id_no.trim().toUpperCase(), claimant_phone: f.claimant_phone.trim() }, t('reg.claimed'), file ? { signature: [file] } : undefined);
  };
  const manager = ['supervisor', 'director'].includes(me.role);
  const errs = fieldErrors(act.error);
  return html`<li data-testid=${'lost-' + l.serial}>
    <div class="item"><div class="main">
      <div class="t">${l.serial} · ${l.description}</div>
      <div class="sub">${dateTime(l.found_at)} · ${l.found_place} · ${t('reg.finder')} ${l.finder_name} · ${label('value_class', l.value_class)} · ${t('reg.keepUntil', { d: l.keep_until })}
        ${l.claimant_name ? ' · ' + t('reg.claimant') + ' ' + l.claimant_name : ''}${l.disposal_note ? ' · ' + l.disposal_note : ''}</div></div>
      ${l.due && l.status === 'held' && html`<span class="chip s-bad">${t('reg.due')}</span>`}
      <${Status} col="lost_items" code=${l.status} /></div>
    ${canWrite && l.status === 'held' && html`<div class="row">
      <button type="button" onClick=${() => setOpen(open === 'claim' ? '' : 'claim')}>${t('reg.claim')}</button>
      ${manager && html`<button type="button" class="ghost" onClick=${() => setOpen(open === 'dispose' ? '' : 'dispose')}>${t('reg.dispose')}</button>`}</div>`}
    ${open === 'claim' && html`<form class="stack" onSubmit=${claim} aria-label=${t('reg.claim')}>
      <div class="grid2">
        <${Field} label=${t('reg.claimant')} required error=${errs.claimant_name}><input type="text" name="claimant_name" maxlength="50" value=${f.claimant_name} onInput=${set('claimant_name')} /><//>
        <${Field} label=${t('reg.claimantId')} required error=${errs.claimant_id_no}><input type="text" name="claimant_id_no" maxlength="30" autocomplete="off" value=${f.claimant_id_no} onInput=${set('claimant_id_no')} /><//>
        <${Field} label=${t('reg.claimantPhone')} error=${errs.claimant_phone}><input type="tel" name="claimant_phone" maxlength="20" value=${f.claimant_phone} onInput=${set('claimant_phone')} /><//>
      </div>
      <p class="hint">${t('reg.sign')}</p>
      <${SignaturePad} padRef=${pad} onChange=${setSigned} />
      ${errs.signature && html`<small class="field-error" role="alert">${errs.signature}</small>`}
      <${ErrorBox} error=${act.error} />
      <button class="primary" disabled=${act.busy}>${t('reg.confirmClaim')}</button></form>`}
    ${open === 'dispose' && html`<form class="stack" onSubmit=${(e) => { e.preventDefault(); patch({ status: 'disposed', disposal_note: f.disposal_note.trim() }, t('reg.disposed')); }}>
      <${Field} label=${t('reg.disposalNote')} required error=${errs.disposal_note}><input type="text" name="disposal_note" maxlength="500" value=${f.disposal_note} onInput=${set('disposal_note')} /><//>
      <${ErrorBox} error=${act.error} />
      <button class="primary" disabled=${act.busy}>${t('reg.dispose')}</button></form>`}
  </li>`;
}

// --- goods passes --------------------------------------------------------------

function Passes({ me, community }) {
  const list = useList('goods_passes', community, { sort: '-valid_on,-created', expand: 'unit.building', filter: pb.filter('community = {:c} && valid_on >= {:d}', { c: community.id, d: date(new Date(Date.now() - 7 * 864e5)) }) });
  const canWrite = WRITERS.includes(me.role);
  const canCheck = ['security', ...WRITERS].includes(me.role);
  if (list.loading && !list.data) return html`<${Loading} />`;
  if (list.error) return html`<${ErrorBox} error=${list.error} retry=${list.reload} />`;
  return html`
    ${canCheck && html`<${GateCheck} onDone=${list.reload} />`}
    ${canWrite && html`<${IssueForm} community=${community} onDone=${list.reload} />`}
    <section class="card" aria-labelledby="h-passes">
      <h2 id="h-passes">${t('reg.tabPasses')}</h2>
      ${list.data.length === 0 ? html`<${Empty} />` : html`<ul class="list" aria-label=${t('reg.tabPasses')}>
        ${list.data.map((g) => html`<${PassRow} key=${g.id} g=${g} canWrite=${canWrite} onDone=${list.reload} />`)}</ul>`}
    </section>`;
}

function GateCheck({ onDone }) {
  const [code, setCode] = useState('');
  const [ok, setOk] = useState(null);
  const act = useAction();
  const submit = async (e) => {
    e.preventDefault();
    setOk(null);
    const res = await act.run(() => pb.send('/api/wuye/goods-passes/check', { method: 'POST', body: { code: code.trim() } }));
    if (res) { setOk(res); setCode(''); onDone(); }
  };
  return html`<section class="card" aria-labelledby="h-gate-check">
    <h2 id="h-gate-check">${t('reg.gate')}</h2>
    <form class="desk-search" onSubmit=${submit}>
      <${Field} label=${t('reg.code')}><input type="search" name="code" autocomplete="off" value=${code} onInput=${(e) => setCode(e.target.value)} /><//>
      <button class="primary" disabled=${act.busy || !code.trim()}>${t('reg.check')}</button>
    </form>
    ${ok && html`<p class="ok" role="status" data-testid="gate-ok">${t('reg.letOut', { items: ok.items })} · ${ok.unit} · ${ok.applicant_name} · ${ok.serial}</p>`}
    ${act.error && html`<div data-testid="gate-refused"><${ErrorBox} error=${act.error} /></div>`}
  </section>`;
}

function IssueForm({ community, onDone }) {
  const blank = { unit: '', applicant_name: '', applicant_phone: '', items: '', bulky: false, tenant: false, owner_consent: '', valid_on: today() };
  const [form, setForm] = useState(blank);
  const act = useAction();
  const set = (k) => (e) => setForm({ ...form, [k]: e.target.type === 'checkbox' ? e.target.checked : e.target.value });
  const submit = async (e) => {
    e.preventDefault();
    const saved = await act.run(async () => {
      const u = await findUnit(community, form.unit);
      const g = await pb.collection('goods_passes').create({ ...form, unit: u.id });
      // Issued at the desk: the clerk has seen the applicant, so it is confirmed at once.
      return pb.collection('goods_passes').update(g.id, { status: 'approved' });
    });
    if (saved) { toast(t('reg.issued', { serial: saved.serial })); setForm(blank); onDone(); }
  };
  const errs = fieldErrors(act.error);
  return html`<details class="card"><summary><strong>${t('reg.issue')}</strong></summary>
    <form class="stack" onSubmit=${submit} style="margin-top:.6rem" aria-label=${t('reg.issue')}>
      <div class="grid2">
        <${Field} label=${t('reg.unit')} required error=${errs.unit}><input type="text" name="unit" value=${form.unit} onInput=${set('unit')} /><//>
        <${Field} label=${t('reg.applicant')} required error=${errs.applicant_name}><input type="text" name="applicant_name" maxlength="50" value=${form.applicant_name} onInput=${set('applicant_name')} /><//>
        <${Field} label=${t('reg.validOn')} required error=${errs.valid_on}><input type="date" name="valid_on" value=${form.valid_on} onInput=${set('valid_on')} /><//>
        <${Field} label=${t('reg.callerPhone')} error=${errs.applicant_phone}><input type="tel" name="applicant_phone" maxlength="20" value=${form.applicant_phone} onInput=${set('applicant_phone')} /><//>
      </div>
      <${Field} label=${t('reg.items')} required error=${errs.items}><textarea name="items" maxlength="1000" value=${form.items} onInput=${set('items')}></textarea><//>
      <label class="inline"><input type="checkbox" name="bulky" checked=${form.bulky} onChange=${set('bulky')} /> ${t('reg.bulky')}</label>
      <label class="inline"><input type="checkbox" name="tenant" checked=${form.tenant} onChange=${set('tenant')} /> ${t('reg.tenant')}</label>
      ${form.tenant && form.bulky && html`<${Field} label=${t('reg.ownerConsent')} required error=${errs.owner_consent}><input type="text" name="owner_consent" maxlength="200" value=${form.owner_consent} onInput=${set('owner_consent')} /><//>`}
      <${ErrorBox} error=${act.error} />
      <button class="primary" disabled=${act.busy}>${t('reg.issue')}</button>
    </form></details>`;
}

function PassRow({ g, canWrite, onDone }) {
  const [rejecting, setRejecting] = useState(false);
  const [reason, setReason] = useState('');
  const [consent, setConsent] = useState('');
  const act = useAction();
  const patch = async (body) => {
    const saved = await act.run(() => pb.collection('goods_passes').update(g.id, body));
    if (saved) { toast(t('reg.tabPasses') + ' ' + saved.serial); onDone(); }
  };
  const needsConsent = g.tenant && g.bulky && !g.consent_by && !g.owner_consent;
  return html`<li data-testid=${'pass-' + g.serial}>
    <div class="item"><div class="main">
      <div class="t">${g.serial} · ${unitName(g.expand?.unit)} · ${g.applicant_name}</div>
      <div class="sub">${g.valid_on} · ${g.items}${g.bulky ? ' · ' + t('reg.bulky') : ''}${g.tenant ? ' · ' + t('reg.tenant') : ''}${g.consent_by || g.owner_consent ? ' · ' + t('reg.consented') + ' ' + (g.owner_consent || '') : ''}${g.reject_reason ? ' · ' + g.reject_reason : ''}</div></div>
      <${Status} col="goods_passes" code=${g.status} /></div>
    <div class="row">
      ${g.status === 'approved' && html`<a class="button" href=${'#/print/goods-pass/' + g.id}>${t('reg.print')}</a>`}
      ${canWrite && g.status === 'requested' && html`
        ${needsConsent && html`<input type="text" aria-label=${t('reg.ownerConsent')} placeholder=${t('reg.ownerConsent')} value=${consent} onInput=${(e) => setConsent(e.target.value)} />`}
        <button type="button" disabled=${act.busy} onClick=${() => patch(consent.trim() ? { status: 'approved', owner_consent: consent.trim() } : { status: 'approved' })}>${t('reg.approve')}</button>
        <button type="button" class="ghost" onClick=${() => setRejecting(!rejecting)}>${t('reg.reject')}</button>`}
    </div>
    ${rejecting && html`<form class="row" onSubmit=${(e) => { e.preventDefault(); patch({ status: 'rejected', reject_reason: reason.trim() }); }}>
      <input type="text" aria-label=${t('reg.rejectReason')} placeholder=${t('reg.rejectReason')} value=${reason} onInput=${(e) => setReason(e.target.value)} />
      <button class="primary" disabled=${act.busy}>${t('reg.reject')}</button></form>`}
    ${act.error && html`<${ErrorBox} error=${act.error} />`}
  </li>`;
}

// --- enquiries ----------------------------------------------------------------

function Enquiries({ me, community }) {
  const list = useList('enquiries', community, { sort: '-created', expand: 'unit.building,taken_by', filter: pb.filter('community = {:c} && created >= {:d}', { c: community.id, d: new Date(Date.now() - 30 * 864e5).toISOString().replace('T', ' ') }) });
  if (list.loading && !list.data) return html`<${Loading} />`;
  if (list.error) return html`<${ErrorBox} error=${list.error} retry=${list.reload} />`;
  return html`
    <${EnquiryForm} community=${community} onDone=${list.reload} />
    <section class="card" aria-labelledby="h-enquiries">
      <h2 id="h-enquiries">${t('reg.tabEnquiries')}</h2>
      ${list.data.length === 0 ? html`<${Empty} />` : html`<ul class="list" aria-label=${t('reg.tabEnquiries')}>
        ${list.data.map((q) => html`<${EnquiryRow} key=${q.id} q=${q} onDone=${list.reload} />`)}</ul>`}
    </section>`;
}

function EnquiryForm({ community, onDone }) {
  const blank = { unit: '', caller_name: '', caller_phone: '', channel: 'phone', topic: '', answer: '', answer_due: '' };
  const [form, setForm] = useState(blank);
  const act = useAction();
  const set = (k) => (e) => setForm({ ...form, [k]: e.target.value });
  const submit = async (e) => {
    e.preventDefault();
    const saved = await act.run(async () => {
      const body = { ...form, community: community.id, unit: '' };
      if (form.unit.trim()) body.unit = (await findUnit(community, form.unit)).id;
      return pb.collection('enquiries').create(body);
    });
    if (saved) { toast(t('reg.enquirySaved')); setForm(blank); onDone(); }
  };
  const errs = fieldErrors(act.error);
  return html`<form class="card stack" onSubmit=${submit} aria-label=${t('reg.saveEnquiry')}>
    <div class="grid2">
      <${Field} label=${t('reg.caller')} required error=${errs.caller_name}><input type="text" name="caller_name" maxlength="50" value=${form.caller_name} onInput=${set('caller_name')} /><//>
      <${Field} label=${t('reg.callerPhone')} error=${errs.caller_phone}><input type="tel" name="caller_phone" maxlength="20" value=${form.caller_phone} onInput=${set('caller_phone')} /><//>
      <${Field} label=${t('reg.unitOpt')} error=${errs.unit}><input type="text" name="unit" value=${form.unit} onInput=${set('unit')} /><//>
      <${Field} label=${t('reg.channel')} required error=${errs.channel}><select name="channel" value=${form.channel} onChange=${set('channel')}>
        ${choices('enquiry_channel').map((k) => html`<option value=${k.code}>${k.text}</option>`)}</select><//>
    </div>
    <${Field} label=${t('reg.topic')} required error=${errs.topic}><input type="text" name="topic" maxlength="200" value=${form.topic} onInput=${set('topic')} /><//>
    <${Field} label=${t('reg.answer')} error=${errs.answer}><textarea name="answer" maxlength="2000" value=${form.answer} onInput=${set('answer')}></textarea><//>
    ${!form.answer.trim() && html`<${Field} label=${t('reg.answerDue')} error=${errs.answer_due}><input type="date" name="answer_due" value=${form.answer_due} onInput=${set('answer_due')} /><//>`}
    <${ErrorBox} error=${act.error} />
    <button class="primary" disabled=${act.busy}>${t('reg.saveEnquiry')}</button>
  </form>`;
}

function EnquiryRow({ q, onDone }) {
  const [mode, setMode] = useState('');
  const [category, setCategory] = useState('');
  const [answer, setAnswer] = useState('');
  const act = useAction();
  const convert = async (e) => {
    e.preventDefault();
    const res = await act.run(() => pb.send(`/api/wuye/enquiries/${q.id}/convert`, { method: 'POST', body: { to: mode, category } }));
    if (res) { toast(t('reg.converted', { serial: res.serial })); setMode(''); onDone(); }
  };
  const saveAnswer = async (e) => {
    e.preventDefault();
    const saved = await act.run(() => pb.collection('enquiries').update(q.id, { answer: answer.trim() }));
    if (saved) { setMode(''); onDone(); }
  };
  const vocabOf = mode === 'complaint' ? 'complaint_category' : 'work_category';
  return html`<li data-testid=${'enquiry-' + q.id}>
    <div class="item"><div class="main">
      <div class="t">${q.topic}</div>
      <div class="sub">${dateTime(q.created)} · ${label('enquiry_channel', q.channel)} · ${q.caller_name}${q.expand?.unit ? ' · ' + unitName(q.expand.unit) : ''}${q.expand?.taken_by ? ' · ' + q.expand.taken_by.name : ''}</div>
      ${q.answer ? html`<div class="sub">${q.answer}</div>` : q.answer_due && html`<div class="sub"><span class="chip s-warn">${t('reg.awaiting', { d: q.answer_due })}</span></div>`}
      ${q.converted_to && html`<div class="sub"><a href=${'#/' + (q.converted_kind === 'complaints' ? 'complaints/' : 'orders/') + q.converted_to}>${t('reg.convertedTo', { kind: t('reg.kind.' + q.converted_kind) })}</a></div>`}
    </div></div>
    ${!q.converted_to && html`<div class="row">
      ${!q.answer && html`<button type="button" class="ghost" onClick=${() => setMode(mode === 'answer' ? '' : 'answer')}>${t('reg.answerNow')}</button>`}
      <button type="button" onClick=${() => { setMode(mode === 'complaint' ? '' : 'complaint'); setCategory(''); }}>${t('reg.toComplaint')}</button>
      <button type="button" onClick=${() => { setMode(mode === 'work_order' ? '' : 'work_order'); setCategory(''); }}>${t('reg.toOrder')}</button></div>`}
    ${(mode === 'complaint' || mode === 'work_order') && html`<form class="row" onSubmit=${convert} aria-label=${mode === 'complaint' ? t('reg.toComplaint') : t('reg.toOrder')}>
      <${Field} label=${t('reg.category')}><select name="category" value=${category} onChange=${(e) => setCategory(e.target.value)}>
        <option value=""></option>${choices(vocabOf).map((k) => html`<option value=${k.code}>${k.text}</option>`)}</select><//>
      <button class="primary" disabled=${act.busy || !category}>${t('reg.convert')}</button></form>`}
    ${mode === 'answer' && html`<form class="row" onSubmit=${saveAnswer}>
      <input type="text" aria-label=${t('reg.answer')} value=${answer} onInput=${(e) => setAnswer(e.target.value)} />
      <button class="primary" disabled=${act.busy || !answer.trim()}>${t('save')}</button></form>`}
    ${act.error && html`<${ErrorBox} error=${act.error} />`}
  </li>`;
}
