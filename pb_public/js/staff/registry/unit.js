// 档案 · 一套房屋 (#/registry/units/:id): the unit's own record (type, area,
// status with its dates), who lives there — owner, tenant, family, from and
// until, a tenant's lease contract and rent ([000] 管理员 4.5.3) — with
// linking a resident (found by phone, or a new account the resident later
// sets a password for through the desk's reset), ending a link, the parking
// spaces the household holds, and the place where the household file
// (家庭成员、车辆, issue #20 item 5) goes. docs/DESIGN.md § Registry.
import { html, useState } from '../../core/html.js';
import { pb } from '../../core/api.js';
import { t, addMessages, label, choices } from '../../core/i18n.js';
import { date, today } from '../../core/format.js';
import { Loading, ErrorBox, Empty, Field, useAsync, useAction, toast, confirmBox } from '../../core/ui.js';
import { RegistryNav, RecordForm, canWrite, money } from './common.js';
import { unitFields } from './units.js';

addMessages({
  'rg.unitRecord': ['房屋信息', 'The unit'],
  'rg.links': ['住户登记', 'Who lives here'],
  'rg.current': ['当前', 'Current'],
  'rg.ended': ['已结束', 'Ended'],
  'rg.pending': ['待住户确认', 'Waiting for the resident'],
  'rg.endLink': ['结束登记', 'End'],
  'rg.endConfirm': ['结束 {name} 的登记？', "End {name}'s link?"],
  'rg.endBody': ['截止日期记为今天，此后该住户不能再查看这套房屋。', "The end date becomes today; from now on the resident no longer sees this unit."],
  'rg.linkEnded': ['登记已结束', 'Link ended'],
  'rg.lease': ['租赁条款', 'Tenancy terms'],
  'rg.addLink': ['登记住户', 'Link a resident'],
  'rg.findPhone': ['住户手机号', "Resident's mobile"],
  'rg.find': ['查找', 'Find'],
  'rg.found': ['找到：{name}', 'Found: {name}'],
  'rg.notFound': ['本小区没有这个手机号的住户，请新建住户账号', 'No resident of this community has that number: create the account'],
  'rg.newResident': ['新建住户账号', 'New resident account'],
  'rg.email': ['邮箱', 'Email'],
  'rg.emailHint': ['住户用它找回密码；账号建好后在“住户”页为其发起密码设置', 'The resident resets the password with it; start the reset from the Residents page'],
  'rg.linked': ['已登记', 'Linked'],
  'rg.linkedPending': ['已登记，等待住户在住户服务中确认', 'Linked; waiting for the resident to confirm in the portal'],
  'rg.spaces': ['车位', 'Parking spaces'],
  'rg.assignSpace': ['分配车位', 'Assign a space'],
  'rg.release': ['收回', 'Release'],
  'rg.releaseConfirm': ['收回车位 {code}？', 'Release space {code}?'],
  'rg.released': ['车位已收回', 'Space released'],
  'rg.noFreeSpace': ['没有未分配的车位', 'No unassigned space'],
  'rg.household': ['业主档案（家庭成员、车辆）', 'Household file (members, vehicles)'],
  'rg.householdSoon': ['家庭成员和车辆登记将在这里显示。', 'Household members and vehicles will show here.'],
});

export function RegistryUnit({ me, community, params }) {
  const write = canWrite(me);
  const unit = useAsync(() => pb.collection('units').getOne(params.id, { expand: 'building' }), [params.id]);
  const buildingName = unit.data?.expand?.building ? (unit.data.expand.building.name || unit.data.expand.building.code) : '';
  return html`<div class="registry">
    <h1>${t('rg.title')} · ${buildingName} ${unit.data?.number || ''}</h1>
    <${RegistryNav} me=${me} here="/registry/units" />
    ${unit.loading && !unit.data ? html`<${Loading} />` : unit.error ? html`<${ErrorBox} error=${unit.error} retry=${unit.reload} />` : html`
      <section class="card stack">
        <h2>${t('rg.unitRecord')}</h2>
        <${RecordForm} testid="unit-edit" key=${unit.data.updated} record=${unit.data} fields=${unitFields(null)} disabled=${!write}
          onSubmit=${(p) => pb.collection('units').update(unit.data.id, p, { expand: 'building' })}
          onDone=${(r) => { unit.setData(r); toast(t('rg.saved')); }} />
      </section>
      <${Links} write=${write} unit=${unit.data} community=${community} />
      <${Spaces} write=${write} unit=${unit.data} community=${community} />
      <section class="card stack" data-slot="household-files" data-testid="household-files">
        <h2>${t('rg.household')}</h2>
        <p class="small muted">${t('rg.householdSoon')}</p>
      </section>`}
  </div>`;
}

const leaseFields = () => [
  { name: 'since', label: t('rg.since'), type: 'date' },
  { name: 'until', label: t('rg.until'), type: 'date' },
  { name: 'lease_contract_no', label: t('rg.leaseNo'), show: (v) => v.relation === undefined || v.relation === 'tenant' },
  { name: 'lease_rent_fen', label: t('rg.leaseRent'), type: 'yuan', show: (v) => v.relation === undefined || v.relation === 'tenant' },
];

function Links({ write, unit, community }) {
  const links = useAsync(() => pb.collection('unit_residents').getFullList({ filter: pb.filter('unit = {:u}', { u: unit.id }), sort: '-active,relation,since', expand: 'resident' }), [unit.id]);
  const [editing, setEditing] = useState('');
  const end = async (l) => {
    const name = l.expand?.resident?.name || '';
    if (!(await confirmBox({ title: t('rg.endConfirm', { name }), body: t('rg.endBody'), ok: t('rg.endLink'), danger: true }))) return;
    try {
      await pb.collection('unit_residents').update(l.id, { until: today() });
      toast(t('rg.linkEnded'));
      links.reload();
    } catch (e) { toast(e.message); }
  };
  const state = (l) => (l.pending ? 'rg.pending' : l.active ? 'rg.current' : 'rg.ended');
  return html`<section class="card stack" data-testid="links">
    <h2>${t('rg.links')}</h2>
    ${links.loading && !links.data ? html`<${Loading} />` : links.error ? html`<${ErrorBox} error=${links.error} retry=${links.reload} />`
      : !links.data.length ? html`<${Empty} />` : html`
      <table class="t"><thead><tr><th>${t('rg.residentName')}</th><th>${t('rg.phone')}</th><th>${t('rg.relation')}</th><th>${t('rg.since')}</th><th>${t('rg.status')}</th><th>${t('rg.lease')}</th><th></th></tr></thead><tbody>
        ${links.data.map((l) => html`<tr key=${l.id}>
          <td>${l.expand?.resident?.name || ''}</td><td>${l.expand?.resident?.phone || ''}</td>
          <td>${label('relation', l.relation)}</td>
          <td>${l.since ? date(l.since) : ''}${l.until ? ' – ' + date(l.until) : ''}</td>
          <td><span class="chip">${t(state(l))}</span></td>
          <td>${l.relation === 'tenant' ? html`${l.lease_contract_no || ''} ${l.lease_rent_fen ? money(l.lease_rent_fen) : ''}` : ''}</td>
          <td>${write && (l.active || l.pending) && html`<div class="row">
            <button type="button" onClick=${() => setEditing(editing === l.id ? '' : l.id)}>${t(editing === l.id ? 'rg.close' : 'rg.edit')}</button>
            <button type="button" class="danger" onClick=${() => end(l)}>${t('rg.endLink')}</button></div>`}</td>
        </tr>
        ${editing === l.id && html`<tr><td colspan="7"><${RecordForm} testid="link-edit" record=${l}
          fields=${leaseFields().map((f) => ({ ...f, show: f.show && (() => l.relation === 'tenant') }))}
          onSubmit=${(p) => pb.collection('unit_residents').update(l.id, p)} onDone=${() => { setEditing(''); links.reload(); toast(t('rg.saved')); }} /></td></tr>`}`)}
      </tbody></table>`}
    ${write && html`<${AddLink} unit=${unit} community=${community} onDone=${links.reload} />`}
  </section>`;
}

function AddLink({ unit, community, onDone }) {
  const [phone, setPhone] = useState('');
  const [found, setFound] = useState(null); // a resident, 'none', or null (not looked up)
  const look = useAction();
  const find = async (e) => {
    e.preventDefault();
    const r = await look.run(() => pb.collection('residents').getList(1, 1, { filter: pb.filter('phone = {:p}', { p: phone.trim() }), fields: 'id,name,phone' }));
    if (r) setFound(r.items[0] || 'none');
  };
  const linkFields = [
    { name: 'relation', label: t('rg.relation'), type: 'select', required: true, options: choices('relation'), default: 'owner' },
    ...leaseFields().map((f) => (f.name === 'since' ? { ...f, default: today() } : f)),
  ];
  const newFields = [
    { name: 'name', label: t('rg.residentName'), required: true },
    { name: 'email', label: t('rg.email'), required: true, hint: t('rg.emailHint') },
    ...linkFields,
  ];
  const link = async (residentId, p) => {
    const { name, email, ...rest } = p;
    return pb.collection('unit_residents').create({ ...rest, unit: unit.id, resident: residentId });
  };
  const done = (l) => {
    toast(t(l.pending ? 'rg.linkedPending' : 'rg.linked'));
    setFound(null); setPhone('');
    onDone();
  };
  return html`<details data-testid="link-add-box"><summary>${t('rg.addLink')}</summary>
    <form class="row" onSubmit=${find} data-testid="link-find">
      <${Field} label=${t('rg.findPhone')}><input type="tel" required value=${phone} onInput=${(e) => { setPhone(e.target.value); setFound(null); }} /><//>
      <button disabled=${look.busy}>${t('rg.find')}</button>
    </form>
    <${ErrorBox} error=${look.error} />
    ${found && found !== 'none' && html`<p>${t('rg.found', { name: found.name })}</p>
      <${RecordForm} testid="link-add" fields=${linkFields} submit=${t('rg.addLink')}
        onSubmit=${(p) => link(found.id, p)} onDone=${done} />`}
    ${found === 'none' && html`<p class="small muted">${t('rg.notFound')}</p>
      <${RecordForm} testid="resident-add" fields=${newFields} submit=${t('rg.newResident')}
        onSubmit=${async (p) => {
          const pw = randomPassword();
          const r = await pb.collection('residents').create({ name: p.name, email: p.email, phone: phone.trim(), password: pw, passwordConfirm: pw });
          return link(r.id, p);
        }} onDone=${done} />`}
  </details>`;
}

/** randomPassword: a new resident's account starts with a password nobody knows; the resident sets their own. */
export function randomPassword() {
  const a = new Uint8Array(18);
  crypto.getRandomValues(a);
  return Array.from(a, (b) => 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789'[b % 56]).join('');
}

function Spaces({ write, unit, community }) {
  const spaces = useAsync(() => pb.collection('parking_spaces').getFullList({ filter: pb.filter('unit = {:u}', { u: unit.id }), sort: 'code' }), [unit.id]);
  const free = useAsync(() => (write ? pb.collection('parking_spaces').getList(1, 200, {
    filter: pb.filter('community = {:c} && holding = "unassigned"', { c: community.id }), sort: 'code', fields: 'id,code' }) : Promise.resolve({ items: [] })), [community.id, spaces.data]);
  const release = async (s) => {
    if (!(await confirmBox({ title: t('rg.releaseConfirm', { code: s.code }), ok: t('rg.release'), danger: true }))) return;
    try {
      await pb.collection('parking_spaces').update(s.id, { holding: 'unassigned', unit: '', plate: '', lease_until: '', monthly_fee_fen: 0 });
      toast(t('rg.released'));
      spaces.reload();
    } catch (e) { toast(e.message); }
  };
  const options = (free.data?.items || []).map((s) => ({ code: s.id, text: s.code }));
  return html`<section class="card stack" data-testid="unit-spaces">
    <h2>${t('rg.spaces')}</h2>
    ${spaces.loading && !spaces.data ? html`<${Loading} />` : spaces.error ? html`<${ErrorBox} error=${spaces.error} retry=${spaces.reload} />`
      : !spaces.data.length ? html`<${Empty} />` : html`
      <table class="t"><thead><tr><th>${t('rg.space')}</th><th>${t('rg.holding')}</th><th>${t('rg.plate')}</th><th>${t('rg.leaseUntil')}</th><th>${t('rg.monthlyFee')}</th><th></th></tr></thead><tbody>
        ${spaces.data.map((s) => html`<tr key=${s.id}><td>${s.code}</td><td>${label('parking_holding', s.holding)}</td><td>${s.plate}</td>
          <td>${s.lease_until ? date(s.lease_until) : ''}</td><td>${money(s.monthly_fee_fen)}</td>
          <td>${write && html`<button type="button" class="danger" onClick=${() => release(s)}>${t('rg.release')}</button>`}</td></tr>`)}
      </tbody></table>`}
    ${write && html`<details><summary>${t('rg.assignSpace')}</summary>
      ${free.data && !options.length ? html`<p class="small muted">${t('rg.noFreeSpace')}</p>` : html`
      <${RecordForm} key=${options.length} testid="space-assign" submit=${t('rg.assignSpace')}
        fields=${[
          { name: 'space', label: t('rg.space'), type: 'select', required: true, options, default: options[0]?.code || '' },
          { name: 'holding', label: t('rg.holding'), type: 'select', required: true, options: choices('parking_holding').filter((o) => o.code !== 'unassigned'), default: 'leased' },
          { name: 'plate', label: t('rg.plate') },
          { name: 'lease_until', label: t('rg.leaseUntil'), type: 'date', show: (v) => v.holding === 'leased' },
          { name: 'monthly_fee_fen', label: t('rg.monthlyFee'), type: 'yuan', show: (v) => v.holding === 'leased' },
        ]}
        onSubmit=${({ space, ...p }) => pb.collection('parking_spaces').update(space, { ...p, unit: unit.id })}
        onDone=${() => { spaces.reload(); toast(t('rg.saved')); }} />`}
    </details>`}
  </section>`;
}
