// The month's 特约服务收费明细及确认 (#/service-statements; [003] 篇2 4.8,
// 4.9(4); docs/DESIGN.md § Fees): finance (the cashier) draws up a month's
// completed paid services against the money taken for them, the rows that
// do not agree flagged; the cashier signs, then the supervisor (or the
// director) confirms. Wuye draws the lines (service_statements); this page
// lists the months, drafts one, shows the reconciliation, takes the two
// signatures and opens the printable page (GET
// /api/wuye/service-statements/{id}/print, with a file token as the new
// tab sends no header).
import { html, useState } from '../../core/html.js';
import { pb, fieldErrors } from '../../core/api.js';
import { t, addMessages } from '../../core/i18n.js';
import { dateTime, today } from '../../core/format.js';
import { Loading, ErrorBox, Empty, Field, useAsync, useAction, toast, confirmBox, navigate } from '../../core/ui.js';
import { useRealtime } from '../../core/realtime.js';
import { Money } from './common.js';

addMessages({
  'svc.title': ['特约服务收费明细及确认', 'Paid-service statement'],
  'svc.intro': ['每月由财务（收费员）核对当月完工的有偿服务与实际收款，差异逐单标出；收费员签字后由客服主管确认，双方各留一份。',
    'Each month finance (the cashier) checks the month\'s completed paid services against the money taken, each difference flagged; the cashier signs, then the supervisor confirms, and each side keeps a copy.'],
  'svc.month': ['月份', 'Month'],
  'svc.draft': ['起草 {month} 明细', 'Draw up {month}'],
  'svc.drafted': ['已起草 {month} 明细', '{month} drawn up'],
  'svc.none': ['这个月还没有明细', 'No statement for this month yet'],
  'svc.list': ['各月明细', 'Statements by month'],
  'svc.noneYet': ['还没有任何月份的明细', 'No statement yet'],
  'svc.orders': ['{n} 单', '{n} orders'],
  'svc.flaggedN': ['{n} 单待核', '{n} to look into'],
  'svc.status.draft': ['待收费员签字', 'To be signed by the cashier'],
  'svc.status.cashier_signed': ['待客服主管确认', 'To be confirmed by the supervisor'],
  'svc.status.confirmed': ['双方已确认', 'Confirmed'],
  'svc.serial': ['工作单号', 'Work order'],
  'svc.unit': ['房号', 'Unit'],
  'svc.item': ['服务项目', 'Service'],
  'svc.completed': ['完工时间', 'Completed'],
  'svc.amount': ['应收', 'Due'],
  'svc.paid': ['实收', 'Received'],
  'svc.receipts': ['收据号', 'Receipts'],
  'svc.diff': ['差额', 'Difference'],
  'svc.check': ['核对', 'Check'],
  'svc.total': ['合计', 'Total'],
  'svc.flag.unpaid': ['未收款', 'Not taken'],
  'svc.flag.owing': ['已入账单未缴', 'Billed, unpaid'],
  'svc.flag.short': ['少收', 'Short'],
  'svc.flag.over': ['多收', 'Over'],
  'svc.noLines': ['这个月没有完工的有偿服务', 'No paid service completed this month'],
  'svc.note': ['说明', 'Note'],
  'svc.cashierSign': ['收费员签字', 'Sign as cashier'],
  'svc.cashierSignBody': ['签字时按当前记录重新核对一次，签后明细交客服主管确认。', 'The lines are drawn again as the records stand now; then it goes to the supervisor.'],
  'svc.cashierSigned': ['收费员已签字', 'Signed by the cashier'],
  'svc.supervisorSign': ['主管确认', 'Confirm as supervisor'],
  'svc.supervisorSignBody': ['确认后明细不再改动。', 'Once confirmed the statement no longer changes.'],
  'svc.confirmed': ['已确认', 'Confirmed'],
  'svc.cashierBy': ['财务（收费员）：{name} {when}', 'Finance (cashier): {name} {when}'],
  'svc.supervisorBy': ['客服中心（主管）：{name} {when}', 'Service center (supervisor): {name} {when}'],
  'svc.print': ['打印明细', 'Print'],
  'svc.back': ['各月明细', 'All months'],
});

const lastMonth = () => {
  const [y, m] = today().split('-').map(Number);
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
};

/** openPrint opens the statement's printable page in a tab of its own. */
export async function openPrint(id) {
  const token = await pb.files.getToken();
  window.open(`/api/wuye/service-statements/${encodeURIComponent(id)}/print?token=${encodeURIComponent(token)}`, '_blank', 'noopener');
}

export function ServiceStatements({ me, community, query }) {
  const id = query.get('id') || '';
  const list = useAsync(() => pb.collection('service_statements').getFullList({
    filter: pb.filter('community = {:c}', { c: community.id }), sort: '-month', fields: 'id,month,status,orders,amount_fen,paid_fen,difference_fen,flagged',
  }), [community.id]);
  useRealtime('service_statements', '*', list.reload, { filter: pb.filter('community = {:c}', { c: community.id }), onReconnect: list.reload }, [community.id]);
  return html`
    <h1>${t('svc.title')}</h1>
    <p class="small muted">${t('svc.intro')}</p>
    ${id ? html`<${Statement} key=${id} id=${id} me=${me} onChange=${list.reload} />`
      : html`<${Draft} me=${me} community=${community} list=${list.data || []} onDone=${list.reload} />`}
    <section class="card" aria-labelledby="h-svc-list">
      <h2 id="h-svc-list">${t('svc.list')}</h2>
      ${list.loading && !list.data ? html`<${Loading} />` : list.error ? html`<${ErrorBox} error=${list.error} retry=${list.reload} />`
        : !list.data.length ? html`<${Empty} text=${t('svc.noneYet')} />` : html`
        <ul class="list" data-testid="statement-list">${list.data.map((s) => html`<li key=${s.id} data-month=${s.month}>
          <a class="item" href=${'#/service-statements?id=' + s.id} aria-current=${s.id === id ? 'true' : undefined}><div class="main">
            <div class="t">${s.month} · ${t('svc.status.' + s.status)}</div>
            <div class="sub">${t('svc.orders', { n: s.orders })} · ${t('svc.amount')} <${Money} fen=${s.amount_fen} /> · ${t('svc.paid')} <${Money} fen=${s.paid_fen} />
              ${s.flagged > 0 && html` · <span class="chip s-warn">${t('svc.flaggedN', { n: s.flagged })}</span>`}</div>
          </div></a></li>`)}</ul>`}
    </section>`;
}

function Draft({ me, community, list, onDone }) {
  const [month, setMonth] = useState(lastMonth());
  const act = useAction();
  const writes = ['cashier', 'supervisor', 'director'].includes(me.role);
  const have = list.find((s) => s.month === month);
  const draft = async (e) => {
    e.preventDefault();
    const saved = await act.run(() => pb.collection('service_statements').create({ community: community.id, month }));
    if (saved) { toast(t('svc.drafted', { month })); onDone(); navigate('/service-statements?id=' + saved.id); }
  };
  const errs = fieldErrors(act.error);
  return html`<form class="card row" onSubmit=${draft} aria-label=${t('svc.month')}>
    <${Field} label=${t('svc.month')} error=${errs.month}>
      <input type="month" name="month" max=${today().slice(0, 7)} value=${month} onInput=${(e) => e.target.value && setMonth(e.target.value)} /><//>
    ${have ? html`<a class="button" href=${'#/service-statements?id=' + have.id}>${have.month} · ${t('svc.status.' + have.status)}</a>`
      : html`<span class="muted small">${t('svc.none')}</span>
        ${writes && html`<button class="primary" disabled=${act.busy}>${t('svc.draft', { month })}</button>`}`}
    <${ErrorBox} error=${act.error} />
  </form>`;
}

function Statement({ id, me, onChange }) {
  const rec = useAsync(() => pb.collection('service_statements').getOne(id, { expand: 'cashier,supervisor' }), [id]);
  useRealtime('service_statements', id, rec.reload, { onReconnect: rec.reload }, [id]);
  const [note, setNote] = useState(null);
  const act = useAction();
  const printing = useAction();
  if (rec.loading && !rec.data) return html`<${Loading} />`;
  if (rec.error) return html`<${ErrorBox} error=${rec.error} retry=${rec.reload} />`;
  const s = rec.data;
  const step = s.status === 'draft' && me.role === 'cashier' ? 'cashier_signed'
    : s.status === 'cashier_signed' && (me.role === 'supervisor' || me.role === 'director') ? 'confirmed' : '';
  const sign = async () => {
    const cashier = step === 'cashier_signed';
    const ok = await confirmBox({ title: t(cashier ? 'svc.cashierSign' : 'svc.supervisorSign') + ' · ' + s.month,
      body: t(cashier ? 'svc.cashierSignBody' : 'svc.supervisorSignBody'), ok: t(cashier ? 'svc.cashierSign' : 'svc.supervisorSign') });
    if (!ok) return;
    const body = { status: step };
    if (note !== null && note !== s.note) body.note = note;
    const saved = await act.run(() => pb.collection('service_statements').update(s.id, body, { expand: 'cashier,supervisor' }));
    if (saved) { toast(t(cashier ? 'svc.cashierSigned' : 'svc.confirmed')); rec.setData(saved); setNote(null); onChange(); }
  };
  const lines = s.lines || [];
  return html`<article class="card" aria-labelledby="h-svc" data-testid="statement" data-status=${s.status}>
    <div class="row between"><h2 id="h-svc">${s.month} · ${t('svc.title')}</h2>
      <span class=${'chip s-' + (s.status === 'confirmed' ? 'closed' : 'warn')} data-testid="statement-status">${t('svc.status.' + s.status)}</span></div>
    <p><a href="#/service-statements">← ${t('svc.back')}</a></p>
    ${!lines.length ? html`<${Empty} text=${t('svc.noLines')} />` : html`<div class="table-wrap"><table class="t" data-testid="statement-lines">
      <thead><tr><th>${t('svc.serial')}</th><th>${t('svc.unit')}</th><th>${t('svc.item')}</th><th>${t('svc.completed')}</th>
        <th class="num">${t('svc.amount')}</th><th class="num">${t('svc.paid')}</th><th>${t('svc.receipts')}</th><th class="num">${t('svc.diff')}</th><th>${t('svc.check')}</th></tr></thead>
      <tbody>${lines.map((l) => html`<tr key=${l.order} data-flag=${l.flag || undefined} class=${l.flag ? 'reversal' : ''}>
        <td><a href=${'#/orders/' + l.order}>${l.serial}</a></td><td>${l.unit}</td><td>${l.item}</td><td>${dateTime(l.completed_at)}</td>
        <td class="num"><${Money} fen=${l.amount_fen} /></td><td class="num"><${Money} fen=${l.paid_fen} /></td><td class="small">${l.receipts}</td>
        <td class="num"><${Money} fen=${l.difference_fen} /></td>
        <td>${l.flag ? html`<span class="chip s-bad">${t('svc.flag.' + l.flag)}</span>` : '✓'}</td></tr>`)}</tbody>
      <tfoot><tr><th colspan="4">${t('svc.total')} · ${t('svc.orders', { n: s.orders })}</th>
        <td class="num"><${Money} fen=${s.amount_fen} strong /></td><td class="num" data-testid="statement-paid"><${Money} fen=${s.paid_fen} strong /></td><td></td>
        <td class="num"><${Money} fen=${s.difference_fen} strong /></td><td data-testid="statement-flagged">${s.flagged > 0 ? t('svc.flaggedN', { n: s.flagged }) : '✓'}</td></tr></tfoot>
    </table></div>`}
    <dl class="kv">
      <dt>${t('svc.note')}</dt><dd>${s.status === 'draft' && step ? html`<textarea name="note" maxlength="1000" rows="2" value=${note ?? s.note}
        onInput=${(e) => setNote(e.target.value)}></textarea>` : s.note || '—'}</dd>
      ${s.cashier_signed_at && html`<dt>${t('svc.cashierSigned')}</dt><dd data-testid="cashier-signed">${t('svc.cashierBy', { name: s.expand?.cashier?.name || '', when: dateTime(s.cashier_signed_at) })}</dd>`}
      ${s.supervisor_signed_at && html`<dt>${t('svc.confirmed')}</dt><dd data-testid="supervisor-signed">${t('svc.supervisorBy', { name: s.expand?.supervisor?.name || '', when: dateTime(s.supervisor_signed_at) })}</dd>`}
    </dl>
    <div class="row">
      ${step && html`<button type="button" class="primary" disabled=${act.busy} onClick=${sign}>${t(step === 'cashier_signed' ? 'svc.cashierSign' : 'svc.supervisorSign')}</button>`}
      <button type="button" disabled=${printing.busy} onClick=${() => printing.run(() => openPrint(s.id))}>${t('svc.print')}</button>
    </div>
    <${ErrorBox} error=${act.error || printing.error} />
  </article>`;
}
