// Excel import (#/imports, 导入, docs/DESIGN.md § Registry "Import"): pick
// what to import, download its template (or the sample estate), drop the
// filled file, run the dry run and read its report — every problem by row
// and column — and only then apply it, which the page allows once the dry
// run of that very file found nothing wrong. Below, the community's past
// imports (import_batches) with their files.
import { html, useState, useRef } from '../core/html.js';
import { pb, errorText, fileUrls } from '../core/api.js';
import { t, lang, addMessages } from '../core/i18n.js';
import { Loading, ErrorBox, Empty, When, useAsync, toast } from '../core/ui.js';

addMessages({
  'imp.title': ['导入', 'Import'],
  'imp.intro': ['按顺序导入：楼栋 → 房屋 → 住户 → 车位 → 期初欠费 → 抄表读数。先下载模板填写，再“试导入”查看报告；没有错误才能导入，有一处错误就一行都不会写入。同一文件再次导入不会重复。',
    'Import in order: buildings → units → residents → parking → opening arrears → meter readings. Fill in the template, run a dry run and read its report; the import is allowed only without errors, and any error writes nothing. Importing the same file again changes nothing.'],
  'imp.kind': ['导入内容', 'What to import'],
  'imp.kind.buildings': ['楼栋', 'Buildings'],
  'imp.kind.units': ['房屋', 'Units'],
  'imp.kind.residents': ['住户', 'Residents'],
  'imp.kind.parking': ['车位', 'Parking spaces'],
  'imp.kind.opening_arrears': ['期初欠费', 'Opening arrears'],
  'imp.kind.meter_readings': ['抄表读数', 'Meter readings'],
  'imp.template': ['下载模板', 'Download template'],
  'imp.sample': ['下载示例数据', 'Download sample data'],
  'imp.drop': ['把 .xlsx 或 .csv 文件拖到这里，或点击选择文件', 'Drop an .xlsx or .csv file here, or click to choose one'],
  'imp.chosen': ['已选择：{name}（{size} KB）', 'Chosen: {name} ({size} KB)'],
  'imp.badType': ['请选择 .xlsx 或 .csv 文件', 'Choose an .xlsx or .csv file'],
  'imp.tooBig': ['文件超过 10 MB：请按楼栋分成几个文件', 'The file is over 10 MB: split it by building'],
  'imp.dryRun': ['试导入', 'Dry run'],
  'imp.apply': ['导入', 'Import'],
  'imp.applyHint': ['试导入没有错误后才能导入', 'Import is possible once a dry run finds no errors'],
  'imp.uploading': ['正在上传 {pct}%', 'Uploading {pct}%'],
  'imp.checking': ['正在检查…', 'Checking…'],
  'imp.report': ['试导入报告', 'Dry-run report'],
  'imp.applied': ['导入结果', 'Import result'],
  'imp.refused': ['未导入：文件有错误', 'Not imported: the file has errors'],
  'imp.summary': ['共 {rows} 行：新增 {create}，更新 {update}，未变 {unchanged}，错误 {errors}', '{rows} rows: create {create}, update {update}, unchanged {unchanged}, errors {errors}'],
  'imp.done': ['已导入：新增 {create}，更新 {update}', 'Imported: created {create}, updated {update}'],
  'imp.noErrors': ['没有发现错误，可以导入', 'No errors found: ready to import'],
  'imp.row': ['行', 'Row'],
  'imp.column': ['列', 'Column'],
  'imp.message': ['问题', 'Problem'],
  'imp.history': ['导入记录', 'Import history'],
  'imp.when': ['时间', 'When'],
  'imp.who': ['操作人', 'By'],
  'imp.file': ['文件', 'File'],
  'imp.outcome': ['结果', 'Outcome'],
  'imp.outcome.dry_run': ['试导入', 'Dry run'],
  'imp.outcome.applied': ['已导入', 'Imported'],
  'imp.counts': ['新增 {c} · 更新 {u} · 未变 {n}', '+{c} · ~{u} · ={n}'],
  'imp.noHistory': ['还没有导入过', 'Nothing imported yet'],
});

const KINDS = ['buildings', 'units', 'residents', 'parking', 'opening_arrears', 'meter_readings'];
const MAX_BYTES = 10 << 20;

/** saveTemplate downloads a template (sample: filled with the sample estate). */
async function saveTemplate(kind, sample) {
  const res = await fetch(`/api/wuye/imports/templates/${kind}${sample ? '?sample=1' : ''}`, {
    headers: { Authorization: pb.authStore.token, 'Accept-Language': lang() },
  });
  if (!res.ok) throw new Error(t(res.status === 403 ? 'err.forbidden' : 'err.unknown'));
  const name = decodeURIComponent(/filename\*=UTF-8''([^;]+)/.exec(res.headers.get('Content-Disposition') || '')?.[1] || `${kind}.xlsx`);
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30000);
}

/** send posts the file with XMLHttpRequest, for its upload progress. */
function send({ kind, community, file, dryRun, onProgress }) {
  return new Promise((resolve, reject) => {
    const body = new FormData();
    body.append('kind', kind);
    body.append('community', community);
    body.append('dry_run', dryRun ? 'true' : 'false');
    body.append('file', file, file.name);
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/wuye/imports');
    xhr.setRequestHeader('Authorization', pb.authStore.token);
    xhr.setRequestHeader('Accept-Language', lang());
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(Math.round((e.loaded / e.total) * 100)); };
    xhr.onerror = () => reject(new Error(t('err.network')));
    xhr.onload = () => {
      let data = {};
      try { data = JSON.parse(xhr.responseText); } catch { /* not JSON */ }
      // An apply refused for its rows answers 400 with the report itself.
      if (xhr.status === 200 || (xhr.status === 400 && Array.isArray(data.errors))) return resolve(data);
      const fields = Object.values(data.data || {}).map((f) => f?.message).filter(Boolean);
      reject(new Error(fields[0] || data.message || t(xhr.status === 403 ? 'err.forbidden' : 'err.unknown')));
    };
    xhr.send(body);
  });
}

/** DropZone: drag a file onto it or click to choose one. */
function DropZone({ file, onFile, error }) {
  const input = useRef(null);
  const [over, setOver] = useState(false);
  const take = (f) => {
    if (!f) return;
    if (!/\.(xlsx|csv)$/i.test(f.name)) return onFile(null, t('imp.badType'));
    if (f.size > MAX_BYTES) return onFile(null, t('imp.tooBig'));
    onFile(f, '');
  };
  return html`
    <div class=${'dropzone' + (over ? ' over' : '')} role="button" tabindex="0" data-testid="dropzone"
      onClick=${() => input.current?.click()}
      onKeyDown=${(e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); input.current?.click(); } }}
      onDragOver=${(e) => { e.preventDefault(); setOver(true); }}
      onDragLeave=${() => setOver(false)}
      onDrop=${(e) => { e.preventDefault(); setOver(false); take(e.dataTransfer?.files?.[0]); }}>
      <input ref=${input} type="file" accept=".xlsx,.csv" hidden onChange=${(e) => take(e.target.files[0])} />
      ${file ? t('imp.chosen', { name: file.name, size: Math.max(1, Math.round(file.size / 1024)) }) : t('imp.drop')}
    </div>
    ${error && html`<p class="error" role="alert">${error}</p>`}`;
}

/** Report: the summary and the table of problems. */
function Report({ rep }) {
  const head = rep.outcome === 'applied' ? t('imp.applied') : rep.outcome === 'refused' ? t('imp.refused') : t('imp.report');
  return html`
    <section class="card" aria-live="polite" data-testid="import-report">
      <h2>${head}</h2>
      <p class="summary">${rep.outcome === 'applied'
        ? t('imp.done', { create: rep.create, update: rep.update })
        : t('imp.summary', { rows: rep.rows, create: rep.create, update: rep.update, unchanged: rep.unchanged, errors: rep.errors.length })}</p>
      ${rep.message && html`<p class="error" role="alert">${rep.message}</p>`}
      ${rep.errors.length === 0
        ? rep.outcome === 'dry_run' && html`<p class="ok">${t('imp.noErrors')}</p>`
        : html`<div class="table-wrap"><table class="t import-errors">
            <thead><tr><th class="num">${t('imp.row')}</th><th>${t('imp.column')}</th><th>${t('imp.message')}</th></tr></thead>
            <tbody>${rep.errors.map((e, i) => html`<tr key=${i}><td class="num">${e.row}</td><td>${e.column}</td><td>${e.message}</td></tr>`)}</tbody>
          </table></div>`}
    </section>`;
}

/** History: the community's imports, newest first, with their files. */
function History({ community, version }) {
  const list = useAsync(() => pb.collection('import_batches').getList(1, 30, {
    filter: pb.filter('community = {:c}', { c: community.id }), sort: '-ran_at', expand: 'actor_staff',
  }), [community.id, version]);
  const open = async (b) => {
    try {
      const [url] = await fileUrls(b, 'file');
      if (url) window.open(url, '_blank', 'noopener');
    } catch (err) { toast(errorText(err)); }
  };
  if (list.loading) return html`<${Loading} />`;
  if (list.error) return html`<${ErrorBox} error=${list.error} retry=${list.reload} />`;
  const items = list.data.items;
  if (!items.length) return html`<${Empty} text=${t('imp.noHistory')} />`;
  return html`<div class="table-wrap"><table class="t" data-testid="import-history">
    <thead><tr><th>${t('imp.when')}</th><th>${t('imp.kind')}</th><th>${t('imp.file')}</th><th>${t('imp.outcome')}</th><th>${t('imp.who')}</th></tr></thead>
    <tbody>${items.map((b) => html`<tr key=${b.id}>
      <td><${When} v=${b.ran_at} /></td>
      <td>${t('imp.kind.' + b.kind)}</td>
      <td><button type="button" class="link" onClick=${() => open(b)}>${b.file_name || b.file}</button></td>
      <td>${t('imp.outcome.' + b.outcome)}<br /><small>${t('imp.counts', { c: b.created, u: b.updated, n: b.unchanged })}</small></td>
      <td>${b.expand?.actor_staff?.name || ''}</td>
    </tr>`)}</tbody>
  </table></div>`;
}

/** Imports is the screen. */
export function Imports({ community }) {
  const [kind, setKind] = useState('buildings');
  const [file, setFile] = useState(null);
  const [fileError, setFileError] = useState('');
  const [busy, setBusy] = useState('');
  const [pct, setPct] = useState(0);
  const [error, setError] = useState('');
  const [rep, setRep] = useState(null);
  // checked: the dry run that found no errors, of this kind and file.
  const [checked, setChecked] = useState(null);
  const [version, setVersion] = useState(0);

  const reset = () => { setRep(null); setChecked(null); setError(''); };
  const run = async (dryRun) => {
    setBusy(dryRun ? 'dry' : 'apply');
    setPct(0);
    setError('');
    try {
      const r = await send({ kind, community: community.id, file, dryRun, onProgress: setPct });
      setRep(r);
      setChecked(dryRun && r.errors.length === 0 ? { kind, file } : null);
      if (!dryRun && r.outcome === 'applied') toast(t('imp.done', { create: r.create, update: r.update }));
      setVersion((v) => v + 1);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy('');
    }
  };
  const download = (sample) => saveTemplate(kind, sample).catch((err) => toast(errorText(err)));
  const canApply = checked && checked.kind === kind && checked.file === file && !busy;

  return html`
    <div class="card">
      <h1>${t('imp.title')}</h1>
      <p class="muted">${t('imp.intro')}</p>
      <label class="import-kind"><span>${t('imp.kind')}</span>
        <select value=${kind} onChange=${(e) => { setKind(e.target.value); reset(); }} data-testid="import-kind">
          ${KINDS.map((k) => html`<option value=${k}>${t('imp.kind.' + k)}</option>`)}
        </select>
      </label>
      <p class="actions">
        <button type="button" onClick=${() => download(false)}>${t('imp.template')}</button>
        <button type="button" onClick=${() => download(true)}>${t('imp.sample')}</button>
      </p>
      <${DropZone} file=${file} error=${fileError} onFile=${(f, err) => { setFile(f); setFileError(err); reset(); }} />
      ${busy && html`<div class="upload" role="status">
        <progress max="100" value=${pct} aria-label=${t('imp.uploading', { pct })}></progress>
        <span>${pct < 100 ? t('imp.uploading', { pct }) : t('imp.checking')}</span>
      </div>`}
      ${error && html`<p class="error" role="alert">${error}</p>`}
      <p class="actions">
        <button type="button" disabled=${!file || !!busy} onClick=${() => run(true)}>${t('imp.dryRun')}</button>
        <button type="button" class="primary" disabled=${!canApply} title=${canApply ? '' : t('imp.applyHint')}
          onClick=${() => run(false)}>${t('imp.apply')}</button>
      </p>
    </div>
    ${rep && html`<${Report} rep=${rep} />`}
    <section class="card">
      <h2>${t('imp.history')}</h2>
      <${History} community=${community} version=${version} />
    </section>`;
}
