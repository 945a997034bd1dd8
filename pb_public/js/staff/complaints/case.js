// One complaint's case (#/complaints/:id): its facts, the steps the flow
// table lets this reader take (steps.js), the desk's small edits, the
// other complaints of a hot group, staff-only internal notes and the full
// timeline with who did what (history.js).
import { html, useState } from '../../core/html.js';
import { pb, fieldErrors } from '../../core/api.js';
import { t, addMessages, label } from '../../core/i18n.js';
import { dateTime } from '../../core/format.js';
import { isTerminal } from '../../core/flows.js';
import { Loading, ErrorBox, Empty, Status, Attachments, Field, useAsync, useAction, useNow, confirmBox, toast } from '../../core/ui.js';
import { useRealtime } from '../../core/realtime.js';
import { CASE_EXPAND, hidden, placeOf, Clock, LevelChip, hotWhy } from './common.js';
import { COMPLAINT_DESK } from '../roles.js';
import { StepsPanel, EditPanel } from './steps.js';
import { Notes, StaffTimeline } from './history.js';

addMessages({
  'cp.anonymousChip': ['匿名投诉', 'Anonymous'],
  'cp.anonymousKnown': ['住户要求对其他员工匿名：请勿转告姓名、电话和房号', 'The complainant asked to stay anonymous to other staff: do not pass on the name, phone or unit'],

  'case.back': ['← 投诉处理', '← Complaints'],
  'case.backField': ['← 我的工单', '← My orders'],
  'case.live': ['实时更新', 'Live'],
  'case.details': ['投诉信息', 'Details'],
  'case.channel': ['来源', 'Channel'],
  'case.place': ['房屋 / 地点', 'Unit / place'],
  'case.contact': ['联系人', 'Contact'],
  'case.call': ['拨打', 'Call'],
  'case.content': ['投诉内容', 'Complaint'],
  'case.received': ['受理时间', 'Received'],
  'case.receiver': ['受理人', 'Received by'],
  'case.firstDue': ['首次回应期限', 'First response due'],
  'case.replyDue': ['答复期限', 'Reply due'],
  'case.respondedAt': ['已于 {at} 回应', 'Responded {at}'],
  'case.repliedAt': ['已于 {at} 答复', 'Replied {at}'],
  'case.wasLate': ['曾超时', 'was late'],
  'case.overdue': ['已超时，已升级主管', 'Overdue, escalated'],
  'case.result': ['处理结果', 'Result'],
  'case.satisfaction': ['满意度', 'Satisfaction'],
  'case.revisitNote': ['回访记录', 'Revisit note'],
  'case.reopens': ['重新处理次数', 'Reopened'],
  'case.invalidReason': ['无效原因', 'Reason invalid'],
  'case.subjectStaff': ['被投诉员工', 'Staff concerned'],
  'case.attachments': ['附件', 'Attachments'],
  'case.siblings': ['同一热点组的投诉', 'Same hot group'],
  'case.split': ['移出热点组', 'Take out of the hot group'],
  'case.splitHint': ['这条投诉说的不是同一件事：移出后不再归入热点组，级别恢复为一般（如因归组才成为热点）；剩余不足阈值的组随之解散。', 'This complaint is about something else: it leaves the group for good and is graded general again (if it was hot only by the grouping); a group left below the threshold dissolves.'],
  'case.splitReason': ['拆分原因', 'Why it is not the same matter'],
  'case.splitConfirm': ['把 {serial} 移出热点组？', 'Take {serial} out of the hot group?'],
  'case.splitDone': ['{serial} 已移出热点组', '{serial} left the hot group'],
  'case.timeline': ['进度（全部记录）', 'Timeline (complete)'],
  'case.choose': ['请选择', 'Choose…'],
});

export function ComplaintCase({ me, community, params }) {
  const id = params.id;
  const rec = useAsync(() => pb.collection('complaints').getOne(id, { expand: CASE_EXPAND }), [id]);
  useRealtime('complaints', id, (e) => { if (e.action !== 'delete') rec.setData(e.record); }, { expand: CASE_EXPAND, onReconnect: rec.reload }, [id]);
  const back = me.role === 'technician' ? html`<p><a href="#/field">${t('case.backField')}</a></p>` : html`<p><a href="#/complaints">${t('case.back')}</a></p>`;
  if (rec.loading && !rec.data) return html`${back}<${Loading} />`;
  if (rec.error) return html`${back}<${ErrorBox} error=${rec.error} retry=${rec.reload} />`;
  const c = rec.data;
  const actors = [me.role, ...(c.handler === me.id ? ['handler'] : [])];
  const desk = COMPLAINT_DESK.includes(me.role);
  const terminal = isTerminal('complaints', c.status);
  return html`
    ${back}
    <div class="cp-case">
      <div class="cp-main">
        <${Facts} c=${c} me=${me} />
        <${StepsPanel} c=${c} me=${me} community=${community} actors=${actors} onSaved=${rec.setData} />
        ${desk && !terminal && html`<${EditPanel} c=${c} community=${community} onSaved=${rec.setData} />`}
        ${c.hot_group && html`<${Siblings} c=${c} me=${me} onSplit=${rec.reload} />`}
      </div>
      <div class="cp-side">
        <${Notes} c=${c} me=${me} />
        <section class="card" aria-labelledby="h-timeline"><h2 id="h-timeline">${t('case.timeline')}</h2>
          <${StaffTimeline} id=${c.id} version=${c.updated} /></section>
      </div>
    </div>`;
}

function Deadline({ due, doneAt, doneKey, flagged, now, kind, open }) {
  if (!due) return html`<span class="muted">—</span>`;
  return html`<span class="row">${dateTime(due)}
    ${doneAt ? html`<span class="chip s-ok cp-done">${t(doneKey, { at: dateTime(doneAt) })}</span>${flagged ? html`<span class="chip s-bad">${t('case.wasLate')}</span>` : ''}`
      : open ? html`<${Clock} due=${due} flagged=${flagged} now=${now} kind=${kind} />` : flagged ? html`<span class="chip s-bad">${t('case.overdue')}</span>` : ''}</span>`;
}

function Facts({ c, me }) {
  const now = useNow(30000);
  const veiled = hidden(c) && c.anonymous;
  const open = !isTerminal('complaints', c.status);
  const staffName = (s) => (s ? `${s.name}（${label('role', s.role)}）` : '');
  return html`<section class="card cp-facts" aria-labelledby="h-case">
    <div class="row between"><h1 id="h-case">${c.serial}</h1>
      <span class="row" data-testid="case-status">${c.hot_group && html`<span class="chip cp-hot">${t('cp.hotChip')}</span>`}<${LevelChip} c=${c} /><${Status} col="complaints" code=${c.status} /></span></div>
    <p class="small muted"><span class="live-dot" aria-hidden="true"></span>${t('case.live')}</p>
    ${c.anonymous && html`<p class="cp-anon small"><span class="chip s-warn">${t('cp.anonymousChip')}</span> ${veiled ? '' : t('cp.anonymousKnown')}</p>`}
    ${c.about_service_center && html`<p><span class="chip s-bad">${t('cp.aboutCenter')}</span>${c.expand?.subject_staff ? html` <span class="small">${t('case.subjectStaff')}：${c.expand.subject_staff.name}</span>` : ''}</p>`}
    <h2 class="cp-content-h">${t('case.content')}</h2>
    <p class="cp-content">${c.content}</p>
    <${Attachments} record=${c} field="attachments" />
    <dl class="kv">
      <dt>${t('case.channel')}</dt><dd>${label('complaint_channel', c.channel)}</dd>
      <dt>${t('case.category')}</dt><dd>${label('complaint_category', c.category)}</dd>
      <dt>${t('case.level')}</dt><dd>${label('complaint_level', c.level)}</dd>
      <dt>${t('case.place')}</dt><dd data-testid="case-place">${placeOf(c) || '—'}</dd>
      <dt>${t('case.contact')}</dt><dd data-testid="case-contact">${veiled ? t('cp.anonymous')
        : html`${c.contact_name}${c.contact_phone ? html` · <a href=${'tel:' + c.contact_phone} aria-label=${t('case.call') + ' ' + c.contact_phone}>${c.contact_phone}</a>` : ''}`}</dd>
      <dt>${t('case.received')}</dt><dd>${dateTime(c.received_at)}</dd>
      ${c.expand?.receiver && html`<dt>${t('case.receiver')}</dt><dd>${c.expand.receiver.name}</dd>`}
      <dt>${t('case.firstDue')}</dt><dd><${Deadline} due=${c.first_response_due} doneAt=${c.first_responded_at} doneKey="case.respondedAt" flagged=${c.first_response_overdue} now=${now} kind="first" open=${c.status === 'received'} /></dd>
      <dt>${t('case.replyDue')}</dt><dd><${Deadline} due=${c.reply_due} doneAt=${c.replied_at} doneKey="case.repliedAt" flagged=${c.reply_overdue} now=${now} kind="reply" open=${open && !c.replied_at} /></dd>
      <dt>${t('case.handler')}</dt><dd data-testid="case-handler">${c.handler ? (staffName(c.expand?.handler) || '—') : t('cp.noHandler')}${c.handler === me.id ? html` <span class="chip s-muted">${t('cp.mine')}</span>` : ''}</dd>
      <dt>${t('case.department')}</dt><dd>${c.department ? label('department', c.department) : '—'}</dd>
      ${c.result && html`<dt>${t('case.result')}</dt><dd class="cp-pre" data-testid="case-result">${c.result}</dd>`}
      ${c.satisfaction && html`<dt>${t('case.satisfaction')}</dt><dd>${label('satisfaction', c.satisfaction)}</dd>`}
      ${c.revisit_note && html`<dt>${t('case.revisitNote')}</dt><dd>${c.revisit_note}</dd>`}
      ${c.reopen_count > 0 && html`<dt>${t('case.reopens')}</dt><dd><span class="chip s-warn">${c.reopen_count}</span></dd>`}
      ${c.invalid_reason && html`<dt>${t('case.invalidReason')}</dt><dd class="cp-pre">${c.invalid_reason}</dd>`}
    </dl>
  </section>`;
}

/**
 * Siblings lists the other complaints of the same hot group with why each
 * was grouped; a supervisor or the director may take this complaint out of
 * a wrong group (POST /api/wuye/complaints/{id}/hot-split).
 */
function Siblings({ c, me, onSplit }) {
  const list = useAsync(() => pb.collection('complaints').getFullList({
    filter: pb.filter('hot_group = {:g} && id != {:id}', { g: c.hot_group, id: c.id }), sort: 'received_at', expand: 'unit.building,building',
  }), [c.hot_group, c.id]);
  const [reason, setReason] = useState('');
  const act = useAction();
  const maySplit = ['supervisor', 'director'].includes(me.role);
  const split = async (e) => {
    e.preventDefault();
    if (!(await confirmBox({ title: t('case.splitConfirm', { serial: c.serial }), body: t('case.splitHint'), ok: t('case.split'), danger: true }))) return;
    const done = await act.run(() => pb.send(`/api/wuye/complaints/${c.id}/hot-split`, { method: 'POST', body: { reason: reason.trim() } }));
    if (done) { toast(t('case.splitDone', { serial: c.serial })); onSplit(); }
  };
  const errs = fieldErrors(act.error);
  return html`<section class="card" aria-labelledby="h-siblings" data-testid="siblings">
    <h2 id="h-siblings">${t('case.siblings')}</h2>
    <p class="small cp-why" data-testid="hot-why">${hotWhy(c)}</p>
    ${list.loading && !list.data ? html`<${Loading} />` : list.error ? html`<${ErrorBox} error=${list.error} retry=${list.reload} />`
      : list.data.length === 0 ? html`<${Empty} />` : html`<ul class="list">${list.data.map((x) => html`<li key=${x.id}>
        <a class="item" href=${'#/complaints/' + x.id}><div class="main"><div class="t">${x.serial} · ${placeOf(x)}</div><div class="sub">${x.content}</div>
          <div class="sub cp-why">${hotWhy(x)}</div></div>
          <${Status} col="complaints" code=${x.status} /></a></li>`)}</ul>`}
    ${maySplit && html`<form class="stack cp-split" onSubmit=${split} novalidate aria-label=${t('case.split')}>
      <p class="small muted">${t('case.splitHint')}</p>
      <${Field} label=${t('case.splitReason')} required error=${errs.reason}>
        <input type="text" name="reason" maxlength="500" value=${reason} onInput=${(e) => setReason(e.target.value)} /><//>
      <${ErrorBox} error=${act.error} />
      <div class="row end"><button class="danger" disabled=${act.busy || !reason.trim()}>${t('case.split')}</button></div>
    </form>`}
  </section>`;
}
