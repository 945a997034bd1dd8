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
// the same: the key is the route, its query and the caller's scope as the
// route's check sees it (answerScope). Callers of another scope never share;
// a caller arriving while the answer is being computed waits for it instead
// of computing it again.
//
// An answer is shared only until the next change that may move it: a page
// re-reads its figures because a change reached it, and must not be handed
// figures computed before that change — it would show them until the next
// change, which in a quiet office may be an hour away. So every record saved
// or deleted (but the side records of changes, sideRecords) advances a
// counter of its community (or of all communities, for a record without
// one), and the key holds the counters of the caller's communities: an
// answer computed before a change in one of them is never served after it.
// An answer is also at most sharedAnswerTTL old; writes that bypass the
// records' hooks (imports' multi-row inserts) are covered by that alone.

// sharedAnswerTTL is how long one computed answer is served;
// WUYE_SHARED_ANSWERS_MS overrides it (0: every caller computes their own —
// the hooks tests run so, but the one that tests the sharing).
const sharedAnswerTTL = time.Second

// sharedAnswerStoreKey keeps each app's answers in its own store: two apps
// (tests, the bench) never see each other's figures.
const sharedAnswerStoreKey = "wuye.sharedAnswers"

var errUnfinished = errors.New("shared answer not computed")

type sharedAnswers struct {
	mu       sync.Mutex
	ttl      time.Duration
	now      func() time.Time // the clock of the windows (tests move it)
	entries  map[string]*sharedEntry
	computed int // answers computed (tests count them)

	// Change counters (changed): every change, changes of records without
	// a community, and changes by community.
	all, global uint64
	changes     map[string]uint64
}

// sideRecords are written beside the changes they follow (the audit trail,
// notices to people and their deliveries, read marks, sandboxes): no figure
// of the statistics routes counts them, and every change writes some.
var sideRecords = map[string]bool{
	"events": true, "notifications": true, "deliveries": true, "notification_preferences": true,
	"notice_reads": true, "push_subscriptions": true, "fanouts": true, "sms_sandbox": true,
	"wechat_sandbox": true, "phone_changes": true,
}

// registerSharedAnswers advances the change counters after every commit of
// a record saved or deleted.
func registerSharedAnswers(app core.App) {
	changed := func(e *core.ModelEvent) error {
		if r, ok := e.Model.(*core.Record); ok && !sideRecords[r.Collection().Name] {
			c := ""
			if r.Collection().Fields.GetByName("community") != nil {
				c = r.GetString("community")
			}
			answersOf(e.App).changed(c)
		}
		return e.Next()
	}
	app.OnModelAfterCreateSuccess().BindFunc(changed)
	app.OnModelAfterUpdateSuccess().BindFunc(changed)
	app.OnModelAfterDeleteSuccess().BindFunc(changed)
}

// changed counts a committed change of a record of community c ("" for a
// record without one, which may move any community's figures).
func (s *sharedAnswers) changed(c string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.all++
	if c == "" {
		s.global++
		return
	}
	s.changes[c]++
}

// version is the change counters an answer for scope depends on (s.mu held).
func (s *sharedAnswers) version(scope string, communities []string) string {
	if scope == "superuser" {
		return strconv.FormatUint(s.all, 10)
	}
	v := strconv.FormatUint(s.global, 10)
	for _, c := range communities {
		v += "." + strconv.FormatUint(s.changes[c], 10)
	}
	return v
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
		return &sharedAnswers{ttl: ttl, now: time.Now, entries: map[string]*sharedEntry{}, changes: map[string]uint64{}}
	}).(*sharedAnswers)
}

// answerScope is the caller as a statistics route's check sees them: a
// superuser, or a staff member's role and the communities they serve, in
// order. Two callers with the same scope pass the same checks and read the
// same figures; a caller outside staff has no shared scope ("" — never
// shared).
func answerScope(auth *core.Record, superuser bool) (string, []string) {
	if superuser {
		return "superuser", nil
	}
	if !isStaff(auth) {
		return "", nil
	}
	cs := slices.Clone(auth.GetStringSlice("communities"))
	slices.Sort(cs)
	return "staff:" + staffRole(auth) + ":" + strings.Join(cs, ","), cs
}

// answerKey is the route, its query in a canonical order, and the scope.
func answerKey(route string, query url.Values, scope string) string {
	return route + "?" + query.Encode() + "#" + scope
}

// sharedAnswer is compute's answer for e's route, query and scope: the one
// computed less than sharedAnswerTTL ago if any, else computed now (once for
// all callers arriving meanwhile). An error is not kept.
func sharedAnswer(e *core.RequestEvent, compute func() (any, error)) (any, error) {
	scope, communities := answerScope(e.Auth, e.HasSuperuserAuth())
	if scope == "" {
		return compute()
	}
	return answersOf(e.App).get(answerKey(e.Request.URL.Path, e.Request.URL.Query(), scope), scope, communities, compute)
}

func (s *sharedAnswers) get(key, scope string, communities []string, compute func() (any, error)) (any, error) {
	s.mu.Lock()
	if s.ttl <= 0 {
		s.mu.Unlock()
		return compute()
	}
	// The counters are read before the computation starts: a change
	// committed while it runs makes a new key, so the answer, which may or
	// may not have seen the change, is not served after it.
	key += "@" + s.version(scope, communities)
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
	s.computed++
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
