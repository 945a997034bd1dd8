package hooks_test

import (
	"net/http"
	"regexp"
	"testing"
	"time"

	"wuye/internal/testapp"
)

// A resident's password-reset mail links to the portal's own reset screen,
// not to the superusers' dashboard, and the token in it resets the password.
func TestResidentResetMailLinksToPortal(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	code, body := testapp.Do(t, h, http.MethodPost, "/api/collections/residents/request-password-reset", `{"email":"owner2@example.com"}`, "")
	if code != 204 {
		t.Fatalf("request reset: %d %s", code, body)
	}
	// The mail is sent after the response.
	deadline := time.Now().Add(5 * time.Second)
	for app.TestMailer.TotalSend() == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if app.TestMailer.TotalSend() == 0 {
		t.Fatal("no reset mail")
	}
	m := regexp.MustCompile(`href="[^"]*/#/reset/([^"]+)"`).FindStringSubmatch(app.TestMailer.LastMessage().HTML)
	if m == nil {
		t.Fatalf("the mail does not link to the portal: %s", app.TestMailer.LastMessage().HTML)
	}
	code, body = testapp.Do(t, h, http.MethodPost, "/api/collections/residents/confirm-password-reset",
		`{"token":"`+m[1]+`","password":"new-pass-2026","passwordConfirm":"new-pass-2026"}`, "")
	if code != 204 {
		t.Fatalf("confirm reset with the mailed token: %d %s", code, body)
	}
	code, _ = testapp.Do(t, h, http.MethodPost, "/api/collections/residents/auth-with-password", `{"identity":"owner2@example.com","password":"new-pass-2026"}`, "")
	if code != 200 {
		t.Fatalf("sign in with the new password: %d", code)
	}
}
