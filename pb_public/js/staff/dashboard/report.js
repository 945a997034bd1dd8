// The monthly service-center report (#/report), printable on A4.
import { html } from '../../core/html.js';
import { t, addMessages, label } from '../../core/i18n.js';
import { yuan, dateTime } from '../../core/format.js';
import { Loading, ErrorBox, useAsync, useAction, toast } from '../../core/ui.js';
import { quarterOf, monthLabel, pct, stats, useMonth, MonthPicker, download } from './common.js';

addMessages({
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
  'report.collected': ['实收（全部收款）', 'Collected (all payments)'],
  'report.collectedCurrent': ['其中当期账单', 'of which on the period\'s bills'],
  'report.export': ['导出 Excel', 'Export to Excel'],
  'report.exported': ['已下载 {name}', 'Downloaded {name}'],
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
  'report.desk': ['六、前台登记与走访', '6. Front-desk registers and visits'],
  'report.enquiries': ['咨询', 'Enquiries'],
  'report.incidents': ['紧急求援与特别事件', 'Emergencies and incidents'],
  'report.parcels': ['邮件包裹代收', 'Mail and parcels received'],
  'report.lostItems': ['拾遗物品', 'Lost and found items'],
  'report.goodsPasses': ['物品出门条', 'Goods passes'],
  'report.visits': ['管理员走访', "Area managers' visits"],
  'report.item': ['项目', 'Item'],
  'report.count': ['数量', 'Count'],
  'report.rate': ['比率', 'Rate'],
  'report.made': ['制表', 'Prepared by'],
  'report.checked': ['审核', 'Checked by'],
});

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
  const act = useAction();
  const exportSheet = () => act.run(async () => {
    const name = await download('report', { community: community.id, month });
    toast(t('report.exported', { name }));
  });
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
      return html`<tr><th scope="row">${t(key, { r: range })}</th><td class="num">${x ? yuan(x.billed_fen) : '—'}</td><td class="num" data-testid=${'r-received-' + key.slice(7)}>${x ? yuan(x.received_fen) : '—'}</td>
        <td class="num">${x ? yuan(x.collected_fen) : '—'}</td>
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
        <div class="table-scroll"><table class="t"><thead><tr><th>${t('report.range')}</th><th class="num">${t('report.billed')}</th><th class="num">${t('report.collected')}</th><th class="num">${t('report.collectedCurrent')}</th>
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
      <section aria-labelledby="r-desk"><h2 id="r-desk">${t('report.desk')}</h2>
        <${FigureGrid} rows=${[
          [t('report.enquiries'), dash.report.enquiries ?? 0, 'r-enquiries'], [t('report.incidents'), dash.report.incidents ?? 0, 'r-incidents'],
          [t('report.parcels'), dash.report.parcels ?? 0, 'r-parcels'], [t('report.lostItems'), dash.report.lost_items ?? 0, 'r-lost-items'],
          [t('report.goodsPasses'), dash.report.goods_passes ?? 0, 'r-goods-passes'], [t('report.visits'), dash.report.visits ?? 0, 'r-visits'],
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
        <button type="button" onClick=${exportSheet} disabled=${act.busy}>${t('report.export')} (.xlsx)</button>
        <a class="button-link" href=${'#/dashboard?month=' + month}>${t('report.toDashboard')}</a>
      </div>
    </div>
    ${data.error && data.data && html`<${ErrorBox} error=${data.error} retry=${data.reload} />`}
    <${ErrorBox} error=${act.error} />
    ${body}
  </div>`;
}
