// The signed-in person's unread notifications, live, for the bell and the
// resident home's "your turn" list. A new notification's message carries
// the notification itself (hooks/base_realtime_notes.go): it is put in
// place with no request. Any other message about their notifications (one
// read, here or on another page; one written in bulk, whose message has
// only its id) re-reads the list, at most once a window (useCoalesce).
// Why: every open page has a bell, and a re-read of the unread list and
// its count on every notification was a quarter of the pages' re-reads on
// the server (BENCHMARKS.md § Realtime, issue #23).
import { useRef } from './html.js';
import { useAsync } from './ui.js';
import { useMyTopic, useCoalesce, newestFirst, LIST_WINDOW } from './realtime.js';

const HEARD_MAX = 200; // notes kept for a read under way; the newest

/**
 * withNote puts note into page ({ items, totalItems }) as a read would
 * show it: among the newest max, counted once (a note the page has
 * already changes nothing; a total of -1, not counted, stays so).
 */
export function withNote(page, note, max) {
  if (!page || page.items.some((x) => x.id === note.id)) return page;
  const items = [...page.items, note].sort(newestFirst()).slice(0, max);
  const total = page.totalItems;
  return { ...page, items, totalItems: typeof total === 'number' && total >= 0 ? total + 1 : total };
}

/**
 * useUnreadNotes is useAsync of read() — the page of the person's unread
 * notifications, newest first, max of them — kept live: a new note that
 * keep(note) accepts is put in, one it does not is no change to this list;
 * anything else re-reads. Notes heard while a read is under way are put
 * into its answer too (it may have been taken before they were written).
 */
export function useUnreadNotes(me, read, { keep = () => true, max = 20 } = {}) {
  const heard = useRef({ n: 0, notes: new Map() }); // id → { n, note }
  const list = useAsync(async () => {
    const h = heard.current;
    const from = h.n;
    let page = await read();
    for (const [id, x] of h.notes) {
      if (x.n <= from) h.notes.delete(id); // heard before this read began: it has it, or it was read since
      else page = withNote(page, x.note, max);
    }
    return page;
  }, [me.id]);
  const changed = useCoalesce(() => list.reload(), LIST_WINDOW);
  useMyTopic((e) => {
    const note = e.note;
    if (e.action !== 'create' || !note || note.id !== e.id || note.read) {
      changed(e);
      return;
    }
    if (!keep(note)) return;
    const h = heard.current;
    h.notes.set(note.id, { n: ++h.n, note });
    if (h.notes.size > HEARD_MAX) h.notes.delete(h.notes.keys().next().value);
    list.setData((d) => (d === undefined ? d : withNote(d, note, max)));
  }, { collections: ['notifications'], onReconnect: list.reload }, [me.id]);
  return list;
}
