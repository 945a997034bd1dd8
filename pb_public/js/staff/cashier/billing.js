// Billing runs (#/billing, 计费) with their progress live, and the printed
// payment reminders.
import { html, useState } from '../../core/html.js';
import { pb, fieldErrors } from '../../core/api.js';
import { t, addMessages, choices } from '../../core/i18n.js';
import { dateTime, today } from '../../core/format.js';
import { Loading, ErrorBox, Empty, Field, useAsync, useAction, confirmBox, toast } from '../../core/ui.js';
import { useRealtime } from '../../core/realtime.js';
import { CASH } from '../roles.js';

addMessages({
  'billing.title': ['计费', 'Billing'],
  'billing.start': ['开始计费', 'Start a billing run'],
  'billing.period': ['账期', 'Period'],
  'billing.periodHint': ['季度如 2027-Q1，月份如 2027-01；建议下一季度 {next}', 'A quarter like 2027-Q1 or a month like 2027-01; next quarter is {next}'],
  'billing.periodInvalid': ['账期格式应为 2027-Q1（季度）或 2027-01（月）', 'The period must look like 2027-Q1 (a quarter) or 2027-01 (a month)'],
  'billing.go': ['开始计费', 'Start billing'],
  'billing.goAgain': ['再次计费（只补开缺少的账单）', 'Run again (adds missing bills only)'],
  'billing.confirm': ['开始 {period} 计费？', 'Bill {period}?'],
  'billing.confirmBody': ['将按收费标准为{community}的全部房屋生成 {period} 的账单。账单生成后不能删除（只能由主管减免）。', 'Bills for {period} are made for every unit of {community} from the fee items. Bills are never deleted (a supervisor can grant a discount).'],
  'billing.confirmAgain': ['{period} 再次计费？', 'Run {period} again?'],
  'billing.again': ['{period} 已于 {when} 计费过（新建 {created} 张账单）。再次计费不会重复生成已有的账单，只会为此后新交房的房屋或新录入的抄表补开账单。', '{period} was billed on {when} ({created} bills made). Running it again makes no second bill; it only adds bills for units handed over or meters read since.'],
  'billing.busy': ['{period} 的计费正在进行中，请等待完成', 'A run for {period} is under way; wait for it to finish'],
  'billing.started': ['{period} 计费已开始', 'Billing {period} started'],
  'billing.runs': ['计费记录', 'Billing runs'],
  'billing.noRuns': ['还没有计费记录', 'No billing runs yet'],
  'billing.progress': ['{period} 计费进度', 'Progress of {period}'],
  'billing.units': ['{done} / {total} 户', '{done} / {total} units'],
  'billing.counts': ['新建 {created} 张 · 已存在 {existing} 张 · 无需计费 {skipped} 项', '{created} made · {existing} existed · {skipped} not due'],
  'billing.doneSummary': ['完成：新建 {created} 张账单，已存在 {existing} 张（未重复生成）', 'Done: {created} bills made, {existing} existed already (none duplicated)'],
  'billing.nothingNew': ['该账期的账单都已存在，本次没有重复生成任何账单', 'Every bill of this period existed already; nothing was duplicated'],
  'billing.startedBy': ['{name} 发起', 'Started by {name}'],
  'billing.startedAt': ['开始 {when}', 'Started {when}'],
  'billing.finishedAt': ['完成 {when}', 'Finished {when}'],
  'billing.failed': ['计费失败：{error}', 'The run failed: {error}'],
  'billing.live': ['进度实时更新', 'Progress updates live'],
  'billing.status.pending': ['排队中', 'Queued'],
  'billing.status.running': ['计费中', 'Running'],
  'billing.status.done': ['已完成', 'Done'],
  'billing.status.failed': ['失败', 'Failed'],
  'billing.reminders': ['催款通知单', 'Payment reminders'],
  'billing.remindersHint': ['按催缴阶段批量打印，每户一页', 'Printed in batch by stage, one page per unit'],
  'billing.stage': ['催缴阶段', 'Stage'],
  'billing.printReminders': ['打印催款通知单', 'Print reminders'],
});

const PERIOD = /^\d{4}-(Q[1-4]|0[1-9]|1[0-2])$/;

/** nextQuarter is the quarter after the one day (YYYY-MM-DD) falls in. */
export function nextQuarter(day = today()) {
  const [y, m] = day.split('-').map(Number);
  const q = Math.floor((m - 1) / 3) + 1;
  return q === 4 ? `${y + 1}-Q1` : `${y}-Q${q + 1}`;
}

const percent = (r) => {
  const total = r.total_units || 0;
  if (r.status === 'done') return 100;
  return total > 0 ? Math.min(100, Math.floor(((r.processed_units || 0) * 100) / total)) : 0;
};

// A run only moves forward (pending → running → done or failed, processed
// units growing). Messages about it can arrive out of order, even two saved
// within the same millisecond, so a message is taken only if it is ahead.
const STAGE = { pending: 0, running: 1, done: 2, failed: 2 };
const ahead = (a, b) => (STAGE[a.status] ?? 0) > (STAGE[b.status] ?? 0)
  || ((STAGE[a.status] ?? 0) === (STAGE[b.status] ?? 0) && (a.processed_units || 0) >= (b.processed_units || 0));

export function Billing({ me, community }) {
  const filter = pb.filter('community = {:c}', { c: community.id });
  const runs = useAsync(() => pb.collection('billing_runs').getFullList({ filter, sort: '-created', expand: 'started_by' }), [community.id]);
  // The whole community's runs on one subscription, opened with the screen:
  // a run of a few hundred units can be done before a subscription to its
  // own record, opened after the create returns, would be listening.
  useRealtime('billing_runs', '*', (e) => runs.setData((list = []) => {
    const old = list.find((r) => r.id === e.record.id);
    if (old && !ahead(e.record, old)) return list; // a late message (see ahead)
    const rec = { ...e.record, expand: old?.expand || e.record.expand };
    return old ? list.map((r) => (r.id === rec.id ? rec : r)) : [rec, ...list];
  }), { filter, onReconnect: runs.reload }, [community.id]);
  const [watch, setWatch] = useState('');
  const may = CASH.includes(me.role);
  const list = runs.data || [];
  const watched = list.find((r) => r.id === watch);
  return html`
    <h1>${t('billing.title')}</h1>
    ${may && html`<${StartRun} community=${community} runs=${list} onStarted=${(r) => {
      setWatch(r.id);
      runs.setData((l = []) => (l.some((x) => x.id === r.id) ? l : [r, ...l]));
    }} />`}
    ${watched && html`<section class="card run-watch" data-testid="run-progress" aria-live="polite">
      <h2>${t('billing.progress', { period: watched.period })}<span class="aside small muted">${t('billing.live')}</span></h2>
      <${RunRow} run=${watched} me=${me} big />
    </section>`}
    <section class="card" aria-labelledby="runs-title">
      <h2 id="runs-title">${t('billing.runs')}</h2>
      ${runs.loading && !runs.data ? html`<${Loading} />` : runs.error ? html`<${ErrorBox} error=${runs.error} retry=${runs.reload} />`
        : !list.length ? html`<${Empty} text=${t('billing.noRuns')} />` : html`
        <ul class="list runs">${list.map((r) => html`<li key=${r.id} data-run=${r.id}><${RunRow} run=${r} me=${me} /></li>`)}</ul>`}
    </section>
    <${ReminderPrint} />`;
}

function StartRun({ community, runs, onStarted }) {
  const suggested = nextQuarter();
  const [period, setPeriod] = useState(suggested);
  const act = useAction();
  const p = period.trim().toUpperCase();
  const valid = PERIOD.test(p);
  const same = runs.filter((r) => r.period === p);
  const busy = same.find((r) => r.status === 'pending' || r.status === 'running');
  const done = same.find((r) => r.status === 'done');
  const submit = async (e) => {
    e.preventDefault();
    if (!valid) { act.setError(new Error(t('billing.periodInvalid'))); return; }
    const ok = await confirmBox({
      title: done ? t('billing.confirmAgain', { period: p }) : t('billing.confirm', { period: p }),
      body: done ? t('billing.again', { period: p, when: dateTime(done.finished_at || done.created), created: done.created_bills || 0 })
        : t('billing.confirmBody', { period: p, community: community.name }),
      ok: done ? t('billing.goAgain') : t('billing.go'),
    });
    if (!ok) return;
    const saved = await act.run(() => pb.collection('billing_runs').create({ community: community.id, period: p }));
    if (saved) { toast(t('billing.started', { period: p })); onStarted(saved); }
  };
  const errs = fieldErrors(act.error);
  return html`<form class="card stack" onSubmit=${submit} novalidate aria-labelledby="start-title">
    <h2 id="start-title">${t('billing.start')}</h2>
    <${Field} label=${t('billing.period')} required hint=${t('billing.periodHint', { next: suggested })} error=${errs.period || (period && !valid ? t('billing.periodInvalid') : '')}>
      <input type="text" name="period" maxlength="10" value=${period} onInput=${(e) => { setPeriod(e.target.value); act.setError(null); }} /><//>
    ${valid && busy && html`<p class="note warn" role="note">${t('billing.busy', { period: p })}</p>`}
    ${valid && !busy && done && html`<p class="note" role="note" data-testid="run-again">${t('billing.again', { period: p, when: dateTime(done.finished_at || done.created), created: done.created_bills || 0 })}</p>`}
    <${ErrorBox} error=${errs.period ? null : act.error} />
    <div class="actions"><button class="primary" disabled=${act.busy || Boolean(busy)}>${done ? t('billing.goAgain') : t('billing.go')}</button></div>
  </form>`;
}

function RunRow({ run: r, me, big }) {
  const by = r.expand?.started_by?.name || (r.started_by && r.started_by === me.id ? me.name : '');
  const pct = percent(r);
  const counts = { created: r.created_bills || 0, existing: r.existing_bills || 0, skipped: r.skipped || 0 };
  return html`<div class=${'run' + (big ? ' big' : '')}>
    <div class="row between">
      <b class="run-period">${r.period}</b>
      <span class=${'chip run-' + r.status}>${t('billing.status.' + r.status)}</span>
    </div>
    <div class="run-bar" role="progressbar" aria-label=${t('billing.progress', { period: r.period })}
      aria-valuemin="0" aria-valuemax="100" aria-valuenow=${pct} aria-valuetext=${`${pct}%`}>
      <span style=${`width:${pct}%`}></span>
    </div>
    <div class="row between small">
      <span>${t('billing.units', { done: r.processed_units || 0, total: r.total_units || 0 })} · <b class="pct">${pct}%</b></span>
      <span class="muted">${t('billing.counts', counts)}</span>
    </div>
    ${big && r.status === 'done' && html`<p class="run-summary" data-testid="run-summary"><b>${t('billing.doneSummary', counts)}</b>
      ${counts.created === 0 && counts.existing > 0 ? html`<br />${t('billing.nothingNew')}` : ''}</p>`}
    ${r.status === 'failed' && html`<p class="field-error" role="alert">${t('billing.failed', { error: r.error })}</p>`}
    <div class="small muted">${[by && t('billing.startedBy', { name: by }),
      r.started_at && t('billing.startedAt', { when: dateTime(r.started_at) }),
      r.finished_at && t('billing.finishedAt', { when: dateTime(r.finished_at) })].filter(Boolean).join(' · ')}</div>
  </div>`;
}

function ReminderPrint() {
  const [stage, setStage] = useState('1');
  return html`<section class="card stack" aria-labelledby="rem-title">
    <h2 id="rem-title">${t('billing.reminders')}</h2>
    <p class="small muted">${t('billing.remindersHint')}</p>
    <div class="row">
      <${Field} label=${t('billing.stage')}>
        <select value=${stage} onChange=${(e) => setStage(e.target.value)}>
          ${choices('reminder_stage').map((s) => html`<option value=${s.code}>${s.text}</option>`)}
        </select><//>
      <a class="button" href=${'#/print/reminders?stage=' + encodeURIComponent(stage)}>${t('billing.printReminders')}</a>
    </div>
  </section>`;
}
