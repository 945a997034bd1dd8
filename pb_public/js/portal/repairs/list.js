// The resident's repairs and paid services (#/repairs), live, and their
// requests for services the office does not offer.
import { html } from '../../core/html.js';
import { pb } from '../../core/api.js';
import { t, addMessages, label } from '../../core/i18n.js';
import { unitName } from '../../core/format.js';
import { stepsFrom } from '../../core/flows.js';
import { Loading, ErrorBox, Empty, Status, When, useAsync } from '../../core/ui.js';
import { useMyTopic, usePlaceChanged, newestFirst, withServiceItems } from '../../core/realtime.js';
import './common.js'; // the repairs' shared words (the title)

addMessages({
  'repairs.new': ['我要报修', 'Request a repair'],
  'repairs.demands': ['我的服务需求', 'My service requests'],
  'repairs.demandOpen': ['待答复', 'Awaiting answer'],
  'repairs.demandAnswered': ['已答复', 'Answered'],
  'repairs.yourTurn': ['待您处理', 'Your turn'],
  'repairs.ofHome': ['{unit} 全家的报修和服务，谁报的都在这里', 'Repairs and services of {unit}, whoever of the household asked'],
  'repairs.byHousehold': ['家人报修', 'By your household'],
});

/** yourTurn: the resident has something to do (confirm a quote, sign off). */
const yourTurn = (o, me) => o.requester === me.id && stepsFrom('work_orders', o.status, ['requester']).some((s) => s.to === 'in_progress' || s.to === 'signed_off');

export function RepairList({ me, unit }) {
  // (The service items from the page's cache: see withServiceItems.)
  const list = useAsync(() => pb.collection('work_orders').getList(1, 50, { skipTotal: true,
    sort: '-created', filter: pb.filter('unit = {:u}', { u: unit.id }),
  }).then(async (page) => ({ ...page, items: await withServiceItems(page.items) })), [unit.id]);
  // A change re-reads that order only, those of a burst together (usePlaceChanged).
  const changed = usePlaceChanged(list, 'work_orders', { expand: 'service_item', keep: (r) => r.unit === unit.id, sort: newestFirst() });
  useMyTopic(changed, { collections: ['work_orders'], onReconnect: list.reload }, [me.id]);
  return html`
    <div class="row between"><h1>${t('repairs.title')}</h1><a href="#/repairs/new"><button type="button" class="primary">${t('repairs.new')}</button></a></div>
    <p class="small muted">${t('repairs.ofHome', { unit: unitName(unit) })}</p>
    <div class="card">
      ${list.loading && !list.data ? html`<${Loading} />` : list.error ? html`<${ErrorBox} error=${list.error} retry=${list.reload} />`
        : list.data.items.length === 0 ? html`<${Empty} />` : html`
        <ul class="list">${list.data.items.map((o) => html`<li key=${o.id}>
          <a class="item" href=${'#/repairs/' + o.id}>
            <div class="main"><div class="t">${o.expand?.service_item?.name || label('work_category', o.category)} · ${o.description}</div>
              <div class="sub">${o.serial} · ${label('work_kind', o.kind)} · <${When} v=${o.received_at || o.created} /></div></div>
            ${yourTurn(o, me) && html`<span class="chip s-warn">${t('repairs.yourTurn')}</span>`}
            ${o.requester !== me.id && html`<span class="chip s-muted" data-testid="by-household">${t('repairs.byHousehold')}</span>`}
            <${Status} col="work_orders" code=${o.status} />
          </a></li>`)}</ul>`}
    </div>
    <${MyDemands} me=${me} />`;
}

/** MyDemands lists the resident's requests for unlisted services and the answers; hidden while there are none. */
function MyDemands({ me }) {
  const list = useAsync(() => pb.collection('service_demands').getList(1, 20, { sort: '-created', skipTotal: true, filter: pb.filter('resident = {:me}', { me: me.id }) }), [me.id]);
  if (list.error) return html`<div class="card"><${ErrorBox} error=${list.error} retry=${list.reload} /></div>`;
  if (!list.data || list.data.items.length === 0) return null;
  return html`<section class="card" aria-labelledby="h-demands">
    <h2 id="h-demands">${t('repairs.demands')}</h2>
    <ul class="list">${list.data.items.map((d) => html`<li key=${d.id} class="demand">
      <div class="row between"><span>${d.description}</span>
        <span class=${'chip ' + (d.status === 'answered' ? 's-accepted' : 's-muted')}>${t(d.status === 'answered' ? 'repairs.demandAnswered' : 'repairs.demandOpen')}</span></div>
      ${d.answer && html`<p class="small muted">${d.answer}</p>`}
    </li>`)}</ul>
  </section>`;
}
