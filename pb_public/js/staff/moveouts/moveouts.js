// Move-outs (迁出, hooks/moveout.go): the list of the community's move-outs,
// a desk form to file one, and each move-out's page with its clearance
// checklist — unpaid bills, keys out, final meter readings, the final bill —
// showing what is still missing, the cashier's "final bill" button, the
// flow's steps, the goods pass for moving day and the printable slip.
import { html, useState } from '../../core/html.js';
import { pb, fieldErrors } from '../../core/api.js';
import { t, addMessages, label } from '../../core/i18n.js';
import { today, yuan, unitName } from '../../core/format.js';
import { Loading, ErrorBox, Empty, Status, Field, When, useAsync, useAction, toast, navigate } from '../../core/ui.js';
import { stepsFrom, stepVerb } from '../../core/flows.js';

addMessages({
  'mo.meter.water': ['水表', 'Water'],
  'mo.meter.electric': ['电表', 'Electricity'],
  'mo.meter.gas': ['燃气表', 'Gas'],
  'mo.title': ['迁出', 'Move-outs'],
  'mo.new': ['办理迁出', 'File a move-out'],
  'mo.unit': ['房号（如 1-101）', 'Unit (e.g. 1-101)'],
  'mo.resident': ['迁出住户', 'Household member moving out'],
  'mo.pickUnit': ['先填房号', 'Enter the unit first'],
  'mo.noUnit': ['没有找到房屋 {unit}', 'No unit {unit}'],
  'mo.day': ['搬出日期', 'Moving day'],
  'mo.note': ['备注', 'Note'],
  'mo.file': ['提交', 'File'],
  'mo.filed': ['已登记迁出 {serial}', 'Move-out {serial} filed'],
  'mo.open': ['办理中', 'Open'],
  'mo.closed': ['已办结', 'Closed'],
  'mo.checklist': ['结清核对', 'Clearance checklist'],
  'mo.bills': ['费用结清', 'Bills settled'],
  'mo.billsOwing': ['{n} 张账单未结清，共 {y}', '{n} unpaid bills, {y}'],
  'mo.keys': ['钥匙交回', 'Keys returned'],
  'mo.keysOut': ['钥匙未交回：{k}', 'Keys out: {k}'],
  'mo.readings': ['最终水电表读数', 'Final meter readings'],
  'mo.readingsMissing': ['缺最终读数：{m}', 'Final readings missing: {m}'],
  'mo.finalBill': ['最终账单', 'Final bill'],
  'mo.finalBillMissing': ['未出最终账单', 'No final bill yet'],
  'mo.issueBill': ['出最终账单', 'Issue the final bill'],
  'mo.billed': ['最终账单：{list}', 'Final bill: {list}'],
  'mo.goodsPass': ['搬家出门条', 'Moving-day goods pass'],
  'mo.printSlip': ['打印迁出结清单', 'Print the clearance slip'],
  'mo.cancelReason': ['撤销原因', 'Reason for cancelling'],
  'mo.resident.relation': ['{name}（{rel}）', '{name} ({rel})'],
  'mo.rel.owner': ['业主', 'owner'],
  'mo.rel.tenant': ['租户', 'tenant'],
  'mo.requestedOn': ['申请日期', 'Requested on'],
  'mo.walk': ['去抄表', 'Go to the meter walk'],
  'mo.slip': ['迁出结清单', 'Move-out clearance slip'],
  'mo.sign.resident': ['迁出住户签字', "Resident's signature"],
  'mo.sign.cashier': ['收费员签字', "Cashier's signature"],
  'mo.sign.desk': ['客服中心签字', 'Service center'],
  'mo.back': ['返回', 'Back'],
  'mo.print': ['打印', 'Print'],
});

const meterName = (m) => t('mo.meter.' + m);
const WRITERS = ['front_desk', 'cashier', 'supervisor', 'director'];
const BILLERS = ['cashier', 'supervisor', 'director'];

export function MoveOuts({ me, community }) {
  const c = community.id;
  const list = useAsync(() => pb.collection('move_outs').getFullList({ filter: pb.filter('community = {:c}', { c }), sort: '-created', expand: 'unit.building,resident' }), [c]);
  if (list.loading && !list.data) return html`<${Loading} />`;
  if (list.error) return html`<${ErrorBox} error=${list.error} retry=${list.reload} />`;
  const open = list.data.filter((m) => m.status === 'requested' || m.status === 'cleared');
  const closed = list.data.filter((m) => !open.includes(m));
  const row = (m) => html`<li class="card" key=${m.id} data-move-out=${m.serial}>
    <a href=${'#/move-outs/' + m.id}><strong>${m.serial}</strong></a> · ${unitName(m.expand?.unit || {})} · ${m.expand?.resident?.name || m.resident_name || ''}
    · ${t('mo.day')} ${m.move_out_on} <${Status} col="move_outs" code=${m.status} /></li>`;
  return html`<div class="move-outs">
    <h1>${t('mo.title')}</h1>
    ${WRITERS.includes(me.role) && html`<${NewMoveOut} community=${community} onDone=${(m) => navigate('/move-outs/' + m.id)} />`}
    <h2>${t('mo.open')}</h2>
    ${open.length ? html`<ul class="list">${open.map(row)}</ul>` : html`<${Empty} />`}
    <h2>${t('mo.closed')}</h2>
    ${closed.length ? html`<ul class="list">${closed.map(row)}</ul>` : html`<${Empty} />`}
  </div>`;
}

function NewMoveOut({ community, onDone }) {
  const [f, setF] = useState({ unitText: '', resident: '', move_out_on: today(), note: '' });
  const [unit, setUnit] = useState(null);
  const [people, setPeople] = useState([]);
  const act = useAction();
  const findUnit = async () => {
    const m = f.unitText.trim().match(/^([A-Za-z0-9]{1,6})\s*[-－栋#\s]\s*([A-Za-z0-9]{1,8})$/);
    if (!m) { setUnit(null); setPeople([]); return; }
    const u = await pb.collection('units').getFirstListItem(pb.filter('community = {:c} && building.code = {:b} && number = {:n}', { c: community.id, b: m[1], n: m[2] })).catch(() => null);
    setUnit(u);
    if (!u) { setPeople([]); return; }
    const links = await pb.collection('unit_residents').getFullList({ filter: pb.filter('unit = {:u} && active = true && (relation = "owner" || relation = "tenant")', { u: u.id }), expand: 'resident' });
    setPeople(links);
    setF((x) => ({ ...x, resident: links[0]?.resident || '' }));
  };
  const submit = (e) => {
    e.preventDefault();
    act.run(async () => {
      if (!unit) throw new Error(t('mo.noUnit', { unit: f.unitText }));
      const m = await pb.collection('move_outs').create({ unit: unit.id, resident: f.resident, move_out_on: f.move_out_on, note: f.note });
      toast(t('mo.filed', { serial: m.serial }));
      onDone(m);
    });
  };
  const errs = fieldErrors(act.error);
  return html`<form class="card" onSubmit=${submit} data-move-out-new>
    <h2>${t('mo.new')}</h2>
    <${Field} label=${t('mo.unit')} error=${errs.unit} required><input name="unit" value=${f.unitText} onInput=${(e) => setF({ ...f, unitText: e.target.value })} onBlur=${findUnit} /></${Field}>
    <${Field} label=${t('mo.resident')} error=${errs.resident} required><select name="resident" value=${f.resident} onChange=${(e) => setF({ ...f, resident: e.target.value })}>
      ${people.length === 0 && html`<option value="">${t('mo.pickUnit')}</option>`}
      ${people.map((l) => html`<option value=${l.resident}>${t('mo.resident.relation', { name: l.expand?.resident?.name || '', rel: t('mo.rel.' + l.relation) })}</option>`)}</select></${Field}>
    <${Field} label=${t('mo.day')} error=${errs.move_out_on} required><input type="date" name="move_out_on" min=${today()} value=${f.move_out_on} onInput=${(e) => setF({ ...f, move_out_on: e.target.value })} /></${Field}>
    <${Field} label=${t('mo.note')} error=${errs.note}><input name="note" value=${f.note} onInput=${(e) => setF({ ...f, note: e.target.value })} /></${Field}>
    <${ErrorBox} error=${act.error} />
    <button class="btn primary" disabled=${act.busy}>${t('mo.file')}</button>
  </form>`;
}

/** Checklist shows each clearance condition as done or what is missing. */
export function Checklist({ c }) {
  const item = (ok, done, missing, key) => html`<li class=${ok ? 'done' : 'missing'} data-check=${key}>${ok ? done : missing}</li>`;
  return html`<ul class="clearance" data-clearance=${c.ok ? 'ok' : 'missing'}>
    ${item(c.unpaid_bills === 0, t('mo.bills'), t('mo.billsOwing', { n: c.unpaid_bills, y: yuan(c.unpaid_fen) }), 'bills')}
    ${item(c.keys_out.length === 0, t('mo.keys'), t('mo.keysOut', { k: c.keys_out.join('、') }), 'keys')}
    ${item(c.meters_missing.length === 0, t('mo.readings') + (c.readings.length ? '：' + c.readings.map((r) => `${meterName(r.meter)} ${r.reading}（${r.read_on}）`).join('，') : ''),
      t('mo.readingsMissing', { m: c.meters_missing.map(meterName).join('、') }), 'readings')}
    ${item(c.final_billed, t('mo.finalBill'), t('mo.finalBillMissing'), 'final_bill')}
  </ul>`;
}

export function MoveOutDetail({ me, params }) {
  const data = useAsync(async () => {
    const m = await pb.collection('move_outs').getOne(params.id, { expand: 'unit.building,resident,goods_pass' });
    const c = await pb.send(`/api/wuye/move-outs/${m.id}/clearance`, {});
    return { m, c };
  }, [params.id]);
  const act = useAction();
  const [reason, setReason] = useState('');
  const [billed, setBilled] = useState(null);
  if (data.loading && !data.data) return html`<${Loading} />`;
  if (data.error) return html`<${ErrorBox} error=${data.error} retry=${data.reload} />`;
  const { m, c } = data.data;
  const steps = stepsFrom('move_outs', m.status, [me.role]);
  const take = (s) => act.run(async () => {
    const body = { status: s.to };
    if (s.to === 'cancelled') body.cancel_reason = reason;
    await pb.collection('move_outs').update(m.id, body);
    toast(stepVerb('move_outs', s));
    data.reload();
  });
  const issue = () => act.run(async () => {
    const r = await pb.send(`/api/wuye/move-outs/${m.id}/final-bill`, { method: 'POST', body: {} });
    setBilled(r.bills);
    data.reload();
  });
  return html`<div class="move-out" data-move-out-detail=${m.serial}>
    <p><a href="#/move-outs">← ${t('mo.title')}</a></p>
    <h1>${m.serial} <${Status} col="move_outs" code=${m.status} /></h1>
    <div class="card">
      <div>${unitName(m.expand?.unit || {})} · ${t('mo.resident.relation', { name: m.expand?.resident?.name || m.resident_name || '', rel: t('mo.rel.' + m.relation) })}</div>
      <div>${t('mo.requestedOn')} ${m.requested_on} · ${t('mo.day')} ${m.move_out_on}</div>
      ${m.note && html`<div class="muted">${m.note}</div>`}
    </div>
    <section class="card"><h2>${t('mo.checklist')}</h2><${Checklist} c=${c} />
      ${billed && html`<p class="small" data-billed>${t('mo.billed', { list: billed.map((b) => `${b.serial} ${yuan(b.amount_fen)}`).join('，') || '—' })}</p>`}
      ${c.meters_missing.length > 0 && ['area_manager', 'cashier', 'supervisor', 'director'].includes(me.role) && html`<a href="#/meters">${t('mo.walk')}</a>`}
    </section>
    ${m.status === 'requested' && BILLERS.includes(me.role) && html`<button class="btn" onClick=${issue} disabled=${act.busy} data-final-bill>${t('mo.issueBill')}</button>`}
    ${steps.some((s) => s.to === 'cancelled') && html`<${Field} label=${t('mo.cancelReason')}><input name="cancel_reason" value=${reason} onInput=${(e) => setReason(e.target.value)} /></${Field}>`}
    <div class="actions">${steps.map((s) => html`<button class=${'btn' + (s.to === 'cancelled' ? '' : ' primary')} data-step=${s.to} disabled=${act.busy} onClick=${() => take(s)}>${stepVerb('move_outs', s)}</button>`)}</div>
    <${ErrorBox} error=${act.error} />
    ${m.goods_pass && html`<p>${t('mo.goodsPass')}：<a href=${'#/print/goods-pass/' + m.goods_pass}>${m.expand?.goods_pass?.serial || m.goods_pass}</a> <${Status} col="goods_passes" code=${m.expand?.goods_pass?.status} /></p>`}
    <p><a class="btn" href=${'#/print/move-out/' + m.id} data-print-slip>${t('mo.printSlip')}</a></p>
  </div>`;
}

/** PrintMoveOut is the clearance slip (迁出结清单): the move-out, the checklist as checked, the final readings and bills, and signature lines. */
export function PrintMoveOut({ params }) {
  const data = useAsync(async () => {
    const m = await pb.collection('move_outs').getOne(params.id, { expand: 'unit.building,resident,community,goods_pass' });
    const c = await pb.send(`/api/wuye/move-outs/${m.id}/clearance`, {});
    const d = m.move_out_on || today();
    const q = `${d.slice(0, 4)}-Q${Math.floor((Number(d.slice(5, 7)) - 1) / 3) + 1}`;
    const bills = await pb.collection('bills').getFullList({ filter: pb.filter('unit = {:u} && (period = {:m} || period = {:q}) && status != "void"', { u: m.unit, m: d.slice(0, 7), q }), sort: 'serial' });
    return { m, c, bills };
  }, [params.id]);
  if (data.loading && !data.data) return html`<${Loading} />`;
  if (data.error) return html`<div class="no-print"><${ErrorBox} error=${data.error} retry=${data.reload} /></div>`;
  const { m, c, bills } = data.data;
  return html`<article class="slip" data-slip=${m.serial}>
    <div class="no-print"><a href=${'#/move-outs/' + m.id}>← ${t('mo.back')}</a> <button class="btn" onClick=${() => window.print()}>${t('mo.print')}</button></div>
    <h1>${m.expand?.community?.name || ''} ${t('mo.slip')}</h1>
    <table class="rect-table"><tbody>
      <tr><th>编号 No.</th><td>${m.serial}</td><th>${t('mo.day')}</th><td>${m.move_out_on}</td></tr>
      <tr><th>房号 Unit</th><td>${unitName(m.expand?.unit || {})}</td><th>${t('mo.resident')}</th><td>${t('mo.resident.relation', { name: m.expand?.resident?.name || m.resident_name || '', rel: t('mo.rel.' + m.relation) })}</td></tr>
      <tr><th>${t('mo.requestedOn')}</th><td>${m.requested_on}</td><th>状态 Status</th><td><${Status} col="move_outs" code=${m.status} /></td></tr>
    </tbody></table>
    <h2>${t('mo.checklist')}</h2><${Checklist} c=${c} />
    <h2>${t('mo.finalBill')}</h2>
    <table class="rect-table"><tbody>${bills.map((b) => html`<tr><td>${b.serial}</td><td>${b.period}</td><td>${yuan(b.amount_fen)}</td><td>${label('bill_status', b.status)}</td></tr>`)}</tbody></table>
    ${m.goods_pass && html`<p>${t('mo.goodsPass')}：${m.expand?.goods_pass?.serial || ''}（${m.expand?.goods_pass?.valid_on || ''}）</p>`}
    ${m.cleared_at && html`<p>结清 Cleared <${When} v=${m.cleared_at} /></p>`}
    <div class="signs"><span>${t('mo.sign.resident')}：________</span> <span>${t('mo.sign.cashier')}：________</span> <span>${t('mo.sign.desk')}：________</span></div>
  </article>`;
}
