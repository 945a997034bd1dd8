package migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(smsSandboxUp, dropper("sms_sandbox"), "0038_sms_sandbox.go")
}

// smsSandboxUp creates sms_sandbox: the text messages the sandbox SMS
// provider (hooks/accounts_phone.go) kept instead of sending them, for a
// tester of the demo to read in the admin dashboard. They carry one-time
// codes: superusers only.
func smsSandboxUp(app core.App) error {
	c := core.NewBaseCollection("sms_sandbox")
	c.Fields.Add(
		text("to", true, 20),
		text("text", true, 500),
		text("purpose", false, 50),
	)
	withCreated(c)
	c.AddIndex("idx_sms_sandbox_to", false, "`to`, created", "")
	setRules(c, nil, nil, nil, nil, nil)
	if err := app.Save(c); err != nil {
		return fmt.Errorf("sms_sandbox: %w", err)
	}
	return nil
}
