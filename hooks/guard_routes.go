package hooks

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
)

// Who may call the custom routes, and the headers around them (issue #16,
// items 8, 14 and 15): the gate check of a worker pass and the printed
// rectification notice follow the roles whose work needs them and the
// records API's rule; online orders are the unit's residents' own; the API
// answers cross-origin requests only from the origins an office lists;
// protected files and printed notices are never kept in shared caches.

func registerRouteGuard(app core.App) {
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		origins, err := AllowedOrigins(os.Getenv)
		if err != nil {
			return err
		}
		// PocketBase's `serve` binds CORS for "*" (or --origins) before
		// the serve hooks run; it is replaced by the configured list.
		se.Router.Unbind(apis.DefaultCorsMiddlewareId)
		se.Router.Bind(corsFor(origins))
		return se.Next()
	})
	// A protected file (signatures, complaint attachments, ID photos) is
	// served against a short-lived file token: no shared or browser cache
	// may keep it for the next user of the machine or the proxy (PocketBase
	// sends a 30-day public max-age for every file).
	app.OnFileDownloadRequest().BindFunc(func(e *core.FileDownloadRequestEvent) error {
		if e.FileField != nil && e.FileField.Protected {
			e.Response.Header().Set("Cache-Control", "private, no-store")
		}
		return e.Next()
	})
}

// AllowedOrigins reads WUYE_ALLOWED_ORIGINS: the web origins (scheme, host
// and port, e.g. "https://wuye.example.com"), separated by commas or
// spaces, whose pages may call the API from the browser. Unset, none: the
// pages served by Wuye itself are same-origin and need no CORS at all. "*"
// and anything that is not a bare origin stop the start with the reason.
func AllowedOrigins(getenv func(string) string) ([]string, error) {
	raw := strings.FieldsFunc(getenv("WUYE_ALLOWED_ORIGINS"), func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' })
	var out []string
	for _, o := range raw {
		u, err := url.Parse(o)
		if o == "*" || err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" ||
			(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
			return nil, fmt.Errorf("WUYE_ALLOWED_ORIGINS: %q 不是网站来源（应为 https://主机[:端口]，不能用 *） is not an origin (https://host[:port]; * is not accepted)", o)
		}
		out = append(out, u.Scheme+"://"+strings.ToLower(u.Host))
	}
	return out, nil
}

// corsFor answers cross-origin requests from origins only, at the priority
// of PocketBase's own CORS middleware (before the rate limiter, so that a
// preflight is not counted).
func corsFor(origins []string) *hook.Handler[*core.RequestEvent] {
	allowed := map[string]bool{}
	for _, o := range origins {
		allowed[o] = true
	}
	h := apis.CORS(apis.CORSConfig{
		AllowOriginFunc: func(origin string) (bool, error) { return allowed[strings.ToLower(origin)], nil },
		AllowMethods:    []string{http.MethodGet, http.MethodHead, http.MethodPut, http.MethodPatch, http.MethodPost, http.MethodDelete},
	})
	h.Id = "wuyeCors"
	return h
}

// printableHeaders are the headers of the printable notices the API serves
// as whole HTML pages: a policy that admits their own <style> and print
// button by hash and nothing else (no other script, no connections, no
// forms, no framing), as strict as the pages' own (hooks/ops_pages.go), and no
// caching: a notice names a household and its debts or violations.
func printableHeaders(h http.Header) {
	h.Set("Content-Security-Policy", printablePolicy())
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
	h.Set("Cache-Control", "private, no-store")
}

var printablePolicy = sync.OnceValue(func() string {
	styles, handlers := printableSources()
	script := "'none'"
	if len(handlers) > 0 {
		script = "'unsafe-hashes'" + sources(handlers)
	}
	style := "'none'"
	if len(styles) > 0 {
		style = strings.TrimSpace(sources(styles))
	}
	return "default-src 'none'; script-src " + script + "; style-src " + style +
		"; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
})

// passCheckRoles check worker passes at the gate: security on duty, and the
// desk roles that issue passes and work the keys-and-passes screen (front
// desk, area manager, supervisor, director). Engineering and cashiers see
// the passes of the renovations they handle, not the gate.
var passCheckRoles = []string{RoleSecurity, RoleFrontDesk, RoleAreaManager, RoleSupervisor, RoleDirector}

// mayCheckPass: a superuser, or a gate role who may read the pass through
// the records API (which keeps it to the staff of its community).
func mayCheckPass(e *core.RequestEvent, pass *core.Record) bool {
	if e.HasSuperuserAuth() {
		return true
	}
	return hasRole(e.Auth, passCheckRoles...) && mayListRecord(e, pass)
}

// violationNoticeRoles print the rectification notice (装修违规整改通知书,
// [004] 3 物业装修管理程序): the site roles who find a violation and hand the notice to the
// owner (engineering, area manager, security — the renovation screen tells
// them to print it for a major violation), the desk and the managers.
// Technicians and cashiers have no part in it.
var violationNoticeRoles = []string{RoleEngineer, RoleAreaManager, RoleSecurity, RoleFrontDesk, RoleSupervisor, RoleDirector}

// mayPrintViolationNotice: the applicant of the renovation, or one of
// violationNoticeRoles — in both cases only when the records API would show
// them the violation.
func mayPrintViolationNotice(e *core.RequestEvent, v, reno *core.Record) bool {
	switch {
	case e.HasSuperuserAuth():
		return true
	case isResident(e.Auth):
		return reno.GetString("applicant") == e.Auth.Id && mayListRecord(e, v)
	case isStaff(e.Auth):
		return hasRole(e.Auth, violationNoticeRoles...) && mayListRecord(e, v)
	}
	return false
}

// mayPayOnline: an online order (WeChat Pay, Alipay) is opened and paid by
// a resident who currently lives in the unit, for their own household's
// bills. Staff take money at the cashier's desk, as payments with their
// name on the receipt; the desk cannot "pay" a unit's bills online for it.
func mayPayOnline(app core.App, auth *core.Record, unitID string) bool {
	if !isResident(auth) {
		return false
	}
	ok, _ := exists(app, "unit_residents", dbx.HashExp{"unit": unitID, "resident": auth.Id, "active": true}, "")
	return ok
}
