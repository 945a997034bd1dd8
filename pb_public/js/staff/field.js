import { html } from '../core/html.js';
export const FieldApp = () => html`<p>…</p>`;
export const FieldOrder = FieldApp;
