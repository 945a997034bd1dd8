// The renovation desk (#/renovations): the community's renovations as the
// signed-in role's work queues (live), and a search by unit or number.
import { html, useState } from '../../core/html.js';
import { pb } from '../../core/api.js';
import { t, addMessages } from '../../core/i18n.js';
import { yuan, date, dateTime, today, unitName } from '../../core/format.js';
import { Loading, ErrorBox, Empty, Status, Field, useAsync, useSoon } from '../../core/ui.js';
import { useRealtime } from '../../core/realtime.js';
import { isOverdue } from './common.js';

addMessages({
  'reno.title': ['装修管理', 'Renovations'],
  'reno.live': ['列表实时更新', 'Lists update live'],
  'reno.search': ['查找装修', 'Find a renovation'],
  'reno.searchLabel': ['房号、单号或施工单位', 'Unit, number or contractor'],
  'reno.searchHint': ['例如 1栋 101、1-101、ZX-20261123-0001、XK- 许可证号', 'e.g. 1栋 101, 1-101, ZX-20261123-0001 or a permit number'],
  'reno.searchGo': ['查找', 'Search'],
  'reno.searchClear': ['清除', 'Clear'],
  'reno.searchNone': ['没有找到符合“{q}”的装修申请', 'No renovation matches "{q}"'],
  'reno.results': ['查找结果', 'Results'],
  'reno.recent': ['最近的装修申请', 'Recent applications'],
  'reno.count': ['{n} 件', '{n}'],
  'reno.q.review': ['待工程审核', 'To review (engineering)'],
  'reno.q.reviewEmpty': ['没有待审核的装修申请', 'No applications to review'],
  'reno.q.approve': ['待主任审批', 'To approve'],
  'reno.q.approveEmpty': ['没有待审批的装修申请', 'No applications to approve'],
  'reno.q.readying': ['办证准备（已批准）', 'Readying the permit (approved)'],
  'reno.q.readyingEmpty': ['没有待办证的装修', 'No approved renovations waiting for a permit'],
  'reno.q.collect': ['待收费用和押金', 'Fees and deposits to collect'],
  'reno.q.collectEmpty': ['没有待收的装修费用或押金', 'Nothing to collect'],
  'reno.q.completion': ['申请验收', 'Completion reported'],
  'reno.q.completionEmpty': ['没有申请验收的装修', 'No completions reported'],
  'reno.q.acceptance': ['待联合验收', 'To accept'],
  'reno.q.acceptanceEmpty': ['没有待验收的装修', 'Nothing to accept'],
  'reno.q.suspended': ['停工整改中', 'Work stopped'],
  'reno.q.suspendedEmpty': ['没有停工整改的装修', 'No stopped sites'],
  'reno.q.sites': ['施工中工地 · 今日巡查', 'Active sites · today\'s inspection'],
  'reno.q.sitesEmpty': ['没有施工中的工地', 'No active sites'],
  'reno.q.areaSites': ['本片区装修工地 · 每日巡查', 'Sites in my area · daily inspection'],
  'reno.q.refundDue': ['验收满等待期 · 押金清退', 'Deposit refunds due'],
  'reno.q.refundDueEmpty': ['没有到期待退的装修押金', 'No refunds due'],
  'reno.q.refundApprove': ['押金清退 · 待主任审批', 'Deposit refunds to approve'],
  'reno.q.refundApproveEmpty': ['没有待审批的押金清退', 'No deposit refunds to approve'],
  'reno.q.hwSecurity': ['动火证 · 待秩序维护部审核', 'Hot-work permits to review (security)'],
  'reno.q.hwCenter': ['动火证 · 待客服中心审核', 'Hot-work permits to review (service center)'],
  'reno.q.hwDirector': ['动火证 · 待总经理审批', 'Hot-work permits to approve'],
  'reno.q.hwEmpty': ['没有待审核的动火证', 'No hot-work permits waiting'],
  'reno.due': ['期限 {when}', 'Due {when}'],
  'reno.inspectedToday': ['今日已巡查', 'Inspected today'],
  'reno.notInspectedToday': ['今日未巡查', 'Not inspected today'],
  'reno.completionAt': ['{when} 申请验收', 'Reported {when}'],
  'reno.refundOn': ['退押金日期 {d}', 'Refund due {d}'],
  'reno.sum.agreement': ['协议', 'Agreement'],
  'reno.sum.fees': ['费用', 'Fees'],
  'reno.sum.deposit': ['押金', 'Deposit'],
  'reno.sum.feesDue': ['费用 {amount} 待缴', 'Fees {amount} due'],
  'reno.sum.depositDue': ['押金 {amount} 待收', 'Deposit {amount} to collect'],
  'reno.sum.depositUnset': ['押金待收（金额待核定）', 'Deposit to collect (amount not set)'],
});

const ROLE_QUEUES = {
  engineer: ['review', 'sites', 'acceptance'],
  director: ['approve', 'refundApprove', 'hwDirector', 'readying', 'suspended'],
  front_desk: ['readying', 'completion', 'hwCenter', 'refundDue'],
  supervisor: ['readying', 'completion', 'hwCenter', 'suspended', 'review', 'approve'],
  security: ['hwSecurity', 'sites'],
  area_manager: ['areaSites'],
  cashier: ['collect', 'refundDue'],
};

function queueSpecs(me, community) {
  const inC = pb.filter('community = {:c}', { c: community.id });
  const reno = (cond, sort = 'created') => ({ col: 'renovations', filter: `${inC} && (${cond})`, sort });
  const hw = (status) => ({ col: 'hot_work_permits', filter: pb.filter('renovation.community = {:c} && status = {:s}', { c: community.id, s: status }), sort: 'window_start' });
  return {
    review: reno('status = "submitted"', 'engineering_due'),
    approve: reno('status = "engineering_passed"', 'approval_due'),
    readying: reno('status = "approved"'),
    collect: reno('status = "approved" && (deposit = "" || (fees_fen > 0 && fees_paid = false))'),
    completion: reno('status = "completion_requested" || status = "acceptance_failed"', 'completion_requested_at'),
    acceptance: reno('status = "completion_requested"', 'completion_requested_at'),
    suspended: reno('status = "suspended"', '-updated'),
    sites: reno('status = "permitted" || status = "suspended"', 'permitted_at'),
    areaSites: reno(pb.filter('(status = "permitted" || status = "suspended") && unit.building.area.manager = {:me}', { me: me.id }), 'permitted_at'),
    refundDue: reno(pb.filter('status = "accepted" && deposit_refund_due != "" && deposit_refund_due <= {:d}', { d: today() }), 'deposit_refund_due'),
    refundApprove: reno('status = "accepted" && deposit_refunds_via_renovation.status ?= "requested"', 'deposit_refund_due'),
    hwSecurity: hw('requested'),
    hwCenter: hw('security_reviewed'),
    hwDirector: hw('center_reviewed'),
  };
}

async function loadQueues(me, community) {
  const keys = ROLE_QUEUES[me.role] || [];
  const specs = queueSpecs(me, community);
  const out = { keys };
  await Promise.all(keys.map(async (k) => {
    const s = specs[k];
    out[k] = await pb.collection(s.col).getFullList({
      filter: s.filter, sort: s.sort, batch: 200, expand: s.col === 'renovations' ? 'unit.building' : 'renovation.unit.building',
    });
  }));
  if (keys.includes('sites') || keys.includes('areaSites')) {
    const done = await pb.collection('renovation_inspections').getFullList({
      filter: pb.filter('renovation.community = {:c} && inspected_on = {:d}', { c: community.id, d: today() }), fields: 'renovation', batch: 500,
    });
    out.inspected = new Set(done.map((x) => x.renovation));
    for (const k of ['sites', 'areaSites']) {
      // The sites nobody has inspected today come first.
      if (out[k]) out[k].sort((a, b) => Number(out.inspected.has(a.id)) - Number(out.inspected.has(b.id)));
    }
  }
  if (keys.includes('readying')) {
    const passes = await pb.collection('renovation_passes').getFullList({
      filter: pb.filter('renovation.community = {:c} && renovation.status = "approved" && returned_at = ""', { c: community.id }), fields: 'renovation', batch: 500,
    });
    out.passes = {};
    for (const p of passes) out.passes[p.renovation] = (out.passes[p.renovation] || 0) + 1;
  }
  return out;
}

/** searchFilter: every word must match the number, permit, unit, building or contractor. */
function searchFilter(q, community) {
  const words = q.trim().split(/\s+/).filter(Boolean).slice(0, 4);
  const parts = words.map((w) => {
    const or = [pb.filter('serial ~ {:w} || permit_no ~ {:w} || unit.number ~ {:w} || unit.building.name ~ {:w} || unit.building.code = {:w} || contractor_name ~ {:w}', { w })];
    const m = w.match(/^([^-\s]+)-([^-\s]+)$/); // 1-101: building code and unit number
    if (m) or.push(pb.filter('(unit.building.code = {:b} && unit.number = {:n})', { b: m[1], n: m[2] }));
    return '(' + or.join(' || ') + ')';
  });
  return [pb.filter('community = {:c}', { c: community.id }), ...parts].join(' && ');
}

export function RenovationDesk({ me, community }) {
  const queues = useAsync(() => loadQueues(me, community), [me.id, me.role, community.id]);
  const [q, setQ] = useState('');
  const [asked, setAsked] = useState('');
  const found = useAsync(() => pb.collection('renovations').getList(1, 30, {
    filter: asked ? searchFilter(asked, community) : pb.filter('community = {:c}', { c: community.id }), sort: '-created', expand: 'unit.building',
  }).then((list) => ({ q: asked, items: list.items })), [asked, community.id]);
  const soon = useSoon(() => { queues.reload(); found.reload(); });
  const inC = pb.filter('community = {:c}', { c: community.id });
  const ofC = pb.filter('renovation.community = {:c}', { c: community.id });
  useRealtime('renovations', '*', soon, { filter: inC, onReconnect: soon });
  useRealtime('hot_work_permits', '*', soon, { filter: ofC });
  useRealtime('renovation_inspections', '*', soon, { filter: ofC });
  useRealtime('renovation_passes', '*', soon, { filter: ofC });
  const search = (e) => { e.preventDefault(); setAsked(q.trim()); };
  const data = queues.data;
  return html`
    <div class="row between"><h1>${t('reno.title')}</h1><span class="small muted">${community.name} · ${t('reno.live')}</span></div>
    ${queues.loading && !data ? html`<${Loading} />` : queues.error && !data ? html`<${ErrorBox} error=${queues.error} retry=${queues.reload} />` : html`
      ${queues.error && html`<${ErrorBox} error=${queues.error} retry=${queues.reload} />`}
      <div class="reno-queues">${data.keys.map((k) => html`<${Queue} key=${k} kind=${k} items=${data[k]} data=${data} />`)}</div>`}
    <section class="card reno-search" aria-labelledby="h-reno-search">
      <h2 id="h-reno-search">${t('reno.search')}</h2>
      <form class="row" onSubmit=${search} role="search">
        <div class="grow"><${Field} label=${t('reno.searchLabel')} hint=${t('reno.searchHint')}>
          <input type="search" name="q" value=${q} onInput=${(e) => setQ(e.target.value)} /><//></div>
        <button class="primary">${t('reno.searchGo')}</button>
        ${asked && html`<button type="button" class="ghost" onClick=${() => { setQ(''); setAsked(''); }}>${t('reno.searchClear')}</button>`}
      </form>
      <h3>${asked ? t('reno.results') : t('reno.recent')}</h3>
      ${found.error ? html`<${ErrorBox} error=${found.error} retry=${found.reload} />` : !found.data || found.data.q !== asked ? html`<${Loading} />`
        : found.data.items.length === 0 ? html`<${Empty} text=${asked ? t('reno.searchNone', { q: asked }) : t('empty')} />`
        : html`<ul class="list" data-testid="reno-results">${found.data.items.map((r) => html`<${RenoItem} key=${r.id} r=${r} sub=${html`${r.serial} · ${date(r.planned_start)} – ${date(r.planned_end)}`} />`)}</ul>`}
    </section>`;
}

function Queue({ kind, items, data }) {
  const hot = kind.startsWith('hw');
  const empty = hot ? t('reno.q.hwEmpty') : t(`reno.q.${kind === 'areaSites' ? 'sites' : kind}Empty`);
  return html`<section class="card reno-queue" aria-labelledby=${'q-' + kind} data-testid=${'queue-' + kind}>
    <h2 id=${'q-' + kind}>${t('reno.q.' + kind)} <span class="chip s-muted">${t('reno.count', { n: items.length })}</span></h2>
    ${items.length === 0 ? html`<${Empty} text=${empty} />` : html`<ul class="list">${items.map((x) => hot
      ? html`<${HotWorkItem} key=${x.id} h=${x} />`
      : html`<${RenoItem} key=${x.id} r=${x} sub=${queueSub(kind, x, data)} />`)}</ul>`}
  </section>`;
}

function queueSub(kind, r, data) {
  const mark = (ok, text) => html`<span class=${'mark ' + (ok ? 'ok' : 'todo')}>${ok ? '✓' : '✗'} ${text}</span>`;
  switch (kind) {
    case 'review':
    case 'approve': {
      const due = kind === 'review' ? r.engineering_due : r.approval_due;
      return html`${r.serial} · ${t('reno.due', { when: dateTime(due) })}${isOverdue(r) ? html` <span class="chip s-bad">${t('reno.overdue')}</span>` : ''}`;
    }
    case 'readying': {
      const passes = data.passes?.[r.id] || 0;
      return html`${r.serial} · ${mark(!!r.agreement_signed_at, t('reno.sum.agreement'))} ${mark(!(r.fees_fen > 0 && !r.fees_paid), t('reno.sum.fees'))}
        ${mark(!!r.deposit, t('reno.sum.deposit'))} ${mark(passes > 0, t('reno.sum.passes', { n: passes }))}`;
    }
    case 'collect': {
      const bits = [];
      if (r.fees_fen > 0 && !r.fees_paid) bits.push(t('reno.sum.feesDue', { amount: yuan(r.fees_fen) }));
      if (!r.deposit) bits.push(r.deposit_fen > 0 ? t('reno.sum.depositDue', { amount: yuan(r.deposit_fen) }) : t('reno.sum.depositUnset'));
      return `${r.serial} · ${bits.join(' · ')}`;
    }
    case 'completion':
    case 'acceptance':
      return `${r.serial} · ${t('reno.completionAt', { when: dateTime(r.completion_requested_at) })}`;
    case 'sites':
    case 'areaSites': {
      const done = data.inspected?.has(r.id);
      return html`${r.permit_no || r.serial} · <span class=${'chip ' + (done ? 's-paid' : 's-warn')} data-testid="inspected-today">${t(done ? 'reno.inspectedToday' : 'reno.notInspectedToday')}</span>`;
    }
    case 'refundDue':
    case 'refundApprove':
      return `${r.serial} · ${t('reno.refundOn', { d: date(r.deposit_refund_due) })}`;
    default:
      return r.serial;
  }
}

function RenoItem({ r, sub }) {
  return html`<li><a class="item" href=${'#/renovations/' + r.id}>
    <div class="main"><div class="t">${unitName(r.expand?.unit)} · ${r.contractor_name}</div><div class="sub">${sub}</div></div>
    <${Status} col="renovations" code=${r.status} />
  </a></li>`;
}

function HotWorkItem({ h }) {
  const r = h.expand?.renovation;
  return html`<li><a class="item" href=${'#/renovations/' + h.renovation}>
    <div class="main"><div class="t">${unitName(r?.expand?.unit)} · ${h.place}</div>
      <div class="sub">${h.operator_name} · ${t('reno.hwWindow', { from: dateTime(h.window_start), to: dateTime(h.window_end) })}</div></div>
    <${Status} col="hot_work_permits" code=${h.status} />
  </a></li>`;
}
