package hooks_test

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"wuye/hooks"
	"wuye/internal/testapp"
	"wuye/lib/workcal"
)

// The notice fan-out (docs/DESIGN.md § Notices, "Fan-out"; [000] 管理员
// 3.9; [004] 二 8): a notice reaches its audience in batches of short
// transactions, exactly once, when it starts, never once it has ended; text
// messages only for an urgent notice, one a household.

// addHouseholds adds n residents of 翠湖花园 building CH-1, two to a new
// unit, with mobile numbers, by raw SQL (as cmd/bench does): an audience
// of thousands without thousands of saves.
func addHouseholds(t *testing.T, app core.App, n int) {
	t.Helper()
	ch, b := testapp.ID(t, "community:CH"), testapp.ID(t, "building:CH-1")
	stamp := "2026-01-01 00:00:00.000Z"
	err := app.RunInTransaction(func(tx core.App) error {
		for i := 0; i < n; i += 2 {
			unit := fmt.Sprintf("zu%013d", i)
			if _, err := tx.DB().NewQuery(`INSERT INTO units (id, community, building, number, created, updated)
				VALUES ({:id}, {:c}, {:b}, {:no}, {:s}, {:s})`).Bind(dbx.Params{"id": unit, "c": ch, "b": b, "no": fmt.Sprintf("F%05d", i), "s": stamp}).Execute(); err != nil {
				return err
			}
			for j, rel := range []string{"owner", "family"} {
				if i+j >= n {
					break
				}
				r := fmt.Sprintf("zr%013d", i+j)
				if _, err := tx.DB().NewQuery(`INSERT INTO residents (id, email, tokenKey, password, name, phone, created, updated)
					VALUES ({:id}, {:e}, {:id}, 'x', '住户', {:p}, {:s}, {:s})`).Bind(dbx.Params{"id": r, "e": r + "@fanout.test",
					"p": fmt.Sprintf("139%08d", i+j), "s": stamp}).Execute(); err != nil {
					return err
				}
				if _, err := tx.DB().NewQuery(`INSERT INTO unit_residents (id, unit, resident, relation, active, created, updated)
					VALUES ({:id}, {:u}, {:r}, {:rel}, TRUE, {:s}, {:s})`).Bind(dbx.Params{"id": fmt.Sprintf("zl%013d", i+j), "u": unit, "r": r,
					"rel": rel, "s": stamp}).Execute(); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// audienceOfCommunity lists the residents of 翠湖花园 with a current,
// confirmed link (the audience of a notice to the whole community).
func audienceOfCommunity(t *testing.T, app core.App) []string {
	t.Helper()
	var ids []string
	if err := app.DB().NewQuery(`SELECT DISTINCT l.resident FROM unit_residents l JOIN units u ON u.id = l.unit
		WHERE u.community = {:c} AND l.active = TRUE AND l.pending IS NOT TRUE`).Bind(dbx.Params{"c": testapp.ID(t, "community:CH")}).Column(&ids); err != nil {
		t.Fatal(err)
	}
	return ids
}

// noticeRecipients lists the residents told of notice id, one entry per
// notification (so a duplicate shows).
func noticeRecipients(t *testing.T, app core.App, id string) []string {
	t.Helper()
	var ids []string
	if err := app.DB().NewQuery(`SELECT recipient_resident FROM notifications WHERE kind = 'notice' AND subject_id = {:id}`).
		Bind(dbx.Params{"id": id}).Column(&ids); err != nil {
		t.Fatal(err)
	}
	return ids
}

// A notice to 2,500 households is written in batches: several
// transactions, none telling more than the batch size, each notification
// with its deliveries in the same batch ([000] 管理员 3.9; issue #22: a
// notice to a community of 10,000 households without stalling other
// writes).
func TestNoticeFanoutBatches(t *testing.T) {
	app := testapp.New(t)
	addHouseholds(t, app, 2500)
	want := audienceOfCommunity(t, app)
	const size = 200
	t.Cleanup(hooks.SetFanoutBatch(size))
	var perBatch []int
	t.Cleanup(hooks.SetFanoutBatchDone(func(tx core.App, fanout string, batch int) error {
		var notes, orphans int
		_ = tx.DB().NewQuery(`SELECT COUNT(*) FROM notifications WHERE fanout = {:f}`).Bind(dbx.Params{"f": fanout}).Row(&notes)
		_ = tx.DB().NewQuery(`SELECT COUNT(*) FROM notifications n WHERE n.fanout = {:f}
			AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.notification = n.id AND d.channel = 'inapp')`).Bind(dbx.Params{"f": fanout}).Row(&orphans)
		if orphans > 0 {
			t.Errorf("batch %d: %d notifications without their in-app delivery", batch, orphans)
		}
		done := 0
		for _, n := range perBatch {
			done += n
		}
		perBatch = append(perBatch, notes-done)
		return nil
	}))
	h := testapp.Handler(t, app)
	id := postNotice(t, h, `{"community":"`+testapp.ID(t, "community:CH")+`","category":"general","title":"电梯年检","body":"全小区电梯年检"}`)

	got := noticeRecipients(t, app, id)
	sameSet(t, "the notice's audience", got, want)
	if len(perBatch) < len(want)/size {
		t.Fatalf("%d residents told in %d batches of at most %d", len(want), len(perBatch), size)
	}
	for i, n := range perBatch {
		if n > size || n <= 0 {
			t.Errorf("batch %d told %d residents, want 1..%d", i+1, n, size)
		}
	}
	n, _ := app.FindRecordById("notices", id)
	if n.GetDateTime("announced_at").IsZero() || n.GetInt("announced_count") != len(want) {
		t.Errorf("the notice is marked announced at %v to %d, want %d", n.GetDateTime("announced_at"), n.GetInt("announced_count"), len(want))
	}
	f, err := app.FindFirstRecordByFilter("fanouts", "subject_id = {:id}", dbx.Params{"id": id})
	if err != nil || f.GetString("status") != "done" || f.GetInt("batches") != len(perBatch) || f.GetInt("count") != len(want) {
		t.Errorf("the fan-out: %v %v", f, err)
	}
}

// A fan-out cut short (the server killed in the middle of a batch) goes on
// from its cursor when it runs again, and tells each resident exactly once
// (notifications.fanout is unique with the resident).
func TestNoticeFanoutExactlyOnceAfterACrash(t *testing.T) {
	app := testapp.New(t)
	addHouseholds(t, app, 900)
	want := audienceOfCommunity(t, app)
	t.Cleanup(hooks.SetFanoutBatch(100))
	crash := errors.New("killed")
	restore := hooks.SetFanoutBatchDone(func(_ core.App, _ string, batch int) error {
		if batch == 4 {
			return crash // the fourth batch's rows are rolled back
		}
		return nil
	})
	h := testapp.Handler(t, app)
	id := postNotice(t, h, `{"community":"`+testapp.ID(t, "community:CH")+`","category":"general","title":"消防演练","body":"周六消防演练"}`)
	if got := len(noticeRecipients(t, app, id)); got != 300 {
		t.Fatalf("before the crash %d residents were told, want the three batches' 300", got)
	}
	restore()
	// After the restart: one batch, then the rest.
	if _, err := hooks.RunFanoutBatches(app, time.Now(), 1); err != nil {
		t.Fatal(err)
	}
	if got := len(noticeRecipients(t, app, id)); got != 400 {
		t.Fatalf("after one more batch %d residents were told, want 400", got)
	}
	if _, err := hooks.RunFanouts(app, time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := hooks.RunFanouts(app, time.Now()); err != nil { // a second runner finds nothing left
		t.Fatal(err)
	}
	got := noticeRecipients(t, app, id)
	if len(got) != len(want) {
		t.Errorf("%d notifications for %d residents", len(got), len(want))
	}
	sameSet(t, "after the crash", got, want)
	// The database itself refuses a second notification of the fan-out.
	n, _ := app.FindFirstRecordByFilter("notifications", "subject_id = {:id}", dbx.Params{"id": id})
	_, err := app.DB().NewQuery(`INSERT INTO notifications (id, recipient_resident, kind, title, fanout) VALUES ('dupdupdupdupdup', {:r}, 'notice', 'x', {:f})`).
		Bind(dbx.Params{"r": n.GetString("recipient_resident"), "f": n.GetString("fanout")}).Execute()
	if err == nil {
		t.Error("a second notification of the same fan-out to the same resident was written")
	}
}

// A scheduled notice is announced when it starts, not when it is posted;
// edited before it starts, it reaches its new audience; one that has ended
// before it started is never announced; residents do not read it before
// it starts ([000] 管理员 3.9; [004] 二 8: a notice is put up for its time).
func TestScheduledNoticeAnnouncedWhenItStarts(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	ch := testapp.ID(t, "community:CH")
	posted := time.Now()
	atClock(t, posted)
	starts := posted.Add(2 * time.Hour)
	id := postNotice(t, h, `{"community":"`+ch+`","category":"maintenance","title":"1 栋停水","body":"明日停水","audience":"buildings","buildings":["`+
		testapp.ID(t, "building:CH-1")+`"],"starts_at":"`+stampOf(starts)+`"}`)
	if got := noticeRecipients(t, app, id); len(got) != 0 {
		t.Fatalf("a notice starting in two hours was announced when posted to %d", len(got))
	}
	two := residentOfBuilding(t, app, "2")
	if sees(t, h, two, id) || sees(t, h, residentOfBuilding(t, app, "1"), id) {
		t.Error("a resident reads the notice before it starts")
	}
	// Moved to building 2 before it starts.
	code, body := testapp.Do(t, h, http.MethodPatch, "/api/collections/notices/records/"+id,
		`{"buildings":["`+testapp.ID(t, "building:CH-2")+`"]}`, "frontdesk@example.com")
	expectBody(t, "the audience edited", code, body, 200)
	if _, err := hooks.RunFanouts(app, posted.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if got := noticeRecipients(t, app, id); len(got) != 0 {
		t.Fatalf("announced an hour before it starts to %d", len(got))
	}
	atClock(t, starts.Add(time.Minute))
	if _, err := hooks.RunFanouts(app, starts.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	var want []string
	if err := app.DB().NewQuery(`SELECT DISTINCT l.resident FROM unit_residents l JOIN units u ON u.id = l.unit
		WHERE u.building = {:b} AND l.active = TRUE AND l.pending IS NOT TRUE`).Bind(dbx.Params{"b": testapp.ID(t, "building:CH-2")}).Column(&want); err != nil {
		t.Fatal(err)
	}
	sameSet(t, "the edited audience at the start", noticeRecipients(t, app, id), want)

	// Ended before it started: never announced.
	atClock(t, posted)
	gone := postNotice(t, h, `{"community":"`+ch+`","category":"general","title":"临时通知","body":"过期","starts_at":"`+
		stampOf(posted.Add(time.Hour))+`","ends_at":"`+stampOf(posted.Add(2*time.Hour))+`"}`)
	atClock(t, posted.Add(3*time.Hour))
	if _, err := hooks.RunFanouts(app, posted.Add(3*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if got := noticeRecipients(t, app, gone); len(got) != 0 {
		t.Errorf("an expired notice was announced to %d", len(got))
	}
	f, _ := app.FindFirstRecordByFilter("fanouts", "subject_id = {:id}", dbx.Params{"id": gone})
	n, _ := app.FindRecordById("notices", gone)
	if f == nil || f.GetString("status") != "expired" || !n.GetDateTime("announced_at").IsZero() {
		t.Errorf("the expired notice's fan-out: %v, announced at %v", f, n.GetDateTime("announced_at"))
	}
}

// Text messages cost the office money: a notice sends them only when a
// supervisor or the director marks it urgent (the desk may not), then one
// to each household — never two to one household — and through the quiet
// hours; a notice not urgent reaches residents in the app and by their
// other chosen channels only.
func TestNoticeSMSOnlyUrgentOncePerHousehold(t *testing.T) {
	app := testapp.New(t)
	withoutPreferences(t, app) // everyone on the default: text messages
	night := time.Date(2026, 12, 7, 23, 30, 0, 0, workcal.Shanghai)
	atClock(t, night)
	hooks.EnableSandboxChannels(app)
	addHouseholds(t, app, 40)
	h := testapp.Handler(t, app)
	ch := testapp.ID(t, "community:CH")
	smsOf := func(id string) []*core.Record {
		ds, err := app.FindAllRecords("deliveries", dbx.NewExp(`channel = 'sms' AND notification IN (SELECT id FROM notifications WHERE subject_id = {:id})`, dbx.Params{"id": id}))
		if err != nil {
			t.Fatal(err)
		}
		return ds
	}
	plain := postNotice(t, h, `{"community":"`+ch+`","category":"general","title":"绿化养护","body":"草坪修剪"}`)
	if len(noticeRecipients(t, app, plain)) == 0 {
		t.Fatal("the plain notice reached nobody")
	}
	if ds := smsOf(plain); len(ds) != 0 {
		t.Errorf("a notice not urgent sent %d text messages", len(ds))
	}
	code, body := testapp.Do(t, h, http.MethodPost, "/api/collections/notices/records",
		`{"community":"`+ch+`","category":"maintenance","title":"紧急停水","body":"爆管抢修","urgent":true}`, "frontdesk@example.com")
	expectBody(t, "the desk marks a notice urgent", code, body, 403, "urgent")
	code, body = testapp.Do(t, h, http.MethodPatch, "/api/collections/notices/records/"+plain, `{"urgent":true}`, "frontdesk@example.com")
	expectBody(t, "the desk makes a notice urgent", code, body, 403, "urgent")

	code, body = testapp.Do(t, h, http.MethodPost, "/api/collections/notices/records",
		`{"community":"`+ch+`","category":"maintenance","title":"紧急停水","body":"爆管抢修","urgent":true}`, "supervisor@example.com")
	expectBody(t, "the supervisor posts an urgent notice", code, body, 200)
	urgent := jsonField(t, body, "id")
	ds := smsOf(urgent)
	var households int
	if err := app.DB().NewQuery(`SELECT COUNT(DISTINCT u.id) FROM units u JOIN unit_residents l ON l.unit = u.id JOIN residents r ON r.id = l.resident
		WHERE u.community = {:c} AND l.active = TRUE AND l.pending IS NOT TRUE AND r.phone LIKE '1%'`).Bind(dbx.Params{"c": ch}).Row(&households); err != nil {
		t.Fatal(err)
	}
	if len(ds) == 0 || len(ds) > households {
		t.Fatalf("%d text messages for %d households", len(ds), households)
	}
	perUnit := map[string]int{}
	for _, d := range ds {
		if !d.GetBool("urgent") || !d.GetDateTime("next_attempt_at").Time().Equal(night) {
			t.Errorf("an urgent notice's text waits for the morning: %v", d)
		}
		var units []string
		_ = app.DB().NewQuery(`SELECT l.unit FROM unit_residents l JOIN units u ON u.id = l.unit WHERE l.resident = {:r} AND l.active = TRUE AND u.community = {:c}`).
			Bind(dbx.Params{"r": d.GetString("recipient_resident"), "c": ch}).Column(&units)
		for _, u := range units {
			perUnit[u]++
		}
	}
	for u, n := range perUnit {
		if n > 1 {
			t.Errorf("household %s got %d text messages of one notice", u, n)
		}
	}
	// Each of the added households (owner and family, both with mobiles)
	// gets exactly one, to the owner.
	for i := 0; i < 40; i += 2 {
		if perUnit[fmt.Sprintf("zu%013d", i)] != 1 {
			t.Errorf("household zu%013d got %d text messages", i, perUnit[fmt.Sprintf("zu%013d", i)])
		}
	}
	if n := countIn(t, app, "deliveries", dbx.NewExp(`channel = 'sms' AND recipient_resident = 'zr0000000000001'
		AND notification IN (SELECT id FROM notifications WHERE subject_id = {:id})`, dbx.Params{"id": urgent})); n != 0 {
		t.Error("the family member got the text message, not the owner")
	}
}

// A found item is announced to its community's residents when it is
// written in the register — what it is and the day, never the description,
// place or value a claimant must state ([001] 中汇广场 十二 3) — once: its
// claim announces nothing.
func TestFoundItemNotice(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	ch := testapp.ID(t, "community:CH")
	found := stampOf(time.Now().Add(-time.Hour))
	code, body := testapp.Do(t, h, http.MethodPost, "/api/collections/lost_items/records", `{"community":"`+ch+`","item_name":"钱包","description":"棕色皮夹，内有身份证（王五）和现金约800元",
		"found_at":"`+found+`","found_place":"1栋电梯厅","finder_name":"保洁员刘阿姨","value_class":"valuable"}`, "frontdesk@example.com")
	expectBody(t, "the desk registers a wallet", code, body, 200)
	id := jsonField(t, body, "id")
	ns, err := app.FindAllRecords("notifications", dbx.HashExp{"kind": "found_item", "subject_id": id})
	if err != nil {
		t.Fatal(err)
	}
	var who []string
	for _, n := range ns {
		who = append(who, n.GetString("recipient_resident"))
		text := n.GetString("title") + n.GetString("body")
		if !strings.Contains(text, "钱包") || !strings.Contains(text, "认领") {
			t.Errorf("the notice does not say what was found and how to claim it: %s", text)
		}
		for _, secret := range []string{"棕色", "皮夹", "身份证", "王五", "800", "1栋电梯厅", "刘阿姨", "贵重"} {
			if strings.Contains(text, secret) {
				t.Errorf("the notice gives away %q: %s", secret, text)
			}
		}
	}
	sameSet(t, "the found item's audience", who, audienceOfCommunity(t, app))
	before := countIn(t, app, "notifications", dbx.HashExp{"kind": "found_item"})
	code, body = doForm(t, h, http.MethodPatch, "/api/collections/lost_items/records/"+id, "frontdesk@example.com",
		map[string]any{"status": "claimed", "claimant_name": "王五", "claimant_id_no": "500101198001011234"}, true)
	expectBody(t, "claimed", code, body, 200)
	if _, err := hooks.RunFanouts(app, time.Now()); err != nil {
		t.Fatal(err)
	}
	if after := countIn(t, app, "notifications", dbx.HashExp{"kind": "found_item"}); after != before {
		t.Errorf("the claim announced the item again: %d → %d notifications", before, after)
	}
}
