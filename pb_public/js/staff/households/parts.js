// The household's vehicles (on a space the unit holds) and its file: the
// emergency contact and the tenancy terms (household_files, one per unit).
import { html, useState } from '../../core/html.js';
import { pb, fieldErrors } from '../../core/api.js';
import { t } from '../../core/i18n.js';
import { yuan, parseYuan } from '../../core/format.js';
import { Loading, ErrorBox, Empty, Field, useAsync, useAction, confirmBox, toast } from '../../core/ui.js';
import { VehicleForm } from '../../core/vehicle_form.js';

export function Vehicles({ unit, canWrite, version }) {
  const data = useAsync(() => Promise.all([
    pb.collection('vehicles').getFullList({ filter: pb.filter('unit = {:u}', { u: unit.id }), sort: '-active,created', expand: 'parking_space' }),
    canWrite ? pb.collection('parking_spaces').getFullList({ filter: pb.filter('unit = {:u}', { u: unit.id }), sort: 'code' }).catch(() => []) : [],
  ]), [unit.id, version]);
  const act = useAction();
  const remove = (v) => act.run(async () => {
    if (!(await confirmBox({ title: t('hh.removeAsk'), body: v.plate, danger: true }))) return;
    await pb.collection('vehicles').delete(v.id);
    data.reload();
  });
  if (data.loading && !data.data) return html`<${Loading} />`;
  if (data.error) return html`<${ErrorBox} error=${data.error} retry=${data.reload} />`;
  const [cars, spaces] = data.data;
  return html`<section class="card" data-vehicles>
    <h3>${t('hh.vehicles')}</h3>
    ${cars.length === 0 ? html`<${Empty} />` : html`<ul class="list">${cars.map((v) => html`<li key=${v.id} data-vehicle=${v.plate} class=${v.active ? '' : 'muted'}>
      <strong>${v.plate}</strong>${v.new_energy ? html` <span class="chip">${t('hh.newEnergy')}</span>` : ''}
      ${' '}${v.brand} ${v.color} ${v.owner_name ? '· ' + v.owner_name : ''}
      ${v.expand?.parking_space ? html` · ${t('hh.space')} ${v.expand.parking_space.code}` : ''}
      ${!v.active ? html` <span class="chip">${t('hh.retired')}</span>` : ''}
      ${canWrite && html` <button class="btn" disabled=${act.busy} onClick=${() => remove(v)}>${t('hh.remove')}</button>`}</li>`)}</ul>`}
    <${ErrorBox} error=${act.error} />
    ${canWrite && html`<${VehicleForm} unit=${unit} spaces=${spaces} onDone=${data.reload} />`}
  </section>`;
}

const FILE_FIELDS = ['emergency_name', 'emergency_phone', 'emergency_relation', 'tenant_link', 'lease_start', 'lease_end', 'rent_fen', 'lease_note'];

export function HouseholdFile({ unit, canWrite, version }) {
  const data = useAsync(() => Promise.all([
    pb.collection('household_files').getFirstListItem(pb.filter('unit = {:u}', { u: unit.id })).catch(() => null),
    pb.collection('unit_residents').getFullList({ filter: pb.filter('unit = {:u} && relation = "tenant"', { u: unit.id }), expand: 'resident', sort: '-since' }).catch(() => []),
  ]), [unit.id, version]);
  if (data.loading && !data.data) return html`<${Loading} />`;
  if (data.error) return html`<${ErrorBox} error=${data.error} retry=${data.reload} />`;
  const [file, tenants] = data.data;
  return html`<${FileForm} key=${file?.id || 'new'} unit=${unit} file=${file} tenants=${tenants} canWrite=${canWrite} emergencyOnly=${false} onDone=${data.reload} />`;
}

/** FileForm edits the emergency contact and, for the desk, the tenancy. */
export function FileForm({ unit, file, tenants = [], canWrite, emergencyOnly, onDone }) {
  const start = Object.fromEntries(FILE_FIELDS.map((k) => [k, file?.[k] ?? '']));
  start.rent_fen = file?.rent_fen ? yuan(file.rent_fen).replace(/[¥,]/g, '') : '';
  const [f, setF] = useState(start);
  const act = useAction();
  const set = (k) => (e) => setF({ ...f, [k]: e.target.value });
  const submit = (e) => {
    e.preventDefault();
    act.run(async () => {
      const keys = emergencyOnly ? FILE_FIELDS.filter((k) => k.startsWith('emergency_')) : FILE_FIELDS;
      const body = Object.fromEntries(keys.map((k) => [k, f[k]]));
      if (!emergencyOnly) {
        body.rent_fen = parseYuan(String(f.rent_fen), 0);
        if (Number.isNaN(body.rent_fen)) throw new Error(t('hh.rentInvalid'));
      }
      if (file) await pb.collection('household_files').update(file.id, body);
      else await pb.collection('household_files').create({ ...body, unit: unit.id });
      toast(t('hh.saved'));
      onDone();
    });
  };
  const errs = fieldErrors(act.error);
  const ro = !canWrite;
  return html`<section class="card" data-household-file>
    <h3>${t('hh.file')}</h3>
    <form class="form" onSubmit=${submit}>
      <div class="grid2">
        <${Field} label=${t('hh.emergencyName')} error=${errs.emergency_name}><input name="emergency_name" readonly=${ro} value=${f.emergency_name} onInput=${set('emergency_name')} /></${Field}>
        <${Field} label=${t('hh.emergencyPhone')} error=${errs.emergency_phone}><input name="emergency_phone" inputmode="tel" readonly=${ro} value=${f.emergency_phone} onInput=${set('emergency_phone')} /></${Field}>
        <${Field} label=${t('hh.emergencyRelation')} error=${errs.emergency_relation}><input name="emergency_relation" readonly=${ro} value=${f.emergency_relation} onInput=${set('emergency_relation')} /></${Field}>
      </div>
      ${!emergencyOnly && html`<div class="grid2">
        <${Field} label=${t('hh.tenant')} error=${errs.tenant_link}><select name="tenant_link" disabled=${ro} value=${f.tenant_link} onChange=${set('tenant_link')}>
          <option value="">${t('hh.noTenant')}</option>
          ${tenants.map((l) => html`<option value=${l.id}>${l.expand?.resident?.name || l.id} (${l.since}${l.until ? ' – ' + l.until : ''})</option>`)}</select></${Field}>
        <${Field} label=${t('hh.leaseStart')} error=${errs.lease_start}><input name="lease_start" type="date" readonly=${ro} value=${f.lease_start} onInput=${set('lease_start')} /></${Field}>
        <${Field} label=${t('hh.leaseEnd')} error=${errs.lease_end}><input name="lease_end" type="date" readonly=${ro} value=${f.lease_end} onInput=${set('lease_end')} /></${Field}>
        <${Field} label=${t('hh.rent')} error=${errs.rent_fen}><input name="rent" inputmode="decimal" readonly=${ro} value=${f.rent_fen} onInput=${set('rent_fen')} /></${Field}>
        <${Field} label=${t('hh.leaseNote')} error=${errs.lease_note}><input name="lease_note" readonly=${ro} value=${f.lease_note} onInput=${set('lease_note')} /></${Field}>
      </div>`}
      <${ErrorBox} error=${act.error} />
      ${canWrite && html`<button class="btn primary" disabled=${act.busy}>${t('hh.save')}</button>`}
    </form>
  </section>`;
}
