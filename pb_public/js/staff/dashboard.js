import { html } from '../core/html.js';
export const Dashboard = () => html`<p>…</p>`;
export const MonthlyReport = Dashboard;
