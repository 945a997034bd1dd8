// The front desk's intake (#/desk, 前台): one screen for calls and visits —
// find the unit or the resident, see what is open and owed, and register a
// work order or a complaint (register.js).
import { html, useState, useEffect, useRef } from '../../core/html.js';
import { pb } from '../../core/api.js';
import { t, addMessages, label } from '../../core/i18n.js';
import { yuan, owed, dateTime, unitName } from '../../core/format.js';
import { Loading, ErrorBox, Empty, Status, Field, useAsync, useAction } from '../../core/ui.js';
import { withServiceItems } from '../../core/realtime.js';
import { DESK } from '../roles.js';
import { RegisterPanel } from './register.js';
import { HandoverBanner } from './shift.js';

addMessages({
  'desk.title': ['前台受理', 'Intake'],
  'desk.find': ['查找房屋或住户', 'Find a unit or resident'],
  'desk.findHint': ['房号（如 1-102 或 102）、住户姓名或电话，回车查找；按 / 回到这里', 'Unit (e.g. 1-102 or 102), resident name or phone; Enter to search, / to come back here'],
  'desk.search': ['查找', 'Search'],
  'desk.noMatch': ['没有找到“{q}”，可按公共区域登记', 'Nothing found for "{q}"; register it as a common area instead'],
  'desk.matches': ['找到 {n} 处房屋', '{n} units found'],
  'desk.pickUnit': ['选择房屋', 'Choose a unit'],
  'desk.start': ['先查找房屋或住户；公共区域的报修和投诉不用查找，直接登记。', 'Find the unit or resident first; common-area requests need no search: register them straight away.'],
  'desk.unit': ['房屋', 'Unit'],
  'desk.area': ['面积', 'Area'],
  'desk.type': ['类型', 'Type'],
  'desk.residents': ['当前住户', 'Current residents'],
  'desk.noResidents': ['没有登记住户', 'No residents on record'],
  'desk.contactPick': ['选为联系人', 'Use as contact'],
  'desk.phoneHidden': ['电话不可见', 'phone hidden'],
  'desk.reset': ['重设密码', 'Reset password'],
  'desk.resetFor': ['为 {name} 重设门户登录密码', 'Reset {name}\'s portal password'],
  'desk.resetHint': ['物业人员不能直接设置住户的密码：住户本人用链接设置新密码。', 'Staff never set a resident\'s password: the resident sets a new one with a link.'],
  'desk.resetMail': ['发到住户邮箱', 'Mail it to the resident'],
  'desk.resetInPerson': ['当面交给住户', 'Hand it over in person'],
  'desk.resetSent': ['重设链接已发到住户登记的邮箱', 'The reset link went to the resident\'s e-mail'],
  'desk.resetLink': ['请把这个链接交给住户本人（{n} 分钟内有效，只能用一次）：', 'Give this link to the resident in person (valid {n} minutes, works once):'],
  'desk.arrears': ['欠费', 'Arrears'],
  'desk.arrearsNone': ['没有欠费', 'Nothing owed'],
  'desk.arrearsBills': ['{n} 张账单未缴清', '{n} bills not paid'],
  'desk.openComplaints': ['未结投诉', 'Open complaints'],
  'desk.openOrders': ['未结派工单', 'Open work orders'],
});

const RELATION_ORDER = { owner: 0, tenant: 1, family: 2 };

// A unit is typed as "1-102", "1栋102", "1 102" or just "102".
const UNIT_RE = /^([A-Za-z0-9]{1,6})\s*(?:-|－|栋|#|号楼|\s)\s*([A-Za-z0-9]{1,8})$/;
const NUMBER_RE = /^[A-Za-z]?\d{1,4}$/;

/** search finds the community's units by number, or by their residents' name or phone. */
async function search(community, q) {
  const found = new Map();
  const add = (unit, resident) => {
    if (!unit) return;
    const hit = found.get(unit.id) || { unit, residents: [], names: [] };
    if (resident && !hit.residents.includes(resident.id)) { hit.residents.push(resident.id); hit.names.push(resident.name); }
    found.set(unit.id, hit);
  };
  const m = q.match(UNIT_RE);
  const jobs = [];
  if (m || NUMBER_RE.test(q)) {
    const filter = m
      ? pb.filter('community = {:c} && building.code = {:b} && number = {:n}', { c: community, b: m[1], n: m[2].toUpperCase() })
      : pb.filter('community = {:c} && number = {:n}', { c: community, n: q.toUpperCase() });
    jobs.push(pb.collection('units').getList(1, 30, { filter, expand: 'building', skipTotal: true }).then((r) => r.items.forEach((u) => add(u))));
  } else {
    jobs.push(pb.collection('unit_residents').getList(1, 30, { skipTotal: true,
      filter: pb.filter('unit.community = {:c} && active = true && (resident.name ~ {:q} || resident.phone ~ {:q})', { c: community, q }),
      expand: 'unit.building,resident',
    }).then((r) => r.items.forEach((l) => add(l.expand?.unit, l.expand?.resident || { id: l.resident, name: '' }))));
  }
  await Promise.all(jobs);
  return [...found.values()].sort((a, b) => unitName(a.unit).localeCompare(unitName(b.unit), 'zh-CN', { numeric: true }));
}

/** loadUnit gathers what the desk needs to see about a unit at once. */
async function loadUnit(id) {
  const f = (s) => pb.filter(s, { u: id });
  const [unit, links, bills, complaints, orders] = await Promise.all([
    pb.collection('units').getOne(id, { expand: 'building' }),
    pb.collection('unit_residents').getFullList({ filter: f('unit = {:u} && active = true'), expand: 'resident' }),
    pb.collection('bills').getFullList({ filter: f('unit = {:u} && (status = "issued" || status = "partially_paid")'), fields: 'id,amount_fen,discount_fen,late_fee_fen,paid_fen' }),
    pb.collection('complaints').getList(1, 20, { filter: f('unit = {:u} && status != "closed" && status != "invalid"'), sort: '-received_at', skipTotal: true }),
    // (The service items from the page's cache: see withServiceItems.)
    pb.collection('work_orders').getList(1, 20, { filter: f('unit = {:u} && status != "closed" && status != "cancelled"'), sort: '-received_at', skipTotal: true })
      .then(async (r) => ({ ...r, items: await withServiceItems(r.items) })),
  ]);
  links.sort((a, b) => (RELATION_ORDER[a.relation] ?? 9) - (RELATION_ORDER[b.relation] ?? 9));
  const arrears = bills.reduce((s, b) => s + Math.max(owed(b), 0), 0);
  return { unit, links, bills, arrears, complaints: complaints.items, orders: orders.items };
}

export function Intake({ me, community, query }) {
  const [q, setQ] = useState(query?.get('q') || '');
  const [term, setTerm] = useState(q.trim());
  const [picked, setPicked] = useState(null); // { id, residents: [ids matched by the search] }
  const [contactId, setContactId] = useState('');
  const [version, setVersion] = useState(0);
  const pickFirst = useRef(false);
  const box = useRef();

  // Search as the clerk types (a short pause), or at once on Enter.
  useEffect(() => { const id = setTimeout(() => setTerm(q.trim()), 350); return () => clearTimeout(id); }, [q]);
  const hits = useAsync(() => (term ? search(community.id, term) : Promise.resolve(null)), [community.id, term]);
  const pick = (hit) => {
    setPicked({ id: hit.unit.id, residents: hit.residents });
    if (hit.residents[0]) setContactId(hit.residents[0]); // else the unit's owner, once it is loaded
  };
  useEffect(() => {
    const list = hits.data;
    if (!list || hits.loading) return;
    if (list.length === 1 || (pickFirst.current && list.length)) pick(list[0]);
    pickFirst.current = false;
  }, [hits.data, hits.loading]);
  const submitSearch = (e) => {
    e.preventDefault();
    if (q.trim() === term && hits.data?.length && !hits.loading) pick(hits.data[0]);
    else { pickFirst.current = true; setTerm(q.trim()); }
  };
  // "/" brings the clerk back to the search box from anywhere on the page.
  useEffect(() => {
    const on = (e) => {
      if (e.key === '/' && !/^(INPUT|TEXTAREA|SELECT)$/.test(e.target.tagName) && !e.target.isContentEditable) { e.preventDefault(); box.current?.focus(); box.current?.select(); }
    };
    addEventListener('keydown', on);
    return () => removeEventListener('keydown', on);
  }, []);

  const info = useAsync(() => (picked ? loadUnit(picked.id) : Promise.resolve(null)), [picked?.id, version]);
  const data = picked && info.data?.unit?.id === picked.id ? info.data : null;
  // The contact defaults to the resident the search found, else the owner.
  useEffect(() => {
    if (!data) return;
    if (!data.links.some((l) => l.resident === contactId)) setContactId(data.links[0]?.resident || '');
  }, [data, contactId]);
  const link = data?.links.find((l) => l.resident === contactId);
  const contact = link ? { id: link.resident, name: link.expand?.resident?.name || '', phone: link.expand?.resident?.phone || '' } : null;

  return html`
    <h1>${t('desk.title')}</h1>
    <${HandoverBanner} me=${me} community=${community} />
    <div class="desk-intake">
      <div class="desk-left">
        <section class="card">
          <form role="search" class="desk-search" onSubmit=${submitSearch}>
            <${Field} label=${t('desk.find')} hint=${t('desk.findHint')}>
              <input ref=${box} type="search" name="q" autocomplete="off" autofocus value=${q} onInput=${(e) => setQ(e.target.value)} />
            <//>
            <button class="primary">${t('desk.search')}</button>
          </form>
          ${term && (hits.loading && !hits.data ? html`<${Loading} />` : hits.error ? html`<${ErrorBox} error=${hits.error} retry=${hits.reload} />`
            : hits.data && hits.data.length === 0 ? html`<${Empty} text=${t('desk.noMatch', { q: term })} />`
            : hits.data && hits.data.length > 1 ? html`
              <p class="small muted">${t('desk.matches', { n: hits.data.length })}</p>
              <ul class="desk-hits" aria-label=${t('desk.pickUnit')}>${hits.data.map((h) => html`<li key=${h.unit.id}>
                <button type="button" aria-pressed=${picked?.id === h.unit.id} onClick=${() => pick(h)}>${unitName(h.unit)}${h.names.filter(Boolean).length ? ' · ' + h.names.filter(Boolean).join('、') : ''}</button></li>`)}</ul>` : null)}
        </section>
        ${!picked ? html`<p class="muted small desk-start">${t('desk.start')}</p>`
          : info.error ? html`<${ErrorBox} error=${info.error} retry=${info.reload} />`
          : !data ? html`<${Loading} />`
          : html`<${UnitCard} me=${me} data=${data} matched=${picked.residents} contactId=${contactId} setContactId=${setContactId} />`}
      </div>
      <${RegisterPanel} me=${me} community=${community} unit=${data?.unit} contact=${contact} onFiled=${() => setVersion((v) => v + 1)} />
    </div>`;
}

/** ResetPassword starts a reset the resident completes (POST /api/wuye/residents/{id}/password-reset). */
function ResetPassword({ resident }) {
  const [open, setOpen] = useState(false);
  const [done, setDone] = useState(null);
  const act = useAction();
  const start = (via) => act.run(async () => setDone(await pb.send(`/api/wuye/residents/${encodeURIComponent(resident.id)}/password-reset`, { method: 'POST', body: { via } })));
  if (!open) return html`<button type="button" class="link small" onClick=${() => setOpen(true)}>${t('desk.reset')}</button>`;
  return html`<div class="stack small desk-reset" role="group" aria-label=${t('desk.resetFor', { name: resident.name })}>
    <p class="muted">${t('desk.resetHint')}</p>
    ${done?.sent ? html`<p role="status">${t('desk.resetSent')}</p>`
      : done?.link ? html`<p role="status">${t('desk.resetLink', { n: done.minutes })}<br /><code data-testid="reset-link">${done.link}</code></p>`
      : html`<div class="row">
        <button type="button" disabled=${act.busy} onClick=${() => start('email')}>${t('desk.resetMail')}</button>
        <button type="button" disabled=${act.busy} onClick=${() => start('in_person')}>${t('desk.resetInPerson')}</button></div>`}
    <${ErrorBox} error=${act.error} />
  </div>`;
}

function UnitCard({ me, data, matched, contactId, setContactId }) {
  const { unit, links, bills, arrears, complaints, orders } = data;
  return html`
    <section class="card desk-unit" aria-labelledby="h-unit" data-testid="unit-card">
      <h2 id="h-unit">${unitName(unit)} <span class=${'chip u-' + unit.status}>${label('unit_status', unit.status)}</span></h2>
      <dl class="kv">
        <dt>${t('desk.type')}</dt><dd>${label('unit_type', unit.type)}</dd>
        <dt>${t('desk.area')}</dt><dd>${unit.area_m2} m²</dd>
      </dl>
      <h3>${t('desk.residents')}</h3>
      ${links.length === 0 ? html`<p class="muted small">${t('desk.noResidents')}</p>` : html`
        <ul class="list desk-people" role="radiogroup" aria-label=${t('desk.contactPick')}>${links.map((l) => {
          const r = l.expand?.resident || {};
          return html`<li key=${l.id} class=${matched.includes(l.resident) ? 'hit' : ''}><label class="item">
            <input type="radio" name="contact" checked=${contactId === l.resident} onChange=${() => setContactId(l.resident)} />
            <div class="main"><div class="t">${r.name} <span class="chip s-muted">${label('relation', l.relation)}</span></div>
              <div class="sub">${r.phone ? html`<a href=${'tel:' + r.phone}>${r.phone}</a>` : t('desk.phoneHidden')}</div></div>
          </label>${DESK.includes(me?.role) && r.id ? html`<${ResetPassword} resident=${r} />` : null}</li>`;
        })}</ul>`}
      <h3>${t('desk.arrears')}</h3>
      ${arrears > 0 ? html`<div class="sum"><span class="big money" data-testid="arrears">${yuan(arrears)}</span><span class="muted small">${t('desk.arrearsBills', { n: bills.length })}</span></div>`
        : html`<p class="muted" data-testid="arrears">${t('desk.arrearsNone')}</p>`}
      <h3>${t('desk.openComplaints')} <span class="muted small">${complaints.length}</span></h3>
      ${complaints.length === 0 ? html`<p class="muted small">${t('none')}</p>` : html`<ul class="list">${complaints.map((c) => html`<li key=${c.id}><div class="item">
        <div class="main"><div class="t">${label('complaint_category', c.category)} · ${c.content}</div><div class="sub">${c.serial} · ${label('complaint_channel', c.channel)} · ${dateTime(c.received_at)}</div></div>
        <${Status} col="complaints" code=${c.status} /></div></li>`)}</ul>`}
      <h3>${t('desk.openOrders')} <span class="muted small">${orders.length}</span></h3>
      ${orders.length === 0 ? html`<p class="muted small">${t('none')}</p>` : html`<ul class="list">${orders.map((o) => html`<li key=${o.id}><div class="item">
        <div class="main"><div class="t">${o.expand?.service_item?.name || label('work_category', o.category)} · ${o.description}</div><div class="sub"><a href=${"#/orders/" + o.id}>${o.serial}</a> · ${dateTime(o.received_at)}</div></div>
        <${Status} col="work_orders" code=${o.status} /></div></li>`)}</ul>`}
    </section>`;
}
