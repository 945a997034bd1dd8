// The area manager's visits on a phone (巡访、回访, [000] 管理员 4.6; 楼宇巡查,
// 3.10): record a door-to-door visit or a building patrol of their area with
// what was found, raise a work order or a complaint in the same step, go back
// for a revisit; this month's count at the top.
import { html, useState } from '../../core/html.js';
import { pb, fieldErrors } from '../../core/api.js';
import { t, addMessages, label, choices } from '../../core/i18n.js';
import { dateTime } from '../../core/format.js';
import { Loading, ErrorBox, Empty, Field, useAsync, useAction, toast } from '../../core/ui.js';
import { useCommunityTopic } from '../../core/realtime.js';

addMessages({
  'visits.title': ['走访记录', 'Visits'],
  'visits.month': ['本月走访 {n} 次（回访 {r}）', '{n} visits this month ({r} revisits)'],
  'visits.new': ['记录走访', 'Record a visit'],
  'visits.unit': ['房号（如 1-102，巡楼可不填）', 'Unit (e.g. 1-102; blank for a building patrol)'],
  'visits.building': ['楼栋', 'Building'],
  'visits.kind': ['类型', 'Kind'],
  'visits.purpose': ['目的', 'Purpose'],
  'visits.findings': ['走访情况', 'Findings'],
  'visits.contact': ['联系人', 'Contact'],
  'visits.phone': ['电话', 'Phone'],
  'visits.followUp': ['需要跟进', 'Follow-up'],
  'visits.noFollowUp': ['无需跟进', 'None'],
  'visits.asComplaint': ['转投诉', 'As a complaint'],
  'visits.asOrder': ['转派工单', 'As a work order'],
  'visits.category': ['类别', 'Category'],
  'visits.save': ['保存走访', 'Save the visit'],
  'visits.saved': ['走访已记录', 'Visit recorded'],
  'visits.savedWith': ['走访已记录，已生成 {serial}', 'Visit recorded; {serial} created'],
  'visits.noUnit': ['没有找到房屋 {unit}', 'No unit {unit}'],
  'visits.revisit': ['回访', 'Revisit'],
  'visits.revisitOf': ['回访：{place}', 'Revisit of {place}'],
  'visits.mine': ['我的走访', 'My visits'],
  'visit_kind.door_to_door': ['入户走访', 'Door-to-door'],
  'visit_kind.building_patrol': ['楼宇巡查', 'Building patrol'],
  'visit_kind.revisit': ['回访', 'Revisit'],
  'visit_purpose.routine': ['日常走访', 'Routine'],
  'visit_purpose.elderly_care': ['关爱孤寡老幼', 'Care for the elderly and vulnerable'],
  'visit_purpose.opinion': ['征求意见', 'Opinions'],
  'visit_purpose.fees': ['费用事宜', 'Fees'],
  'visit_purpose.complaint_follow_up': ['投诉跟进', 'Complaint follow-up'],
  'visit_purpose.repair_follow_up': ['维修跟进', 'Repair follow-up'],
  'visit_purpose.other': ['其他', 'Other'],
});

const monthStart = () => { const d = new Date(); return new Date(d.getFullYear(), d.getMonth(), 1).toISOString().replace('T', ' '); };

export function Visits({ me, community }) {
  const c = community.id;
  const data = useAsync(async () => {
    const [mine, buildings] = await Promise.all([
      pb.collection('visits').getList(1, 50, { filter: pb.filter('community = {:c} && staff = {:me}', { c, me: me.id }), sort: '-visited_at', expand: 'unit,building' }),
      pb.collection('buildings').getFullList({ filter: pb.filter('community = {:c}', { c }), sort: 'code' }),
    ]);
    const month = mine.items.filter((v) => v.visited_at >= monthStart());
    return { mine: mine.items, buildings, month };
  }, [c]);
  useCommunityTopic(c, 'visits', () => data.reload(), {}, [c]);
  const [revisit, setRevisit] = useState(null);
  if (data.loading && !data.data) return html`<${Loading} />`;
  if (data.error) return html`<${ErrorBox} error=${data.error} retry=${data.reload} />`;
  const d = data.data;
  const place = (v) => (v.expand?.unit ? `${v.expand?.building?.name || ''} ${v.expand.unit.number}` : v.expand?.building?.name || '');
  return html`<div class="visits-screen phone">
    <h1>${t('visits.title')}</h1>
    <p class="muted" data-visit-count>${t('visits.month', { n: d.month.length, r: d.month.filter((v) => v.kind === 'revisit').length })}</p>
    <${VisitForm} key=${revisit?.id || 'new'} community=${community} buildings=${d.buildings} revisit=${revisit} place=${revisit && place(revisit)}
      onDone=${() => { setRevisit(null); data.reload(); }} />
    <h2>${t('visits.mine')}</h2>
    ${d.mine.length === 0 ? html`<${Empty} />` : html`<ul class="list">${d.mine.map((v) => html`<li class="card" key=${v.id} data-visit=${v.id}>
      <div><strong>${label('visit_kind', v.kind)}</strong> · ${place(v)} · ${dateTime(v.visited_at)}</div>
      <div>${v.findings}</div>
      ${v.follow_up_serial && html`<div class="chip">${v.follow_up_serial}</div>`}
      ${v.kind !== 'revisit' && html`<button class="btn" onClick=${() => { setRevisit(v); window.scrollTo(0, 0); }}>${t('visits.revisit')}</button>`}
    </li>`)}</ul>`}
  </div>`;
}

function VisitForm({ community, buildings, revisit, place, onDone }) {
  const [f, setF] = useState({
    unitText: revisit?.expand?.unit ? `${revisit.expand.building?.code || ''}-${revisit.expand.unit.number}` : '',
    building: revisit?.building || '', kind: revisit ? 'revisit' : 'door_to_door', purpose: revisit ? 'repair_follow_up' : 'routine',
    findings: '', contact_name: '', contact_phone: '', follow_up_kind: '', follow_up_category: '',
  });
  const act = useAction();
  const set = (k) => (e) => setF({ ...f, [k]: e.target.value });
  const submit = (e) => {
    e.preventDefault();
    act.run(async () => {
      const body = { kind: f.kind, purpose: f.purpose, findings: f.findings, contact_name: f.contact_name, contact_phone: f.contact_phone,
        follow_up_kind: f.follow_up_kind, follow_up_category: f.follow_up_kind ? f.follow_up_category : '' };
      if (revisit) body.revisit_of = revisit.id;
      const m = f.unitText.trim().match(/^([A-Za-z0-9]{1,6})\s*[-－栋#\s]\s*([A-Za-z0-9]{1,8})$/);
      if (m) {
        const b = buildings.find((x) => x.code === m[1]);
        const u = b && await pb.collection('units').getFirstListItem(pb.filter('building = {:b} && number = {:n}', { b: b.id, n: m[2] })).catch(() => null);
        if (!u) throw new Error(t('visits.noUnit', { unit: f.unitText }));
        body.unit = u.id;
      } else if (f.unitText.trim()) {
        throw new Error(t('visits.noUnit', { unit: f.unitText }));
      } else {
        body.building = f.building;
      }
      const v = await pb.collection('visits').create(body);
      toast(v.follow_up_serial ? t('visits.savedWith', { serial: v.follow_up_serial }) : t('visits.saved'));
      onDone();
    });
  };
  const errs = fieldErrors(act.error);
  const cats = f.follow_up_kind === 'complaint' ? choices('complaint_category') : choices('work_category');
  return html`<form class="card" onSubmit=${submit} data-visit-form>
    <h2>${revisit ? t('visits.revisitOf', { place }) : t('visits.new')}</h2>
    ${!revisit && html`<${Field} label=${t('visits.kind')}><select name="kind" value=${f.kind} onChange=${set('kind')}>
      ${choices('visit_kind').filter((k) => k.code !== 'revisit').map(({ code, text }) => html`<option value=${code}>${text}</option>`)}</select></${Field}>`}
    <${Field} label=${t('visits.unit')} error=${errs.unit}><input name="unit" inputmode="text" value=${f.unitText} disabled=${!!revisit} onInput=${set('unitText')} /></${Field}>
    ${!f.unitText.trim() && html`<${Field} label=${t('visits.building')} error=${errs.building}><select name="building" value=${f.building} onChange=${set('building')}>
      <option value="">—</option>${buildings.map((b) => html`<option value=${b.id}>${b.name}</option>`)}</select></${Field}>`}
    <${Field} label=${t('visits.purpose')}><select name="purpose" value=${f.purpose} onChange=${set('purpose')}>
      ${choices('visit_purpose').map(({ code, text }) => html`<option value=${code}>${text}</option>`)}</select></${Field}>
    <${Field} label=${t('visits.findings')} error=${errs.findings} required><textarea name="findings" rows="3" value=${f.findings} onInput=${set('findings')}></textarea></${Field}>
    <${Field} label=${t('visits.followUp')} error=${errs.follow_up_category}><select name="follow_up_kind" value=${f.follow_up_kind} onChange=${set('follow_up_kind')}>
      <option value="">${t('visits.noFollowUp')}</option><option value="work_order">${t('visits.asOrder')}</option><option value="complaint">${t('visits.asComplaint')}</option></select></${Field}>
    ${f.follow_up_kind && html`
      <${Field} label=${t('visits.category')}><select name="follow_up_category" value=${f.follow_up_category} onChange=${set('follow_up_category')}>
        <option value="">—</option>${cats.map(({ code, text }) => html`<option value=${code}>${text}</option>`)}</select></${Field}>
      <${Field} label=${t('visits.contact')} error=${errs.contact_name}><input name="contact_name" value=${f.contact_name} onInput=${set('contact_name')} /></${Field}>
      <${Field} label=${t('visits.phone')} error=${errs.contact_phone}><input name="contact_phone" inputmode="tel" value=${f.contact_phone} onInput=${set('contact_phone')} /></${Field}>`}
    <${ErrorBox} error=${act.error} />
    <button class="btn primary wide" disabled=${act.busy}>${t('visits.save')}</button>
  </form>`;
}
