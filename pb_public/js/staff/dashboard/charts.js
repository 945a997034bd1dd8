// The dashboard's trends by month (ECharts) and its .xlsx exports.
// ECharts (1 MB) is imported when a chart is drawn, not with the workspace:
// the field app and the other screens never download it.
import { html, useState, useEffect, useRef } from '../../core/html.js';
import { t, lang, addMessages } from '../../core/i18n.js';
import { Loading, ErrorBox, useAsync, useAction, toast } from '../../core/ui.js';
import { quarterOf, pct, stats, download } from './common.js';

addMessages({
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
});

function trendOption(rows) {
  const rate = (v) => (v === null || v === undefined ? null : Math.round(v * 1000) / 10);
  const font = 'system-ui, "PingFang SC", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif';
  return {
    textStyle: { fontFamily: font },
    color: ['#1e3a5f', '#0f766e', '#b45309', '#7c3aed', '#15803d'],
    // richText: drawn on the canvas; the HTML tooltip's inline styles are refused by the pages' CSP (hooks/ops_pages.go).
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
  const [ready, setReady] = useState(false);
  useEffect(() => {
    let gone = false;
    const resize = () => chart.current?.resize();
    import('echarts').then((echarts) => {
      if (gone || !el.current) return;
      chart.current = echarts.init(el.current, null, { renderer: 'canvas' });
      addEventListener('resize', resize);
      setReady(true);
    });
    return () => {
      gone = true;
      removeEventListener('resize', resize);
      chart.current?.dispose();
      chart.current = null;
    };
  }, []);
  useEffect(() => { chart.current?.setOption(trendOption(rows), true); }, [rows, lang(), ready]);
  return html`<div class="trend-chart" ref=${el} data-testid="trend-chart" role="img" aria-label=${t('dash.trends')}></div>`;
}

export function Trends({ community, month, reloadRef }) {
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

export function Exports({ community, month }) {
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
