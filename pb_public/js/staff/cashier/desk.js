// The cashier's desk (#/cashier, 收款): the approved deposit refunds to pay
// (refunds.js); find a unit, see what it owes, take a payment (payments.js)
// and print the receipt.
import { html, useState, useEffect } from '../../core/html.js';
import { pb } from '../../core/api.js';
import { t, addMessages, label } from '../../core/i18n.js';
import { yuan, unitName } from '../../core/format.js';
import { Loading, ErrorBox, Empty, Field, useAsync, navigate } from '../../core/ui.js';
import { useRealtime } from '../../core/realtime.js';
import { RELATIONS, loadLadder } from './common.js';
import { CASH } from '../roles.js';
import { BillsAndPay, PaymentList } from './payments.js';
import { RefundsToPay } from './refunds.js';

addMessages({
  'cashier.title': ['收款', 'Payments'],
  'cashier.listSep': ['，', ', '],
  'cashier.search': ['查找房屋', 'Find a unit'],
  'cashier.searchLabel': ['房号、业主姓名或电话', 'Unit number, name or phone'],
  'cashier.searchHint': ['例如 1-101、101、李明、13800000001', 'e.g. 1-101, 101, a name or a phone number'],
  'cashier.searchGo': ['查找', 'Search'],
  'cashier.noMatch': ['没有找到匹配的房屋', 'No unit matches'],
  'cashier.pickUnit': ['请先查找并选择一个房屋', 'Find and choose a unit first'],
  'cashier.area': ['{area} m²', '{area} m²'],
  'cashier.people': ['住户', 'Residents'],
  'cashier.noPeople': ['没有登记住户', 'No residents registered'],
  'cashier.printReceipt': ['打印收据', 'Print receipt'],
});

export function Cashier({ me, community, query }) {
  const unitId = query.get('unit') || '';
  return html`
    <h1>${t('cashier.title')}</h1>
    <${RefundsToPay} me=${me} community=${community} />
    <${UnitSearch} community=${community} current=${unitId} />
    ${unitId
      ? html`<${UnitDesk} key=${unitId} me=${me} unitId=${unitId} />`
      : html`<div class="card"><${Empty} text=${t('cashier.pickUnit')} /></div>`}`;
}

// findUnits looks a unit up by "1-101" (building code and number), by
// number, or by a current resident's name or phone.
async function findUnits(communityId, q) {
  const exact = /^([0-9A-Za-z]+)\s*(?:-|栋|号楼|幢|#)\s*([0-9A-Za-z]+)$/.exec(q);
  const unitFilter = exact
    ? pb.filter('community = {:c} && building.code = {:b} && number = {:n}', { c: communityId, b: exact[1], n: exact[2] })
    : pb.filter('community = {:c} && number ~ {:q}', { c: communityId, q });
  const [units, links] = await Promise.all([
    pb.collection('units').getList(1, 40, { filter: unitFilter, expand: 'building', skipTotal: true }),
    exact ? { items: [] } : pb.collection('unit_residents').getList(1, 40, { skipTotal: true,
      filter: pb.filter('unit.community = {:c} && active = true && (resident.name ~ {:q} || resident.phone ~ {:q})', { c: communityId, q }),
      expand: 'unit.building,resident',
    }),
  ]);
  const found = new Map();
  for (const u of units.items) found.set(u.id, { unit: u, people: [] });
  for (const l of links.items) {
    const u = l.expand?.unit;
    if (!u) continue;
    if (!found.has(u.id)) found.set(u.id, { unit: u, people: [] });
    if (l.expand?.resident) found.get(u.id).people.push({ ...l.expand.resident, relation: l.relation });
  }
  const key = (u) => `${(u.expand?.building?.code || '').padStart(4, '0')} ${u.number.padStart(6, '0')}`;
  return [...found.values()].sort((a, b) => key(a.unit).localeCompare(key(b.unit)));
}

function UnitSearch({ community, current }) {
  const [text, setText] = useState('');
  const [q, setQ] = useState('');
  const res = useAsync(() => (q ? findUnits(community.id, q) : Promise.resolve(null)), [q, community.id]);
  useEffect(() => {
    // One match: open it straight away.
    if (q && res.data?.length === 1 && res.data[0].unit.id !== current) navigate('/cashier?unit=' + res.data[0].unit.id);
  }, [res.data]);
  const submit = (e) => { e.preventDefault(); const v = text.trim(); if (v === q) res.reload(); else setQ(v); };
  return html`
    <form class="card stack cashier-search" role="search" onSubmit=${submit}>
      <div class="row search-row">
        <div class="grow"><${Field} label=${t('cashier.searchLabel')} hint=${t('cashier.searchHint')}>
          <input type="search" name="q" value=${text} onInput=${(e) => setText(e.target.value)} autocomplete="off" /><//></div>
        <button class="primary">${t('cashier.searchGo')}</button>
      </div>
      ${q && (res.loading && !res.data ? html`<${Loading} />` : res.error ? html`<${ErrorBox} error=${res.error} retry=${res.reload} />`
        : !res.data?.length ? html`<${Empty} text=${t('cashier.noMatch')} />` : html`
        <ul class="list unit-results">${res.data.map(({ unit, people }) => html`<li key=${unit.id}>
          <a class="item" href=${'#/cashier?unit=' + unit.id} aria-current=${unit.id === current ? 'true' : undefined}>
            <div class="main"><div class="t">${unitName(unit)}</div>
              <div class="sub">${label('unit_type', unit.type)} · ${label('unit_status', unit.status)}${people.length ? ' · ' + people.map((p) => `${p.name}（${label('relation', p.relation)}）${p.phone ? ' ' + p.phone : ''}`).join('，') : ''}</div></div>
          </a></li>`)}</ul>`)}
    </form>`;
}

function UnitDesk({ me, unitId }) {
  const unit = useAsync(() => pb.collection('units').getOne(unitId, { expand: 'building' }), [unitId]);
  const people = useAsync(() => pb.collection('unit_residents').getFullList({
    filter: pb.filter('unit = {:u} && active = true', { u: unitId }), expand: 'resident',
  }).then((list) => list.sort((a, b) => RELATIONS.indexOf(a.relation) - RELATIONS.indexOf(b.relation))), [unitId]);
  const bills = useAsync(() => pb.collection('bills').getFullList({
    filter: pb.filter('unit = {:u} && (status = "issued" || status = "partially_paid")', { u: unitId }),
    expand: 'fee_item', sort: 'due_on,period_start,serial',
  }), [unitId]);
  const ladder = useAsync(() => loadLadder(pb, unitId), [unitId]);
  const payments = useAsync(() => pb.collection('payments').getFullList({
    filter: pb.filter('unit = {:u}', { u: unitId }), expand: 'received_by', sort: '-created',
  }), [unitId]);
  const [last, setLast] = useState(null);
  const refresh = () => { bills.reload(); payments.reload(); ladder.reload(); };
  // A resident paying online, or a colleague at the next window, changes the figures.
  useRealtime('payments', '*', refresh, { filter: pb.filter('unit = {:u}', { u: unitId }), onReconnect: refresh }, [unitId]);

  if (unit.loading && !unit.data) return html`<${Loading} />`;
  if (unit.error) return html`<${ErrorBox} error=${unit.error} retry=${unit.reload} />`;
  const u = unit.data;
  const owner = (people.data || []).find((p) => p.relation === 'owner')?.expand?.resident;
  const mayTake = CASH.includes(me.role);
  return html`
    <section class="card unit-head" aria-labelledby="unit-title">
      <div class="row between">
        <h2 id="unit-title">${unitName(u)}</h2>
        <span class="small muted">${label('unit_type', u.type)} · ${t('cashier.area', { area: u.area_m2 })} · ${label('unit_status', u.status)}</span>
      </div>
      ${people.loading && !people.data ? html`<${Loading} />` : people.error ? html`<${ErrorBox} error=${people.error} retry=${people.reload} />`
        : !people.data.length ? html`<p class="small muted">${t('cashier.noPeople')}</p>` : html`
        <p class="small">${t('cashier.people')}${t('cashier.colon')}${people.data.map((p) => `${p.expand?.resident?.name || ''}（${label('relation', p.relation)}）${p.expand?.resident?.phone ? ' ' + p.expand.resident.phone : ''}`).join(t('cashier.listSep'))}</p>`}
    </section>
    ${last && html`<${PaidNotice} payment=${last} />`}
    <${BillsAndPay} unit=${u} bills=${bills} ladder=${ladder.data} mayTake=${mayTake} defaultPayer=${owner?.name || ''}
      onPaid=${(p) => { setLast(p); refresh(); }} />
    <${PaymentList} unit=${u} payments=${payments} mayTake=${mayTake} onReversed=${(p) => { setLast(p); refresh(); }} />`;
}

function PaidNotice({ payment }) {
  return html`<section class="card paid-notice" role="status" data-testid="paid">
    <p><b>${payment.amount_fen < 0 ? t('cashier.reversed', { serial: payment.serial }) : t('cashier.done', { amount: yuan(payment.amount_fen), serial: payment.serial })}</b></p>
    <div class="actions"><a class="button primary" href=${'#/print/receipt/' + payment.id}>${t('cashier.printReceipt')}</a></div>
  </section>`;
}
