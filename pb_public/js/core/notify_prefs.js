// A person's notification preferences (notification_preferences, one row
// each, their own): the outbound channels beyond the app — e-mail, text
// message, WeChat, browser push — in general and, for residents, per kind
// of message. Without a row, residents get text messages and staff the app
// alone, and either gets pushes in the browsers they turned them on in
// (hooks/base_outbox.go; the switch is PushSwitch, js/core/push.js). Text,
// mail, WeChat and pushes wait for 08:00 in the quiet hours (22:00–08:00)
// unless urgent.
import { html, useState, useEffect } from './html.js';
import { pb, fieldErrors } from './api.js';
import { t, addMessages } from './i18n.js';
import { Loading, ErrorBox, Field, useAsync, useAction, toast } from './ui.js';
import { PushSwitch } from './push.js';

addMessages({
  'prefs.title': ['消息提醒方式', 'How you are told'],
  'prefs.hint': ['网页内的通知总会显示；这里选择另外通过哪些方式提醒您。22:00–08:00 不发短信、邮件、微信和推送（急修和紧急事件除外），早上 8 点再发。',
    'Notifications always show in the app; choose how else you are told. No texts, mails, WeChat messages or pushes 22:00–08:00 (urgent repairs and emergencies excepted): they go at 08:00.'],
  'prefs.channels': ['提醒方式', 'Channels'],
  'prefs.perKind': ['按事项设置', 'Per kind of message'],
  'prefs.same': ['同上', 'As above'],
  'prefs.off': ['只在网页内', 'In the app only'],
  'prefs.openid': ['微信 openid（关注物业公众号后获得）', 'WeChat openid (from following the office\'s account)'],
  'prefs.saved': ['提醒方式已保存', 'Preferences saved'],
  'prefs.default': ['（尚未设置：住户默认短信提醒，员工默认只在工作台内；开启了推送通知的设备也会收到推送）', '(Not set: residents get texts, staff the workspace only; devices with push notifications on get pushes too)'],
  'channel.email': ['邮件', 'E-mail'],
  'channel.sms': ['短信', 'Text message'],
  'channel.wechat': ['微信消息', 'WeChat message'],
  'channel.webpush': ['浏览器推送', 'Browser push'],
  'channel.inapp': ['网页内', 'In the app'],
  'nkind.quote_to_confirm': ['待确认报价', 'Quote to confirm'],
  'nkind.order_completed': ['完工待签收', 'Work to sign off'],
  'nkind.complaint_assigned': ['投诉已派单', 'Complaint assigned'],
  'nkind.complaint_replied': ['投诉已答复', 'Complaint answered'],
  'nkind.revisit': ['回访登记', 'Revisit recorded'],
  'nkind.bill_issued': ['账单', 'Bills'],
  'nkind.reminder': ['催缴提醒', 'Payment reminders'],
  'nkind.payment_receipt': ['缴费收据', 'Payment receipts'],
  'nkind.renovation_step': ['装修申请进度', 'Renovation steps'],
  'nkind.parcel_arrived': ['快递邮件', 'Parcels and mail'],
  'nkind.notice': ['公告', 'Notices'],
});

// The outbound channels a person may choose (browser push reaches the
// devices they turned it on in).
export const OUTBOUND = ['sms', 'email', 'wechat', 'webpush'];
// The kinds of a resident's notifications, for per-kind choices.
export const RESIDENT_KINDS = ['quote_to_confirm', 'order_completed', 'complaint_assigned', 'complaint_replied', 'revisit', 'bill_issued',
  'reminder', 'payment_receipt', 'renovation_step', 'parcel_arrived', 'notice'];

export function NotificationPrefs({ me }) {
  const field = me.collectionName === 'staff' ? 'recipient_staff' : 'recipient_resident';
  const row = useAsync(() => pb.collection('notification_preferences').getList(1, 1, { filter: pb.filter(`${field} = {:me}`, { me: me.id }) })
    .then((r) => r.items[0] || null), [me.id]);
  const [channels, setChannels] = useState(null);
  const [perKind, setPerKind] = useState({});
  const [openid, setOpenid] = useState('');
  const act = useAction();
  useEffect(() => {
    if (row.data === undefined) return;
    const r = row.data;
    setChannels(r ? r.channels || [] : (field === 'recipient_resident' ? ['sms', 'webpush'] : ['webpush']));
    setPerKind((r && r.kind_channels) || {});
    setOpenid((r && r.wechat_openid) || '');
  }, [row.data]);
  if (row.loading && row.data === undefined) return html`<${Loading} />`;
  if (row.error) return html`<${ErrorBox} error=${row.error} retry=${row.reload} />`;
  if (channels === null) return html`<${Loading} />`;
  const toggle = (list, c) => (list.includes(c) ? list.filter((x) => x !== c) : [...list, c]);
  const save = async (e) => {
    e.preventDefault();
    const body = { channels, kind_channels: perKind, wechat_openid: openid.trim() };
    const saved = await act.run(() => (row.data ? pb.collection('notification_preferences').update(row.data.id, body)
      : pb.collection('notification_preferences').create({ ...body, [field]: me.id })));
    if (saved) { row.setData(saved); toast(t('prefs.saved')); }
  };
  const errs = fieldErrors(act.error);
  // Turning pushes on is the wish for them: a saved choice without push gains it.
  const pushOn = async () => {
    if (!row.data || (row.data.channels || []).includes('webpush')) return;
    const saved = await pb.collection('notification_preferences').update(row.data.id, { channels: [...(row.data.channels || []), 'webpush'] });
    row.setData(saved);
  };
  return html`<${PushSwitch} me=${me} onOn=${pushOn} />
  <form class="card stack" onSubmit=${save} data-testid="notification-prefs" aria-labelledby="h-prefs">
    <h2 id="h-prefs">${t('prefs.title')}</h2>
    <small class="hint">${t('prefs.hint')}${!row.data ? ' ' + t('prefs.default') : ''}</small>
    <fieldset disabled=${act.busy}><legend>${t('prefs.channels')}</legend>
      <div class="choices">${OUTBOUND.map((c) => html`<label key=${c}>
        <input type="checkbox" name=${'ch-' + c} checked=${channels.includes(c)} onChange=${() => setChannels(toggle(channels, c))} />${t('channel.' + c)}</label>`)}</div>
    </fieldset>
    ${channels.includes('wechat') && html`<${Field} label=${t('prefs.openid')} error=${errs.wechat_openid}>
      <input value=${openid} maxlength="64" onInput=${(e) => setOpenid(e.target.value)} /></${Field}>`}
    ${field === 'recipient_resident' && html`<details><summary>${t('prefs.perKind')}</summary>
      <table class="table small"><tbody>${RESIDENT_KINDS.map((k) => {
        const own = perKind[k];
        const set = (v) => { const next = { ...perKind }; if (v === null) delete next[k]; else next[k] = v; setPerKind(next); };
        return html`<tr key=${k}><th scope="row">${t('nkind.' + k)}</th><td>
          <label><input type="checkbox" checked=${own === undefined} onChange=${() => set(own === undefined ? [...channels] : null)} />${t('prefs.same')}</label>
          ${own !== undefined && OUTBOUND.map((c) => html`<label key=${c}><input type="checkbox" checked=${own.includes(c)} onChange=${() => set(toggle(own, c))} />${t('channel.' + c)}</label>`)}
          ${own !== undefined && own.length === 0 && html`<span class="muted"> ${t('prefs.off')}</span>`}
        </td></tr>`;
      })}</tbody></table></details>`}
    <${ErrorBox} error=${act.error} />
    <div><button class="primary" disabled=${act.busy}>${t('save')}</button></div>
  </form>`;
}
