package hooks_test

import "github.com/pocketbase/pocketbase/core"

// The account-security collections (issue #16) belong to nobody but the
// platform administrators: no caller owns a row.
func init() {
	recordFacts["phone_changes"] = func(w *world, r *core.Record) facts { return facts{} }
	recordFacts["sms_sandbox"] = func(w *world, r *core.Record) facts { return facts{} }
	// The outbox (issue #22): the log is of its community; preferences are
	// their owner's own; the WeChat sandbox is nobody's.
	recordFacts["deliveries"] = func(w *world, r *core.Record) facts { return facts{communities: []string{r.GetString("community")}} }
	recordFacts["notification_preferences"] = func(w *world, r *core.Record) facts {
		return facts{owners: []string{r.GetString("recipient_staff"), r.GetString("recipient_resident")}}
	}
	// Web Push subscriptions (issue #22) are their owner's own.
	recordFacts["push_subscriptions"] = func(w *world, r *core.Record) facts {
		return facts{owners: []string{r.GetString("recipient_staff"), r.GetString("recipient_resident")}}
	}
	recordFacts["wechat_sandbox"] = func(w *world, r *core.Record) facts { return facts{} }
}
