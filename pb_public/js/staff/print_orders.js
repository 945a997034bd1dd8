// The work order in triplicate (派工单，一式三联) on one A4 sheet: the service
// center's stub, the technician's copy and the resident's copy, with cut
// lines between them.
import { html, useEffect } from '../core/html.js';
import { pb, capitalsOf } from '../core/api.js';
import { t, addMessages, label } from '../core/i18n.js';
import { yuan, dateTime, unitName } from '../core/format.js';
import { Loading, ErrorBox, useAsync } from '../core/ui.js';
import { unpriced, paymentText } from './work_payment.js';

addMessages({
  'wo.title': ['有偿服务/维修派工单', 'Work order'],
  'wo.copy.stub': ['第一联 存根（客服中心）', 'Copy 1 · Stub (service center)'],
  'wo.copy.tech': ['第二联 维修人员', 'Copy 2 · Technician'],
  'wo.copy.owner': ['第三联 业主', 'Copy 3 · Resident'],
  'wo.serial': ['单号', 'No.'],
  'wo.unit': ['房号/位置', 'Unit / place'],
  'wo.contact': ['联系人/电话', 'Contact'],
  'wo.item': ['服务项目', 'Service'],
  'wo.content': ['维修内容', 'Work'],
  'wo.appointment': ['预约时间', 'Appointment'],
  'wo.received': ['受理时间', 'Received'],
  'wo.technician': ['维修人员', 'Technician'],
  'wo.arrived': ['到场时间', 'Arrived'],
  'wo.completed': ['完工时间', 'Completed'],
  'wo.materials': ['材料', 'Materials'],
  'wo.labour': ['人工/报价', 'Labour / quote'],
  'wo.total': ['合计', 'Total'],
  'wo.capitals': ['大写', 'In capitals'],
  'wo.payment': ['付款方式', 'Payment'],
  'wo.satisfaction': ['业主意见', "Resident's opinion"],
  'wo.sign.owner': ['业主签字', "Resident's signature"],
  'wo.sign.tech': ['维修人员签字', "Technician's signature"],
  'wo.sign.desk': ['受理人', 'Received by'],
  'wo.print': ['打印', 'Print'],
  'wo.back': ['返回', 'Back'],
});

async function load(id) {
  const o = await pb.collection('work_orders').getOne(id, { expand: 'unit.building,service_item,technician,receiver,community' });
  const words = await capitalsOf([o.amount_fen || 0]);
  return { o, capitals: words.get(o.amount_fen || 0) };
}

function Copy({ o, capitals, copy }) {
  const x = o.expand || {};
  const box = (on) => (on ? '☑' : '☐');
  // Not priced yet (printed at dispatch): the amount lines are left blank
  // for the technician to fill in by hand, not "¥0.00 / 零元整 / 无需付款".
  const blank = unpriced(o);
  return html`<section class="wo-copy" aria-label=${t('wo.copy.' + copy)}>
    <header class="wo-head"><b>${x.community?.name || ''}${t('wo.title')}</b><span>${t('wo.copy.' + copy)}</span><span>${t('wo.serial')}：<b class="wo-serial">${o.serial}</b></span></header>
    <table class="wo-table">
      <tr><th>${t('wo.unit')}</th><td>${x.unit ? unitName(x.unit) : o.location}</td><th>${t('wo.contact')}</th><td>${o.contact_name} ${o.contact_phone}</td></tr>
      <tr><th>${t('wo.item')}</th><td>${x.service_item?.name || label('work_category', o.category)}（${label('work_kind', o.kind)}）</td><th>${t('wo.appointment')}</th><td>${dateTime(o.appointment_at)}</td></tr>
      <tr><th>${t('wo.content')}</th><td colspan="3">${o.description}</td></tr>
      <tr><th>${t('wo.received')}</th><td>${dateTime(o.received_at)}</td><th>${t('wo.technician')}</th><td>${x.technician?.name || ''}</td></tr>
      <tr><th>${t('wo.arrived')}</th><td>${dateTime(o.arrived_at)}</td><th>${t('wo.completed')}</th><td>${dateTime(o.completed_at)}</td></tr>
      <tr><th>${t('wo.materials')}</th><td colspan="3">${(o.materials || []).map((m) => `${m.name} ×${m.qty} ${yuan(m.price_fen)}`).join('；')}</td></tr>
      <tr><th>${t('wo.labour')}</th><td>${o.quote_fen ? yuan(o.quote_fen) : ''}</td><th>${t('wo.total')}</th><td class="money" data-testid="wo-total"><b>${blank ? '' : yuan(o.amount_fen)}</b></td></tr>
      <tr><th>${t('wo.capitals')}</th><td data-testid="wo-capitals">${blank ? '' : capitals}</td><th>${t('wo.payment')}</th><td data-testid="wo-payment">${blank ? '' : paymentText(o)}</td></tr>
      <tr><th>${t('wo.satisfaction')}</th><td colspan="3">${['satisfied', 'basic', 'unsatisfied'].map((s) => html`<span class="wo-box">${box(o.satisfaction === s)} ${label('satisfaction', s)}</span>`)}</td></tr>
    </table>
    <footer class="wo-signs"><span>${t('wo.sign.owner')}：<i class="line"></i></span><span>${t('wo.sign.tech')}：<i class="line"></i></span><span>${t('wo.sign.desk')}：${x.receiver?.name || ''}</span></footer>
  </section>`;
}

export function PrintWorkOrder({ params }) {
  const data = useAsync(() => load(params.id), [params.id]);
  useEffect(() => { if (data.data) document.title = `${t('wo.title')} ${data.data.o.serial}`; }, [data.data]);
  const bar = html`<div class="row between no-print print-bar"><a href=${'#/orders/' + params.id}>← ${t('wo.back')}</a><button class="primary" onClick=${() => print()}>${t('wo.print')}</button></div>`;
  if (data.loading && !data.data) return html`${bar}<${Loading} />`;
  if (data.error) return html`${bar}<${ErrorBox} error=${data.error} retry=${data.reload} />`;
  return html`${bar}<div class="wo-sheet">${['stub', 'tech', 'owner'].map((c) => html`<${Copy} key=${c} copy=${c} ...${data.data} />`)}</div>`;
}
