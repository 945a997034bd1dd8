package migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(wechatSandboxUp, dropper("wechat_sandbox"), "0079_wechat_sandbox.go")
}

// wechatSandboxUp creates wechat_sandbox: the WeChat subscription messages
// the sandbox sender (hooks/base_channels.go) kept instead of sending them,
// for a tester of the demo to read in the admin dashboard, as sms_sandbox
// keeps text messages. Superusers only.
func wechatSandboxUp(app core.App) error {
	c := core.NewBaseCollection("wechat_sandbox")
	c.Fields.Add(
		text("openid", true, 64),
		text("template", true, 50),
		text("page", false, 200),
		&core.JSONField{Name: "data", MaxSize: 4000},
	)
	withCreated(c)
	c.AddIndex("idx_wechat_sandbox_openid", false, "openid, created", "")
	setRules(c, nil, nil, nil, nil, nil)
	if err := app.Save(c); err != nil {
		return fmt.Errorf("wechat_sandbox: %w", err)
	}
	return nil
}
