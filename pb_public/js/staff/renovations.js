import { html } from '../core/html.js';
export const RenovationDesk = () => html`<p>…</p>`;
export const RenovationReview = RenovationDesk;
