// The notice board (公告): what the office posts for the chosen unit's
// community — those aimed at the resident's buildings or units, once
// started and until they end (the server's read rule) —, pinned ones first
// and then the newest; new posts appear live. Opening one marks it read.
import { html, useState, useEffect } from '../core/html.js';
import { pb } from '../core/api.js';
import { t, addMessages, label, choices } from '../core/i18n.js';
import { Loading, ErrorBox, Empty, useAsync, When } from '../core/ui.js';
import { useRealtime } from '../core/realtime.js';

addMessages({
  'notices.title': ['社区公告', 'Notices'],
  'notices.all': ['全部', 'All'],
  'notices.filter': ['按类别筛选', 'Filter by category'],
  'notices.pinned': ['置顶', 'Pinned'],
  'notices.more': ['加载更多', 'Load more'],
  'notices.count': ['共 {n} 条', '{n} in all'],
  'notices.none': ['暂无公告', 'No notices yet'],
  'notices.published': ['发布时间', 'Published'],
  'notices.category': ['类别', 'Category'],
  'notices.back': ['全部公告', 'All notices'],
  'notices.surveys': ['问卷调查', 'Surveys'],
  'notices.activities': ['社区活动', 'Activities'],
});

const PAGE = 20;

/** excerpt: the first line of a notice, cut to fit one list row. */
const excerpt = (body) => {
  const s = String(body || '').replace(/\s+/g, ' ').trim();
  return s.length > 60 ? s.slice(0, 60) + '…' : s;
};

export function NoticeList({ unit }) {
  const [category, setCategory] = useState('');
  const [pages, setPages] = useState(1);
  const filter = category
    ? pb.filter('community = {:c} && category = {:k}', { c: unit.community, k: category })
    : pb.filter('community = {:c}', { c: unit.community });
  const list = useAsync(() => pb.collection('notices').getList(1, PAGE * pages, { filter, sort: '-pinned,-starts_at' }), [filter, pages]);
  useRealtime('notices', '*', () => list.reload(), { filter: pb.filter('community = {:c}', { c: unit.community }), onReconnect: list.reload }, [unit.community]);
  const pick = (code) => { setCategory(code); setPages(1); };
  const cats = [{ code: '', text: t('notices.all') }, ...choices('notice_category')];
  return html`
    <h1>${t('notices.title')}</h1>
    <p class="row"><a class="btn" href="#/surveys">${t('notices.surveys')}</a> <a class="btn" href="#/activities">${t('notices.activities')}</a></p>
    <div class="choices notice-filter" role="radiogroup" aria-label=${t('notices.filter')}>${cats.map((c) => html`
      <label key=${c.code || 'all'}><input type="radio" name="notice-category" value=${c.code} checked=${category === c.code} onChange=${() => pick(c.code)} />${c.text}</label>`)}</div>
    <div class="card" data-testid="notice-list">
      ${list.loading && !list.data ? html`<${Loading} />` : list.error && !list.data ? html`<${ErrorBox} error=${list.error} retry=${list.reload} />`
        : list.data.items.length === 0 ? html`<${Empty} text=${t('notices.none')} />` : html`
        <ul class="list">${list.data.items.map((n) => html`<li key=${n.id}>
          <a class="item" href=${'#/notices/' + n.id}>
            <div class="main">
              <div class="t">${n.pinned ? html`<span class="chip s-warn">${t('notices.pinned')}</span> ` : ''}${n.title}</div>
              <div class="sub">${label('notice_category', n.category)} · <${When} v=${n.starts_at || n.published_at} day /></div>
              <div class="sub excerpt">${excerpt(n.body)}</div>
            </div>
          </a></li>`)}</ul>
        ${list.error && html`<${ErrorBox} error=${list.error} retry=${list.reload} />`}
        <div class="row between small muted"><span>${t('notices.count', { n: list.data.totalItems })}</span>
          ${list.data.totalItems > list.data.items.length && html`<button type="button" disabled=${list.loading} onClick=${() => setPages(pages + 1)}>${list.loading ? t('loading') : t('notices.more')}</button>`}</div>`}
    </div>`;
}

export function NoticeDetail({ params, units }) {
  const rec = useAsync(() => pb.collection('notices').getOne(params.id), [params.id]);
  useRealtime('notices', params.id, (e) => { if (e.action === 'update') rec.setData(e.record); }, { onReconnect: rec.reload });
  // The read receipt: once per resident, however often it is opened.
  useEffect(() => { if (rec.data) pb.send(`/api/wuye/notices/${params.id}/read`, { method: 'POST' }).catch(() => {}); }, [rec.data?.id]);
  if (rec.loading && !rec.data) return html`<${Loading} />`;
  if (rec.error && !rec.data) return html`<p><a href="#/notices">← ${t('notices.back')}</a></p><${ErrorBox} error=${rec.error} retry=${rec.reload} />`;
  const n = rec.data;
  // A resident linked to units in two communities may open the other board's notice from a link.
  const from = (units || []).find((u) => u.community === n.community)?.expand?.community?.name;
  return html`
    <p><a href="#/notices">← ${t('notices.back')}</a></p>
    <article class="card notice" aria-labelledby="notice-title">
      <div class="row">${n.pinned && html`<span class="chip s-warn">${t('notices.pinned')}</span>`}<span class="chip s-muted">${label('notice_category', n.category)}</span></div>
      <h1 id="notice-title">${n.title}</h1>
      <p class="small muted">${t('notices.published')} <${When} v=${n.starts_at || n.published_at} />${from ? ' · ' + from : ''}</p>
      <div class="pre body">${n.body}</div>
    </article>`;
}
