// Accessibility and weight on a phone (issue #19, items 17 and 18): the
// focus ring is seen on white (≥ 3:1), every link and button of the main
// phone pages is a 44 px target, Tab stays inside an open dialog, the
// sign-in logo is drawn (no emoji font needed), and the field app does not
// download ECharts, which only the dashboard loads.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, newPage, signIn, PHONE, DESKTOP } from './harness.mjs';

let server, browser;

before(async () => {
  server = await startServer();
  browser = await launch();
});
after(async () => { await browser?.close(); await server?.stop(); });

/** contrast is the WCAG contrast ratio of two rgb() colours. */
function contrast(a, b) {
  const lum = (c) => {
    const [r, g, bl] = c.match(/[\d.]+/g).slice(0, 3).map((v) => {
      const s = Number(v) / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/**
 * smallTargets lists the visible links and buttons of the page smaller than
 * 44 × 44 px (WCAG 2.5.5), but for a link inside a sentence of a paragraph
 * (the criterion's inline exception).
 */
function smallTargets(page) {
  return page.evaluate(() => {
    const out = [];
    for (const el of document.querySelectorAll('a[href], button, [role=button], [role=tab], summary, select')) {
      const r = el.getBoundingClientRect();
      const s = getComputedStyle(el);
      if (!r.width || !r.height || s.visibility === 'hidden' || el.closest('[hidden], .sr-only, [inert]')) continue;
      if (el.tagName === 'A' && s.display === 'inline' && el.parentElement.closest('p')
        && el.parentElement.textContent.trim() !== el.textContent.trim()) continue;
      if (r.width < 44 - 0.5 || r.height < 44 - 0.5) {
        const name = (el.textContent || el.getAttribute('aria-label') || el.title || '').trim().replace(/\s+/g, ' ').slice(0, 24);
        out.push(`${el.tagName.toLowerCase()} "${name}" ${Math.round(r.width)}×${Math.round(r.height)}`);
      }
    }
    return out;
  });
}

async function checkTargets(page, where) {
  const small = await smallTargets(page);
  assert.deepEqual(small, [], `${where}: targets under 44 px at 375 px:\n  ${small.join('\n  ')}`);
}

test('the focus ring has at least 3:1 contrast on white, and on the top bar', async () => {
  const page = await newPage(browser, PHONE);
  await page.goto(server.url + '/');
  const email = page.getByLabel(/邮箱或手机号/);
  await email.waitFor();
  await email.focus();
  await page.keyboard.press('Tab'); // keyboard focus: :focus-visible
  await page.keyboard.press('Shift+Tab');
  const ring = await email.evaluate((el) => {
    const s = getComputedStyle(el);
    return { color: s.outlineColor, style: s.outlineStyle, width: parseFloat(s.outlineWidth) };
  });
  assert.equal(ring.style, 'solid');
  assert.ok(ring.width >= 2, `outline ${ring.width}px`);
  const c = contrast(ring.color, 'rgb(255, 255, 255)');
  assert.ok(c >= 3, `focus ring ${ring.color} on white: ${c.toFixed(2)}:1`);
  // On the coloured top bar the ring is drawn in white.
  await signIn(page, server.url, 'owner1@example.com');
  const bell = page.locator('.topbar button').first();
  await bell.waitFor();
  await bell.focus();
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Tab');
  const onBar = await page.evaluate(() => {
    const el = document.activeElement;
    const bar = el.closest('.topbar');
    return bar && { ring: getComputedStyle(el).outlineColor, bg: getComputedStyle(bar).backgroundColor };
  });
  if (onBar) {
    const cb = contrast(onBar.ring, onBar.bg);
    assert.ok(cb >= 3, `focus ring ${onBar.ring} on the top bar ${onBar.bg}: ${cb.toFixed(2)}:1`);
  }
  assert.deepEqual(page.scriptErrors, []);
  await page.context().close();
});

test('the sign-in logo is an inline SVG, not an emoji', async () => {
  const page = await newPage(browser, PHONE);
  await page.goto(server.url + '/');
  const brand = page.locator('.signin .brand');
  await brand.waitFor();
  assert.equal(await brand.locator('svg').count(), 1);
  const text = await brand.textContent();
  assert.ok(!/\p{Extended_Pictographic}/u.test(text), `an emoji in the sign-in brand: ${text}`);
  const box = await brand.locator('svg').boundingBox();
  assert.ok(box.width >= 32 && box.height >= 32, `logo ${box.width}×${box.height}`);
  await page.context().close();
});

test('every link and button of the main phone pages is at least 44 px', async () => {
  const page = await newPage(browser, PHONE);
  await page.goto(server.url + '/');
  await page.getByLabel(/邮箱或手机号/).waitFor();
  await checkTargets(page, 'portal sign-in');
  await page.goto(server.url + '/#/forgot');
  await page.getByRole('button', { name: /发送|Send/ }).waitFor();
  await checkTargets(page, 'password reset');
  await signIn(page, server.url, 'owner1@example.com');
  await page.locator('.tabs').waitFor();
  await page.waitForLoadState('networkidle');
  await checkTargets(page, 'portal home');
  const titles = { '/notices': '社区公告', '/complaints': '投诉', '/repairs': '报修与有偿服务', '/bills': '我的账单', '/renovation': '我的装修' };
  for (const path of ['/notices', '/complaints', '/repairs', '/bills', '/renovation']) {
    await page.goto(server.url + '/#' + path);
    // The screen's own heading (the previous one stays up a moment after a hash goto), then its lists in, no spinner left.
    await page.getByRole('heading', { name: titles[path], exact: true, level: 1 }).waitFor();
    await page.locator('.state.loading').first().waitFor({ state: 'detached' });
    await checkTargets(page, 'portal ' + path);
  }
  await page.context().close();

  const staff = await newPage(browser, PHONE);
  await staff.goto(server.url + '/staff/');
  await staff.getByLabel(/邮箱或手机号/).waitFor();
  await checkTargets(staff, 'staff sign-in');
  await signIn(staff, server.url, 'frontdesk@example.com', '/staff/');
  await staff.waitForURL(/#\/desk/);
  await staff.goto(server.url + '/staff/#/dispatch');
  await staff.getByTestId('col-new').waitFor(); // the board's columns: its orders are in
  await checkTargets(staff, 'dispatch board');
  await staff.context().close();

  const field = await newPage(browser, PHONE);
  await signIn(field, server.url, 'tech1@example.com', '/staff/');
  await field.waitForURL(/#\/field$/);
  await field.getByRole('heading', { name: '我的工单', level: 1 }).waitFor();
  await field.waitForLoadState('networkidle');
  await checkTargets(field, 'field app');
  await field.context().close();
});

test('Tab and Shift+Tab stay inside an open dialog', async () => {
  for (const [options, who, path] of [[PHONE, 'owner1@example.com', '/'], [DESKTOP, 'frontdesk@example.com', '/staff/']]) {
    const page = await newPage(browser, options);
    await signIn(page, server.url, who, path);
    await page.locator('.topbar').waitFor();
    // The shared confirm dialog (js/core/ui.js), as every page opens it.
    await page.evaluate(() => { import('/js/core/ui.js').then((ui) => { window.__answer = ui.confirmBox({ title: '确认测试', body: '焦点应留在对话框内' }); }); });
    const dialog = page.locator('dialog.confirm[open]');
    await dialog.waitFor();
    const inside = () => page.evaluate(() => !!document.activeElement?.closest('dialog[open]'));
    assert.ok(await inside(), 'focus is not in the dialog when it opens');
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press('Tab');
      assert.ok(await inside(), `Tab ${i + 1} left the dialog for ${await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 80))}`);
    }
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press('Shift+Tab');
      assert.ok(await inside(), `Shift+Tab ${i + 1} left the dialog`);
    }
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    assert.equal(await page.evaluate(() => window.__answer), false);
    assert.deepEqual(page.scriptErrors, []);
    await page.context().close();
  }
});

test('the field app loads no ECharts; the dashboard loads it when it draws', async () => {
  const fetched = (page) => {
    const urls = [];
    page.on('request', (r) => urls.push(r.url()));
    return urls;
  };
  const field = await newPage(browser, PHONE);
  const urls = fetched(field);
  await signIn(field, server.url, 'tech1@example.com', '/staff/');
  await field.waitForURL(/#\/field$/);
  await field.getByRole('heading', { name: '我的工单', level: 1 }).waitFor();
  await field.waitForLoadState('networkidle');
  // The shell's bundle (hooks/ops_pages_bundle.go: /js/staff/main-<content>.js), or its module one by one.
  assert.ok(urls.some((u) => /\/js\/staff\/main[-.]/.test(u)), 'the workspace was not loaded');
  assert.deepEqual(urls.filter((u) => /echarts/i.test(u)), [], 'the field app downloaded ECharts');
  // The scripts come compressed and the vendored ones cached for good.
  const main = await field.evaluate(async () => {
    const r = await fetch('/vendor/preact.mjs?v=11.2.0');
    return r.headers.get('cache-control');
  });
  assert.match(main, /immutable/);
  await field.context().close();

  const dash = await newPage(browser, DESKTOP);
  const durls = fetched(dash);
  await signIn(dash, server.url, 'director@example.com', '/staff/');
  await dash.waitForURL(/#\/dashboard/);
  await dash.locator('[data-testid="trend-chart"] canvas').waitFor();
  assert.ok(durls.some((u) => /\/vendor\/echarts\.mjs/.test(u)), 'the dashboard did not load ECharts');
  assert.deepEqual(dash.scriptErrors, []);
  await dash.context().close();
});
