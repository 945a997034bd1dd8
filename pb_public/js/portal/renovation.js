// Renovation (装修): apply with the contractor, scope, dates and drawings (a
// tenant adds the owner's written consent), follow the engineering review and
// the director's approval live, see the fees and deposits due and paid, the
// worker passes, violations found on site and when the deposit comes back.
import { html, useState } from '../core/html.js';
import { pb, fieldErrors } from '../core/api.js';
import { t, addMessages, label, choices, lang } from '../core/i18n.js';
import { yuan, date, dateTime, today, unitName } from '../core/format.js';
import { stepsFrom, statusLabel, isTerminal } from '../core/flows.js';
import { Loading, ErrorBox, Empty, Status, Field, FilePicker, Attachments, useAsync, useAction, navigate, toast, confirmBox, formData, When } from '../core/ui.js';
import { useRealtime, useMyTopic, usePlaceChanged, newestFirst, useCoalesce, LIST_WINDOW } from '../core/realtime.js';
import { Timeline } from '../core/timeline.js';

addMessages({
  'renovation.title': ['我的装修', 'My renovations'],
  'renovation.new': ['申请装修', 'Apply to renovate'],
  'renovation.newTitle': ['装修申请', 'Renovation application'],
  'renovation.intro': ['装修前须提交申请：工程部 2 个工作日内审核，管理处主任 1 个工作日内审批；批准后签订装修协议、缴纳费用和押金、办理施工人员出入证，领取施工许可证后方可开工。',
    'Apply before any works: engineering reviews within 2 working days and the director approves within 1; then sign the agreement, pay the fees and deposit, get worker passes, and start once the permit is issued.'],
  'renovation.unit': ['装修房屋', 'Unit'],
  'renovation.contractor': ['施工单位', 'Contractor'],
  'renovation.licence': ['资质证书编号', 'Licence number'],
  'renovation.contractorPhone': ['施工单位电话', 'Contractor phone'],
  'renovation.siteLead': ['现场负责人', 'Site lead'],
  'renovation.scope': ['装修范围', 'Scope of works'],
  'renovation.scopeHint': ['不得拆改承重结构、改变外立面；改动厨卫须重做防水并做闭水试验。', 'No changes to load-bearing structure or the facade; kitchen and bathroom work needs new waterproofing and a flood test.'],
  'renovation.description': ['装修内容说明', 'Description of the works'],
  'renovation.descriptionHint': ['例如：厨卫改造、重新布线、墙面翻新', 'e.g. kitchen and bathroom refit, rewiring, repainting'],
  'renovation.plannedStart': ['计划开工日期', 'Planned start'],
  'renovation.plannedEnd': ['计划完工日期', 'Planned end'],
  'renovation.planned': ['计划工期', 'Planned dates'],
  'renovation.drawings': ['装修图纸', 'Drawings'],
  'renovation.drawingsHint': ['平面图、水电走向图等，图片或 PDF，最多 10 个，每个不超过 20 MB', 'Floor plan, wiring and plumbing plans; images or PDF, up to 10 files of 20 MB each'],
  'renovation.addDrawings': ['添加图纸', 'Add drawings'],
  'renovation.consent': ['业主书面同意书', "Owner's written consent"],
  'renovation.consentTenant': ['您是本房屋的租户：申请装修须上传业主签字的书面同意书（照片或 PDF），否则物业不能受理。',
    "You rent this unit: the application needs the owner's signed written consent (a photo or PDF), or the office cannot accept it."],
  'renovation.addConsent': ['上传同意书', 'Add consent'],
  'renovation.openExists': ['本房屋已有进行中的装修申请 {serial}，如需变更请联系物业服务中心。', 'This unit already has an open application ({serial}); contact the service center to change it.'],
  'renovation.confirmSubmit': ['确认提交装修申请？', 'Submit this application?'],
  'renovation.confirmSubmitBody': ['提交后由工程部在 2 个工作日内审核，审核结果会实时显示在本页。', 'Engineering reviews it within 2 working days; the result shows here live.'],
  'renovation.filed': ['装修申请已提交，单号 {serial}', 'Application filed: {serial}'],
  'renovation.live': ['审核进度会实时显示', 'Review progress appears live'],
  'renovation.progress': ['办理进度', 'Progress'],
  'renovation.step.submitted': ['提交申请', 'Application'],
  'renovation.step.engineering_passed': ['工程部审核', 'Engineering review'],
  'renovation.step.approved': ['主任审批', "Director's approval"],
  'renovation.step.permitted': ['签协议、缴费、领施工许可证', 'Agreement, fees, permit'],
  'renovation.step.completion_requested': ['申请竣工验收', 'Completion reported'],
  'renovation.step.accepted': ['三方联合验收', 'Joint acceptance'],
  'renovation.step.closed': ['退还押金、结案', 'Deposit refund, closed'],
  'renovation.due': ['期限 {when}', 'Due {when}'],
  'renovation.overdue': ['已超时，物业主管已收到提醒', 'Overdue; the supervisors have been alerted'],
  'renovation.stepRejected': ['未通过', 'Rejected'],
  'renovation.stepSuspended': ['停工整改中', 'Work stopped'],
  'renovation.stepFailed': ['验收不合格', 'Failed'],
  'renovation.stepNow': ['办理中', 'In progress'],
  'renovation.comments': ['审核意见', 'Review comments'],
  'renovation.engineeringComment': ['工程部意见', "Engineering's comment"],
  'renovation.directorComment': ['主任意见', "Director's comment"],
  'renovation.returned': ['主任退回工程部重新审核', 'The director returned it to engineering'],
  'renovation.rejectReason': ['驳回原因', 'Reason for rejection'],
  'renovation.rejectedHint': ['如需继续装修，请按意见修改方案后重新提交申请。', 'To go ahead, change the plan as asked and apply again.'],
  'renovation.suspendReason': ['停工原因', 'Why work was stopped'],
  'renovation.acceptanceChanges': ['验收整改要求', 'Changes required at acceptance'],
  'renovation.details': ['申请内容', 'Application'],
  'renovation.submittedAt': ['提交时间', 'Submitted'],
  'renovation.permitNo': ['施工许可证号', 'Permit number'],
  'renovation.agreement': ['装修协议签订', 'Agreement signed'],
  'renovation.money': ['费用与押金', 'Fees and deposits'],
  'renovation.moneyLater': ['审批通过后，物业将核定装修管理费、垃圾清运费和装修押金，并在此显示。', 'Once approved, the office sets the management and debris-removal fees and the deposit; they will show here.'],
  'renovation.fees': ['装修管理费、垃圾清运费', 'Management and debris-removal fees'],
  'renovation.deposit': ['装修押金', 'Renovation deposit'],
  'renovation.passDeposits': ['出入证押金（{n} 张）', 'Worker-pass deposits ({n})'],
  'renovation.notSet': ['待核定', 'To be set'],
  'renovation.paid': ['已缴', 'Paid'],
  'renovation.unpaid': ['待缴', 'Due'],
  'renovation.held': ['已收', 'Received'],
  'renovation.toPay': ['待缴合计', 'Still to pay'],
  'renovation.payHint': ['请到物业服务中心缴纳，缴清并办理出入证后发放施工许可证。', 'Pay at the service center; the permit is issued once paid and a worker pass is out.'],
  'renovation.item': ['项目', 'Item'],
  'renovation.amount': ['金额', 'Amount'],
  'renovation.balance': ['押金余额', 'Deposit balance'],
  'renovation.movements': ['押金扣除与退还', 'Deductions and refunds'],
  'renovation.mv.receive': ['收取（收据）', 'Received (receipt)'],
  'renovation.mv.deduct': ['扣除', 'Deducted'],
  'renovation.mv.refund': ['退还', 'Refunded'],
  'renovation.refundDue': ['押金退还日期', 'Deposit refund date'],
  'renovation.refundRule': ['验收合格满 6 个月后退还（扣除违规扣款）', '6 months after acceptance, less deductions'],
  'renovation.refunded': ['已退还押金', 'Deposit refunded'],
  'renovation.passes': ['施工人员出入证', 'Worker passes'],
  'renovation.passValid': ['有效期至 {d}', 'Valid until {d}'],
  'renovation.passReturned': ['已交回', 'Returned'],
  'renovation.passOut': ['使用中', 'In use'],
  'renovation.violations': ['违规记录', 'Violations'],
  'renovation.violationsNone': ['暂无违规记录', 'No violations'],
  'renovation.severity.minor': ['一般违规', 'Minor'],
  'renovation.severity.major': ['重大违规', 'Major'],
  'renovation.vstatus.open': ['待整改', 'To rectify'],
  'renovation.vstatus.rectified': ['已整改', 'Rectified'],
  'renovation.vstatus.escalated': ['逾期未改，已上报', 'Not rectified, escalated'],
  'renovation.measures': ['处理措施', 'Measures'],
  'renovation.deducted': ['扣除押金', 'Deducted from deposit'],
  'renovation.rectifyBy': ['整改期限', 'Rectify by'],
  'renovation.recheck': ['复查情况', 'Recheck'],
  'renovation.noticeLink': ['查看整改通知书', 'Rectification notice'],
  'renovation.inspections': ['现场巡查', 'Site inspections'],
  'renovation.inspectionsNone': ['开工后工程部每天巡查，记录会显示在这里', 'Engineering inspects every working day once work starts; visits show here'],
  'renovation.result.ok': ['合格', 'OK'],
  'renovation.result.issues': ['发现问题', 'Issues found'],
  'renovation.action.completion_requested': ['申请验收', 'Report completion'],
  'renovation.confirm.completion_requested': ['确认施工已全部完成，申请验收？', 'Report the works complete and ask for acceptance?'],
  'renovation.confirmBody.completion_requested': ['物业将约定时间，由住户、施工单位和物业三方联合验收。', 'The office will arrange a joint acceptance with you and the contractor.'],
  'renovation.stepDone': ['已提交：{status}', 'Done: {status}'],
  'renovation.found': ['发现日期', 'Found on'],
});

// The normal path of an application; side states are shown on the step
// they branch from.
const PATH = ['submitted', 'engineering_passed', 'approved', 'permitted', 'completion_requested', 'accepted', 'closed'];

/** joinList: 墙体、电路 in Chinese, "Walls, Electrical" in English. */
const joinList = (xs) => xs.join(lang() === 'en' ? ', ' : '、');

/** isOpen: the application is still under way. */
const isOpen = (r) => !isTerminal('renovations', r.status);

export function RenovationList({ me }) {
  const list = useAsync(() => pb.collection('renovations').getList(1, 50, { skipTotal: true,
    sort: '-created', filter: pb.filter('applicant = {:me}', { me: me.id }), expand: 'unit.building',
  }), [me.id]);
  // A change re-reads that application only, those of a burst together (usePlaceChanged).
  const changed = usePlaceChanged(list, 'renovations', { expand: 'unit.building', keep: (r) => r.applicant === me.id, sort: newestFirst() });
  useMyTopic(changed, { collections: ['renovations'], onReconnect: list.reload }, [me.id]);
  return html`
    <div class="row between"><h1>${t('renovation.title')}</h1><a href="#/renovation/new"><button type="button" class="primary">${t('renovation.new')}</button></a></div>
    <p class="muted small">${t('renovation.intro')}</p>
    <div class="card">
      ${list.loading && !list.data ? html`<${Loading} />` : list.error ? html`<${ErrorBox} error=${list.error} retry=${list.reload} />`
        : list.data.items.length === 0 ? html`<${Empty} />` : html`
        <ul class="list">${list.data.items.map((r) => html`<li key=${r.id}>
          <a class="item" href=${'#/renovation/' + r.id}>
            <div class="main"><div class="t">${unitName(r.expand?.unit)} · ${r.contractor_name}</div>
              <div class="sub">${r.serial} · ${joinList((r.scope || []).map((s) => label('scope', s)))} · <${When} v=${r.planned_start} day /> – <${When} v=${r.planned_end} day /></div></div>
            <${Status} col="renovations" code=${r.status} />
          </a></li>`)}</ul>`}
    </div>`;
}

export function RenovationNew({ me, unit }) {
  const [form, setForm] = useState({ contractor_name: '', contractor_licence: '', contractor_phone: '', site_lead: '', description: '', planned_start: '', planned_end: '' });
  const [scope, setScope] = useState([]);
  const [drawings, setDrawings] = useState([]);
  const [consent, setConsent] = useState([]);
  const act = useAction();
  const tenant = unit.relation === 'tenant';
  // The resident's own applications for this unit that are still under way.
  const open = useAsync(() => pb.collection('renovations').getList(1, 5, { skipTotal: true,
    filter: pb.filter('applicant = {:me} && unit = {:u}', { me: me.id, u: unit.id }), sort: '-created', fields: 'id,serial,status',
  }).then((r) => r.items.filter(isOpen)), [me.id, unit.id]);
  const set = (k) => (e) => setForm({ ...form, [k]: e.target.value });
  const toggle = (code) => (e) => setScope(e.target.checked ? [...scope, code] : scope.filter((s) => s !== code));
  const submit = async (e) => {
    e.preventDefault();
    if (!(await confirmBox({ title: t('renovation.confirmSubmit'), body: t('renovation.confirmSubmitBody'), ok: t('submit') }))) return;
    const saved = await act.run(() => pb.collection('renovations').create(formData({ ...form, scope, unit: unit.id },
      { drawings, owner_consent: consent })));
    if (saved) {
      toast(t('renovation.filed', { serial: saved.serial }));
      navigate('/renovation/' + saved.id);
    }
  };
  const errs = fieldErrors(act.error);
  const openOnes = open.data || [];
  return html`
    <p><a href="#/renovation">← ${t('renovation.title')}</a></p>
    <h1>${t('renovation.newTitle')}</h1>
    <form class="card stack" onSubmit=${submit} novalidate>
      <dl class="kv reno-kv"><dt>${t('renovation.unit')}</dt><dd>${unitName(unit)} · ${label('relation', unit.relation)}</dd></dl>
      ${openOnes.map((r) => html`<p class="note warn" key=${r.id}><a href=${'#/renovation/' + r.id}>${t('renovation.openExists', { serial: r.serial })}</a></p>`)}
      ${tenant && html`<div class="note warn" data-testid="consent-needed"><strong>${t('renovation.consent')}</strong><br />${t('renovation.consentTenant')}</div>`}
      ${tenant && html`<div data-testid="owner-consent"><${Field} label=${t('renovation.consent')} required error=${errs.owner_consent}>
        <${FilePicker} files=${consent} onChange=${setConsent} max=${1} label=${t('renovation.addConsent')} /><//></div>`}
      <${Field} label=${t('renovation.contractor')} required error=${errs.contractor_name}>
        <input type="text" name="contractor_name" maxlength="100" autocomplete="organization" value=${form.contractor_name} onInput=${set('contractor_name')} /><//>
      <div class="grid2 pair">
        <${Field} label=${t('renovation.contractorPhone')} required error=${errs.contractor_phone}>
          <input type="tel" name="contractor_phone" inputmode="tel" maxlength="20" value=${form.contractor_phone} onInput=${set('contractor_phone')} /><//>
        <${Field} label=${t('renovation.licence')} error=${errs.contractor_licence}>
          <input type="text" name="contractor_licence" maxlength="50" value=${form.contractor_licence} onInput=${set('contractor_licence')} /><//>
      </div>
      <${Field} label=${t('renovation.siteLead')} error=${errs.site_lead}>
        <input type="text" name="site_lead" maxlength="50" value=${form.site_lead} onInput=${set('site_lead')} /><//>
      <fieldset><legend>${t('renovation.scope')} <b class="req">*</b></legend>
        <div class="choices">${choices('scope').map((c) => html`
          <label key=${c.code}><input type="checkbox" name="scope" value=${c.code} checked=${scope.includes(c.code)} onChange=${toggle(c.code)} />${c.text}</label>`)}</div>
        <small class="hint">${t('renovation.scopeHint')}</small>
        ${errs.scope && html`<small class="field-error" role="alert">${errs.scope}</small>`}
      </fieldset>
      <${Field} label=${t('renovation.description')} hint=${t('renovation.descriptionHint')} error=${errs.description}>
        <textarea name="description" maxlength="2000" value=${form.description} onInput=${set('description')}></textarea><//>
      <div class="grid2 pair">
        <${Field} label=${t('renovation.plannedStart')} required error=${errs.planned_start}>
          <input type="date" name="planned_start" min=${today()} value=${form.planned_start} onInput=${set('planned_start')} /><//>
        <${Field} label=${t('renovation.plannedEnd')} required error=${errs.planned_end}>
          <input type="date" name="planned_end" min=${form.planned_start || today()} value=${form.planned_end} onInput=${set('planned_end')} /><//>
      </div>
      <div data-testid="drawings"><${Field} label=${t('renovation.drawings')} hint=${t('renovation.drawingsHint')} error=${errs.drawings}>
        <${FilePicker} files=${drawings} onChange=${setDrawings} max=${10} maxMB=${20} label=${t('renovation.addDrawings')} /><//></div>
      <${ErrorBox} error=${act.error} />
      <div class="actions"><button type="button" class="ghost" onClick=${() => history.back()}>${t('cancel')}</button>
        <button class="primary" disabled=${act.busy}>${act.busy ? t('submitting') : t('submit')}</button></div>
    </form>`;
}

/** related loads what hangs off an application: passes, violations, inspections, the deposit ledger. */
async function loadRelated(r) {
  const by = pb.filter('renovation = {:id}', { id: r.id });
  const [passes, violations, inspections] = await Promise.all([
    pb.collection('renovation_passes').getFullList({ filter: by, sort: 'created', fields: 'id,serial,worker_name,trade,deposit_fen,valid_until,returned_at' }),
    pb.collection('renovation_violations').getFullList({ filter: by, sort: '-created' }),
    pb.collection('renovation_inspections').getList(1, 10, { filter: by, sort: '-inspected_on,-created', fields: 'id,inspected_on,result,note' }).then((x) => x.items),
  ]);
  let deposit = null;
  let movements = [];
  if (r.deposit) {
    [deposit, movements] = await Promise.all([
      pb.collection('deposits').getOne(r.deposit).catch(() => null),
      pb.collection('deposit_movements').getFullList({ filter: pb.filter('deposit = {:d}', { d: r.deposit }), sort: 'created' }).catch(() => []),
    ]);
  }
  return { passes, violations, inspections, deposit, movements };
}

export function RenovationDetail({ params }) {
  const rec = useAsync(() => pb.collection('renovations').getOne(params.id, { expand: 'unit.building' }), [params.id]);
  const [bump, setBump] = useState(0);
  const r = rec.data;
  const rel = useAsync(() => (r ? loadRelated(r) : Promise.resolve(null)), [r?.id, r?.updated, r?.deposit, bump]);
  const again = () => setBump((n) => n + 1);
  const reloadAll = () => { rec.reload(); again(); };
  useRealtime('renovations', params.id, (e) => {
    if (e.action === 'update') rec.setData((old) => ({ ...e.record, expand: old?.expand }));
  }, { onReconnect: reloadAll });
  // Violations, passes and inspections of the resident's renovations come
  // on their own topic (those of another renovation of theirs cost a re-read).
  // A burst of them (an inspection and its violations) is one re-read.
  const related = useCoalesce(again, LIST_WINDOW);
  useMyTopic(related, { collections: ['renovation_violations', 'renovation_passes', 'renovation_inspections'] });
  if (rec.loading && !r) return html`<${Loading} />`;
  if (rec.error && !r) return html`<${ErrorBox} error=${rec.error} retry=${rec.reload} />`;
  return html`
    <p><a href="#/renovation">← ${t('renovation.title')}</a></p>
    ${rec.error && html`<${ErrorBox} error=${rec.error} retry=${reloadAll} />`}
    <div class="card">
      <div class="row between"><h1>${unitName(r.expand?.unit)} · ${t('nav.renovation')}</h1>
        <span data-testid="renovation-status"><${Status} col="renovations" code=${r.status} /></span></div>
      <p class="small muted">${r.serial} · ${t('renovation.live')}</p>
      <${Progress} r=${r} />
    </div>
    <${ResidentSteps} r=${r} onDone=${(saved) => rec.setData((old) => ({ ...saved, expand: old?.expand }))} />
    <${Comments} r=${r} />
    <div class="grid2">
      <div>
        <${Money} r=${r} rel=${rel} />
        <${Violations} rel=${rel} />
      </div>
      <div>
        <${Details} r=${r} />
        <${Passes} rel=${rel} />
        <${Inspections} r=${r} rel=${rel} />
      </div>
    </div>
    <div class="card"><h2>${t('timeline')}</h2><${Timeline} col="renovations" id=${r.id} version=${r.updated} /></div>`;
}

/** Progress: the normal path, with the step a side state branched from marked. */
function Progress({ r }) {
  let reached = PATH.indexOf(r.status);
  let bad = -1;
  let badText = '';
  if (r.status === 'rejected') { reached = 0; bad = 1; badText = t('renovation.stepRejected'); }
  if (r.status === 'suspended') { reached = 3; bad = 3; badText = t('renovation.stepSuspended'); }
  if (r.status === 'acceptance_failed') { reached = 4; bad = 5; badText = t('renovation.stepFailed'); }
  const when = {
    submitted: dateTime(r.submitted_at), permitted: dateTime(r.permitted_at), completion_requested: dateTime(r.completion_requested_at),
    accepted: dateTime(r.accepted_at), closed: dateTime(r.closed_at),
  };
  const due = { engineering_passed: dateTime(r.engineering_due), approved: dateTime(r.approval_due), closed: date(r.deposit_refund_due) };
  const now = bad < 0 && !isTerminal('renovations', r.status) ? reached + 1 : -1;
  return html`<ol class="reno-steps" aria-label=${t('renovation.progress')}>${PATH.map((s, i) => {
    const cls = i === bad ? 'bad' : i <= reached ? 'done' : i === now ? 'now' : '';
    let sub = '';
    if (i === bad) sub = badText;
    else if (i <= reached) sub = when[s] || '';
    else if (i === now) sub = due[s] ? t('renovation.due', { when: due[s] }) : t('renovation.stepNow');
    return html`<li key=${s} class=${cls} aria-current=${i === now || i === bad ? 'step' : undefined}>
      <span class="dot" aria-hidden="true">${i === bad ? '!' : i <= reached ? '✓' : i + 1}</span>
      <span class="what">${t('renovation.step.' + s)}${sub && html`<small>${sub}</small>`}
        ${i === now && r.review_overdue && html`<small class="late">${t('renovation.overdue')}</small>`}</span>
    </li>`;
  })}</ol>`;
}

// A step's own words when this file has them, else the status it leads to.
const stepText = (kind, to, fallback) => {
  const key = `renovation.${kind}.${to}`;
  const s = t(key);
  return s === key ? fallback : s;
};

/** ResidentSteps: the buttons for the steps the server lets the applicant take (申请验收). */
function ResidentSteps({ r, onDone }) {
  const act = useAction();
  const steps = stepsFrom('renovations', r.status, ['resident']);
  if (!steps.length) return null;
  const take = async (to) => {
    const name = stepText('action', to, statusLabel('renovations', to));
    if (!(await confirmBox({ title: stepText('confirm', to, name + '？'), body: stepText('confirmBody', to, ''), ok: name }))) return;
    const saved = await act.run(() => pb.collection('renovations').update(r.id, { status: to }));
    if (saved) { toast(t('renovation.stepDone', { status: statusLabel('renovations', saved.status) })); onDone(saved); }
  };
  return html`<div class="card">
    <div class="actions">${steps.map((s) => html`<button type="button" class="primary" key=${s.to} disabled=${act.busy} onClick=${() => take(s.to)}>
      ${stepText('action', s.to, statusLabel('renovations', s.to))}</button>`)}</div>
    <${ErrorBox} error=${act.error} />
  </div>`;
}

function Comments({ r }) {
  const returned = r.status === 'submitted' && r.director_comment;
  const notes = [
    r.status === 'rejected' && r.reject_reason && { cls: 'bad', head: t('renovation.rejectReason'), text: r.reject_reason, hint: t('renovation.rejectedHint') },
    r.status === 'suspended' && r.suspend_reason && { cls: 'bad', head: t('renovation.suspendReason'), text: r.suspend_reason },
    r.status === 'acceptance_failed' && r.acceptance_changes && { cls: 'bad', head: t('renovation.acceptanceChanges'), text: r.acceptance_changes },
    r.director_comment && { cls: returned ? 'warn' : '', head: returned ? t('renovation.returned') : t('renovation.directorComment'), text: r.director_comment },
    r.engineering_comment && { cls: '', head: t('renovation.engineeringComment'), text: r.engineering_comment },
  ].filter(Boolean);
  if (!notes.length) return null;
  return html`<section class="card" aria-labelledby="h-comments" data-testid="renovation-comments">
    <h2 id="h-comments">${t('renovation.comments')}</h2>
    ${notes.map((n) => html`<div class=${'note ' + n.cls} key=${n.head}><strong>${n.head}</strong><p class="pre">${n.text}</p>${n.hint && html`<small>${n.hint}</small>`}</div>`)}
  </section>`;
}

function Details({ r }) {
  return html`<section class="card" aria-labelledby="h-details">
    <h2 id="h-details">${t('renovation.details')}</h2>
    <dl class="kv reno-kv">
      <dt>${t('serial')}</dt><dd>${r.serial}</dd>
      <dt>${t('renovation.submittedAt')}</dt><dd><${When} v=${r.submitted_at} /></dd>
      <dt>${t('renovation.contractor')}</dt><dd>${r.contractor_name}${r.contractor_licence && html`<br /><span class="small muted">${r.contractor_licence}</span>`}</dd>
      <dt>${t('renovation.contractorPhone')}</dt><dd><a href=${'tel:' + r.contractor_phone}>${r.contractor_phone}</a></dd>
      ${r.site_lead && html`<dt>${t('renovation.siteLead')}</dt><dd>${r.site_lead}</dd>`}
      <dt>${t('renovation.scope')}</dt><dd><span class="tags">${(r.scope || []).map((s) => html`<span class="chip s-muted" key=${s}>${label('scope', s)}</span>`)}</span></dd>
      <dt>${t('renovation.planned')}</dt><dd><${When} v=${r.planned_start} day /> – <${When} v=${r.planned_end} day /></dd>
      ${r.description && html`<dt>${t('renovation.description')}</dt><dd class="pre">${r.description}</dd>`}
      ${r.permit_no && html`<dt>${t('renovation.permitNo')}</dt><dd><strong>${r.permit_no}</strong></dd>`}
    </dl>
    ${(r.drawings || []).length > 0 && html`<h3>${t('renovation.drawings')}</h3><${Attachments} record=${r} field="drawings" />`}
    ${r.owner_consent && html`<h3>${t('renovation.consent')}</h3><${Attachments} record=${r} field="owner_consent" />`}
  </section>`;
}

function Money({ r, rel }) {
  const decided = !['submitted', 'engineering_passed', 'rejected'].includes(r.status);
  const data = rel.data;
  const deposit = data?.deposit;
  const depositHeld = !!deposit;
  const passDeposits = (data?.passes || []).filter((p) => p.deposit_fen > 0);
  const feesDue = r.fees_fen > 0 && !r.fees_paid ? r.fees_fen : 0;
  const depositDue = r.deposit_fen > 0 && !depositHeld ? r.deposit_fen : 0;
  const toPay = feesDue + depositDue;
  return html`<section class="card" aria-labelledby="h-money" data-testid="renovation-money">
    <h2 id="h-money">${t('renovation.money')}</h2>
    ${!decided ? html`<p class="muted">${t('renovation.moneyLater')}</p>` : html`
      <table class="t">
        <thead><tr><th>${t('renovation.item')}</th><th class="num">${t('renovation.amount')}</th><th>${t('status')}</th></tr></thead>
        <tbody>
          <tr><td>${t('renovation.fees')}</td><td class="num">${r.fees_fen > 0 ? yuan(r.fees_fen) : '—'}</td>
            <td>${r.fees_fen > 0 ? html`<span class=${'chip ' + (r.fees_paid ? 's-paid' : 's-issued')}>${t(r.fees_paid ? 'renovation.paid' : 'renovation.unpaid')}</span>` : html`<span class="chip s-muted">${t('renovation.notSet')}</span>`}</td></tr>
          <tr><td>${t('renovation.deposit')}</td><td class="num">${r.deposit_fen > 0 ? yuan(r.deposit_fen) : '—'}</td>
            <td>${r.deposit_fen > 0 ? html`<span class=${'chip ' + (depositHeld ? 's-paid' : 's-issued')}>${t(depositHeld ? 'renovation.held' : 'renovation.unpaid')}</span>` : html`<span class="chip s-muted">${t('renovation.notSet')}</span>`}</td></tr>
          ${passDeposits.length > 0 && html`<tr><td>${t('renovation.passDeposits', { n: passDeposits.length })}</td>
            <td class="num">${yuan(passDeposits.reduce((s, p) => s + p.deposit_fen, 0))}</td><td><span class="chip s-paid">${t('renovation.held')}</span></td></tr>`}
        </tbody>
      </table>
      ${toPay > 0 && html`<div class="sum"><span class="muted">${t('renovation.toPay')}</span><span class="big money" data-testid="renovation-to-pay">${yuan(toPay)}</span></div>
        <p class="small muted">${t('renovation.payHint')}</p>`}
      ${rel.error && html`<${ErrorBox} error=${rel.error} retry=${rel.reload} />`}
      ${deposit && html`<dl class="kv reno-kv">
        <dt>${t('renovation.balance')}</dt><dd class="money"><strong>${yuan(deposit.balance_fen)}</strong> / ${yuan(deposit.amount_fen)}</dd>
      </dl>`}
      ${data?.movements?.length > 0 && html`<h3>${t('renovation.movements')}</h3>
        <ul class="list">${data.movements.map((m) => html`<li key=${m.id}><div class="item"><div class="main">
          <div class="t">${t('renovation.mv.' + m.kind)} ${yuan(m.amount_fen)}</div><div class="sub"><${When} v=${m.created} day /> · ${m.reason}</div></div></div></li>`)}</ul>`}`}
    <dl class="kv reno-kv">
      ${r.agreement_signed_at && html`<dt>${t('renovation.agreement')}</dt><dd><${When} v=${r.agreement_signed_at} day /></dd>`}
      <dt>${t('renovation.refundDue')}</dt>
      <dd data-testid="refund-due">${r.deposit_refund_due ? html`<strong><${When} v=${r.deposit_refund_due} day /></strong>` : html`<span class="muted">${t('renovation.refundRule')}</span>`}</dd>
      ${r.refunded_fen > 0 && html`<dt>${t('renovation.refunded')}</dt><dd class="money">${yuan(r.refunded_fen)}</dd>`}
    </dl>
  </section>`;
}

function Passes({ rel }) {
  const passes = rel.data?.passes || [];
  if (!passes.length) return null;
  return html`<section class="card" aria-labelledby="h-passes">
    <h2 id="h-passes">${t('renovation.passes')}</h2>
    <ul class="list">${passes.map((p) => html`<li key=${p.id}><div class="item">
      <div class="main"><div class="t">${p.worker_name}${p.trade && html` · ${p.trade}`}</div>
        <div class="sub">${p.serial} · ${t('renovation.passValid', { d: date(p.valid_until) })}${p.deposit_fen > 0 ? ' · ' + yuan(p.deposit_fen) : ''}</div></div>
      <span class=${'chip ' + (p.returned_at ? 's-muted' : 's-approved')}>${t(p.returned_at ? 'renovation.passReturned' : 'renovation.passOut')}</span>
    </div></li>`)}</ul>
  </section>`;
}

/** openNotice shows the rectification notice (an authorised HTML page) in a new tab. */
async function openNotice(v) {
  const w = window.open('', '_blank');
  try {
    const res = await fetch(`/api/wuye/violations/${encodeURIComponent(v.id)}/notice`, { headers: { Authorization: pb.authStore.token, 'Accept-Language': lang() } });
    if (!res.ok) throw new Error(t('err.notFound'));
    const url = URL.createObjectURL(new Blob([await res.text()], { type: 'text/html' }));
    if (w) w.location = url; else location.href = url;
  } catch (e) {
    if (w) w.close();
    toast(e.message || t('err.unknown'));
  }
}

function Violations({ rel }) {
  const list = rel.data?.violations;
  return html`<section class="card" aria-labelledby="h-violations" data-testid="renovation-violations">
    <h2 id="h-violations">${t('renovation.violations')}</h2>
    ${rel.loading && !rel.data ? html`<${Loading} />` : rel.error ? html`<${ErrorBox} error=${rel.error} retry=${rel.reload} />`
      : !list || list.length === 0 ? html`<${Empty} text=${t('renovation.violationsNone')} />` : html`
      <ul class="violations">${list.map((v) => html`<li key=${v.id} class=${v.severity}>
        <div class="row between"><strong>${label('violation_kind', v.kind)}</strong>
          <span class="row"><span class=${'chip ' + (v.severity === 'major' ? 's-bad' : 's-warn')}>${t('renovation.severity.' + v.severity)}</span>
          <span class=${'chip ' + (v.status === 'rectified' ? 's-paid' : v.status === 'escalated' ? 's-bad' : 's-issued')}>${t('renovation.vstatus.' + v.status)}</span></span></div>
        <p class="pre">${v.description}</p>
        <dl class="kv reno-kv small">
          ${(v.measures || []).length > 0 && html`<dt>${t('renovation.measures')}</dt><dd>${joinList(v.measures.map((m) => label('measure', m)))}</dd>`}
          ${v.deduct_fen > 0 && html`<dt>${t('renovation.deducted')}</dt><dd class="money">${yuan(v.deduct_fen)}</dd>`}
          ${v.rectify_by && html`<dt>${t('renovation.rectifyBy')}</dt><dd><strong><${When} v=${v.rectify_by} day /></strong></dd>`}
          ${v.recheck_note && html`<dt>${t('renovation.recheck')}</dt><dd>${v.recheck_note}</dd>`}
          <dt>${t('renovation.found')}</dt><dd><${When} v=${v.created} day /></dd>
        </dl>
        ${v.severity === 'major' && html`<button type="button" class="link" onClick=${() => openNotice(v)}>${t('renovation.noticeLink')}</button>`}
      </li>`)}</ul>`}
  </section>`;
}

function Inspections({ r, rel }) {
  const list = rel.data?.inspections || [];
  if (!['permitted', 'suspended', 'completion_requested', 'acceptance_failed', 'accepted', 'closed'].includes(r.status)) return null;
  return html`<section class="card" aria-labelledby="h-inspections">
    <h2 id="h-inspections">${t('renovation.inspections')}</h2>
    ${list.length === 0 ? html`<p class="muted small">${t('renovation.inspectionsNone')}</p>` : html`<ul class="list">${list.map((i) => html`<li key=${i.id}><div class="item">
      <div class="main"><div class="t"><${When} v=${i.inspected_on} day /></div>${i.note && html`<div class="sub">${i.note}</div>`}</div>
      <span class=${'chip ' + (i.result === 'ok' ? 's-paid' : 's-warn')}>${t('renovation.result.' + (i.result || 'ok'))}</span></div></li>`)}</ul>`}
  </section>`;
}
