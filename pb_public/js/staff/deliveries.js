// The delivery log (#/deliveries, 消息发送记录) of the supervisor and the
// director: every message the outbox sent or is sending for the community —
// by text, e-mail, WeChat or browser push, and in the app — with its status, attempts and
// last error, filtered by status and channel; a failed one is sent again
// from here (POST /api/wuye/deliveries/{id}/retry; docs/DESIGN.md
// § Notifications and deliveries). Also each staff member's own
// preferences (#/my-notifications).
import { html, useState } from '../core/html.js';
import { pb } from '../core/api.js';
import { t, addMessages } from '../core/i18n.js';
import { Loading, ErrorBox, Empty, When, useAsync, useAction, toast } from '../core/ui.js';
import { NotificationPrefs } from '../core/notify_prefs.js';

addMessages({
  'deliveries.title': ['消息发送记录', 'Delivery log'],
  'deliveries.status': ['状态', 'Status'],
  'deliveries.channel': ['渠道', 'Channel'],
  'deliveries.all': ['全部', 'All'],
  'deliveries.to': ['发送到', 'To'],
  'deliveries.kind': ['事项', 'Kind'],
  'deliveries.attempts': ['尝试次数', 'Attempts'],
  'deliveries.next': ['下次发送', 'Next attempt'],
  'deliveries.error': ['最近错误', 'Last error'],
  'deliveries.created': ['生成时间', 'Written'],
  'deliveries.retry': ['重新发送', 'Send again'],
  'deliveries.retried': ['已重新排队发送', 'Queued to send again'],
  'deliveries.hint': ['短信、邮件、微信、推送在 22:00–08:00 不发送（急修和紧急事件除外），失败后按 1、2、4…分钟重试，6 次仍失败标为“失败”（浏览器已取消的推送订阅直接标为失败）。',
    'Texts, mails, WeChat messages and pushes wait out 22:00–08:00 (urgent repairs and emergencies excepted); a failure is retried after 1, 2, 4 … minutes and marked failed after 6 tries (a push to a browser that dropped its subscription fails at once).'],
  'dstatus.pending': ['待发送', 'Pending'],
  'dstatus.sent': ['已发送', 'Sent'],
  'dstatus.failed': ['失败', 'Failed'],
  'myNotify.title': ['我的通知设置', 'My notifications'],
});

const STATUSES = ['pending', 'sent', 'failed'];
const CHANNELS = ['inapp', 'sms', 'email', 'wechat', 'webpush'];

export function DeliveryLog({ community }) {
  const [status, setStatus] = useState('failed');
  const [channel, setChannel] = useState('');
  const list = useAsync(() => {
    const parts = ['community = {:c}'];
    if (status) parts.push('status = {:s}');
    if (channel) parts.push('channel = {:ch}');
    return pb.collection('deliveries').getList(1, 100, {
      filter: pb.filter(parts.join(' && '), { c: community.id, s: status, ch: channel }), sort: '-created',
      expand: 'notification,recipient_staff,recipient_resident',
    });
  }, [community.id, status, channel]);
  const act = useAction();
  const retry = async (d) => {
    const ok = await act.run(() => pb.send(`/api/wuye/deliveries/${d.id}/retry`, { method: 'POST' }));
    if (ok) { toast(t('deliveries.retried')); list.reload(); }
  };
  const items = list.data?.items || [];
  return html`
    <h1>${t('deliveries.title')} · ${community.name}</h1>
    <p class="muted small">${t('deliveries.hint')}</p>
    <div class="card filters" role="group" aria-label=${t('deliveries.title')}>
      <label>${t('deliveries.status')} <select value=${status} onChange=${(e) => setStatus(e.target.value)} data-testid="delivery-status">
        <option value="">${t('deliveries.all')}</option>${STATUSES.map((s) => html`<option value=${s}>${t('dstatus.' + s)}</option>`)}</select></label>
      <label>${t('deliveries.channel')} <select value=${channel} onChange=${(e) => setChannel(e.target.value)} data-testid="delivery-channel">
        <option value="">${t('deliveries.all')}</option>${CHANNELS.map((c) => html`<option value=${c}>${t('channel.' + c)}</option>`)}</select></label>
    </div>
    <${ErrorBox} error=${act.error} />
    ${list.loading && !list.data ? html`<${Loading} />` : list.error ? html`<${ErrorBox} error=${list.error} retry=${list.reload} />`
      : items.length === 0 ? html`<${Empty} />` : html`<div class="card table-wrap"><table class="table" data-testid="delivery-log">
        <thead><tr><th>${t('deliveries.created')}</th><th>${t('deliveries.channel')}</th><th>${t('deliveries.to')}</th><th>${t('deliveries.kind')}</th>
          <th>${t('deliveries.status')}</th><th>${t('deliveries.attempts')}</th><th>${t('deliveries.next')}</th><th>${t('deliveries.error')}</th><th></th></tr></thead>
        <tbody>${items.map((d) => {
          const who = d.expand?.recipient_resident || d.expand?.recipient_staff;
          return html`<tr key=${d.id} data-status=${d.status}>
            <td><${When} v=${d.created} /></td><td>${t('channel.' + d.channel)}</td>
            <td>${who?.name || ''} <span class="muted">${d.to}</span></td>
            <td title=${d.kind}>${d.expand?.notification?.title || d.kind}</td>
            <td><span class=${'chip s-' + (d.status === 'failed' ? 'warn' : d.status)}>${t('dstatus.' + d.status)}</span></td>
            <td class="num">${d.attempts || 0}</td><td>${d.status === 'pending' ? html`<${When} v=${d.next_attempt_at} />` : ''}</td>
            <td class="small">${d.last_error}</td>
            <td>${d.status === 'failed' && html`<button type="button" disabled=${act.busy} onClick=${() => retry(d)}>${t('deliveries.retry')}</button>`}</td>
          </tr>`;
        })}</tbody></table></div>`}`;
}

export function MyNotifications({ me }) {
  return html`<h1>${t('myNotify.title')}</h1><${NotificationPrefs} me=${me} />`;
}
