// The one place the pages get their UI library from: Preact components
// written as tagged templates (htm), so the pages need no build step.
import { h, render, Fragment } from 'preact';
import htm from 'htm';

export const html = htm.bind(h);
export { h, render, Fragment };
export { useState, useEffect, useMemo, useRef, useCallback, useReducer } from 'preact/hooks';
