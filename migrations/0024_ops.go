package migrations

import (
	"fmt"
	"slices"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(opsUp, nil, "0024_ops.go")
}

// Operations defaults (issue #11). Each can be changed afterwards in the
// dashboard (/_/ → Settings); the backup schedule also by WUYE_BACKUP_CRON
// and WUYE_BACKUP_KEEP at start (hooks/ops.go).
const (
	// BackupCron is the default schedule of the automatic backups: 03:30
	// every day. PocketBase's cron reads it in the app's cron timezone,
	// which hooks.Register sets to Asia/Shanghai (office time).
	BackupCron = "30 3 * * *"
	// BackupKeep is how many automatic backups are kept (a week's worth).
	BackupKeep = 7
	// CreateLimit and CreateWindow limit record creates per client IP and
	// collection: 60 in 10 s is far above a busy front desk or a field app
	// flushing its offline queue, and far below a script filling the
	// database with complaints.
	CreateLimit, CreateWindow = 60, 10
	// PasswordMin is the shortest password staff and residents may set.
	PasswordMin = 10
)

// opsUp turns on what a production server should have from its first start
// and PocketBase leaves off: a backup schedule (PocketBase schedules no
// automatic backups), a limit on creates next to the sign-in limit of 0005
// (its rate limiter is off until then), and a longer password minimum for
// staff and residents (PocketBase's auth collections ask for 8 characters).
// A value an operator has already changed is left as it is.
func opsUp(app core.App) error {
	s := app.Settings()
	if s.Backups.Cron == "" {
		s.Backups.Cron = BackupCron
		s.Backups.CronMaxKeep = BackupKeep
	}
	s.RateLimits.Enabled = true
	if !slices.ContainsFunc(s.RateLimits.Rules, func(r core.RateLimitRule) bool { return r.Label == "*:create" }) {
		s.RateLimits.Rules = append(s.RateLimits.Rules, core.RateLimitRule{Label: "*:create", MaxRequests: CreateLimit, Duration: CreateWindow})
	}
	if err := app.Save(s); err != nil {
		return fmt.Errorf("ops settings: %w", err)
	}

	// Superusers keep PocketBase's own minimum (8): they are made by the
	// operator on the command line, not by the people of the office.
	for _, name := range []string{"staff", "residents"} {
		c, err := app.FindCollectionByNameOrId(name)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		pw, ok := c.Fields.GetByName("password").(*core.PasswordField)
		if !ok {
			return fmt.Errorf("%s has no password field", name)
		}
		if pw.Min < PasswordMin {
			pw.Min = PasswordMin
		}
		if err := app.Save(c); err != nil {
			return fmt.Errorf("%s password policy: %w", name, err)
		}
	}
	return nil
}
