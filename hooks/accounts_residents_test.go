package hooks_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"wuye/demo"
	"wuye/internal/testapp"
)

// Issue #16, item 1: no account takeover across communities
// (hooks/accounts_residents.go, migrations/0030_resident_accounts.go).

var requestNo atomic.Int64

// doAs sends one JSON request as the demo account email from an address of
// its own (PocketBase's per-address limits would otherwise slow a generated
// test down or refuse it for the wrong reason), optionally in English.
func doAs(t testing.TB, h http.Handler, method, target, body, email string, headers ...string) (int, string) {
	t.Helper()
	n := requestNo.Add(1)
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	req.RemoteAddr = fmt.Sprintf("10.%d.%d.%d:1234", 200+n>>16&31, n>>8&255, n&255)
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	if email != "" {
		req.Header.Set("Authorization", testapp.Token(t, email))
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}

// secrets is what a takeover changes: the password (its hash and the token
// key rotated with it), the e-mail and the verified flag.
func secrets(t testing.TB, app core.App, id string) string {
	t.Helper()
	r, err := app.FindRecordById("residents", id)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprint(r.GetString("password"), "|", r.TokenKey(), "|", r.Email(), "|", r.Verified())
}

// idOf is the id of the record a JSON answer is.
func idOf(t testing.TB, body string) string {
	t.Helper()
	var r struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal([]byte(body), &r); err != nil || r.ID == "" {
		t.Fatalf("no record in %s", body)
	}
	return r.ID
}

func signInResident(t testing.TB, h http.Handler, identity, password string) int {
	t.Helper()
	code, _ := doAs(t, h, http.MethodPost, "/api/collections/residents/auth-with-password",
		`{"identity":"`+identity+`","password":"`+password+`"}`, "")
	return code
}

// The attack of the issue, step by step: the supervisor of 银杏苑 links a
// 翠湖花园 owner to a 银杏苑 unit and sets the owner's password and e-mail.
func TestCrossCommunityTakeoverRefused(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	owner1 := testapp.ID(t, "residents:owner1@example.com")
	const attacker = "supervisor.yx@example.com"
	before := secrets(t, app, owner1)

	// The link is made, but waits for owner1: it grants nothing, and its
	// answer (expanded or not) tells nothing of owner1 but the id sent.
	code, body := doAs(t, h, http.MethodPost, "/api/collections/unit_residents/records?expand=resident",
		`{"unit":"`+testapp.ID(t, "unit:A-102")+`","resident":"`+owner1+`","relation":"owner","pending":false,"active":true}`, attacker)
	if code != 200 || !strings.Contains(body, `"pending":true`) || !strings.Contains(body, `"active":false`) {
		t.Errorf("the link is not left pending: %d %s", code, body) // (and the attack goes on)
	}
	for _, leak := range []string{"李明", "owner1@example.com", "13800000001", `"expand":{"`} {
		if strings.Contains(body, leak) {
			t.Errorf("the link's answer shows %s: %s", leak, body)
		}
	}
	link := idOf(t, body)
	if code, body := doAs(t, h, http.MethodGet, "/api/collections/residents/records/"+owner1, "", attacker); code != 404 {
		t.Errorf("the attacker views owner1 through a pending link: %d %s", code, body)
	}
	// Nor can the attacker confirm it for them.
	if code, body := doAs(t, h, http.MethodPatch, "/api/collections/unit_residents/records/"+link, `{"pending":false}`, attacker); code != 400 {
		t.Errorf("the attacker clears the pending flag: %d %s", code, body)
	}

	for _, b := range []string{
		`{"password":"taken-over-2026","passwordConfirm":"taken-over-2026"}`,
		`{"email":"attacker@example.com"}`,
		`{"verified":false}`,
	} {
		for _, who := range []string{attacker, "supervisor@example.com", "director@example.com"} {
			if code, resp := doAs(t, h, http.MethodPatch, "/api/collections/residents/records/"+owner1, b, who); code == 200 {
				t.Errorf("%s sets %s of owner1: %d %s", who, b, code, resp)
			}
		}
	}
	if after := secrets(t, app, owner1); after != before {
		t.Fatalf("owner1's password, e-mail or verified flag changed: %s → %s", before, after)
	}
	if code := signInResident(t, h, "owner1@example.com", "taken-over-2026"); code == 200 {
		t.Fatal("the attacker signs in as owner1")
	}
	if code := signInResident(t, h, "attacker@example.com", "taken-over-2026"); code == 200 {
		t.Fatal("the attacker signs in as owner1 by the new e-mail")
	}
	if code := signInResident(t, h, "owner1@example.com", demo.Password); code != 200 {
		t.Fatalf("owner1 cannot sign in any more: %d", code)
	}

	// owner1 sees the request in the portal, and declines it.
	code, body = doAs(t, h, http.MethodGet, "/api/wuye/links/pending", "", "owner1@example.com")
	expectBody(t, "owner1's pending links", code, body, 200, `"id":"`+link+`"`, `银杏苑`, `"relation":"owner"`)
	if code, body := doAs(t, h, http.MethodGet, "/api/wuye/links/pending", "", "owner2@example.com"); code != 200 || strings.Contains(body, link) {
		t.Errorf("another resident sees owner1's pending link: %d %s", code, body)
	}
	if code, _ := doAs(t, h, http.MethodPost, "/api/wuye/links/"+link+"/confirm", "", "owner2@example.com"); code != 404 {
		t.Errorf("another resident confirms owner1's link: %d", code)
	}
	code, body = doAs(t, h, http.MethodPost, "/api/wuye/links/"+link+"/decline", "", "owner1@example.com")
	expectBody(t, "decline", code, body, 204)
	if _, err := app.FindRecordById("unit_residents", link); err == nil {
		t.Error("a declined link stays")
	}
	if n, _ := app.CountRecords("events", dbx.HashExp{"subject_id": link, "action": "declined", "actor_resident": owner1}); n != 1 {
		t.Errorf("the decline is not recorded (%d events)", n)
	}
}

// A pending link the resident confirms becomes current: the unit opens to
// the resident and the resident to that community's staff — who still
// cannot set the password.
func TestConfirmedLinkGrants(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	owner1 := testapp.ID(t, "residents:owner1@example.com")
	unit := testapp.ID(t, "unit:A-102")
	code, body := doAs(t, h, http.MethodPost, "/api/collections/unit_residents/records",
		`{"unit":"`+unit+`","resident":"`+owner1+`","relation":"tenant"}`, "supervisor.yx@example.com")
	expectBody(t, "the link", code, body, 200, `"pending":true`)
	link := idOf(t, body)
	if n, _ := app.CountRecords("notifications", dbx.HashExp{"recipient_resident": owner1, "kind": "link_to_confirm"}); n != 1 {
		t.Errorf("owner1 was not told of the link (%d notifications)", n)
	}
	if code, _ := doAs(t, h, http.MethodGet, "/api/collections/units/records/"+unit, "", "owner1@example.com"); code != 404 {
		t.Errorf("a pending link opens the unit: %d", code)
	}
	code, body = doAs(t, h, http.MethodPost, "/api/wuye/links/"+link+"/confirm", "", "owner1@example.com")
	expectBody(t, "confirm", code, body, 200, `"active":true`)
	if code, body := doAs(t, h, http.MethodPost, "/api/wuye/links/"+link+"/confirm", "", "owner1@example.com"); code != 400 || !strings.Contains(body, "不需要确认") {
		t.Errorf("confirm twice: %d %s", code, body)
	}
	if code, _ := doAs(t, h, http.MethodGet, "/api/collections/units/records/"+unit, "", "owner1@example.com"); code != 200 {
		t.Errorf("the confirmed link does not open the unit: %d", code)
	}
	if code, _ := doAs(t, h, http.MethodGet, "/api/collections/residents/records/"+owner1, "", "frontdesk.yx@example.com"); code != 200 {
		t.Errorf("the confirmed resident is not visible to 银杏苑's desk: %d", code)
	}
	before := secrets(t, app, owner1)
	if code, _ := doAs(t, h, http.MethodPatch, "/api/collections/residents/records/"+owner1,
		`{"password":"taken-over-2026","passwordConfirm":"taken-over-2026"}`, "supervisor.yx@example.com"); code == 200 || secrets(t, app, owner1) != before {
		t.Errorf("a supervisor of the resident's community sets the password: %d", code)
	}
	if n, _ := app.CountRecords("events", dbx.HashExp{"subject_id": link, "action": "confirmed", "actor_resident": owner1}); n != 1 {
		t.Errorf("the confirmation is not recorded (%d events)", n)
	}
}

// Generated: no staff account of any community and role changes any
// resident's password, e-mail or verified flag (every staff account ×
// every resident × each secret).
func TestNoStaffSetsResidentSecrets(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	staff, err := app.FindAllRecords("staff", dbx.HashExp{"active": true})
	if err != nil {
		t.Fatal(err)
	}
	residents, err := app.FindAllRecords("residents")
	if err != nil {
		t.Fatal(err)
	}
	// Every probe sends a password, which PocketBase hashes as it reads the
	// body, whoever may save it: bcrypt's least cost keeps 400 of them
	// quick. (What is judged — rules and hooks — does not depend on it.)
	col, _ := app.FindCollectionByNameOrId("residents")
	col.Fields.GetByName("password").(*core.PasswordField).Cost = 4
	if err := app.Save(col); err != nil {
		t.Fatal(err)
	}
	tried, held := 0, 0
	for _, s := range staff {
		for _, r := range residents {
			before := secrets(t, app, r.Id)
			for _, b := range []string{
				`{"password":"taken-over-2026","passwordConfirm":"taken-over-2026"}`,
				`{"email":"taken.` + r.Id + `@example.com"}`,
				fmt.Sprintf(`{"verified":%v}`, !r.Verified()),
			} {
				tried++
				code, _ := doAs(t, h, http.MethodPatch, "/api/collections/residents/records/"+r.Id, b, s.Email())
				if code != 200 && secrets(t, app, r.Id) == before {
					held++
				} else {
					t.Errorf("%s (%s) sends %s for resident %s: %d", s.Email(), s.GetString("role"), b, r.Email(), code)
					before = secrets(t, app, r.Id)
				}
			}
		}
	}
	t.Logf("resident secrets: tried %d, held %d, lost %d (%d staff × %d residents × 3)", tried, held, tried-held, len(staff), len(residents))
}

// Generated: no staff account links a resident who lives in none of its
// communities so that the link grants anything — every staff account ×
// every resident not currently living in the caller's communities. The link
// is refused, or made pending: the caller still cannot read the resident,
// the resident lives where they did, and the answer carries no contact.
func TestNoCrossCommunityLinkGrants(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	staff, err := app.FindAllRecords("staff", dbx.HashExp{"active": true})
	if err != nil {
		t.Fatal(err)
	}
	residents, err := app.FindAllRecords("residents")
	if err != nil {
		t.Fatal(err)
	}
	tried, held, pending := 0, 0, 0 // pending: links created (each must be pending)
	for _, s := range staff {
		unit, err := app.FindFirstRecordByFilter("units", "community = {:c}", dbx.Params{"c": s.GetStringSlice("communities")[0]})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range residents {
			lives := false
			for _, c := range r.GetStringSlice("communities") {
				lives = lives || slices.Contains(s.GetStringSlice("communities"), c)
			}
			everLinked, _ := app.CountRecords("unit_residents", dbx.HashExp{"resident": r.Id})
			if lives || everLinked == 0 {
				continue
			}
			tried++
			places := fmt.Sprint(r.GetStringSlice("communities"), r.GetStringSlice("buildings"))
			code, body := doAs(t, h, http.MethodPost, "/api/collections/unit_residents/records?expand=resident",
				`{"unit":"`+unit.Id+`","resident":"`+r.Id+`","relation":"family","pending":false,"active":true}`, s.Email())
			ok := code != 200 || (strings.Contains(body, `"pending":true`) && strings.Contains(body, `"active":false`))
			for _, leak := range []string{r.GetString("name"), r.GetString("phone"), r.Email(), `"expand":{"`} {
				ok = ok && !(code == 200 && strings.Contains(body, leak))
			}
			if code == 200 {
				pending++
				// Nor can the caller read the resident back through the
				// link by filtering on their contact (the oracle).
				link := idOf(t, body)
				for _, f := range []string{"name", "phone", "email"} {
					filter := fmt.Sprintf(`id = %q && resident.%s = %q`, link, f, r.GetString(f))
					lc, lb := doAs(t, h, http.MethodGet, "/api/collections/unit_residents/records?filter="+url.QueryEscape(filter), "", s.Email())
					if lc == 200 && !strings.Contains(lb, `"items":[]`) {
						ok = false
						t.Errorf("%s reads %s's %s through a pending link: %s", s.Email(), r.Email(), f, lb)
					}
				}
			}
			if vc, _ := doAs(t, h, http.MethodGet, "/api/collections/residents/records/"+r.Id, "", s.Email()); vc != 404 {
				ok = false
			}
			stored, _ := app.FindRecordById("residents", r.Id)
			if got := fmt.Sprint(stored.GetStringSlice("communities"), stored.GetStringSlice("buildings")); got != places {
				ok = false
			}
			if ok {
				held++
			} else {
				t.Errorf("%s (%s) links %s to %s: %d %s", s.Email(), s.GetString("role"), r.Email(), unit.GetString("number"), code, body)
			}
		}
	}
	if pending == 0 {
		t.Error("no link was made pending: the supervisors' and directors' case was not tried")
	}
	// The oracle's control: the same filter finds a resident the caller may read.
	filter := `resident.name = "王芳" && resident.phone = "13800000004"`
	if code, body := doAs(t, h, http.MethodGet, "/api/collections/unit_residents/records?filter="+url.QueryEscape(filter), "", "supervisor@example.com"); code != 200 || strings.Contains(body, `"items":[]`) {
		t.Errorf("the oracle's filter finds nothing even where it may: %d %s", code, body)
	}
	t.Logf("cross-community links: tried %d, held %d, lost %d (%d created, all pending)", tried, held, tried-held, pending)
}

// The desk starts a password reset the resident completes: a mail to the
// account's address, or a link handed over in person; recorded and told.
func TestDeskStartsPasswordReset(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	owner2 := testapp.ID(t, "residents:owner2@example.com")

	// Only the desk roles of a community the resident lives in.
	code, body := doAs(t, h, http.MethodPost, "/api/wuye/residents/"+owner2+"/password-reset", "", "tech1@example.com")
	expectBody(t, "a technician", code, body, 403, "只有住户所在小区的前台")
	code, body = doAs(t, h, http.MethodPost, "/api/wuye/residents/"+owner2+"/password-reset", "", "tech1@example.com", "Accept-Language", "en")
	expectBody(t, "a technician, in English", code, body, 403, "Only the front desk")
	code, body = doAs(t, h, http.MethodPost, "/api/wuye/residents/"+owner2+"/password-reset", "", "supervisor.yx@example.com")
	expectBody(t, "another community's supervisor", code, body, 404)
	code, body = doAs(t, h, http.MethodPost, "/api/wuye/residents/"+owner2+"/password-reset", "", "owner2@example.com")
	expectBody(t, "the resident themselves", code, body, 403)
	if n, _ := app.CountRecords("events", dbx.HashExp{"subject_id": owner2, "action": "password_reset"}); n != 0 {
		t.Fatalf("a refused reset was recorded")
	}

	// With an e-mail: the reset mail goes to the resident, not to the clerk.
	before := secrets(t, app, owner2)
	code, body = doAs(t, h, http.MethodPost, "/api/wuye/residents/"+owner2+"/password-reset", "", "frontdesk@example.com")
	expectBody(t, "the desk, by mail", code, body, 200, `"sent":"email"`)
	if strings.Contains(body, "reset") || app.TestMailer.TotalSend() != 1 || app.TestMailer.LastMessage().To[0].Address != "owner2@example.com" {
		t.Fatalf("the reset mail: %s, %d sent", body, app.TestMailer.TotalSend())
	}
	if secrets(t, app, owner2) != before {
		t.Fatal("starting a reset changed the account")
	}
	if n, _ := app.CountRecords("events", dbx.HashExp{"subject_id": owner2, "action": "password_reset", "actor_staff": testapp.ID(t, "staff:frontdesk@example.com")}); n != 1 {
		t.Errorf("the reset is not recorded (%d)", n)
	}
	if n, _ := app.CountRecords("notifications", dbx.HashExp{"recipient_resident": owner2, "kind": "password_reset"}); n != 1 {
		t.Errorf("the resident is not told (%d)", n)
	}

	// In person: a link the clerk hands over; it works once.
	code, body = doAs(t, h, http.MethodPost, "/api/wuye/residents/"+owner2+"/password-reset", `{"via":"by pigeon"}`, "supervisor@example.com")
	expectBody(t, "an unknown way", code, body, 400, "不是允许的选项")
	code, body = doAs(t, h, http.MethodPost, "/api/wuye/residents/"+owner2+"/password-reset", `{"via":"in_person"}`, "supervisor@example.com")
	expectBody(t, "the desk, in person", code, body, 200, `"link":"`, `/#/reset/`, `"minutes":30`)
	token := regexp.MustCompile(`/#/reset/([^"]+)"`).FindStringSubmatch(body)[1]
	confirm := `{"token":"` + token + `","password":"his-own-2026","passwordConfirm":"his-own-2026"}`
	if code, body := doAs(t, h, http.MethodPost, "/api/collections/residents/confirm-password-reset", confirm, ""); code != 204 {
		t.Fatalf("the resident sets a password with the link: %d %s", code, body)
	}
	if code := signInResident(t, h, "13800000004", "his-own-2026"); code != 200 {
		t.Fatalf("sign in with the new password: %d", code)
	}
	if code, _ := doAs(t, h, http.MethodPost, "/api/collections/residents/confirm-password-reset",
		strings.ReplaceAll(confirm, "his-own-2026", "again-pass-2026"), ""); code == 204 {
		t.Fatal("the reset link works twice")
	}
}
