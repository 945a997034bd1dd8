// A renovation's worker passes (出入证): the list, taking one back, issuing one.
import { html, useState } from '../../core/html.js';
import { pb, fieldErrors } from '../../core/api.js';
import { t, addMessages } from '../../core/i18n.js';
import { yuan, date, parseYuan } from '../../core/format.js';
import { Loading, ErrorBox, Field, useAction, toast, confirmBox } from '../../core/ui.js';
import { DESK } from './common.js';

addMessages({
  'reno.passes': ['施工人员出入证', 'Worker passes'],
  'reno.passesNone': ['还没有办理出入证', 'No passes yet'],
  'reno.passValid': ['有效期至 {d}', 'Valid until {d}'],
  'reno.passReturned': ['已交回', 'Returned'],
  'reno.passOut': ['使用中', 'In use'],
  'reno.passIssue': ['办理出入证', 'Issue a pass'],
  'reno.worker': ['姓名', 'Name'],
  'reno.idNo': ['身份证号', 'ID number'],
  'reno.idNoHint': ['18 位；保存后只有主管和主任能看到完整号码', '18 characters; only supervisors and the director see it in full'],
  'reno.trade': ['工种', 'Trade'],
  'reno.tradeHint': ['如 水电、泥瓦、木工', 'e.g. plumbing, tiling, carpentry'],
  'reno.passDeposit': ['出入证押金（元）', 'Pass deposit (yuan)'],
  'reno.passConfirm': ['为 {name} 办理出入证？', 'Issue a pass to {name}?'],
  'reno.passBody': ['有效期至计划完工日 {d}；押金记入押金台账。', 'Valid until the planned end {d}; its deposit goes into the ledger.'],
  'reno.passIssued': ['出入证已办理：{serial}', 'Pass issued: {serial}'],
  'reno.passReturn': ['收回', 'Take back'],
  'reno.passReturnConfirm': ['收回出入证 {serial}？', 'Take back pass {serial}?'],
  'reno.passReturnBody': ['出入证押金余额将退还。', 'Its deposit balance is refunded.'],
  'reno.passReturnedDone': ['出入证已收回', 'Pass returned'],
  'reno.passWithDeposit': ['押金 {amount}', 'deposit {amount}'],
});

export function PassesCard({ r, role, rel, again }) {
  const passes = rel.data?.passes || [];
  const canIssue = DESK.includes(role) && ['approved', 'permitted'].includes(r.status);
  if (!passes.length && !canIssue) return null;
  return html`<section class="card" aria-labelledby="h-reno-passes">
    <h2 id="h-reno-passes">${t('reno.passes')}</h2>
    <${PassList} r=${r} role=${role} rel=${rel} again=${again} />
    ${canIssue && html`<${PassForm} r=${r} again=${again} />`}
  </section>`;
}

export function PassList({ role, rel, again }) {
  const act = useAction();
  const passes = rel.data?.passes || [];
  if (rel.loading && !rel.data) return html`<${Loading} />`;
  if (!passes.length) return html`<p class="small muted">${t('reno.passesNone')}</p>`;
  const takeBack = async (p) => {
    if (!(await confirmBox({ title: t('reno.passReturnConfirm', { serial: p.serial }), body: t('reno.passReturnBody'), ok: t('reno.passReturn') }))) return;
    const saved = await act.run(() => pb.collection('renovation_passes').update(p.id, { returned_at: new Date().toISOString() }));
    if (saved) { toast(t('reno.passReturnedDone')); again(); }
  };
  return html`<ul class="list" data-testid="pass-list">${passes.map((p) => html`<li key=${p.id}><div class="item">
    <div class="main"><div class="t">${p.worker_name}${p.trade && html` · ${p.trade}`}</div>
      <div class="sub">${p.serial} · <span data-testid="pass-id">${p.id_no}</span> · ${t('reno.passValid', { d: date(p.valid_until) })}${p.deposit_fen > 0 ? ' · ' + t('reno.passWithDeposit', { amount: yuan(p.deposit_fen) }) : ''}</div></div>
    <span class=${'chip ' + (p.returned_at ? 's-muted' : 's-approved')}>${t(p.returned_at ? 'reno.passReturned' : 'reno.passOut')}</span>
    ${!p.returned_at && DESK.includes(role) && html`<button type="button" class="ghost" disabled=${act.busy} onClick=${() => takeBack(p)}>${t('reno.passReturn')}</button>`}
  </div></li>`)}</ul><${ErrorBox} error=${act.error} />`;
}

export function PassForm({ r, again }) {
  const blank = { worker_name: '', id_no: '', trade: '', deposit: '' };
  const [form, setForm] = useState(blank);
  const [open, setOpen] = useState(false);
  const [local, setLocal] = useState({});
  const act = useAction();
  const set = (k) => (e) => setForm({ ...form, [k]: e.target.value });
  if (!open) return html`<div class="actions"><button type="button" onClick=${() => setOpen(true)}>${t('reno.passIssue')}</button></div>`;
  const submit = async (e) => {
    e.preventDefault();
    const fen = parseYuan(form.deposit, 0);
    if (Number.isNaN(fen)) { setLocal({ deposit_fen: t('reno.badYuan') }); return; }
    setLocal({});
    if (!(await confirmBox({ title: t('reno.passConfirm', { name: form.worker_name.trim() || '—' }), body: t('reno.passBody', { d: date(r.planned_end) }), ok: t('reno.passIssue') }))) return;
    const saved = await act.run(() => pb.collection('renovation_passes').create({
      renovation: r.id, worker_name: form.worker_name.trim(), id_no: form.id_no.trim().toUpperCase(), trade: form.trade.trim(), deposit_fen: fen,
    }));
    if (saved) { toast(t('reno.passIssued', { serial: saved.serial })); setForm(blank); setOpen(false); again(); }
  };
  const errs = { ...fieldErrors(act.error), ...local };
  return html`<form class="stack sub-form" onSubmit=${submit} data-testid="pass-form" novalidate>
    <h3>${t('reno.passIssue')}</h3>
    <div class="grid2 pair">
      <${Field} label=${t('reno.worker')} required error=${errs.worker_name}><input type="text" name="worker_name" maxlength="50" value=${form.worker_name} onInput=${set('worker_name')} /><//>
      <${Field} label=${t('reno.idNo')} required hint=${t('reno.idNoHint')} error=${errs.id_no}><input type="text" name="id_no" maxlength="18" autocomplete="off" value=${form.id_no} onInput=${set('id_no')} /><//>
      <${Field} label=${t('reno.trade')} hint=${t('reno.tradeHint')} error=${errs.trade}><input type="text" name="trade" maxlength="30" value=${form.trade} onInput=${set('trade')} /><//>
      <${Field} label=${t('reno.passDeposit')} error=${errs.deposit_fen}><input type="text" inputmode="decimal" name="pass_deposit" value=${form.deposit} onInput=${set('deposit')} /><//>
    </div>
    ${errs.renovation && html`<p class="field-error" role="alert">${errs.renovation}</p>`}
    <${ErrorBox} error=${act.error} />
    <div class="actions"><button type="button" class="ghost" onClick=${() => setOpen(false)}>${t('cancel')}</button>
      <button class="primary" disabled=${act.busy}>${act.busy ? t('submitting') : t('reno.passIssue')}</button></div>
  </form>`;
}
