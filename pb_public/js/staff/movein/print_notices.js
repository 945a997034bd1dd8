// The move-in notices (入伙通知书, [004] 四 2 4.2.1, 4.2.2.1) of a building,
// one page per household (or one, with ?id=): the service center's office and
// telephone, the appointment, what to bring (4.3.1), the fees and the date the
// management fee counts from (4.5), and the steps of the day in brief.
import { html } from '../../core/html.js';
import { pb } from '../../core/api.js';
import { t, addMessages, label } from '../../core/i18n.js';
import { yuan, dateTime } from '../../core/format.js';
import { Loading, ErrorBox, Empty, useAsync } from '../../core/ui.js';

addMessages({
  'mn.title': ['{name}入伙通知书', '{name} Move-in Notice'],
  'mn.dear': ['尊敬的 {owner} 业主：', 'Dear {owner},'],
  'mn.body': ['您购买的 {unit} 房屋已具备入伙条件。请您于预约时间携带下列资料，到物业服务中心办理入伙手续。', 'Your unit {unit} is ready to be taken over. Please come to the service center at your appointment with the papers below.'],
  'mn.appointment': ['预约时间', 'Appointment'],
  'mn.unbooked': ['请来电预约', 'Please call to book'],
  'mn.office': ['办理地点', 'Where'],
  'mn.phone': ['联系电话', 'Telephone'],
  'mn.bring': ['请携带', 'Please bring'],
  'mn.bring1': ['购房协议原件', 'The purchase contract (original)'],
  'mn.bring2': ['业主身份证原件（单位购房带营业执照副本）', "The owner's ID card (a company: its business licence copy)"],
  'mn.bring3': ['委托他人办理的，带业主委托书及受托人身份证', "If someone comes for you: your letter of authority and their ID card"],
  'mn.bring4': ['业主及家庭成员一寸彩照各 2 张', 'Two 1-inch colour photos of the owner and each household member'],
  'mn.fees': ['需交纳的费用', 'Fees'],
  'mn.feeStart': ['物业管理服务费自{from}起计算', 'The management fee counts from {from}'],
  'mn.fromHandover': ['收房（交钥匙）之日', 'the day you take the keys'],
  'mn.fromNotice': ['本通知书注明之日（{date}）', 'the date of this notice ({date})'],
  'mn.other': ['煤气开户费、有线电视初装费按当地规定收取；装修垃圾清运费可在办理装修时交纳', 'Gas connection and cable TV fees as locally set; the debris-removal fee may be paid when you register a renovation'],
  'mn.steps': ['办理步骤：资料查验 → 验房抄表 → 交纳费用 → 领取钥匙 → 签署管理规约、装修管理协议、消防安全责任书', 'Steps: papers checked → inspection and meter readings → fees → keys → sign the covenant, renovation agreement and fire-safety pledge'],
  'mn.date': ['通知日期', 'Date'],
  'mn.print': ['打印', 'Print'],
  'mn.back': ['返回入伙看板', 'Back to the board'],
  'mn.perM2': ['{price}/m²·月', '{price}/m² per month'],
  'mn.perUnit': ['{price}/月', '{price} per month'],
});

export function PrintMoveInNotices({ params, query }) {
  const q = query?.id ? 'id=' + encodeURIComponent(query.id) : 'building=' + encodeURIComponent(params.building);
  const d = useAsync(() => pb.send('/api/wuye/move-ins/notices?' + q, { method: 'GET' }), [q]);
  if (d.loading && !d.data) return html`<${Loading} />`;
  if (d.error) return html`<div class="no-print"><${ErrorBox} error=${d.error} retry=${d.reload} /></div>`;
  const { community, fees, fee_start: feeStart, households } = d.data;
  const price = (f) => (f.basis === 'per_m2_month' ? t('mn.perM2', { price: yuan(f.price_fen) })
    : f.basis === 'per_unit_month' ? t('mn.perUnit', { price: yuan(f.price_fen) }) : yuan(f.price_fen));
  return html`
    <div class="no-print rect-bar">
      <a href="#/move-ins">${t('mn.back')}</a>
      <button type="button" class="primary" onClick=${() => window.print()}>${t('mn.print')}</button>
    </div>
    ${households.length === 0 ? html`<${Empty} />` : households.map((h) => html`<article class="move-in-notice page-break" data-notice=${h.serial} key=${h.id}>
      <h1>${t('mn.title', { name: community.name })}</h1>
      <p class="small">${h.serial}</p>
      <p>${t('mn.dear', { owner: h.owner })}</p>
      <p>${t('mn.body', { unit: h.unit })}</p>
      <table class="rect-table"><tbody>
        <tr><th scope="row">${t('mn.appointment')}</th><td>${h.appointment_at ? dateTime(h.appointment_at) : t('mn.unbooked')}</td></tr>
        <tr><th scope="row">${t('mn.office')}</th><td>${community.address}</td></tr>
        <tr><th scope="row">${t('mn.phone')}</th><td>${community.phone}</td></tr>
      </tbody></table>
      <h2>${t('mn.bring')}</h2>
      <ol>${['mn.bring1', 'mn.bring2', 'mn.bring3', 'mn.bring4'].map((k) => html`<li key=${k}>${t(k)}</li>`)}</ol>
      <h2>${t('mn.fees')}</h2>
      <ul>${fees.map((f) => html`<li key=${f.name}>${f.name}（${label('fee_kind', f.kind)}）：${price(f)}</li>`)}
        <li>${t('mn.feeStart', { from: feeStart === 'notice' ? t('mn.fromNotice', { date: h.notice_date }) : t('mn.fromHandover') })}</li>
        <li>${t('mn.other')}</li></ul>
      <p class="small">${t('mn.steps')}</p>
      <p class="right">${community.name} · ${t('mn.date')} ${h.notice_date}</p>
    </article>`)}`;
}
