package hooks_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"wuye/demo"
	"wuye/hooks"
	"wuye/internal/testapp"
)

// sandboxCode is the code in the last sandbox text message to phone ("" if none).
func sandboxCode(t *testing.T, app core.App, phone string) string {
	t.Helper()
	msgs, err := app.FindRecordsByFilter("sms_sandbox", "to = {:to}", "-created", 1, 0, dbx.Params{"to": phone})
	if err != nil || len(msgs) == 0 {
		return ""
	}
	return regexp.MustCompile(`\d{6}`).FindString(msgs[0].GetString("text"))
}

func sandboxCount(app core.App, phone string) int {
	n, _ := app.CountRecords("sms_sandbox", dbx.HashExp{"to": phone})
	return int(n)
}

func phoneOf(t *testing.T, app core.App, collection, id string) string {
	t.Helper()
	r, err := app.FindRecordById(collection, id)
	if err != nil {
		t.Fatal(err)
	}
	return r.GetString("phone")
}

// TestPhoneChangeNoEnumeration: changing one's phone to a number another
// account holds is answered exactly as a change to a free number — by a
// direct update (both refused, the same words) and by the code route (both
// "验证码已发送"); the clash is told only to whoever confirms with the code
// sent to that number.
func TestPhoneChangeNoEnumeration(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	clock := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	defer hooks.SetNow(func() time.Time { return clock })()
	owner1 := testapp.ID(t, "residents:owner1@example.com")
	taken := phoneOf(t, app, "residents", testapp.ID(t, "residents:owner2@example.com"))
	free := "13712345678"
	probes := &checks{t: t}
	check := probes.check

	// A direct update: the same refusal for a taken and a free number, and
	// for the caller's own account as for staff.
	var answers []string
	for _, phone := range []string{taken, free} {
		code, body := testapp.Do(t, h, http.MethodPatch, "/api/collections/residents/records/"+owner1, fmt.Sprintf(`{"phone":%q}`, phone), "owner1@example.com")
		check(code == http.StatusBadRequest && strings.Contains(body, "验证码"), "direct update to %s: %d %s", phone, code, body)
		answers = append(answers, fmt.Sprint(code, body))
	}
	check(answers[0] == answers[1], "a direct update answers a taken number differently: %q vs %q", answers[0], answers[1])
	check(phoneOf(t, app, "residents", owner1) == "13800000001", "the direct update changed the phone")
	tech := testapp.ID(t, "staff:tech1@example.com")
	code, body := testapp.Do(t, h, http.MethodPatch, "/api/collections/staff/records/"+tech, `{"phone":"13712340000"}`, "tech1@example.com")
	check(code == http.StatusBadRequest, "a technician changed their own phone directly: %d %s", code, body)
	code, body = testapp.Do(t, h, http.MethodPatch, "/api/collections/staff/records/"+tech, `{"phone":"13712340000"}`, "director@example.com")
	check(code == http.StatusBadRequest, "the director changed a technician's phone directly: %d %s", code, body)

	// The code route: the same answer whether the number is taken or free.
	answers = nil
	for _, phone := range []string{taken, free} {
		clock = clock.Add(2 * time.Minute) // past the one-a-minute limit
		code, body := testapp.Do(t, h, http.MethodPost, "/api/wuye/phone-change", fmt.Sprintf(`{"phone":%q}`, phone), "owner1@example.com")
		check(code == http.StatusOK && strings.Contains(body, "验证码已发送"), "ask for a code to %s: %d %s", phone, code, body)
		answers = append(answers, fmt.Sprint(code, body))
	}
	check(answers[0] == answers[1], "the code route answers a taken number differently: %q vs %q", answers[0], answers[1])
	// The code went to the free number (the request for the taken one was voided by the later one).
	c := sandboxCode(t, app, free)
	check(c != "", "no code in the sandbox for %s", free)
	var hashes []string
	rows, _ := app.FindAllRecords("phone_changes")
	for _, r := range rows {
		hashes = append(hashes, r.GetString("code_hash"))
	}
	check(c != "" && !strings.Contains(strings.Join(hashes, " "), c), "a code is kept in clear")

	// Whoever lacks the code learns nothing: wrong codes get the same words.
	code, body = testapp.Do(t, h, http.MethodPost, "/api/wuye/phone-change/confirm", fmt.Sprintf(`{"phone":%q,"code":"000000"}`, taken), "owner1@example.com")
	check(code == http.StatusBadRequest && strings.Contains(body, "验证码不正确或已过期"), "confirm a taken number without its code: %d %s", code, body)

	// The holder of the free number confirms: the phone changes, the change
	// is in the timeline, and the new number signs in.
	code, body = testapp.Do(t, h, http.MethodPost, "/api/wuye/phone-change/confirm", fmt.Sprintf(`{"phone":%q,"code":%q}`, free, c), "owner1@example.com")
	check(code == http.StatusOK && strings.Contains(body, "手机号已更换"), "confirm with the code: %d %s", code, body)
	check(phoneOf(t, app, "residents", owner1) == free, "the phone is %s after the confirmation", phoneOf(t, app, "residents", owner1))
	n, _ := app.CountRecords("events", dbx.HashExp{"subject_id": owner1, "action": "phone_changed"})
	check(n == 1, "%d phone_changed events", n)
	rec := signIn(h, "residents", free, demo.Password, "192.0.2.10", "")
	check(rec.Code == http.StatusOK, "sign in with the new number: %d %s", rec.Code, rec.Body)
	// The code is spent.
	code, _ = testapp.Do(t, h, http.MethodPost, "/api/wuye/phone-change/confirm", fmt.Sprintf(`{"phone":%q,"code":%q}`, free, c), "owner1@example.com")
	check(code == http.StatusBadRequest, "a spent code confirmed again: %d", code)

	// The holder of a taken number, with its code, is told of the clash.
	clock = clock.Add(2 * time.Minute)
	testapp.Do(t, h, http.MethodPost, "/api/wuye/phone-change", fmt.Sprintf(`{"phone":%q}`, taken), "owner1@example.com")
	c = sandboxCode(t, app, taken)
	code, body = testapp.Do(t, h, http.MethodPost, "/api/wuye/phone-change/confirm", fmt.Sprintf(`{"phone":%q,"code":%q}`, taken, c), "owner1@example.com")
	check(code == http.StatusConflict && strings.Contains(body, "另一个账号"), "confirm a taken number with its code: %d %s", code, body)
	check(phoneOf(t, app, "residents", owner1) == free, "the clash changed the phone")
	probes.log("phone change, enumeration")
}

// TestPhoneChangeCodeLimits: codes expire after 10 minutes, five wrong
// tries void one, requests are limited per account (one a minute, five a
// day) and per number (five a day: beyond it nothing is sent, the answer
// unchanged); a landline, a malformed or the same number is refused with a
// sentence, in English on request.
func TestPhoneChangeCodeLimits(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	clock := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	defer hooks.SetNow(func() time.Time { return clock })()
	ask := func(email, phone string) (int, string) {
		return testapp.Do(t, h, http.MethodPost, "/api/wuye/phone-change", fmt.Sprintf(`{"phone":%q}`, phone), email)
	}
	confirm := func(email, phone, code string) (int, string) {
		return testapp.Do(t, h, http.MethodPost, "/api/wuye/phone-change/confirm", fmt.Sprintf(`{"phone":%q,"code":%q}`, phone, code), email)
	}

	for _, c := range []struct{ phone, want string }{
		{"010-12345678", "手机号码"}, {"12345", "格式不正确"}, {"13800000001", "相同"}, {"", "不能为空"},
	} {
		if code, body := ask("owner1@example.com", c.phone); code != http.StatusBadRequest || !strings.Contains(body, c.want) {
			t.Errorf("ask for %q: %d %s (want 400 %s)", c.phone, code, body, c.want)
		}
	}
	req := func(lang string) (int, string) {
		return doLang(h, http.MethodPost, "/api/wuye/phone-change", `{"phone":"010-12345678"}`, testapp.Token(t, "owner1@example.com"), lang)
	}
	if code, body := req("en"); code != http.StatusBadRequest || !strings.Contains(body, "mobile number") {
		t.Errorf("in English: %d %s", code, body)
	}

	// Expiry.
	if code, body := ask("owner1@example.com", "13711110001"); code != http.StatusOK {
		t.Fatalf("ask: %d %s", code, body)
	}
	c := sandboxCode(t, app, "13711110001")
	clock = clock.Add(10*time.Minute + time.Second)
	if code, body := confirm("owner1@example.com", "13711110001", c); code != http.StatusBadRequest {
		t.Errorf("an expired code: %d %s", code, body)
	}

	// One a minute.
	if code, _ := ask("owner1@example.com", "13711110002"); code != http.StatusOK {
		t.Fatalf("ask again: %d", code)
	}
	if code, body := ask("owner1@example.com", "13711110003"); code != http.StatusTooManyRequests || !strings.Contains(body, "太频繁") {
		t.Errorf("a second code within the minute: %d %s", code, body)
	}

	// Five wrong tries void the code; the right one then fails too.
	c = sandboxCode(t, app, "13711110002")
	for i := 0; i < 5; i++ {
		confirm("owner1@example.com", "13711110002", "99999"+fmt.Sprint(i))
	}
	if code, body := confirm("owner1@example.com", "13711110002", c); code != http.StatusBadRequest {
		t.Errorf("the right code after five wrong ones: %d %s", code, body)
	}
	if phoneOf(t, app, "residents", testapp.ID(t, "residents:owner1@example.com")) != "13800000001" {
		t.Error("the phone changed with a voided code")
	}

	// Five a day per account.
	for i := 0; i < 3; i++ {
		clock = clock.Add(2 * time.Minute)
		if code, body := ask("owner1@example.com", fmt.Sprintf("1371111002%d", i)); code != http.StatusOK {
			t.Fatalf("ask %d: %d %s", i, code, body)
		}
	}
	clock = clock.Add(2 * time.Minute)
	if code, _ := ask("owner1@example.com", "13711110030"); code != http.StatusTooManyRequests {
		t.Errorf("a sixth code in a day: %d", code)
	}
	clock = clock.Add(24 * time.Hour)
	if code, body := ask("owner1@example.com", "13711110031"); code != http.StatusOK {
		t.Errorf("the next day: %d %s", code, body)
	}

	// Five a day per number, from any accounts; the sixth is answered alike
	// and not sent.
	target := "13722220000"
	var first string
	for i, email := range []string{"owner2@example.com", "tenant1@example.com", "family1@example.com", "owner.yx@example.com", "tech1@example.com", "tech2@example.com"} {
		code, body := ask(email, target)
		if i == 0 {
			first = fmt.Sprint(code, body)
		} else if fmt.Sprint(code, body) != first {
			t.Errorf("request %d to one number answered %d %s, the first %s", i+1, code, body, first)
		}
	}
	if n := sandboxCount(app, target); n != 5 {
		t.Errorf("%d messages to one number in a day (want 5)", n)
	}
}

// TestPhoneChangeAtTheDesk: a supervisor starts a resident's phone change
// at the desk; the code goes to the new number, the resident reads it out,
// the supervisor confirms and the resident is told in-app. A technician, or
// the supervisor of another community, cannot.
func TestPhoneChangeAtTheDesk(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	clock := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	defer hooks.SetNow(func() time.Time { return clock })()
	owner1 := testapp.ID(t, "residents:owner1@example.com")
	for _, email := range []string{"tech1@example.com", "supervisor.yx@example.com", "owner2@example.com"} {
		code, body := testapp.Do(t, h, http.MethodPost, "/api/wuye/phone-change", fmt.Sprintf(`{"phone":"13733330000","resident":%q}`, owner1), email)
		if code != http.StatusNotFound {
			t.Errorf("%s started owner1's phone change: %d %s", email, code, body)
		}
	}
	if n := sandboxCount(app, "13733330000"); n != 0 {
		t.Errorf("%d messages sent for refused requests", n)
	}
	code, body := testapp.Do(t, h, http.MethodPost, "/api/wuye/phone-change", fmt.Sprintf(`{"phone":"13733330000","resident":%q}`, owner1), "supervisor@example.com")
	if code != http.StatusOK {
		t.Fatalf("the supervisor asks: %d %s", code, body)
	}
	c := sandboxCode(t, app, "13733330000")
	code, body = testapp.Do(t, h, http.MethodPost, "/api/wuye/phone-change/confirm", fmt.Sprintf(`{"phone":"13733330000","code":%q,"resident":%q}`, c, owner1), "supervisor@example.com")
	if code != http.StatusOK {
		t.Fatalf("the supervisor confirms: %d %s", code, body)
	}
	if got := phoneOf(t, app, "residents", owner1); got != "13733330000" {
		t.Errorf("phone %s", got)
	}
	n, _ := app.CountRecords("notifications", dbx.HashExp{"recipient_resident": owner1, "kind": "phone_changed"})
	if n != 1 {
		t.Errorf("%d notices to the resident", n)
	}
	ev, _ := app.FindFirstRecordByFilter("events", "subject_id = {:id} && action = 'phone_changed'", dbx.Params{"id": owner1})
	if ev == nil || ev.GetString("actor_staff") != testapp.ID(t, "staff:supervisor@example.com") {
		t.Error("the event does not name the supervisor")
	}
	var sent struct{ Message string }
	json.Unmarshal([]byte(body), &sent)
	if sent.Message == "" {
		t.Errorf("no message in %s", body)
	}
	// The sandbox is the administrators' alone.
	if code, _ := testapp.Do(t, h, http.MethodGet, "/api/collections/sms_sandbox/records", "", "supervisor@example.com"); code == http.StatusOK {
		t.Error("staff read the sandbox's messages")
	}
}

// doLang is doAs with an Accept-Language.
func doLang(h http.Handler, method, url, body, token, lang string) (int, string) {
	req := httptest.NewRequest(method, url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", token)
	req.Header.Set("Accept-Language", lang)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}
