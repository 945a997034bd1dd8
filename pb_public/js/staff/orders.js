import { html } from '../core/html.js';
export const OrderDetail = () => html`<p>…</p>`;
