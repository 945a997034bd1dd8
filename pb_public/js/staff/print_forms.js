// Printable forms of the renovation module. PrintRectification is the
// rectification notice (装修违规整改通知书) for one violation, on one A4
// page, built from the records (GET /api/wuye/violations/{id}/notice answers
// with a finished HTML page, not data): the unit and its owner, the
// contractor, what was found, the measures, the date to rectify by, the
// deduction from the deposit (in figures and capitals), and signature lines
// for the office and the owner.
import { html } from '../core/html.js';
import { pb, capitalsOf } from '../core/api.js';
import { t, addMessages, label } from '../core/i18n.js';
import { yuan, date, today, unitName } from '../core/format.js';
import { Loading, ErrorBox, useAsync } from '../core/ui.js';

addMessages({
  'rect.title': ['装修违规整改通知书', 'Renovation Rectification Notice'],
  'rect.no': ['装修单号：{serial}', 'Renovation no. {serial}'],
  'rect.to': ['{unit} 业主/住户 {owner}：', 'To the owner/resident of {unit}, {owner}:'],
  'rect.intro': ['您的房屋装修（施工单位：{contractor}）于 {found} 在物业现场巡查中发现下列违规行为，违反了《装修管理规定》及您签订的装修协议。现将违规情况及处理措施通知如下：',
    'During the office\'s site inspection on {found}, the renovation of your unit (contractor: {contractor}) was found in breach of the Renovation Rules and of the agreement you signed, as follows:'],
  'rect.unit': ['房屋', 'Unit'],
  'rect.owner': ['业主/住户', 'Owner/resident'],
  'rect.contractor': ['施工单位', 'Contractor'],
  'rect.permit': ['施工许可证号', 'Permit no.'],
  'rect.found': ['发现日期', 'Found on'],
  'rect.kind': ['违规类别', 'Kind'],
  'rect.severity': ['违规程度', 'Severity'],
  'rect.severity.minor': ['一般违规', 'Minor'],
  'rect.severity.major': ['重大违规', 'Major'],
  'rect.description': ['违规情况', 'What was found'],
  'rect.measures': ['处理措施', 'Measures'],
  'rect.rectifyBy': ['整改期限', 'Rectify by'],
  'rect.deduct': ['扣除押金', 'Deduction'],
  'rect.capitals': ['（大写：{c}）', '(in Chinese capitals: {c})'],
  'rect.none': ['无', 'None'],
  'rect.rectifyText': ['请于 {date} 前整改完毕并恢复原状，届时物业将进行复查；逾期未整改的，物业将按装修协议采取进一步措施，并报告有关主管部门。',
    'Please rectify and restore by {date}; the office will then recheck. If it is not done in time, the office will take further measures under the agreement and report to the authorities.'],
  'rect.rectifyNow': ['请立即整改，物业将进行复查。', 'Please rectify at once; the office will recheck.'],
  'rect.deductText': ['依据装修协议，从您的装修押金中扣除 {amount}（{capitals}）。', 'Under the agreement, {amount} ({capitals}) is deducted from your renovation deposit.'],
  'rect.copies': ['本通知书一式两份，业主（住户）与物业服务中心各执一份。', 'Made in two copies: one for the owner/resident, one for the service center.'],
  'rect.office': ['{name}物业服务中心（盖章）', '{name} Property Service Center (seal)'],
  'rect.officer': ['经办人', 'Issued by'],
  'rect.ownerHead': ['业主（住户）签收', 'Received by the owner/resident'],
  'rect.signature': ['签字', 'Signature'],
  'rect.signDate': ['日期', 'Date'],
  'rect.issued': ['开具日期：{d}', 'Issued: {d}'],
  'rect.print': ['打印', 'Print'],
  'rect.colon': ['：', ': '],
  'rect.sep': ['；', '; '],
  'rect.back': ['返回装修详情', 'Back to the renovation'],
});

async function loadNotice(id) {
  const v = await pb.collection('renovation_violations').getOne(id, {
    expand: 'renovation.unit.building,renovation.applicant,renovation.community,found_by',
  });
  const r = v.expand?.renovation;
  // The notice goes to the unit's owner; the applicant stands in when no owner is on record.
  const owners = r ? await pb.collection('unit_residents').getList(1, 1, {
    filter: pb.filter('unit = {:u} && relation = "owner" && active = true', { u: r.unit }), expand: 'resident',
  }).then((x) => x.items).catch(() => []) : [];
  const words = await capitalsOf([v.deduct_fen || 0]);
  return { v, r, owner: owners[0]?.expand?.resident?.name || r?.expand?.applicant?.name || '', capitals: words.get(v.deduct_fen || 0) };
}

export function PrintRectification({ params }) {
  const data = useAsync(() => loadNotice(params.id), [params.id]);
  if (data.loading && !data.data) return html`<${Loading} />`;
  if (data.error) return html`<div class="no-print"><${ErrorBox} error=${data.error} retry=${data.reload} /></div>`;
  const { v, r, owner, capitals } = data.data;
  const unit = unitName(r?.expand?.unit);
  const community = r?.expand?.community?.name || '';
  const found = date(v.created);
  const measures = (v.measures || []).map((m) => label('measure', m)).join(t('rect.sep'));
  const blank = html`<span class="blank" aria-hidden="true"></span>`;
  return html`
    <div class="no-print rect-bar">
      <a href=${'#/renovations/' + v.renovation}>← ${t('rect.back')}</a>
      <button type="button" class="primary" onClick=${() => window.print()}>${t('rect.print')}</button>
    </div>
    <article class="rect-notice" data-testid="rectification-notice">
      <h1>${t('rect.title')}</h1>
      <p class="rect-no">${t('rect.no', { serial: r?.serial || '' })}</p>
      <p class="rect-to"><strong>${t('rect.to', { unit, owner: owner || '________' })}</strong></p>
      <p class="rect-para">${t('rect.intro', { contractor: r?.contractor_name || '', found })}</p>
      <table class="rect-table">
        <tbody>
          <tr><th scope="row">${t('rect.unit')}</th><td>${unit}</td><th scope="row">${t('rect.owner')}</th><td>${owner}</td></tr>
          <tr><th scope="row">${t('rect.contractor')}</th><td>${r?.contractor_name}${r?.contractor_phone ? ' · ' + r.contractor_phone : ''}</td>
            <th scope="row">${t('rect.permit')}</th><td class="nowrap">${r?.permit_no || '—'}</td></tr>
          <tr><th scope="row">${t('rect.found')}</th><td>${found}</td><th scope="row">${t('rect.severity')}</th><td>${t('rect.severity.' + v.severity)}</td></tr>
          <tr><th scope="row">${t('rect.kind')}</th><td colspan="3">${label('violation_kind', v.kind)}</td></tr>
          <tr><th scope="row">${t('rect.description')}</th><td colspan="3" class="pre">${v.description}</td></tr>
          <tr><th scope="row">${t('rect.measures')}</th><td colspan="3">${measures || t('rect.none')}</td></tr>
          <tr><th scope="row">${t('rect.rectifyBy')}</th><td colspan="3">${v.rectify_by ? date(v.rectify_by) : t('rect.none')}</td></tr>
          <tr><th scope="row">${t('rect.deduct')}</th><td colspan="3">${v.deduct_fen > 0
            ? html`${yuan(v.deduct_fen)} <span class="capitals">${t('rect.capitals', { c: capitals })}</span>` : t('rect.none')}</td></tr>
        </tbody>
      </table>
      <p class="rect-para">${v.rectify_by ? t('rect.rectifyText', { date: date(v.rectify_by) }) : t('rect.rectifyNow')}</p>
      ${v.deduct_fen > 0 && html`<p class="rect-para">${t('rect.deductText', { amount: yuan(v.deduct_fen), capitals: capitals })}</p>`}
      <div class="rect-sign">
        <div>
          <p><strong>${t('rect.office', { name: community })}</strong></p>
          <p>${t('rect.officer')}${t('rect.colon')}${blank}</p>
          <p>${t('rect.signDate')}${t('rect.colon')}${blank}</p>
        </div>
        <div>
          <p><strong>${t('rect.ownerHead')}</strong></p>
          <p>${t('rect.signature')}${t('rect.colon')}${blank}</p>
          <p>${t('rect.signDate')}${t('rect.colon')}${blank}</p>
        </div>
      </div>
      <p class="rect-foot small">${t('rect.copies')} ${t('rect.issued', { d: today() })}</p>
    </article>`;
}
