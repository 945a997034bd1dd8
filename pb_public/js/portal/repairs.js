// Repairs and paid services (报修 / 有偿服务): pick from the price list (price
// shown, or "estimate on site"), describe, add photos and choose a slot; follow
// the order live; confirm or decline a quote; sign off or ask for rework, and
// rate. What a resident may do at each status comes from the server's flow
// table (stepsFrom), never from a list kept here.
import { html, useState, useMemo } from '../core/html.js';
import { pb, fieldErrors } from '../core/api.js';
import { t, addMessages, label, choices, lang } from '../core/i18n.js';
import { yuan, dateTime, today, parseDate } from '../core/format.js';
import { stepsFrom, statusOrder } from '../core/flows.js';
import { Loading, ErrorBox, Empty, Status, Field, FilePicker, Attachments, useAsync, useAction, useRealtime, useMyTopic, usePlaceChanged, newestFirst, withServiceItems, navigate, toast, confirmBox, formData } from '../core/ui.js';
import { Timeline } from './timeline.js';

addMessages({
  'repairs.new': ['我要报修', 'Request a repair'],
  'renovation.new': ['装修申请', 'Apply to renovate'],
  'repairs.title': ['报修与有偿服务', 'Repairs and services'],
  'repairs.newTitle': ['报修 / 预约服务', 'Request a repair or service'],
  'repairs.item': ['服务项目', 'Service'],
  'repairs.itemHint': ['价格按物业公示的有偿服务收费标准；标“上门报价”的项目由师傅查看后报价，经您确认才施工', 'Prices follow the posted price list; for items marked "estimate on site" the technician quotes and works only after you confirm.'],
  'repairs.estimate': ['上门报价', 'Estimate on site'],
  'repairs.free': ['免费', 'Free'],
  'repairs.perUnit': ['{price} / {unit}', '{price} / {unit}'],
  'repairs.prepay': ['需预付', 'Pay first'],
  'repairs.noItems': ['暂无可预约的服务项目', 'No services are offered yet'],
  'repairs.noteRoutine': ['常规维修属物业服务范围，不收费。', 'Routine repairs are part of the service contract and free of charge.'],
  'repairs.noteEstimate': ['师傅上门查看后报价，报价会显示在这里，经您确认后才开始施工；不接受报价可以取消。', 'The technician quotes on site; the quote appears here and work starts only after you confirm it. You may decline.'],
  'repairs.notePrice': ['按收费标准 {price} 收费，实际使用的材料另计；完工后可现场付款或记入下期物业费账单。', 'Charged at {price} as listed, plus any materials used; pay on the spot or on your next statement.'],
  'repairs.notePrepay': ['此项目需先付款：请到物业服务中心前台预付后，我们再安排上门。', 'This service is paid in advance: pay at the service-center desk and we will then send someone.'],
  'repairs.description': ['问题描述', 'What needs doing'],
  'repairs.descriptionHint': ['请写明位置、现象和持续时间，如“厨房水槽下方水管接头滴水”', 'Say where and what, e.g. "pipe joint under the kitchen sink drips"'],
  'repairs.photos': ['现场照片（最多 6 张）', 'Photos (up to 6)'],
  'repairs.addPhotos': ['添加照片', 'Add photos'],
  'repairs.slot': ['预约上门时间', 'Appointment'],
  'repairs.slotDay': ['日期', 'Day'],
  'repairs.slotTime': ['时段', 'Time'],
  'repairs.slotHint': ['工作日每 2 小时一个时段，师傅会在时段开始前后准时上门', 'Working days, in 2-hour windows; the technician arrives at the start of the window'],
  'repairs.slotNone': ['近期没有可预约的时段，请致电物业服务中心', 'No slots are open soon; please call the service center'],
  'repairs.slotUnscheduled': ['{year} 年节假日安排尚未公布，暂按周一至周五排班', 'The {year} holiday schedule is not out yet; Monday to Friday assumed'],
  'repairs.today': ['今天', 'Today'],
  'repairs.tomorrow': ['明天', 'Tomorrow'],
  'repairs.contact': ['联系人', 'Contact name'],
  'repairs.phone': ['联系电话', 'Contact phone'],
  'repairs.pickItem': ['请选择服务项目', 'Choose a service.'],
  'repairs.needDescription': ['请描述需要处理的问题', 'Describe what needs doing.'],
  'repairs.pickSlot': ['请选择预约日期和时段', 'Choose a day and a time.'],
  'repairs.confirmSubmit': ['确认提交这条请求？', 'Submit this request?'],
  'repairs.confirmPrice': ['提交即表示您同意按 {price} 收费（材料另计）。', 'By submitting you agree to {price} (materials extra).'],
  'repairs.confirmEstimate': ['师傅上门后报价，确认报价后才施工。', 'The technician will quote on site; nothing is done before you confirm.'],
  'repairs.confirmRoutine': ['常规维修，不收费。', 'Routine repair, free of charge.'],
  'repairs.submitted': ['已提交，单号 {serial}', 'Submitted: {serial}'],
  'repairs.unlisted': ['没有您需要的服务？', 'Service not listed?'],
  'repairs.unlistedHint': ['告诉我们您需要什么，我们会记录并答复您。', 'Tell us what you need; we record every request and answer it.'],
  'repairs.unlistedWhat': ['您需要的服务', 'What you need'],
  'repairs.unlistedSent': ['已收到您的需求，客服会尽快答复', 'Thank you, the desk will answer soon'],
  'repairs.demands': ['我的服务需求', 'My service requests'],
  'repairs.demandOpen': ['待答复', 'Awaiting answer'],
  'repairs.demandAnswered': ['已答复', 'Answered'],
  'repairs.yourTurn': ['待您处理', 'Your turn'],
  'repairs.live': ['状态变化会实时显示', 'Status updates appear live'],
  'repairs.progress': ['进度：第 {n} 步，共 {total} 步', 'Progress: step {n} of {total}'],
  'repairs.say.new': ['已收到您的请求，客服将在 15 分钟内回复并安排师傅。', 'We have your request; the desk replies within 15 minutes and sends a technician.'],
  'repairs.say.dispatched': ['已派给维修师傅，等待师傅接单。', 'Sent to a technician; waiting for them to accept.'],
  'repairs.say.accepted': ['师傅已接单，正在赶来。', 'The technician has accepted and is on the way.'],
  'repairs.say.on_site': ['师傅已到场。', 'The technician is on site.'],
  'repairs.say.quoted': ['师傅已报价，请确认后开始施工。', 'The technician has quoted; confirm it to start the work.'],
  'repairs.say.in_progress': ['正在施工。', 'Work in progress.'],
  'repairs.say.completed': ['已完工，请验收后签收或要求返工。', 'Done. Check the work, then sign off or ask for rework.'],
  'repairs.say.signed_off': ['已签收，客服将进行回访。', 'Signed off; the desk will follow up.'],
  'repairs.say.revisited': ['已回访，感谢您的评价。', 'Followed up. Thank you for your feedback.'],
  'repairs.say.closed': ['已办结。', 'Closed.'],
  'repairs.say.cancelled': ['已取消。', 'Cancelled.'],
  'repairs.kind': ['类型', 'Kind'],
  'repairs.category': ['类别', 'Trade'],
  'repairs.priceList': ['收费标准', 'Listed price'],
  'repairs.received': ['提交时间', 'Submitted'],
  'repairs.appointment': ['预约时间', 'Appointment'],
  'repairs.technician': ['维修师傅', 'Technician'],
  'repairs.arrival': ['到场', 'Arrived'],
  'repairs.quote': ['报价', 'Quote'],
  'repairs.quoteAgreed': ['已于 {at} 同意', 'agreed {at}'],
  'repairs.materials': ['材料', 'Materials'],
  'repairs.materialsFee': ['材料费', 'Materials'],
  'repairs.amount': ['应付金额', 'Amount due'],
  'repairs.payment': ['付款', 'Payment'],
  'repairs.cancelReason': ['取消原因', 'Reason for cancelling'],
  'repairs.signoff': ['验收结果', 'Sign-off'],
  'repairs.satisfaction': ['满意度', 'Satisfaction'],
  'repairs.reworkOf': ['返工自', 'Rework of'],
  'repairs.reworkOrder': ['返工单', 'Rework order'],
  'repairs.prepayDue': ['此项目需先付款：请到物业服务中心前台预付，付款后安排上门。', 'Pay this service in advance at the service-center desk; we send someone once it is paid.'],
  'repairs.quoteTitle': ['待您确认的报价', 'Quote to confirm'],
  'repairs.quoteNote': ['完工时按此报价收费，实际使用的材料另计。', 'You will be charged this quote at completion, plus materials used.'],
  'repairs.confirmQuote': ['确认报价，开始施工', 'Confirm and start'],
  'repairs.declineQuote': ['不接受报价', 'Decline the quote'],
  'repairs.confirmQuoteAsk': ['确认接受报价 {price}？', 'Accept the quote of {price}?'],
  'repairs.confirmQuoteBody': ['确认后师傅将开始施工，完工后按报价收费（材料另计）。', 'The technician starts the work; you pay the quote at completion, plus materials.'],
  'repairs.quoteConfirmed': ['已确认报价，师傅将开始施工', 'Quote confirmed; work starts now'],
  'repairs.cancel': ['取消请求', 'Cancel the request'],
  'repairs.reason': ['原因', 'Reason'],
  'repairs.declineReasonHint': ['例如：价格太高，我自己找人修', 'e.g. too expensive, I will find someone myself'],
  'repairs.cancelReasonHint': ['例如：问题已自行解决', 'e.g. the problem went away'],
  'repairs.needReason': ['请填写原因', 'Give a reason.'],
  'repairs.confirmDecline': ['确认不接受报价？', 'Decline the quote?'],
  'repairs.confirmCancel': ['确认取消这条请求？', 'Cancel this request?'],
  'repairs.confirmCancelBody': ['取消后不能恢复，如仍需服务请重新提交。', 'This cannot be undone; submit a new request if you still need the service.'],
  'repairs.declined': ['已拒绝报价，请求已取消', 'Quote declined; the request is cancelled'],
  'repairs.cancelled': ['请求已取消', 'Request cancelled'],
  'repairs.keep': ['不取消', 'Keep it'],
  'repairs.signTitle': ['验收与评价', 'Sign off and rate'],
  'repairs.signHint': ['请检查维修效果。确认完工后本单结束；要求返工会另开返工单，不另收费。', 'Check the work. Confirming closes the job; asking for rework opens a rework order at no charge.'],
  'repairs.pickSignoff': ['请选择验收结果', 'Choose a sign-off.'],
  'repairs.pickSatisfaction': ['请选择满意度', 'Choose a rating.'],
  'repairs.sign': ['提交验收', 'Submit sign-off'],
  'repairs.confirmSign': ['确认提交验收结果？', 'Submit your sign-off?'],
  'repairs.confirmSignBody': ['提交后不能修改。', 'It cannot be changed afterwards.'],
  'repairs.confirmReworkBody': ['将为您另开返工单，客服会重新派工。提交后不能修改。', 'A rework order is opened and the desk sends a technician again. It cannot be changed afterwards.'],
  'repairs.signed': ['感谢您的验收和评价', 'Thank you for signing off'],
  'repairs.reworkOpened': ['已为您开返工单', 'A rework order has been opened'],
});

// The 2-hour windows offered on a working day, in office time.
const WINDOWS = [[8, 10], [10, 12], [14, 16], [16, 18]];
const SLOT_DAYS = 5; // working days offered
const LEAD_MS = 60 * 60 * 1000; // a slot must start at least an hour from now
const EXPAND = 'service_item,technician,rework_of';
const pad = (n) => String(n).padStart(2, '0');

/** priceText says what an item costs: listed price, free, or on-site estimate. */
function priceText(item) {
  if (!item) return '';
  if (item.kind === 'routine') return t('repairs.free');
  if (item.needs_estimate) return t('repairs.estimate');
  return item.unit ? t('repairs.perUnit', { price: yuan(item.price_fen), unit: item.unit }) : yuan(item.price_fen);
}

function priceNote(item) {
  if (item.kind === 'routine') return t('repairs.noteRoutine');
  if (item.prepay) return t('repairs.notePrice', { price: priceText(item) }) + ' ' + t('repairs.notePrepay');
  if (item.needs_estimate) return t('repairs.noteEstimate');
  return t('repairs.notePrice', { price: priceText(item) });
}

// --- appointment slots -------------------------------------------------------

/** addDays adds n days to a civil date YYYY-MM-DD. */
function addDays(day, n) {
  const [y, m, d] = day.split('-').map(Number);
  const x = new Date(Date.UTC(y, m - 1, d + n));
  return `${x.getUTCFullYear()}-${pad(x.getUTCMonth() + 1)}-${pad(x.getUTCDate())}`;
}

/** slotStart is the instant hour:00 on civil day in Shanghai (UTC+8, no DST). */
function slotStart(day, hour) {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d, hour - 8));
}

function dayLabel(day, first) {
  const [y, m, d] = day.split('-').map(Number);
  const text = new Intl.DateTimeFormat(lang() === 'en' ? 'en-GB' : 'zh-CN', { timeZone: 'UTC', month: 'short', day: 'numeric', weekday: 'short' })
    .format(new Date(Date.UTC(y, m - 1, d)));
  if (day === first) return `${t('repairs.today')} ${text}`;
  if (day === addDays(first, 1)) return `${t('repairs.tomorrow')} ${text}`;
  return text;
}

/**
 * loadSlots reads the working-day calendar (GET /api/wuye/calendar/{year}:
 * the year's exceptions to Monday–Friday) and lists the next working days
 * with their open 2-hour windows.
 */
async function loadSlots() {
  const first = today();
  const last = addDays(first, 45);
  const years = [...new Set([first.slice(0, 4), last.slice(0, 4)])];
  const cals = await Promise.all(years.map((y) => pb.send(`/api/wuye/calendar/${y}`, { method: 'GET' })));
  const exceptions = new Map();
  for (const c of cals) for (const e of c.exceptions || []) exceptions.set(e.date, e.working);
  const days = [];
  const earliest = Date.now() + LEAD_MS;
  for (let day = first; days.length < SLOT_DAYS && day <= last; day = addDays(day, 1)) {
    const [y, m, d] = day.split('-').map(Number);
    const weekday = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
    const working = exceptions.has(day) ? exceptions.get(day) : weekday !== 0 && weekday !== 6;
    if (!working) continue;
    const windows = WINDOWS.map(([from, to]) => ({ start: slotStart(day, from).toISOString(), text: `${pad(from)}:00–${pad(to)}:00` }))
      .filter((w) => Date.parse(w.start) >= earliest);
    if (windows.length) days.push({ day, text: dayLabel(day, first), windows });
  }
  // Say so when an offered day falls in a year without a holiday schedule.
  const unscheduled = cals.filter((c) => !c.scheduled && days.some((d) => d.day.startsWith(String(c.year)))).map((c) => c.year);
  return { days, unscheduled };
}

function SlotPicker({ value, onChange, error }) {
  const slots = useAsync(loadSlots, []);
  const [day, setDay] = useState('');
  const chosen = slots.data?.days.find((d) => d.day === day) || slots.data?.days.find((d) => d.windows.some((w) => w.start === value));
  return html`<fieldset class="slot-picker">
    <legend>${t('repairs.slot')} <b class="req" aria-hidden="true">*</b></legend>
    ${slots.loading && !slots.data ? html`<${Loading} />` : slots.error ? html`<${ErrorBox} error=${slots.error} retry=${slots.reload} />`
      : slots.data.days.length === 0 ? html`<${Empty} text=${t('repairs.slotNone')} />` : html`
      <div class="choices" role="radiogroup" aria-label=${t('repairs.slot') + ' · ' + t('repairs.slotDay')}>${slots.data.days.map((d) => html`
        <label key=${d.day}><input type="radio" name="slot_day" value=${d.day} checked=${chosen?.day === d.day}
          onChange=${() => { setDay(d.day); if (!d.windows.some((w) => w.start === value)) onChange(''); }} />${d.text}</label>`)}</div>
      ${chosen && html`<div class="choices slot-times" role="radiogroup" aria-label=${t('repairs.slot') + ' · ' + t('repairs.slotTime')}>${chosen.windows.map((w) => html`
        <label key=${w.start}><input type="radio" name="slot_time" value=${w.start} checked=${value === w.start} onChange=${() => onChange(w.start)} />${w.text}</label>`)}</div>`}
      <small class="hint">${t('repairs.slotHint')}</small>
      ${slots.data.unscheduled.map((y) => html`<small class="hint" key=${y}>${t('repairs.slotUnscheduled', { year: y })}</small>`)}`}
    ${error && html`<small class="field-error" role="alert">${error}</small>`}
  </fieldset>`;
}

// --- price list ----------------------------------------------------------------

function ItemPicker({ items, value, onChange, error }) {
  const groups = useMemo(() => choices('work_category')
    .map((c) => ({ ...c, items: items.filter((i) => i.category === c.code) }))
    .filter((g) => g.items.length), [items, lang()]);
  return html`<fieldset class="price-list">
    <legend>${t('repairs.item')} <b class="req" aria-hidden="true">*</b></legend>
    <small class="hint">${t('repairs.itemHint')}</small>
    ${groups.map((g) => html`<div class="price-group" key=${g.code} role="group" aria-label=${g.text}>
      <h3>${g.text}</h3>
      ${g.items.map((i) => html`<label class="pick" key=${i.id}>
        <input type="radio" name="service_item" value=${i.id} checked=${value === i.id} onChange=${() => onChange(i.id)} />
        <span class="name">${i.name}</span>
        ${i.prepay && html`<span class="chip s-warn">${t('repairs.prepay')}</span>`}
        <span class=${'price money' + (i.needs_estimate ? ' estimate' : '')}>${priceText(i)}</span>
      </label>`)}
    </div>`)}
    ${error && html`<small class="field-error" role="alert">${error}</small>`}
  </fieldset>`;
}

// --- list ------------------------------------------------------------------------

/** yourTurn: the resident has something to do (confirm a quote, sign off). */
const yourTurn = (o) => stepsFrom('work_orders', o.status, ['requester']).some((s) => s.to === 'in_progress' || s.to === 'signed_off');

export function RepairList({ me }) {
  // (The service items from the page's cache: see withServiceItems.)
  const list = useAsync(() => pb.collection('work_orders').getList(1, 50, { skipTotal: true,
    sort: '-created', filter: pb.filter('requester = {:me}', { me: me.id }),
  }).then(async (page) => ({ ...page, items: await withServiceItems(page.items) })), [me.id]);
  // A change re-reads that order only, those of a burst together (usePlaceChanged).
  const changed = usePlaceChanged(list, 'work_orders', { expand: 'service_item', keep: (r) => r.requester === me.id, sort: newestFirst() });
  useMyTopic(changed, { collections: ['work_orders'], onReconnect: list.reload }, [me.id]);
  return html`
    <div class="row between"><h1>${t('repairs.title')}</h1><a href="#/repairs/new"><button type="button" class="primary">${t('repairs.new')}</button></a></div>
    <div class="card">
      ${list.loading && !list.data ? html`<${Loading} />` : list.error ? html`<${ErrorBox} error=${list.error} retry=${list.reload} />`
        : list.data.items.length === 0 ? html`<${Empty} />` : html`
        <ul class="list">${list.data.items.map((o) => html`<li key=${o.id}>
          <a class="item" href=${'#/repairs/' + o.id}>
            <div class="main"><div class="t">${o.expand?.service_item?.name || label('work_category', o.category)} · ${o.description}</div>
              <div class="sub">${o.serial} · ${label('work_kind', o.kind)} · ${dateTime(o.received_at || o.created)}</div></div>
            ${yourTurn(o) && html`<span class="chip s-warn">${t('repairs.yourTurn')}</span>`}
            <${Status} col="work_orders" code=${o.status} />
          </a></li>`)}</ul>`}
    </div>
    <${MyDemands} me=${me} />`;
}

/** MyDemands lists the resident's requests for unlisted services and the answers; hidden while there are none. */
function MyDemands({ me }) {
  const list = useAsync(() => pb.collection('service_demands').getList(1, 20, { sort: '-created', skipTotal: true, filter: pb.filter('resident = {:me}', { me: me.id }) }), [me.id]);
  if (list.error) return html`<div class="card"><${ErrorBox} error=${list.error} retry=${list.reload} /></div>`;
  if (!list.data || list.data.items.length === 0) return null;
  return html`<section class="card" aria-labelledby="h-demands">
    <h2 id="h-demands">${t('repairs.demands')}</h2>
    <ul class="list">${list.data.items.map((d) => html`<li key=${d.id} class="demand">
      <div class="row between"><span>${d.description}</span>
        <span class=${'chip ' + (d.status === 'answered' ? 's-accepted' : 's-muted')}>${t(d.status === 'answered' ? 'repairs.demandAnswered' : 'repairs.demandOpen')}</span></div>
      ${d.answer && html`<p class="small muted">${d.answer}</p>`}
    </li>`)}</ul>
  </section>`;
}

// --- new request --------------------------------------------------------------

export function RepairNew({ me, unit }) {
  const items = useAsync(() => pb.collection('service_items').getFullList({
    filter: pb.filter('community = {:c} && active = true', { c: unit.community }), sort: 'code',
  }), [unit.community]);
  const [form, setForm] = useState({ service_item: '', description: '', appointment_at: '', contact_name: me.name || '', contact_phone: me.phone || '' });
  const [files, setFiles] = useState([]);
  const [local, setLocal] = useState({});
  const act = useAction();
  const set = (k) => (e) => {
    setForm({ ...form, [k]: e.target.value });
    if (local[k]) setLocal({ ...local, [k]: '' });
  };
  const item = (items.data || []).find((i) => i.id === form.service_item);

  const submit = async (e) => {
    e.preventDefault();
    const missing = {};
    if (!form.service_item) missing.service_item = t('repairs.pickItem');
    if (!form.description.trim()) missing.description = t('repairs.needDescription');
    if (!form.appointment_at) missing.appointment_at = t('repairs.pickSlot');
    setLocal(missing);
    if (Object.keys(missing).length) return;
    const body = item.kind === 'routine' ? t('repairs.confirmRoutine')
      : item.needs_estimate ? t('repairs.confirmEstimate') : t('repairs.confirmPrice', { price: priceText(item) });
    if (!(await confirmBox({ title: t('repairs.confirmSubmit'), body: item.prepay ? body + ' ' + t('repairs.notePrepay') : body, ok: t('submit') }))) return;
    const saved = await act.run(() => pb.collection('work_orders').create(formData({ ...form, unit: unit.id }, { photos: files })));
    if (saved) {
      toast(t('repairs.submitted', { serial: saved.serial }));
      navigate('/repairs/' + saved.id);
    }
  };
  const errs = { ...fieldErrors(act.error), ...Object.fromEntries(Object.entries(local).filter(([, v]) => v)) };

  if (items.loading && !items.data) return html`<h1>${t('repairs.newTitle')}</h1><${Loading} />`;
  if (items.error) return html`<h1>${t('repairs.newTitle')}</h1><${ErrorBox} error=${items.error} retry=${items.reload} />`;
  return html`
    <p><a href="#/repairs">← ${t('repairs.title')}</a></p>
    <h1>${t('repairs.newTitle')}</h1>
    ${items.data.length === 0 ? html`<div class="card"><${Empty} text=${t('repairs.noItems')} /></div>` : html`
    <form class="card stack" onSubmit=${submit} novalidate>
      <${ItemPicker} items=${items.data} value=${form.service_item} error=${errs.service_item}
        onChange=${(id) => { setForm({ ...form, service_item: id }); setLocal({ ...local, service_item: '' }); }} />
      ${item && html`<div class=${'price-note' + (item.prepay ? ' warn' : '')} role="status" data-testid="price-note">
        <b>${item.name}</b> · <span class="money">${priceText(item)}</span><br />${priceNote(item)}</div>`}
      <${Field} label=${t('repairs.description')} required hint=${t('repairs.descriptionHint')} error=${errs.description}>
        <textarea name="description" maxlength="2000" value=${form.description} onInput=${set('description')}></textarea><//>
      <${Field} label=${t('repairs.photos')} error=${errs.photos}>
        <${FilePicker} files=${files} onChange=${setFiles} max=${6} accept="image/*" types=${/^image\/(jpeg|png|webp|heic)$/} label=${t('repairs.addPhotos')} /><//>
      <${SlotPicker} value=${form.appointment_at} error=${errs.appointment_at}
        onChange=${(v) => { setForm((f) => ({ ...f, appointment_at: v })); if (v) setLocal((l) => ({ ...l, appointment_at: '' })); }} />
      <div class="grid2">
        <${Field} label=${t('repairs.contact')} error=${errs.contact_name}><input type="text" name="contact_name" maxlength="50" value=${form.contact_name} onInput=${set('contact_name')} /><//>
        <${Field} label=${t('repairs.phone')} error=${errs.contact_phone}><input type="tel" name="contact_phone" maxlength="20" value=${form.contact_phone} onInput=${set('contact_phone')} /><//>
      </div>
      ${errs.unit && html`<small class="field-error" role="alert">${errs.unit}</small>`}
      <${ErrorBox} error=${act.error} />
      <div class="actions"><button type="button" class="ghost" onClick=${() => history.back()}>${t('cancel')}</button>
        <button class="primary" disabled=${act.busy}>${act.busy ? t('submitting') : t('submit')}</button></div>
    </form>`}
    <${UnlistedService} me=${me} unit=${unit} />`;
}

/** UnlistedService records a request for a service the office does not offer (unmet demand). */
function UnlistedService({ me, unit }) {
  const [description, setDescription] = useState('');
  const [sent, setSent] = useState(false);
  const act = useAction();
  const submit = async (e) => {
    e.preventDefault();
    const saved = await act.run(() => pb.collection('service_demands').create({
      unit: unit.id, description, contact_name: me.name || '', contact_phone: me.phone || '',
    }));
    if (saved) { setSent(true); setDescription(''); toast(t('repairs.unlistedSent')); }
  };
  const errs = fieldErrors(act.error);
  return html`<details class="card unlisted">
    <summary>${t('repairs.unlisted')}</summary>
    <form class="stack" onSubmit=${submit}>
      <p class="small muted">${t('repairs.unlistedHint')}</p>
      <${Field} label=${t('repairs.unlistedWhat')} required error=${errs.description}>
        <textarea name="demand" maxlength="2000" value=${description} onInput=${(e) => { setDescription(e.target.value); setSent(false); }}></textarea><//>
      <${ErrorBox} error=${act.error} />
      ${sent && html`<p class="small" role="status">${t('repairs.unlistedSent')}</p>`}
      <button class="primary" disabled=${act.busy || !description.trim()}>${t('submit')}</button>
    </form>
  </details>`;
}

// --- detail -----------------------------------------------------------------------

/** keepExpand keeps what a realtime event could not expand (e.g. a relation the resident may not read). */
function keepExpand(next, old) {
  if (!old || old.id !== next.id) return next;
  const expand = { ...(old.expand || {}), ...(next.expand || {}) };
  for (const k of Object.keys(expand)) if (expand[k]?.id && next[k] !== expand[k].id) delete expand[k];
  return { ...next, expand };
}

/** Progress shows how far along the resident-facing flow the order is. */
function Progress({ order }) {
  // A quote step only where the price is set on site (not for routine work
  // or an item at its listed price).
  const item = order.expand?.service_item;
  const quoting = order.status === 'quoted' || (order.kind !== 'routine' && !(item && !item.needs_estimate));
  const main = statusOrder('work_orders').filter((s) => s !== 'cancelled' && (s !== 'quoted' || quoting));
  const n = main.indexOf(order.status) + 1;
  if (n <= 0) return null;
  return html`<div class="steps" role="img" aria-label=${t('repairs.progress', { n, total: main.length })}>
    ${main.map((s, i) => html`<span key=${s} class=${i < n ? 'done' : ''}></span>`)}</div>`;
}

export function RepairDetail({ params }) {
  const rec = useAsync(() => pb.collection('work_orders').getOne(params.id, { expand: EXPAND }), [params.id]);
  useRealtime('work_orders', params.id, (e) => rec.setData((old) => keepExpand(e.record, old)), { expand: EXPAND, onReconnect: rec.reload });
  if (rec.loading && !rec.data) return html`<${Loading} />`;
  if (rec.error) return html`<p><a href="#/repairs">← ${t('repairs.title')}</a></p><${ErrorBox} error=${rec.error} retry=${rec.reload} />`;
  const o = rec.data;
  const item = o.expand?.service_item;
  const steps = stepsFrom('work_orders', o.status, ['requester']);
  const confirmStep = o.status === 'quoted' && steps.find((s) => s.to === 'in_progress');
  const cancelStep = steps.find((s) => s.to === 'cancelled');
  const signStep = steps.find((s) => s.to === 'signed_off');
  const update = (body) => pb.collection('work_orders').update(o.id, body, { expand: EXPAND });
  const onSaved = (saved) => rec.setData((old) => keepExpand(saved, old));
  const techName = o.technician_name || o.expand?.technician?.name;
  const materials = Array.isArray(o.materials) ? o.materials : [];
  const needsPrepay = item?.prepay && o.status === 'new' && !['paid', 'paid_on_site'].includes(o.payment);
  return html`
    <p><a href="#/repairs">← ${t('repairs.title')}</a></p>
    <div class="grid2 repair-detail"><div>
    <div class="card">
      <div class="row between"><h1>${item?.name || label('work_category', o.category)}</h1>
        <span data-testid="repair-status"><${Status} col="work_orders" code=${o.status} /></span></div>
      <${Progress} order=${o} />
      <p class="say" data-testid="repair-say" role="status" aria-live="polite">${t('repairs.say.' + o.status)}${o.status === 'cancelled' && o.cancel_reason ? ' ' + o.cancel_reason : ''}</p>
      ${needsPrepay && html`<p class="price-note warn">${t('repairs.prepayDue')}</p>`}
      <p class="small muted">${t('repairs.live')}</p>
      <p style="white-space:pre-wrap">${o.description}</p>
      <${Attachments} record=${o} field="photos" />
      <dl class="kv">
        <dt>${t('serial')}</dt><dd>${o.serial}</dd>
        <dt>${t('repairs.kind')}</dt><dd>${label('work_kind', o.kind)} · ${label('work_category', o.category)}</dd>
        ${item && html`<dt>${t('repairs.priceList')}</dt><dd class="money">${priceText(item)}</dd>`}
        <dt>${t('repairs.received')}</dt><dd>${dateTime(o.received_at || o.created)}</dd>
        ${o.appointment_at && html`<dt>${t('repairs.appointment')}</dt><dd data-testid="repair-appointment">${appointmentText(o.appointment_at)}</dd>`}
        ${techName && html`<dt>${t('repairs.technician')}</dt><dd data-testid="technician-name">${techName}</dd>`}
        ${o.arrived_at && html`<dt>${t('repairs.arrival')}</dt><dd>${dateTime(o.arrived_at)}${o.arrival ? ' · ' + label('arrival', o.arrival) : ''}</dd>`}
        ${o.quote_fen > 0 && o.status !== 'quoted' && html`<dt>${t('repairs.quote')}</dt><dd><span class="money">${yuan(o.quote_fen)}</span>${o.quote_confirmed_at ? html` <span class="small muted">(${t('repairs.quoteAgreed', { at: dateTime(o.quote_confirmed_at) })})</span>` : ''}</dd>`}
        ${materials.length > 0 && html`<dt>${t('repairs.materials')}</dt><dd>${materials.map((m, i) => html`<div key=${i} class="small">${m.name} × ${m.qty} · ${yuan(m.price_fen)}</div>`)}</dd>`}
        ${o.materials_fen > 0 && html`<dt>${t('repairs.materialsFee')}</dt><dd class="money">${yuan(o.materials_fen)}</dd>`}
        ${o.amount_fen > 0 && html`<dt>${t('repairs.amount')}</dt><dd><b class="money" data-testid="repair-amount">${yuan(o.amount_fen)}</b>${o.payment && o.payment !== 'none' ? ' · ' + label('work_payment', o.payment) : ''}</dd>`}
        <dt>${t('repairs.contact')}</dt><dd>${o.contact_name} ${o.contact_phone}</dd>
        ${o.signoff && html`<dt>${t('repairs.signoff')}</dt><dd>${label('signoff', o.signoff)}</dd>`}
        ${o.satisfaction && html`<dt>${t('repairs.satisfaction')}</dt><dd>${label('satisfaction', o.satisfaction)}</dd>`}
        ${o.cancel_reason && html`<dt>${t('repairs.cancelReason')}</dt><dd>${o.cancel_reason}</dd>`}
        ${o.expand?.rework_of && html`<dt>${t('repairs.reworkOf')}</dt><dd><a href=${'#/repairs/' + o.rework_of}>${o.expand.rework_of.serial}</a></dd>`}
      </dl>
      ${o.signoff === 'rework' && html`<${ReworkLink} id=${o.id} />`}
    </div>
    ${confirmStep && html`<${QuoteCard} order=${o} update=${update} onSaved=${onSaved} canDecline=${!!cancelStep} />`}
    ${signStep && html`<${SignOff} order=${o} update=${update} onSaved=${onSaved} />`}
    ${cancelStep && o.status !== 'quoted' && html`<${CancelBox} update=${update} onSaved=${onSaved} />`}
    </div>
    <div class="card"><h2>${t('timeline')}</h2><${Timeline} col="work_orders" id=${o.id} version=${o.updated} /></div>
    </div>`;
}

/** appointmentText: "2026-11-24 08:00–10:00" for a portal slot, else the time. */
function appointmentText(v) {
  const d = parseDate(v);
  if (!d) return '';
  const start = dateTime(d);
  const local = new Date(d.getTime() + 8 * 3600 * 1000);
  const slot = WINDOWS.find(([from]) => local.getUTCHours() === from && local.getUTCMinutes() === 0);
  return slot ? `${start}–${pad(slot[1])}:00` : start;
}

function ReworkLink({ id }) {
  const list = useAsync(() => pb.collection('work_orders').getList(1, 5, { filter: pb.filter('rework_of = {:id}', { id }), fields: 'id,serial,status', skipTotal: true }), [id]);
  if (!list.data) return list.error ? html`<${ErrorBox} error=${list.error} retry=${list.reload} />` : null;
  return html`${list.data.items.map((r) => html`<p key=${r.id}>${t('repairs.reworkOrder')}: <a href=${'#/repairs/' + r.id}>${r.serial}</a> <${Status} col="work_orders" code=${r.status} /></p>`)}`;
}

function QuoteCard({ order, update, onSaved, canDecline }) {
  const act = useAction();
  const [declining, setDeclining] = useState(false);
  const accept = async () => {
    if (!(await confirmBox({ title: t('repairs.confirmQuoteAsk', { price: yuan(order.quote_fen) }), body: t('repairs.confirmQuoteBody'), ok: t('repairs.confirmQuote') }))) return;
    const saved = await act.run(() => update({ status: 'in_progress' }));
    if (saved) { toast(t('repairs.quoteConfirmed')); onSaved(saved); }
  };
  return html`<section class="card quote" aria-labelledby="h-quote">
    <h2 id="h-quote">${t('repairs.quoteTitle')}</h2>
    <div class="big money" data-testid="repair-quote">${yuan(order.quote_fen)}</div>
    <p class="small muted">${t('repairs.quoteNote')}</p>
    <${ErrorBox} error=${act.error} />
    ${!declining && html`<div class="actions">
      ${canDecline && html`<button type="button" class="danger" onClick=${() => setDeclining(true)}>${t('repairs.declineQuote')}</button>`}
      <button type="button" class="primary" disabled=${act.busy} onClick=${accept}>${t('repairs.confirmQuote')}</button>
    </div>`}
    ${declining && html`<${ReasonForm} update=${update} onSaved=${onSaved} onClose=${() => setDeclining(false)}
      title=${t('repairs.confirmDecline')} hint=${t('repairs.declineReasonHint')} ok=${t('repairs.declineQuote')} done=${t('repairs.declined')} />`}
  </section>`;
}

function CancelBox({ update, onSaved }) {
  const [open, setOpen] = useState(false);
  return html`<div class="card cancel-box">
    ${open ? html`<${ReasonForm} update=${update} onSaved=${onSaved} onClose=${() => setOpen(false)}
      title=${t('repairs.confirmCancel')} hint=${t('repairs.cancelReasonHint')} ok=${t('repairs.cancel')} done=${t('repairs.cancelled')} />`
      : html`<button type="button" class="danger" onClick=${() => setOpen(true)}>${t('repairs.cancel')}</button>`}
  </div>`;
}

/** ReasonForm cancels the order (declining a quote or withdrawing the request) with a reason. */
function ReasonForm({ update, onSaved, onClose, title, hint, ok, done }) {
  const [reason, setReason] = useState('');
  const [missing, setMissing] = useState('');
  const act = useAction();
  const submit = async (e) => {
    e.preventDefault();
    if (!reason.trim()) return setMissing(t('repairs.needReason'));
    setMissing('');
    if (!(await confirmBox({ title, body: t('repairs.confirmCancelBody'), ok, danger: true }))) return;
    const saved = await act.run(() => update({ status: 'cancelled', cancel_reason: reason.trim() }));
    if (saved) { toast(done); onSaved(saved); }
  };
  const errs = fieldErrors(act.error);
  return html`<form class="stack" onSubmit=${submit} novalidate>
    <${Field} label=${t('repairs.reason')} required hint=${hint} error=${missing || errs.cancel_reason}>
      <textarea name="cancel_reason" maxlength="500" value=${reason} onInput=${(e) => setReason(e.target.value)}></textarea><//>
    <${ErrorBox} error=${act.error} />
    <div class="actions"><button type="button" class="ghost" onClick=${onClose}>${t('repairs.keep')}</button>
      <button class="danger" disabled=${act.busy}>${ok}</button></div>
  </form>`;
}

function SignOff({ order, update, onSaved }) {
  const [signoff, setSignoff] = useState('');
  const [satisfaction, setSatisfaction] = useState('');
  const [missing, setMissing] = useState({});
  const act = useAction();
  const submit = async (e) => {
    e.preventDefault();
    const m = {};
    if (!signoff) m.signoff = t('repairs.pickSignoff');
    if (!satisfaction) m.satisfaction = t('repairs.pickSatisfaction');
    setMissing(m);
    if (Object.keys(m).length) return;
    if (!(await confirmBox({ title: t('repairs.confirmSign'), body: t(signoff === 'rework' ? 'repairs.confirmReworkBody' : 'repairs.confirmSignBody'), ok: t('repairs.sign') }))) return;
    const saved = await act.run(() => update({ status: 'signed_off', signoff, satisfaction }));
    if (saved) { toast(t(signoff === 'rework' ? 'repairs.reworkOpened' : 'repairs.signed')); onSaved(saved); }
  };
  const errs = { ...fieldErrors(act.error), ...Object.fromEntries(Object.entries(missing).filter(([, v]) => v)) };
  return html`<form class="card stack" onSubmit=${submit} novalidate aria-labelledby="h-sign">
    <h2 id="h-sign">${t('repairs.signTitle')}</h2>
    ${order.amount_fen > 0 && html`<p>${t('repairs.amount')}: <b class="money">${yuan(order.amount_fen)}</b> · ${label('work_payment', order.payment)}</p>`}
    <small class="hint">${t('repairs.signHint')}</small>
    <fieldset><legend>${t('repairs.signoff')} <b class="req" aria-hidden="true">*</b></legend>
      <div class="choices">${choices('signoff').map((s) => html`
        <label key=${s.code}><input type="radio" name="signoff" value=${s.code} checked=${signoff === s.code} onChange=${() => setSignoff(s.code)} />${s.text}</label>`)}</div>
      ${errs.signoff && html`<small class="field-error" role="alert">${errs.signoff}</small>`}
    </fieldset>
    <fieldset><legend>${t('repairs.satisfaction')} <b class="req" aria-hidden="true">*</b></legend>
      <div class="choices">${choices('satisfaction').map((s) => html`
        <label key=${s.code}><input type="radio" name="satisfaction" value=${s.code} checked=${satisfaction === s.code} onChange=${() => setSatisfaction(s.code)} />${s.text}</label>`)}</div>
      ${errs.satisfaction && html`<small class="field-error" role="alert">${errs.satisfaction}</small>`}
    </fieldset>
    <${ErrorBox} error=${act.error} />
    <button class="primary" disabled=${act.busy}>${act.busy ? t('submitting') : t('repairs.sign')}</button>
  </form>`;
}
