// What the field app's screens share: the work order collection and its
// expansion, the sums of materials, who the technician is for an order
// (hooks/dispatch.go workOrderActors), its place and how far away its
// appointment is.
import { t, addMessages } from '../../core/i18n.js';
import { parseDate, unitName } from '../../core/format.js';
import { untilAppointment } from '../../core/durations.js';

addMessages({
  'field.accept': ['接单', 'Accept'],
  'field.claim': ['抢单', 'Claim'],
  'field.routineFree': ['常规维修，住户无需付费', 'Routine work: no charge to the resident'],
  'field.materials': ['材料', 'Materials'],
  'field.amount': ['金额', 'Amount'],
  'field.payment': ['付款方式', 'Payment'],
  'field.pending': ['待发送', 'Not sent yet'],
  'field.queued': ['已保存到待发送，联网后按顺序自动发送', 'Saved to the outbox; it is sent, in order, once the connection is back'],
  'field.dismiss': ['知道了', 'Dismiss'],
  'field.act.accepted': ['接单', 'Accept'],
  'field.act.claim': ['抢单', 'Claim'],
});

export const COL = 'work_orders';
export const EXPAND = 'unit.building,community,building,service_item';
export const OUTBOX_KEY = 'wuye.field.outbox';
export const ALERT_KEY = 'wuye.field.alerts';

// --- money -------------------------------------------------------------------

export const lineFen = (m) => Math.round((Number(m.qty) || 0) * (Number(m.price_fen) || 0));
export const materialsFen = (list) => (list || []).reduce((s, m) => s + lineFen(m), 0);

// --- who I am for an order (hooks/dispatch.go workOrderActors) ---------------

export const poolOrder = (o) => o.status === 'dispatched' && o.dispatch_mode === 'pool' && !o.technician;
export const canClaim = (me, o) => me.role === 'technician' && (me.skills || []).includes(o.category) && (me.communities || []).includes(o.community);

export function actorsFor(me, o) {
  const out = [me.role];
  if (o.technician && o.technician === me.id) out.push('assignee');
  if (poolOrder(o) && canClaim(me, o)) out.push('claimant');
  return out;
}

export const place = (o) => {
  const u = o.expand?.unit;
  if (u) return unitName(u);
  return o.location || o.expand?.building?.name || '';
};

/** until says how far away the appointment is: "10 分钟后" / "已过预约时间 3 分钟" (within 3 hours). */
export function until(v) {
  const d = parseDate(v);
  if (!d || Math.abs(d.getTime() - Date.now()) > 180 * 60000) return '';
  return untilAppointment(d);
}

export const ts = (v) => parseDate(v)?.getTime() || 0;
