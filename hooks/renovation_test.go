package hooks_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"wuye/hooks"
	"wuye/internal/testapp"
	"wuye/lib/clock"
	"wuye/lib/fee"
	"wuye/lib/workcal"
	"wuye/migrations"
)

// ownerOf103 links owner2 as the owner of 1-103, handed over in the demo
// but never renovated (its management fee is at half price).
func ownerOf103(t testing.TB, app core.App) string {
	t.Helper()
	col, _ := app.FindCollectionByNameOrId("unit_residents")
	l := core.NewRecord(col)
	l.Set("unit", testapp.ID(t, "unit:1-103"))
	l.Set("resident", testapp.ID(t, "residents:owner2@example.com"))
	l.Set("relation", "owner")
	if err := app.Save(l); err != nil {
		t.Fatal(err)
	}
	return testapp.ID(t, "unit:1-103")
}

func applicationBody(unit string) string {
	return `{"unit":"` + unit + `","contractor_name":"安居装饰","contractor_phone":"13600000001","scope":["walls","electrical"],` +
		`"planned_start":"2026-12-01","planned_end":"2027-02-28","status":"permitted","permit_no":"forged"}`
}

func TestRenovationToPermit(t *testing.T) {
	app := testapp.New(t)
	unit := ownerOf103(t, app)
	h := testapp.Handler(t, app)
	do := func(method, url, body, who string) (int, string) { return testapp.Do(t, h, method, url, body, who) }

	code, body := do(http.MethodPost, "/api/collections/renovations/records", applicationBody(testapp.ID(t, "unit:1-101")), "tenant1@example.com")
	expectBody(t, "a tenant without the owner's consent", code, body, 400, "租户申请装修须上传业主书面同意书")
	code, body = do(http.MethodPost, "/api/collections/renovations/records", strings.Replace(applicationBody(unit), "2027-02-28", "2026-11-01", 1), "owner2@example.com")
	expectBody(t, "dates in the wrong order", code, body, 400, "计划完工日期：不能早于计划开工日期")
	code, body = do(http.MethodPost, "/api/collections/renovations/records", applicationBody(unit), "owner1@example.com")
	expectBody(t, "not the owner's unit", code, body, 400)
	code, body = do(http.MethodPost, "/api/collections/renovations/records", applicationBody(unit), "owner2@example.com")
	expectBody(t, "owner2 applies", code, body, 200, `"status":"submitted"`, `"permit_no":""`, `"serial":"ZX-`, `"tenant":false`)
	r, _ := app.FindFirstRecordByFilter("renovations", "unit={:u}", dbx.Params{"u": unit})
	url := "/api/collections/renovations/records/" + r.Id
	if code, _ := do(http.MethodGet, url, "", "owner1@example.com"); code != 404 {
		t.Error("owner1 sees owner2's renovation")
	}

	code, body = do(http.MethodPatch, url, `{"status":"engineering_passed"}`, "frontdesk@example.com")
	expectBody(t, "the desk does not review drawings", code, body, 400, "您不能把装修申请")
	code, body = do(http.MethodPatch, url, `{"status":"engineering_passed","engineering_comment":"图纸符合要求"}`, "engineer@example.com")
	expectBody(t, "the engineer passes it", code, body, 200, `"status":"engineering_passed"`, `"approval_due":"20`)
	code, body = do(http.MethodPatch, url, `{"status":"approved"}`, "supervisor@example.com")
	expectBody(t, "only the director approves", code, body, 400, "您不能把装修申请")
	code, body = do(http.MethodPatch, url, `{"status":"approved","director_comment":"同意"}`, "director@example.com")
	expectBody(t, "the director approves", code, body, 200, `"status":"approved"`)

	code, body = do(http.MethodPatch, url, `{"status":"permitted"}`, "frontdesk@example.com")
	expectBody(t, "no permit before agreement, fees, deposit and a pass", code, body, 400,
		"发放施工许可证前须完成：装修协议", "装修押金", "施工人员出入证")
	code, body = do(http.MethodPost, "/api/collections/deposits/records",
		`{"community":"`+testapp.ID(t, "community:CH")+`","unit":"`+unit+`","kind":"renovation","holder_name":"王芳","source":"`+r.GetString("serial")+`","amount_fen":200000}`, "cashier@example.com")
	expectBody(t, "the cashier takes the deposit", code, body, 200)
	dep, _ := app.FindFirstRecordByFilter("deposits", "kind='renovation' && unit={:u}", dbx.Params{"u": unit})
	code, body = do(http.MethodPatch, url, `{"fees_fen":50000,"fees_paid":true}`, "frontdesk@example.com")
	expectBody(t, "fees are bills, not typed on the renovation ([000] 收费员 4.5)", code, body, 400, "此时您不能修改这一项")
	code, body = do(http.MethodPatch, url, `{"agreement_signed_at":"`+clock.Now().UTC().Format("2006-01-02 15:04:05.000Z")+`","deposit_fen":200000,"deposit":"`+dep.Id+`"}`, "frontdesk@example.com")
	expectBody(t, "the desk records agreement and deposit", code, body, 200, `"deposit_fen":200000`)
	code, body = do(http.MethodPost, "/api/wuye/renovations/"+r.Id+"/fees",
		`{"charges":[{"charge":"renovation_management","amount_fen":30000},{"charge":"debris_removal","amount_fen":20000}]}`, "frontdesk@example.com")
	expectBody(t, "the desk bills the renovation's fees ([004] 四 3 5.1.6)", code, body, 200, `"fees_fen":50000`, `"fees_paid":false`, `"serial":"ZD-`)
	code, body = do(http.MethodPost, "/api/collections/renovation_passes/records",
		`{"renovation":"`+r.Id+`","worker_name":"刘师傅","id_no":"500101199001011234","trade":"电工","deposit_fen":10000}`, "frontdesk@example.com")
	expectBody(t, "a worker pass, its ID number masked for the desk", code, body, 200, `"id_no":"500101********1234"`, `"serial":"CRZ-`, `"valid_until":"2027-02-28"`)
	pass, _ := app.FindFirstRecordByFilter("renovation_passes", "renovation={:r}", dbx.Params{"r": r.Id})
	_, body = do(http.MethodGet, "/api/collections/renovation_passes/records/"+pass.Id, "", "supervisor@example.com")
	if !strings.Contains(body, `"id_no":"500101199001011234"`) {
		t.Errorf("the supervisor does not see the full ID number: %s", body)
	}
	if pd, err := app.FindRecordById("deposits", pass.GetString("deposit")); err != nil || pd.GetString("kind") != "pass" || pd.GetInt("amount_fen") != 10000 {
		t.Fatalf("pass deposit not in the ledger: %v", err)
	}

	before, _ := app.FindRecordById("units", unit)
	occupancy := func(u *core.Record) fee.Occupancy {
		return fee.Occupancy{AreaCentiM2: 8937, HandedOver: civilDate(u.GetString("handed_over_on")),
			Renovated: civilDate(u.GetString("renovation_registered_on")), MovedIn: civilDate(u.GetString("moved_in_on"))}
	}
	today := civilDate(clock.Now().In(workcal.Shanghai).Format(time.DateOnly))
	if occupancy(before).RateOn(today) != fee.Half {
		t.Fatal("1-103 should be at half price before its permit")
	}
	code, body = do(http.MethodPatch, url, `{"status":"permitted"}`, "frontdesk@example.com")
	expectBody(t, "no permit while the fee bills are owing ([004] 四 3 5.1.6)", code, body, 400, "装修管理费等费用账单已缴清")
	feeBills, _ := app.FindAllRecords("bills", dbx.HashExp{"renovation": r.Id})
	if len(feeBills) != 2 {
		t.Fatalf("%d fee bills, want 2", len(feeBills))
	}
	code, body = do(http.MethodPost, "/api/collections/payments/records", `{"unit":"`+unit+`","amount_fen":50000,"method":"cash","bills":["`+feeBills[0].Id+`","`+feeBills[1].Id+`"]}`, "cashier@example.com")
	expectBody(t, "the cashier takes the fees: a payment with its receipt", code, body, 200, `"serial":"SK-`)
	if r, _ := app.FindRecordById("renovations", r.Id); r.GetInt("fees_fen") != 50000 || !r.GetBool("fees_paid") {
		t.Fatalf("renovation fees after payment: %d paid=%v", r.GetInt("fees_fen"), r.GetBool("fees_paid"))
	}
	code, body = do(http.MethodPatch, url, `{"status":"permitted"}`, "frontdesk@example.com")
	expectBody(t, "the permit", code, body, 200, `"status":"permitted"`, `"permit_no":"XK-`)
	after, _ := app.FindRecordById("units", unit)
	if after.GetString("status") != "renovating" || after.GetString("renovation_registered_on") != today.Format(time.DateOnly) ||
		occupancy(after).RateOn(today) != fee.Full {
		t.Fatalf("after the permit 1-103 is %s, registered %q", after.GetString("status"), after.GetString("renovation_registered_on"))
	}
}

func TestRenovationReviewDeadlines(t *testing.T) {
	app := testapp.New(t)
	unit := ownerOf103(t, app)
	sh := workcal.Shanghai
	col, _ := app.FindCollectionByNameOrId("renovations")
	r := core.NewRecord(col)
	for k, v := range map[string]any{"unit": unit, "contractor_name": "安居装饰", "contractor_phone": "13600000001",
		"scope": []string{"walls"}, "planned_start": "2025-10-15", "planned_end": "2025-12-31"} {
		r.Set(k, v)
	}
	submitted := time.Date(2025, 9, 30, 10, 0, 0, 0, sh)
	restore := hooks.SetNow(func() time.Time { return submitted })
	// filed as the API would, by the owner
	if err := hooksPrepare(app, r, residentRec(t, app, "owner2@example.com")); err != nil {
		t.Fatal(err)
	}
	restore()
	// 1–8 October off: the two working days are 9 and 10 October.
	if due := r.GetDateTime("engineering_due").Time(); !due.Equal(time.Date(2025, 10, 10, 10, 0, 0, 0, sh)) {
		t.Fatalf("engineering due %v", due.In(sh))
	}
	if n, _ := hooks.FlagOverdueReviews(app, time.Date(2025, 10, 10, 9, 0, 0, 0, sh)); n != 0 {
		t.Fatal("flagged before the deadline")
	}
	if n, _ := hooks.FlagOverdueReviews(app, time.Date(2025, 10, 10, 10, 1, 0, 0, sh)); n != 1 {
		t.Fatal("a late engineering review was not flagged")
	}
	if n, _ := hooks.FlagOverdueReviews(app, time.Date(2025, 10, 10, 12, 0, 0, 0, sh)); n != 0 {
		t.Fatal("flagged twice")
	}
	// Passed on Friday 10 October at 17:00: Saturday 11 October is a
	// make-up working day, so the director's day ends then.
	restore = hooks.SetNow(func() time.Time { return time.Date(2025, 10, 10, 17, 0, 0, 0, sh) })
	r, err := hooks.AdvanceRenovation(app, r.Id, staffRec(t, app, "engineer@example.com"), "engineering_passed", nil)
	restore()
	if err != nil {
		t.Fatal(err)
	}
	if due := r.GetDateTime("approval_due").Time(); !due.Equal(time.Date(2025, 10, 11, 17, 0, 0, 0, sh)) || r.GetBool("review_overdue") {
		t.Fatalf("approval due %v, overdue %v", due.In(sh), r.GetBool("review_overdue"))
	}
	if n, _ := hooks.FlagOverdueReviews(app, time.Date(2025, 10, 11, 17, 1, 0, 0, sh)); n != 1 {
		t.Fatal("a late approval was not flagged")
	}
	if n, _ := app.CountRecords("notifications", dbx.HashExp{"kind": "renovation_review_overdue", "subject_id": r.Id}); n != 4 {
		t.Fatalf("%d notices: the supervisor and the director, once per stage", n)
	}
	// Returned to engineering: a new 2-day deadline.
	r, err = hooks.AdvanceRenovation(app, r.Id, staffRec(t, app, "director@example.com"), "submitted", map[string]any{"director_comment": "请补充电路图"})
	if err != nil || r.GetString("status") != "submitted" {
		t.Fatalf("return to engineering: %v", err)
	}
}

func TestEveryIllegalRenovationStepIsRefused(t *testing.T) {
	app := testapp.New(t)
	unit := ownerOf103(t, app)
	col, _ := app.FindCollectionByNameOrId("renovations")
	legal := func(from, to string) bool {
		return slices.ContainsFunc(hooks.RenovationFlow, func(s hooks.Step) bool { return s.From == from && s.To == to })
	}
	for _, from := range []string{"submitted", "engineering_passed", "approved", "rejected"} {
		for _, to := range migrations.RenovationStatuses {
			if to == from || legal(from, to) {
				continue
			}
			r := core.NewRecord(col)
			for k, v := range map[string]any{"unit": unit, "contractor_name": "x", "contractor_phone": "13600000001",
				"scope": []string{"walls"}, "planned_start": "2026-12-01", "planned_end": "2026-12-31"} {
				r.Set(k, v)
			}
			if err := hooksPrepare(app, r, residentRec(t, app, "owner2@example.com")); err != nil {
				t.Fatal(err)
			}
			r, _ = app.FindRecordById("renovations", r.Id) // saved: work on the stored record
			r.Set("status", from)
			if err := app.Save(r); err != nil {
				t.Fatal(err)
			}
			_, err := hooks.AdvanceRenovation(app, r.Id, nil, to, map[string]any{"reject_reason": "x", "director_comment": "x"})
			want := "wuye_illegal_step"
			if from == "rejected" {
				want = "wuye_frozen"
			}
			if code := errCode(err, "status"); code != want {
				t.Errorf("%s → %s: %v, want %s", from, to, err, want)
			}
		}
	}
}

// hooksPrepare files an application as the API would (without HTTP).
func hooksPrepare(app core.App, r, auth *core.Record) error {
	return hooks.FileRenovation(app, r, auth)
}
