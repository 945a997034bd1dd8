// The notification bell in both shells: the signed-in person's unread
// notifications (escalations, assignments, overdue flags …), live, each
// linking to what it is about, marked read when opened.
import { html, useState, useEffect, useRef } from './html.js';
import { pb } from './api.js';
import { t, addMessages } from './i18n.js';
import { ago } from './format.js';
import { Icon } from './icons.js';
import { navigate } from './ui.js';
import { useUnreadNotes } from './notes.js';

addMessages({
  'bell.label': ['通知', 'Notifications'],
  'bell.unread': ['{n} 条未读通知', '{n} unread notifications'],
  'bell.none': ['没有新通知', 'No new notifications'],
  'bell.allRead': ['全部标为已读', 'Mark all read'],
  'bell.all': ['全部消息', 'All messages'],
});

// What the bell shows of a notification (and the link it opens).
const BELL_FIELDS = 'id,title,body,created,subject_collection,subject_id';

/**
 * NotificationBell shows the recipient's unread notifications; linkFor maps
 * a notification's subject (collection, id) to a route of the page;
 * allHref, when given, is the page of every message.
 */
export function NotificationBell({ me, linkFor, allHref }) {
  const [open, setOpen] = useState(false);
  const field = me.collectionName === 'staff' ? 'recipient_staff' : 'recipient_resident';
  const filter = pb.filter(`${field} = {:me} && read = false`, { me: me.id });
  // Only the fields the bell shows: every change that reaches the
  // recipient re-reads this list (BENCHMARKS.md § Realtime).
  // The recipient's own topic (resident/<id> or employee/<id>) carries their
  // notifications, a new one whole (useUnreadNotes: no re-read); a burst of
  // other changes (a batch of escalations, marks read) is one re-read of the
  // unread list and its count.
  const list = useUnreadNotes(me, () => pb.collection('notifications').getList(1, 20, { filter, sort: '-created', fields: BELL_FIELDS }));
  const panel = useRef();
  useEffect(() => {
    if (!open) return undefined;
    const close = (e) => { if (!panel.current?.contains(e.target)) setOpen(false); };
    const esc = (e) => { if (e.key === 'Escape') setOpen(false); };
    addEventListener('pointerdown', close);
    addEventListener('keydown', esc);
    return () => { removeEventListener('pointerdown', close); removeEventListener('keydown', esc); };
  }, [open]);
  const items = list.data?.items || [];
  const n = list.data?.totalItems || 0;
  const read = (ids) => Promise.all(ids.map((id) => pb.collection('notifications').update(id, { read: true }))).finally(list.reload);
  const go = (item) => {
    setOpen(false);
    read([item.id]);
    const to = linkFor(item.subject_collection, item.subject_id);
    if (to) navigate(to);
  };
  return html`<div class="bell" ref=${panel}>
    <button type="button" class="bell-btn" aria-expanded=${open} aria-label=${n ? t('bell.unread', { n }) : t('bell.label')} onClick=${() => setOpen(!open)}>
      <${Icon} name="bell" />${n > 0 && html`<span class="badge" data-testid="bell-count">${n > 99 ? '99+' : n}</span>`}
    </button>
    ${open && html`<div class="bell-panel" role="dialog" aria-label=${t('bell.label')}>
      ${items.length === 0 ? html`<p class="muted small">${t('bell.none')}</p>` : html`
        <ul class="list">${items.map((x) => html`<li key=${x.id}><button type="button" class="bell-item" onClick=${() => go(x)}>
          <span class="t">${x.title}</span>${x.body && html`<span class="sub">${x.body}</span>`}<span class="sub">${ago(x.created)}</span>
        </button></li>`)}</ul>
        <button type="button" class="link small" onClick=${() => read(items.map((x) => x.id))}>${t('bell.allRead')}</button>`}
      ${allHref && html`<a class="small" href=${allHref} onClick=${() => setOpen(false)} data-testid="bell-all">${t('bell.all')}</a>`}
    </div>`}
  </div>`;
}
