// 档案 · 小区、片区、楼栋 (#/registry): the community's own details, its
// areas with their area managers, and its buildings (docs/DESIGN.md
// § Registry). The supervisor and the director edit; the other roles of the
// menu read. A new community is created by the platform administrators.
import { html, useState } from '../../core/html.js';
import { pb } from '../../core/api.js';
import { t, addMessages } from '../../core/i18n.js';
import { Loading, ErrorBox, Empty, useAsync, toast } from '../../core/ui.js';
import { RegistryNav, RecordForm, canWrite } from './common.js';

addMessages({
  'rg.community': ['小区信息', 'Community'],
  'rg.areas': ['片区', 'Areas'],
  'rg.buildings': ['楼栋', 'Buildings'],
  'rg.addArea': ['新增片区', 'Add an area'],
  'rg.addBuilding': ['新增楼栋', 'Add a building'],
  'rg.areaAdded': ['片区已添加', 'Area added'],
  'rg.buildingAdded': ['楼栋已添加', 'Building added'],
  'rg.noManager': ['未指定', 'None'],
  'rg.createdByAdmin': ['新小区由平台管理员开设', 'New communities are opened by the platform administrators'],
});

export function RegistryPlaces({ me, community }) {
  const write = canWrite(me);
  const c = useAsync(() => pb.collection('communities').getOne(community.id), [community.id]);
  return html`<div class="registry">
    <h1>${t('rg.title')} · ${community.name}</h1>
    <${RegistryNav} me=${me} here="/registry" />
    ${!write && html`<p class="small muted" data-testid="read-only">${t('rg.readOnly')}</p>`}
    <section class="card stack">
      <h2>${t('rg.community')}</h2>
      ${c.loading && !c.data ? html`<${Loading} />` : c.error ? html`<${ErrorBox} error=${c.error} retry=${c.reload} />` : html`
        <${RecordForm} testid="community-form" record=${c.data} disabled=${!write}
          fields=${[
            { name: 'name', label: t('rg.name'), required: true },
            { name: 'code', label: t('rg.code') },
            { name: 'address', label: t('rg.address') },
            { name: 'phone', label: t('rg.phone') },
          ]}
          onSubmit=${(p) => pb.collection('communities').update(c.data.id, p)}
          onDone=${(r) => { c.setData(r); toast(t('rg.saved')); }} />`}
      <small class="hint">${t('rg.createdByAdmin')}</small>
    </section>
    <${Areas} write=${write} community=${community} />
    <${Buildings} write=${write} community=${community} />
  </div>`;
}

function Areas({ write, community }) {
  const areas = useAsync(() => pb.collection('areas').getFullList({ filter: pb.filter('community = {:c}', { c: community.id }), sort: 'name', expand: 'manager' }), [community.id]);
  const managers = useAsync(() => pb.collection('staff').getFullList({
    filter: pb.filter('role = "area_manager" && active = true && communities.id ?= {:c}', { c: community.id }), sort: 'name', fields: 'id,name' }), [community.id]);
  const [editing, setEditing] = useState('');
  const options = (managers.data || []).map((m) => ({ code: m.id, text: m.name }));
  const fields = [
    { name: 'name', label: t('rg.name'), required: true },
    { name: 'manager', label: t('rg.manager'), type: 'select', options },
  ];
  return html`<section class="card stack" data-testid="areas">
    <h2>${t('rg.areas')}</h2>
    ${areas.loading && !areas.data ? html`<${Loading} />` : areas.error ? html`<${ErrorBox} error=${areas.error} retry=${areas.reload} />`
      : !areas.data.length ? html`<${Empty} />` : html`
      <table class="t"><thead><tr><th>${t('rg.name')}</th><th>${t('rg.manager')}</th><th></th></tr></thead><tbody>
        ${areas.data.map((a) => html`<tr key=${a.id}>
          <td>${a.name}</td><td>${a.expand?.manager?.name || t('rg.noManager')}</td>
          <td>${write && html`<button type="button" onClick=${() => setEditing(editing === a.id ? '' : a.id)}>${t(editing === a.id ? 'rg.close' : 'rg.edit')}</button>`}</td>
        </tr>
        ${editing === a.id && html`<tr><td colspan="3"><${RecordForm} testid="area-edit" record=${a} fields=${fields}
          onSubmit=${(p) => pb.collection('areas').update(a.id, p)} onDone=${() => { setEditing(''); areas.reload(); toast(t('rg.saved')); }} /></td></tr>`}`)}
      </tbody></table>`}
    ${write && html`<details><summary>${t('rg.addArea')}</summary>
      <${RecordForm} testid="area-add" fields=${fields} submit=${t('rg.add')} resetAfter
        onSubmit=${(p) => pb.collection('areas').create({ ...p, community: community.id })}
        onDone=${() => { areas.reload(); toast(t('rg.areaAdded')); }} /></details>`}
  </section>`;
}

function Buildings({ write, community }) {
  const buildings = useAsync(() => pb.collection('buildings').getFullList({ filter: pb.filter('community = {:c}', { c: community.id }), sort: 'code', expand: 'area' }), [community.id]);
  const areas = useAsync(() => pb.collection('areas').getFullList({ filter: pb.filter('community = {:c}', { c: community.id }), sort: 'name', fields: 'id,name' }), [community.id]);
  const [editing, setEditing] = useState('');
  const fields = [
    { name: 'code', label: t('rg.code'), required: true },
    { name: 'name', label: t('rg.name') },
    { name: 'floors', label: t('rg.floors'), type: 'number', required: true },
    { name: 'area', label: t('rg.area'), type: 'select', options: (areas.data || []).map((a) => ({ code: a.id, text: a.name })) },
  ];
  return html`<section class="card stack" data-testid="buildings">
    <h2>${t('rg.buildings')}</h2>
    ${buildings.loading && !buildings.data ? html`<${Loading} />` : buildings.error ? html`<${ErrorBox} error=${buildings.error} retry=${buildings.reload} />`
      : !buildings.data.length ? html`<${Empty} />` : html`
      <table class="t"><thead><tr><th>${t('rg.code')}</th><th>${t('rg.name')}</th><th>${t('rg.floors')}</th><th>${t('rg.area')}</th><th></th></tr></thead><tbody>
        ${buildings.data.map((b) => html`<tr key=${b.id}>
          <td><a href=${'#/registry/units?building=' + b.id}>${b.code}</a></td><td>${b.name}</td><td>${b.floors}</td><td>${b.expand?.area?.name || ''}</td>
          <td>${write && html`<button type="button" onClick=${() => setEditing(editing === b.id ? '' : b.id)}>${t(editing === b.id ? 'rg.close' : 'rg.edit')}</button>`}</td>
        </tr>
        ${editing === b.id && html`<tr><td colspan="5"><${RecordForm} testid="building-edit" record=${b} fields=${fields}
          onSubmit=${(p) => pb.collection('buildings').update(b.id, p)} onDone=${() => { setEditing(''); buildings.reload(); toast(t('rg.saved')); }} /></td></tr>`}`)}
      </tbody></table>`}
    ${write && html`<details data-testid="building-add-box"><summary>${t('rg.addBuilding')}</summary>
      <${RecordForm} testid="building-add" fields=${fields} submit=${t('rg.add')} resetAfter
        onSubmit=${(p) => pb.collection('buildings').create({ ...p, community: community.id })}
        onDone=${() => { buildings.reload(); toast(t('rg.buildingAdded')); }} /></details>`}
  </section>`;
}
