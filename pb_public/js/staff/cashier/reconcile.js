// Online takings against the provider's statement (#/online-checks, 线上收款
// 对账; docs/DESIGN.md § Fees): pick a day and a provider, run the check
// (Wuye fetches the provider's statement and compares it with the day's
// settled orders, online_reconciliations), and read what is missing on
// either side or differs in amount. The checks kept so far are listed; the
// nightly job checks the day before by itself.
import { html, useState } from '../../core/html.js';
import { pb, fieldErrors } from '../../core/api.js';
import { t, addMessages, label } from '../../core/i18n.js';
import { yuan, dateTime, today } from '../../core/format.js';
import { Loading, ErrorBox, Empty, Field, useAsync, useAction, toast } from '../../core/ui.js';
import { useRealtime } from '../../core/realtime.js';
import { Money } from './common.js';

addMessages({
  'rec.title': ['线上收款对账', 'Online takings check'],
  'rec.intro': ['把一天里线上支付（微信、支付宝）已入账的订单与支付机构的对账单逐笔核对；每晚系统自动核对前一天，有差异会通知收费员和主管。',
    'Checks a day\'s settled online orders (WeChat, Alipay) one by one against the provider\'s statement; each night the day before is checked by itself and a difference is sent to the cashiers and the supervisor.'],
  'rec.day': ['日期', 'Day'],
  'rec.provider': ['支付方式', 'Provider'],
  'rec.run': ['核对这一天', 'Check this day'],
  'rec.matched': ['核对一致', 'All matched'],
  'rec.mismatched': ['{n} 笔差异', '{n} differences'],
  'rec.status.matched': ['一致', 'Matched'],
  'rec.status.mismatched': ['有差异', 'Differences'],
  'rec.list': ['已做的对账', 'Checks made'],
  'rec.none': ['还没有对账记录', 'No check yet'],
  'rec.summary': ['我方 {orders} 笔 {ours}，对账单 {lines} 笔 {theirs}', 'Ours {orders} for {ours}; statement {lines} for {theirs}'],
  'rec.by': ['核对人', 'Checked by'],
  'rec.byJob': ['系统夜间核对', 'Nightly check'],
  'rec.kind': ['差异', 'Difference'],
  'rec.trade': ['订单号', 'Order'],
  'rec.txn': ['支付流水号', 'Provider ref.'],
  'rec.ours': ['我方金额', 'Ours'],
  'rec.theirs': ['对账单金额', 'Statement'],
  'rec.kind.missing_in_statement': ['对账单上没有', 'Not on the statement'],
  'rec.kind.missing_in_orders': ['我方没有此笔入账', 'Not settled by us'],
  'rec.kind.amount_differs': ['金额不符', 'Amounts differ'],
  'rec.kind.duplicate': ['对账单重复', 'Listed twice'],
  'rec.noDiff': ['没有差异', 'No difference'],
});

const yesterday = () => new Date(new Date(today() + 'T12:00:00+08:00').getTime() - 86400000).toISOString().slice(0, 10);

export function OnlineChecks({ community }) {
  const [day, setDay] = useState(yesterday());
  const [provider, setProvider] = useState('wechat');
  const [open, setOpen] = useState('');
  const act = useAction();
  const list = useAsync(() => pb.collection('online_reconciliations').getList(1, 30, {
    filter: pb.filter('community = {:c}', { c: community.id }), sort: '-day,-created', expand: 'checked_by', skipTotal: true,
  }).then((r) => r.items), [community.id]);
  useRealtime('online_reconciliations', '*', list.reload, { filter: pb.filter('community = {:c}', { c: community.id }), onReconnect: list.reload }, [community.id]);
  const run = async (e) => {
    e.preventDefault();
    const saved = await act.run(() => pb.collection('online_reconciliations').create({ community: community.id, provider, day }));
    if (saved) {
      toast(saved.mismatches ? t('rec.mismatched', { n: saved.mismatches }) : t('rec.matched'));
      setOpen(saved.id);
      list.reload();
    }
  };
  const errs = fieldErrors(act.error);
  return html`
    <h1>${t('rec.title')}</h1>
    <p class="small muted">${t('rec.intro')}</p>
    <form class="card row" onSubmit=${run} aria-label=${t('rec.title')}>
      <${Field} label=${t('rec.day')} error=${errs.day}><input type="date" name="day" max=${today()} value=${day} onInput=${(e) => e.target.value && setDay(e.target.value)} /><//>
      <${Field} label=${t('rec.provider')} error=${errs.provider}>
        <select name="provider" value=${provider} onChange=${(e) => setProvider(e.target.value)}>
          ${['wechat', 'alipay'].map((p) => html`<option value=${p} key=${p}>${label('method', p)}</option>`)}
        </select><//>
      <button class="primary" disabled=${act.busy}>${t('rec.run')}</button>
      <${ErrorBox} error=${act.error && !errs.day && !errs.provider ? act.error : null} />
    </form>
    <section class="card" aria-labelledby="h-rec-list">
      <h2 id="h-rec-list">${t('rec.list')}</h2>
      ${list.loading && !list.data ? html`<${Loading} />` : list.error ? html`<${ErrorBox} error=${list.error} retry=${list.reload} />`
        : !list.data.length ? html`<${Empty} text=${t('rec.none')} />` : html`
        <ul class="list" data-testid="checks">${list.data.map((r) => html`<${Check} key=${r.id} r=${r} open=${open === r.id} toggle=${() => setOpen(open === r.id ? '' : r.id)} />`)}</ul>`}
    </section>`;
}

function Check({ r, open, toggle }) {
  return html`<li data-testid="check" data-day=${r.day} data-provider=${r.provider} data-status=${r.status}>
    <div class="item"><div class="main">
      <div class="t">${r.day} · ${label('method', r.provider)} · <span class=${'chip s-' + (r.status === 'matched' ? 'closed' : 'bad')}>${t('rec.status.' + r.status)}</span>
        ${r.mismatches > 0 && html` ${t('rec.mismatched', { n: r.mismatches })}`}</div>
      <div class="sub">${t('rec.summary', { orders: r.orders, ours: yuan(r.orders_fen), lines: r.statement_lines, theirs: yuan(r.statement_fen) })}
        · ${r.expand?.checked_by?.name || t('rec.byJob')} · ${dateTime(r.created)}</div></div>
      <button type="button" aria-expanded=${open} onClick=${toggle}>${t('rec.kind')}</button></div>
    ${open && (!r.lines?.length ? html`<p class="small muted">${t('rec.noDiff')}</p>` : html`<div class="table-wrap"><table class="t" data-testid="mismatches">
      <thead><tr><th>${t('rec.kind')}</th><th>${t('rec.trade')}</th><th>${t('rec.txn')}</th><th class="num">${t('rec.ours')}</th><th class="num">${t('rec.theirs')}</th></tr></thead>
      <tbody>${r.lines.map((m, i) => html`<tr key=${i} data-kind=${m.kind}><td>${t('rec.kind.' + m.kind)}</td><td>${m.trade_no}</td><td class="small">${m.provider_txn_id || ''}</td>
        <td class="num"><${Money} fen=${m.ours_fen} /></td><td class="num"><${Money} fen=${m.theirs_fen} /></td></tr>`)}</tbody>
    </table></div>`)}
  </li>`;
}
