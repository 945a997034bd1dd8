// Messages (#/messages, 消息): every notification the resident received —
// what waits for them, bills, parcels, notices — newest first, live, each
// leading to its record and marked read when opened; and how they want to
// be told besides (the preferences, js/core/notify_prefs.js).
import { html } from '../core/html.js';
import { pb } from '../core/api.js';
import { t, addMessages } from '../core/i18n.js';
import { ago } from '../core/format.js';
import { Loading, ErrorBox, Empty, useAsync, navigate } from '../core/ui.js';
import { useMyTopic, useCoalesce, LIST_WINDOW } from '../core/realtime.js';
import { NotificationPrefs } from '../core/notify_prefs.js';

addMessages({
  'inbox.title': ['消息', 'Messages'],
  'inbox.unread': ['未读', 'Unread'],
  'inbox.allRead': ['全部标为已读', 'Mark all read'],
  'inbox.more': ['更多', 'More'],
});

export function Inbox({ me, linkFor }) {
  const list = useAsync(() => pb.collection('notifications').getList(1, 50, {
    filter: pb.filter('recipient_resident = {:me}', { me: me.id }), sort: '-created',
  }), [me.id]);
  const changed = useCoalesce(() => list.reload(), LIST_WINDOW);
  useMyTopic(changed, { collections: ['notifications'], onReconnect: list.reload }, [me.id]);
  const items = list.data?.items || [];
  const unread = items.filter((x) => !x.read);
  const read = (ids) => Promise.all(ids.map((id) => pb.collection('notifications').update(id, { read: true }))).finally(list.reload);
  const open = (x) => {
    if (!x.read) read([x.id]);
    const to = linkFor(x.subject_collection, x.subject_id);
    if (to) navigate(to);
  };
  return html`
    <h1>${t('inbox.title')}</h1>
    <section class="card" aria-labelledby="h-inbox" data-testid="inbox">
      <h2 id="h-inbox">${t('inbox.title')}${unread.length > 0 && html` <span class="badge-n">${unread.length}</span>`}</h2>
      ${list.loading && !list.data ? html`<${Loading} />` : list.error ? html`<${ErrorBox} error=${list.error} retry=${list.reload} />`
        : items.length === 0 ? html`<${Empty} />` : html`<ul class="list">${items.map((x) => html`<li key=${x.id}>
          <button type="button" class=${'item bell-item' + (x.read ? ' muted' : '')} onClick=${() => open(x)} data-read=${x.read ? 'yes' : 'no'}>
            <div class="main"><div class="t">${!x.read && html`<span class="chip s-warn">${t('inbox.unread')}</span> `}${x.title}</div>
              ${x.body && html`<div class="sub">${x.body}</div>`}<div class="sub">${ago(x.created)}</div></div>
          </button></li>`)}</ul>
          ${unread.length > 0 && html`<button type="button" class="link small" onClick=${() => read(unread.map((x) => x.id))}>${t('inbox.allRead')}</button>`}`}
    </section>
    <${NotificationPrefs} me=${me} />`;
}
