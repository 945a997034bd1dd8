// The notice board's staff side ([000] 管理员 3.9; [004] 二 8): write a notice
// for the community, some buildings or some units, schedule it (starts_at),
// pin it, let it expire (ends_at); the 停水/停电 template fills the times and
// place into the text; each notice shows how many households of its audience
// have read it, the list of those who have not (with their phones, for the
// desk's follow-up calls), and prints for the notice board.
import { html, useState } from '../core/html.js';
import { pb, fieldErrors } from '../core/api.js';
import { t, addMessages, label, choices } from '../core/i18n.js';
import { dateTime, fromOffice, today } from '../core/format.js';
import { Loading, ErrorBox, Empty, Field, useAsync, useAction, toast } from '../core/ui.js';
import { useRealtime } from '../core/realtime.js';

addMessages({
  'nt.title': ['公告管理', 'Notices'],
  'nt.new': ['发布公告', 'Post a notice'],
  'nt.template': ['模板', 'Template'],
  'nt.tpl.none': ['空白', 'Blank'],
  'nt.tpl.water': ['停水通知', 'Water stop'],
  'nt.tpl.power': ['停电通知', 'Power cut'],
  'nt.tpl.area': ['影响范围', 'Area affected'],
  'nt.tpl.from': ['开始时间', 'From'],
  'nt.tpl.to': ['恢复时间', 'Until'],
  'nt.tpl.reason': ['原因', 'Reason'],
  'nt.tpl.fill': ['填入正文', 'Fill in the text'],
  'nt.category': ['类别', 'Category'],
  'nt.titleField': ['标题', 'Title'],
  'nt.body': ['正文', 'Text'],
  'nt.audience': ['发布范围', 'Audience'],
  'nt.aud.community': ['全小区', 'Whole community'],
  'nt.aud.buildings': ['指定楼栋', 'Some buildings'],
  'nt.aud.units': ['指定房屋', 'Some units'],
  'nt.building': ['楼栋', 'Building'],
  'nt.starts': ['开始显示（不填为立即）', 'Show from (blank: now)'],
  'nt.ends': ['到期下架（选填）', 'Take down at (optional)'],
  'nt.pinned': ['置顶', 'Pinned'],
  'nt.urgent': ['紧急（每户发一条短信，夜间也发）', 'Urgent (one text message to each household, at night too)'],
  'nt.urgentChip': ['紧急·短信', 'Urgent · SMS'],
  'nt.announced': ['已通知 {n} 人', '{n} residents told'],
  'nt.toAnnounce': ['开始时通知住户', 'Residents told when it starts'],
  'nt.post': ['发布', 'Post'],
  'nt.posted': ['公告已发布', 'Notice posted'],
  'nt.list': ['已发布的公告', 'Notices posted'],
  'nt.reads': ['已读 {read}/{households} 户', 'Read by {read} of {households} households'],
  'nt.scheduled': ['待发布', 'Scheduled'],
  'nt.ended': ['已下架', 'Ended'],
  'nt.live': ['显示中', 'Showing'],
  'nt.unread': ['未读住户', 'Not yet read'],
  'nt.unreadNone': ['所有住户都已阅读', 'Every household has read it'],
  'nt.unreadHint': ['以下住户尚未阅读，请电话告知', 'These households have not read it: call them'],
  'nt.print': ['打印张贴', 'Print for the board'],
  'nt.pin': ['置顶', 'Pin'],
  'nt.unpin': ['取消置顶', 'Unpin'],
  'nt.endNow': ['立即下架', 'Take down now'],
  'nt.unit': ['房号', 'Unit'],
  'nt.contacts': ['住户及电话', 'Residents and phones'],
  'nt.office': ['{name}物业服务中心', '{name} Property Service Center'],
  'nt.back': ['返回公告管理', 'Back to notices'],
});

/** TEMPLATES: the outage notices' words, with {area} {from} {to} {reason}. */
const TEMPLATES = {
  water: { category: 'maintenance', title: '{area}停水通知',
    body: '尊敬的业主/住户：\n因{reason}，定于{from}至{to}对{area}暂停供水，请提前做好储水准备，并关闭家中水龙头。恢复供水时间如有变化，将另行通知。\n给您带来的不便，敬请谅解！' },
  power: { category: 'maintenance', title: '{area}停电通知',
    body: '尊敬的业主/住户：\n因{reason}，定于{from}至{to}对{area}暂停供电，停电期间电梯停止运行，请提前做好准备，并关闭家中电器。恢复供电时间如有变化，将另行通知。\n给您带来的不便，敬请谅解！' },
};

/** when: a datetime-local value as "12月7日 09:00". */
const when = (v) => {
  const m = /^\d{4}-(\d{2})-(\d{2})T(\d{2}:\d{2})/.exec(v || '');
  return m ? `${Number(m[1])}月${Number(m[2])}日 ${m[3]}` : '';
};

/** fillTemplate puts the outage's place, times and reason into the template's words. */
export function fillTemplate(kind, { area, from, to, reason }) {
  const tpl = TEMPLATES[kind];
  const fill = (s) => s.replace(/\{area\}/g, area || '').replace(/\{from\}/g, when(from)).replace(/\{to\}/g, when(to))
    .replace(/\{reason\}/g, reason || '设备检修');
  return { category: tpl.category, title: fill(tpl.title), body: fill(tpl.body) };
}

/** noticeState: scheduled, live or ended, by its times. */
const noticeState = (n, at = new Date()) => (n.starts_at && new Date(n.starts_at.replace(' ', 'T')) > at ? 'scheduled'
  : n.ends_at && new Date(n.ends_at.replace(' ', 'T')) <= at ? 'ended' : 'live');

export function Notices({ me, community }) {
  const c = community.id;
  const list = useAsync(() => pb.collection('notices').getList(1, 100, { filter: pb.filter('community = {:c}', { c }), sort: '-published_at' }), [c]);
  const reads = useAsync(() => pb.send('/api/wuye/notices/reads', { query: { community: c } }), [c]);
  useRealtime('notices', '*', () => list.reload(), { filter: pb.filter('community = {:c}', { c }), onReconnect: list.reload }, [c]);
  useRealtime('notice_reads', '*', () => reads.reload(), { onReconnect: reads.reload }, [c]);
  const reach = Object.fromEntries((reads.data?.items || []).map((r) => [r.notice, r]));
  const writer = ['front_desk', 'supervisor', 'director'].includes(me.role);
  return html`<div class="notices-screen">
    <h1>${t('nt.title')}</h1>
    ${writer && html`<${NoticeEditor} community=${community} urgentOK=${['supervisor', 'director'].includes(me.role)} onDone=${() => { list.reload(); reads.reload(); }} />`}
    <section class="card" aria-labelledby="h-nt-list">
      <h2 id="h-nt-list">${t('nt.list')}</h2>
      ${list.loading && !list.data ? html`<${Loading} />` : list.error ? html`<${ErrorBox} error=${list.error} retry=${list.reload} />`
      : list.data.items.length === 0 ? html`<${Empty} />`
      : html`<ul class="list" data-testid="staff-notices">${list.data.items.map((n) => html`<${NoticeRow} key=${n.id} n=${n} reach=${reach[n.id]} writer=${writer} />`)}</ul>`}
    </section>
  </div>`;
}

function NoticeEditor({ community, urgentOK, onDone }) {
  const blank = { category: 'general', title: '', body: '', audience: 'community', buildings: [], units: [], starts_at: '', ends_at: '', pinned: false, urgent: false };
  const [f, setF] = useState(blank);
  const [tpl, setTpl] = useState({ kind: '', area: '', from: '', to: '', reason: '' });
  const [building, setBuilding] = useState('');
  const act = useAction();
  const buildings = useAsync(() => pb.collection('buildings').getFullList({ filter: pb.filter('community = {:c}', { c: community.id }), sort: 'code' }), [community.id]);
  const units = useAsync(() => (building ? pb.collection('units').getFullList({ filter: pb.filter('building = {:b}', { b: building }), sort: 'number' }) : Promise.resolve([])), [building]);
  const set = (k) => (e) => setF({ ...f, [k]: e.target.type === 'checkbox' ? e.target.checked : e.target.value });
  const toggle = (k, id) => setF({ ...f, [k]: f[k].includes(id) ? f[k].filter((x) => x !== id) : [...f[k], id] });
  const setT = (k) => (e) => setTpl({ ...tpl, [k]: e.target.value });
  const fill = () => {
    if (!tpl.kind) return;
    const area = tpl.area || (f.audience === 'buildings' ? (buildings.data || []).filter((b) => f.buildings.includes(b.id)).map((b) => b.name).join('、') : community.name);
    setF({ ...f, ...fillTemplate(tpl.kind, { ...tpl, area }), ends_at: f.ends_at || tpl.to });
  };
  const submit = (e) => {
    e.preventDefault();
    act.run(async () => {
      await pb.collection('notices').create({
        ...f, community: community.id,
        starts_at: f.starts_at ? fromOffice(f.starts_at) : '', ends_at: f.ends_at ? fromOffice(f.ends_at) : '',
        buildings: f.audience === 'buildings' ? f.buildings : [], units: f.audience === 'units' ? f.units : [],
      });
      toast(t('nt.posted'));
      setF(blank);
      setTpl({ kind: '', area: '', from: '', to: '', reason: '' });
      onDone();
    });
  };
  const errs = fieldErrors(act.error);
  return html`<form class="card" onSubmit=${submit} data-testid="notice-editor">
    <h2>${t('nt.new')}</h2>
    <${Field} label=${t('nt.audience')} error=${errs.buildings || errs.units}>
      <div class="choices" role="radiogroup">${['community', 'buildings', 'units'].map((a) => html`
        <label key=${a}><input type="radio" name="audience" value=${a} checked=${f.audience === a} onChange=${set('audience')} />${t('nt.aud.' + a)}</label>`)}</div>
    </${Field}>
    ${f.audience === 'buildings' && html`<div class="choices" data-testid="notice-buildings">${(buildings.data || []).map((b) => html`
      <label key=${b.id}><input type="checkbox" name="building" value=${b.id} checked=${f.buildings.includes(b.id)} onChange=${() => toggle('buildings', b.id)} />${b.name}</label>`)}</div>`}
    ${f.audience === 'units' && html`<div>
      <${Field} label=${t('nt.building')}><select name="unit-building" value=${building} onChange=${(e) => setBuilding(e.target.value)}>
        <option value=""></option>${(buildings.data || []).map((b) => html`<option value=${b.id}>${b.name}</option>`)}</select></${Field}>
      <div class="choices">${(units.data || []).map((u) => html`
        <label key=${u.id}><input type="checkbox" name="unit" value=${u.id} checked=${f.units.includes(u.id)} onChange=${() => toggle('units', u.id)} />${u.number}</label>`)}</div>
      <p class="small muted">${f.units.length} ${t('nt.unit')}</p></div>`}
    <fieldset class="tpl">
      <legend>${t('nt.template')}</legend>
      <div class="row">
        <select name="template" value=${tpl.kind} onChange=${setT('kind')} aria-label=${t('nt.template')}>
          <option value="">${t('nt.tpl.none')}</option><option value="water">${t('nt.tpl.water')}</option><option value="power">${t('nt.tpl.power')}</option></select>
        ${tpl.kind && html`
          <label>${t('nt.tpl.area')} <input name="tpl-area" value=${tpl.area} onInput=${setT('area')} /></label>
          <label>${t('nt.tpl.from')} <input type="datetime-local" name="tpl-from" value=${tpl.from} onInput=${setT('from')} /></label>
          <label>${t('nt.tpl.to')} <input type="datetime-local" name="tpl-to" value=${tpl.to} onInput=${setT('to')} /></label>
          <label>${t('nt.tpl.reason')} <input name="tpl-reason" value=${tpl.reason} onInput=${setT('reason')} /></label>
          <button type="button" class="btn" onClick=${fill} data-testid="template-fill">${t('nt.tpl.fill')}</button>`}
      </div>
    </fieldset>
    <${Field} label=${t('nt.category')}><select name="category" value=${f.category} onChange=${set('category')}>
      ${choices('notice_category').map(({ code, text }) => html`<option value=${code}>${text}</option>`)}</select></${Field}>
    <${Field} label=${t('nt.titleField')} error=${errs.title} required><input name="title" value=${f.title} onInput=${set('title')} /></${Field}>
    <${Field} label=${t('nt.body')} error=${errs.body} required><textarea name="body" rows="6" value=${f.body} onInput=${set('body')}></textarea></${Field}>
    <div class="grid2">
      <${Field} label=${t('nt.starts')} error=${errs.starts_at}><input type="datetime-local" name="starts_at" value=${f.starts_at} onInput=${set('starts_at')} /></${Field}>
      <${Field} label=${t('nt.ends')} error=${errs.ends_at}><input type="datetime-local" name="ends_at" value=${f.ends_at} onInput=${set('ends_at')} /></${Field}>
    </div>
    <label><input type="checkbox" name="pinned" checked=${f.pinned} onChange=${set('pinned')} /> ${t('nt.pinned')}</label>
    ${urgentOK && html`<label><input type="checkbox" name="urgent" checked=${f.urgent} onChange=${set('urgent')} /> ${t('nt.urgent')}</label>`}
    <${ErrorBox} error=${act.error} />
    <button class="btn primary" disabled=${act.busy}>${t('nt.post')}</button>
  </form>`;
}

function NoticeRow({ n, reach, writer }) {
  const [open, setOpen] = useState(false);
  const act = useAction();
  const state = noticeState(n);
  const patch = (body) => act.run(async () => { await pb.collection('notices').update(n.id, body); });
  return html`<li class="card" data-notice=${n.id}>
    <div class="row between">
      <div><strong>${n.title}</strong>${n.pinned ? html` <span class="chip">${t('nt.pinned')}</span>` : ''}
        <span class="chip s-muted">${label('notice_category', n.category)}</span>
        <span class=${'chip ' + (state === 'live' ? 's-ok' : 's-muted')}>${t('nt.' + state)}</span>
        <span class="chip">${t('nt.aud.' + (n.audience || 'community'))}</span>
        ${n.urgent && html`<span class="chip s-bad">${t('nt.urgentChip')}</span>`}
        ${n.announced_at ? html`<span class="small muted" data-testid="notice-announced">${t('nt.announced', { n: n.announced_count })}</span>`
          : state === 'scheduled' && html`<span class="small muted" data-testid="notice-announced">${t('nt.toAnnounce')}</span>`}</div>
      ${reach && html`<span class="small" data-testid="notice-reads">${t('nt.reads', reach)}</span>`}
    </div>
    <div class="small muted">${dateTime(n.starts_at || n.published_at)}${n.ends_at ? ' – ' + dateTime(n.ends_at) : ''}</div>
    <div class="row">
      <button type="button" class="btn link" onClick=${() => setOpen(!open)} aria-expanded=${open}>${t('nt.unread')}</button>
      <a class="btn link" href=${'#/print/notice/' + n.id}>${t('nt.print')}</a>
      ${writer && html`<button type="button" class="btn link" disabled=${act.busy} onClick=${() => patch({ pinned: !n.pinned })}>${n.pinned ? t('nt.unpin') : t('nt.pin')}</button>`}
      ${writer && state !== 'ended' && html`<button type="button" class="btn link" disabled=${act.busy} onClick=${() => patch({ ends_at: new Date().toISOString() })}>${t('nt.endNow')}</button>`}
    </div>
    <${ErrorBox} error=${act.error} />
    ${open && html`<${Unread} id=${n.id} />`}
  </li>`;
}

function Unread({ id }) {
  const d = useAsync(() => pb.send(`/api/wuye/notices/${id}/unread`, {}), [id]);
  useRealtime('notice_reads', '*', () => d.reload(), { filter: pb.filter('notice = {:n}', { n: id }) }, [id]);
  if (d.loading && !d.data) return html`<${Loading} />`;
  if (d.error) return html`<${ErrorBox} error=${d.error} retry=${d.reload} />`;
  const rows = d.data.unread;
  if (rows.length === 0) return html`<p class="muted">${t('nt.unreadNone')}</p>`;
  return html`<div data-testid="notice-unread">
    <p class="small">${t('nt.unreadHint')} · ${t('nt.reads', d.data)}</p>
    <table class="t"><thead><tr><th>${t('nt.building')}</th><th>${t('nt.unit')}</th><th>${t('nt.contacts')}</th></tr></thead>
      <tbody>${rows.map((r) => html`<tr key=${r.unit}><td>${r.building}</td><td>${r.number}</td><td>${r.contacts}</td></tr>`)}</tbody></table>
  </div>`;
}

/** PrintNotice is the notice as posted on the board: one A4 page. */
export function PrintNotice({ params }) {
  const d = useAsync(() => pb.collection('notices').getOne(params.id, { expand: 'community' }), [params.id]);
  if (d.loading && !d.data) return html`<${Loading} />`;
  if (d.error) return html`<div class="no-print"><${ErrorBox} error=${d.error} retry=${d.reload} /></div>`;
  const n = d.data;
  return html`
    <div class="no-print rect-bar">
      <a href="#/notices">${t('nt.back')}</a>
      <button type="button" class="primary" onClick=${() => window.print()}>${t('nt.print')}</button>
    </div>
    <article class="notice-print" data-testid="notice-print">
      <h1 style="text-align:center">${n.title}</h1>
      <div class="pre body" style="font-size:1.2em;line-height:1.8">${n.body}</div>
      <p style="text-align:right;margin-top:3em">${t('nt.office', { name: n.expand?.community?.name || '' })}<br />${n.starts_at ? dateTime(n.starts_at).slice(0, 10) : today()}</p>
    </article>`;
}
