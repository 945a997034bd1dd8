// The supervisor's and director's dashboard (#/dashboard): the month's KPIs
// against the manuals' targets, what is about to breach a deadline (live),
// the trends by month (ECharts) and the .xlsx exports; and the monthly
// service-center report (#/report), printable on A4.
//
// Figures come from the statistics routes, all SQL aggregates on the server:
// /api/stats/dashboard (patrols, renovation reviews, deadlines, report
// numbers), /api/stats/complaints, /api/stats/work-orders, /api/stats/fees and
// /api/stats/trends.
import * as echarts from 'echarts';
import { html, useState, useEffect, useRef } from '../core/html.js';
import { pb } from '../core/api.js';
import { t, lang, addMessages, label } from '../core/i18n.js';
import { yuan, dateTime, today, parseDate } from '../core/format.js';
import { statusLabel } from '../core/flows.js';
import { Loading, ErrorBox, Empty, Field, useAsync, useAction, useCommunityTopic, useCoalesce, FIGURES_WINDOW, toast } from '../core/ui.js';

addMessages({
  'dash.title': ['运营看板', 'Dashboard'],
  'dash.month': ['统计月份', 'Month'],
  'dash.badMonth': ['请选择月份', 'Choose a month'],
  'dash.toReport': ['查看月报', 'Monthly report'],
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
  'kpi.complaintSatisfaction': ['投诉回访满意度', 'Complaint satisfaction'],
  'kpi.reply15': ['报修 15 分钟回复率', '15-minute replies'],
  'kpi.arrival': ['准时到场率', 'On-time arrivals'],
  'kpi.rework': ['返工率', 'Rework rate'],
  'kpi.homeVisit': ['上门回访比例', 'Home-visit revisits'],
  'kpi.orderSatisfaction': ['维修回访满意度', 'Repair satisfaction'],
  'kpi.collection': ['当期收缴率', 'Collection rate'],
  'kpi.recovery': ['清欠率', 'Arrears recovery'],
  'kpi.patrol': ['空置房巡查完成率', 'Vacant-unit patrols done'],
  'kpi.patrolOutstanding': ['漏巡未补 {n}', '{n} missed, not made up'],
  'kpi.renoOverdue': ['装修审批超时', 'Renovation reviews overdue'],
  'kpi.renoDetail': ['待审核 {e} · 待审批 {a}', '{e} for engineering · {a} for approval'],
  'kpi.range': ['统计期 {r}', 'Period {r}'],
  'dash.breach': ['即将超时', 'About to breach'],
  'dash.breachHint': ['投诉 4 小时内、报修回复 15 分钟内、装修审批 4 小时内到期或已超时的事项，实时更新', 'Complaints and renovation reviews due within 4 hours, work-order replies within 15 minutes, or already late; live'],
  'dash.breachNone': ['没有即将超时的事项', 'Nothing is about to breach a deadline'],
  'dash.leftIn': ['还剩 {span}', '{span} left'],
  'dash.overdueBy': ['已超时 {span}', '{span} late'],
  'dash.hm': ['{h} 小时 {m} 分', '{h} h {m} min'],
  'dash.m': ['{m} 分钟', '{m} min'],
  'dash.updated': ['更新于 {at}', 'Updated {at}'],
  'breach.complaint_first_response': ['投诉首次回应', 'Complaint: first response'],
  'breach.complaint_reply': ['投诉答复', 'Complaint: reply'],
  'breach.work_order_reply': ['报修 15 分钟回复', 'Repair: 15-minute reply'],
  'breach.renovation_engineering': ['装修工程审核', 'Renovation: engineering review'],
  'breach.renovation_approval': ['装修主任审批', 'Renovation: director approval'],
  'dash.trends': ['月度趋势', 'Trends by month'],
  'dash.trendMonths': ['月数', 'Months'],
  'dash.trendTable': ['查看数据表', 'Show the figures'],
  'trend.month': ['月份', 'Month'],
  'trend.complaints': ['投诉受理', 'Complaints received'],
  'trend.onTime': ['投诉及时率', 'Complaints on time'],
  'trend.completed': ['派工完工', 'Work orders completed'],
  'trend.rework': ['返工', 'Rework'],
  'trend.collection': ['当月账单收缴率', 'Collection of the month\'s bills'],
  'trend.count': ['件数', 'Count'],
  'dash.exports': ['导出 Excel', 'Export to Excel'],
  'dash.exportsHint': ['导出当前小区的数据（.xlsx）', 'Download the community\'s lists (.xlsx)'],
  'export.vacancy': ['空置房台账', 'Vacant units'],
  'export.arrears': ['欠费明细', 'Arrears'],
  'export.payments': ['本月收款', 'Payments this month'],
  'export.complaints': ['投诉清单', 'Complaints'],
  'export.work_orders': ['派工单清单', 'Work orders'],
  'export.bills': ['账单', 'Bills'],
  'export.period': ['账期', 'Billing period'],
  'export.done': ['已下载 {name}', 'Downloaded {name}'],
  'report.title': ['{community}客服中心月报', '{community} service center: monthly report'],
  'report.period': ['{month} · 制表时间 {at}', '{month} · made {at}'],
  'report.print': ['打印月报', 'Print the report'],
  'report.toDashboard': ['返回看板', 'Back to the dashboard'],
  'report.occupancy': ['一、入伙与装修', '1. Move-ins and renovation'],
  'report.handovers': ['收房', 'Units handed over'],
  'report.moveIns': ['入伙（入住）', 'Move-ins'],
  'report.renoApplications': ['装修申请', 'Renovation applications'],
  'report.renoStarted': ['装修开工（发施工许可证）', 'Renovations started (permits issued)'],
  'report.renoAccepted': ['装修验收合格', 'Renovations accepted'],
  'report.passes': ['施工人员出入证发放', 'Worker passes issued'],
  'report.passesReturned': ['出入证退还', 'Worker passes returned'],
  'report.hotWorkRequested': ['动火证申请', 'Hot-work permits requested'],
  'report.hotWork': ['动火证批准', 'Hot-work permits approved'],
  'report.renoOverdue': ['装修审批超时（当前）', 'Renovation reviews overdue (now)'],
  'report.complaints': ['二、投诉', '2. Complaints'],
  'report.received': ['受理投诉', 'Complaints received'],
  'report.validRate': ['投诉有效率', 'Valid complaints'],
  'report.firstRate': ['首次回应及时率', 'First response on time'],
  'report.onTimeRate': ['处理及时率', 'Answered on time'],
  'report.satisfaction': ['回访满意度', 'Satisfaction at revisit'],
  'report.byCategory': ['按类别', 'By category'],
  'report.byLevel': ['按级别', 'By level'],
  'report.orders': ['三、派工', '3. Work orders'],
  'report.ordersReceived': ['受理派工单', 'Work orders received'],
  'report.byKind': ['按类型', 'By kind'],
  'report.revenue': ['有偿服务收入', 'Paid-service revenue'],
  'report.fees': ['四、收费', '4. Fees'],
  'report.range': ['统计期', 'Period'],
  'report.billed': ['应收', 'Billed'],
  'report.collected': ['实收', 'Collected'],
  'report.arrearsStart': ['期初欠费', 'Arrears at start'],
  'report.recovered': ['收回欠费', 'Arrears recovered'],
  'report.thisMonth': ['本月 {r}', 'Month {r}'],
  'report.thisQuarter': ['本季度 {r}', 'Quarter {r}'],
  'report.patrols': ['五、空置房巡查', '5. Vacant-unit patrols'],
  'report.patrolDue': ['应巡查（已到期）', 'Patrols due'],
  'report.patrolDone': ['按时完成', 'Done on time'],
  'report.patrolMadeUp': ['补巡（逾期）', 'Made up late'],
  'report.patrolMissed': ['漏巡未补', 'Missed, not made up'],
  'report.patrolCarried': ['其中以前月份结转', 'of which from earlier months'],
  'report.item': ['项目', 'Item'],
  'report.count': ['数量', 'Count'],
  'report.rate': ['比率', 'Rate'],
  'report.made': ['制表', 'Prepared by'],
  'report.checked': ['审核', 'Checked by'],
});

// --- helpers ------------------------------------------------------------------

const thisMonth = () => today().slice(0, 7);
const isMonth = (m) => /^\d{4}-(0[1-9]|1[0-2])$/.test(m || '');
/** quarterOf: 2026-11 → 2026-Q4, the fee cycle the month belongs to. */
const quarterOf = (m) => `${m.slice(0, 4)}-Q${Math.floor((Number(m.slice(5, 7)) - 1) / 3) + 1}`;
const monthLabel = (m) => (lang() === 'en' ? m : `${m.slice(0, 4)}年${Number(m.slice(5, 7))}月`);

/** pct: 0.9286 → 92.9%; null → —. */
export function pct(v) {
  if (v === null || v === undefined) return '—';
  return `${(Math.round(v * 1000) / 10).toFixed(1).replace(/\.0$/, '')}%`;
}

const stats = (path, query) => pb.send('/api/stats/' + path, { method: 'GET', query });

/** verdict: 'ok' when value meets target, 'bad' when not, 'none' without data or target. */
function verdict(value, target, better) {
  if (value === null || value === undefined || target === undefined) return 'none';
  return (better === 'lower' ? value <= target : value >= target) ? 'ok' : 'bad';
}

/** remaining: "还剩 12 分钟" / "已超时 2 小时 5 分" from due to now. */
function remaining(due, now) {
  const d = parseDate(due);
  if (!d) return '';
  const ms = d.getTime() - now;
  const mins = Math.max(Math.round(Math.abs(ms) / 60000), ms < 0 ? 1 : 0);
  const h = Math.floor(mins / 60);
  const span = h ? t('dash.hm', { h, m: mins % 60 }) : t('dash.m', { m: mins });
  return ms < 0 ? t('dash.overdueBy', { span }) : t('dash.leftIn', { span });
}

/** useMonth keeps the chosen month, starting from ?month= or this month. */
function useMonth(query) {
  const start = query?.get('month');
  return useState(isMonth(start) ? start : thisMonth());
}

function MonthPicker({ month, setMonth, id }) {
  return html`<${Field} label=${t('dash.month')}>
    <input type="month" id=${id} value=${month} max=${thisMonth()} required
      onChange=${(e) => { if (isMonth(e.target.value)) setMonth(e.target.value); }} />
  <//>`;
}

// --- KPI tiles ------------------------------------------------------------------

function Tile({ id, title, value, shown, target, better, count, detail, pending, error }) {
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
      : (!pending && !error && (value === null || value === undefined) ? ' · ' + t('dash.noData') : '')}</div>
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
    { id: 'complaint-on-time', title: t('kpi.complaintOnTime'), value: c.on_time_rate, shown: pct(c.on_time_rate), target: c.targets.on_time_rate,
      detail: of(c.totals.reply_on_time, c.totals.reply_due) },
    { id: 'complaint-satisfaction', title: t('kpi.complaintSatisfaction'), value: c.satisfaction_rate, shown: pct(c.satisfaction_rate),
      target: c.targets.satisfaction_rate, detail: of(c.totals.satisfied + c.totals.basic, c.totals.revisited) },
    { id: 'reply15', title: t('kpi.reply15'), value: w.reply_rate, shown: pct(w.reply_rate), target: w.targets.reply_rate,
      detail: of(w.totals.reply_on_time, w.totals.reply_due) },
    { id: 'arrival', title: t('kpi.arrival'), value: w.arrival_rate, shown: pct(w.arrival_rate), target: 1,
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
      detail: html`${of(dash.patrols.done, dash.patrols.due)} · <span data-testid="patrol-outstanding">${t('kpi.patrolOutstanding', { n: dash.patrols.outstanding })}</span>` },
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

// --- trends (ECharts) -------------------------------------------------------------

function trendOption(rows) {
  const rate = (v) => (v === null || v === undefined ? null : Math.round(v * 1000) / 10);
  const font = 'system-ui, "PingFang SC", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif';
  return {
    textStyle: { fontFamily: font },
    color: ['#1e3a5f', '#0f766e', '#b45309', '#7c3aed', '#15803d'],
    // richText: drawn on the canvas; the HTML tooltip's inline styles are refused by the pages' CSP (hooks/ops.go).
    tooltip: { trigger: 'axis', renderMode: 'richText', valueFormatter: undefined },
    legend: { top: 0, type: 'scroll' },
    grid: { left: 8, right: 8, top: 56, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: rows.map((r) => r.month) },
    yAxis: [
      { type: 'value', name: t('trend.count'), minInterval: 1 },
      { type: 'value', name: '%', min: 0, max: 100, axisLabel: { formatter: '{value}%' }, splitLine: { show: false } },
    ],
    animationDuration: 300,
    series: [
      { name: t('trend.complaints'), type: 'bar', data: rows.map((r) => r.complaints) },
      { name: t('trend.completed'), type: 'bar', data: rows.map((r) => r.work_orders_completed) },
      { name: t('trend.rework'), type: 'bar', data: rows.map((r) => r.rework) },
      { name: t('trend.onTime'), type: 'line', yAxisIndex: 1, data: rows.map((r) => rate(r.complaints_on_time_rate)) },
      { name: t('trend.collection'), type: 'line', yAxisIndex: 1, data: rows.map((r) => rate(r.collection_rate)) },
    ],
  };
}

/** TrendChart draws rows on an ECharts canvas; disposed on unmount. */
function TrendChart({ rows }) {
  const el = useRef(null);
  const chart = useRef(null);
  useEffect(() => {
    chart.current = echarts.init(el.current, null, { renderer: 'canvas' });
    const resize = () => chart.current?.resize();
    addEventListener('resize', resize);
    return () => {
      removeEventListener('resize', resize);
      chart.current?.dispose();
      chart.current = null;
    };
  }, []);
  useEffect(() => { chart.current?.setOption(trendOption(rows), true); }, [rows, lang()]);
  return html`<div class="trend-chart" ref=${el} data-testid="trend-chart" role="img" aria-label=${t('dash.trends')}></div>`;
}

function Trends({ community, month, reloadRef }) {
  const [months, setMonths] = useState(6);
  const trends = useAsync(() => stats('trends', { community: community.id, months, month }), [community.id, month, months]);
  reloadRef.current = trends.reload;
  const rows = trends.data?.rows;
  return html`<section class="card" aria-labelledby="h-trends">
    <h2 id="h-trends">${t('dash.trends')}
      <label class="aside row"><span class="muted">${t('dash.trendMonths')}</span>
        <select value=${months} onChange=${(e) => setMonths(Number(e.target.value))}>
          ${[6, 12, 24].map((n) => html`<option value=${n}>${n}</option>`)}
        </select></label></h2>
    ${trends.loading && !rows ? html`<${Loading} />` : trends.error && !rows ? html`<${ErrorBox} error=${trends.error} retry=${trends.reload} />` : html`
      <${TrendChart} rows=${rows} />
      <details class="trend-table"><summary>${t('dash.trendTable')}</summary>
        <table class="t"><thead><tr><th>${t('trend.month')}</th><th class="num">${t('trend.complaints')}</th><th class="num">${t('trend.onTime')}</th>
          <th class="num">${t('trend.completed')}</th><th class="num">${t('trend.rework')}</th><th class="num">${t('trend.collection')}</th></tr></thead>
        <tbody>${rows.map((r) => html`<tr key=${r.month}><td>${r.month}</td><td class="num">${r.complaints}</td><td class="num">${pct(r.complaints_on_time_rate)}</td>
          <td class="num">${r.work_orders_completed}</td><td class="num">${r.rework}</td><td class="num">${pct(r.collection_rate)}</td></tr>`)}</tbody></table>
      </details>`}
  </section>`;
}

// --- exports ------------------------------------------------------------------------

/** download fetches an export with the session's token and saves the file. */
async function download(kind, params) {
  const res = await fetch(`/api/wuye/exports/${kind}?${new URLSearchParams(params)}`, {
    headers: { Authorization: pb.authStore.token, 'Accept-Language': lang() },
  });
  if (!res.ok) {
    let message = '';
    try { message = (await res.json()).message; } catch { /* not JSON */ }
    throw new Error(message || t(res.status === 403 ? 'err.forbidden' : 'err.unknown'));
  }
  const blob = await res.blob();
  const name = /filename="([^"]+)"/.exec(res.headers.get('Content-Disposition') || '')?.[1] || `${kind}.xlsx`;
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

function Exports({ community, month }) {
  const act = useAction();
  const [busy, setBusy] = useState('');
  const [period, setPeriod] = useState(quarterOf(month));
  useEffect(() => setPeriod(quarterOf(month)), [month]);
  const run = (kind, params) => act.run(async () => {
    setBusy(kind);
    try {
      const name = await download(kind, { community: community.id, ...params });
      toast(t('export.done', { name }));
    } finally {
      setBusy('');
    }
  });
  const button = (kind, params, text) => html`<button type="button" disabled=${act.busy} onClick=${() => run(kind, params)}>
    ${busy === kind ? t('loading') : text || t('export.' + kind)} (.xlsx)</button>`;
  return html`<section class="card exports no-print" aria-labelledby="h-exports">
    <h2 id="h-exports">${t('dash.exports')}</h2>
    <p class="muted small">${t('dash.exportsHint')}</p>
    <div class="row">
      ${button('vacancy', {})}
      ${button('arrears', {})}
      ${button('complaints', { range: month }, `${t('export.complaints')} ${month}`)}
      ${button('work_orders', { range: month }, `${t('export.work_orders')} ${month}`)}
      ${button('payments', { range: month }, `${t('export.payments')} ${month}`)}
      <span class="row export-bills">
        <label class="sr-only" for="export-period">${t('export.period')}</label>
        <select id="export-period" value=${period} onChange=${(e) => setPeriod(e.target.value)}>
          ${[quarterOf(month), month].map((p) => html`<option value=${p}>${p}</option>`)}
        </select>
        ${button('bills', { period }, `${t('export.bills')} ${period}`)}
      </span>
    </div>
    <${ErrorBox} error=${act.error} />
  </section>`;
}

// --- the dashboard ------------------------------------------------------------------

export function Dashboard({ community, query }) {
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
      </div>
    </div>
    ${live.loading && !live.data ? html`<${Loading} />` : live.error && !live.data ? html`<${ErrorBox} error=${live.error} retry=${live.reload} />` : html`
      ${live.error && html`<${ErrorBox} error=${live.error} retry=${live.reload} />`}
      <${Tiles} dash=${dash} complaints=${complaints} orders=${orders} fees=${fees} range=${range} />
      <div class="dash-cols">
        <${BreachList} items=${dash.breaching} now=${now} at=${dash.at} />
        <${Trends} community=${community} month=${month} reloadRef=${trendsReload} />
      </div>`}
    <${Exports} community=${community} month=${month} />
  </div>`;
}

// --- the monthly report ---------------------------------------------------------------

const CATEGORIES = ['security', 'cleaning', 'greening', 'engineering', 'mail', 'renovation', 'staff_attitude', 'other'];
const LEVELS = ['general', 'major', 'hot', 'collective'];
const KINDS = ['routine', 'paid', 'business'];

function CountTable({ title, vocab, codes, counts }) {
  const total = codes.reduce((s, c) => s + (counts?.[c] || 0), 0);
  return html`<table class="t"><caption>${title}</caption>
    <thead><tr><th>${t('report.item')}</th><th class="num">${t('report.count')}</th><th class="num">${t('report.rate')}</th></tr></thead>
    <tbody>${codes.map((c) => html`<tr key=${c}><td>${label(vocab, c)}</td><td class="num">${counts?.[c] || 0}</td>
      <td class="num">${total ? pct((counts?.[c] || 0) / total) : '—'}</td></tr>`)}</tbody></table>`;
}

const Figures = ({ rows }) => html`<table class="t figures"><tbody>
  ${rows.map(([k, v, testid]) => html`<tr key=${k}><th scope="row">${k}</th><td class="num" data-testid=${testid}>${v}</td></tr>`)}
</tbody></table>`;

/** FigureGrid sets a list of figures side by side in two tables. */
function FigureGrid({ rows }) {
  const half = Math.ceil(rows.length / 2);
  return html`<div class="report-2"><${Figures} rows=${rows.slice(0, half)} /><${Figures} rows=${rows.slice(half)} /></div>`;
}

export function MonthlyReport({ community, query }) {
  const [month, setMonth] = useMonth(query);
  const data = useAsync(async () => {
    const q = { community: community.id, month };
    const [dash, complaints, orders, feesMonth, feesQuarter] = await Promise.all([
      stats('dashboard', q), stats('complaints', q), stats('work-orders', q),
      stats('fees', { community: community.id, range: month }), stats('fees', { community: community.id, range: quarterOf(month) }),
    ]);
    return { dash, complaints, orders, feesMonth, feesQuarter };
  }, [community.id, month]);

  let body;
  if (data.loading && !data.data) body = html`<${Loading} />`;
  else if (data.error && !data.data) body = html`<${ErrorBox} error=${data.error} retry=${data.reload} />`;
  else {
    const { dash, complaints: c, orders: w, feesMonth, feesQuarter } = data.data;
    const r = dash.report;
    const feeRow = (key, res, range) => {
      const x = res.rows?.[0];
      return html`<tr><th scope="row">${t(key, { r: range })}</th><td class="num">${x ? yuan(x.billed_fen) : '—'}</td><td class="num">${x ? yuan(x.collected_fen) : '—'}</td>
        <td class="num">${pct(x?.collection_rate)}</td><td class="num">${x ? yuan(x.arrears_start_fen) : '—'}</td><td class="num">${x ? yuan(x.recovered_fen) : '—'}</td>
        <td class="num">${pct(x?.recovery_rate)}</td></tr>`;
    };
    body = html`<article class="report" aria-labelledby="report-title">
      <header>
        <h1 id="report-title">${t('report.title', { community: community.name })}</h1>
        <p class="muted small center">${t('report.period', { month: monthLabel(month), at: dateTime(dash.at) })}</p>
      </header>
      <section aria-labelledby="r-occ"><h2 id="r-occ">${t('report.occupancy')}</h2>
        <${FigureGrid} rows=${[
          [t('report.handovers'), r.handovers, 'r-handovers'], [t('report.moveIns'), r.move_ins, 'r-move-ins'],
          [t('report.renoApplications'), r.renovation_applications, 'r-reno-applications'], [t('report.renoStarted'), r.renovations_started, 'r-reno-started'],
          [t('report.renoAccepted'), r.renovations_accepted, 'r-reno-accepted'], [t('report.passes'), r.passes_issued, 'r-passes'],
          [t('report.passesReturned'), r.passes_returned, 'r-passes-returned'], [t('report.hotWorkRequested'), r.hot_work_requested, 'r-hot-work-requested'],
          [t('report.hotWork'), r.hot_work_approved, 'r-hot-work'], [t('report.renoOverdue'), dash.renovation_reviews.overdue, 'r-reno-overdue'],
        ]} />
      </section>
      <section aria-labelledby="r-comp"><h2 id="r-comp">${t('report.complaints')}</h2>
        <${FigureGrid} rows=${[
          [t('report.received'), r.complaints, 'r-complaints'], [t('report.validRate'), pct(c.valid_rate), 'r-valid-rate'],
          [t('report.firstRate'), pct(c.first_response_rate), 'r-first-rate'], [t('report.onTimeRate'), pct(c.on_time_rate), 'r-on-time'],
          [t('report.satisfaction'), pct(c.satisfaction_rate), 'r-satisfaction'],
        ]} />
        <div class="report-2">
          <${CountTable} title=${t('report.byCategory')} vocab="complaint_category" codes=${CATEGORIES} counts=${r.complaints_by_category} />
          <${CountTable} title=${t('report.byLevel')} vocab="complaint_level" codes=${LEVELS} counts=${r.complaints_by_level} />
        </div>
      </section>
      <section aria-labelledby="r-orders"><h2 id="r-orders">${t('report.orders')}</h2>
        <div class="report-2">
          <${Figures} rows=${[
            [t('report.ordersReceived'), w.totals.total, 'r-orders'], [t('kpi.reply15'), pct(w.reply_rate), 'r-reply15'],
            [t('kpi.arrival'), pct(w.arrival_rate), 'r-arrival'], [t('kpi.rework'), pct(w.rework_rate), 'r-rework'],
            [t('kpi.orderSatisfaction'), pct(w.satisfaction_rate), 'r-order-satisfaction'], [t('kpi.homeVisit'), pct(w.home_visit_share), 'r-home-visit'],
            [t('report.revenue'), yuan(w.totals.revenue_fen), 'r-revenue'],
          ]} />
          <${CountTable} title=${t('report.byKind')} vocab="work_kind" codes=${KINDS} counts=${w.by_kind} />
        </div>
      </section>
      <section aria-labelledby="r-fees"><h2 id="r-fees">${t('report.fees')}</h2>
        <div class="table-scroll"><table class="t"><thead><tr><th>${t('report.range')}</th><th class="num">${t('report.billed')}</th><th class="num">${t('report.collected')}</th>
          <th class="num">${t('kpi.collection')}</th><th class="num">${t('report.arrearsStart')}</th><th class="num">${t('report.recovered')}</th><th class="num">${t('kpi.recovery')}</th></tr></thead>
        <tbody>${feeRow('report.thisMonth', feesMonth, month)}${feeRow('report.thisQuarter', feesQuarter, quarterOf(month))}</tbody></table></div>
      </section>
      <section aria-labelledby="r-patrol"><h2 id="r-patrol">${t('report.patrols')}</h2>
        <${FigureGrid} rows=${[
          [t('report.patrolDue'), dash.patrols.due, 'r-patrol-due'], [t('report.patrolDone'), dash.patrols.done, 'r-patrol-done'],
          [t('report.patrolMadeUp'), dash.patrols.made_up, 'r-patrol-made-up'], [t('report.patrolMissed'), dash.patrols.outstanding, 'r-patrol-missed'],
          [t('report.patrolCarried'), dash.patrols.carried_over, 'r-patrol-carried'], [t('kpi.patrol'), pct(dash.patrols.coverage), 'r-patrol-coverage'],
        ]} />
      </section>
      <footer class="report-sign"><span>${t('report.made')}：</span><span>${t('report.checked')}：</span></footer>
    </article>`;
  }
  return html`<div class="report-page">
    <div class="row dash-head no-print">
      <h1>${t('menu.report')}</h1>
      <div class="row dash-tools">
        <${MonthPicker} month=${month} setMonth=${setMonth} id="report-month" />
        <button type="button" class="primary" onClick=${() => window.print()} disabled=${!data.data}>${t('report.print')}</button>
        <a class="button-link" href=${'#/dashboard?month=' + month}>${t('report.toDashboard')}</a>
      </div>
    </div>
    ${data.error && data.data && html`<${ErrorBox} error=${data.error} retry=${data.reload} />`}
    ${body}
  </div>`;
}
