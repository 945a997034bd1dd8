package hooks_test

import (
	"bytes"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/tools/types"
	"github.com/xuri/excelize/v2"

	"wuye/internal/testapp"
	"wuye/lib/clock"
	"wuye/lib/workcal"
)

func TestServiceListExports(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	month := clock.Now().In(workcal.Shanghai).Format("2006-01")
	community := testapp.ID(t, "community:CH")
	// An anonymous complaint from the portal: its complainant stays hidden in the sheet.
	code, body := testapp.Do(t, h, http.MethodPost, "/api/collections/complaints/records", `{"unit":"`+testapp.ID(t, "unit:1-101")+
		`","category":"security","content":"夜里有人翻越围墙","anonymous":true}`, "owner1@example.com")
	expectBody(t, "an anonymous complaint", code, body, 200)

	sheet := func(kind, email string) [][]string {
		t.Helper()
		code, body := testapp.Do(t, h, http.MethodGet, "/api/wuye/exports/"+kind+"?community="+community+"&range="+month, "", email)
		if code != 200 {
			t.Fatalf("%s export by %s: %d %s", kind, email, code, body)
		}
		f, err := excelize.OpenReader(bytes.NewReader([]byte(body)))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := f.GetRows(f.GetSheetName(0))
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
	rows := sheet("complaints", "supervisor@example.com")
	now := clock.Now().In(workcal.Shanghai)
	start := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, workcal.Shanghai).UTC().Format(types.DefaultDateLayout)
	// The supervisor's: not those about the service center ([003] 2.2.8).
	n, _ := app.CountRecords("complaints", dbx.NewExp("received_at >= {:s} AND about_service_center = FALSE", dbx.Params{"s": start}))
	if len(rows) != int(n)+1 || rows[0][0] != "编号" {
		t.Fatalf("%d rows for %d complaints of the month, header %v", len(rows), n, rows[0])
	}
	var anon []string
	for _, r := range rows[1:] {
		if slices.Contains(r, "夜里有人翻越围墙") {
			anon = r
		}
	}
	if anon == nil || anon[2] != "网上" || anon[3] != "安保" || anon[6] != "匿名" || anon[7] != "匿名" || anon[11] != "已受理" {
		t.Fatalf("the anonymous complaint's row: %v", anon)
	}
	for _, r := range rows[1:] {
		if slices.Contains(r, "13800000001") && slices.Contains(r, "夜里有人翻越围墙") {
			t.Fatal("the anonymous complainant's phone is in the sheet")
		}
	}
	orders := sheet("work_orders", "director@example.com")
	if len(orders) < 2 || orders[0][0] != "单号" || !slices.ContainsFunc(orders[1:], func(r []string) bool { return len(r) > 11 && r[11] == "已完工" }) {
		t.Fatalf("work orders sheet: %v", orders)
	}
	for _, who := range []string{"cashier@example.com", "frontdesk@example.com", "supervisor.yx@example.com"} {
		if code, _ := testapp.Do(t, h, http.MethodGet, "/api/wuye/exports/complaints?community="+community+"&range="+month, "", who); code != 403 {
			t.Errorf("%s exported the complaints: %d", who, code)
		}
	}
	code, body = testapp.Do(t, h, http.MethodGet, "/api/wuye/exports/complaints?community="+community+"&range=2026-13", "", "supervisor@example.com")
	expectBody(t, "a bad month", code, body, 400, "range")
}
