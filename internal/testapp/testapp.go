// Package testapp builds the test fixtures of Wuye's API tests: a data
// directory with every migration applied and the demo community loaded,
// made once per test binary and cloned for each test, plus auth tokens for
// every demo account.
package testapp

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"wuye/demo"
	"wuye/hooks"
	_ "wuye/migrations"
)

var (
	once     sync.Once
	template string
	tokens   map[string]string
	ids      map[string]string
	buildErr error
)

// build makes the template data directory. It runs once per test binary.
func build() {
	empty, err := os.MkdirTemp("", "wuye_empty_")
	if err != nil {
		buildErr = err
		return
	}
	defer os.RemoveAll(empty)
	app, err := newTestApp(empty) // clones empty and runs the migrations
	if err != nil {
		buildErr = fmt.Errorf("new test app: %w", err)
		return
	}
	hooks.Register(app)
	if _, err := demo.Load(app); err != nil {
		buildErr = err
		return
	}
	su := core.NewRecord(mustCollection(app, core.CollectionNameSuperusers))
	su.SetEmail("root@example.com")
	su.SetPassword(demo.Password)
	if buildErr = app.Save(su); buildErr != nil {
		return
	}
	tokens = map[string]string{}
	for _, col := range []string{"staff", "residents", core.CollectionNameSuperusers} {
		records, err := app.FindAllRecords(col)
		if err != nil {
			buildErr = err
			return
		}
		for _, r := range records {
			if tokens[r.Email()], err = r.NewAuthToken(); err != nil {
				buildErr = err
				return
			}
		}
	}
	if buildErr = collectIDs(app); buildErr != nil {
		return
	}
	template = app.DataDir()
	app.ClearBootstrap() // close the databases; the files stay as the template
}

// newTestApp is tests.NewTestApp with the databases opened as `wuye serve`
// opens them (hooks.DBConnect: the statement cache), so that every test
// runs on the same driver as production.
func newTestApp(dir string) (*tests.TestApp, error) {
	return tests.NewTestAppWithConfig(core.BaseAppConfig{DataDir: dir, EncryptionEnv: "pb_test_env", DBConnect: hooks.DBConnect})
}

func mustCollection(app core.App, name string) *core.Collection {
	c, err := app.FindCollectionByNameOrId(name)
	if err != nil {
		panic(err)
	}
	return c
}

// New returns a fresh app cloned from the template, with Wuye's hooks
// registered. It is removed when the test ends.
func New(t testing.TB) *tests.TestApp {
	t.Helper()
	app := Factory(t)
	t.Cleanup(app.Cleanup)
	return app
}

// Factory is New as an ApiScenario.TestAppFactory. ApiScenario cleans the
// app up itself.
func Factory(t testing.TB) *tests.TestApp {
	t.Helper()
	once.Do(build)
	if buildErr != nil {
		t.Fatalf("build test template: %v", buildErr)
	}
	app, err := newTestApp(template)
	if err != nil {
		t.Fatalf("clone test template: %v", err)
	}
	hooks.Register(app)
	// Serving (Handler, ApiScenario) would start the cron scheduler
	// (PocketBase's __pbCronStart__): the jobs would then run on the wall
	// clock's minutes in the middle of a test — the hourly OTP cleanup
	// deleted the fixture's OTPs under the permission matrix once. A test
	// runs a job itself (hooks.RunJob), so the start is unbound and the
	// scheduler never starts. Stopping it after the start is not enough:
	// Cron.Start arms a timer that starts the ticker, and Cron.Stop cannot
	// cancel that timer once it has fired, so on a loaded machine the
	// ticker began after the stop (TestTestAppsRunNoScheduler failed in CI).
	app.OnServe().Unbind("__pbCronStart__")
	return app
}

// Token is the auth token of the demo account with email (staff, resident,
// or "root@example.com" for a superuser).
func Token(t testing.TB, email string) string {
	t.Helper()
	once.Do(build)
	tok, ok := tokens[email]
	if !ok {
		t.Fatalf("no demo account %s", email)
	}
	return tok
}

// Auth is the Authorization header of the demo account with email.
func Auth(t testing.TB, email string) map[string]string {
	return map[string]string{"Authorization": Token(t, email)}
}

// Remove deletes the template directory; call it from TestMain after m.Run.
func Remove() {
	if template != "" {
		os.RemoveAll(template)
	}
}

// collectIDs names the demo records for tests: "unit:1-101" (building code
// and number), "building:CH-1", "community:CH", "area:一片区", and
// "staff:EMAIL" / "residents:EMAIL" for accounts.
func collectIDs(app core.App) error {
	ids = map[string]string{}
	communities, err := app.FindAllRecords("communities")
	if err != nil {
		return err
	}
	codeOf := map[string]string{}
	for _, c := range communities {
		ids["community:"+c.GetString("code")] = c.Id
		codeOf[c.Id] = c.GetString("code")
	}
	buildings, err := app.FindAllRecords("buildings")
	if err != nil {
		return err
	}
	buildingCode := map[string]string{}
	for _, b := range buildings {
		ids["building:"+codeOf[b.GetString("community")]+"-"+b.GetString("code")] = b.Id
		buildingCode[b.Id] = b.GetString("code")
	}
	units, err := app.FindAllRecords("units")
	if err != nil {
		return err
	}
	for _, u := range units {
		ids["unit:"+buildingCode[u.GetString("building")]+"-"+u.GetString("number")] = u.Id
	}
	areas, err := app.FindAllRecords("areas")
	if err != nil {
		return err
	}
	for _, a := range areas {
		ids["area:"+a.GetString("name")] = a.Id
	}
	for _, col := range []string{"staff", "residents"} {
		records, err := app.FindAllRecords(col)
		if err != nil {
			return err
		}
		for _, r := range records {
			ids[col+":"+r.Email()] = r.Id
		}
	}
	return nil
}

// ID is the id of a demo record named as collectIDs names it.
func ID(t testing.TB, key string) string {
	t.Helper()
	once.Do(build)
	if buildErr != nil {
		t.Fatalf("build test template: %v", buildErr)
	}
	id, ok := ids[key]
	if !ok {
		t.Fatalf("no demo record %s", key)
	}
	return id
}

// Handler builds app's HTTP handler once, as `serve` would (PocketBase's
// routes plus every OnServe hook of Wuye), for tests that make several
// requests against the same data: an ApiScenario builds a new router per
// request and cannot share an app.
func Handler(t testing.TB, app *tests.TestApp) http.Handler {
	t.Helper()
	r, err := apis.NewRouter(app)
	if err != nil {
		t.Fatal(err)
	}
	se := &core.ServeEvent{App: app, Router: r}
	if err := app.OnServe().Trigger(se, func(e *core.ServeEvent) error { return nil }); err != nil {
		t.Fatal(err)
	}
	mux, err := r.BuildMux()
	if err != nil {
		t.Fatal(err)
	}
	return mux
}

// Do sends one JSON request as the demo account email ("" for a guest) and
// returns the status and body.
func Do(t testing.TB, h http.Handler, method, url, body, email string) (int, string) {
	t.Helper()
	req := httptest.NewRequest(method, url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if email != "" {
		req.Header.Set("Authorization", Token(t, email))
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}
