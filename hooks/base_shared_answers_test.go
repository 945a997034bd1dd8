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
// computed once for every caller of the same scope within a second
// (sharedAnswer): a second caller of that scope gets the same answer even
// after a change, a caller of another scope (another role, or the same role
// serving other communities) never gets it, and once the second has passed
// the change shows.
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
	sup := testapp.Token(t, "supervisor@example.com")
	before := total(sup)

	// A complaint filed now counts in this month's figures.
	fileComplaint(t, app, staffRec(t, app, "frontdesk@example.com"), "1-101", "cleaning", nil)

	// Within the second: the supervisor and another supervisor of the same
	// communities share the answer computed before the complaint …
	if got := total(sup); got != before {
		t.Errorf("the supervisor again within the second: %d, want the shared %d", got, before)
	}
	// … the director (another role) and a supervisor who also serves
	// 银杏苑 (other communities) compute their own, with the complaint.
	if got := total(testapp.Token(t, "director@example.com")); got != before+1 {
		t.Errorf("the director got %d, want %d (not the supervisors' shared answer)", got, before+1)
	}
	wide := newSupervisor("supervisor.both@example.com", "13900000091", community, testapp.ID(t, "community:YX"))
	if got := total(wide); got != before+1 {
		t.Errorf("a supervisor of two communities got %d, want %d (not the shared answer)", got, before+1)
	}
	same := newSupervisor("supervisor.same@example.com", "13900000092", community)
	if got := total(same); got != before {
		t.Errorf("a supervisor of the same community got %d, want the shared %d", got, before)
	}

	// A second later the answer is computed again and counts the complaint.
	at = at.Add(time.Second)
	if got := total(sup); got != before+1 {
		t.Errorf("after the second: %d, want %d", got, before+1)
	}
	// A caller the route refuses is refused whatever is shared.
	for _, who := range []string{"frontdesk@example.com", "supervisor.yx@example.com", "owner1@example.com"} {
		if code, _ := testapp.Do(t, h, http.MethodGet, url, "", who); code != http.StatusForbidden {
			t.Errorf("%s: %d, want 403", who, code)
		}
	}
}
