// The meter walk (抄表) on a phone: the area manager picks a building and a
// meter, and walks it floor by floor — each unit with its last reading, the
// month's use so far and a big input; "next" on the keyboard saves the
// reading and moves to the next unit. A reading below the last one is
// refused by the server in Chinese (hooks/fees_meter_readings.go) unless a
// meter replacement was recorded (换表, hooks/fees_meter_replacements.go).
// Readings that could not be sent (no signal in a stairwell) wait on the
// phone and are sent again with one tap, or when the connection is back.
import { html, useState, useEffect, useRef } from '../core/html.js';
import { pb, errorText, fieldErrors } from '../core/api.js';
import { t, addMessages } from '../core/i18n.js';
import { today } from '../core/format.js';
import { Loading, ErrorBox, Empty, Field, useAsync, useAction, useOnline, toast } from '../core/ui.js';

addMessages({
  'meters.title': ['抄表', 'Meter walk'],
  'meters.building': ['楼栋', 'Building'],
  'meters.meter': ['表', 'Meter'],
  'meters.day': ['抄表日期', 'Reading date'],
  'meters.last': ['上次 {v}（{on}）', 'Last {v} ({on})'],
  'meters.none': ['尚无读数', 'No reading yet'],
  'meters.used': ['本月用量 {v}', 'This month {v}'],
  'meters.prevUsed': ['上月 {v}', 'Last month {v}'],
  'meters.replaced': ['{on} 换表，新表起数 {v}', 'Replaced {on}, new meter starts at {v}'],
  'meters.reading': ['{unit} 本次读数', '{unit} reading'],
  'meters.save': ['保存', 'Save'],
  'meters.saved': ['已保存', 'Saved'],
  'meters.done': ['本月已抄 {n}/{total}', 'Read this month: {n}/{total}'],
  'meters.pending': ['{n} 条读数待发送', '{n} readings not sent yet'],
  'meters.retry': ['重新发送', 'Send again'],
  'meters.queued': ['网络不通，读数已保存在手机上，联网后点“重新发送”', 'No connection: the reading waits on this phone; tap "Send again" once online'],
  'meters.replace': ['换表', 'Replace meter'],
  'meters.oldFinal': ['旧表最终读数', "Old meter's final reading"],
  'meters.newStart': ['新表起始读数', "New meter's start reading"],
  'meters.replacedOn': ['换表日期', 'Replaced on'],
  'meters.reason': ['换表原因', 'Reason'],
  'meters.meterNo': ['新表表号', 'New meter number'],
  'meters.replaceSave': ['记录换表', 'Record the replacement'],
  'meters.replaceSaved': ['换表已记录', 'Replacement recorded'],
  'meters.cancel': ['取消', 'Cancel'],
  'meters.pick': ['请选择楼栋', 'Pick a building'],
  'meter.water': ['水表', 'Water'],
  'meter.electric': ['电表', 'Electricity'],
  'meter.gas': ['燃气表', 'Gas'],
});

const PENDING_KEY = 'wuye.meters.pending';
const loadPending = () => { try { return JSON.parse(localStorage.getItem(PENDING_KEY) || '[]'); } catch { return []; } };
const savePending = (list) => localStorage.setItem(PENDING_KEY, JSON.stringify(list));
const fmt = (v) => (v === null || v === undefined ? '—' : String(v));

export function Meters({ me, community }) {
  const c = community.id;
  const buildings = useAsync(async () => {
    const filter = me.role === 'area_manager'
      ? pb.filter('community = {:c} && area.manager = {:me}', { c, me: me.id })
      : pb.filter('community = {:c}', { c });
    return pb.collection('buildings').getFullList({ filter, sort: 'code' });
  }, [c]);
  const [building, setBuilding] = useState('');
  const [meter, setMeter] = useState('water');
  const [day, setDay] = useState(today());
  const list = buildings.data || [];
  useEffect(() => { if (!building && list.length === 1) setBuilding(list[0].id); }, [list.length]);
  if (buildings.loading && !buildings.data) return html`<${Loading} />`;
  if (buildings.error) return html`<${ErrorBox} error=${buildings.error} retry=${buildings.reload} />`;
  return html`<div class="meters-screen phone">
    <h1>${t('meters.title')}</h1>
    <div class="card">
      <${Field} label=${t('meters.building')}><select name="building" value=${building} onChange=${(e) => setBuilding(e.target.value)}>
        <option value="">${t('meters.pick')}</option>${list.map((b) => html`<option value=${b.id}>${b.name || b.code}</option>`)}</select></${Field}>
      <div class="chips" role="radiogroup" aria-label=${t('meters.meter')}>
        ${['water', 'electric', 'gas'].map((m) => html`<button type="button" role="radio" aria-checked=${meter === m} class=${'chip' + (meter === m ? ' on' : '')}
          data-meter=${m} onClick=${() => setMeter(m)}>${t('meter.' + m)}</button>`)}
      </div>
      <${Field} label=${t('meters.day')}><input type="date" name="day" value=${day} max=${today()} onChange=${(e) => setDay(e.target.value || today())} /></${Field}>
    </div>
    ${building ? html`<${Walk} key=${building + meter + day} building=${building} meter=${meter} day=${day} />` : html`<${Empty} text=${t('meters.pick')} />`}
  </div>`;
}

function Walk({ building, meter, day }) {
  const walk = useAsync(() => pb.send(`/api/wuye/meters/walk?building=${encodeURIComponent(building)}&meter=${meter}&day=${day}`, {}), [building, meter, day]);
  const [pending, setPending] = useState(loadPending());
  const [errors, setErrors] = useState({});
  const [saved, setSaved] = useState({});
  const [replacing, setReplacing] = useState('');
  const inputs = useRef({});
  const online = useOnline();
  const send = async (p) => pb.collection('meter_readings').create({ unit: p.unit, meter: p.meter, reading: p.reading, read_on: p.read_on });

  const retry = async () => {
    const left = [];
    for (const p of loadPending()) {
      try {
        await send(p);
      } catch (e) {
        if ((e.status ?? 0) === 0) left.push(p);
        else setErrors((x) => ({ ...x, [p.unit]: fieldErrors(e).reading || errorText(e) }));
      }
    }
    savePending(left);
    setPending(left);
    walk.reload();
  };
  useEffect(() => { if (online && loadPending().length) retry(); }, [online]);

  const focusNext = (units, i) => {
    for (let j = i + 1; j < units.length; j++) {
      const el = inputs.current[units[j].id];
      if (el) { el.focus(); el.select?.(); return; }
    }
  };
  const submit = async (units, i) => {
    const u = units[i];
    const el = inputs.current[u.id];
    const v = (el?.value || '').trim();
    if (!v) { focusNext(units, i); return; }
    const p = { unit: u.id, meter, reading: Number(v), read_on: day };
    setErrors((x) => ({ ...x, [u.id]: '' }));
    try {
      await send(p);
      setSaved((x) => ({ ...x, [u.id]: v }));
      el.value = '';
      focusNext(units, i);
      walk.reload();
    } catch (e) {
      if ((e.status ?? 0) === 0) {
        const list = [...loadPending().filter((q) => !(q.unit === p.unit && q.meter === p.meter && q.read_on === p.read_on)), p];
        savePending(list);
        setPending(list);
        setSaved((x) => ({ ...x, [u.id]: v }));
        toast(t('meters.queued'));
        focusNext(units, i);
      } else {
        setErrors((x) => ({ ...x, [u.id]: fieldErrors(e).reading || errorText(e) }));
        el?.focus();
      }
    }
  };

  if (walk.loading && !walk.data) return html`<${Loading} />`;
  if (walk.error) return html`<${ErrorBox} error=${walk.error} retry=${walk.reload} />`;
  const units = walk.data.units || [];
  const done = units.filter((u) => u.read_in_month).length;
  const mine = pending.filter((p) => p.meter === meter);
  return html`<div data-walk=${walk.data.building.code}>
    <p class="muted" data-walk-done>${t('meters.done', { n: done, total: units.length })}</p>
    ${mine.length > 0 && html`<div class="banner" role="status" data-pending>${t('meters.pending', { n: mine.length })}
      <button type="button" class="btn" onClick=${retry}>${t('meters.retry')}</button></div>`}
    ${units.length === 0 ? html`<${Empty} />` : html`<ul class="list meter-walk">${units.map((u, i) => html`<li class="card" key=${u.id} data-walk-unit=${u.number}>
      <div class="row-between"><strong class="big">${u.number}</strong>
        <span class="small muted">${u.last_reading === null ? t('meters.none') : t('meters.last', { v: fmt(u.last_reading), on: u.last_read_on })}</span></div>
      <div class="small">
        ${u.used !== null && html`<span class="chip" data-used>${t('meters.used', { v: fmt(u.used) })}</span>`}
        ${u.prev_used !== null && html` <span class="chip">${t('meters.prevUsed', { v: fmt(u.prev_used) })}</span>`}
        ${u.replaced_on && html` <span class="chip">${t('meters.replaced', { on: u.replaced_on, v: fmt(u.baseline) })}</span>`}
      </div>
      <form class="reading-row" onSubmit=${(e) => { e.preventDefault(); submit(units, i); }}>
        <label class="sr-only" for=${'reading-' + u.id}>${t('meters.reading', { unit: u.number })}</label>
        <input id=${'reading-' + u.id} name=${'reading-' + u.number} class="big-input" type="text" inputmode="decimal" enterkeyhint="next" autocomplete="off"
          placeholder=${u.baseline === null ? '' : fmt(u.baseline)} ref=${(el) => { inputs.current[u.id] = el; }}
          aria-invalid=${errors[u.id] ? 'true' : undefined} aria-describedby=${errors[u.id] ? 'err-' + u.id : undefined} />
        <button class="btn primary">${t('meters.save')}</button>
      </form>
      ${saved[u.id] && !errors[u.id] && html`<div class="small ok" data-saved>✓ ${t('meters.saved')} ${saved[u.id]}</div>`}
      ${errors[u.id] && html`<div class="error small" role="alert" id=${'err-' + u.id} data-error>${errors[u.id]}</div>`}
      ${replacing === u.id
        ? html`<${Replacement} unit=${u} meter=${meter} day=${day} onDone=${() => { setReplacing(''); walk.reload(); }} />`
        : html`<button type="button" class="btn link small" onClick=${() => setReplacing(u.id)}>${t('meters.replace')}</button>`}
    </li>`)}</ul>`}
  </div>`;
}

function Replacement({ unit, meter, day, onDone }) {
  const [f, setF] = useState({ old_final_reading: '', new_start_reading: '0', replaced_on: day, reason: '', new_meter_no: '' });
  const act = useAction();
  const set = (k) => (e) => setF({ ...f, [k]: e.target.value });
  const submit = (e) => {
    e.preventDefault();
    act.run(async () => {
      await pb.collection('meter_replacements').create({ ...f, unit: unit.id, meter,
        old_final_reading: Number(f.old_final_reading), new_start_reading: Number(f.new_start_reading) });
      toast(t('meters.replaceSaved'));
      onDone();
    });
  };
  return html`<form class="card" onSubmit=${submit} data-replacement>
    <${Field} label=${t('meters.oldFinal')} required><input name="old_final_reading" inputmode="decimal" value=${f.old_final_reading} onInput=${set('old_final_reading')} /></${Field}>
    <${Field} label=${t('meters.newStart')} required><input name="new_start_reading" inputmode="decimal" value=${f.new_start_reading} onInput=${set('new_start_reading')} /></${Field}>
    <${Field} label=${t('meters.replacedOn')} required><input type="date" name="replaced_on" value=${f.replaced_on} onInput=${set('replaced_on')} /></${Field}>
    <${Field} label=${t('meters.meterNo')}><input name="new_meter_no" value=${f.new_meter_no} onInput=${set('new_meter_no')} /></${Field}>
    <${Field} label=${t('meters.reason')} required><input name="reason" value=${f.reason} onInput=${set('reason')} /></${Field}>
    <${ErrorBox} error=${act.error} />
    <button class="btn primary" disabled=${act.busy}>${t('meters.replaceSave')}</button>
    <button type="button" class="btn" onClick=${onDone}>${t('meters.cancel')}</button>
  </form>`;
}
