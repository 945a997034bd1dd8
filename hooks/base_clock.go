package hooks

import (
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/security"
	"github.com/pocketbase/pocketbase/tools/types"

	"wuye/lib/clock"
	"wuye/lib/workcal"
)

// The clock: every deadline, stamp and office date comes from now (lib/clock,
// which a test clock can start at a chosen instant), and an office date is a
// civil date in Asia/Shanghai.

// nowDateTime is now() as a record's datetime value: the stamps Wuye sets
// itself (signed in, delivered, paid, published …) come from the same clock
// as its deadlines.
func nowDateTime() types.DateTime {
	d, _ := types.ParseDateTime(now())
	return d
}

// registerClock makes PocketBase agree with a test clock (WUYE_CLOCK, see
// lib/clock). Without one it binds nothing: production runs on PocketBase's
// own clock untouched.
func registerClock(app core.App) {
	if !clock.Shifted() {
		return
	}
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.App.Logger().Warn(clock.Describe())
		return se.Next()
	})
	// created/updated: PocketBase's autodate interceptor keeps a value set
	// with SetRaw that differs from the last one it knows
	// (core/field_autodate.go), so stamping them here, before the save
	// executes, dates records on the test clock: "this month's complaints",
	// the vacancy register's days and the reports then agree with the
	// deadlines computed from now().
	stamp := func(e *core.RecordEvent, create bool) error {
		// PocketBase's own collections (_otps, _mfas, _authOrigins …) stay
		// on its clock: it times their expiry from created with time.Now.
		if e.Record.Collection().System {
			return e.Next()
		}
		at, _ := types.ParseDateTime(clock.Now())
		for _, f := range e.Record.Collection().Fields {
			if a, ok := f.(*core.AutodateField); ok && (create && a.OnCreate || !create && a.OnUpdate) {
				e.Record.SetRaw(a.Name, at)
			}
		}
		return e.Next()
	}
	app.OnRecordCreate().BindFunc(func(e *core.RecordEvent) error { return stamp(e, true) })
	app.OnRecordUpdate().BindFunc(func(e *core.RecordEvent) error { return stamp(e, false) })

	// Auth tokens: PocketBase signs and checks them on the real clock, but
	// the browser of a test runs on the test clock and the JS SDK drops a
	// token it thinks expired. A clock set ahead stretches the token's life
	// by the shift, so both clocks see it valid; the token stays refreshable.
	if clock.Offset() > 0 {
		app.OnRecordAuthRequest().BindFunc(func(e *core.RecordAuthRequestEvent) error {
			r := e.Record
			claims := map[string]any{ // jwt.MapClaims, as core/record_tokens.go makes them
				core.TokenClaimType:         core.TokenTypeAuth,
				core.TokenClaimId:           r.Id,
				core.TokenClaimCollectionId: r.Collection().Id,
				core.TokenClaimRefreshable:  true,
			}
			tok, err := security.NewJWT(claims, r.TokenKey()+r.Collection().AuthToken.Secret,
				r.Collection().AuthToken.DurationTime()+clock.Offset())
			if err != nil {
				return err
			}
			e.Token = tok
			return e.Next()
		})
	}
}

// now is the clock of serials, deadlines and stamps: the process clock (a
// test clock when WUYE_CLOCK is set, see lib/clock); tests replace it.
var now = clock.Now

// today is the current civil date in Asia/Shanghai.
func today() string { return dayOf(now()) }

// dayOf is the office date (Asia/Shanghai) of instant t, as YYYY-MM-DD.
func dayOf(t time.Time) string { return t.In(workcal.Shanghai).Format(time.DateOnly) }

// isCivilDate reports whether s is a real calendar date written YYYY-MM-DD.
func isCivilDate(s string) bool {
	t, err := time.Parse(time.DateOnly, s)
	return err == nil && t.Format(time.DateOnly) == s
}

// civil parses a YYYY-MM-DD field; empty or malformed gives the zero time.
func civil(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}
	}
	return t
}
