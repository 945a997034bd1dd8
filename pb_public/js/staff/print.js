import { html } from '../core/html.js';
export const PrintWorkOrder = () => html`<p>…</p>`;
export const PrintReminders = PrintWorkOrder;
export const PrintRectification = PrintWorkOrder;
export const PrintReceipt = PrintWorkOrder;
