package migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(settingsUp, nil, "0005_settings.go")
}

// settingsUp replaces PocketBase defaults that are unsafe for a service
// center: the app name shown in mails (PocketBase's is "Acme"), and the
// rate limiter, which PocketBase ships switched off, with a limit on sign-in
// attempts so passwords cannot be guessed at speed. The limit is per client
// IP; a whole office behind one NAT signs in at shift start, hence a
// generous figure.
func settingsUp(app core.App) error {
	s := app.Settings()
	s.Meta.AppName = "物业客服中心 Wuye"
	s.RateLimits.Enabled = true
	s.RateLimits.Rules = []core.RateLimitRule{
		{Label: "*:auth", MaxRequests: 30, Duration: 60},
	}
	if err := app.Save(s); err != nil {
		return fmt.Errorf("settings: %w", err)
	}
	return nil
}
