import { html } from '../core/html.js';
export const Intake = () => html`<p>…</p>`;
export const DispatchBoard = Intake;
export const Revisits = Intake;
