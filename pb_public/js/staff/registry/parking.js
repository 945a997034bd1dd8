// 档案 · 车位 (#/registry/parking): the community's parking spaces
// (migration 0066; docs/DESIGN.md § Registry) — unassigned, owned (产权) or
// leased (月租) by a household, filtered by holding, 50 a page; the
// supervisor and the director add and change them (a space is never
// deleted: one let no more goes back to unassigned).
import { html, useState } from '../../core/html.js';
import { pb } from '../../core/api.js';
import { t, addMessages, label, choices } from '../../core/i18n.js';
import { date } from '../../core/format.js';
import { Loading, ErrorBox, Empty, Field, useAsync, toast } from '../../core/ui.js';
import { RegistryNav, RecordForm, Pager, canWrite, money } from './common.js';

addMessages({
  'rg.addSpace': ['新增车位', 'Add a space'],
  'rg.spaceAdded': ['车位已添加', 'Space added'],
  'rg.garage': ['所在楼栋（地库）', 'Building (garage)'],
  'rg.holder': ['使用房屋', 'Held by'],
  'rg.unitId': ['使用房屋（在房屋详情页分配）', 'Held by (assign it on the unit page)'],
  'rg.note': ['备注', 'Note'],
});

export function RegistryParking({ me, community }) {
  const write = canWrite(me);
  const [holding, setHolding] = useState('');
  const [page, setPage] = useState(1);
  const [editing, setEditing] = useState('');
  const buildings = useAsync(() => pb.collection('buildings').getFullList({ filter: pb.filter('community = {:c}', { c: community.id }), sort: 'code', fields: 'id,code,name' }), [community.id]);
  const spaces = useAsync(() => pb.collection('parking_spaces').getList(page, 50, {
    filter: pb.filter(holding ? 'community = {:c} && holding = {:h}' : 'community = {:c}', { c: community.id, h: holding }),
    sort: 'code', expand: 'unit.building,building',
  }), [community.id, holding, page]);
  const fields = [
    { name: 'code', label: t('rg.space'), required: true },
    { name: 'building', label: t('rg.garage'), type: 'select', options: (buildings.data || []).map((b) => ({ code: b.id, text: b.name || b.code })) },
    { name: 'note', label: t('rg.note') },
  ];
  const holder = (s) => (s.expand?.unit ? `${s.expand.unit.expand?.building?.name || ''} ${s.expand.unit.number}` : '');
  return html`<div class="registry">
    <h1>${t('rg.title')} · ${t('rg.parking')}</h1>
    <${RegistryNav} me=${me} here="/registry/parking" />
    <section class="card stack">
      <${Field} label=${t('rg.holding')}><select value=${holding} onChange=${(e) => { setHolding(e.target.value); setPage(1); }}>
        <option value="">${t('rg.any')}</option>${choices('parking_holding').map((o) => html`<option value=${o.code}>${o.text}</option>`)}</select><//>
      ${spaces.loading && !spaces.data ? html`<${Loading} />` : spaces.error ? html`<${ErrorBox} error=${spaces.error} retry=${spaces.reload} />`
        : !spaces.data.items.length ? html`<${Empty} />` : html`
        <table class="t" data-testid="spaces"><thead><tr><th>${t('rg.space')}</th><th>${t('rg.holding')}</th><th>${t('rg.holder')}</th><th>${t('rg.plate')}</th><th>${t('rg.leaseUntil')}</th><th>${t('rg.monthlyFee')}</th><th></th></tr></thead><tbody>
          ${spaces.data.items.map((s) => html`<tr key=${s.id}>
            <td>${s.code}</td><td>${label('parking_holding', s.holding)}</td>
            <td>${s.unit ? html`<a href=${'#/registry/units/' + s.unit}>${holder(s)}</a>` : ''}</td><td>${s.plate}</td>
            <td>${s.lease_until ? date(s.lease_until) : ''}</td><td>${money(s.monthly_fee_fen)}</td>
            <td>${write && html`<button type="button" onClick=${() => setEditing(editing === s.id ? '' : s.id)}>${t(editing === s.id ? 'rg.close' : 'rg.edit')}</button>`}</td>
          </tr>
          ${editing === s.id && html`<tr><td colspan="7"><${RecordForm} testid="space-edit" record=${s} fields=${fields}
            onSubmit=${(p) => pb.collection('parking_spaces').update(s.id, p)} onDone=${() => { setEditing(''); spaces.reload(); toast(t('rg.saved')); }} /></td></tr>`}`)}
        </tbody></table>`}
      <${Pager} list=${spaces.data} page=${page} setPage=${setPage} />
    </section>
    ${write && html`<section class="card stack"><details><summary>${t('rg.addSpace')}</summary>
      <${RecordForm} testid="space-add" fields=${fields} submit=${t('rg.add')} resetAfter
        onSubmit=${(p) => pb.collection('parking_spaces').create({ ...p, community: community.id, holding: 'unassigned' })}
        onDone=${() => { spaces.reload(); toast(t('rg.spaceAdded')); }} /></details></section>`}
  </div>`;
}
