// Surveys and community activities on the portal ([000] 管理员 4.6.2, 4.10):
// the open surveys put to the chosen unit's household — one answer per
// household, so the others see that theirs has answered —, and the
// community's activities, with sign-up while places are left and
// cancellation before the start.
import { html, useState } from '../core/html.js';
import { pb, fieldErrors } from '../core/api.js';
import { t, addMessages } from '../core/i18n.js';
import { dateTime } from '../core/format.js';
import { Loading, ErrorBox, Empty, useAsync, useAction, toast } from '../core/ui.js';
import { useRealtime } from '../core/realtime.js';

addMessages({
  'psv.title': ['问卷调查', 'Surveys'],
  'psv.none': ['暂无进行中的调查', 'No survey open'],
  'psv.answered': ['您家已填写过这份调查，感谢参与', 'Your household has already answered this survey. Thank you!'],
  'psv.open': ['填写', 'Answer'],
  'psv.closed': ['已结束', 'Closed'],
  'psv.submit': ['提交', 'Submit'],
  'psv.thanks': ['提交成功，感谢您的参与', 'Thank you for your answers'],
  'psv.required': ['必答', 'required'],
  'psv.back': ['全部调查', 'All surveys'],
  'psv.forUnit': ['代表 {unit} 填写（每户一份）', 'Answering for {unit} (one per household)'],
  'pact.title': ['社区活动', 'Community activities'],
  'pact.none': ['暂无活动', 'No activities'],
  'pact.places': ['已报名 {n}/{cap}', '{n} of {cap} places taken'],
  'pact.signUp': ['报名', 'Sign up'],
  'pact.cancel': ['取消报名', 'Cancel my sign-up'],
  'pact.signedUp': ['您已报名', 'You are signed up'],
  'pact.done': ['报名成功', 'Signed up'],
  'pact.cancelled': ['已取消报名', 'Sign-up cancelled'],
  'pact.full': ['名额已满', 'Full'],
  'pact.started': ['活动已开始', 'Started'],
  'pact.note': ['备注（如同行人数）', 'Note (e.g. who comes with you)'],
});

export function SurveyList({ unit }) {
  const list = useAsync(() => pb.collection('surveys').getFullList({ filter: pb.filter('community = {:c} && status != "draft"', { c: unit.community }), sort: '-opened_at' }), [unit.community]);
  const mine = useAsync(() => pb.collection('survey_responses').getFullList({ filter: pb.filter('unit = {:u}', { u: unit.id }), fields: 'survey' }), [unit.id]);
  useRealtime('surveys', '*', () => list.reload(), { onReconnect: list.reload }, [unit.community]);
  const answered = new Set((mine.data || []).map((r) => r.survey));
  if (list.loading && !list.data) return html`<${Loading} />`;
  if (list.error) return html`<${ErrorBox} error=${list.error} retry=${list.reload} />`;
  return html`<h1>${t('psv.title')}</h1>
    <div class="card" data-testid="survey-list">${list.data.length === 0 ? html`<${Empty} text=${t('psv.none')} />` : html`
      <ul class="list">${list.data.map((s) => html`<li key=${s.id}><a class="item" href=${'#/surveys/' + s.id}><div class="main">
        <div class="t">${s.title}</div>
        <div class="sub">${s.status === 'closed' ? t('psv.closed') : answered.has(s.id) ? t('psv.answered') : t('psv.open')}</div>
      </div></a></li>`)}</ul>`}</div>`;
}

export function SurveyForm({ params, unit }) {
  const s = useAsync(() => pb.collection('surveys').getOne(params.id), [params.id]);
  const mine = useAsync(() => pb.collection('survey_responses').getList(1, 1, { filter: pb.filter('survey = {:s} && unit = {:u}', { s: params.id, u: unit.id }) }), [params.id, unit.id]);
  const [answers, setAnswers] = useState({});
  const [done, setDone] = useState(false);
  const act = useAction();
  if ((s.loading && !s.data) || (mine.loading && !mine.data)) return html`<${Loading} />`;
  if (s.error) return html`<p><a href="#/surveys">← ${t('psv.back')}</a></p><${ErrorBox} error=${s.error} retry=${s.reload} />`;
  const survey = s.data;
  const already = done || (mine.data?.totalItems || 0) > 0;
  const set = (id, v) => setAnswers({ ...answers, [id]: v });
  const toggle = (id, o) => { const cur = answers[id] || []; set(id, cur.includes(o) ? cur.filter((x) => x !== o) : [...cur, o]); };
  const submit = (e) => {
    e.preventDefault();
    act.run(async () => {
      await pb.collection('survey_responses').create({ survey: survey.id, unit: unit.id, resident: pb.authStore.record.id, answers });
      toast(t('psv.thanks'));
      setDone(true);
    });
  };
  const errs = fieldErrors(act.error);
  return html`<p><a href="#/surveys">← ${t('psv.back')}</a></p>
    <article class="card" data-testid="survey-form">
      <h1>${survey.title}</h1>
      ${survey.intro && html`<p class="pre">${survey.intro}</p>`}
      ${already ? html`<p class="ok" role="status" data-testid="survey-answered">${t('psv.answered')}</p>`
      : survey.status !== 'open' ? html`<p class="muted">${t('psv.closed')}</p>`
      : html`<form onSubmit=${submit}>
        <p class="small muted">${t('psv.forUnit', { unit: unit.expand?.building?.name + ' ' + unit.number })}</p>
        <ol>${(survey.questions || []).map((q) => html`<li key=${q.id} class="sv-q"><fieldset>
          <legend>${q.title}${q.required ? html` <span class="small muted">(${t('psv.required')})</span>` : ''}</legend>
          ${q.type === 'rating' ? html`<div class="choices" role="radiogroup">${[1, 2, 3, 4, 5].map((v) => html`
            <label key=${v}><input type="radio" name=${q.id} value=${v} checked=${answers[q.id] === v} onChange=${() => set(q.id, v)} />${v}</label>`)}</div>`
          : q.type === 'single' ? html`<div class="choices" role="radiogroup">${q.options.map((o) => html`
            <label key=${o}><input type="radio" name=${q.id} value=${o} checked=${answers[q.id] === o} onChange=${() => set(q.id, o)} />${o}</label>`)}</div>`
          : q.type === 'multiple' ? html`<div class="choices">${q.options.map((o) => html`
            <label key=${o}><input type="checkbox" name=${q.id} value=${o} checked=${(answers[q.id] || []).includes(o)} onChange=${() => toggle(q.id, o)} />${o}</label>`)}</div>`
          : html`<textarea name=${q.id} rows="3" maxlength="1000" value=${answers[q.id] || ''} onInput=${(e) => set(q.id, e.target.value)}></textarea>`}
        </fieldset></li>`)}</ol>
        ${(errs.answers || errs.unit) && html`<p class="error" role="alert">${errs.answers || errs.unit}</p>`}
        <${ErrorBox} error=${act.error} />
        <button class="btn primary" disabled=${act.busy}>${t('psv.submit')}</button>
      </form>`}
    </article>`;
}

export function ActivityList({ me, unit }) {
  const list = useAsync(() => pb.collection('activities').getFullList({ filter: pb.filter('community = {:c}', { c: unit.community }), sort: '-starts_at' }), [unit.community]);
  const mine = useAsync(() => pb.collection('activity_signups').getFullList({ filter: pb.filter('resident = {:r}', { r: me.id }) }), [me.id]);
  useRealtime('activities', '*', () => list.reload(), { onReconnect: list.reload }, [unit.community]);
  if (list.loading && !list.data) return html`<${Loading} />`;
  if (list.error) return html`<${ErrorBox} error=${list.error} retry=${list.reload} />`;
  const signups = Object.fromEntries((mine.data || []).map((s) => [s.activity, s]));
  return html`<h1>${t('pact.title')}</h1>
    <div data-testid="activity-list">${list.data.length === 0 ? html`<div class="card"><${Empty} text=${t('pact.none')} /></div>`
    : list.data.map((a) => html`<${ActivityItem} key=${a.id} a=${a} unit=${unit} signup=${signups[a.id]} onDone=${mine.reload} />`)}</div>`;
}

function ActivityItem({ a, unit, signup, onDone }) {
  const [note, setNote] = useState('');
  const act = useAction();
  const started = new Date(a.starts_at.replace(' ', 'T')) <= new Date();
  const signUp = () => act.run(async () => {
    await pb.collection('activity_signups').create({ activity: a.id, resident: pb.authStore.record.id, unit: unit.id, note });
    toast(t('pact.done'));
    onDone();
  });
  const cancel = () => act.run(async () => {
    await pb.collection('activity_signups').delete(signup.id);
    toast(t('pact.cancelled'));
    onDone();
  });
  return html`<article class="card" data-activity=${a.id}>
    <h2>${a.title}</h2>
    <p class="small muted">${dateTime(a.starts_at)} · ${a.place}</p>
    ${a.description && html`<p class="pre">${a.description}</p>`}
    ${signup ? html`<p class="row"><span class="chip s-ok" data-testid="signed-up">${t('pact.signedUp')}</span>
        ${!started && html`<button type="button" class="btn" disabled=${act.busy} onClick=${cancel}>${t('pact.cancel')}</button>`}</p>`
    : started ? html`<p class="muted">${t('pact.started')}</p>`
    : html`<div class="row"><input name="note" placeholder=${t('pact.note')} aria-label=${t('pact.note')} maxlength="200" value=${note} onInput=${(e) => setNote(e.target.value)} />
        <button type="button" class="btn primary" disabled=${act.busy} onClick=${signUp}>${t('pact.signUp')}</button></div>`}
    <${ErrorBox} error=${act.error} />
  </article>`;
}
