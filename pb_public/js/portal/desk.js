// 邮件与出门条: what the front desk holds for the household — its mail and
// parcels (told here the moment the desk signs for them, [000] 前台 4.2),
// its goods passes (ask for one; an owner consents to a tenant's furniture,
// [001] 中汇广场 十一) — and the community's found items, without who found
// them ([001] 中汇广场 十二).
import { html, useState } from '../core/html.js';
import { pb, fieldErrors } from '../core/api.js';
import { t, addMessages } from '../core/i18n.js';
import { dateTime, today } from '../core/format.js';
import { Loading, ErrorBox, Empty, Status, Field, useAsync, useAction, toast } from '../core/ui.js';
import { useMyTopic, useCoalesce } from '../core/realtime.js';
import { MyMoveOut } from './moveout.js';

addMessages({
  'pdesk.title': ['邮件与出门条', 'Mail & passes'],
  'pdesk.parcels': ['我家的邮件快递', "My household's mail"],
  'pdesk.none': ['前台没有您家的邮件', 'Nothing waiting at the desk'],
  'pdesk.kind.registered_mail': ['挂号信', 'Registered mail'],
  'pdesk.kind.parcel': ['包裹/快递', 'Parcel'],
  'pdesk.kind.letter': ['信件', 'Letter'],
  'pdesk.kind.newspaper': ['报刊', 'Newspaper'],
  'pdesk.arrived': ['{at} 到达前台', 'at the desk since {at}'],
  'pdesk.idHint': ['挂号信请凭身份证件到前台领取', 'Bring an ID to collect registered mail'],
  'pdesk.collected': ['{who} 已领取', 'collected by {who}'],
  'pdesk.passes': ['出门条', 'Goods passes'],
  'pdesk.askPass': ['申请出门条', 'Ask for a pass'],
  'pdesk.items': ['搬出物品清单', 'Items leaving'],
  'pdesk.bulky': ['含家具、家电', 'Furniture or appliances'],
  'pdesk.validOn': ['出门日期', 'Day of leaving'],
  'pdesk.asked': ['已提交 {serial}，请等待客服中心确认', '{serial} sent: the service center will confirm it'],
  'pdesk.consent': ['同意搬出', 'I consent'],
  'pdesk.consented': ['业主已同意', 'Owner consented'],
  'pdesk.needsConsent': ['租户搬出家具、家电，须业主同意', "A tenant's furniture: needs the owner's consent"],
  'pdesk.code': ['验证码 {code}（门岗凭此放行，当日有效）', 'Code {code} (shown at the gate, valid that day)'],
  'pdesk.found': ['失物招领', 'Found items'],
  'pdesk.foundNone': ['暂无待认领物品', 'Nothing waiting to be claimed'],
  'pdesk.foundHint': ['认领时请说明物品特征和遗失地点，并携带身份证件到前台', 'To claim, describe the item and where you lost it, and bring an ID to the desk'],
  'pdesk.foundOn': ['{d} 拾获', 'found {d}'],
  'pdesk.anItem': ['物品一件', 'An item'],
});

export function DeskPage({ me, unit }) {
  return html`<h1>${t('pdesk.title')}</h1>
    <div class="grid2">
      <div><${MyParcels} unit=${unit} /><${MyPasses} me=${me} unit=${unit} /></div>
      <div><${FoundItems} unit=${unit} /><${MyMoveOut} me=${me} unit=${unit} /></div>
    </div>`;
}

function MyParcels({ unit }) {
  const list = useAsync(() => pb.collection('parcels').getList(1, 30, { filter: pb.filter('unit = {:u}', { u: unit.id }), sort: '-received_at' }), [unit.id]);
  const push = useCoalesce(() => list.reload(), 800);
  useMyTopic((e) => { if (e.collection === 'parcels') push(e); }, { onReconnect: list.reload }, [unit.id]);
  return html`<section class="card" aria-labelledby="h-my-parcels" data-testid="my-parcels">
    <h2 id="h-my-parcels">${t('pdesk.parcels')}</h2>
    ${list.loading && !list.data ? html`<${Loading} />` : list.error ? html`<${ErrorBox} error=${list.error} retry=${list.reload} />`
      : list.data.items.length === 0 ? html`<${Empty} text=${t('pdesk.none')} />` : html`<ul class="list">${list.data.items.map((p) => html`<li key=${p.id}>
        <div class="item"><div class="main">
          <div class="t">${t('pdesk.kind.' + p.kind)} ${p.carrier} ${p.tracking_no}</div>
          <div class="sub">${t('pdesk.arrived', { at: dateTime(p.received_at) })}${p.picked_up_by ? ' · ' + t('pdesk.collected', { who: p.picked_up_by }) : ''}
            ${p.kind === 'registered_mail' && (p.status === 'received' || p.status === 'notified') ? ' · ' + t('pdesk.idHint') : ''}</div></div>
          <${Status} col="parcels" code=${p.status} /></div></li>`)}</ul>`}
  </section>`;
}

function MyPasses({ me, unit }) {
  const list = useAsync(() => pb.collection('goods_passes').getList(1, 20, { filter: pb.filter('unit = {:u}', { u: unit.id }), sort: '-created' }), [unit.id]);
  const [form, setForm] = useState({ items: '', bulky: false, valid_on: today() });
  const act = useAction();
  const isOwner = unit.relation === 'owner';
  const submit = async (e) => {
    e.preventDefault();
    const saved = await act.run(() => pb.collection('goods_passes').create({ ...form, unit: unit.id }));
    if (saved) { toast(t('pdesk.asked', { serial: saved.serial })); setForm({ items: '', bulky: false, valid_on: today() }); list.reload(); }
  };
  const consent = async (g) => {
    const saved = await act.run(() => pb.collection('goods_passes').update(g.id, { consent_by: me.id }));
    if (saved) list.reload();
  };
  const errs = fieldErrors(act.error);
  return html`<section class="card" aria-labelledby="h-my-passes" data-testid="my-passes">
    <h2 id="h-my-passes">${t('pdesk.passes')}</h2>
    ${list.data && list.data.items.length > 0 && html`<ul class="list">${list.data.items.map((g) => html`<li key=${g.id}>
      <div class="item"><div class="main">
        <div class="t">${g.serial} · ${g.valid_on}</div>
        <div class="sub">${g.items}</div>
        ${g.status === 'approved' && html`<div class="sub"><strong>${t('pdesk.code', { code: g.code })}</strong></div>`}
        ${isOwner && g.tenant && g.bulky && g.status === 'requested' && html`<div class="sub">${g.consent_by ? t('pdesk.consented') : t('pdesk.needsConsent')}</div>`}
      </div><${Status} col="goods_passes" code=${g.status} /></div>
      ${isOwner && g.tenant && g.bulky && !g.consent_by && g.status === 'requested' && html`<button type="button" class="primary" disabled=${act.busy} onClick=${() => consent(g)}>${t('pdesk.consent')}</button>`}
    </li>`)}</ul>`}
    <details><summary>${t('pdesk.askPass')}</summary>
      <form class="stack" onSubmit=${submit} aria-label=${t('pdesk.askPass')}>
        <${Field} label=${t('pdesk.items')} required error=${errs.items}><textarea name="items" maxlength="1000" value=${form.items} onInput=${(e) => setForm({ ...form, items: e.target.value })}></textarea><//>
        <label class="inline"><input type="checkbox" name="bulky" checked=${form.bulky} onChange=${(e) => setForm({ ...form, bulky: e.target.checked })} /> ${t('pdesk.bulky')}</label>
        <${Field} label=${t('pdesk.validOn')} required error=${errs.valid_on}><input type="date" name="valid_on" value=${form.valid_on} onInput=${(e) => setForm({ ...form, valid_on: e.target.value })} /><//>
        <${ErrorBox} error=${act.error} />
        <button class="primary" disabled=${act.busy}>${t('pdesk.askPass')}</button>
      </form></details>
  </section>`;
}

function FoundItems({ unit }) {
  const list = useAsync(() => pb.send('/api/wuye/found-items', { query: { community: unit.community } }), [unit.community]);
  return html`<section class="card" aria-labelledby="h-found" data-testid="found-items">
    <h2 id="h-found">${t('pdesk.found')}</h2>
    <p class="small muted">${t('pdesk.foundHint')}</p>
    ${list.loading && !list.data ? html`<${Loading} />` : list.error ? html`<${ErrorBox} error=${list.error} retry=${list.reload} />`
      : list.data.items.length === 0 ? html`<${Empty} text=${t('pdesk.foundNone')} />` : html`<ul class="list">${list.data.items.map((f) => html`<li key=${f.serial}>
        <div class="item"><div class="main"><div class="t">${f.item_name || t('pdesk.anItem')}</div>
          <div class="sub">${f.serial} · ${t('pdesk.foundOn', { d: f.found_at })}</div></div></div></li>`)}</ul>`}
  </section>`;
}
