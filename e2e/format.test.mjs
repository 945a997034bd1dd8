// Unit tests of the pages' pure helpers (js/core/format.js): money typed in
// yuan becomes exact integer fen, fen prints as yuan, and times print in
// office time whatever the machine's zone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseYuan, yuan, dateTime, date, owed } from '../pb_public/js/core/format.js';

test('parseYuan reads what a clerk types as exact fen', () => {
  const cases = {
    '12': 1200, '12.5': 1250, '12.50': 1250, '0.01': 1, '1,234.56': 123456, '¥20': 2000, '20元': 2000, ' 3 ': 300,
    '0.1': 10, '0.29': 29, '1.005': NaN, '-5': NaN, 'abc': NaN, '1.2.3': NaN, '12345678901': NaN,
  };
  for (const [input, want] of Object.entries(cases)) {
    const got = parseYuan(input);
    if (Number.isNaN(want)) assert.ok(Number.isNaN(got), `${input} → ${got}`);
    else assert.equal(got, want, input);
  }
  // 0.29 × 100 is 28.999… in floating point: the parser never multiplies.
  for (let fen = 0; fen < 10000; fen += 7) assert.equal(parseYuan((fen / 100).toFixed(2)), fen);
  assert.ok(Number.isNaN(parseYuan('')));
  assert.equal(parseYuan('', 0), 0);
});

test('yuan prints fen, reversals negative', () => {
  assert.equal(yuan(123456), '¥1,234.56');
  assert.equal(yuan(5), '¥0.05');
  assert.equal(yuan(-10050), '-¥100.50');
  assert.equal(yuan(undefined), '¥0.00');
});

test('times are shown in Shanghai time', () => {
  assert.equal(dateTime('2026-11-23 16:30:00.000Z'), '2026-11-24 00:30');
  assert.equal(date('2026-11-23 16:30:00.000Z'), '2026-11-24');
  assert.equal(date('2026-11-23'), '2026-11-23', 'a civil date stays as it is');
  assert.equal(dateTime(''), '');
});

test('owed is what a bill still asks for', () => {
  assert.equal(owed({ amount_fen: 10000, discount_fen: 500, late_fee_fen: 120, paid_fen: 3000 }), 6620);
});

// Countdowns are durations, not clock readings (issue #19 item 9): a
// deadline 7 min 33 s away reads "7 分钟内", one passed 12 min 27 s ago
// "已超时 12 分钟", an appointment just passed "已过预约时间 1 分钟" (never
// "0 分钟后"); hours and days beyond an hour; English on request.
test('countdowns are written as durations', async () => {
  const { duration, countdown, untilAppointment } = await import('../pb_public/js/core/durations.js');
  const { setLang } = await import('../pb_public/js/core/i18n.js');
  const now = Date.parse('2026-12-05T08:00:00Z');
  const at = (s) => new Date(now + s * 1000).toISOString();
  setLang('zh');
  assert.equal(countdown(at(7 * 60 + 33), now).text, '7 分钟内');
  assert.equal(countdown(at(-(12 * 60 + 27)), now).text, '已超时 12 分钟');
  assert.equal(countdown(at(-(12 * 60 + 27)), now).over, true);
  assert.equal(countdown(at(20), now).text, '1 分钟内', 'under a minute left is not "0 分钟"');
  assert.equal(duration(65 * 60000), '1 小时 5 分钟');
  assert.equal(duration(120 * 60000), '2 小时');
  assert.equal(duration(51 * 3600000), '2 天 3 小时');
  assert.equal(untilAppointment(at(10 * 60), now), '10 分钟后');
  assert.equal(untilAppointment(at(-20), now), '已过预约时间 1 分钟');
  assert.equal(untilAppointment(at(-(3 * 60 + 5)), now), '已过预约时间 3 分钟');
  assert.ok(!/\d+:\d\d/.test(countdown(at(-(12 * 60 + 27)), now).text), 'no clock reading');
  setLang('en');
  assert.equal(countdown(at(-(12 * 60 + 27)), now).text, '12 min overdue');
  assert.equal(untilAppointment(at(-(3 * 60 + 5)), now), 'appointment passed 3 min ago');
  assert.equal(duration(65 * 60000), '1 h 5 min');
  setLang('zh');
  assert.equal(countdown('', now), null);
});
