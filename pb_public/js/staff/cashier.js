import { html } from '../core/html.js';
export const Cashier = () => html`<p>…</p>`;
export const Billing = Cashier;
export const CashClose = Cashier;
