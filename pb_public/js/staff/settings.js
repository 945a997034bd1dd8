// The community's settings (#/settings, 小区设置): when its management fee
// starts — from the handover date ([000] 收费员 4.2.1.1) or from the date on
// the move-in notice ([004] 四 2 4.5) — chosen by its director (the server
// refuses anyone else; docs/DESIGN.md § Fees), and a unit's notice date.
import { html, useState } from '../core/html.js';
import { pb, fieldErrors } from '../core/api.js';
import { t, addMessages, label, choices } from '../core/i18n.js';
import { Loading, ErrorBox, Field, useAsync, useAction, confirmBox, toast } from '../core/ui.js';

addMessages({
  'settings.title': ['小区设置', 'Community settings'],
  'settings.feeStart': ['物业费起算日', 'When the management fee starts'],
  'settings.feeStartHint': ['对之后的计费生效，已出的账单不变。没有登记入伙通知书日期的房屋，仍从收房日起算。',
    'Applies to billing runs from now on; bills already issued stay as they are. Units with no move-in notice date on record start on their handover date.'],
  'settings.directorOnly': ['只有管理处主任可以修改', 'Only the director may change this'],
  'settings.confirm': ['把物业费改为“{policy}”？', 'Bill the management fee {policy}?'],
  'settings.confirmBody': ['之后的计费将按新的起算日计算。', 'Billing runs from now on will use the new start date.'],
  'settings.saved': ['已保存', 'Saved'],
  'settings.notice': ['登记入伙通知书日期', 'Record a move-in notice date'],
  'settings.unit': ['房号（如 1-101）', 'Unit (e.g. 1-101)'],
  'settings.noticeOn': ['入伙通知书上注明的日期', 'Date on the move-in notice'],
  'settings.noUnit': ['本小区没有房号 {unit}', 'No unit {unit} in this community'],
  'settings.noticeSaved': ['{unit} 的入伙通知书日期已登记为 {date}', 'The move-in notice date of {unit} is now {date}'],
});

const UNIT_RE = /^([A-Za-z0-9]{1,6})\s*(?:-|－|栋|#|\s)\s*([A-Za-z0-9]{1,8})$/;

export function Settings({ me, community }) {
  const c = useAsync(() => pb.collection('communities').getOne(community.id), [community.id]);
  return html`
    <h1>${t('settings.title')} · ${community.name}</h1>
    ${c.loading && !c.data ? html`<${Loading} />` : c.error ? html`<${ErrorBox} error=${c.error} retry=${c.reload} />`
      : html`<${FeeStart} me=${me} record=${c.data} onSaved=${(r) => c.setData(r)} />`}
    <${NoticeDate} community=${community} />`;
}

function FeeStart({ me, record, onSaved }) {
  const current = record.fee_start || 'handover';
  const [choice, setChoice] = useState(current);
  const act = useAction();
  const director = me.role === 'director';
  const save = async (e) => {
    e.preventDefault();
    if (choice === current) return;
    if (!(await confirmBox({ title: t('settings.confirm', { policy: label('fee_start', choice) }), body: t('settings.confirmBody'), ok: t('save') }))) return;
    const saved = await act.run(() => pb.collection('communities').update(record.id, { fee_start: choice }));
    if (saved) { onSaved(saved); toast(t('settings.saved')); }
  };
  return html`<form class="card stack" onSubmit=${save} data-testid="fee-start">
    <fieldset disabled=${!director || act.busy}><legend>${t('settings.feeStart')}</legend>
      <div class="choices" role="radiogroup">${choices('fee_start').map((o) => html`
        <label><input type="radio" name="fee_start" value=${o.code} checked=${choice === o.code} onChange=${() => setChoice(o.code)} />${o.text}</label>`)}</div>
    </fieldset>
    <small class="hint">${t('settings.feeStartHint')}</small>
    ${!director && html`<small class="hint" data-testid="director-only">${t('settings.directorOnly')}</small>`}
    <${ErrorBox} error=${act.error} />
    ${director && html`<div><button class="primary" disabled=${act.busy || choice === current}>${t('save')}</button></div>`}
  </form>`;
}

function NoticeDate({ community }) {
  const [form, setForm] = useState({ unit: '', date: '' });
  const act = useAction();
  const set = (k) => (e) => setForm({ ...form, [k]: e.target.value });
  const submit = async (e) => {
    e.preventDefault();
    const u = form.unit.trim();
    const saved = await act.run(async () => {
      const m = u.match(UNIT_RE);
      const found = m ? await pb.collection('units').getList(1, 1, { filter: pb.filter('community = {:c} && building.code = {:b} && number = {:n}', { c: community.id, b: m[1], n: m[2].toUpperCase() }) }) : { items: [] };
      if (!found.items.length) throw new Error(t('settings.noUnit', { unit: u }));
      return pb.collection('units').update(found.items[0].id, { notice_on: form.date });
    });
    if (saved) { toast(t('settings.noticeSaved', { unit: u, date: saved.notice_on })); setForm({ unit: '', date: '' }); }
  };
  const errs = fieldErrors(act.error);
  return html`<form class="card stack" onSubmit=${submit} data-testid="notice-date">
    <h2>${t('settings.notice')}</h2>
    <div class="grid2">
      <${Field} label=${t('settings.unit')} required><input type="text" required value=${form.unit} onInput=${set('unit')} /><//>
      <${Field} label=${t('settings.noticeOn')} required error=${errs.notice_on}><input type="date" required value=${form.date} onInput=${set('date')} /><//>
    </div>
    <${ErrorBox} error=${act.error} />
    <div><button class="primary" disabled=${act.busy}>${t('save')}</button></div>
  </form>`;
}
