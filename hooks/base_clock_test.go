package hooks_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"wuye/hooks"
	"wuye/lib/clock"
	_ "wuye/migrations"
)

// The test clock is read once at start, so TestClockSeam runs its checks in
// a child process of this test binary started with WUYE_CLOCK set.
const seamChild = "WUYE_CLOCK_SEAM_CHILD"

// TestClockSeam: with WUYE_CLOCK set, records are dated on the test clock
// (created and updated, which PocketBase stamps itself), and an auth token
// outlives the shift, so a browser whose clock runs on the test clock
// keeps it; without it, PocketBase's own clock stamps records as before.
func TestClockSeam(t *testing.T) {
	if os.Getenv(seamChild) == "1" {
		checkSeam(t, time.Date(2031, 5, 4, 10, 0, 0, 0, time.FixedZone("CST", 8*3600)))
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestClockSeam$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), seamChild+"=1", clock.Env+"=2031-05-04T10:00:00+08:00")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: TestClockSeam") {
		t.Fatalf("on a test clock: %v\n%s", err, out)
	}
	if !clock.Shifted() { // this process runs on the real clock
		checkSeam(t, time.Now())
	}
}

func checkSeam(t *testing.T, start time.Time) {
	dir := t.TempDir()
	app, err := tests.NewTestApp(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer app.Cleanup()
	hooks.Register(app)
	near := func(what string, got time.Time) {
		t.Helper()
		if d := got.Sub(start); d < -time.Minute || d > 10*time.Minute {
			t.Errorf("%s is %s, want about %s", what, got.Format(time.RFC3339), start.Format(time.RFC3339))
		}
	}
	col, err := app.FindCollectionByNameOrId("communities")
	if err != nil {
		t.Fatal(err)
	}
	c := core.NewRecord(col)
	c.Set("name", "时钟测试小区")
	c.Set("code", "CLK")
	c.Set("address", "重庆市")
	if err := app.Save(c); err != nil {
		t.Fatal(err)
	}
	near("created", c.GetDateTime("created").Time())
	near("updated", c.GetDateTime("updated").Time())
	created := c.GetDateTime("created")
	c.Set("address", "重庆市渝北区")
	if err := app.Save(c); err != nil {
		t.Fatal(err)
	}
	stored, _ := app.FindRecordById("communities", c.Id)
	near("updated after a change", stored.GetDateTime("updated").Time())
	if stored.GetString("created") != created.String() || stored.GetString("updated") < created.String() {
		t.Errorf("after an update created %s, updated %s", stored.GetDateTime("created"), stored.GetDateTime("updated"))
	}

	// A superuser's sign-in: the token must stay valid on both clocks.
	su := core.NewRecord(must(app.FindCollectionByNameOrId(core.CollectionNameSuperusers)))
	su.SetEmail("clock@example.com")
	su.SetPassword("clock-pass-2031")
	if err := app.Save(su); err != nil {
		t.Fatal(err)
	}
	(&tests.ApiScenario{
		Name: "sign in on the clock", Method: http.MethodPost, URL: "/api/collections/_superusers/auth-with-password",
		Body:           strings.NewReader(`{"identity":"clock@example.com","password":"clock-pass-2031"}`),
		TestAppFactory: func(testing.TB) *tests.TestApp { return app }, DisableTestAppCleanup: true,
		ExpectedStatus: 200, ExpectedContent: []string{`"token":`},
		AfterTestFunc: func(t testing.TB, _ *tests.TestApp, res *http.Response) {
			var body struct{ Token string }
			if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
				t.Fatal(err)
			}
			parts := strings.Split(body.Token, ".")
			raw, err := base64.RawURLEncoding.DecodeString(parts[1])
			if err != nil {
				t.Fatal(err)
			}
			var claims struct {
				Exp         int64 `json:"exp"`
				Refreshable bool  `json:"refreshable"`
			}
			if err := json.Unmarshal(raw, &claims); err != nil {
				t.Fatal(err)
			}
			life := su.Collection().AuthToken.DurationTime()
			exp := time.Unix(claims.Exp, 0)
			if exp.Before(start.Add(life-time.Minute)) || exp.Before(time.Now().Add(life-time.Minute)) || !claims.Refreshable {
				t.Errorf("the token expires %s (refreshable %v): not valid for %s on the test clock and the real one",
					exp.Format(time.RFC3339), claims.Refreshable, life)
			}
		},
	}).Test(t)
}
