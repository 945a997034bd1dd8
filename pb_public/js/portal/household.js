// 我的家庭: the household file of the chosen unit as its residents see it
// (docs/DESIGN.md § Household files) — the members (ID numbers masked),
// the cars and the emergency contact. An owner adds and removes members and
// cars and keeps the emergency contact; the tenancy and the ID papers are
// the service center's.
import { html, useState } from '../core/html.js';
import { pb, fieldErrors } from '../core/api.js';
import { t, addMessages, label, choices } from '../core/i18n.js';
import { Loading, ErrorBox, Empty, Field, useAsync, useAction, confirmBox, toast } from '../core/ui.js';
import { VehicleForm } from '../core/vehicle_form.js';

addMessages({
  'phh.title': ['我的家庭', 'My household'],
  'phh.members': ['家庭成员', 'Members'],
  'phh.vehicles': ['车辆', 'Vehicles'],
  'phh.emergency': ['紧急联系人', 'Emergency contact'],
  'phh.name': ['姓名', 'Name'],
  'phh.relation': ['关系', 'Relation'],
  'phh.birthYear': ['出生年份', 'Year of birth'],
  'phh.phone': ['电话', 'Phone'],
  'phh.emergencyRelation': ['与您的关系', 'Relation to you'],
  'phh.addMember': ['添加家庭成员', 'Add a member'],
  'phh.newEnergy': ['新能源', 'New energy'],
  'phh.space': ['车位 {code}', 'Space {code}'],
  'phh.save': ['保存', 'Save'],
  'phh.saved': ['已保存', 'Saved'],
  'phh.remove': ['删除', 'Remove'],
  'phh.removeAsk': ['删除 {what}？', 'Remove {what}?'],
  'phh.ownerOnly': ['家庭成员和车辆由业主维护；如需更改请联系业主或客服中心。', 'The owner keeps the members and cars; ask the owner or the service center to change them.'],
  'phh.idHint': ['证件信息由客服中心登记，此处只显示部分号码。', 'ID papers are recorded by the service center; only part of each number is shown.'],
  'member_relation.owner': ['业主', 'Owner'],
  'member_relation.spouse': ['配偶', 'Spouse'],
  'member_relation.child': ['子女', 'Child'],
  'member_relation.parent': ['父母', 'Parent'],
  'member_relation.sibling': ['兄弟姐妹', 'Sibling'],
  'member_relation.relative': ['其他亲属', 'Relative'],
  'member_relation.tenant': ['租户', 'Tenant'],
  'member_relation.other': ['其他', 'Other'],
});

export function HouseholdPage({ unit }) {
  const u = unit.id;
  const data = useAsync(() => Promise.all([
    pb.collection('household_members').getFullList({ filter: pb.filter('unit = {:u} && active = true', { u }), sort: 'created' }),
    pb.collection('vehicles').getFullList({ filter: pb.filter('unit = {:u} && active = true', { u }), sort: 'created', expand: 'parking_space' }),
    pb.collection('household_files').getFirstListItem(pb.filter('unit = {:u}', { u })).catch(() => null),
    unit.relation === 'owner' ? pb.collection('parking_spaces').getFullList({ filter: pb.filter('unit = {:u}', { u }), sort: 'code' }).catch(() => []) : [],
  ]), [u]);
  const owner = unit.relation === 'owner';
  const act = useAction();
  const remove = (col, id, what) => act.run(async () => {
    if (!(await confirmBox({ title: t('phh.removeAsk', { what }), danger: true }))) return;
    await pb.collection(col).delete(id);
    data.reload();
  });
  if (data.loading && !data.data) return html`<${Loading} />`;
  if (data.error) return html`<${ErrorBox} error=${data.error} retry=${data.reload} />`;
  const [members, cars, file, spaces] = data.data;
  return html`<div class="household-page">
    <h1>${t('phh.title')}</h1>
    ${!owner && html`<p class="muted small">${t('phh.ownerOnly')}</p>`}
    <section class="card" data-members>
      <h2>${t('phh.members')}</h2>
      ${members.length === 0 ? html`<${Empty} />` : html`<ul class="list">${members.map((m) => html`<li key=${m.id} data-member=${m.name}>
        <strong>${m.name}</strong> · ${label('member_relation', m.relation)}${m.birth_year ? ' · ' + m.birth_year : ''}${m.phone ? ' · ' + m.phone : ''}
        ${m.id_no && html`<div class="muted small" data-id-no>${m.id_no}</div>`}
        ${owner && !m.resident && html` <button class="btn" disabled=${act.busy} onClick=${() => remove('household_members', m.id, m.name)}>${t('phh.remove')}</button>`}</li>`)}</ul>`}
      <p class="muted small">${t('phh.idHint')}</p>
      ${owner && html`<${MemberForm} unit=${unit} onDone=${data.reload} />`}
    </section>
    <section class="card" data-vehicles>
      <h2>${t('phh.vehicles')}</h2>
      ${cars.length === 0 ? html`<${Empty} />` : html`<ul class="list">${cars.map((v) => html`<li key=${v.id} data-vehicle=${v.plate}>
        <strong>${v.plate}</strong>${v.new_energy ? html` <span class="chip">${t('phh.newEnergy')}</span>` : ''} ${v.brand} ${v.color}
        ${v.expand?.parking_space ? ' · ' + t('phh.space', { code: v.expand.parking_space.code }) : ''}
        ${owner && html` <button class="btn" disabled=${act.busy} onClick=${() => remove('vehicles', v.id, v.plate)}>${t('phh.remove')}</button>`}</li>`)}</ul>`}
      ${owner && html`<${VehicleForm} unit=${unit} spaces=${spaces} onDone=${data.reload} />`}
    </section>
    <${ErrorBox} error=${act.error} />
    <${Emergency} key=${file?.id || 'new'} unit=${unit} file=${file} owner=${owner} onDone=${data.reload} />
  </div>`;
}

function MemberForm({ unit, onDone }) {
  const empty = { name: '', relation: 'child', birth_year: '', phone: '' };
  const [f, setF] = useState(empty);
  const act = useAction();
  const set = (k) => (e) => setF({ ...f, [k]: e.target.value });
  const submit = (e) => {
    e.preventDefault();
    act.run(async () => {
      await pb.collection('household_members').create({ ...f, birth_year: Number(f.birth_year) || 0, unit: unit.id });
      toast(t('phh.saved'));
      setF(empty);
      onDone();
    });
  };
  const errs = fieldErrors(act.error);
  return html`<form class="form" onSubmit=${submit} data-member-form>
    <h3>${t('phh.addMember')}</h3>
    <${Field} label=${t('phh.name')} error=${errs.name} required><input name="name" value=${f.name} onInput=${set('name')} /></${Field}>
    <${Field} label=${t('phh.relation')} error=${errs.relation} required><select name="relation" value=${f.relation} onChange=${set('relation')}>
      ${choices('member_relation').filter((c) => c.code !== 'owner' && c.code !== 'tenant').map(({ code, text }) => html`<option value=${code}>${text}</option>`)}</select></${Field}>
    <${Field} label=${t('phh.birthYear')} error=${errs.birth_year}><input name="birth_year" type="number" inputmode="numeric" value=${f.birth_year} onInput=${set('birth_year')} /></${Field}>
    <${Field} label=${t('phh.phone')} error=${errs.phone}><input name="phone" inputmode="tel" value=${f.phone} onInput=${set('phone')} /></${Field}>
    <${ErrorBox} error=${act.error} />
    <button class="btn primary" disabled=${act.busy}>${t('phh.addMember')}</button>
  </form>`;
}

function Emergency({ unit, file, owner, onDone }) {
  const [f, setF] = useState({ emergency_name: file?.emergency_name || '', emergency_phone: file?.emergency_phone || '', emergency_relation: file?.emergency_relation || '' });
  const act = useAction();
  const set = (k) => (e) => setF({ ...f, [k]: e.target.value });
  const submit = (e) => {
    e.preventDefault();
    act.run(async () => {
      if (file) await pb.collection('household_files').update(file.id, f);
      else await pb.collection('household_files').create({ ...f, unit: unit.id });
      toast(t('phh.saved'));
      onDone();
    });
  };
  const errs = fieldErrors(act.error);
  if (!owner) {
    return html`<section class="card" data-emergency><h2>${t('phh.emergency')}</h2>
      ${file?.emergency_name ? html`<p>${file.emergency_name} · ${file.emergency_phone} · ${file.emergency_relation}</p>` : html`<${Empty} />`}</section>`;
  }
  return html`<section class="card" data-emergency><h2>${t('phh.emergency')}</h2>
    <form class="form" onSubmit=${submit}>
      <${Field} label=${t('phh.name')} error=${errs.emergency_name}><input name="emergency_name" value=${f.emergency_name} onInput=${set('emergency_name')} /></${Field}>
      <${Field} label=${t('phh.phone')} error=${errs.emergency_phone}><input name="emergency_phone" inputmode="tel" value=${f.emergency_phone} onInput=${set('emergency_phone')} /></${Field}>
      <${Field} label=${t('phh.emergencyRelation')} error=${errs.emergency_relation}><input name="emergency_relation" value=${f.emergency_relation} onInput=${set('emergency_relation')} /></${Field}>
      <${ErrorBox} error=${act.error} />
      <button class="btn primary" disabled=${act.busy}>${t('phh.save')}</button>
    </form></section>`;
}
