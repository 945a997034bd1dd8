// One renovation (#/renovations/:id): the application, the steps the server
// lets this role take (with their fields), the checklist before the permit,
// the site, hot-work permits, the deposit, and the history.
import { html, useState } from '../../core/html.js';
import { pb } from '../../core/api.js';
import { t, addMessages, label } from '../../core/i18n.js';
import { date, dateTime, unitName } from '../../core/format.js';
import { statusLabel } from '../../core/flows.js';
import { Loading, ErrorBox, Empty, Status, Attachments, useAsync, useSoon } from '../../core/ui.js';
import { useRealtime } from '../../core/realtime.js';
import { seesMoney, ON_SITE, fLabel, isOverdue, StepPanel } from './common.js';
import { PermitChecklist, DepositCard } from './permit.js';
import { PassesCard } from './passes.js';
import { SiteCard, ViolationsCard } from './site.js';
import { HotWorkCard } from './hot_work.js';
import { RefundCard } from './refund.js';

addMessages({
  'reno.back': ['装修管理', 'Renovations'],
  'reno.liveDetail': ['本页实时更新', 'This page updates live'],
  'reno.applicant': ['申请人', 'Applicant'],
  'reno.tenantApplied': ['租户申请', 'Applied by a tenant'],
  'reno.consent': ['业主书面同意书', "Owner's written consent"],
  'reno.consentMissing': ['租户申请但没有上传业主同意书', 'A tenant applied without the owner\'s consent'],
  'reno.application': ['申请内容', 'Application'],
  'reno.unit': ['房屋', 'Unit'],
  'reno.area': ['建筑面积', 'Floor area'],
  'reno.areaM2': ['{n} m²', '{n} m²'],
  'reno.contractor': ['施工单位', 'Contractor'],
  'reno.licence': ['资质证书编号', 'Licence'],
  'reno.contractorPhone': ['施工单位电话', 'Contractor phone'],
  'reno.siteLead': ['现场负责人', 'Site lead'],
  'reno.scope': ['装修范围', 'Scope'],
  'reno.description': ['装修内容', 'Works'],
  'reno.planned': ['计划工期', 'Planned dates'],
  'reno.drawings': ['装修图纸', 'Drawings'],
  'reno.noDrawings': ['没有上传图纸', 'No drawings'],
  'reno.submittedAt': ['提交时间', 'Submitted'],
  'reno.engineeringDue': ['工程审核期限', 'Engineering review due'],
  'reno.approvalDue': ['主任审批期限', 'Approval due'],
  'reno.engineer': ['审核工程师', 'Reviewed by'],
  'reno.approver': ['审批人', 'Approved by'],
  'reno.permitNo': ['施工许可证号', 'Permit number'],
  'reno.permittedAt': ['发证时间', 'Permit issued'],
  'reno.comments': ['审核意见', 'Comments'],

  'reno.timeline': ['办理记录', 'History'],
  'reno.ev.create': ['提交申请', 'Applied'],
  'reno.ev.update': ['信息更新', 'Updated'],
  'reno.ev.pass': ['办理出入证', 'Pass issued'],
  'reno.ev.pass_returned': ['出入证交回', 'Pass returned'],
  'reno.ev.inspection': ['现场巡查', 'Inspection'],
  'reno.ev.violation': ['记录违规', 'Violation'],
  'reno.ev.violation_rectified': ['违规已整改', 'Violation rectified'],
  'reno.ev.violation_escalated': ['违规升级', 'Violation escalated'],
  'reno.ev.hot_work_requested': ['申请动火证', 'Hot work requested'],
  'reno.ev.hot_work': ['动火证：{status}', 'Hot work: {status}'],
  'reno.ev.missed_inspection': ['当日没有巡查', 'No inspection that day'],
  'reno.ev.overdue_review': ['审核超时', 'Review overdue'],
  'reno.ev.deposit_refund_requested': ['受理押金清退申请', 'Deposit refund requested'],
  'reno.ev.deposit_refund_approved': ['主任批准退还押金', 'Deposit refund approved'],
  'reno.ev.deposit_refund_rejected': ['主任驳回退押金申请', 'Deposit refund rejected'],
  'reno.ev.deposit_refund_paid': ['押金已退款', 'Deposit refunded'],
  'reno.ev.f.agreement_signed_at': ['装修协议签订', 'agreement signed'],
  'reno.ev.f.fees_fen': ['费用金额', 'fees'],
  'reno.ev.f.fees_paid': ['费用已缴', 'fees paid'],
  'reno.ev.f.deposit_fen': ['押金应收金额', 'deposit due'],
  'reno.ev.f.deposit': ['押金入账', 'deposit taken'],
});

async function loadRelated(r, role) {
  const by = pb.filter('renovation = {:id}', { id: r.id });
  const [passes, inspections, violations, hotWork] = await Promise.all([
    pb.collection('renovation_passes').getFullList({ filter: by, sort: 'created' }),
    pb.collection('renovation_inspections').getFullList({ filter: by, sort: '-inspected_on,-created', expand: 'inspector' }),
    pb.collection('renovation_violations').getFullList({ filter: by, sort: '-created', expand: 'found_by' }),
    pb.collection('hot_work_permits').getFullList({ filter: by, sort: '-created', expand: 'security_by,center_by,approved_by' }),
  ]);
  let deposit = null;
  let movements = [];
  let unlinked = [];
  if (seesMoney(role) && r.deposit) {
    [deposit, movements] = await Promise.all([
      pb.collection('deposits').getOne(r.deposit),
      pb.collection('deposit_movements').getFullList({ filter: pb.filter('deposit = {:d}', { d: r.deposit }), sort: 'created', expand: 'by' }),
    ]);
  } else if (seesMoney(role) && r.status === 'approved' && r.serial) {
    // A deposit taken at the cashier's desk for this application but not linked yet.
    unlinked = await pb.collection('deposits').getFullList({
      filter: pb.filter('community = {:c} && kind = "renovation" && source = {:s} && status = "held"', { c: r.community, s: r.serial }), sort: '-created',
    });
  }
  const refunds = seesMoney(role) && ['accepted', 'closed'].includes(r.status)
    ? await pb.collection('deposit_refunds').getFullList({ filter: by, sort: 'created', expand: 'requested_by,director,paid_by' }) : [];
  return { passes, inspections, violations, hotWork, deposit, movements, unlinked, refunds };
}

export function RenovationReview({ me, params }) {
  const rec = useAsync(() => pb.collection('renovations').getOne(params.id, { expand: 'unit.building,applicant,engineer,approver' }), [params.id]);
  const r = rec.data;
  const [bump, setBump] = useState(0);
  const rel = useAsync(() => (r ? loadRelated(r, me.role) : Promise.resolve(null)), [r?.id, r?.updated, r?.deposit, bump]);
  const again = useSoon(() => setBump((n) => n + 1));
  const reloadAll = () => { rec.reload(); again(); };
  const keepExpand = (saved) => rec.setData((old) => ({ ...saved, expand: old?.expand }));
  useRealtime('renovations', params.id, (e) => { if (e.action === 'update') keepExpand(e.record); }, { onReconnect: reloadAll });
  const byThis = pb.filter('renovation = {:id}', { id: params.id });
  useRealtime('renovation_passes', '*', again, { filter: byThis });
  useRealtime('renovation_inspections', '*', again, { filter: byThis });
  useRealtime('renovation_violations', '*', again, { filter: byThis });
  useRealtime('hot_work_permits', '*', again, { filter: byThis });
  useRealtime('deposits', seesMoney(me.role) && r?.deposit ? r.deposit : '', again);
  useRealtime('deposit_refunds', seesMoney(me.role) ? '*' : '', again, { filter: byThis });

  if (rec.loading && !r) return html`<${Loading} />`;
  if (rec.error && !r) return html`<p><a href="#/renovations">← ${t('reno.back')}</a></p><${ErrorBox} error=${rec.error} retry=${rec.reload} />`;
  const onSaved = (saved) => { keepExpand(saved); again(); };
  const role = me.role;
  const unit = r.expand?.unit;
  // On site, the day's inspection (记录巡查) comes first and the steps
  // (停工整改, 申请竣工验收) after it: stopping work is the exception.
  const steps = html`<${StepPanel} key=${'steps-' + r.status} col="renovations" rec=${r} role=${role} onSaved=${onSaved} testid="renovation-steps"
      exclude=${['permitted:approved', ...(rel.data?.deposit?.balance_fen > 0 ? ['closed:accepted'] : [])]} />`;
  const onSite = ON_SITE.includes(r.status);
  // The site comes first (on a phone, for whoever is standing in it), and only when there is one.
  const site = ON_SITE.includes(r.status) || ['inspections', 'violations', 'hotWork'].some((k) => rel.data?.[k]?.length > 0);
  return html`
    <p><a href="#/renovations">← ${t('reno.back')}</a></p>
    ${rec.error && html`<${ErrorBox} error=${rec.error} retry=${reloadAll} />`}
    <div class="card reno-head">
      <div class="row between"><h1>${unitName(unit)} · ${r.contractor_name}</h1>
        <span data-testid="renovation-status"><${Status} col="renovations" code=${r.status} /></span></div>
      <p class="small muted">${r.serial}${r.permit_no ? html` · ${t('reno.permitNo')} <strong data-testid="permit-no">${r.permit_no}</strong>` : ''} · ${t('reno.liveDetail')}</p>
      <dl class="kv">
        <dt>${t('reno.applicant')}</dt><dd>${r.expand?.applicant?.name || '—'}${r.expand?.applicant?.phone ? html` · <a href=${'tel:' + r.expand.applicant.phone}>${r.expand.applicant.phone}</a>` : ''}
          ${r.tenant && html` <span class="chip s-warn">${t('reno.tenantApplied')}</span>`}</dd>
        <dt>${t('reno.submittedAt')}</dt><dd>${dateTime(r.submitted_at)}</dd>
        ${r.status === 'submitted' && html`<dt>${t('reno.engineeringDue')}</dt><dd>${dateTime(r.engineering_due)}${isOverdue(r) ? html` <span class="chip s-bad">${t('reno.overdue')}</span>` : ''}</dd>`}
        ${r.status === 'engineering_passed' && html`<dt>${t('reno.approvalDue')}</dt><dd>${dateTime(r.approval_due)}${isOverdue(r) ? html` <span class="chip s-bad">${t('reno.overdue')}</span>` : ''}</dd>`}
        ${r.permitted_at && html`<dt>${t('reno.permittedAt')}</dt><dd>${dateTime(r.permitted_at)}</dd>`}
      </dl>
    </div>
    <${Comments} r=${r} />
    ${!onSite && steps}
    ${seesMoney(role) && html`<${RefundCard} r=${r} role=${role} rel=${rel} again=${again} />`}
    ${r.status === 'approved' && html`<${PermitChecklist} r=${r} role=${role} rel=${rel} onSaved=${onSaved} again=${again} />`}
    <div class=${site ? 'grid2' : ''}>
      ${site && html`<div>
        <${SiteCard} r=${r} role=${role} rel=${rel} again=${again} />
        ${onSite && steps}
        <${ViolationsCard} r=${r} role=${role} rel=${rel} again=${again} onSaved=${reloadAll} />
        <${HotWorkCard} r=${r} role=${role} rel=${rel} again=${again} />
      </div>`}
      <div>
        <${Application} r=${r} />
        ${r.status !== 'approved' && html`<${PassesCard} r=${r} role=${role} rel=${rel} again=${again} />`}
        ${seesMoney(role) && html`<${DepositCard} r=${r} rel=${rel} />`}
      </div>
    </div>
    <section class="card" aria-labelledby="h-reno-history"><h2 id="h-reno-history">${t('reno.timeline')}</h2><${History} id=${r.id} version=${r.updated + ':' + bump} /></section>`;
}

function Comments({ r }) {
  const notes = [
    r.reject_reason && ['bad', 'reject_reason'],
    r.suspend_reason && [r.status === 'suspended' ? 'bad' : '', 'suspend_reason'],
    r.acceptance_changes && [r.status === 'acceptance_failed' ? 'bad' : '', 'acceptance_changes'],
    r.director_comment && [r.status === 'submitted' ? 'warn' : '', 'director_comment'],
    r.engineering_comment && ['', 'engineering_comment'],
  ].filter(Boolean);
  if (!notes.length) return null;
  return html`<section class="card" aria-labelledby="h-reno-comments" data-testid="renovation-comments">
    <h2 id="h-reno-comments">${t('reno.comments')}</h2>
    ${notes.map(([cls, f]) => html`<div class=${'note ' + cls} key=${f}><strong>${fLabel(f)}</strong><p class="pre">${r[f]}</p></div>`)}
  </section>`;
}

function Application({ r }) {
  const unit = r.expand?.unit;
  return html`<section class="card" aria-labelledby="h-reno-app" data-testid="renovation-application">
    <h2 id="h-reno-app">${t('reno.application')}</h2>
    <dl class="kv">
      <dt>${t('reno.unit')}</dt><dd>${unitName(unit)}${unit?.area_m2 ? html` · ${t('reno.area')} ${t('reno.areaM2', { n: unit.area_m2 })}` : ''}</dd>
      <dt>${t('reno.contractor')}</dt><dd>${r.contractor_name}${r.contractor_licence && html`<br /><span class="small muted">${t('reno.licence')} ${r.contractor_licence}</span>`}</dd>
      <dt>${t('reno.contractorPhone')}</dt><dd><a href=${'tel:' + r.contractor_phone}>${r.contractor_phone}</a></dd>
      ${r.site_lead && html`<dt>${t('reno.siteLead')}</dt><dd>${r.site_lead}</dd>`}
      <dt>${t('reno.scope')}</dt><dd><span class="tags">${(r.scope || []).map((s) => html`<span class=${'chip ' + (['walls', 'facade', 'waterproofing'].includes(s) ? 's-warn' : 's-muted')} key=${s}>${label('scope', s)}</span>`)}</span></dd>
      <dt>${t('reno.planned')}</dt><dd>${date(r.planned_start)} – ${date(r.planned_end)}</dd>
      ${r.description && html`<dt>${t('reno.description')}</dt><dd class="pre">${r.description}</dd>`}
      ${r.expand?.engineer && html`<dt>${t('reno.engineer')}</dt><dd>${r.expand.engineer.name}</dd>`}
      ${r.expand?.approver && html`<dt>${t('reno.approver')}</dt><dd>${r.expand.approver.name}</dd>`}
    </dl>
    <h3>${t('reno.drawings')}</h3>
    ${(r.drawings || []).length ? html`<${Attachments} record=${r} field="drawings" />` : html`<p class="small muted">${t('reno.noDrawings')}</p>`}
    ${r.tenant && html`<h3>${t('reno.consent')}</h3>
      ${r.owner_consent ? html`<${Attachments} record=${r} field="owner_consent" />` : html`<p class="note bad">${t('reno.consentMissing')}</p>`}`}
  </section>`;
}

function eventText(e) {
  if (e.action === 'status') return statusLabel('renovations', e.to);
  if (e.action.startsWith('hot_work_') && e.action !== 'hot_work_requested') return t('reno.ev.hot_work', { status: statusLabel('hot_work_permits', e.to || e.action.slice(9)) });
  const k = 'reno.ev.' + e.action;
  const s = t(k);
  return s === k ? e.action : s;
}

function eventNote(e) {
  if (e.action === 'update') return e.note.replace(/^\[|\]$/g, '').split(/\s+/).filter(Boolean).map(fLabelAny).join(t('reno.sep'));
  if (e.action === 'inspection') return t('reno.result.' + e.note) === 'reno.result.' + e.note ? e.note : t('reno.result.' + e.note);
  if (e.action === 'violation') return e.note.replace(/^(minor|major) /, (_, s) => t('reno.severity.' + s) + t('reno.colon'));
  return e.note;
}
const fLabelAny = (f) => { const k = 'reno.ev.f.' + f; const s = t(k); return s === k ? fLabel(f) : s; };

function History({ id, version }) {
  const ev = useAsync(() => pb.collection('events').getFullList({
    filter: pb.filter('subject_collection = "renovations" && subject_id = {:id}', { id }), sort: 'created', expand: 'actor_staff,actor_resident',
  }), [id, version]);
  if (ev.loading && !ev.data) return html`<${Loading} />`;
  if (ev.error) return html`<${ErrorBox} error=${ev.error} retry=${ev.reload} />`;
  if (!ev.data.length) return html`<${Empty} />`;
  return html`<ol class="timeline">${ev.data.map((e) => html`<li key=${e.id}>
    <div>${eventText(e)}${e.note && html` <span class="small muted">${eventNote(e)}</span>`}</div>
    <div class="when">${dateTime(e.created)}${(e.expand?.actor_staff || e.expand?.actor_resident) && ' · ' + (e.expand.actor_staff || e.expand.actor_resident).name}</div>
  </li>`)}</ol>`;
}
