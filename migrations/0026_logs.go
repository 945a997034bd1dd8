package migrations

import (
	"fmt"
	"log/slog"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(logsUp, nil, "0026_logs.go")
}

// PocketBase's request log (the _logs table of pb_data/auxiliary.db) by
// default keeps every request, successful ones included, for 5 days: under
// the soak's load (52 requests a second) auxiliary.db grew from 0.6 to 29 MB
// in 10 minutes, ~2.8 MB a minute, its writes sharing the disk with the
// data and its buffers the server's memory. Wuye keeps what an
// operator looks for — failed requests (PocketBase logs them at ERROR),
// warnings and errors — for a week. WUYE_LOG_DAYS and WUYE_LOG_LEVEL
// change this at start (hooks/ops.go); so does the dashboard, /_/ →
// Settings → Logs.
const (
	// LogDays is how many days of log entries are kept.
	LogDays = 7
	// LogMinLevel is the lowest level kept: WARN, so successful requests
	// (INFO) are not logged; failed ones (ERROR) are.
	LogMinLevel = int(slog.LevelWarn)
)

// logsUp sets the log retention and level. The client IP stays in the log
// (what a failed sign-in or a rate-limited client is traced by) and the
// account id is added to it (which account met the error); the entries are
// readable by platform superusers only. Settings an operator has already
// changed from PocketBase's defaults (5 days, INFO) are left as they are.
func logsUp(app core.App) error {
	s := app.Settings()
	if s.Logs.MaxDays != 5 || s.Logs.MinLevel != int(slog.LevelInfo) {
		return nil
	}
	s.Logs.MaxDays = LogDays
	s.Logs.MinLevel = LogMinLevel
	s.Logs.LogIP = true
	s.Logs.LogAuthId = true
	if err := app.Save(s); err != nil {
		return fmt.Errorf("logs settings: %w", err)
	}
	return nil
}
