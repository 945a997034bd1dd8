// Taking a payment at the cashier's desk (allocated to the chosen bills or
// oldest first by the server), the unit's payments, and reversing one.
import { html, useState, useEffect } from '../../core/html.js';
import { pb, fieldErrors } from '../../core/api.js';
import { t, addMessages, label, choices } from '../../core/i18n.js';
import { yuan, owed, dateTime, unitName, parseYuan } from '../../core/format.js';
import { Loading, ErrorBox, Empty, Field, useAction, confirmBox, toast } from '../../core/ui.js';
import { billItem, Money, ladderText } from './common.js';

addMessages({
  'cashier.openBills': ['待缴账单', 'Open bills'],
  'cashier.noOpenBills': ['这个房屋没有待缴账单', 'This unit owes nothing'],
  'cashier.item': ['收费项目', 'Fee item'],
  'cashier.period': ['账期', 'Period'],
  'cashier.amount': ['应收', 'Amount'],
  'cashier.paid': ['已缴', 'Paid'],
  'cashier.lateFee': ['滞纳金', 'Late fee'],
  'cashier.discount': ['减免', 'Discount'],
  'cashier.owed': ['欠费', 'Owed'],
  'cashier.dueOn': ['期限', 'Due'],
  'cashier.choose': ['选择账单 {serial}', 'Choose bill {serial}'],
  'cashier.totalOwed': ['合计欠费', 'Total owed'],
  'cashier.take': ['收款', 'Take a payment'],
  'cashier.amountYuan': ['收款金额（元）', 'Amount (yuan)'],
  'cashier.amountHint': ['最多两位小数', 'Up to two decimals'],
  'cashier.fillOwed': ['填入应缴 {amount}', 'Fill in {amount}'],
  'cashier.note': ['备注', 'Note'],
  'cashier.allocSelected': ['冲抵所选的 {n} 张账单（从最早的开始）', 'Goes to the {n} chosen bills, oldest first'],
  'cashier.allocOldest': ['未选择账单：从最早的待缴账单开始冲抵', 'No bill chosen: goes to the oldest open bills first'],
  'cashier.overHint': ['金额超过应缴 {amount}，服务器会拒收', 'More than the {amount} owed; the server will refuse it'],
  'cashier.amountInvalid': ['请输入大于 0 的金额，最多两位小数', 'Enter an amount above 0 with at most two decimals'],
  'cashier.submit': ['确认收款', 'Take payment'],
  'cashier.confirmTitle': ['确认收款 {amount}（{method}）？', 'Take {amount} ({method})?'],
  'cashier.confirmBody': ['房屋 {unit}，交款人 {payer}。收款后不能修改或删除，如有错误只能冲正。', 'Unit {unit}, paid by {payer}. A payment is never changed or deleted; a mistake is corrected by a reversal.'],
  'cashier.noPayer': ['（未填）', '(not given)'],
  'cashier.payments': ['收款记录', 'Payments'],
  'cashier.noPayments': ['这个房屋还没有收款记录', 'No payments for this unit yet'],
  'cashier.receipt': ['收据', 'Receipt'],
  'cashier.reverse': ['冲正', 'Reverse'],
  'cashier.reversal': ['冲正', 'Reversal'],
  'cashier.reversedBy': ['已被 {serial} 冲正', 'Reversed by {serial}'],
  'cashier.online': ['网上缴费', 'Paid online'],
  'cashier.by': ['收款人 {name}', 'Taken by {name}'],
  'cashier.reverseTitle': ['冲正收据 {serial}', 'Reverse receipt {serial}'],
  'cashier.reason': ['冲正原因', 'Reason for the reversal'],
  'cashier.reasonHint': ['例如：金额录错、收错房屋', 'e.g. wrong amount, wrong unit'],
  'cashier.reverseGo': ['冲正这笔收款', 'Reverse this payment'],
  'cashier.reverseConfirm': ['确认冲正 {serial}？', 'Reverse {serial}?'],
  'cashier.reverseBody': ['将生成一笔 {amount} 的冲正收款，原收款冲抵的账单恢复为待缴。每笔收款只能冲正一次，冲正后不能撤销。', 'A reversing payment of {amount} is made and the bills it paid are owed again. A payment is reversed once only, and a reversal cannot be undone.'],
});

export function BillsAndPay({ unit, bills, ladder, mayTake, defaultPayer, onPaid }) {
  const [chosen, setChosen] = useState([]);
  const [amount, setAmount] = useState('');
  const [method, setMethod] = useState('cash');
  const [payer, setPayer] = useState('');
  const [note, setNote] = useState('');
  const [localError, setLocalError] = useState('');
  const act = useAction();
  useEffect(() => { if (!payer && defaultPayer) setPayer(defaultPayer); }, [defaultPayer]);

  if (bills.loading && !bills.data) return html`<section class="card"><h2>${t('cashier.openBills')}</h2><${Loading} /></section>`;
  if (bills.error) return html`<section class="card"><h2>${t('cashier.openBills')}</h2><${ErrorBox} error=${bills.error} retry=${bills.reload} /></section>`;
  const list = bills.data;
  const live = chosen.filter((id) => list.some((b) => b.id === id));
  const pool = live.length ? list.filter((b) => live.includes(b.id)) : list;
  const poolOwed = pool.reduce((s, b) => s + Math.max(owed(b), 0), 0);
  const total = list.reduce((s, b) => s + Math.max(owed(b), 0), 0);
  const fen = parseYuan(amount);
  const toggle = (id) => setChosen(live.includes(id) ? live.filter((x) => x !== id) : [...live, id]);

  const submit = async (e) => {
    e.preventDefault();
    setLocalError('');
    if (!fen || fen <= 0) { setLocalError(t('cashier.amountInvalid')); return; }
    const ok = await confirmBox({
      title: t('cashier.confirmTitle', { amount: yuan(fen), method: label('method', method) }),
      body: t('cashier.confirmBody', { unit: unitName(unit), payer: payer.trim() || t('cashier.noPayer') }),
      ok: t('cashier.submit'),
    });
    if (!ok) return;
    const saved = await act.run(() => pb.collection('payments').create({
      unit: unit.id, amount_fen: fen, method, payer_name: payer.trim(), bills: live, note: note.trim(),
    }));
    if (saved) {
      toast(t('cashier.done', { amount: yuan(saved.amount_fen), serial: saved.serial }));
      setAmount(''); setNote(''); setChosen([]);
      onPaid(saved);
    }
  };
  const errs = fieldErrors(act.error);
  return html`
    <section class="card" aria-labelledby="bills-title">
      <h2 id="bills-title">${t('cashier.openBills')}<span class="aside">${t('cashier.totalOwed')} <${Money} fen=${total} strong /></span></h2>
      ${!list.length ? html`<${Empty} text=${t('cashier.noOpenBills')} />` : html`
      <div class="table-wrap"><table class="t bills-table">
        <thead><tr>${mayTake && html`<th><span class="sr-only">${t('cashier.take')}</span></th>`}<th>${t('cashier.item')}</th><th>${t('cashier.period')}</th>
          <th class="num">${t('cashier.amount')}</th><th class="num">${t('cashier.paid')}</th><th class="num">${t('cashier.lateFee')}</th><th class="num">${t('cashier.owed')}</th><th>${t('cashier.dueOn')}</th></tr></thead>
        <tbody>${list.map((b) => html`<tr key=${b.id} data-bill=${b.id}>
          ${mayTake && html`<td class="pick"><input type="checkbox" checked=${live.includes(b.id)} onChange=${() => toggle(b.id)} aria-label=${t('cashier.choose', { serial: b.serial })} /></td>`}
          <td class="item">${billItem(b)}<div class="small muted">${b.serial}</div></td>
          <td class="period">${b.period}<div class="small muted">${b.period_start} – ${b.period_end}</div></td>
          <td class="num amt" data-label=${t('cashier.amount')}>${yuan(b.amount_fen)}${b.discount_fen ? html`<div class="small muted">${t('cashier.discount')} ${yuan(b.discount_fen)}</div>` : ''}</td>
          <td class="num paid" data-label=${t('cashier.paid')}>${yuan(b.paid_fen)}</td>
          <td class="num late" data-label=${t('cashier.lateFee')}>${yuan(b.late_fee_fen)}</td>
          <td class="num owed"><b>${yuan(owed(b))}</b></td>
          <td class="due">${b.due_on}${b.reminder_stage ? html`<div class="small warn ladder" data-testid="ladder">${ladderText(b, ladder)}</div>` : ''}</td>
        </tr>`)}</tbody>
      </table></div>`}
    </section>
    ${mayTake && list.length > 0 && html`
    <form class="card stack pay-form" onSubmit=${submit} novalidate aria-labelledby="pay-title">
      <h2 id="pay-title">${t('cashier.take')}</h2>
      <p class="small muted" data-testid="allocation">${live.length ? t('cashier.allocSelected', { n: live.length }) : t('cashier.allocOldest')}</p>
      <div class="grid2">
        <${Field} label=${t('cashier.amountYuan')} required hint=${t('cashier.amountHint')} error=${localError || errs.amount_fen}>
          <input type="text" inputmode="decimal" name="amount" value=${amount} onInput=${(e) => setAmount(e.target.value)} /><//>
        <${Field} label=${t('cashier.method')} required error=${errs.method}>
          <select name="method" value=${method} onChange=${(e) => setMethod(e.target.value)}>
            ${choices('method').map((m) => html`<option value=${m.code}>${m.text}</option>`)}
          </select><//>
        <${Field} label=${t('cashier.payer')} error=${errs.payer_name}>
          <input type="text" name="payer_name" maxlength="50" value=${payer} onInput=${(e) => setPayer(e.target.value)} /><//>
        <${Field} label=${t('cashier.note')} error=${errs.note}>
          <input type="text" name="note" maxlength="500" value=${note} onInput=${(e) => setNote(e.target.value)} /><//>
      </div>
      <div class="row">
        <button type="button" class="ghost" onClick=${() => setAmount((poolOwed / 100).toFixed(2))}>${t('cashier.fillOwed', { amount: yuan(poolOwed) })}</button>
        ${fen > poolOwed && html`<small class="warn" role="note">${t('cashier.overHint', { amount: yuan(poolOwed) })}</small>`}
      </div>
      <${ErrorBox} error=${act.error} />
      <div class="actions"><button class="primary" disabled=${act.busy}>${act.busy ? t('submitting') : t('cashier.submit')}</button></div>
    </form>`}`;
}

export function PaymentList({ unit, payments, mayTake, onReversed }) {
  const [reversing, setReversing] = useState('');
  const body = () => {
    if (payments.loading && !payments.data) return html`<${Loading} />`;
    if (payments.error) return html`<${ErrorBox} error=${payments.error} retry=${payments.reload} />`;
    const list = payments.data;
    if (!list.length) return html`<${Empty} text=${t('cashier.noPayments')} />`;
    const byId = Object.fromEntries(list.map((p) => [p.id, p]));
    const reversalOf = Object.fromEntries(list.filter((p) => p.reverses).map((p) => [p.reverses, p]));
    return html`<ul class="list cash-payments">${list.map((p) => {
      const rev = reversalOf[p.id];
      const canReverse = mayTake && !p.reverses && !rev && p.amount_fen > 0;
      return html`<li key=${p.id} data-payment=${p.id} class=${p.amount_fen < 0 ? 'reversal' : ''}>
        <div class="item">
          <div class="main">
            <div class="t">${p.serial}${p.amount_fen < 0 ? html` <span class="chip s-bad">${t('cashier.reversal')}</span>` : ''}${rev ? html` <span class="chip s-muted">${t('cashier.reversedBy', { serial: rev.serial })}</span>` : ''}</div>
            <div class="sub">${dateTime(p.created)} · ${label('method', p.method)}${p.payer_name ? ' · ' + p.payer_name : ''} · ${p.received_by ? t('cashier.by', { name: p.expand?.received_by?.name || '' }) : t('cashier.online')}</div>
            ${p.reverses && html`<div class="sub">${t('cashier.reverses', { serial: byId[p.reverses]?.serial || '' })}${p.note ? ' · ' + p.note : ''}</div>`}
          </div>
          <${Money} fen=${p.amount_fen} strong />
          <a class="button" href=${'#/print/receipt/' + p.id}>${t('cashier.receipt')}</a>
          ${canReverse && html`<button type="button" class="danger" aria-expanded=${reversing === p.id} onClick=${() => setReversing(reversing === p.id ? '' : p.id)}>${t('cashier.reverse')}</button>`}
        </div>
        ${reversing === p.id && html`<${ReverseForm} unit=${unit} payment=${p} onCancel=${() => setReversing('')} onDone=${(r) => { setReversing(''); onReversed(r); }} />`}
      </li>`;
    })}</ul>`;
  };
  return html`<section class="card" aria-labelledby="payments-title"><h2 id="payments-title">${t('cashier.payments')}</h2>${body()}</section>`;
}

function ReverseForm({ unit, payment, onCancel, onDone }) {
  const [reason, setReason] = useState('');
  const act = useAction();
  const submit = async (e) => {
    e.preventDefault();
    const ok = await confirmBox({
      title: t('cashier.reverseConfirm', { serial: payment.serial }),
      body: t('cashier.reverseBody', { amount: yuan(-payment.amount_fen) }),
      ok: t('cashier.reverse'), danger: true,
    });
    if (!ok) return;
    const saved = await act.run(() => pb.collection('payments').create({
      unit: unit.id, reverses: payment.id, amount_fen: -payment.amount_fen, method: payment.method,
      payer_name: payment.payer_name, note: reason.trim(),
    }));
    if (saved) { toast(t('cashier.reversed', { serial: saved.serial })); onDone(saved); }
  };
  const errs = fieldErrors(act.error);
  return html`<form class="stack reverse-form" onSubmit=${submit} aria-label=${t('cashier.reverseTitle', { serial: payment.serial })}>
    <${Field} label=${t('cashier.reason')} hint=${t('cashier.reasonHint')} error=${errs.note}>
      <input type="text" name="reason" maxlength="500" value=${reason} onInput=${(e) => setReason(e.target.value)} /><//>
    <${ErrorBox} error=${act.error} />
    <div class="actions"><button type="button" class="ghost" onClick=${onCancel}>${t('cancel')}</button>
      <button class="danger" disabled=${act.busy}>${act.busy ? t('submitting') : t('cashier.reverseGo')}</button></div>
  </form>`;
}
