// The supervisor's and director's dashboard (#/dashboard): the month's KPIs
// against the manuals' targets, what is about to breach a deadline (live),
// the trends by month and the .xlsx exports (charts.js).
import { html, useState, useEffect, useRef } from '../../core/html.js';
import { t, addMessages, label } from '../../core/i18n.js';
import { pb } from '../../core/api.js';
import { yuan, dateTime, parseDate } from '../../core/format.js';
import { statusLabel } from '../../core/flows.js';
import { Loading, ErrorBox, Empty, useAsync } from '../../core/ui.js';
import { useCommunityTopic, useCoalesce, FIGURES_WINDOW } from '../../core/realtime.js';
import { quarterOf, monthLabel, pct, stats, verdict, remaining, useMonth, MonthPicker } from './common.js';
import { Trends, Exports } from './charts.js';
import { Targets } from './targets.js';

addMessages({
  'kpi.visits': ['本月走访', 'Visits this month'],
  'kpi.visitsDetail': ['{n} 次（回访 {r}，转办 {f}）', '{n} (revisits {r}, follow-ups {f})'],
  'dash.title': ['运营看板', 'Dashboard'],
  'dash.badMonth': ['请选择月份', 'Choose a month'],
  'dash.toReport': ['查看月报', 'Monthly report'],
  'dash.visits': ['我的上门催缴 {n} 项', 'My arrears visits: {n}'],
  'dash.kpis': ['关键指标', 'Key figures'],
  'dash.met': ['达标', 'on target'],
  'dash.missed': ['未达标', 'off target'],
  'dash.noData': ['暂无数据', 'no data yet'],
  'dash.target': ['目标 {op} {v}', 'Target {op} {v}'],
  'dash.noTarget': ['无考核目标', 'no target'],
  'dash.of': ['{n} / {d}', '{n} of {d}'],
  'kpi.complaints': ['本月投诉', 'Complaints this month'],
  'kpi.complaintsDetail': ['有效 {n} 件', '{n} valid'],
  'kpi.complaintOnTime': ['投诉处理及时率', 'Complaints answered on time'],
  'kpi.complaintSatisfaction': ['投诉回访满意度', 'Complaint revisit satisfaction'],
  'kpi.validRate': ['投诉有效率', 'Valid complaints'],
  'kpi.problemSolving': ['问题解决率', 'Problems solved'],
  'kpi.problemSolvingDetail': ['业主问题已解决 {n} / {d}（有效投诉与报修、有偿服务）', "{n} of {d} owners' problems solved (valid complaints, repair and service requests)"],
  'kpi.annualSatisfaction': ['年度业主满意度', 'Annual owner satisfaction'],
  'kpi.noSurvey': ['暂无调查', 'no survey yet'],
  'kpi.surveyOnly': ['来自年度满意度调查（4–5 分为满意），不取投诉回访', 'From the annual satisfaction survey (4–5 of 5 satisfied), not from complaint revisits'],
  'kpi.activities': ['本季度社区活动', 'Community activities this quarter'],
  'kpi.activitiesDetail': ['{q} · 已举办 {h} · 报名 {s} · 到场 {a}', '{q} · {h} held · {s} signed up · {a} came'],
  'kpi.unassigned': ['未分配片区管理员', 'no area manager'],
  'kpi.patrolOutstanding': ['漏巡未补 {n}', '{n} missed, not made up'],
  'kpi.renoOverdue': ['装修审批超时', 'Renovation reviews overdue'],
  'kpi.renoDetail': ['待审核 {e} · 待审批 {a}', '{e} for engineering · {a} for approval'],
  'kpi.range': ['统计期 {r}', 'Period {r}'],
  'dash.breach': ['即将超时', 'About to breach'],
  'dash.breachHint': ['投诉 4 小时内、报修回复 15 分钟内、装修审批 4 小时内到期或已超时的事项，实时更新', 'Complaints and renovation reviews due within 4 hours, work-order replies within 15 minutes, or already late; live'],
  'dash.breachNone': ['没有即将超时的事项', 'Nothing is about to breach a deadline'],
  'dash.updated': ['更新于 {at}', 'Updated {at}'],
  'breach.complaint_first_response': ['投诉首次回应', 'Complaint: first response'],
  'breach.complaint_reply': ['投诉答复', 'Complaint: reply'],
  'breach.work_order_reply': ['报修 15 分钟回复', 'Repair: 15-minute reply'],
  'breach.renovation_engineering': ['装修工程审核', 'Renovation: engineering review'],
  'breach.renovation_approval': ['装修主任审批', 'Renovation: director approval'],
});

function Tile({ id, title, value, shown, target, better, count, detail, pending, error, empty }) {
  const v = pending || error ? 'none' : verdict(value, target, better);
  const targetText = target === undefined ? t('dash.noTarget')
    : t('dash.target', { op: better === 'lower' ? '≤' : '≥', v: count ? target : pct(target) });
  let main = shown;
  if (pending) main = '…';
  else if (error) main = '—';
  return html`<div class=${'kpi ' + v} data-testid=${'kpi-' + id} role="group" aria-label=${title}>
    <div class="kpi-label">${title}</div>
    <div class="kpi-value" data-testid="kpi-value">${main}</div>
    <div class="kpi-target">${targetText}${v !== 'none' ? html` · <b class="kpi-verdict">${v === 'ok' ? '✓ ' + t('dash.met') : '✗ ' + t('dash.missed')}</b>`
      : (!pending && !error && !empty && (value === null || value === undefined) ? ' · ' + t('dash.noData') : '')}</div>
    ${detail && html`<div class="kpi-detail">${detail}</div>`}
    ${error && html`<div class="kpi-detail">${typeof error === 'string' ? error : t('err.unknown')}</div>`}
  </div>`;
}

function Tiles({ dash, complaints: c, orders: w, fees, range }) {
  const of = (n, d) => t('dash.of', { n, d });
  const row = fees.data?.rows?.[0];
  const feeState = { pending: fees.loading && !fees.data, error: fees.error ? t('err.unknown') : null };
  const tiles = [
    { id: 'complaints', title: t('kpi.complaints'), value: dash.report.complaints, shown: String(dash.report.complaints),
      detail: t('kpi.complaintsDetail', { n: c.valid }) },
    // [000] 前台 4.1.3.4: valid rate and on-time rate; [002] 三 3.3: problems solved.
    { id: 'valid-rate', title: t('kpi.validRate'), value: c.valid_rate, shown: pct(c.valid_rate), detail: of(c.valid, c.totals.total) },
    { id: 'complaint-on-time', title: t('kpi.complaintOnTime'), value: c.on_time_rate, shown: pct(c.on_time_rate), target: c.targets.on_time_rate,
      detail: of(c.totals.reply_on_time, c.totals.reply_due) },
    { id: 'problem-solving', title: t('kpi.problemSolving'), value: c.problem_solving_rate, shown: pct(c.problem_solving_rate),
      target: c.targets.problem_solving_rate, detail: t('kpi.problemSolvingDetail', { n: c.totals.solved + (c.requests?.solved || 0), d: c.valid + (c.requests?.received || 0) }) },
    { id: 'complaint-satisfaction', title: t('kpi.complaintSatisfaction'), value: c.satisfaction_rate, shown: pct(c.satisfaction_rate),
      target: c.targets.satisfaction_rate, detail: of(c.totals.satisfied + c.totals.basic, c.totals.revisited) },
    // [002] 三 3.4: the year's satisfaction comes from the annual satisfaction survey.
    { id: 'annual-satisfaction', title: t('kpi.annualSatisfaction'), value: dash.annual_satisfaction,
      shown: dash.annual_satisfaction === null ? t('kpi.noSurvey') : pct(dash.annual_satisfaction),
      target: dash.targets.annual_satisfaction, empty: true, detail: t('kpi.surveyOnly') },
    { id: 'reply15', title: t('kpi.reply15'), value: w.reply_rate, shown: pct(w.reply_rate), target: w.targets.reply_rate,
      detail: of(w.totals.reply_on_time, w.totals.reply_due) },
    { id: 'arrival', title: t('kpi.arrival'), value: w.arrival_rate, shown: pct(w.arrival_rate), target: w.targets.arrival_rate,
      detail: of(w.totals.arrivals_on_time, w.totals.arrivals) },
    { id: 'rework', title: t('kpi.rework'), value: w.rework_rate, shown: pct(w.rework_rate), target: w.targets.rework_rate, better: 'lower',
      detail: of(w.totals.reworked, w.totals.signed_off) },
    { id: 'home-visit', title: t('kpi.homeVisit'), value: w.home_visit_share, shown: pct(w.home_visit_share), target: w.targets.home_visit_share,
      detail: of(w.totals.home_visits, w.totals.revisited) },
    { id: 'order-satisfaction', title: t('kpi.orderSatisfaction'), value: w.satisfaction_rate, shown: pct(w.satisfaction_rate),
      target: w.targets.satisfaction_rate, detail: of(w.totals.satisfied + w.totals.basic, w.totals.revisited) },
    { id: 'collection', title: t('kpi.collection'), value: row?.collection_rate ?? null, shown: pct(row?.collection_rate), target: fees.data?.targets?.management ?? 0.95,
      detail: row ? `${yuan(row.collected_fen)} / ${yuan(row.billed_fen)} · ${t('kpi.range', { r: range })}` : t('kpi.range', { r: range }), ...feeState },
    { id: 'recovery', title: t('kpi.recovery'), value: row?.recovery_rate ?? null, shown: pct(row?.recovery_rate),
      detail: row ? `${yuan(row.recovered_fen)} / ${yuan(row.arrears_start_fen)}` : '', ...feeState },
    { id: 'patrol', title: t('kpi.patrol'), value: dash.patrols.coverage, shown: pct(dash.patrols.coverage), target: dash.targets.patrol_coverage,
      // A missed patrol counts against the figure, whatever month it was
      // due in, until it is made up: the rounds screen lists the same ones.
      // Each area manager's figure is the one their rounds screen shows.
      detail: html`${of(dash.patrols.done, dash.patrols.due)} · <span data-testid="patrol-outstanding">${t('kpi.patrolOutstanding', { n: dash.patrols.outstanding })}</span>
        ${dash.patrols_by_manager?.length > 0 && html`<ul class="kpi-managers" data-testid="patrol-managers">${dash.patrols_by_manager.map((m) => html`<li key=${m.manager}>
          ${m.name || t('kpi.unassigned')}：${pct(m.coverage)}（${of(m.done, m.due)}）</li>`)}</ul>`}` },
    // The area managers' visits of the month, by visitor ([000] 管理员 4.6).
    { id: 'visits', title: t('kpi.visits'), value: dash.report.visits ?? 0, shown: String(dash.report.visits ?? 0), count: true,
      detail: html`<ul class="kpi-managers" data-testid="visit-managers">${(dash.visits_by_staff || []).map((v) => html`<li key=${v.staff}>
        ${v.name}：${t('kpi.visitsDetail', { n: v.visits, r: v.revisits, f: v.follow_ups })}</li>`)}</ul>` },
    // [000] 管理员 4.10: the quarter's community activities.
    ...(dash.activities ? [{ id: 'activities', title: t('kpi.activities'), value: dash.activities.activities, shown: String(dash.activities.activities), count: true,
      detail: t('kpi.activitiesDetail', { q: dash.activities.quarter, h: dash.activities.held, s: dash.activities.signups, a: dash.activities.attended }) }] : []),
    { id: 'reno-overdue', title: t('kpi.renoOverdue'), value: dash.renovation_reviews.overdue, shown: String(dash.renovation_reviews.overdue),
      target: dash.targets.renovation_reviews_overdue, better: 'lower', count: true,
      detail: t('kpi.renoDetail', { e: dash.renovation_reviews.awaiting_engineering, a: dash.renovation_reviews.awaiting_approval }) },
  ];
  return html`<section class="kpis" aria-label=${t('dash.kpis')}>
    ${tiles.map((x) => html`<${Tile} key=${x.id} ...${x} />`)}
  </section>`;
}

// --- about to breach ---------------------------------------------------------------

function BreachList({ items, now, at }) {
  return html`<section class="card breach" aria-labelledby="h-breach" data-testid="breach-list">
    <h2 id="h-breach">${t('dash.breach')} <span class=${'chip ' + (items.some((b) => b.overdue) ? 's-bad' : items.length ? 's-warn' : 's-muted')}>${items.length}</span>
      <span class="aside muted"><span class="live-dot" aria-hidden="true"></span>${t('dash.updated', { at: dateTime(at).slice(11) })}</span></h2>
    <p class="muted small">${t('dash.breachHint')}</p>
    ${items.length === 0 ? html`<${Empty} text=${t('dash.breachNone')} />` : html`<ul class="list breach-list">
      ${items.map((b) => {
        const late = parseDate(b.due)?.getTime() < now;
        const category = b.category ? label(b.collection === 'complaints' ? 'complaint_category' : 'work_category', b.category) : '';
        return html`<li key=${b.id + b.kind} class=${late ? 'overdue' : 'soon'}>
          <a class="item" href=${b.link}>
            <div class="main">
              <div class="t">${b.serial} · ${t('breach.' + b.kind)}</div>
              <div class="sub">${[b.place, category, statusLabel(b.collection, b.status)].filter(Boolean).join(' · ')}</div>
            </div>
            <div class="due"><div>${remaining(b.due, now)}</div><div class="muted small">${dateTime(b.due)}</div></div>
          </a></li>`;
      })}
    </ul>`}
  </section>`;
}

// The home visits of the arrears ladder waiting for this supervisor or
// director (their step: docs/DESIGN.md § Fees), a link to the list on the
// rounds screen where the outcome is recorded.
function MyVisits({ me, community }) {
  const n = useAsync(() => pb.collection('arrears_visits').getList(1, 1, {
    filter: pb.filter('community = {:c} && status = "open" && assignee = "" && step = {:r}', { c: community.id, r: me.role }), fields: 'id',
  }).then((r) => r.totalItems), [community.id, me.id]);
  if (!n.data) return '';
  return html`<a class="button-link" data-testid="my-visits" href="#/rounds">${t('dash.visits', { n: n.data })}</a>`;
}

export function Dashboard({ me, community, query }) {
  const [month, setMonth] = useMonth(query);
  const [now, setNow] = useState(Date.now());
  const live = useAsync(() => Promise.all([
    stats('dashboard', { community: community.id, month }),
    stats('complaints', { community: community.id, month }),
    stats('work-orders', { community: community.id, month }),
  ]), [community.id, month]);
  const range = quarterOf(month);
  const fees = useAsync(() => stats('fees', { community: community.id, range }), [community.id, range]);
  const trendsReload = useRef(null);

  // Live: a change to a complaint or work order of the community refreshes
  // the figures and the list; so does every minute, as deadlines come closer
  // by themselves. The figures are aggregates over the community's whole
  // history (four statistics requests), and a busy community changes several
  // times a second: a change after a quiet spell refreshes them at once, and
  // while changes keep coming they refresh every FIGURES_WINDOW (5 s,
  // useCoalesce) — rather than never (as a debounce pushed back by each
  // message would) or for each change, for every supervisor's screen.
  const reload = useRef(live.reload);
  reload.current = live.reload;
  const refresh = () => { reload.current(); trendsReload.current?.(); };
  const changed = useCoalesce(refresh, FIGURES_WINDOW);
  useCommunityTopic(community.id, 'complaints', changed, { onReconnect: refresh });
  useCommunityTopic(community.id, 'work_orders', changed, { onReconnect: refresh });
  useEffect(() => {
    const every = setInterval(() => { setNow(Date.now()); reload.current(); }, 60000);
    return () => clearInterval(every);
  }, []);
  useEffect(() => { setNow(Date.now()); }, [live.data]);

  const [dash, complaints, orders] = live.data || [];
  return html`<div class="dash">
    <div class="row dash-head">
      <h1>${t('dash.title')} <span class="muted small">${community.name} · ${monthLabel(month)}</span></h1>
      <div class="row dash-tools no-print">
        <${MonthPicker} month=${month} setMonth=${setMonth} id="dash-month" />
        <a class="button-link" href=${'#/report?month=' + month}>${t('dash.toReport')}</a>
        <${MyVisits} me=${me} community=${community} />
      </div>
    </div>
    ${live.loading && !live.data ? html`<${Loading} />` : live.error && !live.data ? html`<${ErrorBox} error=${live.error} retry=${live.reload} />` : html`
      ${live.error && html`<${ErrorBox} error=${live.error} retry=${live.reload} />`}
      <${Tiles} dash=${dash} complaints=${complaints} orders=${orders} fees=${fees} range=${range} />
      <${Targets} me=${me} community=${community} onSaved=${() => { refresh(); fees.reload(); }} />
      <div class="dash-cols">
        <${BreachList} items=${dash.breaching} now=${now} at=${dash.at} />
        <${Trends} community=${community} month=${month} reloadRef=${trendsReload} />
      </div>`}
    <${Exports} community=${community} month=${month} />
  </div>`;
}
