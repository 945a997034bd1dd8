package hooks_test

// Issue #16, items 4, 8, 14 and 15: who reaches the custom routes, and the
// headers around them. TestRouteMatrix (routes_matrix_test.go) checks the
// same class for every route and caller; these are the cases of the issue.

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"
	"github.com/pocketbase/pocketbase/tools/types"
	"github.com/xuri/excelize/v2"

	"wuye/hooks"
	"wuye/internal/testapp"
	"wuye/lib/workcal"
)

// A complaint about the supervisor is hidden from them in the records API;
// the complaints export and the dashboard's deadline list must not show it
// to them either (it was in the export with the complainant's phone).
func TestComplaintAboutStaffHiddenInExportsAndDashboard(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	ch := testapp.ID(t, "community:CH")
	sup := testapp.ID(t, "staff:supervisor@example.com")
	col, _ := app.FindCollectionByNameOrId("complaints")
	c := core.NewRecord(col)
	for k, v := range map[string]any{"unit": testapp.ID(t, "unit:1-101"), "community": ch, "channel": "phone", "category": "staff_attitude",
		"level": "major", "content": "客服主管接待态度恶劣", "contact_name": "投诉人", "contact_phone": "13912345678",
		"about_service_center": true, "subject_staff": sup} {
		c.Set(k, v)
	}
	desk, _ := app.FindAuthRecordByEmail("staff", "frontdesk@example.com")
	if err := hooks.FileComplaint(app, c, desk); err != nil {
		t.Fatal(err)
	}
	// Its first response falls due within the dashboard's warning window.
	due := c.GetDateTime("received_at").Time().Add(time.Hour).UTC().Format(types.DefaultDateLayout)
	if _, err := app.DB().NewQuery("UPDATE complaints SET first_response_due = {:d} WHERE id = {:id}").
		Bind(dbx.Params{"d": due, "id": c.Id}).Execute(); err != nil {
		t.Fatal(err)
	}
	// The records API hides it from the supervisor and shows it to the director.
	for who, want := range map[string]bool{"supervisor@example.com": false, "director@example.com": true} {
		_, body := testapp.Do(t, h, http.MethodGet, "/api/collections/complaints/records/"+c.Id, "", who)
		if got := strings.Contains(body, "客服主管接待态度恶劣"); got != want {
			t.Fatalf("records API as %s shows the complaint: %v, want %v", who, got, want)
		}
	}
	month := c.GetDateTime("received_at").Time().In(workcal.Shanghai).Format("2006-01")
	for who, want := range map[string]bool{"supervisor@example.com": false, "director@example.com": true} {
		code, body := testapp.Do(t, h, http.MethodGet, "/api/wuye/exports/complaints?community="+ch+"&range="+month, "", who)
		if code != 200 {
			t.Fatalf("export as %s: %d %s", who, code, body)
		}
		text := sheetText(t, body)
		if got := strings.Contains(text, "客服主管接待态度恶劣") || strings.Contains(text, "13912345678"); got != want {
			t.Errorf("the complaints export as %s shows the complaint about the supervisor: %v, want %v", who, got, want)
		}
	}
	// The dashboard lists it among the complaints close to their deadline
	// (the first response is due within the warning window), but not to
	// the supervisor it is about.
	for who, want := range map[string]bool{"supervisor@example.com": false, "director@example.com": true} {
		code, body := testapp.Do(t, h, http.MethodGet, "/api/stats/dashboard?community="+ch+"&month="+month, "", who)
		if code != 200 {
			t.Fatalf("dashboard as %s: %d %s", who, code, body)
		}
		if got := strings.Contains(body, c.Id); got != want {
			t.Errorf("the dashboard's deadline list as %s names the complaint about the supervisor: %v, want %v", who, got, want)
		}
	}
}

// sheetText is every cell of every sheet of an .xlsx body, one per line.
func sheetText(t testing.TB, body string) string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var b strings.Builder
	for _, name := range f.GetSheetList() {
		rows, err := f.GetRows(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			for _, cell := range r {
				b.WriteString(cell + "\n")
			}
		}
	}
	return b.String()
}

// The gate check of a worker pass is for the gate roles of the pass's
// community: another community's staff, technicians, engineers and cashiers
// learn nothing (not even that the pass exists).
func TestPassCheckRoles(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	pass, err := app.FindFirstRecordByFilter("renovation_passes", "worker_name = '刘师傅'")
	if err != nil {
		t.Fatal(err)
	}
	url := "/api/wuye/passes/" + pass.Id + "/check"
	for who, want := range map[string]int{
		"security@example.com": 200, "frontdesk@example.com": 200, "areamgr@example.com": 200, "supervisor@example.com": 200,
		"director@example.com": 200, "root@example.com": 200,
		"supervisor.yx@example.com": 404, "frontdesk.yx@example.com": 404, "tech1@example.com": 404, "engineer@example.com": 404,
		"cashier@example.com": 404, "owner1@example.com": 404, "": 401,
	} {
		code, body := testapp.Do(t, h, http.MethodGet, url, "", who)
		if code != want {
			t.Errorf("pass check as %q: %d %s, want %d", who, code, body, want)
		}
		if want != 200 && strings.Contains(body, "刘师傅") {
			t.Errorf("pass check as %q shows the worker's name: %s", who, body)
		}
	}
}

// The rectification notice names the owner and the violation: for the
// renovation's applicant and the site, desk and management roles of its
// community, not for technicians or cashiers.
func TestViolationNoticeRoles(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	reno, v := fileMajorViolation(t, app, h, "engineer@example.com")
	applicant, _ := app.FindRecordById("residents", reno.GetString("applicant"))
	want := map[string]int{
		"engineer@example.com": 200, "areamgr@example.com": 200, "security@example.com": 200, "frontdesk@example.com": 200,
		"supervisor@example.com": 200, "director@example.com": 200, "root@example.com": 200, applicant.Email(): 200,
		"tech1@example.com": 404, "cashier@example.com": 404, "supervisor.yx@example.com": 404, "owner.yx@example.com": 404, "": 401,
	}
	if applicant.Email() != "owner2@example.com" {
		want["owner2@example.com"] = 404
	}
	for who, w := range want {
		code, body := testapp.Do(t, h, http.MethodGet, "/api/wuye/violations/"+v.ID+"/notice", "", who)
		if code != w {
			t.Errorf("rectification notice as %q: %d, want %d", who, code, w)
		}
		if w != 200 && strings.Contains(body, "拆除承重墙") {
			t.Errorf("rectification notice as %q shows the violation", who)
		}
	}
}

// Online orders are the unit's residents' own: the desk (or a cashier, or
// a manager) cannot open one for a unit, nor "pay" a resident's pending
// order through the demo's sandbox cashier; nothing is written when refused.
func TestOnlineOrdersResidentsOnly(t *testing.T) {
	app := testapp.New(t)
	hooks.EnableSandboxCheckout(app)
	bills := billed(t, app)
	h := testapp.Handler(t, app)
	unit := testapp.ID(t, "unit:1-101")
	orders, payments := countIn(t, app, "online_orders"), countIn(t, app, "payments")
	for _, who := range []string{"frontdesk@example.com", "cashier@example.com", "supervisor@example.com", "director@example.com",
		"areamgr@example.com", "root@example.com", "owner2@example.com", "former1@example.com", "owner.yx@example.com"} {
		code, body := testapp.Do(t, h, http.MethodPost, "/api/wuye/pay/wechat", `{"unit":"`+unit+`","bills":["`+bills[0].Id+`"]}`, who)
		if code != 404 {
			t.Errorf("%s opens an online order for 1-101: %d %s, want 404", who, code, body)
		}
	}
	if countIn(t, app, "online_orders") != orders {
		t.Fatal("a refused online order was stored")
	}
	trade := `{"trade_no":"` + startOnlinePayment(t, h, unit, bills[0].Id, "tenant1@example.com") + `"}`
	for _, who := range []string{"frontdesk@example.com", "cashier@example.com", "supervisor@example.com", "root@example.com"} {
		if code, body := testapp.Do(t, h, http.MethodPost, checkoutURL, trade, who); code != 404 {
			t.Errorf("%s pays the tenant's order in the sandbox: %d %s, want 404", who, code, body)
		}
	}
	if countIn(t, app, "payments") != payments {
		t.Fatal("a refused sandbox checkout made a payment")
	}
	if code, body := testapp.Do(t, h, http.MethodPost, checkoutURL, trade, "tenant1@example.com"); code != 200 {
		t.Fatalf("the tenant pays their order: %d %s", code, body)
	}
}

// CORS: PocketBase's serve answers every origin ("*"); Wuye answers only
// the origins of WUYE_ALLOWED_ORIGINS (none by default: the pages are
// same-origin).
func TestCORSAllowedOrigins(t *testing.T) {
	for _, c := range []struct {
		env     string
		origin  string
		allowed bool
	}{
		{"", "https://evil.example", false},
		{"", "http://127.0.0.1:8090", false},
		{"https://wuye.example.com", "https://wuye.example.com", true},
		{"https://wuye.example.com, https://m.wuye.example.com", "https://m.wuye.example.com", true},
		{"https://wuye.example.com", "https://evil.example", false},
		{"https://wuye.example.com", "http://wuye.example.com", false},
	} {
		t.Run(c.env+" "+c.origin, func(t *testing.T) {
			t.Setenv("WUYE_ALLOWED_ORIGINS", c.env)
			app := testapp.New(t)
			// As apis.Serve builds its router: CORS for "*" (the --origins
			// default) bound before the serve hooks run.
			rt, err := apis.NewRouter(app)
			if err != nil {
				t.Fatal(err)
			}
			rt.Bind(apis.CORS(apis.CORSConfig{AllowOrigins: []string{"*"}}))
			if err := app.OnServe().Trigger(&core.ServeEvent{App: app, Router: rt}, func(e *core.ServeEvent) error { return nil }); err != nil {
				t.Fatal(err)
			}
			h, err := rt.BuildMux()
			if err != nil {
				t.Fatal(err)
			}
			for _, method := range []string{http.MethodGet, http.MethodOptions} {
				req := httptest.NewRequest(method, "/api/collections/notices/records", nil)
				req.Header.Set("Origin", c.origin)
				req.Header.Set("Access-Control-Request-Method", "GET")
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				got := rec.Header().Get("Access-Control-Allow-Origin")
				if c.allowed && got != c.origin || !c.allowed && got != "" {
					t.Errorf("%s from %s: Access-Control-Allow-Origin %q (allowed: %v)", method, c.origin, got, c.allowed)
				}
			}
		})
	}
	for _, bad := range []string{"*", "wuye.example.com", "https://wuye.example.com/path", "ftp://x.example"} {
		if _, err := hooks.AllowedOrigins(func(string) string { return bad }); err == nil || !strings.Contains(err.Error(), "不是网站来源") {
			t.Errorf("WUYE_ALLOWED_ORIGINS=%q accepted (%v)", bad, err)
		}
	}
}

// The printable notices are whole HTML pages served by the API: they carry
// a policy that admits their own style and print button and nothing else,
// the pages' other security headers, and no caching.
func TestPrintableNoticeHeaders(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	_, v := fileMajorViolation(t, app, h, "supervisor@example.com")
	reminder, err := app.FindFirstRecordByFilter("reminders", "community = {:c}", map[string]any{"c": testapp.ID(t, "community:CH")})
	if err != nil {
		t.Fatal(err)
	}
	for _, url := range []string{"/api/wuye/violations/" + v.ID + "/notice", "/api/wuye/reminders/" + reminder.Id + "/notice"} {
		req := httptest.NewRequest(http.MethodGet, url, nil)
		req.Header.Set("Authorization", testapp.Token(t, "supervisor@example.com"))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
			t.Fatalf("%s: %d %s", url, rec.Code, rec.Header().Get("Content-Type"))
		}
		hd := rec.Header()
		csp := hd.Get("Content-Security-Policy")
		for _, d := range []string{"default-src 'none'", "frame-ancestors 'none'", "base-uri 'none'", "form-action 'none'"} {
			if !strings.Contains(csp, d) {
				t.Errorf("%s: CSP %q lacks %q", url, csp, d)
			}
		}
		page := rec.Body.String()
		style := regexp.MustCompile(`(?s)<style>(.*?)</style>`).FindStringSubmatch(page)
		onclick := regexp.MustCompile(`onclick="([^"]*)"`).FindStringSubmatch(page)
		if style == nil || onclick == nil {
			t.Fatalf("%s: no style or print button", url)
		}
		if !strings.Contains(opsCSPDirective(csp, "style-src"), opsCSPHash(style[1])) {
			t.Errorf("%s: the page's own style is refused by %q", url, csp)
		}
		if s := opsCSPDirective(csp, "script-src"); !strings.Contains(s, "'unsafe-hashes'") || !strings.Contains(s, opsCSPHash(onclick[1])) ||
			strings.Contains(s, "'unsafe-inline'") || strings.Contains(s, "'self'") {
			t.Errorf("%s: script-src %q", url, s)
		}
		for k, want := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Cache-Control": "private, no-store"} {
			if hd.Get(k) != want {
				t.Errorf("%s: %s = %q, want %q", url, k, hd.Get(k), want)
			}
		}
	}
}

// A protected file is served with a file token and must not be cached by
// the browser or a proxy (PocketBase's default is a 30-day max-age).
func TestProtectedFileNotCached(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	pass, err := app.FindFirstRecordByFilter("renovation_passes", "worker_name = '刘师傅'")
	if err != nil {
		t.Fatal(err)
	}
	if !pass.Collection().Fields.GetByName("photo").(*core.FileField).Protected {
		t.Fatal("the pass photo is expected to be a protected file")
	}
	f, err := filesystem.NewFileFromBytes(onePixel, "worker.png")
	if err != nil {
		t.Fatal(err)
	}
	pass.Set("photo", []*filesystem.File{f})
	if err := app.SaveNoValidate(pass); err != nil {
		t.Fatal(err)
	}
	code, body := testapp.Do(t, h, http.MethodPost, "/api/files/token", "", "security@example.com")
	if code != 200 {
		t.Fatalf("file token: %d %s", code, body)
	}
	var tok struct{ Token string }
	_ = json.Unmarshal([]byte(body), &tok)
	req := httptest.NewRequest(http.MethodGet, "/api/files/renovation_passes/"+pass.Id+"/"+pass.GetString("photo")+"?token="+tok.Token, nil)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != 200 {
		t.Fatalf("protected file: %d %s", rec.Code, rec.Body.String())
	}
	if cc := rec.Header().Get("Cache-Control"); cc != "private, no-store" {
		t.Errorf("protected file Cache-Control %q, want private, no-store", cc)
	}
}

// The statistics routes check the token themselves; without one they said
// "Missing or invalid authentication." in English only.
func TestStatsWithoutTokenSpeakChinese(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	ch := testapp.ID(t, "community:CH")
	for _, url := range []string{"/api/stats/complaints", "/api/stats/dashboard", "/api/stats/trends", "/api/stats/work-orders", "/api/stats/fees"} {
		for lang, want := range map[string]string{"": "请先登录", "en": "Please sign in first."} {
			req := httptest.NewRequest(http.MethodGet, url+"?community="+ch+"&month=2026-11", nil)
			if lang != "" {
				req.Header.Set("Accept-Language", lang)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != 401 || !strings.Contains(rec.Body.String(), want) {
				t.Errorf("%s without a token (%q): %d %s, want 401 %q", url, lang, rec.Code, rec.Body.String(), want)
			}
		}
	}
}

// A refused change of one's email said "两次输入的密码不一致" (the password
// confirmation's text for ozzo's values_mismatch); confirming an email
// change with a wrong password answered in English only.
func TestEmailChangeMessages(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	owner := testapp.ID(t, "residents:owner1@example.com")
	code, body := testapp.Do(t, h, http.MethodPatch, "/api/collections/residents/records/"+owner,
		`{"email":"new.owner1@example.com","oldPassword":"wrong-password"}`, "owner1@example.com")
	if code != 400 || strings.Contains(body, "两次输入的密码不一致") || !strings.Contains(body, "邮箱不能直接修改") {
		t.Errorf("a direct email change: %d %s", code, body)
	}
	if r, _ := app.FindRecordById("residents", owner); r.Email() != "owner1@example.com" {
		t.Fatal("the email changed")
	}
	// The email-change confirmation with a wrong password.
	r, _ := app.FindRecordById("residents", owner)
	tok, err := r.NewEmailChangeToken("new.owner1@example.com")
	if err != nil {
		t.Fatal(err)
	}
	for lang, want := range map[string]string{"zh": "密码不正确", "en": "Wrong password."} {
		req := httptest.NewRequest(http.MethodPost, "/api/collections/residents/confirm-email-change?lang="+lang,
			strings.NewReader(`{"token":"`+tok+`","password":"wrong-password"}`))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 400 || !strings.Contains(rec.Body.String(), want) {
			t.Errorf("confirm with a wrong password (%s): %d %s, want %q", lang, rec.Code, rec.Body.String(), want)
		}
	}
	if r, _ := app.FindRecordById("residents", owner); r.Email() != "owner1@example.com" {
		t.Fatal("the email changed")
	}
}

// fileMajorViolation records, as email, a major violation on the demo's
// first permitted renovation, which the printable rectification notice is
// about.
func fileMajorViolation(t *testing.T, app core.App, h http.Handler, email string) (*core.Record, struct{ ID string }) {
	t.Helper()
	reno, err := app.FindFirstRecordByFilter("renovations", "status = 'permitted'")
	if err != nil {
		t.Fatal(err)
	}
	code, body := testapp.Do(t, h, http.MethodPost, "/api/collections/renovation_violations/records",
		`{"renovation":"`+reno.Id+`","severity":"major","kind":"load_bearing","description":"拆除承重墙","measures":["rectify"],"status":"open"}`, email)
	if code != 200 {
		t.Fatalf("violation: %d %s", code, body)
	}
	var v struct{ ID string }
	_ = json.Unmarshal([]byte(body), &v)
	return reno, v
}
