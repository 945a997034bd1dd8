// What the cashier's screens share (收费, docs/DESIGN.md § Fees).
import { html } from '../../core/html.js';
import { t, addMessages, label } from '../../core/i18n.js';
import { yuan } from '../../core/format.js';

addMessages({
  'cashier.colon': ['：', ': '],
  'cashier.service': ['有偿服务 {source}', 'Paid service {source}'],
  'cashier.otherItem': ['其它费用', 'Other charge'],
  'cashier.method': ['付款方式', 'Method'],
  'cashier.payer': ['交款人', 'Paid by'],
  'cashier.done': ['已收款 {amount}，收据号 {serial}', 'Received {amount}, receipt {serial}'],
  'cashier.reverses': ['冲正收据 {serial}', 'Reverses {serial}'],
  'cashier.reversed': ['已冲正，冲正收据号 {serial}', 'Reversed: receipt {serial}'],
});

/** billItem names what a bill is for. */
export function billItem(b) {
  if (b.expand?.fee_item?.name) return b.expand.fee_item.name;
  return b.source ? t('cashier.service', { source: b.source }) : t('cashier.otherItem');
}

export const Money = ({ fen, strong }) => html`<span class=${'money' + (fen < 0 ? ' neg' : '') + (strong ? ' strong' : '')}>${yuan(fen)}</span>`;

export const RELATIONS = ['owner', 'tenant', 'family'];

addMessages({
  'ladder.undelivered': ['待送达', 'to deliver'],
  'ladder.payBy': ['期限 {d}', 'pay by {d}'],
});

const STEPS = ['area_manager', 'supervisor', 'director'];

/**
 * loadLadder reads where each open bill of a unit stands on the arrears
 * ladder (docs/DESIGN.md § Fees): its notices and its home visits.
 */
export async function loadLadder(pb, unitId) {
  const open = '(bill.status = "issued" || bill.status = "partially_paid")';
  const [reminders, visits] = await Promise.all([
    pb.collection('reminders').getFullList({ filter: pb.filter(`unit = {:u} && ${open}`, { u: unitId }), fields: 'bill,stage,delivered_at,deadline' }),
    pb.collection('arrears_visits').getFullList({ filter: pb.filter(`unit = {:u} && ${open}`, { u: unitId }), fields: 'bill,step,status,outcome,deadline' }),
  ]);
  return { reminders, visits };
}

/**
 * ladderText is a bill's stage on the ladder: the notice it stands at, 待送达
 * until the notice is delivered (the ladder waits for it) or its deadline
 * after; past the notices, the latest home visit and how it went.
 */
export function ladderText(b, ladder) {
  const stage = b.reminder_stage;
  if (!stage) return '';
  const parts = [label('reminder_stage', stage)];
  if (stage !== 'escalated') {
    const r = ladder?.reminders.find((x) => x.bill === b.id && x.stage === stage);
    if (r) parts.push(r.delivered_at ? t('ladder.payBy', { d: r.deadline }) : t('ladder.undelivered'));
    return parts.join(' · ');
  }
  const v = (ladder?.visits || []).filter((x) => x.bill === b.id).sort((x, y) => STEPS.indexOf(y.step) - STEPS.indexOf(x.step))[0];
  if (!v) return parts.join(' · ');
  return [label('arrears_step', v.step), v.outcome ? label('arrears_outcome', v.outcome) : label('arrears_status', v.status),
    v.status === 'recorded' && v.deadline ? t('ladder.payBy', { d: v.deadline }) : ''].filter(Boolean).join(' · ');
}
