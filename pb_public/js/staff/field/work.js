// The forms of an order on site: the quote, the work in progress (materials,
// photos, completion with the payment) and the resident's sign-off with a
// signature on the touch screen.
import { html, useState, useEffect, useRef } from '../../core/html.js';
import { fieldErrors } from '../../core/api.js';
import { t, addMessages, label, choices } from '../../core/i18n.js';
import { yuan, parseYuan } from '../../core/format.js';
import { Field, FilePicker, confirmBox } from '../../core/ui.js';
import { lineFen, materialsFen } from './common.js';
import { dataUrlToFile } from './outbox.js';

addMessages({
  'field.quote': ['报价', 'Quote'],
  'field.quoteYuan': ['报价金额（元）', 'Quote (yuan)'],
  'field.quoteHint': ['有偿服务须经住户确认价格后才能开工', 'Paid work starts only once the resident agrees to the price'],
  'field.sendQuote': ['提交报价', 'Send quote'],
  'field.quoteNote': ['报价说明', 'What the quote covers'],
  'field.quoteNoteHint': ['写明包含哪些工作和材料、不含什么，住户确认报价前会看到', 'The work and parts it includes and what it does not; the resident reads it before agreeing'],
  'field.signSummary': ['签收前请住户核对', 'For the resident to check before signing'],
  'field.labour': ['人工/报价', 'Labour / quote'],
  'field.total': ['合计', 'Total'],
  'field.matName': ['材料名称', 'Material'],
  'field.matQty': ['数量', 'Qty'],
  'field.matPrice': ['单价（元）', 'Unit price (yuan)'],
  'field.matAdd': ['添加材料', 'Add material'],
  'field.matNone': ['还没有登记材料', 'No materials recorded'],
  'field.matTotal': ['材料费', 'Materials'],
  'field.sub': ['小计', 'Subtotal'],
  'field.addPhotos': ['现场照片', 'Site photos'],
  'field.complete': ['完工', 'Complete'],
  'field.completeTitle': ['确认完工？', 'Mark the work complete?'],
  'field.completeBody': ['完工后不能再修改材料，金额 {amount}。', 'Materials can no longer change; amount {amount}.'],
  'field.prepaid': ['已在前台预付', 'Paid in advance at the desk'],
  'field.payMethod': ['收款方式', 'Paid by'],
  'field.payReceipt': ['完工即生成收据，计入您当天的收款日结', 'A receipt is made on completion and counted in your cash close for the day'],
  'field.signoff': ['住户签收', 'Resident sign-off'],
  'field.signoffHint': ['请住户确认完工情况并在下方签名', 'Ask the resident to confirm the work and sign below'],
  'field.signHere': ['请在此处签名', 'Sign here'],
  'field.signPad': ['住户签名区', 'Resident signature pad'],
  'field.clear': ['清除重签', 'Clear'],
  'field.needSign': ['请住户先签名', 'The resident has not signed yet'],
  'field.sendSign': ['提交签收', 'Submit sign-off'],
  'field.signTitle': ['提交住户签收？', 'Submit the sign-off?'],
  'field.signBody': ['签收结果：{result}。提交后不能更改。', 'Result: {result}. This cannot be changed afterwards.'],
  'field.reworkNote': ['选择“要求返工”会自动生成返工单', 'Choosing rework opens a rework order automatically'],
  'field.satisfaction': ['满意度', 'Satisfaction'],
  'field.badYuan': ['请输入金额，最多两位小数', 'Enter an amount with at most two decimals'],
  'field.badQty': ['数量须大于 0、不超过 10000，最多两位小数', 'The quantity must be above 0 and at most 10,000, with at most two decimals'],
  'field.act.quoted': ['报价', 'Quote'],
  'field.act.materials': ['登记材料', 'Materials'],
  'field.act.completed': ['完工', 'Complete'],
  'field.act.signed_off': ['住户签收', 'Sign-off'],
});

export function QuoteForm({ order, s }) {
  const [text, setText] = useState(order.quote_fen ? String(order.quote_fen / 100) : '');
  const [note, setNote] = useState(order.quote_note || '');
  const [err, setErr] = useState({});
  const errs = fieldErrors(s.error);
  const submit = (e) => {
    e.preventDefault();
    const fen = parseYuan(text);
    const bad = {};
    if (!Number.isInteger(fen) || fen <= 0) bad.quote_fen = t('field.badYuan');
    if (!note.trim()) bad.quote_note = t('required');
    setErr(bad);
    if (Object.keys(bad).length) return;
    s.run({ status: 'quoted', quote_fen: fen, quote_note: note.trim() }, t('field.act.quoted'));
  };
  return html`<form class="stack" onSubmit=${submit} novalidate>
    <h2>${t('field.quote')}</h2>
    <${Field} label=${t('field.quoteYuan')} required hint=${t('field.quoteHint')} error=${err.quote_fen || errs.quote_fen}>
      <input type="text" inputmode="decimal" name="quote" value=${text} onInput=${(e) => setText(e.target.value)} placeholder="0.00" /><//>
    <${Field} label=${t('field.quoteNote')} required hint=${t('field.quoteNoteHint')} error=${err.quote_note || errs.quote_note}>
      <textarea name="quote_note" maxlength="500" rows="3" value=${note} onInput=${(e) => setNote(e.target.value)}></textarea><//>
    <button class="primary block big" disabled=${s.busy}>${t('field.sendQuote')}</button>
  </form>`;
}

export const MaterialTable = ({ lines, onRemove }) => html`<table class="t materials">
  <thead><tr><th>${t('field.matName')}</th><th class="num">${t('field.matQty')}</th><th class="num">${t('field.matPrice')}</th><th class="num">${t('field.sub')}</th>${onRemove && html`<th><span class="sr-only">${t('remove')}</span></th>`}</tr></thead>
  <tbody>${lines.map((m, i) => html`<tr key=${i}>
    <td>${m.name}</td><td class="num">${m.qty}</td><td class="num">${yuan(m.price_fen)}</td><td class="num">${yuan(lineFen(m))}</td>
    ${onRemove && html`<td><button type="button" class="link" aria-label=${t('remove') + ' ' + m.name} onClick=${() => onRemove(i)}>×</button></td>`}
  </tr>`)}</tbody>
  <tfoot><tr><th colspan="3">${t('field.matTotal')}</th><td class="num">${yuan(materialsFen(lines))}</td>${onRemove && html`<td></td>`}</tr></tfoot>
</table>`;

/** WorkForm is the order in progress: materials drawn, photos, and completion with the payment. */
export function WorkForm({ order: o, s, completeStep }) {
  const lines = o.materials || [];
  const [m, setM] = useState({ name: '', qty: '1', price: '' });
  const [mErr, setMErr] = useState({});
  const [photos, setPhotos] = useState([]);
  const extras = completeStep?.extras || [];
  const photosAllowed = extras.includes('photos');
  const paid = o.kind !== 'routine';
  const prepaid = o.payment === 'paid';
  const amount = paid ? (o.quote_fen || 0) + materialsFen(lines) : 0;
  const [payment, setPayment] = useState('');
  const [method, setMethod] = useState('');
  // Paid on the spot is a real payment (办理即收费): how it was paid is part of it.
  const payReady = !(paid && amount > 0 && !prepaid) || (payment === 'unpaid' || (payment === 'paid_on_site' && method));
  const errs = fieldErrors(s.error);

  const add = async (e) => {
    e.preventDefault();
    const fen = parseYuan(m.price);
    const qty = Number(m.qty);
    const bad = {};
    if (!m.name.trim()) bad.name = t('required');
    // As the server checks (hooks/guard_money.go): 0 < qty ≤ 10000, two decimals.
    if (!(qty > 0 && qty <= 10000) || Math.abs(qty * 100 - Math.round(qty * 100)) > 1e-6) bad.qty = t('field.badQty');
    if (!Number.isInteger(fen)) bad.price = t('field.badYuan');
    setMErr(bad);
    if (Object.keys(bad).length) return;
    const res = await s.run({ materials: [...lines, { name: m.name.trim(), qty, price_fen: fen }] }, t('field.act.materials'));
    if (res) setM({ name: '', qty: '1', price: '' });
  };
  const remove = (i) => s.run({ materials: lines.filter((_, j) => j !== i) }, t('field.act.materials'));

  const complete = async () => {
    if (!payReady) return;
    if (!(await confirmBox({ title: t('field.completeTitle'), body: t('field.completeBody', { amount: yuan(amount) }), ok: t('field.complete') }))) return;
    const patch = { status: 'completed' };
    if (paid && amount > 0 && !prepaid) patch.payment = payment;
    if (patch.payment === 'paid_on_site') patch.pay_method = method;
    const files = photosAllowed && photos.length ? { 'photos+': photos } : {};
    const res = await s.run(patch, t('field.act.completed'), files);
    if (res) setPhotos([]);
  };
  const setF = (k) => (e) => setM({ ...m, [k]: e.target.value });

  return html`<div class="stack">
    <h2>${t('field.materials')}</h2>
    ${lines.length ? html`<${MaterialTable} lines=${lines} onRemove=${extras.includes('materials') ? remove : null} />` : html`<p class="small muted">${t('field.matNone')}</p>`}
    <form class="stack mat-form" onSubmit=${add} novalidate>
      <${Field} label=${t('field.matName')} required error=${mErr.name}><input type="text" name="mat-name" maxlength="100" value=${m.name} onInput=${setF('name')} /><//>
      <div class="row mat-nums">
        <${Field} label=${t('field.matQty')} required error=${mErr.qty}><input type="number" name="mat-qty" inputmode="decimal" min="0.01" max="10000" step="0.01" value=${m.qty} onInput=${setF('qty')} /><//>
        <${Field} label=${t('field.matPrice')} required error=${mErr.price}><input type="text" name="mat-price" inputmode="decimal" placeholder="0.00" value=${m.price} onInput=${setF('price')} /><//>
      </div>
      ${errs.materials && html`<small class="field-error" role="alert">${errs.materials}</small>`}
      <button class="block" disabled=${s.busy}>＋ ${t('field.matAdd')}</button>
    </form>
    ${photosAllowed && html`<${Field} label=${t('field.addPhotos')} error=${errs.photos}>
      <${FilePicker} files=${photos} onChange=${setPhotos} accept="image/*" types=${/^image\/(jpeg|png|webp|heic)$/} /><//>`}
    <div class="pay">
      <p><strong>${t('field.amount')}</strong> <span class="money big-amount">${yuan(amount)}</span></p>
      ${!paid ? html`<p class="small muted">${t('field.routineFree')}</p>`
        : prepaid ? html`<p class="small muted">${t('field.prepaid')}</p>`
        : amount > 0 && html`<fieldset><legend>${t('field.payment')} <b class="req">*</b></legend>
          <div class="choices" role="radiogroup">${['paid_on_site', 'unpaid'].map((c) => html`
            <label><input type="radio" name="payment" value=${c} checked=${payment === c} onChange=${() => setPayment(c)} />${label('work_payment', c)}</label>`)}</div>
          ${errs.payment && html`<small class="field-error">${errs.payment}</small>`}
        </fieldset>
        ${payment === 'paid_on_site' && html`<fieldset><legend>${t('field.payMethod')} <b class="req">*</b></legend>
          <div class="choices" role="radiogroup">${['cash', 'wechat', 'alipay'].map((c) => html`
            <label><input type="radio" name="pay_method" value=${c} checked=${method === c} onChange=${() => setMethod(c)} />${label('method', c)}</label>`)}</div>
          <small class="hint">${t('field.payReceipt')}</small>
          ${errs.pay_method && html`<small class="field-error">${errs.pay_method}</small>`}
        </fieldset>`}`}
    </div>
    <button type="button" class="primary block big" disabled=${s.busy || !payReady} onClick=${complete}>${t('field.complete')}</button>
  </div>`;
}

/** SignOff: the resident confirms (or asks for rework), rates, and signs on the screen. */
export function SignOff({ order: o, s }) {
  const [signoff, setSignoff] = useState('');
  const [satisfaction, setSatisfaction] = useState('');
  const [signed, setSigned] = useState(false);
  const pad = useRef(null);
  const errs = fieldErrors(s.error);
  const submit = async (e) => {
    e.preventDefault();
    if (!signed || !signoff) return;
    const result = label('signoff', signoff) + (satisfaction ? ' · ' + label('satisfaction', satisfaction) : '');
    if (!(await confirmBox({ title: t('field.signTitle'), body: t('field.signBody', { result }), ok: t('field.sendSign') }))) return;
    const file = dataUrlToFile({ name: 'signature.png', type: 'image/png', data: pad.current.toDataURL('image/png') });
    const patch = { status: 'signed_off', signoff };
    if (satisfaction) patch.satisfaction = satisfaction;
    await s.run(patch, t('field.act.signed_off'), { signature: [file] });
  };
  return html`<form class="stack signoff" onSubmit=${submit} novalidate>
    <h2>${t('field.signoff')}</h2>
    <p class="small muted">${t('field.signoffHint')}</p>
    <fieldset><legend>${t('field.signoff')} <b class="req">*</b></legend>
      <div class="choices" role="radiogroup">${choices('signoff').map((c) => html`
        <label><input type="radio" name="signoff" value=${c.code} checked=${signoff === c.code} onChange=${() => setSignoff(c.code)} />${c.text}</label>`)}</div>
      ${signoff === 'rework' && html`<small class="hint">${t('field.reworkNote')}</small>`}
      ${errs.signoff && html`<small class="field-error">${errs.signoff}</small>`}
    </fieldset>
    <fieldset><legend>${t('field.satisfaction')}</legend>
      <div class="choices" role="radiogroup">${choices('satisfaction').map((c) => html`
        <label><input type="radio" name="satisfaction" value=${c.code} checked=${satisfaction === c.code} onChange=${() => setSatisfaction(c.code)} />${c.text}</label>`)}</div>
    </fieldset>
    <${SignSummary} order=${o} />
    <${SignaturePad} padRef=${pad} onChange=${setSigned} />
    ${errs.signature && html`<small class="field-error" role="alert">${errs.signature}</small>`}
    ${!signed && html`<small class="hint">${t('field.needSign')}</small>`}
    <button class="primary block big" disabled=${s.busy || !signed || !signoff}>${t('field.sendSign')}</button>
  </form>`;
}

/** SignSummary: what the resident signs for — the quote, the materials and the total — above the pad. */
function SignSummary({ order: o }) {
  const lines = o.materials || [];
  return html`<section class="sign-summary" data-testid="sign-summary" aria-label=${t('field.signSummary')}>
    <h3>${t('field.signSummary')}</h3>
    ${o.quote_fen > 0 && html`<p><span>${t('field.labour')}</span> <span class="money">${yuan(o.quote_fen)}</span>${o.quote_note && html`<br /><small class="muted">${o.quote_note}</small>`}</p>`}
    ${lines.length > 0 && html`<${MaterialTable} lines=${lines} />`}
    <p class="total"><strong>${t('field.total')}</strong> <span class="money big-amount">${yuan(o.amount_fen || 0)}</span></p>
  </section>`;
}

/** SignaturePad draws with a finger, a stylus or a mouse (pointer events) on a white canvas. */
export function SignaturePad({ padRef, onChange }) {
  const ref = useRef(null);
  const st = useRef({ drawing: false, moved: false, strokes: 0, last: null });
  const paint = () => {
    const c = ref.current;
    const ctx = c.getContext('2d');
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, c.width, c.height);
    const dpr = c.width / (c.getBoundingClientRect().width || c.width);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.lineWidth = 2.6;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.strokeStyle = '#111827';
  };
  useEffect(() => {
    const c = ref.current;
    const r = c.getBoundingClientRect();
    const dpr = window.devicePixelRatio || 1;
    c.width = Math.round(r.width * dpr);
    c.height = Math.round(r.height * dpr);
    paint();
    padRef.current = c;
  }, []);
  const pos = (e) => {
    const r = ref.current.getBoundingClientRect();
    return [e.clientX - r.left, e.clientY - r.top];
  };
  const down = (e) => {
    e.preventDefault();
    ref.current.setPointerCapture?.(e.pointerId);
    st.current.drawing = true;
    st.current.moved = false;
    st.current.last = pos(e);
    const ctx = ref.current.getContext('2d');
    ctx.beginPath();
    ctx.arc(st.current.last[0], st.current.last[1], 0.8, 0, Math.PI * 2);
    ctx.stroke();
  };
  const move = (e) => {
    if (!st.current.drawing) return;
    e.preventDefault();
    const ctx = ref.current.getContext('2d');
    const evs = e.getCoalescedEvents ? e.getCoalescedEvents() : [e];
    for (const ev of evs.length ? evs : [e]) {
      const p = pos(ev);
      ctx.beginPath();
      ctx.moveTo(st.current.last[0], st.current.last[1]);
      ctx.lineTo(p[0], p[1]);
      ctx.stroke();
      st.current.last = p;
    }
    st.current.moved = true;
  };
  const up = () => {
    if (!st.current.drawing) return;
    st.current.drawing = false;
    if (st.current.moved) {
      st.current.strokes++;
      onChange(true);
    }
  };
  const clear = () => {
    paint();
    st.current.strokes = 0;
    onChange(false);
  };
  return html`<div class="sigpad">
    <canvas ref=${ref} role="img" aria-label=${t('field.signPad')} data-testid="signature-pad"
      onPointerDown=${down} onPointerMove=${move} onPointerUp=${up} onPointerCancel=${up} onPointerLeave=${up}></canvas>
    <span class="sig-hint" aria-hidden="true">${t('field.signHere')}</span>
    <button type="button" class="ghost small" onClick=${clear}>${t('field.clear')}</button>
  </div>`;
}
