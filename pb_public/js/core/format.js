// Money is integer fen everywhere; times are shown in office time
// (Asia/Shanghai) whatever the reader's device says.
import { lang } from './i18n.js';

const TZ = 'Asia/Shanghai';

/** yuan formats fen as ¥1,234.50 (negative for reversals). */
export function yuan(fen) {
  const n = Number(fen || 0);
  const sign = n < 0 ? '-' : '';
  const abs = Math.abs(n);
  const whole = Math.floor(abs / 100).toLocaleString('en-US');
  return `${sign}¥${whole}.${String(abs % 100).padStart(2, '0')}`;
}

/** parseDate reads PocketBase's "2026-11-23 06:05:00.000Z" and ISO strings. */
export function parseDate(v) {
  if (!v) return null;
  if (v instanceof Date) return v;
  const d = new Date(String(v).replace(' ', 'T'));
  return isNaN(d) ? null : d;
}

function parts(v) {
  const d = parseDate(v);
  if (!d) return null;
  const p = {};
  for (const { type, value } of new Intl.DateTimeFormat('en-CA', {
    timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(d)) p[type] = value;
  return p;
}

/** dateTime: 2026-11-23 14:05 in Shanghai time. */
export function dateTime(v) {
  const p = parts(v);
  return p ? `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}` : '';
}

/** date: 2026-11-23; a plain date string (a civil date) passes through. */
export function date(v) {
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)) return v;
  const p = parts(v);
  return p ? `${p.year}-${p.month}-${p.day}` : '';
}

/** today is the office's civil date, YYYY-MM-DD. */
export const today = () => date(new Date());

/** ago: "3 分钟前" / "3 min ago", for live lists. */
export function ago(v) {
  const d = parseDate(v);
  if (!d) return '';
  const s = Math.round((Date.now() - d.getTime()) / 1000);
  const zh = lang() !== 'en';
  if (s < 60) return zh ? '刚刚' : 'just now';
  if (s < 3600) return zh ? `${Math.floor(s / 60)} 分钟前` : `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return zh ? `${Math.floor(s / 3600)} 小时前` : `${Math.floor(s / 3600)} h ago`;
  return dateTime(v);
}

/**
 * unitName: "1栋 101" from a unit with its building expanded; in English
 * "Bldg 1, Unit 101" (the building's code: its name is Chinese).
 */
export function unitName(unit) {
  if (!unit) return '';
  const b = unit.expand?.building;
  if (lang() === 'en') return b ? `Bldg ${b.code || b.name}, Unit ${unit.number}` : `Unit ${unit.number}`;
  return b ? `${b.name || b.code} ${unit.number}` : unit.number;
}

/** perUnit: "¥30.00 / 次" — a price per its unit of sale ("¥30.00 / item" in English, "¥2.00 / m²"). */
export function perUnit(fen, unit) {
  if (!unit) return yuan(fen);
  const en = { '次': 'item', '个': 'piece', '小时': 'hour', '台': 'unit', '套': 'set', '件': 'item', '米': 'm', '平方米': 'm²', '天': 'day', '月': 'month', '份': 'copy', '页': 'page', '张': 'sheet', '户': 'household', '扇': 'door', '处': 'spot' };
  return `${yuan(fen)} / ${lang() === 'en' ? en[unit] || unit : unit}`;
}

/** owed is what a bill still asks for (hooks/fees_payments.go outstanding). */
export const owed = (b) => (b.amount_fen || 0) - (b.discount_fen || 0) + (b.late_fee_fen || 0) - (b.paid_fen || 0);

/**
 * parseYuan reads an amount as typed ("1,234.5", "¥20", "12.50元") as
 * integer fen, exactly (no floating point); NaN when it is not an amount.
 * An empty field is NaN too, unless empty says what it means (e.g. 0).
 */
export function parseYuan(text, empty = NaN) {
  const s = String(text ?? '').trim().replace(/[,，\s¥￥元]/g, '');
  if (s === '') return empty;
  const m = /^(\d{1,10})(?:\.(\d{0,2}))?$/.exec(s);
  if (!m) return NaN;
  return Number(m[1]) * 100 + Number((m[2] || '').padEnd(2, '0'));
}

/** fromOffice reads a datetime-local value as office time (Asia/Shanghai, no DST). */
export const fromOffice = (v) => (v ? new Date(v + ':00+08:00').toISOString() : '');
