// What the complaint screens share (docs/DESIGN.md § Complaints): the open
// statuses, the deadline clocks, the level chip, and the search test.
import { html } from '../../core/html.js';
import { t, addMessages, label, lang } from '../../core/i18n.js';
import { dateTime, unitName, parseDate } from '../../core/format.js';
import { duration } from '../../core/durations.js';

addMessages({
  'cp.mine': ['我处理的投诉', 'Complaints I handle'],
  'cp.toRevisits': ['去回访', 'Open revisits'],
  'cp.hotChip': ['热点组', 'Hot group'],
  'cp.why': ['归组原因：', 'Grouped because: '],
  'cp.whyCategory': ['同类“{c}”', 'same category ({c})'],
  'cp.whyPlace': ['同一地点', 'same place'],
  'cp.whyWords': ['都提到“{w}”', 'all mention “{w}”'],
  'cp.anonymous': ['匿名', 'Anonymous'],
  'cp.aboutCenter': ['投诉客服中心', 'About the service center'],
  'cp.firstLeft': ['{t}内首次回应', 'first response within {t}'],
  'cp.firstOver': ['首次回应已超时 {t}', 'first response {t} overdue'],
  'cp.replyLeft': ['{t}内答复', 'reply within {t}'],
  'cp.replyOver': ['答复已超时 {t}', 'reply {t} overdue'],
  'cp.flagged': ['已升级', 'escalated'],
  'cp.noHandler': ['未指定处理人', 'No handler'],
  'case.category': ['类别', 'Category'],
  'case.level': ['级别', 'Level'],
  'case.handler': ['处理人', 'Handler'],
  'case.department': ['处理部门', 'Department'],
});

export const OPEN = ['received', 'assigned', 'processing', 'replied', 'revisited'];
export const GRADED = ['major', 'hot', 'collective'];
export const EXPAND = 'unit.building,building,handler';
export const CASE_EXPAND = 'unit.building,building,handler,receiver,subject_staff';
// The department a handler usually works for, to pre-fill the assignment.
export const DEPT_BY_ROLE = { engineer: 'engineering', technician: 'engineering', security: 'security' };
export const UNIT_RE = /^([A-Za-z0-9]{1,6})\s*(?:-|－|栋|#|号楼|\s)\s*([A-Za-z0-9]{1,8})$/;

/** hidden: an anonymous complaint the server withholds the complainant of. */
export const hidden = (c) => !('contact_name' in c);

/** placeOf names where a complaint is about: the unit, a place, or 匿名. */
export function placeOf(c) {
  if (c.expand?.unit) return unitName(c.expand.unit);
  if (c.location) return c.location;
  if (hidden(c) && c.anonymous) return t('cp.anonymous');
  return c.expand?.building?.name || '';
}

/**
 * hotWhy says why complaints were grouped (their stored hot_reason: the
 * category, the same place, the words they share), for one complaint or
 * merged over a group.
 */
export function hotWhy(list) {
  const rs = (Array.isArray(list) ? list : [list]).map((c) => c?.hot_reason).filter(Boolean);
  if (!rs.length) return '';
  const words = [...new Set(rs.flatMap((r) => r.keywords || []))];
  const parts = [t('cp.whyCategory', { c: label('complaint_category', rs[0].category) })];
  if (rs.some((r) => r.same_location)) parts.push(t('cp.whyPlace'));
  if (words.length) parts.push(t('cp.whyWords', { w: words.join(lang() === 'en' ? '”, “' : '”“') }));
  return t('cp.why') + parts.join(' · ');
}

/** Clock counts down to a deadline; red once past it or flagged overdue. */
export function Clock({ due, flagged, now, kind }) {
  const d = parseDate(due);
  if (!d) return null;
  const left = d.getTime() - now;
  const over = flagged || left < 0;
  const cls = 'clock' + (over ? ' over' : left < 2 * 3600 * 1000 ? ' soon' : '');
  return html`<span class=${cls} role="timer" title=${dateTime(due)}>
    ${t(over ? `cp.${kind}Over` : `cp.${kind}Left`, { t: duration(left) })}${flagged ? ` · ${t('cp.flagged')}` : ''}</span>`;
}

export function LevelChip({ c }) {
  if (!c.level || c.level === 'general') return null;
  return html`<span class=${'chip cp-level-' + c.level}>${label('complaint_level', c.level)}</span>`;
}

/** matches: the search box's test, by serial, content, unit or place. */
export function matches(c, q) {
  if (!q) return true;
  const s = q.toLowerCase();
  const u = c.expand?.unit;
  const code = u?.expand?.building?.code;
  const hay = [c.serial, c.content, c.location, placeOf(c), u?.number, code && u ? `${code}-${u.number}` : ''].filter(Boolean).join(' ').toLowerCase();
  if (hay.includes(s)) return true;
  const m = q.match(UNIT_RE);
  return !!(m && u && code && code.toLowerCase() === m[1].toLowerCase() && u.number.toLowerCase() === m[2].toLowerCase());
}
