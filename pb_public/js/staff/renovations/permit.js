// Before the permit: the checklist (agreement, fees, the deposit in the
// ledger, worker passes) and the permit button; and the deposit card with
// its movements.
import { html, useState } from '../../core/html.js';
import { pb, fieldErrors } from '../../core/api.js';
import { t, addMessages, label } from '../../core/i18n.js';
import { yuan, date, dateTime, parseYuan } from '../../core/format.js';
import { stepsFrom } from '../../core/flows.js';
import { Loading, ErrorBox, Field, useAction, toast, confirmBox } from '../../core/ui.js';
import { DESK, CASH, seesMoney, fenToInput, stepName } from './common.js';
import { PassList, PassForm } from './passes.js';

addMessages({
  'reno.body.permitted': ['发证后房屋转为“装修中”，物业费自今天起按全价计算。', 'The unit becomes "renovating" and its management fee is at full price from today.'],

  'reno.ready': ['办证准备', 'Before the permit'],
  'reno.readyIntro': ['签订装修协议、交清费用、押金入台账、办好施工人员出入证后，才能发放施工许可证。', 'The permit is issued once the agreement is signed, the fees are paid, the deposit is in the ledger and a worker pass is out.'],
  'reno.missing': ['尚缺：{what}', 'Still missing: {what}'],
  'reno.allReady': ['条件已齐备，可以发放施工许可证', 'Everything is in place for the permit'],
  'reno.need.agreement': ['装修协议', 'the signed agreement'],
  'reno.need.fees': ['装修管理费', 'the renovation fees'],
  'reno.need.deposit': ['装修押金', 'the renovation deposit'],
  'reno.need.pass': ['施工人员出入证', 'a worker pass'],
  'reno.item.agreement': ['装修协议（业主、施工单位、物业三方签订）', 'Agreement (resident, contractor and office)'],
  'reno.agreementSigned': ['已签订 {when}', 'Signed {when}'],
  'reno.agreementRecord': ['登记协议已签订', 'Record the signed agreement'],
  'reno.agreementConfirm': ['登记装修协议已由三方签订？', 'Record the agreement as signed?'],
  'reno.agreementBody': ['签订时间记为现在。', 'The time is recorded as now.'],
  'reno.item.fees': ['装修管理费、垃圾清运费', 'Management and debris-removal fees'],
  'reno.item.deposit': ['装修押金（押金台账）', 'Renovation deposit (ledger)'],
  'reno.item.passes': ['施工人员出入证', 'Worker passes'],
  'reno.feesNotSet': ['未核定', 'Not set'],
  'reno.feesNone': ['不收费', 'No fee'],
  'reno.paid': ['已缴', 'Paid'],
  'reno.unpaid': ['待缴', 'Due'],
  'reno.feesFen': ['装修管理费（元）', 'Management fee (yuan)'],
  'reno.debrisFen': ['装修垃圾清运费（元，业户委托时）', 'Debris-removal fee (yuan, if the office removes it)'],
  'reno.feesBilled': ['费用已开具账单，请到收费处缴纳', 'The fees are billed: they are paid at the cashier\'s'],
  'reno.depositFen': ['装修押金应收（元）', 'Deposit due (yuan)'],
  'reno.saveAmounts': ['保存金额', 'Save amounts'],
  'reno.amountsSaved': ['金额已保存', 'Amounts saved'],
  'reno.markPaid': ['收取装修费用', 'Take the fees'],
  'reno.markPaidConfirm': ['收取装修费用 {amount}？', 'Take {amount} of fees?'],
  'reno.markPaidBody': ['收款记入收款台账并开具收据（SK-），计入您今天的日结。', 'A payment with its receipt (SK-), in your cash close for today.'],
  'reno.feesPaidDone': ['装修费用已收，收据 {serial}', 'Fees paid, receipt {serial}'],
  'reno.payMethod': ['收款方式', 'Paid by'],
  'reno.depositDue': ['应收 {amount}', 'Due {amount}'],
  'reno.depositUnset': ['应收金额未核定', 'Amount not set'],
  'reno.depositHeld': ['已收 {amount}，余额 {balance}', 'Received {amount}, balance {balance}'],
  'reno.depositShort': ['押金余额 {balance} 少于应收 {amount}', 'Balance {balance} is below the {amount} due'],
  'reno.depositSettled': ['押金已结清', 'Deposit settled'],
  'reno.collect': ['收取装修押金', 'Take the renovation deposit'],
  'reno.collectAmount': ['押金金额（元）', 'Amount (yuan)'],
  'reno.holder': ['交款人', 'Paid by'],
  'reno.collectConfirm': ['收取装修押金 {amount}？', 'Take a deposit of {amount}?'],
  'reno.collectBody': ['押金记入押金台账（不能删除），并关联到本装修申请。', 'It goes into the deposits ledger (never deleted) and is linked to this renovation.'],
  'reno.collected': ['押金已入台账：{amount}', 'Deposit recorded: {amount}'],
  'reno.collectUnsetHint': ['前台尚未核定押金应收金额；收取后请前台核定为相同金额。', 'The desk has not set the amount due yet; it should match what you take.'],
  'reno.unlinked': ['台账中有本申请的押金尚未关联：', 'The ledger holds a deposit for this application that is not linked yet:'],
  'reno.link': ['关联此押金', 'Link this deposit'],
  'reno.linked': ['押金已关联', 'Deposit linked'],
  'reno.linkConfirm': ['把押金 {amount}（{holder}）关联到本申请？', 'Link the deposit of {amount} ({holder})?'],
  'reno.cashierOnly': ['押金由收费员、主管或主任收取', 'The cashier, a supervisor or the director takes the deposit'],
  'reno.permitHint': ['发证后房屋转为“装修中”，物业费自发证日起按全价计算。', 'Once issued, the unit is "renovating" and pays the full management fee from today.'],
  'reno.permitIssued': ['施工许可证已发放：{no}', 'Permit issued: {no}'],
  'reno.deducted': ['扣押金 {amount}', 'Deducted {amount}'],

  'reno.deposit': ['装修押金', 'Renovation deposit'],
  'reno.depositNone': ['尚未收取装修押金', 'No deposit taken yet'],
  'reno.depositAmount': ['收取金额', 'Received'],
  'reno.depositBalance': ['押金余额', 'Balance'],
  'reno.depositStatus.held': ['押金在押', 'Held'],
  'reno.depositStatus.settled': ['已结清', 'Settled'],
  'reno.movements': ['扣除与退还', 'Deductions and refunds'],
  'reno.mvReceipt': ['收据 {serial}', 'Receipt {serial}'],
  'reno.mv.receive': ['收取（收据）', 'Received (receipt)'],
  'reno.mv.deduct': ['扣除', 'Deducted'],
  'reno.mv.refund': ['退还', 'Refunded'],
  'reno.refundDue': ['押金退还日期', 'Refund due'],
  'reno.refundRule': ['验收合格满 6 个月后退还', '6 months after acceptance'],
  'reno.refunded': ['已退还', 'Refunded'],
});

export function PermitChecklist({ r, role, rel, onSaved, again }) {
  const data = rel.data;
  const passes = (data?.passes || []).filter((p) => !p.returned_at);
  const deposit = data?.deposit;
  const depositOk = !!deposit && deposit.status === 'held' && r.deposit_fen > 0 && deposit.balance_fen >= r.deposit_fen;
  // The fees are bills (hooks/renovation_fees.go): billed, then paid at the cashier's.
  const feesOk = r.fees_fen > 0 && r.fees_paid;
  const missing = [];
  if (!r.agreement_signed_at) missing.push(t('reno.need.agreement'));
  if (!feesOk) missing.push(t('reno.need.fees'));
  if (seesMoney(role) && data && !depositOk) missing.push(t('reno.need.deposit'));
  if (data && !passes.length) missing.push(t('reno.need.pass'));
  const act = useAction();
  const update = (body, done) => act.run(async () => {
    const saved = await pb.collection('renovations').update(r.id, body);
    if (done) toast(done);
    onSaved(saved);
    return saved;
  });
  const recordAgreement = async () => {
    if (!(await confirmBox({ title: t('reno.agreementConfirm'), body: t('reno.agreementBody'), ok: t('reno.agreementRecord') }))) return;
    await update({ agreement_signed_at: new Date().toISOString() }, t('reno.agreementRecord'));
  };
  const permit = stepsFrom('renovations', 'approved', [role]).find((s) => s.to === 'permitted');
  const issue = async () => {
    const name = stepName('renovations', permit);
    if (!(await confirmBox({ title: t('reno.confirmStep', { step: name }), body: t('reno.body.permitted'), ok: name }))) return;
    const saved = await act.run(() => pb.collection('renovations').update(r.id, { status: 'permitted' }));
    if (saved) { toast(t('reno.permitIssued', { no: saved.permit_no })); onSaved(saved); }
  };
  const desk = DESK.includes(role);
  return html`<section class="card checklist" aria-labelledby="h-reno-ready" data-testid="permit-checklist">
    <h2 id="h-reno-ready">${t('reno.ready')}</h2>
    <p class="small muted">${t('reno.readyIntro')}</p>
    ${rel.loading && !data ? html`<${Loading} />` : rel.error ? html`<${ErrorBox} error=${rel.error} retry=${again} />` : ''}
    <ol class="check-items">
      <li class=${r.agreement_signed_at ? 'ok' : 'todo'} data-testid="item-agreement">
        <div class="what"><strong>${t('reno.item.agreement')}</strong>
          <span>${r.agreement_signed_at ? t('reno.agreementSigned', { when: dateTime(r.agreement_signed_at) }) : '—'}</span></div>
        ${desk && !r.agreement_signed_at && html`<button type="button" disabled=${act.busy} onClick=${recordAgreement}>${t('reno.agreementRecord')}</button>`}
      </li>
      <li class=${feesOk ? 'ok' : 'todo'} data-testid="item-fees">
        <div class="what"><strong>${t('reno.item.fees')}</strong>
          <span>${r.fees_fen > 0 ? html`${yuan(r.fees_fen)} · <span class=${'chip ' + (r.fees_paid ? 's-paid' : 's-issued')}>${t(r.fees_paid ? 'reno.paid' : 'reno.unpaid')}</span>` : t('reno.feesNotSet')}</span></div>
        ${r.fees_fen > 0 && !r.fees_paid && (CASH.includes(role) ? html`<${CollectFees} r=${r} onSaved=${onSaved} />` : html`<p class="small muted">${t('reno.feesBilled')}</p>`)}
        ${(desk || role === 'cashier') && html`<${AmountsForm} r=${r} onSaved=${onSaved} />`}
      </li>
      <li class=${depositOk ? 'ok' : 'todo'} data-testid="item-deposit">
        <div class="what"><strong>${t('reno.item.deposit')}</strong>
          <span>${r.deposit_fen > 0 ? t('reno.depositDue', { amount: yuan(r.deposit_fen) }) : t('reno.depositUnset')}
            ${deposit && html` · ${deposit.status === 'held' ? t('reno.depositHeld', { amount: yuan(deposit.amount_fen), balance: yuan(deposit.balance_fen) }) : t('reno.depositSettled')}`}
            ${deposit && r.deposit_fen > 0 && deposit.balance_fen < r.deposit_fen && html` · <span class="chip s-bad">${t('reno.depositShort', { balance: yuan(deposit.balance_fen), amount: yuan(r.deposit_fen) })}</span>`}</span></div>
        ${!r.deposit && html`<${Unlinked} r=${r} role=${role} list=${data?.unlinked || []} onSaved=${onSaved} />`}
        ${!r.deposit && (CASH.includes(role) ? html`<${CollectDeposit} r=${r} role=${role} onSaved=${onSaved} />`
          : html`<p class="small muted">${t('reno.cashierOnly')}</p>`)}
      </li>
      <li class=${passes.length ? 'ok' : 'todo'} data-testid="item-passes">
        <div class="what"><strong>${t('reno.item.passes')}</strong><span>${t('reno.sum.passes', { n: passes.length })}</span></div>
        <${PassList} r=${r} role=${role} rel=${rel} again=${again} />
        ${DESK.includes(role) && html`<${PassForm} r=${r} again=${again} />`}
      </li>
    </ol>
    <div class="permit-box">
      ${missing.length ? html`<p class="note warn" data-testid="permit-missing">${t('reno.missing', { what: missing.join(t('reno.sep')) })}</p>`
        : data && html`<p class="note" data-testid="permit-missing">${t('reno.allReady')}</p>`}
      ${permit && html`<p class="small muted">${t('reno.permitHint')}</p>
        <div class="actions"><button type="button" class="primary" disabled=${act.busy} onClick=${issue}>${stepName('renovations', permit)}</button></div>`}
      <${ErrorBox} error=${act.error} />
    </div>
  </section>`;
}

/** AmountsForm: the desk bills the fees (once each) and sets the deposit due (yuan in, fen stored). */
function AmountsForm({ r, onSaved }) {
  const [fees, setFees] = useState('');
  const [debris, setDebris] = useState('');
  const [dep, setDep] = useState(fenToInput(r.deposit_fen));
  const [local, setLocal] = useState({});
  const act = useAction();
  const billed = r.fees_fen > 0;
  const submit = async (e) => {
    e.preventDefault();
    const amounts = { fees_fen: parseYuan(fees, 0), debris_fen: parseYuan(debris, 0), deposit_fen: parseYuan(dep, 0) };
    const bad = Object.fromEntries(Object.entries(amounts).filter(([, v]) => Number.isNaN(v)).map(([k]) => [k, t('reno.badYuan')]));
    setLocal(bad);
    if (Object.keys(bad).length) return;
    const charges = [];
    if (!billed && amounts.fees_fen > 0) charges.push({ charge: 'renovation_management', amount_fen: amounts.fees_fen });
    if (!billed && amounts.debris_fen > 0) charges.push({ charge: 'debris_removal', amount_fen: amounts.debris_fen });
    const saved = await act.run(async () => {
      if (charges.length) await pb.send(`/api/wuye/renovations/${r.id}/fees`, { method: 'POST', body: { charges } });
      if (amounts.deposit_fen !== (r.deposit_fen || 0) && DESK.includes(pb.authStore.record?.role)) {
        return pb.collection('renovations').update(r.id, { deposit_fen: amounts.deposit_fen });
      }
      return pb.collection('renovations').getOne(r.id);
    });
    if (saved) { setFees(''); setDebris(''); toast(t('reno.amountsSaved')); onSaved(saved); }
  };
  const errs = { ...fieldErrors(act.error), ...local };
  return html`<form class="inline-form" onSubmit=${submit} data-testid="amounts-form">
    ${!billed && html`<${Field} label=${t('reno.feesFen')} error=${errs.fees_fen || errs['charges.0.amount_fen']}><input type="text" inputmode="decimal" name="fees_yuan" value=${fees} onInput=${(e) => setFees(e.target.value)} /><//>
    <${Field} label=${t('reno.debrisFen')} error=${errs.debris_fen}><input type="text" inputmode="decimal" name="debris_yuan" value=${debris} onInput=${(e) => setDebris(e.target.value)} /><//>`}
    <${Field} label=${t('reno.depositFen')} error=${errs.deposit_fen}><input type="text" inputmode="decimal" name="deposit_yuan" value=${dep} onInput=${(e) => setDep(e.target.value)} /><//>
    <button disabled=${act.busy}>${t('reno.saveAmounts')}</button>
    <${ErrorBox} error=${act.error} />
  </form>`;
}

/** CollectFees: the cashier takes the renovation's fee bills: a payment with its receipt. */
function CollectFees({ r, onSaved }) {
  const [method, setMethod] = useState('');
  const act = useAction();
  const take = async () => {
    const bills = await pb.collection('bills').getFullList({ filter: pb.filter('renovation = {:r} && (status = "issued" || status = "partially_paid")', { r: r.id }) });
    const owed = bills.reduce((n, b) => n + b.amount_fen - b.discount_fen + b.late_fee_fen - b.paid_fen, 0);
    if (!owed) return;
    if (!(await confirmBox({ title: t('reno.markPaidConfirm', { amount: yuan(owed) }), body: t('reno.markPaidBody'), ok: t('reno.markPaid') }))) return;
    const p = await act.run(() => pb.collection('payments').create({
      unit: r.unit, amount_fen: owed, method, bills: bills.map((b) => b.id), payer_name: r.expand?.applicant?.name || undefined,
    }));
    if (p) { toast(t('reno.feesPaidDone', { serial: p.serial })); onSaved(await pb.collection('renovations').getOne(r.id, { expand: 'applicant' })); }
  };
  return html`<div class="row" data-testid="collect-fees">
    <label for="reno-pay-method">${t('reno.payMethod')}</label>
    <select id="reno-pay-method" value=${method} onChange=${(e) => setMethod(e.target.value)}>
      <option value="">—</option>
      ${['cash', 'wechat', 'alipay', 'card', 'transfer'].map((c) => html`<option value=${c}>${label('method', c)}</option>`)}
    </select>
    <button type="button" disabled=${act.busy || !method} onClick=${take}>${t('reno.markPaid')}</button>
    <${ErrorBox} error=${act.error} />
  </div>`;
}

/** CollectDeposit: the cashier (or a supervisor or the director) takes the deposit into the ledger and links it. */
function CollectDeposit({ r, role, onSaved }) {
  const [amount, setAmount] = useState(fenToInput(r.deposit_fen));
  const [holder, setHolder] = useState(r.expand?.applicant?.name || '');
  const [local, setLocal] = useState({});
  const act = useAction();
  const submit = async (e) => {
    e.preventDefault();
    const fen = parseYuan(amount, 0);
    if (Number.isNaN(fen) || fen <= 0) { setLocal({ amount_fen: t('reno.badYuan') }); return; }
    setLocal({});
    if (!(await confirmBox({ title: t('reno.collectConfirm', { amount: yuan(fen) }), body: t('reno.collectBody'), ok: t('reno.collect') }))) return;
    const saved = await act.run(async () => {
      const d = await pb.collection('deposits').create({
        community: r.community, unit: r.unit, kind: 'renovation', holder_name: holder.trim(), source: r.serial, amount_fen: fen,
      });
      const body = { deposit: d.id };
      // The desk's roles also set the amount due when nobody has yet.
      if (DESK.includes(role) && !r.deposit_fen) body.deposit_fen = fen;
      return pb.collection('renovations').update(r.id, body);
    });
    if (saved) { toast(t('reno.collected', { amount: yuan(fen) })); onSaved(saved); }
  };
  const errs = { ...fieldErrors(act.error), ...local };
  return html`<form class="inline-form" onSubmit=${submit} data-testid="collect-deposit">
    ${!r.deposit_fen && role === 'cashier' && html`<p class="small muted">${t('reno.collectUnsetHint')}</p>`}
    <${Field} label=${t('reno.collectAmount')} required error=${errs.amount_fen}><input type="text" inputmode="decimal" name="deposit_amount" value=${amount} onInput=${(e) => setAmount(e.target.value)} /><//>
    <${Field} label=${t('reno.holder')} required error=${errs.holder_name}><input type="text" name="holder_name" maxlength="50" value=${holder} onInput=${(e) => setHolder(e.target.value)} /><//>
    <button class="primary" disabled=${act.busy}>${t('reno.collect')}</button>
    <${ErrorBox} error=${act.error} />
  </form>`;
}

function Unlinked({ r, role, list, onSaved }) {
  const act = useAction();
  if (!list.length || !(DESK.includes(role) || role === 'cashier')) return null;
  const link = async (d) => {
    if (!(await confirmBox({ title: t('reno.linkConfirm', { amount: yuan(d.amount_fen), holder: d.holder_name }), ok: t('reno.link') }))) return;
    const body = { deposit: d.id };
    if (DESK.includes(role) && !r.deposit_fen) body.deposit_fen = d.amount_fen;
    const saved = await act.run(() => pb.collection('renovations').update(r.id, body));
    if (saved) { toast(t('reno.linked')); onSaved(saved); }
  };
  return html`<div class="note">${t('reno.unlinked')}
    ${list.map((d) => html`<div class="row between" key=${d.id}><span>${yuan(d.amount_fen)} · ${d.holder_name} · ${dateTime(d.created)}</span>
      <button type="button" disabled=${act.busy} onClick=${() => link(d)}>${t('reno.link')}</button></div>`)}
    <${ErrorBox} error=${act.error} /></div>`;
}

export function DepositCard({ r, rel }) {
  const d = rel.data?.deposit;
  const movements = rel.data?.movements || [];
  if (['submitted', 'engineering_passed', 'rejected'].includes(r.status)) return null;
  return html`<section class="card" aria-labelledby="h-reno-deposit" data-testid="renovation-deposit">
    <h2 id="h-reno-deposit">${t('reno.deposit')}</h2>
    ${rel.loading && !rel.data ? html`<${Loading} />` : rel.error ? html`<${ErrorBox} error=${rel.error} retry=${rel.reload} />`
      : !d ? html`<p class="muted">${t('reno.depositNone')}</p>` : html`
      <dl class="kv">
        <dt>${t('reno.depositAmount')}</dt><dd class="money">${yuan(d.amount_fen)} · ${d.holder_name} · ${date(d.created)}</dd>
        <dt>${t('reno.depositBalance')}</dt><dd class="money"><strong data-testid="deposit-balance">${yuan(d.balance_fen)}</strong>
          <span class=${'chip ' + (d.status === 'held' ? 's-approved' : 's-muted')}>${t('reno.depositStatus.' + d.status)}</span></dd>
      </dl>
      ${movements.length > 0 && html`<h3>${t('reno.movements')}</h3>
        <ul class="list">${movements.map((m) => html`<li key=${m.id}><div class="item"><div class="main">
          <div class="t">${t('reno.mv.' + m.kind)} ${yuan(m.amount_fen)}</div><div class="sub">${dateTime(m.created)}${m.expand?.by ? ' · ' + m.expand.by.name : ''}${m.reason ? ' · ' + m.reason : ''}</div></div>
          ${m.serial && html`<a class="button" data-testid="deposit-receipt-link" href=${'#/print/deposit-receipt/' + m.id}>${t('reno.mvReceipt', { serial: m.serial })}</a>`}</div></li>`)}</ul>`}`}
    <dl class="kv">
      <dt>${t('reno.refundDue')}</dt><dd data-testid="refund-due">${r.deposit_refund_due ? html`<strong>${date(r.deposit_refund_due)}</strong>` : html`<span class="muted">${t('reno.refundRule')}</span>`}</dd>
      ${r.refunded_fen > 0 && html`<dt>${t('reno.refunded')}</dt><dd class="money">${yuan(r.refunded_fen)}</dd>`}
    </dl>
  </section>`;
}
