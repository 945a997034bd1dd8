// Alerts for a new order in the field app: a WebAudio beep and a
// vibration, once a tap has unlocked audio.
import { html, useState, useEffect } from '../../core/html.js';
import { t, addMessages } from '../../core/i18n.js';
import { ALERT_KEY } from './common.js';

addMessages({
  'field.alertsOff': ['开启提醒', 'Turn on alerts'],
  'field.alertsOn': ['提醒已开启', 'Alerts on'],
  'field.alertsTap': ['轻触开启声音', 'Tap to enable sound'],
  'field.alertsHint': ['新工单到达时响铃并振动', 'Ring and vibrate when a new order arrives'],
});

const alerts = { on: localStorage.getItem(ALERT_KEY) === 'on', ctx: null, listeners: new Set() };

function unlockAudio() {
  if (!alerts.ctx) {
    const AC = window.AudioContext || window.webkitAudioContext;
    if (!AC) return;
    alerts.ctx = new AC();
    alerts.ctx.onstatechange = () => alerts.listeners.forEach((fn) => fn());
  }
  if (alerts.ctx.state !== 'running') alerts.ctx.resume().catch(() => {});
}

function beep() {
  const ac = alerts.ctx;
  if (!ac) return;
  if (ac.state !== 'running') ac.resume().catch(() => {});
  const t0 = ac.currentTime + 0.02;
  [[880, 0], [1320, 0.22], [880, 0.44]].forEach(([freq, at]) => {
    const osc = ac.createOscillator();
    const gain = ac.createGain();
    osc.type = 'sine';
    osc.frequency.value = freq;
    gain.gain.setValueAtTime(0.0001, t0 + at);
    gain.gain.exponentialRampToValueAtTime(0.35, t0 + at + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, t0 + at + 0.18);
    osc.connect(gain).connect(ac.destination);
    osc.start(t0 + at);
    osc.stop(t0 + at + 0.2);
  });
}

export function ring() {
  if (!alerts.on) return;
  beep();
  // Browsers refuse vibration before the page has been tapped.
  if (navigator.vibrate && (navigator.userActivation?.hasBeenActive ?? true)) {
    try { navigator.vibrate([200, 100, 200]); } catch { /* not on this device */ }
  }
}

// With alerts on from an earlier visit, the first tap anywhere unlocks audio.
if (alerts.on) {
  const once = () => { unlockAudio(); removeEventListener('pointerdown', once, true); removeEventListener('keydown', once, true); };
  addEventListener('pointerdown', once, true);
  addEventListener('keydown', once, true);
}

export function AlertToggle() {
  const [, bump] = useState(0);
  useEffect(() => {
    const fn = () => bump((n) => n + 1);
    alerts.listeners.add(fn);
    return () => alerts.listeners.delete(fn);
  }, []);
  const running = alerts.ctx?.state === 'running';
  const toggle = () => {
    if (alerts.on && running) {
      alerts.on = false;
      localStorage.setItem(ALERT_KEY, 'off');
    } else {
      alerts.on = true;
      localStorage.setItem(ALERT_KEY, 'on');
      unlockAudio();
      beep(); // the tap that turns alerts on also proves the sound works
    }
    alerts.listeners.forEach((fn) => fn());
  };
  const text = !alerts.on ? t('field.alertsOff') : running ? t('field.alertsOn') : t('field.alertsTap');
  return html`<button type="button" class=${'alert-toggle' + (alerts.on && running ? ' on' : '')} aria-pressed=${alerts.on && running ? 'true' : 'false'}
    title=${t('field.alertsHint')} onClick=${toggle}><span class="bell" aria-hidden="true"></span> ${text}</button>`;
}
