import { html } from '../core/html.js';
export const Keys = () => html`<p>…</p>`;
