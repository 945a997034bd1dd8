package hooks

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"wuye/lib/workcal"
)

// Per-account sign-in back-off (issue #16, item 13).
//
// PocketBase's rate limiter counts sign-in attempts per client address and
// collection (migrations/0005_settings.go: 30 a minute): someone guessing one
// account's password from many addresses is not slowed at all. Here the
// failures are counted per account, whatever address they come from: after
// SigninFailLimit wrong passwords within SigninFailWindow the account's
// sign-in is refused (429, Retry-After) for SigninLockout — even with the
// right password, which is what stops the guessing.
//
// It does not lock the real owner out for long: the refusal lasts
// SigninLockout from the failure that started it and counts no further
// failures (refused attempts check no password), failures older than the
// window are forgotten, and a successful sign-in clears the account's
// record. Someone who goes on guessing gets one attempt each time a
// lockout ends — about 4 an hour instead of 30 a minute per address. The
// owner is told in-app, once per episode (an episode ends when the window
// has passed with no failure, or at a successful sign-in).
//
// Attempts on an identity that matches no account are counted the same way
// under the identity itself, so that a lockout does not reveal whether an
// account exists. The counts live in memory (per app): a restart forgets
// them, which an attacker cannot cause.
const (
	SigninFailLimit  = 10
	SigninFailWindow = 15 * time.Minute
	SigninLockout    = 15 * time.Minute
	// signinTrackMax bounds the memory the counts may take (an entry is a
	// few hundred bytes); beyond it attempts on unknown identities are no
	// longer counted (accounts always are).
	signinTrackMax = 200_000
)

func init() {
	messages["wuye_signin_backoff"] = text{
		"该账号登录失败次数过多，已暂停登录，请 %[1]v 分钟后再试；如忘记密码，请用“忘记密码”或到物业服务中心重置",
		"Too many failed sign-ins on this account: sign-in is paused; please try again in %[1]v minutes, or reset a forgotten password.",
	}
}

func registerSigninBackoff(app core.App) {
	app.OnRecordAuthWithPasswordRequest("staff", "residents").BindFunc(guardSignin)
}

// signinEntry is what is known of one account's (or identity's) recent
// failed sign-ins.
type signinEntry struct {
	fails       []time.Time // within the window, oldest first
	lockedUntil time.Time
	inflight    int  // attempts whose password is being checked now
	notified    bool // the owner was told of this episode
}

// signinBackoff holds the entries of one app.
type signinBackoff struct {
	mu      sync.Mutex
	entries map[string]*signinEntry
}

func backoffOf(app core.App) *signinBackoff {
	return app.Store().GetOrSet("wuye_signin_backoff", func() any {
		return &signinBackoff{entries: map[string]*signinEntry{}}
	}).(*signinBackoff)
}

// begin reports whether an attempt on key may go ahead at t; when it may
// not, wait is how long until it may. In-flight attempts count as failures
// until they end, so that many attempts sent at once cannot slip past the
// limit while their passwords are checked.
func (b *signinBackoff) begin(key string, account bool, t time.Time) (wait time.Duration, ok bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	en := b.entries[key]
	if en == nil {
		if !account && len(b.entries) >= signinTrackMax {
			b.sweep(t)
			if len(b.entries) >= signinTrackMax {
				return 0, true
			}
		}
		en = &signinEntry{}
		b.entries[key] = en
	}
	en.prune(t)
	if t.Before(en.lockedUntil) {
		return en.lockedUntil.Sub(t), false
	}
	if len(en.fails)+en.inflight >= SigninFailLimit {
		return time.Second, false
	}
	en.inflight++
	return 0, true
}

// end records the outcome of an attempt begun at begin. It reports whether
// the failure started a lockout the owner has not been told of yet.
func (b *signinBackoff) end(key string, t time.Time, failed, succeeded bool) (tell bool, until time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	en := b.entries[key]
	if en == nil {
		return false, time.Time{}
	}
	en.inflight--
	switch {
	case succeeded:
		delete(b.entries, key)
		return false, time.Time{}
	case failed:
		en.prune(t)
		en.fails = append(en.fails, t)
		if len(en.fails) >= SigninFailLimit && !t.Before(en.lockedUntil) {
			en.lockedUntil = t.Add(SigninLockout)
			tell = !en.notified
			en.notified = true
			return tell, en.lockedUntil
		}
	}
	if en.idle(t) {
		delete(b.entries, key)
	}
	return false, time.Time{}
}

// prune forgets failures older than the window; an episode ends when none
// is left and no lockout runs.
func (en *signinEntry) prune(t time.Time) {
	i := 0
	for i < len(en.fails) && t.Sub(en.fails[i]) >= SigninFailWindow {
		i++
	}
	en.fails = en.fails[i:]
	if len(en.fails) == 0 && !t.Before(en.lockedUntil) {
		en.notified = false
	}
}

func (en *signinEntry) idle(t time.Time) bool {
	return len(en.fails) == 0 && en.inflight == 0 && !t.Before(en.lockedUntil)
}

// sweep drops the entries with nothing left to remember.
func (b *signinBackoff) sweep(t time.Time) {
	for k, en := range b.entries {
		en.prune(t)
		if en.idle(t) {
			delete(b.entries, k)
		}
	}
}

// signinKey names what an attempt is counted against: the account it
// names (by e-mail or phone alike), else the identity as typed.
func signinKey(e *core.RecordAuthWithPasswordRequestEvent) (string, bool) {
	if e.Record != nil {
		return e.Collection.Name + "/" + e.Record.Id, true
	}
	return e.Collection.Name + "?" + strings.ToLower(strings.TrimSpace(e.Identity)), false
}

func guardSignin(e *core.RecordAuthWithPasswordRequestEvent) error {
	b := backoffOf(e.App)
	key, account := signinKey(e)
	wait, ok := b.begin(key, account, now())
	if !ok {
		minutes := int(math.Ceil(wait.Minutes()))
		e.Response.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
		return apis.NewApiError(http.StatusTooManyRequests, "", validation.Errors{"identity": codedError("wuye_signin_backoff", minutes)})
	}
	err := e.Next()
	failed := wrongPassword(err)
	tell, until := b.end(key, now(), failed, err == nil)
	if tell && e.Record != nil {
		if nerr := tellOwner(e.App, e.Record, until); nerr != nil {
			e.App.Logger().Error("sign-in back-off notice", "account", e.Record.Id, "error", nerr)
		}
	}
	return err
}

// wrongPassword reports whether err is PocketBase's answer to a wrong
// identity or password (other refusals — a deactivated account, bad input
// — are not guesses).
func wrongPassword(err error) bool {
	var apiErr *router.ApiError
	return errors.As(err, &apiErr) && apiErr.Status == http.StatusBadRequest && apiErr.Message == "Failed to authenticate."
}

// tellOwner writes the in-app notice to the account and the timeline entry
// of the lockout, together.
func tellOwner(app core.App, account *core.Record, until time.Time) error {
	at := until.In(workcal.Shanghai).Format("15:04")
	return app.RunInTransaction(func(tx core.App) error {
		if err := Notify(tx, Notice{
			Recipient: account,
			Kind:      "signin_backoff",
			Title:     "您的账号登录失败次数过多，已暂停登录",
			Body: fmt.Sprintf("%d 分钟内有 %d 次密码错误的登录尝试，您的账号暂停登录到 %s（北京时间）。"+
				"如果不是您本人操作，说明有人在试您的密码：请登录后修改密码，或联系物业服务中心。",
				int(SigninFailWindow.Minutes()), SigninFailLimit, at),
			Subject: account,
		}); err != nil {
			return err
		}
		return RecordEvent(tx, Event{Subject: account, Action: "signin_backoff", Note: "paused until " + until.UTC().Format(time.RFC3339)})
	})
}
