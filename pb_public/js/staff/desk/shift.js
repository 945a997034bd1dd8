// The shift handover (交接班, [000] 交接班制度): the clerk's open handover with
// the shift's work log gathered by Wuye, the counts (cash, remotes, gas
// cards, keys out, parcels held) and the hand-over to the next clerk; the
// handover waiting for the signed-in clerk's signature; the printable
// 交接班记录表. HandoverBanner puts the latest handover for the incoming
// clerk at the top of the desk screen.
import { html, useState } from '../../core/html.js';
import { pb, fieldErrors } from '../../core/api.js';
import { t, addMessages, choices } from '../../core/i18n.js';
import { yuan, dateTime } from '../../core/format.js';
import { Loading, ErrorBox, Empty, Status, Field, useAsync, useAction, toast } from '../../core/ui.js';
import { useCommunityTopic } from '../../core/realtime.js';

addMessages({
  'handover.title': ['交接班', 'Shift handover'],
  'handover.open': ['开始本班交接记录', 'Start this shift’s handover'],
  'handover.none': ['本班还没有交接班记录', 'No handover for this shift yet'],
  'handover.mine': ['本班（{from} 起）', 'This shift (since {from})'],
  'handover.log': ['当班工作记录（系统汇总）', 'Work log of the shift (gathered by Wuye)'],
  'handover.logLine': ['受理投诉 {c} · 派工 {w} · 收款 {p} 笔 {amount}（现金 {cash}）· 借出钥匙 {k} · 特别事件 {i}',
    'Complaints {c} · work orders {w} · payments {p} for {amount} (cash {cash}) · keys lent {k} · incidents {i}'],
  'handover.openItems': ['未完成事项（交下一班跟进）', 'Open items for the next shift'],
  'handover.to': ['接班人', 'Incoming clerk'],
  'handover.cash': ['清点现金（元）', 'Cash counted (yuan)'],
  'handover.cashExpected': ['系统现金 {amount}', 'System says {amount}'],
  'handover.notes': ['交班说明（重要事项、上级指示）', 'Notes (important matters, instructions)'],
  'handover.save': ['保存', 'Save'],
  'handover.saved': ['已保存', 'Saved'],
  'handover.hand': ['交班签字', 'Sign and hand over'],
  'handover.handed': ['已交班，等待 {name} 接班签字', 'Handed over; waiting for {name} to sign'],
  'handover.waiting': ['{name} 交班给您，请核对后签字接班', '{name} handed over to you: check and sign'],
  'handover.acceptNote': ['接班意见（选填）', 'Your note (optional)'],
  'handover.accept': ['接班签字', 'Sign and take over'],
  'handover.accepted': ['已接班', 'Taken over'],
  'handover.discrepancy': ['有出入，已通知主管', 'Discrepancy: the supervisor was told'],
  'handover.diff': ['现金差额 {amount}', 'Cash difference {amount}'],
  'handover.print': ['打印交接班记录表', 'Print the handover sheet'],
  'handover.sheet': ['客服中心交接班记录表', 'Service center shift handover sheet'],
  'handover.history': ['最近的交接班', 'Recent handovers'],
  'handover.expected': ['应为 {n}', 'expected {n}'],
  'handover.signed': ['交班 {from} {at1} · 接班 {to} {at2}', 'Handed by {from} {at1} · taken by {to} {at2}'],
  'handover_item.remotes': ['遥控器', 'Remotes'],
  'handover_item.gas_cards': ['气卡', 'Gas cards'],
  'handover_item.keys_out': ['外借钥匙', 'Keys out'],
  'handover_item.parcels_held': ['代收邮件包裹', 'Parcels held'],
  'handover.banner': ['{name} 已交班给您，请先核对交接班记录并签字', '{name} handed the shift to you: check the handover and sign first'],
  'handover.bannerGo': ['去接班', 'Go to the handover'],
});

const fen = (s) => Math.round(parseFloat(s || '0') * 100) || 0;

export function Handover({ me, community }) {
  const c = community.id;
  const data = useAsync(() => pb.collection('shift_handovers').getList(1, 20, {
    filter: pb.filter('community = {:c}', { c }), sort: '-created', expand: 'from_staff,to_staff',
  }).then((r) => r.items), [c]);
  useCommunityTopic(c, 'shift_handovers', () => data.reload(), {}, [c]);
  const act = useAction();
  if (data.loading && !data.data) return html`<${Loading} />`;
  if (data.error) return html`<${ErrorBox} error=${data.error} retry=${data.reload} />`;
  const list = data.data;
  const waiting = list.find((h) => h.status === 'handed' && h.to_staff === me.id);
  const mine = list.find((h) => h.status === 'open' && h.from_staff === me.id);
  const open = () => act.run(async () => {
    await pb.collection('shift_handovers').create({ community: c });
    data.reload();
  });
  return html`<div class="handover-screen">
    <h1>${t('handover.title')}</h1>
    ${waiting && html`<${Accept} h=${waiting} onDone=${data.reload} />`}
    ${mine ? html`<${OpenHandover} h=${mine} me=${me} community=${community} onDone=${data.reload} />`
    : me.role === 'front_desk' && html`<div class="card"><p>${t('handover.none')}</p>
        <button class="btn primary" disabled=${act.busy} onClick=${open}>${t('handover.open')}</button>
        <${ErrorBox} error=${act.error} /></div>`}
    <h2>${t('handover.history')}</h2>
    ${list.length === 0 ? html`<${Empty} />` : html`<ul class="list">${list.map((h) => html`<li class="card" key=${h.id} data-handover=${h.id}>
      <${Status} col="shift_handovers" code=${h.status} />
      ${h.discrepancy && html` <span class="chip s-overdue">${t('handover.discrepancy')}</span>`}
      <div>${t('handover.signed', { from: h.expand?.from_staff?.name || '', at1: dateTime(h.handed_at), to: h.expand?.to_staff?.name || '', at2: dateTime(h.accepted_at) })}</div>
      ${h.status !== 'open' && html`<div>${t('handover.diff', { amount: yuan(h.cash_difference_fen) })}</div>`}
      <${Sheet} id=${h.id} />
    </li>`)}</ul>`}
  </div>`;
}

function Counts({ items, expected, onChange }) {
  return html`<div class="grid2">${choices('handover_item').map(({ code, text }) => html`
    <${Field} label=${text} hint=${expected && expected[code] !== undefined ? t('handover.expected', { n: expected[code] }) : ''}>
      <input type="number" min="0" name=${'item_' + code} value=${items[code] ?? ''}
        onInput=${(e) => onChange({ ...items, [code]: e.target.value === '' ? undefined : parseInt(e.target.value, 10) })} />
    </${Field}>`)}</div>`;
}

function OpenHandover({ h, me, community, onDone }) {
  const sheet = useAsync(() => pb.send(`/api/wuye/shift-handovers/${h.id}/sheet`, { method: 'GET' }), [h.id, h.updated]);
  const clerks = useAsync(() => pb.collection('staff').getFullList({
    filter: pb.filter('role = "front_desk" && active = true && communities ~ {:c} && id != {:me}', { c: community.id, me: me.id }), sort: 'name',
  }), [community.id]);
  const [to, setTo] = useState(h.to_staff || '');
  const [cash, setCash] = useState(h.cash_counted_fen ? String(h.cash_counted_fen / 100) : '');
  const [items, setItems] = useState(h.items || {});
  const [notes, setNotes] = useState(h.notes || '');
  const act = useAction();
  const body = () => {
    const clean = Object.fromEntries(Object.entries(items).filter(([, v]) => Number.isInteger(v)));
    return { to_staff: to, cash_counted_fen: fen(cash), items: clean, notes };
  };
  const save = (status) => act.run(async () => {
    await pb.collection('shift_handovers').update(h.id, status ? { ...body(), status } : body());
    toast(status ? t('handover.handed', { name: clerks.data?.find((s) => s.id === to)?.name || '' }) : t('handover.saved'));
    onDone();
  });
  const s = sheet.data;
  const errs = fieldErrors(act.error);
  return html`<section class="card" data-open-handover=${h.id}>
    <h2>${t('handover.mine', { from: dateTime(h.shift_start) })}</h2>
    ${s && html`<p>${t('handover.logLine', { c: s.log.complaints, w: s.log.work_orders, p: s.log.payments, amount: yuan(s.log.payments_fen), cash: yuan(s.log.cash_fen), k: s.log.keys_lent, i: s.log.incidents })}</p>
      <details><summary>${t('handover.openItems')} (${s.open_items.length})</summary>
        <ul>${s.open_items.map((o) => html`<li key=${o.id}>${o.serial} ${o.summary} · ${o.status}</li>`)}</ul></details>`}
    <${Field} label=${t('handover.to')} error=${errs.to_staff} required>
      <select name="to_staff" value=${to} onChange=${(e) => setTo(e.target.value)}>
        <option value="">—</option>
        ${(clerks.data || []).map((p) => html`<option value=${p.id}>${p.name}</option>`)}
      </select>
    </${Field}>
    <${Field} label=${t('handover.cash')} hint=${s ? t('handover.cashExpected', { amount: yuan(s.cash_expected_fen) }) : ''} error=${errs.cash_counted_fen}>
      <input type="number" min="0" step="0.01" name="cash" value=${cash} onInput=${(e) => setCash(e.target.value)} />
    </${Field}>
    <${Counts} items=${items} expected=${s?.items_expected} onChange=${setItems} />
    <${Field} label=${t('handover.notes')} error=${errs.notes}>
      <textarea name="notes" rows="3" value=${notes} onInput=${(e) => setNotes(e.target.value)}></textarea>
    </${Field}>
    <${ErrorBox} error=${act.error} />
    <div class="actions">
      <button class="btn" disabled=${act.busy} onClick=${() => save('')}>${t('handover.save')}</button>
      <button class="btn primary" disabled=${act.busy || !to} onClick=${() => save('handed')}>${t('handover.hand')}</button>
    </div>
  </section>`;
}

function Accept({ h, onDone }) {
  const [note, setNote] = useState('');
  const act = useAction();
  const accept = () => act.run(async () => {
    await pb.collection('shift_handovers').update(h.id, { status: 'accepted', accept_note: note });
    toast(t('handover.accepted'));
    onDone();
  });
  return html`<section class="card warn" data-waiting-handover=${h.id}>
    <h2>${t('handover.waiting', { name: h.expand?.from_staff?.name || '' })}</h2>
    <${Sheet} id=${h.id} open />
    <${Field} label=${t('handover.acceptNote')}>
      <textarea name="accept_note" rows="2" value=${note} onInput=${(e) => setNote(e.target.value)}></textarea>
    </${Field}>
    <${ErrorBox} error=${act.error} />
    <button class="btn primary" disabled=${act.busy} onClick=${accept}>${t('handover.accept')}</button>
  </section>`;
}

/** Sheet is the 交接班记录表 of handover id, printable. */
function Sheet({ id, open }) {
  const [shown, setShown] = useState(!!open);
  const s = useAsync(() => (shown ? pb.send(`/api/wuye/shift-handovers/${id}/sheet`, { method: 'GET' }) : Promise.resolve(null)), [id, shown]);
  if (!shown) return html`<button class="btn link" onClick=${() => setShown(true)}>${t('handover.print')}</button>`;
  if (s.error) return html`<${ErrorBox} error=${s.error} />`;
  if (!s.data) return html`<${Loading} />`;
  const d = s.data;
  return html`<div class="print-sheet" data-sheet=${id}>
    <h3>${d.community} ${t('handover.sheet')}</h3>
    <p>${t('handover.signed', { from: d.from_staff, at1: d.handed_at, to: d.to_staff, at2: d.accepted_at })}</p>
    <p>${t('handover.logLine', { c: d.log.complaints, w: d.log.work_orders, p: d.log.payments, amount: yuan(d.log.payments_fen), cash: yuan(d.log.cash_fen), k: d.log.keys_lent, i: d.log.incidents })}</p>
    <table class="table"><tbody>
      <tr><th>${t('handover.cash')}</th><td>${yuan(d.cash_counted_fen)}</td><td>${t('handover.cashExpected', { amount: yuan(d.cash_expected_fen) })}</td></tr>
      ${choices('handover_item').map(({ code, text }) => html`<tr class=${(d.item_differences || []).includes(code) ? 'bad' : ''}>
        <th>${text}</th><td>${d.items?.[code] ?? '—'}</td><td>${d.items_expected?.[code] !== undefined ? t('handover.expected', { n: d.items_expected[code] }) : ''}</td></tr>`)}
    </tbody></table>
    ${d.discrepancy && html`<p class="chip s-overdue">${t('handover.discrepancy')}</p>`}
    <p>${d.notes}</p>
    ${d.open_items?.length > 0 && html`<h4>${t('handover.openItems')}</h4>
      <ul>${d.open_items.map((o) => html`<li key=${o.id}>${o.serial} ${o.summary} · ${o.status}</li>`)}</ul>`}
    ${d.accept_note && html`<p>${t('handover.acceptNote')}: ${d.accept_note}</p>`}
    <button class="btn no-print" onClick=${() => window.print()}>${t('handover.print')}</button>
  </div>`;
}

/** HandoverBanner: the desk opens on the latest handover handed to the clerk. */
export function HandoverBanner({ me, community }) {
  const h = useAsync(() => pb.collection('shift_handovers').getList(1, 1, {
    filter: pb.filter('community = {:c} && to_staff = {:me} && status = "handed"', { c: community.id, me: me.id }),
    sort: '-handed_at', expand: 'from_staff',
  }).then((r) => r.items[0] || null), [community.id, me.id]);
  useCommunityTopic(community.id, 'shift_handovers', () => h.reload(), {}, [community.id]);
  if (!h.data) return null;
  return html`<div class="card warn handover-banner" role="status">
    ${t('handover.banner', { name: h.data.expand?.from_staff?.name || '' })}
    <a class="btn primary" href="#/handover">${t('handover.bannerGo')}</a>
  </div>`;
}

