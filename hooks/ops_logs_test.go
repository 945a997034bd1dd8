package hooks_test

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/logger"

	"wuye/hooks"
	"wuye/internal/testapp"
)

// A new installation keeps a week of its log, from WARN up: failed
// requests (PocketBase logs them at ERROR), warnings and errors are
// written with the client IP and the account id; successful requests are
// not written at all (they were ~2.8 MB a minute under the soak's load).
func TestLogSettingsByDefault(t *testing.T) {
	// A plain app on an empty data directory, as `wuye serve` starts one
	// (PocketBase's test app turns its log off).
	fresh := core.NewBaseApp(core.BaseAppConfig{DataDir: t.TempDir()})
	if err := fresh.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	defer fresh.ClearBootstrap()
	if err := fresh.RunAllMigrations(); err != nil {
		t.Fatal(err)
	}
	if err := fresh.ReloadSettings(); err != nil {
		t.Fatal(err)
	}
	l := fresh.Settings().Logs
	if l.MaxDays != 7 || l.MinLevel != int(slog.LevelWarn) || !l.LogIP || !l.LogAuthId {
		t.Fatalf("log settings of a new installation: %+v, want 7 days from WARN with IP and account id", l)
	}
	if h := fresh.Logger().Handler(); h.Enabled(context.Background(), slog.LevelInfo) || !h.Enabled(context.Background(), slog.LevelWarn) {
		t.Fatal("the logger does not start at WARN")
	}

	// What gets written: the same settings on the demo's test app.
	app := testapp.New(t)
	if err := app.ReloadSettings(); err != nil { // undo the test app's log switch-off
		t.Fatal(err)
	}
	if l := app.Settings().Logs; l.MaxDays != 7 {
		t.Fatalf("the demo's log settings: %+v", l)
	}
	h := testapp.Handler(t, app)
	if code, _ := testapp.Do(t, h, http.MethodGet, "/api/collections/notices/records?marker=ok-request", "", "owner1@example.com"); code != 200 {
		t.Fatalf("the successful request got %d", code)
	}
	if code, _ := testapp.Do(t, h, http.MethodGet, "/api/collections/notices/records/no-such-record?marker=failed-request", "", "owner1@example.com"); code != 404 {
		t.Fatalf("the failed request got %d", code)
	}
	logged := func(marker string) []*core.Log {
		var logs []*core.Log
		_ = app.LogQuery().AndWhere(dbx.Like("message", marker)).All(&logs)
		return logs
	}
	// PocketBase logs each request from a goroutine and writes its log in
	// batches: flush until the failed request is there.
	batch, ok := app.Logger().Handler().(*logger.BatchHandler)
	if !ok {
		t.Fatalf("the logger's handler is %T", app.Logger().Handler())
	}
	var failed []*core.Log
	for deadline := time.Now().Add(5 * time.Second); len(failed) == 0 && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
		if err := batch.WriteAll(context.WithValue(context.Background(), logger.BlockKey, true)); err != nil {
			t.Fatal(err)
		}
		failed = logged("failed-request")
	}
	if len(failed) != 1 || failed[0].Level != int(slog.LevelError) {
		t.Fatalf("the failed request's log: %d entries", len(failed))
	}
	if data := failed[0].Data; data["userIP"] == nil || data["authId"] != testapp.ID(t, "residents:owner1@example.com") {
		t.Fatalf("the failed request's log has no IP or account id: %v", data)
	}
	if ok := logged("ok-request"); len(ok) != 0 {
		t.Fatalf("the successful request was logged (%d entries)", len(ok))
	}
}

// WUYE_LOG_DAYS / WUYE_LOG_LEVEL replace the log settings when the server
// starts; a value that is not one stops the start and changes nothing.
func TestLogSettingsFromEnvironment(t *testing.T) {
	app := testapp.New(t)
	t.Setenv("WUYE_LOG_DAYS", "30")
	t.Setenv("WUYE_LOG_LEVEL", "info")
	testapp.Handler(t, app) // runs the OnServe hooks, as `serve` does
	if l := app.Settings().Logs; l.MaxDays != 30 || l.MinLevel != int(slog.LevelInfo) {
		t.Fatalf("log settings after start with the environment: %+v", l)
	}
	if !app.Logger().Handler().Enabled(context.Background(), slog.LevelInfo) {
		t.Fatal("WUYE_LOG_LEVEL=info did not reach the logger")
	}
	for _, bad := range [][]string{
		{"WUYE_LOG_DAYS", "-1"},
		{"WUYE_LOG_DAYS", "a week"},
		{"WUYE_LOG_LEVEL", "verbose"},
		{"WUYE_LOG_DAYS", "7", "WUYE_LOG_LEVEL", "loud"},
	} {
		if err := hooks.ApplyLogEnv(app, envOf(bad...)); err == nil || !strings.Contains(err.Error(), "WUYE_LOG_") {
			t.Errorf("%v accepted (%v), want an error naming the variable", bad, err)
		}
		if l := app.Settings().Logs; l.MaxDays != 30 || l.MinLevel != int(slog.LevelInfo) {
			t.Fatalf("%v changed the log settings to %+v", bad, l)
		}
	}
	for _, c := range []struct {
		days, level string
		want        int
	}{{"0", "error", int(slog.LevelError)}, {"", "-4", int(slog.LevelDebug)}, {"", "WARN", int(slog.LevelWarn)}} {
		if err := hooks.ApplyLogEnv(app, envOf("WUYE_LOG_DAYS", c.days, "WUYE_LOG_LEVEL", c.level)); err != nil {
			t.Fatal(err)
		}
		if l := app.Settings().Logs; l.MinLevel != c.want || l.MaxDays != 0 {
			t.Fatalf("days %q level %q: %+v", c.days, c.level, l)
		}
	}
}
