package hooks_test

import (
	"fmt"
	"testing"

	"github.com/pocketbase/dbx"

	"wuye/hooks"
	"wuye/internal/testapp"
)

// A fan-out batch reads its recipients' Web Push subscriptions with one
// query, not one per recipient (issue #23: a batch of a hundred residents
// ran a hundred look-ups), and still writes one webpush delivery for each
// subscription of each recipient — two for a resident with two browsers,
// none for one without ([000] 管理员 3.9: a notice reaches its audience;
// docs/DESIGN.md § Notifications and deliveries, "Web Push").
func TestFanoutReadsPushSubscriptionsPerBatch(t *testing.T) {
	app := testapp.New(t)
	addHouseholds(t, app, 90)
	// Every added resident but each tenth has a browser subscribed, each
	// seventh a second one.
	subs := 0
	for i := 0; i < 90; i++ {
		if i%10 == 9 {
			continue
		}
		browsers := 1
		if i%7 == 0 {
			browsers = 2
		}
		for j := 0; j < browsers; j++ {
			subs++
			if _, err := app.DB().NewQuery(`INSERT INTO push_subscriptions (id, recipient_staff, recipient_resident, endpoint, p256dh, auth,
				user_agent, failures, created, updated) VALUES ({:id}, '', {:r}, {:e}, 'k', 'a', '', 0, '2026-01-01 00:00:00.000Z', '2026-01-01 00:00:00.000Z')`).
				Bind(dbx.Params{"id": fmt.Sprintf("zp%07d%06d", i, j), "r": fmt.Sprintf("zr%013d", i),
					"e": fmt.Sprintf("https://push.example.com/%d/%d", i, j)}).Execute(); err != nil {
				t.Fatal(err)
			}
		}
	}
	audience := len(audienceOfCommunity(t, app))
	const size = 20
	t.Cleanup(hooks.SetFanoutBatch(size))
	h := testapp.Handler(t, app)
	stop := statementLog(app)
	id := postNotice(t, h, `{"community":"`+testapp.ID(t, "community:CH")+`","category":"general","title":"停车场划线","body":"周日停车场重新划线"}`)
	statements := stop()

	f, err := app.FindFirstRecordByFilter("fanouts", "subject_id = {:id}", dbx.Params{"id": id})
	if err != nil || f.GetString("status") != "done" || f.GetInt("count") != audience {
		t.Fatalf("the fan-out: %v %v", f, err)
	}
	batches := f.GetInt("batches")
	if batches < audience/size {
		t.Fatalf("%d residents in %d batches of %d", audience, batches, size)
	}
	if n := countMatching(statements, "FROM `push_subscriptions`"); n != batches {
		t.Errorf("%d push subscription look-ups for %d batches of up to %d residents, want one a batch", n, batches, size)
	}
	var pushes, wanted int
	_ = app.DB().NewQuery(`SELECT COUNT(*) FROM deliveries d JOIN notifications n ON n.id = d.notification
		WHERE n.fanout = {:f} AND d.channel = 'webpush'`).Bind(dbx.Params{"f": f.Id}).Row(&pushes)
	_ = app.DB().NewQuery(`SELECT COUNT(*) FROM deliveries d JOIN notifications n ON n.id = d.notification
		JOIN push_subscriptions s ON s.id = d.push_subscription AND s.recipient_resident = n.recipient_resident
		WHERE n.fanout = {:f} AND d.channel = 'webpush'`).Bind(dbx.Params{"f": f.Id}).Row(&wanted)
	if pushes != subs || wanted != subs {
		t.Errorf("%d Web Push deliveries (%d to their recipient's own browsers) for %d subscriptions", pushes, wanted, subs)
	}
}

// A notice's fan-out updates the bell of a resident whose page is open
// (docs/DESIGN.md § Notices, "Fan-out"): after each batch commits, each of
// its recipients gets, on their own topic, the message a notification
// written one by one sends — {"collection": "notifications", "id",
// "action": "create"}; a resident outside the audience gets nothing
// ([000] 管理员 3.9: a notice reaches its audience).
func TestFanoutNotificationsReachTheBellLive(t *testing.T) {
	app := testapp.New(t)
	t.Cleanup(hooks.SetFanoutBatch(1))                    // a batch for each of the unit's residents
	owner := residentRec(t, app, "owner1@example.com")    // 1-101
	tenant := residentRec(t, app, "tenant1@example.com")  // 1-101
	outsider := residentRec(t, app, "owner2@example.com") // 1-102
	ownerBox := listenTo(app, owner, "resident/"+owner.Id)
	tenantBox := listenTo(app, tenant, "resident/"+tenant.Id)
	outsiderBox := listenTo(app, outsider, "resident/"+outsider.Id)
	h := testapp.Handler(t, app)
	id := postNotice(t, h, `{"community":"`+testapp.ID(t, "community:CH")+`","category":"maintenance","title":"1-101 水表更换","body":"明天上午更换水表",
		"audience":"units","units":["`+testapp.ID(t, "unit:1-101")+`"]}`)
	for _, c := range []struct {
		who string
		box *inbox
	}{{owner.Id, ownerBox}, {tenant.Id, tenantBox}} {
		n, err := app.FindFirstRecordByFilter("notifications", "subject_id = {:s} && recipient_resident = {:r} && fanout != ''",
			dbx.Params{"s": id, "r": c.who})
		if err != nil {
			t.Fatalf("resident %s was not told: %v", c.who, err)
		}
		if !c.box.wait("notifications", n.Id, "create") {
			t.Errorf("resident %s's open page heard nothing of notification %s: %v", c.who, n.Id, c.box.got)
		}
		for _, m := range c.box.got {
			if m.Topic != "resident/"+c.who || m.Collection == "notifications" && m.ID != n.Id {
				t.Errorf("resident %s was sent %+v", c.who, m)
			}
		}
	}
	for _, m := range outsiderBox.all() {
		if m.Collection == "notifications" {
			t.Errorf("a resident outside the audience was sent %+v", m)
		}
	}
}
