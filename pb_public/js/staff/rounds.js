import { html } from '../core/html.js';
export const Rounds = () => html`<p>…</p>`;
