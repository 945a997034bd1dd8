package hooks

import (
	"errors"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// Shared answers: the supervisors' and director's dashboards re-read their
// four statistics requests whenever a change reaches them (pb_public/js/core/
// realtime.js, FIGURES_WINDOW), so a busy minute has every dashboard of a
// community asking the same figures within the same second — ~12.5 ms of
// SQL each over the history (BENCHMARKS.md § Realtime). sharedAnswer computes
// such an answer once and hands it to every caller whose answer is provably
// the same for sharedAnswerTTL: the key is the route, its query and the
// caller's scope as the route's check sees it (answerScope). Callers of
// another scope never share; a caller arriving while the answer is being
// computed waits for it instead of computing it again. An answer is at most
// sharedAnswerTTL old — the figures are "as of a second ago", which the
// dashboard's own 5-second window already is.

// sharedAnswerTTL is how long one computed answer is served;
// WUYE_SHARED_ANSWERS_MS overrides it (0: every caller computes their own —
// the hooks tests run so, but the one that tests the sharing).
const sharedAnswerTTL = time.Second

// sharedAnswerStoreKey keeps each app's answers in its own store: two apps
// (tests, the bench) never see each other's figures.
const sharedAnswerStoreKey = "wuye.sharedAnswers"

var errUnfinished = errors.New("shared answer not computed")

type sharedAnswers struct {
	mu      sync.Mutex
	ttl     time.Duration
	now     func() time.Time // the clock of the windows (tests move it)
	entries map[string]*sharedEntry
}

type sharedEntry struct {
	done chan struct{} // closed when val and err are set
	at   time.Time     // when the computation started
	val  any
	err  error
}

// answersOf is app's cache of shared answers.
func answersOf(app core.App) *sharedAnswers {
	return app.Store().GetOrSet(sharedAnswerStoreKey, func() any {
		ttl := sharedAnswerTTL
		if ms, err := strconv.Atoi(os.Getenv("WUYE_SHARED_ANSWERS_MS")); err == nil && ms >= 0 {
			ttl = time.Duration(ms) * time.Millisecond
		}
		return &sharedAnswers{ttl: ttl, now: time.Now, entries: map[string]*sharedEntry{}}
	}).(*sharedAnswers)
}

// answerScope is the caller as a statistics route's check sees them: a
// superuser, or a staff member's role and the communities they serve, in
// order. Two callers with the same scope pass the same checks and read the
// same figures; a caller outside staff has no shared scope ("" — never
// shared).
func answerScope(auth *core.Record, superuser bool) string {
	if superuser {
		return "superuser"
	}
	if !isStaff(auth) {
		return ""
	}
	cs := slices.Clone(auth.GetStringSlice("communities"))
	slices.Sort(cs)
	return "staff:" + staffRole(auth) + ":" + strings.Join(cs, ",")
}

// answerKey is the route, its query in a canonical order, and the scope.
func answerKey(route string, query url.Values, scope string) string {
	return route + "?" + query.Encode() + "#" + scope
}

// sharedAnswer is compute's answer for e's route, query and scope: the one
// computed less than sharedAnswerTTL ago if any, else computed now (once for
// all callers arriving meanwhile). An error is not kept.
func sharedAnswer(e *core.RequestEvent, compute func() (any, error)) (any, error) {
	scope := answerScope(e.Auth, e.HasSuperuserAuth())
	if scope == "" {
		return compute()
	}
	return answersOf(e.App).get(answerKey(e.Request.URL.Path, e.Request.URL.Query(), scope), compute)
}

func (s *sharedAnswers) get(key string, compute func() (any, error)) (any, error) {
	s.mu.Lock()
	if s.ttl <= 0 {
		s.mu.Unlock()
		return compute()
	}
	at := s.now()
	if en, ok := s.entries[key]; ok && at.Sub(en.at) < s.ttl && at.Sub(en.at) >= 0 {
		s.mu.Unlock()
		<-en.done
		if en.err == nil {
			return en.val, nil
		}
		// The computation this caller waited for failed: its own try.
		return compute()
	}
	if len(s.entries) >= 256 {
		for k, en := range s.entries {
			if at.Sub(en.at) >= s.ttl {
				delete(s.entries, k)
			}
		}
	}
	// errUnfinished stays if compute panics: those waiting compute their own.
	en := &sharedEntry{done: make(chan struct{}), at: at, err: errUnfinished}
	s.entries[key] = en
	s.mu.Unlock()
	defer close(en.done)
	en.val, en.err = compute()
	if en.err != nil {
		s.mu.Lock()
		if s.entries[key] == en {
			delete(s.entries, key)
		}
		s.mu.Unlock()
	}
	return en.val, en.err
}
