package hooks

import "github.com/pocketbase/pocketbase/core"

// registerAccounts binds what guards the staff and residents accounts
// themselves (issue #16): signing staff out everywhere when they are
// deactivated or moved (accounts_signout.go), the per-account sign-in
// back-off (accounts_backoff.go) and the confirmed phone change
// (accounts_phone.go).
func registerAccounts(app core.App) {
	registerAccountsSignout(app)
	registerSigninBackoff(app)
	registerPhoneChange(app)
}
