// The daily cash close (#/cash-close, 日结) by payment method, printable.
import { html, useState } from '../../core/html.js';
import { pb } from '../../core/api.js';
import { t, addMessages, label } from '../../core/i18n.js';
import { dateTime, today, unitName } from '../../core/format.js';
import { Loading, ErrorBox, Empty, Field, useAsync } from '../../core/ui.js';
import { Money } from './common.js';

addMessages({
  'close.title': ['收费员日结', 'Cash close'],
  'close.day': ['日期', 'Day'],
  'close.cashier': ['收费员', 'Cashier'],
  'close.me': ['我自己', 'Myself'],
  'close.byMethod': ['按付款方式', 'By method'],
  'close.receipts': ['收款笔数', 'Receipts'],
  'close.reversals': ['冲正笔数', 'Reversals'],
  'close.amount': ['金额', 'Amount'],
  'close.total': ['合计', 'Total'],
  'close.capitals': ['合计（大写）', 'Total in capitals'],
  'close.nothing': ['这一天没有收款', 'No payments on this day'],
  'close.list': ['收款明细', 'Payments'],
  'close.serial': ['收据号', 'Receipt'],
  'close.time': ['时间', 'Time'],
  'close.unit': ['房号', 'Unit'],
  'close.signCashier': ['收费员签字', 'Cashier'],
  'close.signFinance': ['财务签收', 'Received by finance'],
  'close.signDate': ['日期', 'Date'],
});

/** dayRange is the UTC span of a Shanghai civil day, for filters on created. */
function dayRange(day) {
  const from = new Date(`${day}T00:00:00+08:00`);
  return { from, to: new Date(from.getTime() + 86400000) };
}

export function CashClose({ me, community }) {
  const [day, setDay] = useState(today());
  const [cashier, setCashier] = useState(me.role === 'cashier' ? me.id : '');
  const manager = me.role === 'supervisor' || me.role === 'director';
  const who = cashier || me.id;
  const valid = /^\d{4}-\d{2}-\d{2}$/.test(day);
  const cashiers = useAsync(() => (manager ? pb.collection('staff').getFullList({
    filter: pb.filter('role = "cashier" && communities ?= {:c}', { c: community.id }), sort: 'name',
  }) : Promise.resolve([])), [community.id, manager]);
  const close = useAsync(() => (valid ? pb.send('/api/wuye/cash-close', { method: 'GET', query: cashier ? { day, cashier } : { day } }) : Promise.resolve(null)), [day, cashier]);
  const list = useAsync(() => {
    if (!valid) return Promise.resolve([]);
    const { from, to } = dayRange(day);
    return pb.collection('payments').getFullList({
      filter: pb.filter('received_by = {:s} && created >= {:from} && created < {:to}', { s: who, from, to }),
      expand: 'unit.building,reverses', sort: 'created',
    });
  }, [day, who]);
  const whoName = cashier && cashier !== me.id ? (cashiers.data || []).find((c) => c.id === cashier)?.name || '' : me.name;
  return html`
    <div class="row between no-print"><h1>${t('close.title')}</h1>
      <button type="button" class="primary" onClick=${() => window.print()}>${t('print')}</button></div>
    <form class="card row no-print close-pick" onSubmit=${(e) => e.preventDefault()}>
      <${Field} label=${t('close.day')}><input type="date" name="day" max=${today()} value=${day} onInput=${(e) => e.target.value && setDay(e.target.value)} /><//>
      ${manager && html`<${Field} label=${t('close.cashier')}>
        <select value=${cashier} onChange=${(e) => setCashier(e.target.value)}>
          <option value="">${t('close.me')}</option>
          ${(cashiers.data || []).map((c) => html`<option value=${c.id}>${c.name}</option>`)}
        </select><//>`}
    </form>
    <article class="card cash-close" aria-labelledby="close-title">
      <h2 id="close-title" class="close-title">${community.name} · ${t('close.title')} · ${day} · ${whoName}</h2>
      ${close.loading && !close.data ? html`<${Loading} />` : close.error ? html`<${ErrorBox} error=${close.error} retry=${close.reload} />` : close.data && html`
        <h3>${t('close.byMethod')}</h3>
        ${!close.data.methods.length ? html`<${Empty} text=${t('close.nothing')} />` : html`
        <table class="t close-methods" data-testid="close-methods">
          <thead><tr><th>${t('cashier.method')}</th><th class="num">${t('close.receipts')}</th><th class="num">${t('close.reversals')}</th><th class="num">${t('close.amount')}</th></tr></thead>
          <tbody>${close.data.methods.map((m) => html`<tr key=${m.method} data-method=${m.method}>
            <td>${label('method', m.method)}</td><td class="num">${m.receipts}</td><td class="num">${m.reversals}</td><td class="num"><${Money} fen=${m.amount_fen} /></td></tr>`)}</tbody>
          <tfoot><tr><th>${t('close.total')}</th><td></td><td></td><td class="num" data-testid="close-total"><${Money} fen=${close.data.total_fen} strong /></td></tr>
            <tr><th>${t('close.capitals')}</th><td colspan="3" class="num">${close.data.total_capitals}</td></tr></tfoot>
        </table>`}`}
      <h3>${t('close.list')}</h3>
      ${list.loading && !list.data ? html`<${Loading} />` : list.error ? html`<${ErrorBox} error=${list.error} retry=${list.reload} />`
        : !list.data.length ? html`<${Empty} text=${t('close.nothing')} />` : html`
        <div class="table-wrap"><table class="t close-list">
          <thead><tr><th>${t('close.serial')}</th><th>${t('close.time')}</th><th>${t('close.unit')}</th><th>${t('cashier.method')}</th><th>${t('cashier.payer')}</th><th class="num">${t('close.amount')}</th></tr></thead>
          <tbody>${list.data.map((p) => html`<tr key=${p.id} class=${p.amount_fen < 0 ? 'reversal' : ''}>
            <td><a href=${'#/print/receipt/' + p.id}>${p.serial}</a>${p.reverses ? html`<div class="small muted">${t('cashier.reverses', { serial: p.expand?.reverses?.serial || '' })}</div>` : ''}</td>
            <td>${dateTime(p.created).slice(11)}</td><td>${unitName(p.expand?.unit)}</td><td>${label('method', p.method)}</td><td>${p.payer_name}</td>
            <td class="num"><${Money} fen=${p.amount_fen} /></td></tr>`)}</tbody>
        </table></div>`}
      <div class="sign-lines">
        <span>${t('close.signCashier')}${t('cashier.colon')}<i></i></span><span>${t('close.signFinance')}${t('cashier.colon')}<i></i></span><span>${t('close.signDate')}${t('cashier.colon')}<i></i></span>
      </div>
    </article>`;
}
