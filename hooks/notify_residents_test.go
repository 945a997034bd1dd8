package hooks_test

import (
	"net/http"
	"slices"
	"sort"
	"strconv"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"wuye/hooks"
	"wuye/internal/testapp"
)

// Residents are told of what waits for them (docs/DESIGN.md § Notifications
// and deliveries): each event below notifies exactly the right residents —
// the one whose document it is, or every resident with access to the
// household — and nobody of another unit or community.

// kindsOf lists who got notifications of kind about subject, by email.
func notifiedAbout(t testing.TB, app core.App, kind, subjectID string) []string {
	t.Helper()
	ns, err := app.FindAllRecords("notifications", dbx.HashExp{"kind": kind, "subject_id": subjectID})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, n := range ns {
		if id := n.GetString("recipient_resident"); id != "" {
			r, err := app.FindRecordById("residents", id)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, r.GetString("email"))
		}
	}
	sort.Strings(out)
	return out
}

// household lists the emails of the residents with access to unit key (an
// active, confirmed link).
func household(t testing.TB, app core.App, unit string) []string {
	t.Helper()
	var out []string
	if err := app.DB().NewQuery(`SELECT r.email FROM residents r JOIN unit_residents l ON l.resident = r.id
		WHERE l.unit = {:u} AND l.active = TRUE AND l.pending IS NOT TRUE ORDER BY r.email`).
		Bind(dbx.Params{"u": testapp.ID(t, "unit:"+unit)}).Column(&out); err != nil {
		t.Fatal(err)
	}
	if len(out) == 0 {
		t.Fatalf("nobody lives in %s", unit)
	}
	return out
}

func sameSet(t testing.TB, what string, got, want []string) {
	t.Helper()
	sort.Strings(got)
	sort.Strings(want)
	if !slices.Equal(got, want) {
		t.Errorf("%s: notified %v, want %v", what, got, want)
	}
}

// A quote waiting for confirmation and finished work waiting for sign-off
// reach the resident who asked for the repair ([003] 篇2 4.1(4), [004] 三
// 7.5), not the rest of the household; their own confirmation tells nobody;
// an order the desk took without a requester goes to the household.
func TestRepairStepsTellTheRequester(t *testing.T) {
	app := testapp.New(t)
	owner := residentRec(t, app, "owner1@example.com")
	o := fileOrder(t, app, owner, "1-101", "SN01", nil)
	tech := staffRec(t, app, "tech1@example.com")
	var err error
	for _, s := range []struct {
		to string
		f  map[string]any
	}{{"dispatched", map[string]any{"dispatch_mode": "assign", "technician": tech.Id}}, {"accepted", nil}, {"on_site", nil},
		{"quoted", map[string]any{"quote_fen": 3000, "quote_note": "更换阀门"}}} {
		actor := tech
		if s.to == "dispatched" {
			actor = nil
		}
		if o, err = hooks.AdvanceWorkOrder(app, o.Id, actor, s.to, s.f); err != nil {
			t.Fatalf("%s: %v", s.to, err)
		}
	}
	sameSet(t, "quote", notifiedAbout(t, app, "quote_to_confirm", o.Id), []string{"owner1@example.com"})
	n, err := app.FindFirstRecordByFilter("notifications", "kind = 'quote_to_confirm' && subject_id = {:o}", dbx.Params{"o": o.Id})
	if err != nil || n.GetString("subject_collection") != "work_orders" {
		t.Fatalf("the quote's notification does not lead to the order: %v %v", n, err)
	}
	before := countIn(t, app, "notifications")
	if o, err = hooks.AdvanceWorkOrder(app, o.Id, owner, "in_progress", nil); err != nil {
		t.Fatal(err)
	}
	if countIn(t, app, "notifications") != before {
		t.Error("the resident's own confirmation notified someone")
	}
	// … and takes the quote off "待您处理": its notification is read.
	if n, _ = app.FindRecordById("notifications", n.Id); !n.GetBool("read") {
		t.Error("the confirmed quote still waits for the resident")
	}
	if o, err = hooks.AdvanceWorkOrder(app, o.Id, tech, "completed", nil); err != nil {
		t.Fatal(err)
	}
	sameSet(t, "completed", notifiedAbout(t, app, "order_completed", o.Id), []string{"owner1@example.com"})

	desk := staffRec(t, app, "frontdesk@example.com")
	d := fileOrder(t, app, desk, "1-101", "SN01", nil)
	if d.GetString("requester") != "" {
		t.Skip("the desk's order has a requester")
	}
	for _, s := range []struct {
		to string
		f  map[string]any
	}{{"dispatched", map[string]any{"dispatch_mode": "assign", "technician": tech.Id}}, {"accepted", nil}, {"on_site", nil},
		{"quoted", map[string]any{"quote_fen": 2000, "quote_note": "人工费"}}} {
		actor := tech
		if s.to == "dispatched" {
			actor = nil
		}
		if d, err = hooks.AdvanceWorkOrder(app, d.Id, actor, s.to, s.f); err != nil {
			t.Fatalf("%s: %v", s.to, err)
		}
	}
	sameSet(t, "a desk order's quote", notifiedAbout(t, app, "quote_to_confirm", d.Id), household(t, app, "1-101"))
}

// A complaint's assignment, reply and revisit reach its filer only — never
// the rest of the household, and never anyone for an anonymous one but the
// filer ([004] 三 3.6: the result is told to the complainant).
func TestComplaintStepsTellOnlyTheFiler(t *testing.T) {
	app := testapp.New(t)
	owner := residentRec(t, app, "owner1@example.com")
	if len(household(t, app, "1-101")) < 2 {
		t.Fatal("1-101 should have more than one resident for this test")
	}
	handler := staffRec(t, app, "areamgr@example.com")
	for _, anonymous := range []bool{false, true} {
		c := fileComplaint(t, app, owner, "1-101", "cleaning", map[string]any{"anonymous": anonymous})
		var err error
		if c, err = hooks.AdvanceComplaint(app, c.Id, nil, "assigned", map[string]any{"handler": handler.Id}); err != nil {
			t.Fatal(err)
		}
		if c, err = hooks.AdvanceComplaint(app, c.Id, handler, "processing", nil); err != nil {
			t.Fatal(err)
		}
		if c, err = hooks.AdvanceComplaint(app, c.Id, handler, "replied", map[string]any{"result": "已与楼上住户沟通"}); err != nil {
			t.Fatal(err)
		}
		if _, err = hooks.AdvanceComplaint(app, c.Id, staffRec(t, app, "frontdesk@example.com"), "revisited", map[string]any{"satisfaction": "satisfied"}); err != nil {
			t.Fatal(err)
		}
		for _, kind := range []string{"complaint_assigned", "complaint_replied", "revisit"} {
			sameSet(t, kind+" anonymous="+strconv.FormatBool(anonymous), notifiedAbout(t, app, kind, c.Id), []string{"owner1@example.com"})
		}
	}
}

// Household-wide news — a parcel at the desk, a bill, a payment's receipt,
// a reminder — reaches every resident with access to the unit ([000] 前台
// 4.2.4; [000] 管理员 4.1.2; [000] 收费员 4.2.1.8), and nobody else.
func TestHouseholdNewsReachesEveryResidentWithAccess(t *testing.T) {
	app := testapp.New(t)
	want := household(t, app, "1-101")
	billNotes := func() int {
		ns, _ := app.FindAllRecords("notifications", dbx.HashExp{"kind": "bill_issued", "recipient_resident": residentRec(t, app, "owner1@example.com").Id},
			dbx.NewExp("subject_id IN (SELECT id FROM bills WHERE unit = {:u})", dbx.Params{"u": testapp.ID(t, "unit:1-101")}))
		return len(ns)
	}
	before := billNotes()   // the demo's own runs
	bills := billed(t, app) // two billing runs
	var billNote []string
	for _, b := range bills[:1] {
		billNote = notifiedAbout(t, app, "bill_issued", b.Id)
	}
	sameSet(t, "bill issued", billNote, want)
	// one notification per household and run, not per bill
	if n := billNotes() - before; n != 2 {
		t.Errorf("owner1 got %d bill notifications for two runs, want 2", n)
	}
	if other, _ := app.FindAllRecords("notifications", dbx.HashExp{"kind": "bill_issued", "recipient_resident": residentRec(t, app, "owner.yx@example.com").Id}); len(other) != 0 {
		t.Error("a resident of the other community was told of 翠湖花园's bills")
	}

	h := testapp.Handler(t, app)
	unit := testapp.ID(t, "unit:1-101")
	code, body := testapp.Do(t, h, http.MethodPost, "/api/collections/payments/records", `{"unit":"`+unit+`","amount_fen":1000,"method":"cash","payer_name":"李明"}`, "cashier@example.com")
	expectBody(t, "payment", code, body, 200)
	p, _ := app.FindFirstRecordByFilter("payments", "unit = {:u}", dbx.Params{"u": unit})
	sameSet(t, "receipt", notifiedAbout(t, app, "payment_receipt", p.Id), want)

	if _, err := hooks.IssueReminders(app, "2026-01-11"); err != nil {
		t.Fatal(err)
	}
	r, err := app.FindFirstRecordByFilter("reminders", "bill = {:b}", dbx.Params{"b": bills[0].Id})
	if err != nil {
		t.Fatal(err)
	}
	sameSet(t, "reminder", notifiedAbout(t, app, "reminder", r.Id), want)

	col, _ := app.FindCollectionByNameOrId("parcels")
	parcel := core.NewRecord(col)
	parcel.Set("unit", unit)
	parcel.Set("kind", "parcel")
	parcel.Set("tracking_no", "SF123")
	if err := hooks.ReceiveParcel(app, parcel, staffRec(t, app, "frontdesk@example.com")); err != nil {
		t.Fatal(err)
	}
	sameSet(t, "parcel", notifiedAbout(t, app, "parcel_arrived", parcel.Id), want)
}

// A notice on the board reaches every resident of its community with
// access, none of the other community ([000] 管理员 3.9).
func TestNoticeReachesItsCommunity(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	ch := testapp.ID(t, "community:CH")
	code, body := testapp.Do(t, h, http.MethodPost, "/api/collections/notices/records",
		`{"community":"`+ch+`","category":"maintenance","title":"3 栋停水","body":"12 月 8 日 9:00–12:00 停水"}`, "supervisor@example.com")
	expectBody(t, "notice", code, body, 200)
	n, _ := app.FindFirstRecordByFilter("notices", "title = '3 栋停水'")
	got := notifiedAbout(t, app, "notice", n.Id)
	var want []string
	if err := app.DB().NewQuery(`SELECT DISTINCT r.email FROM residents r JOIN unit_residents l ON l.resident = r.id JOIN units u ON u.id = l.unit
		WHERE u.community = {:c} AND l.active = TRUE AND l.pending IS NOT TRUE`).Bind(dbx.Params{"c": ch}).Column(&want); err != nil {
		t.Fatal(err)
	}
	sameSet(t, "notice", got, want)
	for _, who := range []string{"owner.yx@example.com", "former1@example.com"} {
		if slices.Contains(got, who) {
			t.Errorf("%s was told of 翠湖花园's notice", who)
		}
	}
}

// Each step of a renovation application reaches its applicant ([000] 管理员
// 4.2.2), except the steps they take themselves.
func TestRenovationStepsTellTheApplicant(t *testing.T) {
	app := testapp.New(t)
	r := permittedRenovation(t, app)
	got := notifiedAbout(t, app, "renovation_step", r.Id)
	// engineering passed, approved, permitted: three steps by the office
	if len(got) < 3 || got[0] != "owner2@example.com" {
		t.Fatalf("renovation steps told %v", got)
	}
	n := len(got)
	if _, err := hooks.AdvanceRenovation(app, r.Id, residentRec(t, app, "owner2@example.com"), "completion_requested", nil); err != nil {
		t.Fatal(err)
	}
	if len(notifiedAbout(t, app, "renovation_step", r.Id)) != n {
		t.Error("the applicant's own request for acceptance notified them")
	}
}
