package hooks_test

import (
	"context"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/archive"
	"github.com/pocketbase/pocketbase/tools/logger"

	"wuye/demo"
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

func opsCronExpr(app core.App, id string) string {
	for _, j := range app.Cron().Jobs() {
		if j.Id() == id {
			return j.Expression()
		}
	}
	return ""
}

// A new installation backs itself up every day at 03:30 office time and
// keeps a week of backups, and the schedule is a live cron job.
func TestBackupsScheduledByDefault(t *testing.T) {
	app := testapp.New(t)
	b := app.Settings().Backups
	if b.Cron != "30 3 * * *" || b.CronMaxKeep != 7 {
		t.Fatalf("backup settings after the migrations: cron %q keep %d, want \"30 3 * * *\" and 7", b.Cron, b.CronMaxKeep)
	}
	if got := opsCronExpr(app, opsBackupJob); got != "30 3 * * *" {
		t.Fatalf("backup cron job %q, want the default schedule", got)
	}
	// The job itself makes a backup in pb_data/backups.
	for _, j := range app.Cron().Jobs() {
		if j.Id() == opsBackupJob {
			j.Run()
		}
	}
	fsys, err := app.NewBackupsFilesystem()
	if err != nil {
		t.Fatal(err)
	}
	defer fsys.Close()
	files, err := fsys.List("@auto_pb_backup_")
	if err != nil || len(files) != 1 {
		t.Fatalf("automatic backups after one run: %d (%v), want 1", len(files), err)
	}
}

// WUYE_BACKUP_CRON / WUYE_BACKUP_KEEP replace the schedule when the server
// starts; a value PocketBase would refuse stops the start and changes
// nothing; "off" turns the schedule off.
func TestBackupScheduleFromEnvironment(t *testing.T) {
	app := testapp.New(t)
	t.Setenv("WUYE_BACKUP_CRON", "0 2 * * 1-6")
	t.Setenv("WUYE_BACKUP_KEEP", "14")
	testapp.Handler(t, app) // runs the OnServe hooks, as `serve` does
	if b := app.Settings().Backups; b.Cron != "0 2 * * 1-6" || b.CronMaxKeep != 14 {
		t.Fatalf("settings after start with the environment: %q keep %d", b.Cron, b.CronMaxKeep)
	}
	if got := opsCronExpr(app, opsBackupJob); got != "0 2 * * 1-6" {
		t.Fatalf("cron job %q after the change", got)
	}

	for _, bad := range [][]string{
		{"WUYE_BACKUP_CRON", "every night"},
		{"WUYE_BACKUP_CRON", "61 3 * * *"},
		{"WUYE_BACKUP_KEEP", "0"},
		{"WUYE_BACKUP_KEEP", "seven"},
		{"WUYE_BACKUP_CRON", "30 3 * * *", "WUYE_BACKUP_KEEP", "-1"},
	} {
		if err := hooks.ApplyBackupEnv(app, envOf(bad...)); err == nil || !strings.Contains(err.Error(), "WUYE_BACKUP_") {
			t.Errorf("%v accepted (%v), want an error naming the variable", bad, err)
		}
		if b := app.Settings().Backups; b.Cron != "0 2 * * 1-6" || b.CronMaxKeep != 14 || opsCronExpr(app, opsBackupJob) != "0 2 * * 1-6" {
			t.Fatalf("%v changed the schedule to %q keep %d", bad, b.Cron, b.CronMaxKeep)
		}
	}
	if err := hooks.ApplyBackupEnv(app, envOf("WUYE_BACKUP_CRON", "off")); err != nil {
		t.Fatal(err)
	}
	if app.Settings().Backups.Cron != "" || opsCronExpr(app, opsBackupJob) != "" {
		t.Fatal(`WUYE_BACKUP_CRON=off left the schedule on`)
	}
}

// A backup restores: back up, change data (a record edited, one added, a
// stored file removed), open the backup in a fresh data directory as an
// operator would (`wuye serve --dir fresh` on the unzipped backup) — the
// data are as they were when the backup was made.
func TestBackupRestoresIntoAFreshDataDir(t *testing.T) {
	app := testapp.New(t)
	unitID := testapp.ID(t, "unit:1-101")
	unit, err := app.FindRecordById("units", unitID)
	if err != nil {
		t.Fatal(err)
	}
	area := unit.GetFloat("area_m2")
	signed, err := app.FindFirstRecordByFilter("work_orders", "signature != ''")
	if err != nil {
		t.Fatalf("the demo has no signed work order: %v", err)
	}
	sigPath := filepath.Join(signed.BaseFilesPath(), signed.GetString("signature"))
	sig := opsReadStored(t, app.DataDir(), sigPath)
	notices := opsCount(t, app, "notices")

	if err := app.CreateBackup(context.Background(), "before.zip"); err != nil {
		t.Fatal(err)
	}

	unit.Set("area_m2", area+100)
	if err := app.Save(unit); err != nil {
		t.Fatal(err)
	}
	n := core.NewRecord(opsCol(t, app, "notices"))
	n.Load(map[string]any{"community": testapp.ID(t, "community:CH"), "title": "备份之后的公告", "body": "x"})
	if err := app.SaveNoValidate(n); err != nil {
		t.Fatal(err)
	}
	signed.Set("signature", nil)
	if err := app.SaveNoValidate(signed); err != nil {
		t.Fatal(err)
	}
	if opsCount(t, app, "notices") != notices+1 {
		t.Fatal("the change did not take")
	}
	if _, err := os.Stat(filepath.Join(app.DataDir(), "storage", sigPath)); !os.IsNotExist(err) {
		t.Fatalf("the signature file is still stored after its removal: %v", err)
	}

	fresh := t.TempDir()
	if err := archive.Extract(filepath.Join(app.DataDir(), "backups", "before.zip"), fresh); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(fresh, "backups")); !os.IsNotExist(err) {
		t.Fatal("a backup contains the earlier backups")
	}
	restored := core.NewBaseApp(core.BaseAppConfig{DataDir: fresh})
	if err := restored.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	defer restored.ClearBootstrap()
	if err := restored.RunAllMigrations(); err != nil { // as `serve` does; nothing left to apply
		t.Fatal(err)
	}
	u, err := restored.FindRecordById("units", unitID)
	if err != nil || u.GetFloat("area_m2") != area {
		t.Fatalf("restored unit area %v (%v), want %v", u.GetFloat("area_m2"), err, area)
	}
	if got := opsCount(t, restored, "notices"); got != notices {
		t.Fatalf("restored notices %d, want %d", got, notices)
	}
	if w, err := restored.FindRecordById("work_orders", signed.Id); err != nil || w.GetString("signature") == "" {
		t.Fatalf("restored work order lost its signature: %v", err)
	}
	if got := opsReadStored(t, fresh, sigPath); string(got) != string(sig) {
		t.Fatal("the restored signature file differs")
	}
	// The superuser made for the tests comes back too: the backup holds the
	// accounts, so a restore is also how lost credentials are NOT recovered.
	if su, err := restored.FindAuthRecordByEmail(core.CollectionNameSuperusers, "root@example.com"); err != nil || !su.ValidatePassword(demo.Password) {
		t.Fatalf("restored superuser: %v", err)
	}
}

func opsReadStored(t testing.TB, dataDir, key string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dataDir, "storage", key))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// envOf is a getenv over the given name, value pairs (the environment the
// Apply…Env functions read, without touching the process's).
func envOf(kv ...string) func(string) string {
	return func(k string) string {
		for i := 0; i+1 < len(kv); i += 2 {
			if kv[i] == k {
				return kv[i+1]
			}
		}
		return ""
	}
}
