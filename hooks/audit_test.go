package hooks_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/subscriptions"

	"wuye/hooks"
	"wuye/internal/testapp"
)

// seedEvents adds a public and a staff-only event on unit 1-101 and a public
// one on 1-102, and returns the first one.
func seedEvents(t testing.TB, app core.App) *core.Record {
	t.Helper()
	for _, e := range []struct {
		unit, note string
		public     bool
	}{{"unit:1-101", "public-101", true}, {"unit:1-101", "internal-101", false}, {"unit:1-102", "public-102", true}} {
		u, err := app.FindRecordById("units", testapp.ID(t, e.unit))
		if err != nil {
			t.Fatal(err)
		}
		if err := hooks.RecordEvent(app, hooks.Event{Subject: u, Action: "note", Note: e.note, Public: e.public}); err != nil {
			t.Fatal(err)
		}
	}
	ev, err := app.FindFirstRecordByFilter("events", "note='public-101'")
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

func TestEventsAreAppendOnlyAndScoped(t *testing.T) {
	var eventID string
	seed := func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) { eventID = seedEvents(t, app).Id }
	scenarios := []tests.ApiScenario{
		{
			Name:               "a resident sees the public events of their unit only",
			Method:             http.MethodGet,
			URL:                "/api/collections/events/records?filter=" + urlq(`action="note"`),
			Headers:            testapp.Auth(t, "owner1@example.com"),
			BeforeTestFunc:     seed,
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"totalItems":1`, `public-101`},
			NotExpectedContent: []string{`internal-101`, `public-102`},
		},
		{
			// tenant1 lives in 1-101 too, but owner1's complaints are owner1's.
			Name:            "a co-resident does not see the owner's complaint timeline",
			Method:          http.MethodGet,
			URL:             "/api/collections/events/records?filter=" + urlq(`subject_collection="complaints"`),
			Headers:         testapp.Auth(t, "tenant1@example.com"),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"totalItems":0`},
		},
		{
			Name:               "while the owner sees it",
			Method:             http.MethodGet,
			URL:                "/api/collections/events/records?filter=" + urlq(`subject_collection="complaints"`),
			Headers:            testapp.Auth(t, "owner1@example.com"),
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"subject_collection":"complaints"`, `"public":true`},
			NotExpectedContent: []string{`"totalItems":0`},
		},
		{
			Name:               "a former tenant sees none",
			Method:             http.MethodGet,
			URL:                "/api/collections/events/records?filter=" + urlq(`action="note"`),
			Headers:            testapp.Auth(t, "former1@example.com"),
			BeforeTestFunc:     seed,
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"totalItems":0`},
			NotExpectedContent: []string{`public-102`},
		},
		{
			Name:            "staff of the community see all of its events",
			Method:          http.MethodGet,
			URL:             "/api/collections/events/records?filter=" + urlq(`action="note"`),
			Headers:         testapp.Auth(t, "frontdesk@example.com"),
			BeforeTestFunc:  seed,
			ExpectedStatus:  200,
			ExpectedContent: []string{`"totalItems":3`, `internal-101`},
		},
		{
			Name:            "staff of another community see none",
			Method:          http.MethodGet,
			URL:             "/api/collections/events/records",
			Headers:         testapp.Auth(t, "supervisor.yx@example.com"),
			BeforeTestFunc:  seed,
			ExpectedStatus:  200,
			ExpectedContent: []string{`"totalItems":0`},
		},
		{
			Name:            "nobody creates events through the API",
			Method:          http.MethodPost,
			URL:             "/api/collections/events/records",
			Body:            strings.NewReader(`{"subject_collection":"units","subject_id":"x","action":"forged"}`),
			Headers:         testapp.Auth(t, "director@example.com"),
			ExpectedStatus:  403,
			ExpectedContent: []string{`"message":"您无权执行此操作"`},
		},
	}
	for _, s := range scenarios {
		s.TestAppFactory = testapp.Factory
		s.Test(t)
	}

	// Editing and deleting: even a superuser, who passes every API rule, is
	// refused, and the event stays as it was.
	for _, s := range []tests.ApiScenario{
		{Name: "a superuser cannot edit an event", Method: http.MethodPatch, Body: strings.NewReader(`{"note":"rewritten"}`)},
		{Name: "a superuser cannot delete an event", Method: http.MethodDelete},
		{Name: "a director cannot edit an event", Method: http.MethodPatch, Body: strings.NewReader(`{"note":"rewritten"}`)},
	} {
		s.TestAppFactory = testapp.Factory
		s.BeforeTestFunc = func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
			seed(t, app, e)
			substituteID(e, "EVENT", &eventID)
		}
		s.URL = "/api/collections/events/records/EVENT"
		s.Headers = testapp.Auth(t, "root@example.com")
		s.ExpectedStatus = 400
		s.ExpectedContent = []string{`操作记录只能追加，不能修改或删除`}
		if strings.HasPrefix(s.Name, "a director") {
			s.Headers = testapp.Auth(t, "director@example.com")
			s.ExpectedStatus = 403
			s.ExpectedContent = []string{`"message":"您无权执行此操作"`}
		}
		s.AfterTestFunc = func(t testing.TB, app *tests.TestApp, _ *http.Response) {
			ev, err := app.FindRecordById("events", eventID)
			if err != nil || ev.GetString("note") != "public-101" {
				t.Fatalf("the event was changed or removed: %v %v", ev, err)
			}
		}
		s.Test(t)
	}
}

// substituteID lets a scenario URL name a record made in BeforeTestFunc:
// the path id placeholder is replaced by *id when the request arrives.
func substituteID(e *core.ServeEvent, placeholder string, id *string) {
	e.Router.BindFunc(func(re *core.RequestEvent) error {
		if re.Request.PathValue("id") == placeholder {
			re.Request.SetPathValue("id", *id)
		}
		return re.Next()
	})
}

func TestEventsCannotBeChangedInCode(t *testing.T) {
	app := testapp.New(t)
	ev := seedEvents(t, app)
	ev.Set("note", "rewritten")
	if err := app.Save(ev); err == nil {
		t.Fatal("app.Save changed an event")
	}
	if err := app.Delete(ev); err == nil {
		t.Fatal("app.Delete removed an event")
	}
}

func notify(t testing.TB, app core.App, collection, email, title string) *core.Record {
	t.Helper()
	r, err := app.FindAuthRecordByEmail(collection, email)
	if err != nil {
		t.Fatal(err)
	}
	if err := hooks.Notify(app, hooks.Notice{Recipient: r, Kind: "test", Title: title}); err != nil {
		t.Fatal(err)
	}
	n, err := app.FindFirstRecordByFilter("notifications", "title={:t}", map[string]any{"t": title})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestNotificationsBelongToTheirRecipient(t *testing.T) {
	var id string
	seed := func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
		id = notify(t, app, "staff", "supervisor@example.com", "投诉超时升级").Id
		notify(t, app, "residents", "owner1@example.com", "您的报修已派工")
		substituteID(e, "NOTE", &id)
	}
	scenarios := []tests.ApiScenario{
		{
			Name:               "the recipient lists their own",
			Method:             http.MethodGet,
			URL:                "/api/collections/notifications/records?filter=" + urlq(`kind="test"`),
			Headers:            testapp.Auth(t, "supervisor@example.com"),
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"totalItems":1`, `投诉超时升级`},
			NotExpectedContent: []string{`您的报修已派工`},
		},
		{
			Name:               "another staff member sees none",
			Method:             http.MethodGet,
			URL:                "/api/collections/notifications/records?filter=" + urlq(`kind="test"`),
			Headers:            testapp.Auth(t, "director@example.com"),
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"totalItems":0`},
			NotExpectedContent: []string{`投诉超时升级`},
		},
		{
			Name:            "nor can they mark it read",
			Method:          http.MethodPatch,
			URL:             "/api/collections/notifications/records/NOTE",
			Body:            strings.NewReader(`{"read":true}`),
			Headers:         testapp.Auth(t, "director@example.com"),
			ExpectedStatus:  404,
			ExpectedContent: []string{`"data":{}`},
		},
		{
			Name:            "the recipient marks it read",
			Method:          http.MethodPatch,
			URL:             "/api/collections/notifications/records/NOTE",
			Body:            strings.NewReader(`{"read":true}`),
			Headers:         testapp.Auth(t, "supervisor@example.com"),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"read":true`, `"read_at":"20`},
		},
		{
			Name:            "but cannot rewrite it",
			Method:          http.MethodPatch,
			URL:             "/api/collections/notifications/records/NOTE",
			Body:            strings.NewReader(`{"title":"改过的标题"}`),
			Headers:         testapp.Auth(t, "supervisor@example.com"),
			ExpectedStatus:  400,
			ExpectedContent: []string{`通知只能标记为已读/未读`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				n, _ := app.FindRecordById("notifications", id)
				if n.GetString("title") != "投诉超时升级" {
					t.Fatal("title changed")
				}
			},
		},
		{
			Name:            "nobody creates notifications through the API",
			Method:          http.MethodPost,
			URL:             "/api/collections/notifications/records",
			Body:            strings.NewReader(`{"recipient_staff":"x","kind":"spam","title":"spam"}`),
			Headers:         testapp.Auth(t, "supervisor@example.com"),
			ExpectedStatus:  403,
			ExpectedContent: []string{`"message":"您无权执行此操作"`},
		},
	}
	for _, s := range scenarios {
		s.TestAppFactory = testapp.Factory
		s.BeforeTestFunc = seed
		s.Test(t)
	}
}

// TestNotificationRealtimeReachesOnlyTheRecipient connects clients the way
// the pages do (each on their own topic, employee/<id> or resident/<id>,
// with their auth) and checks that a new notification is delivered to its
// recipient and nobody else — not to a guest, nor to a client on
// notifications/* (a topic the API refuses since notifications are written
// without a save: TestNotifyInsertsAndTellsOnCommit).
func TestNotificationRealtimeReachesOnlyTheRecipient(t *testing.T) {
	app := testapp.New(t)
	if _, err := apis.NewRouter(app); err != nil { // binds the realtime broadcast hooks
		t.Fatal(err)
	}
	clients := map[string]*subscriptions.DefaultClient{}
	for _, who := range []struct{ collection, email string }{
		{"staff", "supervisor@example.com"}, {"staff", "director@example.com"},
		{"staff", "supervisor.yx@example.com"}, {"residents", "owner1@example.com"},
	} {
		auth, err := app.FindAuthRecordByEmail(who.collection, who.email)
		if err != nil {
			t.Fatal(err)
		}
		c := subscriptions.NewDefaultClient()
		c.Set(apis.RealtimeClientAuthKey, auth)
		own := "employee/"
		if who.collection == "residents" {
			own = "resident/"
		}
		c.Subscribe(own+auth.Id, "notifications/*")
		app.SubscriptionsBroker().Register(c)
		clients[who.email] = c
	}
	// A guest connection subscribed to the same topic.
	guest := subscriptions.NewDefaultClient()
	guest.Subscribe("notifications/*", "employee/"+clients["supervisor@example.com"].Get(apis.RealtimeClientAuthKey).(*core.Record).Id)
	app.SubscriptionsBroker().Register(guest)

	notify(t, app, "staff", "supervisor@example.com", "重要投诉")

	select {
	case msg := <-clients["supervisor@example.com"].Channel():
		if !strings.Contains(string(msg.Data), "重要投诉") {
			t.Fatalf("recipient got %s", msg.Data)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("the recipient received nothing")
	}
	time.Sleep(100 * time.Millisecond) // let any wrong delivery arrive
	for email, c := range clients {
		if email == "supervisor@example.com" {
			continue
		}
		select {
		case msg := <-c.Channel():
			t.Fatalf("%s received someone else's notification: %s", email, msg.Data)
		default:
		}
	}
	select {
	case msg := <-guest.Channel():
		t.Fatalf("a guest received a notification: %s", msg.Data)
	default:
	}
}
