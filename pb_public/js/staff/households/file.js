// The household file of a unit (业主档案, docs/DESIGN.md § Household files):
// pick a building and a unit, then its members (ID numbers as the server
// shows them to the role: masked for all but the supervisor and the
// director), vehicles, emergency contact and tenancy, and its ownership
// transfers; the director exports the file of a building or the community.
import { html, useState } from '../../core/html.js';
import { pb } from '../../core/api.js';
import { t, lang } from '../../core/i18n.js';
import { Loading, ErrorBox, Field, useAsync, useAction, navigate, toast } from '../../core/ui.js';
import { fileName } from '../dashboard/common.js';
import { KEEPERS } from './common.js';
import { Members } from './members.js';
import { Vehicles, HouseholdFile } from './parts.js';
import { Transfers } from './transfers.js';

export function HouseholdFiles({ me, community, query }) {
  const c = community.id;
  const unitId = query?.get('unit') || '';
  const [building, setBuilding] = useState(query?.get('building') || '');
  const buildings = useAsync(() => pb.collection('buildings').getFullList({ filter: pb.filter('community = {:c}', { c }), sort: 'code' }), [c]);
  const b = building || buildings.data?.[0]?.id || '';
  const units = useAsync(() => (b ? pb.collection('units').getFullList({ filter: pb.filter('building = {:b}', { b }), sort: 'floor,number' }) : Promise.resolve([])), [b]);
  const unit = useAsync(() => (unitId ? pb.collection('units').getOne(unitId, { expand: 'building' }) : Promise.resolve(null)), [unitId]);
  const pick = (u) => navigate(`/households?building=${encodeURIComponent(b)}&unit=${encodeURIComponent(u)}`);
  const canWrite = KEEPERS.includes(me.role);
  if (buildings.loading && !buildings.data) return html`<${Loading} />`;
  return html`<div class="households-screen">
    <h1>${t('hh.title')}</h1>
    <div class="card row">
      <${Field} label=${t('hh.building')}><select name="building" value=${b} onChange=${(e) => setBuilding(e.target.value)}>
        ${(buildings.data || []).map((x) => html`<option value=${x.id}>${x.name}</option>`)}</select></${Field}>
      <${Field} label=${t('hh.unit')}><select name="unit" value=${unitId} onChange=${(e) => pick(e.target.value)}>
        <option value="">—</option>
        ${(units.data || []).map((u) => html`<option value=${u.id}>${u.number}</option>`)}</select></${Field}>
    </div>
    ${me.role === 'director' && html`<${Export} community=${community} building=${b} />`}
    ${!unitId ? html`<p class="muted">${t('hh.pick')}</p>`
    : unit.error ? html`<${ErrorBox} error=${unit.error} retry=${unit.reload} />`
    : !unit.data || unit.data.id !== unitId ? html`<${Loading} />`
    : html`<${UnitFile} key=${unitId} me=${me} unit=${unit.data} canWrite=${canWrite} />`}
  </div>`;
}

function UnitFile({ me, unit, canWrite }) {
  const [version, setVersion] = useState(0);
  const bump = () => setVersion(version + 1);
  return html`<div data-household=${unit.id}>
    <h2>${unit.expand?.building?.name} ${unit.number}</h2>
    <${Members} me=${me} unit=${unit} canWrite=${canWrite} version=${version} />
    <${Vehicles} me=${me} unit=${unit} canWrite=${canWrite} version=${version} />
    <${HouseholdFile} me=${me} unit=${unit} canWrite=${canWrite} version=${version} />
    <${Transfers} me=${me} unit=${unit} onDone=${bump} version=${version} />
  </div>`;
}

function Export({ community, building }) {
  const [full, setFull] = useState(false);
  const act = useAction();
  const run = (b) => act.run(async () => {
    const params = { community: community.id };
    if (b) params.building = b;
    if (full) params.full = '1';
    const name = await downloadHouseholds(params);
    toast(t('hh.exported', { name }));
  });
  return html`<div class="card row" data-export>
    <label><input type="checkbox" name="full" checked=${full} onChange=${(e) => setFull(e.target.checked)} /> ${t('hh.exportFull')}</label>
    <button class="btn" disabled=${act.busy || !building} onClick=${() => run(building)}>${t('hh.export')} · ${t('hh.building')}</button>
    <button class="btn" disabled=${act.busy} onClick=${() => run('')}>${t('hh.export')} · ${t('hh.exportAll')}</button>
    <${ErrorBox} error=${act.error} />
  </div>`;
}

/** downloadHouseholds fetches GET /api/wuye/households/export with the session's token and saves the file. */
async function downloadHouseholds(params) {
  const res = await fetch(`/api/wuye/households/export?${new URLSearchParams(params)}`, {
    headers: { Authorization: pb.authStore.token, 'Accept-Language': lang() },
  });
  if (!res.ok) {
    let message = '';
    try { message = (await res.json()).message; } catch { /* not JSON */ }
    throw new Error(message || t(res.status === 403 ? 'err.forbidden' : 'err.unknown'));
  }
  const name = fileName(res.headers.get('Content-Disposition'), 'households.xlsx');
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30000);
  return name;
}
