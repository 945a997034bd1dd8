package hooks_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/subscriptions"

	"wuye/hooks"
	"wuye/internal/testapp"
)

// TestTechnicianQueueRealtime connects the field app's topics and checks
// that an order reaches its technician (or its trade's pool) and nobody
// else, and that a resident follows their own order live.
func TestTechnicianQueueRealtime(t *testing.T) {
	app := testapp.New(t)
	if _, err := apis.NewRouter(app); err != nil {
		t.Fatal(err)
	}
	tech1, tech2 := staffRec(t, app, "tech1@example.com"), staffRec(t, app, "tech2@example.com")
	ch := testapp.ID(t, "community:CH")
	connect := func(auth *core.Record, topics ...string) *subscriptions.DefaultClient {
		c := subscriptions.NewDefaultClient()
		c.Set(apis.RealtimeClientAuthKey, auth)
		c.Subscribe(topics...)
		app.SubscriptionsBroker().Register(c)
		return c
	}
	got := func(c *subscriptions.DefaultClient, id string) (string, bool) {
		deadline := time.After(400 * time.Millisecond)
		for {
			select {
			case msg := <-c.Channel():
				var m struct {
					Action string `json:"action"`
					Record struct {
						Id string `json:"id"`
					} `json:"record"`
				}
				if json.Unmarshal(msg.Data, &m) == nil && m.Record.Id == id {
					return m.Action, true
				}
				if strings.Contains(string(msg.Data), id) {
					return "", true
				}
			case <-deadline:
				return "", false
			}
		}
	}
	q1 := connect(tech1, "queue/"+tech1.Id, "pool/"+ch+"/plumbing", "pool/"+ch+"/electrical")
	q2 := connect(tech2, "queue/"+tech2.Id, "pool/"+ch+"/plumbing")
	spy := connect(tech2, "queue/"+tech1.Id, "pool/"+ch+"/electrical") // tech2 listening on tech1's queue and a trade not theirs
	engineer := connect(staffRec(t, app, "engineer@example.com"), "pool/"+ch+"/plumbing")

	desk := staffRec(t, app, "frontdesk@example.com")
	o := fileOrder(t, app, residentRec(t, app, "owner1@example.com"), "1-101", "DQ01", nil)
	owner := connect(residentRec(t, app, "owner1@example.com"), "work_orders/"+o.Id)
	neighbour := connect(residentRec(t, app, "owner2@example.com"), "work_orders/"+o.Id)

	if _, err := hooks.AdvanceWorkOrder(app, o.Id, desk, "dispatched", map[string]any{"dispatch_mode": "assign", "technician": tech1.Id}); err != nil {
		t.Fatal(err)
	}
	if action, ok := got(q1, o.Id); !ok || action != "upsert" {
		t.Errorf("tech1 was not sent the order dispatched to them (%q, %v)", action, ok)
	}
	for name, c := range map[string]*subscriptions.DefaultClient{"tech2": q2, "tech2 on tech1's topic": spy, "the engineer": engineer} {
		if _, ok := got(c, o.Id); ok {
			t.Errorf("%s was sent tech1's order", name)
		}
	}
	if _, ok := got(owner, o.Id); !ok {
		t.Error("the owner did not see their order's status change live")
	}
	if _, ok := got(neighbour, o.Id); ok {
		t.Error("the neighbour saw owner1's order")
	}

	// Re-dispatched to tech2: it leaves tech1's queue.
	if _, err := hooks.AdvanceWorkOrder(app, o.Id, desk, "dispatched", map[string]any{"technician": tech2.Id}); err != nil {
		t.Fatal(err)
	}
	if action, _ := got(q1, o.Id); action != "remove" {
		t.Errorf("tech1 was not told the order left their queue (%q)", action)
	}
	if action, _ := got(q2, o.Id); action != "upsert" {
		t.Errorf("tech2 did not get the re-dispatched order (%q)", action)
	}

	// The pool: every plumber hears of it; a claim takes it out of the pool.
	p := fileOrder(t, app, desk, "1-203", "SN02", nil)
	if _, err := hooks.AdvanceWorkOrder(app, p.Id, desk, "dispatched", map[string]any{"dispatch_mode": "pool"}); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]*subscriptions.DefaultClient{"tech1": q1, "tech2": q2} {
		if action, _ := got(c, p.Id); action != "upsert" {
			t.Errorf("%s (a plumber) did not see the pool order (%q)", name, action)
		}
	}
	if _, ok := got(engineer, p.Id); ok {
		t.Error("the engineer, who is no technician, was sent a pool order")
	}
	if _, err := hooks.AdvanceWorkOrder(app, p.Id, tech2, "accepted", nil); err != nil {
		t.Fatal(err)
	}
	if action, _ := got(q1, p.Id); action != "remove" {
		t.Errorf("tech1 was not told the pool order was taken (%q)", action)
	}
}
