package demo

import (
	"context"
	"errors"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"wuye/hooks"
	"wuye/lib/clock"
	"wuye/lib/outbox"
	"wuye/lib/sms"
)

// SuspendedNumber is the demo household member whose mobile number the
// SMS provider refuses (停机), so that the delivery log shows retries and a
// failed delivery: family1, 李小红 of 1-101.
const SuspendedNumber = "13800000003"

// demoSMS is the SMS sandbox with a provider's refusal of a suspended number.
type demoSMS struct{ sandbox sms.Sender }

func (d demoSMS) Name() string { return "sandbox" }

func (d demoSMS) Send(ctx context.Context, m sms.Message) error {
	if m.To == SuspendedNumber {
		return errors.New("短信服务商拒收：号码已停机 (the provider refused: number suspended)")
	}
	return d.sandbox.Send(ctx, m)
}

// EnableChannels turns on the demo's outbound channels: text messages and
// WeChat messages kept in their sandboxes (sms_sandbox, wechat_sandbox), one
// number refused as suspended. E-mail stays off until SMTP is set up in
// the admin dashboard.
func EnableChannels(app core.App) {
	hooks.EnableSandboxChannels(app)
	hooks.SetSMSSender(app, demoSMS{hooks.SandboxSMS(app)})
}

// outbox shows residents' notifications leaving by text and WeChat: owner1
// takes text and WeChat messages, owner2 turns notices off, and two parcels
// at the desk for 1-101 tell its three residents — sent to owner1 and the
// tenant, retried and finally failed for the family member whose number is
// suspended, and one still waiting for its next attempt.
func (l *loader) outbox() {
	if l.err != nil {
		return
	}
	EnableChannels(l.app)
	owner1, owner2 := l.account("residents", "owner1@example.com"), l.account("residents", "owner2@example.com")
	desk := l.account("staff", "frontdesk@example.com")
	if owner1 == nil || owner2 == nil || desk == nil {
		return
	}
	l.save("notification_preferences", map[string]any{"recipient_resident": owner1.Id, "channels": []string{"sms", "wechat"},
		"wechat_openid": "oDEMO-liming-wx"})
	l.save("notification_preferences", map[string]any{"recipient_resident": owner2.Id, "channels": []string{"sms"},
		"kind_channels": map[string]any{"notice": []string{}}})
	if l.err != nil {
		return
	}
	unit := l.units["1-101"]
	if unit == nil {
		return
	}
	at := clock.Now()
	parcel := func(kind, carrier, no string) *core.Record {
		col, err := l.app.FindCachedCollectionByNameOrId("parcels")
		if err != nil {
			l.err = err
			return nil
		}
		p := core.NewRecord(col)
		p.Set("unit", unit.Id)
		p.Set("kind", kind)
		p.Set("carrier", carrier)
		p.Set("tracking_no", no)
		if err := hooks.ReceiveParcel(l.app, p, desk); err != nil {
			l.err = err
			return nil
		}
		return p
	}
	// The first, two hours ago: sent to all but the suspended number, which
	// was tried six times and failed.
	first := parcel("registered_mail", "中国邮政", "XA20261206001")
	if first == nil {
		return
	}
	start := at.Add(-2 * time.Hour)
	if _, err := l.app.DB().NewQuery(`UPDATE deliveries SET next_attempt_at = {:t} WHERE status = 'pending'
		AND notification IN (SELECT id FROM notifications WHERE subject_id = {:p})`).
		Bind(dbx.Params{"t": start.UTC().Format("2006-01-02 15:04:05.000Z"), "p": first.Id}).Execute(); err != nil {
		l.err = err
		return
	}
	var ids []string
	if err := l.app.DB().NewQuery(`SELECT id FROM deliveries WHERE status = 'pending'
		AND notification IN (SELECT id FROM notifications WHERE subject_id = {:p})`).Bind(dbx.Params{"p": first.Id}).Column(&ids); err != nil {
		l.err = err
		return
	}
	for _, id := range ids {
		t := start
		for i := 1; i <= outbox.MaxAttempts; i++ {
			sent, _ := hooks.SendDelivery(l.app, id, t)
			if sent {
				break
			}
			t = t.Add(outbox.Backoff(i))
		}
	}
	// The second, now: sent where it can be; the suspended number's is
	// pending its second attempt.
	if parcel("parcel", "顺丰速运", "SF1088826120601") == nil {
		return
	}
	if _, err := hooks.SendDueDeliveries(l.app, clock.Now()); err != nil {
		l.err = err
	}
}
