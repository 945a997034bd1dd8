// The printable goods pass (xx广场出门条, [001] 中汇广场 十一): one A4 page in
// two parts — security's and the service center's (一式两联) — each with the
// serial, the code typed at the gate, unit, applicant, the items, the day,
// who confirmed it and signature lines.
import { html } from '../../core/html.js';
import { pb } from '../../core/api.js';
import { t, addMessages } from '../../core/i18n.js';
import { unitName, dateTime } from '../../core/format.js';
import { Loading, ErrorBox, useAsync } from '../../core/ui.js';
import { statusLabel } from '../../core/flows.js';

addMessages({
  'gp.title': ['{name}出门条', '{name} Goods Pass'],
  'gp.partGate': ['第一联 秩序维护部存档', 'Part 1 · kept by security'],
  'gp.partDesk': ['第二联 客户服务中心存档', 'Part 2 · kept by the service center'],
  'gp.serial': ['编号', 'No.'],
  'gp.code': ['验证码', 'Code'],
  'gp.unit': ['房号', 'Unit'],
  'gp.applicant': ['申请人', 'Applicant'],
  'gp.items': ['物品清单', 'Items'],
  'gp.validOn': ['出门日期（当日有效）', 'Day (valid that day only)'],
  'gp.status': ['状态', 'Status'],
  'gp.approvedBy': ['客服中心确认', 'Confirmed by the service center'],
  'gp.ownerConsent': ['业主同意', "Owner's consent"],
  'gp.applicantSign': ['申请人签字', "Applicant's signature"],
  'gp.guardSign': ['门岗放行人签字', "Guard's signature"],
  'gp.note': ['门岗凭验证码在系统中核验，每张出门条只能放行一次。', 'The gate checks the code in the system; a pass lets goods out once.'],
  'gp.print': ['打印', 'Print'],
  'gp.back': ['返回登记簿', 'Back to the registers'],
});

export function PrintGoodsPass({ params }) {
  const data = useAsync(() => pb.collection('goods_passes').getOne(params.id, { expand: 'unit.building,community,approved_by' }), [params.id]);
  if (data.loading && !data.data) return html`<${Loading} />`;
  if (data.error) return html`<div class="no-print"><${ErrorBox} error=${data.error} retry=${data.reload} /></div>`;
  const g = data.data;
  const part = (head) => html`<section class="gp-part">
    <h1>${t('gp.title', { name: g.expand?.community?.name || '' })}</h1>
    <p class="small">${head}</p>
    <table class="rect-table"><tbody>
      <tr><th scope="row">${t('gp.serial')}</th><td>${g.serial}</td><th scope="row">${t('gp.code')}</th><td><strong data-testid="pass-code">${g.code}</strong></td></tr>
      <tr><th scope="row">${t('gp.unit')}</th><td>${unitName(g.expand?.unit)}</td><th scope="row">${t('gp.applicant')}</th><td>${g.applicant_name}</td></tr>
      <tr><th scope="row">${t('gp.items')}</th><td colspan="3" class="pre">${g.items}</td></tr>
      <tr><th scope="row">${t('gp.validOn')}</th><td>${g.valid_on}</td><th scope="row">${t('gp.status')}</th><td>${statusLabel('goods_passes', g.status)}</td></tr>
      <tr><th scope="row">${t('gp.approvedBy')}</th><td>${g.expand?.approved_by?.name || ''} ${g.approved_at ? dateTime(g.approved_at) : ''}</td>
        <th scope="row">${t('gp.ownerConsent')}</th><td>${g.owner_consent || (g.consent_by ? '✓' : '—')}</td></tr>
      <tr><th scope="row">${t('gp.applicantSign')}</th><td></td><th scope="row">${t('gp.guardSign')}</th><td></td></tr>
    </tbody></table>
    <p class="small">${t('gp.note')}</p>
  </section>`;
  return html`
    <div class="no-print rect-bar">
      <a href="#/registers?tab=passes">${t('gp.back')}</a>
      <button type="button" class="primary" onClick=${() => window.print()}>${t('gp.print')}</button>
    </div>
    <article class="goods-pass" data-testid="goods-pass">
      ${part(t('gp.partGate'))}
      <hr class="cut" />
      ${part(t('gp.partDesk'))}
    </article>`;
}
