package hooks

import (
	"encoding/json"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/routine"
	"github.com/pocketbase/pocketbase/tools/subscriptions"
)

// Technicians' queues travel on narrow realtime topics instead of a
// subscription to the whole work_orders collection, for which PocketBase
// would check the list rule once per subscriber per change (BENCHMARKS.md,
// realtime): a technician's app subscribes to
//
//	queue/<their staff id>            orders dispatched to them
//	pool/<community id>/<category>    orders of their trade waiting in the pool
//
// and each change is serialised once and sent only to the connected
// clients subscribed to those topics whose signed-in account may have it.
// Messages are {"action": "upsert"|"remove", "record": {…}}.

func queueTopic(technician string) string { return "queue/" + technician }

func poolTopic(o *core.Record) string {
	return "pool/" + o.GetString("community") + "/" + o.GetString("category")
}

// pushQueue tells the technicians concerned about order cur (prev is the
// order before the change, nil for a new one).
func pushQueue(app core.App, prev, cur *core.Record) {
	var out []delivery
	for _, o := range []*core.Record{prev, cur} {
		if o == nil {
			continue
		}
		if t := o.GetString("technician"); t != "" && !hasTopic(out, queueTopic(t)) {
			tech := t
			out = append(out, delivery{queueTopic(tech), cur.GetString("technician") != tech,
				func(auth *core.Record) bool { return auth.Id == tech }})
		}
		if inPool(o) && !hasTopic(out, poolTopic(o)) {
			out = append(out, delivery{poolTopic(o), !inPool(cur),
				func(auth *core.Record) bool { return canClaim(auth, o) }})
		}
	}
	if len(out) == 0 {
		return
	}
	payload := map[bool][]byte{}
	for _, remove := range []bool{false, true} {
		action := "upsert"
		if remove {
			action = "remove"
		}
		payload[remove], _ = json.Marshal(map[string]any{"action": action, "record": cur})
	}
	for _, client := range app.SubscriptionsBroker().Clients() {
		auth, _ := client.Get(apis.RealtimeClientAuthKey).(*core.Record)
		if auth == nil {
			continue
		}
		for _, d := range out {
			if client.HasSubscription(d.topic) && d.allowed(auth) {
				// A client's channel is unbuffered and drained by its own
				// connection: send without waiting, as PocketBase does, so a
				// slow phone never holds up the change that triggered it.
				c, msg := client, subscriptions.Message{Name: d.topic, Data: payload[d.remove]}
				routine.FireAndForget(func() { c.Send(msg) })
			}
		}
	}
}

// delivery is one topic a change goes to: whether it leaves that list, and
// which signed-in accounts may receive it.
type delivery struct {
	topic   string
	remove  bool
	allowed func(auth *core.Record) bool
}

func hasTopic(list []delivery, topic string) bool {
	for _, d := range list {
		if d.topic == topic {
			return true
		}
	}
	return false
}
