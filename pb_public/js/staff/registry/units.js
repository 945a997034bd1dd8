// 档案 · 房屋 (#/registry/units): the community's units, filtered by
// building, status, type and number and read 50 at a time (an estate has
// up to 20,000 units; the list never loads them all), and adding a unit
// (docs/DESIGN.md § Registry: the number unique in its building, the floor
// within it, a status with its date — the server says which field is wrong).
import { html, useState, useEffect } from '../../core/html.js';
import { pb } from '../../core/api.js';
import { t, addMessages, label, choices } from '../../core/i18n.js';
import { date } from '../../core/format.js';
import { Loading, ErrorBox, Empty, Field, useAsync, toast, navigate } from '../../core/ui.js';
import { RegistryNav, RecordForm, Pager, canWrite } from './common.js';

addMessages({
  'rg.search': ['房号', 'Number'],
  'rg.searchHint': ['输入房号的一部分，如 101', 'Part of the number, e.g. 101'],
  'rg.addUnit': ['新增房屋', 'Add a unit'],
  'rg.unitAdded': ['房屋已添加', 'Unit added'],
});

const PER_PAGE = 50;

/** unitFields are the unit's own fields as the registry edits them. */
export function unitFields(buildings) {
  return [
    ...(buildings ? [{ name: 'building', label: t('rg.building'), type: 'select', required: true, options: buildings.map((b) => ({ code: b.id, text: b.name || b.code })), default: buildings[0]?.id || '' }] : []),
    { name: 'number', label: t('rg.number'), required: true },
    { name: 'floor', label: t('rg.floor'), type: 'number', required: true },
    { name: 'type', label: t('rg.type'), type: 'select', required: true, options: choices('unit_type'), default: 'residential' },
    { name: 'area_m2', label: t('rg.areaM2'), type: 'number', required: true },
    { name: 'status', label: t('rg.status'), type: 'select', required: true, options: choices('unit_status'), default: 'vacant' },
    { name: 'handed_over_on', label: t('rg.handedOver'), type: 'date' },
    { name: 'renovation_registered_on', label: t('rg.renovationRegistered'), type: 'date' },
    { name: 'moved_in_on', label: t('rg.movedIn'), type: 'date' },
  ];
}

export function RegistryUnits({ me, community, query }) {
  const write = canWrite(me);
  const [filters, setFilters] = useState({ building: query?.get('building') || '', status: '', type: '', q: '' });
  const [q, setQ] = useState('');
  const [page, setPage] = useState(1);
  useEffect(() => { const id = setTimeout(() => setFilters((f) => ({ ...f, q: q.trim() })), 300); return () => clearTimeout(id); }, [q]);
  useEffect(() => setPage(1), [filters.building, filters.status, filters.type, filters.q]);
  const buildings = useAsync(() => pb.collection('buildings').getFullList({ filter: pb.filter('community = {:c}', { c: community.id }), sort: 'code', fields: 'id,code,name,floors' }), [community.id]);
  const units = useAsync(() => {
    const parts = ['community = {:c}'];
    if (filters.building) parts.push('building = {:b}');
    if (filters.status) parts.push('status = {:s}');
    if (filters.type) parts.push('type = {:t}');
    if (filters.q) parts.push('number ~ {:q}');
    return pb.collection('units').getList(page, PER_PAGE, {
      filter: pb.filter(parts.join(' && '), { c: community.id, b: filters.building, s: filters.status, t: filters.type, q: filters.q }),
      sort: 'building,floor,number', expand: 'building',
    });
  }, [community.id, filters.building, filters.status, filters.type, filters.q, page]);
  const set = (k) => (e) => setFilters((f) => ({ ...f, [k]: e.target.value }));
  const select = (k, opts) => html`<select value=${filters[k]} onChange=${set(k)} data-testid=${'filter-' + k}>
    <option value="">${t('rg.any')}</option>${opts.map((o) => html`<option value=${o.code}>${o.text}</option>`)}</select>`;
  return html`<div class="registry">
    <h1>${t('rg.title')} · ${t('rg.units')}</h1>
    <${RegistryNav} me=${me} here="/registry/units" />
    <section class="card stack">
      <div class="grid2">
        <${Field} label=${t('rg.building')}>${select('building', (buildings.data || []).map((b) => ({ code: b.id, text: b.name || b.code })))}<//>
        <${Field} label=${t('rg.status')}>${select('status', choices('unit_status'))}<//>
        <${Field} label=${t('rg.type')}>${select('type', choices('unit_type'))}<//>
        <${Field} label=${t('rg.search')} hint=${t('rg.searchHint')}><input type="search" value=${q} onInput=${(e) => setQ(e.target.value)} data-testid="filter-q" /><//>
      </div>
      ${units.loading && !units.data ? html`<${Loading} />` : units.error ? html`<${ErrorBox} error=${units.error} retry=${units.reload} />`
        : !units.data.items.length ? html`<${Empty} />` : html`
        <table class="t" data-testid="units"><thead><tr><th>${t('rg.number')}</th><th>${t('rg.floor')}</th><th>${t('rg.type')}</th><th>${t('rg.areaM2')}</th><th>${t('rg.status')}</th><th>${t('rg.handedOver')}</th></tr></thead><tbody>
          ${units.data.items.map((u) => html`<tr key=${u.id}>
            <td><a href=${'#/registry/units/' + u.id}>${u.expand?.building?.name || u.expand?.building?.code} ${u.number}</a></td>
            <td>${u.floor}</td><td>${label('unit_type', u.type)}</td><td>${u.area_m2}</td>
            <td><span class="chip">${label('unit_status', u.status)}</span></td><td>${u.handed_over_on ? date(u.handed_over_on) : ''}</td>
          </tr>`)}
        </tbody></table>`}
      <${Pager} list=${units.data} page=${page} setPage=${setPage} />
    </section>
    ${write && buildings.data && html`<section class="card stack"><details data-testid="unit-add-box"><summary>${t('rg.addUnit')}</summary>
      <${RecordForm} testid="unit-add" fields=${unitFields(buildings.data)} submit=${t('rg.add')}
        onSubmit=${(p) => pb.collection('units').create(p)}
        onDone=${(u) => { toast(t('rg.unitAdded')); navigate('/registry/units/' + u.id); }} /></details></section>`}
  </div>`;
}
