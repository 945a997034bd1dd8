// Surveys (征询意见调查表, [000] 管理员 4.6.2; the annual satisfaction survey,
// [002] 三 3.4): the builder — single and multiple choice, 1–5 ratings,
// text — for the households of the community or some buildings; opened and
// closed by the flow's steps; the results against the 70 % return target,
// as charts (ECharts, loaded when shown) and a sheet.
import { html, useState, useEffect, useRef } from '../core/html.js';
import { pb, fieldErrors } from '../core/api.js';
import { t, lang, addMessages } from '../core/i18n.js';
import { dateTime } from '../core/format.js';
import { stepsFrom, statusLabel, stepVerb } from '../core/flows.js';
import { Loading, ErrorBox, Empty, Field, Status, useAsync, useAction, toast } from '../core/ui.js';
import { useRealtime } from '../core/realtime.js';

addMessages({
  'sv.title': ['调查问卷', 'Surveys'],
  'sv.new': ['新建调查', 'New survey'],
  'sv.titleField': ['标题', 'Title'],
  'sv.intro': ['说明', 'Introduction'],
  'sv.kind': ['类型', 'Kind'],
  'sv.kind.general': ['征询意见', 'Consultation'],
  'sv.kind.satisfaction': ['年度满意度调查（计入看板）', 'Annual satisfaction (on the dashboard)'],
  'sv.audience': ['调查对象', 'Audience'],
  'sv.aud.community': ['全小区住户', 'Every household'],
  'sv.aud.buildings': ['指定楼栋住户', 'Households of some buildings'],
  'sv.questions': ['问题', 'Questions'],
  'sv.addQuestion': ['添加问题', 'Add a question'],
  'sv.qTitle': ['题目', 'Question'],
  'sv.qType': ['题型', 'Type'],
  'sv.type.single': ['单选', 'Single choice'],
  'sv.type.multiple': ['多选', 'Multiple choice'],
  'sv.type.rating': ['评分（1–5）', 'Rating (1–5)'],
  'sv.type.text': ['文字', 'Text'],
  'sv.options': ['选项（每行一个）', 'Options (one a line)'],
  'sv.required': ['必答', 'Required'],
  'sv.remove': ['删除', 'Remove'],
  'sv.save': ['保存草稿', 'Save the draft'],
  'sv.saved': ['调查已保存为草稿', 'Survey saved as a draft'],
  'sv.results': ['结果', 'Results'],
  'sv.return': ['回收 {n}/{h} 户，回收率 {rate}（目标 ≥ {target}）', '{n} of {h} households answered: {rate} (target ≥ {target})'],
  'sv.below': ['未达标', 'below target'],
  'sv.avg': ['平均 {v} 分', 'average {v}'],
  'sv.answered': ['{n} 户作答', '{n} answered'],
  'sv.export': ['导出 Excel', 'Export (.xlsx)'],
  'sv.noQuestions': ['还没有问题', 'No questions yet'],
});

const pct = (v) => (v === null || v === undefined ? '—' : Math.round(v * 1000) / 10 + '%');
const RUNNERS = ['front_desk', 'area_manager', 'supervisor', 'director'];

export function Surveys({ me, community }) {
  const c = community.id;
  const list = useAsync(() => pb.collection('surveys').getFullList({ filter: pb.filter('community = {:c}', { c }), sort: '-created' }), [c]);
  useRealtime('surveys', '*', () => list.reload(), { filter: pb.filter('community = {:c}', { c }), onReconnect: list.reload }, [c]);
  return html`<div class="surveys-screen">
    <h1>${t('sv.title')}</h1>
    ${RUNNERS.includes(me.role) && html`<${Builder} community=${community} onDone=${list.reload} />`}
    ${list.loading && !list.data ? html`<${Loading} />` : list.error ? html`<${ErrorBox} error=${list.error} retry=${list.reload} />`
    : list.data.length === 0 ? html`<${Empty} />`
    : html`<ul class="list">${list.data.map((s) => html`<${SurveyCard} key=${s.id} s=${s} me=${me} onDone=${list.reload} />`)}</ul>`}
  </div>`;
}

let seq = 0;
const newQuestion = () => ({ key: ++seq, type: 'rating', title: '', options: '', required: true });

/** Builder drafts a survey; the server checks the questions again. */
function Builder({ community, onDone }) {
  const blank = () => ({ title: '', intro: '', kind: 'general', audience: 'community', buildings: [], questions: [newQuestion()] });
  const [f, setF] = useState(blank);
  const act = useAction();
  const buildings = useAsync(() => pb.collection('buildings').getFullList({ filter: pb.filter('community = {:c}', { c: community.id }), sort: 'code' }), [community.id]);
  const set = (k) => (e) => setF({ ...f, [k]: e.target.value });
  const setQ = (i, k) => (e) => {
    const qs = f.questions.slice();
    qs[i] = { ...qs[i], [k]: e.target.type === 'checkbox' ? e.target.checked : e.target.value };
    setF({ ...f, questions: qs });
  };
  const submit = (e) => {
    e.preventDefault();
    act.run(async () => {
      const questions = f.questions.map((q, i) => ({
        id: 'q' + (i + 1), type: q.type, title: q.title.trim(), required: q.required,
        ...(q.type === 'single' || q.type === 'multiple' ? { options: q.options.split('\n').map((o) => o.trim()).filter(Boolean) } : {}),
      }));
      await pb.collection('surveys').create({ community: community.id, title: f.title, intro: f.intro, kind: f.kind, audience: f.audience,
        buildings: f.audience === 'buildings' ? f.buildings : [], questions });
      toast(t('sv.saved'));
      setF(blank());
      onDone();
    });
  };
  const errs = fieldErrors(act.error);
  return html`<form class="card" onSubmit=${submit} data-testid="survey-builder">
    <h2>${t('sv.new')}</h2>
    <${Field} label=${t('sv.titleField')} error=${errs.title} required><input name="title" value=${f.title} onInput=${set('title')} /></${Field}>
    <${Field} label=${t('sv.intro')}><textarea name="intro" rows="2" value=${f.intro} onInput=${set('intro')}></textarea></${Field}>
    <div class="grid2">
      <${Field} label=${t('sv.kind')}><select name="kind" value=${f.kind} onChange=${set('kind')}>
        <option value="general">${t('sv.kind.general')}</option><option value="satisfaction">${t('sv.kind.satisfaction')}</option></select></${Field}>
      <${Field} label=${t('sv.audience')} error=${errs.buildings}><select name="audience" value=${f.audience} onChange=${set('audience')}>
        <option value="community">${t('sv.aud.community')}</option><option value="buildings">${t('sv.aud.buildings')}</option></select></${Field}>
    </div>
    ${f.audience === 'buildings' && html`<div class="choices">${(buildings.data || []).map((b) => html`
      <label key=${b.id}><input type="checkbox" checked=${f.buildings.includes(b.id)}
        onChange=${() => setF({ ...f, buildings: f.buildings.includes(b.id) ? f.buildings.filter((x) => x !== b.id) : [...f.buildings, b.id] })} />${b.name}</label>`)}</div>`}
    <fieldset><legend>${t('sv.questions')}</legend>
      ${errs.questions && html`<p class="error" role="alert">${errs.questions}</p>`}
      <ol>${f.questions.map((q, i) => html`<li key=${q.key} class="sv-q">
        <div class="row">
          <input name=${'q-title-' + i} placeholder=${t('sv.qTitle')} aria-label=${t('sv.qTitle')} value=${q.title} onInput=${setQ(i, 'title')} />
          <select name=${'q-type-' + i} aria-label=${t('sv.qType')} value=${q.type} onChange=${setQ(i, 'type')}>
            ${['single', 'multiple', 'rating', 'text'].map((k) => html`<option value=${k}>${t('sv.type.' + k)}</option>`)}</select>
          <label><input type="checkbox" checked=${q.required} onChange=${setQ(i, 'required')} /> ${t('sv.required')}</label>
          <button type="button" class="btn link" onClick=${() => setF({ ...f, questions: f.questions.filter((_, j) => j !== i) })}>${t('sv.remove')}</button>
        </div>
        ${(q.type === 'single' || q.type === 'multiple') && html`<textarea name=${'q-options-' + i} rows="3" placeholder=${t('sv.options')}
          aria-label=${t('sv.options')} value=${q.options} onInput=${setQ(i, 'options')}></textarea>`}
      </li>`)}</ol>
      <button type="button" class="btn" onClick=${() => setF({ ...f, questions: [...f.questions, newQuestion()] })}>${t('sv.addQuestion')}</button>
    </fieldset>
    <${ErrorBox} error=${act.error} />
    <button class="btn primary" disabled=${act.busy}>${t('sv.save')}</button>
  </form>`;
}

function SurveyCard({ s, me, onDone }) {
  const [open, setOpen] = useState(s.status !== 'draft');
  const act = useAction();
  const steps = stepsFrom('surveys', s.status, [me.role]);
  const step = (to) => act.run(async () => {
    await pb.collection('surveys').update(s.id, { status: to });
    toast(statusLabel('surveys', to));
    onDone();
  });
  return html`<li class="card" data-survey=${s.id}>
    <div class="row between"><div><strong>${s.title}</strong> <${Status} col="surveys" code=${s.status} />
      ${s.kind === 'satisfaction' && html` <span class="chip s-warn">${t('sv.kind.satisfaction')}</span>`}</div>
      <span class="small muted">${dateTime(s.opened_at || s.created)}</span></div>
    <div class="row">${steps.map((st) => html`<button key=${st.to} class="btn primary" disabled=${act.busy} data-step=${st.to}
      onClick=${() => step(st.to)}>${stepVerb('surveys', st)}</button>`)}
      ${s.status !== 'draft' && html`<button type="button" class="btn link" aria-expanded=${open} onClick=${() => setOpen(!open)}>${t('sv.results')}</button>`}</div>
    <${ErrorBox} error=${act.error} />
    ${open && s.status !== 'draft' && html`<${Results} s=${s} />`}
    ${s.status === 'draft' && html`<ol class="small">${(s.questions || []).map((q) => html`<li key=${q.id}>${q.title} (${t('sv.type.' + q.type)})</li>`)}</ol>`}
  </li>`;
}

function Results({ s }) {
  const d = useAsync(() => pb.send(`/api/wuye/surveys/${s.id}/results`, {}), [s.id]);
  useRealtime('survey_responses', '*', () => d.reload(), { filter: pb.filter('survey = {:s}', { s: s.id }) }, [s.id]);
  const act = useAction();
  const exportSheet = () => act.run(async () => {
    const res = await fetch(`/api/wuye/surveys/${s.id}/export`, { headers: { Authorization: pb.authStore.token, 'Accept-Language': lang() } });
    if (!res.ok) throw new Error((await res.json().catch(() => ({}))).message || t('err.unknown'));
    const url = URL.createObjectURL(await res.blob());
    const a = document.createElement('a');
    a.href = url;
    a.download = `${s.title}.xlsx`;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  });
  if (d.loading && !d.data) return html`<${Loading} />`;
  if (d.error) return html`<${ErrorBox} error=${d.error} retry=${d.reload} />`;
  const r = d.data;
  const low = r.return_rate !== null && r.return_rate < r.target;
  return html`<div class="sv-results" data-testid="survey-results">
    <p><strong data-testid="survey-return">${t('sv.return', { n: r.responses, h: r.households, rate: pct(r.return_rate), target: pct(r.target) })}</strong>
      ${low && html` <span class="chip s-overdue">${t('sv.below')}</span>`}</p>
    ${r.questions.map((q) => html`<section key=${q.id}>
      <h4>${q.title} <span class="small muted">${t('sv.answered', { n: q.answered })}${q.average ? ' · ' + t('sv.avg', { v: q.average }) : ''}</span></h4>
      ${q.type === 'text' ? html`<ul class="small">${(q.texts || []).map((x, i) => html`<li key=${i}>${x}</li>`)}</ul>`
      : html`<${BarChart} counts=${q.counts} keys=${q.type === 'rating' ? ['1', '2', '3', '4', '5'] : q.options} />`}
    </section>`)}
    <button type="button" class="btn" disabled=${act.busy} onClick=${exportSheet}>${t('sv.export')}</button>
    <${ErrorBox} error=${act.error} />
  </div>`;
}

/** BarChart draws one question's counts with ECharts (imported when first shown), with the numbers as text beside. */
function BarChart({ counts, keys }) {
  const el = useRef(null);
  const chart = useRef(null);
  const [ready, setReady] = useState(false);
  useEffect(() => {
    let gone = false;
    import('echarts').then((echarts) => {
      if (gone || !el.current) return;
      chart.current = echarts.init(el.current, null, { renderer: 'canvas' });
      setReady(true);
    }).catch(() => {});
    return () => { gone = true; chart.current?.dispose(); chart.current = null; };
  }, []);
  useEffect(() => {
    chart.current?.setOption({
      grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true }, animationDuration: 300,
      xAxis: { type: 'value', minInterval: 1 }, yAxis: { type: 'category', data: keys, inverse: true },
      series: [{ type: 'bar', data: keys.map((k) => counts[k] || 0), label: { show: true, position: 'right' } }],
    }, true);
  }, [counts, keys, ready]);
  return html`<div>
    <div class="sv-chart" ref=${el} style=${{ height: Math.max(80, keys.length * 28) + 'px' }} role="img" aria-label=${keys.map((k) => `${k}: ${counts[k] || 0}`).join(', ')}></div>
  </div>`;
}
