// The appointment slots offered for a visit: the next working days (the
// office's working-day calendar, GET /api/wuye/calendar/{year}) in 2-hour
// windows, the same in the residents' portal and at the front desk
// (docs/DESIGN.md § Dispatch). The desk may still agree another time with
// a caller; the picker then warns that it is outside the slots.
import { html, useState } from './html.js';
import { pb } from './api.js';
import { t, addMessages, lang } from './i18n.js';
import { today } from './format.js';
import { Loading, ErrorBox, Empty, useAsync } from './ui.js';

addMessages({
  'slot.legend': ['预约上门时间', 'Appointment'],
  'slot.day': ['日期', 'Day'],
  'slot.time': ['时段', 'Time'],
  'slot.hint': ['工作日每 2 小时一个时段，师傅会在时段开始前后准时上门', 'Working days, in 2-hour windows; the technician arrives at the start of the window'],
  'slot.none': ['近期没有可预约的时段，请致电物业服务中心', 'No slots are open soon; please call the service center'],
  'slot.unscheduled': ['{year} 年节假日安排尚未公布，暂按周一至周五排班', 'The {year} holiday schedule is not out yet; Monday to Friday assumed'],
  'slot.today': ['今天', 'Today'],
  'slot.tomorrow': ['明天', 'Tomorrow'],
  'slot.other': ['其他时间（与住户另约）', 'Another time (agreed with the resident)'],
  'slot.clear': ['不预约', 'No appointment'],
  'slot.outside': ['{at} 不在工作日的预约时段内（{windows}）：请与住户确认，并确保有师傅当班。', '{at} is outside the working-day slots ({windows}): confirm it with the resident and make sure a technician is on duty.'],
});

// The 2-hour windows offered on a working day, in office time.
export const WINDOWS = [[8, 10], [10, 12], [14, 16], [16, 18]];
export const SLOT_DAYS = 5; // working days offered
export const LEAD_MS = 60 * 60 * 1000; // a slot must start at least an hour from now
const pad = (n) => String(n).padStart(2, '0');
export const windowsText = () => WINDOWS.map(([a, b]) => `${pad(a)}:00–${pad(b)}:00`).join('、');

/** addDays adds n days to a civil date YYYY-MM-DD. */
export function addDays(day, n) {
  const [y, m, d] = day.split('-').map(Number);
  const x = new Date(Date.UTC(y, m - 1, d + n));
  return `${x.getUTCFullYear()}-${pad(x.getUTCMonth() + 1)}-${pad(x.getUTCDate())}`;
}

/** slotStart is the instant hour:00 on civil day in Shanghai (UTC+8, no DST). */
export function slotStart(day, hour) {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d, hour - 8));
}

/** officeParts: an instant's civil day, hour and minute in Shanghai. */
function officeParts(iso) {
  const d = new Date(iso);
  if (isNaN(d)) return null;
  const local = new Date(d.getTime() + 8 * 3600 * 1000);
  return { day: local.toISOString().slice(0, 10), hour: local.getUTCHours(), minute: local.getUTCMinutes() };
}

/** toOffice writes an instant as a datetime-local value in office time. */
export function toOffice(iso) {
  const p = iso && officeParts(iso);
  return p ? `${p.day}T${pad(p.hour)}:${pad(p.minute)}` : '';
}

function dayLabel(day, first) {
  const [y, m, d] = day.split('-').map(Number);
  const text = new Intl.DateTimeFormat(lang() === 'en' ? 'en-GB' : 'zh-CN', { timeZone: 'UTC', month: 'short', day: 'numeric', weekday: 'short' })
    .format(new Date(Date.UTC(y, m - 1, d)));
  if (day === first) return `${t('slot.today')} ${text}`;
  if (day === addDays(first, 1)) return `${t('slot.tomorrow')} ${text}`;
  return text;
}

/** workingDay: whether day is a working day, given the calendar's exceptions. */
export function workingDay(day, exceptions) {
  if (exceptions.has(day)) return exceptions.get(day);
  const [y, m, d] = day.split('-').map(Number);
  const weekday = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  return weekday !== 0 && weekday !== 6;
}

/**
 * withinSlots: whether the instant iso falls inside a window of a working
 * day (its start up to, not including, its end).
 */
export function withinSlots(iso, exceptions = new Map()) {
  const p = officeParts(iso);
  if (!p) return false;
  const mins = p.hour * 60 + p.minute;
  return workingDay(p.day, exceptions) && WINDOWS.some(([a, b]) => mins >= a * 60 && mins < b * 60);
}

/**
 * loadSlots reads the working-day calendar (the year's exceptions to
 * Monday–Friday) and lists the next working days with their open windows.
 */
export async function loadSlots() {
  const first = today();
  const last = addDays(first, 45);
  const years = [...new Set([first.slice(0, 4), last.slice(0, 4)])];
  const cals = await Promise.all(years.map((y) => pb.send(`/api/wuye/calendar/${y}`, { method: 'GET' })));
  const exceptions = new Map();
  for (const c of cals) for (const e of c.exceptions || []) exceptions.set(e.date, e.working);
  const days = [];
  const earliest = Date.now() + LEAD_MS;
  for (let day = first; days.length < SLOT_DAYS && day <= last; day = addDays(day, 1)) {
    if (!workingDay(day, exceptions)) continue;
    const windows = WINDOWS.map(([from, to]) => ({ start: slotStart(day, from).toISOString(), text: `${pad(from)}:00–${pad(to)}:00` }))
      .filter((w) => Date.parse(w.start) >= earliest);
    if (windows.length) days.push({ day, text: dayLabel(day, first), windows });
  }
  // Say so when an offered day falls in a year without a holiday schedule.
  const unscheduled = cals.filter((c) => !c.scheduled && days.some((d) => d.day.startsWith(String(c.year)))).map((c) => c.year);
  return { days, unscheduled, exceptions };
}

/**
 * SlotPicker: a day, then one of its windows; value is the window's start
 * (an ISO instant). With other, the desk may type another time instead,
 * and is warned when it is outside the working-day slots.
 */
export function SlotPicker({ value, onChange, error, required, legend, other }) {
  const slots = useAsync(loadSlots, []);
  const [day, setDay] = useState('');
  const [typed, setTyped] = useState(false);
  const data = slots.data;
  const offered = data?.days.some((d) => d.windows.some((w) => w.start === value));
  const chosen = data?.days.find((d) => d.day === day) || data?.days.find((d) => d.windows.some((w) => w.start === value));
  const outside = value && data && !withinSlots(value, data.exceptions);
  const showOther = other && (typed || (value && data && !offered));
  return html`<fieldset class="slot-picker">
    <legend>${legend || t('slot.legend')} ${required && html`<b class="req" aria-hidden="true">*</b>`}</legend>
    ${slots.loading && !data ? html`<${Loading} />` : slots.error ? html`<${ErrorBox} error=${slots.error} retry=${slots.reload} />`
      : html`${data.days.length === 0 ? html`<${Empty} text=${t('slot.none')} />` : html`
      <div class="choices" role="radiogroup" aria-label=${(legend || t('slot.legend')) + ' · ' + t('slot.day')}>${data.days.map((d) => html`
        <label key=${d.day}><input type="radio" name="slot_day" value=${d.day} checked=${!showOther && chosen?.day === d.day}
          onChange=${() => { setTyped(false); setDay(d.day); if (!d.windows.some((w) => w.start === value)) onChange(''); }} />${d.text}</label>`)}</div>
      ${chosen && !showOther && html`<div class="choices slot-times" role="radiogroup" aria-label=${(legend || t('slot.legend')) + ' · ' + t('slot.time')}>${chosen.windows.map((w) => html`
        <label key=${w.start}><input type="radio" name="slot_time" value=${w.start} checked=${value === w.start} onChange=${() => onChange(w.start)} />${w.text}</label>`)}</div>`}`}
      ${other && html`<div class="choices slot-other">
        <label><input type="radio" name="slot_day" value="other" checked=${!!showOther} onChange=${() => { setTyped(true); setDay(''); }} />${t('slot.other')}</label>
        ${!required && html`<label><input type="radio" name="slot_day" value="" checked=${!value && !showOther && !day} onChange=${() => { setTyped(false); setDay(''); onChange(''); }} />${t('slot.clear')}</label>`}
      </div>
      ${showOther && html`<input type="datetime-local" name="appointment_at" aria-label=${t('slot.other')} value=${toOffice(value)}
        onInput=${(e) => onChange(e.target.value ? new Date(e.target.value + ':00+08:00').toISOString() : '')} />`}`}
      <small class="hint">${t('slot.hint')}</small>
      ${data.unscheduled.map((y) => html`<small class="hint" key=${y}>${t('slot.unscheduled', { year: y })}</small>`)}
      ${outside && html`<p class="note warn slot-outside" role="status" data-testid="slot-outside">${t('slot.outside', { at: toOffice(value).replace('T', ' '), windows: windowsText() })}</p>`}`}
    ${error && html`<small class="field-error" role="alert">${error}</small>`}
  </fieldset>`;
}
