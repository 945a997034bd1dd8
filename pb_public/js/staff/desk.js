// The front desk (前台): one intake screen for calls and visits (find the
// unit or the resident, see what is open and owed, register a work order
// or a complaint), the live dispatch board, and the revisit queue.
import { html, useState, useEffect, useRef } from '../core/html.js';
import { pb, fieldErrors } from '../core/api.js';
import { t, addMessages, label, choices } from '../core/i18n.js';
import { yuan, owed, dateTime, ago, unitName, parseDate } from '../core/format.js';
import { stepsFrom } from '../core/flows.js';
import { Loading, ErrorBox, Empty, Status, Field, useAsync, useAction, useCommunityTopic, usePlaceChanged, useCoalesce, fetchChanged, withServiceItems, withCached, idsOf, placeFetched, oldestFirst, BOARD_WINDOW, confirmBox, toast } from '../core/ui.js';

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
  'desk.register': ['登记', 'Register'],
  'desk.modeOrder': ['报修 / 服务', 'Repair / service'],
  'desk.modeComplaint': ['投诉', 'Complaint'],
  'desk.for': ['登记到：', 'For: '],
  'desk.common': ['公共区域（不关联房屋）', 'Common area (no unit)'],
  'desk.location': ['地点', 'Location'],
  'desk.locationHint': ['例如：2栋电梯、地下车库 B 区', 'e.g. Building 2 lift, car park zone B'],
  'desk.building': ['楼栋（选填）', 'Building (optional)'],
  'desk.anyBuilding': ['不限楼栋', 'No particular building'],
  'desk.contactName': ['联系人', 'Contact name'],
  'desk.contactPhone': ['联系电话', 'Contact phone'],
  'desk.channel': ['来源', 'Channel'],
  'desk.category': ['类别', 'Category'],
  'desk.level': ['级别', 'Level'],
  'desk.content': ['投诉内容', 'Complaint'],
  'desk.aboutCenter': ['投诉客服中心或其员工（只交主管和主任处理）', 'About the service center or its staff (for the supervisor and director only)'],
  'desk.choose': ['请选择', 'Choose…'],
  'desk.kind': ['性质', 'Kind'],
  'desk.item': ['服务项目（收费标准）', 'Service (price list)'],
  'desk.noItem': ['不选项目（常规维修）', 'No listed item (routine repair)'],
  'desk.estimate': ['上门估价', 'priced on site'],
  'desk.price': ['{price}/{unit}', '{price} per {unit}'],
  'desk.priceTold': ['请告知来电人价格：{price}', 'Tell the caller the price: {price}'],
  'desk.estimateTold': ['请告知来电人：需上门估价，住户确认后才施工', 'Tell the caller: priced on site, work starts once they agree'],
  'desk.description': ['报修内容', 'What needs doing'],
  'desk.appointment': ['预约上门时间（选填）', 'Appointment (optional)'],
  'desk.prepaid': ['已在前台收款（须先付款再派工）', 'Paid at the desk (must be paid before dispatch)'],
  'desk.ctrlEnter': ['Ctrl+Enter 提交', 'Ctrl+Enter submits'],
  'desk.submitOrder': ['登记派工单', 'Register work order'],
  'desk.submitComplaint': ['登记投诉', 'Register complaint'],
  'desk.orderFiled': ['已登记派工单 {serial}，请在 15 分钟内派工', 'Work order {serial} registered: dispatch within 15 minutes'],
  'desk.complaintFiled': ['已登记投诉 {serial}', 'Complaint {serial} registered'],
  'desk.confirmComplaint': ['登记这条投诉？', 'Register this complaint?'],
  'desk.confirmComplaintBody': ['投诉登记后不能删除，您将作为受理人。', 'Complaints are never deleted; you are recorded as the receiver.'],
  'desk.lastFiled': ['刚登记：{serial}', 'Just registered: {serial}'],
  'desk.toBoard': ['去派工看板', 'Open the dispatch board'],

  'dispatch.title': ['派工看板', 'Dispatch board'],
  'dispatch.live': ['实时更新：住户在门户提交的报修会立即出现', 'Live: requests from the residents\' portal appear at once'],
  'dispatch.col.new': ['待派工', 'New'],
  'dispatch.col.dispatched': ['已派工 / 抢单池', 'Dispatched / pool'],
  'dispatch.col.working': ['处理中', 'In hand'],
  'dispatch.col.late': ['逾期 / 迟到', 'Overdue / late'],
  'dispatch.replyLeft': ['{t} 内回复', 'reply within {t}'],
  'dispatch.replyOver': ['回复超时 {t}', 'reply overdue {t}'],
  'dispatch.replyFlag': ['已超时升级', 'escalated'],
  'dispatch.tech': ['派给师傅', 'Technician'],
  'dispatch.fit': ['本工种', 'This trade'],
  'dispatch.other': ['其他工种', 'Other trades'],
  'dispatch.load': ['{name}（手上 {n} 单）', '{name} ({n} in hand)'],
  'dispatch.noFit': ['没有本工种的师傅', 'No technician of this trade'],
  'dispatch.assign': ['派工', 'Dispatch'],
  'dispatch.pool': ['放入抢单池', 'Put in the pool'],
  'dispatch.inPool': ['抢单池', 'Pool'],
  'dispatch.assigned': ['{serial} 已派给 {name}', '{serial} dispatched to {name}'],
  'dispatch.pooled': ['{serial} 已放入抢单池', '{serial} is in the pool'],
  'dispatch.arrived': ['新报修 {serial}', 'New request {serial}'],
  'dispatch.appointment': ['预约 {at}', 'Appointment {at}'],
  'dispatch.notArrived': ['预约已过仍未到场', 'Appointment passed, not on site'],
  'dispatch.lateArrival': ['迟到', 'Arrived late'],
  'dispatch.cancel': ['取消工单', 'Cancel order'],
  'dispatch.cancelReason': ['取消原因', 'Reason for cancelling'],
  'dispatch.confirmCancel': ['取消派工单 {serial}？', 'Cancel work order {serial}?'],
  'dispatch.confirmCancelBody': ['取消后不能恢复，原因会告知住户。', 'This cannot be undone; the resident sees the reason.'],
  'dispatch.cancelled': ['{serial} 已取消', '{serial} cancelled'],
  'dispatch.empty': ['暂无', 'None'],
  'dispatch.portal': ['门户', 'Portal'],
  'dispatch.rework': ['返工', 'Rework'],
  'dispatch.techIs': ['师傅：{name}', 'Technician: {name}'],
  'dispatch.source.complaint': ['投诉转派', 'From a complaint'],
  'dispatch.source.vacancy_patrol': ['空置房巡查', 'Vacant-unit patrol'],
  'dispatch.source.renovation_inspection': ['装修巡查', 'Renovation inspection'],

  'revisit.title': ['回访', 'Revisits'],
  'revisit.hint': ['按等待时间排序，最早的在前；上月完工的派工单须在 10 日前回访', 'Oldest first; last month\'s orders must be revisited by the 10th'],
  'revisit.queue': ['待回访', 'To revisit'],
  'revisit.toClose': ['已回访，待关闭', 'Revisited, to close'],
  'revisit.all': ['全部', 'All'],
  'revisit.complaint': ['投诉', 'Complaint'],
  'revisit.order': ['派工单', 'Work order'],
  'revisit.since.replied': ['答复于 {ago}', 'replied {ago}'],
  'revisit.since.signed_off': ['签收于 {ago}', 'signed off {ago}'],
  'revisit.since.revisited': ['回访于 {ago}', 'revisited {ago}'],
  'revisit.overdue': ['回访逾期', 'Revisit overdue'],
  'revisit.replyOverdue': ['答复曾超时', 'Reply was late'],
  'revisit.result': ['处理结果', 'Result'],
  'revisit.signoff': ['住户签收', 'Resident sign-off'],
  'revisit.amount': ['金额', 'Amount'],
  'revisit.tech': ['师傅', 'Technician'],
  'revisit.satisfaction': ['满意度', 'Satisfaction'],
  'revisit.method': ['回访方式', 'Method'],
  'revisit.note': ['回访记录（选填）', 'Notes (optional)'],
  'revisit.save': ['记录回访', 'Record revisit'],
  'revisit.saved': ['{serial} 已回访', '{serial} revisited'],
  'revisit.reopens': ['选择“不满意”后投诉会退回处理中，并计入重新处理次数。', 'Unsatisfied sends the complaint back to processing and counts a reopen.'],
  'revisit.reopened': ['{serial} 不满意，已退回处理中', '{serial} unsatisfied: back in processing'],
  'revisit.close': ['关闭', 'Close'],
  'revisit.confirmClose': ['关闭 {serial}？', 'Close {serial}?'],
  'revisit.confirmCloseBody': ['关闭后不能再修改。', 'A closed record cannot be changed.'],
  'revisit.closed': ['{serial} 已关闭', '{serial} closed'],
  'revisit.call': ['拨打', 'Call'],
  'revisit.more': ['更多（已显示 {shown} / {total}）', 'More ({shown} of {total} shown)'],
});

const DESK_ROLES = ['front_desk', 'supervisor', 'director'];
const RELATION_ORDER = { owner: 0, tenant: 1, family: 2 };

/** fromOffice reads a datetime-local value as office time (Asia/Shanghai, no DST). */
export const fromOffice = (v) => (v ? new Date(v + ':00+08:00').toISOString() : '');

/** useNow re-renders every ms milliseconds and returns the time. */
function useNow(ms) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => { const id = setInterval(() => setNow(Date.now()), ms); return () => clearInterval(id); }, [ms]);
  return now;
}

const placeOf = (r) => (r.expand?.unit ? unitName(r.expand.unit) : r.location || r.expand?.building?.name || '');

// --- intake -----------------------------------------------------------------

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
          </label>${DESK_ROLES.includes(me?.role) && r.id ? html`<${ResetPassword} resident=${r} />` : null}</li>`;
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

function RegisterPanel({ me, community, unit, contact, onFiled }) {
  const [mode, setMode] = useState('order');
  const [common, setCommon] = useState(false);
  const [place, setPlace] = useState({ location: '', building: '' });
  const [last, setLast] = useState(null);
  const buildings = useAsync(() => pb.collection('buildings').getFullList({ filter: pb.filter('community = {:c}', { c: community.id }), sort: 'code' }), [community.id]);
  const atUnit = unit && !common;
  const where = atUnit ? { unit: unit.id } : { location: place.location.trim(), building: place.building || undefined };
  const done = (rec, kind) => { setLast({ ...rec, kind }); onFiled(); };
  const canFile = DESK_ROLES.includes(me.role);
  const props = { community, where, contact, done,
    placeFields: (errs) => (atUnit ? null : html`<${PlaceFields} place=${place} setPlace=${setPlace} buildings=${buildings.data || []} errs=${errs} />`) };
  return html`
    <section class="card desk-register" aria-labelledby="h-register">
      <div class="row between"><h2 id="h-register">${t('desk.register')}</h2>
        <div class="seg" role="group" aria-label=${t('desk.register')}>
          <button type="button" aria-pressed=${mode === 'order'} onClick=${() => setMode('order')}>${t('desk.modeOrder')}</button>
          <button type="button" aria-pressed=${mode === 'complaint'} onClick=${() => setMode('complaint')}>${t('desk.modeComplaint')}</button>
        </div></div>
      <p class="small"><span class="muted">${t('desk.for')}</span><strong data-testid="register-for">${atUnit ? unitName(unit) : t('desk.common')}</strong>
        ${unit && html` <label class="inline"><input type="checkbox" checked=${common} onChange=${(e) => setCommon(e.target.checked)} /> ${t('desk.common')}</label>`}</p>
      ${last && html`<p class="desk-last" role="status">${t('desk.lastFiled', { serial: last.serial })}${last.kind === 'order' ? html` · <a href="#/dispatch">${t('desk.toBoard')}</a>` : ''}</p>`}
      ${!canFile ? html`<p class="muted">${t('err.forbidden')}</p>`
        : mode === 'order' ? html`<${WorkOrderForm} ...${props} />` : html`<${ComplaintForm} ...${props} />`}
    </section>`;
}

function PlaceFields({ place, setPlace, buildings, errs }) {
  return html`<div class="grid2">
    <${Field} label=${t('desk.location')} required hint=${t('desk.locationHint')} error=${errs.location}>
      <input type="text" name="location" maxlength="200" value=${place.location} onInput=${(e) => setPlace({ ...place, location: e.target.value })} /><//>
    <${Field} label=${t('desk.building')} error=${errs.building}>
      <select value=${place.building} onChange=${(e) => setPlace({ ...place, building: e.target.value })}>
        <option value="">${t('desk.anyBuilding')}</option>
        ${buildings.map((b) => html`<option value=${b.id}>${b.name || b.code}</option>`)}
      </select><//>
  </div>`;
}

/** ctrlEnter lets a textarea submit its form with Ctrl+Enter (Enter adds a line). */
const ctrlEnter = (e) => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); e.target.form?.requestSubmit(); } };

/** useContact keeps a form's contact in step with the chosen resident. */
function useContactFields(contact, setForm) {
  useEffect(() => setForm((f) => ({ ...f, contact_name: contact?.name || '', contact_phone: contact?.phone || '' })), [contact?.id]);
}

function ContactFields({ form, set, errs }) {
  return html`<div class="grid2">
    <${Field} label=${t('desk.contactName')} required error=${errs.contact_name}><input type="text" name="contact_name" maxlength="50" value=${form.contact_name} onInput=${set('contact_name')} /><//>
    <${Field} label=${t('desk.contactPhone')} required error=${errs.contact_phone}><input type="tel" name="contact_phone" maxlength="20" value=${form.contact_phone} onInput=${set('contact_phone')} /><//>
  </div>`;
}

function WorkOrderForm({ community, where, contact, done, placeFields }) {
  const items = useAsync(() => pb.collection('service_items').getFullList({ filter: pb.filter('community = {:c} && active = true', { c: community.id }), sort: 'code' }), [community.id]);
  const blank = { service_item: '', kind: 'routine', category: '', description: '', appointment_at: '', prepaid: false };
  const [form, setForm] = useState({ ...blank, contact_name: contact?.name || '', contact_phone: contact?.phone || '' });
  useContactFields(contact, setForm);
  const act = useAction();
  const set = (k) => (e) => setForm({ ...form, [k]: e.target.type === 'checkbox' ? e.target.checked : e.target.value });
  const item = (items.data || []).find((i) => i.id === form.service_item);
  const pickItem = (e) => {
    const it = (items.data || []).find((i) => i.id === e.target.value);
    setForm({ ...form, service_item: e.target.value, kind: it ? it.kind : 'routine', category: it ? it.category : form.category,
      description: form.description || (it ? it.name : '') });
  };
  const submit = async (e) => {
    e.preventDefault();
    const saved = await act.run(() => pb.collection('work_orders').create({
      community: community.id, ...where, requester: contact?.id || undefined,
      kind: form.kind, category: form.category, service_item: form.service_item || undefined,
      description: form.description.trim(), appointment_at: fromOffice(form.appointment_at) || undefined,
      contact_name: form.contact_name.trim(), contact_phone: form.contact_phone.trim(),
      payment: item?.prepay && form.prepaid ? 'paid' : undefined,
    }));
    if (saved) {
      toast(t('desk.orderFiled', { serial: saved.serial }));
      setForm((f) => ({ ...blank, contact_name: f.contact_name, contact_phone: f.contact_phone }));
      done(saved, 'order');
    }
  };
  const errs = fieldErrors(act.error);
  const byKind = (k) => (items.data || []).filter((i) => i.kind === k);
  return html`<form class="stack" onSubmit=${submit} novalidate aria-label=${t('desk.modeOrder')}>
    ${placeFields(errs)}
    <${Field} label=${t('desk.item')} error=${errs.service_item}>
      <select name="service_item" value=${form.service_item} onChange=${pickItem}>
        <option value="">${t('desk.noItem')}</option>
        ${['paid', 'business', 'routine'].map((k) => byKind(k).length > 0 && html`<optgroup label=${label('work_kind', k)}>
          ${byKind(k).map((i) => html`<option value=${i.id}>${i.name} · ${i.needs_estimate ? t('desk.estimate') : t('desk.price', { price: yuan(i.price_fen), unit: i.unit || '' })}</option>`)}
        </optgroup>`)}
      </select><//>
    ${item && item.kind !== 'routine' && html`<p class="hint desk-price">${item.needs_estimate ? t('desk.estimateTold') : t('desk.priceTold', { price: t('desk.price', { price: yuan(item.price_fen), unit: item.unit || '' }) })}</p>`}
    <div class="grid2">
      <${Field} label=${t('desk.category')} required error=${errs.category}>
        <select name="category" value=${form.category} disabled=${!!item} onChange=${set('category')}>
          <option value="">${t('desk.choose')}</option>
          ${choices('work_category').map((c) => html`<option value=${c.code}>${c.text}</option>`)}
        </select><//>
      <${Field} label=${t('desk.kind')} error=${errs.kind}>
        <select name="kind" value=${form.kind} disabled=${!!item} onChange=${set('kind')}>
          ${choices('work_kind').map((c) => html`<option value=${c.code}>${c.text}</option>`)}
        </select><//>
    </div>
    <${Field} label=${t('desk.description')} required hint=${t('desk.ctrlEnter')} error=${errs.description}>
      <textarea name="description" maxlength="2000" rows="3" value=${form.description} onInput=${set('description')} onKeyDown=${ctrlEnter}></textarea><//>
    <${Field} label=${t('desk.appointment')} error=${errs.appointment_at}>
      <input type="datetime-local" name="appointment_at" value=${form.appointment_at} onInput=${set('appointment_at')} /><//>
    <${ContactFields} form=${form} set=${set} errs=${errs} />
    ${item?.prepay && html`<label class="inline"><input type="checkbox" checked=${form.prepaid} onChange=${set('prepaid')} /> ${t('desk.prepaid')}</label>`}
    ${items.error && html`<${ErrorBox} error=${items.error} retry=${items.reload} />`}
    <${ErrorBox} error=${act.error} />
    <button class="primary block" disabled=${act.busy}>${act.busy ? t('submitting') : t('desk.submitOrder')}</button>
  </form>`;
}

function ComplaintForm({ community, where, contact, done, placeFields }) {
  const blank = { channel: 'phone', category: '', level: 'general', content: '', about_service_center: false };
  const [form, setForm] = useState({ ...blank, contact_name: contact?.name || '', contact_phone: contact?.phone || '' });
  useContactFields(contact, setForm);
  const act = useAction();
  const set = (k) => (e) => setForm({ ...form, [k]: e.target.type === 'checkbox' ? e.target.checked : e.target.value });
  const submit = async (e) => {
    e.preventDefault();
    if (!(await confirmBox({ title: t('desk.confirmComplaint'), body: t('desk.confirmComplaintBody'), ok: t('desk.submitComplaint') }))) return;
    const saved = await act.run(() => pb.collection('complaints').create({
      community: community.id, ...where, resident: contact?.id || undefined,
      channel: form.channel, category: form.category, level: form.level, content: form.content.trim(),
      contact_name: form.contact_name.trim(), contact_phone: form.contact_phone.trim(), about_service_center: form.about_service_center,
    }));
    if (saved) {
      toast(t('desk.complaintFiled', { serial: saved.serial }));
      setForm((f) => ({ ...blank, channel: f.channel, contact_name: f.contact_name, contact_phone: f.contact_phone }));
      done(saved, 'complaint');
    }
  };
  const errs = fieldErrors(act.error);
  return html`<form class="stack" onSubmit=${submit} novalidate aria-label=${t('desk.modeComplaint')}>
    ${placeFields(errs)}
    <fieldset><legend>${t('desk.channel')}</legend>
      <div class="choices">${choices('complaint_channel').filter((c) => c.code !== 'portal').map((c) => html`
        <label><input type="radio" name="channel" value=${c.code} checked=${form.channel === c.code} onChange=${set('channel')} />${c.text}</label>`)}</div>
      ${errs.channel && html`<small class="field-error" role="alert">${errs.channel}</small>`}
    </fieldset>
    <div class="grid2">
      <${Field} label=${t('desk.category')} required error=${errs.category}>
        <select name="category" value=${form.category} onChange=${set('category')}>
          <option value="">${t('desk.choose')}</option>
          ${choices('complaint_category').map((c) => html`<option value=${c.code}>${c.text}</option>`)}
        </select><//>
      <${Field} label=${t('desk.level')} error=${errs.level}>
        <select name="level" value=${form.level} onChange=${set('level')}>
          ${choices('complaint_level').map((c) => html`<option value=${c.code}>${c.text}</option>`)}
        </select><//>
    </div>
    <${Field} label=${t('desk.content')} required hint=${t('desk.ctrlEnter')} error=${errs.content}>
      <textarea name="content" maxlength="5000" rows="4" value=${form.content} onInput=${set('content')} onKeyDown=${ctrlEnter}></textarea><//>
    <${ContactFields} form=${form} set=${set} errs=${errs} />
    <label class="inline"><input type="checkbox" checked=${form.about_service_center} onChange=${set('about_service_center')} /> ${t('desk.aboutCenter')}</label>
    <${ErrorBox} error=${act.error} />
    <button class="primary block" disabled=${act.busy}>${act.busy ? t('submitting') : t('desk.submitComplaint')}</button>
  </form>`;
}

// --- dispatch board -----------------------------------------------------------

const BOARD = ['new', 'dispatched', 'accepted', 'on_site', 'quoted', 'in_progress'];
const COLUMNS = ['new', 'dispatched', 'working', 'late'];
const LATE_MS = 2 * 60 * 1000; // more than 2 minutes past the appointment is late [004 7.1]
const BOARD_EXPAND = 'unit.building,building,service_item';

function columnOf(o, now) {
  if (o.status === 'new') return 'new';
  const appt = parseDate(o.appointment_at);
  if ((o.status === 'dispatched' || o.status === 'accepted') && appt && now > appt.getTime() + LATE_MS) return 'late';
  if (o.status === 'dispatched') return 'dispatched';
  return 'working';
}

const replyOverdue = (o, now) => o.reply_overdue || (parseDate(o.reply_due)?.getTime() ?? Infinity) < now;

export function DispatchBoard({ me, community }) {
  const c = community.id;
  // Sorted here, not by the server: asked for in date order, SQLite walks the
  // community's whole history by date instead of taking the few open orders.
  const onBoardFilter = pb.filter(`community = {:c} && (${BOARD.map((s) => `status = "${s}"`).join(' || ')})`, { c });
  // (The service items from the page's cache: see withServiceItems.)
  const orders = useAsync(() => pb.collection('work_orders').getFullList({
    filter: onBoardFilter,
    expand: 'unit.building,building',
  }).then(withServiceItems).then((list) => list.sort((a, b) => (a.received_at < b.received_at ? -1 : a.received_at > b.received_at ? 1 : 0))), [c]);
  const techs = useAsync(() => pb.collection('staff').getFullList({
    filter: pb.filter('role = "technician" && active = true && communities.id ?= {:c}', { c }), sort: 'name', fields: 'id,name,skills',
  }), [c]);
  const [fresh, setFresh] = useState([]);
  const onBoard = (o) => BOARD.includes(o.status) && o.community === c;
  const upsert = (rec) => orders.setData((list) => placeFetched(list, rec.id, rec, onBoard));
  // The community's topic says which orders changed; the board re-reads
  // them, those of a burst in one request (usePlaceChanged, BOARD_WINDOW).
  const changed = usePlaceChanged(orders, 'work_orders', { expand: BOARD_EXPAND, where: onBoardFilter, keep: onBoard, sort: oldestFirst('received_at'), window: BOARD_WINDOW,
    onPlaced: (events, got) => {
      const arrived = events.filter((e) => e.action === 'create' && got.get(e.id)).map((e) => got.get(e.id));
      if (arrived.length) setFresh((f) => [...f, ...arrived.map((r) => r.id)]);
      for (const r of arrived) toast(t('dispatch.arrived', { serial: r.serial }));
    } });
  useCommunityTopic(c, 'work_orders', changed, { onReconnect: orders.reload }, [c]);
  const now = useNow(15000);

  if (orders.loading && !orders.data) return html`<h1>${t('dispatch.title')}</h1><${Loading} />`;
  if (orders.error) return html`<h1>${t('dispatch.title')}</h1><${ErrorBox} error=${orders.error} retry=${orders.reload} />`;
  const list = orders.data || [];
  const load = {};
  for (const o of list) if (o.technician) load[o.technician] = (load[o.technician] || 0) + 1;
  const cols = Object.fromEntries(COLUMNS.map((k) => [k, []]));
  for (const o of list) cols[columnOf(o, now)].push(o);
  // The orders waiting longest for their reply first.
  cols.new.sort((a, b) => (a.reply_due < b.reply_due ? -1 : 1));
  const techList = techs.data || [];
  const techName = (id) => techList.find((s) => s.id === id)?.name || '';

  return html`
    <div class="row between"><h1>${t('dispatch.title')}</h1><span class="small muted"><span class="live-dot" aria-hidden="true"></span>${t('dispatch.live')}</span></div>
    ${techs.error && html`<${ErrorBox} error=${techs.error} retry=${techs.reload} />`}
    <div class="board">
      ${COLUMNS.map((k) => html`<section class=${'board-col col-' + k} key=${k} aria-labelledby=${'col-' + k} data-testid=${'col-' + k}>
        <h2 id=${'col-' + k}>${t('dispatch.col.' + k)} <span class="count">${cols[k].length}</span></h2>
        ${cols[k].length === 0 ? html`<p class="muted small board-empty">${t('dispatch.empty')}</p>`
          : cols[k].map((o) => html`<${OrderCard} key=${o.id} order=${o} me=${me} now=${now} fresh=${fresh.includes(o.id)}
              techs=${techList} load=${load} techName=${techName} onSaved=${upsert} />`)}
      </section>`)}
    </div>`;
}

function ReplyClock({ order }) {
  const now = useNow(1000);
  const due = parseDate(order.reply_due);
  if (!due) return null;
  const left = Math.round((due.getTime() - now) / 1000);
  const over = order.reply_overdue || left < 0;
  const s = Math.abs(left);
  const span = s < 3600 ? `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}` : `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  return html`<span class=${'clock' + (over ? ' over' : left < 300 ? ' soon' : '')} role="timer">
    ${over ? t('dispatch.replyOver', { t: span }) : t('dispatch.replyLeft', { t: span })}${order.reply_overdue ? html` · ${t('dispatch.replyFlag')}` : ''}</span>`;
}

function OrderCard({ order: o, me, now, fresh, techs, load, techName, onSaved }) {
  const steps = stepsFrom('work_orders', o.status, [me.role]);
  const canDispatch = steps.some((s) => s.to === 'dispatched');
  const canCancel = steps.some((s) => s.to === 'cancelled');
  const late = columnOf(o, now) === 'late';
  const over = o.status === 'new' && replyOverdue(o, now);
  const cls = ['wo-card', over ? 'over' : '', late ? 'late' : '', fresh ? 'fresh' : ''].filter(Boolean).join(' ');
  return html`<article class=${cls} aria-labelledby=${'wo-' + o.id}>
    <div class="row between"><a href=${'#/orders/' + o.id} class="wo-link"><strong id=${'wo-' + o.id}>${o.serial}</strong></a>
      ${o.status === 'new' ? html`<${ReplyClock} order=${o} />` : html`<${Status} col="work_orders" code=${o.status} />`}</div>
    <div class="wo-place">${placeOf(o)}${o.rework_of ? html` <span class="chip s-bad">${t('dispatch.rework')}</span>` : o.source && o.source !== 'request' ? html` <span class="chip s-muted">${t('dispatch.source.' + o.source)}</span>` : !o.receiver ? html` <span class="chip s-muted">${t('dispatch.portal')}</span>` : ''}</div>
    <div class="wo-what"><span class="chip">${label('work_category', o.category)}</span> ${o.expand?.service_item?.name ? html`<b>${o.expand.service_item.name}</b> · ` : ''}${o.description}</div>
    <div class="sub">${o.contact_name} · <a href=${'tel:' + o.contact_phone}>${o.contact_phone}</a> · ${ago(o.received_at)}</div>
    ${o.appointment_at && html`<div class="sub">${t('dispatch.appointment', { at: dateTime(o.appointment_at) })}</div>`}
    ${o.status !== 'new' && html`<div class="sub">${o.technician ? t('dispatch.techIs', { name: techName(o.technician) || o.technician }) : o.dispatch_mode === 'pool' ? html`<span class="chip s-warn">${t('dispatch.inPool')}</span>` : ''}</div>`}
    ${late && html`<div class="chip s-bad">${t('dispatch.notArrived')}</div>`}
    ${o.arrival === 'late' && html`<div class="chip s-bad">${t('dispatch.lateArrival')}</div>`}
    ${canDispatch && html`<${AssignForm} order=${o} techs=${techs} load=${load} onSaved=${onSaved} />`}
    ${canCancel && html`<${CancelForm} order=${o} onSaved=${onSaved} />`}
  </article>`;
}

function AssignForm({ order, techs, load, onSaved }) {
  const fit = techs.filter((s) => (s.skills || []).includes(order.category));
  const other = techs.filter((s) => !fit.includes(s));
  const [tech, setTech] = useState(fit.length === 1 ? fit[0].id : '');
  const act = useAction();
  const opt = (s) => html`<option value=${s.id}>${t('dispatch.load', { name: s.name, n: load[s.id] || 0 })}</option>`;
  const go = (mode) => act.run(async () => {
    const body = mode === 'pool' ? { status: 'dispatched', dispatch_mode: 'pool' } : { status: 'dispatched', dispatch_mode: 'assign', technician: tech };
    const saved = await pb.collection('work_orders').update(order.id, body, { expand: BOARD_EXPAND });
    toast(mode === 'pool' ? t('dispatch.pooled', { serial: saved.serial }) : t('dispatch.assigned', { serial: saved.serial, name: techs.find((s) => s.id === tech)?.name || '' }));
    onSaved(saved);
  });
  const errs = fieldErrors(act.error);
  return html`<form class="assign" onSubmit=${(e) => { e.preventDefault(); if (tech) go('assign'); }}>
    <label class="sr-only" for=${'tech-' + order.id}>${t('dispatch.tech')} ${order.serial}</label>
    <select id=${'tech-' + order.id} aria-label=${t('dispatch.tech')} value=${tech} onChange=${(e) => setTech(e.target.value)}>
      <option value="">${t('dispatch.tech')}…</option>
      ${fit.length > 0 && html`<optgroup label=${t('dispatch.fit')}>${fit.map(opt)}</optgroup>`}
      ${other.length > 0 && html`<optgroup label=${t('dispatch.other')}>${other.map(opt)}</optgroup>`}
    </select>
    ${fit.length === 0 && html`<small class="hint">${t('dispatch.noFit')}</small>`}
    <div class="row">
      <button class="primary" disabled=${!tech || act.busy}>${t('dispatch.assign')}</button>
      <button type="button" disabled=${act.busy} onClick=${() => go('pool')}>${t('dispatch.pool')}</button>
    </div>
    ${errs.technician && html`<small class="field-error" role="alert">${errs.technician}</small>`}
    <${ErrorBox} error=${act.error} />
  </form>`;
}

function CancelForm({ order, onSaved }) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const act = useAction();
  const submit = async (e) => {
    e.preventDefault();
    if (!(await confirmBox({ title: t('dispatch.confirmCancel', { serial: order.serial }), body: t('dispatch.confirmCancelBody'), ok: t('dispatch.cancel'), danger: true }))) return;
    const saved = await act.run(() => pb.collection('work_orders').update(order.id, { status: 'cancelled', cancel_reason: reason.trim() }));
    if (saved) { toast(t('dispatch.cancelled', { serial: saved.serial })); onSaved(saved); }
  };
  if (!open) return html`<button type="button" class="link small" onClick=${() => setOpen(true)}>${t('dispatch.cancel')}</button>`;
  const errs = fieldErrors(act.error);
  return html`<form class="stack cancel" onSubmit=${submit}>
    <${Field} label=${t('dispatch.cancelReason')} required error=${errs.cancel_reason}><input type="text" maxlength="500" value=${reason} onInput=${(e) => setReason(e.target.value)} /><//>
    <${ErrorBox} error=${act.error} />
    <div class="row"><button type="button" class="ghost" onClick=${() => setOpen(false)}>${t('back')}</button>
      <button class="danger" disabled=${act.busy || !reason.trim()}>${t('dispatch.cancel')}</button></div>
  </form>`;
}

// --- revisits ----------------------------------------------------------------

// The queue is read a page at a time, oldest first (overdue orders first):
// in a community of 10,000 homes some 6,000 replied, signed-off and
// revisited documents wait here, too many to load and draw at once. Four
// lists — each section's complaints and orders — each the first n of its
// kind (n grows by REVISIT_PAGE with "more"; re-reading from the start keeps
// the order right whatever changed meanwhile), on indexes matching them
// (migrations: idx_*_revisit*).
const REVISIT_PAGE = 50;
const REVISIT = {
  complaints: { statuses: ['replied', 'revisited'], expand: 'unit.building,building', where: '(status = "replied" || status = "revisited")' },
  work_orders: { statuses: ['signed_off', 'revisited'], expand: 'unit.building,building,service_item,technician', where: '(status = "signed_off" || status = "revisited")' },
};
const REVISIT_SOURCES = [
  { key: 'queue-c', section: 'queue', col: 'complaints', status: 'replied', since: 'replied_at' },
  { key: 'queue-o', section: 'queue', col: 'work_orders', status: 'signed_off', since: 'signed_off_at' },
  { key: 'closing-c', section: 'closing', col: 'complaints', status: 'revisited', since: 'revisited_at' },
  { key: 'closing-o', section: 'closing', col: 'work_orders', status: 'revisited', since: 'revisited_at' },
];
const revisitSort = (s) => (s.col === 'work_orders' ? '-revisit_overdue,' : '') + s.since + ',id';
const sourceOf = (col, status) => REVISIT_SOURCES.find((s) => s.col === col && s.status === status);
const sinceOf = (col, r) => (sourceOf(col, r.status) ? r[sourceOf(col, r.status).since] : '') || r.updated;

/** revisitOrder: overdue first, then the longest waiting, as the server sorts. */
function revisitOrder(a, b) {
  return (b.r.revisit_overdue === true) - (a.r.revisit_overdue === true) || String(a.since).localeCompare(String(b.since)) || (a.r.id < b.r.id ? -1 : a.r.id > b.r.id ? 1 : 0);
}

// The page's cache gives the buildings and service items (see withCached in
// core/ui.js: their read rules cost a join over every home per expansion).
const REVISIT_CACHED = { complaints: [['building'], ['unit', 'building']], work_orders: [['building'], ['unit', 'building'], ['service_item']] };
const REVISIT_EXPAND = { complaints: 'unit', work_orders: 'unit,technician' };

/** revisitPage reads the first n of a source, with its count (cheap: an index range of the few in that status). */
async function revisitPage(c, s, n) {
  const page = await pb.collection(s.col).getList(1, n, {
    filter: pb.filter('community = {:c} && status = {:s}', { c, s: s.status }), sort: revisitSort(s), expand: REVISIT_EXPAND[s.col],
  });
  return { items: await withCached(page.items, REVISIT_CACHED[s.col]), total: page.totalItems };
}

/** loadRevisits reads the four lists, each as far as sizes says ("more"). */
async function loadRevisits(c, sizes) {
  const pages = await Promise.all(REVISIT_SOURCES.map((s) => revisitPage(c, s, sizes[s.key] || REVISIT_PAGE)));
  return Object.fromEntries(REVISIT_SOURCES.map((s, i) => [s.key, pages[i]]));
}

/**
 * revisitRows merges a section's lists into the screen's rows, down to where
 * every list that has more is still complete (the rest comes with "more").
 */
function revisitRows(data, section, only) {
  const sources = REVISIT_SOURCES.filter((s) => s.section === section && (!only || s.col === only) && data[s.key]);
  const row = (s) => (r) => ({ col: s.col, r, since: sinceOf(s.col, r) });
  let rows = sources.flatMap((s) => data[s.key].items.map(row(s)));
  let more = false;
  for (const s of sources) {
    const { items, total } = data[s.key];
    if (items.length >= total || !items.length) continue;
    more = true;
    const last = row(s)(items[items.length - 1]);
    rows = rows.filter((x) => revisitOrder(x, last) <= 0);
  }
  return { rows: rows.sort(revisitOrder), total: sources.reduce((n, s) => n + data[s.key].total, 0), more };
}

export function Revisits({ me, community }) {
  const c = community.id;
  const sizes = useRef({});
  if (sizes.current.c !== c) sizes.current = { c };
  const data = useAsync(() => loadRevisits(c, sizes.current), [c]);
  const [only, setOnly] = useState('');
  // "More": the section's lists that have more are read REVISIT_PAGE further.
  const more = (section) => {
    for (const s of REVISIT_SOURCES) {
      const cur = data.data?.[s.key];
      if (s.section === section && cur && cur.items.length < cur.total) sizes.current[s.key] = (sizes.current[s.key] || REVISIT_PAGE) + REVISIT_PAGE;
    }
    data.reload();
  };
  // The community's topics say which records changed: those of a burst
  // (useCoalesce, BOARD_WINDOW) are re-read (one request per collection) and
  // put in place within what is shown, and the touched lists' counts re-read.
  const changed = useCoalesce(async (events) => {
    if (data.data === undefined) { data.reload(); return; }
    let got; let counts;
    try {
      got = await Promise.all(Object.entries(REVISIT).map(async ([col, { expand, where }]) => {
        const ids = idsOf(events, col);
        return ids.length ? fetchChanged(col, ids, { expand, where: pb.filter('community = {:c} && ', { c }) + where }) : new Map();
      }));
      // Counts re-read where a record came, went or changed in view (one
      // not shown that left a list beyond "more" is counted at the next load).
      const shown = (col, id) => REVISIT_SOURCES.some((s) => s.col === col && data.data[s.key]?.items.some((r) => r.id === id));
      const touched = REVISIT_SOURCES.filter((s) => [...got[s.col === 'complaints' ? 0 : 1]].some(([id, r]) => (r && r.status === s.status) || shown(s.col, id)));
      counts = Object.fromEntries(await Promise.all(touched.map(async (s) => [s.key, (await pb.collection(s.col).getList(1, 1, {
        filter: pb.filter(`community = {:c} && status = {:s}`, { c, s: s.status }), fields: 'id', requestKey: null })).totalItems])));
    } catch { return; } // offline: the reconnect reloads
    const fetched = { complaints: got[0], work_orders: got[1] };
    data.setData((d) => {
      if (!d) return d;
      const out = {};
      for (const s of REVISIT_SOURCES) {
        const cur = d[s.key];
        let items = cur.items.filter((r) => !fetched[s.col].has(r.id));
        const last = cur.items.length < cur.total && cur.items.length ? { r: cur.items[cur.items.length - 1], since: sinceOf(s.col, cur.items[cur.items.length - 1]) } : null;
        for (const r of fetched[s.col].values()) {
          if (r && r.status === s.status && r.community === c && (!last || revisitOrder({ r, since: sinceOf(s.col, r) }, last) <= 0)) items.push(r);
        }
        items = items.map((r) => ({ r, since: sinceOf(s.col, r) })).sort(revisitOrder).map((x) => x.r);
        out[s.key] = { ...cur, items, total: counts[s.key] ?? cur.total };
      }
      return out;
    });
  }, BOARD_WINDOW);
  useCommunityTopic(c, 'complaints', changed, { onReconnect: data.reload }, [c]);
  useCommunityTopic(c, 'work_orders', changed, { onReconnect: data.reload }, [c]);
  const section = (title, name, id) => {
    const { rows, total, more: hasMore } = revisitRows(data.data, name, only);
    return html`<section class="card" aria-labelledby=${id}>
    <h2 id=${id}>${title} <span class="muted small">${total}</span></h2>
    ${rows.length === 0 ? html`<${Empty} />` : html`<div class="revisit-list">${rows.map((x) => html`<${RevisitCard} key=${x.r.id} item=${x} me=${me} onDone=${data.reload} />`)}</div>`}
    ${hasMore && html`<div class="row end"><button type="button" class="ghost" onClick=${() => more(name)}>${t('revisit.more', { shown: rows.length, total })}</button></div>`}
  </section>`;
  };
  return html`
    <h1>${t('revisit.title')}</h1>
    <p class="small muted">${t('revisit.hint')}</p>
    <div class="seg" role="group" aria-label=${t('revisit.title')}>
      ${[['', 'revisit.all'], ['complaints', 'revisit.complaint'], ['work_orders', 'revisit.order']].map(([k, key]) => html`
        <button type="button" aria-pressed=${only === k} onClick=${() => setOnly(k)}>${t(key)}</button>`)}
    </div>
    ${data.loading && !data.data ? html`<${Loading} />` : data.error ? html`<${ErrorBox} error=${data.error} retry=${data.reload} />` : html`
      ${section(t('revisit.queue'), 'queue', 'h-queue')}
      ${section(t('revisit.toClose'), 'closing', 'h-closing')}`}`;
}

function RevisitCard({ item, me, onDone }) {
  const { col, r } = item;
  const steps = stepsFrom(col, r.status, [me.role]);
  const revisit = steps.find((s) => s.to === 'revisited');
  const close = steps.find((s) => s.to === 'closed');
  const isOrder = col === 'work_orders';
  const [form, setForm] = useState({ satisfaction: '', revisit_method: 'phone', revisit_note: '' });
  const act = useAction();
  const name = `${col}-${r.id}`;
  const save = async (e) => {
    e.preventDefault();
    const body = { status: 'revisited', satisfaction: form.satisfaction, revisit_note: form.revisit_note.trim() };
    if (isOrder) body.revisit_method = form.revisit_method;
    const saved = await act.run(() => pb.collection(col).update(r.id, body));
    if (saved) {
      toast(saved.status === 'processing' ? t('revisit.reopened', { serial: saved.serial }) : t('revisit.saved', { serial: saved.serial }));
      onDone();
    }
  };
  const doClose = async () => {
    if (!(await confirmBox({ title: t('revisit.confirmClose', { serial: r.serial }), body: t('revisit.confirmCloseBody'), ok: t('revisit.close') }))) return;
    const saved = await act.run(() => pb.collection(col).update(r.id, { status: 'closed' }));
    if (saved) { toast(t('revisit.closed', { serial: saved.serial })); onDone(); }
  };
  const errs = fieldErrors(act.error);
  return html`<article class=${'revisit-card' + (r.revisit_overdue ? ' over' : '')} aria-labelledby=${'rv-' + r.id}>
    <div class="row between">
      <span><span class="chip s-muted">${t(isOrder ? 'revisit.order' : 'revisit.complaint')}</span> <strong id=${'rv-' + r.id}>${r.serial}</strong></span>
      <span class="row">
        ${r.revisit_overdue && html`<span class="chip s-bad">${t('revisit.overdue')}</span>`}
        ${!isOrder && r.reply_overdue && html`<span class="chip s-warn">${t('revisit.replyOverdue')}</span>`}
        <${Status} col=${col} code=${r.status} /></span>
    </div>
    <div class="wo-place">${placeOf(r)}</div>
    <p class="revisit-what">${isOrder ? html`${r.expand?.service_item?.name ? r.expand.service_item.name + ' · ' : ''}${r.description}` : html`${label('complaint_category', r.category)} · ${r.content}`}</p>
    <dl class="kv small">
      ${!isOrder && r.result && html`<dt>${t('revisit.result')}</dt><dd>${r.result}</dd>`}
      ${isOrder && html`<dt>${t('revisit.tech')}</dt><dd>${r.expand?.technician?.name || ''}</dd>
        <dt>${t('revisit.signoff')}</dt><dd>${label('signoff', r.signoff)}${r.satisfaction && r.status === 'signed_off' ? ' · ' + label('satisfaction', r.satisfaction) : ''}</dd>
        ${r.amount_fen > 0 && html`<dt>${t('revisit.amount')}</dt><dd>${yuan(r.amount_fen)} · ${label('work_payment', r.payment)}</dd>`}`}
      ${r.status === 'revisited' && html`<dt>${t('revisit.satisfaction')}</dt><dd>${label('satisfaction', r.satisfaction)}${r.revisit_method ? ' · ' + label('revisit_method', r.revisit_method) : ''}${r.revisit_note ? ' · ' + r.revisit_note : ''}</dd>`}
      <dt>${t('desk.contactName')}</dt><dd>${r.contact_name} · <a href=${'tel:' + r.contact_phone} aria-label=${t('revisit.call') + ' ' + r.contact_phone}>${r.contact_phone}</a></dd>
    </dl>
    <p class="small muted">${t('revisit.since.' + r.status, { ago: ago(item.since || r.updated) })}</p>
    ${revisit && html`<form class="stack revisit-form" onSubmit=${save}>
      <fieldset><legend>${t('revisit.satisfaction')} <b class="req">*</b></legend>
        <div class="choices">${choices('satisfaction').map((s) => html`<label><input type="radio" name=${name + '-sat'} value=${s.code} checked=${form.satisfaction === s.code} onChange=${() => setForm({ ...form, satisfaction: s.code })} />${s.text}</label>`)}</div>
        ${errs.satisfaction && html`<small class="field-error" role="alert">${errs.satisfaction}</small>`}
        ${!isOrder && form.satisfaction === 'unsatisfied' && html`<small class="hint">${t('revisit.reopens')}</small>`}
      </fieldset>
      ${isOrder && html`<fieldset><legend>${t('revisit.method')} <b class="req">*</b></legend>
        <div class="choices">${choices('revisit_method').map((m) => html`<label><input type="radio" name=${name + '-method'} value=${m.code} checked=${form.revisit_method === m.code} onChange=${() => setForm({ ...form, revisit_method: m.code })} />${m.text}</label>`)}</div>
        ${errs.revisit_method && html`<small class="field-error" role="alert">${errs.revisit_method}</small>`}
      </fieldset>`}
      <${Field} label=${t('revisit.note')} error=${errs.revisit_note}><input type="text" maxlength="1000" value=${form.revisit_note} onInput=${(e) => setForm({ ...form, revisit_note: e.target.value })} /><//>
      <${ErrorBox} error=${act.error} />
      <button class="primary" disabled=${act.busy || !form.satisfaction}>${t('revisit.save')}</button>
    </form>`}
    ${close && html`<${ErrorBox} error=${act.error} /><div class="row end"><button type="button" disabled=${act.busy} onClick=${doClose}>${t('revisit.close')}</button></div>`}
  </article>`;
}

