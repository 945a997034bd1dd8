package hooks_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"

	"wuye/demo"
	"wuye/hooks"
	"wuye/internal/testapp"
)

// signIn tries a password sign-in to collection from address ip.
func signIn(h http.Handler, collection, identity, password, ip, lang string) *httptest.ResponseRecorder {
	body := fmt.Sprintf(`{"identity":%q,"password":%q}`, identity, password)
	req := httptest.NewRequest(http.MethodPost, "/api/collections/"+collection+"/auth-with-password", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if lang != "" {
		req.Header.Set("Accept-Language", lang)
	}
	req.RemoteAddr = ip + ":40000"
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// TestSigninBackoffPerAccount: ten wrong passwords for one account from ten
// different addresses (by e-mail and by phone alike) pause that account's
// sign-in from every address — the right password included — for a bounded
// time, with a Chinese (or English) message and Retry-After; the owner gets
// one in-app notice per episode; another account is unaffected; an unknown
// identity is paused the same way (a pause reveals no account); once the
// pause is over the right password works. The clock is the hooks' seam.
func TestSigninBackoffPerAccount(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	clock := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC) // any day: nothing depends on it
	defer hooks.SetNow(func() time.Time { return clock })()
	owner := testapp.ID(t, "residents:owner1@example.com")
	phone := ""
	if r, err := app.FindRecordById("residents", owner); err == nil {
		phone = r.GetString("phone")
	}
	notices := func() int {
		n, _ := app.CountRecords("notifications", dbx.HashExp{"recipient_resident": owner, "kind": "signin_backoff"})
		return int(n)
	}
	probes := &checks{t: t}
	check := probes.check

	for i := 0; i < hooks.SigninFailLimit; i++ {
		identity := "owner1@example.com"
		if i%2 == 1 {
			identity = phone
		}
		rec := signIn(h, "residents", identity, "wrong-password-"+strconv.Itoa(i), fmt.Sprintf("198.51.100.%d", i+1), "")
		if rec.Code != http.StatusBadRequest {
			t.Fatalf("failure %d: %d %s", i+1, rec.Code, rec.Body)
		}
		clock = clock.Add(30 * time.Second)
	}
	rec := signIn(h, "residents", "owner1@example.com", demo.Password, "203.0.113.50", "")
	check(rec.Code == http.StatusTooManyRequests, "the right password after 10 failures from 10 addresses: %d %s (want 429)", rec.Code, rec.Body)
	check(strings.Contains(rec.Body.String(), "登录失败次数过多") && strings.Contains(rec.Body.String(), "分钟后再试"), "the refusal is not a sentence for a person: %s", rec.Body)
	retry, _ := strconv.Atoi(rec.Header().Get("Retry-After"))
	check(retry > 0 && retry <= int(hooks.SigninLockout.Seconds()), "Retry-After %q not within the lockout", rec.Header().Get("Retry-After"))
	rec = signIn(h, "residents", phone, demo.Password, "203.0.113.51", "en")
	check(rec.Code == http.StatusTooManyRequests && strings.Contains(rec.Body.String(), "Too many failed sign-ins"),
		"by phone, in English: %d %s", rec.Code, rec.Body)
	check(notices() == 1, "the owner has %d sign-in notices (want 1)", notices())

	// Another account, and the same address, are unaffected.
	rec = signIn(h, "residents", "owner2@example.com", demo.Password, "198.51.100.1", "")
	check(rec.Code == http.StatusOK, "another account is refused: %d %s", rec.Code, rec.Body)
	rec = signIn(h, "staff", "tech1@example.com", demo.Password, "198.51.100.2", "")
	check(rec.Code == http.StatusOK, "a staff account is refused: %d %s", rec.Code, rec.Body)

	// An identity with no account behind it is paused alike.
	for i := 0; i < hooks.SigninFailLimit; i++ {
		signIn(h, "residents", "nobody@example.com", "x-"+strconv.Itoa(i), fmt.Sprintf("198.51.101.%d", i+1), "")
	}
	rec = signIn(h, "residents", "nobody@example.com", "y", "198.51.101.99", "")
	check(rec.Code == http.StatusTooManyRequests, "an unknown identity after 10 failures: %d (want 429, as for an account)", rec.Code)

	// Attempts during the pause do not prolong it; once it is over the
	// owner signs in, and the success clears the count.
	for i := 0; i < 5; i++ {
		clock = clock.Add(time.Minute)
		signIn(h, "residents", "owner1@example.com", "still-guessing", "198.51.100.77", "")
	}
	clock = clock.Add(hooks.SigninLockout)
	rec = signIn(h, "residents", "owner1@example.com", demo.Password, "203.0.113.50", "")
	check(rec.Code == http.StatusOK, "after the pause the right password: %d %s", rec.Code, rec.Body)
	rec = signIn(h, "residents", "owner1@example.com", "one-typo", "203.0.113.50", "")
	check(rec.Code == http.StatusBadRequest, "a typo after signing in: %d (want 400, not paused)", rec.Code)
	check(notices() == 1, "notices after the episode: %d (want 1)", notices())

	// A new episode later tells the owner again.
	clock = clock.Add(time.Hour)
	for i := 0; i < hooks.SigninFailLimit; i++ {
		signIn(h, "residents", "owner1@example.com", "again-"+strconv.Itoa(i), fmt.Sprintf("198.51.102.%d", i+1), "")
	}
	check(notices() == 2, "a second episode: %d notices (want 2)", notices())
	events, _ := app.CountRecords("events", dbx.HashExp{"subject_collection": "residents", "subject_id": owner, "action": "signin_backoff"})
	check(events == 2, "%d back-off events in the timeline (want 2)", events)
	probes.log("sign-in back-off")
}

// TestSigninBackoffConcurrent: guesses sent all at once cannot slip past the
// limit while their passwords are being checked — of 25 simultaneous wrong
// passwords for one account, at most SigninFailLimit are checked at all.
func TestSigninBackoffConcurrent(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	codes := make(chan int, 25)
	for i := 0; i < 25; i++ {
		go func(i int) {
			codes <- signIn(h, "staff", "cashier@example.com", "guess-"+strconv.Itoa(i), fmt.Sprintf("198.51.103.%d", i+1), "").Code
		}(i)
	}
	checked := 0
	for i := 0; i < 25; i++ {
		switch c := <-codes; c {
		case http.StatusBadRequest:
			checked++
		case http.StatusTooManyRequests:
		default:
			t.Errorf("unexpected answer %d", c)
		}
	}
	if checked > hooks.SigninFailLimit {
		t.Errorf("%d passwords were checked (limit %d)", checked, hooks.SigninFailLimit)
	}
	t.Logf("sign-in back-off, concurrent: tried 25, checked %d", checked)
}
