// Pages on a slow phone (issue #23): the smoke of the page-load benchmark
// (e2e/bench/pageload.mjs). Each page of the benchmark loads once cold and
// once warm, without throttling: it must show its useful content without a
// script error, and its bytes — which do not depend on the machine — must
// stay within the goals (portal and field app ≤ 300 KB cold, ≤ 30 KB warm;
// the dashboard ≤ 1.5 MB). No time is asserted. ECharts is fetched only
// where a chart is drawn, and a screen's module only when it is shown. Warm,
// no module or style sheet of the app is asked for (not even revalidated).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch } from './harness.mjs';
import { PAGES, measure } from './bench/pageload.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.stop(); });

const page = (name) => PAGES.find((p) => p.name === name);

for (const spec of PAGES) {
  test(`${spec.name}: loads within its byte budget, cold and warm`, async () => {
    const { cold, warm, errors } = await measure(browser, server.url, spec, false);
    console.log(`${spec.name}: cold ${cold.bytes} B in ${cold.requests} requests, warm ${warm.bytes} B (${warm.notModified} × 304)`);
    assert.deepEqual(errors, []);
    assert.ok(cold.bytes <= spec.budget.cold, `${cold.bytes} bytes cold, the budget is ${spec.budget.cold}:\n${cold.urls.join('\n')}`);
    assert.ok(warm.bytes <= spec.budget.warm, `${warm.bytes} bytes warm, the budget is ${spec.budget.warm}:\n${warm.urls.join('\n')}`);
    // Warm, the vendored packages come from the cache without a request.
    assert.deepEqual(warm.urls.filter((u) => u.includes('/vendor/')), [], 'a vendored package was asked for again');
    // Nor the app's own modules and style sheets: named by content (the import map the server writes into
    // the page, hooks/ops_pages_assets.go), kept immutable — no revalidation (304) of each.
    assert.deepEqual(warm.urls.filter((u) => / \/(js|css)\//.test(u)), [], 'an app module or style sheet was asked for again');
    // Every file of the app named by its content: a bundle (hooks/ops_pages_bundle.go: main-5DTWGJ2B.js) or a module (?v=).
    const unnamed = cold.all.filter((u) => /^\/js\/.*\.js$/.test(u) && !/-[A-Z0-9]{8}\.js$/.test(u));
    assert.deepEqual(unnamed, [], 'an app module was loaded without its hash');
    // The shell comes bundled: a handful of files of the app (the shell's bundle and chunks, the screen's), not ~20
    // modules, six at a time at a 150 ms round trip on the phone of issue #23.
    const app = cold.all.filter((u) => u.startsWith('/js/'));
    assert.ok(app.length <= 10, `${app.length} files of the app cold, want at most 10:\n${app.join('\n')}`);
    // The first screen's reads that the page starts as it is parsed (the inline script of index.html; js/core/api.js
    // earlyRequest) are the screen's own: none is asked for a second time.
    const reads = cold.all.filter((u) => u.startsWith('/api/') && !u.startsWith('/api/realtime'));
    assert.deepEqual(reads.filter((u, i) => reads.indexOf(u) !== i), [], `a read was asked for twice:\n${reads.join('\n')}`);
  });
}

test('the field app and the portal fetch no ECharts and no other screen; the dashboard fetches ECharts', async () => {
  const field = await measure(browser, server.url, page('field app queue'), false);
  assert.deepEqual(field.cold.all.filter((u) => /echarts/i.test(u)), [], 'the field app fetched ECharts');
  assert.ok(field.cold.all.some((u) => /^\/js\/staff\/field\/queue[-.]/.test(u)), 'the field app was not loaded');
  const others = field.cold.all.filter((u) => /^\/js\/staff\/(dashboard|desk|registry|cashier|renovations|movein|households)\//.test(u));
  assert.deepEqual(others, [], 'the field app fetched other screens');
  for (const name of ['portal home', 'repair form']) {
    const portal = await measure(browser, server.url, page(name), false);
    assert.deepEqual(portal.cold.all.filter((u) => /echarts/i.test(u)), [], `${name} fetched ECharts`);
  }
  const dash = await measure(browser, server.url, page('dashboard'), false);
  assert.ok(dash.cold.all.some((u) => /^\/vendor\/echarts\.mjs\?v=/.test(u)), 'the dashboard did not load ECharts');
  assert.deepEqual(dash.errors, []);
});
