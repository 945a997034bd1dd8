// The public timeline of a document: its status changes as the events table
// records them (residents see only events marked public and their own).
import { html } from '../core/html.js';
import { pb } from '../core/api.js';
import { t, addMessages } from '../core/i18n.js';
import { dateTime } from '../core/format.js';
import { statusLabel } from '../core/flows.js';
import { Loading, ErrorBox, Empty, useAsync } from '../core/ui.js';

addMessages({
  'timeline.created': ['已提交', 'Submitted'],
  'timeline.updated': ['信息已更新', 'Updated'],
});

export function Timeline({ col, id, version }) {
  const ev = useAsync(() => pb.collection('events').getFullList({
    filter: pb.filter('subject_collection = {:col} && subject_id = {:id}', { col, id }), sort: 'created',
  }), [col, id, version]);
  if (ev.loading && !ev.data) return html`<${Loading} />`;
  if (ev.error) return html`<${ErrorBox} error=${ev.error} retry=${ev.reload} />`;
  if (!ev.data.length) return html`<${Empty} />`;
  return html`<ol class="timeline">${ev.data.map((e) => html`<li key=${e.id}>
    <div>${e.action === 'create' ? t('timeline.created') : e.to ? statusLabel(col, e.to) : t('timeline.updated')}</div>
    ${e.note && html`<div class="small">${e.note}</div>`}
    <div class="when">${dateTime(e.created)}</div>
  </li>`)}</ol>`;
}

