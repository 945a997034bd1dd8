// Pages on a slow phone (issue #23): loads four pages in headless Chromium
// with the Chrome DevTools Protocol's throttling — 4× CPU slowdown,
// 1.6 Mbit/s down, 750 kbit/s up, 150 ms round trip — cold (a fresh browser
// context: empty cache) and warm (the same page again in the same context),
// and prints a markdown table: bytes transferred, requests, first
// contentful paint and the time until the page's first useful content.
//
//   node e2e/bench/pageload.mjs            starts a demo server (WUYE_BIN, or builds one) and measures
//   node e2e/bench/pageload.mjs --url URL  measures a running demo server
//   node e2e/bench/pageload.mjs --smoke    one cold and one warm load of each page, without throttling;
//                                          fails if a page does not load or its bytes are over the budget
//   --runs N                               loads of each page (median shown; default 3)
//   --json FILE                            also writes the figures as JSON
//   --only TEXT                            only the pages whose name contains TEXT
//   --cpu N                                the CPU slowdown (default 4; 1: the network alone, which a
//                                          loaded machine disturbs less)
//   --verbose                              lists every request: status, bytes, [start–end ms], path
//
// Bytes do not depend on the machine's load; times do (the CPU slowdown
// multiplies whatever the machine is doing besides).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, launch, PASSWORD } from '../harness.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt; };
const SMOKE = flag('--smoke');
const RUNS = SMOKE ? 1 : Number(option('--runs', 3));

/** The slow phone of issue #23. */
export const PROFILE = { latency: 150, down: 1_600_000, up: 750_000, cpu: Number(option('--cpu', 4)) };

const KB = 1000;
/**
 * The pages measured. ready is a JS expression, true once the page shows
 * its first useful content (what its user came for, loaded from the
 * server — not a spinner), a function run in the page (the pages' CSP
 * forbids evaluating strings); done, if any, what must be on screen too
 * before the bytes are counted; budget is the goal of issue #23 in bytes.
 */
export const PAGES = [
  {
    name: 'portal home', path: '/#/', account: 'owner1@example.com', collection: 'residents', phone: true,
    // The 待您处理 card with its list (or "nothing waits") loaded.
    ready: () => !!document.querySelector('[data-testid=your-turn]') && !document.querySelector('[data-testid=your-turn] .loading'),
    budget: { cold: 300 * KB, warm: 30 * KB },
  },
  {
    name: 'repair form', path: '/#/repairs/new', account: 'owner1@example.com', collection: 'residents', phone: true,
    // The price list to pick a repair from.
    ready: () => !!document.querySelector('fieldset.price-list'),
    budget: { cold: 300 * KB, warm: 30 * KB },
  },
  {
    name: 'field app queue', path: '/staff/#/field', account: 'tech1@example.com', collection: 'staff', phone: true,
    // The technician's queue with its orders (or "no orders") loaded.
    ready: () => !!document.querySelector('section[aria-labelledby=field-queue-h]') && !document.querySelector('section[aria-labelledby=field-queue-h] .loading'),
    budget: { cold: 300 * KB, warm: 30 * KB },
  },
  {
    name: 'dashboard', path: '/staff/#/dashboard', account: 'director@example.com', collection: 'staff', phone: false,
    // The first KPI tile with its figure (not the "…" of a pending one).
    ready: () => { const v = document.querySelector('[data-testid^=kpi-] [data-testid=kpi-value]'); return !!v && v.textContent.trim() !== '…'; },
    // Its bytes count the trends chart, drawn with ECharts once the figures are in.
    done: () => !!document.querySelector('[data-testid=trend-chart] canvas'),
    budget: { cold: 1500 * KB, warm: 1500 * KB },
  },
];

const PHONE = { viewport: { width: 375, height: 812 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };
const DESKTOP = { viewport: { width: 1280, height: 860 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };

async function signInToken(url, collection, identity) {
  const r = await fetch(`${url}/api/collections/${collection}/auth-with-password`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ identity, password: PASSWORD }),
  });
  if (!r.ok) throw new Error(`${identity} could not sign in: ${r.status} ${await r.text()}`);
  return r.json();
}

/**
 * load opens url in page and returns what it cost: bytes received from the
 * network (headers and bodies, compressed as sent; the realtime stream,
 * which never ends, counted as far as it got), requests, FCP and the
 * time of the first useful content, both from the navigation's start.
 */
async function load(page, cdp, url, { ready, done }, throttled) {
  const reqs = new Map(); // requestId → { url, bytes, done, cached, status, start, end }
  let t0; // the navigation's first request, in CDP seconds
  let last = Date.now(); // the last request started or ended
  const on = (ev, fn) => { const f = (e) => { last = Date.now(); fn(e); }; cdp.on(ev, f); return () => cdp.off(ev, f); };
  // Some events of a request can come before its requestWillBeSent.
  const get = (id) => reqs.get(id) || reqs.set(id, { url: '', bytes: 0, done: false }).get(id);
  const offs = [
    on('Network.requestWillBeSent', (e) => { const r = get(e.requestId); r.url ||= e.request.url; r.start ??= e.timestamp; t0 ??= e.timestamp; }),
    on('Network.dataReceived', (e) => { get(e.requestId).bytes += e.encodedDataLength; }),
    on('Network.responseReceived', (e) => { const r = get(e.requestId); r.status ??= e.response.status; r.cached = e.response.fromDiskCache || e.response.fromMemoryCache; }),
    // The status on the wire: a revalidated file is reported as its stored 200 otherwise.
    on('Network.responseReceivedExtraInfo', (e) => { get(e.requestId).status = e.statusCode; }),
    on('Network.requestServedFromCache', (e) => { get(e.requestId).cached = true; }),
    on('Network.loadingFinished', (e) => { const r = get(e.requestId); r.bytes = e.encodedDataLength; r.done = true; r.end = e.timestamp; }),
    on('Network.loadingFailed', (e) => { get(e.requestId).done = true; }),
  ];
  // Quiet: no request under way but the realtime stream, none started or
  // ended for QUIET ms (a screen that fetches more once it shows, the
  // dashboard's charts, counts in full).
  const quiet = async () => {
    const QUIET = 1500;
    for (const end = Date.now() + 120_000; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) {
      const busy = [...reqs.values()].some((r) => !r.done && !/\/api\/realtime/.test(r.url));
      if (!busy && Date.now() - last >= QUIET) return;
    }
  };
  try {
    await page.goto(url, { waitUntil: 'load', timeout: 120_000 });
    // Checked on every animation frame; the first frame it holds is the time.
    // eslint-disable-next-line no-new-func
    const check = new Function(`const ready = ${ready}; return ready() && performance.now();`);
    const useful = await (await page.waitForFunction(check, null, { timeout: 120_000, polling: 'raf' })).jsonValue();
    // Whatever the page still fetches for this screen (lists, the rest
    // of the modules) counts too.
    if (done) await page.waitForFunction(done, null, { timeout: 120_000 });
    await quiet();
    const fcp = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null);
    const list = [...reqs.values()].filter((r) => !r.url.startsWith('data:'));
    const network = list.filter((r) => !r.cached);
    return {
      bytes: network.reduce((s, r) => s + r.bytes, 0),
      requests: network.length,
      notModified: network.filter((r) => r.status === 304).length,
      fromCache: list.length - network.length,
      echarts: list.some((r) => /echarts/i.test(r.url)),
      fcp: fcp === null ? null : Math.round(fcp),
      useful: Math.round(useful),
      throttled,
      all: list.map((r) => r.url.replace(/^https?:\/\/[^/]+/, '')),
      // status, bytes, [start–end ms from the first request], path
      urls: network.map((r) => `${r.status ?? '-'} ${r.bytes} [${Math.round((r.start - t0) * 1000)}–${r.end ? Math.round((r.end - t0) * 1000) : ''}] ${r.url.replace(/^https?:\/\/[^/]+/, '')}`),
    };
  } finally {
    offs.forEach((off) => off());
  }
}

/**
 * measure loads one page cold, then warm in the same context, throttled
 * to PROFILE or not: { cold, warm, errors } (the page's script errors).
 */
export async function measure(browser, url, spec, throttle) {
  const auth = await signInToken(url, spec.collection, spec.account);
  const context = await browser.newContext(spec.phone ? PHONE : DESKTOP);
  await context.addInitScript((stored) => {
    if (location.protocol.startsWith('http')) localStorage.setItem('pocketbase_auth', stored);
  }, JSON.stringify({ token: auth.token, record: auth.record }));
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: false });
  if (throttle) {
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false, latency: PROFILE.latency, downloadThroughput: PROFILE.down / 8, uploadThroughput: PROFILE.up / 8,
    });
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: PROFILE.cpu });
  }
  try {
    const cold = await load(page, cdp, url + spec.path, spec, throttle);
    await page.goto('about:blank');
    const warm = await load(page, cdp, url + spec.path, spec, throttle);
    return { cold, warm, errors };
  } finally {
    await context.close();
  }
}

const median = (xs) => { const s = xs.filter((x) => x !== null).sort((a, b) => a - b); return s.length ? s[Math.floor((s.length - 1) / 2)] : null; };
const kb = (n) => (n / 1000).toFixed(1);
const ms = (n) => (n === null ? '—' : String(n));

function table(results) {
  const rows = [
    '| page | cold KB (requests) | warm KB (requests, 304s) | goal cold / warm | FCP cold / warm ms | useful content cold / warm ms |',
    '| --- | ---: | ---: | --- | ---: | ---: |',
  ];
  for (const r of results) {
    const goal = `≤ ${kb(r.spec.budget.cold)} / ${r.spec.budget.warm === r.spec.budget.cold ? '—' : '≤ ' + kb(r.spec.budget.warm)}`;
    rows.push(`| ${r.spec.name} | ${kb(r.cold.bytes)} (${r.cold.requests}) | ${kb(r.warm.bytes)} (${r.warm.requests}, ${r.warm.notModified}) | ${goal}` +
      ` | ${ms(r.cold.fcp)} / ${ms(r.warm.fcp)} | ${ms(r.cold.useful)} / ${ms(r.warm.useful)} |`);
  }
  return rows.join('\n');
}

async function main() {
  let url = option('--url');
  let server;
  if (!url) {
    if (!process.env.WUYE_BIN) {
      const bin = join(mkdtempSync(join(tmpdir(), 'wuye-bench-')), 'wuye');
      console.error('== building the server');
      const b = spawnSync('bash', ['-c', `source scripts/env.sh && go build -o ${JSON.stringify(bin)} .`], { cwd: root, stdio: 'inherit' });
      if (b.status !== 0) throw new Error('go build failed');
      process.env.WUYE_BIN = bin;
    }
    server = await startServer();
    url = server.url;
  }
  const browser = await launch();
  const results = [];
  const failures = [];
  try {
    for (const spec of PAGES.filter((p) => p.name.includes(option('--only', '')))) {
      const runs = [];
      for (let i = 0; i < RUNS; i++) runs.push(await measure(browser, url, spec, !SMOKE));
      const pick = (k, f) => median(runs.map((r) => r[k][f]));
      const res = { spec, cold: {}, warm: {}, runs };
      for (const k of ['cold', 'warm']) for (const f of ['bytes', 'requests', 'notModified', 'fcp', 'useful']) res[k][f] = pick(k, f);
      results.push(res);
      const last = runs[runs.length - 1];
      console.error(`${spec.name}: cold ${kb(res.cold.bytes)} KB in ${res.cold.requests} requests, warm ${kb(res.warm.bytes)} KB; useful ${res.cold.useful} / ${res.warm.useful} ms`);
      if (args.includes('--verbose')) console.error('  cold:\n    ' + last.cold.urls.join('\n    ') + '\n  warm:\n    ' + last.warm.urls.join('\n    '));
      for (const r of runs) {
        if (r.errors.length) failures.push(`${spec.name}: script errors ${r.errors.join('; ')}`);
        if (r.cold.bytes > spec.budget.cold) failures.push(`${spec.name}: ${r.cold.bytes} bytes cold, over the budget of ${spec.budget.cold}`);
        if (r.warm.bytes > spec.budget.warm) failures.push(`${spec.name}: ${r.warm.bytes} bytes warm, over the budget of ${spec.budget.warm}`);
        if (spec.phone && (r.cold.echarts || r.warm.echarts)) failures.push(`${spec.name}: fetched ECharts`);
        const again = r.warm.urls.filter((u) => / \/(js|css|vendor)\//.test(u));
        if (again.length) failures.push(`${spec.name}: warm, asked again for ${again.join(', ')}`);
      }
    }
  } finally {
    await browser.close();
    await server?.stop();
  }
  const profile = SMOKE ? 'smoke: no throttling, 1 run' : `${PROFILE.cpu}× CPU slowdown, ${PROFILE.down / 1e6} Mbit/s down, ${PROFILE.up / 1000} kbit/s up, ${PROFILE.latency} ms RTT; median of ${RUNS}`;
  console.log(`Profile: ${profile}\n\n${table(results)}`);
  const json = option('--json');
  if (json) writeFileSync(json, JSON.stringify(results.map(({ spec, cold, warm }) => ({ page: spec.name, cold, warm })), null, 2));
  if (failures.length) {
    console.error('FAILED:\n  ' + failures.join('\n  '));
    process.exitCode = 1;
  }
}

// Run as a script (not when the browser test imports PAGES and measure).
if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
