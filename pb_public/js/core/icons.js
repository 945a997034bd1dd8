// A few line icons as inline SVG (no icon font, no emoji: a bare Chromium
// or an office PC may have no emoji font).
import { html } from './html.js';

const paths = {
  home: 'M3 11l9-7 9 7v9a1 1 0 0 1-1 1h-5v-6H9v6H4a1 1 0 0 1-1-1z',
  message: 'M4 5h16v11H8l-4 4z',
  wrench: 'M14.7 6.3a4 4 0 0 0 5 5L21 13l-8 8-3-3 8-8-1.3-1.3a4 4 0 0 1-5-5L14 1.5 14.7 6.3zM3 21l6-6',
  brush: 'M4 20c2 0 4-1 4-3a2 2 0 0 0-4 0c0 1-1 2-2 2M9 15l10-10a2 2 0 0 0-3-3L6 12',
  yen: 'M6 3l6 8 6-8M12 11v10M7 13h10M7 17h10',
  bell: 'M6 16V11a6 6 0 1 1 12 0v5l2 2H4zM10 20a2 2 0 0 0 4 0',
  notice: 'M3 11v2a1 1 0 0 0 1 1h2l5 4V6L6 10H4a1 1 0 0 0-1 1zM15 9a3 3 0 0 1 0 6M18 6a7 7 0 0 1 0 12',
  user: 'M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM4 21a8 8 0 0 1 16 0',
};

export const Icon = ({ name }) => html`<svg class="icon" viewBox="0 0 24 24" width="22" height="22" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true"><path d=${paths[name]} /></svg>`;

/** Logo is the sign-in pages' emblem: homes and a tower, drawn (no emoji font needed). */
export const Logo = () => html`<svg class="logo" viewBox="0 0 48 48" width="48" height="48" fill="none" stroke="currentColor" stroke-width="2.5" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false"><path d="M4 42h40M7 42V21l11-8 11 8v21M29 42V12l12-5v35M14 42v-8h8v8M13 24h3M20 24h3M35 17h2M35 25h2M35 33h2" /></svg>`;
