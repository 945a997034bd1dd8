// A complaint's staff-only internal notes, and its full timeline with who
// did what.
import { html, useState, useMemo } from '../../core/html.js';
import { pb, fieldErrors } from '../../core/api.js';
import { t, addMessages, label } from '../../core/i18n.js';
import { dateTime } from '../../core/format.js';
import { statusLabel, fieldLabel } from '../../core/flows.js';
import { Loading, ErrorBox, Empty, Field, useAsync, useAction, toast, useSoon } from '../../core/ui.js';
import { useRealtime } from '../../core/realtime.js';

addMessages({
  'case.notes': ['内部备注', 'Internal notes'],
  'case.notesHint': ['只有员工能看到，住户永远看不到。', 'Staff only; never shown to residents.'],
  'case.noteLabel': ['新备注', 'New note'],
  'case.addNote': ['添加备注', 'Add note'],
  'case.noteAdded': ['备注已添加', 'Note added'],
  'case.noNotes': ['还没有内部备注', 'No internal notes yet'],
  'case.system': ['系统', 'System'],
  'case.resident': ['住户', 'Resident'],
  'case.ev.create': ['登记投诉', 'Registered'],
  'case.ev.update': ['修改信息', 'Details changed'],
  'case.ev.hot': ['归入热点组', 'Grouped as hot'],
  'case.ev.reopen': ['回访不满意，重新处理', 'Reopened after an unsatisfied revisit'],
  'case.ev.overdue_first_response': ['首次回应超时，已升级主管', 'First response overdue, escalated'],
  'case.ev.overdue_reply': ['答复超时，已升级主管', 'Reply overdue, escalated'],
  'case.sep': ['、', ', '],
});

/** Notes: the staff-only internal notes of a complaint (complaint_notes). */
export function Notes({ c, me }) {
  const filter = pb.filter('complaint = {:id}', { id: c.id });
  const notes = useAsync(() => pb.collection('complaint_notes').getFullList({ filter, sort: 'created', expand: 'author' }), [c.id]);
  const soon = useSoon(() => notes.reload());
  useRealtime('complaint_notes', '*', soon, { filter, onReconnect: notes.reload }, [c.id]);
  const [text, setText] = useState('');
  const act = useAction();
  const submit = async (e) => {
    e.preventDefault();
    const saved = await act.run(() => pb.collection('complaint_notes').create({ complaint: c.id, author: me.id, note: text.trim() }, { expand: 'author' }));
    if (saved) {
      setText('');
      toast(t('case.noteAdded'));
      notes.setData((l) => [...(l || []).filter((n) => n.id !== saved.id), saved]);
    }
  };
  const errs = fieldErrors(act.error);
  return html`<section class="card cp-notes" aria-labelledby="h-notes" data-testid="notes">
    <h2 id="h-notes">${t('case.notes')}</h2>
    <p class="small muted">${t('case.notesHint')}</p>
    ${notes.loading && !notes.data ? html`<${Loading} />` : notes.error ? html`<${ErrorBox} error=${notes.error} retry=${notes.reload} />`
      : notes.data.length === 0 ? html`<${Empty} text=${t('case.noNotes')} />` : html`<ul class="list cp-note-list">${notes.data.map((n) => html`<li key=${n.id}>
        <div class="cp-note"><div class="cp-pre">${n.note}</div><div class="sub">${n.expand?.author?.name || ''} · ${dateTime(n.created)}</div></div></li>`)}</ul>`}
    <form class="stack" onSubmit=${submit} novalidate aria-label=${t('case.addNote')}>
      <${Field} label=${t('case.noteLabel')} error=${errs.note}>
        <textarea name="note" maxlength="2000" rows="2" value=${text} onInput=${(e) => setText(e.target.value)}></textarea><//>
      <${ErrorBox} error=${act.error} />
      <div class="row end"><button class="primary" disabled=${act.busy || !text.trim()}>${t('case.addNote')}</button></div>
    </form>
  </section>`;
}

// --- the timeline, every event with who did it ------------------------------------

function eventText(e) {
  if (e.action === 'create') return t('case.ev.create');
  if (e.action === 'status') return e.from ? `${statusLabel('complaints', e.from)} → ${statusLabel('complaints', e.to)}` : statusLabel('complaints', e.to);
  const k = 'case.ev.' + e.action;
  return t(k) === k ? e.action : t(k);
}

function eventNote(e) {
  if (!e.note) return '';
  if (e.action === 'update') return e.note.replace(/^\[|\]$/g, '').split(/\s+/).filter(Boolean).map(fieldLabel).join(t('case.sep'));
  if (e.action === 'hot') return '';
  if (e.action === 'status' && e.to === 'revisited') return label('satisfaction', e.note) || e.note;
  return e.note;
}

function actorOf(e) {
  const s = e.expand?.actor_staff;
  if (s) return `${s.name}（${label('role', s.role)}）`;
  if (e.expand?.actor_resident) return `${e.expand.actor_resident.name}（${t('case.resident')}）`;
  if (e.actor_resident) return t('case.resident');
  if (!e.actor_staff && (e.action.startsWith('overdue_') || e.action === 'hot')) return t('case.system');
  return '';
}

export function StaffTimeline({ id, version }) {
  const ev = useAsync(() => pb.collection('events').getFullList({
    filter: pb.filter('subject_collection = "complaints" && subject_id = {:id}', { id }), sort: 'created', expand: 'actor_staff,actor_resident',
  }), [id, version]);
  const list = useMemo(() => ev.data || [], [ev.data]);
  if (ev.loading && !ev.data) return html`<${Loading} />`;
  if (ev.error) return html`<${ErrorBox} error=${ev.error} retry=${ev.reload} />`;
  if (!list.length) return html`<${Empty} />`;
  return html`<ol class="timeline cp-timeline" data-testid="timeline">${list.map((e) => {
    const note = eventNote(e);
    const who = actorOf(e);
    return html`<li key=${e.id} class=${e.action.startsWith('overdue_') ? 'over' : ''}>
      <div>${eventText(e)}${note && html` <span class="small muted cp-pre">${note}</span>`}</div>
      <div class="when">${dateTime(e.created)}${who ? ' · ' + who : ''}</div>
    </li>`;
  })}</ol>`;
}
