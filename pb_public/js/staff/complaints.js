import { html } from '../core/html.js';
export const ComplaintBoard = () => html`<p>…</p>`;
export const ComplaintCase = ComplaintBoard;
