// A home registration waiting for the resident's answer (issue #16): an
// office that does not serve where the resident lives can only ask; the link
// grants nothing — to the office or to the resident — until confirmed here.
import { html } from '../core/html.js';
import { pb } from '../core/api.js';
import { t, addMessages, label } from '../core/i18n.js';
import { date } from '../core/format.js';
import { ErrorBox, useAsync, useAction, confirmBox, toast } from '../core/ui.js';

addMessages({
  'links.title': ['待您确认的房屋登记', 'Home registrations waiting for you'],
  'links.hint': ['物业服务中心为您登记了下面的房屋。确认后您可以办理该房屋的事务，该小区的物业人员也能看到您的姓名和电话；如果不是您本人的房屋，请拒绝。',
    'The service center registered you for the homes below. Once you confirm, you can use them here and that community\'s staff see your name and phone; if it is not your home, decline.'],
  'links.asked': ['{relation} · 登记于 {date}', '{relation} · registered on {date}'],
  'links.confirm': ['确认', 'Confirm'],
  'links.decline': ['不是我的', 'Not mine'],
  'links.declineAsk': ['拒绝这条房屋登记？', 'Decline this home registration?'],
  'links.confirmed': ['已确认', 'Confirmed'],
  'links.declined': ['已拒绝', 'Declined'],
});

/** PendingLinks lists the resident's links waiting for an answer; onAnswered reloads the units. */
export function PendingLinks({ me, onAnswered }) {
  const list = useAsync(() => pb.send('/api/wuye/links/pending', { method: 'GET' }).then((r) => r.items), [me.id]);
  const act = useAction();
  const answer = (link, confirm) => act.run(async () => {
    if (!confirm && !(await confirmBox({ title: t('links.declineAsk'), ok: t('links.decline'), danger: true }))) return;
    await pb.send(`/api/wuye/links/${encodeURIComponent(link.id)}/${confirm ? 'confirm' : 'decline'}`, { method: 'POST' });
    toast(t(confirm ? 'links.confirmed' : 'links.declined'));
    list.setData((items) => (items || []).filter((x) => x.id !== link.id));
    onAnswered?.();
  });
  const items = list.data || [];
  if (!items.length && !list.error) return null;
  return html`<section class="card" aria-labelledby="h-links" data-testid="pending-links">
    <h2 id="h-links">${t('links.title')}</h2>
    <p class="small muted">${t('links.hint')}</p>
    <${ErrorBox} error=${list.error || act.error} retry=${list.error ? list.reload : undefined} />
    <ul class="list">${items.map((l) => html`<li key=${l.id}><div class="item">
      <div class="main"><div class="t">${l.community} ${l.unit}</div>
        <div class="sub">${t('links.asked', { relation: label('relation', l.relation), date: date(l.created) })}</div></div>
      <div class="row">
        <button type="button" class="primary" disabled=${act.busy} onClick=${() => answer(l, true)}>${t('links.confirm')}</button>
        <button type="button" disabled=${act.busy} onClick=${() => answer(l, false)}>${t('links.decline')}</button>
      </div></div></li>`)}</ul>
  </section>`;
}
