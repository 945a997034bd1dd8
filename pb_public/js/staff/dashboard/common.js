// What the supervisor's and director's dashboard and the monthly report
// share: months and quarters, percentages, the month picker, and the
// statistics routes.
import { html, useState } from '../../core/html.js';
import { pb } from '../../core/api.js';
import { t, lang, addMessages } from '../../core/i18n.js';
import { today } from '../../core/format.js';
import { Field } from '../../core/ui.js';
import { countdown } from '../../core/durations.js';

addMessages({
  'dash.month': ['统计月份', 'Month'],
  'kpi.reply15': ['报修 15 分钟回复率', '15-minute replies'],
  'kpi.arrival': ['准时到场率', 'On-time arrivals'],
  'kpi.rework': ['返工率', 'Rework rate'],
  'kpi.homeVisit': ['上门回访比例', 'Home-visit revisits'],
  'kpi.orderSatisfaction': ['维修回访满意度', 'Repair satisfaction'],
  'kpi.collection': ['当期收缴率', 'Collection rate'],
  'kpi.recovery': ['清欠率', 'Arrears recovery'],
  'kpi.patrol': ['空置房巡查完成率', 'Vacant-unit patrols done'],
  'dash.leftIn': ['还剩 {span}', '{span} left'],
  'dash.overdueBy': ['已超时 {span}', '{span} late'],
});

// Figures come from the statistics routes, all SQL aggregates on the server:
// /api/stats/dashboard (patrols, renovation reviews, deadlines, report
// numbers), /api/stats/complaints, /api/stats/work-orders, /api/stats/fees and
// /api/stats/trends.

const thisMonth = () => today().slice(0, 7);
const isMonth = (m) => /^\d{4}-(0[1-9]|1[0-2])$/.test(m || '');
/** quarterOf: 2026-11 → 2026-Q4, the fee cycle the month belongs to. */
export const quarterOf = (m) => `${m.slice(0, 4)}-Q${Math.floor((Number(m.slice(5, 7)) - 1) / 3) + 1}`;
export const monthLabel = (m) => (lang() === 'en' ? m : `${m.slice(0, 4)}年${Number(m.slice(5, 7))}月`);

/** pct: 0.9286 → 92.9%; null → —. */
export function pct(v) {
  if (v === null || v === undefined) return '—';
  return `${(Math.round(v * 1000) / 10).toFixed(1).replace(/\.0$/, '')}%`;
}

export const stats = (path, query) => pb.send('/api/stats/' + path, { method: 'GET', query });

/** fileName reads the file name of a Content-Disposition: the UTF-8 filename* (投诉_2026-12.xlsx), else filename. */
export function fileName(disposition, fallback) {
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition || '')?.[1];
  if (star) {
    try { return decodeURIComponent(star); } catch { /* a bad escape: the plain name */ }
  }
  return /filename="([^"]+)"/.exec(disposition || '')?.[1] || fallback;
}

/** download fetches an export (/api/wuye/exports/…) with the session's token and saves the file. */
export async function download(kind, params) {
  const res = await fetch(`/api/wuye/exports/${kind}?${new URLSearchParams(params)}`, {
    headers: { Authorization: pb.authStore.token, 'Accept-Language': lang() },
  });
  if (!res.ok) {
    let message = '';
    try { message = (await res.json()).message; } catch { /* not JSON */ }
    throw new Error(message || t(res.status === 403 ? 'err.forbidden' : 'err.unknown'));
  }
  const blob = await res.blob();
  const name = fileName(res.headers.get('Content-Disposition'), `${kind}.xlsx`);
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30000);
  return name;
}

/** verdict: 'ok' when value meets target, 'bad' when not, 'none' without data or target. */
export function verdict(value, target, better) {
  if (value === null || value === undefined || target === undefined) return 'none';
  return (better === 'lower' ? value <= target : value >= target) ? 'ok' : 'bad';
}

/** remaining: "还剩 12 分钟" / "已超时 2 小时 5 分" from due to now. */
export function remaining(due, now) {
  const c = countdown(due, now);
  if (!c) return '';
  return c.over ? t('dash.overdueBy', { span: c.span }) : t('dash.leftIn', { span: c.span });
}

/** useMonth keeps the chosen month, starting from ?month= or this month. */
export function useMonth(query) {
  const start = query?.get('month');
  return useState(isMonth(start) ? start : thisMonth());
}

export function MonthPicker({ month, setMonth, id }) {
  return html`<${Field} label=${t('dash.month')}>
    <input type="month" id=${id} value=${month} max=${thisMonth()} required
      onChange=${(e) => { if (isMonth(e.target.value)) setMonth(e.target.value); }} />
  <//>`;
}
