package hooks_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/subscriptions"

	"wuye/hooks"
	"wuye/internal/testapp"
)

// topicMsg is what arrives on a resident/…, employee/… or community/… topic.
type topicMsg struct {
	Topic      string
	Collection string `json:"collection"`
	ID         string `json:"id"`
	Action     string `json:"action"`
}

// listen registers a realtime client signed in as auth with topics, as
// PocketBase does once a page has connected and subscribed: the client
// comes through the app's connect hooks, as on GET /api/realtime (the
// subscription guard is tested through the API below; this tests what is
// sent).
func listen(app core.App, auth *core.Record, topics ...string) subscriptions.Client {
	e := &core.RealtimeConnectRequestEvent{RequestEvent: &core.RequestEvent{App: app}, Client: subscriptions.NewDefaultClient()}
	var c subscriptions.Client
	if err := app.OnRealtimeConnectRequest().Trigger(e, func(e *core.RealtimeConnectRequestEvent) error {
		c = e.Client
		return nil
	}); err != nil {
		panic(err)
	}
	c.Set(apis.RealtimeClientAuthKey, auth)
	c.Subscribe(topics...)
	app.SubscriptionsBroker().Register(c)
	return c
}

// listenDirect registers a plain client that bypasses the connect hooks,
// as other code (and PocketBase's own tests) may.
func listenDirect(app core.App, auth *core.Record, topics ...string) subscriptions.Client {
	c := subscriptions.NewDefaultClient()
	c.Set(apis.RealtimeClientAuthKey, auth)
	c.Subscribe(topics...)
	app.SubscriptionsBroker().Register(c)
	return c
}

// inbox keeps what a client was sent. Messages leave on goroutines of
// their own, so a wait for one that must come is generous, while a check
// that one did not come looks only briefly (a late one would make the test
// pass wrongly, never fail wrongly).
type inbox struct {
	c   subscriptions.Client
	got []topicMsg
}

func (b *inbox) read(quiet time.Duration) bool {
	select {
	case msg := <-b.c.Channel():
		m := topicMsg{Topic: msg.Name}
		json.Unmarshal(msg.Data, &m)
		b.got = append(b.got, m)
		return true
	case <-time.After(quiet):
		return false
	}
}

// wait reports whether a message about collection/id (and action, unless
// "") arrived, waiting up to 5 s for it.
func (b *inbox) wait(collection, id, action string) bool {
	deadline := time.Now().Add(5 * time.Second)
	for !has(b.got, collection, id, action) {
		if time.Now().After(deadline) {
			return false
		}
		b.read(50 * time.Millisecond)
	}
	return true
}

// all is everything that arrived, after a short look for more.
func (b *inbox) all() []topicMsg {
	for b.read(60 * time.Millisecond) {
	}
	return b.got
}

// listenTo is listen with an inbox.
func listenTo(app core.App, auth *core.Record, topics ...string) *inbox {
	return &inbox{c: listen(app, auth, topics...)}
}

func has(msgs []topicMsg, collection, id, action string) bool {
	for _, m := range msgs {
		if m.Collection == collection && m.ID == id && (action == "" || m.Action == action) {
			return true
		}
	}
	return false
}

// TestResidentTopic: a change reaches the resident it concerns on their
// own topic and nobody else — not another resident, not someone listening
// on a topic that names somebody else; bills and payments reach every
// current resident of the unit, not a former one; nothing of the record
// travels but its collection, id and action.
func TestResidentTopic(t *testing.T) {
	app := testapp.New(t)
	owner1, tenant1, family1 := residentRec(t, app, "owner1@example.com"), residentRec(t, app, "tenant1@example.com"), residentRec(t, app, "family1@example.com")
	owner2, former1 := residentRec(t, app, "owner2@example.com"), residentRec(t, app, "former1@example.com")
	desk, tech1 := staffRec(t, app, "frontdesk@example.com"), staffRec(t, app, "tech1@example.com")

	me := listenTo(app, owner1, "resident/"+owner1.Id)
	tenant := listenTo(app, tenant1, "resident/"+tenant1.Id)
	family := listenTo(app, family1, "resident/"+family1.Id)
	neighbour := listenTo(app, owner2, "resident/"+owner2.Id)
	former := listenTo(app, former1, "resident/"+former1.Id)
	// Registered past the subscription guard: the send-time check still
	// keeps owner1's messages from another account.
	spy := listenTo(app, owner2, "resident/"+owner1.Id)
	staffSpy := listenTo(app, desk, "resident/"+owner1.Id)
	// Clients that did not come through the connect hook are served too,
	// and checked alike.
	direct := &inbox{c: listenDirect(app, owner1, "resident/"+owner1.Id)}
	directSpy := &inbox{c: listenDirect(app, owner2, "resident/"+owner1.Id)}
	others := map[string]*inbox{
		"a direct client of owner2 on owner1's topic": directSpy,
		"owner2": neighbour, "former1": former,
		"owner2 on owner1's topic": spy, "the desk on owner1's topic": staffSpy,
	}

	// A complaint: filed, then assigned by the desk.
	c := fileComplaint(t, app, owner1, "1-101", "cleaning", nil)
	if _, err := hooks.AdvanceComplaint(app, c.Id, desk, "assigned", map[string]any{"handler": tech1.Id}); err != nil {
		t.Fatal(err)
	}
	// A work order: filed, then dispatched.
	o := fileOrder(t, app, owner1, "1-101", "DQ01", nil)
	if _, err := hooks.AdvanceWorkOrder(app, o.Id, desk, "dispatched", map[string]any{"dispatch_mode": "assign", "technician": tech1.Id}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []struct{ col, id, action string }{
		{"complaints", c.Id, "create"}, {"complaints", c.Id, "update"},
		{"work_orders", o.Id, "create"}, {"work_orders", o.Id, "update"},
	} {
		if !me.wait(want.col, want.id, want.action) {
			t.Errorf("owner1 was not told of the %s %s (%s); got %+v", want.col, want.action, want.id, me.got)
		}
	}
	if !direct.wait("complaints", c.Id, "create") || !direct.wait("work_orders", o.Id, "update") {
		t.Errorf("owner1's directly registered client missed a message: %+v", direct.got)
	}
	for _, m := range me.all() {
		if m.Topic != "resident/"+owner1.Id || m.ID == "" || m.Collection == "" || (m.Action != "create" && m.Action != "update") {
			t.Errorf("unexpected message %+v", m)
		}
	}
	for name, b := range others {
		if got := b.all(); has(got, "complaints", c.Id, "") || has(got, "work_orders", o.Id, "") {
			t.Errorf("%s was told of owner1's complaint or order: %+v", name, got)
		}
	}
	// The household reads the owner's complaint and order of the flat
	// (migration 0052), and is told of them; an anonymous complaint stays
	// the complainant's.
	for name, b := range map[string]*inbox{"tenant1": tenant, "family1": family} {
		if !b.wait("complaints", c.Id, "update") || !b.wait("work_orders", o.Id, "update") {
			t.Errorf("%s was not told of the household's complaint and order: %+v", name, b.all())
		}
	}
	anon := fileComplaint(t, app, owner1, "1-101", "security", map[string]any{"anonymous": true})
	if !me.wait("complaints", anon.Id, "create") {
		t.Errorf("owner1 was not told of their anonymous complaint")
	}
	if got := tenant.all(); has(got, "complaints", anon.Id, "") {
		t.Errorf("tenant1 was told of owner1's anonymous complaint: %+v", got)
	}

	// A payment at the counter for 1-101 goes to its three current
	// residents (and so does the bill it pays); 1-102's people hear nothing.
	// One for 1-102 reaches owner2 but not former1, whose tenancy ended.
	payUnit := func(unit string) (payment, bill string) {
		t.Helper()
		if err := app.DB().Select("id").From("bills").
			Where(dbx.HashExp{"unit": testapp.ID(t, "unit:"+unit), "status": "issued"}).Limit(1).Row(&bill); err != nil {
			t.Fatalf("an issued bill of %s: %v", unit, err)
		}
		b, err := app.FindRecordById("bills", bill)
		if err != nil {
			t.Fatal(err)
		}
		return pay(t, app, b, 100).Id, bill
	}
	p, bill := payUnit("1-101")
	for name, b := range map[string]*inbox{"owner1": me, "tenant1": tenant, "family1": family} {
		if !b.wait("payments", p, "create") || !b.wait("bills", bill, "update") {
			t.Errorf("%s, who lives in 1-101, was not told of its payment and bill: %+v", name, b.got)
		}
	}
	for name, b := range map[string]*inbox{"owner2": neighbour, "former1": former, "owner2 on owner1's topic": spy, "the desk on owner1's topic": staffSpy} {
		if got := b.all(); has(got, "payments", p, "") || has(got, "bills", bill, "") {
			t.Errorf("%s was told of 1-101's payment: %+v", name, got)
		}
	}
	p, bill = payUnit("1-102")
	if !neighbour.wait("payments", p, "create") || !neighbour.wait("bills", bill, "update") {
		t.Errorf("owner2 was not told of 1-102's payment and bill: %+v", neighbour.got)
	}
	for name, b := range map[string]*inbox{"former1 (moved out of 1-102)": former, "owner1": me} {
		if got := b.all(); has(got, "payments", p, "") || has(got, "bills", bill, "") {
			t.Errorf("%s was told of 1-102's payment: %+v", name, got)
		}
	}

	// Notifications: to their recipient's topic only.
	n := notify(t, app, "residents", "owner2@example.com", "测试通知")
	if !neighbour.wait("notifications", n.Id, "create") {
		t.Errorf("owner2 was not told of their notification: %+v", neighbour.got)
	}
	for name, b := range map[string]*inbox{"owner1": me, "owner2 on owner1's topic": spy} {
		if got := b.all(); has(got, "notifications", n.Id, "") {
			t.Errorf("%s was told of owner2's notification: %+v", name, got)
		}
	}
}

// TestStaffTopics: a staff member's notifications arrive on employee/<id>;
// community/<id>/complaints tells exactly the staff who may read the
// complaint — here a complaint about the service center, which the desk,
// the supervisor and the technicians may not see and the administration
// office does — and tells the handler it has left
// them when it is handed to someone else.
func TestStaffTopics(t *testing.T) {
	app := testapp.New(t)
	ch := testapp.ID(t, "community:CH")
	topic := "community/" + ch + "/complaints"
	desk, supervisor := staffRec(t, app, "frontdesk@example.com"), staffRec(t, app, "supervisor@example.com")
	tech1, tech2 := staffRec(t, app, "tech1@example.com"), staffRec(t, app, "tech2@example.com")
	deskC, supC := listenTo(app, desk, topic, "employee/"+desk.Id), listenTo(app, supervisor, topic, "employee/"+supervisor.Id)
	tech1C, tech2C := listenTo(app, tech1, topic, "employee/"+tech1.Id), listenTo(app, tech2, topic, "employee/"+tech2.Id)
	officeC := listenTo(app, staffRec(t, app, "hr@example.com"), topic)          // the administration office
	other := listenTo(app, staffRec(t, app, "supervisor.yx@example.com"), topic) // 银杏苑's supervisor, past the guard
	spy := listenTo(app, tech2, "employee/"+tech1.Id)                            // past the guard too

	plain := fileComplaint(t, app, residentRec(t, app, "owner1@example.com"), "1-101", "cleaning", nil)
	if !deskC.wait("complaints", plain.Id, "create") {
		t.Errorf("the desk did not see a new complaint of its community arrive: %+v", deskC.got)
	}
	if got := tech1C.all(); has(got, "complaints", plain.Id, "") {
		t.Errorf("tech1, who does not handle it, was told of the complaint: %+v", got)
	}

	about := fileComplaint(t, app, desk, "1-202", "staff_attitude", map[string]any{"about_service_center": true})
	// [003] 2.2.8: the administration office's, no longer the supervisor's.
	if !officeC.wait("complaints", about.Id, "create") {
		t.Errorf("the administration office was not told of a complaint about the service center: %+v", officeC.got)
	}
	if got := supC.all(); has(got, "complaints", about.Id, "") {
		t.Errorf("the supervisor was told of a complaint about the service center: %+v", got)
	}
	if got := officeC.all(); has(got, "complaints", plain.Id, "") {
		t.Errorf("the administration office was told of a complaint not about the service center: %+v", got)
	}
	if got := deskC.all(); has(got, "complaints", about.Id, "") {
		t.Errorf("the desk was told of a complaint about the service center: %+v", got)
	}

	// Assigned to tech1: tech1 hears of it, and of the notification on
	// their own topic; handed to tech2, tech1 is told too, so that their
	// list drops it, and tech2 now sees it.
	if _, err := hooks.AdvanceComplaint(app, plain.Id, desk, "assigned", map[string]any{"handler": tech1.Id}); err != nil {
		t.Fatal(err)
	}
	if !tech1C.wait("complaints", plain.Id, "update") {
		t.Errorf("tech1 was not told of the complaint assigned to them: %+v", tech1C.got)
	}
	var notice string
	if err := app.DB().Select("id").From("notifications").
		Where(dbx.HashExp{"recipient_staff": tech1.Id, "subject_id": plain.Id}).Limit(1).Row(&notice); err != nil {
		t.Fatalf("tech1's assignment notice: %v", err)
	}
	if !tech1C.wait("notifications", notice, "create") {
		t.Errorf("tech1's assignment notice did not arrive on employee/%s: %+v", tech1.Id, tech1C.got)
	}
	if got := tech2C.all(); has(got, "complaints", plain.Id, "") || has(got, "notifications", notice, "") {
		t.Errorf("tech2 was told of tech1's complaint or notification: %+v", got)
	}
	for name, b := range map[string]*inbox{"the desk": deskC, "tech2 on tech1's topic": spy} {
		if got := b.all(); has(got, "notifications", notice, "") {
			t.Errorf("%s was told of tech1's notification: %+v", name, got)
		}
	}
	rec, err := app.FindRecordById("complaints", plain.Id)
	if err != nil {
		t.Fatal(err)
	}
	tech1C.got = nil
	rec.Set("handler", tech2.Id)
	if err := app.Save(rec); err != nil {
		t.Fatal(err)
	}
	if !tech1C.wait("complaints", plain.Id, "update") {
		t.Errorf("tech1 was not told the complaint left them: %+v", tech1C.got)
	}
	if !tech2C.wait("complaints", plain.Id, "update") {
		t.Errorf("tech2 was not told of the complaint handed to them: %+v", tech2C.got)
	}
	if got := other.all(); len(got) > 0 {
		t.Errorf("another community's supervisor was told: %+v", got)
	}
}

// TestCommunityTopicMatchesTheRules: for every staff member of the demo and
// every complaint and work order, the community topic tells them of a
// change exactly when the collection's view rule lets them read the record
// (the hook decides in Go what PocketBase would decide with a query per
// subscriber; this keeps the two the same).
func TestCommunityTopicMatchesTheRules(t *testing.T) {
	app := testapp.New(t)
	ch := testapp.ID(t, "community:CH")
	owner1 := residentRec(t, app, "owner1@example.com")
	desk := staffRec(t, app, "frontdesk@example.com")
	tech1 := staffRec(t, app, "tech1@example.com")
	// Cases the demo may lack: about the service center, about a staff
	// member, handled by a technician; a pool order, an assigned one.
	fileComplaint(t, app, desk, "1-202", "staff_attitude", map[string]any{"about_service_center": true})
	fileComplaint(t, app, desk, "1-202", "staff_attitude", map[string]any{"subject_staff": staffRec(t, app, "areamgr@example.com").Id})
	h := fileComplaint(t, app, owner1, "1-101", "cleaning", nil)
	if _, err := hooks.AdvanceComplaint(app, h.Id, desk, "assigned", map[string]any{"handler": tech1.Id}); err != nil {
		t.Fatal(err)
	}
	pool := fileOrder(t, app, owner1, "1-101", "DQ01", nil)
	if _, err := hooks.AdvanceWorkOrder(app, pool.Id, desk, "dispatched", map[string]any{"dispatch_mode": "pool"}); err != nil {
		t.Fatal(err)
	}
	assigned := fileOrder(t, app, owner1, "1-101", "DQ01", nil)
	if _, err := hooks.AdvanceWorkOrder(app, assigned.Id, desk, "dispatched", map[string]any{"dispatch_mode": "assign", "technician": tech1.Id}); err != nil {
		t.Fatal(err)
	}

	staff, err := app.FindAllRecords("staff")
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, col := range []string{"complaints", "work_orders"} {
		collection, _ := app.FindCollectionByNameOrId(col)
		records, err := app.FindRecordsByFilter(col, "community = {:c}", "", 0, 0, dbx.Params{"c": ch})
		if err != nil {
			t.Fatal(err)
		}
		clients := map[string]*inbox{}
		for _, s := range staff {
			clients[s.Id] = listenTo(app, s, "community/"+ch+"/"+col)
		}
		type pair struct{ r, s *core.Record }
		var unseen []pair
		for _, r := range records {
			// A save that changes nothing still publishes an update: the
			// same record before and after, so "may read" is the rule's.
			if err := app.SaveNoValidate(r); err != nil {
				t.Fatal(err)
			}
			for _, s := range staff {
				want, err := app.CanAccessRecord(r, &core.RequestInfo{Auth: s, Method: http.MethodGet}, collection.ViewRule)
				if err != nil {
					t.Fatal(err)
				}
				checked++
				if !want {
					unseen = append(unseen, pair{r, s})
				} else if !clients[s.Id].wait(col, r.Id, "update") {
					t.Errorf("%s %s (%s) was not sent to %s (%s), who may read it",
						col, r.Id, describe(r), s.Email(), s.GetString("role"))
				}
			}
		}
		for _, c := range clients {
			c.all()
		}
		for _, p := range unseen {
			if has(clients[p.s.Id].got, col, p.r.Id, "") {
				t.Errorf("%s %s (%s) was sent to %s (%s), whom the view rule refuses",
					col, p.r.Id, describe(p.r), p.s.Email(), p.s.GetString("role"))
			}
		}
		for _, c := range clients {
			app.SubscriptionsBroker().Unregister(c.c.Id())
		}
	}
	if checked < 100 {
		t.Fatalf("only %d staff × record pairs checked", checked)
	}
}

func describe(r *core.Record) string {
	return fmt.Sprintf("status %s, handler %q, technician %q, about center %v, subject %q, mode %q",
		r.GetString("status"), r.GetString("handler"), r.GetString("technician"),
		r.GetBool("about_service_center"), r.GetString("subject_staff"), r.GetString("dispatch_mode"))
}

// TestTopicSubscriptionGuard: through the API, only the account a topic
// names may subscribe to it: a resident to their own topic, not to another
// resident's; staff to neither; a staff member to their own staff topic and
// to the community topics of their communities only; a guest to nothing.
func TestTopicSubscriptionGuard(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	owner1, owner2 := testapp.ID(t, "residents:owner1@example.com"), testapp.ID(t, "residents:owner2@example.com")
	desk, supervisor := testapp.ID(t, "staff:frontdesk@example.com"), testapp.ID(t, "staff:supervisor@example.com")
	ch, yx := testapp.ID(t, "community:CH"), testapp.ID(t, "community:YX")
	cases := []struct {
		who   string
		topic string
		want  int
	}{
		{"owner1@example.com", "resident/" + owner1, http.StatusNoContent},
		{"owner1@example.com", `resident/` + owner1 + `?options={"query":{}}`, http.StatusNoContent},
		{"owner1@example.com", "resident/" + owner2, http.StatusForbidden},
		{"owner1@example.com", `resident/` + owner2 + `?options={"query":{}}`, http.StatusForbidden},
		{"frontdesk@example.com", "resident/" + owner1, http.StatusForbidden},
		{"supervisor@example.com", "resident/" + owner1, http.StatusForbidden},
		{"", "resident/" + owner1, http.StatusForbidden},
		{"frontdesk@example.com", "employee/" + desk, http.StatusNoContent},
		{"frontdesk@example.com", "employee/" + supervisor, http.StatusForbidden},
		{"owner1@example.com", "employee/" + desk, http.StatusForbidden},
		// Collection topics are PocketBase's business (the staff record topic
		// of a colleague, which the view rule allows, is not ours).
		{"frontdesk@example.com", "staff/" + supervisor, http.StatusNoContent},
		{"frontdesk@example.com", "community/" + ch + "/complaints", http.StatusNoContent},
		{"frontdesk@example.com", "community/" + ch + "/work_orders", http.StatusNoContent},
		{"frontdesk@example.com", "community/" + ch + "/bills", http.StatusForbidden},
		{"frontdesk@example.com", "community/" + yx + "/complaints", http.StatusForbidden},
		{"supervisor.yx@example.com", "community/" + ch + "/complaints", http.StatusForbidden},
		{"owner1@example.com", "community/" + ch + "/complaints", http.StatusForbidden},
		{"", "community/" + ch + "/complaints", http.StatusForbidden},
	}
	for _, c := range cases {
		client := subscriptions.NewDefaultClient()
		app.SubscriptionsBroker().Register(client)
		body, _ := json.Marshal(map[string]any{"clientId": client.Id(), "subscriptions": []string{c.topic}})
		code, resp := testapp.Do(t, h, http.MethodPost, "/api/realtime", string(body), c.who)
		if code != c.want {
			t.Errorf("%q subscribing to %s: %d %s, want %d", c.who, c.topic, code, resp, c.want)
		}
		if subscribed := client.HasSubscription(c.topic); subscribed != (c.want == http.StatusNoContent) {
			t.Errorf("%q subscribing to %s: subscribed %v", c.who, c.topic, subscribed)
		}
		app.SubscriptionsBroker().Unregister(client.Id())
	}
}

// TestRefusedSubscriptionSpeaksTheClerksLanguage: a refused subscription
// (another person's topic, a side collection) says why in Chinese, and in
// English for a client that asks for it, naming the topic (base_messages.go).
func TestRefusedSubscriptionSpeaksTheClerksLanguage(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	topic := "resident/" + testapp.ID(t, "residents:owner2@example.com")
	for _, c := range []struct{ url, want string }{
		{"/api/realtime", "您无权实时关注“" + topic + "”"},
		{"/api/realtime?lang=en", "You may not subscribe to " + topic + "."},
	} {
		client := subscriptions.NewDefaultClient()
		app.SubscriptionsBroker().Register(client)
		body, _ := json.Marshal(map[string]any{"clientId": client.Id(), "subscriptions": []string{topic}})
		code, resp := testapp.Do(t, h, http.MethodPost, c.url, string(body), "owner1@example.com")
		var got struct{ Message string }
		json.Unmarshal([]byte(resp), &got)
		if code != http.StatusForbidden || !strings.Contains(got.Message, c.want) {
			t.Errorf("POST %s: %d %q, want 403 saying %q", c.url, code, got.Message, c.want)
		}
		app.SubscriptionsBroker().Unregister(client.Id())
	}
}

// sse is a realtime connection over HTTP, as a browser holds one.
type sse struct {
	t      *testing.T
	base   string
	email  string
	id     string
	events chan topicMsg
	held   []topicMsg // read by got while it waited for another message
}

// connectSSE opens /api/realtime on srv as the demo account email and waits
// for PB_CONNECT.
func connectSSE(t *testing.T, ctx context.Context, base, email string) *sse {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/realtime", nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	s := &sse{t: t, base: base, email: email, events: make(chan topicMsg, 100)}
	hello := make(chan string, 1)
	go func() {
		defer res.Body.Close()
		br := bufio.NewReader(res.Body)
		var event string
		for {
			line, err := br.ReadString('\n')
			if err != nil {
				close(s.events)
				return
			}
			line = strings.TrimRight(line, "\r\n")
			switch {
			case strings.HasPrefix(line, "event:"):
				event = strings.TrimSpace(strings.TrimPrefix(line, "event:"))
			case strings.HasPrefix(line, "data:"):
				data := strings.TrimSpace(strings.TrimPrefix(line, "data:"))
				if event == "PB_CONNECT" {
					var h struct{ ClientId string }
					json.Unmarshal([]byte(data), &h)
					hello <- h.ClientId
					continue
				}
				m := topicMsg{Topic: event}
				var rec struct {
					Record struct {
						ID             string `json:"id"`
						CollectionName string `json:"collectionName"`
					} `json:"record"`
				}
				json.Unmarshal([]byte(data), &m)
				if m.ID == "" && json.Unmarshal([]byte(data), &rec) == nil {
					m.ID, m.Collection = rec.Record.ID, rec.Record.CollectionName
				}
				s.events <- m
			}
		}
	}()
	select {
	case s.id = <-hello:
	case <-time.After(10 * time.Second):
		t.Fatal("no PB_CONNECT")
	}
	return s
}

// subscribe sends the page's subscriptions, as the JS SDK does.
func (s *sse) subscribe(topics ...string) {
	s.t.Helper()
	body, _ := json.Marshal(map[string]any{"clientId": s.id, "subscriptions": topics})
	req, _ := http.NewRequest(http.MethodPost, s.base+"/api/realtime", strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", testapp.Token(s.t, s.email))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNoContent {
		s.t.Fatalf("subscribe %v: %s", topics, res.Status)
	}
}

// got waits up to 5 s for a message on topic about collection/id. The
// messages it reads meanwhile are kept for the next call: one change's
// messages on two topics come in either order (PocketBase's record message
// and Wuye's own are sent apart), and dropping the first made a page that
// holds both seem to miss one.
func (s *sse) got(topic, collection, id string) bool {
	match := func(m topicMsg) bool { return m.Topic == topic && m.Collection == collection && m.ID == id }
	for i, m := range s.held {
		if match(m) {
			s.held = append(s.held[:i], s.held[i+1:]...)
			return true
		}
	}
	deadline := time.After(5 * time.Second)
	for {
		select {
		case m, ok := <-s.events:
			if !ok {
				return false
			}
			if match(m) {
				return true
			}
			s.held = append(s.held, m)
		case <-deadline:
			return false
		}
	}
}

// TestRealtimeOverHTTP: through real connections, a page holding only
// Wuye's own topics hears of its resident's changes, and one that also
// holds collection topics still gets PocketBase's record messages — also
// after it changed its subscriptions back and forth (each connection's
// client skips PocketBase's per-save scan only while it holds own topics
// alone).
func TestRealtimeOverHTTP(t *testing.T) {
	app := testapp.New(t)
	srv := httptest.NewServer(testapp.Handler(t, app))
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	owner1 := testapp.ID(t, "residents:owner1@example.com")
	mine := "resident/" + owner1

	own := connectSSE(t, ctx, srv.URL, "owner1@example.com")
	own.subscribe(mine, "PB_CONNECT")
	mixed := connectSSE(t, ctx, srv.URL, "owner1@example.com")
	mixed.subscribe(mine, "complaints/*", "PB_CONNECT")
	switching := connectSSE(t, ctx, srv.URL, "owner1@example.com")
	switching.subscribe("complaints/*")
	switching.subscribe(mine) // the SDK resends the whole list: now own topics only

	file := func() string {
		t.Helper()
		body := fmt.Sprintf(`{"unit":%q,"category":"cleaning","content":"楼道有垃圾","contact_name":"李明","contact_phone":"13800000001"}`,
			testapp.ID(t, "unit:1-101"))
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/api/collections/complaints/records", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", testapp.Token(t, "owner1@example.com"))
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var r struct{ ID string }
		if err := json.NewDecoder(res.Body).Decode(&r); err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("file a complaint: %s %v", res.Status, err)
		}
		return r.ID
	}
	c := file()
	if !own.got(mine, "complaints", c) {
		t.Error("the page with own topics only did not hear of the complaint")
	}
	if !mixed.got(mine, "complaints", c) || !mixed.got("complaints/*", "complaints", c) {
		t.Error("the page with own and collection topics missed a message")
	}
	if !switching.got(mine, "complaints", c) {
		t.Error("the page that left complaints/* for its own topic did not hear of the complaint")
	}

	switching.subscribe(mine, "complaints/*") // and back to a collection topic
	c = file()
	if !switching.got("complaints/*", "complaints", c) {
		t.Error("the page that subscribed to complaints/* again did not get PocketBase's message")
	}
}
