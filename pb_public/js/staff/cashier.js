// The cashier's desk (收款): find a unit, see what it owes, take a payment
// (allocated to the chosen bills or oldest first by the server), print the
// receipt, reverse a payment. Billing runs (计费) with their progress live,
// and the daily cash close (日结) by payment method, printable.
import { html, useState, useEffect } from '../core/html.js';
import { pb, fieldErrors } from '../core/api.js';
import { t, addMessages, label, choices } from '../core/i18n.js';
import { yuan, owed, dateTime, today, unitName, parseYuan } from '../core/format.js';
import { Loading, ErrorBox, Empty, Field, useAsync, useAction, useRealtime, confirmBox, toast, navigate } from '../core/ui.js';

addMessages({
  'cashier.title': ['收款', 'Payments'],
  'cashier.colon': ['：', ': '],
  'cashier.listSep': ['，', ', '],
  'cashier.search': ['查找房屋', 'Find a unit'],
  'cashier.searchLabel': ['房号、业主姓名或电话', 'Unit number, name or phone'],
  'cashier.searchHint': ['例如 1-101、101、李明、13800000001', 'e.g. 1-101, 101, a name or a phone number'],
  'cashier.searchGo': ['查找', 'Search'],
  'cashier.noMatch': ['没有找到匹配的房屋', 'No unit matches'],
  'cashier.pickUnit': ['请先查找并选择一个房屋', 'Find and choose a unit first'],
  'cashier.area': ['{area} m²', '{area} m²'],
  'cashier.people': ['住户', 'Residents'],
  'cashier.noPeople': ['没有登记住户', 'No residents registered'],
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
  'cashier.service': ['有偿服务 {source}', 'Paid service {source}'],
  'cashier.otherItem': ['其它费用', 'Other charge'],
  'cashier.take': ['收款', 'Take a payment'],
  'cashier.amountYuan': ['收款金额（元）', 'Amount (yuan)'],
  'cashier.amountHint': ['最多两位小数', 'Up to two decimals'],
  'cashier.fillOwed': ['填入应缴 {amount}', 'Fill in {amount}'],
  'cashier.method': ['付款方式', 'Method'],
  'cashier.payer': ['交款人', 'Paid by'],
  'cashier.note': ['备注', 'Note'],
  'cashier.allocSelected': ['冲抵所选的 {n} 张账单（从最早的开始）', 'Goes to the {n} chosen bills, oldest first'],
  'cashier.allocOldest': ['未选择账单：从最早的待缴账单开始冲抵', 'No bill chosen: goes to the oldest open bills first'],
  'cashier.overHint': ['金额超过应缴 {amount}，服务器会拒收', 'More than the {amount} owed; the server will refuse it'],
  'cashier.amountInvalid': ['请输入大于 0 的金额，最多两位小数', 'Enter an amount above 0 with at most two decimals'],
  'cashier.submit': ['确认收款', 'Take payment'],
  'cashier.confirmTitle': ['确认收款 {amount}（{method}）？', 'Take {amount} ({method})?'],
  'cashier.confirmBody': ['房屋 {unit}，交款人 {payer}。收款后不能修改或删除，如有错误只能冲正。', 'Unit {unit}, paid by {payer}. A payment is never changed or deleted; a mistake is corrected by a reversal.'],
  'cashier.noPayer': ['（未填）', '(not given)'],
  'cashier.done': ['已收款 {amount}，收据号 {serial}', 'Received {amount}, receipt {serial}'],
  'cashier.printReceipt': ['打印收据', 'Print receipt'],
  'cashier.payments': ['收款记录', 'Payments'],
  'cashier.noPayments': ['这个房屋还没有收款记录', 'No payments for this unit yet'],
  'cashier.receipt': ['收据', 'Receipt'],
  'cashier.reverse': ['冲正', 'Reverse'],
  'cashier.reversal': ['冲正', 'Reversal'],
  'cashier.reverses': ['冲正收据 {serial}', 'Reverses {serial}'],
  'cashier.reversedBy': ['已被 {serial} 冲正', 'Reversed by {serial}'],
  'cashier.online': ['网上缴费', 'Paid online'],
  'cashier.by': ['收款人 {name}', 'Taken by {name}'],
  'cashier.reverseTitle': ['冲正收据 {serial}', 'Reverse receipt {serial}'],
  'cashier.reason': ['冲正原因', 'Reason for the reversal'],
  'cashier.reasonHint': ['例如：金额录错、收错房屋', 'e.g. wrong amount, wrong unit'],
  'cashier.reverseGo': ['冲正这笔收款', 'Reverse this payment'],
  'cashier.reverseConfirm': ['确认冲正 {serial}？', 'Reverse {serial}?'],
  'cashier.reverseBody': ['将生成一笔 {amount} 的冲正收款，原收款冲抵的账单恢复为待缴。每笔收款只能冲正一次，冲正后不能撤销。', 'A reversing payment of {amount} is made and the bills it paid are owed again. A payment is reversed once only, and a reversal cannot be undone.'],
  'cashier.reversed': ['已冲正，冲正收据号 {serial}', 'Reversed: receipt {serial}'],
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

// --- shared bits ---------------------------------------------------------------

/** billItem names what a bill is for. */
export function billItem(b) {
  if (b.expand?.fee_item?.name) return b.expand.fee_item.name;
  return b.source ? t('cashier.service', { source: b.source }) : t('cashier.otherItem');
}

const Money = ({ fen, strong }) => html`<span class=${'money' + (fen < 0 ? ' neg' : '') + (strong ? ' strong' : '')}>${yuan(fen)}</span>`;

const MAY_TAKE = ['cashier', 'supervisor', 'director'];
const RELATIONS = ['owner', 'tenant', 'family'];

// --- the cashier's desk ----------------------------------------------------------

export function Cashier({ me, community, query }) {
  const unitId = query.get('unit') || '';
  return html`
    <h1>${t('cashier.title')}</h1>
    <${UnitSearch} community=${community} current=${unitId} />
    ${unitId
      ? html`<${UnitDesk} key=${unitId} me=${me} unitId=${unitId} />`
      : html`<div class="card"><${Empty} text=${t('cashier.pickUnit')} /></div>`}`;
}

// findUnits looks a unit up by "1-101" (building code and number), by
// number, or by a current resident's name or phone.
async function findUnits(communityId, q) {
  const exact = /^([0-9A-Za-z]+)\s*(?:-|栋|号楼|幢|#)\s*([0-9A-Za-z]+)$/.exec(q);
  const unitFilter = exact
    ? pb.filter('community = {:c} && building.code = {:b} && number = {:n}', { c: communityId, b: exact[1], n: exact[2] })
    : pb.filter('community = {:c} && number ~ {:q}', { c: communityId, q });
  const [units, links] = await Promise.all([
    pb.collection('units').getList(1, 40, { filter: unitFilter, expand: 'building', skipTotal: true }),
    exact ? { items: [] } : pb.collection('unit_residents').getList(1, 40, { skipTotal: true,
      filter: pb.filter('unit.community = {:c} && active = true && (resident.name ~ {:q} || resident.phone ~ {:q})', { c: communityId, q }),
      expand: 'unit.building,resident',
    }),
  ]);
  const found = new Map();
  for (const u of units.items) found.set(u.id, { unit: u, people: [] });
  for (const l of links.items) {
    const u = l.expand?.unit;
    if (!u) continue;
    if (!found.has(u.id)) found.set(u.id, { unit: u, people: [] });
    if (l.expand?.resident) found.get(u.id).people.push({ ...l.expand.resident, relation: l.relation });
  }
  const key = (u) => `${(u.expand?.building?.code || '').padStart(4, '0')} ${u.number.padStart(6, '0')}`;
  return [...found.values()].sort((a, b) => key(a.unit).localeCompare(key(b.unit)));
}

function UnitSearch({ community, current }) {
  const [text, setText] = useState('');
  const [q, setQ] = useState('');
  const res = useAsync(() => (q ? findUnits(community.id, q) : Promise.resolve(null)), [q, community.id]);
  useEffect(() => {
    // One match: open it straight away.
    if (q && res.data?.length === 1 && res.data[0].unit.id !== current) navigate('/cashier?unit=' + res.data[0].unit.id);
  }, [res.data]);
  const submit = (e) => { e.preventDefault(); const v = text.trim(); if (v === q) res.reload(); else setQ(v); };
  return html`
    <form class="card stack cashier-search" role="search" onSubmit=${submit}>
      <div class="row search-row">
        <div class="grow"><${Field} label=${t('cashier.searchLabel')} hint=${t('cashier.searchHint')}>
          <input type="search" name="q" value=${text} onInput=${(e) => setText(e.target.value)} autocomplete="off" /><//></div>
        <button class="primary">${t('cashier.searchGo')}</button>
      </div>
      ${q && (res.loading && !res.data ? html`<${Loading} />` : res.error ? html`<${ErrorBox} error=${res.error} retry=${res.reload} />`
        : !res.data?.length ? html`<${Empty} text=${t('cashier.noMatch')} />` : html`
        <ul class="list unit-results">${res.data.map(({ unit, people }) => html`<li key=${unit.id}>
          <a class="item" href=${'#/cashier?unit=' + unit.id} aria-current=${unit.id === current ? 'true' : undefined}>
            <div class="main"><div class="t">${unitName(unit)}</div>
              <div class="sub">${label('unit_type', unit.type)} · ${label('unit_status', unit.status)}${people.length ? ' · ' + people.map((p) => `${p.name}（${label('relation', p.relation)}）${p.phone ? ' ' + p.phone : ''}`).join('，') : ''}</div></div>
          </a></li>`)}</ul>`)}
    </form>`;
}

function UnitDesk({ me, unitId }) {
  const unit = useAsync(() => pb.collection('units').getOne(unitId, { expand: 'building' }), [unitId]);
  const people = useAsync(() => pb.collection('unit_residents').getFullList({
    filter: pb.filter('unit = {:u} && active = true', { u: unitId }), expand: 'resident',
  }).then((list) => list.sort((a, b) => RELATIONS.indexOf(a.relation) - RELATIONS.indexOf(b.relation))), [unitId]);
  const bills = useAsync(() => pb.collection('bills').getFullList({
    filter: pb.filter('unit = {:u} && (status = "issued" || status = "partially_paid")', { u: unitId }),
    expand: 'fee_item', sort: 'due_on,period_start,serial',
  }), [unitId]);
  const payments = useAsync(() => pb.collection('payments').getFullList({
    filter: pb.filter('unit = {:u}', { u: unitId }), expand: 'received_by', sort: '-created',
  }), [unitId]);
  const [last, setLast] = useState(null);
  const refresh = () => { bills.reload(); payments.reload(); };
  // A resident paying online, or a colleague at the next window, changes the figures.
  useRealtime('payments', '*', refresh, { filter: pb.filter('unit = {:u}', { u: unitId }), onReconnect: refresh }, [unitId]);

  if (unit.loading && !unit.data) return html`<${Loading} />`;
  if (unit.error) return html`<${ErrorBox} error=${unit.error} retry=${unit.reload} />`;
  const u = unit.data;
  const owner = (people.data || []).find((p) => p.relation === 'owner')?.expand?.resident;
  const mayTake = MAY_TAKE.includes(me.role);
  return html`
    <section class="card unit-head" aria-labelledby="unit-title">
      <div class="row between">
        <h2 id="unit-title">${unitName(u)}</h2>
        <span class="small muted">${label('unit_type', u.type)} · ${t('cashier.area', { area: u.area_m2 })} · ${label('unit_status', u.status)}</span>
      </div>
      ${people.loading && !people.data ? html`<${Loading} />` : people.error ? html`<${ErrorBox} error=${people.error} retry=${people.reload} />`
        : !people.data.length ? html`<p class="small muted">${t('cashier.noPeople')}</p>` : html`
        <p class="small">${t('cashier.people')}${t('cashier.colon')}${people.data.map((p) => `${p.expand?.resident?.name || ''}（${label('relation', p.relation)}）${p.expand?.resident?.phone ? ' ' + p.expand.resident.phone : ''}`).join(t('cashier.listSep'))}</p>`}
    </section>
    ${last && html`<${PaidNotice} payment=${last} />`}
    <${BillsAndPay} unit=${u} bills=${bills} mayTake=${mayTake} defaultPayer=${owner?.name || ''}
      onPaid=${(p) => { setLast(p); refresh(); }} />
    <${PaymentList} unit=${u} payments=${payments} mayTake=${mayTake} onReversed=${(p) => { setLast(p); refresh(); }} />`;
}

function PaidNotice({ payment }) {
  return html`<section class="card paid-notice" role="status" data-testid="paid">
    <p><b>${payment.amount_fen < 0 ? t('cashier.reversed', { serial: payment.serial }) : t('cashier.done', { amount: yuan(payment.amount_fen), serial: payment.serial })}</b></p>
    <div class="actions"><a class="button primary" href=${'#/print/receipt/' + payment.id}>${t('cashier.printReceipt')}</a></div>
  </section>`;
}

function BillsAndPay({ unit, bills, mayTake, defaultPayer, onPaid }) {
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
          <td class="due">${b.due_on}${b.reminder_stage ? html`<div class="small warn">${label('reminder_stage', b.reminder_stage)}</div>` : ''}</td>
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

function PaymentList({ unit, payments, mayTake, onReversed }) {
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

// --- billing runs -------------------------------------------------------------

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
  const may = MAY_TAKE.includes(me.role);
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

// --- the daily cash close ----------------------------------------------------------

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
