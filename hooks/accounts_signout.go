package hooks

import (
	"net/http"
	"slices"
	"strings"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/security"
)

// Signing staff out (issue #16, item 2).
//
// PocketBase checks the staff collection's auth rule (active = true) only
// when a token is issued (sign-in, refresh); a token it issued stays valid
// for its whole lifetime (5 days) and is re-read from the database on every
// request without the auth rule. A member of staff who was deactivated —
// or moved to another role or community, whose old powers they must not
// keep — went on listing residents, writing records, minting file tokens
// and receiving realtime messages until the token expired.
//
// Now such a change signs the account out everywhere at once:
//
//   - its token key is rotated in the same save: every auth token and file
//     token signed with the old key stops verifying (PocketBase signs both
//     with the record's tokenKey);
//   - its realtime connections are closed once the change is committed;
//   - a request that still carries one of its old tokens is answered 401
//     "登录已失效，请重新登录" rather than quietly served as a guest, so the
//     page sends the person to sign in again.
//
// And, as a second line behind the rotation (an account deactivated by a
// script or an import that saves without the key rotating, a token loaded
// by some other means), a request authenticated as an inactive member of
// staff is refused whatever it asks for: records API, custom routes, file
// tokens and protected files, realtime subscriptions.

// Top-level messages of the refusals (translated by localizeErrors through
// topMessages).
const (
	msgStaffInactive = "This staff account is deactivated."
	msgSignedOut     = "Your sign-in is no longer valid; please sign in again."
)

// realtimeAccountKey is the realtime client store key under which the
// account that subscribed is remembered. PocketBase keeps the account under
// its own key too, but unsets it the moment the token key changes (before
// this file's after-save hook can look for it).
const realtimeAccountKey = "wuye_account"

func init() {
	topMessages[msgStaffInactive] = text{"该员工账号已停用，请联系管理处主任", "This staff account is deactivated; please contact the office director."}
	topMessages[msgSignedOut] = text{"登录已失效（账号可能已停用，或岗位、所属小区已变更），请重新登录", "Your sign-in is no longer valid (the account may have been deactivated, or its role or communities changed); please sign in again."}
}

func registerAccountsSignout(app core.App) {
	app.OnRecordUpdate("staff").BindFunc(rotateStaffTokenKey)
	app.OnRecordAfterUpdateSuccess("staff").BindFunc(func(e *core.RecordEvent) error {
		dropRealtimeClients(e.App, e.Record)
		return e.Next()
	})
	app.OnRealtimeSubscribeRequest().BindFunc(rememberRealtimeAccount)
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.BindFunc(refuseSignedOutStaff)
		return se.Next()
	})
}

// signsOut reports whether the change from orig to r ends the account's
// sessions: deactivation, another role, other communities.
func signsOut(orig, r *core.Record) bool {
	return (orig.GetBool("active") && !r.GetBool("active")) ||
		orig.GetString("role") != r.GetString("role") ||
		!sameSet(orig.GetStringSlice("communities"), r.GetStringSlice("communities"))
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(slices.Compact(a), slices.Compact(b))
}

// rotateStaffTokenKey is a model hook, so that every save signs the account
// out — the director's update through the API, a cron job, an import.
func rotateStaffTokenKey(e *core.RecordEvent) error {
	if !e.Record.IsNew() && signsOut(e.Record.Original(), e.Record) {
		e.Record.RefreshTokenKey()
	}
	return e.Next()
}

// rememberRealtimeAccount notes on the client which account subscribed
// (and with which token key), once the subscription is accepted.
func rememberRealtimeAccount(e *core.RealtimeSubscribeRequestEvent) error {
	if err := e.Next(); err != nil {
		return err
	}
	if e.Auth != nil {
		e.Client.Set(realtimeAccountKey, realtimeAccount{e.Auth.Collection().Name, e.Auth.Id, e.Auth.TokenKey()})
	} else {
		e.Client.Unset(realtimeAccountKey)
	}
	return nil
}

type realtimeAccount struct{ collection, id, tokenKey string }

// dropRealtimeClients closes the realtime connections that account r
// opened with a token key it no longer has (PocketBase would only turn
// them into guest connections, still holding their subscriptions). It runs
// after the save is committed, for every auth-record change: a password
// change rotates the key as well.
func dropRealtimeClients(app core.App, r *core.Record) {
	broker := app.SubscriptionsBroker()
	if broker.TotalClients() == 0 {
		return
	}
	for id, c := range broker.Clients() {
		acc, ok := c.Get(realtimeAccountKey).(realtimeAccount)
		if ok && acc.id == r.Id && acc.collection == r.Collection().Name && acc.tokenKey != r.TokenKey() {
			broker.Unregister(id) // closes its channel: the connection ends
		}
	}
}

// refuseSignedOutStaff is the router middleware; it runs after PocketBase
// has loaded the request's auth token.
func refuseSignedOutStaff(e *core.RequestEvent) error {
	if e.Auth != nil {
		if isStaff(e.Auth) && !e.Auth.GetBool("active") {
			return apis.NewUnauthorizedError(msgStaffInactive, nil)
		}
		return e.Next()
	}
	// A protected file is fetched with a file token in the query instead of
	// the Authorization header.
	if e.Request.Method == http.MethodGet && strings.HasPrefix(e.Request.URL.Path, "/api/files/") {
		if token := e.Request.URL.Query().Get("token"); token != "" {
			if r, err := e.App.FindAuthRecordByToken(token, core.TokenTypeFile); err == nil && isStaff(r) && !r.GetBool("active") {
				return apis.NewNotFoundError("", nil)
			}
		}
		return e.Next()
	}
	if staffTokenRefused(e) {
		return apis.NewUnauthorizedError(msgSignedOut, nil)
	}
	return e.Next()
}

// staffTokenRefused reports whether the request carries a staff auth token
// that PocketBase did not accept although it has not expired: one signed
// with a token key the account no longer has.
// The sign-in routes are left alone: the pages send whatever token they
// hold with every request, a stale one with the sign-in that replaces it.
func staffTokenRefused(e *core.RequestEvent) bool {
	token := e.Request.Header.Get("Authorization")
	if len(token) > 7 && strings.EqualFold(token[:7], "Bearer ") {
		token = token[7:]
	}
	if token == "" {
		return false
	}
	path := e.Request.URL.Path
	if strings.HasPrefix(path, "/api/collections/") {
		last := path[strings.LastIndex(path, "/")+1:]
		if strings.HasPrefix(last, "auth-") || strings.HasPrefix(last, "request-") || strings.HasPrefix(last, "confirm-") {
			return false
		}
	}
	claims, err := security.ParseUnverifiedJWT(token)
	if err != nil {
		return false
	}
	staff, err := e.App.FindCachedCollectionByNameOrId("staff")
	if err != nil {
		return false
	}
	return claims[core.TokenClaimType] == core.TokenTypeAuth && claims[core.TokenClaimCollectionId] == staff.Id
}
