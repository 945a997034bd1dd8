package hooks_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"wuye/hooks"
	"wuye/internal/testapp"
	"wuye/lib/workcal"
)

// TestStatisticsSharedOnlyWithinAScope: the dashboard's statistics
// ([000] 管理员 4.1.3 the service center's monthly figures, read by the
// community's supervisors and director — docs/DESIGN.md "Reports") are
// computed once for the callers of the same scope (sharedAnswer) until a
// change may move them: a second caller of that scope gets the answer
// computed for the first; a caller of another scope (another role, or the
// same role serving other communities) never gets it; a change in another
// community leaves it shared; a change in the scope's community — the change
// that made a page re-read — is never answered with figures from before it;
// and an answer is at most a second old.
func TestStatisticsSharedOnlyWithinAScope(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	at := time.Now()
	hooks.SetSharedAnswersClock(app, func() time.Time { return at })
	community := testapp.ID(t, "community:CH")
	month := time.Now().In(workcal.Shanghai).Format("2006-01")
	url := "/api/stats/complaints?community=" + community + "&month=" + month

	// A second supervisor of the same community (the same scope as the demo
	// supervisor), and one who also serves 银杏苑 (another scope).
	newSupervisor := func(email, phone string, communities ...string) string {
		col, err := app.FindCollectionByNameOrId("staff")
		if err != nil {
			t.Fatal(err)
		}
		r := staffRec(t, app, "supervisor@example.com")
		c := core.NewRecord(col)
		for k, v := range r.FieldsData() {
			switch k {
			case "id", "email", "phone", "password", "tokenKey", "created", "updated":
			default:
				c.Set(k, v)
			}
		}
		c.Set("email", email)
		c.Set("phone", phone)
		c.Set("communities", communities)
		c.SetPassword("test-password-123")
		if err := app.Save(c); err != nil {
			t.Fatalf("%s: %v", email, err)
		}
		tok, err := c.NewAuthToken()
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	total := func(token string) int {
		t.Helper()
		req := httptest.NewRequest(http.MethodGet, url, nil)
		req.Header.Set("Authorization", token)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			t.Fatalf("%d %s", rec.Code, rec.Body.String())
		}
		var s struct {
			Totals struct {
				Total int `json:"total"`
			} `json:"totals"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &s); err != nil {
			t.Fatal(err)
		}
		return s.Totals.Total
	}
	computed := func() int { return hooks.SharedAnswersComputed(app) }
	same := newSupervisor("supervisor.same@example.com", "13900000092", community)
	wide := newSupervisor("supervisor.both@example.com", "13900000091", community, testapp.ID(t, "community:YX"))
	sup := testapp.Token(t, "supervisor@example.com")
	before := total(sup)
	if computed() != 1 {
		t.Fatalf("%d answers computed for the first caller, want 1", computed())
	}

	// Another supervisor of the same communities shares the answer …
	if got := total(same); got != before || computed() != 1 {
		t.Errorf("a supervisor of the same community: %d with %d computed, want the shared %d (1)", got, computed(), before)
	}
	// … the director (another role) and a supervisor who also serves
	// 银杏苑 (other communities) compute their own.
	total(testapp.Token(t, "director@example.com"))
	total(wide)
	if computed() != 3 {
		t.Errorf("%d answers computed after the director and a two-community supervisor, want 3", computed())
	}

	// A complaint at 银杏苑 does not move 城市花园's figures: still shared.
	fileComplaint(t, app, staffRec(t, app, "frontdesk.yx@example.com"), "A-101", "cleaning", nil)
	if got := total(sup); got != before || computed() != 3 {
		t.Errorf("after a change elsewhere: %d with %d computed, want the shared %d (3)", got, computed(), before)
	}
	// One at 城市花园 does: the next reader — the page it woke — gets
	// figures that count it, within the same second.
	fileComplaint(t, app, staffRec(t, app, "frontdesk@example.com"), "1-101", "cleaning", nil)
	if got := total(sup); got != before+1 {
		t.Errorf("the supervisor after a complaint of their community: %d, want %d", got, before+1)
	}
	if got := total(same); got != before+1 || computed() != 4 {
		t.Errorf("the other supervisor after it: %d with %d computed, want the shared %d (4)", got, computed(), before+1)
	}
	// An answer is at most a second old, change or not.
	at = at.Add(time.Second)
	if got := total(sup); got != before+1 || computed() != 5 {
		t.Errorf("after the second: %d with %d computed, want %d (5)", got, computed(), before+1)
	}
	// A caller the route refuses is refused whatever is shared.
	for _, who := range []string{"frontdesk@example.com", "supervisor.yx@example.com", "owner1@example.com"} {
		if code, _ := testapp.Do(t, h, http.MethodGet, url, "", who); code != http.StatusForbidden {
			t.Errorf("%s: %d, want 403", who, code)
		}
	}
}
