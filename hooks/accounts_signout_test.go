package hooks_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"wuye/demo"
	"wuye/internal/testapp"
)

// doAs sends one JSON request with a raw Authorization token ("" for none).
func doWithToken(h http.Handler, method, url, body, token string) (int, string) {
	req := httptest.NewRequest(method, url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}

// signoutChange is one change to a staff account that must sign it out.
type signoutChange struct {
	name  string
	apply func(t *testing.T, app *tests.TestApp, h http.Handler, staff *core.Record)
}

// patchAsRoot changes the account through the records API as a platform
// administrator (whose writes pass through the same model hooks as the
// director's; TestDirectorDeactivationDropsRealtime goes through the
// director).
func patchAsRoot(t *testing.T, h http.Handler, staff *core.Record, body string) {
	t.Helper()
	code, resp := doWithToken(h, http.MethodPatch, "/api/collections/staff/records/"+staff.Id, body, testapp.Token(t, "root@example.com"))
	if code != http.StatusOK {
		t.Fatalf("change %s with %s: %d %s", staff.Email(), body, code, resp)
	}
}

var signoutChanges = []signoutChange{
	{"deactivated", func(t *testing.T, app *tests.TestApp, h http.Handler, s *core.Record) {
		patchAsRoot(t, h, s, `{"active":false}`)
	}},
	{"role changed", func(t *testing.T, app *tests.TestApp, h http.Handler, s *core.Record) {
		role := "front_desk"
		if s.GetString("role") == role {
			role = "cashier"
		}
		patchAsRoot(t, h, s, fmt.Sprintf(`{"role":%q}`, role))
	}},
	{"communities changed", func(t *testing.T, app *tests.TestApp, h http.Handler, s *core.Record) {
		patchAsRoot(t, h, s, fmt.Sprintf(`{"communities+":%q}`, testapp.ID(t, "community:YX")))
	}},
	// Defence in depth: an account made inactive behind the hooks' back
	// (raw SQL: its token key stays as it was) is refused all the same.
	{"deactivated in SQL", func(t *testing.T, app *tests.TestApp, h http.Handler, s *core.Record) {
		if _, err := app.DB().Update("staff", dbx.Params{"active": false}, dbx.HashExp{"id": s.Id}).Execute(); err != nil {
			t.Fatal(err)
		}
	}},
}

// signedWorkOrder is a demo work order with a signature (a protected file).
func signedWorkOrder(t *testing.T, app core.App) *core.Record {
	t.Helper()
	orders, err := app.FindAllRecords("work_orders", dbx.NewExp("signature != ''"))
	if err != nil || len(orders) == 0 {
		t.Fatalf("no signed work order in the demo: %v", err)
	}
	return orders[0]
}

// TestStaffSignedOutEverywhere: for every staff role, a token minted before
// the account was deactivated, given another role or other communities is
// refused for every kind of operation — list, view, create, update, a
// custom route, auth refresh, a new file token, a protected file fetched
// with a file token minted before, a realtime subscription — and the
// realtime connection it had open is closed. After a role or community
// change the account signs in again and works.
func TestStaffSignedOutEverywhere(t *testing.T) {
	tried, held := 0, 0
	for _, acc := range demo.Staff {
		for _, ch := range signoutChanges {
			t.Run(acc.Role+"/"+acc.Email+"/"+ch.name, func(t *testing.T) {
				app := testapp.New(t)
				h := testapp.Handler(t, app)
				srv := httptest.NewServer(h)
				defer srv.Close()
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()

				staff, err := app.FindAuthRecordByEmail("staff", acc.Email)
				if err != nil {
					t.Fatal(err)
				}
				token, _ := staff.NewAuthToken()
				unit := testapp.ID(t, "unit:1-101")
				order := signedWorkOrder(t, app)
				fileURL := "/api/files/work_orders/" + order.Id + "/" + order.GetString("signature")

				// Before: the token works (the checks below would pass for nothing otherwise).
				if code, body := doWithToken(h, http.MethodGet, "/api/collections/units/records?perPage=1", "", token); code != http.StatusOK || !strings.Contains(body, `"id"`) {
					t.Fatalf("before the change the list answered %d %s", code, body)
				}
				code, body := doWithToken(h, http.MethodPost, "/api/files/token", "", token)
				var ft struct{ Token string }
				json.Unmarshal([]byte(body), &ft)
				if code != http.StatusOK || ft.Token == "" {
					t.Fatalf("before the change the file token answered %d %s", code, body)
				}
				canDownload, _ := doWithToken(h, http.MethodGet, fileURL+"?token="+ft.Token, "", "")
				conn := connectSSEToken(t, ctx, srv.URL, token, "employee/"+staff.Id)

				ch.apply(t, app, h, staff)

				complaintsBefore, _ := app.CountRecords("complaints")
				ops := []struct{ name, method, url, body string }{
					{"list", http.MethodGet, "/api/collections/units/records", ""},
					{"view", http.MethodGet, "/api/collections/units/records/" + unit, ""},
					{"create", http.MethodPost, "/api/collections/complaints/records",
						fmt.Sprintf(`{"unit":%q,"channel":"phone","category":"cleaning","level":"general","content":"楼道有垃圾","contact_name":"李明","contact_phone":"13800000001"}`, unit)},
					{"update", http.MethodPatch, "/api/collections/staff/records/" + staff.Id, `{"name":"改名试试"}`},
					{"delete", http.MethodDelete, "/api/collections/notifications/records/none", ""},
					{"custom route", http.MethodGet, "/api/wuye/calendar/2026", ""},
					{"statistics", http.MethodGet, "/api/stats/dashboard", ""},
					{"auth refresh", http.MethodPost, "/api/collections/staff/auth-refresh", ""},
					{"file token", http.MethodPost, "/api/files/token", ""},
				}
				for _, op := range ops {
					tried++
					code, body := doWithToken(h, op.method, op.url, op.body, token)
					if code != http.StatusUnauthorized {
						t.Errorf("%s with the old token: %d %s (want 401)", op.name, code, first1(body))
						continue
					}
					held++
					if !strings.Contains(body, "登录") && !strings.Contains(body, "停用") {
						t.Errorf("%s: the refusal does not say to sign in again: %s", op.name, body)
					}
				}
				if n, _ := app.CountRecords("complaints"); n != complaintsBefore {
					t.Errorf("a complaint was filed with the old token (%d → %d)", complaintsBefore, n)
				}
				if s, _ := app.FindRecordById("staff", staff.Id); s.GetString("name") != acc.Name {
					t.Errorf("the old token renamed the account to %q", s.GetString("name"))
				}
				if canDownload == http.StatusOK {
					tried++
					if code, _ := doWithToken(h, http.MethodGet, fileURL+"?token="+ft.Token, "", ""); code == http.StatusOK {
						t.Error("the file token minted before the change still downloads the signature")
					} else {
						held++
					}
				}

				// Realtime: a new subscription with the old token is refused; for a
				// change saved through the app the open connection is closed (the
				// SQL change cannot be seen until the next request: it is refused).
				tried++
				fresh := connectSSE(t, ctx, srv.URL, acc.Email)
				if code := fresh.subscribeToken(token, "employee/"+staff.Id); code != http.StatusUnauthorized {
					t.Errorf("realtime subscription with the old token: %d (want 401)", code)
				} else {
					held++
				}
				if ch.name != "deactivated in SQL" {
					tried++
					if conn.closedWithin(5 * time.Second) {
						held++
					} else {
						t.Error("the realtime connection opened before the change is still open")
					}
				}

				// A role or community change: the person signs in again and works.
				if strings.HasSuffix(ch.name, "changed") {
					code, body := doWithToken(h, http.MethodPost, "/api/collections/staff/auth-with-password",
						fmt.Sprintf(`{"identity":%q,"password":%q}`, acc.Email, demo.Password), token)
					var auth struct{ Token string }
					json.Unmarshal([]byte(body), &auth)
					if code != http.StatusOK || auth.Token == "" {
						t.Fatalf("sign in again (with the stale token still sent): %d %s", code, body)
					}
					if code, body := doWithToken(h, http.MethodGet, "/api/wuye/calendar/2026", "", auth.Token); code != http.StatusOK {
						t.Errorf("the new token is refused: %d %s", code, first1(body))
					}
				}
			})
		}
	}
	t.Logf("signed-out staff: tried %d, held %d, lost %d", tried, held, tried-held)
}

// TestDirectorDeactivationDropsRealtime: the director deactivates a
// technician through the API; the technician's open page is disconnected,
// the change is in the timeline, the old token is refused with a sentence
// and sign-in is refused.
func TestDirectorDeactivationDropsRealtime(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	srv := httptest.NewServer(h)
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	tech := testapp.ID(t, "staff:tech1@example.com")
	conn := connectSSE(t, ctx, srv.URL, "tech1@example.com")
	conn.subscribe("employee/" + tech)

	code, body := testapp.Do(t, h, http.MethodPatch, "/api/collections/staff/records/"+tech, `{"active":false}`, "director@example.com")
	if code != http.StatusOK {
		t.Fatalf("deactivate: %d %s", code, body)
	}
	if !conn.closedWithin(5 * time.Second) {
		t.Error("the technician's realtime connection is still open")
	}
	events, _ := app.FindAllRecords("events", dbx.HashExp{"subject_collection": "staff", "subject_id": tech})
	found := false
	for _, e := range events {
		if strings.Contains(e.GetString("note"), "active") {
			found = true
		}
	}
	if !found {
		t.Error("no event records the deactivation")
	}
	// The token from before is refused with a sentence to sign in again.
	code, body = testapp.Do(t, h, http.MethodGet, "/api/collections/work_orders/records", "", "tech1@example.com")
	if code != http.StatusUnauthorized || !strings.Contains(body, "重新登录") {
		t.Errorf("old token: %d %s", code, body)
	}
	// Sign-in is refused (the auth rule), in Chinese.
	code, body = testapp.Do(t, h, http.MethodPost, "/api/collections/staff/auth-with-password",
		fmt.Sprintf(`{"identity":"tech1@example.com","password":%q}`, demo.Password), "")
	if code == http.StatusOK {
		t.Errorf("a deactivated account signed in: %s", body)
	}
}

// TestSignoutLeavesOthersAlone: an ordinary edit (a name) signs nobody out,
// and deactivating one account leaves the others' tokens working.
func TestSignoutLeavesOthersAlone(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	tech := testapp.ID(t, "staff:tech1@example.com")
	if code, body := testapp.Do(t, h, http.MethodPatch, "/api/collections/staff/records/"+tech, `{"name":"陈师傅（水电）"}`, "director@example.com"); code != http.StatusOK {
		t.Fatalf("rename: %d %s", code, body)
	}
	if code, body := testapp.Do(t, h, http.MethodGet, "/api/wuye/calendar/2026", "", "tech1@example.com"); code != http.StatusOK {
		t.Errorf("a rename signed the technician out: %d %s", code, first1(body))
	}
	if code, body := testapp.Do(t, h, http.MethodPatch, "/api/collections/staff/records/"+tech, `{"active":false}`, "director@example.com"); code != http.StatusOK {
		t.Fatalf("deactivate: %d %s", code, body)
	}
	for _, email := range []string{"tech2@example.com", "director@example.com", "owner1@example.com"} {
		if code, body := testapp.Do(t, h, http.MethodGet, "/api/wuye/calendar/2026", "", email); code != http.StatusOK {
			t.Errorf("%s was signed out by another account's deactivation: %d %s", email, code, first1(body))
		}
	}
	// A resident's token that PocketBase does not accept is still a guest's,
	// as before (only staff tokens are answered 401).
	if code, _ := doWithToken(h, http.MethodGet, "/api/collections/notices/records", "", "not-a-token"); code != http.StatusOK {
		t.Errorf("a garbage token is refused outright: %d", code)
	}
}

// connectSSEToken is connectSSE subscribed at once to topics with token.
func connectSSEToken(t *testing.T, ctx context.Context, base, token string, topics ...string) *sse {
	t.Helper()
	s := connectSSE(t, ctx, base, "")
	if code := s.subscribeToken(token, topics...); code != http.StatusNoContent {
		t.Fatalf("subscribe %v: %d", topics, code)
	}
	return s
}

// subscribeToken sends the subscriptions with a raw token and returns the status.
func (s *sse) subscribeToken(token string, topics ...string) int {
	body, _ := json.Marshal(map[string]any{"clientId": s.id, "subscriptions": topics})
	req, _ := http.NewRequest(http.MethodPost, s.base+"/api/realtime", strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// closedWithin reports whether the server ended the connection within d
// (messages that arrive meanwhile are dropped).
func (s *sse) closedWithin(d time.Duration) bool {
	deadline := time.After(d)
	for {
		select {
		case _, ok := <-s.events:
			if !ok {
				return true
			}
		case <-deadline:
			return false
		}
	}
}
