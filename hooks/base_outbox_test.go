package hooks_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"wuye/hooks"
	"wuye/internal/testapp"
	"wuye/lib/outbox"
	"wuye/lib/sms"
	"wuye/lib/workcal"
)

// The outbox (docs/DESIGN.md § Notifications and deliveries).

// noon is a working-day noon in office time: outside the quiet hours.
var noon = time.Date(2026, 12, 7, 12, 0, 0, 0, workcal.Shanghai)

func atClock(t *testing.T, at time.Time) {
	t.Helper()
	t.Cleanup(hooks.SetNow(func() time.Time { return at }))
}

// withoutPreferences drops the demo's preferences (owner1 takes text and
// WeChat messages there): the tests start from the defaults.
func withoutPreferences(t *testing.T, app core.App) {
	t.Helper()
	if _, err := app.DB().NewQuery("DELETE FROM notification_preferences").Execute(); err != nil {
		t.Fatal(err)
	}
}

// notifyOwner1 writes one notification to owner1 (who has a mobile number
// and an e-mail address) in its own transaction, and returns its deliveries.
func notifyOwner1(t *testing.T, app core.App, kind string, subject *core.Record) map[string]*core.Record {
	t.Helper()
	owner := residentRec(t, app, "owner1@example.com")
	var id string
	if err := app.RunInTransaction(func(tx core.App) error {
		if err := hooks.Notify(tx, hooks.Notice{Recipient: owner, Kind: kind, Title: "测试通知", Body: "内容", Subject: subject}); err != nil {
			return err
		}
		n, err := tx.FindFirstRecordByFilter("notifications", "recipient_resident = {:r}", dbx.Params{"r": owner.Id})
		if err != nil {
			return err
		}
		rows, _ := tx.FindAllRecords("notifications", dbx.HashExp{"recipient_resident": owner.Id, "kind": kind})
		for _, r := range rows {
			if r.GetDateTime("created").Time().After(n.GetDateTime("created").Time()) || id == "" {
				id = r.Id
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	ds, err := app.FindAllRecords("deliveries", dbx.HashExp{"notification": id})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*core.Record{}
	for _, d := range ds {
		out[d.GetString("channel")] = d
	}
	return out
}

func sandboxTexts(t *testing.T, app core.App, phone string) int {
	t.Helper()
	n, err := app.CountRecords("sms_sandbox", dbx.HashExp{"to": phone})
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

// A notification's deliveries are written in its transaction: the in-app
// one sent at once, the text message pending; a change rolled back leaves
// neither notification nor delivery. Without a provider the SMS channel is
// off and writes nothing.
func TestDeliveriesAreWrittenInTheNotificationsTransaction(t *testing.T) {
	app := testapp.New(t)
	withoutPreferences(t, app)
	atClock(t, noon)
	owner := residentRec(t, app, "owner1@example.com")
	if !sms.IsMobile(owner.GetString("phone")) {
		t.Fatalf("owner1's phone %q is no mobile", owner.GetString("phone"))
	}
	ds := notifyOwner1(t, app, "probe", nil)
	if len(ds) != 1 || ds["inapp"] == nil || ds["inapp"].GetString("status") != "sent" {
		t.Fatalf("without channels set up: %v", ds)
	}

	hooks.EnableSandboxChannels(app)
	ds = notifyOwner1(t, app, "probe", nil)
	if ds["inapp"] == nil || ds["inapp"].GetString("status") != "sent" {
		t.Errorf("in-app delivery: %v", ds["inapp"])
	}
	s := ds["sms"]
	if s == nil || s.GetString("status") != "pending" || s.GetString("to") != sms.Mask(owner.GetString("phone")) || !s.GetDateTime("next_attempt_at").Time().Equal(noon) {
		t.Fatalf("sms delivery: %v", s)
	}
	if ds["wechat"] != nil || ds["email"] != nil {
		t.Error("channels the resident did not choose got deliveries")
	}

	before := [2]int{countIn(t, app, "notifications"), countIn(t, app, "deliveries")}
	err := app.RunInTransaction(func(tx core.App) error {
		if err := hooks.Notify(tx, hooks.Notice{Recipient: owner, Kind: "probe", Title: "回滚"}); err != nil {
			return err
		}
		return errors.New("the change failed")
	})
	if err == nil {
		t.Fatal("no error")
	}
	if after := [2]int{countIn(t, app, "notifications"), countIn(t, app, "deliveries")}; after != before {
		t.Errorf("a rolled-back change left notifications/deliveries %v, before %v", after, before)
	}

	// The same through a request: a quote refused by the flow writes nothing.
	h := testapp.Handler(t, app)
	code, _ := testapp.Do(t, h, http.MethodPost, "/api/collections/notices/records", `{"community":"`+testapp.ID(t, "community:CH")+`","category":"general","title":""}`, "supervisor@example.com")
	if code != 400 {
		t.Fatalf("an empty notice: %d", code)
	}
	if after := [2]int{countIn(t, app, "notifications"), countIn(t, app, "deliveries")}; after != before {
		t.Errorf("a refused notice left notifications/deliveries %v, before %v", after, before)
	}
}

// Two workers sending at once send each delivery once: the claim is one
// conditional UPDATE only one of them passes.
func TestWorkerSendsOnce(t *testing.T) {
	app := testapp.New(t)
	withoutPreferences(t, app)
	atClock(t, noon)
	hooks.EnableSandboxChannels(app)
	// The demo's own texts to owner1 that fall due by the sweep below go
	// first: a fixture built in the quiet hours holds some back until the
	// morning, and the sweep would count them as this delivery sent twice.
	if _, err := hooks.SendDueDeliveries(app, noon.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	phone := residentRec(t, app, "owner1@example.com").GetString("phone")
	before := sandboxTexts(t, app, phone)
	d := notifyOwner1(t, app, "probe", nil)["sms"]
	var wg sync.WaitGroup
	sent := make([]bool, 4)
	for i := range sent {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok, err := hooks.SendDelivery(app, d.Id, noon)
			if err != nil {
				t.Error(err)
			}
			sent[i] = ok
		}()
	}
	wg.Wait()
	n := 0
	for _, ok := range sent {
		if ok {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d workers sent the delivery", n)
	}
	if got := sandboxTexts(t, app, phone) - before; got != 1 {
		t.Errorf("%d text messages went out", got)
	}
	if _, err := hooks.SendDueDeliveries(app, noon.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if got := sandboxTexts(t, app, phone) - before; got != 1 {
		t.Errorf("after the sweep, %d text messages went out", got)
	}
	after, _ := app.FindRecordById("deliveries", d.Id)
	if after.GetString("status") != "sent" || after.GetInt("attempts") != 1 {
		t.Errorf("delivery after sending: %s, %d attempts", after.GetString("status"), after.GetInt("attempts"))
	}
}

type failingSMS struct{ calls int }

func (f *failingSMS) Name() string { return "failing" }
func (f *failingSMS) Send(context.Context, sms.Message) error {
	f.calls++
	return errors.New("provider said 503")
}

// A failed attempt is tried again after 1, 2, 4 … minutes and marked failed
// after outbox.MaxAttempts, with its last error; not before its time. The
// supervisor of the community retries it from the log; nobody else may.
func TestRetriesWithBackoffThenFailed(t *testing.T) {
	app := testapp.New(t)
	withoutPreferences(t, app)
	atClock(t, noon)
	f := &failingSMS{}
	hooks.SetSMSSender(app, f)
	d := notifyOwner1(t, app, "probe", nil)["sms"]
	at := noon
	for i := 1; i <= outbox.MaxAttempts; i++ {
		if ok, _ := hooks.SendDelivery(app, d.Id, at.Add(-time.Second)); ok && i > 1 {
			t.Fatalf("attempt %d sent before its time", i)
		}
		if _, err := hooks.SendDelivery(app, d.Id, at); err == nil {
			t.Fatalf("attempt %d: no error", i)
		}
		r, _ := app.FindRecordById("deliveries", d.Id)
		if r.GetInt("attempts") != i || !strings.Contains(r.GetString("last_error"), "503") {
			t.Fatalf("after attempt %d: %d attempts, %q", i, r.GetInt("attempts"), r.GetString("last_error"))
		}
		if i < outbox.MaxAttempts {
			next := at.Add(outbox.Backoff(i))
			if r.GetString("status") != "pending" || !r.GetDateTime("next_attempt_at").Time().Equal(next) {
				t.Fatalf("after attempt %d: %s next %v, want pending at %v", i, r.GetString("status"), r.GetDateTime("next_attempt_at").Time(), next)
			}
			at = next
		} else if r.GetString("status") != "failed" {
			t.Fatalf("after the last attempt: %s", r.GetString("status"))
		}
	}
	if f.calls != outbox.MaxAttempts {
		t.Errorf("the provider was called %d times", f.calls)
	}

	h := testapp.Handler(t, app)
	url := "/api/wuye/deliveries/" + d.Id + "/retry"
	for _, who := range []string{"frontdesk@example.com", "supervisor.yx@example.com", "owner1@example.com"} {
		if code, body := testapp.Do(t, h, http.MethodPost, url, "", who); code < 400 {
			t.Errorf("%s retried a delivery: %d %s", who, code, body)
		}
	}
	code, body := testapp.Do(t, h, http.MethodPost, url, "", "supervisor@example.com")
	expectBody(t, "retry", code, body, 200, `"pending"`)
	r, _ := app.FindRecordById("deliveries", d.Id)
	if r.GetString("status") != "pending" || r.GetInt("attempts") != 0 {
		t.Errorf("after retry: %s %d", r.GetString("status"), r.GetInt("attempts"))
	}
	code, body = testapp.Do(t, h, http.MethodPost, url, "", "supervisor@example.com")
	expectBody(t, "retry of a pending delivery", code, body, 400, "只有发送失败的记录可以重发")
}

// Quiet hours (22:00–08:00): a text message written at 23:30 waits until
// 08:00; an urgent repair's goes at once ([004] 三 7.6: 急修).
func TestQuietHoursDeferAllButUrgentRepairs(t *testing.T) {
	app := testapp.New(t)
	withoutPreferences(t, app)
	late := time.Date(2026, 12, 7, 23, 30, 0, 0, workcal.Shanghai)
	atClock(t, late)
	hooks.EnableSandboxChannels(app)
	d := notifyOwner1(t, app, "probe", nil)["sms"]
	morning := time.Date(2026, 12, 8, 8, 0, 0, 0, workcal.Shanghai)
	if !d.GetDateTime("next_attempt_at").Time().Equal(morning) {
		t.Fatalf("a night message is due %v, want %v", d.GetDateTime("next_attempt_at").Time(), morning)
	}
	if ok, _ := hooks.SendDelivery(app, d.Id, late); ok {
		t.Error("sent in the quiet hours")
	}
	if ok, _ := hooks.SendDelivery(app, d.Id, morning); !ok {
		t.Error("not sent at 08:00")
	}

	o := fileOrder(t, app, residentRec(t, app, "owner1@example.com"), "1-101", "SN01", map[string]any{"urgency": "urgent"})
	if o.GetString("urgency") != "urgent" {
		t.Fatalf("urgency %q", o.GetString("urgency"))
	}
	u := notifyOwner1(t, app, "order_completed", o)["sms"]
	if u == nil || !u.GetBool("urgent") || !u.GetDateTime("next_attempt_at").Time().Equal(late) {
		t.Fatalf("an urgent repair's message waits: %v", u)
	}
}

// Preferences: a resident who turns text messages off for a kind gets none
// for it (the app still shows it); one who chooses e-mail gets a mail
// through PocketBase's mailer, with the link to the record.
func TestPreferencesAndEmail(t *testing.T) {
	app := testapp.New(t)
	withoutPreferences(t, app)
	atClock(t, noon)
	hooks.EnableSandboxChannels(app)
	app.Settings().SMTP.Enabled = true
	app.Settings().Meta.AppURL = "https://wuye.example.com"
	h := testapp.Handler(t, app)
	owner := residentRec(t, app, "owner1@example.com")
	code, body := testapp.Do(t, h, http.MethodPost, "/api/collections/notification_preferences/records",
		`{"recipient_resident":"`+owner.Id+`","channels":["email","sms"],"kind_channels":{"notice":[]}}`, "owner1@example.com")
	expectBody(t, "preferences", code, body, 200)
	code, body = testapp.Do(t, h, http.MethodPost, "/api/collections/notification_preferences/records",
		`{"recipient_resident":"`+residentRec(t, app, "tenant1@example.com").Id+`","channels":["sms"]}`, "owner1@example.com")
	if code < 400 {
		t.Errorf("owner1 set tenant1's preferences: %d %s", code, body)
	}
	code, body = testapp.Do(t, h, http.MethodPost, "/api/collections/notification_preferences/records",
		`{"recipient_resident":"`+residentRec(t, app, "tenant1@example.com").Id+`","kind_channels":{"notice":["fax"]}}`, "tenant1@example.com")
	expectBody(t, "an unknown channel", code, body, 400, "fax")

	pref, _ := app.FindFirstRecordByData("notification_preferences", "recipient_resident", owner.Id)
	code, body = testapp.Do(t, h, http.MethodPatch, "/api/collections/notification_preferences/records/"+pref.Id,
		`{"recipient_resident":"`+residentRec(t, app, "tenant1@example.com").Id+`"}`, "owner1@example.com")
	expectBody(t, "handing one's preferences to another", code, body, 400)

	ds := notifyOwner1(t, app, "notice", nil)
	if len(ds) != 1 || ds["inapp"] == nil {
		t.Errorf("a kind turned off still has outbound deliveries: %v", ds)
	}
	o := fileOrder(t, app, owner, "1-101", "SN01", nil)
	ds = notifyOwner1(t, app, "quote_to_confirm", o)
	if ds["email"] == nil || ds["sms"] == nil {
		t.Fatalf("the chosen channels: %v", ds)
	}
	app.TestMailer.Reset()
	if ok, err := hooks.SendDelivery(app, ds["email"].Id, noon); !ok {
		t.Fatalf("mail not sent: %v", err)
	}
	if app.TestMailer.TotalSend() != 1 {
		t.Fatalf("%d mails", app.TestMailer.TotalSend())
	}
	m := app.TestMailer.LastMessage()
	if m.To[0].Address != owner.GetString("email") || m.Subject != "测试通知" || !strings.Contains(m.HTML, "https://wuye.example.com/#/repairs/"+o.Id) {
		t.Errorf("mail: to %v, subject %q, %s", m.To, m.Subject, m.HTML)
	}
}
