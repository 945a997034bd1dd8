package hooks_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/subscriptions"

	"wuye/hooks"
	"wuye/internal/testapp"
)

// TestSideRecordsSkipTheSaveHooks: an event, and a notification's in-app
// delivery, are written with one INSERT, not through PocketBase's record
// save (hooks/base_side_inserts.go), so that PocketBase's realtime
// broadcast does not ask every connected client about them (issue #23).
// The row is what the save wrote (the same columns, created on Wuye's
// clock), no model hook runs — a superuser listening on events/* and
// deliveries/* past the guard hears nothing —, a pending delivery is still
// saved (its commit wakes the outbox), and a subscription to either
// collection, under its name or its id, is refused.
func TestSideRecordsSkipTheSaveHooks(t *testing.T) {
	app := testapp.New(t)
	c, err := app.FindFirstRecordByFilter("complaints", "id != '' && resident != ''")
	if err != nil {
		t.Fatal(err)
	}
	su, err := app.FindAuthRecordByEmail(core.CollectionNameSuperusers, "root@example.com")
	if err != nil {
		t.Fatal(err)
	}
	hooked, delivered := 0, map[string]int{}
	app.OnModelAfterCreateSuccess("events").BindFunc(func(e *core.ModelEvent) error {
		hooked++
		return e.Next()
	})
	app.OnRecordAfterCreateSuccess("deliveries").BindFunc(func(e *core.RecordEvent) error {
		delivered[e.Record.GetString("channel")]++
		return e.Next()
	})
	spy := &inbox{c: listenDirect(app, su, "events/*", "deliveries/*")}
	defer app.SubscriptionsBroker().Unregister(spy.c.Id())

	before := time.Now().Add(-time.Second)
	if err := hooks.RecordEvent(app, hooks.Event{Subject: c, Action: "status", From: "received", To: "assigned", Note: "测试", Public: true}); err != nil {
		t.Fatal(err)
	}
	got, err := app.FindFirstRecordByFilter("events", "complaint = {:c} && note = '测试'", map[string]any{"c": c.Id})
	if err != nil {
		t.Fatalf("the event was not written: %v", err)
	}
	if hooked != 0 {
		t.Errorf("%d model hooks ran for the event", hooked)
	}
	if msgs := spy.all(); len(msgs) != 0 {
		t.Errorf("a client on events/* was sent %v", msgs)
	}
	if at := got.GetDateTime("created").Time(); at.Before(before) || at.After(time.Now().Add(time.Second)) {
		t.Errorf("created %v, want now", at)
	}

	// The same event saved as PocketBase saves a record: the same row.
	saved := core.NewRecord(got.Collection())
	saved.Load(got.FieldsData())
	saved.Id = ""
	if err := app.SaveNoValidate(saved); err != nil {
		t.Fatal(err)
	}
	if hooked != 1 {
		t.Fatalf("the hook counted %d saves", hooked)
	}
	row := func(r *core.Record) map[string]any {
		var m map[string]any
		b, _ := json.Marshal(r.FieldsData())
		json.Unmarshal(b, &m)
		delete(m, "id")
		delete(m, "created")
		return m
	}
	again, err := app.FindRecordById("events", saved.Id)
	if err != nil {
		t.Fatal(err)
	}
	if a, b := row(got), row(again); !maps.EqualFunc(a, b, func(x, y any) bool { return fmt.Sprint(x) == fmt.Sprint(y) }) {
		t.Errorf("inserted %v\nsaved    %v", a, b)
	}

	// A notification: its in-app delivery is inserted, sent; one the
	// recipient is reached on otherwise is saved, pending.
	owner, err := app.FindAuthRecordByEmail("residents", "owner1@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if err := hooks.Notify(app, hooks.Notice{Recipient: owner, Kind: "probe", Title: "测试"}); err != nil {
		t.Fatal(err)
	}
	ds, err := app.FindRecordsByFilter("deliveries", "recipient_resident = {:r} && kind = 'probe'", "", 0, 0, map[string]any{"r": owner.Id})
	if err != nil {
		t.Fatal(err)
	}
	inapp := 0
	for _, d := range ds {
		if d.GetString("channel") == "inapp" {
			inapp++
			if d.GetString("status") != "sent" || d.GetString("notification") == "" || d.GetDateTime("created").IsZero() || d.GetDateTime("updated").IsZero() {
				t.Errorf("in-app delivery %v", d.FieldsData())
			}
		} else if delivered[d.GetString("channel")] == 0 {
			t.Errorf("the %s delivery was not saved through the hooks", d.GetString("channel"))
		}
	}
	if inapp != 1 || delivered["inapp"] != 0 {
		t.Errorf("%d in-app deliveries, %d of them saved through the hooks; want 1 inserted", inapp, delivered["inapp"])
	}
	if msgs := spy.all(); len(msgs) != 0 {
		t.Errorf("a client on deliveries/* was sent %v", msgs)
	}

	h := testapp.Handler(t, app)
	dcol, err := app.FindCollectionByNameOrId("deliveries")
	if err != nil {
		t.Fatal(err)
	}
	for _, topic := range []string{"events/*", "events/" + got.Id, `events/*?options={"query":{}}`, "events", got.Collection().Id + "/*",
		"deliveries/*", "deliveries/" + ds[0].Id, dcol.Id + "/" + ds[0].Id} {
		for _, who := range []string{"supervisor@example.com", "owner1@example.com", "root@example.com"} {
			refusesSubscription(t, app, h, who, topic)
		}
	}
}

// TestLeanClientAnswersAsPocketBase: a connection's client answers
// PocketBase's per-save question (its subscriptions under a prefix) as
// PocketBase's own client does, while it answers "none" without a scan for
// a collection none of its topics names (hooks/base_realtime.go
// leanClient) — with own topics only, with collection topics beside them,
// and after its subscriptions change.
func TestLeanClientAnswersAsPocketBase(t *testing.T) {
	app := testapp.New(t)
	auth := residentRec(t, app, "owner1@example.com")
	owner1 := auth.Id
	withOptions := `renovations/*?options={"query":{"filter":"community = 'x'"}}`
	prefixes := []string{"complaints/abc?", "complaints/*?", "complaints?", "renovations/abc?", "renovations/*?",
		"renovations?", "reno", "resident/", "resident/" + owner1, "PB_CONNECT", "PB", "", "pbc_123/*?", "events/*?"}
	steps := []struct {
		name string
		do   func(c subscriptions.Client)
	}{
		{"own topics", func(c subscriptions.Client) { c.Subscribe("resident/"+owner1, "PB_CONNECT") }},
		{"a collection topic beside them", func(c subscriptions.Client) { c.Subscribe(withOptions) }},
		{"a record topic", func(c subscriptions.Client) { c.Subscribe("complaints/abc") }},
		{"the collection topic dropped", func(c subscriptions.Client) { c.Unsubscribe(withOptions) }},
		{"all dropped", func(c subscriptions.Client) { c.Unsubscribe() }},
		{"a deprecated collection topic", func(c subscriptions.Client) { c.Subscribe("renovations") }},
	}
	lean := listen(app, auth)
	defer app.SubscriptionsBroker().Unregister(lean.Id())
	plain := subscriptions.NewDefaultClient()
	for _, s := range steps {
		s.do(lean)
		s.do(plain)
		for _, p := range prefixes {
			if got, want := lean.Subscriptions(p), plain.Subscriptions(p); !maps.Equal(subKeys(got), subKeys(want)) {
				t.Errorf("%s: under %q: %v, want %v", s.name, p, subKeys(got), subKeys(want))
			}
		}
		if got, want := lean.Subscriptions(), plain.Subscriptions(); !maps.Equal(subKeys(got), subKeys(want)) {
			t.Errorf("%s: all: %v, want %v", s.name, subKeys(got), subKeys(want))
		}
		for _, ps := range [][]string{prefixes[:3], prefixes[3:6], prefixes[11:], {"pbc_123/*?", "events/*?"}} {
			if got, want := lean.Subscriptions(ps...), plain.Subscriptions(ps...); !maps.Equal(subKeys(got), subKeys(want)) {
				t.Errorf("%s: under %q: %v, want %v", s.name, ps, subKeys(got), subKeys(want))
			}
		}
	}
}

func subKeys(m map[string]subscriptions.SubscriptionOptions) map[string]bool {
	out := map[string]bool{}
	for k := range m {
		out[k] = true
	}
	return out
}

// TestHeadsHeldCountEveryClient: the app counts the heads its clients'
// subscriptions have, and checks that count first for every client on every
// save (hooks/base_realtime.go holdHeads): a head stays counted while any
// client holds it — another client's unsubscribing or leaving does not drop
// it — and a client answers by its own subscriptions when another holds a
// head it does not.
func TestHeadsHeldCountEveryClient(t *testing.T) {
	app := testapp.New(t)
	auth := residentRec(t, app, "owner1@example.com")
	owner1 := auth.Id
	const under = "renovations/*?"
	follows := func(c subscriptions.Client) bool { return len(c.Subscriptions(under)) == 1 }
	a := listen(app, auth, "renovations/*")
	b := listen(app, auth, "renovations/*", "resident/"+owner1)
	c := listen(app, auth, "resident/"+owner1)
	defer app.SubscriptionsBroker().Unregister(c.Id())
	if !follows(a) || !follows(b) || follows(c) {
		t.Fatalf("a %v, b %v, c %v: want a and b", follows(a), follows(b), follows(c))
	}
	a.Unsubscribe("renovations/*")
	if follows(a) || !follows(b) {
		t.Errorf("after a's unsubscribe: a %v, b %v, want b only", follows(a), follows(b))
	}
	a.Subscribe("renovations/*")
	app.SubscriptionsBroker().Unregister(a.Id())
	if !follows(b) {
		t.Error("after a left: b no longer answers")
	}
	b.Unsubscribe()
	if follows(b) || follows(c) {
		t.Error("nobody follows: still answered")
	}
	b.Subscribe("renovations/*")
	defer app.SubscriptionsBroker().Unregister(b.Id())
	if !follows(b) || follows(c) {
		t.Errorf("b again: b %v, c %v", follows(b), follows(c))
	}
}

// refusesSubscription checks that the API refuses who (an email) a
// subscription to topic, with a 403.
func refusesSubscription(t *testing.T, app core.App, h http.Handler, who, topic string) {
	t.Helper()
	client := subscriptions.NewDefaultClient()
	app.SubscriptionsBroker().Register(client)
	defer app.SubscriptionsBroker().Unregister(client.Id())
	body, _ := json.Marshal(map[string]any{"clientId": client.Id(), "subscriptions": []string{topic}})
	if code, resp := testapp.Do(t, h, http.MethodPost, "/api/realtime", string(body), who); code != http.StatusForbidden {
		t.Errorf("%s subscribing to %s: %d %s, want 403", who, topic, code, resp)
	}
}
