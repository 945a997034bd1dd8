// The state machines, as the server enforces them (GET /api/wuye/flows):
// status names and which steps an actor may take from a status.
import { pb } from './api.js';
import { lang } from './i18n.js';

let doc = null;

export async function loadFlows() {
  if (!doc) doc = await pb.send('/api/wuye/flows', { method: 'GET' });
  return doc;
}

/** statusLabel names a status of collection col in the reader's language. */
export function statusLabel(col, code) {
  const s = doc?.flows?.[col]?.statuses?.[code];
  if (!s) return code;
  // English labels come lower case ("completed"); a status shown alone reads "Completed".
  const text = s[lang()];
  return lang() === 'en' && text ? text[0].toUpperCase() + text.slice(1) : text;
}

export function nounLabel(col) {
  return doc?.flows?.[col]?.noun?.[lang()] || col;
}

export function fieldLabel(name) {
  return doc?.fields?.[name]?.[lang()] || name;
}

/** stepsFrom lists the steps from status that any of actors may take. */
export function stepsFrom(col, status, actors) {
  return (doc?.flows?.[col]?.steps || []).filter((s) => s.from === status && s.actors.some((a) => actors.includes(a)));
}

/**
 * stepVerb: the words on a step's button — the action the flow table names
 * it by ("开始施工", "取消工单"), not the status it leads to.
 */
export function stepVerb(col, step) {
  return step?.verb?.[lang()] || statusLabel(col, step?.to);
}

export function isTerminal(col, status) {
  return (doc?.flows?.[col]?.terminal || []).includes(status);
}

/** statusOrder lists a flow's statuses in the order of its steps. */
export function statusOrder(col) {
  const out = [];
  for (const s of doc?.flows?.[col]?.steps || []) {
    if (!out.includes(s.from)) out.push(s.from);
    if (!out.includes(s.to)) out.push(s.to);
  }
  return out;
}
