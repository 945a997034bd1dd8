// The urgent-repair path of #/repairs/new (急修, docs/DESIGN.md § Dispatch):
// the service center's phone first, and a short form that files a work order
// of urgency "urgent" — answered around the clock, a technician due within the
// community's urgent arrival time ([004] 三 7.6).
import { html, useState } from '../../core/html.js';
import { pb, fieldErrors } from '../../core/api.js';
import { t, addMessages, label } from '../../core/i18n.js';
import { Field, ErrorBox, useAction, navigate, toast, confirmBox } from '../../core/ui.js';

addMessages({
  'urgent.title': ['急修', 'Urgent repair'],
  'urgent.what': ['漏水、爆管、停电、电梯困人、门锁损坏等紧急情况', 'Leaks, burst pipes, no power, people stuck in a lift, a broken lock'],
  'urgent.call': ['请立即致电客服中心 {phone}（24 小时），或在此提交急修：', 'Call the service center now on {phone} (24 hours), or file an urgent repair here:'],
  'urgent.noPhone': ['请立即致电物业服务中心（24 小时），或在此提交急修：', 'Call the service center now (24 hours), or file an urgent repair here:'],
  'urgent.promise': ['急修全天受理，客服 15 分钟内回复并派师傅尽快到场；急修属常规维修，不收费（户内有偿项目师傅到场后另行报价）。', 'Urgent repairs are taken day and night: the desk answers within 15 minutes and sends a technician at once. Free as a routine repair (in-home paid work is quoted on site).'],
  'urgent.category': ['类别', 'Kind'],
  'urgent.description': ['哪里、什么情况', 'Where and what'],
  'urgent.submit': ['提交急修', 'File urgent repair'],
  'urgent.confirm': ['确认提交急修？', 'File this urgent repair?'],
  'urgent.confirmBody': ['客服会立即联系您并派师傅上门。', 'The desk will call you and send a technician straight away.'],
  'urgent.sent': ['急修已提交，单号 {serial}', 'Urgent repair filed: {serial}'],
});

const KINDS = ['plumbing', 'electrical', 'locksmith', 'common_area', 'other'];

export function UrgentRepair({ me, unit }) {
  const phone = unit?.expand?.community?.phone || '';
  const [form, setForm] = useState({ category: 'plumbing', description: '' });
  const act = useAction();
  const submit = async (e) => {
    e.preventDefault();
    if (!(await confirmBox({ title: t('urgent.confirm'), body: t('urgent.confirmBody'), ok: t('urgent.submit'), danger: true }))) return;
    const saved = await act.run(() => pb.collection('work_orders').create({
      unit: unit.id, urgency: 'urgent', kind: 'routine', category: form.category, description: form.description,
      contact_name: me.name || '', contact_phone: me.phone || '',
    }));
    if (saved) {
      toast(t('urgent.sent', { serial: saved.serial }));
      navigate('/repairs/' + saved.id);
    }
  };
  const errs = fieldErrors(act.error);
  return html`<section class="card stack urgent-repair" data-testid="urgent-repair" aria-labelledby="urgent-title">
    <h2 id="urgent-title">${t('urgent.title')}</h2>
    <p class="small muted">${t('urgent.what')}</p>
    <p>${phone
      ? html`<span>${t('urgent.call', { phone })}</span> <a class="button" href=${'tel:' + phone} data-testid="urgent-phone">${phone}</a>`
      : t('urgent.noPhone')}</p>
    <form class="stack" onSubmit=${submit}>
      <${Field} label=${t('urgent.category')} error=${errs.category}>
        <select name="urgent_category" value=${form.category} onChange=${(e) => setForm({ ...form, category: e.target.value })}>
          ${KINDS.map((k) => html`<option value=${k} key=${k}>${label('work_category', k)}</option>`)}
        </select><//>
      <${Field} label=${t('urgent.description')} required error=${errs.description}>
        <textarea name="urgent_description" maxlength="2000" value=${form.description}
          onInput=${(e) => setForm({ ...form, description: e.target.value })}></textarea><//>
      <p class="small muted">${t('urgent.promise')}</p>
      <${ErrorBox} error=${act.error} />
      <button class="primary danger" disabled=${act.busy || !form.description.trim()}>${t('urgent.submit')}</button>
    </form>
  </section>`;
}
