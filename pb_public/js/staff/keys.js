// Keys and passes (钥匙与出入证): the key cabinet with who has each key
// out, lending to staff or to outsiders (ID and deposit), returns and
// overdue loans; and renovation workers' passes with the gate check.
import { html, useState } from '../core/html.js';
import { pb, fieldErrors } from '../core/api.js';
import { t, addMessages, label, choices } from '../core/i18n.js';
import { yuan, dateTime, date, today, unitName, parseDate, fromOffice } from '../core/format.js';
import { statusLabel } from '../core/flows.js';
import { Loading, ErrorBox, Empty, Status, Field, useAsync, useAction, confirmBox, toast } from '../core/ui.js';
import { useRealtime } from '../core/realtime.js';
import { DESK } from './roles.js';

addMessages({
  'keys.title': ['钥匙与出入证', 'Keys & passes'],
  'keys.tabKeys': ['钥匙柜', 'Key cabinet'],
  'keys.tabPasses': ['施工出入证', 'Worker passes'],
  'keys.find': ['查找钥匙', 'Find a key'],
  'keys.findHint': ['标签、房号或柜位', 'Label, unit or slot'],
  'keys.kind': ['钥匙类别', 'Kind'],
  'keys.status': ['状态', 'Status'],
  'keys.all': ['全部', 'All'],
  'keys.status.in': ['在柜', 'In'],
  'keys.status.out': ['借出', 'Out'],
  'keys.status.lost': ['遗失', 'Lost'],
  'keys.status.handed_over': ['已交业主', 'Handed to the owner'],
  'keys.summary': ['共 {n} 把 · 在柜 {in} · 借出 {out}', '{n} keys · {in} in · {out} out'],
  'keys.overdueTitle': ['逾期未还', 'Overdue loans'],
  'keys.slot': ['柜位 {slot}', 'slot {slot}'],
  'keys.borrower': ['借用人', 'Borrower'],
  'keys.borrowerIs': ['借用人：{who}', 'Borrower: {who}'],
  'keys.pickStaff': ['请选择借用员工', 'Choose the staff member who borrows it'],
  'keys.staffBorrower': ['{name}（员工）', '{name} (staff)'],
  'keys.due': ['应还 {at}', 'due {at}'],
  'keys.overdue': ['逾期', 'Overdue'],
  'keys.deposit': ['押金 {amount}', 'deposit {amount}'],
  'keys.lentBy': ['经手 {name}', 'lent by {name}'],
  'keys.lend': ['借出', 'Lend'],
  'keys.lendTitle': ['借出钥匙：{label}', 'Lend key: {label}'],
  'keys.toStaff': ['员工', 'Staff member'],
  'keys.toOutsider': ['外来人员', 'Outsider'],
  'keys.staff': ['借用员工', 'Staff member'],
  'keys.name': ['姓名', 'Name'],
  'keys.idNo': ['身份证号', 'ID number'],
  'keys.phone': ['电话', 'Phone'],
  'keys.depositYuan': ['押金（元）', 'Deposit (yuan)'],
  'keys.purpose': ['用途（选填）', 'Purpose (optional)'],
  'keys.dueAt': ['应还时间（选填，默认 7 天）', 'Due back (optional, 7 days by default)'],
  'keys.sameDay': ['空置房钥匙须当天 23:59 前归还', 'Vacant-unit keys come back by 23:59 today'],
  'keys.lent': ['{label} 已借出', '{label} lent'],
  'keys.return': ['归还', 'Return'],
  'keys.confirmReturn': ['确认归还 {label}？', 'Take {label} back?'],
  'keys.confirmReturnDeposit': ['将退还押金 {amount}。', 'The deposit of {amount} is refunded.'],
  'keys.returned': ['{label} 已归还', '{label} returned'],
  'keys.newKey': ['新增钥匙', 'Add a key'],
  'keys.label': ['标签', 'Label'],
  'keys.unit': ['房号（选填，如 1-101）', 'Unit (optional, e.g. 1-101)'],
  'keys.slotField': ['柜位（选填）', 'Slot (optional)'],
  'keys.noUnit': ['没有找到房屋 {unit}', 'No unit {unit}'],
  'keys.added': ['已新增钥匙 {label}', 'Key {label} added'],
  'keys.choose': ['请选择', 'Choose…'],

  'passes.check': ['门岗核验', 'Gate check'],
  'passes.checkField': ['出入证编号', 'Pass number'],
  'passes.checkHint': ['如 CRZ-20261123-0001', 'e.g. CRZ-20261123-0001'],
  'passes.checkBtn': ['核验', 'Check'],
  'passes.valid': ['有效，可以放行', 'Valid: let them in'],
  'passes.invalid': ['无效，不得放行', 'Not valid: do not let them in'],
  'passes.reason.returned': ['出入证已退还', 'The pass was returned'],
  'passes.reason.expired': ['出入证已过期', 'The pass has expired'],
  'passes.reason.renovation': ['装修状态为“{status}”，出入证暂停使用', 'The renovation is "{status}": passes are not valid'],
  'passes.validUntil': ['有效期至 {date}', 'valid until {date}'],
  'passes.list': ['出入证', 'Passes'],
  'passes.state.returned': ['已退证', 'Returned'],
  'passes.state.expired': ['已过期', 'Expired'],
  'passes.state.active': ['在用', 'In use'],
  'passes.state.inactive': ['暂不可用', 'Not valid now'],
  'passes.returnBtn': ['退证', 'Return pass'],
  'passes.confirmReturn': ['退还出入证 {serial}？', 'Return pass {serial}?'],
  'passes.confirmReturnBody': ['退证后不能再使用，押金 {amount} 将退还。', 'The pass stops working; the deposit of {amount} is refunded.'],
  'passes.returned': ['{serial} 已退证', '{serial} returned'],
  'passes.issue': ['办理出入证', 'Issue a pass'],
  'passes.renovation': ['装修申请（已审批或施工中）', 'Renovation (approved or permitted)'],
  'passes.worker': ['施工人员姓名', 'Worker name'],
  'passes.trade': ['工种（选填）', 'Trade (optional)'],
  'passes.issued': ['已办理出入证 {serial}', 'Pass {serial} issued'],
  'passes.noRenovation': ['没有可办理出入证的装修', 'No renovation can take passes now'],
});

const UNIT_RE = /^([A-Za-z0-9]{1,6})\s*(?:-|－|栋|#|\s)\s*([A-Za-z0-9]{1,8})$/;
const fen = (yuanText) => Math.round(parseFloat(yuanText || '0') * 100) || 0;

export function Keys({ me, community, query }) {
  const [tab, setTab] = useState(query?.get('tab') === 'passes' ? 'passes' : 'keys');
  return html`<div class="keys-screen">
    <h1>${t('keys.title')}</h1>
    <div class="seg" role="group" aria-label=${t('keys.title')}>
      <button type="button" aria-pressed=${tab === 'keys'} onClick=${() => setTab('keys')}>${t('keys.tabKeys')}</button>
      <button type="button" aria-pressed=${tab === 'passes'} onClick=${() => setTab('passes')}>${t('keys.tabPasses')}</button>
    </div>
    <div style="height:.8rem"></div>
    ${tab === 'keys' ? html`<${KeyCabinet} me=${me} community=${community} />` : html`<${Passes} me=${me} community=${community} />`}
  </div>`;
}

// --- key cabinet --------------------------------------------------------------

const loanOverdue = (l) => l.overdue || (parseDate(l.due_at)?.getTime() ?? Infinity) < Date.now();

function borrowerText(l) {
  if (l.borrower_staff) return t('keys.staffBorrower', { name: l.expand?.borrower_staff?.name || '' });
  return [l.borrower_name, l.borrower_id_no, l.borrower_phone].filter(Boolean).join(' · ');
}

function KeyCabinet({ me, community }) {
  const c = community.id;
  const canLend = DESK.includes(me.role);
  const data = useAsync(async () => {
    const [keys, loans] = await Promise.all([
      pb.collection('keys').getFullList({ filter: pb.filter('community = {:c}', { c }), sort: 'label', expand: 'unit.building' }),
      // The keys handed to their owners at a move-in are theirs, not on loan (docs/DESIGN.md § Move-in (入伙)).
      pb.collection('key_loans').getFullList({ filter: pb.filter('community = {:c} && returned_at = "" && move_in = ""', { c }), sort: 'due_at', expand: 'borrower_staff,lent_by' }),
    ]);
    return { keys, loans };
  }, [c]);
  const filter = pb.filter('community = {:c}', { c });
  useRealtime('keys', '*', () => data.reload(), { filter, onReconnect: data.reload }, [c]);
  useRealtime('key_loans', '*', () => data.reload(), { filter }, [c]);
  const staff = useAsync(() => (canLend ? pb.collection('staff').getFullList({
    filter: pb.filter('active = true && communities.id ?= {:c}', { c }), sort: 'name', fields: 'id,name,role',
  }) : Promise.resolve([])), [c, canLend]);
  const [q, setQ] = useState('');
  const [kind, setKind] = useState('');
  const [status, setStatus] = useState('');
  const [lending, setLending] = useState('');

  if (data.loading && !data.data) return html`<${Loading} />`;
  if (data.error) return html`<${ErrorBox} error=${data.error} retry=${data.reload} />`;
  const { keys, loans } = data.data;
  const loanOf = Object.fromEntries(loans.map((l) => [l.key, l]));
  const overdue = loans.filter(loanOverdue);
  const needle = q.trim().toLowerCase();
  const shown = keys.filter((k) => (!kind || k.kind === kind) && (!status || k.status === status)
    && (!needle || [k.label, k.slot, k.expand?.unit ? unitName(k.expand.unit) : ''].join(' ').toLowerCase().includes(needle)));
  const count = (s) => keys.filter((k) => k.status === s).length;
  const keyLabel = (id) => keys.find((k) => k.id === id)?.label || '';

  return html`
    ${overdue.length > 0 && html`<section class="card" aria-labelledby="h-key-overdue" data-testid="keys-overdue">
      <h2 id="h-key-overdue" style="color:var(--bad)">${t('keys.overdueTitle')} <span class="chip s-bad">${overdue.length}</span></h2>
      <ul class="list">${overdue.map((l) => html`<li key=${l.id}><div class="item"><div class="main">
        <div class="t">${keyLabel(l.key)}</div>
        <div class="sub">${borrowerText(l)} · ${t('keys.due', { at: dateTime(l.due_at) })}</div></div>
        <span class="chip s-bad">${t('keys.overdue')}</span></div></li>`)}</ul>
    </section>`}
    <section class="card" aria-labelledby="h-cabinet">
      <div class="row between"><h2 id="h-cabinet">${t('keys.tabKeys')}</h2>
        <span class="small muted">${t('keys.summary', { n: keys.length, in: count('in'), out: count('out') })}</span></div>
      <div class="key-tools">
        <${Field} label=${t('keys.find')}><input type="search" placeholder=${t('keys.findHint')} value=${q} onInput=${(e) => setQ(e.target.value)} /><//>
        <${Field} label=${t('keys.kind')}><select value=${kind} onChange=${(e) => setKind(e.target.value)}>
          <option value="">${t('keys.all')}</option>${choices('key_kind').map((k) => html`<option value=${k.code}>${k.text}</option>`)}</select><//>
        <${Field} label=${t('keys.status')}><select value=${status} onChange=${(e) => setStatus(e.target.value)}>
          <option value="">${t('keys.all')}</option>${['in', 'out', 'lost', 'handed_over'].map((s) => html`<option value=${s}>${t('keys.status.' + s)}</option>`)}</select><//>
      </div>
      ${shown.length === 0 ? html`<${Empty} />` : html`<ul class="list" aria-label=${t('keys.tabKeys')}>${shown.map((k) => {
        const loan = loanOf[k.id];
        const late = loan && loanOverdue(loan);
        return html`<li key=${k.id} class=${'key-row' + (late ? ' over' : '')} data-testid=${'key-' + k.label}>
          <div class="key-main">
            <span class="t">${k.label}</span>
            <span class="chip s-muted">${label('key_kind', k.kind)}</span>
            <span class=${'chip ' + (k.status === 'in' ? 's-closed' : k.status === 'out' ? 's-warn' : k.status === 'handed_over' ? 's-completed' : 's-bad')}>${t('keys.status.' + k.status)}</span>
            ${canLend && k.status === 'in' && html`<button type="button" onClick=${() => setLending(lending === k.id ? '' : k.id)} aria-expanded=${lending === k.id}>${t('keys.lend')}</button>`}
            ${canLend && loan && html`<${ReturnButton} loan=${loan} keyRec=${k} onDone=${data.reload} />`}
          </div>
          <div class="sub">${[k.expand?.unit ? unitName(k.expand.unit) : '', k.slot ? t('keys.slot', { slot: k.slot }) : ''].filter(Boolean).join(' · ')}</div>
          ${loan && html`<div class="sub">${t('keys.borrowerIs', { who: borrowerText(loan) })}${loan.deposit_fen > 0 ? ' · ' + t('keys.deposit', { amount: yuan(loan.deposit_fen) }) : ''}
            · ${t('keys.due', { at: dateTime(loan.due_at) })} ${late ? html`<span class="chip s-bad">${t('keys.overdue')}</span>` : ''}
            ${loan.expand?.lent_by ? ' · ' + t('keys.lentBy', { name: loan.expand.lent_by.name }) : ''}</div>`}
          ${lending === k.id && html`<${LendForm} keyRec=${k} staff=${staff.data || []} onDone=${() => { setLending(''); data.reload(); }} onCancel=${() => setLending('')} />`}
        </li>`;
      })}</ul>`}
    </section>
    ${canLend && html`<${NewKeyForm} community=${community} onDone=${data.reload} />`}`;
}

function LendForm({ keyRec, staff, onDone, onCancel }) {
  const [who, setWho] = useState('staff');
  const [form, setForm] = useState({ borrower_staff: '', borrower_name: '', borrower_id_no: '', borrower_phone: '', deposit: '100', purpose: '', due_at: '' });
  const act = useAction();
  const set = (k) => (e) => setForm({ ...form, [k]: e.target.value });
  const sameDay = keyRec.kind === 'vacant_unit';
  const submit = async (e) => {
    e.preventDefault();
    const body = { key: keyRec.id, purpose: form.purpose.trim(), due_at: sameDay ? undefined : fromOffice(form.due_at) || undefined };
    if (who === 'staff') body.borrower_staff = form.borrower_staff;
    else Object.assign(body, { borrower_name: form.borrower_name.trim(), borrower_id_no: form.borrower_id_no.trim().toUpperCase(), borrower_phone: form.borrower_phone.trim(), deposit_fen: fen(form.deposit) });
    if (who === 'staff' && !body.borrower_staff) { act.setError(new Error(t('keys.pickStaff'))); return; }
    const saved = await act.run(() => pb.collection('key_loans').create(body));
    if (saved) { toast(t('keys.lent', { label: keyRec.label })); onDone(); }
  };
  const errs = fieldErrors(act.error);
  return html`<form class="stack key-form" onSubmit=${submit} aria-label=${t('keys.lendTitle', { label: keyRec.label })}>
    <strong>${t('keys.lendTitle', { label: keyRec.label })}</strong>
    <div class="choices" role="radiogroup" aria-label=${t('keys.borrower')}>
      ${[['staff', 'keys.toStaff'], ['outsider', 'keys.toOutsider']].map(([v, key]) => html`
        <label><input type="radio" name=${'who-' + keyRec.id} value=${v} checked=${who === v} onChange=${() => setWho(v)} />${t(key)}</label>`)}
    </div>
    ${who === 'staff' ? html`
      <${Field} label=${t('keys.staff')} required error=${errs.borrower_staff}>
        <select value=${form.borrower_staff} onChange=${set('borrower_staff')}>
          <option value="">${t('keys.choose')}</option>
          ${staff.map((s) => html`<option value=${s.id}>${s.name} · ${label('role', s.role)}</option>`)}
        </select><//>` : html`
      <div class="grid2">
        <${Field} label=${t('keys.name')} required error=${errs.borrower_name}><input type="text" maxlength="50" value=${form.borrower_name} onInput=${set('borrower_name')} /><//>
        <${Field} label=${t('keys.phone')} required error=${errs.borrower_phone}><input type="tel" maxlength="20" value=${form.borrower_phone} onInput=${set('borrower_phone')} /><//>
        <${Field} label=${t('keys.idNo')} required error=${errs.borrower_id_no}><input type="text" maxlength="18" autocomplete="off" value=${form.borrower_id_no} onInput=${set('borrower_id_no')} /><//>
        <${Field} label=${t('keys.depositYuan')} required error=${errs.deposit_fen}><input type="number" min="0" step="0.01" inputmode="decimal" value=${form.deposit} onInput=${set('deposit')} /><//>
      </div>`}
    <${Field} label=${t('keys.purpose')} error=${errs.purpose}><input type="text" maxlength="200" value=${form.purpose} onInput=${set('purpose')} /><//>
    ${sameDay ? html`<p class="hint">${t('keys.sameDay')}</p>` : html`
      <${Field} label=${t('keys.dueAt')} error=${errs.due_at}><input type="datetime-local" value=${form.due_at} onInput=${set('due_at')} /><//>`}
    <${ErrorBox} error=${act.error} />
    <div class="row"><button type="button" class="ghost" onClick=${onCancel}>${t('cancel')}</button>
      <button class="primary" disabled=${act.busy}>${t('keys.lend')}</button></div>
  </form>`;
}

function ReturnButton({ loan, keyRec, onDone }) {
  const act = useAction();
  const go = async () => {
    const body = [loan.deposit_fen > 0 ? t('keys.confirmReturnDeposit', { amount: yuan(loan.deposit_fen) }) : '', borrowerText(loan)].filter(Boolean).join(' ');
    if (!(await confirmBox({ title: t('keys.confirmReturn', { label: keyRec.label }), body, ok: t('keys.return') }))) return;
    const saved = await act.run(() => pb.collection('key_loans').update(loan.id, { returned_at: new Date().toISOString() }));
    if (saved) { toast(t('keys.returned', { label: keyRec.label })); onDone(); }
  };
  return html`<button type="button" disabled=${act.busy} onClick=${go}>${t('keys.return')}</button>${act.error && html`<${ErrorBox} error=${act.error} />`}`;
}

function NewKeyForm({ community, onDone }) {
  const blank = { label: '', kind: 'vacant_unit', unit: '', slot: '' };
  const [form, setForm] = useState(blank);
  const act = useAction();
  const set = (k) => (e) => setForm({ ...form, [k]: e.target.value });
  const submit = async (e) => {
    e.preventDefault();
    const saved = await act.run(async () => {
      const body = { community: community.id, label: form.label.trim(), kind: form.kind, slot: form.slot.trim(), status: 'in' };
      const u = form.unit.trim();
      if (u) {
        const m = u.match(UNIT_RE);
        const found = m ? await pb.collection('units').getList(1, 1, { filter: pb.filter('community = {:c} && building.code = {:b} && number = {:n}', { c: community.id, b: m[1], n: m[2].toUpperCase() }) }) : { items: [] };
        if (!found.items.length) throw new Error(t('keys.noUnit', { unit: u }));
        Object.assign(body, { unit: found.items[0].id, building: found.items[0].building, floor: found.items[0].floor });
      }
      return pb.collection('keys').create(body);
    });
    if (saved) { toast(t('keys.added', { label: saved.label })); setForm(blank); onDone(); }
  };
  const errs = fieldErrors(act.error);
  return html`<details class="card"><summary><strong>${t('keys.newKey')}</strong></summary>
    <form class="stack" onSubmit=${submit} style="margin-top:.6rem">
      <div class="grid2">
        <${Field} label=${t('keys.label')} required error=${errs.label}><input type="text" maxlength="50" value=${form.label} onInput=${set('label')} /><//>
        <${Field} label=${t('keys.kind')} required error=${errs.kind}><select value=${form.kind} onChange=${set('kind')}>
          ${choices('key_kind').map((k) => html`<option value=${k.code}>${k.text}</option>`)}</select><//>
        <${Field} label=${t('keys.unit')} error=${errs.unit}><input type="text" value=${form.unit} onInput=${set('unit')} /><//>
        <${Field} label=${t('keys.slotField')} error=${errs.slot}><input type="text" maxlength="20" value=${form.slot} onInput=${set('slot')} /><//>
      </div>
      <${ErrorBox} error=${act.error} />
      <button class="primary" disabled=${act.busy}>${t('keys.newKey')}</button>
    </form></details>`;
}

// --- worker passes --------------------------------------------------------------

// What the gate check would say, from what the list already holds
// (hooks/renovation_passes.go PassValid); the check itself is the server's.
function passState(p) {
  if (p.returned_at) return 'returned';
  if (p.valid_until && p.valid_until < today()) return 'expired';
  const reno = p.expand?.renovation?.status;
  if (reno && reno !== 'approved' && reno !== 'permitted') return 'inactive';
  return 'active';
}

function reasonText(reason) {
  if (!reason) return '';
  if (reason.startsWith('renovation_')) return t('passes.reason.renovation', { status: statusLabel('renovations', reason.slice(11)) });
  return t('passes.reason.' + reason);
}

function Passes({ me, community }) {
  const c = community.id;
  const canIssue = DESK.includes(me.role);
  const list = useAsync(() => pb.collection('renovation_passes').getFullList({
    filter: pb.filter('renovation.community = {:c}', { c }), sort: '-created', expand: 'renovation.unit.building',
  }), [c]);
  const [checkText, setCheckText] = useState('');
  const [result, setResult] = useState(null);
  const check = useAction();
  const runCheck = (pass) => check.run(async () => {
    setResult(null);
    let p = pass;
    if (!p) {
      const q = checkText.trim();
      p = /^[a-z0-9]{15}$/.test(q) ? { id: q, serial: q }
        : await pb.collection('renovation_passes').getFirstListItem(pb.filter('serial = {:s}', { s: q.toUpperCase() }), { fields: 'id,serial' });
    } else setCheckText(p.serial);
    const res = await pb.send(`/api/wuye/passes/${encodeURIComponent(p.id)}/check`, { method: 'GET' });
    setResult({ ...res, serial: p.serial });
  });
  return html`
    <section class="card" aria-labelledby="h-gate">
      <h2 id="h-gate">${t('passes.check')}</h2>
      <form class="desk-search" onSubmit=${(e) => { e.preventDefault(); if (checkText.trim()) runCheck(); }}>
        <${Field} label=${t('passes.checkField')} hint=${t('passes.checkHint')}>
          <input type="search" autocomplete="off" value=${checkText} onInput=${(e) => setCheckText(e.target.value)} /><//>
        <button class="primary" disabled=${check.busy}>${t('passes.checkBtn')}</button>
      </form>
      <${ErrorBox} error=${check.error} />
      ${result && html`<div class=${'gate-result ' + (result.valid ? 'ok' : 'bad')} role="status" data-testid="gate-result">
        <div class="big">${result.valid ? '✔ ' + t('passes.valid') : '✖ ' + t('passes.invalid')}</div>
        <div>${result.serial} · ${result.worker_name} · ${result.id_no}</div>
        <div class="small">${result.valid_until ? t('passes.validUntil', { date: result.valid_until }) : ''}${result.reason ? ' · ' + reasonText(result.reason) : ''}</div>
      </div>`}
    </section>
    ${canIssue && html`<${IssuePass} community=${community} onDone=${list.reload} />`}
    <section class="card" aria-labelledby="h-passes">
      <h2 id="h-passes">${t('passes.list')}</h2>
      ${list.loading && !list.data ? html`<${Loading} />` : list.error ? html`<${ErrorBox} error=${list.error} retry=${list.reload} />`
        : list.data.length === 0 ? html`<${Empty} />` : html`<ul class="list">${list.data.map((p) => {
          const st = passState(p);
          const reno = p.expand?.renovation;
          return html`<li key=${p.id} class="key-row">
            <div class="key-main"><span class="t">${p.serial} · ${p.worker_name}</span>
              <span class=${'chip ' + (st === 'active' ? 's-closed' : 's-muted')}>${t('passes.state.' + st)}</span>
              ${reno && html`<${Status} col="renovations" code=${reno.status} />`}
              <button type="button" onClick=${() => runCheck(p)}>${t('passes.checkBtn')}</button>
              ${canIssue && st !== 'returned' && html`<${ReturnPass} pass=${p} onDone=${list.reload} />`}
            </div>
            <div class="sub">${[reno?.expand?.unit ? unitName(reno.expand.unit) : '', p.trade, p.id_no,
              p.valid_until ? t('passes.validUntil', { date: p.valid_until }) : '', p.deposit_fen > 0 ? t('keys.deposit', { amount: yuan(p.deposit_fen) }) : '',
              p.returned_at ? t('passes.state.returned') + ' ' + date(p.returned_at) : ''].filter(Boolean).join(' · ')}</div>
          </li>`;
        })}</ul>`}
    </section>`;
}

function ReturnPass({ pass, onDone }) {
  const act = useAction();
  const go = async () => {
    if (!(await confirmBox({ title: t('passes.confirmReturn', { serial: pass.serial }), body: t('passes.confirmReturnBody', { amount: yuan(pass.deposit_fen) }), ok: t('passes.returnBtn') }))) return;
    const saved = await act.run(() => pb.collection('renovation_passes').update(pass.id, { returned_at: new Date().toISOString() }));
    if (saved) { toast(t('passes.returned', { serial: pass.serial })); onDone(); }
  };
  return html`<button type="button" disabled=${act.busy} onClick=${go}>${t('passes.returnBtn')}</button>${act.error && html`<${ErrorBox} error=${act.error} />`}`;
}

function IssuePass({ community, onDone }) {
  const renos = useAsync(() => pb.collection('renovations').getFullList({
    filter: pb.filter('community = {:c} && (status = "approved" || status = "permitted")', { c: community.id }), sort: '-created', expand: 'unit.building',
  }), [community.id]);
  const blank = { renovation: '', worker_name: '', id_no: '', trade: '', deposit: '' };
  const [form, setForm] = useState(blank);
  const act = useAction();
  const set = (k) => (e) => setForm({ ...form, [k]: e.target.value });
  const submit = async (e) => {
    e.preventDefault();
    const saved = await act.run(() => pb.collection('renovation_passes').create({
      renovation: form.renovation, worker_name: form.worker_name.trim(), id_no: form.id_no.trim().toUpperCase(), trade: form.trade.trim(), deposit_fen: fen(form.deposit),
    }));
    if (saved) { toast(t('passes.issued', { serial: saved.serial })); setForm(blank); onDone(); }
  };
  const errs = fieldErrors(act.error);
  return html`<details class="card"><summary><strong>${t('passes.issue')}</strong></summary>
    ${renos.loading && !renos.data ? html`<${Loading} />` : renos.error ? html`<${ErrorBox} error=${renos.error} retry=${renos.reload} />`
      : renos.data.length === 0 ? html`<${Empty} text=${t('passes.noRenovation')} />` : html`
    <form class="stack" onSubmit=${submit} style="margin-top:.6rem">
      <${Field} label=${t('passes.renovation')} required error=${errs.renovation}><select value=${form.renovation} onChange=${set('renovation')}>
        <option value="">${t('keys.choose')}</option>
        ${renos.data.map((r) => html`<option value=${r.id}>${r.serial} · ${unitName(r.expand?.unit)} · ${r.contractor_name}</option>`)}</select><//>
      <div class="grid2">
        <${Field} label=${t('passes.worker')} required error=${errs.worker_name}><input type="text" maxlength="50" value=${form.worker_name} onInput=${set('worker_name')} /><//>
        <${Field} label=${t('keys.idNo')} required error=${errs.id_no}><input type="text" maxlength="18" autocomplete="off" value=${form.id_no} onInput=${set('id_no')} /><//>
        <${Field} label=${t('passes.trade')} error=${errs.trade}><input type="text" maxlength="30" value=${form.trade} onInput=${set('trade')} /><//>
        <${Field} label=${t('keys.depositYuan')} error=${errs.deposit_fen}><input type="number" min="0" step="0.01" inputmode="decimal" value=${form.deposit} onInput=${set('deposit')} /><//>
      </div>
      <${ErrorBox} error=${act.error} />
      <button class="primary" disabled=${act.busy}>${t('passes.issue')}</button>
    </form>`}
  </details>`;
}
