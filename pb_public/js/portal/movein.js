// The owner's move-in (入伙, [004] 四 2; docs/DESIGN.md § Move-in (入伙)): where
// it stands, the appointment, what to bring, the repairs found at the
// inspection and the timeline — live. MoveInCard puts it on the home screen
// while one is under way; #/move-in shows them all.
import { html } from '../core/html.js';
import { pb } from '../core/api.js';
import { t, addMessages } from '../core/i18n.js';
import { statusOrder, statusLabel } from '../core/flows.js';
import { Loading, ErrorBox, Empty, Status, When, useAsync } from '../core/ui.js';
import { useMyTopic } from '../core/realtime.js';
import { Timeline } from '../core/timeline.js';

addMessages({
  'pmove.title': ['我的入伙', 'My move-in'],
  'pmove.card': ['入伙办理：{status}', 'Move-in: {status}'],
  'pmove.open': ['查看', 'View'],
  'pmove.appointment': ['预约时间', 'Appointment'],
  'pmove.unbooked': ['请致电物业服务中心预约', 'Call the service center to book'],
  'pmove.notice': ['入伙通知书日期', 'Notice date'],
  'pmove.bring': ['请携带', 'Please bring'],
  'pmove.bring1': ['购房协议原件', 'The purchase contract (original)'],
  'pmove.bring2': ['业主身份证原件', 'Your ID card (original)'],
  'pmove.bring3': ['业主及家庭成员一寸彩照各 2 张', 'Two 1-inch photos of each household member'],
  'pmove.bring4': ['委托他人办理的，带委托书及受托人身份证', 'If someone comes for you: your letter of authority and their ID'],
  'pmove.repairs': ['验房问题整改', 'Repairs from the inspection'],
  'pmove.cleared': ['已复验合格', 'passed'],
  'pmove.pending': ['整改中', 'being repaired'],
  'pmove.steps': ['办理进度', 'Progress'],
  'pmove.timeline': ['办理经过', 'Timeline'],
});

const OPEN = ['notified', 'documents_checked', 'inspected', 'defects_open', 'ready', 'keys_handed'];

/** MoveInCard: the resident's move-in under way, on the home screen. */
export function MoveInCard({ me }) {
  const d = useAsync(() => pb.collection('move_ins').getFullList({ filter: pb.filter('resident = {:r}', { r: me.id }), sort: '-created' }), [me.id]);
  const open = (d.data || []).filter((m) => OPEN.includes(m.status));
  if (!open.length) return null;
  return html`<a class="card link-card" href="#/move-in" data-move-in-card>
    ${open.map((m) => html`<div key=${m.id}>${t('pmove.card', { status: statusLabel('move_ins', m.status) })}
      ${m.appointment_at && html` · <${When} v=${m.appointment_at} />`}</div>`)}
    <span class="small">${t('pmove.open')} ›</span></a>`;
}

export function MoveIns({ me }) {
  const d = useAsync(() => pb.collection('move_ins').getFullList({ filter: pb.filter('resident = {:r}', { r: me.id }), sort: '-created', expand: 'unit.building' }), [me.id]);
  useMyTopic(() => d.reload(), { collections: ['move_ins'], onReconnect: () => d.reload() }, [me.id]);
  if (d.loading && !d.data) return html`<${Loading} />`;
  if (d.error) return html`<${ErrorBox} error=${d.error} retry=${d.reload} />`;
  return html`<h1>${t('pmove.title')}</h1>
    ${d.data.length === 0 ? html`<${Empty} />` : d.data.map((m) => html`<${MoveIn} key=${m.id} m=${m} />`)}`;
}

function MoveIn({ m }) {
  const steps = statusOrder('move_ins').filter((s) => s !== 'cancelled');
  const at = steps.indexOf(m.status);
  const defects = Array.isArray(m.defects) ? m.defects : [];
  return html`<section class="card" data-move-in=${m.id}>
    <h2>${m.expand?.unit?.expand?.building?.name || ''} ${m.expand?.unit?.number || ''} <${Status} col="move_ins" code=${m.status} /></h2>
    <p>${t('pmove.appointment')}：${m.appointment_at ? html`<${When} v=${m.appointment_at} />` : t('pmove.unbooked')} · ${t('pmove.notice')} ${m.notice_date}</p>
    ${m.status !== 'cancelled' && html`<h3>${t('pmove.steps')}</h3>
      <ol class="steps">${steps.map((s, i) => html`<li key=${s} class=${i < at ? 'done' : i === at ? 'current' : ''} aria-current=${i === at ? 'step' : undefined}>${statusLabel('move_ins', s)}</li>`)}</ol>`}
    ${m.status === 'notified' && html`<h3>${t('pmove.bring')}</h3>
      <ul>${['pmove.bring1', 'pmove.bring2', 'pmove.bring3', 'pmove.bring4'].map((k) => html`<li key=${k}>${t(k)}</li>`)}</ul>`}
    ${defects.length > 0 && html`<h3>${t('pmove.repairs')}</h3>
      <ul>${defects.map((x, i) => html`<li key=${i}>${x.description} · ${x.serial || ''} ${x.cleared_at ? t('pmove.cleared') : t('pmove.pending')}</li>`)}</ul>`}
    <h3>${t('pmove.timeline')}</h3>
    <${Timeline} col="move_ins" id=${m.id} version=${m.updated} />
  </section>`;
}
