// The public timeline of a document: its status changes as the events table
// records them (residents see only events marked public and their own).
import { html } from './html.js';
import { pb } from './api.js';
import { t, addMessages } from './i18n.js';
import { dateTime } from './format.js';
import { statusLabel } from './flows.js';
import { Loading, ErrorBox, Empty, useAsync } from './ui.js';

addMessages({
  'timeline.created': ['已提交', 'Submitted'],
  'timeline.updated': ['信息已更新', 'Updated'],
  'timeline.reopen': ['不满意，重新处理', 'Reopened after an unsatisfied revisit'],
  'timeline.pass': ['办理施工人员出入证', 'Worker pass issued'],
  'timeline.pass_returned': ['出入证已退还', 'Worker pass returned'],
  'timeline.violation': ['记录装修违规', 'Violation recorded'],
  'timeline.inspection': ['现场巡查', 'Site inspection'],
  'timeline.deposit': ['收取押金', 'Deposit received'],
  'timeline.payment': ['缴费', 'Payment'],
  'timeline.discount': ['费用减免', 'Discount granted'],
  'timeline.reminder': ['催缴通知', 'Payment reminder'],
  'timeline.delivered': ['通知已送达', 'Notice delivered'],
  'timeline.hot_work_requested': ['申请动火证', 'Hot-work permit requested'],
  'timeline.hot_work_approved': ['动火证已批准', 'Hot-work permit approved'],
});

// What an event says: the new status when it changed one, else its action.
function what(col, e) {
  if (e.action === 'create') return t('timeline.created');
  if (e.to) return statusLabel(col, e.to);
  const key = 'timeline.' + e.action;
  return t(key) === key ? t('timeline.updated') : t(key);
}

export function Timeline({ col, id, version }) {
  const ev = useAsync(() => pb.collection('events').getFullList({
    filter: pb.filter('subject_collection = {:col} && subject_id = {:id}', { col, id }), sort: 'created',
  }), [col, id, version]);
  if (ev.loading && !ev.data) return html`<${Loading} />`;
  if (ev.error) return html`<${ErrorBox} error=${ev.error} retry=${ev.reload} />`;
  if (!ev.data.length) return html`<${Empty} />`;
  return html`<ol class="timeline">${ev.data.map((e) => html`<li key=${e.id}>
    <div>${what(col, e)}</div>
    ${e.note && html`<div class="small">${e.note}</div>`}
    <div class="when">${dateTime(e.created)}</div>
  </li>`)}</ol>`;
}

