package hooks

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"strings"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/router"
)

// Operations and hardening (issue #11): the backup schedule and the log
// settings from the environment, phone numbers masked for roles whose work
// does not need them, and the pages served with security headers. The
// defaults (backup schedule, rate limits, password length) are set by
// migrations/0024_ops.go, the log's by migrations/0026_logs.go.

func registerOpsEnv(app core.App) {
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		if err := ApplyBackupEnv(se.App, os.Getenv); err != nil {
			return err
		}
		if err := ApplyLogEnv(se.App, os.Getenv); err != nil {
			return err
		}
		// The error translation bound in Register runs at the default
		// priority, after PocketBase's own early middlewares: a request
		// refused by the rate limiter (priority -1000, e.g. the sign-in
		// limit) never reached it and was answered in English only. Its
		// 429s are translated here, just before the limiter (a 429 already
		// translated stays as it is).
		se.Router.Bind(&hook.Handler[*core.RequestEvent]{
			Id:       "wuyeLocalizeRateLimit",
			Priority: apis.DefaultRateLimitMiddlewarePriority - 1,
			Func: func(e *core.RequestEvent) error {
				err := e.Next()
				var apiErr *router.ApiError
				if errors.As(err, &apiErr) && apiErr.Status == http.StatusTooManyRequests {
					localize(apiErr, requestLang(e.Request))
				}
				return err
			},
		})
		return se.Next()
	})
}

// ApplyBackupEnv applies WUYE_BACKUP_CRON (a cron spec in office time, or
// "off") and WUYE_BACKUP_KEEP (how many automatic backups to keep) to the
// backup settings when set, so that a deployment can fix its schedule in its
// service file. Unset, the stored settings stand: the migration's default
// (03:30 daily, keep 7) or whatever a superuser chose in the dashboard. A
// value PocketBase would refuse stops the start with the reason.
func ApplyBackupEnv(app core.App, getenv func(string) string) error {
	spec, keep := strings.TrimSpace(getenv("WUYE_BACKUP_CRON")), strings.TrimSpace(getenv("WUYE_BACKUP_KEEP"))
	if spec == "" && keep == "" {
		return nil
	}
	s, err := app.Settings().Clone()
	if err != nil {
		return err
	}
	switch spec {
	case "":
	case "off":
		s.Backups.Cron = ""
	default:
		s.Backups.Cron = spec
	}
	if keep != "" {
		n, err := strconv.Atoi(keep)
		if err != nil || n < 1 {
			return fmt.Errorf("WUYE_BACKUP_KEEP=%q: 应为正整数 must be a whole number of backups, 1 or more", keep)
		}
		s.Backups.CronMaxKeep = n
	}
	cur := app.Settings().Backups
	if s.Backups.Cron == cur.Cron && s.Backups.CronMaxKeep == cur.CronMaxKeep {
		return nil
	}
	if err := app.Save(s); err != nil {
		return fmt.Errorf("WUYE_BACKUP_CRON=%q WUYE_BACKUP_KEEP=%q: %w", spec, keep, err)
	}
	return nil
}

// logLevels are the names WUYE_LOG_LEVEL takes besides a number.
var logLevels = map[string]slog.Level{"debug": slog.LevelDebug, "info": slog.LevelInfo, "warn": slog.LevelWarn, "error": slog.LevelError}

// ApplyLogEnv applies WUYE_LOG_DAYS (how many days of log entries to keep;
// 0 turns the log off) and WUYE_LOG_LEVEL (the lowest level kept: debug,
// info — every request, successful ones included —, warn or error, or
// PocketBase's number) to the log settings when set, as ApplyBackupEnv does
// for backups. Unset, the stored settings stand: the migration's default (7
// days, warn: failed requests, warnings and errors) or the dashboard's.
func ApplyLogEnv(app core.App, getenv func(string) string) error {
	days, level := strings.TrimSpace(getenv("WUYE_LOG_DAYS")), strings.ToLower(strings.TrimSpace(getenv("WUYE_LOG_LEVEL")))
	if days == "" && level == "" {
		return nil
	}
	s, err := app.Settings().Clone()
	if err != nil {
		return err
	}
	if days != "" {
		n, err := strconv.Atoi(days)
		if err != nil || n < 0 {
			return fmt.Errorf("WUYE_LOG_DAYS=%q: 应为不小于 0 的整数（0 关闭日志） must be a whole number of days, 0 or more (0 turns the log off)", days)
		}
		s.Logs.MaxDays = n
	}
	if level != "" {
		if l, ok := logLevels[level]; ok {
			s.Logs.MinLevel = int(l)
		} else if n, err := strconv.Atoi(level); err == nil {
			s.Logs.MinLevel = n
		} else {
			return fmt.Errorf("WUYE_LOG_LEVEL=%q: 应为 debug、info、warn、error 或数字 must be debug, info, warn, error or a number", level)
		}
	}
	cur := app.Settings().Logs
	if s.Logs.MaxDays == cur.MaxDays && s.Logs.MinLevel == cur.MinLevel {
		return nil
	}
	if err := app.Save(s); err != nil {
		return fmt.Errorf("WUYE_LOG_DAYS=%q WUYE_LOG_LEVEL=%q: %w", days, level, err)
	}
	return nil
}
