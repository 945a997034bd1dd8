// Countdowns written as durations, not as clock readings: "已超时 12 分钟",
// "7 分钟内回复", "已过预约时间 3 分钟" — a "12:27" on a deadline reads like
// a time of day. One formatter for every staff screen (dispatch board,
// complaints, dashboard, field app), in both languages.
import { t, addMessages } from './i18n.js';
import { parseDate } from './format.js';

addMessages({
  'dur.m': ['{m} 分钟', '{m} min'],
  'dur.hm': ['{h} 小时 {m} 分钟', '{h} h {m} min'],
  'dur.h': ['{h} 小时', '{h} h'],
  'dur.dh': ['{d} 天 {h} 小时', '{d} d {h} h'],
  'dur.d': ['{d} 天', '{d} d'],
  'dur.overdue': ['已超时 {span}', '{span} overdue'],
  'dur.within': ['{span}内', 'within {span}'],
  'dur.in': ['{span}后', 'in {span}'],
  'dur.apptPassed': ['已过预约时间 {span}', 'appointment passed {span} ago'],
});

/**
 * duration writes a span of ms as minutes, hours and minutes, or days and
 * hours ("12 分钟", "1 小时 5 分钟", "2 天 3 小时"); never less than a
 * minute, so that a deadline just passed does not read "0 分钟".
 */
export function duration(ms) {
  const mins = Math.max(1, Math.floor(Math.abs(ms) / 60000));
  if (mins < 60) return t('dur.m', { m: mins });
  const h = Math.floor(mins / 60);
  if (h < 48) return mins % 60 ? t('dur.hm', { h, m: mins % 60 }) : t('dur.h', { h });
  const d = Math.floor(h / 24);
  return h % 24 ? t('dur.dh', { d, h: h % 24 }) : t('dur.d', { d });
}

/**
 * countdown says how a deadline stands at now: {over, text} with text
 * "已超时 12 分钟" once it has passed, else "7 分钟内" (to be followed by
 * what is due: "7 分钟内回复").
 */
export function countdown(due, now = Date.now()) {
  const d = parseDate(due);
  if (!d) return null;
  const left = d.getTime() - now;
  const span = duration(left);
  return left < 0 ? { over: true, left, span, text: t('dur.overdue', { span }) } : { over: false, left, span, text: t('dur.within', { span }) };
}

/**
 * untilAppointment: "10 分钟后" before an appointment, "已过预约时间 3 分钟"
 * after it (never "0 分钟后" for one just passed).
 */
export function untilAppointment(at, now = Date.now()) {
  const d = parseDate(at);
  if (!d) return '';
  const left = d.getTime() - now;
  return left >= 0 ? t('dur.in', { span: duration(left) }) : t('dur.apptPassed', { span: duration(left) });
}
