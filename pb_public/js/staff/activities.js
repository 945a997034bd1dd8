// Community activities (社区文化活动, 恳谈会, [000] 管理员 4.10): announce one
// with its start and places, see who signed up (live), and mark who came.
import { html, useState } from '../core/html.js';
import { pb, fieldErrors } from '../core/api.js';
import { t, addMessages } from '../core/i18n.js';
import { dateTime, fromOffice } from '../core/format.js';
import { Loading, ErrorBox, Empty, Field, useAsync, useAction, toast } from '../core/ui.js';
import { useRealtime } from '../core/realtime.js';

addMessages({
  'act.title': ['社区活动', 'Community activities'],
  'act.new': ['发布活动', 'Announce an activity'],
  'act.titleField': ['名称', 'Title'],
  'act.kind': ['类型', 'Kind'],
  'act.kind.culture': ['文化活动', 'Cultural activity'],
  'act.kind.forum': ['业主恳谈会', "Owners' forum"],
  'act.kind.other': ['其他', 'Other'],
  'act.place': ['地点', 'Place'],
  'act.starts': ['开始时间', 'Starts at'],
  'act.capacity': ['名额', 'Places'],
  'act.description': ['介绍', 'Description'],
  'act.post': ['发布', 'Announce'],
  'act.posted': ['活动已发布', 'Activity announced'],
  'act.signups': ['已报名 {n}/{cap}', '{n} of {cap} signed up'],
  'act.attended': ['到场', 'Came'],
  'act.who': ['报名人', 'Resident'],
  'act.note': ['备注', 'Note'],
  'act.list': ['报名名单', 'Sign-ups'],
  'act.came': ['到场 {n} 人', '{n} came'],
});

const ORGANISERS = ['front_desk', 'area_manager', 'supervisor', 'director'];

export function Activities({ me, community }) {
  const c = community.id;
  const list = useAsync(() => pb.collection('activities').getFullList({ filter: pb.filter('community = {:c}', { c }), sort: '-starts_at' }), [c]);
  useRealtime('activities', '*', () => list.reload(), { filter: pb.filter('community = {:c}', { c }), onReconnect: list.reload }, [c]);
  return html`<div class="activities-screen">
    <h1>${t('act.title')}</h1>
    ${ORGANISERS.includes(me.role) && html`<${NewActivity} community=${community} onDone=${list.reload} />`}
    ${list.loading && !list.data ? html`<${Loading} />` : list.error ? html`<${ErrorBox} error=${list.error} retry=${list.reload} />`
    : list.data.length === 0 ? html`<${Empty} />`
    : html`<ul class="list">${list.data.map((a) => html`<${ActivityCard} key=${a.id} a=${a} organiser=${ORGANISERS.includes(me.role)} />`)}</ul>`}
  </div>`;
}

function NewActivity({ community, onDone }) {
  const blank = { title: '', kind: 'culture', place: '', starts_at: '', capacity: 30, description: '' };
  const [f, setF] = useState(blank);
  const act = useAction();
  const set = (k) => (e) => setF({ ...f, [k]: e.target.value });
  const submit = (e) => {
    e.preventDefault();
    act.run(async () => {
      await pb.collection('activities').create({ ...f, community: community.id, capacity: Number(f.capacity), starts_at: f.starts_at ? fromOffice(f.starts_at) : '' });
      toast(t('act.posted'));
      setF(blank);
      onDone();
    });
  };
  const errs = fieldErrors(act.error);
  return html`<form class="card" onSubmit=${submit} data-testid="activity-editor">
    <h2>${t('act.new')}</h2>
    <${Field} label=${t('act.titleField')} error=${errs.title} required><input name="title" value=${f.title} onInput=${set('title')} /></${Field}>
    <div class="grid2">
      <${Field} label=${t('act.kind')}><select name="kind" value=${f.kind} onChange=${set('kind')}>
        ${['culture', 'forum', 'other'].map((k) => html`<option value=${k}>${t('act.kind.' + k)}</option>`)}</select></${Field}>
      <${Field} label=${t('act.place')}><input name="place" value=${f.place} onInput=${set('place')} /></${Field}>
      <${Field} label=${t('act.starts')} error=${errs.starts_at} required><input type="datetime-local" name="starts_at" value=${f.starts_at} onInput=${set('starts_at')} /></${Field}>
      <${Field} label=${t('act.capacity')} error=${errs.capacity} required><input type="number" min="1" name="capacity" value=${f.capacity} onInput=${set('capacity')} /></${Field}>
    </div>
    <${Field} label=${t('act.description')}><textarea name="description" rows="2" value=${f.description} onInput=${set('description')}></textarea></${Field}>
    <${ErrorBox} error=${act.error} />
    <button class="btn primary" disabled=${act.busy}>${t('act.post')}</button>
  </form>`;
}

function ActivityCard({ a, organiser }) {
  const [open, setOpen] = useState(false);
  const signups = useAsync(() => pb.collection('activity_signups').getFullList({ filter: pb.filter('activity = {:a}', { a: a.id }), expand: 'resident,unit.building', sort: 'created' }), [a.id]);
  useRealtime('activity_signups', '*', () => signups.reload(), { filter: pb.filter('activity = {:a}', { a: a.id }) }, [a.id]);
  const act = useAction();
  const mark = (s, attended) => act.run(async () => { await pb.collection('activity_signups').update(s.id, { attended }); signups.reload(); });
  const rows = signups.data || [];
  return html`<li class="card" data-activity=${a.id}>
    <div class="row between"><div><strong>${a.title}</strong> <span class="chip s-muted">${t('act.kind.' + a.kind)}</span></div>
      <span class="small">${t('act.signups', { n: rows.length, cap: a.capacity })} · ${t('act.came', { n: rows.filter((s) => s.attended).length })}</span></div>
    <div class="small muted">${dateTime(a.starts_at)} · ${a.place}</div>
    <button type="button" class="btn link" aria-expanded=${open} onClick=${() => setOpen(!open)}>${t('act.list')}</button>
    ${open && html`<table class="t"><thead><tr><th>${t('act.who')}</th><th>${t('act.note')}</th><th>${t('act.attended')}</th></tr></thead>
      <tbody>${rows.map((s) => html`<tr key=${s.id}>
        <td>${s.expand?.resident?.name || ''} ${s.expand?.unit ? (s.expand.unit.expand?.building?.name || '') + ' ' + s.expand.unit.number : ''}</td>
        <td>${s.note}</td>
        <td><input type="checkbox" aria-label=${t('act.attended')} checked=${s.attended} disabled=${!organiser || act.busy} onChange=${(e) => mark(s, e.target.checked)} /></td></tr>`)}</tbody></table>`}
    <${ErrorBox} error=${act.error} />
  </li>`;
}
