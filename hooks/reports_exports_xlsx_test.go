package hooks_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/tools/types"
	"github.com/xuri/excelize/v2"

	"wuye/internal/testapp"
	"wuye/lib/clock"
	"wuye/lib/workcal"
)

// xlsx downloads an export and opens it, with its file name (the UTF-8 one
// of Content-Disposition's filename*).
func xlsx(t *testing.T, h http.Handler, path, who, lang string) (*excelize.File, string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.Header.Set("Authorization", testapp.Token(t, who))
	if lang != "" {
		req.Header.Set("Accept-Language", lang)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != 200 {
		t.Fatalf("%s: %d %s", path, rec.Code, rec.Body.String())
	}
	cd := rec.Header().Get("Content-Disposition")
	i := strings.Index(cd, "filename*=UTF-8''")
	if i < 0 || !strings.Contains(cd, `filename="`) {
		t.Fatalf("%s: Content-Disposition %q has no filename and filename*", path, cd)
	}
	name, err := url.PathUnescape(cd[i+len("filename*=UTF-8''"):])
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(rec.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	return f, name
}

// numFmt is the number format of a cell's style.
func numFmt(t *testing.T, f *excelize.File, sheet, cell string) string {
	t.Helper()
	id, err := f.GetCellStyle(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	s, err := f.GetStyle(id)
	if err != nil || s.CustomNumFmt == nil {
		t.Fatalf("%s: no number format (%v)", cell, err)
	}
	return *s.CustomNumFmt
}

// isNumber: the cell holds a number (a date is one too), not text.
func isNumber(t *testing.T, f *excelize.File, sheet, cell string) float64 {
	t.Helper()
	typ, err := f.GetCellType(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
	n, perr := strconv.ParseFloat(raw, 64)
	if (typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber) || perr != nil {
		t.Fatalf("%s!%s is %v %q, not a number", sheet, cell, typ, raw)
	}
	return n
}

// The sheets a cashier and a supervisor hand on ([000] 收费员 4.2.1,
// 前台 4.10.5) open in Excel as sheets to work with: the file named in
// Chinese with its period, the header row frozen with filters, each column
// its width, dates as date cells, amounts as yuan numbers formatted ¥, every
// code in words — English when asked.
func TestExportSheetsTyped(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	ch := testapp.ID(t, "community:CH")
	month := clock.Now().In(workcal.Shanghai).Format("2006-01")
	// A payment now, so that the month's sheet has a row whatever the day.
	code, body := testapp.Do(t, h, http.MethodPost, "/api/collections/payments/records",
		`{"unit":"`+testapp.ID(t, "unit:1-101")+`","amount_fen":12345,"method":"wechat","payer_name":"李明"}`, "cashier@example.com")
	expectBody(t, "a payment", code, body, 200)

	f, name := xlsx(t, h, "/api/wuye/exports/payments?community="+ch+"&range="+month, "cashier@example.com", "")
	if name != "收款_"+month+".xlsx" {
		t.Fatalf("file name %q", name)
	}
	sheet := f.GetSheetName(0)
	if sheet != "收款" {
		t.Fatalf("sheet %q", sheet)
	}
	panes, err := f.GetPanes(sheet)
	if err != nil || !panes.Freeze || panes.YSplit != 1 || panes.TopLeftCell != "A2" {
		t.Fatalf("header not frozen: %+v %v", panes, err)
	}
	names := f.GetDefinedName()
	filtered := false
	for _, n := range names {
		filtered = filtered || n.Name == "_xlnm._FilterDatabase" && strings.Contains(n.RefersTo, "$A$1:$I$")
	}
	if !filtered {
		t.Fatalf("no filter over the header: %+v", names)
	}
	if w, _ := f.GetColWidth(sheet, "B"); w < 16 {
		t.Fatalf("the time column is %v wide", w)
	}
	rows, _ := f.GetRows(sheet)
	found := 0
	for i, r := range rows[1:] {
		if len(r) < 7 || r[6] != "李明" {
			continue
		}
		found = i + 2
	}
	if found == 0 {
		t.Fatalf("the payment is not in the sheet: %v", rows)
	}
	row := strconv.Itoa(found)
	if n := isNumber(t, f, sheet, "E"+row); n != 123.45 || !strings.Contains(numFmt(t, f, sheet, "E"+row), "¥") {
		t.Fatalf("amount %v %q", n, numFmt(t, f, sheet, "E"+row))
	}
	if shown, _ := f.GetCellValue(sheet, "E"+row); shown != "¥123.45" {
		t.Fatalf("amount shown %q", shown)
	}
	when := isNumber(t, f, sheet, "B"+row)
	got, _ := excelize.ExcelDateToTime(when, false)
	if d := got.Sub(clock.Now().In(workcal.Shanghai)); numFmt(t, f, sheet, "B"+row) != "yyyy-mm-dd hh:mm" ||
		got.Format("2006-01-02") != clock.Now().In(workcal.Shanghai).Format("2006-01-02") || d > 10*time.Minute+8*time.Hour {
		t.Fatalf("received at %v (%s)", got, numFmt(t, f, sheet, "B"+row))
	}
	if m, _ := f.GetCellValue(sheet, "F"+row); m != "微信支付" {
		t.Fatalf("method %q", m)
	}

	// English when asked: headers, words and file name.
	f, name = xlsx(t, h, "/api/wuye/exports/payments?community="+ch+"&range="+month, "cashier@example.com", "en-GB,en")
	rows, _ = f.GetRows(f.GetSheetName(0))
	if name != "Payments_"+month+".xlsx" || rows[0][0] != "Receipt" || rows[found-1][5] != "WeChat Pay" {
		t.Fatalf("English: %q %v %v", name, rows[0], rows[found-1])
	}

	// The bills of a period: dates are dates, status and reminder in words.
	period := clock.Now().In(workcal.Shanghai).Format("2006") + "-Q3"
	f, name = xlsx(t, h, "/api/wuye/exports/bills?community="+ch+"&period="+period, "cashier@example.com", "")
	if name != "账单_"+period+".xlsx" {
		t.Fatalf("bills file %q", name)
	}
	rows, _ = f.GetRows("账单")
	if len(rows) < 2 {
		t.Fatal("no bills")
	}
	isNumber(t, f, "账单", "F2")
	isNumber(t, f, "账单", "M2")
	if numFmt(t, f, "账单", "M2") != "yyyy-mm-dd" || !strings.Contains(numFmt(t, f, "账单", "H2"), "¥") {
		t.Fatal("bill dates or amounts not formatted")
	}
	for _, r := range rows[1:] {
		if s := r[13]; s != "待缴" && s != "部分已缴" && s != "已缴清" && s != "已作废" {
			t.Fatalf("bill status %q", s)
		}
	}

	// The complaints of the month: 投诉_2026-12.xlsx.
	f, name = xlsx(t, h, "/api/wuye/exports/complaints?community="+ch+"&range="+month, "supervisor@example.com", "")
	if name != "投诉_"+month+".xlsx" || f.GetSheetName(0) != "投诉" {
		t.Fatalf("complaints file %q", name)
	}
	if rows, _ := f.GetRows("投诉"); len(rows) > 1 {
		isNumber(t, f, "投诉", "B2")
	}
}

// 本月实收 counts every payment of the month ([000] 收费员 4.2.1: the
// cashier's takings), whichever period the bills it pays belong to — a
// quarter's bills paid in its second or third month, arrears, bills paid
// ahead — not only the bills whose period starts in the month.
func TestMonthReceivedCountsEveryPayment(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	ch := testapp.ID(t, "community:CH")
	month := clock.Now().In(workcal.Shanghai).Format("2006-01")
	received := func() (int64, int64) {
		t.Helper()
		code, body := testapp.Do(t, h, http.MethodGet, "/api/stats/fees?community="+ch+"&range="+month, "", "supervisor@example.com")
		expectBody(t, "fee stats", code, body, 200)
		var out struct {
			Rows []struct {
				Received  int64 `json:"received_fen"`
				Collected int64 `json:"collected_fen"`
			} `json:"rows"`
		}
		if err := json.Unmarshal([]byte(body), &out); err != nil {
			t.Fatal(err)
		}
		if len(out.Rows) == 0 {
			return 0, 0
		}
		return out.Rows[0].Received, out.Rows[0].Collected
	}
	before, _ := received()
	// A payment on the unit's oldest open bill — one of an earlier period.
	code, body := testapp.Do(t, h, http.MethodPost, "/api/collections/payments/records",
		`{"unit":"`+testapp.ID(t, "unit:1-101")+`","amount_fen":25898,"method":"cash"}`, "cashier@example.com")
	expectBody(t, "a payment", code, body, 200)
	after, collected := received()
	if after-before != 25898 {
		t.Fatalf("本月实收 went from %d to %d after ¥258.98 was taken (当期 %d)", before, after, collected)
	}
	// It is the month's payments, summed (reversals negative).
	now := clock.Now().In(workcal.Shanghai)
	from := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, workcal.Shanghai)
	var sum struct {
		N int64 `db:"n"`
	}
	err := app.DB().NewQuery(`SELECT COALESCE(SUM(amount_fen), 0) AS n FROM payments WHERE community = {:c} AND created >= {:from} AND created < {:to}`).
		Bind(dbx.Params{"c": ch, "from": from.UTC().Format(types.DefaultDateLayout), "to": from.AddDate(0, 1, 0).UTC().Format(types.DefaultDateLayout)}).One(&sum)
	if err != nil || sum.N != after {
		t.Fatalf("本月实收 %d, the month's payments %d (%v)", after, sum.N, err)
	}

	// The monthly report's sheet carries it: 月报 of the month, figures typed.
	f, name := xlsx(t, h, "/api/wuye/exports/report?community="+ch+"&month="+month, "director@example.com", "")
	if name != "客服中心月报_"+month+".xlsx" {
		t.Fatalf("report file %q", name)
	}
	sheet := f.GetSheetName(0)
	rows, _ := f.GetRows(sheet)
	var line int
	for i, r := range rows {
		if len(r) > 1 && strings.HasPrefix(r[0], "四、收费（本月") && r[1] == "实收（全部收款）" {
			line = i + 1
		}
	}
	if line == 0 {
		t.Fatalf("no 实收 in the report: %v", rows)
	}
	cell := "C" + strconv.Itoa(line)
	if n := isNumber(t, f, sheet, cell); int64(n*100+0.5) != after || !strings.Contains(numFmt(t, f, sheet, cell), "¥") {
		t.Fatalf("report 实收 %v, want %d fen", n, after)
	}
	for _, who := range []string{"cashier@example.com", "frontdesk@example.com", "supervisor.yx@example.com"} {
		if code, _ := testapp.Do(t, h, http.MethodGet, "/api/wuye/exports/report?community="+ch+"&month="+month, "", who); code != 403 {
			t.Errorf("%s exported the monthly report: %d", who, code)
		}
	}
	code, body = testapp.Do(t, h, http.MethodGet, "/api/wuye/exports/report?community="+ch+"&month=2026-13", "", "director@example.com")
	expectBody(t, "a bad month", code, body, 400, "month")
}
